/* SPDX-License-Identifier: MIT */
/*
 * fixture.h - sysfs trees for the unit tests, built by tests/machine/mkfixture
 * from a machine description (tests/machine/FORMAT.md).
 */
#ifndef ZAP_UNIT_FIXTURE_H
#define ZAP_UNIT_FIXTURE_H

#include "zapconf.h"

/*
 * Build a tree from @description in a new temporary directory, point
 * ZAP_ROOT and SYSFS_ROOT at it and fill @paths. Fails the test on error.
 * Returns the root directory (static storage).
 */
const char *fixture_tree(const char *description, struct zap_paths *paths);

/* Load a model of everything from @paths; fails the test on error. */
struct zap_model *fixture_model(const struct zap_paths *paths);

/* Read a file under the tree's sysfs ("bus/ap/apmask") into a static buffer. */
const char *fixture_read(const struct zap_paths *paths, const char *relative);

/* Replace a sysfs file by a directory (a write to it then fails). */
void fixture_break(const struct zap_paths *paths, const char *relative);

/* The uuids the tests use. */
#define UUID_A "11111111-1111-4111-8111-111111111111"
#define UUID_B "22222222-2222-4222-8222-222222222222"
#define UUID_C "33333333-3333-4333-8333-333333333333"

#endif
