/* SPDX-License-Identifier: MIT */
/*
 * audit.h - chzap's audit trail: one system log record per run that
 * writes, is refused or fails (chzap(8), AUDIT TRAIL).
 *
 * Copyright zap developers 2026
 */
#ifndef AUDIT_H
#define AUDIT_H

#include "chzap.h"

/* Remember the command line for the record (first thing in main()). */
void audit_start(int argc, const char **argv);
/*
 * Log the record of the run's outcome: @plan (NULL when nothing was
 * planned), @status the exit code, @error the failure's message (NULL
 * when none). No record for --dry-run, nor for a run that wrote nothing
 * and exits 0.
 */
void audit_record(const struct chzap *c, const struct zap_plan *plan,
		  int status, const char *error);

#endif
