// SPDX-License-Identifier: MIT
/*
 * check_free.c - unit tests of free.c and diff.c: which queues are free,
 * the deterministic block search (fresh and growing an mdev), the largest
 * block reported when none fits, and the events between two models.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"
#include "unit.h"

/* Adapters 1-3 CEX8C, 4 CEX8P, 5 CEX3C (too old); host keeps domain 0. */
static const char pool[] =
	"bus aqmask=0\n"
	"adapter 1 hwtype=14 mode=cca domains=0-7\n"
	"adapter 2 hwtype=14 mode=cca domains=0-7\n"
	"adapter 3 hwtype=14 mode=cca domains=0-7\n"
	"adapter 4 hwtype=14 mode=ep11 domains=0-7\n"
	"adapter 5 hwtype=14 mode=cca domains=0-7 config=0\n"
	"queue 03.0007 chkstop=1\n"
	"mdev " UUID_A " adapters=1 domains=1,2 control=none\n"
	"define " UUID_B " start=auto adapters=2 domains=3 control=none\n"
	"define " UUID_C " start=manual adapters=3 domains=4 control=none\n";

/* The list form of @b. */
static const char *ids(const struct zap_bitmap *b)
{
	static char buf[2][256];
	static int n;

	n ^= 1;
	zap_ids_print(b, buf[n], sizeof(buf[n]));
	return buf[n];
}

START_TEST(test_free_apqns)
{
	struct zap_bitmap avail[ZAP_IDS];
	struct zap_free_filter filter;
	struct zap_paths paths;
	struct zap_model *m;

	fixture_tree(pool, &paths);
	m = fixture_model(&paths);
	zap_free_apqns(m, NULL, avail);
	ck_assert_str_eq(ids(&avail[1]), "0x3-0x7");     /* 0 host, 1-2 mdev A */
	ck_assert_str_eq(ids(&avail[2]), "0x1,0x2,0x4-0x7"); /* 3: autostart B */
	ck_assert_str_eq(ids(&avail[3]), "0x1-0x6");     /* 4 manual is free; 7 chkstop */
	ck_assert_str_eq(ids(&avail[4]), "0x1-0x7");
	ck_assert_str_eq(ids(&avail[5]), "");        /* deconfigured */
	memset(&filter, 0, sizeof(filter));
	filter.mode = ZAP_MODE_EP11;
	zap_free_apqns(m, &filter, avail);
	ck_assert_str_eq(ids(&avail[1]), "");
	ck_assert_str_eq(ids(&avail[4]), "0x1-0x7");
	memset(&filter, 0, sizeof(filter));
	snprintf(filter.type, sizeof(filter.type), "cex8c");
	zap_ids_parse(&filter.domains, "5-6", 255, "d", NULL);
	zap_free_apqns(m, &filter, avail);
	ck_assert_str_eq(ids(&avail[2]), "0x5,0x6");
	ck_assert_str_eq(ids(&avail[4]), "");
	zap_model_free(m);
}
END_TEST

START_TEST(test_free_block_find)
{
	struct zap_bitmap avail[ZAP_IDS];
	struct zap_block block, largest, within;
	struct zap_paths paths;
	struct zap_model *m;

	fixture_tree(pool, &paths);
	m = fixture_model(&paths);
	zap_free_apqns(m, NULL, avail);
	/* two CCA adapters sharing two domains: 1 and 2 share 4-7 */
	ck_assert_int_eq(zap_free_block_find(m, avail, 2, 2, NULL, &block,
					     &largest), 0);
	ck_assert_str_eq(ids(&block.adapters), "0x1,0x2");
	ck_assert_str_eq(ids(&block.domains), "0x4,0x5");
	/* three CCA adapters x 3 domains: 1,2,3 share 4-6 */
	ck_assert_int_eq(zap_free_block_find(m, avail, 3, 3, NULL, &block,
					     &largest), 0);
	ck_assert_str_eq(ids(&block.adapters), "0x1-0x3");
	ck_assert_str_eq(ids(&block.domains), "0x4-0x6");
	/* 4 adapters x 3 domains: only with the EP11 card, a mixed block */
	ck_assert_int_eq(zap_free_block_find(m, avail, 4, 3, NULL, &block,
					     &largest), 0);
	ck_assert_str_eq(ids(&block.adapters), "0x1-0x4");
	/* 5 adapters: there are 4 usable */
	ck_assert_int_eq(zap_free_block_find(m, avail, 5, 1, NULL, &block,
					     &largest), -ENOSPC);
	ck_assert_str_eq(ids(&largest.adapters), "0x1-0x4");
	ck_assert_int_eq(zap_free_block_find(m, avail, 1, 9, NULL, &block,
					     &largest), -ENOSPC);
	ck_assert_str_eq(ids(&largest.domains), "0x1-0x7");
	/* grow mdev A (1 x 1,2) by two domains, then by one adapter */
	within.adapters = m->mdevs[zap_model_find_mdev(m, UUID_A)].matrix.adapters;
	within.domains = m->mdevs[zap_model_find_mdev(m, UUID_A)].matrix.domains;
	ck_assert_int_eq(zap_free_block_find(m, avail, 0, 2, &within, &block,
					     &largest), 0);
	ck_assert_str_eq(ids(&block.domains), "0x3,0x4");
	ck_assert_int_eq(zap_free_block_find(m, avail, 1, 0, &within, &block,
					     &largest), 0);
	ck_assert_str_eq(ids(&block.adapters), "0x2");
	ck_assert_str_eq(ids(&block.domains), "0x1,0x2");
	ck_assert_int_eq(zap_free_block_find(m, avail, 4, 0, &within, &block,
					     &largest), -ENOSPC);
	/* an mdev with domains 1,2 and no adapter: adapters, not domains */
	zap_bitmap_zero(&within.adapters);
	ck_assert_int_eq(zap_free_block_find(m, avail, 1, 0, &within, &block,
					     &largest), 0);
	ck_assert_str_eq(ids(&block.adapters), "0x2");
	ck_assert_int_eq(zap_free_block_find(m, avail, 0, 1, &within, &block,
					     &largest), -EINVAL);
	zap_model_free(m);
}
END_TEST

START_TEST(test_free_block_find_max_lpar)
{
	struct zap_bitmap avail[ZAP_IDS];
	struct zap_block block, largest;
	struct zap_model model;
	struct zap_model_priv *priv = calloc(1, sizeof(*priv));

	/* every APQN free on a synthetic model: the block is the lowest ids */
	memset(&model, 0, sizeof(model));
	model.priv = priv;
	memset(priv->card_index, 0xff, sizeof(priv->card_index));
	for (unsigned int a = 0; a < ZAP_IDS; a++)
		zap_bitmap_fill(&avail[a]);
	ck_assert_int_eq(zap_free_block_find(&model, avail, 16, 16, NULL,
					     &block, &largest), 0);
	ck_assert_str_eq(ids(&block.adapters), "0x0-0xf");
	ck_assert_str_eq(ids(&block.domains), "0x0-0xf");
	free(priv);
}
END_TEST

START_TEST(test_diff_events)
{
	struct zap_paths paths;
	struct zap_model *x, *y;
	struct zap_events ev;
	const char *kinds[16];
	char path[800];
	FILE *f;

	fixture_tree("bus aqmask=0-3\n"
		     "adapter 5 hwtype=14 mode=cca domains=1,4,5\n"
		     "mdev " UUID_A " adapters=5 domains=4 control=none\n", &paths);
	x = fixture_model(&paths);
	snprintf(path, sizeof(path), "%s/devices/vfio_ap/matrix/%s/ap_config",
		 paths.sysfs, UUID_A);
	f = fopen(path, "w");
	fputs("0x04000000000000000000000000000000000000000000000000000000000000000,"
	      "0x0c00000000000000000000000000000000000000000000000000000000000000,"
	      "0x0000000000000000000000000000000000000000000000000000000000000000\n", f);
	fclose(f);
	y = fixture_model(&paths);
	/* a malformed ap_config: unreadable, no event */
	ck_assert_uint_eq(y->nr_unreadable, 1);
	zap_model_free(y);
	f = fopen(path, "w");
	fputs("0x0400000000000000000000000000000000000000000000000000000000000000,"
	      "0x0c00000000000000000000000000000000000000000000000000000000000000,"
	      "0x0000000000000000000000000000000000000000000000000000000000000000\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/bus/ap/aqmask", paths.sysfs);
	f = fopen(path, "w");
	fputs("0x3000000000000000000000000000000000000000000000000000000000000000\n", f);
	fclose(f);
	y = fixture_model(&paths);
	ck_assert_int_eq(zap_model_diff(x, y, &ev, NULL), 0);
	for (size_t i = 0; i < ev.count && i < 16; i++)
		kinds[i] = zap_event_kind_name(ev.items[i].kind);
	ck_assert_uint_eq(ev.count, 3);
	ck_assert_str_eq(kinds[0], "mask");
	ck_assert_str_eq(kinds[1], "queue-owner");
	ck_assert_str_eq(ev.items[1].message, "queue 05.0001 host -> vfio");
	ck_assert_str_eq(kinds[2], "mdev-assigned");
	ck_assert_msg(strstr(ev.items[2].message, "05.0005"), "%s",
		      ev.items[2].message);
	zap_events_free(&ev);
	ck_assert_int_eq(zap_model_diff(x, x, &ev, NULL), 0);
	ck_assert_uint_eq(ev.count, 0);
	zap_model_free(x);
	zap_model_free(y);
}
END_TEST

/* The free-queue and diff suite. */
Suite *free_suite(void)
{
	Suite *s = suite_create("free");
	TCase *t = tcase_create("search");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, test_free_apqns);
	tcase_add_test(t, test_free_block_find);
	tcase_add_test(t, test_free_block_find_max_lpar);
	tcase_add_test(t, test_diff_events);
	suite_add_tcase(s, t);
	return s;
}
