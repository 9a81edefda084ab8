#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 50-examples.bats - the examples under examples/ work as written: the
# Ansible playbook parses, calls only options the tools have, takes
# "changed" from chzap's JSON, and run as Ansible would on an emulated host
# it provisions the guests once and reports no change the second time.

load helper

PLAYBOOK=examples/ansible/provision-crypto.yml

setup() {
	zap_common_setup
	/usr/bin/python3 -c 'import yaml' 2>/dev/null ||
		skip "no python3-yaml (make deps installs it)"
	TASKS="$BATS_TEST_TMPDIR/tasks.jsonl"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/examples_render.py" \
		"$ZAP_TOP/$PLAYBOOK" > "$TASKS"
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
	R="$BATS_TEST_TMPDIR/root"
	mkdir -p "$R/sys"
	cat > "$R/machine" <<-EOT
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47,0xab,0xff
	adapter 6 hwtype=14 mode=accel domains=1,2,4,0x47,0xab,0xff
	EOT
	"$ZAP_TOP/tests/apsim/apsim" "$R/machine" "$R/sys" 3>&-
	MOUNTED="$R/sys"
	export ZAP_ROOT="$R" SYSFS_ROOT="$R/sys"
}

# Run the playbook's commands in order as Ansible would; print the number
# of changed results. Fails on any result Ansible would call failed.
play() {
	local line argv register rc out changed=0
	declare -A found
	while read -r line; do
		mapfile -t argv < <(jq -r '.argv[]' <<< "$line")
		register=$(jq -r '.register' <<< "$line")
		if [ "$(jq -r '.when' <<< "$line")" = "item.rc == 2" ] &&
		   [ "${found[${argv[5]}]}" != 2 ]; then
			continue
		fi
		rc=0
		out=$("${argv[@]}" 2>> "$BATS_TEST_TMPDIR/play.err") || rc=$?
		if [ "$register" = existing ]; then
			found[${argv[4]}]=$rc
			[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || return 1
			continue
		fi
		[ "$rc" -eq 0 ] || { echo "failed ($rc): ${argv[*]}: $out" >&2; return 1; }
		if [ "${argv[0]}" = chzap ]; then
			[ "$(jq -r '.changed' <<< "$out")" = true ] && changed=$((changed + 1))
		fi
	done < "$TASKS"
	echo "$changed"
}

@test "example playbook: every command is lszap or chzap with options from its --help" {
	local line tool word n=0
	while read -r line; do
		tool=$(jq -r '.argv[0]' <<< "$line")
		[[ $tool == lszap || $tool == chzap ]]
		for word in $(jq -r '.argv[1:][]' <<< "$line"); do
			[[ $word == -* ]] || continue
			"$tool" --help | grep -qE -- "(^|[ ,])${word}([ ,=]|$)" ||
				{ echo "$tool has no option $word"; return 1; }
		done
		n=$((n + 1))
	done < "$TASKS"
	[ "$n" -eq 8 ]
}

@test "example playbook: every chzap task asks for JSON and takes changed from it" {
	local line
	while read -r line; do
		[ "$(jq -r '.argv[0]' <<< "$line")" = chzap ] || continue
		jq -e '.argv | index("--json")' <<< "$line" > /dev/null
		jq -e '.changed_when == "(" + .register + ".stdout | from_json).changed"' \
			<<< "$line" > /dev/null
	done < "$TASKS"
}

@test "example playbook on an emulated host: provisions once, then reports no change" {
	mount_host
	run play
	assert_success
	[ "$output" -ge 4 ]
	run lszap --json --mdevs
	assert_success
	[ "$(jq -r '.mdevs | map(select(.active)) | length' <<< "$output")" = 2 ]
	[ "$(jq -r '.mdevs[] | select(.uuid == "62177883-f1bb-47f0-914d-32a22e3a8804") | .apqns | join(" ")' <<< "$output")" = \
	  "05.0004 05.00ab 06.0004 06.00ab" ]
	[ -f "$ZAP_ROOT/etc/mdevctl.d/matrix/cef03c3c-903d-4ecc-9a83-40694cb8aee4" ]
	[ -f "$ZAP_ROOT/etc/udev/rules.d/41-ap.rules" ]
	run play
	assert_success
	assert_output 0
	run lszap --check
	assert_success
}
