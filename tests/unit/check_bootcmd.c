// SPDX-License-Identifier: MIT
/*
 * check_bootcmd.c - unit tests of bootcmd.c: the kernel's reading of
 * ap.apmask= / ap.aqmask= from a command line (P1 and P2 from all zeros,
 * malformed values, last one wins, quotes, "--"), the next boot's command
 * line from each source and their precedence (BLS entries, zipl.conf, the
 * running boot's proc/cmdline), zipl.conf's syntax, disagreeing entries,
 * unreadable files, and the precedence of 41-ap.rules.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "zapconf.h"

/* ------------------------------------------------------------ helpers */

/* Parse @text (a C string); both parameters into @ap, @aq. */
static void parse(const char *text, struct zap_boot_param *ap,
		  struct zap_boot_param *aq)
{
	ck_assert_int_eq(zap_boot_cmdline_parse(text, strlen(text), ap, aq), 0);
}

/* The bitmap of the id list @ids ("" for none). */
static struct zap_bitmap ids(const char *list)
{
	struct zap_bitmap b;

	zap_bitmap_zero(&b);
	if (*list)
		ck_assert_int_eq(zap_ids_parse(&b, list, ZAP_MAX_ID, "id", NULL),
				 0);
	return b;
}

/* Assert that @p is set to the ids @list, well-formed. */
static void assert_mask(const struct zap_boot_param *p, const char *list)
{
	struct zap_bitmap want = ids(list);
	char got[ZAP_MASK_STRLEN], exp[ZAP_MASK_STRLEN];

	zap_mask_print(&p->mask, got);
	zap_mask_print(&want, exp);
	ck_assert_msg(p->set, "parameter not set");
	ck_assert_msg(!p->malformed, "parameter malformed");
	ck_assert_str_eq(got, exp);
}

/* Assert that @p is not set: all ones. */
static void assert_unset(const struct zap_boot_param *p)
{
	ck_assert(!p->set);
	ck_assert(!p->malformed);
	ck_assert(zap_bitmap_full(&p->mask));
	ck_assert_str_eq(p->text, "");
}

/* Assert that @p is set to the malformed @text: all zeros. */
static void assert_malformed(const struct zap_boot_param *p, const char *text)
{
	ck_assert(p->set);
	ck_assert(p->malformed);
	ck_assert(zap_bitmap_empty(&p->mask));
	ck_assert_str_eq(p->text, text);
}

/* The temporary root of the current test. */
static char root[64];

/* nftw() callback: remove one file or directory. */
static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Make an empty temporary root and fill @paths with it. */
static void make_root(struct zap_paths *paths)
{
	snprintf(root, sizeof(root), "/tmp/zap-bootcmd.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	memset(paths, 0, sizeof(*paths));
	snprintf(paths->root, sizeof(paths->root), "%s", root);
}

/* Remove the temporary root. */
static void remove_root(void)
{
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p of the directory part of @relative under the root. */
static void make_parents(const char *relative)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, relative);
	for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
}

/* Write @text to @relative under the root. */
static void put(const char *relative, const char *text)
{
	char path[512];
	FILE *f;

	make_parents(relative);
	snprintf(path, sizeof(path), "%s/%s", root, relative);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Make @relative a symbolic link to itself (reading it fails: ELOOP). */
static void put_loop(const char *relative)
{
	char path[512];

	make_parents(relative);
	snprintf(path, sizeof(path), "%s/%s", root, relative);
	ck_assert_int_eq(symlink(path, path), 0);
}

/* zap_boot_masks_read() must succeed. */
static void read_ok(const struct zap_paths *paths, struct zap_boot_masks *b)
{
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_int_eq(zap_boot_masks_read(paths, b, &err), 0);
	ck_assert_int_eq(err.status, ZAP_STATUS_OK);
}

/* Does @haystack contain @needle? With a message naming both. */
static void assert_contains(const char *haystack, const char *needle)
{
	ck_assert_msg(strstr(haystack, needle), "'%s' not in '%s'", needle,
		      haystack);
}

/* ---------------------------------------------------------- cmdline */

START_TEST(test_boot_cmdline_parse_absent_is_all_ones)
{
	struct zap_boot_param ap, aq;

	parse("root=/dev/dasda1 console=ttyS0 ap.domain=5 apmask=0x00\n",
	      &ap, &aq);
	assert_unset(&ap);
	assert_unset(&aq);
	ck_assert(!ap.from_running);
	parse("", &ap, &aq);
	assert_unset(&ap);
	assert_unset(&aq);
}
END_TEST

START_TEST(test_boot_cmdline_parse_absolute)
{
	struct zap_boot_param ap, aq;

	parse("root=/dev/dasda1 ap.apmask=0xff ap.aqmask=0x80000000000000000000000000000000"
	      "00000000000000000000000000000001\n", &ap, &aq);
	assert_mask(&ap, "0-7");
	assert_mask(&aq, "0,255");
	ck_assert_str_eq(ap.text, "0xff");
	parse("ap.apmask=xc ap.aqmask=F", &ap, &aq);
	assert_mask(&ap, "0,1");
	assert_mask(&aq, "0-3");
	/* No digits: all zeros, the kernel accepts it. */
	parse("ap.apmask=0x ap.aqmask=", &ap, &aq);
	assert_mask(&ap, "");
	assert_mask(&aq, "");
}
END_TEST

START_TEST(test_boot_cmdline_parse_relative_from_zeros)
{
	struct zap_boot_param ap, aq;

	parse("ap.apmask=+0-15 ap.aqmask=-1", &ap, &aq);
	assert_mask(&ap, "0-15");
	assert_mask(&aq, "");
	parse("ap.apmask=+010 ap.aqmask=+0x10", &ap, &aq);
	assert_mask(&ap, "8");
	assert_mask(&aq, "16");
	parse("ap.apmask=+1+2 ap.aqmask=+0-9,-5", &ap, &aq);
	assert_mask(&ap, "1,2");
	assert_mask(&aq, "0-4,6-9");
}
END_TEST

START_TEST(test_boot_cmdline_parse_malformed_is_all_zeros)
{
	struct zap_boot_param ap, aq;

	parse("ap.apmask=0xfg ap.aqmask=0X10", &ap, &aq);
	assert_malformed(&ap, "0xfg");
	assert_malformed(&aq, "0X10");
	parse("ap.apmask=+08 ap.aqmask=+256", &ap, &aq);
	assert_malformed(&ap, "+08");
	assert_malformed(&aq, "+256");
	parse("ap.apmask=+ ap.aqmask=+3-1", &ap, &aq);
	assert_malformed(&ap, "+");
	assert_malformed(&aq, "+3-1");
	/* 65 hex digits */
	parse("ap.apmask=0x"
	      "00000000000000000000000000000000000000000000000000000000000000001",
	      &ap, &aq);
	ck_assert(ap.malformed);
}
END_TEST

START_TEST(test_boot_cmdline_parse_last_one_wins)
{
	struct zap_boot_param ap, aq;

	parse("ap.apmask=0x80 root=/dev/dasda1 ap.apmask=0x40", &ap, &aq);
	assert_mask(&ap, "1");
	assert_unset(&aq);
	/* A malformed later value still replaces an earlier good one. */
	parse("ap.aqmask=0x80 ap.aqmask=zz", &ap, &aq);
	assert_malformed(&aq, "zz");
	/* A bare name has no value: the kernel ignores it. */
	parse("ap.apmask=0x80 ap.apmask", &ap, &aq);
	assert_mask(&ap, "0");
	/* A value above 1024 bytes is refused by the kernel: kept. */
	{
		char text[1200] = "ap.apmask=0x80 ap.apmask=";
		size_t prefix = strlen(text);

		memset(text + prefix, '0', 1025);
		text[prefix + 1025] = '\0';
		parse(text, &ap, &aq);
		assert_mask(&ap, "0");
		/* 1024 bytes: taken (1024 hex digits: malformed). */
		text[prefix + 1024] = '\0';
		parse(text, &ap, &aq);
		ck_assert(ap.set && ap.malformed);
	}
}
END_TEST

START_TEST(test_boot_cmdline_parse_quotes_and_words)
{
	struct zap_boot_param ap, aq;

	parse("\"ap.apmask=0x80\" ap.aqmask=\"0x40\"", &ap, &aq);
	assert_mask(&ap, "0");
	assert_mask(&aq, "1");
	/* A quoted blank keeps the word together: malformed value. */
	parse("ap.apmask=\"0x80 ap.aqmask=0x40\"", &ap, &aq);
	assert_malformed(&ap, "0x80 ap.aqmask=0x40");
	assert_unset(&aq);
	/* Tabs and newlines separate words; a NUL ends the line. */
	parse("a=1\tap.apmask=0x80\nap.aqmask=0x40", &ap, &aq);
	assert_mask(&ap, "0");
	assert_mask(&aq, "1");
	ck_assert_int_eq(zap_boot_cmdline_parse("ap.apmask=0x80\0 ap.aqmask=0",
						27, &ap, &aq), 0);
	assert_mask(&ap, "0");
	assert_unset(&aq);
}
END_TEST

START_TEST(test_boot_cmdline_parse_names)
{
	struct zap_boot_param ap, aq;

	/* Only the exact names (case matters), and nothing after "--". */
	parse("AP.APMASK=0x80 ap.apmaskx=0x80 xap.apmask=0x80 ap.apmask-=1 "
	      "ap=apmask=0x80 -- ap.aqmask=0x80", &ap, &aq);
	assert_unset(&ap);
	assert_unset(&aq);
	parse("ap.apmask=0x80 -- ap.apmask=0x40", &ap, &aq);
	assert_mask(&ap, "0");
	/* "--=x" has a value: it is no end marker. */
	parse("--=x ap.apmask=0x40", &ap, &aq);
	assert_mask(&ap, "1");
}
END_TEST

/* ------------------------------------------------------------ sources */

START_TEST(test_boot_masks_read_nothing)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	make_root(&paths);
	read_ok(&paths, &b);
	ck_assert_int_eq(b.source, ZAP_BOOT_SOURCE_NONE);
	ck_assert_str_eq(b.path, "");
	ck_assert_uint_eq(b.nr_entries, 0);
	assert_unset(&b.apmask);
	assert_unset(&b.aqmask);
	ck_assert_str_eq(b.problem, "");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_running)
{
	struct zap_paths paths;
	struct zap_boot_masks b;
	char want[600];

	make_root(&paths);
	put("proc/cmdline", "root=/dev/dasda1 ap.apmask=0xc0 ap.aqmask=+4\n");
	/* An empty entries directory does not count. */
	put("boot/loader/entries/README", "options ap.apmask=0x01\n");
	read_ok(&paths, &b);
	ck_assert_int_eq(b.source, ZAP_BOOT_SOURCE_RUNNING);
	snprintf(want, sizeof(want), "%s/proc/cmdline", root);
	ck_assert_str_eq(b.path, want);
	ck_assert_uint_eq(b.nr_entries, 1);
	assert_mask(&b.apmask, "0,1");
	assert_mask(&b.aqmask, "4");
	ck_assert(!b.apmask.from_running);
	ck_assert_str_eq(b.problem, "");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_zipl_over_running)
{
	struct zap_paths paths;
	struct zap_boot_masks b;
	char want[600];

	make_root(&paths);
	put("proc/cmdline", "ap.apmask=0xc0\n");
	put("etc/zipl.conf",
	    "[defaultboot]\n"
	    "default = linux\n"
	    "[linux]\n"
	    "target = /boot\n"
	    "image = /boot/image\n"
	    "parameters = \"root=/dev/dasda1 ap.apmask=0x20\"\n");
	read_ok(&paths, &b);
	ck_assert_int_eq(b.source, ZAP_BOOT_SOURCE_ZIPL);
	snprintf(want, sizeof(want), "%s/etc/zipl.conf", root);
	ck_assert_str_eq(b.path, want);
	ck_assert_uint_eq(b.nr_entries, 1);
	assert_mask(&b.apmask, "2");
	assert_unset(&b.aqmask);
	ck_assert_str_eq(b.problem, "");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_bls_over_zipl)
{
	struct zap_paths paths;
	struct zap_boot_masks b;
	char want[600];

	make_root(&paths);
	put("proc/cmdline", "ap.apmask=0xc0\n");
	put("etc/zipl.conf", "[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
	    "parameters=ap.apmask=0x20\n");
	put("boot/loader/entries/linux-6.1.conf",
	    "# a comment: options ap.apmask=0x01\n"
	    "title Linux 6.1\n"
	    "version 6.1\n"
	    "linux /vmlinuz-6.1\n"
	    "options root=/dev/dasda1 ap.apmask=0x10\n");
	put("boot/loader/entries/linux-6.2.conf",
	    "title Linux 6.2\n"
	    "  options\troot=/dev/dasda1   \n"
	    "optionsx ap.apmask=0x01\n"
	    "options ap.apmask=0x10  \t\n");
	put("boot/loader/entries/linux-6.2.conf.rpmsave",
	    "options ap.apmask=0x01\n");
	read_ok(&paths, &b);
	ck_assert_int_eq(b.source, ZAP_BOOT_SOURCE_BLS);
	snprintf(want, sizeof(want), "%s/boot/loader/entries", root);
	ck_assert_str_eq(b.path, want);
	ck_assert_uint_eq(b.nr_entries, 2);
	assert_mask(&b.apmask, "3");
	assert_unset(&b.aqmask);
	ck_assert_str_eq(b.problem, "");
	ck_assert_str_eq(b.problem_path, "");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_bls_disagree)
{
	struct zap_paths paths;
	struct zap_boot_masks b;
	char want[600];

	make_root(&paths);
	put("proc/cmdline", "ap.apmask=0xc0 ap.aqmask=0x01\n");
	put("boot/loader/entries/a.conf",
	    "options ap.apmask=0x10 ap.aqmask=+0-3\n");
	put("boot/loader/entries/b.conf",
	    "options ap.apmask=0x20 ap.aqmask=0xf\n");
	put("boot/loader/entries/c.conf", "options ap.aqmask=0xf0\n"
	    "options ap.apmask=0x1x ap.aqmask=0xf\n");
	read_ok(&paths, &b);
	ck_assert_int_eq(b.source, ZAP_BOOT_SOURCE_BLS);
	ck_assert_uint_eq(b.nr_entries, 3);
	/* They disagree on apmask: the running boot's; agree on aqmask. */
	assert_mask(&b.apmask, "0,1");
	ck_assert(b.apmask.from_running);
	assert_mask(&b.aqmask, "0-3");
	ck_assert(!b.aqmask.from_running);
	ck_assert_str_eq(b.problem,
			 "the boot entries disagree on ap.apmask: a.conf "
			 "'0x10', b.conf '0x20', c.conf '0x1x' (malformed: "
			 "all zeros); the running boot's value is used");
	snprintf(want, sizeof(want), "%s/boot/loader/entries", root);
	ck_assert_str_eq(b.problem_path, want);
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_disagree_without_running)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	make_root(&paths);
	put("boot/loader/entries/a.conf", "options ap.aqmask=0x80\n");
	put("boot/loader/entries/b.conf", "options quiet\n");
	read_ok(&paths, &b);
	assert_unset(&b.apmask);
	assert_unset(&b.aqmask);
	ck_assert(b.aqmask.from_running);
	ck_assert(!b.apmask.from_running);
	assert_contains(b.problem, "disagree on ap.aqmask: a.conf '0x80', "
			"b.conf not set");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_disagree_on_both)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	make_root(&paths);
	put("proc/cmdline", "ap.aqmask=0x01\n");
	put("boot/loader/entries/a.conf", "options ap.aqmask=0x80\n");
	put("boot/loader/entries/b.conf", "options ap.apmask=0x80\n");
	read_ok(&paths, &b);
	ck_assert(b.apmask.from_running && b.aqmask.from_running);
	assert_unset(&b.apmask);
	assert_mask(&b.aqmask, "7");
	assert_contains(b.problem, "disagree on ap.apmask: a.conf not set, "
			"b.conf '0x80'; the boot entries disagree on "
			"ap.aqmask: a.conf '0x80', b.conf not set; the "
			"running boot's value is used");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_disagree_names_quoted)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	/* File names and values are untrusted: escaped in the one line. */
	make_root(&paths);
	put("boot/loader/entries/a\nb.conf", "options ap.apmask=\"0x80\t\"\n");
	put("boot/loader/entries/c.conf", "options ap.apmask=0x40\n");
	read_ok(&paths, &b);
	ck_assert_str_eq(b.problem,
			 "the boot entries disagree on ap.apmask: a\\nb.conf "
			 "'0x80\\t' (malformed: all zeros), c.conf '0x40'; "
			 "the running boot's value is used");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_same_mask_different_text_agrees)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	make_root(&paths);
	put("boot/loader/entries/a.conf", "options ap.apmask=0xf0\n");
	put("boot/loader/entries/b.conf", "options ap.apmask=+0-3\n");
	read_ok(&paths, &b);
	assert_mask(&b.apmask, "0-3");
	ck_assert_str_eq(b.problem, "");
	remove_root();
}
END_TEST

/* ---------------------------------------------------------- zipl.conf */

/* Read @conf as etc/zipl.conf with proc/cmdline "ap.apmask=0x01". */
static void read_zipl(const char *conf, struct zap_boot_masks *b)
{
	struct zap_paths paths;

	make_root(&paths);
	put("proc/cmdline", "ap.apmask=0x01 ap.aqmask=0x01\n");
	put("etc/zipl.conf", conf);
	read_ok(&paths, b);
	ck_assert_int_eq(b->source, ZAP_BOOT_SOURCE_ZIPL);
	remove_root();
}

START_TEST(test_boot_masks_zipl_syntax)
{
	struct zap_boot_masks b;

	read_zipl("# zipl.conf\n"
		  "   # indented comment\n"
		  "\n"
		  "[defaultboot]\n"
		  "\tdefault=linux   \n"
		  "[other]\n"
		  "image=/boot/other\n"
		  "parameters='ap.apmask=0x02'\n"
		  "[linux]  \n"
		  "  target\t=\t/boot\n"
		  "image   =   /boot/image\n"
		  "parameters =  'root=/dev/dasda1 ap.apmask=0x80 # not a comment'  \n"
		  "ramdisk=/boot/initrd,0x2000000\n", &b);
	ck_assert_uint_eq(b.nr_entries, 1);
	assert_mask(&b.apmask, "0");
	assert_unset(&b.aqmask);
	ck_assert_str_eq(b.problem, "");
	/* Unquoted: the rest of the line, trailing blanks cut. */
	read_zipl("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
		  "parameters=ap.apmask=0x40 ap.aqmask=0x40  \t\n", &b);
	assert_mask(&b.apmask, "1");
	assert_mask(&b.aqmask, "1");
	/* A section without parameters: all ones. */
	read_zipl("[defaultboot]\ndefault=l\n[l]\nimage=/i\n", &b);
	assert_unset(&b.apmask);
	assert_unset(&b.aqmask);
	/* Double quotes around a value with single quotes inside. */
	read_zipl("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
		  "parameters=\"a='b c' ap.aqmask=0x20\"\n", &b);
	assert_mask(&b.aqmask, "2");
}
END_TEST

START_TEST(test_boot_masks_zipl_menu)
{
	struct zap_boot_masks b;
	static const char sections[] =
		"[linux]\ntarget=/boot\nimage=/boot/image\n"
		"parameters=\"root=/dev/dasda1 ap.apmask=0x80\"\n"
		"[old]\ntarget=/boot\nimage=/boot/image.old\n"
		"parameters=\"root=/dev/dasda1 ap.apmask=0x80 quiet\"\n"
		"[rescue]\ntarget=/boot\nimage=/boot/image.rescue\n"
		"parameters=\"root=/dev/dasda1\"\n"
		"[dump]\ntarget=/boot\ndumpto=/dev/dasdb1\n";
	char conf[2048];

	/* Menu sections 1 and 2 agree; rescue is not in the menu. */
	snprintf(conf, sizeof(conf),
		 "[defaultboot]\ndefaultmenu=menu1\n%s"
		 ":menu1\ntarget=/boot\n1=linux\n2 = old\n3=dump\ndefault=2\n"
		 "prompt=1\ntimeout=5\n", sections);
	read_zipl(conf, &b);
	ck_assert_uint_eq(b.nr_entries, 2);
	assert_mask(&b.apmask, "0");
	ck_assert_str_eq(b.problem, "");
	/* A menu with rescue: they disagree, the running boot's value. */
	snprintf(conf, sizeof(conf),
		 "[defaultboot]\ndefaultmenu=m\n%s:m\ntarget=/boot\n"
		 "1=linux\n5=rescue\n", sections);
	read_zipl(conf, &b);
	ck_assert_uint_eq(b.nr_entries, 2);
	assert_mask(&b.apmask, "7");
	ck_assert(b.apmask.from_running);
	assert_unset(&b.aqmask);
	ck_assert_str_eq(b.problem,
			 "the zipl.conf sections disagree on ap.apmask: linux "
			 "'0x80', rescue not set; the running boot's value is "
			 "used");
	/* defaultauto: every section with image=, so rescue too. */
	snprintf(conf, sizeof(conf),
		 "[defaultboot]\ndefaultauto\ntarget=/boot\ndefault=linux\n%s",
		 sections);
	read_zipl(conf, &b);
	ck_assert_uint_eq(b.nr_entries, 3);
	ck_assert(b.apmask.from_running);
	assert_contains(b.problem, "linux '0x80', old '0x80', rescue not set");
	/* target= alone in defaultboot also builds the automatic menu. */
	snprintf(conf, sizeof(conf), "[defaultboot]\ntarget=/boot\n%s",
		 sections);
	read_zipl(conf, &b);
	ck_assert_uint_eq(b.nr_entries, 3);
}
END_TEST

START_TEST(test_boot_masks_zipl_parmfile)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	/* parmfile (",address" cut, newlines as blanks), then parameters. */
	make_root(&paths);
	put("boot/parmfile", "root=/dev/dasda1\n\nap.apmask=0x40\n"
	    "ap.aqmask=\"0x80\n0x01\"\n");
	put("etc/zipl.conf", "[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
	    "parmfile=/boot/parmfile,0x1000\nparameters=ap.apmask=+2\n");
	read_ok(&paths, &b);
	assert_mask(&b.apmask, "2");
	assert_malformed(&b.aqmask, "0x80 0x01");
	/* A parmfile alone; a relative name is taken from the root. */
	put("etc/zipl.conf", "[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
	    "parmfile=boot/parmfile\n");
	read_ok(&paths, &b);
	assert_mask(&b.apmask, "1");
	ck_assert_str_eq(b.problem, "");
	/* A parmfile zipl cannot read: it cannot install, zap cannot tell. */
	put("proc/cmdline", "ap.apmask=0x01\n");
	put("etc/zipl.conf", "[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
	    "parmfile=/boot/missing\nparameters=ap.apmask=0x80\n");
	read_ok(&paths, &b);
	assert_contains(b.problem, "parmfile '/boot/missing' of section 'l' "
			"cannot be read");
	ck_assert(b.apmask.from_running && b.aqmask.from_running);
	assert_mask(&b.apmask, "7");
	remove_root();
}
END_TEST

/* Assert that zipl.conf @conf is unusable, the problem containing @why. */
static void assert_zipl_refused(const char *conf, const char *why)
{
	struct zap_boot_masks b;

	read_zipl(conf, &b);
	assert_contains(b.problem, why);
	assert_contains(b.problem, "/etc/zipl.conf");
	assert_contains(b.problem, "the running boot's ap.apmask and "
			"ap.aqmask are used");
	assert_contains(b.problem_path, "/etc/zipl.conf");
	ck_assert_uint_eq(b.nr_entries, 0);
	ck_assert(b.apmask.from_running && b.aqmask.from_running);
	assert_mask(&b.apmask, "7");
	assert_mask(&b.aqmask, "7");
}

START_TEST(test_boot_masks_zipl_malformed)
{
	static const char ok[] = "[defaultboot]\ndefault=l\n[l]\nimage=/i\n";
	char conf[512];

	assert_zipl_refused("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
			    "parameters=\"ap.apmask=0x80\n",
			    "line 5: unterminated quotes");
	assert_zipl_refused("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
			    "parameters='a' b\n",
			    "line 5: unexpected characters at end of line");
	assert_zipl_refused("default=l\n[defaultboot]\n",
			    "line 1: keyword outside of a section");
	assert_zipl_refused("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
			    "parameters=a\nparameters=b\n",
			    "line 6: keyword already specified");
	assert_zipl_refused("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
			    "options=a\n", "line 5: unknown keyword");
	assert_zipl_refused("[defaultboot]\ndefault=l\n[l]\nimage=/i\n"
			    "parametersX=a\n",
			    "line 5: unexpected characters after keyword");
	assert_zipl_refused("[defaultboot]\ndefault=l\n[l]\nimage /i\n",
			    "line 4: unknown keyword");
	assert_zipl_refused("[defaultboot\n", "line 1: unterminated section");
	assert_zipl_refused("[]\n", "line 1: empty section name");
	assert_zipl_refused("[a b]\n", "line 1: invalid character");
	assert_zipl_refused("[a] x\n", "line 1: unexpected characters after");
	assert_zipl_refused(":me nu\n", "line 1: blanks not allowed");
	assert_zipl_refused(":m-1\n", "line 1: invalid character in menu");
	assert_zipl_refused("[a]\n[a]\n", "line 2: section name already");
	assert_zipl_refused("[a]\n1=b\n", "line 2: number assignment not");
	assert_zipl_refused(":m\n63=b\n", "line 2: menu position not in");
	assert_zipl_refused(":m\n1=b\n1=c\n", "line 3: menu position already");
	assert_zipl_refused(":m\n1 x=b\n", "line 2: number expected");
	assert_zipl_refused("[l]\nimage=/i\n", "no [defaultboot] section");
	assert_zipl_refused("[defaultboot]\nprompt=1\n",
			    "[defaultboot] has no default");
	assert_zipl_refused("[defaultboot]\ndefault=x\n[l]\nimage=/i\n",
			    "line 1: default names no section");
	assert_zipl_refused("[defaultboot]\ndefaultmenu=m\n",
			    "line 1: defaultmenu names no menu");
	assert_zipl_refused("[defaultboot]\ndefaultmenu=m\n:m\n1=x\n",
			    "line 3: menu names a missing section");
	assert_zipl_refused("[defaultboot]\ndefault=d\n[d]\ndumpto=/dev/x\n",
			    "boots a kernel");
	assert_zipl_refused("[defaultboot]\ndefaultauto\ntarget=/b\n"
			    "[d]\ndumpto=/dev/x\n", "boots a kernel");
	assert_zipl_refused("[defaultboot]\ndefaultautox\n",
			    "line 2: unexpected characters at end of line");
	/* The good base parses, so the cases above fail for their reason. */
	snprintf(conf, sizeof(conf), "%sparameters=ap.apmask=0x80\n", ok);
	{
		struct zap_boot_masks b;

		read_zipl(conf, &b);
		ck_assert_str_eq(b.problem, "");
		assert_mask(&b.apmask, "0");
	}
}
END_TEST

/* ---------------------------------------------------------- failures */

/* Reading must fail with @errnum, the message naming @relative. */
static void assert_unreadable(const struct zap_paths *paths, int errnum,
			      const char *relative)
{
	struct zap_boot_masks b;
	struct zap_error err;
	char path[600];

	zap_error_clear(&err);
	ck_assert_int_eq(zap_boot_masks_read(paths, &b, &err), -errnum);
	ck_assert_int_eq(err.errnum, errnum);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	snprintf(path, sizeof(path), "%s/%s", root, relative);
	assert_contains(err.message, path);
}

START_TEST(test_boot_masks_read_unreadable)
{
	struct zap_paths paths;

	make_root(&paths);
	put_loop("proc/cmdline");
	assert_unreadable(&paths, ELOOP, "proc/cmdline");
	put_loop("etc/zipl.conf");
	assert_unreadable(&paths, ELOOP, "etc/zipl.conf");
	put("boot/loader/entries/a.conf", "options ap.apmask=0x80\n");
	put_loop("boot/loader/entries/b.conf");
	assert_unreadable(&paths, ELOOP, "boot/loader/entries/b.conf");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_unreadable_only_when_needed)
{
	struct zap_paths paths;
	struct zap_boot_masks b;

	/* Agreeing BLS entries need neither zipl.conf nor proc/cmdline. */
	make_root(&paths);
	put_loop("etc/zipl.conf");
	put_loop("proc/cmdline");
	put("boot/loader/entries/a.conf", "options ap.apmask=0x80\n");
	read_ok(&paths, &b);
	assert_mask(&b.apmask, "0");
	remove_root();
}
END_TEST

START_TEST(test_boot_masks_read_too_large)
{
	struct zap_paths paths;
	char *big = malloc(1024 * 1024 + 2);

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', 1024 * 1024 + 1);
	big[1024 * 1024 + 1] = '\0';
	make_root(&paths);
	put("proc/cmdline", big);
	free(big);
	assert_unreadable(&paths, EFBIG, "proc/cmdline");
	remove_root();
}
END_TEST

/* ------------------------------------------------------------- final */

START_TEST(test_boot_masks_final_rules_win_where_set)
{
	struct zap_boot_masks boot;
	struct zap_bitmap ap, aq, rules_ap = ids("5"), rules_aq = ids("6");

	memset(&boot, 0, sizeof(boot));
	parse("ap.apmask=0x80 ap.aqmask=0x40", &boot.apmask, &boot.aqmask);
	zap_boot_masks_final(&ap, &aq, &boot, NULL, NULL);
	ck_assert(zap_bitmap_equal(&ap, &boot.apmask.mask));
	ck_assert(zap_bitmap_equal(&aq, &boot.aqmask.mask));
	zap_boot_masks_final(&ap, &aq, &boot, &rules_ap, NULL);
	ck_assert(zap_bitmap_equal(&ap, &rules_ap));
	ck_assert(zap_bitmap_equal(&aq, &boot.aqmask.mask));
	zap_boot_masks_final(&ap, &aq, &boot, NULL, &rules_aq);
	ck_assert(zap_bitmap_equal(&ap, &boot.apmask.mask));
	ck_assert(zap_bitmap_equal(&aq, &rules_aq));
	/* No parameter and no rules file: the host owns everything. */
	parse("", &boot.apmask, &boot.aqmask);
	zap_boot_masks_final(&ap, &aq, &boot, NULL, NULL);
	ck_assert(zap_bitmap_full(&ap) && zap_bitmap_full(&aq));
}
END_TEST

START_TEST(test_boot_source_name)
{
	ck_assert_str_eq(zap_boot_source_name(ZAP_BOOT_SOURCE_NONE), "none");
	ck_assert_str_eq(zap_boot_source_name(ZAP_BOOT_SOURCE_BLS), "bls");
	ck_assert_str_eq(zap_boot_source_name(ZAP_BOOT_SOURCE_ZIPL), "zipl");
	ck_assert_str_eq(zap_boot_source_name(ZAP_BOOT_SOURCE_RUNNING),
			 "cmdline");
}
END_TEST

/* The suite of bootcmd.c. */
Suite *bootcmd_suite(void)
{
	Suite *s = suite_create("bootcmd");
	TCase *c = tcase_create("cmdline");
	TCase *r = tcase_create("read");
	TCase *z = tcase_create("zipl");

	tcase_add_test(c, test_boot_cmdline_parse_absent_is_all_ones);
	tcase_add_test(c, test_boot_cmdline_parse_absolute);
	tcase_add_test(c, test_boot_cmdline_parse_relative_from_zeros);
	tcase_add_test(c, test_boot_cmdline_parse_malformed_is_all_zeros);
	tcase_add_test(c, test_boot_cmdline_parse_last_one_wins);
	tcase_add_test(c, test_boot_cmdline_parse_quotes_and_words);
	tcase_add_test(c, test_boot_cmdline_parse_names);
	tcase_add_test(c, test_boot_masks_final_rules_win_where_set);
	tcase_add_test(c, test_boot_source_name);
	tcase_add_test(r, test_boot_masks_read_nothing);
	tcase_add_test(r, test_boot_masks_read_running);
	tcase_add_test(r, test_boot_masks_read_zipl_over_running);
	tcase_add_test(r, test_boot_masks_read_bls_over_zipl);
	tcase_add_test(r, test_boot_masks_read_bls_disagree);
	tcase_add_test(r, test_boot_masks_read_disagree_without_running);
	tcase_add_test(r, test_boot_masks_read_disagree_on_both);
	tcase_add_test(r, test_boot_masks_read_disagree_names_quoted);
	tcase_add_test(r, test_boot_masks_read_same_mask_different_text_agrees);
	tcase_add_test(r, test_boot_masks_read_unreadable);
	tcase_add_test(r, test_boot_masks_read_unreadable_only_when_needed);
	tcase_add_test(r, test_boot_masks_read_too_large);
	tcase_add_test(z, test_boot_masks_zipl_syntax);
	tcase_add_test(z, test_boot_masks_zipl_menu);
	tcase_add_test(z, test_boot_masks_zipl_parmfile);
	tcase_add_test(z, test_boot_masks_zipl_malformed);
	suite_add_tcase(s, c);
	suite_add_tcase(s, r);
	suite_add_tcase(s, z);
	return s;
}
