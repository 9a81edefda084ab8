# SPDX-License-Identifier: MIT
# apsim.bash - zap's CLI tests on apsim, the FUSE emulator of the AP bus and
# vfio_ap (tests/apsim/README.md): mount a machine description as the sysfs
# of $BATS_TEST_TMPDIR/root (ZAP_ROOT), read apsim's model and write log,
# talk to its control channel, unmount in teardown.
#
# Use: setup() { load helper; zap_common_setup; load apsim; }
#      teardown() { apsim_stop; }
# It sources tests/apsim/helper.bash for apsim_require (skips with the
# reason without /dev/fuse, fusermount3 or root), ctl, put and mask; those
# work on $S, which apsim_start sets. APSIM=/path/to/apsim-asan with
# APSIM_FOREGROUND=1 runs apsim with -f in the background (stderr to
# $APSIM_LOG) and apsim_stop then checks that it exits with status 0.

APSIM=${APSIM:-$ZAP_TOP/tests/apsim/apsim}
load "$ZAP_TOP/tests/apsim/helper.bash"

# mask ID...: the kernel's text of a 256-bit mask with these ids set (as
# helper.bash's, without a subshell per digit: the tests call it often).
mask() {
	local -a nib
	local i id out

	for ((i = 0; i < 64; i++)); do
		nib[i]=0
	done
	for id in "$@"; do
		nib[id / 4]=$((nib[id / 4] | (8 >> (id % 4))))
	done
	printf -v out '%x' "${nib[@]}"
	echo "0x$out"
}

# apsim_cmdline: proc/cmdline of the emulated host, booted with the masks
# apsim starts with (the boot model of issue 14 reads them from there).
apsim_cmdline() {
	mkdir -p "$R/proc"
	echo "root=/dev/dasda1 ap.apmask=$(cat "$S/bus/ap/apmask") ap.aqmask=$(cat "$S/bus/ap/aqmask")" > "$R/proc/cmdline"
}

# apsim_start [LINE...]: mount the description (the lines given, else stdin)
# on $BATS_TEST_TMPDIR/root/sys; export ZAP_ROOT and SYSFS_ROOT; set R (the
# root), S (sysfs), M (the matrix device) and DESC (the description file).
# A mount already there is stopped first, and the root starts empty.
apsim_start() {
	local i

	apsim_require
	apsim_stop
	R="$BATS_TEST_TMPDIR/root"
	rm -rf "$R"
	mkdir -p "$R/sys"
	R=$(realpath "$R")
	S=$R/sys
	M=$S/devices/vfio_ap/matrix
	DESC="$BATS_TEST_TMPDIR/machine"
	if [ "$#" -gt 0 ]; then
		printf '%s\n' "$@" > "$DESC"
	else
		cat > "$DESC"
	fi
	export ZAP_ROOT="$R" SYSFS_ROOT="$S"
	# apsim gets no fd 3: bats waits for every holder of it to exit
	if [ -z "${APSIM_FOREGROUND:-}" ]; then
		"$APSIM" "$DESC" "$S" 3>&- || fail "apsim did not start on $DESC"
		APSIM_MOUNTED=$S
		apsim_cmdline
		return
	fi
	"$APSIM" -f "$DESC" "$S" 3>&- 2>>"${APSIM_LOG:-/dev/null}" &
	APSIM_PID=$!
	APSIM_MOUNTED=$S
	for ((i = 0; i < 100; i++)); do
		[ -e "$S/bus" ] && { apsim_cmdline; return; }
		sleep 0.05
	done
	fail "apsim did not mount $S"
}

# apsim_stop: unmount (a foreground apsim must then exit with 0).
apsim_stop() {
	local pid=${APSIM_PID:-}

	[ -n "${APSIM_MOUNTED:-}" ] || return 0
	fusermount3 -u "$APSIM_MOUNTED" 2>/dev/null ||
		fusermount3 -uz "$APSIM_MOUNTED"
	APSIM_MOUNTED='' APSIM_PID=''
	if [ -n "$pid" ]; then
		wait "$pid" || fail "apsim exited with status $?"
	fi
}

# apsim_state: apsim's model (bus, card, queue and mdev lines), read in one go.
apsim_state() {
	cat "$S/.apsim/state"
}

# state_line KEY: the state line that starts with KEY ("bus", "queue
# 05.0004", "mdev UUID"); fails if there is none.
state_line() {
	local line

	while IFS= read -r line; do
		if [ "$line" = "$1" ] || [[ "$line" == "$1 "* ]]; then
			echo "$line"
			return 0
		fi
	done < "$S/.apsim/state"
	echo "no state line '$1'" >&2
	return 1
}

# state_field KEY FIELD: the value of FIELD= on the state line of KEY.
state_field() {
	local line word

	line=$(state_line "$1") || return 1
	for word in $line; do
		if [[ "$word" == "$2="* ]]; then
			echo "${word#*=}"
			return 0
		fi
	done
	echo "no field $2 on '$line'" >&2
	return 1
}

# state_queues: one line "AA.DDDD DRIVER" per queue of apsim's model.
state_queues() {
	local kind apqn driver rest

	while read -r kind apqn driver rest; do
		[ "$kind" = queue ] && echo "$apqn ${driver#driver=}"
	done < "$S/.apsim/state"
}

# state_mdevs: the UUIDs of apsim's mdevs, one a line, sorted.
state_mdevs() {
	local kind uuid rest

	while read -r kind uuid rest; do
		[ "$kind" = mdev ] && echo "$uuid"
	done < "$S/.apsim/state" | LC_ALL=C sort
}

# assert_state_mdev UUID "ADAPTERS" "DOMAINS" "CONTROL" [GUEST]: apsim's
# mdev has exactly these ids (blank-separated decimal lists), and GUEST
# (yes/no) if given.
assert_state_mdev() {
	local line

	line=$(state_line "mdev $1") || fail "apsim has no mdev $1"
	# shellcheck disable=SC2086
	[[ "$line" == *" adapters=$(mask $2) domains=$(mask $3) control=$(mask $4) "* ]] ||
		fail "mdev $1: expected adapters ($2) domains ($3) control ($4), apsim has: $line"
	if [ -n "${5:-}" ]; then
		[[ "$line" == *" guest=$5 "* ]] ||
			fail "mdev $1: expected guest=$5, apsim has: $line"
	fi
}

# assert_no_state_mdev UUID: apsim has no such mdev.
assert_no_state_mdev() {
	if grep -q "^mdev $1 " "$S/.apsim/state"; then
		fail "apsim still has mdev $1"
	fi
}

# apsim_writes: apsim's write log with tabs shown as blanks: one line
# "PATH VALUE RESULT" per write since the last reset-log (a newline in the
# value shows as \n, RESULT is 0 or the errno name).
apsim_writes() {
	tr '\t' ' ' < "$S/.apsim/writes"
}

# assert_writes: apsim received exactly the writes on stdin (apsim_writes'
# form) since the last reset; then the log is reset for the next step.
assert_writes() {
	local expected actual

	expected=$(cat)
	actual=$(apsim_writes)
	if [ "$expected" != "$actual" ]; then
		printf 'expected writes:\n%s\napsim received:\n%s\n' \
			"$expected" "$actual"
		fail "apsim received other writes than expected"
	fi
	ctl reset-log
}

# assert_no_writes: apsim received no write since the last reset.
assert_no_writes() {
	assert_writes < /dev/null
}

# lszap_json FILE: lszap --json into FILE (fails the test if lszap fails).
lszap_json() {
	lszap --json > "$1" || fail "lszap --json failed with status $?"
}

# assert_same_json BEFORE AFTER: two lszap --json outputs are identical.
assert_same_json() {
	if ! cmp -s "$1" "$2"; then
		diff -u "$1" "$2" | head -40
		fail "lszap --json differs: $1 $2"
	fi
}

# assert_clean_run_dirs: no temporary file of the lock (s390apconfig.lock
# plus a PID) or of the journal (journal.PID) is left, the lock is not held
# and no journal is left.
assert_clean_run_dirs() {
	local f left=()

	for f in "$ZAP_ROOT"/run/lock/* "$ZAP_ROOT"/run/lock/.[!.]* \
		"$ZAP_ROOT"/run/zap/* "$ZAP_ROOT"/run/zap/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		left+=("${f#"$ZAP_ROOT"/}")
	done
	if [ "${#left[@]}" -gt 0 ]; then
		fail "left in $ZAP_ROOT/run: ${left[*]}"
	fi
}

# assert_no_lock_temp: the lock directory holds at most the lock itself.
assert_no_lock_temp() {
	local f

	for f in "$ZAP_ROOT"/run/lock/* "$ZAP_ROOT"/run/lock/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		[ "${f##*/}" = s390apconfig.lock ] ||
			fail "temporary file left in the lock directory: $f"
	done
}
