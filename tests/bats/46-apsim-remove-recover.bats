#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 46-apsim-remove-recover.bats - a killed `chzap --remove` (issue 19, item
# 8) on apsim: the journal records the remove's undo (create with the same
# UUID, then its matrix and control domains), so --recover brings the mdev
# back as it was, and --recover=complete treats a remove already made as
# complete. Both kernels: with ap_config, and with assign_* files only.
# chzap is killed by strace (as in 41-apsim-crash.bats) at its first
# write() to the journal: the "done" line of the remove, which was made.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	load apsim
	command -v strace >/dev/null || skip "no strace: the kill point needs it"
	strace -qq -o /dev/null true 2>/dev/null ||
		skip "strace cannot trace here (ptrace not permitted)"
	T=$BATS_TEST_TMPDIR
	B=bbbbbbbb-0000-4000-8000-000000000002
}

teardown() {
	apsim_stop
}

# machine KERNEL-LINE: mdev B holds 05.0004 05.0047 06.0004 06.0047 and
# control domains 1 and 4.
machine() {
	cat <<-EOF
	$1
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $B adapters=5,6 domains=4,0x47 control=1,4
	EOF
}

# killed_remove: chzap --remove -m B killed after the remove, before the
# journal knows it: the mdev is gone, the journal is there.
killed_remove() {
	# LeakSanitizer cannot run under ptrace (an ASan build)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -qq -o "$T/strace.log" -P "$ZAP_ROOT/run/zap/journal" \
		-e trace=write -e 'inject=write:signal=SIGKILL:when=1' \
		chzap --remove -m "$B" 3>&-
	[ "$status" -eq 137 ] || fail "chzap was not killed (status $status): $output"
	assert_no_state_mdev "$B"
	[ -e "$ZAP_ROOT/run/zap/journal" ]
	grep -q "^undo create" "$ZAP_ROOT/run/zap/journal" ||
		fail "no undo recorded: $(cat "$ZAP_ROOT/run/zap/journal")"
}

@test "a killed --remove (ap_config kernel): --recover creates the mdev again with its matrix and control domains" {
	apsim_start < <(machine "kernel ap_config=yes")
	killed_remove
	run --separate-stderr chzap --recover
	assert_success
	assert_state_mdev "$B" "5 6" "4 71" "1 4"
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
	run lszap --check
	assert_success
}

@test "a killed --remove (assign_* kernel): --recover creates the mdev again with its matrix and control domains" {
	apsim_start < <(machine "kernel ap_config=no matrix_features=no")
	killed_remove
	run --separate-stderr chzap --recover
	assert_success
	assert_state_mdev "$B" "5 6" "4 71" "1 4"
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
}

@test "a killed --remove: --recover=complete treats the remove made as complete: exit 0, no write, the journal gone" {
	apsim_start < <(machine "kernel ap_config=yes")
	killed_remove
	ctl reset-log
	run --separate-stderr chzap --recover=complete
	assert_success
	assert_no_writes
	assert_no_state_mdev "$B"
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
}
