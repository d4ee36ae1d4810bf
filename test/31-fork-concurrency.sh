#!/usr/bin/env bash
# Fork listener under load: 200 connections open at the same time, each
# echoing its own 64 KiB of random data byte-exact, then 1,000 short
# connections in batches of 50.  Afterwards the listener has no children (no
# zombies) and the same number of open fds as before.  First, what a fork
# child holds: after the listener has exited, and in a burst of clients.
. "$(dirname "$0")/lib.sh"


N=${CONC_N:-200}
SHORT=${SHORT_N:-1000}
BATCH=50

# Echo backend.
Q=$(free_port)
bg "$SOCAT" -t 30 "TCP-LISTEN:$Q,fork,reuseaddr,backlog=512" PIPE
wait_listen "$Q"

# --- a fork listener that exits while a child still serves ------------------
# The child has closed the listening socket: once the listener is gone,
# nothing listens on the port and a new client is refused (it would
# otherwise connect into a queue nobody accepts from, and hang), while the
# served client goes on.  socat behaves so; relay's child holds exactly two
# sockets, its client's and its backend's.
for tool in "$SOCAT" "$RELAY"; do
	w=relay
	[ "$tool" = "$SOCAT" ] && w="socat (reference)"
	P=$(free_port)
	bg "$tool" -t 5 "TCP-LISTEN:$P,fork,reuseaddr" "TCP:127.0.0.1:$Q"
	LPID=$BG_PID
	wait_listen "$P"
	mkfifo "$TMP/held.in"
	bg "$SOCAT" -t 5 "TCP:127.0.0.1:$P" "OPEN:$TMP/held.in!!CREATE:$TMP/held.out"
	CPID=$BG_PID
	exec 3>"$TMP/held.in"
	echo one >&3
	wait_until 10 "no echo through the $w child" grep -q one "$TMP/held.out"
	child=$(pgrep -P "$LPID")
	if [ "$tool" = "$RELAY" ]; then
		check_eq "$w: the fork child holds two sockets (client, backend)" 2 \
			"$(find "/proc/$child/fd" -lname 'socket:*' 2>/dev/null | wc -l)"
	fi
	kill -TERM "$LPID"
	wait_gone "$LPID" 5
	check "$w: the fork child still serves after the listener exited" kill -0 "$child"
	check "$w: nothing listens on the port once the listener exited" \
		wait_until 5 "port $P still listening" eval "! listening tcp $P"
	timeout 5 "$SOCAT" /dev/null "TCP:127.0.0.1:$P" 2>"$TMP/held.err"
	check_eq "$w: a new client is refused, not left hanging" 1 "$?"
	check "$w: ... with connection refused" grep -q 'Connection refused' "$TMP/held.err"
	echo two >&3
	check "$w: the served client still gets its echo" \
		wait_until 10 "no second echo" grep -q two "$TMP/held.out"
	exec 3>&-
	wait_gone "$CPID" 10 || kill "$CPID" 2>/dev/null
	kill "$child" 2>/dev/null
	rm -f "$TMP"/held.*
done

# A burst: three clients queued while the listener was stopped are
# accepted at one go, each held for its own child.  Every child holds its
# client's and its backend's sockets only, none of the others'.  (The
# clients stay connected, blocked opening a FIFO nobody writes.)
P=$(free_port)
bg "$RELAY" -t 5 "TCP-LISTEN:$P,fork,reuseaddr" "TCP:127.0.0.1:$Q"
LPID=$BG_PID
wait_listen "$P"
kill -STOP "$LPID"
for i in 1 2 3; do
	mkfifo "$TMP/burst.$i"
	bg "$SOCAT" "TCP:127.0.0.1:$P" "OPEN:$TMP/burst.$i"
done
queued() { [ "$(ss -Hltn "sport = :$P" | awk '{print $2}')" -ge 3 ]; }
wait_until 10 "the three clients are not queued" queued
kill -CONT "$LPID"
check "a burst of three clients: three children" wait_until 10 "not three children" has_children "$LPID" 3
socks=""
for c in $(pgrep -P "$LPID"); do
	socks="$socks $(find "/proc/$c/fd" -lname 'socket:*' 2>/dev/null | wc -l)"
done
check_eq "a burst of three clients: each child holds two sockets" " 2 2 2" "$socks"
pkill -TERM -P "$LPID" 2>/dev/null
kill -TERM "$LPID"

P=$(free_port)
bg "$RELAY" -t 30 "TCP-LISTEN:$P,fork,reuseaddr,backlog=512" "TCP:127.0.0.1:$Q"
RPID=$BG_PID
wait_listen "$P"
sleep 0.2
FD0=$(fd_count "$RPID")
echo "# relay listener pid $RPID has $FD0 fds"

# settle DESC: wait (up to 20 s) for the listener's children to go, then
# check no children/zombies remain and the fd count is back to FD0.
settle() {
	local i=0
	while [ "$(children "$RPID")" -gt 0 ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check "$1: relay listener still running" kill -0 "$RPID"
	check_eq "$1: listener has no zombie children" 0 "$(zombies "$RPID")"
	check_eq "$1: listener has no children left" 0 "$(children "$RPID")"
	check_eq "$1: listener fd count unchanged" "$FD0" "$(fd_count "$RPID")"
}

# --- 200 simultaneous connections -------------------------------------------
# Each client connects first, then blocks opening its input FIFO; the inputs
# are released only once all N connections are established, so all N
# transfers really run at the same time.
head -c $((N * 65536)) /dev/urandom > "$TMP/all"
split -b 65536 -d -a 4 "$TMP/all" "$TMP/in."
rm -f "$TMP/all"
pids=()
for i in $(seq -f %04g 0 $((N - 1))); do
	mkfifo "$TMP/fifo.$i"
	timeout 90 "$SOCAT" -t 30 "TCP:127.0.0.1:$P" \
		"OPEN:$TMP/fifo.$i!!CREATE:$TMP/out.$i" 2>"$TMP/err.$i" &
	pids+=($!)
done
i=0
while [ "$(ss -Htn state established "sport = :$P" | wc -l)" -lt "$N" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
check_eq "$N client connections established at once through the listener" "$N" \
	"$(ss -Htn state established "sport = :$P" | wc -l)"
echo "# listener children while all connected: $(children "$RPID")"
# The FIFO is opened inside timeout: a client that never opened its end
# must not leave the writer blocked in open() forever.
cats=()
for i in $(seq -f %04g 0 $((N - 1))); do
	timeout 90 sh -c 'exec cat "$1" > "$2"' sh "$TMP/in.$i" "$TMP/fifo.$i" &
	cats+=($!)
done
bad_rc=0
for p in "${pids[@]}"; do
	wait "$p" || bad_rc=$((bad_rc + 1))
done
kill "${cats[@]}" 2>/dev/null
for p in "${cats[@]}"; do
	wait "$p"
done
bad=0
for i in $(seq -f %04g 0 $((N - 1))); do
	if ! cmp -s "$TMP/in.$i" "$TMP/out.$i"; then
		bad=$((bad + 1))
		[ $bad -le 5 ] && echo "# client $i: sent $(stat -c %s "$TMP/in.$i") bytes, got back $(stat -c %s "$TMP/out.$i" 2>/dev/null) bytes, differ; stderr: $(head -c 300 "$TMP/err.$i")"
	fi
done
check_eq "$N concurrent clients: clients exiting non-zero" 0 "$bad_rc"
check_eq "$N concurrent clients: echoes not byte-exact" 0 "$bad"
settle "after $N concurrent connections"
rm -f "$TMP"/in.* "$TMP"/out.* "$TMP"/fifo.* "$TMP"/err.*

# --- 1,000 short connections, in batches of 50 ------------------------------
bad=0
bad_rc=0
i=0
while [ $i -lt "$SHORT" ]; do
	pids=()
	for j in $(seq $i $((i + BATCH - 1))); do
		printf 'short connection %d\n' "$j" |
			timeout 30 "$SOCAT" -t 10 - "TCP:127.0.0.1:$P" > "$TMP/s.$j" 2>/dev/null &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || bad_rc=$((bad_rc + 1))
	done
	for j in $(seq $i $((i + BATCH - 1))); do
		if [ "$(cat "$TMP/s.$j")" != "short connection $j" ]; then
			bad=$((bad + 1))
			[ $bad -le 5 ] && echo "# short connection $j got '$(head -c 100 "$TMP/s.$j")'"
		fi
		rm -f "$TMP/s.$j"
	done
	i=$((i + BATCH))
done
check_eq "$SHORT short connections: clients exiting non-zero" 0 "$bad_rc"
check_eq "$SHORT short connections: wrong echoes" 0 "$bad"
settle "after $SHORT short connections"

finish
