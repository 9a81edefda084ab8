// SPDX-License-Identifier: MIT
/*
 * verdict.c - what a change is allowed to do: the problems the audit
 * (rules.c) finds in the configuration the change would make (whatif.c)
 * and not in the one before are its refusals and warnings, by a per-kind
 * table that follows the audit's severities. Only the wording is the
 * change's own ("would share", "would hold"); no rule is decided here.
 * Also the one place that names an mdev in a message (zap_mdev_label()).
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum verdict {
	IGNORE,  /* not the change's business (drift, queues, files) */
	REFUSE,  /* an error of lszap --check */
	WARN,    /* a warning of lszap --check */
};

/* The verdict per kind and the order in which refusals are listed. */
static const struct {
	enum verdict verdict;
	unsigned int rank;
} table[ZAP_PROBLEM_NR_KINDS] = {
	[ZAP_PROBLEM_HOST_APQN] = { REFUSE, 0 },
	[ZAP_PROBLEM_BOOT_CONFLICT] = { REFUSE, 1 },
	[ZAP_PROBLEM_SHARED_APQN] = { REFUSE, 2 },
	[ZAP_PROBLEM_CONTROL_WITHOUT_USAGE] = { REFUSE, 3 },
	[ZAP_PROBLEM_ID_ABOVE_MAX] = { REFUSE, 4 },
	[ZAP_PROBLEM_MANUAL_OVERLAP] = { WARN, 5 },
	/* only drift naming APQNs: a definition that can start after a reboot */
	[ZAP_PROBLEM_DRIFT] = { WARN, 6 },
};

/* How every message names an mdev. */
char *zap_mdev_label(const struct zap_model *model, char *buf, size_t size,
		     enum zap_holder holder, bool mdevctl, const char *uuid)
{
	const char *what;
	int index;

	switch (holder) {
	case ZAP_HOLDER_AUTOSTART:
		what = mdevctl ? "autostart definition (mdevctl)" :
				 "autostart definition";
		break;
	case ZAP_HOLDER_MANUAL:
		what = "manual definition";
		break;
	default:
		index = model ? zap_model_find_mdev(model, uuid) : -1;
		if (index >= 0 && model->mdevs[index].vm[0]) {
			snprintf(buf, size, "VM %s (mdev %s)",
				 model->mdevs[index].vm, uuid);
			return buf;
		}
		what = "mdev";
		break;
	}
	snprintf(buf, size, "%s %s", what, uuid);
	return buf;
}

/* One problem the change adds, before it is worded. */
struct added {
	const struct zap_problem *p;
	unsigned int subject;     /* index into p->mdevs of the change's mdev */
	struct zap_apqn_list new; /* the APQNs it adds */
};

/*
 * Do @x and @y name the same mdevs, in any order? The side (active mdev or
 * definition) does not count: removing an mdev that holds a host APQN
 * leaves its definition holding it, which is no new problem.
 */
static bool same_holders(const struct zap_problem *x,
			 const struct zap_problem *y)
{
	if (x->nr_mdevs != y->nr_mdevs)
		return false;
	for (unsigned int i = 0; i < x->nr_mdevs; i++) {
		bool found = false;

		for (unsigned int j = 0; j < y->nr_mdevs && !found; j++)
			found = strcmp(x->mdevs[i], y->mdevs[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Is @apqn among the APQNs of @p (ascending)? */
static bool names_apqn(const struct zap_problem *p, uint16_t apqn)
{
	/* no APQNs: apqns may be NULL, which bsearch must not be given */
	return p->nr_apqns &&
	       bsearch(&apqn, p->apqns, p->nr_apqns, sizeof(*p->apqns),
		       zap_apqn_cmp) != NULL;
}

/*
 * What @p of the audit after the change adds to @before's audit: 1 (with
 * @a->new filled), 0 (nothing new), -ENOMEM.
 */
static int added_by_change(const struct zap_problems *before,
			   const struct zap_problem *p, struct added *a)
{
	const struct zap_problem *old = NULL;
	int rc = 0;

	for (size_t i = 0; i < before->count && !old; i++)
		if (before->items[i].kind == p->kind &&
		    same_holders(&before->items[i], p))
			old = &before->items[i];
	if (!p->nr_apqns)
		return old ? 0 : 1;
	for (size_t i = 0; i < p->nr_apqns && !rc; i++)
		if (!old || !names_apqn(old, p->apqns[i]))
			rc = zap_apqn_list_add(&a->new, p->apqns[i]);
	if (rc)
		return rc;
	return a->new.count ? 1 : 0;
}

/* Are @x and @y the same culprit seen from now and from boot? */
static bool same_host_culprit(const struct added *x, const struct added *y)
{
	bool host_x = x->p->kind == ZAP_PROBLEM_HOST_APQN ||
		      x->p->kind == ZAP_PROBLEM_BOOT_CONFLICT;
	bool host_y = y->p->kind == ZAP_PROBLEM_HOST_APQN ||
		      y->p->kind == ZAP_PROBLEM_BOOT_CONFLICT;

	return host_x && host_y &&
	       strcmp(x->p->mdevs[0], y->p->mdevs[0]) == 0 &&
	       x->new.count == y->new.count &&
	       memcmp(x->new.items, y->new.items,
		      x->new.count * sizeof(*x->new.items)) == 0;
}

/* Where the host set at boot comes from, for messages. */
static const char *boot_source(const struct zap_model *model)
{
	if (model->rules_has_apmask && model->rules_has_aqmask)
		return "41-ap.rules";
	if (model->rules_has_apmask || model->rules_has_aqmask)
		return "41-ap.rules and the boot command line";
	return "the boot command line, no 41-ap.rules";
}

/* The audit's own message of @p without the APQNs it appended. */
static void audit_message(const struct zap_problem *p, char *buf, size_t size)
{
	char apqns[400];
	size_t len, tail;

	snprintf(buf, size, "%s", p->message);
	if (!p->nr_apqns)
		return;
	zap_apqns_format(apqns, sizeof(apqns), p->apqns, p->nr_apqns);
	len = strlen(buf);
	tail = strlen(apqns) + 2;
	if (len >= tail && strcmp(buf + len - tail + 2, apqns) == 0)
		buf[len - tail] = '\0';
}

/* The message of @a in the change's words (the APQNs are appended later). */
static void word(const struct added *a, const struct zap_model *before,
		 const struct zap_change *change, char *buf, size_t size)
{
	const struct zap_problem *p = a->p;
	unsigned int s = a->subject, o = 1 - a->subject;
	enum zap_holder hs = p->holders[s], ho = p->holders[o];
	bool own = strcmp(p->mdevs[s], change->uuid) == 0;
	char sl[ZAP_LABEL_LEN], ol[ZAP_LABEL_LEN], domains[1024];
	struct zap_bitmap ids;

	zap_mdev_label(before, sl, sizeof(sl), hs, !own, p->mdevs[s]);
	if (p->nr_mdevs > 1)
		zap_mdev_label(before, ol, sizeof(ol), ho, hs == ZAP_HOLDER_MDEV,
			       p->mdevs[o]);
	switch (p->kind) {
	case ZAP_PROBLEM_SHARED_APQN:
		snprintf(buf, size, "%s would share APQNs with %s%s", sl, ol,
			 hs == ZAP_HOLDER_AUTOSTART &&
			 ho == ZAP_HOLDER_AUTOSTART ?
			 ": one of them fails to start at boot" : "");
		return;
	case ZAP_PROBLEM_HOST_APQN:
	case ZAP_PROBLEM_BOOT_CONFLICT:
		if (own && hs == ZAP_HOLDER_MDEV &&
		    zap_bitmap_full(&before->bus.apmask) &&
		    zap_bitmap_full(&before->bus.aqmask)) {
			/* overrides: only a switched queue is vfio_ap's */
			size_t used = 0;

			domains[0] = '\0';
			for (size_t i = 0; i < a->new.count &&
			     used + ZAP_APQN_STRLEN < sizeof(domains); i++) {
				domains[used++] = ' ';
				zap_apqn_print(a->new.items[i] >> 8,
					       a->new.items[i] & 0xff,
					       domains + used);
				used += ZAP_APQN_STRLEN - 1;
			}
			snprintf(buf, size,
				 "%s would hold APQNs owned by the host (switch them to vfio_ap first with 'chzap --vfio%s')",
				 sl, domains);
		} else if (own && hs == ZAP_HOLDER_MDEV) {
			zap_bitmap_zero(&ids);
			for (size_t i = 0; i < a->new.count; i++)
				zap_bitmap_set(&ids, a->new.items[i] & 0xff);
			zap_ids_print(&ids, domains, sizeof(domains));
			snprintf(buf, size,
				 "%s would hold APQNs owned by the host (free them first with 'chzap --vfio -d %s')",
				 sl, domains);
		} else if (own) {
			snprintf(buf, size,
				 "%s would hold APQNs the host gets at boot (%s): its start would fail (give them to vfio_ap first with 'chzap --vfio -P')",
				 sl, boot_source(before));
		} else if (p->kind == ZAP_PROBLEM_BOOT_CONFLICT) {
			zap_mdev_label(before, sl, sizeof(sl), hs, false, p->mdevs[s]);
			snprintf(buf, size,
				 "%s holds APQNs this would give to the host at boot (unassign them from the definition first)",
				 sl);
		} else {
			snprintf(buf, size,
				 "%s holds APQNs this would give to the host (unassign them first)",
				 sl);
		}
		return;
	case ZAP_PROBLEM_CONTROL_WITHOUT_USAGE:
		snprintf(buf, size,
			 "%s would have control domains but no usage domain",
			 sl);
		return;
	case ZAP_PROBLEM_MANUAL_OVERLAP:
		if (p->nr_mdevs > 1 && ho == ZAP_HOLDER_MANUAL &&
		    hs == ZAP_HOLDER_MDEV)
			snprintf(buf, size,
				 "%s names APQNs of %s: it cannot be started while they are assigned",
				 ol, sl);
		else if (p->nr_mdevs > 1)
			snprintf(buf, size,
				 "%s and %s share APQNs: starting both fails",
				 sl, ol);
		else
			audit_message(p, buf, size);
		return;
	default:
		audit_message(p, buf, size);
		return;
	}
}

/* Append @a, worded, to @out. Returns: 0; -ENOMEM. */
static int append(struct zap_problems *out, const struct added *a,
		  const struct zap_model *before,
		  const struct zap_change *change)
{
	const struct zap_problem *p = a->p;
	unsigned int s = a->subject;
	char message[ZAP_ERROR_MSGLEN];
	int rc;

	word(a, before, change, message, sizeof(message));
	rc = zap_problems_add(out, p->kind, p->mdevs[s],
			      p->nr_mdevs > 1 ? p->mdevs[1 - s] : NULL,
			      p->path[0] ? p->path : NULL, NULL, &a->new, "%s",
			      message);
	if (rc)
		return rc;
	out->items[out->count - 1].holders[0] = p->holders[s];
	out->items[out->count - 1].holders[1] =
		p->nr_mdevs > 1 ? p->holders[1 - s] : ZAP_HOLDER_NONE;
	return 0;
}

/* The problems of @after's audit that the change adds, in table order. */
static int collect(const struct zap_problems *was,
		   const struct zap_problems *now,
		   const struct zap_change *change, struct added *list,
		   size_t *count)
{
	int rc = 0;

	*count = 0;
	for (unsigned int rank = 0; rank < ZAP_PROBLEM_NR_KINDS && !rc; rank++) {
		for (size_t i = 0; i < now->count && !rc; i++) {
			const struct zap_problem *p = &now->items[i];
			struct added *a = &list[*count];

			if (table[p->kind].verdict == IGNORE ||
			    table[p->kind].rank != rank ||
			    (p->kind == ZAP_PROBLEM_DRIFT && !p->nr_apqns))
				continue;
			memset(a, 0, sizeof(*a));
			a->p = p;
			a->subject = p->nr_mdevs > 1 &&
				     strcmp(p->mdevs[1], change->uuid) == 0 &&
				     strcmp(p->mdevs[0], change->uuid) != 0;
			rc = added_by_change(was, p, a);
			if (rc == 1) {
				(*count)++;
				rc = 0;
			} else {
				free(a->new.items);
			}
		}
	}
	return rc;
}

/* Judge the change from @before to @after. */
ZAP_EXPORT int zap_change_verdict(const struct zap_model *before,
				  const struct zap_model *after,
				  const struct zap_change *change,
				  struct zap_problems *refusals,
				  struct zap_problems *warnings,
				  struct zap_error *err)
{
	struct zap_problems was = { 0 }, now = { 0 };
	struct added *list = NULL;
	size_t count = 0;
	int rc;

	rc = zap_rules_check(before, &was, err);
	if (!rc)
		rc = zap_rules_check(after, &now, err);
	if (!rc) {
		list = calloc(now.count + 1, sizeof(*list));
		rc = list ? collect(&was, &now, change, list, &count) : -ENOMEM;
	}
	for (size_t i = 0; i < count && !rc; i++) {
		bool known = false;

		for (size_t j = 0; j < i && !known; j++)
			known = same_host_culprit(&list[i], &list[j]);
		if (!known)
			rc = append(table[list[i].p->kind].verdict == REFUSE ?
				    refusals : warnings, &list[i], before,
				    change);
	}
	for (size_t i = 0; i < count; i++)
		free(list[i].new.items);
	free(list);
	zap_problems_free(&was);
	zap_problems_free(&now);
	if (rc == -ENOMEM)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	return rc;
}
