// SPDX-License-Identifier: MIT
/*
 * check_save.c - unit tests of save.c (chzap --save): the live model's
 * document, where an mdev without a valid definition gets the "start"
 * asked for and an existing definition keeps its own; -m gives one mdev
 * and no host part; its -P plan writes the definitions, a second one
 * nothing.
 */
#include <errno.h>
#include <stdbool.h>

#include "fixture.h"
#include "unit.h"

/* A and B are active; A is defined manual with other ids, B undefined. */
static const char host[] =
	"bus aqmask=0-3,5-70,72-255\n"
	"adapter 5 hwtype=14 mode=cca domains=1,4,0x47\n"
	"adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47\n"
	"mdev " UUID_A " adapters=5 domains=4 control=none\n"
	"mdev " UUID_B " adapters=6 domains=0x47 control=none\n"
	"define " UUID_A " start=manual adapters=5 domains=0x47 control=none\n";

/* The document of zap_config_save() on a fresh tree of @host. */
static struct zap_config *saved(const char *uuid, bool autostart,
				struct zap_paths *paths)
{
	struct zap_config *cfg = NULL;
	struct zap_model *m;

	fixture_tree(host, paths);
	m = fixture_model(paths);
	ck_assert_int_eq(zap_config_save(m, uuid, autostart, &cfg, NULL), 0);
	zap_model_free(m);
	return cfg;
}

START_TEST(test_zap_config_save_start_of_new_definitions_only)
{
	struct zap_paths paths;
	struct zap_config *cfg;

	for (int autostart = 0; autostart <= 1; autostart++) {
		cfg = saved(NULL, autostart, &paths);
		ck_assert_int_eq(cfg->ownership, ZAP_CONFIG_OWNERSHIP_MASKS);
		ck_assert_uint_eq(cfg->nr_mdevs, 2);
		ck_assert_str_eq(cfg->mdevs[0].uuid, UUID_A);
		/* A's definition says manual: it stays manual */
		ck_assert(!cfg->mdevs[0].autostart);
		ck_assert(zap_bitmap_test(&cfg->mdevs[0].domains, 4));
		ck_assert_str_eq(cfg->mdevs[1].uuid, UUID_B);
		ck_assert_int_eq(cfg->mdevs[1].autostart, autostart);
		zap_config_free(cfg);
	}
}
END_TEST

START_TEST(test_zap_config_save_one_mdev_no_host)
{
	struct zap_paths paths;
	struct zap_config *cfg = saved(UUID_B, true, &paths);
	struct zap_error err;
	struct zap_model *m;

	ck_assert_int_eq(cfg->ownership, ZAP_CONFIG_OWNERSHIP_NONE);
	ck_assert_uint_eq(cfg->nr_mdevs, 1);
	ck_assert_str_eq(cfg->mdevs[0].uuid, UUID_B);
	ck_assert(cfg->mdevs[0].autostart);
	zap_config_free(cfg);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_save(m, UUID_C, true, &cfg, &err),
			 -ENODEV);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	zap_model_free(m);
}
END_TEST

START_TEST(test_zap_config_save_plan_then_nothing)
{
	static const struct zap_config_request persistent = {
		.scope = ZAP_SCOPE_PERSISTENT
	};
	struct zap_paths paths;
	struct zap_config *cfg = saved(NULL, true, &paths);
	struct zap_plan *plan = NULL;
	struct zap_error err;
	struct zap_model *m;

	/* A's definition gains domain 4 (and loses 0x47), B gets one */
	ck_assert_int_eq(zap_config_apply(cfg, &persistent, &paths,
					  &(struct zap_apply_options){ 0 },
					  &plan, &err), 0);
	ck_assert(!plan->nothing_to_do);
	ck_assert_uint_eq(plan->nr_writes, 0);
	ck_assert_uint_eq(plan->nr_files, 2);
	zap_plan_free(plan);
	zap_config_free(cfg);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_save(m, NULL, true, &cfg, NULL), 0);
	ck_assert_int_eq(zap_config_plan(m, cfg, &persistent, &plan, NULL), 0);
	ck_assert(plan->nothing_to_do);
	zap_plan_free(plan);
	zap_config_free(cfg);
	zap_model_free(m);
}
END_TEST

/* The save suite. */
Suite *save_suite(void)
{
	Suite *s = suite_create("save");
	TCase *tc = tcase_create("save");

	tcase_add_test(tc, test_zap_config_save_start_of_new_definitions_only);
	tcase_add_test(tc, test_zap_config_save_one_mdev_no_host);
	tcase_add_test(tc, test_zap_config_save_plan_then_nothing);
	suite_add_tcase(s, tc);
	return s;
}
