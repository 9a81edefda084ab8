#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 47-chzap-apply-overrides.bats - chzap --apply of "ownership": "overrides"
# documents on apsim with driver_override (issues 15 and 16): the queues the
# document lists go to vfio_ap with override/unbind/probe, those it omits go
# back to the host, a second apply writes nothing ("changed": false), the
# round trip writes nothing, -p keeps driverctl's files; a masks host whose
# masks are all ones takes it too; a "masks" document on this host, an
# overrides document on a mixed host and a document that gives an mdev's
# queue back are refused (exit 3, nothing written). Needs /dev/fuse and
# root; skipped elsewhere.

bats_require_minimum_version 1.5.0

G=5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e0f

setup() {
	load helper
	zap_common_setup
	load apsim
	command -v jq >/dev/null || fail "jq is not installed (make deps)"
	T=$BATS_TEST_TMPDIR
	D=$T/doc.json
	# the overrides model: 05.0047 and 06.0047 are vfio_ap's, G has them
	# (defined to start manually: an auto one is refused on this model)
	apsim_start <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 6 hwtype=14 mode=cca domains=4,0x47
	adapter 7 hwtype=13 mode=ep11 domains=4,0x47
	override 05.0047 vfio_ap
	override 06.0047 vfio_ap
	mdev $G adapters=5,6 domains=0x47 control=0x47
	EOF
	mkdir -p "$ZAP_ROOT/etc/mdevctl.d/matrix"
	printf '%s\n' '{ "mdev_type": "vfio_ap-passthrough", "start": "manual", "attrs": [ { "assign_adapter": "5" }, { "assign_adapter": "6" }, { "assign_domain": "0x47" }, { "assign_control_domain": "0x47" } ] }' \
		> "$ZAP_ROOT/etc/mdevctl.d/matrix/$G"
	ctl reset-log
}

teardown() {
	apsim_stop
}

# queues_doc Q...: the host's export with vfio_ap's queues set to Q..., in $D.
queues_doc() {
	local q

	q=$(printf '"%s",' "$@")
	lszap --export | jq -c ".vfio_ap.queues = [${q%,}]" > "$D" ||
		fail "cannot build the document"
}

# owner_of Q: the OWNER column of queue Q.
owner_of() {
	lszap -o APQN,OWNER --noheadings | awk -v q="$1" '$1 == q { print $2 }'
}

@test "chzap --apply (overrides): a listed queue goes to vfio_ap; the second apply writes nothing, \"changed\": false" {
	queues_doc 05.0047 06.0047 07.0004
	run --separate-stderr chzap --apply "$D" --json
	assert_success
	run jq -c '[.changed, ([.writes[].result] | unique)]' <<< "$output"
	assert_output '[true,["ok"]]'
	run cat "$S/devices/ap/card07/07.0004/driver_override"
	assert_output vfio_ap
	[ "$(owner_of 07.0004)" != host ] || fail "07.0004 is still the host's"
	lszap --export > "$T/after.json"
	assert_equal "$(jq -c .vfio_ap "$T/after.json")" "$(jq -c .vfio_ap "$D")"
	ctl reset-log
	run --separate-stderr chzap --apply "$D" --json
	assert_success
	run jq -c '[.changed, .writes]' <<< "$output"
	assert_output '[false,[]]'
	assert_no_writes
}

@test "chzap --apply (overrides): lszap --export | chzap --apply - writes nothing" {
	run --separate-stderr bash -c 'lszap --export | chzap --apply -'
	assert_success
	assert_no_writes
}

@test "chzap --apply (overrides): a queue removed from the document goes back to the host" {
	queues_doc 05.0047 06.0047 07.0004
	run --separate-stderr chzap --apply "$D"
	assert_success
	queues_doc 05.0047 06.0047
	run --separate-stderr chzap --apply "$D"
	assert_success
	[[ "$output" == *"1 queue vfio -> host: 07.0004"* ]] ||
		fail "not reported: $output"
	assert_equal "$(owner_of 07.0004)" host
	run cat "$S/devices/ap/card07/07.0004/driver_override"
	refute_output vfio_ap
}

@test "chzap --apply (overrides): a queue an active mdev has is not given back, exit 3; nothing written" {
	queues_doc 05.0047
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	[[ "$stderr" == *"06.0047"* ]] || fail "stderr: $stderr"
	assert_no_writes
}

@test "chzap --apply: a \"masks\" document on an overrides host is refused, exit 3, naming the queues; nothing written" {
	printf '{"version": 1, "ownership": "masks", "vfio_ap": {"adapters": [5, 6], "domains": [71]}, "mdevs": []}' > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	[[ "$stderr" == *'"masks" document'*"05.0047"* ]] || fail "stderr: $stderr"
	assert_no_writes
}

@test "chzap --apply -p (overrides): driverctl's files as chzap -p --vfio writes them; -P of a smaller document removes one" {
	queues_doc 05.0047 06.0047 07.0004
	run --separate-stderr chzap --apply "$D" -p
	assert_success
	for q in 05.0047 06.0047 07.0004; do
		assert_equal "$(cat "$ZAP_ROOT/etc/driverctl.d/ap-$q")" vfio_ap
	done
	queues_doc 05.0047 06.0047
	run --separate-stderr chzap --apply "$D" -P
	assert_success
	[ ! -e "$ZAP_ROOT/etc/driverctl.d/ap-07.0004" ]
	[ -e "$ZAP_ROOT/etc/driverctl.d/ap-05.0047" ]
}

@test "chzap --apply (overrides) on a masks host whose masks are all ones, no override: the queues move by override" {
	apsim_start <<-EOF
	kernel driver_override=yes
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 7 hwtype=13 mode=ep11 domains=4,0x47
	EOF
	printf '{"version": 1, "ownership": "overrides", "vfio_ap": {"queues": ["07.0047"]}, "mdevs": []}' > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_success
	assert_output "1 queue host -> vfio: 07.0047"
	run cat "$S/devices/ap/card07/07.0047/driver_override"
	assert_output vfio_ap
	assert_equal "$(owner_of 05.0047)" host
	run --separate-stderr lszap --export
	assert_success
	assert_equal "$(jq -c .vfio_ap <<< "$output")" '{"queues":["07.0047"]}'
}

@test "chzap --apply (overrides) on a mixed host is refused, exit 3, naming the overridden queue; nothing written" {
	apsim_start <<-EOF
	kernel driver_override=yes
	bus apmask=0-6,8-255 aqmask=all
	adapter 5 hwtype=14 mode=cca domains=4,0x47
	adapter 7 hwtype=13 mode=ep11 domains=4,0x47
	override 05.0047 vfio_ap
	EOF
	ctl reset-log
	printf '{"version": 1, "ownership": "overrides", "vfio_ap": {"queues": ["05.0047"]}, "mdevs": []}' > "$D"
	run --separate-stderr chzap --apply "$D"
	assert_failure 3
	[[ "$stderr" == *"mixed"*"05.0047"* ]] || fail "stderr: $stderr"
	assert_no_writes
}

@test "chzap --apply -p (overrides): an active mdev without definition is defined with the document's manual start, after driverctl's files" {
	rm "$ZAP_ROOT/etc/mdevctl.d/matrix/$G"
	queues_doc 05.0047 06.0047
	run --separate-stderr chzap --apply "$D" -p
	assert_success
	run jq -r .start "$ZAP_ROOT/etc/mdevctl.d/matrix/$G"
	assert_output manual
	assert_equal "$(cat "$ZAP_ROOT/etc/driverctl.d/ap-05.0047")" vfio_ap
	assert_equal "$(cat "$ZAP_ROOT/etc/driverctl.d/ap-06.0047")" vfio_ap
}

@test "chzap --apply -p (overrides): a new definition the document starts automatically is refused, exit 3; nothing written" {
	rm "$ZAP_ROOT/etc/mdevctl.d/matrix/$G"
	queues_doc 05.0047 06.0047
	jq -c '.mdevs[0].autostart = true' "$D" > "$T/auto.json"
	run --separate-stderr chzap --apply "$T/auto.json" -p
	assert_failure 3
	[[ "$stderr" == *"$G"* ]] || fail "stderr: $stderr"
	assert_no_writes
	[ ! -e "$ZAP_ROOT/etc/mdevctl.d/matrix/$G" ]
	[ ! -e "$ZAP_ROOT/etc/driverctl.d/ap-05.0047" ]
}
