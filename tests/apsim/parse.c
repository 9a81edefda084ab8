// SPDX-License-Identifier: MIT
/*
 * parse.c - apsim's copies of the kernel's sysfs parsing primitives P1-P5
 * (spec sysfs-ap.md 0.3) and of the mdev core's UUID check. Every parser
 * takes a NUL-terminated copy of one write() and returns 0 or -errno.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "apsim.h"

/* Value of a hex digit (the caller has checked isxdigit). */
static int hex_value(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* Whether c is a digit of base. */
static bool is_base_digit(char c, int base)
{
	if (base == 16)
		return isxdigit((unsigned char)c);
	return c >= '0' && c < '0' + base;
}

/*
 * Parse an unsigned number with C base detection like the kernel's
 * _parse_integer_fixup_radix + _parse_integer: "0x"/"0X" followed by a hex
 * digit is hex, a leading 0 octal, else decimal. Returns the number of
 * characters used (0 = no digits); *overflow tells a value above 64 bits.
 */
static size_t parse_base0(const char *s, unsigned long long *val, bool *overflow)
{
	const char *p = s;
	int base = 10;

	if (p[0] == '0') {
		base = 8;
		if (tolower((unsigned char)p[1]) == 'x' && isxdigit((unsigned char)p[2])) {
			base = 16;
			p += 2;
		}
	}
	*val = 0;
	*overflow = false;
	if (!is_base_digit(*p, base))
		return 0;
	for (; is_base_digit(*p, base); p++) {
		unsigned int digit = hex_value(*p);

		if (*val > (ULLONG_MAX - digit) / base)
			*overflow = true;
		*val = *val * base + digit;
	}
	return p - s;
}

/* P1: absolute hex mask (kernel hex2bitmap) into a zeroed set. */
int parse_mask(const char *s, struct machine_set *set)
{
	int i = 0, n;

	memset(set, 0, sizeof(*set));
	if (s[0] == '0' && s[1] == 'x')
		s++;
	if (*s == 'x')
		s++;
	for (; isxdigit((unsigned char)*s) && i < MACHINE_IDS; s++, i += 4)
		for (n = 0; n < 4; n++)
			set->bit[i + n] = !!(hex_value(*s) & (8 >> n));
	if (*s == '\n')
		s++;
	return *s ? -EINVAL : 0;
}

/* P2: relative bit list (kernel modify_bitmap) applied to set in place. */
static int parse_bit_list(const char *s, struct machine_set *set)
{
	unsigned long long first, last;
	bool overflow;
	size_t used;
	char sign;

	while (*s) {
		sign = *s++;
		if (sign != '+' && sign != '-')
			return -EINVAL;
		used = parse_base0(s, &first, &overflow);
		if (!used || overflow || first >= MACHINE_IDS)
			return -EINVAL;
		s += used;
		last = first;
		if (*s == '-') {
			used = parse_base0(++s, &last, &overflow);
			if (!used || overflow || first > last || last >= MACHINE_IDS)
				return -EINVAL;
			s += used;
		}
		for (; first <= last; first++)
			set->bit[first] = sign == '+';
		while (*s == ',' || *s == '\n')
			s++;
	}
	return 0;
}

/* P1 or P2 as apmask/aqmask do: new value from cur and s, -EINVAL if bad. */
int parse_mask_edit(const char *s, const struct machine_set *cur,
		    struct machine_set *out)
{
	if (*s == '+' || *s == '-') {
		*out = *cur;
		return parse_bit_list(s, out);
	}
	return parse_mask(s, out);
}

/* P3: kstrtoul(s, 0): -EINVAL if unparsable, -ERANGE above 64 bits. */
int parse_ul(const char *s, unsigned long long *val)
{
	bool overflow;
	size_t used;

	if (*s == '+')
		s++;
	used = parse_base0(s, val, &overflow);
	if (overflow)
		return -ERANGE;
	if (!used)
		return -EINVAL;
	s += used;
	if (*s == '\n')
		s++;
	return *s ? -EINVAL : 0;
}

/*
 * P4: the kernel's sscanf "%d" (base 10) or "%i" (base 0): leading white
 * space skipped, an optional '-', at least one decimal digit, and whatever
 * follows ignored. -EINVAL when no number is there.
 */
int parse_scanf_int(const char *s, bool base0, long long *val)
{
	unsigned long long v = 0;
	bool negative = false, overflow;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-') {
		negative = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	if (base0)
		parse_base0(s, &v, &overflow);
	else
		for (; isdigit((unsigned char)*s) && v < LLONG_MAX / 10; s++)
			v = v * 10 + (*s - '0');
	if (v > LLONG_MAX)
		v = LLONG_MAX;
	*val = negative ? -(long long)v : (long long)v;
	return 0;
}

/* P5: kstrtobool, looking at the first one or two characters only. */
int parse_bool(const char *s, bool *val)
{
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*val = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*val = false;
		return 0;
	case 'o': case 'O':
		if (tolower((unsigned char)s[1]) == 'n' || tolower((unsigned char)s[1]) == 'f') {
			*val = tolower((unsigned char)s[1]) == 'n';
			return 0;
		}
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/* An AP device name, "cardAA" (d = -1) or "AA.DDDD", exactly as printed. */
int parse_ap_name(const char *s, int *a, int *d)
{
	unsigned int x = 0, y = 0;
	char back[16] = "";

	*d = -1;
	if (sscanf(s, "card%2x", &x) == 1) {
		snprintf(back, sizeof(back), "card%02x", x);
	} else if (sscanf(s, "%2x.%4x", &x, &y) == 2 && y < MACHINE_IDS) {
		snprintf(back, sizeof(back), "%02x.%04x", x, y);
		*d = (int)y;
	}
	*a = (int)x;
	return strcmp(back, s) ? -EINVAL : 0;
}

/* The kernel's uuid_is_valid + lower-casing: out gets the canonical name. */
int parse_uuid(const char *s, char out[37])
{
	int i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
		} else if (!isxdigit((unsigned char)s[i])) {
			return -EINVAL;
		}
		out[i] = tolower((unsigned char)s[i]);
	}
	out[36] = '\0';
	return 0;
}
