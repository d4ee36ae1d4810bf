#!/usr/bin/env bash
# Differential, against socat 1.8: the ancillary data of datagram
# receivers.  so-timestamp, ip-pktinfo, ip-recvttl, ip-recvtos,
# ipv6-recvpktinfo, ipv6-recvhoplimit and ipv6-recvtclass on UDP and raw
# IP, RECV and RECVFROM: the "I ancillary message: ..." log lines of each
# datagram, and the SOCAT_TIMESTAMP, SOCAT_IP_TTL, SOCAT_IPV6_DSTADDR ...
# variables of the program RECVFROM starts for it (with fork, each child
# its own datagram's).  And ipv6-join-group: the group's datagrams arrive.
# Each case runs through socat 1.8 (the reference, checked first) and
# relay, in network namespaces of their own (raw IP needs root).
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"
require python3

need_socat18
TOOLS=("$S18" "$RELAY")
D=$TMP/anc
mkdir -p "$D"

# --- two namespaces: B holds the receivers (on its loopback, and on vb
# for multicast), A sends multicast to B over a veth pair
A=r56a$$ B=r56b$$
setup_ns() {
	netns_add "$A" && netns_add "$B" &&
	ip -n "$A" link add va type veth peer name vb netns "$B" &&
	ip -n "$A" link set va up && ip -n "$B" link set vb up
}
if ! setup_ns; then
	not_ok "two network namespaces joined by a veth pair (needs root)"
	finish
fi
PROTO=254	# "use for experimentation and testing" (RFC 3692)

# inb CMD...: CMD in namespace B.
inb() { ip netns exec "$B" "$@"; }
# bound NUM: a UDP socket on port NUM, or a raw socket of protocol NUM, is
# open in B.
bound() {
	inb awk -v p="$(printf ':%04X' "$1")" '$2 ~ p "$" { f = 1 } END { exit !f }' \
		/proc/net/udp /proc/net/udp6 /proc/net/raw /proc/net/raw6
}
unbound() { ! bound "$1"; }
# anc_lines FILE: FILE's "ancillary message" log lines (info, and socat
# 1.8's notices), level and message only, a timestamp's value masked.
anc_lines() {
	sed -nE 's/^.*\] ([IN] [Aa]ncillary message: .*)$/\1/p' "$1" |
		sed -E 's/(timestamp=).*/\1<time>/'
}
# TIME_RE: a timestamp's value, as socat writes it.
TIME_RE='[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}, [0-9]{6} usecs'

# recv_case NAME NUM RECV SEND WANT: for each tool, "TOOL -d -d -d -u RECV -"
# in B takes one datagram that socat 1.8 sends there with "-u - SEND"
# (NUM: the UDP port or IP protocol RECV binds).  The reference logs the
# ancillary line WANT (grep -F; "" for none at all); relay logs the same
# lines and writes the same data.
recv_case() {
	local name=$1 num=$2 recv=$3 send=$4 want=$5 tool p
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		bg inb "$tool" -d -d -d -u "$recv" - >"$D/$name.$tn.out" 2>"$D/$name.$tn.err"
		p=$BG_PID
		wait_until 5 "no socket for $num in $B" bound "$num"
		echo "to $name" | inb "$S18" -u - "$send"
		wait_file_size "$D/$name.$tn.out" 1 5
		stop_tool "$p"
		wait_until 5 "a socket for $num still open in $B" unbound "$num"
		anc_lines "$D/$name.$tn.err" >"$D/$name.$tn.anc"
	done
	if [ -n "$want" ]; then
		check "$name: socat 1.8 (reference) logs \"$want\"" grep -qF -- "$want" "$D/$name.socat18.anc"
	else
		is_empty_file "$name: socat 1.8 (reference) logs no ancillary data" "$D/$name.socat18.anc"
	fi
	same_file "$name: $recv: the data as socat 1.8's" "$D/$name.socat18.out" "$D/$name.relay.out"
	same_file "$name: $recv: the ancillary log lines as socat 1.8's" "$D/$name.socat18.anc" "$D/$name.relay.anc"
}

# env_case NAME NUM RECVFROM SEND WANT [SEND2]: for each tool, "TOOL -u
# RECVFROM SYSTEM:..." in B starts a program for a datagram that socat 1.8
# sends with "-u - SEND" (and with fork, for a second one sent with SEND2);
# the program prints its SOCAT_IP*, SOCAT_TIMESTAMP variables (the
# timestamp's value masked).  The reference prints the line WANT; relay's
# programs print what socat's did.
env_case() {
	local name=$1 num=$2 recv=$3 send=$4 want=$5 send2=${6:-} tool p
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		bg inb "$tool" -u "$recv" SYSTEM:'env | grep -e ^SOCAT_I -e ^SOCAT_T | sort; echo --' \
			>"$D/$name.$tn.env" 2>"$D/$name.$tn.err"
		p=$BG_PID
		wait_until 5 "no socket for $num in $B" bound "$num"
		echo "to $name" | inb "$S18" -u - "$send"
		wait_until 5 "no program output" grep -q -- -- "$D/$name.$tn.env"
		if [ -n "$send2" ]; then
			echo "to $name again" | inb "$S18" -u - "$send2"
			wait_until 5 "no second program output" test "$(grep -c -- -- "$D/$name.$tn.env")" -ge 2
		fi
		stop_tool "$p"
		wait_until 5 "a socket for $num still open in $B" unbound "$num"
		grep -Eq "^SOCAT_TIMESTAMP=$TIME_RE\$" "$D/$name.$tn.env" ||
			! grep -q '^SOCAT_TIMESTAMP=' "$D/$name.$tn.env" ||
			not_ok "$w: $name: SOCAT_TIMESTAMP in socat's form ($(grep '^SOCAT_TIMESTAMP=' "$D/$name.$tn.env"))"
		sed -i -E 's/^(SOCAT_TIMESTAMP=).*/\1<time>/' "$D/$name.$tn.env"
	done
	check "$name: socat 1.8's (reference) program has $want" grep -qxF -- "$want" "$D/$name.socat18.env"
	same_file "$name: $recv: the program's variables as with socat 1.8" "$D/$name.socat18.env" "$D/$name.relay.env"
}

IP4OPTS=so-timestamp,ip-pktinfo,ip-recvttl,ip-recvtos
IP6OPTS=so-timestamp,ipv6-recvpktinfo,ipv6-recvhoplimit,ipv6-recvtclass

# --- RECV: the log lines
recv_case udp4 5001 UDP4-RECV:5001,reuseaddr,$IP4OPTS UDP4-SENDTO:127.0.0.1:5001,ip-ttl=53,ip-tos=7 \
	"I ancillary message: IP_TTL: ttl=53"
check "udp4: socat 1.8 (reference) notices the TTL" grep -qxF "N Ancillary message: ttl=53" "$D/udp4.socat18.anc"
check "udp4: relay's timestamp in socat's form" grep -Eq "ancillary message: SCM_TIMESTAMP: timestamp=$TIME_RE\$" "$D/udp4.relay.err"
recv_case udp4-none 5002 UDP4-RECV:5002 UDP4-SENDTO:127.0.0.1:5002,ip-ttl=53 ""
recv_case udp4-pktinfo 5003 UDP4-RECV:5003,ip-pktinfo UDP4-SENDTO:127.0.0.1:5003 \
	"I ancillary message: IP_PKTINFO: if=lo"
recv_case udp6 5004 UDP6-RECV:5004,$IP6OPTS "UDP6-SENDTO:[::1]:5004,ipv6-unicast-hops=35,ipv6-tclass=0xaa" \
	"I ancillary message: IPV6_TCLASS: tclass=x000000aa"
recv_case ip4 $PROTO IP4-RECV:$PROTO,$IP4OPTS IP4-SENDTO:127.0.0.1:$PROTO,ip-ttl=53,ip-tos=7 \
	"I ancillary message: IP_TOS: tos=7"
recv_case ip6 $PROTO IP6-RECV:$PROTO,$IP6OPTS "IP6-SENDTO:[::1]:$PROTO,ipv6-unicast-hops=35" \
	"I ancillary message: IPV6_HOPLIMIT: hoplimit=35"

# --- RECVFROM: the program's variables
env_case udp4-env 5011 UDP4-RECVFROM:5011,reuseaddr,$IP4OPTS UDP4-SENDTO:127.0.0.1:5011,ip-ttl=53,ip-tos=7 \
	"SOCAT_IP_TTL=53"
env_case udp4-fork 5012 UDP4-RECVFROM:5012,fork,ip-recvttl UDP4-SENDTO:127.0.0.1:5012,ip-ttl=53 \
	"SOCAT_IP_TTL=54" UDP4-SENDTO:127.0.0.1:5012,ip-ttl=54
env_case udp6-env 5013 UDP6-RECVFROM:5013,$IP6OPTS "UDP6-SENDTO:[::1]:5013,ipv6-unicast-hops=35,ipv6-tclass=0xaa" \
	"SOCAT_IPV6_DSTADDR=[0000:0000:0000:0000:0000:0000:0000:0001]"
env_case ip4-env $PROTO IP4-RECVFROM:$PROTO,$IP4OPTS IP4-SENDTO:127.0.0.1:$PROTO,ip-ttl=53,ip-tos=7 \
	"SOCAT_IP_LOCADDR=127.0.0.1"
env_case ip6-env $PROTO IP6-RECVFROM:$PROTO,ipv6-recvhoplimit "IP6-SENDTO:[::1]:$PROTO,ipv6-unicast-hops=35" \
	"SOCAT_IPV6_HOPLIMIT=35"

# --- ipv6-join-group: B's receiver joins ff02::4242 on vb, A sends to the
# group out of va; the datagram and its destination address arrive
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	bg inb "$tool" -d -d -d -u UDP6-RECV:5021,ipv6-join-group=[ff02::4242]:vb,ipv6-recvpktinfo - \
		>"$D/mcast.$tn.out" 2>"$D/mcast.$tn.err"
	p=$BG_PID
	wait_until 5 "no socket for 5021 in $B" bound 5021
	check "$w: ipv6-join-group: vb is in the group" inb grep -q ' vb .*ff020000000000000000000000004242 ' /proc/net/igmp6
	ip netns exec "$A" python3 -c 'import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b"to the group\n", ("ff02::4242", 5021, 0, socket.if_nametoindex("va")))'
	wait_file_size "$D/mcast.$tn.out" 1 5
	stop_tool "$p"
	wait_until 5 "a socket for 5021 still open in $B" unbound 5021
	anc_lines "$D/mcast.$tn.err" >"$D/mcast.$tn.anc"
done
check_eq "ipv6-join-group: socat 1.8 (reference) got the group's datagram" "to the group" "$(cat "$D/mcast.socat18.out")"
same_file "ipv6-join-group: the data as socat 1.8's" "$D/mcast.socat18.out" "$D/mcast.relay.out"
same_file "ipv6-join-group: the ancillary log lines as socat 1.8's" "$D/mcast.socat18.anc" "$D/mcast.relay.anc"
check "ipv6-join-group: relay logs the group as the destination" \
	grep -qF "IPV6_PKTINFO: dstaddr=[ff02:0000:0000:0000:0000:0000:0000:4242]" "$D/mcast.relay.anc"

finish
