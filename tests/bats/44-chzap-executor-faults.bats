#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 44-chzap-executor-faults.bats - the executor against faults it cannot
# prevent (issue 19, item 3) on plain trees: a write the kernel accepts
# but that reads back a different value is in effect, so it is undone with
# the earlier writes (exit 4, "changed": false); when its undo fails too,
# the outcome says so (exit 6, "changed": true, the journal kept).
#
# The fault: strace makes chzap's write() to the attribute return success
# without writing (-e inject=write:retval=N); the open() with O_TRUNC of a
# plain file then leaves it empty, which reads back different.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	command -v strace >/dev/null || skip "no strace: the fault needs it"
	strace -qq -o /dev/null true 2>/dev/null ||
		skip "strace cannot trace here (ptrace not permitted)"
	T=$BATS_TEST_TMPDIR
}

# A kernel with ap_config: 05.0004 05.0047 are vfio_ap's; mdev A is empty.
machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	EOF
}

# planned_write ARGS...: the one write chzap -n plans (VALUE and PATH).
planned_write() {
	run --separate-stderr chzap -n "$@"
	assert_success
	[ "${#lines[@]}" -eq 1 ] || fail "not one write: $output"
	[[ "${lines[0]}" == "echo "*" > "* ]] || fail "not a write: $output"
	PATH_W=${lines[0]##* > }
	VALUE=${lines[0]#echo }
	VALUE=${VALUE% > *}
}

# faked_chzap WHEN ARGS...: chzap --json ARGS with its WHEN-th write() to
# PATH_W (strace's "when": 1 the first, 1+ every one) not made.
faked_chzap() {
	local when=$1
	shift
	run --separate-stderr strace -qq -o "$T/strace.log" -P "$PATH_W" \
		-e trace=write -e "inject=write:retval=$((${#VALUE} + 1)):when=$when" \
		chzap --json "$@"
}

@test "a write that reads back different is undone too: exit 4, changed false, the attribute restored, no journal" {
	zap_tree - < <(machine)
	planned_write -m "$A" -a 5 -d 4
	cp "$PATH_W" "$T/before"
	faked_chzap 1 -m "$A" -a 5 -d 4
	[ "$status" -eq 4 ] || fail "status $status: $stderr"
	[ "$(jq -r .changed <<< "$output")" = false ]
	[[ "$(jq -r .error <<< "$output")" == *"writing '$VALUE' to $PATH_W read back a different value (EIO); it and 0 earlier writes undone"* ]] ||
		fail "error: $output"
	# the undo was a real write of the value before
	grep -q 'write(.*) = [0-9]* (INJECTED)' "$T/strace.log"
	[ "$(grep -c '^write(' "$T/strace.log")" -eq 2 ]
	cmp "$T/before" "$PATH_W"
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
}

@test "a write that reads back different and whose undo fails: exit 6, changed true, what is left named, the journal kept" {
	zap_tree - < <(machine)
	planned_write -m "$A" -a 5 -d 4
	faked_chzap 1+ -m "$A" -a 5 -d 4
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[ "$(jq -r .changed <<< "$output")" = true ]
	[[ "$(jq -r .error <<< "$output")" == *"read back a different value (EIO); the rollback failed too: $PATH_W still has '$VALUE'"* ]] ||
		fail "error: $output"
	[ -e "$ZAP_ROOT/run/zap/journal" ]
	run lszap --check
	assert_failure 3
	assert_output --partial "unfinished-change"
}
