// SPDX-License-Identifier: MIT
/*
 * bootlog.c - lszap --check --log, the boot-time check (zap-check.service):
 * one system log record per problem --check shows (MESSAGE_ID
 * LOG_ID_CHECK_PROBLEM, its kind, APQNs, mdevs and file), one per mdev
 * whose definition autostarts but that is not active (kind not-started:
 * mdevctl's autostart failed, an error for --log), then one summary record
 * (LOG_ID_CHECK_SUMMARY) with the counts and the exit code. Without --log
 * lszap logs nothing. Sent by chzap/logrecord.c.
 *
 * Copyright zap developers 2026
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "../chzap/logrecord.h"
#include "lszap.h"

/* ZAP_APQNS=AA.DDDD ... of problem @p, when it names APQNs. */
static void add_apqns(struct log_record *r, const struct zap_problem *p)
{
	char *text, *end;

	if (!p->nr_apqns)
		return;
	/* "AA.DDDD" and a space or the final NUL: ZAP_APQN_STRLEN each */
	text = calloc(p->nr_apqns, ZAP_APQN_STRLEN);
	if (!text) {
		r->failed = true;
		return;
	}
	end = text;
	for (size_t i = 0; i < p->nr_apqns; i++) {
		if (i)
			*end++ = ' ';
		zap_apqn_print(p->apqns[i] >> 8, p->apqns[i] & 0xff, end);
		end += strlen(end);
	}
	log_record_add(r, "ZAP_APQNS", "%s", text);
	free(text);
}

/* Send @r (LOG_DAEMON); warn once when it cannot be logged. */
static void send(struct log_record *r, int priority, bool *warned)
{
	int rc = log_record_send(r, PROGRAM, LOG_DAEMON, priority);

	if (rc && !*warned) {
		lszap_warn("warning: the check's record was not logged: %s",
			   strerror(-rc));
		*warned = true;
	}
	log_record_free(r);
}

/* Log problem @p (err or info priority as its kind is an error). */
static void log_problem(const struct zap_problem *p, bool *warned)
{
	bool error = zap_problem_kind_is_error(p->kind);
	struct log_record r = { 0 };

	log_record_add(&r, "MESSAGE", PROGRAM " --check: %s: %s",
		       zap_problem_kind_name(p->kind), p->message);
	log_record_add(&r, "MESSAGE_ID", LOG_ID_CHECK_PROBLEM);
	log_record_add(&r, "ZAP_PROBLEM", "%s", zap_problem_kind_name(p->kind));
	add_apqns(&r, p);
	for (unsigned int i = 0; i < p->nr_mdevs && i < 2; i++)
		log_record_add(&r, "ZAP_MDEV", "%s", p->mdevs[i]);
	if (p->path[0])
		log_record_add(&r, "ZAP_PATH", "%s", p->path);
	send(&r, error ? LOG_ERR : LOG_INFO, warned);
}

/* Log the autostart mdev model->mdevs[@index], which is not active. */
static void log_not_started(const struct zap_model *model, size_t index,
			    bool *warned)
{
	const struct zap_mdev *m = &model->mdevs[index];
	const char *path = model->definitions[m->definition].path;
	struct log_record r = { 0 };

	log_record_add(&r, "MESSAGE",
		       PROGRAM " --check: not-started: mdev %s is not active, but its definition %s autostarts: mdevctl's autostart failed or has not run",
		       m->uuid, path);
	log_record_add(&r, "MESSAGE_ID", LOG_ID_CHECK_PROBLEM);
	log_record_add(&r, "ZAP_PROBLEM", "not-started");
	log_record_add(&r, "ZAP_MDEV", "%s", m->uuid);
	log_record_add(&r, "ZAP_PATH", "%s", path);
	send(&r, LOG_ERR, warned);
}

/*
 * --log: one record per problem shown and per autostart mdev not active,
 * then the summary; returns @status, 3 when an mdev did not start.
 * Nothing without --log.
 */
int bootlog_record(struct lszap *l, int status)
{
	struct log_record r = { 0 };
	size_t shown = 0, errors = 0;
	bool warned = false;

	if (!l->log)
		return status;
	describe_problems(l);
	for (size_t i = 0; i < l->problems.count; i++) {
		const struct zap_problem *p = &l->problems.items[i];

		if (!filter_problem(l, p))
			continue;
		log_problem(p, &warned);
		shown++;
		errors += zap_problem_kind_is_error(p->kind);
	}
	for (size_t i = 0; i < l->model->nr_mdevs; i++) {
		const struct zap_mdev *m = &l->model->mdevs[i];

		if (m->active || !describe_mdev_autostart(l->model, m) ||
		    !filter_mdev(l, (int)i))
			continue;
		log_not_started(l->model, i, &warned);
		shown++;
		errors++;
		if (status == 0)
			status = ZAP_STATUS_REFUSED;
	}
	if (shown)
		log_record_add(&r, "MESSAGE",
			       PROGRAM " --check: %zu problem%s in the AP configuration, %zu of them error%s",
			       shown, shown == 1 ? "" : "s", errors,
			       errors == 1 ? "" : "s");
	else
		log_record_add(&r, "MESSAGE",
			       PROGRAM " --check: no problem in the AP configuration");
	log_record_add(&r, "MESSAGE_ID", LOG_ID_CHECK_SUMMARY);
	log_record_add(&r, "ZAP_PROBLEMS", "%zu", shown);
	log_record_add(&r, "ZAP_ERRORS", "%zu", errors);
	log_record_add(&r, "ZAP_EXIT_CODE", "%d", status);
	send(&r, errors ? LOG_ERR : LOG_INFO, &warned);
	return status;
}
