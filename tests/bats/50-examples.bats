#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 50-examples.bats - the examples under examples/ work as written: the
# Ansible playbook, declarative (one zap_config task with prune), run for
# real by ansible-core against an emulated host (apsim) on localhost: the
# first run changes the host, the second reports changed=0, --check changes
# nothing, a guest removed from the variables loses its mdev, a desired
# state that shares an APQN fails naming the culprits and writes nothing.
# Ansible's home, temporary and configuration files stay in the test's
# directory.

bats_require_minimum_version 1.5.0

PLAYBOOK=examples/ansible/provision-crypto.yml
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4

setup() {
	load helper
	zap_common_setup
	command -v ansible-playbook > /dev/null ||
		skip "no ansible-playbook (make deps installs ansible-core)"
	command -v jq > /dev/null || fail "jq is not installed (make deps)"
	T="$BATS_TEST_TMPDIR"
	mkdir -p "$T/home"
	: > "$T/ansible.cfg"
	# the play's hosts: localhost, without become (the tests run as root)
	printf '[kvm_hosts]\nlocalhost ansible_connection=local ansible_become=false\n' \
		> "$T/inventory"
	export HOME="$T/home" ANSIBLE_HOME="$T/home/.ansible" \
		ANSIBLE_CONFIG="$T/ansible.cfg" \
		ANSIBLE_LOCAL_TEMP="$T/home/tmp" ANSIBLE_REMOTE_TEMP="$T/home/tmp" \
		ANSIBLE_LIBRARY="$ZAP_TOP/ansible/library" \
		ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
		ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_LOAD_CALLBACK_PLUGINS=1 \
		ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then
		fusermount3 -u "$MOUNTED" 2>/dev/null || fusermount3 -uz "$MOUNTED"
	fi
}

# Mount apsim with the host of the example: everything belongs to zcrypt.
mount_host() {
	[ -e /dev/fuse ] || skip "no /dev/fuse: the emulated host needs FUSE"
	[ "$(id -u)" -eq 0 ] || skip "not root: mounting apsim needs root"
	R="$T/root"
	mkdir -p "$R/sys"
	cat > "$R/machine" <<-EOT
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47,0xab,0xff
	adapter 6 hwtype=14 mode=accel domains=1,2,4,0x47,0xab,0xff
	EOT
	"$ZAP_TOP/tests/apsim/apsim" "$R/machine" "$R/sys" 3>&-
	MOUNTED="$R/sys"
	export ZAP_ROOT="$R" SYSFS_ROOT="$R/sys"
}

# play [ANSIBLE-PLAYBOOK OPTIONS]: run the example against localhost; the
# json callback's output in $T/play.json. Returns ansible-playbook's code.
play() {
	ansible-playbook -i "$T/inventory" "$@" "$ZAP_TOP/$PLAYBOOK" \
		> "$T/play.json"
}

# stat KEY: the play's recap count KEY (changed, failures, ok) for localhost.
stat() {
	jq -r ".stats.localhost.$1" "$T/play.json"
}

# apqns UUID: the APQNs of the active mdev UUID, blank-separated.
apqns() {
	lszap --json --mdevs |
		jq -r ".mdevs[] | select(.uuid == \"$1\" and .active) | .apqns | join(\" \")"
}

@test "example playbook: ansible-playbook --syntax-check accepts it" {
	run ansible-playbook -i "$T/inventory" --syntax-check "$ZAP_TOP/$PLAYBOOK"
	assert_success
}

@test "example playbook on an emulated host: the first run changes, the second reports changed=0" {
	mount_host
	run play
	assert_success
	[ "$(stat changed)" = 1 ]
	[ "$(apqns "$G1")" = "05.0004 05.00ab 06.0004 06.00ab" ]
	[ "$(apqns "$G2")" = "05.0047 05.00ff" ]
	[ -f "$ZAP_ROOT/etc/mdevctl.d/matrix/$G1" ]
	[ -f "$ZAP_ROOT/etc/mdevctl.d/matrix/$G2" ]
	[ -f "$ZAP_ROOT/etc/udev/rules.d/41-ap.rules" ]
	run play
	assert_success
	[ "$(stat changed)" = 0 ]
	run lszap --check
	assert_success
}

@test "example playbook --check: reports the change, writes nothing" {
	mount_host
	lszap --json > "$T/before.json"
	run play --check
	assert_success
	[ "$(stat changed)" = 1 ]
	lszap --json > "$T/now.json"
	cmp "$T/before.json" "$T/now.json"
	[ ! -e "$ZAP_ROOT/etc/mdevctl.d/matrix/$G1" ]
}

@test "example playbook: a guest removed from the variables loses its mdev (prune)" {
	mount_host
	run play
	assert_success
	jq -n --arg u "$G1" '{guests: {guest1: {uuid: $u, adapters: [5, 6],
		domains: [4, 171], control_domains: [4, 171], autostart: true}}}' \
		> "$T/one-guest.json"
	run play -e "@$T/one-guest.json"
	assert_success
	[ "$(stat changed)" = 1 ]
	[ "$(apqns "$G1")" = "05.0004 05.00ab 06.0004 06.00ab" ]
	[ -z "$(apqns "$G2")" ]
	[ ! -e "$ZAP_ROOT/etc/mdevctl.d/matrix/$G2" ]
	run play -e "@$T/one-guest.json"
	assert_success
	[ "$(stat changed)" = 0 ]
}

@test "example playbook: guests that would share an APQN fail, naming both; nothing written" {
	mount_host
	jq -n --arg u1 "$G1" --arg u2 "$G2" '{guests: {
		guest1: {uuid: $u1, adapters: [5, 6], domains: [4, 171],
			 control_domains: [], autostart: true},
		guest2: {uuid: $u2, adapters: [5], domains: [4],
			 control_domains: [], autostart: true}}}' > "$T/shared.json"
	lszap --json > "$T/before.json"
	run play -e "@$T/shared.json"
	assert_failure
	[ "$(stat failures)" = 1 ]
	run jq -r ".plays[0].tasks[0].hosts.localhost.msg" "$T/play.json"
	echo "msg: $output"
	[[ "$output" == *"$G1"* ]]
	[[ "$output" == *"$G2"* ]]
	[[ "$output" == *"05.0004"* ]]
	lszap --json > "$T/now.json"
	cmp "$T/before.json" "$T/now.json"
}
