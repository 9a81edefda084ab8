#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-masks.bats - chzap --vfio and --host on fixture trees: the mask
# written (one absolute write per mask that changes), the queues reported
# as changing owner, refusals (APQNs held by mdevs or autostart
# definitions, pending requests), warnings (default domain, --force),
# requests already in effect, dry runs, ids above the maxima.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

# A host that owns every queue but those of domain 4 (aqmask); adapters 5
# and 6 with domains 1, 2, 4, 0x47; ap_domain is 1. Extra description
# lines come from the arguments.
host_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	EOF
	printf '%s\n' "$@"
}

# The content of bus attribute $1.
bus_attr() {
	cat "$SYSFS_ROOT/bus/ap/$1"
}

@test "chzap --vfio -d: aqmask loses the domain, the queues are reported" {
	zap_tree - < <(host_machine)
	run --separate-stderr chzap --vfio -d 0x47
	drop_live_note
	assert_success
	assert_output "2 queues host -> vfio: 05.0047 06.0047"
	[ -z "$stderr" ]
	run bus_attr aqmask
	assert_output "$(mask_without 4 71)"
	run bus_attr apmask
	assert_output "$(mask_without)"
}

@test "chzap --vfio -a: apmask loses the adapter, every host queue of it is reported" {
	zap_tree - < <(host_machine)
	run --separate-stderr chzap --vfio -a 6
	drop_live_note
	assert_success
	assert_output "3 queues host -> vfio: 06.0001 06.0002 06.0047"
	[ "$stderr" = "chzap: warning: the host's default domain 0x1 (ap_domain) moves to vfio_ap on some adapters" ]
	run bus_attr apmask
	assert_output "$(mask_without 6)"
	run bus_attr aqmask
	assert_output "$(mask_without 4)"
}

@test "chzap --vfio -a -d: apmask, then aqmask, one write each (-V)" {
	zap_tree - < <(host_machine)
	run --separate-stderr chzap -V --vfio -a 6 -d 2
	drop_live_note
	assert_success
	assert_output "4 queues host -> vfio: 05.0002 06.0001 06.0002 06.0047"
	[ "${stderr_lines[0]}" = "chzap: echo $(mask_without 6) > $SYSFS_ROOT/bus/ap/apmask" ]
	[ "${stderr_lines[1]}" = "chzap: echo $(mask_without 2 4) > $SYSFS_ROOT/bus/ap/aqmask" ]
	run bus_attr apmask
	assert_output "$(mask_without 6)"
	run bus_attr aqmask
	assert_output "$(mask_without 2 4)"
}

@test "chzap --vfio: taking the default domain warns; -q does not" {
	zap_tree - < <(host_machine)
	run --separate-stderr chzap --vfio -d 1
	drop_live_note
	assert_success
	assert_output "2 queues host -> vfio: 05.0001 06.0001"
	[ "$stderr" = "chzap: warning: the host's default domain 0x1 (ap_domain) moves to vfio_ap on some adapters" ]
	zap_tree - < <(host_machine)
	run chzap -q --vfio -d 1
	drop_live_note
	assert_success
	assert_output ""
	run bus_attr aqmask
	assert_output "$(mask_without 1 4)"
}

@test "chzap --vfio: ids without queues change the mask, no queue changes owner" {
	zap_tree - < <(host_machine)
	run chzap --vfio -a 7
	drop_live_note
	assert_success
	assert_output "0 queues host -> vfio"
	run bus_attr apmask
	assert_output "$(mask_without 7)"
}

@test "chzap --vfio: queues with pending requests are refused, named" {
	zap_tree - < <(host_machine "queue 05.0047 pending=3" "queue 06.0047 pending=1")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --vfio -d 0x47
	drop_live_note
	assert_failure 3
	assert_output "chzap: 2 queues still have pending requests (wait, or use --force): 05.0047 06.0047"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --vfio --force: queues with pending requests move, with a warning" {
	zap_tree - < <(host_machine "queue 05.0047 pending=3" "queue 06.0047 pending=2")
	run --separate-stderr chzap --vfio --force -d 0x47
	drop_live_note
	assert_success
	assert_output "2 queues host -> vfio: 05.0047 06.0047"
	[ "$stderr" = "chzap: warning: 2 queues with pending requests move to vfio_ap: the requests are lost: 05.0047 06.0047" ]
	run bus_attr aqmask
	assert_output "$(mask_without 4 71)"
}

@test "chzap --vfio: already clear: exit 0, a note, nothing written" {
	zap_tree - < <(host_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --vfio -d 4
	drop_live_note
	assert_success
	assert_output "chzap: already in the requested state: apmask/aqmask give these queues to vfio_ap already; nothing written"
	run chzap -q --vfio -d 4
	drop_live_note
	assert_success
	assert_output ""
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --vfio --dry-run: the absolute mask lines in order, the queues that change owner as a comment, nothing written" {
	zap_tree - < <(host_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --dry-run --vfio -a 5 -d 0x47
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo $(mask_without 5) > $SYSFS_ROOT/bus/ap/apmask
	echo $(mask_without 4 71) > $SYSFS_ROOT/bus/ap/aqmask
	# 4 queues host -> vfio: 05.0001 05.0002 05.0047 06.0047
	EOF
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	# the same queues the real run names
	run -0 --separate-stderr chzap --vfio -a 5 -d 0x47
	assert_output "4 queues host -> vfio: 05.0001 05.0002 05.0047 06.0047"
}

@test "chzap --vfio -n: refused: exit 3, the refusal, no line to apply it, nothing written" {
	zap_tree - < <(host_machine "queue 05.0002 pending=1" "queue 06.0002 pending=1")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap -n --vfio -d 2
	drop_live_note
	assert_failure 3
	assert_output ""
	[ "$stderr" = "chzap: 2 queues still have pending requests (wait, or use --force): 05.0002 06.0002" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --host -d: aqmask gets the domain, the queues are reported" {
	zap_tree - < <(host_machine)
	run --separate-stderr chzap --host -d 4
	drop_live_note
	assert_success
	assert_output "2 queues vfio -> host: 05.0004 06.0004"
	[ -z "$stderr" ]
	run bus_attr aqmask
	assert_output "$(mask_without)"
}

@test "chzap --host -a: apmask gets the adapter back" {
	zap_tree - < <(host_machine "bus apmask=0-5,7-255")
	run chzap --host -a 6
	drop_live_note
	assert_success
	assert_output "3 queues vfio -> host: 06.0001 06.0002 06.0047"
	run bus_attr apmask
	assert_output "$(mask_without)"
}

@test "chzap --host: refused while an mdev holds such an APQN, every holder named" {
	zap_tree - < <(host_machine \
		"mdev $A adapters=5 domains=4 control=none" \
		"define $B start=auto adapters=6 domains=4 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --host -d 4
	drop_live_note
	assert_failure 3
	assert_line --index 0 "chzap: mdev $A holds APQNs this would give to the host (unassign them first): 05.0004"
	# a live change leaves the boot masks: $B still starts after a reboot
	[ "${#lines[@]}" -eq 1 ]
	run chzap -p --host -d 4
	drop_live_note
	assert_failure 3
	assert_line --index 0 "chzap: mdev $A holds APQNs this would give to the host (unassign them first): 05.0004"
	assert_line --index 1 "chzap: autostart definition (mdevctl) $B holds APQNs this would give to the host (unassign them first): 06.0004"
	[ "${#lines[@]}" -eq 2 ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --host -n: refused: exit 3, nothing written" {
	zap_tree - < <(host_machine "mdev $A adapters=5 domains=4 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap -n --host -d 4
	drop_live_note
	assert_failure 3
	[ "$stderr" = "chzap: mdev $A holds APQNs this would give to the host (unassign them first): 05.0004" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --host: a manual definition does not stand in the way" {
	zap_tree - < <(host_machine "define $B start=manual adapters=6 domains=4 control=none")
	run chzap --host -d 4
	drop_live_note
	assert_success
	assert_output "2 queues vfio -> host: 05.0004 06.0004"
}

@test "chzap --host: already set: exit 0, a note, nothing written" {
	zap_tree - < <(host_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --host -a 5 -d 1
	drop_live_note
	assert_success
	assert_output "chzap: already in the requested state: apmask/aqmask give these queues to the host already; nothing written"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --host --dry-run: the aqmask line, nothing written" {
	zap_tree - < <(host_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --dry-run --host -d 4
	drop_live_note
	assert_success
	assert_output - <<-EOF
	echo $(mask_without) > $SYSFS_ROOT/bus/ap/aqmask
	# 2 queues vfio -> host: 05.0004 06.0004
	EOF
	run chzap -q --dry-run --host -d 4
	assert_output "echo $(mask_without) > $SYSFS_ROOT/bus/ap/aqmask"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --vfio/--host: ids above the bus's maxima: exit 2, nothing written" {
	zap_tree - <<-EOF
	bus max_adapter=63 max_domain=15
	adapter 5 hwtype=14 mode=cca domains=1,2
	EOF
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --vfio -a 64
	drop_live_note
	assert_failure 2
	assert_output "chzap: adapter 0x40 above the maximum 0x3f (ap_max_adapter_id)"
	run chzap --host -d 16
	drop_live_note
	assert_failure 2
	assert_output "chzap: domain 0x10 above the maximum 0xf (ap_max_domain_id)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --vfio: works without vfio_ap loaded (the queues stay unbound)" {
	zap_tree - < <(host_machine "drivers vfio_ap=no")
	run chzap --vfio -d 0x47
	drop_live_note
	assert_success
	assert_output "2 queues host -> vfio: 05.0047 06.0047"
	run bus_attr aqmask
	assert_output "$(mask_without 4 71)"
}

@test "chzap --host: 'already' only when every named queue is the host's; else the queues that stay vfio's and the other mask" {
	zap_tree "$MACHINES/demo.machine"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr chzap --host -a 5
	assert_output ""
	[ "$stderr" = "chzap: not in effect for every queue named: apmask and aqmask already have the ids given, but these queues stay vfio's: 05.0004 05.0047 05.00ab 05.00ff (the other mask: aqmask lacks domains 0x4,0x47,0xab,0xff; 'chzap --host -d 0x4,0x47,0xab,0xff' gives them to the host); nothing written" ]
	run -0 --separate-stderr chzap --host -a 5 -d 1,2
	[ "$stderr" = "chzap: already in the requested state: apmask/aqmask give these queues to the host already; nothing written" ]
	run -0 --separate-stderr chzap -q --host -a 5
	[ -z "$stderr" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
