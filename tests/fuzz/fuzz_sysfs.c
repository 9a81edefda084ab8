// SPDX-License-Identifier: MIT
/*
 * fuzz_sysfs.c - libFuzzer target for the sysfs contents libzapconf reads
 * (sysfs-ap.md 4.4): an mdev's matrix and guest_matrix (zap_matrix_parse),
 * control_domains (zap_control_domains_parse), ap_config
 * (zap_ap_config_parse) and the kernel's printed masks
 * (zap_sysfs_parse_mask). These are internal functions of libzapconf: the
 * target is linked with the library's objects, not the shared library.
 *
 * Input: the bytes of one file, given to every parser with its exact length
 * (no terminating NUL: an over-read is an ASan report).
 *
 * Checked besides the sanitizers:
 *   - matrix: verdict and set agree with a reference written from
 *     sysfs-ap.md 4.4 (lines "aa.dddd", "aa." or ".dddd", domains up to
 *     0xff); the set printed as the kernel prints it ("%02x.%04x\n" lines,
 *     or "%02x.\n" / ".%04x\n" when one side is empty) parses back to it;
 *   - control_domains: agrees with a reference ("%04x\n" lines up to 0xff);
 *     printed as "%04x\n" lines, parses back;
 *   - ap_config: accepted text is exactly what zap_mask_print gives for the
 *     three masks joined by ',' (plus "\n"), and that text parses back;
 *   - zap_sysfs_parse_mask: accepts exactly "0x" + 64 lower-case hex digits
 *     + optional "\n", agrees with zap_mask_parse_absolute, and the mask
 *     printed is the text read.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest matrix text: 65536 lines "aa.dddd\n". */
#define MATRIX_MAX (ZAP_IDS * ZAP_IDS * 8 + 1)
/* ap_config as the kernel prints it, with "\n" and NUL. */
#define AP_CONFIG_STRLEN (3 * (ZAP_MASK_STRLEN - 1) + 2 + 2)

/* Report a broken property and abort, so that libFuzzer keeps the input. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_sysfs: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* @buf of @len bytes, quoted for a failure message (static buffer). */
static const char *q(const char *buf, size_t len)
{
	static char out[200];

	return zap_quote(buf, len, out, sizeof(out));
}

/* Is @c a lower-case hex digit, as the kernel prints them? */
static bool lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Is @c a hex digit of either case? */
static bool any_hex(char c)
{
	return lower_hex(c) || (c >= 'A' && c <= 'F');
}

/* Are the @n bytes at @s hex digits (either case)? */
static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!any_hex(s[i]))
			return false;
	return true;
}

/* Print @set as the kernel prints matrix; returns the length. */
static size_t print_matrix(const struct zap_apqn_set *set, char *buf)
{
	unsigned int a, d;
	size_t pos = 0;

	buf[0] = '\0';
	if (zap_bitmap_empty(&set->domains)) {
		zap_for_each_set_bit(a, &set->adapters)
			pos += (size_t)sprintf(buf + pos, "%02x.\n", a);
	} else if (zap_bitmap_empty(&set->adapters)) {
		zap_for_each_set_bit(d, &set->domains)
			pos += (size_t)sprintf(buf + pos, ".%04x\n", d);
	} else {
		zap_for_each_set_bit(a, &set->adapters)
			zap_for_each_set_bit(d, &set->domains)
				pos += (size_t)sprintf(buf + pos,
						       "%02x.%04x\n", a, d);
	}
	return pos;
}

/* Value of the @n hex digits at @s (checked with hex_run). */
static unsigned int hex_value(const char *s, size_t n)
{
	unsigned int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 16 + (unsigned int)(s[i] <= '9' ? s[i] - '0' :
					    (s[i] | 0x20) - 'a' + 10);
	return v;
}

/*
 * Reference for matrix: every line is "aa.dddd", "aa." or ".dddd" (hex,
 * either case, domain at most 0xff), ending in "
"; the set holds every
 * adapter and domain named. Returns: false if the text is not that.
 */
static bool ref_matrix(const char *buf, size_t len, struct zap_apqn_set *set)
{
	const char *s = buf, *end = buf + len, *nl;
	unsigned int d;

	zap_bitmap_zero(&set->adapters);
	zap_bitmap_zero(&set->domains);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			return false;
		if (nl - s == 7 && s[2] == '.' && hex_run(s, 2) &&
		    hex_run(s + 3, 4)) {
			d = hex_value(s + 3, 4);
			if (d > ZAP_MAX_ID)
				return false;
			zap_bitmap_set(&set->adapters, hex_value(s, 2));
			zap_bitmap_set(&set->domains, d);
		} else if (nl - s == 3 && s[2] == '.' && hex_run(s, 2)) {
			zap_bitmap_set(&set->adapters, hex_value(s, 2));
		} else if (nl - s == 5 && s[0] == '.' && hex_run(s + 1, 4)) {
			d = hex_value(s + 1, 4);
			if (d > ZAP_MAX_ID)
				return false;
			zap_bitmap_set(&set->domains, d);
		} else {
			return false;
		}
		s = nl + 1;
	}
	return true;
}

/* zap_matrix_parse; print -> parse is identity. */
static void check_matrix(const char *buf, size_t len)
{
	static char printed[MATRIX_MAX];
	struct zap_apqn_set set, again, ref;
	size_t n;
	bool ok;
	int rc;

	ok = ref_matrix(buf, len, &ref);
	rc = zap_matrix_parse(buf, len, &set);
	if (rc != (ok ? 0 : -EINVAL))
		fail("zap_matrix_parse('%s') = %d, reference %s", q(buf, len),
		     rc, ok ? "valid" : "invalid");
	if (rc)
		return;
	if (!zap_bitmap_equal(&set.adapters, &ref.adapters) ||
	    !zap_bitmap_equal(&set.domains, &ref.domains))
		fail("zap_matrix_parse('%s') differs from the reference",
		     q(buf, len));
	n = print_matrix(&set, printed);
	if (zap_matrix_parse(printed, n, &again) ||
	    !zap_bitmap_equal(&set.adapters, &again.adapters) ||
	    !zap_bitmap_equal(&set.domains, &again.domains))
		fail("matrix '%s' -> '%s' -> a different set", q(buf, len),
		     q(printed, n));
}

/* zap_control_domains_parse; print -> parse is identity. */
static void check_control_domains(const char *buf, size_t len)
{
	static char printed[ZAP_IDS * 5 + 1];
	struct zap_bitmap domains, again, ref;
	unsigned int d;
	size_t n = 0;
	bool ok = true;
	int rc;

	zap_bitmap_zero(&ref);
	for (size_t i = 0; ok && i < len; i += 5) {
		ok = len - i >= 5 && hex_run(buf + i, 4) &&
			buf[i + 4] == '\n' &&
			hex_value(buf + i, 4) <= ZAP_MAX_ID;
		if (ok)
			zap_bitmap_set(&ref, hex_value(buf + i, 4));
	}
	rc = zap_control_domains_parse(buf, len, &domains);
	if (rc != (ok ? 0 : -EINVAL))
		fail("zap_control_domains_parse('%s') = %d, reference %s",
		     q(buf, len), rc, ok ? "valid" : "invalid");
	if (rc)
		return;
	if (!zap_bitmap_equal(&domains, &ref))
		fail("zap_control_domains_parse('%s') differs from the reference",
		     q(buf, len));
	printed[0] = '\0';
	zap_for_each_set_bit(d, &domains)
		n += (size_t)sprintf(printed + n, "%04x\n", d);
	if (zap_control_domains_parse(printed, n, &again) ||
	    !zap_bitmap_equal(&domains, &again))
		fail("control_domains '%s' -> '%s' -> a different set",
		     q(buf, len), q(printed, n));
}

/* zap_ap_config_parse; accepted text is the kernel's printed form. */
static void check_ap_config(const char *buf, size_t len)
{
	char printed[AP_CONFIG_STRLEN], mask[ZAP_MASK_STRLEN];
	struct zap_apqn_set set, again;
	struct zap_bitmap control, again_control;
	size_t n;
	int rc;

	rc = zap_ap_config_parse(buf, len, &set, &control);
	if (rc != 0 && rc != -EINVAL)
		fail("zap_ap_config_parse('%s') = %d", q(buf, len), rc);
	if (rc)
		return;
	zap_mask_print(&set.adapters, printed);
	zap_mask_print(&set.domains, mask);
	strcat(printed, ",");
	strcat(printed, mask);
	zap_mask_print(&control, mask);
	strcat(printed, ",");
	strcat(printed, mask);
	strcat(printed, "\n");
	n = strlen(printed);
	if (!(len == n || len == n - 1) || memcmp(buf, printed, len) != 0)
		fail("ap_config '%s' accepted, but prints as '%s'",
		     q(buf, len), q(printed, n));
	if (zap_ap_config_parse(printed, n, &again, &again_control) ||
	    !zap_bitmap_equal(&set.adapters, &again.adapters) ||
	    !zap_bitmap_equal(&set.domains, &again.domains) ||
	    !zap_bitmap_equal(&control, &again_control))
		fail("ap_config '%s' -> '%s' -> different masks", q(buf, len),
		     q(printed, n));
}

/* zap_sysfs_parse_mask: exactly the kernel's printed form, nothing else. */
static void check_sysfs_mask(const char *buf, size_t len)
{
	char printed[ZAP_MASK_STRLEN];
	struct zap_bitmap mask, abs;
	size_t n = len && buf[len - 1] == '\n' ? len - 1 : len;
	bool canonical = n == ZAP_MASK_STRLEN - 1 && buf[0] == '0' &&
		buf[1] == 'x';
	int rc;

	for (size_t i = 2; canonical && i < n; i++)
		canonical = lower_hex(buf[i]);
	rc = zap_sysfs_parse_mask(buf, len, &mask);
	if (rc != (canonical ? 0 : -EINVAL))
		fail("zap_sysfs_parse_mask('%s') = %d", q(buf, len), rc);
	if (rc)
		return;
	zap_mask_print(&mask, printed);
	if (memcmp(printed, buf, n) != 0)
		fail("zap_sysfs_parse_mask('%s') prints as '%s'", q(buf, len),
		     printed);
	if (zap_mask_parse_absolute(&abs, buf, len, NULL) ||
	    !zap_bitmap_equal(&abs, &mask))
		fail("zap_sysfs_parse_mask and zap_mask_parse_absolute disagree on '%s'",
		     q(buf, len));
}

/* libFuzzer entry point: one file's bytes, to every parser. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	check_matrix(buf, size);
	check_control_domains(buf, size);
	check_ap_config(buf, size);
	check_sysfs_mask(buf, size);
	return 0;
}
