// SPDX-License-Identifier: MIT
/*
 * apsim.c - command line of apsim, zap's AP bus + vfio_ap emulator: load a
 * machine description (tests/machine/FORMAT.md) and serve it as a live
 * sysfs tree with FUSE. Usage and control channel: README.md.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apsim.h"

/* Print the synopsis to f and exit with rc. */
static void usage(FILE *f, int rc)
{
	fprintf(f, "Usage: apsim [-f] DESC-FILE MOUNTPOINT\n"
		"Serve the AP bus and vfio_ap of a machine description as a sysfs\n"
		"tree at MOUNTPOINT (its root is /sys). -f: stay in the foreground.\n"
		"Unmount with: fusermount3 -u MOUNTPOINT\n");
	exit(rc);
}

/* Parse the command line, load the description, serve it. */
int main(int argc, char **argv)
{
	bool foreground = false;
	const char *path;
	struct sim s;
	char err[512];
	int c, rc;

	while ((c = getopt(argc, argv, "fh")) != -1) {
		if (c == 'f')
			foreground = true;
		else
			usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 1);
	}
	if (argc - optind != 2)
		usage(stderr, 1);
	path = argv[optind];
	if (sim_load(&s, path, err, sizeof(err))) {
		/* open errors already name the file, parse errors a line */
		if (strncmp(err, path, strlen(path)))
			fprintf(stderr, "apsim: %s: %s\n", path, err);
		else
			fprintf(stderr, "apsim: %s\n", err);
		machine_release(s.m);
		free(s.m);
		return 1;
	}
	rc = fs_main(&s, argv[optind + 1], foreground);
	machine_release(s.m);
	free(s.m);
	return rc;
}
