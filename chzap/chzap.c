// SPDX-License-Identifier: MIT
/*
 * chzap.c - chzap: change which AP queues belong to the host, to the
 * vfio_ap pool and to each vfio_ap mdev, never sharing an APQN. This file
 * owns the command line (one popt table, used for parsing and for --help),
 * turns it into a struct zap_change, and runs it through libzapconf: load
 * the model, build the plan (printed by --dry-run), apply it (lock, re-read,
 * re-validate, write, roll back), and exit with the error's status.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <popt.h>

#include "chzap.h"

/* Option codes: the short option letter, or 0x100 and up for long-only. */
enum {
	OPT_MDEV = 'm',
	OPT_UNASSIGN = 'u',
	OPT_CREATE = 0x100,
	OPT_REMOVE = 0x101,
	OPT_VFIO = 0x102,
	OPT_HOST = 0x103,
	OPT_ADAPTER = 'a',
	OPT_DOMAIN = 'd',
	OPT_CONTROL_DOMAIN = 'c',
	OPT_DRY_RUN = 'n',
	OPT_FORCE = 'f',
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'V',
	OPT_LOCK_TIMEOUT = 0x104,
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
	{ "vfio", '\0', POPT_ARG_NONE, NULL, OPT_VFIO,
	  "clear apmask/aqmask bits: the queues go to vfio_ap", NULL },
	{ "host", '\0', POPT_ARG_NONE, NULL, OPT_HOST,
	  "set apmask/aqmask bits: the queues go to the host", NULL },
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

static struct poptOption common_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN,
	  "print the planned writes, write nothing", NULL },
	{ "force", 'f', POPT_ARG_NONE, NULL, OPT_FORCE,
	  "remove an mdev in use; move queues with requests", NULL },
	{ "quiet", 'q', POPT_ARG_NONE, NULL, OPT_QUIET,
	  "no warnings, notes or owner changes", NULL },
	{ "verbose", 'V', POPT_ARG_NONE, NULL, OPT_VERBOSE,
	  "print each write as it is made", NULL },
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
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common_options, 0,
	  "Options", NULL },
	POPT_TABLEEND
};

/* What the command line said beyond the change itself, checked as a whole. */
struct cmdline {
	int mode;            /* OPT_UNASSIGN ... OPT_HOST, 0 for assign */
	bool mdev;           /* -m given */
	bool adapters, domains, control_domains;
};

/* The signal that arrived while the plan was being applied, 0 if none. */
static volatile sig_atomic_t caught_signal;

/* The signals that must not cut a change in half. */
static const int change_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Print "chzap: <message>" on stderr. */
void chzap_warn(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print "chzap: <message>" and the --help hint, exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
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

/* Print "chzap: <err->message>", exit err->status (1 if it says OK). */
static void __attribute__((noreturn)) fail(const struct zap_error *err)
{
	chzap_warn("%s", err->message[0] ? err->message :
		   strerror(err->errnum));
	if (err->status == ZAP_STATUS_USAGE || err->status == ZAP_STATUS_OK)
		fputs("Try '" PROGRAM " --help' for more information.\n",
		      stderr);
	exit(err->status == ZAP_STATUS_OK ? ZAP_STATUS_USAGE :
	     (int)err->status);
}

/* Print "chzap: out of memory", exit 2. */
static void __attribute__((noreturn)) out_of_memory(void)
{
	chzap_warn("out of memory");
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
			snprintf(left, sizeof(left), "    --%s%s%s",
				 o->longName,
				 o->argDescrip ? " " : "",
				 o->argDescrip ? o->argDescrip : "");
		printf("  %-27s %s\n", left, o->descrip);
	}
}

/* Print --help: synopsis, purpose, the option table, the id syntax. */
static void print_help(void)
{
	printf("Usage: " PROGRAM " -m UUID [-a LIST] [-d LIST] [-c LIST]\n"
	       "       " PROGRAM " -u -m UUID [-a LIST] [-d LIST] [-c LIST]\n"
	       "       " PROGRAM " --create [-m UUID] [-a LIST] [-d LIST] [-c LIST]\n"
	       "       " PROGRAM " --remove -m UUID\n"
	       "       " PROGRAM " --vfio [-a LIST] [-d LIST]\n"
	       "       " PROGRAM " --host [-a LIST] [-d LIST]\n\n"
	       "Change which AP (crypto) queues of an IBM Z host belong to the "
	       "host's zcrypt\ndrivers, to the vfio_ap pool and to each vfio_ap "
	       "mediated device (mdev).\nThe whole change is checked first, "
	       "under the AP configuration lock: an APQN\nis never shared by "
	       "two mdevs nor held by an mdev and the host. A failed write\n"
	       "is rolled back.\n");
	print_option_table(options);
	printf("\nA LIST is decimal or 0x hex ids, ',' lists and '-' ranges "
	       "(1-3,0x47);\nleading zeros are refused as ambiguous. A UUID is "
	       "8-4-4-4-12 hex digits.\n\n"
	       "Exit codes: 0 done, 1 usage error, 2 not found, 3 refused, "
	       "4 a write failed\n(rolled back), 5 lock not obtained, 6 a write "
	       "and its rollback failed.\nSee chzap(8).\n");
}

/* Record the mode option @mode; two different modes are a usage error. */
static void set_mode(struct chzap *c, struct cmdline *cmd, int mode)
{
	static const enum zap_change_kind kinds[] = {
		[OPT_CREATE - OPT_CREATE] = ZAP_CHANGE_CREATE,
		[OPT_REMOVE - OPT_CREATE] = ZAP_CHANGE_REMOVE,
		[OPT_VFIO - OPT_CREATE] = ZAP_CHANGE_TO_VFIO,
		[OPT_HOST - OPT_CREATE] = ZAP_CHANGE_TO_HOST,
	};

	if (cmd->mode && cmd->mode != mode)
		usage_error("Only one of --create, --remove, --unassign, --vfio or --host can be specified");
	cmd->mode = mode;
	c->change.kind = mode == OPT_UNASSIGN ? ZAP_CHANGE_UNASSIGN :
			 kinds[mode - OPT_CREATE];
}

/* Parse the -m argument; a second, different UUID is a usage error. */
static void set_mdev(struct chzap *c, struct cmdline *cmd, const char *arg)
{
	char uuid[ZAP_UUID_STRLEN];
	struct zap_error err;

	zap_error_clear(&err);
	if (zap_uuid_parse(arg, uuid, &err))
		fail(&err);
	if (cmd->mdev && strcmp(uuid, c->change.uuid))
		usage_error("Only one --mdev can be specified");
	memcpy(c->change.uuid, uuid, sizeof(uuid));
	cmd->mdev = true;
}

/* Parse an id list into @ids (the lists of a repeated option add up). */
static void add_ids(struct zap_bitmap *ids, bool *given, const char *arg,
		    const char *what)
{
	struct zap_bitmap parsed;
	struct zap_error err;

	zap_error_clear(&err);
	if (zap_ids_parse(&parsed, arg, ZAP_MAX_ID, what, &err))
		fail(&err);
	zap_bitmap_or(ids, ids, &parsed);
	*given = true;
}

/* Parse --lock-timeout SECONDS: whole seconds, decimal. */
static unsigned int parse_seconds(const char *arg)
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
	usage_error("invalid --lock-timeout '%s': give whole seconds (0 to %u)",
		    arg, UINT_MAX / 1000);
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
	case OPT_REMOVE:
	case OPT_VFIO:
	case OPT_HOST:
		set_mode(c, cmd, rc);
		break;
	case OPT_ADAPTER:
		add_ids(&c->change.adapters, &cmd->adapters, arg, "adapter");
		break;
	case OPT_DOMAIN:
		add_ids(&c->change.domains, &cmd->domains, arg, "domain");
		break;
	case OPT_CONTROL_DOMAIN:
		add_ids(&c->change.control_domains, &cmd->control_domains, arg,
			"control domain");
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
	case OPT_LOCK_TIMEOUT:
		c->lock_timeout_s = parse_seconds(arg);
		break;
	case OPT_HELP:
		print_help();
		exit(0);
	case OPT_VERSION:
		printf(PROGRAM " (zap) %s\n", zap_version());
		exit(0);
	}
}

/* Parse argv into @c and @cmd; --help and --version exit here. */
static void parse_command_line(struct chzap *c, struct cmdline *cmd,
			       int argc, const char **argv)
{
	const char *const *rest;
	poptContext con;
	char *arg;
	int rc;

	con = poptGetContext(PROGRAM, argc, argv, options, 0);
	if (!con)
		out_of_memory();
	while ((rc = poptGetNextOpt(con)) > 0) {
		arg = poptGetOptArg(con);
		handle_option(c, cmd, rc, arg);
		free(arg);
	}
	if (rc < -1)
		usage_error("%s: %s",
			    poptBadOption(con, POPT_BADOPTION_NOALIAS),
			    poptStrerror(rc));
	rest = poptGetArgs(con);
	if (rest && rest[0])
		usage_error("unexpected argument '%s'", rest[0]);
	poptFreeContext(con);
}

/* Refuse option combinations that mean nothing, before anything is read. */
static void check_combinations(const struct chzap *c,
			       const struct cmdline *cmd)
{
	bool ids = cmd->adapters || cmd->domains || cmd->control_domains;

	if (c->quiet && c->verbose)
		usage_error("Only one of --quiet or --verbose can be specified");
	switch (c->change.kind) {
	case ZAP_CHANGE_ASSIGN:
	case ZAP_CHANGE_UNASSIGN:
		if (!cmd->mdev)
			usage_error(cmd->mode ? "--unassign needs --mdev UUID" :
				    "no mode given: name the mdev to assign to (--mdev UUID), or use --create, --remove, --vfio or --host");
		if (!ids)
			usage_error("no ids given: use --adapter, --domain or --control-domain");
		break;
	case ZAP_CHANGE_REMOVE:
		if (!cmd->mdev)
			usage_error("--remove needs --mdev UUID");
		if (ids)
			usage_error("--remove takes no --adapter, --domain or --control-domain");
		break;
	case ZAP_CHANGE_TO_VFIO:
	case ZAP_CHANGE_TO_HOST:
		if (cmd->mdev)
			usage_error("Only one of --%s or --mdev can be specified",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		if (cmd->control_domains)
			usage_error("--%s takes no --control-domain: control domains are not in apmask/aqmask",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		if (!cmd->adapters && !cmd->domains)
			usage_error("--%s needs --adapter or --domain",
				    c->change.kind == ZAP_CHANGE_TO_VFIO ?
				    "vfio" : "host");
		break;
	default:
		/* --create: every combination of -m, -a, -d, -c is fine */
		break;
	}
}

/* Signal handler while applying: remember the signal, let the change end. */
static void remember_signal(int sig)
{
	caught_signal = sig;
}

/* Catch (@catch) or restore (from @old) the signals of change_signals. */
static void catch_signals(bool catch, struct sigaction old[])
{
	struct sigaction sa;

	/*
	 * While the plan is applied the first signal is only remembered (a
	 * second one acts as usual), so that a change is finished or rolled
	 * back, never cut in half. Signals the caller ignores stay ignored.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remember_signal;
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(change_signals) / sizeof(*change_signals);
	     i++) {
		if (!catch) {
			sigaction(change_signals[i], &old[i], NULL);
			continue;
		}
		sigaction(change_signals[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(change_signals[i], &sa, NULL);
	}
}

/* --dry-run: print the planned writes; 0 if accepted, 3 if refused. */
static int dry_run(const struct chzap *c, const struct zap_plan *plan)
{
	if (plan->nothing_to_do)
		report_nothing_to_do(c, plan);
	else
		report_dry_run(plan);
	report_refusals(plan);
	report_warnings(c, plan);
	return plan->refusals.count ? ZAP_STATUS_REFUSED : ZAP_STATUS_OK;
}

/* Apply @plan (the library locks, re-reads, re-validates, writes). */
static int apply(const struct chzap *c, struct zap_plan **plan,
		 const struct zap_paths *paths)
{
	struct zap_apply_options options = {
		.lock_timeout_ms = c->lock_timeout_s * 1000,
		.on_write = c->verbose ? report_write : NULL,
		.data = NULL,
	};
	struct sigaction old[sizeof(change_signals) / sizeof(*change_signals)];
	struct zap_error err;
	int rc, status;

	zap_error_clear(&err);
	catch_signals(true, old);
	rc = zap_plan_apply(plan, paths, &options, &err);
	catch_signals(false, old);
	if (rc == 0) {
		report_warnings(c, *plan);
		if ((*plan)->nothing_to_do)
			report_nothing_to_do(c, *plan);
		else
			report_done(c, *plan);
		status = ZAP_STATUS_OK;
	} else if (err.status == ZAP_STATUS_REFUSED &&
		   (*plan)->refusals.count) {
		/* refused on re-validation under the lock: every culprit */
		report_refusals(*plan);
		status = ZAP_STATUS_REFUSED;
	} else {
		if (err.status == ZAP_STATUS_WRITE ||
		    err.status == ZAP_STATUS_ROLLBACK)
			report_warnings(c, *plan);
		chzap_warn("%s", err.message[0] ? err.message :
			   strerror(err.errnum));
		status = err.status == ZAP_STATUS_OK ? ZAP_STATUS_NOT_FOUND :
			 (int)err.status;
	}
	if (caught_signal)
		chzap_warn("SIG%s received while the configuration was being changed: %s",
			   sigabbrev_np(caught_signal) ?
			   sigabbrev_np(caught_signal) : "?",
			   rc == 0 ? "the change was finished first" :
			   "chzap stopped after the outcome above");
	return status;
}

/* Load the model, build the plan, print it or apply it; the exit status. */
static int run(const struct chzap *c)
{
	struct zap_model *model = NULL;
	struct zap_plan *plan = NULL;
	struct zap_paths paths;
	struct zap_error err;
	int rc;

	zap_error_clear(&err);
	if (zap_paths_from_env(&paths, &err))
		fail(&err);
	if (zap_model_load(&model, &paths,
			   zap_change_load_flags(c->change.kind), &err))
		fail(&err);
	rc = zap_plan_build(model, &c->change, &plan, &err);
	zap_model_free(model);
	if (rc)
		fail(&err);
	if (c->dry_run) {
		rc = dry_run(c, plan);
	} else if (plan->refusals.count) {
		report_refusals(plan);
		rc = ZAP_STATUS_REFUSED;
	} else if (plan->nothing_to_do) {
		report_warnings(c, plan);
		report_nothing_to_do(c, plan);
		rc = ZAP_STATUS_OK;
	} else {
		rc = apply(c, &plan, &paths);
	}
	zap_plan_free(plan);
	return rc;
}

/* chzap [MODE] [-m UUID] [-a LIST] [-d LIST] [-c LIST] [OPTIONS] */
int main(int argc, const char **argv)
{
	struct chzap c = { .lock_timeout_s = CHZAP_LOCK_TIMEOUT_S };
	struct cmdline cmd = { 0 };
	int rc;

	c.change.kind = ZAP_CHANGE_ASSIGN;
	parse_command_line(&c, &cmd, argc, argv);
	check_combinations(&c, &cmd);
	rc = run(&c);
	/* the change is made (or not) whatever happens to the output */
	if (fflush(stdout) || ferror(stdout))
		chzap_warn("write error on standard output: %s", strerror(errno));
	return rc;
}
