#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 39-chzap-hostile-text.bats - text and paths zap did not write itself
# (issue 19 items 2 and 10): relative ZAP_ROOT/SYSFS_ROOT are made absolute
# when read, so a journal names the same files from any directory; and
# untrusted text (a journal's change, a process name) is escaped alike by
# chzap and lszap: every byte outside printable ASCII as \xNN, no escape
# sequence reaches the terminal.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	pid=
}

# A process a test started (a blocked chzap, a lock holder).
teardown() {
	if [ -n "$pid" ]; then
		{ kill -KILL "$pid" && wait "$pid"; } 2>/dev/null || true
	fi
}

# A kernel without ap_config: assignments are assign_*/unassign_* files,
# where a write leaves its value to be read. mdev A is empty.
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

# ESC [ 3 1 m, the start of a red terminal text.
ESC=$'\033'

@test "chzap: a relative ZAP_ROOT and SYSFS_ROOT are made absolute: the dry run names absolute paths" {
	local top

	zap_tree - < <(machine)
	top=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
	cd "$BATS_TEST_TMPDIR"
	ZAP_ROOT=root SYSFS_ROOT=root/sys run chzap -n -m "$A" -a 6
	assert_success
	assert_output "echo 0x06 > $top/root/sys/devices/vfio_ap/matrix/$A/assign_adapter"
}

@test "chzap: the journal of a change from relative roots names absolute paths; --recover from / restores" {
	local dir i top

	zap_tree - < <(machine)
	top=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
	dir=$top/root/sys/devices/vfio_ap/matrix/$A
	rm "$dir/assign_domain"
	mkfifo "$dir/assign_domain"
	(cd "$BATS_TEST_TMPDIR" && ZAP_ROOT=root SYSFS_ROOT=root/sys \
		exec chzap -m "$A" -a 6 -d 0x47) > /dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 1000; i++)); do
		[ -e "$(journal_file)" ] && break
		sleep 0.01
	done
	run grep -c "^write assign	$dir/assign_adapter	0x06	$dir/unassign_adapter	0x06\$" "$(journal_file)"
	assert_output 1
	# killed while its second write blocks: the first one stays made
	kill -KILL "$pid"
	wait "$pid" || true
	pid=
	[ "$(cat "$dir/assign_adapter")" = 0x06 ]
	cd /
	run chzap -q --recover
	assert_success
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
	[ ! -e "$(journal_file)" ]
}

@test "chzap and lszap escape a journal's change text alike: no escape sequence reaches the terminal" {
	local change

	zap_tree - < <(machine)
	mkdir -p "$ZAP_ROOT/run/zap"
	printf 'zap-journal 1\npid %s\nchange assign %sRED%s\n' \
		"$(dead_pid)" "$ESC[31m" "$ESC[0m" > "$(journal_file)"
	printf 'write %s\t0x06\t%s\t0x06\n' "$(zap_mdev_dir "$A")/assign_adapter" \
		"$(zap_mdev_dir "$A")/unassign_adapter" >> "$(journal_file)"
	change='assign \x1b[31mRED\x1b[0m'
	run chzap -m "$A" -a 5 -d 4
	assert_failure 3
	assert_output --partial "an unfinished change ($change) of process"
	refute_output --partial "$ESC"
	run lszap -n --check -o MESSAGE
	assert_output --partial "($change)"
	refute_output --partial "$ESC"
	run chzap --recover
	assert_success
	assert_output --partial "the unfinished change '$change' of process"
	refute_output --partial "$ESC"
}

@test "chzap on a terminal: a lock holder's process name is escaped in the waiting line" {
	local evil

	command -v script > /dev/null || skip "needs script (util-linux)"
	zap_tree - < <(machine)
	# a process whose name (/proc/PID/comm) clears the screen
	evil="$BATS_TEST_TMPDIR/${ESC}[2Jx"
	ln -s "$(command -v sleep)" "$evil"
	"$evil" 1000 &
	pid=$!
	echo "$pid" > "$(lock_file)"
	run script -qec "chzap --lock-timeout 1 --vfio -a 6" /dev/null
	assert_line --index 0 --partial "held by $pid (\x1b[2Jx)"
	refute_output --partial "$ESC"
}
