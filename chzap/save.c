// SPDX-License-Identifier: MIT
/*
 * save.c - chzap --save [-m UUID] [--autostart no]: have libzapconf turn
 * the live configuration into a document (zap_config_save) whose
 * persistent-only plan is then built, checked and written like that of
 * --apply -P (apply.c). Which mdevs, which "start": the library's job.
 *
 * Copyright zap developers 2026
 */
#include "chzap.h"

/* The live @model as the document --save makes persistent, in c->config. */
int save_read(struct chzap *c, const struct zap_model *model,
	      struct zap_error *err)
{
	return zap_config_save(model, c->save_mdev ? c->change.uuid : NULL,
			       c->change.autostart, &c->config, err);
}
