// SPDX-License-Identifier: MIT
/*
 * check_model.c - unit tests of model.c and ownership.c: loading fixture
 * trees of every shape (kernel generations, no vfio_ap, no AP bus,
 * malformed and unreadable files) and who owns each APQN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "internal.h"
#include "unit.h"

/* The kernel document's example, as tests/machine/demo.machine has it. */
static const char demo[] =
	"adapter 5 hwtype=11 mode=cca domains=1,2,4,0x47,0xab,0xff\n"
	"adapter 6 hwtype=11 mode=accel domains=1,2,4,0x47,0xab,0xff\n"
	"bus apmask=all aqmask=0-3,5-70,72-170,172-254\n"
	"mdev " UUID_A " adapters=5,6 domains=4,0xab control=none guest=yes\n"
	"mdev " UUID_B " adapters=5 domains=0x47,0xff control=0x47\n"
	"define " UUID_B " start=auto adapters=5 domains=0x47,0xff control=0x47\n"
	"define " UUID_C " start=manual adapters=6 domains=0x47 control=none\n";

START_TEST(test_model_load_demo)
{
	struct zap_paths paths;
	struct zap_model *m;
	const struct zap_queue *q;
	const struct zap_card *c;
	int i;

	fixture_tree(demo, &paths);
	m = fixture_model(&paths);
	ck_assert_uint_eq(m->nr_unreadable, 0);
	ck_assert(zap_bitmap_full(&m->bus.apmask));
	ck_assert(!zap_bitmap_test(&m->bus.aqmask, 0x47));
	ck_assert_uint_eq(m->bus.max_adapter_id, 255);
	ck_assert(m->bus.vfio_ap);
	ck_assert_uint_eq(m->nr_cards, 2);
	c = zap_model_card(m, 5);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->type, "CEX5C");
	ck_assert_int_eq(c->hwtype, 11);
	ck_assert_int_eq(c->mode, ZAP_MODE_CCA);
	ck_assert_int_eq(zap_model_card(m, 6)->mode, ZAP_MODE_ACCEL);
	ck_assert_ptr_null(zap_model_card(m, 7));
	ck_assert_uint_eq(m->nr_queues, 12);
	q = zap_model_queue(m, 5, 1);
	ck_assert_int_eq(q->driver, ZAP_DRIVER_CEX4QUEUE);
	ck_assert_int_eq(q->online, 1);
	q = zap_model_queue(m, 5, 0x47);
	ck_assert_int_eq(q->driver, ZAP_DRIVER_VFIO_AP);
	ck_assert_int_eq(q->status, ZAP_VFIO_STATUS_ASSIGNED);
	ck_assert_int_eq(zap_model_queue(m, 5, 4)->status, ZAP_VFIO_STATUS_IN_USE);
	ck_assert_ptr_null(zap_model_queue(m, 5, 3));
	/* sorted by adapter, then domain */
	ck_assert_uint_eq(m->queues[0].domain, 1);
	ck_assert_uint_eq(m->queues[11].adapter, 6);
	ck_assert_uint_eq(m->queues[11].domain, 0xff);
	/* two active, one defined only */
	ck_assert_uint_eq(m->nr_mdevs, 3);
	i = zap_model_find_mdev(m, UUID_A);
	ck_assert_int_ge(i, 0);
	ck_assert(m->mdevs[i].active);
	ck_assert(m->mdevs[i].has_ap_config);
	ck_assert_int_eq(m->mdevs[i].in_use, 1);
	ck_assert_int_eq(m->mdevs[i].definition, -1);
	ck_assert_uint_eq(zap_apqn_set_weight(&m->mdevs[i].matrix), 4);
	i = zap_model_find_mdev(m, "22222222-2222-4222-8222-222222222222");
	ck_assert_int_eq(m->mdevs[i].in_use, 0);
	ck_assert(zap_bitmap_test(&m->mdevs[i].control_domains, 0x47));
	ck_assert_int_ge(m->mdevs[i].definition, 0);
	ck_assert(m->definitions[m->mdevs[i].definition].autostart);
	i = zap_model_find_mdev(m, UUID_C);
	ck_assert(!m->mdevs[i].active);
	ck_assert(zap_apqn_set_test(&m->mdevs[i].matrix, 6, 0x47));
	ck_assert_int_eq(zap_model_find_mdev(m, "not-a-uuid"), -1);
	zap_model_free(m);
}
END_TEST

START_TEST(test_model_owner_demo)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_owner o;

	fixture_tree(demo, &paths);
	m = fixture_model(&paths);
	zap_model_owner(m, 5, 1, &o);
	ck_assert(o.host);
	ck_assert_int_eq(o.mdev, -1);
	zap_model_owner(m, 5, 0xab, &o);
	ck_assert(!o.host);
	ck_assert_str_eq(m->mdevs[o.mdev].uuid, UUID_A);
	ck_assert_uint_eq(o.nr_mdevs, 1);
	zap_model_owner(m, 6, 0x47, &o);
	ck_assert_int_eq(o.mdev, -1);
	ck_assert_uint_eq(o.manual, 1);
	ck_assert_uint_eq(o.autostart, 0);
	zap_model_owner(m, 5, 0x47, &o);
	ck_assert_uint_eq(o.autostart, 1);
	zap_model_free(m);
}
END_TEST

START_TEST(test_model_owner_kernel_document)
{
	/* apmask 0x7... (adapters 1-3), aqmask 0x0180... (domains 7, 8) */
	struct zap_paths paths;
	struct zap_model *m;
	unsigned int a, d, n = 0;

	fixture_tree("bus apmask=0x7 aqmask=0x0180\n"
		     "adapter 1 hwtype=13 mode=cca domains=5-8\n", &paths);
	m = fixture_model(&paths);
	for (a = 0; a < ZAP_IDS; a++)
		for (d = 0; d < ZAP_IDS; d++)
			n += zap_model_host_owned(m, a, d);
	ck_assert_uint_eq(n, 6);
	ck_assert(zap_model_host_owned(m, 1, 7));
	ck_assert(zap_model_host_owned(m, 3, 8));
	ck_assert(!zap_model_host_owned(m, 1, 6));
	ck_assert(!zap_model_host_owned(m, 4, 7));
	zap_model_free(m);
}
END_TEST

START_TEST(test_model_load_selective)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_error err;

	fixture_tree(demo, &paths);
	ck_assert_int_eq(zap_model_load(&m, &paths, 0, &err), 0);
	ck_assert_uint_eq(m->nr_cards, 0);
	ck_assert_uint_eq(m->nr_queues, 0);
	ck_assert_uint_eq(m->nr_mdevs, 0);
	zap_model_free(m);
	ck_assert_int_eq(zap_model_load(&m, &paths, ZAP_LOAD_QUEUES, &err), 0);
	ck_assert_uint_eq(m->nr_queues, 12);
	ck_assert_int_eq(m->queues[0].online, ZAP_UNKNOWN);
	ck_assert_int_eq(m->queues[0].config, ZAP_UNKNOWN);
	ck_assert_int_eq(m->queues[0].driver, ZAP_DRIVER_CEX4QUEUE);
	ck_assert_str_eq(m->cards[0].type, "");
	zap_model_free(m);
}
END_TEST

START_TEST(test_model_load_no_ap_bus)
{
	struct zap_paths paths;
	struct zap_model *m = NULL;
	struct zap_error err;
	char cmd[600];

	fixture_tree(demo, &paths);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/bus/ap'", paths.sysfs);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(zap_model_load(&m, &paths, ZAP_LOAD_ALL, &err), -ENOENT);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	ck_assert_msg(strstr(err.message, "no AP bus"), "%s", err.message);
	ck_assert_msg(strstr(err.message, "/bus/ap"), "%s", err.message);
}
END_TEST

START_TEST(test_model_load_malformed_mask)
{
	struct zap_paths paths;
	struct zap_model *m = NULL;
	struct zap_error err;
	char path[600];
	FILE *f;

	fixture_tree(demo, &paths);
	snprintf(path, sizeof(path), "%s/bus/ap/aqmask", paths.sysfs);
	f = fopen(path, "w");
	fputs("0xFFFF\n", f);
	fclose(f);
	ck_assert_int_eq(zap_model_load(&m, &paths, ZAP_LOAD_ALL, &err), -EINVAL);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	ck_assert_msg(strstr(err.message, "aqmask") &&
		      strstr(err.message, "0xFFFF"), "%s", err.message);
}
END_TEST

START_TEST(test_model_load_unreadable_attribute)
{
	struct zap_paths paths;
	struct zap_model *m;

	fixture_tree(demo, &paths);
	fixture_break(&paths, "devices/ap/card05/hwtype");
	m = fixture_model(&paths);
	ck_assert_uint_eq(m->nr_unreadable, 1);
	ck_assert_msg(strstr(m->unreadable[0], "card05/hwtype"), "%s",
		      m->unreadable[0]);
	ck_assert_int_eq(zap_model_card(m, 5)->hwtype, -1);
	ck_assert_uint_eq(m->nr_queues, 12);
	zap_model_free(m);
}
END_TEST

START_TEST(test_model_load_old_kernel)
{
	struct zap_paths paths;
	struct zap_model *m;
	int i;

	fixture_tree("kernel ap_config=no guest_matrix=no features=no matrix_features=no\n"
		     "bus aqmask=0-3\n"
		     "adapter 3 hwtype=12 mode=ep11 domains=4,5\n"
		     "mdev " UUID_A " adapters=3 domains=4 control=4,5\n", &paths);
	m = fixture_model(&paths);
	ck_assert(!m->bus.has_features);
	i = zap_model_find_mdev(m, UUID_A);
	ck_assert(!m->mdevs[i].has_ap_config);
	ck_assert(!m->mdevs[i].has_guest_matrix);
	ck_assert(zap_apqn_set_test(&m->mdevs[i].matrix, 3, 4));
	ck_assert_uint_eq(zap_apqn_set_weight(&m->mdevs[i].matrix), 1);
	ck_assert_uint_eq(zap_bitmap_weight(&m->mdevs[i].control_domains), 2);
	ck_assert_int_eq(zap_model_card(m, 3)->mode, ZAP_MODE_EP11);
	zap_model_free(m);
}
END_TEST

START_TEST(test_model_load_no_vfio_ap)
{
	struct zap_paths paths;
	struct zap_model *m;

	fixture_tree("drivers vfio_ap=no\n"
		     "bus aqmask=0-3\n"
		     "adapter 3 hwtype=12 mode=cca domains=1,4\n", &paths);
	m = fixture_model(&paths);
	ck_assert(!m->bus.vfio_ap);
	ck_assert_int_eq(m->bus.available_instances, -1);
	ck_assert_uint_eq(m->nr_mdevs, 0);
	ck_assert_int_eq(zap_model_queue(m, 3, 4)->driver, ZAP_DRIVER_NONE);
	ck_assert_int_eq(zap_model_queue(m, 3, 1)->driver, ZAP_DRIVER_CEX4QUEUE);
	zap_model_free(m);
}
END_TEST

/* zap_matrix_parse on a C string. */
static int zap_matrix_parse_for_test(const char *text, struct zap_apqn_set *set)
{
	return zap_matrix_parse(text, strlen(text), set);
}

START_TEST(test_model_parse_matrix_forms)
{
	struct zap_apqn_set set;

	ck_assert_int_eq(zap_matrix_parse_for_test("05.0004\n05.00ab\n", &set), 0);
	ck_assert_uint_eq(zap_apqn_set_weight(&set), 2);
	ck_assert_int_eq(zap_matrix_parse_for_test("05.\n06.\n", &set), 0);
	ck_assert_uint_eq(zap_bitmap_weight(&set.adapters), 2);
	ck_assert(zap_bitmap_empty(&set.domains));
	ck_assert_int_eq(zap_matrix_parse_for_test(".0047\n", &set), 0);
	ck_assert(zap_bitmap_test(&set.domains, 0x47));
	ck_assert_int_eq(zap_matrix_parse_for_test("", &set), 0);
	ck_assert(zap_apqn_set_empty(&set));
	ck_assert_int_eq(zap_matrix_parse_for_test("05.0004", &set), -EINVAL);
	ck_assert_int_eq(zap_matrix_parse_for_test("5.0004\n", &set), -EINVAL);
	ck_assert_int_eq(zap_matrix_parse_for_test("05.0100\n", &set), -EINVAL);
	ck_assert_int_eq(zap_matrix_parse_for_test("05.00zz\n", &set), -EINVAL);
	/* found by fuzz_sysfs: 7fff was an internal "no domain" marker */
	ck_assert_int_eq(zap_matrix_parse_for_test("05.7fff\n", &set), -EINVAL);
	ck_assert_int_eq(zap_matrix_parse_for_test(".7fff\n", &set), -EINVAL);
	ck_assert_int_eq(zap_matrix_parse_for_test(".\n", &set), -EINVAL);
}
END_TEST

/* The model suite. */
Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *t = tcase_create("load");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, test_model_load_demo);
	tcase_add_test(t, test_model_owner_demo);
	tcase_add_test(t, test_model_owner_kernel_document);
	tcase_add_test(t, test_model_load_selective);
	tcase_add_test(t, test_model_load_no_ap_bus);
	tcase_add_test(t, test_model_load_malformed_mask);
	tcase_add_test(t, test_model_load_unreadable_attribute);
	tcase_add_test(t, test_model_load_old_kernel);
	tcase_add_test(t, test_model_load_no_vfio_ap);
	tcase_add_test(t, test_model_parse_matrix_forms);
	suite_add_tcase(s, t);
	return s;
}
