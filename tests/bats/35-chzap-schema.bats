#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 35-chzap-schema.bats - the mdevctl definitions chzap writes are accepted
# by a JSON schema of mdevctl's format (tests/schema/), keys in mdevctl's
# order, and read back by lszap as written.

load helper

A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002

setup() {
	zap_common_setup
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
		skip "no python3-jsonschema (make deps installs it)"
	SCHEMA="$ZAP_TOP/tests/schema/mdevctl-matrix-definition.schema.json"
}

# validate FILE...: every file passes the schema (exit 1 and the reason if not).
validate() {
	/usr/bin/python3 - "$SCHEMA" "$@" <<-'EOP'
	import json, sys
	import jsonschema
	schema = json.load(open(sys.argv[1]))
	for path in sys.argv[2:]:
	    try:
	        jsonschema.validate(json.load(open(path)), schema)
	    except jsonschema.ValidationError as e:
	        print(f"{path}: {e.message}")
	        sys.exit(1)
	EOP
}

@test "chzap -P: the definitions it writes pass mdevctl's schema, keys in mdevctl's order" {
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47,0xff
	adapter 0x1a hwtype=14 mode=ep11 domains=1,4,0x47,0xff
	EOF
	run chzap --create -P -m "$A" -a 5,0x1a -d 4,0xff -c 4
	assert_success
	run chzap --create -P -m "$B"
	assert_success
	run chzap -P -m "$B" --autostart no
	assert_success
	run validate "$ZAP_ROOT/etc/mdevctl.d/matrix/$A" "$ZAP_ROOT/etc/mdevctl.d/matrix/$B"
	assert_success
	run jq -r 'keys_unsorted | join(",")' "$ZAP_ROOT/etc/mdevctl.d/matrix/$A"
	assert_output "mdev_type,start,attrs"
	run jq -c '[.start, (.attrs | map(to_entries[0] | .key + "=" + .value))]' \
		"$ZAP_ROOT/etc/mdevctl.d/matrix/$A"
	assert_output '["auto",["assign_adapter=0x05","assign_adapter=0x1a","assign_domain=0x0004","assign_domain=0x00ff","assign_control_domain=0x0004"]]'
	run lszap -M -r -n -o UUID,ADAPTERS,DOMAINS,CONTROL,DEFINED,AUTOSTART
	assert_output - <<-EOF
	$A 0x5,0x1a 0x4,0xff 0x4 yes yes
	$B - - - yes no
	EOF
}

@test "the schema refuses what mdevctl or the kernel would: numbers, leading zeros, wrong type" {
	local dir="$BATS_TEST_TMPDIR/defs"
	mkdir -p "$dir"
	echo '{"mdev_type": "vfio_ap-passthrough", "start": "auto", "attrs": [{"assign_adapter": 5}]}' > "$dir/number"
	echo '{"mdev_type": "vfio_ap-passthrough", "start": "auto", "attrs": [{"assign_domain": "08"}]}' > "$dir/octal"
	echo '{"mdev_type": "vfio-ccw-io", "start": "auto"}' > "$dir/type"
	echo '{"mdev_type": "vfio_ap-passthrough", "start": "always"}' > "$dir/start"
	for f in number octal type start; do
		run validate "$dir/$f"
		assert_failure
	done
	echo '{"mdev_type": "vfio_ap-passthrough", "start": "manual", "attrs": [{"assign_adapter": "5"}, {"x_other": "kept"}]}' > "$dir/good"
	run validate "$dir/good"
	assert_success
}
