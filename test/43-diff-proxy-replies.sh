#!/usr/bin/env bash
# SOCKS4, SOCKS4A, SOCKS5-CONNECT and PROXY against a scripted server
# (test/proxy-peer.py) that answers well, badly or with hostile replies:
# refusals, short replies, replies split a byte at a time, data right after
# the reply, overlong lines, unknown codes.  Each case runs the reference
# (socat 1.7.4; socat 1.8 for SOCKS5, which 1.7.4 lacks) and relay against
# the same server, and compares what the server received (the request
# bytes), what the client got, the exit code and whether an E was logged.
# A reply that never completes must not hang relay past connect-timeout.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"
require python3
PEER=$TESTDIR/proxy-peer.py
S18=$("$TOP/test/socat18" 2>"$TMP/socat18.log") || S18=""
if [ -z "$S18" ] || [ ! -x "$S18" ]; then
	not_ok "socat 1.8 (the reference for SOCKS5) is built by test/socat18"
	S18=$SOCAT
fi
printf 'hello\n' >"$TMP/in"
export LOGNAME=tester	# the default SOCKS4 user id, the same for both

# One proxy-peer.py serves every case, on $PORT; the requests it sees for
# case NAME go to $TMP/NAME.req.
PORT=$(free_port)
bg python3 "$PEER" "$PORT" "$TMP"
wait_listen "$PORT" 60 || { not_ok "test/proxy-peer.py listens"; finish; }

# peer_case NAME PROTO REPLY HOW: how the peer answers from now on.
peer_case() { echo "$1 $2 ${3:--} $4" >"$TMP/case"; }

# pcase NAME REF PROTO REPLY HOW ADDRESS [fail]: the reference REF, then
# relay, run "- ADDRESS" (PORT in it replaced) against the peer.  Without
# "fail", relay must match REF: exit code, output, an E when it failed.
# With "fail" (where REF's own status is a known bug, as socat 1.8's 255
# with only a W), both must fail, relay with status 1 and an E.  Either
# way the peer must have seen the same request from both.
pcase() {
	local name=$1 ref=$2 proto=$3 reply=$4 how=$5 addr=$6 mode=${7:-same}
	local rn out n
	rn=$(tool_name "$ref")
	peer_case "$name" "$proto" "$reply" "$how"
	: >"$TMP/$name.req"
	addr=${addr//PORT/$PORT}
	run_one_tool "$ref" "$name" 20 "$TMP/in" - "$addr"
	local ref_rc=$RUN_RC
	run_one_tool "$RELAY" "$name" 20 "$TMP/in" - "$addr"
	local relay_rc=$RUN_RC
	out=$DR_DIR/$name
	if [ "$mode" = fail ]; then
		check "$name: $rn fails ($(rc_text "$ref_rc"))" [ "$ref_rc" -ne 0 ]
		check_eq "$name: relay exits 1" 1 "$(rc_text "$relay_rc")"
	else
		check_eq "$name: relay's exit code is $rn's" "$(rc_text "$ref_rc")" "$(rc_text "$relay_rc")"
		same_file "$name: relay's output is $rn's" "$out.$rn.out" "$out.relay.out"
	fi
	if [ "$relay_rc" -ne 0 ]; then
		check "$name: relay logs an E ($(first_line "$out.relay.err"))" has_elog "$out.relay.err"
	else
		check "$name: relay logs no E ($(first_line "$out.relay.err"))" no_elog "$out.relay.err"
	fi
	n=$(($(wc -l <"$TMP/$name.req") / 2))
	check_eq "$name: the server saw relay send $rn's request" \
		"$(head -n "$n" "$TMP/$name.req")" "$(tail -n +$((n + 1)) "$TMP/$name.req")"
}

H=127.0.0.1
S4="SOCKS4:$H:127.0.0.1:80,socksport=PORT"
S4A="SOCKS4A:$H:www.example.org:8080,socksport=PORT,socksuser=alice"
X=585452410a	# "XTRA\n", sent right after a reply: the target's data

# SOCKS4: a reply is 8 bytes, code 90 granted.
pcase s4-granted "$SOCAT" socks4 005a000000000000 echo "$S4"
pcase s4-granted-data "$SOCAT" socks4 005a000000000000$X echo "$S4"
pcase s4-split "$SOCAT" socks4 005a000000000000$X split "$S4"
pcase s4-version4 "$SOCAT" socks4 045a000000000000 echo "$S4"
pcase s4-rejected "$SOCAT" socks4 005b000000000000 close "$S4"
pcase s4-noident "$SOCAT" socks4 005c000000000000 close "$S4"
pcase s4-identfailed "$SOCAT" socks4 005d000000000000 close "$S4"
pcase s4-undefined "$SOCAT" socks4 0063000000000000 close "$S4"
pcase s4-short "$SOCAT" socks4 005a00 close "$S4"
pcase s4-empty "$SOCAT" socks4 "" close "$S4"
pcase s4-pf "$SOCAT" socks4 005a000000000000 echo "$S4,pf=ip4"
pcase s4-user "$SOCAT" socks4 005a000000000000 echo "$S4,socksuser=bob"
pcase s4-port-name "$SOCAT" socks4 005a000000000000 echo "SOCKS4:$H:127.0.0.1:http,socksport=PORT"
pcase s4a-granted "$SOCAT" socks4 005a000000000000$X split "$S4A"
pcase s4a-rejected "$SOCAT" socks4 005b000000000000 close "$S4A"
pcase s4-retry "$SOCAT" socks4 005b000000000000 close "$S4,retry=1,interval=0.1"

# SOCKS5 (socat 1.8): hello answered 05 00, then a reply of 10, 22 or
# 7 + n bytes.  socat 1.8 exits 255 after a refusal, with only a W.
S5="SOCKS5-CONNECT:$H:PORT:10.1.2.3:80"
S5N="SOCKS5:$H:PORT:www.example.org:443"
pcase s5-granted "$S18" socks5 05000001000000000000$X echo "$S5"
pcase s5-name "$S18" socks5 05000001000000000000 echo "$S5N"
pcase s5-ipv6 "$S18" socks5 0500000400000000000000000000000000000001abcd$X echo "SOCKS5:$H:PORT:[::1]:80"
pcase s5-name-reply "$S18" socks5 05000003096c6f63616c686f73740050$X echo "$S5"
pcase s5-socksport "$S18" socks5 05000001000000000000 echo "SOCKS5:$H:10.1.2.3:80,socksport=PORT"
pcase s5-refused "$S18" socks5 05050001000000000000 close "$S5" fail
pcase s5-code99 "$S18" socks5 05630001000000000000 close "$S5" fail
pcase s5-atype "$S18" socks5 05000009000000000000 close "$S5" fail
pcase s5-version "$S18" socks5 04000001000000000000 close "$S5" fail
pcase s5-short "$S18" socks5 050000010000 close "$S5" fail
pcase s5-noauth "$S18" socks5 05ff/ close "$S5" fail
pcase s5-auth2 "$S18" socks5 0502/ close "$S5" fail
pcase s5-hello-version "$S18" socks5 0400/ close "$S5" fail
pcase s5-hello-short "$S18" socks5 05/ close "$S5" fail

# SOCKS5-LISTEN (BIND): two replies, the server's listening address, then
# the client's; relay reads each to its end, the data after them is the
# client's.
B1=05000001c0a8000104d2		# listening on 192.168.0.1:1234
B2=050000010a0000052711		# a client from 10.0.0.5:10001
pcase s5-bind "$S18" socks5 $B1$B2$X echo "SOCKS5-LISTEN:$H:PORT:0.0.0.0:8000"
pcase s5-bind-alias "$S18" socks5 $B1$B2 echo "SOCKS5-BIND:$H:0.0.0.0:8000,socksport=PORT"
pcase s5-bind-refused "$S18" socks5 05070001000000000000 close "SOCKS5-LISTEN:$H:PORT:0.0.0.0:8000" fail
pcase s5-bind-second-fails "$S18" socks5 ${B1}05010001000000000000 close "SOCKS5-LISTEN:$H:PORT:0.0.0.0:8000" fail
pcase s5-bind-no-client "$S18" socks5 $B1 close "SOCKS5-LISTEN:$H:PORT:0.0.0.0:8000" fail

# socat 1.8 reads a split SOCKS5 reply wrong ("invalid SOCKS5 reply
# address type" from bytes not yet read); relay waits for them.
peer_case s5-split socks5 05000001000000000000$X split
run_one_tool "$RELAY" s5-split 20 "$TMP/in" - "${S5//PORT/$PORT}"
check_eq "s5-split: relay exits 0" 0 "$(rc_text "$RUN_RC")"
check_eq "s5-split: relay passes the data after the reply, then the echo" \
	"$(printf 'XTRA\nhello')" "$(cat "$DR_DIR/s5-split.relay.out")"

# PROXY: an HTTP/1.0 or 1.1 status line, headers, an empty line.
hex() { printf '%b' "$1" | od -An -tx1 -v | tr -d ' \n'; }
P="PROXY:$H:www.example.org:443,proxyport=PORT"
ok200=$(hex 'HTTP/1.0 200 Connection established\r\nVia: test\r\n\r\n')
pcase http-200 "$SOCAT" http "$ok200" echo "$P"
pcase http-200-data "$SOCAT" http "$ok200$X" split "$P"
pcase http-11 "$SOCAT" http "$(hex 'HTTP/1.1   200 OK\r\n\r\n')$X" echo "$P"
pcase http-pf "$SOCAT" http "$ok200" echo "$P,pf=ip4"
pcase http-version "$S18" http "$ok200" echo "$P,http-version=1.1"
pcase http-auth "$SOCAT" http "$ok200" echo "$P,proxyauth=user:s3cr3t"
printf 'fileuser:pw\n' >"$TMP/auth"
pcase http-authfile "$SOCAT" http "$ok200" echo "$P,proxy-authorization-file=$TMP/auth"
pcase http-resolve "$SOCAT" http "$ok200" echo "PROXY:$H:localhost:22,proxyport=PORT,resolve"
pcase http-407 "$SOCAT" http "$(hex 'HTTP/1.0 407 Proxy Authentication Required\r\n\r\n')" close "$P"
pcase http-403 "$SOCAT" http "$(hex 'HTTP/1.1 403 Forbidden\r\nX: y\r\n\r\n')" close "$P"
pcase http-short-code "$SOCAT" http "$(hex 'HTTP/1.0 4\r\n\r\n')" close "$P"
pcase http-invalid "$SOCAT" http "$(hex 'SSH-2.0-OpenSSH\r\n\r\n')" close "$P"
pcase http-closed "$SOCAT" http "$(hex 'HTTP/1.0 200 OK\r\n')" close "$P"
pcase http-empty "$SOCAT" http "" close "$P"
pcase http-bare-lf "$SOCAT" http "$(hex 'HTTP/1.0 200 OK\n\n')" close "$P"
pcase http-ignorecr "$SOCAT" http "$(hex 'HTTP/1.0 200 OK\nA: b\n\n')$X" echo "$P,ignorecr"
long=$(head -c 3000 /dev/zero | tr '\0' 'a')
pcase http-long-line "$SOCAT" http "$(hex "HTTP/1.0 200 OK\r\nX: $long\r\n\r\n")" close "$P"
pcase http-long-status "$SOCAT" http "$(hex "HTTP/1.0 200 $long\r\n\r\n")" close "$P"
pcase http-both-auth "$SOCAT" http "$ok200" echo "$P,proxyauth=a:b,proxy-authorization-file=$TMP/auth" fail

# A reply that stops short while the server holds the connection: socat
# waits for ever; relay gives up at connect-timeout with an E.
for c in "socks4 005a00 $S4" "socks5 0500000100 $S5" "http $(hex 'HTTP/1.0 200 OK\r\n') $P"; do
	set -- $c
	peer_case "hold-$1" "$1" "$2" hold
	run_one_tool "$RELAY" "hold-$1" 20 "$TMP/in" - "${3//PORT/$PORT},connect-timeout=1"
	check_eq "hold-$1: relay ends at connect-timeout with status 1" 1 "$(rc_text "$RUN_RC")"
	check "hold-$1: relay logs an E ($(first_line "$DR_DIR/hold-$1.relay.err"))" \
		grep -q 'E read(.*Connection timed out' "$DR_DIR/hold-$1.relay.err"
done

# Unknown port names and protocol families and wrong parameter counts are
# E's at parse time; a refused connection an E at open time.
for a in "SOCKS4:$H:x:nosuchport" "SOCKS4:$H:x:80,socksport=nosuchport" \
    "PROXY:$H:x:0" "SOCKS5:$H:1080:x" "SOCKS5:$H:1:2:3:4" "SOCKS4A:$H:80" \
    "SOCKS4:$H:x:1,pf=x" "TCP:localhost:1,pf=inet7" "TCP:$H:1,pf=ip4"; do
	diff_run badaddr -- - "$a"
	check_eq "\"$a\": relay's exit code is socat's" "$DR_SOCAT_RC" "$DR_RELAY_RC"
	check "\"$a\": relay logs an E" has_elog "$DR_DIR/badaddr.relay.err"
done
finish
