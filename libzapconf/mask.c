// SPDX-License-Identifier: MIT
/*
 * mask.c - the kernel's text forms of AP masks and numbers, parsed exactly as
 * the kernel parses them (sysfs-ap.md 0.3: P1 absolute masks, P2 relative
 * bit lists, P3 kstrtoul base 0) so that the library can predict what any
 * write does, and printed as the kernel prints them.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The kernel sees a write as a C string: it ends at the first NUL byte. */
static size_t kernel_length(const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len);

	return nul ? (size_t)(nul - buf) : len;
}

/* Value of a hex digit, -1 for anything else. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Refuse @buf as the kernel would, with EINVAL and the text quoted. */
static int refuse(struct zap_error *err, const char *buf, size_t len,
		  const char *why)
{
	char quoted[200];

	return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
			     "invalid mask '%s': %s",
			     zap_quote(buf, len, quoted, sizeof(quoted)), why);
}

/* P1: "0x" or "x", up to 64 hex digits, one optional "\n". */
ZAP_EXPORT int zap_mask_parse_absolute(struct zap_bitmap *dst, const char *buf,
				       size_t len, struct zap_error *err)
{
	struct zap_bitmap mask;
	size_t n = kernel_length(buf, len), i = 0;
	unsigned int digits = 0;
	int v;

	if (n == 0)
		return refuse(err, buf, len, "empty");
	if (n >= 2 && buf[0] == '0' && buf[1] == 'x')
		i = 1;
	if (i < n && buf[i] == 'x')
		i++;
	zap_bitmap_zero(&mask);
	for (; i < n && digits < 64 && (v = hex_value(buf[i])) >= 0; i++) {
		mask.word[digits / 16] |= (uint64_t)v << (60 - 4 * (digits % 16));
		digits++;
	}
	if (i < n && hex_value(buf[i]) >= 0)
		return refuse(err, buf, len, "more than 64 hex digits");
	if (i < n && buf[i] == '\n')
		i++;
	if (i < n)
		return refuse(err, buf, len,
			      "unexpected character after the hex digits");
	*dst = mask;
	return 0;
}

/*
 * The kernel's simple_strtoul(s, &end, 0): "0x" + hex digit = hex, leading
 * 0 = octal, else decimal; no sign, no blanks; overflow wraps silently.
 */
static uint64_t kernel_strtoul(const char *s, const char *end,
			       const char **stop)
{
	unsigned int base = 10;
	uint64_t value = 0;
	int v;

	if (s < end && s[0] == '0') {
		if (end - s > 2 && tolower((unsigned char)s[1]) == 'x' &&
		    hex_value(s[2]) >= 0) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	}
	for (; s < end && (v = hex_value(*s)) >= 0 && (unsigned int)v < base;
	     s++)
		value = value * base + (unsigned int)v;
	*stop = s;
	return value;
}

/* P2: terms "+N", "-N", "+N-M", separated by optional runs of ',' '\n'. */
static int parse_relative(struct zap_bitmap *mask, const char *buf,
			  size_t len, struct zap_error *err)
{
	size_t n = kernel_length(buf, len);
	const char *s = buf, *end = buf + n, *stop;
	uint64_t first, last;
	char sign;

	while (s < end) {
		sign = *s++;
		if (sign != '+' && sign != '-')
			return refuse(err, buf, len,
				      "'+' or '-' expected before each id");
		first = last = kernel_strtoul(s, end, &stop);
		if (stop == s)
			return refuse(err, buf, len, "number expected after sign");
		if (first >= ZAP_IDS)
			return refuse(err, buf, len, "id above 255");
		s = stop;
		if (s < end && *s == '-') {
			s++;
			last = kernel_strtoul(s, end, &stop);
			if (stop == s || first > last || last >= ZAP_IDS)
				return refuse(err, buf, len, "invalid range");
			s = stop;
		}
		for (uint64_t id = first; id <= last; id++) {
			if (sign == '+')
				zap_bitmap_set(mask, (unsigned int)id);
			else
				zap_bitmap_clear(mask, (unsigned int)id);
		}
		while (s < end && (*s == ',' || *s == '\n'))
			s++;
	}
	return 0;
}

/* What a write of @buf to apmask/aqmask makes of @current (P1 or P2). */
ZAP_EXPORT int zap_mask_parse(struct zap_bitmap *dst,
			      const struct zap_bitmap *current,
			      const char *buf, size_t len,
			      struct zap_error *err)
{
	struct zap_bitmap mask;
	int rc;

	if (len == 0 || (buf[0] != '+' && buf[0] != '-'))
		return zap_mask_parse_absolute(dst, buf, len, err);
	if (current)
		mask = *current;
	else
		zap_bitmap_zero(&mask);
	rc = parse_relative(&mask, buf, len, err);
	if (rc == 0)
		*dst = mask;
	return rc;
}

/* "0x" + 64 lower-case hex digits, as the kernel prints a mask. */
ZAP_EXPORT void zap_mask_print(const struct zap_bitmap *src, char *buf)
{
	snprintf(buf, ZAP_MASK_STRLEN, "0x%016" PRIx64 "%016" PRIx64
		 "%016" PRIx64 "%016" PRIx64, src->word[0], src->word[1],
		 src->word[2], src->word[3]);
}

/* P3, the kernel's kstrtoul(buf, 0): '+'?, 0x hex, 0 octal, decimal, "\n"?. */
ZAP_EXPORT int zap_kernel_parse_ulong(const char *buf, size_t len,
				      unsigned long *value,
				      struct zap_error *err)
{
	size_t n = kernel_length(buf, len);
	const char *s = buf, *end = buf + n;
	unsigned int base = 10;
	unsigned long v = 0;
	bool overflow = false, any = false;
	char quoted[200];
	int d;

	if (s < end && *s == '+')
		s++;
	if (s < end && *s == '0') {
		if (end - s > 2 && tolower((unsigned char)s[1]) == 'x' &&
		    hex_value(s[2]) >= 0) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	}
	for (; s < end && (d = hex_value(*s)) >= 0 && (unsigned int)d < base;
	     s++) {
		if (v > (ULONG_MAX - (unsigned int)d) / base)
			overflow = true;
		v = v * base + (unsigned int)d;
		any = true;
	}
	if (s < end && *s == '\n')
		s++;
	if (!any || s != end)
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "invalid number '%s'",
				     zap_quote(buf, len, quoted, sizeof(quoted)));
	if (overflow)
		return zap_error_set(err, ERANGE, ZAP_STATUS_USAGE,
				     "number '%s' out of range",
				     zap_quote(buf, len, quoted, sizeof(quoted)));
	*value = v;
	return 0;
}
