#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 47-chzap-apply.bats - chzap --apply FILE|- on plain fixture trees (issue
# 16): the round trip lszap --export | chzap --apply - writes nothing; a
# dry run prints the ordered plan (unassign before the masks, masks before
# create and assign) and --json --dry-run says what would change; a
# document that shares an APQN or gives an mdev a host APQN is refused
# (exit 3, every culprit named); bad documents and option combinations get
# exit 1 naming the key and the value; nothing is written in any of these.
# The applies that write are tested on apsim (47-chzap-apply-apsim.bats).

bats_require_minimum_version 1.5.0

A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
N=aaaaaaaa-0000-4000-8000-000000000003

setup() {
	load helper
	zap_common_setup
	command -v jq >/dev/null || fail "jq is not installed (make deps)"
	# vfio_ap has adapters 5, 6 and domains 4, 0x47; A and B are active
	zap_tree - <<-EOF
	bus apmask=0-4,7-255 aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47
	mdev $A adapters=5 domains=4 control=4
	mdev $B adapters=6 domains=0x47 control=none
	define $A start=auto adapters=5 domains=4 control=4
	EOF
	D=$BATS_TEST_TMPDIR/doc.json
	zap_snapshot "$BATS_TEST_TMPDIR/before"
}

# doc JQ-FILTER: the host's export edited by the jq filter, into $D.
doc() {
	lszap --export | jq -c "$1" > "$D" || fail "cannot build the document"
}

@test "chzap --apply -: lszap --export piped back writes nothing, exit 0, says so" {
	run --separate-stderr bash -c 'lszap --export | chzap --apply -'
	assert_success
	[ "$stderr" = "chzap: already in the requested state: the live configuration equals the standard input; nothing written" ]
	run --separate-stderr bash -c 'lszap --export -m '"$A"' | chzap --apply - --json'
	assert_success
	run jq -c '[.changed, .writes, .error]' <<< "$output"
	assert_output '[false,[],null]'
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply -p -n: unassign first, then the masks, then create and assign, then the files; nothing written" {
	doc ".vfio_ap.domains = [1, 4, 71] | .mdevs[0].domains = [1] |
	     .mdevs += [{uuid: \"$N\", adapters: [5, 6], domains: [4],
			 control_domains: [], autostart: false}]"
	# live only, the new mdev would share 05.0004 with the definition of A
	run --separate-stderr chzap --apply "$D" -n
	assert_failure 3
	[[ "$stderr" == *"$N would share APQNs with autostart definition (mdevctl) $A: 05.0004"* ]]
	run --separate-stderr chzap --apply "$D" -p -n
	assert_success
	assert_line --index 0 --regexp "^echo 0x04.*,0x0{64},0x08.* > $SYSFS_ROOT/devices/vfio_ap/matrix/$A/ap_config\$"
	assert_line --index 1 --regexp "^echo 0xb7f.* > $SYSFS_ROOT/bus/ap/aqmask\$"
	assert_line --index 2 --regexp "^echo 0x04.*,0x40.*,0x08.* > $SYSFS_ROOT/devices/vfio_ap/matrix/$A/ap_config\$"
	assert_line --index 3 "echo $N > $SYSFS_ROOT/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"
	assert_line --index 4 --regexp "^echo 0x06.*,0x08.*,0x0{64} > $SYSFS_ROOT/devices/vfio_ap/matrix/$N/ap_config\$"
	# the definitions of A, B (none yet) and N, once each; 41-ap.rules
	run grep -c "^}' > $ZAP_ROOT/etc/mdevctl.d/matrix/" <<< "$output"
	assert_output 3
	run grep -A2 "^printf '%s' '{" <<< "$(chzap --apply "$D" -p -n)"
	[[ "$output" == *'"start": "auto"'*'"start": "manual"'*'"start": "manual"'* ]]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply --json --dry-run: changed true, every write planned, the APQNs it would assign; nothing written" {
	doc ".mdevs[1].domains = [4, 71]"
	run --separate-stderr chzap --apply "$D" --json --dry-run
	assert_success
	[ -z "$stderr" ]
	run jq -c '[.changed, [.writes[].result], .assigned, .error]' <<< "$output"
	assert_output '[true,["planned"],["06.0004"],null]'
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply: a document sharing APQNs is refused, exit 3, both mdevs named; nothing written" {
	doc ".mdevs += [{uuid: \"$N\", adapters: [5], domains: [4, 71],
			 control_domains: [], autostart: false}]"
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	[[ "$stderr" == *"$N"*"$A"* ]] || [[ "$stderr" == *"$A"*"$N"* ]]
	[[ "$stderr" == *"05.0004"* ]]
	run --separate-stderr chzap --apply "$D" --json
	assert_failure 3
	run jq -c '[.changed, [.refused[].kind], .refused[0].apqns]' <<< "$output"
	assert_output '[false,["shared-apqn"],["05.0004"]]'
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply: two new mdevs sharing an APQN, and an mdev left on a host APQN: every culprit named, exit 3" {
	# adapter 6 and domain 0x47 back to the host, B keeps 06.0047
	doc ".mdevs += [{uuid: \"$N\", adapters: [5], domains: [1],
			 control_domains: [], autostart: false},
			{uuid: \"bbbbbbbb-0000-4000-8000-000000000004\",
			 adapters: [5], domains: [1], control_domains: [],
			 autostart: false}]
	     | .vfio_ap = {adapters: [5], domains: [1, 4]}"
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	assert_output ""
	[ "${stderr_lines[0]}" = "chzap: mdev $B holds APQNs this would give to the host (unassign them first): 06.0047" ]
	[ "${stderr_lines[1]}" = "chzap: mdev bbbbbbbb-0000-4000-8000-000000000004 would share APQNs with mdev $N: 05.0001" ]
	run --separate-stderr chzap --apply "$D" --json
	assert_failure 3
	run jq -c '[.refused[] | [.kind, .apqns]]' <<< "$output"
	assert_output '[["host-apqn",["06.0047"]],["shared-apqn",["05.0001"]]]'
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply: a document leaving an mdev control domains without usage domains is refused, exit 3" {
	doc ".mdevs[0].domains = []"
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	assert_output ""
	[[ "$stderr" == *"$A would have control domains but no usage domain"* ]]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply: bad documents get exit 1 naming the key and the value; nothing written" {
	printf '{"version": 1, "mdevs": [], "colour": 1}' > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_failure 1
	[[ "$stderr" == *"colour"* ]]
	printf '{"version": 1, "mdevs": [{"uuid": "%s", "adapters": "5", "domains": [], "control_domains": [], "autostart": false}]}' "$A" > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_failure 1
	[[ "$stderr" == *"mdevs[0].adapters"* ]]
	printf '{"version": 1, "mdevs": [{"uuid": "%s", "adapters": [256], "domains": [], "control_domains": [], "autostart": false}]}' "$A" > "$D"
	run --separate-stderr chzap --apply "$D" --json
	assert_failure 1
	run jq -r .error <<< "$output"
	[[ "$output" == *"mdevs[0].adapters[0]"*"256"* ]]
	printf '{"version": 1, "mdevs": [{"uuid": "%s", "adapters": [], "domains": [], "control_domains": [], "autostart": false}, {"uuid": "%s", "adapters": [], "domains": [], "control_domains": [], "autostart": false}]}' "$A" "$A" > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_failure 1
	[[ "$stderr" == *"$A"* ]]
	run --separate-stderr chzap --apply "$BATS_TEST_TMPDIR/missing.json"
	assert_failure 1
	[[ "$stderr" == *"missing.json"* ]] || { echo "stderr: $stderr" >&2; false; }
	run --separate-stderr bash -c 'echo "{" | chzap --apply -'
	assert_failure 1
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply: an overrides document on a host whose masks are restricted is refused, exit 3, naming the masks and a queue; nothing written" {
	printf '{"version": 1, "ownership": "overrides", "vfio_ap": {"queues": ["05.0004"]}, "mdevs": []}' > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	[[ "$stderr" == *"overrides"*"apmask/aqmask are not all ones"*"05.0004"* ]] ||
		{ echo "stderr: $stderr" >&2; false; }
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply: options that do not go with it, --prune without it: exit 1" {
	lszap --export > "$D"
	run --separate-stderr chzap --apply "$D" -m "$A"
	assert_failure 1
	[ "${stderr_lines[0]}" = "chzap: --apply takes no --mdev, --adapter, --domain, --control-domain or --auto: the file says it all" ]
	run --separate-stderr chzap --apply "$D" -d 4
	assert_failure 1
	run --separate-stderr chzap --apply "$D" --vfio
	assert_failure 1
	[[ "${stderr_lines[0]}" == *"Only one of"*"--apply can be specified" ]]
	run --separate-stderr chzap --remove -m "$A" --prune
	assert_failure 1
	[ "${stderr_lines[0]}" = "chzap: --prune goes only with --apply" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply --prune -n: the mdevs the document omits are removed first" {
	doc ".mdevs = [.mdevs[0]]"
	run --separate-stderr chzap --apply "$D" -n
	assert_success
	assert_output ""
	run --separate-stderr chzap --apply "$D" -n --prune
	assert_success
	assert_output "echo 1 > $SYSFS_ROOT/devices/vfio_ap/matrix/$B/remove"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --apply -P -n: the definitions of the document, the masks of 41-ap.rules; no sysfs write" {
	doc ".mdevs[1].autostart = true"
	run --separate-stderr chzap --apply "$D" -P -n
	assert_success
	[[ "$output" == *"> $ZAP_ROOT/etc/mdevctl.d/matrix/$B"* ]]
	[[ "$output" != *"echo "* ]]
	run --separate-stderr chzap --apply "$D" -P --json -n
	run jq -c '[.changed, [.writes[].path | sub(".*/"; "")]]' <<< "$output"
	assert_output "[true,[\"$B\"]]"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap completion: --apply completes file names and -" {
	touch "$BATS_TEST_TMPDIR/host-a.json"
	run bash -c '
		source "$1"
		COMP_WORDS=(chzap --apply "$2/host-")
		COMP_CWORD=2
		_chzap
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$ZAP_TOP/completions/chzap" "$BATS_TEST_TMPDIR"
	assert_output "$BATS_TEST_TMPDIR/host-a.json"
	run bash -c '
		source "$1"
		COMP_WORDS=(chzap --apply -)
		COMP_CWORD=2
		_chzap
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$ZAP_TOP/completions/chzap"
	assert_line -
}
