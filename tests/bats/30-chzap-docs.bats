#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-docs.bats - man/chzap.8 renders without warnings, has the
# sections the issue asks for, documents every option of --help, every exit
# code, the environment and the lock; and its worked example (the kernel
# document's three guests) is true: the transcript's commands give the
# transcript's output on fixture trees, and its mdevs are demo.machine's.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	MAN="$ZAP_TOP/man/chzap.8"
	command -v man > /dev/null || skip "man is not installed"
}

# The man page as text, wide enough for one item a line.
man_text() {
	MANWIDTH=200 man -l "$MAN" 2> /dev/null
}

# The worked example's output after the line "# $1", its wrapped lines
# joined with blanks (up to the next command or blank line).
example_output() {
	man_text | sed -n '/Worked example/,/^SEE ALSO/p' |
		awk -v cmd="# $1" '
			found && (/^ *# / || /^ *$/) { exit }
			found { sub(/^ +/, ""); out = out (out ? " " : "") $0 }
			!found { line = $0; sub(/^ +/, "", line); if (line == cmd) found = 1 }
			END { print out }'
}

# The G1, G2, G3 assignments of the worked example, for eval.
example_uuids() {
	man_text | grep -oE '^ +# G[123]=[0-9a-f-]{36}$' | sed 's/^ *# //'
}

# Run "# $1" of the worked example (eval: it uses $G1..$G3); compare its
# output, stdout and stderr, lines joined, with the transcript's.
check_example() {
	local want got

	want=$(example_output "$1")
	[ -n "$want" ] || { echo "no transcript for '# $1' in chzap.8"; return 1; }
	got=$(eval "$1" 2>&1 | tr '\n' ' ' | sed 's/ $//') || true
	if [ "$got" != "$want" ]; then
		printf 'chzap.8: # %s\n  says: %s\n  gives: %s\n' "$1" "$want" "$got"
		return 1
	fi
}

# The fresh host of the worked example: demo.machine before any change.
fresh_machine() {
	grep -E '^(bus max|adapter) ' "$MACHINES/demo.machine"
}

@test "chzap.8 renders without warnings" {
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$MAN"
	[ -z "$stderr" ] || { echo "$stderr"; return 1; }
	assert_line --regexp '^NAME$'
}

@test "chzap.8 has the sections the issue asks for, in order" {
	run -0 bash -c "MANWIDTH=200 man -l '$MAN' 2>/dev/null | grep -E '^[A-Z][A-Z ]+$'"
	assert_output - <<-EOT
	NAME
	SYNOPSIS
	DESCRIPTION
	PERSISTENCE
	ALLOCATION
	RECOVERY
	AUDIT TRAIL
	JSON OUTPUT
	OPTIONS
	EXIT CODES
	ENVIRONMENT
	FILES
	EXAMPLES
	SEE ALSO
	EOT
}

@test "chzap.8 SYNOPSIS has one entry per mode" {
	text=$(man_text | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p')
	for mode in "chzap -m UUID" "chzap -u|--unassign -m UUID" \
		"chzap --create [-m UUID]" "chzap --remove -m UUID" \
		"chzap --vfio [-a LIST] [-d LIST]" \
		"chzap --host [-a LIST] [-d LIST]"; do
		grep -qF -- "       $mode" <<< "$text" ||
			{ echo "not in SYNOPSIS: $mode"; return 1; }
	done
}

@test "chzap.8 documents every option of chzap --help" {
	text=$(man_text | sed -n '/^OPTIONS/,/^EXIT CODES/p')
	for opt in $(chzap --help | grep -oE '^  (-[A-Za-z], )?--[a-z-]+' |
		     grep -oE -- '-[A-Za-z]\b|--[a-z-]+'); do
		grep -qE -- "^       (.*[ ,])?$opt([ ,]|$)" <<< "$text" ||
			{ echo "not in OPTIONS: $opt"; return 1; }
	done
}

@test "chzap.8 documents every exit code, the environment, the lock, SEE ALSO" {
	text=$(man_text)
	codes=$(sed -n '/^EXIT CODES/,/^ENVIRONMENT/p' <<< "$text" |
		grep -oE '^       [0-9]+ ' | tr -d ' ' | tr '\n' ' ')
	[ "$codes" = "0 1 2 3 4 5 6 " ] || { echo "exit codes: $codes"; return 1; }
	env=$(sed -n '/^ENVIRONMENT/,/^FILES/p' <<< "$text")
	grep -q '^       SYSFS_ROOT' <<< "$env"
	grep -q '^       ZAP_ROOT' <<< "$env"
	sed -n '/^FILES/,/^EXAMPLES/p' <<< "$text" |
		grep -q '/run/lock/s390apconfig.lock'
	see=$(sed -n '/^SEE ALSO/,$p' <<< "$text")
	for page in 'lszap(8)' 'lszcrypt(8)' 'chzcrypt(8)' 'mdevctl(8)'; do
		grep -qF "$page" <<< "$see" || { echo "SEE ALSO lacks $page"; return 1; }
	done
}

@test "chzap.8 example: the design's command line is shown as written" {
	man_text | grep -qE '^ +# chzap -a 5 -d 0x47 --mdev [0-9a-f-]{36}$'
	man_text | grep -qF '# U=$(chzap --create -a 5 -d 0x47)'
}

@test "chzap.8 worked example, step 1 on the fresh host: the transcript, demo.machine's aqmask" {
	zap_tree - < <(fresh_machine)
	check_example "chzap --vfio -d 4,0x47,0xab,0xff"
	want=$(sed -n 's/^bus apmask=all aqmask=\(0x[0-9a-f]*\)$/\1/p' "$MACHINES/demo.machine")
	[ "$(cat "$SYSFS_ROOT/bus/ap/aqmask")" = "$want" ]
}

@test "chzap.8 worked example, step 2: demo.machine's mdevs, accepted after step 1" {
	zap_tree - < <(fresh_machine)
	chzap -q --vfio -d 4,0x47,0xab,0xff
	eval "$(example_uuids)"
	[ -n "$G1" ] && [ -n "$G2" ] && [ -n "$G3" ]
	creates=$(man_text | grep -E '^ +# chzap --create -m \$G[123] ' | sed 's/^ *# //')
	[ "$(wc -l <<< "$creates")" -eq 3 ]
	while read -r cmd; do
		# the command names the UUID, adapters and domains of a demo mdev
		read -r _ _ _ var _ a _ d <<< "$cmd"
		uuid=$(eval echo "$var")
		grep -qE "^mdev $uuid adapters=$a domains=$d control=none" \
			"$MACHINES/demo.machine" ||
			{ echo "not in demo.machine: $cmd"; return 1; }
		# and it would be accepted (plain files cannot create: dry run)
		eval "chzap -n ${cmd#chzap }" > /dev/null
	done <<< "$creates"
}

@test "chzap.8 worked example, step 3 on demo.machine, guests not started: the transcripts" {
	zap_tree - < <(sed 's/ guest=yes//' "$MACHINES/demo.machine")
	eval "$(example_uuids)"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	check_example 'chzap -m $G2 -a 6'
	run chzap -m "$G2" -a 6
	[ "$status" -eq "$(example_output 'echo $?')" ]
	check_example "chzap --host -d 0x47"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap.8 worked example, step 5 on demo.machine, guests running: the transcript" {
	zap_tree "$MACHINES/demo.machine"
	eval "$(example_uuids)"
	check_example 'chzap -u -m $G2 -d 0xff'
}
