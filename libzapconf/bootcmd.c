// SPDX-License-Identifier: MIT
/*
 * bootcmd.c - the AP masks the next boot's kernel starts with, from its
 * command line (interop.md 4, driver-override.md DO-36, DO-37): which
 * command line boots next (the BLS entries, else the zipl.conf sections that
 * may boot, else the running boot's proc/cmdline), how the kernel splits it
 * into parameters and takes ap.apmask= / ap.aqmask= from it, what happens
 * when the entries disagree, and the one rule that 41-ap.rules wins where it
 * sets a mask. The mask values themselves are parsed by mask.c.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest value the kernel's param_set_charp() takes (longer: -ENOSPC). */
#define CHARP_MAX 1024
/* zipl's menu positions 1..62 (BOOT_MENU_ENTRIES). */
#define ZIPL_MENU_ENTRIES 62

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

/* One BLS entry or zipl.conf section that may boot, with its parameters. */
struct boot_entry {
	char name[256];
	struct zap_boot_param apmask, aqmask;
};

/* A growing list of boot entries. */
struct entry_list {
	size_t count, allocated;
	struct boot_entry *items;
};

/* Append @name with the parameters of @cmdline. Returns: 0; -ENOMEM. */
static int entry_add(struct entry_list *list, const char *name,
		     const char *cmdline)
{
	struct boot_entry *bigger, *e;
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
static bool is_blank(char c)
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
		while (pos < end && (is_blank(text[pos]) || text[pos] == '\0'))
			pos++;
		key = pos;
		while (pos < end && !is_blank(text[pos]))
			pos++;
		if (key < end && text[key] != '#' && pos - key == 7 &&
		    memcmp(text + key, "options", 7) == 0) {
			vstart = pos;
			while (vstart < end && is_blank(text[vstart]))
				vstart++;
			vend = end;
			while (vend > vstart && is_blank(text[vend - 1]))
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
static int read_bls(const char *dir, struct entry_list *list,
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
		rc = options ? entry_add(list, names[i]->d_name, options) :
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
	while (p < end && is_blank(t[p]))
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
	while (last > p && is_blank(t[last - 1]))
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
	for (; q < end && !is_blank(t[q]); q++)
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
static int zipl_add(struct zipl_conf *conf, struct entry_list *list,
		    const struct zipl_section *s, const char *root)
{
	const char *params = s->value[KEY_PARAMETERS];
	char *file = NULL, *both;
	size_t n;
	int rc;

	if (!s->value[KEY_PARMFILE])
		return entry_add(list, s->name, params ? params : "");
	rc = zipl_parmfile(conf, s, root, &file);
	if (rc)
		return rc;
	n = strlen(file);
	both = malloc(n + (params ? strlen(params) : 0) + 2);
	if (both) {
		sprintf(both, "%s%s%s", file,
			params && n && file[n - 1] != ' ' ? " " : "",
			params ? params : "");
		rc = entry_add(list, s->name, both);
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
static int zipl_candidates(struct zipl_conf *conf, struct entry_list *list,
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
static int read_zipl(char *text, size_t len, const char *root,
		     struct entry_list *list, char *problem, size_t size)
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
static bool entries_agree(const struct entry_list *list, bool aq)
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
			const struct entry_list *list, bool aq,
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
static int combine(struct zap_boot_masks *boot, const struct entry_list *list,
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
	struct entry_list list = { 0 };
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
		rc = read_zipl(text, len, paths->root, &list, why,
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
