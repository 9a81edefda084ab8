// SPDX-License-Identifier: MIT
/*
 * matrix.c - lszap --matrix: a picture of the LPAR's APQNs, rows = domains,
 * columns = adapters (those present or assigned), one character per APQN:
 * H host, . vfio_ap pool and free, a symbol per mdev (legend below the
 * grid), ! in conflict, blank where no queue exists. Adapter columns are
 * cut into blocks that fit the terminal. With --free only the free cells
 * are drawn (.), on the rows and columns that have one.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lszap.h"

/* The mdev symbols, in order of use; 'H' is the host's. */
static const char symbols[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGIJKLMNOPQRSTUVWXYZ0123456789";
/* The symbol of the mdevs beyond the last one above. */
#define MORE_SYMBOL '*'
/* Width of the row label "0047  ". */
#define LABEL_WIDTH 6
/* Adapter columns per group, a blank between groups. */
#define GROUP 8

/* The picture being drawn. */
struct picture {
	struct lszap *l;
	unsigned int adapters[ZAP_IDS], nr_adapters;
	unsigned int domains[ZAP_IDS], nr_domains;
	struct zap_bitmap conflicts[ZAP_IDS];
	char *symbol;            /* per mdev index, 0 = none yet */
	unsigned int nr_symbols; /* symbols handed out */
	unsigned int nr_more;    /* mdevs shown as MORE_SYMBOL */
};

/* Width of the terminal: TIOCGWINSZ, else $COLUMNS, else 80. */
static unsigned int terminal_width(void)
{
	struct winsize ws;
	const char *env;
	long cols;

	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
	    ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env) {
		cols = strtol(env, NULL, 10);
		if (cols > 0 && cols < 10000)
			return (unsigned int)cols;
	}
	return 80;
}

/* The rows: domains of queues, QCI usage domains, mdevs' usage domains. */
static void usage_domain_ids(const struct zap_model *m, struct zap_bitmap *ids)
{
	size_t i;

	zap_bitmap_zero(ids);
	if (m->bus.has_qci)
		zap_bitmap_or(ids, ids, &m->bus.usage_domain_mask);
	for (i = 0; i < m->nr_queues; i++)
		zap_bitmap_set(ids, m->queues[i].domain);
	for (i = 0; i < m->nr_mdevs; i++)
		zap_bitmap_or(ids, ids, &m->mdevs[i].matrix.domains);
	for (i = 0; i < m->nr_definitions; i++)
		if (m->definitions[i].valid)
			zap_bitmap_or(ids, ids,
				      &m->definitions[i].matrix.domains);
}

/* --free: the rows and columns that have a free APQN the filters keep. */
static void choose_free_ids(struct picture *pic)
{
	const struct zap_model *m = pic->l->model;
	struct zap_bitmap adapters, domains;
	unsigned int id;
	size_t i;

	zap_bitmap_zero(&adapters);
	zap_bitmap_zero(&domains);
	for (i = 0; i < m->nr_queues; i++)
		if (free_apqn(pic->l, m->queues[i].adapter,
			      m->queues[i].domain)) {
			zap_bitmap_set(&adapters, m->queues[i].adapter);
			zap_bitmap_set(&domains, m->queues[i].domain);
		}
	zap_for_each_set_bit(id, &adapters)
		pic->adapters[pic->nr_adapters++] = id;
	zap_for_each_set_bit(id, &domains)
		pic->domains[pic->nr_domains++] = id;
}

/* Choose the rows and columns the filters keep. */
static void choose_ids(struct picture *pic)
{
	const struct lszap_filter *f = &pic->l->filter;
	const struct zap_model *m = pic->l->model;
	struct zap_bitmap ids;
	unsigned int id;

	describe_adapter_ids(m, &ids);
	if (f->has_adapters)
		zap_bitmap_and(&ids, &ids, &f->adapters);
	if (f->nr_apqns)
		zap_bitmap_and(&ids, &ids, &f->apqn_adapters);
	if (f->has_mdev)
		zap_bitmap_and(&ids, &ids, &m->mdevs[f->mdev].matrix.adapters);
	zap_for_each_set_bit(id, &ids)
		pic->adapters[pic->nr_adapters++] = id;
	usage_domain_ids(m, &ids);
	if (f->has_domains)
		zap_bitmap_and(&ids, &ids, &f->domains);
	if (f->nr_apqns)
		zap_bitmap_and(&ids, &ids, &f->apqn_domains);
	if (f->has_mdev)
		zap_bitmap_and(&ids, &ids, &m->mdevs[f->mdev].matrix.domains);
	zap_for_each_set_bit(id, &ids)
		pic->domains[pic->nr_domains++] = id;
}

/* The symbol of mdev @index, handed out on first use. */
static char mdev_symbol(struct picture *pic, int index)
{
	if (!pic->symbol[index]) {
		if (pic->nr_symbols < sizeof(symbols) - 1) {
			pic->symbol[index] = symbols[pic->nr_symbols++];
		} else {
			pic->symbol[index] = MORE_SYMBOL;
			pic->nr_more++;
		}
	}
	return pic->symbol[index];
}

/* The character of APQN (adapter, domain). */
static char cell(struct picture *pic, unsigned int adapter,
		 unsigned int domain)
{
	const struct zap_model *m = pic->l->model;
	struct zap_owner owner;

	if (pic->l->free)
		return free_apqn(pic->l, adapter, domain) ? '.' : ' ';
	if (!zap_model_queue(m, adapter, domain))
		return ' ';
	if (zap_bitmap_test(&pic->conflicts[adapter], domain))
		return '!';
	zap_model_owner(m, adapter, domain, &owner);
	if (owner.mdev >= 0)
		return mdev_symbol(pic, owner.mdev);
	return owner.host ? 'H' : '.';
}

/* Hand out the symbols in UUID order of the mdevs that own a cell shown. */
static void assign_symbols(struct picture *pic)
{
	const struct zap_model *m = pic->l->model;
	unsigned int i, j;

	for (i = 0; i < pic->nr_domains; i++)
		for (j = 0; j < pic->nr_adapters; j++)
			cell(pic, pic->adapters[j], pic->domains[i]);
	/* Re-number in UUID order, so the legend reads sorted. */
	pic->nr_symbols = pic->nr_more = 0;
	for (i = 0; i < m->nr_mdevs; i++)
		if (pic->symbol[i]) {
			pic->symbol[i] = 0;
			mdev_symbol(pic, (int)i);
		}
}

/* Print the adapter heading of columns first..last-1: two hex digits down. */
static void print_heading(const struct picture *pic, unsigned int first,
			  unsigned int last)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int digit, j;

	for (digit = 0; digit < 2; digit++) {
		printf("%-*s", LABEL_WIDTH, "");
		for (j = first; j < last; j++) {
			if (j > first && (j - first) % GROUP == 0)
				putchar(' ');
			putchar(hex[digit ? pic->adapters[j] & 15 :
				    pic->adapters[j] >> 4]);
		}
		putchar('\n');
	}
}

/* Print one block of the grid: every row, columns first..last-1. */
static void print_block(struct picture *pic, unsigned int first,
			unsigned int last)
{
	char line[ZAP_IDS * 2 + LABEL_WIDTH + 2];
	unsigned int i, j;
	size_t len;

	print_heading(pic, first, last);
	for (i = 0; i < pic->nr_domains; i++) {
		len = (size_t)sprintf(line, "0x%-*x", LABEL_WIDTH - 2,
				      pic->domains[i]);
		for (j = first; j < last; j++) {
			if (j > first && (j - first) % GROUP == 0)
				line[len++] = ' ';
			line[len++] = cell(pic, pic->adapters[j],
					   pic->domains[i]);
		}
		while (len > LABEL_WIDTH && line[len - 1] == ' ')
			len--;
		line[len] = '\0';
		puts(line);
	}
}

/* Print what the characters mean, and each mdev's symbol. */
static void print_legend(const struct picture *pic)
{
	const struct zap_model *m = pic->l->model;
	size_t i;

	if (pic->l->free) {
		printf("\nrows: domains, columns: adapters (hex ids, read downwards)\n"
		       ". free: an mdev could take it now   blank: not free\n");
		return;
	}
	printf("\nrows: domains, columns: adapters (hex ids, read downwards)\n"
	       "H host   . vfio_ap, free   ! conflict (see lszap --check)   "
	       "blank: no queue\n");
	for (i = 0; i < m->nr_mdevs; i++)
		if (pic->symbol[i] && pic->symbol[i] != MORE_SYMBOL)
			printf("%c %s\n", pic->symbol[i], m->mdevs[i].uuid);
	if (pic->nr_more)
		printf("%c one of %u more mdevs (lszap -x -m UUID shows one)\n",
		       MORE_SYMBOL, pic->nr_more);
}

/* Print the --matrix picture. */
int matrix_print(struct lszap *l)
{
	struct picture *pic;
	unsigned int width, per_block, groups, first, last;

	pic = calloc(1, sizeof(*pic));
	if (!pic)
		lszap_oom();
	pic->l = l;
	pic->symbol = calloc(l->model->nr_mdevs + 1, 1);
	if (!pic->symbol)
		lszap_oom();
	if (l->free) {
		choose_free_ids(pic);
	} else {
		describe_conflicts(l, pic->conflicts);
		choose_ids(pic);
	}
	if (pic->nr_adapters && pic->nr_domains) {
		if (!l->free)
			assign_symbols(pic);
		width = terminal_width();
		groups = width > LABEL_WIDTH ?
			(width - LABEL_WIDTH + 1) / (GROUP + 1) : 0;
		per_block = (groups ? groups : 1) * GROUP;
		for (first = 0; first < pic->nr_adapters; first = last) {
			last = first + per_block < pic->nr_adapters ?
				first + per_block : pic->nr_adapters;
			if (first)
				putchar('\n');
			print_block(pic, first, last);
		}
		print_legend(pic);
	}
	free(pic->symbol);
	free(pic);
	return 0;
}
