// SPDX-License-Identifier: MIT
/*
 * fs.c - apsim's FUSE glue: serves the tree (tree.c) under one global lock,
 * keeps the write log and the failure injections of the control channel,
 * and lets an mdev remove wait (without the lock) for its guest to stop.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apsim.h"

/* How long an mdev remove waits for its guest to stop, in seconds. */
#define REMOVE_WAIT 5

/* A failure injected with "fail PATH ERRNO [COUNT]". */
struct fault {
	struct fault *next;
	char path[PATH_MAX];
	int err;
	int count;
};

/* An open attribute: its value as read at offset 0. */
struct handle {
	char *data;
	size_t len;
};

/* What tree_list's callback needs to fill a FUSE directory buffer. */
struct dir_fill {
	void *buf;
	fuse_fill_dir_t filler;
};

static struct sim *sim;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t guests_changed = PTHREAD_COND_INITIALIZER;
static time_t started;
static struct fault *faults;
static FILE *wlog;
static char *wlog_buf;
static size_t wlog_len;

/* Errno number of a name such as "EIO", 0 if unknown. */
static int errno_by_name(const char *name)
{
	const char *known;
	int e;

	for (e = 1; e < 256; e++) {
		known = strerrorname_np(e);
		if (known && !strcmp(known, name))
			return e;
	}
	return 0;
}

/* Add "fail PATH ERRNO-NAME [COUNT]" to the injections. */
static int add_fault(const char *args)
{
	char path[PATH_MAX], name[32];
	struct fault *f;
	int count = 1, n;

	n = sscanf(args, "%4095s %31s %d", path, name, &count);
	if (n < 2 || count < 1 || !errno_by_name(name))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	snprintf(f->path, sizeof(f->path), "%s", path + strspn(path, "/"));
	f->err = errno_by_name(name);
	f->count = count;
	f->next = faults;
	faults = f;
	return 0;
}

/* Consume an injected failure for path: -errno, or 0 if none. */
static int take_fault(const char *path)
{
	struct fault **p, *f;
	int err;

	for (p = &faults; *p; p = &(*p)->next) {
		f = *p;
		if (strcmp(f->path, path))
			continue;
		err = f->err;
		if (!--f->count) {
			*p = f->next;
			free(f);
		}
		return -err;
	}
	return 0;
}

/* Start an empty write log (the flush sets wlog_buf and wlog_len). */
static int open_log(void)
{
	wlog = open_memstream(&wlog_buf, &wlog_len);
	if (!wlog)
		return -ENOMEM;
	fflush(wlog);
	return 0;
}

/* Drop the write log and the memory behind it. */
static void close_log(void)
{
	fclose(wlog);
	free(wlog_buf);
	wlog_buf = NULL;
}

/* Append "<path>\t<value, \n as \\n>\t<0 or errno name>" to the log. */
static void log_write(const char *path, const char *buf, size_t len, int rc)
{
	size_t i;

	fprintf(wlog, "%s\t", path);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			fputs("\\n", wlog);
		else
			fputc(buf[i], wlog);
	}
	if (rc)
		fprintf(wlog, "\t%s\n", strerrorname_np(-rc));
	else
		fprintf(wlog, "\t0\n");
	fflush(wlog);
}

/* .apsim/writes: the log so far. */
void fs_show_writes(FILE *f)
{
	fwrite(wlog_buf, 1, wlog_len, f);
}

/* One command of .apsim/control (README.md); 0 or -errno. */
int fs_control(struct sim *s, const char *cmd)
{
	char word[16] = "";
	int rc;

	sscanf(cmd, "%15s", word);
	if (!strcmp(word, "reset-log")) {
		close_log();
		return open_log();
	}
	if (!strcmp(word, "fail"))
		return add_fault(cmd + strlen("fail"));
	rc = sim_command(s, cmd);
	pthread_cond_broadcast(&guests_changed);
	return rc;
}

/* Store; a store that waits (mdev remove) retries until its guest stops. */
static int store_waiting(const char *path, struct node *n, const char *buf,
			 size_t len)
{
	struct timespec deadline;
	int rc;

	rc = tree_store(sim, n, buf, len);
	if (rc != -EBUSY || !tree_waits(n))
		return rc;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += REMOVE_WAIT;
	while (rc == -EBUSY) {
		if (pthread_cond_timedwait(&guests_changed, &lock, &deadline))
			break;
		if (tree_lookup(sim, path, n))
			return -ENODEV;
		rc = tree_store(sim, n, buf, len);
	}
	return rc;
}

/* Permission bits of an attribute: 0644, 0444 or 0200. */
static mode_t file_mode(const struct node *n)
{
	return (tree_readable(n) ? 0444 : 0) | (tree_writable(n) ? 0200 : 0);
}

/* FUSE getattr: directories, attribute files (size 4096) and symlinks. */
static int fs_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	struct node n;
	int rc;

	(void)fi;
	pthread_mutex_lock(&lock);
	rc = tree_lookup(sim, path, &n);
	pthread_mutex_unlock(&lock);
	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	st->st_atime = st->st_mtime = st->st_ctime = started;
	st->st_nlink = 1;
	if (n.type == NODE_DIR) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (n.type == NODE_LINK) {
		st->st_mode = S_IFLNK | 0777;
		st->st_size = strlen(n.link);
	} else {
		st->st_mode = S_IFREG | file_mode(&n);
		st->st_size = 4096;
	}
	return 0;
}

/* FUSE readlink: the relative target. */
static int fs_readlink(const char *path, char *buf, size_t size)
{
	struct node n;
	int rc;

	pthread_mutex_lock(&lock);
	rc = tree_lookup(sim, path, &n);
	pthread_mutex_unlock(&lock);
	if (rc)
		return rc;
	if (n.type != NODE_LINK)
		return -EINVAL;
	snprintf(buf, size, "%s", n.link);
	return 0;
}

/* tree_list callback: one entry into the FUSE buffer. */
static void fill_entry(void *ctx, const char *name)
{
	struct dir_fill *df = ctx;

	df->filler(df->buf, name, NULL, 0, 0);
}

/* FUSE readdir: the whole directory in one go. */
static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct dir_fill df = { buf, filler };
	struct node n;
	int rc;

	(void)off, (void)fi, (void)flags;
	pthread_mutex_lock(&lock);
	rc = tree_lookup(sim, path, &n);
	if (!rc && n.type != NODE_DIR)
		rc = -ENOTDIR;
	if (!rc) {
		filler(buf, ".", NULL, 0, 0);
		filler(buf, "..", NULL, 0, 0);
		tree_list(sim, &n, fill_entry, &df);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

/* FUSE open: EACCES as sysfs gives it for the wrong direction. */
static int fs_open(const char *path, struct fuse_file_info *fi)
{
	int acc = fi->flags & O_ACCMODE;
	struct handle *h;
	struct node n;
	int rc;

	pthread_mutex_lock(&lock);
	rc = tree_lookup(sim, path, &n);
	pthread_mutex_unlock(&lock);
	if (rc)
		return rc;
	if (n.type != NODE_FILE)
		return -EISDIR;
	if ((acc != O_WRONLY && !tree_readable(&n)) ||
	    (acc != O_RDONLY && !tree_writable(&n)))
		return -EACCES;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;
	return 0;
}

/* Take a fresh copy of an attribute's value into the handle (locked). */
static int snapshot(const char *path, struct handle *h)
{
	struct node n;
	FILE *f;

	free(h->data);
	h->data = NULL;
	h->len = 0;
	if (tree_lookup(sim, path, &n))
		return -ENODEV;
	f = open_memstream(&h->data, &h->len);
	if (!f)
		return -ENOMEM;
	tree_show(sim, &n, f);
	fclose(f);
	return 0;
}

/* FUSE read: the value is produced again at offset 0, like sysfs. */
static int fs_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	// NOLINTNEXTLINE(performance-no-int-to-ptr): FUSE keeps our handle pointer in the integer fh
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (!off || !h->data)
		rc = snapshot(path, h);
	if (!rc && (size_t)off < h->len) {
		if (size > h->len - off)
			size = h->len - off;
		memcpy(buf, h->data + off, size);
		rc = (int)size;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

/* FUSE write: one write() is one store; logged unless a control file. */
static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct node n;
	char *copy;
	int rc;

	(void)off, (void)fi;
	copy = malloc(size + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, size);
	copy[size] = '\0';
	pthread_mutex_lock(&lock);
	rc = tree_lookup(sim, path, &n) ? -ENODEV : 0;
	if (!rc && tree_is_control(&n)) {
		rc = tree_store(sim, &n, copy, size);
	} else {
		if (!rc)
			rc = take_fault(path + 1);
		if (!rc)
			rc = store_waiting(path, &n, copy, size);
		log_write(path + 1, buf, size, rc);
	}
	pthread_mutex_unlock(&lock);
	free(copy);
	return rc ? rc : (int)size;
}

/* FUSE truncate (O_TRUNC of "echo x > file"): a no-op on writable files. */
static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct node n;
	int rc;

	(void)size, (void)fi;
	pthread_mutex_lock(&lock);
	rc = tree_lookup(sim, path, &n);
	pthread_mutex_unlock(&lock);
	if (rc)
		return rc;
	if (n.type == NODE_DIR)
		return -EISDIR;
	return n.type == NODE_FILE && tree_writable(&n) ? 0 : -EACCES;
}

/* FUSE create: sysfs directories take no new files. */
static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path, (void)mode, (void)fi;
	return -EACCES;
}

/* FUSE release: drop the handle. */
static int fs_release(const char *path, struct fuse_file_info *fi)
{
	// NOLINTNEXTLINE(performance-no-int-to-ptr): FUSE keeps our handle pointer in the integer fh
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;

	(void)path;
	free(h->data);
	free(h);
	return 0;
}

/* FUSE init: no caching, every access sees the model as it is now. */
static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	return NULL;
}

static const struct fuse_operations ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readlink = fs_readlink,
	.readdir = fs_readdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.truncate = fs_truncate,
	.create = fs_create,
	.release = fs_release,
};

/* Mount at mountpoint, daemonize unless foreground, serve until unmounted. */
int fs_main(struct sim *s, const char *mountpoint, bool foreground)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse *fuse = NULL;
	struct fault *f;
	int rc = 1;

	sim = s;
	started = time(NULL);
	if (open_log())
		return 1;
	if (!fuse_opt_add_arg(&args, "apsim") &&
	    !fuse_opt_add_arg(&args, "-ofsname=apsim,subtype=apsim"))
		fuse = fuse_new(&args, &ops, sizeof(ops), NULL);
	if (fuse && !fuse_mount(fuse, mountpoint)) {
		if (!fuse_daemonize(foreground) &&
		    !fuse_set_signal_handlers(fuse_get_session(fuse))) {
			rc = fuse_loop_mt(fuse, 0) ? 1 : 0;
			fuse_remove_signal_handlers(fuse_get_session(fuse));
		}
		fuse_unmount(fuse);
	}
	if (fuse)
		fuse_destroy(fuse);
	fuse_opt_free_args(&args);
	while ((f = faults)) {
		faults = f->next;
		free(f);
	}
	close_log();
	return rc;
}
