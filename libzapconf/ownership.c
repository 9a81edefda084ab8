// SPDX-License-Identifier: MIT
/*
 * ownership.c - who holds each APQN: the host (the kernel's rule of
 * driver-override.md DO-22: an overridden bound queue by its driver, any
 * other APQN by apmask x aqmask), the active mdev it is assigned to (and
 * how many, when shared), and the mdevctl definitions, auto and manual,
 * that name it; the host's ownership model (masks, overrides, mixed).
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The ids of @src into @ids (ZAP_IDS entries); returns how many. */
static unsigned int list_ids(const struct zap_bitmap *src, uint16_t *ids)
{
	unsigned int id, n = 0;

	zap_for_each_set_bit(id, src)
		ids[n++] = (uint16_t)id;
	return n;
}

/* Count one holder in @table for every APQN of @set (saturating at 255). */
static void count_set(uint8_t *table, const struct zap_apqn_set *set)
{
	uint16_t domains[ZAP_IDS];
	unsigned int a, nd = list_ids(&set->domains, domains);

	zap_for_each_set_bit(a, &set->adapters)
		for (unsigned int k = 0; k < nd; k++)
			if (table[a * ZAP_IDS + domains[k]] < 255)
				table[a * ZAP_IDS + domains[k]]++;
}

/* Fill the ownership tables from the loaded mdevs and definitions. */
void zap_ownership_build(struct zap_model *model)
{
	struct zap_model_priv *priv = model->priv;
	uint16_t domains[ZAP_IDS];
	unsigned int a, nd;

	memset(priv->mdev_owner, 0, sizeof(priv->mdev_owner));
	memset(priv->mdev_count, 0, sizeof(priv->mdev_count));
	memset(priv->auto_count, 0, sizeof(priv->auto_count));
	memset(priv->manual_count, 0, sizeof(priv->manual_count));
	for (size_t i = 0; i < model->nr_mdevs; i++) {
		const struct zap_mdev *mdev = &model->mdevs[i];

		if (!mdev->active)
			continue;
		nd = list_ids(&mdev->matrix.domains, domains);
		zap_for_each_set_bit(a, &mdev->matrix.adapters) {
			for (unsigned int k = 0; k < nd; k++) {
				unsigned int n = a * ZAP_IDS + domains[k];

				if (!priv->mdev_owner[n])
					priv->mdev_owner[n] = (uint16_t)(i + 1);
				if (priv->mdev_count[n] < 255)
					priv->mdev_count[n]++;
			}
		}
	}
	for (size_t i = 0; i < model->nr_definitions; i++) {
		const struct zap_definition *def = &model->definitions[i];

		if (def->valid)
			count_set(def->autostart ? priv->auto_count :
				  priv->manual_count, &def->matrix);
	}
}

/* Is (adapter, domain) the host's for vfio_ap (DO-22)? */
ZAP_EXPORT bool zap_model_host_owned(const struct zap_model *model,
				     unsigned int adapter, unsigned int domain)
{
	const struct zap_queue *q = zap_model_queue(model, adapter, domain);

	if (q && q->driver_override[0] &&
	    (q->driver == ZAP_DRIVER_CEX4QUEUE ||
	     q->driver == ZAP_DRIVER_VFIO_AP))
		return q->driver == ZAP_DRIVER_CEX4QUEUE;
	return zap_bitmap_test(&model->bus.apmask, adapter) &&
	       zap_bitmap_test(&model->bus.aqmask, domain);
}

/* masks, overrides or mixed: any override, and are both masks all ones? */
ZAP_EXPORT enum zap_ownership zap_model_ownership(const struct zap_model *model)
{
	for (size_t i = 0; i < model->nr_queues; i++)
		if (model->queues[i].driver_override[0])
			return zap_bitmap_full(&model->bus.apmask) &&
			       zap_bitmap_full(&model->bus.aqmask) ?
			       ZAP_OWNERSHIP_OVERRIDES : ZAP_OWNERSHIP_MIXED;
	return ZAP_OWNERSHIP_MASKS;
}

/* The name lszap prints for @ownership. */
ZAP_EXPORT const char *zap_ownership_name(enum zap_ownership ownership)
{
	switch (ownership) {
	case ZAP_OWNERSHIP_OVERRIDES:
		return "overrides";
	case ZAP_OWNERSHIP_MIXED:
		return "mixed";
	default:
		return "masks";
	}
}

/* Who holds (adapter, domain). */
ZAP_EXPORT void zap_model_owner(const struct zap_model *model,
				unsigned int adapter, unsigned int domain,
				struct zap_owner *owner)
{
	const struct zap_model_priv *priv = model->priv;
	unsigned int n = (adapter % ZAP_IDS) * ZAP_IDS + domain % ZAP_IDS;

	owner->host = zap_model_host_owned(model, adapter, domain);
	owner->mdev = (int)priv->mdev_owner[n] - 1;
	owner->nr_mdevs = priv->mdev_count[n];
	owner->autostart = priv->auto_count[n];
	owner->manual = priv->manual_count[n];
}

/* Append @apqn to @list. */
int zap_apqn_list_add(struct zap_apqn_list *list, uint16_t apqn)
{
	if (list->count == list->allocated) {
		size_t n = list->allocated ? list->allocated * 2 : 16;
		uint16_t *grown = realloc(list->items, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->items = grown;
		list->allocated = n;
	}
	list->items[list->count++] = apqn;
	return 0;
}
