// SPDX-License-Identifier: MIT
/*
 * check_ids.c - unit tests of ids.c: ids and lists as admins type them,
 * APQNs, UUIDs, and the messages that name the culprit.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "zapconf.h"

START_TEST(test_id_parse_decimal_and_hex)
{
	struct zap_error err;
	unsigned int id;

	ck_assert_int_eq(zap_id_parse("71", 255, "domain", &id, &err), 0);
	ck_assert_uint_eq(id, 71);
	ck_assert_int_eq(zap_id_parse("0x47", 255, "domain", &id, &err), 0);
	ck_assert_uint_eq(id, 71);
	ck_assert_int_eq(zap_id_parse("0XAB", 255, "domain", &id, &err), 0);
	ck_assert_uint_eq(id, 171);
	ck_assert_int_eq(zap_id_parse("0", 255, "domain", &id, &err), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(zap_id_parse("0x0", 255, "domain", &id, &err), 0);
	ck_assert_uint_eq(id, 0);
}
END_TEST

START_TEST(test_id_parse_leading_zero_ambiguous)
{
	struct zap_error err;
	unsigned int id;

	ck_assert_int_eq(zap_id_parse("0047", 255, "domain", &id, &err), -EINVAL);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, "write 71 or 0x47"), "%s", err.message);
	ck_assert_msg(strstr(err.message, "0047"), "%s", err.message);
	ck_assert_int_eq(zap_id_parse("05", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_msg(strstr(err.message, "write 5 or 0x5"), "%s", err.message);
}
END_TEST

START_TEST(test_id_parse_refused)
{
	struct zap_error err;
	unsigned int id;

	ck_assert_int_eq(zap_id_parse("", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_int_eq(zap_id_parse("0x", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_int_eq(zap_id_parse("5a", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_int_eq(zap_id_parse("-1", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_int_eq(zap_id_parse(" 5", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_int_eq(zap_id_parse("0xg", 255, "adapter", &id, &err), -EINVAL);
	ck_assert_int_eq(zap_id_parse("64", 63, "adapter", &id, &err), -ERANGE);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	ck_assert_msg(strstr(err.message, "maximum 0x3f"), "%s", err.message);
	ck_assert_int_eq(zap_id_parse("99999999999999999999", 255, "adapter",
				      &id, &err), -ERANGE);
	/* a large maximum is not capped */
	ck_assert_int_eq(zap_id_parse("5000", 10000, "x", &id, &err), 0);
	ck_assert_uint_eq(id, 5000);
	ck_assert_int_eq(zap_id_parse("0xffffffffffffffffff", 10000, "x", &id,
				      &err), -ERANGE);
}
END_TEST

START_TEST(test_ids_parse_lists)
{
	struct zap_error err;
	struct zap_bitmap b;
	char text[64];

	ck_assert_int_eq(zap_ids_parse(&b, "0-3,5,0x47", 255, "domain", &err), 0);
	zap_ids_print(&b, text, sizeof(text));
	ck_assert_str_eq(text, "0x0-0x3,0x5,0x47");
	ck_assert_int_eq(zap_ids_parse(&b, "0x4-6", 255, "domain", &err), 0);
	zap_ids_print(&b, text, sizeof(text));
	ck_assert_str_eq(text, "0x4-0x6");
	ck_assert_int_eq(zap_ids_parse(&b, "7,8", 255, "domain", &err), 0);
	zap_ids_print(&b, text, sizeof(text));
	ck_assert_str_eq(text, "0x7,0x8");
	ck_assert_int_eq(zap_ids_parse(&b, "1,", 255, "domain", &err), -EINVAL);
	ck_assert_int_eq(zap_ids_parse(&b, ",1", 255, "domain", &err), -EINVAL);
	ck_assert_int_eq(zap_ids_parse(&b, "5-3", 255, "domain", &err), -EINVAL);
	ck_assert_msg(strstr(err.message, "5-3"), "%s", err.message);
	ck_assert_int_eq(zap_ids_parse(&b, "1-", 255, "domain", &err), -EINVAL);
	ck_assert_int_eq(zap_ids_parse(&b, "", 255, "domain", &err), -EINVAL);
	ck_assert_int_eq(zap_ids_parse(&b, "1,010", 255, "domain", &err), -EINVAL);
	ck_assert_int_eq(zap_ids_parse(&b, "1-300", 255, "domain", &err), -ERANGE);
}
END_TEST

/* Every list zap_ids_print() writes reads back as the same ids. */
START_TEST(test_ids_print_reads_back)
{
	static const char *const lists[] = {
		"0", "255", "0-255", "1,3,5", "0x10", "16-18,0xab,200-0xff",
	};
	struct zap_bitmap b, back;
	struct zap_error err;
	char text[1024];

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		ck_assert_int_eq(zap_ids_parse(&b, lists[i], 255, "domain",
					       &err), 0);
		zap_ids_print(&b, text, sizeof(text));
		ck_assert_msg(strncmp(text, "0x", 2) == 0, "%s", text);
		ck_assert_int_eq(zap_ids_parse(&back, text, 255, "domain",
					       &err), 0);
		ck_assert_msg(zap_bitmap_equal(&b, &back), "%s", text);
	}
}
END_TEST

START_TEST(test_ids_print_truncation)
{
	struct zap_bitmap b;
	char small[4];

	zap_bitmap_zero(&b);
	zap_bitmap_set(&b, 100);
	zap_bitmap_set(&b, 200);
	ck_assert_int_eq(zap_ids_print(&b, small, sizeof(small)), 9);
	ck_assert_str_eq(small, "0x6");
	zap_bitmap_zero(&b);
	ck_assert_int_eq(zap_ids_print(&b, small, sizeof(small)), 0);
	ck_assert_str_eq(small, "");
}
END_TEST

START_TEST(test_apqn_parse_print)
{
	struct zap_error err;
	unsigned int a, d;
	char buf[ZAP_APQN_STRLEN];

	ck_assert_int_eq(zap_apqn_parse("05.0047", &a, &d, &err), 0);
	ck_assert_uint_eq(a, 5);
	ck_assert_uint_eq(d, 71);
	ck_assert_int_eq(zap_apqn_parse("AB.00FF", &a, &d, &err), 0);
	ck_assert_uint_eq(a, 0xab);
	ck_assert_uint_eq(d, 0xff);
	zap_apqn_print(0xab, 0xff, buf);
	ck_assert_str_eq(buf, "ab.00ff");
	ck_assert_int_eq(zap_apqn_parse("5.47", &a, &d, &err), -EINVAL);
	ck_assert_msg(strstr(err.message, "5.47"), "%s", err.message);
	ck_assert_int_eq(zap_apqn_parse("05.0100", &a, &d, &err), -ERANGE);
	ck_assert_int_eq(zap_apqn_parse("05-0047", &a, &d, &err), -EINVAL);
	ck_assert_int_eq(zap_apqn_parse("05.0047 ", &a, &d, &err), -EINVAL);
	ck_assert_int_eq(zap_apqn_parse("0g.0047", &a, &d, &err), -EINVAL);
}
END_TEST

START_TEST(test_uuid_parse)
{
	struct zap_error err;
	char buf[ZAP_UUID_STRLEN];

	ck_assert_int_eq(zap_uuid_parse("62177883-F1BB-47F0-914D-32A22E3A8804",
					buf, &err), 0);
	ck_assert_str_eq(buf, "62177883-f1bb-47f0-914d-32a22e3a8804");
	ck_assert_int_eq(zap_uuid_parse("62177883f1bb47f0914d32a22e3a8804",
					buf, &err), -EINVAL);
	ck_assert_int_eq(zap_uuid_parse("{62177883-f1bb-47f0-914d-32a22e3a8804}",
					buf, &err), -EINVAL);
	ck_assert_int_eq(zap_uuid_parse("62177883-f1bb-47f0-914d-32a22e3a880g",
					buf, &err), -EINVAL);
	ck_assert_msg(strstr(err.message, "880g"), "%s", err.message);
	ck_assert_int_eq(zap_uuid_parse("", buf, &err), -EINVAL);
}
END_TEST

START_TEST(test_error_message_escapes_control_characters)
{
	struct zap_error err;
	struct zap_bitmap m;

	ck_assert_int_eq(zap_mask_parse(&m, NULL, "0x4\r\n", 5, &err), -EINVAL);
	ck_assert_ptr_null(strchr(err.message, '\n'));
	ck_assert_ptr_null(strchr(err.message, '\r'));
	ck_assert_msg(strstr(err.message, "0x4\\r\\n"), "%s", err.message);
}
END_TEST

/* The ids suite. */
Suite *ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *p = tcase_create("parse");

	tcase_add_test(p, test_id_parse_decimal_and_hex);
	tcase_add_test(p, test_id_parse_leading_zero_ambiguous);
	tcase_add_test(p, test_id_parse_refused);
	tcase_add_test(p, test_ids_parse_lists);
	tcase_add_test(p, test_ids_print_truncation);
	tcase_add_test(p, test_ids_print_reads_back);
	tcase_add_test(p, test_apqn_parse_print);
	tcase_add_test(p, test_uuid_parse);
	tcase_add_test(p, test_error_message_escapes_control_characters);
	suite_add_tcase(s, p);
	return s;
}
