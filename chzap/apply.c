// SPDX-License-Identifier: MIT
/*
 * apply.c - chzap --apply FILE: read the configuration document
 * (zap-config(5)), have libzapconf plan the difference between the host
 * and it (zap_config_plan) and apply that plan (zap_config_apply), and say
 * what came of it. Deciding what differs and in which order is the
 * library's job; this file only connects the command line to it.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>

#include "chzap.h"

/* Read the document of --apply into c->config. */
int apply_read(struct chzap *c, struct zap_error *err)
{
	return zap_config_read(c->apply_file, &c->config, err);
}

/* What chzap's options ask of an apply. */
static struct zap_config_request apply_request(const struct chzap *c)
{
	struct zap_config_request request = {
		.scope = c->change.scope,
		.prune = c->prune,
		.force = c->change.force,
	};

	return request;
}

/* The plan that makes @model equal the document. */
int apply_build(const struct chzap *c, const struct zap_model *model,
		struct zap_plan **plan, struct zap_error *err)
{
	struct zap_config_request request = apply_request(c);

	return zap_config_plan(model, c->config, &request, plan, err);
}

/* Lock, re-plan, re-judge, write, roll back on failure. */
int apply_write(const struct chzap *c, struct zap_plan **plan,
		const struct zap_paths *paths,
		const struct zap_apply_options *how, struct zap_error *err)
{
	struct zap_config_request request = apply_request(c);

	return zap_config_apply(c->config, &request, paths, how, plan, err);
}

/* The host equals the document already: say so on stderr, unless -q. */
void apply_report_nothing(const struct chzap *c)
{
	if (!c->quiet && c->save)
		chzap_warn("already in the requested state: the persistent configuration equals the live one; nothing written");
	else if (!c->quiet)
		chzap_warn("already in the requested state: the %s configuration equals %s; nothing written",
			   c->change.scope == ZAP_SCOPE_PERSISTENT ?
			   "persistent" : "live",
			   c->apply_file[0] == '-' && !c->apply_file[1] ?
			   "the standard input" : c->apply_file);
}

/* Print "N queues FROM -> TO: AA.DDDD ..." on stdout (when N > 0). */
static void print_moved(size_t count, const uint16_t *apqns, const char *from,
			const char *to)
{
	char apqn[ZAP_APQN_STRLEN];

	if (!count)
		return;
	printf("%zu queue%s %s -> %s:", count, count == 1 ? "" : "s", from, to);
	for (size_t i = 0; i < count; i++) {
		zap_apqn_print(apqns[i] >> 8, apqns[i] & 0xff, apqn);
		printf(" %s", apqn);
	}
	putchar('\n');
}

/* After the writes: which queues changed owner, unless -q. */
void apply_report_done(const struct chzap *c, const struct zap_plan *plan)
{
	if (c->quiet)
		return;
	print_moved(plan->nr_to_vfio, plan->to_vfio, "host", "vfio");
	print_moved(plan->nr_to_host, plan->to_host, "vfio", "host");
}
