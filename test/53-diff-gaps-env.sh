#!/usr/bin/env bash
# Differential: environment socat reads and writes: SOCAT_DEFAULT_LISTEN_IP
# (the family a listener takes when nothing else says), the IPv6 form of
# SOCAT_PEERADDR/SOCAT_SOCKADDR ("[0000:...:0001]"), and an unbalanced
# quote in an address.  Each case runs with socat (the reference) and relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

# --- SOCAT_DEFAULT_LISTEN_IP: the address each listener listens on
# listen_addr VALUE ARGS...: the local address of the tool's socket
# (without the port), per tool, in $TMP/la.TOOL
listen_addr() {
	local val=$1 tool tn P
	shift
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		P=$(dport)
		SOCAT_DEFAULT_LISTEN_IP=$val bg "$tool" -u "${@//@P@/$P}" - </dev/null
		wait_until 10 "nothing on port $P" bash -c "ss -Hltnu 'sport = :$P' | grep -q ." || true
		ss -Hltnu "sport = :$P" | awk '{print $1, $5}' | sed "s/:$P\$//" >"$TMP/la.$tn"
		kill "$BG_PID"
	done
	check_eq "SOCAT_DEFAULT_LISTEN_IP=$val $*: the listening address as socat's" "$(cat "$TMP/la.socat")" "$(cat "$TMP/la.relay")"
}
listen_addr 6 TCP-LISTEN:@P@
check_eq "SOCAT_DEFAULT_LISTEN_IP=6 TCP-LISTEN: on IPv6" "tcp *" "$(cat "$TMP/la.relay")"
listen_addr 6 UDP-LISTEN:@P@
listen_addr 6 UDP-RECV:@P@
listen_addr 4 TCP-LISTEN:@P@
listen_addr 6 -4 TCP-LISTEN:@P@
listen_addr 6 TCP-LISTEN:@P@,pf=ip4

# --- SOCAT_PEERADDR, SOCAT_SOCKADDR of an IPv6 connection (and of an
# IPv4 one on an IPv6 listener, mapped)
for c in "TCP6:[::1]" "TCP4:127.0.0.1"; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		P=$(dport)
		bg "$tool" TCP6-LISTEN:$P,reuseaddr SYSTEM:'echo "$SOCAT_PEERADDR $SOCAT_SOCKADDR"'
		wait_listen "$P"
		timeout 10 "$SOCAT" -u "$c:$P" - >"$TMP/env.$tn" 2>/dev/null
		wait_gone "$BG_PID" 5
	done
	check_eq "TCP6-LISTEN, a client by $c: SOCAT_PEERADDR, SOCAT_SOCKADDR as socat's" "$(cat "$TMP/env.socat")" "$(cat "$TMP/env.relay")"
done
check_eq "SOCAT_PEERADDR of ::1 in socat's form" "[0000:0000:0000:0000:0000:0000:0000:0001]" "$(cut -d' ' -f1 <<<"$(
	P=$(dport)
	bg "$RELAY" TCP6-LISTEN:$P,reuseaddr SYSTEM:'echo "$SOCAT_PEERADDR"'
	wait_listen "$P"
	timeout 10 "$SOCAT" -u "TCP6:[::1]:$P" - 2>/dev/null)")"

# --- an unbalanced quote: an E and exit 1, as socat's for a double quote
# (for a single quote socat 1.7.4 and 1.8 read past the end of the
# argument and run what they found there: relay says E instead)
diff_run uq -- -u /dev/null OPEN:'"'"$TMP/uq"
check_eq "OPEN:\"path (unbalanced): exit code as socat's" "$DR_SOCAT_RC" "$DR_RELAY_RC"
check "OPEN:\"path (unbalanced): an E" has_elog "$DR_DIR/uq.relay.err"
run_one_tool "$RELAY" uq1 5 /dev/null -u /dev/null SYSTEM:"echo 'a"
check_eq "SYSTEM:echo 'a (unbalanced): exit code 1" 1 "$RUN_RC"
check "SYSTEM:echo 'a (unbalanced): an E" has_elog "$DR_DIR/uq1.relay.err"

finish
