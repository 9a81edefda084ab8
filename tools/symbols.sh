#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# symbols.sh LIBRARY VERSION SYMBOLS-FILE - rewrite debian/libzapconf0.symbols
# (make symbols) from what LIBRARY exports: a symbol the file lists keeps
# its minimal version, a new one gets VERSION, a symbol no longer exported
# is dropped (an ABI break: say so in debian/changelog). Run it after adding
# a zap_* function; tests/packaging checks that the file and the library
# agree.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 LIBRARY VERSION SYMBOLS-FILE" >&2; exit 1; }
lib=$1 version=$2 file=$3
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "symbols: $lib has no SONAME" >&2; exit 1; }
# name@VERSIONNODE of every defined dynamic symbol (the version node
# itself, listed without one, as dpkg-gensymbols writes it: NODE@NODE)
mapfile -t exported < <(nm -D --defined-only --with-symbol-versions "$lib" |
	awk '{print $3}' | sed -e 's/@@*/@/' -e '/@/!s/.*/&@&/' | LC_ALL=C sort -u)
declare -A known=()
if [ -f "$file" ]; then
	while read -r sym ver; do
		known[$sym]=$ver
	done < <(sed -n 's/^ \([^ ]*@[^ ]*\) \(.*\)$/\1 \2/p' "$file")
fi
{
	echo "$soname libzapconf0 #MINVER#"
	echo "* Build-Depends-Package: libzapconf-dev"
	for sym in "${exported[@]}"; do
		echo " $sym ${known[$sym]:-$version}"
	done
} > "$file.new"
mv "$file.new" "$file"
