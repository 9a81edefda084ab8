// SPDX-License-Identifier: MIT
/*
 * override.c - moving single queues with driver_override (Linux 6.19+,
 * shared/spec/driver-override.md): the what-if of a change by queue, its
 * writes and their undo (section 5: override, unbind, drivers_probe, the
 * driver link checked), the executor's side of those write kinds, and the
 * refusals of queue arguments on a host the masks decide (with the queues
 * the smallest mask change would move instead), the conversion between
 * the models (chzap --ownership), and driverctl's saved overrides
 * (etc/driverctl.d/ap-AA.DDDD) read and written.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ------------------------------------------------------- the executor */

/* The sysfs root of @path: the text before @marker (0: not found). */
static int sysfs_root(const char *path, const char *marker, char *root,
		      size_t size)
{
	const char *at = strstr(path, marker);

	if (!at || (size_t)(at - path) >= size)
		return -EINVAL;
	memcpy(root, path, (size_t)(at - path));
	root[at - path] = '\0';
	return 0;
}

/* The basename of queue @apqn's driver link, "" when unbound. */
static void queue_driver(const char *root, const char *apqn, char *name,
			 size_t size)
{
	char link[800], target[512];
	const char *base;
	ssize_t n;

	name[0] = '\0';
	snprintf(link, sizeof(link), "%s/devices/ap/card%.2s/%s/driver", root,
		 apqn, apqn);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < size)
		memcpy(name, base, strlen(base) + 1);
}

/*
 * After a probe of @apqn: is it bound to the driver its override names,
 * or without one to cex4queue when zcrypt is loaded? 0 yes, 1 no.
 */
static int check_probe(const char *root, const char *apqn)
{
	char path[800], override[256], driver[64];
	struct stat st;
	size_t len;

	snprintf(path, sizeof(path), "%s/devices/ap/card%.2s/%s/driver_override",
		 root, apqn, apqn);
	if (zap_sysfs_read_at(AT_FDCWD, path, override, sizeof(override), &len))
		override[0] = '\0';
	override[strcspn(override, "\n")] = '\0';
	queue_driver(root, apqn, driver, sizeof(driver));
	if (override[0])
		return strcmp(driver, override) ? 1 : 0;
	snprintf(path, sizeof(path), "%s/bus/ap/drivers/cex4queue", root);
	if (stat(path, &st))
		return 0;
	return strcmp(driver, "cex4queue") ? 1 : 0;
}

/* The override, unbind and probe write kinds; see zap_write_one(). */
int zap_override_write(enum zap_write_kind kind, const char *path,
		       const char *value)
{
	char root[700], apqn[ZAP_APQN_STRLEN], driver[64], probe[760];
	const char *slash;
	int rc;

	switch (kind) {
	case ZAP_WRITE_UNBIND:
		rc = zap_sysfs_write(path, value);
		/* not bound to that driver (any more): nothing to unbind */
		return rc == -ENODEV ? 0 : rc;
	case ZAP_WRITE_PROBE:
		rc = zap_sysfs_write(path, value);
		if (rc)
			return rc;
		if (sysfs_root(path, "/bus/ap/drivers_probe", root, sizeof(root)))
			return 0;
		return check_probe(root, value);
	case ZAP_WRITE_OVERRIDE_RESTORE:
		rc = zap_sysfs_write(path, value);
		if (rc || sysfs_root(path, "/devices/ap/", root, sizeof(root)))
			return rc;
		/* .../cardXX/XX.YYYY/driver_override: the queue's name */
		slash = strrchr(path, '/');
		if (!slash || slash - path < ZAP_APQN_STRLEN)
			return 0;
		snprintf(apqn, sizeof(apqn), "%.7s", slash - 7);
		queue_driver(root, apqn, driver, sizeof(driver));
		if (driver[0])
			return 0;
		snprintf(probe, sizeof(probe), "%s/bus/ap/drivers_probe", root);
		return zap_sysfs_write(probe, apqn);
	default:
		return zap_sysfs_write(path, value);
	}
}

/* ------------------------------------------------------------ what-if */

/* The queues a change by queue names, with their new override and driver. */
void zap_whatif_overrides(struct zap_model *m, const struct zap_change *c)
{
	unsigned int a, d;

	for (a = 0; a < ZAP_IDS; a++) {
		zap_for_each_set_bit(d, &c->queues[a]) {
			const struct zap_queue *found = zap_model_queue(m, a, d);
			struct zap_queue *q;

			if (!found)
				continue;
			q = &m->queues[found - m->queues];
			if (c->kind == ZAP_CHANGE_TO_VFIO) {
				snprintf(q->driver_override,
					 sizeof(q->driver_override), "vfio_ap");
				q->driver = ZAP_DRIVER_VFIO_AP;
			} else {
				q->driver_override[0] = '\0';
				q->driver = ZAP_DRIVER_CEX4QUEUE;
			}
		}
	}
}

/* ----------------------------------------------------------- the plan */

/*
 * Host -> vfio_ap (spec 5.1): override vfio_ap (undone by the old override
 * and a probe), unbind if bound (undone by that), probe (undone by an
 * unbind from vfio_ap).
 */
static int switch_to_vfio(struct zap_builder *b, const struct zap_queue *q,
			  const char *apqn)
{
	const char *sysfs = b->model->paths.sysfs;
	char override[700], unbind[700], probe[700];
	int rc = 0;

	if (strcmp(q->driver_override, "vfio_ap") == 0 &&
	    q->driver == ZAP_DRIVER_VFIO_AP)
		return 0;
	snprintf(override, sizeof(override),
		 "%s/devices/ap/card%.2s/%s/driver_override", sysfs, apqn, apqn);
	snprintf(probe, sizeof(probe), "%s/bus/ap/drivers_probe", sysfs);
	if (strcmp(q->driver_override, "vfio_ap"))
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_OVERRIDE,
					override, "vfio_ap",
					override, q->driver_override);
	if (!rc && q->driver != ZAP_DRIVER_NONE &&
	    q->driver != ZAP_DRIVER_UNKNOWN) {
		snprintf(unbind, sizeof(unbind), "%s/bus/ap/drivers/%s/unbind",
			 sysfs, zap_driver_name(q->driver));
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_UNBIND,
					unbind, apqn, "", "");
	}
	snprintf(unbind, sizeof(unbind), "%s/bus/ap/drivers/vfio_ap/unbind",
		 sysfs);
	if (!rc)
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_PROBE,
					probe, apqn, unbind, apqn);
	if (!rc)
		rc = zap_apqn_list_add(&b->to_vfio,
				       zap_apqn_number(q->adapter, q->domain));
	return rc;
}

/*
 * vfio_ap -> host (spec 5.2): unbind (undone by a probe), clear the
 * override (undone by the old one and a probe), probe (undone by an unbind
 * from cex4queue). The audit of the what-if has refused it already when an
 * active mdev or an autostart definition holds the APQN.
 */
static int switch_to_host(struct zap_builder *b, const struct zap_queue *q,
			  const char *apqn)
{
	const char *sysfs = b->model->paths.sysfs;
	char override[700], unbind[700], probe[700];
	int rc = 0;

	/* without an override only cex4queue is where it belongs */
	if (!q->driver_override[0] && q->driver == ZAP_DRIVER_CEX4QUEUE)
		return 0;
	snprintf(override, sizeof(override),
		 "%s/devices/ap/card%.2s/%s/driver_override", sysfs, apqn, apqn);
	snprintf(probe, sizeof(probe), "%s/bus/ap/drivers_probe", sysfs);
	if (q->driver != ZAP_DRIVER_NONE && q->driver != ZAP_DRIVER_UNKNOWN) {
		snprintf(unbind, sizeof(unbind), "%s/bus/ap/drivers/%s/unbind",
			 sysfs, zap_driver_name(q->driver));
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_UNBIND,
					unbind, apqn, probe, apqn);
	}
	if (!rc && q->driver_override[0])
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_OVERRIDE,
					override, "", override,
					q->driver_override);
	snprintf(unbind, sizeof(unbind), "%s/bus/ap/drivers/cex4queue/unbind",
		 sysfs);
	if (!rc)
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_PROBE,
					probe, apqn, unbind, apqn);
	if (!rc)
		rc = zap_apqn_list_add(&b->to_host,
				       zap_apqn_number(q->adapter, q->domain));
	return rc;
}

/* Present queues of @host_now that @host_new no longer has, or gains. */
static size_t mask_moves(const struct zap_model *model,
			 const struct zap_apqn_set *before,
			 const struct zap_apqn_set *after)
{
	size_t n = 0;

	for (size_t i = 0; i < model->nr_queues; i++) {
		const struct zap_queue *q = &model->queues[i];

		n += zap_apqn_set_test(before, q->adapter, q->domain) !=
		     zap_apqn_set_test(after, q->adapter, q->domain);
	}
	return n;
}

/*
 * Queue arguments on a host the masks decide: refused, naming the other
 * queues the smallest mask change for the named ones would move.
 */
static int refuse_masks(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	struct zap_apqn_set old = { model->bus.apmask, model->bus.aqmask };
	struct zap_apqn_set now = old, by_a, by_d;
	struct zap_apqn_list others = { 0 };
	bool to_vfio = c->kind == ZAP_CHANGE_TO_VFIO;
	unsigned int a, d;
	int rc = 0;

	for (a = 0; a < ZAP_IDS; a++) {
		zap_for_each_set_bit(d, &c->queues[a]) {
			if (zap_apqn_set_test(&now, a, d) != to_vfio)
				continue;
			by_a = now;
			by_d = now;
			if (to_vfio) {
				zap_bitmap_clear(&by_a.adapters, a);
				zap_bitmap_clear(&by_d.domains, d);
				now = mask_moves(model, &old, &by_a) <=
				      mask_moves(model, &old, &by_d) ? by_a : by_d;
				continue;
			}
			zap_bitmap_set(&by_a.adapters, a);
			zap_bitmap_set(&by_d.domains, d);
			if (zap_apqn_set_test(&by_a, a, d) &&
			    (!zap_apqn_set_test(&by_d, a, d) ||
			     mask_moves(model, &old, &by_a) <=
			     mask_moves(model, &old, &by_d)))
				now = by_a;
			else if (zap_apqn_set_test(&by_d, a, d))
				now = by_d;
			else {
				zap_bitmap_set(&now.adapters, a);
				zap_bitmap_set(&now.domains, d);
			}
		}
	}
	for (size_t i = 0; i < model->nr_queues && !rc; i++) {
		const struct zap_queue *q = &model->queues[i];

		if (zap_apqn_set_test(&old, q->adapter, q->domain) !=
		    zap_apqn_set_test(&now, q->adapter, q->domain) &&
		    !zap_bitmap_test(&c->queues[q->adapter], q->domain))
			rc = zap_apqn_list_add(&others,
				zap_apqn_number(q->adapter, q->domain));
	}
	if (!rc)
		rc = zap_problems_add(&b->plan->refusals,
				      ZAP_PROBLEM_OVERRIDE_ACTIVE, NULL, NULL,
				      NULL, NULL, &others,
				      "this host's masks decide who owns a queue (ownership: masks): queue arguments need both masks all ones; with the masks, the smallest change for the named queues moves %zu other queue%s too (use -a/-d for it, or convert the host to the overrides model first)",
				      others.count, others.count == 1 ? "" : "s");
	free(others.items);
	return rc;
}

/* Plan TO_VFIO / TO_HOST of the queues named (c->by_queue). */
int zap_plan_overrides(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	enum zap_ownership own = zap_model_ownership(model);
	char apqn[ZAP_APQN_STRLEN];
	unsigned int a, d;
	int rc = 0;

	for (a = 0; a < ZAP_IDS; a++) {
		zap_for_each_set_bit(d, &c->queues[a]) {
			if (zap_model_queue(model, a, d))
				continue;
			zap_apqn_print(a, d, apqn);
			return zap_error_set(b->err, ENODEV,
					     ZAP_STATUS_NOT_FOUND,
					     "no queue %s in the configuration",
					     apqn);
		}
	}
	if (!model->bus.driver_override_supported)
		return zap_error_set(b->err, EOPNOTSUPP, ZAP_STATUS_NOT_FOUND,
				     "this kernel has no driver_override on queue devices (Linux 6.19+): use -a/-d");
	if (c->kind == ZAP_CHANGE_TO_VFIO && !model->bus.vfio_ap)
		return zap_error_set(b->err, ENODEV, ZAP_STATUS_NOT_FOUND,
				     "vfio_ap is not loaded (no %s/devices/vfio_ap/matrix)",
				     model->paths.sysfs);
	if (own == ZAP_OWNERSHIP_MIXED)
		return zap_problems_add(&b->plan->refusals,
					ZAP_PROBLEM_MIXED_OWNERSHIP, NULL, NULL,
					NULL, NULL, NULL,
					"ownership is mixed (a driver_override while apmask/aqmask are not all ones): repair it first (lszap --check)");
	if (own == ZAP_OWNERSHIP_MASKS &&
	    (!zap_bitmap_full(&model->bus.apmask) ||
	     !zap_bitmap_full(&model->bus.aqmask)))
		return refuse_masks(b);
	for (a = 0; a < ZAP_IDS && !rc; a++) {
		zap_for_each_set_bit(d, &c->queues[a]) {
			const struct zap_queue *q = zap_model_queue(model, a, d);

			zap_apqn_print(a, d, apqn);
			rc = c->kind == ZAP_CHANGE_TO_VFIO ?
			     switch_to_vfio(b, q, apqn) :
			     switch_to_host(b, q, apqn);
			if (rc)
				break;
		}
	}
	return rc;
}

/* -------------------------------------------------------- conversion */

/*
 * The masks that keep the vfio_ap pool (the queues that are not the
 * host's): the pool's adapters out of apmask, or its domains out of
 * aqmask, whichever takes fewer other queues from the host; @extra (may
 * be NULL) receives those. Returns: 0; -ENOMEM.
 */
static int pool_masks(const struct zap_model *m, struct zap_apqn_set *best,
		      struct zap_apqn_list *extra)
{
	struct zap_apqn_set cand[2];
	struct zap_bitmap pa, pd;
	size_t n[2] = { 0, 0 };
	unsigned int k;
	int rc = 0;

	zap_bitmap_zero(&pa);
	zap_bitmap_zero(&pd);
	for (size_t i = 0; i < m->nr_queues; i++)
		if (!zap_model_host_owned(m, m->queues[i].adapter,
					  m->queues[i].domain)) {
			zap_bitmap_set(&pa, m->queues[i].adapter);
			zap_bitmap_set(&pd, m->queues[i].domain);
		}
	zap_bitmap_complement(&cand[0].adapters, &pa);
	zap_bitmap_fill(&cand[0].domains);
	zap_bitmap_fill(&cand[1].adapters);
	zap_bitmap_complement(&cand[1].domains, &pd);
	for (k = 0; k < 2; k++)
		for (size_t i = 0; i < m->nr_queues; i++) {
			const struct zap_queue *q = &m->queues[i];

			n[k] += zap_model_host_owned(m, q->adapter, q->domain) &&
				!zap_apqn_set_test(&cand[k], q->adapter,
						   q->domain);
		}
	k = n[1] < n[0];
	*best = cand[k];
	for (size_t i = 0; extra && i < m->nr_queues && !rc; i++) {
		const struct zap_queue *q = &m->queues[i];

		if (zap_model_host_owned(m, q->adapter, q->domain) &&
		    !zap_apqn_set_test(best, q->adapter, q->domain))
			rc = zap_apqn_list_add(extra,
				zap_apqn_number(q->adapter, q->domain));
	}
	return rc;
}

/* The what-if of a conversion: the target masks and overrides. */
void zap_whatif_ownership(struct zap_model *m, const struct zap_change *c)
{
	struct zap_apqn_set masks;
	bool *pool = calloc(m->nr_queues ? m->nr_queues : 1, sizeof(*pool));

	if (!pool)
		return;
	for (size_t i = 0; i < m->nr_queues; i++)
		pool[i] = !zap_model_host_owned(m, m->queues[i].adapter,
						m->queues[i].domain);
	if (c->ownership == ZAP_OWNERSHIP_OVERRIDES) {
		zap_bitmap_fill(&m->bus.apmask);
		zap_bitmap_fill(&m->bus.aqmask);
		for (size_t i = 0; i < m->nr_queues; i++)
			if (pool[i]) {
				snprintf(m->queues[i].driver_override,
					 sizeof(m->queues[i].driver_override),
					 "vfio_ap");
				m->queues[i].driver = ZAP_DRIVER_VFIO_AP;
			}
	} else if (pool_masks(m, &masks, NULL) == 0) {
		m->bus.apmask = masks.adapters;
		m->bus.aqmask = masks.domains;
		for (size_t i = 0; i < m->nr_queues; i++)
			m->queues[i].driver_override[0] = '\0';
	}
	free(pool);
}

/* A conversion moves every queue: refused while an active mdev holds one. */
static int refuse_mdevs(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	int rc = 0;

	for (size_t i = 0; i < model->nr_mdevs && !rc; i++) {
		const struct zap_mdev *mdev = &model->mdevs[i];

		if (!mdev->active || zap_apqn_set_empty(&mdev->matrix))
			continue;
		rc = zap_problems_add(&b->plan->refusals, ZAP_PROBLEM_HOST_APQN,
				      mdev->uuid, NULL, NULL, &mdev->matrix,
				      NULL,
				      "mdev %s holds APQNs: a conversion moves them through the host (remove the mdev or unassign them first)",
				      mdev->uuid);
	}
	return rc;
}

/* Masks to all ones, then an override per pool queue (spec 5.1). */
static int plan_to_overrides(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	const char *sysfs = model->paths.sysfs;
	char path[700], old[ZAP_MASK_STRLEN], full[ZAP_MASK_STRLEN];
	char override[700], unbind[700], vfio[700], probe[700];
	char apqn[ZAP_APQN_STRLEN];
	struct zap_bitmap ones;
	int rc = 0;

	zap_bitmap_fill(&ones);
	zap_mask_print(&ones, full);
	if (!zap_bitmap_full(&model->bus.apmask)) {
		snprintf(path, sizeof(path), "%s/bus/ap/apmask", sysfs);
		zap_mask_print(&model->bus.apmask, old);
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_MASK,
					path, full, path, old);
	}
	if (!rc && !zap_bitmap_full(&model->bus.aqmask)) {
		snprintf(path, sizeof(path), "%s/bus/ap/aqmask", sysfs);
		zap_mask_print(&model->bus.aqmask, old);
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_MASK,
					path, full, path, old);
	}
	snprintf(probe, sizeof(probe), "%s/bus/ap/drivers_probe", sysfs);
	snprintf(unbind, sizeof(unbind), "%s/bus/ap/drivers/cex4queue/unbind",
		 sysfs);
	snprintf(vfio, sizeof(vfio), "%s/bus/ap/drivers/vfio_ap/unbind", sysfs);
	for (size_t i = 0; i < model->nr_queues && !rc; i++) {
		const struct zap_queue *q = &model->queues[i];

		if (zap_model_host_owned(model, q->adapter, q->domain))
			continue;
		zap_apqn_print(q->adapter, q->domain, apqn);
		snprintf(override, sizeof(override),
			 "%s/devices/ap/card%.2s/%s/driver_override", sysfs,
			 apqn, apqn);
		/* the all-ones masks have given it to cex4queue by now */
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_OVERRIDE,
					override, "vfio_ap",
					override, q->driver_override);
		if (!rc)
			rc = zap_plan_add_write(b->plan, ZAP_WRITE_UNBIND,
						unbind, apqn, "", "");
		if (!rc)
			rc = zap_plan_add_write(b->plan, ZAP_WRITE_PROBE,
						probe, apqn, vfio,
				 apqn);
	}
	return rc;
}

/* Clear every override, then the masks that keep the pool. */
static int plan_to_masks(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	const char *sysfs = model->paths.sysfs;
	char path[700], value[ZAP_MASK_STRLEN], old[ZAP_MASK_STRLEN];
	char apqn[ZAP_APQN_STRLEN];
	struct zap_apqn_list extra = { 0 };
	struct zap_apqn_set masks;
	int rc;

	rc = pool_masks(model, &masks, &extra);
	if (!rc && extra.count)
		rc = zap_problems_add(&b->plan->refusals,
				      ZAP_PROBLEM_OVERRIDE_ACTIVE, NULL, NULL,
				      NULL, NULL, &extra,
				      "the masks cannot keep vfio_ap's queues as they are: the smallest masks that keep them take %zu other queue%s from the host",
				      extra.count, extra.count == 1 ? "" : "s");
	free(extra.items);
	if (rc || b->plan->refusals.count)
		return rc;
	for (size_t i = 0; i < model->nr_queues && !rc; i++) {
		const struct zap_queue *q = &model->queues[i];

		if (!q->driver_override[0])
			continue;
		zap_apqn_print(q->adapter, q->domain, apqn);
		snprintf(path, sizeof(path),
			 "%s/devices/ap/card%.2s/%s/driver_override", sysfs,
			 apqn, apqn);
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_OVERRIDE,
					path, "", path,
			 q->driver_override);
	}
	if (!rc && !zap_bitmap_equal(&masks.adapters, &model->bus.apmask)) {
		snprintf(path, sizeof(path), "%s/bus/ap/apmask", sysfs);
		zap_mask_print(&masks.adapters, value);
		zap_mask_print(&model->bus.apmask, old);
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_MASK,
					path, value, path, old);
	}
	if (!rc && !zap_bitmap_equal(&masks.domains, &model->bus.aqmask)) {
		snprintf(path, sizeof(path), "%s/bus/ap/aqmask", sysfs);
		zap_mask_print(&masks.domains, value);
		zap_mask_print(&model->bus.aqmask, old);
		rc = zap_plan_add_write(b->plan, ZAP_WRITE_MASK,
					path, value, path, old);
	}
	return rc;
}

/* Plan `chzap --ownership masks|overrides`. */
int zap_plan_ownership(struct zap_builder *b)
{
	const struct zap_model *model = b->model;
	const struct zap_change *c = &b->plan->change;
	enum zap_ownership own = zap_model_ownership(model);
	int rc;

	if (!model->bus.driver_override_supported)
		return zap_error_set(b->err, EOPNOTSUPP, ZAP_STATUS_NOT_FOUND,
				     "this kernel has no driver_override on queue devices (Linux 6.19+): the host can use only the masks");
	if (own == ZAP_OWNERSHIP_MIXED)
		return zap_problems_add(&b->plan->refusals,
					ZAP_PROBLEM_MIXED_OWNERSHIP, NULL, NULL,
					NULL, NULL, NULL,
					"ownership is mixed (a driver_override while apmask/aqmask are not all ones): repair it first (lszap --check)");
	if ((int)own == c->ownership)
		return 0;
	if (c->ownership == ZAP_OWNERSHIP_OVERRIDES &&
	    zap_bitmap_full(&model->bus.apmask) &&
	    zap_bitmap_full(&model->bus.aqmask))
		return 0;
	rc = refuse_mdevs(b);
	if (rc || b->plan->refusals.count)
		return rc;
	return c->ownership == ZAP_OWNERSHIP_OVERRIDES ? plan_to_overrides(b) :
							 plan_to_masks(b);
}

/* ------------------------------------------------------- persistence */

/* etc/driverctl.d/ap-AA.DDDD of queue @apqn under the root of @paths. */
static void driverctl_path(const struct zap_paths *paths, const char *apqn,
			   char *buf, size_t size)
{
	snprintf(buf, size, "%s/etc/driverctl.d/ap-%s", paths->root, apqn);
}

/* Read driverctl's saved AP overrides (files holding "vfio_ap\n"). */
void zap_driverctl_load(struct zap_model *model)
{
	char dir[700], *text;
	struct dirent *de;
	unsigned int a, d;
	size_t len;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s/etc/driverctl.d", model->paths.root);
	dh = opendir(dir);
	if (!dh)
		return;
	while ((de = readdir(dh))) {
		if (strncmp(de->d_name, "ap-", 3) ||
		    zap_apqn_parse(de->d_name + 3, &a, &d, NULL) ||
		    zap_store_read_at(dirfd(dh), de->d_name, &text, &len))
			continue;
		if (strcmp(text, "vfio_ap\n") == 0 || strcmp(text, "vfio_ap") == 0)
			zap_bitmap_set(&model->driverctl[a], d);
		free(text);
	}
	closedir(dh);
}

/* -p / -P of a change by queue: write or delete the driverctl files. */
int zap_plan_driverctl(struct zap_builder *b)
{
	const struct zap_change *c = &b->plan->change;
	bool to_vfio = c->kind == ZAP_CHANGE_TO_VFIO;
	char path[700], apqn[ZAP_APQN_STRLEN], *old, *content;
	struct zap_plan *plan = b->plan;
	struct zap_file_change *grown;
	unsigned int a, d;
	size_t len;
	int rc;

	for (a = 0; a < ZAP_IDS; a++) {
		zap_for_each_set_bit(d, &c->queues[a]) {
			zap_apqn_print(a, d, apqn);
			driverctl_path(&b->model->paths, apqn, path, sizeof(path));
			rc = zap_store_read_at(AT_FDCWD, path, &old, &len);
			if (rc == -ENOENT)
				old = NULL;
			else if (rc)
				return zap_error_set(b->err, -rc,
						     ZAP_STATUS_NOT_FOUND,
						     "%s: %s", path, strerror(-rc));
			if (to_vfio ? old && strcmp(old, "vfio_ap\n") == 0 :
				      !old) {
				free(old);
				continue;
			}
			content = to_vfio ? strdup("vfio_ap\n") : NULL;
			grown = realloc(plan->files,
					(plan->nr_files + 1) * sizeof(*grown));
			if ((to_vfio && !content) || !grown) {
				free(content);
				free(old);
				if (grown)
					plan->files = grown;
				return -ENOMEM;
			}
			plan->files = grown;
			memset(&grown[plan->nr_files], 0, sizeof(*grown));
			snprintf(grown[plan->nr_files].path, sizeof(grown->path),
				 "%s", path);
			grown[plan->nr_files].content = content;
			grown[plan->nr_files].old_content = old;
			grown[plan->nr_files].result = ZAP_WRITE_PENDING;
			plan->nr_files++;
		}
	}
	return 0;
}

/*
 * Can a plan write @kind (an override kind) to @rel, a path relative to
 * the sysfs root? A queue's driver_override, an AP driver's unbind, the
 * bus's drivers_probe: what a journal may name (journal.c).
 */
bool zap_override_path(const char *rel, enum zap_write_kind kind)
{
	unsigned int a, d, card;
	char apqn[ZAP_APQN_STRLEN], tail[32];
	int n = 0;

	switch (kind) {
	case ZAP_WRITE_OVERRIDE:
	case ZAP_WRITE_OVERRIDE_RESTORE:
		if (sscanf(rel, "devices/ap/card%2x/%7[0-9a-fA-F.]/%31s%n",
			   &card, apqn, tail, &n) != 3 || rel[n] ||
		    strcmp(tail, "driver_override") ||
		    zap_apqn_parse(apqn, &a, &d, NULL))
			return false;
		return a == card && strncmp(rel + 15, apqn, 2) == 0;
	case ZAP_WRITE_UNBIND:
		return !strcmp(rel, "bus/ap/drivers/cex4queue/unbind") ||
		       !strcmp(rel, "bus/ap/drivers/vfio_ap/unbind");
	case ZAP_WRITE_PROBE:
		return !strcmp(rel, "bus/ap/drivers_probe");
	default:
		return false;
	}
}
