// SPDX-License-Identifier: MIT
/*
 * mkfixture.c - "mkfixture DESC-FILE ROOT": writes the plain-file tree a
 * machine description stands for under ROOT: the AP bus and vfio_ap sysfs
 * as the kernel lays it out (sys/), the mdevctl definitions
 * (etc/mdevctl.d/matrix/), chzdev's etc/udev/rules.d/41-ap.rules,
 * driverctl's etc/driverctl.d/ap-AA.DDDD and an empty run/lock/. Formats follow shared/spec/sysfs-ap.md (and
 * driver-override.md for a 6.19 kernel's files).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json.h>

#include "machine.h"

#define RO 0444
#define RW 0644
#define WO 0200
#define MAX_THREADS 16

/* An open directory of the tree and its path, for messages. */
struct dir {
	int fd;
	char path[PATH_MAX];
};

/* The directories every card and queue links into. */
struct fixture {
	const struct machine *m;
	struct dir devices_ap;		/* sys/devices/ap */
	struct dir bus_devices;		/* sys/bus/ap/devices */
	struct dir drv_card;		/* sys/bus/ap/drivers/cex4card */
	struct dir drv_queue;		/* sys/bus/ap/drivers/cex4queue */
	struct dir drv_vfio;		/* sys/bus/ap/drivers/vfio_ap */
	char *buf;			/* room for a 256 x 256 matrix file */
	atomic_int next_card;		/* next adapter id for a card worker */
};

/* Print "mkfixture: <message>" and exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkfixture: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Create directory name in parent and open it as out. */
static void dir_make(const struct dir *parent, const char *name,
		     struct dir *out)
{
	// cppcheck-suppress ctuuninitvar ; out is only written here, its path filled by this snprintf
	if ((size_t)snprintf(out->path, sizeof(out->path), "%s/%s",
			     parent->path, name) >= sizeof(out->path))
		die("%s/%s: path too long", parent->path, name);
	if (mkdirat(parent->fd, name, 0755) && errno != EEXIST)
		die("%s: %s", out->path, strerror(errno));
	out->fd = openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out->fd < 0)
		die("%s: %s", out->path, strerror(errno));
}

/* Create the directory chain "a/b/c" below parent and open the last one. */
static void dir_make_path(const struct dir *parent, const char *rel,
			  struct dir *out)
{
	struct dir cur = *parent, next;
	char name[NAME_MAX + 1];
	size_t len;

	cur.fd = dup(parent->fd);
	if (cur.fd < 0)
		die("%s: %s", parent->path, strerror(errno));
	while (*rel) {
		len = strcspn(rel, "/");
		snprintf(name, sizeof(name), "%.*s", (int)len, rel);
		dir_make(&cur, name, &next);
		close(cur.fd);
		cur = next;
		rel += len + (rel[len] == '/');
	}
	*out = cur;
}

/* Close a directory of the tree. */
static void dir_close(struct dir *d)
{
	close(d->fd);
	d->fd = -1;
}

/* Write a new file name in d with the given mode and content. */
static void put(const struct dir *d, const char *name, mode_t mode,
		const char *buf, size_t len)
{
	int fd = openat(d->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			mode);

	if (fd < 0)
		die("%s/%s: %s", d->path, name, strerror(errno));
	errno = 0;
	if (len && write(fd, buf, len) != (ssize_t)len)
		die("%s/%s: %s", d->path, name,
		    errno ? strerror(errno) : "short write");
	if (close(fd))
		die("%s/%s: %s", d->path, name, strerror(errno));
}

/* Write a new file with the given mode from a format. */
static void __attribute__((format(printf, 4, 5)))
putf(const struct dir *d, const char *name, mode_t mode, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(d, name, mode, buf, (size_t)len);
}

/* Create an empty write-only attribute. */
static void put_wo(const struct dir *d, const char *name)
{
	put(d, name, WO, NULL, 0);
}

/* Create the symlink name in d pointing at target. */
static void link_at(const struct dir *d, const char *name, const char *target)
{
	if (symlinkat(target, d->fd, name))
		die("%s/%s: %s", d->path, name, strerror(errno));
}

/* Write a set as a kernel mask file: "0x" + 64 hex digits + "\n". */
static void put_mask(const struct dir *d, const char *name, mode_t mode,
		     const struct machine_set *s)
{
	char mask[68];

	machine_set_to_mask(s, mask);
	mask[66] = '\n';
	put(d, name, mode, mask, 67);
}

/* Write a QCI mask attribute, "not supported" without QCI. */
static void put_qci_mask(const struct dir *d, const char *name,
			 const struct machine *m, const struct machine_set *s)
{
	if (m->qci)
		put_mask(d, name, RO, s);
	else
		putf(d, name, RO, "not supported\n");
}

/* Format a matrix file (spec 4.4) into buf; return its length. */
static size_t fmt_matrix(char *buf, const struct machine_set *adapters,
			 const struct machine_set *domains)
{
	static const char hex[] = "0123456789abcdef";
	bool any_a = false, any_d = false;
	char *p = buf;
	int a, d;

	for (a = 0; a < MACHINE_IDS; a++) {
		any_a |= adapters->bit[a];
		any_d |= domains->bit[a];
	}
	for (a = 0; a < MACHINE_IDS && any_a; a++) {
		if (!adapters->bit[a])
			continue;
		if (!any_d) {
			p += sprintf(p, "%02x.\n", a);
			continue;
		}
		for (d = 0; d < MACHINE_IDS; d++) {
			if (!domains->bit[d])
				continue;
			*p++ = hex[a >> 4];
			*p++ = hex[a & 15];
			*p++ = '.';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[d >> 4];
			*p++ = hex[d & 15];
			*p++ = '\n';
		}
	}
	for (d = 0; d < MACHINE_IDS && !any_a; d++)
		if (domains->bit[d])
			p += sprintf(p, ".%04x\n", d);
	return (size_t)(p - buf);
}

/* Write a queue's driver_override: the name and "\n", or only "\n". */
static void put_override(const struct dir *q, const char *name)
{
	char *buf;
	int len = asprintf(&buf, "%s\n", name ? name : "");

	if (len < 0)
		die("out of memory");
	put(q, "driver_override", RW, buf, (size_t)len);
	free(buf);
}

/* Write the attributes of queue AA.DDDD into its directory q. */
static void build_queue_attrs(const struct fixture *fx, const struct dir *q,
			      int a, int d)
{
	const struct machine *m = fx->m;
	const struct machine_queue *mq = &m->queue[a][d];
	bool zcrypt = mq->driver == MACHINE_DRIVER_CEX4QUEUE;
	const char *status = NULL;

	if (mq->driver == MACHINE_DRIVER_VFIO_AP)
		status = machine_vfio_status(m, a, d);
	if (zcrypt)
		putf(q, "request_count", RW, "%llu\n", mq->requests);
	else
		putf(q, "request_count", RW, "-\n");
	putf(q, "requestq_count", RO, "0\n");
	putf(q, "pendingq_count", RO, "%d\n", zcrypt ? mq->pending : 0);
	putf(q, "reset", RW, "No Reset Timer set.\n");
	putf(q, "interrupt", RO, "%s\n",
	     (zcrypt && mq->config) || (status && !strcmp(status, "in use")) ?
	     "Interrupts enabled." : "Interrupts disabled.");
	putf(q, "config", RO, "%d\n", mq->config);
	putf(q, "chkstop", RO, "%d\n", mq->chkstop);
	putf(q, "ap_functions", RO, "0x%08X\n",
	     machine_functions(&m->adapter[a]));
	if (m->has_driver_override)
		put_override(q, mq->override);
	if (zcrypt) {
		putf(q, "online", RW, "%d\n", mq->online);
		putf(q, "load", RO, "0\n");
	}
	if (status)
		putf(q, "status", RO, "%s\n", status);
}

/* Create queue AA.DDDD below its card and every link to it. */
static void build_queue(const struct fixture *fx, const struct dir *card,
			int a, int d)
{
	enum machine_driver drv = fx->m->queue[a][d].driver;
	char name[16], target[64];
	struct dir q;

	snprintf(name, sizeof(name), "%02x.%04x", a, d);
	dir_make(card, name, &q);
	build_queue_attrs(fx, &q, a, d);
	/* from sys/bus/ap/drivers/<drv>/; drop one "../" for bus/ap/devices */
	snprintf(target, sizeof(target), "../../../../devices/ap/card%02x/%s",
		 a, name);
	link_at(&fx->bus_devices, name, target + 3);
	if (drv == MACHINE_DRIVER_CEX4QUEUE || drv == MACHINE_DRIVER_VFIO_AP) {
		link_at(&q, "driver", drv == MACHINE_DRIVER_VFIO_AP ?
			"../../../../bus/ap/drivers/vfio_ap" :
			"../../../../bus/ap/drivers/cex4queue");
		link_at(drv == MACHINE_DRIVER_VFIO_AP ? &fx->drv_vfio :
			&fx->drv_queue, name, target);
	}
	dir_close(&q);
}

/* Create card AA with its attributes, queues and links. */
static void build_card(const struct fixture *fx, int a)
{
	const struct machine *m = fx->m;
	const struct machine_adapter *ad = &m->adapter[a];
	char name[16], target[64], type[16];
	long long pending = 0;
	struct dir card;
	int d;

	snprintf(name, sizeof(name), "card%02x", a);
	dir_make(&fx->devices_ap, name, &card);
	for (d = 0; d < MACHINE_IDS; d++) {
		if (!m->queue[a][d].present)
			continue;
		build_queue(fx, &card, a, d);
		if (m->queue[a][d].driver == MACHINE_DRIVER_CEX4QUEUE)
			pending += m->queue[a][d].pending;
	}
	putf(&card, "hwtype", RO, "%d\n", ad->hwtype);
	putf(&card, "raw_hwtype", RO, "%d\n", ad->raw_hwtype);
	putf(&card, "depth", RO, "8\n");
	putf(&card, "ap_functions", RO, "0x%08X\n", machine_functions(ad));
	putf(&card, "request_count", RW, "%llu\n", ad->requests);
	putf(&card, "requestq_count", RO, "0\n");
	putf(&card, "pendingq_count", RO, "%lld\n", pending);
	putf(&card, "modalias", RO, "ap:t%02X\n", ad->hwtype);
	putf(&card, "config", RW, "%d\n", ad->config);
	putf(&card, "chkstop", RO, "%d\n", ad->chkstop);
	putf(&card, "max_msg_size", RO, "12288\n");
	snprintf(target, sizeof(target), "../../../../devices/ap/%s", name);
	link_at(&fx->bus_devices, name, target + 3);
	if (m->zcrypt) {
		machine_type_name(ad, type);
		putf(&card, "type", RO, "%s\n", type);
		putf(&card, "online", RW, "%d\n", ad->online);
		putf(&card, "load", RO, "0\n");
		link_at(&card, "driver", "../../../bus/ap/drivers/cex4card");
		link_at(&fx->drv_card, name, target);
	}
	dir_close(&card);
}

/* Create a driver directory below sys/bus/ap/drivers with bind/unbind. */
static void build_driver(const struct dir *drivers, const char *name,
			 struct dir *out)
{
	dir_make(drivers, name, out);
	put_wo(out, "bind");
	put_wo(out, "unbind");
}

/* Count the queue devices and those bound to a driver. */
static void count_bindings(const struct machine *m, unsigned int *bound,
			   unsigned int *total)
{
	int a, d;

	*bound = *total = 0;
	for (a = 0; a < MACHINE_IDS; a++) {
		for (d = 0; d < MACHINE_IDS; d++) {
			if (!m->queue[a][d].present)
				continue;
			(*total)++;
			if (m->queue[a][d].driver != MACHINE_DRIVER_NONE)
				(*bound)++;
		}
	}
}

/* Write the bus attributes of sys/bus/ap (spec 1.1). */
static void build_bus_attrs(const struct machine *m, const struct dir *bus)
{
	struct machine_set adapters = { 0 };
	unsigned int bound, total;
	int a;

	for (a = 0; a < MACHINE_IDS; a++)
		adapters.bit[a] = m->adapter[a].present;
	put_mask(bus, "apmask", RW, &m->apmask);
	put_mask(bus, "aqmask", RW, &m->aqmask);
	putf(bus, "ap_domain", RW, "%d\n", m->ap_domain);
	putf(bus, "ap_max_adapter_id", RO, "%d\n", m->max_adapter);
	putf(bus, "ap_max_domain_id", RO, "%d\n", m->max_domain);
	put_qci_mask(bus, "ap_adapter_mask", m, &adapters);
	put_qci_mask(bus, "ap_usage_domain_mask", m, &m->usage_domains);
	put_qci_mask(bus, "ap_control_domain_mask", m, &m->control_domains);
	if (m->has_features && !m->qci)
		putf(bus, "features", RO, "-\n");
	else if (m->has_features)
		putf(bus, "features", RO, m->features[0] ? "%s\n" : "%s",
		     m->features);
	if (m->has_bindings) {
		count_bindings(m, &bound, &total);
		putf(bus, "bindings", RO, bound == total ?
		     "%u/%u (complete)\n" : "%u/%u\n", bound, total);
	}
	if (m->has_driver_override)
		putf(bus, "bindings_complete_count", RO, "%llu\n",
		     m->bindings_complete_count);
	put_wo(bus, "drivers_probe");
	putf(bus, "scans", RW, "1\n");
	putf(bus, "config_time", RW, "30\n");
	putf(bus, "poll_thread", RW, "0\n");
	putf(bus, "ap_interrupts", RO, "1\n");
	putf(bus, "poll_timeout", RW, "250000\n");
}

/* Card worker: build cards until every adapter id is taken. */
static void *card_worker(void *arg)
{
	struct fixture *fx = arg;
	int a;

	while ((a = atomic_fetch_add(&fx->next_card, 1)) < MACHINE_IDS)
		if (fx->m->adapter[a].present)
			build_card(fx, a);
	return NULL;
}

/* Build the cards on 2 threads per CPU (file creation is kernel-bound). */
static void build_cards(struct fixture *fx)
{
	long n = 2 * sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t tid[MAX_THREADS];
	int i, started = 0;

	atomic_init(&fx->next_card, 0);
	for (i = 1; i < n && i < MAX_THREADS; i++) {
		if (pthread_create(&tid[started], NULL, card_worker, fx))
			break;
		started++;
	}
	card_worker(fx);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

/* Build sys/devices/ap and sys/bus/ap with every card and queue. */
static void build_ap(struct fixture *fx, const struct dir *sys)
{
	const struct machine *m = fx->m;
	struct dir bus, drivers;

	dir_make_path(sys, "devices/ap", &fx->devices_ap);
	dir_make_path(sys, "bus/ap", &bus);
	build_bus_attrs(m, &bus);
	dir_make(&bus, "devices", &fx->bus_devices);
	dir_make(&bus, "drivers", &drivers);
	fx->drv_card.fd = fx->drv_queue.fd = fx->drv_vfio.fd = -1;
	if (m->zcrypt) {
		build_driver(&drivers, "cex4card", &fx->drv_card);
		build_driver(&drivers, "cex4queue", &fx->drv_queue);
	}
	if (m->vfio_ap)
		build_driver(&drivers, "vfio_ap", &fx->drv_vfio);
	build_cards(fx);
	dir_close(&fx->drv_card);
	dir_close(&fx->drv_queue);
	dir_close(&fx->drv_vfio);
	dir_close(&fx->bus_devices);
	dir_close(&drivers);
	dir_close(&bus);
}

/* Create the directory of mdev i below the matrix device. */
static void build_mdev(const struct fixture *fx, const struct dir *matrix,
		       const struct dir *type_devices,
		       const struct dir *mdev_devices, int i)
{
	const struct machine *m = fx->m;
	const struct machine_mdev *md = &m->mdev[i];
	struct machine_set adapters, domains;
	char target[128], masks[3][68];
	struct dir dir;
	size_t len;
	int d;

	dir_make(matrix, md->uuid, &dir);
	put_wo(&dir, "assign_adapter");
	put_wo(&dir, "unassign_adapter");
	put_wo(&dir, "assign_domain");
	put_wo(&dir, "unassign_domain");
	put_wo(&dir, "assign_control_domain");
	put_wo(&dir, "unassign_control_domain");
	put_wo(&dir, "remove");
	len = fmt_matrix(fx->buf, &md->adapters, &md->domains);
	put(&dir, "matrix", RO, fx->buf, len);
	for (len = 0, d = 0; d < MACHINE_IDS; d++)
		if (md->control.bit[d])
			len += (size_t)sprintf(fx->buf + len, "%04x\n", d);
	put(&dir, "control_domains", RO, fx->buf, len);
	if (m->has_guest_matrix) {
		machine_guest_matrix(m, i, &adapters, &domains);
		len = fmt_matrix(fx->buf, &adapters, &domains);
		put(&dir, "guest_matrix", RO, fx->buf, len);
	}
	if (m->has_ap_config) {
		machine_set_to_mask(&md->adapters, masks[0]);
		machine_set_to_mask(&md->domains, masks[1]);
		machine_set_to_mask(&md->control, masks[2]);
		len = (size_t)sprintf(fx->buf, "%s,%s,%s\n", masks[0],
				      masks[1], masks[2]);
		put(&dir, "ap_config", RW, fx->buf, len);
	}
	link_at(&dir, "mdev_type",
		"../mdev_supported_types/vfio_ap-passthrough");
	snprintf(target, sizeof(target), "../../../%s", md->uuid);
	link_at(type_devices, md->uuid, target);
	snprintf(target, sizeof(target), "../../../devices/vfio_ap/matrix/%s",
		 md->uuid);
	link_at(mdev_devices, md->uuid, target);
	dir_close(&dir);
}

/* Build the vfio_ap matrix device, its mdev type and every mdev (spec 4). */
static void build_vfio(const struct fixture *fx, const struct dir *sys)
{
	const struct machine *m = fx->m;
	struct dir matrix, type, type_devices, mdev_devices, d;
	int i;

	dir_make_path(sys, "devices/vfio_ap/matrix", &matrix);
	if (m->has_matrix_features)
		putf(&matrix, "features", RO,
		     "guest_matrix hotplug ap_config\n");
	dir_make_path(&matrix, "mdev_supported_types/vfio_ap-passthrough",
		      &type);
	putf(&type, "name", RO, "VFIO AP Passthrough Device\n");
	putf(&type, "device_api", RO, "vfio-ap\n");
	putf(&type, "available_instances", RO, "%d\n",
	     MACHINE_IDS * MACHINE_IDS - m->nr_mdevs);
	put_wo(&type, "create");
	dir_make(&type, "devices", &type_devices);
	dir_make_path(sys, "bus/mdev/devices", &mdev_devices);
	for (i = 0; i < m->nr_mdevs; i++)
		build_mdev(fx, &matrix, &type_devices, &mdev_devices, i);
	dir_make_path(sys, "bus/matrix/devices", &d);
	link_at(&d, "matrix", "../../../devices/vfio_ap/matrix");
	dir_close(&d);
	dir_make_path(sys, "class/mdev_bus", &d);
	link_at(&d, "matrix", "../../devices/vfio_ap/matrix");
	dir_close(&d);
	dir_close(&mdev_devices);
	dir_close(&type_devices);
	dir_close(&type);
	dir_close(&matrix);
}

/* Append {"key": "value"} to a JSON array. */
static void add_attr(struct json_object *attrs, const char *key,
		     const char *value)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_string(value));
	json_object_array_add(attrs, o);
}

/* Append one attr per id of a set, formatted with fmt ("0x%02x"). */
static void add_attrs(struct json_object *attrs, const char *key,
		      const char *fmt, const struct machine_set *s)
{
	char value[16];
	int i;

	for (i = 0; i < MACHINE_IDS; i++) {
		if (!s->bit[i])
			continue;
		snprintf(value, sizeof(value), fmt, i);
		add_attr(attrs, key, value);
	}
}

/* Write etc/mdevctl.d/matrix/<uuid> for one define, as mdevctl does. */
static void build_define(const struct dir *dir,
			 const struct machine_define *def)
{
	struct json_object *root = json_object_new_object();
	struct json_object *attrs = json_object_new_array();
	const char *text, *empty;
	char buf[256];
	int len;

	json_object_object_add(root, "mdev_type",
			       json_object_new_string("vfio_ap-passthrough"));
	json_object_object_add(root, "start",
			       json_object_new_string(def->autostart ?
						      "auto" : "manual"));
	add_attrs(attrs, "assign_adapter", "0x%02x", &def->adapters);
	add_attrs(attrs, "assign_domain", "0x%04x", &def->domains);
	add_attrs(attrs, "assign_control_domain", "0x%04x", &def->control);
	json_object_object_add(root, "attrs", attrs);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	empty = json_object_array_length(attrs) ? NULL : strstr(text, "[\n  ]");
	if (empty) {
		/* json-c prints an empty array as "[\n  ]", mdevctl as "[]" */
		len = snprintf(buf, sizeof(buf), "%.*s[]%s",
			       (int)(empty - text), text, empty + 5);
		put(dir, def->uuid, RW, buf, (size_t)len);
	} else {
		put(dir, def->uuid, RW, text, strlen(text));
	}
	json_object_put(root);
}

/* Write chzdev's etc/udev/rules.d/41-ap.rules (interop.md section 4). */
static void build_rules(const struct machine *m, const struct dir *dir)
{
	char ap[67], aq[67], text[1024];
	int len;

	machine_set_to_mask(&m->rules_apmask, ap);
	machine_set_to_mask(&m->rules_aqmask, aq);
	len = snprintf(text, sizeof(text),
		       "# Generated by chzdev\n"
		       "ACTION==\"add\", DEVPATH==\"/bus/ap\", "
		       "ATTR{bindings_complete_count}!=\"0\", GOTO=\"cfg_ap\"\n"
		       "ACTION==\"change\", SUBSYSTEM==\"ap\", "
		       "DEVPATH==\"/devices/ap\", ENV{BINDINGS}==\"complete\", "
		       "ENV{COMPLETECOUNT}==\"1\", GOTO=\"cfg_ap\"\n"
		       "GOTO=\"end_ap\"\n"
		       "\n"
		       "LABEL=\"cfg_ap\"\n"
		       "\n"
		       "ATTR{../../bus/ap/apmask}=\"%s\"\n"
		       "ATTR{../../bus/ap/aqmask}=\"%s\"\n"
		       "RUN{builtin}+=\"kmod load vfio_ap\"\n"
		       "\n"
		       "LABEL=\"end_ap\"\n", ap, aq);
	put(dir, "41-ap.rules", RW, text, (size_t)len);
}

/*
 * Write proc/cmdline: the running boot's command line, whose ap.apmask= and
 * ap.aqmask= are the machine's masks (the host was booted with them).
 */
static void build_cmdline(const struct machine *m, const struct dir *root)
{
	char ap[67], aq[67];
	struct dir d;

	machine_set_to_mask(&m->apmask, ap);
	machine_set_to_mask(&m->aqmask, aq);
	dir_make_path(root, "proc", &d);
	putf(&d, "cmdline", RO,
	     "BOOT_IMAGE=(hd0)/vmlinuz root=/dev/dasda1 ap.apmask=%s ap.aqmask=%s\n",
	     ap, aq);
	dir_close(&d);
}

/* Build etc/ (mdevctl definitions, udev rules, driverctl) and run/lock/. */
static void build_etc(const struct machine *m, const struct dir *root)
{
	struct dir d;
	int i;

	dir_make_path(root, "run/lock", &d);
	dir_close(&d);
	dir_make_path(root, "etc/mdevctl.d", &d);
	dir_close(&d);
	if (m->nr_defines) {
		dir_make_path(root, "etc/mdevctl.d/matrix", &d);
		for (i = 0; i < m->nr_defines; i++)
			build_define(&d, &m->define[i]);
		dir_close(&d);
	}
	build_cmdline(m, root);
	dir_make_path(root, "etc/udev/rules.d", &d);
	if (m->has_rules)
		build_rules(m, &d);
	dir_close(&d);
	if (m->nr_driverctl) {
		/* driverctl saves with: echo "$drv" > "$confdir/$bus-$dev" */
		dir_make_path(root, "etc/driverctl.d", &d);
		for (i = 0; i < m->nr_driverctl; i++) {
			char name[16];

			snprintf(name, sizeof(name), "ap-%02x.%04x",
				 m->driverctl[i].adapter,
				 m->driverctl[i].domain);
			putf(&d, name, RW, "%s\n", m->driverctl[i].driver);
		}
		dir_close(&d);
	}
}

/* Create ROOT, or accept it if it is an empty directory; open it. */
static void open_root(const char *path, struct dir *root)
{
	struct dirent *e;
	DIR *dir;

	if (mkdir(path, 0755) && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
	dir = opendir(path);
	if (!dir)
		die("%s: %s", path, strerror(errno));
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			die("%s: not empty", path);
	closedir(dir);
	if ((size_t)snprintf(root->path, sizeof(root->path), "%s", path) >=
	    sizeof(root->path))
		die("%s: path too long", path);
	root->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root->fd < 0)
		die("%s: %s", path, strerror(errno));
}

/* mkfixture DESC-FILE ROOT */
int main(int argc, char *argv[])
{
	struct fixture fx = { 0 };
	struct machine *m;
	struct dir root, sys;
	char err[512];

	if (argc != 3)
		die("usage: mkfixture DESC-FILE ROOT");
	m = malloc(sizeof(*m));
	fx.buf = malloc(MACHINE_IDS * MACHINE_IDS * 8 + 1);
	if (!m || !fx.buf)
		die("out of memory");
	if (machine_load_file(m, argv[1], err, sizeof(err))) {
		machine_release(m);
		die("%s", err);
	}
	fx.m = m;
	umask(0);
	open_root(argv[2], &root);
	dir_make(&root, "sys", &sys);
	build_ap(&fx, &sys);
	if (m->vfio_ap)
		build_vfio(&fx, &sys);
	build_etc(m, &root);
	dir_close(&sys);
	dir_close(&root);
	free(fx.buf);
	machine_release(m);
	free(m);
	return 0;
}
