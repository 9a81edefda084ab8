// SPDX-License-Identifier: MIT
/*
 * zipl_conf.c - the zipl.conf format as zipl reads it: its [sections] and
 * :menus, keywords and values, defaultboot, and which sections may boot with
 * which kernel parameters (parameters= plus the parmfile). bootcmd.c decides
 * which source boots next and what the kernel makes of the parameters.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* zipl's menu positions 1..62 (BOOT_MENU_ENTRIES). */
#define ZIPL_MENU_ENTRIES 62

/* ----------------------------------------------------------- zipl.conf */

/* zipl.conf's keywords, in the order zipl matches them (by prefix). */
enum zipl_key {
	KEY_DEFAULTMENU, KEY_DEFAULT, KEY_DUMPTOFS, KEY_DUMPTO, KEY_IMAGE,
	KEY_MVDUMP, KEY_OPTIONAL, KEY_PARAMETERS, KEY_PARMFILE, KEY_RAMDISK,
	KEY_SEGMENT, KEY_TARGETBASE, KEY_TARGETTYPE, KEY_TARGETGEOMETRY,
	KEY_TARGETBLOCKSIZE, KEY_TARGETOFFSET, KEY_TARGET, KEY_PROMPT,
	KEY_TIMEOUT, KEY_TAPE, KEY_KDUMP, KEY_SECURE,
	KEY_DEFAULTAUTO, /* the one keyword without "=value" */
	KEY_NR
};

static const char *const zipl_keys[KEY_NR] = {
	"defaultmenu", "default", "dumptofs", "dumpto", "image", "mvdump",
	"optional", "parameters", "parmfile", "ramdisk", "segment",
	"targetbase", "targettype", "targetgeometry", "targetblocksize",
	"targetoffset", "target", "prompt", "timeout", "tape", "kdump",
	"secure", "defaultauto",
};

/* A [section] or :menu of zipl.conf; strings point into the file's text. */
struct zipl_section {
	const char *name;
	bool menu;
	unsigned int line;
	const char *value[KEY_NR];
	const char *entry[ZIPL_MENU_ENTRIES];
};

/* The sections of a zipl.conf, or why it cannot be used. */
struct zipl_conf {
	size_t count, allocated;
	struct zipl_section *items;
	char problem[300];
};

/* Record why @conf cannot be used, at @line (0: none). Returns: -EINVAL. */
static int zipl_refuse(struct zipl_conf *conf, unsigned int line,
		       const char *what)
{
	if (line)
		snprintf(conf->problem, sizeof(conf->problem), "line %u: %s",
			 line, what);
	else
		snprintf(conf->problem, sizeof(conf->problem), "%s", what);
	return -EINVAL;
}

/* The section or menu named @name, NULL if none. */
static struct zipl_section *zipl_find(struct zipl_conf *conf,
				      const char *name, bool menu)
{
	for (size_t i = 0; i < conf->count; i++)
		if (conf->items[i].menu == menu &&
		    strcmp(conf->items[i].name, name) == 0)
			return &conf->items[i];
	return NULL;
}

/* Start a section or menu @name at @line. Returns: 0; -EINVAL; -ENOMEM. */
static int zipl_start(struct zipl_conf *conf, const char *name, bool menu,
		      unsigned int line)
{
	struct zipl_section *bigger;
	size_t n;

	if (zipl_find(conf, name, menu))
		return zipl_refuse(conf, line, menu ?
				   "menu name already specified" :
				   "section name already specified");
	if (conf->count == conf->allocated) {
		n = conf->allocated ? 2 * conf->allocated : 8;
		bigger = realloc(conf->items, n * sizeof(*bigger));
		if (!bigger)
			return -ENOMEM;
		conf->items = bigger;
		conf->allocated = n;
	}
	memset(&conf->items[conf->count], 0, sizeof(*bigger));
	conf->items[conf->count].name = name;
	conf->items[conf->count].menu = menu;
	conf->items[conf->count].line = line;
	conf->count++;
	return 0;
}

/* Skip blanks of @t from @p up to @end. */
static size_t skip_blanks(const char *t, size_t p, size_t end)
{
	while (p < end && zap_boot_is_blank(t[p]))
		p++;
	return p;
}

/*
 * A value of zipl.conf at @t[@p..@end): in '"' or '\'' quotes (then only
 * blanks may follow), or the rest of the line without its trailing blanks.
 * Terminates it in place and sets *@value. Returns: 0; -EINVAL.
 */
static int zipl_value(struct zipl_conf *conf, char *t, size_t p, size_t end,
		      unsigned int line, const char **value)
{
	size_t close, last;

	if (p < end && (t[p] == '"' || t[p] == '\'')) {
		close = p + 1;
		while (close < end && t[close] != t[p])
			close++;
		if (close == end)
			return zipl_refuse(conf, line, "unterminated quotes");
		if (skip_blanks(t, close + 1, end) != end)
			return zipl_refuse(conf, line,
					   "unexpected characters at end of line");
		t[close] = '\0';
		*value = t + p + 1;
		return 0;
	}
	last = end;
	while (last > p && zap_boot_is_blank(t[last - 1]))
		last--;
	t[last] = '\0';
	*value = t + p;
	return 0;
}

/* A heading "[name]" or ":name" at @t[@p..@end). Returns: 0; -errno. */
static int zipl_heading(struct zipl_conf *conf, char *t, size_t p, size_t end,
			unsigned int line)
{
	size_t q = p + 1;
	unsigned char c;

	if (t[p] == '[') {
		for (; q < end && t[q] != ']'; q++) {
			c = (unsigned char)t[q];
			if (!isalnum(c) && !ispunct(c))
				return zipl_refuse(conf, line,
						   "invalid character in section name");
		}
		if (q == end)
			return zipl_refuse(conf, line,
					   "unterminated section heading");
		if (q == p + 1)
			return zipl_refuse(conf, line, "empty section name");
		if (skip_blanks(t, q + 1, end) != end)
			return zipl_refuse(conf, line,
					   "unexpected characters after section name");
		t[q] = '\0';
		return zipl_start(conf, t + p + 1, false, line);
	}
	for (; q < end && !zap_boot_is_blank(t[q]); q++)
		if (!isalnum((unsigned char)t[q]))
			return zipl_refuse(conf, line,
					   "invalid character in menu name");
	if (skip_blanks(t, q, end) != end)
		return zipl_refuse(conf, line, "blanks not allowed in menu name");
	if (q == p + 1)
		return zipl_refuse(conf, line, "empty menu name");
	t[q] = '\0';
	return zipl_start(conf, t + p + 1, true, line);
}

/* A menu position "N = section" at @t[@p..@end). Returns: 0; -errno. */
static int zipl_number(struct zipl_conf *conf, char *t, size_t p, size_t end,
		       unsigned int line)
{
	struct zipl_section *s = &conf->items[conf->count - 1];
	unsigned long number = 0;
	const char *value;
	int rc;

	for (; p < end && isdigit((unsigned char)t[p]); p++) {
		number = number * 10 + (unsigned long)(t[p] - '0');
		if (number > 1000000)
			return zipl_refuse(conf, line, "number too large");
	}
	p = skip_blanks(t, p, end);
	if (p == end || t[p] != '=')
		return zipl_refuse(conf, line, "number expected as keyword");
	rc = zipl_value(conf, t, skip_blanks(t, p + 1, end), end, line,
			&value);
	if (rc)
		return rc;
	if (!s->menu)
		return zipl_refuse(conf, line,
				   "number assignment not allowed in a section");
	if (number == 0 || number > ZIPL_MENU_ENTRIES)
		return zipl_refuse(conf, line, "menu position not in 1..62");
	if (s->entry[number - 1])
		return zipl_refuse(conf, line, "menu position already specified");
	s->entry[number - 1] = value;
	return 0;
}

/* A "keyword = value" or "defaultauto" at @t[@p..@end). Returns: 0; -errno. */
static int zipl_keyword(struct zipl_conf *conf, char *t, size_t p, size_t end,
			unsigned int line, bool assignment)
{
	struct zipl_section *s = &conf->items[conf->count - 1];
	int key, last = assignment ? KEY_DEFAULTAUTO : KEY_NR;
	const char *value = "";
	size_t klen = 0;
	int rc;

	for (key = assignment ? 0 : KEY_DEFAULTAUTO; key < last; key++) {
		klen = strlen(zipl_keys[key]);
		if (end - p >= klen && memcmp(t + p, zipl_keys[key], klen) == 0)
			break;
	}
	if (key == last)
		return zipl_refuse(conf, line, "unknown keyword");
	p = skip_blanks(t, p + klen, end);
	if (assignment) {
		if (p == end || t[p] != '=')
			return zipl_refuse(conf, line,
					   "unexpected characters after keyword");
		rc = zipl_value(conf, t, skip_blanks(t, p + 1, end), end, line,
				&value);
		if (rc)
			return rc;
	} else if (p != end) {
		return zipl_refuse(conf, line,
				   "unexpected characters at end of line");
	}
	if (s->value[key])
		return zipl_refuse(conf, line, "keyword already specified");
	s->value[key] = value;
	return 0;
}

/*
 * Scan the zipl.conf text @t of @len bytes (changed in place) into @conf,
 * with zipl's syntax: "[name]" sections, ":name" menus, "key = value" and
 * "N = section" lines, '#' comment lines, blanks around everything.
 * Returns: 0; -EINVAL (conf->problem says where); -ENOMEM.
 */
static int zipl_scan(struct zipl_conf *conf, char *t, size_t len)
{
	unsigned int line = 0;
	size_t pos = 0, end, p;
	int rc = 0;

	while (pos < len && rc == 0) {
		line++;
		end = pos;
		while (end < len && t[end] != '\n')
			end++;
		p = skip_blanks(t, pos, end);
		if (p == end || t[p] == '#')
			rc = 0;
		else if (t[p] == '[' || t[p] == ':')
			rc = zipl_heading(conf, t, p, end, line);
		else if (conf->count == 0)
			rc = zipl_refuse(conf, line,
					 "keyword outside of a section");
		else if (!memchr(t + p, '=', end - p))
			rc = zipl_keyword(conf, t, p, end, line, false);
		else if (isdigit((unsigned char)t[p]))
			rc = zipl_number(conf, t, p, end, line);
		else
			rc = zipl_keyword(conf, t, p, end, line, true);
		pos = end + 1;
	}
	return rc;
}

/* Does section @s boot a kernel from disk (image=, no tape=)? */
static bool zipl_boots_kernel(const struct zipl_section *s)
{
	return !s->menu && s->value[KEY_IMAGE] && !s->value[KEY_TAPE];
}

/*
 * Cut a ",address" suffix (hex, not zero) off the file name @name, as
 * zipl's extract_address().
 */
static void zipl_strip_address(char *name)
{
	char *comma = strrchr(name, ','), *end;
	unsigned long long address;

	if (!comma || !isxdigit((unsigned char)comma[1]))
		return;
	errno = 0;
	address = strtoull(comma + 1, &end, 16);
	if (*end == '\0' && address != 0 && errno == 0)
		*comma = '\0';
}

/*
 * The text of section @s's parmfile= under @root into *@out (@size bytes),
 * each run of newlines as one blank, as zipl's get_parmline() reads it.
 * Returns: 0; -EINVAL (conf->problem names the file); -ENOMEM.
 */
static int zipl_parmfile(struct zipl_conf *conf, const struct zipl_section *s,
			 const char *root, char **out)
{
	char name[PATH_MAX], path[PATH_MAX], qname[200], qsection[200], *text,
		*o;
	bool newline = false;
	size_t len;
	int rc;

	snprintf(name, sizeof(name), "%s", s->value[KEY_PARMFILE]);
	zipl_strip_address(name);
	if (zap_path_format(path, sizeof(path), "%s%s%s", root,
			    name[0] == '/' ? "" : "/", name))
		rc = -ENAMETOOLONG;
	else
		rc = zap_config_file_read(path, &text, &len);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		snprintf(conf->problem, sizeof(conf->problem),
			 "parmfile '%s' of section '%s' cannot be read: %s",
			 zap_quote(name, strlen(name), qname, sizeof(qname)),
			 zap_quote(s->name, strlen(s->name), qsection,
				   sizeof(qsection)),
			 strerror(-rc));
		return -EINVAL;
	}
	o = text;
	for (const char *t = text; *t; t++) {
		if (*t != '\n')
			*o++ = *t;
		else if (!newline)
			*o++ = ' ';
		newline = *t == '\n';
	}
	*o = '\0';
	*out = text;
	return 0;
}

/*
 * Add section @s to @list with its command line: its parmfile=, a blank
 * unless there is one, its parameters= (zipl's get_parmline()).
 * Returns: 0; -EINVAL (conf->problem says why); -ENOMEM.
 */
static int zipl_add(struct zipl_conf *conf, struct zap_boot_entry_list *list,
		    const struct zipl_section *s, const char *root)
{
	const char *params = s->value[KEY_PARAMETERS];
	char *file = NULL, *both;
	size_t n;
	int rc;

	if (!s->value[KEY_PARMFILE])
		return zap_boot_entry_add(list, s->name, params ? params : "");
	rc = zipl_parmfile(conf, s, root, &file);
	if (rc)
		return rc;
	n = strlen(file);
	both = malloc(n + (params ? strlen(params) : 0) + 2);
	if (both) {
		sprintf(both, "%s%s%s", file,
			params && n && file[n - 1] != ' ' ? " " : "",
			params ? params : "");
		rc = zap_boot_entry_add(list, s->name, both);
	}
	free(both);
	free(file);
	return both ? rc : -ENOMEM;
}

/*
 * Add to @list the sections a plain "zipl" installs, as [defaultboot] says:
 * defaultauto or target=: every section that boots a kernel; defaultmenu=:
 * those of that menu; default=: that one; parmfiles under @root.
 * Returns: 0; -EINVAL (conf->problem says why none can be told, or which
 * parmfile cannot be read); -ENOMEM.
 */
static int zipl_candidates(struct zipl_conf *conf,
			   struct zap_boot_entry_list *list,
			   const char *root)
{
	struct zipl_section *db = zipl_find(conf, "defaultboot", false), *s;
	const char *const *v;
	int rc = 0;

	if (!db)
		return zipl_refuse(conf, 0, "no [defaultboot] section");
	v = db->value;
	if (v[KEY_DEFAULTAUTO] || v[KEY_TARGET]) {
		for (size_t i = 0; i < conf->count && rc == 0; i++)
			if (&conf->items[i] != db &&
			    zipl_boots_kernel(&conf->items[i]))
				rc = zipl_add(conf, list, &conf->items[i],
					      root);
	} else if (v[KEY_DEFAULTMENU]) {
		s = zipl_find(conf, v[KEY_DEFAULTMENU], true);
		if (!s)
			return zipl_refuse(conf, db->line,
					   "defaultmenu names no menu");
		for (int i = 0; i < ZIPL_MENU_ENTRIES && rc == 0; i++) {
			const struct zipl_section *e;

			if (!s->entry[i])
				continue;
			e = zipl_find(conf, s->entry[i], false);
			if (!e)
				return zipl_refuse(conf, s->line,
						   "menu names a missing section");
			if (zipl_boots_kernel(e))
				rc = zipl_add(conf, list, e, root);
		}
	} else if (v[KEY_DEFAULT]) {
		s = zipl_find(conf, v[KEY_DEFAULT], false);
		if (!s)
			return zipl_refuse(conf, db->line,
					   "default names no section");
		if (zipl_boots_kernel(s))
			rc = zipl_add(conf, list, s, root);
	} else {
		return zipl_refuse(conf, db->line,
				   "[defaultboot] has no default, defaultmenu, defaultauto or target");
	}
	if (rc == 0 && list->count == 0)
		return zipl_refuse(conf, db->line,
				   "no section that [defaultboot] selects boots a kernel (image=)");
	return rc;
}

/*
 * Add to @list the sections of the zipl.conf text @text that may boot
 * (parmfiles under @root).
 * Returns: 0; -EINVAL (@problem says why, "line N: ..."); -ENOMEM.
 */
int zap_zipl_read(char *text, size_t len, const char *root,
		  struct zap_boot_entry_list *list, char *problem, size_t size)
{
	struct zipl_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = zipl_scan(&conf, text, len);
	if (rc == 0)
		rc = zipl_candidates(&conf, list, root);
	if (rc == -EINVAL)
		snprintf(problem, size, "%s", conf.problem);
	free(conf.items);
	return rc;
}
