// SPDX-License-Identifier: MIT
/*
 * fuzz_definition.c - libFuzzer target for the peers' configuration files
 * (interop.md 3 and 4): mdevctl definitions (zap_definition_parse, JSON)
 * and chzdev's 41-ap.rules (zap_chzdev_parse). Both are internal functions
 * of libzapconf: the target is linked with the library's objects.
 *
 * Input: the bytes of one file, given to both parsers in an allocation of
 * exactly that size (no terminating NUL: an over-read is an ASan report).
 *
 * Checked besides the sanitizers (and LeakSanitizer for json-c objects):
 *   - definitions: uuid and path are left alone; the problem is one
 *     printable line; an invalid definition assigns nothing and says why;
 *     a valid one, written back as mdevctl would store it (once with an
 *     ap_config attr, once with assign_* attrs in decimal and hex, one id
 *     per attr: the kernel takes no list), parses to the same start mode
 *     and matrix, valid and without problem;
 *   - zap_definition_render (how chzap rewrites a definition it read):
 *     refuses an invalid file with the parser's problem; on a valid one,
 *     changing only "start" keeps the assignment, replacing the assignment
 *     gives exactly the new one, a new definition parses back, and the
 *     rendered layout is a fixed point (rendering it again changes nothing);
 *   - rules: a refused file sets no mask and says why in one printable
 *     line; any problem buffer size gives the same verdict and a truncated
 *     message, never an overflow; an accepted file's masks, written back
 *     in chzdev's layout and by zap_chzdev_render, parse to the same masks;
 *     lines are independent, so the text twice over gives the same masks
 *     ("the last one wins").
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

/* Size of zap_definition.problem and zap_model.rules_problem. */
#define PROBLEM_SIZE 256
/* Longest definition written back: 768 attrs of at most 40 bytes. */
#define DEFINITION_MAX 65536
/* Longest rules file written back. */
#define RULES_MAX 2048

/* Report a broken property and abort, so that libFuzzer keeps the input. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_definition: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* Is @s (within @size bytes) one NUL-terminated line of printable ASCII? */
static bool printable_line(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Append printf-style text to @buf of DEFINITION_MAX bytes at *@pos. */
static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, DEFINITION_MAX - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= DEFINITION_MAX - *pos)
		fail("definition written back does not fit");
	*pos += (size_t)n;
}

/*
 * Append the assign_@name attrs for @ids: decimal or hex per id, as @style
 * selects, one id per attr (a list is a bad definition: kstrtoul refuses
 * it). *@first: no attr written yet (no comma needed).
 */
static void append_assign(char *buf, size_t *pos, const char *name,
			  const struct zap_bitmap *ids, unsigned int style,
			  bool *first)
{
	unsigned int id, in_list = 0, lists = 1;

	zap_for_each_set_bit(id, ids) {
		if (in_list == 0) {
			append(buf, pos, "%s\n    { \"assign_%s\": \"",
			       *first ? "" : ",", name);
			*first = false;
		} else {
			append(buf, pos, ",");
		}
		append(buf, pos, style & 4 ? "0x%02x" : "%u", id);
		style = style * 1103515245u + 12345u;
		if (++in_list == lists) {
			append(buf, pos, "\" }");
			in_list = 0;
		}
	}
	if (in_list)
		append(buf, pos, "\" }");
}

/* Write @def back as an mdevctl definition into @buf; returns the length. */
static size_t write_definition(const struct zap_definition *def, char *buf,
			       bool ap_config, unsigned int style)
{
	char a[ZAP_MASK_STRLEN], d[ZAP_MASK_STRLEN], c[ZAP_MASK_STRLEN];
	bool first = true;
	size_t pos = 0;

	append(buf, &pos,
	       "{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n"
	       "  \"start\": \"%s\",\n  \"attrs\": [",
	       def->autostart ? "auto" : "manual");
	if (ap_config) {
		zap_mask_print(&def->matrix.adapters, a);
		zap_mask_print(&def->matrix.domains, d);
		zap_mask_print(&def->control_domains, c);
		append(buf, &pos, "\n    { \"ap_config\": \"%s,%s,%s\" }", a,
		       d, c);
		first = false;
	} else {
		append_assign(buf, &pos, "adapter", &def->matrix.adapters,
			      style, &first);
		append_assign(buf, &pos, "domain", &def->matrix.domains,
			      style >> 3, &first);
		append_assign(buf, &pos, "control_domain",
			      &def->control_domains, style >> 6, &first);
	}
	append(buf, &pos, "%s]\n}\n", first ? "" : "\n  ");
	return pos;
}

/* Do two parsed definitions assign the same and start the same way? */
static bool same_definition(const struct zap_definition *x,
			    const struct zap_definition *y)
{
	return x->autostart == y->autostart &&
		zap_bitmap_equal(&x->matrix.adapters, &y->matrix.adapters) &&
		zap_bitmap_equal(&x->matrix.domains, &y->matrix.domains) &&
		zap_bitmap_equal(&x->control_domains, &y->control_domains);
}

/* Parse @text of @len bytes into a fresh definition with sentinel fields. */
static void parse_definition(struct zap_definition *def, const char *text,
			     size_t len)
{
	memset(def, 0xa5, sizeof(*def));
	strcpy(def->uuid, "uuid-sentinel");
	strcpy(def->path, "path-sentinel");
	zap_definition_parse(def, text, len);
	if (strcmp(def->uuid, "uuid-sentinel") != 0 ||
	    strcmp(def->path, "path-sentinel") != 0)
		fail("zap_definition_parse changed uuid or path");
	if (!printable_line(def->problem, sizeof(def->problem)))
		fail("problem is not one printable line");
	if (!def->valid &&
	    (!def->problem[0] || def->autostart ||
	     !zap_bitmap_empty(&def->matrix.adapters) ||
	     !zap_bitmap_empty(&def->matrix.domains) ||
	     !zap_bitmap_empty(&def->control_domains)))
		fail("invalid definition ('%s') assigns or has no problem",
		     def->problem);
}

/* Parse rendered @text: valid, @problem, @autostart and the assignment. */
static void check_rendered(const char *text, bool autostart,
			   const struct zap_apqn_set *matrix,
			   const struct zap_bitmap *control,
			   const char *problem, const char *what)
{
	struct zap_definition *def = malloc(sizeof(*def));

	if (!def)
		abort();
	parse_definition(def, text, strlen(text));
	if (!def->valid || strcmp(def->problem, problem) != 0)
		fail("%s: rendered definition refused or other problem: '%s'\n%s",
		     what, def->problem, text);
	if (def->autostart != autostart ||
	    !zap_bitmap_equal(&def->matrix.adapters, &matrix->adapters) ||
	    !zap_bitmap_equal(&def->matrix.domains, &matrix->domains) ||
	    !zap_bitmap_equal(&def->control_domains, control))
		fail("%s: rendered definition assigns something else:\n%s",
		     what, text);
	free(def);
}

/* zap_definition_render of @text (parsed into @def) and of new ones. */
static void check_render(const struct zap_definition *def, const char *text,
			 size_t len, unsigned int style)
{
	char problem[PROBLEM_SIZE], *out = NULL, *again = NULL;
	bool autostart = style & 1;
	struct zap_apqn_set matrix;
	struct zap_bitmap control, none;
	int rc;

	rc = zap_definition_render(text, len, autostart, NULL, NULL, &out,
				   problem, sizeof(problem));
	if (!def->valid) {
		if (rc != -EINVAL || out || strcmp(problem, def->problem) != 0)
			fail("render of an invalid definition: rc %d, '%s'",
			     rc, problem);
		return;
	}
	if (rc || !out)
		fail("render of a valid definition failed: %d %s", rc,
		     problem);
	/* The attrs stay as they were, warnings included. */
	check_rendered(out, autostart, &def->matrix, &def->control_domains,
		       def->problem, "start changed");
	rc = zap_definition_render(out, strlen(out), autostart, NULL, NULL,
				   &again, problem, sizeof(problem));
	if (rc || strcmp(out, again) != 0)
		fail("rendering is not a fixed point:\n%s\n--\n%s", out,
		     again ? again : problem);
	free(again);
	free(out);
	/* Another assignment: the old sets, permuted and complemented. */
	matrix.adapters = def->control_domains;
	matrix.domains = def->matrix.adapters;
	control = def->matrix.domains;
	if (style & 2)
		zap_bitmap_complement(&matrix.adapters, &matrix.adapters);
	if (style & 4)
		zap_bitmap_complement(&control, &control);
	zap_bitmap_zero(&none);
	rc = zap_definition_render(text, len, autostart, &matrix,
				   style & 8 ? &control : NULL, &out, problem,
				   sizeof(problem));
	if (rc || !out)
		fail("render with a new assignment failed: %d %s", rc,
		     problem);
	check_rendered(out, autostart, &matrix, style & 8 ? &control : &none,
		       "", "assignment replaced");
	free(out);
	rc = zap_definition_render(NULL, 0, autostart, &matrix, &control,
				   &out, problem, sizeof(problem));
	if (rc || !out)
		fail("render of a new definition failed: %d %s", rc, problem);
	check_rendered(out, autostart, &matrix, &control, "",
		       "new definition");
	free(out);
}

/* zap_definition_parse; a valid definition written back parses the same. */
static void check_definition(const char *text, size_t len, unsigned int style)
{
	static char written[DEFINITION_MAX];
	struct zap_definition *def = malloc(sizeof(*def));
	struct zap_definition *again = malloc(sizeof(*again));
	size_t n;

	if (!def || !again)
		abort();
	parse_definition(def, text, len);
	for (int form = 0; def->valid && form < 2; form++) {
		n = write_definition(def, written, form == 0, style);
		parse_definition(again, written, n);
		if (!again->valid || again->problem[0])
			fail("definition written back refused: %s\n%s",
			     again->problem, written);
		if (!same_definition(def, again))
			fail("definition written back differs:\n%s", written);
	}
	check_render(def, text, len, style);
	free(again);
	free(def);
}

/* The result of one zap_chzdev_parse call. */
struct rules_result {
	int rc;
	bool has_apmask, has_aqmask;
	struct zap_bitmap apmask, aqmask;
};

/* zap_chzdev_parse into @r with a problem buffer of exactly @size bytes. */
static void parse_rules(struct rules_result *r, const char *text, size_t len,
			char *problem, size_t size)
{
	memset(&r->apmask, 0xa5, sizeof(r->apmask));
	memset(&r->aqmask, 0xa5, sizeof(r->aqmask));
	r->rc = zap_chzdev_parse(text, len, &r->has_apmask, &r->apmask,
				&r->has_aqmask, &r->aqmask, problem, size);
	if (r->rc != 0 && r->rc != -EINVAL)
		fail("zap_chzdev_parse = %d", r->rc);
	if ((!r->has_apmask && !zap_bitmap_empty(&r->apmask)) ||
	    (!r->has_aqmask && !zap_bitmap_empty(&r->aqmask)))
		fail("zap_chzdev_parse: mask set without its has_ flag");
	if (r->rc && (r->has_apmask || r->has_aqmask))
		fail("zap_chzdev_parse refused the file but set a mask");
}

/* Do two results agree? */
static bool same_rules(const struct rules_result *x,
		       const struct rules_result *y)
{
	return x->rc == y->rc && x->has_apmask == y->has_apmask &&
		x->has_aqmask == y->has_aqmask &&
		zap_bitmap_equal(&x->apmask, &y->apmask) &&
		zap_bitmap_equal(&x->aqmask, &y->aqmask);
}

/* Write @r back in chzdev's 41-ap.rules layout; returns the length. */
static size_t write_rules(const struct rules_result *r, char *buf)
{
	char ap[ZAP_MASK_STRLEN], aq[ZAP_MASK_STRLEN];
	int n;

	zap_mask_print(&r->apmask, ap);
	zap_mask_print(&r->aqmask, aq);
	n = snprintf(buf, RULES_MAX,
		     "# Generated by chzdev\n"
		     "ACTION==\"add\", SUBSYSTEM==\"ap\", DEVPATH==\"/bus/ap\", "
		     "ATTR{bindings_complete_count}!=\"0\", GOTO=\"cfg_ap\"\n"
		     "ACTION==\"change\", SUBSYSTEM==\"ap\", "
		     "DEVPATH==\"/devices/ap\", ENV{BINDINGS}==\"complete\", "
		     "ENV{COMPLETECOUNT}==\"1\", GOTO=\"cfg_ap\"\n"
		     "GOTO=\"end_ap\"\n\n"
		     "LABEL=\"cfg_ap\"\n"
		     "%s%s%s%s%s%s"
		     "RUN{builtin}+=\"kmod load vfio_ap\"\n\n"
		     "LABEL=\"end_ap\"\n",
		     r->has_apmask ? "ATTR{../../bus/ap/apmask}=\"" : "",
		     r->has_apmask ? ap : "", r->has_apmask ? "\"\n" : "",
		     r->has_aqmask ? "ATTR{../../bus/ap/aqmask}=\"" : "",
		     r->has_aqmask ? aq : "", r->has_aqmask ? "\"\n" : "");
	if (n < 0 || n >= RULES_MAX)
		fail("rules written back do not fit");
	return (size_t)n;
}

/* zap_chzdev_parse; short problem buffers; written back; text twice. */
static void check_rules(const char *text, size_t len, unsigned int style)
{
	static char written[RULES_MAX];
	struct rules_result r, small, again;
	char problem[PROBLEM_SIZE], again_problem[PROBLEM_SIZE];
	size_t size = style % (PROBLEM_SIZE + 8), n;
	char *short_problem = malloc(size ? size : 1), *twice, *rendered;

	if (!short_problem)
		abort();
	memset(problem, 'Z', sizeof(problem));
	parse_rules(&r, text, len, problem, sizeof(problem));
	if (!printable_line(problem, sizeof(problem)) ||
	    (r.rc != 0) != (problem[0] != '\0'))
		fail("rules rc %d with problem '%.*s'", r.rc,
		     (int)sizeof(problem), problem);
	/* Size 0: a pointer past the end, so that any write is reported. */
	parse_rules(&small, text, len, size ? short_problem : short_problem + 1,
		    size);
	if (!same_rules(&r, &small))
		fail("rules: problem size %zu changes the verdict", size);
	if (size && (strnlen(short_problem, size) == size ||
		     strncmp(short_problem, problem, size - 1) != 0))
		fail("rules: problem of size %zu is '%.*s', not a prefix of '%s'",
		     size, (int)size, short_problem, problem);
	free(short_problem);
	if (r.rc)
		return;
	n = write_rules(&r, written);
	parse_rules(&again, written, n, again_problem, sizeof(again_problem));
	if (!same_rules(&r, &again))
		fail("rules written back parse differently: %s\n%s",
		     again_problem, written);
	rendered = zap_chzdev_render(&r.apmask, &r.aqmask);
	if (!rendered)
		abort();
	parse_rules(&again, rendered, strlen(rendered), again_problem,
		    sizeof(again_problem));
	if (again.rc || !again.has_apmask || !again.has_aqmask ||
	    !zap_bitmap_equal(&r.apmask, &again.apmask) ||
	    !zap_bitmap_equal(&r.aqmask, &again.aqmask))
		fail("zap_chzdev_render output parses differently: %s\n%s",
		     again_problem, rendered);
	free(rendered);
	twice = malloc(2 * len + 1);
	if (!twice)
		abort();
	memcpy(twice, text, len);
	twice[len] = '\n';
	memcpy(twice + len + 1, text, len);
	parse_rules(&again, twice, 2 * len + 1, again_problem,
		    sizeof(again_problem));
	if (!same_rules(&r, &again))
		fail("rules: the text twice over parses differently: %s",
		     again_problem);
	free(twice);
}

/* libFuzzer entry point: one file's bytes, to both parsers. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	unsigned int style = 2166136261u;

	if (!text)
		return 0;
	memcpy(text, data, size);
	for (size_t i = 0; i < size; i++)
		style = (style ^ data[i]) * 16777619u;
	check_definition(text, size, style);
	check_rules(text, size, style);
	free(text);
	return 0;
}
