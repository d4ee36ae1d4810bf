#!/usr/bin/env bash
# Differential: how an end is passed on, the options socat has and relay
# lacked: shut-down, shut-null, shut-close, null-eof and end-close.  Each
# case runs with socat (the reference) and relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"
require python3

printf 'x\n' >"$TMP/in"

# --- shut-down / shut-none on a program's socketpair: the program sees the
# EOF (shut-down, as by default) or not (shut-none, until -t ends it)
for o in shut-down shut-none shut-null; do
	diff_run "sd-$o" -i "$TMP/in" -- -t 1 - SYSTEM:"cat; echo eof",$o
	check_eq "SYSTEM:...,$o: exit code as socat's" "$DR_SOCAT_RC" "$DR_RELAY_RC"
	same_file "SYSTEM:...,$o: the program's output as under socat" "$DR_DIR/sd-$o.socat.out" "$DR_DIR/sd-$o.relay.out"
done
check_eq "SYSTEM:...,shut-down: the program saw the EOF" "$(printf 'x\neof')" "$(cat "$DR_DIR/sd-shut-down.relay.out")"

# --- shut-null: an empty datagram after the data of a UDP4-SENDTO client
# (which sends none by default); the receiver lists datagram sizes
# udp_sizes PORT FILE: a receiver that writes each datagram's size to FILE
udp_sizes() {
	bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(20)
f = open(sys.argv[2], "a")
while True:
    d = s.recv(70000)
    f.write("%d\n" % len(d)); f.flush()
' "$1" "$2"
}
for o in shut-null none; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		P=$(dport)
		: >"$TMP/sz.$tn"
		udp_sizes "$P" "$TMP/sz.$tn"
		rp=$BG_PID
		wait_udp "$P"
		opt=; [ $o = none ] || opt=,$o
		run_one_tool "$tool" sn 5 "$TMP/in" -u - UDP4-SENDTO:127.0.0.1:$P$opt
		# The tool's datagrams are queued at the receiver before this
		# 7-byte end mark: once the mark is listed, so are they.
		printf 'the-end' | "$SOCAT" -u - UDP4-SENDTO:127.0.0.1:$P
		wait_until 20 "the receiver did not list the end mark" grep -qx 7 "$TMP/sz.$tn"
		echo "rc $RUN_RC" >>"$TMP/sz.$tn"
		kill "$rp" 2>/dev/null
	done
	check_eq "UDP4-SENDTO,$o: the datagrams the receiver got (sizes) and the exit code as socat's" "$(cat "$TMP/sz.socat")" "$(cat "$TMP/sz.relay")"
done

# --- null-eof: an empty datagram ends a UDP4-RECV, which otherwise skips it
for o in null-eof none; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		P=$(dport)
		opt=; [ $o = none ] || opt=,$o
		bg "$tool" -u UDP4-RECV:$P$opt - >"$TMP/ne.$tn.out" 2>/dev/null
		tp=$BG_PID
		wait_udp "$P"
		python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"abc\n", ("127.0.0.1", int(sys.argv[1])))
s.sendto(b"", ("127.0.0.1", int(sys.argv[1])))
' "$P"
		if wait_gone "$tp" 3; then
			wait "$tp"
			echo "ended $?" >"$TMP/ne.$tn"
		else
			echo "still running" >"$TMP/ne.$tn"
			kill "$tp"
		fi
		cat "$TMP/ne.$tn.out" >>"$TMP/ne.$tn"
	done
	check_eq "UDP4-RECV,$o after data and an empty datagram: as socat" "$(cat "$TMP/ne.socat")" "$(cat "$TMP/ne.relay")"
done

# --- end-close: the program is left running at the end, not ended
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	for o in end-close none; do
		opt=; [ $o = none ] || opt=,$o
		# (a sleep of its own length, to be found by pgrep)
		d=30.$RANDOM
		: >"$TMP/empty"
		run_one_tool "$tool" ec 10 "$TMP/empty" -u - EXEC:"sleep $d"$opt
		sleep 0.3
		if pgrep -f "sleep $d" >/dev/null; then
			echo "$o: alive $RUN_RC" >>"$TMP/ec.$tn"
			pkill -f "sleep $d"
		else
			echo "$o: ended $RUN_RC" >>"$TMP/ec.$tn"
		fi
	done
done
check_eq "EXEC with and without end-close: the program left running or ended, as by socat" "$(cat "$TMP/ec.socat")" "$(cat "$TMP/ec.relay")"
check_eq "EXEC,end-close: the program is left running" "end-close: alive 0" "$(head -n 1 "$TMP/ec.relay")"

# --- a program still running when the transfer is cut short (-t runs out
# after the first EOF, or a write fails) gets SIGTERM at once, as from
# socat (test.sh's EXECPTYKILL); one whose input reached its EOF in a
# one-way transfer gets a second first (socat's alarm), so a short job ends.
# (EXEC: socat's SYSTEM runs its shell through a process of its own, which
# the SIGTERM ends instead.)
printf '#!/bin/sh\nsleep "$1"; touch "$2"\n' >"$TMP/late.sh"
chmod +x "$TMP/late.sh"
for pty in "" ",pty"; do
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		f=$TMP/late$pty.$tn
		rm -f "$f"
		run_one_tool "$tool" late 10 /dev/null -t 0.1 - EXEC:"$TMP/late.sh 1 $f"$pty
		echo "$RUN_RC" >"$TMP/late.$tn.rc"
		sleep 1.5
		check "$w: -t 0.1 - EXEC:...$pty, silent for 1 s: ended before its touch" test ! -e "$f"
	done
	check_eq "-t 0.1 - EXEC:...$pty, silent for 1 s: exit code as socat's" "$(cat "$TMP/late.socat.rc")" "$(cat "$TMP/late.relay.rc")"
done
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	f=$TMP/short.$tn
	rm -f "$f"
	run_one_tool "$tool" short 10 "$TMP/in" -u - EXEC:"$TMP/late.sh 0.3 $f"
	check "$w: -u - EXEC:..., 0.3 s of work after its EOF: done" test -e "$f"
done

finish
