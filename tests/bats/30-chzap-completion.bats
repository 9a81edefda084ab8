#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-completion.bats - completions/chzap: the option words it offers
# are exactly the options `chzap --help` lists, and UUIDs and ids are
# completed live from a fixture tree through lszap.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	COMPLETION="$ZAP_TOP/completions/chzap"
}

# complete WORD...: source the completion, complete the last word of
# "chzap WORD...", print the candidates one per line, sorted.
complete_words() {
	bash -c '
		source "$1"
		shift
		COMP_WORDS=(chzap "$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_chzap
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
	' complete_words "$COMPLETION" "$@"
}

# The options of `chzap --help`, one per line, sorted.
help_options() {
	chzap --help | grep -oE '^ +(-[A-Za-z], )?--[a-z-]+' |
		tr -d ' ' | tr ',' '\n' | LC_ALL=C sort
}

# A tree with two active mdevs, one defined only, adapters 5 and 0x0a.
completion_machine() {
	cat <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 0x0a hwtype=13 mode=ep11 domains=1,4
	mdev $A adapters=5 domains=4 control=none
	mdev $B adapters=none domains=none control=none
	define $C start=manual adapters=none domains=none control=none
	EOF
}

@test "completion: the options offered for '-' are exactly those of --help" {
	run help_options
	assert_success
	[ "${#lines[@]}" -ge 20 ]
	help=$output
	run complete_words -
	assert_success
	assert_output "$help"
}

@test "completion: '--' offers the long options of --help" {
	run bash -c "chzap --help | grep -oE -- '--[a-z-]+' | LC_ALL=C sort -u"
	long=$output
	run complete_words --
	assert_success
	assert_output "$long"
}

@test "completion: a prefix narrows the options" {
	run complete_words --c
	assert_success
	assert_output - <<-EOF
	--control-domain
	--create
	EOF
	run complete_words -n --lock
	assert_output "--lock-timeout"
}

@test "completion: -m offers the active mdevs' UUIDs, from lszap" {
	zap_tree - < <(completion_machine)
	run complete_words -m ""
	assert_success
	assert_output - <<-EOF
	$A
	$B
	EOF
	run complete_words -u --mdev a
	assert_output "$A"
}

@test "completion: --create -m offers the mdevs only defined in mdevctl" {
	zap_tree - < <(completion_machine)
	run complete_words --create -m ""
	assert_success
	assert_output "$C"
}

@test "completion: --start -m offers the mdevs only defined in mdevctl" {
	zap_tree - < <(completion_machine)
	run complete_words --start -m ""
	assert_success
	assert_output "$C"
}

@test "completion: -a offers the adapters as 0x ids, within a list too" {
	zap_tree - < <(completion_machine)
	run complete_words -m "$A" -a ""
	assert_success
	assert_output - <<-EOF
	0x5
	0xa
	EOF
	run complete_words --vfio --adapter 0x5,
	assert_output - <<-EOF
	0x5,0x5
	0x5,0xa
	EOF
}

@test "completion: -d and -c offer the domains as 0x ids" {
	zap_tree - < <(completion_machine)
	run complete_words -m "$A" -d 0x4
	assert_success
	assert_output - <<-EOF
	0x4
	0x47
	EOF
	run complete_words -m "$A" -c ""
	assert_output - <<-EOF
	0x1
	0x4
	0x47
	EOF
}

@test "completion: offered ids are accepted by chzap" {
	zap_tree - < <(completion_machine)
	run complete_words --vfio -d ""
	for id in "${lines[@]}"; do
		run chzap -n --vfio -d "$id"
		assert_success
	done
}

@test "completion: no AP bus: nothing offered, nothing printed" {
	export SYSFS_ROOT="$BATS_TEST_TMPDIR/empty"
	mkdir -p "$SYSFS_ROOT"
	run --separate-stderr complete_words -m ""
	assert_success
	assert_output ""
	[ -z "$stderr" ]
	run --separate-stderr complete_words -a ""
	assert_output ""
	[ -z "$stderr" ]
}

@test "completion: nothing is offered after --lock-timeout" {
	run complete_words --lock-timeout ""
	assert_success
	assert_output ""
}

@test "completion: --autostart offers yes and no; --mode the three modes" {
	run complete_words --autostart ""
	assert_success
	assert_output - <<-EOF
	no
	yes
	EOF
	run complete_words --create --auto 1x1 --mode e
	assert_output "ep11"
	run complete_words --create --auto 1x1 --mode ""
	assert_output - <<-EOF
	accel
	cca
	ep11
	EOF
}

@test "completion: --type offers the card types lszap lists, once each" {
	zap_tree - < <(completion_machine)
	run complete_words --create --auto 1x1 --type ""
	assert_success
	assert_output - <<-EOF
	CEX7P
	CEX8C
	EOF
}

@test "completion: --recover= offers complete and undo; after --auto nothing for --create, domains+ and adapters+ for -m" {
	run complete_words --recover =
	assert_success
	assert_output - <<-EOF
	complete
	undo
	EOF
	run complete_words --recover = c
	assert_output "complete"
	run complete_words --recover=c
	assert_output "--recover=complete"
	run complete_words --create --auto ""
	assert_output ""
	run complete_words -m "$A" --auto ""
	assert_output - <<-EOF
	adapters+
	domains+
	EOF
	run complete_words -m "$A" --auto d
	assert_output "domains+"
}

@test "completion: -m offers every mdev with -P or --autostart, defined ones with --create" {
	zap_tree - < <(completion_machine)
	run complete_words -P -m ""
	assert_success
	assert_output - <<-EOF
	$A
	$B
	$C
	EOF
	run complete_words --autostart yes -m c
	assert_output "$C"
	run complete_words --create -P -m ""
	assert_output "$C"
}
