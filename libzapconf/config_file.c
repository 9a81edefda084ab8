// SPDX-License-Identifier: MIT
/*
 * config_file.c - the strict reader of the declarative configuration
 * document of zap-config(5): every key, type, id, APQN and UUID checked,
 * culprits named by key path and value. config_write.c writes documents.
 * It does not judge the no-shared-APQN rule: rules.c does, on the model
 * built from a document.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "internal.h"

/* Longest key path in a message ("mdevs[1000].control_domains[255]"). */
#define PATH_LEN 96
/* Most bytes of a culprit's JSON text a message shows. */
#define VALUE_LEN 60
/* Room for them, each escaped as \u00XX at worst, and "...". */
#define VALUE_TEXT_SIZE (VALUE_LEN * 6 + 4)

/* Where the reader is: the document's name and the error to fill. */
struct reader {
	const char *name;
	struct zap_error *err;
};

/* The keys of one JSON object of the format, in the order they are written. */
struct key_table {
	const char *const *keys;
	size_t count;
};

static const char *const top_keys[] = {
	"version", "ownership", "vfio_ap", "mdevs",
};
static const char *const masks_keys[] = { "adapters", "domains" };
static const char *const overrides_keys[] = { "queues" };
static const char *const mdev_keys[] = {
	"uuid", "adapters", "domains", "control_domains", "autostart",
};

/* "masks", "overrides", or NULL for none. */
ZAP_EXPORT const char *
zap_config_ownership_name(enum zap_config_ownership ownership)
{
	switch (ownership) {
	case ZAP_CONFIG_OWNERSHIP_MASKS:
		return "masks";
	case ZAP_CONFIG_OWNERSHIP_OVERRIDES:
		return "overrides";
	case ZAP_CONFIG_OWNERSHIP_NONE:
	default:
		return NULL;
	}
}

/* Free a configuration (NULL: nothing). */
ZAP_EXPORT void zap_config_free(struct zap_config *config)
{
	if (!config)
		return;
	free(config->vfio_queues);
	free(config->mdevs);
	free(config);
}

/* ------------------------------------------------------------- messages */

/*
 * The JSON text of @value (null for NULL), on one line, cut after
 * VALUE_LEN bytes with "..."; control characters are escaped (json-c
 * escapes all but DEL, done here). @size is at least VALUE_LEN * 6 + 4.
 */
static const char *value_text(struct json_object *value, char *buf,
			      size_t size)
{
	/* json-c writes "null" for NULL */
	const char *text = json_object_to_json_string_ext(value,
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t i, o = 0;

	for (i = 0; i < VALUE_LEN && text[i] && o + 7 < size; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		else
			buf[o++] = (char)c;
	}
	snprintf(buf + o, size - o, "%s", text[i] ? "..." : "");
	return buf;
}

/* A key as a JSON string ("a\nb" escaped), cut as value_text() cuts. */
static const char *key_text(const char *key, char *buf, size_t size)
{
	struct json_object *str = json_object_new_string(key);

	if (!str) {
		snprintf(buf, size, "?");
		return buf;
	}
	value_text(str, buf, size);
	json_object_put(str);
	return buf;
}

/*
 * Fill the error: "<name>: <path>: <problem>", without the parts that are
 * empty, status USAGE. Returns: -EINVAL.
 */
static int ZAP_PRINTF(3, 4) refuse(const struct reader *r, const char *path,
				   const char *fmt, ...)
{
	char problem[ZAP_ERROR_MSGLEN / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	return zap_error_set(r->err, EINVAL, ZAP_STATUS_USAGE, "%s%s%s%s%s",
			     r->name ? r->name : "", r->name ? ": " : "",
			     path, *path ? ": " : "", problem);
}

/* Out of memory, status NOT_FOUND as everywhere in the library. */
int zap_config_out_of_memory(struct zap_error *err)
{
	return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
			     "out of memory");
}

/* "@parent.@key", or "@key" at the top level (cut to PATH_LEN - 1). */
static void path_key(char *buf, const char *parent, const char *key)
{
	if (snprintf(buf, PATH_LEN, "%s%s%s", parent, *parent ? "." : "",
		     key) >= PATH_LEN)
		buf[PATH_LEN - 1] = '\0';
}

/* "@parent[@index]" (cut to PATH_LEN - 1). */
static void path_index(char *buf, const char *parent, size_t index)
{
	if (snprintf(buf, PATH_LEN, "%s[%zu]", parent, index) >= PATH_LEN)
		buf[PATH_LEN - 1] = '\0';
}

/* "a string", "an array", ... for messages. */
static const char *type_words(struct json_object *value)
{
	switch (json_object_get_type(value)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a fraction";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
	default:
		return "a string";
	}
}

/* -------------------------------------------------------------- reading */

/*
 * Check that object @obj (at @path) has only keys of @table, and every key
 * of it that @required names (NULL-terminated list; NULL: none required).
 */
static int check_keys(const struct reader *r, struct json_object *obj,
		      const char *path, const struct key_table *table,
		      const char *const *required)
{
	char value[VALUE_TEXT_SIZE], key[VALUE_TEXT_SIZE];
	size_t i;

	json_object_object_foreach(obj, name, member) {
		for (i = 0; i < table->count; i++)
			if (!strcmp(name, table->keys[i]))
				break;
		if (i == table->count)
			return refuse(r, path, "unknown key %s (value %s)",
				      key_text(name, key, sizeof(key)),
				      value_text(member, value, sizeof(value)));
	}
	for (; required && *required; required++)
		if (!json_object_object_get_ex(obj, *required, NULL))
			return refuse(r, path, "missing key \"%s\"", *required);
	return 0;
}

/* Is @value of JSON type @type? If not, refuse naming @what it should be. */
static int check_type(const struct reader *r, struct json_object *value,
		      const char *path, enum json_type type, const char *what)
{
	char text[VALUE_TEXT_SIZE];

	if (value && json_object_get_type(value) == type)
		return 0;
	return refuse(r, path, "%s is %s, not %s",
		      value_text(value, text, sizeof(text)), type_words(value),
		      what);
}

/*
 * Is @value a JSON integer? As in JSON Schema, a number without a fraction
 * is one (5.0, 5e0): its value goes to @number.
 */
static bool get_integer(struct json_object *value, int64_t *number)
{
	double d;

	if (json_object_is_type(value, json_type_int)) {
		*number = json_object_get_int64(value);
		return true;
	}
	if (!json_object_is_type(value, json_type_double))
		return false;
	d = json_object_get_double(value);
	if (isnan(d))
		return false;
	/* beyond 1e15 every double is whole; only "out of range" matters */
	if (d >= 1e15 || d <= -1e15) {
		*number = d > 0 ? INT64_MAX : INT64_MIN;
		return true;
	}
	*number = (int64_t)d;
	return (double)*number == d;
}

/* A string id such as "0x47": refuse, saying which integer it would be. */
static int refuse_string_id(const struct reader *r, const char *path,
			    struct json_object *value)
{
	char text[VALUE_TEXT_SIZE];
	unsigned int id;

	value_text(value, text, sizeof(text));
	if (!zap_id_parse(json_object_get_string(value), ZAP_MAX_ID, "", &id,
			  NULL))
		return refuse(r, path,
			      "%s is a string, not an integer (ids are JSON integers: write %u)",
			      text, id);
	return refuse(r, path, "%s is a string, not an integer (ids are JSON integers 0 to %u)",
		      text, ZAP_MAX_ID);
}

/* Read the id list @value at @path into @ids: integers 0..255, each once. */
static int read_ids(const struct reader *r, struct json_object *value,
		    const char *path, struct zap_bitmap *ids)
{
	char where[PATH_LEN], text[VALUE_TEXT_SIZE];
	size_t i, n;
	int rc;

	zap_bitmap_zero(ids);
	rc = check_type(r, value, path, json_type_array,
			"an array of ids (integers 0 to 255)");
	if (rc)
		return rc;
	n = json_object_array_length(value);
	for (i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(value, i);
		int64_t id;

		path_index(where, path, i);
		if (item && json_object_is_type(item, json_type_string))
			return refuse_string_id(r, where, item);
		if (!get_integer(item, &id))
			return check_type(r, item, where, json_type_int,
					  "an id (an integer 0 to 255)");
		if (id < 0 || id > ZAP_MAX_ID)
			return refuse(r, where, "%s is out of range (ids are 0 to %u)",
				      value_text(item, text, sizeof(text)),
				      ZAP_MAX_ID);
		if (zap_bitmap_test(ids, (unsigned int)id))
			return refuse(r, where, "%s is listed twice",
				      value_text(item, text, sizeof(text)));
		zap_bitmap_set(ids, (unsigned int)id);
	}
	return 0;
}

/* Compare two packed APQNs for qsort(). */
static int cmp_apqn(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Read "queues" (APQN strings, each once) into config->vfio_queues. */
static int read_queues(const struct reader *r, struct json_object *value,
		       const char *path, struct zap_config *config)
{
	char where[PATH_LEN], text[VALUE_TEXT_SIZE];
	size_t i, n;
	int rc;

	rc = check_type(r, value, path, json_type_array,
			"an array of APQNs (\"05.0047\")");
	if (rc)
		return rc;
	n = json_object_array_length(value);
	config->vfio_queues = calloc(n ? n : 1, sizeof(*config->vfio_queues));
	if (!config->vfio_queues)
		return zap_config_out_of_memory(r->err);
	for (i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(value, i);
		unsigned int a, d;

		path_index(where, path, i);
		rc = check_type(r, item, where, json_type_string,
				"an APQN (a string such as \"05.0047\")");
		if (rc)
			return rc;
		if (zap_apqn_parse(json_object_get_string(item), &a, &d, NULL))
			return refuse(r, where,
				      "%s is not an APQN (AA.DDDD in hex, domain at most 00ff, such as \"05.0047\")",
				      value_text(item, text, sizeof(text)));
		config->vfio_queues[i] = zap_apqn_number(a, d);
	}
	qsort(config->vfio_queues, n, sizeof(*config->vfio_queues), cmp_apqn);
	for (i = 1; i < n; i++)
		if (config->vfio_queues[i] == config->vfio_queues[i - 1]) {
			char apqn[ZAP_APQN_STRLEN];

			zap_apqn_print(config->vfio_queues[i] >> 8,
				       config->vfio_queues[i] & 0xff, apqn);
			return refuse(r, path, "\"%s\" is listed twice", apqn);
		}
	config->nr_vfio_queues = n;
	return 0;
}

/* Read "version": the integer ZAP_CONFIG_VERSION. */
static int read_version(const struct reader *r, struct json_object *root,
			struct zap_config *config)
{
	struct json_object *value = json_object_object_get(root, "version");
	char text[VALUE_TEXT_SIZE];
	int64_t version;

	if (!get_integer(value, &version))
		return check_type(r, value, "version", json_type_int,
				  "an integer (the format version, 1)");
	if (version != ZAP_CONFIG_VERSION)
		return refuse(r, "version",
			      "%s is not supported (this zap reads version %d)",
			      value_text(value, text, sizeof(text)),
			      ZAP_CONFIG_VERSION);
	config->version = ZAP_CONFIG_VERSION;
	return 0;
}

/* Read "ownership" and "vfio_ap" (both or neither) into @config. */
static int read_host(const struct reader *r, struct json_object *root,
		     struct zap_config *config)
{
	static const char *const masks_required[] = { "adapters", "domains",
						      NULL };
	static const char *const overrides_required[] = { "queues", NULL };
	const struct key_table masks = { masks_keys, 2 };
	const struct key_table overrides = { overrides_keys, 1 };
	struct json_object *model, *vfio, *value;
	char text[VALUE_TEXT_SIZE];
	const char *name;
	int rc;

	json_object_object_get_ex(root, "ownership", &model);
	json_object_object_get_ex(root, "vfio_ap", &vfio);
	if (!json_object_object_get_ex(root, "ownership", NULL)) {
		if (json_object_object_get_ex(root, "vfio_ap", NULL))
			return refuse(r, "", "missing key \"ownership\" (\"vfio_ap\" needs it)");
		config->ownership = ZAP_CONFIG_OWNERSHIP_NONE;
		return 0;
	}
	rc = check_type(r, model, "ownership", json_type_string,
			"\"masks\" or \"overrides\"");
	if (rc)
		return rc;
	name = json_object_get_string(model);
	if (!strcmp(name, "masks"))
		config->ownership = ZAP_CONFIG_OWNERSHIP_MASKS;
	else if (!strcmp(name, "overrides"))
		config->ownership = ZAP_CONFIG_OWNERSHIP_OVERRIDES;
	else
		return refuse(r, "ownership", "%s is not \"masks\" or \"overrides\"",
			      value_text(model, text, sizeof(text)));
	if (!json_object_object_get_ex(root, "vfio_ap", NULL))
		return refuse(r, "", "missing key \"vfio_ap\" (\"ownership\": \"%s\" needs it)",
			      name);
	rc = check_type(r, vfio, "vfio_ap", json_type_object, "an object");
	if (rc)
		return rc;
	if (config->ownership == ZAP_CONFIG_OWNERSHIP_OVERRIDES) {
		rc = check_keys(r, vfio, "vfio_ap", &overrides,
				overrides_required);
		if (rc)
			return rc;
		return read_queues(r, json_object_object_get(vfio, "queues"),
				   "vfio_ap.queues", config);
	}
	rc = check_keys(r, vfio, "vfio_ap", &masks, masks_required);
	if (rc)
		return rc;
	value = json_object_object_get(vfio, "adapters");
	rc = read_ids(r, value, "vfio_ap.adapters", &config->vfio_adapters);
	if (rc)
		return rc;
	value = json_object_object_get(vfio, "domains");
	return read_ids(r, value, "vfio_ap.domains", &config->vfio_domains);
}

/* Read one element of "mdevs" (at @path) into @mdev. */
static int read_mdev(const struct reader *r, struct json_object *obj,
		     const char *path, struct zap_config_mdev *mdev)
{
	static const char *const required[] = {
		"uuid", "adapters", "domains", "control_domains", "autostart",
		NULL
	};
	const struct key_table table = { mdev_keys, 5 };
	char where[PATH_LEN], text[VALUE_TEXT_SIZE];
	struct json_object *value;
	int rc;

	rc = check_type(r, obj, path, json_type_object, "an object (an mdev)");
	if (rc)
		return rc;
	rc = check_keys(r, obj, path, &table, required);
	if (rc)
		return rc;
	path_key(where, path, "uuid");
	value = json_object_object_get(obj, "uuid");
	rc = check_type(r, value, where, json_type_string,
			"a UUID (a string)");
	if (rc)
		return rc;
	if (zap_uuid_parse(json_object_get_string(value), mdev->uuid, NULL))
		return refuse(r, where, "%s is not a UUID (8-4-4-4-12 hex digits)",
			      value_text(value, text, sizeof(text)));
	path_key(where, path, "adapters");
	rc = read_ids(r, json_object_object_get(obj, "adapters"), where,
		      &mdev->adapters);
	if (rc)
		return rc;
	path_key(where, path, "domains");
	rc = read_ids(r, json_object_object_get(obj, "domains"), where,
		      &mdev->domains);
	if (rc)
		return rc;
	path_key(where, path, "control_domains");
	rc = read_ids(r, json_object_object_get(obj, "control_domains"), where,
		      &mdev->control_domains);
	if (rc)
		return rc;
	path_key(where, path, "autostart");
	value = json_object_object_get(obj, "autostart");
	rc = check_type(r, value, where, json_type_boolean,
			"a boolean (true or false)");
	if (rc)
		return rc;
	mdev->autostart = json_object_get_boolean(value);
	return 0;
}

/* Compare two mdevs by UUID for qsort(). */
int zap_config_mdev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zap_config_mdev *)a)->uuid,
		      ((const struct zap_config_mdev *)b)->uuid);
}

/* Read "mdevs" into @config, refusing a UUID given twice. */
static int read_mdevs(const struct reader *r, struct json_object *root,
		      struct zap_config *config)
{
	struct json_object *value = json_object_object_get(root, "mdevs");
	char where[PATH_LEN];
	size_t i, j, n;
	int rc;

	rc = check_type(r, value, "mdevs", json_type_array,
			"an array of mdevs");
	if (rc)
		return rc;
	n = json_object_array_length(value);
	config->mdevs = calloc(n ? n : 1, sizeof(*config->mdevs));
	if (!config->mdevs)
		return zap_config_out_of_memory(r->err);
	for (i = 0; i < n; i++) {
		path_index(where, "mdevs", i);
		rc = read_mdev(r, json_object_array_get_idx(value, i), where,
			       &config->mdevs[i]);
		if (rc)
			return rc;
		/* quadratic, but says which two: files hold few mdevs */
		for (j = 0; j < i; j++)
			if (!strcmp(config->mdevs[j].uuid,
				    config->mdevs[i].uuid)) {
				char uuid[PATH_LEN];

				path_key(uuid, where, "uuid");
				return refuse(r, uuid, "\"%s\" is given twice (also mdevs[%zu])",
					      config->mdevs[i].uuid, j);
			}
	}
	qsort(config->mdevs, n, sizeof(*config->mdevs), zap_config_mdev_cmp);
	config->nr_mdevs = n;
	return 0;
}

/* Line and column (from 1) of byte @offset of @text. */
static void line_column(const char *text, size_t offset, unsigned int *line,
			unsigned int *column)
{
	size_t i;

	*line = 1;
	*column = 1;
	for (i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

/*
 * Parse @text as one strict JSON value: no comments, no trailing commas,
 * valid UTF-8, nothing after it. Returns: 0 with *@root set; -EINVAL.
 */
static int parse_json(const struct reader *r, const char *text, size_t len,
		      struct json_object **root)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	unsigned int line, column;
	size_t end;

	*root = NULL;
	if (len > ZAP_CONFIG_MAX_SIZE || len > INT32_MAX)
		return refuse(r, "", "larger than %zu bytes", ZAP_CONFIG_MAX_SIZE);
	tok = json_tokener_new();
	if (!tok)
		return zap_config_out_of_memory(r->err);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	*root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!*root && jerr == json_tokener_continue) {
		/* end of input: a terminating NUL ends a number or fails */
		*root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	json_tokener_free(tok);
	/* in strict mode json-c takes trailing white space, stops at a NUL */
	if (jerr == json_tokener_success && end >= len)
		return 0;
	json_object_put(*root);
	*root = NULL;
	line_column(text, end, &line, &column);
	return refuse(r, "", "invalid JSON at line %u, column %u: %s", line,
		      column, jerr != json_tokener_success ?
		      json_tokener_error_desc(jerr) :
		      text[end] ? "text after the document" : "NUL byte");
}

/* A document, strictly checked, into a new struct zap_config. */
ZAP_EXPORT int zap_config_parse(const char *text, size_t len,
				const char *name, struct zap_config **config,
				struct zap_error *err)
{
	static const char *const required[] = { "version", "mdevs", NULL };
	const struct key_table table = { top_keys, 4 };
	struct reader r = { name, err };
	struct json_object *root;
	struct zap_config *c;
	int rc;

	*config = NULL;
	rc = parse_json(&r, text, len, &root);
	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c) {
		json_object_put(root);
		return zap_config_out_of_memory(err);
	}
	if (!json_object_is_type(root, json_type_object))
		rc = refuse(&r, "", "the document is %s, not an object",
			    type_words(root));
	if (!rc)
		rc = check_keys(&r, root, "", &table, required);
	if (!rc)
		rc = read_version(&r, root, c);
	if (!rc)
		rc = read_host(&r, root, c);
	if (!rc)
		rc = read_mdevs(&r, root, c);
	json_object_put(root);
	if (rc) {
		zap_config_free(c);
		return rc;
	}
	*config = c;
	return 0;
}

/*
 * Read all of @fd, at most ZAP_CONFIG_MAX_SIZE bytes (a bigger input is
 * read no further than twice that). Returns: the malloc()ed bytes, *@len of
 * them; NULL with *@error = ENOMEM, EFBIG or the errno of read().
 */
static char *read_all(int fd, size_t *len, int *error)
{
	size_t size = 65536, used = 0;
	char *buf = malloc(size), *bigger;
	ssize_t n;

	*error = ENOMEM;
	while (buf) {
		if (used > ZAP_CONFIG_MAX_SIZE) {
			*error = EFBIG;
			break;
		}
		if (used == size) {
			bigger = realloc(buf, size * 2);
			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
		n = read(fd, buf + used, size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error = errno;
			break;
		}
		if (n == 0) {
			*len = used;
			return buf;
		}
		used += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* zap_config_parse() of the file @path, "-" for the standard input. */
ZAP_EXPORT int zap_config_read(const char *path, struct zap_config **config,
			       struct zap_error *err)
{
	bool is_stdin = !strcmp(path, "-");
	char quoted[1024], *text;
	size_t len = 0;
	int fd, rc, error;

	*config = NULL;
	/* the whole name, escaped (a path is no value to cut short) */
	zap_escape(quoted, sizeof(quoted), path);
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return zap_error_set(err, errno, ZAP_STATUS_USAGE,
				     "cannot read %s: %s", quoted,
				     strerror(errno));
	text = read_all(fd, &len, &error);
	if (!is_stdin)
		close(fd);
	if (!text && error == ENOMEM)
		return zap_config_out_of_memory(err);
	if (!text && error == EFBIG)
		return zap_error_set(err, EFBIG, ZAP_STATUS_USAGE,
				     "%s: larger than %zu bytes", quoted,
				     ZAP_CONFIG_MAX_SIZE);
	if (!text)
		return zap_error_set(err, error, ZAP_STATUS_USAGE,
				     "cannot read %s: %s", quoted,
				     strerror(error));
	rc = zap_config_parse(text, len, is_stdin ? "stdin" : quoted, config,
			      err);
	free(text);
	return rc;
}
