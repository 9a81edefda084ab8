// SPDX-License-Identifier: MIT
/*
 * audit.c - chzap's audit trail: the one system log record of a run that
 * writes, is refused or fails, with a fixed MESSAGE_ID per outcome, the
 * command line, the uid, SUDO_USER, the mdev, the APQNs that changed
 * owner, every write and file with its result, the refusals, the error and
 * the exit code (chzap(8), AUDIT TRAIL). Everything comes from the plan
 * the library returned; nothing is decided here. Sent by logrecord.c.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"
#include "logrecord.h"

/* The command line as given, for ZAP_COMMAND_LINE. */
static int audit_argc;
static const char **audit_argv;

/* Remember the command line for the record (first thing in main()). */
void audit_start(int argc, const char **argv)
{
	audit_argc = argc;
	audit_argv = argv;
}

/* Append @word to @out as one shell word, single-quoted when needed. */
static void put_shell_word(FILE *out, const char *word)
{
	if (*word && !word[strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz0123456789"
				   "_./:,+=@%-")]) {
		fputs(word, out);
		return;
	}
	fputc('\'', out);
	for (; *word; word++) {
		if (*word == '\'')
			fputs("'\\''", out);
		else
			fputc(*word, out);
	}
	fputc('\'', out);
}

/* ZAP_COMMAND_LINE: argv as a shell command line. */
static void add_command_line(struct log_record *r)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);

	if (!mem) {
		r->failed = true;
		return;
	}
	for (int i = 0; i < audit_argc; i++) {
		if (i)
			fputc(' ', mem);
		put_shell_word(mem, audit_argv[i]);
	}
	if (fclose(mem)) {
		r->failed = true;
	} else {
		log_record_add(r, "ZAP_COMMAND_LINE", "%s", text);
	}
	free(text);
}

/* NAME=AA.DDDD AA.DDDD ... of @count APQNs, when there is one. */
static void add_apqns(struct log_record *r, const char *name, size_t count,
		      const uint16_t *apqns)
{
	char *text, *end;

	if (!count)
		return;
	/* "AA.DDDD" and a space or the final NUL: ZAP_APQN_STRLEN each */
	text = calloc(count, ZAP_APQN_STRLEN);
	if (!text) {
		r->failed = true;
		return;
	}
	end = text;
	for (size_t i = 0; i < count; i++) {
		if (i)
			*end++ = ' ';
		zap_apqn_print(apqns[i] >> 8, apqns[i] & 0xff, end);
		end += strlen(end);
	}
	log_record_add(r, name, "%s", text);
	free(text);
}

/* "ok", "undone", "failed: ENAME" or "undo failed: ENAME" of a result. */
static const char *result_text(enum zap_write_result result, int errnum,
			       int undo_errnum, char *buf, size_t size)
{
	const char *name;

	switch (result) {
	case ZAP_WRITE_OK:
		return "ok";
	case ZAP_WRITE_UNDONE:
		return "undone";
	case ZAP_WRITE_FAILED:
		name = strerrorname_np(errnum);
		snprintf(buf, size, "failed: %s", name ? name : "?");
		return buf;
	case ZAP_WRITE_UNDO_FAILED:
		name = strerrorname_np(undo_errnum);
		snprintf(buf, size, "undo failed: %s", name ? name : "?");
		return buf;
	case ZAP_WRITE_PENDING:
	default:
		return "not made";
	}
}

/* ZAP_WRITE per sysfs write attempted, ZAP_FILE per file, with results. */
static void add_writes(struct log_record *r, const struct zap_plan *plan)
{
	char buf[64];

	for (size_t i = 0; i < plan->nr_writes; i++) {
		const struct zap_write *w = &plan->writes[i];

		if (w->result == ZAP_WRITE_PENDING)
			continue;
		log_record_add(r, "ZAP_WRITE", "echo %s > %s: %s", w->value,
			       w->path, result_text(w->result, w->errnum,
						    w->undo_errnum, buf,
						    sizeof(buf)));
	}
	for (size_t i = 0; i < plan->nr_files; i++) {
		const struct zap_file_change *f = &plan->files[i];

		if (f->result == ZAP_WRITE_PENDING)
			continue;
		log_record_add(r, "ZAP_FILE", "%s %s: %s",
			       f->content ? "write" : "remove", f->path,
			       result_text(f->result, f->errnum, f->errnum,
					   buf, sizeof(buf)));
	}
}

/* Did the run attempt a write or a file change? */
static bool attempted(const struct zap_plan *plan)
{
	for (size_t i = 0; plan && i < plan->nr_writes; i++)
		if (plan->writes[i].result != ZAP_WRITE_PENDING)
			return true;
	for (size_t i = 0; plan && i < plan->nr_files; i++)
		if (plan->files[i].result != ZAP_WRITE_PENDING)
			return true;
	return false;
}

/* MESSAGE: who, the outcome, and its first reason. */
static void add_message(struct log_record *r, const struct zap_plan *plan,
			int status, const char *error, const char *sudo_user)
{
	char who[128];
	size_t moved;

	snprintf(who, sizeof(who), PROGRAM " run by uid %u%s%s",
		 (unsigned int)getuid(), sudo_user ? " (sudo by " : "",
		 sudo_user ? sudo_user : "");
	if (sudo_user)
		strncat(who, ")", sizeof(who) - strlen(who) - 1);
	if (status == ZAP_STATUS_OK && plan) {
		moved = plan->nr_to_vfio + plan->nr_to_host +
			plan->nr_assigned + plan->nr_unassigned;
		log_record_add(r, "MESSAGE",
			       "%s changed the AP configuration: %zu APQN%s changed owner",
			       who, moved, moved == 1 ? "" : "s");
	} else if (status == ZAP_STATUS_REFUSED) {
		log_record_add(r, "MESSAGE", "%s: refused: %s", who,
			       plan && plan->refusals.count ?
			       plan->refusals.items[0].message :
			       error ? error : "refused");
	} else {
		log_record_add(r, "MESSAGE", "%s: failed (exit %d): %s", who,
			       status, error ? error : "failed");
	}
}

/* Log the record of the run's outcome (see audit.h). */
void audit_record(const struct chzap *c, const struct zap_plan *plan,
		  int status, const char *error)
{
	const char *sudo_user = getenv("SUDO_USER");
	const char *mdev = plan ? plan->change.uuid : c->change.uuid;
	struct log_record r = { 0 };
	int priority, rc;

	if (c->dry_run || (status == ZAP_STATUS_OK && !attempted(plan)))
		return;
	if (sudo_user && !*sudo_user)
		sudo_user = NULL;
	add_message(&r, plan, status, error, sudo_user);
	if (status == ZAP_STATUS_OK) {
		log_record_add(&r, "MESSAGE_ID", LOG_ID_CHZAP_CHANGED);
		priority = LOG_NOTICE;
	} else if (status == ZAP_STATUS_REFUSED) {
		log_record_add(&r, "MESSAGE_ID", LOG_ID_CHZAP_REFUSED);
		priority = LOG_WARNING;
	} else {
		log_record_add(&r, "MESSAGE_ID", LOG_ID_CHZAP_FAILED);
		priority = LOG_ERR;
	}
	add_command_line(&r);
	log_record_add(&r, "ZAP_UID", "%u", (unsigned int)getuid());
	if (sudo_user)
		log_record_add(&r, "ZAP_SUDO_USER", "%s", sudo_user);
	if (mdev[0])
		log_record_add(&r, "ZAP_MDEV", "%s", mdev);
	if (plan && status == ZAP_STATUS_OK) {
		add_apqns(&r, "ZAP_HOST_TO_VFIO", plan->nr_to_vfio,
			  plan->to_vfio);
		add_apqns(&r, "ZAP_VFIO_TO_HOST", plan->nr_to_host,
			  plan->to_host);
		add_apqns(&r, "ZAP_ASSIGNED", plan->nr_assigned,
			  plan->assigned);
		add_apqns(&r, "ZAP_UNASSIGNED", plan->nr_unassigned,
			  plan->unassigned);
	}
	if (plan)
		add_writes(&r, plan);
	for (size_t i = 0; plan && status == ZAP_STATUS_REFUSED &&
	     i < plan->refusals.count; i++)
		log_record_add(&r, "ZAP_REFUSAL", "%s: %s",
			       zap_problem_kind_name(plan->refusals.items[i].kind),
			       plan->refusals.items[i].message);
	if (error && status != ZAP_STATUS_OK)
		log_record_add(&r, "ZAP_ERROR", "%s", error);
	log_record_add(&r, "ZAP_EXIT_CODE", "%d", status);
	rc = log_record_send(&r, PROGRAM, LOG_AUTHPRIV, priority);
	if (rc && !c->json)
		chzap_warn("warning: the audit record was not logged: %s",
			   strerror(-rc));
	log_record_free(&r);
}
