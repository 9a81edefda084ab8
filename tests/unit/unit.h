/* SPDX-License-Identifier: MIT */
/*
 * unit.h - the check suites of libzapconf's unit tests, one per module.
 */
#ifndef ZAP_UNIT_H
#define ZAP_UNIT_H

#include <check.h>

Suite *bitmap_suite(void);
Suite *mask_suite(void);
Suite *ids_suite(void);
Suite *definitions_suite(void);
Suite *paths_suite(void);
Suite *lock_suite(void);
Suite *model_suite(void);
Suite *rules_suite(void);
Suite *plan_suite(void);
Suite *persist_suite(void);
Suite *free_suite(void);
Suite *bootcmd_suite(void);
Suite *config_file_suite(void);
Suite *verdict_suite(void);
Suite *escape_suite(void);
Suite *ownership_suite(void);
Suite *libvirt_suite(void);
Suite *apply_suite(void);
Suite *save_suite(void);

#endif
