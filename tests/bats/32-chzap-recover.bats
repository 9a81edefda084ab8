#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 32-chzap-recover.bats - chzap --recover and --recover=complete on journals
# of dead processes written by hand (the format at the top of
# libzapconf/journal.c, with the PID of a reaped process): what is written,
# in which order, what is printed, the journal removed or kept; a live
# journal, a malformed one, a failing recovery write, a held lock and a
# signal while waiting for it; a change refused while a journal is there;
# and signals while a change is written: finished, lock released, no
# temporary file left.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

# A kernel without ap_config: assignments are assign_*/unassign_* files,
# where a write leaves its value to be read. 05.0004 05.0047 06.0004 06.0047
# are vfio_ap's; mdev A is empty.
old_kernel_machine() {
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

# write_journal PID DONE...: the journal of "chzap -m A -a 6 -d 0x47 -c 1"
# on the old kernel (three writes, each with its undo) by process PID, with
# "done N" lines for the writes made.
write_journal() {
	local pid=$1 dir i
	shift
	dir=$(zap_mdev_dir "$A")
	mkdir -p "$ZAP_ROOT/run/zap"
	{
		printf 'zap-journal 1\npid %s\nchange assign %s\n' "$pid" "$A"
		printf 'write %s\t%s\t%s\t%s\n' \
			"$dir/assign_adapter" 0x06 "$dir/unassign_adapter" 0x06 \
			"$dir/assign_domain" 0x0047 "$dir/unassign_domain" 0x0047 \
			"$dir/assign_control_domain" 0x0001 \
			"$dir/unassign_control_domain" 0x0001
		for i in "$@"; do printf 'done %s\n' "$i"; done
	} > "$(journal_file)"
}

@test "chzap --help lists --recover[=complete]" {
	run chzap --help
	drop_live_note
	assert_success
	assert_output --partial "    --recover[=complete] "
	assert_output --partial "chzap --recover[=complete]"
}

@test "chzap --recover without a journal: exit 0, a note, nothing written" {
	zap_tree - < <(old_kernel_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --recover
	drop_live_note
	assert_success
	assert_output ""
	[ "$stderr" = "chzap: no unfinished change to recover; nothing written" ]
	run chzap -q --recover=complete
	drop_live_note
	assert_success
	assert_output ""
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --recover: undoes the write made and the next one, last first" {
	zap_tree - < <(old_kernel_machine)
	pid=$(dead_pid)
	write_journal "$pid" 0
	dir=$(zap_mdev_dir "$A")
	run --separate-stderr chzap --recover
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo 0x0047 > $dir/unassign_domain
	echo 0x06 > $dir/unassign_adapter
	EOF
	[ "$stderr" = "chzap: the unfinished change 'assign $A' of process $pid (1 of 3 writes made) is undone: 2 writes" ]
	[ "$(cat "$dir/unassign_domain")" = 0x0047 ]
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
	[ ! -s "$dir/unassign_control_domain" ]
	[ ! -e "$(journal_file)" ]
	[ ! -e "$(lock_file)" ]
	run ls -A "$ZAP_ROOT/run/lock" "$ZAP_ROOT/run/zap"
	assert_output - <<-EOF
	$ZAP_ROOT/run/lock:

	$ZAP_ROOT/run/zap:
	EOF
}

@test "chzap --recover=undo is --recover; -V shows each write, -q only the written lines" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	write_journal "$(dead_pid)" 0
	run --separate-stderr chzap -V --recover=undo
	drop_live_note
	assert_success
	[ "${stderr_lines[0]}" = "chzap: echo 0x0047 > $dir/unassign_domain" ]
	[ "${stderr_lines[1]}" = "chzap: echo 0x06 > $dir/unassign_adapter" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	write_journal "$(dead_pid)" 0
	run --separate-stderr chzap -q --recover
	drop_live_note
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$stderr" ]
}

@test "chzap --recover=complete: the writes not made, in order" {
	zap_tree - < <(old_kernel_machine)
	pid=$(dead_pid)
	write_journal "$pid" 0
	dir=$(zap_mdev_dir "$A")
	run --separate-stderr chzap --recover=complete
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo 0x0047 > $dir/assign_domain
	echo 0x0001 > $dir/assign_control_domain
	EOF
	[ "$stderr" = "chzap: the unfinished change 'assign $A' of process $pid (1 of 3 writes made) is completed: 2 writes" ]
	[ "$(cat "$dir/assign_domain")" = 0x0047 ]
	[ "$(cat "$dir/assign_control_domain")" = 0x0001 ]
	[ ! -s "$dir/assign_adapter" ]
	[ ! -s "$dir/unassign_adapter" ]
	[ ! -e "$(journal_file)" ]
}

@test "chzap --recover: every write made: all three undone, last first; complete has nothing left" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	write_journal "$(dead_pid)" 0 1 2
	run chzap -q --recover complete
	drop_live_note
	assert_success
	assert_output ""
	[ ! -e "$(journal_file)" ]
	write_journal "$(dead_pid)" 0 1 2
	run chzap -q --recover
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo 0x0001 > $dir/unassign_control_domain
	echo 0x0047 > $dir/unassign_domain
	echo 0x06 > $dir/unassign_adapter
	EOF
	[ ! -e "$(journal_file)" ]
}

@test "chzap --recover: no write made yet: the first one is undone (it may have been made)" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	write_journal "$(dead_pid)"
	run chzap -q --recover
	drop_live_note
	assert_success
	assert_output "echo 0x06 > $dir/unassign_adapter"
}

@test "chzap --recover of a running process's change: exit 3, the journal kept, nothing written" {
	zap_tree - < <(old_kernel_machine)
	write_journal $$ 0
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --recover
	drop_live_note
	assert_failure 3
	assert_output "chzap: the change in $(journal_file) belongs to process $$, which still runs"
	run chzap --recover=complete
	drop_live_note
	assert_failure 3
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --recover of a malformed journal: exit 2, the journal kept, nothing written" {
	zap_tree - < <(old_kernel_machine)
	mkdir -p "$ZAP_ROOT/run/zap"
	printf 'zap-journal 1\npid %s\nwrite only-two\tfields\n' "$(dead_pid)" > "$(journal_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --recover
	drop_live_note
	assert_failure 2
	assert_output "chzap: $(journal_file): malformed journal"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --recover: a recovery write fails: exit 4, the journal kept; fixed, the next one finishes" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	write_journal "$(dead_pid)" 0
	rm "$dir/unassign_adapter"
	mkdir "$dir/unassign_adapter"
	run --separate-stderr chzap --recover
	drop_live_note
	assert_failure 4
	assert_output "echo 0x0047 > $dir/unassign_domain"
	[ "$stderr" = "chzap: recovery: writing '0x06' to $dir/unassign_adapter failed: is a directory, not an attribute; the journal $(journal_file) is kept" ]
	[ -e "$(journal_file)" ]
	[ ! -e "$(lock_file)" ]
	rmdir "$dir/unassign_adapter"
	touch "$dir/unassign_adapter"
	run chzap -q --recover
	drop_live_note
	assert_success
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
	[ ! -e "$(journal_file)" ]
}

@test "chzap --recover: a held lock: exit 5 after --lock-timeout, the journal kept" {
	zap_tree - < <(old_kernel_machine)
	write_journal "$(dead_pid)" 0
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 0 --recover
	drop_live_note
	assert_failure 5
	assert_output "chzap: AP configuration lock $(lock_file) is held by process $$ (waited 0 s)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --recover: SIGTERM while waiting for the lock: exit 5, nothing written, no temporary file" {
	local pid i status=0

	zap_tree - < <(old_kernel_machine)
	write_journal "$(dead_pid)" 0
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	chzap --lock-timeout 60 --recover > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for ((i = 0; i < 1000; i++)); do
		grep -q poll "/proc/$pid/wchan" 2>/dev/null && break
		sleep 0.01
	done
	kill -TERM "$pid"
	wait "$pid" || status=$?
	[ "$status" -eq 5 ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "interrupted by SIGTERM while waiting"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: a change is refused while a journal is recorded; after --recover it is made" {
	zap_tree - < <(old_kernel_machine)
	pid=$(dead_pid)
	write_journal "$pid" 0
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	msg="chzap: an unfinished change (assign $A) of process $pid is recorded in $(journal_file): run 'chzap --recover' to undo it, or 'chzap --recover=complete'"
	run chzap -m "$A" -a 5 -d 4
	drop_live_note
	assert_failure 3
	assert_output "$msg"
	run --separate-stderr chzap -n --vfio -d 2
	drop_live_note
	assert_failure 3
	[ "$stderr" = "$msg" ]
	run lszap -r -n --check -o KIND
	drop_not_persistent
	assert_output "unfinished-change"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	chzap -q --recover
	run chzap -m "$A" -a 5 -d 4
	drop_live_note
	assert_success
	run lszap -r -n --check -o KIND
	refute_output "unfinished-change"
}

@test "chzap --recover --json: the recovery writes and the mdev, changed; none: changed false" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	write_journal "$(dead_pid)" 0 1
	run --separate-stderr chzap --json --recover=complete
	assert_success
	[ -z "$stderr" ]
	run jq -c '[.changed, .uuid, .writes, .error]' <<< "$output"
	assert_output "[true,\"$A\",[{\"path\":\"$dir/assign_control_domain\",\"value\":\"0x0001\",\"result\":\"ok\"}],null]"
	run --separate-stderr chzap -j --recover
	drop_live_note
	assert_success
	[ -z "$stderr" ]
	run jq -c '[.changed, .writes, .error]' <<< "$output"
	assert_output "[false,[],null]"
}

@test "chzap --recover: bad input is a usage error (exit 1), nothing written" {
	zap_tree - < <(old_kernel_machine)
	write_journal "$(dead_pid)" 0
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --recover=later
	drop_live_note
	assert_failure 1
	assert_line --index 0 "chzap: invalid --recover 'later': give --recover (undo) or --recover=complete"
	assert_line --index 1 "Try 'chzap --help' for more information."
	for extra in "-m $A" "-a 5" "-n" "-p" "-P" "-f" "--auto 1x1" "--create"; do
		run chzap --recover $extra
		drop_live_note
		assert_failure 1
	done
	run chzap --recover -n
	drop_live_note
	assert_line --index 0 "chzap: --recover takes no other options than --quiet, --verbose, --json and --lock-timeout"
	run chzap --vfio --recover -d 4
	drop_live_note
	assert_line --index 0 "chzap: Only one of --create, --start, --remove, --unassign, --vfio, --host, --autostart, --ownership, --recover or --apply can be specified"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

# Start chzap "$@" in the background with attribute $1 of mdev A turned
# into a FIFO, so that its write blocks until the FIFO is read; wait until
# the journal exists (the lock is held, the writes have begun).
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

@test "chzap: SIGTERM and SIGHUP while writing: the change is finished, the lock released, no temporary file" {
	local status=0

	zap_tree - < <(old_kernel_machine)
	start_blocked assign_domain -p -m "$A" -a 6 -d 0x47
	kill -TERM "$pid"
	kill -HUP "$pid"
	sleep 0.1
	# still there, still holding the lock
	kill -0 "$pid"
	[ -e "$(lock_file)" ]
	# let the blocked write through
	[ "$(cat "$(zap_mdev_dir "$A")/assign_domain")" = 0x0047 ]
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "chzap: SIGTERM received while the configuration was being changed: the change was finished first"
	# the definition of -p written, nothing else left behind
	[ -s "$ZAP_ROOT/etc/mdevctl.d/matrix/$A" ]
	run ls -A "$ZAP_ROOT/run/lock" "$ZAP_ROOT/run/zap" "$ZAP_ROOT/etc/mdevctl.d/matrix"
	assert_output - <<-EOF
	$ZAP_ROOT/etc/mdevctl.d/matrix:
	$A

	$ZAP_ROOT/run/lock:

	$ZAP_ROOT/run/zap:
	EOF
}

@test "chzap: SIGINT while a failing change is written: rolled back first, the lock released" {
	local status=0

	zap_tree - < <(old_kernel_machine)
	rm "$(zap_mdev_dir "$A")/assign_control_domain"
	mkdir "$(zap_mdev_dir "$A")/assign_control_domain"
	rm "$(zap_mdev_dir "$A")/assign_domain"
	mkfifo "$(zap_mdev_dir "$A")/assign_domain"
	# SIGINT is ignored in background jobs unless trapped: start it with
	# the default action so that chzap can catch it
	(trap - INT; exec chzap -m "$A" -a 6 -d 0x47 -c 1) \
		> "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for ((i = 0; i < 1000; i++)); do
		[ -e "$(journal_file)" ] && break
		sleep 0.01
	done
	kill -INT "$pid"
	cat "$(zap_mdev_dir "$A")/assign_domain" > /dev/null
	wait "$pid" || status=$?
	[ "$status" -eq 4 ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --index 1 "chzap: SIGINT received while the configuration was being changed: chzap stopped after the outcome above"
	[ ! -e "$(lock_file)" ]
	[ ! -e "$(journal_file)" ]
}
