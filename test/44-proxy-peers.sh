#!/usr/bin/env bash
# SOCKS4, SOCKS4A, SOCKS5-CONNECT and PROXY through real servers on
# loopback: OpenSSH's dynamic forwarding (ssh -D, which speaks SOCKS4, 4a
# and 5) to a throwaway sshd, dante (SOCKS4 and 5, refuses 4a) and
# tinyproxy (HTTP CONNECT, with Basic authentication).  Each case runs
# socat (1.8 for SOCKS5) and then relay as the client, and compares what
# the origin server saw, what the client got, the exit code and the E.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"
require /usr/sbin/sshd ssh ssh-keygen /usr/sbin/danted tinyproxy
S18=$("$TOP/test/socat18" 2>"$TMP/socat18.log") || S18=""
if [ -z "$S18" ] || [ ! -x "$S18" ]; then
	not_ok "socat 1.8 (the reference for SOCKS5) is built by test/socat18"
	S18=$SOCAT
fi
export LOGNAME=tester
H=127.0.0.1

# The origin: one line per connection into origin.log, then "reply".
OP=$(free_port)
bg "$SOCAT" TCP-LISTEN:$OP,bind=$H,reuseaddr,fork SYSTEM:"head -n 1 >>$TMP/origin.log; echo reply"
CLOSED=$(free_port)	# nothing listens there

# sshd with a host key and a client key of its own, and ssh -D in front.
ssh-keygen -q -t ed25519 -N '' -f "$TMP/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/clientkey"
cp "$TMP/clientkey.pub" "$TMP/authorized_keys"
mkdir -p /run/sshd	# sshd's privilege separation directory
SSHD=$(free_port)
cat >"$TMP/sshd_config" <<EOF
Port $SSHD
ListenAddress $H
HostKey $TMP/hostkey
AuthorizedKeysFile $TMP/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
EOF
bg /usr/sbin/sshd -D -e -f "$TMP/sshd_config" 2>"$TMP/sshd.log"
wait_listen "$SSHD" 30
SSH_D=$(free_port)
bg ssh -N -D $H:$SSH_D -i "$TMP/clientkey" -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ExitOnForwardFailure=yes \
	-p "$SSHD" "$(id -un)@$H" 2>"$TMP/ssh.log"
wait_listen "$SSH_D" 30 || { not_ok "ssh -D listens ($(tail -n 2 "$TMP/ssh.log" "$TMP/sshd.log"))"; finish; }

# dante: everything from loopback, but not to the closed port's neighbour.
DANTE=$(free_port)
BLOCKED=$(free_port)
cat >"$TMP/danted.conf" <<EOF
logoutput: stderr
internal: $H port = $DANTE
external: $H
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
}
socks block {
	from: 0.0.0.0/0 to: $H/32 port = $BLOCKED
}
socks pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
	protocol: tcp
}
EOF
bg /usr/sbin/danted -f "$TMP/danted.conf" -p "$TMP/danted.pid" -N 1 2>"$TMP/danted.log"
wait_listen "$DANTE" 30 || { not_ok "dante listens ($(tail -n 2 "$TMP/danted.log"))"; finish; }

# tinyproxy: CONNECT to the origin's port only, with user alice.
TINY=$(free_port)
cat >"$TMP/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Port $TINY
Listen $H
Timeout 60
Allow $H
LogLevel Info
BasicAuth alice s3cr3t
ConnectPort $OP
EOF
bg tinyproxy -d -c "$TMP/tinyproxy.conf" >"$TMP/tinyproxy.log" 2>&1
wait_listen "$TINY" 30 || { not_ok "tinyproxy listens ($(tail -n 2 "$TMP/tinyproxy.log"))"; finish; }

# rcase NAME REF ADDRESS [fail]: "REF -t 30 - ADDRESS", then relay's, each
# sending one line.  Without "fail", relay must match REF (exit code,
# output, what the origin saw); with "fail" (REF is socat 1.8, which exits
# 255 after a SOCKS5 refusal), both must fail, relay with 1.  An E exactly
# when relay failed, either way.
rcase() {
	local name=$1 ref=$2 addr=$3 mode=${4:-same} rn t
	local -a rc=()
	rn=$(tool_name "$ref")
	echo "a line for $name" >"$TMP/$name.in"
	for t in "$ref" "$RELAY"; do
		: >"$TMP/origin.log"
		run_one_tool "$t" "$name" 30 "$TMP/$name.in" -t 30 - "$addr"
		rc[${#rc[@]}]=$RUN_RC
		cp "$TMP/origin.log" "$DR_DIR/$name.$(tool_name "$t").origin"
	done
	if [ "$mode" = fail ]; then
		check "$name: $rn fails ($(rc_text "${rc[0]}"))" [ "${rc[0]}" -ne 0 ]
		check_eq "$name: relay exits 1" 1 "$(rc_text "${rc[1]}")"
	else
		check_eq "$name: relay's exit code is $rn's" "$(rc_text "${rc[0]}")" "$(rc_text "${rc[1]}")"
		same_file "$name: relay got what $rn got" "$DR_DIR/$name.$rn.out" "$DR_DIR/$name.relay.out"
		same_file "$name: the origin saw from relay what it saw from $rn" \
			"$DR_DIR/$name.$rn.origin" "$DR_DIR/$name.relay.origin"
	fi
	if [ "${rc[1]}" -eq 0 ]; then
		check_eq "$name: the origin's reply came back" reply "$(cat "$DR_DIR/$name.relay.out")"
		check "$name: relay logs no E ($(first_line "$DR_DIR/$name.relay.err"))" no_elog "$DR_DIR/$name.relay.err"
	else
		check "$name: relay logs an E" has_elog "$DR_DIR/$name.relay.err"
	fi
}

rcase ssh-socks4 "$SOCAT" "SOCKS4:$H:$H:$OP,socksport=$SSH_D"
rcase ssh-socks4a "$SOCAT" "SOCKS4A:$H:localhost:$OP,socksport=$SSH_D"
rcase ssh-socks4-closed "$SOCAT" "SOCKS4:$H:$H:$CLOSED,socksport=$SSH_D"
rcase ssh-socks5 "$S18" "SOCKS5-CONNECT:$H:$SSH_D:$H:$OP"
rcase ssh-socks5-name "$S18" "SOCKS5:$H:localhost:$OP,socksport=$SSH_D"
rcase ssh-socks5-closed "$S18" "SOCKS5:$H:$SSH_D:$H:$CLOSED" fail

rcase dante-socks4 "$SOCAT" "SOCKS4:$H:$H:$OP,socksport=$DANTE,socksuser=bob"
rcase dante-socks4a-refused "$SOCAT" "SOCKS4A:$H:localhost:$OP,socksport=$DANTE"
rcase dante-socks4-blocked "$SOCAT" "SOCKS4:$H:$H:$BLOCKED,socksport=$DANTE"
rcase dante-socks5 "$S18" "SOCKS5:$H:$DANTE:$H:$OP"
rcase dante-socks5-name "$S18" "SOCKS5:$H:$DANTE:localhost:$OP"
rcase dante-socks5-blocked "$S18" "SOCKS5:$H:$DANTE:$H:$BLOCKED" fail

# tinyproxy closes both ways at the client's half-close, before the
# origin's reply: shut-none keeps it open until the origin closes.
P="PROXY:$H:$H:$OP,proxyport=$TINY,shut-none"
printf 'alice:s3cr3t' >"$TMP/auth"
rcase tiny-auth "$SOCAT" "$P,proxyauth=alice:s3cr3t"
rcase tiny-authfile "$SOCAT" "$P,proxy-authorization-file=$TMP/auth"
rcase tiny-resolve "$SOCAT" "PROXY:$H:localhost:$OP,proxyport=$TINY,shut-none,resolve,proxyauth=alice:s3cr3t"
rcase tiny-noauth "$SOCAT" "$P"
rcase tiny-wrongauth "$SOCAT" "$P,proxyauth=alice:wrong"
rcase tiny-port "$SOCAT" "PROXY:$H:$H:$CLOSED,proxyport=$TINY,proxyauth=alice:s3cr3t"
finish
