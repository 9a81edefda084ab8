// SPDX-License-Identifier: MIT
/*
 * check_config_file.c - unit tests of config_file.c, the zap-config(5)
 * document: the reader accepts the format and refuses every kind of bad
 * input naming the key and the value (status USAGE, nothing returned), the
 * document of a model (live, one mdev, after a reboot), the exact text the
 * writer produces, reading files and stdin, and the round trip model ->
 * document -> text -> document.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "unit.h"

/* Host keeps domains 0-3 and every adapter but 5, 6; mdev A, B active, C defined. */
static const char host[] =
	"bus apmask=0-4,7-255 aqmask=0-3\n"
	"adapter 5 hwtype=14 mode=cca domains=1,4,0x47\n"
	"adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47\n"
	"mdev " UUID_A " adapters=5 domains=4 control=4\n"
	"mdev " UUID_B " adapters=6 domains=0x47 control=none\n"
	"define " UUID_A " start=auto adapters=5 domains=4 control=4\n"
	"define " UUID_B " start=manual adapters=6 domains=0x47 control=none\n"
	"define " UUID_C " start=auto adapters=5,6 domains=1 control=none\n"
	"rules apmask=0-5,7-255 aqmask=0-3\n";

/* The document lszap --export prints for @host. */
static const char host_text[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"ownership\": \"masks\",\n"
	"  \"vfio_ap\": { \"adapters\": [ 5, 6 ], \"domains\": [ "
	"4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, "
	"23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, "
	"41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, "
	"59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, "
	"77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, "
	"95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, "
	"110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, "
	"124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, "
	"138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, "
	"152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, "
	"166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, "
	"180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, "
	"194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, "
	"208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, "
	"222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, "
	"236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, "
	"250, 251, 252, 253, 254, 255 ] },\n"
	"  \"mdevs\": [\n"
	"    { \"uuid\": \"" UUID_A "\", \"adapters\": [ 5 ], \"domains\": [ 4 ], "
	"\"control_domains\": [ 4 ], \"autostart\": true },\n"
	"    { \"uuid\": \"" UUID_B "\", \"adapters\": [ 6 ], \"domains\": [ 71 ], "
	"\"control_domains\": [ ], \"autostart\": false }\n"
	"  ]\n"
	"}\n";

/* A set of ids from a list ("5,6"), "" for none. */
static struct zap_bitmap ids(const char *list)
{
	struct zap_bitmap b;

	zap_bitmap_zero(&b);
	if (*list)
		ck_assert_int_eq(zap_ids_parse(&b, list, 255, "id", NULL), 0);
	return b;
}

/* Parse @text (named "t.json"); fail the test unless it is accepted. */
static struct zap_config *parse_ok(const char *text)
{
	struct zap_config *config = NULL;
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_msg(zap_config_parse(text, strlen(text), "t.json", &config,
				       &err) == 0, "refused: %s", err.message);
	ck_assert_ptr_nonnull(config);
	return config;
}

/* Assert that two configurations say the same. */
static void assert_same(const struct zap_config *a, const struct zap_config *b)
{
	size_t i;

	ck_assert_uint_eq(a->version, b->version);
	ck_assert_int_eq(a->ownership, b->ownership);
	ck_assert(zap_bitmap_equal(&a->vfio_adapters, &b->vfio_adapters));
	ck_assert(zap_bitmap_equal(&a->vfio_domains, &b->vfio_domains));
	ck_assert_uint_eq(a->nr_vfio_queues, b->nr_vfio_queues);
	for (i = 0; i < a->nr_vfio_queues; i++)
		ck_assert_uint_eq(a->vfio_queues[i], b->vfio_queues[i]);
	ck_assert_uint_eq(a->nr_mdevs, b->nr_mdevs);
	for (i = 0; i < a->nr_mdevs; i++) {
		ck_assert_str_eq(a->mdevs[i].uuid, b->mdevs[i].uuid);
		ck_assert(zap_bitmap_equal(&a->mdevs[i].adapters,
					   &b->mdevs[i].adapters));
		ck_assert(zap_bitmap_equal(&a->mdevs[i].domains,
					   &b->mdevs[i].domains));
		ck_assert(zap_bitmap_equal(&a->mdevs[i].control_domains,
					   &b->mdevs[i].control_domains));
		ck_assert_int_eq(a->mdevs[i].autostart, b->mdevs[i].autostart);
	}
}

/* The text of @config; fails the test on error. */
static char *format(const struct zap_config *config)
{
	char *text = NULL;

	ck_assert_int_eq(zap_config_format(config, &text, NULL), 0);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* ---------------------------------------------------------------- parse */

START_TEST(test_parse_masks_document)
{
	struct zap_config *c = parse_ok(
		"{ \"version\": 1, \"ownership\": \"masks\",\n"
		"  \"vfio_ap\": { \"domains\": [ 71, 4 ], \"adapters\": [] },\n"
		"  \"mdevs\": [\n"
		"    { \"uuid\": \"22222222-2222-4222-8222-222222222222\",\n"
		"      \"adapters\": [ 6 ], \"domains\": [ 71 ],\n"
		"      \"control_domains\": [], \"autostart\": false },\n"
		"    { \"autostart\": true, \"control_domains\": [ 255, 0 ],\n"
		"      \"domains\": [ 4 ], \"adapters\": [ 5, 0 ],\n"
		"      \"uuid\": \"11111111-1111-4111-8111-111111111111\" } ] }\n\n");
	struct zap_bitmap want;

	ck_assert_uint_eq(c->version, 1);
	ck_assert_int_eq(c->ownership, ZAP_CONFIG_OWNERSHIP_MASKS);
	ck_assert(zap_bitmap_empty(&c->vfio_adapters));
	want = ids("4,71");
	ck_assert(zap_bitmap_equal(&c->vfio_domains, &want));
	ck_assert_uint_eq(c->nr_vfio_queues, 0);
	ck_assert_uint_eq(c->nr_mdevs, 2);
	/* sorted by UUID, whatever the file's order */
	ck_assert_str_eq(c->mdevs[0].uuid, UUID_A);
	want = ids("0,5");
	ck_assert(zap_bitmap_equal(&c->mdevs[0].adapters, &want));
	ck_assert(zap_bitmap_test(&c->mdevs[0].control_domains, 0));
	ck_assert(zap_bitmap_test(&c->mdevs[0].control_domains, 255));
	ck_assert(c->mdevs[0].autostart);
	ck_assert_str_eq(c->mdevs[1].uuid, UUID_B);
	ck_assert(zap_bitmap_empty(&c->mdevs[1].control_domains));
	ck_assert(!c->mdevs[1].autostart);
	zap_config_free(c);
}
END_TEST

START_TEST(test_parse_overrides_document)
{
	struct zap_config *c = parse_ok(
		"{\"version\":1,\"ownership\":\"overrides\","
		"\"vfio_ap\":{\"queues\":[\"06.0047\",\"05.00FF\",\"05.0047\"]},"
		"\"mdevs\":[]}");

	ck_assert_int_eq(c->ownership, ZAP_CONFIG_OWNERSHIP_OVERRIDES);
	ck_assert_uint_eq(c->nr_vfio_queues, 3);
	/* ascending, either case of hex digit */
	ck_assert_uint_eq(c->vfio_queues[0], 0x0547);
	ck_assert_uint_eq(c->vfio_queues[1], 0x05ff);
	ck_assert_uint_eq(c->vfio_queues[2], 0x0647);
	ck_assert_uint_eq(c->nr_mdevs, 0);
	zap_config_free(c);
}
END_TEST

START_TEST(test_parse_whole_numbers_are_integers)
{
	/* as in JSON Schema: 5.0 and 5e0 are the integer 5 */
	struct zap_config *c = parse_ok(
		"{\"version\":1.0,\"ownership\":\"masks\",\"vfio_ap\":"
		"{\"adapters\":[5.0,6e0,2.55e2],\"domains\":[]},\"mdevs\":[]}");
	struct zap_bitmap want = ids("5,6,255");

	ck_assert(zap_bitmap_equal(&c->vfio_adapters, &want));
	zap_config_free(c);
}
END_TEST

START_TEST(test_parse_mdevs_only_upper_case_uuid)
{
	struct zap_config *c = parse_ok(
		"{\"version\":1,\"mdevs\":[{\"uuid\":"
		"\"AAAAAAAA-0000-4000-8000-00000000000A\",\"adapters\":[],"
		"\"domains\":[],\"control_domains\":[],\"autostart\":true}]}");

	ck_assert_int_eq(c->ownership, ZAP_CONFIG_OWNERSHIP_NONE);
	ck_assert_ptr_null(zap_config_ownership_name(c->ownership));
	ck_assert_uint_eq(c->nr_mdevs, 1);
	ck_assert_str_eq(c->mdevs[0].uuid,
			 "aaaaaaaa-0000-4000-8000-00000000000a");
	zap_config_free(c);
}
END_TEST

/*
 * One refusal: a document and the message it must get, exactly;
 * @schema_accepts: JSON Schema cannot say what is wrong (see the schema's
 * description), so tests/schema/zap-config.schema.json accepts it.
 */
struct refusal {
	const char *text;
	const char *message;
	bool schema_accepts;
};

/* A document of mdev A with its last keys given as @kv. */
#define MDEV_WITH(kv) "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A \
	"\",\"adapters\":[5],\"domains\":[4],\"control_domains\":[]," kv "}]}"
#define MDEV_OK "{\"uuid\":\"" UUID_A "\",\"adapters\":[5],\"domains\":[4]," \
	"\"control_domains\":[],\"autostart\":true}"

static const struct refusal refusals[] = {
	{ "{\"version\":1,\"mdevs\":[],\"bus\":{}}",
	  "t.json: unknown key \"bus\" (value { })", false },
	{ MDEV_WITH("\"autostart\":true,\"adapter\":[5]"),
	  "t.json: mdevs[0]: unknown key \"adapter\" (value [ 5 ])", false },
	{ MDEV_WITH("\"autostart\":\"yes\""),
	  "t.json: mdevs[0].autostart: \"yes\" is a string, not a boolean (true or false)", false },
	{ MDEV_WITH("\"autostart\":null"),
	  "t.json: mdevs[0].autostart: null is null, not a boolean (true or false)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[\"0x47\"],"
	  "\"domains\":[],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].adapters[0]: \"0x47\" is a string, not an integer (ids are JSON integers: write 71)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[\"047\"],"
	  "\"domains\":[],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].adapters[0]: \"047\" is a string, not an integer (ids are JSON integers 0 to 255)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[5],"
	  "\"domains\":[4,256],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].domains[1]: 256 is out of range (ids are 0 to 255)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[5],"
	  "\"domains\":[4],\"control_domains\":[-1],\"autostart\":true}]}",
	  "t.json: mdevs[0].control_domains[0]: -1 is out of range (ids are 0 to 255)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[5.5],"
	  "\"domains\":[4],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].adapters[0]: 5.5 is a fraction, not an id (an integer 0 to 255)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[5],"
	  "\"domains\":[4,2.56e2],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].domains[1]: 2.56e2 is out of range (ids are 0 to 255)", false },
	{ "{\"version\":1.5,\"mdevs\":[]}",
	  "t.json: version: 1.5 is a fraction, not an integer (the format version, 1)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[5,6,5],"
	  "\"domains\":[4],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].adapters[2]: 5 is listed twice", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":5,"
	  "\"domains\":[4],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].adapters: 5 is an integer, not an array of ids (integers 0 to 255)", false },
	{ "{\"version\":1,\"mdevs\":[" MDEV_OK ",{\"uuid\":\"11111111-1111-4111-8111-111111111111\","
	  "\"adapters\":[6],\"domains\":[4],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[1].uuid: \"" UUID_A "\" is given twice (also mdevs[0])",
	  true },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"not-a-uuid\",\"adapters\":[],"
	  "\"domains\":[],\"control_domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0].uuid: \"not-a-uuid\" is not a UUID (8-4-4-4-12 hex digits)", false },
	{ "{\"version\":1,\"mdevs\":[{\"uuid\":\"" UUID_A "\",\"adapters\":[],"
	  "\"domains\":[],\"autostart\":true}]}",
	  "t.json: mdevs[0]: missing key \"control_domains\"", false },
	{ "{\"version\":1,\"mdevs\":[[]]}",
	  "t.json: mdevs[0]: [ ] is an array, not an object (an mdev)", false },
	{ "{\"version\":1,\"mdevs\":{}}",
	  "t.json: mdevs: { } is an object, not an array of mdevs", false },
	{ "{\"version\":2,\"mdevs\":[]}",
	  "t.json: version: 2 is not supported (this zap reads version 1)", false },
	{ "{\"version\":\"1\",\"mdevs\":[]}",
	  "t.json: version: \"1\" is a string, not an integer (the format version, 1)", false },
	{ "{\"mdevs\":[]}",
	  "t.json: missing key \"version\"", false },
	{ "{\"version\":1}",
	  "t.json: missing key \"mdevs\"", false },
	{ "{\"version\":1,\"ownership\":\"mask\",\"vfio_ap\":{},\"mdevs\":[]}",
	  "t.json: ownership: \"mask\" is not \"masks\" or \"overrides\"", false },
	{ "{\"version\":1,\"ownership\":\"masks\",\"mdevs\":[]}",
	  "t.json: missing key \"vfio_ap\" (\"ownership\": \"masks\" needs it)", false },
	{ "{\"version\":1,\"vfio_ap\":{\"adapters\":[],\"domains\":[]},\"mdevs\":[]}",
	  "t.json: missing key \"ownership\" (\"vfio_ap\" needs it)", false },
	{ "{\"version\":1,\"ownership\":\"masks\",\"vfio_ap\":{\"adapters\":[],"
	  "\"domains\":[],\"queues\":[]},\"mdevs\":[]}",
	  "t.json: vfio_ap: unknown key \"queues\" (value [ ])", false },
	{ "{\"version\":1,\"ownership\":\"masks\",\"vfio_ap\":{\"adapters\":[]},\"mdevs\":[]}",
	  "t.json: vfio_ap: missing key \"domains\"", false },
	{ "{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":{\"adapters\":[]},\"mdevs\":[]}",
	  "t.json: vfio_ap: unknown key \"adapters\" (value [ ])", false },
	{ "{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":{\"queues\":[\"5.47\"]},\"mdevs\":[]}",
	  "t.json: vfio_ap.queues[0]: \"5.47\" is not an APQN (AA.DDDD in hex, domain at most 00ff, such as \"05.0047\")", false },
	{ "{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":{\"queues\":[\"05.0100\"]},\"mdevs\":[]}",
	  "t.json: vfio_ap.queues[0]: \"05.0100\" is not an APQN (AA.DDDD in hex, domain at most 00ff, such as \"05.0047\")", false },
	{ "{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":{\"queues\":[1351]},\"mdevs\":[]}",
	  "t.json: vfio_ap.queues[0]: 1351 is an integer, not an APQN (a string such as \"05.0047\")", false },
	{ "{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":{\"queues\":[\"05.0047\",\"05.0047\"]},\"mdevs\":[]}",
	  "t.json: vfio_ap.queues: \"05.0047\" is listed twice", false },
	{ "{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":{\"queues\":[\"05.00ff\",\"05.00FF\"]},\"mdevs\":[]}",
	  "t.json: vfio_ap.queues: \"05.00ff\" is listed twice", true },
	{ "{\"version\":true,\"mdevs\":[]}",
	  "t.json: version: true is a boolean, not an integer (the format version, 1)", false },
	{ "{\"version\":1,\"a\\nb\":1,\"mdevs\":[]}",
	  "t.json: unknown key \"a\\nb\" (value 1)", false },
	{ "{\"version\":1,\"c\x7fx\":\"\x7f\",\"mdevs\":[]}",
	  "t.json: unknown key \"c\\u007fx\" (value \"\\u007f\")", false },
	{ "{\n  \"version\": 1,\n  \"mdevs\": [],\n}",
	  "t.json: invalid JSON at line 4, column 1: unexpected character", false },
	{ "{\"version\":1,\"mdevs\":[]} x",
	  "t.json: invalid JSON at line 1, column 26: unexpected character", false },
	{ "{\"version\":1,\"mdevs\":[]}\n{}",
	  "t.json: invalid JSON at line 2, column 1: unexpected character", false },
	{ "{\"version\":1,\"mdevs\":[]",
	  "t.json: invalid JSON at line 1, column 24: unexpected end of data", false },
	{ "[]", "t.json: the document is an array, not an object", false },
	{ "", "t.json: invalid JSON at line 1, column 1: unexpected end of data", false },
};

START_TEST(test_parse_key_twice_last_counts)
{
	struct zap_config *c = parse_ok(
		"{\"version\":2,\"mdevs\":[" MDEV_OK "],\"version\":1,"
		"\"mdevs\":[]}");

	ck_assert_uint_eq(c->nr_mdevs, 0);
	zap_config_free(c);
}
END_TEST

START_TEST(test_parse_refusals_name_key_and_value)
{
	const struct refusal *t = &refusals[_i];
	struct zap_config *c = (struct zap_config *)&c;
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_int_eq(zap_config_parse(t->text, strlen(t->text), "t.json",
					  &c, &err), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_int_eq(err.errnum, EINVAL);
	ck_assert_str_eq(err.message, t->message);
}
END_TEST

START_TEST(test_parse_without_name)
{
	struct zap_config *c;
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_int_eq(zap_config_parse("{}", 2, NULL, &c, &err), -EINVAL);
	ck_assert_str_eq(err.message, "missing key \"version\"");
}
END_TEST

START_TEST(test_parse_refuses_nul_byte)
{
	static const char text[] = "{\"version\":1,\"mdevs\":[]}\0{}";
	struct zap_config *c;
	struct zap_error err;

	zap_error_clear(&err);
	ck_assert_int_eq(zap_config_parse(text, sizeof(text) - 1, NULL, &c,
					  &err), -EINVAL);
	ck_assert_str_eq(err.message,
			 "invalid JSON at line 1, column 25: NUL byte");
}
END_TEST

START_TEST(test_parse_long_culprits_are_cut)
{
	char text[400], key[201];
	struct zap_config *c;
	struct zap_error err;

	zap_error_clear(&err);
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"version\":1,\"mdevs\":[],\"%s\":0}",
		 key);
	ck_assert_int_eq(zap_config_parse(text, strlen(text), NULL, &c, &err),
			 -EINVAL);
	ck_assert_msg(strstr(err.message, "kkk...") &&
		      strlen(err.message) < 100, "%s", err.message);
}
END_TEST

/* Documents the reader accepts, for the schema's agreement with it. */
static const char *const accepted[] = {
	"{\"version\":1,\"mdevs\":[]}",
	/* a key twice: the last value counts, in both readers */
	"{\"version\":2,\"mdevs\":[],\"version\":1}",
	"{\"version\":1.0,\"ownership\":\"masks\",\"vfio_ap\":"
	"{\"adapters\":[5.0,6e0,255],\"domains\":[0]},\"mdevs\":[]}",
	"{\"version\":1,\"ownership\":\"overrides\",\"vfio_ap\":"
	"{\"queues\":[\"ff.00FF\",\"00.0000\"]},\"mdevs\":[]}",
	"{\"mdevs\":[" MDEV_OK "],\"version\":1}\n",
	"{\"version\":1,\"mdevs\":[{\"autostart\":false,\"control_domains\":[],"
	"\"domains\":[],\"adapters\":[],\"uuid\":"
	"\"AAAAAAAA-0000-4000-8000-00000000000A\"}]}",
	host_text,
};

/* Where the schema is: tests/schema/, next to mkfixture's tests/machine/. */
static void schema_path(char *buf, size_t size)
{
	const char *mkfixture = getenv("ZAP_TEST_MKFIXTURE");
	const char *tail = "machine/mkfixture";
	size_t len;

	ck_assert_ptr_nonnull(mkfixture);
	len = strlen(mkfixture);
	ck_assert(len > strlen(tail) &&
		  !strcmp(mkfixture + len - strlen(tail), tail));
	snprintf(buf, size, "%.*sschema/zap-config.schema.json",
		 (int)(len - strlen(tail)), mkfixture);
}

/* Write @text to @dir/@index; return the reader's verdict: accepted? */
static bool write_case(const char *dir, size_t index, const char *text)
{
	struct zap_config *c = NULL;
	char path[300];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%03zu.json", dir, index);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	rc = zap_config_parse(text, strlen(text), NULL, &c, NULL);
	zap_config_free(c);
	return rc == 0;
}

START_TEST(test_schema_agrees_with_reader)
{
	static const char script[] =
		"import glob, json, sys, jsonschema\n"
		"schema = json.load(open(sys.argv[1]))\n"
		"jsonschema.Draft202012Validator.check_schema(schema)\n"
		"for path in sorted(glob.glob(sys.argv[2] + '/*.json')):\n"
		"    try:\n"
		"        jsonschema.validate(json.load(open(path)), schema)\n"
		"        print('accepted')\n"
		"    except (ValueError, jsonschema.ValidationError):\n"
		"        print('refused')\n";
	size_t n_refused = sizeof(refusals) / sizeof(refusals[0]);
	size_t n_accepted = sizeof(accepted) / sizeof(accepted[0]);
	char dir[] = "/tmp/zap-schema-XXXXXX", schema[512], cmd[1200];
	char line[64], script_path[300];
	bool expect[128];
	size_t i, n = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	schema_path(schema, sizeof(schema));
	for (i = 0; i < n_refused; i++, n++) {
		ck_assert(!write_case(dir, n, refusals[i].text));
		expect[n] = refusals[i].schema_accepts;
	}
	for (i = 0; i < n_accepted; i++, n++) {
		ck_assert(write_case(dir, n, accepted[i]));
		expect[n] = true;
	}
	snprintf(script_path, sizeof(script_path), "%s.py", dir);
	f = fopen(script_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(script, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s' '%s'",
		 script_path, schema, dir);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n && fgets(line, sizeof(line), f); i++) {
		line[strcspn(line, "\n")] = '\0';
		ck_assert_msg(!strcmp(line, expect[i] ? "accepted" : "refused"),
			      "case %zu: schema %s, reader %s", i, line,
			      i < n_refused ? "refuses" : "accepts");
	}
	ck_assert_msg(pclose(f) == 0 && i == n,
		      "python3-jsonschema failed (make deps installs it)");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, script_path);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ----------------------------------------------------------------- read */

/* Write @text to a new temporary file; return its path (static). */
static const char *temp_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/zap-config-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_read_file_names_it)
{
	const char *path = temp_file("{\"version\":1,\"mdevs\":[],\"x\":1}");
	struct zap_config *c;
	struct zap_error err;
	char expected[200];

	zap_error_clear(&err);
	ck_assert_int_eq(zap_config_read(path, &c, &err), -EINVAL);
	snprintf(expected, sizeof(expected), "%s: unknown key \"x\" (value 1)",
		 path);
	ck_assert_str_eq(err.message, expected);
	unlink(path);
	ck_assert_int_eq(zap_config_read(path, &c, &err), -ENOENT);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, path) &&
		      strstr(err.message, "No such file"), "%s", err.message);
	ck_assert_int_eq(zap_config_read("/tmp", &c, &err), -EISDIR);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
}
END_TEST

START_TEST(test_read_stdin)
{
	const char *path = temp_file(host_text);
	struct zap_config *c;
	struct zap_error err;
	int saved = dup(STDIN_FILENO), fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	zap_error_clear(&err);
	ck_assert_msg(zap_config_read("-", &c, &err) == 0, "%s", err.message);
	dup2(saved, STDIN_FILENO);
	close(saved);
	unlink(path);
	ck_assert_uint_eq(c->nr_mdevs, 2);
	ck_assert(zap_bitmap_test(&c->vfio_domains, 255));
	zap_config_free(c);
}
END_TEST

START_TEST(test_read_too_large)
{
	char path[] = "/tmp/zap-config-XXXXXX";
	struct zap_config *c;
	struct zap_error err;
	int fd = mkstemp(path);

	zap_error_clear(&err);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)ZAP_CONFIG_MAX_SIZE + 1), 0);
	close(fd);
	ck_assert_int_eq(zap_config_read(path, &c, &err), -EFBIG);
	ck_assert_int_eq(err.status, ZAP_STATUS_USAGE);
	ck_assert_msg(strstr(err.message, "larger than"), "%s", err.message);
	unlink(path);
}
END_TEST

/* ---------------------------------------------------------------- model */

START_TEST(test_from_model_host)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_config *c;
	char *text;

	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_from_model(m, NULL, &c, NULL), 0);
	ck_assert_int_eq(c->ownership, ZAP_CONFIG_OWNERSHIP_MASKS);
	/* active mdevs only: C is only defined */
	ck_assert_uint_eq(c->nr_mdevs, 2);
	text = format(c);
	ck_assert_str_eq(text, host_text);
	free(text);
	zap_config_free(c);
	zap_model_free(m);
}
END_TEST

START_TEST(test_from_model_one_mdev)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_config *c;
	char *text;

	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_from_model(m,
		"22222222-2222-4222-8222-222222222222", &c, NULL), 0);
	text = format(c);
	ck_assert_str_eq(text,
		"{\n"
		"  \"version\": 1,\n"
		"  \"mdevs\": [\n"
		"    { \"uuid\": \"" UUID_B "\", \"adapters\": [ 6 ], "
		"\"domains\": [ 71 ], \"control_domains\": [ ], "
		"\"autostart\": false }\n"
		"  ]\n"
		"}\n");
	free(text);
	zap_config_free(c);
	zap_model_free(m);
}
END_TEST

START_TEST(test_from_model_refuses_unknown_and_inactive_mdev)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_config *c = (struct zap_config *)&c;
	struct zap_error err;

	zap_error_clear(&err);
	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_from_model(m, UUID_C, &c, &err), -ENODEV);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	ck_assert_str_eq(err.message, "mdev " UUID_C " is not active (only defined)");
	ck_assert_int_eq(zap_config_from_model(m,
		"44444444-4444-4444-8444-444444444444", &c, &err), -ENODEV);
	ck_assert_str_eq(err.message,
			 "unknown mdev 44444444-4444-4444-8444-444444444444");
	zap_model_free(m);
}
END_TEST

START_TEST(test_from_model_persistent)
{
	struct zap_paths paths;
	struct zap_model *m, *boot;
	struct zap_config *c;
	struct zap_bitmap want;

	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_model_persistent(m, &boot, NULL), 0);
	ck_assert_int_eq(zap_config_from_model(boot, NULL, &c, NULL), 0);
	/* 41-ap.rules gives adapter 5 back to the host */
	want = ids("6");
	ck_assert(zap_bitmap_equal(&c->vfio_adapters, &want));
	/* the autostart definitions: A and C, not the manual B */
	ck_assert_uint_eq(c->nr_mdevs, 2);
	ck_assert_str_eq(c->mdevs[0].uuid, UUID_A);
	ck_assert_str_eq(c->mdevs[1].uuid, UUID_C);
	ck_assert(c->mdevs[1].autostart);
	ck_assert(zap_bitmap_test(&c->mdevs[1].adapters, 5) &&
		  zap_bitmap_test(&c->mdevs[1].adapters, 6));
	zap_config_free(c);
	zap_model_free(boot);
	zap_model_free(m);
}
END_TEST

START_TEST(test_from_model_refuses_incomplete_configuration)
{
	struct zap_paths paths;
	struct zap_model *m;
	struct zap_config *c;
	struct zap_error err;

	zap_error_clear(&err);
	fixture_tree(host, &paths);
	fixture_break(&paths, "devices/ap/card05/hwtype");
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_from_model(m, NULL, &c, &err), -EIO);
	ck_assert_int_eq(err.status, ZAP_STATUS_NOT_FOUND);
	ck_assert_msg(strstr(err.message, "card05/hwtype"), "%s", err.message);
	zap_model_free(m);
}
END_TEST

/* ---------------------------------------------------------- round trip */

START_TEST(test_round_trip_model_text_model)
{
	struct zap_config *from_model, *read_back, *again;
	struct zap_paths paths;
	struct zap_model *m;
	char *text, *text2;

	fixture_tree(host, &paths);
	m = fixture_model(&paths);
	ck_assert_int_eq(zap_config_from_model(m, NULL, &from_model, NULL), 0);
	text = format(from_model);
	read_back = parse_ok(text);
	assert_same(from_model, read_back);
	text2 = format(read_back);
	ck_assert_str_eq(text, text2);
	again = parse_ok(text2);
	assert_same(read_back, again);
	free(text);
	free(text2);
	zap_config_free(from_model);
	zap_config_free(read_back);
	zap_config_free(again);
	zap_model_free(m);
}
END_TEST

START_TEST(test_round_trip_overrides_and_extremes)
{
	static const char text[] =
		"{\n"
		"  \"version\": 1,\n"
		"  \"ownership\": \"overrides\",\n"
		"  \"vfio_ap\": { \"queues\": [ \"00.0000\", \"05.0047\", \"ff.00ff\" ] },\n"
		"  \"mdevs\": [\n"
		"    { \"uuid\": \"" UUID_A "\", \"adapters\": [ 0, 255 ], "
		"\"domains\": [ 0, 255 ], \"control_domains\": [ 0, 255 ], "
		"\"autostart\": true },\n"
		"    { \"uuid\": \"" UUID_B "\", \"adapters\": [ ], "
		"\"domains\": [ ], \"control_domains\": [ ], "
		"\"autostart\": false }\n"
		"  ]\n"
		"}\n";
	struct zap_config *c = parse_ok(text);
	char *out = format(c);

	ck_assert_str_eq(out, text);
	free(out);
	zap_config_free(c);
}
END_TEST

START_TEST(test_format_empty_host)
{
	struct zap_config c;
	char *out;

	memset(&c, 0, sizeof(c));
	c.version = ZAP_CONFIG_VERSION;
	c.ownership = ZAP_CONFIG_OWNERSHIP_MASKS;
	out = format(&c);
	ck_assert_str_eq(out,
		"{\n"
		"  \"version\": 1,\n"
		"  \"ownership\": \"masks\",\n"
		"  \"vfio_ap\": { \"adapters\": [ ], \"domains\": [ ] },\n"
		"  \"mdevs\": []\n"
		"}\n");
	free(out);
}
END_TEST

/* The suite of config_file.c. */
Suite *config_file_suite(void)
{
	Suite *s = suite_create("config_file");
	TCase *p = tcase_create("parse");
	TCase *r = tcase_create("read");
	TCase *m = tcase_create("model");
	TCase *t = tcase_create("round trip");

	tcase_add_test(p, test_parse_masks_document);
	tcase_add_test(p, test_parse_overrides_document);
	tcase_add_test(p, test_parse_whole_numbers_are_integers);
	tcase_add_test(p, test_parse_key_twice_last_counts);
	tcase_add_test(p, test_parse_mdevs_only_upper_case_uuid);
	tcase_add_loop_test(p, test_parse_refusals_name_key_and_value, 0,
			    (int)(sizeof(refusals) / sizeof(refusals[0])));
	tcase_add_test(p, test_parse_without_name);
	tcase_add_test(p, test_parse_refuses_nul_byte);
	tcase_add_test(p, test_parse_long_culprits_are_cut);
	tcase_add_test(p, test_schema_agrees_with_reader);
	tcase_add_test(r, test_read_file_names_it);
	tcase_add_test(r, test_read_stdin);
	tcase_add_test(r, test_read_too_large);
	tcase_add_test(m, test_from_model_host);
	tcase_add_test(m, test_from_model_one_mdev);
	tcase_add_test(m, test_from_model_refuses_unknown_and_inactive_mdev);
	tcase_add_test(m, test_from_model_persistent);
	tcase_add_test(m, test_from_model_refuses_incomplete_configuration);
	tcase_add_test(t, test_round_trip_model_text_model);
	tcase_add_test(t, test_round_trip_overrides_and_extremes);
	tcase_add_test(t, test_format_empty_host);
	suite_add_tcase(s, p);
	suite_add_tcase(s, r);
	suite_add_tcase(s, m);
	suite_add_tcase(s, t);
	return s;
}
