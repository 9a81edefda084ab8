// SPDX-License-Identifier: MIT
/*
 * check_rules.c - unit tests of rules.c: every problem kind of a whole
 * configuration audit, on the kernel document's examples and beyond.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "unit.h"

/* Audit the tree of @description. */
static void audit(const char *description, struct zap_problems *problems)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_error err;

	fixture_tree(description, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_rules_check(m, problems, &err), 0);
	zap_model_free(m);
}

/* The first problem of @kind, or NULL. */
static const struct zap_problem *find(const struct zap_problems *problems,
				      enum zap_problem_kind kind)
{
	for (size_t i = 0; i < problems->count; i++)
		if (problems->items[i].kind == kind)
			return &problems->items[i];
	return NULL;
}

/* The kernel document's ownership example: host adapters 1-3 x domains 7,8. */
#define DOC_BUS "bus apmask=1-3 aqmask=7,8\n" \
	"adapter 1 hwtype=13 mode=cca domains=5-8\n" \
	"adapter 2 hwtype=13 mode=cca domains=5-8\n"

START_TEST(test_rules_disjoint_mdevs_are_valid)
{
	struct zap_problems p;

	audit(DOC_BUS
	      "mdev " UUID_A " adapters=1,2 domains=5,6 control=none\n"
	      "mdev " UUID_B " adapters=1,2 domains=7 control=none\n", &p);
	/* {1,2 x 7} is host-owned: that is the only problem */
	ck_assert_ptr_null(find(&p, ZAP_PROBLEM_SHARED_APQN));
	ck_assert_ptr_nonnull(find(&p, ZAP_PROBLEM_HOST_APQN));
	zap_problems_free(&p);
	audit("bus apmask=1-3 aqmask=8\n"
	      "adapter 1 hwtype=13 mode=cca domains=5-8\n"
	      "mdev " UUID_A " adapters=1,2 domains=5,6 control=none\n"
	      "mdev " UUID_B " adapters=1,2 domains=7 control=none\n", &p);
	ck_assert_uint_eq(zap_problems_errors(&p), 0);
	zap_problems_free(&p);
}
END_TEST

START_TEST(test_rules_shared_apqn_exactly_01_0006)
{
	struct zap_problems p;
	const struct zap_problem *x;

	audit("bus apmask=1-3 aqmask=8\n"
	      "adapter 1 hwtype=13 mode=cca domains=5-8\n"
	      "mdev " UUID_A " adapters=1,2 domains=5,6 control=none\n"
	      "mdev " UUID_B " adapters=1 domains=6,7 control=none\n", &p);
	x = find(&p, ZAP_PROBLEM_SHARED_APQN);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->nr_apqns, 1);
	ck_assert_uint_eq(x->apqns[0], 0x0106);
	ck_assert_uint_eq(x->nr_mdevs, 2);
	ck_assert_str_eq(x->mdevs[0], UUID_A);
	ck_assert_str_eq(x->mdevs[1], UUID_B);
	ck_assert_msg(strstr(x->message, "01.0006"), "%s", x->message);
	ck_assert_str_eq(zap_problem_kind_name(x->kind), "shared-apqn");
	zap_problems_free(&p);
}
END_TEST

START_TEST(test_rules_host_apqn_names_apqns)
{
	struct zap_problems p;
	const struct zap_problem *x;

	audit(DOC_BUS "mdev " UUID_A " adapters=1 domains=6,7 control=none\n", &p);
	x = find(&p, ZAP_PROBLEM_HOST_APQN);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->nr_apqns, 1);
	ck_assert_uint_eq(x->apqns[0], 0x0107);
	ck_assert_str_eq(x->mdevs[0], UUID_A);
	zap_problems_free(&p);
}
END_TEST

START_TEST(test_rules_autostart_definition_conflicts)
{
	struct zap_problems p;
	const struct zap_problem *x;

	audit(DOC_BUS
	      "mdev " UUID_A " adapters=1 domains=5 control=none\n"
	      "define " UUID_B " start=auto adapters=1,2 domains=5 control=none\n"
	      "define " UUID_C " start=manual adapters=2 domains=5 control=none\n",
	      &p);
	x = find(&p, ZAP_PROBLEM_SHARED_APQN);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->nr_apqns, 1);
	ck_assert_uint_eq(x->apqns[0], 0x0105);
	x = find(&p, ZAP_PROBLEM_MANUAL_OVERLAP);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->mdevs[0], UUID_C);
	ck_assert_uint_eq(x->apqns[0], 0x0205);
	zap_problems_free(&p);
}
END_TEST

START_TEST(test_rules_boot_conflict_and_drift)
{
	struct zap_problems p;
	const struct zap_problem *x;

	audit("bus apmask=1-3 aqmask=8\n"
	      "adapter 1 hwtype=13 mode=cca domains=5-8\n"
	      "mdev " UUID_A " adapters=1 domains=5 control=none\n"
	      "define " UUID_A " start=auto adapters=1 domains=5,6 control=none\n"
	      "rules apmask=1-3 aqmask=5,8\n", &p);
	x = find(&p, ZAP_PROBLEM_BOOT_CONFLICT);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->nr_apqns, 1);
	ck_assert_uint_eq(x->apqns[0], 0x0105);
	ck_assert_msg(strstr(x->path, UUID_A), "%s", x->path);
	x = find(&p, ZAP_PROBLEM_DRIFT);
	ck_assert_ptr_nonnull(x);
	ck_assert_msg(strstr(x->message, "definition") ||
		      strstr(x->message, "aqmask"), "%s", x->message);
	zap_problems_free(&p);
}
END_TEST

START_TEST(test_rules_shapes_and_queues)
{
	struct zap_problems p;
	const struct zap_problem *x;

	audit("bus max_domain=15 aqmask=0\n"
	      "adapter 1 hwtype=13 mode=cca domains=5,6\n"
	      "queue 01.0006 driver=none\n"
	      "mdev " UUID_A " adapters=1 domains=none control=4\n"
	      "mdev " UUID_B " adapters=1,9 domains=5,0x20 control=none\n", &p);
	x = find(&p, ZAP_PROBLEM_CONTROL_WITHOUT_USAGE);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->mdevs[0], UUID_A);
	x = find(&p, ZAP_PROBLEM_ID_ABOVE_MAX);
	ck_assert_ptr_nonnull(x);
	ck_assert_msg(strstr(x->message, "0x20") && strstr(x->message, "0xf"),
		      "%s", x->message);
	x = find(&p, ZAP_PROBLEM_UNBOUND);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->apqns[0], 0x0106);
	x = find(&p, ZAP_PROBLEM_NOT_IN_CONFIG);
	ck_assert_ptr_nonnull(x);
	ck_assert(!zap_problem_kind_is_error(x->kind));
	ck_assert_uint_eq(x->nr_apqns, 3); /* 01.0020 09.0005 09.0020 */
	zap_problems_free(&p);
}
END_TEST

START_TEST(test_rules_bad_definition_named)
{
	struct zap_paths paths;
	struct zap_problems p;
	struct zap_model *m;
	const struct zap_problem *x;
	char path[800];
	FILE *f;

	fixture_tree("adapter 1 hwtype=13 mode=cca domains=5\n", &paths);
	snprintf(path, sizeof(path), "mkdir -p '%s'", paths.mdevctl);
	ck_assert_int_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/%s", paths.mdevctl, UUID_A);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [", f);
	fclose(f);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_rules_check(m, &p, NULL), 0);
	x = find(&p, ZAP_PROBLEM_BAD_DEFINITION);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->path, path);
	zap_problems_free(&p);
	zap_model_free(m);
}
END_TEST

START_TEST(test_rules_clean_demo)
{
	struct zap_problems p;

	audit("adapter 5 hwtype=11 mode=cca domains=1,4,0x47\n"
	      "bus aqmask=1\n"
	      "mdev " UUID_A " adapters=5 domains=4 control=4\n"
	      "mdev " UUID_B " adapters=5 domains=0x47 control=4\n"
	      "define " UUID_A " start=auto adapters=5 domains=4 control=4\n", &p);
	/* B has no definition: gone at reboot, a warning only */
	ck_assert_uint_eq(p.count, 1);
	ck_assert_int_eq(p.items[0].kind, ZAP_PROBLEM_NOT_PERSISTENT);
	ck_assert_str_eq(p.items[0].mdevs[0], UUID_B);
	ck_assert_uint_eq(zap_problems_errors(&p), 0);
	zap_problems_free(&p);
}
END_TEST

/* The rules suite. */
Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *t = tcase_create("check");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, test_rules_disjoint_mdevs_are_valid);
	tcase_add_test(t, test_rules_shared_apqn_exactly_01_0006);
	tcase_add_test(t, test_rules_host_apqn_names_apqns);
	tcase_add_test(t, test_rules_autostart_definition_conflicts);
	tcase_add_test(t, test_rules_boot_conflict_and_drift);
	tcase_add_test(t, test_rules_shapes_and_queues);
	tcase_add_test(t, test_rules_bad_definition_named);
	tcase_add_test(t, test_rules_clean_demo);
	suite_add_tcase(s, t);
	return s;
}
