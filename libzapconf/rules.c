// SPDX-License-Identifier: MIT
/*
 * rules.c - the no-shared-APQN rules, the reason zap exists: no APQN in two
 * mdevs, no mdev APQN in the host's set, the same for mdevctl autostart
 * definitions (manual ones reported), persistent masks against autostart
 * definitions, ids above the maxima, control domains without usage domains,
 * queues no driver can take. Each violation is a record with every culprit.
 * zap_rules_check() is the one audit; it also runs the driver_override
 * checks of rules_override.c.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const kind_names[ZAP_PROBLEM_NR_KINDS] = {
	[ZAP_PROBLEM_SHARED_APQN] = "shared-apqn",
	[ZAP_PROBLEM_HOST_APQN] = "host-apqn",
	[ZAP_PROBLEM_UNSUPPORTED_TYPE] = "unsupported-type",
	[ZAP_PROBLEM_UNBOUND] = "unbound",
	[ZAP_PROBLEM_CONTROL_WITHOUT_USAGE] = "control-without-usage",
	[ZAP_PROBLEM_NOT_IN_CONFIG] = "not-in-config",
	[ZAP_PROBLEM_ID_ABOVE_MAX] = "id-above-max",
	[ZAP_PROBLEM_MANUAL_OVERLAP] = "manual-overlap",
	[ZAP_PROBLEM_BOOT_CONFLICT] = "boot-conflict",
	[ZAP_PROBLEM_DRIFT] = "drift",
	[ZAP_PROBLEM_BAD_DEFINITION] = "bad-definition",
	[ZAP_PROBLEM_UNFINISHED_CHANGE] = "unfinished-change",
	[ZAP_PROBLEM_UNREADABLE] = "unreadable",
	[ZAP_PROBLEM_PENDING_REQUESTS] = "pending-requests",
	[ZAP_PROBLEM_GUEST_RUNNING] = "guest-running",
	[ZAP_PROBLEM_DEFAULT_DOMAIN] = "default-domain",
	[ZAP_PROBLEM_MIXED_OWNERSHIP] = "mixed-ownership",
	[ZAP_PROBLEM_OVERRIDE_ACTIVE] = "override-active",
	[ZAP_PROBLEM_OVERRIDE_PENDING] = "override-pending",
	[ZAP_PROBLEM_BOOT_PARAMETERS] = "boot-parameters",
	[ZAP_PROBLEM_NOT_PERSISTENT] = "not-persistent",
};

/* The name lszap --check prints for @kind. */
ZAP_EXPORT const char *zap_problem_kind_name(enum zap_problem_kind kind)
{
	return kind < ZAP_PROBLEM_NR_KINDS ? kind_names[kind] : "unknown";
}

/* Informational kinds are not errors. */
ZAP_EXPORT bool zap_problem_kind_is_error(enum zap_problem_kind kind)
{
	return kind != ZAP_PROBLEM_NOT_IN_CONFIG &&
	       kind != ZAP_PROBLEM_NOT_PERSISTENT;
}

/* Free every problem and reset @problems. */
ZAP_EXPORT void zap_problems_free(struct zap_problems *problems)
{
	if (!problems)
		return;
	for (size_t i = 0; i < problems->count; i++)
		free(problems->items[i].apqns);
	free(problems->items);
	problems->items = NULL;
	problems->count = 0;
}

/* How many problems are errors. */
ZAP_EXPORT size_t zap_problems_errors(const struct zap_problems *problems)
{
	size_t n = 0;

	for (size_t i = 0; i < problems->count; i++)
		n += zap_problem_kind_is_error(problems->items[i].kind);
	return n;
}

/* "01.0006 01.0007 ... and 12 more". */
void zap_apqns_format(char *buf, size_t size, const uint16_t *apqns,
		      size_t count)
{
	char apqn[ZAP_APQN_STRLEN];
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < count && i < 32; i++) {
		zap_apqn_print(apqns[i] >> 8, apqns[i] & 0xff, apqn);
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
					 "%s%s", i ? " " : "", apqn);
		if (used >= size)
			return;
	}
	if (i < count)
		snprintf(buf + used, size - used, " and %zu more", count - i);
}

/* Order APQN numbers (qsort, bsearch). */
int zap_apqn_cmp(const void *x, const void *y)
{
	uint16_t a = *(const uint16_t *)x, b = *(const uint16_t *)y;

	return (a > b) - (a < b);
}

/* Append one problem record. */
int zap_problems_add(struct zap_problems *problems, enum zap_problem_kind kind,
		     const char *uuid1, const char *uuid2, const char *path,
		     const struct zap_apqn_set *set,
		     const struct zap_apqn_list *list, const char *fmt, ...)
{
	struct zap_problem *grown, *p;
	char apqns[400];
	unsigned int a, d;
	size_t n = 0, len;
	va_list ap;

	grown = realloc(problems->items,
			(problems->count + 1) * sizeof(*problems->items));
	if (!grown)
		return -ENOMEM;
	problems->items = grown;
	p = &grown[problems->count];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	if (uuid1)
		snprintf(p->mdevs[p->nr_mdevs++], ZAP_UUID_STRLEN, "%s", uuid1);
	if (uuid2)
		snprintf(p->mdevs[p->nr_mdevs++], ZAP_UUID_STRLEN, "%s", uuid2);
	if (path)
		snprintf(p->path, sizeof(p->path), "%s", path);
	if (set)
		n += zap_apqn_set_weight(set);
	if (list)
		n += list->count;
	if (n) {
		p->apqns = malloc(n * sizeof(*p->apqns));
		if (!p->apqns)
			return -ENOMEM;
		if (set)
			zap_for_each_set_bit(a, &set->adapters)
				zap_for_each_set_bit(d, &set->domains)
					p->apqns[p->nr_apqns++] =
						zap_apqn_number(a, d);
		if (list)
			for (size_t i = 0; i < list->count; i++)
				p->apqns[p->nr_apqns++] = list->items[i];
		qsort(p->apqns, p->nr_apqns, sizeof(*p->apqns), zap_apqn_cmp);
	}
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
	if (p->nr_apqns) {
		zap_apqns_format(apqns, sizeof(apqns), p->apqns, p->nr_apqns);
		len = strlen(p->message);
		snprintf(p->message + len, sizeof(p->message) - len, ": %s",
			 apqns);
	}
	problems->count++;
	return 0;
}

/* The host's set now: apmask x aqmask. */
static struct zap_apqn_set host_set(const struct zap_model *model)
{
	struct zap_apqn_set host = { model->bus.apmask, model->bus.aqmask };

	return host;
}

/* The host's set after a reboot: the boot model's (persistent.c). */
struct zap_apqn_set
zap_rules_persistent_host_set(const struct zap_model *model)
{
	return zap_model_boot_host(model);
}

/* What gives the host its set at boot, for messages. */
static const char *boot_source_text(const struct zap_model *model)
{
	if (model->rules_has_apmask && model->rules_has_aqmask)
		return "41-ap.rules gives";
	return "the boot masks give";
}

/* Name the holders of the problem just added to @out. */
void zap_problems_set_holders(struct zap_problems *out, enum zap_holder first,
			      enum zap_holder second)
{
	struct zap_problem *p = &out->items[out->count - 1];

	p->holders[0] = first;
	p->holders[1] = p->nr_mdevs > 1 ? second : ZAP_HOLDER_NONE;
}

/* A definition's own matrix, when it differs from what runs, else NULL. */
static const struct zap_definition *own_definition(const struct zap_model *model,
						   const struct zap_mdev *mdev)
{
	const struct zap_definition *def;

	if (mdev->definition < 0)
		return NULL;
	def = &model->definitions[mdev->definition];
	if (!def->valid)
		return NULL;
	if (mdev->active && zap_bitmap_equal(&def->matrix.adapters,
					     &mdev->matrix.adapters) &&
	    zap_bitmap_equal(&def->matrix.domains, &mdev->matrix.domains) &&
	    zap_bitmap_equal(&def->control_domains, &mdev->control_domains))
		return NULL;
	return def;
}

/* One set of APQNs the sharing rule counts: an mdev or an auto definition. */
struct holder {
	const char *uuid;
	enum zap_holder kind;
	const struct zap_apqn_set *set;
};

/*
 * The holders the sharing rule counts: every active mdev, and every valid
 * autostart definition that is not what runs (defined only, or differing
 * from its active mdev); with @manual the manual ones too. Returns: the
 * number filled into @out (at most two per mdev).
 */
static size_t list_holders(const struct zap_model *model, struct holder *out,
			   bool manual)
{
	size_t n = 0;

	for (size_t i = 0; i < model->nr_mdevs; i++) {
		const struct zap_mdev *m = &model->mdevs[i];
		const struct zap_definition *def = own_definition(model, m);

		if (m->active)
			out[n++] = (struct holder){ m->uuid, ZAP_HOLDER_MDEV,
						    &m->matrix };
		if (def && (def->autostart || manual))
			out[n++] = (struct holder){ m->uuid, def->autostart ?
						    ZAP_HOLDER_AUTOSTART :
						    ZAP_HOLDER_MANUAL,
						    &def->matrix };
	}
	return n;
}

/* Shared APQNs between any two holders of different mdevs. */
static int check_sharing(const struct zap_model *model,
			 struct zap_problems *out)
{
	struct holder *h = calloc(2 * model->nr_mdevs + 1, sizeof(*h));
	size_t n;
	int rc = 0;

	if (!h)
		return -ENOMEM;
	n = list_holders(model, h, false);
	for (size_t i = 0; i < n && !rc; i++) {
		for (size_t j = i + 1; j < n && !rc; j++) {
			char x[ZAP_LABEL_LEN], y[ZAP_LABEL_LEN];
			struct zap_apqn_set both;

			if (strcmp(h[i].uuid, h[j].uuid) == 0 ||
			    !zap_apqn_set_intersects(h[i].set, h[j].set))
				continue;
			zap_apqn_set_and(&both, h[i].set, h[j].set);
			rc = zap_problems_add(out, ZAP_PROBLEM_SHARED_APQN,
					      h[i].uuid, h[j].uuid, NULL, &both,
					      NULL, "%s and %s share %u APQN%s",
					      zap_mdev_label(model, x, sizeof(x), h[i].kind,
							     false, h[i].uuid),
					      zap_mdev_label(model, y, sizeof(y), h[j].kind,
							     false, h[j].uuid),
					      zap_apqn_set_weight(&both),
					      zap_apqn_set_weight(&both) == 1 ?
					      "" : "s");
			if (!rc)
				zap_problems_set_holders(out, h[i].kind,
							 h[j].kind);
		}
	}
	free(h);
	return rc;
}

/*
 * An autostart definition @def of @m that is not what runs, against the
 * host's masks now (@host) and at boot (@boot, when 41-ap.rules sets a
 * mask): APQNs the host has now and at boot are host-apqn; APQNs the host
 * has now but vfio_ap gets at boot are drift (the definition can start
 * only after a reboot).
 */
static int check_definition_host(const struct zap_mdev *m,
				 const struct zap_definition *def,
				 const struct zap_apqn_set *host,
				 const struct zap_apqn_set *boot,
				 bool has_persistent, struct zap_problems *out)
{
	struct zap_apqn_list later = { 0 };
	struct zap_apqn_set now, both;
	char label[ZAP_LABEL_LEN];
	unsigned int a, d;
	int rc = 0;

	if (!zap_apqn_set_intersects(&def->matrix, host))
		return 0;
	zap_apqn_set_and(&now, &def->matrix, host);
	both = now;
	if (has_persistent)
		zap_apqn_set_and(&both, &now, boot);
	if (!zap_apqn_set_empty(&both)) {
		rc = zap_problems_add(out, ZAP_PROBLEM_HOST_APQN, m->uuid, NULL,
				      def->path, &both, NULL,
				      "%s holds APQNs that apmask/aqmask give to the host",
				      zap_mdev_label(NULL, label, sizeof(label),
						     ZAP_HOLDER_AUTOSTART, false,
						     m->uuid));
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_AUTOSTART,
						 ZAP_HOLDER_NONE);
	}
	zap_for_each_set_bit(a, &now.adapters)
		zap_for_each_set_bit(d, &now.domains)
			if (!rc && !zap_apqn_set_test(&both, a, d))
				rc = zap_apqn_list_add(&later,
						       zap_apqn_number(a, d));
	if (!rc && later.count) {
		rc = zap_problems_add(out, ZAP_PROBLEM_DRIFT, m->uuid, NULL,
				      def->path, NULL, &later,
				      "%s holds APQNs that the active apmask/aqmask give to the host: it can start only after a reboot (the boot masks give them to vfio_ap)",
				      zap_mdev_label(NULL, label, sizeof(label),
						     ZAP_HOLDER_AUTOSTART, false,
						     m->uuid));
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_AUTOSTART,
						 ZAP_HOLDER_NONE);
	}
	free(later.items);
	return rc;
}

/*
 * Manual definitions against every other holder: active mdevs, and
 * definitions that are not what runs (each pair of manual ones once).
 */
static int check_manual(const struct zap_model *model, struct zap_problems *out)
{
	struct holder *h = calloc(2 * model->nr_mdevs + 1, sizeof(*h));
	size_t n;
	int rc = 0;

	if (!h)
		return -ENOMEM;
	n = list_holders(model, h, true);
	for (size_t i = 0; i < model->nr_definitions && !rc; i++) {
		const struct zap_definition *x = &model->definitions[i];

		if (!x->valid || x->autostart)
			continue;
		for (size_t j = 0; j < n && !rc; j++) {
			char xl[ZAP_LABEL_LEN], yl[ZAP_LABEL_LEN];
			struct zap_apqn_set both;

			if (strcmp(h[j].uuid, x->uuid) == 0 ||
			    (h[j].kind == ZAP_HOLDER_MANUAL &&
			     strcmp(h[j].uuid, x->uuid) < 0) ||
			    !zap_apqn_set_intersects(&x->matrix, h[j].set))
				continue;
			zap_apqn_set_and(&both, &x->matrix, h[j].set);
			rc = zap_problems_add(out, ZAP_PROBLEM_MANUAL_OVERLAP,
					      x->uuid, h[j].uuid, x->path, &both,
					      NULL,
					      "%s and %s share APQNs: starting both fails",
					      zap_mdev_label(model, xl, sizeof(xl),
							     ZAP_HOLDER_MANUAL,
							     false, x->uuid),
					      zap_mdev_label(model, yl, sizeof(yl),
							     h[j].kind, false,
							     h[j].uuid));
			if (!rc)
				zap_problems_set_holders(out, ZAP_HOLDER_MANUAL,
							 h[j].kind);
		}
	}
	free(h);
	return rc;
}

/* The APQNs of @set that the host owns by the kernel's rule (DO-22). */
static int host_owned_list(const struct zap_model *model,
			   const struct zap_apqn_set *set,
			   struct zap_apqn_list *list)
{
	unsigned int a, d;
	int rc = 0;

	list->count = 0;
	zap_for_each_set_bit(a, &set->adapters)
		zap_for_each_set_bit(d, &set->domains)
			if (!rc && zap_model_host_owned(model, a, d))
				rc = zap_apqn_list_add(list,
						       zap_apqn_number(a, d));
	return rc;
}

/*
 * With driver_override in use (overrides or mixed): host APQNs of an
 * active mdev and of its differing autostart definition, APQN by APQN.
 */
static int check_override_host(const struct zap_model *model,
			       const struct zap_mdev *m,
			       const struct zap_definition *def,
			       struct zap_problems *out)
{
	struct zap_apqn_list host = { 0 };
	char label[ZAP_LABEL_LEN];
	int rc = 0;

	if (m->active)
		rc = host_owned_list(model, &m->matrix, &host);
	if (!rc && host.count) {
		rc = zap_problems_add(out, ZAP_PROBLEM_HOST_APQN, m->uuid, NULL,
				      NULL, NULL, &host,
				      "%s holds APQNs that are the host's (neither masks nor a driver_override give them to vfio_ap)",
				      zap_mdev_label(model, label, sizeof(label),
						     ZAP_HOLDER_MDEV, false,
						     m->uuid));
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_MDEV,
						 ZAP_HOLDER_NONE);
	}
	if (!rc && def && def->autostart)
		rc = host_owned_list(model, &def->matrix, &host);
	if (!rc && def && def->autostart && host.count) {
		rc = zap_problems_add(out, ZAP_PROBLEM_HOST_APQN, m->uuid, NULL,
				      def->path, NULL, &host,
				      "%s holds APQNs that are the host's (neither masks nor a driver_override give them to vfio_ap)",
				      zap_mdev_label(model, label, sizeof(label),
						     ZAP_HOLDER_AUTOSTART, false,
						     m->uuid));
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_AUTOSTART,
						 ZAP_HOLDER_NONE);
	}
	free(host.items);
	return rc;
}

/* Host APQNs in an mdev or auto definition; boot conflicts; manual overlap. */
static int check_host_and_definitions(const struct zap_model *model,
				      struct zap_problems *out)
{
	struct zap_apqn_set host = host_set(model);
	struct zap_apqn_set boot = zap_rules_persistent_host_set(model);
	bool has_persistent = model->rules_has_apmask ||
			      model->rules_has_aqmask ||
			      zap_model_boot_cmdline(model);
	bool overrides = zap_model_ownership(model) != ZAP_OWNERSHIP_MASKS;
	struct zap_apqn_list at_boot = { 0 };
	struct zap_apqn_set both;
	unsigned int a, d;
	int rc = 0;

	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];
		const struct zap_definition *def = own_definition(model, m);
		const struct zap_definition *any = m->definition >= 0 ?
			&model->definitions[m->definition] : NULL;
		char label[ZAP_LABEL_LEN];

		if (overrides) {
			rc = check_override_host(model, m, def, out);
		} else if (m->active &&
			   zap_apqn_set_intersects(&m->matrix, &host)) {
			zap_apqn_set_and(&both, &m->matrix, &host);
			rc = zap_problems_add(out, ZAP_PROBLEM_HOST_APQN, m->uuid,
					      NULL, NULL, &both, NULL,
					      "%s holds APQNs that apmask/aqmask give to the host",
					      zap_mdev_label(model, label, sizeof(label),
							     ZAP_HOLDER_MDEV,
							     false, m->uuid));
			if (!rc)
				zap_problems_set_holders(out, ZAP_HOLDER_MDEV,
							 ZAP_HOLDER_NONE);
		}
		if (!rc && !overrides && def && def->autostart)
			rc = check_definition_host(m, def, &host, &boot,
						   has_persistent, out);
		/*
		 * What starts at boot is every valid auto definition; one that
		 * is what runs was named above for what the host has now.
		 */
		if (rc || overrides || !any || !any->valid || !any->autostart ||
		    !has_persistent ||
		    !zap_apqn_set_intersects(&any->matrix, &boot))
			continue;
		zap_apqn_set_and(&both, &any->matrix, &boot);
		at_boot.count = 0;
		zap_for_each_set_bit(a, &both.adapters)
			zap_for_each_set_bit(d, &both.domains)
				if (!rc && (def || !zap_apqn_set_test(&host, a, d)))
					rc = zap_apqn_list_add(&at_boot,
							       zap_apqn_number(a, d));
		if (rc || !at_boot.count)
			continue;
		rc = zap_problems_add(out, ZAP_PROBLEM_BOOT_CONFLICT, m->uuid,
				      NULL, any->path, NULL, &at_boot,
				      "%s (%s) holds APQNs that %s the host: its start fails at boot (EADDRNOTAVAIL)",
				      zap_mdev_label(model, label, sizeof(label),
						     ZAP_HOLDER_AUTOSTART, false,
						     m->uuid), any->path,
				      boot_source_text(model));
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_AUTOSTART,
						 ZAP_HOLDER_NONE);
	}
	free(at_boot.items);
	if (!rc)
		rc = check_manual(model, out);
	return rc;
}

/* Ids above the maxima (@allowed), control domains without usage domains. */
static int check_shape(const struct zap_model *model,
		       const struct zap_apqn_set *allowed, const char *uuid,
		       enum zap_holder holder, const struct zap_apqn_set *set,
		       const struct zap_bitmap *control, const char *path,
		       struct zap_problems *out)
{
	struct zap_bitmap over_a, over_d, ids;
	char label[ZAP_LABEL_LEN], list[1024];
	int rc = 0;

	zap_bitmap_andnot(&over_a, &set->adapters, &allowed->adapters);
	zap_bitmap_or(&ids, &set->domains, control);
	zap_bitmap_andnot(&over_d, &ids, &allowed->domains);
	if (zap_bitmap_empty(&over_a) && zap_bitmap_empty(&over_d) &&
	    (zap_bitmap_empty(control) || !zap_bitmap_empty(&set->domains)))
		return 0;
	zap_mdev_label(model, label, sizeof(label), holder, false, uuid);
	if (!zap_bitmap_empty(&over_a)) {
		zap_ids_print(&over_a, list, sizeof(list));
		rc = zap_problems_add(out, ZAP_PROBLEM_ID_ABOVE_MAX, uuid, NULL,
				      path, NULL, NULL,
				      "%s has adapters %s above ap_max_adapter_id 0x%x",
				      label, list,
				      model->bus.max_adapter_id);
		if (!rc)
			zap_problems_set_holders(out, holder, ZAP_HOLDER_NONE);
	}
	if (!rc && !zap_bitmap_empty(&over_d)) {
		zap_ids_print(&over_d, list, sizeof(list));
		rc = zap_problems_add(out, ZAP_PROBLEM_ID_ABOVE_MAX, uuid, NULL,
				      path, NULL, NULL,
				      "%s has domains %s above ap_max_domain_id 0x%x",
				      label, list, model->bus.max_domain_id);
		if (!rc)
			zap_problems_set_holders(out, holder, ZAP_HOLDER_NONE);
	}
	if (!rc && !zap_bitmap_empty(control) &&
	    zap_bitmap_empty(&set->domains)) {
		rc = zap_problems_add(out, ZAP_PROBLEM_CONTROL_WITHOUT_USAGE,
				      uuid, NULL, path, NULL, NULL,
				      "%s has control domains but no usage domain",
				      label);
		if (!rc)
			zap_problems_set_holders(out, holder, ZAP_HOLDER_NONE);
	}
	return rc;
}

/* The shapes of every mdev, and of every valid definition not running. */
static int check_mdev_shapes(const struct zap_model *model,
			     struct zap_problems *out)
{
	struct zap_apqn_set allowed;
	int rc = 0;

	zap_bitmap_zero(&allowed.adapters);
	zap_bitmap_set_range(&allowed.adapters, 0, model->bus.max_adapter_id);
	zap_bitmap_zero(&allowed.domains);
	zap_bitmap_set_range(&allowed.domains, 0, model->bus.max_domain_id);
	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];
		const struct zap_definition *def = own_definition(model, m);

		if (m->active)
			rc = check_shape(model, &allowed, m->uuid, ZAP_HOLDER_MDEV,
					 &m->matrix, &m->control_domains, NULL,
					 out);
		if (!rc && def)
			rc = check_shape(model, &allowed, m->uuid,
					 def->autostart ? ZAP_HOLDER_AUTOSTART :
					 ZAP_HOLDER_MANUAL, &def->matrix,
					 &def->control_domains,
					 m->active ? def->path : NULL, out);
	}
	return rc;
}

/* Queues: unbound, unsupported type in the vfio pool, assigned but absent. */
static int check_queues(const struct zap_model *model,
			struct zap_problems *out)
{
	struct zap_apqn_list unbound = { 0 }, old_type = { 0 }, absent = { 0 };
	unsigned int a, d;
	int rc = 0;

	if (!(model->loaded & ZAP_LOAD_QUEUES))
		return 0;
	for (size_t i = 0; i < model->nr_queues && !rc; i++) {
		const struct zap_queue *q = &model->queues[i];
		const struct zap_card *card = zap_model_card(model, q->adapter);

		if (q->driver == ZAP_DRIVER_NONE)
			rc = zap_apqn_list_add(&unbound,
					       zap_apqn_number(q->adapter, q->domain));
		if (!rc && card && card->hwtype >= 0 && card->hwtype < 10 &&
		    !zap_model_host_owned(model, q->adapter, q->domain))
			rc = zap_apqn_list_add(&old_type,
					       zap_apqn_number(q->adapter, q->domain));
	}
	if (!rc && unbound.count)
		rc = zap_problems_add(out, ZAP_PROBLEM_UNBOUND, NULL, NULL, NULL,
				      NULL, &unbound,
				      "%zu queue%s bound to no driver",
				      unbound.count, unbound.count == 1 ? "" : "s");
	if (!rc && old_type.count)
		rc = zap_problems_add(out, ZAP_PROBLEM_UNSUPPORTED_TYPE, NULL,
				      NULL, NULL, NULL, &old_type,
				      "%zu vfio pool queue%s of hwtype below 10 (CEX4): vfio_ap cannot take them",
				      old_type.count, old_type.count == 1 ? "" : "s");
	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];

		if (!m->active)
			continue;
		absent.count = 0;
		zap_for_each_set_bit(a, &m->matrix.adapters)
			zap_for_each_set_bit(d, &m->matrix.domains)
				if (!rc && !zap_model_queue(model, a, d))
					rc = zap_apqn_list_add(&absent,
						zap_apqn_number(a, d));
		if (!rc && absent.count)
			rc = zap_problems_add(out, ZAP_PROBLEM_NOT_IN_CONFIG,
					      m->uuid, NULL, NULL, NULL, &absent,
					      "mdev %s has %zu assigned APQN%s with no queue device (not in the configuration)",
					      m->uuid, absent.count,
					      absent.count == 1 ? "" : "s");
	}
	free(unbound.items);
	free(old_type.items);
	free(absent.items);
	return rc;
}

/* Definitions that differ from their active mdev; masks from 41-ap.rules. */
static int check_drift(const struct zap_model *model, struct zap_problems *out)
{
	char a1[ZAP_MASK_STRLEN], a2[ZAP_MASK_STRLEN];
	int rc = 0;

	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];

		if (m->active && own_definition(model, m))
			rc = zap_problems_add(out, ZAP_PROBLEM_DRIFT, m->uuid,
					      NULL,
					      model->definitions[m->definition].path,
					      NULL, NULL,
					      "active mdev %s differs from its mdevctl definition %s",
					      m->uuid,
					      model->definitions[m->definition].path);
	}
	if (!rc && model->rules_has_apmask &&
	    !zap_bitmap_equal(&model->rules_apmask, &model->bus.apmask)) {
		zap_mask_print(&model->bus.apmask, a1);
		zap_mask_print(&model->rules_apmask, a2);
		rc = zap_problems_add(out, ZAP_PROBLEM_DRIFT, NULL, NULL,
				      model->paths.rules, NULL, NULL,
				      "active apmask %s differs from 41-ap.rules %s",
				      a1, a2);
	}
	if (!rc && model->rules_has_aqmask &&
	    !zap_bitmap_equal(&model->rules_aqmask, &model->bus.aqmask)) {
		zap_mask_print(&model->bus.aqmask, a1);
		zap_mask_print(&model->rules_aqmask, a2);
		rc = zap_problems_add(out, ZAP_PROBLEM_DRIFT, NULL, NULL,
				      model->paths.rules, NULL, NULL,
				      "active aqmask %s differs from 41-ap.rules %s",
				      a1, a2);
	}
	return rc;
}

/* Add the queues of @list that move to @owner at the next boot. */
static int add_moving(struct zap_problems *out, struct zap_apqn_list *list,
		      const char *owner)
{
	if (!list->count)
		return 0;
	return zap_problems_add(out, ZAP_PROBLEM_NOT_PERSISTENT, NULL, NULL,
				NULL, NULL, list,
				"%zu queue%s go%s to %s at the next boot (the active masks differ from the boot masks; make the change persistent with 'chzap -P' or 'chzap --save')",
				list->count, list->count == 1 ? "" : "s",
				list->count == 1 ? "es" : "", owner);
}

/*
 * The boot side: entries that disagree on the masks (boot-parameters);
 * queues whose owner changes at the next boot and active mdevs without a
 * definition (not-persistent, a warning).
 */
static int check_boot(const struct zap_model *model, struct zap_problems *out)
{
	const struct zap_boot_masks *cmdline = zap_model_boot_cmdline(model);
	struct zap_apqn_list to_host = { 0 }, to_vfio = { 0 };
	struct zap_apqn_set now = host_set(model), boot;
	int rc = 0;

	if (!cmdline)
		return 0;
	if (cmdline->problem[0])
		rc = zap_problems_add(out, ZAP_PROBLEM_BOOT_PARAMETERS, NULL,
				      NULL, cmdline->problem_path[0] ?
				      cmdline->problem_path : NULL, NULL, NULL,
				      "%s", cmdline->problem);
	boot = zap_model_boot_host(model);
	for (size_t i = 0; i < model->nr_queues && !rc; i++) {
		const struct zap_queue *q = &model->queues[i];
		bool host_now = zap_apqn_set_test(&now, q->adapter, q->domain);
		bool host_boot = zap_apqn_set_test(&boot, q->adapter, q->domain);

		if (host_now != host_boot)
			rc = zap_apqn_list_add(host_boot ? &to_host : &to_vfio,
					       zap_apqn_number(q->adapter,
							       q->domain));
	}
	if (!rc)
		rc = add_moving(out, &to_host, "the host");
	if (!rc)
		rc = add_moving(out, &to_vfio, "vfio_ap");
	free(to_host.items);
	free(to_vfio.items);
	/* manual definitions ap-check refuses to start after the next boot */
	for (size_t i = 0; i < model->nr_definitions && !rc; i++) {
		const struct zap_definition *def = &model->definitions[i];
		struct zap_apqn_set both;
		char label[ZAP_LABEL_LEN];

		if (!def->valid || def->autostart ||
		    !zap_apqn_set_intersects(&def->matrix, &boot))
			continue;
		zap_apqn_set_and(&both, &def->matrix, &boot);
		rc = zap_problems_add(out, ZAP_PROBLEM_MANUAL_OVERLAP, def->uuid,
				      NULL, def->path, &both, NULL,
				      "%s (%s) holds APQNs that %s the host at boot: ap-check refuses its start then",
				      zap_mdev_label(model, label, sizeof(label),
						     ZAP_HOLDER_MANUAL, false,
						     def->uuid), def->path,
				      boot_source_text(model));
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_MANUAL,
						 ZAP_HOLDER_NONE);
	}
	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *m = &model->mdevs[i];

		if (m->active && m->definition < 0 &&
		    (model->loaded & ZAP_LOAD_DEFINITIONS))
			rc = zap_problems_add(out, ZAP_PROBLEM_NOT_PERSISTENT,
					      m->uuid, NULL, NULL, NULL, NULL,
					      "active mdev %s has no mdevctl definition: it is gone after a reboot",
					      m->uuid);
	}
	return rc;
}

/* Unusable definitions and rules file; unreadable sysfs parts. */
static int check_files(const struct zap_model *model, struct zap_problems *out)
{
	int rc = 0;

	for (size_t i = 0; i < model->nr_definitions && !rc; i++) {
		const struct zap_definition *def = &model->definitions[i];

		if (def->problem[0])
			rc = zap_problems_add(out, ZAP_PROBLEM_BAD_DEFINITION,
					      def->uuid, NULL, def->path, NULL,
					      NULL, "%s: %s", def->path,
					      def->problem);
	}
	if (!rc && model->rules_problem[0])
		rc = zap_problems_add(out, ZAP_PROBLEM_BAD_DEFINITION, NULL, NULL,
				      model->paths.rules, NULL, NULL, "%s",
				      model->rules_problem);
	if (!rc && model->journal.present && model->journal.problem[0])
		rc = zap_problems_add(out, ZAP_PROBLEM_UNFINISHED_CHANGE, NULL,
				      NULL, model->paths.journal, NULL, NULL,
				      "%s: %s (run 'chzap --recover')",
				      model->paths.journal,
				      model->journal.problem);
	else if (!rc && model->journal.present && !model->journal.alive)
		rc = zap_problems_add(out, ZAP_PROBLEM_UNFINISHED_CHANGE, NULL,
				      NULL, model->paths.journal, NULL, NULL,
				      "process %d died during a change (%s): %zu of %zu writes made (run 'chzap --recover' to undo it)",
				      model->journal.pid, model->journal.change,
				      model->journal.nr_done,
				      model->journal.nr_writes);
	if (!rc && model->nr_stale_temps)
		rc = zap_problems_add(out, ZAP_PROBLEM_BAD_DEFINITION, NULL, NULL,
				      model->stale_temp, NULL, NULL,
				      "%s: a temporary file of a dead run (%zu in all), which the next chzap change removes",
				      model->stale_temp, model->nr_stale_temps);
	for (size_t i = 0; i < model->nr_unreadable && !rc; i++)
		rc = zap_problems_add(out, ZAP_PROBLEM_UNREADABLE, NULL, NULL,
				      NULL, NULL, NULL, "%s",
				      model->unreadable[i]);
	return rc;
}

/* Audit the whole configuration. */
ZAP_EXPORT int zap_rules_check(const struct zap_model *model,
			       struct zap_problems *problems,
			       struct zap_error *err)
{
	int rc;

	problems->count = 0;
	problems->items = NULL;
	rc = check_sharing(model, problems);
	if (!rc)
		rc = check_host_and_definitions(model, problems);
	if (!rc)
		rc = check_mdev_shapes(model, problems);
	if (!rc)
		rc = check_queues(model, problems);
	if (!rc)
		rc = zap_rules_check_ownership(model, problems);
	if (!rc)
		rc = check_drift(model, problems);
	if (!rc)
		rc = check_files(model, problems);
	if (!rc)
		rc = check_boot(model, problems);
	if (rc) {
		zap_problems_free(problems);
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	return 0;
}
