// SPDX-License-Identifier: MIT
/*
 * plan.c - the plan builder: a requested change (mask edit, mdev
 * create/remove, assign/unassign, autostart) becomes an ordered list of
 * typed sysfs writes, each with the write that undoes it, and of persistent
 * files to rewrite (plan_files.c). Its refusals and warnings are the
 * verdict (verdict.c) on the configuration it would make (whatif.c), plus
 * the checks about the change itself: maxima, pending requests, a running
 * guest, the default domain. Applying it is executor.c's job.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MATRIX_DIR "%s/devices/vfio_ap/matrix"
#define CREATE_FILE MATRIX_DIR "/mdev_supported_types/vfio_ap-passthrough/create"


/*
 * The enum zap_load bits a change of @kind needs: an mdev change reads the
 * masks (always), the mdevs, the definitions, 41-ap.rules and the journal,
 * no card and no queue; a mask change reads the queues too (which APQNs
 * exist), and TO_VFIO their counters (the pending-request check).
 */
ZAP_EXPORT unsigned int zap_change_load_flags(enum zap_change_kind kind)
{
	unsigned int flags = ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS |
			     ZAP_LOAD_RULES | ZAP_LOAD_JOURNAL;

	if (kind == ZAP_CHANGE_TO_VFIO || kind == ZAP_CHANGE_TO_HOST ||
	    kind == ZAP_CHANGE_OWNERSHIP)
		flags |= ZAP_LOAD_CARDS | ZAP_LOAD_QUEUES;
	if (kind == ZAP_CHANGE_TO_VFIO)
		flags |= ZAP_LOAD_COUNTERS | ZAP_LOAD_QUEUE_COUNTERS;
	return flags;
}

/* Append one write to @plan (and its undo, "" for none). */
int zap_plan_add_write(struct zap_plan *plan, enum zap_write_kind kind,
		       const char *path, const char *value,
		       const char *undo_path, const char *undo_value)
{
	struct zap_write *grown, *w;

	grown = realloc(plan->writes, (plan->nr_writes + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	plan->writes = grown;
	w = &grown[plan->nr_writes++];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	snprintf(w->path, sizeof(w->path), "%s", path);
	snprintf(w->value, sizeof(w->value), "%s", value);
	snprintf(w->undo_path, sizeof(w->undo_path), "%s", undo_path);
	snprintf(w->undo_value, sizeof(w->undo_value), "%s", undo_value);
	w->result = ZAP_WRITE_PENDING;
	return 0;
}

/* Append one write of the plan being built (and its undo). */
static int add_write(struct zap_builder *b, enum zap_write_kind kind,
		     const char *path, const char *value, const char *undo_path,
		     const char *undo_value)
{
	return zap_plan_add_write(b->plan, kind, path, value, undo_path,
				  undo_value);
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
int zap_set_difference(struct zap_apqn_list *list,
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

/* What the change makes of mdev @uuid, live or its definition. */
int zap_builder_after(const struct zap_builder *b, const char *uuid,
		      bool definition, struct zap_apqn_set *matrix,
		      struct zap_bitmap *control)
{
	const struct zap_model *after = b->after;
	int i = zap_model_find_mdev(after, uuid);
	const struct zap_mdev *m = i >= 0 ? &after->mdevs[i] : NULL;

	if (!m || (definition && m->definition < 0) ||
	    (!definition && !m->active))
		return -ENOENT;
	if (definition) {
		*matrix = after->definitions[m->definition].matrix;
		*control = after->definitions[m->definition].control_domains;
	} else {
		*matrix = m->matrix;
		*control = m->control_domains;
	}
	return 0;
}

/* Ids above the maxima are not found (exit 2), as the kernel's ENODEV. */
static int check_maxima(struct zap_builder *b, const struct zap_change *c)
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
				     "%s %s above the maximum 0x%x (%s)",
				     sets[i].what, list, sets[i].max,
				     sets[i].file);
	}
	return 0;
}

/* Writes that change mdev @dir from (@old, @old_c) to (@new, @new_c). */
static int add_assignment_writes(struct zap_builder *b, const char *dir,
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
		return add_write(b, ZAP_WRITE_AP_CONFIG, path, value,
				 undo ? path : "",
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
				rc = add_write(b, pass == 0 ? ZAP_WRITE_UNASSIGN :
					       ZAP_WRITE_ASSIGN, path, value,
					       undo ? undo_path : "",
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
static int plan_assignment(struct zap_builder *b, const struct zap_mdev *mdev,
			   const char *uuid)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	struct zap_apqn_set old = { { { 0 } }, { { 0 } } }, new;
	struct zap_bitmap old_c = { { 0 } }, new_c;
	bool ap_config = false, creating = c->kind == ZAP_CHANGE_CREATE;
	char dir[700], label[ZAP_LABEL_LEN];
	int rc;

	if (mdev) {
		old = mdev->matrix;
		old_c = mdev->control_domains;
		ap_config = mdev->has_ap_config;
	} else {
		/*
		 * A new mdev has ap_config when the matrix device says so
		 * (features, 6.13+) or when its siblings have it.
		 */
		ap_config = model->bus.has_ap_config_feature;
		for (size_t i = 0; i < model->nr_mdevs; i++)
			if (model->mdevs[i].active)
				ap_config = model->mdevs[i].has_ap_config;
	}
	/* the writes are the difference to what the what-if made of it */
	rc = zap_builder_after(b, uuid, false, &new, &new_c);
	if (!rc)
		rc = zap_set_difference(&b->assigned, &new, &old, NULL);
	if (!rc)
		rc = zap_set_difference(&b->unassigned, &old, &new, NULL);
	if (rc)
		return rc;
	if (zap_bitmap_equal(&new.adapters, &old.adapters) &&
	    zap_bitmap_equal(&new.domains, &old.domains) &&
	    zap_bitmap_equal(&new_c, &old_c) && !creating) {
		b->plan->nothing_to_do = true;
		return 0;
	}
	if (mdev && mdev->in_use == 1)
		rc = zap_problems_add(&b->plan->warnings,
				      ZAP_PROBLEM_GUEST_RUNNING, uuid, NULL,
				      NULL, NULL, NULL,
				      "%s is in use by a running guest: the change is hot-%s",
				      zap_mdev_label(model, label, sizeof(label),
						     ZAP_HOLDER_MDEV, false,
						     uuid), c->kind == ZAP_CHANGE_UNASSIGN ?
				      "unplugged" : "plugged where the queues are bound to vfio_ap");
	if (rc)
		return rc;
	snprintf(dir, sizeof(dir), MATRIX_DIR "/%s", model->paths.sysfs, uuid);
	/* the writes after a create are undone by removing the new mdev */
	return add_assignment_writes(b, dir, ap_config, !creating, &old, &old_c,
				     &new, &new_c);
}

/* Plan CREATE: the create write, then the assignment; the definition. */
static int plan_create(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	struct zap_change *c = &b->plan->change;
	char path[700], undo[760];
	int i, rc = 0;

	i = zap_model_find_mdev(model, c->uuid);
	if (i >= 0 && model->mdevs[i].active)
		return zap_error_set(b->err, EEXIST, ZAP_STATUS_REFUSED,
				     "mdev %s exists already", c->uuid);
	if (i >= 0 && b->persistent && model->mdevs[i].definition >= 0)
		return zap_error_set(b->err, EEXIST, ZAP_STATUS_REFUSED,
				     "mdev %s is defined already (%s)", c->uuid,
				     model->definitions[model->mdevs[i].definition].path);
	if (b->live) {
		if (model->bus.available_instances == 0)
			return zap_error_set(b->err, EUSERS, ZAP_STATUS_REFUSED,
					     "no more mdevs can be created (available_instances is 0)");
		snprintf(path, sizeof(path), CREATE_FILE, model->paths.sysfs);
		snprintf(undo, sizeof(undo), MATRIX_DIR "/%s/remove",
			 model->paths.sysfs, c->uuid);
		rc = add_write(b, ZAP_WRITE_CREATE, path, c->uuid, undo, "1");
		if (!rc && !nothing_named(c))
			rc = plan_assignment(b, NULL, c->uuid);
	}
	if (!rc && b->persistent)
		rc = zap_plan_definition(b, NULL, c->uuid);
	return rc;
}

/* Plan REMOVE: refused while a guest uses it, unless forced. */
static int plan_remove(struct zap_builder *b, const struct zap_mdev *mdev)
{
	struct zap_plan *plan = b->plan;
	struct zap_problems *where = plan->change.force ? &plan->warnings :
				     &plan->refusals;
	const struct zap_definition *def = NULL;
	char path[760], label[ZAP_LABEL_LEN];
	int rc = 0;

	// NOLINTNEXTLINE(clang-analyzer-core.NullDereference): REMOVE always has an mdev (analyzer forgets change.kind)
	if (mdev->in_use == 1)
		rc = zap_problems_add(where, ZAP_PROBLEM_GUEST_RUNNING,
				      mdev->uuid, NULL, NULL, NULL, NULL,
				      plan->change.force ?
				      "%s is in use by a running guest: the remove waits until the guest releases it" :
				      "%s is in use by a running guest (stop the guest, or use --force: the remove then waits until the guest releases it)",
				      zap_mdev_label(b->model, label,
						     sizeof(label),
						     ZAP_HOLDER_MDEV, false,
						     mdev->uuid));
	if (mdev->definition >= 0)
		def = &b->model->definitions[mdev->definition];
	if (!rc && def && def->valid && def->autostart && !b->persistent)
		rc = zap_problems_add(&plan->warnings, ZAP_PROBLEM_DRIFT,
				      mdev->uuid, NULL, def->path, NULL, NULL,
				      "mdev %s stays defined in mdevctl with autostart: it comes back at boot",
				      mdev->uuid);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), MATRIX_DIR "/%s/remove",
		 b->model->paths.sysfs, mdev->uuid);
	return add_write(b, ZAP_WRITE_REMOVE, path, "1", "", "");
}

/* Queues about to move to vfio_ap: pending requests, the default domain. */
static int check_to_vfio(struct zap_builder *b)
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
				      "%zu queue%s with pending requests %s to vfio_ap: the requests are lost" :
				      "%zu queue%s still %s pending requests (wait, or use --force)",
				      busy.count, busy.count == 1 ? "" : "s",
				      plan->change.force ?
				      (busy.count == 1 ? "moves" : "move") :
				      (busy.count == 1 ? "has" : "have"));
	if (!rc && default_domain)
		rc = zap_problems_add(&plan->warnings, ZAP_PROBLEM_DEFAULT_DOMAIN,
				      NULL, NULL, NULL, NULL, NULL,
				      "the host's default domain 0x%x (ap_domain) moves to vfio_ap on some adapters",
				      model->bus.ap_domain);
	free(busy.items);
	return rc;
}

/*
 * A mask write while a queue has a driver_override: the kernel answers
 * EINVAL to every one, even of an unchanged value (driver-override.md
 * DO-10), so the change is refused before any write.
 */
static int check_no_override(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	struct zap_apqn_list list = { 0 };
	int rc = 0;

	for (size_t i = 0; i < model->nr_queues && !rc; i++)
		if (model->queues[i].driver_override[0])
			rc = zap_apqn_list_add(&list,
				zap_apqn_number(model->queues[i].adapter,
						model->queues[i].domain));
	if (!rc && list.count)
		rc = zap_problems_add(&b->plan->refusals,
				      ZAP_PROBLEM_OVERRIDE_ACTIVE, NULL, NULL,
				      NULL, NULL, &list,
				      "%zu queue%s a driver_override: the kernel refuses every apmask/aqmask write while one exists (EINVAL); name the queues instead (chzap --vfio AA.DDDD) or clear the overrides first",
				      list.count, list.count == 1 ? " has" : "s have");
	free(list.items);
	return rc;
}

/* Plan TO_VFIO / TO_HOST: one absolute write per mask that changes. */
static int plan_masks(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	struct zap_apqn_set old_host = { model->bus.apmask, model->bus.aqmask };
	/* the writes are the difference to the masks the what-if made */
	struct zap_apqn_set new_host = { b->after->bus.apmask,
					 b->after->bus.aqmask };
	char path[700], value[ZAP_MASK_STRLEN], undo[ZAP_MASK_STRLEN];
	const struct zap_model *present =
		(model->loaded & ZAP_LOAD_QUEUES) ? model : NULL;
	size_t refused = b->plan->refusals.count;
	int rc;

	rc = check_no_override(b);
	if (rc || b->plan->refusals.count > refused)
		return rc;
	rc = zap_set_difference(&b->to_vfio, &old_host, &new_host, present);
	if (!rc)
		rc = zap_set_difference(&b->to_host, &new_host, &old_host, present);
	if (rc)
		return rc;
	if (zap_bitmap_equal(&new_host.adapters, &old_host.adapters) &&
	    zap_bitmap_equal(&new_host.domains, &old_host.domains)) {
		b->plan->nothing_to_do = true;
		return 0;
	}
	rc = c->kind == ZAP_CHANGE_TO_VFIO ? check_to_vfio(b) : 0;
	if (!rc && !zap_bitmap_equal(&new_host.adapters, &old_host.adapters)) {
		snprintf(path, sizeof(path), "%s/bus/ap/apmask", model->paths.sysfs);
		zap_mask_print(&new_host.adapters, value);
		zap_mask_print(&old_host.adapters, undo);
		rc = add_write(b, ZAP_WRITE_MASK, path, value, path, undo);
	}
	if (!rc && !zap_bitmap_equal(&new_host.domains, &old_host.domains)) {
		snprintf(path, sizeof(path), "%s/bus/ap/aqmask", model->paths.sysfs);
		zap_mask_print(&new_host.domains, value);
		zap_mask_print(&old_host.domains, undo);
		rc = add_write(b, ZAP_WRITE_MASK, path, value, path, undo);
	}
	return rc;
}

/* Hand the collected APQN lists to the plan. */
static void take_lists(struct zap_builder *b)
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

/* Find the mdev a change names; NULL with @err set when it cannot be. */
static const struct zap_mdev *find_mdev(const struct zap_builder *b,
					const struct zap_change *change)
{
	const struct zap_model *model = b->model;
	const struct zap_mdev *mdev;
	int i = zap_model_find_mdev(model, change->uuid);

	if (b->live) {
		if (i < 0 || !model->mdevs[i].active) {
			zap_error_set(b->err, ENODEV, ZAP_STATUS_NOT_FOUND,
				      "no mdev %s%s", change->uuid,
				      i >= 0 ? " is active (it is only defined in mdevctl)" : "");
			return NULL;
		}
		return &model->mdevs[i];
	}
	if (i < 0) {
		zap_error_set(b->err, ENODEV, ZAP_STATUS_NOT_FOUND,
			      "no mdev %s is active or defined in mdevctl%s",
			      change->uuid,
			      change->kind == ZAP_CHANGE_ASSIGN ?
			      " (define a new one with --create)" : "");
		return NULL;
	}
	mdev = &model->mdevs[i];
	if ((change->kind == ZAP_CHANGE_REMOVE ||
	     change->kind == ZAP_CHANGE_AUTOSTART) && mdev->definition < 0) {
		zap_error_set(b->err, ENODEV, ZAP_STATUS_NOT_FOUND,
			      "mdev %s has no mdevctl definition in %s",
			      mdev->uuid, model->paths.mdevctl);
		return NULL;
	}
	return mdev;
}

static int plan_writes(struct zap_builder *b, const struct zap_mdev *mdev);

/* Plan the change of the builder's plan, live and persistent sides. */
static int plan_change(struct zap_builder *b, const struct zap_mdev *mdev)
{
	struct zap_model *after = NULL;
	int rc;

	/* the rules: what the audit finds in the result and not before */
	rc = zap_model_whatif(b->model, &b->plan->change, &after, b->err);
	if (!rc)
		rc = zap_change_verdict(b->model, after, &b->plan->change,
					&b->plan->refusals, &b->plan->warnings,
					b->err);
	if (!rc)
		rc = zap_change_persists(b->model, after, &b->plan->persistent,
					 b->err);
	if (rc) {
		zap_model_free(after);
		return rc;
	}
	b->after = after;
	rc = plan_writes(b, mdev);
	b->after = NULL;
	zap_model_free(after);
	return rc;
}

/* The writes and files of the change, the difference to b->after. */
static int plan_writes(struct zap_builder *b, const struct zap_mdev *mdev)
{
	int rc = 0;

	switch (b->plan->change.kind) {
	case ZAP_CHANGE_ASSIGN:
	case ZAP_CHANGE_UNASSIGN:
		if (b->live)
			rc = plan_assignment(b, mdev, mdev->uuid);
		if (!rc && b->persistent)
			rc = zap_plan_definition(b, mdev, mdev->uuid);
		break;
	case ZAP_CHANGE_CREATE:
		rc = plan_create(b);
		break;
	case ZAP_CHANGE_REMOVE:
		if (b->live)
			rc = plan_remove(b, mdev);
		if (!rc && b->persistent)
			rc = zap_plan_undefine(b, mdev);
		break;
	case ZAP_CHANGE_TO_VFIO:
	case ZAP_CHANGE_TO_HOST:
		if (b->plan->change.by_queue) {
			rc = b->live ? zap_plan_overrides(b) : 0;
			if (!rc && b->persistent)
				rc = zap_plan_driverctl(b);
			break;
		}
		if (b->live)
			rc = plan_masks(b);
		if (!rc && b->persistent)
			rc = zap_plan_rules(b);
		break;
	case ZAP_CHANGE_AUTOSTART:
		rc = zap_plan_autostart(b, mdev);
		break;
	case ZAP_CHANGE_OWNERSHIP:
		rc = b->live ? zap_plan_ownership(b) : 0;
		break;
	}
	return rc;
}

/*
 * A live CREATE of a UUID with an mdevctl definition starts that
 * definition: its ids, control domains included. With ids of its own it is
 * refused (they would differ from the definition); --start
 * (from_definition) without a definition is not found.
 * Returns: 0; -errno with @err set.
 */
static int start_definition(const struct zap_model *model,
			    struct zap_change *c, struct zap_error *err)
{
	int i = c->uuid[0] ? zap_model_find_mdev(model, c->uuid) : -1;
	const struct zap_definition *def;

	if (i < 0 || model->mdevs[i].definition < 0) {
		if (c->from_definition)
			return zap_error_set(err, ENODEV, ZAP_STATUS_NOT_FOUND,
					     "no mdevctl definition of mdev %s to start",
					     c->uuid);
		return 0;
	}
	if (model->mdevs[i].active || c->scope != ZAP_SCOPE_LIVE)
		return 0;
	def = &model->definitions[model->mdevs[i].definition];
	/* the executor re-judges the plan's change: the definition's ids */
	if (zap_bitmap_equal(&c->adapters, &def->matrix.adapters) &&
	    zap_bitmap_equal(&c->domains, &def->matrix.domains) &&
	    zap_bitmap_equal(&c->control_domains, &def->control_domains) &&
	    !nothing_named(c))
		return 0;
	if (!nothing_named(c))
		return zap_error_set(err, EINVAL, ZAP_STATUS_REFUSED,
				     "mdev %s is defined (%s): its ids come from the definition; start it with 'chzap --start -m %s', or change both with -p",
				     c->uuid, def->path, c->uuid);
	if (!def->valid)
		return zap_error_set(err, EINVAL, ZAP_STATUS_REFUSED,
				     "%s: %s", def->path, def->problem);
	c->adapters = def->matrix.adapters;
	c->domains = def->matrix.domains;
	c->control_domains = def->control_domains;
	return 0;
}

/*
 * The UUID chzap generated for --create is one the user never saw: the
 * messages of @problems call that mdev "the new mdev".
 */
static void name_new_mdev(struct zap_problems *problems, const char *uuid)
{
	char label[ZAP_UUID_STRLEN + 8], *at;
	size_t len;

	snprintf(label, sizeof(label), "mdev %s", uuid);
	len = strlen(label);
	for (size_t i = 0; i < problems->count; i++) {
		char *msg = problems->items[i].message;

		while ((at = strstr(msg, label))) {
			memmove(at + strlen("the new mdev"), at + len,
				strlen(at + len) + 1);
			memcpy(at, "the new mdev", strlen("the new mdev"));
		}
	}
}

/* Turn @change into a validated plan for @model. */
ZAP_EXPORT int zap_plan_build(const struct zap_model *model,
			      const struct zap_change *change,
			      struct zap_plan **result, struct zap_error *err)
{
	struct zap_builder b = { .model = model, .err = err };
	bool mdev_change = change->kind <= ZAP_CHANGE_REMOVE ||
			   change->kind == ZAP_CHANGE_AUTOSTART;
	const struct zap_mdev *mdev = NULL;
	struct zap_plan *plan;
	int rc = 0;

	*result = NULL;
	/* AUTOSTART has no live side, whatever the scope */
	b.live = change->scope != ZAP_SCOPE_PERSISTENT &&
		 change->kind != ZAP_CHANGE_AUTOSTART;
	b.persistent = change->scope != ZAP_SCOPE_LIVE ||
		       change->kind == ZAP_CHANGE_AUTOSTART;
	if (model->nr_unreadable)
		return zap_error_set(err, EIO, ZAP_STATUS_NOT_FOUND,
				     "the AP configuration could not be read completely (%s): nothing is changed",
				     model->unreadable[0]);
	if (mdev_change && b.live && !model->bus.vfio_ap)
		return zap_error_set(err, ENODEV, ZAP_STATUS_NOT_FOUND,
				     "vfio_ap is not loaded (no %s/devices/vfio_ap/matrix): modprobe vfio_ap",
				     model->paths.sysfs);
	if ((change->kind == ZAP_CHANGE_ASSIGN ||
	     change->kind == ZAP_CHANGE_UNASSIGN) && nothing_named(change))
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "no adapter, domain or control domain given");
	if ((change->kind == ZAP_CHANGE_TO_VFIO ||
	     change->kind == ZAP_CHANGE_TO_HOST) && !change->by_queue &&
	    zap_bitmap_empty(&change->adapters) &&
	    zap_bitmap_empty(&change->domains))
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "no adapter or domain given");
	rc = check_maxima(&b, change);
	if (rc)
		return rc;
	if (mdev_change && change->kind != ZAP_CHANGE_CREATE) {
		mdev = find_mdev(&b, change);
		if (!mdev)
			return -ENODEV;
	}
	b.plan = calloc(1, sizeof(*b.plan));
	if (!b.plan)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	plan = b.plan;
	plan->change = *change;
	plan->persistent = true;
	if (mdev)
		snprintf(plan->change.uuid, sizeof(plan->change.uuid), "%s",
			 mdev->uuid);
	if (change->kind == ZAP_CHANGE_CREATE && !plan->change.uuid[0])
		zap_uuid_generate(plan->change.uuid);
	if (change->kind == ZAP_CHANGE_CREATE) {
		rc = start_definition(model, &plan->change, err);
		if (rc) {
			zap_plan_free(plan);
			return rc;
		}
	}
	/*
	 * An unfinished change of a dead chzap comes first: a dry run says
	 * so. A live one is a change in progress, which the lock serialises.
	 */
	if (model->journal.present &&
	    (!model->journal.alive || model->journal.problem[0]))
		rc = zap_problems_add(&plan->refusals,
				      ZAP_PROBLEM_UNFINISHED_CHANGE, NULL, NULL,
				      model->paths.journal, NULL, NULL,
				      "an unfinished change (%s) of process %d is recorded in %s: run 'chzap --recover' to undo it, or 'chzap --recover=complete'",
				      model->journal.problem[0] ?
				      model->journal.problem :
				      model->journal.change,
				      model->journal.pid, model->paths.journal);
	if (!rc)
		rc = plan_change(&b, mdev);
	if (!rc && change->kind == ZAP_CHANGE_CREATE && !change->uuid[0]) {
		name_new_mdev(&plan->refusals, plan->change.uuid);
		name_new_mdev(&plan->warnings, plan->change.uuid);
	}
	take_lists(&b);
	if (rc) {
		zap_plan_free(plan);
		if (err && err->errnum)
			return rc;
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot plan the change: %s", strerror(-rc));
	}
	plan->nothing_to_do = !plan->refusals.count && !plan->nr_writes &&
			      !plan->nr_files;
	*result = plan;
	return 0;
}

/* Free a plan. */
ZAP_EXPORT void zap_plan_free(struct zap_plan *plan)
{
	if (!plan)
		return;
	free(plan->writes);
	for (size_t i = 0; i < plan->nr_files; i++) {
		free(plan->files[i].content);
		free(plan->files[i].old_content);
	}
	free(plan->files);
	zap_problems_free(&plan->refusals);
	zap_problems_free(&plan->warnings);
	free(plan->to_vfio);
	free(plan->to_host);
	free(plan->assigned);
	free(plan->unassigned);
	free(plan);
}
