// SPDX-License-Identifier: MIT
/*
 * auto.c - chzap --auto: let libzapconf choose the ids of a change. The
 * target is checked first by building its plan without the ids (the
 * library's own errors and refusals: no such mdev, vfio_ap not loaded, an
 * unfinished change...), then zap_free_apqns() (on the configuration after
 * a reboot for -P: zap_model_persistent()) and zap_free_block_find() pick
 * a fresh block (--create --auto NxM) or the growth of an mdev (-m UUID
 * --auto domains+M / adapters+N; the old 0xM / Nx0, which an admin reads
 * as a hex number, still work with a note), and the block becomes the
 * change's adapters and domains. When there is none, the message names
 * the largest blocks the library found. Under the lock, zap_plan_apply()
 * calls auto_rechoose() on the configuration it re-loaded, so that
 * parallel runs never pick the same block (issue 19). No ownership rule is
 * decided here.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chzap.h"

/* Parse one decimal count from @s up to @end: 0 to ZAP_IDS, no leading 0. */
static bool parse_count(const char *s, const char *end, unsigned int *count)
{
	unsigned int value = 0;

	if (s == end || end - s > 3 || (s[0] == '0' && end - s > 1))
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		value = value * 10 + (unsigned int)(*s - '0');
	}
	if (value > ZAP_IDS)
		return false;
	*count = value;
	return true;
}

/* The count after @word ("domains+") in @arg, or false. */
static bool parse_growth(const char *arg, const char *word,
			 unsigned int *count)
{
	size_t len = strlen(word);

	return !strncmp(arg, word, len) &&
	       parse_count(arg + len, arg + strlen(arg), count);
}

/* The --auto argument: NxM, domains+M, adapters+N, or the old 0xM, Nx0. */
bool auto_parse(struct chzap_auto *a, const char *arg)
{
	const char *x = strchr(arg, 'x');
	unsigned int n = 0, m = 0;

	if (parse_growth(arg, "domains+", &m) ||
	    parse_growth(arg, "domain+", &m)) {
		snprintf(a->text, sizeof(a->text), "domains+%u", m);
	} else if (parse_growth(arg, "adapters+", &n) ||
		   parse_growth(arg, "adapter+", &n)) {
		snprintf(a->text, sizeof(a->text), "adapters+%u", n);
	} else if (x && parse_count(arg, x, &n) &&
		   parse_count(x + 1, x + strlen(x), &m)) {
		snprintf(a->text, sizeof(a->text), "%ux%u", n, m);
		a->old_growth = !n != !m;
	} else {
		return false;
	}
	a->nr_adapters = n;
	a->nr_domains = m;
	a->given = true;
	return true;
}

/* The note on an old growth form: how it was read, how to write it now. */
static void note_old_growth(const struct chzap *c)
{
	const struct chzap_auto *a = &c->autoalloc;
	bool domains = a->nr_domains;
	unsigned int n = domains ? a->nr_domains : a->nr_adapters;

	if (!a->old_growth || c->quiet || c->json)
		return;
	chzap_warn("note: --auto %s read as %u more %s%s (decimal, not hex); write --auto %s+%u",
		   a->text, n, domains ? "usage domain" : "adapter",
		   n == 1 ? "" : "s", domains ? "domains" : "adapters", n);
}

/* Append to err->message (a long id list is cut at the end). */
static void __attribute__((format(printf, 2, 3)))
message_add(struct zap_error *err, const char *fmt, ...)
{
	size_t len = strlen(err->message);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->message + len, sizeof(err->message) - len, fmt, ap);
	va_end(ap);
}

/* "1 adapter", "3 domains". */
static const char *plural(unsigned int n, const char *what, char *buf,
			  size_t size)
{
	snprintf(buf, size, "%u %s%s", n, what, n == 1 ? "" : "s");
	return buf;
}

/*
 * Build the plan of the change without its ids (CREATE as it is; an
 * assignment with only control domain 0, whose control-without-usage is
 * ignored) to learn
 * from the library whether the target can be changed at all.
 * Returns: 0 (the plan is not refused); 1 (*@refused: the plan, refused);
 * -errno (@err filled).
 */
static int check_target(const struct chzap *c, const struct zap_model *model,
			struct zap_plan **refused, struct zap_error *err)
{
	struct zap_change probe = c->change;
	struct zap_plan *plan = NULL;
	int rc;

	zap_bitmap_zero(&probe.adapters);
	zap_bitmap_zero(&probe.domains);
	zap_bitmap_zero(&probe.control_domains);
	if (probe.kind == ZAP_CHANGE_ASSIGN)
		zap_bitmap_set(&probe.control_domains, 0);
	rc = zap_plan_build(model, &probe, &plan, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < plan->refusals.count; i++) {
		/* the probe's own control domain 0 is not the target's fault */
		if (plan->refusals.items[i].kind ==
		    ZAP_PROBLEM_CONTROL_WITHOUT_USAGE)
			continue;
		*refused = plan;
		return 1;
	}
	zap_plan_free(plan);
	return 0;
}

/*
 * The assignment an mdev grows from: for -P its mdevctl definition (when
 * it has one), else its active matrix.
 */
static void growth_base(const struct chzap *c, const struct zap_model *model,
			struct zap_block *within)
{
	const struct zap_mdev *m =
		&model->mdevs[zap_model_find_mdev(model, c->change.uuid)];
	const struct zap_apqn_set *set = &m->matrix;

	if (c->change.scope == ZAP_SCOPE_PERSISTENT && m->definition >= 0)
		set = &model->definitions[m->definition].matrix;
	within->adapters = set->adapters;
	within->domains = set->domains;
}

/* -ENOSPC of a fresh block: name the largest blocks there are. */
static int no_block(const struct chzap *c, const struct zap_block *largest,
		    struct zap_error *err)
{
	unsigned int n = c->autoalloc.nr_adapters, m = c->autoalloc.nr_domains;
	unsigned int got_a = zap_bitmap_weight(&largest->adapters);
	unsigned int got_d = zap_bitmap_weight(&largest->domains);
	char a[1024], d[1024], x[32], y[32], w[32], z[32];

	plural(n, "adapter", x, sizeof(x));
	plural(m, "domain", y, sizeof(y));
	plural(got_a, "adapter", w, sizeof(w));
	plural(got_d, "domain", z, sizeof(z));
	zap_ids_print(&largest->adapters, a, sizeof(a));
	zap_ids_print(&largest->domains, d, sizeof(d));
	err->message[0] = '\0';
	message_add(err, "no free block of %s x %s", x, y);
	if (got_a && got_d)
		message_add(err, "; the largest there are: %s x %s (adapters %s) and %s x %s (domains %s)",
			    w, y, a, x, z, d);
	else if (got_a)
		message_add(err, "; the largest there is: %s x %s (adapters %s)",
			    w, y, a);
	else if (got_d)
		message_add(err, "; the largest there is: %s x %s (domains %s)",
			    x, z, d);
	else if (n == 1 || m == 1)
		message_add(err, "; there is no free APQN to choose from");
	else
		message_add(err, "; no adapter has %s free, and no %s share a free domain",
			    y, x);
	err->errnum = ENOSPC;
	err->status = ZAP_STATUS_REFUSED;
	return -ENOSPC;
}

/* -ENOSPC or -EINVAL of a growth: say how far the mdev can grow. */
static int no_growth(const struct chzap *c, const struct zap_block *largest,
		     int rc, struct zap_error *err)
{
	bool adapters = c->autoalloc.nr_adapters;
	const char *what = adapters ? "adapter" : "domain";
	unsigned int want = adapters ? c->autoalloc.nr_adapters :
			    c->autoalloc.nr_domains;
	unsigned int got = zap_bitmap_weight(adapters ? &largest->adapters :
					     &largest->domains);
	char list[1024], x[32], y[32];

	err->errnum = -rc;
	err->status = ZAP_STATUS_REFUSED;
	plural(want, what, x, sizeof(x));
	err->message[0] = '\0';
	if (rc == -EINVAL) {
		/* domains are free on an mdev's adapters: it needs some */
		message_add(err, "mdev %s has no adapters to grow from: assign adapters first (--mdev %s -a LIST)",
			    c->change.uuid, c->change.uuid);
	} else if (!got) {
		message_add(err, "mdev %s cannot grow by %s: no %s %s",
			    c->change.uuid, x, what,
			    adapters ? "has all its domains free" :
			    "is free on all its adapters");
	} else {
		zap_ids_print(adapters ? &largest->adapters :
			      &largest->domains, list, sizeof(list));
		message_add(err, "mdev %s cannot grow by %s: only %s (%s) %s",
			    c->change.uuid, x, plural(got, what, y, sizeof(y)),
			    list, adapters ?
			    (got == 1 ? "has all its domains free" :
			     "have all its domains free") :
			    (got == 1 ? "is free on all its adapters" :
			     "are free on all its adapters"));
	}
	return rc;
}

/*
 * Find the block of --auto in @model (its filter taken) and put it into
 * c->change; print the choice when it is a new one (@report).
 */
static int choose_block(struct chzap *c, const struct zap_model *model,
			bool report, struct zap_error *err)
{
	struct chzap_auto *a = &c->autoalloc;
	bool grow = c->change.kind != ZAP_CHANGE_CREATE;
	struct zap_block within, block, largest;
	struct zap_bitmap free[ZAP_IDS];
	struct zap_model *boot = NULL;
	const struct zap_model *search = model;
	int rc;

	/* -P: the queues free after a reboot */
	if (c->change.scope == ZAP_SCOPE_PERSISTENT) {
		rc = zap_model_persistent(model, &boot, err);
		if (rc)
			return rc;
		search = boot;
	}
	zap_free_apqns(search, &a->filter, free);
	if (grow)
		growth_base(c, model, &within);
	rc = zap_free_block_find(search, free, a->nr_adapters, a->nr_domains,
				 grow ? &within : NULL, &block, &largest);
	zap_model_free(boot);
	if (rc)
		return grow ? no_growth(c, &largest, rc, err) :
		       no_block(c, &largest, err);
	if (report)
		report_auto_choice(c, &block);
	c->change.adapters = block.adapters;
	c->change.domains = block.domains;
	return 0;
}

/* Choose the ids of --auto and put them into c->change. */
int auto_choose(struct chzap *c, const struct zap_model *model,
		struct zap_plan **refused, struct zap_error *err)
{
	struct chzap_auto *a = &c->autoalloc;
	int rc;

	note_old_growth(c);
	/* -a and -d only narrow the search */
	a->filter.adapters = c->change.adapters;
	a->filter.domains = c->change.domains;
	zap_bitmap_zero(&c->change.adapters);
	zap_bitmap_zero(&c->change.domains);
	rc = check_target(c, model, refused, err);
	if (rc)
		return rc;
	return choose_block(c, model, true, err);
}

/* Choose again under the lock (zap_apply_options.choose); see chzap.h. */
int auto_rechoose(struct zap_change *change, const struct zap_model *model,
		  void *data, struct zap_error *err)
{
	struct chzap *c = data;
	struct zap_bitmap adapters = c->change.adapters;
	struct zap_bitmap domains = c->change.domains;
	int rc;

	rc = choose_block(c, model, false, err);
	if (rc)
		return rc;
	if (!zap_bitmap_equal(&adapters, &c->change.adapters) ||
	    !zap_bitmap_equal(&domains, &c->change.domains)) {
		struct zap_block block = {
			.adapters = c->change.adapters,
			.domains = c->change.domains,
		};

		/* another run took the first choice meanwhile */
		report_auto_choice(c, &block);
	}
	change->adapters = c->change.adapters;
	change->domains = c->change.domains;
	return 0;
}
