#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-rollback.bats - a failing sysfs write (an attribute replaced by a
# directory: EISDIR, or by a symbolic link: ELOOP) in the middle of a plan:
# exit 4, the file, the value and the errno named, the earlier writes
# undone in reverse (on plain files an undo write leaves its value in the
# undo file: asserted), and exit 6 with the state left when an undo fails.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

# A kernel without ap_config: assignments are assign_*/unassign_* writes.
# 05.0004 05.0047 06.0004 06.0047 are vfio_ap's; mdev A holds 05.0004.
old_kernel_machine() {
	cat <<-EOF
	kernel ap_config=no
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=5 domains=4 control=none
	EOF
}

# Replace attribute $1 (a path below $SYSFS_ROOT) by a directory.
break_attr() {
	rm -f "$SYSFS_ROOT/$1"
	mkdir "$SYSFS_ROOT/$1"
}

@test "chzap assign: the 3rd write fails: exit 4, the 2 earlier writes undone in reverse" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	break_attr "devices/vfio_ap/matrix/$A/assign_domain"
	run --separate-stderr chzap -V -m "$A" -a 6 -d 0x47
	assert_failure 4
	[ -z "$output" ]
	# adapter 6 first; domain 0x47 then fails, adapter 6 is unassigned again
	[ "${stderr_lines[0]}" = "chzap: echo 0x06 > $dir/assign_adapter" ]
	[ "${stderr_lines[1]}" = "chzap: echo 0x0047 > $dir/assign_domain: failed: is a directory, not an attribute (EISDIR)" ]
	[ "${stderr_lines[2]}" = "chzap: undo: echo 0x06 > $dir/unassign_adapter" ]
	[ "${stderr_lines[3]}" = "chzap: writing '0x0047' to $dir/assign_domain failed: is a directory, not an attribute (EISDIR); 1 earlier write undone" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
	[ "$(cat "$dir/assign_adapter")" = 0x06 ]
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
}

@test "chzap assign: several earlier writes are undone, last first" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	break_attr "devices/vfio_ap/matrix/$A/assign_control_domain"
	run chzap -V -m "$A" -a 6 -d 0x47 -c 1
	assert_failure 4
	assert_output - <<-EOF
	chzap: echo 0x06 > $dir/assign_adapter
	chzap: echo 0x0047 > $dir/assign_domain
	chzap: echo 0x0001 > $dir/assign_control_domain: failed: is a directory, not an attribute (EISDIR)
	chzap: undo: echo 0x0047 > $dir/unassign_domain
	chzap: undo: echo 0x06 > $dir/unassign_adapter
	chzap: writing '0x0001' to $dir/assign_control_domain failed: is a directory, not an attribute (EISDIR); 2 earlier writes undone
	EOF
	[ "$(cat "$dir/unassign_domain")" = 0x0047 ]
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
}

@test "chzap assign: without -V, only the failure is reported" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	break_attr "devices/vfio_ap/matrix/$A/assign_domain"
	run chzap -m "$A" -a 6 -d 0x47
	assert_failure 4
	assert_output "chzap: writing '0x0047' to $dir/assign_domain failed: is a directory, not an attribute (EISDIR); 1 earlier write undone"
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
}

@test "chzap unassign: a failing unassign is undone by an assign" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	break_attr "devices/vfio_ap/matrix/$A/unassign_domain"
	run chzap -V -u -m "$A" -a 5 -d 4
	assert_failure 4
	assert_output - <<-EOF
	chzap: echo 0x05 > $dir/unassign_adapter
	chzap: echo 0x0004 > $dir/unassign_domain: failed: is a directory, not an attribute (EISDIR)
	chzap: undo: echo 0x05 > $dir/assign_adapter
	chzap: writing '0x0004' to $dir/unassign_domain failed: is a directory, not an attribute (EISDIR); 1 earlier write undone
	EOF
	[ "$(cat "$dir/assign_adapter")" = 0x05 ]
}

@test "chzap --vfio: aqmask fails after apmask: apmask is restored, the tree is as before" {
	zap_tree - < <(old_kernel_machine)
	# readable through the link (the load), refused for writing (ELOOP):
	# chzap never writes through a symbolic link
	mv "$SYSFS_ROOT/bus/ap/aqmask" "$R/aqmask.real"
	ln -s "$R/aqmask.real" "$SYSFS_ROOT/bus/ap/aqmask"
	# the journal directory may be created by any change: not a write to sysfs
	mkdir -p "$R/run/zap"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap -V --vfio -a 6 -d 2
	assert_failure 4
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "chzap: echo $(mask_without 6) > $SYSFS_ROOT/bus/ap/apmask" ]
	[ "${stderr_lines[1]}" = "chzap: echo $(mask_without 2 4 71) > $SYSFS_ROOT/bus/ap/aqmask: failed: Too many levels of symbolic links (ELOOP)" ]
	[ "${stderr_lines[2]}" = "chzap: undo: echo $(mask_without) > $SYSFS_ROOT/bus/ap/apmask" ]
	[ "${stderr_lines[3]}" = "chzap: warning: the host's default domain 0x1 (ap_domain) moves to vfio_ap on some adapters" ]
	[ "${stderr_lines[4]}" = "chzap: writing '$(mask_without 2 4 71)' to $SYSFS_ROOT/bus/ap/aqmask failed: Too many levels of symbolic links (ELOOP); 1 earlier write undone" ]
	[ "$(cat "$SYSFS_ROOT/bus/ap/apmask")" = "$(mask_without)" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: a failed write whose undo fails too: exit 6, the state left named" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	break_attr "devices/vfio_ap/matrix/$A/assign_domain"
	break_attr "devices/vfio_ap/matrix/$A/unassign_adapter"
	run --separate-stderr chzap -V -m "$A" -a 6 -d 0x47
	assert_failure 6
	[ "${stderr_lines[0]}" = "chzap: echo 0x06 > $dir/assign_adapter" ]
	[ "${stderr_lines[2]}" = "chzap: undo: echo 0x06 > $dir/unassign_adapter: failed: is a directory, not an attribute (EISDIR)" ]
	[ "${stderr_lines[3]}" = "chzap: writing '0x0047' to $dir/assign_domain failed: is a directory, not an attribute (EISDIR); the rollback failed too: $dir/assign_adapter still has '0x06'" ]
}
