#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 37-chzap-signals.bats - during a change chzap survives every signal but
# SIGKILL (issue 19 item 1): a signal that would end it (USR1, ALRM, PIPE,
# the real-time ones, ...) arriving while it writes is noted, the change
# finished, the lock released, then reported; one arriving while it waits
# for the lock ends the wait (exit 5, nothing written). A closed standard
# output or error only loses output: a change keeps its exit code; a dry
# run whose output was lost fails (item 11). Plain trees; a write blocks on
# a FIFO put in place of an attribute until the test reads it.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

# A chzap a failed test left blocked on its FIFO would hold bats' output.
teardown() {
	if [ -n "${pid:-}" ]; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
}

# A kernel without ap_config: assignments are assign_*/unassign_* files.
# 05.0004 05.0047 06.0004 06.0047 are vfio_ap's; mdev A is empty.
machine() {
	cat <<-EOF
	kernel ap_config=no
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	EOF
}

# The journal of the tree.
journal_file() {
	echo "$ZAP_ROOT/run/zap/journal"
}

# start_blocked ATTR ARGS...: chzap ARGS in the background (its output in
# $BATS_TEST_TMPDIR/out, its PID in $pid) with attribute ATTR of mdev A a
# FIFO, so that the write blocks; return once the journal exists (the lock
# is held, the writes have begun).
start_blocked() {
	local attr=$1 i
	shift
	rm "$(zap_mdev_dir "$A")/$attr"
	mkfifo "$(zap_mdev_dir "$A")/$attr"
	chzap "$@" > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for ((i = 0; i < 1000; i++)); do
		[ -e "$(journal_file)" ] && return 0
		sleep 0.01
	done
	echo "chzap never started writing"
	return 1
}

# Nothing of a change left behind: no lock, no journal, no temporary file.
assert_nothing_left() {
	run ls -A "$ZAP_ROOT/run/lock" "$ZAP_ROOT/run/zap"
	assert_output - <<-EOF
	$ZAP_ROOT/run/lock:

	$ZAP_ROOT/run/zap:
	EOF
}

@test "chzap: every signal but SIGKILL while writing is noted: the change finished, exit 0, reported" {
	local sig status

	for sig in USR1 USR2 ALRM PIPE VTALRM PROF XCPU XFSZ IO PWR STKFLT \
		   SYS TRAP SEGV BUS FPE ILL ABRT RTMIN RTMIN+3 RTMAX; do
		zap_tree - < <(machine)
		start_blocked assign_domain -p -m "$A" -a 6 -d 0x47
		kill -s "$sig" "$pid"
		sleep 0.05
		kill -0 "$pid" # still there, still holding the lock
		[ -e "$(lock_file)" ]
		# let the blocked write through
		[ "$(cat "$(zap_mdev_dir "$A")/assign_domain")" = 0x0047 ]
		status=0
		wait "$pid" || status=$?
		if [ "$status" -ne 0 ]; then
			echo "SIG$sig: exit $status"
			cat "$BATS_TEST_TMPDIR/out"
			return 1
		fi
		case $sig in
		IO) sig=POLL ;; # glibc's name of SIGIO
		RTMIN) sig=RTMIN+0 ;;
		RTMAX) sig="RTMIN+$(($(kill -l RTMAX) - $(kill -l RTMIN)))" ;;
		esac
		run cat "$BATS_TEST_TMPDIR/out"
		assert_output "chzap: SIG$sig received while the configuration was being changed: the change was finished first"
		# the change is whole: the definition of -p is written too
		[ -s "$ZAP_ROOT/etc/mdevctl.d/matrix/$A" ]
		[ "$(cat "$(zap_mdev_dir "$A")/assign_adapter")" = 0x06 ]
		assert_nothing_left
	done
}

@test "chzap: USR1 and ALRM while waiting for the lock: exit 5, the signal named, nothing written" {
	local sig status i

	for sig in USR1 ALRM; do
		zap_tree - < <(machine)
		echo $$ > "$(lock_file)"
		zap_snapshot "$BATS_TEST_TMPDIR/before"
		chzap --lock-timeout 60 --host -d 0x47 > "$BATS_TEST_TMPDIR/out" 2>&1 &
		pid=$!
		for ((i = 0; i < 1000; i++)); do
			grep -q poll "/proc/$pid/wchan" 2>/dev/null && break
			sleep 0.01
		done
		kill -s "$sig" "$pid"
		status=0
		wait "$pid" || status=$?
		[ "$status" -eq 5 ]
		run cat "$BATS_TEST_TMPDIR/out"
		assert_line --index 1 "chzap: interrupted by SIG$sig while waiting for the AP configuration lock; nothing written"
		zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	done
}

@test "chzap -V -p with stdout and stderr on a closed pipe (SIGPIPE): the change whole, exit 0" {
	zap_tree - < <(machine)
	# the reader is gone before chzap writes its first line: EPIPE
	run bash -c 'chzap -V -p -m "$1" -a 6 -d 0x47 -c 1 2>&1 | true
		exit "${PIPESTATUS[0]}"' _ "$A"
	assert_success
	[ "$(cat "$(zap_mdev_dir "$A")/assign_control_domain")" = 0x0001 ]
	[ -s "$ZAP_ROOT/etc/mdevctl.d/matrix/$A" ]
	assert_nothing_left
}

@test "chzap: a change keeps its exit code when standard output is lost (/dev/full)" {
	zap_tree - < <(machine)
	run --separate-stderr bash -c 'chzap --vfio -a 5 -d 4 > /dev/full'
	assert_success
	[[ $stderr == *"chzap: write error on standard output: No space left on device" ]]
	[ "$(cat "$SYSFS_ROOT/bus/ap/apmask")" = "$(mask_without 5)" ]
}

@test "chzap -n > /dev/full: the dry run's only product is lost, exit 2, nothing written" {
	zap_tree - < <(machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr bash -c 'chzap -n -m "$1" -a 6 -d 0x47 > /dev/full' _ "$A"
	assert_failure 2
	[ "$stderr" = "chzap: write error on standard output: No space left on device" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
