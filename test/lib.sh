# Shared helpers for relay's test scenarios.  Source it from a test script:
#   . "$(dirname "$0")/lib.sh"
# Each scenario prints "ok - ..." or "not ok - ..." per assertion; test/run
# counts those lines.  Everything a scenario starts is registered here and is
# killed by the EXIT trap, whether the scenario passes, fails or is killed.

set -u

TESTDIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$TESTDIR/.." && pwd)
RELAY=${RELAY:-$TOP/relay}
SOCAT=${SOCAT:-socat}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/relay-test.XXXXXX")
T_PIDS=""
T_NETNS=""
T_FAILED=0

# descendants PID: PID's children, grandchildren and so on.
descendants() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# A command that does not exist is a bug in the scenario (a helper it never
# defined, a peer CI did not install), not a result: bash would only return
# 127, which a check may take for an expected failure.  The handler runs in a
# subshell whose output may be captured, so it notes the name in a file, and
# the EXIT trap reports each as a failure.
command_not_found_handle() {
	echo "$1" >>"$TMP/commands-not-found"
	echo "relay test: $1: command not found" >&2
	return 127
}

t_cleanup() {
	local all="" p
	if [ -s "$TMP/commands-not-found" ]; then
		sort -u "$TMP/commands-not-found" | while read -r p; do
			not_ok "the scenario ran '$p', which is no command here"
		done
	fi
	# The whole tree first: a fork listener's children outlive it.
	for p in $T_PIDS; do
		all="$all $p $(descendants "$p")"
	done
	[ -n "${all// }" ] && kill -TERM $all 2>/dev/null
	sleep 0.1
	[ -n "${all// }" ] && kill -KILL $all 2>/dev/null
	for ns in $T_NETNS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; T_FAILED=$((T_FAILED + 1)); }

# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (expected '$2', got '$3')"
	fi
}

# bg CMD...: run CMD in the background, remember its pid in $BG_PID and
# kill it at exit.
bg() {
	"$@" &
	BG_PID=$!
	T_PIDS="$T_PIDS $BG_PID"
}

# free_port: print a port no TCP or UDP socket uses, in any state.  It stays
# below the kernel's range for outgoing connections (32768 and up), so no
# client connection can take it between this check and the bind.
free_port() {
	local p
	while :; do
		p=$(( 10000 + (RANDOM * 32768 + RANDOM) % 22000 ))
		if ! ss -Hantu 2>/dev/null | awk '{print $5; print $6}' | grep -q ":$p\$"; then
			echo "$p"
			return
		fi
	done
}

# wait_until SECONDS WHAT CMD...: run CMD every 0.05 s until it succeeds,
# for at most SECONDS; on time-out say "# WHAT" and fail.
wait_until() {
	local i=0 n=$(( $1 * 20 )) what=$2
	shift 2
	while [ $i -lt $n ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "# $what" >&2
	return 1
}

# listening tcp|udp|unix WHERE: whether a socket listens (is bound) there.
listening() {
	case $1 in
	tcp) ss -Hltn "sport = :$2" | grep -q . ;;
	udp) ss -Hlun "sport = :$2" | grep -q . ;;
	unix) [ -S "$2" ] && ss -Hxl | grep -qF " $2 " ;;
	esac
}

# wait_listen PORT [SECONDS]: wait until something listens on TCP PORT.
wait_listen() { wait_until "${2:-10}" "nothing listens on port $1" listening tcp "$1"; }

# wait_udp PORT [SECONDS]: wait until a UDP socket is bound to PORT.
wait_udp() { wait_until "${2:-10}" "no UDP socket on port $1" listening udp "$1"; }

# wait_unix PATH [SECONDS]: wait until a listening UNIX socket exists at PATH.
wait_unix() { wait_until "${2:-10}" "nothing listens on $1" listening unix "$1"; }

# wait_gone PID [SECONDS]: wait for PID to exit; returns 1 on timeout.
wait_gone() {
	local i=0 n=$(( ${2:-10} * 20 ))
	while kill -0 "$1" 2>/dev/null; do
		[ $i -ge $n ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 0
}

# fd_count PID: number of open fds of PID.
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# children PID: number of live child processes of PID (zombies included).
children() { pgrep -P "$1" 2>/dev/null | wc -l; }

# has_children PID N: whether PID has exactly N live children.  For
# wait_until: a "$(children PID)" argument would be counted once, when
# wait_until is called, and never again.
has_children() { [ "$(children "$1")" -eq "$2" ]; }

# nchildren PID: children of PID (zombies too), read in one go from the
# kernel's list, so that a child reaped and replaced during the read is not
# counted twice.
nchildren() { wc -w <"/proc/$1/task/$1/children" 2>/dev/null || echo 0; }

# has_lines FILE N: FILE exists and has N lines or more.
has_lines() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

# zombies PID: number of zombie children of PID.
zombies() {
	local n=0 c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		grep -q '^State:.*Z' "/proc/$c/status" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

# sum FILE: a checksum of FILE's bytes.
sum() { sha256sum < "$1" | cut -d' ' -f1; }

# netns_add NAME: create a network namespace removed at exit.
netns_add() {
	ip netns del "$1" 2>/dev/null
	ip netns add "$1" || return 1
	T_NETNS="$T_NETNS $1"
	ip -n "$1" link set lo up
}

# finish: the scenario's exit status.
finish() { [ "$T_FAILED" -eq 0 ]; exit $?; }

# require PROGRAM...: a scenario's peers and probes.  One that is missing
# fails the scenario at once: run through timeout, ip netns exec or a
# shell string it would only exit 127, which a check expecting a failure or
# no output would take as a pass.  .ci/run installs them all.
require() {
	local c missing=""
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	[ -z "$missing" ] && return 0
	not_ok "needs$missing, not installed here (bash .ci/run installs every peer)"
	exit 1
}

# The ambassador's listeners: one dual-stack socket where the kernel has
# IPv6 (TCP6-LISTEN:<port>,ipv6only=0,...), IPv4 otherwise; the relay
# command lines it prints use these.
if [ -e /proc/net/if_inet6 ]; then AMB_LV=6 AMB_DUAL=,ipv6only=0; else AMB_LV=4 AMB_DUAL=; fi
