// SPDX-License-Identifier: MIT
/*
 * report.c - what chzap prints about a plan: the planned writes and file
 * changes of a dry run as shell lines, refusals and warnings with every
 * culprit the library named, the note when nothing needs doing, the queues
 * that change owner, the UUID of a new mdev, (-V) each write as the library
 * makes it and each file after the apply, the writes of a recovery, and
 * the block --auto chose. Everything printed comes from struct zap_plan
 * (or the library's block); nothing is decided here.
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

/* Print @text to @out as one single-quoted shell word (newlines kept). */
static void print_quoted(FILE *out, const char *text)
{
	fputc('\'', out);
	for (; *text; text++) {
		if (*text == '\'')
			fputs("'\\''", out);
		else
			fputc(*text, out);
	}
	fputc('\'', out);
}

/* Print @text to @out as one shell word, single-quoted only if needed. */
static void print_shell_word(FILE *out, const char *text)
{
	if (shell_safe(text))
		fputs(text, out);
	else
		print_quoted(out, text);
}

/* Print "echo VALUE > PATH" (no newline) to @out. */
static void print_echo(FILE *out, const char *value, const char *path)
{
	fputs("echo ", out);
	print_shell_word(out, value);
	fputs(" > ", out);
	print_shell_word(out, path);
}

/*
 * Print a file change as the shell line that has the same result:
 * "printf '%s' 'TEXT' > PATH" (TEXT the whole new content, byte for byte)
 * or "rm -f PATH".
 */
static void print_file_change(const struct zap_file_change *f)
{
	if (f->content) {
		fputs("printf '%s' ", stdout);
		print_quoted(stdout, f->content);
		fputs(" > ", stdout);
	} else {
		fputs("rm -f ", stdout);
	}
	print_shell_word(stdout, f->path);
	fputc('\n', stdout);
}

/* Print "N queues FROM -> TO[ at boot]: AA.DDDD ..." on stdout. */
static void print_owner_change(size_t count, const uint16_t *apqns,
			       const char *from, const char *to, bool boot);

/*
 * Print each planned write, then each file change, as shell lines; for a
 * mask change then the queues that change owner, as a shell comment ("# 2
 * queues host -> vfio: 05.0047 06.0047"), so that the lines still paste.
 */
void report_dry_run(const struct chzap *c, const struct zap_plan *plan)
{
	bool boot = plan->change.scope == ZAP_SCOPE_PERSISTENT;

	for (size_t i = 0; i < plan->nr_writes; i++) {
		print_echo(stdout, plan->writes[i].value, plan->writes[i].path);
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < plan->nr_files; i++)
		print_file_change(&plan->files[i]);
	if (c->quiet)
		return;
	if (plan->change.kind == ZAP_CHANGE_TO_VFIO) {
		fputs("# ", stdout);
		print_owner_change(plan->nr_to_vfio, plan->to_vfio, "host",
				   "vfio", boot);
	} else if (plan->change.kind == ZAP_CHANGE_TO_HOST) {
		fputs("# ", stdout);
		print_owner_change(plan->nr_to_host, plan->to_host, "vfio",
				   "host", boot);
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
	bool boot = change->scope == ZAP_SCOPE_PERSISTENT;
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
	case ZAP_CHANGE_TO_HOST:
		/* report_queues_staying() said why it is not in effect */
		if (c->staying)
			return;
		chzap_warn("already in the requested state: %s give these queues to %s already; nothing written",
			   boot ? "the persistent masks (41-ap.rules)" :
			   "apmask/aqmask",
			   change->kind == ZAP_CHANGE_TO_VFIO ? "vfio_ap" :
			   "the host");
		return;
	case ZAP_CHANGE_OWNERSHIP:
		chzap_warn("already in the requested state: ownership: %s; nothing written",
			   zap_ownership_name((enum zap_ownership)change->ownership));
		return;
	case ZAP_CHANGE_AUTOSTART:
		chzap_warn("already in the requested state: the definition of mdev %s has \"start\": \"%s\" already; nothing written",
			   change->uuid, change->autostart ? "auto" : "manual");
		return;
	default:
		chzap_warn("already in the requested state; nothing written");
		return;
	}
	chzap_warn("already in the requested state: %smdev %s %s; nothing written",
		   boot ? "the definition of " : "", change->uuid, what);
}

/* Print "N queues FROM -> TO[ at boot]: AA.DDDD ..." on stdout. */
static void print_owner_change(size_t count, const uint16_t *apqns,
			       const char *from, const char *to, bool boot)
{
	char apqn[ZAP_APQN_STRLEN];

	printf("%zu queue%s %s -> %s%s%s", count, count == 1 ? "" : "s", from,
	       to, boot ? " at boot" : "", count ? ":" : "");
	for (size_t i = 0; i < count; i++) {
		zap_apqn_print(apqns[i] >> 8, apqns[i] & 0xff, apqn);
		printf(" %s", apqn);
	}
	putchar('\n');
}

/* After a successful apply: the new UUID; which queues changed owner. */
void report_done(const struct chzap *c, const struct zap_plan *plan)
{
	bool boot = plan->change.scope == ZAP_SCOPE_PERSISTENT;

	switch (plan->change.kind) {
	case ZAP_CHANGE_CREATE:
		/* the only line on stdout, even with -q: U=$(chzap --create) */
		printf("%s\n", plan->change.uuid);
		break;
	case ZAP_CHANGE_OWNERSHIP:
		if (!c->quiet)
			printf("ownership: %s\n",
			       zap_ownership_name((enum zap_ownership)
						  plan->change.ownership));
		break;
	case ZAP_CHANGE_TO_VFIO:
	case ZAP_CHANGE_TO_HOST:
		if (c->quiet)
			break;
		if (plan->change.kind == ZAP_CHANGE_TO_VFIO)
			print_owner_change(plan->nr_to_vfio, plan->to_vfio,
					   "host", "vfio", boot);
		else
			print_owner_change(plan->nr_to_host, plan->to_host,
					   "vfio", "host", boot);
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

/* Print "chzap: [undo: ]VERB PATH[: failed: ...]" for a file (stderr). */
static void print_file_line(const char *prefix, const char *verb,
			    const char *path, int errnum)
{
	const char *name = errnum ? strerrorname_np(errnum) : NULL;

	fprintf(stderr, PROGRAM ": %s%s ", prefix, verb);
	print_shell_word(stderr, path);
	if (errnum)
		fprintf(stderr, ": failed: %s (%s)", strerror(errnum),
			name ? name : "?");
	fputc('\n', stderr);
}

/*
 * -V after an apply: "write PATH" or "remove PATH" per file attempted, in
 * order, with the errno when it failed; then, last first, the files put
 * back after a failure: "undo: write PATH" (old text restored) or "undo:
 * remove PATH" (the file did not exist before).
 */
void report_files(const struct zap_plan *plan)
{
	for (size_t i = 0; i < plan->nr_files; i++) {
		const struct zap_file_change *f = &plan->files[i];

		if (f->result == ZAP_WRITE_PENDING)
			continue;
		print_file_line("", f->content ? "write" : "remove", f->path,
				f->result == ZAP_WRITE_FAILED ? f->errnum : 0);
	}
	for (size_t i = plan->nr_files; i-- > 0;) {
		const struct zap_file_change *f = &plan->files[i];

		if (f->result != ZAP_WRITE_UNDONE &&
		    f->result != ZAP_WRITE_UNDO_FAILED)
			continue;
		print_file_line("undo: ", f->old_content ? "write" : "remove",
				f->path, f->result == ZAP_WRITE_UNDO_FAILED ?
				f->errnum : 0);
	}
}

/*
 * --recover: each write made, as a shell line on stdout (also with -q: it
 * is the result); then, unless -q, a note naming the change recovered.
 */
void report_recovered(const struct chzap *c, const struct zap_plan *plan,
		      const struct zap_journal_info *journal, bool done)
{
	size_t made = 0;

	for (size_t i = 0; i < plan->nr_writes; i++) {
		const struct zap_write *w = &plan->writes[i];

		if (w->result != ZAP_WRITE_OK)
			continue;
		print_echo(stdout, w->value, w->path);
		fputc('\n', stdout);
		made++;
	}
	if (c->quiet || !done)
		return;
	if (plan->nothing_to_do) {
		chzap_warn("no unfinished change to recover; nothing written");
		return;
	}
	if (journal->present)
		chzap_warn("the unfinished change '%s' of process %d (%zu of %zu writes made) is %s: %zu write%s",
			   journal->change, journal->pid, journal->nr_done,
			   journal->nr_writes,
			   c->recover_mode == ZAP_RECOVER_UNDO ? "undone" :
			   "completed", made, made == 1 ? "" : "s");
	else
		chzap_warn("the unfinished change is %s: %zu write%s",
			   c->recover_mode == ZAP_RECOVER_UNDO ? "undone" :
			   "completed", made, made == 1 ? "" : "s");
}

/*
 * --auto, unless -q: "chzap: --auto ARG chose adapters LIST x domains
 * LIST: AA.DDDD ..." (the lists as -a and -d take them; the APQNs the
 * block adds).
 */
void report_auto_choice(const struct chzap *c, const struct zap_block *block)
{
	char adapters[1024], domains[1024], apqn[ZAP_APQN_STRLEN];
	unsigned int a, d;

	if (c->quiet || c->json)
		return;
	zap_ids_print(&block->adapters, adapters, sizeof(adapters));
	zap_ids_print(&block->domains, domains, sizeof(domains));
	fprintf(stderr, PROGRAM ": --auto %s chose adapters %s x domains %s:",
		c->autoalloc.text, adapters, domains);
	zap_for_each_set_bit(a, &block->adapters)
		zap_for_each_set_bit(d, &block->domains) {
			zap_apqn_print(a, d, apqn);
			fprintf(stderr, " %s", apqn);
		}
	fputc('\n', stderr);
}

/* After a live-only change the boot side does not have: say so, unless -q. */
void report_not_persistent(const struct chzap *c, const struct zap_plan *plan)
{
	if (c->quiet || plan->persistent || plan->nothing_to_do ||
	    plan->change.scope != ZAP_SCOPE_LIVE)
		return;
	/* after the result on stdout, also when it is a pipe */
	fflush(stdout);
	chzap_warn("note: this change is live only and is lost at the next reboot; to keep it, make it with -p, repeat it with -P, or run chzap --save");
}

/* --host, nothing written: the named queues that stay vfio's, and why. */
void report_queues_staying(struct chzap *c, const struct zap_model *model,
			   const struct zap_plan *plan)
{
	const struct zap_change *change = &plan->change;
	struct zap_bitmap adapters, domains;
	char apqn[ZAP_APQN_STRLEN], a_list[1024], d_list[1024];
	size_t i, count = 0;

	if (change->kind != ZAP_CHANGE_TO_HOST ||
	    change->scope != ZAP_SCOPE_LIVE || c->quiet || c->json)
		return;
	zap_bitmap_zero(&adapters);
	zap_bitmap_zero(&domains);
	for (i = 0; i < model->nr_queues; i++) {
		const struct zap_queue *q = &model->queues[i];

		if ((!zap_bitmap_empty(&change->adapters) &&
		     !zap_bitmap_test(&change->adapters, q->adapter)) ||
		    (!zap_bitmap_empty(&change->domains) &&
		     !zap_bitmap_test(&change->domains, q->domain)) ||
		    zap_model_host_owned(model, q->adapter, q->domain))
			continue;
		/* the bit of the other mask keeps it in the vfio_ap pool */
		if (!zap_bitmap_test(&model->bus.apmask, q->adapter))
			zap_bitmap_set(&adapters, q->adapter);
		if (!zap_bitmap_test(&model->bus.aqmask, q->domain))
			zap_bitmap_set(&domains, q->domain);
		if (!count++)
			fprintf(stderr, PROGRAM ": not in effect for every queue named: apmask and aqmask already have the ids given, but these queues stay vfio's:");
		zap_apqn_print(q->adapter, q->domain, apqn);
		fprintf(stderr, " %s", apqn);
	}
	if (!count)
		return;
	zap_ids_print(&adapters, a_list, sizeof(a_list));
	zap_ids_print(&domains, d_list, sizeof(d_list));
	fprintf(stderr, " (the other mask: %s%s%s%s%s; 'chzap --host%s%s%s%s' gives them to the host); nothing written\n",
		a_list[0] ? "apmask lacks adapters " : "", a_list,
		a_list[0] && d_list[0] ? ", " : "",
		d_list[0] ? "aqmask lacks domains " : "", d_list,
		a_list[0] ? " -a " : "", a_list,
		d_list[0] ? " -d " : "", d_list);
	c->staying = true;
}

