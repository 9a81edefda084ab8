#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# driver-override.bats - apsim and mkfixture with "kernel driver_override=yes"
# against the Linux 6.19 rules of shared/spec/driver-override.md: the queue
# attribute, the override counter and the mask flag, drivers_probe, bind and
# unbind, vfio_ap's ownership check (DO-18/DO-22), bindings_complete_count.

setup() {
	load helper
	MKFIXTURE=${MKFIXTURE:-$BATS_TEST_DIRNAME/../machine/mkfixture}
}

teardown() {
	apsim_unmount
}

# A 6.19 host in the override model: both masks all ones, so every queue
# starts on cex4queue.
ovr_machine() {
	cat <<-EOF
	kernel driver_override=yes
	bus max_adapter=63 max_domain=15
	adapter 5 hwtype=14 mode=cca domains=4,6,7
	adapter 6 hwtype=13 mode=ep11 domains=4,6
	EOF
}

# The sysfs directory of queue $1.
qdir() {
	echo "$S/devices/ap/card${1%%.*}/$1"
}

# The driver link of queue $1 ("" when unbound).
qdriver() {
	readlink "$(qdir "$1")/driver" || true
}

# The value of FIELD= ($2) on apsim's state line starting with $1.
sfield() {
	local word

	for word in $(grep "^$1 " "$S/.apsim/state"); do
		if [[ "$word" == "$2="* ]]; then
			echo "${word#*=}"
			return 0
		fi
	done
	return 1
}

# Switch queue $1 to vfio_ap as driver-override.md 5.1 does.
switch_to_vfio() {
	put "devices/ap/card${1%%.*}/$1/driver_override" vfio_ap
	put "devices/ap/card${1%%.*}/$1/driver/unbind" "$1"
	put bus/ap/drivers_probe "$1"
}

CEX=../../../../bus/ap/drivers/cex4queue
VFIO=../../../../bus/ap/drivers/vfio_ap

@test "old kernels: no driver_override, no bindings_complete_count; drivers_probe follows the masks" {
	apsim_mount "$(std_machine)"
	[ ! -e "$(qdir 05.0004)/driver_override" ]
	[ ! -e "$S/bus/ap/bindings_complete_count" ]
	run ls "$(qdir 05.0004)"
	refute_output --partial driver_override
	run cat "$S/.apsim/state"
	refute_output --partial override
	put bus/ap/drivers/cex4queue/unbind 05.0004
	assert_equal "$(qdriver 05.0004)" ""
	put bus/ap/drivers_probe 05.0004
	assert_equal "$(qdriver 05.0004)" "$CEX"
	put bus/ap/aqmask "$(mask 0 1 2 3 4 5)"
	put bus/ap/aqmask +6
	assert_equal "$(qdriver 05.0006)" "$CEX"
}

@test "driver_override: 0644, reads a lone newline, no rebinding, counter follows none<->set" {
	apsim_mount "$(ovr_machine)"
	local f
	f=$(qdir 05.0004)/driver_override
	assert_equal "$(stat -c %a "$f")" 644
	assert_equal "$(od -An -c "$f" | tr -d ' ')" '\n'
	assert_equal "$(sfield bus ap_driver_override_ctr)" 0
	put devices/ap/card05/05.0004/driver_override vfio_ap
	assert_equal "$(od -An -c "$f" | tr -d ' ')" 'vfio_ap\n'
	assert_equal "$(sfield 'queue 05.0004' override)" vfio_ap
	assert_equal "$(qdriver 05.0004)" "$CEX"
	assert_equal "$(cat "$S/bus/ap/bindings")" "5/5 (complete)"
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	put devices/ap/card05/05.0004/driver_override cex4queue
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	put devices/ap/card06/06.0006/driver_override vfio_ap
	assert_equal "$(sfield bus ap_driver_override_ctr)" 2
	put devices/ap/card05/05.0004/driver_override $'\n'
	assert_equal "$(od -An -c "$f" | tr -d ' ')" '\n'
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	put devices/ap/card05/05.0004/driver_override $'\n'
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	assert_equal "$(sfield 'queue 05.0004' override)" ""
}

@test "driver_override: the name ends at a newline or NUL, blanks kept, 4095 bytes EINVAL" {
	apsim_mount "$(ovr_machine)"
	local w=devices/ap/card05/05.0007/driver_override long
	# one write(): bash's printf writes line by line
	printf 'vfio_ap\ncex4queue' > "$BATS_TEST_TMPDIR/two"
	dd if="$BATS_TEST_TMPDIR/two" of="$S/$w" bs=64 conv=notrunc status=none
	assert_equal "$(cat "$S/$w")" vfio_ap
	assert_equal "$(grep -c "^$w	" "$S/.apsim/writes")" 1
	printf 'cex4queue\0vfio_ap' > "$S/$w"
	assert_equal "$(cat "$S/$w")" cex4queue
	put "$w" "vfio_ap "
	assert_equal "$(cat "$S/$w")" "vfio_ap "
	long=$BATS_TEST_TMPDIR/long
	head -c 4094 /dev/zero | tr '\0' x > "$long"
	dd if="$long" of="$S/$w" bs=8192 conv=notrunc status=none
	assert_equal "$(wc -c < "$S/$w")" 4095
	printf y >> "$long"
	run dd if="$long" of="$S/$w" bs=8192 conv=notrunc status=none
	assert_failure
	assert_output --partial "Invalid argument"
	assert_equal "$(wc -c < "$S/$w")" 4095
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
}

@test "mask writes: EINVAL while an override exists, even unchanged, all ones or +0 (DO-10)" {
	apsim_mount "$(ovr_machine)"
	put devices/ap/card06/06.0004/driver_override vfio_ap
	local v
	for v in "$(mask {0..255})" +0 -0 +1 junk; do
		run put bus/ap/apmask "$v"
		assert_failure
		assert_output --partial "Invalid argument"
		run put bus/ap/aqmask "$v"
		assert_failure
		assert_output --partial "Invalid argument"
	done
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask {0..255})"
	assert_equal "$(cat "$S/bus/ap/aqmask")" "$(mask {0..255})"
	put devices/ap/card06/06.0004/driver_override $'\n'
	put bus/ap/aqmask -7
	assert_equal "$(qdriver 05.0007)" "$VFIO"
}

@test "driver_override: EINVAL on every queue, also a clear, while a mask is restricted (DO-3, DO-24)" {
	apsim_mount "$(ovr_machine)"
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 0
	put bus/ap/aqmask -7
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 1
	local q
	for q in 05.0004 05.0007 06.0006; do
		run put "devices/ap/card${q%%.*}/$q/driver_override" vfio_ap
		assert_failure
		assert_output --partial "Invalid argument"
		run put "devices/ap/card${q%%.*}/$q/driver_override" $'\n'
		assert_failure
		assert_output --partial "Invalid argument"
	done
	assert_equal "$(sfield bus ap_driver_override_ctr)" 0
	put bus/ap/aqmask +7
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 0
	put devices/ap/card05/05.0004/driver_override vfio_ap
	assert_equal "$(cat "$(qdir 05.0004)/driver_override")" vfio_ap
	run cat "$S/.apsim/writes"
	assert_line "devices/ap/card05/05.0004/driver_override	vfio_ap	EINVAL"
	assert_line "devices/ap/card05/05.0004/driver_override	vfio_ap	0"
}

@test "mixed mode: boot-parameter masks leave the flag clear, overrides bind against the masks (DO-7, DO-13)" {
	apsim_mount "$(ovr_machine)" "bus aqmask=0-5 ap_apmask_aqmask_in_use=no" \
		"override 05.0006 cex4queue"
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 0
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	assert_equal "$(qdriver 05.0006)" "$CEX"
	assert_equal "$(qdriver 05.0007)" "$VFIO"
	switch_to_vfio 05.0004
	assert_equal "$(qdriver 05.0004)" "$VFIO"
	assert_equal "$(sfield bus ap_driver_override_ctr)" 2
	run put bus/ap/aqmask "$(mask 0 1 2 3 4 5)"
	assert_output --partial "Invalid argument"
}

@test "mixed mode: a description with restricted masks and overrides starts with the flag clear" {
	apsim_mount "$(ovr_machine)" "bus aqmask=0-5" "override 05.0007 vfio_ap"
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 0
	put devices/ap/card05/05.0007/driver_override $'\n'
	assert_equal "$(sfield bus ap_driver_override_ctr)" 0
	put bus/ap/aqmask "$(mask 0 1 2 3 4 5)"
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 0
	put bus/ap/aqmask -5
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 1
}

@test "switch: override, unbind through the driver link, drivers_probe move the driver link (5.1, 5.2)" {
	apsim_mount "$(ovr_machine)"
	local q
	q=$(qdir 05.0006)
	put devices/ap/card05/05.0006/driver_override vfio_ap
	assert_equal "$(qdriver 05.0006)" "$CEX"
	put devices/ap/card05/05.0006/driver/unbind 05.0006
	[ ! -e "$q/driver" ]
	assert_equal "$(cat "$S/bus/ap/bindings")" 4/5
	assert_equal "$(sfield 'queue 05.0006' driver)" none
	put bus/ap/drivers_probe 05.0006
	assert_equal "$(qdriver 05.0006)" "$VFIO"
	[ -L "$S/bus/ap/drivers/vfio_ap/05.0006" ]
	[ ! -e "$S/bus/ap/drivers/cex4queue/05.0006" ]
	assert_equal "$(cat "$q/status")" unassigned
	[ ! -e "$q/online" ]
	assert_equal "$(cat "$S/bus/ap/bindings")" "5/5 (complete)"
	put bus/ap/drivers_probe $'05.0006\n'
	assert_equal "$(qdriver 05.0006)" "$VFIO"
	put devices/ap/card05/05.0006/driver/unbind 05.0006
	put devices/ap/card05/05.0006/driver_override $'\n'
	put bus/ap/drivers_probe 05.0006
	assert_equal "$(qdriver 05.0006)" "$CEX"
	assert_equal "$(sfield bus ap_driver_override_ctr)" 0
	run cat "$S/.apsim/writes"
	assert_output - <<-EOF
	devices/ap/card05/05.0006/driver_override	vfio_ap	0
	bus/ap/drivers/cex4queue/unbind	05.0006	0
	bus/ap/drivers_probe	05.0006	0
	bus/ap/drivers_probe	05.0006\n	0
	bus/ap/drivers/vfio_ap/unbind	05.0006	0
	devices/ap/card05/05.0006/driver_override	\n	0
	bus/ap/drivers_probe	05.0006	0
	EOF
}

@test "drivers_probe: ENODEV for unknown names, success when no driver takes the queue (DO-15)" {
	apsim_mount "$(ovr_machine)" "override 05.0007 bogus"
	assert_equal "$(qdriver 05.0007)" ""
	assert_equal "$(cat "$S/bus/ap/bindings")" 4/5
	local bad
	for bad in 05.0005 5.0004 05.0004x 05.000A card07 07.0004 "05.0004 " $'05.0004\n\n'; do
		run put bus/ap/drivers_probe "$bad"
		assert_failure
		assert_output --partial "No such device"
	done
	put bus/ap/drivers_probe card05
	put bus/ap/drivers_probe 05.0007
	assert_equal "$(qdriver 05.0007)" ""
	put bus/ap/drivers/cex4queue/unbind 05.0004
	put devices/ap/card05/05.0004/driver_override vfio_ap
	run put bus/ap/drivers/cex4queue/bind 05.0004
	assert_output --partial "No such device"
	put devices/ap/card05/05.0007/driver_override cex4queue
	put bus/ap/drivers_probe 05.0007
	assert_equal "$(qdriver 05.0007)" "$CEX"
}

@test "drivers_probe: an override naming a driver that is not loaded leaves the queue unbound" {
	apsim_mount "$(ovr_machine)" "drivers vfio_ap=no" "override 05.0004 vfio_ap"
	assert_equal "$(qdriver 05.0004)" ""
	put bus/ap/drivers_probe 05.0004
	assert_equal "$(qdriver 05.0004)" ""
	assert_equal "$(cat "$S/bus/ap/bindings")" 4/5
	assert_equal "$(cat "$S/bus/ap/bindings_complete_count")" 0
}

@test "bind and unbind: ENODEV against the override or the wrong driver, EBUSY when bound (DO-14, DO-16)" {
	apsim_mount "$(ovr_machine)"
	put devices/ap/card05/05.0004/driver_override vfio_ap
	run put bus/ap/drivers/vfio_ap/unbind 05.0004
	assert_output --partial "No such device"
	put bus/ap/drivers/cex4queue/unbind 05.0004
	run put bus/ap/drivers/cex4queue/unbind 05.0004
	assert_output --partial "No such device"
	run put bus/ap/drivers/cex4queue/bind 05.0004
	assert_output --partial "No such device"
	put bus/ap/drivers/vfio_ap/bind 05.0004
	assert_equal "$(qdriver 05.0004)" "$VFIO"
	run put bus/ap/drivers/vfio_ap/bind 05.0004
	assert_output --partial "Device or resource busy"
	run put bus/ap/drivers/vfio_ap/bind 05.0006
	assert_output --partial "Device or resource busy"
	put bus/ap/drivers/cex4queue/unbind 05.0006
	run put bus/ap/drivers/vfio_ap/bind 05.0006
	assert_output --partial "No such device"
	put bus/ap/drivers/cex4queue/bind 05.0006
	assert_equal "$(qdriver 05.0006)" "$CEX"
}

@test "assign: an APQN is vfio_ap's only while bound to it with an override (DO-18, DO-22)" {
	apsim_mount "$(ovr_machine)" "mdev $U1 adapters=none domains=none control=none"
	local d=devices/vfio_ap/matrix/$U1
	put "$d/assign_adapter" 5
	put "$d/assign_control_domain" 6
	run put "$d/assign_domain" 6
	assert_output --partial "Cannot assign requested address"
	put devices/ap/card05/05.0006/driver_override vfio_ap
	run put "$d/assign_domain" 6
	assert_output --partial "Cannot assign requested address"
	put bus/ap/drivers/cex4queue/unbind 05.0006
	run put "$d/assign_domain" 6
	assert_output --partial "Cannot assign requested address"
	put bus/ap/drivers_probe 05.0006
	put "$d/assign_domain" 6
	assert_equal "$(cat "$M/$U1/matrix")" 05.0006
	assert_equal "$(cat "$(qdir 05.0006)/status")" assigned
	run put "$d/assign_adapter" 6
	assert_output --partial "Cannot assign requested address"
	run put "$d/assign_adapter" 7
	assert_output --partial "Cannot assign requested address"
	assert_equal "$(cat "$M/$U1/matrix")" 05.0006
	put devices/ap/card05/05.0006/driver_override $'\n'
	assert_equal "$(qdriver 05.0006)" "$VFIO"
	put "$d/unassign_domain" 6
	run put "$d/assign_domain" 6
	assert_output --partial "Cannot assign requested address"
}

@test "ap_config: the same ownership rule, then EADDRINUSE" {
	apsim_mount "$(ovr_machine)" "mdev $U1 adapters=none domains=none control=none" \
		"mdev $U2 adapters=none domains=none control=none"
	run put "devices/vfio_ap/matrix/$U1/ap_config" "$(mask 5 6),$(mask 6),$(mask)"
	assert_output --partial "Cannot assign requested address"
	switch_to_vfio 05.0006
	run put "devices/vfio_ap/matrix/$U1/ap_config" "$(mask 5 6),$(mask 6),$(mask)"
	assert_output --partial "Cannot assign requested address"
	switch_to_vfio 06.0006
	put "devices/vfio_ap/matrix/$U1/ap_config" "$(mask 5 6),$(mask 6),$(mask)"
	assert_equal "$(cat "$M/$U1/matrix")" "$(printf '05.0006\n06.0006')"
	run put "devices/vfio_ap/matrix/$U2/ap_config" "$(mask 5),$(mask 4 6),$(mask)"
	assert_output --partial "Cannot assign requested address"
	run put "devices/vfio_ap/matrix/$U2/ap_config" "$(mask 5),$(mask 6),$(mask)"
	assert_output --partial "Address already in use"
	assert_equal "$(cat "$M/$U2/ap_config")" "$(mask),$(mask),$(mask)"
}

@test "give back: nothing refuses moving a queue a running guest uses (DO-20)" {
	apsim_mount "$(ovr_machine)" "override 05.0006 vfio_ap" \
		"mdev $U1 adapters=5 domains=6 control=none guest=yes"
	assert_equal "$(qdriver 05.0006)" "$VFIO"
	assert_equal "$(cat "$(qdir 05.0006)/status")" "in use"
	assert_equal "$(cat "$M/$U1/guest_matrix")" 05.0006
	put bus/ap/drivers/vfio_ap/unbind 05.0006
	assert_equal "$(cat "$M/$U1/guest_matrix")" .0006
	put devices/ap/card05/05.0006/driver_override $'\n'
	put bus/ap/drivers_probe 05.0006
	assert_equal "$(qdriver 05.0006)" "$CEX"
	assert_equal "$(cat "$M/$U1/matrix")" 05.0006
	put bus/ap/apmask "$(mask {0..255})"
	run put bus/ap/apmask -5
	assert_success
}

@test "driver_override_busy=yes: EBUSY for an override write to an APQN an mdev has (DO-6 variant)" {
	apsim_mount "$(ovr_machine)" "kernel driver_override_busy=yes" \
		"override 05.0006 vfio_ap" "mdev $U1 adapters=5 domains=6 control=none"
	run put devices/ap/card05/05.0006/driver_override $'\n'
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_equal "$(cat "$(qdir 05.0006)/driver_override")" vfio_ap
	put devices/ap/card05/05.0007/driver_override vfio_ap
	put "devices/vfio_ap/matrix/$U1/unassign_domain" 6
	put devices/ap/card05/05.0006/driver_override $'\n'
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
}

@test "bindings_complete_count: a scan counts when every queue is bound after a probe (DO-27, DO-29)" {
	apsim_mount "$(ovr_machine)"
	local c=$S/bus/ap/bindings_complete_count
	assert_equal "$(stat -c %a "$c")" 444
	assert_equal "$(cat "$c")" 1
	put bus/ap/scans 1
	assert_equal "$(cat "$c")" 1
	switch_to_vfio 05.0004
	assert_equal "$(cat "$c")" 1
	put bus/ap/scans 1
	assert_equal "$(cat "$c")" 2
	assert_equal "$(sfield bus bindings_complete_count)" 2
	put bus/ap/drivers/vfio_ap/unbind 05.0004
	put bus/ap/scans 1
	assert_equal "$(cat "$c")" 2
	put bus/ap/drivers_probe 05.0004
	put bus/ap/scans 1
	assert_equal "$(cat "$c")" 3
	put bus/ap/scans 1
	assert_equal "$(cat "$c")" 3
}

@test "stale counter: an overridden queue that leaves keeps mask writes refused (DO-8)" {
	apsim_mount "$(ovr_machine)"
	put devices/ap/card06/06.0004/driver_override vfio_ap
	ctl "remove adapter 6"
	[ ! -e "$S/devices/ap/card06" ]
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	run grep -h . "$S"/devices/ap/card05/*/driver_override
	assert_output ""
	run put bus/ap/apmask -7
	assert_output --partial "Invalid argument"
	ctl "add adapter 6 hwtype=13 mode=ep11 domains=4,6"
	assert_equal "$(cat "$(qdir 06.0004)/driver_override")" ""
	assert_equal "$(qdriver 06.0004)" "$CEX"
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
}

@test "stale counter from the description: ap_driver_override_ctr without overrides" {
	apsim_mount "$(ovr_machine)" "bus ap_driver_override_ctr=2"
	assert_equal "$(sfield bus ap_driver_override_ctr)" 2
	run put bus/ap/aqmask -7
	assert_output --partial "Invalid argument"
	put devices/ap/card05/05.0004/driver_override vfio_ap
	assert_equal "$(sfield bus ap_driver_override_ctr)" 3
}

@test "6.19 in_use: giving back an adapter is EBUSY if an mdev has it with any domain (DO-12)" {
	apsim_mount "$(ovr_machine)" "bus aqmask=0-5" \
		"mdev $U1 adapters=5 domains=7 control=none"
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 1
	put bus/ap/apmask -5
	run put bus/ap/apmask +5
	assert_failure
	assert_output --partial "Device or resource busy"
	put bus/ap/apmask -6
	put bus/ap/apmask +6
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask {0..4} {6..255})"
}

@test "before 6.19 in_use: the same write only checks the current aqmask" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=7 control=none"
	put bus/ap/apmask -5
	put bus/ap/apmask +5
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask {0..255})"
}

@test "mkfixture: driver_override files, override-bound queues, bindings_complete_count, drivers_probe" {
	local root=$BATS_TEST_TMPDIR/root s
	{
		ovr_machine
		echo "override 05.0006 vfio_ap"
		echo 'override 06.0006 "vfio_ap "'
		echo "override 05.0007 cex4queue"
	} > "$BATS_TEST_TMPDIR/m"
	run "$MKFIXTURE" "$BATS_TEST_TMPDIR/m" "$root"
	assert_success
	s=$root/sys
	assert_equal "$(cat "$s/devices/ap/card05/05.0006/driver_override")" vfio_ap
	assert_equal "$(cat "$s/devices/ap/card06/06.0006/driver_override")" "vfio_ap "
	assert_equal "$(od -An -c "$s/devices/ap/card05/05.0004/driver_override" | tr -d ' ')" '\n'
	assert_equal "$(stat -c %a "$s/devices/ap/card05/05.0004/driver_override")" 644
	assert_equal "$(readlink "$s/devices/ap/card05/05.0006/driver")" "$VFIO"
	assert_equal "$(cat "$s/devices/ap/card05/05.0006/status")" unassigned
	assert_equal "$(readlink "$s/devices/ap/card05/05.0007/driver")" "$CEX"
	[ ! -e "$s/devices/ap/card06/06.0006/driver" ]
	[ -L "$s/bus/ap/drivers/vfio_ap/05.0006" ]
	assert_equal "$(cat "$s/bus/ap/bindings")" 4/5
	assert_equal "$(cat "$s/bus/ap/bindings_complete_count")" 0
	assert_equal "$(stat -c %a "$s/bus/ap/drivers_probe")" 200
}

@test "mkfixture: driverctl lines become etc/driverctl.d/ap-AA.DDDD as driverctl saves them" {
	local t=$BATS_TEST_TMPDIR
	{
		ovr_machine
		echo "driverctl 05.0006 vfio_ap"
		echo "driverctl 0a.00FF vfio_ap"
	} > "$t/m"
	run "$MKFIXTURE" "$t/m" "$t/r"
	assert_success
	run ls "$t/r/etc/driverctl.d"
	assert_output "$(printf 'ap-05.0006\nap-0a.00ff')"
	assert_equal "$(od -An -c "$t/r/etc/driverctl.d/ap-05.0006" | tr -d ' ')" 'vfio_ap\n'
	std_machine > "$t/none"
	run "$MKFIXTURE" "$t/none" "$t/r0"
	assert_success
	[ ! -e "$t/r0/etc/driverctl.d" ]
	{ ovr_machine; echo "driverctl 05.0006"; } > "$t/bad1"
	run "$MKFIXTURE" "$t/bad1" "$t/r1"
	assert_failure
	assert_output --partial "line 5: driverctl needs a queue AA.DDDD and a driver name"
	{ ovr_machine; echo "driverctl 05.0006 a"; echo "driverctl 05.0006 b"; } > "$t/bad2"
	run "$MKFIXTURE" "$t/bad2" "$t/r2"
	assert_output --partial "line 6: driverctl '05.0006' given twice"
}

@test "mkfixture: old kernels have no driver_override; bad override lines are refused" {
	local t=$BATS_TEST_TMPDIR
	std_machine > "$t/old"
	run "$MKFIXTURE" "$t/old" "$t/old-root"
	assert_success
	[ ! -e "$t/old-root/sys/devices/ap/card05/05.0004/driver_override" ]
	[ ! -e "$t/old-root/sys/bus/ap/bindings_complete_count" ]
	[ -e "$t/old-root/sys/bus/ap/drivers_probe" ]
	{ std_machine; echo "override 05.0004 vfio_ap"; } > "$t/m1"
	run "$MKFIXTURE" "$t/m1" "$t/r1"
	assert_failure
	assert_output --partial "override of 05.0004 needs kernel driver_override=yes"
	[ ! -e "$t/r1" ]
	{ ovr_machine; echo "override 05.0005 vfio_ap"; } > "$t/m2"
	run "$MKFIXTURE" "$t/m2" "$t/r2"
	assert_output --partial "line 5: queue '05.0005': domain not in the adapter's domains="
	{ ovr_machine; echo "override 05.0004 vfio_ap"; echo "override 05.0004 x"; } > "$t/m3"
	run "$MKFIXTURE" "$t/m3" "$t/r3"
	assert_output --partial "line 6: override of '05.0004' given twice"
	{ ovr_machine; echo "override 05.0004"; } > "$t/m4"
	run "$MKFIXTURE" "$t/m4" "$t/r4"
	assert_output --partial "line 5: override needs a queue AA.DDDD and a driver name"
	{ ovr_machine; echo "override 05.0004 vfio_ap"; echo "bus ap_driver_override_ctr=0"; } > "$t/m5"
	run "$MKFIXTURE" "$t/m5" "$t/r5"
	assert_output --partial "ap_driver_override_ctr 0 is below the 1 overrides"
}

@test "examples: overrides.machine and mixed.machine as plain trees and in apsim" {
	local ex=$BATS_TEST_DIRNAME/../machine/examples t=$BATS_TEST_TMPDIR
	run "$MKFIXTURE" "$ex/overrides.machine" "$t/o"
	assert_success
	assert_equal "$(readlink "$t/o/sys/bus/ap/devices/05.0047/driver")" "$VFIO"
	assert_equal "$(readlink "$t/o/sys/bus/ap/devices/07.0047/driver")" "$CEX"
	assert_equal "$(cat "$t/o/sys/bus/ap/devices/06.0047/status")" "in use"
	assert_equal "$(cat "$t/o/sys/bus/ap/bindings_complete_count")" 1
	run "$MKFIXTURE" "$ex/mixed.machine" "$t/m"
	assert_success
	assert_equal "$(readlink "$t/m/sys/bus/ap/devices/05.0047/driver")" "$VFIO"
	assert_equal "$(readlink "$t/m/sys/bus/ap/devices/05.0048/driver")" "$VFIO"
	assert_equal "$(cat "$t/m/sys/bus/ap/devices/05.0047/driver_override")" ""
	apsim_mount "$(cat "$ex/mixed.machine")"
	assert_equal "$(sfield bus ap_apmask_aqmask_in_use)" 0
	assert_equal "$(sfield bus ap_driver_override_ctr)" 1
	run put bus/ap/aqmask "$(cat "$S/bus/ap/aqmask")"
	assert_output --partial "Invalid argument"
	put devices/ap/card05/05.0004/driver_override vfio_ap
	assert_equal "$(sfield bus ap_driver_override_ctr)" 2
}
