// SPDX-License-Identifier: MIT
/*
 * free.c - lszap --free: the APQNs an mdev could take now, as
 * zap_free_apqns() finds them (vfio pool, in no active mdev and no
 * autostart definition, queue present, configured, not checkstopped,
 * hwtype >= 10), narrowed by -a, -d, --type, --mode and APQN arguments.
 * The table, the JSON "free" array and the -x picture all ask here.
 *
 * Copyright zap developers 2026
 */
#include <stdlib.h>
#include <string.h>

#include "lszap.h"

/* Parse --mode (cca, ep11, accel) into the free filter; exit 1 if bad. */
void free_parse_mode(struct lszap *l, const char *text)
{
	if (!strcmp(text, "cca"))
		l->free_filter.mode = ZAP_MODE_CCA;
	else if (!strcmp(text, "ep11"))
		l->free_filter.mode = ZAP_MODE_EP11;
	else if (!strcmp(text, "accel"))
		l->free_filter.mode = ZAP_MODE_ACCEL;
	else
		lszap_usage_error("unknown mode '%s': use cca, ep11 or accel",
				  text);
}

/* Check --type (a card type such as CEX8C) into the free filter; exit 1. */
void free_parse_type(struct lszap *l, const char *text)
{
	size_t len = strlen(text), i;

	if (!len || len >= sizeof(l->free_filter.type))
		lszap_usage_error("invalid card type '%s': a type such as CEX8C",
				  text);
	for (i = 0; i < len; i++)
		if (!((text[i] >= 'A' && text[i] <= 'Z') ||
		      (text[i] >= 'a' && text[i] <= 'z') ||
		      (text[i] >= '0' && text[i] <= '9')))
			lszap_usage_error("invalid card type '%s': a type such as CEX8C",
					  text);
	memcpy(l->free_filter.type, text, len + 1);
}

/* The model bits --free needs (zap_free_apqns()). */
unsigned int free_load_bits(void)
{
	return ZAP_LOAD_CARDS | ZAP_LOAD_QUEUE_STATE | ZAP_LOAD_MDEVS |
		ZAP_LOAD_DEFINITIONS;
}

/* Compute l->free_apqns once (zap_free_apqns() with -a, -d, --type, --mode). */
void free_compute(struct lszap *l)
{
	struct zap_free_filter *ff = &l->free_filter;

	if (l->free_apqns)
		return;
	l->free_apqns = calloc(ZAP_IDS, sizeof(*l->free_apqns));
	if (!l->free_apqns)
		lszap_oom();
	/* an empty set means every id: -a and -d lists are never empty */
	if (l->filter.has_adapters)
		ff->adapters = l->filter.adapters;
	if (l->filter.has_domains)
		ff->domains = l->filter.domains;
	zap_free_apqns(l->model, ff, l->free_apqns);
}

/* Is the APQN free and selected by the APQN arguments? */
bool free_apqn(struct lszap *l, unsigned int adapter, unsigned int domain)
{
	free_compute(l);
	return zap_bitmap_test(&l->free_apqns[adapter], domain) &&
		filter_apqn(l, adapter, domain);
}
