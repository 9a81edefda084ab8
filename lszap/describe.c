// SPDX-License-Identifier: MIT
/*
 * describe.c - what lszap says about the loaded model, shared by the table,
 * JSON and matrix views: which adapter and domain ids are listed, the
 * STATUS words as lszcrypt derives them, owners, mdev membership, queue
 * counts, and the problems zap_rules_check() finds.
 *
 * Copyright zap developers 2026
 */
#include <stdlib.h>
#include <string.h>

#include "lszap.h"

/* The adapters listed: cards, the QCI adapter mask, any mdev's. */
void describe_adapter_ids(const struct zap_model *model,
			  struct zap_bitmap *ids)
{
	size_t i;

	zap_bitmap_zero(ids);
	for (i = 0; i < model->nr_cards; i++)
		zap_bitmap_set(ids, model->cards[i].id);
	if (model->bus.has_qci)
		zap_bitmap_or(ids, ids, &model->bus.adapter_mask);
	for (i = 0; i < model->nr_mdevs; i++)
		zap_bitmap_or(ids, ids, &model->mdevs[i].matrix.adapters);
	for (i = 0; i < model->nr_definitions; i++)
		if (model->definitions[i].valid)
			zap_bitmap_or(ids, ids,
				      &model->definitions[i].matrix.adapters);
}

/* Add the usage and control domains of an assignment to @ids. */
static void add_domains(struct zap_bitmap *ids, const struct zap_apqn_set *m,
			const struct zap_bitmap *control)
{
	zap_bitmap_or(ids, ids, &m->domains);
	zap_bitmap_or(ids, ids, control);
}

/* The domains listed: QCI masks, queues' domains, any mdev's. */
void describe_domain_ids(const struct zap_model *model,
			 struct zap_bitmap *ids)
{
	size_t i;

	zap_bitmap_zero(ids);
	if (model->bus.has_qci) {
		zap_bitmap_or(ids, ids, &model->bus.usage_domain_mask);
		zap_bitmap_or(ids, ids, &model->bus.control_domain_mask);
	}
	for (i = 0; i < model->nr_queues; i++)
		zap_bitmap_set(ids, model->queues[i].domain);
	for (i = 0; i < model->nr_mdevs; i++)
		add_domains(ids, &model->mdevs[i].matrix,
			    &model->mdevs[i].control_domains);
	for (i = 0; i < model->nr_definitions; i++)
		if (model->definitions[i].valid)
			add_domains(ids, &model->definitions[i].matrix,
				    &model->definitions[i].control_domains);
}

/* lszcrypt's words for config, chkstop and online, NULL when unknown. */
static const char *state_word(int config, int chkstop, int online)
{
	if (config == 0)
		return "deconfig";
	if (chkstop == 1)
		return "chkstop";
	if (online == 1)
		return "online";
	if (online == 0)
		return "offline";
	return NULL;
}

/* "online", "offline", "deconfig", "chkstop", or NULL when unknown. */
const char *describe_card_status(const struct zap_card *card)
{
	if (!card)
		return NULL;
	return state_word(card->config, card->chkstop, card->online);
}

/* As describe_card_status(), vfio_ap queues giving the driver's status. */
const char *describe_queue_status(const struct zap_queue *queue)
{
	if (queue->config == 0 || queue->chkstop == 1)
		return state_word(queue->config, queue->chkstop,
				  queue->online);
	if (queue->driver == ZAP_DRIVER_VFIO_AP)
		return zap_vfio_status_name(queue->status);
	return state_word(queue->config, queue->chkstop, queue->online);
}

/* "host" or "vfio" for the APQN (adapter, domain). */
const char *describe_owner(const struct zap_model *model,
			   unsigned int adapter, unsigned int domain)
{
	return zap_model_host_owned(model, adapter, domain) ? "host" : "vfio";
}

/* The active mdev that owns the APQN, NULL if none. */
const struct zap_mdev *describe_owner_mdev(const struct zap_model *model,
					   unsigned int adapter,
					   unsigned int domain)
{
	struct zap_owner owner;

	if (!(model->loaded & ZAP_LOAD_MDEVS))
		return NULL;
	zap_model_owner(model, adapter, domain, &owner);
	return owner.mdev >= 0 ? &model->mdevs[owner.mdev] : NULL;
}

/* Does mdev use adapter (usage)? */
bool describe_mdev_has_adapter(const struct zap_mdev *mdev,
			       unsigned int adapter)
{
	return zap_bitmap_test(&mdev->matrix.adapters, adapter);
}

/* Does mdev use domain (usage or control)? */
bool describe_mdev_has_domain(const struct zap_mdev *mdev,
			      unsigned int domain)
{
	return zap_bitmap_test(&mdev->matrix.domains, domain) ||
		zap_bitmap_test(&mdev->control_domains, domain);
}

/* Is the mdev defined by a valid definition that autostarts? */
bool describe_mdev_autostart(const struct zap_model *model,
			     const struct zap_mdev *mdev)
{
	const struct zap_definition *def;

	if (mdev->definition < 0 ||
	    (size_t)mdev->definition >= model->nr_definitions)
		return false;
	def = &model->definitions[mdev->definition];
	return def->valid && def->autostart;
}

/* Count the queue devices of each adapter and of each domain. */
void describe_queue_counts(const struct zap_model *model,
			   unsigned int per_adapter[ZAP_IDS],
			   unsigned int per_domain[ZAP_IDS])
{
	size_t i;

	memset(per_adapter, 0, ZAP_IDS * sizeof(*per_adapter));
	memset(per_domain, 0, ZAP_IDS * sizeof(*per_domain));
	for (i = 0; i < model->nr_queues; i++) {
		per_adapter[model->queues[i].adapter]++;
		per_domain[model->queues[i].domain]++;
	}
}

/* Run zap_rules_check() once, into l->problems; exit on failure. */
void describe_problems(struct lszap *l)
{
	struct zap_error err;

	if (l->have_problems)
		return;
	zap_error_clear(&err);
	if (zap_rules_check(l->model, &l->problems, &err))
		lszap_fail(&err);
	l->have_problems = true;
}

/*
 * The APQNs in conflict (shared-apqn, host-apqn problems): domain d of
 * adapter a is in conflicts[a] when (a, d) is.
 */
void describe_conflicts(struct lszap *l, struct zap_bitmap conflicts[ZAP_IDS])
{
	const struct zap_problem *p;
	size_t i, k;

	memset(conflicts, 0, ZAP_IDS * sizeof(*conflicts));
	describe_problems(l);
	for (i = 0; i < l->problems.count; i++) {
		p = &l->problems.items[i];
		if (p->kind != ZAP_PROBLEM_SHARED_APQN &&
		    p->kind != ZAP_PROBLEM_HOST_APQN)
			continue;
		for (k = 0; k < p->nr_apqns; k++)
			zap_bitmap_set(&conflicts[p->apqns[k] >> 8],
				       p->apqns[k] & 0xff);
	}
}
