// SPDX-License-Identifier: MIT
/*
 * lszap.c - lszap: list AP queues, adapters, domains, vfio_ap mdevs and who
 * owns each queue. This file owns the command line (one popt table, used
 * for parsing and for --help), loads the model with only what the chosen
 * view needs (or the configuration after a reboot, --persistent), and
 * hands over to the view, to --libvirt or to --watch.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <popt.h>

#include "lszap.h"

/* Option codes: the short option letter, or 0x100 and up for long-only. */
enum {
	OPT_ADAPTER = 'a',
	OPT_DOMAIN = 'd',
	OPT_MDEV = 'm',
	OPT_OWNER = 0x100,
	OPT_ADAPTERS = 'A',
	OPT_DOMAINS = 'D',
	OPT_MDEVS = 'M',
	OPT_BUS = 'b',
	OPT_MATRIX = 'x',
	OPT_CHECK = 0x101,
	OPT_JSON = 'j',
	OPT_FORMAT = 0x102,
	OPT_OUTPUT = 'o',
	OPT_NOHEADINGS = 'n',
	OPT_RAW = 'r',
	OPT_VERBOSE = 'V',
	OPT_HELP = 'h',
	OPT_VERSION = 'v',
	OPT_FREE = 0x103,
	OPT_TYPE = 0x104,
	OPT_MODE = 0x105,
	OPT_PERSISTENT = 0x106,
	OPT_LIBVIRT = 0x107,
	OPT_WATCH = 0x108,
	OPT_INTERVAL = 0x109,
	OPT_EXPORT = 0x10a,
	OPT_LOG = 0x10b,
};

static struct poptOption view_options[] = {
	{ "adapters", 'A', POPT_ARG_NONE, NULL, OPT_ADAPTERS,
	  "one row per adapter", NULL },
	{ "domains", 'D', POPT_ARG_NONE, NULL, OPT_DOMAINS,
	  "one row per domain", NULL },
	{ "mdevs", 'M', POPT_ARG_NONE, NULL, OPT_MDEVS,
	  "one row per vfio_ap mdev, active or defined", NULL },
	{ "bus", 'b', POPT_ARG_NONE, NULL, OPT_BUS,
	  "masks, maximum ids, features, vfio_ap state", NULL },
	{ "matrix", 'x', POPT_ARG_NONE, NULL, OPT_MATRIX,
	  "picture: domains x adapters, who owns each APQN", NULL },
	{ "check", '\0', POPT_ARG_NONE, NULL, OPT_CHECK,
	  "audit the configuration; exit 3 if a problem is found", NULL },
	{ "log", '\0', POPT_ARG_NONE, NULL, OPT_LOG,
	  "with --check: log each problem to the system log", NULL },
	{ "free", '\0', POPT_ARG_NONE, NULL, OPT_FREE,
	  "the APQNs an mdev could take now (with -x: as a picture)", NULL },
	{ "libvirt", '\0', POPT_ARG_STRING, NULL, OPT_LIBVIRT,
	  "print the libvirt <hostdev> element of this mdev", "UUID" },
	{ "export", '\0', POPT_ARG_NONE, NULL, OPT_EXPORT,
	  "the configuration as a zap-config(5) document (-m: one mdev)",
	  NULL },
	POPT_TABLEEND
};

static struct poptOption filter_options[] = {
	{ "adapter", 'a', POPT_ARG_STRING, NULL, OPT_ADAPTER,
	  "only these adapters (1-3,0x47)", "LIST" },
	{ "domain", 'd', POPT_ARG_STRING, NULL, OPT_DOMAIN,
	  "only these domains", "LIST" },
	{ "mdev", 'm', POPT_ARG_STRING, NULL, OPT_MDEV,
	  "only what belongs to this mdev", "UUID" },
	{ "owner", '\0', POPT_ARG_STRING, NULL, OPT_OWNER,
	  "only queues owned by host, vfio, free (vfio, no mdev) or UUID",
	  "WHO" },
	{ "type", '\0', POPT_ARG_STRING, NULL, OPT_TYPE,
	  "--free: only cards of this type (CEX8C)", "TYPE" },
	{ "mode", '\0', POPT_ARG_STRING, NULL, OPT_MODE,
	  "--free: only cards in this mode: cca, ep11 or accel", "MODE" },
	POPT_TABLEEND
};

static struct poptOption config_options[] = {
	{ "persistent", '\0', POPT_ARG_NONE, NULL, OPT_PERSISTENT,
	  "the configuration as it will be after a reboot", NULL },
	{ "watch", '\0', POPT_ARG_NONE, NULL, OPT_WATCH,
	  "print the listing, then one line per change until stopped",
	  NULL },
	{ "interval", '\0', POPT_ARG_STRING, NULL, OPT_INTERVAL,
	  "--watch: re-read a SYSFS_ROOT tree this often (default 2)",
	  "SECONDS" },
	POPT_TABLEEND
};

static struct poptOption output_options[] = {
	{ "json", 'j', POPT_ARG_NONE, NULL, OPT_JSON,
	  "JSON output (same as --format json)", NULL },
	{ "format", '\0', POPT_ARG_STRING, NULL, OPT_FORMAT,
	  "output format: table or json", "FORMAT" },
	{ "output", 'o', POPT_ARG_STRING, NULL, OPT_OUTPUT,
	  "columns to show (-o help lists them, -o +COL adds)", "COLS" },
	{ "noheadings", 'n', POPT_ARG_NONE, NULL, OPT_NOHEADINGS,
	  "do not print the column headings", NULL },
	{ "raw", 'r', POPT_ARG_NONE, NULL, OPT_RAW,
	  "raw table: no alignment", NULL },
	{ "verbose", 'V', POPT_ARG_NONE, NULL, OPT_VERBOSE,
	  "more columns (hardware type, functions, counters)", NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, OPT_HELP,
	  "print this help and exit", NULL },
	{ "version", 'v', POPT_ARG_NONE, NULL, OPT_VERSION,
	  "print the version and exit", NULL },
	POPT_TABLEEND
};

/* The one option table: parsing and --help both walk it. */
static struct poptOption options[] = {
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, view_options, 0,
	  "Views (one at a time; default: one row per queue)", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, filter_options, 0,
	  "Filters", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, config_options, 0,
	  "Configuration and events", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, output_options, 0,
	  "Output", NULL },
	POPT_TABLEEND
};

/* The long name of the view options, for "Only one of" messages. */
static const char *const view_option_names[NR_VIEWS] = {
	[VIEW_ADAPTERS] = "--adapters",
	[VIEW_DOMAINS] = "--domains",
	[VIEW_MDEVS] = "--mdevs",
	[VIEW_BUS] = "--bus",
	[VIEW_MATRIX] = "--matrix",
	[VIEW_CHECK] = "--check",
	[VIEW_FREE] = "--free",
	[VIEW_LIBVIRT] = "--libvirt",
	[VIEW_EXPORT] = "--export",
};

/* Everything the command line said, before it is checked as a whole. */
struct cmdline {
	bool view_given;
	bool format_given;
	bool json_flag;
	char *format;
	char *adapter, *domain, *mdev, *owner, *output;
	char *type, *mode, *libvirt, *interval;
	const char **apqns;
};

/* Print "lszap: <message>" on stderr. */
void lszap_warn(const char *fmt, ...)
{
	char *line = NULL, *safe = NULL;
	va_list ap;
	int len;

	/* untrusted text (a journal's change, a name) is escaped alike */
	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len >= 0)
		safe = malloc((size_t)len * 4 + 1);
	fprintf(stderr, PROGRAM ": %s\n", safe ?
		zap_escape(safe, (size_t)len * 4 + 1, line) : "out of memory");
	free(safe);
	if (len >= 0)
		free(line);
}

/* Print "lszap: <message>" and the --help hint, exit 1. */
void lszap_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs("Try '" PROGRAM " --help' for more information.\n", stderr);
	exit(ZAP_STATUS_USAGE);
}

/* Print "lszap: <err->message>", exit err->status (1 if it says OK). */
void lszap_fail(const struct zap_error *err)
{
	lszap_warn("%s", err->message[0] ? err->message : strerror(err->errnum));
	if (err->status == ZAP_STATUS_USAGE)
		fputs("Try '" PROGRAM " --help' for more information.\n",
		      stderr);
	exit(err->status == ZAP_STATUS_OK ? ZAP_STATUS_USAGE :
	     (int)err->status);
}

/* Print "lszap: out of memory", exit 2. */
void lszap_oom(void)
{
	lszap_warn("out of memory");
	exit(ZAP_STATUS_NOT_FOUND);
}

/* Print the options of one popt table (and of the tables it includes). */
static void print_option_table(const struct poptOption *table)
{
	const struct poptOption *o;
	char left[64];

	for (o = table; o->longName || o->shortName || o->arg; o++) {
		if (o->argInfo == POPT_ARG_INCLUDE_TABLE) {
			printf("\n%s:\n", o->descrip);
			print_option_table(o->arg);
			continue;
		}
		if (o->shortName)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 o->shortName, o->longName,
				 o->argDescrip ? " " : "",
				 o->argDescrip ? o->argDescrip : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->longName,
				 o->argDescrip ? " " : "",
				 o->argDescrip ? o->argDescrip : "");
		printf("  %-22s %s\n", left, o->descrip);
	}
}

/* Print --help: synopsis, purpose, the option table, the id syntax. */
static void print_help(void)
{
	printf("Usage: " PROGRAM " [OPTIONS] [APQN ...]\n\n"
	       "List the AP (crypto) queues, adapters, domains and vfio_ap "
	       "mediated devices\n(mdevs) of an IBM Z KVM host, and who owns "
	       "each queue: the host, the vfio_ap\npool, or an mdev.\n");
	print_option_table(options);
	printf("\nAPQN is AA.DDDD in hex, as the kernel names queues "
	       "(05.0047). A LIST is\ndecimal or 0x hex ids, ',' lists and "
	       "'-' ranges (1-3,0x47); leading zeros are\nrefused as "
	       "ambiguous. COLS is a comma list of column names.\n\n"
	       "See lszap(8) for the columns, the JSON keys and the exit "
	       "codes.\n");
}

/* Record the view option @view; two different views are a usage error. */
static void set_view(struct lszap *l, struct cmdline *c, enum lszap_view view)
{
	if (c->view_given && l->view != view)
		lszap_usage_error("Only one of %s or %s can be specified",
				  view_option_names[l->view],
				  view_option_names[view]);
	c->view_given = true;
	l->view = view;
}

/* Replace a string option's previous value by @arg. */
static void set_text(char **dst, char *arg)
{
	free(*dst);
	*dst = arg;
}

/* Parse argv into @l and @c; --help and --version exit here. */
static poptContext parse_command_line(struct lszap *l, struct cmdline *c,
				      int argc, const char **argv)
{
	poptContext con;
	int rc;

	con = poptGetContext(PROGRAM, argc, argv, options, 0);
	if (!con)
		lszap_oom();
	while ((rc = poptGetNextOpt(con)) > 0) {
		switch (rc) {
		case OPT_ADAPTERS:
			set_view(l, c, VIEW_ADAPTERS);
			break;
		case OPT_DOMAINS:
			set_view(l, c, VIEW_DOMAINS);
			break;
		case OPT_MDEVS:
			set_view(l, c, VIEW_MDEVS);
			break;
		case OPT_BUS:
			set_view(l, c, VIEW_BUS);
			break;
		case OPT_MATRIX:
			set_view(l, c, VIEW_MATRIX);
			break;
		case OPT_CHECK:
			set_view(l, c, VIEW_CHECK);
			break;
		case OPT_LOG:
			l->log = true;
			break;
		case OPT_FREE:
			l->free = true;
			break;
		case OPT_LIBVIRT:
			set_view(l, c, VIEW_LIBVIRT);
			set_text(&c->libvirt, poptGetOptArg(con));
			break;
		case OPT_EXPORT:
			set_view(l, c, VIEW_EXPORT);
			break;
		case OPT_TYPE:
			set_text(&c->type, poptGetOptArg(con));
			break;
		case OPT_MODE:
			set_text(&c->mode, poptGetOptArg(con));
			break;
		case OPT_PERSISTENT:
			l->persistent = true;
			break;
		case OPT_WATCH:
			l->watch = true;
			break;
		case OPT_INTERVAL:
			set_text(&c->interval, poptGetOptArg(con));
			break;
		case OPT_ADAPTER:
			set_text(&c->adapter, poptGetOptArg(con));
			break;
		case OPT_DOMAIN:
			set_text(&c->domain, poptGetOptArg(con));
			break;
		case OPT_MDEV:
			set_text(&c->mdev, poptGetOptArg(con));
			break;
		case OPT_OWNER:
			set_text(&c->owner, poptGetOptArg(con));
			break;
		case OPT_JSON:
			c->json_flag = true;
			l->json = true;
			break;
		case OPT_FORMAT:
			set_text(&c->format, poptGetOptArg(con));
			c->format_given = true;
			if (!strcmp(c->format, "json"))
				l->json = true;
			else if (!strcmp(c->format, "table"))
				l->json = false;
			else
				lszap_usage_error("unknown format '%s': use table or json",
						  c->format);
			break;
		case OPT_OUTPUT:
			set_text(&c->output, poptGetOptArg(con));
			break;
		case OPT_NOHEADINGS:
			l->outflags |= LSZAP_NOHEADINGS;
			break;
		case OPT_RAW:
			l->outflags |= LSZAP_RAW;
			break;
		case OPT_VERBOSE:
			l->verbose = true;
			break;
		case OPT_HELP:
			print_help();
			exit(0);
		case OPT_VERSION:
			printf(PROGRAM " (zap) %s\n", zap_version());
			exit(0);
		}
	}
	if (rc < -1)
		lszap_usage_error("%s: %s",
				  poptBadOption(con, POPT_BADOPTION_NOALIAS),
				  poptStrerror(rc));
	c->apqns = poptGetArgs(con);
	return con;
}

/* Is @view printed as a table (so that -o, -n and -r apply)? */
static bool view_is_table(enum lszap_view view)
{
	return view != VIEW_BUS && view != VIEW_MATRIX && view != VIEW_LIBVIRT &&
	       view != VIEW_EXPORT;
}

/* The first filter option given, for messages; NULL if none. */
static const char *filter_given(const struct cmdline *c)
{
	if (c->adapter)
		return "--adapter";
	if (c->domain)
		return "--domain";
	if (c->mdev)
		return "--mdev";
	if (c->owner)
		return "--owner";
	if (c->apqns && c->apqns[0])
		return "APQN arguments";
	return NULL;
}

/* --free: the free table, or with -x the free picture; alone otherwise. */
static void resolve_free(struct lszap *l, const struct cmdline *c)
{
	if (!l->free) {
		if (c->type || c->mode)
			lszap_usage_error("%s requires --free",
					  c->type ? "--type" : "--mode");
		return;
	}
	if (l->view == VIEW_QUEUES)
		l->view = VIEW_FREE;
	else if (l->view != VIEW_MATRIX)
		lszap_usage_error("Only one of --free or %s can be specified",
				  view_option_names[l->view]);
	if (c->mdev || c->owner)
		lszap_usage_error("Only one of --free or %s can be specified",
				  c->mdev ? "--mdev" : "--owner");
}

/* --watch follows changes of the live configuration, for one listing. */
static void check_watch(const struct lszap *l, const struct cmdline *c)
{
	if (!l->watch) {
		if (c->interval)
			lszap_usage_error("--interval requires --watch");
		return;
	}
	if (l->view == VIEW_CHECK || l->view == VIEW_LIBVIRT ||
	    l->view == VIEW_EXPORT || l->free)
		lszap_usage_error("Only one of --watch or %s can be specified",
				  l->free ? "--free" : view_option_names[l->view]);
	if (l->persistent)
		lszap_usage_error("Only one of --watch or --persistent can be specified");
	if (c->mdev || c->owner)
		lszap_usage_error("Only one of --watch or %s can be specified",
				  c->mdev ? "--mdev" : "--owner");
}

/* --export takes -m and --persistent: no other filter, no --json/--format. */
static void check_export(const struct lszap *l, const struct cmdline *c)
{
	if (l->view != VIEW_EXPORT)
		return;
	if (c->adapter || c->domain || c->owner || (c->apqns && c->apqns[0]))
		lszap_usage_error("Only one of --export or %s can be specified",
				  c->adapter ? "--adapter" : c->domain ?
				  "--domain" : c->owner ? "--owner" :
				  "APQN arguments");
	if (l->json || c->format_given)
		lszap_usage_error("Only one of --export or %s can be specified",
				  c->format_given ? "--format" : "--json");
}

/* Refuse option combinations that mean nothing. */
static void check_combinations(struct lszap *l, const struct cmdline *c)
{
	const char *view, *filter = filter_given(c);
	bool table;

	resolve_free(l, c);
	check_watch(l, c);
	check_export(l, c);
	if (l->log && l->view != VIEW_CHECK)
		lszap_usage_error("--log requires --check");
	view = view_option_names[l->view];
	table = view_is_table(l->view);
	if (l->view == VIEW_LIBVIRT && filter)
		lszap_usage_error("Only one of --libvirt or %s can be specified",
				  filter);
	if (l->json && l->view == VIEW_LIBVIRT)
		lszap_usage_error("Only one of --libvirt or --json can be specified");
	/* --watch -j: the listing and then each event, one JSON a line */
	l->json_lines = l->watch && l->json;
	if (l->json && l->view == VIEW_MATRIX)
		lszap_usage_error("Only one of --matrix or --json can be specified");
	if (c->owner && l->view == VIEW_MATRIX)
		lszap_usage_error("Only one of --owner or --matrix can be specified");
	/* -j -o: the chosen columns as keys (as lsblk -J -o) */
	if (c->output && !table)
		lszap_usage_error("Only one of --output or %s can be specified",
				  view);
	if (l->outflags && (l->json || !table))
		lszap_usage_error("Only one of %s or %s can be specified",
				  l->outflags & LSZAP_RAW ? "--raw" :
				  "--noheadings",
				  l->json ? "--json" : view);
}

/* The model bits the chosen view needs besides its columns. */
static unsigned int view_load_bits(const struct lszap *l)
{
	unsigned int json_all = ZAP_LOAD_CARDS | ZAP_LOAD_QUEUES |
		ZAP_LOAD_QUEUE_STATE | ZAP_LOAD_QUEUE_STATUS | ZAP_LOAD_MDEVS |
		ZAP_LOAD_DEFINITIONS | ZAP_LOAD_RULES | ZAP_LOAD_JOURNAL |
		ZAP_LOAD_VMS;

	switch (l->view) {
	case VIEW_QUEUES:
		return l->json ? json_all : ZAP_LOAD_QUEUES;
	case VIEW_ADAPTERS:
		return ZAP_LOAD_CARDS | ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS |
			(l->json ? 0 : ZAP_LOAD_QUEUES);
	case VIEW_DOMAINS:
		return ZAP_LOAD_QUEUES | ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS;
	case VIEW_MDEVS:
		return ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS |
			(l->json ? ZAP_LOAD_VMS : 0);
	case VIEW_BUS:
		return 0;
	case VIEW_MATRIX:
		return l->free ? free_load_bits() :
			ZAP_LOAD_QUEUES | ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS;
	case VIEW_FREE:
		return free_load_bits();
	case VIEW_LIBVIRT:
		return ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS;
	case VIEW_EXPORT:
		return export_load_bits();
	case VIEW_CHECK:
	default:
		return ZAP_LOAD_ALL & ~(unsigned int)(ZAP_LOAD_COUNTERS |
						      ZAP_LOAD_QUEUE_COUNTERS);
	}
}

/* Warn about every part of the configuration that could not be read. */
static int report_unreadable(const struct lszap *l)
{
	size_t i;

	if (l->view == VIEW_CHECK)
		return 0;
	for (i = 0; i < l->model->nr_unreadable; i++)
		lszap_warn("%s", l->model->unreadable[i]);
	return l->model->nr_unreadable ? ZAP_STATUS_NOT_FOUND : 0;
}

/*
 * Warn about mdevctl definitions and a 41-ap.rules that cannot be used
 * (--check lists them as bad-definition problems instead): the listing
 * goes on without them, and says which file it left out.
 */
static void warn_definitions(const struct lszap *l)
{
	const struct zap_definition *def;
	size_t i;

	if (l->view == VIEW_CHECK)
		return;
	if ((l->model->loaded & ZAP_LOAD_RULES) && l->model->rules_problem[0])
		lszap_warn("warning: unusable persistent masks %s: %s",
			   l->model->paths.rules, l->model->rules_problem);
	if (l->view == VIEW_BUS && !l->persistent)
		return;
	for (i = 0; i < l->model->nr_definitions; i++) {
		def = &l->model->definitions[i];
		if (!def->valid)
			lszap_warn("warning: unusable mdevctl definition %s: %s",
				   def->path, def->problem);
	}
}

/* Load the model the bits ask for (and its persistent form); exit on error. */
static void lszap_load(struct lszap *l, unsigned int bits)
{
	struct zap_error err;

	zap_error_clear(&err);
	/* the boot mdevs' guest matrices depend on the queues' drivers */
	if (l->persistent)
		bits |= ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS | ZAP_LOAD_RULES |
			ZAP_LOAD_QUEUES;
	if (zap_model_load(&l->model, &l->paths, bits, &err))
		lszap_fail(&err);
	if (!l->persistent)
		return;
	l->live = l->model;
	l->model = NULL;
	if (zap_model_persistent(l->live, &l->model, &err))
		lszap_fail(&err);
}

/* Print the chosen view of l->model; return its status. */
static int lszap_print_view(struct lszap *l)
{
	if (l->view == VIEW_LIBVIRT)
		return libvirt_print(l);
	if (l->view == VIEW_EXPORT)
		return export_print(l);
	if (l->json && l->columns_text)
		return l->view == VIEW_CHECK ? check_print(l) :
		       columns_print_table(l);
	if (l->json)
		return json_print(l);
	switch (l->view) {
	case VIEW_BUS:
		return bus_print(l);
	case VIEW_MATRIX:
		return matrix_print(l);
	case VIEW_CHECK:
		return check_print(l);
	default:
		return columns_print_table(l);
	}
}

/* Load the model, run the view, return the exit status. */
static int run(struct lszap *l)
{
	struct zap_error err;
	unsigned int bits;
	int rc, unreadable;

	zap_error_clear(&err);
	if (zap_paths_from_env(&l->paths, &err))
		lszap_fail(&err);
	if (l->watch)
		watch_start(l);
	bits = view_load_bits(l) | filter_load_bits(l);
	if (!l->json || l->columns_text)
		bits |= columns_load_bits(l);
	lszap_load(l, bits);
	filter_resolve(l);
	warn_definitions(l);
	rc = lszap_print_view(l);
	if (fflush(stdout) || ferror(stdout)) {
		lszap_warn("write error: %s", strerror(errno));
		return ZAP_STATUS_NOT_FOUND;
	}
	unreadable = report_unreadable(l);
	if (l->watch)
		return watch_follow(l);
	if (l->view == VIEW_CHECK)
		return bootlog_record(l, rc ? rc : check_status(l));
	return rc ? rc : unreadable;
}

/* lszap [OPTIONS] [APQN ...] */
int main(int argc, const char **argv)
{
	/* static: what an exit() on an error leaves is still reachable */
	static struct cmdline c;
	static struct lszap l;
	static poptContext con;
	int rc;

	l.view = VIEW_QUEUES;
	l.watcher.signal_fd = -1;
	con = parse_command_line(&l, &c, argc, argv);
	check_combinations(&l, &c);
	l.columns_text = c.output;
	if ((!l.json || c.output) && view_is_table(l.view)) {
		columns_select(&l);
		if (c.output && !strcasecmp(c.output, "help")) {
			rc = columns_print_help(&l);
			goto out;
		}
	}
	l.filter.adapter_text = c.adapter;
	l.filter.domain_text = c.domain;
	filter_parse(&l, c.owner, c.libvirt ? c.libvirt : c.mdev, c.apqns);
	if (c.type)
		free_parse_type(&l, c.type);
	if (c.mode)
		free_parse_mode(&l, c.mode);
	if (c.interval)
		watch_parse_interval(&l, c.interval);
	rc = run(&l);
out:
	if (l.have_problems)
		zap_problems_free(&l.problems);
	if (l.model)
		zap_model_free(l.model);
	if (l.live)
		zap_model_free(l.live);
	watch_free(&l);
	free(l.free_apqns);
	filter_free(&l);
	free(c.adapter);
	free(c.domain);
	free(c.mdev);
	free(c.owner);
	free(c.output);
	free(c.format);
	free(c.type);
	free(c.mode);
	free(c.libvirt);
	free(c.interval);
	poptFreeContext(con);
	return rc;
}
