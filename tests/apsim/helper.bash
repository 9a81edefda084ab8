# SPDX-License-Identifier: MIT
# helper.bash - common part of apsim's self-tests: the bats libraries, the
# binary (${APSIM:-./apsim}), mounting a machine description in a temporary
# directory, and one-write helpers. APSIM_FOREGROUND=1 runs apsim with -f in
# the background (for sanitizer builds); its stderr goes to $APSIM_LOG.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

APSIM=${APSIM:-$BATS_TEST_DIRNAME/apsim}
U1=11111111-2222-3333-4444-555555555555
U2=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee

# The machine most tests use: the host owns domains 0-5 (aqmask), so the
# queues of domains 6 and 7 are bound to vfio_ap.
std_machine() {
	cat <<-EOF
	bus max_adapter=63 max_domain=15 aqmask=0-5
	adapter 5 hwtype=14 mode=cca domains=4,6,7
	adapter 6 hwtype=13 mode=ep11 domains=4,6
	adapter 10 hwtype=12 mode=accel domains=6
	EOF
}

# Skip without FUSE or root; fail if apsim is not built.
apsim_require() {
	[ -e /dev/fuse ] || skip "no /dev/fuse: apsim needs FUSE"
	[ "$(id -u)" -eq 0 ] || skip "not root: mounting apsim needs root"
	command -v fusermount3 >/dev/null || skip "no fusermount3 (package fuse3)"
	[ -x "$APSIM" ] || fail "apsim is not built: $APSIM"
}

# Mount a description given as lines; S = sysfs root, M = the matrix device.
# apsim gets no fd 3: bats waits for every holder of it to exit.
apsim_mount() {
	local i

	apsim_require
	R=$(mktemp -d)
	S=$R/sys
	M=$S/devices/vfio_ap/matrix
	mkdir "$S"
	printf '%s\n' "$@" > "$R/machine"
	if [ -z "${APSIM_FOREGROUND:-}" ]; then
		"$APSIM" "$R/machine" "$S" 3>&- || fail "apsim did not start"
		return
	fi
	"$APSIM" -f "$R/machine" "$S" 3>&- 2>>"${APSIM_LOG:-/dev/null}" &
	APSIM_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$S/bus" ] && return
		sleep 0.05
	done
	fail "apsim did not mount $S"
}

# Unmount and clean up; a foreground apsim must exit with 0.
apsim_unmount() {
	[ -n "${R:-}" ] || return 0
	fusermount3 -u "$S" 2>/dev/null || fusermount3 -uz "$S"
	if [ -n "${APSIM_PID:-}" ]; then
		wait "$APSIM_PID" || fail "apsim exited with status $?"
	fi
	rm -rf "$R"
}

# Write $2 to sysfs file $1 (relative to $S) in one write(), nothing added.
put() {
	printf '%s' "$2" > "$S/$1"
}

# Send one command to the control channel.
ctl() {
	printf '%s' "$1" > "$S/.apsim/control"
}

# Print the kernel mask ("0x" + 64 hex digits) with the given ids set.
mask() {
	local -a nibble
	local i id out=0x

	for ((i = 0; i < 64; i++)); do
		nibble[i]=0
	done
	for id in "$@"; do
		nibble[id / 4]=$((nibble[id / 4] | (8 >> (id % 4))))
	done
	for ((i = 0; i < 64; i++)); do
		out+=$(printf '%x' "${nibble[i]}")
	done
	echo "$out"
}
