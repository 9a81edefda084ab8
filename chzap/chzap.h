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
 * struct chzap_auto - --auto NxM, domains+M or adapters+N, and its filters.
 * @given: --auto was given.
 * @old_growth: the growth was written the old way, 0xM or Nx0 (a note says
 *              how it was read).
 * @nr_adapters, @nr_domains: N and M (one of them 0 to grow an mdev).
 * @text: the argument in its canonical form ("2x4", "domains+4").
 * @filter: -a, -d, --type and --mode (the ids only restrict the search).
 */
struct chzap_auto {
	bool given, old_growth;
	unsigned int nr_adapters, nr_domains;
	char text[32];
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
 * @apply_file: --apply FILE ("-": stdin), NULL without; @config: the
 *          document read from it; @prune: --prune.
 * @save: --save; @save_mdev: with -m (c->change.uuid) only that mdev.
 * @staying: --host found nothing to write, but named queues stay vfio's.
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
	const char *apply_file;
	struct zap_config *config;
	bool prune;
	bool save;
	bool save_mdev;
	bool staying;
};

/* ------------------------------------------------------------- chzap.c */

/* Print "chzap: <message>" on stderr. */
void chzap_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ report.c */

/*
 * Print each write of @plan as a shell line "echo VALUE > PATH", then each
 * file change as "printf '%s' 'TEXT' > PATH" or "rm -f PATH" (stdout); for
 * --vfio / --host then "# N queues FROM -> TO: AA.DDDD ..." (unless -q).
 */
void report_dry_run(const struct chzap *c, const struct zap_plan *plan);
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
/*
 * --host with nothing to write: name the queues of the ids given (-a and
 * -d) that stay vfio's in @model, and the mask bit that keeps them there
 * (sets c->staying), unless -q or --json; "already" is then not said.
 */
void report_queues_staying(struct chzap *c, const struct zap_model *model,
			   const struct zap_plan *plan);
/*
 * In each refusal of @plan, "mdev UUID" of an mdev a libvirt domain uses
 * becomes "VM NAME (mdev UUID)" (@model loaded with ZAP_LOAD_VMS).
 */
/* --auto: the chosen block and its APQNs on stderr, unless -q. */
void report_auto_choice(const struct chzap *c, const struct zap_block *block);

/* -------------------------------------------------------------- json.c */

/* The "version" of chzap's JSON object (chzap(8), JSON OUTPUT). */
#define CHZAP_JSON_VERSION 1

/*
 * Print the one JSON object of --json on stdout: the outcome of @plan (may
 * be NULL: nothing was planned), @status the exit code, @error the message
 * ("error": null when NULL).
 */
void report_json(const struct chzap *c, const struct zap_plan *plan,
		 int status, const char *error);

/* -------------------------------------------------------------- auto.c */

/*
 * Parse the argument of --auto into @a: "NxM" (a block of N adapters by M
 * usage domains), "domains+M" or "adapters+N" (grow an mdev; singular too),
 * or the old growth forms "0xM" and "Nx0". Counts are decimal, 0 to
 * ZAP_IDS, without leading zeros. Returns: false when @arg is none of them.
 */
bool auto_parse(struct chzap_auto *a, const char *arg);

/*
 * Replace the ids of c->change by the block --auto chooses in @model.
 * Returns: 0; -errno with @err filled (no block: status REFUSED, message
 * naming the largest blocks); 1 when the target's own plan is refused
 * (*@refused set, for the caller to report; free it).
 */
int auto_choose(struct chzap *c, const struct zap_model *model,
		struct zap_plan **refused, struct zap_error *err);

/*
 * auto_rechoose - zap_apply_options.choose of --auto (@data: the struct
 * chzap): choose the block again in the configuration re-loaded under the
 * lock, print the choice if it changed, put it into @change.
 * Returns: 0; -ENOSPC (REFUSED, the message names the largest blocks).
 */
int auto_rechoose(struct zap_change *change, const struct zap_model *model,
		  void *data, struct zap_error *err);

/* ------------------------------------------------------------- apply.c */

/*
 * --apply: read the document c->apply_file into c->config.
 * Returns: 0; -errno with @err filled (status USAGE: bad document).
 */
int apply_read(struct chzap *c, struct zap_error *err);
/* --apply: the plan that makes @model equal c->config (zap_config_plan). */
int apply_build(const struct chzap *c, const struct zap_model *model,
		struct zap_plan **plan, struct zap_error *err);
/* --apply: lock, re-plan, write, roll back (zap_config_apply). */
int apply_write(const struct chzap *c, struct zap_plan **plan,
		const struct zap_paths *paths,
		const struct zap_apply_options *how, struct zap_error *err);
/* --apply: the note that the host equals the document already, unless -q. */
void apply_report_nothing(const struct chzap *c);
/* --apply: after the writes, the queues that changed owner, unless -q. */
void apply_report_done(const struct chzap *c, const struct zap_plan *plan);

/* -------------------------------------------------------------- save.c */

/*
 * --save: c->config = the live @model's document (zap_config_save), the
 * mdev c->change.uuid only with -m; new definitions get c->change.autostart.
 * Returns: 0; -errno with @err filled (status NOT_FOUND: unknown mdev).
 */
int save_read(struct chzap *c, const struct zap_model *model,
	      struct zap_error *err);

#endif
