#!/usr/bin/env bash
# Soak: SOAK_SEQ connections one after another (default 3000; CI runs
# 20000), then SOAK_CONC at once (default 500; CI 2000), each an echoed
# line, through one fork listener.  Afterwards
# the listener's fd count, RSS (within 1 MiB) and child count are back where
# they started.  The backend is test/peer.pl's one-process echo server.
. "$(dirname "$0")/lib.sh"
require perl

SEQ=${SOAK_SEQ:-3000}
CONC=${SOAK_CONC:-500}
PEER=$TESTDIR/peer.pl

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

BP=$(free_port)
LP=$(free_port)
while [ "$LP" = "$BP" ]; do LP=$(free_port); done
bg perl "$PEER" echo-server "$BP" >/dev/null
wait_listen "$BP"
# -t 30: on a busy machine an echo can come later than the 0.5 s that
# relay (like socat) waits by default after the client's half-close.
bg "$RELAY" -t 30 TCP-LISTEN:"$LP",reuseaddr,fork,backlog=4096 TCP:127.0.0.1:"$BP" 2>"$TMP/err"
R=$BG_PID
wait_listen "$LP"
# One connection first, so that whatever a first accept() and fork() set up
# for good is in the starting figures.
got=$(timeout 30 perl "$PEER" seq "$LP" 1 20)
check_eq "a first connection is served" 1 "$got"
sleep 0.5
fd0=$(fd_count "$R")
rss0=$(rss "$R")
ch0=$(nchildren "$R")
echo "# start: $fd0 fds, RSS $rss0 KiB, $ch0 children"

start=$SECONDS
got=$(timeout 170 perl "$PEER" seq "$LP" "$SEQ" 160)
echo "# $SEQ sequential connections in $((SECONDS - start)) s"
check_eq "$SEQ sequential connections all served" "$SEQ" "$got"

start=$SECONDS
got=$(timeout 170 perl "$PEER" echo-many "$LP" "$CONC" 160)
echo "# $CONC concurrent connections in $((SECONDS - start)) s"
check_eq "$CONC concurrent connections all served" "$CONC" "$got"

i=0
while [ $i -lt 300 ] && [ "$(nchildren "$R")" -gt "$ch0" ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
fd1=$(fd_count "$R")
rss1=$(rss "$R")
ch1=$(nchildren "$R")
echo "# end: $fd1 fds, RSS $rss1 KiB, $ch1 children"
check "the listener lives" kill -0 "$R"
check_eq "the listener's fd count is back" "$fd0" "$fd1"
check "the listener's RSS is back within 1 MiB ($rss0 -> $rss1 KiB)" test "$rss1" -le $((rss0 + 1024))
check_eq "the listener's child count is back" "$ch0" "$ch1"
check_eq "no zombie" 0 "$(zombies "$R")"
check "no error logged" test ! -s "$TMP/err"
finish
