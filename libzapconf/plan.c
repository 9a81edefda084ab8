// SPDX-License-Identifier: MIT
/*
 * plan.c - change plans: a requested change (mask edit, mdev create/remove,
 * assign/unassign) becomes an ordered list of sysfs writes, each with the
 * write that undoes it, validated as a whole against the rules before
 * anything is written; applying a plan takes the lock, re-reads and
 * re-validates, writes in order, reads back what can be read back, and
 * undoes what it wrote, in reverse, when a write fails.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define MATRIX_DIR "%s/devices/vfio_ap/matrix"
#define CREATE_FILE MATRIX_DIR "/mdev_supported_types/vfio_ap-passthrough/create"

/* What a plan is being built from. */
struct builder {
	const struct zap_model *model;
	struct zap_plan *plan;
	struct zap_error *err;
	struct zap_apqn_list assigned, unassigned, to_vfio, to_host;
};

/* The enum zap_load bits a change of @kind needs. */
ZAP_EXPORT unsigned int zap_change_load_flags(enum zap_change_kind kind)
{
	unsigned int flags = ZAP_LOAD_CARDS | ZAP_LOAD_QUEUES | ZAP_LOAD_MDEVS |
			     ZAP_LOAD_DEFINITIONS | ZAP_LOAD_RULES |
			     ZAP_LOAD_JOURNAL;

	if (kind == ZAP_CHANGE_TO_VFIO)
		flags |= ZAP_LOAD_COUNTERS;
	return flags;
}

/* What a kernel errno means for an AP or vfio_ap write, in words. */
ZAP_EXPORT const char *zap_write_errno_text(int errnum)
{
	switch (errnum) {
	case EADDRINUSE:
		return "an APQN is already assigned to another mdev";
	case EADDRNOTAVAIL:
		return "an APQN is owned by the host (apmask/aqmask)";
	case EBUSY:
		return "an APQN is assigned to an mdev, or the device is busy";
	case ENODEV:
		return "an id is above the maximum, or the device is gone";
	case EINVAL:
		return "the kernel could not parse the value";
	case EEXIST:
		return "an mdev with this UUID exists already";
	case EUSERS:
		return "no more mdevs can be created";
	case EAGAIN:
		return "the kernel could not take a lock, try again";
	case EACCES:
		return "permission denied";
	case ENOENT:
		return "no such file (the device is gone)";
	case EISDIR:
		return "is a directory, not an attribute";
	default:
		return strerror(errnum);
	}
}

/* Append one write (and its undo, "" for none). */
static int add_write(struct builder *b, const char *path,
		     const char *value, const char *undo_path,
		     const char *undo_value)
{
	struct zap_plan *plan = b->plan;
	struct zap_write *grown, *w;

	grown = realloc(plan->writes, (plan->nr_writes + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	plan->writes = grown;
	w = &grown[plan->nr_writes++];
	memset(w, 0, sizeof(*w));
	snprintf(w->path, sizeof(w->path), "%s", path);
	snprintf(w->value, sizeof(w->value), "%s", value);
	snprintf(w->undo_path, sizeof(w->undo_path), "%s", undo_path);
	snprintf(w->undo_value, sizeof(w->undo_value), "%s", undo_value);
	w->result = ZAP_WRITE_PENDING;
	return 0;
}

/* The three masks of an ap_config write. */
static void ap_config_value(char *buf, size_t size,
			    const struct zap_apqn_set *set,
			    const struct zap_bitmap *control)
{
	char a[ZAP_MASK_STRLEN], d[ZAP_MASK_STRLEN], c[ZAP_MASK_STRLEN];

	zap_mask_print(&set->adapters, a);
	zap_mask_print(&set->domains, d);
	zap_mask_print(control, c);
	snprintf(buf, size, "%s,%s,%s", a, d, c);
}

/* Every APQN in @x but not in @y (both cross products) into @list. */
static int set_difference(struct zap_apqn_list *list,
			  const struct zap_apqn_set *x,
			  const struct zap_apqn_set *y,
			  const struct zap_model *only_present)
{
	unsigned int a, d;
	int rc = 0;

	zap_for_each_set_bit(a, &x->adapters)
		zap_for_each_set_bit(d, &x->domains)
			if (!rc && !zap_apqn_set_test(y, a, d) &&
			    (!only_present || zap_model_queue(only_present, a, d)))
				rc = zap_apqn_list_add(list, zap_apqn_number(a, d));
	return rc;
}

/* Ids above the maxima are not found (exit 2), as the kernel's ENODEV. */
static int check_maxima(struct builder *b, const struct zap_change *c)
{
	const struct zap_bus *bus = &b->model->bus;
	struct zap_bitmap allowed, over;
	char list[1024];
	const struct {
		const struct zap_bitmap *ids;
		unsigned int max;
		const char *what, *file;
	} sets[] = {
		{ &c->adapters, bus->max_adapter_id, "adapter", "ap_max_adapter_id" },
		{ &c->domains, bus->max_domain_id, "domain", "ap_max_domain_id" },
		{ &c->control_domains, bus->max_domain_id, "control domain",
		  "ap_max_domain_id" },
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		zap_bitmap_zero(&allowed);
		zap_bitmap_set_range(&allowed, 0, sets[i].max);
		zap_bitmap_andnot(&over, sets[i].ids, &allowed);
		if (zap_bitmap_empty(&over))
			continue;
		zap_ids_print(&over, list, sizeof(list));
		return zap_error_set(b->err, ERANGE, ZAP_STATUS_NOT_FOUND,
				     "%s %s above the maximum %u (%s)",
				     sets[i].what, list, sets[i].max,
				     sets[i].file);
	}
	return 0;
}

/* Does @m count against @uuid: another active mdev or auto definition? */
static bool other_holder(const struct zap_model *model,
			 const struct zap_mdev *m, const char *uuid,
			 const struct zap_apqn_set **set, const char **what)
{
	if (strcmp(m->uuid, uuid) == 0)
		return false;
	if (m->active) {
		*set = &m->matrix;
		*what = "mdev";
		return true;
	}
	if (m->definition >= 0 && model->definitions[m->definition].valid &&
	    model->definitions[m->definition].autostart) {
		*set = &model->definitions[m->definition].matrix;
		*what = "autostart definition (mdevctl)";
		return true;
	}
	return false;
}

/* Check that mdev @uuid may hold @set (+ @control): host, sharing. */
static int check_assignment(struct builder *b, const char *uuid,
			    const struct zap_apqn_set *set,
			    const struct zap_bitmap *control)
{
	const struct zap_model *model = b->model;
	struct zap_plan *plan = b->plan;
	struct zap_apqn_set host = { model->bus.apmask, model->bus.aqmask };
	struct zap_apqn_set both;
	char domains[1024];
	int rc = 0;

	if (zap_apqn_set_intersects(set, &host)) {
		zap_apqn_set_and(&both, set, &host);
		zap_ids_print(&both.domains, domains, sizeof(domains));
		rc = zap_problems_add(&plan->refusals, ZAP_PROBLEM_HOST_APQN,
				      uuid, NULL, NULL, &both, NULL,
				      "mdev %s would hold APQNs owned by the host (free them first with 'chzap --vfio -d %s')",
				      uuid, domains);
	}
	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];
		const struct zap_apqn_set *other;
		const char *what;

		if (other_holder(model, m, uuid, &other, &what)) {
			if (!zap_apqn_set_intersects(set, other))
				continue;
			zap_apqn_set_and(&both, set, other);
			rc = zap_problems_add(&plan->refusals,
					      ZAP_PROBLEM_SHARED_APQN, uuid,
					      m->uuid, NULL, &both, NULL,
					      "mdev %s would share APQNs with %s %s",
					      uuid, what, m->uuid);
		} else if (strcmp(m->uuid, uuid) != 0 && m->definition >= 0 &&
			   model->definitions[m->definition].valid &&
			   zap_apqn_set_intersects(set, &m->matrix)) {
			zap_apqn_set_and(&both, set, &m->matrix);
			rc = zap_problems_add(&plan->warnings,
					      ZAP_PROBLEM_MANUAL_OVERLAP, uuid,
					      m->uuid, NULL, &both, NULL,
					      "manual definition %s names APQNs of mdev %s: it cannot be started while they are assigned",
					      m->uuid, uuid);
		}
	}
	if (!rc && !zap_bitmap_empty(control) && zap_bitmap_empty(&set->domains))
		rc = zap_problems_add(&plan->warnings,
				      ZAP_PROBLEM_CONTROL_WITHOUT_USAGE, uuid,
				      NULL, NULL, NULL, NULL,
				      "mdev %s would have control domains but no usage domain",
				      uuid);
	return rc;
}

/* Writes that change mdev @dir from (@old, @old_c) to (@new, @new_c). */
static int add_assignment_writes(struct builder *b, const char *dir,
				 bool ap_config, bool undo,
				 const struct zap_apqn_set *old,
				 const struct zap_bitmap *old_c,
				 const struct zap_apqn_set *new,
				 const struct zap_bitmap *new_c)
{
	static const struct {
		const char *name;
		const char *format;
		int which; /* 0 adapters, 1 domains, 2 control domains */
	} attrs[] = {
		{ "adapter", "0x%02x", 0 },
		{ "domain", "0x%04x", 1 },
		{ "control_domain", "0x%04x", 2 },
	};
	char path[800], undo_path[800], value[256], undo_value[256];
	int rc = 0;

	if (ap_config) {
		snprintf(path, sizeof(path), "%s/ap_config", dir);
		ap_config_value(value, sizeof(value), new, new_c);
		ap_config_value(undo_value, sizeof(undo_value), old, old_c);
		return add_write(b, path, value, undo ? path : "",
				 undo ? undo_value : "");
	}
	/* unassign first (frees nothing another write needs), then assign */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < 3 && !rc; i++) {
			const struct zap_bitmap *o = attrs[i].which == 0 ?
				&old->adapters : attrs[i].which == 1 ?
				&old->domains : old_c;
			const struct zap_bitmap *n = attrs[i].which == 0 ?
				&new->adapters : attrs[i].which == 1 ?
				&new->domains : new_c;
			struct zap_bitmap ids;
			unsigned int id;

			if (pass == 0)
				zap_bitmap_andnot(&ids, o, n);
			else
				zap_bitmap_andnot(&ids, n, o);
			zap_for_each_set_bit(id, &ids) {
				snprintf(path, sizeof(path), "%s/%sassign_%s", dir,
					 pass == 0 ? "un" : "", attrs[i].name);
				snprintf(undo_path, sizeof(undo_path),
					 "%s/%sassign_%s", dir,
					 pass == 0 ? "" : "un", attrs[i].name);
				snprintf(value, sizeof(value), attrs[i].format, id);
				rc = add_write(b, path, value, undo ? undo_path : "",
					       undo ? value : "");
				if (rc)
					break;
			}
		}
	}
	return rc;
}

/* The requested ids as a set and control domains, for messages. */
static bool nothing_named(const struct zap_change *c)
{
	return zap_bitmap_empty(&c->adapters) && zap_bitmap_empty(&c->domains) &&
	       zap_bitmap_empty(&c->control_domains);
}

/* Plan ASSIGN, UNASSIGN and the assignment part of CREATE. */
static int plan_assignment(struct builder *b, const struct zap_mdev *mdev,
			   const char *uuid)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	struct zap_apqn_set old = { { { 0 } }, { { 0 } } }, new;
	struct zap_bitmap old_c = { { 0 } }, new_c;
	bool ap_config = false, creating = c->kind == ZAP_CHANGE_CREATE;
	char dir[700];
	int rc;

	if (mdev) {
		old = mdev->matrix;
		old_c = mdev->control_domains;
		ap_config = mdev->has_ap_config;
	} else {
		/* a new mdev has ap_config when its siblings have it */
		for (size_t i = 0; i < model->nr_mdevs; i++)
			if (model->mdevs[i].active)
				ap_config = model->mdevs[i].has_ap_config;
	}
	new = old;
	new_c = old_c;
	if (c->kind == ZAP_CHANGE_UNASSIGN) {
		zap_bitmap_andnot(&new.adapters, &old.adapters, &c->adapters);
		zap_bitmap_andnot(&new.domains, &old.domains, &c->domains);
		zap_bitmap_andnot(&new_c, &old_c, &c->control_domains);
	} else {
		zap_bitmap_or(&new.adapters, &old.adapters, &c->adapters);
		zap_bitmap_or(&new.domains, &old.domains, &c->domains);
		zap_bitmap_or(&new_c, &old_c, &c->control_domains);
	}
	rc = set_difference(&b->assigned, &new, &old, NULL);
	if (!rc)
		rc = set_difference(&b->unassigned, &old, &new, NULL);
	if (rc)
		return rc;
	if (zap_bitmap_equal(&new.adapters, &old.adapters) &&
	    zap_bitmap_equal(&new.domains, &old.domains) &&
	    zap_bitmap_equal(&new_c, &old_c) && !creating) {
		b->plan->nothing_to_do = true;
		return 0;
	}
	if (c->kind == ZAP_CHANGE_UNASSIGN) {
		if (!zap_bitmap_empty(&new_c) && zap_bitmap_empty(&new.domains))
			rc = zap_problems_add(&b->plan->warnings,
					      ZAP_PROBLEM_CONTROL_WITHOUT_USAGE,
					      uuid, NULL, NULL, NULL, NULL,
					      "mdev %s would have control domains but no usage domain",
					      uuid);
	} else {
		rc = check_assignment(b, uuid, &new, &new_c);
	}
	if (!rc && mdev && mdev->in_use == 1)
		rc = zap_problems_add(&b->plan->warnings,
				      ZAP_PROBLEM_GUEST_RUNNING, uuid, NULL,
				      NULL, NULL, NULL,
				      "mdev %s is in use by a running guest: the change is hot-%s",
				      uuid, c->kind == ZAP_CHANGE_UNASSIGN ?
				      "unplugged" : "plugged where the queues are bound to vfio_ap");
	if (rc)
		return rc;
	snprintf(dir, sizeof(dir), MATRIX_DIR "/%s", model->paths.sysfs, uuid);
	/* the writes after a create are undone by removing the new mdev */
	return add_assignment_writes(b, dir, ap_config, !creating, &old, &old_c,
				     &new, &new_c);
}

/* Plan CREATE: the create write, then the assignment. */
static int plan_create(struct builder *b)
{
	const struct zap_model *model = b->model;
	struct zap_change *c = &b->plan->change;
	char path[700], undo[760];
	int i, rc;

	if (!c->uuid[0])
		zap_uuid_generate(c->uuid);
	i = zap_model_find_mdev(model, c->uuid);
	if (i >= 0 && model->mdevs[i].active)
		return zap_error_set(b->err, EEXIST, ZAP_STATUS_REFUSED,
				     "mdev %s exists already", c->uuid);
	if (model->bus.available_instances == 0)
		return zap_error_set(b->err, EUSERS, ZAP_STATUS_REFUSED,
				     "no more mdevs can be created (available_instances is 0)");
	snprintf(path, sizeof(path), CREATE_FILE, model->paths.sysfs);
	snprintf(undo, sizeof(undo), MATRIX_DIR "/%s/remove", model->paths.sysfs,
		 c->uuid);
	rc = add_write(b, path, c->uuid, undo, "1");
	if (!rc && !nothing_named(c))
		rc = plan_assignment(b, NULL, c->uuid);
	return rc;
}

/* Plan REMOVE: refused while a guest uses it, unless forced. */
static int plan_remove(struct builder *b, const struct zap_mdev *mdev)
{
	struct zap_plan *plan = b->plan;
	struct zap_problems *where = plan->change.force ? &plan->warnings :
				     &plan->refusals;
	const struct zap_definition *def = NULL;
	char path[760];
	int rc = 0;

	if (mdev->in_use == 1)
		rc = zap_problems_add(where, ZAP_PROBLEM_GUEST_RUNNING,
				      mdev->uuid, NULL, NULL, NULL, NULL,
				      plan->change.force ?
				      "mdev %s is in use by a running guest: the remove waits until the guest releases it" :
				      "mdev %s is in use by a running guest (stop the guest, or use --force: the remove then waits until the guest releases it)",
				      mdev->uuid);
	if (mdev->definition >= 0)
		def = &b->model->definitions[mdev->definition];
	if (!rc && def && def->valid && def->autostart)
		rc = zap_problems_add(&plan->warnings, ZAP_PROBLEM_DRIFT,
				      mdev->uuid, NULL, def->path, NULL, NULL,
				      "mdev %s stays defined in mdevctl with autostart: it comes back at boot",
				      mdev->uuid);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), MATRIX_DIR "/%s/remove",
		 b->model->paths.sysfs, mdev->uuid);
	return add_write(b, path, "1", "", "");
}

/* Queues about to move to vfio_ap: pending requests, the default domain. */
static int check_to_vfio(struct builder *b)
{
	const struct zap_model *model = b->model;
	struct zap_plan *plan = b->plan;
	struct zap_apqn_list busy = { 0 };
	bool default_domain = false;
	int rc = 0;

	for (size_t i = 0; i < b->to_vfio.count && !rc; i++) {
		unsigned int a = b->to_vfio.items[i] >> 8;
		unsigned int d = b->to_vfio.items[i] & 0xff;
		const struct zap_queue *q = zap_model_queue(model, a, d);

		if ((int)d == model->bus.ap_domain)
			default_domain = true;
		if (q && (q->requestq_count > 0 || q->pendingq_count > 0))
			rc = zap_apqn_list_add(&busy, b->to_vfio.items[i]);
	}
	if (!rc && busy.count)
		rc = zap_problems_add(plan->change.force ? &plan->warnings :
				      &plan->refusals,
				      ZAP_PROBLEM_PENDING_REQUESTS, NULL, NULL,
				      NULL, NULL, &busy,
				      plan->change.force ?
				      "%zu queue%s with pending requests move to vfio_ap: the requests are lost" :
				      "%zu queue%s still have pending requests (wait, or use --force)",
				      busy.count, busy.count == 1 ? "" : "s");
	if (!rc && default_domain)
		rc = zap_problems_add(&plan->warnings, ZAP_PROBLEM_DEFAULT_DOMAIN,
				      NULL, NULL, NULL, NULL, NULL,
				      "the host's default domain %d (ap_domain) moves to vfio_ap on some adapters",
				      model->bus.ap_domain);
	free(busy.items);
	return rc;
}

/* Every holder that would lose APQNs to the host refuses TO_HOST. */
static int check_to_host(struct builder *b, const struct zap_apqn_set *new_host)
{
	const struct zap_model *model = b->model;
	const struct zap_apqn_set old_host = { model->bus.apmask,
					       model->bus.aqmask };
	struct zap_apqn_list hit = { 0 };
	int rc = 0;

	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];
		const struct zap_apqn_set *set;
		const char *what;
		struct zap_apqn_set gained;
		unsigned int a, d;

		if (!other_holder(model, m, "", &set, &what))
			continue;
		zap_apqn_set_and(&gained, set, new_host);
		hit.count = 0;
		zap_for_each_set_bit(a, &gained.adapters)
			zap_for_each_set_bit(d, &gained.domains)
				if (!rc && !zap_apqn_set_test(&old_host, a, d))
					rc = zap_apqn_list_add(&hit,
						zap_apqn_number(a, d));
		if (!rc && hit.count)
			rc = zap_problems_add(&b->plan->refusals,
					      ZAP_PROBLEM_HOST_APQN, m->uuid,
					      NULL, NULL, NULL, &hit,
					      "%s %s holds APQNs this would give to the host (unassign them first)",
					      what, m->uuid);
	}
	free(hit.items);
	return rc;
}

/* Plan TO_VFIO / TO_HOST: one absolute write per mask that changes. */
static int plan_masks(struct builder *b)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	struct zap_apqn_set old_host = { model->bus.apmask, model->bus.aqmask };
	struct zap_apqn_set new_host = old_host;
	char path[700], value[ZAP_MASK_STRLEN], undo[ZAP_MASK_STRLEN];
	const struct zap_model *present =
		(model->loaded & ZAP_LOAD_QUEUES) ? model : NULL;
	int rc;

	if (c->kind == ZAP_CHANGE_TO_VFIO) {
		zap_bitmap_andnot(&new_host.adapters, &old_host.adapters,
				  &c->adapters);
		zap_bitmap_andnot(&new_host.domains, &old_host.domains,
				  &c->domains);
	} else {
		zap_bitmap_or(&new_host.adapters, &old_host.adapters,
			      &c->adapters);
		zap_bitmap_or(&new_host.domains, &old_host.domains, &c->domains);
	}
	rc = set_difference(&b->to_vfio, &old_host, &new_host, present);
	if (!rc)
		rc = set_difference(&b->to_host, &new_host, &old_host, present);
	if (rc)
		return rc;
	if (zap_bitmap_equal(&new_host.adapters, &old_host.adapters) &&
	    zap_bitmap_equal(&new_host.domains, &old_host.domains)) {
		b->plan->nothing_to_do = true;
		return 0;
	}
	rc = c->kind == ZAP_CHANGE_TO_VFIO ? check_to_vfio(b) :
					     check_to_host(b, &new_host);
	if (!rc && !zap_bitmap_equal(&new_host.adapters, &old_host.adapters)) {
		snprintf(path, sizeof(path), "%s/bus/ap/apmask", model->paths.sysfs);
		zap_mask_print(&new_host.adapters, value);
		zap_mask_print(&old_host.adapters, undo);
		rc = add_write(b, path, value, path, undo);
	}
	if (!rc && !zap_bitmap_equal(&new_host.domains, &old_host.domains)) {
		snprintf(path, sizeof(path), "%s/bus/ap/aqmask", model->paths.sysfs);
		zap_mask_print(&new_host.domains, value);
		zap_mask_print(&old_host.domains, undo);
		rc = add_write(b, path, value, path, undo);
	}
	return rc;
}

/* Hand the collected APQN lists to the plan. */
static void take_lists(struct builder *b)
{
	struct zap_plan *plan = b->plan;

	plan->assigned = b->assigned.items;
	plan->nr_assigned = b->assigned.count;
	plan->unassigned = b->unassigned.items;
	plan->nr_unassigned = b->unassigned.count;
	plan->to_vfio = b->to_vfio.items;
	plan->nr_to_vfio = b->to_vfio.count;
	plan->to_host = b->to_host.items;
	plan->nr_to_host = b->to_host.count;
}

/* Turn @change into a validated plan for @model. */
ZAP_EXPORT int zap_plan_build(const struct zap_model *model,
			      const struct zap_change *change,
			      struct zap_plan **result, struct zap_error *err)
{
	struct builder b = { .model = model, .err = err };
	bool mdev_change = change->kind <= ZAP_CHANGE_REMOVE ||
			   change->kind == ZAP_CHANGE_AUTOSTART;
	const struct zap_mdev *mdev = NULL;
	int rc = 0, i;

	*result = NULL;
	if (model->nr_unreadable)
		return zap_error_set(err, EIO, ZAP_STATUS_NOT_FOUND,
				     "the AP configuration could not be read completely (%s): nothing is changed",
				     model->unreadable[0]);
	if (mdev_change && !model->bus.vfio_ap)
		return zap_error_set(err, ENODEV, ZAP_STATUS_NOT_FOUND,
				     "vfio_ap is not loaded (no %s/devices/vfio_ap/matrix)",
				     model->paths.sysfs);
	if ((change->kind == ZAP_CHANGE_ASSIGN ||
	     change->kind == ZAP_CHANGE_UNASSIGN) && nothing_named(change))
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "no adapter, domain or control domain given");
	if ((change->kind == ZAP_CHANGE_TO_VFIO ||
	     change->kind == ZAP_CHANGE_TO_HOST) &&
	    zap_bitmap_empty(&change->adapters) &&
	    zap_bitmap_empty(&change->domains))
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "no adapter or domain given");
	rc = check_maxima(&b, change);
	if (rc)
		return rc;
	if (mdev_change && change->kind != ZAP_CHANGE_CREATE) {
		i = zap_model_find_mdev(model, change->uuid);
		if (i < 0 || !model->mdevs[i].active)
			return zap_error_set(err, ENODEV, ZAP_STATUS_NOT_FOUND,
					     "no mdev %s%s", change->uuid,
					     i >= 0 ? " is active (it is only defined in mdevctl)" : "");
		mdev = &model->mdevs[i];
	}
	b.plan = calloc(1, sizeof(*b.plan));
	if (!b.plan)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	b.plan->change = *change;
	if (mdev)
		snprintf(b.plan->change.uuid, sizeof(b.plan->change.uuid), "%s",
			 mdev->uuid);
	switch (change->kind) {
	case ZAP_CHANGE_ASSIGN:
	case ZAP_CHANGE_UNASSIGN:
		rc = plan_assignment(&b, mdev, mdev->uuid);
		break;
	case ZAP_CHANGE_CREATE:
		rc = plan_create(&b);
		break;
	case ZAP_CHANGE_REMOVE:
		rc = plan_remove(&b, mdev);
		break;
	case ZAP_CHANGE_TO_VFIO:
	case ZAP_CHANGE_TO_HOST:
		rc = plan_masks(&b);
		break;
	case ZAP_CHANGE_AUTOSTART:
		rc = zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				   "autostart is a property of the persistent configuration");
		break;
	}
	take_lists(&b);
	if (rc) {
		zap_plan_free(b.plan);
		if (err && err->errnum)
			return rc;
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot plan the change: %s", strerror(-rc));
	}
	*result = b.plan;
	return 0;
}

/* Free a plan. */
ZAP_EXPORT void zap_plan_free(struct zap_plan *plan)
{
	if (!plan)
		return;
	free(plan->writes);
	zap_problems_free(&plan->refusals);
	zap_problems_free(&plan->warnings);
	free(plan->to_vfio);
	free(plan->to_host);
	free(plan->assigned);
	free(plan->unassigned);
	free(plan);
}

/* ---------------------------------------------------------------- apply */

/* Check that a rw attribute now reads what was written. */
static int read_back(const struct zap_write *w)
{
	const char *name = strrchr(w->path, '/');
	struct zap_apqn_set got_set, want_set;
	struct zap_bitmap got, want, got_c, want_c;
	char buf[512];
	size_t len;
	int rc;

	name = name ? name + 1 : w->path;
	if (strcmp(name, "apmask") && strcmp(name, "aqmask") &&
	    strcmp(name, "ap_config"))
		return 0; /* write-only attribute: nothing to read back */
	rc = zap_sysfs_read_at(AT_FDCWD, w->path, buf, sizeof(buf), &len);
	if (rc)
		return rc;
	if (strcmp(name, "ap_config") == 0) {
		if (zap_ap_config_parse(buf, len, &got_set, &got_c) ||
		    zap_ap_config_parse(w->value, strlen(w->value), &want_set,
					&want_c))
			return -EIO;
		return zap_bitmap_equal(&got_set.adapters, &want_set.adapters) &&
		       zap_bitmap_equal(&got_set.domains, &want_set.domains) &&
		       zap_bitmap_equal(&got_c, &want_c) ? 0 : -EIO;
	}
	if (zap_sysfs_parse_mask(buf, len, &got) ||
	    zap_sysfs_parse_mask(w->value, strlen(w->value), &want))
		return -EIO;
	return zap_bitmap_equal(&got, &want) ? 0 : -EIO;
}

/* Undo writes[0..failed-1] in reverse; returns how many could not be. */
static size_t roll_back(struct zap_plan *plan, size_t failed,
			const struct zap_apply_options *options)
{
	size_t left = 0, pending_without_undo = 0;

	for (size_t i = failed; i-- > 0;) {
		struct zap_write *w = &plan->writes[i];
		int rc;

		if (!w->undo_path[0]) {
			pending_without_undo++;
			continue;
		}
		rc = zap_sysfs_write(w->undo_path, w->undo_value);
		if (rc == 0) {
			struct zap_write check;

			snprintf(check.path, sizeof(check.path), "%s",
				 w->undo_path);
			snprintf(check.value, sizeof(check.value), "%s",
				 w->undo_value);
			rc = read_back(&check);
		}
		if (rc == 0) {
			w->result = ZAP_WRITE_UNDONE;
			/* removing a new mdev undoes the writes into it */
			for (size_t j = i + 1; j < failed && pending_without_undo;
			     j++) {
				if (!plan->writes[j].undo_path[0] &&
				    plan->writes[j].result == ZAP_WRITE_OK) {
					plan->writes[j].result = ZAP_WRITE_UNDONE;
					pending_without_undo--;
				}
			}
		} else {
			w->result = ZAP_WRITE_UNDO_FAILED;
			w->undo_errnum = -rc;
			left++;
		}
		if (options && options->on_write)
			options->on_write(w, options->data);
	}
	return left + pending_without_undo;
}

/* What a failed apply left behind, for the message. */
static void describe_left(const struct zap_plan *plan, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < plan->nr_writes && used < size; i++) {
		const struct zap_write *w = &plan->writes[i];

		if (w->result == ZAP_WRITE_UNDO_FAILED ||
		    (w->result == ZAP_WRITE_OK && i + 1 < plan->nr_writes))
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%s still has '%s'",
						 used ? "; " : "", w->path,
						 w->value);
	}
}

/* Write the plan in order, journaled; undo on failure. */
static int write_plan(struct zap_plan *plan, const struct zap_paths *paths,
		      const struct zap_apply_options *options,
		      struct zap_error *err)
{
	char left[400];
	int rc;

	rc = zap_journal_begin(paths, plan, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < plan->nr_writes; i++) {
		struct zap_write *w = &plan->writes[i];

		rc = zap_sysfs_write(w->path, w->value);
		if (rc == 0)
			rc = read_back(w);
		w->result = rc ? ZAP_WRITE_FAILED : ZAP_WRITE_OK;
		w->errnum = -rc;
		if (rc == 0)
			zap_journal_done(paths, i);
		if (options && options->on_write)
			options->on_write(w, options->data);
		if (rc == 0)
			continue;
		if (roll_back(plan, i, options)) {
			/* the journal stays: chzap --recover can try again */
			describe_left(plan, left, sizeof(left));
			return zap_error_set(err, -rc, ZAP_STATUS_ROLLBACK,
					     "writing '%s' to %s failed: %s (%s); the rollback failed too: %s",
					     w->value, w->path,
					     rc == -EIO ? "read back a different value" :
					     zap_write_errno_text(-rc),
					     strerrorname_np(-rc) ?
					     strerrorname_np(-rc) : "?", left);
		}
		zap_journal_end(paths);
		return zap_error_set(err, -rc, ZAP_STATUS_WRITE,
				     "writing '%s' to %s failed: %s (%s); %zu earlier write%s undone",
				     w->value, w->path,
				     rc == -EIO ? "read back a different value" :
				     zap_write_errno_text(-rc),
				     strerrorname_np(-rc) ?
				     strerrorname_np(-rc) : "?", i,
				     i == 1 ? "" : "s");
	}
	zap_journal_end(paths);
	return 0;
}

/* Lock, re-load, re-validate, write, read back, undo on failure. */
ZAP_EXPORT int zap_plan_apply(struct zap_plan **plan,
			      const struct zap_paths *paths,
			      const struct zap_apply_options *options,
			      struct zap_error *err)
{
	struct zap_change change = (*plan)->change;
	struct zap_model *model = NULL;
	struct zap_plan *fresh = NULL;
	struct zap_lock lock = { 0 };
	unsigned int timeout = options ? options->lock_timeout_ms : 0;
	int rc;

	rc = zap_lock_acquire(&lock, paths, timeout, err);
	if (rc)
		return rc;
	rc = zap_model_load(&model, paths, zap_change_load_flags(change.kind),
			    err);
	if (!rc && model->journal.present)
		rc = zap_error_set(err, EBUSY, ZAP_STATUS_REFUSED,
				   "an unfinished change (%s) of process %d is recorded in %s: run 'chzap --recover' to undo it, or 'chzap --recover=complete'",
				   model->journal.problem[0] ?
				   model->journal.problem : model->journal.change,
				   model->journal.pid, paths->journal);
	if (!rc)
		rc = zap_plan_build(model, &change, &fresh, err);
	if (!rc) {
		zap_plan_free(*plan);
		*plan = fresh;
		if (fresh->refusals.count)
			rc = zap_error_set(err, EPERM, ZAP_STATUS_REFUSED, "%s",
					   fresh->refusals.items[0].message);
		else if (!fresh->nothing_to_do)
			rc = write_plan(fresh, paths, options, err);
	}
	zap_model_free(model);
	zap_lock_release(&lock);
	return rc;
}
