// SPDX-License-Identifier: MIT
/*
 * free.c - free queues and allocation: which APQNs an mdev could take now,
 * and a deterministic search for N adapters x M domains whose whole cross
 * product is free, so that "give this guest N queues" never takes a
 * collateral APQN from anyone.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Does @card pass the type and mode of @filter, and can vfio_ap take it? */
static bool card_usable(const struct zap_card *card,
			const struct zap_free_filter *filter)
{
	if (!card || card->hwtype < 10)
		return false;
	if (filter && filter->type[0] && strcasecmp(card->type, filter->type))
		return false;
	if (filter && filter->mode != ZAP_MODE_UNKNOWN &&
	    card->mode != filter->mode)
		return false;
	return card->config != 0 && card->chkstop != 1;
}

/* Per adapter, the domains free on it. */
ZAP_EXPORT void zap_free_apqns(const struct zap_model *model,
			       const struct zap_free_filter *filter,
			       struct zap_bitmap free[ZAP_IDS])
{
	for (unsigned int a = 0; a < ZAP_IDS; a++)
		zap_bitmap_zero(&free[a]);
	for (size_t i = 0; i < model->nr_queues; i++) {
		const struct zap_queue *q = &model->queues[i];
		struct zap_owner owner;

		if (filter && !zap_bitmap_empty(&filter->adapters) &&
		    !zap_bitmap_test(&filter->adapters, q->adapter))
			continue;
		if (filter && !zap_bitmap_empty(&filter->domains) &&
		    !zap_bitmap_test(&filter->domains, q->domain))
			continue;
		if (q->config == 0 || q->chkstop == 1 ||
		    !card_usable(zap_model_card(model, q->adapter), filter))
			continue;
		zap_model_owner(model, q->adapter, q->domain, &owner);
		if (owner.host || owner.nr_mdevs || owner.autostart)
			continue;
		zap_bitmap_set(&free[q->adapter], q->domain);
	}
}

/* The lowest @n ids of @src (all of them when fewer). */
static struct zap_bitmap lowest(const struct zap_bitmap *src, unsigned int n)
{
	struct zap_bitmap out;
	unsigned int id, taken = 0;

	zap_bitmap_zero(&out);
	zap_for_each_set_bit(id, src) {
		if (taken++ == n)
			break;
		zap_bitmap_set(&out, id);
	}
	return out;
}

/* Are two cards of the same type and mode? */
static bool same_kind(const struct zap_model *model, unsigned int a,
		      unsigned int b)
{
	const struct zap_card *x = zap_model_card(model, a);
	const struct zap_card *y = zap_model_card(model, b);

	return x && y && x->mode == y->mode && strcmp(x->type, y->type) == 0;
}

/*
 * Greedy from @first over the ascending adapters of @group: take each
 * adapter while the domains free on all taken ones stay >= @min_domains.
 * Stops at @want adapters. Returns the number taken, with @taken and
 * @domains.
 */
static unsigned int greedy(const struct zap_bitmap free[ZAP_IDS],
			   const struct zap_bitmap *group, unsigned int first,
			   unsigned int want, unsigned int min_domains,
			   struct zap_bitmap *taken, struct zap_bitmap *domains)
{
	unsigned int a, n = 1;
	struct zap_bitmap both;

	zap_bitmap_zero(taken);
	zap_bitmap_set(taken, first);
	*domains = free[first];
	for (a = zap_bitmap_find_next(group, first + 1); a < ZAP_IDS && n < want;
	     a = zap_bitmap_find_next(group, a + 1)) {
		zap_bitmap_and(&both, domains, &free[a]);
		if (zap_bitmap_weight(&both) < min_domains)
			continue;
		zap_bitmap_set(taken, a);
		*domains = both;
		n++;
	}
	return n;
}

/* Search one group of adapters for an N x M block; track the largest. */
static bool search_group(const struct zap_bitmap free[ZAP_IDS],
			 const struct zap_bitmap *group, unsigned int n,
			 unsigned int m, struct zap_block *block,
			 struct zap_block *largest)
{
	struct zap_bitmap taken, domains;
	unsigned int a, got;

	zap_for_each_set_bit(a, group) {
		if (zap_bitmap_weight(&free[a]) < (m ? m : 1))
			continue;
		got = greedy(free, group, a, n, m, &taken, &domains);
		if (got == n) {
			block->adapters = taken;
			block->domains = lowest(&domains, m);
			return true;
		}
		if (got > zap_bitmap_weight(&largest->adapters)) {
			largest->adapters = taken;
			largest->domains = lowest(&domains, m);
		}
	}
	return false;
}

/* The most domains that n adapters of @group share, for the message. */
static void largest_for_adapters(const struct zap_bitmap free[ZAP_IDS],
				 const struct zap_bitmap *group,
				 unsigned int n, struct zap_block *best)
{
	struct zap_bitmap taken, domains;
	unsigned int a;

	zap_for_each_set_bit(a, group)
		if (greedy(free, group, a, n, 1, &taken, &domains) == n &&
		    zap_bitmap_weight(&domains) > zap_bitmap_weight(&best->domains)) {
			best->adapters = taken;
			best->domains = domains;
		}
}

/* Groups of adapters with free domains, by type and mode; then all. */
static unsigned int adapter_groups(const struct zap_model *model,
				   const struct zap_bitmap free[ZAP_IDS],
				   const struct zap_bitmap *candidates,
				   struct zap_bitmap groups[ZAP_IDS + 1])
{
	struct zap_bitmap left = *candidates, all = *candidates;
	unsigned int nr = 0, a, b;

	(void)free;
	while (!zap_bitmap_empty(&left)) {
		a = zap_bitmap_find_first(&left);
		zap_bitmap_zero(&groups[nr]);
		zap_for_each_set_bit(b, &left)
			if (same_kind(model, a, b))
				zap_bitmap_set(&groups[nr], b);
		zap_bitmap_set(&groups[nr], a);
		zap_bitmap_andnot(&left, &left, &groups[nr]);
		nr++;
	}
	/* mixed types and modes only as the last resort */
	if (nr > 1)
		groups[nr++] = all;
	return nr;
}

/* Grow @within by @n adapters free on all its domains. */
static int grow_adapters(const struct zap_model *model,
			 const struct zap_bitmap free[ZAP_IDS], unsigned int n,
			 const struct zap_block *within, struct zap_block *block,
			 struct zap_block *largest)
{
	struct zap_bitmap candidates, groups[ZAP_IDS + 1];
	unsigned int a, nr, g;
	unsigned int ref = zap_bitmap_find_first(&within->adapters);

	zap_bitmap_zero(&candidates);
	for (a = 0; a < ZAP_IDS; a++)
		if (!zap_bitmap_test(&within->adapters, a) &&
		    !zap_bitmap_empty(&free[a]) &&
		    zap_bitmap_subset(&within->domains, &free[a]))
			zap_bitmap_set(&candidates, a);
	nr = adapter_groups(model, free, &candidates, groups);
	/* the group of the mdev's own adapters first */
	for (g = 0; g < nr && ref < ZAP_IDS; g++) {
		unsigned int first = zap_bitmap_find_first(&groups[g]);

		if (first < ZAP_IDS && same_kind(model, first, ref) &&
		    zap_bitmap_weight(&groups[g]) >= n) {
			block->adapters = lowest(&groups[g], n);
			block->domains = within->domains;
			return 0;
		}
	}
	for (g = 0; g < nr; g++)
		if (zap_bitmap_weight(&groups[g]) >= n) {
			block->adapters = lowest(&groups[g], n);
			block->domains = within->domains;
			return 0;
		}
	largest->adapters = candidates;
	largest->domains = within->domains;
	return -ENOSPC;
}

/* Grow @within by @m domains free on all its adapters. */
static int grow_domains(const struct zap_bitmap free[ZAP_IDS], unsigned int m,
			const struct zap_block *within, struct zap_block *block,
			struct zap_block *largest)
{
	struct zap_bitmap domains;
	unsigned int a;

	zap_bitmap_fill(&domains);
	zap_for_each_set_bit(a, &within->adapters)
		zap_bitmap_and(&domains, &domains, &free[a]);
	zap_bitmap_andnot(&domains, &domains, &within->domains);
	if (zap_bitmap_weight(&domains) >= m) {
		block->adapters = within->adapters;
		block->domains = lowest(&domains, m);
		return 0;
	}
	largest->adapters = within->adapters;
	largest->domains = domains;
	return -ENOSPC;
}

/* Choose N adapters x M domains, all free. */
ZAP_EXPORT int zap_free_block_find(const struct zap_model *model,
				   const struct zap_bitmap free[ZAP_IDS],
				   unsigned int nr_adapters,
				   unsigned int nr_domains,
				   const struct zap_block *within,
				   struct zap_block *block,
				   struct zap_block *largest)
{
	struct zap_bitmap candidates, groups[ZAP_IDS + 1];
	struct zap_block by_domains;
	unsigned int a, nr;

	memset(block, 0, sizeof(*block));
	memset(largest, 0, sizeof(*largest));
	/* growth: an mdev without adapters may still get adapters */
	if (within && nr_adapters && !nr_domains)
		return grow_adapters(model, free, nr_adapters, within, block,
				     largest);
	/* domains are free "on all its adapters": an mdev needs adapters */
	if (within && nr_domains && !nr_adapters)
		return zap_bitmap_empty(&within->adapters) ? -EINVAL :
		       grow_domains(free, nr_domains, within, block, largest);
	if (!nr_adapters || !nr_domains)
		return -EINVAL;
	zap_bitmap_zero(&candidates);
	for (a = 0; a < ZAP_IDS; a++)
		if (zap_bitmap_weight(&free[a]) >= nr_domains)
			zap_bitmap_set(&candidates, a);
	nr = adapter_groups(model, free, &candidates, groups);
	for (unsigned int g = 0; g < nr; g++)
		if (search_group(free, &groups[g], nr_adapters, nr_domains,
				 block, largest))
			return 0;
	/* the most domains that nr_adapters adapters share, for the message */
	memset(&by_domains, 0, sizeof(by_domains));
	zap_bitmap_zero(&candidates);
	for (a = 0; a < ZAP_IDS; a++)
		if (!zap_bitmap_empty(&free[a]))
			zap_bitmap_set(&candidates, a);
	largest_for_adapters(free, &candidates, nr_adapters, &by_domains);
	largest->domains = by_domains.domains;
	return -ENOSPC;
}
