#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-lock.bats - the s390-tools AP configuration lock
# ($ZAP_ROOT/run/lock/s390apconfig.lock): a lock held by a live process
# (exit 5 after --lock-timeout or a signal, nothing written, no temporary
# file left), a change checked again under the lock, a stale lock of a dead
# process taken over, the lock released after a change, and two chzap
# processes racing for the same APQN (run 20 times): exactly one succeeds,
# the other is refused, and no APQN is ever shared.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

# Two empty mdevs on a kernel with ap_config (the default generation): the
# ap_config one chzap writes is what the next chzap reads. 05.0047 and
# 06.0047 are vfio_ap's.
race_machine() {
	cat <<-EOF
	bus aqmask=0-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,0x47
	adapter 6 hwtype=14 mode=cca domains=1,0x47
	mdev $A adapters=none domains=none control=none
	mdev $B adapters=none domains=none control=none
	EOF
}

@test "chzap: a lock held by a live process: exit 5 after --lock-timeout, nothing written" {
	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 1 -m "$A" -a 5 -d 0x47
	assert_failure 5
	assert_output "chzap: AP configuration lock $(lock_file) is held by process $$ (waited 1 s)"
	# the lock is untouched, and no temporary file is left beside it
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: a held lock with --lock-timeout 0: exit 5 at the first try" {
	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 0 --vfio -d 1
	assert_failure 5
	assert_output --partial "is held by process $$"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: a held lock stops every mode that writes" {
	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 0 --host -d 0x47
	assert_failure 5
	run chzap --lock-timeout 0 --remove -m "$A"
	assert_failure 5
	run chzap --lock-timeout 0 --create
	assert_failure 5
	assert_output --partial "is held by process $$"
	run chzap --lock-timeout 0 -u -m "$A" -c 1
	assert_success
	assert_output --partial "already in the requested state"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: SIGTERM while waiting for the lock: exit 5, nothing written" {
	local pid i status=0

	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	chzap --lock-timeout 60 --host -d 0x47 > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	# wait until it waits in the library's lock loop (ppoll)
	for ((i = 0; i < 1000; i++)); do
		grep -q poll "/proc/$pid/wchan" 2>/dev/null && break
		sleep 0.01
	done
	kill -TERM "$pid"
	wait "$pid" || status=$?
	[ "$status" -eq 5 ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "interrupted by SIGTERM while waiting"
	# no temporary file of the lock is left, nothing else changed
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --dry-run takes no lock" {
	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 0 -n -m "$A" -a 5 -d 0x47
	assert_success
	assert_output "echo $(mask 5),$(mask 71),$(mask) > $(zap_mdev_dir "$A")/ap_config"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: a refusal needs no lock: exit 3 at once while the lock is held" {
	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 0 -m "$A" -a 5 -d 1
	assert_failure 3
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: the change is checked again under the lock: refused when another wrote meanwhile" {
	local pid i status=0

	zap_tree - < <(race_machine)
	echo $$ > "$(lock_file)"
	chzap --lock-timeout 60 -m "$A" -a 5 -d 0x47 \
		> "$BATS_TEST_TMPDIR/a.out" 2>&1 &
	pid=$!
	# it has passed its first check when it waits for the lock: the
	# library's lock loop sleeps in ppoll() between tries
	for ((i = 0; i < 1000; i++)); do
		grep -q poll "/proc/$pid/wchan" 2>/dev/null && break
		sleep 0.01
	done
	# another tool gives 05.0047 to mdev B, then releases the lock
	echo "$(mask 5),$(mask 71),$(mask)" > "$(zap_mdev_dir "$B")/ap_config"
	rm "$(lock_file)"
	wait "$pid" || status=$?
	[ "$status" -eq 3 ]
	run cat "$BATS_TEST_TMPDIR/a.out"
	assert_output "chzap: mdev $A would share APQNs with mdev $B: 05.0047"
	[ "$(cat "$(zap_mdev_dir "$A")/ap_config")" = "$(mask),$(mask),$(mask)" ]
}

@test "chzap: a stale lock of a dead process is taken over, the change made" {
	zap_tree - < <(race_machine)
	dead_pid > "$(lock_file)"
	run chzap --lock-timeout 1 -m "$A" -a 5 -d 0x47
	assert_success
	[ "$(cat "$(zap_mdev_dir "$A")/ap_config")" = "$(mask 5),$(mask 71),$(mask)" ]
	[ ! -e "$(lock_file)" ]
}

@test "chzap: the lock is released after the change, no file left in run/lock" {
	zap_tree - < <(race_machine)
	run chzap --vfio -a 6
	assert_success
	run ls -A "$ZAP_ROOT/run/lock"
	assert_output ""
}

@test "chzap: the lock is released after a failed write" {
	zap_tree - < <(race_machine)
	# readable through the link, refused for writing (ELOOP)
	mv "$(zap_mdev_dir "$A")/ap_config" "$R/ap_config.real"
	ln -s "$R/ap_config.real" "$(zap_mdev_dir "$A")/ap_config"
	run chzap -m "$A" -a 5 -d 0x47
	assert_failure 4
	run chzap --vfio -a 5
	assert_success
	run ls -A "$ZAP_ROOT/run/lock"
	assert_output ""
}

@test "chzap: two at once give one APQN to two mdevs: one wins, one is refused (20 runs)" {
	local i pa pb sa sb winner loser

	for ((i = 0; i < 20; i++)); do
		zap_tree - < <(race_machine)
		chzap --lock-timeout 60 -m "$A" -a 5 -d 0x47 \
			> "$BATS_TEST_TMPDIR/a.out" 2>&1 &
		pa=$!
		chzap --lock-timeout 60 -m "$B" -a 5,6 -d 0x47 \
			> "$BATS_TEST_TMPDIR/b.out" 2>&1 &
		pb=$!
		sa=0
		wait "$pa" || sa=$?
		sb=0
		wait "$pb" || sb=$?
		if [ "$sa" -eq 0 ] && [ "$sb" -eq 3 ]; then
			winner=$A loser=$B
		elif [ "$sa" -eq 3 ] && [ "$sb" -eq 0 ]; then
			winner=$B loser=$A
		else
			echo "run $i: exit codes $sa and $sb, expected 0 and 3"
			cat "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out"
			return 1
		fi
		# the loser names the winner and the contended APQN
		grep -q "would share APQNs with mdev $winner: 05.0047" \
			"$BATS_TEST_TMPDIR/$([ "$loser" = "$A" ] && echo a || echo b).out"
		# the loser's matrix is untouched: no APQN is shared
		[ "$(cat "$(zap_mdev_dir "$loser")/ap_config")" = "$(mask),$(mask),$(mask)" ]
		if [ "$winner" = "$A" ]; then
			[ "$(cat "$(zap_mdev_dir "$A")/ap_config")" = "$(mask 5),$(mask 71),$(mask)" ]
		else
			[ "$(cat "$(zap_mdev_dir "$B")/ap_config")" = "$(mask 5 6),$(mask 71),$(mask)" ]
		fi
		[ ! -e "$(lock_file)" ]
	done
}
