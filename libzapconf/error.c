// SPDX-License-Identifier: MIT
/*
 * error.c - how libzapconf reports a failure: an errno, an exit status and
 * one line naming the culprit, in a caller's struct zap_error. Never printed.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The library's version string. */
ZAP_EXPORT const char *zap_version(void)
{
	return ZAP_VERSION;
}

/* Reset @err to "no error". */
ZAP_EXPORT void zap_error_clear(struct zap_error *err)
{
	if (!err)
		return;
	err->errnum = 0;
	err->status = ZAP_STATUS_OK;
	err->message[0] = '\0';
}

/* Fill @err with an errno, a status and a formatted one-line message. */
int zap_error_set(struct zap_error *err, int errnum, enum zap_status status,
		  const char *fmt, ...)
{
	va_list ap;
	char *nl;

	if (err) {
		err->errnum = errnum;
		err->status = status;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
		while ((nl = strchr(err->message, '\n')))
			*nl = ' ';
	}
	return -errnum;
}

/* Make untrusted bytes printable: \n, \r, \t and \xNN escapes, cut at 40. */
const char *zap_quote(const char *buf, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (i == 40) {
			o += (size_t)snprintf(out + o, size - o, "...");
			break;
		}
		if (c == '\n')
			o += (size_t)snprintf(out + o, size - o, "\\n");
		else if (c == '\r')
			o += (size_t)snprintf(out + o, size - o, "\\r");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, size - o, "\\t");
		else if (!isprint(c))
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o < size ? o : size - 1] = '\0';
	return out;
}
