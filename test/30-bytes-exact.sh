#!/usr/bin/env bash
# Data integrity: 64 MiB of random data in each direction at the same time
# through relay, for TCP->TCP, TCP->UNIX, UNIX->TCP, a small -b buffer and
# STDIO (regular files and pipes, connecting and listening).  The peers are
# real socat with dual addresses: in "A!!B" socat reads from A and writes to B
# (socat(1), "dual type address"), so "OPEN:send!!CREATE:recv" sends one file
# and stores what it receives in another.
. "$(dirname "$0")/lib.sh"


MB=${BYTES_MB:-64}
head -c "${MB}M" /dev/urandom > "$TMP/up"     # client -> server
head -c "${MB}M" /dev/urandom > "$TMP/down"   # server -> client
UP=$(sum "$TMP/up")
DOWN=$(sum "$TMP/down")
RUN=0

# start_server KIND: start the far-end socat (sends down, stores srv_recv);
# sets SRV_PID and RELAY_CONNECT (relay's address that reaches it).
start_server() {
	case $1 in
	tcp)
		local q; q=$(free_port)
		bg timeout 120 "$SOCAT" -t 30 "OPEN:$TMP/down!!CREATE:$TMP/srv_recv" \
			"TCP-LISTEN:$q,reuseaddr"
		SRV_PID=$BG_PID
		RELAY_CONNECT="TCP:127.0.0.1:$q"
		wait_listen "$q"
		;;
	unix)
		bg timeout 120 "$SOCAT" -t 30 "OPEN:$TMP/down!!CREATE:$TMP/srv_recv" \
			"UNIX-LISTEN:$TMP/s.$RUN"
		SRV_PID=$BG_PID
		RELAY_CONNECT="UNIX-CONNECT:$TMP/s.$RUN"
		wait_unix "$TMP/s.$RUN"
		;;
	esac
}

# relay_listen KIND: sets RELAY_LISTEN and CLIENT_CONNECT.
relay_listen() {
	case $1 in
	tcp)
		local p; p=$(free_port)
		RELAY_LISTEN="TCP-LISTEN:$p,reuseaddr"
		CLIENT_CONNECT="TCP:127.0.0.1:$p"
		WAIT_RELAY="wait_listen $p"
		;;
	unix)
		RELAY_LISTEN="UNIX-LISTEN:$TMP/r.$RUN"
		CLIENT_CONNECT="UNIX-CONNECT:$TMP/r.$RUN"
		WAIT_RELAY="wait_unix $TMP/r.$RUN"
		;;
	esac
}

# check_both DESC FILE_SERVER_GOT FILE_CLIENT_GOT
check_both() {
	check_eq "$1: client->server bytes exact" "$UP" "$(sum "$2" 2>/dev/null)"
	check_eq "$1: server->client bytes exact" "$DOWN" "$(sum "$3" 2>/dev/null)"
	rm -f "$2" "$3"
}

# through DESC LISTEN_KIND CONNECT_KIND [RELAY_OPTION...]
through() {
	local desc=$1 lkind=$2 ckind=$3 rpid crc rrc src
	shift 3
	RUN=$((RUN + 1))
	rm -f "$TMP/srv_recv" "$TMP/cli_recv"
	start_server "$ckind"
	relay_listen "$lkind"
	bg timeout 120 "$RELAY" -t 30 "$@" "$RELAY_LISTEN" "$RELAY_CONNECT"
	rpid=$BG_PID
	$WAIT_RELAY
	timeout 120 "$SOCAT" -t 30 "OPEN:$TMP/up!!CREATE:$TMP/cli_recv" "$CLIENT_CONNECT"
	crc=$?
	wait "$rpid"; rrc=$?
	wait "$SRV_PID"; src=$?
	check_eq "$desc: client socat exit status" 0 "$crc"
	check_eq "$desc: relay exit status" 0 "$rrc"
	check_eq "$desc: server socat exit status" 0 "$src"
	check_both "$desc" "$TMP/srv_recv" "$TMP/cli_recv"
}

through "TCP->TCP" tcp tcp
through "TCP->UNIX" tcp unix
through "UNIX->TCP" unix tcp
through "TCP->TCP -b 1000" tcp tcp -b 1000
# relay moves socket-to-socket data with splice() on Linux; RELAY_NO_SPLICE=1
# forces its read()/write() copy path, which must be exact as well.
RELAY_NO_SPLICE=1 through "TCP->TCP copy path" tcp tcp
RELAY_NO_SPLICE=1 through "TCP->UNIX copy path" tcp unix
RELAY_NO_SPLICE=1 through "TCP->TCP copy path -b 1000" tcp tcp -b 1000

# stalled DESC: TCP->TCP while the client is stopped (SIGSTOP) for 2 s soon
# after connecting: relay's buffers and both peers' socket buffers fill, its
# writes would block, and after SIGCONT every byte must still arrive.
stalled() {
	local desc=$1 rpid cpid crc rrc src
	RUN=$((RUN + 1))
	rm -f "$TMP/srv_recv" "$TMP/cli_recv"
	start_server tcp
	relay_listen tcp
	bg timeout 120 "$RELAY" -t 30 "$RELAY_LISTEN" "$RELAY_CONNECT"
	rpid=$BG_PID
	$WAIT_RELAY
	bg timeout 120 "$SOCAT" -t 30 "OPEN:$TMP/up!!CREATE:$TMP/cli_recv" "$CLIENT_CONNECT"
	cpid=$BG_PID
	sleep 0.2
	pkill -STOP -P "$cpid"
	sleep 2
	echo "# $desc: client had received $(stat -c %s "$TMP/cli_recv" 2>/dev/null) bytes when stopped"
	pkill -CONT -P "$cpid"
	wait "$cpid"; crc=$?
	wait "$rpid"; rrc=$?
	wait "$SRV_PID"; src=$?
	check_eq "$desc: client socat exit status" 0 "$crc"
	check_eq "$desc: relay exit status" 0 "$rrc"
	check_eq "$desc: server socat exit status" 0 "$src"
	check_both "$desc" "$TMP/srv_recv" "$TMP/cli_recv"
}
stalled "TCP->TCP client stopped 2 s"
RELAY_NO_SPLICE=1 stalled "TCP->TCP copy path, client stopped 2 s"

# STDIO connecting, stdin/stdout regular files.
RUN=$((RUN + 1))
start_server tcp
timeout 120 "$RELAY" -t 30 - "$RELAY_CONNECT" < "$TMP/up" > "$TMP/cli_recv"
rrc=$?
wait "$SRV_PID"; src=$?
check_eq "STDIO files -> TCP: relay exit status" 0 "$rrc"
check_eq "STDIO files -> TCP: server socat exit status" 0 "$src"
check_both "STDIO files -> TCP" "$TMP/srv_recv" "$TMP/cli_recv"

# STDIO connecting, stdin/stdout pipes.
RUN=$((RUN + 1))
start_server tcp
timeout 120 cat "$TMP/up" | timeout 120 "$RELAY" -t 30 STDIO "$RELAY_CONNECT" | cat > "$TMP/cli_recv"
rrc=${PIPESTATUS[1]}
wait "$SRV_PID"; src=$?
check_eq "STDIO pipes -> TCP: relay exit status" 0 "$rrc"
check_eq "STDIO pipes -> TCP: server socat exit status" 0 "$src"
check_both "STDIO pipes -> TCP" "$TMP/srv_recv" "$TMP/cli_recv"

# STDIO as the far end of a listener: relay TCP-LISTEN:P - < down > srv_recv.
RUN=$((RUN + 1))
relay_listen tcp
bg sh -c 'exec timeout 120 "$1" -t 30 "$2" - < "$3" > "$4"' sh \
	"$RELAY" "$RELAY_LISTEN" "$TMP/down" "$TMP/srv_recv"
rpid=$BG_PID
$WAIT_RELAY
timeout 120 "$SOCAT" -t 30 "OPEN:$TMP/up!!CREATE:$TMP/cli_recv" "$CLIENT_CONNECT"
crc=$?
wait "$rpid"; rrc=$?
check_eq "TCP-LISTEN -> STDIO files: client socat exit status" 0 "$crc"
check_eq "TCP-LISTEN -> STDIO files: relay exit status" 0 "$rrc"
check_both "TCP-LISTEN -> STDIO files" "$TMP/srv_recv" "$TMP/cli_recv"

# Started with 0, 1 or 2 closed: the connection's socket must not take the
# closed number and get relay's log lines (2), or be read as "-" and
# have the server's reply sent back to it (0, 1).  The server records
# exactly what it got.
for closed in 0 1 2; do
	P=$(free_port)
	rm -f "$TMP/cl.got"
	bg "$SOCAT" -t 5 TCP-LISTEN:$P,reuseaddr SYSTEM:"printf reply; cat >'$TMP/cl.got'"
	spid=$BG_PID
	wait_listen "$P"
	printf payload >"$TMP/cl.in"
	case $closed in
	0) timeout 10 "$RELAY" -d -d -t 1 - TCP:127.0.0.1:$P <&- >"$TMP/cl.out" 2>/dev/null ;;
	1) timeout 10 "$RELAY" -d -d -t 1 - TCP:127.0.0.1:$P <"$TMP/cl.in" >&- 2>/dev/null ;;
	2) timeout 10 "$RELAY" -d -d -t 1 - TCP:127.0.0.1:$P <"$TMP/cl.in" >"$TMP/cl.out" 2>&- ;;
	esac
	check_eq "fd $closed closed at start: relay's exit status" 0 "$?"
	wait_gone "$spid" 10
	if [ $closed = 0 ]; then want=; else want=payload; fi
	check_eq "fd $closed closed at start: the server got exactly what came in on stdin" "$want" "$(cat "$TMP/cl.got" 2>/dev/null)"
	[ $closed = 1 ] || check_eq "fd $closed closed at start: the reply came out on stdout" reply "$(cat "$TMP/cl.out")"
done

finish
