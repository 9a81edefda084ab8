// SPDX-License-Identifier: MIT
/*
 * plan_files.c - the persistent side of a plan: which mdevctl definition or
 * 41-ap.rules a change rewrites and with what text (read back first, for
 * the undo; an unusable file is refused, never rewritten). The rules are
 * the verdict's (verdict.c), not checked here.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Append one file change; takes @content and @old (either may be NULL). */
static int add_file(struct zap_builder *b, const char *path, char *content,
		    char *old)
{
	struct zap_plan *plan = b->plan;
	struct zap_file_change *grown, *f;

	grown = realloc(plan->files, (plan->nr_files + 1) * sizeof(*grown));
	if (!grown) {
		free(content);
		free(old);
		return -ENOMEM;
	}
	plan->files = grown;
	f = &grown[plan->nr_files++];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->content = content;
	f->old_content = old;
	f->result = ZAP_WRITE_PENDING;
	return 0;
}

/* Refuse the change because the file @path zap must rewrite is unusable. */
static int refuse_file(struct zap_builder *b, const char *uuid, const char *path,
		       const char *problem)
{
	return zap_problems_add(&b->plan->refusals,
				ZAP_PROBLEM_BAD_DEFINITION, uuid, NULL, path,
				NULL, NULL,
				"%s: %s: zap does not rewrite it (fix or remove it first)",
				path, problem);
}

/*
 * Read the persistent file @path that the plan rewrites, for its undo.
 * Returns: 1 (read: *@text, *@len); 0 (absent: *@text NULL); 2 (unusable:
 * refused, naming @uuid and the file); -ENOMEM.
 */
static int read_old_file(struct zap_builder *b, const char *uuid,
			 const char *path, char **text, size_t *len)
{
	char problem[300];
	int rc;

	*text = NULL;
	*len = 0;
	rc = zap_config_file_read(path, text, len);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return 0;
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0 && strlen(*text) == *len)
		return 1;
	if (rc == 0) {
		free(*text);
		*text = NULL;
		snprintf(problem, sizeof(problem), "contains a NUL byte");
	} else {
		snprintf(problem, sizeof(problem), "cannot read: %s",
			 rc == -EFBIG ? "file larger than 1 MiB" :
			 strerror(-rc));
	}
	rc = refuse_file(b, uuid, path, problem);
	return rc ? rc : 2;
}

/* The file of @uuid's definition: the one loaded, else the canonical name. */
static void definition_path(const struct zap_builder *b,
			    const struct zap_mdev *mdev, const char *uuid,
			    char *path, size_t size)
{
	const struct zap_model *model = b->model;

	if (mdev && mdev->definition >= 0)
		snprintf(path, size, "%s",
			 model->definitions[mdev->definition].path);
	else
		snprintf(path, size, "%s/%s", model->paths.mdevctl, uuid);
}

/*
 * Read @uuid's definition at @path into @def (its text in *@old).
 * Returns: 1 (valid); 0 (absent); 2 (unusable: refused); -ENOMEM.
 */
static int read_old_definition(struct zap_builder *b, const char *uuid,
			       const char *path, char **old, size_t *len,
			       struct zap_definition *def)
{
	int rc = read_old_file(b, uuid, path, old, len);

	if (rc != 1)
		return rc;
	memset(def, 0, sizeof(*def));
	zap_definition_parse(def, *old, *len);
	if (def->valid)
		return 1;
	free(*old);
	*old = NULL;
	rc = refuse_file(b, uuid, path, def->problem);
	return rc ? rc : 2;
}

/* Rewrite @path with @text unless it holds that already. */
static int add_definition_file(struct zap_builder *b, const char *path,
			       char *text, char *old)
{
	if (old && strcmp(old, text) == 0) {
		free(text);
		free(old);
		return 0;
	}
	return add_file(b, path, text, old);
}

/*
 * Plan the definition side of ASSIGN, UNASSIGN and CREATE: the definition
 * (created, "start": "auto", from the active assignment when missing) gains
 * or loses the ids named.
 */
int zap_plan_definition(struct zap_builder *b, const struct zap_mdev *mdev,
			const char *uuid)
{
	struct zap_apqn_set old_set = { { { 0 } }, { { 0 } } }, new_set;
	struct zap_bitmap new_c;
	struct zap_definition def;
	char path[700], problem[256], *old, *text;
	bool autostart = true;
	size_t len;
	int rc;

	definition_path(b, mdev, uuid, path, sizeof(path));
	rc = read_old_definition(b, uuid, path, &old, &len, &def);
	if (rc < 0 || rc == 2)
		return rc < 0 ? rc : 0;
	if (rc == 1) {
		old_set = def.matrix;
		autostart = def.autostart;
	} else if (mdev && mdev->active) {
		old_set = mdev->matrix;
	}
	/* the new text is the definition the what-if made */
	rc = zap_builder_after(b, uuid, true, &new_set, &new_c);
	if (!rc && !b->live) {
		rc = zap_set_difference(&b->assigned, &new_set, &old_set, NULL);
		if (!rc)
			rc = zap_set_difference(&b->unassigned, &old_set, &new_set,
					    NULL);
	}
	if (!rc)
		rc = zap_definition_render(old, len, autostart, &new_set, &new_c,
					   &text, problem, sizeof(problem));
	if (rc) {
		free(old);
		return rc;
	}
	return add_definition_file(b, path, text, old);
}

/* Plan the definition side of REMOVE: delete the definition, if any. */
int zap_plan_undefine(struct zap_builder *b, const struct zap_mdev *mdev)
{
	char path[700], *old;
	size_t len;
	int rc;

	// NOLINTNEXTLINE(clang-analyzer-core.NullDereference): REMOVE always has an mdev (analyzer forgets change.kind)
	if (mdev->definition < 0)
		return 0;
	definition_path(b, mdev, mdev->uuid, path, sizeof(path));
	rc = read_old_file(b, mdev->uuid, path, &old, &len);
	if (rc != 1)
		return rc < 0 ? rc : 0;
	return add_file(b, path, NULL, old);
}

/* Plan AUTOSTART: flip "start" of the definition, nothing else. */
int zap_plan_autostart(struct zap_builder *b, const struct zap_mdev *mdev)
{
	const struct zap_change *c = &b->plan->change;
	struct zap_definition def;
	char path[700], problem[256], *old, *text;
	size_t len;
	int rc;

	definition_path(b, mdev, mdev->uuid, path, sizeof(path));
	rc = read_old_definition(b, mdev->uuid, path, &old, &len, &def);
	if (rc < 0 || rc == 2)
		return rc < 0 ? rc : 0;
	if (rc == 0)
		return zap_error_set(b->err, ENODEV, ZAP_STATUS_NOT_FOUND,
				     "mdev %s has no mdevctl definition (%s is gone)",
				     mdev->uuid, path);
	// NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): rc 1 means def is filled; zap_problems_add() returns 0 or -ENOMEM
	if (def.autostart == c->autostart) {
		free(old);
		return 0;
	}
	rc = zap_definition_render(old, len, c->autostart, NULL, NULL, &text,
				   problem, sizeof(problem));
	if (rc) {
		free(old);
		return rc;
	}
	return add_definition_file(b, path, text, old);
}

/*
 * Plan the persistent side of TO_VFIO / TO_HOST: 41-ap.rules as the what-if
 * (b->after) has it, only the masks it sets (chzdev's layout); the file is
 * deleted when the what-if has none. The queues that change owner at boot
 * are those of the boot model before and after.
 */
int zap_plan_rules(struct zap_builder *b)
{
	const struct zap_model *model = b->model, *after = b->after;
	const char *path = model->paths.rules;
	struct zap_apqn_set base = zap_model_boot_host(model);
	struct zap_apqn_set new_host = zap_model_boot_host(after);
	const struct zap_model *present =
		(model->loaded & ZAP_LOAD_QUEUES) ? model : NULL;
	struct zap_bitmap ap, aq;
	bool has_ap, has_aq;
	char problem[256], *old, *text = NULL;
	size_t len;
	int rc;

	rc = read_old_file(b, NULL, path, &old, &len);
	if (rc < 0 || rc == 2)
		return rc < 0 ? rc : 0;
	if (old && zap_chzdev_parse(old, len, &has_ap, &ap, &has_aq, &aq,
				   problem, sizeof(problem))) {
		free(old);
		return refuse_file(b, NULL, path, problem);
	}
	rc = 0;
	if (!b->live) {
		rc = zap_set_difference(&b->to_vfio, &base, &new_host, present);
		if (!rc)
			rc = zap_set_difference(&b->to_host, &new_host, &base,
					    present);
	}
	/* the what-if left the file as it is */
	if (rc || (after->has_rules == model->has_rules &&
		   after->rules_has_apmask == model->rules_has_apmask &&
		   after->rules_has_aqmask == model->rules_has_aqmask &&
		   zap_bitmap_equal(&after->rules_apmask, &model->rules_apmask) &&
		   zap_bitmap_equal(&after->rules_aqmask, &model->rules_aqmask))) {
		free(old);
		return rc;
	}
	if (after->has_rules) {
		text = zap_chzdev_render(after->rules_has_apmask ?
					 &after->rules_apmask : NULL,
					 after->rules_has_aqmask ?
					 &after->rules_aqmask : NULL);
		if (!text) {
			free(old);
			return -ENOMEM;
		}
	}
	if (!old && !text)
		return 0;
	if (old && text && strcmp(old, text) == 0) {
		free(old);
		free(text);
		return 0;
	}
	return add_file(b, path, text, old);
}
