// SPDX-License-Identifier: MIT
/*
 * check_escape.c - unit tests of escape.c: printable ASCII kept, every
 * other byte as "\xNN" (the form libsmartcols gives lszap's cells), and
 * the output cut before an escape that does not fit.
 */
#include <string.h>

#include "unit.h"
#include "zapconf.h"

START_TEST(test_escape_printable_kept)
{
	char out[64];

	ck_assert_str_eq(zap_escape(out, sizeof(out), "assign 05.0047 ~\\x"),
			 "assign 05.0047 ~\\x");
	ck_assert_str_eq(zap_escape(out, sizeof(out), ""), "");
}
END_TEST

START_TEST(test_escape_controls_and_high_bytes)
{
	char out[64];

	ck_assert_str_eq(zap_escape(out, sizeof(out), "\033[31mRED\033[0m"),
			 "\\x1b[31mRED\\x1b[0m");
	ck_assert_str_eq(zap_escape(out, sizeof(out), "a\tb\nc\rd\x7f"),
			 "a\\x09b\\x0ac\\x0dd\\x7f");
	/* C1 controls and UTF-8 alike: byte by byte */
	ck_assert_str_eq(zap_escape(out, sizeof(out), "\xc2\x9b" "2J\xe2\x80\xa6"),
			 "\\xc2\\x9b2J\\xe2\\x80\\xa6");
}
END_TEST

START_TEST(test_escape_cut_never_halves_an_escape)
{
	char out[8];

	memset(out, 'z', sizeof(out));
	ck_assert_str_eq(zap_escape(out, sizeof(out), "abcd\033"), "abcd");
	ck_assert_str_eq(zap_escape(out, sizeof(out), "abc\033def"), "abc\\x1b");
	ck_assert_str_eq(zap_escape(out, sizeof(out), "ab\033def"), "ab\\x1bd");
	ck_assert_str_eq(zap_escape(out, sizeof(out), "abcdefghij"), "abcdefg");
	ck_assert_str_eq(zap_escape(out, 1, "abc"), "");
}
END_TEST

/* The escape suite. */
Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_escape_printable_kept);
	tcase_add_test(tc, test_escape_controls_and_high_bytes);
	tcase_add_test(tc, test_escape_cut_never_halves_an_escape);
	suite_add_tcase(s, tc);
	return s;
}
