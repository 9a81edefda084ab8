// SPDX-License-Identifier: MIT
/*
 * check_lock.c - unit tests of lock.c: the s390-tools AP configuration lock
 * on a fresh ZAP_ROOT per test (live, dead, unwritten, old and reused-PID
 * holders, release, the caller's signals while waiting, the wait handler,
 * stale temporary files of dead processes, planted symlinks, no
 * permission), and no temporary file left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "zapconf.h"

#define LOCK_NAME "s390apconfig.lock"

/* This test's ZAP_ROOT, and a child that lives until the test ends. */
static char test_root[64];
static int sleeper_fd = -1;
static pid_t sleeper_pid = -1;

/* A fresh ZAP_ROOT for each test. */
static void setup(void)
{
	snprintf(test_root, sizeof(test_root), "/tmp/zap-lock-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(test_root));
	setenv("ZAP_ROOT", test_root, 1);
	unsetenv("SYSFS_ROOT");
	umask(022);
}

/* Remove one entry of the test tree. */
static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* End the sleeper and remove the test tree. */
static void teardown(void)
{
	if (sleeper_fd >= 0) {
		close(sleeper_fd);
		waitpid(sleeper_pid, NULL, 0);
		sleeper_fd = -1;
		sleeper_pid = -1;
	}
	nftw(test_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("ZAP_ROOT");
}

/* The paths of this test's ZAP_ROOT. */
static struct zap_paths test_paths(void)
{
	struct zap_paths p;

	ck_assert_int_eq(zap_paths_from_env(&p, NULL), 0);
	return p;
}

/* The directory of the lock (run/lock), created. */
static const char *lock_dir(void)
{
	static char dir[128];

	snprintf(dir, sizeof(dir), "%s/run", test_root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/run/lock", test_root);
	mkdir(dir, 0755);
	return dir;
}

/* Replace the lock file with one holding @text. */
static void write_lock(const char *text)
{
	struct zap_paths p = test_paths();
	int fd;

	lock_dir();
	unlink(p.lock);
	fd = open(p.lock, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Write "<pid>\n" into the lock file. */
static void write_lock_pid(pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", (int)pid);
	write_lock(text);
}

/* The contents of the lock file ("" if missing) in a static buffer. */
static const char *read_lock(void)
{
	static char buf[128];
	struct zap_paths p = test_paths();
	ssize_t len;
	int fd;

	buf[0] = '\0';
	fd = open(p.lock, O_RDONLY);
	if (fd < 0)
		return buf;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	return buf;
}

/* The first line of the lock file, its PID ("" if missing), static. */
static const char *lock_pid_line(void)
{
	static char line[128];
	char *nl;

	snprintf(line, sizeof(line), "%s", read_lock());
	nl = strchr(line, '\n');
	if (nl)
		nl[1] = '\0';
	return line;
}

/* "<pid>\n" in a static buffer. */
static const char *pid_text(pid_t pid)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	return buf;
}

/* Number of temporary lock files (lock name + suffix) in the lock directory. */
static int temp_files(void)
{
	char dir[128];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/run/lock", test_root);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, LOCK_NAME, strlen(LOCK_NAME)) == 0 &&
		    strlen(e->d_name) > strlen(LOCK_NAME))
			n++;
	closedir(d);
	return n;
}

/* A child that lives until this test process ends (its pipe closes). */
static pid_t live_pid(void)
{
	int fds[2];
	char c;

	ck_assert_int_eq(sleeper_fd, -1);
	ck_assert_int_eq(pipe(fds), 0);
	sleeper_pid = fork();
	ck_assert_int_ge(sleeper_pid, 0);
	if (sleeper_pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	sleeper_fd = fds[1];
	return sleeper_pid;
}

/* The PID of a process that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* Set the lock file's mtime @age seconds into the past. */
static void age_lock(time_t age)
{
	struct zap_paths p = test_paths();
	struct timespec times[2];

	times[0].tv_sec = time(NULL) - age;
	times[0].tv_nsec = 0;
	times[1] = times[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, p.lock, times, 0), 0);
}

/* Is the process @pid asleep (state S in /proc/PID/stat)? */
static bool is_sleeping(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'S';
}

START_TEST(test_lock_acquire_fresh_dir)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;
	struct stat st;
	char dir[128];

	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert(lock.held);
	ck_assert_str_eq(lock.path, p.lock);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	/* util_lockfile's atoi() stops at the newline; the start time follows */
	ck_assert_msg(strncmp(read_lock() + strlen(pid_text(getpid())),
			      "start ", 6) == 0, "%s", read_lock());
	ck_assert_uint_lt(strlen(read_lock()), 40);
	ck_assert_int_eq(stat(p.lock, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_uint_eq(st.st_nlink, 1);
	snprintf(dir, sizeof(dir), "%s/run/lock", test_root);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(temp_files(), 0);

	zap_lock_release(&lock);
	ck_assert(!lock.held);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);
	/* Again, now that the directory exists. */
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 1000, &err), 0);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	zap_lock_release(&lock);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_live_holder_times_out)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	pid_t holder = live_pid();
	struct zap_error err;
	char expect[700];

	write_lock_pid(holder);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 100, &err), -ETIMEDOUT);
	ck_assert(!lock.held);
	ck_assert_int_eq(err.errnum, ETIMEDOUT);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
	snprintf(expect, sizeof(expect),
		 "AP configuration lock %s is held by process %d (waited 0.1 s)",
		 p.lock, (int)holder);
	ck_assert_str_eq(err.message, expect);
	ck_assert_str_eq(read_lock(), pid_text(holder));
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_live_holder_timeout_zero_one_try)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	pid_t holder = live_pid();
	struct zap_error err;
	char expect[32];

	write_lock_pid(holder);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ETIMEDOUT);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
	snprintf(expect, sizeof(expect), "process %d (waited 0 s)", (int)holder);
	ck_assert_msg(strstr(err.message, expect), "%s", err.message);
	ck_assert_str_eq(read_lock(), pid_text(holder));
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_dead_holder_taken_over)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;

	write_lock_pid(dead_pid());
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert(lock.held);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	ck_assert_int_eq(temp_files(), 0);
	zap_lock_release(&lock);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
}
END_TEST

START_TEST(test_lock_acquire_empty_recent_busy)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;

	write_lock("");
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 50, &err), -ETIMEDOUT);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
	ck_assert_msg(strstr(err.message, p.lock), "%s", err.message);
	ck_assert_msg(strstr(err.message, "has not written its PID"), "%s",
		      err.message);
	ck_assert_str_eq(read_lock(), "");
	ck_assert_int_eq(temp_files(), 0);

	/* PID 0 counts as not written yet, even when not quite 120 s old. */
	write_lock("0\n");
	age_lock(100);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ETIMEDOUT);
	ck_assert_str_eq(read_lock(), "0\n");
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_empty_old_taken_over)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;

	write_lock("");
	age_lock(121 + 5);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	zap_lock_release(&lock);

	write_lock("0\n");
	age_lock(3600);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	zap_lock_release(&lock);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_garbage_read_as_atoi)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	pid_t holder = live_pid();
	struct zap_error err;
	char text[32];

	/* util_lockfile reads the PID with atoi(): trailing junk is ignored. */
	snprintf(text, sizeof(text), " %dxyz", (int)holder);
	write_lock(text);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ETIMEDOUT);
	snprintf(text, sizeof(text), "process %d ", (int)holder);
	ck_assert_msg(strstr(err.message, text), "%s", err.message);
	/* No digits: PID 0, judged by age. */
	write_lock("-1\n");
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ETIMEDOUT);
	ck_assert_msg(strstr(err.message, "has not written its PID"), "%s",
		      err.message);
	age_lock(200);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	zap_lock_release(&lock);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_gets_released_lock)
{
	struct zap_paths p = test_paths();
	pid_t child;
	int ready[2], status;
	char c;

	/* The lock holds our (live) PID; a child waits for it, we remove it. */
	write_lock_pid(getpid());
	ck_assert_int_eq(pipe(ready), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct zap_lock lock = { .held = false };
		struct zap_error err;
		char want[32], got[32] = "";
		ssize_t len;
		int fd;

		close(ready[0]);
		close(ready[1]);
		if (zap_lock_acquire(&lock, &p, 30000, &err))
			_exit(1);
		snprintf(want, sizeof(want), "%d\n", (int)getpid());
		fd = open(p.lock, O_RDONLY);
		len = fd < 0 ? -1 : read(fd, got, sizeof(got) - 1);
		if (fd >= 0)
			close(fd);
		if (len < 0 || strncmp(got, want, strlen(want)))
			_exit(2);
		zap_lock_release(&lock);
		_exit(access(p.lock, F_OK) == 0 ? 3 : 0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 0); /* the child has forked */
	close(ready[0]);
	for (int i = 0; i < 2000 && !is_sleeping(child); i++)
		usleep(1000);
	unlink(p.lock);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_twice_deadlock)
{
	struct zap_paths p = test_paths();
	struct zap_lock first = { .held = false }, second = { .held = false };
	struct zap_error err;

	ck_assert_int_eq(zap_lock_acquire(&first, &p, 0, &err), 0);
	ck_assert_int_eq(zap_lock_acquire(&second, &p, 10000, &err), -EDEADLK);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
	ck_assert(!second.held);
	zap_lock_release(&second); /* not held: does nothing */
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	zap_lock_release(&first);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_leftover_temp_of_our_pid)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;
	char tmp[700];
	int fd;

	/* Every name a dead process with our PID could have left. */
	lock_dir();
	for (unsigned int t = 0; t < 256; t++) {
		snprintf(tmp, sizeof(tmp), "%s%05d%02x", p.lock, (int)getpid(), t);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	/* Exactly the one in our way was removed. */
	ck_assert_int_eq(temp_files(), 255);
	zap_lock_release(&lock);
}
END_TEST

START_TEST(test_lock_release_keeps_foreign_lock)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	pid_t other = live_pid();
	struct zap_error err;

	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	/* Someone judged us dead and took it over. */
	write_lock_pid(other);
	zap_lock_release(&lock);
	ck_assert(!lock.held);
	ck_assert_str_eq(read_lock(), pid_text(other));

	/* A lock never acquired releases nothing. */
	memset(&lock, 0, sizeof(lock));
	zap_lock_release(&lock);
	zap_lock_release(NULL);
	ck_assert_str_eq(read_lock(), pid_text(other));
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_release_in_child_keeps_parent_lock)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;
	pid_t child;
	int status;

	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		zap_lock_release(&lock); /* a copy: the file holds the parent's PID */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	zap_lock_release(&lock);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
}
END_TEST

START_TEST(test_lock_acquire_not_a_file_busy)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;
	char target[128];

	/* A dangling symlink: neither followed nor spun on. */
	lock_dir();
	snprintf(target, sizeof(target), "%s/nowhere", test_root);
	ck_assert_int_eq(symlink(target, p.lock), 0);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 50, &err), -ETIMEDOUT);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
	ck_assert_msg(strstr(err.message, "cannot be read"), "%s", err.message);
	ck_assert_int_eq(access(target, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);

	/* A directory in its place is neither removed nor spun on. */
	ck_assert_int_eq(unlink(p.lock), 0);
	ck_assert_int_eq(mkdir(p.lock, 0755), 0);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 50, &err), -ETIMEDOUT);
	ck_assert_msg(strstr(err.message, "not a regular file"), "%s", err.message);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(test_lock_acquire_lock_dir_not_directory)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;
	char run[128];
	int fd;

	snprintf(run, sizeof(run), "%s/run", test_root);
	fd = open(run, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ENOTDIR);
	ck_assert_int_eq(err.status, ZAP_STATUS_WRITE);
	ck_assert_msg(strstr(err.message, run), "%s", err.message);
	ck_assert(!lock.held);
}
END_TEST

START_TEST(test_lock_acquire_empty_path_refused)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;

	p.lock[0] = '\0';
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -EINVAL);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
}
END_TEST

/* A signal the caller blocks stays pending: not consumed, no -EINTR. */
START_TEST(test_lock_acquire_blocked_signal_stays_pending)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	pid_t holder = live_pid();
	sigset_t set, saved, mask, pending;
	struct zap_error err;
	int sig;

	write_lock_pid(holder);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &saved), 0);
	ck_assert_int_eq(raise(SIGINT), 0);

	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 100, &err), -ETIMEDOUT);
	ck_assert_int_eq(err.status, ZAP_STATUS_LOCK);
	/* Still pending for the caller; the caller's mask is back. */
	ck_assert_int_eq(sigpending(&pending), 0);
	ck_assert(sigismember(&pending, SIGINT));
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &mask), 0);
	ck_assert(sigismember(&mask, SIGINT));
	ck_assert_int_eq(sigismember(&mask, SIGTERM), sigismember(&saved, SIGTERM));
	ck_assert(!lock.held);
	ck_assert_str_eq(read_lock(), pid_text(holder));
	ck_assert_int_eq(temp_files(), 0);
	ck_assert_int_eq(sigwait(&set, &sig), 0);
	ck_assert_int_eq(sig, SIGINT);
	sigprocmask(SIG_SETMASK, &saved, NULL);
}
END_TEST

START_TEST(test_lock_acquire_ignored_signal_does_not_interrupt)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct sigaction ign = { .sa_handler = SIG_IGN }, saved_action;
	sigset_t set, saved_mask;
	struct zap_error err;

	/* A pending SIGHUP the caller ignores (as under nohup). */
	write_lock_pid(live_pid());
	ck_assert_int_eq(sigaction(SIGHUP, &ign, &saved_action), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &saved_mask), 0);
	ck_assert_int_eq(raise(SIGHUP), 0);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 100, &err), -ETIMEDOUT);
	ck_assert_int_eq(temp_files(), 0);
	/* Unblocked while ignored, the pending SIGHUP is discarded. */
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	sigaction(SIGHUP, &saved_action, NULL);
}
END_TEST

/* The child's SIGTERM handler: it ran. */
static volatile sig_atomic_t handler_ran;

/* A caller's SIGTERM handler (a daemon embedding libzapconf). */
static void note_sigterm(int sig)
{
	(void)sig;
	handler_ran = 1;
}

/*
 * Fork a child that waits up to 60 s for the lock (held by a live PID) with
 * SIGTERM handled by note_sigterm (@handle) or left at its default; send it
 * SIGTERM once it waits. Returns its wait status.
 */
static int sigterm_waiting_child(bool handle)
{
	struct zap_paths p = test_paths();
	int ready[2], status;
	pid_t child;
	char c;

	/* We hold the lock (our PID is live); the child waits for it. */
	write_lock_pid(getpid());
	ck_assert_int_eq(pipe(ready), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct sigaction sa = { .sa_handler = handle ? note_sigterm :
							  SIG_DFL };
		struct zap_lock lock = { .held = false };
		struct zap_error err;
		sigset_t term;
		int rc;

		/*
		 * The parent sends SIGTERM once we sleep, which after the
		 * pipe is closed happens first in the library's wait.
		 */
		sigaction(SIGTERM, &sa, NULL); /* not check's own handler */
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		close(ready[0]);
		close(ready[1]);
		rc = zap_lock_acquire(&lock, &p, 60000, &err);
		if (rc != -EINTR)
			_exit(rc == -ETIMEDOUT ? 10 : 11);
		if (err.status != ZAP_STATUS_LOCK || err.errnum != EINTR)
			_exit(12);
		if (!strstr(err.message, "a signal interrupted the wait"))
			_exit(13);
		if (!handler_ran)
			_exit(14); /* the library swallowed the caller's signal */
		sigprocmask(SIG_SETMASK, NULL, &term);
		if (sigismember(&term, SIGTERM))
			_exit(15); /* the caller's mask was not restored */
		_exit(lock.held ? 16 : 0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 0); /* the child has started */
	close(ready[0]);
	for (int i = 0; i < 10000 && !is_sleeping(child); i++)
		usleep(1000);
	ck_assert_int_eq(kill(child, SIGTERM), 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_str_eq(read_lock(), pid_text(getpid()));
	ck_assert_int_eq(temp_files(), 0);
	return status;
}

/* A daemon's SIGTERM handler runs while the library waits: -EINTR. */
START_TEST(test_lock_acquire_caller_handler_runs_eintr)
{
	int status = sigterm_waiting_child(true);

	ck_assert_msg(WIFEXITED(status), "child killed by signal %d",
		      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* SIGTERM at its default action ends a waiting process; no temp file left. */
START_TEST(test_lock_acquire_default_sigterm_terminates)
{
	int status = sigterm_waiting_child(false);

	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
		      "child not killed by SIGTERM (status %#x)", status);
}
END_TEST

/* A live PID with another start time than the lock records: reused, stale. */
START_TEST(test_lock_acquire_reused_pid_taken_over)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	struct zap_error err;
	char text[64];

	/* The dead chzap's PID now names an unrelated live process. */
	snprintf(text, sizeof(text), "%d\nstart 1\n", (int)live_pid());
	write_lock(text);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert_str_eq(lock_pid_line(), pid_text(getpid()));
	zap_lock_release(&lock);
	/* Our own PID with another start time: a dead process had it. */
	snprintf(text, sizeof(text), "%d\nstart 1\n", (int)getpid());
	write_lock(text);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	zap_lock_release(&lock);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

/* A lock a live zap took (its start time matches) is busy. */
START_TEST(test_lock_acquire_matching_start_busy)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	int ready[2], hold[2], status;
	struct zap_error err;
	char c, expect[64];
	pid_t child;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(hold), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(ready[0]);
		close(hold[1]);
		if (zap_lock_acquire(&lock, &p, 0, &err))
			_exit(1);
		close(ready[1]);
		while (read(hold[0], &c, 1) > 0)
			;
		zap_lock_release(&lock);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 0); /* it holds the lock */
	close(ready[0]);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ETIMEDOUT);
	snprintf(expect, sizeof(expect), "is held by process %d ", (int)child);
	ck_assert_msg(strstr(err.message, expect), "%s", err.message);
	close(hold[1]);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(access(p.lock, F_OK), -1);
}
END_TEST

/* Create the file @name in the lock directory holding @text. */
static void write_lock_dir_file(const char *name, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", lock_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Does @name exist in the lock directory? */
static bool in_lock_dir(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/run/lock/%s", test_root, name);
	return lstat(path, &st) == 0;
}

/* Under the lock, the temporary files of dead processes are removed. */
START_TEST(test_lock_acquire_removes_stale_temps)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	char dead[64], live[64], reused[64], text[64], big[64];
	pid_t gone = dead_pid(), alive = live_pid();
	struct zap_error err;

	snprintf(dead, sizeof(dead), LOCK_NAME "%05d%02x", (int)gone, 0xab);
	write_lock_dir_file(dead, pid_text(gone));
	snprintf(big, sizeof(big), LOCK_NAME "%07d%02x", (int)gone, 0x0c);
	write_lock_dir_file(big, "");
	snprintf(live, sizeof(live), LOCK_NAME "%05d%02x", (int)alive, 0x01);
	write_lock_dir_file(live, pid_text(alive));
	/* the PID of a dead zap's temporary file, now another process's */
	snprintf(reused, sizeof(reused), LOCK_NAME "%05d%02x", (int)alive, 0x02);
	snprintf(text, sizeof(text), "%d\nstart 1\n", (int)alive);
	write_lock_dir_file(reused, text);
	write_lock_dir_file(LOCK_NAME ".keep", "");
	write_lock_dir_file(LOCK_NAME "0000100zz", "");

	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert(!in_lock_dir(dead));
	ck_assert(!in_lock_dir(big));
	ck_assert(!in_lock_dir(reused));
	ck_assert(in_lock_dir(live)); /* it may still be waiting */
	ck_assert(in_lock_dir(LOCK_NAME ".keep"));
	ck_assert(in_lock_dir(LOCK_NAME "0000100zz"));
	zap_lock_release(&lock);
}
END_TEST

/* A symlink planted at a temporary file's name is never written through. */
START_TEST(test_lock_acquire_temp_symlink_not_followed)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	char tmp[700], target[128];
	struct zap_error err;
	struct stat st;
	int fd;

	lock_dir();
	snprintf(target, sizeof(target), "%s/victim", test_root);
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	for (unsigned int t = 0; t < 256; t++) {
		snprintf(tmp, sizeof(tmp), "%s%05d%02x", p.lock, (int)getpid(), t);
		ck_assert_int_eq(symlink(target, tmp), 0);
	}
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), 0);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	zap_lock_release(&lock);
}
END_TEST

/* What the wait handler was told, and how often. */
static struct zap_lock_holder told;
static int times_told;

/* A zap_lock_wait_fn that records its call. */
static void record_wait(const struct zap_lock_holder *holder, void *data)
{
	told = *holder;
	times_told += *(int *)data;
}

/* /proc/PID/comm of @pid without its newline (static buffer). */
static const char *comm_of(pid_t pid)
{
	static char name[64];
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	name[0] = '\0';
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	if (!fgets(name, sizeof(name), f))
		name[0] = '\0';
	fclose(f);
	name[strcspn(name, "\n")] = '\0';
	return name;
}

/* The wait handler is told once, with the holder's PID and name. */
START_TEST(test_lock_acquire_tells_waiting_once)
{
	struct zap_paths p = test_paths();
	struct zap_lock lock = { .held = false };
	pid_t holder = live_pid();
	struct zap_error err;
	int one = 1;

	write_lock_pid(holder);
	times_told = 0;
	zap_lock_on_wait(record_wait, &one);
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 0, &err), -ETIMEDOUT);
	ck_assert_int_eq(times_told, 0); /* one try: no wait */
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 200, &err), -ETIMEDOUT);
	zap_lock_on_wait(NULL, NULL);
	ck_assert_int_eq(times_told, 1);
	ck_assert_int_eq(told.pid, holder);
	/* the child's command name, as the kernel has it (under valgrind
	 * that is valgrind's, not this program's) */
	ck_assert_str_eq(told.name, comm_of(holder));
	/* cleared: not told again */
	ck_assert_int_eq(zap_lock_acquire(&lock, &p, 100, &err), -ETIMEDOUT);
	ck_assert_int_eq(times_told, 1);
}
END_TEST

/* Without permission on the lock's directory: -EACCES, status 4, named. */
START_TEST(test_lock_acquire_no_permission_eacces)
{
	struct zap_paths p = test_paths();
	int status;
	pid_t child;

	ck_assert_int_eq(chmod(test_root, 0755), 0);
	ck_assert_int_eq(chmod(lock_dir(), 0555), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct zap_lock lock = { .held = false };
		struct zap_error err;

		/* as root, drop to nobody: chmod stops no root */
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(1);
		if (zap_lock_acquire(&lock, &p, 1000, &err) != -EACCES)
			_exit(2);
		if (err.status != ZAP_STATUS_WRITE)
			_exit(3);
		if (!strstr(err.message, "no permission to create a file in") ||
		    !strstr(err.message, p.lock))
			_exit(4);
		/* no temporary file named */
		if (strstr(err.message, LOCK_NAME "0"))
			_exit(5);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

/* The lock suite. */
Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *take = tcase_create("acquire");
	TCase *release = tcase_create("release");
	TCase *sig = tcase_create("signals");

	tcase_add_checked_fixture(take, setup, teardown);
	tcase_add_checked_fixture(release, setup, teardown);
	tcase_add_checked_fixture(sig, setup, teardown);
	tcase_set_timeout(take, 30);
	tcase_set_timeout(sig, 30);

	tcase_add_test(take, test_lock_acquire_fresh_dir);
	tcase_add_test(take, test_lock_acquire_live_holder_times_out);
	tcase_add_test(take, test_lock_acquire_live_holder_timeout_zero_one_try);
	tcase_add_test(take, test_lock_acquire_dead_holder_taken_over);
	tcase_add_test(take, test_lock_acquire_empty_recent_busy);
	tcase_add_test(take, test_lock_acquire_empty_old_taken_over);
	tcase_add_test(take, test_lock_acquire_garbage_read_as_atoi);
	tcase_add_test(take, test_lock_acquire_gets_released_lock);
	tcase_add_test(take, test_lock_acquire_twice_deadlock);
	tcase_add_test(take, test_lock_acquire_leftover_temp_of_our_pid);
	tcase_add_test(take, test_lock_acquire_not_a_file_busy);
	tcase_add_test(take, test_lock_acquire_lock_dir_not_directory);
	tcase_add_test(take, test_lock_acquire_empty_path_refused);
	tcase_add_test(take, test_lock_acquire_reused_pid_taken_over);
	tcase_add_test(take, test_lock_acquire_matching_start_busy);
	tcase_add_test(take, test_lock_acquire_removes_stale_temps);
	tcase_add_test(take, test_lock_acquire_temp_symlink_not_followed);
	tcase_add_test(take, test_lock_acquire_tells_waiting_once);
	tcase_add_test(take, test_lock_acquire_no_permission_eacces);
	tcase_add_test(release, test_lock_release_keeps_foreign_lock);
	tcase_add_test(release, test_lock_release_in_child_keeps_parent_lock);
	tcase_add_test(sig, test_lock_acquire_blocked_signal_stays_pending);
	tcase_add_test(sig, test_lock_acquire_ignored_signal_does_not_interrupt);
	tcase_add_test(sig, test_lock_acquire_caller_handler_runs_eintr);
	tcase_add_test(sig, test_lock_acquire_default_sigterm_terminates);
	suite_add_tcase(s, take);
	suite_add_tcase(s, release);
	suite_add_tcase(s, sig);
	return s;
}
