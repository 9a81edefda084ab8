/* SPDX-License-Identifier: MIT */
/*
 * chzap.h - what the parts of chzap share: the command line as parsed and
 * the printing of a plan (planned writes, refusals, warnings, notes, the
 * queues that change owner, each write as it is made).
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
 * struct chzap - the state of one run.
 * @change: what the admin asked for (kind, UUID, ids, --force).
 * @dry_run, @quiet, @verbose: -n, -q, -V.
 * @lock_timeout_s: --lock-timeout.
 */
struct chzap {
	struct zap_change change;
	bool dry_run;
	bool quiet;
	bool verbose;
	unsigned int lock_timeout_s;
};

/* ------------------------------------------------------------- chzap.c */

/* Print "chzap: <message>" on stderr. */
void chzap_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ report.c */

/* Print each write of @plan as a shell line "echo VALUE > PATH" (stdout). */
void report_dry_run(const struct zap_plan *plan);
/* Print every refusal of @plan as "chzap: <message>" (stderr). */
void report_refusals(const struct zap_plan *plan);
/* Print each warning as "chzap: warning: <message>", unless -q or refused. */
void report_warnings(const struct chzap *c, const struct zap_plan *plan);
/* Say that @plan found the request in effect already, unless -q. */
void report_nothing_to_do(const struct chzap *c, const struct zap_plan *plan);
/* After a successful apply: the UUID of --create, the owner changes. */
void report_done(const struct chzap *c, const struct zap_plan *plan);
/* zap_apply_options.on_write for -V: one line per write or undo (stderr). */
void report_write(const struct zap_write *write, void *data);

#endif
