#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-check.bats - lszap --check: exit 0 when clean, 3 when a problem
# is found; one row per problem (kind, APQNs, mdevs, message) for each kind
# the contract names (shared-apqn, host-apqn, unsupported-type, unbound,
# control-without-usage, not-in-config informational), mdevctl definitions,
# filters, JSON.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
D=dddddddd-0000-4000-8000-000000000004

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

# Host: domains 1, 2; vfio_ap: 4, 0x47. A holds 05.0004.
base_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=5 domains=4 control=none
	EOF
	printf '%s\n' "$@"
}

@test "lszap --check: a clean configuration prints nothing, exit 0" {
	zap_tree "$MACHINES/demo.machine"
	run -0 lszap --check
	drop_not_persistent
	assert_output ""
}

@test "lszap --check: shared-apqn between two mdevs, exit 3" {
	zap_tree - < <(base_machine "mdev $B adapters=5,6 domains=4 control=none")
	run -3 lszap --check -r -n -o KIND,APQNS,MDEVS
	drop_not_persistent
	assert_output "shared-apqn 05.0004 $A,$B"
	run -3 lszap --check -n -o MESSAGE
	drop_not_persistent
	assert_output "mdev $A and mdev $B share 1 APQN: 05.0004"
}

@test "lszap --check: shared-apqn between an mdev and an autostart definition" {
	zap_tree - < <(base_machine "define $D start=auto adapters=5 domains=4 control=none")
	run -3 lszap --check -r -n -o KIND,APQNS,MDEVS
	drop_not_persistent
	assert_output "shared-apqn 05.0004 $A,$D"
}

@test "lszap --check: host-apqn for an mdev and for an autostart definition" {
	zap_tree - < <(base_machine "mdev $B adapters=6 domains=1 control=none" \
		"define $D start=auto adapters=5 domains=2 control=none")
	run -3 lszap --check -r -n -o KIND,APQNS,MDEVS
	drop_not_persistent
	assert_line "host-apqn 06.0001 $B"
	assert_line "host-apqn 05.0002 $D"
}

@test "lszap --check: unsupported-type for vfio pool queues of an old card" {
	zap_tree - < <(base_machine "adapter 7 hwtype=10 mode=accel domains=1,0x47")
	echo 9 > "$SYSFS_ROOT/devices/ap/card07/hwtype"
	run -3 lszap --check -r -n -o KIND,APQNS
	drop_not_persistent
	assert_output "unsupported-type 07.0047"
}

@test "lszap --check: unbound queues" {
	zap_tree - < <(base_machine "queue 06.0001 driver=none" "queue 06.0047 driver=none")
	run -3 lszap --check -r -n -o KIND,APQNS,MDEVS
	drop_not_persistent
	assert_output "unbound 06.0001,06.0047 -"
}

@test "lszap --check: control-without-usage" {
	zap_tree - < <(base_machine "mdev $B adapters=6 domains=none control=1")
	run -3 lszap --check -r -n -o KIND,MDEVS
	drop_not_persistent
	assert_output "control-without-usage $B"
}

@test "lszap --check: not-in-config alone is informational, exit 0" {
	zap_tree - < <(base_machine "mdev $B adapters=9 domains=0x47 control=none")
	run -0 lszap --check -r -n -o KIND,APQNS,MDEVS,SEVERITY
	drop_not_persistent
	assert_output "not-in-config 09.0047 $B info"
}

@test "lszap --check: a manual definition overlapping an mdev" {
	zap_tree - < <(base_machine "define $D start=manual adapters=5 domains=4 control=none")
	run -3 lszap --check -r -n -o KIND,MDEVS,SEVERITY
	drop_not_persistent
	assert_output "manual-overlap $D,$A error"
}

@test "lszap --check: an unusable mdevctl definition, with its path" {
	zap_tree - < <(base_machine)
	mkdir -p "$ZAP_ROOT/etc/mdevctl.d/matrix"
	echo '{ "mdev_type": ' > "$ZAP_ROOT/etc/mdevctl.d/matrix/$D"
	run -3 lszap --check -r -n -o KIND,MDEVS,PATH
	drop_not_persistent
	assert_output "bad-definition $D $ZAP_ROOT/etc/mdevctl.d/matrix/$D"
}

@test "lszap --check: every problem at once, one row each" {
	zap_tree - < <(base_machine "mdev $B adapters=5,6 domains=1,4 control=none" \
		"queue 06.0047 driver=none" "mdev $D adapters=none domains=none control=2")
	run -3 lszap --check -r -n -o KIND
	drop_not_persistent
	assert_output - <<-EOF
	shared-apqn
	host-apqn
	control-without-usage
	unbound
	EOF
}

@test "lszap --check -m UUID: only the problems naming that mdev" {
	zap_tree - < <(base_machine "mdev $B adapters=6 domains=1 control=none" \
		"mdev $D adapters=none domains=none control=2")
	run -3 lszap --check -r -n -o KIND -m "$D"
	drop_not_persistent
	assert_output "control-without-usage"
	run -0 lszap --check -r -n -o KIND -m "$A"
	drop_not_persistent
	assert_output ""
}

@test "lszap --check -a/-d: only problems with a selected APQN; exit by what is shown" {
	zap_tree - < <(base_machine "mdev $B adapters=6 domains=1 control=none" "queue 05.0047 driver=none")
	run -3 lszap --check -r -n -o KIND -a 6
	drop_not_persistent
	assert_output "host-apqn"
	run -3 lszap --check -r -n -o KIND -d 0x47
	drop_not_persistent
	assert_output "unbound"
	run -0 lszap --check -d 2
	drop_not_persistent
	assert_output ""
}

@test "lszap --check --json: the problems key, exit 3" {
	zap_tree - < <(base_machine "queue 06.0001 driver=none")
	run -3 lszap --check --json
	assert_output - <<-EOF
	{
	  "version": 1,
	  "problems": [
	    { "kind": "unbound", "severity": "error", "message": "1 queue bound to no driver: 06.0001", "path": null, "apqns": [ "06.0001" ], "mdevs": [ ] },
	    { "kind": "not-persistent", "severity": "warning", "message": "active mdev $A has no mdevctl definition: it is gone after a reboot", "path": null, "apqns": [ ], "mdevs": [ "$A" ] }
	  ]
	}
	EOF
}

@test "lszap --check: an unreadable device file is a problem (exit 3), not exit 2" {
	zap_tree - < <(base_machine)
	echo garbage > "$SYSFS_ROOT/devices/ap/card05/05.0001/config"
	run -3 lszap --check -r -n -o KIND
	drop_not_persistent
	assert_output "unreadable"
}

@test "lszap --json lists problems but exits 0" {
	zap_tree - < <(base_machine "queue 06.0001 driver=none")
	run -0 lszap --json
	assert_output --partial '"kind": "unbound"'
}
