// SPDX-License-Identifier: MIT
/*
 * escape.c - the one escaping of untrusted text for a terminal: every byte
 * that is not printable ASCII becomes "\xNN", as libsmartcols encodes the
 * cells of lszap's tables, so that no escape sequence from a file (a
 * journal's change text, a process name, a path) reaches the screen, and
 * both tools show the same text the same way.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Is @c shown as itself (printable ASCII, space included)? */
static bool byte_printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * zap_escape - write @src into @dst (@size bytes, NUL-terminated) with each
 * byte outside printable ASCII as "\xNN"; an escape is never cut in half.
 * Returns: @dst.
 */
ZAP_EXPORT char *zap_escape(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	if (!size)
		return dst;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;

		if (byte_printable(c)) {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)c;
			continue;
		}
		if (o + 4 >= size)
			break;
		snprintf(dst + o, size - o, "\\x%02x", c);
		o += 4;
	}
	dst[o] = '\0';
	return dst;
}
