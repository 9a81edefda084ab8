// SPDX-License-Identifier: MIT
/*
 * report.c - what chzap prints about a plan: the planned writes of a dry
 * run as shell lines, refusals and warnings with every culprit the library
 * named, the note when nothing needs doing, the queues that change owner,
 * the UUID of a new mdev, and (-V) each write as the library makes it.
 * Everything printed comes from struct zap_plan; nothing is decided here.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>
#include <string.h>

#include "chzap.h"

/* Does @text need no quoting in a POSIX shell word? */
static bool shell_safe(const char *text)
{
	if (!*text)
		return false;
	return text[strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz"
				 "0123456789_./:,+=@%-")] == '\0';
}

/* Print @text to @out as one shell word, single-quoted only if needed. */
static void print_shell_word(FILE *out, const char *text)
{
	if (shell_safe(text)) {
		fputs(text, out);
		return;
	}
	fputc('\'', out);
	for (; *text; text++) {
		if (*text == '\'')
			fputs("'\\''", out);
		else
			fputc(*text, out);
	}
	fputc('\'', out);
}

/* Print "echo VALUE > PATH" (no newline) to @out. */
static void print_echo(FILE *out, const char *value, const char *path)
{
	fputs("echo ", out);
	print_shell_word(out, value);
	fputs(" > ", out);
	print_shell_word(out, path);
}

/* Print each planned write as a shell line, in order. */
void report_dry_run(const struct zap_plan *plan)
{
	for (size_t i = 0; i < plan->nr_writes; i++) {
		print_echo(stdout, plan->writes[i].value, plan->writes[i].path);
		fputc('\n', stdout);
	}
}

/* Print every refusal: each message names its APQNs and mdevs. */
void report_refusals(const struct zap_plan *plan)
{
	for (size_t i = 0; i < plan->refusals.count; i++)
		chzap_warn("%s", plan->refusals.items[i].message);
}

/* Print every warning, unless -q or the plan is refused (no change). */
void report_warnings(const struct chzap *c, const struct zap_plan *plan)
{
	if (c->quiet || plan->refusals.count)
		return;
	for (size_t i = 0; i < plan->warnings.count; i++)
		chzap_warn("warning: %s", plan->warnings.items[i].message);
}

/* Say what is in effect already (nothing written), unless -q. */
void report_nothing_to_do(const struct chzap *c, const struct zap_plan *plan)
{
	const struct zap_change *change = &plan->change;
	const char *what;

	if (c->quiet)
		return;
	switch (change->kind) {
	case ZAP_CHANGE_ASSIGN:
		what = "already has these adapters, domains and control domains";
		break;
	case ZAP_CHANGE_UNASSIGN:
		what = "has none of these adapters, domains and control domains";
		break;
	case ZAP_CHANGE_TO_VFIO:
		chzap_warn("already in the requested state: apmask/aqmask give these queues to vfio_ap already; nothing written");
		return;
	case ZAP_CHANGE_TO_HOST:
		chzap_warn("already in the requested state: apmask/aqmask give these queues to the host already; nothing written");
		return;
	default:
		chzap_warn("already in the requested state; nothing written");
		return;
	}
	chzap_warn("already in the requested state: mdev %s %s; nothing written",
		   change->uuid, what);
}

/* Print "N queues FROM -> TO: AA.DDDD ..." on stdout. */
static void print_owner_change(size_t count, const uint16_t *apqns,
			       const char *from, const char *to)
{
	char apqn[ZAP_APQN_STRLEN];

	printf("%zu queue%s %s -> %s%s", count, count == 1 ? "" : "s", from,
	       to, count ? ":" : "");
	for (size_t i = 0; i < count; i++) {
		zap_apqn_print(apqns[i] >> 8, apqns[i] & 0xff, apqn);
		printf(" %s", apqn);
	}
	putchar('\n');
}

/* After a successful apply: the new UUID; which queues changed owner. */
void report_done(const struct chzap *c, const struct zap_plan *plan)
{
	switch (plan->change.kind) {
	case ZAP_CHANGE_CREATE:
		/* the only line on stdout, even with -q: U=$(chzap --create) */
		printf("%s\n", plan->change.uuid);
		break;
	case ZAP_CHANGE_TO_VFIO:
	case ZAP_CHANGE_TO_HOST:
		if (c->quiet)
			break;
		if (plan->change.kind == ZAP_CHANGE_TO_VFIO)
			print_owner_change(plan->nr_to_vfio, plan->to_vfio,
					   "host", "vfio");
		else
			print_owner_change(plan->nr_to_host, plan->to_host,
					   "vfio", "host");
		break;
	default:
		break;
	}
}

/* Print ": failed: <errno in words> (ENAME)" for @errnum on stderr. */
static void print_failure(int errnum)
{
	const char *name = strerrorname_np(errnum);

	fprintf(stderr, ": failed: %s (%s)", zap_write_errno_text(errnum),
		name ? name : "?");
}

/* -V: one line on stderr per write or undo, as the library makes it. */
void report_write(const struct zap_write *write, void *data)
{
	(void)data;
	switch (write->result) {
	case ZAP_WRITE_OK:
	case ZAP_WRITE_FAILED:
		fputs(PROGRAM ": ", stderr);
		print_echo(stderr, write->value, write->path);
		if (write->result == ZAP_WRITE_FAILED)
			print_failure(write->errnum);
		break;
	case ZAP_WRITE_UNDONE:
	case ZAP_WRITE_UNDO_FAILED:
		if (!write->undo_path[0])
			return; /* undone by removing the mdev it was made in */
		fputs(PROGRAM ": undo: ", stderr);
		print_echo(stderr, write->undo_value, write->undo_path);
		if (write->result == ZAP_WRITE_UNDO_FAILED)
			print_failure(write->undo_errnum);
		break;
	case ZAP_WRITE_PENDING:
	default:
		return;
	}
	fputc('\n', stderr);
}
