#!/usr/bin/env bash
# Traffic dumps: -v, -x and -v -x print what socat prints for the same
# traffic, once the timestamps are masked; -r/-R files hold each
# direction's raw bytes; dumping never changes the data relayed.  The
# traffic has binary data, a lone \r, lines longer than 16 bytes and
# blocks in both directions.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"

# mask FILE: the dump with its timestamps replaced.  With -v, a block that
# does not end in a newline runs on into the next header, on the same line.
mask() { sed -E 's/([<>]) [0-9]{4}\/[0-9]{2}\/[0-9]{2} [0-9:]{8}\.[0-9]+  length=/\1 T  length=/g' "$1"; }

printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\nalone\rcr\x01\x02\xff binary and a line longer than sixteen bytes\n' >"$TMP/req"
head -c 300 /dev/urandom >"$TMP/bin"
printf 'HTTP/1.0 200 OK\r\n\r\n' >"$TMP/reply"
cat "$TMP/bin" >>"$TMP/reply"

for flags in "-v" "-x" "-v -x"; do
	for tool in "$SOCAT" "$RELAY"; do
		w=$(basename "$tool")
		P=$(free_port)
		# The server answers only after the whole request, so both tools
		# see the same blocks in the same order.
		bg sh -c "exec $SOCAT -t 5 TCP-LISTEN:$P,reuseaddr SYSTEM:'head -c $(wc -c <"$TMP/req") >/dev/null; cat \"$TMP/reply\"'" 
		srv=$BG_PID
		wait_listen "$P" || not_ok "$w $flags: server listens"
		# Request in one write, reply in one block.
		timeout 10 $tool $flags -t 2 OPEN:"$TMP/req"!!CREATE:"$TMP/got.$w" TCP:127.0.0.1:$P 2>"$TMP/dump.$w.raw"
		check_eq "$w $flags: exit code" 0 "$?"
		check "$w $flags: the reply arrived unchanged" cmp -s "$TMP/reply" "$TMP/got.$w"
		mask "$TMP/dump.$w.raw" >"$TMP/dump.$w"
		kill "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null
	done
	check "relay $flags prints what socat prints" cmp -s "$TMP/dump.socat" "$TMP/dump.relay"
	if ! cmp -s "$TMP/dump.socat" "$TMP/dump.relay"; then
		diff "$TMP/dump.socat" "$TMP/dump.relay" | head -10 | sed 's/^/# /'
	fi
	grep -q '^> T  length=' "$TMP/dump.relay"
	check_eq "relay $flags: a header for the request" 0 $?
	grep -q '^< T  length=' "$TMP/dump.relay"
	check_eq "relay $flags: a header for the reply" 0 $?
done

# Blocks whose dump is far longer than the data: 8192-byte blocks of short
# lines (a hex row for each newline) and of binary, read from a file, so that
# both tools see the same blocks.
{ head -c 8192 /dev/zero | tr '\0' '\n'; for i in $(seq 2000); do printf 'a\n\r\n'; done
  head -c 20000 /dev/urandom; } >"$TMP/dense"
for flags in "-v" "-x" "-v -x"; do
	for tool in "$SOCAT" "$RELAY"; do
		w=$(basename "$tool")
		timeout 20 $tool $flags -u OPEN:"$TMP/dense" CREATE:"$TMP/dense.$w" 2>"$TMP/dense.$w.raw"
		check_eq "$w $flags, dense blocks: exit code" 0 "$?"
		check "$w $flags, dense blocks: the data arrived unchanged" cmp -s "$TMP/dense" "$TMP/dense.$w"
		mask "$TMP/dense.$w.raw" >"$TMP/dense.$w.dump"
	done
	check "relay $flags, dense blocks: prints what socat prints" cmp -s "$TMP/dense.socat.dump" "$TMP/dense.relay.dump"
done

# -r and -R: each direction's raw bytes, in a file.
P=$(free_port)
bg sh -c "exec $SOCAT -t 5 TCP-LISTEN:$P,reuseaddr SYSTEM:'cat >/dev/null; cat \"$TMP/reply\"'"
wait_listen "$P"
timeout 10 "$RELAY" -r "$TMP/r.out" -R "$TMP/R.out" -t 2 OPEN:"$TMP/req"!!CREATE:"$TMP/got.r" TCP:127.0.0.1:$P
check_eq "-r -R: exit code" 0 "$?"
check "-r holds the left-to-right bytes" cmp -s "$TMP/req" "$TMP/r.out"
check "-R holds the right-to-left bytes" cmp -s "$TMP/reply" "$TMP/R.out"
check "-r -R: the reply arrived unchanged" cmp -s "$TMP/reply" "$TMP/got.r"

# -r given twice: the last one is used, and the first file is never made.
printf 'twice\n' >"$TMP/twice"
timeout 10 "$RELAY" -r "$TMP/r.first" -r "$TMP/r.second" -u - /dev/null <"$TMP/twice"
check "-r twice: the first file is not made" test ! -e "$TMP/r.first"
check "-r twice: the second file holds the bytes" cmp -s "$TMP/twice" "$TMP/r.second"

# socat 1.8's -r and -R file names: opened once both addresses are open
# (a fork child opens its own), appended to, with variables expanded:
# $PROGNAME (-lp), the environment's (the connection's SRV_PEERADDR too),
# $$ the pid of the process that transfers, $TIMESTAMP and $MICROS; \$ is
# a $.  Against socat 1.8: the names made (digits masked), their bytes.
need_socat18
# shape DIR: DIR's file names with digits masked, each with its bytes.
shape() {
	local f
	for f in "$1"/*; do
		printf '%s: %s\n' "$(basename "$f" | sed -E 's/[0-9]+/N/g')" "$(tr '\n' ' ' <"$f")"
	done | sort
}
for tool in "$S18" "$RELAY"; do
	set_tool "$tool"
	d=$TMP/sniff.$tn
	mkdir -p "$d/one" "$d/fork" "$d/bad"
	printf 'old\n' >"$d/one/app.sniffer"
	SNIFF=$d/one timeout 10 "$tool" -lp sniffer -r '$SNIFF/v.$PROGNAME.$UNSET_NAME.\$x.$$' \
		-R '$SNIFF/app.$PROGNAME' - SYSTEM:'cat; echo new' <"$TMP/twice" >/dev/null
	echo "rc $?" >"$d/one.rc"
	SNIFF=$d/one timeout 10 "$tool" -r '$SNIFF/t.$TIMESTAMP.$MICROS' -u - /dev/null <"$TMP/twice"
	echo "rc $?" >>"$d/one.rc"
	shape "$d/one" >>"$d/one.rc"
	P=$(free_port)
	SNIFF=$d/fork bg "$tool" -T 2 -lp srv -r '$SNIFF/$PROGNAME-$SRV_PEERADDR-$$.in' -R '$SNIFF/$$.out' \
		TCP4-LISTEN:$P,reuseaddr,fork PIPE
	srv=$BG_PID
	wait_listen "$P"
	check_eq "$w: a fork listener's -r and -R files: none before a client" "" "$(ls "$d/fork")"
	for c in one two; do
		echo "$c" | timeout 10 "$SOCAT" -t 2 - TCP4:127.0.0.1:$P >/dev/null
	done
	wait_until 10 "four files" test "$(ls "$d/fork" | wc -l)" -eq 4
	stop_tool "$srv"
	shape "$d/fork" >"$d/fork.shape"
	timeout 10 "$tool" -r "$d/bad/none/x" -u - /dev/null <"$TMP/twice" 2>"$d/bad.err"
	echo "rc $?" >"$d/bad.rc"
	has_elog "$d/bad.err" && echo E >>"$d/bad.rc"
done
check_eq "-r and -R with variables, \\\$, an unset name, an existing file: names and bytes as socat 1.8's" \
	"$(cat "$TMP/sniff.socat18/one.rc")" "$(cat "$TMP/sniff.relay/one.rc")"
check "-r with \$TIMESTAMP.\$MICROS: a name of that shape" grep -Eq '^t\.NTN\.N: ' "$TMP/sniff.relay/one.rc"
check_eq "-R to an existing file: appended to" "old twice new" "$(xargs <"$TMP/sniff.relay/one/app.sniffer")"
check "-r with \$PROGNAME, an unset name, \\\$ and \$\$" grep -q '^v\.sniffer\.\.\$x\.N: twice $' "$TMP/sniff.relay/one.rc"
check_eq "a fork listener: a file per child and direction, as socat 1.8's" \
	"$(cat "$TMP/sniff.socat18/fork.shape")" "$(cat "$TMP/sniff.relay/fork.shape")"
check_eq "a fork listener: the names hold -lp, the client's address and the child's pid" \
	"N.out: one |N.out: two |srv-N.N.N.N-N.in: one |srv-N.N.N.N-N.in: two |" \
	"$(tr '\n' '|' <"$TMP/sniff.relay/fork.shape")"
check_eq "-r to a directory that does not exist: exit code and E as socat 1.8's" \
	"$(cat "$TMP/sniff.socat18/bad.rc")" "$(cat "$TMP/sniff.relay/bad.rc")"

# -lf FILE then -ls: the log goes to stderr, and FILE is not kept open;
# -lf given twice: only the second file is.
got=$(timeout 10 "$RELAY" -lf "$TMP/l.first" -ls -U - \
	SYSTEM:'ls -l /proc/$PPID/fd' 2>&1 </dev/null)
check_eq "-lf FILE -ls: FILE is not held open" 0 "$(grep -c 'l\.first' <<<"$got")"
got=$(timeout 10 "$RELAY" -lf "$TMP/l.first" -lf "$TMP/l.second" -U - \
	SYSTEM:'ls -l /proc/$PPID/fd' 2>&1 </dev/null)
check_eq "-lf twice: the first file is not held open" 0 "$(grep -c 'l\.first' <<<"$got")"
check_eq "-lf twice: the second file is" 1 "$(grep -c 'l\.second' <<<"$got")"
timeout 10 "$RELAY" -lf "$TMP/l.third" -ls - TCP:127.0.0.1:1 </dev/null 2>"$TMP/l.err"
check_eq "-lf FILE -ls: the E line goes to stderr" 1 "$(grep -Ec "$ELOG_RE" "$TMP/l.err")"
check_eq "-lf FILE -ls: nothing goes to FILE" 0 "$(wc -c <"$TMP/l.third")"

# With fork, each child dumps its own connection.
P=$(free_port); Q=$(free_port)
bg "$SOCAT" TCP-LISTEN:$Q,fork,reuseaddr PIPE
wait_listen "$Q"
bg sh -c "exec '$RELAY' -v TCP-LISTEN:$P,fork,reuseaddr TCP:127.0.0.1:$Q 2>'$TMP/fork.dump'"
wait_listen "$P"
for i in 1 2 3; do
	got=$(printf 'conn%s\n' "$i" | timeout 5 "$SOCAT" -t 1 - TCP:127.0.0.1:$P)
	check_eq "fork -v: connection $i echoed unchanged" "conn$i" "$got"
done
dumped() { [ "$(grep -c '^[<>] .*length=6 from=0 to=5$' "$TMP/fork.dump")" -ge 6 ]; }
wait_until 5 "fewer than 6 dump lines" dumped
check_eq "fork -v: each connection dumped both ways" 6 "$(grep -c '^[<>] .*length=6 from=0 to=5$' "$TMP/fork.dump")"
finish
