// SPDX-License-Identifier: MIT
/*
 * diff.c - the difference of two models as a list of events (masks, cards
 * and queues configured, online or checkstopped, queues appearing,
 * changing owner or driver, mdevs
 * created, removed, assigned, unassigned, guests attached and detached),
 * for lszap --watch and for scripts that want to know what a change did.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const event_names[ZAP_EVENT_NR_KINDS] = {
	[ZAP_EVENT_MASK] = "mask",
	[ZAP_EVENT_QUEUE_ADDED] = "queue-added",
	[ZAP_EVENT_QUEUE_REMOVED] = "queue-removed",
	[ZAP_EVENT_QUEUE_OWNER] = "queue-owner",
	[ZAP_EVENT_QUEUE_DRIVER] = "queue-driver",
	[ZAP_EVENT_CARD_ADDED] = "card-added",
	[ZAP_EVENT_CARD_REMOVED] = "card-removed",
	[ZAP_EVENT_CARD_CONFIG] = "card-config",
	[ZAP_EVENT_CARD_ONLINE] = "card-online",
	[ZAP_EVENT_MDEV_CREATED] = "mdev-created",
	[ZAP_EVENT_MDEV_REMOVED] = "mdev-removed",
	[ZAP_EVENT_MDEV_ASSIGNED] = "mdev-assigned",
	[ZAP_EVENT_MDEV_UNASSIGNED] = "mdev-unassigned",
	[ZAP_EVENT_GUEST_ATTACHED] = "guest-attached",
	[ZAP_EVENT_GUEST_DETACHED] = "guest-detached",
	[ZAP_EVENT_QUEUE_ONLINE] = "queue-online",
	[ZAP_EVENT_QUEUE_CONFIG] = "queue-config",
	[ZAP_EVENT_QUEUE_CHKSTOP] = "queue-chkstop",
	[ZAP_EVENT_CARD_CHKSTOP] = "card-chkstop",
};

/* The name lszap --watch -j prints for @kind. */
ZAP_EXPORT const char *zap_event_kind_name(enum zap_event_kind kind)
{
	return kind < ZAP_EVENT_NR_KINDS ? event_names[kind] : "unknown";
}

/* Free the events. */
ZAP_EXPORT void zap_events_free(struct zap_events *events)
{
	if (!events)
		return;
	free(events->items);
	events->items = NULL;
	events->count = 0;
}

/* Append an event; the message is printf-style. */
static int ZAP_PRINTF(8, 9)
add_event(struct zap_events *events, enum zap_event_kind kind, int adapter,
	  int domain, const char *uuid, const char *before, const char *after,
	  const char *fmt, ...)
{
	struct zap_event *grown, *e;
	va_list ap;

	grown = realloc(events->items, (events->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	events->items = grown;
	e = &grown[events->count++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->adapter = adapter;
	e->domain = domain;
	snprintf(e->uuid, sizeof(e->uuid), "%s", uuid ? uuid : "");
	snprintf(e->before, sizeof(e->before), "%s", before ? before : "");
	snprintf(e->after, sizeof(e->after), "%s", after ? after : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return 0;
}

/* Masks that changed. */
static int diff_masks(const struct zap_model *x, const struct zap_model *y,
		      struct zap_events *ev)
{
	char a[ZAP_MASK_STRLEN], b[ZAP_MASK_STRLEN];
	int rc = 0;

	if (!zap_bitmap_equal(&x->bus.apmask, &y->bus.apmask)) {
		zap_mask_print(&x->bus.apmask, a);
		zap_mask_print(&y->bus.apmask, b);
		rc = add_event(ev, ZAP_EVENT_MASK, -1, -1, NULL, a, b,
			       "apmask %s -> %s", a, b);
	}
	if (!rc && !zap_bitmap_equal(&x->bus.aqmask, &y->bus.aqmask)) {
		zap_mask_print(&x->bus.aqmask, a);
		zap_mask_print(&y->bus.aqmask, b);
		rc = add_event(ev, ZAP_EVENT_MASK, -1, -1, NULL, a, b,
			       "aqmask %s -> %s", a, b);
	}
	return rc;
}

/* "online", "offline", or "-" for a tristate. */
static const char *state_word(int v, const char *yes, const char *no)
{
	return v == ZAP_UNKNOWN ? "-" : v ? yes : no;
}

/* Cards added, removed, configured, online. */
static int diff_cards(const struct zap_model *x, const struct zap_model *y,
		      struct zap_events *ev)
{
	int rc = 0;

	for (unsigned int id = 0; id < ZAP_IDS && !rc; id++) {
		const struct zap_card *a = zap_model_card(x, id);
		const struct zap_card *b = zap_model_card(y, id);

		if (!a && !b)
			continue;
		if (!a || !b) {
			rc = add_event(ev, a ? ZAP_EVENT_CARD_REMOVED :
				       ZAP_EVENT_CARD_ADDED, (int)id, -1, NULL,
				       NULL, NULL, "card 0x%x %s", id,
				       a ? "removed" : "added");
			continue;
		}
		if (a->config != b->config)
			rc = add_event(ev, ZAP_EVENT_CARD_CONFIG, (int)id, -1,
				       NULL,
				       state_word(a->config, "configured", "deconfigured"),
				       state_word(b->config, "configured", "deconfigured"),
				       "card 0x%x %s", id,
				       state_word(b->config, "configured", "deconfigured"));
		if (!rc && a->online != b->online)
			rc = add_event(ev, ZAP_EVENT_CARD_ONLINE, (int)id, -1,
				       NULL, state_word(a->online, "online", "offline"),
				       state_word(b->online, "online", "offline"),
				       "card 0x%x %s", id,
				       state_word(b->online, "online", "offline"));
		if (!rc && a->chkstop != b->chkstop)
			rc = add_event(ev, ZAP_EVENT_CARD_CHKSTOP, (int)id, -1,
				       NULL, state_word(a->chkstop, "checkstopped", "running"),
				       state_word(b->chkstop, "checkstopped", "running"),
				       "card 0x%x %s", id,
				       state_word(b->chkstop, "checkstopped", "running"));
	}
	return rc;
}

/* A queue's config, online and chkstop changes. */
static int diff_queue_state(const struct zap_queue *p,
			    const struct zap_queue *q, const char *apqn,
			    struct zap_events *ev)
{
	int a = (int)q->adapter, d = (int)q->domain, rc = 0;

	if (p->config != q->config)
		rc = add_event(ev, ZAP_EVENT_QUEUE_CONFIG, a, d, NULL,
			       state_word(p->config, "configured", "deconfigured"),
			       state_word(q->config, "configured", "deconfigured"),
			       "queue %s %s", apqn,
			       state_word(q->config, "configured", "deconfigured"));
	if (!rc && p->online != q->online)
		rc = add_event(ev, ZAP_EVENT_QUEUE_ONLINE, a, d, NULL,
			       state_word(p->online, "online", "offline"),
			       state_word(q->online, "online", "offline"),
			       "queue %s %s", apqn,
			       state_word(q->online, "online", "offline"));
	if (!rc && p->chkstop != q->chkstop)
		rc = add_event(ev, ZAP_EVENT_QUEUE_CHKSTOP, a, d, NULL,
			       state_word(p->chkstop, "checkstopped", "running"),
			       state_word(q->chkstop, "checkstopped", "running"),
			       "queue %s %s", apqn,
			       state_word(q->chkstop, "checkstopped", "running"));
	return rc;
}

/* "host" or "vfio" for one APQN of @m. */
static const char *owner_word(const struct zap_model *m, unsigned int a,
			      unsigned int d)
{
	return zap_model_host_owned(m, a, d) ? "host" : "vfio";
}

/* Queues added, removed, changing owner or driver. */
static int diff_queues(const struct zap_model *x, const struct zap_model *y,
		       struct zap_events *ev)
{
	char apqn[ZAP_APQN_STRLEN];
	int rc = 0;

	for (unsigned int a = 0; a < ZAP_IDS && !rc; a++) {
		if (!zap_model_card(x, a) && !zap_model_card(y, a))
			continue;
		for (unsigned int d = 0; d < ZAP_IDS && !rc; d++) {
			const struct zap_queue *p = zap_model_queue(x, a, d);
			const struct zap_queue *q = zap_model_queue(y, a, d);
			const char *o1 = owner_word(x, a, d), *o2 = owner_word(y, a, d);

			if (!p && !q)
				continue;
			zap_apqn_print(a, d, apqn);
			if (!p || !q) {
				rc = add_event(ev, p ? ZAP_EVENT_QUEUE_REMOVED :
					       ZAP_EVENT_QUEUE_ADDED, (int)a,
					       (int)d, NULL, NULL, NULL,
					       "queue %s %s", apqn,
					       p ? "removed" : "added");
				continue;
			}
			if (strcmp(o1, o2))
				rc = add_event(ev, ZAP_EVENT_QUEUE_OWNER, (int)a,
					       (int)d, NULL, o1, o2,
					       "queue %s %s -> %s", apqn, o1, o2);
			if (!rc && p->driver != q->driver) {
				const char *d1 = zap_driver_name(p->driver);
				const char *d2 = zap_driver_name(q->driver);

				rc = add_event(ev, ZAP_EVENT_QUEUE_DRIVER, (int)a,
					       (int)d, NULL, d1 ? d1 : "-",
					       d2 ? d2 : "-",
					       "queue %s driver %s -> %s", apqn,
					       d1 ? d1 : "-", d2 ? d2 : "-");
			}
			if (!rc)
				rc = diff_queue_state(p, q, apqn, ev);
		}
	}
	return rc;
}

/* The APQNs of @x not in @y as "05.0047 ..." (cut to fit). */
static void apqns_text(char *buf, size_t size, const struct zap_apqn_set *x,
		       const struct zap_apqn_set *y)
{
	struct zap_apqn_list list = { 0 };
	unsigned int a, d;

	zap_for_each_set_bit(a, &x->adapters)
		zap_for_each_set_bit(d, &x->domains)
			if (!zap_apqn_set_test(y, a, d))
				zap_apqn_list_add(&list, zap_apqn_number(a, d));
	zap_apqns_format(buf, size, list.items, list.count);
	free(list.items);
}

/* Find the active mdev @uuid in @m. */
static const struct zap_mdev *active_mdev(const struct zap_model *m,
					  const char *uuid)
{
	int i = zap_model_find_mdev(m, uuid);

	return i >= 0 && m->mdevs[i].active ? &m->mdevs[i] : NULL;
}

/* One mdev present in both models: assignments, guest. */
static int diff_mdev(const struct zap_mdev *a, const struct zap_mdev *b,
		     struct zap_events *ev)
{
	char added[160], removed[160], c1[200], c2[200];
	int rc = 0;

	apqns_text(added, sizeof(added), &b->matrix, &a->matrix);
	apqns_text(removed, sizeof(removed), &a->matrix, &b->matrix);
	zap_ids_print(&a->control_domains, c1, sizeof(c1));
	zap_ids_print(&b->control_domains, c2, sizeof(c2));
	if (added[0] || (strcmp(c1, c2) &&
			 !zap_bitmap_subset(&b->control_domains,
					    &a->control_domains)))
		rc = add_event(ev, ZAP_EVENT_MDEV_ASSIGNED, -1, -1, b->uuid,
			       NULL, added, "mdev %s assigned %s%s%s", b->uuid,
			       added[0] ? added : "",
			       strcmp(c1, c2) ? " control domains " : "",
			       strcmp(c1, c2) ? c2 : "");
	if (!rc && (removed[0] ||
		    !zap_bitmap_subset(&a->control_domains, &b->control_domains)))
		rc = add_event(ev, ZAP_EVENT_MDEV_UNASSIGNED, -1, -1, b->uuid,
			       removed, NULL, "mdev %s unassigned %s%s%s",
			       b->uuid, removed,
			       strcmp(c1, c2) ? " control domains now " : "",
			       strcmp(c1, c2) ? (c2[0] ? c2 : "none") : "");
	if (!rc && a->in_use != b->in_use && b->in_use != ZAP_UNKNOWN &&
	    a->in_use != ZAP_UNKNOWN)
		rc = add_event(ev, b->in_use ? ZAP_EVENT_GUEST_ATTACHED :
			       ZAP_EVENT_GUEST_DETACHED, -1, -1, b->uuid, NULL,
			       NULL, "mdev %s guest %s%s%s", b->uuid,
			       b->in_use ? "attached" : "detached",
			       b->vm[0] ? ": VM " : "", b->vm);
	return rc;
}

/* Active mdevs created, removed or changed. */
static int diff_mdevs(const struct zap_model *x, const struct zap_model *y,
		      struct zap_events *ev)
{
	int rc = 0;

	for (size_t i = 0; i < x->nr_mdevs && !rc; i++) {
		const struct zap_mdev *a = &x->mdevs[i];

		if (a->active && !active_mdev(y, a->uuid))
			rc = add_event(ev, ZAP_EVENT_MDEV_REMOVED, -1, -1,
				       a->uuid, NULL, NULL, "mdev %s removed",
				       a->uuid);
	}
	for (size_t i = 0; i < y->nr_mdevs && !rc; i++) {
		const struct zap_mdev *b = &y->mdevs[i];
		const struct zap_mdev *a;

		if (!b->active)
			continue;
		a = active_mdev(x, b->uuid);
		if (!a) {
			char apqns[160];
			struct zap_apqn_set none = { { { 0 } }, { { 0 } } };

			apqns_text(apqns, sizeof(apqns), &b->matrix, &none);
			rc = add_event(ev, ZAP_EVENT_MDEV_CREATED, -1, -1,
				       b->uuid, NULL, apqns, "mdev %s created%s%s",
				       b->uuid, apqns[0] ? " with " : "", apqns);
			continue;
		}
		rc = diff_mdev(a, b, ev);
	}
	return rc;
}

/* What changed from @before to @after. */
ZAP_EXPORT int zap_model_diff(const struct zap_model *before,
			      const struct zap_model *after,
			      struct zap_events *events, struct zap_error *err)
{
	int rc;

	events->count = 0;
	events->items = NULL;
	rc = diff_masks(before, after, events);
	if (!rc && (before->loaded & after->loaded & ZAP_LOAD_CARDS))
		rc = diff_cards(before, after, events);
	if (!rc && (before->loaded & after->loaded & ZAP_LOAD_QUEUES))
		rc = diff_queues(before, after, events);
	if (!rc && (before->loaded & after->loaded & ZAP_LOAD_MDEVS))
		rc = diff_mdevs(before, after, events);
	if (rc) {
		zap_events_free(events);
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	return 0;
}
