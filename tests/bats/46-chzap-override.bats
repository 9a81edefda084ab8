#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 46-chzap-override.bats - issue 15, chzap side, on apsim with Linux 6.19
# semantics (kernel driver_override=yes): --vfio/--host with queue
# arguments move exactly the named queues with driver_override (spec
# driver-override.md 5.1 and 5.2, the driver link checked); refusals before
# any write: giving a queue an active mdev holds to the host, queue
# arguments on a host the masks decide (naming the queues a mask change
# would move), a mask change while an override exists; a failed write is
# undone; a chzap killed after each write of a switch leaves a journal that
# lszap --check names and chzap --recover undoes.

bats_require_minimum_version 1.5.0

U=5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e0f

setup() {
	load helper
	zap_common_setup
	load apsim
	command -v jq >/dev/null || fail "jq is not installed (make deps)"
	T=$BATS_TEST_TMPDIR
}

teardown() {
	apsim_stop
}

# A 6.19 host in the masks model with both masks all ones: the host has
# every queue, no override anywhere.
all_ones() {
	cat <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4,0x47
	adapter 7 hwtype=13 mode=ep11 domains=4,0x47
	EOF
}

Q5=devices/ap/card05/05.0047

@test "chzap --vfio 05.0047: override, unbind, probe; only that queue moves; the host is then in the overrides model" {
	apsim_start < <(all_ones)
	run --separate-stderr chzap --vfio 05.0047
	assert_success
	assert_writes <<-EOF
	$Q5/driver_override vfio_ap\n 0
	bus/ap/drivers/cex4queue/unbind 05.0047\n 0
	bus/ap/drivers_probe 05.0047\n 0
	EOF
	run -0 lszap -r -n -o APQN,DRIVER,OWNER,OVERRIDE
	assert_output - <<-EOF
	05.0004 cex4queue host -
	05.0047 vfio_ap vfio vfio_ap
	06.0004 cex4queue host -
	06.0047 cex4queue host -
	07.0004 cex4queue host -
	07.0047 cex4queue host -
	EOF
	run -0 lszap -b
	assert_line 'ownership: overrides'
	# asked again: nothing to do, nothing written
	run -0 chzap --vfio 05.0047
	assert_no_writes
}

@test "chzap --host 05.0047: unbind, clear the override, probe to cex4queue; back in the masks model" {
	apsim_start < <(all_ones)
	run -0 chzap --vfio 05.0047 06.0047
	ctl reset-log
	run --separate-stderr chzap --host 05.0047
	assert_success
	assert_writes <<-EOF
	bus/ap/drivers/vfio_ap/unbind 05.0047\n 0
	$Q5/driver_override \n 0
	bus/ap/drivers_probe 05.0047\n 0
	EOF
	run -0 lszap -r -n -o APQN,DRIVER,OVERRIDE -a 5
	assert_output - <<-EOF
	05.0004 cex4queue -
	05.0047 cex4queue -
	EOF
	run -0 chzap --host 06.0047
	run -0 lszap -b
	assert_line 'ownership: masks'
}

@test "chzap.8 worked example: --vfio two queues, then an mdev of them; lszap --check is clean" {
	apsim_start < <(all_ones)
	run --separate-stderr chzap --vfio 05.0047 06.0047
	assert_success
	assert_output '2 queues host -> vfio: 05.0047 06.0047'
	run --separate-stderr chzap --create -m "$U" -a 5,6 -d 0x47
	assert_success
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
	# no error; live-only changes leave only not-persistent warnings
	run -0 lszap --check -n
	drop_not_persistent
	assert_output ''
}

@test "assigning a queue that was not switched first is refused in the overrides model, naming it" {
	apsim_start < <(all_ones)
	run -0 chzap --vfio 05.0047
	ctl reset-log
	run --separate-stderr chzap --create -m "$U" -a 5,6 -d 0x47
	assert_failure 3
	[[ "$stderr" == *"switch them to vfio_ap first with 'chzap --vfio 06.0047'): 06.0047" ]] || fail "$stderr"
	assert_no_writes
}

@test "chzap --host is refused while an active mdev holds the APQN: exit 3, the mdev named, nothing written" {
	apsim_start < "$MACHINES/examples/overrides.machine"
	lszap_json "$T/before.json"
	run --separate-stderr chzap --host 05.0047
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $U holds APQNs this would give to the host (unassign them first): 05.0047"
	assert_no_writes
	lszap_json "$T/after.json"
	assert_same_json "$T/before.json" "$T/after.json"
}

@test "queue arguments on a host the masks decide: refused, naming the queues the smallest mask change would move, nothing written" {
	apsim_start <<-EOF
	bus aqmask=0-0x46,0x48-0xff
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4,0x47
	adapter 7 hwtype=14 mode=cca domains=4,5,6
	EOF
	run --separate-stderr chzap --vfio 07.0004
	assert_failure 3
	[[ "$stderr" == *"ownership: masks"* ]] || fail "$stderr"
	# taking adapter 7 moves 07.0005 and 07.0006; domain 4 would move two
	[[ "$stderr" == *": 07.0005 07.0006" ]] || fail "$stderr"
	assert_no_writes
}

@test "a mask change while a queue has a driver_override is refused before any write (the kernel's EINVAL)" {
	apsim_start < "$MACHINES/examples/overrides.machine"
	run --separate-stderr chzap --vfio -a 7
	assert_failure 3
	[[ "$stderr" == *"the kernel refuses every apmask/aqmask write while one exists (EINVAL)"*": 05.0047 06.0047" ]] ||
		fail "$stderr"
	assert_no_writes
}

@test "queue arguments: a queue that does not exist is exit 2, a malformed one exit 1, with -a exit 1" {
	apsim_start < <(all_ones)
	run --separate-stderr chzap --vfio 08.0004
	assert_failure 2
	assert_equal "$stderr" "chzap: no queue 08.0004 in the configuration"
	run --separate-stderr chzap --vfio 5.47
	assert_failure 1
	run --separate-stderr chzap --vfio 05.0047 -a 5
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "chzap: --vfio takes queues (AA.DDDD) or --adapter/--domain, not both"
	assert_no_writes
}

@test "a refused unbind is undone: exit 4, the override cleared again, the queue still on cex4queue" {
	apsim_start < <(all_ones)
	lszap_json "$T/before.json"
	ctl "fail bus/ap/drivers/cex4queue/unbind EBUSY"
	run --separate-stderr chzap --vfio 05.0047
	assert_failure 4
	assert_writes <<-EOF
	$Q5/driver_override vfio_ap\n 0
	bus/ap/drivers/cex4queue/unbind 05.0047\n EBUSY
	$Q5/driver_override \n 0
	EOF
	lszap_json "$T/after.json"
	assert_same_json "$T/before.json" "$T/after.json"
}

# "chzap WORD...": the completion's candidates for the last word, sorted.
complete_words() {
	bash -c '
		source "$1"
		shift
		COMP_WORDS=(chzap "$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_chzap
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
	' complete_words "$ZAP_TOP/completions/chzap" "$@"
}

@test "completion: --vfio completes the host's queues, --host vfio_ap's, from the live queues" {
	zap_tree "$MACHINES/examples/overrides.machine"
	run -0 complete_words --vfio 0
	assert_output - <<-EOF
	05.0004
	06.0004
	07.0004
	07.0047
	EOF
	run -0 complete_words --host 05.0047 0
	assert_output - <<-EOF
	05.0047
	06.0047
	EOF
	run -0 complete_words --vfio 07.
	assert_output - <<-EOF
	07.0004
	07.0047
	EOF
}

@test "chzap --ownership overrides keeps the vfio_ap pool queue by queue: masks to all ones, then override, unbind, probe" {
	apsim_start <<-EOF
	kernel driver_override=yes
	bus aqmask=0-0x46,0x48-0xff
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4
	EOF
	local ones
	ones=$(mask {0..255})
	run --separate-stderr chzap --ownership overrides
	assert_success
	assert_output 'ownership: overrides'
	assert_writes <<-EOF
	bus/ap/aqmask $ones\n 0
	$Q5/driver_override vfio_ap\n 0
	bus/ap/drivers/cex4queue/unbind 05.0047\n 0
	bus/ap/drivers_probe 05.0047\n 0
	EOF
	run -0 lszap -r -n -o APQN,DRIVER,OWNER,OVERRIDE
	assert_output - <<-EOF
	05.0004 cex4queue host -
	05.0047 vfio_ap vfio vfio_ap
	06.0004 cex4queue host -
	EOF
	run -0 lszap -b
	assert_line 'ownership: overrides'
	# and back: clear the override, then the masks that keep 05.0047
	run --separate-stderr chzap --ownership masks
	assert_success
	assert_output 'ownership: masks'
	run -0 lszap -r -n -o APQN,DRIVER,OWNER,OVERRIDE
	assert_output - <<-EOF
	05.0004 cex4queue host -
	05.0047 vfio_ap vfio -
	06.0004 cex4queue host -
	EOF
	run -0 lszap -b
	assert_line 'ownership: masks'
	assert_line "aqmask: $(mask {0..70} {72..255})"
}

@test "chzap --ownership masks is refused when the masks cannot keep the pool, naming the queues, nothing written" {
	apsim_start < <(all_ones)
	run -0 chzap --vfio 05.0047 06.0004
	ctl reset-log
	run --separate-stderr chzap --ownership masks
	assert_failure 3
	[[ "$stderr" == *"the masks cannot keep vfio_ap's queues as they are"*": 05.0004 06.0047" ]] || fail "$stderr"
	assert_no_writes
}

@test "chzap --ownership is refused while an active mdev holds an APQN, naming it; usage errors" {
	apsim_start < "$MACHINES/examples/overrides.machine"
	run --separate-stderr chzap --ownership masks
	assert_failure 3
	assert_equal "$stderr" "chzap: mdev $U holds APQNs: a conversion moves them through the host (remove the mdev or unassign them first): 05.0047 06.0047"
	assert_no_writes
	run --separate-stderr chzap --ownership both
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "chzap: --ownership takes overrides or masks, not 'both'"
	run --separate-stderr chzap --ownership masks -p
	assert_failure 1
	run -0 chzap --ownership overrides
	assert_no_writes
}

@test "chzap -p --vfio 05.0047 keeps the override in driverctl's format; -P --host removes it; lszap --persistent reads it" {
	apsim_start < <(all_ones)
	run --separate-stderr chzap -p --vfio 05.0047
	assert_success
	assert_equal "$(cat "$ZAP_ROOT/etc/driverctl.d/ap-05.0047")" vfio_ap
	run -0 lszap --persistent -r -n -o APQN,DRIVER,OWNER,OVERRIDE -a 5
	assert_output - <<-EOF
	05.0004 cex4queue host -
	05.0047 vfio_ap vfio vfio_ap
	EOF
	run -0 lszap --persistent -b
	assert_line 'ownership: overrides'
	# persistent only: sysfs is not touched, the file goes
	ctl reset-log
	run --separate-stderr chzap -P --host 05.0047
	assert_success
	assert_no_writes
	[ ! -e "$ZAP_ROOT/etc/driverctl.d/ap-05.0047" ]
	run -0 lszap -r -n -o APQN,OVERRIDE -a 5
	assert_line '05.0047 vfio_ap'
	run -0 lszap --persistent -b
	assert_line 'ownership: masks'
}

@test "chzap --host is refused while an autostart definition holds the APQN, naming it; nothing written" {
	# a fixture tree: apsim emulates sysfs only, mkfixture writes etc/ too
	zap_tree - <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	override 05.0047 vfio_ap
	define $U start=auto adapters=5 domains=0x47 control=none
	EOF
	zap_snapshot "$T/before.snap"
	run --separate-stderr chzap -p --host 05.0047
	assert_failure 3
	assert_equal "$stderr" "chzap: autostart definition (mdevctl) $U holds APQNs this would give to the host (unassign them first): 05.0047"
	zap_assert_unchanged "$T/before.snap"
}
