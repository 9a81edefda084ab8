// SPDX-License-Identifier: MIT
/*
 * signals.c - what chzap does with signals during a change: from before
 * the lock is taken until the outcome is reported, every signal whose
 * default action would end chzap (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
 * SIGUSR1, SIGALRM, the real-time signals, ...) is only noted, so that the
 * change is finished or rolled back, the lock released and the journal
 * removed: only SIGKILL can cut a change in half. A closed standard output
 * or error then only loses output (EPIPE). The library's lock wait ends on
 * a noted signal (a handler ran: -EINTR). A fault the kernel raises
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) is no signal to defer:
 * it takes its default action.
 *
 * Copyright zap developers 2026
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "signals.h"

/* The first signal noted, 0 if none. */
static volatile sig_atomic_t first_signal;

/* The signals whose default action is to end the process (signal(7)). */
static const int fatal_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
	SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
	SIGPWR,
#endif
	SIGSYS,
};

/* Is @sig one the kernel raises for a fault of the instruction itself? */
static bool is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
	       sig == SIGILL || sig == SIGTRAP || sig == SIGSYS;
}

/* The handler: note the first signal; let a real fault take its course. */
static void note_signal(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (is_fault_signal(sig) && info && info->si_code > 0) {
		/* raised by the kernel, not sent: the instruction faults again */
		signal(sig, SIG_DFL);
		return;
	}
	if (!first_signal)
		first_signal = sig;
}

/* Defer @sig unless the caller ignores it. */
static void defer_one(int sig)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) || (!(old.sa_flags & SA_SIGINFO) &&
					   old.sa_handler == SIG_IGN))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = note_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Defer every default-fatal signal but SIGKILL until chzap exits. */
void signals_defer(void)
{
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(*fatal_signals);
	     i++)
		defer_one(fatal_signals[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		defer_one(sig);
}

/* The first signal noted since signals_defer(), 0 if none. */
int signals_caught(void)
{
	return first_signal;
}

/* "SIGTERM", "SIGRTMIN+3", ... for @sig, in @buf. */
const char *signals_name(int sig, char *buf, size_t size)
{
	const char *abbrev;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	abbrev = sigabbrev_np(sig);
	snprintf(buf, size, "SIG%s", abbrev ? abbrev : "?");
	return buf;
}
