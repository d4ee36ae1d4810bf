#!/usr/bin/env bash
# PTY addresses and terminal options: the virtual serial line (two PTYs
# joined, bytes written to one link arrive at the other unchanged, raw and
# canonical), links removed at exit, "-,raw,echo=0" restoring the terminal,
# and terminal options on something that is no terminal (an E, as socat).
. "$(dirname "$0")/lib.sh"
require python3

pair() { # pair TOOL OPTS: a PTY pair with links $TMP/ttyA, $TMP/ttyB
	rm -f "$TMP/ttyA" "$TMP/ttyB"
	bg "$1" -d -d pty,$2,link=$TMP/ttyA pty,$2,link=$TMP/ttyB
	PAIR=$BG_PID
	for _ in $(seq 50); do
		[ -L "$TMP/ttyA" ] && [ -L "$TMP/ttyB" ] && return 0
		sleep 0.1
	done
	return 1
}

head -c 4096 /dev/urandom >"$TMP/bin"
# pass FROM TO OUT TEXT HEAD-ARGS...: TEXT (a printf format) written to the
# link $TMP/FROM arrives at the link $TMP/TO; what "head HEAD-ARGS" reads
# there within 5 s goes to OUT.
pass() {
	local from=$1 to=$2 out=$3 text=$4 r
	shift 4
	timeout 5 head "$@" "$TMP/$to" >"$out" &
	r=$!
	sleep 0.3
	printf "$text" >"$TMP/$from"
	wait $r
}
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	check "$w: a raw PTY pair comes up with both links" pair "$tool" raw,echo=0
	# Raw: every byte, binary included, arrives unchanged, both ways.
	timeout 5 head -c 4096 "$TMP/ttyB" >"$TMP/gotB.$w" &
	r=$!
	sleep 0.3
	cat "$TMP/bin" >"$TMP/ttyA"
	wait $r
	check "$w raw: 4 KiB of binary data from link A arrive at link B unchanged" cmp -s "$TMP/bin" "$TMP/gotB.$w"
	pass ttyB ttyA "$TMP/gotA.$w" 'back\r\n' -c 6
	check_eq "$w raw: and back from B to A, \\r\\n kept" "$(printf 'back\r\n' | od -c)" "$(od -c <"$TMP/gotA.$w")"
	# A client may close and another come: the line stays up.
	pass ttyA ttyB "$TMP/again.$w" again -c 5
	check_eq "$w raw: a second client on the same links" again "$(cat "$TMP/again.$w")"
	kill "$PAIR"
	wait "$PAIR" 2>/dev/null
	check "$w: the links are removed at exit" test ! -e "$TMP/ttyA" -a ! -e "$TMP/ttyB"
	# Canonical mode: a line is delivered when it is complete.
	check "$w: a canonical PTY pair comes up" pair "$tool" icanon=1,echo=0
	pass ttyA ttyB "$TMP/line.$w" 'one line\n' -n 1
	check_eq "$w canonical: the line arrives" "one line" "$(tr -d '\r' <"$TMP/line.$w")"
	kill "$PAIR"
	wait "$PAIR" 2>/dev/null
done

# -d -d logs the PTY names, as socat does.
rm -f "$TMP/ttyA" "$TMP/ttyB"
timeout 2 "$RELAY" -d -d pty,link=$TMP/ttyA pty,link=$TMP/ttyB 2>"$TMP/names" </dev/null
check_eq "-d -d: one 'N PTY is /dev/pts/N' line per PTY" 2 "$(grep -Ec ' N PTY is /dev/pts/[0-9]+$' "$TMP/names")"

# Terminal options on no terminal: an E and exit 1, as socat.
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	echo x | timeout 5 "$tool" -u -,raw,echo=0 - >/dev/null 2>"$TMP/e.$w"
	check_eq "$w: -,raw,echo=0 on a pipe: exit code" 1 "$?"
	check "$w: -,raw,echo=0 on a pipe: an E line" grep -q '\] E tcgetattr' "$TMP/e.$w"
done

# PTY,setsid,ctty: the tool leads a session of its own (both); relay also
# takes the pty as its controlling terminal, as ctty says (socat 1.7.4
# accepts ctty there but stays without one: shown, not asserted).
stat_of() { awk '{ print $1, $6, $7 }' "/proc/$1/stat" 2>/dev/null; }
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	for opts in "" ",setsid,ctty"; do
		rm -f "$TMP/ttyS"
		bg "$tool" -d -d pty,link=$TMP/ttyS$opts PIPE </dev/null 2>"$TMP/s.$w"
		p=$BG_PID
		# The link comes first; setsid and ctty follow before the transfer.
		for i in $(seq 50); do grep -q 'starting data transfer' "$TMP/s.$w" && break; sleep 0.1; done
		st=$(stat_of "$p")		# pid session tty_nr
		# tty_nr is major * 256 + minor (for minors below 256)
		set -- $(stat -L -c '%t %T' "$TMP/ttyS")
		rdev=$(( 0x${1:-0} * 256 + 0x${2:-0} ))
		set -- $st
		if [ -n "$opts" ]; then
			check_eq "$w: PTY$opts: the tool leads its own session" "$1" "$2"
			if [ "$tool" = "$RELAY" ]; then
				check_eq "$w: PTY$opts: the pty is its controlling terminal" "$rdev" "$3"
			else
				echo "# socat: PTY$opts: controlling tty number $3 (the pty's is $rdev)"
			fi
		else
			check "$w: PTY: no session of its own" test "$1" != "$2"
			check_eq "$w: PTY: no controlling terminal gained" \
				"$(awk '{ print $7 }' /proc/$$/stat)" "$3"
		fi
		kill "$p" 2>/dev/null
		wait_gone "$p" 5
		check "$w: PTY$opts: the link is removed at exit" test ! -e "$TMP/ttyS"
	done
done

# Four PTY links (two dual addresses) and a lock file: all five removed at exit.
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	timeout 10 "$tool" -L "$TMP/lock5" -T 0.5 "PTY,link=$TMP/l1!!PTY,link=$TMP/l2" "PTY,link=$TMP/l3!!PTY,link=$TMP/l4" </dev/null 2>/dev/null
	check_eq "$w: -L and four PTY links: exit code" 0 "$?"
	check_eq "$w: -L and four PTY links: none left at exit" "" "$(ls "$TMP"/l[1-4] "$TMP/lock5" 2>/dev/null)"
done

# PTY,wait-slave: the transfer starts only once a client opens the slave;
# for relay, a signal meanwhile does not end the wait either.  The terminal
# is then the client's: when it closes the slave the tool ends (socat's
# PTMXWAITSLAVE and OPENPTYWAITSLAVE rely on it).  Once with ptmx and
# pty-interval=, once with openpty.
for run in "$SOCAT ptmx,pty-interval=0.05" "$RELAY ptmx,pty-interval=0.05" "$SOCAT openpty" "$RELAY openpty"; do
	tool=${run% *} kind=${run##* }
	w=$(basename "$tool")
	rm -f "$TMP/ttyW"
	bg "$tool" -d -d PTY,wait-slave,$kind,raw,echo=0,link=$TMP/ttyW STDOUT </dev/null >"$TMP/w.$w.out" 2>"$TMP/w.$w.err"
	p=$BG_PID
	for i in $(seq 50); do [ -L "$TMP/ttyW" ] && break; sleep 0.1; done
	sleep 1
	# relay logs statistics on SIGUSR1 (socat 1.8 does; 1.7.4 dies of it).
	[ "$tool" = "$RELAY" ] && kill -USR1 "$p" 2>/dev/null
	sleep 0.5
	check "$w: PTY,wait-slave: no transfer before a client opens the slave" \
		sh -c "! grep -q 'starting data transfer loop' '$TMP/w.$w.err'"
	# The client stays a while: the tools look for it every 100 ms or so.
	(printf 'hello\n'; sleep 1) >"$TMP/ttyW" &
	for i in $(seq 50); do grep -q hello "$TMP/w.$w.out" && break; sleep 0.1; done
	wait $!
	check_eq "$w: PTY,wait-slave: what the client writes arrives" hello "$(tr -d '\r' <"$TMP/w.$w.out")"
	check "$w: PTY,wait-slave: the transfer started" grep -q 'starting data transfer loop' "$TMP/w.$w.err"
	check "$w: PTY,wait-slave,$kind: the client closed the slave: the tool ends" wait_gone "$p" 10
	kill "$p" 2>/dev/null
	wait_gone "$p" 5
done

# ttyrun TOOL ARGS...: runs TOOL ARGS with a fresh pty's slave as its stdin
# (and stdout: "-" is both), watches the terminal while the tool runs, and
# prints "rc=N noecho=yes|no raw=yes|no restored=yes|no": whether echo, and
# canonical mode, were seen off at some point, and whether every setting was
# back as before once the tool had exited.
cat >"$TMP/ttyrun.py" <<'PY'
import os, pty, subprocess, sys, termios, time
m, s = pty.openpty()
before = termios.tcgetattr(s)
p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=s, stderr=subprocess.DEVNULL)
noecho = raw = False
while p.poll() is None:
    lflag = termios.tcgetattr(s)[3]
    noecho |= not (lflag & termios.ECHO)
    raw |= not (lflag & termios.ICANON)
    time.sleep(0.005)
yn = lambda b: "yes" if b else "no"
print("rc=%d noecho=%s raw=%s restored=%s" % (p.returncode, yn(noecho), yn(raw),
    yn(termios.tcgetattr(s) == before)))
PY
ttyrun() { timeout 30 python3 "$TMP/ttyrun.py" "$@"; }

# A terminal in a dual address with programs: STDIN,echo=0!!SYSTEM on a
# pty; echo is off while the tool runs and back at exit (the program's fds
# are closed first, not the terminal's).  The right side lasts a second so
# that the watcher sees the terminal while it is set.
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	check_eq "$w: STDIN,echo=0!!SYSTEM on a terminal: echo off while it runs, all back at exit" \
		"rc=0 noecho=yes raw=no restored=yes" \
		"$(ttyrun "$tool" -t 0.5 "STDIN,echo=0!!SYSTEM:cat >/dev/null" "SYSTEM:sleep 1; printf x")"
done

# "-,raw,echo=0" on a terminal (the interactive form): raw and without echo
# while the tool runs, restored after.  The program ends after a second; the
# terminal never sends EOF, so the tool ends -t 1 later.
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	check_eq "$w: -,raw,echo=0 on a terminal: raw while it runs, restored after" \
		"rc=0 noecho=yes raw=yes restored=yes" \
		"$(ttyrun "$tool" -t 1 -,raw,echo=0 "SYSTEM:sleep 1")"
done
finish
