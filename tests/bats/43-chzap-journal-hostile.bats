#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 43-chzap-journal-hostile.bats - the journal against PID reuse, planted
# files and hostile contents (issue 19, items 5 to 7), on plain trees: the
# journal records its writer's start time and a PID that now names a
# process started at another time is a dead run's; a change never replaces
# an existing journal; the temporary journal is never opened through a
# symlink and run/zap must be root's and private; recovery writes only the
# AP attributes a plan can contain.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	T=$BATS_TEST_TMPDIR
}

teardown() {
	if [ -n "${SLEEPER:-}" ]; then
		kill "$SLEEPER" 2>/dev/null || true
		wait "$SLEEPER" 2>/dev/null || true
	fi
}

# A kernel without ap_config: 05.0004 05.0047 06.0004 06.0047 are vfio_ap's;
# mdev A is empty.
old_kernel_machine() {
	cat <<-EOF
	kernel ap_config=no
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	EOF
}

# journal_file: the journal of the tree.
journal_file() {
	echo "$ZAP_ROOT/run/zap/journal"
}

# write_journal PID START: the journal of "chzap -m A -a 6" by process PID
# with start time START ("" for none), write 0 done.
write_journal() {
	local dir

	dir=$(zap_mdev_dir "$A")
	mkdir -p "$ZAP_ROOT/run/zap"
	{
		printf 'zap-journal 2\npid %s\n' "$1"
		[ -z "$2" ] || printf 'start %s\n' "$2"
		printf 'change assign %s\n' "$A"
		printf 'write assign\t%s\t%s\t%s\t%s\n' \
			"$dir/assign_adapter" 0x06 "$dir/unassign_adapter" 0x06
		printf 'done 0\n'
	} > "$(journal_file)"
}

# start_sleeper: a live process that is not chzap (SLEEPER, its PID).
start_sleeper() {
	sleep 1000 3>&- &
	SLEEPER=$!
}

@test "a journal whose PID now names a process started at another time is a dead run's: --check reports it, --recover undoes it" {
	zap_tree - < <(old_kernel_machine)
	start_sleeper
	write_journal "$SLEEPER" 1
	run lszap --check
	assert_failure 3
	assert_output --partial "unfinished-change"
	run --separate-stderr chzap --recover
	assert_success
	[ "$(cat "$(zap_mdev_dir "$A")/unassign_adapter")" = 0x06 ]
	[ ! -e "$(journal_file)" ]
}

@test "a journal of a live process with its own start time stays that process's: --recover refuses it" {
	zap_tree - < <(old_kernel_machine)
	start_sleeper
	write_journal "$SLEEPER" "$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$SLEEPER/stat")"
	zap_snapshot "$T/before"
	run chzap --recover
	assert_failure 3
	assert_output --partial "belongs to process $SLEEPER, which still runs"
	zap_assert_unchanged "$T/before"
}

@test "the journal chzap writes records its PID and its start time" {
	zap_tree - < <(old_kernel_machine)
	command -v strace >/dev/null || skip "no strace"
	# kill chzap as it removes its journal: the journal is complete then
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -qq -o /dev/null -e trace=unlink -e inject=unlink:signal=SIGKILL:when=1 \
		-P "$(journal_file)" chzap -m "$A" -a 6
	[ "$status" -eq 137 ] || skip "strace cannot stop chzap here: $output"
	pid=$(sed -n 's/^pid //p' "$(journal_file)")
	start=$(sed -n 's/^start //p' "$(journal_file)")
	[ -n "$pid" ]
	[[ "$start" =~ ^[1-9][0-9]*$ ]] || fail "no start time: $(cat "$(journal_file)")"
}

@test "a change never replaces an existing journal: exit 3, the journal and sysfs unchanged" {
	zap_tree - < <(old_kernel_machine)
	start_sleeper
	# a journal of a live process (no start time: util_lockfile's rule)
	write_journal "$SLEEPER" ""
	cp "$(journal_file)" "$T/journal.before"
	zap_snapshot "$T/before"
	run chzap -m "$A" -a 5
	assert_failure 3
	assert_output --partial "$(journal_file) exists: an unfinished change"
	cmp "$T/journal.before" "$(journal_file)"
	zap_assert_unchanged "$T/before"
}

@test "a symlink planted at run/zap/journal.PID is not followed: the file outside stays, the change is made" {
	zap_tree - < <(old_kernel_machine)
	mkdir -p "$ZAP_ROOT/run/zap"
	chmod 0700 "$ZAP_ROOT/run/zap"
	echo precious > "$T/outside"
	# exec keeps the PID: the link is journal.<chzap's PID>
	run bash -c 'ln -s "$1" "$2.$$" && exec chzap -m "$3" -a 6' _ \
		"$T/outside" "$(journal_file)" "$A"
	assert_success
	[ "$(cat "$T/outside")" = precious ]
	[ "$(cat "$(zap_mdev_dir "$A")/assign_adapter")" = 0x06 ]
	run ls -A "$ZAP_ROOT/run/zap"
	assert_output ""
}

@test "run/zap group- or world-writable: the change is refused with the reason (exit 3), nothing written" {
	zap_tree - < <(old_kernel_machine)
	mkdir -p "$ZAP_ROOT/run/zap"
	chmod 0777 "$ZAP_ROOT/run/zap"
	zap_snapshot "$T/before"
	run chzap -m "$A" -a 6
	assert_failure 3
	assert_output "chzap: refusing to write the journal: $ZAP_ROOT/run/zap is group- or world-writable (mode 0777)"
	zap_assert_unchanged "$T/before"
}

@test "run/zap a symlink: the change is refused with the reason (exit 3), nothing written" {
	zap_tree - < <(old_kernel_machine)
	mkdir -p "$ZAP_ROOT/run" "$T/elsewhere"
	ln -s "$T/elsewhere" "$ZAP_ROOT/run/zap"
	zap_snapshot "$T/before"
	run chzap -m "$A" -a 6
	assert_failure 3
	assert_output "chzap: refusing to write the journal: $ZAP_ROOT/run/zap is not a directory (a symlink?)"
	zap_assert_unchanged "$T/before"
	run ls -A "$T/elsewhere"
	assert_output ""
}

# hostile_journal PATH UNDO-PATH: a journal of a dead process whose one
# write (kind mask) names these paths.
hostile_journal() {
	mkdir -p "$ZAP_ROOT/run/zap"
	{
		printf 'zap-journal 2\npid %s\nchange to-vfio -\n' "$(dead_pid)"
		printf 'write mask\t%s\t%s\t%s\t%s\n' "$1" "$(mask 1)" "$2" "$(mask)"
	} > "$(journal_file)"
}

@test "recovery writes only AP attributes under SYSFS_ROOT: any other path makes the journal malformed, nothing written" {
	zap_tree - < <(old_kernel_machine)
	mkdir -p "$T/bus/ap"
	echo keep > "$T/bus/ap/apmask"
	echo keep > "$T/apmask"
	for pair in "$T/bus/ap/apmask|$T/bus/ap/apmask" \
		"$SYSFS_ROOT/bus/ap/apmask|$T/apmask" \
		"$SYSFS_ROOT/bus/ap/../../../apmask|$SYSFS_ROOT/bus/ap/apmask" \
		"$SYSFS_ROOT/bus/ap/apmask|$SYSFS_ROOT/devices/vfio_ap/matrix/x/apmask" \
		"$SYSFS_ROOT/bus/ap/ap_config|$SYSFS_ROOT/bus/ap/apmask"; do
		hostile_journal "${pair%%|*}" "${pair##*|}"
		zap_snapshot "$T/before"
		run chzap --recover
		assert_failure 2
		assert_output "chzap: $(journal_file): malformed journal"
		zap_assert_unchanged "$T/before"
		[ "$(cat "$T/bus/ap/apmask")" = keep ]
		[ "$(cat "$T/apmask")" = keep ]
	done
	# the same journal with the real mask is recovered
	hostile_journal "$SYSFS_ROOT/bus/ap/apmask" "$SYSFS_ROOT/bus/ap/apmask"
	run --separate-stderr chzap --recover
	assert_success
	[ "$(cat "$SYSFS_ROOT/bus/ap/apmask")" = "$(mask)" ]
	[ ! -e "$(journal_file)" ]
}

@test "temp files of dead runs beside the definitions and 41-ap.rules: --check names them, the next change removes them under the lock" {
	zap_tree - < <(old_kernel_machine)
	defs=$ZAP_ROOT/etc/mdevctl.d/matrix rules=$ZAP_ROOT/etc/udev/rules.d
	mkdir -p "$defs" "$rules"
	: > "$defs/.$B.aB3xY9"
	: > "$rules/.41-ap.rules.Qw12E3"
	# not zap's: kept
	: > "$defs/.notes.aB3xY9"
	: > "$rules/.41-ap.rules.toolong7"
	run lszap --check
	assert_failure 3
	assert_line --partial "$defs/.$B.aB3xY9"
	assert_output --partial "a temporary file of a dead run (2 in all), which the next chzap change removes"
	run chzap -m "$A" -a 6
	assert_success
	[ ! -e "$defs/.$B.aB3xY9" ]
	[ ! -e "$rules/.41-ap.rules.Qw12E3" ]
	[ -e "$defs/.notes.aB3xY9" ]
	[ -e "$rules/.41-ap.rules.toolong7" ]
	run lszap --check
	assert_success
}

@test "the audit record file (ZAP_LOG_FILE) is never written through a symlink" {
	zap_tree - < <(old_kernel_machine)
	echo precious > "$T/outside"
	ln -s "$T/outside" "$T/log-link"
	ZAP_LOG_FILE=$T/log-link run chzap -m "$A" -a 6
	[ "$(cat "$T/outside")" = precious ]
	[ "$(cat "$(zap_mdev_dir "$A")/assign_adapter")" = 0x06 ]
}
