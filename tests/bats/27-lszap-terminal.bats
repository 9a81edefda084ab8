#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 27-lszap-terminal.bats - lszap on a terminal (script(1) gives it one):
# the long columns wrap so that every view fits 80 columns, the path of a
# problem shows only in its PATH column, an empty listing prints its
# header, --check without problems says so in one line; piped, the output
# stays as scripts know it (nothing for an empty listing).

bats_require_minimum_version 1.5.0

BAD=cef03c3c-903d-4ecc-9a83-40694cb8aee4

setup() {
	load helper
	zap_common_setup
	command -v script > /dev/null || skip "script (util-linux) is not installed"
	zap_tree "$MACHINES/demo.machine"
}

# on_tty COMMAND...: run COMMAND on an 80-column terminal; its standard
# output, without the terminal's carriage returns, in $output.
on_tty() {
	local cmd

	printf -v cmd '%q ' "$@"
	run bash -c "set -o pipefail; COLUMNS=80 script -qec 'stty cols 80 2>/dev/null; $cmd 2>/dev/null' /dev/null | tr -d '\\r'"
}

# A second autostart definition sharing 05.0004, and an unusable one: two
# problems with long UUID lists, messages and a path.
problem_tree() {
	printf '{"mdev_type": "vfio_ap-passthrough", "start": "auto", "attrs": [{"assign_adapter": "5"}, {"assign_domain": "4"}]}\n' \
		> "$ZAP_ROOT/etc/mdevctl.d/matrix/11111111-2222-4333-8444-555555555555"
	echo garbage > "$ZAP_ROOT/etc/mdevctl.d/matrix/$BAD"
}

# Fail naming the first line of $output wider than 80 columns.
assert_fits_80() {
	local line

	while IFS= read -r line; do
		if [ "${#line}" -gt 80 ]; then
			echo "wider than 80 (${#line}): $line"
			return 1
		fi
	done <<< "$output"
}

@test "terminal: every view of lszap fits 80 columns with its default columns (long columns wrap)" {
	problem_tree
	for view in "" -A -D -M --free -x; do
		on_tty lszap $view
		assert_success
		assert_fits_80
	done
	on_tty lszap --check
	assert_failure 3
	assert_fits_80
	assert_line --index 0 --regexp '^KIND +APQNS +MDEVS +PATH +MESSAGE$'
	# piped, the rows stay whole, one a line
	run --separate-stderr lszap -A
	assert_line --index 1 --partial "0x5 CEX5C CCA-Coproc  online yes         6 11111111-2222-4333-8444-555555555555,62177883-f1bb-47f0-914d-32a22e3a8804,$BAD"
}

@test "terminal: --check names a problem's file only in the PATH column" {
	problem_tree
	run -3 lszap --check -r -n -o KIND,PATH,MESSAGE
	assert_line "bad-definition $ZAP_ROOT/etc/mdevctl.d/matrix/$BAD invalid\\x20JSON\\x20at\\x20byte\\x200:\\x20unexpected\\x20character"
	# without the PATH column, the message keeps it
	run -3 lszap --check -r -n -o KIND,MESSAGE
	assert_line --partial "bad-definition $ZAP_ROOT/etc/mdevctl.d/matrix/$BAD:\\x20invalid\\x20JSON"
	run -3 --separate-stderr lszap --json --check
	[ "$(jq -r '.problems[] | select(.kind == "bad-definition") | .message' <<< "$output")" = "$ZAP_ROOT/etc/mdevctl.d/matrix/$BAD: invalid JSON at byte 0: unexpected character" ]
}

@test "terminal: an empty listing prints its header; piped it prints nothing" {
	on_tty lszap -d 3
	assert_success
	assert_output "APQN TYPE MODE STATUS DRIVER OWNER MDEV"
	on_tty lszap -A -a 9 -o ID,TYPE
	assert_output "ID TYPE"
	on_tty lszap --free
	assert_output "APQN TYPE MODE"
	on_tty lszap -n -d 3
	assert_output ""
	run -0 lszap -d 3
	assert_output ""
}

@test "terminal: --check without problems says so in one line; piped it prints nothing" {
	on_tty lszap --check
	assert_success
	assert_output "no problems found"
	run -0 lszap --check
	assert_output ""
	problem_tree
	on_tty lszap --check -a 6
	assert_success
	assert_output "no problems found"
}
