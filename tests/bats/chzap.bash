# SPDX-License-Identifier: MIT
# chzap.bash - helpers shared by the chzap bats tests (30-34): the mdev
# UUIDs of the fixture machines, mask texts, and the paths and PIDs the
# tests inspect.
#
# Use: setup() { load helper; load chzap; zap_common_setup; ... }
# Loaded in setup(), so it replaces same-named functions a test file
# defines at its top level: keep a file's own variants under other names.

# The UUIDs of the mdevs of the fixture machines (used by the test files).
# shellcheck disable=SC2034
A=aaaaaaaa-0000-4000-8000-000000000001
# shellcheck disable=SC2034
B=bbbbbbbb-0000-4000-8000-000000000002
# shellcheck disable=SC2034
C=cccccccc-0000-4000-8000-000000000003

# mask ID...: the kernel's text of a 256-bit mask with these ids set.
mask() {
	local -a nib
	local id i out=0x

	for ((i = 0; i < 64; i++)); do nib[i]=0; done
	for id in "$@"; do
		nib[id / 4]=$((nib[id / 4] | 8 >> (id % 4)))
	done
	for ((i = 0; i < 64; i++)); do out+=$(printf %x "${nib[i]}"); done
	echo "$out"
}

# mask_without ID...: the mask of every id 0-255 but these.
mask_without() {
	local ids=() i

	for ((i = 0; i < 256; i++)); do
		[[ " $* " == *" $i "* ]] || ids+=("$i")
	done
	mask "${ids[@]}"
}

# ap_config of mdev $1.
ap_config() {
	cat "$(zap_mdev_dir "$1")/ap_config"
}

# The lock file of the fixture tree.
lock_file() {
	echo "$ZAP_ROOT/run/lock/s390apconfig.lock"
}

# Print the PID of a process that has exited.
dead_pid() {
	sh -c ':' &
	wait $!
	echo $!
}
