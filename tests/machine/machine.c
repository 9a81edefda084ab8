// SPDX-License-Identifier: MIT
/*
 * machine.c - parser of the AP machine description (FORMAT.md) and the
 * state both test tools derive from it (queues, drivers, ap_domain, the
 * guest view of an mdev). Test code: shares nothing with libzapconf.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define MAX_WORDS 64

/* One word of a statement: "key=value", or a positional word (val NULL). */
struct word {
	char *key;
	char *val;
};

/* What a statement parser needs to report an error. */
struct ctx {
	struct machine *m;
	int lineno;
	char *err;
	size_t errlen;
};

/* The bus features in the order the kernel prints them. */
static const char *const feature_names[] = {
	"APSC", "APXA", "QACT", "RC8A", "APSB",
};

/* Write "line N: <message>" (or only the message for lineno 0); return -1. */
static int report(char *err, size_t errlen, int lineno, const char *fmt,
		  va_list ap)
{
	int n = 0;

	if (!errlen)
		return -1;
	if (lineno > 0)
		n = snprintf(err, errlen, "line %d: ", lineno);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	return -1;
}

/* Report a parse error of the current line. */
static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c->err, c->errlen, c->lineno, fmt, ap);
	va_end(ap);
	return -1;
}

/* Report an error found after parsing (no line to name). */
static int fail_late(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(err, errlen, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Report a key whose value does not parse: "bad hwtype 'x'". */
static int bad(struct ctx *c, const struct word *w)
{
	return fail(c, "bad %s '%s'", w->key, w->val);
}

/* Split buf in place into words; '#' ends the line, "..." groups blanks. */
static int split_words(struct ctx *c, char *buf, struct word *w, int *nr)
{
	char *p = buf, *out, end;
	bool quoted;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (n == MAX_WORDS)
			return fail(c, "too many words at '%s'", p);
		w[n].key = out = p;
		w[n].val = NULL;
		quoted = false;
		while (*p && (quoted || !strchr(" \t\r\n#", *p))) {
			if (*p == '"') {
				quoted = !quoted;
			} else if (*p == '=' && !w[n].val && !quoted) {
				*out++ = '\0';
				w[n].val = out;
			} else {
				*out++ = *p;
			}
			p++;
		}
		end = *p;
		*out = '\0';
		if (quoted)
			return fail(c, "unterminated quote in '%s'", w[n].key);
		n++;
		if (!end || end == '#')
			break;
		p++;
	}
	*nr = n;
	return 0;
}

/* Parse a whole decimal or 0x-hex number no larger than max. */
static bool parse_num(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return false;
	} else if (!isdigit((unsigned char)*s)) {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* Parse the value of w as a number in min..max into an int. */
static int get_int(struct ctx *c, const struct word *w, int min, int max,
		   int *out)
{
	unsigned long long v;

	if (!parse_num(w->val, (unsigned long long)max, &v) || (int)v < min)
		return bad(c, w);
	*out = (int)v;
	return 0;
}

/* Parse the value of w as an unsigned 64-bit counter. */
static int get_u64(struct ctx *c, const struct word *w,
		   unsigned long long *out)
{
	if (!parse_num(w->val, ULLONG_MAX, out))
		return bad(c, w);
	return 0;
}

/* Parse yes/no (or 1/0) into a bool. */
static int get_bool(struct ctx *c, const struct word *w, bool *out)
{
	if (!strcmp(w->val, "yes") || !strcmp(w->val, "1"))
		*out = true;
	else if (!strcmp(w->val, "no") || !strcmp(w->val, "0"))
		*out = false;
	else
		return bad(c, w);
	return 0;
}

/* Parse one LIST item, "N" or "N-M", and add it to the set. */
static bool add_list_item(const char *item, struct machine_set *set)
{
	unsigned long long lo, hi;
	char buf[32], *dash;

	if (strlen(item) >= sizeof(buf))
		return false;
	strcpy(buf, item);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!parse_num(buf, MACHINE_IDS - 1, &lo))
		return false;
	hi = lo;
	if (dash && (!parse_num(dash + 1, MACHINE_IDS - 1, &hi) || hi < lo))
		return false;
	while (lo <= hi)
		set->bit[lo++] = 1;
	return true;
}

/* Parse a LIST ("4,0x47,0xab-0xad", "none", "all") into a set. */
static int parse_list(struct ctx *c, const char *key, const char *s,
		      struct machine_set *set)
{
	char item[40];
	size_t len;

	memset(set, 0, sizeof(*set));
	if (!strcmp(s, "none"))
		return 0;
	if (!strcmp(s, "all")) {
		memset(set->bit, 1, sizeof(set->bit));
		return 0;
	}
	for (;;) {
		len = strcspn(s, ",");
		snprintf(item, sizeof(item), "%.*s", (int)len, s);
		if (!len || len >= sizeof(item) || !add_list_item(item, set))
			return fail(c, "bad %s item '%.*s'", key, (int)len, s);
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

/* Parse a MASK: "0x" + 1..64 hex digits in kernel order, else a LIST. */
static int parse_mask(struct ctx *c, const struct word *w,
		      struct machine_set *set)
{
	const char *hex = w->val + 2;
	size_t len = strlen(hex), i;
	int v, b;

	if (strncmp(w->val, "0x", 2) || !len ||
	    strspn(hex, "0123456789abcdefABCDEF") != len)
		return parse_list(c, w->key, w->val, set);
	if (len > 64)
		return bad(c, w);
	memset(set, 0, sizeof(*set));
	for (i = 0; i < len; i++) {
		v = isdigit((unsigned char)hex[i]) ? hex[i] - '0' :
			tolower((unsigned char)hex[i]) - 'a' + 10;
		for (b = 0; b < 4; b++)
			set->bit[i * 4 + b] = (v >> (3 - b)) & 1;
	}
	return 0;
}

/* Parse a canonical UUID into lower case. */
static int parse_uuid(struct ctx *c, const char *s, char out[37])
{
	int i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				break;
		} else if (!isxdigit((unsigned char)s[i])) {
			break;
		}
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	if (i < 36 || s[36])
		return fail(c, "bad UUID '%s'", s);
	out[36] = '\0';
	return 0;
}

/* Refuse a positional word where only key=value pairs may follow. */
static int need_value(struct ctx *c, const struct word *w)
{
	if (!w->val)
		return fail(c, "unexpected word '%s'", w->key);
	return 0;
}

/* Report a key the statement does not know. */
static int unknown_key(struct ctx *c, const struct word *stmt,
		       const struct word *w)
{
	return fail(c, "unknown key '%s' for %s", w->key, stmt->key);
}

/* Parse features="APSC APXA ..." and store it in the kernel's order. */
static int parse_features(struct ctx *c, const struct word *w, char *out,
			  size_t outlen)
{
	bool seen[sizeof(feature_names) / sizeof(feature_names[0])] = { 0 };
	const size_t nr = sizeof(feature_names) / sizeof(feature_names[0]);
	const char *s = w->val;
	char tok[16];
	size_t len, i;

	for (;;) {
		s += strspn(s, " ");
		len = strcspn(s, " ");
		if (!len)
			break;
		snprintf(tok, sizeof(tok), "%.*s", (int)len, s);
		for (i = 0; i < nr; i++)
			if (len == strlen(feature_names[i]) &&
			    !strncmp(s, feature_names[i], len))
				break;
		if (i == nr)
			return fail(c, "bad features word '%s'", tok);
		seen[i] = true;
		s += len;
	}
	out[0] = '\0';
	for (i = 0; i < nr; i++) {
		if (!seen[i])
			continue;
		if (out[0])
			strncat(out, " ", outlen - strlen(out) - 1);
		strncat(out, feature_names[i], outlen - strlen(out) - 1);
	}
	return 0;
}

/* Parse ap_domain=auto|-1|N (auto is -2 until machine_finish()). */
static int get_ap_domain(struct ctx *c, const struct word *w, int *out)
{
	if (!strcmp(w->val, "auto"))
		*out = -2;
	else if (!strcmp(w->val, "-1"))
		*out = -1;
	else
		return get_int(c, w, 0, MACHINE_IDS - 1, out);
	return 0;
}

/* Parse auto|N into an int, auto being -1. */
static int get_auto_int(struct ctx *c, const struct word *w, int *out)
{
	if (!strcmp(w->val, "auto")) {
		*out = -1;
		return 0;
	}
	return get_int(c, w, 0, INT_MAX, out);
}

/* Parse auto|yes|no into -1, 1 or 0. */
static int get_auto_bool(struct ctx *c, const struct word *w, int *out)
{
	bool b = false;

	if (!strcmp(w->val, "auto")) {
		*out = -1;
		return 0;
	}
	if (get_bool(c, w, &b))
		return -1;
	*out = b;
	return 0;
}

/*
 * bus max_adapter= max_domain= apmask= aqmask= ap_domain= qci= features=
 * ap_driver_override_ctr= ap_apmask_aqmask_in_use=
 */
static int parse_bus(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	int i, rc;

	for (i = 1; i < nr; i++) {
		const char *k = w[i].key;

		if (need_value(c, &w[i]))
			return -1;
		if (!strcmp(k, "max_adapter"))
			rc = get_int(c, &w[i], 0, MACHINE_IDS - 1,
				     &m->max_adapter);
		else if (!strcmp(k, "max_domain"))
			rc = get_int(c, &w[i], 0, MACHINE_IDS - 1,
				     &m->max_domain);
		else if (!strcmp(k, "apmask"))
			rc = parse_mask(c, &w[i], &m->apmask);
		else if (!strcmp(k, "aqmask"))
			rc = parse_mask(c, &w[i], &m->aqmask);
		else if (!strcmp(k, "qci"))
			rc = get_bool(c, &w[i], &m->qci);
		else if (!strcmp(k, "features"))
			rc = parse_features(c, &w[i], m->features,
					    sizeof(m->features));
		else if (!strcmp(k, "ap_domain"))
			rc = get_ap_domain(c, &w[i], &m->ap_domain);
		else if (!strcmp(k, "ap_driver_override_ctr"))
			rc = get_auto_int(c, &w[i], &m->override_ctr);
		else if (!strcmp(k, "ap_apmask_aqmask_in_use"))
			rc = get_auto_bool(c, &w[i], &m->masks_in_use);
		else
			rc = unknown_key(c, &w[0], &w[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * kernel ap_config= guest_matrix= matrix_features= bindings= features=
 * driver_override= driver_override_busy=
 */
static int parse_kernel(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	bool *flag;
	int i;

	for (i = 1; i < nr; i++) {
		const char *k = w[i].key;

		if (need_value(c, &w[i]))
			return -1;
		if (!strcmp(k, "ap_config"))
			flag = &m->has_ap_config;
		else if (!strcmp(k, "guest_matrix"))
			flag = &m->has_guest_matrix;
		else if (!strcmp(k, "matrix_features"))
			flag = &m->has_matrix_features;
		else if (!strcmp(k, "bindings"))
			flag = &m->has_bindings;
		else if (!strcmp(k, "features"))
			flag = &m->has_features;
		else if (!strcmp(k, "driver_override"))
			flag = &m->has_driver_override;
		else if (!strcmp(k, "driver_override_busy"))
			flag = &m->override_busy;
		else
			return unknown_key(c, &w[0], &w[i]);
		if (get_bool(c, &w[i], flag))
			return -1;
	}
	return 0;
}

/* drivers zcrypt= vfio_ap= */
static int parse_drivers(struct ctx *c, struct word *w, int nr)
{
	bool *flag;
	int i;

	for (i = 1; i < nr; i++) {
		if (need_value(c, &w[i]))
			return -1;
		if (!strcmp(w[i].key, "zcrypt"))
			flag = &c->m->zcrypt;
		else if (!strcmp(w[i].key, "vfio_ap"))
			flag = &c->m->vfio_ap;
		else
			return unknown_key(c, &w[0], &w[i]);
		if (get_bool(c, &w[i], flag))
			return -1;
	}
	return 0;
}

/* Parse the key=value pairs of an adapter line into a. */
static int parse_adapter_keys(struct ctx *c, struct word *w, int nr,
			      struct machine_adapter *a)
{
	const struct word *raw = NULL;
	bool have_type = false, have_mode = false, have_domains = false;
	int i, rc;

	for (i = 2; i < nr; i++) {
		const char *k = w[i].key, *v = w[i].val;

		if (need_value(c, &w[i]))
			return -1;
		if (!strcmp(k, "hwtype")) {
			rc = get_int(c, &w[i], 10, 14, &a->hwtype);
			have_type = true;
		} else if (!strcmp(k, "raw_hwtype")) {
			rc = get_int(c, &w[i], 10, 255, &a->raw_hwtype);
			raw = &w[i];
		} else if (!strcmp(k, "domains")) {
			rc = parse_list(c, k, v, &a->domains);
			have_domains = true;
		} else if (!strcmp(k, "mode")) {
			rc = 0;
			have_mode = true;
			if (!strcmp(v, "cca"))
				a->mode = MACHINE_MODE_CCA;
			else if (!strcmp(v, "ep11"))
				a->mode = MACHINE_MODE_EP11;
			else if (!strcmp(v, "accel"))
				a->mode = MACHINE_MODE_ACCEL;
			else
				rc = bad(c, &w[i]);
		} else if (!strcmp(k, "config")) {
			rc = get_bool(c, &w[i], &a->config);
		} else if (!strcmp(k, "chkstop")) {
			rc = get_bool(c, &w[i], &a->chkstop);
		} else if (!strcmp(k, "online")) {
			rc = get_bool(c, &w[i], &a->online);
		} else if (!strcmp(k, "requests")) {
			rc = get_u64(c, &w[i], &a->requests);
		} else {
			rc = unknown_key(c, &w[0], &w[i]);
		}
		if (rc)
			return rc;
	}
	if (!have_type || !have_mode || !have_domains)
		return fail(c, "adapter %s needs %s=", w[1].key,
			    !have_type ? "hwtype" :
			    !have_mode ? "mode" : "domains");
	if (!raw)
		a->raw_hwtype = a->hwtype;
	else if (a->raw_hwtype < a->hwtype)
		return bad(c, raw);
	return 0;
}

/* adapter ID hwtype= mode= domains= [raw_hwtype= config= chkstop= ...] */
static int parse_adapter(struct ctx *c, struct word *w, int nr)
{
	struct machine_adapter a = {
		.present = true, .config = true, .online = true,
	};
	unsigned long long id;

	if (nr < 2 || w[1].val)
		return fail(c, "adapter needs an id");
	if (!parse_num(w[1].key, MACHINE_IDS - 1, &id))
		return fail(c, "bad adapter id '%s'", w[1].key);
	if (c->m->adapter[id].present)
		return fail(c, "adapter '%s' given twice", w[1].key);
	if (parse_adapter_keys(c, w, nr, &a))
		return -1;
	c->m->adapter[id] = a;
	return 0;
}

/* usage_domains LIST and control_domains LIST */
static int parse_domain_mask(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	bool usage = !strcmp(w[0].key, "usage_domains");

	if (nr != 2 || w[1].val)
		return fail(c, "%s needs one LIST", w[0].key);
	if (usage)
		m->usage_domains_given = true;
	else
		m->control_domains_given = true;
	return parse_list(c, w[0].key, w[1].key,
			  usage ? &m->usage_domains : &m->control_domains);
}

/* Parse a queue name "AA.DDDD" (hex) into adapter and domain. */
static bool parse_qname(const char *s, int *a, int *d)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (strlen(s) != 7 || s[2] != '.' || strspn(s, hex) != 2 ||
	    strspn(s + 3, hex) != 4)
		return false;
	*a = (int)strtoul(s, NULL, 16);
	*d = (int)strtoul(s + 3, NULL, 16);
	return *d < MACHINE_IDS;
}

/* Parse a queue name and check that its adapter declares the domain. */
static int get_queue(struct ctx *c, const struct word *w, int *a, int *d)
{
	if (!parse_qname(w->key, a, d))
		return fail(c, "bad queue name '%s'", w->key);
	if (!c->m->adapter[*a].present)
		return fail(c, "queue '%s': adapter not declared above", w->key);
	if (!c->m->adapter[*a].domains.bit[*d])
		return fail(c, "queue '%s': domain not in the adapter's domains=",
			    w->key);
	return 0;
}

/* Parse a queue's driver= value. */
static int get_driver(struct ctx *c, const struct word *w,
		      enum machine_driver *out)
{
	if (!strcmp(w->val, "auto"))
		*out = MACHINE_DRIVER_AUTO;
	else if (!strcmp(w->val, "none"))
		*out = MACHINE_DRIVER_NONE;
	else if (!strcmp(w->val, "cex4queue"))
		*out = MACHINE_DRIVER_CEX4QUEUE;
	else if (!strcmp(w->val, "vfio_ap"))
		*out = MACHINE_DRIVER_VFIO_AP;
	else
		return bad(c, w);
	return 0;
}

/* queue AA.DDDD [driver= config= chkstop= online= requests= pending=] */
static int parse_queue(struct ctx *c, struct word *w, int nr)
{
	struct machine_queue *q;
	int a = 0, d = 0, i, rc;

	if (nr < 2 || w[1].val)
		return fail(c, "queue needs a name AA.DDDD");
	if (get_queue(c, &w[1], &a, &d))
		return -1;
	q = &c->m->queue[a][d];
	for (i = 2; i < nr; i++) {
		const char *k = w[i].key;

		if (need_value(c, &w[i]))
			return -1;
		if (!strcmp(k, "driver"))
			rc = get_driver(c, &w[i], &q->driver);
		else if (!strcmp(k, "config"))
			rc = get_bool(c, &w[i], &q->config);
		else if (!strcmp(k, "chkstop"))
			rc = get_bool(c, &w[i], &q->chkstop);
		else if (!strcmp(k, "online"))
			rc = get_bool(c, &w[i], &q->online);
		else if (!strcmp(k, "requests"))
			rc = get_u64(c, &w[i], &q->requests);
		else if (!strcmp(k, "pending"))
			rc = get_int(c, &w[i], 0, INT_MAX, &q->pending);
		else
			rc = unknown_key(c, &w[0], &w[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* override AA.DDDD NAME: the queue's driver_override (6.19) */
static int parse_override(struct ctx *c, struct word *w, int nr)
{
	struct machine_queue *q;
	int a = 0, d = 0;

	if (nr != 3 || w[1].val || w[2].val || !w[2].key[0])
		return fail(c, "override needs a queue AA.DDDD and a driver name");
	if (get_queue(c, &w[1], &a, &d))
		return -1;
	q = &c->m->queue[a][d];
	if (q->override)
		return fail(c, "override of '%s' given twice", w[1].key);
	q->override = strdup(w[2].key);
	if (!q->override)
		return fail(c, "out of memory");
	return 0;
}

/* Parse the adapters=, domains=, control= lists shared by mdev and define. */
static int get_matrix_key(struct ctx *c, const struct word *w,
			  struct machine_set *adapters,
			  struct machine_set *domains,
			  struct machine_set *control, bool *known)
{
	*known = true;
	if (!strcmp(w->key, "adapters"))
		return parse_list(c, w->key, w->val, adapters);
	if (!strcmp(w->key, "domains"))
		return parse_list(c, w->key, w->val, domains);
	if (!strcmp(w->key, "control"))
		return parse_list(c, w->key, w->val, control);
	*known = false;
	return 0;
}

/* mdev UUID adapters=LIST domains=LIST control=LIST [guest=yes] */
static int parse_mdev(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	struct machine_mdev md = { 0 };
	bool known;
	int i;

	if (nr < 2 || w[1].val)
		return fail(c, "mdev needs a UUID");
	if (parse_uuid(c, w[1].key, md.uuid))
		return -1;
	for (i = 0; i < m->nr_mdevs; i++)
		if (!strcmp(m->mdev[i].uuid, md.uuid))
			return fail(c, "mdev '%s' given twice", w[1].key);
	if (m->nr_mdevs == MACHINE_MAX_MDEVS)
		return fail(c, "too many mdevs at '%s'", w[1].key);
	for (i = 2; i < nr; i++) {
		if (need_value(c, &w[i]) ||
		    get_matrix_key(c, &w[i], &md.adapters, &md.domains,
				   &md.control, &known))
			return -1;
		if (known)
			continue;
		if (strcmp(w[i].key, "guest"))
			return unknown_key(c, &w[0], &w[i]);
		if (get_bool(c, &w[i], &md.guest))
			return -1;
	}
	m->mdev[m->nr_mdevs++] = md;
	return 0;
}

/* define UUID start=auto|manual adapters=LIST domains=LIST control=LIST */
static int parse_define(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	struct machine_define def = { 0 };
	bool known, have_start = false;
	int i;

	if (nr < 2 || w[1].val)
		return fail(c, "define needs a UUID");
	if (parse_uuid(c, w[1].key, def.uuid))
		return -1;
	for (i = 0; i < m->nr_defines; i++)
		if (!strcmp(m->define[i].uuid, def.uuid))
			return fail(c, "define '%s' given twice", w[1].key);
	if (m->nr_defines == MACHINE_MAX_DEFINES)
		return fail(c, "too many defines at '%s'", w[1].key);
	for (i = 2; i < nr; i++) {
		if (need_value(c, &w[i]) ||
		    get_matrix_key(c, &w[i], &def.adapters, &def.domains,
				   &def.control, &known))
			return -1;
		if (known)
			continue;
		if (strcmp(w[i].key, "start"))
			return unknown_key(c, &w[0], &w[i]);
		if (!strcmp(w[i].val, "auto"))
			def.autostart = true;
		else if (strcmp(w[i].val, "manual"))
			return bad(c, &w[i]);
		have_start = true;
	}
	if (!have_start)
		return fail(c, "define '%s' needs start=", w[1].key);
	m->define[m->nr_defines++] = def;
	return 0;
}

/* rules apmask=MASK aqmask=MASK */
static int parse_rules(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	bool have_ap = false, have_aq = false;
	int i;

	for (i = 1; i < nr; i++) {
		if (need_value(c, &w[i]))
			return -1;
		if (!strcmp(w[i].key, "apmask")) {
			if (parse_mask(c, &w[i], &m->rules_apmask))
				return -1;
			have_ap = true;
		} else if (!strcmp(w[i].key, "aqmask")) {
			if (parse_mask(c, &w[i], &m->rules_aqmask))
				return -1;
			have_aq = true;
		} else {
			return unknown_key(c, &w[0], &w[i]);
		}
	}
	if (!have_ap || !have_aq)
		return fail(c, "rules needs %s=",
			    have_ap ? "aqmask" : "apmask");
	m->has_rules = true;
	return 0;
}

/* driverctl AA.DDDD NAME: a persisted override (any queue name) */
static int parse_driverctl(struct ctx *c, struct word *w, int nr)
{
	struct machine *m = c->m;
	struct machine_driverctl *dc;
	int a = 0, d = 0, i;

	if (nr != 3 || w[1].val || w[2].val || !w[2].key[0])
		return fail(c, "driverctl needs a queue AA.DDDD and a driver name");
	if (!parse_qname(w[1].key, &a, &d))
		return fail(c, "bad queue name '%s'", w[1].key);
	if (strlen(w[2].key) >= sizeof(dc->driver))
		return fail(c, "driver name '%s' too long", w[2].key);
	for (i = 0; i < m->nr_driverctl; i++)
		if (m->driverctl[i].adapter == a && m->driverctl[i].domain == d)
			return fail(c, "driverctl '%s' given twice", w[1].key);
	if (m->nr_driverctl == MACHINE_MAX_DRIVERCTL)
		return fail(c, "too many driverctl lines at '%s'", w[1].key);
	dc = &m->driverctl[m->nr_driverctl++];
	dc->adapter = a;
	dc->domain = d;
	strcpy(dc->driver, w[2].key);
	return 0;
}

/* The statements of FORMAT.md and their parsers. */
static const struct statement {
	const char *name;
	int (*parse)(struct ctx *c, struct word *w, int nr);
} statements[] = {
	{ "bus", parse_bus },
	{ "kernel", parse_kernel },
	{ "drivers", parse_drivers },
	{ "adapter", parse_adapter },
	{ "usage_domains", parse_domain_mask },
	{ "control_domains", parse_domain_mask },
	{ "queue", parse_queue },
	{ "override", parse_override },
	{ "mdev", parse_mdev },
	{ "define", parse_define },
	{ "rules", parse_rules },
	{ "driverctl", parse_driverctl },
};

/* Set every default of FORMAT.md (an empty machine: no adapters). */
void machine_init(struct machine *m)
{
	int a, d;

	memset(m, 0, sizeof(*m));
	m->max_adapter = MACHINE_IDS - 1;
	m->max_domain = MACHINE_IDS - 1;
	memset(m->apmask.bit, 1, sizeof(m->apmask.bit));
	memset(m->aqmask.bit, 1, sizeof(m->aqmask.bit));
	m->ap_domain = -2;
	m->qci = true;
	strcpy(m->features, "APSC APXA QACT");
	m->has_ap_config = true;
	m->has_guest_matrix = true;
	m->has_matrix_features = true;
	m->has_bindings = true;
	m->has_features = true;
	m->override_ctr = -1;
	m->masks_in_use = -1;
	m->zcrypt = true;
	m->vfio_ap = true;
	for (a = 0; a < MACHINE_IDS; a++) {
		for (d = 0; d < MACHINE_IDS; d++) {
			m->queue[a][d].config = true;
			m->queue[a][d].online = true;
		}
	}
}

/* Parse one statement; lineno is for messages. 0 or -1 with err filled. */
int machine_parse_line(struct machine *m, const char *line, int lineno,
		       char *err, size_t errlen)
{
	struct ctx c = { m, lineno, err, errlen };
	struct word w[MAX_WORDS];
	size_t i;
	char *buf;
	int nr = 0, rc;

	buf = strdup(line);
	if (!buf)
		return fail(&c, "out of memory");
	rc = split_words(&c, buf, w, &nr);
	if (rc || !nr)
		goto out;
	for (i = 0; i < sizeof(statements) / sizeof(statements[0]); i++)
		if (!w[0].val && !strcmp(w[0].key, statements[i].name))
			break;
	if (i == sizeof(statements) / sizeof(statements[0]))
		rc = fail(&c, "unknown statement '%s'", w[0].key);
	else
		rc = statements[i].parse(&c, w, nr);
out:
	free(buf);
	return rc;
}

/* Prefix the message in err with "PATH: ". */
static void name_file(char *err, size_t errlen, const char *path)
{
	char *msg = strdup(err);

	if (msg)
		snprintf(err, errlen, "%s: %s", path, msg);
	free(msg);
}

/* machine_init + every line of a file ("-" = stdin) + machine_finish. */
int machine_load_file(struct machine *m, const char *path, char *err,
		      size_t errlen)
{
	bool use_stdin = !strcmp(path, "-");
	FILE *f = use_stdin ? stdin : fopen(path, "r");
	size_t cap = 0;
	char *line = NULL;
	int lineno = 0, rc = 0;
	ssize_t len;

	machine_init(m);
	if (!f)
		return fail_late(err, errlen, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)len)) {
			struct ctx c = { m, lineno, err, errlen };

			rc = fail(&c, "NUL byte in line");
			break;
		}
		rc = machine_parse_line(m, line, lineno, err, errlen);
		if (rc)
			break;
	}
	if (!rc && ferror(f))
		rc = fail_late(err, errlen, "read error");
	free(line);
	if (!use_stdin)
		fclose(f);
	if (!rc)
		rc = machine_finish(m, err, errlen);
	if (rc)
		name_file(err, errlen, path);
	return rc;
}

/* True if a queue carries an override although it does not exist. */
static bool queue_overridden(const struct machine_queue *q)
{
	return q->driver != MACHINE_DRIVER_AUTO || !q->config || q->chkstop ||
	       !q->online || q->requests || q->pending || q->override;
}

/* Derive one queue: existence, card state, driver; 0 or -1 with err. */
static int finish_queue(struct machine *m, int a, int d, char *err,
			size_t errlen)
{
	const struct machine_adapter *ad = &m->adapter[a];
	struct machine_queue *q = &m->queue[a][d];

	q->present = ad->present && ad->domains.bit[d] &&
		     m->usage_domains.bit[d] && d <= m->max_domain;
	if (!q->present) {
		if (queue_overridden(q))
			return fail_late(err, errlen,
					 "queue %02x.%04x does not exist (usage domains, max_domain)",
					 a, d);
		return 0;
	}
	q->config = q->config && ad->config;
	q->chkstop = q->chkstop || ad->chkstop;
	q->online = q->online && q->config && ad->online;
	if (q->override && !m->has_driver_override)
		return fail_late(err, errlen,
				 "override of %02x.%04x needs kernel driver_override=yes",
				 a, d);
	if (q->driver == MACHINE_DRIVER_AUTO && q->override) {
		/* DO-13: only the named driver binds, if it is loaded */
		q->driver = machine_override_driver(q->override);
		if ((q->driver == MACHINE_DRIVER_CEX4QUEUE && !m->zcrypt) ||
		    (q->driver == MACHINE_DRIVER_VFIO_AP && !m->vfio_ap))
			q->driver = MACHINE_DRIVER_NONE;
	} else if (q->driver == MACHINE_DRIVER_AUTO) {
		if (machine_host_owned(m, a, d))
			q->driver = m->zcrypt ? MACHINE_DRIVER_CEX4QUEUE :
						MACHINE_DRIVER_NONE;
		else
			q->driver = m->vfio_ap ? MACHINE_DRIVER_VFIO_AP :
						 MACHINE_DRIVER_NONE;
	}
	if (q->driver == MACHINE_DRIVER_CEX4QUEUE && !m->zcrypt)
		return fail_late(err, errlen,
				 "queue %02x.%04x: driver cex4queue needs zcrypt=yes",
				 a, d);
	if (q->driver == MACHINE_DRIVER_VFIO_AP && !m->vfio_ap)
		return fail_late(err, errlen,
				 "queue %02x.%04x: driver vfio_ap needs vfio_ap=yes",
				 a, d);
	return 0;
}

/* Whether a set has every id 0..255. */
static bool set_full(const struct machine_set *set)
{
	int i;

	for (i = 0; i < MACHINE_IDS; i++)
		if (!set->bit[i])
			return false;
	return true;
}

/*
 * The 6.19 bus state after boot: the override counter (the overrides given
 * unless set), the mask flag (set when a mask is restricted and no override
 * exists: masks restricted with overrides come from boot parameters, DO-7)
 * and the bindings-complete counter (1 once every queue was bound).
 */
static int finish_override_state(struct machine *m, char *err, size_t errlen)
{
	int a, d, overrides = 0;

	for (a = 0; a < MACHINE_IDS; a++)
		for (d = 0; d < MACHINE_IDS; d++)
			overrides += m->queue[a][d].override != NULL;
	if (m->override_ctr < 0)
		m->override_ctr = overrides;
	else if (m->override_ctr < overrides)
		return fail_late(err, errlen,
				 "ap_driver_override_ctr %d is below the %d overrides",
				 m->override_ctr, overrides);
	if (m->masks_in_use < 0)
		m->masks_in_use = !m->override_ctr &&
				  (!set_full(&m->apmask) || !set_full(&m->aqmask));
	m->bindings_done = machine_all_bound(m);
	m->bindings_complete_count = m->bindings_done;
	return 0;
}

/* Derive queues, drivers, ap_domain, QCI defaults. 0 or -1 with err. */
int machine_finish(struct machine *m, char *err, size_t errlen)
{
	int a, d;

	/*
	 * The matrix device's features file (6.13+) always names ap_config
	 * (about 6.10+): a kernel without ap_config has no such file.
	 */
	if (!m->has_ap_config)
		m->has_matrix_features = false;

	for (a = 0; a < MACHINE_IDS; a++) {
		if (!m->adapter[a].present)
			continue;
		if (a > m->max_adapter)
			return fail_late(err, errlen,
					 "adapter 0x%02x is above max_adapter %d",
					 a, m->max_adapter);
		if (!m->usage_domains_given)
			for (d = 0; d < MACHINE_IDS; d++)
				m->usage_domains.bit[d] |=
					m->adapter[a].domains.bit[d];
		m->adapter[a].online = m->adapter[a].online &&
				       m->adapter[a].config;
	}
	if (!m->control_domains_given)
		m->control_domains = m->usage_domains;
	if (m->nr_mdevs && !m->vfio_ap)
		return fail_late(err, errlen, "mdev %s needs vfio_ap=yes",
				 m->mdev[0].uuid);
	for (a = 0; a < MACHINE_IDS; a++)
		for (d = 0; d < MACHINE_IDS; d++)
			if (finish_queue(m, a, d, err, errlen))
				return -1;
	if (finish_override_state(m, err, errlen))
		return -1;
	if (m->ap_domain > m->max_domain)
		return fail_late(err, errlen,
				 "ap_domain %d is above max_domain %d",
				 m->ap_domain, m->max_domain);
	if (m->ap_domain == -2) {
		m->ap_domain = -1;
		for (d = 0; d <= m->max_domain; d++) {
			if (m->usage_domains.bit[d] && m->aqmask.bit[d]) {
				m->ap_domain = d;
				break;
			}
		}
	}
	return 0;
}

/* Free what a machine holds besides itself (the override strings). */
void machine_release(struct machine *m)
{
	int a, d;

	for (a = 0; a < MACHINE_IDS; a++) {
		for (d = 0; d < MACHINE_IDS; d++) {
			free(m->queue[a][d].override);
			m->queue[a][d].override = NULL;
		}
	}
}

/* Whether every present queue is bound to a driver. */
bool machine_all_bound(const struct machine *m)
{
	int a, d;

	for (a = 0; a < MACHINE_IDS; a++)
		for (d = 0; d < MACHINE_IDS; d++)
			if (m->queue[a][d].present &&
			    m->queue[a][d].driver == MACHINE_DRIVER_NONE)
				return false;
	return true;
}

/* The driver an override names: cex4queue, vfio_ap, or NONE (no such). */
enum machine_driver machine_override_driver(const char *name)
{
	if (!strcmp(name, "cex4queue"))
		return MACHINE_DRIVER_CEX4QUEUE;
	if (!strcmp(name, "vfio_ap"))
		return MACHINE_DRIVER_VFIO_AP;
	return MACHINE_DRIVER_NONE;
}

/* DO-22: a bound overridden queue is the host's iff on cex4queue. */
bool machine_vfio_host_owned(const struct machine *m, int adapter, int domain)
{
	const struct machine_queue *q = &m->queue[adapter][domain];

	if (q->present && q->override && q->driver != MACHINE_DRIVER_NONE)
		return q->driver == MACHINE_DRIVER_CEX4QUEUE;
	return machine_host_owned(m, adapter, domain);
}

/* True if the host (zcrypt) owns the APQN by apmask and aqmask. */
bool machine_host_owned(const struct machine *m, int adapter, int domain)
{
	return m->apmask.bit[adapter] && m->aqmask.bit[domain];
}

/* The mdev index owning (adapter, domain), -1 if none (first if shared). */
int machine_owner(const struct machine *m, int adapter, int domain)
{
	int i;

	for (i = 0; i < m->nr_mdevs; i++)
		if (m->mdev[i].adapters.bit[adapter] &&
		    m->mdev[i].domains.bit[domain])
			return i;
	return -1;
}

/* Spec 4.7 step 3: adapter a of mdev md survives the guest filter. */
static bool guest_keeps_adapter(const struct machine *m,
				const struct machine_mdev *md, int a)
{
	int d;

	if (!md->adapters.bit[a] || !m->adapter[a].present)
		return false;
	for (d = 0; d < MACHINE_IDS; d++) {
		if (!md->domains.bit[d] || !m->usage_domains.bit[d])
			continue;
		if (!m->queue[a][d].present ||
		    m->queue[a][d].driver != MACHINE_DRIVER_VFIO_AP)
			return false;
	}
	return true;
}

/* The guest view of an mdev (spec 4.7): filtered adapters and domains. */
void machine_guest_matrix(const struct machine *m, int mdev_index,
			  struct machine_set *adapters,
			  struct machine_set *domains)
{
	const struct machine_mdev *md = &m->mdev[mdev_index];
	int i;

	for (i = 0; i < MACHINE_IDS; i++) {
		domains->bit[i] = md->domains.bit[i] &&
				  m->usage_domains.bit[i];
		adapters->bit[i] = guest_keeps_adapter(m, md, i);
	}
}

/* "in use", "assigned" or "unassigned" for a vfio_ap-bound queue. */
const char *machine_vfio_status(const struct machine *m, int adapter,
				int domain)
{
	const struct machine_mdev *md;
	int owner = machine_owner(m, adapter, domain);

	if (owner < 0)
		return "unassigned";
	md = &m->mdev[owner];
	if (md->guest && m->usage_domains.bit[domain] &&
	    guest_keeps_adapter(m, md, adapter))
		return "in use";
	return "assigned";
}

/* Print a set as a kernel mask: "0x" + 64 lower-case hex digits (no \n). */
void machine_set_to_mask(const struct machine_set *s, char out[67])
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b;
	size_t i;

	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < MACHINE_IDS / 4; i++) {
		b = &s->bit[i * 4];
		out[2 + i] = hex[(b[0] ? 8 : 0) | (b[1] ? 4 : 0) |
				 (b[2] ? 2 : 0) | (b[3] ? 1 : 0)];
	}
	out[66] = '\0';
}

/* Card type name as zcrypt prints it: "CEX8C", "CEX7P", "CEX6A". */
void machine_type_name(const struct machine_adapter *a, char out[16])
{
	static const char suffix[] = {
		[MACHINE_MODE_CCA] = 'C',
		[MACHINE_MODE_EP11] = 'P',
		[MACHINE_MODE_ACCEL] = 'A',
	};

	snprintf(out, 16, "CEX%d%c", a->hwtype - 6, suffix[a->mode]);
}

/* ap_functions value of a card as the kernel prints it (0x%08X). */
unsigned int machine_functions(const struct machine_adapter *a)
{
	/* APXA (N) and the full-function class byte (F) on every card */
	const unsigned int common = 0x02000000 | 0x00800000;

	switch (a->mode) {
	case MACHINE_MODE_CCA:		/* S, D */
		return 0x80000000 | 0x10000000 | common;
	case MACHINE_MODE_EP11:		/* S, X */
		return 0x80000000 | 0x04000000 | common;
	default:			/* M, C, A */
		return 0x40000000 | 0x20000000 | 0x08000000 | common;
	}
}
