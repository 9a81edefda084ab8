#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# soak.sh - concurrency soak of chzap on apsim (issue 8, make soak).
#
# PROCS workers (default 4) each run COUNT (default 250) random chzap
# changes - assign, unassign, --create, --remove, --vfio, --host - on one
# small emulated LPAR (3 adapters x 4 domains, 3 mdevs the workers share, and
# one mdev per worker that it creates and removes), so that they collide on
# APQNs, on the masks and on the AP configuration lock. After every command
# the worker checks:
#   - the exit code is 0 (changed: chzap -V reported its writes; or already
#     in effect: the note, no write), 3 (refused: a reason, no write) or 5
#     (lock not obtained: --lock-timeout 0 is used for one command in ten;
#     no write); anything else, a timeout included, fails;
#   - lszap --check exits 0 and reports no problem but informational ones
#     (no shared-apqn, no host-apqn, no unfinished-change); it is run again,
#     up to 5 times, while it only sees an mdev that a concurrent --remove
#     took away while it read (with -K also a queue between two drivers);
#   - apsim's own model, read atomically from .apsim/state, holds no APQN
#     that two mdevs share or that an mdev holds while the host owns it;
#   - no temporary file of a dead process is left in run/lock or run/zap.
# At the end: the lock is free and nothing is left in run/; every write
# apsim received was accepted, and the writes apsim received are exactly,
# as a multiset, those the successful chzap commands reported (no refused
# or timed-out command wrote anything, no write went unreported).
#
# Usage: tools/soak.sh [-n COUNT] [-p PROCS] [-k "newest old"] [-s SEED]
#                      [-t SECONDS] [-x DESCRIPTION-LINE]...
#   -n  commands per worker          (SOAK_COUNT, 250)
#   -p  workers                      (SOAK_PROCS, 4)
#   -k  kernel generations, run one after the other: newest (ap_config
#       writes) and old (no ap_config: assign_* writes) (SOAK_KERNELS)
#   -s  seed of the random choices   (SOAK_SEED, random; printed)
#   -t  time limit of one command    (SOAK_CMD_TIMEOUT, 60 s)
#   -x  add a line to the machine description (to test the checks)
# Other environment: APSIM (the emulator), ZAP_TOOLS_DIR (other builds of
# lszap and chzap, as the bats tests), SOAK_KEEP=1 keeps the work directory.
# Needs root, /dev/fuse, fusermount3, jq, timeout. Exit codes: 0 all checks
# passed, 1 a check failed (the work directory is kept and named), 2 usage,
# 77 cannot run here (the reason is printed).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
count=${SOAK_COUNT:-250}
procs=${SOAK_PROCS:-4}
kernels=${SOAK_KERNELS:-newest old}
seed=${SOAK_SEED:-$(((RANDOM << 15) | RANDOM))}
cmd_timeout=${SOAK_CMD_TIMEOUT:-60}
extra=()

while getopts n:p:k:s:t:x:h opt; do
	case $opt in
	n) count=$OPTARG ;;
	p) procs=$OPTARG ;;
	k) kernels=$OPTARG ;;
	s) seed=$OPTARG ;;
	t) cmd_timeout=$OPTARG ;;
	x) extra+=("$OPTARG") ;;
	h) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "Try 'soak.sh -h'." >&2; exit 2 ;;
	esac
done
for n in "$count" "$procs" "$seed" "$cmd_timeout"; do
	[[ "$n" =~ ^[0-9]+$ ]] || { echo "soak: not a number: $n" >&2; exit 2; }
done

APSIM=${APSIM:-$top/tests/apsim/apsim}
export PATH="${ZAP_TOOLS_DIR:+$ZAP_TOOLS_DIR:}$top/lszap:$top/chzap:$PATH"
# chzap's audit records of the soak stay out of the machine's log
export ZAP_LOG_FILE="${ZAP_LOG_FILE:-/dev/null}"

# Say why the soak cannot run here, and exit 77.
cannot_run() {
	echo "soak: skipped: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || cannot_run "not root: mounting apsim needs root"
[ -e /dev/fuse ] || cannot_run "no /dev/fuse: apsim needs FUSE"
command -v fusermount3 >/dev/null || cannot_run "no fusermount3 (package fuse3)"
command -v jq >/dev/null || cannot_run "no jq (make deps)"
command -v timeout >/dev/null || cannot_run "no timeout (coreutils)"
for tool in "$APSIM" "$(command -v chzap)" "$(command -v lszap)"; do
	[ -x "$tool" ] || { echo "soak: not built: ${tool:-chzap/lszap} (make)" >&2; exit 1; }
done

# The shared mdevs and each worker's own one.
M1=11111111-0000-4000-8000-000000000001
M2=22222222-0000-4000-8000-000000000002
M3=33333333-0000-4000-8000-000000000003
own_uuid() {
	printf 'a0a0a0a0-0000-4000-8000-%012d\n' "$1"
}

# The LPAR of generation $1: domains 6 and 7 start in the vfio_ap pool.
machine() {
	if [ "$1" = old ]; then
		echo "kernel ap_config=no matrix_features=no"
	fi
	cat <<-EOF
	bus aqmask=0-5,8-255
	adapter 1 hwtype=14 mode=cca domains=4-7
	adapter 2 hwtype=13 mode=ep11 domains=4-7
	adapter 3 hwtype=12 mode=accel domains=4-7
	mdev $M1 adapters=1 domains=6 control=none
	mdev $M2 adapters=2 domains=7 control=none
	mdev $M3 adapters=none domains=none control=none
	EOF
	if [ "${#extra[@]}" -gt 0 ]; then
		printf '%s\n' "${extra[@]}"
	fi
}

# ------------------------------------------------------------------ checks

# Record a failed check of worker $W (command $N) and keep going; the
# worker's exit status says that something failed, the summary shows it.
problem() {
	echo "FAIL worker $W command $N: $*" >> "$work/failures"
	failed=1
}

# invariants < STATE: print each APQN that apsim's model has shared by two
# mdevs or held by an mdev while apmask and aqmask give it to the host.
invariants() {
	awk '
	function bits(hex, set,    i, v, b, p) {
		split("", set)
		hex = tolower(substr(hex, 3))
		for (i = 1; i <= length(hex); i++) {
			v = index("0123456789abcdef", substr(hex, i, 1)) - 1
			p = 8
			for (b = 0; b < 4; b++) {
				if (int(v / p) % 2)
					set[(i - 1) * 4 + b] = 1
				p /= 2
			}
		}
	}
	function field(name,    i) {
		for (i = 1; i <= NF; i++)
			if (index($i, name "=") == 1)
				return substr($i, length(name) + 2)
		return ""
	}
	$1 == "bus" { apmask = field("apmask"); aqmask = field("aqmask") }
	$1 == "mdev" { n++; uuid[n] = $2; am[n] = field("adapters"); dm[n] = field("domains") }
	END {
		bits(apmask, hp); bits(aqmask, hq)
		for (i = 1; i <= n; i++) {
			bits(am[i], a); bits(dm[i], d)
			for (x in a) for (y in d) {
				apqn = sprintf("%02x.%04x", x, y)
				if ((x in hp) && (y in hq))
					print "host-apqn " apqn " in " uuid[i]
				if (apqn in owner)
					print "shared-apqn " apqn " in " owner[apqn] " and " uuid[i]
				owner[apqn] = uuid[i]
			}
		}
	}'
}

# Temporary files of dead processes in run/lock (s390apconfig.lock<pid><xx>)
# and run/zap (journal.<pid>); a file whose process runs may be in use.
dead_temp_files() {
	local f name pid

	for f in "$ZAP_ROOT"/run/lock/* "$ZAP_ROOT"/run/zap/*; do
		[ -e "$f" ] || continue
		name=${f##*/}
		case $name in
		s390apconfig.lock | journal) continue ;;
		s390apconfig.lock*)
			pid=${name#s390apconfig.lock}
			pid=${pid%??}
			;;
		journal.*) pid=${name#journal.} ;;
		*) echo "$f"; continue ;;
		esac
		if ! [[ "$pid" =~ ^[0-9]+$ ]]; then
			echo "$f"
		elif ! kill -0 "$((10#$pid))" 2>/dev/null && [ -e "$f" ]; then
			echo "$f"
		fi
	done
}

# lszap_check: lszap --check --json into $wdir/check.json; KINDS and BAD
# (the kinds that are not informational) from it; its exit code.
lszap_check() {
	local rc

	timeout -k 5 "$cmd_timeout" lszap --check --json > "$wdir/check.json" 2> "$wdir/check.err"
	rc=$?
	kinds=$(jq -r '[.problems[] | select(.severity != "warning") | .kind] | unique | join(",")' "$wdir/check.json" 2>/dev/null)
	bad=$(jq -r '[.problems[] | select(.severity == "error") | .kind] | unique | join(",")' "$wdir/check.json" 2>/dev/null)
	return "$rc"
}

# Only problems that a concurrent change makes lszap see for a moment;
# lszap is then run again: "unreadable" files that vanished while lszap read
# them, even after the library's own re-reads (an mdev a concurrent --remove
# took away; lszap names what it could not read, issue 8). A lasting
# problem fails after the retries.
transient_only() {
	[ -n "$bad" ] &&
		jq -e '[.problems[] | select(.severity == "error") |
			.kind == "unreadable" and
			(.message | test("vanished while reading$"))] | all' \
			"$wdir/check.json" > /dev/null 2>&1
}

# check_state: lszap --check, apsim's model, the run/ directories.
check_state() {
	local rc tries=0 kinds bad snap

	while :; do
		lszap_check
		rc=$?
		if [ "$rc" -eq 3 ] && transient_only && [ "$tries" -lt 5 ]; then
			tries=$((tries + 1))
			echo "$W $N $bad" >> "$work/retries"
			continue
		fi
		break
	done
	if [ "$rc" -ne 0 ] || [ -n "$bad" ]; then
		snap=$(invariants < "$S/.apsim/state" | tr '\n' ';')
		problem "lszap --check exit $rc, kinds '$kinds' ($(jq -c '.problems' "$wdir/check.json" 2>/dev/null) $(cat "$wdir/check.err")); apsim's model now: '${snap:-clean}'"
	fi
	snap=$(invariants < "$S/.apsim/state")
	if [ -n "$snap" ]; then
		problem "apsim's model: $(echo "$snap" | tr '\n' ';')"
	fi
	snap=$(dead_temp_files)
	if [ -n "$snap" ]; then
		problem "temporary files of dead processes: $(echo "$snap" | tr '\n' ' ')"
	fi
}

# check_outcome OP RC: the exit code agrees with what chzap said and wrote.
check_outcome() {
	local op=$1 rc=$2 line nwrites=0 already=0 other=()

	: > "$wdir/writes"
	while IFS= read -r line; do
		case $line in
		"chzap: echo "*" > "*": failed: "* | "chzap: undo: "*)
			other+=("$line") ;;
		"chzap: echo "*" > "*)
			line=${line#chzap: echo }
			printf '%s\t%s\\n\t0\n' "${line##* > "$S"/}" "${line% > *}" \
				>> "$wdir/writes"
			nwrites=$((nwrites + 1))
			;;
		"chzap: already in the requested state"*) already=1 ;;
		# --host in effect for the masks, not for every queue named
		"chzap: not in effect for every queue named: "*) already=1 ;;
		"chzap: warning: "*) ;;
		"chzap: note: this change is live only"*) ;;
		*) other+=("$line") ;;
		esac
	done < "$wdir/err"
	case $rc in
	0)
		[ "${#other[@]}" -eq 0 ] ||
			problem "exit 0 with: ${other[*]}"
		[ "$nwrites" -gt 0 ] || [ "$already" -eq 1 ] ||
			problem "exit 0, no write and no 'already in the requested state'"
		[ "$nwrites" -eq 0 ] || [ "$already" -eq 0 ] ||
			problem "exit 0, writes and 'already in the requested state'"
		case $op in
		create)
			[ "$(cat "$wdir/out")" = "$own" ] ||
				problem "--create printed '$(cat "$wdir/out")', not $own"
			own_exists=1
			;;
		remove) own_exists=0 ;;
		vfio | host)
			if grep -Eqv '^[0-9]+ queues? (host -> vfio|vfio -> host)(: [0-9a-f. ]+)?$' "$wdir/out"; then
				problem "unexpected output: $(cat "$wdir/out")"
			fi
			;;
		*)
			[ ! -s "$wdir/out" ] || problem "unexpected output: $(cat "$wdir/out")"
			;;
		esac
		cat "$wdir/writes" >> "$wdir/reported"
		;;
	3)
		[ "$nwrites" -eq 0 ] || problem "refused (exit 3) after $nwrites writes"
		[ "${#other[@]}" -gt 0 ] || problem "refused (exit 3) without a reason"
		[ ! -s "$wdir/out" ] || problem "refused, but printed: $(cat "$wdir/out")"
		;;
	5)
		[ "$nwrites" -eq 0 ] || problem "lock not obtained (exit 5) after $nwrites writes"
		grep -q 'lock .* is held by process' "$wdir/err" ||
			problem "exit 5 without the lock holder: $(cat "$wdir/err")"
		;;
	2)
		problem "exit 2: chzap ${args[*]}: $(tr '\n' ' ' < "$wdir/err")"
		;;
	124 | 137)
		problem "timed out after $cmd_timeout s: chzap ${args[*]}"
		;;
	*)
		problem "exit $rc: chzap ${args[*]}: $(tr '\n' ' ' < "$wdir/err")"
		;;
	esac
}

# ------------------------------------------------------------------ workers

# ids POOL...: one or two distinct ids of POOL, as a chzap LIST.
ids() {
	local pool=("$@") a b

	a=${pool[RANDOM % ${#pool[@]}]}
	b=${pool[RANDOM % ${#pool[@]}]}
	if [ $((RANDOM % 3)) -eq 0 ] && [ "$a" != "$b" ]; then
		echo "$a,$b"
	else
		echo "$a"
	fi
}

# pick_args: a random change in ARGS, its kind in OP.
pick_args() {
	local r=$((RANDOM % 100)) mdevs=("$M1" "$M2" "$M3") which

	[ "$own_exists" -eq 1 ] && mdevs+=("$own")
	args=()
	if [ $((RANDOM % 10)) -eq 0 ]; then
		args+=(--lock-timeout 0)
	else
		args+=(--lock-timeout 30)
	fi
	if [ "$r" -lt 55 ]; then
		op=assign
		if [ "$r" -ge 30 ]; then
			op=unassign
			args+=(-u)
		fi
		args+=(-m "${mdevs[RANDOM % ${#mdevs[@]}]}")
		which=$((RANDOM % 3))
		[ "$which" -ne 1 ] && args+=(-a "$(ids 1 2 3)")
		[ "$which" -ne 0 ] && args+=(-d "$(ids 4 5 6 7)")
	elif [ "$r" -lt 70 ]; then
		if [ "$own_exists" -eq 1 ]; then
			op=remove
			args+=(--remove -m "$own")
		else
			op=create
			args+=(--create -m "$own")
			[ $((RANDOM % 4)) -ne 0 ] && args+=(-a "$(ids 1 2 3)")
			[ $((RANDOM % 4)) -ne 0 ] && args+=(-d "$(ids 4 5 6 7)")
		fi
	else
		if [ "$r" -lt 85 ]; then
			op=vfio
			args+=(--vfio)
		else
			op=host
			args+=(--host)
		fi
		if [ $((RANDOM % 4)) -eq 0 ]; then
			args+=(-a "$(ids 1 2 3)")
		else
			args+=(-d "$(ids 4 5 6 7)")
		fi
	fi
}

# worker W: COUNT random changes, each checked; exit 1 if a check failed.
worker() {
	local rc op args=()

	W=$1
	wdir=$work/w$W
	mkdir -p "$wdir"
	: > "$wdir/reported"
	own=$(own_uuid "$W")
	own_exists=0
	failed=0
	RANDOM=$((seed + W))
	for ((N = 1; N <= count; N++)); do
		pick_args
		timeout -k 5 "$cmd_timeout" chzap -V "${args[@]}" \
			> "$wdir/out" 2> "$wdir/err"
		rc=$?
		echo "$op $rc chzap ${args[*]}" >> "$wdir/log"
		check_outcome "$op" "$rc"
		check_state
	done
	return "$failed"
}

# ------------------------------------------------------------------ one run

# soak GENERATION: mount, run the workers, check the end state.
soak() {
	local gen=$1 i pid pids=() status=0 start left

	work=$(mktemp -d "${TMPDIR:-/tmp}/zap-soak.XXXXXX")
	work=$(realpath "$work")
	export ZAP_ROOT=$work/root SYSFS_ROOT=$work/root/sys
	S=$SYSFS_ROOT
	mkdir -p "$S"
	machine "$gen" > "$work/machine"
	"$APSIM" "$work/machine" "$S" 3>&- ||
		{ echo "soak: apsim did not start" >&2; return 1; }
	mounted=$S
	: > "$work/failures"
	: > "$work/retries"
	start=$SECONDS
	for ((i = 1; i <= procs; i++)); do
		worker "$i" 3>&- &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || status=1
	done
	W=end N=-
	failed=0
	wdir=$work/end
	mkdir -p "$wdir"
	# the end: lock free, nothing in run/, a clean configuration
	left=$(cd "$ZAP_ROOT" && find run -mindepth 2 2>/dev/null | tr '\n' ' ')
	[ -z "$left" ] || problem "left in run/: $left"
	check_state
	# every write apsim received was accepted and reported by a chzap
	# that exited with 0, and every reported write reached apsim
	if grep -qv '	0$' "$S/.apsim/writes"; then
		problem "writes apsim refused: $(grep -v '	0$' "$S/.apsim/writes" | head -5 | tr '\t\n' ' ;')"
	fi
	LC_ALL=C sort "$S/.apsim/writes" > "$work/received"
	cat "$work"/w*/reported | LC_ALL=C sort > "$work/reported"
	if ! cmp -s "$work/received" "$work/reported"; then
		problem "apsim received other writes than chzap reported: $(diff "$work/reported" "$work/received" | head -6 | tr '\t\n' ' ;')"
	fi
	[ "$failed" -eq 0 ] || status=1
	summary "$gen" $((SECONDS - start))
	fusermount3 -u "$S" 2>/dev/null || fusermount3 -uz "$S"
	mounted=
	if [ "$status" -eq 0 ] && [ -z "${SOAK_KEEP:-}" ]; then
		rm -rf "$work"
	else
		echo "soak: work directory kept: $work"
	fi
	return "$status"
}

# summary GENERATION SECONDS: what ran, by change and exit code.
summary() {
	local total writes

	total=$(cat "$work"/w*/log 2>/dev/null | wc -l)
	writes=$(wc -l < "$S/.apsim/writes")
	echo "soak ($1 kernel, seed $seed): $total commands by $procs workers in $2 s, $writes sysfs writes, $(wc -l < "$work/failures") failed checks"
	echo "  lszap --check run again: $(grep -c unreadable "$work/retries") times for an mdev that vanished while it read"
	cat "$work"/w*/log 2>/dev/null | awk '{ n[$1 " " $2]++ } END { for (k in n) print k, n[k] }' |
		LC_ALL=C sort | awk '{ printf "  %-8s exit %s: %d\n", $1, $2, $3 }'
	if [ -s "$work/failures" ]; then
		head -20 "$work/failures"
	fi
}

mounted=
trap '[ -z "$mounted" ] || fusermount3 -uz "$mounted"; exit 130' INT TERM
rc=0
for gen in $kernels; do
	case $gen in
	newest | old) ;;
	*) echo "soak: unknown kernel generation: $gen" >&2; exit 2 ;;
	esac
	soak "$gen" || rc=1
done
exit "$rc"
