#!/usr/bin/env bash
# Differential: the Linux packet and message queue types TUN, INTERFACE and
# POSIXMQ-*.  TUN and INTERFACE run in two network namespaces of our own,
# joined by a veth pair, IPv6 off so that the kernel sends nothing of its
# own on the links:
#
#   A  va 10.90.0.1/24 ------------------------- vb 10.90.0.2/24  B
#      TUN rt0 10.91.0.1/24  <- UDP 5000 ->   TUN rt0 10.91.0.2/24
#      pa --------------------------------------------------- pb
#      (no addresses: only the frames INTERFACE's cases send)
#
# TUN: a tunnel of two tools, each serving a TUN device and sending its
# packets to the other over UDP (socat's VPN recipe); a TCP transfer through
# it must arrive whole.  socat 1.7.4 on both ends is the reference, then
# relay on both ends, then relay against socat (the same packets on the
# wire).  INTERFACE: an Ethernet frame the tool sends on pa is seen on pb
# by a packet socket of our own, and one sent to pb comes out of the tool
# reading pb; the frames the tool's side sends itself are not read (socat
# 1.8, PACKET_IGNORE_OUTGOING); iff-promisc holds while the tool runs and
# is put back after (socat 1.8 the reference for these two).  POSIXMQ (socat 1.8 types, 1.7.4 has none): send,
# receive, priorities, fork, the echo, unlink-close, errors, compared with
# socat 1.8.0.3 (built by test/socat18).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

require ip python3 ss unshare
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	not_ok "needs root and /dev/net/tun for TUN, INTERFACE and network namespaces"
	finish
fi
need_socat18

# -V and -hhh, as socat's test.sh probes them: the features, the types
# (a type it knows is no "unknown device/address") and the options.
for f in TUN INTERFACE POSIXMQ; do
	check "-V: #define WITH_$f 1" sh -c "\"\$1\" -V | grep -q '#define WITH_$f 1\$'" _ "$RELAY"
done
for t in TUN INTERFACE POSIXMQ-READ POSIXMQ-RECEIVE POSIXMQ-SEND POSIXMQ-BIDIRECTIONAL; do
	check "$t is a known address type" sh -c "! \"\$1\" $t::::: /dev/null 2>&1 </dev/null | grep -q 'E unknown device/address'" _ "$RELAY"
done
for o in iff-up iff-promisc iff-no-pi tun-name tun-type tun-device mq-prio \
    posixmq-maxmsg posixmq-msgsize posixmq-flush; do
	check "-hhh lists option $o" sh -c "\"\$1\" -hhh | grep -q '[^a-z0-9-]$o[^a-z0-9-]'" _ "$RELAY"
done

# --- the namespaces
A=r55a$$ B=r55b$$
setup_ns() {
	netns_add "$A" && netns_add "$B" &&
	for ns in "$A" "$B"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return 1
	done &&
	ip -n "$A" link add va type veth peer name vb netns "$B" &&
	ip -n "$A" addr add 10.90.0.1/24 dev va &&
	ip -n "$B" addr add 10.90.0.2/24 dev vb &&
	ip -n "$A" link set va up && ip -n "$B" link set vb up &&
	# INTERFACE's own pair, without addresses: no ARP on it
	ip -n "$A" link add pa type veth peer name pb netns "$B" &&
	ip -n "$A" link set pa up && ip -n "$B" link set pb up
}
if ! setup_ns; then
	not_ok "two network namespaces joined by a veth pair"
	finish
fi

# nsbg NS CMD...: CMD in the background in namespace NS ($BG_PID).
nsbg() { local ns=$1; shift; bg ip netns exec "$ns" "$@"; }
# tun_up NS: the tunnel device rt0 is there and up in NS.
tun_up() { ip -n "$1" link show rt0 2>/dev/null | grep -q '[<,]UP[,>]'; }
# packet_socket NS IF: a packet socket is bound to interface IF in NS.
packet_socket() { ip netns exec "$1" ss -H -0 | grep -q "\*:$2 "; }
# tcp_listen NS PORT: a TCP socket listens on PORT in NS.
tcp_listen() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; }
# promisc NS IF: interface IF in NS is promiscuous.
promisc() { ip -n "$1" link show "$2" | grep -q PROMISC; }

# --- TUN: a tunnel through two TUN devices, a TCP transfer through it
head -c 200000 /dev/urandom >"$TMP/data"

# tunnel NAME TOOL_A TOOL_B: the tunnel with TOOL_A in A and TOOL_B in B,
# a TCP transfer from A to B through it.  Sets T_GOT (the file B's
# receiver wrote) and T_RC (the sender's exit code).
tunnel() {
	local name=$1 ta=$2 tb=$3 pa pb pr
	T_GOT=$TMP/tun.$name.got T_RC=none
	nsbg "$A" "$ta" UDP4:10.90.0.2:5000,bind=10.90.0.1:5000 \
		TUN:10.91.0.1/24,iff-up,iff-no-pi,tun-name=rt0
	pa=$BG_PID
	nsbg "$B" "$tb" UDP4:10.90.0.1:5000,bind=10.90.0.2:5000 \
		TUN:10.91.0.2/24,iff-up,iff-no-pi,tun-name=rt0
	pb=$BG_PID
	if wait_until 10 "no tunnel device up in $A" tun_up "$A" &&
	    wait_until 10 "no tunnel device up in $B" tun_up "$B"; then
		nsbg "$B" "$SOCAT" -u TCP4-LISTEN:7000,bind=10.91.0.2,reuseaddr \
			CREATE:"$T_GOT"
		pr=$BG_PID
		if wait_until 10 "no listener on 10.91.0.2:7000" tcp_listen "$B" 7000; then
			ip netns exec "$A" timeout -k 2 30 "$SOCAT" -u \
				FILE:"$TMP/data" TCP4:10.91.0.2:7000 2>"$TMP/tun.$name.client.err"
			T_RC=$?
		fi
		end_peer "$pr" "$T_RC"
	fi
	stop_tool "$pa"
	stop_tool "$pb"
}

tunnel ref "$SOCAT" "$SOCAT"
check_eq "TUN: socat (reference) on both ends: the TCP client's exit code" 0 "$T_RC"
same_file "TUN: socat (reference) on both ends: 200000 bytes through the tunnel" "$TMP/data" "$T_GOT"
tunnel relay "$RELAY" "$RELAY"
check_eq "TUN: relay on both ends: the TCP client's exit code, as socat's" 0 "$T_RC"
same_file "TUN: relay on both ends: 200000 bytes through the tunnel" "$TMP/data" "$T_GOT"
tunnel mixed "$RELAY" "$SOCAT"
check_eq "TUN: relay in A, socat in B: the TCP client's exit code" 0 "$T_RC"
same_file "TUN: relay in A, socat in B: 200000 bytes through the tunnel" "$TMP/data" "$T_GOT"

# Bad TUN addresses and options, an interface that is not there: an E
# and exit 1, as socat.
for spec in TUN:10.0.0.1/33 TUN:10.0.0.1 TUN,tun-type=foo \
    TUN,tun-device=/nonexistent/tun INTERFACE:nonexistent0; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		ip netns exec "$A" timeout -k 2 10 "$tool" -u "$spec" STDOUT \
			</dev/null >/dev/null 2>"$TMP/tunerr.$tn"
		echo $? >"$TMP/tunrc.$tn"
	done
	check_eq "$spec: exit code as socat's" "$(cat "$TMP/tunrc.socat")" "$(cat "$TMP/tunrc.relay")"
	check "$spec: relay logs an E" has_elog "$TMP/tunerr.relay"
done

# --- INTERFACE: raw Ethernet frames on the veth pair
PK=$TMP/pk.py
cat >"$PK" <<'EOF'
import socket, sys, time
# pk.py send IF FILE: sends FILE's bytes, one frame, on interface IF.
# pk.py recv IF OUT SECS: writes each frame of EtherType 0x88b5 that comes
# in on IF to OUT as one hex line, for SECS seconds.
ETH_P_ALL = 3
if sys.argv[1] == 'send':
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((sys.argv[2], 0))
    s.send(open(sys.argv[3], 'rb').read())
else:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((sys.argv[2], 0))
    out, end = open(sys.argv[3], 'w'), time.time() + float(sys.argv[4])
    open(sys.argv[3] + '.ready', 'w').close()
    while time.time() < end:
        s.settimeout(max(end - time.time(), 0.01))
        try: d, a = s.recvfrom(65536)
        except socket.timeout: break
        if a[2] != socket.PACKET_OUTGOING and d[12:14] == b'\x88\xb5':
            out.write(d.hex() + '\n'); out.flush()
EOF
# frame TAG: a file holding one broadcast Ethernet frame of the local
# experimental EtherType 0x88b5, its payload TAG padded to 50 bytes.
frame() {
	python3 -c 'import sys; p = sys.argv[1].encode().ljust(50, b"."); sys.stdout.buffer.write(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + p)' "$1" >"$TMP/frame.$1"
	echo "$TMP/frame.$1"
}
hex() { python3 -c 'import sys; print(open(sys.argv[1], "rb").read().hex())' "$1"; }

# Sending: the tool sends a file's 64 bytes as one frame out of pa.
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool") f=$(frame "send-$tn")
	nsbg "$B" python3 "$PK" recv pb "$TMP/seen.$tn" 8
	rx=$BG_PID
	wait_until 10 "no receiver on pb" test -e "$TMP/seen.$tn.ready"
	ip netns exec "$A" timeout -k 2 10 "$tool" -u FILE:"$f" INTERFACE:pa \
		2>"$TMP/ifsend.$tn.err"
	echo $? >"$TMP/ifsend.$tn.rc"
	wait_until 5 "no frame seen on pb" grep -q . "$TMP/seen.$tn"
	kill "$rx" 2>/dev/null
	check_eq "INTERFACE send: $(who "$tn"): the frame seen on the other side" "$(hex "$f")" "$(cat "$TMP/seen.$tn")"
done
check_eq "INTERFACE send: exit code as socat's" "$(cat "$TMP/ifsend.socat.rc")" "$(cat "$TMP/ifsend.relay.rc")"

# Receiving: a frame sent to pb comes out of the tool reading pb, whole
# and alone; the tool's own side's outgoing frames do not (socat 1.8:
# PACKET_IGNORE_OUTGOING; socat 1.7.4 reads them, so 1.8 is the reference).
for tool in "$S18" "$RELAY"; do
	tn=$(tool_name "$tool")
	nsbg "$B" "$tool" -u INTERFACE:pb CREATE:"$TMP/ifrecv.$tn"
	pid=$BG_PID
	wait_until 10 "no packet socket on pb" packet_socket "$B" pb
	ip netns exec "$B" python3 "$PK" send pb "$(frame "out-$tn")"
	ip netns exec "$A" python3 "$PK" send pa "$(frame "in-$tn")"
	wait_file_size "$TMP/ifrecv.$tn" 64 5
	sleep 0.2	# a second frame, if one came, would be written by now
	stop_tool "$pid"
	check_eq "INTERFACE receive: $(who "$tn"): the incoming frame, and not the outgoing one" \
		"$(hex "$TMP/frame.in-$tn")" "$(hex "$TMP/ifrecv.$tn")"
done

# iff-promisc: the interface is promiscuous while the tool runs, and is
# not after (socat 1.8 puts the flags back at exit; 1.7.4 refuses
# iff-promisc on INTERFACE).
for tool in "$S18" "$RELAY"; do
	tn=$(tool_name "$tool")
	nsbg "$B" "$tool" -u INTERFACE:pb,iff-promisc /dev/null
	pid=$BG_PID
	promisc=no
	wait_until 10 "pb not promiscuous" promisc "$B" pb && promisc=yes
	stop_tool "$pid"
	after=no
	promisc "$B" pb && after=yes
	echo "$promisc $after" >"$TMP/promisc.$tn"
done
check_eq "iff-promisc: socat 1.8 (reference): promiscuous while it runs, not after" "yes no" "$(cat "$TMP/promisc.socat18")"
check_eq "iff-promisc: relay: as socat" "yes no" "$(cat "$TMP/promisc.relay")"

# --- POSIXMQ, compared with socat 1.8
T18=("$S18" "$RELAY")
# mq_names: the message queues of this IPC namespace, from a private
# mount of the mqueue file system.
mq_names() {
	unshare -m sh -c 'd=$(mktemp -d) && mount -t mqueue none "$d" && ls "$d"; umount "$d"; rmdir "$d"'
}
# mqrun TOOL NAME SECS STDIN ARGS...: TOOL ARGS, output to $TMP/mq.NAME.<tn>.out
# and .err, its exit code to .rc.
mqrun() {
	local tool=$1 name=$2 tn
	tn=$(tool_name "$tool")
	shift 2
	DR_DIR=$TMP run_one_tool "$tool" "mq.$name" "$@"
	echo "$RUN_RC" >"$TMP/mq.$name.$tn.rc"
}
# mq_same NAME DESC: the two tools' exit codes and outputs of case NAME match.
mq_same() {
	check_eq "$2: exit code as socat 1.8's" "$(cat "$TMP/mq.$1.socat18.rc")" "$(cat "$TMP/mq.$1.relay.rc")"
	same_file "$2: output as socat 1.8's" "$TMP/mq.$1.socat18.out" "$TMP/mq.$1.relay.out"
}
q=/relay55.$$
printf 'low\n' >"$TMP/low"
printf 'high\n' >"$TMP/high"
printf 'one\ntwo\n' >"$TMP/two-lines"

# Priorities: the higher (1) first, each message one read; RECEIVE takes
# one message and ends.
for tool in "${T18[@]}"; do
	mqrun "$tool" send0 10 "$TMP/low" -u STDIO POSIXMQ-SEND:$q,mq-prio=0,unlink-early
	mqrun "$tool" send1 10 "$TMP/high" -u STDIO POSIXMQ-SEND:$q,posixmq-priority=1
	mqrun "$tool" recv1 10 /dev/null -u POSIXMQ-RECEIVE:$q STDOUT
	mqrun "$tool" recv2 10 /dev/null -u POSIXMQ-RECV:$q,unlink-close STDOUT
done
mq_same send0 "POSIXMQ-SEND mq-prio=0"
mq_same recv1 "POSIXMQ-RECEIVE: the priority 1 message first"
mq_same recv2 "POSIXMQ-RECV: then the priority 0 one"
check_eq "POSIXMQ-RECEIVE: relay read the priority 1 message first" "high" "$(cat "$TMP/mq.recv1.relay.out")"

# A read of stdin is one message: two lines in one; READ goes on reading
# (ended by timeout, as socat), the queue stays without unlink-close.
for tool in "${T18[@]}"; do
	tn=$(tool_name "$tool")
	mqrun "$tool" lines 10 "$TMP/two-lines" -u STDIO POSIXMQ-SEND:$q,unlink-early
	mq_names >"$TMP/mq.kept.$tn"
	mqrun "$tool" read 2 /dev/null -u POSIXMQ-READ:$q,unlink-close STDOUT
	mq_names >"$TMP/mq.gone.$tn"
done
mq_same read "POSIXMQ-READ of a two-line message, until killed"
check_eq "POSIXMQ-SEND: relay leaves the queue, as socat" "relay55.$$" "$(grep -x "relay55.$$" "$TMP/mq.kept.relay")"
check_eq "POSIXMQ-READ,unlink-close: relay removes the queue at exit, as socat" \
	"$(grep -c "relay55" "$TMP/mq.gone.socat18")" "$(grep -c "relay55" "$TMP/mq.gone.relay")"

# POSIXMQ (BIDIRECTIONAL) is an echo.
printf 'echo me\n' >"$TMP/echo"
for tool in "${T18[@]}"; do
	mqrun "$tool" echo 10 "$TMP/echo" - POSIXMQ:$q,unlink-early,unlink-close
done
mq_same echo "POSIXMQ: an echo"

# RECEIVE with fork: one child per message, max-children=1 keeps them in order.
for tool in "${T18[@]}"; do
	tn=$(tool_name "$tool")
	for m in m1 m2 m3; do
		printf '%s\n' "$m" | "$tool" -u STDIO POSIXMQ-SEND:$q 2>/dev/null
	done
	: >"$TMP/mq.fork.$tn.out"
	bg "$tool" -u POSIXMQ-RECV:$q,fork,max-children=1 SYSTEM:"cat >>$TMP/mq.fork.$tn.out"
	pid=$BG_PID
	wait_file_size "$TMP/mq.fork.$tn.out" 9 10
	stop_tool "$pid"
	"$tool" -u /dev/null POSIXMQ-SEND:$q,unlink-close 2>/dev/null
done
same_file "POSIXMQ-RECV,fork: the three messages through three children, as socat 1.8" \
	"$TMP/mq.fork.socat18.out" "$TMP/mq.fork.relay.out"
check_eq "POSIXMQ-RECV,fork: relay's children wrote m1 m2 m3" "m1 m2 m3" "$(echo $(cat "$TMP/mq.fork.relay.out"))"

# SEND with fork: a child an interval while the queue has room, each
# child's program the message (here: the next file of a directory, until
# none is left); max-children=1 keeps them in order.
for tool in "${T18[@]}"; do
	tn=$(tool_name "$tool") dir=$TMP/mq.files.$tn
	mkdir -p "$dir"
	for m in s1 s2 s3; do printf '%s\n' "$m" >"$dir/$m"; done
	bg "$tool" -U POSIXMQ-SEND:$q,unlink-early,fork,max-children=1,interval=0.1 \
		SYSTEM:"f=\$(ls $dir | head -n 1); [ -n \"\$f\" ] || exit 0; cat $dir/\$f; rm $dir/\$f"
	pid=$BG_PID
	wait_until 10 "$dir not emptied" sh -c "[ -z \"\$(ls $dir)\" ]"
	stop_tool "$pid"
	got=""
	for i in 1 2 3; do
		got="$got $(timeout 10 "$tool" -u POSIXMQ-RECV:$q STDOUT 2>/dev/null)"
	done
	echo "$got" >"$TMP/mq.sendfork.$tn"
	"$tool" -u /dev/null POSIXMQ-SEND:$q,unlink-close 2>/dev/null
done
check_eq "POSIXMQ-SEND,fork: socat 1.8 (reference): a message from each child" " s1 s2 s3" "$(cat "$TMP/mq.sendfork.socat18")"
check_eq "POSIXMQ-SEND,fork: relay, as socat 1.8" " s1 s2 s3" "$(cat "$TMP/mq.sendfork.relay")"

# Errors: a name without "/" (EINVAL), a message longer than mq-msgsize.
head -c 100 /dev/zero >"$TMP/hundred"
for tool in "${T18[@]}"; do
	mqrun "$tool" noslash 10 /dev/null -u POSIXMQ-READ:noslash STDOUT
	mqrun "$tool" toolong 10 "$TMP/hundred" -u STDIO POSIXMQ-SEND:$q,unlink-early,unlink-close,mq-msgsize=64,mq-maxmsg=2
done
mq_same noslash "POSIXMQ-READ:noslash"
check "POSIXMQ-READ:noslash: relay logs an E" has_elog "$TMP/mq.noslash.relay.err"
mq_same toolong "POSIXMQ-SEND: 100 bytes into mq-msgsize=64"
check "POSIXMQ-SEND: too long a message: relay logs an E" has_elog "$TMP/mq.toolong.relay.err"

# posixmq-priority is a number for relay, as socat's manual says; socat
# 1.8.0.3 keeps only whether it is 0 (a bool), so this is relay's alone.
for p in 3 10 5; do
	printf 'p%s\n' "$p" | "$RELAY" -u STDIO POSIXMQ-SEND:$q,mq-prio=$p 2>/dev/null
done
got=""
for i in 1 2 3; do
	got="$got $(timeout 10 "$RELAY" -u POSIXMQ-RECV:$q STDOUT 2>/dev/null)"
done
"$RELAY" -u /dev/null POSIXMQ-SEND:$q,unlink-close 2>/dev/null
check_eq "posixmq-priority=10 before 5 before 3 (relay)" " p10 p5 p3" "$got"

finish
