// SPDX-License-Identifier: MIT
/*
 * check_main.c - runs every unit-test suite of libzapconf.
 */
#include <stdlib.h>

#include "unit.h"

/* Run all suites; exit status 0 only if every test passed. */
int main(void)
{
	SRunner *runner = srunner_create(bitmap_suite());
	int failed;

	srunner_add_suite(runner, mask_suite());
	srunner_add_suite(runner, ids_suite());
	srunner_add_suite(runner, definitions_suite());
	srunner_add_suite(runner, paths_suite());
	srunner_add_suite(runner, lock_suite());
	srunner_add_suite(runner, model_suite());
	srunner_add_suite(runner, rules_suite());
	srunner_add_suite(runner, plan_suite());
	srunner_add_suite(runner, persist_suite());
	srunner_add_suite(runner, free_suite());
	srunner_add_suite(runner, bootcmd_suite());
	srunner_add_suite(runner, config_file_suite());
	srunner_add_suite(runner, verdict_suite());
	srunner_add_suite(runner, escape_suite());
	srunner_add_suite(runner, ownership_suite());
	srunner_add_suite(runner, libvirt_suite());
	srunner_add_suite(runner, apply_suite());
	srunner_add_suite(runner, save_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
