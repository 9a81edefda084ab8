#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# packages.bats (make check-packages) - make dist's tarball builds on its
# own; the Debian packages (dpkg-buildpackage, nocheck) split into zap,
# libzapconf0 and libzapconf-dev with shlibs Depends and a symbols file
# that matches the library, pass lintian without an error, install into a
# throw-away root (an overlay of / in a private mount namespace), where the
# installed lszap and chzap run and the boot-time check is enabled, and
# purge cleanly; the RPMs (rpmbuild -tb, --nocheck) put the library in
# %{_libdir}. Needs root (mounts, chroot); skipped otherwise.

bats_require_minimum_version 1.5.0

setup_file() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	export TOP
	[ "$(id -u)" -eq 0 ] || return 0
	git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1 || return 0
	VERSION=$(make -s --no-print-directory -C "$TOP" print-VERSION)
	TARBALL="$BATS_FILE_TMPDIR/zap-$VERSION.tar.gz"
	PKG="$BATS_FILE_TMPDIR/pkg"
	export VERSION TARBALL PKG
	make -s --no-print-directory -C "$TOP" dist DIST_OUT="$TARBALL" > /dev/null
	nice -n 10 "$TOP/tools/packages.sh" "$TARBALL" "$PKG" > "$BATS_FILE_TMPDIR/packages.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/packages.log"; return 1; }
}

setup() {
	load "$TOP/tests/bats/helper"
	zap_common_setup
	[ "$(id -u)" -eq 0 ] || skip "the package tests need root (mounts, chroot, dpkg)"
	git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1 ||
		skip "not a git checkout: make dist archives the committed tree"
	MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
}

@test "make dist: zap-VERSION.tar.gz holds exactly the committed files, under zap-VERSION/" {
	run bash -c "tar -tzf '$TARBALL' | grep -v '/\$' | sed 's|^zap-$VERSION/||' | LC_ALL=C sort"
	assert_success
	[ "$output" = "$(git -C "$TOP" ls-files | LC_ALL=C sort)" ]
}

@test "make dist: the tarball builds and passes the unit tests on its own" {
	tar -xzf "$TARBALL" -C "$BATS_TEST_TMPDIR"
	nice -n 10 make -s -j2 -C "$BATS_TEST_TMPDIR/zap-$VERSION" all tests/machine/mkfixture
	run nice -n 10 make -s -C "$BATS_TEST_TMPDIR/zap-$VERSION" unit
	assert_success
	assert_output --partial "100%"
}

@test "the versions agree: Makefile, debian/changelog, packaging/zap.spec" {
	run dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version
	assert_output "$VERSION"
	run rpmspec -q --srpm --qf '%{VERSION}\n' "$TOP/packaging/zap.spec"
	assert_output "$VERSION"
}

@test "Debian packages: zap, libzapconf0, libzapconf-dev, each with its files" {
	run dpkg-deb -c "$PKG/deb/zap_${VERSION}_$(dpkg --print-architecture).deb"
	assert_output --partial " ./usr/sbin/lszap"
	assert_output --partial " ./usr/sbin/chzap"
	assert_output --partial " ./usr/share/man/man8/chzap.8.gz"
	assert_output --partial " ./usr/share/bash-completion/completions/lszap"
	assert_output --partial " ./usr/share/doc/zap/README.md"
	assert_output --partial " ./usr/share/doc/zap/examples/ansible/provision-crypto.yml"
	assert_output --partial " ./lib/systemd/system/zap-check.service"
	refute_output --partial "libzapconf.so"
	run dpkg-deb -c "$PKG/deb/libzapconf0_${VERSION}_$(dpkg --print-architecture).deb"
	assert_output --partial " ./usr/lib/$MULTIARCH/libzapconf.so.0.0.0"
	assert_output --partial " ./usr/lib/$MULTIARCH/libzapconf.so.0 -> libzapconf.so.0.0.0"
	refute_output --partial "zapconf.h"
	run dpkg-deb -c "$PKG/deb/libzapconf-dev_${VERSION}_$(dpkg --print-architecture).deb"
	assert_output --partial " ./usr/include/zapconf.h"
	assert_output --partial " ./usr/lib/$MULTIARCH/libzapconf.so -> libzapconf.so.0"
	assert_output --partial " ./usr/lib/$MULTIARCH/pkgconfig/libzapconf.pc"
	assert_output --partial " ./usr/lib/$MULTIARCH/libzapconf.a"
}

@test "Debian packages: Depends come from shlibs; the library ships its symbols file" {
	local arch
	arch=$(dpkg --print-architecture)
	run dpkg-deb -f "$PKG/deb/zap_${VERSION}_$arch.deb" Depends
	assert_output --regexp "libzapconf0 \(>= $VERSION\)"
	assert_output --regexp "libjson-c5 \(>= [0-9.]+\)"
	assert_output --partial "libsystemd0"
	run dpkg-deb -f "$PKG/deb/libzapconf-dev_${VERSION}_$arch.deb" Depends
	assert_output --partial "libzapconf0 (= $VERSION)"
	mkdir "$BATS_TEST_TMPDIR/ctl"
	dpkg-deb -e "$PKG/deb/libzapconf0_${VERSION}_$arch.deb" "$BATS_TEST_TMPDIR/ctl"
	run grep -c "@LIBZAPCONF_0 " "$BATS_TEST_TMPDIR/ctl/symbols"
	[ "$output" -gt 40 ]
}

@test "debian/libzapconf0.symbols lists exactly the symbols the library exports" {
	run bash -c "nm -D --defined-only '$TOP/libzapconf/libzapconf.so.0' | awk '\$2 == \"T\" || \$2 == \"D\" || \$2 == \"B\" || \$2 == \"A\" {print \$3}' | sed 's/@@*.*//' | LC_ALL=C sort"
	local exported=$output
	run bash -c "sed -n 's/^ \\([^@ ]*\\)@.*/\\1/p' '$TOP/debian/libzapconf0.symbols' | LC_ALL=C sort"
	[ "$output" = "$exported" ] || {
		echo "the library exports (<) and debian/libzapconf0.symbols lists (>) differ; run make symbols:"
		diff <(echo "$exported") <(echo "$output")
		false
	}
}

@test "lintian: no error on the Debian packages" {
	run cat "$PKG/deb/lintian.txt"
	refute_output --regexp "^E: "
}

# In a private mount namespace: an overlay of / (the packages' files land
# in a throw-away upper directory) with /dev, /proc and the test's
# directory; run the script on stdin chrooted there.
in_throwaway_root() {
	local o="$BATS_TEST_TMPDIR/overlay"

	mkdir -p "$o/upper" "$o/work" "$o/root"
	unshare -m bash -euc '
		o=$1 keep=$2
		mount -t overlay overlay -o "lowerdir=/,upperdir=$o/upper,workdir=$o/work" "$o/root"
		mount --rbind /dev "$o/root/dev"
		mount -t proc proc "$o/root/proc"
		mkdir -p "$o/root$keep"
		mount --bind "$keep" "$o/root$keep"
		chroot "$o/root" env PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -eu' _ "$o" "$BATS_FILE_TMPDIR"
}

@test "the Debian packages install into a throw-away root, the installed tools run, purge removes them" {
	zap_tree "$MACHINES/demo.machine"
	# the tree must be inside the bound directory
	cp -a "$R" "$BATS_FILE_TMPDIR/demo-root"
	run in_throwaway_root <<-EOF
	dpkg -i $PKG/deb/libzapconf0_*.deb $PKG/deb/libzapconf-dev_*.deb $PKG/deb/zap_*.deb > /dev/null
	echo "== installed"
	lszap --version
	chzap --version
	command -v lszap
	ldd /usr/sbin/lszap | grep -o 'libzapconf.so.0 => [^ ]*'
	SYSFS_ROOT=$BATS_FILE_TMPDIR/demo-root/sys ZAP_ROOT=$BATS_FILE_TMPDIR/demo-root lszap -M -o UUID,ADAPTERS,DOMAINS
	pkg-config --libs libzapconf
	test -L /etc/systemd/system/multi-user.target.wants/zap-check.service && echo "zap-check.service enabled"
	dpkg --purge zap libzapconf-dev libzapconf0 > /dev/null
	echo "== purged"
	test ! -e /usr/sbin/lszap && test ! -e /usr/lib/$MULTIARCH/libzapconf.so.0 && echo "files gone"
	test ! -e /etc/systemd/system/multi-user.target.wants/zap-check.service && echo "unit disabled"
	dpkg -s zap > /dev/null 2>&1 || echo "zap not installed"
	EOF
	assert_success
	assert_line "lszap (zap) $VERSION"
	assert_line "chzap (zap) $VERSION"
	assert_line /usr/sbin/lszap
	assert_line --regexp "^libzapconf.so.0 => (/usr)?/lib/$MULTIARCH/libzapconf.so.0\$"
	assert_line --regexp "^[0-9a-f-]{36} +[0-9a-fx,-]+ +[0-9a-fx,-]+$"
	assert_line --regexp "^-lzapconf *\$"
	assert_line "zap-check.service enabled"
	assert_line "files gone"
	assert_line "unit disabled"
	assert_line "zap not installed"
	# nothing of it reached the machine
	[ ! -e /usr/sbin/lszap ] || [ "$(dpkg -S /usr/sbin/lszap 2>/dev/null)" != "zap: /usr/sbin/lszap" ]
}

@test "RPMs: zap, libzapconf, libzapconf-devel; the library in %{_libdir}" {
	local libdir
	libdir=$(rpm --eval '%{_libdir}')
	run rpm -qlp "$PKG/rpm/libzapconf-$VERSION-1.$(uname -m).rpm"
	assert_line "$libdir/libzapconf.so.0.0.0"
	run rpm -qlp "$PKG/rpm/libzapconf-devel-$VERSION-1.$(uname -m).rpm"
	assert_line "$libdir/libzapconf.so"
	assert_line "$libdir/pkgconfig/libzapconf.pc"
	assert_line /usr/include/zapconf.h
	run rpm -qlp "$PKG/rpm/zap-$VERSION-1.$(uname -m).rpm"
	assert_line /usr/sbin/lszap
	assert_line /usr/sbin/chzap
	assert_line /usr/lib/systemd/system/zap-check.service
	assert_line /usr/share/doc/zap/README.md
	run tail -3 "$PKG/rpm/rpmbuild.log"
	assert_line "+ exit 0"
}
