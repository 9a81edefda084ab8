// SPDX-License-Identifier: MIT
/*
 * apply.c - making a host equal a configuration document (chzap --apply):
 * the difference between the loaded model and the document as an ordered
 * list of ordinary changes (remove and unassign first, then the host's
 * masks or queue overrides, queues to vfio_ap before they are assigned,
 * then create and assign, then autostart), each built by zap_plan_build()
 * on the what-if model of the changes before it, so every intermediate
 * state is judged by the one audit; the plans joined into one, written by
 * the executor under the lock with its journal and rollback.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The chain of changes: the model so far and the plan joined so far. */
struct apply_chain {
	const struct zap_model *first;
	struct zap_model *current; /* NULL while it is @first */
	const struct zap_config_request *request;
	enum zap_scope scope; /* of the steps being made */
	struct zap_plan *plan;
	struct zap_error *err;
};

/* The model the chain has reached. */
static const struct zap_model *chain_model(const struct apply_chain *c)
{
	return c->current ? c->current : c->first;
}

/* Is a problem with @message in @problems already? */
static bool has_problem(const struct zap_problems *problems,
			const char *message)
{
	for (size_t i = 0; i < problems->count; i++)
		if (strcmp(problems->items[i].message, message) == 0)
			return true;
	return false;
}

/* Append a deep copy of every problem of @src not in @dst yet. */
static int copy_problems(struct zap_problems *dst,
			 const struct zap_problems *src)
{
	for (size_t i = 0; i < src->count; i++) {
		const struct zap_problem *p = &src->items[i];
		struct zap_problem *grown, *q;

		if (has_problem(dst, p->message))
			continue;
		grown = realloc(dst->items, (dst->count + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		dst->items = grown;
		q = &grown[dst->count];
		*q = *p;
		q->apqns = NULL;
		if (p->nr_apqns && p->apqns) {
			q->apqns = malloc(p->nr_apqns * sizeof(*q->apqns));
			if (!q->apqns)
				return -ENOMEM;
			memcpy(q->apqns, p->apqns,
			       p->nr_apqns * sizeof(*q->apqns));
		}
		dst->count++;
	}
	return 0;
}

/* Append @n APQNs of @src to the array *@dst of *@count. */
static int join_apqns(uint16_t **dst, size_t *count, const uint16_t *src,
		      size_t n)
{
	uint16_t *grown;

	if (!n)
		return 0;
	grown = realloc(*dst, (*count + n) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	memcpy(grown + *count, src, n * sizeof(*grown));
	*dst = grown;
	*count += n;
	return 0;
}

/*
 * Join the files of @p into @plan: a file rewritten twice is written once,
 * with the later text and the first old text (its undo).
 */
static int join_files(struct zap_plan *plan, struct zap_plan *p)
{
	for (size_t i = 0; i < p->nr_files; i++) {
		struct zap_file_change *f = &p->files[i], *grown, *g = NULL;

		for (size_t j = 0; j < plan->nr_files && !g; j++)
			if (strcmp(plan->files[j].path, f->path) == 0)
				g = &plan->files[j];
		if (g) {
			free(g->content);
			g->content = f->content;
			f->content = NULL;
			continue;
		}
		grown = realloc(plan->files, (plan->nr_files + 1) *
				sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		plan->files = grown;
		grown[plan->nr_files++] = *f;
		f->content = NULL;
		f->old_content = NULL;
	}
	return 0;
}

/*
 * An unassign step may pass through an mdev with control domains but no
 * usage domain on its way to the document's assignment: that is a state
 * problem, judged on the final state (final_verdict()), not a step's.
 */
static void drop_interim(struct zap_plan *p)
{
	size_t kept = 0;

	if (p->change.kind != ZAP_CHANGE_UNASSIGN)
		return;
	for (size_t i = 0; i < p->refusals.count; i++) {
		if (p->refusals.items[i].kind ==
		    ZAP_PROBLEM_CONTROL_WITHOUT_USAGE) {
			free(p->refusals.items[i].apqns);
			continue;
		}
		p->refusals.items[kept++] = p->refusals.items[i];
	}
	p->refusals.count = kept;
}

/* Has mdev @m a valid mdevctl definition in @model? */
static bool has_definition(const struct zap_model *model,
			   const struct zap_mdev *m)
{
	return m->definition >= 0 && model->definitions[m->definition].valid;
}

/*
 * CREATE and ASSIGN define a new definition with "start": "auto"; the
 * document's "start" replaces it in the text (set_new_start()). When the
 * document says manual, what the audit says of an autostart definition of
 * it (boot conflicts) is not a step's problem: the state with the
 * document's start is judged in final_verdict().
 */
static void drop_new_auto(const struct apply_chain *c, struct zap_plan *p,
			  const struct zap_config_mdev *want)
{
	int was = zap_model_find_mdev(c->first, p->change.uuid);
	size_t kept = 0;

	if (!want || want->autostart || c->scope == ZAP_SCOPE_LIVE ||
	    (was >= 0 && has_definition(c->first, &c->first->mdevs[was])) ||
	    (p->change.kind != ZAP_CHANGE_CREATE &&
	     p->change.kind != ZAP_CHANGE_ASSIGN))
		return;
	for (size_t i = 0; i < p->refusals.count; i++) {
		struct zap_problem *q = &p->refusals.items[i];

		if (q->nr_mdevs == 1 && q->holders[0] == ZAP_HOLDER_AUTOSTART &&
		    strcmp(q->mdevs[0], p->change.uuid) == 0) {
			free(q->apqns);
			continue;
		}
		p->refusals.items[kept++] = *q;
	}
	p->refusals.count = kept;
}

/* The new definition of @want in the chain's model gets its "start". */
static void settle_new_start(struct apply_chain *c,
			     const struct zap_config_mdev *want)
{
	int k = c->current ? zap_model_find_mdev(c->current, want->uuid) : -1;
	int was = zap_model_find_mdev(c->first, want->uuid);
	struct zap_mdev *m;

	if (k < 0 || c->scope == ZAP_SCOPE_LIVE ||
	    (was >= 0 && has_definition(c->first, &c->first->mdevs[was])))
		return;
	m = &c->current->mdevs[k];
	if (m->definition < 0)
		return;
	c->current->definitions[m->definition].autostart = want->autostart;
	zap_ownership_build(c->current);
}

/* Join the plan @p of one change into the chain's plan. */
static int join_plan(struct zap_plan *plan, struct zap_plan *p)
{
	struct zap_write *grown;
	int rc;

	if (p->nr_writes) {
		grown = realloc(plan->writes, (plan->nr_writes + p->nr_writes) *
				sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		memcpy(grown + plan->nr_writes, p->writes,
		       p->nr_writes * sizeof(*grown));
		plan->writes = grown;
		plan->nr_writes += p->nr_writes;
	}
	rc = join_files(plan, p);
	if (!rc)
		rc = copy_problems(&plan->refusals, &p->refusals);
	if (!rc)
		rc = copy_problems(&plan->warnings, &p->warnings);
	if (!rc)
		rc = join_apqns(&plan->to_vfio, &plan->nr_to_vfio, p->to_vfio,
				p->nr_to_vfio);
	if (!rc)
		rc = join_apqns(&plan->to_host, &plan->nr_to_host, p->to_host,
				p->nr_to_host);
	if (!rc)
		rc = join_apqns(&plan->assigned, &plan->nr_assigned,
				p->assigned, p->nr_assigned);
	if (!rc)
		rc = join_apqns(&plan->unassigned, &plan->nr_unassigned,
				p->unassigned, p->nr_unassigned);
	return rc;
}

/*
 * One step: plan @change on the model so far, join the plan, go on from
 * the model it makes (also when it is refused, so that every culprit of
 * the document is named).
 */
static int chain_step_of(struct apply_chain *c, struct zap_change *change,
			 const struct zap_config_mdev *want)
{
	struct zap_model *after = NULL;
	struct zap_plan *p = NULL;
	int rc;

	change->scope = c->scope;
	change->force = c->request->force;
	rc = zap_plan_build(chain_model(c), change, &p, c->err);
	if (!rc) {
		drop_interim(p);
		drop_new_auto(c, p, want);
		rc = join_plan(c->plan, p);
	}
	zap_plan_free(p);
	if (!rc)
		rc = zap_model_whatif(chain_model(c), change, &after, c->err);
	if (rc == -ENOMEM)
		return zap_error_set(c->err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	if (rc)
		return rc;
	zap_model_free(c->current);
	c->current = after;
	if (want)
		settle_new_start(c, want);
	return 0;
}

/* One step of a change that concerns no mdev of the document. */
static int chain_step(struct apply_chain *c, struct zap_change *change)
{
	return chain_step_of(c, change, NULL);
}

/* Do @a and @b name the same kind of problem about the same mdevs? */
static bool same_culprits(const struct zap_problem *a,
			  const struct zap_problem *b)
{
	if (a->kind != b->kind || a->nr_mdevs != b->nr_mdevs)
		return false;
	if (a->nr_mdevs == 2)
		return (!strcmp(a->mdevs[0], b->mdevs[0]) &&
			!strcmp(a->mdevs[1], b->mdevs[1])) ||
		       (!strcmp(a->mdevs[0], b->mdevs[1]) &&
			!strcmp(a->mdevs[1], b->mdevs[0]));
	return a->nr_mdevs == 0 || !strcmp(a->mdevs[0], b->mdevs[0]);
}

/*
 * The desired state as a whole, audited against the current one: every
 * problem it adds that no step named already is refused too.
 */
static int final_verdict(struct apply_chain *c)
{
	struct zap_problems refusals = { 0 }, warnings = { 0 }, extra = { 0 };
	int rc;

	if (!c->current)
		return 0;
	rc = zap_change_verdict(c->first, c->current, &c->plan->change,
				&refusals, &warnings, c->err);
	for (size_t i = 0; !rc && i < refusals.count; i++) {
		bool known = false;
		struct zap_problems one = { 1, &refusals.items[i] };

		for (size_t j = 0; j < c->plan->refusals.count && !known; j++)
			known = same_culprits(&refusals.items[i],
					      &c->plan->refusals.items[j]);
		if (!known)
			rc = copy_problems(&extra, &one);
	}
	if (!rc)
		rc = copy_problems(&c->plan->refusals, &extra);
	zap_problems_free(&refusals);
	zap_problems_free(&warnings);
	zap_problems_free(&extra);
	if (rc == -ENOMEM)
		return zap_error_set(c->err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	return rc;
}

/* An mdev change of @kind on @uuid with the ids given. */
static struct zap_change mdev_change(enum zap_change_kind kind,
				     const char *uuid,
				     const struct zap_bitmap *adapters,
				     const struct zap_bitmap *domains,
				     const struct zap_bitmap *control)
{
	struct zap_change change;

	memset(&change, 0, sizeof(change));
	change.kind = kind;
	snprintf(change.uuid, sizeof(change.uuid), "%s", uuid);
	if (adapters)
		change.adapters = *adapters;
	if (domains)
		change.domains = *domains;
	if (control)
		change.control_domains = *control;
	return change;
}

/* Does the change name any id? */
static bool names_ids(const struct zap_change *change)
{
	return !zap_bitmap_empty(&change->adapters) ||
	       !zap_bitmap_empty(&change->domains) ||
	       !zap_bitmap_empty(&change->control_domains);
}

/*
 * The assignment the document's scope compares with: the active mdev's
 * (live, both), or its definition's (persistent only; the active one when
 * it has none: the change defines it from that). Returns: false when the
 * mdev has no such side.
 */
static bool current_assignment(const struct zap_model *model,
			       const struct zap_mdev *m, enum zap_scope scope,
			       struct zap_apqn_set *matrix,
			       struct zap_bitmap *control)
{
	const struct zap_definition *d;

	if (scope == ZAP_SCOPE_PERSISTENT && has_definition(model, m)) {
		d = &model->definitions[m->definition];
		*matrix = d->matrix;
		*control = d->control_domains;
		return true;
	}
	if (!m->active)
		return false;
	*matrix = m->matrix;
	*control = m->control_domains;
	return true;
}

/* The document's mdev @uuid, NULL when it does not mention it. */
static const struct zap_config_mdev *config_mdev(const struct zap_config *cfg,
						 const char *uuid)
{
	for (size_t i = 0; i < cfg->nr_mdevs; i++)
		if (strcmp(cfg->mdevs[i].uuid, uuid) == 0)
			return &cfg->mdevs[i];
	return NULL;
}

/* With --prune: remove every mdev of the scope the document omits. */
static int steps_prune(struct apply_chain *c, const struct zap_config *cfg)
{
	const struct zap_model *m = c->first;
	enum zap_scope scope = c->request->scope;

	for (size_t i = 0; i < m->nr_mdevs; i++) {
		const struct zap_mdev *md = &m->mdevs[i];
		bool present = scope == ZAP_SCOPE_LIVE ? md->active :
			       scope == ZAP_SCOPE_PERSISTENT ?
			       md->definition >= 0 :
			       md->active || md->definition >= 0;
		struct zap_change change;
		int rc;

		if (!present || config_mdev(cfg, md->uuid))
			continue;
		change = mdev_change(ZAP_CHANGE_REMOVE, md->uuid, NULL, NULL,
				     NULL);
		/* -p: an mdev only defined, or only active, on its one side */
		if (scope == ZAP_SCOPE_BOTH && !md->active)
			c->scope = ZAP_SCOPE_PERSISTENT;
		else if (scope == ZAP_SCOPE_BOTH && md->definition < 0)
			c->scope = ZAP_SCOPE_LIVE;
		rc = chain_step(c, &change);
		c->scope = scope;
		if (rc)
			return rc;
	}
	return 0;
}

/* Unassign (@assign false) or assign what differs between an mdev and
 * the document; CREATE the mdevs the scope does not have (@assign true). */
static int steps_mdevs(struct apply_chain *c, const struct zap_config *cfg,
		       bool assign)
{
	enum zap_scope scope = c->scope;

	for (size_t i = 0; i < cfg->nr_mdevs; i++) {
		const struct zap_model *m = chain_model(c);
		const struct zap_config_mdev *want = &cfg->mdevs[i];
		int k = zap_model_find_mdev(m, want->uuid);
		struct zap_apqn_set matrix;
		struct zap_bitmap control, a, d, cd;
		struct zap_change change;
		int rc;

		if (k < 0 || !current_assignment(m, &m->mdevs[k], scope,
						  &matrix, &control)) {
			if (!assign)
				continue;
			change = mdev_change(ZAP_CHANGE_CREATE, want->uuid,
					     &want->adapters, &want->domains,
					     &want->control_domains);
		} else if (assign) {
			zap_bitmap_andnot(&a, &want->adapters, &matrix.adapters);
			zap_bitmap_andnot(&d, &want->domains, &matrix.domains);
			zap_bitmap_andnot(&cd, &want->control_domains, &control);
			change = mdev_change(ZAP_CHANGE_ASSIGN, want->uuid, &a,
					     &d, &cd);
		} else {
			zap_bitmap_andnot(&a, &matrix.adapters, &want->adapters);
			zap_bitmap_andnot(&d, &matrix.domains, &want->domains);
			zap_bitmap_andnot(&cd, &control, &want->control_domains);
			change = mdev_change(ZAP_CHANGE_UNASSIGN, want->uuid,
					     &a, &d, &cd);
		}
		/* -p, -P: an active mdev without definition gets one */
		if (assign && change.kind == ZAP_CHANGE_ASSIGN &&
		    !names_ids(&change) && scope != ZAP_SCOPE_LIVE &&
		    !has_definition(m, &m->mdevs[k]))
			change = mdev_change(ZAP_CHANGE_ASSIGN, want->uuid,
					     &want->adapters, &want->domains,
					     &want->control_domains);
		if (change.kind != ZAP_CHANGE_CREATE && !names_ids(&change))
			continue;
		rc = chain_step_of(c, &change, want);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The host's masks: ids leaving vfio_ap go to the host (@to_host), then
 * ids entering vfio_ap leave the host. The current masks are the active
 * ones, or (persistent only) the boot model's (zap_model_boot_host).
 */
static int steps_masks(struct apply_chain *c, const struct zap_config *cfg,
		       bool to_host)
{
	const struct zap_model *m = chain_model(c);
	struct zap_apqn_set boot = zap_model_boot_host(m);
	bool persistent = c->scope == ZAP_SCOPE_PERSISTENT;
	const struct zap_bitmap *ap = persistent ? &boot.adapters :
				      &m->bus.apmask;
	const struct zap_bitmap *aq = persistent ? &boot.domains :
				      &m->bus.aqmask;
	struct zap_bitmap vfio_a, vfio_d;
	struct zap_change change;

	if (cfg->ownership != ZAP_CONFIG_OWNERSHIP_MASKS)
		return 0;
	memset(&change, 0, sizeof(change));
	zap_bitmap_complement(&vfio_a, ap);
	zap_bitmap_complement(&vfio_d, aq);
	if (to_host) {
		change.kind = ZAP_CHANGE_TO_HOST;
		zap_bitmap_andnot(&change.adapters, &vfio_a, &cfg->vfio_adapters);
		zap_bitmap_andnot(&change.domains, &vfio_d, &cfg->vfio_domains);
	} else {
		change.kind = ZAP_CHANGE_TO_VFIO;
		zap_bitmap_andnot(&change.adapters, &cfg->vfio_adapters, &vfio_a);
		zap_bitmap_andnot(&change.domains, &cfg->vfio_domains, &vfio_d);
	}
	if (!names_ids(&change))
		return 0;
	return chain_step(c, &change);
}

/* Is the queue of APQN number @n one the document gives to vfio_ap? */
static bool config_has_queue(const struct zap_config *cfg, uint16_t n)
{
	/* none: vfio_queues may be NULL, which bsearch must not be given */
	return cfg->nr_vfio_queues &&
	       bsearch(&n, cfg->vfio_queues, cfg->nr_vfio_queues,
		       sizeof(n), zap_apqn_cmp) != NULL;
}

/*
 * Does queue (@a, @d) differ from the document on the sides of the chain's
 * scope: its owner live (the host or vfio_ap), its driverctl file
 * persistently? @to_host: is it vfio_ap's there and omitted, else listed
 * and not vfio_ap's there.
 */
static bool queue_differs(const struct apply_chain *c,
			  const struct zap_config *cfg, unsigned int a,
			  unsigned int d, bool to_host)
{
	const struct zap_model *m = chain_model(c);
	bool listed = config_has_queue(cfg, zap_apqn_number(a, d));
	bool live_vfio = zap_model_queue(m, a, d) &&
			 !zap_model_host_owned(m, a, d);
	bool boot_vfio = zap_bitmap_test(&m->driverctl[a], d);

	if (listed == to_host)
		return false;
	if (c->scope != ZAP_SCOPE_PERSISTENT &&
	    live_vfio == to_host && (to_host || zap_model_queue(m, a, d)))
		return true;
	return c->scope != ZAP_SCOPE_LIVE && boot_vfio == to_host;
}

/*
 * "ownership": "overrides", queue by queue with driver_override: the
 * vfio_ap queues the document omits go back to the host (@to_host), then
 * the queues it lists go to vfio_ap; live the queues the host does not
 * own, persistently (-p, -P) driverctl's files, both in one step so that
 * the files are there before a definition is assigned the queues.
 */
static int steps_queues(struct apply_chain *c, const struct zap_config *cfg,
			bool to_host)
{
	const struct zap_model *m = chain_model(c);
	struct zap_change change;
	bool any = false;

	if (cfg->ownership != ZAP_CONFIG_OWNERSHIP_OVERRIDES)
		return 0;
	memset(&change, 0, sizeof(change));
	change.kind = to_host ? ZAP_CHANGE_TO_HOST : ZAP_CHANGE_TO_VFIO;
	change.by_queue = true;
	for (unsigned int a = 0; a < ZAP_IDS; a++)
		for (unsigned int d = 0; d < ZAP_IDS; d++) {
			if (!zap_model_queue(m, a, d) &&
			    !zap_bitmap_test(&m->driverctl[a], d) &&
			    !config_has_queue(cfg, zap_apqn_number(a, d)))
				continue;
			if (!queue_differs(c, cfg, a, d, to_host))
				continue;
			zap_bitmap_set(&change.queues[a], d);
			any = true;
		}
	if (!any)
		return 0;
	return chain_step(c, &change);
}

/*
 * A document of the other model than the host's: "masks" on an overrides
 * host; "overrides" on a mixed host or one whose masks are not all ones
 * (what chzap --vfio AA.DDDD refuses too). Refused, naming the queues.
 */
static int refuse_model(struct apply_chain *c, const struct zap_config *cfg)
{
	const struct zap_model *m = c->first;
	enum zap_ownership own = zap_model_ownership(m);
	struct zap_apqn_list culprits = { 0 };
	char first[ZAP_APQN_STRLEN] = "";
	enum zap_problem_kind kind;
	const char *why;
	int rc = 0;

	if (c->request->scope == ZAP_SCOPE_PERSISTENT ||
	    cfg->ownership == ZAP_CONFIG_OWNERSHIP_NONE)
		return 0;
	if (cfg->ownership == ZAP_CONFIG_OWNERSHIP_MASKS &&
	    own == ZAP_OWNERSHIP_OVERRIDES) {
		kind = ZAP_PROBLEM_OVERRIDE_ACTIVE;
		why = "a \"masks\" document on a host whose queues are moved with driver_override (ownership: overrides)";
	} else if (cfg->ownership == ZAP_CONFIG_OWNERSHIP_OVERRIDES &&
		   own == ZAP_OWNERSHIP_MIXED) {
		kind = ZAP_PROBLEM_MIXED_OWNERSHIP;
		why = "an \"overrides\" document on a host whose ownership is mixed (repair it first, lszap --check)";
	} else if (cfg->ownership == ZAP_CONFIG_OWNERSHIP_OVERRIDES &&
		   own == ZAP_OWNERSHIP_MASKS &&
		   (!zap_bitmap_full(&m->bus.apmask) ||
		    !zap_bitmap_full(&m->bus.aqmask))) {
		kind = ZAP_PROBLEM_OVERRIDE_ACTIVE;
		why = "an \"overrides\" document on a host whose apmask/aqmask are not all ones (ownership: masks; chzap --ownership overrides converts it)";
	} else {
		return 0;
	}
	/* the culprits: the queues vfio_ap has, by override or by mask */
	for (size_t i = 0; i < m->nr_queues && !rc; i++) {
		const struct zap_queue *q = &m->queues[i];

		if (zap_model_host_owned(m, q->adapter, q->domain) &&
		    !q->driver_override[0])
			continue;
		if (!first[0])
			zap_apqn_print(q->adapter, q->domain, first);
		rc = zap_apqn_list_add(&culprits,
				       zap_apqn_number(q->adapter, q->domain));
	}
	if (!rc)
		rc = zap_problems_add(&c->plan->refusals, kind, NULL, NULL,
				      NULL, NULL, &culprits,
				      "%s: %zu queue%s%s%s", why, culprits.count,
				      culprits.count == 1 ? "" : "s",
				      first[0] ? " not the host's, first " : "",
				      first);
	free(culprits.items);
	if (rc == -ENOMEM)
		return zap_error_set(c->err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	return rc;
}

/*
 * A definition this plan creates (with "start": "auto", as CREATE and
 * ASSIGN define one) gets the document's "start" in the plan's text.
 */
static int set_new_start(struct apply_chain *c, const char *path,
			 bool autostart)
{
	char problem[256], *text;
	int rc;

	for (size_t i = 0; i < c->plan->nr_files; i++) {
		struct zap_file_change *f = &c->plan->files[i];

		if (strcmp(f->path, path) || !f->content)
			continue;
		rc = zap_definition_render(f->content, strlen(f->content),
					   autostart, NULL, NULL, &text,
					   problem, sizeof(problem));
		if (rc == -ENOMEM)
			return zap_error_set(c->err, ENOMEM,
					     ZAP_STATUS_NOT_FOUND,
					     "out of memory");
		if (rc)
			return zap_error_set(c->err, -rc, ZAP_STATUS_NOT_FOUND,
					     "%s: %s", path, problem);
		free(f->content);
		f->content = text;
	}
	return 0;
}

/* -p / -P: every definition of the document gets its "start". */
static int steps_autostart(struct apply_chain *c, const struct zap_config *cfg)
{
	if (c->request->scope == ZAP_SCOPE_LIVE)
		return 0;
	for (size_t i = 0; i < cfg->nr_mdevs; i++) {
		const struct zap_config_mdev *want = &cfg->mdevs[i];
		const struct zap_model *m = chain_model(c);
		int k = zap_model_find_mdev(m, want->uuid);
		int was = zap_model_find_mdev(c->first, want->uuid);
		struct zap_change change;
		int rc;

		if (k >= 0 && m->mdevs[k].definition >= 0 &&
		    (was < 0 || !has_definition(c->first,
						&c->first->mdevs[was]))) {
			rc = set_new_start(c, m->definitions[
					   m->mdevs[k].definition].path,
					   want->autostart);
			if (rc)
				return rc;
			continue;
		}
		if (k < 0 || m->mdevs[k].definition < 0 ||
		    !m->definitions[m->mdevs[k].definition].valid ||
		    m->definitions[m->mdevs[k].definition].autostart ==
		    want->autostart)
			continue;
		change = mdev_change(ZAP_CHANGE_AUTOSTART, want->uuid, NULL,
				     NULL, NULL);
		change.autostart = want->autostart;
		rc = chain_step(c, &change);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The steps of unassign, masks, create and assign, in that order, at
 * c->scope.
 */
static int steps_state(struct apply_chain *c, const struct zap_config *cfg)
{
	int rc = steps_mdevs(c, cfg, false);

	if (!rc)
		rc = steps_masks(c, cfg, true);
	if (!rc)
		rc = steps_queues(c, cfg, true);
	if (!rc)
		rc = steps_masks(c, cfg, false);
	if (!rc)
		rc = steps_queues(c, cfg, false);
	if (!rc)
		rc = steps_mdevs(c, cfg, true);
	return rc;
}

/* The enum zap_load bits zap_config_plan() needs: those of every change. */
ZAP_EXPORT unsigned int zap_config_load_flags(void)
{
	return zap_change_load_flags(ZAP_CHANGE_TO_VFIO) |
	       zap_change_load_flags(ZAP_CHANGE_TO_HOST) |
	       zap_change_load_flags(ZAP_CHANGE_CREATE);
}

/* The plan that makes @model equal @config, ordered, judged step by step. */
ZAP_EXPORT int zap_config_plan(const struct zap_model *model,
			       const struct zap_config *config,
			       const struct zap_config_request *request,
			       struct zap_plan **plan, struct zap_error *err)
{
	struct apply_chain c = { .first = model, .request = request,
				 .err = err };
	int rc = 0;

	*plan = NULL;
	c.plan = calloc(1, sizeof(*c.plan));
	if (!c.plan)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	c.plan->change.kind = ZAP_CHANGE_ASSIGN;
	c.plan->change.scope = request->scope;
	c.plan->change.force = request->force;
	c.scope = request->scope;
	rc = refuse_model(&c, config);
	if (!rc && c.plan->refusals.count) {
		*plan = c.plan;
		return 0;
	}
	if (!rc && request->prune)
		rc = steps_prune(&c, config);
	if (!rc)
		rc = steps_state(&c, config);
	/*
	 * -p: the steps follow the live side; where a definition or
	 * 41-ap.rules differed from it, the persistent side still differs
	 */
	if (!rc && request->scope == ZAP_SCOPE_BOTH) {
		c.scope = ZAP_SCOPE_PERSISTENT;
		rc = steps_state(&c, config);
		c.scope = request->scope;
	}
	if (!rc)
		rc = steps_autostart(&c, config);
	if (!rc)
		rc = final_verdict(&c);
	zap_model_free(c.current);
	if (rc) {
		zap_plan_free(c.plan);
		return rc;
	}
	c.plan->nothing_to_do = !c.plan->nr_writes && !c.plan->nr_files &&
				!c.plan->refusals.count;
	*plan = c.plan;
	return 0;
}

/* Lock, re-load, re-plan and re-judge, write, roll back on failure. */
ZAP_EXPORT int zap_config_apply(const struct zap_config *config,
				const struct zap_config_request *request,
				const struct zap_paths *paths,
				const struct zap_apply_options *options,
				struct zap_plan **plan, struct zap_error *err)
{
	struct zap_model *model = NULL;
	struct zap_plan *fresh = NULL;
	struct zap_lock lock = { 0 };
	unsigned int timeout = options ? options->lock_timeout_ms : 0;
	int rc;

	rc = zap_lock_acquire(&lock, paths, timeout, err);
	if (rc)
		return rc;
	/* no live run has a temp file now: those there are dead runs' */
	zap_store_remove_dead_temps(paths);
	rc = zap_model_load(&model, paths, zap_config_load_flags(), err);
	if (!rc)
		rc = zap_config_plan(model, config, request, &fresh, err);
	if (!rc) {
		zap_plan_free(*plan);
		*plan = fresh;
		// NOLINTNEXTLINE(clang-analyzer-core.NullDereference): zap_config_plan() sets *plan when it returns 0
		if (fresh->refusals.count)
			rc = zap_error_set(err, EPERM, ZAP_STATUS_REFUSED, "%s",
					   fresh->refusals.items[0].message);
		else if (!fresh->nothing_to_do)
			rc = zap_plan_write(fresh, paths, options, err);
	}
	zap_model_free(model);
	zap_lock_release(&lock);
	return rc;
}
