#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 27-lszap-export.bats - lszap --export: the configuration as one
# zap-config(5) document (the host's masks as the adapters and domains
# given to vfio_ap, every active mdev), -m for one mdev and nothing of the
# host, --persistent for the configuration after a reboot; the options it
# refuses (exit 1), unknown or inactive mdevs and unreadable parts (exit 2,
# nothing printed); every document passes tests/schema/zap-config.schema.json;
# zap-config.5 renders; the completion after --export.

bats_require_minimum_version 1.5.0

A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
C=aaaaaaaa-0000-4000-8000-000000000003

setup() {
	load helper
	zap_common_setup
	SCHEMA="$ZAP_TOP/tests/schema/zap-config.schema.json"
	# the host keeps adapters 0-4, 7-255 and domains 0-3, 5-70, 72-255;
	# A and B are active, C is only defined; 41-ap.rules gives 5 back
	zap_tree - <<-EOF
	bus apmask=0-4,7-255 aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47
	mdev $A adapters=5 domains=4 control=4
	mdev $B adapters=6 domains=0x47 control=none
	define $A start=auto adapters=5 domains=4 control=4
	define $B start=manual adapters=6 domains=0x47 control=none
	define $C start=auto adapters=5,6 domains=1 control=none
	rules apmask=0-5,7-255 aqmask=0-3,5-70,72-255
	EOF
}

# validate: the document on stdin passes the schema (the reason if not).
validate() {
	/usr/bin/python3 -c '
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
try:
    jsonschema.validate(json.load(sys.stdin), schema)
except jsonschema.ValidationError as e:
    print(e.message)
    sys.exit(1)
' "$SCHEMA"
}

@test "lszap --export: version, the masks as ids given to vfio_ap, every active mdev, one a line" {
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr lszap --export
	assert_output - <<-EOF
	{
	  "version": 1,
	  "ownership": "masks",
	  "vfio_ap": { "adapters": [ 5, 6 ], "domains": [ 4, 71 ] },
	  "mdevs": [
	    { "uuid": "$A", "adapters": [ 5 ], "domains": [ 4 ], "control_domains": [ 4 ], "autostart": true },
	    { "uuid": "$B", "adapters": [ 6 ], "domains": [ 71 ], "control_domains": [ ], "autostart": false }
	  ]
	}
	EOF
	[ -z "$stderr" ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "lszap --export: a host that keeps everything gives vfio_ap nothing, and has no mdev" {
	zap_tree - <<-EOF
	adapter 5 hwtype=14 mode=cca domains=1,4
	EOF
	run -0 lszap --export
	assert_output - <<-EOF
	{
	  "version": 1,
	  "ownership": "masks",
	  "vfio_ap": { "adapters": [ ], "domains": [ ] },
	  "mdevs": []
	}
	EOF
}

@test "lszap --export: it does not judge: a host sharing an APQN exports as it is" {
	zap_tree "$MACHINES/examples/conflict.machine"
	run -3 lszap --check -n -o KIND
	assert_line shared-apqn
	run -0 jq -c '.mdevs | map([.adapters, .domains])' <<< "$(lszap --export)"
	assert_output "[[[1,2],[5,6]],[[1],[6,7]]]"
}

@test "lszap --export -m UUID: that mdev only, nothing of the host; the UUID in any case" {
	run -0 lszap --export -m "${B^^}"
	assert_output - <<-EOF
	{
	  "version": 1,
	  "mdevs": [
	    { "uuid": "$B", "adapters": [ 6 ], "domains": [ 71 ], "control_domains": [ ], "autostart": false }
	  ]
	}
	EOF
	run -0 lszap --export --mdev "$A"
	assert_line --index 2 '  "mdevs": ['
	refute_output --partial '"vfio_ap"'
}

@test "lszap --export -m: unknown mdev and only-defined mdev exit 2, malformed UUID exit 1, nothing on stdout" {
	run -2 --separate-stderr lszap --export -m bbbbbbbb-0000-4000-8000-000000000009
	assert_output ""
	[ "$stderr" = "lszap: unknown mdev bbbbbbbb-0000-4000-8000-000000000009: neither active nor defined" ]
	run -2 --separate-stderr lszap --export -m "$C"
	assert_output ""
	[ "$stderr" = "lszap: mdev $C is not active (only defined)" ]
	run -1 --separate-stderr lszap --export -m not-a-uuid
	assert_output ""
	[ "${stderr_lines[0]}" = "lszap: invalid UUID 'not-a-uuid'" ]
}

@test "lszap --export --persistent: the masks of 41-ap.rules and the autostart definitions" {
	run -0 lszap --export --persistent
	assert_output - <<-EOF
	{
	  "version": 1,
	  "ownership": "masks",
	  "vfio_ap": { "adapters": [ 6 ], "domains": [ 4, 71 ] },
	  "mdevs": [
	    { "uuid": "$A", "adapters": [ 5 ], "domains": [ 4 ], "control_domains": [ 4 ], "autostart": true },
	    { "uuid": "$C", "adapters": [ 5, 6 ], "domains": [ 1 ], "control_domains": [ ], "autostart": true }
	  ]
	}
	EOF
}

@test "lszap --export --persistent -m: an autostart definition exports; a manual one does not start at boot (exit 2)" {
	run -0 jq -c '[.version, (.mdevs | map(.uuid)), has("ownership")]' <<< "$(lszap --export --persistent -m "$C")"
	assert_output "[1,[\"$C\"],false]"
	run -2 --separate-stderr lszap --export --persistent -m "$B"
	assert_output ""
	[ "$stderr" = "lszap: unknown mdev $B: it does not start at boot (no usable autostart definition)" ]
}

@test "lszap --export: vfio_ap not loaded: the masks, no mdev" {
	zap_tree "$MACHINES/examples/novfio.machine"
	run -0 jq -c '[.vfio_ap.adapters, (.vfio_ap.domains | first, last, length), .mdevs]' <<< "$(lszap --export)"
	# aqmask=0-7: domains 8 to 255 are not the host's
	assert_output '[[],8,255,248,[]]'
}

@test "lszap --export: an unreadable mdev: exit 2, the file named, nothing on stdout" {
	echo 0xnot-a-mask > "$(zap_mdev_dir "$A")/ap_config"
	run -2 --separate-stderr lszap --export
	assert_output ""
	[ "${stderr_lines[0]}" = "lszap: nothing exported: the configuration could not be read completely" ]
	[ "${stderr_lines[1]}" = "lszap: $(zap_mdev_dir "$A")/ap_config: invalid content" ]
}

@test "lszap --export: filters but -m, JSON, table options and other views are usage errors (exit 1), before reading sysfs" {
	export SYSFS_ROOT=/nonexistent
	run -1 lszap --export -a 5
	assert_line --index 0 "lszap: Only one of --export or --adapter can be specified"
	run -1 lszap --export -d 4
	assert_line --index 0 "lszap: Only one of --export or --domain can be specified"
	run -1 lszap --export --owner host
	assert_line --index 0 "lszap: Only one of --export or --owner can be specified"
	run -1 lszap --export 05.0004
	assert_line --index 0 "lszap: Only one of --export or APQN arguments can be specified"
	run -1 lszap --export -j
	assert_line --index 0 "lszap: Only one of --export or --json can be specified"
	run -1 lszap --export --format json
	assert_line --index 0 "lszap: Only one of --export or --format can be specified"
	run -1 lszap --export --format table
	assert_line --index 0 "lszap: Only one of --export or --format can be specified"
	run -1 lszap --export -o UUID
	assert_line --index 0 "lszap: Only one of --output or --export can be specified"
	run -1 lszap --export -n
	assert_line --index 0 "lszap: Only one of --noheadings or --export can be specified"
	run -1 lszap --export -r
	assert_line --index 0 "lszap: Only one of --raw or --export can be specified"
	run -1 lszap --export --free
	assert_line --index 0 "lszap: Only one of --free or --export can be specified"
	run -1 lszap --export --watch
	assert_line --index 0 "lszap: Only one of --watch or --export can be specified"
	run -1 lszap --export -M
	assert_line --index 0 "lszap: Only one of --export or --mdevs can be specified"
	run -1 lszap --check --export
	assert_line --index 0 "lszap: Only one of --check or --export can be specified"
}

@test "lszap --export: every document passes the JSON Schema of zap-config(5)" {
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
		skip "no python3-jsonschema (make deps installs it)"
	lszap --export | validate
	lszap --export -m "$A" | validate
	lszap --export --persistent | validate
	lszap --export --persistent -m "$C" | validate
	for machine in "$MACHINES/demo.machine" "$MACHINES"/examples/*.machine; do
		# a mixed host has no document (issue 15; 45-lszap-ownership.bats)
		[ "${machine##*/}" != mixed.machine ] || continue
		zap_tree "$machine"
		run -0 lszap --export
		validate <<< "$output" || { echo "$machine"; return 1; }
	done
	# the check can fail: lszap's JSON listing is no configuration document
	run -1 validate <<< "$(lszap --json)"
}

@test "zap-config.5 renders without warnings and shows a document lszap --export would print" {
	command -v man > /dev/null || skip "man is not installed"
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$ZAP_TOP/man/zap-config.5"
	[ -z "$stderr" ] || { echo "$stderr"; return 1; }
	assert_line --regexp '^NAME$'
	assert_output --partial 'lszap --export -m'
	assert_output --partial 'chzap --apply --dry-run'
	assert_output --partial '"ownership": "masks"'
	run -0 bash -c "MANWIDTH=80 man -l '$ZAP_TOP/man/lszap.8' 2>/dev/null"
	assert_output --partial 'zap-config(5)'
	# the example is the export of the kernel documentation's host
	zap_tree "$MACHINES/demo.machine"
	expected=$(lszap --export)
	run -0 bash -c "MANWIDTH=250 man -l '$ZAP_TOP/man/zap-config.5' 2>/dev/null |
		sed -n '/^       # lszap --export\$/,/^       }\$/p' | sed -e 1d -e 's/^       //'"
	assert_output "$expected"
}

@test "completion: after --export only -m and --persistent, and no APQN" {
	source "$ZAP_TOP/completions/lszap"
	COMP_WORDS=(lszap --export -)
	COMP_CWORD=2
	_lszap
	run -0 printf '%s\n' "${COMPREPLY[@]}"
	assert_output - <<-EOF
	-m
	--mdev
	--persistent
	EOF
	COMP_WORDS=(lszap --export "")
	COMPREPLY=()
	_lszap
	[ "${#COMPREPLY[@]}" -eq 0 ]
	COMP_WORDS=(lszap --exp)
	COMP_CWORD=1
	_lszap
	[ "${COMPREPLY[*]}" = "--export" ]
}

@test "make install puts zap-config.5 in section 5, make uninstall removes it" {
	local dest="$BATS_TEST_TMPDIR/dest"
	make -s -C "$ZAP_TOP" install DESTDIR="$dest" PREFIX=/usr > /dev/null
	cmp "$ZAP_TOP/man/zap-config.5" "$dest/usr/share/man/man5/zap-config.5"
	make -s -C "$ZAP_TOP" uninstall DESTDIR="$dest" PREFIX=/usr > /dev/null
	[ ! -e "$dest/usr/share/man/man5/zap-config.5" ]
}

@test "lszap --export: an unusable definition is named on stderr, its mdev exported without autostart" {
	echo '{ "start": "auto", ' > "$ZAP_ROOT/etc/mdevctl.d/matrix/$A"
	run -0 --separate-stderr lszap --export -m "$A"
	assert_line --index 3 "    { \"uuid\": \"$A\", \"adapters\": [ 5 ], \"domains\": [ 4 ], \"control_domains\": [ 4 ], \"autostart\": false }"
	[[ "$stderr" == "lszap: warning: unusable mdevctl definition $ZAP_ROOT/etc/mdevctl.d/matrix/$A: "* ]]
}
