# SPDX-License-Identifier: MIT
# helper.bash - shared setup of zap's bats tests: libraries, the build tree
# on PATH, and fixture trees built by mkfixture in the test's temporary dir.

# Load bats-support/bats-assert, put the tools on PATH. Call from setup().
zap_common_setup() {
	local lib
	for lib in /usr/lib/bats /usr/lib/bats-core /usr/local/lib/bats; do
		if [ -f "$lib/bats-support/load.bash" ]; then
			load "$lib/bats-support/load.bash"
			load "$lib/bats-assert/load.bash"
			break
		fi
	done
	ZAP_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	# ZAP_TOOLS_DIR: run other builds of the tools (make bats-asan)
	export PATH="${ZAP_TOOLS_DIR:+$ZAP_TOOLS_DIR:}$ZAP_TOP/lszap:$ZAP_TOP/chzap:$ZAP_TOP/tests/machine:$PATH"
	MKFIXTURE="$ZAP_TOP/tests/machine/mkfixture"
	MACHINES="$ZAP_TOP/tests/machine"
	unset SYSFS_ROOT ZAP_ROOT
	# chzap's audit records and lszap --log's go to the test, never to
	# the machine's log
	export ZAP_LOG_FILE="$BATS_TEST_TMPDIR/zap-log"
}

# zap_tree DESC-FILE|- : build a fixture tree from a description file (or
# stdin) in $BATS_TEST_TMPDIR/root; export ZAP_ROOT and SYSFS_ROOT to it.
zap_tree() {
	local desc=$1
	R="$BATS_TEST_TMPDIR/root"
	rm -rf "$R"
	mkdir -p "$R"
	if [ "$desc" = "-" ]; then
		cat > "$BATS_TEST_TMPDIR/machine.desc"
		desc="$BATS_TEST_TMPDIR/machine.desc"
	fi
	"$MKFIXTURE" "$desc" "$R" || return 1
	export ZAP_ROOT="$R" SYSFS_ROOT="$R/sys"
}

# zap_snapshot FILE: record every file's path, type, link target and content
# hash under $R, to prove later that nothing was written.
zap_snapshot() {
	(cd "$R" && find . -printf '%p %y %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha1sum) > "$1"
}

# zap_assert_unchanged FILE: the tree is byte-for-byte what zap_snapshot saw.
zap_assert_unchanged() {
	local now="$BATS_TEST_TMPDIR/snapshot.now"
	zap_snapshot "$now"
	if ! cmp -s "$1" "$now"; then
		echo "tree changed:"
		diff "$1" "$now" | head -20
		return 1
	fi
}

# Path of mdev UUID's directory in the fixture tree.
zap_mdev_dir() {
	echo "$SYSFS_ROOT/devices/vfio_ap/matrix/$1"
}

# Drop the not-persistent warnings from $output and $lines: for tests of
# other --check kinds on machines whose mdevs have no definition.
drop_not_persistent() {
	output=$(printf '%s\n' "$output" |
		grep -v -e '^not-persistent\( \|$\)' -e 'it is gone after a reboot' \
			-e 'at the next boot (the active masks differ' || true)
	lines=()
	[ -z "$output" ] || mapfile -t lines <<< "$output"
}

# Drop chzap's note after a live-only change (lost at reboot) from $output,
# $lines and $stderr: for tests of other things on fixtures whose boot side
# differs from what the change makes.
drop_live_note() {
	local note='^chzap: note: this change is live only'

	output=$(printf '%s\n' "$output" | grep -v "$note" || true)
	lines=()
	[ -z "$output" ] || mapfile -t lines <<< "$output"
	if [ -n "${stderr+x}" ]; then
		stderr=$(printf '%s\n' "$stderr" | grep -v "$note" || true)
		stderr_lines=()
		[ -z "$stderr" ] || mapfile -t stderr_lines <<< "$stderr"
	fi
}
