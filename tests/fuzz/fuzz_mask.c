// SPDX-License-Identifier: MIT
/*
 * fuzz_mask.c - libFuzzer target for the kernel's mask and number syntaxes
 * (sysfs-ap.md 0.3): zap_mask_parse (P1 absolute and P2 relative),
 * zap_mask_parse_absolute (P1) and zap_kernel_parse_ulong (P3).
 *
 * Input: 32 bytes giving the current mask (byte k = hex digits 2k and 2k+1
 * of the printed mask; a shorter input is padded with zeros), then the
 * bytes of one write().
 *
 * Checked besides the sanitizers:
 *   - parse -> zap_mask_print -> parse is identity (with and without "\n",
 *     through zap_mask_parse, zap_mask_parse_absolute, zap_sysfs_parse_mask);
 *   - an absolute write and a relative "+N,-M" list derived from the
 *     difference between the current and the absolute mask give the same
 *     mask (ids in decimal, hex or octal, ranges or single ids, various
 *     separators chosen from the input), in both directions;
 *   - a relative write depends on the current mask only where it does not
 *     name an id: parse(cur) == parse(0) | (cur & parse(full)), and the
 *     verdict does not depend on the current mask at all;
 *   - an absolute mask's printed digits start with the digits written;
 *   - a refused write leaves the destination untouched and fills the error;
 *   - zap_kernel_parse_ulong agrees with glibc strtoul(base 0) on the text
 *     the kernel accepts (optional '+', digits, one optional "\n").
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

#include "internal.h"

/* Longest relative text derived here: 256 terms of at most 16 bytes. */
#define REL_MAX 8192

/* Report a broken property and abort, so that libFuzzer keeps the input. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_mask: ");
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

/* Check that a refused parse filled @err: errno, status, one printable line. */
static void check_error(const char *who, const char *buf, size_t len, int rc,
			const struct zap_error *err)
{
	size_t n = strnlen(err->message, sizeof(err->message));

	if (err->errnum != -rc || err->status != ZAP_STATUS_USAGE)
		fail("%s('%s'): rc %d, errnum %d, status %d", who, q(buf, len),
		     rc, err->errnum, err->status);
	if (n == 0 || n == sizeof(err->message))
		fail("%s('%s'): empty or unterminated message", who,
		     q(buf, len));
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err->message[i] < 0x20 ||
		    (unsigned char)err->message[i] > 0x7e)
			fail("%s('%s'): unprintable byte in message", who,
			     q(buf, len));
}

/* The current mask from the first (up to) 32 input bytes. */
static void mask_from_bytes(struct zap_bitmap *mask, const uint8_t *data,
			    size_t size)
{
	zap_bitmap_zero(mask);
	for (size_t k = 0; k < 32 && k < size; k++)
		mask->word[k / 8] |= (uint64_t)data[k] << (56 - 8 * (k % 8));
}

/* Is @text exactly "0x" + 64 lower-case hex digits? */
static bool canonical_mask_text(const char *text)
{
	if (strlen(text) != ZAP_MASK_STRLEN - 1 || text[0] != '0' ||
	    text[1] != 'x')
		return false;
	for (int i = 2; i < ZAP_MASK_STRLEN - 1; i++)
		if (!isdigit((unsigned char)text[i]) &&
		    !(text[i] >= 'a' && text[i] <= 'f'))
			return false;
	return true;
}

/* @m printed must parse back to @m along every path that reads masks. */
static void check_print_roundtrip(const struct zap_bitmap *m,
				  const struct zap_bitmap *cur,
				  const char *buf, size_t len)
{
	char printed[ZAP_MASK_STRLEN + 1];
	struct zap_bitmap again;
	size_t n;

	memset(printed, 'Z', sizeof(printed));
	zap_mask_print(m, printed);
	if (!canonical_mask_text(printed))
		fail("zap_mask_print gave '%s' for '%s'", printed,
		     q(buf, len));
	n = strlen(printed);
	if (zap_mask_parse_absolute(&again, printed, n, NULL) ||
	    !zap_bitmap_equal(&again, m))
		fail("'%s' -> '%s' -> absolute parse differs", q(buf, len),
		     printed);
	if (zap_mask_parse(&again, cur, printed, n, NULL) ||
	    !zap_bitmap_equal(&again, m))
		fail("'%s' -> '%s' -> zap_mask_parse differs", q(buf, len),
		     printed);
	printed[n] = '\n';
	if (zap_mask_parse(&again, cur, printed, n + 1, NULL) ||
	    !zap_bitmap_equal(&again, m))
		fail("'%s' -> '%s\\n' -> zap_mask_parse differs", q(buf, len),
		     printed);
	if (zap_sysfs_parse_mask(printed, n + 1, &again) ||
	    !zap_bitmap_equal(&again, m))
		fail("'%s' -> '%s\\n' -> zap_sysfs_parse_mask differs",
		     q(buf, len), printed);
}

/*
 * The hex digits of an accepted absolute write, lower-cased, must begin the
 * printed mask; the rest of it must be zeros.
 */
static void check_absolute_digits(const struct zap_bitmap *m, const char *buf,
				  size_t len)
{
	char printed[ZAP_MASK_STRLEN];
	size_t n = strnlen(buf, len), i = 0, digit = 2;

	zap_mask_print(m, printed);
	if (n >= 2 && buf[0] == '0' && buf[1] == 'x')
		i = 2;
	else if (n >= 1 && buf[0] == 'x')
		i = 1;
	for (; i < n && isxdigit((unsigned char)buf[i]); i++, digit++)
		if (digit >= ZAP_MASK_STRLEN - 1 ||
		    printed[digit] != tolower((unsigned char)buf[i]))
			fail("'%s' printed as '%s'", q(buf, len), printed);
	for (; digit < ZAP_MASK_STRLEN - 1; digit++)
		if (printed[digit] != '0')
			fail("'%s' printed as '%s': not zero-padded",
			     q(buf, len), printed);
}

/* Append @id to @out in the number form @style selects (P2 base 0). */
static size_t put_id(char *out, size_t pos, unsigned int id,
		     unsigned int style)
{
	char *p = out + pos;
	size_t room = REL_MAX - pos;
	int n;

	switch (style % 6) {
	case 1:
		n = snprintf(p, room, "0x%x", id);
		break;
	case 2:
		n = snprintf(p, room, "0X%X", id);
		break;
	case 3:
		n = snprintf(p, room, "0x%02x", id);
		break;
	case 4:
		n = snprintf(p, room, "0%o", id);
		break;
	default:
		n = snprintf(p, room, "%u", id);
		break;
	}
	return pos + (size_t)n;
}

/* Append a separator chosen by @style; none only before a '+'. */
static size_t put_sep(char *out, size_t pos, unsigned int style, char next)
{
	static const char *const seps[] = { ",", "\n", ",,\n,", "", ",\n" };
	const char *sep = seps[style % 5];

	if (!*sep && next != '+')
		sep = ",";
	return pos + (size_t)snprintf(out + pos, REL_MAX - pos, "%s", sep);
}

/* Append terms @sign for every id of @ids, single or as ranges. */
static size_t put_terms(char *out, size_t pos, char sign,
			const struct zap_bitmap *ids, unsigned int *style,
			bool *first)
{
	unsigned int id, last;

	zap_for_each_set_bit(id, ids) {
		last = id;
		if (*style & 0x100)
			while (last + 1 < ZAP_IDS &&
			       zap_bitmap_test(ids, last + 1))
				last++;
		if (!*first)
			pos = put_sep(out, pos, *style >> 3, sign);
		*first = false;
		out[pos++] = sign;
		pos = put_id(out, pos, id, *style);
		if (last != id) {
			out[pos++] = '-';
			pos = put_id(out, pos, last, *style >> 5);
		}
		id = last;
		*style = *style * 1103515245u + 12345u;
		*style = (*style & ~0x100u) | (*style >> 16 & 0x100u);
	}
	return pos;
}

/*
 * Write into @out (REL_MAX bytes) a relative list that turns @from into @to:
 * "+N" for the ids @to adds, "-M" for those it drops; optionally starting
 * with "-0-255" and adding all of @to. Returns its length.
 */
static size_t relative_edit(char *out, const struct zap_bitmap *from,
			    const struct zap_bitmap *to, unsigned int style)
{
	struct zap_bitmap add, drop;
	bool first = true;
	size_t pos = 0;

	zap_bitmap_andnot(&add, to, from);
	zap_bitmap_andnot(&drop, from, to);
	if (style & 0x200) {
		/* Clear everything, then set what @to holds. */
		zap_bitmap_zero(&drop);
		add = *to;
		pos = (size_t)snprintf(out, REL_MAX, "-0-255");
		first = false;
	}
	if (style & 0x400) {
		pos = put_terms(out, pos, '-', &drop, &style, &first);
		pos = put_terms(out, pos, '+', &add, &style, &first);
	} else {
		pos = put_terms(out, pos, '+', &add, &style, &first);
		pos = put_terms(out, pos, '-', &drop, &style, &first);
	}
	if (first) {
		/* No difference: a term that changes nothing. */
		if (zap_bitmap_empty(to))
			pos = (size_t)snprintf(out, REL_MAX, "-0");
		else
			pos = (size_t)snprintf(out, REL_MAX, "+%u",
					       zap_bitmap_find_first(to));
	}
	if (style & 0x800)
		out[pos++] = '\n';
	out[pos] = '\0';
	return pos;
}

/* A relative list from @from to @to must give @to, as absolute text does. */
static void check_relative_edit(const struct zap_bitmap *from,
				const struct zap_bitmap *to,
				unsigned int style, const char *buf, size_t len)
{
	static char rel[REL_MAX];
	struct zap_bitmap got;
	struct zap_error err;
	size_t n = relative_edit(rel, from, to, style);

	zap_error_clear(&err);
	if (zap_mask_parse(&got, from, rel, n, &err))
		fail("relative edit '%s' for '%s' refused: %s", q(rel, n),
		     q(buf, len), err.message);
	if (!zap_bitmap_equal(&got, to))
		fail("relative edit '%s' and absolute '%s' disagree", q(rel, n),
		     q(buf, len));
}

/* zap_mask_parse / zap_mask_parse_absolute and their differentials. */
static void check_masks(const struct zap_bitmap *cur, const char *buf,
			size_t len, unsigned int style)
{
	struct zap_bitmap m, mnull, mzero, mfull, abs, sentinel, zero, full,
		expect;
	struct zap_error err;
	bool relative = len && (buf[0] == '+' || buf[0] == '-');
	int rc, rca;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	zap_bitmap_zero(&zero);
	zap_bitmap_fill(&full);
	m = mnull = mzero = mfull = abs = sentinel;
	zap_error_clear(&err);
	rc = zap_mask_parse(&m, cur, buf, len, &err);
	if (rc != 0 && rc != -EINVAL)
		fail("zap_mask_parse('%s') = %d", q(buf, len), rc);
	if (rc) {
		check_error("zap_mask_parse", buf, len, rc, &err);
		if (!zap_bitmap_equal(&m, &sentinel))
			fail("zap_mask_parse('%s') changed dst on failure",
			     q(buf, len));
	}
	if (zap_mask_parse(&mnull, NULL, buf, len, NULL) != rc ||
	    zap_mask_parse(&mzero, &zero, buf, len, NULL) != rc ||
	    zap_mask_parse(&mfull, &full, buf, len, NULL) != rc)
		fail("zap_mask_parse('%s'): verdict depends on the current mask",
		     q(buf, len));
	zap_error_clear(&err);
	rca = zap_mask_parse_absolute(&abs, buf, len, &err);
	if (rca != 0 && rca != -EINVAL)
		fail("zap_mask_parse_absolute('%s') = %d", q(buf, len), rca);
	if (rca) {
		check_error("zap_mask_parse_absolute", buf, len, rca, &err);
		if (!zap_bitmap_equal(&abs, &sentinel))
			fail("zap_mask_parse_absolute('%s') changed dst",
			     q(buf, len));
	}
	if (!relative &&
	    (rca != rc || (rc == 0 && !zap_bitmap_equal(&abs, &m))))
		fail("'%s': zap_mask_parse and zap_mask_parse_absolute disagree",
		     q(buf, len));
	if (rc == 0) {
		if (!zap_bitmap_equal(&mnull, &mzero))
			fail("'%s': NULL and empty current mask differ",
			     q(buf, len));
		if (!zap_bitmap_subset(&mzero, &mfull))
			fail("'%s' from {} sets an id that it clears from full",
			     q(buf, len));
		zap_bitmap_and(&expect, cur, &mfull);
		zap_bitmap_or(&expect, &expect, &mzero);
		if (relative ? !zap_bitmap_equal(&m, &expect) :
		    !zap_bitmap_equal(&m, &mzero) ||
		    !zap_bitmap_equal(&m, &mfull))
			fail("'%s': result not explained by the terms",
			     q(buf, len));
		check_print_roundtrip(&m, cur, buf, len);
	}
	if (rca == 0) {
		check_absolute_digits(&abs, buf, len);
		check_print_roundtrip(&abs, cur, buf, len);
		check_relative_edit(cur, &abs, style, buf, len);
		check_relative_edit(&abs, cur, style ^ 0xfff, buf, len);
	}
	if (rc == 0 && relative)
		check_relative_edit(cur, &m, style >> 2, buf, len);
}

/*
 * Reference for P3 with glibc: one optional '+', then digits strtoul(base 0)
 * consumes entirely, then one optional "\n"; the kernel stops at a NUL.
 */
static int ref_ulong(const char *buf, size_t len, unsigned long *value)
{
	size_t n = strnlen(buf, len);
	char *text = malloc(n + 1), *s, *end;
	unsigned long v;
	int rc = 0;

	if (!text)
		abort();
	memcpy(text, buf, n);
	text[n] = '\0';
	if (n && text[n - 1] == '\n')
		text[n - 1] = '\0';
	s = text[0] == '+' ? text + 1 : text;
	if (!isdigit((unsigned char)*s)) {
		rc = -EINVAL;
	} else {
		errno = 0;
		v = strtoul(s, &end, 0);
		if (*end)
			rc = -EINVAL;
		else if (errno == ERANGE)
			rc = -ERANGE;
		else
			*value = v;
	}
	free(text);
	return rc;
}

/* zap_kernel_parse_ulong against the glibc reference. */
static void check_ulong(const char *buf, size_t len)
{
	unsigned long v = 0xdeadbeef, ref = 0;
	struct zap_error err;
	int rc, want;

	zap_error_clear(&err);
	rc = zap_kernel_parse_ulong(buf, len, &v, &err);
	want = ref_ulong(buf, len, &ref);
	if (rc != want)
		fail("zap_kernel_parse_ulong('%s') = %d, strtoul says %d",
		     q(buf, len), rc, want);
	if (rc) {
		check_error("zap_kernel_parse_ulong", buf, len, rc, &err);
		if (v != 0xdeadbeef)
			fail("zap_kernel_parse_ulong('%s') wrote on failure",
			     q(buf, len));
	} else if (v != ref) {
		fail("zap_kernel_parse_ulong('%s') = %lu, strtoul %lu",
		     q(buf, len), v, ref);
	}
}

/* libFuzzer entry point: 32 bytes of current mask, then the write. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zap_bitmap cur;
	size_t len = size > 32 ? size - 32 : 0;
	const char *buf = (const char *)data + (size > 32 ? 32 : size);
	unsigned int style = 2166136261u;

	for (size_t i = 0; i < size; i++)
		style = (style ^ data[i]) * 16777619u;
	mask_from_bytes(&cur, data, size);
	check_masks(&cur, buf, len, style);
	check_ulong(buf, len);
	return 0;
}
