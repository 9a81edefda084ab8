// SPDX-License-Identifier: MIT
/*
 * check_libvirt.c - unit tests of libvirt_xml.c: the vm of each mdev from
 * libvirt's domain XML (defined, running, which wins), vfio-ap mdev
 * hostdevs only, unknown UUIDs and bad files skipped, ZAP_LOAD_VMS only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "internal.h"
#include "unit.h"

static const char machine[] =
	"adapter 5 hwtype=14 mode=cca domains=1,4\n"
	"mdev " UUID_A " adapters=5 domains=1 control=none\n"
	"mdev " UUID_B " adapters=5 domains=4 control=none\n";

/* Write ROOT/@dir/@name with a domain @vm that has a hostdev of @uuid. */
static void put_domain(const char *root, const char *dir, const char *name,
		       const char *vm, const char *model, const char *uuid)
{
	char path[1024], cmd[1100];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "<domain type='kvm'><name>%s</name><devices>"
		"<hostdev mode='subsystem' type='mdev' model='%s'><source>"
		"<address uuid='%s'/></source></hostdev></devices></domain>\n",
		vm, model, uuid);
	fclose(f);
}

/* The vm of @uuid in a model loaded with @what. */
static const char *vm_of(const struct zap_paths *paths, unsigned int what,
			 const char *uuid)
{
	static char vm[256];
	struct zap_model *m;
	struct zap_error err;
	int i;

	ck_assert_int_eq(zap_model_load(&m, paths, what, &err), 0);
	i = zap_model_find_mdev(m, uuid);
	ck_assert_int_ge(i, 0);
	snprintf(vm, sizeof(vm), "%s", m->mdevs[i].vm);
	zap_model_free(m);
	return vm;
}

START_TEST(test_libvirt_vms_defined_and_running)
{
	struct zap_paths paths;
	const char *root = fixture_tree(machine, &paths);
	unsigned int what = ZAP_LOAD_MDEVS | ZAP_LOAD_VMS;

	ck_assert_str_eq(vm_of(&paths, what, UUID_A), "");
	put_domain(root, "etc/libvirt/qemu", "a.xml", "db-prod-2", "vfio-ap",
		   "11111111-1111-4111-8111-111111111111");
	put_domain(root, "etc/libvirt/qemu", "b.xml", "web-1", "vfio-ap",
		   "22222222-2222-4222-8222-222222222222");
	ck_assert_str_eq(vm_of(&paths, what, UUID_A), "db-prod-2");
	ck_assert_str_eq(vm_of(&paths, what, UUID_B), "web-1");
	/* only with ZAP_LOAD_VMS */
	ck_assert_str_eq(vm_of(&paths, ZAP_LOAD_MDEVS, UUID_A), "");
	/* a running domain wins over a definition */
	put_domain(root, "run/libvirt/qemu", "c.xml", "batch-7", "vfio-ap",
		   "11111111-1111-4111-8111-111111111111");
	ck_assert_str_eq(vm_of(&paths, what, UUID_A), "batch-7");
}
END_TEST

START_TEST(test_libvirt_vms_skip_what_is_not_theirs)
{
	struct zap_paths paths;
	const char *root = fixture_tree(machine, &paths);
	unsigned int what = ZAP_LOAD_MDEVS | ZAP_LOAD_VMS;
	char path[1024];
	FILE *f;

	/* a vfio-ccw mdev, an unknown UUID, a malformed file, a directory */
	put_domain(root, "etc/libvirt/qemu", "ccw.xml", "ccw", "vfio-ccw",
		   UUID_A);
	put_domain(root, "etc/libvirt/qemu", "other.xml", "other", "vfio-ap",
		   UUID_C);
	snprintf(path, sizeof(path), "%s/etc/libvirt/qemu/bad.xml", root);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("<domain><name>bad", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/etc/libvirt/qemu/dir.xml", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_str_eq(vm_of(&paths, what, UUID_A), "");
	ck_assert_str_eq(vm_of(&paths, what, UUID_B), "");
}
END_TEST

/* The suite of libvirt_xml.c. */
Suite *libvirt_suite(void)
{
	Suite *s = suite_create("libvirt");
	TCase *t = tcase_create("load");

	tcase_add_test(t, test_libvirt_vms_defined_and_running);
	tcase_add_test(t, test_libvirt_vms_skip_what_is_not_theirs);
	suite_add_tcase(s, t);
	return s;
}
