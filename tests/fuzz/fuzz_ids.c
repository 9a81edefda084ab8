// SPDX-License-Identifier: MIT
/*
 * fuzz_ids.c - libFuzzer target for what admins type on the command line:
 * one id (zap_id_parse), id lists (zap_ids_parse), APQNs (zap_apqn_parse)
 * and UUIDs (zap_uuid_parse).
 *
 * Input: TEXT, optionally followed by a NUL byte and one byte giving the
 * highest id allowed (else 255, ZAP_MAX_ID). TEXT is copied and
 * NUL-terminated, as the tools pass argv strings.
 *
 * Besides the sanitizers, every result is compared with a reference parser
 * written from the grammar in zapconf.h (decimal without leading zero, or
 * "0x"/"0X" hex; lists of ids and ranges; "AA.DDDD"; 8-4-4-4-12 UUIDs), and:
 *   - zap_ids_parse success: zap_ids_print, then zap_ids_parse again gives
 *     the same bitmap; zap_ids_print into short buffers never overflows and
 *     returns the full length;
 *   - zap_id_parse success: the id printed in decimal and in hex parses back;
 *   - zap_apqn_parse / zap_uuid_parse success: printing gives the input in
 *     lower case;
 *   - every failure fills struct zap_error with the matching errno and
 *     status and a one-line, printable message.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zapconf.h"

/* Report a broken property and abort, so that libFuzzer keeps the input. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_ids: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* Check that a failure with @rc filled @err as zapconf.h promises. */
static void check_error(const char *who, const char *text, int rc,
			const struct zap_error *err)
{
	size_t n = strnlen(err->message, sizeof(err->message));

	if (rc != -EINVAL && rc != -ERANGE)
		fail("%s('%s'): unexpected rc %d", who, text, rc);
	if (err->errnum != -rc)
		fail("%s('%s'): errnum %d for rc %d", who, text, err->errnum,
		     rc);
	if (err->status != (rc == -EINVAL ? ZAP_STATUS_USAGE :
			    ZAP_STATUS_NOT_FOUND))
		fail("%s('%s'): status %d for rc %d", who, text, err->status,
		     rc);
	if (n == 0 || n == sizeof(err->message))
		fail("%s('%s'): empty or unterminated message", who, text);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err->message[i] < 0x20 ||
		    (unsigned char)err->message[i] > 0x7e)
			fail("%s('%s'): unprintable byte 0x%02x in message",
			     who, text, (unsigned char)err->message[i]);
}

/* Value of hex digit @c (already checked with isxdigit). */
static unsigned int digit_value(char c)
{
	return isdigit((unsigned char)c) ? (unsigned int)(c - '0') :
		(unsigned int)(tolower((unsigned char)c) - 'a' + 10);
}

/*
 * Reference for one id in [@s, @end): "0x"/"0X" + hex digits, or decimal
 * digits without a leading zero (except "0"). Returns 0 with *@value
 * (capped at 0x10000), or -EINVAL.
 */
static int ref_id(const char *s, const char *end, unsigned long *value)
{
	unsigned int base = 10;
	unsigned long v = 0;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (end - s > 1 && s[0] == '0') {
		return -EINVAL;
	}
	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (base == 16 ? !isxdigit((unsigned char)*s) :
		    !isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * base + digit_value(*s);
		if (v > 0x10000)
			v = 0x10000;
	}
	*value = v;
	return 0;
}

/* Reference for one id with a maximum: 0, -EINVAL or -ERANGE. */
static int ref_id_max(const char *s, const char *end, unsigned int max,
		      unsigned int *id)
{
	unsigned long v;

	if (ref_id(s, end, &v))
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*id = (unsigned int)v;
	return 0;
}

/* Reference for a list "a,b-c,...": the first error left to right. */
static int ref_ids(const char *text, unsigned int max, struct zap_bitmap *dst)
{
	const char *s = text, *end, *dash;
	unsigned int first, last;
	int rc;

	zap_bitmap_zero(dst);
	if (!*text)
		return -EINVAL;
	for (;;) {
		end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		dash = memchr(s, '-', (size_t)(end - s));
		rc = ref_id_max(s, dash ? dash : end, max, &first);
		if (rc)
			return rc;
		last = first;
		if (dash) {
			rc = ref_id_max(dash + 1, end, max, &last);
			if (rc)
				return rc;
			if (last < first)
				return -EINVAL;
		}
		for (unsigned int id = first; id <= last; id++)
			zap_bitmap_set(dst, id);
		if (!*end)
			return 0;
		s = end + 1;
	}
}

/* zap_id_parse against the reference; printed forms parse back. */
static void check_id(const char *text, unsigned int max)
{
	struct zap_error err;
	unsigned int id = 0xdead, ref = 0, again;
	char form[32];
	int rc, want;

	zap_error_clear(&err);
	rc = zap_id_parse(text, max, "domain", &id, &err);
	want = ref_id_max(text, text + strlen(text), max, &ref);
	if (rc != want)
		fail("zap_id_parse('%s', max %u) = %d, reference %d", text,
		     max, rc, want);
	if (rc) {
		check_error("zap_id_parse", text, rc, &err);
		if (id != 0xdead)
			fail("zap_id_parse('%s') wrote id on failure", text);
		return;
	}
	if (id != ref || id > max)
		fail("zap_id_parse('%s', max %u) = %u, reference %u", text,
		     max, id, ref);
	snprintf(form, sizeof(form), "%u", id);
	if (zap_id_parse(form, max, "domain", &again, NULL) || again != id)
		fail("zap_id_parse('%s') does not give %u back", form, id);
	snprintf(form, sizeof(form), "0x%x", id);
	if (zap_id_parse(form, max, "domain", &again, NULL) || again != id)
		fail("zap_id_parse('%s') does not give %u back", form, id);
}

/* zap_ids_print into a buffer of exactly @size bytes (ASan checks it). */
static void check_ids_print_size(const struct zap_bitmap *ids,
				 const char *full, size_t size)
{
	char *buf = malloc(size ? size : 1);
	size_t need = strlen(full);
	int n;

	if (!buf)
		abort();
	n = zap_ids_print(ids, size ? buf : buf + 1, size);
	if (n < 0 || (size_t)n != need)
		fail("zap_ids_print(size %zu) returned %d, '%s' needs %zu",
		     size, n, full, need);
	if (size && (strnlen(buf, size) == size ||
		     strncmp(buf, full, size - 1) != 0))
		fail("zap_ids_print(size %zu) gave '%.*s', not a prefix of '%s'",
		     size, (int)size, buf, full);
	free(buf);
}

/* zap_ids_parse against the reference; print -> parse is identity. */
static void check_ids(const char *text, unsigned int max, unsigned int seed)
{
	struct zap_bitmap ids, ref, again, sentinel;
	struct zap_error err;
	static char printed[ZAP_IDS * 5];
	unsigned int id;
	int rc, want, n;

	memset(&sentinel, 0x5a, sizeof(sentinel));
	ids = sentinel;
	zap_error_clear(&err);
	rc = zap_ids_parse(&ids, text, max, "adapter", &err);
	want = ref_ids(text, max, &ref);
	if (rc != want)
		fail("zap_ids_parse('%s', max %u) = %d, reference %d", text,
		     max, rc, want);
	if (rc) {
		check_error("zap_ids_parse", text, rc, &err);
		if (!zap_bitmap_equal(&ids, &sentinel))
			fail("zap_ids_parse('%s') changed dst on failure",
			     text);
		return;
	}
	if (!zap_bitmap_equal(&ids, &ref))
		fail("zap_ids_parse('%s', max %u) differs from the reference",
		     text, max);
	if (zap_bitmap_empty(&ids))
		fail("zap_ids_parse('%s') accepted an empty list", text);
	zap_for_each_set_bit(id, &ids)
		if (id > max)
			fail("zap_ids_parse('%s') gave id %u above max %u",
			     text, id, max);
	n = zap_ids_print(&ids, printed, sizeof(printed));
	if (n < 0 || (size_t)n >= sizeof(printed) ||
	    strlen(printed) != (size_t)n)
		fail("zap_ids_print of '%s' returned %d", text, n);
	if (zap_ids_parse(&again, printed, max, "adapter", &err))
		fail("zap_ids_parse('%s') refuses what zap_ids_print gave for '%s': %s",
		     printed, text, err.message);
	if (!zap_bitmap_equal(&ids, &again))
		fail("'%s' -> '%s' -> a different bitmap", text, printed);
	check_ids_print_size(&ids, printed, seed % (size_t)(n + 2));
	check_ids_print_size(&ids, printed, 0);
}

/* zap_apqn_parse against the reference; printing gives the input back. */
static void check_apqn(const char *text)
{
	struct zap_error err;
	unsigned int a = 0xdead, d = 0xdead, ra = 0, rd = 0;
	char printed[ZAP_APQN_STRLEN], lower[8];
	bool ok = strlen(text) == 7 && text[2] == '.';
	int rc, want;

	for (int i = 0; ok && i < 7; i++) {
		if (i == 2)
			continue;
		if (!isxdigit((unsigned char)text[i]))
			ok = false;
		else if (i < 2)
			ra = ra * 16 + digit_value(text[i]);
		else
			rd = rd * 16 + digit_value(text[i]);
	}
	want = !ok ? -EINVAL : rd > ZAP_MAX_ID ? -ERANGE : 0;
	zap_error_clear(&err);
	rc = zap_apqn_parse(text, &a, &d, &err);
	if (rc != want)
		fail("zap_apqn_parse('%s') = %d, reference %d", text, rc, want);
	if (rc) {
		check_error("zap_apqn_parse", text, rc, &err);
		if (a != 0xdead || d != 0xdead)
			fail("zap_apqn_parse('%s') wrote on failure", text);
		return;
	}
	if (a != ra || d != rd)
		fail("zap_apqn_parse('%s') = %x.%x, reference %x.%x", text, a,
		     d, ra, rd);
	zap_apqn_print(a, d, printed);
	for (int i = 0; i < 8; i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	if (strcmp(printed, lower) != 0)
		fail("zap_apqn_parse('%s') prints as '%s'", text, printed);
}

/* zap_uuid_parse against the 8-4-4-4-12 grammar; lower-case output. */
static void check_uuid(const char *text)
{
	struct zap_error err;
	char *out = malloc(ZAP_UUID_STRLEN), again[ZAP_UUID_STRLEN];
	bool ok = strlen(text) == ZAP_UUID_STRLEN - 1;
	int rc;

	if (!out)
		abort();
	for (int i = 0; ok && i < ZAP_UUID_STRLEN - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			ok = text[i] == '-';
		else
			ok = isxdigit((unsigned char)text[i]);
	}
	zap_error_clear(&err);
	rc = zap_uuid_parse(text, out, &err);
	if (rc != (ok ? 0 : -EINVAL))
		fail("zap_uuid_parse('%s') = %d, reference %s", text, rc,
		     ok ? "valid" : "invalid");
	if (rc) {
		check_error("zap_uuid_parse", text, rc, &err);
		free(out);
		return;
	}
	for (int i = 0; i < ZAP_UUID_STRLEN; i++)
		if (out[i] != (char)tolower((unsigned char)text[i]))
			fail("zap_uuid_parse('%s') gave '%s'", text, out);
	if (zap_uuid_parse(out, again, NULL) || strcmp(again, out) != 0)
		fail("zap_uuid_parse('%s') does not give itself back", out);
	free(out);
}

/* libFuzzer entry point: TEXT [NUL MAX]. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	unsigned int max = ZAP_MAX_ID, seed = 0;
	size_t len;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);
	if (len + 1 < size)
		max = data[len + 1];
	for (size_t i = 0; i < size; i++)
		seed = seed * 31 + data[i];
	check_id(text, max);
	check_ids(text, max, seed);
	check_apqn(text);
	check_uuid(text);
	free(text);
	return 0;
}
