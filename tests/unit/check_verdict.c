// SPDX-License-Identifier: MIT
/*
 * check_verdict.c - unit tests of whatif.c and verdict.c on models built in
 * memory (zap_model_new(), no fixture tree, no file system): what a change
 * makes of the model, and which problems of the audit it adds, refused or
 * warned, with which culprits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "unit.h"

#define UUID_D "44444444-4444-4444-8444-444444444444"

/* @dst = the ids of @text, "" for none. */
static void ids(struct zap_bitmap *dst, const char *text)
{
	zap_bitmap_zero(dst);
	if (text[0])
		ck_assert_int_eq(zap_ids_parse(dst, text, 255, "id", NULL), 0);
}

/* A model in memory: the host has apmask x aqmask; no mdev yet. */
static struct zap_model *model(const char *apmask, const char *aqmask)
{
	struct zap_model *m;

	ck_assert_int_eq(zap_model_new(&m, NULL, NULL), 0);
	snprintf(m->paths.mdevctl, sizeof(m->paths.mdevctl), "/etc/mdevctl.d/matrix");
	m->bus.vfio_ap = true;
	ids(&m->bus.apmask, apmask);
	ids(&m->bus.aqmask, aqmask);
	m->mdevs = calloc(8, sizeof(*m->mdevs));
	m->definitions = calloc(8, sizeof(*m->definitions));
	ck_assert(m->mdevs && m->definitions);
	return m;
}

/* Fill @set from two id lists. */
static void set_of(struct zap_apqn_set *set, const char *adapters,
		   const char *domains)
{
	ids(&set->adapters, adapters);
	ids(&set->domains, domains);
}

/* Add an active mdev (call in UUID order). */
static void add_mdev(struct zap_model *m, const char *uuid,
		     const char *adapters, const char *domains)
{
	struct zap_mdev *x = &m->mdevs[m->nr_mdevs++];

	snprintf(x->uuid, sizeof(x->uuid), "%s", uuid);
	x->active = true;
	x->definition = -1;
	set_of(&x->matrix, adapters, domains);
	zap_model_index(m);
}

/* Add a valid definition of @uuid, and its mdev when there is none. */
static void add_definition(struct zap_model *m, const char *uuid, bool autostart,
			   const char *adapters, const char *domains)
{
	struct zap_definition *def = &m->definitions[m->nr_definitions];
	int i = zap_model_find_mdev(m, uuid);

	snprintf(def->uuid, sizeof(def->uuid), "%s", uuid);
	snprintf(def->path, sizeof(def->path), "%s/%s", m->paths.mdevctl, uuid);
	def->valid = true;
	def->autostart = autostart;
	set_of(&def->matrix, adapters, domains);
	if (i < 0) {
		struct zap_mdev *x = &m->mdevs[m->nr_mdevs++];

		snprintf(x->uuid, sizeof(x->uuid), "%s", uuid);
		x->matrix = def->matrix;
		i = (int)m->nr_mdevs - 1;
	}
	m->mdevs[i].definition = (int)m->nr_definitions++;
	zap_model_index(m);
}

/* A change of @kind and @scope to @uuid naming these ids. */
static struct zap_change change(enum zap_change_kind kind, enum zap_scope scope,
				const char *uuid, const char *adapters,
				const char *domains, const char *control)
{
	struct zap_change c = { .kind = kind, .scope = scope };

	snprintf(c.uuid, sizeof(c.uuid), "%s", uuid);
	ids(&c.adapters, adapters);
	ids(&c.domains, domains);
	ids(&c.control_domains, control);
	return c;
}

/* The what-if of @c on @m, then its verdict into @refused and @warned. */
static void judge(const struct zap_model *m, const struct zap_change *c,
		  struct zap_problems *refused, struct zap_problems *warned)
{
	struct zap_model *after;
	struct zap_error err;

	memset(refused, 0, sizeof(*refused));
	memset(warned, 0, sizeof(*warned));
	ck_assert_int_eq(zap_model_whatif(m, c, &after, &err), 0);
	ck_assert_msg(zap_change_verdict(m, after, c, refused, warned, &err) == 0,
		      "%s", err.message);
	zap_model_free(after);
}

/* Free both lists of judge(). */
static void forget(struct zap_problems *refused, struct zap_problems *warned)
{
	zap_problems_free(refused);
	zap_problems_free(warned);
}

START_TEST(test_whatif_live_assign_edits_a_copy)
{
	struct zap_model *m = model("", ""), *after;
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_LIVE, UUID_A,
				     "5", "0x47", "4");

	add_mdev(m, UUID_A, "6", "4");
	ck_assert_int_eq(zap_model_whatif(m, &c, &after, NULL), 0);
	ck_assert(zap_apqn_set_test(&after->mdevs[0].matrix, 5, 0x47));
	ck_assert(zap_bitmap_test(&after->mdevs[0].control_domains, 4));
	/* the model itself is untouched; no definition is made for live */
	ck_assert(!zap_apqn_set_test(&m->mdevs[0].matrix, 5, 0x47));
	ck_assert_uint_eq(after->nr_definitions, 0);
	zap_model_free(after);
	zap_model_free(m);
}
END_TEST

START_TEST(test_whatif_persistent_create_and_remove)
{
	struct zap_model *m = model("", ""), *after, *gone;
	struct zap_change c = change(ZAP_CHANGE_CREATE, ZAP_SCOPE_PERSISTENT,
				     UUID_A, "5", "4", "");
	int i;

	add_mdev(m, UUID_B, "6", "4");
	ck_assert_int_eq(zap_model_whatif(m, &c, &after, NULL), 0);
	/* a definition, auto, not active, and the mdevs still by UUID */
	ck_assert_uint_eq(after->nr_mdevs, 2);
	i = zap_model_find_mdev(after, UUID_A);
	ck_assert_int_eq(i, 0);
	ck_assert(!after->mdevs[i].active);
	ck_assert_int_ge(after->mdevs[i].definition, 0);
	ck_assert(after->definitions[after->mdevs[i].definition].autostart);
	ck_assert_str_eq(after->definitions[after->mdevs[i].definition].path,
			 "/etc/mdevctl.d/matrix/" UUID_A);
	/* removing it again (-P) leaves nothing of A */
	c = change(ZAP_CHANGE_REMOVE, ZAP_SCOPE_PERSISTENT, UUID_A, "", "", "");
	ck_assert_int_eq(zap_model_whatif(after, &c, &gone, NULL), 0);
	ck_assert_uint_eq(gone->nr_mdevs, 1);
	ck_assert_uint_eq(gone->nr_definitions, 0);
	ck_assert_int_eq(zap_model_find_mdev(gone, UUID_A), -1);
	zap_model_free(gone);
	zap_model_free(after);
	zap_model_free(m);
}
END_TEST

START_TEST(test_whatif_live_remove_keeps_the_definition)
{
	struct zap_model *m = model("", ""), *after;
	struct zap_change c = change(ZAP_CHANGE_REMOVE, ZAP_SCOPE_LIVE, UUID_A,
				     "", "", "");

	add_mdev(m, UUID_A, "5", "4");
	add_definition(m, UUID_A, true, "5", "4,5");
	ck_assert_int_eq(zap_model_whatif(m, &c, &after, NULL), 0);
	ck_assert_uint_eq(after->nr_mdevs, 1);
	ck_assert(!after->mdevs[0].active);
	ck_assert(zap_apqn_set_test(&after->mdevs[0].matrix, 5, 5));
	zap_model_free(after);
	zap_model_free(m);
}
END_TEST

START_TEST(test_whatif_masks_both_sides)
{
	struct zap_model *m = model("0-255", "0-255"), *after;
	struct zap_change c = change(ZAP_CHANGE_TO_VFIO, ZAP_SCOPE_BOTH, "",
				     "", "4", "");

	ck_assert_int_eq(zap_model_whatif(m, &c, &after, NULL), 0);
	ck_assert(!zap_bitmap_test(&after->bus.aqmask, 4));
	ck_assert(after->has_rules && after->rules_has_aqmask);
	ck_assert(!zap_bitmap_test(&after->rules_aqmask, 4));
	/* only the mask the change makes differ from the boot side is set */
	ck_assert(!after->rules_has_apmask);
	zap_model_free(m);
	/* back to all ones everywhere: 41-ap.rules goes */
	c.kind = ZAP_CHANGE_TO_HOST;
	ck_assert_int_eq(zap_model_whatif(after, &c, &m, NULL), 0);
	ck_assert(!m->has_rules);
	zap_model_free(after);
	zap_model_free(m);
}
END_TEST

/* Drift case 1: a -P definition of an APQN an active mdev holds. */
START_TEST(test_verdict_definition_vs_active_mdev)
{
	struct zap_model *m = model("", "");
	struct zap_change c = change(ZAP_CHANGE_CREATE, ZAP_SCOPE_PERSISTENT,
				     UUID_D, "2", "7", "");
	struct zap_problems refused, warned;

	add_mdev(m, UUID_A, "2", "7");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_int_eq(refused.items[0].kind, ZAP_PROBLEM_SHARED_APQN);
	/* the change's mdev first, then the other culprit, each with its side */
	ck_assert_str_eq(refused.items[0].mdevs[0], UUID_D);
	ck_assert_int_eq(refused.items[0].holders[0], ZAP_HOLDER_AUTOSTART);
	ck_assert_str_eq(refused.items[0].mdevs[1], UUID_A);
	ck_assert_int_eq(refused.items[0].holders[1], ZAP_HOLDER_MDEV);
	ck_assert_uint_eq(refused.items[0].nr_apqns, 1);
	ck_assert_uint_eq(refused.items[0].apqns[0], 0x0207);
	ck_assert_str_eq(refused.items[0].message,
			 "autostart definition " UUID_D
			 " would share APQNs with mdev " UUID_A ": 02.0007");
	ck_assert_uint_eq(warned.count, 0);
	forget(&refused, &warned);
	zap_model_free(m);
}
END_TEST

/* Drift case 2: host now, vfio_ap at boot: a warning naming the side. */
START_TEST(test_verdict_host_now_vfio_at_boot)
{
	struct zap_model *m = model("4", "0-5");
	struct zap_change c = change(ZAP_CHANGE_CREATE, ZAP_SCOPE_PERSISTENT,
				     UUID_D, "4", "5", "");
	struct zap_problems refused, warned;

	m->has_rules = m->rules_has_apmask = m->rules_has_aqmask = true;
	zap_bitmap_zero(&m->rules_apmask);
	zap_bitmap_fill(&m->rules_aqmask);
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 0);
	ck_assert_uint_eq(warned.count, 1);
	ck_assert_int_eq(warned.items[0].kind, ZAP_PROBLEM_DRIFT);
	ck_assert_str_eq(warned.items[0].mdevs[0], UUID_D);
	ck_assert_uint_eq(warned.items[0].apqns[0], 0x0405);
	ck_assert_msg(strstr(warned.items[0].message, "the active apmask/aqmask"),
		      "%s", warned.items[0].message);
	forget(&refused, &warned);
	/* without 41-ap.rules the host has them at boot too: refused */
	m->has_rules = m->rules_has_apmask = m->rules_has_aqmask = false;
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_int_eq(refused.items[0].kind, ZAP_PROBLEM_HOST_APQN);
	forget(&refused, &warned);
	zap_model_free(m);
}
END_TEST

/* Drift case 3: a -P assignment of an APQN another active mdev holds. */
START_TEST(test_verdict_definition_of_active_mdev)
{
	struct zap_model *m = model("", "");
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_PERSISTENT,
				     UUID_A, "", "7", "");
	struct zap_problems refused, warned;

	add_mdev(m, UUID_A, "2", "6");
	add_mdev(m, UUID_B, "2", "7");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_int_eq(refused.items[0].kind, ZAP_PROBLEM_SHARED_APQN);
	ck_assert_str_eq(refused.items[0].mdevs[0], UUID_A);
	ck_assert_int_eq(refused.items[0].holders[0], ZAP_HOLDER_AUTOSTART);
	ck_assert_str_eq(refused.items[0].mdevs[1], UUID_B);
	ck_assert_uint_eq(refused.items[0].apqns[0], 0x0207);
	forget(&refused, &warned);
	/* the live change is refused the same way, as the mdev */
	c.scope = ZAP_SCOPE_LIVE;
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_int_eq(refused.items[0].holders[0], ZAP_HOLDER_MDEV);
	ck_assert_str_eq(refused.items[0].message,
			 "mdev " UUID_A " would share APQNs with mdev " UUID_B
			 ": 02.0007");
	forget(&refused, &warned);
	zap_model_free(m);
}
END_TEST

/* A problem that was there before is not the change's; a grown one is. */
START_TEST(test_verdict_blames_only_what_the_change_adds)
{
	struct zap_model *m = model("", "");
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_LIVE, UUID_C,
				     "9", "9", "");
	struct zap_problems refused, warned;

	add_mdev(m, UUID_A, "2", "7");
	add_mdev(m, UUID_B, "2", "7");
	add_mdev(m, UUID_C, "3", "3");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 0);
	forget(&refused, &warned);
	/* B grows into more of A: only the new APQN is named */
	c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_LIVE, UUID_B, "", "", "");
	zap_bitmap_set(&m->mdevs[0].matrix.domains, 8);
	zap_model_index(m);
	c.kind = ZAP_CHANGE_ASSIGN;
	zap_bitmap_set(&c.domains, 8);
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_uint_eq(refused.items[0].nr_apqns, 1);
	ck_assert_uint_eq(refused.items[0].apqns[0], 0x0208);
	forget(&refused, &warned);
	/* removing an mdev adds nothing */
	c = change(ZAP_CHANGE_REMOVE, ZAP_SCOPE_LIVE, UUID_B, "", "", "");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count + warned.count, 0);
	forget(&refused, &warned);
	/* nor does removing one whose definition keeps B's shared APQNs */
	add_definition(m, UUID_B, true, "2", "7");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 0);
	forget(&refused, &warned);
	zap_model_free(m);
}
END_TEST

/* Errors of the audit are refused, its warnings warned. */
START_TEST(test_verdict_table_follows_the_audit)
{
	struct zap_model *m = model("0-3", "0-3");
	struct zap_change c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_LIVE, UUID_A,
				     "", "", "5");
	struct zap_problems refused, warned;

	add_mdev(m, UUID_A, "", "");
	add_definition(m, UUID_B, false, "5", "4");
	/* control-without-usage: refused */
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_int_eq(refused.items[0].kind,
			 ZAP_PROBLEM_CONTROL_WITHOUT_USAGE);
	forget(&refused, &warned);
	/* manual-overlap: warned */
	c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_LIVE, UUID_A, "5", "4", "");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 0);
	ck_assert_uint_eq(warned.count, 1);
	ck_assert_int_eq(warned.items[0].kind, ZAP_PROBLEM_MANUAL_OVERLAP);
	ck_assert_str_eq(warned.items[0].message,
			 "manual definition " UUID_B " names APQNs of mdev "
			 UUID_A ": it cannot be started while they are assigned: 05.0004");
	forget(&refused, &warned);
	/* host-apqn: refused, with the domains to free */
	c = change(ZAP_CHANGE_ASSIGN, ZAP_SCOPE_LIVE, UUID_A, "1", "2,4", "");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_int_eq(refused.items[0].kind, ZAP_PROBLEM_HOST_APQN);
	ck_assert_uint_eq(refused.items[0].nr_apqns, 1);
	ck_assert_msg(strstr(refused.items[0].message, "'chzap --vfio -d 0x2'"),
		      "%s", refused.items[0].message);
	forget(&refused, &warned);
	zap_model_free(m);
}
END_TEST

/* The same culprit seen now and at boot is listed once. */
START_TEST(test_verdict_host_and_boot_listed_once)
{
	struct zap_model *m = model("0-255", "");
	struct zap_change c = change(ZAP_CHANGE_TO_HOST, ZAP_SCOPE_BOTH, "",
				     "", "7", "");
	struct zap_problems refused, warned;

	add_definition(m, UUID_C, true, "6", "7");
	judge(m, &c, &refused, &warned);
	ck_assert_uint_eq(refused.count, 1);
	ck_assert_str_eq(refused.items[0].mdevs[0], UUID_C);
	ck_assert_uint_eq(refused.items[0].apqns[0], 0x0607);
	ck_assert_str_eq(refused.items[0].message,
			 "autostart definition (mdevctl) " UUID_C
			 " holds APQNs this would give to the host (unassign them first): 06.0007");
	forget(&refused, &warned);
	zap_model_free(m);
}
END_TEST

/* The what-if and verdict tests. */
Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *w = tcase_create("whatif");
	TCase *v = tcase_create("verdict");

	tcase_add_test(w, test_whatif_live_assign_edits_a_copy);
	tcase_add_test(w, test_whatif_persistent_create_and_remove);
	tcase_add_test(w, test_whatif_live_remove_keeps_the_definition);
	tcase_add_test(w, test_whatif_masks_both_sides);
	tcase_add_test(v, test_verdict_definition_vs_active_mdev);
	tcase_add_test(v, test_verdict_host_now_vfio_at_boot);
	tcase_add_test(v, test_verdict_definition_of_active_mdev);
	tcase_add_test(v, test_verdict_blames_only_what_the_change_adds);
	tcase_add_test(v, test_verdict_table_follows_the_audit);
	tcase_add_test(v, test_verdict_host_and_boot_listed_once);
	suite_add_tcase(s, w);
	suite_add_tcase(s, v);
	return s;
}
