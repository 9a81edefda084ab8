#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 30-chzap-cli.bats - chzap's command line: --help and --version, every kind
# of bad input (unknown options, missing arguments, bad ids, lists, UUIDs,
# numbers, option combinations that mean nothing: exit 1 and nothing
# written), ids above 255 (exit 2), and a missing AP bus (exit 2).

bats_require_minimum_version 1.5.0

setup() {
	load helper
	load chzap
	zap_common_setup
	zap_tree - <<-EOF
	bus aqmask=0-3,5-255
	adapter 5 hwtype=14 mode=cca domains=1,4
	mdev $A adapters=none domains=none control=none
	EOF
	zap_snapshot "$BATS_TEST_TMPDIR/before"
}

# Run chzap with the arguments: it must exit 1 with the message $EXPECT
# (when set) and the --help hint, and write nothing.
usage_error() {
	run chzap "$@"
	if [ "$status" -ne 1 ]; then
		echo "chzap $*: expected exit 1, got $status: $output"
		return 1
	fi
	if [ -n "${EXPECT:-}" ] && [ "${lines[0]}" != "chzap: $EXPECT" ]; then
		echo "chzap $*: expected 'chzap: $EXPECT', got '${lines[0]}'"
		return 1
	fi
	if [ "${lines[1]}" != "Try 'chzap --help' for more information." ]; then
		echo "chzap $*: no --help hint: $output"
		return 1
	fi
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap --help: the synopsis of every mode, every option; exit 0" {
	run chzap --help
	assert_success
	assert_line --index 0 "Usage: chzap -m UUID [-a LIST] [-d LIST] [-c LIST]"
	assert_output --partial "chzap -u -m UUID [-a LIST] [-d LIST] [-c LIST]"
	assert_output --partial "chzap --create [-m UUID] [-a LIST] [-d LIST] [-c LIST]"
	assert_output --partial "chzap --remove -m UUID"
	assert_output --partial "chzap --vfio [-a LIST] [-d LIST]"
	assert_output --partial "chzap --host [-a LIST] [-d LIST]"
	for opt in "-m, --mdev UUID" "-u, --unassign" "--create" "--remove" \
		"--vfio" "--host" "-a, --adapter LIST" "-d, --domain LIST" \
		"-c, --control-domain LIST" "-n, --dry-run" "-f, --force" \
		"-q, --quiet" "-V, --verbose" "--lock-timeout SECONDS" \
		"-h, --help" "-v, --version"; do
		assert_output --partial "$opt"
	done
	run chzap -h
	assert_success
	assert_line --index 0 "Usage: chzap -m UUID [-a LIST] [-d LIST] [-c LIST]"
}

@test "chzap --help: no line wider than 80 columns" {
	run chzap --help
	assert_success
	for line in "${lines[@]}"; do
		[ "${#line}" -le 80 ] || { echo "too wide: $line"; return 1; }
	done
}

@test "chzap -v, --version: 'chzap (zap) VERSION', the library's version" {
	version=$(sed -n 's/^#define ZAP_VERSION "\(.*\)"$/\1/p' "$ZAP_TOP/include/zapconf.h")
	run chzap -v
	assert_success
	assert_output "chzap (zap) $version"
	run chzap --version
	assert_success
	assert_output "chzap (zap) $version"
}

@test "chzap: unknown options and missing arguments: exit 1, nothing written" {
	EXPECT="--bogus: unknown option" usage_error --bogus
	EXPECT="-x: unknown option" usage_error -x
	EXPECT="-a: missing argument" usage_error --vfio -a
	EXPECT="-d: missing argument" usage_error -m "$A" -d
	EXPECT="-c: missing argument" usage_error -m "$A" -c
	EXPECT="-m: missing argument" usage_error -a 5 -m
	EXPECT="--lock-timeout: missing argument" usage_error --vfio -a 5 --lock-timeout
	EXPECT="unexpected argument '05.0004'" usage_error -m "$A" 05.0004
	EXPECT="unexpected argument 'assign'" usage_error assign -m "$A" -a 5
}

@test "chzap: no mode and no mdev: exit 1" {
	EXPECT="no mode given: name the mdev to assign to (--mdev UUID), or use --create, --remove, --vfio or --host" \
		usage_error
	EXPECT="no mode given: name the mdev to assign to (--mdev UUID), or use --create, --remove, --vfio or --host" \
		usage_error -a 5 -d 0x47
}

@test "chzap: conflicting modes: exit 1 with the 'Only one of' message" {
	local msg="Only one of --create, --start, --remove, --unassign, --vfio, --host, --autostart, --ownership, --recover or --apply can be specified"

	EXPECT=$msg usage_error --vfio --host -a 5
	EXPECT=$msg usage_error --create --remove -m "$A"
	EXPECT=$msg usage_error -u --create -m "$A" -a 5
	EXPECT=$msg usage_error --remove --unassign -m "$A"
	EXPECT=$msg usage_error --host --vfio -d 4
	EXPECT=$msg usage_error --unassign --vfio -a 5
	EXPECT=$msg usage_error --create --host -a 5
}

@test "chzap: options a mode cannot take: exit 1" {
	EXPECT="--unassign needs --mdev UUID" usage_error -u -a 5
	EXPECT="--remove needs --mdev UUID" usage_error --remove
	EXPECT="--remove takes no --adapter, --domain or --control-domain" \
		usage_error --remove -m "$A" -a 5
	EXPECT="--remove takes no --adapter, --domain or --control-domain" \
		usage_error --remove -m "$A" -c 1
	EXPECT="Only one of --vfio or --mdev can be specified" \
		usage_error --vfio -m "$A" -a 5
	EXPECT="Only one of --host or --mdev can be specified" \
		usage_error --host -m "$A" -d 4
	EXPECT="--vfio takes no --control-domain: control domains are not in apmask/aqmask" \
		usage_error --vfio -c 4
	EXPECT="--host takes no --control-domain: control domains are not in apmask/aqmask" \
		usage_error --host -d 4 -c 4
	EXPECT="Only one of --quiet or --verbose can be specified" \
		usage_error -q -V --vfio -a 5
	EXPECT="Only one --mdev can be specified" \
		usage_error -m "$A" -m bbbbbbbb-0000-4000-8000-000000000002 -a 5
}

@test "chzap: nothing named: exit 1" {
	EXPECT="no ids given: use --adapter, --domain or --control-domain" \
		usage_error -m "$A"
	EXPECT="no ids given: use --adapter, --domain or --control-domain" \
		usage_error -u -m "$A" -n
	EXPECT="--vfio needs --adapter or --domain, or queues (AA.DDDD)" usage_error --vfio
	EXPECT="--host needs --adapter or --domain, or queues (AA.DDDD)" usage_error --host -f
}

@test "chzap: the same mode or UUID twice is fine" {
	run chzap --vfio --vfio -d 4
	assert_success
	run chzap -n -m "$A" -m "${A^^}" -a 5 -d 4
	assert_success
}

@test "chzap: leading zeros are refused as ambiguous, for every id option" {
	EXPECT="ambiguous adapter id '05': leading zero (write 5 or 0x5)" \
		usage_error -m "$A" -a 05
	EXPECT="ambiguous domain id '047': leading zero (write 71 or 0x47)" \
		usage_error -m "$A" -d 047
	EXPECT="ambiguous control domain id '00': leading zero (write 0 or 0x0)" \
		usage_error -m "$A" -c 00
	EXPECT="ambiguous domain id '010': leading zero (write 16 or 0x10)" \
		usage_error --vfio -d 1-010
	EXPECT="ambiguous adapter id '08': leading zero (write 8 or 0x8)" \
		usage_error --host -a 5,08
}

@test "chzap: malformed ids and lists: exit 1, nothing written" {
	local opt bad

	for opt in -a -d -c; do
		for bad in x 0x 0xg 5x 1.5 -1 5- -5 3-1 0x10-0x5 "," "5," ",5" 5,,6 \
			" 5" "5 " "" +5 0X; do
			usage_error -m "$A" "$opt" "$bad"
		done
	done
	EXPECT="invalid adapter range '6-5': end below start" \
		usage_error --vfio -a 6-5
	EXPECT="empty domain list" usage_error --vfio -d ""
	EXPECT="invalid domain id 'x'" usage_error --vfio -d x
}

@test "chzap: ids above 255: exit 2 (not found), nothing written" {
	run chzap -m "$A" -a 256
	assert_failure 2
	assert_output "chzap: adapter id '256' is above the maximum 0xff"
	run chzap --vfio -d 0x100
	assert_failure 2
	assert_output "chzap: domain id '0x100' is above the maximum 0xff"
	run chzap -m "$A" -c 1-300
	assert_failure 2
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: malformed UUIDs: exit 1, nothing written" {
	local bad

	for bad in 1234 "" aaaaaaaa-0000-4000-8000-00000000000 \
		aaaaaaaa-0000-4000-8000-0000000000011 \
		"{aaaaaaaa-0000-4000-8000-000000000001}" \
		aaaaaaaa00004000800000000000000001 \
		gaaaaaaa-0000-4000-8000-000000000001 \
		aaaaaaaa_0000_4000_8000_000000000001 \
		" aaaaaaaa-0000-4000-8000-000000000001"; do
		usage_error -m "$bad" -a 5
		usage_error --create -m "$bad"
		usage_error --remove -m "$bad"
	done
	EXPECT="invalid UUID '1234'" usage_error -m 1234 -a 5
}

@test "chzap --lock-timeout: whole seconds only: exit 1" {
	local bad

	for bad in x -1 1.5 "" " 1" 1s 0x10 4294968; do
		usage_error --lock-timeout "$bad" --vfio -a 5
	done
	EXPECT="invalid --lock-timeout 'soon': give whole seconds (0 to 4294967)" \
		usage_error --lock-timeout soon --vfio -a 5
}

@test "chzap: usage errors come before reading: exit 1 even without an AP bus" {
	export SYSFS_ROOT="$BATS_TEST_TMPDIR/empty"
	mkdir -p "$SYSFS_ROOT"
	run chzap --vfio --host -a 5
	assert_failure 1
	run chzap -m 1234 -a 5
	assert_failure 1
}

@test "chzap: no AP bus: exit 2 in every mode, nothing written" {
	export SYSFS_ROOT="$BATS_TEST_TMPDIR/empty"
	mkdir -p "$SYSFS_ROOT"
	for args in "-m $A -a 5" "-u -m $A -a 5" "--create" "--remove -m $A" \
		"--vfio -a 5" "--host -d 4" "-n --vfio -d 4"; do
		# shellcheck disable=SC2086
		run chzap $args
		assert_failure 2
		assert_output "chzap: no AP bus: $SYSFS_ROOT/bus/ap does not exist (no crypto adapters, or the ap module is not loaded)"
	done
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

@test "chzap: a malformed bus attribute: exit 2, nothing written" {
	echo "garbage" > "$SYSFS_ROOT/bus/ap/apmask"
	zap_snapshot "$BATS_TEST_TMPDIR/broken"
	run chzap --vfio -a 5
	assert_failure 2
	assert_output --partial "apmask"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/broken"
}

@test "chzap: an unreadable mdev attribute: exit 2, nothing written" {
	dir=$(zap_mdev_dir "$A")
	echo "0xnot-a-mask" > "$dir/ap_config"
	zap_snapshot "$BATS_TEST_TMPDIR/broken"
	run chzap -m "$A" -a 5 -d 4
	assert_failure 2
	assert_output --partial "$dir/ap_config"
	# no change at all on a configuration read incompletely
	run chzap --vfio -d 1
	assert_failure 2
	assert_output --partial "$dir/ap_config"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/broken"
}
