#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 26-lszap-bootcheck.bats - the boot-time check (lszap(8), LOGGING): the
# command line of zap-check.service run on trees with and without
# problems logs one record per problem (MESSAGE_ID 9017864c...), a failed
# autostart included, and a summary (e1e66cd9...); --log needs --check;
# the unit is a valid oneshot unit ordered after udev and enabled by the
# preset. Records go to ZAP_LOG_FILE (helper.bash), never to the machine.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	LOG=$ZAP_LOG_FILE
	UNIT_IN="$ZAP_TOP/systemd/zap-check.service.in"
}

PROBLEM=9017864cc7b647d291e7ed7eb5294dea
SUMMARY=e1e66cd91d584d0c9c6bd0d523fc712c
A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
C=cccccccc-0000-4000-8000-000000000003

# The unit's ExecStart, with the build tree's lszap, as words.
unit_command() {
	sed -n 's|^ExecStart=@SBINDIR@/||p' "$UNIT_IN"
}

# A host after a reboot: B started; A's autostart failed (not active);
# the autostart definition of C holds 05.0002, which the host owns.
problem_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $B adapters=6 domains=4 control=none
	define $B start=auto adapters=6 domains=4 control=none
	define $A start=auto adapters=5 domains=0x47 control=none
	define $C start=auto adapters=5 domains=2 control=none
	EOF
}

@test "zap-check.service runs lszap --check --log" {
	run unit_command
	assert_output "lszap --check --log"
}

@test "boot check: every problem is one record (host APQN in a definition, failed autostart), then a summary; exit 3" {
	zap_tree - < <(problem_machine)
	read -ra cmd < <(unit_command)
	run "${cmd[@]}"
	assert_failure 3
	# C's definition: host-apqn now and boot-conflict at the next boot
	[ "$(grep -c "^MESSAGE_ID=$PROBLEM\$" "$LOG")" -eq 4 ]
	[ "$(grep -c "^MESSAGE_ID=$SUMMARY\$" "$LOG")" -eq 1 ]
	run cat "$LOG"
	assert_line "MESSAGE=lszap --check: host-apqn: autostart definition $C holds APQNs that apmask/aqmask give to the host: 05.0002"
	assert_line "ZAP_PROBLEM=host-apqn"
	assert_line "ZAP_APQNS=05.0002"
	assert_line "ZAP_PATH=$R/etc/mdevctl.d/matrix/$C"
	assert_line "MESSAGE=lszap --check: not-started: mdev $A is not active, but its definition $R/etc/mdevctl.d/matrix/$A autostarts: mdevctl's autostart failed or has not run"
	assert_line "ZAP_PROBLEM=not-started"
	assert_line "ZAP_MDEV=$A"
	assert_line "ZAP_PROBLEM=boot-conflict"
	assert_line "MESSAGE=lszap --check: 4 problems in the AP configuration, 4 of them errors"
	assert_line "ZAP_PROBLEMS=4"
	assert_line "ZAP_ERRORS=4"
	assert_line "ZAP_EXIT_CODE=3"
	assert_line "PRIORITY=3"
	assert_line "SYSLOG_IDENTIFIER=lszap"
	refute_line "ZAP_MDEV=$B"
}

@test "boot check: a shared APQN is logged with both mdevs" {
	zap_tree "$MACHINES/examples/conflict.machine"
	run lszap --check --log
	assert_failure 3
	run cat "$LOG"
	assert_line "ZAP_PROBLEM=shared-apqn"
	assert_line "ZAP_APQNS=01.0006"
	assert_line "ZAP_MDEV=8f0b3c2d-1e4a-4b5c-8d6e-7f8091a2b3c4"
	assert_line "ZAP_MDEV=9a1c4d3e-2f5b-4c6d-9e7f-8091a2b3c4d5"
}

@test "boot check: a clean configuration is one summary record, PRIORITY info, exit 0" {
	zap_tree "$MACHINES/demo.machine"
	run lszap --check --log
	assert_success
	[ "$(grep -c '^$' "$LOG")" -eq 1 ]
	run cat "$LOG"
	assert_line "MESSAGE_ID=$SUMMARY"
	assert_line "MESSAGE=lszap --check: no problem in the AP configuration"
	assert_line "ZAP_PROBLEMS=0"
	assert_line "ZAP_EXIT_CODE=0"
	assert_line "PRIORITY=6"
}

@test "boot check: the table on stdout is --check's, unchanged by --log" {
	zap_tree - < <(problem_machine)
	run lszap --check
	local table=$output
	run lszap --check --log
	assert_output "$table"
}

@test "lszap --log without --check: usage error, exit 1, nothing logged" {
	zap_tree "$MACHINES/demo.machine"
	run lszap --log
	assert_failure 1
	assert_line "lszap: --log requires --check"
	run lszap -M --log
	assert_failure 1
	[ ! -e "$LOG" ]
}

@test "zap-check.service: oneshot, after udev's trigger and settle, wanted by multi-user.target, valid for systemd" {
	run cat "$UNIT_IN"
	assert_line "Type=oneshot"
	assert_line --regexp "^After=.*systemd-udev-trigger.service"
	assert_line --regexp "^ExecStartPre=-udevadm settle"
	assert_line "ConditionPathIsDirectory=/sys/bus/ap"
	assert_line "WantedBy=multi-user.target"
	run cat "$ZAP_TOP/systemd/50-zap.preset"
	assert_line "enable zap-check.service"
	if ! command -v systemd-analyze > /dev/null; then
		return 0
	fi
	sed "s|@SBINDIR@|$ZAP_TOP/lszap|" "$UNIT_IN" > "$BATS_TEST_TMPDIR/zap-check.service"
	run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/zap-check.service"
	assert_success
	assert_output ""
}

@test "lszap.8 documents --log, both MESSAGE_IDs, every field of the records, and ZAP_LOG_FILE" {
	command -v man > /dev/null || skip "man is not installed"
	text=$(MANWIDTH=200 man -l "$ZAP_TOP/man/lszap.8" 2> /dev/null)
	section=$(sed -n '/Boot-time check (--check --log)/,/Free view/p' <<< "$text")
	for id in $PROBLEM $SUMMARY; do
		grep -q "^       $id\$" <<< "$section" || { echo "MESSAGE_ID $id not documented"; return 1; }
	done
	for field in $(grep -oE '"ZAP_[A-Z_]+"' "$ZAP_TOP/lszap/bootlog.c" | tr -d '"' | sort -u); do
		grep -q "$field" <<< "$section" || { echo "field $field not documented"; return 1; }
	done
	grep -q "not-started" <<< "$section"
	run bash -c "sed -n '/^ENVIRONMENT/,/^FILES/p' <<< \"\$0\"" "$text"
	assert_line "       ZAP_LOG_FILE"
}
