// SPDX-License-Identifier: MIT
/*
 * rules_override.c - the audit's checks of the driver_override ownership
 * model (driver-override.md): overrides next to restricted masks
 * (mixed-ownership), switches not finished (override-pending), and what
 * the overrides model breaks at boot (boot-conflict). rules.c runs them
 * from zap_rules_check(), the one audit.
 *
 * Copyright zap developers 2026
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Queues bound to another driver than their driver_override names: a
 * switch that was not finished (the probe after the override write).
 */
static int check_pending(const struct zap_model *model,
			 struct zap_problems *out)
{
	struct zap_apqn_list list = { 0 };
	int rc = 0;

	for (size_t i = 0; i < model->nr_queues && !rc; i++) {
		const struct zap_queue *q = &model->queues[i];

		if (q->driver_override[0] &&
		    (q->driver == ZAP_DRIVER_CEX4QUEUE ||
		     q->driver == ZAP_DRIVER_VFIO_AP) &&
		    strcmp(zap_driver_name(q->driver), q->driver_override))
			rc = zap_apqn_list_add(&list,
				zap_apqn_number(q->adapter, q->domain));
	}
	if (!rc && list.count)
		rc = zap_problems_add(out, ZAP_PROBLEM_OVERRIDE_PENDING, NULL,
				      NULL, NULL, NULL, &list,
				      "%zu queue%s bound to another driver than %s driver_override names (a switch not finished: 'chzap --recover', or 'chzap --vfio' / '--host' with the queue)",
				      list.count, list.count == 1 ? " is" : "s are",
				      list.count == 1 ? "its" : "their");
	free(list.items);
	return rc;
}

/*
 * The ownership model (driver-override.md): overrides next to restricted
 * masks (mixed); what breaks at boot in the overrides model: a 41-ap.rules
 * mask write (DO-39) and autostart definitions holding APQNs that only an
 * override gives to vfio_ap (mdevctl's ap-check knows only the masks).
 */
int zap_rules_check_ownership(const struct zap_model *model,
			      struct zap_problems *out)
{
	enum zap_ownership own = zap_model_ownership(model);
	struct zap_apqn_set boot = zap_rules_persistent_host_set(model);
	struct zap_apqn_list list = { 0 };
	char label[ZAP_LABEL_LEN];
	unsigned int a, d;
	int rc = 0;

	if (own == ZAP_OWNERSHIP_MASKS)
		return 0;
	for (size_t i = 0; i < model->nr_queues && !rc; i++)
		if (model->queues[i].driver_override[0])
			rc = zap_apqn_list_add(&list,
				zap_apqn_number(model->queues[i].adapter,
						model->queues[i].domain));
	if (!rc)
		rc = check_pending(model, out);
	if (!rc && own == ZAP_OWNERSHIP_MIXED)
		rc = zap_problems_add(out, ZAP_PROBLEM_MIXED_OWNERSHIP, NULL,
				      NULL, NULL, NULL, &list,
				      "%zu queue%s %s a driver_override while apmask/aqmask are not all ones (boot parameters ap.apmask=/ap.aqmask=?): every mask write fails (EINVAL); clear the overrides or drop the mask parameters",
				      list.count, list.count == 1 ? "" : "s",
				      list.count == 1 ? "has" : "have");
	if (!rc && own == ZAP_OWNERSHIP_OVERRIDES && model->has_rules &&
	    (model->rules_has_apmask || model->rules_has_aqmask))
		rc = zap_problems_add(out, ZAP_PROBLEM_BOOT_CONFLICT, NULL, NULL,
				      model->paths.rules, NULL, NULL,
				      "%s writes apmask/aqmask but this host uses driver_override: the write fails at boot once an override is applied (EINVAL); remove the file",
				      model->paths.rules);
	for (size_t i = 0; i < model->nr_definitions && !rc; i++) {
		const struct zap_definition *def = &model->definitions[i];

		if (!def->valid || !def->autostart)
			continue;
		list.count = 0;
		zap_for_each_set_bit(a, &def->matrix.adapters)
			zap_for_each_set_bit(d, &def->matrix.domains)
				if (!rc && zap_apqn_set_test(&boot, a, d) &&
				    !zap_model_host_owned(model, a, d))
					rc = zap_apqn_list_add(&list,
						zap_apqn_number(a, d));
		if (rc || !list.count)
			continue;
		rc = zap_problems_add(out, ZAP_PROBLEM_BOOT_CONFLICT, def->uuid,
				      NULL, def->path, NULL, &list,
				      "%s (%s) holds APQNs that only a driver_override gives to vfio_ap: mdevctl's ap-check (masks only) refuses its start at boot; make it start manually and start it after the overrides",
				      zap_mdev_label(model, label, sizeof(label),
						     ZAP_HOLDER_AUTOSTART, false,
						     def->uuid), def->path);
		if (!rc)
			zap_problems_set_holders(out, ZAP_HOLDER_AUTOSTART,
						 ZAP_HOLDER_NONE);
	}
	free(list.items);
	return rc;
}
