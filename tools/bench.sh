#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench.sh - lszap on the maximal LPAR (make bench): builds the tree of
# tests/machine/gen-max.sh (256 adapters x 256 domains = 65,536 queues,
# 200 mdevs) with mkfixture in a temporary directory, then prints for each
# view its median wall time over $RUNS runs, the ratio to
# 'find sys/devices/ap', system calls per queue (strace -c -f) and peak RSS
# (/usr/bin/time), then the allocation search (tools/bench-free.c), then
# one change: 'chzap -m U -a 5 -d 0xa0' (and its undo) on the maximal tree
# against the same on a 2-adapter LPAR (median time, openat, getdents64).
# Targets (issue 5): default view <= 3x find, <= 10
# syscalls per queue, <= 64 MiB. Targets (issue 13): the change <= 3x the
# 2-adapter one and <= 0.05x find. Prints; asserts nothing.
#
#   BENCH_DIR=DIR   where to build the tree (default: /dev/shm when it has
#                   room, a tmpfs like sysfs; else $TMPDIR or /tmp)
#   RUNS=N          timed runs per view (default 5), after one warm-up
#   BENCH_ONLY=CASE only the views, the allocation search or the change
#                   (views, free, change); default: all three
#   CHZAP=PATH      the chzap to measure (default: the build tree's)
#   CHZAP_BEFORE=PATH  another chzap to measure in the same run (e.g. a
#                   build of main), for a before/after comparison
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
lszap=$top/lszap/lszap
chzap=${CHZAP:-$top/chzap/chzap}
mkfixture=$top/tests/machine/mkfixture
runs=${RUNS:-5}
only=${BENCH_ONLY:-}
views=("" -A -D -M -b --json)

# Is the case $1 to run?
wanted() {
	[ -z "$only" ] || [ "$only" = "$1" ]
}

# The tools the measurements need.
"$top/tools/deps.sh" time strace -- time strace

for f in "$lszap" "$mkfixture"; do
	[ -x "$f" ] || { echo "bench: $f missing: run make first" >&2; exit 1; }
done

# A directory with room for the tree (about 2.5 GB on a 4 KiB-block fs).
pick_dir() {
	local avail

	if [ -n "${BENCH_DIR:-}" ]; then
		echo "$BENCH_DIR"
		return
	fi
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		avail=$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')
		if [ "${avail:-0}" -gt $((3 * 1024 * 1024)) ]; then
			echo /dev/shm
			return
		fi
	fi
	echo "${TMPDIR:-/tmp}"
}

work=$(mktemp -d "$(pick_dir)/zap-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "bench: building the maximal tree in $work (gen-max.sh + mkfixture)"
sh "$top/tests/machine/gen-max.sh" > "$work/max.machine"
"$mkfixture" "$work/max.machine" "$work/root"
export ZAP_ROOT=$work/root SYSFS_ROOT=$work/root/sys
nr_queues=$("$lszap" -r -n -o APQN | wc -l)
echo "bench: $nr_queues queues, $("$lszap" -M -r -n -o UUID | wc -l) mdevs and definitions, $runs runs per view"

# Wall time of one run of "$@" in seconds (output discarded).
wall() {
	local t0 t1

	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}

# Median wall time of $runs runs of "$@", in seconds, after one warm-up.
median() {
	local i

	wall "$@" > /dev/null
	for ((i = 0; i < runs; i++)); do
		wall "$@"
	done | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f", t[int((NR + 1) / 2)] / 1e6 }'
}

# System calls of one run of lszap ARGS, all processes.
syscalls() {
	strace -c -f -o "$work/strace.txt" "$lszap" "$@" > /dev/null 2>&1 || true
	awk '$NF == "total" { print $(NF - 2) ~ /^[0-9]+$/ ? $(NF - 2) : $(NF - 1) }' \
		"$work/strace.txt"
}

# Peak RSS of one run of lszap ARGS, in MiB.
peak_rss() {
	/usr/bin/time -f %M -o "$work/time.txt" "$lszap" "$@" > /dev/null 2>&1 || true
	awk '{ printf "%.1f", $1 / 1024 }' "$work/time.txt"
}

find_s=$(median find "$SYSFS_ROOT/devices/ap")
wanted views || views=()
wanted views &&
printf '\n%-8s %9s %8s %15s %13s\n' view median_s x_find syscalls/queue peak_rss_MiB
wanted views && printf '%-8s %9s %8s %15s %13s\n' find "$find_s" 1.00 - -
for view in "${views[@]}"; do
	args=()
	[ -n "$view" ] && args=("$view")
	t=$(median "$lszap" "${args[@]}")
	calls=$(syscalls "${args[@]}")
	rss=$(peak_rss "${args[@]}")
	printf '%-8s %9s %8s %15s %13s\n' "${view:-default}" "$t" \
		"$(awk -v a="$t" -v b="$find_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
		"$(awk -v c="$calls" -v q="$nr_queues" 'BEGIN { printf "%.2f", c / q }')" \
		"$rss"
done
if wanted views; then
	echo
	echo "targets: default <= 3.00 x find, <= 10 syscalls/queue, <= 64 MiB peak RSS"
fi

# The allocation search (chzap --create --auto, lszap --free) on the same
# tree: free queues + block search per request, after one load.
if wanted free; then
	echo
	echo "allocation search (zap_free_apqns + zap_free_block_find), $SYSFS_ROOT:"
	"$top/tools/bench-free"
	echo "target: < 50 ms for any request"
fi

# openat and getdents64 calls of one run of "$@", all processes.
change_calls() {
	strace -f -c -e trace=openat,getdents64 -o "$work/change.txt" "$@" \
		> /dev/null 2>&1 || true
	awk '$NF == "openat" { o = $(NF - 1) ~ /^[0-9]+$/ && $(NF - 2) ~ /^[0-9]+$/ ? $(NF - 2) : $(NF - 1) }
	     $NF == "getdents64" { g = $(NF - 1) ~ /^[0-9]+$/ && $(NF - 2) ~ /^[0-9]+$/ ? $(NF - 2) : $(NF - 1) }
	     END { printf "%d %d", o, g }' "$work/change.txt"
}

# Run the change "$@" 20 times, every other time undone with -u (the tree
# then holds what it held, and every run is a real change).
twenty() {
	local i

	for ((i = 0; i < 20; i++)); do
		if ((i % 2)); then
			"$1" -q -u -m "$u" -d 0xa0 > /dev/null 2>&1 || true
		else
			"$@" > /dev/null 2>&1 || true
		fi
	done
}

# Median wall time of one run of "$@": median of $runs samples of 20 runs.
median_short() {
	awk -v t="$(median twenty "$@")" 'BEGIN { printf "%.4f", t / 20 }'
}

# One change (assign, then its unassign: both real changes, as mkfixture's
# ap_config is a plain file that keeps what was written), on the maximal
# tree and on a 2-adapter LPAR with the same mdev.
if wanted change; then
	u=00000000-0000-4000-8000-000000000000
	cat > "$work/small.machine" <<-EOF
	bus aqmask=0-55
	adapter 5 hwtype=14 mode=cca domains=all
	adapter 6 hwtype=14 mode=cca domains=all
	mdev $u adapters=5,6 domains=56 control=56
	EOF
	"$mkfixture" "$work/small.machine" "$work/small"
	for tool in ${CHZAP_BEFORE:+"$CHZAP_BEFORE"} "$chzap"; do
		change=("$tool" -q -m "$u" -a 5 -d 0xa0)
		max_s=$(median_short "${change[@]}")
		max_calls=$(change_calls "${change[@]}")
		"$tool" -q -u -m "$u" -d 0xa0 > /dev/null 2>&1 || true
		small_s=$(ZAP_ROOT=$work/small SYSFS_ROOT=$work/small/sys median_short "${change[@]}")
		small_calls=$(ZAP_ROOT=$work/small SYSFS_ROOT=$work/small/sys change_calls "${change[@]}")
		ZAP_ROOT=$work/small SYSFS_ROOT=$work/small/sys "$tool" -q -u -m "$u" -d 0xa0 > /dev/null 2>&1 || true
		echo
		echo "change: chzap -q -m U -a 5 -d 0xa0 ($tool)"
		printf '%-10s %9s %8s %8s %11s\n' tree median_s x_find openat getdents64
		printf '%-10s %9s %8s %8s %11s\n' maximal "$max_s" \
			"$(awk -v a="$max_s" -v b="$find_s" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')" \
			$max_calls
		printf '%-10s %9s %8s %8s %11s\n' 2-adapter "$small_s" - $small_calls
		echo "maximal / 2-adapter: $(awk -v a="$max_s" -v b="$small_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	done
	echo "targets: <= 3.00 x the 2-adapter change, <= 0.05 x find"
fi
