// SPDX-License-Identifier: MIT
/*
 * json.c - chzap --json: the one object printed on standard output for
 * every outcome (done, already in effect, refused, failed, bad input), with
 * the keys of the contract (chzap(8), JSON OUTPUT): changed, uuid, writes,
 * apqns_moved, assigned, unassigned, refused, error. Built with json-c from
 * struct zap_plan; nothing is decided here. With --dry-run it says what
 * the change would do: "changed" if it would write, the planned writes.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "chzap.h"

#define JSON_FLAGS (JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Check a json-c allocation; without memory there is no JSON to print. */
static struct json_object *checked(struct json_object *obj)
{
	if (!obj) {
		chzap_warn("out of memory");
		exit(ZAP_STATUS_NOT_FOUND);
	}
	return obj;
}

/* Add @value (NULL: null) under @key of @obj. */
static void add(struct json_object *obj, const char *key,
		struct json_object *value)
{
	if (json_object_object_add(obj, key, value)) {
		chzap_warn("out of memory");
		exit(ZAP_STATUS_NOT_FOUND);
	}
}

/* Append @value to the array @array. */
static void append(struct json_object *array, struct json_object *value)
{
	if (json_object_array_add(array, value)) {
		chzap_warn("out of memory");
		exit(ZAP_STATUS_NOT_FOUND);
	}
}

/* A JSON string of @text, or null when @text is NULL or "". */
static struct json_object *string_or_null(const char *text)
{
	return text && *text ? checked(json_object_new_string(text)) : NULL;
}

/* ["AA.DDDD", ...] of @count APQNs (adapter << 8 | domain). */
static struct json_object *apqn_array(size_t count, const uint16_t *apqns)
{
	struct json_object *array = checked(json_object_new_array());
	char apqn[ZAP_APQN_STRLEN];

	for (size_t i = 0; i < count; i++) {
		zap_apqn_print(apqns[i] >> 8, apqns[i] & 0xff, apqn);
		append(array, checked(json_object_new_string(apqn)));
	}
	return array;
}

/*
 * The "result" of a write or file: "ok" (in effect, also when its undo
 * failed), "undone", or the errno name of the failed write ("EISDIR").
 */
static struct json_object *result_string(enum zap_write_result result,
					 int errnum)
{
	const char *name;
	char unknown[32];

	switch (result) {
	case ZAP_WRITE_UNDONE:
		return checked(json_object_new_string("undone"));
	case ZAP_WRITE_PENDING:
		/* only --dry-run lists writes never attempted */
		return checked(json_object_new_string("planned"));
	case ZAP_WRITE_FAILED:
		name = strerrorname_np(errnum);
		if (!name) {
			snprintf(unknown, sizeof(unknown), "E%d", errnum);
			name = unknown;
		}
		return checked(json_object_new_string(name));
	default:
		return checked(json_object_new_string("ok"));
	}
}

/* One element of "writes": {"path", "value", "result"}. */
static struct json_object *write_object(const char *path, const char *value,
					enum zap_write_result result,
					int errnum)
{
	struct json_object *obj = checked(json_object_new_object());

	add(obj, "path", checked(json_object_new_string(path)));
	add(obj, "value", checked(json_object_new_string(value)));
	add(obj, "result", result_string(result, errnum));
	return obj;
}

/*
 * "writes": the sysfs writes attempted, in order, then the persistent
 * files (the value is the file's whole new text, "" for a deletion);
 * writes never attempted (after a failure) are left out, except with
 * @planned (--dry-run): then every write is listed, "result": "planned".
 */
static struct json_object *writes_array(const struct zap_plan *plan,
					bool planned)
{
	struct json_object *array = checked(json_object_new_array());

	for (size_t i = 0; plan && i < plan->nr_writes; i++) {
		const struct zap_write *w = &plan->writes[i];

		if (planned || w->result != ZAP_WRITE_PENDING)
			append(array, write_object(w->path, w->value,
						   w->result, w->errnum));
	}
	for (size_t i = 0; plan && i < plan->nr_files; i++) {
		const struct zap_file_change *f = &plan->files[i];

		if (planned || f->result != ZAP_WRITE_PENDING)
			append(array, write_object(f->path, f->content ?
						   f->content : "", f->result,
						   f->errnum));
	}
	return array;
}

/* Is any write or file of @plan in effect (made, not undone)? */
static bool plan_changed(const struct zap_plan *plan)
{
	for (size_t i = 0; plan && i < plan->nr_writes; i++)
		if (plan->writes[i].result == ZAP_WRITE_OK ||
		    plan->writes[i].result == ZAP_WRITE_UNDO_FAILED)
			return true;
	for (size_t i = 0; plan && i < plan->nr_files; i++)
		if (plan->files[i].result == ZAP_WRITE_OK ||
		    plan->files[i].result == ZAP_WRITE_UNDO_FAILED)
			return true;
	return false;
}

/*
 * One element of "refused": {"kind", "apqns", "mdev"}; "mdev" is the other
 * mdev or definition in the way when the refusal names two, else the one
 * it names, null when none.
 */
static struct json_object *refusal_object(const struct zap_problem *p)
{
	struct json_object *obj = checked(json_object_new_object());

	add(obj, "kind",
	    checked(json_object_new_string(zap_problem_kind_name(p->kind))));
	add(obj, "apqns", apqn_array(p->nr_apqns, p->apqns));
	add(obj, "mdev", p->nr_mdevs ?
	    string_or_null(p->mdevs[p->nr_mdevs - 1]) : NULL);
	return obj;
}

/* "error" of a refused plan: its refusals' messages, joined by "; ". */
static struct json_object *refusal_messages(const struct zap_plan *plan)
{
	struct json_object *obj;
	size_t size = 1;
	char *text;

	for (size_t i = 0; i < plan->refusals.count; i++)
		size += strlen(plan->refusals.items[i].message) + 2;
	text = calloc(1, size);
	if (!text) {
		chzap_warn("out of memory");
		exit(ZAP_STATUS_NOT_FOUND);
	}
	for (size_t i = 0; i < plan->refusals.count; i++) {
		if (i)
			strcat(text, "; ");
		strcat(text, plan->refusals.items[i].message);
	}
	obj = checked(json_object_new_string(text));
	free(text);
	return obj;
}

/* Print the one JSON object of --json for this outcome on stdout. */
void report_json(const struct chzap *c, const struct zap_plan *plan,
		 int status, const char *error)
{
	struct json_object *root = checked(json_object_new_object());
	struct json_object *moved = checked(json_object_new_object());
	struct json_object *refusals = checked(json_object_new_array());
	bool done = plan && status == ZAP_STATUS_OK;
	/* --dry-run: what an apply would do (Ansible's check mode) */
	bool planned = c->dry_run && done;
	bool changed = plan && planned ? !plan->nothing_to_do :
		       plan_changed(plan);

	add(root, "version", checked(json_object_new_int(CHZAP_JSON_VERSION)));
	add(root, "changed", checked(json_object_new_boolean(changed)));
	add(root, "uuid", string_or_null(plan ? plan->change.uuid :
					 c->change.uuid));
	add(root, "writes", writes_array(plan, planned));
	/* what moved, was assigned, unassigned: only a change that was made */
	add(moved, "host_to_vfio", apqn_array(done ? plan->nr_to_vfio : 0,
					      done ? plan->to_vfio : NULL));
	add(moved, "vfio_to_host", apqn_array(done ? plan->nr_to_host : 0,
					      done ? plan->to_host : NULL));
	add(root, "apqns_moved", moved);
	add(root, "assigned", apqn_array(done ? plan->nr_assigned : 0,
					 done ? plan->assigned : NULL));
	add(root, "unassigned", apqn_array(done ? plan->nr_unassigned : 0,
					   done ? plan->unassigned : NULL));
	for (size_t i = 0; plan && i < plan->refusals.count; i++)
		append(refusals, refusal_object(&plan->refusals.items[i]));
	add(root, "refused", refusals);
	add(root, "persistent",
	    checked(json_object_new_boolean(!plan || plan->persistent)));
	if (error)
		add(root, "error", checked(json_object_new_string(error)));
	else if (plan && plan->refusals.count)
		add(root, "error", refusal_messages(plan));
	else
		add(root, "error", NULL);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_FLAGS));
	json_object_put(root);
}
