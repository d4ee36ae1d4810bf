#!/usr/bin/env bash
# -ly and -lm: messages go to syslog (a local datagram socket at /dev/log
# that this test runs), with socat's priorities and text; -lm writes the
# start-up messages to stderr first.  Compared with the real socat.
. "$(dirname "$0")/lib.sh"
require "$SOCAT" unshare

# A private /dev/log: bound over the real one in a mount namespace when
# there is one, created (and removed at exit) when there is none.
if [ -e /dev/log ]; then
	run_logged() { unshare -m sh -c 'mount --bind "$1" /dev/log && shift && exec "$@"' sh "$TMP/log.sock" "$@"; }
else
	run_logged() { "$@"; }
fi
start_log() {
	rm -f "$TMP/log.sock" "$TMP/log"
	bg "$SOCAT" -u UNIX-RECV:"$TMP/log.sock" OPEN:"$TMP/log",creat,append
	for _ in $(seq 50); do [ -S "$TMP/log.sock" ] && break; sleep 0.1; done
	if [ ! -e /dev/log ] || [ -n "${OWN_DEVLOG:-}" ]; then
		ln -sf "$TMP/log.sock" /dev/log && OWN_DEVLOG=1
	fi
}
# in_log ERE: whether a line of the syslog matches, waiting up to 5 s for
# the receiver to write it down.
in_log() { wait_until 5 "no syslog line matches $1" grep -Eq "$1" "$TMP/log"; }
trap 't_cleanup; [ -n "${OWN_DEVLOG:-}" ] && rm -f /dev/log' EXIT
P=$(free_port)

for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	start_log
	run_logged timeout 5 "$tool" -ly TCP:127.0.0.1:$P - </dev/null 2>"$TMP/err.$w"
	check_eq "$w -ly: exit code" 1 "$?"
	check_eq "$w -ly: nothing on stderr" "" "$(cat "$TMP/err.$w")"
	# <27> = daemon (3<<3) | err (3).
	check "$w -ly: the E line reaches syslog as daemon.err" in_log "^<27>.* $w\[[0-9]+\]: E connect\("
	start_log
	run_logged timeout 5 "$tool" -lylocal3 -d -d TCP:127.0.0.1:$P - </dev/null 2>/dev/null
	# local3 = 19<<3 = 152: notice 157, err 155.
	check "$w -lylocal3 -d -d: notices as local3.notice" in_log "^<157>.* $w\[[0-9]+\]: N opening connection"
	check "$w -lylocal3: the error as local3.err" in_log "^<155>.* $w\[[0-9]+\]: E connect\("
	start_log
	run_logged timeout 5 "$tool" -lm -d -d - SYSTEM:true </dev/null 2>"$TMP/mixed.$w"
	check "$w -lm: start-up notices on stderr" grep -q ' N reading from and writing to stdio' "$TMP/mixed.$w"
	check "$w -lm: from the transfer on, syslog" in_log "^<29>.* $w\[[0-9]+\]: N starting data transfer loop"
	check "$w -lm: the transfer's lines are not on stderr" sh -c "! grep -q 'starting data transfer' '$TMP/mixed.$w'"
done
# A -lp name longer than a syslog line: the line is cut, nothing overruns
# (socat 1.7.4 aborts on it with a buffer overflow, so relay only).
long=$(head -c 1200 /dev/zero | tr '\0' a)
start_log
run_logged timeout 5 "$RELAY" -ly -lp "$long" TCP:127.0.0.1:$P - </dev/null 2>"$TMP/err.long"
check_eq "relay -ly -lp <1200 characters>: exit code" 1 "$?"
check "relay -ly -lp <1200 characters>: a line reaches syslog" in_log "aaaaaaaaaa"
timeout 5 "$RELAY" -lynosuchfacility TCP:127.0.0.1:$P - </dev/null 2>"$TMP/bad"
check_eq "-ly with an unknown facility: exit code" 1 "$?"
finish
