#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-malformed.bats - lszap on broken files: a malformed bus mask or
# maximum (exit 2 naming the file, nothing listed), a malformed device or
# mdev attribute (the listing, the file named on stderr, exit 2), unusable
# mdevctl definitions and 41-ap.rules (a warning; --check reports them).

A=aaaaaaaa-0000-4000-8000-000000000001
D=dddddddd-0000-4000-8000-000000000004

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4
	mdev $A adapters=5 domains=4 control=none
	EOF
}

@test "lszap: a malformed apmask: exit 2 naming the file, in every view" {
	printf '0xzz\n' > "$SYSFS_ROOT/bus/ap/apmask"
	for view in "" -A -D -M -b -x --check --json; do
		run -2 --separate-stderr lszap $view
		assert_output ""
		[ "$stderr" = "lszap: $SYSFS_ROOT/bus/ap/apmask: invalid mask '0xzz\\n'" ]
	done
}

@test "lszap: a malformed aqmask (too short) names aqmask" {
	printf '0xffff\n' > "$SYSFS_ROOT/bus/ap/aqmask"
	run -2 lszap
	assert_output "lszap: $SYSFS_ROOT/bus/ap/aqmask: invalid mask '0xffff\\n'"
}

@test "lszap: a missing apmask names the file" {
	rm "$SYSFS_ROOT/bus/ap/apmask"
	run -2 lszap
	assert_output "lszap: cannot read $SYSFS_ROOT/bus/ap/apmask: No such file or directory"
}

@test "lszap: a malformed ap_max_domain_id names the file" {
	echo 300 > "$SYSFS_ROOT/bus/ap/ap_max_domain_id"
	run -2 lszap -b
	assert_output "lszap: cannot read $SYSFS_ROOT/bus/ap/ap_max_domain_id: invalid content"
}

@test "lszap: a malformed queue attribute: the listing, the file on stderr, exit 2" {
	echo x > "$SYSFS_ROOT/devices/ap/card05/05.0001/config"
	run -2 --separate-stderr lszap -n -o APQN,STATUS
	assert_output - <<-EOF
	05.0001 online
	05.0004 assigned
	EOF
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "lszap: $SYSFS_ROOT/devices/ap/card05/05.0001/config: invalid content" ]
}

@test "lszap: a malformed queue attribute the view does not read is harmless" {
	echo x > "$SYSFS_ROOT/devices/ap/card05/05.0001/config"
	run -0 lszap -A -o ID,QUEUES
	run -0 lszap -M
	run -0 lszap -n -o APQN,OWNER
}

@test "lszap -A: a malformed card attribute is named, exit 2" {
	echo fourteen > "$SYSFS_ROOT/devices/ap/card05/hwtype"
	run -2 --separate-stderr lszap -A -n -o ID,TYPE,HWTYPE
	assert_output "0x5 CEX8C      -"
	[ "$stderr" = "lszap: $SYSFS_ROOT/devices/ap/card05/hwtype: invalid content" ]
}

@test "lszap -M: a malformed mdev ap_config is named, exit 2" {
	echo "0x80" > "$(zap_mdev_dir "$A")/ap_config"
	run -2 --separate-stderr lszap -M -n -o UUID
	assert_output "$A"
	[ "$stderr" = "lszap: $(zap_mdev_dir "$A")/ap_config: invalid content" ]
}

@test "lszap: a malformed QCI mask is named, the listing goes on" {
	echo "0x12" > "$SYSFS_ROOT/bus/ap/ap_usage_domain_mask"
	run -2 --separate-stderr lszap -D -n -o ID,USAGE
	assert_output - <<-EOF
	0x1 -
	0x4 -
	EOF
	[ "$stderr" = "lszap: $SYSFS_ROOT/bus/ap/ap_usage_domain_mask: invalid mask '0x12\\n'" ]
}

@test "lszap: an unusable mdevctl definition is a warning; --check reports it" {
	mkdir -p "$ZAP_ROOT/etc/mdevctl.d/matrix"
	echo '{ "mdev_type": "vfio_ap-passthrough", "start": "auto", "attrs": [ { "assign_adapter": "zz" } ] }' \
		> "$ZAP_ROOT/etc/mdevctl.d/matrix/$D"
	run -0 --separate-stderr lszap -M -r -n -o UUID,DEFINED,AUTOSTART
	assert_output - <<-EOF
	$A no no
	$D yes no
	EOF
	[[ "$stderr" == "lszap: warning: unusable mdevctl definition $ZAP_ROOT/etc/mdevctl.d/matrix/$D: "* ]]
	run -3 --separate-stderr lszap --check -r -n -o KIND,MDEVS
	drop_not_persistent
	assert_output "bad-definition $D"
	[ -z "$stderr" ]
}

@test "lszap --check: a malformed 41-ap.rules is a bad-definition problem" {
	printf 'ATTR{../../bus/ap/apmask}="0xnothex"\n' > "$ZAP_ROOT/etc/udev/rules.d/41-ap.rules"
	run -3 lszap --check -r -n -o KIND,PATH
	drop_not_persistent
	assert_output "bad-definition $ZAP_ROOT/etc/udev/rules.d/41-ap.rules"
	run -0 lszap
}

@test "lszap: nothing is written, whatever is broken" {
	echo x > "$SYSFS_ROOT/devices/ap/card05/05.0001/config"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	for view in "" -V -A -D -M -b -x --check --json; do
		run lszap $view
	done
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
