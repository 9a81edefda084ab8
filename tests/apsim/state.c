// SPDX-License-Identifier: MIT
/*
 * state.c - apsim's model of the kernel: the AP bus (masks, queue devices
 * and their drivers, bus scans) and vfio_ap (mdevs, assignments, guests),
 * following spec sections 1, 4 and 5, and with "kernel driver_override=yes"
 * the 6.19 rules of driver-override.md (override, counter, mask flag,
 * probes, DO-22 ownership). The state is the machine description itself
 * (machine.h), changed in place; sysfs formatting is tree.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apsim.h"

/* Whether two id sets have an id in common. */
static bool sets_meet(const struct machine_set *x, const struct machine_set *y)
{
	int i;

	for (i = 0; i < MACHINE_IDS; i++)
		if (x->bit[i] && y->bit[i])
			return true;
	return false;
}

/* The driver a probe binds (spec 5.4): host -> cex4queue, else vfio_ap. */
static enum machine_driver rule_driver(const struct sim *s, int a, int d)
{
	const struct machine *m = s->m;

	if (machine_host_owned(m, a, d))
		return m->zcrypt ? MACHINE_DRIVER_CEX4QUEUE : MACHINE_DRIVER_NONE;
	if (m->vfio_ap && m->adapter[a].hwtype >= 10)
		return MACHINE_DRIVER_VFIO_AP;
	return MACHINE_DRIVER_NONE;
}

/* Whether the named driver is loaded. */
static bool driver_loaded(const struct sim *s, enum machine_driver drv)
{
	if (drv == MACHINE_DRIVER_CEX4QUEUE)
		return s->m->zcrypt;
	return drv == MACHINE_DRIVER_VFIO_AP && s->m->vfio_ap;
}

/*
 * The driver a probe of an unbound queue binds (DO-13): with an override
 * only the named driver (if loaded), else the masks decide (rule_driver).
 */
static enum machine_driver probe_driver(const struct sim *s, int a, int d)
{
	const char *name = s->m->queue[a][d].override;
	enum machine_driver drv;

	if (!name)
		return rule_driver(s, a, d);
	drv = machine_override_driver(name);
	return driver_loaded(s, drv) ? drv : MACHINE_DRIVER_NONE;
}

/* Bind an unbound queue as a probe does; an accepted probe re-arms (DO-27). */
static void probe_queue(struct sim *s, int a, int d)
{
	struct machine_queue *q = &s->m->queue[a][d];

	q->driver = probe_driver(s, a, d);
	if (q->driver != MACHINE_DRIVER_NONE)
		s->m->bindings_done = false;
}

/* Load the description and take it as the state after the first scan. */
int sim_load(struct sim *s, const char *path, char *err, size_t errlen)
{
	s->m = malloc(sizeof(*s->m));
	if (!s->m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->scans = 1;
	s->config_time = 30;
	s->poll_thread = false;
	s->poll_timeout = 250000;
	return machine_load_file(s->m, path, err, errlen);
}

/* A card device exists while its adapter has at least one queue (5.1). */
bool sim_card_exists(const struct sim *s, int a)
{
	int d;

	for (d = 0; d < MACHINE_IDS; d++)
		if (s->m->queue[a][d].present)
			return true;
	return false;
}

/* zcrypt's card online value: configured, not checkstopped, online. */
bool sim_card_online(const struct sim *s, int a)
{
	const struct machine_adapter *ad = &s->m->adapter[a];

	return ad->config && !ad->chkstop && ad->online;
}

/* zcrypt's queue online value: configured, not checkstopped, online. */
bool sim_queue_online(const struct sim *s, int a, int d)
{
	const struct machine_queue *q = &s->m->queue[a][d];

	return q->config && !q->chkstop && q->online;
}

/* Index of the mdev named uuid (any case), -1 if none. */
static int mdev_find(const struct sim *s, const char *uuid)
{
	int i;

	for (i = 0; i < s->m->nr_mdevs; i++)
		if (!strcasecmp(s->m->mdev[i].uuid, uuid))
			return i;
	return -1;
}

/*
 * Re-probe every queue whose driver is not the one the masks call for, or
 * (DO-17) not the one its override names.
 */
static void rebind_queues(struct sim *s)
{
	int a, d;

	for (a = 0; a < MACHINE_IDS; a++)
		for (d = 0; d < MACHINE_IDS; d++)
			if (s->m->queue[a][d].present &&
			    s->m->queue[a][d].driver != probe_driver(s, a, d))
				probe_queue(s, a, d);
}

/* Whether an mdev would be in use for the added ids (spec 1.2 step 4). */
static bool mask_in_use(const struct sim *s, bool adapters,
			const struct machine_set *added)
{
	const struct machine *m = s->m;
	struct machine_set all;
	const struct machine_set *other;
	int i;

	/* 6.19 (DO-12): the other axis is all ones, not the current mask */
	memset(all.bit, 1, sizeof(all.bit));
	if (m->has_driver_override)
		other = &all;
	else
		other = adapters ? &m->aqmask : &m->apmask;
	for (i = 0; i < m->nr_mdevs; i++) {
		const struct machine_mdev *md = &m->mdev[i];

		if (adapters && sets_meet(added, &md->adapters) &&
		    sets_meet(other, &md->domains))
			return true;
		if (!adapters && sets_meet(other, &md->adapters) &&
		    sets_meet(added, &md->domains))
			return true;
	}
	return false;
}

/* Whether both masks are all ones. */
static bool masks_full(const struct machine *m)
{
	int i;

	for (i = 0; i < MACHINE_IDS; i++)
		if (!m->apmask.bit[i] || !m->aqmask.bit[i])
			return false;
	return true;
}

/*
 * apmask or aqmask store (spec 1.2): on 6.19 EINVAL while any override is
 * counted, before parsing (DO-10); parse into a scratch mask, no-op if
 * unchanged, EBUSY if an added bit covers an APQN of any mdev, else commit
 * (6.19: recompute the mask flag, DO-7) and rebind.
 */
int sim_store_mask(struct sim *s, bool adapters, const char *buf)
{
	struct machine *m = s->m;
	struct machine_set *cur = adapters ? &m->apmask : &m->aqmask;
	struct machine_set new, added;
	int i;

	if (m->has_driver_override && m->override_ctr)
		return -EINVAL;
	if (parse_mask_edit(buf, cur, &new))
		return -EINVAL;
	if (!memcmp(&new, cur, sizeof(new)))
		return 0;
	for (i = 0; i < MACHINE_IDS; i++)
		added.bit[i] = new.bit[i] && !cur->bit[i];
	if (mask_in_use(s, adapters, &added))
		return -EBUSY;
	*cur = new;
	m->masks_in_use = !masks_full(m);
	rebind_queues(s);
	return 0;
}

/*
 * A queue's driver_override store (DO-3, DO-4): EINVAL while the mask flag
 * is set or for 4095 bytes and more; with driver_override_busy=yes EBUSY
 * while an mdev has the APQN; the string ends at a NUL or the first
 * newline, empty clears; the counter follows none <-> set. No rebinding.
 */
int sim_store_override(struct sim *s, int a, int d, const char *buf,
		       size_t len)
{
	struct machine_queue *q = &s->m->queue[a][d];
	size_t n = strcspn(buf, "\n");
	bool had = q->override != NULL;
	char *name = NULL;

	if (s->m->masks_in_use || len >= 4095)
		return -EINVAL;
	if (s->m->override_busy && machine_owner(s->m, a, d) >= 0)
		return -EBUSY;
	if (n) {
		name = strndup(buf, n);
		if (!name)
			return -ENOMEM;
	}
	free(q->override);
	q->override = name;
	if (had && !name)
		s->m->override_ctr--;
	else if (!had && name)
		s->m->override_ctr++;
	return 0;
}

/* Parse a device name as sysfs_streq compares it: one '\n' may follow. */
static int parse_device_name(const char *buf, int *a, int *d)
{
	size_t len = strlen(buf);
	char name[16];

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= sizeof(name))
		return -ENODEV;
	memcpy(name, buf, len);
	name[len] = '\0';
	if (parse_ap_name(name, a, d))
		return -ENODEV;
	return 0;
}

/*
 * bus/ap/drivers_probe (DO-15): ENODEV for a name that is no card or queue
 * device; a bound device is left alone; an unbound queue is offered to the
 * drivers. Success even when no driver takes it.
 */
int sim_drivers_probe(struct sim *s, const char *buf)
{
	int a, d;

	if (parse_device_name(buf, &a, &d))
		return -ENODEV;
	if (d < 0)
		return sim_card_exists(s, a) ? 0 : -ENODEV;
	if (!s->m->queue[a][d].present)
		return -ENODEV;
	if (s->m->queue[a][d].driver == MACHINE_DRIVER_NONE)
		probe_queue(s, a, d);
	return 0;
}

/* mdev core create (spec 4.2): 36 or 37 bytes, UUID, EEXIST, EUSERS. */
int sim_create(struct sim *s, const char *buf, size_t len)
{
	struct machine *m = s->m;
	struct machine_mdev *md;
	char uuid[37];

	if (len != 36 && len != 37)
		return -EINVAL;
	if (parse_uuid(buf, uuid))
		return -EINVAL;
	if (mdev_find(s, uuid) >= 0)
		return -EEXIST;
	if (m->nr_mdevs == MACHINE_MAX_MDEVS)
		return -EUSERS;
	md = &m->mdev[m->nr_mdevs++];
	memset(md, 0, sizeof(*md));
	memcpy(md->uuid, uuid, sizeof(uuid));
	return 0;
}

/* mdev remove (spec 4.2): P3, 0 = no-op; EBUSY while a guest holds it. */
int sim_remove(struct sim *s, int i, const char *buf)
{
	struct machine *m = s->m;
	unsigned long long val;

	if (parse_ul(buf, &val))
		return -EINVAL;
	if (!val)
		return 0;
	if (m->mdev[i].guest)
		return -EBUSY;
	memmove(&m->mdev[i], &m->mdev[i + 1],
		(m->nr_mdevs - i - 1) * sizeof(m->mdev[0]));
	m->nr_mdevs--;
	return 0;
}

/* The set an mdev file works on. */
static struct machine_set *mdev_set(struct machine_mdev *md, enum sim_res res)
{
	if (res == SIM_ADAPTER)
		return &md->adapters;
	return res == SIM_DOMAIN ? &md->domains : &md->control;
}

/* Whether an APQN of adapters x domains is the host's for vfio_ap (DO-18). */
static bool matrix_host_owned(const struct machine *m,
			      const struct machine_set *adapters,
			      const struct machine_set *domains)
{
	int a, d;

	if (!m->has_driver_override)
		return sets_meet(adapters, &m->apmask) &&
		       sets_meet(domains, &m->aqmask);
	for (a = 0; a < MACHINE_IDS; a++) {
		if (!adapters->bit[a])
			continue;
		for (d = 0; d < MACHINE_IDS; d++)
			if (domains->bit[d] && machine_vfio_host_owned(m, a, d))
				return true;
	}
	return false;
}

/* vfio_ap's mask validation: host-owned APQN first, then sharing. */
static int validate_mdev(const struct sim *s, int i)
{
	const struct machine *m = s->m;
	const struct machine_mdev *md = &m->mdev[i];
	int j;

	if (matrix_host_owned(m, &md->adapters, &md->domains))
		return -EADDRNOTAVAIL;
	for (j = 0; j < m->nr_mdevs; j++)
		if (j != i && sets_meet(&md->adapters, &m->mdev[j].adapters) &&
		    sets_meet(&md->domains, &m->mdev[j].domains))
			return -EADDRINUSE;
	return 0;
}

/* assign_* / unassign_* (spec 4.5); control domains are never checked. */
int sim_assign(struct sim *s, int i, enum sim_res res, bool assign,
	       const char *buf)
{
	struct machine_set *set = mdev_set(&s->m->mdev[i], res);
	int max = res == SIM_ADAPTER ? s->m->max_adapter : s->m->max_domain;
	unsigned long long id;
	int rc;

	rc = parse_ul(buf, &id);
	if (rc)
		return rc;
	if (id > (unsigned long long)max)
		return -ENODEV;
	if (set->bit[id] == assign)
		return 0;
	set->bit[id] = assign;
	if (!assign || res == SIM_CONTROL)
		return 0;
	rc = validate_mdev(s, i);
	if (rc)
		set->bit[id] = 0;
	return rc;
}

/* Whether a set has an id above max. */
static bool set_above(const struct machine_set *set, int max)
{
	int i;

	for (i = max + 1; i < MACHINE_IDS; i++)
		if (set->bit[i])
			return true;
	return false;
}

/*
 * ap_config store (spec 4.6): at most 201 bytes, split at ',' and '\n'
 * like strsep into three P1 fields, then the whole new matrix is checked:
 * EADDRNOTAVAIL, EADDRINUSE, then ENODEV for ids above the maxima.
 */
int sim_store_ap_config(struct sim *s, int i, const char *buf)
{
	struct machine_mdev *md = &s->m->mdev[i];
	struct machine_set *field[3] = { &md->adapters, &md->domains,
					 &md->control };
	struct machine_mdev old = *md;
	char copy[202], *rest = copy, *tok;
	int f, rc;

	snprintf(copy, sizeof(copy), "%.201s", buf);
	for (f = 0; f < 3; f++) {
		tok = strsep(&rest, ",\n");
		if (!tok || parse_mask(tok, field[f])) {
			*md = old;
			return -EINVAL;
		}
	}
	rc = validate_mdev(s, i);
	if (!rc && (set_above(&md->adapters, s->m->max_adapter) ||
		    set_above(&md->domains, s->m->max_domain) ||
		    set_above(&md->control, s->m->max_domain)))
		rc = -ENODEV;
	if (rc)
		*md = old;
	return rc;
}

/*
 * Driver bind/unbind files of the two queue drivers (spec 5.4, DO-14,
 * DO-16): unbind ENODEV unless bound to that driver; bind EBUSY if bound,
 * ENODEV if the probe (override or masks) rejects the driver.
 */
int sim_bind(struct sim *s, enum machine_driver drv, bool bind,
	     const char *buf)
{
	struct machine_queue *q;
	int a, d;

	if (parse_device_name(buf, &a, &d) || d < 0 ||
	    !s->m->queue[a][d].present)
		return -ENODEV;
	q = &s->m->queue[a][d];
	if (!bind) {
		if (q->driver != drv)
			return -ENODEV;
		q->driver = MACHINE_DRIVER_NONE;
		return 0;
	}
	if (q->driver != MACHINE_DRIVER_NONE)
		return -EBUSY;
	if (probe_driver(s, a, d) != drv)
		return -ENODEV;
	q->driver = drv;
	s->m->bindings_done = false;
	return 0;
}

/*
 * A bus scan (spec 1.4): create queue devices for configured APQNs that
 * have none (probed by the rules), remove those that left (an override
 * goes with its queue, the counter stays: DO-8), pick a default domain if
 * there is none, then count a bindings-complete event if every queue is
 * bound and a probe re-armed it (DO-27).
 */
void sim_rescan(struct sim *s)
{
	struct machine *m = s->m;
	struct machine_queue *q;
	bool want;
	int a, d;

	for (a = 0; a < MACHINE_IDS; a++) {
		for (d = 0; d < MACHINE_IDS; d++) {
			q = &m->queue[a][d];
			// cppcheck-suppress arrayIndexThenCheck ; a < MACHINE_IDS (loop); a <= max_adapter is the machine's limit, no bounds check
			want = m->adapter[a].present && a <= m->max_adapter &&
			       d <= m->max_domain && m->adapter[a].domains.bit[d] &&
			       m->usage_domains.bit[d];
			if (want && !q->present) {
				q->present = true;
				q->config = q->config && m->adapter[a].config;
				q->chkstop = q->chkstop || m->adapter[a].chkstop;
				q->online = q->online && m->adapter[a].online;
			} else if (!want && q->present) {
				free(q->override);
				*q = (struct machine_queue){ .config = true,
							     .online = true };
			}
			if (q->present && q->driver == MACHINE_DRIVER_AUTO)
				probe_queue(s, a, d);
		}
	}
	for (d = 0; m->ap_domain < 0 && d <= m->max_domain; d++)
		for (a = 0; a <= m->max_adapter; a++)
			if (m->queue[a][d].present && m->queue[a][d].config &&
			    machine_host_owned(m, a, d))
				m->ap_domain = d;
	s->scans++;
	if (!m->bindings_done && machine_all_bound(m)) {
		m->bindings_done = true;
		m->bindings_complete_count++;
	}
}

/* SCLP (de)configure of an adapter: its queues follow, then a scan. */
int sim_set_config(struct sim *s, int a, bool config)
{
	int d;

	s->m->adapter[a].config = config;
	for (d = 0; d < MACHINE_IDS; d++)
		if (s->m->queue[a][d].present)
			s->m->queue[a][d].config = config;
	sim_rescan(s);
	return 0;
}

/* zcrypt card online store: its queues follow; ENODEV if not usable. */
int sim_set_card_online(struct sim *s, int a, bool online)
{
	struct machine_adapter *ad = &s->m->adapter[a];
	int d;

	if (online && (!ad->config || ad->chkstop))
		return -ENODEV;
	ad->online = online;
	for (d = 0; d < MACHINE_IDS; d++)
		if (s->m->queue[a][d].driver == MACHINE_DRIVER_CEX4QUEUE)
			s->m->queue[a][d].online = online;
	return 0;
}

/* zcrypt queue online store: ENODEV if deconfigured, EINVAL if card off. */
int sim_set_queue_online(struct sim *s, int a, int d, bool online)
{
	struct machine_adapter *ad = &s->m->adapter[a];
	struct machine_queue *q = &s->m->queue[a][d];

	if (online && (!q->config || !ad->config || q->chkstop || ad->chkstop))
		return -ENODEV;
	if (online && !ad->online)
		return -EINVAL;
	q->online = online;
	if (!online)
		q->pending = 0;
	return 0;
}

/* Parse an adapter id of the control channel: decimal or 0x hex. */
static int parse_adapter_id(const char *s, int *a)
{
	unsigned long v;
	char *end;

	v = strtoul(s, &end, strncmp(s, "0x", 2) ? 10 : 16);
	if (end == s || *end || v >= MACHINE_IDS)
		return -EINVAL;
	*a = (int)v;
	return 0;
}

/* Control "add adapter ..." / "add queue ...": the statement, then a scan. */
static int command_add(struct sim *s, const char *stmt)
{
	struct machine *m = s->m;
	char err[256], kind[16], id[16];
	unsigned char had = 0;
	int a, d = 0, i;

	if (sscanf(stmt, "%15s %15s", kind, id) != 2)
		return -EINVAL;
	if (!strcmp(kind, "queue")) {
		if (parse_ap_name(id, &a, &d) || d < 0)
			return -EINVAL;
		if (!m->adapter[a].present)
			return -ENODEV;
		had = m->adapter[a].domains.bit[d];
		m->adapter[a].domains.bit[d] = 1;
	} else if (strcmp(kind, "adapter") || parse_adapter_id(id, &a) ||
		   a > m->max_adapter) {
		return -EINVAL;
	} else if (m->adapter[a].present) {
		return -EEXIST;
	}
	if (machine_parse_line(m, stmt, 0, err, sizeof(err))) {
		if (!strcmp(kind, "queue"))
			m->adapter[a].domains.bit[d] = had;
		return -EINVAL;
	}
	for (i = 0; i < MACHINE_IDS && !m->usage_domains_given; i++)
		m->usage_domains.bit[i] |= m->adapter[a].domains.bit[i];
	if (!m->control_domains_given)
		m->control_domains = m->usage_domains;
	sim_rescan(s);
	return 0;
}

/* Control "guest UUID start|stop": a guest opens or releases the mdev. */
static int command_guest(struct sim *s, const char *uuid, const char *what)
{
	int i = mdev_find(s, uuid);

	if (i < 0)
		return -ENODEV;
	if (strcmp(what, "start") && strcmp(what, "stop"))
		return -EINVAL;
	s->m->mdev[i].guest = !strcmp(what, "start");
	return 0;
}

/* Run one model command of the control channel (README.md); 0 or -errno. */
int sim_command(struct sim *s, const char *cmd)
{
	char w[4][64];
	int n, a;

	if (!strncmp(cmd, "add ", 4))
		return command_add(s, cmd + 4);
	n = sscanf(cmd, "%63s %63s %63s %63s", w[0], w[1], w[2], w[3]);
	if (n == 3 && !strcmp(w[0], "guest"))
		return command_guest(s, w[1], w[2]);
	if (n == 4 && !strcmp(w[0], "adapter") && !strcmp(w[2], "config") &&
	    !parse_adapter_id(w[1], &a) &&
	    (!strcmp(w[3], "0") || !strcmp(w[3], "1"))) {
		if (!s->m->adapter[a].present)
			return -ENODEV;
		return sim_set_config(s, a, w[3][0] == '1');
	}
	if (n == 3 && !strcmp(w[0], "remove") && !strcmp(w[1], "adapter") &&
	    !parse_adapter_id(w[2], &a)) {
		if (!s->m->adapter[a].present)
			return -ENODEV;
		s->m->adapter[a].present = false;
		sim_rescan(s);
		return 0;
	}
	return -EINVAL;
}

/* Name of a queue driver for the state dump. */
static const char *driver_name(enum machine_driver drv)
{
	switch (drv) {
	case MACHINE_DRIVER_CEX4QUEUE:
		return "cex4queue";
	case MACHINE_DRIVER_VFIO_AP:
		return "vfio_ap";
	default:
		return "none";
	}
}

/* Print a set as a kernel mask followed by a separator. */
static void dump_mask(FILE *f, const char *key, const struct machine_set *set,
		      const char *sep)
{
	char mask[67];

	machine_set_to_mask(set, mask);
	fprintf(f, "%s=%s%s", key, mask, sep);
}

/* The .apsim/state dump: bus, cards, queues, mdevs (format in README). */
void sim_dump(const struct sim *s, FILE *f)
{
	const struct machine *m = s->m;
	struct machine_set ga, gd;
	int a, d, i;

	fprintf(f, "bus ");
	dump_mask(f, "apmask", &m->apmask, " ");
	dump_mask(f, "aqmask", &m->aqmask, " ");
	fprintf(f, "ap_domain=%d scans=%llu", m->ap_domain, s->scans);
	if (m->has_driver_override)
		fprintf(f, " ap_driver_override_ctr=%d ap_apmask_aqmask_in_use=%d bindings_complete_count=%llu",
			m->override_ctr, m->masks_in_use,
			m->bindings_complete_count);
	fputc('\n', f);
	for (a = 0; a < MACHINE_IDS; a++) {
		if (!sim_card_exists(s, a))
			continue;
		fprintf(f, "card %02x config=%d online=%d\n", a,
			m->adapter[a].config, sim_card_online(s, a));
		for (d = 0; d < MACHINE_IDS; d++) {
			if (!m->queue[a][d].present)
				continue;
			fprintf(f, "queue %02x.%04x driver=%s config=%d online=%d",
				a, d, driver_name(m->queue[a][d].driver),
				m->queue[a][d].config, sim_queue_online(s, a, d));
			if (m->has_driver_override)
				fprintf(f, " override=%s",
					m->queue[a][d].override ?
					m->queue[a][d].override : "");
			fputc('\n', f);
		}
	}
	for (i = 0; i < m->nr_mdevs; i++) {
		machine_guest_matrix(m, i, &ga, &gd);
		fprintf(f, "mdev %s ", m->mdev[i].uuid);
		dump_mask(f, "adapters", &m->mdev[i].adapters, " ");
		dump_mask(f, "domains", &m->mdev[i].domains, " ");
		dump_mask(f, "control", &m->mdev[i].control, " ");
		fprintf(f, "guest=%s ", m->mdev[i].guest ? "yes" : "no");
		dump_mask(f, "guest_adapters", &ga, " ");
		dump_mask(f, "guest_domains", &gd, "\n");
	}
}
