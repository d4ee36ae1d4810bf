#!/usr/bin/env bash
# Under valgrind: a fork listener's parent serves VG_CONN
# connections (default 1000: echoed lines, one after another, then 100 at
# once) and must stay clean: no invalid access, no leak, valgrind's error
# exit code (9) not used when SIGTERM ends it (143).  The children run
# under valgrind too; their findings are shown and counted as well.
# valgrind cannot run an AddressSanitizer build (make SANITIZE=1): then the
# check runs on a plain build of the same relay.c, made here.
. "$(dirname "$0")/lib.sh"

require valgrind perl
if grep -q __asan_init "$RELAY" 2>/dev/null; then
	echo "# $RELAY is built with AddressSanitizer: valgrind checks a plain build of $TOP/relay.c"
	check "a plain build of relay.c for valgrind" \
		"${CC:-cc}" -O2 -g -Wall -Wextra -I"$TOP" -o "$TMP/relay" "$TOP/relay.c"
	RELAY=$TMP/relay
fi
N=${VG_CONN:-1000}
PEER=$TESTDIR/peer.pl

BP=$(free_port)
LP=$(free_port)
while [ "$LP" = "$BP" ]; do LP=$(free_port); done
bg perl "$PEER" echo-server "$BP" >/dev/null
wait_listen "$BP"
# -t 30: under valgrind an echo can come later than the default 0.5 s wait
# after the client's half-close.
bg valgrind -q --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --track-fds=no \
	--log-file="$TMP/vg.%p" "$RELAY" -t 30 TCP-LISTEN:"$LP",reuseaddr,fork,backlog=256 \
	TCP:127.0.0.1:"$BP" 2>"$TMP/err"
R=$BG_PID
wait_listen "$LP" 30
seqn=$((N > 100 ? N - 100 : N))
conc=$((N - seqn))
start=$SECONDS
got=$(timeout 170 perl "$PEER" seq "$LP" "$seqn" 160)
check_eq "under valgrind: $seqn sequential connections served" "$seqn" "$got"
if [ "$conc" -gt 0 ]; then
	got=$(timeout 100 perl "$PEER" echo-many "$LP" "$conc" 90)
	check_eq "under valgrind: $conc concurrent connections served" "$conc" "$got"
fi
echo "# $N connections in $((SECONDS - start)) s"
i=0
while [ $i -lt 300 ] && [ "$(pgrep -P "$R" | wc -l)" -gt 0 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$R"
wait "$R"
rc=$?
check_eq "the listener parent under valgrind exits 143 on SIGTERM (9: valgrind found errors)" 143 "$rc"
log=$TMP/vg.$R
if [ -s "$log" ]; then
	not_ok "valgrind reports for the listener parent: $(grep -Ev '^==[0-9]+== *$' "$log" | head -n 12 | cut -c1-160 | tr '\n' '|')"
else
	ok "no valgrind report for the listener parent"
fi
bad=0
for f in "$TMP"/vg.*; do
	[ "$f" = "$log" ] || [ ! -s "$f" ] && continue
	bad=$((bad + 1))
	[ $bad -le 2 ] && sed 's/^/# child: /' "$f" | head -n 20
done
check_eq "no valgrind report for any child" 0 "$bad"
finish
