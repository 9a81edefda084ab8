// SPDX-License-Identifier: MIT
/*
 * whatif.c - "what if": a change applied to a copy of the model. The live
 * side edits the host masks and the mdevs (created, removed, assigned);
 * the persistent side edits the mdevctl definitions and the masks of
 * 41-ap.rules, as zap_plan_build() would write them. The result is an
 * ordinary struct zap_model that the audit (rules.c) judges; the verdict
 * (verdict.c) compares the two audits.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Duplicate @n elements of @size at @src, with room for @extra more. */
static void *dup_array(const void *src, size_t n, size_t extra, size_t size)
{
	void *dst = calloc((n + extra) ? (n + extra) : 1, size);

	if (dst && n)
		memcpy(dst, src, n * size);
	return dst;
}

/* A deep copy of @src, with room for one more mdev and definition. */
int zap_model_copy(const struct zap_model *src, struct zap_model **result)
{
	struct zap_model *dst = calloc(1, sizeof(*dst));
	int rc = -ENOMEM;

	*result = NULL;
	if (!dst)
		return -ENOMEM;
	*dst = *src;
	dst->cards = NULL;
	dst->queues = NULL;
	dst->mdevs = NULL;
	dst->definitions = NULL;
	dst->unreadable = NULL;
	dst->nr_unreadable = 0;
	dst->priv = dup_array(src->priv, 1, 0, sizeof(struct zap_model_priv));
	dst->cards = dup_array(src->cards, src->nr_cards, 0, sizeof(*dst->cards));
	dst->queues = dup_array(src->queues, src->nr_queues, 0,
				sizeof(*dst->queues));
	dst->mdevs = dup_array(src->mdevs, src->nr_mdevs, 1, sizeof(*dst->mdevs));
	dst->definitions = dup_array(src->definitions, src->nr_definitions, 1,
				     sizeof(*dst->definitions));
	dst->unreadable = dup_array(NULL, 0, src->nr_unreadable,
				    sizeof(*dst->unreadable));
	if (!dst->priv || !dst->cards || !dst->queues || !dst->mdevs ||
	    !dst->definitions || !dst->unreadable)
		goto fail;
	for (size_t i = 0; i < src->nr_unreadable; i++) {
		dst->unreadable[i] = strdup(src->unreadable[i]);
		if (!dst->unreadable[i])
			goto fail;
		dst->nr_unreadable++;
	}
	*result = dst;
	return 0;
fail:
	zap_model_free(dst);
	return rc;
}

/* Apply the ids of @c to @set and @control: add, or (@remove) take away. */
static void edit_ids(const struct zap_change *c, bool remove,
		     struct zap_apqn_set *set, struct zap_bitmap *control)
{
	if (remove) {
		zap_bitmap_andnot(&set->adapters, &set->adapters, &c->adapters);
		zap_bitmap_andnot(&set->domains, &set->domains, &c->domains);
		zap_bitmap_andnot(control, control, &c->control_domains);
	} else {
		zap_bitmap_or(&set->adapters, &set->adapters, &c->adapters);
		zap_bitmap_or(&set->domains, &set->domains, &c->domains);
		zap_bitmap_or(control, control, &c->control_domains);
	}
}

/* Index of mdev @uuid in @m, -1 if none (the copy is no longer sorted). */
static int find_mdev(const struct zap_model *m, const char *uuid)
{
	for (size_t i = 0; i < m->nr_mdevs; i++)
		if (strcasecmp(m->mdevs[i].uuid, uuid) == 0)
			return (int)i;
	return -1;
}

/* The mdev @uuid of @m, appended (neither active nor defined) if absent. */
static struct zap_mdev *mdev_of(struct zap_model *m, const char *uuid)
{
	int i = find_mdev(m, uuid);
	struct zap_mdev *mdev;

	if (i >= 0)
		return &m->mdevs[i];
	mdev = &m->mdevs[m->nr_mdevs++];
	memset(mdev, 0, sizeof(*mdev));
	snprintf(mdev->uuid, sizeof(mdev->uuid), "%s", uuid);
	mdev->definition = -1;
	mdev->in_use = 0;
	return mdev;
}

/*
 * The definition of @mdev, made when it has none as zap_plan_build() makes
 * it: "start": "auto", the active assignment, the canonical file name.
 */
static struct zap_definition *definition_of(struct zap_model *m,
					    struct zap_mdev *mdev)
{
	struct zap_definition *def;

	if (mdev->definition >= 0)
		return &m->definitions[mdev->definition];
	def = &m->definitions[m->nr_definitions];
	memset(def, 0, sizeof(*def));
	snprintf(def->uuid, sizeof(def->uuid), "%s", mdev->uuid);
	snprintf(def->path, sizeof(def->path), "%s/%s", m->paths.mdevctl,
		 mdev->uuid);
	def->valid = true;
	def->autostart = true;
	if (mdev->active) {
		def->matrix = mdev->matrix;
		def->control_domains = mdev->control_domains;
	}
	mdev->definition = (int)m->nr_definitions++;
	return def;
}

/* Drop definition @index; an mdev left neither active nor defined goes. */
static void drop_definition(struct zap_model *m, int index)
{
	size_t kept = 0;

	memmove(&m->definitions[index], &m->definitions[index + 1],
		(m->nr_definitions - (size_t)index - 1) *
		sizeof(*m->definitions));
	m->nr_definitions--;
	for (size_t i = 0; i < m->nr_mdevs; i++) {
		struct zap_mdev *mdev = &m->mdevs[i];

		if (mdev->definition == index)
			mdev->definition = -1;
		else if (mdev->definition > index)
			mdev->definition--;
		if (mdev->active || mdev->definition >= 0)
			m->mdevs[kept++] = *mdev;
	}
	m->nr_mdevs = kept;
}

/* The live side of an mdev change: the mdev's matrix, created or removed. */
static void live_mdev(struct zap_model *m, const struct zap_change *c)
{
	struct zap_mdev *mdev = mdev_of(m, c->uuid);

	switch (c->kind) {
	case ZAP_CHANGE_CREATE:
		mdev->active = true;
		mdev->in_use = 0;
		memset(&mdev->matrix, 0, sizeof(mdev->matrix));
		zap_bitmap_zero(&mdev->control_domains);
		edit_ids(c, false, &mdev->matrix, &mdev->control_domains);
		break;
	case ZAP_CHANGE_ASSIGN:
	case ZAP_CHANGE_UNASSIGN:
		edit_ids(c, c->kind == ZAP_CHANGE_UNASSIGN, &mdev->matrix,
			 &mdev->control_domains);
		break;
	case ZAP_CHANGE_REMOVE:
		mdev->active = false;
		mdev->in_use = 0;
		if (mdev->definition >= 0) {
			mdev->matrix = m->definitions[mdev->definition].matrix;
			mdev->control_domains =
				m->definitions[mdev->definition].control_domains;
		} else {
			/* neither active nor defined: drop it */
			*mdev = m->mdevs[--m->nr_mdevs];
		}
		break;
	default:
		break;
	}
}

/* The persistent side of an mdev change: its mdevctl definition. */
static void persistent_mdev(struct zap_model *m, const struct zap_change *c)
{
	int i = find_mdev(m, c->uuid);
	struct zap_mdev *mdev;
	struct zap_definition *def;

	if (c->kind == ZAP_CHANGE_REMOVE) {
		if (i >= 0 && m->mdevs[i].definition >= 0)
			drop_definition(m, m->mdevs[i].definition);
		return;
	}
	mdev = mdev_of(m, c->uuid);
	if (mdev->definition >= 0 && !m->definitions[mdev->definition].valid)
		return; /* zap_plan_build() refuses to rewrite it */
	if (c->kind == ZAP_CHANGE_CREATE && mdev->definition < 0 &&
	    !mdev->active) {
		def = definition_of(m, mdev);
		edit_ids(c, false, &def->matrix, &def->control_domains);
	} else if (c->kind == ZAP_CHANGE_CREATE) {
		/* a live create next to it: the definition is the new mdev */
		def = definition_of(m, mdev);
		def->matrix = mdev->matrix;
		def->control_domains = mdev->control_domains;
	} else {
		def = definition_of(m, mdev);
	}
	if (c->kind == ZAP_CHANGE_ASSIGN || c->kind == ZAP_CHANGE_UNASSIGN)
		edit_ids(c, c->kind == ZAP_CHANGE_UNASSIGN, &def->matrix,
			 &def->control_domains);
	if (c->kind == ZAP_CHANGE_AUTOSTART)
		def->autostart = c->autostart;
	if (!mdev->active) {
		mdev->matrix = def->matrix;
		mdev->control_domains = def->control_domains;
	}
}

/* @host after a TO_VFIO (clear the ids named) or TO_HOST (set them). */
static void edit_host(const struct zap_change *c, struct zap_apqn_set *host)
{
	if (c->kind == ZAP_CHANGE_TO_VFIO) {
		zap_bitmap_andnot(&host->adapters, &host->adapters, &c->adapters);
		zap_bitmap_andnot(&host->domains, &host->domains, &c->domains);
	} else {
		zap_bitmap_or(&host->adapters, &host->adapters, &c->adapters);
		zap_bitmap_or(&host->domains, &host->domains, &c->domains);
	}
}

/*
 * The persistent side of a mask change: the boot model's masks (41-ap.rules
 * where it sets them, else the next boot's command line, else all ones),
 * edited. The file sets the masks it set and those the change makes differ
 * from the boot model (a mask it does not set stays unset, as chzdev's);
 * it is gone when every mask it would set is the command line's anyway.
 */
static void persistent_masks(struct zap_model *m, const struct zap_model *before,
			     const struct zap_change *c)
{
	const struct zap_boot_masks *cmdline = zap_model_boot_cmdline(before);
	struct zap_apqn_set base = zap_model_boot_host(before), boot = base;
	struct zap_bitmap line_ap, line_aq;
	bool ap_changed, aq_changed;

	edit_host(c, &boot);
	ap_changed = !zap_bitmap_equal(&boot.adapters, &base.adapters);
	aq_changed = !zap_bitmap_equal(&boot.domains, &base.domains);
	if (!ap_changed && !aq_changed)
		return;
	zap_bitmap_fill(&line_ap);
	zap_bitmap_fill(&line_aq);
	if (cmdline) {
		line_ap = cmdline->apmask.mask;
		line_aq = cmdline->aqmask.mask;
	}
	m->rules_has_apmask = before->rules_has_apmask || ap_changed;
	m->rules_has_aqmask = before->rules_has_aqmask || aq_changed;
	zap_bitmap_zero(&m->rules_apmask);
	zap_bitmap_zero(&m->rules_aqmask);
	if (m->rules_has_apmask)
		m->rules_apmask = boot.adapters;
	if (m->rules_has_aqmask)
		m->rules_aqmask = boot.domains;
	if ((!m->rules_has_apmask ||
	     zap_bitmap_equal(&m->rules_apmask, &line_ap)) &&
	    (!m->rules_has_aqmask ||
	     zap_bitmap_equal(&m->rules_aqmask, &line_aq)))
		m->rules_has_apmask = m->rules_has_aqmask = false;
	m->has_rules = m->rules_has_apmask || m->rules_has_aqmask;
	m->rules_problem[0] = '\0';
}

/* Apply @change to a copy of @model: the configuration it would make. */
ZAP_EXPORT int zap_model_whatif(const struct zap_model *model,
				const struct zap_change *change,
				struct zap_model **result, struct zap_error *err)
{
	bool live = change->scope != ZAP_SCOPE_PERSISTENT &&
		    change->kind != ZAP_CHANGE_AUTOSTART;
	bool persistent = change->scope != ZAP_SCOPE_LIVE ||
			  change->kind == ZAP_CHANGE_AUTOSTART;
	bool masks = change->kind == ZAP_CHANGE_TO_VFIO ||
		     change->kind == ZAP_CHANGE_TO_HOST;
	struct zap_model *m;
	int rc;

	*result = NULL;
	if (change->kind == ZAP_CHANGE_OWNERSHIP) {
		rc = zap_model_copy(model, &m);
		if (rc)
			return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
					     "out of memory");
		if (live)
			zap_whatif_ownership(m, change);
		zap_ownership_build(m);
		*result = m;
		return 0;
	}
	if (!masks && !change->uuid[0])
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "a change of an mdev needs its UUID");
	rc = zap_model_copy(model, &m);
	if (rc)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	if (masks && live && change->by_queue) {
		zap_whatif_overrides(m, change);
	} else if (masks && live) {
		struct zap_apqn_set host = { m->bus.apmask, m->bus.aqmask };

		edit_host(change, &host);
		m->bus.apmask = host.adapters;
		m->bus.aqmask = host.domains;
	}
	if (masks && persistent && !change->by_queue)
		persistent_masks(m, model, change);
	if (masks && persistent && change->by_queue)
		for (unsigned int a = 0; a < ZAP_IDS; a++) {
			if (change->kind == ZAP_CHANGE_TO_VFIO)
				zap_bitmap_or(&m->driverctl[a], &m->driverctl[a],
					      &change->queues[a]);
			else
				zap_bitmap_andnot(&m->driverctl[a],
						  &m->driverctl[a],
						  &change->queues[a]);
		}
	if (!masks && live)
		live_mdev(m, change);
	if (!masks && persistent)
		persistent_mdev(m, change);
	qsort(m->mdevs, m->nr_mdevs, sizeof(*m->mdevs), zap_mdev_cmp);
	zap_ownership_build(m);
	*result = m;
	return 0;
}
