#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 10-install.bats - make install puts a library that a separate program
# compiles and links against with pkg-config, the tools run without the
# build tree, only zap_* is exported, and make uninstall removes it all.

load helper

setup_file() {
	D="$BATS_FILE_TMPDIR/dest"
	export D
	make -s -C "$BATS_TEST_DIRNAME/../.." install DESTDIR="$D" PREFIX=/usr \
		> "$BATS_FILE_TMPDIR/install.log" 2>&1
}

setup() {
	zap_common_setup
}

@test "make install: tools, library with SONAME, header, pkg-config file, man pages, completions" {
	[ -x "$D/usr/sbin/lszap" ]
	[ -x "$D/usr/sbin/chzap" ]
	[ -f "$D/usr/lib/libzapconf.so.0.0.0" ]
	[ "$(readlink "$D/usr/lib/libzapconf.so.0")" = libzapconf.so.0.0.0 ]
	[ -f "$D/usr/include/zapconf.h" ]
	[ -f "$D/usr/lib/pkgconfig/libzapconf.pc" ]
	[ -f "$D/usr/share/man/man8/lszap.8" ]
	[ -f "$D/usr/share/man/man8/chzap.8" ]
	[ -f "$D/usr/share/bash-completion/completions/lszap" ]
	[ -f "$D/usr/share/bash-completion/completions/chzap" ]
	run readelf -d "$D/usr/lib/libzapconf.so.0.0.0"
	assert_output --partial "Library soname: [libzapconf.so.0]"
	# the installed tools carry no rpath into the build tree
	run readelf -d "$D/usr/sbin/lszap"
	refute_output --partial "RUNPATH"
	refute_output --partial "RPATH"
}

@test "make install: only zap_* symbols are exported" {
	run bash -c "nm -D --defined-only '$D/usr/lib/libzapconf.so.0.0.0' | awk '\$2 == \"T\" || \$2 == \"D\" || \$2 == \"B\" {print \$3}' | grep -v '^zap_'"
	assert_output ""
	run bash -c "nm -D --defined-only '$D/usr/lib/libzapconf.so.0.0.0' | grep -c ' T zap_'"
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
	export PKG_CONFIG_PATH="$D/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
	run bash -c "cc -o '$BATS_TEST_TMPDIR/prog' '$BATS_TEST_TMPDIR/prog.c' \$(pkg-config --cflags --libs libzapconf)"
	assert_success
	LD_LIBRARY_PATH="$D/usr/lib" run "$BATS_TEST_TMPDIR/prog"
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
	LD_LIBRARY_PATH="$D/usr/lib" run "$D/usr/sbin/lszap" --version
	assert_success
	assert_output "lszap (zap) 0.1.0"
}

@test "make uninstall removes everything make install put there" {
	make -s -C "$ZAP_TOP" uninstall DESTDIR="$D" PREFIX=/usr
	run find "$D" -type f -o -type l
	assert_output ""
}
