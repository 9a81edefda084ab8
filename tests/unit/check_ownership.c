// SPDX-License-Identifier: MIT
/*
 * check_ownership.c - unit tests of ownership.c and override.c: the
 * kernel's host-ownership rule (driver-override.md DO-22) for every row of
 * its table, the ownership model (masks, overrides, mixed), the loaded
 * driver_override, the writes of a change by queue, and the executor's
 * override kinds (unbind of an unbound queue, the probe's driver check).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"
#include "unit.h"

/* A 6.19 host: both masks all ones, one queue per DO-18 case. */
static const char overrides[] =
	"kernel driver_override=yes\n"
	"adapter 5 hwtype=14 mode=cca domains=1-5\n"
	"override 05.0001 vfio_ap\n"
	"override 05.0002 cex4queue\n"
	"override 05.0003 vfio_ap\n"
	"queue 05.0003 driver=none\n"
	"override 05.0004 nosuchdriver\n";

START_TEST(test_host_owned_do22)
{
	struct zap_paths paths;
	struct zap_model *m;

	fixture_tree(overrides, &paths);
	m = fixture_model(&paths);
	ck_assert(m->bus.driver_override_supported);
	ck_assert_str_eq(zap_model_queue(m, 5, 1)->driver_override, "vfio_ap");
	ck_assert_str_eq(zap_model_queue(m, 5, 5)->driver_override, "");
	/* bound with an override: its driver decides, masks not consulted */
	ck_assert(!zap_model_host_owned(m, 5, 1));
	ck_assert(zap_model_host_owned(m, 5, 2));
	/* unbound, or an override naming no bound driver: the masks */
	ck_assert(zap_model_host_owned(m, 5, 3));
	ck_assert(zap_model_host_owned(m, 5, 4));
	/* no override; no queue device at all */
	ck_assert(zap_model_host_owned(m, 5, 5));
	ck_assert(zap_model_host_owned(m, 9, 9));
	ck_assert_int_eq(zap_model_ownership(m), ZAP_OWNERSHIP_OVERRIDES);
	ck_assert_str_eq(zap_ownership_name(zap_model_ownership(m)), "overrides");
	zap_model_free(m);
}
END_TEST

START_TEST(test_ownership_models)
{
	struct zap_paths paths;
	struct zap_model *m;

	fixture_tree("kernel driver_override=yes\n"
		     "adapter 5 hwtype=14 mode=cca domains=1,2\n", &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_model_ownership(m), ZAP_OWNERSHIP_MASKS);
	ck_assert_str_eq(zap_ownership_name(ZAP_OWNERSHIP_MASKS), "masks");
	zap_model_free(m);
	fixture_tree("kernel driver_override=yes\n"
		     "bus aqmask=0-1,3-255\n"
		     "adapter 5 hwtype=14 mode=cca domains=1,2\n"
		     "override 05.0001 vfio_ap\n", &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_model_ownership(m), ZAP_OWNERSHIP_MIXED);
	ck_assert_str_eq(zap_ownership_name(ZAP_OWNERSHIP_MIXED), "mixed");
	/* 05.0002 by the masks, 05.0001 by its override */
	ck_assert(!zap_model_host_owned(m, 5, 2));
	ck_assert(!zap_model_host_owned(m, 5, 1));
	zap_model_free(m);
	/* an old kernel: no attribute */
	fixture_tree("adapter 5 hwtype=14 mode=cca domains=1\n", &paths);
	m = fixture_model(&paths);
	ck_assert(!m->bus.driver_override_supported);
	zap_model_free(m);
}
END_TEST

START_TEST(test_plan_by_queue)
{
	struct zap_change c = { .kind = ZAP_CHANGE_TO_VFIO };
	struct zap_paths paths;
	struct zap_plan *plan;
	struct zap_model *m;

	fixture_tree(overrides, &paths);
	m = fixture_model(&paths);
	c.by_queue = true;
	zap_bitmap_set(&c.queues[5], 5);
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, NULL), 0);
	ck_assert_int_eq(plan->refusals.count, 0);
	ck_assert_int_eq(plan->nr_writes, 3);
	ck_assert_int_eq(plan->writes[0].kind, ZAP_WRITE_OVERRIDE);
	ck_assert_str_eq(plan->writes[0].value, "vfio_ap");
	ck_assert_str_eq(plan->writes[0].undo_value, "");
	ck_assert_int_eq(plan->writes[1].kind, ZAP_WRITE_UNBIND);
	ck_assert(strstr(plan->writes[1].path, "/drivers/cex4queue/unbind"));
	ck_assert_str_eq(plan->writes[1].undo_path, "");
	ck_assert_int_eq(plan->writes[2].kind, ZAP_WRITE_PROBE);
	ck_assert(strstr(plan->writes[2].undo_path, "/drivers/vfio_ap/unbind"));
	ck_assert_int_eq(plan->nr_to_vfio, 1);
	ck_assert_int_eq(plan->to_vfio[0], 0x0505);
	zap_plan_free(plan);
	/* a switched queue again: nothing to do */
	memset(c.queues, 0, sizeof(c.queues));
	zap_bitmap_set(&c.queues[5], 1);
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, NULL), 0);
	ck_assert(plan->nothing_to_do);
	zap_plan_free(plan);
	/* a mask change while overrides exist: refused, no write */
	memset(&c, 0, sizeof(c));
	c.kind = ZAP_CHANGE_TO_VFIO;
	zap_bitmap_set(&c.adapters, 5);
	ck_assert_int_eq(zap_plan_build(m, &c, &plan, NULL), 0);
	ck_assert_int_eq(plan->refusals.count, 1);
	ck_assert_int_eq(plan->refusals.items[0].kind,
			 ZAP_PROBLEM_OVERRIDE_ACTIVE);
	ck_assert_int_eq(plan->nr_writes, 0);
	zap_plan_free(plan);
	zap_model_free(m);
}
END_TEST

START_TEST(test_write_kinds)
{
	char path[800];
	struct zap_paths paths;

	fixture_tree(overrides, &paths);
	ck_assert_int_eq(zap_write_undo_kind(ZAP_WRITE_OVERRIDE),
			 ZAP_WRITE_OVERRIDE_RESTORE);
	ck_assert_int_eq(zap_write_undo_kind(ZAP_WRITE_PROBE), ZAP_WRITE_UNBIND);
	ck_assert_int_eq(zap_write_undo_kind(ZAP_WRITE_UNBIND), ZAP_WRITE_PROBE);
	/* a fixture file takes any write: the probe then checks the link */
	snprintf(path, sizeof(path), "%s/bus/ap/drivers_probe", paths.sysfs);
	ck_assert_int_eq(zap_write_one(ZAP_WRITE_PROBE, path, "05.0001"), 0);
	ck_assert_int_eq(zap_write_one(ZAP_WRITE_PROBE, path, "05.0003"), 1);
	ck_assert_int_eq(zap_write_one(ZAP_WRITE_PROBE, path, "05.0005"), 0);
}
END_TEST

/* The ownership suite. */
Suite *ownership_suite(void)
{
	Suite *s = suite_create("ownership");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_host_owned_do22);
	tcase_add_test(tc, test_ownership_models);
	tcase_add_test(tc, test_plan_by_queue);
	tcase_add_test(tc, test_write_kinds);
	suite_add_tcase(s, tc);
	return s;
}
