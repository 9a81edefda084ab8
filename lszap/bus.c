// SPDX-License-Identifier: MIT
/*
 * bus.c - lszap -b: the AP bus as "key: value" lines, the keys named as in
 * the JSON "bus" object (plus ap_domain), "-" for what this kernel lacks.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>

#include "lszap.h"

/* Print "key: mask", or "key: -" when the kernel has no QCI. */
static void print_mask(const char *key, bool known,
		       const struct zap_bitmap *bits)
{
	char text[ZAP_MASK_STRLEN];

	if (!known) {
		printf("%s: -\n", key);
		return;
	}
	zap_mask_print(bits, text);
	printf("%s: %s\n", key, text);
}

/* Print the bus as "key: value" lines (-b). */
int bus_print(const struct lszap *l)
{
	const struct zap_bus *bus = &l->model->bus;

	print_mask("apmask", true, &bus->apmask);
	print_mask("aqmask", true, &bus->aqmask);
	print_mask("adapter_mask", bus->has_qci, &bus->adapter_mask);
	print_mask("usage_domain_mask", bus->has_qci, &bus->usage_domain_mask);
	print_mask("control_domain_mask", bus->has_qci,
		   &bus->control_domain_mask);
	printf("max_adapter_id: 0x%x\n", bus->max_adapter_id);
	printf("max_domain_id: 0x%x\n", bus->max_domain_id);
	if (bus->ap_domain >= 0)
		printf("ap_domain: 0x%x\n", bus->ap_domain);
	else
		printf("ap_domain: -\n");
	printf("features: %s\n", bus->has_features && bus->features[0] ?
	       bus->features : "-");
	printf("vfio_ap: %s\n", bus->vfio_ap ? "yes" : "no");
	if (bus->vfio_ap && bus->available_instances >= 0)
		printf("available_instances: %ld\n", bus->available_instances);
	else
		printf("available_instances: -\n");
	return 0;
}
