#!/usr/bin/env bash
# Differential: files, pipes and descriptors: OPEN (FILE), CREATE
# (CREAT), GOPEN, a bare path, their options, GOPEN onto a UNIX socket, PIPE
# and PIPE:<path>, FD:<n>, a bare digit, STDERR and the dual address A!!B.
# Each case runs with socat (the reference: its assertions check the case
# itself) and then with relay, each in its own directory; the assertions are
# on the resulting file contents, modes, owners, the open() flags (strace),
# what the peers got and exit codes, each against the expected value.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

umask 022
# od1 FILE: FILE's bytes as one line of escaped characters (for messages).
od1() { od -An -c "$1" 2>/dev/null | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
# openflags STRACE PATH: the flags of the open of PATH, "O_A|O_B, 0600".
openflags() { grep -E "open(at)?\(.*\"$2\"" "$1" | grep -v ENOENT | head -n 1 | sed -E 's/.*"'"${2//\//\\/}"'", ([^)]*)\).*/\1/'; }
# has_flags DESC FLAGS WANT...: every flag in WANT appears in FLAGS.
has_flags() {
	local desc=$1 got=$2 f miss=""
	shift 2
	for f in "$@"; do
		case "|${got%%,*}|" in *"|$f|"*) ;; *) miss="$miss $f" ;; esac
	done
	if [ -z "$miss" ]; then ok "$desc"; else not_ok "$desc (missing$miss in '$got')"; fi
}

AB=$TMP/ab
printf 'ab\n' >"$AB"
INDATA=$TMP/indata
printf 'file data\nsecond line\n' >"$INDATA"
BIG=$TMP/big
head -c 200000 /dev/urandom >"$BIG"
X8=XXXXXXXX

# mode PATH: PATH's permission bits in octal; owner PATH: user:group and mode.
mode() { stat -c %a "$1" 2>/dev/null; }
owner() { stat -c '%U:%G %a' "$1" 2>/dev/null; }

# --- OPEN, FILE, CREATE and CREAT, and their options.  @D@ is each tool's
# own directory.
dcase "OPEN:<missing> without creat" --in "$AB" --rc 1 --elog --is "no file" no "exists @D@/nf" -- -u - OPEN:@D@/nf
dcase "OPEN:f,creat" --in "$AB" --file contents "$AB" @D@/c1 --is "mode (0666 & ~umask 022)" 644 "mode @D@/c1" -- -u - OPEN:@D@/c1,creat
# OPEN (and FILE) on an existing file writes from the start, no truncation
for t in OPEN FILE; do
	dcase "$t:<existing>" --in "$AB" --pre "printf $X8 >@D@/e.$t" --is "overwritten in place, not truncated" 'a b \n X X X X X' "od1 @D@/e.$t" -- -u - $t:@D@/e.$t
done
dcase "OPEN:f,append" --in "$AB" --rc - --pre "printf $X8 >@D@/app" --is contents 'X X X X X X X X a b \n' "od1 @D@/app" -- -u - OPEN:@D@/app,append
dcase "OPEN:f,trunc" --in "$AB" --rc - --pre "printf $X8 >@D@/tr" --is contents 'a b \n' "od1 @D@/tr" -- -u - OPEN:@D@/tr,trunc
for t in CREATE CREAT; do
	dcase "$t:<existing>" --in "$AB" --pre "printf $X8 >@D@/cr.$t; chmod 600 @D@/cr.$t" --is "truncated and rewritten" 'a b \n' "od1 @D@/cr.$t" --is "mode kept" 600 "mode @D@/cr.$t" -- -u - $t:@D@/cr.$t
	dcase "$t:<new>" --in "$AB" --file contents "$AB" @D@/crn.$t --is mode 644 "mode @D@/crn.$t" -- -u - $t:@D@/crn.$t
done
dcase "CREATE:f,perm=600" --in "$AB" --rc - --is mode 600 "mode @D@/p600" -- -u - CREATE:@D@/p600,perm=600
dcase "OPEN:f,creat,excl,perm=604 (new file)" --in "$AB" --is "mode (perm= is not masked by the umask)" 604 "mode @D@/p604" -- -u - OPEN:@D@/p604,creat,excl,perm=604
dcase "OPEN:<existing>,creat,excl" --in "$AB" --rc 1 --elog --file "file unchanged" "$AB" @D@/p604 -- -u - OPEN:@D@/p604,creat,excl
dcase "OPEN:f,creat,perm=640,user=nobody,group=nogroup" --in "$AB" --is "owner and mode" "nobody:nogroup 640" "owner @D@/own" --file contents "$AB" @D@/own -- -u - OPEN:@D@/own,creat,perm=640,user=nobody,group=nogroup
dcase "OPEN:<existing>,group=nogroup" --in "$AB" --rc - --pre "printf $X8 >@D@/own2" --is "group changed" "root:nogroup" "stat -c %U:%G @D@/own2" -- -u - OPEN:@D@/own2,group=nogroup

# GOPEN and a bare path: append to an existing file, create a new one
for form in GOPEN bare abs; do
	case $form in
	GOPEN) a=GOPEN:@D@/g.$form b=GOPEN:@D@/gn.$form ;;
	bare) a=./g.$form b=./gn.$form ;;
	abs) a=@D@/g.$form b=@D@/gn.$form ;;
	esac
	dcase "$a (existing)" --cd @D@ --in "$AB" --pre "printf $X8 >@D@/g.$form" --is appended 'X X X X X X X X a b \n' "od1 @D@/g.$form" -- -u - "$a"
	dcase "$b (new)" --cd @D@ --in "$AB" --file created "$AB" @D@/gn.$form --is mode 644 "mode @D@/gn.$form" -- -u - "$b"
done
dcase "- ./<existing> (bidirectional)" --cd @D@ --in "$INDATA" -- - ./g.bare

# GOPEN and a bare path onto a UNIX socket connect to it
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	D=$TMP/$tn
	for form in GOPEN bare; do
		U=$D/us.$form
		rm -f "$D/us.$form.out"
		bg "$SOCAT" -u UNIX-LISTEN:"$U" OPEN:"$D/us.$form.out",creat
		spid=$BG_PID
		wait_unix "$U"
		if [ $form = GOPEN ]; then a=GOPEN:$U; else a=$U; fi
		run_one_tool "$tool" gs 10 "$INDATA" -u - "$a"
		check_eq "$w: $a (a UNIX socket): exit code" 0 "$RUN_RC"
		end_peer "$spid" "$RUN_RC"
		same_file "$w: $a (a UNIX socket): the listener got the bytes" "$INDATA" "$D/us.$form.out"
	done
done

# rdonly / wronly / rdwr
dcase "-u OPEN:f,rdonly -" --out "$INDATA" -- -u OPEN:"$INDATA",rdonly -
dcase "- OPEN:f,rdonly with input (write fails)" --in "$AB" --rc 1 --elog --pre "cp $INDATA @D@/ro" --file "file unchanged" "$INDATA" @D@/ro -- - OPEN:@D@/ro,rdonly
dcase "-u - OPEN:f,wronly" --in "$AB" --pre "printf $X8 >@D@/wo" --is contents 'a b \n X X X X X' "od1 @D@/wo" -- -u - OPEN:@D@/wo,wronly
dcase "-u OPEN:f,wronly - (read fails)" --rc 1 --elog -- -u OPEN:@D@/wo,wronly -

for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	D=$TMP/$tn
	# the open() flags, under strace
	st=$D/strace
	printf "$X8" >"$D/fl"
	while IFS='|' read -r dir opts want; do
		: >"$st"
		if [ "$dir" = in ]; then
			timeout 10 strace -f -qq -e trace=open,openat -o "$st" "$tool" -u OPEN:"$D/fl"$opts - </dev/null >/dev/null 2>&1
		elif [ "$dir" = bi ]; then
			timeout 10 strace -f -qq -e trace=open,openat -o "$st" "$tool" - OPEN:"$D/fl"$opts </dev/null >/dev/null 2>&1
		else
			timeout 10 strace -f -qq -e trace=open,openat -o "$st" "$tool" -u - OPEN:"$D/fl"$opts <"$AB" >/dev/null 2>&1
		fi
		# shellcheck disable=SC2086
		has_flags "$w: open flags of $dir OPEN:f$opts" "$(openflags "$st" "$D/fl")" $want
	done <<-'EOF'
	bi||O_RDWR
	out||O_WRONLY
	in||O_RDONLY
	out|,rdwr|O_RDWR
	bi|,rdonly|O_RDONLY
	bi|,wronly|O_WRONLY
	out|,append|O_WRONLY O_APPEND
	out|,trunc|O_WRONLY O_TRUNC
	out|,creat,nonblock,append,perm=600|O_WRONLY O_CREAT O_APPEND O_NONBLOCK
	in|,rdonly,nonblock|O_RDONLY O_NONBLOCK
	EOF
	: >"$st"
	timeout 10 strace -f -qq -e trace=open,openat -o "$st" "$tool" -u - OPEN:"$D/fl",creat,excl <"$AB" >/dev/null 2>&1
	has_flags "$w: open flags of OPEN:<existing>,creat,excl" "$(openflags "$st" "$D/fl")" O_WRONLY O_CREAT O_EXCL
	case $(openflags "$st" "$D/fl") in
	*O_TRUNC*|*O_APPEND*) not_ok "$w: OPEN without trunc/append opens without them ($(openflags "$st" "$D/fl"))" ;;
	*) ok "$w: OPEN without trunc/append opens without them" ;;
	esac

	# PIPE:<path>: a named FIFO; a reader gets the bytes
	F=$D/fifo
	bg_in "$INDATA" "$tool" -u - PIPE:"$F"
	tpid=$BG_PID
	i=0
	while [ ! -p "$F" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check_eq "$w: -u - PIPE:<path>: a FIFO is created" fifo "$(stat -c %F "$F" 2>/dev/null | sed 's/.*fifo.*/fifo/')"
	timeout 10 cat "$F" >"$D/fifo.out" 2>/dev/null
	same_file "$w: -u - PIPE:<path>: the reader gets the bytes" "$INDATA" "$D/fifo.out"
	tool_ends "$w: -u - PIPE:<path>: exit code"
	# socat removes a FIFO it created when it ends, and keeps one that
	# existed before
	check_eq "$w: -u - PIPE:<path>: the FIFO it created is removed at exit" no "$(exists "$F")"
	rm -f "$F"
	mkfifo "$F"
	bg_in "$AB" "$tool" -u - PIPE:"$F"
	tpid=$BG_PID
	timeout 10 cat "$F" >"$D/fifo2.out" 2>/dev/null
	same_file "$w: -u - PIPE:<existing fifo>: the reader gets the bytes" "$AB" "$D/fifo2.out"
	wait_gone "$tpid" 10
	check_eq "$w: -u - PIPE:<existing fifo>: the FIFO is kept at exit" yes "$([ -p "$F" ] && echo yes || echo no)"

	# FD:<n>, a bare digit, STDERR
	timeout 10 "$tool" -u - FD:3 <"$INDATA" 3>"$D/fd3" 2>"$D/fd3.err"
	check_eq "$w: -u - FD:3: exit code" 0 "$?"
	same_file "$w: -u - FD:3: bytes on fd 3" "$INDATA" "$D/fd3"
	timeout 10 "$tool" -u - 3 <"$INDATA" 3>"$D/fd3b" 2>"$D/fd3b.err"
	check_eq "$w: -u - 3: exit code" 0 "$?"
	same_file "$w: -u - 3: bytes on fd 3" "$INDATA" "$D/fd3b"
	timeout 10 "$tool" -u FD:4 STDOUT 4<"$INDATA" >"$D/fd4" 2>"$D/fd4.err"
	check_eq "$w: -u FD:4 STDOUT: exit code" 0 "$?"
	same_file "$w: -u FD:4 STDOUT: bytes read from fd 4" "$INDATA" "$D/fd4"
	timeout 10 "$tool" -u - STDERR <"$INDATA" 2>"$D/fd2" >/dev/null
	check_eq "$w: -u - STDERR: exit code" 0 "$?"
	same_file "$w: -u - STDERR: bytes on stderr" "$INDATA" "$D/fd2"
	timeout 10 "$tool" -u - FD:7 <"$INDATA" >/dev/null 2>"$D/fd7.err"
	check_eq "$w: -u - FD:7 (not open): exit code" 1 "$?"
	check "$w: -u - FD:7 (not open): E log line" has_elog "$D/fd7.err"
done

# PIPE with no parameter: an echo
dcase "- PIPE" --in "$BIG" --out "$BIG" -- - PIPE
# the dual address A!!B: read from A, write to B
dcase "- 'OPEN:in,rdonly!!OPEN:out,creat,wronly'" --in @D@/toout --pre "printf 'from in\n' >@D@/din; printf 'to out\n' >@D@/toout" --outis "from in" --file "B gets the input" @D@/toout @D@/dout -- - "OPEN:@D@/din,rdonly!!OPEN:@D@/dout,creat,wronly"
dcase "'STDIN!!STDOUT' SYSTEM:'tr a-z A-Z'" --in "$INDATA" --outis "$(tr a-z A-Z <"$INDATA")" -- -t 5 'STDIN!!STDOUT' SYSTEM:'tr a-z A-Z'
dcase "SYSTEM:'tr a-z A-Z' 'STDIN!!STDOUT' (dual as second address)" --in "$INDATA" --rc - --outis "$(tr a-z A-Z <"$INDATA")" -- -t 5 SYSTEM:'tr a-z A-Z' 'STDIN!!STDOUT'

# A named pipe read with nonblock and written by the other half of a dual
# address: nonblock is the open's, so the reading half does not wait there
# for a writer (test.sh's DUALPIPE).
printf 'through the fifo\n' >"$TMP/fifo-in"
dcase "'PIPE:f,nonblock!!PIPE:f': the line comes back" --in "$TMP/fifo-in" --out "$TMP/fifo-in" \
	-- - "PIPE:@D@/np,nonblock!!PIPE:@D@/np"

# readbytes=N (alias bytes): the address gives N bytes, then acts as at EOF;
# 0 or less means all of it (socat's "must be greater than 0" is not
# checked).  Between two sockets with splice and with the copy path.
NUMS=$TMP/nums
seq 1 20000 >"$NUMS"
for o in readbytes=10 bytes=1000 readbytes=70000 readbytes=0 readbytes=-1; do
	case $o in *=0|*=-1) want=$(wc -c <"$NUMS") ;; *) want=${o#*=} ;; esac
	dcase "-u OPEN:f,$o STDOUT" --is "the first bytes of f" "$(head -c "$want" "$NUMS" | sha256sum)" "sha256sum <@O@" -- -u OPEN:"$NUMS",$o STDOUT
done
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	# The N bytes are all the peer sends until it sees the EOF's effect
	# (socat's own SOCKS5 test server reads its requests so): EOF at once.
	Q=$(free_port)
	bg "$SOCAT" -u SYSTEM:'printf abc; sleep 600' TCP-LISTEN:$Q,reuseaddr
	wait_listen "$Q"
	run_one_tool "$tool" rbq 20 /dev/null -u TCP:127.0.0.1:$Q,readbytes=3 STDOUT
	check_eq "$w: -u TCP:...,readbytes=3 STDOUT from a peer that then waits: exit code" 0 "$(rc_text "$RUN_RC")"
	check_eq "$w: ... the 3 bytes" abc "$(cat "$DR_DIR/rbq.$tn.out")"
	# Ending there is the end of the transfer: no -t wait follows (the
	# SOCKS5 test server's helpers each waited 0.5 s with relay).
	run_one_tool "$tool" rbt 10 /dev/null -t 20 -u SYSTEM:"printf abc; sleep 30",readbytes=3 STDOUT
	check_eq "$w: -t 20 -u SYSTEM:...,readbytes=3 STDOUT: ends at the third byte, not after -t" 0 "$(rc_text "$RUN_RC")"
	for env in "" RELAY_NO_SPLICE=1; do
		Q=$(free_port)
		bg "$SOCAT" -u OPEN:"$NUMS" TCP-LISTEN:$Q,reuseaddr
		wait_listen "$Q"
		timeout 10 env $env "$tool" -u TCP:127.0.0.1:$Q,readbytes=50000 STDOUT >"$D/rbt.$tn" 2>"$D/rbt.$tn.err"
		check_eq "$w: $env -u TCP:...,readbytes=50000 STDOUT: exit code" 0 "$?"
		check_eq "$w: $env -u TCP:...,readbytes=50000: the first 50000 bytes" "$(head -c 50000 "$NUMS" | sha256sum)" "$(sha256sum <"$D/rbt.$tn")"
		Q=$(free_port); P=$(free_port)
		bg "$SOCAT" -u OPEN:"$NUMS" TCP-LISTEN:$Q,reuseaddr
		wait_listen "$Q"
		bg env $env "$tool" -u TCP:127.0.0.1:$Q,readbytes=30000 TCP-LISTEN:$P,reuseaddr
		wait_listen "$P"
		timeout 10 "$SOCAT" -u TCP:127.0.0.1:$P - >"$D/rbs.$tn"
		check_eq "$w: $env TCP,readbytes=30000 to TCP-LISTEN (socket to socket): the first 30000 bytes" "$(head -c 30000 "$NUMS" | sha256sum)" "$(sha256sum <"$D/rbs.$tn")"
	done
done

# A file echoed through itself (test.sh's FILE): "FILE,ignoreeof!!FILE"
# reads back what it wrote.  The ignoreeof reader looks again as soon as
# the other direction moved data, as socat's does, not only every 0.2 s:
# the line comes 0.3 s late and -t 0.05 ends the transfer before the next
# of those looks.
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	: >"$TMP/self.$tn"
	(sleep 0.3; echo line) | timeout 10 "$tool" -t 0.05 - FILE:"$TMP/self.$tn",ignoreeof!!"$TMP/self.$tn" \
		>"$TMP/self.$tn.out" 2>/dev/null
	check_eq "$w: - FILE,ignoreeof!!FILE, a line late: it comes back" line "$(cat "$TMP/self.$tn.out")"
done

finish
