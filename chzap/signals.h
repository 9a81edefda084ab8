/* SPDX-License-Identifier: MIT */
/*
 * signals.h - chzap's signals during a change (signals.c): deferred, not
 * fatal, from before the lock is taken until the outcome is reported.
 *
 * Copyright zap developers 2026
 */
#ifndef CHZAP_SIGNALS_H
#define CHZAP_SIGNALS_H

#include <stddef.h>

/*
 * Defer every signal whose default action ends the process (all but
 * SIGKILL): each is only noted. Signals the caller ignores stay ignored;
 * a fault the kernel raises (SIGSEGV, ...) still ends chzap.
 */
void signals_defer(void);
/* The first signal noted since signals_defer(), 0 if none. */
int signals_caught(void);
/* "SIGTERM", "SIGRTMIN+3", ... for @sig. */
const char *signals_name(int sig, char *buf, size_t size);

#endif
