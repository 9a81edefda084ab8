#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-matrix.bats - lszap --matrix: rows = domains, columns = adapters
# present or assigned, H / . / mdev symbol / ! / blank per APQN, the legend,
# blocks that fit the terminal, -m and the id filters.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
D=dddddddd-0000-4000-8000-000000000004

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

# adapters FIRST LAST DOMAINS: one adapter line per id.
adapters() {
	local a

	for a in $(seq "$1" "$2"); do
		echo "adapter $a hwtype=14 mode=cca domains=$3"
	done
}

# many_mdevs N: mdev i holds APQN (i, 1).
many_mdevs() {
	local i

	for i in $(seq 0 $(($1 - 1))); do
		printf 'mdev %08x-0000-4000-8000-000000000000 adapters=%d domains=1 control=none\n' "$i" "$i"
	done
}

@test "lszap -x: the demo machine" {
	zap_tree "$MACHINES/demo.machine"
	run -0 lszap -x
	assert_output - <<-EOF
	      00
	      56
	0x1   HH
	0x2   HH
	0x4   bb
	0x47  ca
	0xab  bb
	0xff  ca

	rows: domains, columns: adapters (hex ids, read downwards)
	H host   . vfio_ap, free   ! conflict (see lszap --check)   blank: no queue
	a 4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a
	b 62177883-f1bb-47f0-914d-32a22e3a8804
	c cef03c3c-903d-4ecc-9a83-40694cb8aee4
	EOF
}

@test "lszap -x: free vfio queues, conflicts, missing queues, assigned-only adapters" {
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 1 hwtype=14 mode=cca domains=1,4,5
	adapter 2 hwtype=14 mode=cca domains=1,4
	mdev $A adapters=1 domains=4 control=none
	mdev $B adapters=1,3 domains=4,5 control=none
	mdev $D adapters=2 domains=1 control=none
	EOF
	run -0 lszap -x
	assert_output - <<-EOF
	      000
	      123
	0x1   H!
	0x4   !.
	0x5   a

	rows: domains, columns: adapters (hex ids, read downwards)
	H host   . vfio_ap, free   ! conflict (see lszap --check)   blank: no queue
	a $B
	EOF
}

@test "lszap -x -m UUID: only that mdev's rows and columns" {
	zap_tree "$MACHINES/demo.machine"
	run -0 lszap -x -m cef03c3c-903d-4ecc-9a83-40694cb8aee4
	assert_output - <<-EOF
	      0
	      5
	0x47  a
	0xff  a

	rows: domains, columns: adapters (hex ids, read downwards)
	H host   . vfio_ap, free   ! conflict (see lszap --check)   blank: no queue
	a cef03c3c-903d-4ecc-9a83-40694cb8aee4
	EOF
}

@test "lszap -x -a -d: rows and columns chosen by id" {
	zap_tree "$MACHINES/demo.machine"
	run -0 lszap -x -a 6 -d 1-4
	assert_output - <<-EOF
	      0
	      6
	0x1   H
	0x2   H
	0x4   a

	rows: domains, columns: adapters (hex ids, read downwards)
	H host   . vfio_ap, free   ! conflict (see lszap --check)   blank: no queue
	a 62177883-f1bb-47f0-914d-32a22e3a8804
	EOF
}

@test "lszap -x: adapters in groups of eight, blocks that fit \$COLUMNS" {
	zap_tree - < <(adapters 0 19 1)
	COLUMNS=30 run -0 lszap -x
	assert_output - <<-EOF
	      00000000 00000000
	      01234567 89abcdef
	0x1   HHHHHHHH HHHHHHHH

	      1111
	      0123
	0x1   HHHH

	rows: domains, columns: adapters (hex ids, read downwards)
	H host   . vfio_ap, free   ! conflict (see lszap --check)   blank: no queue
	EOF
}

@test "lszap -x: 85 domains x 60 adapters fit a 120-column terminal in one block" {
	zap_tree - < <(adapters 0 59 0-84)
	COLUMNS=120 run -0 lszap -x
	[ "${#lines[@]}" -eq $((2 + 85 + 2)) ]
	for line in "${lines[@]}"; do
		[ "${#line}" -le 120 ]
	done
}

@test "lszap -x: more mdevs than symbols share '*'" {
	zap_tree - < <(echo "bus aqmask=none"; adapters 0 63 1; many_mdevs 64)
	COLUMNS=200 run -0 lszap -x
	assert_line --index 2 "0x1   abcdefgh ijklmnop qrstuvwx yzABCDEF GIJKLMNO PQRSTUVW XYZ01234 56789***"
	assert_line "9 0000003c-0000-4000-8000-000000000000"
	assert_line "* one of 3 more mdevs (lszap -x -m UUID shows one)"
}

@test "lszap -x on a machine without adapters prints nothing" {
	zap_tree - <<-EOF
	bus apmask=all
	EOF
	run -0 lszap -x
	assert_output ""
}
