#!/usr/bin/env bash
# Differential: UNIX datagram addresses.  UNIX-SENDTO, UNIX-RECVFROM (one
# datagram, and fork: a child per datagram), UNIX-RECV, their ABSTRACT-*
# forms (Linux's abstract namespace), the socket files they bind (removed at
# exit; an existing path is an error without unlink-early), their options
# (bind=, mode=, unlink-early, unlink-close, fork, unix-bind-tempname) and
# their errors.  Each case runs with socat 1.7.4 (the reference: its
# assertions check the case itself; socat 1.8 for unix-bind-tempname, its
# option) and then with relay.  The peers are a small Python program ($PEER)
# that records every datagram it gets as "LEN DATA SOURCE" (DATA with \n for
# a newline, "-" when empty; SOURCE "-" for an unbound sender, "@name" for an
# abstract one), so the boundaries, contents and source addresses of the
# datagrams are compared; socat itself is a peer in a few cases.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

PEER=$TMP/unix_peer.py
cat >"$PEER" <<'EOF'
import socket, sys, time, os, errno
def addr(p): return '\0' + p[1:] if p.startswith('@') else p
def show(a):
    if isinstance(a, bytes): a = a.decode('latin1')
    if not a: return '-'
    return '@' + a[1:] if a.startswith('\0') else a
def line(d, a): return "%d %s %s\n" % (len(d), d.decode('latin1').replace('\n', '\\n') or '-', show(a))
mode = sys.argv[1]
if mode == 'recv':
    # recv WHERE OUT IDLE [echo]: bind WHERE (a path, or @name), record each
    # datagram until IDLE s without one; echo: send each back to its sender
    p, out, idle = sys.argv[2], sys.argv[3], float(sys.argv[4])
    echo = len(sys.argv) > 5 and sys.argv[5] == 'echo'
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(addr(p))
    f = open(out, 'a'); s.settimeout(idle)
    while True:
        try: d, a = s.recvfrom(70000)
        except socket.timeout: break
        f.write(line(d, a)); f.flush()
        if echo and a: s.sendto(d, a)
    if not p.startswith('@'): os.unlink(p)
elif mode == 'send':
    # send DEST BIND OUT WAIT DATA...: from a socket bound to BIND (a path,
    # @name, or - for none) send each DATA (\n = newline, '' = an empty
    # datagram) 0.05 s apart; then record the replies for WAIT s
    dst, b, out, wait = sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if b != '-': s.bind(addr(b))
    f = open(out, 'a')
    for d in sys.argv[6:]:
        try: s.sendto(d.encode().replace(b'\\n', b'\n'), addr(dst))
        except OSError as e: f.write("sendto %s\n" % errno.errorcode[e.errno]); f.flush()
        time.sleep(0.05)
    s.settimeout(wait)
    while wait > 0:
        try: d, a = s.recvfrom(70000)
        except socket.timeout: break
        f.write(line(d, a)); f.flush()
    if b != '-' and not b.startswith('@'): os.unlink(b)
elif mode == 'stale':
    # stale PATH: leave a socket file nobody has open (as after a crash)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[2])
EOF
PEER_SECS=10	# peer's timeout (diff.sh)
# bound WHERE: a datagram socket is bound at WHERE (a path or @name).
bound() { ss -Hxl 2>/dev/null | grep -qF " $1 "; }
# wait_bound WHERE [PID]: wait until WHERE is bound (10 s at most; at once
# if PID, the tool that should bind it, has ended).
bound_or_gone() { bound "$1" || { [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; }; }
wait_bound() { wait_until 10 "nothing bound at $1" bound_or_gone "$1" "${2:-}" && bound "$1"; }
# bg_io IN OUT ERR CMD...: bg with stdin from IN, stdout to OUT, stderr to
# ERR; the tools run in $TMP/cwd (where abstract sockets must leave nothing).
bg_io() {
	local i=$1 o=$2 e=$3
	shift 3
	bg bash -c 'i=$1 o=$2 e=$3; shift 3; cd "$T_CWD" && exec "$@" <"$i" >"$o" 2>"$e"' bg_io "$i" "$o" "$e" "$@"
}
# tool_at WHERE OUT ERR CMD...: CMD (a tool binding WHERE) in the background
# as bg_io with no input; waits until WHERE is bound; its pid in $tpid.
tool_at() {
	local at=$1
	shift
	bg_io /dev/null "$@"
	tpid=$BG_PID
	wait_bound "$at" "$tpid"
}
# tool_rc PID: wait (10 s at most) for PID, a bg child, and set TRC to its
# exit code (not usable inside $(...): only this shell can wait for it).
tool_rc() { wait_gone "$1" 10 || kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; TRC=$?; }
no_children() { [ "$(children "$1")" = 0 ]; }
# msg FILE: the first E line of FILE without its date, program and pid.
msg() { grep -E "$ELOG_RE" "$1" 2>/dev/null | head -n 1 | sed -E 's/^[^]]*\] E //'; }
# e_like DESC FILE ERE: FILE holds an E line whose message matches ERE.
e_like() {
	if grep -E "$ELOG_RE" "$2" 2>/dev/null | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1 (expected an E line matching /$3/, got: $(first_line "$2"))"
	fi
}
# log2 FILE: FILE's first two lines, shortened.
log2() { head -n 2 "$1" 2>/dev/null | cut -c1-160; }
# no_log DESC FILE: FILE holds no log line (the default level shows E and F).
no_log() { check_eq "$1" "" "$(log2 "$2")"; }
# lines FILE: FILE's lines joined with "|".
lines() { tr '\n' '|' <"$1" 2>/dev/null | sed 's/|$//'; }
# end_recv WHERE OUT PID: send "end" to the recv peer PID (at WHERE,
# recording to OUT), wait until it is recorded, then end the peer.
end_recv() {
	peer send "$1" - /dev/null 0 'end\n'
	wait_until 10 "end did not arrive at $1" grep -q '^4 end' "$2"
	kill "$3" 2>/dev/null
	wait_gone "$3" 5
}
# run TOOL NAME SECS IN ARGS...: run_one_tool in $TMP/cwd; out/err in
# $O and $E.
run() {
	local t=$1 n=$2
	(cd "$T_CWD" && run_one_tool "$@"; exit "$RUN_RC")
	RUN_RC=$?
	O=$DR_DIR/$n.$(tool_name "$t").out
	E=$DR_DIR/$n.$(tool_name "$t").err
}
T_CWD=$TMP/cwd
mkdir -p "$T_CWD"
DC_CD=$T_CWD	# where dcase runs the tools
AB=relay-ud-$$-$RANDOM	# abstract names start with this

printf 'abcdefgh' >"$TMP/in8"
printf 'hi\n' >"$TMP/hi"
printf 'hello\n' >"$TMP/hello"

# === 1. UNIX-SENDTO =========================================================
# From stdin: each read of -b bytes (or each write of the writer) is one
# datagram; nothing more at EOF (no empty datagram); without bind= the socket
# is unbound (the receiver sees no source address); exit 0, no log line.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	r=$TMP/s1.$tn
	bgpeer 30 recv "$r" "$r.got" 20
	ppid=$BG_PID
	wait_bound "$r"
	run "$tool" s1b 10 "$TMP/in8" -b 3 - UNIX-SENDTO:"$r"
	check_eq "$w: -b 3 - UNIX-SENDTO:r: exit code" 0 "$RUN_RC"
	no_log "$w: -b 3 - UNIX-SENDTO:r: no log line" "$E"
	# each write once the previous one has arrived
	(printf 'one\n'; wait_until 10 "one did not arrive" grep -q '^4 one' "$r.got"
	 printf 'two\n'; wait_until 10 "two did not arrive" grep -q '^4 two' "$r.got"
	 printf 'three\n') |
		(cd "$T_CWD" && timeout -k 2 10 "$tool" - UNIX-SENDTO:"$r" 2>"$TMP/s1w.$tn.err")
	check_eq "$w: three writes | - UNIX-SENDTO:r: exit code" 0 "$?"
	# A last datagram from here: once it is recorded, so is all before it.
	end_recv "$r" "$r.got" "$ppid"
	check_eq "$w: UNIX-SENDTO: one datagram per read, no empty datagram at EOF, sender unbound" \
		"3 abc -|3 def -|2 gh -|4 one\\n -|4 two\\n -|6 three\\n -|4 end\\n -" "$(lines "$r.got")"
done
# ... to socat as the receiver (socat -u UNIX-RECV:r OPEN:f,creat)
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	r=$TMP/s1s.$tn
	# -T 4 here and in the -u -T receivers below: whatever runs before each
	# datagram (the tool here, a python sender there) must fit in it.
	bg timeout -k 2 15 "$SOCAT" -u -T 4 UNIX-RECV:"$r" OPEN:"$r.got",creat
	spid=$BG_PID
	wait_bound "$r"
	run "$tool" s1s 10 "$TMP/hello" - UNIX-SENDTO:"$r"
	check_eq "$w: - UNIX-SENDTO:r to socat -u UNIX-RECV:r: exit code" 0 "$RUN_RC"
	wait_gone "$spid" 10
	same_file "$w: - UNIX-SENDTO:r: socat's UNIX-RECV got the bytes" "$TMP/hello" "$r.got"
done

# bind=c: the receiver sees c as the source and echoes; the echo reaches
# stdout; a datagram a third socket sends to c is dropped (not from the
# peer); c is gone after the exit (0, no log line).
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	r=$TMP/s2.$tn
	c=$TMP/s2c.$tn
	bgpeer 15 recv "$r" "$r.got" 3 echo
	ppid=$BG_PID
	wait_bound "$r"
	mkfifo "$TMP/s2.$tn.fifo"
	bg_io "$TMP/s2.$tn.fifo" "$TMP/s2.$tn.out" "$TMP/s2.$tn.err" "$tool" - UNIX-SENDTO:"$r",bind="$c"
	tpid=$BG_PID
	exec 7>"$TMP/s2.$tn.fifo"
	# (a tool that died at once must not kill this script with SIGPIPE)
	(trap '' PIPE; printf 'hi\n' >&7) 2>/dev/null
	wait_file_size "$TMP/s2.$tn.out" 3 5
	check "$w: UNIX-SENDTO:r,bind=c: the socket file c exists while it runs" test -S "$c"
	peer send "$c" "$TMP/s2t.$tn" "$TMP/s2t.$tn.got" 0 'third\n'
	sleep 0.3
	exec 7>&-
	tool_rc "$tpid"
	check_eq "$w: - UNIX-SENDTO:r,bind=c: exit code" 0 "$TRC"
	check_eq "$w: UNIX-SENDTO,bind=c: the receiver got the datagram from c" "3 hi\\n $c" "$(lines "$r.got")"
	check_eq "$w: UNIX-SENDTO,bind=c: the peer's echo reaches stdout, a third socket's datagram does not" \
		"hi" "$(cat "$TMP/s2.$tn.out")"
	check "$w: UNIX-SENDTO,bind=c: c is removed at exit" test ! -e "$c"
	no_log "$w: UNIX-SENDTO,bind=c: no log line" "$TMP/s2.$tn.err"
	kill "$ppid" 2>/dev/null
done

# === 2. UNIX-RECVFROM =======================================================
# Without fork: socat itself as the client (socat - UNIX-SENDTO:s,bind=c):
# one datagram to SYSTEM:'tr a-z A-Z', the reply goes back to c; the tool
# ends with 0 and removes s.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	s=$TMP/r1.$tn
	tool_at "$s" "$TMP/r1.$tn.out" "$TMP/r1.$tn.err" "$tool" -t 3 UNIX-RECVFROM:"$s" SYSTEM:'tr a-z A-Z'
	got=$(timeout -k 2 10 "$SOCAT" -t 2 - UNIX-SENDTO:"$s",bind="$TMP/r1c.$tn" <"$TMP/hello" 2>"$TMP/r1c.$tn.err")
	check_eq "$w: UNIX-RECVFROM:s SYSTEM:'tr a-z A-Z': socat's UNIX-SENDTO,bind= client gets the reply" HELLO "$got"
	tool_rc "$tpid"
	check_eq "$w: UNIX-RECVFROM:s (no fork): exit code after the one datagram" 0 "$TRC"
	no_log "$w: UNIX-RECVFROM:s: no log line" "$TMP/r1.$tn.err"
	check "$w: UNIX-RECVFROM:s: the socket file is removed at exit" test ! -e "$s"
done

# The details, with the Python client: the reply's source is s; a program
# that writes twice sends two datagrams; one that writes nothing sends none;
# one that writes after -t (0.5 s) is too late (with -t 3 it is not); of
# three datagrams only the first is taken; an empty datagram is skipped (the
# next one is the one); -u to stdout; an unbound sender cannot get a reply
# (E ... Transport endpoint is not connected, exit 1).  The program starts
# only after the datagram (its EOF), so where it must answer the tool has
# -t 3 (as r6), not the default 0.5 s; it still ends when the program does.
recvfrom_case() {	# NAME EXP_RC DESC -- TOOLARGS... -- CLIENT_BIND DATA...
	local n=$1 exp=$2 desc=$3 targs=() pargs=()
	shift 4
	while [ "$1" != -- ]; do targs+=("$1"); shift; done
	shift
	pargs=("$@")
	s=$TMP/$n.$tn
	tool_at "$s" "$s.out" "$s.err" "$tool" "${targs[@]//@S@/$s}"
	# the client waits for replies until the tool has ended (its replies
	# are then in the client's queue), and 0.3 s more
	bgpeer 15 send "$s" "${pargs[0]//@C@/$TMP/$n.c.$tn}" "$s.got" 10 "${pargs[@]:1}"
	cpid=$BG_PID
	tool_rc "$tpid"
	check_eq "$w: $desc: exit code" "$exp" "$TRC"
	sleep 0.3
	kill "$cpid" 2>/dev/null
	wait_gone "$cpid" 5
}
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	recvfrom_case r2 0 "UNIX-RECVFROM:s SYSTEM:'tr a-z A-Z'" -- -t 3 UNIX-RECVFROM:@S@ SYSTEM:'tr a-z A-Z' -- @C@ 'hello\n'
	check_eq "$w: UNIX-RECVFROM: the reply comes from s" "6 HELLO\\n $s" "$(lines "$s.got")"
	recvfrom_case r3 0 "UNIX-RECVFROM, a program that writes twice" -- -t 3 UNIX-RECVFROM:@S@ SYSTEM:'echo one; sleep 0.2; echo two' -- @C@ 'x\n'
	check_eq "$w: UNIX-RECVFROM: a program that writes twice: two reply datagrams" "4 one\\n $s|4 two\\n $s" "$(lines "$s.got")"
	recvfrom_case r4 0 "UNIX-RECVFROM, a program that writes nothing" -- UNIX-RECVFROM:@S@ SYSTEM:'cat >/dev/null' -- @C@ 'x\n'
	check_eq "$w: UNIX-RECVFROM: a program that writes nothing: no reply" "" "$(lines "$s.got")"
	no_log "$w: UNIX-RECVFROM: a program that writes nothing: no log line" "$s.err"
	recvfrom_case r5 0 "UNIX-RECVFROM, a program that answers after 1.5 s (-t 0.5)" -- UNIX-RECVFROM:@S@ SYSTEM:'sleep 1.5; echo late' -- @C@ 'x\n'
	check_eq "$w: UNIX-RECVFROM: an answer after -t (0.5 s) is not sent" "" "$(lines "$s.got")"
	recvfrom_case r6 0 "-t 3 UNIX-RECVFROM, a program that answers after 1 s" -- -t 3 UNIX-RECVFROM:@S@ SYSTEM:'sleep 1; echo late' -- @C@ 'x\n'
	check_eq "$w: -t 3 UNIX-RECVFROM: an answer within -t is sent" "5 late\\n $s" "$(lines "$s.got")"
	recvfrom_case r7 0 "UNIX-RECVFROM, three datagrams" -- -t 3 UNIX-RECVFROM:@S@ SYSTEM:cat -- @C@ 'a\n' 'b\n' 'c\n'
	check_eq "$w: UNIX-RECVFROM (no fork): of three datagrams only the first is answered" "2 a\\n $s" "$(grep -v '^sendto ' "$s.got" | lines /dev/stdin)"
	recvfrom_case r8 0 "UNIX-RECVFROM, an empty datagram first" -- -t 3 UNIX-RECVFROM:@S@ SYSTEM:'wc -c' -- @C@ '' 'abc'
	check_eq "$w: UNIX-RECVFROM: an empty datagram is skipped, the next one is the one" "2 3\\n $s" "$(lines "$s.got")"
	recvfrom_case r9 0 "-u UNIX-RECVFROM:s -" -- -u UNIX-RECVFROM:@S@ - -- - 'first\n' 'second\n'
	check_eq "$w: -u UNIX-RECVFROM:s -: only the first datagram reaches stdout" "first" "$(cat "$s.out")"
	recvfrom_case r10 1 "UNIX-RECVFROM, an unbound sender" -- -t 3 UNIX-RECVFROM:@S@ SYSTEM:'tr a-z A-Z' -- - 'anon\n'
	e_like "$w: UNIX-RECVFROM, an unbound sender: the reply fails (E ...not connected)" "$s.err" 'Transport endpoint is not connected'
	check "$w: UNIX-RECVFROM, an unbound sender: the socket file is removed at exit" test ! -e "$s"
done

# fork: a child per datagram, each reply to its own sender; the children
# end, the listener stays and keeps its socket file; SIGTERM ends the
# listener with 143 and removes the file.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	s=$TMP/f1.$tn
	tool_at "$s" "$s.out" "$s.err" "$tool" -t 3 UNIX-RECVFROM:"$s",fork SYSTEM:'tr a-z A-Z'
	bgpeer 10 send "$s" "$TMP/f1a.$tn" "$s.a" 1.5 'alpha\n'
	c1=$BG_PID
	bgpeer 10 send "$s" "$TMP/f1b.$tn" "$s.b" 1.5 'beta\n' 'gamma\n'
	c2=$BG_PID
	got=$(timeout -k 2 10 "$SOCAT" -t 2 - UNIX-SENDTO:"$s",bind="$TMP/f1c.$tn" <"$TMP/hello" 2>/dev/null)
	wait_gone "$c1" 10
	wait_gone "$c2" 10
	check_eq "$w: UNIX-RECVFROM:s,fork: sender 1 gets its reply" "6 ALPHA\\n $s" "$(lines "$s.a")"
	check_eq "$w: UNIX-RECVFROM:s,fork: sender 2 gets a reply to each of its datagrams" "5 BETA\\n $s|6 GAMMA\\n $s" "$(sort "$s.b" | lines /dev/stdin)"
	check_eq "$w: UNIX-RECVFROM:s,fork: socat's UNIX-SENDTO,bind= client gets its reply" HELLO "$got"
	wait_until 5 "children left" no_children "$tpid"
	check_eq "$w: UNIX-RECVFROM,fork: the children end" 0 "$(children "$tpid")"
	check "$w: UNIX-RECVFROM,fork: the listener stays" kill -0 "$tpid"
	check "$w: UNIX-RECVFROM,fork: the socket file stays while the listener runs" test -S "$s"
	stop_tool "$tpid"
	check_eq "$w: UNIX-RECVFROM,fork: SIGTERM: exit code" 143 "$TRC"
	check "$w: UNIX-RECVFROM,fork: the socket file is removed at exit" test ! -e "$s"
	check_eq "$w: UNIX-RECVFROM,fork: no E line" "" "$(msg "$s.err")"
done

# === 3. UNIX-RECV ===========================================================
# Receive-only, to stdout and to a file: every datagram of every sender
# (bound or not) in order; an empty datagram is no EOF; -T ends it (0); the
# socket file is removed at exit, also on SIGTERM (143).  Without -u, with
# stdin at EOF: it ends (0); with data on stdin: that data cannot be sent
# (E ... not connected, exit 1).
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	s=$TMP/v1.$tn
	tool_at "$s" "$s.out" "$s.err" "$tool" -u -T 4 UNIX-RECV:"$s" -
	peer send "$s" "$TMP/v1c.$tn" "$s.none" 0 'one\n' 'two\n'
	peer send "$s" - "$s.none" 0 'three\n' '' 'four\n'
	tool_rc "$tpid"
	check_eq "$w: -u -T 4 UNIX-RECV:s -: exit code" 0 "$TRC"
	check_eq "$w: -u UNIX-RECV:s -: every datagram, in order (the empty one is no EOF)" "one|two|three|four" "$(lines "$s.out")"
	no_log "$w: -u UNIX-RECV:s -: no log line" "$s.err"
	check "$w: UNIX-RECV:s: the socket file is removed at exit" test ! -e "$s"

	s=$TMP/v2.$tn
	tool_at "$s" "$s.out" "$s.err" "$tool" -u UNIX-RECV:"$s" OPEN:"$s.file",creat
	peer send "$s" - "$s.none" 0 'one\n' 'two\n'
	wait_file_size "$s.file" 8 5
	check_eq "$w: -u UNIX-RECV:s OPEN:f,creat: the file" "one|two" "$(lines "$s.file")"
	stop_tool "$tpid"
	check_eq "$w: -u UNIX-RECV:s: SIGTERM: exit code" 143 "$TRC"
	check "$w: UNIX-RECV:s: the socket file is removed on SIGTERM" test ! -e "$s"

	run "$tool" v3 10 /dev/null UNIX-RECV:"$TMP/v3.$tn" -
	check_eq "$w: UNIX-RECV:s - (no -u), stdin at EOF: exit code" 0 "$RUN_RC"
	no_log "$w: UNIX-RECV:s - (no -u), stdin at EOF: no log line" "$E"
	run "$tool" v4 10 "$TMP/hi" UNIX-RECV:"$TMP/v4.$tn" -
	check_eq "$w: UNIX-RECV:s - (no -u), data on stdin: exit code" 1 "$RUN_RC"
	e_like "$w: UNIX-RECV:s - (no -u), data on stdin: E ...not connected" "$E" 'Transport endpoint is not connected'
	check "$w: UNIX-RECV:s - (no -u): the socket file is removed at exit" test ! -e "$TMP/v4.$tn"
done

# === 4. ABSTRACT-SENDTO, ABSTRACT-RECVFROM, ABSTRACT-RECV ===================
# The same in the abstract namespace: nothing appears on disk (the tools run
# in $TMP/cwd, which stays empty); bind= of ABSTRACT-SENDTO is an abstract
# name too.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	n=$AB-a1-$tn
	bgpeer 30 recv "@$n" "$TMP/a1.$tn.got" 20 echo
	ppid=$BG_PID
	wait_bound "@$n"
	run "$tool" a1 10 "$TMP/in8" -b 3 - ABSTRACT-SENDTO:"$n"
	check_eq "$w: -b 3 - ABSTRACT-SENDTO:n: exit code" 0 "$RUN_RC"
	run "$tool" a1b 10 "$TMP/hi" -t 1 - ABSTRACT-SENDTO:"$n",bind="$n-c"
	check_eq "$w: - ABSTRACT-SENDTO:n,bind=m: exit code" 0 "$RUN_RC"
	check_eq "$w: - ABSTRACT-SENDTO:n,bind=m: the echo reaches stdout" hi "$(cat "$O")"
	no_log "$w: - ABSTRACT-SENDTO:n,bind=m: no log line" "$E"
	end_recv "@$n" "$TMP/a1.$tn.got" "$ppid"
	check_eq "$w: ABSTRACT-SENDTO: the datagrams (unbound, then from the abstract name m)" \
		"3 abc -|3 def -|2 gh -|3 hi\\n @$n-c|4 end\\n -" "$(lines "$TMP/a1.$tn.got")"

	n=$AB-a2-$tn
	tool_at "@$n" "$TMP/a2.$tn.out" "$TMP/a2.$tn.err" "$tool" -t 3 ABSTRACT-RECVFROM:"$n" SYSTEM:'tr a-z A-Z'
	peer send "@$n" "@$n-c" "$TMP/a2.$tn.got" 1.5 'hello\n'
	tool_rc "$tpid"
	check_eq "$w: ABSTRACT-RECVFROM:n (no fork): exit code" 0 "$TRC"
	check_eq "$w: ABSTRACT-RECVFROM:n: the reply comes from @n" "6 HELLO\\n @$n" "$(lines "$TMP/a2.$tn.got")"
	no_log "$w: ABSTRACT-RECVFROM:n: no log line" "$TMP/a2.$tn.err"

	n=$AB-a3-$tn
	tool_at "@$n" "$TMP/a3.$tn.out" "$TMP/a3.$tn.err" "$tool" -t 3 ABSTRACT-RECVFROM:"$n",fork SYSTEM:'tr a-z A-Z'
	bgpeer 10 send "@$n" "@$n-c1" "$TMP/a3.$tn.a" 1.5 'alpha\n'
	c1=$BG_PID
	got=$(cd "$T_CWD" && printf 'bonjour\n' | timeout -k 2 10 "$SOCAT" -t 2 - ABSTRACT-SENDTO:"$n",bind="$n-c2" 2>/dev/null)
	wait_gone "$c1" 10
	check_eq "$w: ABSTRACT-RECVFROM:n,fork: sender 1 gets its reply" "6 ALPHA\\n @$n" "$(lines "$TMP/a3.$tn.a")"
	check_eq "$w: ABSTRACT-RECVFROM:n,fork: socat's ABSTRACT-SENDTO,bind= client gets its reply" BONJOUR "$got"
	stop_tool "$tpid"
	check_eq "$w: ABSTRACT-RECVFROM:n,fork: SIGTERM: exit code" 143 "$TRC"
	check_eq "$w: ABSTRACT-RECVFROM:n,fork: no E line" "" "$(msg "$TMP/a3.$tn.err")"

	n=$AB-a4-$tn
	tool_at "@$n" "$TMP/a4.$tn.out" "$TMP/a4.$tn.err" "$tool" -u -T 4 ABSTRACT-RECV:"$n" -
	peer send "@$n" - "$TMP/a4.$tn.none" 0 'one\n'
	(cd "$T_CWD" && printf 'two\n' | timeout -k 2 10 "$SOCAT" - ABSTRACT-SENDTO:"$n")
	# the name is taken: a second receiver fails to bind
	run "$tool" a4b 10 /dev/null -u ABSTRACT-RECV:"$n" -
	check_eq "$w: ABSTRACT-RECV:n while n is bound: exit code" 1 "$RUN_RC"
	e_like "$w: ABSTRACT-RECV:n while n is bound: E ...Address already in use" "$E" 'Address already in use'
	tool_rc "$tpid"
	check_eq "$w: -u -T 4 ABSTRACT-RECV:n -: exit code" 0 "$TRC"
	check_eq "$w: -u ABSTRACT-RECV:n -: the datagrams" "one|two" "$(lines "$TMP/a4.$tn.out")"
	no_log "$w: -u ABSTRACT-RECV:n -: no log line" "$TMP/a4.$tn.err"
	check_eq "$w: ABSTRACT-*: nothing created on disk (in the working directory)" "" "$(ls -A "$T_CWD")"
done

# === 5. Socket files ========================================================
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# An existing path (a regular file, a stale socket file) without
	# unlink-early: E "PATH" exists, exit 1, the file is left alone.
	for t in UNIX-RECV UNIX-RECVFROM; do
		p=$TMP/x.$t.$tn
		echo precious >"$p"
		run "$tool" x.$t 10 /dev/null -u $t:"$p" -
		check_eq "$w: $t:p, p an existing file: exit code" 1 "$RUN_RC"
		check_eq "$w: $t:p, p an existing file: the E line" "\"$p\" exists" "$(msg "$E")"
		check_eq "$w: $t:p, p an existing file: the file is left alone" precious "$(cat "$p" 2>/dev/null)"
	done
	p=$TMP/stale.$tn
	peer stale "$p"
	run "$tool" stale 10 /dev/null -u UNIX-RECV:"$p" -
	check_eq "$w: UNIX-RECV:p, p a stale socket file: exit code" 1 "$RUN_RC"
	check_eq "$w: UNIX-RECV:p, p a stale socket file: the E line" "\"$p\" exists" "$(msg "$E")"
	check "$w: UNIX-RECV:p, p a stale socket file: it is left" test -S "$p"
	# unlink-early: the stale file is replaced and it works; gone at exit
	tool_at "$p" "$p.out" "$p.err" "$tool" -u -T 4 UNIX-RECV:"$p",unlink-early -
	peer send "$p" - "$p.none" 0 'fresh\n'
	tool_rc "$tpid"
	check_eq "$w: UNIX-RECV:p,unlink-early over a stale socket file: exit code" 0 "$TRC"
	check_eq "$w: UNIX-RECV:p,unlink-early over a stale socket file: the datagram" fresh "$(cat "$p.out")"
	no_log "$w: UNIX-RECV:p,unlink-early: no log line" "$p.err"
	check "$w: UNIX-RECV:p,unlink-early: p is removed at exit" test ! -e "$p"
	# ... over a regular file, with UNIX-RECVFROM
	p=$TMP/ue.$tn
	echo old >"$p"
	tool_at "$p" "$p.out" "$p.err" "$tool" -t 3 UNIX-RECVFROM:"$p",unlink-early SYSTEM:'tr a-z A-Z'
	peer send "$p" "$p.c" "$p.got" 1 'x\n'
	tool_rc "$tpid"
	check_eq "$w: UNIX-RECVFROM:p,unlink-early over a regular file: exit code" 0 "$TRC"
	check_eq "$w: UNIX-RECVFROM:p,unlink-early over a regular file: the reply" "2 X\\n $p" "$(lines "$p.got")"
	check "$w: UNIX-RECVFROM:p,unlink-early: p is removed at exit" test ! -e "$p"
	# unlink-early on a path that does not exist: no error
	run "$tool" uen 10 /dev/null -u -T 0.5 UNIX-RECV:"$TMP/uen.$tn",unlink-early -
	check_eq "$w: UNIX-RECV:p,unlink-early, p missing: exit code" 0 "$RUN_RC"
	check_eq "$w: UNIX-RECV:p,unlink-early, p missing: no E line" "" "$(msg "$E")"
	# unlink-close=0: the socket file stays
	run "$tool" uc0 10 /dev/null -u -T 0.5 UNIX-RECV:"$TMP/uc0.$tn",unlink-close=0 -
	check_eq "$w: UNIX-RECV:p,unlink-close=0: exit code" 0 "$RUN_RC"
	check "$w: UNIX-RECV:p,unlink-close=0: the socket file is left" test -S "$TMP/uc0.$tn"

	# UNIX-SENDTO's bind=: removed at exit, also on SIGTERM (143);
	# unlink-close=0 keeps it; unlink-early replaces an existing file.
	r=$TMP/b.$tn
	bgpeer 20 recv "$r" "$r.got" 5
	ppid=$BG_PID
	wait_bound "$r"
	tool_at "$r.c1" "$r.1.out" "$r.1.err" "$tool" -U - UNIX-SENDTO:"$r",bind="$r.c1"
	stop_tool "$tpid"
	check_eq "$w: -U - UNIX-SENDTO:r,bind=c: SIGTERM: exit code" 143 "$TRC"
	check "$w: UNIX-SENDTO,bind=c: c is removed on SIGTERM" test ! -e "$r.c1"
	run "$tool" b2 10 "$TMP/hi" - UNIX-SENDTO:"$r",bind="$r.c2",unlink-close=0
	check_eq "$w: UNIX-SENDTO:r,bind=c,unlink-close=0: exit code" 0 "$RUN_RC"
	check "$w: UNIX-SENDTO:r,bind=c,unlink-close=0: c is left" test -S "$r.c2"
	echo old >"$r.c3"
	run "$tool" b3 10 "$TMP/hi" - UNIX-SENDTO:"$r",bind="$r.c3",unlink-early
	check_eq "$w: UNIX-SENDTO:r,bind=c,unlink-early, c a file: exit code" 0 "$RUN_RC"
	check "$w: UNIX-SENDTO:r,bind=c,unlink-early: c is removed at exit" test ! -e "$r.c3"
	run "$tool" b3b 10 "$TMP/hi" - UNIX-SENDTO:"$r",unlink-close
	check_eq "$w: UNIX-SENDTO:r,unlink-close (no bind): exit code" 0 "$RUN_RC"
	check "$w: UNIX-SENDTO:r,unlink-close: the peer's socket r is not removed" test -S "$r"
	# bind= an existing file without unlink-early: E bind ... Address
	# already in use, exit 1.  (socat 1.7.4 then removes that file,
	# which it did not create: shown, not asserted.)
	echo precious >"$r.c4"
	run "$tool" b4 10 "$TMP/hi" - UNIX-SENDTO:"$r",bind="$r.c4"
	check_eq "$w: UNIX-SENDTO:r,bind=c, c an existing file: exit code" 1 "$RUN_RC"
	e_like "$w: UNIX-SENDTO:r,bind=c, c an existing file: E bind ...Address already in use" "$E" 'bind.*Address already in use'
	if [ -e "$r.c4" ]; then echo "# $w: bind=c, c an existing file: the file is left"; else echo "# $w: bind=c, c an existing file: the file is REMOVED"; fi
	wait_gone "$ppid" 10
	check_eq "$w: UNIX-SENDTO,bind=: the receiver got hi from c2 and c3, nothing from c4" \
		"3 hi\\n $r.c2|3 hi\\n $r.c3|3 hi\\n -" "$(lines "$r.got")"
done

# === 6. Errors ==============================================================
printf 'x\n' >"$TMP/x"
echo file >"$TMP/regular"
# the open succeeds; the first datagram fails
dcase "data to UNIX-SENDTO:missing" --in "$TMP/x" --rc 1 --emsg 'No such file or directory' -- - UNIX-SENDTO:"$TMP/nothere"
dcase "no data to UNIX-SENDTO:missing" --is "no log line" "" "log2 @E@" -- - UNIX-SENDTO:"$TMP/nothere"
dcase "data to UNIX-SENDTO:regular-file" --in "$TMP/x" --rc 1 --emsg 'Connection refused' -- - UNIX-SENDTO:"$TMP/regular"
dcase "no data to UNIX-SENDTO:regular-file" --is "no log line" "" "log2 @E@" -- - UNIX-SENDTO:"$TMP/regular"
dcase "data to ABSTRACT-SENDTO:unbound-name" --in "$TMP/x" --rc 1 --emsg 'Connection refused' -- - ABSTRACT-SENDTO:"$AB-nobody"
# the parameter count
for t in UNIX-SENDTO UNIX-RECVFROM UNIX-RECV ABSTRACT-SENDTO ABSTRACT-RECVFROM ABSTRACT-RECV; do
	dcase "- $t (no parameter)" --in "$TMP/x" --rc 1 --is "the E line" "$t: wrong number of parameters (0 instead of 1)" "msg @E@" -- - $t
done
dcase "- UNIX-SENDTO:/a:/b" --in "$TMP/x" --rc 1 --is "the E line" "UNIX-SENDTO: wrong number of parameters (2 instead of 1)" "msg @E@" -- - UNIX-SENDTO:/a:/b
dcase "- unix-sendto (lower case, no parameter)" --in "$TMP/x" --rc 1 --elog -- - unix-sendto
# an empty path: data cannot go anywhere
dcase "data to UNIX-SENDTO: (empty path)" --in "$TMP/x" --rc 1 --elog -- - UNIX-SENDTO:
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# a stream socket at the path
	sl=$TMP/stream.$tn
	bg timeout -k 2 10 "$SOCAT" UNIX-LISTEN:"$sl" /dev/null
	lpid=$BG_PID
	wait_unix "$sl"
	run "$tool" e6 10 "$TMP/x" - UNIX-SENDTO:"$sl"
	check_eq "$w: data to UNIX-SENDTO:stream-socket: exit code" 1 "$RUN_RC"
	e_like "$w: data to UNIX-SENDTO:stream-socket: E ...Protocol wrong type for socket" "$E" 'Protocol wrong type for socket'
	kill "$lpid" 2>/dev/null
done

# === 7. Options =============================================================
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# mode= on the socket files
	p=$TMP/m1.$tn
	tool_at "$p" /dev/null "$p.err" "$tool" -u UNIX-RECV:"$p",mode=600 -
	check_eq "$w: UNIX-RECV:p,mode=600: the socket file's mode" "srw------- 600" "$(stat -c '%A %a' "$p" 2>/dev/null)"
	stop_tool "$tpid"
	p=$TMP/m2.$tn
	tool_at "$p" /dev/null "$p.err" "$tool" UNIX-RECVFROM:"$p",mode=640,fork SYSTEM:cat
	check_eq "$w: UNIX-RECVFROM:p,mode=640,fork: the socket file's mode" "srw-r----- 640" "$(stat -c '%A %a' "$p" 2>/dev/null)"
	stop_tool "$tpid"
	r=$TMP/m3.$tn
	bgpeer 10 recv "$r" "$r.got" 3
	ppid=$BG_PID
	wait_bound "$r"
	tool_at "$r.c" /dev/null "$r.err" "$tool" -U - UNIX-SENDTO:"$r",bind="$r.c",mode=600
	check_eq "$w: UNIX-SENDTO:r,bind=c,mode=600: c's mode" "srw------- 600" "$(stat -c '%A %a' "$r.c" 2>/dev/null)"
	stop_tool "$tpid"
	kill "$ppid" 2>/dev/null
	# options socat refuses on these types: E, exit 1
	for spec in "UNIX-SENDTO:$TMP/o.$tn,mode=600" "UNIX-SENDTO:$TMP/o.$tn,unlink-early" \
	    "UNIX-SENDTO:$TMP/o.$tn,fork" "UNIX-RECV:$TMP/o.$tn,fork" \
	    "ABSTRACT-RECV:$AB-o,unlink-early" "ABSTRACT-RECV:$AB-o,unlink-close=0" \
	    "ABSTRACT-RECVFROM:$AB-o,unlink-early" "ABSTRACT-SENDTO:$AB-o,unlink-early" \
	    "ABSTRACT-RECV:$AB-o,mode=600" "ABSTRACT-RECVFROM:$AB-o,mode=600"; do
		if [ "${spec#*RECV}" != "$spec" ]; then
			run "$tool" opt 5 /dev/null -u "$spec" -
		else
			run "$tool" opt 5 /dev/null -u - "$spec"
		fi
		d=${spec//$TMP\//}
		d=${d//$AB/n}
		check_eq "$w: $d: exit code" 1 "$RUN_RC"
		check "$w: $d: an E line" has_elog "$E"
	done
	check "$w: the refused options leave no socket file" test ! -e "$TMP/o.$tn"
done

# === 8. Found in review ======================================================
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# A client's bind= socket is not left behind when the connect fails
	# (a retry, or the next fork child, would find it in the way).
	c=$TMP/rv1c.$tn
	run "$tool" rv1 10 /dev/null -t 0.3 - UNIX-CONNECT:"$TMP/rv1.nosrv",bind="$c"
	check_eq "$w: UNIX-CONNECT:missing,bind=c: exit code" 1 "$RUN_RC"
	check "$w: UNIX-CONNECT:missing,bind=c: c is not left behind" test ! -e "$c"
	bg_io /dev/null "$TMP/rv2.$tn.out" "$TMP/rv2.$tn.err" "$SOCAT" UNIX-LISTEN:"$TMP/rv2.$tn",fork PIPE
	spid=$BG_PID
	wait_until 10 "no listener at $TMP/rv2.$tn" test -S "$TMP/rv2.$tn"
	run "$tool" rv2 10 /dev/null -t 0.3 - UNIX-CONNECT:"$TMP/rv2.$tn",bind="$c",user=nosuchuser99
	check_eq "$w: UNIX-CONNECT,bind=c,user=unknown: exit code" 1 "$RUN_RC"
	check "$w: UNIX-CONNECT,bind=c,user=unknown: c is not left behind" test ! -e "$c"
	# user= and group= need bind=, as mode= does.
	for o in user=nobody group=nogroup; do
		run "$tool" rv3 10 "$TMP/hello" -t 0.3 - UNIX-CONNECT:"$TMP/rv2.$tn",$o
		check_eq "$w: UNIX-CONNECT,$o without bind=: exit code" 1 "$RUN_RC"
		e_like "$w: UNIX-CONNECT,$o without bind=: E ...only with bind option" "$E" 'only with bind option'
	done
	stop_tool "$spid"
	# An existing path is an E at once, also with forever (no retry), and
	# a dangling symbolic link there counts as existing.
	touch "$TMP/rv4.$tn"
	run "$tool" rv4 10 /dev/null - UNIX-LISTEN:"$TMP/rv4.$tn",forever,interval=0.2
	check_eq "$w: UNIX-LISTEN:existing,forever: exit code (no retry)" 1 "$RUN_RC"
	e_like "$w: UNIX-LISTEN:existing,forever: E ...exists" "$E" 'exists'
	ln -s "$TMP/rv5.nothing" "$TMP/rv5.$tn"
	run "$tool" rv5 10 /dev/null - UNIX-RECV:"$TMP/rv5.$tn"
	check_eq "$w: UNIX-RECV:dangling-symlink: exit code" 1 "$RUN_RC"
	e_like "$w: UNIX-RECV:dangling-symlink: E ...exists" "$E" 'exists'
	# nofork: socket and terminal options have no channel to act on.
	for o in sndbuf=4096 echo=0; do
		run "$tool" rv6 10 "$TMP/hello" -t 0.3 - EXEC:cat,nofork,$o
		check_eq "$w: - EXEC:cat,nofork,$o: exit code" 1 "$RUN_RC"
		check "$w: - EXEC:cat,nofork,$o: an E line" has_elog "$E"
	done
	# SENDTO: an empty datagram from the peer is skipped, not an EOF.
	# (The peer, bound at r, sends to the tool's bind= socket c.)
	r=$TMP/rv7.$tn
	mkfifo "$r.fifo"
	bg_io "$r.fifo" "$r.out" "$r.err" "$tool" -t 1 - UNIX-SENDTO:"$r",bind="$r.c"
	tpid=$BG_PID
	exec 7>"$r.fifo"
	wait_bound "$r.c" "$tpid"
	peer send "$r.c" "$r" "$r.s.got" 0 'one\n' '' 'after\n'
	sleep 0.3
	exec 7>&-
	tool_rc "$tpid"
	check_eq "$w: UNIX-SENDTO: an empty datagram from the peer is no EOF" "one|after" "$(lines "$r.out")"
done

# === 9. unix-bind-tempname (socat 1.8) ======================================
# A client binds a name made from a template, its XXXXXX replaced by six
# letters and digits (a file named like the template itself is not in the
# way): UNIX-SENDTO's source is then such a socket file, removed at exit;
# ABSTRACT-SENDTO's an abstract name; without a template an abstract
# /tmp/socat-bind.XXXXXX, no file.  What it is for: datagram clients in
# fork children, each with a name of its own that replies come back to.
# Against socat 1.8 (1.7.4 has no such option).
S18=$("$TOP/test/socat18" 2>/dev/null) || S18=""
[ -x "$S18" ] || not_ok "socat 1.8 (the reference for unix-bind-tempname) is built by test/socat18"
# src N FILE: the source of the Nth datagram the peer recorded in FILE,
# without the NULs socat 1.8 binds after an abstract name.
src() { sed -n "$1p" "$2" 2>/dev/null | tr -d '\000' | awk '{ print $3 }'; }
# like DESC GOT ERE: GOT matches ERE.
like() {
	if printf '%s\n' "$2" | grep -Eqx -- "$3"; then
		ok "$1"
	else
		not_ok "$1 (got \"$2\", expected /$3/)"
	fi
}
R6='[A-Za-z0-9]{6}'
# sends_via TAG LABEL N GOT ERE ARGS...: the tool with ARGS sends "hi" to
# an echoing receiver: exit code 0, the echo on stdout, and the source of
# the Nth datagram the receiver recorded in GOT matches ERE.
sends_via() {
	local tag=$1 label=$2 n=$3 got=$4 ere=$5
	shift 5
	run "$tool" "$tag" 10 "$TMP/hi" -t 1 "$@"
	check_eq "$w: $label: exit code" 0 "$RUN_RC"
	check_eq "$w: $label: the echo reaches stdout" hi "$(cat "$O")"
	like "$w: $label: the receiver saw the name it bound" "$(src "$n" "$got")" "$ere"
}
for tool in ${S18:+"$S18"} "$RELAY"; do
	set_tool "$tool"
	d=$TMP/bt.$tn
	mkdir -p "$d"
	touch "$d/c.XXXXXX"
	r=$d/r
	bgpeer 30 recv "$r" "$r.got" 20 echo
	ppid=$BG_PID
	wait_bound "$r"
	sends_via bt1 "- UNIX-SENDTO:r,bind-tempname=d/c.XXXXXX" 1 "$r.got" "$d/c\\.$R6" \
		- UNIX-SENDTO:"$r",bind-tempname="$d/c.XXXXXX"
	no_log "$w: UNIX-SENDTO,bind-tempname=d/c.XXXXXX: no log line" "$E"
	check "$w: UNIX-SENDTO,bind-tempname: the socket file is removed at exit" test ! -e "$(src 1 "$r.got")"
	check_eq "$w: UNIX-SENDTO,bind-tempname: the file named like the template is left alone" \
		"c.XXXXXX" "$(cd "$d" && ls -d c.*)"

	# Without a template: an abstract /tmp/socat-bind.XXXXXX.  (socat 1.8
	# then logs W unlink(""), a file it never made: not compared.)
	sends_via bt2 "- UNIX-SENDTO:r,bind-tempname (no template)" 2 "$r.got" "@/tmp/socat-bind\\.$R6" \
		- UNIX-SENDTO:"$r",bind-tempname
	b=$(src 2 "$r.got")
	check "$w: UNIX-SENDTO,bind-tempname (no template): no file" test ! -e "${b#@}"

	# The purpose: TCP4-LISTEN,fork to UNIX-SENDTO,bind-tempname; two
	# clients at once each get the echo of their own line (with bind= the
	# second child would find the name taken, without it no reply comes).
	P=$(dport)
	bg_io /dev/null /dev/null "$d/l.err" "$tool" TCP4-LISTEN:$P,reuseaddr,fork UNIX-SENDTO:"$r",bind-tempname="$d/f.XXXXXX"
	lpid=$BG_PID
	wait_listen "$P"
	bg sh -c '{ echo one; sleep 3; } | timeout 10 "$1" -t 1 - TCP4:127.0.0.1:$2 >"$3"' fa "$SOCAT" "$P" "$d/fa.out"
	fa=$BG_PID
	wait_until 10 "the first client's line arrives" grep -q '^4 one' "$r.got"
	got=$(echo two | timeout 10 "$SOCAT" -t 1 - TCP4:127.0.0.1:$P 2>/dev/null)
	wait_gone "$fa" 10
	check_eq "$w: TCP4-LISTEN,fork UNIX-SENDTO,bind-tempname: the second client gets its echo" two "$got"
	check_eq "$w: TCP4-LISTEN,fork UNIX-SENDTO,bind-tempname: the first client gets its echo" one "$(cat "$d/fa.out")"
	like "$w: fork children: two sources d/f.<6 random>, not the same" \
		"$(src 3 "$r.got") $(src 4 "$r.got")" "($d/f\\.$R6) ($d/f\\.$R6)"
	check "$w: fork children: two sources, not the same" test "$(src 3 "$r.got")" != "$(src 4 "$r.got")"
	stop_tool "$lpid"
	check_eq "$w: fork children: their socket files are removed" "" "$(cd "$d" && ls -d f.* 2>/dev/null)"
	kill "$ppid" 2>/dev/null

	# ABSTRACT-SENDTO: an abstract name from the template, nothing on disk.
	n=$AB-bt-$tn
	bgpeer 15 recv "@$n" "$d/a.got" 5 echo
	ppid=$BG_PID
	wait_bound "@$n"
	sends_via bt3 "- ABSTRACT-SENDTO:n,bind-tempname=m.XXXXXX" 1 "$d/a.got" "@$n-c\\.$R6" \
		- ABSTRACT-SENDTO:"$n",bind-tempname="$n-c.XXXXXX"
	# ABSTRACT-CLIENT to a datagram socket: its stream connect is
	# refused, it goes on to datagrams (socat 1.8; 1.7.4 gives up there).
	sends_via bt3c "- ABSTRACT-CLIENT:n (datagrams),bind-tempname=m.XXXXXX" 2 "$d/a.got" "@$n-k\\.$R6" \
		- ABSTRACT-CLIENT:"$n",bind-tempname="$n-k.XXXXXX"
	check_eq "$w: ABSTRACT-*,bind-tempname: nothing on disk" "" "$(ls -A "$T_CWD")"
	kill "$ppid" 2>/dev/null

	# Stream clients: UNIX-CONNECT and UNIX-CLIENT to a listener that
	# writes back the client's address (socat 1.7.4's SOCAT_PEERADDR).
	s=$d/s
	bg_io /dev/null /dev/null /dev/null "$SOCAT" UNIX-LISTEN:"$s",fork SYSTEM:'echo $SOCAT_PEERADDR'
	spid=$BG_PID
	wait_unix "$s"
	for t in UNIX-CONNECT UNIX-CLIENT; do
		run "$tool" bt4 10 /dev/null - $t:"$s",bind-tempname="$d/k.XXXXXX"
		check_eq "$w: - $t:s,bind-tempname=d/k.XXXXXX: exit code" 0 "$RUN_RC"
		like "$w: $t,bind-tempname=d/k.XXXXXX: the listener's peer is d/k.<6 random>" "$(cat "$O")" "$d/k\\.$R6"
		# socat 1.8 leaves UNIX-CLIENT's socket file, as its bind='s;
		# relay removes both: shown, not compared.
		if [ $t = UNIX-CLIENT ] && [ "$tn" != relay ]; then
			echo "# $w: $t,bind-tempname: left at exit: $(cd "$d" && ls -d k.* 2>/dev/null | xargs)"
		else
			check "$w: $t,bind-tempname: the socket file is removed at exit" test ! -e "$(cat "$O")"
		fi
		rm -f "$d"/k.*
	done
	stop_tool "$spid"
done
# The template's errors: E, exit 1, nothing bound.
if [ -x "$S18" ]; then
	TOOLS=("$S18" "$RELAY")
	for t in UNIX-SENDTO UNIX-CONNECT UNIX-CLIENT ABSTRACT-SENDTO; do
		for x in /nonexistent/c.XXXXX /nonexistent/c; do
			dcase "$t,bind-tempname=$x (not 6 X)" --in "$TMP/hi" --rc 1 \
				--is "the E line" "tempnam(\"$x\"): Invalid argument" "elines @E@" \
				-- - $t:"$TMP/nothere",bind-tempname=$x
		done
		dcase "$t,bind-tempname and bind=" --in "$TMP/hi" --rc 1 --emsg 'do not use both options bind and' \
			-- - $t:"$TMP/nothere",bind-tempname=/nonexistent/c.XXXXXX,bind=/nonexistent/b
	done
	dcase "UNIX-SENDTO,bind-tempname in a missing directory" --in "$TMP/hi" --rc 1 \
		--emsg 'No such file or directory' -- - UNIX-SENDTO:"$TMP/nothere",bind-tempname=/nonexistent/c.XXXXXX
	# taken (and of no use) where nothing connects
	dcase "UNIX-RECV,bind-tempname: taken" --rc 0 --is "no log line" "" "log2 @E@" \
		-- -u -T 0.3 UNIX-RECV:@D@/rv,bind-tempname -
	TOOLS=("$SOCAT" "$RELAY")
fi

finish
