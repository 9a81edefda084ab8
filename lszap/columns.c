// SPDX-License-Identifier: MIT
/*
 * columns.c - lszap's tables: one column table per view (queues, adapters,
 * domains, mdevs, problems, free APQNs) declared as data, the -o selection
 * (a list replaces the defaults, "+LIST" adds to them, "help" lists them),
 * the model bits the chosen columns need, and the rows, printed by
 * libsmartcols (alignment, -n, -r), or with -j -o as JSON (the chosen
 * columns as keys, as lsblk -J -o; each column's type gives the value's).
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json.h>
#include <libsmartcols.h>

#include "lszap.h"

/* One row of any view: the fields that view fills. */
struct row {
	unsigned int adapter, domain;
	const struct zap_queue *queue;
	const struct zap_card *card;
	const struct zap_mdev *mdev;
	const struct zap_problem *problem;
};

/* What a getter can use besides its row; @path_shown: PATH is selected. */
struct table_ctx {
	struct lszap *l;
	unsigned int per_adapter[ZAP_IDS], per_domain[ZAP_IDS];
	bool path_shown;
};

/* A cell's text, malloc()ed, or NULL for "-" (unknown, absent). */
typedef char *(*col_getter)(const struct table_ctx *ctx, const struct row *r);

/* The JSON type of a column's value (-j -o); "-" is always null. */
enum col_json {
	COLJ_STRING,
	COLJ_NUMBER,	/* decimal */
	COLJ_BOOL,	/* yes / no */
	COLJ_ID,	/* one 0x id, an integer in JSON */
	COLJ_IDS,	/* an id list, an array of integers */
	COLJ_LIST,	/* a comma list, an array of strings */
};

/* Where a column is shown without -o. */
enum col_set {
	COL_OPTIONAL,
	COL_DEFAULT,
	COL_VERBOSE, /* added by -V */
};

/*
 * struct colinfo - one column: its name (also its heading, and its JSON key
 * in lower case), libsmartcols width hint and flags, help text, the
 * zap_load bits it needs, its set, its getter and its JSON type.
 */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding): in table order */
struct colinfo {
	const char *name;
	double whint;
	int flags;
	const char *help;
	unsigned int load;
	enum col_set set;
	col_getter get;
	enum col_json json;
};

/* ------------------------------------------------------------ helpers */

/* strdup() that exits on failure; NULL stays NULL. */
static char *xstrdup(const char *s)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		lszap_oom();
	return copy;
}

/* asprintf() that exits on failure. */
static char * __attribute__((format(printf, 1, 2))) xasprintf(const char *fmt,
							       ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		lszap_oom();
	return s;
}

/* "yes", "no" or NULL for a tristate. */
static char *yes_no(int value)
{
	return value < 0 ? NULL : xstrdup(value ? "yes" : "no");
}

/* A number, or NULL when negative (unknown). */
static char *number(long long value)
{
	return value < 0 ? NULL : xasprintf("%lld", value);
}

/* A growing string for comma lists. */
struct list {
	char *buf;
	size_t len, size;
};

/* Append ",@item" (no comma first) to @list. */
static void list_add(struct list *list, const char *item)
{
	size_t need = list->len + strlen(item) + 2;

	if (need > list->size) {
		list->size = need * 2;
		list->buf = realloc(list->buf, list->size);
		if (!list->buf)
			lszap_oom();
	}
	list->len += (size_t)sprintf(list->buf + list->len, "%s%s",
				     list->len ? "," : "", item);
}

/* The list's text, NULL when empty (shown as "-"). */
static char *list_take(struct list *list)
{
	if (!list->len) {
		free(list->buf);
		return NULL;
	}
	return list->buf;
}

/* An id list as zap_ids_print() writes it ("0x0-0x3,0x47"), NULL if empty. */
static char *ids_text(const struct zap_bitmap *ids)
{
	int len = zap_ids_print(ids, NULL, 0);
	char *s;

	if (len <= 0)
		return NULL;
	s = malloc((size_t)len + 1);
	if (!s)
		lszap_oom();
	zap_ids_print(ids, s, (size_t)len + 1);
	return s;
}

/*
 * lszcrypt's FUNCTIONS letters of an ap_functions value, ten of them as
 * lszcrypt prints them ("S--D--N-F-"): a letter per function bit, '-' when
 * clear, each in its fixed position (H: stateless filtering by hardware).
 */
static char *functions_text(const struct zap_card *card)
{
	static const struct {
		uint32_t bit;
		char letter;
	} letters[] = {
		{ 0x80000000, 'S' }, { 0x40000000, 'M' }, { 0x20000000, 'C' },
		{ 0x10000000, 'D' }, { 0x08000000, 'A' }, { 0x04000000, 'X' },
		{ 0x02000000, 'N' }, { 0x01000000, 'H' }, { 0x00800000, 'F' },
		{ 0x00400000, 'R' },
	};
	char text[sizeof(letters) / sizeof(letters[0]) + 1];
	size_t i;

	if (!card || !card->has_functions)
		return NULL;
	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		text[i] = (card->functions & letters[i].bit) ? letters[i].letter :
			'-';
	text[i] = '\0';
	return xstrdup(text);
}

/* The UUIDs of every listed mdev that uses adapter / domain. */
static char *mdevs_of_id(const struct zap_model *m, bool adapter,
			 unsigned int id)
{
	struct list list = { 0 };
	size_t i;

	for (i = 0; i < m->nr_mdevs; i++)
		if (adapter ? describe_mdev_has_adapter(&m->mdevs[i], id) :
		    describe_mdev_has_domain(&m->mdevs[i], id))
			list_add(&list, m->mdevs[i].uuid);
	return list_take(&list);
}

/* ------------------------------------------------------ queue columns */

/* APQN: "05.0047". */
static char *get_apqn(const struct table_ctx *ctx, const struct row *r)
{
	char text[ZAP_APQN_STRLEN];

	(void)ctx;
	zap_apqn_print(r->adapter, r->domain, text);
	return xstrdup(text);
}

/* ADAPTER / ID of an adapter: "0x5", as -a takes it back. */
static char *get_adapter(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xasprintf("0x%x", r->adapter);
}

/* DOMAIN / ID of a domain: "0x47", as -d takes it back. */
static char *get_domain(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xasprintf("0x%x", r->domain);
}

/* TYPE: the card's type attribute ("CEX8C"). */
static char *get_type(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return r->card && r->card->type[0] ? xstrdup(r->card->type) : NULL;
}

/* MODE: from the card's ap_functions, as lszcrypt derives it. */
static char *get_mode(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return r->card ? xstrdup(zap_mode_name(r->card->mode)) : NULL;
}

/* HWTYPE: the card's compatible hardware type. */
static char *get_hwtype(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return r->card ? number(r->card->hwtype) : NULL;
}

/* RAWTYPE: the hardware type the card reports. */
static char *get_rawtype(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return r->card ? number(r->card->raw_hwtype) : NULL;
}

/* FUNCTIONS: lszcrypt's letters. */
static char *get_functions(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return functions_text(r->card);
}

/* STATUS of a queue. */
static char *get_queue_status(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return xstrdup(describe_queue_status(r->queue));
}

/* DRIVER: cex4queue, vfio_ap or "-". */
static char *get_driver(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xstrdup(zap_driver_name(r->queue->driver));
}

/* OWNER: host or vfio. */
static char *get_owner(const struct table_ctx *ctx, const struct row *r)
{
	return xstrdup(describe_owner(ctx->l->model, r->adapter, r->domain));
}

/* MDEV: the UUID of the active mdev that has the queue. */
static char *get_mdev(const struct table_ctx *ctx, const struct row *r)
{
	const struct zap_mdev *mdev =
		describe_owner_mdev(ctx->l->model, r->adapter, r->domain);

	return mdev ? xstrdup(mdev->uuid) : NULL;
}

/* REQUESTS of a queue; '-' for a deconfigured one, as lszcrypt. */
static char *get_queue_requests(const struct table_ctx *ctx,
				const struct row *r)
{
	(void)ctx;
	if (r->queue->config == 0 || (r->card && r->card->config == 0))
		return NULL;
	return number(r->queue->request_count);
}

/*
 * PENDING of a queue: requestq + pendingq, as lszcrypt sums them; '-' as
 * lszcrypt prints it for a queue no cexN driver drives and for the queues
 * of a deconfigured card.
 */
static char *get_queue_pending(const struct table_ctx *ctx,
			       const struct row *r)
{
	(void)ctx;
	if (r->queue->driver != ZAP_DRIVER_CEX4QUEUE ||
	    (r->card && r->card->config == 0) ||
	    r->queue->requestq_count < 0 || r->queue->pendingq_count < 0)
		return NULL;
	return number((long long)r->queue->requestq_count +
		      r->queue->pendingq_count);
}

/* ONLINE of a queue (zcrypt's state). */
static char *get_queue_online(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return yes_no(r->queue->online);
}

/* CONFIG of a queue. */
static char *get_queue_config(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return yes_no(r->queue->config);
}

/* CHKSTOP of a queue. */
static char *get_queue_chkstop(const struct table_ctx *ctx,
			       const struct row *r)
{
	(void)ctx;
	return yes_no(r->queue->chkstop);
}

static const struct colinfo queue_columns[] = {
	{ "APQN", 4, 0, "queue: adapter.domain in hex (05.0047)",
	  ZAP_LOAD_QUEUES, COL_DEFAULT, get_apqn, COLJ_STRING },
	{ "ADAPTER", 7, SCOLS_FL_RIGHT, "adapter id in hex",
	  ZAP_LOAD_QUEUES, COL_OPTIONAL, get_adapter, COLJ_ID },
	{ "DOMAIN", 6, SCOLS_FL_RIGHT, "domain id in hex",
	  ZAP_LOAD_QUEUES, COL_OPTIONAL, get_domain, COLJ_ID },
	{ "TYPE", 4, 0, "card type as zcrypt names it (CEX8C)",
	  ZAP_LOAD_CARDS, COL_DEFAULT, get_type, COLJ_STRING },
	{ "MODE", 4, 0, "CCA-Coproc, EP11-Coproc, Accelerator or Unknown",
	  ZAP_LOAD_CARDS, COL_DEFAULT, get_mode, COLJ_STRING },
	{ "STATUS", 6, 0,
	  "online, offline, deconfig, chkstop; vfio_ap queues: in use, assigned, unassigned",
	  ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_STATE | ZAP_LOAD_QUEUE_STATUS,
	  COL_DEFAULT, get_queue_status, COLJ_STRING },
	{ "DRIVER", 6, 0, "cex4queue, vfio_ap, or - when unbound",
	  ZAP_LOAD_QUEUES, COL_DEFAULT, get_driver, COLJ_STRING },
	{ "OWNER", 5, 0, "host (apmask x aqmask) or vfio",
	  0, COL_DEFAULT, get_owner, COLJ_STRING },
	{ "MDEV", 0.3, SCOLS_FL_WRAP,
	  "UUID of the active mdev the queue is assigned to",
	  ZAP_LOAD_MDEVS, COL_DEFAULT, get_mdev, COLJ_STRING },
	{ "HWTYPE", 6, SCOLS_FL_RIGHT, "compatible hardware type of the card",
	  ZAP_LOAD_CARDS, COL_VERBOSE, get_hwtype, COLJ_NUMBER },
	{ "RAWTYPE", 7, SCOLS_FL_RIGHT, "hardware type the card reports",
	  ZAP_LOAD_CARDS, COL_OPTIONAL, get_rawtype, COLJ_NUMBER },
	{ "FUNCTIONS", 10, 0, "the 10 function letters of lszcrypt -V (SMCDAXNHFR)",
	  ZAP_LOAD_CARDS, COL_VERBOSE, get_functions, COLJ_STRING },
	{ "REQUESTS", 8, SCOLS_FL_RIGHT, "requests processed",
	  ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_COUNTERS, COL_VERBOSE,
	  get_queue_requests, COLJ_NUMBER },
	{ "PENDING", 7, SCOLS_FL_RIGHT, "requests queued or pending",
	  ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_COUNTERS, COL_VERBOSE,
	  get_queue_pending, COLJ_NUMBER },
	{ "ONLINE", 6, 0, "zcrypt online state (yes, no, - if not cex4queue)",
	  ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_STATE, COL_OPTIONAL,
	  get_queue_online, COLJ_BOOL },
	{ "CONFIG", 6, 0, "configured in the LPAR",
	  ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_STATE, COL_OPTIONAL,
	  get_queue_config, COLJ_BOOL },
	{ "CHKSTOP", 7, 0, "checkstopped",
	  ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_STATE, COL_OPTIONAL,
	  get_queue_chkstop, COLJ_BOOL },
};

/* ------------------------------------------------------- free columns */

static const struct colinfo free_columns[] = {
	{ "APQN", 4, 0, "free queue: adapter.domain in hex (05.0047)", 0,
	  COL_DEFAULT, get_apqn, COLJ_STRING },
	{ "ADAPTER", 7, SCOLS_FL_RIGHT, "adapter id in hex", 0, COL_OPTIONAL,
	  get_adapter, COLJ_ID },
	{ "DOMAIN", 6, SCOLS_FL_RIGHT, "domain id in hex", 0, COL_OPTIONAL,
	  get_domain, COLJ_ID },
	{ "TYPE", 4, 0, "card type as zcrypt names it (CEX8C)", 0, COL_DEFAULT,
	  get_type, COLJ_STRING },
	{ "MODE", 4, 0, "CCA-Coproc, EP11-Coproc, Accelerator or Unknown", 0,
	  COL_DEFAULT, get_mode, COLJ_STRING },
	{ "DRIVER", 6, 0, "vfio_ap, or - when unbound", 0, COL_OPTIONAL,
	  get_driver, COLJ_STRING },
	{ "HWTYPE", 6, SCOLS_FL_RIGHT, "compatible hardware type of the card", 0,
	  COL_VERBOSE, get_hwtype, COLJ_NUMBER },
};

/* ---------------------------------------------------- adapter columns */

/* STATUS of a card. */
static char *get_card_status(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xstrdup(describe_card_status(r->card));
}

/* APMASK: the adapter's bit in apmask. */
static char *get_apmask(const struct table_ctx *ctx, const struct row *r)
{
	return yes_no(zap_bitmap_test(&ctx->l->model->bus.apmask, r->adapter));
}

/* QUEUES of an adapter: how many queue devices it has. */
static char *get_adapter_queues(const struct table_ctx *ctx,
				const struct row *r)
{
	return number(ctx->per_adapter[r->adapter]);
}

/* MDEVS of an adapter. */
static char *get_adapter_mdevs(const struct table_ctx *ctx,
			       const struct row *r)
{
	return mdevs_of_id(ctx->l->model, true, r->adapter);
}

/* REQUESTS of a card; '-' for a deconfigured card, as lszcrypt. */
static char *get_card_requests(const struct table_ctx *ctx,
			       const struct row *r)
{
	(void)ctx;
	if (!r->card || r->card->config == 0)
		return NULL;
	return number(r->card->request_count);
}

/* PENDING of a card: requestq + pendingq; '-' when deconfigured. */
static char *get_card_pending(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	if (!r->card || r->card->config == 0 || r->card->requestq_count < 0 ||
	    r->card->pendingq_count < 0)
		return NULL;
	return number((long long)r->card->requestq_count +
		      r->card->pendingq_count);
}

/* ONLINE of a card. */
static char *get_card_online(const struct table_ctx *ctx,
			     const struct row *r)
{
	(void)ctx;
	return r->card ? yes_no(r->card->online) : NULL;
}

/* CONFIG of a card. */
static char *get_card_config(const struct table_ctx *ctx,
			     const struct row *r)
{
	(void)ctx;
	return r->card ? yes_no(r->card->config) : NULL;
}

/* CHKSTOP of a card. */
static char *get_card_chkstop(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return r->card ? yes_no(r->card->chkstop) : NULL;
}

static const struct colinfo adapter_columns[] = {
	{ "ID", 2, 0, "adapter id in hex", 0, COL_DEFAULT, get_adapter, COLJ_ID },
	{ "TYPE", 4, 0, "card type as zcrypt names it (CEX8C)",
	  ZAP_LOAD_CARDS, COL_DEFAULT, get_type, COLJ_STRING },
	{ "MODE", 4, 0, "CCA-Coproc, EP11-Coproc, Accelerator or Unknown",
	  ZAP_LOAD_CARDS, COL_DEFAULT, get_mode, COLJ_STRING },
	{ "STATUS", 6, 0, "online, offline, deconfig or chkstop",
	  ZAP_LOAD_CARDS, COL_DEFAULT, get_card_status, COLJ_STRING },
	{ "APMASK", 6, 0, "the adapter's bit in apmask (yes: host adapter)",
	  0, COL_DEFAULT, get_apmask, COLJ_BOOL },
	{ "QUEUES", 6, SCOLS_FL_RIGHT, "number of queue devices",
	  ZAP_LOAD_QUEUES, COL_DEFAULT, get_adapter_queues, COLJ_NUMBER },
	{ "MDEVS", 0.3, SCOLS_FL_WRAP,
	  "mdevs (active or defined) the adapter is assigned to",
	  ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS, COL_DEFAULT,
	  get_adapter_mdevs, COLJ_LIST },
	{ "HWTYPE", 6, SCOLS_FL_RIGHT, "compatible hardware type",
	  ZAP_LOAD_CARDS, COL_VERBOSE, get_hwtype, COLJ_NUMBER },
	{ "RAWTYPE", 7, SCOLS_FL_RIGHT, "hardware type the card reports",
	  ZAP_LOAD_CARDS, COL_OPTIONAL, get_rawtype, COLJ_NUMBER },
	{ "FUNCTIONS", 10, 0, "the 10 function letters of lszcrypt -V (SMCDAXNHFR)",
	  ZAP_LOAD_CARDS, COL_VERBOSE, get_functions, COLJ_STRING },
	{ "REQUESTS", 8, SCOLS_FL_RIGHT, "requests processed",
	  ZAP_LOAD_CARDS | ZAP_LOAD_COUNTERS, COL_VERBOSE, get_card_requests,
	  COLJ_NUMBER },
	{ "PENDING", 7, SCOLS_FL_RIGHT, "requests queued or pending",
	  ZAP_LOAD_CARDS | ZAP_LOAD_COUNTERS, COL_VERBOSE, get_card_pending,
	  COLJ_NUMBER },
	{ "ONLINE", 6, 0, "zcrypt online state", ZAP_LOAD_CARDS, COL_OPTIONAL,
	  get_card_online, COLJ_BOOL },
	{ "CONFIG", 6, 0, "configured in the LPAR", ZAP_LOAD_CARDS,
	  COL_OPTIONAL, get_card_config, COLJ_BOOL },
	{ "CHKSTOP", 7, 0, "checkstopped", ZAP_LOAD_CARDS, COL_OPTIONAL,
	  get_card_chkstop, COLJ_BOOL },
};

/* ----------------------------------------------------- domain columns */

/* USAGE: in the QCI usage domain mask. */
static char *get_usage(const struct table_ctx *ctx, const struct row *r)
{
	const struct zap_bus *bus = &ctx->l->model->bus;

	return bus->has_qci ?
		yes_no(zap_bitmap_test(&bus->usage_domain_mask, r->domain)) :
		NULL;
}

/* CONTROL: in the QCI control domain mask. */
static char *get_control(const struct table_ctx *ctx, const struct row *r)
{
	const struct zap_bus *bus = &ctx->l->model->bus;

	return bus->has_qci ?
		yes_no(zap_bitmap_test(&bus->control_domain_mask, r->domain)) :
		NULL;
}

/* AQMASK: the domain's bit in aqmask. */
static char *get_aqmask(const struct table_ctx *ctx, const struct row *r)
{
	return yes_no(zap_bitmap_test(&ctx->l->model->bus.aqmask, r->domain));
}

/* QUEUES of a domain. */
static char *get_domain_queues(const struct table_ctx *ctx,
			       const struct row *r)
{
	return number(ctx->per_domain[r->domain]);
}

/* MDEVS of a domain (usage or control). */
static char *get_domain_mdevs(const struct table_ctx *ctx,
			      const struct row *r)
{
	return mdevs_of_id(ctx->l->model, false, r->domain);
}

/* DEFAULT: the AP bus's default domain (ap_domain). */
static char *get_default_domain(const struct table_ctx *ctx,
				const struct row *r)
{
	return yes_no(ctx->l->model->bus.ap_domain == (int)r->domain);
}

static const struct colinfo domain_columns[] = {
	{ "ID", 2, 0, "domain id in hex", 0, COL_DEFAULT, get_domain, COLJ_ID },
	{ "USAGE", 5, 0, "a usage domain of the LPAR (QCI)", 0, COL_DEFAULT,
	  get_usage, COLJ_BOOL },
	{ "CONTROL", 7, 0, "a control domain of the LPAR (QCI)", 0,
	  COL_DEFAULT, get_control, COLJ_BOOL },
	{ "AQMASK", 6, 0, "the domain's bit in aqmask (yes: host domain)", 0,
	  COL_DEFAULT, get_aqmask, COLJ_BOOL },
	{ "QUEUES", 6, SCOLS_FL_RIGHT, "number of queue devices",
	  ZAP_LOAD_QUEUES, COL_DEFAULT, get_domain_queues, COLJ_NUMBER },
	{ "MDEVS", 0.3, SCOLS_FL_WRAP,
	  "mdevs (active or defined) with this usage or control domain",
	  ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS, COL_DEFAULT,
	  get_domain_mdevs, COLJ_LIST },
	{ "DEFAULT", 7, 0, "the AP bus's default domain (ap_domain)", 0,
	  COL_OPTIONAL, get_default_domain, COLJ_BOOL },
};

/* ------------------------------------------------------- mdev columns */

/* UUID of an mdev. */
static char *get_uuid(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xstrdup(r->mdev->uuid);
}

/* ADAPTERS of an mdev, as an id list. */
static char *get_mdev_adapters(const struct table_ctx *ctx,
			       const struct row *r)
{
	(void)ctx;
	return ids_text(&r->mdev->matrix.adapters);
}

/* DOMAINS (usage domains) of an mdev. */
static char *get_mdev_domains(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return ids_text(&r->mdev->matrix.domains);
}

/* CONTROL (control domains) of an mdev. */
static char *get_mdev_control(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return ids_text(&r->mdev->control_domains);
}

/* APQNS: how many APQNs the mdev is assigned. */
static char *get_mdev_apqns(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return number(zap_apqn_set_weight(&r->mdev->matrix));
}

/* ACTIVE: the mdev exists in sysfs. */
static char *get_mdev_active(const struct table_ctx *ctx,
			     const struct row *r)
{
	(void)ctx;
	return yes_no(r->mdev->active);
}

/* DEFINED: the mdev has an mdevctl definition. */
static char *get_mdev_defined(const struct table_ctx *ctx,
			      const struct row *r)
{
	(void)ctx;
	return yes_no(r->mdev->definition >= 0);
}

/* AUTOSTART: its definition is usable and starts at boot. */
static char *get_mdev_autostart(const struct table_ctx *ctx,
				const struct row *r)
{
	return yes_no(describe_mdev_autostart(ctx->l->model, r->mdev));
}

/* INUSE: a running guest uses the mdev. */
static char *get_mdev_in_use(const struct table_ctx *ctx,
			     const struct row *r)
{
	(void)ctx;
	return r->mdev->active ? yes_no(r->mdev->in_use) : xstrdup("no");
}

/* GUEST: how many APQNs the guest gets (guest_matrix). */
static char *get_mdev_guest(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	if (!r->mdev->active || !r->mdev->has_guest_matrix)
		return NULL;
	return number(zap_apqn_set_weight(&r->mdev->guest));
}

/* VM: the libvirt domain that uses the mdev. */
static char *get_mdev_vm(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return r->mdev->vm[0] ? xstrdup(r->mdev->vm) : NULL;
}

static const struct colinfo mdev_columns[] = {
	{ "UUID", 36, SCOLS_FL_WRAP, "the mdev's UUID", 0, COL_DEFAULT,
	  get_uuid, COLJ_STRING },
	{ "ADAPTERS", 0.1, SCOLS_FL_WRAP,
	  "assigned adapters (hex list, 0x5,0x6)", 0,
	  COL_DEFAULT, get_mdev_adapters, COLJ_IDS },
	{ "DOMAINS", 0.1, SCOLS_FL_WRAP,
	  "assigned usage domains (hex list, 0x47,0xff)", 0,
	  COL_DEFAULT, get_mdev_domains, COLJ_IDS },
	{ "CONTROL", 0.1, SCOLS_FL_WRAP, "assigned control domains (hex list)",
	  0,
	  COL_DEFAULT, get_mdev_control, COLJ_IDS },
	{ "APQNS", 5, SCOLS_FL_RIGHT, "number of APQNs assigned", 0,
	  COL_DEFAULT, get_mdev_apqns, COLJ_NUMBER },
	{ "ACTIVE", 6, 0, "exists in sysfs", 0, COL_DEFAULT, get_mdev_active,
	  COLJ_BOOL },
	{ "DEFINED", 7, 0, "has an mdevctl definition", 0, COL_DEFAULT,
	  get_mdev_defined, COLJ_BOOL },
	{ "AUTOSTART", 9, 0, "the definition starts at boot (start: auto)", 0,
	  COL_DEFAULT, get_mdev_autostart, COLJ_BOOL },
	{ "INUSE", 5, 0, "a running guest uses it", 0, COL_DEFAULT,
	  get_mdev_in_use, COLJ_BOOL },
	{ "VM", 0.15, SCOLS_FL_WRAP,
	  "the libvirt domain (guest) that uses it, running or defined",
	  ZAP_LOAD_VMS, COL_DEFAULT, get_mdev_vm, COLJ_STRING },
	{ "GUEST", 5, SCOLS_FL_RIGHT,
	  "number of APQNs the guest gets (guest_matrix)", 0, COL_VERBOSE,
	  get_mdev_guest, COLJ_NUMBER },
};

/* ---------------------------------------------------- problem columns */

/* KIND of a problem. */
static char *get_kind(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xstrdup(zap_problem_kind_name(r->problem->kind));
}

/* SEVERITY: error or info. */
static char *get_severity(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return xstrdup(zap_problem_kind_is_error(r->problem->kind) ? "error" :
		       "info");
}

/* APQNS of a problem. */
static char *get_problem_apqns(const struct table_ctx *ctx,
			       const struct row *r)
{
	char text[ZAP_APQN_STRLEN];
	struct list list = { 0 };
	size_t i;

	(void)ctx;
	for (i = 0; i < r->problem->nr_apqns; i++) {
		zap_apqn_print(r->problem->apqns[i] >> 8,
			       r->problem->apqns[i] & 0xff, text);
		list_add(&list, text);
	}
	return list_take(&list);
}

/* MDEVS of a problem. */
static char *get_problem_mdevs(const struct table_ctx *ctx,
			       const struct row *r)
{
	struct list list = { 0 };
	unsigned int i;

	(void)ctx;
	for (i = 0; i < r->problem->nr_mdevs; i++)
		list_add(&list, r->problem->mdevs[i]);
	return list_take(&list);
}

/* PATH: the file a problem involves. */
static char *get_path(const struct table_ctx *ctx, const struct row *r)
{
	(void)ctx;
	return r->problem->path[0] ? xstrdup(r->problem->path) : NULL;
}

/*
 * MESSAGE of a problem; when the PATH column is shown, without the
 * "PATH: " it starts with (the path only in its column).
 */
static char *get_message(const struct table_ctx *ctx, const struct row *r)
{
	const char *msg = r->problem->message, *path = r->problem->path;
	size_t len = strlen(path);

	if (ctx->path_shown && len && !strncmp(msg, path, len) &&
	    !strncmp(msg + len, ": ", 2))
		msg += len + 2;
	return xstrdup(msg);
}

static const struct colinfo problem_columns[] = {
	{ "KIND", 4, 0, "shared-apqn, host-apqn, unbound, ... (see lszap(8))",
	  0, COL_DEFAULT, get_kind, COLJ_STRING },
	{ "APQNS", 5, 0, "the APQNs involved", 0, COL_DEFAULT,
	  get_problem_apqns, COLJ_LIST },
	{ "MDEVS", 0.2, SCOLS_FL_WRAP, "the mdevs or definitions involved", 0,
	  COL_DEFAULT,
	  get_problem_mdevs, COLJ_LIST },
	{ "PATH", 0.2, SCOLS_FL_WRAP,
	  "the file involved (definition, 41-ap.rules)", 0,
	  COL_DEFAULT, get_path, COLJ_STRING },
	{ "MESSAGE", 0.3, SCOLS_FL_WRAP, "what is wrong", 0, COL_DEFAULT,
	  get_message, COLJ_STRING },
	{ "SEVERITY", 8, 0, "error, or info for informational kinds", 0,
	  COL_OPTIONAL, get_severity, COLJ_STRING },
};

/* ----------------------------------------------------------- selection */

/* The column table of a view. */
static const struct colinfo *view_columns(enum lszap_view view, size_t *n)
{
#define COLS(a) (*n = sizeof(a) / sizeof((a)[0]), (a))
	switch (view) {
	case VIEW_ADAPTERS:
		return COLS(adapter_columns);
	case VIEW_DOMAINS:
		return COLS(domain_columns);
	case VIEW_MDEVS:
		return COLS(mdev_columns);
	case VIEW_CHECK:
		return COLS(problem_columns);
	case VIEW_FREE:
		return COLS(free_columns);
	case VIEW_QUEUES:
	default:
		return COLS(queue_columns);
	}
#undef COLS
}

/* Add column @id to the selection unless it is there. */
static void add_uniq_column(struct lszap *l, int id)
{
	size_t i;

	for (i = 0; i < l->ncolumns; i++)
		if (l->columns[i] == id)
			return;
	if (l->ncolumns < LSZAP_MAX_COLUMNS)
		l->columns[l->ncolumns++] = id;
}

/* Select the defaults of the view (and -V's columns). */
static void add_default_columns(struct lszap *l)
{
	const struct colinfo *cols;
	size_t n, i;

	cols = view_columns(l->view, &n);
	for (i = 0; i < n; i++)
		if (cols[i].set == COL_DEFAULT ||
		    (l->verbose && cols[i].set == COL_VERBOSE))
			add_uniq_column(l, (int)i);
}

/* Index of the column called @name (any case) in the view, -1 if none. */
static int column_name_to_id(const struct lszap *l, const char *name,
			     size_t len)
{
	const struct colinfo *cols;
	size_t n, i;

	cols = view_columns(l->view, &n);
	for (i = 0; i < n; i++)
		if (strlen(cols[i].name) == len &&
		    !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

/* Pick the columns of l->view from -o / -V; exit 1 on an unknown one. */
void columns_select(struct lszap *l)
{
	const char *text = l->columns_text, *p, *end;
	int id;

	l->ncolumns = 0;
	if (!text || !strcasecmp(text, "help")) {
		add_default_columns(l);
		return;
	}
	if (*text == '+') {
		add_default_columns(l);
		text++;
	}
	for (p = text; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		if (end == p)
			lszap_usage_error("empty column name in '%s'",
					  l->columns_text);
		id = column_name_to_id(l, p, (size_t)(end - p));
		if (id < 0)
			lszap_usage_error("unknown column: %.*s", (int)(end - p),
					  p);
		add_uniq_column(l, id);
	}
	if (!l->ncolumns)
		lszap_usage_error("no columns in '%s'", l->columns_text);
}

/* The model bits the selected columns need. */
unsigned int columns_load_bits(const struct lszap *l)
{
	const struct colinfo *cols;
	unsigned int bits = 0;
	size_t n, i;

	if (l->view == VIEW_BUS || l->view == VIEW_MATRIX ||
	    l->view == VIEW_LIBVIRT)
		return 0;
	cols = view_columns(l->view, &n);
	for (i = 0; i < l->ncolumns; i++)
		bits |= cols[l->columns[i]].load;
	return bits;
}

/* ------------------------------------------------------------ printing */

/* A libsmartcols table with -r and -n applied; exit on failure. */
static struct libscols_table *new_table(const struct lszap *l)
{
	struct libscols_table *tb;

	scols_init_debug(0);
	tb = scols_new_table();
	if (!tb)
		lszap_oom();
	scols_table_enable_raw(tb, !!(l->outflags & LSZAP_RAW));
	scols_table_enable_noheadings(tb, !!(l->outflags & LSZAP_NOHEADINGS));
	return tb;
}

/* Print the columns of l->view with their descriptions (-o help). */
int columns_print_help(const struct lszap *l)
{
	static const char *const set_names[] = {
		[COL_OPTIONAL] = "-", [COL_DEFAULT] = "default",
		[COL_VERBOSE] = "verbose",
	};
	const struct colinfo *cols;
	struct libscols_table *tb;
	struct libscols_line *ln;
	size_t n, i;

	cols = view_columns(l->view, &n);
	tb = new_table(l);
	if (!scols_table_new_column(tb, "COLUMN", 9, 0) ||
	    !scols_table_new_column(tb, "SHOWN", 7, 0) ||
	    !scols_table_new_column(tb, "DESCRIPTION", 40, 0))
		lszap_oom();
	for (i = 0; i < n; i++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, 0, cols[i].name) ||
		    scols_line_set_data(ln, 1, set_names[cols[i].set]) ||
		    scols_line_set_data(ln, 2, cols[i].help))
			lszap_oom();
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	return 0;
}

/* Add one row to @tb with every selected column's cell. */
static void add_row(const struct table_ctx *ctx, struct libscols_table *tb,
		    const struct colinfo *cols, const struct row *r)
{
	const struct lszap *l = ctx->l;
	struct libscols_line *ln;
	size_t i;
	char *text;

	ln = scols_table_new_line(tb, NULL);
	if (!ln)
		lszap_oom();
	for (i = 0; i < l->ncolumns; i++) {
		text = cols[l->columns[i]].get(ctx, r);
		if (!text) {
			if (scols_line_set_data(ln, i, "-"))
				lszap_oom();
		} else if (scols_line_refer_data(ln, i, text)) {
			free(text);
			lszap_oom();
		}
	}
}

/*
 * Rows of the queue view (every queue the filters keep) or, with
 * @free_only, of the free view (every free APQN the filters keep), sorted.
 */
static void add_queue_rows(struct table_ctx *ctx, struct libscols_table *tb,
			   const struct colinfo *cols, bool free_only)
{
	const struct zap_model *m = ctx->l->model;
	const struct zap_card *card = NULL;
	struct row r = { 0 };
	size_t i;

	for (i = 0; i < m->nr_queues; i++) {
		r.queue = &m->queues[i];
		r.adapter = r.queue->adapter;
		r.domain = r.queue->domain;
		if (free_only ? !free_apqn(ctx->l, r.adapter, r.domain) :
				!filter_apqn(ctx->l, r.adapter, r.domain))
			continue;
		if (!card || card->id != r.adapter)
			card = zap_model_card(m, r.adapter);
		r.card = card;
		add_row(ctx, tb, cols, &r);
	}
}

/* Rows of the adapter view. */
static void add_adapter_rows(struct table_ctx *ctx, struct libscols_table *tb,
			     const struct colinfo *cols)
{
	const struct zap_model *m = ctx->l->model;
	struct zap_bitmap ids;
	struct row r = { 0 };
	unsigned int id;

	describe_adapter_ids(m, &ids);
	zap_for_each_set_bit(id, &ids) {
		if (!filter_adapter(ctx->l, id))
			continue;
		r.adapter = id;
		r.card = zap_model_card(m, id);
		add_row(ctx, tb, cols, &r);
	}
}

/* Rows of the domain view. */
static void add_domain_rows(struct table_ctx *ctx, struct libscols_table *tb,
			    const struct colinfo *cols)
{
	struct zap_bitmap ids;
	struct row r = { 0 };
	unsigned int id;

	describe_domain_ids(ctx->l->model, &ids);
	zap_for_each_set_bit(id, &ids) {
		if (!filter_domain(ctx->l, id))
			continue;
		r.domain = id;
		add_row(ctx, tb, cols, &r);
	}
}

/* Rows of the mdev view, sorted by UUID as the model keeps them. */
static void add_mdev_rows(struct table_ctx *ctx, struct libscols_table *tb,
			  const struct colinfo *cols)
{
	const struct zap_model *m = ctx->l->model;
	struct row r = { 0 };
	size_t i;

	for (i = 0; i < m->nr_mdevs; i++) {
		if (!filter_mdev(ctx->l, (int)i))
			continue;
		r.mdev = &m->mdevs[i];
		add_row(ctx, tb, cols, &r);
	}
}

/* Rows of the problem table (--check). */
static void add_problem_rows(struct table_ctx *ctx, struct libscols_table *tb,
			     const struct colinfo *cols)
{
	const struct zap_problems *problems = &ctx->l->problems;
	struct row r = { 0 };
	size_t i;

	for (i = 0; i < problems->count; i++) {
		if (!filter_problem(ctx->l, &problems->items[i]))
			continue;
		r.problem = &problems->items[i];
		add_row(ctx, tb, cols, &r);
	}
}

/* ---------------------------------------------------------- -j with -o */

/* Add @value (NULL = null) to @obj under @key; exit on failure. */
static void json_add(struct json_object *obj, const char *key,
		     struct json_object *value)
{
	if (json_object_object_add(obj, key, value))
		lszap_oom();
}

/* The comma list @text as an array of strings, or of integers (@ids). */
static struct json_object *json_list(const char *text, bool ids)
{
	struct json_object *arr = json_object_new_array();
	const char *p, *end;
	struct zap_bitmap set;
	unsigned int id;

	if (!arr)
		lszap_oom();
	if (ids) {
		/* the list zap_ids_print() wrote reads back as the same ids */
		if (!zap_ids_parse(&set, text, ZAP_MAX_ID, "id", NULL))
			zap_for_each_set_bit(id, &set)
				json_object_array_add(arr,
					json_object_new_int((int)id));
		return arr;
	}
	for (p = text; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		json_object_array_add(arr, json_object_new_string_len(p,
							(int)(end - p)));
	}
	return arr;
}

/* A cell's text as the JSON value of its column's type; "-" is null. */
static struct json_object *cell_json(const struct colinfo *col,
				     const char *text)
{
	if (!text || !strcmp(text, "-"))
		return NULL;
	switch (col->json) {
	case COLJ_NUMBER:
		return json_object_new_int64(strtoll(text, NULL, 10));
	case COLJ_BOOL:
		return json_object_new_boolean(!strcmp(text, "yes"));
	case COLJ_ID:
		return json_object_new_int((int)strtoul(text, NULL, 0));
	case COLJ_IDS:
	case COLJ_LIST:
		return json_list(text, col->json == COLJ_IDS);
	case COLJ_STRING:
	default:
		return json_object_new_string(text);
	}
}

/* The JSON key of a view's rows. */
static const char *view_json_key(enum lszap_view view)
{
	switch (view) {
	case VIEW_ADAPTERS:
		return "adapters";
	case VIEW_DOMAINS:
		return "domains";
	case VIEW_MDEVS:
		return "mdevs";
	case VIEW_CHECK:
		return "problems";
	case VIEW_FREE:
		return "free";
	case VIEW_QUEUES:
	default:
		return "queues";
	}
}

/*
 * -j -o: print the rows of @tb as {"version": 1, "<view>": [{"<column>":
 * value, ...}, ...]}, the chosen columns as keys in lower case.
 */
static void print_table_json(const struct lszap *l,
			     const struct colinfo *cols,
			     struct libscols_table *tb)
{
	struct json_object *root = json_object_new_object();
	struct json_object *rows = json_object_new_array();
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct libscols_line *ln;
	struct json_object *row;
	char key[32];
	size_t i, k;

	if (!root || !rows || !itr)
		lszap_oom();
	json_add(root, "version", json_object_new_int(LSZAP_JSON_VERSION));
	while (scols_table_next_line(tb, itr, &ln) == 0) {
		row = json_object_new_object();
		if (!row)
			lszap_oom();
		for (i = 0; i < l->ncolumns; i++) {
			const struct colinfo *col = &cols[l->columns[i]];

			for (k = 0; col->name[k] && k + 1 < sizeof(key); k++)
				key[k] = (char)tolower((unsigned char)col->name[k]);
			key[k] = '\0';
			json_add(row, key, cell_json(col,
				scols_cell_get_data(scols_line_get_cell(ln, i))));
		}
		json_object_array_add(rows, row);
	}
	json_add(root, view_json_key(l->view), rows);
	puts(json_object_to_json_string_ext(root, l->json_lines ?
		JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE :
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	scols_free_iter(itr);
}

/* Print the table of l->view (queues, adapters, domains, mdevs, problems). */
int columns_print_table(struct lszap *l)
{
	struct table_ctx *ctx;
	const struct colinfo *cols;
	struct libscols_table *tb;
	size_t n, i;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		lszap_oom();
	ctx->l = l;
	describe_queue_counts(l->model, ctx->per_adapter, ctx->per_domain);
	cols = view_columns(l->view, &n);
	tb = new_table(l);
	for (i = 0; i < l->ncolumns; i++)
		if (cols[l->columns[i]].get == get_path)
			ctx->path_shown = true;
	for (i = 0; i < l->ncolumns; i++)
		if (!scols_table_new_column(tb, cols[l->columns[i]].name,
					    cols[l->columns[i]].whint,
					    cols[l->columns[i]].flags))
			lszap_oom();
	switch (l->view) {
	case VIEW_ADAPTERS:
		add_adapter_rows(ctx, tb, cols);
		break;
	case VIEW_DOMAINS:
		add_domain_rows(ctx, tb, cols);
		break;
	case VIEW_MDEVS:
		add_mdev_rows(ctx, tb, cols);
		break;
	case VIEW_CHECK:
		add_problem_rows(ctx, tb, cols);
		break;
	case VIEW_FREE:
		add_queue_rows(ctx, tb, cols, true);
		break;
	default:
		add_queue_rows(ctx, tb, cols, false);
		break;
	}
	if (l->json)
		print_table_json(l, cols, tb);
	else if (scols_table_get_nlines(tb))
		scols_print_table(tb);
	else if (l->view == VIEW_CHECK && isatty(STDOUT_FILENO))
		puts("no problems found");
	else if (isatty(STDOUT_FILENO) && !(l->outflags & LSZAP_NOHEADINGS))
		/* on a terminal, an empty listing still says what it lists */
		for (i = 0; i < l->ncolumns; i++)
			printf("%s%s", cols[l->columns[i]].name,
			       i + 1 < l->ncolumns ? " " : "\n");
	scols_unref_table(tb);
	free(ctx);
	return 0;
}
