#!/usr/bin/env bash
# Engine behaviour: one-shot listener, failed connect in a fork child,
# per-connection name resolution, half-close, -T, SIGTERM of a fork listener,
# peers that reset, UNIX-LISTEN socket file lifetime.  Every scenario runs
# first with real socat and then with relay; each run is checked against the
# expected value (socat 1.7.4's observed behaviour), so relay must match
# socat and a scenario fails if both are wrong.
. "$(dirname "$0")/lib.sh"

# reap PID [SECONDS]: wait for background PID to exit and set REAP_RC to its
# exit status, or to "still-running" (and kill it) after SECONDS (10).
reap() {
	if wait_gone "$1" "${2:-10}"; then
		wait "$1"
		REAP_RC=$?
	else
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		REAP_RC=still-running
	fi
}

# echo_ok PORT TEXT: a client sends TEXT through PORT and gets it back.
echo_ok() {
	[ "$(printf '%s\n' "$2" | timeout 10 "$SOCAT" -t 5 - "TCP:127.0.0.1:$1" 2>/dev/null)" = "$2" ]
}

LOGLINE='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [^ []+\[[0-9]+\] E '

# Shared echo backend (-T 60: a child left over by a failed scenario goes
# away by itself).
ECHO=$(free_port)
bg "$SOCAT" -T 60 -t 10 "TCP-LISTEN:$ECHO,fork,reuseaddr,backlog=64" PIPE 2>"$TMP/echo.err"
ECHO_PID=$BG_PID
wait_listen "$ECHO"

# stop_tree PID: kill PID's children, then PID (lib.sh's cleanup kills the
# parent first, which can orphan a child before it is found).
stop_tree() {
	pkill -KILL -P "$1" 2>/dev/null
	kill -TERM "$1" 2>/dev/null
}

# ---------------------------------------------------------------------------
# Without fork: serves one connection, exits 0, then the port is closed.
one_shot() {
	local n=$1 b=$2 p lpid out err
	p=$(free_port)
	bg "$b" "TCP-LISTEN:$p,reuseaddr" "TCP:127.0.0.1:$ECHO"
	lpid=$BG_PID
	wait_listen "$p"
	out=$(echo "one shot" | timeout 10 "$SOCAT" -t 5 - "TCP:127.0.0.1:$p" 2>&1)
	check_eq "$n: no fork: the connection is relayed" "one shot" "$out"
	reap "$lpid" 10
	check_eq "$n: no fork: exits 0 after its one connection" 0 "$REAP_RC"
	err=$(echo again | timeout 10 "$SOCAT" -t 5 - "TCP:127.0.0.1:$p" 2>&1 >/dev/null)
	if printf '%s\n' "$err" | grep -q 'Connection refused'; then
		ok "$n: no fork: a second connect is refused"
	else
		not_ok "$n: no fork: a second connect is refused (client said: $err)"
	fi
}

# ---------------------------------------------------------------------------
# Fork child whose connect fails: the client gets EOF quickly, an E line is
# logged, the listener keeps serving and works once the backend is up.
failed_connect() {
	local n=$1 b=$2 p q lpid crc out
	p=$(free_port)
	q=$(free_port)
	bg "$b" "TCP-LISTEN:$p,fork,reuseaddr" "TCP:127.0.0.1:$q" 2>"$TMP/$n.fc.err"
	lpid=$BG_PID
	wait_listen "$p"
	out=$(timeout 10 "$SOCAT" -u "TCP:127.0.0.1:$p" STDOUT 2>"$TMP/$n.fc.cli")
	crc=$?
	check_eq "$n: backend down: client sees EOF and exits 0 (not a timeout)" 0 "$crc"
	check_eq "$n: backend down: client received nothing" "" "$out"
	wait_until 10 "the listener's child count is not 0" has_children "$lpid" 0
	if grep -Eq "$LOGLINE" "$TMP/$n.fc.err"; then
		ok "$n: backend down: an E line is logged"
	else
		not_ok "$n: backend down: an E line is logged (stderr: $(head -c 300 "$TMP/$n.fc.err"))"
	fi
	check "$n: backend down: listener still running" kill -0 "$lpid"
	check_eq "$n: backend down: no zombie child" 0 "$(zombies "$lpid")"
	bg "$SOCAT" -t 10 "TCP-LISTEN:$q,fork,reuseaddr" PIPE
	wait_listen "$q"
	check "$n: backend up again: the next client works" echo_ok "$p" "after the backend came up"
	kill -TERM "$lpid"
	reap "$lpid" 10
}

# ---------------------------------------------------------------------------
# TCP:localhost:PORT, resolved in each fork child (/etc/hosts names only).
resolve_each() {
	local n=$1 b=$2 p lpid i bad=0
	p=$(free_port)
	bg "$b" "TCP-LISTEN:$p,fork,reuseaddr" "TCP:localhost:$ECHO"
	lpid=$BG_PID
	wait_listen "$p"
	for i in 1 2 3 4 5; do
		echo_ok "$p" "via localhost $i" || bad=$((bad + 1))
	done
	check_eq "$n: TCP:localhost: connections failing out of 5" 0 "$bad"
	kill -TERM "$lpid"
	reap "$lpid" 10
}

# ---------------------------------------------------------------------------
# Half-close: the client sends its request and shuts down its write side; the
# server answers 0.2 s after seeing EOF; with the default -t 0.5 the answer
# still arrives, byte-exact.  The server is one process (test/peer.pl) that
# waits in-process: no program has to start within the 0.5 s.
head -c 100000 /dev/urandom > "$TMP/request"
head -c 100000 /dev/urandom > "$TMP/reply"
half_close() {
	local n=$1 b=$2 p q spid lpid crc
	q=$(free_port)
	bg perl "$TESTDIR/peer.pl" slow-reply "$q" 0.2 "$TMP/$n.hc.req" "$TMP/reply" >/dev/null
	spid=$BG_PID
	wait_listen "$q"
	p=$(free_port)
	bg "$b" "TCP-LISTEN:$p,reuseaddr" "TCP:127.0.0.1:$q"
	lpid=$BG_PID
	wait_listen "$p"
	timeout 10 "$SOCAT" -t 5 "OPEN:$TMP/request!!CREATE:$TMP/$n.hc.got" "TCP:127.0.0.1:$p"
	crc=$?
	check_eq "$n: half-close: client exit status" 0 "$crc"
	check_eq "$n: half-close: server got the request byte-exact" \
		"$(sum "$TMP/request")" "$(sum "$TMP/$n.hc.req" 2>/dev/null)"
	check_eq "$n: half-close: client got the late reply byte-exact" \
		"$(sum "$TMP/reply")" "$(sum "$TMP/$n.hc.got" 2>/dev/null)"
	reap "$lpid" 10
	check_eq "$n: half-close: exit status" 0 "$REAP_RC"
	reap "$spid" 10
}

# ---------------------------------------------------------------------------
# -T 1: an idle connection (no data either way) is closed after about 1 s and
# the non-fork listener exits 0.
idle_timeout() {
	local n=$1 b=$2 p q lpid crc out t0 ms
	q=$(free_port)
	bg "$SOCAT" "TCP-LISTEN:$q,reuseaddr" "EXEC:sleep 30"
	wait_listen "$q"
	p=$(free_port)
	bg "$b" -T 1 "TCP-LISTEN:$p,reuseaddr" "TCP:127.0.0.1:$q"
	lpid=$BG_PID
	wait_listen "$p"
	t0=$(date +%s%N)
	out=$(timeout 10 "$SOCAT" -u "TCP:127.0.0.1:$p" STDOUT 2>&1)
	crc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# $n: -T 1 closed the idle connection after $ms ms"
	check_eq "$n: -T 1: idle client is closed (EOF, exit 0) within 10 s" 0 "$crc"
	check_eq "$n: -T 1: idle client received nothing" "" "$out"
	check "$n: -T 1: not closed before 0.5 s" [ "$ms" -ge 500 ]
	reap "$lpid" 10
	check_eq "$n: -T 1: exit status" 0 "$REAP_RC"
}

# ---------------------------------------------------------------------------
# SIGTERM to a fork listener with one connection in flight: the listener
# exits 143; socat 1.7.4 leaves the forked child alone, so the connection
# keeps working.
sigterm_fork() {
	local n=$1 b=$2 p lpid cpid kids k alive flows
	p=$(free_port)
	bg "$b" "TCP-LISTEN:$p,fork,reuseaddr" "TCP:127.0.0.1:$ECHO" 2>"$TMP/$n.st.err"
	lpid=$BG_PID
	wait_listen "$p"
	mkfifo "$TMP/$n.st.in"
	exec 7<>"$TMP/$n.st.in"
	# (sh -c: a background command's stdin is /dev/null unless redirected
	# in that very command)
	bg sh -c 'exec timeout 30 "$0" -t 5 - "TCP:127.0.0.1:$1" <"$2" >"$3" 7>&-' \
		"$SOCAT" "$p" "$TMP/$n.st.in" "$TMP/$n.st.out"
	cpid=$BG_PID
	echo "before the signal" >&7
	wait_until 5 "no data before the signal" grep -qF "before the signal" "$TMP/$n.st.out"
	kids=$(pgrep -P "$lpid")
	check_eq "$n: SIGTERM: one child serves the connection" 1 "$(echo "$kids" | grep -c .)"
	kill -TERM "$lpid"
	reap "$lpid" 10
	check_eq "$n: SIGTERM: listener exit status" 143 "$REAP_RC"
	sleep 0.5
	alive=no
	for k in $kids; do
		grep -q '^State:[[:space:]]*[^Z[:space:]]' "/proc/$k/status" 2>/dev/null && alive=yes
	done
	echo "after the signal" >&7
	if wait_until 3 "no data after the signal" grep -qF "after the signal" "$TMP/$n.st.out"; then flows=yes; else flows=no; fi
	check_eq "$n: SIGTERM: the forked child survives the listener" yes "$alive"
	check_eq "$n: SIGTERM: the in-flight connection still relays" yes "$flows"
	exec 7>&-
	reap "$cpid" 10
	check_eq "$n: SIGTERM: client then ends normally" 0 "$REAP_RC"
	for k in $kids; do kill -KILL "$k" 2>/dev/null; done
	# Without -d only E and F messages are logged (socat: "exiting on
	# signal 15" is a W message), so listener and child print nothing.
	check_eq "$n: SIGTERM: nothing logged without -d" "" "$(cat "$TMP/$n.st.err")"
}

# ---------------------------------------------------------------------------
# Peers that reset: a client killed with SIGKILL mid-transfer (unread data in
# its receive buffer, so the kernel sends RST) and clients closing with
# linger=0.  The children go, no zombies, the listener keeps serving.
reset_peer() {
	local n=$1 b=$2 p lpid cpid i
	p=$(free_port)
	bg "$b" "TCP-LISTEN:$p,fork,reuseaddr" "TCP:127.0.0.1:$ECHO" 2>/dev/null
	lpid=$BG_PID
	wait_listen "$p"
	# Sends zeros forever and never reads the echo: the transfer stalls with
	# full buffers, then the client dies.
	bg "$SOCAT" -u /dev/zero "TCP:127.0.0.1:$p"
	cpid=$BG_PID
	wait_until 10 "the listener's child count is not 1" has_children "$lpid" 1
	sleep 1
	check_eq "$n: reset: a child serves the stalled transfer" 1 "$(children "$lpid")"
	kill -KILL "$cpid"
	wait "$cpid" 2>/dev/null
	wait_until 10 "the listener's child count is not 0" has_children "$lpid" 0
	check_eq "$n: reset: client SIGKILLed mid-transfer: child gone" 0 "$(children "$lpid")"
	check_eq "$n: reset: client SIGKILLed mid-transfer: no zombie" 0 "$(zombies "$lpid")"
	check "$n: reset: client SIGKILLed mid-transfer: listener still running" kill -0 "$lpid"
	for i in 1 2 3 4 5; do
		head -c 200000 /dev/urandom |
			timeout 10 "$SOCAT" -t 0 - "TCP:127.0.0.1:$p,linger=0" >/dev/null 2>&1
	done
	wait_until 10 "the listener's child count is not 0" has_children "$lpid" 0
	check_eq "$n: reset: linger=0 clients: children gone" 0 "$(children "$lpid")"
	check_eq "$n: reset: linger=0 clients: no zombie" 0 "$(zombies "$lpid")"
	check "$n: reset: listener still serves" echo_ok "$p" "after resets"
	kill -TERM "$lpid"
	reap "$lpid" 10
}

# ---------------------------------------------------------------------------
# UNIX-LISTEN: the socket file exists while the listener runs, survives a
# fork child's exit, and is removed when the listener exits (SIGTERM with
# fork; normally after the one connection without fork).
unix_listen() {
	local n=$1 b=$2 s lpid out
	s=$TMP/$n.sock
	bg "$b" "UNIX-LISTEN:$s,fork" "TCP:127.0.0.1:$ECHO"
	lpid=$BG_PID
	wait_unix "$s"
	check "$n: UNIX-LISTEN fork: socket file exists while running" test -S "$s"
	out=$(echo "unix one" | timeout 10 "$SOCAT" -t 5 - "UNIX-CONNECT:$s" 2>&1)
	check_eq "$n: UNIX-LISTEN fork: first connection relayed" "unix one" "$out"
	wait_until 10 "the listener's child count is not 0" has_children "$lpid" 0
	check_eq "$n: UNIX-LISTEN fork: the child has finished" 0 "$(children "$lpid")"
	check "$n: UNIX-LISTEN fork: socket file still exists after a child exited" test -S "$s"
	out=$(echo "unix two" | timeout 10 "$SOCAT" -t 5 - "UNIX-CONNECT:$s" 2>&1)
	check_eq "$n: UNIX-LISTEN fork: second connection relayed" "unix two" "$out"
	kill -TERM "$lpid"
	reap "$lpid" 10
	check_eq "$n: UNIX-LISTEN fork: exit status on SIGTERM" 143 "$REAP_RC"
	check "$n: UNIX-LISTEN fork: socket file removed at exit" test ! -e "$s"

	s=$TMP/$n.sock1
	bg "$b" "UNIX-LISTEN:$s" "TCP:127.0.0.1:$ECHO"
	lpid=$BG_PID
	wait_unix "$s"
	check "$n: UNIX-LISTEN: socket file exists while running" test -S "$s"
	out=$(echo "unix once" | timeout 10 "$SOCAT" -t 5 - "UNIX-CONNECT:$s" 2>&1)
	check_eq "$n: UNIX-LISTEN: connection relayed" "unix once" "$out"
	reap "$lpid" 10
	check_eq "$n: UNIX-LISTEN: exit status" 0 "$REAP_RC"
	check "$n: UNIX-LISTEN: socket file removed after a normal exit" test ! -e "$s"
}

for scenario in one_shot failed_connect resolve_each half_close idle_timeout \
	sigterm_fork reset_peer unix_listen; do
	"$scenario" socat "$SOCAT"
	"$scenario" relay "$RELAY"
done
stop_tree "$ECHO_PID"

finish
