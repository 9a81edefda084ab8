#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 45-chzap-auto-parallel.bats - parallel provisioning (issue 19, item 12):
# eight `chzap --create --auto 1x1` at once (Ansible forks) all succeed
# while free APQNs remain, because each run chooses its block again under
# the AP configuration lock, on the configuration the runs before it left;
# a run that finds no block left then is refused (exit 3) naming the
# largest blocks. Persistent (-P: mdevctl definitions, a plain tree) and
# live (apsim).

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	T=$BATS_TEST_TMPDIR
}

teardown() {
	if [ -n "${APSIM_MOUNTED:-}" ]; then
		apsim_stop
	fi
}

# Adapters 5 and 6 (CEX8C, CCA) with domains 1-4, which are vfio_ap's: 8
# free APQNs.
machine() {
	cat <<-EOF
	bus aqmask=0,5-255
	adapter 5 hwtype=14 mode=cca domains=1,2,3,4
	adapter 6 hwtype=14 mode=cca domains=1,2,3,4
	EOF
}

# uuid I: the UUID of the I-th parallel run.
uuid() {
	printf '%08x-0000-4000-8000-%012x\n' "$1" "$1"
}

# parallel_create N ARGS...: N chzap --create --auto 1x1 ARGS -m UUID at
# once; their exit codes in $T/rc.I, stderr in $T/err.I.
parallel_create() {
	local n=$1 i pids=()
	shift
	for ((i = 1; i <= n; i++)); do
		( chzap "$@" --create --auto 1x1 -m "$(uuid "$i")" \
			> "$T/out.$i" 2> "$T/err.$i" 3>&-
		  echo $? > "$T/rc.$i" ) &
		pids+=($!)
	done
	wait "${pids[@]}"
}

# assert_all_succeeded N: every run exited 0.
assert_all_succeeded() {
	local i

	for ((i = 1; i <= $1; i++)); do
		[ "$(cat "$T/rc.$i")" -eq 0 ] ||
			fail "run $i: exit $(cat "$T/rc.$i"): $(cat "$T/err.$i")"
	done
}

@test "eight parallel chzap -P --create --auto 1x1: all succeed, eight distinct APQNs, the audit is clean" {
	zap_tree - < <(machine)
	parallel_create 8 -P
	assert_all_succeeded 8
	run lszap -r -n -M -o ADAPTERS,DOMAINS
	assert_success
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 8 ] ||
		fail "not 8 distinct blocks: $output"
	run lszap --check
	assert_success
	# none left: the ninth is refused, naming what there is
	run chzap -P --create --auto 1x1 -m "$(uuid 9)"
	assert_failure 3
	assert_output "chzap: no free block of 1 adapter x 1 domain; there is no free APQN to choose from"
}

@test "eight parallel chzap --create --auto 1x1 on apsim: all succeed, eight mdevs of one APQN each, the audit is clean" {
	load apsim
	apsim_start < <(machine)
	parallel_create 8
	assert_all_succeeded 8
	run lszap -r -n -M -o ADAPTERS,DOMAINS
	assert_success
	[ "${#lines[@]}" -eq 8 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 8 ] ||
		fail "not 8 distinct blocks: $output"
	run lszap --check
	assert_success
}
