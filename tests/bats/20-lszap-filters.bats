#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-filters.bats - -a LIST, -d LIST, -m UUID, --owner and APQN
# arguments in every view; bad values (exit 1 naming the culprit), leading
# zeros, ids above the bus's maxima and unknown mdevs (exit 2).

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
D=dddddddd-0000-4000-8000-000000000004

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	zap_tree - <<-EOF
	bus max_adapter=63 max_domain=85 aqmask=0-3,5-70,72-85
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47
	adapter 7 hwtype=14 mode=accel domains=1,4,0x47
	mdev $A adapters=5,6 domains=4 control=1
	mdev $B adapters=7 domains=0x47 control=none
	define $D start=auto adapters=6 domains=0x47 control=0x50
	EOF
}

# The APQN column of lszap with the arguments.
apqns() {
	lszap -n -o APQN "$@" | tr '\n' ' '
}

@test "lszap -a: decimal, 0x hex, lists and ranges" {
	run -0 apqns -a 5
	assert_output "05.0001 05.0004 05.0047 "
	run -0 apqns -a 0x6-7 -d 1
	assert_output "06.0001 07.0001 "
	run -0 apqns --adapter=5,7 --domain 0x47
	assert_output "05.0047 07.0047 "
}

@test "lszap -d: decimal and hex name the same domain" {
	run -0 apqns -d 71
	assert_output "05.0047 06.0047 07.0047 "
	run -0 apqns -d 0x47
	assert_output "05.0047 06.0047 07.0047 "
}

@test "lszap -a 05: a leading zero is refused as ambiguous, exit 1" {
	run -1 --separate-stderr lszap -a 05
	assert_output ""
	[ "${stderr_lines[0]}" = "lszap: ambiguous adapter id '05': leading zero (write 5 or 0x5)" ]
	[ "${stderr_lines[1]}" = "Try 'lszap --help' for more information." ]
	run -1 lszap -d 1,047
	assert_output --partial "ambiguous domain id '047'"
}

@test "lszap -a/-d: bad numbers and lists exit 1 naming the culprit" {
	run -1 lszap -a five
	assert_output --partial "lszap: invalid adapter id 'five'"
	run -1 lszap -d 4-
	assert_output --partial "lszap: empty domain id"
	run -1 lszap -d 9-3
	assert_output --partial "lszap: invalid domain range '9-3': end below start"
	run -1 lszap -a ''
	assert_output --partial "lszap: empty adapter list"
}

@test "lszap -a/-d above the bus's maxima: exit 2 naming the maximum" {
	run -2 --separate-stderr lszap -a 64
	assert_output ""
	[ "$stderr" = "lszap: adapter id '64' is above the maximum 0x3f" ]
	run -2 lszap -d 0x56
	assert_output "lszap: domain id '0x56' is above the maximum 0x55"
	run -2 lszap -a 256
	assert_output "lszap: adapter id '256' is above the maximum 0xff"
}

@test "lszap APQN...: only those queues, any case, duplicates once" {
	run -0 apqns 06.0047 05.0001 06.0047 07.000A
	assert_output "05.0001 06.0047 "
	run -0 apqns 07.0004 07.0047
	assert_output "07.0004 07.0047 "
}

@test "lszap APQN: an APQN without a queue device selects nothing" {
	run -0 lszap 05.0002
	assert_output ""
}

@test "lszap APQN: bad syntax exit 1, ids above the maxima exit 2" {
	run -1 lszap 5.47
	assert_output --partial "lszap: invalid APQN '5.47': write it as AA.DDDD in hex, e.g. 05.0047"
	run -1 lszap 05.0047x
	assert_output --partial "invalid APQN '05.0047x'"
	run -2 lszap 40.0001
	assert_output "lszap: APQN '40.0001': adapter id 0x40 is above the maximum 0x3f"
	run -2 lszap 05.0056
	assert_output "lszap: APQN '05.0056': domain id 0x56 is above the maximum 0x55"
	run -2 lszap 05.0100
	assert_output --partial "lszap: APQN '05.0100'"
}

@test "lszap -m UUID: the mdev's queues; any case" {
	run -0 apqns -m "$A"
	assert_output "05.0004 06.0004 "
	run -0 apqns --mdev "${B^^}"
	assert_output "07.0047 "
}

@test "lszap -m UUID of a definition only: the queues its definition names" {
	run -0 apqns -m "$D"
	assert_output "06.0047 "
}

@test "lszap -m: a malformed UUID exit 1, an unknown one exit 2" {
	run -1 lszap -m 1234
	assert_output --partial "lszap: invalid UUID '1234'"
	run -2 lszap -m 99999999-0000-4000-8000-000000000009
	assert_output "lszap: unknown mdev 99999999-0000-4000-8000-000000000009: neither active nor defined"
}

@test "lszap --owner host|vfio|free|UUID" {
	run -0 apqns --owner host
	assert_output "05.0001 06.0001 07.0001 "
	run -0 apqns --owner vfio
	assert_output "05.0004 05.0047 06.0004 06.0047 07.0004 07.0047 "
	run -0 apqns --owner free
	assert_output "05.0047 06.0047 07.0004 "
	run -0 apqns --owner "$B"
	assert_output "07.0047 "
	run -0 apqns --owner "$D"
	assert_output ""
}

@test "lszap --owner: bad values exit 1, unknown mdev exit 2" {
	run -1 lszap --owner guest
	assert_output --partial "lszap: invalid owner 'guest': use host, vfio, free or an mdev UUID"
	run -2 lszap --owner 99999999-0000-4000-8000-000000000009
	assert_output --partial "unknown mdev"
}

@test "lszap: filters combine (and)" {
	run -0 apqns --owner free -a 5-6
	assert_output "05.0047 06.0047 "
	run -0 apqns -m "$A" -d 4 -a 6
	assert_output "06.0004 "
	run -0 apqns -m "$A" --owner host
	assert_output ""
}

@test "lszap -A with filters: -a ids, -d and --owner by their queues, -m its adapters" {
	run -0 lszap -A -n -o ID -a 6-7
	assert_output - <<-EOF
	0x6
	0x7
	EOF
	run -0 lszap -A -n -o ID -m "$A"
	assert_output - <<-EOF
	0x5
	0x6
	EOF
	run -0 lszap -A -n -o ID --owner "$B"
	assert_output "0x7"
	run -0 lszap -A -n -o ID 06.0001
	assert_output "0x6"
}

@test "lszap -D with filters: -m gives usage and control domains" {
	run -0 lszap -D -n -o ID -m "$A"
	assert_output - <<-EOF
	0x1
	0x4
	EOF
	run -0 lszap -D -n -o ID -m "$D"
	assert_output - <<-EOF
	0x47
	0x50
	EOF
	run -0 lszap -D -n -o ID --owner free -a 7
	assert_output "0x4"
}

@test "lszap -M with filters: by adapter, domain, APQN, owner" {
	run -0 lszap -M -n -o UUID -a 6
	assert_output - <<-EOF
	$A
	$D
	EOF
	run -0 lszap -M -n -o UUID -d 0x50
	assert_output "$D"
	run -0 lszap -M -n -o UUID 07.0047
	assert_output "$B"
	run -0 lszap -M -n -o UUID -m "$B"
	assert_output "$B"
	run -0 lszap -M -n -o UUID --owner free
	assert_output "$D"
}

@test "lszap -b ignores the filters" {
	expected=$(lszap -b)
	run -0 lszap -b -a 5 -m "$A"
	assert_output "$expected"
}
