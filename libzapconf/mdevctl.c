// SPDX-License-Identifier: MIT
/*
 * mdevctl.c - reading mdevctl definitions (etc/mdevctl.d/matrix/UUID,
 * interop.md 3) as mdevctl starts them and ap-check checks them. Their
 * writer is mdevctl_write.c; chzdev's 41-ap.rules is chzdev.c.
 *
 * Every value is judged by what the kernel would make of it: numbers with
 * zap_kernel_parse_ulong() (kstrtoul base 0), masks with
 * zap_mask_parse_absolute() (P1). A definition mdevctl could not start is
 * kept, marked invalid, with a one-line problem naming the attr and value.
 *
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "internal.h"

/* The kernel reads at most this many bytes of an ap_config write. */
#define ZAP_AP_CONFIG_MAX 201
/* The only mdev type a definition in mdevctl.d/matrix may have. */
#define ZAP_MDEV_TYPE "vfio_ap-passthrough"

/* What a definition's attrs assign, collected in array order. */
struct attr_matrix {
	struct zap_bitmap adapters, domains, control_domains;
};

/* Mark @def unusable; the reason replaces a warning noted before. */
static void ZAP_PRINTF(2, 3) def_refuse(struct zap_definition *def,
					 const char *fmt, ...)
{
	va_list ap;

	def->valid = false;
	va_start(ap, fmt);
	vsnprintf(def->problem, sizeof(def->problem), fmt, ap);
	va_end(ap);
}

/* Note a flaw that keeps @def usable, unless a problem is already noted. */
static void ZAP_PRINTF(2, 3) def_warn(struct zap_definition *def,
				       const char *fmt, ...)
{
	va_list ap;

	if (!def->valid || def->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(def->problem, sizeof(def->problem), fmt, ap);
	va_end(ap);
}

/* Does the kernel read @s (already accepted by kstrtoul) as octal? */
static bool reads_as_octal(const char *s, size_t n)
{
	if (n && *s == '+') {
		s++;
		n--;
	}
	return n >= 2 && s[0] == '0' && s[1] >= '0' && s[1] <= '7';
}

/* Add one id, as the kernel reads @s, to @dst; false if it cannot. */
static bool add_id(struct zap_definition *def, const char *attr,
		   const char *s, size_t n, struct zap_bitmap *dst)
{
	unsigned long value;
	char q[200];
	int rc;

	rc = zap_kernel_parse_ulong(s, n, &value, NULL);
	if (rc == -EINVAL) {
		def_refuse(def, "%s value '%s' is not a number the kernel accepts",
			   attr, zap_quote(s, n, q, sizeof(q)));
		return false;
	}
	if (rc || value > ZAP_MAX_ID) {
		def_refuse(def, "%s value '%s' is above %u", attr,
			   zap_quote(s, n, q, sizeof(q)), ZAP_MAX_ID);
		return false;
	}
	if (reads_as_octal(s, n))
		def_warn(def, "%s value '%s' reads as octal %lu", attr,
			 zap_quote(s, n, q, sizeof(q)), value);
	zap_bitmap_set(dst, (unsigned int)value);
	return true;
}

/*
 * assign_*: one id. ap-check reads a comma list as several ids, but mdevctl
 * writes the value to the sysfs attribute as it is, where kstrtoul refuses
 * it: mdevctl start fails with EINVAL.
 */
static bool add_id_list(struct zap_definition *def, const char *attr,
			const char *value, size_t len, struct zap_bitmap *dst)
{
	char q[200];

	if (memchr(value, ',', len)) {
		def_refuse(def, "%s value '%s' is a list: the kernel takes one id per attribute (mdevctl start fails with EINVAL)",
			   attr, zap_quote(value, len, q, sizeof(q)));
		return false;
	}
	return add_id(def, attr, value, len, dst);
}

/* The next ap_config field, split at ',' or '\n' as the kernel's strsep. */
static bool next_field(const char **rest, const char *end, const char **field,
		       size_t *n)
{
	const char *p;

	if (!*rest)
		return false;
	for (p = *rest; p < end && *p != ',' && *p != '\n'; p++)
		;
	*field = *rest;
	*n = (size_t)(p - *rest);
	*rest = p < end ? p + 1 : NULL;
	return true;
}

/* ap_config "A,B,C": three P1 masks that replace everything before them. */
static bool set_ap_config(struct zap_definition *def, const char *value,
			  size_t len, struct attr_matrix *m)
{
	static const char *const names[3] = {
		"adapter", "usage domain", "control domain"
	};
	struct zap_bitmap masks[3];
	const char *nul = memchr(value, '\0', len);
	const char *rest = value, *end, *field;
	char q[200];
	size_t n;
	int i;

	/* The kernel sees a C string and copies at most 201 bytes of it. */
	if (nul)
		len = (size_t)(nul - value);
	if (len > ZAP_AP_CONFIG_MAX)
		len = ZAP_AP_CONFIG_MAX;
	end = value + len;
	for (i = 0; i < 3; i++) {
		if (!next_field(&rest, end, &field, &n)) {
			def_refuse(def, "ap_config value '%s' does not hold three masks",
				   zap_quote(value, len, q, sizeof(q)));
			return false;
		}
		if (n == 0) {
			zap_bitmap_zero(&masks[i]);
		} else if (zap_mask_parse_absolute(&masks[i], field, n, NULL)) {
			def_refuse(def, "ap_config value '%s': invalid %s mask",
				   zap_quote(value, len, q, sizeof(q)),
				   names[i]);
			return false;
		}
	}
	m->adapters = masks[0];
	m->domains = masks[1];
	m->control_domains = masks[2];
	return true;
}

/* Apply one attr (key and JSON value) to @m, in mdevctl's order. */
static bool apply_attr(struct zap_definition *def, const char *key,
		       struct json_object *val, struct attr_matrix *m)
{
	const char *text;
	char q[200], qv[200];
	size_t len;

	if (!json_object_is_type(val, json_type_string)) {
		text = json_object_to_json_string_ext(val,
						      JSON_C_TO_STRING_PLAIN);
		def_refuse(def, "%s value %s is not a JSON string",
			   zap_quote(key, strlen(key), q, sizeof(q)),
			   zap_quote(text, strlen(text), qv, sizeof(qv)));
		return false;
	}
	text = json_object_get_string(val);
	len = (size_t)json_object_get_string_len(val);
	if (strcmp(key, "assign_adapter") == 0)
		return add_id_list(def, key, text, len, &m->adapters);
	if (strcmp(key, "assign_domain") == 0)
		return add_id_list(def, key, text, len, &m->domains);
	if (strcmp(key, "assign_control_domain") == 0)
		return add_id_list(def, key, text, len, &m->control_domains);
	if (strcmp(key, "ap_config") == 0)
		return set_ap_config(def, text, len, m);
	return true;
}

/* Apply the "attrs" array (absent or null: none) to @m. */
static bool apply_attrs(struct zap_definition *def, struct json_object *root,
			struct attr_matrix *m)
{
	struct json_object *attrs, *attr;
	size_t i, n;
	int keys;

	if (!json_object_object_get_ex(root, "attrs", &attrs) || !attrs)
		return true;
	if (!json_object_is_type(attrs, json_type_array)) {
		def_refuse(def, "attrs is not an array");
		return false;
	}
	n = json_object_array_length(attrs);
	for (i = 0; i < n; i++) {
		attr = json_object_array_get_idx(attrs, i);
		if (!json_object_is_type(attr, json_type_object)) {
			def_refuse(def, "attrs[%zu] is not an object", i);
			return false;
		}
		keys = json_object_object_length(attr);
		if (keys != 1) {
			def_refuse(def, "attrs[%zu] has %d keys, mdevctl wants one",
				   i, keys);
			return false;
		}
		json_object_object_foreach(attr, key, val) {
			if (!apply_attr(def, key, val, m))
				return false;
		}
	}
	return true;
}

/* The string member @name of @root, NULL (problem set) if unusable. */
static const char *get_string_member(struct zap_definition *def,
				     struct json_object *root,
				     const char *name)
{
	struct json_object *obj;

	if (!json_object_object_get_ex(root, name, &obj) || !obj) {
		def_refuse(def, "%s missing", name);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_string)) {
		def_refuse(def, "%s is not a JSON string", name);
		return NULL;
	}
	return json_object_get_string(obj);
}

/* Check mdev_type and start and apply the attrs of a parsed definition. */
static void read_definition(struct zap_definition *def,
			    struct json_object *root)
{
	struct attr_matrix m;
	const char *type, *start;
	char q[200];

	if (!json_object_is_type(root, json_type_object)) {
		def_refuse(def, "not a JSON object");
		return;
	}
	type = get_string_member(def, root, "mdev_type");
	if (!type)
		return;
	if (strcmp(type, ZAP_MDEV_TYPE) != 0) {
		def_refuse(def, "mdev_type '%s' is not " ZAP_MDEV_TYPE,
			   zap_quote(type, strlen(type), q, sizeof(q)));
		return;
	}
	start = get_string_member(def, root, "start");
	if (!start)
		return;
	if (strcmp(start, "auto") != 0 && strcmp(start, "manual") != 0) {
		def_refuse(def, "start '%s' is not auto or manual",
			   zap_quote(start, strlen(start), q, sizeof(q)));
		return;
	}
	memset(&m, 0, sizeof(m));
	if (!apply_attrs(def, root, &m))
		return;
	def->autostart = strcmp(start, "auto") == 0;
	def->matrix.adapters = m.adapters;
	def->matrix.domains = m.domains;
	def->control_domains = m.control_domains;
}

/* Forget what @def would assign (an invalid definition starts nothing). */
static void clear_assignment(struct zap_definition *def)
{
	def->autostart = false;
	zap_bitmap_zero(&def->matrix.adapters);
	zap_bitmap_zero(&def->matrix.domains);
	zap_bitmap_zero(&def->control_domains);
}

/*
 * Parse @text strictly, as mdevctl's serde_json does: no comments, no
 * trailing commas, valid UTF-8, nothing after the value. Returns: the root
 * (caller puts it); NULL with @why filled when unusable, a JSON null
 * included ("not a JSON object").
 */
struct json_object *zap_json_parse_strict(const char *text, size_t len,
					  char *why, size_t size)
{
	struct json_object *root;
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	if (len > ZAP_CONFIG_FILE_MAX) {
		snprintf(why, size, "larger than 1 MiB (%zu bytes)", len);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		snprintf(why, size, "%s", strerror(ENOMEM));
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!root && jerr == json_tokener_continue) {
		/* End of input: a terminating NUL ends a number or fails. */
		root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (jerr != json_tokener_success) {
		snprintf(why, size, "invalid JSON at byte %zu: %s", end,
			 json_tokener_error_desc(jerr));
		json_object_put(root);
		root = NULL;
	} else if (end < len) {
		snprintf(why, size, "invalid JSON at byte %zu: %s", end,
			 text[end] ? "trailing data" : "NUL byte");
		json_object_put(root);
		root = NULL;
	} else if (!root) {
		snprintf(why, size, "not a JSON object");
	}
	json_tokener_free(tok);
	return root;
}

/* Parse an mdevctl definition; see internal.h. */
void zap_definition_parse(struct zap_definition *def,
				     const char *text, size_t len)
{
	struct json_object *root;
	char why[sizeof(def->problem)];

	def->valid = true;
	def->problem[0] = '\0';
	clear_assignment(def);
	root = zap_json_parse_strict(text, len, why, sizeof(why));
	if (!root)
		def_refuse(def, "%s", why);
	else
		read_definition(def, root);
	if (!def->valid)
		clear_assignment(def);
	json_object_put(root);
}

/*
 * Fill @def from the directory entry @name (a UUID, canonicalised in @uuid).
 * Returns: 1 (filled); 0 (not a regular file, or vanished); -ENOMEM.
 */
static int load_definition(struct zap_definition *def, const char *dir,
			   int dirfd, const char *name, const char *uuid)
{
	struct stat st;
	size_t len;
	char *text;
	int rc;

	memset(def, 0, sizeof(*def));
	snprintf(def->uuid, sizeof(def->uuid), "%s", uuid);
	if (snprintf(def->path, sizeof(def->path), "%s/%s", dir, name) >=
	    (int)sizeof(def->path)) {
		def_refuse(def, "path longer than %zu bytes",
			   sizeof(def->path) - 1);
		return 1;
	}
	/* Follow symlinks, as mdevctl does; skip what is not a file. */
	if (fstatat(dirfd, name, &st, 0) < 0) {
		if (errno == ENOENT)
			return 0;
		def_refuse(def, "cannot read: %s", strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	rc = zap_store_read_at(dirfd, name, &text, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc == -ENOMEM)
		return rc;
	if (rc == -EFBIG) {
		def_refuse(def, "file larger than 1 MiB");
		return 1;
	}
	if (rc) {
		def_refuse(def, "cannot read: %s", strerror(-rc));
		return 1;
	}
	// NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): rc 0 means text is set (analyzer takes errno 0 after a failed openat)
	zap_definition_parse(def, text, len);
	free(text);
	return 1;
}

/* qsort order of definitions: by UUID, then by path. */
static int compare_definitions(const void *a, const void *b)
{
	const struct zap_definition *x = a, *y = b;
	int rc = strcmp(x->uuid, y->uuid);

	return rc ? rc : strcmp(x->path, y->path);
}

/* The file name part of a definition's path. */
static const char *definition_name(const struct zap_definition *def)
{
	const char *slash = strrchr(def->path, '/');

	return slash ? slash + 1 : def->path;
}

/*
 * Two files for one UUID (e.g. "ABC..." and "abc..."): mdevctl opens only
 * the canonical, lower-case name, so the other one is marked invalid.
 */
static void mark_duplicates(struct zap_definition *defs, size_t n)
{
	struct zap_definition *a, *b, *other, *kept;
	size_t i;

	for (i = 1; i < n; i++) {
		a = &defs[i - 1];
		b = &defs[i];
		if (strcmp(a->uuid, b->uuid) != 0)
			continue;
		other = strcmp(definition_name(a), a->uuid) == 0 ? b : a;
		kept = other == a ? b : a;
		def_refuse(other, "another file defines the same UUID: %s",
			   definition_name(kept));
		clear_assignment(other);
	}
}

/* Read every definition in model->paths.mdevctl; see internal.h. */
int zap_definitions_load(struct zap_model *model,
				    struct zap_error *err)
{
	const char *dir = model->paths.mdevctl;
	struct zap_definition *defs = NULL, *bigger;
	size_t n = 0, size = 0;
	char uuid[ZAP_UUID_STRLEN];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	free(model->definitions);
	model->definitions = NULL;
	model->nr_definitions = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		rc = zap_model_unreadable(model, "%s: %s", dir,
					  strerror(errno));
		goto out;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				rc = zap_model_unreadable(model, "%s: %s", dir,
							  strerror(errno));
			break;
		}
		if (zap_uuid_parse(de->d_name, uuid, NULL) != 0)
			continue;
		if (n == size) {
			size = size ? 2 * size : 16;
			bigger = realloc(defs, size * sizeof(*defs));
			if (!bigger) {
				rc = -ENOMEM;
				break;
			}
			defs = bigger;
		}
		rc = load_definition(&defs[n], dir, dirfd(d), de->d_name, uuid);
		if (rc < 0)
			break;
		n += (size_t)rc;
		rc = 0;
	}
	closedir(d);
out:
	if (rc < 0) {
		free(defs);
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot load the mdevctl definitions in %s: %s",
				     dir, strerror(-rc));
	}
	if (n == 0) {
		free(defs);
		return 0;
	}
	qsort(defs, n, sizeof(*defs), compare_definitions);
	mark_duplicates(defs, n);
	model->definitions = defs;
	model->nr_definitions = n;
	return 0;
}
