#!/usr/bin/env bash
# Fault injection with real processes: backends that refuse,
# reset, never read or close mid-transfer; clients that reset, stay silent
# or half-close; running out of fds and of processes; max-children under a
# burst; SIGPIPE, SIGTERM/SIGINT and SIGCHLD storms.  The misbehaving peers
# are test/peer.pl; the well-behaved ones are socat.  Every wait is bounded.
. "$(dirname "$0")/lib.sh"
require perl prlimit setpriv

PEER=$TESTDIR/peer.pl
FAULT_USER=relayfault

# relay_on_path PATH ERRFILE CMD...: starts CMD (relay, maybe under timeout)
# on the splice or the copy path (RELAY_NO_SPLICE=1), stderr to ERRFILE;
# R is its pid, and it listens on $LP when this returns.
relay_on_path() {
	local path=$1 err=$2
	shift 2
	if [ "$path" = copy ]; then
		bg env RELAY_NO_SPLICE=1 "$@" 2>"$err"
	else
		bg "$@" 2>"$err"
	fi
	R=$BG_PID
	wait_listen "$LP"
}

# ports LP BP: two distinct free ports into $LP and $BP.
ports() {
	LP=$(free_port)
	BP=$(free_port)
	while [ "$BP" = "$LP" ]; do BP=$(free_port); done
}

# peer NAME ARGS...: start test/peer.pl NAME ARGS in the background ($BG_PID).
peer() { bg perl "$PEER" "$@" >/dev/null; }

# echo_backend PORT: an echo server on PORT (test/peer.pl's, one process:
# a socat EXEC:cat per connection could lose a reply to socat's own -t 0.5
# on a busy machine).
echo_backend() {
	peer echo-server "$1"
	wait_listen "$1"
}

# tree_rss PID: resident memory of PID and its children, in KiB.
tree_rss() {
	local p sum=0 kb
	for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null)
		sum=$((sum + ${kb:-0}))
	done
	echo "$sum"
}

# alive PID: PID runs and is not a zombie.
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# rc01 DESC RC: RC is 0 or 1 (ended by itself, not by a signal or timeout).
rc01() {
	case $2 in
	0 | 1) ok "$1 (exit $2)" ;;
	*) not_ok "$1 (expected exit 0 or 1, got $2$([ "$2" -ge 124 ] && echo ': timeout or signal'))" ;;
	esac
}

# e_if_1 DESC RC ERRFILE: an exit status 1 comes with an E log line.
e_if_1() {
	if [ "$2" != 1 ] || grep -Eq '\] E ' "$3"; then
		ok "$1"
	else
		not_ok "$1 (exit 1 without an E log line: $(head -c 200 "$3"))"
	fi
}

head -c $((8 * 1024 * 1024)) /dev/urandom >"$TMP/big"
# Listeners whose clients half-close and wait for an echo run with -t 30:
# on a busy machine the echo can come later than the default 0.5 s.

# ---------------------------------------------------------------- backend
# 1. The backend refuses: E, exit 1, the client gets an end and no byte.
ports
bg timeout 20 "$RELAY" TCP-LISTEN:"$LP",reuseaddr TCP:127.0.0.1:"$BP" 2>"$TMP/refuse.err"
R=$BG_PID
wait_listen "$LP"
printf hello | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" >"$TMP/refuse.out" 2>/dev/null
check_eq "backend refuses: the client's connection ends" 0 "$?"
wait "$R"
check_eq "backend refuses: relay exits 1" 1 "$?"
check "backend refuses: E log names the refusal" grep -Eq '\] E .*refused' "$TMP/refuse.err"
check "backend refuses: the client gets no byte" test ! -s "$TMP/refuse.out"

# ... and a fork listener survives it and serves once the backend is up.
ports
bg "$RELAY" -t 30 TCP-LISTEN:"$LP",reuseaddr,fork TCP:127.0.0.1:"$BP" 2>"$TMP/refuse2.err"
R=$BG_PID
wait_listen "$LP"
printf hello | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" >/dev/null 2>&1
echo_backend "$BP"
got=$(printf again | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" 2>/dev/null)
check "backend refused: the fork listener survives" alive "$R"
check_eq "backend refused, then up: the next client is served" again "$got"
kill "$R"

# 2. The backend accepts and resets at once.
ports
peer rst-server "$BP"
wait_listen "$BP"
for path in splice copy; do
	relay_on_path "$path" "$TMP/rst.err" timeout 20 "$RELAY" TCP-LISTEN:"$LP",reuseaddr TCP:127.0.0.1:"$BP"
	printf hello | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" >"$TMP/rst.out" 2>/dev/null
	check_eq "backend resets ($path): the client's connection ends" 0 "$?"
	wait "$R"
	rc=$?
	rc01 "backend resets ($path): relay ends by itself" "$rc"
	e_if_1 "backend resets ($path): exit 1 is logged" "$rc" "$TMP/rst.err"
	check "backend resets ($path): the client gets no byte" test ! -s "$TMP/rst.out"
done

# 3. The backend accepts and never reads while a client sends 1 GiB:
# backpressure, the relay's memory stays flat, the client is held up.
for path in splice copy; do
	ports
	peer hold-server "$BP"
	HOLD=$BG_PID
	wait_listen "$BP"
	relay_on_path "$path" "$TMP/hold.err" "$RELAY" TCP-LISTEN:"$LP",reuseaddr,fork TCP:127.0.0.1:"$BP"
	base=$(tree_rss "$R")
	bg bash -c 'head -c 1073741824 /dev/zero | "$0" -u - TCP:127.0.0.1:"$1"' "$SOCAT" "$LP"
	C=$BG_PID
	max=0
	for i in $(seq 50); do
		sleep 0.2
		r=$(tree_rss "$R")
		[ "$r" -gt "$max" ] && max=$r
	done
	echo "# never-reading backend ($path): relay RSS $base KiB at start, at most $max KiB during the stall"
	check "never-reading backend ($path): relay (listener + child) RSS stays under 64 MiB" \
		test "$max" -lt 65536
	check "never-reading backend ($path): the client is held up by backpressure" alive "$C"
	check "never-reading backend ($path): the listener lives" alive "$R"
	pkill -P "$C" 2>/dev/null
	kill "$C" "$R" "$HOLD" 2>/dev/null
done

# 4. The backend closes in the middle of a transfer: it got a true prefix,
# relay ends by itself (no SIGPIPE), the client is not left hanging.
for path in splice copy; do
	ports
	peer close-after "$BP" 100000 "$TMP/mid.got"
	P=$BG_PID
	wait_listen "$BP"
	relay_on_path "$path" "$TMP/mid.err" timeout 20 "$RELAY" TCP-LISTEN:"$LP",reuseaddr TCP:127.0.0.1:"$BP"
	timeout 15 "$SOCAT" -u OPEN:"$TMP/big" TCP:127.0.0.1:"$LP" 2>/dev/null
	crc=$?
	check "backend closes mid-transfer ($path): the client is not left hanging" test "$crc" -lt 124
	wait "$R"
	rc=$?
	rc01 "backend closes mid-transfer ($path): relay ends by itself" "$rc"
	e_if_1 "backend closes mid-transfer ($path): exit 1 is logged" "$rc" "$TMP/mid.err"
	wait "$P"
	head -c 100000 "$TMP/big" >"$TMP/mid.want"
	check "backend closes mid-transfer ($path): it got the first 100000 bytes exactly" \
		cmp -s "$TMP/mid.want" "$TMP/mid.got"
done

# ----------------------------------------------------------------- client
# 5. The client resets in the middle of a transfer: relay ends, and passes
# the end on, so the backend is not left hanging either.
for path in splice copy; do
	ports
	bg timeout 20 "$SOCAT" -u TCP-LISTEN:"$BP",reuseaddr CREATE:"$TMP/crst.sink"
	B=$BG_PID
	wait_listen "$BP"
	relay_on_path "$path" "$TMP/crst.err" timeout 20 "$RELAY" TCP-LISTEN:"$LP",reuseaddr TCP:127.0.0.1:"$BP"
	timeout 15 perl "$PEER" rst-client "$LP" 8388608
	wait "$R"
	rc=$?
	rc01 "client resets ($path): relay ends by itself" "$rc"
	e_if_1 "client resets ($path): exit 1 is logged" "$rc" "$TMP/crst.err"
	wait "$B"
	check_eq "client resets ($path): the backend's connection ends" 0 "$?"
	n=$(wc -c <"$TMP/crst.sink")
	check "client resets ($path): the backend got a prefix ($n of 8388608 bytes, all the client's)" \
		sh -c "[ $n -le 8388608 ] && ! tr -d x <'$TMP/crst.sink' | grep -q ."
done

# 6. The client connects and sends nothing: -T 2 ends the connection, exit 0.
ports
bg timeout 30 "$SOCAT" TCP-LISTEN:"$BP",reuseaddr SYSTEM:"sleep 25" 2>/dev/null
B=$BG_PID
wait_listen "$BP"
bg timeout 20 "$RELAY" -T 2 TCP-LISTEN:"$LP",reuseaddr TCP:127.0.0.1:"$BP" 2>"$TMP/idle.err"
R=$BG_PID
wait_listen "$LP"
start=$SECONDS
timeout 15 "$SOCAT" -u TCP:127.0.0.1:"$LP" CREATE:"$TMP/idle.out" 2>/dev/null
check_eq "silent client, -T 2: the client's connection ends" 0 "$?"
wait "$R"
check_eq "silent client, -T 2: relay exits 0" 0 "$?"
echo "# silent client, -T 2: ended after $((SECONDS - start)) s"
check "silent client, -T 2: no byte went anywhere" test ! -s "$TMP/idle.out"
kill "$B" 2>/dev/null

# 7. The client half-closes and waits for a slow reply; -t 5 lets it come.
head -c 300000 /dev/urandom >"$TMP/req"
head -c 1048576 /dev/urandom >"$TMP/reply"
for path in splice copy; do
	ports
	rm -f "$TMP/req.got"
	peer slow-reply "$BP" 2 "$TMP/req.got" "$TMP/reply"
	P=$BG_PID
	wait_listen "$BP"
	relay_on_path "$path" "$TMP/slow.err" timeout 30 "$RELAY" -t 5 TCP-LISTEN:"$LP",reuseaddr TCP:127.0.0.1:"$BP"
	timeout 20 "$SOCAT" -t 10 - TCP:127.0.0.1:"$LP" <"$TMP/req" >"$TMP/reply.got" 2>/dev/null
	check_eq "half-close, slow reply, -t 5 ($path): the client ends" 0 "$?"
	wait "$R"
	check_eq "half-close, slow reply, -t 5 ($path): relay exits 0" 0 "$?"
	wait "$P"
	check "half-close, slow reply ($path): the backend got the request exactly" cmp -s "$TMP/req" "$TMP/req.got"
	check "half-close, slow reply ($path): the client got the whole reply" cmp -s "$TMP/reply" "$TMP/reply.got"
done

# -------------------------------------------------------------- resources
# 8. Out of fds.  Under ulimit -n 64 a fork listener serves 200 clients at
# once (each child has its own fds).  Then the listener itself is out of
# fds (its soft limit lowered to its lowest free fd): accept fails, it logs
# E and lives, and the clients waiting meanwhile are served once fds free.
ports
echo_backend "$BP"
bg bash -c 'ulimit -n 64; exec "$@"' fdlimit "$RELAY" -t 30 \
	TCP-LISTEN:"$LP",reuseaddr,fork,backlog=512 TCP:127.0.0.1:"$BP" 2>"$TMP/fd.err"
R=$BG_PID
wait_listen "$LP"
check_eq "ulimit -n 64: the listener runs with a soft limit of 64" 64 \
	"$(awk '/^Max open files/ {print $4}' "/proc/$R/limits")"
got=$(timeout 90 perl "$PEER" echo-many "$LP" 200 80)
check_eq "ulimit -n 64: 200 clients at once all served" 200 "$got"
check "ulimit -n 64: the listener survives 200 clients" alive "$R"
low=3
while [ -e "/proc/$R/fd/$low" ]; do low=$((low + 1)); done
if prlimit --pid "$R" --nofile="$low":64; then
	# Only what the listener logs from here on counts.
	before=$(wc -c <"$TMP/fd.err")
	newlog() { tail -c +$((before + 1)) "$TMP/fd.err"; }
	bg bash -c 'timeout 60 perl "$0" echo-many "$1" 5 50 >"$2"' "$PEER" "$LP" "$TMP/fd.waiting"
	W=$BG_PID
	i=0
	while [ $i -lt 100 ] && ! newlog | grep -Eq '\] E .*accept'; do sleep 0.1; i=$((i + 1)); done
	check "out of fds: accept failures are logged as E" sh -c "tail -c +$((before + 1)) '$TMP/fd.err' | grep -Eq '\] E .*accept.*[Tt]oo many open files'"
	sleep 2.5
	check "out of fds: the listener survives" alive "$R"
	# It retries every 0.1 s, and logs about once a second (3 here), not
	# 30 lines in 3 s, filling the log while the shortage lasts.
	n=$(newlog | grep -Ec '\] E .*accept')
	check "out of fds for 3 s: the accept failure is logged at most once a second (got $n lines)" test "$n" -le 5
	prlimit --pid "$R" --nofile=64:64
	wait "$W"
	check_eq "fds free again: the 5 clients that waited are served" 5 "$(cat "$TMP/fd.waiting")"
	got=$(printf later | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" 2>/dev/null)
	check_eq "fds free again: a later client is served" later "$got"
else
	not_ok "prlimit could not lower the listener's fd limit"
fi
kill "$R"

# 9. fork fails (RLIMIT_NPROC of an unprivileged user): that connection is
# closed with an E log, the listener survives and serves once it can fork.
if id "$FAULT_USER" >/dev/null 2>&1 || useradd -M -r -s /usr/sbin/nologin "$FAULT_USER" 2>/dev/null; then
	trap 't_cleanup; userdel "$FAULT_USER" 2>/dev/null' EXIT
	ports
	echo_backend "$BP"
	bg setpriv --reuid="$FAULT_USER" --regid="$FAULT_USER" --clear-groups \
		bash -c 'ulimit -u 2; exec "$@"' nproc "$RELAY" -t 30 \
		TCP-LISTEN:"$LP",reuseaddr,fork TCP:127.0.0.1:"$BP" 2>"$TMP/nproc.err"
	R=$BG_PID
	wait_listen "$LP"
	# The first client holds the one child the limit allows.
	bg bash -c 'sleep 30 | exec "$0" - TCP:127.0.0.1:"$1"' "$SOCAT" "$LP"
	H=$BG_PID
	i=0
	while [ $i -lt 100 ] && [ "$(nchildren "$R")" -lt 1 ]; do sleep 0.1; i=$((i + 1)); done
	check_eq "fork fails: the first client has its child" 1 "$(nchildren "$R")"
	got=$(printf second | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" 2>/dev/null)
	check_eq "fork fails: the client beyond the limit gets its connection closed, no byte" "" "$got"
	check "fork fails: E log for fork" grep -Eq '\] E .*fork' "$TMP/nproc.err"
	check "fork fails: the listener survives" alive "$R"
	pkill -P "$H" 2>/dev/null
	kill "$H" 2>/dev/null
	i=0
	while [ $i -lt 100 ] && [ "$(nchildren "$R")" -gt 0 ]; do sleep 0.1; i=$((i + 1)); done
	got=$(printf third | timeout 10 "$SOCAT" -t 2 - TCP:127.0.0.1:"$LP" 2>/dev/null)
	check_eq "fork fails: once a child is free, the next client is served" third "$got"
	kill "$R"
	wait_gone "$R" 5
else
	not_ok "cannot create user $FAULT_USER for the fork-failure case"
fi

# 10. max-children=5 under a burst of 500 connects: never more than 5
# children, and every client that waits is served.
ports
bg "$SOCAT" -t 30 TCP-LISTEN:"$BP",reuseaddr,fork,backlog=1024 SYSTEM:'sleep 0.02; exec cat'
wait_listen "$BP"
bg "$RELAY" -t 30 TCP-LISTEN:"$LP",reuseaddr,fork,max-children=5,backlog=600 \
	TCP:127.0.0.1:"$BP" 2>"$TMP/maxc.err"
R=$BG_PID
wait_listen "$LP"
bg bash -c 'm=0; while [ ! -e "$2" ]; do
	c=$(wc -w <"/proc/$1/task/$1/children" 2>/dev/null || echo 0)
	[ "$c" -gt "$m" ] && m=$c && echo "$m" >"$3"; done' sampler "$R" "$TMP/maxc.stop" "$TMP/maxc.max"
S=$BG_PID
echo 0 >"$TMP/maxc.max"
got=$(timeout 150 perl "$PEER" echo-many "$LP" 500 140)
touch "$TMP/maxc.stop"
wait_gone "$S" 5
check_eq "max-children=5, burst of 500: all 500 served" 500 "$got"
max=$(cat "$TMP/maxc.max")
echo "# max-children=5: at most $max children seen"
check "max-children=5, burst of 500: never more than 5 children ($max seen)" test "$max" -le 5
check "max-children=5, burst of 500: the listener survives" alive "$R"
kill "$R"

# ---------------------------------------------------------------- signals
# 11. SIGPIPE never kills relay: its stdout is a pipe whose reader is gone.
ports
bg "$SOCAT" -u OPEN:"$TMP/big" TCP-LISTEN:"$BP",reuseaddr 2>/dev/null
wait_listen "$BP"
timeout 20 "$RELAY" -t 5 - TCP:127.0.0.1:"$BP" </dev/null 2>"$TMP/pipe.err" | head -c1 >"$TMP/pipe.out"
rc=${PIPESTATUS[0]}
check "SIGPIPE: relay is not killed by it (exit $rc)" test "$rc" -ne 141
check_eq "SIGPIPE: relay exits 1 on the broken pipe" 1 "$rc"
check "SIGPIPE: the broken pipe is an E log line" grep -Eq '\] E ' "$TMP/pipe.err"
check_eq "SIGPIPE: the reader got its byte" 1 "$(wc -c <"$TMP/pipe.out")"

# 12. SIGTERM and SIGINT end a listener with 143 and 130; a child that is
# serving a connection lives on (as in socat) and finishes its transfer.
ports
echo_backend "$BP"
for sig in TERM:143 INT:130; do
	bg "$RELAY" -t 30 TCP-LISTEN:"$LP",reuseaddr,fork TCP:127.0.0.1:"$BP" 2>/dev/null
	R=$BG_PID
	wait_listen "$LP"
	bg bash -c '(sleep 1.5; printf later) | exec "$0" -t 3 - TCP:127.0.0.1:"$1" >"$2"' \
		"$SOCAT" "$LP" "$TMP/sig.out"
	C=$BG_PID
	i=0
	while [ $i -lt 100 ] && [ "$(nchildren "$R")" -lt 1 ]; do sleep 0.05; i=$((i + 1)); done
	kill -"${sig%:*}" "$R"
	wait "$R"
	check_eq "SIG${sig%:*}: the listener exits ${sig#*:}" "${sig#*:}" "$?"
	wait "$C"
	check_eq "SIG${sig%:*}: the child serving a client finishes its transfer" later "$(cat "$TMP/sig.out")"
done

# 13. A SIGCHLD storm: 1,000 short connections a second for 10 s (or what
# the machine manages) leave no zombie, and the listener lives.
ports
peer close-server "$BP"
wait_listen "$BP"
bg "$RELAY" TCP-LISTEN:"$LP",reuseaddr,fork,backlog=1024 TCP:127.0.0.1:"$BP" 2>/dev/null
R=$BG_PID
wait_listen "$LP"
made=$(timeout 60 perl "$PEER" storm "$LP" 1000 10)
echo "# SIGCHLD storm: ${made:-0} connections in 10 s"
check "SIGCHLD storm: connections were made (${made:-0})" test "${made:-0}" -gt 0
i=0
while [ $i -lt 200 ] && [ "$(nchildren "$R")" -gt 0 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "SIGCHLD storm: no child left" 0 "$(nchildren "$R")"
check_eq "SIGCHLD storm: no zombie" 0 "$(zombies "$R")"
check "SIGCHLD storm: the listener lives" alive "$R"
kill "$R"

finish
