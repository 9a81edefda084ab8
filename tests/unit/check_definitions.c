// SPDX-License-Identifier: MIT
/*
 * check_definitions.c - unit tests of mdevctl.c, mdevctl_write.c, chzdev.c: mdevctl definitions
 * (interop.md 3) read as mdevctl and the kernel would use them, loading a
 * definitions directory, and chzdev's 41-ap.rules (interop.md 4).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "zapconf.h"
#include "../../libzapconf/internal.h"

/* The mdev_type member every definition needs. */
#define TYPE "\"mdev_type\":\"vfio_ap-passthrough\""

/* A definition with the given start and attrs array contents. */
#define DEFINITION(start, attrs)                                        \
	"{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n"                \
	"  \"start\": \"" start "\",\n  \"attrs\": [" attrs "]\n}\n"

/* The example of interop.md 3, as mdevctl writes it. */
#define EXAMPLE DEFINITION("auto", "\n"                                 \
	"    { \"assign_adapter\": \"0x05\" },\n"                      \
	"    { \"assign_domain\": \"0x0047\" },\n"                     \
	"    { \"assign_control_domain\": \"0x0047\" }\n  ")

#define UUID_A "62177883-f1bb-47f0-914d-32a22e3a8804"
#define UUID_B "8a2b5c7e-0d1f-4e3a-9b6c-2d4e6f8a0b1c"
#define UUID_C "c0ffee00-1234-4abc-8def-0123456789ab"
#define UUID_C_UPPER "C0FFEE00-1234-4ABC-8DEF-0123456789AB"
#define UUID_D "d1d2d3d4-aaaa-4bbb-8ccc-dddddddddddd"
#define UUID_E "e1e2e3e4-aaaa-4bbb-8ccc-eeeeeeeeeeee"
#define UUID_F "f1f2f3f4-aaaa-4bbb-8ccc-ffffffffffff"

/* Parse @json (a C string) into @def. */
static void parse(struct zap_definition *def, const char *json)
{
	memset(def, 0, sizeof(*def));
	zap_definition_parse(def, json, strlen(json));
}

/* The list form of @b ("5,71"); four buffers in turn. */
static const char *ids(const struct zap_bitmap *b)
{
	static char buf[4][1024];
	static unsigned int next;
	char *out = buf[next++ % 4];

	zap_ids_print(b, out, sizeof(buf[0]));
	return out;
}

/* Assert that @def is invalid, assigns nothing and its problem has @part. */
static void assert_invalid(const struct zap_definition *def, const char *part)
{
	ck_assert_msg(!def->valid, "valid, problem '%s'", def->problem);
	ck_assert_msg(strstr(def->problem, part), "problem '%s' lacks '%s'",
		      def->problem, part);
	ck_assert_ptr_null(strchr(def->problem, '\n'));
	ck_assert(!def->autostart);
	ck_assert(zap_apqn_set_empty(&def->matrix));
	ck_assert(zap_bitmap_empty(&def->matrix.adapters));
	ck_assert(zap_bitmap_empty(&def->matrix.domains));
	ck_assert(zap_bitmap_empty(&def->control_domains));
}

/* Parse a definition with @attrs and assert it is invalid naming @part. */
static void assert_attrs_invalid(const char *attrs, const char *part)
{
	struct zap_definition def;
	char json[2048];

	snprintf(json, sizeof(json), DEFINITION("auto", "%s"), attrs);
	parse(&def, json);
	assert_invalid(&def, part);
}

START_TEST(test_definition_parse_interop_example)
{
	struct zap_definition def;

	parse(&def, EXAMPLE);
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(def.problem, "");
	ck_assert(def.autostart);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x5");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x47");
	ck_assert_str_eq(ids(&def.control_domains), "0x47");
}
END_TEST

START_TEST(test_definition_parse_manual_and_no_attrs)
{
	struct zap_definition def;

	parse(&def, DEFINITION("manual", "{ \"assign_adapter\": \"5\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert(!def.autostart);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x5");

	parse(&def, "{" TYPE ",\"start\":\"auto\"}");
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert(def.autostart);
	ck_assert(zap_bitmap_empty(&def.matrix.adapters));

	parse(&def, "{" TYPE ",\"start\":\"auto\","
		    "\"attrs\":null}");
	ck_assert_msg(def.valid, "%s", def.problem);

	parse(&def, DEFINITION("auto", ""));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert(zap_apqn_set_empty(&def.matrix));
}
END_TEST

START_TEST(test_definition_parse_fields_reset)
{
	struct zap_definition def;

	memset(&def, 0xff, sizeof(def));
	snprintf(def.uuid, sizeof(def.uuid), "%s", UUID_A);
	snprintf(def.path, sizeof(def.path), "/x/%s", UUID_A);
	zap_definition_parse(&def, DEFINITION("manual", ""),
			     strlen(DEFINITION("manual", "")));
	ck_assert(def.valid);
	ck_assert(!def.autostart);
	ck_assert_str_eq(def.problem, "");
	ck_assert(zap_apqn_set_empty(&def.matrix));
	ck_assert(zap_bitmap_empty(&def.control_domains));
	ck_assert_str_eq(def.uuid, UUID_A);
	ck_assert_str_eq(def.path, "/x/" UUID_A);
}
END_TEST

START_TEST(test_definition_parse_bad_mdev_type)
{
	struct zap_definition def;

	parse(&def, "{\"mdev_type\":\"vfio_ccw-io\",\"start\":\"auto\"}");
	assert_invalid(&def, "mdev_type 'vfio_ccw-io'");
	ck_assert_str_eq(def.problem,
			 "mdev_type 'vfio_ccw-io' is not vfio_ap-passthrough");
	parse(&def, "{\"start\":\"auto\"}");
	assert_invalid(&def, "mdev_type");
	parse(&def, "{\"mdev_type\":null,\"start\":\"auto\"}");
	assert_invalid(&def, "mdev_type");
	parse(&def, "{\"mdev_type\":5,\"start\":\"auto\"}");
	assert_invalid(&def, "mdev_type");
	parse(&def, "{\"mdev_type\":[\"vfio_ap-passthrough\"],"
		    "\"start\":\"auto\"}");
	assert_invalid(&def, "mdev_type");
	parse(&def, "{\"mdev_type\":\"VFIO_AP-passthrough\","
		    "\"start\":\"auto\"}");
	assert_invalid(&def, "mdev_type 'VFIO_AP-passthrough'");
}
END_TEST

START_TEST(test_definition_parse_bad_start)
{
	struct zap_definition def;

	parse(&def, "{" TYPE ",\"start\":\"always\"}");
	assert_invalid(&def, "start 'always'");
	parse(&def, "{" TYPE ",\"start\":\"Auto\"}");
	assert_invalid(&def, "start 'Auto'");
	parse(&def, "{" TYPE "}");
	assert_invalid(&def, "start");
	parse(&def, "{" TYPE ",\"start\":true}");
	assert_invalid(&def, "start");
	parse(&def, "{" TYPE ",\"start\":1}");
	assert_invalid(&def, "start");
}
END_TEST

START_TEST(test_definition_parse_comma_lists)
{
	struct zap_definition def;

	/* ap-check reads lists, but kstrtoul refuses them: bad-definition */
	parse(&def, DEFINITION("auto",
			       "{ \"assign_adapter\": \"0x05\" },"
			       "{ \"assign_domain\": \"1,2\" }"));
	ck_assert(!def.valid);
	ck_assert_str_eq(def.problem,
			 "assign_domain value '1,2' is a list: the kernel takes one id per attribute (mdevctl start fails with EINVAL)");
	assert_attrs_invalid("{ \"assign_adapter\": \"0x05,6,0x0a\" }",
			     "assign_adapter value '0x05,6,0x0a' is a list");
	assert_attrs_invalid("{ \"assign_control_domain\": \"0,255\" }",
			     "assign_control_domain value '0,255' is a list");

	/* What kstrtoul also takes: '+', upper-case 0X, one "\n". */
	parse(&def, DEFINITION("auto",
			       "{ \"assign_adapter\": \"+7\" },"
			       "{ \"assign_adapter\": \"0XfF\" },"
			       "{ \"assign_domain\": \"9\\n\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x7,0xff");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x9");

	assert_attrs_invalid("{ \"assign_adapter\": \"1,,2\" }",
			     "assign_adapter value '1,,2' is a list");
	assert_attrs_invalid("{ \"assign_adapter\": \"1,\" }",
			     "assign_adapter value '1,' is a list");
	assert_attrs_invalid("{ \"assign_domain\": \"\" }",
			     "assign_domain value ''");
	assert_attrs_invalid("{ \"assign_domain\": \"1, 2\" }",
			     "assign_domain value '1, 2' is a list");
	assert_attrs_invalid("{ \"assign_domain\": \"1-3\" }",
			     "assign_domain value '1-3'");
}
END_TEST

/* Enough digits for any unsigned long to overflow. */
#define ZEROS "00000000000000000000000"

START_TEST(test_definition_parse_kernel_refuses)
{
	assert_attrs_invalid("{ \"assign_adapter\": \"08\" }",
			     "assign_adapter value '08'");
	assert_attrs_invalid("{ \"assign_domain\": \"09\" }",
			     "assign_domain value '09'");
	assert_attrs_invalid("{ \"assign_control_domain\": \"0x\" }",
			     "assign_control_domain value '0x'");
	assert_attrs_invalid("{ \"assign_adapter\": \" 5\" }",
			     "assign_adapter value ' 5'");
	assert_attrs_invalid("{ \"assign_adapter\": \"-1\" }",
			     "assign_adapter value '-1'");
	assert_attrs_invalid("{ \"assign_adapter\": \"5a\" }",
			     "assign_adapter value '5a'");
	assert_attrs_invalid("{ \"assign_adapter\": \"0x256\" }",
			     "assign_adapter value '0x256' is above 255");
	assert_attrs_invalid("{ \"assign_domain\": \"256\" }",
			     "assign_domain value '256' is above 255");
	assert_attrs_invalid("{ \"assign_control_domain\": \"1" ZEROS "\" }",
			     "assign_control_domain value '1" ZEROS "'");
	/* A valid attr before the bad one leaves nothing assigned. */
	assert_attrs_invalid("{ \"assign_adapter\": \"5\" },"
			     "{ \"assign_domain\": \"08\" }",
			     "assign_domain value '08'");
}
END_TEST

START_TEST(test_definition_parse_octal_warning)
{
	struct zap_definition def;

	parse(&def, DEFINITION("auto", "{ \"assign_adapter\": \"010\" },"
				       "{ \"assign_domain\": \"0x10\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(def.problem,
			 "assign_adapter value '010' reads as octal 8");
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x8");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x10");

	/* The first flaw is kept; "0" and "0x0" are not octal-looking. */
	parse(&def, DEFINITION("auto",
			       "{ \"assign_adapter\": \"0\" },"
			       "{ \"assign_adapter\": \"0x0\" },"
			       "{ \"assign_domain\": \"0047\" },"
			       "{ \"assign_control_domain\": \"+017\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(def.problem,
			 "assign_domain value '0047' reads as octal 39");
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x0");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x27");
	ck_assert_str_eq(ids(&def.control_domains), "0xf");

	/* An error after the warning replaces it. */
	assert_attrs_invalid("{ \"assign_adapter\": \"010\" },"
			     "{ \"assign_adapter\": \"018\" }",
			     "assign_adapter value '018'");
}
END_TEST

START_TEST(test_definition_parse_values_not_strings)
{
	assert_attrs_invalid("{ \"assign_adapter\": 5 }",
			     "assign_adapter value 5 is not a JSON string");
	assert_attrs_invalid("{ \"assign_domain\": [5] }", "assign_domain");
	assert_attrs_invalid("{ \"assign_control_domain\": null }",
			     "assign_control_domain");
	assert_attrs_invalid("{ \"ap_config\": true }", "ap_config");
	/* mdevctl refuses a number for any attr, known or not. */
	assert_attrs_invalid("{ \"some_future_attr\": 1 }", "some_future_attr");
}
END_TEST

START_TEST(test_definition_parse_wrong_types)
{
	struct zap_definition def;

	parse(&def, "[\"vfio_ap-passthrough\"]");
	assert_invalid(&def, "not a JSON object");
	parse(&def, "\"vfio_ap-passthrough\"");
	assert_invalid(&def, "not a JSON object");
	parse(&def, "5");
	assert_invalid(&def, "not a JSON object");
	parse(&def, "null");
	assert_invalid(&def, "not a JSON object");
	parse(&def, "{" TYPE ",\"start\":\"auto\","
		    "\"attrs\":{\"assign_adapter\":\"5\"}}");
	assert_invalid(&def, "attrs is not an array");
	parse(&def, "{" TYPE ",\"start\":\"auto\","
		    "\"attrs\":\"assign_adapter\"}");
	assert_invalid(&def, "attrs is not an array");
	assert_attrs_invalid("\"assign_adapter\"", "attrs[0] is not an object");
	assert_attrs_invalid("{ \"assign_adapter\": \"5\" }, [\"x\"]",
			     "attrs[1] is not an object");
	assert_attrs_invalid("{ \"assign_adapter\": \"5\", "
			     "\"assign_domain\": \"6\" }",
			     "attrs[0] has 2 keys");
	assert_attrs_invalid("{}", "attrs[0] has 0 keys");
}
END_TEST

/* An ap_config attr as the kernel prints it: {a} x {d}, control {d, c}. */
static void ap_config_attr(char *buf, size_t size, unsigned int a,
			   unsigned int d, unsigned int c)
{
	char masks[3][ZAP_MASK_STRLEN];
	struct zap_bitmap b;

	zap_bitmap_zero(&b);
	zap_bitmap_set(&b, a);
	zap_mask_print(&b, masks[0]);
	zap_bitmap_zero(&b);
	zap_bitmap_set(&b, d);
	zap_mask_print(&b, masks[1]);
	zap_bitmap_set(&b, c);
	zap_mask_print(&b, masks[2]);
	snprintf(buf, size, "{ \"ap_config\": \"%s,%s,%s\" }", masks[0],
		 masks[1], masks[2]);
}

START_TEST(test_definition_parse_ap_config)
{
	struct zap_definition def;
	char attr[512], json[1024];

	/* ap_config replaces what came before; later attrs add to it. */
	parse(&def, DEFINITION("manual",
			       "{ \"assign_adapter\": \"1\" },"
			       "{ \"assign_domain\": \"2\" },"
			       "{ \"assign_control_domain\": \"3\" },"
			       "{ \"ap_config\": "
			       "\"0x04,0x000000000000000001,0x80\" },"
			       "{ \"assign_domain\": \"0x10\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x5");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x10,0x47");
	ck_assert_str_eq(ids(&def.control_domains), "0x0");

	/* The kernel's form: 0x + 64 digits, three times, as it prints it. */
	ap_config_attr(attr, sizeof(attr), 5, 71, 255);
	snprintf(json, sizeof(json), DEFINITION("auto", "%s"), attr);
	parse(&def, json);
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x5");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x47");
	ck_assert_str_eq(ids(&def.control_domains), "0x47,0xff");

	/* Kernel quirks: "A,B\n" clears the control mask, a 4th field is
	 * ignored, empty fields are empty masks, "x" prefix allowed. */
	parse(&def, DEFINITION("auto", "{ \"assign_control_domain\": \"1\" },"
				       "{ \"ap_config\": \"0x8,x4\\n\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x0");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x1");
	ck_assert_str_eq(ids(&def.control_domains), "");
	parse(&def, DEFINITION("auto", "{ \"ap_config\": \"0x8,,0x2,junk\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x0");
	ck_assert_str_eq(ids(&def.matrix.domains), "");
	ck_assert_str_eq(ids(&def.control_domains), "0x2");

	assert_attrs_invalid("{ \"ap_config\": \"0x8,0x4\" }",
			     "ap_config value '0x8,0x4' does not hold three");
	assert_attrs_invalid("{ \"ap_config\": \"\" }", "ap_config value ''");
	assert_attrs_invalid("{ \"ap_config\": \"0X8,0x4,0x2\" }",
			     "ap_config value '0X8,0x4,0x2': invalid adapter");
	assert_attrs_invalid("{ \"ap_config\": \"0x8,0x4g,0x2\" }",
			     "invalid usage domain mask");
	assert_attrs_invalid("{ \"ap_config\": \"0x8,0x4,0x2 \" }",
			     "invalid control domain mask");
	/* 65 digits. */
	assert_attrs_invalid("{ \"ap_config\": \"0x8,0x0000000000000000"
			     "0000000000000000000000000000000000000000"
			     "000000001,"
			     "0x2\" }", "invalid usage domain mask");
}
END_TEST

START_TEST(test_definition_parse_unknown_attrs_ignored)
{
	struct zap_definition def;

	parse(&def, DEFINITION("auto",
			       "{ \"assign_adapter\": \"5\" },"
			       "{ \"unassign_adapter\": \"5\" },"
			       "{ \"some_future_attr\": \"08,x\" },"
			       "{ \"Assign_Domain\": \"6\" },"
			       "{ \"assign_domain\": \"7\" }"));
	ck_assert_msg(def.valid, "%s", def.problem);
	ck_assert_str_eq(def.problem, "");
	ck_assert_str_eq(ids(&def.matrix.adapters), "0x5");
	ck_assert_str_eq(ids(&def.matrix.domains), "0x7");

	/* Unknown top-level keys too. */
	parse(&def, "{" TYPE ",\"start\":\"auto\","
		    "\"parent\":\"matrix\",\"attrs\":[]}");
	ck_assert_msg(def.valid, "%s", def.problem);
}
END_TEST

START_TEST(test_definition_parse_bad_json)
{
	struct zap_definition def;
	static const char with_nul[] = "{" TYPE ","
				       "\"start\":\"auto\"}\0x";

	/* Truncated, e.g. a file cut short by a full disk. */
	parse(&def, "{" TYPE ",\"start\":\"au");
	assert_invalid(&def, "invalid JSON");
	assert_invalid(&def, "unexpected end of data");
	parse(&def, "{" TYPE ",\"start\":\"auto\"");
	assert_invalid(&def, "unexpected end of data");
	parse(&def, "");
	assert_invalid(&def, "invalid JSON");
	parse(&def, "  \n");
	assert_invalid(&def, "invalid JSON");

	/* Trailing garbage. */
	parse(&def, "{" TYPE ",\"start\":\"auto\"} x");
	assert_invalid(&def, "invalid JSON at byte");
	parse(&def, "{" TYPE ",\"start\":\"auto\"}{}");
	assert_invalid(&def, "invalid JSON");
	memset(&def, 0, sizeof(def));
	zap_definition_parse(&def, with_nul, sizeof(with_nul) - 1);
	assert_invalid(&def, "invalid JSON");

	/* Not JSON as serde_json reads it. */
	parse(&def, "{" TYPE ",\"start\":\"auto\",}");
	assert_invalid(&def, "invalid JSON");
	parse(&def, "/* c */ {" TYPE ",\"start\":\"auto\"}");
	assert_invalid(&def, "invalid JSON");
	parse(&def, "{" TYPE ",\"start\":\"\xff\"}");
	assert_invalid(&def, "invalid JSON");
	parse(&def, "{mdev_type: vfio_ap-passthrough}");
	assert_invalid(&def, "invalid JSON");

	/* Trailing white space is fine. */
	parse(&def, "{" TYPE ",\"start\":\"auto\"}"
		    " \n\t\n");
	ck_assert_msg(def.valid, "%s", def.problem);
}
END_TEST

/* Remove one entry of a temporary tree (nftw callback). */
static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove the temporary tree @dir. */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write @len bytes of @text to @dir/@name. */
static void write_file_len(const char *dir, const char *name,
			   const char *text, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Write the C string @text to @dir/@name. */
static void write_file(const char *dir, const char *name, const char *text)
{
	write_file_len(dir, name, text, strlen(text));
}

/* A new temporary directory in @buf. */
static void make_temp_dir(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/zap-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

/* A model by hand, reading definitions from @mdevctl and rules from @rules. */
static struct zap_model *new_model(const char *mdevctl, const char *rules)
{
	struct zap_model *model = calloc(1, sizeof(*model));

	ck_assert_ptr_nonnull(model);
	snprintf(model->paths.mdevctl, sizeof(model->paths.mdevctl), "%s",
		 mdevctl);
	snprintf(model->paths.rules, sizeof(model->paths.rules), "%s", rules);
	return model;
}

/* Free what the loaders put in @model, and @model. */
static void free_model(struct zap_model *model)
{
	size_t i;

	free(model->definitions);
	for (i = 0; i < model->nr_unreadable; i++)
		free(model->unreadable[i]);
	free(model->unreadable);
	free(model);
}

START_TEST(test_definitions_load_directory)
{
	struct zap_model *model;
	struct zap_error err;
	char dir[512], sub[600], path[600];
	char *big;
	size_t big_len = (size_t)1024 * 1024;

	make_temp_dir(dir, sizeof(dir));
	write_file(dir, UUID_B, EXAMPLE);
	write_file(dir, UUID_A, DEFINITION("manual",
					   "{ \"assign_adapter\": \"6\" }"));
	write_file(dir, UUID_C_UPPER,
		   DEFINITION("auto", "{ \"assign_domain\": \"7\" }"));
	write_file(dir, UUID_D, "{" TYPE "");
	/* Temp files, backups and other names: not definitions. */
	write_file(dir, "." UUID_E ".tmp", "garbage");
	write_file(dir, UUID_E "~", "garbage");
	write_file(dir, UUID_E ".json", EXAMPLE);
	write_file(dir, UUID_E ".swp", "garbage");
	write_file(dir, "README", "garbage");
	write_file(dir, "62177883f1bb47f0914d32a22e3a8804", EXAMPLE);
	write_file(dir, "{" UUID_E "}", EXAMPLE);
	/* A directory with a UUID name: not a definition either. */
	snprintf(sub, sizeof(sub), "%s/%s", dir, UUID_F);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	/* Exactly 1 MiB is fine: a definition padded with blanks. */
	big = malloc(big_len + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', big_len + 1);
	memcpy(big, EXAMPLE, strlen(EXAMPLE));
	write_file_len(dir, UUID_E, big, big_len);
	free(big);

	model = new_model(dir, "/nonexistent");
	zap_error_clear(&err);
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 5);
	ck_assert_uint_eq(model->nr_unreadable, 0);

	ck_assert_str_eq(model->definitions[0].uuid, UUID_A);
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_A);
	ck_assert_str_eq(model->definitions[0].path, path);
	ck_assert(model->definitions[0].valid);
	ck_assert(!model->definitions[0].autostart);
	ck_assert_str_eq(ids(&model->definitions[0].matrix.adapters), "0x6");

	ck_assert_str_eq(model->definitions[1].uuid, UUID_B);
	ck_assert(model->definitions[1].valid);
	ck_assert(model->definitions[1].autostart);
	ck_assert_str_eq(ids(&model->definitions[1].matrix.domains), "0x47");

	/* Upper-case file name: canonical UUID, the file's real path. */
	ck_assert_str_eq(model->definitions[2].uuid, UUID_C);
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_C_UPPER);
	ck_assert_str_eq(model->definitions[2].path, path);
	ck_assert_msg(model->definitions[2].valid, "%s",
		      model->definitions[2].problem);
	ck_assert_str_eq(ids(&model->definitions[2].matrix.domains), "0x7");

	ck_assert_str_eq(model->definitions[3].uuid, UUID_D);
	assert_invalid(&model->definitions[3], "unexpected end of data");

	ck_assert_str_eq(model->definitions[4].uuid, UUID_E);
	ck_assert_msg(model->definitions[4].valid, "%s",
		      model->definitions[4].problem);
	ck_assert_str_eq(ids(&model->definitions[4].matrix.adapters), "0x5");

	/* One byte more than 1 MiB: skipped as invalid. */
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_E);
	ck_assert_int_eq(truncate(path, (off_t)big_len + 1), 0);
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 5);
	ck_assert_str_eq(model->definitions[4].uuid, UUID_E);
	assert_invalid(&model->definitions[4], "larger than 1 MiB");

	free_model(model);
	remove_tree(dir);
}
END_TEST

START_TEST(test_definitions_load_unreadable_files)
{
	struct zap_model *model;
	struct zap_error err;
	char dir[512], path[600];

	make_temp_dir(dir, sizeof(dir));
	write_file(dir, UUID_A, EXAMPLE);
	/* A symlink loop cannot be read, not even by root. */
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_B);
	ck_assert_int_eq(symlink(UUID_B, path), 0);
	/* A dangling symlink is a removed definition. */
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_C);
	ck_assert_int_eq(symlink("nowhere", path), 0);
	/* A symlink to a definition is read as that definition. */
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_D);
	ck_assert_int_eq(symlink(UUID_A, path), 0);
	write_file(dir, UUID_E, EXAMPLE);
	snprintf(path, sizeof(path), "%s/%s", dir, UUID_E);
	ck_assert_int_eq(chmod(path, 0), 0);

	model = new_model(dir, "/nonexistent");
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 4);
	ck_assert_str_eq(model->definitions[0].uuid, UUID_A);
	ck_assert(model->definitions[0].valid);
	ck_assert_str_eq(model->definitions[1].uuid, UUID_B);
	assert_invalid(&model->definitions[1], strerror(ELOOP));
	assert_invalid(&model->definitions[1], "cannot read");
	ck_assert_str_eq(model->definitions[2].uuid, UUID_D);
	ck_assert(model->definitions[2].valid);
	ck_assert_str_eq(ids(&model->definitions[2].matrix.adapters), "0x5");
	ck_assert_str_eq(model->definitions[3].uuid, UUID_E);
	if (geteuid() != 0)
		assert_invalid(&model->definitions[3], strerror(EACCES));
	else
		ck_assert(model->definitions[3].valid);
	free_model(model);
	remove_tree(dir);
}
END_TEST

START_TEST(test_definitions_load_duplicate_uuid)
{
	struct zap_model *model;
	struct zap_error err;
	char dir[512];

	make_temp_dir(dir, sizeof(dir));
	write_file(dir, UUID_C, EXAMPLE);
	write_file(dir, UUID_C_UPPER,
		   DEFINITION("auto", "{ \"assign_adapter\": \"9\" }"));
	model = new_model(dir, "/nonexistent");
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 2);
	ck_assert_str_eq(model->definitions[0].uuid, UUID_C);
	ck_assert_str_eq(model->definitions[1].uuid, UUID_C);
	/* Sorted by path after the UUID: the upper-case name comes first. */
	assert_invalid(&model->definitions[0], "another file defines the same");
	ck_assert(model->definitions[1].valid);
	ck_assert_str_eq(ids(&model->definitions[1].matrix.adapters), "0x5");
	free_model(model);
	remove_tree(dir);
}
END_TEST

START_TEST(test_definitions_load_missing_directory)
{
	struct zap_model *model;
	struct zap_error err;
	char dir[512], path[600];

	make_temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/etc/mdevctl.d/matrix", dir);
	model = new_model(path, "/nonexistent");
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 0);
	ck_assert_ptr_null(model->definitions);
	ck_assert_uint_eq(model->nr_unreadable, 0);

	/* An empty directory: none either. */
	snprintf(path, sizeof(path), "%s", dir);
	free_model(model);
	model = new_model(path, "/nonexistent");
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 0);
	free_model(model);

	/* A directory that cannot be opened is reported as unreadable. */
	snprintf(path, sizeof(path), "%s/loop", dir);
	ck_assert_int_eq(symlink("loop", path), 0);
	model = new_model(path, "/nonexistent");
	ck_assert_int_eq(zap_definitions_load(model, &err), 0);
	ck_assert_uint_eq(model->nr_definitions, 0);
	ck_assert_uint_eq(model->nr_unreadable, 1);
	ck_assert_msg(strstr(model->unreadable[0], path), "%s",
		      model->unreadable[0]);
	free_model(model);
	remove_tree(dir);
}
END_TEST

/* 41-ap.rules as chzdev writes it (interop.md 4), with these mask lines. */
#define CHZDEV_RULES(masks)                                             \
	"# Generated by chzdev\n"                                       \
	"ACTION==\"add\", DEVPATH==\"/bus/ap\", "                       \
	"ATTR{bindings_complete_count}!=\"0\", GOTO=\"cfg_ap\"\n"       \
	"ACTION==\"change\", SUBSYSTEM==\"ap\", DEVPATH==\"/devices/ap\", " \
	"ENV{BINDINGS}==\"complete\", ENV{COMPLETECOUNT}==\"1\", "      \
	"GOTO=\"cfg_ap\"\n"                                             \
	"GOTO=\"end_ap\"\n"                                             \
	"\n"                                                            \
	"LABEL=\"cfg_ap\"\n"                                            \
	"\n"                                                            \
	masks                                                           \
	"RUN{builtin}+=\"kmod load vfio_ap\"\n"                         \
	"\n"                                                            \
	"LABEL=\"end_ap\"\n"

/* Host masks as the kernel prints them: adapters 0-3; domains 0, 71, 255. */
#define APMASK "0xf0000000000000000000000000000000"                     \
	"00000000000000000000000000000000"
#define AQMASK "0x80000000000000000100000000000000"                     \
	"00000000000000000000000000000001"

/* Parse @text as 41-ap.rules; returns rc, fills the rest. */
static int parse_rules(const char *text, bool *has_ap, struct zap_bitmap *ap,
		       bool *has_aq, struct zap_bitmap *aq, char *problem,
		       size_t size)
{
	return zap_chzdev_parse(text, strlen(text), has_ap, ap, has_aq, aq,
			       problem, size);
}

START_TEST(test_rules_parse_chzdev_example)
{
	struct zap_bitmap ap, aq;
	bool has_ap, has_aq;
	char problem[256];

	ck_assert_int_eq(parse_rules(CHZDEV_RULES(
		"ATTR{../../bus/ap/apmask}=\"" APMASK "\"\n"
		"ATTR{../../bus/ap/aqmask}=\"" AQMASK "\"\n"),
		&has_ap, &ap, &has_aq, &aq, problem, sizeof(problem)), 0);
	ck_assert_str_eq(problem, "");
	ck_assert(has_ap);
	ck_assert(has_aq);
	ck_assert_str_eq(ids(&ap), "0x0-0x3");
	ck_assert_str_eq(ids(&aq), "0x0,0x47,0xff");
}
END_TEST

START_TEST(test_rules_parse_one_mask)
{
	struct zap_bitmap ap, aq;
	bool has_ap, has_aq;
	char problem[256];

	ck_assert_int_eq(parse_rules(CHZDEV_RULES(
		"ATTR{../../bus/ap/apmask}=\"" APMASK "\"\n"),
		&has_ap, &ap, &has_aq, &aq, problem, sizeof(problem)), 0);
	ck_assert(has_ap);
	ck_assert(!has_aq);
	ck_assert_str_eq(ids(&ap), "0x0-0x3");

	ck_assert_int_eq(parse_rules(CHZDEV_RULES(
		"ATTR{../../bus/ap/aqmask}=\"" AQMASK "\"\n"),
		&has_ap, &ap, &has_aq, &aq, problem, sizeof(problem)), 0);
	ck_assert(!has_ap);
	ck_assert(has_aq);
	ck_assert_str_eq(ids(&aq), "0x0,0x47,0xff");
}
END_TEST

START_TEST(test_rules_parse_variants)
{
	struct zap_bitmap ap, aq;
	bool has_ap, has_aq;
	char problem[256];

	/* No mask lines at all, comments, the last line wins. */
	ck_assert_int_eq(parse_rules(CHZDEV_RULES(""), &has_ap, &ap, &has_aq,
				     &aq, problem, sizeof(problem)), 0);
	ck_assert(!has_ap);
	ck_assert(!has_aq);
	ck_assert_int_eq(parse_rules("", &has_ap, &ap, &has_aq, &aq, problem,
				     sizeof(problem)), 0);
	ck_assert(!has_ap);
	ck_assert_int_eq(parse_rules(
		"# ATTR{../../bus/ap/apmask}=\"0x8\"\n"
		"   # ATTR{../../bus/ap/aqmask}=\"bogus\"\n"
		"ATTR{../../bus/ap/apmask}=\"0x8\"\n"
		"ATTR{../../bus/ap/apmask}=\"0x04\"\n"
		"ATTR{../../bus/ap/aqmask}==\"bogus\", GOTO=\"x\"\n"
		"ATTR{apmask_old}=\"bogus\"\n"
		"ENV{apmask}=\"bogus\"\n"
		"ACTION==\"add\", ATTR{../../bus/ap/aqmask}=\"x02\"",
		&has_ap, &ap, &has_aq, &aq, problem, sizeof(problem)), 0);
	ck_assert(has_ap);
	ck_assert_str_eq(ids(&ap), "0x5");
	ck_assert(has_aq);
	ck_assert_str_eq(ids(&aq), "0x6");
}
END_TEST

START_TEST(test_rules_parse_malformed)
{
	struct zap_bitmap ap, aq;
	bool has_ap, has_aq;
	char problem[256];

	ck_assert_int_eq(parse_rules(CHZDEV_RULES(
		"ATTR{../../bus/ap/apmask}=\"" APMASK "\"\n"
		"ATTR{../../bus/ap/aqmask}=\"0xZZ\"\n"),
		&has_ap, &ap, &has_aq, &aq, problem, sizeof(problem)), -EINVAL);
	ck_assert_str_eq(problem,
			 "41-ap.rules line 9: invalid aqmask value '0xZZ'");
	ck_assert(!has_ap);
	ck_assert(!has_aq);

	ck_assert_int_eq(parse_rules("ATTR{../../bus/ap/apmask}=\"0X80\"\n",
				     &has_ap, &ap, &has_aq, &aq, problem,
				     sizeof(problem)), -EINVAL);
	ck_assert_str_eq(problem,
			 "41-ap.rules line 1: invalid apmask value '0X80'");
	ck_assert_int_eq(parse_rules("\n\nATTR{../../bus/ap/apmask}=\"\"\n",
				     &has_ap, &ap, &has_aq, &aq, problem,
				     sizeof(problem)), -EINVAL);
	ck_assert_str_eq(problem,
			 "41-ap.rules line 3: invalid apmask value ''");
	ck_assert_int_eq(parse_rules("ATTR{../../bus/ap/apmask}=\"0x80\n",
				     &has_ap, &ap, &has_aq, &aq, problem,
				     sizeof(problem)), -EINVAL);
	ck_assert_str_eq(problem,
			 "41-ap.rules line 1: invalid apmask value '0x80'");
	ck_assert_int_eq(parse_rules("ATTR{../../bus/ap/apmask}=\"0x8 \"\n",
				     &has_ap, &ap, &has_aq, &aq, problem,
				     sizeof(problem)), -EINVAL);
}
END_TEST

START_TEST(test_rules_load_files)
{
	struct zap_model *model;
	struct zap_error err;
	char dir[512], path[600];

	make_temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/41-ap.rules", dir);

	/* Missing file: no rules, the active masks apply. */
	model = new_model(dir, path);
	model->has_rules = true;
	model->rules_has_apmask = true;
	ck_assert_int_eq(zap_chzdev_load(model, &err), 0);
	ck_assert(!model->has_rules);
	ck_assert(!model->rules_has_apmask);
	ck_assert(!model->rules_has_aqmask);
	ck_assert_str_eq(model->rules_problem, "");

	write_file(dir, "41-ap.rules", CHZDEV_RULES(
		"ATTR{../../bus/ap/apmask}=\"" APMASK "\"\n"));
	ck_assert_int_eq(zap_chzdev_load(model, &err), 0);
	ck_assert(model->has_rules);
	ck_assert(model->rules_has_apmask);
	ck_assert(!model->rules_has_aqmask);
	ck_assert_str_eq(ids(&model->rules_apmask), "0x0-0x3");
	ck_assert_str_eq(model->rules_problem, "");

	write_file(dir, "41-ap.rules", CHZDEV_RULES(
		"ATTR{../../bus/ap/apmask}=\"" APMASK "\"\n"
		"ATTR{../../bus/ap/aqmask}=\"+5\"\n"));
	ck_assert_int_eq(zap_chzdev_load(model, &err), 0);
	ck_assert(model->has_rules);
	ck_assert(!model->rules_has_apmask);
	ck_assert(!model->rules_has_aqmask);
	ck_assert_str_eq(model->rules_problem,
			 "41-ap.rules line 9: invalid aqmask value '+5'");

	/* Unreadable: a symlink loop. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink("41-ap.rules", path), 0);
	ck_assert_int_eq(zap_chzdev_load(model, &err), 0);
	ck_assert(model->has_rules);
	ck_assert(!model->rules_has_apmask);
	ck_assert_msg(strstr(model->rules_problem, strerror(ELOOP)), "%s",
		      model->rules_problem);
	free_model(model);
	remove_tree(dir);
}
END_TEST

/* The definitions suite. */
Suite *definitions_suite(void)
{
	Suite *s = suite_create("definitions");
	TCase *p = tcase_create("parse");
	TCase *l = tcase_create("load");
	TCase *r = tcase_create("rules");

	tcase_add_test(p, test_definition_parse_interop_example);
	tcase_add_test(p, test_definition_parse_manual_and_no_attrs);
	tcase_add_test(p, test_definition_parse_fields_reset);
	tcase_add_test(p, test_definition_parse_bad_mdev_type);
	tcase_add_test(p, test_definition_parse_bad_start);
	tcase_add_test(p, test_definition_parse_comma_lists);
	tcase_add_test(p, test_definition_parse_kernel_refuses);
	tcase_add_test(p, test_definition_parse_octal_warning);
	tcase_add_test(p, test_definition_parse_values_not_strings);
	tcase_add_test(p, test_definition_parse_wrong_types);
	tcase_add_test(p, test_definition_parse_ap_config);
	tcase_add_test(p, test_definition_parse_unknown_attrs_ignored);
	tcase_add_test(p, test_definition_parse_bad_json);
	suite_add_tcase(s, p);
	tcase_add_test(l, test_definitions_load_directory);
	tcase_add_test(l, test_definitions_load_unreadable_files);
	tcase_add_test(l, test_definitions_load_duplicate_uuid);
	tcase_add_test(l, test_definitions_load_missing_directory);
	suite_add_tcase(s, l);
	tcase_add_test(r, test_rules_parse_chzdev_example);
	tcase_add_test(r, test_rules_parse_one_mask);
	tcase_add_test(r, test_rules_parse_variants);
	tcase_add_test(r, test_rules_parse_malformed);
	tcase_add_test(r, test_rules_load_files);
	suite_add_tcase(s, r);
	return s;
}
