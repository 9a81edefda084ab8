// SPDX-License-Identifier: MIT
/*
 * config_write.c - the writing side of the configuration document of
 * zap-config(5): the document of a loaded model (the host's masks or
 * overrides, the active mdevs) and its text, as lszap --export prints it.
 * config_file.c reads and checks documents.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "internal.h"

/* ---------------------------------------------------------- from a model */

/* Is @mdev defined by a valid definition that autostarts? */
static bool mdev_autostart(const struct zap_model *model,
			   const struct zap_mdev *mdev)
{
	const struct zap_definition *def;

	if (mdev->definition < 0 ||
	    (size_t)mdev->definition >= model->nr_definitions)
		return false;
	def = &model->definitions[mdev->definition];
	return def->valid && def->autostart;
}

/* The state of @model (or of its active mdev @uuid) as a document. */
ZAP_EXPORT int zap_config_from_model(const struct zap_model *model,
				     const char *uuid,
				     struct zap_config **config,
				     struct zap_error *err)
{
	struct zap_config *c;
	char quoted[200];
	size_t i;
	int index = -1;

	*config = NULL;
	if (model->nr_unreadable)
		return zap_error_set(err, EIO, ZAP_STATUS_NOT_FOUND,
				     "the configuration could not be read completely: %s",
				     model->unreadable[0]);
	if (uuid) {
		index = zap_model_find_mdev(model, uuid);
		zap_quote(uuid, strlen(uuid), quoted, sizeof(quoted));
		if (index < 0)
			return zap_error_set(err, ENODEV, ZAP_STATUS_NOT_FOUND,
					     "unknown mdev %s", quoted);
		if (!model->mdevs[index].active)
			return zap_error_set(err, ENODEV, ZAP_STATUS_NOT_FOUND,
					     "mdev %s is not active (only defined)",
					     quoted);
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->mdevs = calloc(model->nr_mdevs ? model->nr_mdevs : 1,
				  sizeof(*c->mdevs));
	if (!c || !c->mdevs) {
		zap_config_free(c);
		return zap_config_out_of_memory(err);
	}
	c->version = ZAP_CONFIG_VERSION;
	if (!uuid && zap_model_ownership(model) == ZAP_OWNERSHIP_MIXED) {
		zap_config_free(c);
		return zap_error_set(err, EINVAL, ZAP_STATUS_REFUSED,
				     "ownership is mixed (a driver_override while apmask/aqmask are not all ones): no document describes this host (lszap --check)");
	}
	if (!uuid && zap_model_ownership(model) == ZAP_OWNERSHIP_OVERRIDES) {
		/* the queues an override gives to vfio_ap, one by one */
		c->ownership = ZAP_CONFIG_OWNERSHIP_OVERRIDES;
		c->vfio_queues = calloc(model->nr_queues ? model->nr_queues : 1,
					sizeof(*c->vfio_queues));
		if (!c->vfio_queues) {
			zap_config_free(c);
			return zap_config_out_of_memory(err);
		}
		for (i = 0; i < model->nr_queues; i++)
			if (!zap_model_host_owned(model, model->queues[i].adapter,
						  model->queues[i].domain))
				c->vfio_queues[c->nr_vfio_queues++] =
					zap_apqn_number(model->queues[i].adapter,
							model->queues[i].domain);
	} else if (!uuid) {
		c->ownership = ZAP_CONFIG_OWNERSHIP_MASKS;
		zap_bitmap_complement(&c->vfio_adapters, &model->bus.apmask);
		zap_bitmap_complement(&c->vfio_domains, &model->bus.aqmask);
	}
	for (i = 0; i < model->nr_mdevs; i++) {
		const struct zap_mdev *m = &model->mdevs[i];
		struct zap_config_mdev *out;

		if (!m->active || (uuid && (int)i != index))
			continue;
		out = &c->mdevs[c->nr_mdevs++];
		snprintf(out->uuid, sizeof(out->uuid), "%s", m->uuid);
		out->adapters = m->matrix.adapters;
		out->domains = m->matrix.domains;
		out->control_domains = m->control_domains;
		out->autostart = mdev_autostart(model, m);
	}
	qsort(c->mdevs, c->nr_mdevs, sizeof(*c->mdevs), zap_config_mdev_cmp);
	*config = c;
	return 0;
}

/* --------------------------------------------------------------- writing */

/* Add @key: @value to @obj; false when out of memory. */
static bool add(struct json_object *obj, const char *key,
		struct json_object *value)
{
	if (!value || json_object_object_add(obj, key, value)) {
		json_object_put(value);
		return false;
	}
	return true;
}

/* Append @value to @arr; false when @value is NULL (ENOMEM) or not added. */
static bool push(struct json_object *arr, struct json_object *value)
{
	if (!value || json_object_array_add(arr, value)) {
		json_object_put(value);
		return false;
	}
	return true;
}

/* The ids of @ids as a JSON array of integers, ascending; NULL on ENOMEM. */
static struct json_object *id_array(const struct zap_bitmap *ids)
{
	struct json_object *arr = json_object_new_array();
	unsigned int id;

	if (!arr)
		return NULL;
	zap_for_each_set_bit(id, ids)
		if (!push(arr, json_object_new_int((int)id))) {
			json_object_put(arr);
			return NULL;
		}
	return arr;
}

/* The queues of @config as a JSON array of "AA.DDDD"; NULL on ENOMEM. */
static struct json_object *queue_array(const struct zap_config *config)
{
	struct json_object *arr = json_object_new_array();
	char apqn[ZAP_APQN_STRLEN];
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < config->nr_vfio_queues; i++) {
		zap_apqn_print(config->vfio_queues[i] >> 8,
			       config->vfio_queues[i] & 0xff, apqn);
		if (!push(arr, json_object_new_string(apqn))) {
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

/* "vfio_ap" of @config; NULL on ENOMEM. */
static struct json_object *vfio_object(const struct zap_config *config)
{
	struct json_object *obj = json_object_new_object();
	bool ok;

	if (!obj)
		return NULL;
	if (config->ownership == ZAP_CONFIG_OWNERSHIP_MASKS)
		ok = add(obj, "adapters", id_array(&config->vfio_adapters)) &&
		     add(obj, "domains", id_array(&config->vfio_domains));
	else
		ok = add(obj, "queues", queue_array(config));
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* One element of "mdevs"; NULL on ENOMEM. */
static struct json_object *mdev_object(const struct zap_config_mdev *mdev)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (!add(obj, "uuid", json_object_new_string(mdev->uuid)) ||
	    !add(obj, "adapters", id_array(&mdev->adapters)) ||
	    !add(obj, "domains", id_array(&mdev->domains)) ||
	    !add(obj, "control_domains", id_array(&mdev->control_domains)) ||
	    !add(obj, "autostart", json_object_new_boolean(mdev->autostart))) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* Print @obj on one line to @out and put it; false if it is NULL. */
static bool put_value(FILE *out, struct json_object *obj)
{
	if (!obj)
		return false;
	fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_SPACED |
					     JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	json_object_put(obj);
	return true;
}

/* The JSON text of @config, as lszap --export prints it. */
ZAP_EXPORT int zap_config_format(const struct zap_config *config,
				 char **text, struct zap_error *err)
{
	const char *ownership = zap_config_ownership_name(config->ownership);
	size_t size = 0, i;
	bool ok = true;
	FILE *out;

	*text = NULL;
	out = open_memstream(text, &size);
	if (!out)
		return zap_config_out_of_memory(err);
	fprintf(out, "{\n  \"version\": %u,\n", config->version);
	if (ownership) {
		fprintf(out, "  \"ownership\": \"%s\",\n  \"vfio_ap\": ",
			ownership);
		ok = put_value(out, vfio_object(config));
		fputs(",\n", out);
	}
	fputs("  \"mdevs\": [", out);
	for (i = 0; ok && i < config->nr_mdevs; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		ok = put_value(out, mdev_object(&config->mdevs[i]));
	}
	fputs(config->nr_mdevs ? "\n  ]\n}\n" : "]\n}\n", out);
	if (fclose(out) || !ok) {
		free(*text);
		*text = NULL;
		return zap_config_out_of_memory(err);
	}
	return 0;
}
