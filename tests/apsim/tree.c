// SPDX-License-Identifier: MIT
/*
 * tree.c - the sysfs tree apsim serves: which directories, attribute files
 * and relative symlinks exist (spec sections 1, 2 and 4; driver-override.md
 * for the 6.19 files), what each
 * attribute prints, and which model call (state.c) each store makes.
 * The hidden .apsim directory holds the control channel (fs.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "apsim.h"

/* Directory kinds; the comment is the path. */
enum dir_kind {
	DIR_ROOT,		/* / */
	DIR_BUS,		/* bus */
	DIR_BUS_AP,		/* bus/ap */
	DIR_AP_DEVICES,		/* bus/ap/devices */
	DIR_AP_DRIVERS,		/* bus/ap/drivers */
	DIR_AP_DRIVER,		/* bus/ap/drivers/<drv> */
	DIR_DEVICES,		/* devices */
	DIR_DEVICES_AP,		/* devices/ap */
	DIR_CARD,		/* devices/ap/cardAA */
	DIR_QUEUE,		/* devices/ap/cardAA/AA.DDDD */
	DIR_VFIO_AP,		/* devices/vfio_ap */
	DIR_MATRIX,		/* devices/vfio_ap/matrix */
	DIR_TYPES,		/* .../matrix/mdev_supported_types */
	DIR_TYPE,		/* .../mdev_supported_types/vfio_ap-passthrough */
	DIR_TYPE_DEVICES,	/* .../vfio_ap-passthrough/devices */
	DIR_MDEV,		/* devices/vfio_ap/matrix/<uuid> */
	DIR_BUS_MATRIX,		/* bus/matrix */
	DIR_MATRIX_DEVICES,	/* bus/matrix/devices */
	DIR_MATRIX_DRIVERS,	/* bus/matrix/drivers */
	DIR_MATRIX_DRIVER,	/* bus/matrix/drivers/vfio_ap */
	DIR_BUS_MDEV,		/* bus/mdev */
	DIR_MDEV_DEVICES,	/* bus/mdev/devices */
	DIR_MDEV_DRIVERS,	/* bus/mdev/drivers */
	DIR_MDEV_DRIVER,	/* bus/mdev/drivers/vfio_ap_mdev */
	DIR_CLASS,		/* class */
	DIR_CLASS_MDEV_BUS,	/* class/mdev_bus */
	DIR_CONTROL,		/* .apsim */
};

/* The AP bus drivers, as node.drv of DIR_AP_DRIVER. */
enum { DRV_CEX4CARD, DRV_CEX4QUEUE, DRV_VFIO_AP };

/* An attribute file: show and/or store decide its mode. */
struct attr {
	int dir;
	const char *name;
	void (*show)(struct sim *s, const struct node *n, FILE *f);
	int (*store)(struct sim *s, const struct node *n, const char *buf,
		     size_t len);
	bool (*visible)(const struct sim *s, const struct node *n);
	enum sim_res res;	/* assign/unassign files, apmask/aqmask */
	bool set;		/* assign_* (vs unassign_*), bind (vs unbind) */
	bool waits;		/* a -EBUSY store is retried (mdev remove) */
	const char *text;	/* the fixed value shown by show_text */
};

/* A walk over one directory: a lookup of one name or a listing. */
struct walk {
	const char *want;	/* lookup: the name sought; NULL: listing */
	struct node *found;
	bool hit;
	tree_filler fill;
	void *ctx;
};

/* vfio_ap is loaded. */
static bool has_vfio(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->vfio_ap;
}

/* zcrypt is loaded. */
static bool has_zcrypt(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->zcrypt;
}

/* The kernel has scans and bindings. */
static bool has_bindings(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->has_bindings;
}

/* The kernel has /sys/bus/ap/features. */
static bool has_features(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->has_features;
}

/* The kernel has driver_override and bindings_complete_count (6.19). */
static bool has_override(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->has_driver_override;
}

/* The kernel has the matrix features file. */
static bool has_matrix_features(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->has_matrix_features;
}

/* The kernel has the mdev guest_matrix file. */
static bool has_guest_matrix(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->has_guest_matrix;
}

/* The kernel has the mdev ap_config file. */
static bool has_ap_config(const struct sim *s, const struct node *n)
{
	(void)n;
	return s->m->has_ap_config;
}

/* zcrypt binds the card and it is a CCA or EP11 coprocessor. */
static bool is_zcrypt_coproc(const struct sim *s, const struct node *n)
{
	return s->m->zcrypt && s->m->adapter[n->card].mode != MACHINE_MODE_ACCEL;
}

/* zcrypt binds the card and it is an EP11 coprocessor. */
static bool is_zcrypt_ep11(const struct sim *s, const struct node *n)
{
	return s->m->zcrypt && s->m->adapter[n->card].mode == MACHINE_MODE_EP11;
}

/* The queue is bound to cex4queue. */
static bool on_cex4queue(const struct sim *s, const struct node *n)
{
	return s->m->queue[n->card][n->dom].driver == MACHINE_DRIVER_CEX4QUEUE;
}

/* The queue is bound to cex4queue and is a coprocessor queue. */
static bool on_cex4queue_coproc(const struct sim *s, const struct node *n)
{
	return on_cex4queue(s, n) && is_zcrypt_coproc(s, n);
}

/* The queue is bound to cex4queue and is an EP11 queue. */
static bool on_cex4queue_ep11(const struct sim *s, const struct node *n)
{
	return on_cex4queue(s, n) && is_zcrypt_ep11(s, n);
}

/* The queue is bound to vfio_ap. */
static bool on_vfio_ap(const struct sim *s, const struct node *n)
{
	return s->m->queue[n->card][n->dom].driver == MACHINE_DRIVER_VFIO_AP;
}

/* The driver directory has bind/unbind (the queue drivers). */
static bool is_queue_driver(const struct sim *s, const struct node *n)
{
	(void)s;
	return n->drv != DRV_CEX4CARD;
}

/* Print a set as a kernel mask line. */
static void print_mask(FILE *f, const struct machine_set *set, const char *end)
{
	char mask[67];

	machine_set_to_mask(set, mask);
	fprintf(f, "%s%s", mask, end);
}

/* Print a matrix as vfio_ap's matrix and guest_matrix files do (4.4). */
static void print_matrix(FILE *f, const struct machine_set *adapters,
			 const struct machine_set *domains)
{
	bool any_adapter = false, any_domain = false;
	int a, d;

	for (a = 0; a < MACHINE_IDS; a++) {
		any_adapter |= adapters->bit[a];
		any_domain |= domains->bit[a];
	}
	for (a = 0; a < MACHINE_IDS; a++) {
		if (!adapters->bit[a])
			continue;
		if (!any_domain)
			fprintf(f, "%02x.\n", a);
		for (d = 0; d < MACHINE_IDS; d++)
			if (domains->bit[d])
				fprintf(f, "%02x.%04x\n", a, d);
	}
	for (d = 0; !any_adapter && d < MACHINE_IDS; d++)
		if (domains->bit[d])
			fprintf(f, ".%04x\n", d);
}

/* P4 "%d" for 0/1 attributes: EINVAL for anything else. */
static int parse_flag(const char *buf, bool *val)
{
	long long v;

	if (parse_scanf_int(buf, false, &v) || v < 0 || v > 1)
		return -EINVAL;
	*val = v;
	return 0;
}

/* An attribute with a fixed value (the emulated hardware's answers). */
static void show_text(struct sim *s, const struct node *n, FILE *f)
{
	(void)s;
	fputs(n->attr->text, f);
}

/* bus/ap/ap_domain */
static void show_ap_domain(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%d\n", s->m->ap_domain);
}

/* ap_domain store: P4 "%i", <= ap_max_domain_id and set in aqmask. */
static int store_ap_domain(struct sim *s, const struct node *n,
			   const char *buf, size_t len)
{
	long long v;

	(void)n, (void)len;
	if (parse_scanf_int(buf, true, &v) || v < 0 || v > s->m->max_domain ||
	    !s->m->aqmask.bit[v])
		return -EINVAL;
	s->m->ap_domain = (int)v;
	return 0;
}

/* A QCI mask: ADM, AQM or APM (the adapters present); without QCI a text. */
static void show_qci_mask(struct sim *s, const struct node *n, FILE *f)
{
	struct machine_set apm;
	int a;

	for (a = 0; a < MACHINE_IDS; a++)
		apm.bit[a] = s->m->adapter[a].present;
	if (!s->m->qci)
		fprintf(f, "not supported\n");
	else if (n->attr->res == SIM_CONTROL)
		print_mask(f, &s->m->control_domains, "\n");
	else if (n->attr->res == SIM_DOMAIN)
		print_mask(f, &s->m->usage_domains, "\n");
	else
		print_mask(f, &apm, "\n");
}

/* bus/ap/config_time */
static void show_config_time(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%d\n", s->config_time);
}

/* config_time store: P4 "%d", 5..120. */
static int store_config_time(struct sim *s, const struct node *n,
			     const char *buf, size_t len)
{
	long long v;

	(void)n, (void)len;
	if (parse_scanf_int(buf, false, &v) || v < 5 || v > 120)
		return -EINVAL;
	s->config_time = (int)v;
	return 0;
}

/* bus/ap/poll_thread */
static void show_poll_thread(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%d\n", s->poll_thread);
}

/* poll_thread store: P5. */
static int store_poll_thread(struct sim *s, const struct node *n,
			     const char *buf, size_t len)
{
	(void)n, (void)len;
	return parse_bool(buf, &s->poll_thread);
}

/* bus/ap/poll_timeout */
static void show_poll_timeout(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%llu\n", s->poll_timeout);
}

/* poll_timeout store: P3, at most 120 s in nanoseconds. */
static int store_poll_timeout(struct sim *s, const struct node *n,
			      const char *buf, size_t len)
{
	unsigned long long v;
	int rc;

	(void)n, (void)len;
	rc = parse_ul(buf, &v);
	if (rc)
		return rc;
	if (v > 120000000000ULL)
		return -EINVAL;
	s->poll_timeout = v;
	return 0;
}

/* bus/ap/ap_max_domain_id */
static void show_max_domain(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%d\n", s->m->max_domain);
}

/* bus/ap/ap_max_adapter_id */
static void show_max_adapter(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%d\n", s->m->max_adapter);
}

/* bus/ap/apmask or aqmask */
static void show_mask(struct sim *s, const struct node *n, FILE *f)
{
	print_mask(f, n->attr->res == SIM_ADAPTER ? &s->m->apmask :
		   &s->m->aqmask, "\n");
}

/* apmask/aqmask store (spec 1.2). */
static int store_mask(struct sim *s, const struct node *n, const char *buf,
		      size_t len)
{
	(void)len;
	return sim_store_mask(s, n->attr->res == SIM_ADAPTER, buf);
}

/* bus/ap/scans */
static void show_scans(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%llu\n", s->scans);
}

/* scans store: any content runs a synchronous bus scan. */
static int store_scans(struct sim *s, const struct node *n, const char *buf,
		       size_t len)
{
	(void)n, (void)buf, (void)len;
	sim_rescan(s);
	return 0;
}

/* bus/ap/bindings: bound/total queue devices. */
static void show_bindings(struct sim *s, const struct node *n, FILE *f)
{
	unsigned int bound = 0, total = 0;
	int a, d;

	(void)n;
	for (a = 0; a < MACHINE_IDS; a++) {
		for (d = 0; d < MACHINE_IDS; d++) {
			if (!s->m->queue[a][d].present)
				continue;
			total++;
			bound += s->m->queue[a][d].driver != MACHINE_DRIVER_NONE;
		}
	}
	fprintf(f, "%u/%u%s\n", bound, total,
		bound == total && s->scans ? " (complete)" : "");
}

/* bus/ap/bindings_complete_count (DO-29). */
static void show_complete_count(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%llu\n", s->m->bindings_complete_count);
}

/* bus/ap/drivers_probe store (DO-15). */
static int store_drivers_probe(struct sim *s, const struct node *n,
			       const char *buf, size_t len)
{
	(void)n, (void)len;
	return sim_drivers_probe(s, buf);
}

/* bus/ap/features: empty if QCI has no flag, "-" without QCI. */
static void show_features(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	if (!s->m->qci)
		fprintf(f, "-\n");
	else if (s->m->features[0])
		fprintf(f, "%s\n", s->m->features);
}

/* A card's hwtype. */
static void show_hwtype(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", s->m->adapter[n->card].hwtype);
}

/* A card's raw_hwtype. */
static void show_raw_hwtype(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", s->m->adapter[n->card].raw_hwtype);
}

/* ap_functions of a card or queue, upper-case hex. */
static void show_functions(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "0x%08X\n", machine_functions(&s->m->adapter[n->card]));
}

/* A card's request_count. */
static void show_card_requests(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%llu\n", s->m->adapter[n->card].requests);
}

/* Card request_count store: resets the card's and its queues' counters. */
static int store_card_requests(struct sim *s, const struct node *n,
			       const char *buf, size_t len)
{
	int d;

	(void)buf, (void)len;
	s->m->adapter[n->card].requests = 0;
	for (d = 0; d < MACHINE_IDS; d++)
		s->m->queue[n->card][d].requests = 0;
	return 0;
}

/* A card's pendingq_count: the sum over its zcrypt queues. */
static void show_card_pending(struct sim *s, const struct node *n, FILE *f)
{
	struct node q = *n;
	int sum = 0;

	for (q.dom = 0; q.dom < MACHINE_IDS; q.dom++)
		if (s->m->queue[n->card][q.dom].present && on_cex4queue(s, &q))
			sum += s->m->queue[n->card][q.dom].pending;
	fprintf(f, "%d\n", sum);
}

/* A card's modalias. */
static void show_modalias(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "ap:t%02X\n", s->m->adapter[n->card].hwtype);
}

/* A card's config. */
static void show_card_config(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", s->m->adapter[n->card].config);
}

/* Card config store: P4 0/1, an SCLP (de)configure. */
static int store_card_config(struct sim *s, const struct node *n,
			     const char *buf, size_t len)
{
	bool config;

	(void)len;
	if (parse_flag(buf, &config))
		return -EINVAL;
	return sim_set_config(s, n->card, config);
}

/* A card's chkstop. */
static void show_card_chkstop(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", s->m->adapter[n->card].chkstop);
}

/* zcrypt's card type: CEX8C and the like. */
static void show_type(struct sim *s, const struct node *n, FILE *f)
{
	char type[16];

	machine_type_name(&s->m->adapter[n->card], type);
	fprintf(f, "%s\n", type);
}

/* zcrypt's card online. */
static void show_card_online(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", sim_card_online(s, n->card));
}

/* Card online store: P4 0/1. */
static int store_card_online(struct sim *s, const struct node *n,
			     const char *buf, size_t len)
{
	bool online;

	(void)len;
	if (parse_flag(buf, &online))
		return -EINVAL;
	return sim_set_card_online(s, n->card, online);
}

/* A queue's request_count, "-" unless zcrypt runs its state machine. */
static void show_queue_requests(struct sim *s, const struct node *n, FILE *f)
{
	if (on_cex4queue(s, n))
		fprintf(f, "%llu\n", s->m->queue[n->card][n->dom].requests);
	else
		fprintf(f, "-\n");
}

/* Queue request_count store: any write resets it. */
static int store_queue_requests(struct sim *s, const struct node *n,
				const char *buf, size_t len)
{
	(void)buf, (void)len;
	s->m->queue[n->card][n->dom].requests = 0;
	return 0;
}

/* A queue's pendingq_count (0 when uninitialised). */
static void show_queue_pending(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", on_cex4queue(s, n) ?
		s->m->queue[n->card][n->dom].pending : 0);
}

/* Queue reset store: flushes the pending requests. */
static int store_reset(struct sim *s, const struct node *n, const char *buf,
		       size_t len)
{
	(void)buf, (void)len;
	s->m->queue[n->card][n->dom].pending = 0;
	return 0;
}

/* A queue's driver_override: the name and "\n", or only "\n" (DO-2). */
static void show_override(struct sim *s, const struct node *n, FILE *f)
{
	const char *name = s->m->queue[n->card][n->dom].override;

	fprintf(f, "%s\n", name ? name : "");
}

/* A queue's driver_override store (DO-3). */
static int store_override(struct sim *s, const struct node *n,
			  const char *buf, size_t len)
{
	return sim_store_override(s, n->card, n->dom, buf, len);
}

/* A queue's interrupt state: enabled while zcrypt uses it. */
static void show_interrupt(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "Interrupts %s.\n", on_cex4queue(s, n) ? "enabled" :
		"disabled");
}

/* A queue's config. */
static void show_queue_config(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", s->m->queue[n->card][n->dom].config);
}

/* A queue's chkstop. */
static void show_queue_chkstop(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", s->m->queue[n->card][n->dom].chkstop);
}

/* zcrypt's queue online. */
static void show_queue_online(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%d\n", sim_queue_online(s, n->card, n->dom));
}

/* Queue online store: P4 0/1. */
static int store_queue_online(struct sim *s, const struct node *n,
			      const char *buf, size_t len)
{
	bool online;

	(void)len;
	if (parse_flag(buf, &online))
		return -EINVAL;
	return sim_set_queue_online(s, n->card, n->dom, online);
}

/* mkvps of a coprocessor queue whose master keys cannot be read. */
static void show_mkvps(struct sim *s, const struct node *n, FILE *f)
{
	if (s->m->adapter[n->card].mode == MACHINE_MODE_EP11)
		fprintf(f, "WK CUR: - -\nWK NEW: - -\n");
	else
		fprintf(f, "AES NEW: - -\nAES CUR: - -\nAES OLD: - -\n"
			"APKA NEW: - -\nAPKA CUR: - -\nAPKA OLD: - -\n");
}

/* vfio_ap's queue status (spec 5.7). */
static void show_status(struct sim *s, const struct node *n, FILE *f)
{
	fprintf(f, "%s\n", machine_vfio_status(s->m, n->card, n->dom));
}

/* Queue driver bind/unbind store. */
static int store_bind(struct sim *s, const struct node *n, const char *buf,
		      size_t len)
{
	(void)len;
	return sim_bind(s, n->drv == DRV_CEX4QUEUE ? MACHINE_DRIVER_CEX4QUEUE :
			MACHINE_DRIVER_VFIO_AP, n->attr->set, buf);
}

/* available_instances: 65536 less one per mdev. */
static void show_instances(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	fprintf(f, "%u\n", 65536U - s->m->nr_mdevs);
}

/* create store (spec 4.2). */
static int store_create(struct sim *s, const struct node *n, const char *buf,
			size_t len)
{
	(void)n;
	return sim_create(s, buf, len);
}

/* An mdev's assign_* / unassign_* store (spec 4.5). */
static int store_assign(struct sim *s, const struct node *n, const char *buf,
			size_t len)
{
	(void)len;
	return sim_assign(s, n->mdev, n->attr->res, n->attr->set, buf);
}

/* An mdev's matrix. */
static void show_mdev_matrix(struct sim *s, const struct node *n, FILE *f)
{
	const struct machine_mdev *md = &s->m->mdev[n->mdev];

	print_matrix(f, &md->adapters, &md->domains);
}

/* An mdev's guest_matrix (spec 4.7). */
static void show_guest_matrix(struct sim *s, const struct node *n, FILE *f)
{
	struct machine_set adapters, domains;

	machine_guest_matrix(s->m, n->mdev, &adapters, &domains);
	print_matrix(f, &adapters, &domains);
}

/* An mdev's control_domains. */
static void show_control_domains(struct sim *s, const struct node *n, FILE *f)
{
	int d;

	for (d = 0; d < MACHINE_IDS; d++)
		if (s->m->mdev[n->mdev].control.bit[d])
			fprintf(f, "%04x\n", d);
}

/* An mdev's ap_config: three masks, 201 bytes. */
static void show_ap_config(struct sim *s, const struct node *n, FILE *f)
{
	const struct machine_mdev *md = &s->m->mdev[n->mdev];

	print_mask(f, &md->adapters, ",");
	print_mask(f, &md->domains, ",");
	print_mask(f, &md->control, "\n");
}

/* ap_config store (spec 4.6). */
static int store_ap_config(struct sim *s, const struct node *n,
			   const char *buf, size_t len)
{
	(void)len;
	return sim_store_ap_config(s, n->mdev, buf);
}

/* mdev remove store (spec 4.2); fs.c waits while a guest holds it. */
static int store_remove(struct sim *s, const struct node *n, const char *buf,
			size_t len)
{
	(void)len;
	return sim_remove(s, n->mdev, buf);
}

/* .apsim/control */
static int store_control(struct sim *s, const struct node *n,
			 const char *buf, size_t len)
{
	(void)n, (void)len;
	return fs_control(s, buf);
}

/* .apsim/writes */
static void show_writes(struct sim *s, const struct node *n, FILE *f)
{
	(void)s, (void)n;
	fs_show_writes(f);
}

/* .apsim/state */
static void show_state(struct sim *s, const struct node *n, FILE *f)
{
	(void)n;
	sim_dump(s, f);
}

/* Attribute table entries, like the kernel's DEVICE_ATTR_RO/RW/WO. */
#define RO(d, n, sh, ...) { .dir = d, .name = n, .show = sh, __VA_ARGS__ }
#define RW(d, n, sh, st, ...) \
	{ .dir = d, .name = n, .show = sh, .store = st, __VA_ARGS__ }
#define WO(d, n, st, ...) { .dir = d, .name = n, .store = st, __VA_ARGS__ }

static const struct attr attrs[] = {
	RW(DIR_BUS_AP, "ap_domain", show_ap_domain, store_ap_domain),
	RO(DIR_BUS_AP, "ap_control_domain_mask", show_qci_mask, .res = SIM_CONTROL),
	RO(DIR_BUS_AP, "ap_usage_domain_mask", show_qci_mask, .res = SIM_DOMAIN),
	RO(DIR_BUS_AP, "ap_adapter_mask", show_qci_mask, .res = SIM_ADAPTER),
	RW(DIR_BUS_AP, "config_time", show_config_time, store_config_time),
	RW(DIR_BUS_AP, "poll_thread", show_poll_thread, store_poll_thread),
	RO(DIR_BUS_AP, "ap_interrupts", show_text, .text = "1\n"),
	RW(DIR_BUS_AP, "poll_timeout", show_poll_timeout, store_poll_timeout),
	RO(DIR_BUS_AP, "ap_max_domain_id", show_max_domain),
	RO(DIR_BUS_AP, "ap_max_adapter_id", show_max_adapter),
	RW(DIR_BUS_AP, "apmask", show_mask, store_mask, .res = SIM_ADAPTER),
	RW(DIR_BUS_AP, "aqmask", show_mask, store_mask, .res = SIM_DOMAIN),
	RW(DIR_BUS_AP, "scans", show_scans, store_scans, .visible = has_bindings),
	RO(DIR_BUS_AP, "bindings", show_bindings, .visible = has_bindings),
	RO(DIR_BUS_AP, "bindings_complete_count", show_complete_count,
	   .visible = has_override),
	WO(DIR_BUS_AP, "drivers_probe", store_drivers_probe),
	RO(DIR_BUS_AP, "features", show_features, .visible = has_features),
	WO(DIR_AP_DRIVER, "bind", store_bind, .visible = is_queue_driver, .set = true),
	WO(DIR_AP_DRIVER, "unbind", store_bind, .visible = is_queue_driver),
	RO(DIR_CARD, "hwtype", show_hwtype),
	RO(DIR_CARD, "raw_hwtype", show_raw_hwtype),
	RO(DIR_CARD, "depth", show_text, .text = "8\n"),
	RO(DIR_CARD, "ap_functions", show_functions),
	RW(DIR_CARD, "request_count", show_card_requests, store_card_requests),
	RO(DIR_CARD, "requestq_count", show_text, .text = "0\n"),
	RO(DIR_CARD, "pendingq_count", show_card_pending),
	RO(DIR_CARD, "modalias", show_modalias),
	RW(DIR_CARD, "config", show_card_config, store_card_config),
	RO(DIR_CARD, "chkstop", show_card_chkstop),
	RO(DIR_CARD, "max_msg_size", show_text, .text = "12288\n"),
	RO(DIR_CARD, "type", show_type, .visible = has_zcrypt),
	RW(DIR_CARD, "online", show_card_online, store_card_online,
	   .visible = has_zcrypt),
	RO(DIR_CARD, "load", show_text, .visible = has_zcrypt, .text = "0\n"),
	RO(DIR_CARD, "serialnr", show_text, .visible = is_zcrypt_coproc, .text = "\n"),
	RO(DIR_CARD, "API_ordinalnr", show_text, .visible = is_zcrypt_ep11, .text = "\n"),
	RO(DIR_CARD, "FW_version", show_text, .visible = is_zcrypt_ep11, .text = "\n"),
	RO(DIR_CARD, "op_modes", show_text, .visible = is_zcrypt_ep11, .text = "\n"),
	RW(DIR_QUEUE, "request_count", show_queue_requests, store_queue_requests),
	RO(DIR_QUEUE, "requestq_count", show_text, .text = "0\n"),
	RO(DIR_QUEUE, "pendingq_count", show_queue_pending),
	RW(DIR_QUEUE, "reset", show_text, store_reset, .text = "No Reset Timer set.\n"),
	RO(DIR_QUEUE, "interrupt", show_interrupt),
	RO(DIR_QUEUE, "config", show_queue_config),
	RO(DIR_QUEUE, "chkstop", show_queue_chkstop),
	RO(DIR_QUEUE, "ap_functions", show_functions),
	RW(DIR_QUEUE, "driver_override", show_override, store_override,
	   .visible = has_override),
	RW(DIR_QUEUE, "online", show_queue_online, store_queue_online,
	   .visible = on_cex4queue),
	RO(DIR_QUEUE, "load", show_text, .visible = on_cex4queue, .text = "0\n"),
	RO(DIR_QUEUE, "mkvps", show_mkvps, .visible = on_cex4queue_coproc),
	RO(DIR_QUEUE, "op_modes", show_text, .visible = on_cex4queue_ep11, .text = "\n"),
	RO(DIR_QUEUE, "status", show_status, .visible = on_vfio_ap),
	RO(DIR_MATRIX, "features", show_text, .visible = has_matrix_features,
	   .text = "guest_matrix hotplug ap_config\n"),
	RO(DIR_TYPE, "name", show_text, .text = "VFIO AP Passthrough Device\n"),
	RO(DIR_TYPE, "device_api", show_text, .text = "vfio-ap\n"),
	RO(DIR_TYPE, "available_instances", show_instances),
	WO(DIR_TYPE, "create", store_create),
	WO(DIR_MDEV, "assign_adapter", store_assign, .res = SIM_ADAPTER, .set = true),
	WO(DIR_MDEV, "unassign_adapter", store_assign, .res = SIM_ADAPTER),
	WO(DIR_MDEV, "assign_domain", store_assign, .res = SIM_DOMAIN, .set = true),
	WO(DIR_MDEV, "unassign_domain", store_assign, .res = SIM_DOMAIN),
	WO(DIR_MDEV, "assign_control_domain", store_assign,
	   .res = SIM_CONTROL, .set = true),
	WO(DIR_MDEV, "unassign_control_domain", store_assign, .res = SIM_CONTROL),
	RO(DIR_MDEV, "matrix", show_mdev_matrix),
	RO(DIR_MDEV, "guest_matrix", show_guest_matrix, .visible = has_guest_matrix),
	RO(DIR_MDEV, "control_domains", show_control_domains),
	RW(DIR_MDEV, "ap_config", show_ap_config, store_ap_config,
	   .visible = has_ap_config),
	WO(DIR_MDEV, "remove", store_remove, .waits = true),
	WO(DIR_CONTROL, "control", store_control),
	RO(DIR_CONTROL, "writes", show_writes),
	RO(DIR_CONTROL, "state", show_state),
};

/* A fixed subdirectory or symlink: present when visible says so. */
struct fixed {
	const char *name;
	const char *link;
	bool (*visible)(const struct sim *s, const struct node *n);
	int dir;
	int child;		/* directory kind, or -1 for a symlink */
	int drv;
};

/* Fixed table entries: a subdirectory of a kind, or a symlink. */
#define SUBDIR(d, n, kind, ...) { .dir = d, .name = n, .child = kind, __VA_ARGS__ }
#define LINK(d, n, target, ...) \
	{ .dir = d, .name = n, .child = -1, .link = target, __VA_ARGS__ }

static const struct fixed fixed[] = {
	SUBDIR(DIR_ROOT, "bus", DIR_BUS),
	SUBDIR(DIR_ROOT, "devices", DIR_DEVICES),
	SUBDIR(DIR_ROOT, "class", DIR_CLASS, .visible = has_vfio),
	SUBDIR(DIR_BUS, "ap", DIR_BUS_AP),
	SUBDIR(DIR_BUS, "matrix", DIR_BUS_MATRIX, .visible = has_vfio),
	SUBDIR(DIR_BUS, "mdev", DIR_BUS_MDEV, .visible = has_vfio),
	SUBDIR(DIR_BUS_AP, "devices", DIR_AP_DEVICES),
	SUBDIR(DIR_BUS_AP, "drivers", DIR_AP_DRIVERS),
	SUBDIR(DIR_AP_DRIVERS, "cex4card", DIR_AP_DRIVER,
	       .visible = has_zcrypt, .drv = DRV_CEX4CARD),
	SUBDIR(DIR_AP_DRIVERS, "cex4queue", DIR_AP_DRIVER,
	       .visible = has_zcrypt, .drv = DRV_CEX4QUEUE),
	SUBDIR(DIR_AP_DRIVERS, "vfio_ap", DIR_AP_DRIVER,
	       .visible = has_vfio, .drv = DRV_VFIO_AP),
	SUBDIR(DIR_DEVICES, "ap", DIR_DEVICES_AP),
	SUBDIR(DIR_DEVICES, "vfio_ap", DIR_VFIO_AP, .visible = has_vfio),
	LINK(DIR_CARD, "driver", "../../../bus/ap/drivers/cex4card",
	     .visible = has_zcrypt),
	SUBDIR(DIR_VFIO_AP, "matrix", DIR_MATRIX),
	SUBDIR(DIR_MATRIX, "mdev_supported_types", DIR_TYPES),
	LINK(DIR_MATRIX, "driver", "../../../bus/matrix/drivers/vfio_ap"),
	SUBDIR(DIR_TYPES, "vfio_ap-passthrough", DIR_TYPE),
	SUBDIR(DIR_TYPE, "devices", DIR_TYPE_DEVICES),
	LINK(DIR_MDEV, "mdev_type", "../mdev_supported_types/vfio_ap-passthrough"),
	LINK(DIR_MDEV, "driver", "../../../../bus/mdev/drivers/vfio_ap_mdev"),
	SUBDIR(DIR_BUS_MATRIX, "devices", DIR_MATRIX_DEVICES),
	SUBDIR(DIR_BUS_MATRIX, "drivers", DIR_MATRIX_DRIVERS),
	LINK(DIR_MATRIX_DEVICES, "matrix", "../../../devices/vfio_ap/matrix"),
	SUBDIR(DIR_MATRIX_DRIVERS, "vfio_ap", DIR_MATRIX_DRIVER),
	LINK(DIR_MATRIX_DRIVER, "matrix", "../../../../devices/vfio_ap/matrix"),
	SUBDIR(DIR_BUS_MDEV, "devices", DIR_MDEV_DEVICES),
	SUBDIR(DIR_BUS_MDEV, "drivers", DIR_MDEV_DRIVERS),
	SUBDIR(DIR_MDEV_DRIVERS, "vfio_ap_mdev", DIR_MDEV_DRIVER),
	SUBDIR(DIR_CLASS, "mdev_bus", DIR_CLASS_MDEV_BUS),
	LINK(DIR_CLASS_MDEV_BUS, "matrix", "../../devices/vfio_ap/matrix"),
};

/* Offer name to the walk; true when a lookup has found it. */
static bool walk_wants(struct walk *w, const char *name)
{
	if (w->hit)
		return false;
	if (!w->want) {
		w->fill(w->ctx, name);
		return false;
	}
	return !strcmp(name, w->want);
}

/* Offer a subdirectory of kind with the context of parent plus ids. */
static bool emit_dir(struct walk *w, const struct node *parent,
		     const char *name, int kind, int card, int dom, int mdev)
{
	if (!walk_wants(w, name))
		return false;
	*w->found = *parent;
	w->found->type = NODE_DIR;
	w->found->dir = kind;
	w->found->card = card;
	w->found->dom = dom;
	w->found->mdev = mdev;
	w->hit = true;
	return true;
}

/* Offer a symlink to target, built like printf. */
static void emit_link(struct walk *w, const struct node *parent,
		      const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Offer a symlink to target, built like printf. */
static void emit_link(struct walk *w, const struct node *parent,
		      const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!walk_wants(w, name))
		return;
	*w->found = *parent;
	w->found->type = NODE_LINK;
	va_start(ap, fmt);
	vsnprintf(w->found->link, sizeof(w->found->link), fmt, ap);
	va_end(ap);
	w->hit = true;
}

/* The queue driver link target below bus/ap/drivers, NULL if unbound. */
static const char *queue_driver_name(const struct sim *s, int a, int d)
{
	switch (s->m->queue[a][d].driver) {
	case MACHINE_DRIVER_CEX4QUEUE:
		return "cex4queue";
	case MACHINE_DRIVER_VFIO_AP:
		return "vfio_ap";
	default:
		return NULL;
	}
}

/* Whether bus/ap/devices or a driver dir has card a (d < 0) or queue a.d. */
static bool lists_ap_device(const struct sim *s, const struct node *dir, int a,
			    int d)
{
	bool all = dir->dir == DIR_AP_DEVICES;
	enum machine_driver drv;

	if (d < 0)
		return (all || dir->drv == DRV_CEX4CARD) && sim_card_exists(s, a);
	if (!s->m->queue[a][d].present || (!all && dir->drv == DRV_CEX4CARD))
		return false;
	drv = dir->drv == DRV_CEX4QUEUE ? MACHINE_DRIVER_CEX4QUEUE :
					  MACHINE_DRIVER_VFIO_AP;
	return all || s->m->queue[a][d].driver == drv;
}

/* Offer the link to card a (d < 0) or queue a.d if the directory has it. */
static void offer_ap_device(struct sim *s, const struct node *dir,
			    struct walk *w, int a, int d)
{
	const char *up = dir->dir == DIR_AP_DEVICES ? "../../.." : "../../../..";
	char name[16];

	if (!lists_ap_device(s, dir, a, d))
		return;
	if (d < 0) {
		snprintf(name, sizeof(name), "card%02x", a);
		emit_link(w, dir, name, "%s/devices/ap/%s", up, name);
	} else {
		snprintf(name, sizeof(name), "%02x.%04x", a, d);
		emit_link(w, dir, name, "%s/devices/ap/card%02x/%s", up, a, name);
	}
}

/* Offer the card and queue links of bus/ap/devices or a driver dir. */
static void list_ap_devices(struct sim *s, const struct node *dir,
			    struct walk *w)
{
	int a, d;

	if (w->want) {
		/* a lookup goes straight to its device: 65536 queues are many */
		if (!parse_ap_name(w->want, &a, &d))
			offer_ap_device(s, dir, w, a, d);
		return;
	}
	for (a = 0; a < MACHINE_IDS; a++)
		for (d = -1; d < MACHINE_IDS; d++)
			offer_ap_device(s, dir, w, a, d);
}

/* Offer the entries that depend on the model (cards, queues, mdevs). */
static void list_dynamic(struct sim *s, const struct node *dir, struct walk *w)
{
	const struct machine *m = s->m;
	const char *drv;
	char name[16];
	int i;

	switch (dir->dir) {
	case DIR_AP_DEVICES:
	case DIR_AP_DRIVER:
		list_ap_devices(s, dir, w);
		break;
	case DIR_DEVICES_AP:
		for (i = 0; i < MACHINE_IDS; i++) {
			if (!sim_card_exists(s, i))
				continue;
			snprintf(name, sizeof(name), "card%02x", i);
			emit_dir(w, dir, name, DIR_CARD, i, -1, -1);
		}
		break;
	case DIR_CARD:
		for (i = 0; i < MACHINE_IDS; i++) {
			if (!m->queue[dir->card][i].present)
				continue;
			snprintf(name, sizeof(name), "%02x.%04x", dir->card, i);
			emit_dir(w, dir, name, DIR_QUEUE, dir->card, i, -1);
		}
		break;
	case DIR_QUEUE:
		drv = queue_driver_name(s, dir->card, dir->dom);
		if (drv)
			emit_link(w, dir, "driver", "../../../../bus/ap/drivers/%s",
				  drv);
		break;
	case DIR_MATRIX:
		for (i = 0; i < m->nr_mdevs; i++)
			emit_dir(w, dir, m->mdev[i].uuid, DIR_MDEV, -1, -1, i);
		break;
	case DIR_TYPE_DEVICES:
		for (i = 0; i < m->nr_mdevs; i++)
			emit_link(w, dir, m->mdev[i].uuid, "../../../%s",
				  m->mdev[i].uuid);
		break;
	case DIR_MDEV_DEVICES:
		for (i = 0; i < m->nr_mdevs; i++)
			emit_link(w, dir, m->mdev[i].uuid,
				  "../../../devices/vfio_ap/matrix/%s",
				  m->mdev[i].uuid);
		break;
	case DIR_MDEV_DRIVER:
		for (i = 0; i < m->nr_mdevs; i++)
			emit_link(w, dir, m->mdev[i].uuid,
				  "../../../../devices/vfio_ap/matrix/%s",
				  m->mdev[i].uuid);
		break;
	}
}

/* Run a walk over every entry of the directory dir. */
static void walk_dir(struct sim *s, const struct node *dir, struct walk *w)
{
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		const struct fixed *e = &fixed[i];

		if (e->dir != dir->dir || (e->visible && !e->visible(s, dir)))
			continue;
		if (e->child < 0) {
			emit_link(w, dir, e->name, "%s", e->link);
		} else if (emit_dir(w, dir, e->name, e->child, dir->card,
				    dir->dom, dir->mdev)) {
			w->found->drv = e->drv;
		}
	}
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const struct attr *a = &attrs[i];

		if (a->dir != dir->dir || (a->visible && !a->visible(s, dir)) ||
		    !walk_wants(w, a->name))
			continue;
		*w->found = *dir;
		w->found->type = NODE_FILE;
		w->found->attr = a;
		w->hit = true;
	}
	list_dynamic(s, dir, w);
	if (dir->dir == DIR_ROOT && w->want && !w->hit &&
	    !strcmp(w->want, ".apsim"))
		emit_dir(w, dir, ".apsim", DIR_CONTROL, -1, -1, -1);
}

/* Resolve a path below the mount point ("/" = the root); 0 or -ENOENT. */
int tree_lookup(struct sim *s, const char *path, struct node *n)
{
	struct node cur = { .type = NODE_DIR, .dir = DIR_ROOT, .card = -1,
			    .dom = -1, .drv = -1, .mdev = -1 };
	char name[256];
	struct walk w;
	size_t len;

	for (;;) {
		path += strspn(path, "/");
		len = strcspn(path, "/");
		if (!len)
			break;
		if (cur.type != NODE_DIR || len >= sizeof(name))
			return -ENOENT;
		memcpy(name, path, len);
		name[len] = '\0';
		w = (struct walk){ .want = name, .found = n };
		walk_dir(s, &cur, &w);
		if (!w.hit)
			return -ENOENT;
		cur = *n;
		path += len;
	}
	*n = cur;
	return 0;
}

/* Call fill for every entry of a directory (.apsim stays hidden). */
void tree_list(struct sim *s, const struct node *dir, tree_filler fill,
	       void *ctx)
{
	struct node scratch;
	struct walk w = { .found = &scratch, .fill = fill, .ctx = ctx };

	walk_dir(s, dir, &w);
}

/* The node is a file of the control channel (not logged). */
bool tree_is_control(const struct node *n)
{
	return n->dir == DIR_CONTROL;
}

/* The attribute can be read. */
bool tree_readable(const struct node *n)
{
	return n->attr->show;
}

/* The attribute can be written. */
bool tree_writable(const struct node *n)
{
	return n->attr->store;
}

/* A store failing with -EBUSY is to be retried while a guest runs. */
bool tree_waits(const struct node *n)
{
	return n->attr->waits;
}

/* Print the attribute's value. */
void tree_show(struct sim *s, const struct node *n, FILE *f)
{
	n->attr->show(s, n, f);
}

/* Store one write (NUL-terminated copy of len bytes). */
int tree_store(struct sim *s, const struct node *n, const char *buf,
	       size_t len)
{
	return n->attr->store(s, n, buf, len);
}
