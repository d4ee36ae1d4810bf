#!/usr/bin/env bash
# Differential: the socket options broadcast (so-broadcast), so-bindtodevice
# (bindtodevice, if, interface) and ttl (ip-ttl, ipttl), as socat 1.7.4 has
# them, on the command lines public scripts use.  Everything runs inside three
# network namespaces of our own, no traffic leaves them:
#
#   A  va 10.77.1.1/24 --- vba 10.77.1.2/24  B  vbc 10.77.2.2/24 --- vc 10.77.2.3/24  C
#      default via B                         (forwards)              route to 10.77.1.0/24 via B,
#                                                                    no default route
#
# Each case runs with socat (the reference: its assertions check the case
# itself) and then with relay, and compares exit codes, E lines and what the
# peers saw.  The receivers in B and C are a small Python program that
# records each datagram with the TTL it arrived with (IP_RECVTTL).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)

RX=$TMP/rx.py
cat >"$RX" <<'EOF'
import socket, sys
# rx PORT OUT IDLE: UDP on 0.0.0.0:PORT; writes "payload ttl=N from=IP" per
# datagram until IDLE seconds pass without one.
p, out, idle = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
IP_RECVTTL, IP_TTL = 12, 2
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
s.bind(('0.0.0.0', p)); s.settimeout(idle)
f = open(out, 'a')
while True:
    try: d, anc, fl, a = s.recvmsg(70000, 256)
    except socket.timeout: break
    ttl = '?'
    for lv, ty, v in anc:
        if lv == socket.IPPROTO_IP and ty == IP_TTL: ttl = int.from_bytes(v[:4], sys.byteorder)
    f.write("%s ttl=%s from=%s\n" % (d.decode('ascii', 'replace').strip(), ttl, a[0])); f.flush()
EOF

# --- the namespaces
A=r39a$$ B=r39b$$ C=r39c$$
setup_ns() {
	netns_add "$A" && netns_add "$B" && netns_add "$C" &&
	ip -n "$A" link add va type veth peer name vba netns "$B" &&
	ip -n "$C" link add vc type veth peer name vbc netns "$B" &&
	ip -n "$A" addr add 10.77.1.1/24 brd + dev va &&
	ip -n "$B" addr add 10.77.1.2/24 brd + dev vba &&
	ip -n "$B" addr add 10.77.2.2/24 brd + dev vbc &&
	ip -n "$C" addr add 10.77.2.3/24 brd + dev vc &&
	ip -n "$A" link set va up && ip -n "$B" link set vba up &&
	ip -n "$B" link set vbc up && ip -n "$C" link set vc up &&
	ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1 &&
	# B answers every TTL drop with an ICMP time exceeded, unthrottled
	ip netns exec "$B" sysctl -qw net.ipv4.icmp_ratelimit=0 &&
	ip -n "$A" route add default via 10.77.1.2 &&
	ip -n "$C" route add 10.77.1.0/24 via 10.77.2.2
}
if ! setup_ns; then
	not_ok "three network namespaces joined by veth pairs"
	finish
fi

# nrun TOOL NS NAME SECS IN ARGS...: run TOOL ARGS in namespace NS under
# timeout SECS, stdin from file IN; stdout, stderr to $DR_DIR/NAME.<tool>.out
# and .err, the exit code to $RUN_RC.
nrun() {
	local tool=$1 ns=$2 name=$3 secs=$4 in=$5 tn
	shift 5
	tn=$(tool_name "$tool")
	ip netns exec "$ns" timeout -k 2 "$secs" "$tool" "$@" <"$in" >"$DR_DIR/$name.$tn.out" 2>"$DR_DIR/$name.$tn.err"
	RUN_RC=$?
}
# nsbg NS CMD...: CMD in the background in namespace NS ($BG_PID).
nsbg() { local ns=$1; shift; bg ip netns exec "$ns" "$@"; }
# ns_bound NS tcp|udp PORT: a socket listens / is bound there in NS.
ns_bound() { ip netns exec "$1" ss -Hl"${2:0:1}"n "sport = :$3" | grep -q .; }
# ns_wait NS tcp|udp PORT [PID]: wait (5 s at most) until a socket is there,
# or until PID (the tool that should open it) has ended.
ns_wait() {
	local i=0
	while [ $i -lt 100 ]; do
		ns_bound "$1" "$2" "$3" && return 0
		[ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null && return 1
		sleep 0.05
		i=$((i + 1))
	done
	echo "# nothing on $2 port $3 in $1" >&2
	return 1
}
# ns_unix NS PATH: a UNIX socket listens at PATH in NS (ss only lists the
# sockets of its own namespace).
ns_unix() { [ -S "$2" ] && ip netns exec "$1" ss -Hxl | grep -qF " $2 "; }
# infile TAG: a file holding the line TAG (a datagram's payload).
infile() { printf '%s\n' "$1" >"$TMP/in.$1"; echo "$TMP/in.$1"; }
# refc NS SECS ARGS...: the reference socat as a client in NS; prints its
# stdout (stderr to $TMP/refc.err), its exit code is the function's.
refc() {
	local ns=$1 secs=$2
	shift 2
	ip netns exec "$ns" timeout -k 2 "$secs" "$SOCAT" "$@" </dev/null 2>"$TMP/refc.err"
}
# wait_line FILE LINE PID: wait (5 s at most) until FILE holds LINE or PID has ended.
wait_line() {
	local i=0
	while [ $i -lt 100 ]; do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# rx_seen FILE TAG: "ttl=N from=IP" of the datagram TAG in a receiver's
# record, or "none".
rx_seen() {
	local l
	l=$(grep -m1 "^$2 ttl=" "$1" 2>/dev/null)
	if [ -n "$l" ]; then echo "${l#"$2" }"; else echo none; fi
}
# run_ok W DESC NAME: the run exited 0 with no E line.
run_ok() {
	local tn=${1%% *}
	[ "$tn" != socat ] && tn=relay
	check_eq "$1: $2: exit code" 0 "$(rc_text "$RUN_RC")"
	check_eq "$1: $2: no E line" "" "$(grep -E "$ELOG_RE" "$DR_DIR/$3.$tn.err" | head -n 1)"
}
# run_err W DESC NAME [TEXT]: the run exited 1 with an E line (holding TEXT).
run_err() {
	local tn=${1%% *} e
	[ "$tn" != socat ] && tn=relay
	e=$DR_DIR/$3.$tn.err
	check_eq "$1: $2: exit code" 1 "$(rc_text "$RUN_RC")"
	if grep -Eq "$ELOG_RE.*${4:-}" "$e"; then
		ok "$1: $2: E line${4:+ with \"$4\"}"
	else
		not_ok "$1: $2: E line${4:+ with \"$4\"} (got: $(first_line "$e"))"
	fi
}

n=0
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	w=$(who "$tn")
	n=$((n + 1))
	# ports: a fresh range per tool (the namespaces are ours alone)
	PB=$((5000 + n * 100))	# receiver in B
	PC=$((PB + 1))		# receiver in C
	f=$TMP/$tn
	nsbg "$B" timeout 50 "$PY" "$RX" "$PB" "$f.rxB" 40
	rxb=$BG_PID
	nsbg "$C" timeout 50 "$PY" "$RX" "$PC" "$f.rxC" 40
	rxc=$BG_PID
	ns_wait "$B" udp "$PB"
	ns_wait "$C" udp "$PC"

	# ================= 1. broadcast =================
	# A sends to the subnet broadcast 10.77.1.255 and to 255.255.255.255
	# (routable in A: its default route); B's receiver gets what is sent.
	t=$tn-1a; nrun "$tool" "$A" 1a 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.255:$PB
	run_err "$w" "- UDP4-SENDTO:10.77.1.255:P (no broadcast)" 1a "Permission denied"
	t=$tn-1b; nrun "$tool" "$A" 1b 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.255:$PB,broadcast
	run_ok "$w" "- UDP4-SENDTO:10.77.1.255:P,broadcast" 1b
	t=$tn-1c; nrun "$tool" "$A" 1c 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.255:$PB,so-broadcast
	run_ok "$w" "- UDP4-SENDTO:10.77.1.255:P,so-broadcast" 1c
	t=$tn-1d; nrun "$tool" "$A" 1d 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.255:$PB,broadcast=0
	run_err "$w" "- UDP4-SENDTO:10.77.1.255:P,broadcast=0" 1d "Permission denied"
	t=$tn-1e; nrun "$tool" "$A" 1e 5 "$(infile $t)" - UDP4-SENDTO:255.255.255.255:$PB
	run_err "$w" "- UDP4-SENDTO:255.255.255.255:P (no broadcast)" 1e "Permission denied"
	t=$tn-1f; nrun "$tool" "$A" 1f 5 "$(infile $t)" - UDP4-SENDTO:255.255.255.255:$PB,broadcast
	run_ok "$w" "- UDP4-SENDTO:255.255.255.255:P,broadcast" 1f
	t=$tn-1g; nrun "$tool" "$A" 1g 5 "$(infile $t)" - UDP-DATAGRAM:10.77.1.255:$PB
	run_err "$w" "- UDP-DATAGRAM:10.77.1.255:P (no broadcast)" 1g "Permission denied"
	# the refusal comes with the first datagram: with no data, no error
	nrun "$tool" "$A" 1j 5 /dev/null - UDP4-SENDTO:10.77.1.255:$PB
	run_ok "$w" "- UDP4-SENDTO:10.77.1.255:P (no broadcast), no data" 1j

	# UDP-DATAGRAM:<bcast>:Q,broadcast as a discovery client: a reference
	# responder in B answers from its unicast address, the answer comes back.
	# (-t 5 on a side whose program answers after its input's EOF: the
	# answer must not race the default -t 0.5; that side still ends with its
	# program.  -t 2 where the tool waits for a UDP answer: no EOF ever
	# ends that wait, so its -t is a real cost.)
	Q=$((PB + 10))
	nsbg "$B" timeout 20 "$SOCAT" -t 5 UDP4-RECVFROM:$Q,fork SYSTEM:'read l; echo "B got $l"'
	resp=$BG_PID
	ns_wait "$B" udp "$Q"
	t=$tn-1h; nrun "$tool" "$A" 1h 5 "$(infile $t)" -t 2 - UDP-DATAGRAM:10.77.1.255:$Q,broadcast
	run_ok "$w" "-t 2 - UDP-DATAGRAM:10.77.1.255:Q,broadcast" 1h
	check_eq "$w: - UDP-DATAGRAM:10.77.1.255:Q,broadcast: the responder's answer (from 10.77.1.2) comes back" "B got $t" "$(cat "$DR_DIR/1h.$tn.out")"
	stop_tool "$resp"

	# UDP4-RECVFROM:R,broadcast,fork as the responder: a reference client
	# broadcasts a query and gets the answer.
	R=$((PB + 11))
	nsbg "$B" timeout 20 "$tool" -t 5 UDP4-RECVFROM:$R,broadcast,fork SYSTEM:'read l; echo "reply $l"' 2>"$f.1i.err"
	tpid=$BG_PID
	ns_wait "$B" udp "$R" "$tpid"
	got=$(printf 'q-%s\n' "$tn" | ip netns exec "$A" timeout -k 2 5 "$SOCAT" -t 2 - UDP4-DATAGRAM:10.77.1.255:$R,broadcast 2>&1)
	check_eq "$w: UDP4-RECVFROM:R,broadcast,fork SYSTEM: a broadcast query is answered" "reply q-$tn" "$got"
	check "$w: UDP4-RECVFROM:R,broadcast,fork: still serving after the answer" kill -0 "$tpid" 2>/dev/null
	stop_tool "$tpid"
	check_eq "$w: UDP4-RECVFROM:R,broadcast,fork: no log line" "" "$(cat "$f.1i.err")"

	# ================= 3. ttl (UDP, datagrams seen by B and C) =================
	# direct to B: the TTL as sent; through B to C: one less, ttl=1 is dropped.
	t=$tn-3a; nrun "$tool" "$A" 3a 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.2:$PB
	run_ok "$w" "- UDP4-SENDTO:10.77.1.2:P (no ttl)" 3a
	t=$tn-3b; nrun "$tool" "$A" 3b 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.2:$PB,ttl=1
	run_ok "$w" "- UDP4-SENDTO:10.77.1.2:P,ttl=1" 3b
	t=$tn-3c; nrun "$tool" "$A" 3c 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.2:$PB,ttl=200
	run_ok "$w" "- UDP4-SENDTO:10.77.1.2:P,ttl=200" 3c
	t=$tn-3d; nrun "$tool" "$A" 3d 5 "$(infile $t)" - UDP4:10.77.1.2:$PB,ttl=9
	run_ok "$w" "- UDP4:10.77.1.2:P,ttl=9" 3d
	t=$tn-3e; nrun "$tool" "$A" 3e 5 "$(infile $t)" - UDP4-SENDTO:10.77.2.3:$PC
	run_ok "$w" "- UDP4-SENDTO:10.77.2.3:P via B (no ttl)" 3e
	t=$tn-3f; nrun "$tool" "$A" 3f 5 "$(infile $t)" - UDP4-SENDTO:10.77.2.3:$PC,ttl=1
	run_ok "$w" "- UDP4-SENDTO:10.77.2.3:P,ttl=1 via B (the send itself succeeds)" 3f
	t=$tn-3g; nrun "$tool" "$A" 3g 5 "$(infile $t)" - UDP4-SENDTO:10.77.2.3:$PC,ttl=2
	run_ok "$w" "- UDP4-SENDTO:10.77.2.3:P,ttl=2 via B" 3g
	t=$tn-3h; nrun "$tool" "$A" 3h 5 "$(infile $t)" - UDP4-SENDTO:10.77.2.3:$PC,ip-ttl=3
	run_ok "$w" "- UDP4-SENDTO:10.77.2.3:P,ip-ttl=3 via B" 3h
	t=$tn-3i; nrun "$tool" "$A" 3i 5 "$(infile $t)" - UDP4-SENDTO:10.77.2.3:$PC,ipttl=4
	run_ok "$w" "- UDP4-SENDTO:10.77.2.3:P,ipttl=4 via B" 3i
	# invalid values: setsockopt(IP_TTL) refuses 0 and 256 (EINVAL); socat
	# fails when it opens the address, before any data
	t=$tn-3j; nrun "$tool" "$A" 3j 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.2:$PB,ttl=0
	run_err "$w" "- UDP4-SENDTO:10.77.1.2:P,ttl=0" 3j
	t=$tn-3k; nrun "$tool" "$A" 3k 5 "$(infile $t)" - UDP4-SENDTO:10.77.1.2:$PB,ttl=256
	run_err "$w" "- UDP4-SENDTO:10.77.1.2:P,ttl=256" 3k

	# ================= 2. so-bindtodevice, the sender side =================
	# C has no default route: 255.255.255.255 is unreachable, unless the
	# socket is bound to vc (the DHCP-client way); broadcast is still needed.
	t=$tn-2a; nrun "$tool" "$C" 2a 5 "$(infile $t)" - UDP4-SENDTO:255.255.255.255:$PB,broadcast
	run_err "$w" "C: - UDP4-SENDTO:255.255.255.255:P,broadcast (no device, no route)" 2a "Network is unreachable"
	t=$tn-2b; nrun "$tool" "$C" 2b 5 "$(infile $t)" - UDP4-SENDTO:255.255.255.255:$PB,broadcast,so-bindtodevice=vc
	run_ok "$w" "C: - UDP4-SENDTO:255.255.255.255:P,broadcast,so-bindtodevice=vc" 2b
	t=$tn-2c; nrun "$tool" "$C" 2c 5 "$(infile $t)" - UDP4-SENDTO:255.255.255.255:$PB,so-bindtodevice=vc
	run_err "$w" "C: - UDP4-SENDTO:255.255.255.255:P,so-bindtodevice=vc (no broadcast)" 2c "Permission denied"
	t=$tn-2d; nrun "$tool" "$C" 2d 5 "$(infile $t)" - UDP4-DATAGRAM:255.255.255.255:$PB,broadcast,if=vc
	run_ok "$w" "C: - UDP4-DATAGRAM:255.255.255.255:P,broadcast,if=vc" 2d

	# --- what B's and C's receivers saw (the end markers come last)
	ip netns exec "$A" timeout 5 "$SOCAT" -u - UDP4-SENDTO:10.77.1.2:$PB <"$(infile "$tn-endB")"
	ip netns exec "$A" timeout 5 "$SOCAT" -u - UDP4-SENDTO:10.77.2.3:$PC <"$(infile "$tn-endC")"
	wait_line "$f.rxB" "$tn-endB ttl=64 from=10.77.1.1" "$rxb" || not_ok "$w: B's receiver gets the end marker"
	wait_line "$f.rxC" "$tn-endC ttl=63 from=10.77.1.1" "$rxc" || not_ok "$w: C's receiver gets the end marker"
	check_eq "$w: 1a (no broadcast): B got nothing" none "$(rx_seen "$f.rxB" "$tn-1a")"
	check_eq "$w: 1b (broadcast): B got it" "ttl=64 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-1b")"
	check_eq "$w: 1c (so-broadcast): B got it" "ttl=64 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-1c")"
	check_eq "$w: 1d (broadcast=0): B got nothing" none "$(rx_seen "$f.rxB" "$tn-1d")"
	check_eq "$w: 1e (255.255.255.255, no broadcast): B got nothing" none "$(rx_seen "$f.rxB" "$tn-1e")"
	check_eq "$w: 1f (255.255.255.255, broadcast): B got it" "ttl=64 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-1f")"
	check_eq "$w: 1g (UDP-DATAGRAM, no broadcast): B got nothing" none "$(rx_seen "$f.rxB" "$tn-1g")"
	check_eq "$w: 3a (no ttl): B sees TTL 64" "ttl=64 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-3a")"
	check_eq "$w: 3b (ttl=1): B sees TTL 1" "ttl=1 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-3b")"
	check_eq "$w: 3c (ttl=200): B sees TTL 200" "ttl=200 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-3c")"
	check_eq "$w: 3d (UDP4 connected, ttl=9): B sees TTL 9" "ttl=9 from=10.77.1.1" "$(rx_seen "$f.rxB" "$tn-3d")"
	check_eq "$w: 3e (via B, no ttl): C sees TTL 63" "ttl=63 from=10.77.1.1" "$(rx_seen "$f.rxC" "$tn-3e")"
	check_eq "$w: 3f (via B, ttl=1): dropped at B, C got nothing" none "$(rx_seen "$f.rxC" "$tn-3f")"
	check_eq "$w: 3g (via B, ttl=2): C sees TTL 1" "ttl=1 from=10.77.1.1" "$(rx_seen "$f.rxC" "$tn-3g")"
	check_eq "$w: 3h (via B, ip-ttl=3): C sees TTL 2" "ttl=2 from=10.77.1.1" "$(rx_seen "$f.rxC" "$tn-3h")"
	check_eq "$w: 3i (via B, ipttl=4): C sees TTL 3" "ttl=3 from=10.77.1.1" "$(rx_seen "$f.rxC" "$tn-3i")"
	check_eq "$w: 3j (ttl=0): B got nothing" none "$(rx_seen "$f.rxB" "$tn-3j")"
	check_eq "$w: 3k (ttl=256): B got nothing" none "$(rx_seen "$f.rxB" "$tn-3k")"
	check_eq "$w: 2a (C, no device): B got nothing" none "$(rx_seen "$f.rxB" "$tn-2a")"
	check_eq "$w: 2b (C, so-bindtodevice=vc): B got it from C" "ttl=64 from=10.77.2.3" "$(rx_seen "$f.rxB" "$tn-2b")"
	check_eq "$w: 2c (C, device, no broadcast): B got nothing" none "$(rx_seen "$f.rxB" "$tn-2c")"
	check_eq "$w: 2d (C, UDP4-DATAGRAM,broadcast,if=vc): B got it from C" "ttl=64 from=10.77.2.3" "$(rx_seen "$f.rxB" "$tn-2d")"
	stop_tool "$rxb"
	stop_tool "$rxc"

	# ================= 2. so-bindtodevice, the receiver side =================
	# The tool receives in B on port U; datagrams come from A over vba, from
	# B itself to 127.0.0.1 (lo) and from C over vbc (to both of B's
	# addresses).  Bound to vba, only A's arrive.  An end marker from A
	# comes last; then the tool is stopped.
	i=0
	for opt in "" ",so-bindtodevice=vba" ",bindtodevice=vba" ",if=vba" ",interface=vba" ",so-bindtodevice=lo"; do
		i=$((i + 1))
		U=$((PB + 20 + i))
		out=$f.recv$i
		nsbg "$B" timeout 20 "$tool" -u UDP4-RECV:$U$opt OPEN:"$out",creat 2>"$out.err"
		tpid=$BG_PID
		ns_wait "$B" udp "$U" "$tpid"
		printf 'fromA\n' | ip netns exec "$A" timeout 5 "$SOCAT" -u - UDP4-SENDTO:10.77.1.2:$U
		printf 'viaLo\n' | ip netns exec "$B" timeout 5 "$SOCAT" -u - UDP4-SENDTO:127.0.0.1:$U
		printf 'fromC\n' | ip netns exec "$C" timeout 5 "$SOCAT" -u - UDP4-SENDTO:10.77.2.2:$U
		printf 'fromCtoA\n' | ip netns exec "$C" timeout 5 "$SOCAT" -u - UDP4-SENDTO:10.77.1.2:$U
		if [ "$opt" = ",so-bindtodevice=lo" ]; then
			printf 'end\n' | ip netns exec "$B" timeout 5 "$SOCAT" -u - UDP4-SENDTO:127.0.0.1:$U
		else
			printf 'end\n' | ip netns exec "$A" timeout 5 "$SOCAT" -u - UDP4-SENDTO:10.77.1.2:$U
		fi
		wait_line "$out" end "$tpid"
		sleep 0.1
		stop_tool "$tpid"
		case $opt in
		"") exp="fromA viaLo fromC fromCtoA end" ;;
		*=lo) exp="viaLo end" ;;
		*) exp="fromA end" ;;
		esac
		check_eq "$w: -u UDP4-RECV:U$opt OPEN:f: the datagrams it got" "$exp" "$(cat "$out" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
		check_eq "$w: -u UDP4-RECV:U$opt: no log line" "" "$(cat "$out.err")"
	done

	# TCP4-LISTEN bound to vba: a connection from A (over vba) is served,
	# those from C (over vbc) and from B to 127.0.0.1 are refused.
	for opt in "" ",so-bindtodevice=vba"; do
		L=$((PB + 30 + ${#opt}))
		nsbg "$B" timeout 20 "$tool" -t 5 TCP4-LISTEN:$L,fork,reuseaddr$opt SYSTEM:'echo hi' 2>"$f.tl.err"
		tpid=$BG_PID
		ns_wait "$B" tcp "$L" "$tpid"
		got=""
		for c in "$A 10.77.1.2" "$C 10.77.2.2" "$C 10.77.1.2" "$B 127.0.0.1"; do
			set -- $c
			r=$(refc "$1" 5 -t 2 - TCP4:$2:$L)
			got="$got ${r:-refused}"
		done
		stop_tool "$tpid"
		if [ -z "$opt" ]; then exp=" hi hi hi hi"; else exp=" hi refused refused refused"; fi
		check_eq "$w: TCP4-LISTEN:L$opt: clients from A, C (to .2.2), C (to .1.2), B (127.0.0.1)" "$exp" "$got"
		check_eq "$w: TCP4-LISTEN:L$opt: no log line" "" "$(cat "$f.tl.err")"
	done

	# TCP client bound to a device: to B over va works; bound to lo, its
	# SYN never leaves A, connect-timeout ends it.
	L=$((PB + 40))
	nsbg "$B" timeout 30 "$SOCAT" -t 5 TCP4-LISTEN:$L,fork,reuseaddr SYSTEM:'echo hi'
	lpid=$BG_PID
	LC=$((PB + 41))
	nsbg "$C" timeout 30 "$SOCAT" -t 5 TCP4-LISTEN:$LC,fork,reuseaddr SYSTEM:'echo hi'
	lcpid=$BG_PID
	ns_wait "$B" tcp "$L"
	ns_wait "$C" tcp "$LC"
	nrun "$tool" "$A" 2e 5 /dev/null -t 2 - TCP4:10.77.1.2:$L,so-bindtodevice=va
	run_ok "$w" "A: - TCP4:10.77.1.2:L,so-bindtodevice=va" 2e
	check_eq "$w: A: - TCP4:...,so-bindtodevice=va: the server's reply" hi "$(cat "$DR_DIR/2e.$tn.out")"
	nrun "$tool" "$A" 2f 5 /dev/null -t 2 - TCP4:10.77.1.2:$L,so-bindtodevice=lo,connect-timeout=1
	run_err "$w" "A: - TCP4:10.77.1.2:L,so-bindtodevice=lo,connect-timeout=1" 2f
	check_eq "$w: A: - TCP4:...,so-bindtodevice=lo: no reply" "" "$(cat "$DR_DIR/2f.$tn.out")"

	# unknown interface: setsockopt(SO_BINDTODEVICE) says ENODEV
	nrun "$tool" "$A" 2g 5 /dev/null -t 2 - TCP4:10.77.1.2:$L,so-bindtodevice=nosuch0
	run_err "$w" "- TCP4:10.77.1.2:L,so-bindtodevice=nosuch0" 2g "No such device"
	nrun "$tool" "$B" 2h 5 /dev/null -u UDP4-RECV:$((PB + 42)),so-bindtodevice=nosuch0 -
	run_err "$w" "-u UDP4-RECV:U,so-bindtodevice=nosuch0 -" 2h "No such device"
	nrun "$tool" "$B" 2i 5 /dev/null TCP4-LISTEN:$((PB + 43)),so-bindtodevice=nosuch0 -
	run_err "$w" "TCP4-LISTEN:L,so-bindtodevice=nosuch0 -" 2i "No such device"
	nrun "$tool" "$B" 2j 5 /dev/null UDP4-RECVFROM:$((PB + 44)),bindtodevice=nosuch0 -
	run_err "$w" "UDP4-RECVFROM:U,bindtodevice=nosuch0 -" 2j "No such device"
	# no value
	nrun "$tool" "$A" 2k 5 /dev/null - TCP4:10.77.1.2:$L,so-bindtodevice
	run_err "$w" "- TCP4:...,so-bindtodevice (no value)" 2k

	# ================= 3. ttl on TCP =================
	# A client through B: ttl=1 dies at B (ICMP time exceeded: the connect
	# fails), ttl=2 reaches C.
	nrun "$tool" "$A" 3l 5 /dev/null -t 2 - TCP4:10.77.2.3:$LC,ttl=1,connect-timeout=2
	run_err "$w" "A: - TCP4:10.77.2.3:L,ttl=1 (via B)" 3l
	check_eq "$w: A: - TCP4:10.77.2.3:L,ttl=1: no reply" "" "$(cat "$DR_DIR/3l.$tn.out")"
	nrun "$tool" "$A" 3m 5 /dev/null -t 2 - TCP4:10.77.2.3:$LC,ttl=2,connect-timeout=2
	run_ok "$w" "A: - TCP4:10.77.2.3:L,ttl=2 (via B)" 3m
	check_eq "$w: A: - TCP4:10.77.2.3:L,ttl=2: the server's reply" hi "$(cat "$DR_DIR/3m.$tn.out")"
	stop_tool "$lpid"
	stop_tool "$lcpid"
	# A listener in C: its SYN-ACKs carry its ttl; with ttl=1 they die at B
	# and the reference client in A times out; with ttl=2 it is served.
	for v in 1 2; do
		L=$((PB + 50 + v))
		nsbg "$C" timeout 20 "$tool" -t 5 TCP4-LISTEN:$L,reuseaddr,ttl=$v SYSTEM:'echo hi' 2>"$f.tlt.err"
		tpid=$BG_PID
		ns_wait "$C" tcp "$L" "$tpid"
		r=$(refc "$A" 5 -t 2 - TCP4:10.77.2.3:$L,connect-timeout=1.5)
		rrc=$?
		if [ $v = 1 ]; then
			check_eq "$w: C: TCP4-LISTEN:L,ttl=1: a client in A gets no connection" "" "$r"
			# (its connect timed out: a refused one would say so)
			check "$w: C: TCP4-LISTEN:L,ttl=1: the client's connect timed out (exit 1)" \
				sh -c '[ "$1" = 1 ] && grep -qi "timed out" "$2"' _ "$rrc" "$TMP/refc.err"
			check "$w: C: TCP4-LISTEN:L,ttl=1: still listening" kill -0 "$tpid" 2>/dev/null
			stop_tool "$tpid"
		else
			check_eq "$w: C: TCP4-LISTEN:L,ttl=2: a client in A is served" hi "$r"
			wait_gone "$tpid" 5
			wait "$tpid"
			check_eq "$w: C: TCP4-LISTEN:L,ttl=2 (no fork): exit code after the one client" 0 "$?"
		fi
		check_eq "$w: C: TCP4-LISTEN:L,ttl=$v: no log line" "" "$(cat "$f.tlt.err")"
	done

	# ================= 4. options on other address types =================
	# socat's option groups: broadcast and so-bindtodevice are SOCKET
	# options, so UNIX sockets and SYSTEM's socketpair take them; ttl is an
	# IP4/IP6 option.  An option outside the address's groups is an E at
	# parse time; STDIO takes them all and fails in setsockopt (ENOTSOCK).
	U=$TMP/u.$tn.sock
	nsbg "$B" timeout 30 "$SOCAT" -t 5 UNIX-LISTEN:"$U",fork SYSTEM:'echo hi'
	upid=$BG_PID
	wait_until 5 "nothing listens on $U" ns_unix "$B" "$U"
	for opt in broadcast so-bindtodevice=lo; do
		nrun "$tool" "$B" 4a 5 /dev/null -t 2 - UNIX-CONNECT:"$U",$opt
		run_ok "$w" "- UNIX-CONNECT:u,$opt (accepted)" 4a
		check_eq "$w: - UNIX-CONNECT:u,$opt: the server's reply" hi "$(cat "$DR_DIR/4a.$tn.out")"
	done
	nrun "$tool" "$B" 4b 5 /dev/null -t 2 - UNIX-CONNECT:"$U",ttl=5
	run_err "$w" "- UNIX-CONNECT:u,ttl=5" 4b
	stop_tool "$upid"
	nrun "$tool" "$B" 4c 5 /dev/null UNIX-LISTEN:"$TMP/ul.$tn",ttl=5 -
	run_err "$w" "UNIX-LISTEN:u,ttl=5 -" 4c
	check "$w: UNIX-LISTEN:u,ttl=5: no socket file left" test ! -e "$TMP/ul.$tn"
	for opt in ttl=5 broadcast so-bindtodevice=lo; do
		nrun "$tool" "$B" 4d 5 /dev/null -u - OPEN:"$f.file",creat,$opt
		run_err "$w" "-u - OPEN:f,creat,$opt" 4d
		check "$w: -u - OPEN:f,creat,$opt: no file created" test ! -e "$f.file"
		nrun "$tool" "$B" 4e 5 /dev/null -u STDIO,$opt OPEN:/dev/null
		run_err "$w" "-u STDIO,$opt OPEN:/dev/null (stdin not a socket)" 4e
	done
	nrun "$tool" "$B" 4f 5 /dev/null -u SYSTEM:'echo hi',ttl=5 -
	run_err "$w" "-u SYSTEM:'echo hi',ttl=5 -" 4f
	check_eq "$w: -u SYSTEM:'echo hi',ttl=5: no output" "" "$(cat "$DR_DIR/4f.$tn.out")"
	nrun "$tool" "$B" 4g 5 /dev/null -u SYSTEM:'echo hi',broadcast -
	run_ok "$w" "-u SYSTEM:'echo hi',broadcast - (accepted)" 4g
	check_eq "$w: -u SYSTEM:'echo hi',broadcast -: the output" hi "$(cat "$DR_DIR/4g.$tn.out")"
	# broadcast on a TCP socket is accepted
	L=$((PB + 60))
	nsbg "$B" timeout 20 "$SOCAT" -t 5 TCP4-LISTEN:$L,reuseaddr SYSTEM:'echo hi'
	lpid=$BG_PID
	ns_wait "$B" tcp "$L"
	nrun "$tool" "$A" 4h 5 /dev/null -t 2 - TCP4:10.77.1.2:$L,broadcast
	run_ok "$w" "- TCP4:10.77.1.2:L,broadcast (accepted)" 4h
	check_eq "$w: - TCP4:...,broadcast: the server's reply" hi "$(cat "$DR_DIR/4h.$tn.out")"
	stop_tool "$lpid"
	# ttl on an IPv6 socket: accepted (IP_TTL on an AF_INET6 socket)
	V=$((PB + 61))
	nsbg "$B" timeout 20 "$SOCAT" -u UDP6-RECV:$V OPEN:"$f.v6",creat
	vpid=$BG_PID
	ns_wait "$B" udp "$V"
	nrun "$tool" "$B" 4i 5 "$(infile "$tn-v6")" -u - UDP6-SENDTO:[::1]:$V,ttl=5
	run_ok "$w" "-u - UDP6-SENDTO:[::1]:V,ttl=5 (accepted)" 4i
	wait_line "$f.v6" "$tn-v6" "$vpid"
	check_eq "$w: -u - UDP6-SENDTO:[::1]:V,ttl=5: the datagram arrives" "$tn-v6" "$(cat "$f.v6" 2>/dev/null)"
	stop_tool "$vpid"
done

finish
