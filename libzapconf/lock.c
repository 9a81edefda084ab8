// SPDX-License-Identifier: MIT
/*
 * lock.c - the s390-tools AP configuration lock (interop.md 2): taking it
 * the way util_lockfile does (a temporary file holding "<pid>\n", link()ed
 * to the lock path), judging a holder live, stale or still writing, waiting
 * for it (telling the caller once whom it waits for), and releasing it only
 * while it holds our PID. zap adds a second line "start <ticks>" (the
 * holder's start time, /proc/PID/stat field 22), which util_lockfile's
 * atoi() never reads: a lock or temporary file that has one is stale when
 * its PID now names a process started at another time (PID reuse); one
 * without it (another s390-tools user's) keeps util_lockfile's rules.
 * Under the lock, the temporary files of dead processes are removed. No
 * temporary file of ours survives a signal: the caller's signals are held
 * back while one exists, never consumed.
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
/* A temporary file's name after the lock's: at least "%05d" + "%02x". */
#define LOCK_TEMP_MIN_SUFFIX 7
/* The line zap adds after the PID: "start <ticks>\n". */
#define LOCK_START_KEY "start "

/* Who zap_lock_acquire() tells that it waits (zap_lock_on_wait()). */
static zap_lock_wait_fn *wait_fn;
static void *wait_data;

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
	bool reused;      /* the PID is live, but not the process of the lock */
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

/*
 * The start time of process @pid in clock ticks after boot (field 22 of
 * /proc/PID/stat), 0 when it cannot be read.
 */
unsigned long long zap_process_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start;
	ssize_t len;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	/* the command name may hold blanks and ')': fields follow the last */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}

/* The command name of process @pid (/proc/PID/comm) into @buf, "" if none. */
static void process_name(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t len;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len <= 0)
		len = 0;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * The start time zap recorded in the second line of @buf ("start N"), 0
 * when there is none (a lock written by util_lockfile).
 */
static unsigned long long parse_start(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	unsigned long long start = 0;
	size_t i;

	if (!nl)
		return 0;
	i = (size_t)(nl + 1 - buf);
	if (len - i <= strlen(LOCK_START_KEY) ||
	    memcmp(buf + i, LOCK_START_KEY, strlen(LOCK_START_KEY)))
		return 0;
	for (i += strlen(LOCK_START_KEY); i < len && buf[i] >= '0' && buf[i] <= '9';
	     i++) {
		if (start > (~0ull - 9) / 10)
			return 0;
		start = start * 10 + (unsigned long long)(buf[i] - '0');
	}
	return start;
}

/*
 * Is the process that wrote @buf (PID @pid, start time in @buf) gone? A
 * PID kill() cannot find is; one that names a process started at another
 * time than recorded is (PID reuse, *@reused set); EPERM counts as live.
 */
static bool writer_gone(pid_t pid, const char *buf, size_t len, bool *reused)
{
	unsigned long long recorded, now;

	*reused = false;
	if (kill(pid, 0) && errno == ESRCH)
		return true;
	recorded = parse_start(buf, len);
	if (!recorded)
		return false; /* util_lockfile's rule: the PID is live */
	now = zap_process_start(pid);
	*reused = now && now != recorded;
	return *reused;
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
	h->reused = false;
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
		if (!writer_gone(h->pid, buf, (size_t)len, &h->reused)) {
			h->kind = HOLDER_LIVE; /* alive, or EPERM: not ours */
			return;
		}
	} else if (time(NULL) <= st.st_mtime + LOCK_UNWRITTEN_S) {
		h->kind = HOLDER_UNWRITTEN; /* its owner is still writing */
		return;
	}
	/* Stale: a dead or reused PID, or empty for too long. */
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
			 "was left by process %d, which is gone%s, but cannot be removed (%s)",
			 (int)h->pid, h->reused ? " (its PID is another process's now)" : "",
			 strerror(h->errnum));
		break;
	case HOLDER_GONE:
	case HOLDER_CHURNING:
		snprintf(buf, size, "is taken over and re-created over and over");
		break;
	}
	return buf;
}

/*
 * Fill @err for errno @e met while creating (@verb) a file or directory of
 * the lock @path in the directory @dir; no temporary file is named (it is
 * gone already). Status WRITE: nothing was written.
 */
static int lock_file_error(struct zap_error *err, int e, const char *path,
			   const char *dir, const char *verb)
{
	if (e == EACCES || e == EPERM)
		return zap_error_set(err, e, ZAP_STATUS_WRITE,
				     "cannot take the AP configuration lock %s: no permission to %s in %s",
				     path, verb, dir);
	return zap_error_set(err, e, ZAP_STATUS_WRITE,
			     "cannot take the AP configuration lock %s: cannot %s in %s: %s",
			     path, verb, dir, strerror(e));
}

/* The directory part of @path into @dir ("." when there is none). */
static void dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, size, ".");
	else if (slash == path)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/*
 * Create every missing directory above @path (mkdir -p, mode 0755); an
 * existing one keeps its owner and mode (run/lock is 1777 on a host).
 */
static int make_parent_dirs(const char *path, struct zap_error *err)
{
	char dir[sizeof(((struct zap_lock *)0)->path)];
	struct stat st;
	char *p, c;

	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;

	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return lock_file_error(err, errno, path, dir,
					       "create a directory");
		*p = c;
		if (!c)
			break;
	}
	if (stat(dir, &st))
		return lock_file_error(err, errno, path, dir, "use the directory");
	if (!S_ISDIR(st.st_mode))
		return lock_file_error(err, ENOTDIR, path, dir,
				       "use the directory");
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
 * One try (interop.md 2.2-2.3): a temporary file (O_EXCL, never through a
 * symlink) holding "<pid>\nstart <ticks>\n", link() to @path, unlink the
 * temporary file whatever happened. The caller holds signals back.
 * Returns: 0 (lock held); 1 (the lock exists); -errno (err filled).
 */
static int try_link(const char *path, pid_t pid, unsigned long long start,
		    struct zap_error *err)
{
	char tmp[sizeof(((struct zap_lock *)0)->path) + LOCK_TEMP_SUFFIX];
	char text[LOCK_PID_BUFSIZE], dir[sizeof(tmp)];
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd, len, rc, e;

	dir_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s%05d%02x", path, (int)pid,
		 (unsigned int)time(NULL) & 0xff);
	fd = open(tmp, flags, 0644);
	if (fd < 0 && errno == EEXIST) {
		/* Our PID is in its name: left by a dead process with our PID. */
		unlink(tmp);
		fd = open(tmp, flags, 0644);
	}
	if (fd < 0)
		return lock_file_error(err, errno, path, dir, "create a file");

	/* under 40 bytes: util_lockfile reads no more */
	if (start)
		len = snprintf(text, sizeof(text), "%d\n" LOCK_START_KEY "%llu\n",
			       (int)pid, start);
	else
		len = snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (!write_all(fd, text, (size_t)len)) {
		e = errno;
		close(fd);
		unlink(tmp);
		return lock_file_error(err, e, path, dir, "write a file");
	}
	if (close(fd)) {
		e = errno;
		unlink(tmp);
		return lock_file_error(err, e, path, dir, "write a file");
	}

	rc = link(tmp, path);
	e = errno;
	unlink(tmp);
	if (rc == 0)
		return 0;
	if (e == EEXIST)
		return 1;
	return lock_file_error(err, e, path, dir, "link a file");
}

/*
 * The PID in the name of a temporary lock file: @name is the lock's name
 * @base + "<pid, 5 digits or more><2 hex digits>"; 0 when it is not one.
 */
static pid_t temp_file_pid(const char *name, const char *base)
{
	size_t blen = strlen(base), len = strlen(name), i;
	long pid = 0;

	if (len < blen + LOCK_TEMP_MIN_SUFFIX || strncmp(name, base, blen))
		return 0;
	for (i = len - 2; i < len; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return 0;
	for (i = blen; i < len - 2; i++) {
		if (name[i] < '0' || name[i] > '9' || pid > INT32_MAX / 10)
			return 0;
		pid = pid * 10 + (name[i] - '0');
	}
	return (pid_t)pid;
}

/*
 * Under the lock: remove the temporary files that dead processes left
 * beside @path (a peer killed while it waited), judged as a lock is: a PID
 * that is gone, or reused by a process started at another time. A live
 * process's temporary file (it still waits) stays.
 */
static void remove_stale_temps(const char *path)
{
	char dir[sizeof(((struct zap_lock *)0)->path)], buf[LOCK_PID_BUFSIZE];
	char full[sizeof(dir) + 256];
	const char *base = strrchr(path, '/');
	struct dirent *e;
	struct stat st;
	bool reused;
	ssize_t len;
	pid_t pid;
	DIR *d;
	int fd;

	base = base ? base + 1 : path;
	dir_of(path, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		pid = temp_file_pid(e->d_name, base);
		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		len = -1;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			len = read(fd, buf, sizeof(buf));
		close(fd);
		if (len >= 0 && writer_gone(pid, buf, (size_t)len, &reused))
			unlink_if_same(full, &st);
	}
	closedir(d);
}

/* Tell the waiting handler, once per call, that a live process holds it. */
static void tell_waiting(const struct holder *h, bool *told)
{
	struct zap_lock_holder who = { .pid = h->pid };

	if (*told || !wait_fn)
		return;
	*told = true;
	process_name(h->pid, who.name, sizeof(who.name));
	wait_fn(&who, wait_data);
}

/*
 * The acquire loop, with every signal blocked but while it sleeps between
 * tries in ppoll() with the caller's mask @caller.
 */
static int acquire_blocked(const char *path, const sigset_t *caller,
			   unsigned int timeout_ms, struct zap_error *err)
{
	uint64_t start = now_us(), deadline = start + timeout_ms * 1000ull;
	uint64_t now, pause;
	pid_t pid = getpid();
	unsigned long long started = zap_process_start(pid);
	uint32_t seed = ((uint32_t)pid ^ (uint32_t)start) | 1;
	unsigned int quick = 0;
	char what[256], waited[32];
	bool told = false;
	struct timespec ts;
	struct holder h;
	int rc;

	for (;;) {
		rc = try_link(path, pid, started, err);
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
		if (h.kind == HOLDER_LIVE)
			tell_waiting(&h, &told);

		pause = LOCK_SLEEP_US + next_random(&seed) % (LOCK_JITTER_US + 1);
		if (pause > deadline - now)
			pause = deadline - now;
		ts.tv_sec = (time_t)(pause / 1000000u);
		ts.tv_nsec = (long)(pause % 1000000u) * 1000;
		/* the caller's signals: its handlers run, its default actions act */
		if (ppoll(NULL, 0, &ts, caller) < 0 && errno == EINTR)
			return zap_error_set(err, EINTR, ZAP_STATUS_LOCK,
					     "AP configuration lock %s %s; a signal interrupted the wait",
					     path, describe_holder(&h, what, sizeof(what)));
	}
}

/*
 * zap_lock_acquire - take the AP configuration lock at paths->lock as
 * util_lockfile does, waiting up to @timeout_ms for a holder (0: one try).
 *
 * A stale lock (dead PID, a PID reused by another process when the lock
 * records a start time, or empty for over 120 s) is removed and the lock
 * retried at once; a busy one is retried every ~30 ms until the timeout.
 * The lock's directory is created (mode 0755) if missing; an existing one
 * is left as it is. Once the lock is taken, the temporary files of dead
 * processes beside it are removed.
 *
 * Signals: none is consumed, ignored or re-raised by the call. While it
 * works (a temporary file may exist) every signal is blocked; while it
 * sleeps between tries, the caller's signal mask is in force. A signal
 * that arrives (or is pending) then runs the caller's handler, and the
 * call returns -EINTR at once; one whose action is to terminate ends the
 * process (no temporary file exists at that moment); one the caller
 * ignores or blocks changes nothing. A signal that arrives during the
 * last try is delivered when the call returns, lock taken or not.
 *
 * Returns: 0 (@lock filled, lock->held set); -ETIMEDOUT (LOCK, the message
 * names the holder); -EINTR (LOCK); -EDEADLK (the lock holds this very
 * process already: taken twice; LOCK); -errno when the lock's files cannot
 * be created (WRITE; without permission -EACCES or -EPERM).
 * Failures leave @lock untouched.
 */
ZAP_EXPORT int zap_lock_acquire(struct zap_lock *lock,
				const struct zap_paths *paths,
				unsigned int timeout_ms, struct zap_error *err)
{
	size_t len = strlen(paths->lock);
	sigset_t all, caller;
	int rc;

	if (len == 0 || len >= sizeof(lock->path))
		return zap_error_set(err, len ? ENAMETOOLONG : EINVAL,
				     ZAP_STATUS_LOCK,
				     "the path of the AP configuration lock is %s",
				     len ? "too long" : "empty");
	rc = make_parent_dirs(paths->lock, err);
	if (rc)
		return rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &caller);
	rc = acquire_blocked(paths->lock, &caller, timeout_ms, err);
	if (rc == 0)
		remove_stale_temps(paths->lock);
	pthread_sigmask(SIG_SETMASK, &caller, NULL);
	if (rc == 0) {
		memcpy(lock->path, paths->lock, len + 1);
		lock->held = true;
	}
	return rc;
}

/* Set (or with NULL clear) the handler told when an acquire must wait. */
ZAP_EXPORT void zap_lock_on_wait(zap_lock_wait_fn *fn, void *data)
{
	wait_fn = fn;
	wait_data = data;
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
