#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-options.bats - lszap's command line: --help, --version, bad
# options (exit 1 with the --help hint), one view at a time, --format, and
# the table options -o (replace, +add, help, unknown), -n, -r, -V, with the
# combinations lszap refuses.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	zap_tree "$MACHINES/demo.machine"
}

@test "lszap --help: synopsis, every option group, a pointer to lszap(8)" {
	run -0 lszap --help
	assert_line --index 0 "Usage: lszap [OPTIONS] [APQN ...]"
	assert_line "Views (one at a time; default: one row per queue):"
	assert_line "Filters:"
	assert_line "Output:"
	assert_line --regexp '^  -a, --adapter LIST +'
	assert_line --regexp '^      --owner WHO +'
	assert_output --partial "See lszap(8)"
}

@test "lszap -h is --help and reads nothing" {
	unset ZAP_ROOT
	export SYSFS_ROOT=/nonexistent
	run -0 lszap -h
	assert_line --index 0 "Usage: lszap [OPTIONS] [APQN ...]"
}

@test "lszap -v and --version: 'lszap (zap) ' and the library version" {
	run -0 lszap -v
	assert_output --regexp '^lszap \(zap\) [0-9]+\.[0-9]+\.[0-9]+$'
	run -0 lszap --version
	assert_output "lszap (zap) 0.1.0"
}

@test "lszap --bogus: exit 1, names the option, points to --help" {
	run -1 --separate-stderr lszap --bogus
	assert_output ""
	[ "${stderr_lines[0]}" = "lszap: --bogus: unknown option" ]
	[ "${stderr_lines[1]}" = "Try 'lszap --help' for more information." ]
}

@test "lszap -a without its argument: exit 1" {
	run -1 lszap -a
	assert_output --partial "lszap: -a: missing argument"
	assert_output --partial "Try 'lszap --help'"
}

@test "lszap: two views are refused, the same view twice is fine" {
	run -1 lszap -A -D
	assert_output --partial "lszap: Only one of --adapters or --domains can be specified"
	run -1 lszap --mdevs --check
	assert_output --partial "Only one of --mdevs or --check can be specified"
	run -1 lszap -b -x
	assert_output --partial "Only one of --bus or --matrix can be specified"
	run -0 lszap -A --adapters
}

@test "lszap --format: table and json; anything else exit 1" {
	run -0 lszap --format table
	assert_line --index 0 --regexp '^APQN +TYPE'
	run -0 lszap --format json
	assert_line --index 0 "{"
	run -0 lszap --format=json -A
	assert_line --index 1 '  "version": 1,'
	assert_line --index 2 '  "adapters": ['
	run -1 lszap --format yaml
	assert_output --partial "lszap: unknown format 'yaml': use table or json"
}

@test "lszap -j is --format json; the last format given wins" {
	run -0 lszap -j -M
	expected=$(lszap --format json -M)
	assert_output "$expected"
	run -0 lszap -j --format table -n -o APQN
	assert_line --index 0 "05.0001"
}

@test "lszap -o COLS: only those columns, in that order, any case" {
	run -0 lszap -o owner,APQN -a 6 -d 1
	assert_output - <<-EOF
	OWNER APQN
	host  06.0001
	EOF
}

@test "lszap -o +COL: adds to the default columns" {
	run -0 lszap -o +ADAPTER,domain 06.0047
	assert_output - <<-EOF
	APQN    TYPE  MODE        STATUS DRIVER  OWNER MDEV                                 ADAPTER DOMAIN
	06.0047 CEX5A Accelerator in use vfio_ap vfio  4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a     0x6   0x47
	EOF
}

@test "lszap -o: a column named twice is shown once" {
	run -0 lszap -n -o apqn,APQN,owner 05.0004
	assert_output "05.0004 vfio"
}

@test "lszap -o FOO: exit 1 naming the column, nothing printed" {
	run -1 --separate-stderr lszap -o APQN,FOO
	assert_output ""
	[ "${stderr_lines[0]}" = "lszap: unknown column: FOO" ]
	[ "${stderr_lines[1]}" = "Try 'lszap --help' for more information." ]
	run -1 lszap -o +bar
	assert_output --partial "lszap: unknown column: bar"
	run -1 lszap -A -o APQN
	assert_output --partial "lszap: unknown column: APQN"
	run -1 lszap -o APQN,,OWNER
	assert_output --partial "lszap: empty column name in 'APQN,,OWNER'"
}

@test "lszap -o help: the view's columns, which are shown, what they mean" {
	run -0 lszap -o help
	assert_line --index 0 --regexp '^COLUMN +SHOWN +DESCRIPTION$'
	assert_line --regexp '^APQN +default +queue: adapter.domain in hex'
	assert_line --regexp '^HWTYPE +verbose '
	assert_line --regexp '^ONLINE +- '
	run -0 lszap -A -o help
	assert_line --regexp '^APMASK +default '
	run -0 lszap -D -o HELP
	assert_line --regexp '^AQMASK +default '
	run -0 lszap -M -o help
	assert_line --regexp '^AUTOSTART +default '
	run -0 lszap --check -o help
	assert_line --regexp '^KIND +default '
}

@test "lszap -o help honours -n and -r, and needs no AP bus" {
	export SYSFS_ROOT=/nonexistent
	run -0 lszap -o help -n -r
	assert_line --index 0 --regexp '^APQN default queue:\\x20adapter.domain'
}

@test "lszap -n: no headings" {
	run -0 lszap -n -a 5 -d 1
	assert_output "05.0001 CEX5C CCA-Coproc online cex4queue host  -"
}

@test "lszap -r: one blank between columns, no alignment" {
	run -0 lszap -r -a 6 -d 1,0x47
	assert_output - <<-EOF
	APQN TYPE MODE STATUS DRIVER OWNER MDEV
	06.0001 CEX5A Accelerator online cex4queue host -
	06.0047 CEX5A Accelerator in\\x20use vfio_ap vfio 4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a
	EOF
}

@test "lszap -r -n: rows for 'while read'" {
	run -0 lszap -r -n -o apqn,status -d 4
	assert_output - <<-EOF
	05.0004 in\\x20use
	06.0004 in\\x20use
	EOF
}

@test "lszap -V: adds HWTYPE FUNCTIONS REQUESTS PENDING; -o LIST ignores it" {
	run -0 lszap -V 05.0001
	assert_line --index 0 --regexp 'MDEV +HWTYPE FUNCTIONS +REQUESTS PENDING$'
	run -0 lszap -V -o APQN 05.0001
	assert_output - <<-EOF
	APQN
	05.0001
	EOF
	run -0 lszap -V -o +ONLINE -n 05.0001
	assert_output --regexp 'S--D--N-F- +0 +0 yes$'
}

@test "lszap: -n and -r are for tables, not for JSON, -b or -x; -o for tables and JSON" {
	run -0 lszap -j -o APQN
	assert_line --index 1 '  "version": 1,'
	run -1 lszap -b -o APQN
	assert_output --partial "Only one of --output or --bus can be specified"
	run -1 lszap -x -n
	assert_output --partial "Only one of --noheadings or --matrix can be specified"
	run -1 lszap -j -r
	assert_output --partial "Only one of --raw or --json can be specified"
}

@test "lszap -x has no JSON form, and --owner does not apply to it" {
	run -1 lszap -x -j
	assert_output --partial "lszap: Only one of --matrix or --json can be specified"
	run -1 lszap -x --owner host
	assert_output --partial "lszap: Only one of --owner or --matrix can be specified"
}

@test "lszap: usage errors come before reading sysfs" {
	export SYSFS_ROOT=/nonexistent
	run -1 lszap -o FOO
	run -1 lszap -a 05
	run -2 lszap
	assert_output --partial "no AP bus"
}
