// SPDX-License-Identifier: MIT
/*
 * logrecord.c - sending one structured record to the system log: the
 * systemd journal through libsystemd's structured logging when its socket
 * is there, syslog(3) otherwise (the message and every field on one line),
 * or, when $ZAP_LOG_FILE names a file, that file instead (tests, and
 * admins who want a separate trail): one "NAME=value" line per field, a
 * blank line after the record, a newline inside a value written as "\n".
 * Linked into chzap (audit.c) and lszap (bootlog.c).
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "logrecord.h"

/* Append the field NAME=<formatted value> to @r. */
void log_record_add(struct log_record *r, const char *name,
		    const char *fmt, ...)
{
	char *value, *field, **grown;
	va_list ap;
	int n;

	if (r->failed)
		return;
	if (r->count == r->alloc) {
		grown = reallocarray(r->fields, r->alloc ? r->alloc * 2 : 16,
				     sizeof(*grown));
		if (!grown) {
			r->failed = true;
			return;
		}
		r->fields = grown;
		r->alloc = r->alloc ? r->alloc * 2 : 16;
	}
	va_start(ap, fmt);
	n = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->failed = true;
		return;
	}
	n = asprintf(&field, "%s=%s", name, value);
	free(value);
	if (n < 0) {
		r->failed = true;
		return;
	}
	r->fields[r->count++] = field;
}

/* Write @r to the file @path in one append (O_APPEND, mode 0600). */
static int send_to_file(const struct log_record *r, const char *path)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem;
	ssize_t n;
	int fd, rc = 0;

	mem = open_memstream(&text, &size);
	if (!mem)
		return -errno;
	for (size_t i = 0; i < r->count; i++) {
		for (const char *p = r->fields[i]; *p; p++) {
			if (*p == '\n')
				fputs("\\n", mem);
			else
				fputc(*p, mem);
		}
		fputc('\n', mem);
	}
	fputc('\n', mem);
	if (fclose(mem)) {
		free(text);
		return -ENOMEM;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		rc = -errno;
	} else {
		/* one write: records of concurrent runs do not interleave */
		n = write(fd, text, size);
		if (n < 0)
			rc = -errno;
		else if ((size_t)n != size)
			rc = -EIO;
		if (close(fd) && !rc)
			rc = -errno;
	}
	free(text);
	return rc;
}

/* The journal's native socket (libsystemd drops records silently without it). */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Send @r to the journal; -ENOENT when its socket is not there. */
static int send_to_journal(const struct log_record *r)
{
	struct iovec *iov;
	int rc;

	if (access(JOURNAL_SOCKET, F_OK))
		return -ENOENT;

	iov = calloc(r->count, sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	for (size_t i = 0; i < r->count; i++) {
		iov[i].iov_base = r->fields[i];
		iov[i].iov_len = strlen(r->fields[i]);
	}
	rc = sd_journal_sendv(iov, (int)r->count);
	free(iov);
	return rc;
}

/*
 * Send @r to syslog(3) as one line: MESSAGE, then every other field but
 * the syslog ones, as "[NAME=value; ...]".
 */
static int send_to_syslog(const struct log_record *r, const char *ident,
			  int facility, int priority)
{
	const char *message = "";
	char *text = NULL;
	size_t size = 0;
	bool first = true;
	FILE *mem;

	mem = open_memstream(&text, &size);
	if (!mem)
		return -errno;
	for (size_t i = 0; i < r->count; i++)
		if (strncmp(r->fields[i], "MESSAGE=", 8) == 0)
			message = r->fields[i] + 8;
	fputs(message, mem);
	for (size_t i = 0; i < r->count; i++) {
		const char *f = r->fields[i];

		if (strncmp(f, "MESSAGE=", 8) == 0 ||
		    strncmp(f, "PRIORITY=", 9) == 0 ||
		    strncmp(f, "SYSLOG_", 7) == 0)
			continue;
		fputs(first ? " [" : "; ", mem);
		fputs(f, mem);
		first = false;
	}
	if (!first)
		fputc(']', mem);
	if (fclose(mem)) {
		free(text);
		return -ENOMEM;
	}
	openlog(ident, LOG_PID, facility);
	syslog(priority, "%s", text);
	closelog();
	free(text);
	return 0;
}

/* Send @r: $ZAP_LOG_FILE's file, else the journal, else syslog. */
int log_record_send(struct log_record *r, const char *ident, int facility,
		    int priority)
{
	const char *file = getenv(LOG_FILE_ENV);

	log_record_add(r, "PRIORITY", "%d", priority);
	log_record_add(r, "SYSLOG_FACILITY", "%d", facility >> 3);
	log_record_add(r, "SYSLOG_IDENTIFIER", "%s", ident);
	if (r->failed)
		return -ENOMEM;
	if (file && *file)
		return send_to_file(r, file);
	if (send_to_journal(r) == 0)
		return 0;
	return send_to_syslog(r, ident, facility, priority);
}

/* Free the fields of @r. */
void log_record_free(struct log_record *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->fields[i]);
	free(r->fields);
	r->fields = NULL;
	r->count = r->alloc = 0;
}
