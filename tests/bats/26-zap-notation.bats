#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 26-zap-notation.bats - one id notation: every id lszap and chzap print
# (ID, ADAPTER and DOMAIN columns, the id lists of -M, the matrix rows, -b,
# the --auto choice, the hints of refusals) is 0x hex, and each one, pasted
# back into -a, -d or an APQN argument, means the same thing.

bats_require_minimum_version 1.5.0

G1=62177883-f1bb-47f0-914d-32a22e3a8804

setup() {
	load helper
	zap_common_setup
	zap_tree "$MACHINES/demo.machine"
}

@test "notation: the ids lszap -A and -D print are 0x hex and select that id again" {
	local id n=0
	for id in $(lszap -A -r -n -o ID); do
		[[ $id == 0x* ]] || { echo "not 0x hex: $id"; return 1; }
		run -0 lszap -A -r -n -o ID -a "$id"
		assert_output "$id"
		n=$((n + 1))
	done
	for id in $(lszap -D -r -n -o ID); do
		[[ $id == 0x* ]] || { echo "not 0x hex: $id"; return 1; }
		run -0 lszap -D -r -n -o ID -d "$id"
		assert_output "$id"
		n=$((n + 1))
	done
	[ "$n" -eq 8 ]
}

@test "notation: ADAPTER, DOMAIN and APQN of every queue and free APQN select that queue again" {
	local apqn a d n=0
	while read -r apqn a d; do
		[[ $a == 0x* && $d == 0x* ]] || { echo "not 0x hex: $a $d"; return 1; }
		run -0 lszap -r -n -o APQN -a "$a" -d "$d"
		assert_output "$apqn"
		run -0 lszap -r -n -o APQN "$apqn"
		assert_output "$apqn"
		n=$((n + 1))
	done < <(lszap -r -n -o APQN,ADAPTER,DOMAIN; lszap --free -r -n -o APQN,ADAPTER,DOMAIN)
	[ "$n" -eq 12 ]
}

@test "notation: the id lists of lszap -M, pasted into chzap, are exactly the mdev's assignment" {
	local uuid adapters domains control n=0
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	while read -r uuid adapters domains control; do
		[[ $adapters == 0x* && $domains == 0x* ]] || { echo "not 0x hex: $adapters $domains"; return 1; }
		run -0 chzap -n -m "$uuid" -a "$adapters" -d "$domains"
		assert_output --partial "already in the requested state"
		# the lists select the mdev's APQNs in lszap too
		run -0 lszap -r -n -o MDEV -a "$adapters" -d "$domains" --owner "$uuid"
		[ "${#lines[@]}" -eq "$(lszap -M -r -n -o APQNS -m "$uuid")" ]
		n=$((n + 1))
	done < <(lszap -M -r -n -o UUID,ADAPTERS,DOMAINS,CONTROL)
	[ "$n" -eq 3 ]
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "notation: the matrix's row labels and -b's ids are 0x hex that -d and -a take" {
	local label n=0
	while read -r label; do
		run -0 lszap -D -r -n -o ID -d "$label"
		assert_output "$label"
		n=$((n + 1))
	done < <(lszap -x | sed -n 's/^\(0x[0-9a-f]*\) .*/\1/p')
	[ "$n" -eq 6 ]
	run -0 lszap -b
	assert_line "ap_domain: 0x1"
	assert_line "max_adapter_id: 0xff"
	assert_line "max_domain_id: 0xff"
	run -0 lszap -D -r -n -o ID,DEFAULT -d "$(lszap -b | sed -n 's/^ap_domain: //p')"
	assert_output "0x1 yes"
	run -0 lszap -A -r -n -a "$(lszap -b | sed -n 's/^max_adapter_id: //p')"
	assert_output ""
}

@test "notation: the ids of a refusal's hint and of an --auto choice mean what they say" {
	local hint list
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run -3 chzap -m "$G1" -d 1,2
	hint=$(sed -n "s/.*free them first with '\\(chzap --vfio -d [^']*\\)'.*/\\1/p" <<< "$output")
	[ "$hint" = "chzap --vfio -d 0x1,0x2" ] || { echo "hint: $hint"; return 1; }
	run -0 $hint -n
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	# the hint's ids are the domains of the host APQNs named
	list=${hint##* }
	run -0 lszap -r -n -o APQN --owner host -d "$list" -a 5,6
	assert_output - <<-EOF
	05.0001
	05.0002
	06.0001
	06.0002
	EOF
	chzap --vfio -q -d 1,2
	run --separate-stderr chzap -n --create --auto 2x2
	assert_success
	[[ $stderr =~ chose\ adapters\ ([^ ]*)\ x\ domains\ ([^:]*): ]]
	run -0 lszap --free -r -n -o APQN -a "${BASH_REMATCH[1]}" -d "${BASH_REMATCH[2]}"
	assert_output - <<-EOF
	05.0001
	05.0002
	06.0001
	06.0002
	EOF
}
