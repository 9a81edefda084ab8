#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# selftest.bats - apsim against the kernel behaviour of shared/spec/sysfs-ap.md:
# read formats, the parsing quirks P1-P4, errnos and their order, rebinding,
# guests, the control channel and the write log.

setup() {
	load helper
}

teardown() {
	apsim_unmount
}

@test "bus attributes: kernel formats of masks, ids, QCI, bindings" {
	apsim_mount "$(std_machine)"
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask {0..255})"
	assert_equal "$(wc -c < "$S/bus/ap/apmask")" 67
	assert_equal "$(cat "$S/bus/ap/aqmask")" "$(mask 0 1 2 3 4 5)"
	assert_equal "$(cat "$S/bus/ap/ap_domain")" 4
	assert_equal "$(cat "$S/bus/ap/ap_max_adapter_id")" 63
	assert_equal "$(cat "$S/bus/ap/ap_max_domain_id")" 15
	assert_equal "$(cat "$S/bus/ap/ap_adapter_mask")" "$(mask 5 6 10)"
	assert_equal "$(cat "$S/bus/ap/ap_usage_domain_mask")" "$(mask 4 6 7)"
	assert_equal "$(cat "$S/bus/ap/ap_control_domain_mask")" "$(mask 4 6 7)"
	assert_equal "$(cat "$S/bus/ap/features")" "APSC APXA QACT"
	assert_equal "$(cat "$S/bus/ap/bindings")" "6/6 (complete)"
	assert_equal "$(cat "$S/bus/ap/scans")" 1
	assert_equal "$(cat "$S/bus/ap/config_time")" 30
	assert_equal "$(cat "$S/bus/ap/poll_timeout")" 250000
	put bus/ap/scans 1
	assert_equal "$(cat "$S/bus/ap/scans")" 2
}

@test "devices: cards, queues, attributes and relative driver links" {
	apsim_mount "$(std_machine)"
	assert_equal "$(readlink "$S/bus/ap/devices/card05")" ../../../devices/ap/card05
	assert_equal "$(readlink "$S/bus/ap/devices/05.0004")" \
		../../../devices/ap/card05/05.0004
	assert_equal "$(readlink "$S/devices/ap/card05/driver")" \
		../../../bus/ap/drivers/cex4card
	assert_equal "$(readlink "$S/devices/ap/card05/05.0004/driver")" \
		../../../../bus/ap/drivers/cex4queue
	assert_equal "$(readlink "$S/devices/ap/card05/05.0006/driver")" \
		../../../../bus/ap/drivers/vfio_ap
	assert_equal "$(readlink "$S/bus/ap/drivers/cex4card/card0a")" \
		../../../../devices/ap/card0a
	[ -d "$S/bus/ap/drivers/vfio_ap/0a.0006" ]
	run ls "$S/devices/ap"
	assert_output "$(printf 'card05\ncard06\ncard0a')"
	assert_equal "$(cat "$S/devices/ap/card05/type")" CEX8C
	assert_equal "$(cat "$S/devices/ap/card06/type")" CEX7P
	assert_equal "$(cat "$S/devices/ap/card0a/type")" CEX6A
	assert_equal "$(cat "$S/devices/ap/card05/modalias")" ap:t0E
	assert_equal "$(cat "$S/devices/ap/card05/ap_functions")" 0x92800000
	assert_equal "$(cat "$S/devices/ap/card05/online")" 1
	assert_equal "$(cat "$S/devices/ap/card05/05.0004/online")" 1
	assert_equal "$(cat "$S/devices/ap/card05/05.0004/request_count")" 0
	assert_equal "$(cat "$S/devices/ap/card05/05.0006/request_count")" -
	assert_equal "$(cat "$S/devices/ap/card05/05.0006/status")" unassigned
	[ ! -e "$S/devices/ap/card05/05.0006/online" ]
	[ ! -e "$S/devices/ap/card05/05.0004/status" ]
}

@test "mdev files: matrix, control_domains, 201-byte ap_config, links" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6,7 control=6"
	assert_equal "$(cat "$M/$U1/matrix")" "$(printf '05.0006\n05.0007')"
	assert_equal "$(cat "$M/$U1/guest_matrix")" "$(printf '05.0006\n05.0007')"
	assert_equal "$(cat "$M/$U1/control_domains")" 0006
	assert_equal "$(wc -c < "$M/$U1/ap_config")" 201
	assert_equal "$(cat "$M/$U1/ap_config")" "$(mask 5),$(mask 6 7),$(mask 6)"
	assert_equal "$(readlink "$M/$U1/mdev_type")" \
		../mdev_supported_types/vfio_ap-passthrough
	assert_equal "$(readlink "$S/bus/mdev/devices/$U1")" \
		"../../../devices/vfio_ap/matrix/$U1"
	[ -d "$M/mdev_supported_types/vfio_ap-passthrough/devices/$U1" ]
	[ -d "$S/bus/matrix/devices/matrix/$U1" ]
	assert_equal "$(cat "$M/features")" "guest_matrix hotplug ap_config"
	assert_equal "$(cat "$M/mdev_supported_types/vfio_ap-passthrough/available_instances")" 65535
	put devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create "$U2"
	assert_equal "$(cat "$M/$U2/matrix")" ""
	put "devices/vfio_ap/matrix/$U2/assign_adapter" 6
	assert_equal "$(cat "$M/$U2/matrix")" 06.
	put "devices/vfio_ap/matrix/$U2/unassign_adapter" 6
	put "devices/vfio_ap/matrix/$U2/assign_domain" 4
	assert_equal "$(cat "$M/$U2/matrix")" .0004
}

@test "apmask P1: 0x prefix, newline, 0X, 65 digits, short masks" {
	apsim_mount "$(std_machine)"
	put bus/ap/apmask 0x41
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 1 7)"
	put bus/ap/apmask $'0x0c\n'
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 4 5)"
	run put bus/ap/apmask $'0x41\n\n'
	assert_failure
	assert_output --partial "Invalid argument"
	run put bus/ap/apmask 0X41
	assert_failure
	assert_output --partial "Invalid argument"
	run put bus/ap/apmask "0x$(printf 'f%.0s' {1..65})"
	assert_failure
	assert_output --partial "Invalid argument"
	run put bus/ap/apmask " 0x41"
	assert_failure
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 4 5)"
	put bus/ap/apmask "0x$(printf 'F%.0s' {1..64})"
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask {0..255})"
	put bus/ap/apmask x8
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 0)"
	echo > "$S/bus/ap/apmask"
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask)"
}

@test "apmask/aqmask P2: octal, +08, ranges, two terms, bad terms" {
	apsim_mount "$(std_machine)"
	put bus/ap/aqmask +010
	assert_equal "$(cat "$S/bus/ap/aqmask")" "$(mask 0 1 2 3 4 5 8)"
	run put bus/ap/aqmask +08
	assert_failure
	assert_output --partial "Invalid argument"
	assert_equal "$(cat "$S/bus/ap/aqmask")" "$(mask 0 1 2 3 4 5 8)"
	put bus/ap/apmask 0x
	put bus/ap/apmask +1-5
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 1 2 3 4 5)"
	put bus/ap/apmask +8+9
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 1 2 3 4 5 8 9)"
	put bus/ap/apmask $'+0x10,-1\n'
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 2 3 4 5 8 9 16)"
	put bus/ap/apmask -0-255,+255
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 255)"
	for bad in + "+ 1" +5-1 +256 "+1;" +1x +0X; do
		run put bus/ap/apmask "$bad"
		assert_failure
		assert_output --partial "Invalid argument"
	done
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask 255)"
}

@test "mask writes: EBUSY when they add an APQN assigned to an mdev" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6 control=none"
	run put bus/ap/aqmask +6
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_equal "$(cat "$S/bus/ap/aqmask")" "$(mask 0 1 2 3 4 5)"
	assert_equal "$(readlink "$S/devices/ap/card05/05.0006/driver")" \
		../../../../bus/ap/drivers/vfio_ap
	put bus/ap/apmask -5
	put bus/ap/aqmask +6
	run put bus/ap/apmask "$(mask {0..255})"
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_equal "$(cat "$S/bus/ap/apmask")" "$(mask {0..4} {6..255})"
}

@test "mask writes: queues are rebound inside the write" {
	apsim_mount "$(std_machine)"
	put bus/ap/aqmask -4
	assert_equal "$(readlink "$S/devices/ap/card05/05.0004/driver")" \
		../../../../bus/ap/drivers/vfio_ap
	run ls "$S/bus/ap/drivers/cex4queue"
	assert_output "$(printf 'bind\nunbind')"
	run ls "$S/bus/ap/drivers/vfio_ap"
	assert_output "$(printf '05.0004\n05.0006\n05.0007\n06.0004\n06.0006\n0a.0006\nbind\nunbind')"
	assert_equal "$(cat "$S/devices/ap/card05/05.0004/status")" unassigned
	[ ! -e "$S/devices/ap/card05/05.0004/online" ]
	put bus/ap/aqmask +4,+6
	assert_equal "$(readlink "$S/devices/ap/card06/06.0006/driver")" \
		../../../../bus/ap/drivers/cex4queue
	run ls "$S/bus/ap/drivers/cex4queue"
	assert_output "$(printf '05.0004\n05.0006\n06.0004\n06.0006\n0a.0006\nbind\nunbind')"
	assert_equal "$(cat "$S/bus/ap/bindings")" "6/6 (complete)"
}

@test "create: 36/37 bytes, UUID check, EEXIST, lower-case name" {
	apsim_mount "$(std_machine)"
	local create=devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
	put "$create" "${U1^^}"
	[ -d "$M/$U1" ]
	echo "$U2" > "$S/$create"
	[ -d "$M/$U2" ]
	assert_equal "$(cat "$M/mdev_supported_types/vfio_ap-passthrough/available_instances")" 65534
	run put "$create" "$U1"
	assert_failure
	assert_output --partial "File exists"
	run put "$create" "${U1:1}"
	assert_failure
	assert_output --partial "Invalid argument"
	run put "$create" $'33333333-2222-3333-4444-555555555555\n\n'
	assert_failure
	assert_output --partial "Invalid argument"
	run put "$create" "g${U1:1}"
	assert_failure
	assert_output --partial "Invalid argument"
	put "$create" "33333333-2222-3333-4444-555555555555x"
	[ -d "$M/33333333-2222-3333-4444-555555555555" ]
}

@test "create: EUSERS once apsim's 1024 mdevs exist" {
	apsim_mount "$(std_machine)"
	local create=$M/mdev_supported_types/vfio_ap-passthrough/create i
	for ((i = 0; i < 1024; i++)); do
		printf '%08x-0000-0000-0000-000000000000' "$i" > "$create"
	done
	run put "${create#"$S/"}" "$U1"
	assert_failure
	assert_output --partial "Too many users"
}

@test "assign: P3 parsing, ENODEV above the maxima, idempotent no-ops" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=none domains=none control=none"
	local d=devices/vfio_ap/matrix/$U1
	put "$d/assign_adapter" 010
	put "$d/assign_adapter" 0x0a
	put "$d/assign_adapter" $'+5\n'
	assert_equal "$(cat "$M/$U1/matrix")" "$(printf '05.\n08.\n0a.')"
	for bad in 08 -5 "5 " $'5\n\n' 0x; do
		run put "$d/assign_adapter" "$bad"
		assert_failure
		assert_output --partial "Invalid argument"
	done
	run put "$d/assign_adapter" 99999999999999999999999
	assert_failure
	assert_output --partial "Numerical result out of range"
	run put "$d/assign_adapter" 64
	assert_failure
	assert_output --partial "No such device"
	run put "$d/assign_domain" 16
	assert_output --partial "No such device"
	run put "$d/assign_control_domain" 16
	assert_output --partial "No such device"
	run put "$d/unassign_adapter" 64
	assert_output --partial "No such device"
	put "$d/assign_adapter" 5
	put "$d/unassign_domain" 6
	put "$d/unassign_adapter" 8
	assert_equal "$(cat "$M/$U1/matrix")" "$(printf '05.\n0a.')"
}

@test "assign: EADDRNOTAVAIL before EADDRINUSE; control domains unchecked" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6 control=none" \
		"mdev $U2 adapters=none domains=none control=none"
	local d=devices/vfio_ap/matrix/$U2
	put "$d/assign_domain" 4
	put "$d/assign_domain" 6
	run put "$d/assign_adapter" 5
	assert_failure
	assert_output --partial "Cannot assign requested address"
	put "$d/unassign_domain" 4
	run put "$d/assign_adapter" 5
	assert_failure
	assert_output --partial "Address already in use"
	assert_equal "$(cat "$M/$U2/matrix")" .0006
	put "$d/assign_adapter" 6
	put "$d/assign_control_domain" 0
	put "$d/assign_control_domain" 6
	assert_equal "$(cat "$M/$U2/matrix")" 06.0006
	assert_equal "$(cat "$M/$U2/control_domains")" "$(printf '0000\n0006')"
}

@test "ap_config: A,B\\n ok, A,B EINVAL, 4th field ignored, P1 fields" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=none domains=none control=none"
	local d=devices/vfio_ap/matrix/$U1
	put "$d/ap_config" $'0x04,x02\n'
	assert_equal "$(cat "$M/$U1/ap_config")" "$(mask 5),$(mask 6),$(mask)"
	run put "$d/ap_config" 0x04,0x02
	assert_failure
	assert_output --partial "Invalid argument"
	put "$d/ap_config" 0x04,0x03,0x8,junk
	assert_equal "$(cat "$M/$U1/ap_config")" "$(mask 5),$(mask 6 7),$(mask 0)"
	run put "$d/ap_config" 0X04,0x02,0x02
	assert_output --partial "Invalid argument"
	run put "$d/ap_config" "0x04,0x$(printf '0%.0s' {1..65}),0x"
	assert_output --partial "Invalid argument"
	put "$d/ap_config" "$(cat "$M/$U1/ap_config")"
	assert_equal "$(cat "$M/$U1/ap_config")" "$(mask 5),$(mask 6 7),$(mask 0)"
}

@test "ap_config: EADDRNOTAVAIL, then EADDRINUSE, then ENODEV; atomic" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6 control=none" \
		"mdev $U2 adapters=none domains=none control=none"
	local d=devices/vfio_ap/matrix/$U2
	run put "$d/ap_config" "$(mask 5 64),$(mask 4 6),$(mask 20)"
	assert_output --partial "Cannot assign requested address"
	run put "$d/ap_config" "$(mask 5 64),$(mask 6),$(mask 20)"
	assert_output --partial "Address already in use"
	run put "$d/ap_config" "$(mask 6 64),$(mask 6),$(mask 1)"
	assert_output --partial "No such device"
	run put "$d/ap_config" "$(mask 6),$(mask 6),$(mask 16)"
	assert_output --partial "No such device"
	assert_equal "$(cat "$M/$U2/ap_config")" "$(mask),$(mask),$(mask)"
	put "$d/ap_config" "$(mask 6),$(mask 6),$(mask 4)"
	assert_equal "$(cat "$M/$U2/matrix")" 06.0006
}

@test "open: EACCES reading write-only and writing read-only files" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=none domains=none control=none"
	run cat "$M/$U1/assign_adapter"
	assert_failure
	assert_output --partial "Permission denied"
	run cat "$M/mdev_supported_types/vfio_ap-passthrough/create"
	assert_output --partial "Permission denied"
	run put "devices/vfio_ap/matrix/$U1/matrix" 1
	assert_failure
	assert_output --partial "Permission denied"
	run put bus/ap/bindings 1
	assert_output --partial "Permission denied"
}

@test "control: failure injection and the write log" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=none domains=none control=none"
	local d=devices/vfio_ap/matrix/$U1/assign_domain
	ctl "fail $d EIO 2"
	run put "$d" 6
	assert_failure
	assert_output --partial "Input/output error"
	run put "$d" 6
	assert_output --partial "Input/output error"
	echo 6 > "$S/$d"
	run put bus/ap/apmask +08
	run cat "$S/.apsim/writes"
	assert_output - <<-EOF
	$d	6	EIO
	$d	6	EIO
	$d	6\n	0
	bus/ap/apmask	+08	EINVAL
	EOF
	ctl reset-log
	assert_equal "$(cat "$S/.apsim/writes")" ""
	run ctl "fail $d ENOTANERRNO"
	assert_failure
	assert_output --partial "Invalid argument"
	run ctl "no such command"
	assert_output --partial "Invalid argument"
}

@test "guests: status and guest_matrix follow the guest and the bindings" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5,6 domains=6 control=none"
	local q5=$S/devices/ap/card05/05.0006 q6=$S/devices/ap/card06/06.0006
	assert_equal "$(cat "$q5/status")" assigned
	ctl "guest $U1 start"
	assert_equal "$(cat "$q5/status")" "in use"
	assert_equal "$(cat "$M/$U1/guest_matrix")" "$(printf '05.0006\n06.0006')"
	put bus/ap/drivers/vfio_ap/unbind 06.0006
	[ ! -e "$q6/driver" ]
	assert_equal "$(cat "$S/bus/ap/bindings")" 5/6
	assert_equal "$(cat "$M/$U1/guest_matrix")" 05.0006
	run put bus/ap/drivers/cex4queue/bind 06.0006
	assert_output --partial "No such device"
	put bus/ap/drivers/vfio_ap/bind $'06.0006\n'
	assert_equal "$(cat "$q6/status")" "in use"
	put "devices/vfio_ap/matrix/$U1/assign_adapter" 7
	assert_equal "$(cat "$M/$U1/guest_matrix")" "$(printf '05.0006\n06.0006')"
	ctl "guest $U1 stop"
	assert_equal "$(cat "$q5/status")" assigned
	assert_equal "$(cat "$S/devices/ap/card0a/0a.0006/status")" unassigned
}

@test "control: adapter config, remove adapter, add adapter and queue" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5,6,9 domains=6 control=none"
	ctl "adapter 6 config 0"
	assert_equal "$(cat "$S/devices/ap/card06/config")" 0
	assert_equal "$(cat "$S/devices/ap/card06/06.0006/config")" 0
	assert_equal "$(cat "$S/devices/ap/card06/online")" 0
	assert_equal "$(cat "$M/$U1/guest_matrix")" "$(printf '05.0006\n06.0006')"
	ctl "remove adapter 6"
	[ ! -e "$S/devices/ap/card06" ]
	[ ! -e "$S/bus/ap/devices/06.0006" ]
	assert_equal "$(cat "$M/$U1/guest_matrix")" 05.0006
	assert_equal "$(cat "$S/bus/ap/ap_adapter_mask")" "$(mask 5 10)"
	ctl "add adapter 9 hwtype=13 mode=cca domains=4,6"
	assert_equal "$(readlink "$S/devices/ap/card09/09.0006/driver")" \
		../../../../bus/ap/drivers/vfio_ap
	assert_equal "$(cat "$M/$U1/guest_matrix")" "$(printf '05.0006\n09.0006')"
	ctl "add queue 0a.0007 driver=none"
	[ -d "$S/devices/ap/card0a/0a.0007" ]
	[ ! -e "$S/devices/ap/card0a/0a.0007/driver" ]
	assert_equal "$(cat "$S/bus/ap/scans")" 5
	run ctl "add adapter 5 hwtype=14 mode=cca domains=1"
	assert_output --partial "File exists"
}

@test "remove: waits for the guest to stop, then removes" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6 control=none guest=yes"
	put "devices/vfio_ap/matrix/$U1/remove" 0
	local stopper
	(sleep 1; ctl "guest $U1 stop") &
	stopper=$!
	SECONDS=0
	put "devices/vfio_ap/matrix/$U1/remove" 1
	wait "$stopper"
	[ "$SECONDS" -ge 1 ]
	[ ! -e "$M/$U1" ]
	assert_equal "$(cat "$S/devices/ap/card05/05.0006/status")" unassigned
}

@test "remove: EBUSY after 5 s while the guest keeps running" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6 control=none guest=yes"
	run put "devices/vfio_ap/matrix/$U1/remove" x
	assert_output --partial "Invalid argument"
	SECONDS=0
	run put "devices/vfio_ap/matrix/$U1/remove" 1
	assert_failure
	assert_output --partial "Device or resource busy"
	[ "$SECONDS" -ge 4 ]
	[ -d "$M/$U1" ]
}

@test "cards and queues: config and online writes, P4 parsing" {
	apsim_mount "$(std_machine)"
	local c=devices/ap/card05
	put "$c/config" 1abc
	run put "$c/config" 2
	assert_output --partial "Invalid argument"
	put "$c/05.0004/online" 0
	assert_equal "$(cat "$S/$c/05.0004/online")" 0
	put "$c/online" " 0"
	run put "$c/05.0004/online" 1
	assert_output --partial "Invalid argument"
	put "$c/online" 1
	assert_equal "$(cat "$S/$c/05.0004/online")" 1
	put "$c/config" 0
	assert_equal "$(cat "$S/$c/online")" 0
	assert_equal "$(cat "$S/$c/05.0004/config")" 0
	run put "$c/online" 1
	assert_output --partial "No such device"
	run put "$c/05.0004/online" 1
	assert_output --partial "No such device"
	put "$c/config" 1
	assert_equal "$(cat "$S/$c/05.0004/online")" 1
}

@test "ap_domain: P4 %i, must be <= max and set in aqmask" {
	apsim_mount "$(std_machine)"
	put bus/ap/ap_domain 0x5
	assert_equal "$(cat "$S/bus/ap/ap_domain")" 5
	run put bus/ap/ap_domain 010
	assert_output --partial "Invalid argument"
	put bus/ap/aqmask +8
	put bus/ap/ap_domain 010
	assert_equal "$(cat "$S/bus/ap/ap_domain")" 8
	for bad in 16 6 -1 x; do
		run put bus/ap/ap_domain "$bad"
		assert_output --partial "Invalid argument"
	done
}

@test "kernel generations: ap_config, guest_matrix, features switched off" {
	apsim_mount "$(std_machine)" "mdev $U1 adapters=5 domains=6 control=none" \
		"kernel ap_config=no guest_matrix=no features=no matrix_features=no bindings=no"
	[ -e "$M/$U1/matrix" ]
	[ ! -e "$M/$U1/ap_config" ]
	[ ! -e "$M/$U1/guest_matrix" ]
	[ ! -e "$M/features" ]
	[ ! -e "$S/bus/ap/features" ]
	[ ! -e "$S/bus/ap/bindings" ]
}

@test "drivers: without vfio_ap no vfio_ap tree, queues left unbound" {
	apsim_mount "$(std_machine)" "drivers vfio_ap=no"
	[ ! -e "$S/devices/vfio_ap" ]
	[ ! -e "$S/bus/ap/drivers/vfio_ap" ]
	[ ! -e "$S/bus/mdev" ]
	[ ! -e "$S/devices/ap/card05/05.0006/driver" ]
	assert_equal "$(cat "$S/bus/ap/bindings")" 2/6
}
