#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# deps.sh DEBIAN-PACKAGES... -- RPM-PACKAGES...
# Installs the Debian packages zap needs that are missing (as root), or prints
# the command to run; names the dnf/zypper equivalents on RHEL and SLES.
set -eu
debian=() rpm=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do debian+=("$1"); shift; done
[ $# -gt 0 ] && shift
rpm=("$@")

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	missing=()
	for p in "${debian[@]}"; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$st" = "install ok installed" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && exit 0
	if [ "$(id -u)" -eq 0 ]; then
		echo "deps: installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "deps: missing packages; run as root:" >&2
		echo "  apt-get install ${missing[*]}" >&2
		exit 1
	fi
elif command -v dnf >/dev/null 2>&1; then
	echo "deps: on RHEL/Fedora run as root:  dnf install ${rpm[*]}" >&2
elif command -v zypper >/dev/null 2>&1; then
	echo "deps: on SLES run as root:  zypper install ${rpm[*]}" >&2
else
	echo "deps: unknown distribution; needed (Debian names): ${debian[*]}" >&2
fi
