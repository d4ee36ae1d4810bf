#!/usr/bin/env bash
# Differential: bad command lines.  Each one runs through socat and relay
# (stdin </dev/null, under timeout); both must exit 1 and log a line whose
# level letter is E; relay must not crash (exit >= 128) or hang (timeout).
# Then the cases where relay is deliberately stricter than socat 1.7.4, and
# the program name in log lines (basename of argv[0]).
. "$(dirname "$0")/lib.sh"
require unshare
. "$(dirname "$0")/diff.sh"

# Live sinks: a case whose only fault is in the command line must fail on
# that fault, not because nothing listens.  A tool that ignored the fault
# would connect here and exit 0.
S=$(dport)
bg "$SOCAT" TCP6-LISTEN:$S,fork,reuseaddr,ipv6-v6only=0 OPEN:/dev/null
USOCK=$TMP/sink.sock
bg "$SOCAT" UNIX-LISTEN:$USOCK,fork OPEN:/dev/null
wait_listen "$S" || not_ok "TCP sink listens on $S"
wait_unix "$USOCK" || not_ok "UNIX sink listens on $USOCK"

REFUSED=$(dport)   # nothing listens there
FREE=$(dport)      # for listeners that must fail before listening

n=0
# err_case DESC SECS ARGS...: differential; both tools exit 1 with an E line.
err_case() {
	local desc=$1 secs=$2 name
	shift 2
	n=$((n + 1))
	name=e$n
	diff_run "$name" -t "$secs" -- "$@"
	if [ "$DR_SOCAT_RC" -eq 1 ] && has_elog "$DR_DIR/$name.socat.err"; then
		ok "socat (reference): $desc: exit 1 with an E log line"
	else
		not_ok "socat (reference): $desc: exit 1 with an E log line (rc $(rc_text "$DR_SOCAT_RC"), stderr: $(first_line "$DR_DIR/$name.socat.err"))"
	fi
	relay_err_asserts "$desc" "$name"
}

# relay_err_asserts DESC NAME: relay's run NAME exited 1, logged E, kept
# stdout as socat did (empty).
relay_err_asserts() {
	local desc=$1 name=$2 rc
	rc=$(cat "$DR_DIR/$name.relay.rc")
	if [ "$rc" -lt 124 ]; then
		ok "relay: $desc: no crash, no hang"
	else
		not_ok "relay: $desc: no crash, no hang (rc $(rc_text "$rc"))"
	fi
	check_eq "relay: $desc: exit code" 1 "$rc"
	if has_elog "$DR_DIR/$name.relay.err"; then
		ok "relay: $desc: E log line"
	else
		not_ok "relay: $desc: E log line (stderr: $(first_line "$DR_DIR/$name.relay.err"))"
	fi
	is_empty_file "relay: $desc: nothing on stdout" "$DR_DIR/$name.relay.out"
}

# strict_case DESC SECS ARGS...: relay only (socat 1.7.4 accepts these);
# relay must exit 1 with an E line.
strict_case() {
	local desc=$1 secs=$2 name
	shift 2
	n=$((n + 1))
	name=s$n
	run_one_tool "$RELAY" "$name" "$secs" /dev/null "$@"
	relay_err_asserts "stricter than socat: $desc" "$name"
}

# --- number of addresses
err_case "no addresses" 5
err_case "one address" 5 -
err_case "three addresses" 5 - - -
err_case "-u and -U together" 5 -u -U - TCP:127.0.0.1:$S
err_case "-U and -u together" 5 -U -u - TCP:127.0.0.1:$S
# STDOUT as a reading half reads fd 1, here a file opened for writing only.
err_case "STDOUT!!STDIN with a write-only stdout" 5 'STDOUT!!STDIN' -
# --- address type / options
err_case "unknown address type" 5 FOO:x -
err_case "whole address in quotes is one unknown type" 5 "\"TCP:127.0.0.1:$S\"" -
err_case "unknown option" 5 TCP:127.0.0.1:$S,foo -
err_case "unknown option on the second address" 5 - TCP:127.0.0.1:$S,foo
err_case "nodelay on UNIX-CONNECT" 5 UNIX-CONNECT:$USOCK,nodelay -
err_case "fork on STDIO" 5 STDIO,fork -
err_case "backlog on TCP (connect)" 5 TCP:127.0.0.1:$S,backlog=5 -
err_case "max-children without fork" 5 TCP-LISTEN:$FREE,max-children=1 -
# --- missing / malformed parameters
err_case "TCP without port" 5 TCP:127.0.0.1 -
err_case "TCP with empty port" 5 TCP:127.0.0.1: -
err_case "TCP with non-numeric port" 5 TCP:127.0.0.1:abc -
err_case "TCP-LISTEN without port" 5 TCP-LISTEN -
err_case "UNIX-LISTEN without path" 5 UNIX-LISTEN -
err_case "UNIX-CONNECT without path" 5 UNIX-CONNECT -
err_case "unbalanced single quote" 5 "TCP:'127.0.0.1:$S" -
err_case "unbalanced double quote" 5 "TCP:\"127.0.0.1:$S" -
err_case "missing closing bracket" 5 "TCP6:[::1:$S" -
# --- global flags
err_case "unknown flag -z" 5 -z - -
err_case "-t abc" 5 -t abc - -
err_case "-t 1x" 5 -t 1x - -
err_case "-t without value" 5 -t -
err_case "-T abc" 5 -T abc - -
err_case "-b abc" 5 -b abc - -
err_case "-b -1" 5 -b -1 - -
# --- malformed option values
err_case "connect-timeout=abc" 5 TCP:127.0.0.1:$S,connect-timeout=abc -
err_case "connect-timeout=1x" 5 TCP:127.0.0.1:$S,connect-timeout=1x -
err_case "fork=x" 5 TCP-LISTEN:$FREE,fork=x -
err_case "backlog=1x" 5 TCP-LISTEN:$FREE,backlog=1x -
err_case "ipv6-v6only=x" 5 TCP6-LISTEN:$FREE,ipv6-v6only=x -
err_case "mode=9 (not octal)" 5 UNIX-LISTEN:$TMP/m.sock,mode=9 -
# --- run-time failures
err_case "connection refused" 5 TCP:127.0.0.1:$REFUSED -
err_case "connection refused (second address)" 5 - TCP:127.0.0.1:$REFUSED
err_case "nonexistent unix socket" 5 UNIX-CONNECT:$TMP/nonexistent.sock -
# The resolver here may be a non-local address: the lookup runs in an empty
# network namespace (unshare -n), where it fails at once and nothing leaves
# the machine.
for t in SOCAT RELAY; do
	printf '#!/bin/sh\nexec unshare -n "%s" "$@"\n' "${!t}" >"$TMP/offline-$t"
	chmod +x "$TMP/offline-$t"
done
SOCAT0=$SOCAT RELAY0=$RELAY
SOCAT=$TMP/offline-SOCAT RELAY=$TMP/offline-RELAY
err_case "unresolvable name" 10 TCP:nonexistent.invalid:80 -
SOCAT=$SOCAT0 RELAY=$RELAY0
err_case "bind to an address not on this machine" 5 TCP-LISTEN:$FREE,bind=192.0.2.1 -

# --- relay is stricter than socat 1.7.4 here.  A tool that accepted these
# would listen (and time out) or reach the live sink on $S (and exit 0).
strict_case "TCP-LISTEN:${FREE}x (trailing garbage in port)" 5 TCP-LISTEN:${FREE}x -
strict_case "TCP:127.0.0.1:${S}x (trailing garbage in port)" 5 TCP:127.0.0.1:${S}x -
strict_case "TCP:127.0.0.1:$((S + 65536)) (port out of range, wraps to the sink in socat)" 5 TCP:127.0.0.1:$((S + 65536)) -
strict_case "TCP-LISTEN:$((FREE + 65536)) (port out of range)" 5 TCP-LISTEN:$((FREE + 65536)) -
strict_case "TCP:127.0.0.1:99999 (port out of range)" 5 TCP:127.0.0.1:99999 -
strict_case "-b 0 (socat 1.7.4 and 1.8 take it, then move no byte)" 5 -b 0 - -

# --- the program name in log lines is basename(argv[0])
run_one_tool "$RELAY" prog 5 /dev/null TCP:127.0.0.1:$REFUSED -
base=$(basename "$RELAY")
if grep -Eq "^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} $base\[[0-9]+\] E " "$DR_DIR/prog.relay.err"; then
	ok "relay run as $RELAY logs '$base[pid] E'"
else
	not_ok "relay run as $RELAY logs '$base[pid] E' (stderr: $(first_line "$DR_DIR/prog.relay.err"))"
fi
mkdir -p "$TMP/bin"
ln -s "$RELAY" "$TMP/bin/socat"
(exec "$TMP/bin/socat" TCP:127.0.0.1:$REFUSED - </dev/null >/dev/null 2>"$TMP/sym.err") &
pid=$!
wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null
wait "$pid"
rc=$?
check_eq "relay via a symlink named socat: exit code" 1 "$rc"
if grep -Eq "^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} socat\[$pid\] E " "$TMP/sym.err"; then
	ok "relay via a symlink named socat logs 'socat[$pid] E' (its own pid)"
else
	not_ok "relay via a symlink named socat logs 'socat[$pid] E' (stderr: $(first_line "$TMP/sym.err"))"
fi

finish
