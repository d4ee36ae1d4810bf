#!/usr/bin/env bash
# EXEC and SYSTEM on a pseudo terminal (pty, setsid, ctty), as people attach
# a shell: the program sees a terminal as its controlling tty, and the
# conversation matches socat's, the pts number masked.
. "$(dirname "$0")/lib.sh"

conv() {
	(printf 'tty; echo $((6*7)); test -t 0 && echo isatty; ps -o stat= -p $$\n'; sleep 1; echo exit) |
		timeout 10 "$1" -t 2 - EXEC:'sh -i',pty,setsid,ctty,stderr 2>&1 |
		sed -E 's#/dev/pts/[0-9]+#/dev/pts/N#'
}
a=$(conv "$SOCAT"); ra=$?
b=$(conv "$RELAY"); rb=$?
check_eq "EXEC:'sh -i',pty,setsid,ctty: relay's conversation is socat's" "$a" "$b"
check_eq "EXEC pty: exit code as socat's" "$ra" "$rb"
case $b in *"/dev/pts/N"*) ok "EXEC pty: the program's stdin is a pty" ;;
	*) not_ok "EXEC pty: the program's stdin is a pty (got: $b)" ;; esac
case $b in *42*isatty*) ok "EXEC pty: commands run, stdin is a terminal" ;;
	*) not_ok "EXEC pty: commands run, stdin is a terminal (got: $b)" ;; esac
# setsid makes the shell a session leader: 's' in its ps state.
case $b in *$'\n'Ss*) ok "EXEC pty,setsid,ctty: the shell leads its own session" ;;
	*) not_ok "EXEC pty,setsid,ctty: the shell leads its own session (got: $b)" ;; esac

got=$( (sleep 0.5; printf 'hello\n') | timeout 10 "$RELAY" -t 1 - SYSTEM:'stty -echo; read l; echo "got $l"',pty 2>&1 | tr -d '\r')
check_eq "SYSTEM pty: a line in, a line out" "got hello" "$got"
finish
