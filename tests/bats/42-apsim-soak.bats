#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 42-apsim-soak.bats - the concurrency soak of issue 8 (tools/soak.sh) with
# a small count: 4 processes x 25 random chzap changes on apsim, on the
# newest kernel and on one without ap_config; after every command no
# shared or host APQN (lszap --check and apsim's own model), an exit code
# of 0, 3 or 5 that agrees with what chzap wrote, no temporary file left.
# `make soak` runs 250 each. Then: each of soak.sh's checks fails when its
# rule is broken, and two races that zap once lost, reproduced
# deterministically with strace delays (regression tests).
# Needs /dev/fuse and root; skipped with the reason elsewhere.

bats_require_minimum_version 1.5.0

M1=11111111-0000-4000-8000-000000000001
X=a0a0a0a0-0000-4000-8000-000000000001
Y=cccccccc-0000-4000-8000-00000000000c

setup() {
	load helper
	zap_common_setup
	load apsim
	apsim_require
	command -v jq >/dev/null || fail "jq is not installed (make deps)"
	SOAK=$ZAP_TOP/tools/soak.sh
	# soak.sh's work directories go below the test's, which bats removes
	export TMPDIR=$BATS_TEST_TMPDIR
}

teardown() {
	# no temporary file of the lock is ever left behind
	if [ -n "${ZAP_ROOT:-}" ]; then
		assert_no_lock_temp
	fi
	apsim_stop
}

# soak ARGS...: tools/soak.sh with a time limit, without fd 3 (bats waits
# for every holder of it), in $status and $output.
soak() {
	run timeout -k 10 600 "$SOAK" "$@" 3>&-
}

# soak_generation GEN: 4 x 25 commands, every check passed.
soak_generation() {
	soak -n 25 -p 4 -k "$1"
	echo "$output"
	assert_success
	assert_line --index 0 --regexp "^soak \\($1 kernel, seed [0-9]+\\): 100 commands by 4 workers in [0-9]+ s, [0-9]+ sysfs writes, 0 failed checks$"
	# the workers collided: some changes were made, some refused
	assert_output --regexp "exit 0: [0-9]+"
	assert_output --regexp "exit 3: [0-9]+"
	refute_output --partial FAIL
}

@test "soak (newest kernel): 4 processes x 25 random chzap changes, no shared or host APQN, exits 0/3/5" {
	soak_generation newest
}

@test "soak (kernel without ap_config): the same with assign_*/unassign_* writes" {
	soak_generation old
}

@test "soak.sh fails on a shared APQN (lszap --check and apsim's model)" {
	# Y shares 01.0006 with M1
	soak -n 1 -p 1 -k newest -s 1 -x "mdev $Y adapters=1 domains=6 control=none"
	assert_failure 1
	assert_output --partial "kinds 'shared-apqn'"
	assert_output --regexp "apsim's model: shared-apqn 01.0006 in [0-9a-f-]+ and [0-9a-f-]+"
}

@test "soak.sh fails on a host APQN (lszap --check and apsim's model)" {
	# domain 4 belongs to the host
	soak -n 1 -p 1 -k newest -s 1 -x "mdev $Y adapters=3 domains=4 control=none"
	assert_failure 1
	assert_output --partial "kinds 'host-apqn'"
	assert_output --partial "apsim's model: host-apqn 03.0004 in $Y"
}

@test "soak.sh fails on an exit code other than 0, 3, 5 and on a temporary file left in the lock directory" {
	local fake=$BATS_TEST_TMPDIR/fake

	mkdir "$fake"
	cat > "$fake/chzap" <<-'EOF'
	#!/bin/sh
	# a chzap that fails with 4 and leaves a temporary file of a dead process
	mkdir -p "$ZAP_ROOT/run/lock"
	: > "$ZAP_ROOT/run/lock/s390apconfig.lock9999999ab"
	exit 4
	EOF
	chmod +x "$fake/chzap"
	ZAP_TOOLS_DIR=$fake soak -n 2 -p 1 -k newest -s 1
	assert_failure 1
	assert_output --partial "exit 4: chzap "
	assert_output --partial "temporary files of dead processes: $BATS_TEST_TMPDIR/"
	assert_output --partial "left in run/: run/lock/s390apconfig.lock9999999ab"
}

@test "soak.sh fails when chzap writes without saying so, or exits 0 without a change or a note" {
	local fake=$BATS_TEST_TMPDIR/fake

	mkdir "$fake"
	# the real chzap, without -V: its writes go unreported
	cat > "$fake/chzap" <<-EOF
	#!/bin/bash
	args=()
	for a in "\$@"; do [ "\$a" = -V ] || args+=("\$a"); done
	exec "$ZAP_TOP/chzap/chzap" "\${args[@]}"
	EOF
	chmod +x "$fake/chzap"
	ZAP_TOOLS_DIR=$fake soak -n 10 -p 1 -k newest -s 1
	assert_failure 1
	assert_output --partial "exit 0, no write and no 'already in the requested state'"
	assert_output --partial "apsim received other writes than chzap reported"
}

@test "regression: a chzap that reads while another chzap removes an mdev exits 2 instead of making its change" {
	local pid status=0

	apsim_start <<-EOF
	bus aqmask=0-5,8-255
	adapter 1 hwtype=14 mode=cca domains=4-7
	adapter 2 hwtype=13 mode=ep11 domains=4-7
	mdev $M1 adapters=1 domains=6 control=none
	mdev $X adapters=2 domains=7 control=none
	EOF
	command -v strace >/dev/null || skip "no strace"
	# chzap is held for 1.5 s when it opens X's directory, after it listed
	# the mdevs; meanwhile another chzap removes X
	# (LeakSanitizer of an ASan build cannot ptrace a traced process)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -qq -o /dev/null -P "$M/$X" -e trace=openat \
		-e inject=openat:delay_enter=1500000:when=1 \
		chzap -m "$M1" -a 2 > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	sleep 0.5
	run chzap --remove -m "$X"
	assert_success
	wait "$pid" || status=$?
	cat "$BATS_TEST_TMPDIR/err"
	# X is gone, 02.0006 is free: the assignment can be made
	[ "$status" -eq 0 ] || fail "chzap -m $M1 -a 2 exited with $status"
	assert_state_mdev "$M1" "1 2" 6 "" no
}

@test "regression: lszap --check run while a mask write moves a queue reports it unbound" {
	local pid status=0

	apsim_start <<-EOF
	bus aqmask=0-6,8-255
	adapter 1 hwtype=14 mode=cca domains=6,7
	EOF
	command -v strace >/dev/null || skip "no strace"
	# lszap is held for 1.5 s when it opens drivers/vfio_ap, after it
	# listed drivers/cex4queue; meanwhile 01.0007 goes to the host
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -qq -o /dev/null -P "$S/bus/ap/drivers/vfio_ap" -e trace=openat \
		-e inject=openat:delay_enter=1500000:when=1 \
		lszap --check > "$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	sleep 0.5
	run chzap --host -d 7
	drop_live_note
	assert_success
	assert_output "1 queue vfio -> host: 01.0007"
	wait "$pid" || status=$?
	cat "$BATS_TEST_TMPDIR/out"
	# 01.0007 was bound to a driver at every moment
	[ "$status" -eq 0 ] || fail "lszap --check exited with $status"
}
