#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 20-lszap-golden.bats - every view and format of lszap on the demo machine
# (tests/machine/demo.machine, the kernel documentation's three guests),
# compared byte for byte with the outputs in 20-lszap-golden/. After an
# intended change, regenerate them with:
#   ZAP_ROOT=$R SYSFS_ROOT=$R/sys lszap ARGS > tests/bats/20-lszap-golden/NAME.txt

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
	zap_tree "$MACHINES/demo.machine"
	GOLDEN="$BATS_TEST_DIRNAME/20-lszap-golden"
}

# golden NAME ARGS...: lszap ARGS prints exactly 20-lszap-golden/NAME.txt.
golden() {
	local name=$1

	shift
	run -0 lszap "$@"
	assert_output - < "$GOLDEN/$name.txt"
}

@test "golden: lszap (queues)" {
	golden default
}

@test "golden: lszap -V" {
	golden verbose -V
}

@test "golden: lszap -r" {
	golden raw -r
}

@test "golden: lszap -A" {
	golden adapters -A
}

@test "golden: lszap -D" {
	golden domains -D
}

@test "golden: lszap -M" {
	golden mdevs -M
}

@test "golden: lszap -b" {
	golden bus -b
}

@test "golden: lszap -x" {
	golden matrix -x
}

@test "golden: lszap --json" {
	golden json --json
}

@test "golden: lszap --check is silent and exits 0" {
	run -0 lszap --check
	assert_output ""
}
