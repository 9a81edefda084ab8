// SPDX-License-Identifier: MIT
/*
 * check_mask.c - unit tests of mask.c against the kernel's parsing rules
 * (sysfs-ap.md 0.3 P1-P3) and the kernel document's vectors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "zapconf.h"

/* Parse @text as a write to a mask holding @current; returns rc. */
static int parse(const char *text, const struct zap_bitmap *current,
		 struct zap_bitmap *out)
{
	struct zap_error err;

	zap_error_clear(&err);
	int rc = zap_mask_parse(out, current, text, strlen(text), &err);

	if (rc)
		ck_assert_msg(err.message[0] && err.errnum == -rc,
			      "no message for '%s'", text);
	return rc;
}

/* The list form of @mask. */
static const char *list(const struct zap_bitmap *mask)
{
	static char buf[1024];

	zap_ids_print(mask, buf, sizeof(buf));
	return buf;
}

START_TEST(test_mask_parse_absolute_0x41)
{
	struct zap_bitmap m;

	ck_assert_int_eq(parse("0x41", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1,0x7");
	ck_assert_int_eq(parse("0x41\n", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1,0x7");
	ck_assert_int_eq(parse("x41", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1,0x7");
	ck_assert_int_eq(parse("41", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1,0x7");
	ck_assert_int_eq(parse("0x7d", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1-0x5,0x7");
	ck_assert_int_eq(parse("0xFF", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x0-0x7");
}
END_TEST

START_TEST(test_mask_parse_absolute_refused)
{
	struct zap_bitmap m, before;
	char digits[80];

	zap_bitmap_zero(&m);
	zap_bitmap_set(&m, 9);
	before = m;
	ck_assert_int_eq(parse("0X41", NULL, &m), -EINVAL);
	ck_assert_int_eq(parse("0x41\n\n", NULL, &m), -EINVAL);
	ck_assert_int_eq(parse("0x41 ", NULL, &m), -EINVAL);
	ck_assert_int_eq(parse(" 0x41", NULL, &m), -EINVAL);
	ck_assert_int_eq(parse("0x41\r\n", NULL, &m), -EINVAL);
	ck_assert_int_eq(parse("0xg", NULL, &m), -EINVAL);
	memset(digits, 'f', sizeof(digits));
	memcpy(digits, "0x", 2);
	digits[2 + 65] = '\0';
	ck_assert_int_eq(parse(digits, NULL, &m), -EINVAL);
	ck_assert(zap_bitmap_equal(&m, &before));
	digits[2 + 64] = '\0';
	ck_assert_int_eq(parse(digits, NULL, &m), 0);
	ck_assert(zap_bitmap_full(&m));
}
END_TEST

START_TEST(test_mask_parse_absolute_no_digits_is_zero)
{
	struct zap_bitmap m;

	zap_bitmap_fill(&m);
	ck_assert_int_eq(parse("0x", NULL, &m), 0);
	ck_assert(zap_bitmap_empty(&m));
	zap_bitmap_fill(&m);
	ck_assert_int_eq(parse("\n", NULL, &m), 0);
	ck_assert(zap_bitmap_empty(&m));
}
END_TEST

START_TEST(test_mask_parse_relative_document)
{
	struct zap_bitmap cur, m;

	zap_bitmap_zero(&cur);
	zap_bitmap_set(&cur, 6);
	ck_assert_int_eq(parse("+0,-6,+0x47,-0xf0", &cur, &m), 0);
	ck_assert_str_eq(list(&m), "0x0,0x47");
	ck_assert_int_eq(parse("+1-5", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1-0x5");
	ck_assert_int_eq(parse("+010", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x8");
	ck_assert_int_eq(parse("+1+2", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1,0x2");
	ck_assert_int_eq(parse("+1,-5\n", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1");
	ck_assert_int_eq(parse("+0-255,-0x10-0x1f", NULL, &m), 0);
	ck_assert_uint_eq(zap_bitmap_weight(&m), 240);
	ck_assert_int_eq(parse("+0X10", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x10");
	ck_assert_int_eq(parse("+1,,\n,+2", NULL, &m), 0);
	ck_assert_str_eq(list(&m), "0x1,0x2");
}
END_TEST

START_TEST(test_mask_parse_relative_refused)
{
	struct zap_bitmap cur, m;

	zap_bitmap_fill(&cur);
	m = cur;
	ck_assert_int_eq(parse("+08", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("-", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+256", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+5-3", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+1-256", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+1 ", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+1;+2", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("+0x", &cur, &m), -EINVAL);
	ck_assert_int_eq(parse("++1", &cur, &m), -EINVAL);
	ck_assert(zap_bitmap_full(&m));
}
END_TEST

START_TEST(test_mask_print_kernel_form)
{
	struct zap_bitmap m;
	char buf[ZAP_MASK_STRLEN];

	zap_bitmap_zero(&m);
	zap_bitmap_set(&m, 0);
	zap_bitmap_set(&m, 255);
	zap_mask_print(&m, buf);
	ck_assert_str_eq(buf, "0x80000000000000000000000000000000"
			      "00000000000000000000000000000001");
	ck_assert_uint_eq(strlen(buf), 66);
}
END_TEST

START_TEST(test_mask_round_trip_random)
{
	srand(7);
	for (int round = 0; round < 500; round++) {
		struct zap_bitmap m, back, from_list;
		char text[ZAP_MASK_STRLEN], ids[1200];
		struct zap_error err;

		for (int w = 0; w < 4; w++)
			m.word[w] = ((uint64_t)rand() << 40) ^
				    ((uint64_t)rand() << 20) ^ (uint64_t)rand();
		if (round % 5 == 0)
			m.word[round % 4] = 0;
		zap_mask_print(&m, text);
		ck_assert_int_eq(parse(text, NULL, &back), 0);
		ck_assert(zap_bitmap_equal(&m, &back));
		/* the list form and the mask form agree */
		zap_ids_print(&m, ids, sizeof(ids));
		if (zap_bitmap_empty(&m))
			continue;
		ck_assert_int_eq(zap_ids_parse(&from_list, ids, 255, "id", &err), 0);
		ck_assert(zap_bitmap_equal(&m, &from_list));
	}
}
END_TEST

START_TEST(test_mask_relative_and_absolute_agree)
{
	srand(11);
	for (int round = 0; round < 200; round++) {
		struct zap_bitmap cur, want, got;
		char rel[4096], abs[ZAP_MASK_STRLEN];
		size_t n = 0;

		for (int w = 0; w < 4; w++) {
			cur.word[w] = ((uint64_t)rand() << 32) ^ (uint64_t)rand();
			want.word[w] = ((uint64_t)rand() << 32) ^ (uint64_t)rand();
		}
		for (unsigned int id = 0; id < ZAP_IDS; id++)
			if (zap_bitmap_test(&cur, id) != zap_bitmap_test(&want, id))
				n += (size_t)snprintf(rel + n, sizeof(rel) - n,
					"%s%c0x%x", n ? "," : "",
					zap_bitmap_test(&want, id) ? '+' : '-', id);
		if (!n)
			continue;
		ck_assert_int_eq(parse(rel, &cur, &got), 0);
		ck_assert(zap_bitmap_equal(&got, &want));
		zap_mask_print(&want, abs);
		ck_assert_int_eq(parse(abs, &cur, &got), 0);
		ck_assert(zap_bitmap_equal(&got, &want));
	}
}
END_TEST

START_TEST(test_kernel_parse_ulong)
{
	unsigned long v;
	struct zap_error err;

	ck_assert_int_eq(zap_kernel_parse_ulong("010", 3, &v, &err), 0);
	ck_assert_uint_eq(v, 8);
	ck_assert_int_eq(zap_kernel_parse_ulong("0x0a\n", 5, &v, &err), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(zap_kernel_parse_ulong("+71", 3, &v, &err), 0);
	ck_assert_uint_eq(v, 71);
	ck_assert_int_eq(zap_kernel_parse_ulong("0", 1, &v, &err), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(zap_kernel_parse_ulong("08", 2, &v, &err), -EINVAL);
	ck_assert_int_eq(zap_kernel_parse_ulong("", 0, &v, &err), -EINVAL);
	ck_assert_int_eq(zap_kernel_parse_ulong("-1", 2, &v, &err), -EINVAL);
	ck_assert_int_eq(zap_kernel_parse_ulong(" 1", 2, &v, &err), -EINVAL);
	ck_assert_int_eq(zap_kernel_parse_ulong("1\n\n", 3, &v, &err), -EINVAL);
	ck_assert_int_eq(zap_kernel_parse_ulong("0x", 2, &v, &err), -EINVAL);
	ck_assert_int_eq(zap_kernel_parse_ulong("99999999999999999999999", 23,
						&v, &err), -ERANGE);
}
END_TEST

/* The mask suite. */
Suite *mask_suite(void)
{
	Suite *s = suite_create("mask");
	TCase *p = tcase_create("parse");
	TCase *o = tcase_create("print");

	tcase_add_test(p, test_mask_parse_absolute_0x41);
	tcase_add_test(p, test_mask_parse_absolute_refused);
	tcase_add_test(p, test_mask_parse_absolute_no_digits_is_zero);
	tcase_add_test(p, test_mask_parse_relative_document);
	tcase_add_test(p, test_mask_parse_relative_refused);
	tcase_add_test(p, test_kernel_parse_ulong);
	tcase_add_test(o, test_mask_print_kernel_form);
	tcase_add_test(o, test_mask_round_trip_random);
	tcase_add_test(o, test_mask_relative_and_absolute_agree);
	suite_add_tcase(s, p);
	suite_add_tcase(s, o);
	return s;
}
