#!/usr/bin/env bash
# EXEC and SYSTEM on a pseudo terminal (pty, setsid, ctty), as people attach
# a shell: the program sees a terminal as its controlling tty, and the
# conversation matches socat's, the pts number masked.
. "$(dirname "$0")/lib.sh"

# The conversation with the shell's "# " prompts taken out: whether a prompt
# comes before or after the terminal's echo of the input is timing (the
# prompt itself is checked in the script(1) case below).
conv() {
	(printf 'tty; echo $((6*7)); test -t 0 && echo isatty; ps -o stat= -p $$\n'; sleep 1; echo exit) |
		timeout 10 "$1" -t 2 - EXEC:'sh -i',pty,setsid,ctty,stderr 2>&1 |
		sed -E 's#/dev/pts/[0-9]+#/dev/pts/N#; s/^(# )+//; s/^[RS](s[^ ]*)$/-\1/'
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
# (ps's first letter, R or S, is whether the shell happened to be running
# as ps looked: masked to "-" above; the "s" after it is the session leader)
case $b in *$'\n'-s*) ok "EXEC pty,setsid,ctty: the shell leads its own session" ;;
	*) not_ok "EXEC pty,setsid,ctty: the shell leads its own session (got: $b)" ;; esac

# A real terminal: script(1) gives the tool a pty of its own as stdin and
# stdout, as a person at a terminal has, and the tool attaches a shell to it
# with -,raw,echo=0 and EXEC:sh,pty,setsid,ctty.  The shell prompts, runs
# commands, leads its own session with its pty as controlling tty; the
# outer terminal's settings are back once the tool has ended.
term() {
	(sleep 0.5; printf 'echo $((6*7))\n'; sleep 0.3
	 printf 'ps -o pid=,sid=,tty= -p $$\n'; sleep 0.3; printf 'exit\n'; sleep 0.5) |
		timeout 15 script -qec "stty -g; $1 -,raw,echo=0 EXEC:sh,pty,setsid,ctty; stty -g" /dev/null |
		tr -d '\r'
}
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	out=$(term "$tool")
	check_eq "$w in script(1): exit code" 0 "$?"
	case $out in *'# '*) ok "$w in script(1): the shell prompts" ;;
		*) not_ok "$w in script(1): the shell prompts (got: $out)" ;; esac
	# (the next prompt may come before or after it, as the shell runs)
	check "$w in script(1): a command's output comes back" grep -Eq '^(# )?42$' <<<"$out"
	# "pid sid pts/N": pid equal to sid, and a pts as controlling tty
	check "$w in script(1): the shell leads its session, its pty as controlling tty" \
		awk '{ sub(/^(# )+/, "") } $1 == $2 && $3 ~ /^pts\/[0-9]+$/ { f = 1 } END { exit !f }' <<<"$out"
	before=$(sed -n 1p <<<"$out")
	after=$(tail -n 1 <<<"$out")
	check "$w in script(1): stty -g printed before and after" grep -q ':' <<<"$before$after"
	check_eq "$w in script(1): the terminal's settings are restored at exit" "$before" "$after"
done

# The pty is set up before the program runs: input that comes at once
# meets raw and echo=0 already, not the default echo and line editing.
# Five tries each, as it was a race.  (The input's EOF comes 1 s later, so
# that -t 0.3 is not also the time the program has to start and answer in.)
head -c 3000 /dev/urandom >"$TMP/b3k"
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	n5=0
	for i in 1 2 3 4 5; do
		got=$( (printf 'abc\n'; sleep 1) | timeout 10 "$tool" -t 0.3 - EXEC:cat,pty,echo=0 | od -An -c | tr -s ' ')
		[ "$got" = " a b c \r \n" ] && n5=$((n5 + 1))
	done
	check_eq "$w: - EXEC:cat,pty,echo=0, input at once: abc\\r\\n back, no echo (of 5 tries)" 5 "$n5"
	n5=0
	for i in 1 2 3 4 5; do
		P=$(free_port)
		bg "$tool" TCP-LISTEN:$P,reuseaddr EXEC:cat,pty,raw,echo=0
		wait_listen "$P"
		(cat "$TMP/b3k"; sleep 1) | timeout 10 "$SOCAT" -t 1 - TCP:127.0.0.1:$P >"$TMP/b3k.$w" 2>/dev/null
		cmp -s "$TMP/b3k" "$TMP/b3k.$w" && n5=$((n5 + 1))
		wait_gone "$BG_PID" 5
	done
	check_eq "$w: TCP-LISTEN EXEC:cat,pty,raw,echo=0: 3000 binary bytes come back unchanged (of 5 tries)" 5 "$n5"
done

# (the line is typed once the program has turned echo off: it leaves a mark)
got=$( (i=0; until [ -e "$TMP/ready" ] || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done; printf 'hello\n') |
	timeout 10 "$RELAY" -t 1 - SYSTEM:'stty -echo; touch '"$TMP"'/ready; read l; echo "got $l"',pty 2>&1 | tr -d '\r')
check_eq "SYSTEM pty: a line in, a line out" "got hello" "$got"
finish
