#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-assign.bats - chzap -m UUID [-u] -a/-d/-c on fixture trees: what is
# written (ap_config on new kernels, assign_*/unassign_* files on older
# ones), every refusal (nothing written, every culprit named), warnings,
# requests already in effect, dry runs, ids above the bus's maxima, unknown
# mdevs.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

# The pool machine: the host owns every domain but 4 and 0x47 (aqmask), so
# 05.0004 05.0047 06.0004 06.0047 are vfio_ap's. Mdev A is empty, mdev B
# holds 06.0004. Extra description lines come from the arguments.
pool_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $A adapters=none domains=none control=none
	mdev $B adapters=6 domains=4 control=none
	EOF
	printf '%s\n' "$@"
}

# A machine without the APXA facility: adapters 0-63, domains 0-15.
small_machine() {
	cat <<-EOF
	bus max_adapter=63 max_domain=15 aqmask=0-3,5-15
	adapter 5 hwtype=14 mode=cca domains=1,4
	mdev $A adapters=none domains=none control=none
	mdev $B adapters=5 domains=4 control=none
	EOF
}

@test "chzap -a 5 -d 0x47 --mdev UUID: the design's example works as written" {
	zap_tree - < <(pool_machine)
	run chzap -a 5 -d 0x47 --mdev "$A"
	assert_success
	assert_output ""
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 71),$(mask)"
}

@test "chzap assign: ap_config gets exactly the new matrix, old ids kept" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4 control=1")
	run chzap -m "$C" -d 0x47 -c 2
	assert_success
	run ap_config "$C"
	assert_output "$(mask 5),$(mask 4 71),$(mask 1 2)"
}

@test "chzap assign: upper-case UUID and hex or decimal ids name the same" {
	zap_tree - < <(pool_machine)
	run chzap -m "${A^^}" --adapter=0x5 --domain 4,71
	assert_success
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 4 71),$(mask)"
}

@test "chzap assign: a list option given twice adds up" {
	zap_tree - < <(pool_machine)
	run chzap -m "$A" -a 5 -d 4 -d 0x47
	assert_success
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 4 71),$(mask)"
}

@test "chzap assign: without ap_config, assign_* writes in order: adapters, domains, control domains" {
	zap_tree - < <(pool_machine "kernel ap_config=no")
	dir=$(zap_mdev_dir "$A")
	run chzap -V -m "$A" -a 5 -d 4,0x47 -c 4
	assert_success
	assert_output - <<-EOF
	chzap: echo 0x05 > $dir/assign_adapter
	chzap: echo 0x0004 > $dir/assign_domain
	chzap: echo 0x0047 > $dir/assign_domain
	chzap: echo 0x0004 > $dir/assign_control_domain
	EOF
	[ "$(cat "$dir/assign_adapter")" = 0x05 ]
	[ "$(cat "$dir/assign_domain")" = 0x0047 ]
	[ "$(cat "$dir/assign_control_domain")" = 0x0004 ]
	[ ! -s "$dir/unassign_adapter" ]
	[ ! -e "$dir/ap_config" ]
}

@test "chzap assign: control domains alone are refused (lszap --check's control-without-usage): exit 3, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -c 1,2
	assert_failure 3
	assert_output "chzap: mdev $A would have control domains but no usage domain"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	# with a usage domain they are assigned
	run -0 chzap -q -m "$A" -a 5 -d 4 -c 1,2
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 4),$(mask 1 2)"
}

@test "chzap assign: control domains of the host are not ownership-checked" {
	zap_tree - < <(pool_machine)
	run chzap -q -m "$A" -a 5 -d 4 -c 1
	assert_success
	assert_output ""
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 4),$(mask 1)"
}

@test "chzap assign: a manual mdevctl definition naming the APQNs is a warning" {
	zap_tree - < <(pool_machine "define $C start=manual adapters=5 domains=0x47 control=none")
	run chzap -m "$A" -a 5 -d 0x47
	assert_success
	assert_output --partial "chzap: warning: manual definition $C names APQNs of mdev $A"
	assert_output --partial "05.0047"
	run ap_config "$A"
	assert_output "$(mask 5),$(mask 71),$(mask)"
}

@test "chzap assign: already assigned: exit 0, a note, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$B" -a 6 -d 4
	assert_success
	assert_output "chzap: already in the requested state: mdev $B already has these adapters, domains and control domains; nothing written"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: already assigned with -q: silent" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -q -m "$B" -d 4
	assert_success
	assert_output ""
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: a host APQN is refused, naming the mdev, the APQNs and the --vfio command" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 5 -d 1,2,4
	assert_failure 3
	assert_output "chzap: mdev $A would hold APQNs owned by the host (free them first with 'chzap --vfio -d 0x1,0x2'): 05.0001 05.0002"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: an APQN of another active mdev is refused, naming it" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 6 -d 4,0x47
	assert_failure 3
	assert_output "chzap: mdev $A would share APQNs with mdev $B: 06.0004"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: the complete new set counts, not only the ids named" {
	# C has adapter 6 already; adding domain 4 completes B's 06.0004
	zap_tree - < <(pool_machine "mdev $C adapters=6 domains=none control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$C" -d 4
	assert_failure 3
	assert_output "chzap: mdev $C would share APQNs with mdev $B: 06.0004"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: an APQN of an autostart definition is refused, naming it" {
	zap_tree - < <(pool_machine "define $C start=auto adapters=5 domains=0x47 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 5 -d 0x47
	assert_failure 3
	assert_output "chzap: mdev $A would share APQNs with autostart definition (mdevctl) $C: 05.0047"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: every culprit is named: host APQNs and two other mdevs" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=0x47 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 5,6 -d 2,4,0x47
	assert_failure 3
	assert_line --index 0 "chzap: mdev $A would hold APQNs owned by the host (free them first with 'chzap --vfio -d 0x2'): 05.0002 06.0002"
	assert_line --index 1 "chzap: mdev $A would share APQNs with mdev $B: 06.0004"
	assert_line --index 2 "chzap: mdev $A would share APQNs with mdev $C: 05.0047"
	[ "${#lines[@]}" -eq 3 ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: refused on a tree without ap_config too, nothing written" {
	zap_tree - < <(pool_machine "kernel ap_config=no")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 6 -d 4
	assert_failure 3
	assert_output "chzap: mdev $A would share APQNs with mdev $B: 06.0004"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign --dry-run: one ap_config line, nothing written" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --dry-run -m "$C" -d 0x47 -c 1
	assert_success
	assert_output "echo $(mask 5),$(mask 4 71),$(mask 1) > $(zap_mdev_dir "$C")/ap_config"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign -n: assign_* lines in order on an older kernel, nothing written" {
	zap_tree - < <(pool_machine "kernel ap_config=no")
	dir=$(zap_mdev_dir "$A")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -n -m "$A" -a 5,6 -d 0x47 -c 0x47
	assert_success
	assert_output - <<-EOF
	echo 0x05 > $dir/assign_adapter
	echo 0x06 > $dir/assign_adapter
	echo 0x0047 > $dir/assign_domain
	echo 0x0047 > $dir/assign_control_domain
	EOF
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign -n: refused: exit 3, the refusal and no echo line to apply it, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap -n -m "$A" -a 6 -d 4
	assert_failure 3
	assert_output ""
	[ "$stderr" = "chzap: mdev $A would share APQNs with mdev $B: 06.0004" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap unassign: ap_config loses exactly the ids named" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4,0x47 control=1,4")
	run chzap -u -m "$C" -d 4 -c 1
	assert_success
	assert_output ""
	run ap_config "$C"
	assert_output "$(mask 5),$(mask 71),$(mask 4)"
}

@test "chzap --unassign: unassign_* writes in order on an older kernel" {
	zap_tree - < <(pool_machine "kernel ap_config=no" \
		"mdev $C adapters=5 domains=4,0x47 control=4")
	dir=$(zap_mdev_dir "$C")
	run chzap -V --unassign -m "$C" -a 5 -d 4,0x47 -c 4
	assert_success
	assert_output - <<-EOF
	chzap: echo 0x05 > $dir/unassign_adapter
	chzap: echo 0x0004 > $dir/unassign_domain
	chzap: echo 0x0047 > $dir/unassign_domain
	chzap: echo 0x0004 > $dir/unassign_control_domain
	EOF
	[ "$(cat "$dir/unassign_adapter")" = 0x05 ]
	[ "$(cat "$dir/unassign_domain")" = 0x0047 ]
	[ "$(cat "$dir/unassign_control_domain")" = 0x0004 ]
	[ ! -s "$dir/assign_adapter" ]
}

@test "chzap unassign -n: the planned lines, nothing written" {
	zap_tree - < <(pool_machine "kernel ap_config=no")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -n -u -m "$B" -a 6
	assert_success
	assert_output "echo 0x06 > $(zap_mdev_dir "$B")/unassign_adapter"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap unassign while a guest runs: done, and said on stderr" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4,0x47 control=none guest=yes")
	run --separate-stderr chzap -u -m "$C" -d 0x47
	assert_success
	[ -z "$output" ]
	[ "$stderr" = "chzap: warning: mdev $C is in use by a running guest: the change is hot-unplugged" ]
	run ap_config "$C"
	assert_output "$(mask 5),$(mask 4),$(mask)"
}

@test "chzap unassign while a guest runs, -q: done, silent" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4,0x47 control=none guest=yes")
	run chzap -q -u -m "$C" -d 0x47
	assert_success
	assert_output ""
	run ap_config "$C"
	assert_output "$(mask 5),$(mask 4),$(mask)"
}

@test "chzap unassign: leaving control domains without usage domains is refused: exit 3, nothing written" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4 control=4")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -u -m "$C" -d 4
	assert_failure 3
	assert_output "chzap: mdev $C would have control domains but no usage domain"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	# unassigning the control domain too is fine
	run -0 chzap -q -u -m "$C" -d 4 -c 4
	run ap_config "$C"
	assert_output "$(mask 5),$(mask),$(mask)"
}

@test "chzap unassign: ids not assigned: exit 0, a note, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -u -m "$B" -a 5 -d 0x47
	assert_success
	assert_output "chzap: already in the requested state: mdev $B has none of these adapters, domains and control domains; nothing written"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: an adapter above ap_max_adapter_id: exit 2, nothing written" {
	zap_tree - < <(small_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 64 -d 4
	assert_failure 2
	assert_output "chzap: adapter 0x40 above the maximum 0x3f (ap_max_adapter_id)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: domains above ap_max_domain_id: exit 2, nothing written" {
	zap_tree - < <(small_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" -a 5 -d 4,16-17
	assert_failure 2
	assert_output "chzap: domain 0x10,0x11 above the maximum 0xf (ap_max_domain_id)"
	run chzap -m "$A" -c 0x10
	assert_failure 2
	assert_output "chzap: control domain 0x10 above the maximum 0xf (ap_max_domain_id)"
	run chzap -u -m "$B" -d 16
	assert_failure 2
	assert_output "chzap: domain 0x10 above the maximum 0xf (ap_max_domain_id)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: an unknown mdev: exit 2, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$C" -a 5 -d 4
	assert_failure 2
	assert_output "chzap: no mdev $C"
	run chzap -u -m "$C" -a 5
	assert_failure 2
	assert_output "chzap: no mdev $C"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap assign: an mdev only defined in mdevctl: exit 2, nothing written" {
	zap_tree - < <(pool_machine "define $C start=manual adapters=none domains=none control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$C" -a 5 -d 4
	assert_failure 2
	assert_output "chzap: no mdev $C is active (it is only defined in mdevctl)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
