/* SPDX-License-Identifier: MIT */
/*
 * machine.h - the description of an AP machine, shared by zap's test tools
 * (mkfixture and apsim). Test code: independent of libzapconf on purpose.
 * The text format is in FORMAT.md beside this file.
 */
#ifndef ZAP_TEST_MACHINE_H
#define ZAP_TEST_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#define MACHINE_IDS 256
#define MACHINE_MAX_MDEVS 1024
#define MACHINE_MAX_DEFINES 1024
#define MACHINE_MAX_DRIVERCTL 1024

/* A set of ids 0..255, one byte per id for readability. */
struct machine_set {
	unsigned char bit[MACHINE_IDS];
};

enum machine_mode { MACHINE_MODE_CCA, MACHINE_MODE_EP11, MACHINE_MODE_ACCEL };

enum machine_driver {
	MACHINE_DRIVER_AUTO,
	MACHINE_DRIVER_NONE,
	MACHINE_DRIVER_CEX4QUEUE,
	MACHINE_DRIVER_VFIO_AP,
};

struct machine_adapter {
	bool present;
	int hwtype;
	int raw_hwtype;
	enum machine_mode mode;
	bool config;
	bool chkstop;
	bool online;
	unsigned long long requests;
	struct machine_set domains;
};

struct machine_queue {
	bool present;              /* derived by machine_finish() */
	enum machine_driver driver; /* AUTO until machine_finish() resolves it */
	bool config;
	bool chkstop;
	bool online;
	unsigned long long requests;
	int pending;
	char *override;            /* driver_override (6.19), NULL = none;
				      malloc'd, freed by machine_release() */
};

struct machine_mdev {
	char uuid[37];             /* lower case */
	struct machine_set adapters, domains, control;
	bool guest;
};

struct machine_define {
	char uuid[37];
	bool autostart;
	struct machine_set adapters, domains, control;
};

/* A persisted override, etc/driverctl.d/ap-AA.DDDD holding the driver. */
struct machine_driverctl {
	int adapter, domain;
	char driver[64];
};

struct machine {
	/* bus */
	int max_adapter, max_domain;
	struct machine_set apmask, aqmask;
	int ap_domain;             /* -2 = auto until machine_finish() */
	bool qci;
	char features[128];        /* space separated, e.g. "APSC APXA QACT" */
	struct machine_set usage_domains, control_domains;
	bool usage_domains_given, control_domains_given;
	/* kernel generation */
	bool has_ap_config, has_guest_matrix, has_matrix_features, has_bindings,
	     has_features;
	/* 6.19: queue driver_override, bindings_complete_count, all-ones in_use */
	bool has_driver_override;
	bool override_busy;        /* kernel driver_override_busy=yes: EBUSY for
				      an override write to an assigned APQN (the
				      merge message's claim, DO-6; no code has it) */
	int override_ctr;          /* ap_driver_override_ctr; -1 = auto until
				      machine_finish(): the overrides given */
	int masks_in_use;          /* ap_apmask_aqmask_in_use; -1 = auto */
	unsigned long long bindings_complete_count;
	bool bindings_done;        /* the bindings-complete event was sent and
				      no probe has re-armed it since */
	/* drivers */
	bool zcrypt, vfio_ap;
	struct machine_adapter adapter[MACHINE_IDS];
	struct machine_queue queue[MACHINE_IDS][MACHINE_IDS];
	int nr_mdevs;
	struct machine_mdev mdev[MACHINE_MAX_MDEVS];
	int nr_defines;
	struct machine_define define[MACHINE_MAX_DEFINES];
	bool has_rules;
	struct machine_set rules_apmask, rules_aqmask;
	int nr_driverctl;
	struct machine_driverctl driverctl[MACHINE_MAX_DRIVERCTL];
};

/* Set every default of FORMAT.md (an empty machine: no adapters). */
void machine_init(struct machine *m);
/* Parse one statement; lineno is for messages. 0 or -1 with err filled. */
int machine_parse_line(struct machine *m, const char *line, int lineno,
		       char *err, size_t errlen);
/* machine_init + every line of a file ("-" = stdin) + machine_finish. */
int machine_load_file(struct machine *m, const char *path, char *err,
		      size_t errlen);
/* Derive queues, drivers, ap_domain, QCI defaults. 0 or -1 with err. */
int machine_finish(struct machine *m, char *err, size_t errlen);

/* Free what a machine holds besides itself (the override strings). */
void machine_release(struct machine *m);

/* Helpers for both tools. */
bool machine_host_owned(const struct machine *m, int adapter, int domain);
/*
 * Host ownership as vfio_ap's checks see it (driver-override.md DO-22): a
 * bound queue with an override is the host's iff bound to cex4queue; every
 * other APQN follows the masks. Equals machine_host_owned without overrides.
 */
bool machine_vfio_host_owned(const struct machine *m, int adapter, int domain);
/* The driver an override names: cex4queue, vfio_ap, or NONE (no such). */
enum machine_driver machine_override_driver(const char *name);
/* Whether every present queue is bound to a driver. */
bool machine_all_bound(const struct machine *m);
/* The mdev index owning (adapter, domain), -1 if none (first one if shared). */
int machine_owner(const struct machine *m, int adapter, int domain);
/*
 * The guest view of mdev mdev_index (spec 4.7), what guest_matrix prints:
 * domains = its usage domains in the QCI usage domains; adapters = its
 * adapters in the QCI adapter set (present) whose every APQN with those
 * domains is a queue bound to vfio_ap.
 */
void machine_guest_matrix(const struct machine *m, int mdev_index,
			  struct machine_set *adapters,
			  struct machine_set *domains);
/* "in use", "assigned" or "unassigned" for a vfio_ap-bound queue. */
const char *machine_vfio_status(const struct machine *m, int adapter,
				int domain);
/* Print a set as a kernel mask: "0x" + 64 lower-case hex digits (no \n). */
void machine_set_to_mask(const struct machine_set *s, char out[67]);
/* Card type name as zcrypt prints it: "CEX8C", "CEX7P", "CEX6A". */
void machine_type_name(const struct machine_adapter *a, char out[16]);
/* ap_functions value of a card as the kernel prints it (0x%08X). */
unsigned int machine_functions(const struct machine_adapter *a);

#endif
