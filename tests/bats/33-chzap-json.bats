#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 33-chzap-json.bats - chzap --json: exactly one JSON object on stdout for
# every outcome (done, already in effect, refused, a failed write rolled
# back, a failed rollback, not found, a held lock, bad input), with the
# contract's keys in the contract's order, the exit code unchanged, and
# stderr quiet but for usage errors; the example of chzap.8 is true.

KEYS='["version","changed","uuid","writes","apqns_moved","assigned","unassigned","refused","persistent","error"]'

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	command -v jq > /dev/null || skip "jq is not installed"
}

# The pool machine: 05.0004 05.0047 06.0004 06.0047 are vfio_ap's; mdev A
# is empty, mdev B holds 06.0004. Extra description lines from the
# arguments.
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

# The pool machine on a kernel without ap_config (one write per id).
old_kernel_machine() {
	echo "kernel ap_config=no"
	pool_machine "$@"
}

# json_is JSON: $output is one JSON object, on one line, with the
# contract's keys in order, "version" 1, and the rest equal (compact) to JSON.
json_is() {
	local got

	[ "${#lines[@]}" -eq 1 ] || { echo "not one line: $output"; return 1; }
	got=$(jq -c 'keys_unsorted' <<< "$output") ||
		{ echo "not JSON: $output"; return 1; }
	[ "$got" = "$KEYS" ] || { echo "keys: $got"; return 1; }
	got=$(jq -c .version <<< "$output")
	[ "$got" = 1 ] || { echo "version: $got"; return 1; }
	# "persistent" (a boolean) is tested in 31-chzap-boot-model.bats
	jq -e '.persistent | type == "boolean"' <<< "$output" > /dev/null ||
		{ echo "persistent not a boolean: $output"; return 1; }
	got=$(jq -c 'del(.version) | del(.persistent)' <<< "$output")
	if [ "$got" != "$1" ]; then
		printf 'expected: %s\ngot:      %s\n' "$1" "$got"
		return 1
	fi
}

# The empty lists of a change that moved nothing.
NONE='"apqns_moved":{"host_to_vfio":[],"vfio_to_host":[]},"assigned":[],"unassigned":[]'

@test "chzap --help lists -j, --json" {
	run chzap --help
	assert_success
	assert_output --partial "-j, --json "
}

@test "chzap --json assign: changed, the write, the APQNs assigned; stderr quiet" {
	zap_tree - < <(pool_machine)
	run --separate-stderr chzap --json -m "$A" -a 5 -d 4,0x47
	assert_success
	[ -z "$stderr" ]
	json_is "{\"changed\":true,\"uuid\":\"$A\",\"writes\":[{\"path\":\"$(zap_mdev_dir "$A")/ap_config\",\"value\":\"$(mask 5),$(mask 4 71),$(mask)\",\"result\":\"ok\"}],\"apqns_moved\":{\"host_to_vfio\":[],\"vfio_to_host\":[]},\"assigned\":[\"05.0004\",\"05.0047\"],\"unassigned\":[],\"refused\":[],\"error\":null}"
}

@test "chzap -j unassign: the APQNs unassigned; the warning of a running guest is not printed" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4,0x47 control=none guest=yes")
	run --separate-stderr chzap -j -u -m "$C" -d 0x47
	assert_success
	[ -z "$stderr" ]
	run jq -c '[.changed, .assigned, .unassigned, .error]' <<< "$output"
	assert_output '[true,[],["05.0047"],null]'
}

@test "chzap --json --vfio and --host: apqns_moved, uuid null" {
	zap_tree - < <(pool_machine)
	run --separate-stderr chzap --json --vfio -d 2
	assert_success
	[ -z "$stderr" ]
	json_is "{\"changed\":true,\"uuid\":null,\"writes\":[{\"path\":\"$SYSFS_ROOT/bus/ap/aqmask\",\"value\":\"$(mask_without 2 4 71)\",\"result\":\"ok\"}],\"apqns_moved\":{\"host_to_vfio\":[\"05.0002\",\"06.0002\"],\"vfio_to_host\":[]},\"assigned\":[],\"unassigned\":[],\"refused\":[],\"error\":null}"
	run chzap --json --host -d 2,0x47
	assert_success
	run jq -c '.apqns_moved' <<< "$output"
	assert_output '{"host_to_vfio":[],"vfio_to_host":["05.0002","05.0047","06.0002","06.0047"]}'
}

@test "chzap --json: already in effect: changed false, exit 0, nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --json -m "$B" -a 6 -d 4
	assert_success
	[ -z "$stderr" ]
	json_is "{\"changed\":false,\"uuid\":\"$B\",\"writes\":[],$NONE,\"refused\":[],\"error\":null}"
	run chzap --json --vfio -d 4
	assert_success
	json_is "{\"changed\":false,\"uuid\":null,\"writes\":[],$NONE,\"refused\":[],\"error\":null}"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --json refused: exit 3, every refusal with its kind, APQNs and mdev; nothing written" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=0x47 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --json -m "$A" -a 5,6 -d 2,4,0x47
	assert_failure 3
	[ -z "$stderr" ]
	json_is "{\"changed\":false,\"uuid\":\"$A\",\"writes\":[],$NONE,\"refused\":[{\"kind\":\"host-apqn\",\"apqns\":[\"05.0002\",\"06.0002\"],\"mdev\":\"$A\"},{\"kind\":\"shared-apqn\",\"apqns\":[\"06.0004\"],\"mdev\":\"$B\"},{\"kind\":\"shared-apqn\",\"apqns\":[\"05.0047\"],\"mdev\":\"$C\"}],\"error\":\"mdev $A would hold APQNs owned by the host (free them first with 'chzap --vfio -d 0x2'): 05.0002 06.0002; mdev $A would share APQNs with mdev $B: 06.0004; mdev $A would share APQNs with mdev $C: 05.0047\"}"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --json refused: a remove while a guest runs, a persistent boot conflict" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4 control=none guest=yes" \
		"define $C start=auto adapters=5 domains=4 control=none")
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --json --remove -m "$C"
	assert_failure 3
	run jq -c '[.changed, .refused]' <<< "$output"
	assert_output "[false,[{\"kind\":\"guest-running\",\"apqns\":[],\"mdev\":\"$C\"}]]"
	run chzap --json -P --host -d 4
	assert_failure 3
	run jq -c '.refused' <<< "$output"
	assert_output "[{\"kind\":\"boot-conflict\",\"apqns\":[\"05.0004\"],\"mdev\":\"$C\"}]"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --json: a failed write is rolled back: exit 4, undone and the errno name, changed false" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	rm "$dir/assign_domain"
	mkdir "$dir/assign_domain"
	run --separate-stderr chzap --json -m "$A" -a 6 -d 0x47
	assert_failure 4
	[ -z "$stderr" ]
	json_is "{\"changed\":false,\"uuid\":\"$A\",\"writes\":[{\"path\":\"$dir/assign_adapter\",\"value\":\"0x06\",\"result\":\"undone\"},{\"path\":\"$dir/assign_domain\",\"value\":\"0x0047\",\"result\":\"EISDIR\"}],$NONE,\"refused\":[],\"error\":\"writing '0x0047' to $dir/assign_domain failed: is a directory, not an attribute (EISDIR); 1 earlier write undone\"}"
	[ "$(cat "$dir/unassign_adapter")" = 0x06 ]
}

@test "chzap --json: a write and its undo fail: exit 6, changed true, the write left in effect is ok" {
	zap_tree - < <(old_kernel_machine)
	dir=$(zap_mdev_dir "$A")
	for attr in assign_domain unassign_adapter; do
		rm "$dir/$attr"
		mkdir "$dir/$attr"
	done
	run --separate-stderr chzap --json -m "$A" -a 6 -d 0x47
	assert_failure 6
	[ -z "$stderr" ]
	run jq -c '[.changed, [.writes[].result], .error]' <<< "$output"
	assert_output "[true,[\"ok\",\"EISDIR\"],\"writing '0x0047' to $dir/assign_domain failed: is a directory, not an attribute (EISDIR); the rollback failed too: $dir/assign_adapter still has '0x06'\"]"
}

@test "chzap --json --create: the generated UUID; a create undone after a failed assignment" {
	# writing create makes no mdev directory on a plain-file tree
	zap_tree - < <(pool_machine)
	run chzap --json --create -a 5 -d 4
	assert_failure 4
	json=$output
	uuid=$(jq -r .uuid <<< "$json")
	[[ $uuid =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]
	run jq -c '[.changed, [.writes[] | [.value, .result]][0]]' <<< "$json"
	assert_output "[false,[\"$uuid\",\"undone\"]]"
	run jq -r '.writes[1].result' <<< "$json"
	assert_output "ENOENT"
}

@test "chzap --json -P: the definition is a write, its text the value" {
	zap_tree - < <(pool_machine)
	run chzap --json -P --create -m "$C" -a 5 -d 0x47
	assert_success
	run jq -c '[.changed, .uuid, [.writes[] | [.path, .result]], .assigned]' <<< "$output"
	assert_output "[true,\"$C\",[[\"$ZAP_ROOT/etc/mdevctl.d/matrix/$C\",\"ok\"]],[\"05.0047\"]]"
	run jq -j '.writes[0].value' <<< "$(chzap --json -P --autostart no -m "$C")"
	cmp <(printf '%s' "$output") "$ZAP_ROOT/etc/mdevctl.d/matrix/$C"
	run chzap --json -P --remove -m "$C"
	assert_success
	run jq -c '.writes' <<< "$output"
	assert_output "[{\"path\":\"$ZAP_ROOT/etc/mdevctl.d/matrix/$C\",\"value\":\"\",\"result\":\"ok\"}]"
}

@test "chzap --json --remove --force: the remove write; the warning not printed" {
	zap_tree - < <(pool_machine "mdev $C adapters=5 domains=4 control=none guest=yes")
	run --separate-stderr chzap --json --remove --force -m "$C"
	assert_success
	[ -z "$stderr" ]
	json_is "{\"changed\":true,\"uuid\":\"$C\",\"writes\":[{\"path\":\"$(zap_mdev_dir "$C")/remove\",\"value\":\"1\",\"result\":\"ok\"}],$NONE,\"refused\":[],\"error\":null}"
}

@test "chzap --json not found and a held lock: the error in JSON, stderr quiet" {
	zap_tree - < <(pool_machine)
	run --separate-stderr chzap --json -m "$C" -a 5
	assert_failure 2
	[ -z "$stderr" ]
	json_is "{\"changed\":false,\"uuid\":\"$C\",\"writes\":[],$NONE,\"refused\":[],\"error\":\"no mdev $C\"}"
	run --separate-stderr chzap --json -m "$A" -a 256
	assert_failure 2
	[ -z "$stderr" ]
	run jq -r .error <<< "$output"
	assert_output "adapter id '256' is above the maximum 0xff"
	echo $$ > "$ZAP_ROOT/run/lock/s390apconfig.lock"
	run --separate-stderr chzap --json --lock-timeout 0 --vfio -d 2
	assert_failure 5
	[ -z "$stderr" ]
	run jq -c '[.changed, .writes, .error]' <<< "$output"
	assert_output "[false,[],\"AP configuration lock $ZAP_ROOT/run/lock/s390apconfig.lock is held by process $$ (waited 0 s)\"]"
}

@test "chzap --json bad input: exit 1, the JSON error on stdout, the message and hint on stderr" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --json -m "$A" -a 05
	assert_failure 1
	json_is "{\"changed\":false,\"uuid\":\"$A\",\"writes\":[],$NONE,\"refused\":[],\"error\":\"ambiguous adapter id '05': leading zero (write 5 or 0x5)\"}"
	[ "${stderr_lines[0]}" = "chzap: ambiguous adapter id '05': leading zero (write 5 or 0x5)" ]
	[ "${stderr_lines[1]}" = "Try 'chzap --help' for more information." ]
	# an error before --json is seen on the line: JSON all the same
	run --separate-stderr chzap --bogus -j
	assert_failure 1
	json_is "{\"changed\":false,\"uuid\":null,\"writes\":[],$NONE,\"refused\":[],\"error\":\"--bogus: unknown option\"}"
	[ "${stderr_lines[0]}" = "chzap: --bogus: unknown option" ]
	run --separate-stderr chzap --vfio --json
	assert_failure 1
	run jq -r .error <<< "$output"
	assert_output "--vfio needs --adapter or --domain, or queues (AA.DDDD)"
	run --separate-stderr chzap --json -V -m "$A" -a 5
	assert_failure 1
	run jq -r .error <<< "$output"
	assert_output "Only one of --json or --verbose can be specified"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --json: exactly one object on stdout, whatever the outcome" {
	zap_tree - < <(pool_machine)
	for args in "-m $A -a 5 -d 4" "-m $A -a 5 -d 4" "-m $A -a 6 -d 4" \
		"-m $C -a 5" "--vfio -d 2" "--host -d 2" "--remove -m $A" \
		"-a 08 -m $A" "--create --auto 1x1" "--recover"; do
		run --separate-stderr chzap --json $args
		run jq -s 'length' <<< "$output"
		assert_output 1
	done
}

# ------------------------------------------------- the example of chzap.8

# The man page as text, wide enough for one item a line.
man_text() {
	MANWIDTH=200 man -l "$ZAP_TOP/man/chzap.8" 2> /dev/null
}

@test "chzap --json --dry-run: changed and the planned writes of any change, exit 0; nothing written" {
	zap_tree - < <(pool_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap --json -n --vfio -d 2
	assert_success
	[ -z "$stderr" ]
	run jq -c '[.changed, [.writes[] | [(.path | sub(".*/"; "")), .result]], .error]' <<< "$output"
	assert_output '[true,[["aqmask","planned"]],null]'
	run --separate-stderr chzap --json --dry-run --remove -m "$A"
	run jq -c '[.changed, [.writes[].result], .error]' <<< "$output"
	assert_output '[true,["planned"],null]'
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap.8 JSON OUTPUT example: the transcript and the exit code are true" {
	command -v man > /dev/null || skip "man is not installed"
	zap_tree - < <(pool_machine)
	section=$(man_text | sed -n '/^JSON OUTPUT/,/^OPTIONS/p')
	want=$(awk '/# chzap --json -m \$A -a 6 -d 4/ { on = 1; next }
		    on && /# echo/ { exit }
		    on { sub(/^ +/, ""); out = out (out ? " " : "") $0 }
		    END { print out }' <<< "$section")
	code=$(awk '/# echo \$\?/ { getline; sub(/^ +/, ""); print; exit }' <<< "$section")
	[ -n "$want" ]
	run chzap --json -m "$A" -a 6 -d 4
	[ "$status" -eq "$code" ]
	[ "$output" = "$want" ] || { printf 'says:  %s\ngives: %s\n' "$want" "$output"; return 1; }
}
