#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz.sh [TARGET...] - build the libFuzzer targets of tests/fuzz/ with
# ASan+UBSan and run each for FUZZ_SECONDS (default 30) seconds on a copy of
# its seed corpus (tests/fuzz/corpus/TARGET; the committed corpus never
# grows). Prints executions and coverage per target; a crash, leak, timeout
# or broken differential check leaves its input in tests/fuzz/crashes/ with
# the log next to it, and the script exits 1 naming it (2: cannot build).
#
#   FUZZ_SECONDS=60 ./tools/fuzz.sh             every target, 60 s each
#   ./tools/fuzz.sh fuzz_mask                   one target
#   FUZZ_CC=clang-14 FUZZ_TIMEOUT=25            compiler; seconds per input
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
cc=${FUZZ_CC:-clang}
timeout=${FUZZ_TIMEOUT:-25}
bindir=tests/fuzz/bin
crashdir=tests/fuzz/crashes
# shellcheck disable=SC2054 # the commas belong to -fsanitize=
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE -Wall -Wextra
	-Iinclude -Ilibzapconf)

# die MESSAGE - print MESSAGE, exit 2 (setup or build problem, no finding).
die() {
	echo "fuzz: $*" >&2
	exit 2
}

# stale BINARY SOURCES... - true if BINARY is missing or older than a source.
stale() {
	local bin=$1 src
	shift
	[ -e "$bin" ] || return 0
	for src in "$@"; do
		[ "$src" -nt "$bin" ] && return 0
	done
	return 1
}

# build TARGET - compile tests/fuzz/TARGET.c with the library's sources.
build() {
	local target=$1 lib_srcs pkg
	lib_srcs=(libzapconf/*.c)
	pkg=$(pkg-config --cflags --libs json-c uuid libxml-2.0) ||
		die "pkg-config cannot find json-c, uuid and libxml-2.0 (make deps)"
	stale "$bindir/$target" "tests/fuzz/$target.c" "${lib_srcs[@]}" \
		include/zapconf.h libzapconf/internal.h "$0" || return 0
	printf '  %-8s %s\n' FUZZCC "$bindir/$target"
	# shellcheck disable=SC2086 # pkg-config output is a word list
	"$cc" "${flags[@]}" "tests/fuzz/$target.c" "${lib_srcs[@]}" $pkg \
		-o "$bindir/$target" || die "cannot build $target"
}

# field LOG NAME - the last value of "NAME: value" on libFuzzer's status lines.
field() {
	grep -Eo "(^| )$2: [0-9]+" "$1" | tail -n 1 | grep -Eo '[0-9]+$' ||
		echo "?"
}

# row TARGET EXECUTIONS COV FT RESULT - one line of the table.
row() {
	printf '%-16s %12s %7s %7s  %s\n' "$1" "${2:-?}" "$3" "$4" "$5"
}

# run TARGET - fuzz TARGET on a copy of its corpus; prints one table row.
run() {
	local target=$1 corpus=$work/$1 log=$work/$1.log rc=0 execs cov ft unit
	mkdir -p "$corpus"
	cp tests/fuzz/corpus/"$target"/* "$corpus"/
	mkdir -p "$crashdir"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$bindir/$target" -max_total_time="$seconds" \
		-timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashdir/$target-" "$corpus" \
		>"$log" 2>&1 || rc=$?
	execs=$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$log" |
		grep -Eo '[0-9]+$' || true)
	[ -n "$execs" ] ||
		execs=$(grep -Eo '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
	cov=$(field "$log" cov)
	ft=$(field "$log" ft)
	if [ "$rc" -eq 0 ]; then
		rmdir "$crashdir" 2>/dev/null || true
		row "$target" "$execs" "$cov" "$ft" "no crash"
		return 0
	fi
	unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
		tail -n 1)
	cp "$log" "$crashdir/$target.log"
	unit=${unit:-no input written}
	row "$target" "$execs" "$cov" "$ft" "CRASH (exit $rc): $unit"
	findings+=("$target: $unit (log $crashdir/$target.log)")
	grep -E '^(fuzz_[a-z]+: |SUMMARY: |==[0-9]+==ERROR)' "$log" |
		head -n 5 | awk '{ print "    " $0 }'
}

command -v "$cc" >/dev/null ||
	die "$cc not found (make deps, or apt-get install clang)"
if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for src in tests/fuzz/fuzz_*.c; do
		targets+=("$(basename "$src" .c)")
	done
fi
for target in "${targets[@]}"; do
	[ -f "tests/fuzz/$target.c" ] || die "no such target: $target"
	[ -d "tests/fuzz/corpus/$target" ] || die "no corpus for $target"
done

mkdir -p "$bindir"
for target in "${targets[@]}"; do
	build "$target"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/zap-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
findings=()
echo "fuzzing ${#targets[@]} target(s), ${seconds} s each"
row target executions cov ft result
for target in "${targets[@]}"; do
	run "$target"
done
if [ ${#findings[@]} -gt 0 ]; then
	echo "fuzz: ${#findings[@]} target(s) found a problem; reproduce with" \
		"$bindir/TARGET INPUT:" >&2
	printf '  %s\n' "${findings[@]}" >&2
	exit 1
fi
