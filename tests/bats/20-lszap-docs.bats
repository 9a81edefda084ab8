#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-docs.bats - man/lszap.8 renders without warnings and documents
# everything lszap has: every option of --help, every column of every view,
# every JSON key, every exit code, the environment variables.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	MAN="$ZAP_TOP/man/lszap.8"
	command -v man > /dev/null || skip "man is not installed"
}

# The man page as text, wide enough for one item a line.
man_text() {
	MANWIDTH=200 man -l "$MAN" 2> /dev/null
}

@test "lszap.8 renders without warnings" {
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$MAN"
	[ -z "$stderr" ] || { echo "$stderr"; return 1; }
	assert_line --regexp '^NAME$'
}

@test "lszap.8 has the sections the issue asks for, in order" {
	run -0 bash -c "man_text() { MANWIDTH=200 man -l '$MAN' 2>/dev/null; }; man_text | grep -E '^[A-Z][A-Z ]+$'"
	assert_output - <<-EOT
	NAME
	SYNOPSIS
	DESCRIPTION
	OPTIONS
	LISTING DETAILS
	PERSISTENCE
	EXIT CODES
	ENVIRONMENT
	FILES
	EXAMPLES
	SEE ALSO
	EOT
}

@test "lszap.8 documents every option of lszap --help" {
	text=$(man_text)
	for opt in $(lszap --help | grep -oE '^  (-[A-Za-z], )?--[a-z-]+' |
		     grep -oE -- '-[A-Za-z]\b|--[a-z-]+'); do
		grep -qE -- "(^|[ ,])$opt([ ,]|$)" <<< "$text" ||
			{ echo "not in lszap.8: $opt"; return 1; }
	done
}

@test "lszap.8 documents every column of every view" {
	text=$(man_text | sed -n '/^LISTING DETAILS/,/^EXIT CODES/p')
	for view in "" -A -D -M --check --free; do
		for col in $(lszap $view -o help -r -n | cut -d' ' -f1); do
			grep -qE "^       ([A-Z]+, )*$col(, [A-Z]+)*( .*)?$" <<< "$text" ||
				{ echo "column $col ($view) not in LISTING DETAILS"; return 1; }
		done
	done
}

@test "lszap.8 documents every JSON key lszap prints" {
	command -v jq > /dev/null || skip "jq is not installed"
	zap_tree - <<-EOT
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4
	mdev aaaaaaaa-0000-4000-8000-000000000001 adapters=5,6 domains=4 control=4
	EOT
	text=$(man_text | sed -n '/^   JSON/,/^EXIT CODES/p')
	for key in $( (lszap --json; lszap --free --json) |
		      jq -r '[paths | .[] | strings] | unique[]'); do
		grep -qE "\"$key\"|(^|[ (])$key([ ,.)]|$)" <<< "$text" ||
			{ echo "JSON key $key not in lszap.8"; return 1; }
	done
}

@test "lszap.8 documents the exit codes, the environment and SEE ALSO" {
	text=$(man_text)
	for code in 0 1 2 3; do
		sed -n '/^EXIT CODES/,/^ENVIRONMENT/p' <<< "$text" | grep -qE "^       $code +" ||
			{ echo "exit code $code"; return 1; }
	done
	grep -q '^       SYSFS_ROOT' <<< "$text"
	grep -q '^       ZAP_ROOT' <<< "$text"
	grep -q 'lszcrypt(8)' <<< "$text"
	grep -q 'chzap(8)' <<< "$text"
	grep -q 'mdevctl(8)' <<< "$text"
}
