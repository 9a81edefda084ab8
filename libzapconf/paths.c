// SPDX-License-Identifier: MIT
/*
 * paths.c - where the AP configuration lives: the sysfs tree, the root of
 * the configuration files (mdevctl definitions, 41-ap.rules), the s390-tools
 * AP configuration lock and chzap's journal, from SYSFS_ROOT and ZAP_ROOT.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Copy @src to @dst (@size bytes) without its trailing slashes; false if too long. */
static bool copy_stripped(char *dst, size_t size, const char *src, bool keep_root)
{
	size_t len = strlen(src);

	while (len > 0 && src[len - 1] == '/')
		len--;
	/* "/" (or "///") names the root: "" for @root, "/" for @sysfs. */
	if (len == 0 && keep_root && src[0] == '/')
		len = 1;
	if (len >= size)
		return false;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

/* Write @root + @suffix into @dst (@size bytes); false if it does not fit. */
static bool join(char *dst, size_t size, const char *root, const char *suffix)
{
	int n = snprintf(dst, size, "%s%s", root, suffix);

	return n >= 0 && (size_t)n < size;
}

/* Fill @paths from SYSFS_ROOT and ZAP_ROOT (read with secure_getenv()). */
ZAP_EXPORT int zap_paths_from_env(struct zap_paths *paths,
				  struct zap_error *err)
{
	const char *sysfs_root = secure_getenv("SYSFS_ROOT");
	const char *zap_root = secure_getenv("ZAP_ROOT");
	struct zap_paths p;

	memset(&p, 0, sizeof(p));
	if (zap_root && !copy_stripped(p.root, sizeof(p.root), zap_root, false))
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "ZAP_ROOT is too long (%zu bytes, at most %zu)",
				     strlen(zap_root), sizeof(p.root) - 1);

	if (sysfs_root && sysfs_root[0]) {
		if (!copy_stripped(p.sysfs, sizeof(p.sysfs), sysfs_root, true))
			return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
					     "SYSFS_ROOT is too long (%zu bytes, at most %zu)",
					     strlen(sysfs_root), sizeof(p.sysfs) - 1);
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
