#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 22-lszap-free.bats - lszap --free (issue 10): the APQNs an mdev could take
# now (vfio pool, in no active mdev and no autostart definition, queue
# present, configured, not checkstopped, hwtype >= 10), narrowed by -a, -d,
# --type, --mode and APQN arguments; as a table, as JSON {"free": [...]},
# as a picture of the free cells (-x); the options it refuses.

A=aaaaaaaa-0000-4000-8000-000000000001
D=dddddddd-0000-4000-8000-000000000004
E=eeeeeeee-0000-4000-8000-000000000005

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

# Host: domain 1. Adapter 5 CCA: 4 in mdev A, 0x47 free, 0x50 free (only a
# manual definition), 0x51 deconfigured. Adapter 6 EP11: 4 and 0x50 free,
# 0x47 in the autostart definition D, 0x51 checkstopped. Adapter 7 accel: 4
# and 0x47 free. Adapter 8: card deconfigured. Adapter 9: hwtype 9 (set
# after mkfixture), which vfio_ap cannot take.
free_machine() {
	cat <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47,0x50,0x51
	adapter 6 hwtype=13 mode=ep11 domains=1,4,0x47,0x50,0x51
	adapter 7 hwtype=12 mode=accel domains=1,4,0x47
	adapter 8 hwtype=14 mode=cca domains=1,4 config=0
	adapter 9 hwtype=10 mode=cca domains=4
	queue 05.0051 config=0
	queue 06.0051 chkstop=1
	mdev $A adapters=5 domains=4 control=none
	define $D start=auto adapters=6 domains=0x47 control=none
	define $E start=manual adapters=5 domains=0x50 control=none
	EOF
	printf '%s\n' "$@"
}

# free_tree LINE...: the free machine (plus LINEs) with adapter 9 at hwtype 9.
free_tree() {
	zap_tree - < <(free_machine "$@") || return 1
	echo 9 > "$SYSFS_ROOT/devices/ap/card09/hwtype"
}

@test "lszap --free: the free APQNs, sorted, with type and mode" {
	free_tree
	run -0 lszap --free
	assert_output - <<-EOF
	APQN    TYPE  MODE
	05.0047 CEX8C CCA-Coproc
	05.0050 CEX8C CCA-Coproc
	06.0004 CEX7P EP11-Coproc
	06.0050 CEX7P EP11-Coproc
	07.0004 CEX6A Accelerator
	07.0047 CEX6A Accelerator
	EOF
}

@test "lszap --free: host, mdev, autostart, deconfig, chkstop and old cards are not free" {
	free_tree
	run -0 lszap --free -r -n -o APQN
	for apqn in 05.0001 05.0004 06.0047 05.0051 06.0051 08.0004 09.0004; do
		refute_line "$apqn"
	done
	# the queues are there: the rest of lszap lists them
	run -0 lszap -r -n -o APQN 05.0001 05.0004 06.0047 05.0051 06.0051 08.0004 09.0004
	[ "${#lines[@]}" -eq 7 ]
}

@test "lszap --free: a manual definition does not take its APQNs" {
	free_tree
	run -0 lszap --free -r -n -o APQN 05.0050
	assert_output "05.0050"
}

@test "lszap --free -a, -d and APQN arguments narrow the search" {
	free_tree
	run -0 lszap --free -r -n -o APQN -a 6,7
	assert_output - <<-EOF
	06.0004
	06.0050
	07.0004
	07.0047
	EOF
	run -0 lszap --free -r -n -o APQN -d 0x47
	assert_output - <<-EOF
	05.0047
	07.0047
	EOF
	run -0 lszap --free -r -n -o APQN -a 5-7 -d 4
	assert_output - <<-EOF
	06.0004
	07.0004
	EOF
	run -0 lszap --free -r -n -o APQN 05.0004 05.0047 07.0004
	assert_output - <<-EOF
	05.0047
	07.0004
	EOF
}

@test "lszap --free --type: only cards of that type, any case" {
	free_tree
	run -0 lszap --free -r -n -o APQN --type CEX7P
	assert_output - <<-EOF
	06.0004
	06.0050
	EOF
	run -0 lszap --free -r -n -o APQN --type cex6a
	assert_output - <<-EOF
	07.0004
	07.0047
	EOF
	run -0 lszap --free --type CEX5C
	assert_output ""
}

@test "lszap --free --mode: cca, ep11, accel" {
	free_tree
	run -0 lszap --free -r -n -o APQN --mode cca
	assert_output - <<-EOF
	05.0047
	05.0050
	EOF
	run -0 lszap --free -r -n -o APQN --mode ep11
	assert_output - <<-EOF
	06.0004
	06.0050
	EOF
	run -0 lszap --free -r -n -o APQN --mode accel -d 0x47
	assert_output "07.0047"
	run -0 lszap --free -r -n -o APQN --mode cca --type CEX7P
	assert_output ""
}

@test "lszap --free -j: {\"version\": 1, \"free\": [...]}, only those keys" {
	free_tree
	run -0 lszap --free -j
	assert_output - <<-EOF
	{
	  "version": 1,
	  "free": [
	    "05.0047",
	    "05.0050",
	    "06.0004",
	    "06.0050",
	    "07.0004",
	    "07.0047"
	  ]
	}
	EOF
	run -0 bash -c "lszap --free --json --mode ep11 | jq -c ."
	assert_output '{"version":1,"free":["06.0004","06.0050"]}'
}

@test "lszap --free -j: nothing free is an empty array, exit 0" {
	zap_tree "$MACHINES/demo.machine"
	run -0 lszap --free --format json
	assert_output - <<-EOF
	{
	  "version": 1,
	  "free": []
	}
	EOF
	run -0 lszap --free
	assert_output ""
}

@test "lszap --free -x: the picture of the free cells only" {
	free_tree
	run -0 lszap --free -x
	assert_output - <<-EOF
	      000
	      567
	0x4    ..
	0x47  . .
	0x50  ..

	rows: domains, columns: adapters (hex ids, read downwards)
	. free: an mdev could take it now   blank: not free
	EOF
	run -0 lszap --free --matrix --mode accel
	assert_output - <<-EOF
	      0
	      7
	0x4   .
	0x47  .

	rows: domains, columns: adapters (hex ids, read downwards)
	. free: an mdev could take it now   blank: not free
	EOF
	run -0 lszap --free -x --type CEX5C
	assert_output ""
}

@test "lszap --free -o help, -o, -V, -n, -r" {
	free_tree
	run -0 lszap --free -o help -r -n
	assert_output - <<-'EOF'
	APQN default free\x20queue:\x20adapter.domain\x20in\x20hex\x20(05.0047)
	ADAPTER - adapter\x20id\x20in\x20hex
	DOMAIN - domain\x20id\x20in\x20hex
	TYPE default card\x20type\x20as\x20zcrypt\x20names\x20it\x20(CEX8C)
	MODE default CCA-Coproc,\x20EP11-Coproc,\x20Accelerator\x20or\x20Unknown
	DRIVER - vfio_ap,\x20or\x20-\x20when\x20unbound
	HWTYPE verbose compatible\x20hardware\x20type\x20of\x20the\x20card
	EOF
	run -0 lszap --free -V -a 7
	assert_output - <<-EOF
	APQN    TYPE  MODE        HWTYPE
	07.0004 CEX6A Accelerator     12
	07.0047 CEX6A Accelerator     12
	EOF
	run -0 lszap --free -r -n -o ADAPTER,DOMAIN,DRIVER -a 6
	assert_output - <<-EOF
	0x6 0x4 vfio_ap
	0x6 0x50 vfio_ap
	EOF
	run -1 lszap --free -o OWNER
	assert_output --partial "lszap: unknown column: OWNER"
}

@test "lszap --free --persistent: free after the next boot" {
	free_tree "rules apmask=all aqmask=0-3,0x50"
	run -0 lszap --free --persistent -r -n -o APQN
	assert_output - <<-EOF
	05.0004
	05.0047
	06.0004
	07.0004
	07.0047
	EOF
}

@test "lszap --free: ids above the maximum exit 2, bad lists exit 1" {
	free_tree "bus max_adapter=63 max_domain=85"
	run -2 lszap --free -a 64
	assert_output --partial "64"
	run -2 lszap --free -d 86
	assert_output --partial "86"
	run -1 lszap --free -a 05
	run -1 lszap --free -d x
}

@test "lszap --free: the options it refuses, before reading anything" {
	export SYSFS_ROOT=/nonexistent
	run -1 lszap --type CEX8C
	assert_output --partial "lszap: --type requires --free"
	run -1 lszap --mode cca -M
	assert_output --partial "lszap: --mode requires --free"
	run -1 lszap --free --mode cex
	assert_output --partial "lszap: unknown mode 'cex': use cca, ep11 or accel"
	run -1 lszap --free --type 'CEX 8'
	assert_output --partial "lszap: invalid card type 'CEX 8'"
	run -1 lszap --free --type CEX8CCCCCCCCCCCCCCCC
	assert_output --partial "invalid card type"
	run -1 lszap --free -M
	assert_output --partial "lszap: Only one of --free or --mdevs can be specified"
	run -1 lszap --free --check
	assert_output --partial "Only one of --free or --check can be specified"
	run -1 lszap --free -m "$A"
	assert_output --partial "Only one of --free or --mdev can be specified"
	run -1 lszap --free --owner free
	assert_output --partial "Only one of --free or --owner can be specified"
	run -1 lszap --free -x -j
	assert_output --partial "Only one of --matrix or --json can be specified"
}

@test "lszap --free: an unreadable queue attribute is named, exit 2" {
	free_tree
	echo x > "$SYSFS_ROOT/devices/ap/card07/07.0047/config"
	# unknown, as on kernels without the attribute: not excluded
	run -2 --separate-stderr lszap --free -r -n -o APQN -a 7
	assert_output - <<-EOF
	07.0004
	07.0047
	EOF
	[ "$stderr" = "lszap: $SYSFS_ROOT/devices/ap/card07/07.0047/config: invalid content" ]
}

@test "lszap --free: no AP bus, exit 2" {
	export SYSFS_ROOT=/nonexistent
	run -2 lszap --free
	assert_output --partial "no AP bus"
}

# complete_words WORD...: the completion's candidates for "lszap WORD...".
complete_words() {
	# shellcheck source=/dev/null
	source "$ZAP_TOP/completions/lszap"
	COMP_WORDS=(lszap "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_lszap
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}

@test "lszap --free: completion of --type, --mode and the free view's columns" {
	free_tree
	run -0 complete_words --free --type ""
	assert_output - <<-EOF
	CEX4C
	CEX6A
	CEX7P
	CEX8C
	EOF
	run -0 complete_words --free --type CEX7
	assert_output "CEX7P"
	run -0 complete_words --free --mode ""
	assert_output - <<-EOF
	accel
	cca
	ep11
	EOF
	run -0 complete_words --free -o DR
	assert_output "DRIVER"
	run -0 complete_words --free -o +HW
	assert_output "+HWTYPE"
	run -0 complete_words --fr
	assert_output "--free"
}

@test "lszap --free: nothing is written" {
	free_tree
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	for args in "" -j -x "--mode cca" "--type CEX7P" "--persistent"; do
		run lszap --free $args
	done
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
