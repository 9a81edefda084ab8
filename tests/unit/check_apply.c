// SPDX-License-Identifier: MIT
/*
 * check_apply.c - unit tests of apply.c (chzap --apply): a model's own
 * document plans nothing; a document's difference becomes ordered writes
 * (unassign, masks to the host, masks to vfio_ap, create, assign) judged
 * step by step and as a whole, with every culprit named; prune and the
 * definitions of -P; -p also mends a persistent side that differed; an apply on a fixture tree writes the plan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "unit.h"

/* vfio_ap has adapters 5, 6 and domains 4, 0x47; A and B are active. */
static const char host[] =
	"bus apmask=0-4,7-255 aqmask=0-3,5-70,72-255\n"
	"adapter 5 hwtype=14 mode=cca domains=1,4,0x47\n"
	"adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47\n"
	"mdev " UUID_A " adapters=5 domains=4 control=4\n"
	"mdev " UUID_B " adapters=6 domains=0x47 control=none\n";

/* The document of @host with the host part @vfio and the mdevs @mdevs. */
static struct zap_config *document(const char *vfio, const char *mdevs)
{
	struct zap_config *cfg = NULL;
	char text[4096];

	snprintf(text, sizeof(text),
		 "{ \"version\": 1, \"ownership\": \"masks\", \"vfio_ap\": %s, \"mdevs\": [ %s ] }",
		 vfio, mdevs);
	ck_assert_int_eq(zap_config_parse(text, strlen(text), "doc", &cfg,
					  NULL), 0);
	return cfg;
}

/* An mdev of a document, as JSON. */
#define MDEV(uuid, a, d, c) \
	"{ \"uuid\": \"" uuid "\", \"adapters\": [ " a " ], \"domains\": [ " \
	d " ], \"control_domains\": [ " c " ], \"autostart\": false }"

/* The current mdevs of @host. */
#define HOST_MDEVS MDEV(UUID_A, "5", "4", "4") ", " MDEV(UUID_B, "6", "71", "")
#define HOST_VFIO "{ \"adapters\": [ 5, 6 ], \"domains\": [ 4, 71 ] }"

/* Plan @cfg on a fresh tree of @host with @request; the plan. */
static struct zap_plan *plan_of(const struct zap_config *cfg,
				const struct zap_config_request *request,
				struct zap_paths *paths, struct zap_error *err)
{
	struct zap_model *m;
	struct zap_plan *plan = NULL;

	fixture_tree(host, paths);
	m = fixture_model(paths);
	ck_assert_int_eq(zap_config_plan(m, cfg, request, &plan, err), 0);
	zap_model_free(m);
	return plan;
}

/* Does write @i of @plan have @kind and a path ending in @tail? */
static void assert_write(const struct zap_plan *plan, size_t i,
			 enum zap_write_kind kind, const char *tail)
{
	const char *path;

	ck_assert_uint_gt(plan->nr_writes, i);
	path = plan->writes[i].path;
	ck_assert_int_eq(plan->writes[i].kind, kind);
	ck_assert_uint_ge(strlen(path), strlen(tail));
	ck_assert_str_eq(path + strlen(path) - strlen(tail), tail);
}

START_TEST(test_zap_config_plan_own_document_nothing)
{
	static const struct zap_config_request live = {
		.scope = ZAP_SCOPE_LIVE
	};
	struct zap_config *cfg = NULL;
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_plan *plan = NULL;

	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_from_model(m, NULL, &cfg, NULL), 0);
	ck_assert_int_eq(zap_config_plan(m, cfg, &live, &plan, NULL), 0);
	ck_assert(plan->nothing_to_do);
	ck_assert_uint_eq(plan->nr_writes, 0);
	ck_assert_uint_eq(plan->refusals.count, 0);
	zap_plan_free(plan);
	zap_config_free(cfg);
	zap_model_free(m);
}
END_TEST

START_TEST(test_zap_config_plan_order)
{
	static const struct zap_config_request live = {
		.scope = ZAP_SCOPE_LIVE
	};
	/* A moves from domain 4 to 1, domain 1 to vfio_ap, C takes 05.0004 */
	struct zap_config *cfg = document(
		"{ \"adapters\": [ 5, 6 ], \"domains\": [ 1, 4, 71 ] }",
		MDEV(UUID_A, "5", "1", "4") ", " MDEV(UUID_B, "6", "71", "")
		", " MDEV(UUID_C, "5", "4", ""));
	struct zap_paths paths;
	struct zap_plan *plan = plan_of(cfg, &live, &paths, NULL);

	ck_assert_uint_eq(plan->refusals.count, 0);
	ck_assert(!plan->nothing_to_do);
	ck_assert_uint_eq(plan->nr_writes, 5);
	assert_write(plan, 0, ZAP_WRITE_AP_CONFIG, UUID_A "/ap_config");
	assert_write(plan, 1, ZAP_WRITE_MASK, "bus/ap/aqmask");
	assert_write(plan, 2, ZAP_WRITE_AP_CONFIG, UUID_A "/ap_config");
	assert_write(plan, 3, ZAP_WRITE_CREATE, "vfio_ap-passthrough/create");
	ck_assert_str_eq(plan->writes[3].value, UUID_C);
	assert_write(plan, 4, ZAP_WRITE_AP_CONFIG, UUID_C "/ap_config");
	ck_assert_uint_eq(plan->nr_files, 0);
	zap_plan_free(plan);
	zap_config_free(cfg);
}
END_TEST

START_TEST(test_zap_config_plan_refusals_every_culprit)
{
	static const struct zap_config_request live = {
		.scope = ZAP_SCOPE_LIVE
	};
	/* C and D share 05.0001; adapter 6 and domain 71 go back to B's host */
	struct zap_config *cfg = document(
		"{ \"adapters\": [ 5 ], \"domains\": [ 1, 4 ] }",
		HOST_MDEVS ", " MDEV(UUID_C, "5", "1", "") ", "
		MDEV("44444444-4444-4444-8444-444444444444", "5", "1", ""));
	struct zap_paths paths;
	struct zap_plan *plan = plan_of(cfg, &live, &paths, NULL);

	ck_assert_uint_eq(plan->refusals.count, 2);
	ck_assert_int_eq(plan->refusals.items[0].kind, ZAP_PROBLEM_HOST_APQN);
	ck_assert_str_eq(plan->refusals.items[0].mdevs[0], UUID_B);
	ck_assert_int_eq(plan->refusals.items[1].kind,
			 ZAP_PROBLEM_SHARED_APQN);
	ck_assert_uint_eq(plan->refusals.items[1].nr_apqns, 1);
	ck_assert_uint_eq(plan->refusals.items[1].apqns[0], 0x0501);
	zap_plan_free(plan);
	zap_config_free(cfg);
}
END_TEST

START_TEST(test_zap_config_plan_control_without_usage_final_only)
{
	static const struct zap_config_request live = {
		.scope = ZAP_SCOPE_LIVE
	};
	struct zap_config *bad = document(HOST_VFIO,
					  MDEV(UUID_A, "5", "", "4") ", "
					  MDEV(UUID_B, "6", "71", ""));
	struct zap_paths paths;
	struct zap_plan *plan = plan_of(bad, &live, &paths, NULL);

	ck_assert_uint_eq(plan->refusals.count, 1);
	ck_assert_int_eq(plan->refusals.items[0].kind,
			 ZAP_PROBLEM_CONTROL_WITHOUT_USAGE);
	zap_plan_free(plan);
	zap_config_free(bad);
}
END_TEST

START_TEST(test_zap_config_plan_prune)
{
	static const struct zap_config_request keep = {
		.scope = ZAP_SCOPE_LIVE
	};
	static const struct zap_config_request prune = { .scope = ZAP_SCOPE_LIVE,
							 .prune = true };
	struct zap_config *cfg = document(HOST_VFIO,
					  MDEV(UUID_A, "5", "4", "4"));
	struct zap_paths paths;
	struct zap_plan *plan = plan_of(cfg, &keep, &paths, NULL);

	ck_assert(plan->nothing_to_do);
	zap_plan_free(plan);
	plan = plan_of(cfg, &prune, &paths, NULL);
	ck_assert_uint_eq(plan->nr_writes, 1);
	assert_write(plan, 0, ZAP_WRITE_REMOVE, UUID_B "/remove");
	zap_plan_free(plan);
	zap_config_free(cfg);
}
END_TEST

START_TEST(test_zap_config_plan_persistent_definitions)
{
	static const struct zap_config_request boot = {
		.scope = ZAP_SCOPE_PERSISTENT
	};
	struct zap_config *cfg = document(HOST_VFIO, HOST_MDEVS);
	struct zap_paths paths;
	struct zap_plan *plan;

	cfg->mdevs[1].autostart = true;
	plan = plan_of(cfg, &boot, &paths, NULL);
	ck_assert_uint_eq(plan->refusals.count, 0);
	ck_assert_uint_eq(plan->nr_writes, 0);
	ck_assert_uint_eq(plan->nr_files, 2);
	ck_assert_ptr_nonnull(strstr(plan->files[0].path, UUID_A));
	ck_assert_ptr_nonnull(strstr(plan->files[0].content,
				     "\"start\": \"manual\""));
	ck_assert_ptr_nonnull(strstr(plan->files[1].path, UUID_B));
	ck_assert_ptr_nonnull(strstr(plan->files[1].content,
				     "\"start\": \"auto\""));
	zap_plan_free(plan);
	zap_config_free(cfg);
}
END_TEST

START_TEST(test_zap_config_plan_both_drift_and_prune)
{
	static const struct zap_config_request both = {
		.scope = ZAP_SCOPE_BOTH, .prune = true
	};
	/* A's definition drifted to domain 1; C is only defined */
	static const char drifted[] =
		"bus apmask=0-4,7-255 aqmask=0-3,5-70,72-255\n"
		"adapter 5 hwtype=14 mode=cca domains=1,4,0x47\n"
		"adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47\n"
		"mdev " UUID_A " adapters=5 domains=4 control=4\n"
		"define " UUID_A " start=manual adapters=5 domains=1 control=4\n"
		"define " UUID_C " start=manual adapters=6 domains=1 control=none\n";
	struct zap_config *cfg = document(HOST_VFIO,
					  MDEV(UUID_A, "5", "4", "4"));
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_plan *plan = NULL;
	bool def_a = false, def_c = false;

	fixture_tree(drifted, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_plan(m, cfg, &both, &plan, NULL), 0);
	ck_assert_uint_eq(plan->refusals.count, 0);
	ck_assert_uint_eq(plan->nr_writes, 0);
	for (size_t i = 0; i < plan->nr_files; i++) {
		const struct zap_file_change *f = &plan->files[i];

		if (strstr(f->path, UUID_A)) {
			def_a = true;
			ck_assert_ptr_nonnull(strstr(f->content,
						     "\"assign_domain\": \"0x0004\""));
			ck_assert_ptr_null(strstr(f->content, "0x0001"));
		}
		if (strstr(f->path, UUID_C)) {
			def_c = true;
			ck_assert_ptr_null(f->content);
		}
	}
	ck_assert(def_a && def_c);
	zap_plan_free(plan);
	zap_model_free(m);
	zap_config_free(cfg);
}
END_TEST

START_TEST(test_zap_config_plan_overrides_refused)
{
	static const struct zap_config_request live = {
		.scope = ZAP_SCOPE_LIVE
	};
	static const char text[] =
		"{ \"version\": 1, \"ownership\": \"overrides\", "
		"\"vfio_ap\": { \"queues\": [ \"05.0004\" ] }, \"mdevs\": [ ] }";
	struct zap_config *cfg = NULL;
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_plan *plan = NULL;
	struct zap_error err;

	/* @host's masks are not all ones: the document is refused */
	ck_assert_int_eq(zap_config_parse(text, strlen(text), "doc", &cfg,
					  NULL), 0);
	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_plan(m, cfg, &live, &plan, &err), 0);
	ck_assert_ptr_nonnull(plan);
	ck_assert(!plan->nothing_to_do);
	ck_assert_uint_eq(plan->nr_writes, 0);
	ck_assert_uint_eq(plan->refusals.count, 1);
	ck_assert_int_eq(plan->refusals.items[0].kind,
			 ZAP_PROBLEM_OVERRIDE_ACTIVE);
	ck_assert_ptr_nonnull(strstr(plan->refusals.items[0].message,
				     "not all ones"));
	/* the queues vfio_ap has: adapters 5 and 6 are not in apmask */
	ck_assert_uint_eq(plan->refusals.items[0].nr_apqns, 6);
	zap_plan_free(plan);
	zap_model_free(m);
	zap_config_free(cfg);
}
END_TEST

START_TEST(test_zap_config_apply_writes)
{
	static const struct zap_config_request live = {
		.scope = ZAP_SCOPE_LIVE
	};
	struct zap_config *cfg = document(
		"{ \"adapters\": [ 5, 6 ], \"domains\": [ 1, 4, 71 ] }",
		HOST_MDEVS);
	struct zap_plan *plan = NULL;
	struct zap_paths paths;
	struct zap_error err;

	fixture_tree(host, &paths);
	ck_assert_int_eq(zap_config_apply(cfg, &live, &paths, NULL, &plan,
					  &err), 0);
	ck_assert_uint_eq(plan->nr_writes, 1);
	ck_assert_int_eq(plan->writes[0].result, ZAP_WRITE_OK);
	ck_assert_str_eq(fixture_read(&paths, "bus/ap/aqmask"),
			 "0xb7fffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffff\n");
	zap_plan_free(plan);
	zap_config_free(cfg);
}
END_TEST

/* The suite of apply.c. */
Suite *apply_suite(void)
{
	Suite *s = suite_create("apply");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_zap_config_plan_own_document_nothing);
	tcase_add_test(tc, test_zap_config_plan_order);
	tcase_add_test(tc, test_zap_config_plan_refusals_every_culprit);
	tcase_add_test(tc, test_zap_config_plan_control_without_usage_final_only);
	tcase_add_test(tc, test_zap_config_plan_prune);
	tcase_add_test(tc, test_zap_config_plan_persistent_definitions);
	tcase_add_test(tc, test_zap_config_plan_both_drift_and_prune);
	tcase_add_test(tc, test_zap_config_plan_overrides_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, test_zap_config_apply_writes);
	suite_add_tcase(s, tc);
	return s;
}
