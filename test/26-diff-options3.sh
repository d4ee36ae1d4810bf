#!/usr/bin/env bash
# Differential: address options: retry=/interval=/forever
# (connect and listen), range= (IPv4/IPv6 CIDR, address:mask), sourceport=,
# lowport, su=/su-d=, crlf, ignoreeof, keepidle=/keepintvl=/keepcnt=,
# sndbuf=/rcvbuf=, so-reuseport, unlink-close, user=/group=/perm= on
# UNIX-LISTEN, setsid, pgid=, and the errors for an option that does not fit
# its address (fork on STDIO, mode= on TCP).  Each case runs with socat (the
# reference: its assertions check the case itself) and then with relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"


# A test user for su=/su-d=, removed at exit if this scenario created it.
SU_USER=relaytest
SU_MADE=
if ! id -u "$SU_USER" >/dev/null 2>&1; then
	useradd -M -N -s /bin/sh "$SU_USER" 2>/dev/null && SU_MADE=1
fi
o3_cleanup() {
	t_cleanup
	if [ -n "$SU_MADE" ]; then
		pkill -KILL -u "$SU_USER" 2>/dev/null
		sleep 0.1
		userdel -f "$SU_USER" >/dev/null 2>&1
	fi
}
trap o3_cleanup EXIT

TEXT=$TMP/text
printf 'retry text\n' >"$TEXT"

# --- retry=/interval=/forever on a connect: the backend starts 1 s late
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for opts in retry=30,interval=0.1 forever,interval=0.25 none; do
		Q=$(dport)
		f=$TMP/rc.$tn.${opts%%,*}
		rm -f "$f.recv"
		if [ $opts != none ]; then
			bg bash -c 'sleep 1; exec timeout 20 "$1" -u TCP-LISTEN:$2,reuseaddr OPEN:"$3",creat' late "$SOCAT" "$Q" "$f.recv"
			spid=$BG_PID
		fi
		if [ $opts = none ]; then o=; else o=,$opts; fi
		run_one_tool "$tool" rc 15 "$TEXT" -u - TCP:127.0.0.1:$Q$o
		if [ $opts = none ]; then
			check_eq "$w: TCP connect, backend not yet there, no retry: exit code" 1 "$RUN_RC"
			check "$w: TCP connect, no retry: E log line" has_elog "$DR_DIR/rc.$tn.err"
		else
			check_eq "$w: TCP:...,$opts, backend starts 1 s late: exit code" 0 "$RUN_RC"
			wait_gone "$spid" 10
			same_file "$w: TCP:...,$opts: data arrives" "$TEXT" "$f.recv"
		fi
	done
	# retry=2,interval=0.1 gives up: 3 attempts (strace counts the connects;
	# LeakSanitizer cannot run under ptrace, so a SANITIZE=1 build runs
	# traced without leak detection, as in 21 and 22)
	Q=$(dport)
	timeout 10 env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=connect -o "$TMP/rcn.$tn.st" "$tool" -u - TCP:127.0.0.1:$Q,retry=2,interval=0.1 </dev/null >/dev/null 2>"$TMP/rcn.$tn.err"
	check_eq "$w: retry=2 against nothing: exit code" 1 "$?"
	check_eq "$w: retry=2 against nothing: 3 connect attempts" 3 "$(grep -c "connect(.*htons($Q)" "$TMP/rcn.$tn.st")"
	check "$w: retry=2 against nothing: E log line" has_elog "$TMP/rcn.$tn.err"
	# retry=1 is one attempt more: the first fails at once, the one retry
	# 5 s later finds the backend started 1 s late (without strace).
	Q=$(dport)
	bg bash -c 'sleep 1; exec timeout 20 "$1" -u TCP-LISTEN:$2,reuseaddr OPEN:"$3",creat' late "$SOCAT" "$Q" "$TMP/r1.$tn.recv"
	spid=$BG_PID
	run_one_tool "$tool" r1 15 "$TEXT" -u - TCP:127.0.0.1:$Q,retry=1,interval=5
	check_eq "$w: retry=1,interval=5, backend starts 1 s late: exit code" 0 "$RUN_RC"
	wait_gone "$spid" 10
	same_file "$w: retry=1,interval=5: the one retry delivers the data" "$TEXT" "$TMP/r1.$tn.recv"
	# interval= is the wait between attempts: with interval=30 the one
	# retry has not come 3 s later (a shorter wait would have failed it).
	Q=$(dport)
	bg "$tool" -u - TCP:127.0.0.1:$Q,retry=1,interval=30 2>/dev/null
	ipid=$BG_PID
	if wait_gone "$ipid" 3; then
		not_ok "$w: retry=1,interval=30 against nothing: still waiting after 3 s"
	else
		ok "$w: retry=1,interval=30 against nothing: still waiting after 3 s"
	fi
	stop_tool "$ipid"

	# listen: the port is taken at first, then freed
	P=$(dport)
	bg "$SOCAT" TCP-LISTEN:$P - </dev/null
	bpid=$BG_PID
	wait_listen "$P"
	bg_in "$TEXT" "$tool" TCP-LISTEN:$P,retry=40,interval=0.1 STDIO >"$TMP/rl.$tn.out" 2>"$TMP/rl.$tn.err"
	tpid=$BG_PID
	sleep 0.5
	check "$w: TCP-LISTEN,retry= on a busy port: still trying" kill -0 "$tpid"
	stop_tool "$bpid"
	i=0
	while ! ss -Hltnp "sport = :$P" | grep -q "pid=$tpid," && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check_eq "$w: TCP-LISTEN,retry=: listens once the port is free" "$(cat "$TEXT")" "$(echo_client TCP:127.0.0.1:$P hello)"
	tool_ends "$w: TCP-LISTEN,retry=: exit code"
	# (a fresh port: on $P the connection just served may have left a
	# TIME_WAIT without reuseaddr on the listening side, and no bind would
	# succeed there, whether the port is busy or not)
	P=$(dport)
	run_one_tool "$tool" rl0 5 /dev/null TCP-LISTEN:$P,reuseaddr - &
	wait_listen "$P" || not_ok "$w: TCP-LISTEN without retry: the first listener listens"
	run_one_tool "$tool" rl1 5 /dev/null TCP-LISTEN:$P,reuseaddr -
	check_eq "$w: TCP-LISTEN without retry on a busy port: exit code" 1 "$RUN_RC"
	check "$w: TCP-LISTEN without retry on a busy port: E log line" has_elog "$DR_DIR/rl1.$tn.err"
	echo_client TCP:127.0.0.1:$P x >/dev/null 2>&1
	wait
done

# --- range=, sourceport=, lowport: a refused client gets no byte, the
# backend sees no connection, the refusal is logged (socat: a W line, so -d).
# The backend is a reference server that counts its connections.
BK=$(dport)
: >"$TMP/bk.count"
bg "$SOCAT" TCP-LISTEN:$BK,fork,reuseaddr SYSTEM:"echo conn >>$TMP/bk.count; echo from-backend; cat >/dev/null"
wait_listen "$BK"
# rcase DESC LISTEN-ADDR CLIENT-ADDR ALLOWED
rcase() {
	local desc=$1 lt=$2 ct=$3 allowed=$4 tool tn w P S n0 got lvl la ca
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		P=$(dport)
		# the client's own port (@S@, one per tool run: the last one may
		# still be in TIME_WAIT) and a privileged one (@L@)
		S=$(dport)
		la=${lt//@S@/$S}
		ca=${ct//@S@/$S}
		ca=${ca//@L@/$((600 + RANDOM % 400))}
		# (-t 5: the client's EOF comes with its line, before the backend's
		# program has answered; the tool still ends when the backend closes)
		tool_bg "$P" "$tool" -d -t 5 ${la//@P@/$P} TCP:127.0.0.1:$BK 2>"$TMP/rg.$tn.err"
		n0=$(wc -l <"$TMP/bk.count")
		got=$(echo_client "${ca//@P@/$P}" x 2>/dev/null)
		crc=$?
		sleep 0.3
		if [ "$allowed" = yes ]; then
			check_eq "$w: $desc: allowed client gets the backend's bytes" from-backend "$got"
			check_eq "$w: $desc: the backend saw the connection" $((n0 + 1)) "$(wc -l <"$TMP/bk.count")"
		else
			check_eq "$w: $desc: refused client gets no byte" "" "$got"
			# (exit 0: accepted, then closed; a refused connect would be 1)
			check_eq "$w: $desc: the refused client was accepted, then got EOF" 0 "$crc"
			check_eq "$w: $desc: the backend saw no connection" "$n0" "$(wc -l <"$TMP/bk.count")"
			wait_until 5 "no refusal logged in $TMP/rg.$tn.err" grep -qiE "$LOG_RE.*(refus|range|denied|not allowed|sourceport|lowport)" "$TMP/rg.$tn.err"
			lvl=$(grep -iE "$LOG_RE.*(refus|range|denied|not allowed|sourceport|lowport)" "$TMP/rg.$tn.err" | head -n 1 | awk '{print $4}')
			check_eq "$w: $desc: the refusal is logged as a warning (W, as socat)" W "$lvl"
			check "$w: $desc: the listener keeps listening after a refusal" kill -0 "$tpid"
		fi
		stop_tool "$tpid"
	done
}
rcase "range=127.0.0.2/32, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,fork,range=127.0.0.2/32" "TCP:127.0.0.1:@P@" no
rcase "range=127.0.0.2/32, client 127.0.0.2" "TCP-LISTEN:@P@,reuseaddr,fork,range=127.0.0.2/32" "TCP:127.0.0.1:@P@,bind=127.0.0.2" yes
rcase "range=127.0.0.0/8, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,range=127.0.0.0/8" "TCP:127.0.0.1:@P@" yes
rcase "range=127.0.0.2:255.255.255.255, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,fork,range=127.0.0.2:255.255.255.255" "TCP:127.0.0.1:@P@" no
rcase "range=127.0.0.0:255.0.0.0, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,range=127.0.0.0:255.0.0.0" "TCP:127.0.0.1:@P@" yes
rcase "TCP6-LISTEN range=[::1]/128, client ::1" "TCP6-LISTEN:@P@,reuseaddr,range=[::1]/128" "TCP6:[::1]:@P@" yes
rcase "TCP6-LISTEN range=[::]/127, client ::1" "TCP6-LISTEN:@P@,reuseaddr,range=[::]/127" "TCP6:[::1]:@P@" yes
rcase "TCP6-LISTEN range=[fe80::]/10, client ::1" "TCP6-LISTEN:@P@,reuseaddr,fork,range=[fe80::]/10" "TCP6:[::1]:@P@" no
# A prefix that is no whole number of bytes decides on a bit inside a byte.
rcase "range=127.0.0.128/25, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,fork,range=127.0.0.128/25" "TCP:127.0.0.1:@P@" no
rcase "range=127.0.0.129:255.255.255.128, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,fork,range=127.0.0.129:255.255.255.128" "TCP:127.0.0.1:@P@" no
rcase "range=127.0.0.0/31, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,range=127.0.0.0/31" "TCP:127.0.0.1:@P@" yes
rcase "TCP6-LISTEN range=[::2]/127, client ::1" "TCP6-LISTEN:@P@,reuseaddr,fork,range=[::2]/127" "TCP6:[::1]:@P@" no
# A v4-mapped client against an IPv6 range: ::ffff:127.0.0.1 is outside /121 of .128.
rcase "TCP6-LISTEN range=[::ffff:127.0.0.128]/121, v4-mapped client 127.0.0.1" "TCP6-LISTEN:@P@,reuseaddr,fork,ipv6-v6only=0,range=[::ffff:127.0.0.128]/121" "TCP4:127.0.0.1:@P@" no
rcase "TCP6-LISTEN range=[::ffff:127.0.0.0]/121, v4-mapped client 127.0.0.1" "TCP6-LISTEN:@P@,reuseaddr,ipv6-v6only=0,range=[::ffff:127.0.0.0]/121" "TCP4:127.0.0.1:@P@" yes
# A host name, resolved as socat does.
rcase "range=localhost:255.255.255.255, client 127.0.0.1" "TCP-LISTEN:@P@,reuseaddr,range=localhost:255.255.255.255" "TCP:127.0.0.1:@P@" yes
rcase "range=localhost:255.255.255.255, client 127.0.0.2" "TCP-LISTEN:@P@,reuseaddr,fork,range=localhost:255.255.255.255" "TCP:127.0.0.1:@P@,bind=127.0.0.2" no
rcase "sourceport=S, client from S" "TCP-LISTEN:@P@,reuseaddr,sourceport=@S@" "TCP:127.0.0.1:@P@,bind=127.0.0.1:@S@" yes
rcase "sourceport=S, client from another port" "TCP-LISTEN:@P@,reuseaddr,fork,sourceport=@S@" "TCP:127.0.0.1:@P@" no
rcase "lowport, client from a port below 1024" "TCP-LISTEN:@P@,reuseaddr,lowport" "TCP:127.0.0.1:@P@,bind=127.0.0.1:@L@" yes
rcase "lowport, client from an ephemeral port" "TCP-LISTEN:@P@,reuseaddr,fork,lowport" "TCP:127.0.0.1:@P@" no
rcase "lowport, client from port 1024" "TCP-LISTEN:@P@,reuseaddr,fork,lowport" "TCP:127.0.0.1:@P@,bind=127.0.0.1:1024,reuseaddr" no

# --- su= and su-d=: connections are served as that user
for o in su su-d; do
	dlisten "TCP-LISTEN,fork,$o=$SU_USER SYSTEM:'id -un'" --is "served as $SU_USER" "$SU_USER $(id -u $SU_USER)" "echo_client TCP:127.0.0.1:@P@ x | tr '\n' ' ' | sed 's/ \$//'" -- -t 5 TCP-LISTEN:@P@,reuseaddr,fork,$o=$SU_USER SYSTEM:'id -un; id -u'
done

# --- crlf: \n becomes \r\n on the way out, \r\n becomes \n on the way in
printf 'a\nb\n' >"$TMP/lf"
printf 'a\r\nb\r\n' >"$TMP/crlf"
for o in crlf crnl; do
	dcase "-u - STDOUT,$o: LF written as CRLF" --in "$TMP/lf" --rc - --out "$TMP/crlf" -- -u - STDOUT,$o
	dcase "-u STDIN,$o STDOUT: CRLF read as LF" --in "$TMP/crlf" --out "$TMP/lf" -- -u STDIN,$o STDOUT
done

# crnl reads: a CR LF split over two reads, one byte a read (-b 1), a lone
# CR: every CR goes, as socat does it.
printf 'a\rb\r\nc\n' >"$TMP/cr3"
dcase "-u -b 1 STDIN,crnl" --in "$TMP/cr3" --rc - --is "every CR dropped" "$(printf 'ab\nc\n' | od -An -c)" "od -An -c <@O@" -- -u -b 1 STDIN,crnl STDOUT
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	P=$(dport)
	tool_bg "$P" "$tool" -u TCP-LISTEN:$P,reuseaddr,crnl OPEN:"$TMP/crtcp.$tn",creat,trunc
	(printf 'a\r'; sleep 0.3; printf '\nb\r\n') | timeout 10 "$SOCAT" -u - TCP:127.0.0.1:$P
	wait_gone "$tpid" 5
	check_eq "$(who $tn): TCP-LISTEN,crnl: a CR LF split over two segments becomes LF" "$(printf 'a\nb\n' | od -An -c)" "$(od -An -c <"$TMP/crtcp.$tn")"
done

# --- escape=<code>: that byte read from the address is its EOF; what came
# before it in the same read goes out, the rest does not.  Codes are C
# numbers (0x0f, 15), as every option number is in socat.
printf 'ab\017cd' >"$TMP/esc"
for spec in "-u STDIN,escape=0x0f STDOUT" "-u STDIN,escape=15 STDOUT" "-u STDIN STDOUT,escape=0x0f"; do
	case $spec in *STDOUT,escape*) want="$(od -An -c <"$TMP/esc")" ;; *) want="$(printf ab | od -An -c)" ;; esac
	dcase "$spec" --in "$TMP/esc" --is "the bytes out" "$want" "od -An -c <@O@" -- $spec
done
# Between two sockets (where relay would splice): the escape still ends it.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	Q=$(dport)
	P=$(dport)
	bg "$SOCAT" -u TCP-LISTEN:$Q,reuseaddr OPEN:"$TMP/esc.$tn.got",creat,trunc
	spid=$BG_PID
	wait_listen "$Q"
	tool_bg "$P" "$tool" -u TCP-LISTEN:$P,reuseaddr,escape=0x0f TCP:127.0.0.1:$Q
	(printf 'ab\017cd'; sleep 1) | timeout 10 "$SOCAT" -u - TCP:127.0.0.1:$P
	wait_gone "$tpid" 10
	wait_gone "$spid" 10
	check_eq "$(who $tn): TCP-LISTEN,escape=0x0f to TCP: the bytes before the escape, then EOF" ab "$(cat "$TMP/esc.$tn.got")"
done
# Option numbers in hexadecimal and octal: backlog=0x10 is 16, backlog=010 is 8.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for b in 0x10 010; do
		P=$(dport)
		tool_bg "$P" "$tool" TCP-LISTEN:$P,reuseaddr,backlog=$b - </dev/null
		check_eq "$(who $tn): backlog=$b: listen queue" "$(( b ))" "$(ss -Hltn "sport = :$P" | awk '{print $3}')"
		stop_tool "$tpid"
	done
done

# --- ignoreeof: a file being appended to (tail -f)
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	L=$TMP/ie.$tn.log
	printf 'first\n' >"$L"
	Q=$(dport)
	bg "$SOCAT" -u TCP-LISTEN:$Q,reuseaddr OPEN:"$L.recv",creat
	spid=$BG_PID
	wait_listen "$Q"
	bg "$tool" -u OPEN:"$L",ignoreeof TCP:127.0.0.1:$Q
	tpid=$BG_PID
	wait_file_size "$L.recv" 6 10
	sleep 0.5
	printf 'second\n' >>"$L"
	wait_file_size "$L.recv" 13 10
	check_eq "$w: -u OPEN:f,ignoreeof: lines appended later are sent" "$(printf 'first\nsecond')" "$(cat "$L.recv")"
	check "$w: -u OPEN:f,ignoreeof: still running at the file's end" kill -0 "$tpid"
	stop_tool "$tpid"
	stop_tool "$spid"
	run_one_tool "$tool" noie 10 /dev/null -u OPEN:"$L" STDOUT
	check_eq "$w: -u OPEN:f (no ignoreeof): ends at the file's end" 0 "$RUN_RC"
done

# --- socket options under strace: keepidle/keepintvl/keepcnt, sndbuf/rcvbuf
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	Q=$(dport)
	bg "$SOCAT" -u TCP-LISTEN:$Q,reuseaddr OPEN:/dev/null
	spid=$BG_PID
	wait_listen "$Q"
	st=$TMP/so.$tn.st
	timeout 10 env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=setsockopt -o "$st" "$tool" -u STDIN TCP:127.0.0.1:$Q,keepalive,keepidle=7,keepintvl=3,keepcnt=4,sndbuf=65536,rcvbuf=32768 <"$TEXT" 2>/dev/null
	check_eq "$w: TCP:...,keepidle=7,...: exit code" 0 "$?"
	for re in 'TCP_KEEPIDLE, \[7\]' 'TCP_KEEPINTVL, \[3\]' 'TCP_KEEPCNT, \[4\]' 'SO_SNDBUF, \[65536\]' 'SO_RCVBUF, \[32768\]' 'SO_KEEPALIVE, \[1\]'; do
		if grep -Eq "$re" "$st"; then ok "$w: setsockopt($re)"; else not_ok "$w: setsockopt($re) (got: $(grep -o '[A-Z_]*, \[[0-9]*\]' "$st" | tr '\n' ' '))"; fi
	done
	wait_gone "$spid" 10
	# and on the live socket: ss shows the keepalive timer and the buffers
	Q=$(dport)
	bg "$SOCAT" TCP-LISTEN:$Q,reuseaddr PIPE
	spid=$BG_PID
	wait_listen "$Q"
	bg bash -c 'sleep 5 | exec "$1" - TCP:127.0.0.1:$2,keepalive,keepidle=7,rcvbuf=32768' so "$tool" "$Q"
	cpid=$BG_PID
	i=0
	while ! ss -Htn state established "dport = :$Q" | grep -q . && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	# (ss prints the time left as e.g. "6.508ms" for 6.5 s; only the integer part is used)
	t=$(ss -Htno state established "dport = :$Q" | grep -o 'timer:(keepalive,[0-9]*' | head -n 1 | sed 's/.*,//')
	if [ -n "$t" ] && [ "$t" -le 7 ] && [ "$t" -ge 5 ]; then ok "$w: keepidle=7: ss shows a keepalive timer of about 7 s"; else not_ok "$w: keepidle=7: ss shows a keepalive timer of about 7 s (got '$t')"; fi
	rb=$(ss -Htnm state established "dport = :$Q" | grep -o 'rb[0-9]*' | head -n 1)
	check_eq "$w: rcvbuf=32768: ss -m shows rb65536 (the kernel doubles it)" rb65536 "$rb"
	stop_tool "$cpid"
	stop_tool "$spid"
done

# --- so-reuseport: two listeners on one port
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	P=$(dport)
	bg "$tool" TCP-LISTEN:$P,so-reuseport - </dev/null
	t1=$BG_PID
	wait_listen "$P"
	bg "$tool" TCP-LISTEN:$P,so-reuseport - </dev/null 2>"$TMP/rp.$tn.err"
	t2=$BG_PID
	i=0
	while [ "$(ss -Hltn "sport = :$P" | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check_eq "$w: so-reuseport: two listeners on port $P" 2 "$(ss -Hltn "sport = :$P" | wc -l)"
	run_one_tool "$tool" rp3 5 /dev/null TCP-LISTEN:$P -
	check_eq "$w: without so-reuseport: a third listener fails, exit code" 1 "$RUN_RC"
	check "$w: without so-reuseport: E log line" has_elog "$DR_DIR/rp3.$tn.err"
	stop_tool "$t1"
	stop_tool "$t2"
done

# --- UNIX-LISTEN: unlink-close, user=/group=/perm=
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for uc in default 0; do
		U=$TMP/uc.$tn.$uc.sock
		if [ $uc = default ]; then o=; else o=,unlink-close=0; fi
		bg_in "$TEXT" "$tool" UNIX-LISTEN:"$U"$o STDIO >/dev/null
		tpid=$BG_PID
		wait_unix "$U"
		check_eq "$w: UNIX-LISTEN$o: client gets the data" "$(cat "$TEXT")" "$(echo_client UNIX-CONNECT:"$U" x)"
		wait_gone "$tpid" 10
		if [ $uc = default ]; then
			check_eq "$w: UNIX-LISTEN: the socket file is removed at exit" no "$(exists "$U")"
		else
			check_eq "$w: UNIX-LISTEN,unlink-close=0: the socket file is left" yes "$([ -S "$U" ] && echo yes || echo no)"
		fi
	done
	U=$TMP/own.$tn.sock
	tool_bg "$U" "$tool" UNIX-LISTEN:"$U",user=nobody,group=nogroup,perm=660 - </dev/null
	check_eq "$w: UNIX-LISTEN user=nobody,group=nogroup,perm=660: socket file owner and mode" "nobody:nogroup 660" "$(stat -c '%U:%G %a' "$U" 2>/dev/null)"
	stop_tool "$tpid"
done

# --- setsid, pgid= on the program's process
MYSID=$(ps -o sid= -p $$ | tr -d ' ')
MYPGID=$(ps -o pgid= -p $$ | tr -d ' ')
# a process group of its own in this session, for pgid=
bg "$PY" -c 'import os, time; os.setpgid(0, 0); time.sleep(120)'
GRP=$BG_PID
wait_until 10 "python ($GRP) has no process group of its own" \
	sh -c '[ "$(ps -o pgid= -p "$1" | tr -d " ")" = "$1" ]' _ "$GRP" ||
	not_ok "a process group of its own for pgid= ($GRP)"
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for o in none setsid pgid; do
		case $o in none) a=;; setsid) a=,setsid;; pgid) a=,pgid=$GRP;; esac
		P=$(dport)
		tool_bg "$P" "$tool" TCP-LISTEN:$P,reuseaddr EXEC:"sh -c \\\"echo \\\$\\\$; cat\\\""$a 2>"$TMP/sg.$tn.err"
		rm -f "$TMP/sg.stop"
		bg bash -c '(i=0; while [ ! -e "$3" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done) | "$1" -t 5 - TCP:127.0.0.1:$2 >"$4"' sg "$SOCAT" "$P" "$TMP/sg.stop" "$TMP/sg.$tn.$o.out"
		cpid=$BG_PID
		wait_file_size "$TMP/sg.$tn.$o.out" 2 10
		cp=$(head -n 1 "$TMP/sg.$tn.$o.out")
		ids=$(ps -o sid=,pgid= -p "${cp:-0}" | awk '{print $1" "$2}')
		case $o in
		none) check_eq "$w: EXEC (no setsid/pgid): the program's session and group are the tool's" "$MYSID $MYPGID" "$ids" ;;
		setsid) check_eq "$w: EXEC,setsid: the program leads a new session and group" "$cp $cp" "$ids" ;;
		pgid) check_eq "$w: EXEC,pgid=$GRP: the program is in process group $GRP" "$MYSID $GRP" "$ids" ;;
		esac
		touch "$TMP/sg.stop"
		wait_gone "$cpid" 10
		stop_tool "$tpid"
	done
done

# --- an option that does not fit its address type
dcase "STDIO,fork" --in "$TEXT" --secs 5 --rc 1 --elog --outis "" -- STDIO,fork EXEC:cat
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	Q=$(dport)
	rm -f "$TMP/mode.$tn.recv"
	bg "$SOCAT" -u TCP-LISTEN:$Q,reuseaddr OPEN:"$TMP/mode.$tn.recv",creat
	spid=$BG_PID
	wait_listen "$Q"
	run_one_tool "$tool" modetcp 5 "$TEXT" -u - TCP:127.0.0.1:$Q,mode=600
	# socat 1.7.4 accepts mode= on TCP (it is an fd option there) and sends
	# the data; relay makes it an E error with exit 1, as socat 1.8 does
	# (it checks the option groups).  relay is checked against that.
	if [ "$tn" = socat ]; then
		check_eq "$w: TCP:...,mode=600: socat 1.7.4 accepts it: exit code" 0 "$RUN_RC"
		wait_gone "$spid" 5
		same_file "$w: TCP:...,mode=600: socat 1.7.4 sends the data" "$TEXT" "$TMP/mode.$tn.recv"
	else
		check_eq "$w: TCP:...,mode=600: exit code (an E error, as socat 1.8)" 1 "$RUN_RC"
		check "$w: TCP:...,mode=600: E log line" has_elog "$DR_DIR/modetcp.$tn.err"
		sleep 0.3
		check_eq "$w: TCP:...,mode=600: no data sent" "" "$(cat "$TMP/mode.$tn.recv" 2>/dev/null)"
	fi
	stop_tool "$spid"
	run_one_tool "$tool" modetcpl 5 /dev/null TCP-LISTEN:$(dport),mode=600 -
	[ "$tn" = relay ] && check_eq "$w: TCP-LISTEN:...,mode=600: exit code (an E error, as socat 1.8)" 1 "$RUN_RC"
done

finish
