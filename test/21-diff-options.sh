#!/usr/bin/env bash
# Differential: address options.  Each scenario runs with socat (the
# reference: its assertions check the scenario itself) and then with relay;
# the assertions are on what the peers saw, exit codes, socket state (ss),
# files and the setsockopt calls (strace).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

TEXT=$TMP/text
printf 'some text for the options test\n' >"$TEXT"
IN=$TMP/in.bin
head -c 262144 /dev/urandom >"$IN"

# A reference echo server (fork) on port $ECHO, used as the backend.
ECHO=$(dport)
bg "$SOCAT" TCP-LISTEN:$ECHO,fork,reuseaddr PIPE
wait_listen "$ECHO" || not_ok "reference echo server listens on $ECHO"

# hold_client ADDR LINE STOPFILE OUTFILE: a reference client that sends LINE,
# keeps its connection open until STOPFILE exists (at most 30 s), then sends
# EOF; what it receives goes to OUTFILE.  Sets $HOLD_PID.
hold_client() {
	bg bash -c '(printf "%s\n" "$2"; i=0; while [ ! -e "$3" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done) |
		"$5" -t 30 STDIO "$1" >"$4" 2>&1' hold "$1" "$2" "$3" "$4" "$SOCAT"
	HOLD_PID=$BG_PID
}

# text_listen NAME ADDR: the tool ($tool) listens with ADDR STDIO, $TEXT on
# its stdin, its stdout and stderr in $TL.out and $TL.err ($TL is
# $TMP/NAME.<tool>); its pid in $tpid.
text_listen() {
	TL=$TMP/$1.$tn
	bg_in "$TEXT" "$tool" "$2" STDIO >"$TL.out" 2>"$TL.err"
	tpid=$BG_PID
}
# listens_ok DESC PORT|PATH: the text_listen listener listens at PORT (TCP)
# or PATH (UNIX) within 5 s; else the first line of its stderr says why.
listens_ok() {
	local up
	case $2 in /*) up=unix ;; *) up=listen ;; esac
	if wait_$up "$2" 5; then ok "$1"; else not_ok "$1 ($(first_line "$TL.err"))"; fi
}
# text_served DESC CLIENT-ADDR LINE: a reference client at CLIENT-ADDR sends
# LINE to the text_listen listener and gets $TEXT; the listener then ends
# (tool_done).
text_served() {
	check_eq "$1: client gets the data" "$(cat "$TEXT")" "$(echo_client "$2" "$3")"
	tool_done "$1" "$tpid" "$3" "$TL.out"
}

# tool_done DESC PID EXPECTED FILE: the one-shot listener PID ends by
# itself with status 0, and FILE holds what it got from its client.
tool_done() {
	wait_gone "$2" 10
	wait "$2"
	check_eq "$1: exit code" 0 "$?"
	check_eq "$1: what the tool got" "$3" "$(cat "$4")"
}

for tool in "${TOOLS[@]}"; do
	set_tool "$tool"

	# --- fork: one listener serves several sequential clients
	# (-t 5: each client's EOF comes with its line, and the echo must not
	# race the default -t 0.5; a child still ends when the backend closes)
	P=$(dport)
	tool_bg "$P" "$tool" -t 5 TCP-LISTEN:$P,fork,reuseaddr TCP:127.0.0.1:$ECHO
	for i in 1 2 3; do
		check_eq "$w: fork: sequential client $i is served" "client $i" "$(echo_client TCP:127.0.0.1:$P "client $i")"
	done
	check "$w: fork: listener still running after 3 clients" kill -0 "$tpid"
	i=0
	while [ "$(children "$tpid")" -gt 0 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check_eq "$w: fork: finished children are reaped" 0 "$(children "$tpid")"
	stop_tool "$tpid"

	# --- fork: two clients at the same time are both served
	P=$(dport)
	tool_bg "$P" "$tool" -t 5 TCP-LISTEN:$P,fork,reuseaddr TCP:127.0.0.1:$ECHO
	rm -f "$TMP/stop"
	hold_client TCP:127.0.0.1:$P held "$TMP/stop" "$TMP/conc.$tn.out"
	c1=$HOLD_PID
	wait_file_size "$TMP/conc.$tn.out" 5 10
	check_eq "$w: fork: first client is served" held "$(cat "$TMP/conc.$tn.out")"
	check_eq "$w: fork: a second client is served while the first is connected" "other" "$(echo_client TCP:127.0.0.1:$P other)"
	touch "$TMP/stop"
	wait_gone "$c1" 10
	stop_tool "$tpid"

	# --- fork on UNIX-LISTEN: sequential clients
	U=$TMP/fork.$tn.sock
	tool_bg "$U" "$tool" -t 5 UNIX-LISTEN:$U,fork TCP:127.0.0.1:$ECHO
	for i in 1 2; do
		check_eq "$w: UNIX-LISTEN fork: sequential client $i is served" "unix $i" "$(echo_client UNIX-CONNECT:$U "unix $i")"
	done
	stop_tool "$tpid"

	# --- the backend refuses: without fork the tool fails (E, exit 1), with
	# fork the child fails and the listener stays
	R=$(dport)
	for mode in nofork fork; do
		P=$(dport)
		if [ $mode = fork ]; then o=,fork; else o=; fi
		tool_bg "$P" "$tool" TCP-LISTEN:$P,reuseaddr$o TCP:127.0.0.1:$R 2>"$TMP/bref.$tn.$mode.err"
		got=$(echo_client TCP:127.0.0.1:$P x 2>/dev/null)
		crc=$?
		check_eq "$w: backend refused ($mode): client gets no data" "" "$got"
		# (exit 0: accepted, then closed; a refused connect would be 1)
		check_eq "$w: backend refused ($mode): the client was accepted, then got EOF" 0 "$crc"
		if [ $mode = nofork ]; then
			tool_ends "$w: backend refused (nofork): exit code" 1
		else
			sleep 0.2
			check "$w: backend refused (fork): listener still running" kill -0 "$tpid"
			got=$(echo_client TCP:127.0.0.1:$P y 2>/dev/null)
			crc=$?
			check_eq "$w: backend refused (fork): a second client also gets EOF" "" "$got"
			check_eq "$w: backend refused (fork): the second client was accepted, then got EOF" 0 "$crc"
			stop_tool "$tpid"
		fi
		check "$w: backend refused ($mode): E log line" has_elog "$TMP/bref.$tn.$mode.err"
	done

	# --- without fork: one connection, then the listener is gone and exits 0
	P=$(dport)
	tool_bg "$P" "$tool" TCP-LISTEN:$P,reuseaddr TCP:127.0.0.1:$ECHO
	rm -f "$TMP/stop"
	hold_client TCP:127.0.0.1:$P first "$TMP/stop" "$TMP/nofork.$tn.out"
	c1=$HOLD_PID
	wait_file_size "$TMP/nofork.$tn.out" 6 10
	check_eq "$w: no fork: first client is served" first "$(cat "$TMP/nofork.$tn.out")"
	echo_client TCP:127.0.0.1:$P second >/dev/null 2>&1
	check_eq "$w: no fork: second client is refused while the first is served" 1 "$?"
	touch "$TMP/stop"
	wait_gone "$c1" 10
	tool_ends "$w: no fork: listener exits with 0 after its connection"
	echo_client TCP:127.0.0.1:$P third >/dev/null 2>&1
	check_eq "$w: no fork: a client after that is refused" 1 "$?"
done

# --- reuseaddr: rebinding a port that has a TIME_WAIT connection (a
# restarted server).  A reference listener with reuseaddr (the TIME_WAIT
# socket keeps that flag, and Linux lets a new bind through only when both
# have it) closes first, its stdin being empty, so the TIME_WAIT is on the
# listening side's port.
P=$(dport)
bg "$SOCAT" TCP-LISTEN:$P,reuseaddr STDIO </dev/null
spid=$BG_PID
wait_listen "$P"
timeout 10 "$SOCAT" -u TCP:127.0.0.1:$P STDOUT >/dev/null
wait_gone "$spid" 10
if ss -Htan state time-wait "sport = :$P" | grep -q .; then
	ok "reuseaddr: a TIME_WAIT connection holds port $P"
else
	not_ok "reuseaddr: a TIME_WAIT connection holds port $P"
fi
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	run_one_tool "$tool" reuse0 5 /dev/null TCP-LISTEN:$P -
	check_eq "$w: reuseaddr: without it, bind fails: exit code" 1 "$RUN_RC"
	check "$w: reuseaddr: without it, bind fails: E log line" has_elog "$DR_DIR/reuse0.$tn.err"
	text_listen reuse TCP-LISTEN:$P,reuseaddr
	listens_ok "$w: reuseaddr: listens despite the TIME_WAIT" "$P"
	text_served "$w: reuseaddr" TCP:127.0.0.1:$P hello
done

# --- bind= on a connecting address: the server sees that source address
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for variant in addr port; do
		Q=$(dport)
		R=$(dport)
		if [ $variant = addr ]; then b=127.0.0.2; want=127.0.0.2; else b=127.0.0.2:$R; want=127.0.0.2:$R; fi
		f=$TMP/bindc.$tn.$variant
		bg "$SOCAT" TCP-LISTEN:$Q,reuseaddr SYSTEM:"echo \$SOCAT_PEERADDR >$f.peer; echo \$SOCAT_PEERPORT >$f.pport; cat >$f.recv"
		spid=$BG_PID
		wait_listen "$Q"
		run_one_tool "$tool" bindc 10 "$IN" -u STDIN TCP:127.0.0.1:$Q,bind=$b
		check_eq "$w: bind=$b on TCP: exit code" 0 "$RUN_RC"
		wait_gone "$spid" 10
		if [ $variant = addr ]; then
			check_eq "$w: bind=$b on TCP: server sees peer address" "$want" "$(cat "$f.peer" 2>/dev/null)"
		else
			check_eq "$w: bind=$b on TCP: server sees peer address:port" "$want" "$(cat "$f.peer" 2>/dev/null):$(cat "$f.pport" 2>/dev/null)"
		fi
		same_file "$w: bind=$b on TCP: data arrives" "$IN" "$f.recv"
	done
done

# sourceport= and lowport on a client (TCP, UDP, and TCP to ::1 with no
# bind host): the server sees that source port, or one below 1024.  One
# short line: a UDP-RECVFROM server without fork takes one datagram, and
# refuses the rest once it has ended.
printf 'one datagram\n' >"$TMP/one"
# client_port TOOL KIND OPTS: runs the tool as a KIND client with OPTS of a
# reference server on a fresh port (a UDP-RECVFROM server does not share its
# port with the one before it), checks its exit code, and puts the client
# address in $CP_CLI and the source port the server saw in $CP_PORT.
client_port() {
	local f=$TMP/cp.$(tool_name "$1").$2 spid srv Q
	Q=$(dport)
	case $2 in
	TCP) srv="TCP-LISTEN:$Q,reuseaddr" CP_CLI="TCP:127.0.0.1:$Q" ;;
	UDP) srv="UDP-RECVFROM:$Q" CP_CLI="UDP:127.0.0.1:$Q" ;;
	TCP6) srv="TCP6-LISTEN:$Q,reuseaddr" CP_CLI="TCP:[::1]:$Q" ;;
	esac
	rm -f "$f"
	bg "$SOCAT" "$srv" SYSTEM:"echo \$SOCAT_PEERPORT >$f; cat >/dev/null"
	spid=$BG_PID
	if [ "$2" = UDP ]; then wait_udp "$Q"; else wait_listen "$Q"; fi
	run_one_tool "$1" cp 10 "$TMP/one" -u STDIN "$CP_CLI,$3"
	check_eq "$(who "$(tool_name "$1")"): $CP_CLI,$3: exit code" 0 "$RUN_RC"
	wait_gone "$spid" 10 || kill "$spid" 2>/dev/null
	CP_PORT=$(cat "$f" 2>/dev/null)
}
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for kind in TCP UDP TCP6; do
		R=$(dport)
		client_port "$tool" $kind "sourceport=$R"
		check_eq "$w: $CP_CLI,sourceport=R: the server sees source port R" "$R" "$CP_PORT"
		client_port "$tool" $kind lowport
		check "$w: $CP_CLI,lowport: the server sees a source port from 640 to 1023 (got $CP_PORT)" \
			test "${CP_PORT:-0}" -ge 640 -a "${CP_PORT:-0}" -le 1023
	done
done

# bind= and a refused connection: the one E line is the refusal.
# e_refused FILE: the number of E lines in FILE, and of those for a refused
# connect().
e_refused() { echo "$(grep -Ec "$ELOG_RE" "$1") $(grep -Ec "$ELOG_RE"'connect\(.*Connection refused' "$1")"; }
Q=$(dport)
dcase "bind= on TCP, connection refused" --rc 1 --is "one E line, the connect()" "1 1" "e_refused @E@" -- - TCP:127.0.0.1:$Q,bind=127.0.0.2
# bind= of another family than the host's: an E line and exit 1.
dcase "bind=[::1] for an IPv4 host" --rc 1 --elog -- - TCP:127.0.0.1:$Q,bind=[::1]

# --- bind= on a listener: listens on 127.0.0.2 only
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	P=$(dport)
	text_listen bindl TCP-LISTEN:$P,bind=127.0.0.2
	wait_listen "$P"
	check_eq "$w: TCP-LISTEN bind=127.0.0.2: listening address" "127.0.0.2:$P" "$(ss -Hltn "sport = :$P" | awk '{print $4}')"
	echo_client TCP:127.0.0.1:$P x >/dev/null 2>&1
	check_eq "$w: TCP-LISTEN bind=127.0.0.2: client to 127.0.0.1 is refused" 1 "$?"
	text_served "$w: TCP-LISTEN bind=127.0.0.2 (client to 127.0.0.2)" TCP:127.0.0.2:$P ping
done

# --- backlog=: the listen queue length (ss shows it as Send-Q)
for b in 3 17; do
	dlisten "backlog=$b" --is "listen queue" "$b" "ss -Hltn 'sport = :@P@' | awk '{print \$3}'" -- TCP-LISTEN:@P@,backlog=$b,reuseaddr -
done

# --- the default backlog: socat's is 5, relay's 4096 (a deliberate
# difference), both capped by the kernel at net.core.somaxconn
somax=$(cat /proc/sys/net/core/somaxconn)
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	case $tn in
	socat) want=5 ;;
	*) want=$(( somax < 4096 ? somax : 4096 )) ;;
	esac
	for addr in TCP-LISTEN:$(dport),reuseaddr UNIX-LISTEN:$TMP/backlog.$tn.sock; do
		bg "$tool" "$addr" - </dev/null
		tpid=$BG_PID
		case $addr in
		TCP*) P=${addr#TCP-LISTEN:}; P=${P%%,*}; wait_listen "$P"
			q=$(ss -Hltn "sport = :$P" | awk '{print $3}') ;;
		*) wait_until 10 "no socket" listening unix "$TMP/backlog.$tn.sock"
			q=$(ss -Hxl | awk -v p="$TMP/backlog.$tn.sock" '$5 == p {print $4}') ;;
		esac
		check_eq "$w: ${addr%%:*} default backlog" "$want" "$q"
		stop_tool "$tpid"
	done
done

# --- max-children=1: a second concurrent client waits until the first is done
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	P=$(dport)
	tool_bg "$P" "$tool" TCP-LISTEN:$P,fork,reuseaddr,max-children=1 TCP:127.0.0.1:$ECHO
	rm -f "$TMP/stop"
	hold_client TCP:127.0.0.1:$P one "$TMP/stop" "$TMP/mc1.$tn.out"
	c1=$HOLD_PID
	wait_file_size "$TMP/mc1.$tn.out" 4 10
	check_eq "$w: max-children=1: first client is served" one "$(cat "$TMP/mc1.$tn.out")"
	bg bash -c 'printf "two\n" | timeout 30 "$1" -t 30 STDIO TCP:127.0.0.1:$2 >"$3" 2>&1' mc2 "$SOCAT" "$P" "$TMP/mc2.$tn.out"
	c2=$BG_PID
	# wait until the second client has connected (it waits in the backlog,
	# its line and EOF perhaps sent: any state but listening counts)
	wait_until 10 "the second client is not connected" \
		sh -c '[ "$(ss -Htn state connected "dport = :$1" | wc -l)" -ge 2 ]' _ "$P" ||
		not_ok "$w: max-children=1: the second client connects"
	sleep 1
	is_empty_file "$w: max-children=1: second client not served while the first is connected" "$TMP/mc2.$tn.out"
	touch "$TMP/stop"
	wait_gone "$c1" 10
	wait_gone "$c2" 15
	check_eq "$w: max-children=1: second client served after the first ends" two "$(cat "$TMP/mc2.$tn.out")"
	check "$w: max-children=1: listener still running" kill -0 "$tpid"
	stop_tool "$tpid"
done

# --- connect-timeout=: a blackhole in our own namespaces.  In netns $NSX the
# peer 10.200.0.2 (assigned to the far end of a veth pair, in $NSY, kept
# down) has a static neighbour entry, so SYNs leave and nothing answers.
NSX=rdx$$
NSY=rdy$$
if netns_add "$NSX" && netns_add "$NSY" &&
	ip link add rdv$$ netns "$NSX" type veth peer name rdw$$ netns "$NSY" &&
	ip -n "$NSX" addr add 10.200.0.1/24 dev rdv$$ && ip -n "$NSX" link set rdv$$ up &&
	ip -n "$NSY" addr add 10.200.0.2/24 dev rdw$$ &&
	ip -n "$NSX" neigh add 10.200.0.2 lladdr "$(ip -n "$NSY" -br link show rdw$$ | awk '{print $3}')" dev rdv$$ nud permanent; then
	ip netns exec "$NSX" timeout 3 "$SOCAT" -u STDIN TCP:10.200.0.2:80 </dev/null 2>/dev/null
	check_eq "connect-timeout: the blackhole holds a connect without it for 3 s" 124 "$?"
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		ip netns exec "$NSX" timeout 10 "$tool" -u STDIN TCP:10.200.0.2:80,connect-timeout=1 </dev/null 2>"$TMP/ct.$tn.err"
		rc=$?
		check_eq "$w: connect-timeout=1 to a blackhole: exit code (124 = no timeout applied)" 1 "$rc"
		check "$w: connect-timeout=1 to a blackhole: E log line" has_elog "$TMP/ct.$tn.err"
	done
else
	not_ok "connect-timeout: set up the blackhole namespaces"
fi
REFUSED=$(dport)
dcase "connect-timeout=5, refused: fails at once" --secs 3 --rc 1 --elog -- TCP:127.0.0.1:$REFUSED,connect-timeout=5 -

# --- keepalive / nodelay: socket state of the tool's own sockets
# has_keepalive PID FILTER WANT: "yes" when PID's established TCP socket
# matching the ss FILTER shows a keepalive timer, else "no".  The timer
# field shows the pending timer, which may briefly be another one, so a "yes"
# is looked for over up to 3 s (when WANT=yes) and a "no" is sampled 5 times.
has_keepalive() {
	local i=0 n=60 seen=no
	[ "$3" = no ] && n=5
	while [ $i -lt $n ]; do
		if ss -Htnop state established "$2" 2>/dev/null | grep "pid=$1," | grep -q 'timer:(keepalive'; then
			seen=yes
			break
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo $seen
}
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for opt in none connect listen; do
		P=$(dport)
		case $opt in
		none) bg "$tool" TCP-LISTEN:$P,reuseaddr TCP:127.0.0.1:$ECHO ;;
		connect) bg "$tool" TCP-LISTEN:$P,reuseaddr TCP:127.0.0.1:$ECHO,keepalive ;;
		listen) bg "$tool" TCP-LISTEN:$P,reuseaddr,keepalive TCP:127.0.0.1:$ECHO ;;
		esac
		tpid=$BG_PID
		wait_listen "$P"
		rm -f "$TMP/stop"
		hold_client TCP:127.0.0.1:$P ka "$TMP/stop" "$TMP/ka.$tn.out"
		c1=$HOLD_PID
		wait_file_size "$TMP/ka.$tn.out" 3 10
		case $opt in
		none)
			check_eq "$w: no keepalive: backend socket has no keepalive timer" no "$(has_keepalive "$tpid" "dport = :$ECHO" no)"
			check_eq "$w: no keepalive: accepted socket has no keepalive timer" no "$(has_keepalive "$tpid" "sport = :$P" no)" ;;
		connect)
			check_eq "$w: TCP:...,keepalive: backend socket has SO_KEEPALIVE (ss keepalive timer)" yes "$(has_keepalive "$tpid" "dport = :$ECHO" yes)"
			check_eq "$w: TCP:...,keepalive: accepted socket has no keepalive timer" no "$(has_keepalive "$tpid" "sport = :$P" no)" ;;
		listen)
			check_eq "$w: TCP-LISTEN:...,keepalive: accepted socket has SO_KEEPALIVE (ss keepalive timer)" yes "$(has_keepalive "$tpid" "sport = :$P" yes)" ;;
		esac
		check_eq "$w: keepalive ($opt): data flows" ka "$(cat "$TMP/ka.$tn.out")"
		touch "$TMP/stop"
		wait_gone "$c1" 10
		wait_gone "$tpid" 10 || stop_tool "$tpid"
	done
	# nodelay: strace shows setsockopt(TCP_NODELAY, 1) on the connection
	for opt in nodelay keepalive; do
		Q=$(dport)
		bg "$SOCAT" -u TCP-LISTEN:$Q,reuseaddr OPEN:"$TMP/nd.$tn.recv",creat,trunc
		spid=$BG_PID
		wait_listen "$Q"
		timeout 10 env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=setsockopt -o "$TMP/nd.$tn.strace" "$tool" -u STDIN TCP:127.0.0.1:$Q,$opt <"$TEXT" 2>/dev/null
		check_eq "$w: TCP:...,$opt under strace: exit code" 0 "$?"
		wait_gone "$spid" 10
		case $opt in
		nodelay) re='TCP_NODELAY, \[1\]' ;;
		keepalive) re='SO_KEEPALIVE, \[1\]' ;;
		esac
		if grep -Eq "$re" "$TMP/nd.$tn.strace"; then
			ok "$w: TCP:...,$opt: setsockopt($re)"
		else
			not_ok "$w: TCP:...,$opt: setsockopt($re) (strace: $(grep -c setsockopt "$TMP/nd.$tn.strace") setsockopt calls: $(grep -o '[A-Z_]*, \[[0-9]*\]' "$TMP/nd.$tn.strace" | tr '\n' ' '))"
		fi
		same_file "$w: TCP:...,$opt: data arrives" "$TEXT" "$TMP/nd.$tn.recv"
	done
done

# --- unlink-early: a stale socket file (its listener was SIGKILLed) is replaced
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	U=$TMP/stale.$tn.sock
	bg "$SOCAT" UNIX-LISTEN:$U - </dev/null
	spid=$BG_PID
	wait_unix "$U"
	kill -KILL "$spid"
	wait_gone "$spid" 5
	check "$w: unlink-early: a stale socket file is left at $U" test -S "$U"
	run_one_tool "$tool" stale0 5 /dev/null UNIX-LISTEN:$U -
	check_eq "$w: UNIX-LISTEN on a stale socket without unlink-early: exit code" 1 "$RUN_RC"
	check "$w: UNIX-LISTEN on a stale socket without unlink-early: E log line" has_elog "$DR_DIR/stale0.$tn.err"
	text_listen ue UNIX-LISTEN:$U,unlink-early
	listens_ok "$w: unlink-early: listens on $U" "$U"
	text_served "$w: unlink-early" UNIX-CONNECT:$U ping
	check_eq "$w: UNIX-LISTEN: socket file removed at exit" no "$(exists "$U")"
done

# --- mode=: the socket file's permissions
for m in 600 0640 777; do
	dlisten "UNIX-LISTEN mode=$m" --at @U@ --is "socket file mode" "${m#0}" "stat -c %a @U@ 2>/dev/null" -- UNIX-LISTEN:@U@,mode=$m -
done

# --- ipv6-v6only=
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for v in 1 0; do
		P=$(dport)
		bg_in "$TEXT" "$tool" TCP6-LISTEN:$P,reuseaddr,ipv6-v6only=$v STDIO >"$TMP/v6.$tn.$v.out" 2>"$TMP/v6.$tn.$v.err"
		tpid=$BG_PID
		wait_listen "$P"
		got=$(echo_client TCP4:127.0.0.1:$P v4 2>/dev/null)
		rc=$?
		if [ $v = 1 ]; then
			check_eq "$w: TCP6-LISTEN ipv6-v6only=1: listening address" "[::]:$P" "$(ss -Hltn "sport = :$P" | awk '{print $4}')"
			check_eq "$w: TCP6-LISTEN ipv6-v6only=1: IPv4 client refused" 1 "$rc"
			check_eq "$w: TCP6-LISTEN ipv6-v6only=1: IPv6 client served" "$(cat "$TEXT")" "$(echo_client TCP6:[::1]:$P v6)"
			want=v6
		else
			check_eq "$w: TCP6-LISTEN ipv6-v6only=0: IPv4 client served" "$(cat "$TEXT")" "$got"
			want=v4
		fi
		tool_ends "$w: TCP6-LISTEN ipv6-v6only=$v: exit code"
		check_eq "$w: TCP6-LISTEN ipv6-v6only=$v: what the tool got" "$want" "$(cat "$TMP/v6.$tn.$v.out")"
	done
done

finish
