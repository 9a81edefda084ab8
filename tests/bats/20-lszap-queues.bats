#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-queues.bats - the default view, one row per queue: sorting, TYPE
# and MODE of every card kind, STATUS (online, offline, deconfig, chkstop,
# vfio_ap's in use/assigned/unassigned), DRIVER (also unbound queues),
# OWNER, MDEV (also shared and host-owned APQNs), the -V columns, and
# machines without zcrypt.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

# Three card kinds; the host keeps domains 1 and 2, vfio_ap gets 3 and 4;
# A has a running guest on 0a.0003, B holds 0b.0004, 0c.0004 is free.
kinds_machine() {
	cat <<-EOF
	bus aqmask=0-2,5-255
	adapter 10 hwtype=14 mode=cca domains=1-3
	adapter 11 hwtype=13 mode=ep11 domains=1-4
	adapter 12 hwtype=12 mode=accel domains=1,4
	mdev $A adapters=10 domains=3 control=none guest=yes
	mdev $B adapters=11 domains=4 control=none
	EOF
	printf '%s\n' "$@"
}

@test "lszap: one row per queue, sorted by adapter then domain, lszcrypt's look" {
	zap_tree - < <(kinds_machine)
	run -0 lszap
	assert_output - <<-EOF
	APQN    TYPE  MODE        STATUS     DRIVER    OWNER MDEV
	0a.0001 CEX8C CCA-Coproc  online     cex4queue host  -
	0a.0002 CEX8C CCA-Coproc  online     cex4queue host  -
	0a.0003 CEX8C CCA-Coproc  in use     vfio_ap   vfio  $A
	0b.0001 CEX7P EP11-Coproc online     cex4queue host  -
	0b.0002 CEX7P EP11-Coproc online     cex4queue host  -
	0b.0003 CEX7P EP11-Coproc unassigned vfio_ap   vfio  -
	0b.0004 CEX7P EP11-Coproc assigned   vfio_ap   vfio  $B
	0c.0001 CEX6A Accelerator online     cex4queue host  -
	0c.0004 CEX6A Accelerator unassigned vfio_ap   vfio  -
	EOF
}

@test "lszap: adapters and domains above 0x0f print as two and four hex digits" {
	zap_tree - <<-EOF
	adapter 0xab hwtype=14 mode=cca domains=0xff,0x10
	EOF
	run -0 lszap -n -o APQN
	assert_output - <<-EOF
	ab.0010
	ab.00ff
	EOF
}

@test "lszap: STATUS offline for a zcrypt queue taken offline" {
	zap_tree - < <(kinds_machine "queue 0a.0002 online=0")
	run -0 lszap -n -o APQN,STATUS 0a.0001 0a.0002
	assert_output - <<-EOF
	0a.0001 online
	0a.0002 offline
	EOF
}

@test "lszap: a deconfigured card's queues read deconfig, host and vfio alike" {
	zap_tree - < <(kinds_machine "adapter 13 hwtype=14 mode=cca domains=1,3 config=0")
	run -0 lszap -o APQN,STATUS,DRIVER,OWNER -a 13
	assert_output - <<-EOF
	APQN    STATUS   DRIVER    OWNER
	0d.0001 deconfig cex4queue host
	0d.0003 deconfig vfio_ap   vfio
	EOF
}

@test "lszap: a checkstopped card's queues read chkstop" {
	zap_tree - < <(kinds_machine "adapter 13 hwtype=14 mode=cca domains=1,3 chkstop=1")
	run -0 lszap -n -o APQN,STATUS -a 13
	assert_output - <<-EOF
	0d.0001 chkstop
	0d.0003 chkstop
	EOF
}

@test "lszap: a single checkstopped or deconfigured queue" {
	zap_tree - < <(kinds_machine "queue 0a.0001 chkstop=1" "queue 0b.0003 config=0")
	run -0 lszap -n -o APQN,STATUS 0a.0001 0b.0003
	assert_output - <<-EOF
	0a.0001 chkstop
	0b.0003 deconfig
	EOF
}

@test "lszap: an unbound queue has DRIVER and STATUS '-', its owner still shown" {
	zap_tree - < <(kinds_machine "queue 0b.0003 driver=none" "queue 0a.0001 driver=none")
	run -0 lszap -o APQN,STATUS,DRIVER,OWNER,MDEV 0a.0001 0b.0003
	assert_output - <<-EOF
	APQN    STATUS DRIVER OWNER MDEV
	0a.0001 -      -      host  -
	0b.0003 -      -      vfio  -
	EOF
}

@test "lszap: an mdev holding a host-owned APQN is still named in MDEV" {
	zap_tree - < <(kinds_machine "mdev 33333333-0000-4000-8000-000000000003 adapters=12 domains=1 control=none")
	run -0 lszap -n -o APQN,OWNER,MDEV 0c.0001
	assert_output "0c.0001 host  33333333-0000-4000-8000-000000000003"
}

@test "lszap: a shared APQN names the first mdev by UUID (--check names both)" {
	zap_tree - < <(kinds_machine "mdev 99999999-0000-4000-8000-000000000009 adapters=10 domains=3 control=none")
	run -0 lszap -n -o APQN,MDEV 0a.0003
	assert_output "0a.0003 99999999-0000-4000-8000-000000000009"
}

@test "lszap: MDEV names active mdevs only, not mdevctl definitions" {
	zap_tree - < <(kinds_machine "define 77777777-0000-4000-8000-000000000007 start=auto adapters=12 domains=4 control=none")
	run -0 lszap -n -o APQN,MDEV 0c.0004
	assert_output "0c.0004 -"
}

@test "lszap -V: hardware type, lszcrypt's function letters, counters" {
	zap_tree - < <(kinds_machine "queue 0a.0001 requests=1234 pending=3")
	run -0 lszap -V -o APQN,HWTYPE,RAWTYPE,FUNCTIONS,REQUESTS,PENDING 0a.0001 0a.0003 0b.0001 0c.0001
	assert_output - <<-EOF
	APQN    HWTYPE RAWTYPE FUNCTIONS  REQUESTS PENDING
	0a.0001     14      14 S--D--N-F-     1234       3
	0a.0003     14      14 S--D--N-F-        -       -
	0b.0001     13      13 S----XN-F-        0       0
	0c.0001     12      12 -MC-A-N-F-        0       0
	EOF
}

@test "lszap -o RAWTYPE: a newer card mapped to a compatible type" {
	zap_tree - <<-EOF
	adapter 1 hwtype=14 raw_hwtype=15 mode=cca domains=1
	EOF
	run -0 lszap -n -o APQN,TYPE,HWTYPE,RAWTYPE
	assert_output "01.0001 CEX8C     14      15"
}

@test "lszap -o ONLINE,CONFIG,CHKSTOP: '-' for online of a vfio_ap queue" {
	zap_tree - < <(kinds_machine "queue 0a.0002 online=0")
	run -0 lszap -o APQN,ONLINE,CONFIG,CHKSTOP 0a.0002 0a.0003
	assert_output - <<-EOF
	APQN    ONLINE CONFIG CHKSTOP
	0a.0002 no     yes    no
	0a.0003 -      yes    no
	EOF
}

@test "lszap: without zcrypt, TYPE is '-' and host queues are unbound" {
	zap_tree - < <(kinds_machine "drivers zcrypt=no")
	run -0 lszap -a 10
	assert_output - <<-EOF
	APQN    TYPE MODE       STATUS DRIVER  OWNER MDEV
	0a.0001 -    CCA-Coproc -      -       host  -
	0a.0002 -    CCA-Coproc -      -       host  -
	0a.0003 -    CCA-Coproc in use vfio_ap vfio  $A
	EOF
}

@test "lszap: no queue selected prints nothing, exit 0" {
	zap_tree - < <(kinds_machine)
	run -0 lszap --owner free -a 10
	assert_output ""
}

@test "lszap -V: FUNCTIONS, REQUESTS and PENDING exactly as lszcrypt prints them" {
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4
	adapter 6 hwtype=14 mode=cca domains=1 config=0
	EOF
	# S, D, H (stateless filtering by hardware) and F
	echo 0x91800000 > "$SYSFS_ROOT/devices/ap/card05/ap_functions"
	run -0 lszap -V -r -n -o APQN,DRIVER,FUNCTIONS,REQUESTS,PENDING
	assert_output - <<-EOF
	05.0001 cex4queue S--D---HF- 0 0
	05.0004 vfio_ap S--D---HF- - -
	06.0001 cex4queue S--D--N-F- - -
	EOF
	# ten letters, each in its place, whatever the bits
	run -0 lszap -A -V -r -n -o ID,FUNCTIONS,REQUESTS,PENDING
	assert_output - <<-EOF
	0x5 S--D---HF- 0 0
	0x6 S--D--N-F- - -
	EOF
	echo 0xffc00000 > "$SYSFS_ROOT/devices/ap/card05/ap_functions"
	run -0 lszap -A -V -r -n -o FUNCTIONS -a 5
	assert_output "SMCDAXNHFR"
}
