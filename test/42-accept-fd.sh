#!/usr/bin/env bash
# ACCEPT-FD (socat 1.8; alias ACCEPT): a listening socket passed the way
# systemd's socket activation passes it, by systemd-socket-activate: as fd 3
# (LISTEN_FDS=1), or with --inetd as fd 0.  socat 1.8 and relay each serve
# clients behind it, with fork (every client, the process stays) and
# without (one client, then the process exits 0 and the socket is gone).
# What each client got is compared.  A bad fd is an E and exit 1 for relay;
# socat 1.8 exits 255 with only a W there, or hangs on a closed fd.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"
require systemd-socket-activate
need_socat18
H=127.0.0.1
not_listening() { ! listening tcp "$1"; }

# client NAME LINE PORT: one client sending LINE; its output in $TMP/NAME.
client() {
	echo "$2" | timeout 20 "$SOCAT" -t 20 - TCP:$H:$3 >"$TMP/$1" 2>"$TMP/$1.err"
}

# activated PORT ARGS...: systemd-socket-activate listening on PORT,
# running ARGS (it execs them: its pid is theirs); the pid in $ACT.
activated() {
	local port=$1
	shift
	bg systemd-socket-activate -l $H:$port "$@" 2>"$TMP/act.$port.err"
	ACT=$BG_PID
	wait_listen "$port" 20
}

for tool in "$S18" "$RELAY"; do
	tn=$(tool_name "$tool")
	# With fork: three clients one after the other, then one more.
	p=$(free_port)
	activated "$p" "$tool" ACCEPT-FD:3,fork SYSTEM:'read l; echo "$l back"'
	for i in 1 2 3; do
		client "$tn-fork-$i" "client $i" "$p"
	done
	check "$tn: ACCEPT-FD:3,fork still serves after three clients" kill -0 "$ACT"
	client "$tn-fork-4" "client 4" "$p"
	for i in 1 2 3 4; do
		check_eq "$tn: ACCEPT-FD:3,fork: client $i got its reply" "client $i back" "$(cat "$TMP/$tn-fork-$i")"
	done
	kill "$ACT"

	# Without fork: one client, then the process ends with 0.
	p=$(free_port)
	activated "$p" "$tool" ACCEPT-FD:3 SYSTEM:'read l; echo "$l once"'
	client "$tn-once" "only" "$p"
	check_eq "$tn: ACCEPT-FD:3: the client got its reply" "only once" "$(cat "$TMP/$tn-once")"
	wait_gone "$ACT" 20
	wait "$ACT" 2>/dev/null
	check_eq "$tn: ACCEPT-FD:3 without fork exits 0 after one client" 0 "$?"
	check "$tn: ACCEPT-FD:3 without fork: then nothing listens" not_listening "$p"

	# inetd style: the listening socket is fd 0; ACCEPT is the alias.
	p=$(free_port)
	activated "$p" --inetd "$tool" ACCEPT:0,fork SYSTEM:'read l; echo "$l inetd"'
	client "$tn-inetd" "fd0" "$p"
	check_eq "$tn: ACCEPT:0,fork with --inetd: the client got its reply" "fd0 inetd" "$(cat "$TMP/$tn-inetd")"
	kill "$ACT"
done
for f in fork-1 fork-2 fork-3 fork-4 once inetd; do
	same_file "$f: relay's client got socat 1.8's client's bytes" "$TMP/socat18-$f" "$TMP/relay-$f"
done

# range= applies, as on TCP-LISTEN: a client outside it is refused.
p=$(free_port)
activated "$p" "$RELAY" ACCEPT-FD:3,fork,range=10.0.0.0/8 SYSTEM:'echo no'
client range-refused x "$p"
is_empty_file "ACCEPT-FD:3,range=10.0.0.0/8: a loopback client gets nothing" "$TMP/range-refused"
kill "$ACT"

# Not a listening socket, not a number, not open.
for a in ACCEPT-FD:0 ACCEPT-FD:x ACCEPT-FD:9 ACCEPT-FD:-1; do
	run_one_tool "$RELAY" bad 10 /dev/null "$a" -
	check_eq "$a on /dev/null: relay exits 1" 1 "$(rc_text "$RUN_RC")"
	check "$a: relay logs an E ($(first_line "$DR_DIR/bad.relay.err"))" has_elog "$DR_DIR/bad.relay.err"
done
finish
