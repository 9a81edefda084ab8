// SPDX-License-Identifier: MIT
/*
 * mdevs.c - loading vfio_ap's mdevs from sysfs (matrix, control domains,
 * ap_config, guest_matrix, whether a guest uses them) and merging them with
 * the mdevctl definitions into model->mdevs; the parsers of the kernel's
 * matrix, control_domains and ap_config texts.
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The value of the hex digit @c (either case), -1 if it is none. */
static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parse one hex field of @len digits; -1 if malformed. */
static int hex_field(const char *s, size_t len)
{
	int v = 0, digit;

	for (size_t i = 0; i < len; i++) {
		digit = hex_digit((unsigned char)s[i]);
		if (digit < 0)
			return -1;
		v = v * 16 + digit;
	}
	return v;
}

/* matrix / guest_matrix: "aa.dddd", "aa." or ".dddd" lines. */
int zap_matrix_parse(const char *buf, size_t len, struct zap_apqn_set *set)
{
	const char *s = buf, *end = buf + len, *nl;
	bool has_a, has_d;
	int a, d;

	zap_bitmap_zero(&set->adapters);
	zap_bitmap_zero(&set->domains);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			return -EINVAL;
		has_a = has_d = false;
		a = d = 0;
		if (nl - s == 7 && s[2] == '.') {
			has_a = has_d = true;
			a = hex_field(s, 2);
			d = hex_field(s + 3, 4);
		} else if (nl - s == 3 && s[2] == '.') {
			has_a = true;
			a = hex_field(s, 2);
		} else if (nl - s == 5 && s[0] == '.') {
			has_d = true;
			d = hex_field(s + 1, 4);
		} else {
			return -EINVAL;
		}
		if (a < 0 || d < 0 || d > ZAP_MAX_ID)
			return -EINVAL;
		if (has_a)
			zap_bitmap_set(&set->adapters, (unsigned int)a);
		if (has_d)
			zap_bitmap_set(&set->domains, (unsigned int)d);
		s = nl + 1;
	}
	return 0;
}

/* control_domains: "%04x\n" lines. */
int zap_control_domains_parse(const char *buf, size_t len,
			      struct zap_bitmap *domains)
{
	const char *s = buf, *end = buf + len, *nl;
	int d;

	zap_bitmap_zero(domains);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl || nl - s != 4)
			return -EINVAL;
		d = hex_field(s, 4);
		if (d < 0 || d > ZAP_MAX_ID)
			return -EINVAL;
		zap_bitmap_set(domains, (unsigned int)d);
		s = nl + 1;
	}
	return 0;
}

/* ap_config: three kernel masks joined by ',' and a final "\n". */
int zap_ap_config_parse(const char *buf, size_t len, struct zap_apqn_set *set,
			struct zap_bitmap *control)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 3 * 66 + 2 || buf[66] != ',' || buf[133] != ',')
		return -EINVAL;
	if (zap_sysfs_parse_mask(buf, 66, &set->adapters) ||
	    zap_sysfs_parse_mask(buf + 67, 66, &set->domains) ||
	    zap_sysfs_parse_mask(buf + 134, 66, control))
		return -EINVAL;
	return 0;
}

/*
 * Read one of an mdev's list attributes; false if unusable. @absent: set
 * (and nothing recorded) when the attribute does not exist, which this
 * kernel may not have; NULL when it must exist.
 */
static bool read_mdev_attr(struct zap_model *model, int fd, const char *dir,
			   const char *name, char *buf, size_t size,
			   size_t *len, bool *absent)
{
	int rc = zap_sysfs_read_at(fd, name, buf, size, len);

	if (absent)
		*absent = rc == -ENOENT;
	if (rc == -ENOENT && absent)
		return false;
	if (rc) {
		((struct zap_model_priv *)model->priv)->vanished += rc == -ENOENT;
		zap_model_unreadable(model, "%s/%s: %s", dir, name,
				     rc == -ENOENT ? "vanished while reading" :
				     zap_read_error(rc));
		return false;
	}
	return true;
}

/* Load one active mdev directory, reading its files into @buf of @size. */
static void load_mdev(struct zap_model *model, int fd, const char *dir,
		      struct zap_mdev *mdev, char *buf, size_t size)
{
	size_t len;
	bool absent;

	/* ap_config (6.13+) when there is one, else matrix and control_domains */
	if (read_mdev_attr(model, fd, dir, "ap_config", buf, size, &len,
			   &absent) &&
	    zap_ap_config_parse(buf, len, &mdev->matrix,
				&mdev->control_domains))
		zap_model_unreadable(model, "%s/ap_config: invalid content",
				     dir);
	mdev->has_ap_config = !absent;
	if (absent) {
		if (read_mdev_attr(model, fd, dir, "matrix", buf, size, &len,
				   NULL) &&
		    zap_matrix_parse(buf, len, &mdev->matrix))
			zap_model_unreadable(model, "%s/matrix: invalid content",
					     dir);
		if (read_mdev_attr(model, fd, dir, "control_domains", buf, size,
				   &len, NULL) &&
		    zap_control_domains_parse(buf, len, &mdev->control_domains))
			zap_model_unreadable(model,
					     "%s/control_domains: invalid content",
					     dir);
	}
	if (read_mdev_attr(model, fd, dir, "guest_matrix", buf, size, &len,
			   &absent) &&
	    zap_matrix_parse(buf, len, &mdev->guest))
		zap_model_unreadable(model, "%s/guest_matrix: invalid content",
				     dir);
	mdev->has_guest_matrix = !absent;
}

/* Sort mdevs by UUID. */
int zap_mdev_cmp(const void *x, const void *y)
{
	const struct zap_mdev *a = x, *b = y;

	return strcmp(a->uuid, b->uuid);
}

/* Append an mdev with @uuid; returns it or NULL. */
static struct zap_mdev *add_mdev(struct zap_model *model, size_t *allocated,
				 const char *uuid)
{
	struct zap_mdev *m;

	if (model->nr_mdevs == *allocated) {
		size_t n = *allocated ? *allocated * 2 : 16;
		struct zap_mdev *grown = realloc(model->mdevs, n * sizeof(*m));

		if (!grown)
			return NULL;
		model->mdevs = grown;
		*allocated = n;
	}
	m = &model->mdevs[model->nr_mdevs++];
	memset(m, 0, sizeof(*m));
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	m->in_use = ZAP_UNKNOWN;
	m->definition = -1;
	return m;
}

/* Is an mdev in use by a guest? Ask the status of one of its queues. */
static int probe_in_use(const struct zap_model *model,
			const struct zap_mdev *mdev)
{
	const struct zap_apqn_set *set = mdev->has_guest_matrix ?
		&mdev->guest : &mdev->matrix;
	unsigned int a, d, tries = 0;
	char path[800], buf[32];
	size_t len;

	zap_for_each_set_bit(a, &set->adapters) {
		zap_for_each_set_bit(d, &set->domains) {
			if (tries++ == 4)
				return ZAP_UNKNOWN;
			if (zap_path_format(path, sizeof(path),
					    "%s/devices/ap/card%02x/%02x.%04x/status",
					    model->paths.sysfs, a, a, d))
				return ZAP_UNKNOWN;
			if (zap_sysfs_read_at(AT_FDCWD, path, buf, sizeof(buf),
					      &len) == 0)
				return strcmp(buf, "in use\n") == 0;
		}
	}
	return mdev->has_guest_matrix && zap_apqn_set_empty(set) ? 0 :
	       ZAP_UNKNOWN;
}

/* Decide each active mdev's in_use from the queues' vfio_ap status. */
void zap_set_in_use(struct zap_model *model)
{
	struct zap_model_priv *priv = model->priv;

	for (size_t i = 0; i < model->nr_mdevs; i++) {
		struct zap_mdev *mdev = &model->mdevs[i];
		unsigned int a, d;
		bool known = false;

		if (!mdev->active)
			continue;
		if (!(model->loaded & ZAP_LOAD_QUEUE_STATUS)) {
			mdev->in_use = probe_in_use(model, mdev);
			continue;
		}
		mdev->in_use = 0;
		zap_for_each_set_bit(a, &mdev->matrix.adapters) {
			zap_for_each_set_bit(d, &mdev->matrix.domains) {
				int32_t q = priv->queue_index[a * ZAP_IDS + d];

				if (q < 0 || model->queues[q].status ==
					     ZAP_VFIO_STATUS_UNKNOWN)
					continue;
				known = true;
				if (model->queues[q].status ==
				    ZAP_VFIO_STATUS_IN_USE)
					mdev->in_use = 1;
			}
		}
		if (!known && !mdev->in_use)
			mdev->in_use = probe_in_use(model, mdev);
	}
}

/* Load every mdev of the vfio_ap matrix device. */
int zap_load_mdevs(struct zap_model *model, size_t *allocated,
		   struct zap_error *err)
{
	/* 65536 lines of "aa.dddd\n" at the most, one buffer for all */
	size_t size = ZAP_IDS * ZAP_IDS * 8 + 1;
	char dir[700], mdevdir[760], uuid[ZAP_UUID_STRLEN], *buf;
	struct dirent *de;
	DIR *dh;

	if (!model->bus.vfio_ap)
		return 0;
	if (zap_path_format(dir, sizeof(dir), "%s/devices/vfio_ap/matrix",
			    model->paths.sysfs))
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "sysfs path too long");
	dh = opendir(dir);
	if (!dh)
		return zap_model_unreadable(model, "%s: %s", dir, strerror(errno));
	buf = malloc(size);
	if (!buf) {
		closedir(dh);
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	while ((de = readdir(dh))) {
		struct zap_mdev *mdev;
		int fd;

		if (strlen(de->d_name) != ZAP_UUID_STRLEN - 1 ||
		    zap_uuid_parse(de->d_name, uuid, NULL))
			continue;
		snprintf(mdevdir, sizeof(mdevdir), "%s/%.36s", dir, de->d_name);
		fd = open(mdevdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			((struct zap_model_priv *)model->priv)->vanished +=
				errno == ENOENT;
			zap_model_unreadable(model, "%s: %s", mdevdir,
					     errno == ENOENT ?
					     "vanished while reading" :
					     strerror(errno));
			continue;
		}
		mdev = add_mdev(model, allocated, uuid);
		if (!mdev) {
			close(fd);
			closedir(dh);
			free(buf);
			return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
					     "out of memory");
		}
		mdev->active = true;
		load_mdev(model, fd, mdevdir, mdev, buf, size);
		close(fd);
	}
	closedir(dh);
	free(buf);
	if (model->nr_mdevs)
		qsort(model->mdevs, model->nr_mdevs, sizeof(*model->mdevs),
		      zap_mdev_cmp);
	return 0;
}

/* Join the definitions to the active mdevs; add the defined-only ones. */
int zap_merge_definitions(struct zap_model *model, size_t *allocated)
{
	size_t active = model->nr_mdevs;

	for (size_t i = 0; i < model->nr_definitions; i++) {
		const struct zap_definition *def = &model->definitions[i];
		struct zap_mdev key = { 0 }, *m;

		snprintf(key.uuid, sizeof(key.uuid), "%s", def->uuid);
		m = active ? bsearch(&key, model->mdevs, active, sizeof(key),
				     zap_mdev_cmp) : NULL;
		if (!m) {
			m = add_mdev(model, allocated, def->uuid);
			if (!m)
				return -ENOMEM;
			m->matrix = def->matrix;
			m->control_domains = def->control_domains;
			m->in_use = 0;
		}
		m->definition = (int)i;
	}
	if (model->nr_mdevs)
		qsort(model->mdevs, model->nr_mdevs, sizeof(*model->mdevs),
		      zap_mdev_cmp);
	return 0;
}

/* Index of the mdev @uuid (any case), -1 if none. */
ZAP_EXPORT int zap_model_find_mdev(const struct zap_model *model,
				   const char *uuid)
{
	struct zap_mdev key = { 0 }, *m;

	if (zap_uuid_parse(uuid, key.uuid, NULL) || !model->nr_mdevs)
		return -1;
	m = bsearch(&key, model->mdevs, model->nr_mdevs, sizeof(key), zap_mdev_cmp);
	return m ? (int)(m - model->mdevs) : -1;
}
