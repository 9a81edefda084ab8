#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 28-lszap-vm.bats - guests by name: lszap reads libvirt's domain XML
# (etc/libvirt/qemu/*.xml, defined; run/libvirt/qemu/*.xml, running, which
# wins) under ZAP_ROOT and shows the domain that uses each mdev: the VM
# column of -M, "vm" in JSON, the VM in --watch's guest events and in
# chzap's refusals ("VM db-prod-2 (mdev UUID)"). Missing or
# malformed files change nothing else. The fixtures in
# tests/machine/libvirt/ are domain XML that libvirt's schema accepts.

bats_require_minimum_version 1.5.0

G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a

setup() {
	load helper
	zap_common_setup
	zap_tree "$MACHINES/demo.machine"
	XML="$MACHINES/libvirt"
	DEFINED="$ZAP_ROOT/etc/libvirt/qemu"
	RUNNING="$ZAP_ROOT/run/libvirt/qemu"
}

# define NAME...: put the fixture NAME.xml among the persistent domains.
define() {
	mkdir -p "$DEFINED"
	for name in "$@"; do
		cp "$XML/$name.xml" "$DEFINED/"
	done
}

# run_domain FIXTURE NAME: NAME is running as FIXTURE says, in libvirt's
# status file format (the domain inside a <domstatus>).
run_domain() {
	mkdir -p "$RUNNING"
	{
		echo "<domstatus state='running' reason='booted' pid='4242'>"
		echo "  <monitor path='/run/libvirt/qemu/$2.monitor' type='unix'/>"
		cat "$XML/$1.xml"
		echo "</domstatus>"
	} > "$RUNNING/$2.xml"
}

@test "vm: the fixtures are domain XML that libvirt's own schema accepts" {
	command -v virt-xml-validate > /dev/null ||
		skip "virt-xml-validate is not installed (libvirt-clients, make deps)"
	local n=0
	for f in "$XML"/*.xml; do
		run virt-xml-validate "$f" domain
		assert_success
		n=$((n + 1))
	done
	[ "$n" -eq 3 ]
	run virt-xml-validate <(echo "<domain type='kvm'><name>x</name></domain>") domain
	assert_failure
}

@test "vm: without libvirt's files, VM is '-' and \"vm\" null, nothing else changes" {
	run -0 --separate-stderr lszap -M -r -n -o UUID,VM
	assert_output - <<-EOF
	$G3 -
	$G1 -
	$G2 -
	EOF
	[ -z "$stderr" ]
	run -0 bash -c "lszap -M -j | jq -c '[.mdevs[].vm]'"
	assert_output '[null,null,null]'
}

@test "vm: lszap -M names the defined domain that uses each mdev (vfio-ap hostdevs only)" {
	define db-prod-2 web-1
	run -0 lszap -M -o UUID,VM,INUSE
	assert_output - <<-EOF
	UUID                                 VM        INUSE
	$G3 db-prod-2 yes
	$G1 web-1     yes
	$G2 -         yes
	EOF
	run -0 lszap -M
	assert_line --index 0 --regexp '^UUID +ADAPTERS +DOMAINS +CONTROL +APQNS +ACTIVE +DEFINED +AUTOSTART +INUSE +VM$'
	run -0 bash -c "lszap -M -j | jq -c '[.mdevs[] | [.uuid, .vm]]'"
	assert_output "[[\"$G3\",\"db-prod-2\"],[\"$G1\",\"web-1\"],[\"$G2\",null]]"
	run -0 bash -c "lszap -j | jq -c '[.mdevs[].vm]'"
	assert_output '["db-prod-2","web-1",null]'
}

@test "vm: a running domain wins over the definitions" {
	define db-prod-2 web-1
	run_domain web-1-moved web-1
	run -0 lszap -M -r -n -o UUID,VM
	assert_output - <<-EOF
	$G3 db-prod-2
	$G1 web-1
	$G2 web-1
	EOF
	# the running one decides even against another domain's definition
	run_domain db-prod-2 other
	sed -i 's/<name>db-prod-2</<name>db-prod-3</' "$RUNNING/other.xml"
	run -0 lszap -M -r -n -o VM -m "$G3"
	assert_output "db-prod-3"
}

@test "vm: malformed, empty or unreadable domain files change nothing else" {
	define db-prod-2
	mkdir -p "$RUNNING"
	echo "<domain><name>broken" > "$DEFINED/broken.xml"
	: > "$DEFINED/empty.xml"
	mkdir "$DEFINED/dir.xml"
	echo "not xml at all" > "$RUNNING/junk.xml"
	ln -s /nonexistent "$RUNNING/dangling.xml"
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr lszap -M -r -n -o UUID,VM
	assert_output - <<-EOF
	$G3 db-prod-2
	$G1 -
	$G2 -
	EOF
	[ -z "$stderr" ]
	run -0 --separate-stderr lszap --check
	[ -z "$stderr" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "vm: --watch names the VM of a guest that attaches or detaches" {
	define db-prod-2
	local status_file="$SYSFS_ROOT/devices/ap/card06/06.0047/status" i
	lszap --watch --interval 0.2 -M -n -o UUID,VM -a 6 > "$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	for ((i = 0; i < 300; i++)); do
		[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -ge 2 ] && break
		sleep 0.1
	done
	echo assigned > "$status_file"
	echo assigned > "$SYSFS_ROOT/devices/ap/card06/06.00ff/status"
	for ((i = 0; i < 300; i++)); do
		[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -ge 3 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	run -0 sed -E 's/^[0-9T:+-]+ //' "$BATS_TEST_TMPDIR/out"
	assert_output - <<-EOF
	$G3 db-prod-2
	$G1 -
	guest-detached: mdev $G3 guest detached: VM db-prod-2
	EOF
}

@test "vm: chzap's refusals name the VM of an mdev in the way, nothing written" {
	define db-prod-2
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run -3 --separate-stderr chzap -m "$G2" -a 6
	[ "$stderr" = "chzap: mdev $G2 would share APQNs with VM db-prod-2 (mdev $G3): 06.0047 06.00ff" ]
	run -3 --separate-stderr chzap --json -m "$G2" -a 6
	run -0 jq -r .error <<< "$output"
	assert_output "mdev $G2 would share APQNs with VM db-prod-2 (mdev $G3): 06.0047 06.00ff"
	run -3 --separate-stderr chzap --remove -m "$G3"
	[[ $stderr == "chzap: VM db-prod-2 (mdev $G3) is in use by a running guest"* ]]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	# without libvirt's files the messages are as before
	rm -r "$DEFINED"
	run -3 --separate-stderr chzap -m "$G2" -a 6
	[ "$stderr" = "chzap: mdev $G2 would share APQNs with mdev $G3: 06.0047 06.00ff" ]
}
