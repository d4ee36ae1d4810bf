#!/usr/bin/env bash
# VSOCK-LISTEN and VSOCK-CONNECT (Linux).  A VSOCK socket may open while
# the kernel has no transport to carry a connection from this machine to
# itself (the vsock_loopback module, context id 1): a probe with socat
# says which.  With the loopback transport, relay and socat talk to each
# other over it both ways, with fork, and the bytes are compared; any
# failure there is relay's.  Without it, the scenario says so, and checks
# what still can be: relay listens, and a connect fails with socat's E and
# exit code instead of hanging.  Malformed context ids and ports are E's
# as in socat either way (test/unit covers the address building).
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"
if ! "$RELAY" -V | grep -q 'WITH_VSOCK 1'; then
	ok "# relay is built without VSOCK (not Linux): nothing to test"
	finish
fi

# vport: a VSOCK port number from the free TCP ports' range.
vport() { free_port; }

# vlisten NAME TOOL ARGS...: TOOL -dd ARGS in the background, its log in
# $TMP/NAME.log; waits for its "listening on" line (ss cannot show VSOCK
# sockets on many kernels).
vlisten() {
	local name=$1
	shift
	bg "$1" -dd "${@:2}" 2>"$TMP/$name.log"
	wait_until 20 "$name: a VSOCK listener" grep -q "listening on AF=40" "$TMP/$name.log"
}

# The probe: socat to socat over context id 1, bounded by timeouts.
P=$(vport)
vlisten probe-listener "$SOCAT" VSOCK-LISTEN:$P SYSTEM:'echo probe'
probe=$(timeout 10 "$SOCAT" -T 5 - VSOCK-CONNECT:1:$P </dev/null 2>"$TMP/probe.err")
kill "$BG_PID" 2>/dev/null
if [ "$probe" = probe ]; then
	echo "# the kernel has a VSOCK loopback transport: relay is tested over it"
	for pair in "$SOCAT $RELAY" "$RELAY $SOCAT" "$RELAY $RELAY"; do
		set -- $pair
		srv=$(tool_name "$1") cli=$(tool_name "$2")
		P=$(vport)
		vlisten "$srv-$cli" "$1" VSOCK-LISTEN:$P,fork SYSTEM:'read l; echo "$l back"'
		for i in 1 2; do
			got=$(echo "line $i" | timeout 20 "$2" -t 10 - VSOCK-CONNECT:1:$P 2>"$TMP/c.err")
			check_eq "$srv VSOCK-LISTEN,fork <- $cli VSOCK-CONNECT: reply $i" "line $i back" "$got"
		done
		kill "$BG_PID"
	done
	head -c 1000000 /dev/urandom >"$TMP/big"
	P=$(vport)
	vlisten big "$RELAY" -u VSOCK-LISTEN:$P CREATE:"$TMP/big.out"
	timeout 30 "$SOCAT" -u "$TMP/big" VSOCK-CONNECT:1:$P
	wait_gone "$BG_PID" 20
	same_file "a megabyte through relay's VSOCK-LISTEN" "$TMP/big" "$TMP/big.out"
else
	echo "# no VSOCK loopback transport in this kernel (socat's probe: $(first_line "$TMP/probe.err")): only listening and failing are tested"
	ok "VSOCK loopback absent here, said so"
	P=$(vport)
	vlisten listen "$RELAY" VSOCK-LISTEN:$P PIPE
	check "relay's VSOCK-LISTEN:$P listens (any cid)" grep -q "listening on AF=40 cid:4294967295 port:$P" "$TMP/listen.log"
	check "relay's VSOCK-LISTEN:$P is still up" kill -0 "$BG_PID"
	kill "$BG_PID"
	# The connect fails as socat's does (ETIMEDOUT, or ENODEV without a transport at all).
	P=$(vport)
	diff_run connect -t 60 -- - VSOCK-CONNECT:1:$P,connect-timeout=5
	check_eq "VSOCK-CONNECT with no loopback: relay's exit code is socat's" "$(rc_text "$DR_SOCAT_RC")" "$(rc_text "$DR_RELAY_RC")"
	check "VSOCK-CONNECT with no loopback: relay logs an E" has_elog "$DR_DIR/connect.relay.err"
	check_eq "VSOCK-CONNECT with no loopback: the same error" \
		"$(sed -E 's/.*\] E connect\([0-9]+, //' "$DR_DIR/connect.socat.err")" \
		"$(sed -E 's/.*\] E connect\([0-9]+, //' "$DR_DIR/connect.relay.err")"
fi

for a in VSOCK-CONNECT:x:1 VSOCK:1:0x VSOCK-L:z VSOCK-LISTEN:1:2 VSOCK-CONNECT:1 \
    VSOCK-LISTEN:1,range=1.2.3.4/32; do
	diff_run bad -- - "$a"
	check_eq "\"$a\": relay's exit code is socat's" "$(rc_text "$DR_SOCAT_RC")" "$(rc_text "$DR_RELAY_RC")"
	check "\"$a\": relay logs an E ($(first_line "$DR_DIR/bad.relay.err"))" has_elog "$DR_DIR/bad.relay.err"
done
finish
