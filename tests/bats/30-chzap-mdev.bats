#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-mdev.bats - chzap --create and --remove on fixture trees: what is
# written, the UUID on stdout, refusals (guest running, host APQNs, an
# existing UUID, no instances left), dry runs, unknown mdevs. On plain-file
# trees writing `create` makes no directory, so a create with ids cannot
# succeed there: that is tested as it behaves; the emulator's tests
# (tests/apsim) cover the real create.

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	TYPE_DIR=devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
}

# The pool machine: 05.0004 05.0047 06.0004 06.0047 are vfio_ap's; mdev A
# is empty, mdev B holds 06.0004 and its guest runs. Extra lines from the
# arguments.
pool_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	mdev $B adapters=6 domains=4 control=none guest=yes
	EOF
	printf '%s\n' "$@"
}

@test "chzap --remove: writes 1 to the mdev's remove, nothing else" {
	zap_tree - < <(pool_machine)
	run chzap -V --remove -m "$A"
	drop_live_note
	assert_success
	assert_output "chzap: echo 1 > $(zap_mdev_dir "$A")/remove"
	[ "$(cat "$(zap_mdev_dir "$A")/remove")" = 1 ]
}

@test "chzap --remove: refused while a guest uses the mdev, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --remove -m "$B"
	drop_live_note
	assert_failure 3
	assert_output "chzap: mdev $B is in use by a running guest (stop the guest, or use --force: the remove then waits until the guest releases it)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --remove --force: removes an mdev a guest uses, with a warning" {
	zap_tree - < <(pool_machine)
	run --separate-stderr chzap --remove --force -m "$B"
	drop_live_note
	assert_success
	[ -z "$output" ]
	[ "$stderr" = "chzap: warning: mdev $B is in use by a running guest: the remove waits until the guest releases it" ]
	[ "$(cat "$(zap_mdev_dir "$B")/remove")" = 1 ]
}

@test "chzap --remove: an mdev defined with autostart warns that it comes back" {
	zap_tree - < <(pool_machine "define $A start=auto adapters=none domains=none control=none")
	run chzap --remove -m "$A"
	drop_live_note
	assert_success
	assert_output "chzap: warning: mdev $A stays defined in mdevctl with autostart: it comes back at boot"
}

@test "chzap --remove --dry-run: the remove line, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --dry-run --remove -m "$A"
	drop_live_note
	assert_success
	assert_output "echo 1 > $(zap_mdev_dir "$A")/remove"
	run chzap -n --remove -m "$B"
	drop_live_note
	assert_failure 3
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --remove: an unknown or only defined mdev: exit 2, nothing written" {
	zap_tree - < <(pool_machine "define $C start=auto adapters=none domains=none control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --remove -m 12345678-1234-4234-8234-123456789abc
	drop_live_note
	assert_failure 2
	assert_output "chzap: no mdev 12345678-1234-4234-8234-123456789abc"
	run chzap --remove -m "$C"
	drop_live_note
	assert_failure 2
	assert_output "chzap: no mdev $C is active (it is only defined in mdevctl)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create: prints only a new UUID, written to create" {
	zap_tree - < <(pool_machine)
	run --separate-stderr chzap --create
	drop_live_note
	assert_success
	[[ $output =~ $UUID_RE ]]
	[ -z "$stderr" ]
	[ "$(cat "$SYSFS_ROOT/$TYPE_DIR/create")" = "$output" ]
}

@test "chzap --create: U=\$(chzap --create) holds the UUID, also with -q and -V" {
	zap_tree - < <(pool_machine)
	U=$(chzap --create -q)
	[[ $U =~ $UUID_RE ]]
	U=$(chzap --create -V 2>/dev/null)
	[[ $U =~ $UUID_RE ]]
	[ "$(cat "$SYSFS_ROOT/$TYPE_DIR/create")" = "$U" ]
}

@test "chzap --create -m: the given UUID, in lower case" {
	zap_tree - < <(pool_machine)
	run chzap --create -m "${C^^}"
	drop_live_note
	assert_success
	assert_output "$C"
	[ "$(cat "$SYSFS_ROOT/$TYPE_DIR/create")" = "$C" ]
}

@test "chzap --create -n: create, then one ap_config line, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap -n --create -m "$C" -a 5 -d 4,0x47 -c 4
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo $C > $SYSFS_ROOT/$TYPE_DIR/create
	echo $(mask 5),$(mask 4 71),$(mask 4) > $(zap_mdev_dir "$C")/ap_config
	EOF
	[ -z "$stderr" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create -n: assign_* lines on a kernel without ap_config" {
	zap_tree - < <(pool_machine "kernel ap_config=no")
	dir=$(zap_mdev_dir "$C")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -n --create -m "$C" -a 5 -d 0x47
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo $C > $SYSFS_ROOT/$TYPE_DIR/create
	echo 0x05 > $dir/assign_adapter
	echo 0x0047 > $dir/assign_domain
	EOF
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create -n without -m: a generated UUID in every line" {
	zap_tree - < <(pool_machine)
	run chzap -n --create -a 5 -d 4
	drop_live_note
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	U=${lines[0]#echo }
	U=${U%% *}
	[[ $U =~ $UUID_RE ]]
	assert_line --index 1 "echo $(mask 5),$(mask 4),$(mask) > $(zap_mdev_dir "$U")/ap_config"
}

@test "chzap --create with host APQNs: refused before the create, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --create -m "$C" -a 5 -d 1
	drop_live_note
	assert_failure 3
	[ -z "$output" ]
	[ "$stderr" = "chzap: mdev $C would hold APQNs owned by the host (free them first with 'chzap --vfio -d 0x1'): 05.0001" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create sharing with an active mdev: refused, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --create -a 6 -d 4,0x47
	drop_live_note
	assert_failure 3
	assert_output "chzap: the new mdev would share APQNs with mdev $B: 06.0004"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create of an existing UUID: exit 3, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --create -m "$A"
	drop_live_note
	assert_failure 3
	assert_output "chzap: mdev $A exists already"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create with no instances left: exit 3, nothing written" {
	zap_tree - < <(pool_machine)
	echo 0 > "$SYSFS_ROOT/$TYPE_DIR/available_instances"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --create
	drop_live_note
	assert_failure 3
	assert_output "chzap: no more mdevs can be created (available_instances is 0)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create of an mdev only defined in mdevctl: created from its definition (issue 14: as --start)" {
	zap_tree - < <(pool_machine "define $C start=manual adapters=5 domains=4 control=none")
	run chzap -n --create -m "$C"
	assert_success
	assert_line --index 0 "echo $C > $SYSFS_ROOT/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"
	assert_line --index 1 --partial "/$C/ap_config"
}

@test "chzap --create with ids on a plain-file tree: the assignment fails, the create is undone (exit 4)" {
	# writing create makes no directory here, so ap_config is missing
	# (ENOENT); so is the remove file: the mdev is gone, which is the undo
	zap_tree - < <(pool_machine)
	dir=$(zap_mdev_dir "$C")
	run --separate-stderr chzap -V --create -m "$C" -a 5 -d 4
	drop_live_note
	assert_failure 4
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "chzap: echo $C > $SYSFS_ROOT/$TYPE_DIR/create" ]
	[ "${stderr_lines[1]}" = "chzap: echo $(mask 5),$(mask 4),$(mask) > $dir/ap_config: failed: no such file (the device is gone) (ENOENT)" ]
	[[ ${stderr_lines[3]} == "chzap: writing '$(mask 5),$(mask 4),$(mask)' to $dir/ap_config failed: no such file (the device is gone) (ENOENT); 1 earlier write undone" ]]
	[ "$(cat "$SYSFS_ROOT/$TYPE_DIR/create")" = "$C" ]
	[ ! -e "$ZAP_ROOT/run/zap/journal" ]
}

@test "chzap --create/--remove: vfio_ap not loaded: exit 2, nothing written" {
	zap_tree - <<-EOF
	bus aqmask=0-3,5-255
	adapter 5 hwtype=14 mode=cca domains=1,4
	drivers vfio_ap=no
	EOF
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --create -a 5 -d 4
	drop_live_note
	assert_failure 2
	assert_output "chzap: vfio_ap is not loaded (no $SYSFS_ROOT/devices/vfio_ap/matrix): modprobe vfio_ap"
	run chzap --remove -m "$A"
	drop_live_note
	assert_failure 2
	assert_output "chzap: vfio_ap is not loaded (no $SYSFS_ROOT/devices/vfio_ap/matrix): modprobe vfio_ap"
	run chzap -m "$A" -a 5
	drop_live_note
	assert_failure 2
	run chzap -u -m "$A" -a 5
	drop_live_note
	assert_failure 2
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
