// SPDX-License-Identifier: MIT
/*
 * persistent.c - the AP configuration as it will be after a reboot, for
 * lszap --persistent: the host masks of 41-ap.rules, else those of the next
 * boot's kernel command line, else all ones (never the active masks: the
 * kernel does not keep them across a reboot), the valid autostart mdevctl
 * definitions started as mdevs, and the cards and queues of today with the
 * drivers and vfio_ap statuses those masks and mdevs give them. The result
 * is an ordinary struct zap_model, freed with zap_model_free(). Also whether
 * a change's result survives a reboot (zap_change_persists()).
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The next boot's command line masks of @model, NULL when not read. */
const struct zap_boot_masks *zap_model_boot_cmdline(const struct zap_model *model)
{
	const struct zap_model_priv *priv = model->priv;

	return priv && priv->boot_loaded ? &priv->boot : NULL;
}

/* The host's set after the next boot; see internal.h. */
struct zap_apqn_set zap_model_boot_host(const struct zap_model *model)
{
	const struct zap_boot_masks *cmdline = zap_model_boot_cmdline(model);
	struct zap_apqn_set host;

	if (cmdline) {
		zap_boot_masks_final(&host.adapters, &host.domains, cmdline,
				     model->rules_has_apmask ?
				     &model->rules_apmask : NULL,
				     model->rules_has_aqmask ?
				     &model->rules_aqmask : NULL);
		return host;
	}
	zap_bitmap_fill(&host.adapters);
	zap_bitmap_fill(&host.domains);
	if (model->rules_has_apmask)
		host.adapters = model->rules_apmask;
	if (model->rules_has_aqmask)
		host.domains = model->rules_aqmask;
	return host;
}

/* calloc() @n elements of @size, a valid pointer even for none. */
static void *alloc_array(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

/* Copy the arrays and strings of @live into @boot. Returns: 0; -ENOMEM. */
static int copy_arrays(struct zap_model *boot, const struct zap_model *live)
{
	boot->cards = alloc_array(live->nr_cards, sizeof(*boot->cards));
	boot->queues = alloc_array(live->nr_queues, sizeof(*boot->queues));
	boot->definitions = alloc_array(live->nr_definitions,
					sizeof(*boot->definitions));
	boot->mdevs = alloc_array(live->nr_definitions, sizeof(*boot->mdevs));
	boot->unreadable = alloc_array(live->nr_unreadable,
				       sizeof(*boot->unreadable));
	if (!boot->cards || !boot->queues || !boot->definitions ||
	    !boot->mdevs || !boot->unreadable)
		return -ENOMEM;
	if (live->nr_cards)
		memcpy(boot->cards, live->cards,
		       live->nr_cards * sizeof(*boot->cards));
	boot->nr_cards = live->nr_cards;
	if (live->nr_queues)
		memcpy(boot->queues, live->queues,
		       live->nr_queues * sizeof(*boot->queues));
	boot->nr_queues = live->nr_queues;
	if (live->nr_definitions)
		memcpy(boot->definitions, live->definitions,
		       live->nr_definitions * sizeof(*boot->definitions));
	boot->nr_definitions = live->nr_definitions;
	for (size_t i = 0; i < live->nr_unreadable; i++) {
		boot->unreadable[i] = strdup(live->unreadable[i]);
		if (!boot->unreadable[i])
			return -ENOMEM;
		boot->nr_unreadable++;
	}
	return 0;
}

/* What the active mdevs of @live tell about the kernel's attributes. */
static void live_mdev_features(const struct zap_model *live, bool *ap_config,
			       bool *guest_matrix, size_t *active)
{
	*ap_config = *guest_matrix = false;
	*active = 0;
	for (size_t i = 0; i < live->nr_mdevs; i++) {
		if (!live->mdevs[i].active)
			continue;
		(*active)++;
		*ap_config = live->mdevs[i].has_ap_config;
		*guest_matrix = live->mdevs[i].has_guest_matrix;
	}
}

/* The valid autostart definitions, started: the mdevs after a reboot. */
static void start_definitions(struct zap_model *boot, const struct zap_model *live)
{
	bool ap_config, guest_matrix;
	size_t active;

	live_mdev_features(live, &ap_config, &guest_matrix, &active);
	for (size_t i = 0; i < boot->nr_definitions; i++) {
		const struct zap_definition *def = &boot->definitions[i];
		struct zap_mdev *m;

		if (!def->valid || !def->autostart)
			continue;
		m = &boot->mdevs[boot->nr_mdevs++];
		memset(m, 0, sizeof(*m));
		snprintf(m->uuid, sizeof(m->uuid), "%s", def->uuid);
		m->active = true;
		m->matrix = def->matrix;
		m->control_domains = def->control_domains;
		m->has_ap_config = ap_config;
		m->has_guest_matrix = guest_matrix;
		m->in_use = 0;
		m->definition = (int)i;
	}
	/* every mdev there is takes an instance: the total stays */
	if (live->bus.available_instances >= 0) {
		long total = live->bus.available_instances + (long)active;

		boot->bus.available_instances =
			total > (long)boot->nr_mdevs ?
			total - (long)boot->nr_mdevs : 0;
	}
}

/*
 * The drivers the queues get from the persistent masks: the host's zcrypt
 * for host-owned ones, else vfio_ap (loaded by 41-ap.rules, or already),
 * except on cards below hwtype 10, which vfio_ap does not take.
 */
static void bind_queues(struct zap_model *boot)
{
	for (size_t i = 0; i < boot->nr_queues; i++) {
		struct zap_queue *q = &boot->queues[i];
		const struct zap_card *card = zap_model_card(boot, q->adapter);

		q->status = ZAP_VFIO_STATUS_UNKNOWN;
		/*
		 * driver_override does not survive a reboot (DO-26), but
		 * driverctl applies the ones it keeps in etc/driverctl.d
		 */
		q->driver_override[0] = '\0';
		if (zap_bitmap_test(&boot->driverctl[q->adapter], q->domain)) {
			snprintf(q->driver_override, sizeof(q->driver_override),
				 "vfio_ap");
			q->driver = boot->bus.vfio_ap ? ZAP_DRIVER_VFIO_AP :
							ZAP_DRIVER_NONE;
		} else if (zap_model_host_owned(boot, q->adapter, q->domain))
			q->driver = ZAP_DRIVER_CEX4QUEUE;
		else if (boot->bus.vfio_ap &&
			 !(card && card->hwtype >= 0 && card->hwtype < 10))
			q->driver = ZAP_DRIVER_VFIO_AP;
		else
			q->driver = ZAP_DRIVER_NONE;
		/* online is the host driver's: a configured queue comes up */
		if (!(boot->loaded & ZAP_LOAD_QUEUE_STATE))
			continue;
		if (q->driver != ZAP_DRIVER_CEX4QUEUE)
			q->online = ZAP_UNKNOWN;
		else if (q->online == ZAP_UNKNOWN)
			q->online = q->config;
	}
}

/* The vfio_ap status of each vfio_ap queue: assigned or unassigned. */
static void set_statuses(struct zap_model *boot)
{
	const struct zap_model_priv *priv = boot->priv;

	for (size_t i = 0; i < boot->nr_queues; i++) {
		struct zap_queue *q = &boot->queues[i];

		if (q->driver != ZAP_DRIVER_VFIO_AP)
			continue;
		q->status = priv->mdev_owner[q->adapter * ZAP_IDS + q->domain] ?
			    ZAP_VFIO_STATUS_ASSIGNED :
			    ZAP_VFIO_STATUS_UNASSIGNED;
	}
}

/*
 * What a guest of each mdev would get, as the kernel filters the matrix:
 * adapters and domains of the configuration (QCI), then no adapter with a
 * queue of the remaining domains that is absent or not bound to vfio_ap.
 */
static void set_guest_matrices(struct zap_model *boot)
{
	const struct zap_bus *bus = &boot->bus;

	for (size_t i = 0; i < boot->nr_mdevs; i++) {
		struct zap_mdev *m = &boot->mdevs[i];
		struct zap_apqn_set guest = m->matrix;
		unsigned int a, d;

		if (!m->has_guest_matrix)
			continue;
		if (bus->has_qci) {
			zap_bitmap_and(&guest.adapters, &guest.adapters,
				       &bus->adapter_mask);
			zap_bitmap_and(&guest.domains, &guest.domains,
				       &bus->usage_domain_mask);
		}
		zap_for_each_set_bit(a, &m->matrix.adapters) {
			if (!zap_bitmap_test(&guest.adapters, a))
				continue;
			zap_for_each_set_bit(d, &guest.domains) {
				const struct zap_queue *q =
					zap_model_queue(boot, a, d);

				if (!q || q->driver != ZAP_DRIVER_VFIO_AP) {
					zap_bitmap_clear(&guest.adapters, a);
					break;
				}
			}
		}
		m->guest = guest;
	}
}

/* The configuration after a reboot, as a model of its own. */
ZAP_EXPORT int zap_model_persistent(const struct zap_model *live,
				    struct zap_model **result,
				    struct zap_error *err)
{
	struct zap_model *boot;
	struct zap_model_priv *priv;
	struct zap_apqn_set host;
	int rc;

	*result = NULL;
	boot = calloc(1, sizeof(*boot));
	priv = calloc(1, sizeof(*priv));
	if (!boot || !priv) {
		free(boot);
		free(priv);
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	boot->priv = priv;
	boot->paths = live->paths;
	boot->loaded = live->loaded;
	boot->bus = live->bus;
	boot->has_rules = live->has_rules;
	boot->rules_has_apmask = live->rules_has_apmask;
	boot->rules_has_aqmask = live->rules_has_aqmask;
	boot->rules_apmask = live->rules_apmask;
	boot->rules_aqmask = live->rules_aqmask;
	memcpy(boot->driverctl, live->driverctl, sizeof(boot->driverctl));
	memcpy(boot->rules_problem, live->rules_problem,
	       sizeof(boot->rules_problem));
	/* run/ is empty after a reboot: no change in progress */
	memset(&boot->journal, 0, sizeof(boot->journal));
	host = zap_model_boot_host(live);
	boot->bus.apmask = host.adapters;
	boot->bus.aqmask = host.domains;
	if (zap_model_boot_cmdline(live)) {
		priv->boot_loaded = true;
		priv->boot = *zap_model_boot_cmdline(live);
	}
	/* 41-ap.rules loads vfio_ap */
	boot->bus.vfio_ap = live->bus.vfio_ap || live->has_rules;
	rc = copy_arrays(boot, live);
	if (rc) {
		zap_model_free(boot);
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	start_definitions(boot, live);
	zap_model_index(boot);
	if (boot->loaded & ZAP_LOAD_QUEUES)
		bind_queues(boot);
	if (boot->loaded & ZAP_LOAD_QUEUES)
		set_statuses(boot);
	set_guest_matrices(boot);
	*result = boot;
	return 0;
}

/* Whether every APQN of @p is one of @k (both sorted). */
static bool apqns_within(const struct zap_problem *p,
			 const struct zap_problem *k)
{
	for (size_t j = 0; j < p->nr_apqns; j++)
		if (!k->nr_apqns ||
		    !bsearch(&p->apqns[j], k->apqns, k->nr_apqns,
			     sizeof(*k->apqns), zap_apqn_cmp))
			return false;
	return true;
}

/*
 * Whether @p (of the boot side) was known in @known: a problem of the same
 * kind, mdevs and path whose APQNs include all of @p's.
 */
static bool problem_known(const struct zap_problems *known,
			  const struct zap_problem *p)
{
	for (size_t i = 0; i < known->count; i++) {
		const struct zap_problem *k = &known->items[i];

		if (k->kind == p->kind && k->nr_mdevs == p->nr_mdevs &&
		    strcmp(k->path, p->path) == 0 &&
		    memcmp(k->mdevs, p->mdevs, sizeof(k->mdevs)) == 0 &&
		    apqns_within(p, k))
			return true;
	}
	return false;
}

/* Whether a change's result survives a reboot; see internal.h. */
int zap_change_persists(const struct zap_model *before,
			const struct zap_model *after, bool *persistent,
			struct zap_error *err)
{
	struct zap_problems old, now;
	int rc;

	*persistent = true;
	rc = zap_rules_check(before, &old, err);
	if (rc)
		return rc;
	rc = zap_rules_check(after, &now, err);
	if (rc) {
		zap_problems_free(&old);
		return rc;
	}
	for (size_t i = 0; i < now.count && *persistent; i++) {
		const struct zap_problem *p = &now.items[i];

		/* a mask's drift is named per queue by not-persistent */
		if ((p->kind == ZAP_PROBLEM_NOT_PERSISTENT ||
		     (p->kind == ZAP_PROBLEM_DRIFT && p->nr_mdevs)) &&
		    !problem_known(&old, p))
			*persistent = false;
	}
	zap_problems_free(&old);
	zap_problems_free(&now);
	return 0;
}
