// SPDX-License-Identifier: MIT
/*
 * chzap.c - chzap: change which AP queues belong to the host, to the
 * vfio_ap pool and to each vfio_ap mdev, never sharing an APQN, live, in
 * the persistent configuration (mdevctl definitions, 41-ap.rules) or both.
 * This file owns the command line (one popt table, used for parsing and
 * for --help), turns it into a struct zap_change, and runs it through
 * libzapconf: load the model, let --auto choose the ids (auto.c), build the
 * plan (printed by --dry-run), apply it (lock, re-read, re-validate, write,
 * roll back) or recover a dead chzap's change from its journal, and exit
 * with the error's status; --json reports each outcome as one object.
 * --apply FILE takes the same path with the plan of a whole document
 * (apply.c).
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <popt.h>

#include "audit.h"
#include "chzap.h"
#include "signals.h"

/* Option codes: the short option letter, or 0x100 and up for long-only. */
enum {
	OPT_MDEV = 'm',
	OPT_UNASSIGN = 'u',
	OPT_CREATE = 0x100,
	OPT_REMOVE = 0x101,
	OPT_VFIO = 0x102,
	OPT_HOST = 0x103,
	OPT_LOCK_TIMEOUT = 0x104,
	OPT_AUTOSTART = 0x105,
	OPT_RECOVER = 0x106,
	OPT_AUTO = 0x107,
	OPT_TYPE = 0x108,
	OPT_MODE = 0x109,
	OPT_APPLY = 0x10a,
	OPT_PRUNE = 0x10b,
	OPT_OWNERSHIP = 0x10c,
	OPT_START = 0x10d,
	OPT_SAVE = 0x10e,
	OPT_ADAPTER = 'a',
	OPT_DOMAIN = 'd',
	OPT_CONTROL_DOMAIN = 'c',
	OPT_PERSISTENT = 'p',
	OPT_PERSISTENT_ONLY = 'P',
	OPT_DRY_RUN = 'n',
	OPT_FORCE = 'f',
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'V',
	OPT_JSON = 'j',
	OPT_HELP = 'h',
	OPT_VERSION = 'v',
};

static struct poptOption mode_options[] = {
	{ "mdev", 'm', POPT_ARG_STRING, NULL, OPT_MDEV,
	  "the mdev to change (no mode: assign to it)",
	  "UUID" },
	{ "unassign", 'u', POPT_ARG_NONE, NULL, OPT_UNASSIGN,
	  "unassign the ids from the mdev", NULL },
	{ "create", '\0', POPT_ARG_NONE, NULL, OPT_CREATE,
	  "create an mdev, assign the ids, print its UUID", NULL },
	{ "remove", '\0', POPT_ARG_NONE, NULL, OPT_REMOVE,
	  "remove the mdev", NULL },
	{ "start", '\0', POPT_ARG_NONE, NULL, OPT_START,
	  "create the mdev from its mdevctl definition", NULL },
	{ "vfio", '\0', POPT_ARG_NONE, NULL, OPT_VFIO,
	  "clear apmask/aqmask bits: the queues go to vfio_ap", NULL },
	{ "host", '\0', POPT_ARG_NONE, NULL, OPT_HOST,
	  "set apmask/aqmask bits: the queues go to the host", NULL },
	{ "autostart", '\0', POPT_ARG_STRING, NULL, OPT_AUTOSTART,
	  "start the mdev's definition at boot or not", "yes|no" },
	{ "ownership", '\0', POPT_ARG_STRING, NULL, OPT_OWNERSHIP,
	  "convert between masks and overrides",
	  "overrides|masks" },
	{ "recover", '\0', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL,
	  OPT_RECOVER, "undo (or complete) a dead chzap's change",
	  "complete" },
	{ "apply", '\0', POPT_ARG_STRING, NULL, OPT_APPLY,
	  "make the configuration equal FILE, - for stdin",
	  "FILE" },
	{ "save", '\0', POPT_ARG_NONE, NULL, OPT_SAVE,
	  "save the live configuration persistently", NULL },
	POPT_TABLEEND
};

static struct poptOption id_options[] = {
	{ "adapter", 'a', POPT_ARG_STRING, NULL, OPT_ADAPTER,
	  "adapters (5,0x0a-0x0c)", "LIST" },
	{ "domain", 'd', POPT_ARG_STRING, NULL, OPT_DOMAIN,
	  "usage domains", "LIST" },
	{ "control-domain", 'c', POPT_ARG_STRING, NULL, OPT_CONTROL_DOMAIN,
	  "control domains (not ownership-checked)", "LIST" },
	POPT_TABLEEND
};

static struct poptOption scope_options[] = {
	{ "persistent", 'p', POPT_ARG_NONE, NULL, OPT_PERSISTENT,
	  "change sysfs and the persistent configuration", NULL },
	{ "persistent-only", 'P', POPT_ARG_NONE, NULL, OPT_PERSISTENT_ONLY,
	  "change only the persistent configuration", NULL },
	POPT_TABLEEND
};

static struct poptOption auto_options[] = {
	{ "auto", '\0', POPT_ARG_STRING, NULL, OPT_AUTO,
	  "choose N adapters x M domains that are free", "NxM" },
	{ "type", '\0', POPT_ARG_STRING, NULL, OPT_TYPE,
	  "only cards of this type (CEX8C)", "TYPE" },
	{ "mode", '\0', POPT_ARG_STRING, NULL, OPT_MODE,
	  "only cards of this mode: cca, ep11 or accel", "MODE" },
	POPT_TABLEEND
};

static struct poptOption common_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN,
	  "print the planned writes, write nothing", NULL },
	{ "force", 'f', POPT_ARG_NONE, NULL, OPT_FORCE,
	  "remove an mdev in use; move queues with requests", NULL },
	{ "prune", '\0', POPT_ARG_NONE, NULL, OPT_PRUNE,
	  "with --apply: remove the mdevs the file omits", NULL },
	{ "quiet", 'q', POPT_ARG_NONE, NULL, OPT_QUIET,
	  "no warnings, notes or owner changes", NULL },
	{ "verbose", 'V', POPT_ARG_NONE, NULL, OPT_VERBOSE,
	  "print each write as it is made", NULL },
	{ "json", 'j', POPT_ARG_NONE, NULL, OPT_JSON,
	  "print the outcome as one JSON object", NULL },
	{ "lock-timeout", '\0', POPT_ARG_STRING, NULL, OPT_LOCK_TIMEOUT,
	  "wait this long for the lock (default 90)", "SECONDS" },
	{ "help", 'h', POPT_ARG_NONE, NULL, OPT_HELP,
	  "print this help and exit", NULL },
	{ "version", 'v', POPT_ARG_NONE, NULL, OPT_VERSION,
	  "print the version and exit", NULL },
	POPT_TABLEEND
};

/* The one option table: parsing and --help both walk it. */
static struct poptOption options[] = {
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, mode_options, 0,
	  "Modes (one at a time; default with --mdev: assign)", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, id_options, 0,
	  "Ids", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, scope_options, 0,
	  "Persistence (default: sysfs only)", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, auto_options, 0,
	  "Allocation (with --create, or --mdev to grow; -a, -d filter)", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common_options, 0,
	  "Options", NULL },
	POPT_TABLEEND
};

/* What the command line said beyond the change itself, checked as a whole. */
struct cmdline {
	int mode;            /* OPT_UNASSIGN ... OPT_RECOVER, 0 for assign */
	int scope;           /* OPT_PERSISTENT(_ONLY), 0 for sysfs only */
	bool mdev;           /* -m given */
	bool adapters, domains, control_domains;
	bool type, card_mode; /* --type, --mode */
};

/* A change was attempted: its exit code stands even if output is lost. */
static bool change_attempted;

/* Print "chzap: <message>" on stderr. */
void chzap_warn(const char *fmt, ...)
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

/* Print "chzap: <message>", the --help hint (and the JSON object), exit 1. */
static void __attribute__((noreturn, format(printf, 2, 3)))
usage_error(const struct chzap *c, const char *fmt, ...)
{
	char message[ZAP_ERROR_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	chzap_warn("%s", message);
	fputs("Try '" PROGRAM " --help' for more information.\n", stderr);
	if (c->json)
		report_json(c, NULL, ZAP_STATUS_USAGE, message);
	audit_record(c, NULL, ZAP_STATUS_USAGE, message);
	exit(ZAP_STATUS_USAGE);
}

/* Report @err (on stderr, or as JSON), exit err->status (1 if it says OK). */
static void __attribute__((noreturn))
fail(const struct chzap *c, const struct zap_error *err)
{
	const char *message = err->message[0] ? err->message :
			      strerror(err->errnum);
	int status = err->status == ZAP_STATUS_OK ? ZAP_STATUS_USAGE :
		     (int)err->status;

	/* with --json stderr carries only usage errors */
	if (!c->json || status == ZAP_STATUS_USAGE)
		chzap_warn("%s", message);
	if (status == ZAP_STATUS_USAGE)
		fputs("Try '" PROGRAM " --help' for more information.\n",
		      stderr);
	if (c->json)
		report_json(c, NULL, status, message);
	audit_record(c, NULL, status, message);
	exit(status);
}

/* Report "out of memory", exit 2. */
static void __attribute__((noreturn)) out_of_memory(const struct chzap *c)
{
	struct zap_error err = { .errnum = ENOMEM,
				 .status = ZAP_STATUS_NOT_FOUND };

	snprintf(err.message, sizeof(err.message), "out of memory");
	fail(c, &err);
}

/* Print the options of one popt table (and of the tables it includes). */
static void print_option_table(const struct poptOption *table)
{
	const struct poptOption *o;
	const char *arg, *open, *close;
	char left[64];

	for (o = table; o->longName || o->shortName || o->arg; o++) {
		if (o->argInfo == POPT_ARG_INCLUDE_TABLE) {
			printf("\n%s:\n", o->descrip);
			print_option_table(o->arg);
			continue;
		}
		arg = o->argDescrip ? o->argDescrip : "";
		/* "--recover[=complete]": an argument that may be left out */
		open = !o->argDescrip ? "" :
		       (o->argInfo & POPT_ARGFLAG_OPTIONAL) ? "[=" : " ";
		close = o->argDescrip && (o->argInfo & POPT_ARGFLAG_OPTIONAL) ?
			"]" : "";
		if (o->shortName)
			snprintf(left, sizeof(left), "-%c, --%s%s%s%s",
				 o->shortName, o->longName, open, arg, close);
		else
			snprintf(left, sizeof(left), "    --%s%s%s%s",
				 o->longName, open, arg, close);
		printf("  %-27s %s\n", left, o->descrip);
	}
}

/* Print --help: synopsis, purpose, the option table, the id syntax. */
static void print_help(void)
{
	printf("Usage: " PROGRAM " -m UUID [-a LIST] [-d LIST] [-c LIST]\n"
	       "       " PROGRAM " -u -m UUID [-a LIST] [-d LIST] [-c LIST]\n"
	       "       " PROGRAM " --create [-m UUID] [-a LIST] [-d LIST] [-c LIST]\n"
	       "       " PROGRAM " --create --auto NxM [--type TYPE] [--mode MODE]\n"
	       "       " PROGRAM " -m UUID --auto domains+M|adapters+N [--type TYPE]\n"
	       "             [--mode MODE]\n"
	       "       " PROGRAM " --remove -m UUID\n"
	       "       " PROGRAM " --vfio [-a LIST] [-d LIST]\n"
	       "       " PROGRAM " --host [-a LIST] [-d LIST]\n"
	       "       " PROGRAM " --autostart yes|no -m UUID\n"
	       "       " PROGRAM " --recover[=complete]\n"
	       "       " PROGRAM " --apply FILE|- [--prune] [-p|-P]\n"
	       "       " PROGRAM " --save [-m UUID] [--autostart no]\n\n"
	       "Change which AP (crypto) queues of an IBM Z host belong to the "
	       "host's zcrypt\ndrivers, to the vfio_ap pool and to each vfio_ap "
	       "mediated device (mdev).\nThe whole change is checked first, "
	       "under the AP configuration lock: an APQN\nis never shared by "
	       "two mdevs nor held by an mdev and the host. A failed write\n"
	       "is rolled back. -p also changes the persistent configuration "
	       "(mdevctl\ndefinitions, 41-ap.rules), -P only that.\n");
	print_option_table(options);
	printf("\nA LIST is decimal or 0x hex ids, ',' lists and '-' ranges "
	       "(1-3,0x47);\nleading zeros are refused as ambiguous. A UUID is "
	       "8-4-4-4-12 hex digits.\nNxM is N adapters by M usage domains "
	       "(2x4); domains+M and adapters+N grow\nthe mdev of -m by M usage domains or N adapters.\n\n"
	       "Exit codes: 0 done, 1 usage error, 2 not found, 3 refused, "
	       "4 a write failed\n(rolled back), 5 lock not obtained, 6 a write "
	       "and its rollback failed.\nSee chzap(8).\n");
}

/* Record the mode option @mode; two different modes are a usage error. */
static void set_mode(struct chzap *c, struct cmdline *cmd, int mode)
{
	if (cmd->mode && cmd->mode != mode)
		usage_error(c, "Only one of --create, --start, --remove, --unassign, --vfio, --host, --autostart, --ownership, --recover or --apply can be specified");
	cmd->mode = mode;
	switch (mode) {
	case OPT_UNASSIGN:
		c->change.kind = ZAP_CHANGE_UNASSIGN;
		break;
	case OPT_CREATE:
		c->change.kind = ZAP_CHANGE_CREATE;
		break;
	case OPT_START:
		c->change.kind = ZAP_CHANGE_CREATE;
		c->change.from_definition = true;
		break;
	case OPT_REMOVE:
		c->change.kind = ZAP_CHANGE_REMOVE;
		break;
	case OPT_VFIO:
		c->change.kind = ZAP_CHANGE_TO_VFIO;
		break;
	case OPT_HOST:
		c->change.kind = ZAP_CHANGE_TO_HOST;
		break;
	case OPT_AUTOSTART:
		c->change.kind = ZAP_CHANGE_AUTOSTART;
		break;
	case OPT_OWNERSHIP:
		c->change.kind = ZAP_CHANGE_OWNERSHIP;
		break;
	case OPT_RECOVER:
		c->recover = true;
		break;
	}
}

/* Record --apply FILE; a second, different FILE is a usage error. */
static void set_apply(struct chzap *c, struct cmdline *cmd, const char *arg)
{
	static char file[4096];

	set_mode(c, cmd, OPT_APPLY);
	if (!arg[0])
		usage_error(c, "--apply needs a file name, or - for the standard input");
	if (c->apply_file && strcmp(c->apply_file, arg))
		usage_error(c, "Only one --apply file can be specified");
	snprintf(file, sizeof(file), "%s", arg);
	c->apply_file = file;
}

/* Record -p or -P; the two together are a usage error. */
static void set_scope(struct chzap *c, struct cmdline *cmd, int scope)
{
	if (cmd->scope && cmd->scope != scope)
		usage_error(c, "Only one of --persistent or --persistent-only can be specified");
	cmd->scope = scope;
	c->change.scope = scope == OPT_PERSISTENT ? ZAP_SCOPE_BOTH :
			  ZAP_SCOPE_PERSISTENT;
}

/* Parse the -m argument; a second, different UUID is a usage error. */
static void set_mdev(struct chzap *c, struct cmdline *cmd, const char *arg)
{
	char uuid[ZAP_UUID_STRLEN];
	struct zap_error err;

	zap_error_clear(&err);
	if (zap_uuid_parse(arg, uuid, &err))
		fail(c, &err);
	if (cmd->mdev && strcmp(uuid, c->change.uuid))
		usage_error(c, "Only one --mdev can be specified");
	memcpy(c->change.uuid, uuid, sizeof(uuid));
	cmd->mdev = true;
}

/* Parse an id list into @ids (the lists of a repeated option add up). */
static void add_ids(const struct chzap *c, struct zap_bitmap *ids,
		    bool *given, const char *arg, const char *what)
{
	struct zap_bitmap parsed;
	struct zap_error err;

	zap_error_clear(&err);
	if (zap_ids_parse(&parsed, arg, ZAP_MAX_ID, what, &err))
		fail(c, &err);
	zap_bitmap_or(ids, ids, &parsed);
	*given = true;
}

/* Parse --lock-timeout SECONDS: whole seconds, decimal. */
static unsigned int parse_seconds(const struct chzap *c, const char *arg)
{
	unsigned long value;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	errno = 0;
	value = strtoul(arg, &end, 10);
	if (errno || *end || value > UINT_MAX / 1000)
		goto bad;
	return (unsigned int)value;
bad:
	usage_error(c, "invalid --lock-timeout '%s': give whole seconds (0 to %u)",
		    arg, UINT_MAX / 1000);
}

/* Parse --autostart yes|no into c->change.autostart. */
static void parse_autostart(struct chzap *c, const char *arg)
{
	if (strcmp(arg, "yes") == 0)
		c->change.autostart = true;
	else if (strcmp(arg, "no") == 0)
		c->change.autostart = false;
	else
		usage_error(c, "invalid --autostart '%s': give yes or no", arg);
}

/* Parse the optional argument of --recover: none or "undo", "complete". */
static void parse_recover(struct chzap *c, const char *arg)
{
	if (!arg || strcmp(arg, "undo") == 0)
		c->recover_mode = ZAP_RECOVER_UNDO;
	else if (strcmp(arg, "complete") == 0)
		c->recover_mode = ZAP_RECOVER_COMPLETE;
	else
		usage_error(c, "invalid --recover '%s': give --recover (undo) or --recover=complete",
			    arg);
}

/* Parse --auto NxM, domains+M or adapters+N into c->autoalloc. */
static void parse_auto(struct chzap *c, const char *arg)
{
	if (!auto_parse(&c->autoalloc, arg))
		usage_error(c, "invalid --auto '%s': give NxM, N adapters by M usage domains (2x4), or domains+M or adapters+N to grow an mdev, each 0 to %u",
			    arg, ZAP_IDS);
}

/* Parse --type TYPE: a card type as zcrypt names it, letters and digits. */
static void parse_type(struct chzap *c, struct cmdline *cmd, const char *arg)
{
	size_t len = strlen(arg);

	if (!len || len >= sizeof(c->autoalloc.filter.type) ||
	    arg[strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789")])
		usage_error(c, "invalid --type '%s': give a card type as lszap -A shows it (CEX8C)",
			    arg);
	memcpy(c->autoalloc.filter.type, arg, len + 1);
	cmd->type = true;
}

/* Parse --mode cca|ep11|accel. */
static void parse_card_mode(struct chzap *c, struct cmdline *cmd,
			    const char *arg)
{
	if (strcmp(arg, "cca") == 0)
		c->autoalloc.filter.mode = ZAP_MODE_CCA;
	else if (strcmp(arg, "ep11") == 0)
		c->autoalloc.filter.mode = ZAP_MODE_EP11;
	else if (strcmp(arg, "accel") == 0)
		c->autoalloc.filter.mode = ZAP_MODE_ACCEL;
	else
		usage_error(c, "invalid --mode '%s': give cca, ep11 or accel",
			    arg);
	cmd->card_mode = true;
}

/* Handle one option code @rc of popt with its argument @arg. */
static void handle_option(struct chzap *c, struct cmdline *cmd, int rc,
			  const char *arg)
{
	switch (rc) {
	case OPT_MDEV:
		set_mdev(c, cmd, arg);
		break;
	case OPT_UNASSIGN:
	case OPT_CREATE:
	case OPT_START:
	case OPT_REMOVE:
	case OPT_VFIO:
	case OPT_HOST:
		set_mode(c, cmd, rc);
		break;
	case OPT_AUTOSTART:
		set_mode(c, cmd, rc);
		parse_autostart(c, arg);
		break;
	case OPT_RECOVER:
		set_mode(c, cmd, rc);
		parse_recover(c, arg);
		break;
	case OPT_OWNERSHIP:
		set_mode(c, cmd, rc);
		if (strcmp(arg, "overrides") == 0)
			c->change.ownership = ZAP_OWNERSHIP_OVERRIDES;
		else if (strcmp(arg, "masks") == 0)
			c->change.ownership = ZAP_OWNERSHIP_MASKS;
		else
			usage_error(c, "--ownership takes overrides or masks, not '%s'",
				    arg);
		break;
	case OPT_APPLY:
		set_apply(c, cmd, arg);
		break;
	case OPT_SAVE:
		c->save = true;
		break;
	case OPT_PRUNE:
		c->prune = true;
		break;
	case OPT_ADAPTER:
		add_ids(c, &c->change.adapters, &cmd->adapters, arg, "adapter");
		break;
	case OPT_DOMAIN:
		add_ids(c, &c->change.domains, &cmd->domains, arg, "domain");
		break;
	case OPT_CONTROL_DOMAIN:
		add_ids(c, &c->change.control_domains, &cmd->control_domains,
			arg, "control domain");
		break;
	case OPT_PERSISTENT:
	case OPT_PERSISTENT_ONLY:
		set_scope(c, cmd, rc);
		break;
	case OPT_AUTO:
		parse_auto(c, arg);
		break;
	case OPT_TYPE:
		parse_type(c, cmd, arg);
		break;
	case OPT_MODE:
		parse_card_mode(c, cmd, arg);
		break;
	case OPT_DRY_RUN:
		c->dry_run = true;
		break;
	case OPT_FORCE:
		c->change.force = true;
		break;
	case OPT_QUIET:
		c->quiet = true;
		break;
	case OPT_VERBOSE:
		c->verbose = true;
		break;
	case OPT_JSON:
		c->json = true;
		break;
	case OPT_LOCK_TIMEOUT:
		c->lock_timeout_s = parse_seconds(c, arg);
		break;
	case OPT_HELP:
		print_help();
		exit(0);
	case OPT_VERSION:
		printf(PROGRAM " (zap) %s\n", zap_version());
		exit(0);
	}
}

/*
 * Is --json (or -j) one of the words before "--"? Known before parsing, so
 * that a usage error anywhere on the line is reported as JSON too.
 */
static bool json_requested(int argc, const char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "-j") == 0)
			return true;
	}
	return false;
}

/* A queue argument of --vfio / --host (AA.DDDD): moved with driver_override. */
static void chzap_queue_arg(struct chzap *c, const char *arg)
{
	struct zap_error err = { 0 };
	unsigned int a, d;

	if (zap_apqn_parse(arg, &a, &d, &err))
		usage_error(c, "%s", err.message);
	c->change.by_queue = true;
	zap_bitmap_set(&c->change.queues[a], d);
}

/* Parse argv into @c and @cmd; --help and --version exit here. */
static void parse_command_line(struct chzap *c, struct cmdline *cmd,
			       int argc, const char **argv)
{
	const char *const *rest;
	/* static: what an exit() on a usage error leaves is still reachable */
	static poptContext con;
	char *arg;
	int rc;

	con = poptGetContext(PROGRAM, argc, argv, options, 0);
	if (!con)
		out_of_memory(c);
	while ((rc = poptGetNextOpt(con)) > 0) {
		arg = poptGetOptArg(con);
		handle_option(c, cmd, rc, arg);
		free(arg);
	}
	if (rc < -1)
		usage_error(c, "%s: %s",
			    poptBadOption(con, POPT_BADOPTION_NOALIAS),
			    poptStrerror(rc));
	rest = poptGetArgs(con);
	if (rest && rest[0] && c->change.kind != ZAP_CHANGE_TO_VFIO &&
	    c->change.kind != ZAP_CHANGE_TO_HOST)
		usage_error(c, "unexpected argument '%s'", rest[0]);
	for (size_t i = 0; rest && rest[i]; i++)
		chzap_queue_arg(c, rest[i]);
	poptFreeContext(con);
}

/* --recover takes only the options that say how to report and wait. */
static void check_recover(const struct chzap *c, const struct cmdline *cmd)
{
	if (cmd->mdev || cmd->adapters || cmd->domains ||
	    cmd->control_domains || cmd->scope || c->dry_run ||
	    c->change.force || c->autoalloc.given || cmd->type ||
	    cmd->card_mode)
		usage_error(c, "--recover takes no other options than --quiet, --verbose, --json and --lock-timeout");
}

/* --auto: with --create (NxM) or with -m alone (domains+M, adapters+N). */
static void check_auto(const struct chzap *c, const struct cmdline *cmd)
{
	const struct chzap_auto *a = &c->autoalloc;

	switch (cmd->mode) {
	case OPT_CREATE:
		if (!a->nr_adapters || !a->nr_domains)
			usage_error(c, "--create --auto needs NxM with N and M from 1 (N adapters by M usage domains)");
		break;
	case 0:
		if (!cmd->mdev)
			usage_error(c, "--auto needs --create, or --mdev UUID to grow an mdev");
		if (!a->nr_adapters == !a->nr_domains)
			usage_error(c, "--mdev --auto grows an mdev one way: domains+M adds M usage domains, adapters+N adds N adapters");
		break;
	default:
		usage_error(c, "--auto goes only with --create, or with --mdev UUID to grow an mdev");
	}
	if (cmd->control_domains)
		usage_error(c, "--auto takes no --control-domain: assign control domains with --mdev UUID -c LIST");
}

/*
 * --save [-m UUID] [--autostart yes|no]: no other mode, no ids, no scope
 * (it is persistent only by nature).
 */
static void check_save(const struct chzap *c, const struct cmdline *cmd)
{
	if (cmd->mode && cmd->mode != OPT_AUTOSTART)
		usage_error(c, "Only one of --create, --start, --remove, --unassign, --vfio, --host, --ownership, --recover, --apply or --save can be specified");
	if (cmd->adapters || cmd->domains || cmd->control_domains ||
	    c->autoalloc.given || cmd->type || cmd->card_mode)
		usage_error(c, "--save takes no --adapter, --domain, --control-domain or --auto: it saves the live configuration");
	if (cmd->scope)
		usage_error(c, "--save takes no --persistent or --persistent-only: it changes only the persistent configuration");
}

/* Refuse option combinations that mean nothing, before anything is read. */
static void check_combinations(const struct chzap *c,
			       const struct cmdline *cmd)
{
	bool ids = cmd->adapters || cmd->domains || cmd->control_domains;

	if (c->quiet && c->verbose)
		usage_error(c, "Only one of --quiet or --verbose can be specified");
	if (c->json && c->verbose)
		usage_error(c, "Only one of --json or --verbose can be specified");
	if (c->prune && cmd->mode != OPT_APPLY)
		usage_error(c, "--prune goes only with --apply");
	if (c->save) {
		check_save(c, cmd);
		return;
	}
	if (cmd->mode == OPT_APPLY) {
		if (cmd->mdev || ids || c->autoalloc.given || cmd->type ||
		    cmd->card_mode)
			usage_error(c, "--apply takes no --mdev, --adapter, --domain, --control-domain or --auto: the file says it all");
		return;
	}
	if (cmd->mode == OPT_RECOVER) {
		check_recover(c, cmd);
		return;
	}
	if ((cmd->type || cmd->card_mode) && !c->autoalloc.given)
		usage_error(c, "--%s needs --auto",
			    cmd->type ? "type" : "mode");
	if (c->autoalloc.given) {
		check_auto(c, cmd);
		return;
	}
	switch (c->change.kind) {
	case ZAP_CHANGE_ASSIGN:
	case ZAP_CHANGE_UNASSIGN:
		if (!cmd->mdev)
			usage_error(c, cmd->mode ? "--unassign needs --mdev UUID" :
				    "no mode given: name the mdev to assign to (--mdev UUID), or use --create, --remove, --vfio or --host");
		if (!ids)
			usage_error(c, "no ids given: use --adapter, --domain or --control-domain");
		break;
	case ZAP_CHANGE_REMOVE:
		if (!cmd->mdev)
			usage_error(c, "--remove needs --mdev UUID");
		if (ids)
			usage_error(c, "--remove takes no --adapter, --domain or --control-domain");
		break;
	case ZAP_CHANGE_OWNERSHIP:
		if (cmd->mdev || ids || cmd->scope)
			usage_error(c, "--ownership takes no --mdev, ids, --persistent or --persistent-only: it converts the live host");
		break;
	case ZAP_CHANGE_AUTOSTART:
		if (!cmd->mdev)
			usage_error(c, "--autostart needs --mdev UUID");
		if (ids)
			usage_error(c, "--autostart takes no --adapter, --domain or --control-domain");
		break;
	case ZAP_CHANGE_TO_VFIO:
	case ZAP_CHANGE_TO_HOST:
		if (cmd->mdev)
			usage_error(c, "Only one of --%s or --mdev can be specified",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		if (cmd->control_domains)
			usage_error(c, "--%s takes no --control-domain: control domains are not in apmask/aqmask",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		if (c->change.by_queue && (cmd->adapters || cmd->domains))
			usage_error(c, "--%s takes queues (AA.DDDD) or --adapter/--domain, not both",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		if (!c->change.by_queue && !cmd->adapters && !cmd->domains)
			usage_error(c, "--%s needs --adapter or --domain, or queues (AA.DDDD)",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		break;
	default:
		if (c->change.from_definition && (!cmd->mdev || ids ||
						  c->change.scope != ZAP_SCOPE_LIVE))
			usage_error(c, "--start needs --mdev UUID and takes no --adapter, --domain, --control-domain, -p or -P");
		/* --create: every combination of -m, -a, -d, -c is fine */
		break;
	}
}

/*
 * zap_lock_on_wait handler: "chzap: waiting for the AP configuration lock
 * held by PID (NAME)..." once, the name escaped like every untrusted text.
 */
static void say_waiting(const struct zap_lock_holder *holder, void *data)
{
	char name[sizeof(holder->name) * 4];

	(void)data;
	zap_escape(name, sizeof(name), holder->name);
	fprintf(stderr, PROGRAM ": waiting for the AP configuration lock held by %d%s%s%s\xe2\x80\xa6\n",
		holder->pid, name[0] ? " (" : "", name, name[0] ? ")" : "");
}

/*
 * Before a change: defer the signals that would cut it in half (they are
 * reported after the outcome), and on a terminal say whom the lock wait
 * waits for.
 */
static void start_change(const struct chzap *c)
{
	change_attempted = true;
	signals_defer();
	if (!c->quiet && !c->json && isatty(STDERR_FILENO))
		zap_lock_on_wait(say_waiting, NULL);
}

/*
 * Say which signal arrived during the change, and what came of it: the
 * lock wait it interrupted (@err), or the change finished or stopped.
 */
static void report_signal(const struct chzap *c, const struct zap_error *err,
			  bool finished)
{
	int sig = signals_caught();
	char name[32];

	if (!sig || c->json)
		return;
	signals_name(sig, name, sizeof(name));
	if (err && err->status == ZAP_STATUS_LOCK && err->errnum == EINTR)
		chzap_warn("interrupted by %s while waiting for the AP configuration lock; nothing written",
			   name);
	else
		chzap_warn("%s received while the configuration was being changed: %s",
			   name, finished ? "the change was finished first" :
			   "chzap stopped after the outcome above");
}

/*
 * Without root, a change refused for permission (the lock's file, the
 * journal, a sysfs write or a persistent file): say that root is needed.
 */
static void report_needs_root(const struct chzap *c,
			      const struct zap_error *err)
{
	if (c->json || geteuid() == 0)
		return;
	if ((err->errnum != EACCES && err->errnum != EPERM) ||
	    (err->status != ZAP_STATUS_WRITE &&
	     err->status != ZAP_STATUS_ROLLBACK))
		return;
	chzap_warn("changing the AP configuration needs root");
}

/* The exit status of a failed library call (2 if it says OK). */
static int error_status(const struct zap_error *err)
{
	return err->status == ZAP_STATUS_OK ? ZAP_STATUS_NOT_FOUND :
	       (int)err->status;
}

/* A refused plan: every refusal, exit 3. */
static int refused(const struct chzap *c, const struct zap_plan *plan)
{
	if (c->json)
		report_json(c, plan, ZAP_STATUS_REFUSED, NULL);
	else
		report_refusals(plan);
	audit_record(c, plan, ZAP_STATUS_REFUSED, NULL);
	return ZAP_STATUS_REFUSED;
}

/* The request is in effect already: a note, exit 0. */
static int nothing_to_do(const struct chzap *c, const struct zap_plan *plan)
{
	if (c->json) {
		report_json(c, plan, ZAP_STATUS_OK, NULL);
	} else {
		report_warnings(c, plan);
		if (c->config)
			apply_report_nothing(c);
		else
			report_nothing_to_do(c, plan);
	}
	return ZAP_STATUS_OK;
}

/*
 * --dry-run: print the planned writes, 0; a refused plan prints only its
 * refusals, no line to apply it (3).
 */
static int dry_run(const struct chzap *c, const struct zap_plan *plan)
{
	if (c->json) {
		report_json(c, plan, plan->refusals.count ? ZAP_STATUS_REFUSED :
			    ZAP_STATUS_OK, NULL);
		return plan->refusals.count ? ZAP_STATUS_REFUSED : ZAP_STATUS_OK;
	}
	if (plan->refusals.count) {
		report_refusals(plan);
		return ZAP_STATUS_REFUSED;
	}
	if (plan->nothing_to_do && c->config)
		apply_report_nothing(c);
	else if (plan->nothing_to_do)
		report_nothing_to_do(c, plan);
	else
		report_dry_run(c, plan);
	report_warnings(c, plan);
	return ZAP_STATUS_OK;
}

/* Apply @plan (the library locks, re-reads, re-validates, writes). */
static int apply(struct chzap *c, struct zap_plan **plan,
		 const struct zap_paths *paths)
{
	struct zap_apply_options how = {
		.lock_timeout_ms = c->lock_timeout_s * 1000,
		.on_write = c->verbose ? report_write : NULL,
		.data = NULL,
		/* --auto: the choice is made again under the lock */
		.choose = c->autoalloc.given ? auto_rechoose : NULL,
		.choose_data = c,
		.choose_load = CHZAP_AUTO_LOAD,
	};
	struct zap_error err;
	int rc, status;
	bool refusals;

	zap_error_clear(&err);
	start_change(c);
	rc = c->config ? apply_write(c, plan, paths, &how, &err) :
	     zap_plan_apply(plan, paths, &how, &err);
	if (c->verbose)
		report_files(*plan);
	if (rc == 0)
		status = ZAP_STATUS_OK;
	else if (err.status == ZAP_STATUS_REFUSED && (*plan)->refusals.count)
		status = ZAP_STATUS_REFUSED; /* re-validated under the lock */
	else
		status = error_status(&err);
	refusals = status == ZAP_STATUS_REFUSED && (*plan)->refusals.count;
	if (c->json) {
		report_json(c, *plan, status,
			    rc == 0 || refusals ? NULL : err.message);
	} else if (rc == 0) {
		report_warnings(c, *plan);
		if ((*plan)->nothing_to_do && c->config)
			apply_report_nothing(c);
		else if ((*plan)->nothing_to_do)
			report_nothing_to_do(c, *plan);
		else if (c->config)
			apply_report_done(c, *plan);
		else
			report_done(c, *plan);
		report_not_persistent(c, *plan);
	} else if (refusals) {
		/* refused on re-validation under the lock: every culprit */
		report_refusals(*plan);
	} else {
		if (err.status == ZAP_STATUS_WRITE ||
		    err.status == ZAP_STATUS_ROLLBACK)
			report_warnings(c, *plan);
		chzap_warn("%s", err.message[0] ? err.message :
			   strerror(err.errnum));
		report_needs_root(c, &err);
	}
	report_signal(c, rc ? &err : NULL, rc == 0);
	audit_record(c, *plan, status, rc == 0 ? NULL : err.message);
	return status;
}

/* --recover: undo or complete a dead chzap's change from its journal. */
static int recover(const struct chzap *c, const struct zap_paths *paths)
{
	struct zap_apply_options how = {
		.lock_timeout_ms = c->lock_timeout_s * 1000,
		.on_write = c->verbose ? report_write : NULL,
		.data = NULL,
	};
	struct zap_journal_info journal;
	struct zap_plan *plan = NULL;
	struct zap_error err;
	int rc, status;

	zap_error_clear(&err);
	/* for the note only: recovering reads the journal again, locked */
	if (zap_journal_read(paths, &journal, NULL))
		journal.present = false;
	start_change(c);
	rc = zap_journal_recover(paths, c->recover_mode, &how, &plan, &err);
	status = rc ? error_status(&err) : ZAP_STATUS_OK;
	if (c->json) {
		report_json(c, plan, status, rc ? err.message : NULL);
	} else {
		if (plan)
			report_recovered(c, plan, &journal, rc == 0);
		if (rc) {
			chzap_warn("%s", err.message[0] ? err.message :
				   strerror(err.errnum));
			report_needs_root(c, &err);
		}
	}
	report_signal(c, rc ? &err : NULL, rc == 0);
	audit_record(c, plan, status, rc ? err.message : NULL);
	zap_plan_free(plan);
	return status;
}

/* Load the model, build the plan, print it or apply it; the exit status. */
static int run(struct chzap *c)
{
	struct zap_model *model = NULL;
	struct zap_plan *plan = NULL;
	struct zap_paths paths;
	struct zap_error err;
	unsigned int load;
	int rc;

	zap_error_clear(&err);
	if (zap_paths_from_env(&paths, &err))
		fail(c, &err);
	if (c->recover)
		return recover(c, &paths);
	if (c->apply_file && apply_read(c, &err))
		fail(c, &err);
	/* the VMs of the mdevs, to name them in refusals */
	load = (c->apply_file || c->save ? zap_config_load_flags() :
		zap_change_load_flags(c->change.kind)) | ZAP_LOAD_VMS;
	if (c->autoalloc.given)
		load |= CHZAP_AUTO_LOAD;
	if (zap_model_load(&model, &paths, load, &err))
		fail(c, &err);
	if (c->save && save_read(c, model, &err)) {
		zap_model_free(model);
		fail(c, &err);
	}
	if (c->autoalloc.given) {
		rc = auto_choose(c, model, &plan, &err);
		if (rc) {
			zap_model_free(model);
			if (rc < 0)
				fail(c, &err);
			rc = refused(c, plan);
			zap_plan_free(plan);
			return rc;
		}
	}
	rc = c->config ? apply_build(c, model, &plan, &err) :
	     zap_plan_build(model, &c->change, &plan, &err);
	if (!rc && !c->config && plan->nothing_to_do &&
	    !plan->refusals.count)
		report_queues_staying(c, model, plan);
	zap_model_free(model);
	if (rc)
		fail(c, &err);
	if (c->dry_run)
		rc = dry_run(c, plan);
	else if (plan->refusals.count)
		rc = refused(c, plan);
	else if (plan->nothing_to_do)
		rc = nothing_to_do(c, plan);
	else
		rc = apply(c, &plan, &paths);
	zap_plan_free(plan);
	zap_config_free(c->config);
	return rc;
}

/*
 * --save: persistent only; new definitions start at boot unless
 * --autostart no; the mode of --autostart is --save's option here.
 */
static void save_prepare(struct chzap *c, const struct cmdline *cmd)
{
	if (cmd->mode != OPT_AUTOSTART)
		c->change.autostart = true;
	c->change.kind = ZAP_CHANGE_ASSIGN;
	c->change.scope = ZAP_SCOPE_PERSISTENT;
	c->save_mdev = cmd->mdev;
}

/* chzap [MODE] [-m UUID] [-a LIST] [-d LIST] [-c LIST] [OPTIONS] */
int main(int argc, const char **argv)
{
	struct chzap c = { .lock_timeout_s = CHZAP_LOCK_TIMEOUT_S };
	struct cmdline cmd = { 0 };
	int rc;

	audit_start(argc, argv);
	c.change.kind = ZAP_CHANGE_ASSIGN;
	c.change.scope = ZAP_SCOPE_LIVE;
	c.json = json_requested(argc, argv);
	parse_command_line(&c, &cmd, argc, argv);
	check_combinations(&c, &cmd);
	if (c.save)
		save_prepare(&c, &cmd);
	rc = run(&c);
	/*
	 * A change is made (or not) whatever happens to the output: its exit
	 * code stands. A run that changed nothing (a dry run) produced only
	 * its output: lost, the run failed (2, as lszap).
	 */
	if (fflush(stdout) || ferror(stdout)) {
		chzap_warn("write error on standard output: %s", strerror(errno));
		if (!change_attempted && rc == ZAP_STATUS_OK)
			rc = ZAP_STATUS_NOT_FOUND;
	}
	return rc;
}
