#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# packages.sh TARBALL OUTDIR - build zap's packages from make dist's tarball,
# without running the test suite inside the builds (make check runs it):
#   OUTDIR/deb/     the Debian packages (dpkg-buildpackage -us -uc -b),
#                   build.log, lintian.txt (lintian's output, every tag)
#   OUTDIR/rpm/     the RPMs (rpmbuild -tb --nocheck: -bb of the spec in
#                   the tarball), rpmbuild.log
# Exits non-zero when a build fails or lintian reports an error.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 TARBALL OUTDIR" >&2; exit 1; }
tarball=$(realpath "$1")
out=$2
name=$(basename "$tarball" .tar.gz)

rm -rf "$out"
mkdir -p "$out/deb" "$out/rpm"
out=$(realpath "$out")

# Debian: binary packages of the unpacked tarball, then lintian.
tar -xzf "$tarball" -C "$out/deb"
if ! (cd "$out/deb/$name" &&
	DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) \
	> "$out/deb/build.log" 2>&1; then
	tail -30 "$out/deb/build.log" >&2
	echo "packages: dpkg-buildpackage failed; see $out/deb/build.log" >&2
	exit 1
fi
rm -rf "${out:?}/deb/$name"
# lintian refuses nothing as root, but says so on stderr: keep the tags only
lintian -EvIL +pedantic "$out"/deb/*.changes 2> /dev/null \
	> "$out/deb/lintian.txt" || true
if grep -q '^E: ' "$out/deb/lintian.txt"; then
	cat "$out/deb/lintian.txt" >&2
	echo "packages: lintian reports errors" >&2
	exit 1
fi

# RPM: rpmbuild -tb, the spec inside the tarball (BuildRequires name RPM packages, which
# a Debian host does not have: --nodeps; no debuginfo tools here).
if ! rpmbuild -tb --nocheck --nodeps \
	--define "_topdir $out/rpm/top" --define "_rpmdir $out/rpm" \
	--define 'debug_package %{nil}' \
	--define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' \
	"$tarball" \
	> "$out/rpm/rpmbuild.log" 2>&1; then
	tail -30 "$out/rpm/rpmbuild.log" >&2
	echo "packages: rpmbuild failed; see $out/rpm/rpmbuild.log" >&2
	exit 1
fi
rm -rf "${out:?}/rpm/top"
ls -l "$out"/deb/*.deb "$out"/rpm/*.rpm
