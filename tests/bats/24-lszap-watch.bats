#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 24-lszap-watch.bats - lszap --watch (issue 10): the listing, then one line
# (one JSON object a line with -j) per difference of the model, on a tree
# given by SYSFS_ROOT re-read every --interval seconds. Each test starts
# lszap in the background, changes the fixture tree as the kernel would
# (whole files replaced at once, driver links removed and added), waits for
# the expected lines with a bounded poll, sends SIGTERM or SIGINT and checks
# exit code 0 and the exact output.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	OUT="$BATS_TEST_TMPDIR/watch.out"
	ERR="$BATS_TEST_TMPDIR/watch.err"
	WATCH_PID=
}

teardown() {
	# a failed test must not leave its lszap running
	if [ -n "$WATCH_PID" ] && kill -0 "$WATCH_PID" 2> /dev/null; then
		kill -KILL "$WATCH_PID"
		wait "$WATCH_PID" || true
	fi
}

# Host: domain 1; A runs a guest on 05.0004 and 05.0047; 06.0004 is free.
watch_machine() {
	cat <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,4
	mdev $A adapters=5 domains=4,0x47 control=none guest=yes
	EOF
}

# mask ID...: the kernel's mask text with these ids set ("0x" + 64 digits).
mask() {
	local digits=() i id text=0x

	for ((i = 0; i < 64; i++)); do
		digits[i]=0
	done
	for id in "$@"; do
		((digits[id / 4] |= 8 >> (id % 4)))
	done
	for ((i = 0; i < 64; i++)); do
		text+=$(printf '%x' "${digits[i]}")
	done
	echo "$text"
}

# put FILE TEXT: replace FILE by TEXT and a newline in one rename, as a
# sysfs attribute changes (a reader never sees half of it).
put() {
	printf '%s\n' "$2" > "$1.new.$$"
	mv -f "$1.new.$$" "$1"
}

# watch_start ARGS...: lszap --watch --interval 0.2 ARGS in the background,
# stdout in $OUT, stderr in $ERR (emptied first, so that wait_lines never
# counts the lines of an earlier run).
watch_start() {
	: > "$OUT"
	: > "$ERR"
	lszap --watch --interval 0.2 "$@" > "$OUT" 2> "$ERR" 3>&- &
	WATCH_PID=$!
}

# The ISO 8601 time an event line starts with (2026-12-06T14:20:08+01:00).
ISO_TIME='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'

# untimed [N]: $OUT from line N on, each event line without its time.
untimed() {
	tail -n "+${1:-1}" "$OUT" | sed -E "s/^$ISO_TIME ([a-z-]+: )/\\1/"
}

# wait_lines N: wait (at most 30 s) until $OUT has N lines.
wait_lines() {
	local i

	for ((i = 0; i < 300; i++)); do
		[ "$(wc -l < "$OUT")" -ge "$1" ] && return 0
		kill -0 "$WATCH_PID" 2> /dev/null ||
			{ echo "lszap --watch ended early"; cat "$ERR"; return 1; }
		sleep 0.1
	done
	echo "expected $1 lines, got:"
	cat "$OUT"
	echo "stderr:"
	cat "$ERR"
	return 1
}

# watch_stop [SIGNAL]: send SIGTERM (or SIGNAL), wait (at most 30 s, then
# SIGKILL and $status 137); $status is the exit code.
watch_stop() {
	local i

	kill -"${1:-TERM}" "$WATCH_PID"
	for ((i = 0; i < 300; i++)); do
		kill -0 "$WATCH_PID" 2> /dev/null || break
		sleep 0.1
	done
	kill -0 "$WATCH_PID" 2> /dev/null && kill -KILL "$WATCH_PID"
	status=0
	wait "$WATCH_PID" || status=$?
	WATCH_PID=
}

# unbind APQN DRIVER: remove the driver's link to the queue and the queue's
# "driver" link, as the driver core does. Whichever goes first, lszap sees
# the queue unbound once both are gone, never twice.
unbind() {
	rm "$SYSFS_ROOT/bus/ap/drivers/$2/$1"
	rm "$SYSFS_ROOT/devices/ap/card${1%%.*}/$1/driver"
}

# bind APQN DRIVER: add both links again, for DRIVER.
bind() {
	ln -s "../../../../devices/ap/card${1%%.*}/$1" \
		"$SYSFS_ROOT/bus/ap/drivers/$2/$1"
	ln -s "../../../../bus/ap/drivers/$2" \
		"$SYSFS_ROOT/devices/ap/card${1%%.*}/$1/driver"
}

# The steps of "chzap -m A -u -d 0x47; chzap --host -d 0x47", each one at a
# time as the kernel makes them, with the lines lszap --watch prints.
host_steps() {
	local n=$1 m

	m=$(zap_mdev_dir "$A")
	put "$m/ap_config" "$(mask 5),$(mask 4),$(mask)"
	wait_lines $((n + 1)) || return 1
	put "$SYSFS_ROOT/bus/ap/aqmask" "$(mask 0 1 2 3 0x47)"
	wait_lines $((n + 3)) || return 1
	unbind 05.0047 vfio_ap
	wait_lines $((n + 4)) || return 1
	bind 05.0047 cex4queue
	wait_lines $((n + 5))
}

@test "lszap --watch: the listing, then one line per change; SIGTERM is exit 0" {
	zap_tree - < <(watch_machine)
	watch_start
	wait_lines 6
	host_steps 6
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 untimed
	assert_output - <<-EOF
	APQN    TYPE  MODE        STATUS     DRIVER    OWNER MDEV
	05.0001 CEX8C CCA-Coproc  online     cex4queue host  -
	05.0004 CEX8C CCA-Coproc  in use     vfio_ap   vfio  $A
	05.0047 CEX8C CCA-Coproc  in use     vfio_ap   vfio  $A
	06.0001 CEX8P EP11-Coproc online     cex4queue host  -
	06.0004 CEX8P EP11-Coproc unassigned vfio_ap   vfio  -
	mdev-unassigned: mdev $A unassigned 05.0047
	mask: aqmask $(mask 0 1 2 3) -> $(mask 0 1 2 3 0x47)
	queue-owner: queue 05.0047 vfio -> host
	queue-driver: queue 05.0047 driver vfio_ap -> -
	queue-driver: queue 05.0047 driver - -> cex4queue
	EOF
	run -0 cat "$ERR"
	assert_output ""
}

@test "lszap --watch -j: the listing on one line, then one JSON object per change" {
	command -v jq > /dev/null || skip "jq is not installed"
	zap_tree - < <(watch_machine)
	watch_start -j
	wait_lines 1
	host_steps 1
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 jq -c 'keys_unsorted' < <(head -1 "$OUT")
	assert_output '["version","bus","adapters","domains","queues","mdevs","problems"]'
	run -0 jq -c '[.queues[].apqn]' < <(head -1 "$OUT")
	assert_output '["05.0001","05.0004","05.0047","06.0001","06.0004"]'
	run -0 jq -c 'del(.time)' < <(tail -n +2 "$OUT")
	assert_output - <<-EOF
	{"version":1,"event":"mdev-unassigned","adapter":null,"domain":null,"apqn":null,"uuid":"$A","before":"05.0047","after":null,"message":"mdev $A unassigned 05.0047"}
	{"version":1,"event":"mask","adapter":null,"domain":null,"apqn":null,"uuid":null,"before":"$(mask 0 1 2 3)","after":"$(mask 0 1 2 3 0x47)","message":"aqmask $(mask 0 1 2 3) -> $(mask 0 1 2 3 0x47)"}
	{"version":1,"event":"queue-owner","adapter":5,"domain":71,"apqn":"05.0047","uuid":null,"before":"vfio","after":"host","message":"queue 05.0047 vfio -> host"}
	{"version":1,"event":"queue-driver","adapter":5,"domain":71,"apqn":"05.0047","uuid":null,"before":"vfio_ap","after":"-","message":"queue 05.0047 driver vfio_ap -> -"}
	{"version":1,"event":"queue-driver","adapter":5,"domain":71,"apqn":"05.0047","uuid":null,"before":"-","after":"cex4queue","message":"queue 05.0047 driver - -> cex4queue"}
	EOF
}

@test "lszap --watch -j: every line is one JSON object, the event keys in order" {
	command -v jq > /dev/null || skip "jq is not installed"
	zap_tree - < <(watch_machine)
	watch_start --json
	wait_lines 1
	put "$SYSFS_ROOT/devices/ap/card06/online" 0
	wait_lines 2
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 wc -l < "$OUT"
	assert_output 2
	while read -r line; do
		jq -e . <<< "$line" > /dev/null || { echo "not JSON: $line"; return 1; }
	done < "$OUT"
	run -0 jq -c 'keys_unsorted' < <(tail -1 "$OUT")
	assert_output '["version","time","event","adapter","domain","apqn","uuid","before","after","message"]'
	run -0 jq -r .time < <(tail -1 "$OUT")
	assert_output --regexp "^$ISO_TIME\$"
}

@test "lszap --watch: every event line starts with its ISO 8601 time; queue online, config and checkstop are events" {
	zap_tree - < <(watch_machine)
	local q="$SYSFS_ROOT/devices/ap/card05/05.0001"
	watch_start -n -o APQN -a 5 -d 1
	wait_lines 1
	put "$q/online" 0
	wait_lines 2
	put "$q/chkstop" 1
	wait_lines 3
	put "$q/config" 0
	wait_lines 4
	put "$SYSFS_ROOT/devices/ap/card05/chkstop" 1
	wait_lines 5
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 tail -n +2 "$OUT"
	for line in "${lines[@]}"; do
		[[ $line =~ ^$ISO_TIME\ [a-z-]+:\  ]] || { echo "no time: $line"; return 1; }
	done
	run -0 untimed
	assert_output - <<-EOF
	05.0001
	queue-online: queue 05.0001 offline
	queue-chkstop: queue 05.0001 checkstopped
	queue-config: queue 05.0001 deconfigured
	card-chkstop: card 0x5 checkstopped
	EOF
}

@test "lszap --watch: mdevs created and removed" {
	zap_tree - < <(watch_machine)
	local stage="$BATS_TEST_TMPDIR/stage" m
	mkdir "$stage"
	cp -a "$(zap_mdev_dir "$A")" "$stage/$B"
	put "$stage/$B/ap_config" "$(mask 6),$(mask 4),$(mask 4)"
	put "$stage/$B/guest_matrix" "06.0004"
	watch_start -n -o APQN,MDEV -a 6
	wait_lines 2
	mv "$stage/$B" "$(zap_mdev_dir "$B")"
	wait_lines 3
	mv "$(zap_mdev_dir "$B")" "$stage/$B"
	wait_lines 4
	watch_stop INT
	[ "$status" -eq 0 ]
	run -0 untimed
	assert_output - <<-EOF
	06.0001 -
	06.0004 -
	mdev-created: mdev $B created with 06.0004
	mdev-removed: mdev $B removed
	EOF
}

@test "lszap --watch: guests detached and attached" {
	zap_tree - < <(watch_machine)
	local status_file="$SYSFS_ROOT/devices/ap/card05/05.0004/status"
	watch_start -M -n -o UUID,INUSE
	wait_lines 1
	put "$status_file" "assigned"
	wait_lines 2
	put "$status_file" "in use"
	wait_lines 3
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 untimed
	assert_output - <<-EOF
	$A yes
	guest-detached: mdev $A guest detached
	guest-attached: mdev $A guest attached
	EOF
}

@test "lszap --watch: cards offline and deconfigured; -a keeps the other cards out" {
	zap_tree - < <(watch_machine)
	watch_start -b -a 6
	wait_lines 11
	put "$SYSFS_ROOT/devices/ap/card05/online" 0
	put "$SYSFS_ROOT/devices/ap/card06/online" 0
	wait_lines 12
	put "$SYSFS_ROOT/devices/ap/card06/config" 0
	wait_lines 13
	put "$SYSFS_ROOT/bus/ap/apmask" "$(mask 6)"
	wait_lines 14
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 untimed 12
	assert_output - <<-EOF
	card-online: card 0x6 offline
	card-config: card 0x6 deconfigured
	mask: apmask $(mask $(seq 0 255)) -> $(mask 6)
	EOF
}

@test "lszap --watch: a file unreadable for a while is named once, the watch goes on" {
	zap_tree - < <(watch_machine)
	watch_start -n -o APQN -a 6
	wait_lines 2
	put "$SYSFS_ROOT/bus/ap/aqmask" "garbage"
	for ((i = 0; i < 300; i++)); do
		[ -s "$ERR" ] && break
		sleep 0.1
	done
	put "$SYSFS_ROOT/devices/ap/card06/online" 0
	sleep 0.5
	put "$SYSFS_ROOT/bus/ap/aqmask" "$(mask 0 1 2 3)"
	wait_lines 3
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 untimed
	assert_output - <<-EOF
	06.0001
	06.0004
	card-online: card 0x6 offline
	EOF
	run -0 cat "$ERR"
	assert_output "lszap: $SYSFS_ROOT/bus/ap/aqmask: invalid mask 'garbage\\n'"
}

@test "lszap --watch: newly unreadable parts are named on stderr" {
	zap_tree - < <(watch_machine)
	watch_start -n -o APQN -a 6
	wait_lines 2
	put "$SYSFS_ROOT/devices/ap/card06/hwtype" "fourteen"
	for ((i = 0; i < 300; i++)); do
		[ -s "$ERR" ] && break
		sleep 0.1
	done
	watch_stop TERM
	[ "$status" -eq 0 ]
	run -0 cat "$ERR"
	assert_output "lszap: $SYSFS_ROOT/devices/ap/card06/hwtype: invalid content"
}

@test "lszap --watch: a signal ends a long interval at once" {
	zap_tree - < <(watch_machine)
	watch_start --interval 3600 -b
	wait_lines 11
	watch_stop TERM
	[ "$status" -eq 0 ]
	watch_start --interval 3600 -M
	wait_lines 2
	watch_stop INT
	[ "$status" -eq 0 ]
}

@test "lszap --watch: no AP bus is exit 2 before anything is watched" {
	export SYSFS_ROOT=/nonexistent
	run -2 timeout 60 lszap --watch --interval 0.2
	assert_output --partial "no AP bus"
}

@test "lszap --watch: the options it refuses, before reading anything" {
	export SYSFS_ROOT=/nonexistent
	run -1 lszap --interval 2
	assert_output --partial "lszap: --interval requires --watch"
	for bad in 0 -1 abc 0x10 nan inf 1e9 "" 2s; do
		run -1 lszap --watch --interval "$bad"
		assert_output --partial "lszap: invalid interval '$bad'"
	done
	run -1 lszap --watch --check
	assert_output --partial "lszap: Only one of --watch or --check can be specified"
	run -1 lszap --watch --free
	assert_output --partial "Only one of --watch or --free can be specified"
	run -1 lszap --watch --libvirt "$A"
	assert_output --partial "Only one of --watch or --libvirt can be specified"
	run -1 lszap --watch --persistent
	assert_output --partial "Only one of --watch or --persistent can be specified"
	run -1 lszap --watch -m "$A"
	assert_output --partial "Only one of --watch or --mdev can be specified"
	run -1 lszap --watch --owner host
	assert_output --partial "Only one of --watch or --owner can be specified"
}

@test "lszap --watch: the event keys are documented in lszap.8" {
	command -v man > /dev/null || skip "man is not installed"
	text=$(MANWIDTH=200 man -l "$ZAP_TOP/man/lszap.8" 2> /dev/null |
		sed -n '/^   JSON/,/^EXIT CODES/p')
	for key in event adapter domain apqn uuid before after message; do
		grep -qE "\"$key\"|(^|[ (])$key([ ,.)]|$)" <<< "$text" ||
			{ echo "event key $key not in lszap.8"; return 1; }
	done
	text=$(MANWIDTH=200 man -l "$ZAP_TOP/man/lszap.8" 2> /dev/null)
	for kind in mask card-added card-removed card-config card-online \
		queue-added queue-removed queue-owner queue-driver mdev-created \
		mdev-removed mdev-assigned mdev-unassigned guest-attached \
		guest-detached; do
		grep -q -- "$kind" <<< "$text" ||
			{ echo "event kind $kind not in lszap.8"; return 1; }
	done
}

@test "lszap --watch: completion knows --watch and --interval, offers no interval" {
	zap_tree - < <(watch_machine)
	# shellcheck source=/dev/null
	source "$ZAP_TOP/completions/lszap"
	COMP_WORDS=(lszap --wa)
	COMP_CWORD=1
	_lszap
	[ "${COMPREPLY[*]}" = "--watch" ]
	COMP_WORDS=(lszap --watch --interval "")
	COMP_CWORD=3
	_lszap
	[ "${#COMPREPLY[@]}" -eq 0 ]
}

@test "lszap --watch: nothing is written" {
	zap_tree - < <(watch_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	watch_start
	wait_lines 6
	sleep 0.5
	watch_stop TERM
	[ "$status" -eq 0 ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
