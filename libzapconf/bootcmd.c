// SPDX-License-Identifier: MIT
/*
 * bootcmd.c - the AP masks the next boot's kernel starts with, from its
 * command line (interop.md 4, driver-override.md DO-36, DO-37): which
 * command line boots next (the BLS entries, else the zipl.conf sections that
 * may boot, read by zipl_conf.c, else the running boot's proc/cmdline), how
 * the kernel splits it into parameters and takes ap.apmask= / ap.aqmask=
 * from it, what happens when the entries disagree, and the one rule that
 * 41-ap.rules wins where it sets a mask. The mask values themselves are
 * parsed by mask.c.
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest value the kernel's param_set_charp() takes (longer: -ENOSPC). */
#define CHARP_MAX 1024

/* ------------------------------------------------- kernel command line */

/* The kernel's isspace(): '\t' to '\r', ' ', and 0xa0 (its Latin-1 NBSP). */
static bool kernel_isspace(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

/* The kernel's skip_spaces(). */
static char *kernel_skip_spaces(char *s)
{
	while (kernel_isspace(*s))
		s++;
	return s;
}

/*
 * One word at @args as the kernel's next_arg() takes it: split at its first
 * '=' (not at index 0) into *@param and *@val (NULL without '='), blanks
 * inside double quotes kept, a quote opening the word or the value and the
 * word's last quote removed, terminated in place. Returns the next word.
 */
static char *kernel_next_arg(char *args, char **param, char **val)
{
	bool in_quote = false, quoted = false;
	size_t i, equals = 0;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (kernel_isspace(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return kernel_skip_spaces(args);
}

/* The kernel's parameq(): equal names, '-' and '_' alike. */
static bool kernel_param_equal(const char *a, const char *b)
{
	char x, y;

	for (; *a || *b; a++, b++) {
		x = *a == '-' ? '_' : *a;
		y = *b == '-' ? '_' : *b;
		if (x != y)
			return false;
	}
	return true;
}

/* Fill @p from @val, the value of the last ap.*mask= (NULL: not given). */
static void param_from_value(struct zap_boot_param *p, const char *val)
{
	size_t len;

	memset(p, 0, sizeof(*p));
	if (!val) {
		zap_bitmap_fill(&p->mask);
		return;
	}
	p->set = true;
	len = strlen(val);
	memcpy(p->text, val, len < sizeof(p->text) ? len : sizeof(p->text) - 1);
	/* ap_perms_init(): zeroed first, the parse commits only on success. */
	zap_bitmap_zero(&p->mask);
	if (len && zap_mask_parse(&p->mask, NULL, val, len, NULL))
		p->malformed = true;
}

/* ap.apmask= / ap.aqmask= of the command line @text, as ap_perms_init(). */
ZAP_EXPORT int zap_boot_cmdline_parse(const char *text, size_t len,
				      struct zap_boot_param *apmask,
				      struct zap_boot_param *aqmask)
{
	const char *apval = NULL, *aqval = NULL;
	char *copy, *args, *param, *val;

	copy = strndup(text, len);
	if (!copy)
		return -ENOMEM;
	args = kernel_skip_spaces(copy);
	while (*args) {
		args = kernel_next_arg(args, &param, &val);
		/* parse_args(): "--" ends the kernel's part (the rest is init's). */
		if (!val && strcmp(param, "--") == 0)
			break;
		/* A charp needs a value of at most 1024 bytes, else it is kept. */
		if (!val || strnlen(val, CHARP_MAX + 1) > CHARP_MAX)
			continue;
		if (kernel_param_equal(param, "ap.apmask"))
			apval = val;
		else if (kernel_param_equal(param, "ap.aqmask"))
			aqval = val;
	}
	param_from_value(apmask, apval);
	param_from_value(aqmask, aqval);
	free(copy);
	return 0;
}

/* ------------------------------------------------------------ entries */

/* Append @name with the parameters of @cmdline. Returns: 0; -ENOMEM. */
int zap_boot_entry_add(struct zap_boot_entry_list *list, const char *name,
		       const char *cmdline)
{
	struct zap_boot_entry *bigger, *e;
	size_t n;

	if (list->count == list->allocated) {
		n = list->allocated ? 2 * list->allocated : 8;
		bigger = realloc(list->items, n * sizeof(*bigger));
		if (!bigger)
			return -ENOMEM;
		list->items = bigger;
		list->allocated = n;
	}
	e = &list->items[list->count];
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (zap_boot_cmdline_parse(cmdline, strlen(cmdline), &e->apmask,
				   &e->aqmask))
		return -ENOMEM;
	list->count++;
	return 0;
}

/*
 * Read @path into *@text (NULL when absent or not a regular file).
 * Returns: 0; -errno with @err naming the file (status NOT_FOUND).
 */
static int read_optional(const char *path, char **text, size_t *len,
			 struct zap_error *err)
{
	int rc = zap_config_file_read(path, text, len);

	if (rc == -ENOENT) {
		*text = NULL;
		*len = 0;
		return 0;
	}
	if (rc == -EFBIG)
		return zap_error_set(err, EFBIG, ZAP_STATUS_NOT_FOUND,
				     "cannot read %s: larger than 1 MiB", path);
	if (rc)
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot read %s: %s", path, strerror(-rc));
	return 0;
}

/* ---------------------------------------------------------------- BLS */

/* Is @c a blank of zipl's scanners (isblank())? */
bool zap_boot_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The command line of a BLS entry: its "options" values (each line's rest
 * after the key and its blanks, trailing blanks cut), joined by a blank.
 * Comment lines start with '#'. Returns: a malloc()ed string; NULL.
 */
static char *bls_options(const char *text, size_t len)
{
	size_t pos = 0, end, key, vstart, vend, out_len = 0;
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	while (pos < len) {
		end = pos;
		while (end < len && text[end] != '\n')
			end++;
		while (pos < end &&
		       (zap_boot_is_blank(text[pos]) || text[pos] == '\0'))
			pos++;
		key = pos;
		while (pos < end && !zap_boot_is_blank(text[pos]))
			pos++;
		if (key < end && text[key] != '#' && pos - key == 7 &&
		    memcmp(text + key, "options", 7) == 0) {
			vstart = pos;
			while (vstart < end && zap_boot_is_blank(text[vstart]))
				vstart++;
			vend = end;
			while (vend > vstart &&
			       zap_boot_is_blank(text[vend - 1]))
				vend--;
			if (out_len && vend > vstart)
				out[out_len++] = ' ';
			memcpy(out + out_len, text + vstart, vend - vstart);
			out_len += vend - vstart;
		}
		pos = end + 1;
	}
	out[out_len] = '\0';
	return out;
}

/* scandir() filter: names ending in ".conf", as zipl's bls_filter(). */
static int bls_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n >= 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

/*
 * Add every BLS entry of @dir to @list, in version order (zipl's). A
 * missing directory or one that is no directory holds none.
 * Returns: 0; -errno (@err names the file or directory).
 */
static int read_bls(const char *dir, struct zap_boot_entry_list *list,
		    struct zap_error *err)
{
	struct dirent **names;
	char path[PATH_MAX], *text, *options;
	int n, i, rc = 0;
	size_t len;

	n = scandir(dir, &names, bls_filter, versionsort);
	if (n < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		rc = errno;
		return zap_error_set(err, rc, ZAP_STATUS_NOT_FOUND,
				     "cannot read %s: %s", dir, strerror(rc));
	}
	for (i = 0; i < n && rc == 0; i++) {
		rc = zap_path_format(path, sizeof(path), "%s/%s", dir,
				     names[i]->d_name);
		if (rc) {
			zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_NOT_FOUND,
				      "%s/%s: path too long", dir,
				      names[i]->d_name);
			break;
		}
		rc = read_optional(path, &text, &len, err);
		if (rc || !text)
			continue;
		options = bls_options(text, len);
		free(text);
		rc = options ? zap_boot_entry_add(list, names[i]->d_name,
						    options) :
			       -ENOMEM;
		free(options);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == -ENOMEM)
		zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
			      "out of memory reading %s", dir);
	return rc;
}

/* ------------------------------------------------------------ the model */

/* "none", "bls", "zipl" or "cmdline". */
ZAP_EXPORT const char *zap_boot_source_name(enum zap_boot_source source)
{
	switch (source) {
	case ZAP_BOOT_SOURCE_BLS:
		return "bls";
	case ZAP_BOOT_SOURCE_ZIPL:
		return "zipl";
	case ZAP_BOOT_SOURCE_RUNNING:
		return "cmdline";
	case ZAP_BOOT_SOURCE_NONE:
		break;
	}
	return "none";
}

/*
 * The running boot's parameters from @path (both absent when the file is).
 * Returns: 0; -errno (@err names the file).
 */
static int read_running(const char *path, struct zap_boot_param *apmask,
			struct zap_boot_param *aqmask, bool *present,
			struct zap_error *err)
{
	char *text;
	size_t len;
	int rc;

	rc = read_optional(path, &text, &len, err);
	if (rc)
		return rc;
	*present = text != NULL;
	rc = zap_boot_cmdline_parse(text ? text : "", len, apmask, aqmask);
	free(text);
	if (rc)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory reading %s", path);
	return 0;
}

/* Append printf-style text to @buf of @size, ending in "..." when cut. */
static void ZAP_PRINTF(3, 4) append(char *buf, size_t size, const char *fmt,
				    ...)
{
	size_t used = strlen(buf);
	va_list ap;
	int n;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= size - used && size >= 4)
		memcpy(buf + size - 4, "...", 4);
}

/* @p for a message: its value quoted (and whether malformed), or "not set". */
static const char *param_words(const struct zap_boot_param *p, char *buf,
			       size_t size)
{
	char quoted[200];

	if (!p->set)
		return "not set";
	snprintf(buf, size, "'%s'%s",
		 zap_quote(p->text, strlen(p->text), quoted, sizeof(quoted)),
		 p->malformed ? " (malformed: all zeros)" : "");
	return buf;
}

/* Do all entries of @list give the same aqmask (@aq) or apmask? */
static bool entries_agree(const struct zap_boot_entry_list *list, bool aq)
{
	const struct zap_boot_param *first, *p;

	first = aq ? &list->items[0].aqmask : &list->items[0].apmask;
	for (size_t i = 1; i < list->count; i++) {
		p = aq ? &list->items[i].aqmask : &list->items[i].apmask;
		if (!zap_bitmap_equal(&p->mask, &first->mask))
			return false;
	}
	return true;
}

/*
 * Set boot->aqmask (@aq) or boot->apmask to the running boot's @running,
 * and add to boot->problem what each entry of @list (@what they are) gives.
 */
static void use_running(struct zap_boot_masks *boot,
			const struct zap_boot_entry_list *list, bool aq,
			const struct zap_boot_param *running, const char *what)
{
	struct zap_boot_param *dst = aq ? &boot->aqmask : &boot->apmask;
	const char *name = aq ? "ap.aqmask" : "ap.apmask";
	const struct zap_boot_param *p;
	char words[260], quoted[200];

	*dst = *running;
	dst->from_running = true;
	append(boot->problem, sizeof(boot->problem), "%sthe %s disagree on %s:",
	       boot->problem[0] ? "; " : "", what, name);
	for (size_t i = 0; i < list->count; i++) {
		p = aq ? &list->items[i].aqmask : &list->items[i].apmask;
		append(boot->problem, sizeof(boot->problem), "%s %s %s",
		       i ? "," : "",
		       zap_quote(list->items[i].name,
				 strlen(list->items[i].name), quoted,
				 sizeof(quoted)),
		       param_words(p, words, sizeof(words)));
	}
}

/*
 * Fill boot->apmask/aqmask from the entries of @list: their common value,
 * else (reading @cmdline_path only then) the running boot's.
 * Returns: 0; -errno (@err names the file).
 */
static int combine(struct zap_boot_masks *boot,
		   const struct zap_boot_entry_list *list,
		   const char *what, const char *cmdline_path,
		   struct zap_error *err)
{
	bool ap_agree = entries_agree(list, false);
	bool aq_agree = entries_agree(list, true);
	struct zap_boot_param run_ap, run_aq;
	bool present;
	int rc;

	boot->nr_entries = (unsigned int)list->count;
	boot->apmask = list->items[0].apmask;
	boot->aqmask = list->items[0].aqmask;
	if (ap_agree && aq_agree)
		return 0;
	rc = read_running(cmdline_path, &run_ap, &run_aq, &present, err);
	if (rc)
		return rc;
	if (!ap_agree)
		use_running(boot, list, false, &run_ap, what);
	if (!aq_agree)
		use_running(boot, list, true, &run_aq, what);
	append(boot->problem, sizeof(boot->problem),
	       "; the running boot's value is used");
	snprintf(boot->problem_path, sizeof(boot->problem_path), "%s",
		 boot->path);
	return 0;
}

/* The next boot's ap.apmask= / ap.aqmask= under paths->root. */
ZAP_EXPORT int zap_boot_masks_read(const struct zap_paths *paths,
				   struct zap_boot_masks *boot,
				   struct zap_error *err)
{
	char bls[sizeof(boot->path)], zipl[sizeof(boot->path)],
		cmdline[sizeof(boot->path)], why[300];
	struct zap_boot_entry_list list = { 0 };
	bool present;
	size_t len;
	char *text;
	int rc;

	memset(boot, 0, sizeof(*boot));
	if (zap_path_format(bls, sizeof(bls), "%s/boot/loader/entries",
			    paths->root) ||
	    zap_path_format(zipl, sizeof(zipl), "%s/etc/zipl.conf",
			    paths->root) ||
	    zap_path_format(cmdline, sizeof(cmdline), "%s/proc/cmdline",
			    paths->root))
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "ZAP_ROOT is too long (%zu bytes)",
				     strlen(paths->root));
	rc = read_bls(bls, &list, err);
	if (rc == 0 && list.count) {
		boot->source = ZAP_BOOT_SOURCE_BLS;
		snprintf(boot->path, sizeof(boot->path), "%s", bls);
		rc = combine(boot, &list, "boot entries", cmdline, err);
		goto out;
	}
	if (rc == 0)
		rc = read_optional(zipl, &text, &len, err);
	if (rc == 0 && text) {
		boot->source = ZAP_BOOT_SOURCE_ZIPL;
		snprintf(boot->path, sizeof(boot->path), "%s", zipl);
		rc = zap_zipl_read(text, len, paths->root, &list, why,
			       sizeof(why));
		free(text);
		if (rc == 0) {
			rc = combine(boot, &list, "zipl.conf sections", cmdline,
				     err);
			goto out;
		}
		if (rc != -EINVAL)
			goto out;
		/* zipl.conf cannot tell: both masks are the running boot's. */
		rc = read_running(cmdline, &boot->apmask, &boot->aqmask,
				  &present, err);
		boot->apmask.from_running = boot->aqmask.from_running = true;
		append(boot->problem, sizeof(boot->problem),
		       "%s %s; the running boot's ap.apmask and ap.aqmask are used",
		       zipl, why);
		snprintf(boot->problem_path, sizeof(boot->problem_path), "%s",
			 zipl);
		goto out;
	}
	if (rc == 0) {
		rc = read_running(cmdline, &boot->apmask, &boot->aqmask,
				  &present, err);
		if (rc == 0 && present) {
			boot->source = ZAP_BOOT_SOURCE_RUNNING;
			boot->nr_entries = 1;
			snprintf(boot->path, sizeof(boot->path), "%s", cmdline);
		}
	}
out:
	free(list.items);
	if (rc == -ENOMEM)
		zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
			      "out of memory reading the boot configuration");
	return rc;
}

/* The host masks after the next boot: 41-ap.rules wins where it sets one. */
ZAP_EXPORT void zap_boot_masks_final(struct zap_bitmap *apmask,
				     struct zap_bitmap *aqmask,
				     const struct zap_boot_masks *boot,
				     const struct zap_bitmap *rules_apmask,
				     const struct zap_bitmap *rules_aqmask)
{
	*apmask = rules_apmask ? *rules_apmask : boot->apmask.mask;
	*aqmask = rules_aqmask ? *rules_aqmask : boot->aqmask.mask;
}
