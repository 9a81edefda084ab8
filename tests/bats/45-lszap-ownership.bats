#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 45-lszap-ownership.bats - issue 15, lszap side: the ownership model
# (masks, overrides, mixed) and override support in -b and JSON, the queue
# column OVERRIDE and key "driver_override", the kernel's host-ownership
# rule (shared/spec/driver-override.md DO-22) in OWNER, --free, --matrix and
# --check, and the --check kinds mixed-ownership and boot-conflict of the
# overrides model. Fixture trees from mkfixture (tests/machine/FORMAT.md).

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	UUID=5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e0f
}

# jqz FILTER: lszap --json piped through jq -c FILTER.
jqz() {
	command -v jq > /dev/null || skip "jq is not installed"
	lszap --json | jq -c "$1"
}

@test "lszap -b: a 6.19 host with two overrides to vfio_ap is in the overrides model" {
	zap_tree "$MACHINES/examples/overrides.machine"
	run -0 lszap -b
	assert_line 'ownership: overrides'
	assert_line 'driver_override_supported: yes'
}

@test "lszap -b: a 6.19 host without overrides and all-ones masks is in the masks model" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	EOF
	run -0 lszap -b
	assert_line 'ownership: masks'
	assert_line 'driver_override_supported: yes'
}

@test "lszap -b: a kernel before 6.19 has no driver_override support" {
	zap_tree - <<-EOF
	bus aqmask=0-0x46,0x48-0xff
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	EOF
	run -0 lszap -b
	assert_line 'ownership: masks'
	assert_line 'driver_override_supported: no'
}

@test "lszap -b: an override next to a boot-parameter aqmask is mixed" {
	zap_tree "$MACHINES/examples/mixed.machine"
	run -0 lszap -b
	assert_line 'ownership: mixed'
}

@test "lszap --json: bus keys ownership and driver_override_supported, queue key driver_override" {
	zap_tree "$MACHINES/examples/overrides.machine"
	run -0 jqz '.bus | [.ownership, .driver_override_supported]'
	assert_output '["overrides",true]'
	run -0 jqz '[.queues[] | [.apqn, .driver_override]]'
	assert_output '[["05.0004",null],["05.0047","vfio_ap"],["06.0004",null],["06.0047","vfio_ap"],["07.0004",null],["07.0047",null]]'
}

@test "lszap -o OVERRIDE shows each queue's driver_override, - when none; -V shows it" {
	zap_tree "$MACHINES/examples/overrides.machine"
	run -0 lszap -o APQN,DRIVER,OWNER,OVERRIDE
	assert_output - <<-EOF
	APQN    DRIVER    OWNER OVERRIDE
	05.0004 cex4queue host  -
	05.0047 vfio_ap   vfio  vfio_ap
	06.0004 cex4queue host  -
	06.0047 vfio_ap   vfio  vfio_ap
	07.0004 cex4queue host  -
	07.0047 cex4queue host  -
	EOF
	run -0 lszap -V
	assert_line --index 0 --regexp ' OVERRIDE$'
	assert_line --index 2 --regexp '^05\.0047 .* vfio_ap$'
}

@test "OWNER follows DO-22: unbound or overridden to an absent driver is the host's, bound to cex4queue with an override too" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=1,2,3,4
	override 05.0001 vfio_ap
	queue 05.0001 driver=none
	override 05.0002 cex4queue
	override 05.0003 nosuchdriver
	override 05.0004 vfio_ap
	EOF
	run -0 lszap -o APQN,DRIVER,OWNER,OVERRIDE
	assert_output - <<-EOF
	APQN    DRIVER    OWNER OVERRIDE
	05.0001 -         host  vfio_ap
	05.0002 cex4queue host  cex4queue
	05.0003 -         host  nosuchdriver
	05.0004 vfio_ap   vfio  vfio_ap
	EOF
}

@test "lszap --free and --matrix: only the overridden queue bound to vfio_ap is vfio_ap's" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 7 hwtype=14 mode=cca domains=4,0x47
	override 05.0047 vfio_ap
	EOF
	run -0 lszap --free -r -n -o APQN
	assert_output '05.0047'
	run -0 lszap --matrix
	assert_line --index 3 '0x47  .H'
}

@test "lszap --check: an mdev in the overrides model holds only switched queues: no problem" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4,0x47
	override 05.0047 vfio_ap
	override 06.0047 vfio_ap
	mdev $UUID adapters=5,6 domains=0x47 control=0x47
	EOF
	run -0 lszap --check -n
	drop_not_persistent
	assert_output ''
}

@test "lszap --check: host-apqn names the queue an mdev holds that no override gives to vfio_ap" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4,0x47
	override 05.0047 vfio_ap
	mdev $UUID adapters=5,6 domains=0x47 control=0x47
	EOF
	run -3 lszap --check -r -n -o KIND,APQNS
	drop_not_persistent
	assert_output 'host-apqn 06.0047'
}

@test "lszap --check: mixed-ownership is an error naming the overridden queues" {
	zap_tree "$MACHINES/examples/mixed.machine"
	run -3 lszap --check -r -n -o KIND,APQNS
	assert_output 'mixed-ownership 05.0048'
	run -3 lszap --check -n -o MESSAGE
	assert_output --partial 'every mask write fails (EINVAL)'
}

@test "lszap --check: boot-conflict for an autostart definition whose APQNs only an override gives to vfio_ap" {
	zap_tree "$MACHINES/examples/overrides.machine"
	run -3 lszap --check -r -n -o KIND,APQNS,MDEVS
	assert_output "boot-conflict 05.0047,06.0047 $UUID"
	run -3 lszap --check -n -o MESSAGE
	assert_output --partial "ap-check (masks only) refuses its start at boot"
}

@test "lszap --check: boot-conflict for a 41-ap.rules in the overrides model" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	override 05.0047 vfio_ap
	rules apmask=0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff aqmask=0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
	EOF
	run -3 lszap --check -r -n -o KIND,PATH
	assert_output "boot-conflict $R/etc/udev/rules.d/41-ap.rules"
}

@test "lszap --persistent: overrides are gone after a reboot: the masks model" {
	zap_tree "$MACHINES/examples/overrides.machine"
	run -0 lszap --persistent -b
	assert_line 'ownership: masks'
	run -0 lszap --persistent -r -n -o APQN,OWNER,OVERRIDE
	assert_line '05.0047 host -'
}

@test "lszap --check: override-pending names a queue bound to another driver than its override" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	override 05.0047 vfio_ap
	queue 05.0047 driver=cex4queue
	EOF
	run -3 lszap --check -r -n -o KIND,APQNS
	assert_output 'override-pending 05.0047'
}

@test "lszap --persistent: driverctl's saved overrides (etc/driverctl.d/ap-AA.DDDD) give their queues to vfio_ap at boot" {
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	driverctl 05.0047 vfio_ap
	driverctl 05.0004 cex4queue
	EOF
	run -0 lszap --persistent -r -n -o APQN,DRIVER,OWNER,OVERRIDE
	assert_output - <<-EOF
	05.0004 cex4queue host -
	05.0047 vfio_ap vfio vfio_ap
	EOF
	run -0 lszap -r -n -o APQN,OWNER,OVERRIDE
	assert_line '05.0047 host -'
}

@test "lszap --export: an overrides host exports \"ownership\": \"overrides\" with its vfio_ap queues; a mixed host is refused" {
	command -v jq > /dev/null || skip "jq is not installed"
	zap_tree "$MACHINES/examples/overrides.machine"
	run -0 --separate-stderr lszap --export
	run -0 jq -c '[.ownership, .vfio_ap]' <<< "$output"
	assert_output '["overrides",{"queues":["05.0047","06.0047"]}]'
	zap_tree "$MACHINES/examples/mixed.machine"
	run -3 --separate-stderr lszap --export
	assert_output ''
	assert_equal "$stderr" "lszap: ownership is mixed (a driver_override while apmask/aqmask are not all ones): no document describes this host (lszap --check)"
}
