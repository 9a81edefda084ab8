// SPDX-License-Identifier: MIT
/*
 * filter.c - lszap's selection: -a LIST, -d LIST, -m UUID, --owner WHO and
 * the positional APQNs. The syntax is checked before anything is read
 * (exit 1), the ids again against the bus's maxima once the model is loaded
 * (exit 2), the UUIDs against the mdevs found (exit 2). Every view asks
 * here whether a row is shown.
 *
 * Copyright zap developers 2026
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lszap.h"

/* Compare two packed APQNs for qsort() and bsearch(). */
static int cmp_apqn(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Parse the positional APQNs into l->filter.apqns, sorted, unique. */
static void parse_apqns(struct lszap *l, const char *const *apqns)
{
	struct lszap_filter *f = &l->filter;
	struct zap_error err;
	unsigned int a, d;
	size_t n = 0, i, out;

	while (apqns && apqns[n])
		n++;
	if (!n)
		return;
	f->apqns = calloc(n, sizeof(*f->apqns));
	if (!f->apqns)
		lszap_oom();
	for (i = 0; i < n; i++) {
		zap_error_clear(&err);
		if (zap_apqn_parse(apqns[i], &a, &d, &err))
			lszap_fail(&err);
		f->apqns[i] = (uint16_t)(a << 8 | d);
		zap_bitmap_set(&f->apqn_adapters, a);
		zap_bitmap_set(&f->apqn_domains, d);
	}
	qsort(f->apqns, n, sizeof(*f->apqns), cmp_apqn);
	for (out = 1, i = 1; i < n; i++)
		if (f->apqns[i] != f->apqns[out - 1])
			f->apqns[out++] = f->apqns[i];
	f->nr_apqns = out;
}

/* Check the filter options' syntax (before the model exists). */
void filter_parse(struct lszap *l, const char *owner_text,
		  const char *mdev_text, const char *const *apqns)
{
	struct lszap_filter *f = &l->filter;
	struct zap_error err;

	zap_error_clear(&err);
	f->mdev = -1;
	f->owner_mdev = -1;
	if (f->adapter_text) {
		if (zap_ids_parse(&f->adapters, f->adapter_text, ZAP_MAX_ID,
				  "adapter", &err))
			lszap_fail(&err);
		f->has_adapters = true;
	}
	if (f->domain_text) {
		if (zap_ids_parse(&f->domains, f->domain_text, ZAP_MAX_ID,
				  "domain", &err))
			lszap_fail(&err);
		f->has_domains = true;
	}
	if (mdev_text) {
		if (zap_uuid_parse(mdev_text, f->mdev_uuid, &err))
			lszap_fail(&err);
		f->has_mdev = true;
	}
	if (owner_text) {
		if (!strcmp(owner_text, "host"))
			f->owner = OWNER_HOST;
		else if (!strcmp(owner_text, "vfio"))
			f->owner = OWNER_VFIO;
		else if (!strcmp(owner_text, "free"))
			f->owner = OWNER_FREE;
		else if (!zap_uuid_parse(owner_text, f->owner_uuid, NULL))
			f->owner = OWNER_MDEV;
		else
			lszap_usage_error("invalid owner '%s': use host, vfio, free or an mdev UUID",
					  owner_text);
	}
	parse_apqns(l, apqns);
}

/* The model bits the filters need. */
unsigned int filter_load_bits(const struct lszap *l)
{
	const struct lszap_filter *f = &l->filter;
	unsigned int bits = 0;

	if (f->has_mdev || f->owner == OWNER_MDEV)
		bits |= ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS;
	if (f->owner == OWNER_FREE)
		bits |= ZAP_LOAD_MDEVS;
	/* Adapter, domain and mdev rows are chosen by the queues they have. */
	if (l->view != VIEW_QUEUES && l->view != VIEW_BUS &&
	    (f->has_domains || f->has_adapters || f->nr_apqns ||
	     f->owner != OWNER_ANY))
		bits |= ZAP_LOAD_QUEUES;
	return bits;
}

/* Find the mdev @uuid in the model; exit 2 when it is unknown. */
static int resolve_mdev(const struct lszap *l, const char *uuid)
{
	int index = zap_model_find_mdev(l->model, uuid);

	if (index < 0 && l->persistent) {
		lszap_warn("unknown mdev %s: it does not start at boot (no usable autostart definition)",
			   uuid);
		exit(ZAP_STATUS_NOT_FOUND);
	}
	if (index < 0) {
		lszap_warn("unknown mdev %s: neither active nor defined%s", uuid,
			   l->model->bus.vfio_ap ? "" :
			   " (vfio_ap is not loaded: modprobe vfio_ap)");
		exit(ZAP_STATUS_NOT_FOUND);
	}
	return index;
}

/* Check an APQN's ids against the bus's maxima; exit 2 if above. */
static void check_apqn_max(const struct lszap *l, uint16_t apqn)
{
	const struct zap_bus *bus = &l->model->bus;
	unsigned int a = apqn >> 8, d = apqn & 0xff;
	char text[ZAP_APQN_STRLEN];

	zap_apqn_print(a, d, text);
	if (a > bus->max_adapter_id) {
		lszap_warn("APQN '%s': adapter id 0x%x is above the maximum 0x%x",
			   text, a, bus->max_adapter_id);
		exit(ZAP_STATUS_NOT_FOUND);
	}
	if (d > bus->max_domain_id) {
		lszap_warn("APQN '%s': domain id 0x%x is above the maximum 0x%x",
			   text, d, bus->max_domain_id);
		exit(ZAP_STATUS_NOT_FOUND);
	}
}

/* Check the filters against the loaded model (maxima, mdev UUIDs). */
void filter_resolve(struct lszap *l)
{
	struct lszap_filter *f = &l->filter;
	const struct zap_bus *bus = &l->model->bus;
	struct zap_error err;
	size_t i;

	zap_error_clear(&err);
	if (f->adapter_text &&
	    zap_ids_parse(&f->adapters, f->adapter_text, bus->max_adapter_id,
			  "adapter", &err))
		lszap_fail(&err);
	if (f->domain_text &&
	    zap_ids_parse(&f->domains, f->domain_text, bus->max_domain_id,
			  "domain", &err))
		lszap_fail(&err);
	for (i = 0; i < f->nr_apqns; i++)
		check_apqn_max(l, f->apqns[i]);
	if (f->has_mdev)
		f->mdev = resolve_mdev(l, f->mdev_uuid);
	if (f->owner == OWNER_MDEV)
		f->owner_mdev = resolve_mdev(l, f->owner_uuid);
}

/* Does --owner keep the APQN (adapter, domain)? */
static bool owner_keeps(const struct lszap *l, unsigned int adapter,
			unsigned int domain)
{
	const struct lszap_filter *f = &l->filter;
	const struct zap_mdev *mdev;
	struct zap_owner owner;

	switch (f->owner) {
	case OWNER_HOST:
		return zap_model_host_owned(l->model, adapter, domain);
	case OWNER_VFIO:
		return !zap_model_host_owned(l->model, adapter, domain);
	case OWNER_FREE:
		zap_model_owner(l->model, adapter, domain, &owner);
		return !owner.host && owner.mdev < 0;
	case OWNER_MDEV:
		mdev = &l->model->mdevs[f->owner_mdev];
		return mdev->active &&
			zap_apqn_set_test(&mdev->matrix, adapter, domain);
	case OWNER_ANY:
	default:
		return true;
	}
}

/* Does the queue or APQN (adapter, domain) pass every filter? */
bool filter_apqn(const struct lszap *l, unsigned int adapter,
		 unsigned int domain)
{
	const struct lszap_filter *f = &l->filter;
	uint16_t key = (uint16_t)(adapter << 8 | domain);

	if (f->has_adapters && !zap_bitmap_test(&f->adapters, adapter))
		return false;
	if (f->has_domains && !zap_bitmap_test(&f->domains, domain))
		return false;
	if (f->nr_apqns && !bsearch(&key, f->apqns, f->nr_apqns,
				    sizeof(*f->apqns), cmp_apqn))
		return false;
	if (f->has_mdev &&
	    !zap_apqn_set_test(&l->model->mdevs[f->mdev].matrix, adapter,
			       domain))
		return false;
	return owner_keeps(l, adapter, domain);
}

/* Is a filter given that selects APQNs rather than ids? */
static bool apqn_filter_given(const struct lszap *l)
{
	return l->filter.nr_apqns || l->filter.owner != OWNER_ANY;
}

/* Is adapter shown in the adapter view / JSON "adapters"? */
bool filter_adapter(const struct lszap *l, unsigned int adapter)
{
	const struct lszap_filter *f = &l->filter;
	const struct zap_model *m = l->model;
	size_t i;

	if (f->has_adapters && !zap_bitmap_test(&f->adapters, adapter))
		return false;
	if (f->nr_apqns && !zap_bitmap_test(&f->apqn_adapters, adapter))
		return false;
	if (f->has_mdev &&
	    !describe_mdev_has_adapter(&m->mdevs[f->mdev], adapter))
		return false;
	if (!f->has_domains && !apqn_filter_given(l))
		return true;
	/* -d, --owner, APQNs: the adapter needs a queue they select. */
	for (i = 0; i < m->nr_queues; i++)
		if (m->queues[i].adapter == adapter &&
		    filter_apqn(l, adapter, m->queues[i].domain))
			return true;
	return false;
}

/* Is domain shown in the domain view / JSON "domains"? */
bool filter_domain(const struct lszap *l, unsigned int domain)
{
	const struct lszap_filter *f = &l->filter;
	const struct zap_model *m = l->model;
	size_t i;

	if (f->has_domains && !zap_bitmap_test(&f->domains, domain))
		return false;
	if (f->nr_apqns && !zap_bitmap_test(&f->apqn_domains, domain))
		return false;
	if (f->has_mdev &&
	    !describe_mdev_has_domain(&m->mdevs[f->mdev], domain))
		return false;
	if (!f->has_adapters && !apqn_filter_given(l))
		return true;
	/* -a, --owner, APQNs: the domain needs a queue they select. */
	for (i = 0; i < m->nr_queues; i++)
		if (m->queues[i].domain == domain &&
		    filter_apqn(l, m->queues[i].adapter, domain))
			return true;
	return false;
}

/* Does mdev hold an APQN that --owner and the APQN list select? */
static bool mdev_has_selected_apqn(const struct lszap *l,
				   const struct zap_mdev *mdev)
{
	unsigned int a, d;

	zap_for_each_set_bit(a, &mdev->matrix.adapters)
		zap_for_each_set_bit(d, &mdev->matrix.domains)
			if (filter_apqn(l, a, d))
				return true;
	return false;
}

/* Is model->mdevs[index] shown in the mdev view / JSON "mdevs"? */
bool filter_mdev(const struct lszap *l, int index)
{
	const struct lszap_filter *f = &l->filter;
	const struct zap_mdev *mdev = &l->model->mdevs[index];
	struct zap_bitmap all;

	if (f->has_mdev && index != f->mdev)
		return false;
	if (f->owner == OWNER_MDEV && index != f->owner_mdev)
		return false;
	if (f->has_adapters &&
	    !zap_bitmap_intersects(&f->adapters, &mdev->matrix.adapters))
		return false;
	zap_bitmap_or(&all, &mdev->matrix.domains, &mdev->control_domains);
	if (f->has_domains && !zap_bitmap_intersects(&f->domains, &all))
		return false;
	if (f->nr_apqns || f->owner == OWNER_HOST || f->owner == OWNER_VFIO ||
	    f->owner == OWNER_FREE)
		return mdev_has_selected_apqn(l, mdev);
	return true;
}

/* Is the problem shown by --check / JSON "problems"? */
bool filter_problem(const struct lszap *l, const struct zap_problem *p)
{
	const struct lszap_filter *f = &l->filter;
	const char *uuid;
	unsigned int i;
	size_t k;

	if (f->has_mdev || f->owner == OWNER_MDEV) {
		uuid = f->has_mdev ? f->mdev_uuid : f->owner_uuid;
		for (i = 0; i < p->nr_mdevs; i++)
			if (!strcasecmp(p->mdevs[i], uuid))
				break;
		if (i == p->nr_mdevs)
			return false;
	}
	/* An mdev's problems are its own, with or without APQNs. */
	if (!f->has_adapters && !f->has_domains && !f->nr_apqns &&
	    (f->owner == OWNER_ANY || f->owner == OWNER_MDEV))
		return true;
	for (k = 0; k < p->nr_apqns; k++)
		if (filter_apqn(l, p->apqns[k] >> 8, p->apqns[k] & 0xff))
			return true;
	return false;
}

/* Release what filter_parse() allocated. */
void filter_free(struct lszap *l)
{
	free(l->filter.apqns);
	l->filter.apqns = NULL;
}
