#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 25-lszap-hostile.bats - lszap on hostile trees (issue 8): files that are
# empty, truncated, huge, binary, with \r, in upper case, masks of 65
# digits; directories where files should be; dangling and looping
# symlinks; FIFOs (root reads any file, a FIFO is what stays unreadable);
# an mdev that vanishes between listing and reading; a tree of 65,536
# queues and 1,000 mdevs. lszap prints what it can, names what it could
# not read on stderr, exits with its documented code, never hangs or
# crashes (every run is under timeout 60), and writes nothing.
# docs/hostile-input.md sums these cases up.

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
D=dddddddd-0000-4000-8000-000000000004

bats_require_minimum_version 1.5.0

# Every view and mode that reads something.
VIEWS=("" -V -A -D -M -b -x --check --json --free --persistent
	"--persistent --check" "--persistent -M --json")

# The big tree: built once for the file, on /dev/shm when there is room.
setup_file() {
	local top

	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		BIG=$(mktemp -d /dev/shm/zap-hostile.XXXXXX)
	else
		BIG=$(mktemp -d "$BATS_FILE_TMPDIR/big.XXXXXX")
	fi
	export BIG
	big_machine "$top" > "$BIG/max.machine"
	"$top/tests/machine/mkfixture" "$BIG/max.machine" "$BIG/root" > /dev/null
}

teardown_file() {
	[ -n "$BIG" ] && rm -rf "$BIG"
}

setup() {
	load helper
	zap_common_setup
}

# big_machine TOP: gen-max.sh's 256 x 256 LPAR (65,536 queues) with 1,000
# mdevs instead of its 200: mdev i holds domain 56 + i % 200 on adapters
# 51 * (i / 200) .. +50, so that no APQN is shared and adapter 255 stays
# free; three of them defined (auto), one manual definition.
big_machine() {
	sh "$1/tests/machine/gen-max.sh" | grep -v -e '^mdev ' -e '^define '
	awk 'BEGIN {
		for (i = 0; i < 1000; i++) {
			d = 56 + i % 200
			a = 51 * int(i / 200)
			printf "mdev %08x-0000-4000-8000-%012x adapters=%d-%d domains=%d control=%d%s\n",
				i, i, a, a + 50, d, d, i % 4 ? "" : " guest=yes"
		}
		for (i = 0; i < 3; i++)
			printf "define %08x-0000-4000-8000-%012x start=auto adapters=0-50 domains=%d control=%d\n",
				i, i, 56 + i, 56 + i
		print "define ffffffff-0000-4000-8000-0000000000ff start=manual adapters=255 domains=56 control=none"
	}'
}

# The small tree every hostile case starts from: A active on 05.0004 with a
# guest, B active on 06.0047, D an autostart definition, 41-ap.rules.
small_tree() {
	zap_tree - <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	adapter 6 hwtype=14 mode=ep11 domains=1,4,0x47
	mdev $A adapters=5 domains=4 control=none guest=yes
	mdev $B adapters=6 domains=0x47 control=none
	define $D start=auto adapters=6 domains=4 control=none
	rules apmask=all aqmask=0-3
	EOF
	S=$SYSFS_ROOT
	MA=$(zap_mdev_dir "$A")
	DEF=$ZAP_ROOT/etc/mdevctl.d/matrix/$D
	RULES=$ZAP_ROOT/etc/udev/rules.d/41-ap.rules
	zap_snapshot "$BATS_TEST_TMPDIR/pristine"
}

# replace PATH: remove what is at PATH, ready for something hostile.
replace() {
	rm -rf "$1"
}

# huge FILE: 10 MB of mask digits.
huge() {
	replace "$1"
	head -c 10000000 /dev/zero | tr '\0' 'f' > "$1"
}

# survive: every view exits 0, 2 or 3 within 60 s, stderr only lszap's own
# one-line messages, and the tree is unchanged.
survive() {
	local view line

	zap_snapshot "$BATS_TEST_TMPDIR/before"
	for view in "${VIEWS[@]}"; do
		run --separate-stderr timeout 60 lszap $view
		case $status in
		0 | 2 | 3) ;;
		*)
			echo "lszap $view: exit $status"
			printf '%s\n' "$stderr" | head -20
			return 1
			;;
		esac
		for line in "${stderr_lines[@]}"; do
			[[ "$line" == "lszap: "* ]] ||
				{ echo "lszap $view: stray stderr: $line"; return 1; }
		done
	done
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}

# listing_stops FILE MESSAGE: a broken bus file stops every view with exit
# 2 and this one line, nothing on stdout.
listing_stops() {
	local view

	for view in "" -M --check --json --free --persistent; do
		run -2 --separate-stderr timeout 60 lszap $view
		assert_output ""
		[ "$stderr" = "lszap: $1" ] ||
			{ echo "lszap $view: stderr '$stderr', expected 'lszap: $1'"; return 1; }
	done
}

# listing_goes_on MESSAGE ARGS...: lszap ARGS lists something, names the
# broken file in one line, exit 2.
listing_goes_on() {
	local message=$1

	shift
	run -2 --separate-stderr timeout 60 lszap "$@"
	[ -n "$output" ] || { echo "lszap $*: nothing listed"; return 1; }
	[ "$stderr" = "lszap: $message" ] ||
		{ echo "lszap $*: stderr '$stderr', expected 'lszap: $message'"; return 1; }
}

# definition_named MESSAGE: the definition D is left out with this warning
# (exit 0), and --check reports it as bad-definition with its path.
definition_named() {
	run -0 --separate-stderr timeout 60 lszap -M -r -n -o UUID,DEFINED,AUTOSTART
	assert_line "$A no no"
	[ "$stderr" = "lszap: warning: unusable mdevctl definition $DEF: $1" ] ||
		{ echo "stderr: $stderr"; return 1; }
	run -3 timeout 60 lszap --check -r -n -o KIND,PATH -m "$D"
	drop_not_persistent
	assert_output "bad-definition $DEF"
}

# rules_named MESSAGE: 41-ap.rules is left out with this warning, the
# active masks apply, --check reports bad-definition with its path.
rules_named() {
	run -0 --separate-stderr timeout 60 lszap --persistent -b
	assert_line "aqmask: 0xf000000000000000000000000000000000000000000000000000000000000000"
	[ "$stderr" = "lszap: warning: unusable persistent masks $RULES: $1" ] ||
		{ echo "stderr: $stderr"; return 1; }
	run -3 timeout 60 lszap --check -r -n -o KIND,PATH
	drop_not_persistent
	assert_output "bad-definition $RULES"
}

# rules_ignored: 41-ap.rules reads as setting no mask (as the peers read
# it): no warning, no problem, the active masks after a reboot.
rules_ignored() {
	run -0 --separate-stderr timeout 60 lszap --persistent -b
	assert_line "aqmask: 0xf000000000000000000000000000000000000000000000000000000000000000"
	[ -z "$stderr" ] || { echo "stderr: $stderr"; return 1; }
	run -0 timeout 60 lszap --check
	drop_not_persistent
}

# ----------------------------------------------------------------- empty

@test "hostile: empty files" {
	small_tree
	: > "$S/bus/ap/apmask"
	listing_stops "$S/bus/ap/apmask: invalid mask ''"
	survive

	small_tree
	: > "$S/devices/ap/card05/hwtype"
	listing_goes_on "$S/devices/ap/card05/hwtype: invalid content" -A
	survive

	small_tree
	: > "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	small_tree
	: > "$DEF"
	definition_named "invalid JSON at byte 0: unexpected end of data"
	survive

	small_tree
	: > "$RULES"
	rules_ignored
	survive
}

# ------------------------------------------------------------- truncated

@test "hostile: truncated files" {
	small_tree
	printf '0xffffffffffff' > "$S/bus/ap/aqmask"
	listing_stops "$S/bus/ap/aqmask: invalid mask '0xffffffffffff'"
	survive

	small_tree
	head -c 100 "$MA/ap_config" > "$BATS_TEST_TMPDIR/cut"
	cp "$BATS_TEST_TMPDIR/cut" "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	small_tree
	rm "$MA/ap_config"
	printf '05.0004' > "$MA/matrix"
	listing_goes_on "$MA/matrix: invalid content" -M
	survive

	small_tree
	head -c 60 "$DEF" > "$BATS_TEST_TMPDIR/cut"
	cp "$BATS_TEST_TMPDIR/cut" "$DEF"
	run -0 --separate-stderr lszap -M
	[[ "$stderr" == "lszap: warning: unusable mdevctl definition $DEF: invalid JSON at byte "* ]]
	survive

	small_tree
	sed -i 's/\(aqmask}="0xf0000\).*/\1/' "$RULES"
	rules_named "41-ap.rules line 9: invalid aqmask value '0xf0000'"
	survive
}

# ------------------------------------------------------------------ huge

@test "hostile: huge files (10 MB)" {
	small_tree
	huge "$S/bus/ap/apmask"
	listing_stops "cannot read $S/bus/ap/apmask: file too large"
	survive

	small_tree
	huge "$S/devices/ap/card05/hwtype"
	listing_goes_on "$S/devices/ap/card05/hwtype: file too large" -A
	survive

	small_tree
	huge "$MA/ap_config"
	listing_goes_on "$MA/ap_config: file too large" -M
	survive

	small_tree
	huge "$DEF"
	definition_named "file larger than 1 MiB"
	survive

	small_tree
	huge "$RULES"
	rules_named "41-ap.rules: file larger than 1 MiB"
	survive
}

# ---------------------------------------------------------------- binary

@test "hostile: binary files" {
	small_tree
	printf '\x80\xff\x00\x01\x1b[2J\x7f' > "$S/bus/ap/apmask"
	run -2 --separate-stderr lszap
	assert_output ""
	[[ "$stderr" == "lszap: $S/bus/ap/apmask: invalid mask '\\x80\\xff\\x00\\x01\\x1b[2J\\x7f'" ]] ||
		{ echo "stderr: $stderr"; return 1; }
	survive

	small_tree
	printf '\x00\x0e' > "$S/devices/ap/card05/hwtype"
	listing_goes_on "$S/devices/ap/card05/hwtype: invalid content" -A
	survive

	small_tree
	head -c 200 /dev/zero | tr '\0' '\377' > "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	small_tree
	printf '\x00\x01\x02{"mdev_type"' > "$DEF"
	definition_named "invalid JSON at byte 0: unexpected end of data"
	survive

	small_tree
	head -c 3000 /dev/zero | tr '\0' '\201' > "$RULES"
	rules_ignored
	survive
}

# ---------------------------------------------------------------- \r\n

@test "hostile: files with \\r" {
	small_tree
	printf '0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\r\n' \
		> "$S/bus/ap/apmask"
	listing_stops "$S/bus/ap/apmask: invalid mask '0xffffffffffffffffffffffffffffffffffffff...'"
	survive

	small_tree
	printf '14\r\n' > "$S/devices/ap/card05/hwtype"
	listing_goes_on "$S/devices/ap/card05/hwtype: invalid content" -A
	survive

	small_tree
	sed -i 's/$/\r/' "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	# JSON allows \r between tokens: the definition is fine
	small_tree
	sed -i 's/$/\r/' "$DEF"
	run -0 --separate-stderr lszap -M -r -n -o UUID,AUTOSTART -m "$D"
	assert_output "$D yes"
	[ -z "$stderr" ]
	survive

	small_tree
	sed -i 's/$/\r/' "$RULES"
	run -0 --separate-stderr lszap --persistent -b
	[ -z "$stderr" ]
	survive
}

# ------------------------------------------------------------ upper case

@test "hostile: upper case" {
	# the kernel prints masks in lower case: anything else is not sysfs
	small_tree
	echo 0XFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF > "$S/bus/ap/apmask"
	listing_stops "$S/bus/ap/apmask: invalid mask '0XFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF...'"
	survive

	small_tree
	sed -i 's/0x/0X/g' "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	# hex digits of a matrix line in either case
	small_tree
	rm "$MA/ap_config"
	printf '05.00AB\n' > "$MA/matrix"
	run -0 lszap -M -r -n -o UUID,DOMAINS -m "$A"
	assert_output "$A 0xab"
	survive

	# an upper-case definition file name and value (kstrtoul takes 0X)
	small_tree
	sed -i 's/"0x06"/"0X06"/' "$DEF"
	mv "$DEF" "${DEF%/*}/${D^^}"
	run -0 --separate-stderr lszap -M -r -n -o UUID,APQNS,AUTOSTART -m "$D"
	assert_output "$D 1 yes"
	[ -z "$stderr" ]
	survive

	small_tree
	sed -i 's/aqmask}="0xf0/aqmask}="0XF0/' "$RULES"
	rules_named "41-ap.rules line 9: invalid aqmask value '0XF0000000000000000000000000000000000000...'"
	survive
}

# ------------------------------------------------------- 65-digit masks

@test "hostile: masks of 65 digits" {
	small_tree
	echo 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0 > "$S/bus/ap/apmask"
	listing_stops "$S/bus/ap/apmask: invalid mask '0xffffffffffffffffffffffffffffffffffffff...'"
	survive

	small_tree
	echo 0xf00000000000000000000000000000000000000000000000000000000000000000 > "$S/bus/ap/aqmask"
	listing_stops "$S/bus/ap/aqmask: invalid mask '0xf0000000000000000000000000000000000000...'"
	survive

	small_tree
	sed -i 's/^0x\([0-9a-f]*\),/0x\10,/' "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	small_tree
	printf '{ "mdev_type": "vfio_ap-passthrough", "start": "auto", "attrs": [ { "ap_config": "0x%065d,0x0,0x0" } ] }\n' 0 > "$DEF"
	definition_named "ap_config value '0x00000000000000000000000000000000000000...': invalid adapter mask"
	survive

	small_tree
	sed -i 's/aqmask}="0xf/aqmask}="0xf0/' "$RULES"
	rules_named "41-ap.rules line 9: invalid aqmask value '0xf0000000000000000000000000000000000000...'"
	survive
}

# ------------------------------------------- directories instead of files

@test "hostile: directories where files should be, a file where a directory should be" {
	small_tree
	replace "$S/bus/ap/apmask"
	mkdir "$S/bus/ap/apmask"
	listing_stops "cannot read $S/bus/ap/apmask: Is a directory"
	survive

	small_tree
	replace "$S/devices/ap/card05/hwtype"
	mkdir "$S/devices/ap/card05/hwtype"
	listing_goes_on "$S/devices/ap/card05/hwtype: Is a directory" -A
	survive

	small_tree
	replace "$MA/ap_config"
	mkdir "$MA/ap_config"
	listing_goes_on "$MA/ap_config: Is a directory" -M
	survive

	# not a regular file: mdevctl does not start it, it is no definition
	small_tree
	replace "$DEF"
	mkdir "$DEF"
	run -0 --separate-stderr lszap -M -r -n -o UUID
	assert_output - <<-EOF
	$A
	$B
	EOF
	survive

	small_tree
	replace "$RULES"
	mkdir "$RULES"
	rules_ignored
	survive

	# the views that read devices/ap stop; -M and -b need no device
	small_tree
	replace "$S/devices/ap"
	echo x > "$S/devices/ap"
	for view in "" -A --check --json --free; do
		run -2 --separate-stderr lszap $view
		assert_output ""
		[ "$stderr" = "lszap: cannot read $S/devices/ap: Not a directory" ]
	done
	run -0 lszap -M -r -n -o UUID -m "$A"
	assert_output "$A"
	survive
}

# ------------------------------------------------------- dangling links

@test "hostile: dangling symlinks" {
	small_tree
	replace "$S/bus/ap/apmask"
	ln -s nowhere "$S/bus/ap/apmask"
	listing_stops "cannot read $S/bus/ap/apmask: No such file or directory"
	survive

	small_tree
	replace "$S/devices/ap/card06"
	ln -s /nonexistent "$S/devices/ap/card06"
	listing_goes_on "$S/devices/ap/card06: vanished while reading" -n -o APQN
	assert_output - <<-EOF
	05.0001
	05.0004
	05.0047
	EOF
	survive

	# a driver's link to a queue that is not there
	small_tree
	ln -s ../../../../devices/ap/card07/07.0004 "$S/bus/ap/drivers/vfio_ap/07.0004"
	run -0 --separate-stderr lszap -r -n -o APQN,DRIVER -a 6,7
	assert_output - <<-EOF
	06.0001 cex4queue
	06.0004 vfio_ap
	06.0047 vfio_ap
	EOF
	survive

	# a definition that vanished: there is none
	small_tree
	replace "$DEF"
	ln -s /nonexistent "$DEF"
	run -0 --separate-stderr lszap -M -r -n -o UUID
	assert_output - <<-EOF
	$A
	$B
	EOF
	survive

	small_tree
	replace "$RULES"
	ln -s /nonexistent "$RULES"
	rules_ignored
	survive
}

# -------------------------------------------------------- looping links

@test "hostile: looping symlinks" {
	small_tree
	replace "$S/bus/ap/apmask"
	ln -s apmask "$S/bus/ap/apmask"
	listing_stops "cannot read $S/bus/ap/apmask: Too many levels of symbolic links"
	survive

	small_tree
	replace "$S/devices/ap/card06"
	ln -s card06 "$S/devices/ap/card06"
	listing_goes_on "$S/devices/ap/card06: Too many levels of symbolic links" -A
	survive

	small_tree
	replace "$MA"
	ln -s "$A" "$MA"
	listing_goes_on "$MA: Too many levels of symbolic links" -M
	survive

	small_tree
	replace "$S/bus/ap/drivers/vfio_ap"
	ln -s vfio_ap "$S/bus/ap/drivers/vfio_ap"
	listing_goes_on "$S/bus/ap/drivers/vfio_ap: Too many levels of symbolic links"
	survive

	small_tree
	replace "$DEF"
	ln -s "$D" "$DEF"
	definition_named "cannot read: Too many levels of symbolic links"
	survive

	small_tree
	replace "${DEF%/*}"
	ln -s matrix "${DEF%/*}"
	listing_goes_on "${DEF%/*}: Too many levels of symbolic links" -M
	survive

	small_tree
	replace "$RULES"
	ln -s 41-ap.rules "$RULES"
	rules_named "41-ap.rules: cannot read: Too many levels of symbolic links"
	survive
}

# ------------------------------------------------- unreadable: FIFOs

@test "hostile: unreadable files (FIFOs: root reads any file, nobody writes these)" {
	small_tree
	replace "$S/bus/ap/apmask"
	mkfifo "$S/bus/ap/apmask"
	listing_stops "$S/bus/ap/apmask: invalid mask ''"
	survive

	small_tree
	replace "$S/devices/ap/card05/hwtype"
	mkfifo "$S/devices/ap/card05/hwtype"
	listing_goes_on "$S/devices/ap/card05/hwtype: invalid content" -A
	survive

	small_tree
	replace "$MA/ap_config"
	mkfifo "$MA/ap_config"
	listing_goes_on "$MA/ap_config: invalid content" -M
	survive

	# not a regular file: no definition, no rules, and no hang
	small_tree
	replace "$DEF"
	mkfifo "$DEF"
	run -0 --separate-stderr timeout 60 lszap -M -r -n -o UUID
	assert_output - <<-EOF
	$A
	$B
	EOF
	survive

	small_tree
	replace "$RULES"
	mkfifo "$RULES"
	rules_ignored
	survive
}

# ------------------------------------------------------- vanishing mdev

@test "hostile: an mdev directory vanishing between listing and reading" {
	small_tree
	ln -s /nonexistent "$(zap_mdev_dir cccccccc-0000-4000-8000-000000000003)"
	listing_goes_on "$(zap_mdev_dir cccccccc-0000-4000-8000-000000000003): vanished while reading" \
		-M -r -n -o UUID
	assert_output - <<-EOF
	$A
	$B
	$D
	EOF
	run -3 lszap --check -r -n -o KIND
	drop_not_persistent
	assert_output "unreadable"
	survive

	# the whole matrix device gone: vfio_ap reads as not loaded
	small_tree
	replace "$S/devices/vfio_ap/matrix"
	ln -s /nonexistent "$S/devices/vfio_ap/matrix"
	run -0 --separate-stderr lszap -b
	assert_line "vfio_ap: no"
	survive
}

# ------------------------------------------------------------ big tree

@test "hostile: 65,536 queues and 1,000 mdevs: every view, exit 0" {
	export ZAP_ROOT="$BIG/root" SYSFS_ROOT="$BIG/root/sys"
	touch "$BIG/marker"
	run -0 --separate-stderr timeout 60 bash -c 'lszap | wc -l'
	assert_output 65537
	run -0 --separate-stderr timeout 60 bash -c 'lszap -M -n | wc -l'
	assert_output 1001
	run -0 --separate-stderr timeout 60 lszap -M -r -n -o UUID,ACTIVE,DEFINED,AUTOSTART \
		-m 00000000-0000-4000-8000-000000000000
	assert_line "00000000-0000-4000-8000-000000000000 yes yes yes"
	run -0 --separate-stderr timeout 60 lszap --check -n -o KIND
	drop_not_persistent
	assert_output ""
	run -0 --separate-stderr timeout 60 bash -c \
		"lszap --json | jq -c '[(.queues | length), (.mdevs | length), (.adapters | length), (.domains | length), (.problems | map(select(.severity == \"error\")) | length)]'"
	assert_output "[65536,1001,256,256,0]"
	run -0 --separate-stderr timeout 60 bash -c 'lszap --free -n | wc -l'
	assert_output 200
	run -0 --separate-stderr timeout 60 lszap --free -r -n -o APQN -d 0xff
	assert_output "ff.00ff"
	run -0 --separate-stderr timeout 60 bash -c 'lszap --persistent -M -n | wc -l'
	assert_output 3
	run -0 --separate-stderr timeout 60 bash -c 'lszap -x | tail -1'
	assert_output --regexp '^\* one of [0-9]+ more mdevs'
	run -0 --separate-stderr timeout 60 bash -c 'lszap -A -n | wc -l'
	assert_output 256
	run -0 --separate-stderr timeout 60 bash -c 'lszap -D -n | wc -l'
	assert_output 256
	run -0 --separate-stderr timeout 60 lszap --libvirt 000003e7-0000-4000-8000-0000000003e7
	assert_line "    <address uuid='000003e7-0000-4000-8000-0000000003e7'/>"
	# nothing written: no file newer than the marker
	run -0 find "$BIG/root" -newer "$BIG/marker"
	assert_output ""
}
