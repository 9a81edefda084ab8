#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh - build the bundled demo tree (the kernel document's three guests)
# in a temporary directory and show it with lszap.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
"$top/tests/machine/mkfixture" "$top/tests/machine/demo.machine" "$root"
export ZAP_ROOT="$root" SYSFS_ROOT="$root/sys"
run() {
	printf '\n$ %s\n' "$*"
	"$@"
}
echo "Demo: the example of the kernel's vfio-ap document, as a sysfs tree in $root"
run "$top/lszap/lszap"
run "$top/lszap/lszap" --mdevs
run "$top/lszap/lszap" --matrix
run "$top/lszap/lszap" --check
