#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 41-apsim-crash.bats - crash consistency of chzap on apsim (issue 8): a
# chzap killed with SIGKILL in the middle of a multi-write plan cannot undo
# itself; its journal ($ZAP_ROOT/run/zap/journal) must let `lszap --check`
# report it (unfinished-change, exit 3), make every other change wait for
# it (exit 3), and let `chzap --recover` undo it (lszap --json equals the
# state before) or `chzap --recover=complete` finish it (the state after).
#
# How chzap is killed at an exact point: apsim's `fail PATH ERRNO` makes a
# write fail, and chzap then undoes its writes itself, which is not a crash.
# A SIGKILL must land between two of chzap's system calls, so chzap runs
# under strace, whose syscall tampering delivers SIGKILL at the entry of the
# N-th system call that matches a filter:
#   -P PATH -e inject=write:signal=SIGKILL:when=N
# -P restricts the count to calls on those paths (strace resolves the file
# descriptor of write() and close() to its path). Signalled at a
# syscall-entry stop, the kernel sees the fatal signal before it runs the
# call, so that call is never made. Three kill points, for every k of the
# plan:
#   before k     at the (k+1)-th write() to one of the plan's sysfs files
#                (their paths from chzap -n): writes 1..k made and recorded
#   unrecorded k at the k-th write() to the journal (its "done" line for
#                write k): write k made, the journal does not know it
#   recorded k   at the k-th close() of the journal: writes 1..k made and
#                recorded (used for k = N: all written, journal not removed)
# and, before any write, at the rename() that puts the journal in place.
# Each kill is then verified, not assumed: apsim's write log must hold
# exactly the plan's first k writes and the journal the expected "done"
# lines. Needs /dev/fuse, root and strace; skipped with the reason elsewhere.

bats_require_minimum_version 1.5.0

U=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002

setup() {
	load helper
	zap_common_setup
	load apsim
	command -v jq >/dev/null || fail "jq is not installed (make deps)"
	command -v strace >/dev/null || skip "no strace: the kill points need it"
	strace -qq -o /dev/null true 2>/dev/null ||
		skip "strace cannot trace here (ptrace not permitted)"
	T=$BATS_TEST_TMPDIR
}

teardown() {
	# no temporary file of the lock is ever left behind
	if [ -n "${ZAP_ROOT:-}" ]; then
		assert_no_lock_temp
	fi
	apsim_stop
}

# A kernel without ap_config (assign_* writes): domains 4, 0x47 and 0x48
# belong to vfio_ap; mdev B holds 05.0004 and 05.0047 with control domain 1.
old_machine() {
	cat <<-EOF
	kernel ap_config=no matrix_features=no
	bus aqmask=0-3,5-70,73-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47,0x48
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47,0x48
	mdev $B adapters=5 domains=4,0x47 control=1
	EOF
}

# The newest kernel, everything the host's but domain 0x47.
new_machine() {
	cat <<-EOF
	bus aqmask=0-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	EOF
}

# plan_reference MACHINE-FUNCTION CHANGE CHZAP-ARGS...: run the change
# once, unharmed, on a fresh apsim: $T/before.json, $T/after.json, the
# writes it makes ($T/plan.writes, N of them), their sysfs paths
# (PLAN_PATHS, from chzap -n) and the change's name in the journal (CHANGE).
plan_reference() {
	local line planned

	MACHINE=$1 CHANGE=$2
	shift 2
	PLAN=("$@")
	apsim_start < <("$MACHINE")
	lszap_json "$T/before.json"
	# -q: only the write lines, not the owner changes' comment
	run --separate-stderr chzap -q -n "${PLAN[@]}"
	assert_success
	PLAN_PATHS=()
	for line in "${lines[@]}"; do
		[[ "$line" == "echo "*" > "* ]] || continue
		PLAN_PATHS+=("${line##* > }")
	done
	planned=${#lines[@]}
	run --separate-stderr chzap "${PLAN[@]}"
	assert_success
	apsim_writes > "$T/plan.writes"
	N=$(wc -l < "$T/plan.writes")
	[ "$N" -eq "$planned" ] ||
		fail "chzap -n planned $planned writes, chzap made $N"
	[ "$N" -ge 2 ] || fail "not a multi-write plan: $N writes"
	grep -qv ' 0$' "$T/plan.writes" && fail "a write of the plan failed"
	lszap_json "$T/after.json"
	J=$ZAP_ROOT/run/zap/journal
	apsim_stop
}

# crash POINT K: start the plan's machine afresh, run the change under
# strace and kill it at POINT K (see the header); check that it died there.
crash() {
	local point=$1 k=$2 made=$2 recorded=$2 path args=()

	apsim_start < <("$MACHINE")
	case $point in
	before)
		args=(-e trace=write -e "inject=write:signal=SIGKILL:when=$((k + 1))")
		for path in "${PLAN_PATHS[@]}"; do
			args+=(-P "$path")
		done
		;;
	unrecorded)
		args=(-P "$J" -e trace=write -e "inject=write:signal=SIGKILL:when=$k")
		recorded=$((k - 1))
		;;
	recorded)
		args=(-P "$J" -e trace=close -e "inject=close:signal=SIGKILL:when=$k")
		;;
	esac
	# (LeakSanitizer of an ASan build would ptrace too: it is not needed,
	# chzap is killed)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -qq -o "$T/strace.log" "${args[@]}" chzap "${PLAN[@]}" 3>&-
	[ "$status" -eq 137 ] ||
		fail "chzap was not killed at $point $k (status $status): $output"
	# exactly the plan's first k writes reached the kernel
	run apsim_writes
	assert_output "$(head -n "$made" "$T/plan.writes")"
	# the journal of the dead process records what it should
	[ -f "$J" ] || fail "no journal after a kill at $point $k"
	PID=$(sed -n 's/^pid //p' "$J")
	assert_equal "$(grep -c '^done ' "$J")" "$recorded"
	assert_equal "$(grep -c '^write ' "$J")" "$N"
	! kill -0 "$PID" 2>/dev/null || fail "process $PID of the journal still runs"
	# its lock is stale, and no temporary file of it is left
	# (its first line: chzap adds its start time on a second one)
	assert_equal "$(head -n 1 "$ZAP_ROOT/run/lock/s390apconfig.lock")" "$PID"
	assert_no_lock_temp
	RECORDED=$recorded
	ctl reset-log
}

# assert_unfinished: lszap --check reports the unfinished change (exit 3)
# and no other error (the not-persistent warnings of the half change
# aside); any other change is refused (exit 3), nothing written.
assert_unfinished() {
	run --separate-stderr lszap --check
	assert_failure 3
	drop_not_persistent
	assert_line --index 1 --partial "unfinished-change"
	assert_equal "${#lines[@]}" 2
	run --separate-stderr lszap --check --json
	assert_failure 3
	assert_equal "$(jq -r '[.problems[] | select(.severity == "error") | .kind] | join(",")' <<< "$output")" unfinished-change
	assert_equal "$(jq -r '.problems[0].message' <<< "$output")" \
		"process $PID died during a change ($CHANGE): $RECORDED of $N writes made (run 'chzap --recover' to undo it)"
	run --separate-stderr chzap --vfio -d 1
	assert_failure 3
	assert_equal "$stderr" "chzap: an unfinished change ($CHANGE) of process $PID is recorded in $J: run 'chzap --recover' to undo it, or 'chzap --recover=complete'"
	run --separate-stderr chzap -n --vfio -d 1
	assert_failure 3
	assert_no_writes
}

# recovery_lines_ok BEFORE-MDEVS: chzap --recover's stdout ($output) names
# each write apsim received, in order, as "echo VALUE > PATH"; a line apsim
# did not receive may only be a write into an mdev that did not exist
# before the recovery (the undo of a create that was never made: "a
# device that is gone needs no undo").
recovery_lines_ok() {
	local before=$1 line path value result i=0 got=()

	while read -r path value result; do
		got+=("echo ${value%\\n} > $S/$path")
	done < <(apsim_writes)
	for line in "${lines[@]}"; do
		if [ "$i" -lt "${#got[@]}" ] && [ "$line" = "${got[i]}" ]; then
			i=$((i + 1))
			continue
		fi
		[[ "$line" =~ ^echo\ [^\ ]+\ \>\ $M/([0-9a-f-]{36})/ ]] ||
			fail "chzap --recover printed '$line', apsim did not receive it"
		[[ " $before " != *" ${BASH_REMATCH[1]} "* ]] ||
			fail "chzap --recover printed '$line', apsim did not receive it"
	done
	[ "$i" -eq "${#got[@]}" ] ||
		fail "apsim received '${got[i]}', chzap --recover did not print it"
}

# recover MODE: chzap --recover (MODE undo) or --recover=complete brings
# the state of before.json or after.json; it prints what it writes and
# names the change; nothing is left in run/.
recover() {
	local expect=before did=undone option=--recover before n

	if [ "$1" = complete ]; then
		option=--recover=complete expect=after did=completed
	fi
	before=$(ls "$M" | tr '\n' ' ')
	run --separate-stderr chzap "$option"
	assert_success
	recovery_lines_ok "$before"
	n=${#lines[@]}
	assert_equal "$stderr" "chzap: the unfinished change '$CHANGE' of process $PID ($RECORDED of $N writes made) is $did: $n write$([ "$n" -eq 1 ] || echo s)"
	# every write of the recovery was taken
	run apsim_writes
	refute_output --regexp ' E[A-Z0-9]+$'
	lszap_json "$T/now.json"
	assert_same_json "$T/$expect.json" "$T/now.json"
	assert_clean_run_dirs
	run lszap --check
	assert_success
	# and chzap works again
	run --separate-stderr chzap -n --vfio -d 2
	assert_success
}

# every_kill MODE: for every kill point of the plan, crash, check, recover.
every_kill() {
	local mode=$1 k

	for ((k = 0; k < N; k++)); do
		crash before "$k"
		assert_unfinished
		recover "$mode"
	done
	for ((k = 1; k <= N; k++)); do
		crash unrecorded "$k"
		assert_unfinished
		recover "$mode"
	done
	crash recorded "$N"
	assert_unfinished
	recover "$mode"
}

@test "chzap --create (create + 5 assign_* writes) killed after every write: --recover undoes it" {
	plan_reference old_machine "create $U" --create -m "$U" -a 6 -d 4,0x47,0x48 -c 4
	assert_equal "$N" 6
	every_kill undo
}

@test "chzap --create killed after every write: --recover=complete finishes it" {
	plan_reference old_machine "create $U" --create -m "$U" -a 6 -d 4,0x47,0x48 -c 4
	every_kill complete
}

@test "chzap -u (3 unassign_* writes) killed after every write: --recover assigns back" {
	plan_reference old_machine "unassign $B" -u -m "$B" -a 5 -d 4 -c 1
	assert_equal "$N" 3
	every_kill undo
}

@test "chzap -u killed after every write: --recover=complete finishes it" {
	plan_reference old_machine "unassign $B" -u -m "$B" -a 5 -d 4 -c 1
	every_kill complete
}

@test "chzap --vfio (apmask + aqmask) killed after every write: --recover restores the masks and drivers" {
	plan_reference new_machine "to-vfio -" --vfio -a 6 -d 2
	assert_equal "$N" 2
	every_kill undo
}

@test "chzap --vfio killed after every write: --recover=complete finishes it" {
	plan_reference new_machine "to-vfio -" --vfio -a 6 -d 2
	every_kill complete
}

@test "chzap --recover with nothing to recover: exit 0, nothing written" {
	apsim_start < <(new_machine)
	lszap_json "$T/before.json"
	run --separate-stderr chzap --recover
	assert_success
	assert_no_writes
	run --separate-stderr chzap --recover=complete
	assert_success
	assert_no_writes
	lszap_json "$T/now.json"
	assert_same_json "$T/before.json" "$T/now.json"
	assert_clean_run_dirs
}

@test "chzap --recover leaves the change of a running chzap alone (exit 3)" {
	local sleeper

	apsim_start < <(old_machine)
	sleep 60 3>&- &
	sleeper=$!
	mkdir -p "$ZAP_ROOT/run/zap"
	printf 'zap-journal 1\npid %d\nchange unassign %s\nwrite %s\t%s\t%s\t%s\n' \
		"$sleeper" "$B" "$M/$B/unassign_adapter" 0x05 \
		"$M/$B/assign_adapter" 0x05 > "$ZAP_ROOT/run/zap/journal"
	# a change in progress is no problem for lszap
	run lszap --check
	kill "$sleeper"
	wait "$sleeper" || true
	assert_success
	sleep 60 3>&- &
	sleeper=$!
	sed -i "s/^pid .*/pid $sleeper/" "$ZAP_ROOT/run/zap/journal"
	run --separate-stderr chzap --recover
	kill "$sleeper"
	wait "$sleeper" || true
	assert_failure 3
	assert_no_writes
	[ -f "$ZAP_ROOT/run/zap/journal" ] || fail "the journal of a live process was removed"
	rm "$ZAP_ROOT/run/zap/journal"
}

@test "a rollback refused by the kernel (exit 6) keeps the journal: --recover finishes the undo" {
	local dir=devices/vfio_ap/matrix/$B

	apsim_start < <(old_machine)
	lszap_json "$T/before.json"
	ctl "fail $dir/assign_control_domain EAGAIN"
	ctl "fail $dir/unassign_adapter EBUSY"
	run --separate-stderr chzap -m "$B" -a 6 -c 2
	assert_failure 6
	assert_state_mdev "$B" "5 6" "4 71" 1 no
	run lszap --check
	assert_failure 3
	assert_output --partial "unfinished-change"
	ctl reset-log
	run --separate-stderr chzap --recover
	assert_success
	assert_state_mdev "$B" 5 "4 71" 1 no
	lszap_json "$T/now.json"
	assert_same_json "$T/before.json" "$T/now.json"
	assert_clean_run_dirs
}

# kill_before_journal: chzap --vfio -d 2 killed at the rename() that puts
# its journal in place (the temporary journal.PID is complete), before any
# sysfs write.
kill_before_journal() {
	apsim_start < <(new_machine)
	lszap_json "$T/before.json"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -qq -o "$T/strace.log" -e trace=/^rename \
		-e 'inject=/^rename:signal=SIGKILL:when=1' chzap --vfio -d 2 3>&-
	[ "$status" -eq 137 ] || fail "chzap was not killed (status $status): $output"
	grep -q "^rename.*\"$ZAP_ROOT/run/zap/journal\".* = ?" "$T/strace.log" ||
		fail "not killed at the journal's rename: $(cat "$T/strace.log")"
}

@test "chzap killed before its journal is in place: nothing written, no unfinished change, the next change works" {
	kill_before_journal
	assert_no_writes
	[ ! -e "$ZAP_ROOT/run/zap/journal" ] || fail "a journal without a write"
	run lszap --check
	assert_success
	lszap_json "$T/now.json"
	assert_same_json "$T/before.json" "$T/now.json"
	# the dead process's lock is taken over
	run --separate-stderr chzap --vfio -d 2
	assert_success
	assert_output "2 queues host -> vfio: 05.0002 06.0002"
	assert_no_lock_temp
}

@test "regression: the temporary journal of a chzap killed before its rename is never removed" {
	kill_before_journal
	run --separate-stderr chzap --recover
	assert_success
	run --separate-stderr chzap --vfio -d 2
	assert_success
	assert_clean_run_dirs
}
