#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 10-install.bats - make install puts a library that a separate program
# compiles and links against with pkg-config (static too), the tools run
# without the build tree, only zap_* is exported, the library goes to the
# platform's directory (multiarch on Debian, LIBDIR= overrides it), docs,
# examples and the boot-time check's unit are installed, ldconfig runs on a
# real install only, and make uninstall removes it all.

bats_require_minimum_version 1.5.0

load helper

setup_file() {
	D="$BATS_FILE_TMPDIR/dest"
	L=$(make -s --no-print-directory -C "$BATS_TEST_DIRNAME/../.." print-LIBDIR PREFIX=/usr)
	export D L
	make -s -C "$BATS_TEST_DIRNAME/../.." install DESTDIR="$D" PREFIX=/usr \
		> "$BATS_FILE_TMPDIR/install.log" 2>&1
}

setup() {
	zap_common_setup
}

@test "make install: tools, library with SONAME, header, pkg-config file, man pages, completions" {
	[ -x "$D/usr/sbin/lszap" ]
	[ -x "$D/usr/sbin/chzap" ]
	[ -f "$D$L/libzapconf.so.0.0.0" ]
	[ -f "$D$L/libzapconf.a" ]
	[ "$(readlink "$D$L/libzapconf.so.0")" = libzapconf.so.0.0.0 ]
	[ -f "$D/usr/include/zapconf.h" ]
	[ -f "$D$L/pkgconfig/libzapconf.pc" ]
	[ -f "$D/usr/share/man/man8/lszap.8" ]
	[ -f "$D/usr/share/man/man8/chzap.8" ]
	[ -f "$D/usr/share/bash-completion/completions/lszap" ]
	[ -f "$D/usr/share/bash-completion/completions/chzap" ]
	[ -f "$D/usr/share/doc/zap/README.md" ]
	[ -f "$D/usr/share/doc/zap/hostile-input.md" ]
	[ -f "$D/usr/share/doc/zap/examples/ansible/provision-crypto.yml" ]
	unitdir=$(make -s --no-print-directory -C "$ZAP_TOP" print-SYSTEMDUNITDIR PREFIX=/usr)
	presetdir=$(make -s --no-print-directory -C "$ZAP_TOP" print-SYSTEMDPRESETDIR PREFIX=/usr)
	run cat "$D$unitdir/zap-check.service"
	assert_line "ExecStart=/usr/sbin/lszap --check --log"
	run cat "$D$presetdir/50-zap.preset"
	assert_line "enable zap-check.service"
	run readelf -d "$D$L/libzapconf.so.0.0.0"
	assert_output --partial "Library soname: [libzapconf.so.0]"
	# the installed tools carry no rpath into the build tree
	run readelf -d "$D/usr/sbin/lszap"
	refute_output --partial "RUNPATH"
	refute_output --partial "RPATH"
}

@test "make install: LIBDIR is the platform's (Debian: multiarch), LIBDIR= overrides it" {
	if command -v dpkg-architecture > /dev/null; then
		[ "$L" = "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)" ]
	fi
	run make -s --no-print-directory -C "$ZAP_TOP" print-LIBDIR PREFIX=/opt/z LIBDIR=/opt/z/lib64
	assert_output /opt/z/lib64
}

@test "make install: ldconfig runs on a real install (no DESTDIR) only" {
	printf '#!/bin/sh\necho ran >> "%s"\n' "$BATS_TEST_TMPDIR/ldconfig.log" > "$BATS_TEST_TMPDIR/ldconfig"
	chmod +x "$BATS_TEST_TMPDIR/ldconfig"
	P="$BATS_TEST_TMPDIR/prefix"
	make -s -C "$ZAP_TOP" install PREFIX="$P" LDCONFIG="$BATS_TEST_TMPDIR/ldconfig" \
		SYSTEMDUNITDIR="$P/unit" SYSTEMDPRESETDIR="$P/preset" > /dev/null
	run cat "$BATS_TEST_TMPDIR/ldconfig.log"
	assert_output ran
	[ -f "$P/sbin/lszap" ]
	# the unit names the lszap of this install
	run cat "$P/unit/zap-check.service"
	assert_line "ExecStart=$P/sbin/lszap --check --log"
	rm "$BATS_TEST_TMPDIR/ldconfig.log"
	make -s -C "$ZAP_TOP" install PREFIX=/usr DESTDIR="$BATS_TEST_TMPDIR/d2" \
		LDCONFIG="$BATS_TEST_TMPDIR/ldconfig" > /dev/null
	[ ! -e "$BATS_TEST_TMPDIR/ldconfig.log" ]
	make -s -C "$ZAP_TOP" uninstall PREFIX="$P" LDCONFIG="$BATS_TEST_TMPDIR/ldconfig" \
		SYSTEMDUNITDIR="$P/unit" SYSTEMDPRESETDIR="$P/preset" > /dev/null
	run find "$P" -type f -o -type l
	assert_output ""
}

@test "make install: a failing ldconfig (not root) is a warning, the install stands" {
	P="$BATS_TEST_TMPDIR/prefix"
	run --separate-stderr make -s -C "$ZAP_TOP" install PREFIX="$P" LDCONFIG=false \
		SYSTEMDUNITDIR="$P/unit" SYSTEMDPRESETDIR="$P/preset"
	assert_success
	assert_equal "$stderr" "warning: false failed: run it as root"
	[ -x "$P/sbin/chzap" ]
}

@test "make install: libzapconf.pc names json-c and uuid in Requires.private; a static program links with pkg-config --static" {
	export PKG_CONFIG_PATH="$D$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
	run pkg-config --print-requires-private libzapconf
	assert_line json-c
	assert_line uuid
	[ -f "$D$L/libzapconf.a" ]
	cat > "$BATS_TEST_TMPDIR/static.c" <<-'EOC'
	#include <stdio.h>
	#include <zapconf.h>

	int main(void)
	{
		char uuid[ZAP_UUID_STRLEN];

		/* zap_uuid_parse() needs libuuid, zap_version() nothing */
		if (zap_uuid_parse("AAAAAAAA-0000-4000-8000-000000000001", uuid, NULL))
			return 1;
		printf("%s %s\n", zap_version(), uuid);
		return 0;
	}
	EOC
	run bash -c "cc -static -o '$BATS_TEST_TMPDIR/static' '$BATS_TEST_TMPDIR/static.c' \$(pkg-config --static --cflags --libs libzapconf)"
	assert_success
	run readelf -d "$BATS_TEST_TMPDIR/static"
	refute_output --partial "NEEDED"
	run "$BATS_TEST_TMPDIR/static"
	assert_success
	assert_output "0.1.0 aaaaaaaa-0000-4000-8000-000000000001"
}

@test "make install: only zap_* symbols are exported" {
	run bash -c "nm -D --defined-only '$D$L/libzapconf.so.0.0.0' | awk '\$2 == \"T\" || \$2 == \"D\" || \$2 == \"B\" {print \$3}' | grep -v '^zap_'"
	assert_output ""
	run bash -c "nm -D --defined-only '$D$L/libzapconf.so.0.0.0' | grep -c ' T zap_'"
	[ "$output" -gt 40 ]
}

@test "make install: a separate program builds with pkg-config --cflags --libs libzapconf" {
	cat > "$BATS_TEST_TMPDIR/prog.c" <<-'EOC'
	#include <stdio.h>
	#include <string.h>
	#include <zapconf.h>

	int main(void)
	{
		struct zap_bitmap b;
		char text[64];

		if (zap_ids_parse(&b, "0-3,5,0x47", ZAP_MAX_ID, "domain", NULL))
			return 1;
		zap_ids_print(&b, text, sizeof(text));
		printf("%s %s\n", zap_version(), text);
		return strcmp(text, "0x0-0x3,0x5,0x47") != 0;
	}
	EOC
	export PKG_CONFIG_PATH="$D$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
	run bash -c "cc -o '$BATS_TEST_TMPDIR/prog' '$BATS_TEST_TMPDIR/prog.c' \$(pkg-config --cflags --libs libzapconf)"
	assert_success
	LD_LIBRARY_PATH="$D$L" run "$BATS_TEST_TMPDIR/prog"
	assert_success
	assert_output "0.1.0 0x0-0x3,0x5,0x47"
}

@test "the tools run from the build tree and after install: --version" {
	run "$ZAP_TOP/lszap/lszap" --version
	assert_success
	assert_output "lszap (zap) 0.1.0"
	run "$ZAP_TOP/chzap/chzap" --version
	assert_success
	assert_output "chzap (zap) 0.1.0"
	LD_LIBRARY_PATH="$D$L" run "$D/usr/sbin/lszap" --version
	assert_success
	assert_output "lszap (zap) 0.1.0"
}

@test "make uninstall removes everything make install put there" {
	make -s -C "$ZAP_TOP" uninstall DESTDIR="$D" PREFIX=/usr
	run find "$D" -type f -o -type l
	assert_output ""
}
