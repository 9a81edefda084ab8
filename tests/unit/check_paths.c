// SPDX-License-Identifier: MIT
/*
 * check_paths.c - unit tests of paths.c: every combination of SYSFS_ROOT and
 * ZAP_ROOT, trailing slashes, relative roots made absolute, and names too
 * long for struct zap_paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "zapconf.h"

/* Set (or with NULL unset) SYSFS_ROOT and ZAP_ROOT. */
static void set_env(const char *sysfs_root, const char *zap_root)
{
	if (sysfs_root)
		setenv("SYSFS_ROOT", sysfs_root, 1);
	else
		unsetenv("SYSFS_ROOT");
	if (zap_root)
		setenv("ZAP_ROOT", zap_root, 1);
	else
		unsetenv("ZAP_ROOT");
}

/* zap_paths_from_env() must succeed; returns the paths. */
static struct zap_paths paths_ok(void)
{
	struct zap_paths p;
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_int_eq(zap_paths_from_env(&p, &err), 0);
	ck_assert_int_eq(err.status, ZAP_STATUS_OK);
	return p;
}

/* A string of @len copies of 'a' after a leading '/'. */
static char *long_name(size_t len)
{
	char *s = malloc(len + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'a', len);
	s[0] = '/';
	s[len] = '\0';
	return s;
}

START_TEST(test_paths_from_env_defaults)
{
	struct zap_paths p;

	set_env(NULL, NULL);
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/sys");
	ck_assert_str_eq(p.root, "");
	ck_assert_str_eq(p.lock, "/run/lock/s390apconfig.lock");
	ck_assert_str_eq(p.mdevctl, "/etc/mdevctl.d/matrix");
	ck_assert_str_eq(p.rules, "/etc/udev/rules.d/41-ap.rules");
	ck_assert_str_eq(p.journal, "/run/zap/journal");
}
END_TEST

START_TEST(test_paths_from_env_zap_root)
{
	struct zap_paths p;

	set_env(NULL, "/tmp/fixture");
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/tmp/fixture/sys");
	ck_assert_str_eq(p.root, "/tmp/fixture");
	ck_assert_str_eq(p.lock, "/tmp/fixture/run/lock/s390apconfig.lock");
	ck_assert_str_eq(p.mdevctl, "/tmp/fixture/etc/mdevctl.d/matrix");
	ck_assert_str_eq(p.rules, "/tmp/fixture/etc/udev/rules.d/41-ap.rules");
	ck_assert_str_eq(p.journal, "/tmp/fixture/run/zap/journal");
}
END_TEST

START_TEST(test_paths_from_env_sysfs_root)
{
	struct zap_paths p;

	set_env("/srv/fake-sys", NULL);
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/srv/fake-sys");
	ck_assert_str_eq(p.root, "");
	ck_assert_str_eq(p.lock, "/run/lock/s390apconfig.lock");
	ck_assert_str_eq(p.mdevctl, "/etc/mdevctl.d/matrix");
}
END_TEST

START_TEST(test_paths_from_env_both_sysfs_root_wins)
{
	struct zap_paths p;

	set_env("/srv/fake-sys", "/tmp/fixture");
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/srv/fake-sys");
	ck_assert_str_eq(p.root, "/tmp/fixture");
	ck_assert_str_eq(p.lock, "/tmp/fixture/run/lock/s390apconfig.lock");
	ck_assert_str_eq(p.rules, "/tmp/fixture/etc/udev/rules.d/41-ap.rules");
}
END_TEST

START_TEST(test_paths_from_env_empty_sysfs_root_ignored)
{
	struct zap_paths p;

	set_env("", NULL);
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/sys");
	set_env("", "/tmp/fixture");
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/tmp/fixture/sys");
}
END_TEST

START_TEST(test_paths_from_env_empty_zap_root_is_real_root)
{
	struct zap_paths p;

	set_env(NULL, "");
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/sys");
	ck_assert_str_eq(p.root, "");
	ck_assert_str_eq(p.journal, "/run/zap/journal");
}
END_TEST

START_TEST(test_paths_from_env_trailing_slashes_stripped)
{
	struct zap_paths p;

	set_env("/srv/fake-sys//", "/tmp/fixture///");
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/srv/fake-sys");
	ck_assert_str_eq(p.root, "/tmp/fixture");
	ck_assert_str_eq(p.lock, "/tmp/fixture/run/lock/s390apconfig.lock");
	set_env(NULL, "/tmp/fixture/");
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/tmp/fixture/sys");
}
END_TEST

START_TEST(test_paths_from_env_slash_only)
{
	struct zap_paths p;

	set_env(NULL, "/");
	p = paths_ok();
	ck_assert_str_eq(p.root, "");
	ck_assert_str_eq(p.sysfs, "/sys");
	ck_assert_str_eq(p.lock, "/run/lock/s390apconfig.lock");
	set_env("//", NULL);
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, "/");
}
END_TEST

/* A relative root is read against the working directory: absolute paths. */
START_TEST(test_paths_from_env_relative_root_made_absolute)
{
	char cwd[512], want[700];
	struct zap_paths p;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	set_env(NULL, "fixture/");
	p = paths_ok();
	snprintf(want, sizeof(want), "%s/fixture", cwd);
	ck_assert_str_eq(p.root, want);
	snprintf(want, sizeof(want), "%s/fixture/sys", cwd);
	ck_assert_str_eq(p.sysfs, want);
	snprintf(want, sizeof(want), "%s/fixture/run/lock/s390apconfig.lock", cwd);
	ck_assert_str_eq(p.lock, want);
	snprintf(want, sizeof(want), "%s/fixture/run/zap/journal", cwd);
	ck_assert_str_eq(p.journal, want);
	set_env("mnt/sys", "mnt");
	p = paths_ok();
	snprintf(want, sizeof(want), "%s/mnt/sys", cwd);
	ck_assert_str_eq(p.sysfs, want);
}
END_TEST

/* From "/" a relative root gets one slash, not two. */
START_TEST(test_paths_from_env_relative_root_from_slash)
{
	char cwd[512];
	struct zap_paths p;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir("/"), 0);
	set_env("mnt/sys", "mnt");
	p = paths_ok();
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_str_eq(p.root, "/mnt");
	ck_assert_str_eq(p.sysfs, "/mnt/sys");
	ck_assert_str_eq(p.mdevctl, "/mnt/etc/mdevctl.d/matrix");
}
END_TEST

/* A relative root too long once the working directory is in front. */
START_TEST(test_paths_from_env_relative_root_too_long)
{
	struct zap_paths p;
	struct zap_error err;
	char *name = long_name(sizeof(p.root) - 1);

	name[0] = 'a'; /* relative: the working directory goes in front */
	set_env(NULL, name);
	ck_assert_int_eq(zap_paths_from_env(&p, &err), -ENAMETOOLONG);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, "ZAP_ROOT is too long"), "%s",
		      err.message);
	free(name);
}
END_TEST

START_TEST(test_paths_from_env_zap_root_too_long)
{
	struct zap_paths p, before;
	struct zap_error err;
	char *name = long_name(sizeof(p.root));

	memset(&p, 0x5a, sizeof(p));
	before = p;
	set_env(NULL, name);
	ck_assert_int_eq(zap_paths_from_env(&p, &err), -ENAMETOOLONG);
	ck_assert_int_eq(err.errnum, ENAMETOOLONG);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, "ZAP_ROOT"), "%s", err.message);
	ck_assert(memcmp(&p, &before, sizeof(p)) == 0);
	free(name);
}
END_TEST

START_TEST(test_paths_from_env_sysfs_root_too_long)
{
	struct zap_paths p;
	struct zap_error err;
	char *name = long_name(sizeof(p.sysfs));

	set_env(name, "/tmp/fixture");
	ck_assert_int_eq(zap_paths_from_env(&p, &err), -ENAMETOOLONG);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, "SYSFS_ROOT"), "%s", err.message);
	free(name);
}
END_TEST

START_TEST(test_paths_from_env_zap_root_too_long_for_sys)
{
	struct zap_paths p;
	struct zap_error err;
	/* Fits @root, but not "<root>/sys" in @sysfs. */
	char *name = long_name(sizeof(p.root) - 1);

	set_env(NULL, name);
	ck_assert_int_eq(zap_paths_from_env(&p, &err), -ENAMETOOLONG);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, "ZAP_ROOT"), "%s", err.message);
	/* With SYSFS_ROOT set, @sysfs does not depend on it. */
	set_env("/srv/fake-sys", name);
	p = paths_ok();
	ck_assert_str_eq(p.root, name);
	ck_assert_uint_eq(strlen(p.lock), strlen(name) + strlen("/run/lock/s390apconfig.lock"));
	free(name);
}
END_TEST

START_TEST(test_paths_from_env_longest_names_fit)
{
	struct zap_paths p;
	char *name = long_name(sizeof(p.sysfs) - 1);

	set_env(name, NULL);
	p = paths_ok();
	ck_assert_str_eq(p.sysfs, name);
	/* Trailing slashes do not count against the limit. */
	name[sizeof(p.sysfs) - 2] = '/';
	set_env(NULL, NULL);
	setenv("SYSFS_ROOT", name, 1);
	p = paths_ok();
	ck_assert_uint_eq(strlen(p.sysfs), sizeof(p.sysfs) - 2);
	free(name);
}
END_TEST

START_TEST(test_paths_from_env_null_error)
{
	struct zap_paths p;
	char *name = long_name(sizeof(p.root) + 10);

	set_env(NULL, name);
	ck_assert_int_eq(zap_paths_from_env(&p, NULL), -ENAMETOOLONG);
	free(name);
}
END_TEST

/* The paths suite. */
Suite *paths_suite(void)
{
	Suite *s = suite_create("paths");
	TCase *env = tcase_create("env");
	TCase *limits = tcase_create("limits");

	tcase_add_test(env, test_paths_from_env_defaults);
	tcase_add_test(env, test_paths_from_env_zap_root);
	tcase_add_test(env, test_paths_from_env_sysfs_root);
	tcase_add_test(env, test_paths_from_env_both_sysfs_root_wins);
	tcase_add_test(env, test_paths_from_env_empty_sysfs_root_ignored);
	tcase_add_test(env, test_paths_from_env_empty_zap_root_is_real_root);
	tcase_add_test(env, test_paths_from_env_trailing_slashes_stripped);
	tcase_add_test(env, test_paths_from_env_slash_only);
	tcase_add_test(env, test_paths_from_env_relative_root_made_absolute);
	tcase_add_test(env, test_paths_from_env_relative_root_from_slash);
	tcase_add_test(limits, test_paths_from_env_relative_root_too_long);
	tcase_add_test(limits, test_paths_from_env_zap_root_too_long);
	tcase_add_test(limits, test_paths_from_env_sysfs_root_too_long);
	tcase_add_test(limits, test_paths_from_env_zap_root_too_long_for_sys);
	tcase_add_test(limits, test_paths_from_env_longest_names_fit);
	tcase_add_test(limits, test_paths_from_env_null_error);
	suite_add_tcase(s, env);
	suite_add_tcase(s, limits);
	return s;
}
