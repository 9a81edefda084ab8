/* SPDX-License-Identifier: MIT */
/*
 * logrecord.h - one structured record for the system log, shared by
 * chzap's audit trail (audit.c) and lszap's boot-time check (bootlog.c):
 * the MESSAGE_IDs of zap's records, a list of journal fields, and the one
 * call that sends it (journal, syslog when there is no journal, or the
 * file $ZAP_LOG_FILE names).
 *
 * Copyright zap developers 2026
 */
#ifndef LOGRECORD_H
#define LOGRECORD_H

#include <stdbool.h>
#include <stddef.h>

/* The MESSAGE_IDs of zap's records (journalctl MESSAGE_ID=...). */
#define LOG_ID_CHZAP_CHANGED "bed4574cc6024abea331175d2d6ddaba"
#define LOG_ID_CHZAP_REFUSED "c76e38494f5a4b7c98e0bce5aaf8ceca"
#define LOG_ID_CHZAP_FAILED  "de7019d5581c45708778be62d42a6ac0"
#define LOG_ID_CHECK_PROBLEM "9017864cc7b647d291e7ed7eb5294dea"
#define LOG_ID_CHECK_SUMMARY "e1e66cd91d584d0c9c6bd0d523fc712c"

/* The environment variable that sends records to a file instead. */
#define LOG_FILE_ENV "ZAP_LOG_FILE"

/*
 * struct log_record - the fields of one record, "NAME=value" each, in
 * order; a name may repeat (one ZAP_WRITE per write).
 * @failed: an allocation failed; log_record_send() says so.
 */
struct log_record {
	size_t count, alloc;
	char **fields;
	bool failed;
};

/* Append the field NAME=<formatted value> to @r. */
void log_record_add(struct log_record *r, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Send @r with SYSLOG_IDENTIFIER=@ident, SYSLOG_FACILITY=@facility and
 * PRIORITY=@priority (syslog(3) values) to the file $ZAP_LOG_FILE names,
 * else the journal, else syslog. Returns 0 or -errno.
 */
int log_record_send(struct log_record *r, const char *ident, int facility,
		    int priority);
/* Free the fields of @r. */
void log_record_free(struct log_record *r);

#endif
