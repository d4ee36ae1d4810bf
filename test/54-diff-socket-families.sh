#!/usr/bin/env bash
# Differential: the socket families beyond TCP, UDP and UNIX streams.  Raw
# IP (IP4-SENDTO, IP4-DATAGRAM, IP4-RECV, IP4-RECVFROM, IP6-SENDTO) between
# two network namespaces joined by a veth pair; the generic SOCKET-* types
# (addresses as bytes) on loopback; UDP-Lite; UNIX SEQPACKET sockets
# (so-type=5 on UNIX-LISTEN and UNIX-CONNECT, SOCKETPAIR of that type); and
# SCTP and DCCP, which the kernel may lack: then relay must fail as socat
# does (exit status, error), else the exchange runs for real.  Each case
# runs with socat (1.7.4 for raw IP and SOCKET-*, 1.8 for the types only it
# has) and then with relay, and compares what the peer saw, the bytes the
# tool wrote and its exit status.  The peer is a small Python program
# ($PEER) that records each datagram or record as "LEN DATA FROM".
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"
require python3 ip

need_socat18

PEER=$TMP/fam_peer.py
cat >"$PEER" <<'EOF'
import socket, sys, time, os
F = {'4': socket.AF_INET, '6': socket.AF_INET6, 'u': socket.AF_UNIX}
def line(d, a):
    return "%d %s %s\n" % (len(d), d.decode('latin1').replace('\n', '\\n') or '-', a)
def ready(path): open(path, 'w').close()
mode, fam = sys.argv[1], F[sys.argv[2]]
if mode == 'rawrecv':
    # rawrecv 4|6 PROTO OUT READY IDLE [reply]: record each datagram of
    # protocol PROTO (its payload, its source) until IDLE s without one;
    # reply: send "re:" and the payload back to its source
    proto, out, rdy, idle = int(sys.argv[3]), sys.argv[4], sys.argv[5], float(sys.argv[6])
    s = socket.socket(fam, socket.SOCK_RAW, proto); s.settimeout(idle)
    f = open(out, 'a'); ready(rdy)
    while True:
        try: d, a = s.recvfrom(70000)
        except socket.timeout: break
        if fam == socket.AF_INET: d = d[(d[0] & 15) * 4:]
        f.write(line(d, a[0])); f.flush()
        if len(sys.argv) > 7: s.sendto(b're:' + d, (a[0], 0))
elif mode == 'rawsend':
    # rawsend 4|6 PROTO DEST OUT WAIT DATA: send DATA, record the first
    # reply of protocol PROTO from DEST (WAIT s at most)
    proto, dst, out, wait = int(sys.argv[3]), sys.argv[4], sys.argv[5], float(sys.argv[6])
    s = socket.socket(fam, socket.SOCK_RAW, proto)
    s.sendto(sys.argv[7].encode(), (dst, 0))
    f = open(out, 'a'); s.settimeout(wait)
    while wait > 0:
        try: d, a = s.recvfrom(70000)
        except socket.timeout: break
        if a[0] != dst: continue
        if fam == socket.AF_INET: d = d[(d[0] & 15) * 4:]
        f.write(line(d, a[0])); f.flush()
        break
elif mode == 'dgrecv':
    # dgrecv 4 PROTO PORT OUT READY IDLE [echo]: a datagram socket of
    # protocol PROTO (17 UDP, 136 UDP-Lite) on 127.0.0.1:PORT; records each
    # datagram and its source port, echoes it with "echo"
    proto, port, out, rdy, idle = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], float(sys.argv[7])
    s = socket.socket(fam, socket.SOCK_DGRAM, proto); s.bind(('127.0.0.1', port))
    s.settimeout(idle); f = open(out, 'a'); ready(rdy)
    while True:
        try: d, a = s.recvfrom(70000)
        except socket.timeout: break
        f.write(line(d, a[1])); f.flush()
        if len(sys.argv) > 8: s.sendto(d, a)
elif mode == 'dgsend':
    # dgsend 4 PROTO PORT OUT DATA...: send each DATA to 127.0.0.1:PORT,
    # record the replies (1 s without one ends)
    proto, port, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    s = socket.socket(fam, socket.SOCK_DGRAM, proto); s.settimeout(5)
    f = open(out, 'a')
    for d in sys.argv[6:]:
        s.sendto(d.encode(), ('127.0.0.1', port))
        try: r, a = s.recvfrom(70000)
        except socket.timeout: break
        f.write(line(r, '-')); f.flush()
elif mode == 'dgfrom':
    # dgfrom 4 PROTO PORT SRC DATA: send DATA to 127.0.0.1:PORT from SRC
    proto, port, src = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    s = socket.socket(fam, socket.SOCK_DGRAM, proto); s.bind((src, 0))
    s.sendto(sys.argv[6].encode(), ('127.0.0.1', port))
elif mode == 'seqsrv':
    # seqsrv u PATH OUT READY: accept one SEQPACKET connection, record
    # each record until EOF
    p, out, rdy = sys.argv[3], sys.argv[4], sys.argv[5]
    s = socket.socket(fam, socket.SOCK_SEQPACKET); s.bind(p); s.listen(1)
    ready(rdy); s.settimeout(10); c, _ = s.accept(); c.settimeout(10)
    f = open(out, 'a')
    while True:
        d = c.recv(70000)
        if not d: break
        f.write(line(d, '-')); f.flush()
    os.unlink(p)
elif mode == 'seqcli':
    # seqcli u PATH OUT DATA...: send each DATA as one record, record the
    # record that comes back for each
    p, out = sys.argv[3], sys.argv[4]
    s = socket.socket(fam, socket.SOCK_SEQPACKET); s.connect(p); s.settimeout(5)
    f = open(out, 'a')
    for d in sys.argv[5:]:
        s.send(d.encode())
        f.write(line(s.recv(70000), '-')); f.flush()
elif mode == 'probe':
    # probe 4 TYPE PROTO: exit 0 when the kernel makes such a socket
    try: socket.socket(fam, int(sys.argv[3]), int(sys.argv[4]))
    except OSError: sys.exit(1)
EOF

# --- two namespaces, A (10.88.1.1, fd88::1) and B (10.88.1.2, fd88::2)
A=r54a$$ B=r54b$$
setup_ns() {
	netns_add "$A" && netns_add "$B" &&
	ip -n "$A" link add va type veth peer name vb netns "$B" &&
	ip -n "$A" addr add 10.88.1.1/24 dev va &&
	ip -n "$B" addr add 10.88.1.2/24 dev vb &&
	ip -n "$A" addr add fd88::1/64 dev va nodad &&
	ip -n "$B" addr add fd88::2/64 dev vb nodad &&
	ip -n "$A" link set va up && ip -n "$B" link set vb up
}
if ! setup_ns; then
	not_ok "two network namespaces joined by a veth pair"
	finish
fi
PROTO=254	# "use for experimentation and testing" (RFC 3692)

# peer NS MODE ARGS...: the peer in the background in namespace NS ($BG_PID).
peer() { local ns=$1; shift; bg ip netns exec "$ns" python3 "$PEER" "$@"; }
# ns_tool NS TOOL NAME SECS IN ARGS...: TOOL ARGS in namespace NS (- for
# this one) under timeout SECS, stdin from IN; $D/NAME.<tool>.out, .err, .rc.
D=$TMP/fam
mkdir -p "$D"
ns_tool() {
	local ns=$1 tool=$2 name=$3 secs=$4 in=$5 tn inns=()
	shift 5
	tn=$(tool_name "$tool")
	[ "$ns" = - ] || inns=(ip netns exec "$ns")
	"${inns[@]}" timeout -k 2 "$secs" "$tool" "$@" <"$in" >"$D/$name.$tn.out" 2>"$D/$name.$tn.err"
	echo $? >"$D/$name.$tn.rc"
}
# same NAME REF WHAT...: the files $D/NAME.<REF>.WHAT and $D/NAME.relay.WHAT
# hold the same bytes, for each WHAT (out, rc, peer: what the peer saw).
same() {
	local name=$1 ref=$2 w
	shift 2
	for w in "$@"; do
		same_file "$name: $w as $ref's" "$D/$name.$ref.$w" "$D/$name.relay.$w"
	done
}
# wait_ready FILE PID: until the peer PID has made FILE (5 s at most).
wait_ready() { wait_until 5 "no peer ready ($1)" test -e "$1"; }
# raw_bound NS: a raw socket of protocol $PROTO is open in NS.
raw_bound() { ip netns exec "$1" awk -v p="$(printf ':%04X' $PROTO)" '$2 ~ p "$" { f = 1 } END { exit !f }' /proc/net/raw /proc/net/raw6; }
raw_gone() { ! raw_bound "$1"; }
printf 'hello raw\n' >"$TMP/in.raw"

# --- raw IP, from A to B
for tool in "$SOCAT" "$RELAY"; do
	tn=$(tool_name "$tool")
	# IP4-SENDTO: B's raw socket sees the payload, from A's address
	rm -f "$D/ready"
	peer "$B" rawrecv 4 $PROTO "$D/sendto.$tn.peer" "$D/ready" 1.5
	p=$BG_PID
	wait_ready "$D/ready"
	ns_tool "$A" "$tool" sendto 5 "$TMP/in.raw" -u - IP4-SENDTO:10.88.1.2:$PROTO
	wait_gone $p 10
	# IP4-DATAGRAM: the reply (from B) comes out without its IP header
	rm -f "$D/ready"
	peer "$B" rawrecv 4 $PROTO "$D/dgram.$tn.peer" "$D/ready" 4 reply
	p=$BG_PID
	wait_ready "$D/ready"
	ns_tool "$A" "$tool" dgram 10 "$TMP/in.raw" -t 2 - IP4-DATAGRAM:10.88.1.2:$PROTO
	wait_gone $p 10
	# ... and with a range= that leaves B out, the reply is dropped
	rm -f "$D/ready"
	peer "$B" rawrecv 4 $PROTO "$D/dgramrange.$tn.peer" "$D/ready" 4 reply
	p=$BG_PID
	wait_ready "$D/ready"
	ns_tool "$A" "$tool" dgramrange 10 "$TMP/in.raw" -t 2 - IP4-DATAGRAM:10.88.1.2:$PROTO,range=10.88.1.3/32
	wait_gone $p 10
	# IP6-SENDTO, on fd88::
	rm -f "$D/ready"
	peer "$B" rawrecv 6 $PROTO "$D/sendto6.$tn.peer" "$D/ready" 1.5
	p=$BG_PID
	wait_ready "$D/ready"
	ns_tool "$A" "$tool" sendto6 5 "$TMP/in.raw" -u - IP6-SENDTO:[fd88::2]:$PROTO
	wait_gone $p 10
	# IP4-RECV in B writes what A sends, header dropped
	bg ip netns exec "$B" "$tool" -u IP4-RECV:$PROTO OPEN:"$D/recv.$tn.out",creat,trunc
	p=$BG_PID
	wait_until 5 "no raw socket in $B" raw_bound "$B"
	ip netns exec "$A" python3 "$PEER" rawsend 4 $PROTO 10.88.1.2 /dev/null 0 "to recv"
	wait_file_size "$D/recv.$tn.out" 8 5
	stop_tool $p
	wait_until 5 "a raw socket still open in $B" raw_gone "$B"
	# IP4-RECVFROM in B echoes (PIPE) one datagram to its sender
	bg ip netns exec "$B" "$tool" IP4-RECVFROM:$PROTO,bind=10.88.1.2 PIPE
	p=$BG_PID
	wait_until 5 "no raw socket in $B" raw_bound "$B"
	ip netns exec "$A" python3 "$PEER" rawsend 4 $PROTO 10.88.1.2 "$D/recvfrom.$tn.peer" 5 "echo me"
	stop_tool $p
	wait_until 5 "a raw socket still open in $B" raw_gone "$B"
done
check_eq "IP4-SENDTO: socat's datagram reached the peer" "10 hello raw\\n 10.88.1.1" "$(cat "$D/sendto.socat.peer")"
same sendto socat peer rc
check_eq "IP4-DATAGRAM: socat got the reply" "re:hello raw" "$(cat "$D/dgram.socat.out")"
same dgram socat peer out rc
check_eq "IP4-DATAGRAM,range=: the peer saw socat's datagram" "10 hello raw\\n 10.88.1.1" "$(cat "$D/dgramrange.socat.peer")"
is_empty_file "IP4-DATAGRAM,range=: socat dropped the reply from outside the range" "$D/dgramrange.socat.out"
same dgramrange socat peer out rc
check_eq "IP6-SENDTO: socat's datagram reached the peer" "10 hello raw\\n fd88::1" "$(cat "$D/sendto6.socat.peer")"
same sendto6 socat peer rc
check_eq "IP4-RECV: socat wrote the payload" "to recv" "$(cat "$D/recv.socat.out")"
same recv socat out
check_eq "IP4-RECVFROM: socat echoed to the sender" "7 echo me 10.88.1.2" "$(cat "$D/recvfrom.socat.peer")"
same recvfrom socat peer

# --- SOCKET-*: addresses as bytes (port, IPv4 address, 8 zero bytes)
hexaddr() { printf 'x%04x7f000001x0000000000000000' "$1"; }
printf 'generic\n' >"$TMP/in.gen"
for tool in "$SOCAT" "$RELAY"; do
	tn=$(tool_name "$tool")
	# SOCKET-CONNECT (TCP) to an echo server
	port=$(free_port)
	bg "$SOCAT" TCP4-LISTEN:$port,bind=127.0.0.1,reuseaddr PIPE
	p=$BG_PID
	wait_listen $port
	ns_tool - "$tool" connect 5 "$TMP/in.gen" - SOCKET-CONNECT:2:6:"$(hexaddr $port)"
	stop_tool $p
	# SOCKET-SENDTO (UDP) from a bound port: the peer sees both
	port=$(free_port) bport=$(free_port)
	rm -f "$D/ready"
	bg python3 "$PEER" dgrecv 4 17 $port "$D/gsendto.$tn.peer" "$D/ready" 1.5
	p=$BG_PID
	wait_ready "$D/ready"
	ns_tool - "$tool" gsendto 5 "$TMP/in.gen" -u - SOCKET-SENDTO:2:2:17:"$(hexaddr $port)",bind="$(printf 'x%04xx00000000x0000000000000000' $bport)"
	wait_gone $p 10
	sed -i "s/ $bport\$/ BPORT/" "$D/gsendto.$tn.peer"
	# SOCKET-LISTEN (TCP) echoes to a client
	port=$(free_port)
	bg "$tool" SOCKET-LISTEN:2:6:"$(printf 'x%04xx7f000001x0000000000000000' $port)",reuseaddr PIPE
	p=$BG_PID
	wait_listen $port
	timeout 5 "$SOCAT" - TCP4:127.0.0.1:$port <"$TMP/in.gen" >"$D/glisten.$tn.out" 2>/dev/null
	stop_tool $p
	# SOCKET-CONNECT to a UNIX socket: a path with its NUL, the quotes
	# escaped from the address syntax
	rm -f "$TMP/u.sock"
	bg "$SOCAT" UNIX-LISTEN:"$TMP/u.sock" PIPE
	p=$BG_PID
	wait_unix "$TMP/u.sock"
	ns_tool - "$tool" gunix 5 "$TMP/in.gen" - SOCKET-CONNECT:1:0:"\\\"$TMP/u.sock\\\\0\\\""
	stop_tool $p
done
# Malformed bytes: an error (socat 1.7.4 dies of SIGSEGV there, 1.8 not)
for tool in "$S18" "$RELAY"; do
	ns_tool - "$tool" gbad 5 /dev/null /dev/null SOCKET-LISTEN:1:1:"/tmp/sock"
done
# UDP4-RECV with range=: a datagram from outside it is dropped
for tool in "$SOCAT" "$RELAY"; do
	tn=$(tool_name "$tool")
	port=$(free_port)
	bg "$tool" -u UDP4-RECV:$port,range=127.0.0.2/32 OPEN:"$D/urange.$tn.out",creat,trunc
	p=$BG_PID
	wait_udp $port
	python3 "$PEER" dgfrom 4 17 $port 127.0.0.1 "refused
"
	python3 "$PEER" dgfrom 4 17 $port 127.0.0.2 "allowed
"
	wait_file_size "$D/urange.$tn.out" 8 5
	stop_tool $p
done
check_eq "UDP4-RECV,range=: socat wrote only the allowed sender's datagram" allowed "$(cat "$D/urange.socat.out")"
same urange socat out
# A TCP client that range= refuses after it has sent data (defer-accept:
# accept() returns once it has) reads an EOF and exits 0, as with socat's
# shutdown() before close(); a bare close() would reset it (client and
# server are the same tool, as in socat's test.sh)
for tool in "$SOCAT" "$RELAY"; do
	port=$(free_port)
	bg "$tool" TCP4-LISTEN:$port,reuseaddr,defer-accept=1,range=127.0.0.2/32 PIPE
	p=$BG_PID
	wait_listen $port
	ns_tool - "$tool" trefused 5 "$TMP/in.gen" - TCP4:127.0.0.1:$port
	stop_tool $p
done
check_eq "range= refusal: socat's client exits 0" 0 "$(cat "$D/trefused.socat.rc")"
is_empty_file "range= refusal: socat's client got nothing" "$D/trefused.socat.out"
same trefused socat out rc
check_eq "SOCKET-CONNECT: socat's echo came back" "generic" "$(cat "$D/connect.socat.out")"
same connect socat out rc
check_eq "SOCKET-SENDTO: the peer saw socat's datagram from its bound port" "8 generic\\n BPORT" "$(cat "$D/gsendto.socat.peer")"
same gsendto socat peer rc
check_eq "SOCKET-LISTEN: socat echoed" "generic" "$(cat "$D/glisten.socat.out")"
same glisten socat out
check_eq "SOCKET-CONNECT to UNIX: socat's echo came back" "generic" "$(cat "$D/gunix.socat.out")"
same gunix socat out rc
check_eq "SOCKET-LISTEN with malformed bytes: socat 1.8 exits 1" 1 "$(cat "$D/gbad.socat18.rc")"
same gbad socat18 rc
check "SOCKET-LISTEN with malformed bytes: relay says E" has_elog "$D/gbad.relay.err"

# --- UDP-Lite (socat 1.8)
if python3 "$PEER" probe 4 2 136; then
	for tool in "$S18" "$RELAY"; do
		tn=$(tool_name "$tool")
		port=$(free_port)
		rm -f "$D/ready"
		bg python3 "$PEER" dgrecv 4 136 $port "$D/lsendto.$tn.peer" "$D/ready" 1.5
		p=$BG_PID
		wait_ready "$D/ready"
		ns_tool - "$tool" lsendto 5 "$TMP/in.gen" -u - UDPLITE4-SENDTO:127.0.0.1:$port,udplite-send-cscov=8
		wait_gone $p 10
		port=$(free_port)
		bg "$tool" UDPLITE4-LISTEN:$port PIPE
		p=$BG_PID
		wait_until 5 "no UDP-Lite socket on $port" sh -c "grep -q ':$(printf %04X $port) ' /proc/net/udplite"
		python3 "$PEER" dgsend 4 136 $port "$D/llisten.$tn.peer" one two
		stop_tool $p
	done
	check_eq "UDPLITE4-SENDTO: the peer saw socat's datagram" "8 generic\\n" "$(cut -d' ' -f1-2 "$D/lsendto.socat18.peer")"
	cut -d' ' -f1-2 "$D/lsendto.socat18.peer" >"$D/lsendto.socat18.data"
	cut -d' ' -f1-2 "$D/lsendto.relay.peer" >"$D/lsendto.relay.data"
	same lsendto socat18 data rc
	check_eq "UDPLITE4-LISTEN: socat echoed both" "3 one -
3 two -" "$(cat "$D/llisten.socat18.peer")"
	same llisten socat18 peer
else
	not_ok "this kernel makes no UDP-Lite socket (socket(AF_INET, SOCK_DGRAM, 136))"
fi

# --- SEQPACKET: records keep their bounds (socat 1.8)
for tool in "$S18" "$RELAY"; do
	tn=$(tool_name "$tool")
	rm -f "$TMP/s.sock"
	bg "$tool" UNIX-LISTEN:"$TMP/s.sock",socktype=5 PIPE
	p=$BG_PID
	wait_until 5 "no SEQPACKET listener" test -S "$TMP/s.sock"
	python3 "$PEER" seqcli u "$TMP/s.sock" "$D/seqlisten.$tn.peer" a "bb
" ccc
	stop_tool $p
	rm -f "$D/ready" "$TMP/s.sock"
	bg python3 "$PEER" seqsrv u "$TMP/s.sock" "$D/seqconnect.$tn.peer" "$D/ready"
	p=$BG_PID
	wait_ready "$D/ready"
	ns_tool - "$tool" seqconnect 5 "$TMP/in.gen" -u - UNIX-CONNECT:"$TMP/s.sock",socktype=5
	wait_gone $p 10
	ns_tool - "$tool" seqpair 5 "$TMP/in.gen" - SOCKETPAIR,socktype=5
done
check_eq "UNIX-LISTEN,socktype=5: socat echoed each record" "1 a -
3 bb\\n -
3 ccc -" "$(cat "$D/seqlisten.socat18.peer")"
same seqlisten socat18 peer
check_eq "UNIX-CONNECT,socktype=5: the peer got socat's record" "8 generic\\n -" "$(cat "$D/seqconnect.socat18.peer")"
same seqconnect socat18 peer rc
check_eq "SOCKETPAIR,socktype=5: socat echoed" "generic" "$(cat "$D/seqpair.socat18.out")"
same seqpair socat18 out rc

# --- SCTP and DCCP: real where the kernel has them, else the same failure
# errtext FILE: the reason of FILE's first E line (after its last ": ").
errtext() { grep -Em 1 "$ELOG_RE" "$1" | sed 's/.*: //'; }
for fam in "SCTP 1 132" "DCCP 6 33"; do
	set -- $fam
	name=$1
	if python3 "$PEER" probe 4 "$2" "$3"; then
		echo "# this kernel has $name: the exchange runs"
		for tool in "$S18" "$RELAY"; do
			tn=$(tool_name "$tool")
			port=$(free_port)
			bg "$S18" ${name}4-LISTEN:$port,reuseaddr PIPE
			p=$BG_PID
			wait_until 5 "no $name listener" sh -c "ss -Hl | grep -q ':$port '"
			ns_tool - "$tool" $name 5 "$TMP/in.gen" - ${name}4:127.0.0.1:$port
			stop_tool $p
			port=$(free_port)
			bg "$tool" ${name}4-LISTEN:$port,reuseaddr PIPE
			p=$BG_PID
			wait_until 5 "no $name listener" sh -c "ss -Hl | grep -q ':$port '"
			timeout 5 "$S18" - ${name}4:127.0.0.1:$port <"$TMP/in.gen" >"$D/${name}l.$tn.out" 2>/dev/null
			stop_tool $p
		done
		check_eq "$name: socat's echo came back" generic "$(cat "$D/$name.socat18.out")"
		same $name socat18 out rc
		check_eq "$name-LISTEN: socat echoed" generic "$(cat "$D/${name}l.socat18.out")"
		same ${name}l socat18 out
	else
		echo "# this kernel has no $name: relay must fail as socat does"
		for tool in "$S18" "$RELAY"; do
			port=$(free_port)
			ns_tool - "$tool" $name 5 "$TMP/in.gen" - ${name}4:127.0.0.1:$port
			ns_tool - "$tool" ${name}l 5 /dev/null ${name}4-LISTEN:$port PIPE
		done
		for c in $name ${name}l; do
			check_eq "$c: socat 1.8 exits 1" 1 "$(cat "$D/$c.socat18.rc")"
			same $c socat18 rc
			check_eq "$c: relay's error as socat's" "$(errtext "$D/$c.socat18.err")" "$(errtext "$D/$c.relay.err")"
		done
	fi
done

finish
