/* SPDX-License-Identifier: MIT */
/*
 * lszap.h - what the parts of lszap share: the options as parsed, the
 * filters, the loaded model (live, or as after a reboot), and the entry
 * points of each view, of --libvirt and of --watch.
 *
 * Copyright zap developers 2026
 */
#ifndef LSZAP_H
#define LSZAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zapconf.h"

#define PROGRAM "lszap"

/* What lszap shows: one at a time. */
enum lszap_view {
	VIEW_QUEUES,   /* default: one row per queue */
	VIEW_ADAPTERS, /* -A */
	VIEW_DOMAINS,  /* -D */
	VIEW_MDEVS,    /* -M */
	VIEW_BUS,      /* -b */
	VIEW_MATRIX,   /* -x */
	VIEW_CHECK,    /* --check */
	VIEW_FREE,     /* --free: one row per free APQN */
	VIEW_LIBVIRT,  /* --libvirt UUID: the libvirt hostdev element */
	VIEW_EXPORT,   /* --export: the zap-config(5) document */
	NR_VIEWS
};

/* --owner: which queues to keep. */
enum lszap_owner {
	OWNER_ANY,  /* no --owner */
	OWNER_HOST, /* apmask x aqmask gives it to the host */
	OWNER_VFIO, /* not the host's */
	OWNER_FREE, /* not the host's, no mdev */
	OWNER_MDEV, /* that mdev's (active assignment) */
};

/*
 * struct lszap_filter - the selection from -a, -d, -m, --owner and the
 * positional APQNs. Texts are kept to be parsed again against the bus's
 * maxima once the model is loaded.
 */
struct lszap_filter {
	const char *adapter_text, *domain_text;
	bool has_adapters, has_domains;
	struct zap_bitmap adapters, domains;
	size_t nr_apqns;
	uint16_t *apqns;              /* (adapter << 8) | domain, sorted */
	struct zap_bitmap apqn_adapters, apqn_domains; /* their ids */
	bool has_mdev;
	char mdev_uuid[ZAP_UUID_STRLEN];
	int mdev;                     /* index into model->mdevs */
	enum lszap_owner owner;
	char owner_uuid[ZAP_UUID_STRLEN];
	int owner_mdev;               /* index for OWNER_MDEV, -1 if none */
};

/* Output flags for tables, each mapped onto one libsmartcols switch. */
enum {
	LSZAP_RAW = 1 << 0,
	LSZAP_NOHEADINGS = 1 << 1,
};

/* The "version" of every JSON document lszap prints (lszap(8), JSON). */
#define LSZAP_JSON_VERSION 1

/* The most columns a view selects (duplicates are dropped). */
#define LSZAP_MAX_COLUMNS 64

/*
 * struct lszap_watch - the state of --watch.
 * @interval_ms: --interval (default 2 s): how often a SYSFS_ROOT tree is
 *	re-read, and with uevents a fallback period when --interval is given.
 * @interval_given: --interval was on the command line.
 * @signal_fd: signalfd of SIGINT and SIGTERM (blocked), -1 before.
 * @base: the model the next reload is compared with.
 * @last_error: the last load error printed, to print each one once.
 */
struct lszap_watch {
	struct zap_model *base;
	unsigned int interval_ms;
	int signal_fd;
	bool interval_given;
	char last_error[ZAP_ERROR_MSGLEN];
};

/*
 * struct lszap - the state of one run.
 * @view: the view chosen; @json: --json / --format json.
 * @json_lines: print the JSON listing on one line (--watch -j).
 * @outflags: LSZAP_RAW, LSZAP_NOHEADINGS; @verbose: -V.
 * @columns_text: -o as given (NULL: the view's defaults).
 * @columns, @ncolumns: the view's selected column ids.
 * @persistent: --persistent: @model is the configuration after a reboot,
 *	made from @live; otherwise @live is NULL.
 * @free: --free (VIEW_FREE, or with -x a picture of the free cells);
 *	@free_filter: its --type and --mode (-a and -d are added once the
 *	model is loaded); @free_apqns: per adapter, the free domains, once
 *	computed (ZAP_IDS bitmaps).
 * @watch: --watch was given; @watcher: its state.
 * @problems: zap_rules_check() result, when the view needs it
 *	(@have_problems).
 * @log: --log: --check logs each problem to the system log (bootlog.c).
 */
struct lszap {
	enum lszap_view view;
	unsigned int outflags;
	const char *columns_text;
	size_t ncolumns;
	int columns[LSZAP_MAX_COLUMNS];
	struct lszap_filter filter;
	struct zap_paths paths;
	struct zap_model *model;
	struct zap_model *live;
	struct zap_free_filter free_filter;
	struct zap_bitmap *free_apqns;
	struct lszap_watch watcher;
	struct zap_problems problems;
	bool json;
	bool json_lines;
	bool verbose;
	bool persistent;
	bool free;
	bool watch;
	bool have_problems;
	bool log;
};

/* ------------------------------------------------------------- lszap.c */

/* Print "lszap: <message>" on stderr. */
void lszap_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "lszap: <message>" and the --help hint, exit 1. */
void __attribute__((noreturn, format(printf, 1, 2)))
lszap_usage_error(const char *fmt, ...);
/* Print "lszap: <err->message>", exit err->status (1 if it says OK). */
void __attribute__((noreturn)) lszap_fail(const struct zap_error *err);
/* Print "lszap: out of memory", exit 2. */
void __attribute__((noreturn)) lszap_oom(void);

/* ----------------------------------------------------------- bootlog.c */

/* --log: log every problem shown and a summary; returns @status. */
int bootlog_record(struct lszap *l, int status);

/* ------------------------------------------------------------ filter.c */

/* Check the filter options' syntax (before the model exists). */
void filter_parse(struct lszap *l, const char *owner_text,
		  const char *mdev_text, const char *const *apqns);
/* The model bits the filters need. */
unsigned int filter_load_bits(const struct lszap *l);
/* Check the filters against the loaded model (maxima, mdev UUIDs). */
void filter_resolve(struct lszap *l);
/* Does the queue or APQN (adapter, domain) pass every filter? */
bool filter_apqn(const struct lszap *l, unsigned int adapter,
		 unsigned int domain);
/* Is adapter shown in the adapter view / JSON "adapters"? */
bool filter_adapter(const struct lszap *l, unsigned int adapter);
/* Is domain shown in the domain view / JSON "domains"? */
bool filter_domain(const struct lszap *l, unsigned int domain);
/* Is model->mdevs[index] shown in the mdev view / JSON "mdevs"? */
bool filter_mdev(const struct lszap *l, int index);
/* Is the problem shown by --check / JSON "problems"? */
bool filter_problem(const struct lszap *l, const struct zap_problem *p);
/* Release what filter_parse() allocated. */
void filter_free(struct lszap *l);

/* ---------------------------------------------------------- describe.c */

/* The adapters listed: cards, the QCI adapter mask, any mdev's. */
void describe_adapter_ids(const struct zap_model *model,
			  struct zap_bitmap *ids);
/* The domains listed: QCI masks, queues' domains, any mdev's. */
void describe_domain_ids(const struct zap_model *model,
			 struct zap_bitmap *ids);
/* "online", "offline", "deconfig", "chkstop", or NULL when unknown. */
const char *describe_card_status(const struct zap_card *card);
/* As describe_card_status(), vfio_ap queues giving the driver's status. */
const char *describe_queue_status(const struct zap_queue *queue);
/* "host" or "vfio" for the APQN (adapter, domain). */
const char *describe_owner(const struct zap_model *model,
			   unsigned int adapter, unsigned int domain);
/* The active mdev that owns the APQN, NULL if none. */
const struct zap_mdev *describe_owner_mdev(const struct zap_model *model,
					   unsigned int adapter,
					   unsigned int domain);
/* Does mdev use adapter (usage)? */
bool describe_mdev_has_adapter(const struct zap_mdev *mdev,
			       unsigned int adapter);
/* Does mdev use domain (usage or control)? */
bool describe_mdev_has_domain(const struct zap_mdev *mdev,
			      unsigned int domain);
/* Is the mdev defined by a valid definition that autostarts? */
bool describe_mdev_autostart(const struct zap_model *model,
			     const struct zap_mdev *mdev);
/* Count the queue devices of each adapter and of each domain. */
void describe_queue_counts(const struct zap_model *model,
			   unsigned int per_adapter[ZAP_IDS],
			   unsigned int per_domain[ZAP_IDS]);
/* Run zap_rules_check() once, into l->problems; exit on failure. */
void describe_problems(struct lszap *l);
/*
 * The APQNs in conflict (shared-apqn, host-apqn problems): domain d of
 * adapter a is in conflicts[a] when (a, d) is.
 */
void describe_conflicts(struct lszap *l, struct zap_bitmap conflicts[ZAP_IDS]);

/* ----------------------------------------------------------- columns.c */

/* Pick the columns of l->view from -o / -V; exit 1 on an unknown one. */
void columns_select(struct lszap *l);
/* The model bits the selected columns need. */
unsigned int columns_load_bits(const struct lszap *l);
/* Print the columns of l->view with their descriptions (-o help). */
int columns_print_help(const struct lszap *l);
/* Print the table of l->view (queues, adapters, domains, mdevs, problems). */
int columns_print_table(struct lszap *l);

/* -------------------------------------------------------------- json.c */

/* Print the JSON of l->view (everything for the default view). */
int json_print(struct lszap *l);
/* Print one zap_event as a JSON object on one line (--watch -j). */
void json_print_event(const struct zap_event *event, const char *time);

/* --------------------------------------------------------------- bus.c */

/* Print the bus as "key: value" lines (-b). */
int bus_print(const struct lszap *l);

/* ------------------------------------------------------------ matrix.c */

/* Print the --matrix picture. */
int matrix_print(struct lszap *l);

/* -------------------------------------------------------------- free.c */

/* Parse --mode (cca, ep11, accel) into the free filter; exit 1 if bad. */
void free_parse_mode(struct lszap *l, const char *text);
/* Check --type (a card type such as CEX8C) into the free filter; exit 1. */
void free_parse_type(struct lszap *l, const char *text);
/* The model bits --free needs. */
unsigned int free_load_bits(void);
/* Compute l->free_apqns once (zap_free_apqns() with -a, -d, --type, --mode). */
void free_compute(struct lszap *l);
/* Is the APQN free and selected by the APQN arguments? */
bool free_apqn(struct lszap *l, unsigned int adapter, unsigned int domain);

/* ----------------------------------------------------------- libvirt.c */

/* Print the libvirt <hostdev> element of the mdev --libvirt names. */
int libvirt_print(const struct lszap *l);

/* ------------------------------------------------------------ export.c */

/* The model bits --export needs. */
unsigned int export_load_bits(void);
/* Print the zap-config(5) document of l->model (-m: of that mdev only). */
int export_print(const struct lszap *l);

/* ------------------------------------------------------------- watch.c */

/* Parse --interval SECONDS ("2", "0.2"); exit 1 if it is no such number. */
void watch_parse_interval(struct lszap *l, const char *text);
/* Block SIGINT and SIGTERM into a signalfd, load the model to compare with. */
void watch_start(struct lszap *l);
/* Follow the changes until SIGINT or SIGTERM; returns the exit status. */
int watch_follow(struct lszap *l);
/* Release what watch_start() took. */
void watch_free(struct lszap *l);

/* ------------------------------------------------------------- check.c */

/* --check: print the problems as a table; return 3 if any is an error. */
int check_print(struct lszap *l);
/* The exit status for the problems shown (3 if an error is among them). */
int check_status(const struct lszap *l);

#endif
