#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 46-chzap-override-crash.bats - issue 15: a chzap killed after each write
# of a driver_override switch (override, unbind, drivers_probe; spec
# driver-override.md 5.4), and of chzap --ownership overrides, leaves its
# journal: lszap --check reports the
# unfinished change (exit 3), `chzap --recover` undoes the switch (lszap
# --json as before) and `chzap --recover=complete` finishes it (as after).
# The kill is made as in 41-apsim-crash.bats: strace delivers SIGKILL at the
# entry of the (k+1)-th write() to one of the plan's sysfs files, so writes
# 1..k reach the kernel and write k+1 never does. Needs /dev/fuse, root and
# strace; skipped with the reason elsewhere.

bats_require_minimum_version 1.5.0

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
	apsim_stop
}

# A 6.19 host, both masks all ones; 06.0047 already switched to vfio_ap.
machine() {
	cat <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4,0x47
	override 06.0047 vfio_ap
	EOF
}

# A host in the masks model: domain 0x47 is vfio_ap's.
masks_machine() {
	cat <<-EOF
	kernel driver_override=yes
	bus aqmask=0-0x46,0x48-0xff
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4
	EOF
}

# reference [-m MACHINE] CHZAP-ARGS...: the change run once, unharmed:
# before.json, after.json, its writes (plan.writes, N) and their paths
# (PATHS). MACHINE defaults to machine.
reference() {
	local line

	MACHINE=machine
	if [ "$1" = -m ]; then
		MACHINE=$2
		shift 2
	fi
	PLAN=("$@")
	QUEUE=${PLAN[1]}
	apsim_start < <("$MACHINE")
	lszap_json "$T/before.json"
	run --separate-stderr chzap -n "${PLAN[@]}"
	assert_success
	PATHS=()
	for line in "${lines[@]}"; do
		PATHS+=("${line##* > }")
	done
	run -0 chzap "${PLAN[@]}"
	apsim_writes > "$T/plan.writes"
	N=$(wc -l < "$T/plan.writes")
	lszap_json "$T/after.json"
	J=$ZAP_ROOT/run/zap/journal
	apsim_stop
}

# kill_before K: a fresh machine, chzap killed before its (K+1)-th write.
kill_before() {
	local k=$1 path args=(-e trace=write -e "inject=write:signal=SIGKILL:when=$(($1 + 1))")

	apsim_start < <("$MACHINE")
	for path in "${PATHS[@]}"; do
		args+=(-P "$path")
	done
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -qq -o "$T/strace.log" "${args[@]}" chzap "${PLAN[@]}" 3>&-
	[ "$status" -eq 137 ] || fail "chzap was not killed before write $((k + 1)) (status $status)"
	run apsim_writes
	assert_output "$(head -n "$k" "$T/plan.writes")"
	[ -f "$J" ] || fail "no journal after a kill before write $((k + 1))"
	ctl reset-log
	# the journal, and the queue left half-switched, are named
	run --separate-stderr lszap --check -r -n -o KIND,APQNS
	assert_failure 3
	assert_line "unfinished-change -"
	if [[ "$QUEUE" == [0-9a-f][0-9a-f].* ]]; then
		assert_line --regexp "^(unbound|override-pending) $QUEUE\$"
	fi
}

# recover MODE (undo or complete): the state of before.json or after.json.
recover() {
	local option=--recover expect=before

	if [ "$1" = complete ]; then
		option=--recover=complete expect=after
	fi
	run --separate-stderr chzap "$option"
	[ "$status" -eq 0 ] || fail "chzap $option: exit $status: $stderr"
	run apsim_writes
	refute_output --regexp ' E[A-Z0-9]+$'
	lszap_json "$T/now.json"
	assert_same_json "$T/$expect.json" "$T/now.json"
	assert_clean_run_dirs
	run -0 lszap --check
	apsim_stop
}

@test "chzap --vfio 05.0047 killed after each of its 3 writes: --recover undoes the switch" {
	reference --vfio 05.0047
	assert_equal "$N" 3
	for k in 1 2; do
		kill_before "$k"
		recover undo
	done
}

@test "chzap --vfio 05.0047 killed after each of its 3 writes: --recover=complete finishes it" {
	reference --vfio 05.0047
	for k in 1 2; do
		kill_before "$k"
		recover complete
	done
}

@test "chzap --host 06.0047 killed after each of its 3 writes: --recover gives it back to vfio_ap" {
	reference --host 06.0047
	for k in 1 2; do
		kill_before "$k"
		recover undo
	done
}

@test "chzap --host 06.0047 killed after each of its 3 writes: --recover=complete finishes it" {
	reference --host 06.0047
	for k in 1 2; do
		kill_before "$k"
		recover complete
	done
}

@test "chzap --ownership overrides (mask, override, unbind, probe) killed after each write: --recover undoes it" {
	reference -m masks_machine --ownership overrides
	assert_equal "$N" 4
	for k in 1 2 3; do
		kill_before "$k"
		recover undo
	done
}

@test "chzap --ownership overrides killed after each write: --recover=complete finishes it" {
	reference -m masks_machine --ownership overrides
	for k in 1 2 3; do
		kill_before "$k"
		recover complete
	done
}
