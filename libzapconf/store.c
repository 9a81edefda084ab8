// SPDX-License-Identifier: MIT
/*
 * store.c - the small file store of libzapconf: a bounded read of a regular
 * configuration file, an atomic replace (temp file in the same directory,
 * fsync, rename, fsync of the directory), a delete, mkdir -p. Used by the
 * persistent files (mdevctl definitions, 41-ap.rules), the journal and the
 * executor.
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/*
 * Read the regular file @fd into a NUL-terminated *@buf of *@len bytes.
 * Returns: 0; -EFBIG (above ZAP_CONFIG_FILE_MAX); -ENOMEM; -errno.
 */
static int read_fd(int fd, char **buf, size_t *len)
{
	size_t size = 4096, n = 0;
	char *data, *bigger;
	ssize_t got;

	data = malloc(size + 1);
	if (!data)
		return -ENOMEM;
	for (;;) {
		if (n == size) {
			if (size > ZAP_CONFIG_FILE_MAX) {
				free(data);
				return -EFBIG;
			}
			size *= 2;
			bigger = realloc(data, size + 1);
			if (!bigger) {
				free(data);
				return -ENOMEM;
			}
			data = bigger;
		}
		got = read(fd, data + n, size - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			got = -errno;
			free(data);
			return (int)got;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > ZAP_CONFIG_FILE_MAX) {
		free(data);
		return -EFBIG;
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;
}

/* Open @name in @dirfd and read it if it is a regular file; internal.h. */
int zap_store_read_at(int dirfd, const char *name, char **buf, size_t *len)
{
	struct stat st;
	int fd, rc;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		rc = -ENOENT;
	} else if (st.st_size > (off_t)ZAP_CONFIG_FILE_MAX) {
		rc = -EFBIG;
	} else {
		rc = read_fd(fd, buf, len);
	}
	close(fd);
	return rc;
}

/* Make the missing directories above @path (mkdir -p); internal.h. */
int zap_store_mkdir_parents(const char *path, mode_t mode)
{
	char dir[PATH_MAX];
	char *slash, *p;
	bool last;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (p = dir + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		last = !*p;
		*p = '\0';
		if (mkdir(dir, last ? mode : 0755) && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*p = '/';
	}
}

/* fsync the directory holding @path, so that a rename or unlink lasts. */
void zap_store_sync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	fsync(fd);
	close(fd);
}

/* Is the directory holding @path a root-owned, private one? internal.h. */
int zap_store_check_own_dir(const char *path, char *why, size_t size)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? path : ".");
	if (lstat(dir, &st)) {
		snprintf(why, size, "%s: %s", dir, strerror(errno));
		return -EPERM;
	}
	if (!S_ISDIR(st.st_mode))
		snprintf(why, size, "%s is not a directory (a symlink?)", dir);
	else if (st.st_mode & 022)
		snprintf(why, size, "%s is group- or world-writable (mode %04o)",
			 dir, (unsigned int)(st.st_mode & 07777));
	else if (st.st_uid != geteuid())
		snprintf(why, size, "%s is owned by uid %u, not %u", dir,
			 (unsigned int)st.st_uid, (unsigned int)geteuid());
	else
		return 0;
	return -EPERM;
}

/* Is @name ".NAME.XXXXXX" of a UUID or of @own (zap_store_replace())? */
static bool store_temp_name(const char *name, const char *own)
{
	size_t len = strlen(name);
	char middle[PATH_MAX], uuid[ZAP_UUID_STRLEN];

	if (len < 9 || name[0] != '.' || name[len - 7] != '.')
		return false;
	for (size_t i = len - 6; i < len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
			    name[i]))
			return false;
	snprintf(middle, sizeof(middle), "%.*s", (int)(len - 8), name + 1);
	return !strcmp(middle, own) ||
	       (strlen(middle) == ZAP_UUID_STRLEN - 1 &&
		zap_uuid_parse(middle, uuid, NULL) == 0);
}

/* Remove the temps of dead runs beside @path; see internal.h. */
size_t zap_store_remove_temps(const char *path, bool remove, char *left,
			      size_t size)
{
	char dir[PATH_MAX], file[PATH_MAX + 256];
	const char *slash = strrchr(path, '/');
	struct dirent *de;
	size_t failed = 0;
	DIR *dh;

	left[0] = '\0';
	if (!slash)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	dh = opendir(dir);
	if (!dh)
		return 0;
	while ((de = readdir(dh))) {
		if (!store_temp_name(de->d_name, slash + 1))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		if (remove && (unlink(file) == 0 || errno == ENOENT))
			continue;
		if (!failed++)
			snprintf(left, size, "%s", file);
	}
	closedir(dh);
	if (remove)
		zap_store_sync_parent(path);
	return failed;
}

/* Remove the temps of dead runs of the definitions and 41-ap.rules. */
void zap_store_remove_dead_temps(const struct zap_paths *paths)
{
	char defs[sizeof(paths->mdevctl) + 2], left[PATH_MAX];

	snprintf(defs, sizeof(defs), "%s/", paths->mdevctl);
	zap_store_remove_temps(defs, true, left, sizeof(left));
	zap_store_remove_temps(paths->rules, true, left, sizeof(left));
}

/* Count the temps of dead runs (lszap --check); see internal.h. */
size_t zap_store_find_dead_temps(const struct zap_paths *paths, char *first,
				 size_t size)
{
	char defs[sizeof(paths->mdevctl) + 2], other[PATH_MAX];
	size_t n;

	snprintf(defs, sizeof(defs), "%s/", paths->mdevctl);
	n = zap_store_remove_temps(defs, false, first, size);
	n += zap_store_remove_temps(paths->rules, false, other, sizeof(other));
	if (!first[0])
		snprintf(first, size, "%s", other);
	return n;
}

/* Replace @path by @content: temp file, fsync, rename; mode 0644. */
int zap_store_replace(const char *path, const char *content)
{
	char tmp[PATH_MAX + 16];
	const char *slash = strrchr(path, '/');
	size_t len = strlen(content), done = 0;
	ssize_t n;
	int fd, rc;

	rc = zap_store_mkdir_parents(path, 0755);
	if (rc)
		return rc;
	/* ".NAME.XXXXXX": neither a UUID mdevctl reads nor a *.rules file */
	if (slash)
		rc = zap_path_format(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX",
				     (int)(slash - path), path, slash + 1);
	else
		rc = zap_path_format(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	if (rc)
		return rc;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fchmod(fd, 0644) ? -errno : 0;
	while (!rc && done < len) {
		n = write(fd, content + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		else
			done += (size_t)n;
	}
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	zap_store_sync_parent(path);
	return 0;
}

/* Delete @path (gone already is fine). */
int zap_store_delete(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		return -errno;
	zap_store_sync_parent(path);
	return 0;
}

/* Read the regular file @path; see internal.h. */
int zap_config_file_read(const char *path, char **text, size_t *len)
{
	return zap_store_read_at(AT_FDCWD, path, text, len);
}
