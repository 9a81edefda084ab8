// SPDX-License-Identifier: MIT
/*
 * libvirt_xml.c - the libvirt guest (VM) of each mdev, from libvirt's
 * domain XML under ZAP_ROOT, read with libxml2: the persistent definitions
 * in etc/libvirt/qemu/NAME.xml, then the running domains in
 * run/libvirt/qemu/NAME.xml (a <domstatus> around the <domain>), which win.
 * A domain uses an mdev through <hostdev mode='subsystem' type='mdev'
 * model='vfio-ap'> whose <source><address uuid='UUID'/> names it; the
 * domain's <name> becomes the mdev's vm. A missing directory, an
 * unreadable or malformed file changes nothing else: it is skipped.
 *
 * Copyright zap developers 2026
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "internal.h"

/* The vfio-ap mdev UUIDs a domain's hostdevs name. */
#define HOSTDEV_UUIDS "//domain/devices/hostdev[@mode='subsystem' and " \
	"@type='mdev' and @model='vfio-ap']/source/address/@uuid"
/* The domain's name. */
#define DOMAIN_NAME "string(//domain/name)"

/* libxml2 reports through this instead of printing: the library is quiet. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Give each mdev a hostdev of @doc names the domain's name (@running wins). */
static void domain_vms(struct zap_model *model, xmlDocPtr doc, bool running)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr name = NULL, uuids = NULL;
	char uuid[ZAP_UUID_STRLEN];
	struct zap_mdev *mdev;
	xmlChar *text;
	int i, index;

	if (!ctx)
		return;
	name = xmlXPathEvalExpression(BAD_CAST DOMAIN_NAME, ctx);
	uuids = xmlXPathEvalExpression(BAD_CAST HOSTDEV_UUIDS, ctx);
	if (!name || name->type != XPATH_STRING || !name->stringval ||
	    !name->stringval[0] || !uuids || !uuids->nodesetval)
		goto out;
	for (i = 0; i < uuids->nodesetval->nodeNr; i++) {
		text = xmlNodeGetContent(uuids->nodesetval->nodeTab[i]);
		if (text && zap_uuid_parse((const char *)text, uuid, NULL) == 0) {
			index = zap_model_find_mdev(model, uuid);
			mdev = index >= 0 ? &model->mdevs[index] : NULL;
			if (mdev && (running || !mdev->vm[0]))
				snprintf(mdev->vm, sizeof(mdev->vm), "%s",
					 (const char *)name->stringval);
		}
		xmlFree(text);
	}
out:
	xmlXPathFreeObject(name);
	xmlXPathFreeObject(uuids);
	xmlXPathFreeContext(ctx);
}

/* Is @name a domain file, "NAME.xml"? */
static int is_xml(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);

	return entry->d_name[0] != '.' && len > 4 &&
	       !strcmp(entry->d_name + len - 4, ".xml");
}

/* Read every domain file of ROOT/@dir (sorted by name). */
static void scan_dir(struct zap_model *model, const char *dir, bool running)
{
	struct dirent **entries;
	char path[1200];
	xmlDocPtr doc;
	int n, i;

	snprintf(path, sizeof(path), "%s/%s", model->paths.root, dir);
	n = scandir(path, &entries, is_xml, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", model->paths.root, dir,
			 entries[i]->d_name);
		doc = xmlReadFile(path, NULL, XML_PARSE_NONET |
				  XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc) {
			domain_vms(model, doc, running);
			xmlFreeDoc(doc);
		}
		free(entries[i]);
	}
	free(entries);
}

/* Fill the vm of every mdev a libvirt domain uses ("" when none does). */
void zap_libvirt_vms_load(struct zap_model *model)
{
	size_t i;

	for (i = 0; i < model->nr_mdevs; i++)
		model->mdevs[i].vm[0] = '\0';
	if (!model->nr_mdevs)
		return;
	xmlSetGenericErrorFunc(NULL, quiet);
	scan_dir(model, "etc/libvirt/qemu", false);
	scan_dir(model, "run/libvirt/qemu", true);
}
