#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 34-chzap-auto.bats - chzap --create --auto NxM and -m UUID --auto
# domains+M / adapters+N (the old 0xM / Nx0 with a note): the block chosen
# (the documented rule: one type and mode first, lowest ids, mixed kinds last), the choice on stderr and the writes on
# stdout of a dry run, -q, the --type, --mode, -a and -d filters, growth
# by domains and by adapters, no block (exit 3, the largest blocks named),
# -P choosing among the queues free after a reboot, the examples of
# chzap.8's ALLOCATION, and bad input.

N=12345678-1234-4234-8234-123456789abc

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	TYPE_DIR=devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
}

# Five adapters of three kinds, domains 4-7 in the vfio_ap pool: adapter 3
# a CEX7P (EP11), 5, 6 and 7 CEX8C (CCA), 9 a CEX8A (accelerator). Mdev A
# holds 06.0004, mdev B is empty. Extra lines from the arguments.
auto_machine() {
	cat <<-EOF
	bus aqmask=0-3
	adapter 3 hwtype=13 mode=ep11 domains=4-7
	adapter 5 hwtype=14 mode=cca domains=4-7
	adapter 6 hwtype=14 mode=cca domains=4-7
	adapter 7 hwtype=14 mode=cca domains=4,5
	adapter 9 hwtype=14 mode=accel domains=4-7
	mdev $A adapters=6 domains=4 control=none
	mdev $B adapters=none domains=none control=none
	EOF
	printf '%s\n' "$@"
}

# The machine of chzap.8's ALLOCATION examples: domains 4 and 0x47 in the
# pool, on adapters 5 and 6; adapter 7 has only domain 4 of them.
man_machine() {
	cat <<-EOF
	bus aqmask=0-3,5-70,72-255
	adapter 5 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 6 hwtype=14 mode=cca domains=1,2,4,0x47
	adapter 7 hwtype=14 mode=cca domains=1,2,4
	EOF
	printf '%s\n' "$@"
}

# choice ARGS...: the line --auto prints for a dry run of "chzap -n ARGS"
# (stderr); its exit status must be 0.
choice() {
	local err="$BATS_TEST_TMPDIR/choice.err"

	chzap -n "$@" > /dev/null 2> "$err" || { cat "$err"; return 1; }
	cat "$err"
}

@test "chzap --help lists --auto, --type and --mode, and both --auto synopses" {
	run chzap --help
	assert_success
	assert_output --partial "    --auto NxM "
	assert_output --partial "    --type TYPE "
	assert_output --partial "    --mode MODE "
	assert_output --partial "chzap --create --auto NxM [--type TYPE] [--mode MODE]"
	assert_output --partial "chzap -m UUID --auto domains+M|adapters+N [--type TYPE]"
}

@test "chzap --create --auto -n: the choice on stderr, the create and ap_config on stdout, nothing written" {
	zap_tree - < <(auto_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run --separate-stderr chzap -n --create --auto 2x2 -m "$N"
	assert_success
	[ "$stderr" = "chzap: --auto 2x2 chose adapters 0x5,0x6 x domains 0x5,0x6: 05.0005 05.0006 06.0005 06.0006" ]
	assert_output - <<-EOF
	echo $N > $SYSFS_ROOT/$TYPE_DIR/create
	echo $(mask 5 6),$(mask 5 6),$(mask) > $(zap_mdev_dir "$N")/ap_config
	EOF
	run --separate-stderr chzap -q -n --create --auto 2x2 -m "$N"
	assert_success
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 2 ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create --auto: the same choice every time" {
	zap_tree - < <(auto_machine)
	first=$(chzap -n --create --auto 3x2 -m "$N" 2>&1)
	for i in 1 2 3; do
		[ "$(chzap -n --create --auto 3x2 -m "$N" 2>&1)" = "$first" ]
	done
}

@test "chzap --create --auto: one kind first (lowest adapter first), kinds mixed only as a last resort" {
	zap_tree - < <(auto_machine)
	# adapter 3 is alone of its kind: the CEX8C group gives 2x2
	run choice --create --auto 2x2
	assert_output "chzap: --auto 2x2 chose adapters 0x5,0x6 x domains 0x5,0x6: 05.0005 05.0006 06.0005 06.0006"
	# no kind has three adapters sharing two domains: mixed, lowest ids
	run choice --create --auto 3x2
	assert_output "chzap: --auto 3x2 chose adapters 0x3,0x5,0x6 x domains 0x5,0x6: 03.0005 03.0006 05.0005 05.0006 06.0005 06.0006"
	# 06.0004 is mdev A's: the lowest domains free on both are taken
	run choice --create --auto 1x4
	assert_output "chzap: --auto 1x4 chose adapters 0x3 x domains 0x4-0x7: 03.0004 03.0005 03.0006 03.0007"
}

@test "chzap --create --auto --mode, --type, -a and -d narrow the search" {
	zap_tree - < <(auto_machine)
	run choice --create --auto 1x2 --mode ep11
	assert_output "chzap: --auto 1x2 chose adapters 0x3 x domains 0x4,0x5: 03.0004 03.0005"
	run choice --create --auto 1x1 --type cex8a
	assert_output "chzap: --auto 1x1 chose adapters 0x9 x domains 0x4: 09.0004"
	run choice --create --auto 2x1 --type CEX8C --mode cca -a 6,7
	assert_output "chzap: --auto 2x1 chose adapters 0x6,0x7 x domains 0x5: 06.0005 07.0005"
	run choice --create --auto 2x2 -d 6-7
	assert_output "chzap: --auto 2x2 chose adapters 0x5,0x6 x domains 0x6,0x7: 05.0006 05.0007 06.0006 06.0007"
	run choice --create --auto 1x1 --mode accel -d 7 -a 0x9
	assert_output "chzap: --auto 1x1 chose adapters 0x9 x domains 0x7: 09.0007"
}

@test "chzap --create --auto: an APQN of an autostart definition, the host's, a checkstopped queue are not free" {
	zap_tree - < <(auto_machine "define $C start=auto adapters=3 domains=4 control=none" \
		"queue 03.0005 chkstop=1")
	run choice --create --auto 1x2 --mode ep11
	assert_output "chzap: --auto 1x2 chose adapters 0x3 x domains 0x6,0x7: 03.0006 03.0007"
	# a manual definition does not hold its APQNs: a warning
	zap_tree - < <(auto_machine "define $C start=manual adapters=3 domains=4 control=none")
	run --separate-stderr chzap -n --create --auto 1x1 --mode ep11 -m "$N"
	assert_success
	[ "${stderr_lines[0]}" = "chzap: --auto 1x1 chose adapters 0x3 x domains 0x4: 03.0004" ]
	[[ ${stderr_lines[1]} == "chzap: warning: manual definition $C names APQNs of mdev $N"* ]]
}

@test "chzap --create --auto: no block: exit 3, the largest blocks named, nothing written" {
	zap_tree - < <(auto_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --create --auto 5x4
	assert_failure 3
	assert_output "chzap: no free block of 5 adapters x 4 domains; the largest there are: 3 adapters x 4 domains (adapters 0x3,0x5,0x9) and 5 adapters x 1 domain (domains 0x5)"
	run chzap -n --create --auto 2x5
	assert_failure 3
	assert_output "chzap: no free block of 2 adapters x 5 domains; the largest there is: 2 adapters x 4 domains (domains 0x4-0x7)"
	run chzap --create --auto 2x2 --type CEX9C
	assert_failure 3
	assert_output "chzap: no free block of 2 adapters x 2 domains; no adapter has 2 domains free, and no 2 adapters share a free domain"
	run chzap --create --auto 1x1 --mode ep11 -d 8
	assert_failure 3
	assert_output "chzap: no free block of 1 adapter x 1 domain; there is no free APQN to choose from"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create --auto -P: a definition of the block, the UUID on stdout, the choice on stderr" {
	zap_tree - < <(auto_machine)
	run --separate-stderr chzap -P --create --auto 1x2 --mode ep11 -m "$C"
	assert_success
	assert_output "$C"
	[ "$stderr" = "chzap: --auto 1x2 chose adapters 0x3 x domains 0x4,0x5: 03.0004 03.0005" ]
	run lszap -r -n -M -o UUID,ADAPTERS,DOMAINS,ACTIVE,AUTOSTART -m "$C"
	assert_output "$C 0x3 0x4,0x5 no yes"
	# taken now: the next block is another one
	run choice -P --create --auto 1x2 --mode ep11
	assert_output "chzap: --auto 1x2 chose adapters 0x3 x domains 0x6,0x7: 03.0006 03.0007"
}

@test "chzap --create --auto -P chooses among the queues free after a reboot" {
	# 41-ap.rules gives domain 4 to the host at boot
	zap_tree - < <(auto_machine "rules apmask=all aqmask=0-4")
	run choice --create --auto 1x1 --mode cca
	assert_output "chzap: --auto 1x1 chose adapters 0x5 x domains 0x4: 05.0004"
	run choice -P --create --auto 1x1 --mode cca
	assert_output "chzap: --auto 1x1 chose adapters 0x5 x domains 0x5: 05.0005"
	# -p takes the live choice; the persistent check refuses it
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -p --create --auto 1x1 --mode cca -m "$N"
	assert_failure 3
	assert_line --index 1 --partial "would hold APQNs the host gets at boot (41-ap.rules)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --create --auto --json: the UUID and the APQNs assigned; nothing on stderr" {
	zap_tree - < <(auto_machine)
	command -v jq > /dev/null || skip "jq is not installed"
	run --separate-stderr chzap --json -P --create --auto 1x1 --type CEX8A
	assert_success
	[ -z "$stderr" ]
	uuid=$(jq -r .uuid <<< "$output")
	[ -e "$ZAP_ROOT/etc/mdevctl.d/matrix/$uuid" ]
	run jq -c '[.changed, .assigned, .refused, .error]' <<< "$output"
	assert_output '[true,["09.0004"],[],null]'
	run chzap --json --create --auto 9x9
	assert_failure 3
	run jq -c '[.changed, .writes, .refused]' <<< "$output"
	assert_output '[false,[],[]]'
	run jq -r .error <<< "$(chzap --json --create --auto 9x9)"
	assert_output --partial "no free block of 9 adapters x 9 domains"
}

@test "chzap -m UUID --auto domains+M: M more domains free on all its adapters" {
	zap_tree - < <(auto_machine)
	run --separate-stderr chzap -m "$A" --auto domains+2
	assert_success
	assert_output ""
	[ "$stderr" = "chzap: --auto domains+2 chose adapters 0x6 x domains 0x5,0x6: 06.0005 06.0006" ]
	run ap_config "$A"
	assert_output "$(mask 6),$(mask 4 5 6),$(mask)"
	# -d narrows the domains it may take
	run --separate-stderr chzap -q -m "$A" --auto domains+1 -d 7
	assert_success
	[ -z "$stderr" ]
	run ap_config "$A"
	assert_output "$(mask 6),$(mask 4 5 6 7),$(mask)"
}

@test "chzap -m UUID --auto 0xM and Nx0, the old growth forms: done, with a note of how they were read" {
	zap_tree - < <(auto_machine)
	run --separate-stderr chzap -n -m "$A" --auto 0x10 -d 5
	assert_failure 3
	[ "${stderr_lines[0]}" = "chzap: note: --auto 0x10 read as 10 more usage domains (decimal, not hex); write --auto domains+10" ]
	run --separate-stderr chzap -m "$A" --auto 0x2
	assert_success
	[ "${stderr_lines[0]}" = "chzap: note: --auto 0x2 read as 2 more usage domains (decimal, not hex); write --auto domains+2" ]
	[ "${stderr_lines[1]}" = "chzap: --auto 0x2 chose adapters 0x6 x domains 0x5,0x6: 06.0005 06.0006" ]
	run --separate-stderr chzap -n -m "$A" --auto 1x0
	assert_success
	[ "${stderr_lines[0]}" = "chzap: note: --auto 1x0 read as 1 more adapter (decimal, not hex); write --auto adapters+1" ]
	run --separate-stderr chzap -n -m "$A" --auto domain+1
	assert_success
	[ "${stderr_lines[0]}" = "chzap: --auto domains+1 chose adapters 0x6 x domains 0x7: 06.0007" ]
	run --separate-stderr chzap -q -m "$A" --auto 0x1
	assert_success
	[ -z "$stderr" ]
	run ap_config "$A"
	assert_output "$(mask 6),$(mask 4 5 6 7),$(mask)"
}

@test "chzap -m UUID --auto adapters+N: N more adapters with all its domains free, its own kind first" {
	zap_tree - < <(auto_machine)
	run choice -m "$A" --auto adapters+1
	assert_output "chzap: --auto adapters+1 chose adapters 0x5 x domains 0x4: 05.0004"
	run choice -m "$A" --auto adapters+2
	assert_output "chzap: --auto adapters+2 chose adapters 0x5,0x7 x domains 0x4: 05.0004 07.0004"
	# not enough CEX8C: the lowest of all kinds
	run choice -m "$A" --auto adapters+3
	assert_output "chzap: --auto adapters+3 chose adapters 0x3,0x5,0x7 x domains 0x4: 03.0004 05.0004 07.0004"
	run choice -m "$A" --auto adapters+1 -a 9
	assert_output "chzap: --auto adapters+1 chose adapters 0x9 x domains 0x4: 09.0004"
	run chzap -q -m "$A" --auto adapters+1
	assert_success
	run ap_config "$A"
	assert_output "$(mask 5 6),$(mask 4),$(mask)"
}

@test "chzap -m UUID --auto: cannot grow: exit 3, how far it could, nothing written" {
	zap_tree - < <(auto_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -m "$A" --auto domains+4
	assert_failure 3
	assert_output "chzap: mdev $A cannot grow by 4 domains: only 3 domains (0x5-0x7) are free on all its adapters"
	run chzap -m "$A" --auto adapters+5
	assert_failure 3
	assert_output "chzap: mdev $A cannot grow by 5 adapters: only 4 adapters (0x3,0x5,0x7,0x9) have all its domains free"
	run chzap -m "$A" --auto adapters+1 --type CEX9C
	assert_failure 3
	assert_output "chzap: mdev $A cannot grow by 1 adapter: no adapter has all its domains free"
	run chzap -m "$B" --auto domains+1
	assert_failure 3
	assert_output "chzap: mdev $B has no adapters to grow from: assign adapters first (--mdev $B -a LIST)"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap -m UUID --auto -p and -P: the definition grows too, or alone" {
	zap_tree - < <(auto_machine "define $C start=manual adapters=5 domains=5 control=none")
	run chzap -q -p -m "$A" --auto domains+1
	assert_success
	run ap_config "$A"
	assert_output "$(mask 6),$(mask 4 5),$(mask)"
	run lszap -r -n -M -o UUID,DOMAINS,DEFINED -m "$A"
	assert_output "$A 0x4,0x5 yes"
	# a defined-only mdev grows from its definition
	run --separate-stderr chzap -P -m "$C" --auto domains+2
	assert_success
	[ "$stderr" = "chzap: --auto domains+2 chose adapters 0x5 x domains 0x4,0x6: 05.0004 05.0006" ]
	run lszap -r -n -M -o UUID,DOMAINS,ACTIVE -m "$C"
	assert_output "$C 0x4-0x6 no"
}

@test "chzap --auto: the target is checked first: unknown mdev, no vfio_ap, an unfinished change" {
	zap_tree - < <(auto_machine)
	run chzap -m "$C" --auto domains+1
	assert_failure 2
	assert_output "chzap: no mdev $C"
	run chzap --create --auto 1x1 -m "$A"
	assert_failure 3
	assert_output "chzap: mdev $A exists already"
	mkdir -p "$ZAP_ROOT/run/zap"
	printf 'zap-journal 1\npid %s\nchange to-vfio -\n' "$(sh -c 'echo $$')" > "$ZAP_ROOT/run/zap/journal"
	run chzap -n --create --auto 1x1
	assert_failure 3
	assert_output --partial "an unfinished change (to-vfio -) of process"
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=4-7
	drivers vfio_ap=no
	EOF
	run chzap --create --auto 1x1
	assert_failure 2
	assert_output "chzap: vfio_ap is not loaded (no $SYSFS_ROOT/devices/vfio_ap/matrix): modprobe vfio_ap"
}

@test "chzap --auto: bad input is a usage error (exit 1), nothing written" {
	zap_tree - < <(auto_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	for bad in "" x 2 2x x2 2X2 02x1 1x01 257x1 1x257 1x1x1 -1x1 +1x1 " 1x1" 0x0x1 \
		domains+ domains+01 domains+0x4 domains+257 adapters+-1 adapters2 +4 Domains+1; do
		run chzap --create --auto "$bad"
		assert_failure 1
		assert_line --index 0 "chzap: invalid --auto '$bad': give NxM, N adapters by M usage domains (2x4), or domains+M or adapters+N to grow an mdev, each 0 to 256"
	done
	run chzap --create --auto 0x2
	assert_failure 1
	assert_line --index 0 "chzap: --create --auto needs NxM with N and M from 1 (N adapters by M usage domains)"
	run chzap --create --auto 2x0
	assert_failure 1
	run chzap -m "$A" --auto 2x2
	assert_line --index 0 "chzap: --mdev --auto grows an mdev one way: domains+M adds M usage domains, adapters+N adds N adapters"
	run chzap -m "$A" --auto domains+0
	assert_failure 1
	run chzap --auto 1x1
	assert_line --index 0 "chzap: --auto needs --create, or --mdev UUID to grow an mdev"
	for mode in "--remove -m $A" "-u -m $A" "--vfio" "--host" "--autostart yes -m $A"; do
		run chzap $mode --auto 1x1
		assert_failure 1
		assert_line --index 0 "chzap: --auto goes only with --create, or with --mdev UUID to grow an mdev"
	done
	run chzap --create --auto 1x1 -c 4
	assert_line --index 0 "chzap: --auto takes no --control-domain: assign control domains with --mdev UUID -c LIST"
	run chzap --create --type CEX8C -a 5 -d 4
	assert_line --index 0 "chzap: --type needs --auto"
	run chzap --create --mode cca
	assert_line --index 0 "chzap: --mode needs --auto"
	run chzap --create --auto 1x1 --mode CCA
	assert_line --index 0 "chzap: invalid --mode 'CCA': give cca, ep11 or accel"
	for bad in "" "CEX 8C" "CEX8C;" "CEX8CCCCCCCCCCCCC"; do
		run chzap --create --auto 1x1 --type "$bad"
		assert_line --index 0 "chzap: invalid --type '$bad': give a card type as lszap -A shows it (CEX8C)"
	done
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

# ------------------------------------------------- the examples of chzap.8

# The ALLOCATION section as text, its wrapped example lines joined.
man_allocation() {
	MANWIDTH=200 man -l "$ZAP_TOP/man/chzap.8" 2> /dev/null |
		sed -n '/^ALLOCATION/,/^RECOVERY/p'
}

@test "chzap.8 ALLOCATION examples are true: the choice, no block, no growth" {
	command -v man > /dev/null || skip "man is not installed"
	text=$(man_allocation)
	zap_tree - < <(man_machine)
	run choice --create --auto 2x2
	want=$(grep -A1 -E '^ +chzap: --auto 2x2 chose' <<< "$text" | sed 's/^ *//' | tr '\n' ' ' | sed 's/ $//')
	[ "$output" = "$want" ] || { printf 'says:  %s\ngives: %s\n' "$want" "$output"; return 1; }
	run chzap --create --auto 3x2
	assert_failure 3
	want=$(grep -A2 -E '^ +chzap: no free block of 3' <<< "$text" | sed 's/^ *//' | tr '\n' ' ' | sed 's/ $//')
	[ "$output" = "$want" ] || { printf 'says:  %s\ngives: %s\n' "$want" "$output"; return 1; }
	zap_tree - < <(man_machine "mdev $A adapters=5,6 domains=4 control=none")
	run chzap -m "$A" --auto domains+2
	assert_failure 3
	grep -qF "(mdev UUID cannot grow by 2 domains: only 1 domain (0x47) is free on all its adapters)" <<< "$(tr '\n' ' ' <<< "$text" | tr -s ' ')"
	assert_output "chzap: mdev $A cannot grow by 2 domains: only 1 domain (0x47) is free on all its adapters"
}

@test "chzap.8 EXAMPLES: the --auto command lines are accepted (dry runs)" {
	command -v man > /dev/null || skip "man is not installed"
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=4-9
	adapter 6 hwtype=14 mode=cca domains=4-9
	mdev $C adapters=5,6 domains=9 control=none
	EOF
	examples=$(MANWIDTH=200 man -l "$ZAP_TOP/man/chzap.8" 2> /dev/null |
		sed -n '/^EXAMPLES/,/Worked example/p' | grep -E '^ +# .*--auto')
	[ "$(wc -l <<< "$examples")" -eq 2 ]
	create=$(grep -oE 'chzap -p --create --auto [^)]*' <<< "$examples")
	run --separate-stderr chzap -n ${create#chzap }
	assert_success
	[ "$stderr" = "chzap: --auto 2x4 chose adapters 0x5,0x6 x domains 0x4-0x7: 05.0004 05.0005 05.0006 05.0007 06.0004 06.0005 06.0006 06.0007" ]
	U=$C
	grow=$(grep -oE 'chzap -p -m \$U --auto .*' <<< "$examples")
	run eval "chzap -n ${grow#chzap }"
	assert_success
}
