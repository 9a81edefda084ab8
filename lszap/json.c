// SPDX-License-Identifier: MIT
/*
 * json.c - lszap's JSON contract (see lszap(8), section JSON): one object
 * with the keys version, bus, adapters, domains, queues, mdevs and
 * problems, or version and only the chosen view's key (free for --free). Each value is built with
 * json-c; array elements are printed one per line as they are made, so
 * that 65,536 queues never sit in memory as JSON objects at once. With
 * --watch the listing is one line, and each event one object a line.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "lszap.h"

#define JSON_ITEM_FLAGS (JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)
#define JSON_OBJECT_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
			   JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * Where the printer is: after the first member, after the first item;
 * @one_line: everything on one line (--watch -j), else one item a line.
 */
struct json_out {
	bool members;
	bool items;
	bool one_line;
};

/* ------------------------------------------------------------ printing */

/* Start a member "key": at the top level. */
static void member_start(struct json_out *out, const char *key)
{
	if (out->one_line)
		printf("%s\"%s\": ", out->members ? ", " : " ", key);
	else
		printf("%s\n  \"%s\": ", out->members ? "," : "", key);
	out->members = true;
}

/* Print @obj pretty, its lines indented to sit in the top-level object. */
static void member_object(struct json_out *out, const char *key,
			  struct json_object *obj)
{
	const char *text = json_object_to_json_string_ext(obj,
		out->one_line ? JSON_ITEM_FLAGS : JSON_OBJECT_FLAGS);

	member_start(out, key);
	for (; *text; text++) {
		putchar(*text);
		if (*text == '\n')
			fputs("  ", stdout);
	}
	json_object_put(obj);
}

/* Start a top-level array member. */
static void array_start(struct json_out *out, const char *key)
{
	member_start(out, key);
	putchar('[');
	out->items = false;
}

/* Print one array element on its own line, then free it. */
static void array_item(struct json_out *out, struct json_object *obj)
{
	printf(out->one_line ? "%s %s" : "%s\n    %s",
	       out->items ? "," : "",
	       json_object_to_json_string_ext(obj, JSON_ITEM_FLAGS));
	out->items = true;
	json_object_put(obj);
}

/* Close a top-level array. */
static void array_end(struct json_out *out)
{
	if (out->one_line)
		fputs(out->items ? " ]" : "]", stdout);
	else
		fputs(out->items ? "\n  ]" : "]", stdout);
}

/* ---------------------------------------------------------- json values */

/* A new object; exit on failure. */
static struct json_object *new_object(void)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		lszap_oom();
	return obj;
}

/* A new array; exit on failure. */
static struct json_object *new_array(void)
{
	struct json_object *arr = json_object_new_array();

	if (!arr)
		lszap_oom();
	return arr;
}

/* Add @key: @value (NULL = null) to @obj. */
static void add(struct json_object *obj, const char *key,
		struct json_object *value)
{
	if (json_object_object_add(obj, key, value))
		lszap_oom();
}

/* A string, or null for NULL / "". */
static struct json_object *string_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* An integer, or null when negative (unknown). */
static struct json_object *int_or_null(long long value)
{
	return value < 0 ? NULL : json_object_new_int64(value);
}

/* A boolean, or null for ZAP_UNKNOWN. */
static struct json_object *bool_or_null(int value)
{
	return value < 0 ? NULL : json_object_new_boolean(value);
}

/* A mask as "0x" + 64 digits. */
static struct json_object *mask(const struct zap_bitmap *bits)
{
	char text[ZAP_MASK_STRLEN];

	zap_mask_print(bits, text);
	return json_object_new_string(text);
}

/* An array of the ids in @ids, as integers. */
static struct json_object *id_array(const struct zap_bitmap *ids)
{
	struct json_object *arr = new_array();
	unsigned int id;

	zap_for_each_set_bit(id, ids)
		json_object_array_add(arr, json_object_new_int((int)id));
	return arr;
}

/* An array of the APQNs of @set, as "AA.DDDD" strings. */
static struct json_object *apqn_array(const struct zap_apqn_set *set)
{
	struct json_object *arr = new_array();
	char text[ZAP_APQN_STRLEN];
	unsigned int a, d;

	zap_for_each_set_bit(a, &set->adapters)
		zap_for_each_set_bit(d, &set->domains) {
			zap_apqn_print(a, d, text);
			json_object_array_add(arr,
					      json_object_new_string(text));
		}
	return arr;
}

/* The UUIDs of every mdev that uses adapter / domain @id. */
static struct json_object *mdevs_of_id(const struct zap_model *m,
				       bool adapter, unsigned int id)
{
	struct json_object *arr = new_array();
	size_t i;

	for (i = 0; i < m->nr_mdevs; i++)
		if (adapter ? describe_mdev_has_adapter(&m->mdevs[i], id) :
		    describe_mdev_has_domain(&m->mdevs[i], id))
			json_object_array_add(arr,
					      json_object_new_string(m->mdevs[i].uuid));
	return arr;
}

/* /sys/bus/ap/features as an array of words, null without the file. */
static struct json_object *features(const struct zap_bus *bus)
{
	struct json_object *arr;
	char copy[sizeof(bus->features)], *word, *save;

	if (!bus->has_features)
		return NULL;
	arr = new_array();
	snprintf(copy, sizeof(copy), "%s", bus->features);
	for (word = strtok_r(copy, " \t\n", &save); word;
	     word = strtok_r(NULL, " \t\n", &save))
		if (strcmp(word, "-"))
			json_object_array_add(arr,
					      json_object_new_string(word));
	return arr;
}

/* ------------------------------------------------------------- the keys */

/* "bus": masks, maxima, features, vfio_ap, ownership. */
static struct json_object *bus_object(const struct zap_model *m)
{
	const struct zap_bus *bus = &m->bus;
	struct json_object *obj = new_object();

	add(obj, "apmask", mask(&bus->apmask));
	add(obj, "aqmask", mask(&bus->aqmask));
	add(obj, "adapter_mask", bus->has_qci ? mask(&bus->adapter_mask) : NULL);
	add(obj, "usage_domain_mask",
	    bus->has_qci ? mask(&bus->usage_domain_mask) : NULL);
	add(obj, "control_domain_mask",
	    bus->has_qci ? mask(&bus->control_domain_mask) : NULL);
	add(obj, "max_adapter_id", json_object_new_int((int)bus->max_adapter_id));
	add(obj, "max_domain_id", json_object_new_int((int)bus->max_domain_id));
	add(obj, "features", features(bus));
	add(obj, "vfio_ap", json_object_new_boolean(bus->vfio_ap));
	add(obj, "available_instances",
	    bus->vfio_ap ? int_or_null(bus->available_instances) : NULL);
	add(obj, "ownership",
	    json_object_new_string(zap_ownership_name(zap_model_ownership(m))));
	add(obj, "driver_override_supported",
	    json_object_new_boolean(bus->driver_override_supported));
	return obj;
}

/* One element of "adapters". */
static struct json_object *adapter_object(const struct zap_model *m,
					  unsigned int id)
{
	const struct zap_card *card = zap_model_card(m, id);
	struct json_object *obj = new_object();

	add(obj, "id", json_object_new_int((int)id));
	add(obj, "type", string_or_null(card ? card->type : NULL));
	add(obj, "hwtype", card ? int_or_null(card->hwtype) : NULL);
	add(obj, "raw_hwtype", card ? int_or_null(card->raw_hwtype) : NULL);
	add(obj, "mode", json_object_new_string(zap_mode_name(card ? card->mode :
							      ZAP_MODE_UNKNOWN)));
	add(obj, "online", card ? bool_or_null(card->online) : NULL);
	add(obj, "config", card ? bool_or_null(card->config) : NULL);
	add(obj, "chkstop", card ? bool_or_null(card->chkstop) : NULL);
	add(obj, "in_apmask",
	    json_object_new_boolean(zap_bitmap_test(&m->bus.apmask, id)));
	add(obj, "mdevs", mdevs_of_id(m, true, id));
	return obj;
}

/* One element of "domains". */
static struct json_object *domain_object(const struct zap_model *m,
					 unsigned int id)
{
	const struct zap_bus *bus = &m->bus;
	struct json_object *obj = new_object();

	add(obj, "id", json_object_new_int((int)id));
	add(obj, "usage", bus->has_qci ?
	    json_object_new_boolean(zap_bitmap_test(&bus->usage_domain_mask,
						    id)) : NULL);
	add(obj, "control", bus->has_qci ?
	    json_object_new_boolean(zap_bitmap_test(&bus->control_domain_mask,
						    id)) : NULL);
	add(obj, "in_aqmask",
	    json_object_new_boolean(zap_bitmap_test(&bus->aqmask, id)));
	add(obj, "mdevs", mdevs_of_id(m, false, id));
	return obj;
}

/* One element of "queues". */
static struct json_object *queue_object(const struct zap_model *m,
					const struct zap_queue *q)
{
	const struct zap_mdev *mdev = describe_owner_mdev(m, q->adapter,
							  q->domain);
	const struct zap_card *card = zap_model_card(m, q->adapter);
	struct json_object *obj = new_object();
	char apqn[ZAP_APQN_STRLEN];

	zap_apqn_print(q->adapter, q->domain, apqn);
	add(obj, "apqn", json_object_new_string(apqn));
	add(obj, "adapter", json_object_new_int((int)q->adapter));
	add(obj, "domain", json_object_new_int((int)q->domain));
	add(obj, "type", string_or_null(card ? card->type : NULL));
	add(obj, "mode", json_object_new_string(zap_mode_name(card ? card->mode :
							      ZAP_MODE_UNKNOWN)));
	add(obj, "hwtype", card ? int_or_null(card->hwtype) : NULL);
	add(obj, "owner", json_object_new_string(describe_owner(m, q->adapter,
								q->domain)));
	add(obj, "driver", string_or_null(zap_driver_name(q->driver)));
	add(obj, "mdev", mdev ? json_object_new_string(mdev->uuid) : NULL);
	add(obj, "online", bool_or_null(q->online));
	add(obj, "config", bool_or_null(q->config));
	add(obj, "chkstop", bool_or_null(q->chkstop));
	add(obj, "status", q->driver == ZAP_DRIVER_VFIO_AP ?
	    string_or_null(zap_vfio_status_name(q->status)) : NULL);
	add(obj, "driver_override", q->driver_override[0] ?
	    json_object_new_string(q->driver_override) : NULL);
	return obj;
}

/* One element of "mdevs". */
static struct json_object *mdev_object(const struct zap_model *m,
				       const struct zap_mdev *mdev)
{
	struct json_object *obj = new_object();

	add(obj, "uuid", json_object_new_string(mdev->uuid));
	add(obj, "active", json_object_new_boolean(mdev->active));
	add(obj, "defined", json_object_new_boolean(mdev->definition >= 0));
	add(obj, "autostart",
	    json_object_new_boolean(describe_mdev_autostart(m, mdev)));
	add(obj, "in_use", mdev->active ? bool_or_null(mdev->in_use) :
	    json_object_new_boolean(false));
	add(obj, "vm", string_or_null(mdev->vm));
	add(obj, "adapters", id_array(&mdev->matrix.adapters));
	add(obj, "domains", id_array(&mdev->matrix.domains));
	add(obj, "control_domains", id_array(&mdev->control_domains));
	add(obj, "apqns", apqn_array(&mdev->matrix));
	add(obj, "guest_apqns", mdev->active && mdev->has_guest_matrix ?
	    apqn_array(&mdev->guest) : NULL);
	return obj;
}

/* One element of "problems". */
static struct json_object *problem_object(const struct zap_problem *p)
{
	struct json_object *obj = new_object();
	struct json_object *apqns = new_array(), *mdevs = new_array();
	char text[ZAP_APQN_STRLEN];
	size_t i;

	add(obj, "kind", json_object_new_string(zap_problem_kind_name(p->kind)));
	add(obj, "severity", json_object_new_string(
		zap_problem_kind_is_error(p->kind) ? "error" :
		p->kind == ZAP_PROBLEM_NOT_PERSISTENT ? "warning" : "info"));
	add(obj, "message", json_object_new_string(p->message));
	add(obj, "path", string_or_null(p->path));
	for (i = 0; i < p->nr_apqns; i++) {
		zap_apqn_print(p->apqns[i] >> 8, p->apqns[i] & 0xff, text);
		json_object_array_add(apqns, json_object_new_string(text));
	}
	add(obj, "apqns", apqns);
	for (i = 0; i < p->nr_mdevs; i++)
		json_object_array_add(mdevs,
				      json_object_new_string(p->mdevs[i]));
	add(obj, "mdevs", mdevs);
	return obj;
}

/* ---------------------------------------------------------- the arrays */

/* "adapters": every listed adapter the filters keep. */
static void print_adapters(struct json_out *out, const struct lszap *l)
{
	struct zap_bitmap ids;
	unsigned int id;

	describe_adapter_ids(l->model, &ids);
	array_start(out, "adapters");
	zap_for_each_set_bit(id, &ids)
		if (filter_adapter(l, id))
			array_item(out, adapter_object(l->model, id));
	array_end(out);
}

/* "domains": every listed domain the filters keep. */
static void print_domains(struct json_out *out, const struct lszap *l)
{
	struct zap_bitmap ids;
	unsigned int id;

	describe_domain_ids(l->model, &ids);
	array_start(out, "domains");
	zap_for_each_set_bit(id, &ids)
		if (filter_domain(l, id))
			array_item(out, domain_object(l->model, id));
	array_end(out);
}

/* "queues": every queue device the filters keep, sorted. */
static void print_queues(struct json_out *out, const struct lszap *l)
{
	const struct zap_model *m = l->model;
	size_t i;

	array_start(out, "queues");
	for (i = 0; i < m->nr_queues; i++)
		if (filter_apqn(l, m->queues[i].adapter, m->queues[i].domain))
			array_item(out, queue_object(m, &m->queues[i]));
	array_end(out);
}

/* "mdevs": active and defined mdevs the filters keep, by UUID. */
static void print_mdevs(struct json_out *out, const struct lszap *l)
{
	size_t i;

	array_start(out, "mdevs");
	for (i = 0; i < l->model->nr_mdevs; i++)
		if (filter_mdev(l, (int)i))
			array_item(out, mdev_object(l->model,
						    &l->model->mdevs[i]));
	array_end(out);
}

/* "problems": what zap_rules_check() finds, as the filters keep it. */
static void print_problems(struct json_out *out, struct lszap *l)
{
	size_t i;

	describe_problems(l);
	array_start(out, "problems");
	for (i = 0; i < l->problems.count; i++)
		if (filter_problem(l, &l->problems.items[i]))
			array_item(out, problem_object(&l->problems.items[i]));
	array_end(out);
}

/* "free": the free APQNs the filters keep, as "AA.DDDD" strings. */
static void print_free(struct json_out *out, struct lszap *l)
{
	const struct zap_model *m = l->model;
	char text[ZAP_APQN_STRLEN];
	size_t i;

	array_start(out, "free");
	for (i = 0; i < m->nr_queues; i++) {
		if (!free_apqn(l, m->queues[i].adapter, m->queues[i].domain))
			continue;
		zap_apqn_print(m->queues[i].adapter, m->queues[i].domain, text);
		array_item(out, json_object_new_string(text));
	}
	array_end(out);
}

/* Print the JSON of l->view (everything for the default view). */
int json_print(struct lszap *l)
{
	struct json_out out = { 0 };

	out.one_line = l->json_lines;
	putchar('{');
	member_start(&out, "version");
	printf("%d", LSZAP_JSON_VERSION);
	if (l->view == VIEW_FREE)
		print_free(&out, l);
	if (l->view == VIEW_QUEUES || l->view == VIEW_BUS)
		member_object(&out, "bus", bus_object(l->model));
	if (l->view == VIEW_QUEUES || l->view == VIEW_ADAPTERS)
		print_adapters(&out, l);
	if (l->view == VIEW_QUEUES || l->view == VIEW_DOMAINS)
		print_domains(&out, l);
	if (l->view == VIEW_QUEUES)
		print_queues(&out, l);
	if (l->view == VIEW_QUEUES || l->view == VIEW_MDEVS)
		print_mdevs(&out, l);
	if (l->view == VIEW_QUEUES || l->view == VIEW_CHECK)
		print_problems(&out, l);
	fputs(out.one_line ? " }\n" : "\n}\n", stdout);
	return 0;
}

/* Print one zap_event seen at @time as a JSON object on one line. */
void json_print_event(const struct zap_event *e, const char *time)
{
	struct json_object *obj = new_object();
	char apqn[ZAP_APQN_STRLEN];

	add(obj, "version", json_object_new_int(LSZAP_JSON_VERSION));
	add(obj, "time", json_object_new_string(time));
	add(obj, "event", json_object_new_string(zap_event_kind_name(e->kind)));
	add(obj, "adapter", int_or_null(e->adapter));
	add(obj, "domain", int_or_null(e->domain));
	if (e->adapter >= 0 && e->domain >= 0) {
		zap_apqn_print((unsigned int)e->adapter,
			       (unsigned int)e->domain, apqn);
		add(obj, "apqn", json_object_new_string(apqn));
	} else {
		add(obj, "apqn", NULL);
	}
	add(obj, "uuid", string_or_null(e->uuid));
	add(obj, "before", string_or_null(e->before));
	add(obj, "after", string_or_null(e->after));
	add(obj, "message", json_object_new_string(e->message));
	puts(json_object_to_json_string_ext(obj, JSON_ITEM_FLAGS));
	json_object_put(obj);
}
