#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-empty.bats - lszap where there is little or nothing: no AP bus
# (exit 2, a clear message, in every view), an AP bus without devices, an
# AP bus without vfio_ap, a host without mdevs.

A=aaaaaaaa-0000-4000-8000-000000000001

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

@test "lszap without an AP bus: exit 2, one line saying so, in every view" {
	mkdir -p "$BATS_TEST_TMPDIR/empty/sys"
	export SYSFS_ROOT="$BATS_TEST_TMPDIR/empty/sys"
	for view in "" -A -D -M -b -x --check --json "-A --json"; do
		run -2 --separate-stderr lszap $view
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ]
		[ "$stderr" = "lszap: no AP bus: $SYSFS_ROOT/bus/ap does not exist (no crypto adapters, or the ap module is not loaded)" ]
	done
}

@test "lszap with ZAP_ROOT only: sysfs is \$ZAP_ROOT/sys" {
	zap_tree "$MACHINES/demo.machine"
	unset SYSFS_ROOT
	run -0 lszap -n -o APQN 05.0047
	assert_output "05.0047"
	export ZAP_ROOT="$BATS_TEST_TMPDIR/nothing"
	run -2 lszap
	assert_output --partial "lszap: no AP bus: $BATS_TEST_TMPDIR/nothing/sys/bus/ap does not exist"
}

@test "lszap on an AP bus without any device: empty views, exit 0" {
	zap_tree - <<-EOF
	bus max_adapter=63 max_domain=15
	EOF
	for view in "" -A -M -x --check; do
		run -0 lszap $view
		assert_output ""
	done
	run -0 lszap -D -n -o ID,USAGE
	assert_output ""
	run -0 lszap -b
	assert_line "max_adapter_id: 0x3f"
}

@test "lszap with an AP bus but no vfio_ap: vfio queues are unbound, no mdevs" {
	zap_tree - <<-EOF
	drivers vfio_ap=no
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4
	EOF
	run -0 lszap
	assert_output - <<-EOF
	APQN    TYPE  MODE       STATUS DRIVER    OWNER MDEV
	05.0001 CEX8C CCA-Coproc online cex4queue host  -
	05.0004 CEX8C CCA-Coproc -      -         vfio  -
	EOF
	run -0 lszap -M
	assert_output ""
	run -0 lszap -b
	assert_line "vfio_ap: no"
	assert_line "available_instances: -"
	run -3 lszap --check -r -n -o KIND,APQNS
	assert_output "unbound 05.0004"
}

@test "lszap -m without vfio_ap: the unknown mdev's message says why" {
	zap_tree - <<-EOF
	drivers vfio_ap=no
	adapter 5 hwtype=14 mode=cca domains=1
	EOF
	run -2 lszap -m "$A"
	assert_output "lszap: unknown mdev $A: neither active nor defined (vfio_ap is not loaded: modprobe vfio_ap)"
}

@test "lszap without vfio_ap still lists mdevctl definitions" {
	zap_tree - <<-EOF
	drivers vfio_ap=no
	adapter 5 hwtype=14 mode=cca domains=1
	define $A start=auto adapters=5 domains=1 control=none
	EOF
	run -0 lszap -M -r -n -o UUID,ACTIVE,DEFINED,AUTOSTART
	assert_output "$A no yes yes"
}

@test "lszap on a host without mdevs: vfio_ap loaded, every vfio queue unassigned" {
	zap_tree - <<-EOF
	bus aqmask=none
	adapter 5 hwtype=14 mode=cca domains=1,2
	EOF
	run -0 lszap -n -o APQN,STATUS,OWNER,MDEV
	assert_output - <<-EOF
	05.0001 unassigned vfio  -
	05.0002 unassigned vfio  -
	EOF
	run -0 lszap -M
	assert_output ""
	run -0 lszap --check
	assert_output ""
	run -0 lszap -x
	assert_line --index 2 "0x1   ."
}
