// SPDX-License-Identifier: MIT
/*
 * bench-free.c - how long libzapconf's allocation search takes (make bench):
 * loads the configuration under $SYSFS_ROOT once, then times
 * zap_free_apqns() + zap_free_block_find() for a set of requests and prints
 * one line per request with the best and median time of RUNS runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zapconf.h"

#define RUNS 21

/* Monotonic time in milliseconds. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Sort doubles. */
static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Time one request of n adapters x m domains; print best and median. */
static void time_request(const struct zap_model *model, unsigned int n,
			 unsigned int m)
{
	static struct zap_bitmap free_domains[ZAP_IDS];
	struct zap_block block, largest;
	double t[RUNS];
	int rc = 0;

	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();

		zap_free_apqns(model, NULL, free_domains);
		rc = zap_free_block_find(model, free_domains, n, m, NULL,
					 &block, &largest);
		t[i] = now_ms() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp);
	printf("%4u x %-4u %-10s %8.3f %8.3f\n", n, m, rc ? "no block" : "found",
	       t[0], t[RUNS / 2]);
}

/* Load once, then time the requests. */
int main(void)
{
	static const unsigned int requests[][2] = {
		{ 1, 1 }, { 4, 4 }, { 16, 16 }, { 32, 8 }, { 64, 64 },
		{ 200, 200 }, { 256, 256 },
	};
	struct zap_model *model;
	struct zap_paths paths;
	struct zap_error err;

	if (zap_paths_from_env(&paths, &err) ||
	    zap_model_load(&model, &paths, ZAP_LOAD_CARDS | ZAP_LOAD_QUEUE_STATE |
			   ZAP_LOAD_MDEVS | ZAP_LOAD_DEFINITIONS, &err)) {
		fprintf(stderr, "bench-free: %s\n", err.message);
		return 2;
	}
	printf("request    result     best(ms) median(ms)\n");
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		time_request(model, requests[i][0], requests[i][1]);
	zap_model_free(model);
	return 0;
}
