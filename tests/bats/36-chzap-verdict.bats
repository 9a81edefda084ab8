#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 36-chzap-verdict.bats - chzap refuses what lszap --check reports: a change
# is judged by auditing the configuration it would make, so for each change
# below the refusal (or warning) of chzap and the problem --check finds in
# that configuration are the same, with the same culprits. The three cases
# an adversarial review found where the two disagreed come first.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
}

D=dddddddd-0000-4000-8000-000000000004

# Adapters 2 and 4 (CEX8C), domains 5-7; the host keeps domains 0-4. Mdev A
# holds 02.0006, mdev B holds 02.0007. Extra lines come from the arguments.
verdict_machine() {
	cat <<-EOF
	bus aqmask=0-4
	adapter 2 hwtype=14 mode=cca domains=1,5-7
	adapter 4 hwtype=14 mode=cca domains=1,5-7
	mdev $A adapters=2 domains=6 control=none
	mdev $B adapters=2 domains=7 control=none
	EOF
	printf '%s\n' "$@"
}

# kinds: the KIND, APQNS and MDEVS columns of lszap --check, sorted; its
# exit code.
kinds() {
	local out rc=0

	out=$(lszap --check -r -n -o KIND,APQNS,MDEVS) || rc=$?
	# the not-persistent warnings of mdevs without definition are not
	# what these tests are about
	out=$(printf '%s\n' "$out" | grep -v '^not-persistent ' || true)
	[ -z "$out" ] || printf '%s\n' "$out" | sort
	return "$rc"
}

@test "chzap -P --create of a definition holding an active mdev's APQN is refused, as --check reports shared-apqn" {
	zap_tree - < <(verdict_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -P --create -m "$D" -a 2 -d 7
	assert_failure 3
	assert_output "chzap: autostart definition $D would share APQNs with mdev $B: 02.0007"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	# the configuration it would have made
	zap_tree - < <(verdict_machine "define $D start=auto adapters=2 domains=7 control=none")
	run -3 kinds
	assert_output "shared-apqn 02.0007 $B,$D"
}

@test "chzap -P --create on adapters the host has now but vfio_ap gets at boot is accepted with a warning, as --check reports drift, not host-apqn" {
	# the active masks give 04.0005 to the host, 41-ap.rules to vfio_ap
	zap_tree - < <(verdict_machine "bus apmask=4 aqmask=0-5" \
		"rules apmask=none aqmask=0-4")
	run chzap -P --create -m "$D" -a 4 -d 5
	assert_success
	assert_line "chzap: warning: autostart definition $D holds APQNs that the active apmask/aqmask give to the host: it can start only after a reboot (the boot masks give them to vfio_ap): 04.0005"
	[ -f "$ZAP_ROOT/etc/mdevctl.d/matrix/$D" ]
	run -3 kinds
	assert_line "drift 04.0005 $D"
	refute_line --partial "host-apqn"
	# at boot the definition starts: the persistent view has no problem with it
	run -0 lszap --persistent --check -r -n -o KIND,MDEVS
	drop_not_persistent
	refute_output --partial "$D"
}

@test "chzap -P -m A of an APQN the active mdev B holds is refused, as --check reports shared-apqn (not only drift)" {
	zap_tree - < <(verdict_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -P -m "$A" -d 7
	assert_failure 3
	assert_output "chzap: autostart definition $A would share APQNs with mdev $B: 02.0007"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	zap_tree - < <(verdict_machine "define $A start=auto adapters=2 domains=6,7 control=none")
	run -3 kinds
	assert_output - <<-EOF
	drift - $A
	shared-apqn 02.0007 $A,$B
	EOF
}

@test "chzap -P of control domains without a usage domain is refused, as --check reports control-without-usage" {
	zap_tree - < <(verdict_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap -P --create -m "$D" -c 5
	assert_failure 3
	assert_output "chzap: autostart definition $D would have control domains but no usage domain"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	zap_tree - < <(verdict_machine "define $D start=auto adapters=none domains=none control=5")
	run -3 kinds
	assert_output "control-without-usage - $D"
}

@test "chzap --host over an active mdev is refused, as --check reports host-apqn" {
	zap_tree - < <(verdict_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run chzap --host -d 7
	assert_failure 3
	assert_output "chzap: mdev $B holds APQNs this would give to the host (unassign them first): 02.0007"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
	zap_tree - < <(verdict_machine "bus aqmask=0-4,7")
	run -3 kinds
	assert_output "host-apqn 02.0007 $B"
}

@test "chzap of a change that adds no problem passes where --check stays clean" {
	zap_tree - < <(verdict_machine)
	run -0 kinds
	assert_output ""
	run -0 chzap -q -m "$A" -a 4 -d 5
	run -0 chzap -q -p -m "$B" -a 4
	run -0 kinds
	assert_output ""
}
