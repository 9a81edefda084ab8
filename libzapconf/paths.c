// SPDX-License-Identifier: MIT
/*
 * paths.c - where the AP configuration lives: the sysfs tree, the root of
 * the configuration files (mdevctl definitions, 41-ap.rules), the s390-tools
 * AP configuration lock and chzap's journal, from SYSFS_ROOT and ZAP_ROOT.
 * A relative root is made absolute (against the working directory) when it
 * is read, so that every path zap records (the journal's included) names
 * the same file from any directory.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/*
 * Copy @src to @dst (@size bytes) without its trailing slashes, behind the
 * working directory when @src is relative ("mnt" -> "/work/mnt").
 * Returns: 0; -ENAMETOOLONG; getcwd()'s -errno.
 */
static int copy_absolute(char *dst, size_t size, const char *src, bool keep_root)
{
	size_t len = strlen(src), at = 0;

	while (len > 0 && src[len - 1] == '/')
		len--;
	/* "/" (or "///") names the root: "" for @root, "/" for @sysfs. */
	if (len == 0 && keep_root && src[0] == '/')
		len = 1;
	if (len > 0 && src[0] != '/') {
		if (!getcwd(dst, size))
			return errno == ERANGE ? -ENAMETOOLONG : -errno;
		at = strlen(dst);
		if (dst[at - 1] != '/')
			dst[at++] = '/';
	}
	if (at + len >= size)
		return -ENAMETOOLONG;
	memcpy(dst + at, src, len);
	dst[at + len] = '\0';
	return 0;
}

/* Fill @err for @rc of copy_absolute() on the variable @name = @value. */
static int root_error(struct zap_error *err, int rc, const char *name,
		      const char *value, size_t size)
{
	if (rc == -ENAMETOOLONG)
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "%s is too long (%zu bytes, at most %zu)",
				     name, strlen(value), size - 1);
	return zap_error_set(err, -rc, ZAP_STATUS_USAGE,
			     "%s is relative, and the working directory cannot be read to make it absolute: %s",
			     name, strerror(-rc));
}

/* Write @root + @suffix into @dst (@size bytes); false if it does not fit. */
static bool join(char *dst, size_t size, const char *root, const char *suffix)
{
	int n = snprintf(dst, size, "%s%s", root, suffix);

	return n >= 0 && (size_t)n < size;
}

/* Fill @paths from SYSFS_ROOT and ZAP_ROOT (secure_getenv()), made absolute. */
ZAP_EXPORT int zap_paths_from_env(struct zap_paths *paths,
				  struct zap_error *err)
{
	const char *sysfs_root = secure_getenv("SYSFS_ROOT");
	const char *zap_root = secure_getenv("ZAP_ROOT");
	struct zap_paths p;
	int rc;

	memset(&p, 0, sizeof(p));
	if (zap_root) {
		rc = copy_absolute(p.root, sizeof(p.root), zap_root, false);
		if (rc)
			return root_error(err, rc, "ZAP_ROOT", zap_root,
					  sizeof(p.root));
	}

	if (sysfs_root && sysfs_root[0]) {
		rc = copy_absolute(p.sysfs, sizeof(p.sysfs), sysfs_root, true);
		if (rc)
			return root_error(err, rc, "SYSFS_ROOT", sysfs_root,
					  sizeof(p.sysfs));
	} else if (!join(p.sysfs, sizeof(p.sysfs), p.root, "/sys")) {
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "ZAP_ROOT is too long for ZAP_ROOT/sys (%zu bytes, at most %zu)",
				     strlen(p.root), sizeof(p.sysfs) - 1 - strlen("/sys"));
	}

	if (!join(p.lock, sizeof(p.lock), p.root, "/run/lock/s390apconfig.lock") ||
	    !join(p.mdevctl, sizeof(p.mdevctl), p.root, "/etc/mdevctl.d/matrix") ||
	    !join(p.rules, sizeof(p.rules), p.root, "/etc/udev/rules.d/41-ap.rules") ||
	    !join(p.journal, sizeof(p.journal), p.root, "/run/zap/journal"))
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "ZAP_ROOT is too long (%zu bytes)", strlen(p.root));
	*paths = p;
	return 0;
}
