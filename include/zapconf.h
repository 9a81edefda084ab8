/* SPDX-License-Identifier: MIT */
/*
 * zapconf.h - public interface of libzapconf, the library behind lszap and chzap.
 *
 * Copyright zap developers 2026
 *
 * DOC: overview
 *
 * Errors
 *   zap_error_clear(err)                 err = no error
 *   Every fallible call returns 0 or -errno and fills a caller's struct zap_error
 *   (may be NULL) with one line naming the culprit and the exit status the
 *   tools use for it (enum zap_status). The library never prints, never exits.
 *
 * Bitmaps: sets of ids 0..255 (adapters, usage domains, control domains),
 * in the kernel's order (id 0 = leftmost bit of a printed mask)
 *   zap_bitmap_zero(dst)                 dst = {}
 *   zap_bitmap_fill(dst)                 dst = {0..255}
 *   zap_bitmap_set(dst, id)              dst |= {id}
 *   zap_bitmap_clear(dst, id)            dst &= ~{id}
 *   zap_bitmap_set_range(dst, a, b)      dst |= {a..b}
 *   zap_bitmap_test(src, id)             id in src ?
 *   zap_bitmap_and(dst, a, b)            dst = a & b
 *   zap_bitmap_or(dst, a, b)             dst = a | b
 *   zap_bitmap_andnot(dst, a, b)         dst = a & ~b
 *   zap_bitmap_xor(dst, a, b)            dst = a ^ b
 *   zap_bitmap_complement(dst, src)      dst = ~src
 *   zap_bitmap_equal(a, b)               a == b ?
 *   zap_bitmap_empty(src)                src == {} ?
 *   zap_bitmap_full(src)                 src == {0..255} ?
 *   zap_bitmap_intersects(a, b)          a & b != {} ?
 *   zap_bitmap_subset(a, b)              a & ~b == {} ?
 *   zap_bitmap_weight(src)               number of ids in src
 *   zap_bitmap_find_first(src)           lowest id, or ZAP_IDS when empty
 *   zap_bitmap_find_next(src, id)        lowest id >= id, or ZAP_IDS
 *   zap_for_each_set_bit(id, src)        loop over the ids of src, ascending
 *
 * APQN sets: cross products adapters x domains, never materialised
 *   zap_apqn_set_test(set, a, d)         (a, d) in set ?
 *   zap_apqn_set_and(dst, x, y)          dst = x & y (again a cross product)
 *   zap_apqn_set_empty(set)              no APQN in set ?
 *   zap_apqn_set_intersects(x, y)        x & y != {} ?
 *   zap_apqn_set_weight(set)             number of APQNs
 *
 * Masks: the kernel's text forms (sysfs-ap.md P1, P2, P3)
 *   zap_mask_parse(dst, current, buf, len)   what a write of buf to apmask does
 *   zap_mask_parse_absolute(dst, buf, len)   P1 (apmask, aqmask, ap_config field)
 *   zap_mask_print(src, buf)                 "0x" + 64 lower-case hex digits
 *   zap_kernel_parse_ulong(buf, len, &val)   P3, kstrtoul base 0 (assign_*)
 *
 * Ids from users, APQNs, UUIDs
 *   zap_id_parse(text, max, what, &id)       "71" or "0x47"; "047" refused
 *   zap_ids_parse(dst, text, max, what)      "0-3,5,0x47"
 *   zap_ids_print(src, buf, size)            "0x0-0x3,0x5,0x47"
 *   zap_apqn_parse(text, &a, &d)             "05.0047"
 *   zap_apqn_print(a, d, buf)                "05.0047"
 *   zap_uuid_parse(text, buf)                canonical, lower case
 *
 * Persistent configuration (mdevctl definitions, 41-ap.rules)
 *   zap_change.scope                         ZAP_SCOPE_LIVE, _BOTH, _PERSISTENT
 *   zap_plan.files                           definitions / rules to rewrite
 *   zap_model_persistent(live, &boot, err)   the configuration after a reboot
 *
 * The next boot's masks from the kernel command line (ap.apmask=, ap.aqmask=)
 *   zap_boot_masks_read(paths, &boot, err)   BLS entries, else zipl.conf,
 *                                            else the running boot's cmdline
 *   zap_boot_cmdline_parse(text, len, &ap, &aq)  as the kernel parses it
 *   zap_boot_masks_final(ap, aq, boot, r_ap, r_aq)  41-ap.rules wins where set
 * Declarative configuration (zap-config(5): lszap --export, chzap --apply)
 *   zap_config_parse(text, len, name, &cfg, err)   a document, strictly checked
 *   zap_config_read(path, &cfg, err)               the same from a file, "-" = stdin
 *   zap_config_from_model(model, uuid, &cfg, err)  a model's state as a document
 *   zap_config_save(model, uuid, auto, &cfg, err)  the same for chzap --save
 *   zap_config_format(cfg, &text, err)             the document's JSON text
 *   zap_config_free(cfg)
 *   zap_config_plan(m, cfg, &req, &plan, err)   the plan making m equal cfg
 *   zap_config_apply(cfg, &req, paths, &opt, &plan, err)  it, applied locked
 * Workflow: load, judge, plan, apply, audit
 *   zap_paths_from_env(&paths, err)          where sysfs, etc/ and run/ are
 *   zap_model_load(&m, &paths, what, err)    read what enum zap_load asks;
 *                                            zap_change_load_flags(kind) for
 *                                            a change (an mdev change reads
 *                                            no card and no queue)
 *   zap_model_new(&m, paths, err)            an empty model to fill in memory,
 *   zap_model_index(m)                       then its lookup tables
 *   zap_model_whatif(m, &change, &after, err)  the model the change makes
 *   zap_change_verdict(m, after, &change, &refused, &warned, err)
 *                                            the audit's problems the change
 *                                            adds: errors refused, warnings
 *                                            warned (the one rule engine)
 *   zap_plan_build(m, &change, &plan, err)   typed writes (enum
 *                                            zap_write_kind) + files; its
 *                                            refusals/warnings are the
 *                                            verdict's plus the change's own
 *                                            (maxima, pending requests, a
 *                                            running guest, default domain)
 *   zap_plan_apply(&plan, &paths, &opt, err) lock, re-load, re-build and
 *                                            re-judge, write (journaled),
 *                                            read back, roll back on failure
 *   zap_rules_check(m, &problems, err)       the audit (lszap --check)
 *   zap_model_diff(a, b, &events, err)       what changed (lszap --watch)
 *   zap_journal_read / zap_journal_recover   a dead chzap's change: undo or
 *                                            complete it, with the executor
 *   zap_lock_acquire / zap_lock_release      the s390-tools AP lock
 *   zap_plan_free, zap_problems_free, zap_events_free, zap_model_free
 */
#ifndef ZAPCONF_H
#define ZAPCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZAP_VERSION "0.1.0"

/* Number of ids an adapter or domain number can take (0..255). */
#define ZAP_IDS 256
/* Highest id the architecture allows. */
#define ZAP_MAX_ID 255
/* "0x" + 64 hex digits + NUL. */
#define ZAP_MASK_STRLEN 67
/* "05.0047" + NUL. */
#define ZAP_APQN_STRLEN 8
/* "62177883-f1bb-47f0-914d-32a22e3a8804" + NUL. */
#define ZAP_UUID_STRLEN 37
/* Longest error message, NUL included. */
#define ZAP_ERROR_MSGLEN 2048

/**
 * const char *zap_version(void) - the library's version string (ZAP_VERSION).
 */
const char *zap_version(void);

/* ------------------------------------------------------------------ errors */

/*
 * What kind of failure an error is; the values are the exit codes of lszap and
 * chzap (see their man pages, section EXIT CODES).
 */
enum zap_status {
	ZAP_STATUS_OK = 0,
	ZAP_STATUS_USAGE = 1,     /* bad option, number, list, UUID, mask */
	ZAP_STATUS_NOT_FOUND = 2, /* no AP bus, no vfio_ap, unknown mdev, id > max,
				   * unreadable or malformed sysfs file */
	ZAP_STATUS_REFUSED = 3,   /* refused change, or problems found */
	ZAP_STATUS_WRITE = 4,     /* a sysfs write failed (rolled back) */
	ZAP_STATUS_LOCK = 5,      /* lock not obtained in time */
	ZAP_STATUS_ROLLBACK = 6,  /* a write and its rollback failed */
};

/**
 * struct zap_error - what went wrong, for the caller to show.
 * @errnum: the positive errno value (EINVAL, ENOENT, ...), 0 if none.
 * @status: the kind of failure, also the tools' exit code.
 * @message: one line, no newline, naming the culprit (value, file or id).
 */
struct zap_error {
	int errnum;
	enum zap_status status;
	char message[ZAP_ERROR_MSGLEN];
};

/**
 * zap_error_clear - reset @err to "no error". @err may be NULL.
 */
void zap_error_clear(struct zap_error *err);

/* ----------------------------------------------------------------- bitmaps */

/**
 * struct zap_bitmap - a set of ids 0..255.
 * @word: id n is bit (63 - n % 64) of word[n / 64], so that word[0..3]
 *        printed as four %016lx give the kernel's mask text.
 */
struct zap_bitmap {
	uint64_t word[4];
};

void zap_bitmap_zero(struct zap_bitmap *dst);
void zap_bitmap_fill(struct zap_bitmap *dst);
void zap_bitmap_set(struct zap_bitmap *dst, unsigned int id);
void zap_bitmap_clear(struct zap_bitmap *dst, unsigned int id);
/* Set ids first..last (both included); nothing when first > last. */
void zap_bitmap_set_range(struct zap_bitmap *dst, unsigned int first,
			  unsigned int last);
bool zap_bitmap_test(const struct zap_bitmap *src, unsigned int id);
void zap_bitmap_and(struct zap_bitmap *dst, const struct zap_bitmap *a,
		    const struct zap_bitmap *b);
void zap_bitmap_or(struct zap_bitmap *dst, const struct zap_bitmap *a,
		   const struct zap_bitmap *b);
void zap_bitmap_andnot(struct zap_bitmap *dst, const struct zap_bitmap *a,
		       const struct zap_bitmap *b);
void zap_bitmap_xor(struct zap_bitmap *dst, const struct zap_bitmap *a,
		    const struct zap_bitmap *b);
void zap_bitmap_complement(struct zap_bitmap *dst,
			   const struct zap_bitmap *src);
bool zap_bitmap_equal(const struct zap_bitmap *a, const struct zap_bitmap *b);
bool zap_bitmap_empty(const struct zap_bitmap *src);
bool zap_bitmap_full(const struct zap_bitmap *src);
bool zap_bitmap_intersects(const struct zap_bitmap *a,
			   const struct zap_bitmap *b);
/* Is every id of @a also in @b? */
bool zap_bitmap_subset(const struct zap_bitmap *a, const struct zap_bitmap *b);
unsigned int zap_bitmap_weight(const struct zap_bitmap *src);
/* Lowest id in @src, ZAP_IDS when empty. */
unsigned int zap_bitmap_find_first(const struct zap_bitmap *src);
/* Lowest id >= @id in @src, ZAP_IDS when there is none. */
unsigned int zap_bitmap_find_next(const struct zap_bitmap *src,
				  unsigned int id);

/* Loop @id (unsigned int) over every id of @src, ascending. */
#define zap_for_each_set_bit(id, src)                                   \
	for ((id) = zap_bitmap_find_first(src); (id) < ZAP_IDS;         \
	     (id) = zap_bitmap_find_next((src), (id) + 1))

/**
 * struct zap_apqn_set - the APQNs adapters x domains, as the hardware and
 * an mdev see them. Never expanded into pairs.
 */
struct zap_apqn_set {
	struct zap_bitmap adapters;
	struct zap_bitmap domains;
};

bool zap_apqn_set_test(const struct zap_apqn_set *set, unsigned int adapter,
		       unsigned int domain);
/* dst = x & y; the intersection of two cross products is one. */
void zap_apqn_set_and(struct zap_apqn_set *dst, const struct zap_apqn_set *x,
		      const struct zap_apqn_set *y);
bool zap_apqn_set_empty(const struct zap_apqn_set *set);
bool zap_apqn_set_intersects(const struct zap_apqn_set *x,
			     const struct zap_apqn_set *y);
unsigned int zap_apqn_set_weight(const struct zap_apqn_set *set);

/* ------------------------------------------------------------------- masks */

/**
 * zap_mask_parse - what the kernel makes of a write of @buf to apmask/aqmask.
 * @dst: the resulting mask.
 * @current: the mask before the write (a relative list edits a copy of it);
 *           NULL starts from an empty mask, as the ap.apmask= boot parameter.
 * @buf, @len: the bytes of one write() call.
 * @err: filled on failure.
 *
 * Absolute form (P1): optional "0x" or "x" (not "0X"), up to 64 hex digits
 * of either case, right-padded with zeros, then at most one "\n".
 * Relative form (P2), chosen by a leading '+' or '-': terms "+N", "-N",
 * "+N-M" (range), numbers in C base 0 (so "+010" is 8 and "+08" an error),
 * runs of ',' and '\n' between terms optional ("+1+2" is two terms).
 *
 * Returns: 0; -EINVAL if the kernel would refuse the write (@dst untouched).
 */
int zap_mask_parse(struct zap_bitmap *dst, const struct zap_bitmap *current,
		   const char *buf, size_t len, struct zap_error *err);

/**
 * zap_mask_parse_absolute - parse @buf as the kernel's P1 absolute mask.
 * Returns: 0; -EINVAL (@dst untouched).
 */
int zap_mask_parse_absolute(struct zap_bitmap *dst, const char *buf,
			    size_t len, struct zap_error *err);

/**
 * zap_mask_print - write @src as the kernel prints masks, "0x" + 64
 * lower-case hex digits, without newline, into @buf (ZAP_MASK_STRLEN bytes).
 */
void zap_mask_print(const struct zap_bitmap *src, char *buf);

/**
 * zap_kernel_parse_ulong - parse as the kernel's kstrtoul(buf, 0) (P3): an
 * optional '+', "0x"/"0X" = hex, a leading 0 = octal, else decimal, one
 * trailing "\n" allowed, nothing else.
 * Returns: 0; -EINVAL (bad syntax); -ERANGE (above ULONG_MAX).
 */
int zap_kernel_parse_ulong(const char *buf, size_t len, unsigned long *value,
			   struct zap_error *err);

/* --------------------------------------------- ids, APQNs and UUIDs (users) */

/**
 * zap_id_parse - parse one id an admin typed.
 * @text: decimal ("71") or hex with "0x" ("0x47"). A number with a leading
 *        zero ("047", "05") is refused as ambiguous: the kernel reads it as
 *        octal, lszcrypt users read it as hex.
 * @max: the highest id allowed (e.g. ap_max_domain_id).
 * @what: "adapter", "domain", ... for the message.
 * Returns: 0; -EINVAL (syntax, status USAGE); -ERANGE (above @max, status
 * NOT_FOUND, message names the maximum).
 */
int zap_id_parse(const char *text, unsigned int max, const char *what,
		 unsigned int *id, struct zap_error *err);

/**
 * zap_ids_parse - parse a list of ids into @dst (zeroed first).
 * Grammar, by example:
 *   5           ==> {5}
 *   0x47        ==> {71}
 *   1-3,0x10    ==> {1, 2, 3, 16}
 *   0x4-6       ==> {4, 5, 6}
 * Each element as zap_id_parse(); empty elements and reversed ranges are
 * refused. Returns: 0; -EINVAL; -ERANGE.
 */
int zap_ids_parse(struct zap_bitmap *dst, const char *text, unsigned int max,
		  const char *what, struct zap_error *err);

/**
 * zap_ids_print - print @src as "0x0-0x3,0x5,0x47" ("0x" hex, the one
 * notation of every id zap prints, which zap_ids_parse() reads back; ranges
 * of three or more ids joined with '-'; "" when empty) into @buf of @size
 * bytes.
 * Returns: the length the full text needs (as snprintf).
 */
int zap_ids_print(const struct zap_bitmap *src, char *buf, size_t size);

/**
 * zap_apqn_parse - parse "AA.DDDD" (hex, as the kernel names queue devices:
 * two adapter digits, four domain digits, either case).
 * Returns: 0; -EINVAL; -ERANGE (domain above 255).
 */
int zap_apqn_parse(const char *text, unsigned int *adapter,
		   unsigned int *domain, struct zap_error *err);

/* zap_apqn_print - "%02x.%04x" into @buf (ZAP_APQN_STRLEN bytes). */
void zap_apqn_print(unsigned int adapter, unsigned int domain, char *buf);

/**
 * zap_uuid_parse - check that @text is a canonical 8-4-4-4-12 UUID (libuuid)
 * and write its lower-case form to @buf (ZAP_UUID_STRLEN bytes).
 * Returns: 0; -EINVAL.
 */
int zap_uuid_parse(const char *text, char *buf, struct zap_error *err);

/* Generate a random UUID, lower case, into @buf (ZAP_UUID_STRLEN bytes). */
void zap_uuid_generate(char *buf);

/* ------------------------------------------------------------------- paths */

/**
 * struct zap_paths - where the AP configuration lives.
 * @sysfs: $SYSFS_ROOT if set, else $ZAP_ROOT/sys if ZAP_ROOT is set, else /sys.
 * @root: $ZAP_ROOT, or "" for the real root; the next four live under it.
 * @lock: run/lock/s390apconfig.lock (the s390-tools AP configuration lock).
 * @mdevctl: etc/mdevctl.d/matrix (mdevctl definitions of parent "matrix").
 * @rules: etc/udev/rules.d/41-ap.rules (chzdev's persistent masks).
 * @journal: run/zap/journal (chzap's record of a change in progress).
 * The variables are read with secure_getenv(); a relative one is made
 * absolute against the working directory when read.
 */
struct zap_paths {
	char sysfs[512];
	char root[512];
	char lock[600];
	char mdevctl[600];
	char rules[600];
	char journal[600];
};

/*
 * Fill @paths from the environment. Returns: 0; -ENAMETOOLONG; getcwd()'s
 * -errno for a relative root (all status USAGE).
 */
int zap_paths_from_env(struct zap_paths *paths, struct zap_error *err);

/* ------------------------------------------------------------------- model */

/* What zap_model_load() reads; the bus is always read. */
enum zap_load {
	ZAP_LOAD_CARDS = 1 << 0,        /* card attributes (type, mode, state) */
	ZAP_LOAD_QUEUES = 1 << 1,       /* which queues exist, their drivers */
	ZAP_LOAD_QUEUE_STATE = 1 << 2,  /* queue online, config, chkstop */
	ZAP_LOAD_QUEUE_STATUS = 1 << 3, /* vfio_ap "status" of vfio queues */
	ZAP_LOAD_COUNTERS = 1 << 4,     /* the cards' request and pending counters */
	ZAP_LOAD_MDEVS = 1 << 5,        /* vfio_ap mdevs and their matrices */
	ZAP_LOAD_DEFINITIONS = 1 << 6,  /* mdevctl definitions */
	ZAP_LOAD_RULES = 1 << 7,        /* 41-ap.rules persistent masks */
	ZAP_LOAD_JOURNAL = 1 << 8,      /* chzap's journal of an unfinished change */
	ZAP_LOAD_QUEUE_COUNTERS = 1 << 9, /* the queues' request and pending counters */
	ZAP_LOAD_VMS = 1 << 10,         /* libvirt domains using the mdevs (vm) */
	ZAP_LOAD_ALL = 0x7ff,
};

/* A yes/no that may be unknown (attribute absent on this kernel). */
#define ZAP_UNKNOWN (-1)

enum zap_driver {
	ZAP_DRIVER_NONE,        /* no driver bound */
	ZAP_DRIVER_CEX4QUEUE,   /* the host's zcrypt */
	ZAP_DRIVER_VFIO_AP,     /* vfio_ap */
	ZAP_DRIVER_UNKNOWN,     /* not loaded (ZAP_LOAD_QUEUES not asked) */
};

enum zap_vfio_status {
	ZAP_VFIO_STATUS_UNKNOWN,    /* not bound to vfio_ap, or not read */
	ZAP_VFIO_STATUS_IN_USE,     /* "in use": a guest has it */
	ZAP_VFIO_STATUS_ASSIGNED,   /* "assigned": an mdev has it */
	ZAP_VFIO_STATUS_UNASSIGNED, /* "unassigned" */
};

/* Card mode from ap_functions, as lszcrypt derives it. */
enum zap_mode {
	ZAP_MODE_UNKNOWN,
	ZAP_MODE_CCA,   /* "CCA-Coproc" */
	ZAP_MODE_ACCEL, /* "Accelerator" */
	ZAP_MODE_EP11,  /* "EP11-Coproc" */
};

/* "CCA-Coproc", "Accelerator", "EP11-Coproc" or "Unknown". */
const char *zap_mode_name(enum zap_mode mode);
/* "cex4queue", "vfio_ap", or NULL for none/unknown. */
const char *zap_driver_name(enum zap_driver driver);
/* "in use", "assigned", "unassigned", or NULL. */
const char *zap_vfio_status_name(enum zap_vfio_status status);

/**
 * struct zap_bus - /sys/bus/ap and the vfio_ap parent device.
 * @has_qci: the QCI masks are readable (else they read "not supported").
 * @ap_domain: the default domain, -1 if none.
 * @features: /sys/bus/ap/features without "\n"; @has_features false when the
 *            kernel has no such file (before 6.4).
 * @vfio_ap: the vfio_ap parent device (devices/vfio_ap/matrix) exists.
 * @available_instances: of vfio_ap-passthrough, -1 when unknown.
 * @has_ap_config_feature: the matrix device's features (6.13+) list
 *            "ap_config": a new mdev gets the ap_config attribute.
 * @driver_override_supported: queue devices have driver_override (Linux
 *            6.19+); known only when queues were loaded and one exists.
 */
struct zap_bus {
	struct zap_bitmap apmask, aqmask;
	bool has_qci;
	struct zap_bitmap adapter_mask, usage_domain_mask, control_domain_mask;
	unsigned int max_adapter_id, max_domain_id;
	int ap_domain;
	bool has_features;
	char features[128];
	bool vfio_ap;
	long available_instances;
	bool has_ap_config_feature;
	bool driver_override_supported;
};

/**
 * struct zap_card - one adapter (cardXX). Integers are -1, tristates
 * ZAP_UNKNOWN, and @type "" when the attribute is absent or not loaded.
 */
struct zap_card {
	unsigned int id;
	char type[16];
	int hwtype, raw_hwtype;
	bool has_functions;
	uint32_t functions;
	enum zap_mode mode;
	int online, config, chkstop;
	int depth;
	long long request_count;
	int requestq_count, pendingq_count;
};

/**
 * struct zap_queue - one queue device (AA.DDDD). Unknowns as in zap_card;
 * @request_count is also -1 when the kernel prints "-" (uninitialised).
 * @driver_override: the queue's driver_override without "\n", "" when none
 *            is set or the kernel has no such attribute (read with
 *            ZAP_LOAD_QUEUES).
 */
struct zap_queue {
	unsigned int adapter, domain;
	enum zap_driver driver;
	int online, config, chkstop;
	enum zap_vfio_status status;
	long long request_count;
	int requestq_count, pendingq_count;
	char driver_override[64];
};

/**
 * struct zap_mdev - a vfio_ap mediated device, active (in sysfs), defined
 * (an mdevctl definition), or both.
 * @matrix, @control_domains: the active assignment when @active, else the
 *            definition's.
 * @has_ap_config: the active mdev has an ap_config attribute (one atomic
 *            write assigns everything).
 * @has_guest_matrix, @guest: what a guest gets (guest_matrix, 6.0+).
 * @in_use: a running guest has it (a queue of it reads "in use"); ZAP_UNKNOWN
 *            when no status could be read.
 * @definition: index into zap_model.definitions, -1 when not defined.
 * @vm: the name of the libvirt domain that uses it (ZAP_LOAD_VMS: running
 *            domains first, then defined ones), "" when none.
 */
struct zap_mdev {
	char uuid[ZAP_UUID_STRLEN];
	bool active;
	struct zap_apqn_set matrix;
	struct zap_bitmap control_domains;
	bool has_ap_config;
	bool has_guest_matrix;
	struct zap_apqn_set guest;
	int in_use;
	int definition;
	char vm[256];
};

/**
 * struct zap_definition - one mdevctl definition (etc/mdevctl.d/matrix/UUID).
 * @valid: false when the file could not be used; @problem says why.
 * @autostart: "start": "auto" (else "manual").
 * @matrix, @control_domains: what starting it would assign, as ap-check
 *            reads the attrs (assign_* values, comma lists, ap_config).
 */
struct zap_definition {
	char uuid[ZAP_UUID_STRLEN];
	char path[700];
	bool valid;
	char problem[256];
	bool autostart;
	struct zap_apqn_set matrix;
	struct zap_bitmap control_domains;
};

/**
 * struct zap_journal_info - chzap's record of a change in progress
 * (paths->journal), written before its first sysfs write.
 * @present: a journal exists; @pid: the process that wrote it;
 * @alive: that process still runs (else the change is unfinished);
 * @nr_writes, @nr_done: the plan's writes and how many were made;
 * @change: what it was ("assign 1111...", "to-vfio").
 */
struct zap_journal_info {
	bool present;
	int pid;
	bool alive;
	size_t nr_writes, nr_done;
	char change[64];
	char problem[256];
};

/**
 * struct zap_model - the AP configuration of a host, as loaded.
 * @loaded: the enum zap_load bits that were read.
 * @cards, @queues: sorted by id, then domain.
 * @mdevs: active and defined-only mdevs, sorted by UUID.
 * @has_rules: 41-ap.rules exists; @rules_has_apmask/@rules_has_aqmask: it
 *            sets that mask (else the active value applies at boot).
 * @unreadable: lines naming what could not be read (a vanished or
 *            malformed file); the listing is incomplete when non-zero.
 * @nr_stale_temps: temp files of dead runs beside the definitions and
 *            41-ap.rules (ZAP_LOAD_JOURNAL); @stale_temp: the first.
 */
struct zap_model {
	struct zap_paths paths;
	unsigned int loaded;
	struct zap_bus bus;
	size_t nr_cards;
	struct zap_card *cards;
	size_t nr_queues;
	struct zap_queue *queues;
	size_t nr_mdevs;
	struct zap_mdev *mdevs;
	size_t nr_definitions;
	struct zap_definition *definitions;
	bool has_rules;
	bool rules_has_apmask, rules_has_aqmask;
	struct zap_bitmap rules_apmask, rules_aqmask;
	char rules_problem[256];
	size_t nr_unreadable;
	char **unreadable;
	void *priv; /* lookup tables, owned by the library */
	struct zap_journal_info journal;
	size_t nr_stale_temps;
	char stale_temp[600];
	/* per adapter, the domains whose etc/driverctl.d/ap-AA.DDDD holds
	 * vfio_ap: overrides applied at boot (ZAP_LOAD_RULES) */
	struct zap_bitmap driverctl[ZAP_IDS];
};

/**
 * zap_model_load - read the AP configuration under @paths.
 * @what: enum zap_load bits; anything not asked for is not read.
 * Returns: 0; -ENOENT (no AP bus: status NOT_FOUND); -EINVAL (a required
 * bus file is malformed: status NOT_FOUND, message names the file);
 * -ENOMEM. Per-device read failures do not fail the load: they are listed
 * in @unreadable.
 */
int zap_model_load(struct zap_model **model, const struct zap_paths *paths,
		   unsigned int what, struct zap_error *err);
void zap_model_free(struct zap_model *model);

/**
 * zap_model_new - an empty model (no card, queue, mdev or definition; all
 * masks empty, maxima 255) for a caller that builds one in memory: fill
 * the arrays (malloc()ed, zap_model_free() frees them; cards and queues by
 * id, mdevs by UUID), then call zap_model_index().
 * @paths: copied into the model, may be NULL.
 * Returns: 0; -ENOMEM.
 */
int zap_model_new(struct zap_model **model, const struct zap_paths *paths,
		  struct zap_error *err);
/* Rebuild @model's lookup tables (cards, queues, ownership) from its arrays. */
void zap_model_index(struct zap_model *model);

/* The card with id @adapter, NULL if absent. */
const struct zap_card *zap_model_card(const struct zap_model *model,
				      unsigned int adapter);
/* The queue device (adapter, domain), NULL if absent. */
const struct zap_queue *zap_model_queue(const struct zap_model *model,
					unsigned int adapter,
					unsigned int domain);
/* Index of the mdev with @uuid (any case) in model->mdevs, -1 if none. */
int zap_model_find_mdev(const struct zap_model *model, const char *uuid);

/**
 * zap_model_persistent - the configuration as it will be after a reboot
 * (lszap --persistent), as a model of its own.
 * @live: a loaded model (ZAP_LOAD_DEFINITIONS and ZAP_LOAD_RULES at least).
 * @boot: receives the new model; free it with zap_model_free().
 * @err: filled on failure.
 *
 * In *@boot: bus.apmask/aqmask are the masks of 41-ap.rules where it sets
 * them, else those of the next boot's kernel command line (read with
 * ZAP_LOAD_RULES, see zap_boot_masks_read()), else all ones; never the
 * active masks (interop.md 4). bus.vfio_ap is
 * true when vfio_ap is loaded or 41-ap.rules loads it; the mdevs are the
 * valid autostart definitions only (active, their matrices from the
 * definitions, in_use 0, has_ap_config/has_guest_matrix as the active
 * mdevs of @live, the guest matrix filtered as the kernel does); the cards
 * and queues are those of @live with the drivers the persistent masks give
 * them (host-owned: cex4queue; else vfio_ap, none below hwtype 10) and the
 * vfio_ap statuses "assigned"/"unassigned"; the ownership tables are
 * rebuilt. The definitions, rules fields and unreadable lines are copied;
 * the journal is empty (run/ does not survive a reboot).
 * Returns: 0; -ENOMEM (status NOT_FOUND).
 */
int zap_model_persistent(const struct zap_model *live, struct zap_model **boot,
			 struct zap_error *err);

/* --------------------------------------------------------------- ownership */

/**
 * struct zap_owner - who holds one APQN.
 * @host: apmask x aqmask gives it to the host's zcrypt drivers.
 * @mdev: index into model->mdevs of the active mdev that has it assigned,
 *        -1 if none; @nr_mdevs > 1 means shared (a conflict), @mdev is then
 *        the first of them.
 * @autostart, @manual: number of valid auto / manual definitions naming it.
 */
struct zap_owner {
	bool host;
	int mdev;
	unsigned int nr_mdevs;
	unsigned int autostart, manual;
};

/**
 * enum zap_ownership - how a host hands queues to vfio_ap.
 * @ZAP_OWNERSHIP_MASKS: no queue has a driver_override: apmask x aqmask.
 * @ZAP_OWNERSHIP_OVERRIDES: both masks all ones, overrides move queues.
 * @ZAP_OWNERSHIP_MIXED: an override exists while a mask is not all ones.
 */
enum zap_ownership {
	ZAP_OWNERSHIP_MASKS,
	ZAP_OWNERSHIP_OVERRIDES,
	ZAP_OWNERSHIP_MIXED,
};

/* The ownership model of @model (its queues' overrides and the masks). */
enum zap_ownership zap_model_ownership(const struct zap_model *model);
/* "masks", "overrides" or "mixed". */
const char *zap_ownership_name(enum zap_ownership ownership);

/*
 * Is (adapter, domain) the host's for vfio_ap's checks? The kernel's rule
 * (driver-override.md DO-22): a bound queue with a driver_override is the
 * host's iff its driver is cex4queue; any other APQN iff apmask x aqmask.
 */
bool zap_model_host_owned(const struct zap_model *model, unsigned int adapter,
			  unsigned int domain);
/* Fill @owner for (adapter, domain). */
void zap_model_owner(const struct zap_model *model, unsigned int adapter,
		     unsigned int domain, struct zap_owner *owner);

/* ------------------------------------------------------------------- rules */

enum zap_problem_kind {
	ZAP_PROBLEM_SHARED_APQN,           /* two mdevs, or an mdev and an auto definition */
	ZAP_PROBLEM_HOST_APQN,             /* an mdev or auto definition holds a host APQN */
	ZAP_PROBLEM_UNSUPPORTED_TYPE,      /* vfio pool queue of hwtype < 10 */
	ZAP_PROBLEM_UNBOUND,               /* a queue with no driver */
	ZAP_PROBLEM_CONTROL_WITHOUT_USAGE, /* control domains but no usage domain */
	ZAP_PROBLEM_NOT_IN_CONFIG,         /* assigned, no queue device (informational) */
	ZAP_PROBLEM_ID_ABOVE_MAX,          /* id above ap_max_adapter_id/domain_id */
	ZAP_PROBLEM_MANUAL_OVERLAP,        /* a manual definition shares an APQN */
	ZAP_PROBLEM_BOOT_CONFLICT,         /* auto definition vs persistent host masks */
	ZAP_PROBLEM_DRIFT,                 /* active differs from persistent */
	ZAP_PROBLEM_BAD_DEFINITION,        /* unusable definition or rules file */
	ZAP_PROBLEM_UNFINISHED_CHANGE,     /* a journal of a dead chzap */
	ZAP_PROBLEM_UNREADABLE,            /* part of the configuration unreadable */
	ZAP_PROBLEM_PENDING_REQUESTS,      /* queues to move still have requests */
	ZAP_PROBLEM_GUEST_RUNNING,         /* a running guest uses the mdev */
	ZAP_PROBLEM_DEFAULT_DOMAIN,        /* the host's default domain moves */
	ZAP_PROBLEM_MIXED_OWNERSHIP,       /* driver_override next to restricted masks */
	ZAP_PROBLEM_OVERRIDE_ACTIVE,       /* a mask write while an override exists */
	ZAP_PROBLEM_OVERRIDE_PENDING,      /* bound to another driver than its override */
	ZAP_PROBLEM_BOOT_PARAMETERS,       /* boot entries disagree on ap.apmask/aqmask */
	ZAP_PROBLEM_NOT_PERSISTENT,        /* lost at reboot (warning) */
	ZAP_PROBLEM_NR_KINDS
};

/* "shared-apqn", "host-apqn", ... (the names lszap --check prints). */
const char *zap_problem_kind_name(enum zap_problem_kind kind);
/* false for informational kinds (not-in-config). */
bool zap_problem_kind_is_error(enum zap_problem_kind kind);

/* What an mdev named by a problem is, as a holder of APQNs. */
enum zap_holder {
	ZAP_HOLDER_NONE,      /* not named, or not about its APQNs */
	ZAP_HOLDER_MDEV,      /* the active mdev (its sysfs matrix) */
	ZAP_HOLDER_AUTOSTART, /* its valid autostart mdevctl definition */
	ZAP_HOLDER_MANUAL,    /* its valid manual mdevctl definition */
};

/**
 * struct zap_problem - one violation, with every culprit.
 * @apqns: (adapter << 8) | domain, ascending.
 * @mdevs: UUIDs of the mdevs or definitions involved (0 to 2).
 * @holders: for each of @mdevs, which side of it the problem is about
 *           (the active mdev, or its definition), ZAP_HOLDER_NONE when the
 *           problem is not about what it holds (drift of a file, ...).
 * @path: the file involved, "" if none.
 */
struct zap_problem {
	enum zap_problem_kind kind;
	char message[1024];
	size_t nr_apqns;
	uint16_t *apqns;
	unsigned int nr_mdevs;
	char mdevs[2][ZAP_UUID_STRLEN];
	enum zap_holder holders[2];
	char path[700];
};

struct zap_problems {
	size_t count;
	struct zap_problem *items;
};

void zap_problems_free(struct zap_problems *problems);
/* Number of problems for which zap_problem_kind_is_error(). */
size_t zap_problems_errors(const struct zap_problems *problems);

/**
 * zap_rules_check - audit a whole loaded configuration: shared APQNs, host
 * APQNs in mdevs or auto definitions, unsupported types, unbound queues,
 * control domains without usage domains, ids above the maxima, manual
 * overlaps, boot conflicts, drift, bad definitions, unreadable parts.
 * @problems: filled (caller frees with zap_problems_free()).
 * Returns: 0; -ENOMEM.
 */
int zap_rules_check(const struct zap_model *model,
		    struct zap_problems *problems, struct zap_error *err);

/* ------------------------------------------------------------------- plans */

enum zap_change_kind {
	ZAP_CHANGE_ASSIGN,   /* add adapters/domains/control domains to an mdev */
	ZAP_CHANGE_UNASSIGN, /* remove them */
	ZAP_CHANGE_CREATE,   /* create an mdev, then assign */
	ZAP_CHANGE_REMOVE,   /* remove an mdev */
	ZAP_CHANGE_TO_VFIO,  /* clear apmask/aqmask bits: queues to vfio_ap */
	ZAP_CHANGE_TO_HOST,  /* set apmask/aqmask bits: queues to the host */
	ZAP_CHANGE_AUTOSTART, /* set a definition's "start" (persistent only) */
	ZAP_CHANGE_OWNERSHIP, /* convert between masks and overrides (live) */
};

/* Where a change applies: sysfs, the persistent configuration, or both. */
enum zap_scope {
	ZAP_SCOPE_LIVE,       /* sysfs only (the default) */
	ZAP_SCOPE_BOTH,       /* sysfs and mdevctl definitions / 41-ap.rules */
	ZAP_SCOPE_PERSISTENT, /* only the persistent configuration */
};

/**
 * struct zap_change - what an admin asked for.
 * @uuid: the mdev; for CREATE "" lets zap_plan_build() generate one.
 * @adapters, @domains, @control_domains: the ids named (may be empty).
 * @force: remove an mdev a guest uses; move queues with pending requests.
 * @scope: live (sysfs), both, or persistent only (-p / -P). The persistent
 *   side of each kind: ASSIGN/UNASSIGN edit the mdev's definition
 *   (paths->mdevctl/UUID; created with "start": "auto" from the active
 *   assignment when missing); CREATE defines ("start": "auto"; refused with
 *   -EEXIST when defined already); REMOVE deletes the definition; TO_VFIO/
 *   TO_HOST write 41-ap.rules with both masks (the file's, else the active
 *   ones, edited), deleted when both masks and the active ones are all
 *   ones. ZAP_SCOPE_PERSISTENT writes no sysfs file: vfio_ap need not be
 *   loaded and the mdev may exist only as a definition.
 * @autostart: for ZAP_CHANGE_AUTOSTART: true = "start": "auto". AUTOSTART
 *   only ever rewrites the definition, whatever @scope says.
 * @ownership: for ZAP_CHANGE_OWNERSHIP, the model to convert the host to
 *   (masks or overrides), keeping the vfio_ap pool queue by queue.
 * @by_queue: TO_VFIO / TO_HOST of the queues named in @queues (per adapter,
 *   its domains) with driver_override (Linux 6.19+), not with the masks;
 *   refused on a host whose masks are not all ones.
 */
struct zap_change {
	enum zap_change_kind kind;
	char uuid[ZAP_UUID_STRLEN];
	struct zap_bitmap adapters, domains, control_domains;
	bool force;
	enum zap_scope scope;
	bool autostart;
	bool by_queue;
	struct zap_bitmap queues[ZAP_IDS];
	int ownership;
	bool from_definition; /* CREATE: chzap --start, the ids of the definition */
};


enum zap_write_result {
	ZAP_WRITE_PENDING,   /* not attempted */
	ZAP_WRITE_OK,        /* written (and read back where possible) */
	ZAP_WRITE_FAILED,    /* the kernel refused it: @errnum */
	ZAP_WRITE_UNDONE,    /* written, then undone after a later failure */
	ZAP_WRITE_UNDO_FAILED, /* written, and the undo failed */
};

/*
 * What a sysfs write is; the executor, the read-back, the rollback and the
 * journal's recovery go by it, never by the path.
 */
enum zap_write_kind {
	ZAP_WRITE_MASK,      /* bus/ap/apmask or aqmask: absolute mask, read back */
	ZAP_WRITE_AP_CONFIG, /* an mdev's ap_config: three masks, read back */
	ZAP_WRITE_ASSIGN,    /* assign_adapter/_domain/_control_domain */
	ZAP_WRITE_UNASSIGN,  /* unassign_adapter/_domain/_control_domain */
	ZAP_WRITE_CREATE,    /* vfio_ap-passthrough/create: a new mdev */
	ZAP_WRITE_REMOVE,    /* an mdev's remove */
	ZAP_WRITE_OVERRIDE,  /* a queue's driver_override ("" clears it) */
	ZAP_WRITE_OVERRIDE_RESTORE, /* the same, then a probe if unbound */
	ZAP_WRITE_UNBIND,    /* drivers/DRIVER/unbind: not bound there is done */
	ZAP_WRITE_PROBE,     /* bus/ap/drivers_probe; the driver link checked */
};

/* The kind of the write that undoes a write of @kind (CREATE: REMOVE). */
enum zap_write_kind zap_write_undo_kind(enum zap_write_kind kind);

/**
 * struct zap_write - one sysfs write of a plan.
 * @kind: what the write is (its undo is of zap_write_undo_kind()).
 * @path: absolute path; @value: the bytes, without the trailing "\n" that
 *        zap_plan_apply() adds.
 * @undo_path, @undo_value: the write that restores the previous state
 *        ("" when none is needed or possible).
 */
struct zap_write {
	enum zap_write_kind kind;
	char path[700];
	char value[256];
	char undo_path[700];
	char undo_value[256];
	enum zap_write_result result;
	int errnum;
	int undo_errnum;
};

/**
 * struct zap_file_change - one persistent file a plan rewrites atomically
 * (temp file + fsync + rename, mode 0644): an mdevctl definition or
 * 41-ap.rules.
 * @content: the new text; NULL deletes the file.
 * @old_content: the text before (NULL: the file did not exist), for undo.
 * @errnum: why the write failed, or (ZAP_WRITE_UNDO_FAILED) its restore.
 */
struct zap_file_change {
	char path[700];
	char *content;
	char *old_content;
	enum zap_write_result result;
	int errnum;
};

/**
 * struct zap_plan - a change turned into ordered writes, validated as a whole.
 * @refusals: why the change is refused (empty: accepted).
 * @warnings: accepted, but worth saying (guest running, control domains
 *            without usage domain, default domain taken, ...).
 * @nothing_to_do: the request is already in effect (no writes).
 * @to_vfio, @to_host: APQNs (adapter << 8 | domain) that change owner.
 * @assigned, @unassigned: APQNs the mdev gains or loses.
 * @persistent: the result is also the configuration after a reboot: the
 *            change adds no not-persistent or drift problem to the audit.
 */
struct zap_plan {
	struct zap_change change;
	size_t nr_writes;
	struct zap_write *writes;
	struct zap_problems refusals;
	struct zap_problems warnings;
	bool nothing_to_do;
	size_t nr_to_vfio, nr_to_host, nr_assigned, nr_unassigned;
	uint16_t *to_vfio, *to_host, *assigned, *unassigned;
	size_t nr_files;
	struct zap_file_change *files;
	bool persistent;
};

/**
 * zap_plan_build - turn @change into a plan for @model and check the result
 * against every rule (active mdevs, auto definitions, host masks, maxima).
 * The model must have been loaded with at least ZAP_LOAD_MDEVS and
 * ZAP_LOAD_DEFINITIONS (plus ZAP_LOAD_QUEUES | ZAP_LOAD_QUEUE_COUNTERS for
 * TO_VFIO's pending-request check, ZAP_LOAD_RULES for persistent changes).
 * A persistent change (see zap_change.scope) reads the files it rewrites
 * into @files and is checked first: the definition written, if auto, shares
 * no APQN with another valid auto definition (SHARED_APQN) nor with the
 * host set at boot (zap_model_persistent()'s masks: BOOT_CONFLICT); a
 * persistent TO_HOST gives the host no APQN of an auto definition
 * (BOOT_CONFLICT); a malformed definition or 41-ap.rules that must be
 * rewritten is refused (BAD_DEFINITION) and left alone. A BOTH change is
 * checked on both sides; a culprit both sides name is listed once.
 * Returns: 0 with *plan set, refused or not (see @refusals); -ENODEV (no
 * such mdev, not defined for REMOVE -P / AUTOSTART, vfio_ap not loaded for
 * a live change: status NOT_FOUND); -ERANGE (id above the maximum:
 * NOT_FOUND); -EEXIST (CREATE of an existing UUID, or of a defined one for
 * a persistent change: REFUSED); -EINVAL (nothing named: USAGE); -EIO
 * (configuration incomplete: NOT_FOUND); -ENOMEM.
 */
int zap_plan_build(const struct zap_model *model,
		   const struct zap_change *change, struct zap_plan **plan,
		   struct zap_error *err);
void zap_plan_free(struct zap_plan *plan);

/**
 * zap_model_whatif - the configuration @change would make: a copy of @model
 * with the change applied, as zap_plan_build() would write it. The live
 * side (unless ZAP_SCOPE_PERSISTENT) edits apmask/aqmask or the mdev (its
 * matrix and control domains; CREATE adds it, REMOVE leaves only its
 * definition); the persistent side (unless ZAP_SCOPE_LIVE) edits the
 * definition (made from the active assignment, "start": "auto", when
 * missing; REMOVE drops it; AUTOSTART sets "start") or the masks of
 * 41-ap.rules (the file's, else the active ones, edited; gone when all
 * masks are all ones). An invalid definition is left as it is.
 * @change: as for zap_plan_build(), with the UUID of an mdev change set.
 * @after: receives the new model; free it with zap_model_free().
 * Returns: 0; -EINVAL (no UUID for an mdev change: USAGE); -ENOMEM.
 */
int zap_model_whatif(const struct zap_model *model,
		     const struct zap_change *change, struct zap_model **after,
		     struct zap_error *err);

/**
 * zap_change_verdict - judge a change by the problems it adds: audit
 * @before and @after (zap_model_whatif()) with zap_rules_check(); every
 * problem of @after that @before does not have (or with APQNs it did not
 * name) is judged by the verdict table, which follows the audit's
 * severities:
 *   shared-apqn, host-apqn, boot-conflict,
 *   control-without-usage, id-above-max      refused
 *   manual-overlap; drift that names APQNs    warned
 *   everything else                           not the change's business
 * Each refusal or warning names, in the change's words ("mdev A would
 * share APQNs with mdev B"), the mdev the change is about (@change->uuid)
 * first, then every other culprit mdev, and the new APQNs only. A culprit
 * named both as host-apqn and boot-conflict is listed once.
 * @refusals, @warnings: problems are appended (not cleared first).
 * Returns: 0; -ENOMEM.
 */
int zap_change_verdict(const struct zap_model *before,
		       const struct zap_model *after,
		       const struct zap_change *change,
		       struct zap_problems *refusals,
		       struct zap_problems *warnings, struct zap_error *err);

/* The enum zap_load bits zap_plan_build() needs for a change of @kind. */
unsigned int zap_change_load_flags(enum zap_change_kind kind);

/**
 * struct zap_apply_options - how zap_plan_apply() works.
 * @lock_timeout_ms: how long to wait for the AP configuration lock.
 * @on_write: called after each write attempt (for -V), may be NULL.
 * @choose: may be NULL; called under the lock with the configuration just
 *          re-loaded (with @choose_load's bits too), before the plan is
 *          rebuilt: it may choose the change's ids afresh (chzap --auto,
 *          so that parallel runs never pick the same ids). A nonzero
 *          return stops the apply with @err as it filled it.
 */
struct zap_apply_options {
	unsigned int lock_timeout_ms;
	void (*on_write)(const struct zap_write *write, void *data);
	void *data;
	int (*choose)(struct zap_change *change, const struct zap_model *model,
		      void *choose_data, struct zap_error *err);
	void *choose_data;
	unsigned int choose_load;
};

/**
 * zap_plan_apply - take the lock, re-load the configuration, rebuild and
 * re-validate the plan (*plan is replaced by the rebuilt one), write in
 * order, read back, and on a failed write undo what was written, in reverse.
 * The sysfs writes come first (journaled), then the files, each replaced
 * atomically; when a file cannot be written, the files already written are
 * restored and the sysfs writes undone.
 * Returns: 0 (done, or nothing to do); -EPERM (refused on re-validation:
 * REFUSED); -ETIMEDOUT (lock: LOCK); a write's -errno (rolled back: WRITE;
 * rollback failed too: ROLLBACK; the message lists what is left); the
 * errors of zap_model_load() and zap_plan_build().
 */
int zap_plan_apply(struct zap_plan **plan, const struct zap_paths *paths,
		   const struct zap_apply_options *options,
		   struct zap_error *err);

/* What a kernel errno means for a vfio_ap/AP write, in words. */
const char *zap_write_errno_text(int errnum);

/* ------------------------------------------------------ free queues, allocation */

/**
 * struct zap_free_filter - which free APQNs a search may use.
 * @adapters, @domains: only these ids (an empty set means all).
 * @type: only cards whose type is this ("CEX8C"), "" for any.
 * @mode: only cards of this mode, ZAP_MODE_UNKNOWN for any.
 */
struct zap_free_filter {
	struct zap_bitmap adapters, domains;
	char type[16];
	enum zap_mode mode;
};

/**
 * zap_free_apqns - the APQNs an mdev could take now: in the vfio pool (not
 * apmask x aqmask), in no active mdev and no valid autostart definition,
 * queue present, configured, not checkstopped, card hwtype >= 10, and
 * passing @filter. The model needs ZAP_LOAD_CARDS, ZAP_LOAD_QUEUE_STATE,
 * ZAP_LOAD_MDEVS and ZAP_LOAD_DEFINITIONS.
 * @free: per adapter, the domains free on it (ZAP_IDS bitmaps, filled).
 */
void zap_free_apqns(const struct zap_model *model,
		    const struct zap_free_filter *filter,
		    struct zap_bitmap free[ZAP_IDS]);

/**
 * struct zap_block - a cross product of adapters x domains.
 */
struct zap_block {
	struct zap_bitmap adapters, domains;
};

/**
 * zap_free_block_find - choose @nr_adapters adapters and @nr_domains domains
 * whose whole cross product is free (@free from zap_free_apqns()).
 * Deterministic: adapters of one type and mode (groups in order of their
 * lowest adapter id), then a greedy search from the lowest adapter of the
 * group: each next adapter (ascending) is taken when the domains free on
 * all adapters taken so far stay at least @nr_domains; the lowest
 * @nr_domains of them are chosen. @within: when not NULL, the block must
 * extend it: @within->adapters are all taken (then @nr_adapters counts the
 * additional ones) and only domains free on all of them qualify, or
 * @within->domains likewise.
 * Returns: 0 with @block filled; -EINVAL (growing by domains an mdev that
 * has no adapter, or a fresh block of zero adapters or domains); -ENOSPC when there is no such block, with
 * @largest set to the largest blocks found (largest->adapters = the most
 * adapters for @nr_domains domains, largest->domains = the most domains for
 * @nr_adapters adapters; either may be empty).
 */
int zap_free_block_find(const struct zap_model *model,
			const struct zap_bitmap free[ZAP_IDS],
			unsigned int nr_adapters, unsigned int nr_domains,
			const struct zap_block *within, struct zap_block *block,
			struct zap_block *largest);

/* -------------------------------------------------------------- model diff */

enum zap_event_kind {
	ZAP_EVENT_MASK,          /* apmask or aqmask changed */
	ZAP_EVENT_QUEUE_ADDED,   /* a queue device appeared */
	ZAP_EVENT_QUEUE_REMOVED, /* a queue device disappeared */
	ZAP_EVENT_QUEUE_OWNER,   /* host <-> vfio */
	ZAP_EVENT_QUEUE_DRIVER,  /* bound driver changed */
	ZAP_EVENT_CARD_ADDED,
	ZAP_EVENT_CARD_REMOVED,
	ZAP_EVENT_CARD_CONFIG,   /* configured / deconfigured */
	ZAP_EVENT_CARD_ONLINE,   /* online / offline */
	ZAP_EVENT_MDEV_CREATED,
	ZAP_EVENT_MDEV_REMOVED,
	ZAP_EVENT_MDEV_ASSIGNED,   /* APQNs or control domains added */
	ZAP_EVENT_MDEV_UNASSIGNED, /* APQNs or control domains removed */
	ZAP_EVENT_GUEST_ATTACHED,
	ZAP_EVENT_GUEST_DETACHED,
	ZAP_EVENT_QUEUE_ONLINE,  /* a queue went online / offline */
	ZAP_EVENT_QUEUE_CONFIG,  /* a queue configured / deconfigured */
	ZAP_EVENT_QUEUE_CHKSTOP, /* a queue checkstopped / recovered */
	ZAP_EVENT_CARD_CHKSTOP,  /* a card checkstopped / recovered */
	ZAP_EVENT_NR_KINDS
};

/* "mask", "queue-added", ... (the names lszap --watch -j prints). */
const char *zap_event_kind_name(enum zap_event_kind kind);

/**
 * struct zap_event - one difference between two models.
 * @adapter, @domain: the card or queue (-1 when not about one).
 * @uuid: the mdev ("" when not about one).
 * @before, @after: old and new value as text ("host", "vfio_ap", "0x...",
 *                  "online", APQN lists for mdevs), "" when none.
 * @message: one line for people.
 */
struct zap_event {
	enum zap_event_kind kind;
	int adapter, domain;
	char uuid[ZAP_UUID_STRLEN];
	char before[160], after[160];
	char message[400];
};

struct zap_events {
	size_t count;
	struct zap_event *items;
};

/**
 * zap_model_diff - what changed from @before to @after (both loaded with
 * the same enum zap_load bits), in a stable order: masks, cards, queues
 * (by APQN), mdevs (by UUID).
 * Returns: 0; -ENOMEM.
 */
int zap_model_diff(const struct zap_model *before,
		   const struct zap_model *after, struct zap_events *events,
		   struct zap_error *err);
void zap_events_free(struct zap_events *events);

/* ------------------------------------------------- boot command line masks */

/* Where the next boot's kernel command line was found. */
enum zap_boot_source {
	ZAP_BOOT_SOURCE_NONE,    /* nowhere: no parameter, all ones */
	ZAP_BOOT_SOURCE_BLS,     /* the .conf files of boot/loader/entries */
	ZAP_BOOT_SOURCE_ZIPL,    /* etc/zipl.conf, "parameters=" */
	ZAP_BOOT_SOURCE_RUNNING, /* proc/cmdline, the running boot's */
};

/* "none", "bls", "zipl" or "cmdline" (for JSON and messages). */
const char *zap_boot_source_name(enum zap_boot_source source);

/**
 * struct zap_boot_param - one of ap.apmask= / ap.aqmask= as the kernel
 * takes it from a command line.
 * @set: the parameter is given (the last occurrence counts, as the kernel's).
 * @malformed: given, but neither P1 nor P2: the kernel leaves @mask all
 *             zeros (nothing host-owned on that axis), silently.
 * @from_running: the boot entries disagree on it: @mask is the running
 *             boot's (proc/cmdline).
 * @text: the value as given (cut at 127 bytes), "" when not @set.
 * @mask: what the kernel starts with: parsed from all zeros when @set,
 *        all ones when not.
 */
struct zap_boot_param {
	bool set;
	bool malformed;
	bool from_running;
	char text[128];
	struct zap_bitmap mask;
};

/**
 * struct zap_boot_masks - the AP masks the next boot's kernel starts with,
 * before 41-ap.rules runs (interop.md 4, driver-override.md DO-37).
 * @source: where the command line came from.
 * @path: the file or directory read for @source ("" for NONE).
 * @nr_entries: BLS entries or zipl.conf sections that may boot (1 for the
 *        running boot's command line, 0 for NONE).
 * @apmask, @aqmask: the two parameters.
 * @problem: "" or one line (what the audit reports as boot-parameters):
 *        the entries or sections that disagree on a mask, each named with
 *        its value, or why zipl.conf cannot tell which section boots; the
 *        mask concerned then comes from the running boot.
 * @problem_path: the file or directory @problem is about, "" if none.
 */
struct zap_boot_masks {
	enum zap_boot_source source;
	char path[700];
	unsigned int nr_entries;
	struct zap_boot_param apmask, aqmask;
	char problem[1024];
	char problem_path[700];
};

/**
 * zap_boot_masks_read - the next boot's ap.apmask= / ap.aqmask= under
 * paths->root.
 * @boot: filled.
 *
 * The command line: the "options" lines of every .conf file in
 * boot/loader/entries (BLS; several lines in one file are joined) when there
 * is one, else the "parameters=" (after the text of a "parmfile=", read
 * under paths->root) of the etc/zipl.conf sections that may boot (the
 * [defaultboot] section's default=, the sections of its defaultmenu= menu,
 * or with defaultauto or target= every section with image=), else
 * proc/cmdline. Each is parsed as zap_boot_cmdline_parse() does. When they
 * disagree on a mask, @problem names each with its value and that mask is
 * the running boot's; when zipl.conf is malformed (as zipl's scanner sees
 * it), selects no section with image= or names a parmfile that cannot be
 * read, @problem says why and both masks are the running boot's.
 * proc/cmdline is read only then, or as the last source. An absent file
 * is no error; without any, both masks are all ones.
 * Returns: 0; -errno of a file that exists but cannot be read, or is larger
 * than 1 MiB (status NOT_FOUND, message names the file); -ENAMETOOLONG;
 * -ENOMEM.
 */
int zap_boot_masks_read(const struct zap_paths *paths,
			struct zap_boot_masks *boot, struct zap_error *err);

/**
 * zap_boot_cmdline_parse - what the kernel's ap_perms_init() makes of the
 * command line @text of @len bytes (it ends at the first NUL).
 * @apmask, @aqmask: filled (see struct zap_boot_param; from_running false).
 *
 * The words as the kernel splits them (blanks separate, double quotes
 * group, "param=\"a b\"" gives a b), up to a lone "--"; "ap.apmask=" and
 * "ap.aqmask=" ('-' and '_' alike, as the kernel's parameq()) with a value
 * of at most 1024 bytes (a bare "ap.apmask" is ignored); the last one
 * counts. Its value is parsed with zap_mask_parse() from all zeros; an
 * empty value gives all zeros.
 * Returns: 0; -ENOMEM.
 */
int zap_boot_cmdline_parse(const char *text, size_t len,
			   struct zap_boot_param *apmask,
			   struct zap_boot_param *aqmask);

/**
 * zap_boot_masks_final - the host masks after the next boot: where
 * 41-ap.rules sets a mask (@rules_apmask / @rules_aqmask, NULL when the
 * file sets none or does not exist), that value; else @boot's.
 */
void zap_boot_masks_final(struct zap_bitmap *apmask, struct zap_bitmap *aqmask,
			  const struct zap_boot_masks *boot,
			  const struct zap_bitmap *rules_apmask,
			  const struct zap_bitmap *rules_aqmask);

/* ----------------------------------------------------------------- journal */

/**
 * zap_journal_read - read paths->journal into @info (@info->present false
 * when there is none). Returns: 0; -EINVAL (malformed: @info->problem).
 */
int zap_journal_read(const struct zap_paths *paths,
		     struct zap_journal_info *info, struct zap_error *err);

enum zap_recover_mode {
	ZAP_RECOVER_UNDO,     /* undo the writes that were made, in reverse */
	ZAP_RECOVER_COMPLETE, /* make the writes that were not */
};

/**
 * zap_journal_recover - under the lock, finish the unfinished change of a
 * dead chzap: undo it or complete it, then remove the journal.
 * @plan: receives the writes made by the recovery (may be NULL).
 * Returns: 0 (also when there is nothing to recover: (*plan)->nothing_to_do);
 * -EBUSY (the journal's process still runs: REFUSED); -ETIMEDOUT (LOCK);
 * a write's -errno (WRITE; the journal is kept).
 */
int zap_journal_recover(const struct zap_paths *paths,
			enum zap_recover_mode mode,
			const struct zap_apply_options *options,
			struct zap_plan **plan, struct zap_error *err);

/* ------------------------------------------------ declarative configuration */

/* The format version zap_config_format() writes and zap_config_parse() reads. */
#define ZAP_CONFIG_VERSION 1
/* The largest document zap_config_read() reads, in bytes (16 MiB). */
#define ZAP_CONFIG_MAX_SIZE ((size_t)16 * 1024 * 1024)

/* The host part of a configuration document, its key "ownership". */
enum zap_config_ownership {
	ZAP_CONFIG_OWNERSHIP_NONE,      /* no host part: the mdevs only (-m) */
	ZAP_CONFIG_OWNERSHIP_MASKS,     /* "masks": vfio_ap adapters, domains */
	ZAP_CONFIG_OWNERSHIP_OVERRIDES, /* "overrides": vfio_ap queues */
};

/* "masks", "overrides", or NULL for ZAP_CONFIG_OWNERSHIP_NONE. */
const char *zap_config_ownership_name(enum zap_config_ownership ownership);

/**
 * struct zap_config_mdev - one mdev of a configuration document.
 * @uuid: canonical, lower case.
 * @adapters, @domains, @control_domains: its assignment.
 * @autostart: it has an mdevctl definition with "start": "auto".
 */
struct zap_config_mdev {
	char uuid[ZAP_UUID_STRLEN];
	struct zap_bitmap adapters, domains, control_domains;
	bool autostart;
};

/**
 * struct zap_config - a configuration document (zap-config(5)): what a
 * host, or one guest's mdev, should be. Nothing in it is checked against a
 * host (maxima, queues, the no-shared-APQN rule): that is for the audit of
 * the model built from it.
 * @version: the format version (ZAP_CONFIG_VERSION).
 * @ownership: which host part the document has, if any.
 * @vfio_adapters, @vfio_domains: MASKS: the adapters and domains taken from
 *	the host (apmask is the complement of @vfio_adapters, aqmask that of
 *	@vfio_domains), as chzap --vfio -a / -d takes them.
 * @vfio_queues, @nr_vfio_queues: OVERRIDES: the queues whose
 *	driver_override is vfio_ap, (adapter << 8) | domain, ascending.
 * @mdevs, @nr_mdevs: sorted by UUID, no UUID twice.
 */
struct zap_config {
	unsigned int version;
	enum zap_config_ownership ownership;
	struct zap_bitmap vfio_adapters, vfio_domains;
	size_t nr_vfio_queues;
	uint16_t *vfio_queues;
	size_t nr_mdevs;
	struct zap_config_mdev *mdevs;
};

/**
 * zap_config_parse - read a configuration document (zap-config(5)).
 * @text, @len: the JSON text (strict: no comments, no trailing commas,
 *	valid UTF-8, one value).
 * @name: what the messages call the document (a file name), may be NULL.
 * @config: receives the result; free it with zap_config_free().
 *
 * Every key is checked: an unknown or missing key, a value of the wrong
 * type (an id must be a JSON integer, "0x47" is refused), an id outside
 * 0..255 or given twice in one list, a malformed APQN or UUID, a UUID given
 * twice, a version other than ZAP_CONFIG_VERSION, "ownership" without
 * "vfio_ap" or the reverse. The message names the key (as a path such as
 * mdevs[1].adapters[0], counting from 0) and the value.
 * Returns: 0; -EINVAL (status USAGE); -ENOMEM (status NOT_FOUND).
 */
int zap_config_parse(const char *text, size_t len, const char *name,
		     struct zap_config **config, struct zap_error *err);

/**
 * zap_config_read - zap_config_parse() of the file @path ("-" reads the
 * standard input), at most ZAP_CONFIG_MAX_SIZE bytes; messages name @path.
 * Returns: 0; -EINVAL; -EFBIG; the -errno of open or read (status USAGE
 * for all of these); -ENOMEM.
 */
int zap_config_read(const char *path, struct zap_config **config,
		    struct zap_error *err);

/**
 * zap_config_from_model - the state of @model as a configuration document.
 * @model: loaded with at least ZAP_LOAD_MDEVS and ZAP_LOAD_DEFINITIONS (a
 *	live model, or the one of zap_model_persistent()).
 * @uuid: NULL for the whole host: the masks ("ownership": "masks") and
 *	every active mdev; else only the active mdev @uuid (any case) and no
 *	host part.
 * An mdev's autostart is true when a valid definition of it says "auto".
 * Returns: 0; -ENODEV (@uuid is not an active mdev: status NOT_FOUND);
 * -EIO (part of the configuration was unreadable: NOT_FOUND, the message
 * names it); -ENOMEM.
 */
int zap_config_from_model(const struct zap_model *model, const char *uuid,
			  struct zap_config **config, struct zap_error *err);

/**
 * zap_config_save - the document of chzap --save: zap_config_from_model()
 * of the live @model (@uuid: only that active mdev, no host part), where
 * every mdev without a valid definition gets "start" @autostart (an
 * existing definition keeps its own). Its ZAP_SCOPE_PERSISTENT plan
 * (zap_config_plan) makes the persistent configuration equal the live one.
 * Returns: as zap_config_from_model().
 */
int zap_config_save(const struct zap_model *model, const char *uuid,
		    bool autostart, struct zap_config **config,
		    struct zap_error *err);

/**
 * zap_config_format - the JSON text of @config as lszap --export prints it:
 * keys in the order of zap-config(5), one mdev a line, ids ascending,
 * "\n" at the end. *@text is malloc()ed (caller frees).
 * Returns: 0; -ENOMEM.
 */
int zap_config_format(const struct zap_config *config, char **text,
		      struct zap_error *err);

/* Free a configuration of zap_config_parse/read/from_model (NULL: nothing). */
void zap_config_free(struct zap_config *config);

/**
 * struct zap_config_request - how chzap --apply makes a host equal a document.
 * @scope: live (sysfs), both (-p) or persistent only (-P).
 * @prune: remove the mdevs (of the scope) the document does not mention.
 * @force: as zap_change.force, for every step (an mdev in use, pending
 *	requests).
 */
struct zap_config_request {
	enum zap_scope scope;
	bool prune;
	bool force;
};

/* The enum zap_load bits zap_config_plan() needs. */
unsigned int zap_config_load_flags(void);

/**
 * zap_config_plan - the plan that makes @model equal @config: the changes
 * that differ, in an order in which no intermediate state breaks a rule
 * (with --prune the omitted mdevs removed, then ids unassigned, ids given
 * back to the host, ids taken from the host, mdevs created, ids assigned,
 * then, unless live, each definition's "start"), each built with
 * zap_plan_build() on the what-if model of those before it (so each is
 * judged by the audit); their writes, files, refusals and warnings joined.
 * With ZAP_SCOPE_BOTH the steps follow the live side, then the same steps
 * at ZAP_SCOPE_PERSISTENT mend the definitions and 41-ap.rules where they
 * differed from it (pruning an mdev that exists on one side only changes
 * that side). A document without host part leaves the masks alone; mdevs
 * it omits are kept unless @request->prune.
 * Returns: 0 with *@plan set, refused or not (see its refusals;
 * nothing_to_do when nothing differs; "overrides" documents move queues
 * with driver_override, refused on a host whose masks are not all ones or
 * whose ownership is mixed, as "masks" documents on an overrides host);
 * the errors of zap_plan_build(); -ENOMEM.
 */
int zap_config_plan(const struct zap_model *model,
		    const struct zap_config *config,
		    const struct zap_config_request *request,
		    struct zap_plan **plan, struct zap_error *err);

/**
 * zap_config_apply - zap_plan_apply() for a document: take the lock, load,
 * zap_config_plan() again (*@plan is replaced by it), refuse or write it
 * (sysfs journaled, then the files), read back, roll back on failure.
 * Returns: as zap_plan_apply().
 */
int zap_config_apply(const struct zap_config *config,
		     const struct zap_config_request *request,
		     const struct zap_paths *paths,
		     const struct zap_apply_options *options,
		     struct zap_plan **plan, struct zap_error *err);
/* ------------------------------------------------------------------ escape */

/**
 * zap_escape - make untrusted text safe for a terminal: @src into @dst
 * (@size bytes, always NUL-terminated, cut before an escape that does not
 * fit) with every byte outside printable ASCII written as "\xNN", the form
 * libsmartcols gives lszap's table cells ("\x1b[2J" for ESC [ 2 J).
 * Returns: @dst.
 */
char *zap_escape(char *dst, size_t size, const char *src);

/* -------------------------------------------------------------------- lock */

/**
 * struct zap_lock - the s390-tools AP configuration lock (interop.md 2),
 * bit-compatible with util_lockfile: link() of a temp file holding the PID.
 */
struct zap_lock {
	char path[600];
	bool held;
};

/**
 * zap_lock_acquire - take the lock at paths->lock, waiting up to @timeout_ms
 * (0: one try). Stale locks are taken over: a dead PID, or (zap's own
 * locks, which record the holder's start time) a PID now used by another
 * process; then the temporary files dead processes left beside the lock
 * are removed. No temporary file of this call survives it.
 * Signals: none is consumed or ignored. Every signal is blocked while the
 * call works; while it sleeps between tries the caller's mask is in force,
 * so a signal runs the caller's handler (the call then returns -EINTR),
 * takes its default action, or is ignored, as the caller set it up.
 * Returns: 0; -ETIMEDOUT (status LOCK, message names the holder's PID);
 * -EINTR (a handler ran while waiting: status LOCK); -EDEADLK (held by this
 * process already: LOCK); other -errno (the lock's files cannot be created:
 * status WRITE; -EACCES or -EPERM without permission, e.g. not root).
 */
int zap_lock_acquire(struct zap_lock *lock, const struct zap_paths *paths,
		     unsigned int timeout_ms, struct zap_error *err);

/**
 * struct zap_lock_holder - the live process an acquire waits for.
 * @pid: its PID; @name: its command name (/proc/PID/comm, "" if unknown;
 *       untrusted text: zap_escape() it before printing).
 */
struct zap_lock_holder {
	int pid;
	char name[32];
};

typedef void zap_lock_wait_fn(const struct zap_lock_holder *holder,
			      void *data);

/**
 * zap_lock_on_wait - set the handler told, once per zap_lock_acquire()
 * (also those zap_plan_apply() and zap_journal_recover() make), when the
 * lock is held by a live process and the call starts to wait for it; NULL
 * clears it. Process-wide; called with every signal blocked.
 */
void zap_lock_on_wait(zap_lock_wait_fn *fn, void *data);

/* Release the lock if it still holds our PID. */
void zap_lock_release(struct zap_lock *lock);

#ifdef __cplusplus
}
#endif

#endif /* ZAPCONF_H */
