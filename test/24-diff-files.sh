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

for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	w=$(who "$tn")
	D=$TMP/$tn
	mkdir -p "$D"

	# OPEN without creat on a missing file: error, nothing created
	run_one_tool "$tool" nf 10 "$AB" -u - OPEN:"$D/nf"
	check_eq "$w: OPEN:<missing> without creat: exit code" 1 "$RUN_RC"
	check "$w: OPEN:<missing> without creat: E log line" has_elog "$DR_DIR/nf.$tn.err"
	check_eq "$w: OPEN:<missing> without creat: no file" no "$([ -e "$D/nf" ] && echo yes || echo no)"

	run_one_tool "$tool" creat 10 "$AB" -u - OPEN:"$D/c1",creat
	check_eq "$w: OPEN:f,creat: exit code" 0 "$RUN_RC"
	same_file "$w: OPEN:f,creat: contents" "$AB" "$D/c1"
	check_eq "$w: OPEN:f,creat: mode (0666 & ~umask 022)" 644 "$(stat -c %a "$D/c1" 2>/dev/null)"

	# OPEN (and FILE) on an existing file writes from the start, no truncation
	for t in OPEN FILE; do
		printf "$X8" >"$D/e.$t"
		run_one_tool "$tool" ex 10 "$AB" -u - $t:"$D/e.$t"
		check_eq "$w: $t:<existing>: exit code" 0 "$RUN_RC"
		check_eq "$w: $t:<existing>: overwritten in place, not truncated" 'a b \n X X X X X' "$(od1 "$D/e.$t")"
	done
	printf "$X8" >"$D/app"
	run_one_tool "$tool" app 10 "$AB" -u - OPEN:"$D/app",append
	check_eq "$w: OPEN:f,append: contents" 'X X X X X X X X a b \n' "$(od1 "$D/app")"
	printf "$X8" >"$D/tr"
	run_one_tool "$tool" tr 10 "$AB" -u - OPEN:"$D/tr",trunc
	check_eq "$w: OPEN:f,trunc: contents" 'a b \n' "$(od1 "$D/tr")"
	for t in CREATE CREAT; do
		printf "$X8" >"$D/cr.$t"
		chmod 600 "$D/cr.$t"
		run_one_tool "$tool" cr 10 "$AB" -u - $t:"$D/cr.$t"
		check_eq "$w: $t:<existing>: exit code" 0 "$RUN_RC"
		check_eq "$w: $t:<existing>: truncated and rewritten" 'a b \n' "$(od1 "$D/cr.$t")"
		check_eq "$w: $t:<existing>: mode kept" 600 "$(stat -c %a "$D/cr.$t")"
		run_one_tool "$tool" crn 10 "$AB" -u - $t:"$D/crn.$t"
		check_eq "$w: $t:<new>: exit code" 0 "$RUN_RC"
		same_file "$w: $t:<new>: contents" "$AB" "$D/crn.$t"
		check_eq "$w: $t:<new>: mode" 644 "$(stat -c %a "$D/crn.$t" 2>/dev/null)"
	done
	run_one_tool "$tool" perm 10 "$AB" -u - CREATE:"$D/p600",perm=600
	check_eq "$w: CREATE:f,perm=600: mode" 600 "$(stat -c %a "$D/p600" 2>/dev/null)"
	run_one_tool "$tool" perm 10 "$AB" -u - OPEN:"$D/p604",creat,excl,perm=604
	check_eq "$w: OPEN:f,creat,excl,perm=604 (new file): exit code" 0 "$RUN_RC"
	check_eq "$w: OPEN:f,creat,excl,perm=604: mode (perm= is not masked by the umask)" 604 "$(stat -c %a "$D/p604" 2>/dev/null)"
	run_one_tool "$tool" excl 10 "$AB" -u - OPEN:"$D/p604",creat,excl
	check_eq "$w: OPEN:<existing>,creat,excl: exit code" 1 "$RUN_RC"
	check "$w: OPEN:<existing>,creat,excl: E log line" has_elog "$DR_DIR/excl.$tn.err"
	same_file "$w: OPEN:<existing>,creat,excl: file unchanged" "$AB" "$D/p604"
	run_one_tool "$tool" own 10 "$AB" -u - OPEN:"$D/own",creat,perm=640,user=nobody,group=nogroup
	check_eq "$w: OPEN:f,creat,user=nobody,group=nogroup: exit code" 0 "$RUN_RC"
	check_eq "$w: OPEN:f,creat,user=nobody,group=nogroup: owner and mode" "nobody:nogroup 640" "$(stat -c '%U:%G %a' "$D/own" 2>/dev/null)"
	same_file "$w: OPEN:f,creat,user=,group=: contents" "$AB" "$D/own"
	printf "$X8" >"$D/own2"
	run_one_tool "$tool" own2 10 "$AB" -u - OPEN:"$D/own2",group=nogroup
	check_eq "$w: OPEN:<existing>,group=nogroup: group changed" "root:nogroup" "$(stat -c '%U:%G' "$D/own2" 2>/dev/null)"

	# GOPEN and a bare path: append to an existing file, create a new one
	for form in GOPEN bare abs; do
		printf "$X8" >"$D/g.$form"
		case $form in
		GOPEN) a=GOPEN:$D/g.$form; b=GOPEN:$D/gn.$form ;;
		bare) a=./g.$form; b=./gn.$form ;;
		abs) a=$D/g.$form; b=$D/gn.$form ;;
		esac
		(cd "$D" && run_one_tool "$tool" g 10 "$AB" -u - "$a")
		check_eq "$w: $a (existing): exit code" 0 "$(cat "$DR_DIR/g.$tn.rc")"
		check_eq "$w: $a (existing): appended" 'X X X X X X X X a b \n' "$(od1 "$D/g.$form")"
		(cd "$D" && run_one_tool "$tool" g 10 "$AB" -u - "$b")
		check_eq "$w: $b (new): exit code" 0 "$(cat "$DR_DIR/g.$tn.rc")"
		same_file "$w: $b (new): created" "$AB" "$D/gn.$form"
		check_eq "$w: $b (new): mode" 644 "$(stat -c %a "$D/gn.$form" 2>/dev/null)"
	done
	(cd "$D" && run_one_tool "$tool" g 10 "$INDATA" - ./g.bare)
	check_eq "$w: - ./<existing> (bidirectional): exit code" 0 "$(cat "$DR_DIR/g.$tn.rc")"

	# GOPEN and a bare path onto a UNIX socket connect to it
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

	# rdonly / wronly / rdwr
	run_one_tool "$tool" ro 10 /dev/null -u OPEN:"$INDATA",rdonly -
	check_eq "$w: -u OPEN:f,rdonly -: exit code" 0 "$RUN_RC"
	same_file "$w: -u OPEN:f,rdonly -: the file's bytes" "$INDATA" "$DR_DIR/ro.$tn.out"
	cp "$INDATA" "$D/ro"
	run_one_tool "$tool" ro2 10 "$AB" - OPEN:"$D/ro",rdonly
	check_eq "$w: - OPEN:f,rdonly with input (write fails): exit code" 1 "$RUN_RC"
	check "$w: - OPEN:f,rdonly with input: E log line" has_elog "$DR_DIR/ro2.$tn.err"
	same_file "$w: - OPEN:f,rdonly with input: file unchanged" "$INDATA" "$D/ro"
	printf "$X8" >"$D/wo"
	run_one_tool "$tool" wo 10 "$AB" -u - OPEN:"$D/wo",wronly
	check_eq "$w: -u - OPEN:f,wronly: exit code" 0 "$RUN_RC"
	check_eq "$w: -u - OPEN:f,wronly: contents" 'a b \n X X X X X' "$(od1 "$D/wo")"
	run_one_tool "$tool" wo2 10 /dev/null -u OPEN:"$D/wo",wronly -
	check_eq "$w: -u OPEN:f,wronly - (read fails): exit code" 1 "$RUN_RC"
	check "$w: -u OPEN:f,wronly -: E log line" has_elog "$DR_DIR/wo2.$tn.err"

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

	# PIPE with no parameter: an echo
	run_one_tool "$tool" pipe 10 "$BIG" - PIPE
	check_eq "$w: - PIPE: exit code" 0 "$RUN_RC"
	same_file "$w: - PIPE: the bytes come back" "$BIG" "$DR_DIR/pipe.$tn.out"

	# PIPE:<path>: a named FIFO; a reader gets the bytes
	F=$D/fifo
	bg_in "$INDATA" "$tool" -u - PIPE:"$F"
	tpid=$BG_PID
	i=0
	while [ ! -p "$F" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check_eq "$w: -u - PIPE:<path>: a FIFO is created" fifo "$(stat -c %F "$F" 2>/dev/null | sed 's/.*fifo.*/fifo/')"
	timeout 10 cat "$F" >"$D/fifo.out" 2>/dev/null
	same_file "$w: -u - PIPE:<path>: the reader gets the bytes" "$INDATA" "$D/fifo.out"
	wait_gone "$tpid" 10
	wait "$tpid"
	check_eq "$w: -u - PIPE:<path>: exit code" 0 "$?"
	# socat removes a FIFO it created when it ends, and keeps one that
	# existed before
	check_eq "$w: -u - PIPE:<path>: the FIFO it created is removed at exit" no "$([ -e "$F" ] && echo yes || echo no)"
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

	# the dual address A!!B: read from A, write to B
	printf 'from in\n' >"$D/din"
	printf 'to out\n' >"$D/toout"
	run_one_tool "$tool" dual 10 "$D/toout" - "OPEN:$D/din,rdonly!!OPEN:$D/dout,creat,wronly"
	check_eq "$w: - 'OPEN:in,rdonly!!OPEN:out,creat,wronly': exit code" 0 "$RUN_RC"
	check_eq "$w: - 'OPEN:in!!OPEN:out': stdout gets A's bytes" "from in" "$(cat "$DR_DIR/dual.$tn.out")"
	same_file "$w: - 'OPEN:in!!OPEN:out': B gets the input" "$D/toout" "$D/dout"
	run_one_tool "$tool" dual2 10 "$INDATA" -t 5 'STDIN!!STDOUT' SYSTEM:'tr a-z A-Z'
	check_eq "$w: 'STDIN!!STDOUT' SYSTEM:'tr a-z A-Z': exit code" 0 "$RUN_RC"
	check_eq "$w: 'STDIN!!STDOUT' SYSTEM:'tr a-z A-Z': output" "$(tr a-z A-Z <"$INDATA")" "$(cat "$DR_DIR/dual2.$tn.out")"
	run_one_tool "$tool" dual3 10 "$INDATA" -t 5 SYSTEM:'tr a-z A-Z' 'STDIN!!STDOUT'
	check_eq "$w: SYSTEM:'tr a-z A-Z' 'STDIN!!STDOUT' (dual as second address): output" "$(tr a-z A-Z <"$INDATA")" "$(cat "$DR_DIR/dual3.$tn.out")"
done

# readbytes=N (alias bytes): the address gives N bytes, then acts as at EOF;
# 0 or less means all of it (socat's "must be greater than 0" is not
# checked).  Between two sockets with splice and with the copy path.
seq 1 20000 >"$D/nums"
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	w=$(who "$tn")
	for o in readbytes=10 bytes=1000 readbytes=70000 readbytes=0 readbytes=-1; do
		case $o in *=0|*=-1) want=$(wc -c <"$D/nums") ;; *) want=${o#*=} ;; esac
		run_one_tool "$tool" rb 10 /dev/null -u OPEN:"$D/nums",$o STDOUT
		check_eq "$w: -u OPEN:f,$o STDOUT: exit code" 0 "$RUN_RC"
		check_eq "$w: -u OPEN:f,$o STDOUT: the first bytes of f" "$(head -c "$want" "$D/nums" | sha256sum)" "$(sha256sum <"$DR_DIR/rb.$tn.out")"
	done
	# The N bytes are all the peer sends until it sees the EOF's effect
	# (socat's own SOCKS5 test server reads its requests so): EOF at once.
	Q=$(free_port)
	bg "$SOCAT" -u SYSTEM:'printf abc; sleep 600' TCP-LISTEN:$Q,reuseaddr
	wait_listen "$Q"
	run_one_tool "$tool" rbq 20 /dev/null -u TCP:127.0.0.1:$Q,readbytes=3 STDOUT
	check_eq "$w: -u TCP:...,readbytes=3 STDOUT from a peer that then waits: exit code" 0 "$(rc_text "$RUN_RC")"
	check_eq "$w: ... the 3 bytes" abc "$(cat "$DR_DIR/rbq.$tn.out")"
	for env in "" RELAY_NO_SPLICE=1; do
		Q=$(free_port)
		bg "$SOCAT" -u OPEN:"$D/nums" TCP-LISTEN:$Q,reuseaddr
		wait_listen "$Q"
		timeout 10 env $env "$tool" -u TCP:127.0.0.1:$Q,readbytes=50000 STDOUT >"$D/rbt.$tn" 2>"$D/rbt.$tn.err"
		check_eq "$w: $env -u TCP:...,readbytes=50000 STDOUT: exit code" 0 "$?"
		check_eq "$w: $env -u TCP:...,readbytes=50000: the first 50000 bytes" "$(head -c 50000 "$D/nums" | sha256sum)" "$(sha256sum <"$D/rbt.$tn")"
		Q=$(free_port); P=$(free_port)
		bg "$SOCAT" -u OPEN:"$D/nums" TCP-LISTEN:$Q,reuseaddr
		wait_listen "$Q"
		bg env $env "$tool" -u TCP:127.0.0.1:$Q,readbytes=30000 TCP-LISTEN:$P,reuseaddr
		wait_listen "$P"
		timeout 10 "$SOCAT" -u TCP:127.0.0.1:$P - >"$D/rbs.$tn"
		check_eq "$w: $env TCP,readbytes=30000 to TCP-LISTEN (socket to socket): the first 30000 bytes" "$(head -c 30000 "$D/nums" | sha256sum)" "$(sha256sum <"$D/rbs.$tn")"
	done
done

finish
