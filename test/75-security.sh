#!/usr/bin/env bash
# Security: range= keeps denied clients away from the backend (IPv4, IPv6
# and v4-mapped clients, prefixes inside a byte) and logs the refusal; su=
# drops privileges for good before any client data is read; oversized
# command-line input is an E error, never a crash.
. "$(dirname "$0")/lib.sh"
require perl unshare

# serve LISTEN: a relay listener (stderr in $TMP/relay.err) in front of a
# backend that leaves a mark when a connection reaches it.  (-t 5 here and
# for su=: the client's EOF comes at once, before the program has answered;
# relay still ends with the program.)
serve() {
	rm -f "$TMP/reached"
	bg sh -c 'exec "$@" 2>"'"$TMP/relay.err"'"' sh "$RELAY" -d -t 5 "$1" \
		SYSTEM:"touch '$TMP/reached'; echo secret"
	LPID=$BG_PID
	wait_listen "$P"
}
stop() { sleep 0.2; kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null; }
# try HOST: what a client connecting to HOST:P receives.
try() { timeout 5 "$SOCAT" -t 2 - "TCP:$1:$P" </dev/null 2>/dev/null; }

P=$(free_port)
for c in \
	"TCP4-LISTEN:$P,reuseaddr,range=127.0.0.1/32|127.0.0.1|allowed" \
	"TCP4-LISTEN:$P,reuseaddr,range=10.0.0.0/8|127.0.0.1|denied" \
	"TCP4-LISTEN:$P,reuseaddr,range=127.0.0.0:255.0.0.0|127.0.0.1|allowed" \
	"TCP6-LISTEN:$P,reuseaddr,range=[::1]/128|[::1]|allowed" \
	"TCP6-LISTEN:$P,reuseaddr,range=[fe80::]/10|[::1]|denied" \
	"TCP6-LISTEN:$P,reuseaddr,ipv6-v6only=0,range=127.0.0.0/8|127.0.0.1|allowed" \
	"TCP6-LISTEN:$P,reuseaddr,ipv6-v6only=0,range=10.0.0.0/8|127.0.0.1|denied" \
	"TCP6-LISTEN:$P,reuseaddr,ipv6-v6only=0,range=[::1]/128|127.0.0.1|denied" \
	"TCP4-LISTEN:$P,reuseaddr,range=127.0.0.128/25|127.0.0.1|denied" \
	"TCP4-LISTEN:$P,reuseaddr,range=127.0.0.0/25|127.0.0.1|allowed" \
	"TCP4-LISTEN:$P,reuseaddr,range=127.0.0.129:255.255.255.128|127.0.0.1|denied" \
	"TCP6-LISTEN:$P,reuseaddr,range=[::2]/127|[::1]|denied" \
	"TCP6-LISTEN:$P,reuseaddr,range=[::3]/126|[::1]|allowed" \
	"TCP6-LISTEN:$P,reuseaddr,ipv6-v6only=0,range=127.0.0.128/25|127.0.0.1|denied" \
	"TCP6-LISTEN:$P,reuseaddr,ipv6-v6only=0,range=127.0.0.0/31|127.0.0.1|allowed"; do
	listen=${c%%|*}; rest=${c#*|}; host=${rest%%|*}; want=${rest#*|}
	what="${listen%%:*} ${listen#*,reuseaddr,} from $host"
	serve "$listen"
	got=$(try "$host")
	trc=$?
	stop
	if [ "$want" = allowed ]; then
		check_eq "$what: served" secret "$got"
		check "$what: the backend was reached" test -e "$TMP/reached"
	else
		check_eq "$what: not a byte through" "" "$got"
		# (exit 0: accepted, then closed; a refused connect would be 1)
		check_eq "$what: the client was accepted, then got EOF" 0 "$trc"
		check "$what: the backend was never started" test ! -e "$TMP/reached"
		check "$what: the refusal is logged" grep -q ' W refusing connection from ' "$TMP/relay.err"
	fi
done

# su=: the listener itself runs as the user once it listens, with no
# supplementary groups of root's and no capability; the served program
# cannot become root again.
cat >"$TMP/regain.sh" <<'SH'
id -u; id -g
grep '^CapEff' /proc/self/status | tr -d '\t'
perl -e '$> = 0; $< = 0; print(($< == 0 || $> == 0) ? "regained\n" : "refused\n")'
SH
chmod 755 "$TMP/regain.sh"
chmod 755 "$TMP"
serve_su() {
	bg "$RELAY" -t 5 TCP4-LISTEN:$P,reuseaddr,fork,su=nobody SYSTEM:"sh $TMP/regain.sh"
	LPID=$BG_PID
	wait_listen "$P"
}
serve_su
got=$(try 127.0.0.1)
nobody=$(id -u nobody); nogroup=$(id -g nobody)
check_eq "su=nobody: the program runs as nobody" "$nobody" "$(echo "$got" | sed -n 1p)"
check_eq "su=nobody: with nobody's group" "$nogroup" "$(echo "$got" | sed -n 2p)"
check_eq "su=nobody: without capabilities" "CapEff:0000000000000000" "$(echo "$got" | sed -n 3p)"
check_eq "su=nobody: root cannot be regained" refused "$(echo "$got" | sed -n 4p)"
check_eq "su=nobody: the listener itself runs as nobody" "$nobody" "$(ps -o uid= -p "$LPID" | tr -d ' ')"
check_eq "su=nobody: the listener has no supplementary group of root's" "$nogroup" \
	"$(awk '/^Groups:/ {print $2}' /proc/$LPID/status)$(awk '/^Gid:/ {if ($2 != '"$nogroup"') print "x"}' /proc/$LPID/status)"
stop
timeout 5 "$RELAY" TCP4-LISTEN:$P,reuseaddr,su=no-such-user-here - </dev/null 2>"$TMP/su.err"
check_eq "su= with an unknown user: exit code" 1 "$?"
check "su= with an unknown user: an E line" grep -q '\] E su: unknown user' "$TMP/su.err"

# Oversized input: each an E error and exit 1, never a crash.
long=$(printf 'x%.0s' $(seq 300))
many=$(printf ',fork%.0s' $(seq 10000))
huge=$(head -c 100000 /dev/zero | tr '\0' 'a')
for c in "UNIX-CONNECT:/tmp/$long|a UNIX path longer than sun_path" \
	"UNIX-LISTEN:/tmp/$long|a UNIX-LISTEN path longer than sun_path" \
	"TCP-LISTEN:$P$many|10,000 options" \
	"TCP:127.0.0.1:$P,bind=$long:1|a long bind address" \
	"$huge|a 100,000-character address" \
	"TCP:$long:80|a 300-character host name"; do
	addr=${c%%|*}; what=${c#*|}
	unshare -n timeout 10 "$RELAY" "$addr" - </dev/null >/dev/null 2>"$TMP/long.err"
	rc=$?
	check_eq "$what: exit code 1" 1 "$rc"
	check "$what: an E line" grep -q '\] E ' "$TMP/long.err"
done
finish
