#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-views.bats - the views -A (adapters), -D (domains), -M (mdevs)
# and -b (bus): their columns, which ids they list (present, in the QCI
# masks, assigned: over-provisioned mdevs), mdevctl definitions, -V, and
# kernels without QCI, features, ap_config or guest_matrix.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
D=dddddddd-0000-4000-8000-000000000004
M=eeeeeeee-0000-4000-8000-000000000005

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

# Adapters 5 (CCA) and 6 (EP11), domains 1, 2 host, 4 and 0x47 vfio; A runs
# a guest on 05.0004 06.0004 with control domain 4, B is over-provisioned
# (adapter 7 and domain 9 do not exist), D is only an autostart definition,
# M only a manual one.
views_machine() {
	cat <<-EOF
	bus max_adapter=63 max_domain=85 aqmask=0-3,5-70,72-85
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=13 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=5,6 domains=4 control=4 guest=yes
	mdev $B adapters=6,7 domains=0x47,9 control=none
	define $A start=auto adapters=5,6 domains=4 control=4
	define $D start=auto adapters=5 domains=0x47 control=none
	define $M start=manual adapters=6 domains=0x47 control=0x47
	EOF
	printf '%s\n' "$@"
}

@test "lszap -A: present and assigned adapters, their mdevs active or defined" {
	zap_tree - < <(views_machine)
	run -0 lszap -A
	assert_output - <<-EOF
	ID  TYPE  MODE        STATUS APMASK QUEUES MDEVS
	0x5 CEX8C CCA-Coproc  online yes         4 $A,$D
	0x6 CEX7P EP11-Coproc online yes         4 $A,$B,$M
	0x7 -     -           -      yes         0 $B
	EOF
}

@test "lszap -A: deconfigured and checkstopped cards, apmask bit cleared" {
	zap_tree - < <(views_machine "adapter 8 hwtype=12 mode=accel domains=1 config=0" \
		"adapter 9 hwtype=12 mode=accel domains=1 chkstop=1" \
		"adapter 10 hwtype=12 mode=accel domains=1 online=0" "bus apmask=0-7,9-63")
	run -0 lszap -A -o ID,TYPE,STATUS,APMASK,ONLINE,CONFIG,CHKSTOP -a 8-10
	assert_output - <<-EOF
	ID  TYPE  STATUS   APMASK ONLINE CONFIG CHKSTOP
	0x8 CEX6A deconfig no     no     no     no
	0x9 CEX6A chkstop  yes    yes    yes    yes
	0xa CEX6A offline  yes    no     yes    no
	EOF
}

@test "lszap -A -V: hardware type, functions and the card's counters" {
	zap_tree - < <(views_machine "adapter 8 hwtype=12 mode=accel domains=1 requests=77")
	run -0 lszap -A -V -o ID,HWTYPE,FUNCTIONS,REQUESTS,PENDING -a 5,6,8
	assert_output - <<-EOF
	ID  HWTYPE FUNCTIONS  REQUESTS PENDING
	0x5     14 S--D--N-F-        0       0
	0x6     13 S----XN-F-        0       0
	0x8     12 -MC-A-N-F-       77       0
	EOF
}

@test "lszap -A: adapters of the QCI adapter mask without a card are listed" {
	zap_tree - <<-EOF
	adapter 5 hwtype=14 mode=cca domains=1
	EOF
	printf '0x0580000000000000000000000000000000000000000000000000000000000000\n' \
		> "$SYSFS_ROOT/bus/ap/ap_adapter_mask"
	run -0 lszap -A -o ID,TYPE,QUEUES
	assert_output - <<-EOF
	ID  TYPE  QUEUES
	0x5 CEX8C      1
	0x7 -          0
	0x8 -          0
	EOF
}

@test "lszap -D: QCI usage and control domains, aqmask bit, queues, mdevs" {
	zap_tree - < <(views_machine "control_domains 1,2,4,0x47,0x50")
	run -0 lszap -D
	assert_output - <<-EOF
	ID   USAGE CONTROL AQMASK QUEUES MDEVS
	0x1  yes   yes     yes         2 -
	0x2  yes   yes     yes         2 -
	0x4  yes   yes     no          2 $A
	0x9  no    no      yes         0 $B
	0x47 yes   yes     no          2 $B,$D,$M
	0x50 no    yes     yes         0 -
	EOF
}

@test "lszap -D -o +DEFAULT: the bus's default domain" {
	zap_tree - < <(views_machine)
	run -0 lszap -D -n -o ID,DEFAULT -d 1,2
	assert_output - <<-EOF
	0x1 yes
	0x2 no
	EOF
}

@test "lszap -M: active and defined mdevs, sorted by UUID" {
	zap_tree - < <(views_machine)
	run -0 lszap -M
	assert_output - <<-EOF
	UUID                                 ADAPTERS DOMAINS  CONTROL APQNS ACTIVE DEFINED AUTOSTART INUSE VM
	$A 0x5,0x6  0x4      0x4         2 yes    yes     yes       yes   -
	$B 0x6,0x7  0x9,0x47 -           4 yes    no      no        no    -
	$D 0x5      0x47     -           1 no     yes     yes       no    -
	$M 0x6      0x47     0x47        1 no     yes     no        no    -
	EOF
}

@test "lszap -M -V: GUEST counts guest_matrix APQNs; '-' for inactive mdevs" {
	zap_tree - < <(views_machine)
	run -0 lszap -M -V -n -o UUID,APQNS,GUEST
	assert_output - <<-EOF
	$A     2     2
	$B     4     1
	$D     1     -
	$M     1     -
	EOF
}

@test "lszap -M: a kernel without guest_matrix shows GUEST '-'" {
	zap_tree - < <(views_machine "kernel guest_matrix=no ap_config=no")
	run -0 lszap -M -V -r -n -o UUID,ADAPTERS,DOMAINS,CONTROL,GUEST -m "$A"
	assert_output "$A 0x5,0x6 0x4 0x4 -"
}

@test "lszap -M: without ap_config the matrix and control_domains files are read" {
	zap_tree - < <(views_machine "kernel ap_config=no")
	[ ! -e "$(zap_mdev_dir "$A")/ap_config" ]
	run -0 lszap -M -n -o UUID,ADAPTERS,DOMAINS,CONTROL,APQNS
	assert_line "$A 0x5,0x6  0x4      0x4         2"
	assert_line "$B 0x6,0x7  0x9,0x47 -           4"
}

@test "lszap -M: an mdev with nothing assigned" {
	zap_tree - <<-EOF
	adapter 5 hwtype=14 mode=cca domains=1
	mdev $A adapters=none domains=none control=none
	EOF
	run -0 lszap -M -n
	assert_output "$A -        -       -           0 yes    no      no        no    -"
}

@test "lszap -b: key: value lines" {
	zap_tree "$MACHINES/demo.machine"
	run -0 lszap -b
	assert_output - <<-EOF
	apmask: 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
	aqmask: 0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe
	adapter_mask: 0x0600000000000000000000000000000000000000000000000000000000000000
	usage_domain_mask: 0x6800000000000000010000000000000000000000001000000000000000000001
	control_domain_mask: 0x6800000000000000010000000000000000000000001000000000000000000001
	max_adapter_id: 0xff
	max_domain_id: 0xff
	ap_domain: 0x1
	features: APSC APXA QACT
	vfio_ap: yes
	available_instances: 65533
	EOF
}

@test "lszap -b: an old kernel: no QCI, no features, no vfio_ap, no default domain" {
	zap_tree - <<-EOF
	bus max_adapter=63 max_domain=15 qci=no aqmask=none ap_domain=auto
	kernel features=no
	drivers vfio_ap=no
	adapter 1 hwtype=10 mode=cca domains=1
	EOF
	run -0 lszap -b
	assert_output - <<-EOF
	apmask: 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
	aqmask: 0x0000000000000000000000000000000000000000000000000000000000000000
	adapter_mask: -
	usage_domain_mask: -
	control_domain_mask: -
	max_adapter_id: 0x3f
	max_domain_id: 0xf
	ap_domain: -
	features: -
	vfio_ap: no
	available_instances: -
	EOF
}

@test "lszap -D: without QCI, USAGE and CONTROL are '-' and queues give the ids" {
	zap_tree - <<-EOF
	bus qci=no
	adapter 1 hwtype=10 mode=cca domains=3,5
	EOF
	run -0 lszap -D -o ID,USAGE,CONTROL,QUEUES
	assert_output - <<-EOF
	ID  USAGE CONTROL QUEUES
	0x3 -     -            1
	0x5 -     -            1
	EOF
}

@test "lszap -A, -D, -M: empty views print nothing" {
	zap_tree - <<-EOF
	drivers vfio_ap=no
	EOF
	run -0 lszap -A
	assert_output ""
	run -0 lszap -M
	assert_output ""
}
