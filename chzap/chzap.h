/* SPDX-License-Identifier: MIT */
/*
 * chzap.h - what the parts of chzap share: the command line as parsed, the
 * printing of a plan (planned writes and file changes, refusals, warnings,
 * notes, the queues that change owner, each write as it is made), the JSON
 * object of --json, and the free-block choice of --auto.
 *
 * Copyright zap developers 2026
 */
#ifndef CHZAP_H
#define CHZAP_H

#include <stdbool.h>

#include "zapconf.h"

#define PROGRAM "chzap"

/* --lock-timeout when not given, in seconds (the s390-tools peers' wait). */
#define CHZAP_LOCK_TIMEOUT_S 90

/*
 * What zap_free_apqns() needs loaded, on top of the change's own bits
 * (zap_change_load_flags()).
 */
#define CHZAP_AUTO_LOAD (ZAP_LOAD_CARDS | ZAP_LOAD_QUEUE_STATE | \
			 ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS)

/*
 * struct chzap_auto - --auto NxM and its filters.
 * @given: --auto was given.
 * @nr_adapters, @nr_domains: N and M (one of them 0 to grow an mdev).
 * @filter: -a, -d, --type and --mode (the ids only restrict the search).
 */
struct chzap_auto {
	bool given;
	unsigned int nr_adapters, nr_domains;
	struct zap_free_filter filter;
};

/*
 * struct chzap - the state of one run.
 * @change: what the admin asked for (kind, UUID, ids, --force, scope,
 *          --autostart).
 * @dry_run, @quiet, @verbose, @json: -n, -q, -V, --json.
 * @lock_timeout_s: --lock-timeout.
 * @recover: --recover was given; @recover_mode: undo or complete.
 * @autoalloc: --auto.
 */
struct chzap {
	struct zap_change change;
	bool dry_run;
	bool quiet;
	bool verbose;
	bool json;
	unsigned int lock_timeout_s;
	bool recover;
	enum zap_recover_mode recover_mode;
	struct chzap_auto autoalloc;
};

/* ------------------------------------------------------------- chzap.c */

/* Print "chzap: <message>" on stderr. */
void chzap_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ report.c */

/*
 * Print each write of @plan as a shell line "echo VALUE > PATH", then each
 * file change as "printf '%s' 'TEXT' > PATH" or "rm -f PATH" (stdout).
 */
void report_dry_run(const struct zap_plan *plan);
/* Print every refusal of @plan as "chzap: <message>" (stderr). */
void report_refusals(const struct zap_plan *plan);
/* Print each warning as "chzap: warning: <message>", unless -q or refused. */
void report_warnings(const struct chzap *c, const struct zap_plan *plan);
/*
 * After a live-only change that leaves the boot side different: a note on
 * stderr that it is lost at reboot and how to keep it, unless -q.
 */
void report_not_persistent(const struct chzap *c, const struct zap_plan *plan);
/* Say that @plan found the request in effect already, unless -q. */
void report_nothing_to_do(const struct chzap *c, const struct zap_plan *plan);
/* After a successful apply: the UUID of --create, the owner changes. */
void report_done(const struct chzap *c, const struct zap_plan *plan);
/* zap_apply_options.on_write for -V: one line per write or undo (stderr). */
void report_write(const struct zap_write *write, void *data);
/* -V after an apply: one line per file written, removed or restored. */
void report_files(const struct zap_plan *plan);
/* --recover: the writes made, as shell lines (stdout), and a note. */
void report_recovered(const struct chzap *c, const struct zap_plan *plan,
		      const struct zap_journal_info *journal, bool done);
/* --auto: the chosen block and its APQNs on stderr, unless -q. */
void report_auto_choice(const struct chzap *c, const struct zap_block *block);

/* -------------------------------------------------------------- json.c */

/*
 * Print the one JSON object of --json on stdout: the outcome of @plan (may
 * be NULL: nothing was planned), @status the exit code, @error the message
 * ("error": null when NULL).
 */
void report_json(const struct chzap *c, const struct zap_plan *plan,
		 int status, const char *error);

/* -------------------------------------------------------------- auto.c */

/*
 * Replace the ids of c->change by the block --auto chooses in @model.
 * Returns: 0; -errno with @err filled (no block: status REFUSED, message
 * naming the largest blocks); 1 when the target's own plan is refused
 * (*@refused set, for the caller to report; free it).
 */
int auto_choose(struct chzap *c, const struct zap_model *model,
		struct zap_plan **refused, struct zap_error *err);

#endif
