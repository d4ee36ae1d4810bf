#!/usr/bin/env bash
# What a fork listener's child holds, read from /proc while connections are
# open: a splice pipe only for a direction that has carried data, grown to
# 256 KiB for bulk data (not with -b), no pipe on the copy path; SIGCHLD
# ignored by a listener without max-children (the kernel reaps, no zombie)
# but caught again in each child, and never ignored by an EXEC program.
. "$(dirname "$0")/lib.sh"


# pipe_sizes PID PARENT: the sizes of the pipes PID has and its PARENT has
# not (what it inherited is not its own), one per pipe (both ends count
# once), sorted; empty when it has none.
pipe_sizes() {
	perl -e '
		my ($pid, $parent) = @ARGV; my %seen;
		for my $fd (glob "/proc/$parent/fd/*") {
			my $l = readlink $fd or next;
			$seen{$1} = 1 if $l =~ /^pipe:\[(\d+)\]$/;
		}
		for my $fd (glob "/proc/$pid/fd/*") {
			my $l = readlink $fd or next;
			next unless $l =~ /^pipe:\[(\d+)\]$/ && !$seen{$1}++;
			open(my $h, "<", $fd) or next;
			print fcntl($h, 1032, 0) + 0, "\n";   # F_GETPIPE_SZ
		}' "$1" "$2" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# sig_bit PID FIELD SIG: 1 if SIG is set in PID's /proc status FIELD mask.
sig_bit() {
	local mask
	mask=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$mask" ] || { echo "?"; return; }
	echo $(( (16#$mask >> ($3 - 1)) & 1 ))
}

# only_child PID: PID's one child, once it has exactly one (10 s).
only_child() {
	wait_until 10 "$1 has no single child" has_children "$1" 1 &&
		pgrep -P "$1"
}

# A backend that sends 4 MiB at once, then holds the connection open; and
# one that reads whatever comes and never answers.
BULK=$(free_port)
bg "$SOCAT" "TCP-LISTEN:$BULK,fork,reuseaddr" SYSTEM:'head -c 4194304 /dev/zero; sleep 60'
SINK=$(free_port)
bg "$SOCAT" "TCP-LISTEN:$SINK,fork,reuseaddr" SYSTEM:'cat >/dev/null'
wait_listen "$BULK" && wait_listen "$SINK"

# start_relay VAR BACKEND ARGS...: a relay fork listener in front of BACKEND
# (port), extra relay flags ARGS; its pid in VAR, its port in PORT.
start_relay() {
	local var=$1 backend=$2
	shift 2
	PORT=$(free_port)
	bg "$RELAY" "$@" "TCP-LISTEN:$PORT,fork,reuseaddr" "TCP:127.0.0.1:$backend"
	printf -v "$var" %s "$BG_PID"
	wait_listen "$PORT"
}

# has_pipe CHILD LISTENER: whether the child has a pipe of its own yet.
has_pipe() { [ -n "$(pipe_sizes "$1" "$2")" ]; }

# --- lazy pipes --------------------------------------------------------------
start_relay L "$SINK"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
C=$(only_child "$L")
sleep 0.3
check_eq "idle connection: the child has no pipe" "" "$(pipe_sizes "$C" "$L")"
printf 'hello\n' >&3
wait_until 10 "no pipe after data" has_pipe "$C" "$L"
check_eq "data one way: one pipe, the default 64 KiB" 65536 "$(pipe_sizes "$C" "$L")"
exec 3>&-
wait_until 10 "child did not go" has_children "$L" 0

# --- bulk data grows the pipe ------------------------------------------------
# bulk_case DESC EXPECTED ENV... -- RELAYFLAGS...: 4 MiB from the backend
# reach the client byte-exact, and then the child's pipes are EXPECTED.
bulk_case() {
	local desc=$1 want=$2 c l
	shift 2
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	PORT=$(free_port)
	bg env "${envs[@]}" "$RELAY" "$@" "TCP-LISTEN:$PORT,fork,reuseaddr" "TCP:127.0.0.1:$BULK"
	l=$BG_PID
	wait_listen "$PORT"
	exec 3<>"/dev/tcp/127.0.0.1/$PORT"
	c=$(only_child "$l")
	timeout 20 head -c 4194304 <&3 >"$TMP/bulk.out"
	check_eq "$desc: 4 MiB arrive" 4194304 "$(stat -c %s "$TMP/bulk.out")"
	check_eq "$desc: the child's pipes" "$want" "$(pipe_sizes "$c" "$l")"
	exec 3>&-
	kill "$l" 2>/dev/null
	pkill -P "$l" 2>/dev/null
}
bulk_case "bulk one way" 262144 --
bulk_case "bulk with -b 8192" 65536 -- -b 8192
bulk_case "bulk on the copy path" "" RELAY_NO_SPLICE=1 --

# --- SIGCHLD -------------------------------------------------------------------
start_relay L "$SINK"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
C=$(only_child "$L")
# (read once the listener has accepted: it ignores SIGCHLD in its loop, a
# moment after it listens)
check_eq "fork listener: SIGCHLD ignored (the kernel reaps)" 1 "$(sig_bit "$L" SigIgn 17)"
check_eq "its child: SIGCHLD caught again" 1 "$(sig_bit "$C" SigCgt 17)"
check_eq "its child: SIGCHLD not ignored" 0 "$(sig_bit "$C" SigIgn 17)"
exec 3>&-
for i in $(seq 20); do
	printf 'x\n' | timeout 10 "$SOCAT" -t 1 - "TCP:127.0.0.1:$PORT" >/dev/null 2>&1
done
wait_until 10 "children left" has_children "$L" 0
check_eq "after 20 connections: no zombie, no child" "0 0" "$(zombies "$L") $(children "$L")"

PORT=$(free_port)
bg "$RELAY" "TCP-LISTEN:$PORT,fork,reuseaddr,max-children=2" "TCP:127.0.0.1:$SINK"
wait_listen "$PORT"
check_eq "fork listener with max-children: SIGCHLD caught" 1 "$(sig_bit "$BG_PID" SigCgt 17)"

# A program started by a fork child: its own children's exits reach it.
PROG='sleep 0 & wait $!; echo wait=$?; grep ^SigIgn /proc/self/status'
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	PORT=$(free_port)
	# (-t 5: the client's EOF comes at once, before the program has
	# answered; a child still ends with the program)
	bg "$tool" -t 5 "TCP-LISTEN:$PORT,fork,reuseaddr" SYSTEM:"$PROG"
	wait_listen "$PORT"
	out=$(timeout 10 "$SOCAT" -t 2 - "TCP:127.0.0.1:$PORT" </dev/null 2>&1 | tr '\n' ' ')
	check_eq "$w: the program's wait for its child" "wait=0" "${out%% *}"
	ign=$(printf '%s\n' "$out" | sed -n 's/.*SigIgn:[[:space:]]*\([0-9a-f]*\).*/\1/p')
	check_eq "$w: the program does not inherit an ignored SIGCHLD" 0 \
		"$(( (16#${ign:-ffffffff} >> 16) & 1 ))"
done

finish
