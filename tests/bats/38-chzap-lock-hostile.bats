#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 38-chzap-lock-hostile.bats - the AP configuration lock against what a
# host leaves lying around (issue 19 items 5, 6, 9, lock parts; issue 18):
# a lock whose PID now names another process (zap records the start time;
# a lock without one keeps util_lockfile's rules), temporary files of dead
# processes, a shared run/lock of mode 1777, a change attempted without
# root (exit 4, "needs root", no temporary file named, nothing written),
# and the one "waiting for the AP configuration lock held by PID (NAME)…"
# line on a terminal.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	holder=
}

# The live process a test started to hold the lock.
teardown() {
	if [ -n "$holder" ]; then
		{ kill -KILL "$holder" && wait "$holder"; } 2>/dev/null || true
	fi
}

# Two adapters, an empty mdev A on a kernel with ap_config; 05.0047 and
# 06.0047 are vfio_ap's.
machine() {
	cat <<-EOF
	bus aqmask=0-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,0x47
	adapter 6 hwtype=14 mode=cca domains=1,0x47
	mdev $A adapters=none domains=none control=none
	EOF
}

# Start a live process that is not chzap (sleep); its PID in $holder.
start_holder() {
	sleep 1000 &
	holder=$!
}

# Let user nobody reach the fixture tree and the tools (directories only).
open_tree_to_nobody() {
	local d=$BATS_TEST_TMPDIR

	while [ "$d" != / ]; do
		find "$d" -maxdepth 0 ! -perm -o+x -exec chmod o+x {} +
		d=$(dirname "$d")
	done
}

# Start "chzap -m A -a 5 -d 0x47" in the background (PID in $pid, output
# in $BATS_TEST_TMPDIR/out) on a kernel without ap_config whose mdev A has
# a FIFO as assign_domain, so that its write blocks with the lock held;
# return once the journal exists.
start_blocked_change() {
	local f i

	zap_tree - <<-EOF
	kernel ap_config=no
	bus aqmask=0-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,0x47
	mdev $A adapters=none domains=none control=none
	EOF
	f=$(zap_mdev_dir "$A")/assign_domain
	rm "$f"
	mkfifo "$f"
	chzap -m "$A" -a 5 -d 0x47 > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	holder=$pid
	for ((i = 0; i < 1000; i++)); do
		[ -e "$ZAP_ROOT/run/zap/journal" ] && return 0
		sleep 0.01
	done
	echo "chzap never started writing"
	return 1
}

# chzap ARGS as user nobody.
# chzap as user nobody; its audit record goes to a file nobody may append to.
chzap_as_nobody() {
	local log=$BATS_TEST_TMPDIR/audit-nobody.log

	: > "$log"
	chmod 0666 "$log"
	ZAP_LOG_FILE=$log setpriv --reuid=65534 --regid=65534 --clear-groups \
		chzap "$@"
}

@test "chzap: a lock whose PID now names another process (start time differs) is taken over at once" {
	zap_tree - < <(machine)
	start_holder
	# what a killed chzap left, its PID since reused by an unrelated process
	printf '%s\nstart 1\n' "$holder" > "$(lock_file)"
	run chzap --lock-timeout 0 -m "$A" -a 5 -d 0x47
	assert_success
	[ "$(ap_config "$A")" = "$(mask 5),$(mask 71),$(mask)" ]
	[ ! -e "$(lock_file)" ]
}

@test "chzap: a lock without a start time (util_lockfile's) and a live PID stays busy: exit 5" {
	zap_tree - < <(machine)
	start_holder
	echo "$holder" > "$(lock_file)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --lock-timeout 0 -m "$A" -a 5 -d 0x47
	assert_failure 5
	assert_output "chzap: AP configuration lock $(lock_file) is held by process $holder (waited 0 s)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: the lock records its holder's PID, then its start time (40 bytes at most)" {
	start_blocked_change
	run cat "$(lock_file)"
	assert_line --index 0 "$pid"
	assert_line --index 1 --regexp '^start [1-9][0-9]*$'
	[ "$(stat -c %s "$(lock_file)")" -lt 40 ]
	cat "$(zap_mdev_dir "$A")/assign_domain" > /dev/null
	wait "$pid"
	[ ! -e "$(lock_file)" ]
}

@test "chzap: temporary lock files of dead processes are removed under the lock; a live one's stays" {
	local dead live

	zap_tree - < <(machine)
	start_holder
	dead=$(dead_pid)
	printf '%s\n' "$dead" > "$(lock_file)$(printf '%05d' "$dead")ab"
	printf '%s\n' "$holder" > "$(lock_file)$(printf '%05d' "$holder")cd"
	run chzap --vfio -a 6
	assert_success
	run ls -A "$ZAP_ROOT/run/lock"
	assert_output "s390apconfig.lock$(printf '%05d' "$holder")cd"
}

@test "chzap: a shared run/lock (mode 1777) keeps its mode and owner" {
	zap_tree - < <(machine)
	chmod 1777 "$ZAP_ROOT/run/lock"
	run chzap --vfio -a 6
	assert_success
	[ "$(stat -c '%a %U' "$ZAP_ROOT/run/lock")" = "1777 root" ] ||
		[ "$(stat -c '%a %u' "$ZAP_ROOT/run/lock")" = "1777 $(id -u)" ]
	run ls -A "$ZAP_ROOT/run/lock"
	assert_output ""
}

@test "chzap without root: root is needed, exit 4, no temporary file named, nothing written" {
	[ "$(id -u)" -eq 0 ] || skip "runs chzap as user nobody: needs root"
	command -v setpriv > /dev/null || skip "needs setpriv"
	zap_tree - < <(machine)
	open_tree_to_nobody
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap_as_nobody -m "$A" -a 5 -d 0x47
	assert_failure 4
	assert_output - <<-EOF
	chzap: cannot take the AP configuration lock $(lock_file): no permission to create a file in $ZAP_ROOT/run/lock
	chzap: changing the AP configuration needs root
	EOF
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap without root where run/lock and run/zap are 1777: refused for run/zap's mode (exit 3), nothing written" {
	[ "$(id -u)" -eq 0 ] || skip "runs chzap as user nobody: needs root"
	command -v setpriv > /dev/null || skip "needs setpriv"
	zap_tree - < <(machine)
	mkdir -p "$ZAP_ROOT/run/zap"
	chmod 1777 "$ZAP_ROOT/run/lock" "$ZAP_ROOT/run/zap"
	open_tree_to_nobody
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap_as_nobody -m "$A" -a 5 -d 0x47
	# issue 19: zap's own run/zap must be private (run/lock may be 1777)
	assert_failure 3
	assert_output "chzap: refusing to write the journal: $ZAP_ROOT/run/zap is group- or world-writable (mode 1777)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap on a terminal: waiting for the lock prints once who holds it" {
	command -v script > /dev/null || skip "needs script (util-linux)"
	zap_tree - < <(machine)
	start_holder
	echo "$holder" > "$(lock_file)"
	run script -qec "chzap --lock-timeout 1 --vfio -a 6" /dev/null
	output=${output//$'\r'/}
	assert_output - <<-EOF
	chzap: waiting for the AP configuration lock held by $holder (sleep)…
	chzap: AP configuration lock $(lock_file) is held by process $holder (waited 1 s)
	EOF
	# not on a pipe, nor with -q
	run chzap --lock-timeout 1 --vfio -a 6
	refute_output --partial "waiting for"
	run script -qec "chzap -q --lock-timeout 1 --vfio -a 6" /dev/null
	refute_output --partial "waiting for"
}
