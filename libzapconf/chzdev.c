// SPDX-License-Identifier: MIT
/*
 * chzdev.c - chzdev's persistent host masks, etc/udev/rules.d/41-ap.rules
 * (interop.md 4): parsed as the udev rules set the masks (the last
 * assignment of each wins), loaded into the model, rendered in chzdev's
 * shape with both masks. Masks are judged as the kernel would (P1).
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What the problem texts call chzdev's file. */
#define ZAP_RULES_NAME "41-ap.rules"

/* The two masks 41-ap.rules may set, by index. */
static const char *const mask_names[2] = { "apmask", "aqmask" };

/* What the rules parser has found so far. */
struct rules_masks {
	bool has[2];
	struct zap_bitmap mask[2];
};

/*
 * Find an ATTR{...apmask}="VALUE" / ATTR{...aqmask}="VALUE" assignment
 * in [@s, @end): *@which = 0 (apmask) or 1 (aqmask), the value in
 * [*@value, *@value_end) (*@value_end = NULL: no closing quote).
 * Returns: the position after it, NULL if there is none.
 */
static const char *find_mask_attr(const char *s, const char *end, int *which,
				  const char **value, const char **value_end)
{
	const char *key, *close, *p;
	size_t klen;
	int i;

	while ((key = memmem(s, (size_t)(end - s), "ATTR{", 5))) {
		key += 5;
		close = memchr(key, '}', (size_t)(end - key));
		if (!close)
			return NULL;
		s = close + 1;
		klen = (size_t)(close - key);
		for (i = 0; i < 2; i++)
			if (klen >= 6 &&
			    memcmp(close - 6, mask_names[i], 6) == 0)
				break;
		if (i == 2)
			continue;
		p = close + 1;
		if (p < end && *p == ':')
			p++;
		if (end - p < 2 || p[0] != '=' || p[1] != '"')
			continue;
		*which = i;
		*value = p + 2;
		*value_end = memchr(*value, '"', (size_t)(end - *value));
		return *value_end ? *value_end + 1 : end;
	}
	return NULL;
}

/* Apply the mask assignments of the line [@s, @end). Returns: 0; -EINVAL. */
static int parse_rules_line(const char *s, const char *end, unsigned int line,
			    struct rules_masks *rm, char *problem,
			    size_t size)
{
	const char *value, *value_end;
	struct zap_bitmap mask;
	char q[200];
	size_t n;
	int which;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end && *s == '#')
		return 0;
	while ((s = find_mask_attr(s, end, &which, &value, &value_end))) {
		n = (size_t)((value_end ? value_end : end) - value);
		if (!value_end ||
		    zap_mask_parse_absolute(&mask, value, n, NULL) != 0) {
			if (problem && size)
				snprintf(problem, size,
					 ZAP_RULES_NAME " line %u: invalid %s value '%s'",
					 line, mask_names[which],
					 zap_quote(value, n, q, sizeof(q)));
			return -EINVAL;
		}
		rm->has[which] = true;
		rm->mask[which] = mask;
	}
	return 0;
}

/* Read chzdev's 41-ap.rules text; see internal.h. */
int zap_chzdev_parse(const char *text, size_t len, bool *has_apmask,
			       struct zap_bitmap *apmask, bool *has_aqmask,
			       struct zap_bitmap *aqmask, char *problem,
			       size_t size)
{
	const char *s = text, *end = text + len, *nl, *eol;
	struct rules_masks rm;
	unsigned int line = 1;
	int rc = 0;

	memset(&rm, 0, sizeof(rm));
	if (problem && size)
		problem[0] = '\0';
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		eol = nl ? nl : end;
		rc = parse_rules_line(s, eol, line, &rm, problem, size);
		if (rc)
			break;
		s = nl ? nl + 1 : end;
		line++;
	}
	if (rc)
		memset(&rm, 0, sizeof(rm));
	*has_apmask = rm.has[0];
	*apmask = rm.mask[0];
	*has_aqmask = rm.has[1];
	*aqmask = rm.mask[1];
	return rc;
}

/* Fill model->has_rules and rules_* from model->paths.rules; see internal.h. */
int zap_chzdev_load(struct zap_model *model, struct zap_error *err)
{
	size_t len;
	char *text;
	int rc;

	struct zap_model_priv *priv = model->priv;
	struct zap_error boot_err;

	(void)err;
	/* the next boot's command line: an unreadable one is a boot problem */
	if (priv)
		memset(&priv->boot, 0, sizeof(priv->boot));
	if (priv && zap_boot_masks_read(&model->paths, &priv->boot, &boot_err)) {
		memset(&priv->boot, 0, sizeof(priv->boot));
		zap_bitmap_fill(&priv->boot.apmask.mask);
		zap_bitmap_fill(&priv->boot.aqmask.mask);
		snprintf(priv->boot.problem, sizeof(priv->boot.problem), "%.1000s",
			 boot_err.message);
	}
	if (priv)
		priv->boot_loaded = true;
	model->has_rules = false;
	model->rules_has_apmask = false;
	model->rules_has_aqmask = false;
	zap_bitmap_zero(&model->rules_apmask);
	zap_bitmap_zero(&model->rules_aqmask);
	model->rules_problem[0] = '\0';
	rc = zap_store_read_at(AT_FDCWD, model->paths.rules, &text, &len);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return 0;
	model->has_rules = true;
	if (rc == -EFBIG) {
		snprintf(model->rules_problem, sizeof(model->rules_problem),
			 ZAP_RULES_NAME ": file larger than 1 MiB");
		return 0;
	}
	if (rc) {
		snprintf(model->rules_problem, sizeof(model->rules_problem),
			 ZAP_RULES_NAME ": cannot read: %s", strerror(-rc));
		return 0;
	}
	// NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): rc 0 means text is set (analyzer takes errno 0 after a failed openat)
	zap_chzdev_parse(text, len, &model->rules_has_apmask,
			&model->rules_apmask, &model->rules_has_aqmask,
			&model->rules_aqmask, model->rules_problem,
			sizeof(model->rules_problem));
	free(text);
	return 0;
}

/* Render chzdev's 41-ap.rules with the masks given; see internal.h. */
char *zap_chzdev_render(const struct zap_bitmap *apmask,
		       const struct zap_bitmap *aqmask)
{
	char ap[ZAP_MASK_STRLEN + 48] = "", aq[ZAP_MASK_STRLEN + 48] = "";
	char mask[ZAP_MASK_STRLEN], *text;

	if (apmask) {
		zap_mask_print(apmask, mask);
		snprintf(ap, sizeof(ap), "ATTR{../../bus/ap/apmask}=\"%s\"\n",
			 mask);
	}
	if (aqmask) {
		zap_mask_print(aqmask, mask);
		snprintf(aq, sizeof(aq), "ATTR{../../bus/ap/aqmask}=\"%s\"\n",
			 mask);
	}
	if (asprintf(&text,
		     "# Generated by chzdev\n"
		     "ACTION==\"add\", DEVPATH==\"/bus/ap\", "
		     "ATTR{bindings_complete_count}!=\"0\", GOTO=\"cfg_ap\"\n"
		     "ACTION==\"change\", SUBSYSTEM==\"ap\", "
		     "DEVPATH==\"/devices/ap\", ENV{BINDINGS}==\"complete\", "
		     "ENV{COMPLETECOUNT}==\"1\", GOTO=\"cfg_ap\"\n"
		     "GOTO=\"end_ap\"\n"
		     "\n"
		     "LABEL=\"cfg_ap\"\n"
		     "\n"
		     "%s%s"
		     "RUN{builtin}+=\"kmod load vfio_ap\"\n"
		     "\n"
		     "LABEL=\"end_ap\"\n", ap, aq) < 0)
		return NULL;
	return text;
}
