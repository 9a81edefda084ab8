// SPDX-License-Identifier: MIT
/*
 * model.c - loading the AP configuration of a host from sysfs into plain
 * structs: the AP bus, cards, queues, their drivers and states, vfio_ap and
 * its mdevs (mdevs.c), merged with the mdevctl definitions (mdevctl.c) and
 * chzdev's masks (chzdev.c); a model built in memory (zap_model_new()). Reads
 * only what the caller asks for (enum zap_load); a device that cannot be
 * read is recorded in model->unreadable instead of failing the whole load.
 *
 * Copyright zap developers 2026
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAX_UNREADABLE 1000

/* "CCA-Coproc", "Accelerator", "EP11-Coproc" or "Unknown". */
ZAP_EXPORT const char *zap_mode_name(enum zap_mode mode)
{
	switch (mode) {
	case ZAP_MODE_CCA:
		return "CCA-Coproc";
	case ZAP_MODE_ACCEL:
		return "Accelerator";
	case ZAP_MODE_EP11:
		return "EP11-Coproc";
	default:
		return "Unknown";
	}
}

/* "cex4queue", "vfio_ap", or NULL. */
ZAP_EXPORT const char *zap_driver_name(enum zap_driver driver)
{
	switch (driver) {
	case ZAP_DRIVER_CEX4QUEUE:
		return "cex4queue";
	case ZAP_DRIVER_VFIO_AP:
		return "vfio_ap";
	default:
		return NULL;
	}
}

/* "in use", "assigned", "unassigned", or NULL. */
ZAP_EXPORT const char *zap_vfio_status_name(enum zap_vfio_status status)
{
	switch (status) {
	case ZAP_VFIO_STATUS_IN_USE:
		return "in use";
	case ZAP_VFIO_STATUS_ASSIGNED:
		return "assigned";
	case ZAP_VFIO_STATUS_UNASSIGNED:
		return "unassigned";
	default:
		return NULL;
	}
}

/* Record one unreadable part of the configuration. */
int zap_model_unreadable(struct zap_model *model, const char *fmt, ...)
{
	char **grown, *line;
	va_list ap;
	int n;

	if (model->nr_unreadable >= MAX_UNREADABLE)
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	grown = realloc(model->unreadable,
			(model->nr_unreadable + 1) * sizeof(*grown));
	if (!grown) {
		free(line);
		return -ENOMEM;
	}
	model->unreadable = grown;
	model->unreadable[model->nr_unreadable++] = line;
	return 0;
}

/* Why a read failed, for messages. */
const char *zap_read_error(int rc)
{
	if (rc == -EINVAL)
		return "invalid content";
	if (rc == -EFBIG)
		return "file too large";
	return strerror(-rc);
}

/* ------------------------------------------------------------------ bus */

/* Read a required bus mask; errors fail the load. */
static int read_bus_mask(int busfd, const char *dir, const char *name,
			 struct zap_bitmap *mask, struct zap_error *err)
{
	char buf[256], quoted[200];
	size_t len;
	int rc;

	rc = zap_sysfs_read_at(busfd, name, buf, sizeof(buf), &len);
	if (rc)
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot read %s/%s: %s", dir, name,
				     zap_read_error(rc));
	if (zap_sysfs_parse_mask(buf, len, mask))
		return zap_error_set(err, EINVAL, ZAP_STATUS_NOT_FOUND,
				     "%s/%s: invalid mask '%s'", dir, name,
				     zap_quote(buf, len, quoted, sizeof(quoted)));
	return 0;
}

/* Read a required maximum id (0..255); errors fail the load. */
static int read_bus_max(int busfd, const char *dir, const char *name,
			unsigned int *max, struct zap_error *err)
{
	long long v;
	int rc;

	rc = zap_sysfs_read_int_at(busfd, name, &v);
	if (rc == 0 && (v < 0 || v > ZAP_MAX_ID))
		rc = -EINVAL;
	if (rc)
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot read %s/%s: %s", dir, name,
				     zap_read_error(rc));
	*max = (unsigned int)v;
	return 0;
}

/* Read an optional QCI mask ("not supported" or absent: no QCI). */
static bool read_qci_mask(struct zap_model *model, int busfd, const char *dir,
			  const char *name, struct zap_bitmap *mask)
{
	char buf[256], quoted[200];
	size_t len;

	if (zap_sysfs_read_at(busfd, name, buf, sizeof(buf), &len))
		return false;
	if (zap_sysfs_parse_mask(buf, len, mask) == 0)
		return true;
	if (strncmp(buf, "not supported", 13) != 0)
		zap_model_unreadable(model, "%s/%s: invalid mask '%s'", dir,
				     name, zap_quote(buf, len, quoted,
						     sizeof(quoted)));
	return false;
}

/* Does the blank-separated list @list hold @word? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* Load /sys/bus/ap and the vfio_ap parent. */
static int load_bus(struct zap_model *model, struct zap_error *err)
{
	struct zap_bus *bus = &model->bus;
	char dir[700], buf[256];
	struct stat st;
	long long v;
	size_t len;
	int busfd, rc;
	bool qa, qu, qc;

	rc = zap_path_format(dir, sizeof(dir), "%s/bus/ap", model->paths.sysfs);
	if (rc)
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "sysfs path too long: %s",
				     model->paths.sysfs);
	busfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (busfd < 0)
		return zap_error_set(err, errno, ZAP_STATUS_NOT_FOUND,
				     errno == ENOENT ?
				     "no AP bus: %s does not exist (no crypto adapters, or the ap module is not loaded)" :
				     "no AP bus: cannot open %s", dir);
	rc = read_bus_mask(busfd, dir, "apmask", &bus->apmask, err);
	if (!rc)
		rc = read_bus_mask(busfd, dir, "aqmask", &bus->aqmask, err);
	if (!rc)
		rc = read_bus_max(busfd, dir, "ap_max_adapter_id",
				  &bus->max_adapter_id, err);
	if (!rc)
		rc = read_bus_max(busfd, dir, "ap_max_domain_id",
				  &bus->max_domain_id, err);
	if (rc) {
		close(busfd);
		return rc;
	}
	bus->ap_domain = -1;
	if (zap_sysfs_read_int_at(busfd, "ap_domain", &v) == 0 && v >= -1 &&
	    v <= ZAP_MAX_ID)
		bus->ap_domain = (int)v;
	qa = read_qci_mask(model, busfd, dir, "ap_adapter_mask",
			   &bus->adapter_mask);
	qu = read_qci_mask(model, busfd, dir, "ap_usage_domain_mask",
			   &bus->usage_domain_mask);
	qc = read_qci_mask(model, busfd, dir, "ap_control_domain_mask",
			   &bus->control_domain_mask);
	bus->has_qci = qa && qu && qc;
	if (zap_sysfs_read_at(busfd, "features", buf, sizeof(buf), &len) == 0) {
		bus->has_features = true;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			buf[--len] = '\0';
		if (strcmp(buf, "-") == 0)
			buf[len = 0] = '\0';
		for (size_t i = 0; i < len; i++)
			if (!isprint((unsigned char)buf[i]))
				buf[i] = '?';
		snprintf(bus->features, sizeof(bus->features), "%.127s", buf);
	}
	close(busfd);

	rc = zap_path_format(dir, sizeof(dir), "%s/devices/vfio_ap/matrix",
			     model->paths.sysfs);
	bus->vfio_ap = rc == 0 && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	bus->available_instances = -1;
	if (bus->vfio_ap) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			if (zap_sysfs_read_int_at(fd,
				"mdev_supported_types/vfio_ap-passthrough/available_instances",
				&v) == 0 && v >= 0)
				bus->available_instances = (long)v;
			bus->has_ap_config_feature =
				zap_sysfs_read_at(fd, "features", buf, sizeof(buf),
						  &len) == 0 &&
				has_word(buf, "ap_config");
			close(fd);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- cards */

/* Parse "cardXX" (two lower-case hex digits). */
static bool parse_card_name(const char *name, unsigned int *id)
{
	if (strncmp(name, "card", 4) != 0 || strlen(name) != 6 ||
	    !isxdigit((unsigned char)name[4]) || !isxdigit((unsigned char)name[5]))
		return false;
	*id = (unsigned int)strtoul(name + 4, NULL, 16);
	return true;
}

/* Parse "XX.YYYY" as the kernel names queue devices. */
static bool parse_queue_name(const char *name, unsigned int *adapter,
			     unsigned int *domain)
{
	return strlen(name) == 7 && name[2] == '.' &&
	       zap_apqn_parse(name, adapter, domain, NULL) == 0;
}

/* Read an optional int attribute; a malformed one is recorded. */
static int read_attr_int(struct zap_model *model, int dirfd, const char *dir,
			 const char *name, long long *value)
{
	int rc = zap_sysfs_read_int_at(dirfd, name, value);

	if (rc && rc != -ENOENT)
		zap_model_unreadable(model, "%s/%s: %s", dir, name,
				     zap_read_error(rc));
	return rc;
}

/* Read an optional 0/1 attribute into a tristate. */
static int read_attr_bool(struct zap_model *model, int dirfd, const char *dir,
			  const char *name)
{
	long long v;

	if (read_attr_int(model, dirfd, dir, name, &v))
		return ZAP_UNKNOWN;
	if (v != 0 && v != 1) {
		zap_model_unreadable(model, "%s/%s: invalid content", dir, name);
		return ZAP_UNKNOWN;
	}
	return (int)v;
}

/* Mode from ap_functions, in lszcrypt's order: CCA, accelerator, EP11. */
static enum zap_mode mode_from_functions(uint32_t functions)
{
	if (functions & 0x10000000)
		return ZAP_MODE_CCA;
	if (functions & 0x08000000)
		return ZAP_MODE_ACCEL;
	if (functions & 0x04000000)
		return ZAP_MODE_EP11;
	return ZAP_MODE_UNKNOWN;
}

/* Read a card's attributes (those asked for). */
static void load_card(struct zap_model *model, int cardfd, const char *dir,
		      struct zap_card *card)
{
	char buf[64], *end;
	long long v;
	size_t len;
	int rc;

	if (!(model->loaded & ZAP_LOAD_CARDS))
		return;
	if (read_attr_int(model, cardfd, dir, "hwtype", &v) == 0)
		card->hwtype = (int)v;
	if (read_attr_int(model, cardfd, dir, "raw_hwtype", &v) == 0)
		card->raw_hwtype = (int)v;
	if (read_attr_int(model, cardfd, dir, "depth", &v) == 0)
		card->depth = (int)v;
	rc = zap_sysfs_read_at(cardfd, "ap_functions", buf, sizeof(buf), &len);
	if (rc == 0) {
		errno = 0;
		unsigned long f = strtoul(buf, &end, 16);

		if (errno || end == buf || (*end && *end != '\n') ||
		    f > 0xffffffffUL) {
			zap_model_unreadable(model, "%s/ap_functions: invalid content",
					     dir);
		} else {
			card->has_functions = true;
			card->functions = (uint32_t)f;
			card->mode = mode_from_functions(card->functions);
		}
	} else if (rc != -ENOENT) {
		zap_model_unreadable(model, "%s/ap_functions: %s", dir,
				     zap_read_error(rc));
	}
	rc = zap_sysfs_read_at(cardfd, "type", buf, sizeof(buf), &len);
	if (rc == 0) {
		while (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		bool printable = len > 0 && len < sizeof(card->type);

		for (size_t i = 0; i < len && printable; i++)
			printable = isalnum((unsigned char)buf[i]);
		if (printable)
			memcpy(card->type, buf, len + 1);
		else
			zap_model_unreadable(model, "%s/type: invalid content",
					     dir);
	} else if (rc != -ENOENT) {
		zap_model_unreadable(model, "%s/type: %s", dir, zap_read_error(rc));
	}
	card->online = read_attr_bool(model, cardfd, dir, "online");
	card->config = read_attr_bool(model, cardfd, dir, "config");
	card->chkstop = read_attr_bool(model, cardfd, dir, "chkstop");
	if (!(model->loaded & ZAP_LOAD_COUNTERS))
		return;
	if (read_attr_int(model, cardfd, dir, "request_count", &v) == 0)
		card->request_count = v;
	if (read_attr_int(model, cardfd, dir, "requestq_count", &v) == 0)
		card->requestq_count = (int)v;
	if (read_attr_int(model, cardfd, dir, "pendingq_count", &v) == 0)
		card->pendingq_count = (int)v;
}

/* Which driver binds each queue: one listing per driver directory. */
static int load_drivers(struct zap_model *model, uint8_t *driver)
{
	static const struct {
		const char *name;
		enum zap_driver driver;
	} drivers[] = {
		{ "cex4queue", ZAP_DRIVER_CEX4QUEUE },
		{ "vfio_ap", ZAP_DRIVER_VFIO_AP },
	};
	char dir[700];
	unsigned int a, d;
	struct dirent *de;
	DIR *dh;

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		if (zap_path_format(dir, sizeof(dir), "%s/bus/ap/drivers/%s",
				    model->paths.sysfs, drivers[i].name))
			return -ENAMETOOLONG;
		dh = opendir(dir);
		if (!dh) {
			if (errno != ENOENT)
				zap_model_unreadable(model, "%s: %s", dir,
						     strerror(errno));
			continue;
		}
		while ((de = readdir(dh)))
			if (parse_queue_name(de->d_name, &a, &d))
				driver[a * ZAP_IDS + d] = (uint8_t)drivers[i].driver;
		closedir(dh);
	}
	return 0;
}

/* Read one queue's attributes (those asked for). */
static void load_queue(struct zap_model *model, int cardfd, const char *dir,
		       const char *name, struct zap_queue *q)
{
	char attr[32], path[760], buf[64];
	unsigned int want = model->loaded;
	long long v;
	size_t len;
	int rc;

	/* attributes are opened as "name/attr" relative to the card directory */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (want & ZAP_LOAD_QUEUE_STATE) {
		if (q->driver == ZAP_DRIVER_CEX4QUEUE) {
			snprintf(attr, sizeof(attr), "%s/online", name);
			q->online = read_attr_bool(model, cardfd, dir, attr);
		}
		snprintf(attr, sizeof(attr), "%s/config", name);
		q->config = read_attr_bool(model, cardfd, dir, attr);
		snprintf(attr, sizeof(attr), "%s/chkstop", name);
		q->chkstop = read_attr_bool(model, cardfd, dir, attr);
	}
	if ((want & ZAP_LOAD_QUEUE_STATUS) && q->driver == ZAP_DRIVER_VFIO_AP) {
		snprintf(attr, sizeof(attr), "%s/status", name);
		rc = zap_sysfs_read_at(cardfd, attr, buf, sizeof(buf), &len);
		if (rc == 0 && strcmp(buf, "in use\n") == 0)
			q->status = ZAP_VFIO_STATUS_IN_USE;
		else if (rc == 0 && strcmp(buf, "assigned\n") == 0)
			q->status = ZAP_VFIO_STATUS_ASSIGNED;
		else if (rc == 0 && strcmp(buf, "unassigned\n") == 0)
			q->status = ZAP_VFIO_STATUS_UNASSIGNED;
		else if (rc != -ENOENT)
			zap_model_unreadable(model, "%s/status: %s", path,
					     rc ? zap_read_error(rc) : "invalid content");
	}
	if (want & ZAP_LOAD_QUEUE_COUNTERS) {
		snprintf(attr, sizeof(attr), "%s/request_count", name);
		rc = zap_sysfs_read_at(cardfd, attr, buf, sizeof(buf), &len);
		if (rc == 0 && strcmp(buf, "-\n") != 0) {
			if (zap_sysfs_read_int_at(cardfd, attr, &v) == 0)
				q->request_count = v;
			else
				zap_model_unreadable(model, "%s/request_count: invalid content",
						     path);
		}
		snprintf(attr, sizeof(attr), "%s/requestq_count", name);
		if (read_attr_int(model, cardfd, dir, attr, &v) == 0)
			q->requestq_count = (int)v;
		snprintf(attr, sizeof(attr), "%s/pendingq_count", name);
		if (read_attr_int(model, cardfd, dir, attr, &v) == 0)
			q->pendingq_count = (int)v;
	}
}

/* Sort queues by adapter, then domain. */
static int queue_cmp(const void *x, const void *y)
{
	const struct zap_queue *a = x, *b = y;

	if (a->adapter != b->adapter)
		return a->adapter < b->adapter ? -1 : 1;
	return a->domain < b->domain ? -1 : a->domain > b->domain;
}

/* Append one queue device named @name of card @id. */
static int add_queue(struct zap_model *model, size_t *allocated,
		     unsigned int adapter, unsigned int domain,
		     const uint8_t *driver)
{
	struct zap_queue *q;

	if (model->nr_queues == *allocated) {
		size_t n = *allocated ? *allocated * 2 : 1024;
		struct zap_queue *grown = realloc(model->queues, n * sizeof(*q));

		if (!grown)
			return -ENOMEM;
		model->queues = grown;
		*allocated = n;
	}
	q = &model->queues[model->nr_queues++];
	memset(q, 0, sizeof(*q));
	q->adapter = adapter;
	q->domain = domain;
	q->driver = driver ? (enum zap_driver)driver[adapter * ZAP_IDS + domain] :
			     ZAP_DRIVER_UNKNOWN;
	q->online = q->config = q->chkstop = ZAP_UNKNOWN;
	q->request_count = -1;
	q->requestq_count = q->pendingq_count = -1;
	q->status = ZAP_VFIO_STATUS_UNKNOWN;
	return 0;
}

/*
 * The driver of queue @name from its own "driver" link: for the queues the
 * driver listings did not show, which a mask write may have moved from one
 * driver to the other between the two listings.
 */
static enum zap_driver driver_link(int cardfd, const char *name)
{
	char link[32], target[512];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "%s/driver", name);
	n = readlinkat(cardfd, link, target, sizeof(target) - 1);
	if (n <= 0)
		return ZAP_DRIVER_NONE;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strcmp(base, "cex4queue") == 0)
		return ZAP_DRIVER_CEX4QUEUE;
	if (strcmp(base, "vfio_ap") == 0)
		return ZAP_DRIVER_VFIO_AP;
	return ZAP_DRIVER_NONE;
}

/* List one card directory's queue devices and read them. */
static int load_card_queues(struct zap_model *model, int cardfd,
			    const char *dir, unsigned int id,
			    const uint8_t *driver, size_t *allocated)
{
	unsigned int a, d;
	size_t first = model->nr_queues;
	struct dirent *de;
	char name[16];
	int fd, rc;
	DIR *dh;

	fd = dup(cardfd);
	if (fd < 0 || !(dh = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return zap_model_unreadable(model, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(dh))) {
		if (!parse_queue_name(de->d_name, &a, &d) || a != id)
			continue;
		rc = add_queue(model, allocated, a, d, driver);
		if (rc) {
			closedir(dh);
			return rc;
		}
	}
	closedir(dh);
	if (model->nr_queues > first)
		qsort(model->queues + first, model->nr_queues - first,
		      sizeof(*model->queues), queue_cmp);
	for (size_t i = first; i < model->nr_queues; i++) {
		zap_apqn_print(model->queues[i].adapter, model->queues[i].domain,
			       name);
		if (model->queues[i].driver == ZAP_DRIVER_NONE)
			model->queues[i].driver = driver_link(cardfd, name);
		load_queue(model, cardfd, dir, name, &model->queues[i]);
	}
	return 0;
}

/* Load every card (and, if asked, its queues) under devices/ap. */
static int load_cards(struct zap_model *model, struct zap_error *err)
{
	struct zap_model_priv *priv = model->priv;
	uint8_t *driver = NULL;
	bool present[ZAP_IDS] = { false };
	char dir[700], carddir[720], name[8];
	size_t allocated = 0;
	struct dirent *de;
	unsigned int id;
	int rc = 0;
	DIR *dh;

	if (zap_path_format(dir, sizeof(dir), "%s/devices/ap", model->paths.sysfs))
		return zap_error_set(err, ENAMETOOLONG, ZAP_STATUS_USAGE,
				     "sysfs path too long");
	dh = opendir(dir);
	if (!dh) {
		if (errno == ENOENT)
			return 0; /* an AP bus without any device yet */
		return zap_error_set(err, errno, ZAP_STATUS_NOT_FOUND,
				     "cannot read %s: %s", dir, strerror(errno));
	}
	while ((de = readdir(dh)))
		if (parse_card_name(de->d_name, &id))
			present[id] = true;
	closedir(dh);

	if (model->loaded & ZAP_LOAD_QUEUES) {
		driver = calloc((size_t)ZAP_IDS * ZAP_IDS, 1);
		if (!driver)
			return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
					     "out of memory");
		rc = load_drivers(model, driver);
	}
	model->cards = calloc(ZAP_IDS, sizeof(*model->cards));
	if (!model->cards)
		rc = -ENOMEM;
	for (id = 0; id < ZAP_IDS && rc == 0; id++) {
		struct zap_card *card;
		int cardfd;

		if (!present[id])
			continue;
		snprintf(name, sizeof(name), "card%02x", id);
		snprintf(carddir, sizeof(carddir), "%s/%s", dir, name);
		cardfd = open(carddir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cardfd < 0) {
			priv->vanished += errno == ENOENT;
			rc = zap_model_unreadable(model, "%s: %s", carddir,
						  errno == ENOENT ?
						  "vanished while reading" :
						  strerror(errno));
			continue;
		}
		card = &model->cards[model->nr_cards];
		memset(card, 0, sizeof(*card));
		card->id = id;
		card->hwtype = card->raw_hwtype = card->depth = -1;
		card->online = card->config = card->chkstop = ZAP_UNKNOWN;
		card->request_count = -1;
		card->requestq_count = card->pendingq_count = -1;
		load_card(model, cardfd, carddir, card);
		priv->card_index[id] = (int16_t)model->nr_cards++;
		if (model->loaded & ZAP_LOAD_QUEUES)
			rc = load_card_queues(model, cardfd, carddir, id, driver,
					      &allocated);
		close(cardfd);
	}
	free(driver);
	if (rc)
		return zap_error_set(err, -rc, ZAP_STATUS_NOT_FOUND,
				     "cannot load the AP devices: %s",
				     strerror(-rc));
	for (size_t i = 0; i < model->nr_queues; i++)
		priv->queue_index[model->queues[i].adapter * ZAP_IDS +
				  model->queues[i].domain] = (int32_t)i;
	return 0;
}

/* ----------------------------------------------------------- public API */

/* Read the AP configuration once; *vanished: devices went while reading. */
static int load_once(struct zap_model **result, const struct zap_paths *paths,
		     unsigned int what, bool *vanished, struct zap_error *err)
{
	struct zap_model *model;
	struct zap_model_priv *priv;
	size_t allocated = 0;
	int rc;

	*result = NULL;
	model = calloc(1, sizeof(*model));
	priv = calloc(1, sizeof(*priv));
	if (!model || !priv) {
		free(model);
		free(priv);
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	model->priv = priv;
	model->paths = *paths;
	/* queue state, status and counters need the queues themselves */
	if (what & (ZAP_LOAD_QUEUE_STATE | ZAP_LOAD_QUEUE_STATUS |
		    ZAP_LOAD_QUEUE_COUNTERS))
		what |= ZAP_LOAD_QUEUES;
	model->loaded = what;
	memset(priv->card_index, 0xff, sizeof(priv->card_index));
	memset(priv->queue_index, 0xff, sizeof(priv->queue_index));

	rc = load_bus(model, err);
	if (!rc && (what & (ZAP_LOAD_CARDS | ZAP_LOAD_QUEUES)))
		rc = load_cards(model, err);
	if (!rc && (what & ZAP_LOAD_MDEVS))
		rc = zap_load_mdevs(model, &allocated, err);
	if (!rc && (what & ZAP_LOAD_DEFINITIONS)) {
		rc = zap_definitions_load(model, err);
		if (!rc && zap_merge_definitions(model, &allocated))
			rc = zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
					   "out of memory");
	}
	if (!rc && (what & ZAP_LOAD_RULES))
		rc = zap_chzdev_load(model, err);
	/* a malformed journal is reported by the rules, not a load failure */
	if (!rc && (what & ZAP_LOAD_JOURNAL)) {
		zap_journal_read(&model->paths, &model->journal, NULL);
		model->nr_stale_temps =
			zap_store_find_dead_temps(&model->paths,
						  model->stale_temp,
						  sizeof(model->stale_temp));
	}
	if (rc) {
		zap_model_free(model);
		return rc;
	}
	if (what & ZAP_LOAD_MDEVS)
		zap_set_in_use(model);
	if (what & ZAP_LOAD_VMS)
		zap_libvirt_vms_load(model);
	zap_ownership_build(model);
	/* anything unreadable may be a race: a device going, a torn read */
	*vanished = priv->vanished != 0 || model->nr_unreadable != 0;
	*result = model;
	return 0;
}

/*
 * Read the AP configuration under @paths, as much as @what asks. A device
 * that disappears between the listing and the reading (another tool
 * removing an mdev, a bus scan), or a file read while another process
 * rewrites it, is a race, not damage: read again, a few times, before
 * reporting anything as unreadable.
 */
ZAP_EXPORT int zap_model_load(struct zap_model **result,
			      const struct zap_paths *paths, unsigned int what,
			      struct zap_error *err)
{
	bool vanished = false;
	int rc;

	for (int attempt = 0; attempt < 4; attempt++) {
		rc = load_once(result, paths, what, &vanished, err);
		/* a malformed bus file may be one read mid-write, too */
		if (attempt == 3 || (rc && rc != -EINVAL) || (!rc && !vanished))
			break;
		zap_model_free(*result);
		*result = NULL;
	}
	return rc;
}

/* An empty model of no device, for a caller to fill (tests, what-ifs). */
ZAP_EXPORT int zap_model_new(struct zap_model **result,
			     const struct zap_paths *paths,
			     struct zap_error *err)
{
	struct zap_model *model = calloc(1, sizeof(*model));
	struct zap_model_priv *priv = calloc(1, sizeof(*priv));

	*result = NULL;
	if (!model || !priv) {
		free(model);
		free(priv);
		return zap_error_set(err, ENOMEM, ZAP_STATUS_NOT_FOUND,
				     "out of memory");
	}
	model->priv = priv;
	if (paths)
		model->paths = *paths;
	model->bus.max_adapter_id = model->bus.max_domain_id = ZAP_MAX_ID;
	model->bus.ap_domain = -1;
	model->bus.available_instances = -1;
	zap_model_index(model);
	*result = model;
	return 0;
}

/* Rebuild the lookup tables after the caller changed the arrays. */
ZAP_EXPORT void zap_model_index(struct zap_model *model)
{
	struct zap_model_priv *priv = model->priv;

	memset(priv->card_index, 0xff, sizeof(priv->card_index));
	memset(priv->queue_index, 0xff, sizeof(priv->queue_index));
	for (size_t i = 0; i < model->nr_cards; i++)
		priv->card_index[model->cards[i].id % ZAP_IDS] = (int16_t)i;
	for (size_t i = 0; i < model->nr_queues; i++)
		priv->queue_index[(model->queues[i].adapter % ZAP_IDS) * ZAP_IDS +
				  model->queues[i].domain % ZAP_IDS] = (int32_t)i;
	zap_ownership_build(model);
}

/* Free a model and everything it holds. */
ZAP_EXPORT void zap_model_free(struct zap_model *model)
{
	if (!model)
		return;
	for (size_t i = 0; i < model->nr_unreadable; i++)
		free(model->unreadable[i]);
	free(model->unreadable);
	free(model->cards);
	free(model->queues);
	free(model->mdevs);
	free(model->definitions);
	free(model->priv);
	free(model);
}

/* The card @adapter, NULL if absent. */
ZAP_EXPORT const struct zap_card *zap_model_card(const struct zap_model *model,
						 unsigned int adapter)
{
	const struct zap_model_priv *priv = model->priv;

	if (adapter >= ZAP_IDS || priv->card_index[adapter] < 0)
		return NULL;
	return &model->cards[priv->card_index[adapter]];
}

/* The queue (adapter, domain), NULL if absent. */
ZAP_EXPORT const struct zap_queue *
zap_model_queue(const struct zap_model *model, unsigned int adapter,
		unsigned int domain)
{
	const struct zap_model_priv *priv = model->priv;
	int32_t i;

	if (adapter >= ZAP_IDS || domain >= ZAP_IDS)
		return NULL;
	i = priv->queue_index[adapter * ZAP_IDS + domain];
	return i < 0 ? NULL : &model->queues[i];
}

