#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 36-chzap-audit.bats - chzap's audit trail (chzap(8), AUDIT TRAIL): one
# record per run that writes (MESSAGE_ID bed4574c...), is refused
# (c76e3849...) or fails (de7019d5...), with the command line, the uid,
# SUDO_USER, the mdev, the APQNs that changed owner, every write and its
# result, the refusals, the error and the exit code (--recover included);
# no record for a dry run, a request already in effect, --help or
# --version; lszap logs nothing. The records go to the file ZAP_LOG_FILE
# names (helper.bash sets it for every test); two tests take the real
# paths, the journal's native protocol and syslog's /dev/log, to sockets
# of the test in a private mount namespace (root only).

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	LOG=$ZAP_LOG_FILE
}

CHANGED=bed4574cc6024abea331175d2d6ddaba
REFUSED=c76e38494f5a4b7c98e0bce5aaf8ceca
FAILED=de7019d5581c45708778be62d42a6ac0

# The pool machine of 30-chzap-assign.bats: 05.0004 05.0047 06.0004 06.0047
# are vfio_ap's; mdev A is empty, mdev B holds 06.0004.
pool_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	mdev $B adapters=6 domains=4 control=none
	EOF
}

# The number of records in the log (each ends with a blank line).
records() {
	if [ -e "$LOG" ]; then grep -c '^$' "$LOG"; else echo 0; fi
}

@test "audit: a change is one record: MESSAGE_ID, command line, uid, SUDO_USER, mdev, APQNs, writes, exit code" {
	zap_tree - < <(pool_machine)
	SUDO_USER=alice run chzap -m "$A" -a 5 -d 4,0x47
	assert_success
	[ "$(records)" -eq 1 ]
	run cat "$LOG"
	assert_line "MESSAGE_ID=$CHANGED"
	assert_line "MESSAGE=chzap run by uid $(id -u) (sudo by alice) changed the AP configuration: 2 APQNs changed owner"
	assert_line "ZAP_COMMAND_LINE=chzap -m $A -a 5 -d 4,0x47"
	assert_line "ZAP_UID=$(id -u)"
	assert_line "ZAP_SUDO_USER=alice"
	assert_line "ZAP_MDEV=$A"
	assert_line "ZAP_ASSIGNED=05.0004 05.0047"
	assert_line "ZAP_WRITE=echo $(mask 5),$(mask 4 71),$(mask) > $(zap_mdev_dir "$A")/ap_config: ok"
	assert_line "ZAP_EXIT_CODE=0"
	assert_line "PRIORITY=5"
	assert_line "SYSLOG_IDENTIFIER=chzap"
	refute_line --partial "ZAP_ERROR="
	refute_line --partial "ZAP_REFUSAL="
}

@test "audit: --vfio names the queues that left the host, one ZAP_WRITE per write; no SUDO_USER field without sudo" {
	zap_tree - < <(pool_machine)
	unset SUDO_USER
	run chzap --vfio -a 6 -d 2
	assert_success
	run cat "$LOG"
	assert_line "MESSAGE_ID=$CHANGED"
	assert_line "ZAP_HOST_TO_VFIO=05.0002 06.0001 06.0002"
	[ "$(grep -c '^ZAP_WRITE=echo .* > .*/bus/ap/a[pq]mask: ok$' "$LOG")" -eq 2 ]
	refute_line --partial "ZAP_SUDO_USER="
	refute_line --partial "ZAP_MDEV="
}

@test "audit: a refusal is one record with every refusal, no write, exit code 3; nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 6 -d 4,0x47
	assert_failure 3
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	[ "$(records)" -eq 1 ]
	run cat "$LOG"
	assert_line "MESSAGE_ID=$REFUSED"
	assert_line "MESSAGE=chzap run by uid $(id -u): refused: mdev $A would share APQNs with mdev $B: 06.0004"
	assert_line "ZAP_COMMAND_LINE=chzap -m $A -a 6 -d 4,0x47"
	assert_line "ZAP_MDEV=$A"
	assert_line "ZAP_REFUSAL=shared-apqn: mdev $A would share APQNs with mdev $B: 06.0004"
	assert_line "ZAP_EXIT_CODE=3"
	assert_line "PRIORITY=4"
	refute_line --partial "ZAP_WRITE="
	refute_line --partial "ZAP_ASSIGNED="
}

@test "audit: a failed write is one record: the write's errno, the undo, the error, exit code 4" {
	# the fixture cannot make the new mdev's directory: ap_config is missing
	zap_tree - < <(pool_machine)
	run chzap --create -m "$C" -a 5 -d 4
	assert_failure 4
	[ "$(records)" -eq 1 ]
	run cat "$LOG"
	assert_line "MESSAGE_ID=$FAILED"
	assert_line --regexp "^MESSAGE=chzap run by uid $(id -u): failed \\(exit 4\\): writing .* failed: .*"
	assert_line "ZAP_MDEV=$C"
	assert_line --regexp "^ZAP_WRITE=echo $C > .*/create: undone$"
	assert_line --regexp "^ZAP_WRITE=echo .* > $(zap_mdev_dir "$C")/ap_config: failed: ENOENT$"
	assert_line --regexp "^ZAP_ERROR=writing .*ap_config failed"
	assert_line "ZAP_EXIT_CODE=4"
	assert_line "PRIORITY=3"
	refute_line --partial "ZAP_ASSIGNED="
}

@test "audit: a failure before any write (unknown mdev, usage error) is one record with its exit code" {
	zap_tree - < <(pool_machine)
	run chzap -m "$C" -a 5 -d 4
	assert_failure 2
	run chzap --vfio -d 4 --bogus
	assert_failure 1
	[ "$(records)" -eq 2 ]
	run cat "$LOG"
	assert_line "ZAP_EXIT_CODE=2"
	assert_line "ZAP_MDEV=$C"
	assert_line "ZAP_COMMAND_LINE=chzap --vfio -d 4 --bogus"
	assert_line "ZAP_EXIT_CODE=1"
	[ "$(grep -c "^MESSAGE_ID=$FAILED\$" "$LOG")" -eq 2 ]
}

@test "audit: a command line word that needs quoting is logged shell-quoted" {
	zap_tree - < <(pool_machine)
	run chzap -m "$A" -a "5, 6"
	assert_failure 1
	run cat "$LOG"
	assert_line "ZAP_COMMAND_LINE=chzap -m $A -a '5, 6'"
}

@test "audit: no record for --dry-run, a request in effect already, --help, --version" {
	zap_tree - < <(pool_machine)
	run chzap -n -m "$A" -a 5 -d 4
	assert_success
	run chzap -n -m "$A" -a 6 -d 4
	assert_failure 3
	run chzap -m "$B" -a 6 -d 4
	assert_success
	run chzap --help
	run chzap --version
	[ ! -e "$LOG" ]
}

@test "audit: lszap logs nothing, --check included" {
	zap_tree "$MACHINES/examples/conflict.machine"
	run lszap
	run lszap -M
	run lszap --check
	assert_failure 3
	run lszap --check --json
	[ ! -e "$LOG" ]
}

@test "audit: a log file that cannot be written is a warning; the change and the exit code stand" {
	zap_tree - < <(pool_machine)
	ZAP_LOG_FILE="$BATS_TEST_TMPDIR/no/such/dir/log" run --separate-stderr chzap -m "$A" -a 5 -d 4
	assert_success
	assert_equal "$stderr" "chzap: warning: the audit record was not logged: No such file or directory"
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 4),$(mask)"
}

# In a private mount namespace: /run and /dev replaced by empty tmpfs, a
# datagram socket of the test at $1 (/run/systemd/journal/socket or
# /dev/log); run chzap with the remaining arguments, ZAP_LOG_FILE unset,
# then print every datagram the socket received.
chzap_logging_to() {
	unshare -m python3 - "$@" <<-'EOF'
	import os, socket, subprocess, sys
	path, argv = sys.argv[1], sys.argv[2:]
	chzap = subprocess.run(["sh", "-c", "command -v chzap"], capture_output=True, text=True).stdout.strip()
	subprocess.run(["mount", "--make-rprivate", "/"], check=True)
	subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
	subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/dev"], check=True)
	os.makedirs(os.path.dirname(path), exist_ok=True)
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind(path)
	env = dict(os.environ)
	env.pop("ZAP_LOG_FILE", None)
	rc = subprocess.run([chzap] + argv, env=env).returncode
	print("exit", rc)
	s.setblocking(False)
	while True:
	    try:
	        data = s.recv(1 << 20)
	    except BlockingIOError:
	        break
	    print(data.decode(errors="replace"))
	EOF
}

@test "audit: with the journal's socket there, the record goes to the journal (native protocol, every field)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (a private mount namespace)"
	zap_tree - < <(pool_machine)
	run chzap_logging_to /run/systemd/journal/socket -m "$A" -a 5 -d 4
	assert_success
	assert_line "exit 0"
	assert_line "MESSAGE_ID=$CHANGED"
	assert_line "ZAP_COMMAND_LINE=$(command -v chzap) -m $A -a 5 -d 4"
	assert_line "ZAP_ASSIGNED=05.0004"
	assert_line "ZAP_EXIT_CODE=0"
	assert_line "SYSLOG_IDENTIFIER=chzap"
	assert_line "SYSLOG_FACILITY=10"
	[ ! -e "$LOG" ]
}

@test "audit: without a journal the record goes to syslog: the message and every field on one line" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (a private mount namespace)"
	zap_tree - < <(pool_machine)
	run chzap_logging_to /dev/log -m "$A" -a 6 -d 4
	assert_success
	assert_line "exit 3"
	# <facility authpriv (10) * 8 + warning (4)>
	assert_line --regexp "^<84>.* chzap\\[[0-9]+\\]: chzap run by uid $(id -u): refused: mdev $A would share APQNs with mdev $B: 06.0004 \\[MESSAGE_ID=$REFUSED; ZAP_COMMAND_LINE=.* -m $A -a 6 -d 4; ZAP_UID=$(id -u); ZAP_MDEV=$A; ZAP_REFUSAL=shared-apqn: .*; ZAP_EXIT_CODE=3\\]\$"
}

@test "chzap.8 documents every MESSAGE_ID and every field of chzap's records, and ZAP_LOG_FILE" {
	command -v man > /dev/null || skip "man is not installed"
	text=$(MANWIDTH=200 man -l "$ZAP_TOP/man/chzap.8" 2> /dev/null |
		sed -n '/^AUDIT TRAIL/,/^JSON OUTPUT/p')
	for id in $CHANGED $REFUSED $FAILED; do
		grep -q "^       $id\$" <<< "$text" || { echo "MESSAGE_ID $id not documented"; return 1; }
	done
	for field in $(grep -oE '"ZAP_[A-Z_]+"' "$ZAP_TOP/chzap/audit.c" | tr -d '"' | sort -u); do
		grep -qE "^       ([A-Z_]+, )*$field(,|\$)" <<< "$text" ||
			{ echo "field $field not documented"; return 1; }
	done
	run bash -c "MANWIDTH=200 man -l '$ZAP_TOP/man/chzap.8' 2>/dev/null | sed -n '/^ENVIRONMENT/,/^FILES/p'"
	assert_line "       ZAP_LOG_FILE"
}

@test "audit: --recover that writes is one changed record with each write it made" {
	zap_tree - <<-EOF
	kernel ap_config=no
	bus aqmask=0-3,5-70,72-255
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	EOF
	dir=$(zap_mdev_dir "$A")
	mkdir -p "$ZAP_ROOT/run/zap"
	# the journal of a dead chzap that assigned adapter 6 and stopped
	{
		printf 'zap-journal 1\npid %s\nchange assign %s\n' "$(dead_pid)" "$A"
		printf 'write %s\t%s\t%s\t%s\n' \
			"$dir/assign_adapter" 0x06 "$dir/unassign_adapter" 0x06 \
			"$dir/assign_domain" 0x0047 "$dir/unassign_domain" 0x0047
		printf 'done 0\n'
	} > "$ZAP_ROOT/run/zap/journal"
	run chzap --recover
	assert_success
	[ "$(records)" -eq 1 ]
	run cat "$LOG"
	assert_line "MESSAGE_ID=$CHANGED"
	assert_line "ZAP_COMMAND_LINE=chzap --recover"
	assert_line "ZAP_WRITE=echo 0x0047 > $dir/unassign_domain: ok"
	assert_line "ZAP_WRITE=echo 0x06 > $dir/unassign_adapter: ok"
	assert_line "ZAP_EXIT_CODE=0"
	# nothing left to recover: no record
	run chzap --recover
	assert_success
	[ "$(records)" -eq 1 ]
}
