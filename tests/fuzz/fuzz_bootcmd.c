// SPDX-License-Identifier: MIT
/*
 * fuzz_bootcmd.c - libFuzzer target for the next boot's masks (bootcmd.c):
 * the kernel's reading of ap.apmask= / ap.aqmask= from a command line
 * (zap_boot_cmdline_parse), zipl.conf's syntax and section choice, and BLS
 * entries (zap_boot_masks_read on files in a temporary root).
 *
 * Input: one mode byte, then the text. Mode % 3 = 0: a command line, given
 * in an allocation of exactly its size (no NUL: an over-read is an ASan
 * report); 1: etc/zipl.conf; 2: up to four BLS entries separated by 0x1e.
 * proc/cmdline is "ap.apmask=0x01 ap.aqmask=0x01" (ids 7).
 *
 * Checked besides the sanitizers:
 *   - every parameter: not set = all ones, no text; set and malformed =
 *     all zeros; set and well-formed = what zap_mask_parse() makes of its
 *     text from all zeros (empty text: all zeros);
 *   - a command line after "ap.apmask=0x40 ap.aqmask=+2 " gives its own
 *     values where it sets them, else those (words are independent and the
 *     last one wins);
 *   - files: reading never fails; the source is the file written; the
 *     problem is one printable line and names its file; a mask the entries
 *     disagree on is the running boot's, else it follows the rules above;
 *     an unusable zipl.conf gives both running masks and no entry;
 *   - zipl.conf: a final newline added changes nothing.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The separator of BLS entries in the input. */
#define BLS_SEPARATOR 0x1e
/* BLS entries written at most. */
#define BLS_MAX 4

/* Report a broken property and abort, so that libFuzzer keeps the input. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_bootcmd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* The temporary root (made once) and its paths. */
static char root[256];
static struct zap_paths paths;

/* Path of @relative under the root, in a static buffer of @slot (0..1). */
static const char *at(const char *relative, int slot)
{
	static char buf[2][512];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", root, relative);
	return buf[slot];
}

/* Remove the temporary root at exit. */
static void remove_root(void)
{
	char name[32];

	for (int i = 0; i < BLS_MAX; i++) {
		snprintf(name, sizeof(name), "boot/loader/entries/%c.conf",
			 'a' + i);
		unlink(at(name, 0));
	}
	unlink(at("etc/zipl.conf", 0));
	unlink(at("proc/cmdline", 0));
	rmdir(at("boot/loader/entries", 0));
	rmdir(at("boot/loader", 0));
	rmdir(at("boot", 0));
	rmdir(at("etc", 0));
	rmdir(at("proc", 0));
	rmdir(root);
}

/* Write @len bytes of @data to @relative under the root. */
static void put(const char *relative, const void *data, size_t len)
{
	FILE *f = fopen(at(relative, 1), "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		fail("cannot write %s", at(relative, 1));
}

/* Make the root with proc/cmdline, once. */
static void setup(void)
{
	static const char cmdline[] = "ap.apmask=0x01 ap.aqmask=0x01\n";
	const char *tmp = getenv("TMPDIR");

	if (root[0])
		return;
	snprintf(root, sizeof(root), "%s/zap-fuzz-boot.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		fail("mkdtemp: %s", strerror(errno));
	atexit(remove_root);
	if (mkdir(at("etc", 0), 0755) || mkdir(at("proc", 0), 0755) ||
	    mkdir(at("boot", 0), 0755) || mkdir(at("boot/loader", 0), 0755) ||
	    mkdir(at("boot/loader/entries", 0), 0755))
		fail("mkdir: %s", strerror(errno));
	put("proc/cmdline", cmdline, strlen(cmdline));
	memset(&paths, 0, sizeof(paths));
	snprintf(paths.root, sizeof(paths.root), "%s", root);
}

/* @p must be what the kernel makes of its text (see the header). */
static void check_param(const char *who, const struct zap_boot_param *p)
{
	struct zap_bitmap m;
	size_t n = strnlen(p->text, sizeof(p->text));

	if (n == sizeof(p->text))
		fail("%s: text not terminated", who);
	if (!p->set) {
		if (!zap_bitmap_full(&p->mask) || p->malformed || n)
			fail("%s: not set but not all ones", who);
		return;
	}
	if (p->malformed) {
		if (!zap_bitmap_empty(&p->mask))
			fail("%s: malformed but not all zeros", who);
		return;
	}
	if (n == sizeof(p->text) - 1)
		return; /* cut: cannot be parsed again */
	zap_bitmap_zero(&m);
	if (n && zap_mask_parse(&m, NULL, p->text, n, NULL))
		fail("%s: '%s' refused on its own", who, p->text);
	if (!zap_bitmap_equal(&m, &p->mask))
		fail("%s: '%s' parses to another mask", who, p->text);
}

/* Are two parameters the same? */
static bool same_param(const struct zap_boot_param *a,
		       const struct zap_boot_param *b)
{
	return a->set == b->set && a->malformed == b->malformed &&
	       strcmp(a->text, b->text) == 0 &&
	       zap_bitmap_equal(&a->mask, &b->mask);
}

/* Mode 0: the command line @data of @size bytes. */
static void fuzz_cmdline(const uint8_t *data, size_t size)
{
	static const char prefix[] = "ap.apmask=0x40 ap.aqmask=+2 ";
	struct zap_boot_param ap, aq, pap, paq, fap, faq;
	size_t plen = strlen(prefix);
	char *buf = malloc(size ? size : 1), *both = malloc(plen + size + 1);

	if (!buf || !both)
		abort();
	memcpy(buf, data, size);
	if (zap_boot_cmdline_parse(buf, size, &ap, &aq))
		fail("cmdline refused");
	check_param("apmask", &ap);
	check_param("aqmask", &aq);
	if (ap.from_running || aq.from_running)
		fail("from_running set by a command line");
	/* The prefix alone gives apmask {1} and aqmask {2}. */
	if (zap_boot_cmdline_parse(prefix, plen, &fap, &faq))
		fail("prefix refused");
	memcpy(both, prefix, plen + 1);
	memcpy(both + plen, data, size);
	if (zap_boot_cmdline_parse(both, plen + size, &pap, &paq))
		fail("prefixed cmdline refused");
	if (!same_param(&pap, ap.set ? &ap : &fap) ||
	    !same_param(&paq, aq.set ? &aq : &faq))
		fail("a prefix changed the command line's own values");
	free(buf);
	free(both);
}

/* The problem of @b must be one printable line naming its file. */
static void check_problem(const struct zap_boot_masks *b)
{
	size_t n = strnlen(b->problem, sizeof(b->problem));

	if (n == sizeof(b->problem))
		fail("problem not terminated");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)b->problem[i] < 0x20 ||
		    (unsigned char)b->problem[i] > 0x7e)
			fail("unprintable byte in problem '%s'", b->problem);
	if (n && strcmp(b->problem_path, b->path) != 0)
		fail("problem about '%s', not '%s'", b->problem_path, b->path);
	if (!n && b->problem_path[0])
		fail("problem path without a problem");
	if (n && !b->apmask.from_running && !b->aqmask.from_running)
		fail("problem '%s' but no running mask", b->problem);
	if (!n && (b->apmask.from_running || b->aqmask.from_running))
		fail("running mask without a problem");
}

/* A mask of @b from the running boot must be ids {7}, else as the kernel. */
static void check_boot_param(const char *who, const struct zap_boot_param *p)
{
	struct zap_bitmap seven;

	if (!p->from_running) {
		check_param(who, p);
		return;
	}
	zap_bitmap_zero(&seven);
	zap_bitmap_set(&seven, 7);
	if (!p->set || p->malformed || !zap_bitmap_equal(&p->mask, &seven))
		fail("%s: not the running boot's", who);
}

/* Read the root; checks common to both file modes. */
static void read_root(struct zap_boot_masks *b, enum zap_boot_source source,
		      const char *path)
{
	struct zap_error err;

	zap_error_clear(&err);
	if (zap_boot_masks_read(&paths, b, &err))
		fail("read failed: %s", err.message);
	if (b->source != source || strcmp(b->path, path) != 0)
		fail("source %s at '%s'", zap_boot_source_name(b->source),
		     b->path);
	check_problem(b);
	check_boot_param("apmask", &b->apmask);
	check_boot_param("aqmask", &b->aqmask);
}

/* Mode 1: @data as etc/zipl.conf. */
static void fuzz_zipl(const uint8_t *data, size_t size)
{
	struct zap_boot_masks b, again;
	char *text = malloc(size + 1);

	if (!text)
		abort();
	put("etc/zipl.conf", data, size);
	read_root(&b, ZAP_BOOT_SOURCE_ZIPL, at("etc/zipl.conf", 0));
	if (b.nr_entries == 0 &&
	    (!b.apmask.from_running || !b.aqmask.from_running))
		fail("no section boots, but a mask is not the running boot's");
	memcpy(text, data, size);
	text[size] = '\n';
	put("etc/zipl.conf", text, size + 1);
	read_root(&again, ZAP_BOOT_SOURCE_ZIPL, at("etc/zipl.conf", 0));
	if (again.nr_entries != b.nr_entries ||
	    !same_param(&again.apmask, &b.apmask) ||
	    !same_param(&again.aqmask, &b.aqmask) ||
	    strcmp(again.problem, b.problem) != 0)
		fail("a final newline changed the result");
	unlink(at("etc/zipl.conf", 0));
	free(text);
}

/* Mode 2: @data as BLS entries a.conf, b.conf, ... split at 0x1e. */
static void fuzz_bls(const uint8_t *data, size_t size)
{
	const uint8_t *start = data, *end = data + size, *sep;
	struct zap_boot_masks b;
	unsigned int count = 0;
	char name[32];

	while (count < BLS_MAX) {
		sep = memchr(start, BLS_SEPARATOR, (size_t)(end - start));
		if (!sep || count == BLS_MAX - 1)
			sep = end;
		snprintf(name, sizeof(name), "boot/loader/entries/%c.conf",
			 'a' + count);
		put(name, start, (size_t)(sep - start));
		count++;
		if (sep == end)
			break;
		start = sep + 1;
	}
	read_root(&b, ZAP_BOOT_SOURCE_BLS, at("boot/loader/entries", 0));
	if (b.nr_entries != count)
		fail("%u entries written, %u read", count, b.nr_entries);
	for (unsigned int i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "boot/loader/entries/%c.conf",
			 'a' + i);
		unlink(at(name, 0));
	}
}

/* libFuzzer entry point: a mode byte, then the text. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	setup();
	switch (data[0] % 3) {
	case 0:
		fuzz_cmdline(data + 1, size - 1);
		break;
	case 1:
		fuzz_zipl(data + 1, size - 1);
		break;
	default:
		fuzz_bls(data + 1, size - 1);
		break;
	}
	return 0;
}
