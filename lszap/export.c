// SPDX-License-Identifier: MIT
/*
 * export.c - lszap --export: the configuration as one zap-config(5)
 * document (the host's masks and every active mdev, or with -m one mdev
 * and nothing of the host; with --persistent the configuration after a
 * reboot). The library builds and writes the document; this file prints it.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lszap.h"

/* The model bits --export needs. */
unsigned int export_load_bits(void)
{
	/* the queues' overrides: the ownership model */
	return ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS | ZAP_LOAD_QUEUES;
}

/* Print the document of l->model (of mdev -m only, when given). */
int export_print(const struct lszap *l)
{
	struct zap_config *config;
	struct zap_error err;
	char *text;

	zap_error_clear(&err);
	if (zap_config_from_model(l->model, l->filter.has_mdev ?
				  l->filter.mdev_uuid : NULL, &config, &err)) {
		/* the unreadable files are named after the view, as for all */
		if (err.errnum == EIO)
			lszap_warn("nothing exported: the configuration could not be read completely");
		else
			lszap_warn("%s", err.message);
		return (int)err.status;
	}
	if (zap_config_format(config, &text, &err)) {
		zap_config_free(config);
		lszap_warn("%s", err.message);
		return (int)err.status;
	}
	fputs(text, stdout);
	free(text);
	zap_config_free(config);
	return 0;
}
