// SPDX-License-Identifier: MIT
/*
 * libvirt.c - lszap --libvirt UUID: the libvirt domain XML element that
 * gives a guest the vfio_ap mdev UUID (active or defined), ready for
 * "virsh attach-device --config": a vfio-ap hostdev whose source is the
 * mdev's address (interop.md section 6). An unknown mdev is exit 2.
 *
 * Copyright zap developers 2026
 */
#include <stdio.h>

#include "lszap.h"

/* Print the libvirt <hostdev> element of the mdev --libvirt names. */
int libvirt_print(const struct lszap *l)
{
	const struct zap_mdev *mdev = &l->model->mdevs[l->filter.mdev];

	printf("<hostdev mode='subsystem' type='mdev' model='vfio-ap'>\n"
	       "  <source>\n"
	       "    <address uuid='%s'/>\n"
	       "  </source>\n"
	       "</hostdev>\n", mdev->uuid);
	return 0;
}
