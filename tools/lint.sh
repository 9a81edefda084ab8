#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lint.sh [DIR...] - static analysis of the C sources of zap (make lint).
# Runs cppcheck and clang-tidy (configuration: .clang-tidy at the top of the
# tree) on every .c file of each DIR (default: libzapconf lszap chzap tests/fuzz tests/unit
# tests/machine tests/apsim), prints every finding, then one summary line per
# tool. Exits 0 when both are clean, 1 on any finding, 2 when a tool is
# missing or a directory does not exist.
#
#   ./tools/lint.sh                         the default directories
#   ./tools/lint.sh libzapconf tests/unit   some directories
#   CPPCHECK=cppcheck CLANG_TIDY=clang-tidy-14 LINT_JOBS=4
#
# A false positive is suppressed at its line, with the reason in the comment:
#   // NOLINT(check-name): reason       clang-tidy, at the end of the line
#   // NOLINTNEXTLINE(check-name): reason          clang-tidy, the line above
#   // cppcheck-suppress id ; reason    cppcheck, at the end or the line above
set -euo pipefail
cd "$(dirname "$0")/.."

cppcheck=${CPPCHECK:-cppcheck}
clang_tidy=${CLANG_TIDY:-clang-tidy}
jobs=${LINT_JOBS:-$(nproc 2>/dev/null || echo 1)}

# cppcheck's global suppressions, each with its reason:
#   missingIncludeSystem  cppcheck is not given the system include paths
#                         (they would make it slow and report on glibc).
#   variableScope         kernel style declares variables at the top of a
#                         block; moving them inward is a matter of taste.
# shellcheck disable=SC2054 # the commas belong to --enable=
cppcheck_flags=(--enable=warning,style,performance,portability --inline-suppr
	--std=c11 -D_GNU_SOURCE -Iinclude -Ilibzapconf
	--suppress=missingIncludeSystem --suppress=variableScope
	--error-exitcode=1 --quiet
	--template='{file}:{line}:{column}: {severity}: {message} [{id}]')

# die MESSAGE - print MESSAGE, exit 2 (setup problem, no finding).
die() {
	echo "lint: $*" >&2
	exit 2
}

if [ $# -gt 0 ]; then
	dirs=("$@")
else
	dirs=(libzapconf lszap chzap tests/machine tests/apsim tests/fuzz tests/unit)
fi
for dir in "${dirs[@]}"; do
	[ -d "$dir" ] || die "no such directory: $dir"
done
command -v "$cppcheck" >/dev/null ||
	die "$cppcheck not found (make lint installs it, or apt-get install cppcheck)"
command -v "$clang_tidy" >/dev/null ||
	die "$clang_tidy not found (make lint installs it, or apt-get install clang-tidy)"
[ -f .clang-tidy ] || die "no .clang-tidy at the top of the tree"
pkg_cflags=$(pkg-config --cflags json-c uuid fuse3 check popt smartcols libxml-2.0) ||
	die "pkg-config cannot find the libraries' headers (make deps)"
# shellcheck disable=SC2206 # pkg-config output is a word list
tidy_flags=(-std=gnu11 -D_GNU_SOURCE -Iinclude -Ilibzapconf $pkg_cflags)

sources=()
for dir in "${dirs[@]}"; do
	while IFS= read -r -d '' f; do
		sources+=("$f")
	done < <(find "$dir" -maxdepth 1 -name '*.c' -type f -print0 | sort -z)
done
[ ${#sources[@]} -gt 0 ] || die "no .c file in ${dirs[*]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/zap-lint.XXXXXX")
trap 'rm -rf "$work"' EXIT

# findings FILE - the distinct finding lines ("path:line:col: severity:
# message", notes left out) of FILE; a header included by many files
# counts once.
findings() {
	{ grep -E '^[^ :]+:[0-9]+:[0-9]+: [a-z]+: ' "$1" || true; } |
		{ grep -Ev '^[^ :]+:[0-9]+:[0-9]+: note: ' || true; } | sort -u
}

# summary TOOL FILE VERSION - the one-line summary of TOOL's findings.
summary() {
	local n files
	n=$(findings "$2" | wc -l)
	files=$(findings "$2" | cut -d: -f1 | sort -u | wc -l)
	printf '%-11s %d finding(s) in %d file(s), %d source file(s) checked (%s)\n' \
		"$1:" "$n" "$files" "${#sources[@]}" "$3"
	[ "$n" -eq 0 ]
}

# tidy_log FILE - where clang-tidy's output on FILE goes.
tidy_log() {
	printf '%s/tidy.%s.log' "$work" "$(printf %s "$1" | tr / _)"
}

# tidy_one FILE FLAGS... - clang-tidy on FILE, its output in a log of its
# own (kept in order when the files are checked in parallel); a failure
# leaves FILE.failed next to the log.
# shellcheck disable=SC2317 # called by xargs, through bash -c
tidy_one() {
	local src=$1 log
	shift
	log=$(tidy_log "$src")
	"$clang_tidy" --quiet --config-file=.clang-tidy "$src" -- "$@" \
		>"$log" 2>&1 || touch "$log.failed"
}

# cppcheck: every file in one run.
rc=0
"$cppcheck" "${cppcheck_flags[@]}" -j "$jobs" "${sources[@]}" \
	>"$work/cppcheck.out" 2>&1 || rc=$?
cat "$work/cppcheck.out"
if [ "$rc" -ne 0 ] && [ -z "$(findings "$work/cppcheck.out")" ]; then
	die "cppcheck failed (exit $rc) without a finding"
fi

# clang-tidy: one process per file, $jobs at a time. Paths are printed
# relative to the top of the tree, as cppcheck prints them; the "N warnings
# generated" lines are left out.
export -f tidy_log tidy_one
export clang_tidy work
# shellcheck disable=SC2016 # expanded by the inner bash
printf '%s\0' "${sources[@]}" |
	xargs -0 -n 1 -P "$jobs" bash -c 'tidy_one "${!#}" "${@:1:$#-1}"' \
		lint-tidy "${tidy_flags[@]}"
for src in "${sources[@]}"; do
	cat "$(tidy_log "$src")"
done | sed -e "s|^$PWD/||" | awk '
	# one block per finding: its line, message lines, notes, source lines;
	# a finding in a header comes once, not once per file including it
	/^[0-9]+ (warning|error)s?( and [0-9]+ (warning|error)s?)? generated\.$/ {
		next
	}
	/^[^ :]+:[0-9]+:[0-9]+: [a-z]+: / && !/^[^ :]+:[0-9]+:[0-9]+: note: / {
		skip = ($0 in seen)
		seen[$0] = 1
	}
	!skip' >"$work/clang-tidy.out"
cat "$work/clang-tidy.out"
# clang-tidy fails on a finding; failing without one is a broken run.
broken=()
for src in "${sources[@]}"; do
	log=$(tidy_log "$src")
	[ -e "$log.failed" ] && [ -z "$(findings "$log")" ] && broken+=("$src")
done

rc=0
summary cppcheck "$work/cppcheck.out" "$("$cppcheck" --version)" || rc=1
summary clang-tidy "$work/clang-tidy.out" \
	"clang-tidy $("$clang_tidy" --version |
		sed -n 's/.*LLVM version \([0-9.]*\).*/\1/p')" || rc=1
[ ${#broken[@]} -eq 0 ] || die "clang-tidy failed without a finding on ${broken[*]}"
exit "$rc"
