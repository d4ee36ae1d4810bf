#!/usr/bin/env bash
# Differential: every supported address type moves the same bytes under
# socat and under relay.  Reference peers are socat: a server that records
# what it receives into a file while it sends a known reply, and a client
# that sends a known input and records what comes back.  The tool under test
# is the client, the listener, or the middle.  For each case the bytes each
# side received and the exit codes are compared with the expected data (so
# the case fails if both tools are wrong) and relay's exit code with socat's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

IN=$TMP/in.bin        # what the client side sends: 1 MiB of random bytes
REPLY=$TMP/reply.bin  # what the server side sends back: 256 KiB of random bytes
TEXT=$TMP/in.txt
EMPTY=$TMP/empty
head -c 1048576 /dev/urandom >"$IN"
head -c 262144 /dev/urandom >"$REPLY"
printf 'hello, relay\nsecond line\n' >"$TEXT"
: >"$EMPTY"

n=0

# subst TEMPLATE: replace @P@ @Q@ (TCP ports) and @U@ @V@ (socket paths).
subst() {
	local s=$1
	s=${s//@P@/$P}
	s=${s//@Q@/$Q}
	s=${s//@U@/$U}
	s=${s//@V@/$V}
	printf '%s' "$s"
}

# xcase DESC [options] -- TOOL-ARGS...: one differential case.
#   --srv "KIND LISTEN-ADDR"  reference server; KIND is full (records into a
#                            file and sends $REPLY), send (only sends
#                            $REPLY) or recv (only records)
#   --cli ADDR               reference client (socat STDIO ADDR) connects to
#                            the tool, which listens on @P@ or @U@
#   --in FILE                the client side's input (the tool's stdin when
#                            it is the client); default $IN
#   --tin FILE               the tool's stdin when --cli is given; default $REPLY
#   --recv FILE              expected bytes recorded by the server
#   --cout FILE              expected bytes the reference client got
#   --tout FILE              expected bytes on the tool's stdout
#   --laddr ADDR             expected local address of the tool's listener
# Templates may use @P@ (tool's port), @Q@ (server's port), @U@ (tool's
# socket path), @V@ (server's socket path).
xcase() {
	local desc=$1 srv="" cli="" in=$IN tin=$REPLY recv="" cout="" tout="" laddr=""
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--srv) srv=$2; shift 2 ;;
		--cli) cli=$2; shift 2 ;;
		--in) in=$2; shift 2 ;;
		--tin) tin=$2; shift 2 ;;
		--recv) recv=$2; shift 2 ;;
		--cout) cout=$2; shift 2 ;;
		--tout) tout=$2; shift 2 ;;
		--laddr) laddr=$2; shift 2 ;;
		--) shift; break ;;
		*) echo "# xcase: bad argument $1" >&2; return 2 ;;
		esac
	done
	n=$((n + 1))
	local tool tn args a kind saddr spid tpid f who
	local -A RC CRC LA
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		f=$TMP/x$n.$tn
		P=$(dport)
		Q=$(dport)
		while [ "$Q" = "$P" ]; do Q=$(dport); done
		U=$TMP/x$n.$tn.tool.sock
		V=$TMP/x$n.$tn.srv.sock
		args=()
		for a in "$@"; do args+=("$(subst "$a")"); done
		: >"$f.recv"; : >"$f.cout"; : >"$f.tout"
		spid=""
		if [ -n "$srv" ]; then
			kind=${srv%% *}
			saddr=$(subst "${srv#* }")
			case $kind in
			full) bg "$SOCAT" -t 5 "$saddr" SYSTEM:"cat $REPLY & cat >$f.recv; wait" ;;
			send) bg "$SOCAT" -u OPEN:"$REPLY" "$saddr" ;;
			recv) bg "$SOCAT" -u "$saddr" OPEN:"$f.recv",creat,trunc ;;
			esac
			spid=$BG_PID
			case $saddr in
			[Uu][Nn][Ii][Xx]*) wait_unix "$V" ;;
			*) wait_listen "$Q" ;;
			esac || not_ok "$desc: reference server listens ($saddr)"
		fi
		if [ -n "$cli" ]; then
			bg_in "$tin" timeout -k 2 30 "$tool" "${args[@]}" >"$f.tout" 2>"$f.err"
			tpid=$BG_PID
			case "${args[*]}" in
			*[Uu][Nn][Ii][Xx]-[Ll]*) wait_unix "$U" ;;
			*) wait_listen "$P" ;;
			esac
			LA[$tn]=$(ss -Hltn "sport = :$P" 2>/dev/null | awk '{print $4}' | head -n 1)
			timeout -k 2 30 "$SOCAT" -t 5 STDIO "$(subst "$cli")" <"$in" >"$f.cout" 2>"$f.cerr"
			CRC[$tn]=$?
			wait_gone "$tpid" 20
			wait "$tpid"
			RC[$tn]=$?
		else
			timeout -k 2 30 "$tool" "${args[@]}" <"$in" >"$f.tout" 2>"$f.err"
			RC[$tn]=$?
		fi
		if [ -n "$spid" ] && [ "${RC[$tn]}" = 0 ]; then
			wait_gone "$spid" 10 || not_ok "$desc: reference server exits after the connection ($tn run)"
		fi
		[ -n "$spid" ] && end_peer "$spid" 1
	done
	# The reference run must be right, or the case itself is broken.
	for tn in socat relay; do
		f=$TMP/x$n.$tn
		if [ "$tn" = socat ]; then who="socat (reference)"; else who=relay; fi
		check_eq "$who: $desc: exit code" 0 "${RC[$tn]}"
		[ -n "$cli" ] && check_eq "$who: $desc: reference client's exit code" 0 "${CRC[$tn]}"
		[ -n "$recv" ] && same_file "$who: $desc: bytes the server received" "$recv" "$f.recv"
		[ -n "$cout" ] && same_file "$who: $desc: bytes the client received" "$cout" "$f.cout"
		[ -n "$tout" ] && same_file "$who: $desc: bytes on the tool's stdout" "$tout" "$f.tout"
		[ -n "$laddr" ] && check_eq "$who: $desc: listening address" "$laddr" "${LA[$tn]%:*}"
		if [ "${RC[$tn]}" != 0 ] && [ -s "$f.err" ]; then
			echo "# $tn stderr: $(first_line "$f.err")"
		fi
	done
	check_eq "relay: $desc: same exit code as socat" "${RC[socat]}" "${RC[relay]}"
}

# ---- the tool is the client of a reference server (tool stdin -> server,
# server's reply -> tool stdout)
C4="full TCP-LISTEN:@Q@,reuseaddr"
C6="full TCP6-LISTEN:@Q@,reuseaddr,bind=[::1]"
CU="full UNIX-LISTEN:@V@"
xcase "STDIO TCP" --srv "$C4" --recv "$IN" --tout "$REPLY" -- STDIO TCP:127.0.0.1:@Q@
# (-t 5 where the input ends at once: the server's program may not have
# started yet, and its reply must not depend on the default -t 0.5.  The tool
# still ends as soon as the server closes.)
xcase "- TCP (text)" --srv "$C4" --in "$TEXT" --recv "$TEXT" --tout "$REPLY" -- -t 5 - TCP:127.0.0.1:@Q@
xcase "- TCP (empty input)" --srv "$C4" --in "$EMPTY" --recv "$EMPTY" --tout "$REPLY" -- -t 5 - TCP:127.0.0.1:@Q@
xcase "TCP STDIO (reversed order)" --srv "$C4" --recv "$IN" --tout "$REPLY" -- TCP:127.0.0.1:@Q@ STDIO
xcase "- TCP4" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - TCP4:127.0.0.1:@Q@
xcase "- TCP6 [::1]" --srv "$C6" --recv "$IN" --tout "$REPLY" -- - TCP6:[::1]:@Q@
xcase "- TCP-CONNECT" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - TCP-CONNECT:127.0.0.1:@Q@
xcase "- TCP4-CONNECT" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - TCP4-CONNECT:127.0.0.1:@Q@
xcase "- TCP6-CONNECT [::1]" --srv "$C6" --recv "$IN" --tout "$REPLY" -- - TCP6-CONNECT:[::1]:@Q@
xcase "stdio tcp (lower case)" --srv "$C4" --recv "$IN" --tout "$REPLY" -- stdio tcp:127.0.0.1:@Q@
xcase "- Tcp4 (mixed case)" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - Tcp4:127.0.0.1:@Q@
xcase "- TCP:localhost (name)" --srv "full TCP6-LISTEN:@Q@,reuseaddr,ipv6-v6only=0" --recv "$IN" --tout "$REPLY" -- - TCP:localhost:@Q@
xcase "- TCP:'127.0.0.1':P (single quotes)" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - "TCP:'127.0.0.1':@Q@"
xcase "- TCP:\"127.0.0.1\":P (double quotes)" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - 'TCP:"127.0.0.1":@Q@'
xcase "- TCP:127.0.0.1:\"P\" (quoted port)" --srv "$C4" --recv "$IN" --tout "$REPLY" -- - 'TCP:127.0.0.1:"@Q@"'
xcase "- UNIX-CONNECT" --srv "$CU" --recv "$IN" --tout "$REPLY" -- - UNIX-CONNECT:@V@
xcase "- UNIX-CLIENT" --srv "$CU" --recv "$IN" --tout "$REPLY" -- - UNIX-CLIENT:@V@
xcase "- UNIX" --srv "$CU" --recv "$IN" --tout "$REPLY" -- - UNIX:@V@
xcase "- unix-connect (lower case)" --srv "$CU" --recv "$IN" --tout "$REPLY" -- - unix-connect:@V@
xcase "-u STDIN TCP" --srv "recv TCP-LISTEN:@Q@,reuseaddr" --recv "$IN" --tout "$EMPTY" -- -u STDIN TCP:127.0.0.1:@Q@
xcase "-u STDIN UNIX-CONNECT" --srv "recv UNIX-LISTEN:@V@" --recv "$IN" --tout "$EMPTY" -- -u STDIN UNIX-CONNECT:@V@
xcase "-u TCP STDOUT" --srv "send TCP-LISTEN:@Q@,reuseaddr" --tout "$REPLY" -- -u TCP:127.0.0.1:@Q@ STDOUT
xcase "-U STDOUT TCP" --srv "send TCP-LISTEN:@Q@,reuseaddr" --tout "$REPLY" -- -U STDOUT TCP:127.0.0.1:@Q@
xcase "STDIN TCP (bidirectional, silent server)" --srv "recv TCP-LISTEN:@Q@,reuseaddr" --recv "$IN" --tout "$EMPTY" -- STDIN TCP:127.0.0.1:@Q@

# ---- the tool listens, a reference client connects (client input -> tool
# stdout, tool stdin -> client)
xcase "TCP-LISTEN STDIO" --cli TCP:127.0.0.1:@P@ --tout "$IN" --cout "$REPLY" -- TCP-LISTEN:@P@ STDIO
xcase "TCP-LISTEN,reuseaddr -" --cli TCP:127.0.0.1:@P@ --tout "$IN" --cout "$REPLY" -- TCP-LISTEN:@P@,reuseaddr -
xcase "TCP4-LISTEN -" --cli TCP4:127.0.0.1:@P@ --tout "$IN" --cout "$REPLY" --laddr 0.0.0.0 -- TCP4-LISTEN:@P@ -
xcase "TCP6-LISTEN - (client over IPv6)" --cli TCP6:[::1]:@P@ --tout "$IN" --cout "$REPLY" -- TCP6-LISTEN:@P@ -
xcase "TCP-L -" --cli TCP:127.0.0.1:@P@ --tout "$IN" --cout "$REPLY" -- TCP-L:@P@ -
xcase "TCP4-L -" --cli TCP:127.0.0.1:@P@ --tout "$IN" --cout "$REPLY" -- TCP4-L:@P@ -
xcase "TCP6-L -" --cli TCP6:[::1]:@P@ --tout "$IN" --cout "$REPLY" -- TCP6-L:@P@ -
xcase "tcp4-listen stdio (lower case)" --cli TCP:127.0.0.1:@P@ --tout "$IN" --cout "$REPLY" -- tcp4-listen:@P@ stdio
xcase "TCP6-LISTEN,bind=[::1] -" --cli TCP6:[::1]:@P@ --tout "$IN" --cout "$REPLY" --laddr "[::1]" -- TCP6-LISTEN:@P@,bind=[::1] -
xcase "TCP-LISTEN,bind=127.0.0.1 - (text)" --cli TCP:127.0.0.1:@P@ --in "$TEXT" --tin "$TEXT" --tout "$TEXT" --cout "$TEXT" --laddr 127.0.0.1 -- TCP-LISTEN:@P@,bind=127.0.0.1 -
xcase "UNIX-LISTEN -" --cli UNIX-CONNECT:@U@ --tout "$IN" --cout "$REPLY" -- UNIX-LISTEN:@U@ -
xcase "UNIX-L -" --cli UNIX-CONNECT:@U@ --tout "$IN" --cout "$REPLY" -- UNIX-L:@U@ -
xcase "-u TCP-LISTEN STDOUT" --cli TCP:127.0.0.1:@P@ --tout "$IN" --cout "$EMPTY" -- -u TCP-LISTEN:@P@ STDOUT

# ---- the tool is in the middle: reference client -> tool -> reference server
xcase "TCP-LISTEN TCP" --cli TCP:127.0.0.1:@P@ --srv "$C4" --recv "$IN" --cout "$REPLY" -- TCP-LISTEN:@P@,reuseaddr TCP:127.0.0.1:@Q@
xcase "TCP4-LISTEN TCP6:[::1]" --cli TCP4:127.0.0.1:@P@ --srv "$C6" --recv "$IN" --cout "$REPLY" -- TCP4-LISTEN:@P@ TCP6:[::1]:@Q@
xcase "TCP6-LISTEN TCP4" --cli TCP6:[::1]:@P@ --srv "$C4" --recv "$IN" --cout "$REPLY" -- TCP6-LISTEN:@P@ TCP4:127.0.0.1:@Q@
xcase "UNIX-LISTEN TCP" --cli UNIX-CONNECT:@U@ --srv "$C4" --recv "$IN" --cout "$REPLY" -- UNIX-LISTEN:@U@ TCP:127.0.0.1:@Q@
xcase "TCP-LISTEN UNIX-CONNECT" --cli TCP:127.0.0.1:@P@ --srv "$CU" --recv "$IN" --cout "$REPLY" -- TCP-LISTEN:@P@,reuseaddr UNIX-CONNECT:@V@
xcase "UNIX-LISTEN UNIX-CLIENT" --cli UNIX-CONNECT:@U@ --srv "$CU" --recv "$IN" --cout "$REPLY" -- UNIX-LISTEN:@U@ UNIX-CLIENT:@V@
xcase "TCP-L TCP-CONNECT (text)" --cli TCP:127.0.0.1:@P@ --srv "$C4" --in "$TEXT" --recv "$TEXT" --cout "$REPLY" -- -t 5 TCP-L:@P@ TCP-CONNECT:127.0.0.1:@Q@

finish
