// SPDX-License-Identifier: MIT
/*
 * sysfs.c - reading and writing single sysfs attributes: small whole-file
 * reads with as few system calls as possible (open, one read, close), the
 * kernel's printed mask form, and one-write() stores.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Read a small file relative to @dirfd; at most two read() calls. */
int zap_sysfs_read_at(int dirfd, const char *name, char *buf, size_t size,
		      size_t *len)
{
	ssize_t n;
	size_t got = 0;
	int fd, rc = 0;

	/* O_NONBLOCK: a FIFO planted in a hostile tree must not hang us */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		got += (size_t)n;
		/*
		 * A short read of a small attribute is the whole attribute
		 * (saves a read() per file); big buffers (matrix listings,
		 * possibly served in chunks) are read to the end.
		 */
		if (n == 0 || (got < size - 1 && size <= 4096))
			break;
		if (got == size - 1) {
			char extra;

			n = read(fd, &extra, 1);
			if (n > 0)
				rc = -EFBIG;
			break;
		}
	}
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return rc;
}

/* Read a decimal integer attribute ("%d\n"). */
int zap_sysfs_read_int_at(int dirfd, const char *name, long long *value)
{
	char buf[64], *end;
	size_t len;
	int rc;

	rc = zap_sysfs_read_at(dirfd, name, buf, sizeof(buf), &len);
	if (rc)
		return rc;
	// NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Branch): rc 0 means len is set (analyzer takes errno 0 after a failed openat)
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!len || memchr(buf, '\0', len))
		return -EINVAL;
	errno = 0;
	*value = strtoll(buf, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/* The kernel's printed mask: "0x" + exactly 64 lower-case hex digits. */
int zap_sysfs_parse_mask(const char *buf, size_t len, struct zap_bitmap *mask)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 66 || buf[0] != '0' || buf[1] != 'x')
		return -EINVAL;
	for (size_t i = 2; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		      (buf[i] >= 'a' && buf[i] <= 'f')))
			return -EINVAL;
	return zap_mask_parse_absolute(mask, buf, len, NULL);
}

/* One store: @value and a newline in a single write() call. */
int zap_sysfs_write(const char *path, const char *value)
{
	char buf[300];
	int fd, n, rc = 0;
	ssize_t w;

	n = snprintf(buf, sizeof(buf), "%s\n", value);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	do {
		w = write(fd, buf, (size_t)n);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		rc = -errno;
	else if (w != n)
		rc = -EIO;
	if (close(fd) && !rc && errno != EINTR)
		rc = -errno;
	return rc;
}

/* snprintf that reports truncation. */
int zap_path_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
