#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 23-lszap-libvirt.bats - lszap --libvirt UUID (issue 10): the libvirt
# <hostdev mode='subsystem' type='mdev' model='vfio-ap'> element of an mdev,
# active or defined (interop.md section 6), exit 2 for an unknown mdev,
# exit 1 for a malformed UUID and for options that mean nothing with it.

A=aaaaaaaa-0000-4000-8000-000000000001
D=dddddddd-0000-4000-8000-000000000004
E=eeeeeeee-0000-4000-8000-000000000005
X=99999999-0000-4000-8000-000000000009

bats_require_minimum_version 1.5.0

setup() {
	load helper
	zap_common_setup
}

# A is active and defined (auto), D only an autostart definition, E only a
# manual one.
libvirt_machine() {
	cat <<-EOF
	bus aqmask=0-3
	adapter 5 hwtype=14 mode=cca domains=1,4,0x47
	mdev $A adapters=5 domains=4 control=none
	define $A start=auto adapters=5 domains=4 control=none
	define $D start=auto adapters=5 domains=0x47 control=none
	define $E start=manual adapters=5 domains=0x47 control=none
	EOF
	printf '%s\n' "$@"
}

# The element of interop.md section 6, on one line, for mdev $1.
spec_element() {
	echo "<hostdev mode='subsystem' type='mdev' model='vfio-ap'><source><address uuid='$1'/></source></hostdev>"
}

@test "lszap --libvirt: the hostdev element of an active mdev" {
	zap_tree - < <(libvirt_machine)
	run -0 lszap --libvirt "$A"
	assert_output - <<-EOF
	<hostdev mode='subsystem' type='mdev' model='vfio-ap'>
	  <source>
	    <address uuid='$A'/>
	  </source>
	</hostdev>
	EOF
}

@test "lszap --libvirt: the element is interop.md's, indented" {
	zap_tree - < <(libvirt_machine)
	run -0 bash -c "lszap --libvirt $A | sed 's/^ *//' | tr -d '\n'; echo"
	assert_output "$(spec_element "$A")"
}

@test "lszap --libvirt: well-formed XML naming the mdev" {
	command -v python3 > /dev/null || skip "python3 is not installed"
	zap_tree - < <(libvirt_machine)
	run -0 bash -c "lszap --libvirt $D | python3 -c '
import sys, xml.dom.minidom
d = xml.dom.minidom.parseString(sys.stdin.read()).documentElement
a = d.getElementsByTagName(\"address\")[0]
print(d.tagName, d.getAttribute(\"mode\"), d.getAttribute(\"type\"), d.getAttribute(\"model\"), a.parentNode.tagName, a.getAttribute(\"uuid\"))'"
	assert_output "hostdev subsystem mdev vfio-ap source $D"
}

@test "lszap --libvirt: defined-only mdevs, autostart or manual" {
	zap_tree - < <(libvirt_machine)
	run -0 lszap --libvirt "$D"
	assert_line "    <address uuid='$D'/>"
	run -0 lszap --libvirt "$E"
	assert_line "    <address uuid='$E'/>"
}

@test "lszap --libvirt: an upper-case UUID is printed in lower case" {
	zap_tree - < <(libvirt_machine)
	run -0 lszap --libvirt "${D^^}"
	assert_line "    <address uuid='$D'/>"
}

@test "lszap --libvirt: without vfio_ap a defined mdev still has its element" {
	zap_tree - < <(libvirt_machine | grep -v '^mdev ' && echo "drivers vfio_ap=no")
	run -0 lszap --libvirt "$A"
	assert_line "    <address uuid='$A'/>"
	run -2 lszap --libvirt "$X"
	assert_output "lszap: unknown mdev $X: neither active nor defined (vfio_ap is not loaded: modprobe vfio_ap)"
}

@test "lszap --libvirt: an unknown mdev is exit 2, nothing on stdout" {
	zap_tree - < <(libvirt_machine)
	run -2 --separate-stderr lszap --libvirt "$X"
	assert_output ""
	[ "$stderr" = "lszap: unknown mdev $X: neither active nor defined" ]
}

@test "lszap --libvirt --persistent: only mdevs that start at boot" {
	zap_tree - < <(libvirt_machine)
	run -0 lszap --persistent --libvirt "$D"
	assert_line "    <address uuid='$D'/>"
	run -2 lszap --persistent --libvirt "$E"
	assert_output "lszap: unknown mdev $E: it does not start at boot (no usable autostart definition)"
}

@test "lszap --libvirt: a malformed or missing UUID is exit 1" {
	zap_tree - < <(libvirt_machine)
	run -1 --separate-stderr lszap --libvirt aaaaaaaa-0000-4000-8000
	assert_output ""
	[[ "$stderr" == "lszap: "*"aaaaaaaa-0000-4000-8000"* ]]
	[[ "$stderr" == *"Try 'lszap --help' for more information." ]]
	run -1 lszap --libvirt
	assert_output --partial "lszap: --libvirt: missing argument"
}

@test "lszap --libvirt: refused with filters, views, JSON and table options" {
	export SYSFS_ROOT=/nonexistent
	run -1 lszap --libvirt "$A" -j
	assert_output --partial "lszap: Only one of --libvirt or --json can be specified"
	run -1 lszap --libvirt "$A" -a 5
	assert_output --partial "Only one of --libvirt or --adapter can be specified"
	run -1 lszap --libvirt "$A" -d 4
	assert_output --partial "Only one of --libvirt or --domain can be specified"
	run -1 lszap --libvirt "$A" -m "$A"
	assert_output --partial "Only one of --libvirt or --mdev can be specified"
	run -1 lszap --libvirt "$A" --owner host
	assert_output --partial "Only one of --libvirt or --owner can be specified"
	run -1 lszap --libvirt "$A" 05.0004
	assert_output --partial "Only one of --libvirt or APQN arguments can be specified"
	run -1 lszap --libvirt "$A" -M
	assert_output --partial "Only one of --libvirt or --mdevs can be specified"
	run -1 lszap -x --libvirt "$A"
	assert_output --partial "Only one of --matrix or --libvirt can be specified"
	run -1 lszap --libvirt "$A" --free
	assert_output --partial "Only one of --free or --libvirt can be specified"
	run -1 lszap --libvirt "$A" -o UUID
	assert_output --partial "Only one of --output or --libvirt can be specified"
	run -1 lszap --libvirt "$A" -n
	assert_output --partial "Only one of --noheadings or --libvirt can be specified"
}

@test "lszap --libvirt: completion offers the mdevs" {
	zap_tree - < <(libvirt_machine)
	# shellcheck source=/dev/null
	source "$ZAP_TOP/completions/lszap"
	COMP_WORDS=(lszap --libvirt "")
	COMP_CWORD=2
	_lszap
	run -0 printf '%s\n' "${COMPREPLY[@]}"
	assert_output - <<-EOF
	$A
	$D
	$E
	EOF
}

@test "lszap --libvirt: nothing is written" {
	zap_tree - < <(libvirt_machine)
	zap_snapshot "$BATS_TEST_TMPDIR/before"
	run lszap --libvirt "$A"
	run lszap --libvirt "$X"
	run lszap --persistent --libvirt "$D"
	zap_assert_unchanged "$BATS_TEST_TMPDIR/before"
}
