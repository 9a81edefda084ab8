// SPDX-License-Identifier: MIT
/*
 * check_plan.c - unit tests of plan.c: the writes of every kind of change on
 * both kernel generations, refusals with their culprits, applying on a
 * plain tree, re-validation under the lock, and rollback after an injected
 * failure (an attribute replaced by a directory).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "unit.h"

#define HOST_MASK_0_3 "0xf000000000000000000000000000000000000000000000000000000000000000"
#define ONLY_5 "0x0400000000000000000000000000000000000000000000000000000000000000"
#define ZERO "0x0000000000000000000000000000000000000000000000000000000000000000"

/* Adapters 5, 6; host keeps domains 0-3; mdev A has 5 x 4. */
static const char base[] =
	"bus aqmask=0-3\n"
	"adapter 5 hwtype=14 mode=cca domains=1,4,0x47\n"
	"adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47\n"
	"mdev " UUID_A " adapters=5 domains=4 control=none\n";

/* A change of @kind for @uuid with ids as lists ("" = none). */
static struct zap_change change(enum zap_change_kind kind, const char *uuid,
				const char *adapters, const char *domains,
				const char *control)
{
	struct zap_change c;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	snprintf(c.uuid, sizeof(c.uuid), "%s", uuid);
	if (*adapters)
		ck_assert_int_eq(zap_ids_parse(&c.adapters, adapters, 255, "a", NULL), 0);
	if (*domains)
		ck_assert_int_eq(zap_ids_parse(&c.domains, domains, 255, "d", NULL), 0);
	if (*control)
		ck_assert_int_eq(zap_ids_parse(&c.control_domains, control, 255, "c", NULL), 0);
	return c;
}

/* Build a plan for @c on the tree of @description; returns it. */
static struct zap_plan *plan_for(const char *description,
				 const struct zap_change *c,
				 struct zap_paths *paths)
{
	struct zap_model *m;
	struct zap_plan *plan = NULL;
	struct zap_error err;

	fixture_tree(description, paths);
	m = fixture_model(paths);
	ck_assert_msg(zap_plan_build(m, c, &plan, &err) == 0, "%s", err.message);
	zap_model_free(m);
	return plan;
}

/* Does write @i of @plan go to a file ending in @name with @value? */
static void assert_write(const struct zap_plan *plan, size_t i,
			 const char *name, const char *value)
{
	const char *slash;

	ck_assert_uint_gt(plan->nr_writes, i);
	slash = strrchr(plan->writes[i].path, '/');
	ck_assert_str_eq(slash + 1, name);
	ck_assert_str_eq(plan->writes[i].value, value);
}

START_TEST(test_plan_assign_ap_config)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "6", "0x47", "4");
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);
	char want[300];

	ck_assert_uint_eq(plan->refusals.count, 0);
	ck_assert_uint_eq(plan->nr_writes, 1);
	{
		struct zap_bitmap a, d, ctl;
		char ma[ZAP_MASK_STRLEN], md[ZAP_MASK_STRLEN], mc[ZAP_MASK_STRLEN];

		zap_ids_parse(&a, "5,6", 255, "a", NULL);
		zap_ids_parse(&d, "4,0x47", 255, "d", NULL);
		zap_ids_parse(&ctl, "4", 255, "c", NULL);
		zap_mask_print(&a, ma);
		zap_mask_print(&d, md);
		zap_mask_print(&ctl, mc);
		snprintf(want, sizeof(want), "%s,%s,%s", ma, md, mc);
	}
	assert_write(plan, 0, "ap_config", want);
	ck_assert_uint_eq(plan->nr_assigned, 3); /* 05.0047 06.0004 06.0047 */
	ck_assert_uint_eq(plan->assigned[0], 0x0547);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_assign_old_kernel_order)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "6", "0x47", "4");
	struct zap_paths paths;
	struct zap_plan *plan;
	char desc[1024];

	snprintf(desc, sizeof(desc), "kernel ap_config=no\n%s", base);
	plan = plan_for(desc, &c, &paths);
	ck_assert_uint_eq(plan->nr_writes, 3);
	assert_write(plan, 0, "assign_adapter", "0x06");
	assert_write(plan, 1, "assign_domain", "0x0047");
	assert_write(plan, 2, "assign_control_domain", "0x0004");
	ck_assert_msg(strstr(plan->writes[0].undo_path, "unassign_adapter"),
		      "%s", plan->writes[0].undo_path);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_assign_refused_host_apqn)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "", "1", "");
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);

	ck_assert_uint_eq(plan->refusals.count, 1);
	ck_assert_int_eq(plan->refusals.items[0].kind, ZAP_PROBLEM_HOST_APQN);
	ck_assert_uint_eq(plan->refusals.items[0].nr_apqns, 1);
	ck_assert_uint_eq(plan->refusals.items[0].apqns[0], 0x0501);
	ck_assert_msg(strstr(plan->refusals.items[0].message, "chzap --vfio -d 0x1"),
		      "%s", plan->refusals.items[0].message);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_assign_refused_shared_and_autostart)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_B, "5,6", "0x47", "");
	struct zap_paths paths;
	struct zap_plan *plan;
	char desc[1024];

	snprintf(desc, sizeof(desc), "%s"
		 "mdev " UUID_B " adapters=none domains=4 control=none\n"
		 "define " UUID_C " start=auto adapters=6 domains=0x47 control=none\n",
		 base);
	plan = plan_for(desc, &c, &paths);
	/* B would get 5,6 x 4,0x47: 05.0004 is A's, 06.0047 is C's */
	ck_assert_uint_eq(plan->refusals.count, 2);
	ck_assert_int_eq(plan->refusals.items[0].kind, ZAP_PROBLEM_SHARED_APQN);
	ck_assert_uint_eq(plan->refusals.items[0].apqns[0], 0x0504);
	ck_assert_str_eq(plan->refusals.items[0].mdevs[1], UUID_A);
	ck_assert_uint_eq(plan->refusals.items[1].apqns[0], 0x0647);
	ck_assert_msg(strstr(plan->refusals.items[1].message, "autostart"),
		      "%s", plan->refusals.items[1].message);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_nothing_to_do)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "5", "4", "");
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);

	ck_assert(plan->nothing_to_do);
	ck_assert_uint_eq(plan->nr_writes, 0);
	zap_plan_free(plan);
	c = change(ZAP_CHANGE_TO_VFIO, "", "", "0x47", "");
	plan = plan_for(base, &c, &paths);
	ck_assert(plan->nothing_to_do);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_unassign_and_remove)
{
	struct zap_change c = change(ZAP_CHANGE_UNASSIGN, UUID_A, "", "4", "");
	struct zap_paths paths;
	struct zap_plan *plan;
	char desc[1024];

	snprintf(desc, sizeof(desc), "kernel ap_config=no\n%s", base);
	plan = plan_for(desc, &c, &paths);
	ck_assert_uint_eq(plan->nr_writes, 1);
	assert_write(plan, 0, "unassign_domain", "0x0004");
	ck_assert_uint_eq(plan->nr_unassigned, 1);
	zap_plan_free(plan);
	c = change(ZAP_CHANGE_REMOVE, UUID_A, "", "", "");
	plan = plan_for(base, &c, &paths);
	ck_assert_uint_eq(plan->refusals.count, 0);
	assert_write(plan, 0, "remove", "1");
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_remove_guest_running)
{
	struct zap_change c = change(ZAP_CHANGE_REMOVE, UUID_B, "", "", "");
	struct zap_paths paths;
	struct zap_plan *plan;
	char desc[1024];

	snprintf(desc, sizeof(desc), "%s"
		 "mdev " UUID_B " adapters=6 domains=4 control=none guest=yes\n",
		 base);
	plan = plan_for(desc, &c, &paths);
	ck_assert_uint_eq(plan->refusals.count, 1);
	ck_assert_int_eq(plan->refusals.items[0].kind, ZAP_PROBLEM_GUEST_RUNNING);
	zap_plan_free(plan);
	c.force = true;
	plan = plan_for(desc, &c, &paths);
	ck_assert_uint_eq(plan->refusals.count, 0);
	ck_assert_uint_eq(plan->warnings.count, 1);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_create_generates_uuid)
{
	struct zap_change c = change(ZAP_CHANGE_CREATE, "", "6", "0x47", "");
	struct zap_paths paths;
	struct zap_plan *plan;
	char desc[1024];

	snprintf(desc, sizeof(desc), "kernel ap_config=no\n%s", base);
	plan = plan_for(desc, &c, &paths);
	ck_assert_uint_eq(strlen(plan->change.uuid), 36);
	ck_assert_uint_eq(plan->nr_writes, 3);
	assert_write(plan, 0, "create", plan->change.uuid);
	ck_assert_msg(strstr(plan->writes[0].undo_path, "/remove"), "%s",
		      plan->writes[0].undo_path);
	assert_write(plan, 1, "assign_adapter", "0x06");
	ck_assert_str_eq(plan->writes[1].undo_path, "");
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_errors)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_C, "6", "", "");
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_plan *plan;
	struct zap_error err;

	fixture_tree("bus max_adapter=15\n" "adapter 5 hwtype=14 mode=cca domains=4\n"
		     "mdev " UUID_A " adapters=5 domains=none control=none\n", &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, &err), -ENODEV);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	c = change(ZAP_CHANGE_ASSIGN, UUID_A, "16", "", "");
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, &err), -ERANGE);
	ck_assert_msg(strstr(err.message, "0x10") && strstr(err.message, "0xf"),
		      "%s", err.message);
	c = change(ZAP_CHANGE_ASSIGN, UUID_A, "", "", "");
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, &err), -EINVAL);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	c = change(ZAP_CHANGE_CREATE, UUID_A, "", "", "");
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, &err), -EEXIST);
	ck_assert_int_eq(err.status, ZAP_STATUS_REFUSED);
	zap_model_free(m);
}
END_TEST

START_TEST(test_plan_masks)
{
	struct zap_change c = change(ZAP_CHANGE_TO_VFIO, "", "", "1", "");
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);

	ck_assert_uint_eq(plan->nr_writes, 1);
	assert_write(plan, 0, "aqmask",
		     "0xb000000000000000000000000000000000000000000000000000000000000000");
	ck_assert_str_eq(plan->writes[0].undo_value, HOST_MASK_0_3);
	ck_assert_uint_eq(plan->nr_to_vfio, 2); /* the queues 05.0001 06.0001 */
	ck_assert_uint_eq(plan->to_vfio[1], 0x0601);
	zap_plan_free(plan);
	/* giving 4 back to the host: mdev A holds 05.0004 */
	c = change(ZAP_CHANGE_TO_HOST, "", "", "4", "");
	plan = plan_for(base, &c, &paths);
	ck_assert_uint_eq(plan->refusals.count, 1);
	ck_assert_uint_eq(plan->refusals.items[0].nr_apqns, 1);
	ck_assert_uint_eq(plan->refusals.items[0].apqns[0], 0x0504);
	zap_plan_free(plan);
	/* apmask: clearing adapter 5 moves its host domains */
	c = change(ZAP_CHANGE_TO_VFIO, "", "0-4,6-255", "", "");
	plan = plan_for(base, &c, &paths);
	assert_write(plan, 0, "apmask", ONLY_5);
	ck_assert_uint_eq(plan->nr_to_vfio, 1); /* 06.0001 */
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_apply_plain_tree)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "6", "0x47", "");
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);
	struct zap_model *m;
	struct zap_error err;
	char file[200];
	int i;

	ck_assert_msg(zap_plan_apply(&plan, &paths, &o, &err) == 0, "%s",
		      err.message);
	ck_assert_int_eq(plan->writes[0].result, ZAP_WRITE_OK);
	m = fixture_model(&paths);
	i = zap_model_find_mdev(m, UUID_A);
	ck_assert_uint_eq(zap_apqn_set_weight(&m->mdevs[i].matrix), 4);
	zap_model_free(m);
	zap_plan_free(plan);
	snprintf(file, sizeof(file), "%s/run/lock/s390apconfig.lock", getenv("ZAP_ROOT"));
	ck_assert_int_ne(access(file, F_OK), 0);
}
END_TEST

START_TEST(test_plan_apply_revalidates_under_lock)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "", "0x47", "");
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);
	struct zap_error err;
	char before[300];
	FILE *f;
	char path[800];

	/* meanwhile someone gives domain 0x47 back to the host */
	snprintf(path, sizeof(path), "%s/bus/ap/aqmask", paths.sysfs);
	f = fopen(path, "w");
	{
		struct zap_bitmap d;
		char mask[ZAP_MASK_STRLEN];

		zap_ids_parse(&d, "0-3,0x47", 255, "d", NULL);
		zap_mask_print(&d, mask);
		fprintf(f, "%s\n", mask);
	}
	fclose(f);
	snprintf(before, sizeof(before), "%s",
		 fixture_read(&paths, "devices/vfio_ap/matrix/" UUID_A "/ap_config"));
	ck_assert_int_eq(zap_plan_apply(&plan, &paths, &o, &err), -EPERM);
	ck_assert_int_eq(err.status, ZAP_STATUS_REFUSED);
	ck_assert_str_eq(fixture_read(&paths, "devices/vfio_ap/matrix/" UUID_A "/ap_config"),
			 before);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_apply_rollback)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "6", "0x47", "");
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan;
	struct zap_error err;
	char desc[1024];

	snprintf(desc, sizeof(desc), "kernel ap_config=no\n%s", base);
	plan = plan_for(desc, &c, &paths);
	fixture_break(&paths, "devices/vfio_ap/matrix/" UUID_A "/assign_domain");
	ck_assert_int_eq(zap_plan_apply(&plan, &paths, &o, &err), -EISDIR);
	ck_assert_int_eq(err.status, ZAP_STATUS_WRITE);
	ck_assert_msg(strstr(err.message, "assign_domain") &&
		      strstr(err.message, "1 earlier write undone"), "%s",
		      err.message);
	ck_assert_int_eq(plan->writes[0].result, ZAP_WRITE_UNDONE);
	ck_assert_int_eq(plan->writes[1].result, ZAP_WRITE_FAILED);
	ck_assert_str_eq(fixture_read(&paths, "devices/vfio_ap/matrix/" UUID_A
				      "/unassign_adapter"), "0x06\n");
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_plan_apply_rollback_fails)
{
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, UUID_A, "6", "0x47", "");
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan;
	struct zap_error err;
	char desc[1024];

	snprintf(desc, sizeof(desc), "kernel ap_config=no\n%s", base);
	plan = plan_for(desc, &c, &paths);
	fixture_break(&paths, "devices/vfio_ap/matrix/" UUID_A "/assign_domain");
	fixture_break(&paths, "devices/vfio_ap/matrix/" UUID_A "/unassign_adapter");
	ck_assert_int_eq(zap_plan_apply(&plan, &paths, &o, &err), -EISDIR);
	ck_assert_int_eq(err.status, ZAP_STATUS_ROLLBACK);
	ck_assert_msg(strstr(err.message, "assign_adapter still has '0x06'"),
		      "%s", err.message);
	ck_assert_int_eq(plan->writes[0].result, ZAP_WRITE_UNDO_FAILED);
	zap_plan_free(plan);
}
END_TEST


/* A PID that surely belongs to no process: a reaped child's. */
static int dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (int)pid;
}

/* Write a journal of a dead chzap that made @done of two mask writes. */
static void dead_journal(const struct zap_paths *paths, int done)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd),
		 "mkdir -p \"$(dirname '%s')\" && printf 'zap-journal 1\\npid %d\\n"
		 "change to-vfio -\\nwrite %s/bus/ap/apmask\\t%s\\t%s/bus/ap/apmask\\t%s\\n"
		 "write %s/bus/ap/aqmask\\t%s\\t%s/bus/ap/aqmask\\t%s\\n%s' > '%s'",
		 paths->journal, dead_pid(),
		 paths->sysfs, ONLY_5, paths->sysfs,
		 "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 paths->sysfs, ZERO, paths->sysfs, HOST_MASK_0_3,
		 done ? "done 0\\n" : "", paths->journal);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_journal_unfinished_change_found_and_undone)
{
	struct zap_change c = change(ZAP_CHANGE_TO_VFIO, "", "", "1", "");
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);
	struct zap_problems p;
	struct zap_model *m;
	struct zap_error err;
	FILE *f;
	char path[800];

	/* the dead chzap wrote apmask (only adapter 5) and died */
	snprintf(path, sizeof(path), "%s/bus/ap/apmask", paths.sysfs);
	f = fopen(path, "w");
	fprintf(f, "%s\n", ONLY_5);
	fclose(f);
	dead_journal(&paths, 1);
	m = fixture_model(&paths);
	ck_assert(m->journal.present);
	ck_assert(!m->journal.alive);
	ck_assert_uint_eq(m->journal.nr_writes, 2);
	ck_assert_uint_eq(m->journal.nr_done, 1);
	ck_assert_int_eq(zap_rules_check(m, &p, NULL), 0);
	/* the other problems are not-persistent warnings of the half change */
	ck_assert_uint_eq(zap_problems_errors(&p), 1);
	ck_assert_int_eq(p.items[0].kind, ZAP_PROBLEM_UNFINISHED_CHANGE);
	zap_problems_free(&p);
	zap_model_free(m);
	/* no other change until it is recovered */
	ck_assert_int_eq(zap_plan_apply(&plan, &paths, &o, &err), -EPERM);
	ck_assert_int_eq(plan->refusals.items[0].kind,
			 ZAP_PROBLEM_UNFINISHED_CHANGE);
	ck_assert_msg(strstr(err.message, "chzap --recover"), "%s", err.message);
	zap_plan_free(plan);
	plan = NULL;
	ck_assert_msg(zap_journal_recover(&paths, ZAP_RECOVER_UNDO, &o, &plan,
					  &err) == 0, "%s", err.message);
	ck_assert_str_eq(fixture_read(&paths, "bus/ap/apmask"),
			 "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n");
	ck_assert_str_eq(fixture_read(&paths, "bus/ap/aqmask"), HOST_MASK_0_3 "\n");
	ck_assert_int_ne(access(paths.journal, F_OK), 0);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_journal_recover_complete)
{
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan = NULL;
	struct zap_error err;

	fixture_tree(base, &paths);
	dead_journal(&paths, 1);
	ck_assert_int_eq(zap_journal_recover(&paths, ZAP_RECOVER_COMPLETE, &o,
					     &plan, &err), 0);
	ck_assert_uint_eq(plan->nr_writes, 1);
	ck_assert_str_eq(fixture_read(&paths, "bus/ap/aqmask"), ZERO "\n");
	ck_assert_int_ne(access(paths.journal, F_OK), 0);
	zap_plan_free(plan);
	/* nothing left to recover */
	ck_assert_int_eq(zap_journal_recover(&paths, ZAP_RECOVER_UNDO, &o,
					     &plan, &err), 0);
	ck_assert(plan->nothing_to_do);
	zap_plan_free(plan);
}
END_TEST

START_TEST(test_journal_removed_after_apply)
{
	struct zap_change c = change(ZAP_CHANGE_TO_VFIO, "", "", "1", "");
	struct zap_apply_options o = { .lock_timeout_ms = 1000 };
	struct zap_paths paths;
	struct zap_plan *plan = plan_for(base, &c, &paths);
	struct zap_error err;

	ck_assert_int_eq(zap_plan_apply(&plan, &paths, &o, &err), 0);
	ck_assert_int_ne(access(paths.journal, F_OK), 0);
	ck_assert_str_eq(fixture_read(&paths, "bus/ap/aqmask"),
			 "0xb000000000000000000000000000000000000000000000000000000000000000\n");
	zap_plan_free(plan);
}
END_TEST

/* The plan suite. */
Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *b = tcase_create("build");
	TCase *a = tcase_create("apply");

	tcase_set_timeout(b, 30);
	tcase_set_timeout(a, 30);
	tcase_add_test(b, test_plan_assign_ap_config);
	tcase_add_test(b, test_plan_assign_old_kernel_order);
	tcase_add_test(b, test_plan_assign_refused_host_apqn);
	tcase_add_test(b, test_plan_assign_refused_shared_and_autostart);
	tcase_add_test(b, test_plan_nothing_to_do);
	tcase_add_test(b, test_plan_unassign_and_remove);
	tcase_add_test(b, test_plan_remove_guest_running);
	tcase_add_test(b, test_plan_create_generates_uuid);
	tcase_add_test(b, test_plan_errors);
	tcase_add_test(b, test_plan_masks);
	tcase_add_test(a, test_plan_apply_plain_tree);
	tcase_add_test(a, test_plan_apply_revalidates_under_lock);
	tcase_add_test(a, test_plan_apply_rollback);
	tcase_add_test(a, test_plan_apply_rollback_fails);
	tcase_add_test(a, test_journal_unfinished_change_found_and_undone);
	tcase_add_test(a, test_journal_recover_complete);
	tcase_add_test(a, test_journal_removed_after_apply);
	suite_add_tcase(s, b);
	suite_add_tcase(s, a);
	return s;
}
