/* SPDX-License-Identifier: MIT */
/*
 * apsim.h - what apsim's parts share: the kernel's parsing primitives
 * (parse.c), the model of the AP bus and vfio_ap (state.c), the sysfs tree
 * (tree.c) and the FUSE glue with the control channel (fs.c).
 * apsim is written from shared/spec/sysfs-ap.md and driver-override.md and
 * never uses libzapconf.
 */
#ifndef ZAP_APSIM_H
#define ZAP_APSIM_H

#include <stdbool.h>
#include <stdio.h>

#include "../machine/machine.h"

/* The kernel model: the description, kept live, plus the bus settings. */
struct sim {
	struct machine *m;
	unsigned long long scans;
	int config_time;
	bool poll_thread;
	unsigned long long poll_timeout;
};

/* What an mdev assign/unassign file works on. */
enum sim_res { SIM_ADAPTER, SIM_DOMAIN, SIM_CONTROL };

/* parse.c: P1-P5 of spec 0.3, on a NUL-terminated copy of one write. */
int parse_mask(const char *s, struct machine_set *set);
int parse_mask_edit(const char *s, const struct machine_set *cur,
		    struct machine_set *out);
int parse_ul(const char *s, unsigned long long *val);
int parse_scanf_int(const char *s, bool base0, long long *val);
int parse_bool(const char *s, bool *val);
int parse_uuid(const char *s, char out[37]);
int parse_ap_name(const char *s, int *a, int *d);

/* state.c: the model; every call expects the global lock held. */
int sim_load(struct sim *s, const char *path, char *err, size_t errlen);
bool sim_card_exists(const struct sim *s, int a);
bool sim_card_online(const struct sim *s, int a);
bool sim_queue_online(const struct sim *s, int a, int d);
int sim_store_mask(struct sim *s, bool adapters, const char *buf);
int sim_store_override(struct sim *s, int a, int d, const char *buf,
		       size_t len);
int sim_drivers_probe(struct sim *s, const char *buf);
int sim_create(struct sim *s, const char *buf, size_t len);
int sim_remove(struct sim *s, int i, const char *buf);
int sim_assign(struct sim *s, int i, enum sim_res res, bool assign,
	       const char *buf);
int sim_store_ap_config(struct sim *s, int i, const char *buf);
int sim_bind(struct sim *s, enum machine_driver drv, bool bind,
	     const char *buf);
int sim_set_config(struct sim *s, int a, bool config);
int sim_set_card_online(struct sim *s, int a, bool online);
int sim_set_queue_online(struct sim *s, int a, int d, bool online);
void sim_rescan(struct sim *s);
int sim_command(struct sim *s, const char *cmd);
void sim_dump(const struct sim *s, FILE *f);

/* tree.c: the sysfs tree as seen below the mount point. */
enum node_type { NODE_DIR, NODE_FILE, NODE_LINK };

struct attr;

/* One resolved path: a directory, an attribute file or a symlink. */
struct node {
	enum node_type type;
	int dir;                    /* kind of the directory (tree.c), or of
				       the directory holding the file/link */
	const struct attr *attr;    /* NODE_FILE */
	int card, dom, drv, mdev;   /* context ids; -1 where meaningless */
	char link[128];             /* NODE_LINK target, relative */
};

/* Called once per directory entry by tree_list. */
typedef void (*tree_filler)(void *ctx, const char *name);

int tree_lookup(struct sim *s, const char *path, struct node *n);
bool tree_is_control(const struct node *n);
void tree_list(struct sim *s, const struct node *dir, tree_filler fill,
	       void *ctx);
bool tree_readable(const struct node *n);
bool tree_writable(const struct node *n);
bool tree_waits(const struct node *n);
void tree_show(struct sim *s, const struct node *n, FILE *f);
int tree_store(struct sim *s, const struct node *n, const char *buf,
	       size_t len);

/* fs.c: the control channel and the FUSE file system. */
int fs_control(struct sim *s, const char *cmd);
void fs_show_writes(FILE *f);
int fs_main(struct sim *s, const char *mountpoint, bool foreground);

#endif
