// SPDX-License-Identifier: MIT
/*
 * fuzz_config.c - libFuzzer target for the zap-config(5) reader
 * (zap_config_parse), the input of chzap --apply.
 *
 * Input: the bytes of one document, in an allocation of exactly that size
 * (no terminating NUL: an over-read is an ASan report).
 *
 * Checked besides the sanitizers (and LeakSanitizer for json-c objects):
 *   - the verdict is 0 or -EINVAL (status USAGE, no configuration
 *     returned, a message on one line without control characters that
 *     starts with the document's name);
 *   - an accepted document is well formed: version 1, mdevs sorted by
 *     UUID with no UUID twice, queues ascending with none twice, a host
 *     part only with an ownership model;
 *   - written back by zap_config_format it parses to the same
 *     configuration, and writing that again gives the same text.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Report a broken property and abort, so that libFuzzer keeps the input. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_config: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* Is @config what the reader promises (sorted, unique, consistent)? */
static void check_well_formed(const struct zap_config *config)
{
	size_t i;

	if (config->version != ZAP_CONFIG_VERSION)
		fail("accepted version %u", config->version);
	for (i = 1; i < config->nr_mdevs; i++)
		if (strcmp(config->mdevs[i - 1].uuid, config->mdevs[i].uuid) >= 0)
			fail("mdevs not sorted or a UUID twice: %s",
			     config->mdevs[i].uuid);
	for (i = 1; i < config->nr_vfio_queues; i++)
		if (config->vfio_queues[i - 1] >= config->vfio_queues[i])
			fail("queues not ascending or one twice: %04x",
			     config->vfio_queues[i]);
	if (config->ownership != ZAP_CONFIG_OWNERSHIP_MASKS &&
	    (!zap_bitmap_empty(&config->vfio_adapters) ||
	     !zap_bitmap_empty(&config->vfio_domains)))
		fail("vfio_ap adapters or domains without the masks model");
	if (config->ownership != ZAP_CONFIG_OWNERSHIP_OVERRIDES &&
	    config->nr_vfio_queues)
		fail("vfio_ap queues without the overrides model");
}

/* Do two configurations say the same? */
static bool same_config(const struct zap_config *a, const struct zap_config *b)
{
	size_t i;

	if (a->version != b->version || a->ownership != b->ownership ||
	    !zap_bitmap_equal(&a->vfio_adapters, &b->vfio_adapters) ||
	    !zap_bitmap_equal(&a->vfio_domains, &b->vfio_domains) ||
	    a->nr_vfio_queues != b->nr_vfio_queues ||
	    a->nr_mdevs != b->nr_mdevs)
		return false;
	for (i = 0; i < a->nr_vfio_queues; i++)
		if (a->vfio_queues[i] != b->vfio_queues[i])
			return false;
	for (i = 0; i < a->nr_mdevs; i++)
		if (strcmp(a->mdevs[i].uuid, b->mdevs[i].uuid) ||
		    !zap_bitmap_equal(&a->mdevs[i].adapters,
				      &b->mdevs[i].adapters) ||
		    !zap_bitmap_equal(&a->mdevs[i].domains,
				      &b->mdevs[i].domains) ||
		    !zap_bitmap_equal(&a->mdevs[i].control_domains,
				      &b->mdevs[i].control_domains) ||
		    a->mdevs[i].autostart != b->mdevs[i].autostart)
			return false;
	return true;
}

/* A refusal: status, no configuration, one clean line naming "doc". */
static void check_refusal(int rc, const struct zap_config *config,
			  const struct zap_error *err)
{
	if (rc != -EINVAL)
		fail("zap_config_parse = %d", rc);
	if (config || err->status != ZAP_STATUS_USAGE || err->errnum != EINVAL)
		fail("refusal with a configuration or status %d",
		     (int)err->status);
	if (strncmp(err->message, "doc: ", 5) != 0)
		fail("message does not name the document: %s", err->message);
	for (const char *p = err->message; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fail("control character in the message: %s",
			     err->message);
}

/* libFuzzer entry point: one document's bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zap_config *config = (struct zap_config *)&config, *again;
	char *text = malloc(size ? size : 1), *out, *out2;
	struct zap_error err;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	zap_error_clear(&err);
	rc = zap_config_parse(text, size, "doc", &config, &err);
	free(text);
	if (rc) {
		check_refusal(rc, config, &err);
		return 0;
	}
	check_well_formed(config);
	if (zap_config_format(config, &out, &err))
		fail("zap_config_format: %s", err.message);
	if (zap_config_parse(out, strlen(out), "doc", &again, &err))
		fail("written back, refused: %s\n%s", err.message, out);
	if (!same_config(config, again))
		fail("written back, parses differently:\n%s", out);
	if (zap_config_format(again, &out2, &err) || strcmp(out, out2) != 0)
		fail("writing is not a fixed point:\n%s", out);
	free(out2);
	free(out);
	zap_config_free(again);
	zap_config_free(config);
	return 0;
}
