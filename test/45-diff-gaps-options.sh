#!/usr/bin/env bash
# Differential: option spellings and socket options socat takes: every alias
# socat 1.7.4 has for an option relay has (o-trunc, o-creat, intervall,
# v6only, ...), the so-/ip-/tcp- socket options (seen through strace: the
# same setsockopt() calls), and a numeric option without a value meaning 1
# ("retry" alone), pf= (the socket's family), accept-timeout.  Each case runs with socat (the reference) and relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"
require strace

# no_refusal FILE: FILE logs no refused option.
no_refusal() { ! grep -Eq 'unknown option|not supported' "$1"; }

# taken NAME ARGS...: same_outcome (diff.sh), and relay logs no "unknown
# option" or "not supported".
taken() {
	same_outcome "$@"
	check "$1: relay takes the option" no_refusal "$DR_DIR/$1.relay.err"
}
printf 'line\n' >"$TMP/in"

# --- aliases of the file options: the file ends up the same
for spec in "o-creat,o-trunc" "o-create,o-wronly" "o-creat,o-append" "o_create,o-rdwr" "creat,o-excl" "creat,o_excl" "creat,o_wronly,o-nonblock" "creat,o_rdwr,ndelay" "creat,o_trunc,o-ndelay" "creat,o_ndelay" "creat,new"; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		f=$TMP/file.$tn
		printf 'old contents, longer than the line\n' >"$f"
		[ "${spec#creat,o-excl}" != "$spec" ] || [ "${spec#creat,o_excl}" != "$spec" ] && rm -f "$f"
		run_one_tool "$tool" fo 5 "$TMP/in" -u - OPEN:"$f,$spec"
		echo "$RUN_RC" >"$TMP/fo.$tn.rc"
	done
	check_eq "OPEN:...,$spec: exit code as socat's" "$(cat "$TMP/fo.socat.rc")" "$(cat "$TMP/fo.relay.rc")"
	same_file "OPEN:...,$spec: the file as socat left it" "$TMP/file.socat" "$TMP/file.relay"
done

# --- the other aliases: taken, with the same outcome
D=$(dport)	# nothing listens there
taken al-intervall - TCP:127.0.0.1:$D,retry=1,intervall=0.1
taken al-ignoreof -u - OPEN:/dev/null,ignoreof,rdonly
# (echo=0: the terminal echoes no input, which would race with "hi")
taken al-tiocsctty - SYSTEM:"echo hi; cat",pty,setsid,tiocsctty,hup=1,echo=0
taken al-v6only - TCP6:[::1]:$D,v6only
taken al-membership -u - UDP4-DATAGRAM:224.0.0.251:$D,ip-membership=224.0.0.251:127.0.0.1
taken al-membership2 -u - UDP4-DATAGRAM:224.0.0.251:$D,membership=224.0.0.251:127.0.0.1
taken al-maxchildren - TCP-LISTEN:0,fork,maxchildren=2,retry=0,bind=255.255.255.255
taken al-uid-gid -u - OPEN:$TMP/owned,creat,uid=$(id -u),gid=$(id -g)
taken al-termios-cfmakeraw -u PTY,termios-cfmakeraw,termios-rawer,pty-wait-slave=0 /dev/null
taken al-o-append -u - OPEN:$TMP/app,creat,o-append

# --- socket options by their so-/ip-/tcp- names: the same setsockopt()
# calls (fd numbers aside) before the connect is refused
# sockopts NAME TOOL ARGS...: the tool's setsockopt() calls, one a line.
sockopts() {
	local name=$1 tool=$2 tn
	shift 2
	tn=$(tool_name "$tool")
	timeout 10 strace -f -qq -e trace=setsockopt -o "$TMP/$name.$tn.st" "$tool" "$@" </dev/null >/dev/null 2>&1
	echo $? >"$TMP/$name.$tn.rc"
	sed -E 's/^[0-9]+ +//; s/setsockopt\([0-9]+,/setsockopt(FD,/' "$TMP/$name.$tn.st" | grep '^setsockopt' | sort
}
# same_sockopts NAME ARGS...: the reference is $REF (default socat 1.7.4).
same_sockopts() {
	local name=$1 want ref=${REF:-$SOCAT}
	shift
	want=$(sockopts "$name" "$ref" "$@")
	check "$name: $(tool_name "$ref") (reference) sets socket options" test -n "$want"
	check_eq "$name: $*: relay's setsockopt() calls as $(tool_name "$ref")'s" "$want" "$(sockopts "$name" "$RELAY" "$@")"
	check_eq "$name: exit code as $(tool_name "$ref")'s" "$(cat "$TMP/$name.$(tool_name "$ref").rc")" "$(cat "$TMP/$name.relay.rc")"
}
same_sockopts so-tcp - TCP4:127.0.0.1:$D,so-reuseaddr,so-keepalive,tcp-nodelay,tcp-keepidle=30,tcp-keepintvl=5,tcp-keepcnt=3,so-rcvbuf=65536,so-sndbuf=65536,ip-ttl=9
same_sockopts so-extra - TCP4:127.0.0.1:$D,ip-tos=16,iptos=8,so-linger=3,tcp-maxseg=1000,tcp-cork,ip-freebind,so-priority=2,tcp-syncnt=2,tcp-window-clamp=5000,so-debug=0,so-dontroute,so-oobinline,tcp-quickack,tcp-linger2=4
same_sockopts so-short - TCP4:127.0.0.1:$D,tos=4,linger=1,mss=900,cork=0,freebind,priority=1,syncnt=3,window-clamp=6000,dontroute=0,oobinline,quickack=0,linger2=5,rcvlowat=2,timestamp,ipfreebind=0
same_sockopts so-ip - UDP4:127.0.0.1:$D,ip-recverr,ip-recvtos,ip-recvttl,ip-pktinfo,ip-mtu-discover=0,iprecverr=0,so-passcred,so-timestamp,so-rcvlowat=1,so-sndlowat=1
same_sockopts so-ip6 - TCP6:[::1]:$D,ipv6-tclass=32,ipv6-unicast-hops=7,unicast-hops=8
same_sockopts so-listen - TCP4-LISTEN:$D,bind=255.255.255.255,tcp-defer-accept=3,defer-accept=4,so-reuseport
taken al-transparent - TCP4-LISTEN:$D,bind=255.255.255.255,ip-transparent=0,transparent=0

# --- a numeric option without a value is 1: retry alone makes 2 connects
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	timeout 10 strace -f -qq -e trace=connect -o "$TMP/rt.$tn.st" "$tool" - TCP4:127.0.0.1:$D,retry,interval=0.1 </dev/null >/dev/null 2>"$TMP/rt.$tn.err"
	echo $? >"$TMP/rt.$tn.rc"
done
check_eq "retry without a value: connect attempts as socat's (2)" "$(grep -c "htons($D)" "$TMP/rt.socat.st")" "$(grep -c "htons($D)" "$TMP/rt.relay.st")"
check_eq "retry without a value: 2 attempts" 2 "$(grep -c "htons($D)" "$TMP/rt.relay.st")"
check_eq "retry without a value: exit code as socat's" "$(cat "$TMP/rt.socat.rc")" "$(cat "$TMP/rt.relay.rc")"
same_sockopts keepcnt-bare - TCP4:127.0.0.1:$D,keepcnt,so-sndbuf

# --- pf=: the family of the socket, for connecting and listening types
# sockfam NAME ARGS...: the families of the tool's stream sockets, its exit
# code and whether it logged an E
sockfam() {
	local name=$1 tool tn
	shift
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		timeout 10 strace -f -qq -e trace=socket -o "$TMP/$name.$tn.st" "$tool" "$@" </dev/null >/dev/null 2>"$TMP/$name.$tn.err"
		echo "rc $?" >"$TMP/$name.$tn"
		grep -o 'socket(AF_INET6\?, SOCK_STREAM' "$TMP/$name.$tn.st" >>"$TMP/$name.$tn"
		has_elog "$TMP/$name.$tn.err" && echo E >>"$TMP/$name.$tn"
	done
	check_eq "$*: socket family, exit code, E as socat's" "$(cat "$TMP/$name.socat")" "$(cat "$TMP/$name.relay")"
}
sockfam pf4 - TCP:127.0.0.1:$D,pf=ip4
sockfam pf6 - TCP:[::1]:$D,pf=ip6
sockfam pf6b - TCP:[::1]:$D,protocol-family=ipv6
sockfam pf46 - TCP:127.0.0.1:$D,pf=inet6
sockfam pfbad - TCP:127.0.0.1:$D,pf=foo
check_eq "TCP:...,pf=ip6: an IPv6 socket" "$(printf 'rc 1\nsocket(AF_INET6, SOCK_STREAM\nE')" "$(cat "$TMP/pf6.relay")"
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	P=$(dport)
	bg "$tool" TCP-LISTEN:$P,pf=ip6 - </dev/null
	wait_listen "$P"
	ss -Hltn "sport = :$P" | awk '{print $4}' | sed "s/:$P\$//" >"$TMP/pfl.$tn"
	kill "$BG_PID"
done
check_eq "TCP-LISTEN:...,pf=ip6: listens on the same address as socat" "$(cat "$TMP/pfl.socat")" "$(cat "$TMP/pfl.relay")"

# --- accept-timeout: no client in time ends the listener, a W, exit 0
for lt in "TCP-LISTEN:@P@" "TCP-LISTEN:@P@,fork" "UNIX-LISTEN:$TMP/at.sock"; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		P=$(dport)
		rm -f "$TMP/at.sock"
		run_one_tool "$tool" at 10 /dev/null -d ${lt//@P@/$P},accept-timeout=0.5 -
		{ echo "rc $RUN_RC"; grep -Eo "$LOG_RE" "$DR_DIR/at.$tn.err" | awk '{print $4}' | sort -u; } >"$TMP/at.$tn"
	done
	check_eq "$lt,accept-timeout=0.5 and no client: exit code and log levels as socat's" "$(cat "$TMP/at.socat")" "$(cat "$TMP/at.relay")"
	check "$lt,accept-timeout=0.5: ended with 0" grep -qx 'rc 0' "$TMP/at.relay"
done
# ... and a client in time is served
P=$(dport)
bg bash -c 'sleep 0.3; printf "hi\n" | exec "$1" -t 2 - TCP:127.0.0.1:$2' cl "$SOCAT" "$P"
run_one_tool "$RELAY" at2 10 /dev/null -u TCP-LISTEN:$P,accept-timeout=5 -
check_eq "TCP-LISTEN,accept-timeout=5, a client in time: its data" hi "$(cat "$DR_DIR/at2.relay.out")"
run_one_tool "$RELAY" at3 10 /dev/null -d TCP-LISTEN:$(dport),listen-timeout=0.2 -
check_eq "listen-timeout (alias): exit code" 0 "$RUN_RC"

# --- a client that the listener's filter refuses reads an EOF, no reset:
# socat shuts the connection down before it closes it, so the FIN comes
# before the reset that a close() with the client's data unread sends.
# (test.sh's TCP4LOWPORT and TCP6LOWPORT need a clean EOF too.)  The
# listener is stopped while three clients connect, send and wait (-t 5)
# for the answer, so that their data is there, unread, when it refuses
# them.
for filter in lowport "range=10.0.0.0/8"; do
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		P=$(dport)
		tool_bg "$P" "$tool" -t 0.1 TCP4-LISTEN:$P,reuseaddr,fork,$filter PIPE
		kill -STOP "$tpid"
		for i in 1 2 3; do
			bg sh -c 'echo hello | timeout 10 "$1" -t 5 - TCP4:127.0.0.1:$2 >/dev/null 2>&1; echo $? >"$3"' \
			    refused "$tool" "$P" "$TMP/refused.$tn.$i"
		done
		sleep 1
		kill -CONT "$tpid"
		wait_until 15 "the refused clients end" has_lines "$TMP/refused.$tn.3" 1
		wait_until 15 "the refused clients end" has_lines "$TMP/refused.$tn.1" 1
		wait_until 15 "the refused clients end" has_lines "$TMP/refused.$tn.2" 1
		check_eq "$w: three clients refused by $filter read an EOF and end with 0" "0 0 0" \
		    "$(cat "$TMP/refused.$tn.1" "$TMP/refused.$tn.2" "$TMP/refused.$tn.3" | xargs)"
		stop_tool "$tpid"
		rm -f "$TMP"/refused.$tn.*
	done
done

# --- fork on a connecting address, socat's connect loop: the parent
# connects again interval= after each child it forks, forever, and a
# connection that fails ends it (exit 1) while its children go on.  Each
# child's program sends the first record left in a queue (claimed by mv, so
# no two send the same one) and exits.  (No quotes in it: the address
# lexers of both tools take them.)
queue_sender() {
	printf '%s' "f=\$(ls $1/q | head -n 1); [ x\$f != x ] && mv $1/q/\$f $1/\$f && cat $1/\$f${2:+; $2}"
}
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	d=$TMP/cf.$tn
	mkdir -p "$d/q"
	for r in 1 2 3; do echo "record $r" >"$d/q/$r"; done
	P=$(dport)
	bg "$SOCAT" -d -d -u TCP-LISTEN:$P,fork,reuseaddr OPEN:"$d/got",creat,append 2>"$d/server.err"
	wait_listen "$P"
	run_one_tool "$tool" cf 3 /dev/null TCP:127.0.0.1:$P,fork,interval=0.2 SYSTEM:"$(queue_sender "$d")"
	check_eq "$w: TCP:...,fork: still connecting when stopped" 124 "$RUN_RC"
	wait_until 10 "the three records arrive" has_lines "$d/got" 3
	check_eq "$w: TCP:...,fork: each record over a connection of its own, once" \
	    "record 1 record 2 record 3" "$(sort "$d/got" | xargs)"
	check "$w: TCP:...,fork: it went on connecting once the queue was empty" \
	    test "$(grep -c 'accepting connection' "$d/server.err")" -ge 5
	stop_tool "$BG_PID"

	# A listener without fork: the connection after the first is refused.
	P=$(dport)
	bg "$SOCAT" -u TCP-LISTEN:$P,reuseaddr OPEN:"$d/once",creat
	wait_listen "$P"
	run_one_tool "$tool" cfr 10 /dev/null TCP:127.0.0.1:$P,fork,interval=0.2 SYSTEM:"echo one; sleep 1"
	check_eq "$w: TCP:...,fork: a refused connection ends the parent: exit code" 1 "$RUN_RC"
	check_eq "$w: TCP:...,fork: the refusal is an E line" "Connection refused" \
	    "$(elines "$DR_DIR/cfr.$tn.err" | grep -oF 'Connection refused' | head -n 1)"
	wait_until 10 "the first child's line arrives" has_lines "$d/once" 1
	check_eq "$w: TCP:...,fork: the child went on after its parent ended" one "$(cat "$d/once")"
done
# fork is still refused where socat refuses it.
for addr in UNIX-CONNECT:$TMP/none.sock UDP:127.0.0.1:9 OPEN:/dev/null; do
	dcase "$addr,fork: refused" --rc 1 --elog -- "$addr,fork" -
done

# max-children on a connecting address is socat 1.8's (1.7.4's child
# refuses it): the second connection waits until the first child is gone.
# The test writes a line of its own between the first and second record,
# after checking that a second has not come while the first child runs.
S18=$("$TOP/test/socat18" 2>/dev/null) || S18=""
[ -x "$S18" ] || not_ok "socat 1.8 (the reference for max-children) is built by test/socat18"
for tool in ${S18:+"$S18"} "$RELAY"; do
	set_tool "$tool"
	d=$TMP/cm.$tn
	mkdir -p "$d/q"
	for r in 1 2; do echo "record $r" >"$d/q/$r"; done
	P=$(dport)
	bg "$SOCAT" -u TCP-LISTEN:$P,fork,reuseaddr OPEN:"$d/got",creat,append
	wait_listen "$P"
	bg "$tool" TCP:127.0.0.1:$P,fork,interval=0.1,max-children=1 SYSTEM:"$(queue_sender "$d" "sleep 2")"
	tpid=$BG_PID
	wait_until 10 "the first record arrives" has_lines "$d/got" 1
	# (the first child sleeps 2 s after its record: no second one before)
	sleep 1
	check_eq "$w: TCP:...,fork,max-children=1: no second connection while the first child runs" \
	    1 "$(wc -l <"$d/got")"
	echo between >>"$d/got"
	check_eq "$w: TCP:...,fork,max-children=1: the parent holds no connection of its children" \
	    0 "$(ss -Htnp state established "( dport = :$P )" | grep -c "pid=$tpid,")"
	wait_until 15 "the second record arrives" has_lines "$d/got" 3
	check_eq "$w: TCP:...,fork,max-children=1: the second connection waits for the first child" \
	    "record 1 between record 2" "$(xargs <"$d/got")"
	stop_tool "$tpid"
done

# A program on the first address with a listener without fork: its exit
# status is reported as socat does (relay lost it before 2026-12-07).
dlisten "SYSTEM:...,exit 3 and TCP-LISTEN without fork" --err @D@/ps.err \
	--do "exec 7<>/dev/tcp/127.0.0.1/@P@" --ends 1 \
	-- SYSTEM:"sleep 0.5; exit 3" TCP-LISTEN:@P@,reuseaddr
exec 7>&-
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	check_eq "$w: SYSTEM:...,exit 3 and TCP-LISTEN without fork: the program's status" \
	    "exited with status 3" "$(elines "$TMP/$tn/ps.err" | grep -o 'exited with status 3')"
done

# --- umask= and chdir= (socat 1.8: for any address; 1.7.4 knows umask
# only for files and sockets, chdir not at all): they hold while the address
# opens, so a file, a socket file or a program it makes gets them, and the
# other address the process's own.  Against socat 1.8.
if [ -x "$S18" ]; then
	TOOLS=("$S18" "$RELAY")
	dcase "CREATE,umask=027: the file's mode" --is "mode" 640 "stat -c %a @D@/um1" \
		-- -u /dev/null CREATE:@D@/um1,umask=027
	dcase "SYSTEM,umask=027 and SYSTEM: each address its own" --rc 0 \
		--is "the first program's umask" 0027 "cat @D@/um2" \
		--is "the second program's umask" "$(umask)" "cat @D@/um3" \
		-- SYSTEM:"umask >@D@/um2; sleep 0.2",umask=027 SYSTEM:"umask >@D@/um3; sleep 0.2"
	dlisten "UNIX-LISTEN,umask=077: the socket file's mode" --at @U@ \
		--is "mode" 700 "stat -c %a @U@" -- UNIX-LISTEN:@U@,umask=077 /dev/null
	dcase "CREATE,chdir=DIR: relative to DIR; SYSTEM:pwd where it was" --rc 0 --cd / \
		--is "the file in DIR" "/" "cat @D@/cd1" \
		-- -U CREATE:cd1,chdir=@D@ SYSTEM:pwd
	# (SHELL runs $SHELL, which a CI job's environment may not have)
	SHELL=/bin/sh dcase "SHELL,cd=DIR: the program runs in DIR" --rc 0 \
		--is "where it runs" yes "[ \"\$(cat @O@)\" = @D@ ] && echo yes" \
		-- -u SHELL:pwd,cd=@D@ -
	# reuseaddr= (empty): socat 1.8 sets no SO_REUSEADDR (its listeners
	# have one by default; relay's, as 1.7.4's, have none)
	REF=$S18 same_sockopts so-reuseaddr-empty - TCP4:127.0.0.1:$D,reuseaddr=,keepalive
	# socat 1.8's timeouts of a socket (a struct timeval each)
	REF=$S18 same_sockopts so-time - UDP4:127.0.0.1:$D,so-rcvtimeo=1.5,sndtimeo=2,rcvtimeo=0.25,so-sndtimeo=0.000001
	# f-setpipe-sz (pipesz): the program's pipe is that big (python3 asks
	# with F_GETPIPE_SZ, 1032, and answers on its output)
	printf '#!/bin/sh\nexec python3 -c "import fcntl; print(fcntl.fcntl(0, 1032))"\n' >"$TMP/pipesz.sh"
	chmod +x "$TMP/pipesz.sh"
	dcase "EXEC,pipes,f-setpipe-sz=262144: the program's pipe" --outis 262144 \
		-- -t 5 - EXEC:"$TMP/pipesz.sh",pipes,f-setpipe-sz=262144
	dcase "f-setpipe-sz on a socket: refused by the kernel" --rc 1 --elog \
		-- -u - SYSTEM:cat,pipesz=262144
	dcase "chdir to a missing directory" --rc 1 --emsg 'chdir("/nonexistent")' \
		-- -u /dev/null CREATE:x,chdir=/nonexistent
	# socat 1.8's other names of address types (INET for TCP, LOCAL for
	# UNIX-CONNECT, FIFO for PIPE, UDP-SEND, UDP-DGRAM, UNIX-SEND): each
	# behaves as the type it names
	for a in INET-LISTEN INET4-L; do
		dlisten "$a PIPE: the client's line comes back" \
			--is "the echo" hello "echo_client TCP4:127.0.0.1:@P@ hello 1" \
			-- $a:@P@,reuseaddr PIPE
	done
	C=$(dport)
	for a in INET INET4; do
		dcase "- $a:127.0.0.1:closed" --rc 1 --emsg "Connection refused" -- - $a:127.0.0.1:$C
	done
	printf 'one\n' >"$TMP/one"
	for a in UDP4-SEND UDP-SEND UDP4-DGRAM UDP-DGRAM; do
		dcase "-u - $a:127.0.0.1:9" --in "$TMP/one" --rc 0 -- -u - $a:127.0.0.1:9
	done
	for a in LOCAL UNIX-SEND; do
		dcase "- $a:missing" --in "$TMP/one" --rc 1 --emsg "No such file or directory" -- - $a:@D@/missing.sock
	done
	dcase "- FIFO:path: the line comes back through the FIFO" --in "$TMP/one" --outis one -- - FIFO:@D@/ff
	TOOLS=("$SOCAT" "$RELAY")
fi

# --- options socat applies to its own process or fd: setsid on STDIO
# (the tool leads a session of its own, so its program is in that one, not
# the test's), o-noatime on STDIO (reading the file leaves its access time),
# end-close on a socket and a pty (taken: the tool only closes at the end).
sid=$(ps -o sid= -p $$ | tr -d ' ')
dcase "-,setsid: a session of its own" --outis new-session \
	-- -U -,setsid SYSTEM:"[ \$(ps -o sid= -p \$\$) != $sid ] && echo new-session"
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	printf 'data\n' >"$TMP/na.$tn"
	touch -a -d 2000-01-01 "$TMP/na.$tn"
	run_one_tool "$tool" na 10 "$TMP/na.$tn" -u -,o-noatime /dev/null
	check_eq "$w: -,o-noatime: exit code" 0 "$RUN_RC"
	check_eq "$w: -,o-noatime: reading stdin leaves its access time" 2000-01-01 "$(stat -c %x "$TMP/na.$tn" | cut -c1-10)"
done
D=$(dport)
dcase "TCP4:...,end-close: taken" --rc 1 --emsg "Connection refused" -- - TCP4:127.0.0.1:$D,end-close
dcase "PTY,end-close: taken" --rc 0 -- -t 0.5 /dev/null PTY,end-close

# --- cool-write: a reader that goes away (EPIPE) is a notice and no
# failure; without it an E and exit status 1.  The reader takes one byte of
# a FIFO and ends; the second line is written once it has ended (it leaves
# a file then), so it finds no reader.
for cw in ",cool-write" ""; do
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		f=$TMP/cw.$tn
		rm -f "$f" "$f.gone"
		mkfifo "$f"
		bg sh -c '"$1" -u PIPE:"$2",readbytes=1 /dev/null; touch "$2.gone"' reader "$tool" "$f"
		(echo .; wait_until 10 "the reader ends" test -e "$f.gone"; echo) |
		    timeout 20 "$tool" -u - OPEN:"$f$cw" 2>"$TMP/cw.$tn.err"
		rc=$?
		if [ -n "$cw" ]; then
			check_eq "$w: -u - OPEN:fifo,cool-write, the reader gone: exit code" 0 "$rc"
			check_eq "$w: -u - OPEN:fifo,cool-write, the reader gone: no E line" "" "$(elines "$TMP/cw.$tn.err")"
		else
			check_eq "$w: -u - OPEN:fifo, the reader gone: exit code" 1 "$rc"
			check "$w: -u - OPEN:fifo, the reader gone: an E line" has_elog "$TMP/cw.$tn.err"
		fi
		wait_gone "$BG_PID" 10
	done
done

finish
