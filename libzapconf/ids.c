// SPDX-License-Identifier: MIT
/*
 * ids.c - ids, id lists, APQNs and UUIDs as admins type them: decimal or
 * "0x" hex, "," lists and "-" ranges, no ambiguous leading zeros; APQNs in
 * the kernel's "AA.DDDD" hex; UUIDs checked by libuuid, printed lower case.
 * Every id zap prints is "0x" hex ("0x5,0x47-0x49"), so that whatever it
 * prints can be typed back and means the same id.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>

#include "internal.h"

/* Value of the hex digit @c. */
static int hex_digit(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
		tolower((unsigned char)c) - 'a' + 10;
}

/* Parse one id from @s..@end (not NUL-terminated) into @id. */
static int parse_one(const char *s, const char *end, unsigned int max,
		     const char *what, unsigned int *id, struct zap_error *err)
{
	char text[200];
	unsigned long v = 0;
	bool hex = false;
	const char *p = s;
	size_t len = (size_t)(end - s);

	zap_quote(s, len, text, sizeof(text));
	if (len == 0)
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "empty %s id", what);
	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		hex = true;
		p += 2;
	} else if (len > 1 && p[0] == '0' && isdigit((unsigned char)p[1])) {
		unsigned long as_hex = 0;

		for (; p < end && isxdigit((unsigned char)*p) && as_hex < 0x10000; p++)
			as_hex = as_hex * 16 + (unsigned int)hex_digit(*p);
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "ambiguous %s id '%s': leading zero (write %lu or 0x%lx)",
				     what, text, as_hex, as_hex);
	}
	if (p == end)
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "invalid %s id '%s'", what, text);
	for (; p < end; p++) {
		int d;

		if (hex && isxdigit((unsigned char)*p))
			d = hex_digit(*p);
		else if (!hex && isdigit((unsigned char)*p))
			d = *p - '0';
		else
			return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
					     "invalid %s id '%s'", what, text);
		/* saturate: past ULONG_MAX only "above max" matters */
		if (v > (ULONG_MAX - (unsigned int)d) / (hex ? 16 : 10))
			v = ULONG_MAX;
		else
			v = v * (hex ? 16 : 10) + (unsigned int)d;
	}
	if (v > max)
		return zap_error_set(err, ERANGE, ZAP_STATUS_NOT_FOUND,
				     "%s id '%s' is above the maximum 0x%x",
				     what, text, max);
	*id = (unsigned int)v;
	return 0;
}

/* One id typed by an admin: "71" or "0x47"; "047" is ambiguous. */
ZAP_EXPORT int zap_id_parse(const char *text, unsigned int max,
			    const char *what, unsigned int *id,
			    struct zap_error *err)
{
	return parse_one(text, text + strlen(text), max, what, id, err);
}

/* A list "0-3,5,0x47" into @dst. */
ZAP_EXPORT int zap_ids_parse(struct zap_bitmap *dst, const char *text,
			     unsigned int max, const char *what,
			     struct zap_error *err)
{
	struct zap_bitmap ids;
	const char *s = text, *comma, *dash, *end;
	unsigned int first, last;
	char quoted[200];
	int rc;

	zap_bitmap_zero(&ids);
	if (!*text)
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "empty %s list", what);
	for (;;) {
		comma = strchr(s, ',');
		end = comma ? comma : s + strlen(s);
		dash = memchr(s, '-', (size_t)(end - s));
		rc = parse_one(s, dash ? dash : end, max, what, &first, err);
		if (rc)
			return rc;
		// NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign): parse_one() sets first when it returns 0
		last = first;
		if (dash) {
			rc = parse_one(dash + 1, end, max, what, &last, err);
			if (rc)
				return rc;
			if (last < first)
				return zap_error_set(err, EINVAL,
						     ZAP_STATUS_USAGE,
						     "invalid %s range '%s': end below start",
						     what,
						     zap_quote(s, (size_t)(end - s),
							       quoted,
							       sizeof(quoted)));
		}
		zap_bitmap_set_range(&ids, first, last);
		if (!comma)
			break;
		s = comma + 1;
	}
	*dst = ids;
	return 0;
}

/* Print @src as "0x0-0x3,0x5,0x47"; returns the length the text needs. */
ZAP_EXPORT int zap_ids_print(const struct zap_bitmap *src, char *buf,
			     size_t size)
{
	unsigned int id, last;
	size_t used = 0;
	int n;

	if (size)
		buf[0] = '\0';
	zap_for_each_set_bit(id, src) {
		last = id;
		while (last + 1 < ZAP_IDS && zap_bitmap_test(src, last + 1))
			last++;
		if (last >= id + 2)
			n = snprintf(buf + (used < size ? used : size),
				     used < size ? size - used : 0, "%s0x%x-0x%x",
				     used ? "," : "", id, last);
		else
			n = snprintf(buf + (used < size ? used : size),
				     used < size ? size - used : 0, "%s0x%x",
				     used ? "," : "", id);
		used += (size_t)n;
		if (last >= id + 2)
			id = last;
	}
	return (int)used;
}

/* "AA.DDDD" (hex, either case) into adapter and domain. */
ZAP_EXPORT int zap_apqn_parse(const char *text, unsigned int *adapter,
			      unsigned int *domain, struct zap_error *err)
{
	unsigned int a = 0, d = 0;
	char quoted[200];
	size_t len = strlen(text);

	zap_quote(text, len, quoted, sizeof(quoted));
	if (len != 7 || text[2] != '.')
		goto invalid;
	for (int i = 0; i < 7; i++) {
		if (i == 2)
			continue;
		if (!isxdigit((unsigned char)text[i]))
			goto invalid;
		unsigned int v = (unsigned int)hex_digit(text[i]);
		if (i < 2)
			a = a * 16 + v;
		else
			d = d * 16 + v;
	}
	if (d > ZAP_MAX_ID)
		return zap_error_set(err, ERANGE, ZAP_STATUS_NOT_FOUND,
				     "APQN '%s': domain 0x%x is above 0xff",
				     quoted, d);
	*adapter = a;
	*domain = d;
	return 0;
invalid:
	return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
			     "invalid APQN '%s': write it as AA.DDDD in hex, e.g. 05.0047",
			     quoted);
}

/* "%02x.%04x" as the kernel names queue devices. */
ZAP_EXPORT void zap_apqn_print(unsigned int adapter, unsigned int domain,
			       char *buf)
{
	snprintf(buf, ZAP_APQN_STRLEN, "%02x.%04x", adapter & 0xff,
		 domain & 0xffff);
}

/* A canonical UUID into its lower-case form. */
ZAP_EXPORT int zap_uuid_parse(const char *text, char *buf,
			      struct zap_error *err)
{
	char quoted[200];
	uuid_t uu;

	if (strlen(text) != ZAP_UUID_STRLEN - 1 || uuid_parse(text, uu) != 0)
		return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
				     "invalid UUID '%s'",
				     zap_quote(text, strlen(text), quoted,
					       sizeof(quoted)));
	uuid_unparse_lower(uu, buf);
	return 0;
}

/* A random UUID, lower case. */
ZAP_EXPORT void zap_uuid_generate(char *buf)
{
	uuid_t uu;

	uuid_generate_random(uu);
	uuid_unparse_lower(uu, buf);
}
