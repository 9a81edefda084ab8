#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-completion.bats - completions/lszap: it offers exactly the
# options of 'lszap --help' (so the two cannot drift apart), and completes
# mdev UUIDs, adapter and domain ids, APQNs, owners, formats and column
# names live from the tree SYSFS_ROOT points to.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	zap_tree "$MACHINES/demo.machine"
	# shellcheck source=/dev/null
	source "$ZAP_TOP/completions/lszap"
}

# complete WORD...: run the completion for "lszap WORD..." (the last word
# is the one being completed), print the candidates sorted, one a line.
complete_words() {
	COMP_WORDS=(lszap "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_lszap
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}

# The options 'lszap --help' lists, sorted, one a line.
help_options() {
	lszap --help | sed -n -e 's/^  \(-[A-Za-z]\), \(--[a-z-]*\).*/\1\n\2/p' \
		-e 's/^      \(--[a-z-]*\).*/\1/p' | LC_ALL=C sort
}

@test "completion: registered for lszap" {
	run -0 complete -p lszap
	assert_output "complete -F _lszap lszap"
}

@test "completion: offers exactly the options of lszap --help" {
	run -0 help_options
	[ "${#lines[@]}" -ge 20 ]
	expected=$output
	run -0 complete_words -
	assert_output "$expected"
}

@test "completion: long options by prefix" {
	run -0 complete_words --ad
	assert_output - <<-EOF
	--adapter
	--adapters
	EOF
}

@test "completion: -m and --owner complete the mdevs lszap -M lists" {
	run -0 complete_words -m ""
	assert_output - <<-EOF
	4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a
	62177883-f1bb-47f0-914d-32a22e3a8804
	cef03c3c-903d-4ecc-9a83-40694cb8aee4
	EOF
	run -0 complete_words --owner ""
	assert_line host
	assert_line vfio
	assert_line free
	assert_line cef03c3c-903d-4ecc-9a83-40694cb8aee4
	run -0 complete_words --mdev 6
	assert_output "62177883-f1bb-47f0-914d-32a22e3a8804"
}

@test "completion: -a and -d complete ids as 0x hex, the last element of a list" {
	run -0 complete_words -a ""
	assert_output - <<-EOF
	0x5
	0x6
	EOF
	run -0 complete_words -d 0xa
	assert_output "0xab"
	run -0 complete_words --domain 0x4,0xf
	assert_output "0x4,0xff"
}

@test "completion: the completed ids are accepted by lszap" {
	run -0 complete_words -d 0x47
	[ "$output" = 0x47 ]
	run -0 lszap -n -o APQN -d "$output"
	assert_output - <<-EOF
	05.0047
	06.0047
	EOF
}

@test "completion: APQN arguments from the queues present" {
	run -0 complete_words 06.00
	assert_output - <<-EOF
	06.0001
	06.0002
	06.0004
	06.0047
	06.00ab
	06.00ff
	EOF
}

@test "completion: -o completes the chosen view's columns, +COL and lists" {
	run -0 complete_words -o ST
	assert_output "STATUS"
	run -0 complete_words -A -o +AP
	assert_output "+APMASK"
	run -0 complete_words -M -o UUID,a
	assert_output - <<-EOF
	UUID,ACTIVE
	UUID,ADAPTERS
	UUID,APQNS
	UUID,AUTOSTART
	EOF
	run -0 complete_words -o he
	assert_output "help"
}

@test "completion: --format" {
	run -0 complete_words --format ""
	assert_output - <<-EOF
	json
	table
	EOF
}

@test "completion: no AP bus: no candidates, no error messages" {
	export SYSFS_ROOT=/nonexistent
	run -0 --separate-stderr complete_words -m ""
	assert_output ""
	[ -z "$stderr" ]
}
