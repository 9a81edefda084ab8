// SPDX-License-Identifier: MIT
/*
 * lock.c - the s390-tools AP configuration lock (interop.md 2): taking it
 * the way util_lockfile does (a temporary file holding "<pid>\n", link()ed
 * to the lock path), judging a holder live, stale or still writing, waiting
 * for it, and releasing it only while it holds our PID. No temporary file
 * survives any path, a signal while waiting included.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* An empty lock (or one holding PID 0) older than this is stale. */
#define LOCK_UNWRITTEN_S 120
/* Pause between two tries while the lock is busy, plus 0..JITTER. */
#define LOCK_SLEEP_US 30000
#define LOCK_JITTER_US 3000
/* Stale locks removed in a row before we wait as if the lock were busy. */
#define LOCK_QUICK_RETRIES 100
/* Longest PID text we read; util_lockfile reads 40 bytes too. */
#define LOCK_PID_BUFSIZE 40
/* Room for "<pid>" (up to 7 digits on Linux) and "<2 hex digits>". */
#define LOCK_TEMP_SUFFIX 24

/* The signals that interrupt a wait (unless the caller ignores them). */
static const int lock_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* What stands in the way after a failed link(). */
enum holder_kind {
	HOLDER_GONE,         /* lock vanished or stale one removed: retry now */
	HOLDER_LIVE,         /* a live process (or one we may not signal) */
	HOLDER_UNWRITTEN,    /* empty or PID 0, younger than 120 s */
	HOLDER_UNREADABLE,   /* cannot be opened or read: @errnum */
	HOLDER_NOT_FILE,     /* not a regular file */
	HOLDER_STUCK,        /* stale, but cannot be removed: @errnum */
	HOLDER_CHURNING,     /* taken over and re-created too often in a row */
};

struct holder {
	enum holder_kind kind;
	pid_t pid;
	int errnum;
};

/* Microseconds of CLOCK_MONOTONIC. */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Next value of a xorshift32 sequence (the jitter of the retry pause). */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* The PID at the start of @buf as atoi() reads it; 0 if none or negative. */
static pid_t parse_pid(const char *buf, size_t len)
{
	long pid = 0;
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n'))
		i++;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		pid = pid * 10 + (buf[i] - '0');
		if (pid > INT32_MAX)
			return 0;
	}
	return (pid_t)pid;
}

/* "SIGINT", ... for the signals of lock_signals. */
static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	case SIGQUIT:
		return "SIGQUIT";
	default:
		return "a signal";
	}
}

/* "90 s", "0.5 s", "1.25 s" for @ms milliseconds, into @buf. */
static const char *format_seconds(unsigned int ms, char *buf, size_t size)
{
	unsigned int frac = ms % 1000;
	int digits = 3;

	if (!frac) {
		snprintf(buf, size, "%u s", ms / 1000);
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, size, "%u.%0*u s", ms / 1000, digits, frac);
	return buf;
}

/* Unlink @path if it still is the file @st describes; 0 or -errno. */
static int unlink_if_same(const char *path, const struct stat *st)
{
	struct stat now;

	if (lstat(path, &now))
		return errno == ENOENT ? 0 : -errno;
	if (now.st_dev != st->st_dev || now.st_ino != st->st_ino)
		return 0; /* replaced meanwhile: judge the new one next time */
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* Read who holds the lock at @path; remove it if stale (interop.md 2.4). */
static void probe_holder(const char *path, struct holder *h)
{
	char buf[LOCK_PID_BUFSIZE];
	struct stat st;
	ssize_t len;
	int fd, rc;

	h->pid = 0;
	h->errnum = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		h->kind = errno == ENOENT ? HOLDER_GONE : HOLDER_UNREADABLE;
		h->errnum = errno;
		return;
	}
	if (fstat(fd, &st)) {
		h->kind = HOLDER_UNREADABLE;
		h->errnum = errno;
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		h->kind = HOLDER_NOT_FILE;
		close(fd);
		return;
	}
	len = read(fd, buf, sizeof(buf));
	close(fd);
	h->pid = len > 0 ? parse_pid(buf, (size_t)len) : 0;

	if (h->pid > 0) {
		if (kill(h->pid, 0) == 0 || errno != ESRCH) {
			h->kind = HOLDER_LIVE; /* alive, or EPERM: not ours */
			return;
		}
	} else if (time(NULL) <= st.st_mtime + LOCK_UNWRITTEN_S) {
		h->kind = HOLDER_UNWRITTEN; /* its owner is still writing */
		return;
	}
	/* Stale: a dead PID, or empty for too long. */
	rc = unlink_if_same(path, &st);
	h->kind = rc ? HOLDER_STUCK : HOLDER_GONE;
	h->errnum = -rc;
}

/* What @h means, for a message: "is held by process 1234", ... */
static const char *describe_holder(const struct holder *h, char *buf,
				   size_t size)
{
	switch (h->kind) {
	case HOLDER_LIVE:
		snprintf(buf, size, "is held by process %d", (int)h->pid);
		break;
	case HOLDER_UNWRITTEN:
		snprintf(buf, size,
			 "is being taken by a process that has not written its PID yet");
		break;
	case HOLDER_UNREADABLE:
		snprintf(buf, size, "exists but cannot be read (%s)",
			 strerror(h->errnum));
		break;
	case HOLDER_NOT_FILE:
		snprintf(buf, size, "exists but is not a regular file");
		break;
	case HOLDER_STUCK:
		snprintf(buf, size,
			 "was left by process %d, which is gone, but cannot be removed (%s)",
			 (int)h->pid, strerror(h->errnum));
		break;
	case HOLDER_GONE:
	case HOLDER_CHURNING:
		snprintf(buf, size, "is taken over and re-created over and over");
		break;
	}
	return buf;
}

/* Create every missing directory above @path (mkdir -p, mode 0755). */
static int make_parent_dirs(const char *path, struct zap_error *err)
{
	char dir[sizeof(((struct zap_lock *)0)->path)];
	struct stat st;
	char *slash, *p, c;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0; /* the current directory or "/" */
	*slash = '\0';
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;

	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return zap_error_set(err, errno, ZAP_STATUS_LOCK,
					     "cannot create the directory %s of the AP configuration lock: %s",
					     dir, strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	if (stat(dir, &st))
		return zap_error_set(err, errno, ZAP_STATUS_LOCK,
				     "cannot use the directory %s of the AP configuration lock: %s",
				     dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return zap_error_set(err, ENOTDIR, ZAP_STATUS_LOCK,
				     "cannot use %s as the directory of the AP configuration lock: not a directory",
				     dir);
	return 0;
}

/* Write all of @buf to @fd; false with errno on failure. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * One try (interop.md 2.2-2.3): temporary file holding "<pid>\n", link()
 * to @path, unlink the temporary file whatever happened.
 * Returns: 0 (lock held); 1 (the lock exists); -errno (err filled).
 */
static int try_link(const char *path, pid_t pid, struct zap_error *err)
{
	char tmp[sizeof(((struct zap_lock *)0)->path) + LOCK_TEMP_SUFFIX];
	char text[LOCK_PID_BUFSIZE];
	int fd, len, rc, e;

	snprintf(tmp, sizeof(tmp), "%s%05d%02x", path, (int)pid,
		 (unsigned int)time(NULL) & 0xff);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		/* Our PID is in its name: left by a dead process with our PID. */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return zap_error_set(err, errno, ZAP_STATUS_LOCK,
				     "cannot create %s to take the AP configuration lock: %s",
				     tmp, strerror(errno));

	len = snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (!write_all(fd, text, (size_t)len)) {
		e = errno;
		close(fd);
		unlink(tmp);
		return zap_error_set(err, e, ZAP_STATUS_LOCK,
				     "cannot write %s to take the AP configuration lock: %s",
				     tmp, strerror(e));
	}
	if (close(fd)) {
		e = errno;
		unlink(tmp);
		return zap_error_set(err, e, ZAP_STATUS_LOCK,
				     "cannot write %s to take the AP configuration lock: %s",
				     tmp, strerror(e));
	}

	rc = link(tmp, path);
	e = errno;
	unlink(tmp);
	if (rc == 0)
		return 0;
	if (e == EEXIST)
		return 1;
	return zap_error_set(err, e, ZAP_STATUS_LOCK,
			     "cannot link %s to the AP configuration lock %s: %s",
			     tmp, path, strerror(e));
}

/* The signals of lock_signals that the caller does not ignore, into @set. */
static void interrupting_signals(sigset_t *set)
{
	struct sigaction sa;
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(lock_signals) / sizeof(lock_signals[0]); i++) {
		if (sigaction(lock_signals[i], NULL, &sa) == 0 &&
		    !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN)
			continue;
		sigaddset(set, lock_signals[i]);
	}
}

/* The acquire loop, with the signals of @set blocked. */
static int acquire_blocked(const char *path, const sigset_t *set,
			   unsigned int timeout_ms, struct zap_error *err)
{
	uint64_t start = now_us(), deadline = start + timeout_ms * 1000ull;
	uint64_t now, pause;
	pid_t pid = getpid();
	uint32_t seed = ((uint32_t)pid ^ (uint32_t)start) | 1;
	unsigned int quick = 0;
	char what[256], waited[32];
	struct timespec ts;
	struct holder h;
	int rc, sig;

	for (;;) {
		rc = try_link(path, pid, err);
		if (rc <= 0)
			return rc;

		probe_holder(path, &h);
		if (h.kind == HOLDER_GONE && ++quick < LOCK_QUICK_RETRIES)
			continue; /* stale lock removed, or released: at once */
		if (h.kind == HOLDER_GONE)
			h.kind = HOLDER_CHURNING;
		quick = 0;
		if (h.kind == HOLDER_LIVE && h.pid == pid)
			return zap_error_set(err, EDEADLK, ZAP_STATUS_LOCK,
					     "AP configuration lock %s is already held by this process (%d)",
					     path, (int)pid);

		now = now_us();
		if (timeout_ms == 0 || now >= deadline)
			return zap_error_set(err, ETIMEDOUT, ZAP_STATUS_LOCK,
					     "AP configuration lock %s %s (waited %s)",
					     path, describe_holder(&h, what, sizeof(what)),
					     format_seconds(timeout_ms, waited, sizeof(waited)));

		pause = LOCK_SLEEP_US + next_random(&seed) % (LOCK_JITTER_US + 1);
		if (pause > deadline - now)
			pause = deadline - now;
		ts.tv_sec = (time_t)(pause / 1000000u);
		ts.tv_nsec = (long)(pause % 1000000u) * 1000;
		sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0)
			return zap_error_set(err, EINTR, ZAP_STATUS_LOCK,
					     "AP configuration lock %s %s; interrupted by %s while waiting",
					     path, describe_holder(&h, what, sizeof(what)),
					     signal_name(sig));
		/* -1: EAGAIN (time is up) or EINTR (another signal's handler). */
	}
}

/*
 * zap_lock_acquire - take the AP configuration lock at paths->lock as
 * util_lockfile does, waiting up to @timeout_ms for a holder (0: one try).
 *
 * A stale lock (dead PID, or empty for over 120 s) is removed and the lock
 * retried at once; a busy one is retried every ~30 ms until the timeout.
 * The lock's directory is created (mode 0755) if missing.
 *
 * Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT (those the caller does not
 * ignore) are blocked for the whole call, so that no temporary file can be
 * left between its creation and its unlink; the caller's signal mask is
 * restored on return. Between tries the call waits in sigtimedwait() on
 * those signals: one arriving (or already pending) ends the wait at once
 * with -EINTR, and is consumed: its handler does not run and nothing is
 * re-raised. What to do about it (clean up and exit, re-raise) is the
 * caller's decision; the message names the signal. A signal arriving
 * during the last try stays pending and is delivered when the mask is
 * restored, after the lock was taken or not.
 *
 * Returns: 0 (@lock filled, lock->held set); -ETIMEDOUT; -EINTR; -EDEADLK
 * (the lock holds our own PID already: taken twice); -errno when files
 * cannot be created in the lock's directory. All failures have status
 * ZAP_STATUS_LOCK and leave @lock untouched.
 */
ZAP_EXPORT int zap_lock_acquire(struct zap_lock *lock,
				const struct zap_paths *paths,
				unsigned int timeout_ms, struct zap_error *err)
{
	size_t len = strlen(paths->lock);
	sigset_t set, old;
	int rc;

	if (len == 0 || len >= sizeof(lock->path))
		return zap_error_set(err, len ? ENAMETOOLONG : EINVAL,
				     ZAP_STATUS_LOCK,
				     "the path of the AP configuration lock is %s",
				     len ? "too long" : "empty");
	rc = make_parent_dirs(paths->lock, err);
	if (rc)
		return rc;

	interrupting_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = acquire_blocked(paths->lock, &set, timeout_ms, err);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0) {
		memcpy(lock->path, paths->lock, len + 1);
		lock->held = true;
	}
	return rc;
}

/* Release the lock if it still holds our PID (interop.md 2.6). */
ZAP_EXPORT void zap_lock_release(struct zap_lock *lock)
{
	char buf[LOCK_PID_BUFSIZE];
	struct stat st;
	ssize_t len;
	int fd;

	if (!lock || !lock->held)
		return;
	lock->held = false;
	fd = open(lock->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		len = read(fd, buf, sizeof(buf));
		if (len > 0 && parse_pid(buf, (size_t)len) == getpid())
			unlink_if_same(lock->path, &st);
	}
	close(fd);
}
