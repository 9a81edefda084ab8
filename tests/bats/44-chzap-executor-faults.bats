#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 44-chzap-executor-faults.bats - the executor against faults it cannot
# prevent (issue 19, item 3) on plain trees: a write the kernel accepts
# but that reads back a different value is in effect, so it is undone with
# the earlier writes (exit 4, "changed": false); when its undo fails too,
# the outcome says so (exit 6, "changed": true, the journal kept).
#
# LeakSanitizer cannot run under ptrace: an ASan build runs without it
# under strace (detect_leaks=0), as in 41-apsim-crash.bats.
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
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
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

# Item 4: adapters 5 and 6 with domain 0x47 are mdev A's; domain 4 is free.
hotplug_machine() {
	cat <<-EOF2
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=cca domains=1,2,4,0x47
	mdev $A adapters=5,6 domains=0x47 control=none
	EOF2
}

# chzap_paused_at_journal WHEN ARGS...: start chzap ARGS under strace,
# stopped (SIGSTOP) as its journal is put in place (the WHEN-th time, as
# strace's "when": 1, 1+), after it read the matrix and before its first
# write; wait for the first stop. CHZAP_PID is chzap's, STRACE_PID strace's.
chzap_paused_at_journal() {
	local when=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -qq -o "$T/strace.log" -P "$ZAP_ROOT/run/zap/journal" \
		-e trace=/^rename -e "inject=/^rename:signal=SIGSTOP:when=$when" \
		chzap "$@" > "$T/out" 2> "$T/err" 3>&- &
	STRACE_PID=$!
	wait_stops 1
	CHZAP_PID=$(pgrep -P "$STRACE_PID")
	[ -n "$CHZAP_PID" ] || fail "chzap is gone"
}

# wait_stops N: until chzap was stopped N times (strace's log says so).
wait_stops() {
	local i n

	for ((i = 0; i < 600; i++)); do
		n=$(grep -c 'stopped by SIGSTOP' "$T/strace.log" 2>/dev/null || true)
		[ "${n:-0}" -ge "$1" ] && return
		sleep 0.1
	done
	fail "chzap was not stopped $1 times: $(cat "$T/err")"
}

@test "lost update: a matrix an unlocked writer changes between chzap's read and its write is re-read, the plan rebuilt, the foreign change kept" {
	zap_tree - < <(hotplug_machine)
	cfg=$(zap_mdev_dir "$A")/ap_config
	control=$(cut -d, -f3 < "$cfg")
	chzap_paused_at_journal 1 -m "$A" -d 4
	# the foreign writer: a hot-unplug of adapter 6 (no lock)
	echo "$(mask 5),$(mask 71),$control" > "$cfg"
	kill -CONT "$CHZAP_PID"
	wait "$STRACE_PID" || fail "chzap failed: $(cat "$T/err")"
	[ "$(cat "$cfg")" = "$(mask 5),$(mask 4 71),$control" ] ||
		fail "ap_config is $(cat "$cfg")"
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
}

@test "lost update: a matrix changed again after the rebuild: exit 4 naming the foreign change, nothing of chzap's written" {
	zap_tree - < <(hotplug_machine)
	cfg=$(zap_mdev_dir "$A")/ap_config
	control=$(cut -d, -f3 < "$cfg")
	chzap_paused_at_journal 1+ -m "$A" -d 4
	echo "$(mask 5),$(mask 71),$control" > "$cfg"
	kill -CONT "$CHZAP_PID"
	wait_stops 2
	# the second foreign writer: a hot-unplug of domain 0x47 too
	echo "$(mask 5),$(mask),$control" > "$cfg"
	kill -CONT "$CHZAP_PID"
	st=0
	wait "$STRACE_PID" || st=$?
	[ "$st" -eq 4 ] || fail "exit $st: $(cat "$T/err")"
	run cat "$T/err"
	assert_output "chzap: another writer changed $cfg since it was read (now adapters '0x5', domains '', control domains ''): not written, 0 earlier writes undone"
	[ "$(cat "$cfg")" = "$(mask 5),$(mask),$control" ]
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
}
