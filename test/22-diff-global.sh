#!/usr/bin/env bash
# Differential: global flags (-u -U -t -T -b -d... -lf -4 -6 -V -h, attached
# values, signals).  Each scenario runs with socat (the reference: its
# assertions check the scenario itself) and with relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

IN=$TMP/in.bin
REPLY=$TMP/reply.bin
TEXT=$TMP/text
head -c 1048576 /dev/urandom >"$IN"
head -c 65536 /dev/urandom >"$REPLY"
printf 'the reply\n' >"$TEXT"
EMPTY=$TMP/empty
: >"$EMPTY"
NLOG_RE='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} [^ ]+\[[0-9]+\] N '

# full_server PORT RECVFILE [SHELL-CMD]: a reference server for one
# connection; it records what it receives into RECVFILE and sends $REPLY
# (or runs SHELL-CMD, where @R@ stands for RECVFILE).  Sets $SRV_PID.
full_server() {
	local cmd=${3:-"cat $REPLY & cat >@R@; wait"}
	bg "$SOCAT" -t 10 TCP-LISTEN:$1,reuseaddr SYSTEM:"${cmd//@R@/$2}" 2>>"$TMP/servers.err"
	SRV_PID=$BG_PID
	wait_listen "$1" || not_ok "reference server listens on $1"
}
# served DESC F IN [SHELL-CMD] -- ARGS...: a full_server on a fresh port
# (@Q@ in ARGS; SHELL-CMD as full_server's) records into F.recv; "$tool
# ARGS" runs with stdin from IN, stdout to F.out and stderr to F.err, and
# must exit 0 ("$w: DESC: exit code"); then the server is let finish.
served() {
	local desc=$1 f=$2 in=$3 a Q rc
	local -a cmd=() args=()
	shift 3
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	shift
	Q=$(dport)
	full_server "$Q" "$f.recv" "${cmd[@]}"
	for a in "$@"; do args+=("${a//@Q@/$Q}"); done
	timeout 20 "$tool" "${args[@]}" <"$in" >"$f.out" 2>"$f.err"
	rc=$?
	check_eq "$w: $desc: exit code" 0 "$rc"
	end_peer "$SRV_PID" "$rc"
}
# slow_server PORT RECVFILE SECS REPLYFILE: a server for one connection, in
# one process (test/peer.pl): it records what it receives into RECVFILE up
# to the EOF, then sends REPLYFILE SECS seconds later.  No program starts
# after the EOF, so a -t window holds only the delay under test.  Sets
# $SRV_PID.
slow_server() {
	bg perl "$TESTDIR/peer.pl" slow-reply "$1" "$3" "$2" "$4" >/dev/null 2>>"$TMP/servers.err"
	SRV_PID=$BG_PID
	wait_listen "$1" || not_ok "reference server listens on $1"
}

# ---------------------------------------------------------------- -u / -U
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	f=$TMP/dir.$tn
	# baseline, both directions
	served bidirectional "$f.b" "$IN" -- -t 5 STDIO TCP:127.0.0.1:@Q@
	same_file "$w: bidirectional: server got the input" "$IN" "$f.b.recv"
	same_file "$w: bidirectional: client got the reply" "$REPLY" "$f.b.out"
	# -u as a client: the reply is not carried.  (The server replies only
	# after the input's EOF: a unidirectional tool never reads that
	# socket, and a reply racing with the input would have the tool's
	# kernel reset the connection.)
	served "-u STDIO TCP" "$f.u" "$IN" "cat >@R@; cat $REPLY" -- -u STDIO TCP:127.0.0.1:@Q@
	same_file "$w: -u STDIO TCP: server got the input" "$IN" "$f.u.recv"
	is_empty_file "$w: -u STDIO TCP: the reply is not carried to stdout" "$f.u.out"
	# -U with STDIO second: stdin -> server carried, the reply is not
	served "-U TCP STDIO" "$f.U" "$IN" "cat >@R@; cat $REPLY" -- -U TCP:127.0.0.1:@Q@ STDIO
	same_file "$w: -U TCP STDIO: right-to-left carried (stdin -> server)" "$IN" "$f.U.recv"
	is_empty_file "$w: -U TCP STDIO: left-to-right not carried (server -> stdout)" "$f.U.out"
	# -u as a listener (tool stdin = $REPLY, client sends $IN)
	for dir in -u; do
		P=$(dport)
		bg_in "$REPLY" "$tool" $dir TCP-LISTEN:$P,reuseaddr STDIO >"$f$dir.tout" 2>"$f$dir.err"
		tpid=$BG_PID
		wait_listen "$P"
		timeout 20 "$SOCAT" -t 5 STDIO TCP:127.0.0.1:$P <"$IN" >"$f$dir.cout"
		check_eq "$w: $dir TCP-LISTEN STDIO: client's exit code" 0 "$?"
		tool_ends "$w: $dir TCP-LISTEN STDIO: exit code"
		same_file "$w: -u TCP-LISTEN STDIO: left-to-right carried (client -> stdout)" "$IN" "$f$dir.tout"
		is_empty_file "$w: -u TCP-LISTEN STDIO: right-to-left not carried (stdin -> client)" "$f$dir.cout"
	done
done

# ---------------------------------------------------------------- -t
# The server answers D seconds after the client's EOF.  -t 2 / -t30 wait
# long enough for D=1; the default 0.5 s does not for D=1.5: the reply is cut
# off and the exit status is still 0 (socat's trap, kept by relay).
printf 'request\n' >"$TMP/req"
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for c in "1 -t 2" "1 -t30" "1.5 default"; do
		set -- $c
		d=$1
		shift
		[ "$1" = default ] && set --
		Q=$(dport)
		f=$TMP/t.$tn.$d.${1:-default}
		slow_server "$Q" "$f.recv" "$d" "$TEXT"
		timeout 20 "$tool" "$@" STDIO TCP:127.0.0.1:$Q <"$TMP/req" >"$f.out" 2>"$f.err"
		rc=$?
		desc="${*:-default -t} with a reply ${d}s after EOF"
		check_eq "$w: $desc: exit code" 0 "$rc"
		end_peer "$SRV_PID" "$rc"
		same_file "$w: $desc: server got the request" "$TMP/req" "$f.recv"
		if [ "$d" = 1 ]; then
			same_file "$w: $desc: the reply gets through" "$TEXT" "$f.out"
		else
			is_empty_file "$w: $desc: the reply is cut off" "$f.out"
		fi
	done
done

# ---------------------------------------------------------------- -T
# Times beyond poll()'s 24.8 days of milliseconds: poll() waits its longest,
# never a negative time (forever) or a wrapped one.
printf 'data\n' >"$TMP/Tbig.in"
timeout 10 env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=poll -o "$TMP/Tbig.strace" \
	"$RELAY" -T 3000000 -t 3000000 -u OPEN:"$TMP/Tbig.in" CREATE:"$TMP/Tbig.out" 2>/dev/null
check_eq "relay: -T 3000000 -t 3000000 (34 days): exit code" 0 "$?"
same_file "relay: -T 3000000: the data arrives" "$TMP/Tbig.in" "$TMP/Tbig.out"
check_eq "relay: -T 3000000: every poll() timeout is 0..2147483647 ms" "" \
	"$(grep -Eo '\], [0-9]+, -?[0-9]+\)|, -?[0-9]+\) ' "$TMP/Tbig.strace" | grep -Eo -- '-?[0-9]+\) ?$' | tr -d ') ' | awk '$1 < 0 || $1 > 2147483647')"
check "relay: -T 3000000: poll() was traced" grep -q 'poll(' "$TMP/Tbig.strace"
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# as a client: stdin stays open and idle after "hello".  The server
	# sends "hi" at once and never an EOF, in one process (socat, no
	# program): nothing it starts has to fit in the 1 s idle time.
	Q=$(dport)
	f=$TMP/T.$tn
	printf hi >"$f.hi"
	bg "$SOCAT" TCP-LISTEN:$Q,reuseaddr OPEN:"$f.hi",ignoreeof!!CREATE:"$f.recv" 2>>"$TMP/servers.err"
	SRV_PID=$BG_PID
	wait_listen "$Q" || not_ok "reference server listens on $Q"
	mkfifo "$f.fifo"
	bg bash -c 'exec >"$1"; printf hello; exec sleep 30' idle "$f.fifo"
	wpid=$BG_PID
	timeout 10 "$tool" -T 1 STDIO TCP:127.0.0.1:$Q <"$f.fifo" >"$f.out" 2>"$f.err"
	rc=$?
	check_eq "$w: -T 1 with an idle connection: ends it, exit code (124 = never ended)" 0 "$rc"
	kill "$wpid" 2>/dev/null
	end_peer "$SRV_PID" "$rc"
	check_eq "$w: -T 1: server got the data sent before the idle time" hello "$(cat "$f.recv")"
	check_eq "$w: -T 1: client got the reply" hi "$(cat "$f.out")"
	# as a listener: an idle client is disconnected
	# (its stdin stays open too, so -t plays no part)
	P=$(dport)
	mkfifo "$f.lfifo"
	bg bash -c 'exec >"$1"; exec sleep 30' idlew "$f.lfifo"
	lwpid=$BG_PID
	bg_in "$f.lfifo" "$tool" -T1 TCP-LISTEN:$P,reuseaddr STDIO >"$f.lout" 2>"$f.lerr"
	tpid=$BG_PID
	wait_listen "$P"
	bg bash -c '(printf "x"; exec sleep 30) | exec "$1" -t 30 STDIO TCP:127.0.0.1:$2' idlec "$SOCAT" "$P"
	cpid=$BG_PID
	if wait_gone "$tpid" 10; then ok "$w: -T1 listener: idle connection ended"; else not_ok "$w: -T1 listener: idle connection ended"; fi
	wait "$tpid"
	check_eq "$w: -T1 listener: exit code" 0 "$?"
	check_eq "$w: -T1 listener: data before the idle time arrived" x "$(cat "$f.lout")"
	kill "$cpid" "$lwpid" 2>/dev/null
	pkill -P "$cpid" 2>/dev/null
done
# Traffic restarts the idle time: a line every 0.5 s for 4 s all gets
# through -T 2 (an idle time counted from the start would end it at 2 s).
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for i in 1 2 3 4 5 6 7 8; do echo "line $i"; sleep 0.5; done |
		timeout 20 "$tool" -T 2 -u STDIN CREATE:"$TMP/Tbusy.$tn" 2>"$TMP/Tbusy.$tn.err"
	check_eq "$w: -T 2, a line every 0.5 s: exit code" 0 "$?"
	check_eq "$w: -T 2, a line every 0.5 s for 4 s: every line arrives" 8 \
		"$(wc -l <"$TMP/Tbusy.$tn")"
done

# ---------------------------------------------------------------- -b
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	for b in "-b 512" "-b512" "-b 100000"; do
		f=$TMP/b.$tn.${b// /}
		served "$b" "$f" "$IN" -- $b -t 5 STDIO TCP:127.0.0.1:@Q@
		same_file "$w: $b: 1 MiB arrives intact" "$IN" "$f.recv"
		same_file "$w: $b: reply arrives intact" "$REPLY" "$f.out"
	done
done

# ---------------------------------------------------------------- -d
# A successful run (text through TCP) with each verbosity.  Levels shown:
# default and -d: W E F only (socat 1.7.4 shows W only from -d on; on a
# clean run neither shows anything); -dd: notices, and there are some; -ddd:
# no D; -dddd: anything.  -d0..-d4 (socat 1.8's form) are relay only.
# levels_in FILE: the distinct level letters of FILE's lines, or "bad" if a
# line is not a log line (empty lines are skipped: socat -dddd writes some).
levels_in() {
	if grep -v '^$' "$1" | grep -Evq "$LOG_RE"; then echo bad; return; fi
	awk 'NF {print $4}' "$1" | sort -u | tr -d '\n'
}
# vcase TOOL FLAGS ALLOWED-LEVELS NEED-LEVEL(or -): a run with verbosity FLAGS.
vcase() {
	local tool=$1 flags=$2 allowed=$3 need=$4 tn w f lv
	set_tool "$tool"
	f=$TMP/d.$tn.${flags// /_}
	served "${flags:-no -d}" "$f" "$TMP/req" -- $flags -t 5 STDIO TCP:127.0.0.1:@Q@
	same_file "$w: ${flags:-no -d}: data arrives" "$TMP/req" "$f.recv"
	lv=$(levels_in "$f.err")
	if [ "$lv" != bad ] && [ -z "$(printf '%s' "$lv" | tr -d "$allowed")" ]; then
		ok "$w: ${flags:-no -d}: only levels [$allowed] logged"
	else
		not_ok "$w: ${flags:-no -d}: only levels [$allowed] logged (got '$lv': $(awk -v a="$allowed" 'index(a, $4) == 0' "$f.err" | head -n 1 | cut -c1-150))"
	fi
	if [ "$need" != - ]; then
		case $lv in
		*$need*) ok "$w: ${flags:-no -d}: shows $need lines" ;;
		*) not_ok "$w: ${flags:-no -d}: shows $need lines (levels: '$lv')" ;;
		esac
	fi
}
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	vcase "$tool" "" "" -
	check_eq "$(who "$tn"): default verbosity: no output on stderr for a clean run" 0 "$(wc -l <"$TMP/d.$tn..err")"
	vcase "$tool" "-d" "WEF" -
	vcase "$tool" "-d -d" "NWEF" N
	vcase "$tool" "-dd" "NWEF" N
	vcase "$tool" "-ddd" "INWEF" N
	vcase "$tool" "-d -d -d" "INWEF" N
	vcase "$tool" "-dddd" "DINWEF" N
done
vcase "$RELAY" "-d0" "EF" -
vcase "$RELAY" "-d1" "WEF" -
vcase "$RELAY" "-d2" "NWEF" N
vcase "$RELAY" "-d3" "INWEF" N
vcase "$RELAY" "-d4" "DINWEF" N

# ---------------------------------------------------------------- -lf
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	R=$(dport)
	for form in sep att; do
		log=$TMP/lf.$tn.$form.log
		if [ $form = sep ]; then set -- -lf "$log"; else set -- "-lf$log"; fi
		timeout 5 "$tool" "$@" TCP:127.0.0.1:$R - </dev/null >/dev/null 2>"$TMP/lf.$tn.$form.err"
		check_eq "$w: $1 FILE, refused connect: exit code" 1 "$?"
		is_empty_file "$w: $1 FILE: nothing on stderr" "$TMP/lf.$tn.$form.err"
		check "$w: $1 FILE: the E line is in the file" has_elog "$log"
	done
	served "-d -d -lf FILE" "$TMP/lfd.$tn" "$TMP/req" -- -d -d -lf "$TMP/lfd.$tn.log" -t 5 STDIO TCP:127.0.0.1:@Q@
	is_empty_file "$w: -d -d -lf FILE: nothing on stderr" "$TMP/lfd.$tn.err"
	if grep -Eq "$NLOG_RE" "$TMP/lfd.$tn.log"; then ok "$w: -d -d -lf FILE: N lines in the file"; else not_ok "$w: -d -d -lf FILE: N lines in the file ($(first_line "$TMP/lfd.$tn.log"))"; fi
done

# ---------------------------------------------------------------- -4 / -6
# fam_case OPTION WANT-ADDRESS CLIENT-TYPE CLIENT-ADDRESS
fam_case() {
	dlisten "${1:-no -4/-6} TCP-LISTEN" --is "listening address" "$2" "ss -Hltn 'sport = :@P@' | awk '{print \$4}'" \
		--is "an $3 client is served" 0 "timeout 10 \"\$SOCAT\" -t 5 STDIO $4 </dev/null >/dev/null 2>&1; echo \$?" -- $1 TCP-LISTEN:@P@,reuseaddr STDIO
}
fam_case "" 0.0.0.0:@P@ IPv4 TCP4:127.0.0.1:@P@
fam_case -4 0.0.0.0:@P@ IPv4 TCP4:127.0.0.1:@P@
fam_case -6 '*:@P@' IPv6 'TCP6:[::1]:@P@'
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# A literal address has its own family: -6 does not stop TCP:127.0.0.1,
	# nor -4 TCP:[::1] (both only a preference, as in socat).
	for pair in "-6 TCP:127.0.0.1 TCP4-LISTEN" "-4 TCP:[::1] TCP6-LISTEN"; do
		set -- $pair
		P=$(dport)
		bg "$SOCAT" $3:$P,reuseaddr SYSTEM:'echo served'
		spid=$BG_PID
		wait_listen "$P"
		# (-t 5: stdin ends at once, before the server's program has
		# answered; the tool still ends when the server closes)
		check_eq "$w: $1 $2:P: connects to the literal address" served "$(timeout 10 "$tool" -t 5 $1 - $2:$P </dev/null 2>&1)"
		wait_gone "$spid" 10 || stop_tool "$spid"
	done
done

# ---------------------------------------------------------------- -V / -h
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	timeout 5 "$tool" -V >"$TMP/V.$tn" 2>"$TMP/V.$tn.err" </dev/null
	check_eq "$w: -V: exit code" 0 "$?"
	check "$w: -V: the first lines mention the version" bash -c 'head -n 3 "$1" | grep -qi version' _ "$TMP/V.$tn"
	check "$w: -V: has '  #define WITH_<X> 1' lines" grep -Eq '^  #define WITH_[A-Z0-9_]+ 1' "$TMP/V.$tn"
	timeout 5 "$tool" -h >"$TMP/h.$tn" 2>"$TMP/h.$tn.err" </dev/null
	check_eq "$w: -h: exit code" 0 "$?"
	check "$w: -h: lists TCP-LISTEN" grep -qi 'tcp-listen' "$TMP/h.$tn"
	check "$w: -h: lists fork" grep -qi 'fork' "$TMP/h.$tn"
done
# relay's -h lists its tables in columns: however long a type's name, its
# kind starts in the same column as every other's, and no line trails blanks.
kindcols=$(sed -n '/^address types/,/^address options/p' "$TMP/h.relay" |
	sed '1d;$d' | awk '{ print index($0 " ", " " $2 " ") }' | sort -u | wc -l)
check_eq "relay: -h: the kind of every address type starts in one column" 1 "$kindcols"
check "relay: -h: no line ends in blanks" bash -c '! grep -q "[[:blank:]]$" "$1"' _ "$TMP/h.relay"
# relay claims socat 1.8 features too (SHELL, STATS): the reference for
# those is socat 1.8's own -V.
S18=$("$TOP/test/socat18") || S18=""
check "socat 1.8 (the reference for 1.8 features) is built" test -x "$S18"
[ -x "$S18" ] && "$S18" -V >>"$TMP/V.socat" 2>/dev/null
missing=""
for feat in $(grep -Eo '^  #define WITH_[A-Z0-9_]+ 1' "$TMP/V.relay" | awk '{print $2}'); do
	grep -Eq "^  #define $feat 1" "$TMP/V.socat" || missing="$missing $feat"
done
check_eq "relay: -V: every feature relay claims, socat 1.7.4 or 1.8 -V has too" "" "$missing"
for feat in WITH_TCP WITH_UNIX WITH_LISTEN WITH_STDIO WITH_IP4 WITH_IP6; do
	check "relay: -V claims $feat" grep -Eq "^  #define $feat 1" "$TMP/V.relay"
done
# relay has SOCKETPAIR and the help listings; socat 1.8 lists them as
# features too.  Every feature socat 1.8 names, relay names as there or not
# (#undef), so that a script sees relay's answer, not a missing line.
for feat in WITH_SOCKETPAIR WITH_HELP; do
	check "relay: -V claims $feat" grep -Eq "^  #define $feat 1" "$TMP/V.relay"
done
unnamed=""
for feat in $(grep -Eo '^  #(define|undef) WITH_[A-Z0-9_]+' "$TMP/V.socat" | awk '{print $2}' | sort -u); do
	case $feat in WITH_MSGLEVEL|WITH_DEFAULT_IPV) continue ;; esac	# settings, not features
	grep -Eq "^  #(define|undef) $feat( 1)?\$" "$TMP/V.relay" || unnamed="$unnamed $feat"
done
check_eq "relay: -V names every feature socat 1.8 -V names" "" "$unnamed"

# ---------------------------------------------------------------- -hh / -hhh
# Scripts probe socat's features with -hh and -hhh, socat's test suite among
# them: "socat -hhh | grep '[[:space:]]nodelay[[:space:]]'" for an option,
# the section between "   address-head:" and "   opts:" for the address
# types, each sorted as test.sh's consistency checks want them.  relay
# prints its own tables in that layout after its -h text.
# help_types FILE: the address type names of a -hh/-hhh listing, upper case.
help_types() {
	sed -n '/^   address-head:/,/^   opts:/p' "$1" | sed '1d;$d' |
		sed 's/^[[:space:]]*//; s/[:[[:space:]].*//' | grep -v '^<' | tr a-z A-Z
}
# help_opts FILE: the option names of a -hh/-hhh listing.
help_opts() { sed '1,/^   opt:/d' "$1" | awk '{print $1}'; }
HELP_TOOLS=("${TOOLS[@]}")
[ -x "$S18" ] && HELP_TOOLS+=("$S18")
for tool in "${HELP_TOOLS[@]}"; do
	case $tool in "$S18") tn=socat18 w="socat 1.8 (reference)" ;;
	*) tn=$(tool_name "$tool") w=$(who "$tn") ;; esac
	for h in hh hhh; do
		timeout 5 "$tool" -$h >"$TMP/$h.$tn" 2>"$TMP/$h.$tn.err" </dev/null
		check_eq "$w: -$h: exit code" 0 "$?"
		check "$w: -$h: has the address-head and opt sections" \
			bash -c 'grep -q "^   address-head:" "$1" && grep -q "^   opt:" "$1"' _ "$TMP/$h.$tn"
		check "$w: -$h: lists nodelay as test.sh's probe finds it" \
			grep -q "[[:space:]]nodelay[[:space:]]" "$TMP/$h.$tn"
		# test.sh's check: the types, as its sed cuts them, in C order
		sed -n '/^   address-head:/,/^   opts:/p' "$TMP/$h.$tn" | sed '1d;$d' |
			sed 's/^[[:space:]]*//; s/[: ].*//' | grep -v '^<' >"$TMP/$h.$tn.types"
		check "$w: -$h: address types sorted" bash -c 'LC_ALL=C sort "$1" | cmp -s - "$1"' _ "$TMP/$h.$tn.types"
		help_opts "$TMP/$h.$tn" >"$TMP/$h.$tn.opts"
		check "$w: -$h: options sorted" bash -c 'LC_ALL=C sort "$1" | cmp -s - "$1"' _ "$TMP/$h.$tn.opts"
	done
	check_eq "$w: -hh: no alias lines (those are -hhh's)" 0 "$(grep -c 'is an alias' "$TMP/hh.$tn")"
	check "$w: -hhh: alias lines" grep -q 'is an alias for ' "$TMP/hhh.$tn"
	check "$w: -hhh: address aliases" grep -q 'is an alias name for ' "$TMP/hhh.$tn"
done
# Every name relay lists is socat's spelling of the same thing, so that a
# probe finds relay's option where socat's would be: the names of relay's
# -hhh are in socat 1.7.4's or 1.8's, but for relay's own extra spellings
# (owner-group, ipv6-ipv6only, ABSTRACT-L), which socat refuses.
{ help_opts "$TMP/hhh.socat"; [ -x "$S18" ] && help_opts "$TMP/hhh.socat18"; } | sort -u >"$TMP/hhh.socat.opts"
{ help_types "$TMP/hhh.socat"; [ -x "$S18" ] && help_types "$TMP/hhh.socat18"; } | sort -u >"$TMP/hhh.socat.types"
check_eq "relay: -hhh: every option name is socat's" "" \
	"$(help_opts "$TMP/hhh.relay" | grep -vxE 'owner-group|ipv6-ipv6only' | sort | comm -23 - "$TMP/hhh.socat.opts" | xargs)"
check_eq "relay: -hhh: every address type name is socat's" "" \
	"$(help_types "$TMP/hhh.relay" | grep -vx 'ABSTRACT-L' | sort | comm -23 - "$TMP/hhh.socat.types" | xargs)"
# ... and the listing is relay's table: relay knows each option it lists.
# The probe's file is in a directory that does not exist: an option that
# acts on its file (unlink-early, alias new; mode; user) then acts on
# nothing, where on /dev/null it removed or changed the machine's.
unknown=""
for opt in $(help_opts "$TMP/hhh.relay"); do
	timeout 5 "$RELAY" -u /dev/null "$TMP/no-such-dir/probe,$opt" 2>&1 | grep -q "unknown option \"$opt\"" &&
		unknown="$unknown $opt"
done
check_eq "relay: -hhh: relay knows every option it lists" "" "$unknown"

# ---------------------------------------------------------------- signals
dlisten "SIGTERM to a TCP listener" --kill TERM 143 -- TCP-LISTEN:@P@,reuseaddr STDIO
for sig in TERM INT HUP; do
	dlisten "SIG$sig to a UNIX listener" --at @U@ --kill $sig $((128 + $(kill -l $sig))) --is "socket file removed" no "exists @U@" -- UNIX-LISTEN:@U@ STDIO
done
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# during a transfer
	Q=$(dport)
	full_server "$Q" "$TMP/sig.$tn.recv"
	mkfifo "$TMP/sig.$tn.fifo"
	bg bash -c 'exec >"$1"; printf x; exec sleep 30' sigw "$TMP/sig.$tn.fifo"
	wpid=$BG_PID
	bg_in "$TMP/sig.$tn.fifo" "$tool" STDIO TCP:127.0.0.1:$Q >/dev/null
	tpid=$BG_PID
	wait_file_size "$TMP/sig.$tn.recv" 1 10 || not_ok "$w: SIGTERM during a transfer: the server got the byte first"
	kill -TERM "$tpid"
	wait_gone "$tpid" 5 || kill -KILL "$tpid"
	wait "$tpid"
	check_eq "$w: SIGTERM during a transfer: exit code" 143 "$?"
	kill "$wpid" 2>/dev/null
	# The "exiting on signal" line has socat's level: W for SIGTERM, N for
	# SIGINT and SIGHUP, E for SIGQUIT.  And an EXEC program does not
	# outlive the tool (socat leaves it on SIGQUIT, relay ends it then too).
	for sig in TERM INT HUP QUIT; do
		case $sig in TERM) lv=W ;; QUIT) lv=E ;; *) lv=N ;; esac
		mkfifo "$TMP/sigx.$tn.$sig"
		bg_in "$TMP/sigx.$tn.$sig" "$tool" -d -d - EXEC:'sleep 29' 2>"$TMP/sigx.$tn.$sig.err"
		tpid=$BG_PID
		exec 7>"$TMP/sigx.$tn.$sig"
		prog=
		for i in $(seq 50); do prog=$(pgrep -P "$tpid" -x sleep) && break; sleep 0.1; done
		check "$w: SIG$sig with EXEC: the program started" test -n "$prog"
		kill -$sig "$tpid"
		wait_gone "$tpid" 5 || kill -KILL "$tpid"
		wait "$tpid"
		rc=$?
		check_eq "$w: SIG$sig with EXEC: exit code" $((128 + $(kill -l $sig))) "$rc"
		exec 7>&-
		check_eq "$w: SIG$sig: the exiting line is $lv" "$lv exiting on signal $(kill -l $sig)" \
			"$(sed -nE 's/^.*\] ([A-Z] exiting on signal [0-9]+)$/\1/p' "$TMP/sigx.$tn.$sig.err")"
		if [ "$tn" = relay ] || [ $sig != QUIT ]; then
			gone=no
			[ -n "$prog" ] && for i in $(seq 50); do
				st=$(ps -o stat= -p "$prog" 2>/dev/null)
				case $st in ''|Z*) gone=yes; break ;; esac
				sleep 0.1
			done
			check_eq "$w: SIG$sig with EXEC: the program ($prog) ends too" yes "$gone"
		fi
		[ -n "$prog" ] && kill "$prog" 2>/dev/null
	done
done

finish
