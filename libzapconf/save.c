// SPDX-License-Identifier: MIT
/*
 * save.c - chzap --save: the document that makes the persistent
 * configuration equal the live one. It is the live model's own document
 * (zap_config_from_model), whose mdevs without a valid definition get the
 * "start" asked for; its -P plan (zap_config_plan) is then judged by the one
 * audit like any persistent change.
 *
 * Copyright zap developers 2026
 */
#include <stdbool.h>

#include "internal.h"

/* Has the active mdev @uuid of @model a valid mdevctl definition? */
static bool defined(const struct zap_model *model, const char *uuid)
{
	int k = zap_model_find_mdev(model, uuid);
	int d;

	if (k < 0)
		return false;
	d = model->mdevs[k].definition;
	return d >= 0 && model->definitions[d].valid;
}

/* The live @model's document for --save, new definitions' start set. */
ZAP_EXPORT int zap_config_save(const struct zap_model *model,
			       const char *uuid, bool autostart,
			       struct zap_config **config,
			       struct zap_error *err)
{
	int rc = zap_config_from_model(model, uuid, config, err);

	if (rc)
		return rc;
	/* an existing definition keeps its "start" (from_model read it) */
	for (size_t i = 0; i < (*config)->nr_mdevs; i++)
		if (!defined(model, (*config)->mdevs[i].uuid))
			(*config)->mdevs[i].autostart = autostart;
	return 0;
}
