// SPDX-License-Identifier: MIT
/*
 * watch.c - lszap --watch: after the listing, follow the AP configuration
 * and print one line (one JSON object with -j) per difference that
 * zap_model_diff() finds between the model before and after a change,
 * each starting with the ISO 8601 time it was seen ("time" in JSON).
 * On the real sysfs the changes are announced by uevents (libudev monitor:
 * subsystems ap and mdev, and the vfio_ap matrix device's MDEV_STATE); a
 * tree given by SYSFS_ROOT or ZAP_ROOT has none and is re-read every
 * --interval seconds. SIGINT and SIGTERM are blocked and read from a
 * signalfd in the poll loop: they end the watch with exit code 0.
 *
 * Copyright zap developers 2026
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#include "lszap.h"

/* What each reload reads: enough for every kind of zap_event. */
#define WATCH_LOAD_BITS (ZAP_LOAD_CARDS | ZAP_LOAD_QUEUES | \
			 ZAP_LOAD_QUEUE_STATE | ZAP_LOAD_MDEVS | ZAP_LOAD_VMS)
/* --interval without the option, in milliseconds. */
#define WATCH_DEFAULT_INTERVAL_MS 2000
/* The longest --interval: one day. */
#define WATCH_MAX_INTERVAL_S 86400.0
/* Quiet time after a uevent before the reload: uevents come in bursts. */
#define WATCH_SETTLE_MS 100
/* The longest a reload waits for a burst to end. */
#define WATCH_SETTLE_MAX_MS 1000
/* The sysfs that has uevents. */
#define WATCH_REAL_SYSFS "/sys"

/* Parse --interval SECONDS ("2", "0.2"); exit 1 if it is no such number. */
void watch_parse_interval(struct lszap *l, const char *text)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(s) || s <= 0 ||
	    s > WATCH_MAX_INTERVAL_S || strchr(text, 'x') || strchr(text, 'X'))
		lszap_usage_error("invalid interval '%s': seconds above 0, at most %.0f (0.2, 2)",
				  text, WATCH_MAX_INTERVAL_S);
	/* whole milliseconds, rounded up: 0.0001 is 1 ms, not 0 */
	l->watcher.interval_ms = (unsigned int)(s * 1000 + 0.999);
	l->watcher.interval_given = true;
}

/* Block SIGINT and SIGTERM into a signalfd, load the model to compare with. */
void watch_start(struct lszap *l)
{
	struct lszap_watch *w = &l->watcher;
	struct zap_error err;
	sigset_t mask;

	if (!w->interval_ms)
		w->interval_ms = WATCH_DEFAULT_INTERVAL_MS;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (w->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		lszap_warn("cannot wait for signals: %s", strerror(errno));
		exit(ZAP_STATUS_NOT_FOUND);
	}
	/* loaded before the listing: a change in between is shown twice */
	zap_error_clear(&err);
	if (zap_model_load(&w->base, &l->paths, WATCH_LOAD_BITS, &err))
		lszap_fail(&err);
}

/* Milliseconds of the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is the event about something the -a, -d and APQN filters select? */
static bool event_shown(const struct lszap *l, const struct zap_event *e)
{
	const struct lszap_filter *f = &l->filter;

	/* masks, mdevs and guests concern every id */
	if (e->adapter < 0)
		return true;
	if (e->domain < 0)
		return (!f->has_adapters ||
			zap_bitmap_test(&f->adapters, (unsigned int)e->adapter)) &&
		       (!f->nr_apqns ||
			zap_bitmap_test(&f->apqn_adapters,
					(unsigned int)e->adapter));
	return filter_apqn(l, (unsigned int)e->adapter,
			   (unsigned int)e->domain);
}

/* Now as ISO 8601 local time with the offset: 2026-12-06T14:20:08+01:00. */
static void iso8601_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	size_t len;

	if (!localtime_r(&now, &tm) ||
	    (len = strftime(buf, size, "%Y-%m-%dT%H:%M:%S%z", &tm)) < 5) {
		snprintf(buf, size, "-");
		return;
	}
	/* +0100 -> +01:00, as ISO 8601's extended format writes it */
	if (len + 1 < size) {
		memmove(buf + len - 1, buf + len - 2, 3);
		buf[len - 2] = ':';
	}
}

/*
 * Print one event: "TIME kind: message", or its JSON object with -j; all
 * events of one reload carry the time it was seen.
 */
static void print_event(const struct lszap *l, const struct zap_event *e,
			const char *time)
{
	if (l->json)
		json_print_event(e, time);
	else
		printf("%s %s: %s\n", time, zap_event_kind_name(e->kind),
		       e->message);
}

/* Was @line among the unreadable lines of @model? */
static bool was_unreadable(const struct zap_model *model, const char *line)
{
	size_t i;

	for (i = 0; i < model->nr_unreadable; i++)
		if (!strcmp(model->unreadable[i], line))
			return true;
	return false;
}

/*
 * Re-read the configuration and print what changed since the base model,
 * then make the new model the base. A load that fails keeps the base and
 * is reported once; newly unreadable parts are named on stderr.
 * Returns: 0; ZAP_STATUS_NOT_FOUND when stdout cannot be written.
 */
static int reload(struct lszap *l)
{
	struct lszap_watch *w = &l->watcher;
	struct zap_events events = { 0 };
	struct zap_model *next;
	struct zap_error err;
	char when[40];
	size_t i;

	zap_error_clear(&err);
	if (zap_model_load(&next, &l->paths, WATCH_LOAD_BITS, &err)) {
		if (strcmp(err.message, w->last_error)) {
			lszap_warn("%s", err.message);
			snprintf(w->last_error, sizeof(w->last_error), "%s",
				 err.message);
		}
		return 0;
	}
	w->last_error[0] = '\0';
	if (zap_model_diff(w->base, next, &events, &err)) {
		zap_model_free(next);
		lszap_fail(&err);
	}
	iso8601_now(when, sizeof(when));
	for (i = 0; i < events.count; i++)
		if (event_shown(l, &events.items[i]))
			print_event(l, &events.items[i], when);
	zap_events_free(&events);
	for (i = 0; i < next->nr_unreadable; i++)
		if (!was_unreadable(w->base, next->unreadable[i]))
			lszap_warn("%s", next->unreadable[i]);
	zap_model_free(w->base);
	w->base = next;
	if (fflush(stdout) || ferror(stdout)) {
		lszap_warn("write error: %s", strerror(errno));
		return ZAP_STATUS_NOT_FOUND;
	}
	return 0;
}

/*
 * A libudev monitor of the AP bus, the mdevs and the matrix device; NULL
 * with *@errnum set when uevents cannot be received.
 */
static struct udev_monitor *monitor_open(struct udev **udev, int *errnum)
{
	static const char *const subsystems[] = { "ap", "mdev", "matrix" };
	struct udev_monitor *mon = NULL;
	size_t i;

	errno = 0;
	*udev = udev_new();
	if (*udev)
		mon = udev_monitor_new_from_netlink(*udev, "udev");
	for (i = 0; mon && i < sizeof(subsystems) / sizeof(subsystems[0]); i++)
		if (udev_monitor_filter_add_match_subsystem_devtype(mon,
				subsystems[i], NULL) < 0)
			break;
	if (mon && (i < sizeof(subsystems) / sizeof(subsystems[0]) ||
		    udev_monitor_enable_receiving(mon) < 0)) {
		udev_monitor_unref(mon);
		mon = NULL;
	}
	if (!mon) {
		*errnum = errno ? errno : ENOTSUP;
		if (*udev)
			udev_unref(*udev);
		*udev = NULL;
	}
	return mon;
}

/*
 * Read every uevent waiting on @mon. Returns: whether one of them may
 * change the configuration (ap or mdev devices, or the matrix device
 * announcing MDEV_STATE: vfio_ap registered or unregistered).
 */
static bool monitor_drain(struct udev_monitor *mon)
{
	struct udev_device *dev;
	const char *subsystem;
	bool relevant = false;

	while ((dev = udev_monitor_receive_device(mon))) {
		subsystem = udev_device_get_subsystem(dev);
		if (subsystem && (!strcmp(subsystem, "ap") ||
				  !strcmp(subsystem, "mdev") ||
				  udev_device_get_property_value(dev,
								 "MDEV_STATE")))
			relevant = true;
		udev_device_unref(dev);
	}
	return relevant;
}

/* Milliseconds from @now until @deadline (never negative), -1 for none. */
static int time_left(long long now, long long deadline)
{
	if (deadline < 0)
		return -1;
	return deadline > now ? (int)(deadline - now) : 0;
}

/*
 * After uevents at @now: when to reload. A burst postpones the reload
 * until it has been quiet for WATCH_SETTLE_MS, but not beyond
 * WATCH_SETTLE_MAX_MS after its first event (@first, -1 before it).
 */
static long long settle_time(long long now, long long *first)
{
	if (*first < 0)
		*first = now;
	if (now + WATCH_SETTLE_MS > *first + WATCH_SETTLE_MAX_MS)
		return *first + WATCH_SETTLE_MAX_MS;
	return now + WATCH_SETTLE_MS;
}

/* Follow the changes until SIGINT or SIGTERM; returns the exit status. */
int watch_follow(struct lszap *l)
{
	struct lszap_watch *w = &l->watcher;
	long long next = -1, settle = -1, first = -1, now;
	struct udev_monitor *mon = NULL;
	struct udev *udev = NULL;
	struct pollfd fds[2];
	int period = -1, timeout, a, b, errnum = 0, rc = 0;
	nfds_t nfds = 1;

	if (!strcmp(l->paths.sysfs, WATCH_REAL_SYSFS)) {
		mon = monitor_open(&udev, &errnum);
		if (!mon)
			lszap_warn("warning: cannot receive uevents: %s; re-reading every %g s",
				   strerror(errnum), w->interval_ms / 1000.0);
	}
	if (!mon || w->interval_given)
		period = (int)w->interval_ms;
	fds[0].fd = w->signal_fd;
	fds[0].events = POLLIN;
	if (mon) {
		fds[1].fd = udev_monitor_get_fd(mon);
		fds[1].events = POLLIN;
		nfds = 2;
	}
	now = now_ms();
	if (period > 0)
		next = now + period;
	while (!rc) {
		a = time_left(now, next);
		b = time_left(now, settle);
		timeout = a < 0 ? b : b < 0 ? a : a < b ? a : b;
		fds[0].revents = fds[1].revents = 0;
		if (poll(fds, nfds, timeout) < 0 && errno != EINTR) {
			lszap_warn("poll: %s", strerror(errno));
			rc = ZAP_STATUS_NOT_FOUND;
			break;
		}
		if (fds[0].revents & POLLIN)
			break;
		now = now_ms();
		if (nfds == 2 && (fds[1].revents & (POLLHUP | POLLNVAL))) {
			lszap_warn("warning: uevents lost; re-reading every %g s",
				   w->interval_ms / 1000.0);
			nfds = 1;
			period = (int)w->interval_ms;
			next = now;
		}
		/* POLLERR: the socket overflowed, uevents were dropped */
		if (nfds == 2 && (fds[1].revents & (POLLIN | POLLERR)) &&
		    (monitor_drain(mon) || (fds[1].revents & POLLERR)))
			settle = settle_time(now, &first);
		if ((settle >= 0 && now >= settle) || (next >= 0 && now >= next)) {
			rc = reload(l);
			now = now_ms();
			settle = first = -1;
			if (period > 0)
				next = now + period;
		}
	}
	if (mon)
		udev_monitor_unref(mon);
	if (udev)
		udev_unref(udev);
	return rc;
}

/* Release what watch_start() took. */
void watch_free(struct lszap *l)
{
	if (l->watcher.base)
		zap_model_free(l->watcher.base);
	l->watcher.base = NULL;
	if (l->watcher.signal_fd >= 0)
		close(l->watcher.signal_fd);
	l->watcher.signal_fd = -1;
}
