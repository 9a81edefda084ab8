// SPDX-License-Identifier: MIT
/*
 * mdevctl_write.c - writing mdevctl definitions: a JSON printer in the
 * layout mdevctl writes (serde_json's pretty printer) and the rendering of
 * a definition, an existing one edited in place so that keys and attrs zap
 * does not know survive. Writing the file (atomically) is store.c's job.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

/* The only mdev type a definition in mdevctl.d/matrix may have. */
#define ZAP_MDEV_TYPE "vfio_ap-passthrough"

/* A growing text; @failed once an allocation failed. */
struct text_buf {
	char *buf;
	size_t len, size;
	bool failed;
};

/* Append @n bytes of @s to @tb. */
static void tb_put(struct text_buf *tb, const char *s, size_t n)
{
	char *bigger;
	size_t size;

	if (tb->failed)
		return;
	if (tb->len + n + 1 > tb->size) {
		size = tb->size ? tb->size : 1024;
		while (tb->len + n + 1 > size)
			size *= 2;
		bigger = realloc(tb->buf, size);
		if (!bigger) {
			tb->failed = true;
			return;
		}
		tb->buf = bigger;
		tb->size = size;
	}
	memcpy(tb->buf + tb->len, s, n);
	tb->len += n;
	tb->buf[tb->len] = '\0';
}

/* Append the C string @s to @tb. */
static void tb_puts(struct text_buf *tb, const char *s)
{
	tb_put(tb, s, strlen(s));
}

/* Start a new line indented by @indent spaces. */
static void tb_newline(struct text_buf *tb, int indent)
{
	tb_put(tb, "\n", 1);
	for (int i = 0; i < indent; i++)
		tb_put(tb, " ", 1);
}

/*
 * Append @s (@n bytes) as a JSON string escaped as serde_json escapes it:
 * '"' and '\\', the control characters \b \t \n \f \r by name, the other
 * ones below 0x20 as \u00xx (lower-case hex); everything else verbatim.
 */
static void tb_put_string(struct text_buf *tb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[7];

	tb_put(tb, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			tb_puts(tb, "\\\"");
			break;
		case '\\':
			tb_puts(tb, "\\\\");
			break;
		case '\b':
			tb_puts(tb, "\\b");
			break;
		case '\t':
			tb_puts(tb, "\\t");
			break;
		case '\n':
			tb_puts(tb, "\\n");
			break;
		case '\f':
			tb_puts(tb, "\\f");
			break;
		case '\r':
			tb_puts(tb, "\\r");
			break;
		default:
			if (c >= 0x20) {
				tb_put(tb, s + i, 1);
				break;
			}
			// NOLINTNEXTLINE(bugprone-not-null-terminated-result): esc goes out with its length (6), never as a string
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			tb_put(tb, esc, 6);
		}
	}
	tb_put(tb, "\"", 1);
}

/* Append "key": as serde_json's pretty printer does. */
static void tb_put_key(struct text_buf *tb, const char *key)
{
	tb_put_string(tb, key, strlen(key));
	tb_puts(tb, ": ");
}

/*
 * Append @v laid out as serde_json::to_string_pretty() lays it out (what
 * mdevctl writes): two spaces per level, one member or element per line,
 * "{}" and "[]" when empty. Numbers keep the text they were parsed from.
 */
static void tb_put_value(struct text_buf *tb, struct json_object *v,
			 int indent)
{
	size_t i, n;
	bool first = true;

	switch (json_object_get_type(v)) {
	case json_type_object:
		if (json_object_object_length(v) == 0) {
			tb_puts(tb, "{}");
			return;
		}
		tb_puts(tb, "{");
		json_object_object_foreach(v, key, val) {
			tb_puts(tb, first ? "" : ",");
			first = false;
			tb_newline(tb, indent + 2);
			tb_put_key(tb, key);
			tb_put_value(tb, val, indent + 2);
		}
		tb_newline(tb, indent);
		tb_puts(tb, "}");
		return;
	case json_type_array:
		n = json_object_array_length(v);
		if (n == 0) {
			tb_puts(tb, "[]");
			return;
		}
		tb_puts(tb, "[");
		for (i = 0; i < n; i++) {
			tb_puts(tb, i ? "," : "");
			tb_newline(tb, indent + 2);
			tb_put_value(tb, json_object_array_get_idx(v, i),
				     indent + 2);
		}
		tb_newline(tb, indent);
		tb_puts(tb, "]");
		return;
	case json_type_string:
		tb_put_string(tb, json_object_get_string(v),
			      (size_t)json_object_get_string_len(v));
		return;
	default:
		tb_puts(tb, json_object_to_json_string_ext(v,
						JSON_C_TO_STRING_PLAIN));
	}
}

/* Append one attr element {"key": "value"} at @indent. */
static void tb_put_attr(struct text_buf *tb, bool *first, int indent,
			const char *key, const char *value)
{
	tb_puts(tb, *first ? "" : ",");
	*first = false;
	tb_newline(tb, indent);
	tb_puts(tb, "{");
	tb_newline(tb, indent + 2);
	tb_put_key(tb, key);
	tb_put_string(tb, value, strlen(value));
	tb_newline(tb, indent);
	tb_puts(tb, "}");
}

/* Append one attr per id of @ids: @key with @format ("0x%02x"). */
static void tb_put_id_attrs(struct text_buf *tb, bool *first, int indent,
			    const char *key, const char *format,
			    const struct zap_bitmap *ids)
{
	char value[16];
	unsigned int id;

	zap_for_each_set_bit(id, ids) {
		snprintf(value, sizeof(value), format, id);
		tb_put_attr(tb, first, indent, key, value);
	}
}

/* Append the canonical assignment attrs: adapters, domains, control. */
static void tb_put_assignment(struct text_buf *tb, bool *first, int indent,
			      const struct zap_apqn_set *matrix,
			      const struct zap_bitmap *control)
{
	tb_put_id_attrs(tb, first, indent, "assign_adapter", "0x%02x",
			&matrix->adapters);
	tb_put_id_attrs(tb, first, indent, "assign_domain", "0x%04x",
			&matrix->domains);
	tb_put_id_attrs(tb, first, indent, "assign_control_domain", "0x%04x",
			control);
}

/* Is @key an attr that assigns (replaced by the canonical list)? */
static bool is_assignment_attr(const char *key)
{
	return strcmp(key, "assign_adapter") == 0 ||
	       strcmp(key, "assign_domain") == 0 ||
	       strcmp(key, "assign_control_domain") == 0 ||
	       strcmp(key, "ap_config") == 0;
}

/* The key of a one-key attr object. */
static const char *attr_key(struct json_object *attr)
{
	json_object_object_foreach(attr, key, val) {
		(void)val;
		return key;
	}
	return "";
}

/*
 * Append the attrs array: those of @old (NULL or null: none) in order, the
 * assignment attrs replaced by the canonical list at the place of the first
 * one, or the list at the end; @matrix NULL keeps @old as it is.
 */
static void tb_put_attrs(struct text_buf *tb, struct json_object *old,
			 const struct zap_apqn_set *matrix,
			 const struct zap_bitmap *control)
{
	size_t n = old ? json_object_array_length(old) : 0;
	bool first = true, placed = false;

	if (!matrix) {
		tb_put_value(tb, old, 2);
		return;
	}
	tb_puts(tb, "[");
	for (size_t i = 0; i < n; i++) {
		struct json_object *attr = json_object_array_get_idx(old, i);

		if (is_assignment_attr(attr_key(attr))) {
			if (!placed)
				tb_put_assignment(tb, &first, 4, matrix,
						  control);
			placed = true;
			continue;
		}
		tb_puts(tb, first ? "" : ",");
		first = false;
		tb_newline(tb, 4);
		tb_put_value(tb, attr, 4);
	}
	if (!placed)
		tb_put_assignment(tb, &first, 4, matrix, control);
	if (first) {
		tb_puts(tb, "]");
		return;
	}
	tb_newline(tb, 2);
	tb_puts(tb, "]");
}

/* Render an mdevctl definition, new or edited; see internal.h. */
int zap_definition_render(const char *old, size_t old_len, bool autostart,
			  const struct zap_apqn_set *matrix,
			  const struct zap_bitmap *control, char **text,
			  char *problem, size_t size)
{
	static const struct zap_apqn_set none_set;
	static const struct zap_bitmap none;
	const char *start = autostart ? "auto" : "manual";
	struct text_buf tb = { 0 };
	struct zap_definition def;
	struct json_object *root = NULL;
	bool first = true, has_attrs = false;

	*text = NULL;
	if (problem && size)
		problem[0] = '\0';
	if (matrix && !control)
		control = &none;
	if (old) {
		zap_definition_parse(&def, old, old_len);
		if (!def.valid) {
			if (problem && size)
				snprintf(problem, size, "%s", def.problem);
			return -EINVAL;
		}
		root = zap_json_parse_strict(old, old_len, def.problem,
				    sizeof(def.problem));
		if (!root)
			return -ENOMEM;
	}
	tb_puts(&tb, "{");
	if (!root) {
		tb_newline(&tb, 2);
		tb_put_key(&tb, "mdev_type");
		tb_put_string(&tb, ZAP_MDEV_TYPE, strlen(ZAP_MDEV_TYPE));
		tb_puts(&tb, ",");
		tb_newline(&tb, 2);
		tb_put_key(&tb, "start");
		tb_put_string(&tb, start, strlen(start));
		tb_puts(&tb, ",");
		tb_newline(&tb, 2);
		tb_put_key(&tb, "attrs");
		tb_put_attrs(&tb, NULL, matrix ? matrix : &none_set,
			     matrix ? control : &none);
	} else {
		json_object_object_foreach(root, key, val) {
			tb_puts(&tb, first ? "" : ",");
			first = false;
			tb_newline(&tb, 2);
			tb_put_key(&tb, key);
			if (strcmp(key, "start") == 0) {
				tb_put_string(&tb, start, strlen(start));
			} else if (strcmp(key, "attrs") == 0) {
				has_attrs = true;
				tb_put_attrs(&tb, val, matrix, control);
			} else {
				tb_put_value(&tb, val, 2);
			}
		}
		if (!has_attrs && matrix) {
			tb_puts(&tb, ",");
			tb_newline(&tb, 2);
			tb_put_key(&tb, "attrs");
			tb_put_attrs(&tb, NULL, matrix, control);
		}
	}
	tb_newline(&tb, 0);
	tb_puts(&tb, "}");
	json_object_put(root);
	if (tb.failed) {
		free(tb.buf);
		return -ENOMEM;
	}
	*text = tb.buf;
	return 0;
}

