// SPDX-License-Identifier: MIT
/*
 * fixture.c - sysfs trees for the unit tests, made by mkfixture (whose path
 * the Makefile passes in ZAP_TEST_MKFIXTURE) in temporary directories.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

/* Build a tree from @description; set the environment and @paths. */
const char *fixture_tree(const char *description, struct zap_paths *paths)
{
	static char root[256];
	char desc[300], cmd[1024], sysfs[300];
	const char *mkfixture = getenv("ZAP_TEST_MKFIXTURE");
	FILE *f;

	ck_assert_msg(mkfixture, "ZAP_TEST_MKFIXTURE is not set (run make unit)");
	snprintf(root, sizeof(root), "/tmp/zap-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(desc, sizeof(desc), "%s.machine", root);
	f = fopen(desc, "w");
	ck_assert_ptr_nonnull(f);
	fputs(description, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "'%s' '%s' '%s'", mkfixture, desc, root);
	ck_assert_int_eq(system(cmd), 0);
	unlink(desc);
	snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	setenv("ZAP_ROOT", root, 1);
	setenv("SYSFS_ROOT", sysfs, 1);
	ck_assert_int_eq(zap_paths_from_env(paths, NULL), 0);
	return root;
}

/* Load everything. */
struct zap_model *fixture_model(const struct zap_paths *paths)
{
	struct zap_model *model = NULL;
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_msg(zap_model_load(&model, paths, ZAP_LOAD_ALL, &err) == 0,
		      "load failed: %s", err.message);
	return model;
}

/* Read @relative under sysfs. */
const char *fixture_read(const struct zap_paths *paths, const char *relative)
{
	static char buf[8192];
	char path[900];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", paths->sysfs, relative);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Replace @relative by a directory. */
void fixture_break(const struct zap_paths *paths, const char *relative)
{
	char path[900];

	snprintf(path, sizeof(path), "%s/%s", paths->sysfs, relative);
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}
