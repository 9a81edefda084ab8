#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-json.bats - the JSON contract of lszap --json, key for key: the
# top-level keys with and without a view option, every object's keys in
# order, the value types (integers, AA.DDDD strings, 0x + 64 digit masks,
# null for absent values), over-provisioned APQNs, defined-only mdevs,
# old kernels, filters. Uses jq.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
D=dddddddd-0000-4000-8000-000000000004

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	command -v jq > /dev/null || skip "jq is not installed (make deps)"
}

# A bit of everything: host and vfio queues, a running guest (A), an
# over-provisioned mdev (B: adapter 7 has no card), a definition only (D).
json_machine() {
	cat <<-EOF
	bus max_adapter=63 max_domain=85 aqmask=0-3,5-70,72-85
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 6 hwtype=13 mode=ep11 domains=1,4,0x47 raw_hwtype=15
	mdev $A adapters=5,6 domains=4 control=4 guest=yes
	mdev $B adapters=6,7 domains=0x47 control=none
	define $D start=manual adapters=5 domains=0x47 control=none
	EOF
	printf '%s\n' "$@"
}

# mask ID...: the kernel's text of a 256-bit mask with these ids set.
mask() {
	local -a nib
	local id i out=0x

	for ((i = 0; i < 64; i++)); do nib[i]=0; done
	for id in "$@"; do
		nib[id / 4]=$((nib[id / 4] | 8 >> (id % 4)))
	done
	for ((i = 0; i < 64; i++)); do out+=$(printf %x "${nib[i]}"); done
	echo "$out"
}

# jq FILTER over lszap's JSON with the other arguments, compact output.
jqz() {
	local filter=$1

	shift
	lszap --json "$@" | jq -c "$filter"
}

@test "lszap --json: valid JSON, every top-level key in the contract's order" {
	zap_tree - < <(json_machine)
	run -0 jqz 'keys_unsorted'
	assert_output '["version","bus","adapters","domains","queues","mdevs","problems"]'
}

@test "lszap --json with a view option: only that view's key" {
	zap_tree - < <(json_machine)
	run -0 jqz 'keys_unsorted' -A
	assert_output '["version","adapters"]'
	run -0 jqz 'keys_unsorted' -D
	assert_output '["version","domains"]'
	run -0 jqz 'keys_unsorted' -M
	assert_output '["version","mdevs"]'
	run -0 jqz 'keys_unsorted' -b
	assert_output '["version","bus"]'
	run -0 jqz 'keys_unsorted' --check
	assert_output '["version","problems"]'
}

@test "lszap --json: bus keys and values" {
	zap_tree - < <(json_machine)
	run -0 jqz '.bus | keys_unsorted'
	assert_output '["apmask","aqmask","adapter_mask","usage_domain_mask","control_domain_mask","max_adapter_id","max_domain_id","features","vfio_ap","available_instances","ownership","driver_override_supported"]'
	run -0 jqz '.bus | [.max_adapter_id, .max_domain_id, .features, .vfio_ap, .available_instances]'
	assert_output '[63,85,["APSC","APXA","QACT"],true,65534]'
	run -0 jqz '.bus | [.apmask, .aqmask, .adapter_mask] | map(test("^0x[0-9a-f]{64}$")) | all'
	assert_output 'true'
	run -0 jqz '.bus | [.apmask, .aqmask, .adapter_mask, .usage_domain_mask, .control_domain_mask]'
	assert_output "[\"$(mask {0..255})\",\"$(mask {0..3} {5..70} {72..85})\",\"$(mask 5 6)\",\"$(mask 1 4 71)\",\"$(mask 1 4 71)\"]"
}

@test "lszap --json: adapters, key for key" {
	zap_tree - < <(json_machine)
	run -0 jqz '.adapters[]'
	assert_output - <<-EOF
	{"id":5,"type":"CEX8C","hwtype":14,"raw_hwtype":14,"mode":"CCA-Coproc","online":true,"config":true,"chkstop":false,"in_apmask":true,"mdevs":["$A","$D"]}
	{"id":6,"type":"CEX7P","hwtype":13,"raw_hwtype":15,"mode":"EP11-Coproc","online":true,"config":true,"chkstop":false,"in_apmask":true,"mdevs":["$A","$B"]}
	{"id":7,"type":null,"hwtype":null,"raw_hwtype":null,"mode":"Unknown","online":null,"config":null,"chkstop":null,"in_apmask":true,"mdevs":["$B"]}
	EOF
}

@test "lszap --json: domains, key for key" {
	zap_tree - < <(json_machine)
	run -0 jqz '.domains[]'
	assert_output - <<-EOF
	{"id":1,"usage":true,"control":true,"in_aqmask":true,"mdevs":[]}
	{"id":4,"usage":true,"control":true,"in_aqmask":false,"mdevs":["$A"]}
	{"id":71,"usage":true,"control":true,"in_aqmask":false,"mdevs":["$B","$D"]}
	EOF
}

@test "lszap --json: queues, key for key, sorted" {
	zap_tree - < <(json_machine "queue 06.0001 driver=none")
	run -0 jqz '.queues[]'
	assert_output - <<-EOF
	{"apqn":"05.0001","adapter":5,"domain":1,"type":"CEX8C","mode":"CCA-Coproc","hwtype":14,"owner":"host","driver":"cex4queue","mdev":null,"online":true,"config":true,"chkstop":false,"status":null,"driver_override":null}
	{"apqn":"05.0004","adapter":5,"domain":4,"type":"CEX8C","mode":"CCA-Coproc","hwtype":14,"owner":"vfio","driver":"vfio_ap","mdev":"$A","online":null,"config":true,"chkstop":false,"status":"in use","driver_override":null}
	{"apqn":"05.0047","adapter":5,"domain":71,"type":"CEX8C","mode":"CCA-Coproc","hwtype":14,"owner":"vfio","driver":"vfio_ap","mdev":null,"online":null,"config":true,"chkstop":false,"status":"unassigned","driver_override":null}
	{"apqn":"06.0001","adapter":6,"domain":1,"type":"CEX7P","mode":"EP11-Coproc","hwtype":13,"owner":"host","driver":null,"mdev":null,"online":null,"config":true,"chkstop":false,"status":null,"driver_override":null}
	{"apqn":"06.0004","adapter":6,"domain":4,"type":"CEX7P","mode":"EP11-Coproc","hwtype":13,"owner":"vfio","driver":"vfio_ap","mdev":"$A","online":null,"config":true,"chkstop":false,"status":"in use","driver_override":null}
	{"apqn":"06.0047","adapter":6,"domain":71,"type":"CEX7P","mode":"EP11-Coproc","hwtype":13,"owner":"vfio","driver":"vfio_ap","mdev":"$B","online":null,"config":true,"chkstop":false,"status":"assigned","driver_override":null}
	EOF
}

@test "lszap --json: mdevs, key for key; over-provisioned APQNs only in apqns" {
	zap_tree - < <(json_machine)
	run -0 jqz '.mdevs[]'
	assert_output - <<-EOF
	{"uuid":"$A","active":true,"defined":false,"autostart":false,"in_use":true,"vm":null,"adapters":[5,6],"domains":[4],"control_domains":[4],"apqns":["05.0004","06.0004"],"guest_apqns":["05.0004","06.0004"]}
	{"uuid":"$B","active":true,"defined":false,"autostart":false,"in_use":false,"vm":null,"adapters":[6,7],"domains":[71],"control_domains":[],"apqns":["06.0047","07.0047"],"guest_apqns":["06.0047"]}
	{"uuid":"$D","active":false,"defined":true,"autostart":false,"in_use":false,"vm":null,"adapters":[5],"domains":[71],"control_domains":[],"apqns":["05.0047"],"guest_apqns":null}
	EOF
	run -0 jqz '[.queues[].apqn] | index("07.0047")'
	assert_output 'null'
}

@test "lszap --json: an active mdev with an autostart definition" {
	zap_tree - < <(json_machine "define $A start=auto adapters=5,6 domains=4 control=4")
	run -0 jqz '.mdevs[0] | [.uuid, .active, .defined, .autostart]'
	assert_output "[\"$A\",true,true,true]"
}

@test "lszap --json: problems, key for key" {
	zap_tree - < <(json_machine "mdev 99999999-0000-4000-8000-000000000009 adapters=5 domains=4 control=none")
	run -0 jqz '.problems[] | select(.kind == "shared-apqn")'
	assert_output "{\"kind\":\"shared-apqn\",\"severity\":\"error\",\"message\":\"mdev 99999999-0000-4000-8000-000000000009 and mdev $A share 1 APQN: 05.0004\",\"path\":null,\"apqns\":[\"05.0004\"],\"mdevs\":[\"99999999-0000-4000-8000-000000000009\",\"$A\"]}"
	run -0 jqz '[.problems[].kind | select(. != "not-persistent")]'
	assert_output '["shared-apqn","not-in-config"]'
}

@test "lszap --json: a clean configuration has an empty problems array" {
	zap_tree "$MACHINES/demo.machine"
	run -0 jqz '.problems'
	assert_output '[]'
}

@test "lszap --json: old kernel: QCI masks, features, guest_apqns, online are null" {
	zap_tree - <<-EOF
	bus max_adapter=63 max_domain=15 qci=no aqmask=0-3
	kernel features=no guest_matrix=no ap_config=no
	adapter 1 hwtype=10 mode=accel domains=1,5
	mdev $A adapters=1 domains=5 control=none
	EOF
	run -0 jqz '.bus | [.adapter_mask, .usage_domain_mask, .control_domain_mask, .features]'
	assert_output '[null,null,null,null]'
	run -0 jqz '.domains[0] | [.usage, .control]'
	assert_output '[null,null]'
	run -0 jqz '.mdevs[0].guest_apqns'
	assert_output 'null'
}

@test "lszap --json: without vfio_ap: vfio_ap false, available_instances null, no mdevs" {
	zap_tree - <<-EOF
	drivers vfio_ap=no
	bus aqmask=0-3
	adapter 1 hwtype=14 mode=cca domains=1,5
	EOF
	run -0 jqz '[.bus.vfio_ap, .bus.available_instances, .mdevs, (.queues[1] | .driver, .owner)]'
	assert_output '[false,null,[],null,"vfio"]'
}

@test "lszap --json: a features file reading '-' gives an empty array" {
	zap_tree - <<-EOF
	adapter 1 hwtype=14 mode=cca domains=1
	EOF
	echo - > "$SYSFS_ROOT/bus/ap/features"
	run -0 jqz '.bus.features'
	assert_output '[]'
}

@test "lszap --json: filters apply to every array" {
	zap_tree - < <(json_machine)
	run -0 jqz '[.adapters[].id, .domains[].id, (.queues[].apqn), (.mdevs[].uuid)]' -m "$B"
	assert_output "[6,7,71,\"06.0047\",\"$B\"]"
	run -0 jqz '[.queues[].apqn]' --owner host
	assert_output '["05.0001","06.0001"]'
}

@test "lszap --json: the empty machine" {
	zap_tree - <<-EOF
	bus apmask=all
	EOF
	run -0 jqz '[.adapters, .domains, .queues, .mdevs, .problems]'
	assert_output '[[],[],[],[],[]]'
}

@test "lszap --json on the maximal numbers: 0xff adapters, domain 255" {
	zap_tree - <<-EOF
	adapter 255 hwtype=14 mode=cca domains=255
	EOF
	run -0 jqz '.queues[0] | [.apqn, .adapter, .domain]'
	assert_output '["ff.00ff",255,255]'
}

# schema_ok [LSZAP ARGS]: lszap --json ARGS passes tests/schema/lszap.schema.json.
schema_ok() {
	lszap --json "$@" > "$BATS_TEST_TMPDIR/doc.json" || true
	/usr/bin/python3 - "$ZAP_TOP/tests/schema/lszap.schema.json" \
		"$BATS_TEST_TMPDIR/doc.json" <<-'EOP'
	import json, sys
	import jsonschema
	try:
	    jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
	except jsonschema.ValidationError as e:
	    print(f"{e.json_path}: {e.message}")
	    sys.exit(1)
	EOP
}

@test "lszap --json: every document passes the schema that lists the keys (version 1)" {
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
		skip "no python3-jsonschema (make deps installs it)"
	zap_tree - < <(json_machine "mdev 99999999-0000-4000-8000-000000000009 adapters=5 domains=4 control=none")
	for view in "" -A -D -M -b --check --free; do
		run schema_ok $view
		assert_success
	done
	zap_tree "$MACHINES/demo.machine"
	run schema_ok
	assert_success
	# the schema refuses a key it does not list
	run -0 bash -c 'lszap --json | jq ".queues[0].extra = 1" > "$BATS_TEST_TMPDIR/bad.json"'
	run /usr/bin/python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		"$ZAP_TOP/tests/schema/lszap.schema.json" "$BATS_TEST_TMPDIR/bad.json"
	assert_failure
}

@test "lszap --json: queues carry type, mode, hwtype; mdevs in_use; problems severity and path" {
	zap_tree - < <(json_machine "mdev 99999999-0000-4000-8000-000000000009 adapters=5 domains=4 control=none")
	run -0 jqz '.queues[0] | [.type, .mode, .hwtype]'
	assert_output '["CEX8C","CCA-Coproc",14]'
	run -0 jqz '[.mdevs[] | .in_use]'
	assert_output '[true,true,false,false]'
	run -0 jqz '[.problems[] | select(.kind != "not-persistent") | [.kind, .severity, .path]]'
	assert_output '[["shared-apqn","error",null],["not-in-config","info",null]]'
	echo garbage > "$ZAP_ROOT/etc/mdevctl.d/matrix/$D"
	run jqz '[.problems[] | select(.kind == "bad-definition") | [.severity, .path]]' --check
	assert_output "[[\"error\",\"$ZAP_ROOT/etc/mdevctl.d/matrix/$D\"]]"
}

@test "lszap -j -o: the chosen columns as keys, typed as the JSON keys are" {
	zap_tree - < <(json_machine)
	run -0 bash -c "lszap -j -o APQN,adapter,DOMAIN,ONLINE,MDEV,REQUESTS -a 5 -d 1,0x47 | jq -c ."
	assert_output '{"version":1,"queues":[{"apqn":"05.0001","adapter":5,"domain":1,"online":true,"mdev":null,"requests":0},{"apqn":"05.0047","adapter":5,"domain":71,"online":null,"mdev":null,"requests":null}]}'
	run -0 bash -c "lszap -M -j -o UUID,ADAPTERS,DOMAINS,CONTROL,INUSE -m $A | jq -c ."
	assert_output "{\"version\":1,\"mdevs\":[{\"uuid\":\"$A\",\"adapters\":[5,6],\"domains\":[4],\"control\":[4],\"inuse\":true}]}"
	run -0 bash -c "lszap -A -j -o ID,MDEVS,APMASK -a 6 | jq -c ."
	assert_output "{\"version\":1,\"adapters\":[{\"id\":6,\"mdevs\":[\"$A\",\"$B\"],\"apmask\":true}]}"
	run -0 bash -c "lszap --free -j -o +ADAPTER | jq -c '.free[0]'"
	assert_output '{"apqn":"05.0047","type":"CEX8C","mode":"CCA-Coproc","adapter":5}'
	run -2 lszap -D -j -o ID -d 0x56
	assert_output "lszap: domain id '0x56' is above the maximum 0x55"
	run -0 bash -c "lszap -D -j -o ID -d 0x2 | jq -c ."
	assert_output '{"version":1,"domains":[]}'
	run -1 lszap -b -j -o ID
	assert_output --partial "Only one of --output or --bus can be specified"
	run -1 lszap -j -o NOPE
	assert_output --partial "unknown column: NOPE"
}
