#!/usr/bin/env bash
# Differential: the options of EXEC/SYSTEM socat has and relay lacked:
# sigint, sighup, sigquit (the signal goes to the program, the tool goes on
# until it ends), the man page's recipe EXEC:bash,pty,stderr,setsid,sigint,
# sane; su= on any address (a program runs as the user; after another
# address is open the tool goes on as the user); fdin=, fdout=.  Each case
# runs with socat (the reference) and relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"
require bash

# A program that says what signal it got and exits with its own status.
cat >"$TMP/child.sh" <<'EOF'
#!/bin/sh
trap 'echo got-int; exit 3' INT
trap 'echo got-hup; exit 4' HUP
trap 'echo got-quit; exit 5' QUIT
echo ready
while :; do sleep 0.1; done
EOF
chmod +x "$TMP/child.sh"

# sigcase SIG OPTS: the tool runs the program with OPTS and gets SIG.
# Results: $TMP/sig.TOOL.{out,err,rc}.
sigcase() {
	local sig=$1 opts=$2 tool tn pid
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		# (stdin stays open, without EOF, while the sleep lives)
		bg bash -c 'exec "$@" < <(sleep 20)' sc "$tool" -d -d - "EXEC:$TMP/child.sh$opts" >"$TMP/sig.$tn.out" 2>"$TMP/sig.$tn.err"
		pid=$BG_PID
		wait_until 10 "no ready from the program under $tn" grep -q ready "$TMP/sig.$tn.out"
		kill "-$sig" "$pid"
		wait_gone "$pid" 10
		wait "$pid" 2>/dev/null
		echo $? >"$TMP/sig.$tn.rc"
	done
}
for c in "INT sigint got-int" "HUP sighup got-hup" "QUIT sigquit got-quit"; do
	set -- $c
	sigcase "$1" ",$2"
	check_eq "SIG$1 with $2: exit code as socat's" "$(cat "$TMP/sig.socat.rc")" "$(cat "$TMP/sig.relay.rc")"
	check_eq "SIG$1 with $2: the program exited with its status, so an exit code of 1" 1 "$(cat "$TMP/sig.relay.rc")"
	check "SIG$1 with $2: the program got the signal" grep -q "$3" "$TMP/sig.relay.out"
	check "SIG$1 with $2: its status is an E, as socat 1.7.4's" has_elog "$TMP/sig.relay.err"
done
# sigint does not pass SIGHUP: the tool ends on it, as socat
sigcase HUP ,sigint
check_eq "SIGHUP with sigint: exit code as socat's (129)" "$(cat "$TMP/sig.socat.rc")" "$(cat "$TMP/sig.relay.rc")"
check_eq "SIGHUP with sigint: the program did not get it" "" "$(grep got- "$TMP/sig.relay.out")"

# --- the man page's interactive shell: EXEC:bash,pty,stderr,setsid,sigint,sane
# (bash stays silent here without a controlling terminal, under socat as
# under relay; sh answers)
# shell TOOL SHELL: the lines of the conversation, the pty's CRs taken out
# and log lines left out.  (Not the exit code: socat 1.7.4 may exit 0 for a
# program that failed.  The echo of "exit 7" is left
# out too: whether it is read before the program's end is seen is a race.)
shell() {
	(sleep 0.5; printf 'echo $((6*7))\n'; sleep 1; printf 'exit 7\n') |
		timeout 10 "$1" -t 2 - EXEC:"$2",pty,stderr,setsid,sigint,sane 2>&1 |
		tr -d '\r' | sed -E 's/^(# |\$ )+//' | grep -Ev "$LOG_RE|^exit 7$"
}
for sh in bash sh; do
	a=$(shell "$SOCAT" $sh)
	b=$(shell "$RELAY" $sh)
	check_eq "EXEC:$sh,pty,stderr,setsid,sigint,sane: the conversation as under socat" "$a" "$b"
done
check "EXEC:sh,...,sigint: the shell answered" grep -qx 42 <<<"$b"

# --- su= beyond the listeners (as root only: it switches users)
if [ "$(id -u)" = 0 ] && id -u nobody >/dev/null 2>&1; then
	NB=$(id -u nobody)
	# sucase ARGS...: the user the program runs as, and the exit code
	sucase() {
		diff_run su -- "$@"
		check_eq "$*: exit code as socat's" "$DR_SOCAT_RC" "$DR_RELAY_RC"
		check_eq "$*: the program's user as under socat" "$(cat "$DR_DIR/su.socat.out" "$DR_DIR/su.socat.err" | grep -Ev "$LOG_RE")" "$(cat "$DR_DIR/su.relay.out" "$DR_DIR/su.relay.err" | grep -Ev "$LOG_RE")"
		check_eq "$*: the program runs as nobody" "$NB" "$(cat "$DR_DIR/su.relay.out" "$DR_DIR/su.relay.err" | grep -Ev "$LOG_RE")"
	}
	sucase -u SYSTEM:"id -u",su=nobody -
	sucase -u SYSTEM:"id -u",su-d=nobody -
	sucase -u EXEC:"id -u",substuser=nobody -
	sucase -u OPEN:/etc/hostname,su=nobody SYSTEM:"id -u >&2; while read -r l; do true; done"
	sucase -u STDIN,su=nobody SYSTEM:"id -u >&2; while read -r l; do true; done"
	# a file created after the switch belongs to root: su-d, as su, once
	# the address is open
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		run_one_tool "$tool" sufile 5 /dev/null -u SYSTEM:"echo x" OPEN:"$TMP/su.$tn",creat,su=nobody
		echo "$(stat -c %U "$TMP/su.$tn" 2>/dev/null) $RUN_RC" >"$TMP/su.$tn.owner"
	done
	check_eq "OPEN:...,creat,su=nobody: the file's owner and exit code as socat's" "$(cat "$TMP/su.socat.owner")" "$(cat "$TMP/su.relay.owner")"
else
	ok "# SKIP su=: not root"
fi

# --- fdin= and fdout=: the program reads and writes other fds than 0 and
# 1 (socketpair, pipes, a dual address's halves, and the two swapped); an
# end the program does not get is refused.
printf 'line one\nline two\n' >"$TMP/two-lines"
for spec in 'SYSTEM:cat <&3 >&4,fdin=3,fdout=4' 'SYSTEM:cat <&8 >&9,pipes,fdin=8,fdout=9' \
    'SYSTEM:cat >&6,fdout=6!!SYSTEM:cat <&7,fdin=7' 'SYSTEM:cat <&1 >&0,fdin=1,fdout=0'; do
	dcase "$spec: the lines come back" --in "$TMP/two-lines" --out "$TMP/two-lines" \
		-- -t 1 - "$spec"
done
dcase "fdin= on a program only read from" --rc 1 --emsg "option fdin is useless" \
	-- -U - SYSTEM:"echo x",fdin=3
dcase "fdout= on a program only written to" --rc 1 --emsg "option fdout is useless" \
	-- -u - SYSTEM:"cat >/dev/null",fdout=3
dcase "fdout=1 (the default, but given) on a program only written to" --rc 1 \
	--emsg "option fdout is useless" -- -u /dev/null EXEC:cat,fdout=1

finish
