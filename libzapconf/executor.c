// SPDX-License-Identifier: MIT
/*
 * executor.c - applying a plan: take the lock, re-read the configuration,
 * rebuild and re-validate the plan, write sysfs in order (journaled), read
 * back what can be read back, then replace the persistent files (store.c);
 * when a write fails, undo what was written, files and sysfs, in reverse.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* What a kernel errno means for an AP or vfio_ap write, in words. */
ZAP_EXPORT const char *zap_write_errno_text(int errnum)
{
	switch (errnum) {
	case EADDRINUSE:
		return "an APQN is already assigned to another mdev";
	case EADDRNOTAVAIL:
		return "an APQN is owned by the host (apmask/aqmask)";
	case EBUSY:
		return "an APQN is assigned to an mdev, or the device is busy";
	case ENODEV:
		return "an id is above the maximum, or the device is gone";
	case EINVAL:
		return "the kernel could not parse the value";
	case EEXIST:
		return "an mdev with this UUID exists already";
	case EUSERS:
		return "no more mdevs can be created";
	case EAGAIN:
		return "the kernel could not take a lock, try again";
	case EACCES:
		return "permission denied";
	case ENOENT:
		return "no such file (the device is gone)";
	case EISDIR:
		return "is a directory, not an attribute";
	default:
		return strerror(errnum);
	}
}

/* The kind of the write that undoes a write of @kind. */
ZAP_EXPORT enum zap_write_kind zap_write_undo_kind(enum zap_write_kind kind)
{
	switch (kind) {
	case ZAP_WRITE_ASSIGN:
		return ZAP_WRITE_UNASSIGN;
	case ZAP_WRITE_UNASSIGN:
		return ZAP_WRITE_ASSIGN;
	case ZAP_WRITE_CREATE:
		return ZAP_WRITE_REMOVE;
	case ZAP_WRITE_REMOVE:
		return ZAP_WRITE_CREATE;
	default:
		return kind;
	}
}

/*
 * Check that a rw attribute (a mask, ap_config) now reads what was
 * written: 0 yes (or a write-only attribute), 1 it reads something else,
 * -errno it cannot be read.
 */
static int read_back(enum zap_write_kind kind, const char *path,
		     const char *value)
{
	struct zap_apqn_set got_set, want_set;
	struct zap_bitmap got, want, got_c, want_c;
	char buf[512];
	size_t len;
	int rc;

	if (kind != ZAP_WRITE_MASK && kind != ZAP_WRITE_AP_CONFIG)
		return 0;
	rc = zap_sysfs_read_at(AT_FDCWD, path, buf, sizeof(buf), &len);
	if (rc)
		return rc;
	if (kind == ZAP_WRITE_AP_CONFIG) {
		if (zap_ap_config_parse(buf, len, &got_set, &got_c) ||
		    zap_ap_config_parse(value, strlen(value), &want_set,
					&want_c))
			return 1;
		return zap_bitmap_equal(&got_set.adapters, &want_set.adapters) &&
		       zap_bitmap_equal(&got_set.domains, &want_set.domains) &&
		       zap_bitmap_equal(&got_c, &want_c) ? 0 : 1;
	}
	if (zap_sysfs_parse_mask(buf, len, &got) ||
	    zap_sysfs_parse_mask(value, strlen(value), &want))
		return 1;
	return zap_bitmap_equal(&got, &want) ? 0 : 1;
}

/*
 * Lost update (issue 19): an ap_config write replaces the whole matrix, so
 * it would revert what an unlocked writer (a hot-unplug) assigned since
 * the plan was built. Read the matrix right before the write: 0 it is
 * still what the plan's undo holds (or the write has no undo), 1 it
 * changed, its current ids in @now. A window of one read remains.
 */
static int matrix_changed(const struct zap_write *w, char *now, size_t size)
{
	struct zap_apqn_set got;
	struct zap_bitmap got_c;
	char buf[512], a[200], d[200], c[200];
	size_t len;

	if (w->kind != ZAP_WRITE_AP_CONFIG || !w->undo_path[0] ||
	    read_back(w->kind, w->path, w->undo_value) != 1)
		return 0;
	if (zap_sysfs_read_at(AT_FDCWD, w->path, buf, sizeof(buf), &len) ||
	    zap_ap_config_parse(buf, len, &got, &got_c)) {
		snprintf(now, size, "unreadable");
		return 1;
	}
	zap_ids_print(&got.adapters, a, sizeof(a));
	zap_ids_print(&got.domains, d, sizeof(d));
	zap_ids_print(&got_c, c, sizeof(c));
	snprintf(now, size, "adapters '%s', domains '%s', control domains '%s'",
		 a, d, c);
	return 1;
}

/* Make one write of @kind and read it back; see internal.h. */
int zap_write_one(enum zap_write_kind kind, const char *path,
		  const char *value)
{
	int rc = zap_sysfs_write(path, value);

	if (rc == 0) {
		rc = read_back(kind, path, value);
		if (rc > 0)
			rc = 1;
	}
	return rc;
}

/* Undo writes[0..failed-1] in reverse; returns how many could not be. */
static size_t roll_back(struct zap_plan *plan, size_t failed,
			const struct zap_apply_options *options)
{
	size_t left = 0, pending_without_undo = 0;

	for (size_t i = failed; i-- > 0;) {
		struct zap_write *w = &plan->writes[i];
		int rc;

		if (!w->undo_path[0]) {
			pending_without_undo++;
			continue;
		}
		rc = zap_write_one(zap_write_undo_kind(w->kind), w->undo_path,
				   w->undo_value);
		/* no remove file: the new mdev is gone, which is the undo */
		if (rc == -ENOENT && w->kind == ZAP_WRITE_CREATE)
			rc = 0;
		if (rc > 0)
			rc = -EIO;
		if (rc == 0) {
			w->result = ZAP_WRITE_UNDONE;
			/* removing a new mdev undoes the writes into it */
			for (size_t j = i + 1; j < failed && pending_without_undo;
			     j++) {
				if (!plan->writes[j].undo_path[0] &&
				    plan->writes[j].result == ZAP_WRITE_OK) {
					plan->writes[j].result = ZAP_WRITE_UNDONE;
					pending_without_undo--;
				}
			}
		} else {
			w->result = ZAP_WRITE_UNDO_FAILED;
			w->undo_errnum = -rc;
			left++;
		}
		if (options && options->on_write)
			options->on_write(w, options->data);
	}
	return left + pending_without_undo;
}

/* What a failed apply left behind (sysfs and files), for the message. */
static void describe_left(const struct zap_plan *plan, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < plan->nr_writes && used < size; i++) {
		const struct zap_write *w = &plan->writes[i];

		if (w->result == ZAP_WRITE_UNDO_FAILED ||
		    w->result == ZAP_WRITE_OK)
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%s still has '%s'",
						 used ? "; " : "", w->path,
						 w->value);
	}
	for (size_t i = 0; i < plan->nr_files && used < size; i++) {
		const struct zap_file_change *f = &plan->files[i];

		if (f->result == ZAP_WRITE_UNDO_FAILED)
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%s not restored (%s)",
						 used ? "; " : "", f->path,
						 strerror(f->errnum));
	}
}

/* Write (or delete) the files of a plan; restore on failure. */
int zap_plan_write_files(struct zap_plan *plan, size_t *failed,
			 bool *restored)
{
	*restored = true;
	for (size_t i = 0; i < plan->nr_files; i++) {
		struct zap_file_change *f = &plan->files[i];
		int rc = f->content ? zap_store_replace(f->path, f->content) :
				      zap_store_delete(f->path);

		f->result = rc ? ZAP_WRITE_FAILED : ZAP_WRITE_OK;
		f->errnum = -rc;
		if (!rc)
			continue;
		*failed = i;
		for (size_t j = i; j-- > 0;) {
			struct zap_file_change *g = &plan->files[j];
			int urc = g->old_content ?
				  zap_store_replace(g->path, g->old_content) :
				  zap_store_delete(g->path);

			g->result = urc ? ZAP_WRITE_UNDO_FAILED :
					  ZAP_WRITE_UNDONE;
			if (urc) {
				g->errnum = -urc;
				*restored = false;
			}
		}
		return rc;
	}
	return 0;
}

/* A file write failed: undo the sysfs writes too, and say what is left. */
static int files_failed(struct zap_plan *plan, const struct zap_paths *paths,
			const struct zap_apply_options *options, size_t failed,
			bool restored, int rc, struct zap_error *err)
{
	const struct zap_file_change *f = &plan->files[failed];
	size_t left = plan->nr_writes ? roll_back(plan, plan->nr_writes,
						  options) : 0;
	char what[400];

	if (left || !restored) {
		/* the journal stays while sysfs writes are left */
		if (!left && plan->nr_writes)
			zap_journal_end(paths);
		describe_left(plan, what, sizeof(what));
		return zap_error_set(err, -rc, ZAP_STATUS_ROLLBACK,
				     "writing %s failed: %s (%s); the rollback failed too: %s",
				     f->path, strerror(-rc),
				     strerrorname_np(-rc) ?
				     strerrorname_np(-rc) : "?", what);
	}
	if (plan->nr_writes)
		zap_journal_end(paths);
	return zap_error_set(err, -rc, ZAP_STATUS_WRITE,
			     "writing %s failed: %s (%s); %zu sysfs write%s and %zu file%s undone",
			     f->path, strerror(-rc),
			     strerrorname_np(-rc) ? strerrorname_np(-rc) : "?",
			     plan->nr_writes, plan->nr_writes == 1 ? "" : "s",
			     failed, failed == 1 ? "" : "s");
}

/* Write the plan: sysfs in order, journaled, then the files; undo on failure. */
static int write_plan(struct zap_plan *plan, const struct zap_paths *paths,
		      const struct zap_apply_options *options,
		      struct zap_error *err)
{
	size_t failed = 0;
	bool restored, mismatch;
	char left[400], now[700];
	int rc;

	if (plan->nr_writes) {
		rc = zap_journal_begin(paths, plan, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < plan->nr_writes; i++) {
		struct zap_write *w = &plan->writes[i];

		if (matrix_changed(w, now, sizeof(now))) {
			if (roll_back(plan, i, options)) {
				describe_left(plan, left, sizeof(left));
				return zap_error_set(err, ESTALE, ZAP_STATUS_ROLLBACK,
						     "another writer changed %s since it was read (now %s): not written; the rollback failed: %s",
						     w->path, now, left);
			}
			zap_journal_end(paths);
			return zap_error_set(err, ESTALE, ZAP_STATUS_WRITE,
					     "another writer changed %s since it was read (now %s): not written, %zu earlier write%s undone",
					     w->path, now, i, i == 1 ? "" : "s");
		}
		rc = zap_write_one(w->kind, w->path, w->value);
		mismatch = rc > 0;
		if (mismatch)
			rc = -EIO;
		w->result = rc ? ZAP_WRITE_FAILED : ZAP_WRITE_OK;
		w->errnum = -rc;
		if (rc == 0)
			zap_journal_done(paths, i);
		if (options && options->on_write)
			options->on_write(w, options->data);
		if (rc == 0)
			continue;
		/* a write that reads back different is in effect: undo it too */
		if (mismatch) {
			w->result = ZAP_WRITE_OK;
			if (roll_back(plan, i + 1, options) == 0) {
				zap_journal_end(paths);
				return zap_error_set(err, EIO, ZAP_STATUS_WRITE,
						     "writing '%s' to %s read back a different value (EIO); it and %zu earlier write%s undone",
						     w->value, w->path, i,
						     i == 1 ? "" : "s");
			}
		} else if (roll_back(plan, i, options) == 0) {
			zap_journal_end(paths);
			return zap_error_set(err, -rc, ZAP_STATUS_WRITE,
					     "writing '%s' to %s failed: %s (%s); %zu earlier write%s undone",
					     w->value, w->path,
					     zap_write_errno_text(-rc),
					     strerrorname_np(-rc) ?
					     strerrorname_np(-rc) : "?", i,
					     i == 1 ? "" : "s");
		}
		/* the journal stays: chzap --recover can try again */
		describe_left(plan, left, sizeof(left));
		return zap_error_set(err, -rc, ZAP_STATUS_ROLLBACK,
				     "writing '%s' to %s failed: %s (%s); the rollback failed too: %s",
				     w->value, w->path,
				     mismatch ? "read back a different value" :
				     zap_write_errno_text(-rc),
				     strerrorname_np(-rc) ?
				     strerrorname_np(-rc) : "?", left);
	}
	rc = zap_plan_write_files(plan, &failed, &restored);
	if (rc)
		return files_failed(plan, paths, options, failed, restored, rc,
				    err);
	if (plan->nr_writes)
		zap_journal_end(paths);
	return 0;
}

/* Lock, re-load, re-validate, write, read back, undo on failure. */
ZAP_EXPORT int zap_plan_apply(struct zap_plan **plan,
			      const struct zap_paths *paths,
			      const struct zap_apply_options *options,
			      struct zap_error *err)
{
	struct zap_change change = (*plan)->change;
	struct zap_model *model = NULL;
	struct zap_plan *fresh = NULL;
	struct zap_lock lock = { 0 };
	unsigned int timeout = options ? options->lock_timeout_ms : 0;
	int rc;

	rc = zap_lock_acquire(&lock, paths, timeout, err);
	if (rc)
		return rc;
	/* no live run has a temp file now: those there are dead runs' */
	zap_store_remove_dead_temps(paths);
	/* a foreign change of a matrix (-ESTALE, all undone): rebuild once */
	for (int attempt = 0; attempt < 2; attempt++) {
		zap_model_free(model);
		model = NULL;
		rc = zap_model_load(&model, paths,
				    zap_change_load_flags(change.kind) |
				    (options && options->choose ?
				     options->choose_load : 0), err);
		/* ids chosen by the caller: choose them again, under the lock */
		if (!rc && options && options->choose)
			rc = options->choose(&change, model,
					     options->choose_data, err);
		if (!rc)
			rc = zap_plan_build(model, &change, &fresh, err);
		if (rc)
			break;
		zap_plan_free(*plan);
		*plan = fresh;
		// NOLINTNEXTLINE(clang-analyzer-core.NullDereference): zap_plan_build() sets *result when it returns 0
		if (fresh->refusals.count)
			rc = zap_error_set(err, EPERM, ZAP_STATUS_REFUSED, "%s",
					   fresh->refusals.items[0].message);
		else if (!fresh->nothing_to_do)
			rc = write_plan(fresh, paths, options, err);
		if (rc != -ESTALE || (err && err->status != ZAP_STATUS_WRITE))
			break;
	}
	zap_model_free(model);
	zap_lock_release(&lock);
	return rc;
}

/* Write a plan built and judged under the caller's lock; see internal.h. */
int zap_plan_write(struct zap_plan *plan, const struct zap_paths *paths,
		   const struct zap_apply_options *options,
		   struct zap_error *err)
{
	return write_plan(plan, paths, options, err);
}
