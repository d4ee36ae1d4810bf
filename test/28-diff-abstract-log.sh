#!/usr/bin/env bash
# ABSTRACT-LISTEN/-CONNECT/-CLIENT (Linux's abstract UNIX namespace), each
# side against the real socat; the log format flags -lu, -lh, -ls, -lp; the
# lock files of -L and -W; SOCKETPAIR.
. "$(dirname "$0")/lib.sh"

name=relay-test-$$-$RANDOM
for server in "$SOCAT" "$RELAY"; do
	for client in "$SOCAT" "$RELAY"; do
		s=$(basename "$server"); c=$(basename "$client")
		n=$name-$s-$c
		# (-t 5: the client's EOF comes with its line, before the
		# child's program has answered; a child still ends with it)
		bg "$server" -t 5 ABSTRACT-LISTEN:$n,fork SYSTEM:'read l; echo "got $l"'
		wait_until 10 "nothing listens on @$n" sh -c 'ss -Hxl | grep -qF "@$1 "' _ "$n" ||
			not_ok "$s listens on @$n"
		for t in ABSTRACT-CONNECT ABSTRACT-CLIENT ABSTRACT; do
			got=$(echo hello | timeout 5 "$client" -t 2 - $t:$n)
			check_eq "$s listens, $c connects with $t" "got hello" "$got"
		done
		check "$s: no file for an abstract socket" test ! -e "$n"
		kill "$BG_PID" 2>/dev/null
	done
done
timeout 5 "$RELAY" - ABSTRACT-CONNECT:$name-none </dev/null 2>"$TMP/err"
check_eq "ABSTRACT-CONNECT to nothing: exit code" 1 "$?"
check "ABSTRACT-CONNECT to nothing: an E line" grep -q ' E connect' "$TMP/err"

# Log flags: the same line shapes as socat's for a refused connect.
P=$(free_port)
shape() { sed -E 's/^[0-9]{4}\/[0-9]{2}\/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/; s/\.[0-9]{6} / USEC /; s/\[[0-9]+\]/[PID]/; s/connect\([0-9]+,/connect(FD,/'; }
for flags in "-lu" "-lh" "-ls" "-lu -lh" "-lp myname"; do
	a=$(timeout 5 "$SOCAT" $flags TCP:127.0.0.1:$P - </dev/null 2>&1 | shape)
	b=$(timeout 5 "$RELAY" $flags TCP:127.0.0.1:$P - </dev/null 2>&1 | shape | sed 's/relay\[/socat[/')
	check_eq "$flags: the log line has socat's shape" "$a" "$b"
done
HOSTNAME=somehost timeout 5 "$RELAY" -lh TCP:127.0.0.1:$P - </dev/null 2>"$TMP/lh"
check "-lh takes \$HOSTNAME" grep -q ' somehost relay\[' "$TMP/lh"
timeout 5 "$RELAY" -lp myname TCP:127.0.0.1:$P - </dev/null 2>"$TMP/lp"
check "-lp names the program in log lines" grep -q ' myname\[[0-9]*\] E ' "$TMP/lp"
# Lock files: -L refuses when the file exists, -W waits for it; the file
# is gone again when the tool ends.
for tool in "$SOCAT" "$RELAY"; do
	w=$(basename "$tool")
	lock=$TMP/lock.$w
	got=$(echo held | timeout 5 "$tool" -L "$lock" -u - STDOUT)
	check_eq "$w -L: runs when the lock file is free" held "$got"
	check "$w -L: the lock file is removed at exit" test ! -e "$lock"
	touch "$lock"
	timeout 5 "$tool" -L "$lock" -u - STDOUT </dev/null 2>"$TMP/lerr"
	check_eq "$w -L: exit code when the lock file exists" 1 "$?"
	check "$w -L: an E line when the lock file exists" grep -q '\] E ' "$TMP/lerr"
	(sleep 1; rm -f "$lock") &
	got=$(echo waited | timeout 10 "$tool" -W "$lock" -u - STDOUT)
	check_eq "$w -W: runs once the lock file is gone" waited "$got"
	wait
done

# SOCKETPAIR: an echo, like PIPE.
got=$(echo pair | timeout 5 "$RELAY" - SOCKETPAIR)
check_eq "SOCKETPAIR echoes" pair "$got"
finish
