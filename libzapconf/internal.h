/* SPDX-License-Identifier: MIT */
/*
 * internal.h - helpers shared by libzapconf's source files, not exported.
 *
 * Copyright zap developers 2026
 */
#ifndef ZAP_INTERNAL_H
#define ZAP_INTERNAL_H

#include <stdarg.h>
#include <sys/types.h>

#include "zapconf.h"

#define ZAP_EXPORT __attribute__((visibility("default")))
#define ZAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

/*
 * zap_error_set - fill @err (may be NULL) with @errnum, @status and a message.
 * Returns: -@errnum, so that a caller can "return zap_error_set(...)".
 */
int zap_error_set(struct zap_error *err, int errnum, enum zap_status status,
		  const char *fmt, ...) ZAP_PRINTF(4, 5);

/* Quote at most 40 bytes of untrusted text for a message ("0x4\n" -> 0x4\n). */
const char *zap_quote(const char *buf, size_t len, char *out, size_t size);

/* ----------------------------------------------------------------- sysfs.c */

/*
 * zap_sysfs_read_at - read a small file @name relative to @dirfd (AT_FDCWD
 * for a path) into @buf (NUL-terminated, *@len bytes without the NUL).
 * Returns: 0; -errno; -EFBIG when it does not fit in @size - 1 bytes.
 */
int zap_sysfs_read_at(int dirfd, const char *name, char *buf, size_t size,
		      size_t *len);

/* Read an int ("%d\n") from @dirfd/@name. Returns: 0; -errno; -EINVAL. */
int zap_sysfs_read_int_at(int dirfd, const char *name, long long *value);

/*
 * zap_sysfs_parse_mask - a mask as the kernel prints it: "0x" + 64 hex
 * digits + optional "\n". Returns: 0; -EINVAL.
 */
int zap_sysfs_parse_mask(const char *buf, size_t len, struct zap_bitmap *mask);

/*
 * zap_sysfs_write - one write() of @value + "\n" to @path (opened O_TRUNC so
 * that plain-file trees behave as attributes). Returns: 0; -errno.
 */
int zap_sysfs_write(const char *path, const char *value);

/* snprintf into @buf of @size; -ENAMETOOLONG if it does not fit. */
int zap_path_format(char *buf, size_t size, const char *fmt, ...)
	ZAP_PRINTF(3, 4);

/* ---------------------------------------------------- model.c, ownership.c */

/* Lookup tables behind struct zap_model (model->priv). */
struct zap_model_priv {
	int16_t card_index[ZAP_IDS];              /* -1 or index in cards */
	int32_t queue_index[ZAP_IDS * ZAP_IDS];   /* -1 or index in queues */
	uint16_t mdev_owner[ZAP_IDS * ZAP_IDS];   /* 0 or 1 + first active mdev */
	uint8_t mdev_count[ZAP_IDS * ZAP_IDS];    /* active mdevs holding it */
	uint8_t auto_count[ZAP_IDS * ZAP_IDS];    /* valid auto definitions */
	uint8_t manual_count[ZAP_IDS * ZAP_IDS];  /* valid manual definitions */
	unsigned int vanished;                    /* devices gone while reading */
	bool boot_loaded;                         /* @boot was read (ZAP_LOAD_RULES) */
	struct zap_boot_masks boot;               /* the next boot's command line */
};

/* Why a sysfs read failed, in words, for model->unreadable. */
const char *zap_read_error(int rc);

/* Record one unreadable part of the configuration (printf-style). */
int zap_model_unreadable(struct zap_model *model, const char *fmt, ...)
	ZAP_PRINTF(2, 3);

/* Fill the ownership tables of model->priv from mdevs and definitions. */
void zap_ownership_build(struct zap_model *model);

/* APQN number used in lists: adapter << 8 | domain. */
static inline uint16_t zap_apqn_number(unsigned int adapter,
				       unsigned int domain)
{
	return (uint16_t)((adapter << 8) | domain);
}

/* A growing list of APQN numbers. */
struct zap_apqn_list {
	size_t count, allocated;
	uint16_t *items;
};

/* Append; returns 0 or -ENOMEM. */
int zap_apqn_list_add(struct zap_apqn_list *list, uint16_t apqn);

/* ---------------------------------------------------------------- mdevs.c */

/*
 * zap_load_mdevs - read the active mdevs into model->mdevs (*@allocated:
 * its capacity). Returns: 0; -errno (@err filled).
 */
int zap_load_mdevs(struct zap_model *model, size_t *allocated,
		   struct zap_error *err);
/* Add the defined-only mdevs and link each mdev to its definition. -ENOMEM */
int zap_merge_definitions(struct zap_model *model, size_t *allocated);
/* Set in_use of the active mdevs (queue statuses, else a probe). */
void zap_set_in_use(struct zap_model *model);
/* Order two struct zap_mdev by UUID (qsort, bsearch). */
int zap_mdev_cmp(const void *x, const void *y);

/* Parse the text of an mdev's matrix or guest_matrix attribute. */
int zap_matrix_parse(const char *buf, size_t len, struct zap_apqn_set *set);
/* Parse the text of control_domains ("%04x\n" lines). */
int zap_control_domains_parse(const char *buf, size_t len,
			      struct zap_bitmap *domains);
/* Parse ap_config "0x<64>,0x<64>,0x<64>\n". */
int zap_ap_config_parse(const char *buf, size_t len, struct zap_apqn_set *set,
			struct zap_bitmap *control);

/* ----------------------------------------------------------------- rules.c */

/*
 * zap_problems_add - append a problem of @kind naming the mdevs @uuid1 and
 * @uuid2 (either may be NULL), the file @path (may be NULL), the APQNs of
 * @set and of @list (either may be NULL), and a printf-style message to
 * which the first APQNs are appended. Returns: 0; -ENOMEM.
 */
int zap_problems_add(struct zap_problems *problems, enum zap_problem_kind kind,
		     const char *uuid1, const char *uuid2, const char *path,
		     const struct zap_apqn_set *set,
		     const struct zap_apqn_list *list, const char *fmt, ...)
	ZAP_PRINTF(8, 9);

/* Order two APQN numbers (uint16_t), for qsort() and bsearch(). */
int zap_apqn_cmp(const void *x, const void *y);

/* "01.0006 01.0007 ... and 12 more" for messages. */
void zap_apqns_format(char *buf, size_t size, const uint16_t *apqns,
		      size_t count);

/* ----------------------------------------------------- whatif.c, verdict.c */

/* A deep copy of @src with room for one more mdev and definition. */
int zap_model_copy(const struct zap_model *src, struct zap_model **copy);

/* Room for any label zap_mdev_label() writes. */
#define ZAP_LABEL_LEN 192

/*
 * zap_mdev_label - how every message names an mdev: "mdev UUID" (an active
 * mdev of @model, may be NULL, that a libvirt VM uses: "VM NAME (mdev
 * UUID)"), "autostart definition UUID" (@mdevctl: "autostart definition
 * (mdevctl) UUID"), "manual definition UUID", into @buf. Returns: @buf.
 */
char *zap_mdev_label(const struct zap_model *model, char *buf, size_t size,
		     enum zap_holder holder, bool mdevctl, const char *uuid);

/* --------------------------------------------------------------- journal.c */

/*
 * zap_journal_begin - record @plan in paths->journal before its first write.
 * zap_journal_done - record that write @index was made.
 * zap_journal_end - remove the journal (the change is complete or undone).
 * Returns: 0; -errno (begin: nothing may be written then).
 */
int zap_journal_begin(const struct zap_paths *paths,
		      const struct zap_plan *plan, struct zap_error *err);
int zap_journal_done(const struct zap_paths *paths, size_t index);
void zap_journal_end(const struct zap_paths *paths);

/* ------------------------------------- mdevctl.c, mdevctl_write.c, chzdev.c */

/*
 * zap_json_parse_strict - parse @text as one JSON value with nothing after
 * it; on failure NULL with @why (of @size) saying what is wrong.
 */
struct json_object;
struct json_object *zap_json_parse_strict(const char *text, size_t len,
					  char *why, size_t size);

/*
 * zap_definition_parse - read an mdevctl definition's JSON text into @def
 * (every field but uuid and path). Never fails: an unusable file gets
 * valid = false, a usable one with a flaw (e.g. an octal-looking value the
 * kernel still accepts) keeps valid = true; both fill def->problem.
 */
void zap_definition_parse(struct zap_definition *def, const char *text,
			  size_t len);

/*
 * zap_definitions_load - read every definition in model->paths.mdevctl into
 * model->definitions, sorted by UUID. A missing directory means none.
 * Returns: 0; -ENOMEM.
 */
int zap_definitions_load(struct zap_model *model, struct zap_error *err);

/*
 * zap_chzdev_parse - read chzdev's 41-ap.rules text: every
 * ATTR{...apmask}="0x..." / ATTR{...aqmask}="0x..." line sets that mask
 * (the last one wins). Returns: 0; -EINVAL with @problem filled.
 */
int zap_chzdev_parse(const char *text, size_t len, bool *has_apmask,
		    struct zap_bitmap *apmask, bool *has_aqmask,
		    struct zap_bitmap *aqmask, char *problem, size_t size);

/*
 * zap_chzdev_load - fill model->has_rules, rules_* from model->paths.rules.
 * A malformed file sets rules_problem. Returns: 0.
 */
int zap_chzdev_load(struct zap_model *model, struct zap_error *err);

/*
 * zap_config_file_read - read the regular file @path (at most 1 MiB) into
 * a malloc()ed, NUL-terminated *@text of *@len bytes.
 * Returns: 0; -ENOENT (absent, or not a regular file); -EFBIG; -ENOMEM;
 * another -errno of open, fstat or read.
 */
int zap_config_file_read(const char *path, char **text, size_t *len);

/*
 * zap_definition_render - the text of an mdevctl definition in the layout
 * mdevctl writes (serde_json's pretty printer: two spaces per level,
 * "key": value, one member or element per line, no final newline); new
 * definitions have the keys mdev_type, start, attrs in this order.
 * @old, @old_len: the file's text, NULL for a new definition. It must be a
 *   valid definition (zap_definition_parse()); everything in it survives, in
 *   place, except the value of "start" and, when @matrix is given, the
 *   assignment attrs (assign_adapter, assign_domain, assign_control_domain,
 *   ap_config): the canonical list replaces them at the place of the first
 *   one, or goes to the end of attrs (attrs is added when absent).
 * @autostart: "start": "auto", else "manual".
 * @matrix, @control: the canonical list is one attr per id, values as
 *   strings in 0x hex, adapters ("0x05"), then usage domains ("0x0047"),
 *   then control domains (@control NULL: none). @matrix NULL keeps the
 *   attrs of @old as they are (a new definition then has "attrs": []).
 * @text: receives the malloc()ed text.
 * Returns: 0; -EINVAL (@old is no valid definition: @problem says why, as
 * zap_definition_parse() does); -ENOMEM.
 */
int zap_definition_render(const char *old, size_t old_len, bool autostart,
			  const struct zap_apqn_set *matrix,
			  const struct zap_bitmap *control, char **text,
			  char *problem, size_t size);

/*
 * zap_chzdev_render - 41-ap.rules exactly as chzdev writes it (interop.md 4):
 * the header, both triggers, label cfg_ap, the masks that are not NULL
 * (a mask the file does not set stays unset), the kmod load of vfio_ap,
 * label end_ap. Returns: the malloc()ed text; NULL when out of memory.
 */
char *zap_chzdev_render(const struct zap_bitmap *apmask,
		       const struct zap_bitmap *aqmask);

/* ----------------------------------------------------------------- store.c */

/* The largest configuration file zap reads (a definition, 41-ap.rules). */
#define ZAP_CONFIG_FILE_MAX ((size_t)1024 * 1024)

/*
 * zap_store_read_at - read the regular file @name in @dirfd (AT_FDCWD for a
 * path), at most ZAP_CONFIG_FILE_MAX bytes, into a malloc()ed,
 * NUL-terminated *@text of *@len bytes. Returns: 0; -ENOENT (absent, or
 * not a regular file); -EFBIG; -ENOMEM; another -errno.
 */
int zap_store_read_at(int dirfd, const char *name, char **text, size_t *len);

/* mkdir -p of the directory holding @path (it gets @mode, parents 0755). */
int zap_store_mkdir_parents(const char *path, mode_t mode);

/* fsync the directory holding @path, so that a rename or unlink lasts. */
void zap_store_sync_parent(const char *path);

/*
 * zap_store_check_own_dir - is the directory holding @path zap's own: a
 * directory (not a symlink) owned by this user (root) and not group- or
 * world-writable? 0 yes; -EPERM no, with the reason in @why.
 */
int zap_store_check_own_dir(const char *path, char *why, size_t size);

/*
 * zap_store_remove_temps - remove the temp files zap_store_replace() left
 * in the directory of @path when its process died (".NAME.XXXXXX" where
 * NAME is a UUID, an mdevctl definition, or @path's own name). Only under
 * the lock: then no live run has one (@remove false: only count them).
 * Returns: how many could not be removed (were found), the first one's
 * path in @left ("" when none).
 */
size_t zap_store_remove_temps(const char *path, bool remove, char *left,
			      size_t size);

/* Under the lock: zap_store_remove_temps() of the definitions and rules. */
void zap_store_remove_dead_temps(const struct zap_paths *paths);

/* How many such temps there are (not removed); the first one in @first. */
size_t zap_store_find_dead_temps(const struct zap_paths *paths, char *first,
				 size_t size);

/* The start time of process @pid (/proc/PID/stat field 22), 0 if unknown. */
unsigned long long zap_process_start(pid_t pid);

/*
 * zap_store_replace - replace @path by @content atomically: mkdir -p, temp
 * file ".NAME.XXXXXX" in the same directory, mode 0644, fsync, rename,
 * fsync of the directory. Returns: 0; -errno (nothing replaced).
 */
int zap_store_replace(const char *path, const char *content);

/* Delete @path (already gone is fine), fsync its directory. 0; -errno. */
int zap_store_delete(const char *path);

/* -------------------------------------------------------------- executor.c */

/*
 * zap_write_one - the executor's one step: write @value + "\n" to @path,
 * then read back what a write of @kind can be read back (masks, ap_config).
 * Used by plans and by the journal's recovery.
 * Returns: 0; 1 (written, reads back something else); -errno.
 */
int zap_write_one(enum zap_write_kind kind, const char *path,
		  const char *value);

/* ---------------------------------------------------- plan.c, plan_files.c */

/*
 * What a plan is being built from. @live: the change writes sysfs;
 * @persistent: it rewrites the persistent configuration.
 */
struct zap_builder {
	const struct zap_model *model;
	const struct zap_model *after; /* zap_model_whatif() of the change */
	struct zap_plan *plan;
	struct zap_error *err;
	bool live, persistent;
	struct zap_apqn_list assigned, unassigned, to_vfio, to_host;
};

/*
 * zap_builder_after - what the change makes of mdev @uuid (b->after): its
 * matrix and control domains, live (@definition false) or of its mdevctl
 * definition. Returns: 0; -ENOENT when the what-if has no such side.
 */
int zap_builder_after(const struct zap_builder *b, const char *uuid,
		      bool definition, struct zap_apqn_set *matrix,
		      struct zap_bitmap *control);

/* Every APQN of @x not in @y (present in @only_present, if given) to @list. */
int zap_set_difference(struct zap_apqn_list *list,
		       const struct zap_apqn_set *x,
		       const struct zap_apqn_set *y,
		       const struct zap_model *only_present);

/*
 * The persistent side of each change kind (plan_files.c): the definition
 * of ASSIGN, UNASSIGN and CREATE; REMOVE's undefine; AUTOSTART; the
 * 41-ap.rules of TO_VFIO / TO_HOST. Returns: 0 (the file added to the
 * plan, or its refusal); -errno (@b->err filled or -ENOMEM).
 */
int zap_plan_definition(struct zap_builder *b, const struct zap_mdev *mdev,
			const char *uuid);
int zap_plan_undefine(struct zap_builder *b, const struct zap_mdev *mdev);
int zap_plan_autostart(struct zap_builder *b, const struct zap_mdev *mdev);
int zap_plan_rules(struct zap_builder *b);

/* ------------------------------------------------------------ override.c */

/*
 * zap_override_write - write @value to @path for the kinds OVERRIDE,
 * OVERRIDE_RESTORE (then a probe when the queue is unbound), UNBIND (not
 * bound there counts as done) and PROBE (then the driver link checked: the
 * override's driver, else cex4queue when loaded). Returns: as zap_write_one().
 */
int zap_override_write(enum zap_write_kind kind, const char *path,
		       const char *value);
/* The what-if of a change by queue: the named queues' override and driver. */
void zap_whatif_overrides(struct zap_model *m, const struct zap_change *c);
/* The writes of a change by queue, or its refusal. Returns: 0; -errno. */
int zap_plan_overrides(struct zap_builder *b);
/* May a journal name a write of override @kind to @rel (under sysfs)? */
bool zap_override_path(const char *rel, enum zap_write_kind kind);
/* Read etc/driverctl.d/ap-AA.DDDD (driverctl's format) into model->driverctl. */
void zap_driverctl_load(struct zap_model *model);
/* The persistent side of a change by queue: driverctl files. 0; -errno */
int zap_plan_driverctl(struct zap_builder *b);
/* The what-if of ZAP_CHANGE_OWNERSHIP: the target masks and overrides. */
void zap_whatif_ownership(struct zap_model *m, const struct zap_change *c);
/* The writes of ZAP_CHANGE_OWNERSHIP, or its refusal. Returns: 0; -errno. */
int zap_plan_ownership(struct zap_builder *b);
/*
 * zap_model_boot_host - the host's set after the next boot (persistent.c):
 * where 41-ap.rules sets a mask, that value; else the next boot's command
 * line (read with ZAP_LOAD_RULES); else all ones. Never the active masks.
 */
struct zap_apqn_set zap_model_boot_host(const struct zap_model *model);

/*
 * zap_change_persists - whether @after (the what-if of a change of
 * @before) is also the configuration after a reboot: its audit has no
 * not-persistent or drift problem that the audit of @before lacks.
 * Returns: 0; -ENOMEM (@err set).
 */
int zap_change_persists(const struct zap_model *before,
			const struct zap_model *after, bool *persistent,
			struct zap_error *err);

/* The next boot's command line masks of @model, NULL when not read. */
const struct zap_boot_masks *zap_model_boot_cmdline(const struct zap_model *model);

/* ----------------------------------------------------------- libvirt_xml.c */

/*
 * zap_libvirt_vms_load - set each mdev's vm from libvirt's domain XML under
 * the model's root (etc/libvirt/qemu, then run/libvirt/qemu, which wins);
 * unreadable files are skipped.
 */
void zap_libvirt_vms_load(struct zap_model *model);

/* Append one write to @plan (its undo "" for none). Returns: 0; -ENOMEM. */
int zap_plan_add_write(struct zap_plan *plan, enum zap_write_kind kind,
		       const char *path, const char *value,
		       const char *undo_path, const char *undo_value);

/* ------------------------------------------------- executor.c (files) */

/*
 * zap_plan_write_files - write plan->files in order, each atomically (temp
 * file in the same directory, fsync, rename, fsync of the directory; the
 * directory made first; mode 0644) or deleted (content NULL); on a failure
 * restore the files already written from their old content, in reverse.
 * Sets each file's result and errnum. @failed: the index of the failed file.
 * Returns: 0; the failed write's -errno (*@restored: every file written
 * before it was restored).
 */
int zap_plan_write_files(struct zap_plan *plan, size_t *failed,
			 bool *restored);

/*
 * zap_plan_write - write @plan (sysfs journaled, then the files) and undo
 * on failure, as zap_plan_apply() does after its re-validation; the caller
 * holds the lock and has judged the plan. Returns: as zap_plan_apply().
 */
int zap_plan_write(struct zap_plan *plan, const struct zap_paths *paths,
		   const struct zap_apply_options *options,
		   struct zap_error *err);

/* ---------------------------------------------- boot entries (bootcmd.c) */

/* One BLS entry or zipl.conf section that may boot, with its parameters. */
struct zap_boot_entry {
	char name[256];
	struct zap_boot_param apmask, aqmask;
};

/* A growing list of boot entries. */
struct zap_boot_entry_list {
	size_t count, allocated;
	struct zap_boot_entry *items;
};


/*
 * zap_boot_entry_add - append @name with the ap.apmask= / ap.aqmask= of the
 * command line @cmdline to @list (bootcmd.c). Returns: 0; -ENOMEM.
 */
int zap_boot_entry_add(struct zap_boot_entry_list *list, const char *name,
		       const char *cmdline);

/* zap_boot_is_blank - is @c a blank of zipl's scanners (bootcmd.c)? */
bool zap_boot_is_blank(char c);

/*
 * zap_zipl_read - add to @list the sections of the zipl.conf text @text that
 * may boot, parmfiles under @root (zipl_conf.c).
 * Returns: 0; -EINVAL (@problem says why, "line N: ..."); -ENOMEM.
 */
int zap_zipl_read(char *text, size_t len, const char *root,
		  struct zap_boot_entry_list *list, char *problem, size_t size);

/* ------------------------------------------ the configuration document */

/* zap_config_out_of_memory - fill @err for ENOMEM (config_file.c). */
int zap_config_out_of_memory(struct zap_error *err);

/* zap_config_mdev_cmp - compare two zap_config_mdevs by UUID, for qsort(). */
int zap_config_mdev_cmp(const void *a, const void *b);

/* ------------------------------------------------ the audit (rules*.c) */

/* zap_problems_set_holders - name the holders of the problem just added. */
void zap_problems_set_holders(struct zap_problems *out, enum zap_holder first,
			      enum zap_holder second);

/* zap_rules_persistent_host_set - the host's set after a reboot (rules.c). */
struct zap_apqn_set
zap_rules_persistent_host_set(const struct zap_model *model);

/*
 * zap_rules_check_ownership - the audit's driver_override checks
 * (rules_override.c): mixed-ownership, override-pending, boot-conflict in
 * the overrides model. Returns: 0; -ENOMEM.
 */
int zap_rules_check_ownership(const struct zap_model *model,
			      struct zap_problems *out);

#endif
