// SPDX-License-Identifier: MIT
/*
 * journal.c - crash consistency of a change: before its first sysfs write,
 * zap_plan_apply() records the plan (each write and the write that undoes
 * it) in run/zap/journal, appends "done N" after each write, and removes the
 * journal when the change is complete or undone. A journal whose process is
 * gone is an unfinished change: zap_journal_recover() undoes or completes it.
 *
 * Format (one line each, fields of "write" separated by tabs):
 *   zap-journal 1
 *   pid 1234
 *   start 56789          (the process's start time, /proc/PID/stat field 22)
 *   change assign 11111111-1111-4111-8111-111111111111
 *   write PATH VALUE UNDO-PATH UNDO-VALUE
 *   undo KIND PATH VALUE   (a remove's undo, in order: create, the matrix)
 *   done 0
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAX_JOURNAL (1024 * 1024)

static const char *const change_names[] = {
	[ZAP_CHANGE_ASSIGN] = "assign",
	[ZAP_CHANGE_UNASSIGN] = "unassign",
	[ZAP_CHANGE_CREATE] = "create",
	[ZAP_CHANGE_REMOVE] = "remove",
	[ZAP_CHANGE_TO_VFIO] = "to-vfio",
	[ZAP_CHANGE_TO_HOST] = "to-host",
	[ZAP_CHANGE_AUTOSTART] = "autostart",
};

/* The journal's names of enum zap_write_kind ("write KIND\t..."). */
static const char *const kind_names[] = {
	[ZAP_WRITE_MASK] = "mask",
	[ZAP_WRITE_AP_CONFIG] = "ap_config",
	[ZAP_WRITE_ASSIGN] = "assign",
	[ZAP_WRITE_UNASSIGN] = "unassign",
	[ZAP_WRITE_CREATE] = "create",
	[ZAP_WRITE_REMOVE] = "remove",
};

/* Can a field be stored in a journal line? */
static bool storable(const char *s)
{
	return !strpbrk(s, "\t\n");
}

/*
 * Remove "journal.<pid>" temp files of processes that died before their
 * rename (nothing was written to sysfs then). Called under the lock.
 */
static void remove_stale_temps(const char *journal)
{
	char dir[sizeof(((struct zap_paths *)0)->journal)], path[sizeof(dir) + 300];
	const char *base = strrchr(journal, '/');
	size_t base_len;
	struct dirent *de;
	DIR *dh;

	if (!base)
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - journal), journal);
	base++;
	base_len = strlen(base);
	dh = opendir(dir);
	if (!dh)
		return;
	while ((de = readdir(dh))) {
		char *end;
		unsigned long pid;

		if (strncmp(de->d_name, base, base_len) ||
		    de->d_name[base_len] != '.')
			continue;
		pid = strtoul(de->d_name + base_len + 1, &end, 10);
		if (*end || pid == 0 || pid > INT_MAX)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(dh);
}

/* Read the attribute @name of the mdev directory @dir into @buf. */
static int read_mdev_attr(const char *dir, const char *name, char *buf,
			  size_t size, size_t *len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return zap_sysfs_read_at(AT_FDCWD, path, buf, size, len);
}

/*
 * The undo of a remove (its mdev is still there: we hold the lock), as
 * "undo" lines after its write: create with the same UUID, then its
 * matrix and control domains (ap_config, else assign_* writes). Nothing
 * when the mdev cannot be read (its undo then stays none).
 */
static void remove_undo(const struct zap_paths *paths,
			const struct zap_write *w, FILE *f)
{
	static const char *const attrs[] = {
		"assign_adapter", "assign_domain", "assign_control_domain",
	};
	const char *formats[] = { "0x%02x", "0x%04x", "0x%04x" };
	char dir[sizeof(w->path)], buf[4096];
	struct zap_bitmap control, *lists[3];
	struct zap_apqn_set set;
	const char *uuid;
	char *slash;
	size_t len;
	unsigned int id;

	snprintf(dir, sizeof(dir), "%s", w->path);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	uuid = strrchr(dir, '/');
	if (!uuid)
		return;
	uuid++;
	if (read_mdev_attr(dir, "ap_config", buf, sizeof(buf), &len) == 0 &&
	    zap_ap_config_parse(buf, len, &set, &control) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(f, "undo create\t%s/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create\t%s\n",
			paths->sysfs, uuid);
		fprintf(f, "undo ap_config\t%s/ap_config\t%s\n", dir, buf);
		return;
	}
	if (read_mdev_attr(dir, "matrix", buf, sizeof(buf), &len) ||
	    zap_matrix_parse(buf, len, &set) ||
	    read_mdev_attr(dir, "control_domains", buf, sizeof(buf), &len) ||
	    zap_control_domains_parse(buf, len, &control))
		return;
	fprintf(f, "undo create\t%s/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create\t%s\n",
		paths->sysfs, uuid);
	lists[0] = &set.adapters;
	lists[1] = &set.domains;
	lists[2] = &control;
	for (int a = 0; a < 3; a++)
		zap_for_each_set_bit(id, lists[a]) {
			fprintf(f, "undo assign\t%s/%s\t", dir, attrs[a]);
			fprintf(f, formats[a], id);
			fputc('\n', f);
		}
}

/*
 * Record @plan before its first write: a new temp file (never through a
 * symlink, in a directory only root can write), fsync, then a rename to
 * the journal's name that never replaces an existing journal.
 */
int zap_journal_begin(const struct zap_paths *paths,
		      const struct zap_plan *plan, struct zap_error *err)
{
	char tmp[sizeof(paths->journal) + 32], why[PATH_MAX + 80];
	FILE *f = NULL;
	int rc, fd;

	rc = zap_store_mkdir_parents(paths->journal, 0700);
	if (rc)
		return zap_error_set(err, -rc, ZAP_STATUS_WRITE,
				     "cannot create the directory of %s: %s",
				     paths->journal, strerror(-rc));
	if (zap_store_check_own_dir(paths->journal, why, sizeof(why)))
		return zap_error_set(err, EPERM, ZAP_STATUS_REFUSED,
				     "refusing to write the journal: %s", why);
	remove_stale_temps(paths->journal);
	snprintf(tmp, sizeof(tmp), "%s.%d", paths->journal, (int)getpid());
	/* a file of our PID is a dead run's or planted: unlink, not follow */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return zap_error_set(err, -rc, ZAP_STATUS_WRITE,
				     "cannot write %s: %s", tmp, strerror(-rc));
	}
	fprintf(f, "zap-journal 2\npid %d\n", (int)getpid());
	if (zap_process_start(getpid()))
		fprintf(f, "start %llu\n", zap_process_start(getpid()));
	fprintf(f, "change %s %s\n",
		change_names[plan->change.kind], plan->change.uuid[0] ?
		plan->change.uuid : "-");
	for (size_t i = 0; i < plan->nr_writes; i++) {
		const struct zap_write *w = &plan->writes[i];

		if (!storable(w->path) || !storable(w->value) ||
		    !storable(w->undo_path) || !storable(w->undo_value)) {
			fclose(f);
			unlink(tmp);
			return zap_error_set(err, EINVAL, ZAP_STATUS_USAGE,
					     "path with a tab or newline: %s",
					     w->path);
		}
		fprintf(f, "write %s\t%s\t%s\t%s\t%s\n", kind_names[w->kind],
			w->path, w->value, w->undo_path, w->undo_value);
		if (w->kind == ZAP_WRITE_REMOVE)
			remove_undo(paths, w, f);
	}
	rc = fflush(f) || fsync(fileno(f)) ? -errno : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	/* never replace a journal: RENAME_NOREPLACE, else link() */
	if (!rc && renameat2(AT_FDCWD, tmp, AT_FDCWD, paths->journal,
			     RENAME_NOREPLACE)) {
		rc = -errno;
		if (rc == -EINVAL)
			rc = link(tmp, paths->journal) ? -errno : 0;
	}
	unlink(tmp);
	if (rc == -EEXIST)
		return zap_error_set(err, EEXIST, ZAP_STATUS_REFUSED,
				     "%s exists: an unfinished change (lszap --check, chzap --recover)",
				     paths->journal);
	if (rc)
		return zap_error_set(err, -rc, ZAP_STATUS_WRITE,
				     "cannot write the journal %s: %s",
				     paths->journal, strerror(-rc));
	zap_store_sync_parent(paths->journal);
	return 0;
}

/* Append "done INDEX". */
int zap_journal_done(const struct zap_paths *paths, size_t index)
{
	char line[32];
	int fd, n, rc = 0;

	fd = open(paths->journal, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(line, sizeof(line), "done %zu\n", index);
	if (write(fd, line, (size_t)n) != n)
		rc = -EIO;
	close(fd);
	return rc;
}

/* Remove the journal. */
void zap_journal_end(const struct zap_paths *paths)
{
	unlink(paths->journal);
}

/* A parsed journal: the info, its writer's start time and its writes. */
struct journal {
	struct zap_journal_info info;
	unsigned long long start;
	struct zap_write *writes;
	bool *done;
	struct zap_write *undos; /* "undo" lines: a remove's undo */
	size_t *undo_of;         /* the index of the write each undoes */
	size_t nr_undos;
};

/*
 * The kind of a write of a version 1 journal, which did not record it:
 * the attribute's name (only such journals are read this way).
 */
static int legacy_kind(const char *path, enum zap_write_kind *kind)
{
	const char *name = strrchr(path, '/');

	name = name ? name + 1 : path;
	if (!strcmp(name, "apmask") || !strcmp(name, "aqmask"))
		*kind = ZAP_WRITE_MASK;
	else if (!strcmp(name, "ap_config"))
		*kind = ZAP_WRITE_AP_CONFIG;
	else if (!strncmp(name, "assign_", 7))
		*kind = ZAP_WRITE_ASSIGN;
	else if (!strncmp(name, "unassign_", 9))
		*kind = ZAP_WRITE_UNASSIGN;
	else if (!strcmp(name, "create"))
		*kind = ZAP_WRITE_CREATE;
	else if (!strcmp(name, "remove"))
		*kind = ZAP_WRITE_REMOVE;
	else
		return -EINVAL;
	return 0;
}

/*
 * Split a "write" line into @w: KIND, path, value, undo path, undo value,
 * tab-separated (@version 1: without KIND).
 */
static int parse_write(char *fields, int version, struct zap_write *w)
{
	char *f[5] = { NULL };
	int n = version == 1 ? 4 : 5;
	char **v = f + (n - 4); /* path, value, undo path, undo value */

	for (int i = 0; i < n; i++) {
		f[i] = strsep(&fields, "\t");
		if (!f[i])
			return -EINVAL;
	}
	if (fields || !v[0][0] || !v[1][0])
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	if (zap_path_format(w->path, sizeof(w->path), "%s", v[0]) ||
	    zap_path_format(w->value, sizeof(w->value), "%s", v[1]) ||
	    zap_path_format(w->undo_path, sizeof(w->undo_path), "%s", v[2]) ||
	    zap_path_format(w->undo_value, sizeof(w->undo_value), "%s", v[3]))
		return -EINVAL;
	if (version == 1)
		return legacy_kind(w->path, &w->kind);
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(f[0], kind_names[i]) == 0) {
			w->kind = (enum zap_write_kind)i;
			return 0;
		}
	return -EINVAL;
}

/*
 * Can a plan contain a write of @kind to @path? Only the AP attributes
 * under the current SYSFS_ROOT: the bus masks, the create file of
 * vfio_ap-passthrough, and the attributes of an mdev (UUID) of the matrix
 * device, whose name must be @kind's (legacy_kind()).
 */
static bool plan_path(const struct zap_paths *paths, const char *path,
		      enum zap_write_kind kind)
{
	static const char *const fixed[] = {
		"bus/ap/apmask",
		"bus/ap/aqmask",
		"devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
	};
	static const char mdev_dir[] = "devices/vfio_ap/matrix/";
	size_t root_len = strlen(paths->sysfs);
	char uuid[ZAP_UUID_STRLEN + 1];
	enum zap_write_kind named;
	const char *rel, *slash;

	if (strncmp(path, paths->sysfs, root_len) || path[root_len] != '/' ||
	    legacy_kind(path, &named) || named != kind)
		return false;
	rel = path + root_len + 1;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(rel, fixed[i]))
			return true;
	if (strncmp(rel, mdev_dir, strlen(mdev_dir)))
		return false;
	rel += strlen(mdev_dir);
	slash = strchr(rel, '/');
	if (!slash || (size_t)(slash - rel) >= sizeof(uuid) ||
	    strchr(slash + 1, '/') || !strcmp(slash + 1, "create"))
		return false;
	snprintf(uuid, sizeof(uuid), "%.*s", (int)(slash - rel), rel);
	return zap_uuid_parse(uuid, uuid, NULL) == 0 &&
	       !strncmp(uuid, rel, (size_t)(slash - rel));
}

/* Are all the paths of @j ones a plan can contain (plan_path())? */
static bool plan_paths(const struct zap_paths *paths, const struct journal *j)
{
	for (size_t i = 0; i < j->info.nr_writes; i++) {
		const struct zap_write *w = &j->writes[i];

		if (!plan_path(paths, w->path, w->kind) ||
		    (w->undo_path[0] &&
		     !plan_path(paths, w->undo_path,
				zap_write_undo_kind(w->kind))))
			return false;
	}
	for (size_t i = 0; i < j->nr_undos; i++)
		if (!plan_path(paths, j->undos[i].path, j->undos[i].kind))
			return false;
	return true;
}

/* Parse an "undo KIND\tPATH\tVALUE" line of the write @of into @j. */
static int parse_undo(char *fields, size_t of, struct journal *j)
{
	char *kind = strsep(&fields, "\t"), *path = strsep(&fields, "\t");
	struct zap_write *u, *w;
	size_t *o;

	if (!kind || !path || !fields || strchr(fields, '\t') || !*fields)
		return -EINVAL;
	w = realloc(j->undos, (j->nr_undos + 1) * sizeof(*w));
	if (w)
		j->undos = w;
	o = realloc(j->undo_of, (j->nr_undos + 1) * sizeof(*o));
	if (o)
		j->undo_of = o;
	if (!w || !o)
		return -ENOMEM;
	u = &j->undos[j->nr_undos];
	memset(u, 0, sizeof(*u));
	if (zap_path_format(u->path, sizeof(u->path), "%s", path) ||
	    zap_path_format(u->value, sizeof(u->value), "%s", fields))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (kind_names[i] && strcmp(kind, kind_names[i]) == 0) {
			u->kind = (enum zap_write_kind)i;
			j->undo_of[j->nr_undos++] = of;
			return 0;
		}
	return -EINVAL;
}

/* Parse the journal text @buf (modified in place). */
static int parse_journal(char *buf, struct journal *j)
{
	char *line, *rest = buf, *end;
	size_t nr = 0, allocated = 0;
	bool header = false;
	int version = 2;
	unsigned long v;

	while ((line = strsep(&rest, "\n"))) {
		if (!*line)
			continue;
		if (!header) {
			if (strcmp(line, "zap-journal 1") == 0)
				version = 1;
			else if (strcmp(line, "zap-journal 2"))
				return -EINVAL;
			header = true;
		} else if (strncmp(line, "pid ", 4) == 0) {
			v = strtoul(line + 4, &end, 10);
			if (*end || v == 0 || v > INT_MAX)
				return -EINVAL;
			j->info.pid = (int)v;
		} else if (strncmp(line, "start ", 6) == 0) {
			j->start = strtoull(line + 6, &end, 10);
			if (*end || !j->start)
				return -EINVAL;
		} else if (strncmp(line, "change ", 7) == 0) {
			snprintf(j->info.change, sizeof(j->info.change), "%s",
				 line + 7);
		} else if (strncmp(line, "write ", 6) == 0) {
			if (nr == allocated) {
				size_t n = allocated ? allocated * 2 : 8;
				struct zap_write *w = realloc(j->writes,
							      n * sizeof(*w));
				bool *d = realloc(j->done, n * sizeof(*d));

				if (w)
					j->writes = w;
				if (d)
					j->done = d;
				if (!w || !d)
					return -ENOMEM;
				allocated = n;
			}
			if (parse_write(line + 6, version, &j->writes[nr]))
				return -EINVAL;
			j->done[nr++] = false;
		} else if (strncmp(line, "undo ", 5) == 0) {
			if (!nr || parse_undo(line + 5, nr - 1, j))
				return -EINVAL;
		} else if (strncmp(line, "done ", 5) == 0) {
			v = strtoul(line + 5, &end, 10);
			if (*end || v >= nr)
				return -EINVAL;
			j->done[v] = true;
		} else {
			return -EINVAL;
		}
	}
	if (!header || !j->info.pid)
		return -EINVAL;
	j->info.nr_writes = nr;
	for (size_t i = 0; i < nr; i++)
		j->info.nr_done += j->done[i];
	return 0;
}

/* Read and parse paths->journal into @j. */
static int load_journal(const struct zap_paths *paths, struct journal *j,
			struct zap_error *err)
{
	char *buf = malloc(MAX_JOURNAL + 1);
	size_t len;
	int rc;

	memset(j, 0, sizeof(*j));
	if (!buf)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	rc = zap_sysfs_read_at(AT_FDCWD, paths->journal, buf, MAX_JOURNAL + 1,
			       &len);
	if (rc == -ENOENT) {
		free(buf);
		return 0;
	}
	j->info.present = true;
	if (rc == 0)
		rc = parse_journal(buf, j);
	/* recovery writes nothing but what a plan can contain */
	if (rc == 0 && !plan_paths(paths, j))
		rc = -EINVAL;
	free(buf);
	if (rc) {
		snprintf(j->info.problem, sizeof(j->info.problem), "%s",
			 rc == -EINVAL ? "malformed journal" : strerror(-rc));
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND, "%s: %s",
				     paths->journal, j->info.problem);
	}
	j->info.alive = kill(j->info.pid, 0) == 0 || errno == EPERM;
	/* a PID now naming a process started at another time: reused */
	if (j->info.alive && j->start) {
		unsigned long long now = zap_process_start(j->info.pid);

		j->info.alive = !now || now == j->start;
	}
	return 0;
}

/* Read the journal's summary. */
ZAP_EXPORT int zap_journal_read(const struct zap_paths *paths,
				struct zap_journal_info *info,
				struct zap_error *err)
{
	struct journal j;
	int rc = load_journal(paths, &j, err);

	*info = j.info;
	free(j.writes);
	free(j.done);
	free(j.undos);
	free(j.undo_of);
	return rc;
}

/* Does the mdev directory a create write would make exist already? */
static bool created_already(const struct zap_write *w)
{
	char dir[sizeof(w->path) + 64], *types;
	struct stat st;

	/* .../matrix/mdev_supported_types/vfio_ap-passthrough/create */
	if (w->kind != ZAP_WRITE_CREATE)
		return false;
	snprintf(dir, sizeof(dir), "%s", w->path);
	types = strstr(dir, "/mdev_supported_types/");
	if (!types)
		return false;
	snprintf(types, sizeof(dir) - (size_t)(types - dir), "/%s", w->value);
	return stat(dir, &st) == 0;
}

/* Is the mdev a remove write would remove gone already (made)? */
static bool removed_already(const struct zap_write *w)
{
	char dir[sizeof(w->path)], *slash;
	struct stat st;

	if (w->kind != ZAP_WRITE_REMOVE)
		return false;
	snprintf(dir, sizeof(dir), "%s", w->path);
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return stat(dir, &st) && errno == ENOENT;
}

/* Build the recovery writes of @j into @plan. */
static int recovery_writes(const struct journal *j, enum zap_recover_mode mode,
			   struct zap_plan *plan)
{
	size_t n = j->info.nr_writes, first_not_done = n;

	plan->writes = calloc(n + j->nr_undos + 1, sizeof(*plan->writes));
	if (!plan->writes)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!j->done[i]) {
			first_not_done = i;
			break;
		}
	if (mode == ZAP_RECOVER_COMPLETE) {
		for (size_t i = first_not_done; i < n; i++) {
			if (j->done[i] || created_already(&j->writes[i]) ||
			    removed_already(&j->writes[i]))
				continue;
			plan->writes[plan->nr_writes++] = j->writes[i];
		}
		return 0;
	}
	/*
	 * Undo what was done, and the first write not marked done too: the
	 * process may have died between the write and its "done" line; undoing
	 * a write that was not made is harmless (unassigning an id that is not
	 * assigned, writing back the mask in force, removing a missing mdev).
	 */
	for (size_t i = first_not_done < n ? first_not_done + 1 : n; i-- > 0;) {
		const struct zap_write *w = &j->writes[i];
		struct zap_write *u;
		bool listed = false;

		/* a remove's undo: create, then the matrix, in order */
		for (size_t k = 0; k < j->nr_undos; k++)
			if (j->undo_of[k] == i) {
				plan->writes[plan->nr_writes++] = j->undos[k];
				listed = true;
			}
		if (listed || !w->undo_path[0])
			continue;
		u = &plan->writes[plan->nr_writes++];
		memset(u, 0, sizeof(*u));
		u->kind = zap_write_undo_kind(w->kind);
		memcpy(u->path, w->undo_path, sizeof(u->path));
		memcpy(u->value, w->undo_value, sizeof(u->value));
	}
	return 0;
}

/* The kind and mdev of the journal's change line ("assign UUID"). */
static void recovered_change(const struct zap_journal_info *info,
			     struct zap_change *change)
{
	const char *space = strchr(info->change, ' ');
	size_t n = space ? (size_t)(space - info->change) : 0;

	for (size_t k = 0; k < sizeof(change_names) / sizeof(change_names[0]); k++)
		if (change_names[k] && strlen(change_names[k]) == n &&
		    strncmp(info->change, change_names[k], n) == 0)
			change->kind = (enum zap_change_kind)k;
	if (space)
		zap_uuid_parse(space + 1, change->uuid, NULL);
}

/* Undo or complete the unfinished change of a dead chzap. */
ZAP_EXPORT int zap_journal_recover(const struct zap_paths *paths,
				   enum zap_recover_mode mode,
				   const struct zap_apply_options *options,
				   struct zap_plan **result,
				   struct zap_error *err)
{
	struct zap_lock lock = { 0 };
	struct zap_plan *plan;
	struct journal j = { 0 };
	int rc;

	if (result)
		*result = NULL;
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	rc = zap_lock_acquire(&lock, paths,
			      options ? options->lock_timeout_ms : 0, err);
	if (rc)
		goto out;
	remove_stale_temps(paths->journal);
	zap_store_remove_dead_temps(paths);
	rc = load_journal(paths, &j, err);
	if (rc)
		goto out;
	if (!j.info.present) {
		plan->nothing_to_do = true;
		goto out;
	}
	if (j.info.alive && j.info.pid != (int)getpid()) {
		rc = zap_error_set(err, EBUSY, ZAP_STATUS_REFUSED,
				   "the change in %s belongs to process %d, which still runs",
				   paths->journal, j.info.pid);
		goto out;
	}
	recovered_change(&j.info, &plan->change);
	rc = recovery_writes(&j, mode, plan);
	if (rc) {
		rc = zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				   "out of memory");
		goto out;
	}
	for (size_t i = 0; i < plan->nr_writes; i++) {
		struct zap_write *w = &plan->writes[i];
		int wrc = zap_write_one(w->kind, w->path, w->value);

		/* a device that is gone needs no undo */
		if (wrc == -ENOENT && mode == ZAP_RECOVER_UNDO)
			wrc = 0;
		/* an mdev there still: its remove was not made */
		if (wrc == -EEXIST && w->kind == ZAP_WRITE_CREATE &&
		    mode == ZAP_RECOVER_UNDO)
			wrc = 0;
		if (wrc > 0)
			wrc = -EIO;
		w->result = wrc ? ZAP_WRITE_FAILED : ZAP_WRITE_OK;
		w->errnum = -wrc;
		if (options && options->on_write)
			options->on_write(w, options->data);
		if (wrc) {
			rc = zap_error_set(err, -wrc, ZAP_STATUS_WRITE,
					   "recovery: writing '%s' to %s failed: %s; the journal %s is kept",
					   w->value, w->path,
					   zap_write_errno_text(-wrc),
					   paths->journal);
			goto out;
		}
	}
	zap_journal_end(paths);
out:
	free(j.writes);
	free(j.done);
	free(j.undos);
	free(j.undo_of);
	zap_lock_release(&lock);
	if (result)
		*result = plan;
	else
		zap_plan_free(plan);
	return rc;
}
