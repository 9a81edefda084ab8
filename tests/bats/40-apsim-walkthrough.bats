#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 40-apsim-walkthrough.bats - chzap and lszap against apsim, an emulator of
# the kernel's AP bus and vfio_ap (issue 7): the example of the kernel's
# Documentation/arch/s390/vfio-ap.rst end to end on the newest kernel and on
# a kernel without ap_config (assign_* writes), the document's ownership
# example (adapters 1-3 x domains 7, 8), rollback of a write the kernel
# refuses (exit 4) and of an undo it refuses too (exit 6), running guests
# (--remove refused, --force waits, hot unplug), and the kernel's own
# checks agreeing with chzap's refusals. After each step: apsim's model
# (.apsim/state), the writes it received (.apsim/writes) and lszap --json.
# Needs /dev/fuse and root; skipped with the reason elsewhere.

bats_require_minimum_version 1.5.0

# The three guests of the document (tests/machine/demo.machine).
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a
TYPE=devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough

setup() {
	load helper
	zap_common_setup
	load apsim
	command -v jq >/dev/null || fail "jq is not installed (make deps)"
}

teardown() {
	# no temporary file of the lock is ever left behind
	if [ -n "${ZAP_ROOT:-}" ]; then
		assert_no_lock_temp
	fi
	apsim_stop
}

# mask_without ID...: the mask of every id 0-255 but these.
mask_without() {
	local ids=() i

	for ((i = 0; i < 256; i++)); do
		[[ " $* " == *" $i "* ]] || ids+=("$i")
	done
	mask "${ids[@]}"
}

# The kernel line of generation $1: newest (every attribute) or old (6.0 to
# 6.9: guest_matrix, no ap_config, no matrix features file).
kernel_line() {
	if [ "$1" = old ]; then
		echo "kernel ap_config=no matrix_features=no"
	fi
}

# The document's host before the walkthrough: everything belongs to zcrypt.
# A CEX5C and a CEX5A, usage domains 1, 2 (the host keeps them) and 4,
# 0x47, 0xab, 0xff (for the guests).
host_machine() {
	kernel_line "$1"
	cat <<-EOF
	bus max_adapter=255 max_domain=255
	adapter 5 hwtype=11 mode=cca domains=1,2,4,0x47,0xab,0xff
	adapter 6 hwtype=11 mode=accel domains=1,2,4,0x47,0xab,0xff
	EOF
}

# demo.machine (the walkthrough's result, guests running) of generation $1.
demo_machine() {
	kernel_line "$1"
	cat "$MACHINES/demo.machine"
}

# The writes of an assignment change to mdev UUID on generation GEN:
# mdev_writes GEN UUID OP "ADAPTERS" "DOMAINS" "NEW-ADAPTERS" "NEW-DOMAINS"
# (OP assign or unassign; the ids it names; the mdev's matrix after it).
# ap_config: one write of the whole matrix; else one write per id,
# adapters first.
mdev_writes() {
	local gen=$1 dir=devices/vfio_ap/matrix/$2 op=$3 id

	if [ "$gen" = newest ]; then
		# shellcheck disable=SC2086
		echo "$dir/ap_config $(mask $6),$(mask $7),$(mask)\n 0"
		return
	fi
	for id in $4; do
		printf '%s/%s_adapter 0x%02x\\n 0\n' "$dir" "$op" "$id"
	done
	for id in $5; do
		printf '%s/%s_domain 0x%04x\\n 0\n' "$dir" "$op" "$id"
	done
}

# json_queues FILE: "APQN DRIVER OWNER MDEV STATUS" per queue of lszap --json.
json_queues() {
	jq -r '.queues[] | "\(.apqn) \(.driver // "-") \(.owner) \(.mdev // "-") \(.status // "-")"' "$1"
}

# json_mdevs FILE: "UUID APQNS GUEST-APQNS" per mdev of lszap --json.
json_mdevs() {
	jq -r '.mdevs[] | "\(.uuid) \(.apqns | join(",")) \(.guest_apqns // [] | join(","))"' "$1"
}

# json_problems FILE: the kinds of lszap --json's errors, one a line (the
# walkthrough's changes are live only: not-persistent warnings are expected).
json_problems() {
	jq -r '.problems[] | select(.severity == "error") | .kind' "$1"
}

# apsim's model without the bus scan counter (it counts scans, not state).
state_without_scans() {
	apsim_state | sed 's/ scans=[0-9]*//'
}

# The walkthrough of the kernel document on generation $1.
walkthrough() {
	local gen=$1 t=$BATS_TEST_TMPDIR

	# What the walkthrough must reach: demo.machine's model, guests running.
	apsim_start < <(demo_machine "$gen")
	state_without_scans > "$t/demo.state"

	apsim_start < <(host_machine "$gen")
	lszap_json "$t/initial.json"
	run state_queues
	assert_output - <<-EOF
	05.0001 cex4queue
	05.0002 cex4queue
	05.0004 cex4queue
	05.0047 cex4queue
	05.00ab cex4queue
	05.00ff cex4queue
	06.0001 cex4queue
	06.0002 cex4queue
	06.0004 cex4queue
	06.0047 cex4queue
	06.00ab cex4queue
	06.00ff cex4queue
	EOF
	assert_equal "$(state_mdevs)" ""

	# 1. the domain bits, not the adapter bits: the host keeps 1 and 2
	run --separate-stderr chzap --vfio -d 4,0x47,0xab,0xff
	assert_success
	assert_output "8 queues host -> vfio: 05.0004 05.0047 05.00ab 05.00ff 06.0004 06.0047 06.00ab 06.00ff"
	assert_writes <<-EOF
	bus/ap/aqmask $(mask_without 4 71 171 255)\n 0
	EOF
	assert_equal "$(state_field bus apmask)" "$(mask {0..255})"
	assert_equal "$(state_field bus aqmask)" "$(mask_without 4 71 171 255)"
	run state_queues
	assert_output - <<-EOF
	05.0001 cex4queue
	05.0002 cex4queue
	05.0004 vfio_ap
	05.0047 vfio_ap
	05.00ab vfio_ap
	05.00ff vfio_ap
	06.0001 cex4queue
	06.0002 cex4queue
	06.0004 vfio_ap
	06.0047 vfio_ap
	06.00ab vfio_ap
	06.00ff vfio_ap
	EOF

	# 2. three mdevs, created with their assignments
	run --separate-stderr chzap --create -m "$G1" -a 5,6 -d 4,0xab
	assert_success
	assert_output "$G1"
	assert_state_mdev "$G1" "5 6" "4 171" "" no
	run apsim_writes
	assert_line --index 0 "$TYPE/create $G1\n 0"
	assert_writes <<-EOF
	$TYPE/create $G1\n 0
	$(mdev_writes "$gen" "$G1" assign "5 6" "4 171" "5 6" "4 171")
	EOF
	run --separate-stderr chzap --create -m "$G2" -a 5 -d 0x47,0xff
	assert_success
	assert_output "$G2"
	assert_writes <<-EOF
	$TYPE/create $G2\n 0
	$(mdev_writes "$gen" "$G2" assign 5 "71 255" 5 "71 255")
	EOF
	run --separate-stderr chzap --create -m "$G3" -a 6 -d 0x47,0xff
	assert_success
	assert_output "$G3"
	assert_writes <<-EOF
	$TYPE/create $G3\n 0
	$(mdev_writes "$gen" "$G3" assign 6 "71 255" 6 "71 255")
	EOF
	assert_state_mdev "$G1" "5 6" "4 171" "" no
	assert_state_mdev "$G2" 5 "71 255" "" no
	assert_state_mdev "$G3" 6 "71 255" "" no

	# 3. a slip is refused, and nothing is written
	run --separate-stderr chzap -m "$G2" -a 6
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $G2 would share APQNs with mdev $G3: 06.0047 06.00ff"
	run --separate-stderr chzap --host -d 0x47
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $G3 holds APQNs this would give to the host (unassign them first): 06.0047
chzap: mdev $G2 holds APQNs this would give to the host (unassign them first): 05.0047"
	assert_no_writes
	assert_state_mdev "$G2" 5 "71 255" "" no

	# 4. every queue has its driver and owner, every mdev its APQNs
	lszap_json "$t/step4.json"
	run json_queues "$t/step4.json"
	assert_output - <<-EOF
	05.0001 cex4queue host - -
	05.0002 cex4queue host - -
	05.0004 vfio_ap vfio $G1 assigned
	05.0047 vfio_ap vfio $G2 assigned
	05.00ab vfio_ap vfio $G1 assigned
	05.00ff vfio_ap vfio $G2 assigned
	06.0001 cex4queue host - -
	06.0002 cex4queue host - -
	06.0004 vfio_ap vfio $G1 assigned
	06.0047 vfio_ap vfio $G3 assigned
	06.00ab vfio_ap vfio $G1 assigned
	06.00ff vfio_ap vfio $G3 assigned
	EOF
	run json_mdevs "$t/step4.json"
	assert_output - <<-EOF
	$G3 06.0047,06.00ff 06.0047,06.00ff
	$G1 05.0004,05.00ab,06.0004,06.00ab 05.0004,05.00ab,06.0004,06.00ab
	$G2 05.0047,05.00ff 05.0047,05.00ff
	EOF
	assert_equal "$(json_problems "$t/step4.json")" ""
	run lszap --check
	assert_success
	# the guests start: apsim's model is now demo.machine's
	ctl "guest $G1 start"
	ctl "guest $G2 start"
	ctl "guest $G3 start"
	run state_without_scans
	assert_output - < "$t/demo.state"
	lszap_json "$t/running.json"
	assert_equal "$(jq -r '[.queues[] | select(.driver == "vfio_ap") | .status] | unique | join(",")' "$t/running.json")" "in use"

	# 5. Guest2 gives up domain 0xff while it runs: hot unplug
	run --separate-stderr chzap -u -m "$G2" -d 0xff
	assert_success
	assert_output ""
	assert_equal "$stderr" "chzap: warning: mdev $G2 is in use by a running guest: the change is hot-unplugged"
	assert_writes <<-EOF
	$(mdev_writes "$gen" "$G2" unassign "" 255 5 71)
	EOF
	assert_state_mdev "$G2" 5 71 "" yes
	assert_equal "$(cat "$M/$G2/guest_matrix")" 05.0047
	lszap_json "$t/step5.json"
	assert_equal "$(jq -r '.queues[] | select(.apqn == "05.00ff") | "\(.mdev) \(.status)"' "$t/step5.json")" "null unassigned"

	# give everything back: stop, unassign, remove, hand back to the host
	ctl "guest $G1 stop"
	ctl "guest $G2 stop"
	ctl "guest $G3 stop"
	run --separate-stderr chzap -u -m "$G1" -a 5,6 -d 4,0xab
	assert_success
	assert_equal "$stderr" ""
	assert_writes <<-EOF
	$(mdev_writes "$gen" "$G1" unassign "5 6" "4 171" "" "")
	EOF
	assert_state_mdev "$G1" "" "" "" no
	for g in "$G1" "$G2" "$G3"; do
		run --separate-stderr chzap --remove -m "$g"
		assert_success
		assert_writes <<-EOF
		devices/vfio_ap/matrix/$g/remove 1\n 0
		EOF
		assert_no_state_mdev "$g"
	done
	assert_equal "$(state_mdevs)" ""
	run --separate-stderr chzap --host -d 4,0x47,0xab,0xff
	assert_success
	assert_output "8 queues vfio -> host: 05.0004 05.0047 05.00ab 05.00ff 06.0004 06.0047 06.00ab 06.00ff"
	assert_writes <<-EOF
	bus/ap/aqmask $(mask {0..255})\n 0
	EOF
	# back where it started, to the byte
	lszap_json "$t/final.json"
	assert_same_json "$t/initial.json" "$t/final.json"
	assert_equal "$(state_queues | grep -vc ' cex4queue$')" 0
	assert_clean_run_dirs
}

# The document's ownership example: adapters 1-3 x domains 7 and 8 belong
# to vfio_ap; an mdev holds 01.0007, 02.0007, 03.0007.
ownership_machine() {
	kernel_line "$1"
	cat <<-EOF
	bus aqmask=0-6,9-255
	adapter 1 hwtype=14 mode=cca domains=7,8
	adapter 2 hwtype=14 mode=cca domains=7,8
	adapter 3 hwtype=14 mode=ep11 domains=7,8
	mdev $G1 adapters=1-3 domains=7 control=none
	EOF
}

# The ownership example on generation $1.
ownership_example() {
	local gen=$1 t=$BATS_TEST_TMPDIR

	apsim_start < <(ownership_machine "$gen")
	# domain 8: no mdev holds it, back to the host
	run --separate-stderr chzap --host -d 8
	assert_success
	assert_output "3 queues vfio -> host: 01.0008 02.0008 03.0008"
	assert_writes <<-EOF
	bus/ap/aqmask $(mask_without 7)\n 0
	EOF
	run state_queues
	assert_output - <<-EOF
	01.0007 vfio_ap
	01.0008 cex4queue
	02.0007 vfio_ap
	02.0008 cex4queue
	03.0007 vfio_ap
	03.0008 cex4queue
	EOF
	# domain 7: refused, every APQN in the way named
	lszap_json "$t/before.json"
	run --separate-stderr chzap --host -d 7
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" "chzap: mdev $G1 holds APQNs this would give to the host (unassign them first): 01.0007 02.0007 03.0007"
	assert_no_writes
	lszap_json "$t/after.json"
	assert_same_json "$t/before.json" "$t/after.json"
	# the kernel refuses the same: EBUSY
	run put bus/ap/aqmask +7
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_writes <<-EOF
	bus/ap/aqmask +7 EBUSY
	EOF
	assert_equal "$(state_field bus aqmask)" "$(mask_without 7)"
	# unassign, and domain 7 can go back; remove the mdev
	run --separate-stderr chzap -u -m "$G1" -d 7
	assert_success
	assert_writes <<-EOF
	$(mdev_writes "$gen" "$G1" unassign "" 7 "1 2 3" "")
	EOF
	assert_state_mdev "$G1" "1 2 3" "" "" no
	run --separate-stderr chzap --host -d 7
	assert_success
	assert_output "3 queues vfio -> host: 01.0007 02.0007 03.0007"
	assert_writes <<-EOF
	bus/ap/aqmask $(mask {0..255})\n 0
	EOF
	run --separate-stderr chzap --remove -m "$G1"
	assert_success
	assert_writes <<-EOF
	devices/vfio_ap/matrix/$G1/remove 1\n 0
	EOF
	assert_equal "$(state_mdevs)" ""
	assert_equal "$(state_queues | grep -vc ' cex4queue$')" 0
	run lszap --check
	assert_success
	assert_clean_run_dirs
}

@test "walkthrough (newest kernel): --vfio, three --create, checks, hot unplug, everything back" {
	walkthrough newest
}

@test "walkthrough (kernel without ap_config): the same with assign_*/unassign_* writes" {
	walkthrough old
}

@test "ownership example (newest kernel): --host -d 8 succeeds, --host -d 7 refused (exit 3) like the kernel" {
	ownership_example newest
}

@test "ownership example (kernel without ap_config): the same" {
	ownership_example old
}

@test "regression: the first --create on a kernel with ap_config writes ap_config once" {
	apsim_start < <(host_machine newest)
	run chzap --vfio -d 4,0xab
	assert_success
	ctl reset-log
	run --separate-stderr chzap --create -m "$G1" -a 5,6 -d 4,0xab
	assert_success
	assert_writes <<-EOF
	$TYPE/create $G1\n 0
	$(mdev_writes newest "$G1" assign "5 6" "4 171" "5 6" "4 171")
	EOF
}

# A kernel without ap_config: 05.0004 05.0047 06.0004 06.0047 are vfio_ap's,
# mdev G1 holds 05.0004. Assigning adapter 6, domain 0x47 and control
# domain 1 to it takes three writes.
rollback_machine() {
	cat <<-EOF
	kernel ap_config=no
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,2,4,0x47
	mdev $G1 adapters=5 domains=4 control=none
	EOF
}

@test "rollback: the kernel refuses the 2nd of 3 writes: exit 4, undone, lszap --json as before" {
	local t=$BATS_TEST_TMPDIR dir=devices/vfio_ap/matrix/$G1

	apsim_start < <(rollback_machine)
	lszap_json "$t/before.json"
	ctl "fail $dir/assign_domain EAGAIN"
	run --separate-stderr chzap -V -m "$G1" -a 6 -d 0x47 -c 1
	assert_failure 4
	assert_output ""
	assert_equal "$stderr" "chzap: echo 0x06 > $S/$dir/assign_adapter
chzap: echo 0x0047 > $S/$dir/assign_domain: failed: the kernel could not take a lock, try again (EAGAIN)
chzap: undo: echo 0x06 > $S/$dir/unassign_adapter
chzap: writing '0x0047' to $S/$dir/assign_domain failed: the kernel could not take a lock, try again (EAGAIN); 1 earlier write undone"
	assert_writes <<-EOF
	$dir/assign_adapter 0x06\n 0
	$dir/assign_domain 0x0047\n EAGAIN
	$dir/unassign_adapter 0x06\n 0
	EOF
	assert_state_mdev "$G1" 5 4 "" no
	lszap_json "$t/after.json"
	assert_same_json "$t/before.json" "$t/after.json"
	assert_clean_run_dirs
	# the same change goes through once the kernel takes it
	run --separate-stderr chzap -m "$G1" -a 6 -d 0x47 -c 1
	assert_success
	assert_writes <<-EOF
	$dir/assign_adapter 0x06\n 0
	$dir/assign_domain 0x0047\n 0
	$dir/assign_control_domain 0x0001\n 0
	EOF
	assert_state_mdev "$G1" "5 6" "4 71" 1 no
}

@test "rollback: the undo is refused too: exit 6, the state left named" {
	local dir=devices/vfio_ap/matrix/$G1

	apsim_start < <(rollback_machine)
	ctl "fail $dir/assign_domain EAGAIN"
	ctl "fail $dir/unassign_adapter EBUSY"
	run --separate-stderr chzap -m "$G1" -a 6 -d 0x47 -c 1
	assert_failure 6
	assert_output ""
	assert_equal "$stderr" "chzap: writing '0x0047' to $S/$dir/assign_domain failed: the kernel could not take a lock, try again (EAGAIN); the rollback failed too: $S/$dir/assign_adapter still has '0x06'"
	assert_writes <<-EOF
	$dir/assign_adapter 0x06\n 0
	$dir/assign_domain 0x0047\n EAGAIN
	$dir/unassign_adapter 0x06\n EBUSY
	EOF
	# what the message says is what the kernel has
	assert_state_mdev "$G1" "5 6" 4 "" no
	assert_no_lock_temp
}

@test "rollback: --create whose ap_config write is refused removes the new mdev again" {
	local t=$BATS_TEST_TMPDIR

	# the walkthrough after Guest1 and Guest2 (ap_config is known from them)
	apsim_start <<-EOF
	bus aqmask=0-3,5-70,72-170,172-254
	adapter 5 hwtype=11 mode=cca domains=1,2,4,0x47,0xab,0xff
	adapter 6 hwtype=11 mode=accel domains=1,2,4,0x47,0xab,0xff
	mdev $G1 adapters=5,6 domains=4,0xab control=none
	mdev $G2 adapters=5 domains=0x47,0xff control=none
	EOF
	lszap_json "$t/before.json"
	ctl "fail devices/vfio_ap/matrix/$G3/ap_config EAGAIN"
	run --separate-stderr chzap --create -m "$G3" -a 6 -d 0x47,0xff
	assert_failure 4
	assert_output ""
	assert_writes <<-EOF
	$TYPE/create $G3\n 0
	devices/vfio_ap/matrix/$G3/ap_config $(mask 6),$(mask 71 255),$(mask)\n EAGAIN
	devices/vfio_ap/matrix/$G3/remove 1\n 0
	EOF
	assert_no_state_mdev "$G3"
	lszap_json "$t/after.json"
	assert_same_json "$t/before.json" "$t/after.json"
	assert_clean_run_dirs
}

@test "regression: a write the kernel fails with EIO is not reported as a read-back mismatch" {
	local dir=devices/vfio_ap/matrix/$G1

	apsim_start < <(rollback_machine)
	ctl "fail $dir/assign_domain EIO"
	run --separate-stderr chzap -m "$G1" -a 6 -d 0x47 -c 1
	assert_failure 4
	[[ "$stderr" != *"read back a different value"* ]] ||
		fail "a write the kernel refused with EIO is reported as a read-back mismatch: $stderr"
	assert_equal "$stderr" "chzap: writing '0x0047' to $S/$dir/assign_domain failed: Input/output error (EIO); 1 earlier write undone"
}

@test "running guest: --remove refused without --force (exit 3), nothing written" {
	apsim_start < <(demo_machine newest)
	run --separate-stderr chzap --remove -m "$G2"
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $G2 is in use by a running guest (stop the guest, or use --force: the remove then waits until the guest releases it)"
	assert_no_writes
	assert_state_mdev "$G2" 5 "71 255" "" yes
}

@test "running guest: --remove --force waits until the guest stops, then removes" {
	local start end

	apsim_start < <(demo_machine newest)
	# the guest shuts down a second later
	(sleep 1; ctl "guest $G2 stop") 3>&- &
	start=$(date +%s%N)
	run --separate-stderr chzap --force --remove -m "$G2"
	end=$(date +%s%N)
	wait
	assert_success
	# it waited for the guest (apsim would have failed it with EBUSY
	# after 5 s)
	[ $(((end - start) / 1000000)) -ge 900 ] ||
		fail "chzap returned after $(((end - start) / 1000000)) ms, before the guest stopped"
	assert_writes <<-EOF
	devices/vfio_ap/matrix/$G2/remove 1\n 0
	EOF
	assert_no_state_mdev "$G2"
	assert_state_mdev "$G1" "5 6" "4 171" "" yes
	run lszap -M --json
	assert_success
	assert_equal "$(jq -r '.mdevs[].uuid' <<< "$output" | grep -c "$G2")" 0
}

# unassign_in_use GEN: adapter 6 leaves Guest1 while it runs.
unassign_in_use() {
	local gen=$1 t=$BATS_TEST_TMPDIR

	apsim_start < <(demo_machine "$gen")
	assert_equal "$(cat "$M/$G1/guest_matrix")" "$(printf '05.0004\n05.00ab\n06.0004\n06.00ab')"
	run --separate-stderr chzap -u -m "$G1" -a 6
	assert_success
	assert_output ""
	assert_equal "$stderr" "chzap: warning: mdev $G1 is in use by a running guest: the change is hot-unplugged"
	assert_writes <<-EOF
	$(mdev_writes "$gen" "$G1" unassign 6 "" 5 "4 171")
	EOF
	# the guest keeps running with adapter 5 only
	assert_state_mdev "$G1" 5 "4 171" "" yes
	assert_equal "$(state_field "mdev $G1" guest_adapters)" "$(mask 5)"
	assert_equal "$(cat "$M/$G1/guest_matrix")" "$(printf '05.0004\n05.00ab')"
	lszap_json "$t/after.json"
	run jq -r '.mdevs[] | select(.uuid == "'"$G1"'") | .guest_apqns | join(",")' "$t/after.json"
	assert_output "05.0004,05.00ab"
	run jq -r '.queues[] | select(.adapter == 6 and (.domain == 4 or .domain == 171)) | "\(.apqn) \(.mdev) \(.status)"' "$t/after.json"
	assert_output - <<-EOF
	06.0004 null unassigned
	06.00ab null unassigned
	EOF
}

@test "running guest (newest kernel): unassigning an in-use adapter works, said on stderr, guest_matrix shrinks" {
	unassign_in_use newest
}

@test "running guest (kernel without ap_config): the same with unassign_adapter" {
	unassign_in_use old
}

@test "the kernel agrees: what chzap refuses, an echo into sysfs is refused (EADDRINUSE, EADDRNOTAVAIL, EBUSY)" {
	local t=$BATS_TEST_TMPDIR

	apsim_start < <(demo_machine newest)
	lszap_json "$t/before.json"
	# adapter 6 for Guest2: Guest3's 06.0047 and 06.00ff
	run --separate-stderr chzap -m "$G2" -a 6
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $G2 would share APQNs with mdev $G3: 06.0047 06.00ff"
	assert_no_writes
	run bash -c "echo 6 > '$M/$G2/assign_adapter'"
	assert_failure
	assert_output --partial "Address already in use"
	assert_writes <<-EOF
	devices/vfio_ap/matrix/$G2/assign_adapter 6\n EADDRINUSE
	EOF
	# domain 1 for Guest1: the host's 05.0001 and 06.0001
	run --separate-stderr chzap -m "$G1" -d 1
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $G1 would hold APQNs owned by the host (free them first with 'chzap --vfio -d 0x1'): 05.0001 06.0001"
	assert_no_writes
	run bash -c "echo 1 > '$M/$G1/assign_domain'"
	assert_failure
	assert_output --partial "Cannot assign requested address"
	assert_writes <<-EOF
	devices/vfio_ap/matrix/$G1/assign_domain 1\n EADDRNOTAVAIL
	EOF
	# both at once: the kernel tests host ownership first, so does chzap
	run --separate-stderr chzap -m "$G3" -a 5 -d 2
	assert_failure 3
	[[ "$stderr" == *"owned by the host"* ]] || fail "not refused for host APQNs: $stderr"
	run bash -c "echo 2 > '$M/$G3/assign_domain'"
	assert_failure
	assert_output --partial "Cannot assign requested address"
	ctl reset-log
	# the whole matrix in one ap_config write: the same answers
	run --separate-stderr chzap -m "$G2" -a 6 -d 1
	assert_failure 3
	run bash -c "printf '%s\n' '$(mask 5 6),$(mask 71 255),$(mask)' > '$M/$G2/ap_config'"
	assert_failure
	assert_output --partial "Address already in use"
	run bash -c "printf '%s\n' '$(mask 5),$(mask 1 71 255),$(mask)' > '$M/$G2/ap_config'"
	assert_failure
	assert_output --partial "Cannot assign requested address"
	# giving domain 0x47 back to the host while Guest2 and Guest3 hold it
	run --separate-stderr chzap --host -d 0x47
	assert_failure 3
	run bash -c "echo +0x47 > '$S/bus/ap/aqmask'"
	assert_failure
	assert_output --partial "Device or resource busy"
	# none of it changed anything
	lszap_json "$t/after.json"
	assert_same_json "$t/before.json" "$t/after.json"
}
