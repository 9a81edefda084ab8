// SPDX-License-Identifier: MIT
/*
 * check.c - lszap --check: the problems zap_rules_check() finds in the
 * active configuration and the mdevctl definitions, one table row each
 * (kind, APQNs, mdevs, message); exit 3 when one of them is an error,
 * 0 when the configuration is clean or only informational kinds remain.
 *
 * Copyright zap developers 2026
 */
#include "lszap.h"

/* --check: print the problems as a table. */
int check_print(struct lszap *l)
{
	describe_problems(l);
	return columns_print_table(l);
}

/* The exit status for the problems shown (3 if an error is among them). */
int check_status(const struct lszap *l)
{
	size_t i;

	if (!l->have_problems)
		return 0;
	for (i = 0; i < l->problems.count; i++)
		if (zap_problem_kind_is_error(l->problems.items[i].kind) &&
		    filter_problem(l, &l->problems.items[i]))
			return ZAP_STATUS_REFUSED;
	return 0;
}
