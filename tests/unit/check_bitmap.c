// SPDX-License-Identifier: MIT
/*
 * check_bitmap.c - unit tests of bitmap.c: set operations, iteration, the
 * kernel's bit order, and APQN cross products.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"
#include "zapconf.h"

/* A bitmap holding the given ids, terminated by -1. */
static struct zap_bitmap ids(int first, ...)
{
	struct zap_bitmap b;
	va_list ap;

	zap_bitmap_zero(&b);
	va_start(ap, first);
	for (int id = first; id >= 0; id = va_arg(ap, int))
		zap_bitmap_set(&b, (unsigned int)id);
	va_end(ap);
	return b;
}

START_TEST(test_bitmap_set_kernel_order)
{
	struct zap_bitmap b = ids(0, -1);

	ck_assert_uint_eq(b.word[0], 0x8000000000000000ULL);
	b = ids(255, -1);
	ck_assert_uint_eq(b.word[3], 1);
	b = ids(1, 2, 3, 4, 5, 7, -1);
	ck_assert_uint_eq(b.word[0] >> 56, 0x7d);
}
END_TEST

START_TEST(test_bitmap_set_clear_test)
{
	struct zap_bitmap b;

	zap_bitmap_zero(&b);
	ck_assert(zap_bitmap_empty(&b));
	for (unsigned int id = 0; id < ZAP_IDS; id += 3)
		zap_bitmap_set(&b, id);
	for (unsigned int id = 0; id < ZAP_IDS; id++)
		ck_assert_int_eq(zap_bitmap_test(&b, id), id % 3 == 0);
	zap_bitmap_clear(&b, 3);
	ck_assert(!zap_bitmap_test(&b, 3));
	ck_assert_uint_eq(zap_bitmap_weight(&b), 85);
	ck_assert(!zap_bitmap_test(&b, 256));
	zap_bitmap_set(&b, 300); /* ignored */
	ck_assert_uint_eq(zap_bitmap_weight(&b), 85);
}
END_TEST

START_TEST(test_bitmap_fill_full_weight)
{
	struct zap_bitmap b;

	zap_bitmap_fill(&b);
	ck_assert(zap_bitmap_full(&b));
	ck_assert_uint_eq(zap_bitmap_weight(&b), 256);
	zap_bitmap_clear(&b, 128);
	ck_assert(!zap_bitmap_full(&b));
	ck_assert_uint_eq(zap_bitmap_weight(&b), 255);
}
END_TEST

START_TEST(test_bitmap_set_range)
{
	struct zap_bitmap b, e = ids(62, 63, 64, 65, -1);

	zap_bitmap_zero(&b);
	zap_bitmap_set_range(&b, 62, 65);
	ck_assert(zap_bitmap_equal(&b, &e));
	zap_bitmap_set_range(&b, 10, 9);
	ck_assert(zap_bitmap_equal(&b, &e));
}
END_TEST

START_TEST(test_bitmap_ops)
{
	struct zap_bitmap a = ids(1, 2, 64, 200, -1), b = ids(2, 3, 200, -1);
	struct zap_bitmap d, e;

	zap_bitmap_and(&d, &a, &b);
	e = ids(2, 200, -1);
	ck_assert(zap_bitmap_equal(&d, &e));
	zap_bitmap_or(&d, &a, &b);
	e = ids(1, 2, 3, 64, 200, -1);
	ck_assert(zap_bitmap_equal(&d, &e));
	zap_bitmap_andnot(&d, &a, &b);
	e = ids(1, 64, -1);
	ck_assert(zap_bitmap_equal(&d, &e));
	zap_bitmap_xor(&d, &a, &b);
	e = ids(1, 3, 64, -1);
	ck_assert(zap_bitmap_equal(&d, &e));
	zap_bitmap_complement(&d, &a);
	ck_assert_uint_eq(zap_bitmap_weight(&d), 252);
	ck_assert(!zap_bitmap_intersects(&d, &a));
	ck_assert(zap_bitmap_intersects(&a, &b));
	e = ids(2, 200, -1);
	ck_assert(zap_bitmap_subset(&e, &a));
	ck_assert(!zap_bitmap_subset(&a, &e));
}
END_TEST

START_TEST(test_bitmap_find_and_for_each)
{
	struct zap_bitmap b = ids(0, 63, 64, 127, 255, -1);
	unsigned int id, seen[8], n = 0;

	ck_assert_uint_eq(zap_bitmap_find_first(&b), 0);
	ck_assert_uint_eq(zap_bitmap_find_next(&b, 1), 63);
	ck_assert_uint_eq(zap_bitmap_find_next(&b, 65), 127);
	ck_assert_uint_eq(zap_bitmap_find_next(&b, 256), ZAP_IDS);
	zap_for_each_set_bit(id, &b)
		seen[n++] = id;
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(seen[3], 127);
	ck_assert_uint_eq(seen[4], 255);
	zap_bitmap_zero(&b);
	ck_assert_uint_eq(zap_bitmap_find_first(&b), ZAP_IDS);
}
END_TEST

START_TEST(test_bitmap_random_weight_matches_iteration)
{
	srand(42);
	for (int round = 0; round < 200; round++) {
		struct zap_bitmap b;
		unsigned int id, n = 0, prev = 0;

		for (int w = 0; w < 4; w++)
			b.word[w] = ((uint64_t)rand() << 33) ^
				    ((uint64_t)rand() << 11) ^ (uint64_t)rand();
		zap_for_each_set_bit(id, &b) {
			ck_assert(zap_bitmap_test(&b, id));
			ck_assert(n == 0 || id > prev);
			prev = id;
			n++;
		}
		ck_assert_uint_eq(n, zap_bitmap_weight(&b));
	}
}
END_TEST

START_TEST(test_apqn_set_cross_product)
{
	/* the kernel document: {1,2 x 5,6} and {1 x 6,7} collide on 01.0006 */
	struct zap_apqn_set x = { ids(1, 2, -1), ids(5, 6, -1) };
	struct zap_apqn_set y = { ids(1, -1), ids(6, 7, -1) };
	struct zap_apqn_set z = { ids(1, 2, -1), ids(7, -1) };
	struct zap_apqn_set i;

	ck_assert(zap_apqn_set_intersects(&x, &y));
	zap_apqn_set_and(&i, &x, &y);
	ck_assert_uint_eq(zap_apqn_set_weight(&i), 1);
	ck_assert(zap_apqn_set_test(&i, 1, 6));
	ck_assert(!zap_apqn_set_intersects(&x, &z));
	zap_apqn_set_and(&i, &x, &z);
	ck_assert(zap_apqn_set_empty(&i));
	ck_assert_uint_eq(zap_apqn_set_weight(&x), 4);
	ck_assert(zap_apqn_set_test(&x, 2, 5));
	ck_assert(!zap_apqn_set_test(&x, 3, 5));
}
END_TEST

START_TEST(test_apqn_set_full_lpar)
{
	struct zap_apqn_set all;

	zap_bitmap_fill(&all.adapters);
	zap_bitmap_fill(&all.domains);
	ck_assert_uint_eq(zap_apqn_set_weight(&all), 65536);
	zap_bitmap_zero(&all.domains);
	ck_assert(zap_apqn_set_empty(&all));
}
END_TEST

/* The bitmap suite. */
Suite *bitmap_suite(void)
{
	Suite *s = suite_create("bitmap");
	TCase *ops = tcase_create("ops");
	TCase *apqn = tcase_create("apqn");

	tcase_add_test(ops, test_bitmap_set_kernel_order);
	tcase_add_test(ops, test_bitmap_set_clear_test);
	tcase_add_test(ops, test_bitmap_fill_full_weight);
	tcase_add_test(ops, test_bitmap_set_range);
	tcase_add_test(ops, test_bitmap_ops);
	tcase_add_test(ops, test_bitmap_find_and_for_each);
	tcase_add_test(ops, test_bitmap_random_weight_matches_iteration);
	tcase_add_test(apqn, test_apqn_set_cross_product);
	tcase_add_test(apqn, test_apqn_set_full_lpar);
	suite_add_tcase(s, ops);
	suite_add_tcase(s, apqn);
	return s;
}
