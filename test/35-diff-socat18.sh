#!/usr/bin/env bash
# The socat 1.8 features relay has and socat 1.7.4 lacks or does
# differently: --statistics, SIGUSR1, SHELL:, -s (sloppy) and -D.  Each case
# runs through socat 1.8 (built by test/socat18; the reference: its own
# result is checked first, "socat 1.8 (reference): ...") and then through
# relay with the same command line; the scenario compares the exit codes,
# the bytes the peers received and the log lines, with the timestamp, the
# program name and the pid masked (pids are numbered in order of first
# appearance, so a fork listener's lines and its children's stay apart).
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/diff.sh"

need_socat18
T18=("$S18" "$RELAY")
D=$TMP/s18
mkdir -p "$D"

# tn TOOL: "socat18", "socat" (1.7.4) or "relay" (diff.sh's tool_name).
tn() { tool_name "$1"; }

# runt TOOL NAME SECS STDIN ARGS...: diff.sh's run_one_tool into $D:
# $D/NAME.<tn>.out, .err; the exit code in $RUN_RC.
runt() { DR_DIR=$D run_one_tool "$@"; }

# mask FILE: FILE's log lines with the timestamp, the program name and the
# pid masked: "T prog[P1] L message", P1 for the first pid seen, P2 for
# the next, ...  Other lines are left as they are.
mask() {
	sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [^ []+\[([0-9]+)\] #T prog[\1] #' "$1" |
	awk '/^T prog\[[0-9]+\] / {
		i = index($0, "]"); pid = substr($0, 8, i - 8)
		if (!(pid in n)) n[pid] = ++k
		$0 = "T prog[P" n[pid] "]" substr($0, i + 1)
	} { print }'
}

# same_log DESC: the masked logs $D/$1.socat18.err and $D/$1.relay.err are
# the same; on failure the difference is shown.
same_log() {
	local name=$1 desc=$2
	mask "$D/$name.socat18.err" >"$D/$name.socat18.m"
	mask "$D/$name.relay.err" >"$D/$name.relay.m"
	if cmp -s "$D/$name.socat18.m" "$D/$name.relay.m"; then
		ok "$desc"
	else
		not_ok "$desc"
		diff "$D/$name.socat18.m" "$D/$name.relay.m" | head -12 | sed 's/^/# /'
	fi
}

# expect_log DESC FILE EXPECTED: the masked log FILE is EXPECTED (lines).
expect_log() {
	local got
	got=$(mask "$2")
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diff <(printf '%s\n' "$3") <(printf '%s\n' "$got") | head -12 | sed 's/^/# /'
	fi
}

# alive PID: PID is a live process.
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# wait_lines FILE N [SECONDS]: wait until FILE has at least N lines.
wait_lines() { wait_until "${3:-10}" "$1: fewer than $2 lines" has_lines "$1" "$2"; }
# wait_grep FILE REGEX [SECONDS]: wait until a line of FILE matches REGEX.
wait_grep() { wait_until "${3:-10}" "$1: no line matches $2" grep -Eq "$2" "$1"; }

# end_bg PID [SECONDS]: wait for PID (a child of this shell) to end, at
# most SECONDS (10), killing it after; its exit code in $BG_RC.
end_bg() {
	wait_gone "$1" "${2:-10}" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	BG_RC=$?
}

# STAT L2R R2L: the three lines --statistics and SIGUSR1 print (masked, pid
# P1), each count "packets bytes", right-aligned as socat does.
stat_lines() {
	local lp=${1% *} lb=${1#* } rp=${2% *} rb=${2#* } wp wb
	wp=$(( ${#lp} > ${#rp} ? ${#lp} : ${#rp} ))
	wb=$(( ${#lb} > ${#rb} ? ${#lb} : ${#rb} ))
	echo "T prog[P${3:-1}] W statistics are experimental"
	printf 'T prog[P%s] I STATISTICS: left to right: %*s packets(s), %*s byte(s)\n' "${3:-1}" "$wp" "$lp" "$wb" "$lb"
	printf 'T prog[P%s] I STATISTICS: right to left: %*s packets(s), %*s byte(s)\n' "${3:-1}" "$wp" "$rp" "$wb" "$rb"
}

head -c 100000 /dev/urandom >"$TMP/big"
printf '123456789\n' >"$TMP/reply10"

# ------------------------------------------------ --statistics, chunking
# The left side gets "a", then (once it came back through PIPE) "bc": two
# reads each way.  The input is a FIFO this shell writes to, so the
# chunks do not depend on timing.
for tool in "${T18[@]}"; do
	n=$(tn "$tool"); w=$(who "$n")
	rm -f "$D/chunks.fifo"; mkfifo "$D/chunks.fifo"
	exec 7<>"$D/chunks.fifo"
	bg_in "$D/chunks.fifo" "$tool" --statistics - PIPE >"$D/chunks.$n.out" 2>"$D/chunks.$n.err" 7>&-
	pid=$BG_PID
	printf a >&7
	wait_file_size "$D/chunks.$n.out" 1
	printf bc >&7
	wait_file_size "$D/chunks.$n.out" 3
	exec 7>&-
	end_bg "$pid"
	check_eq "$w: --statistics - PIPE: exit code" 0 "$BG_RC"
	check_eq "$w: --statistics - PIPE: the bytes came back" abc "$(cat "$D/chunks.$n.out")"
done
expect_log "socat 1.8 (reference): --statistics - PIPE, chunks a|bc: 2 packets, 3 bytes each way" \
	"$D/chunks.socat18.err" "$(stat_lines "2 3" "2 3")"
same_log chunks "relay: --statistics - PIPE, chunks a|bc: the log lines are socat 1.8's"

# -d, -dd: the lines are there whatever the log level ("W ... experimental"
# even at -d0); compared at -d0 and -d (-dd adds N lines whose wording
# differs).
for d in -d0 -d; do
	for tool in "${T18[@]}"; do
		n=$(tn "$tool")
		printf xyz >"$D/lvl.in"
		runt "$tool" "lvl$d" 10 "$D/lvl.in" $d --statistics - PIPE
		check_eq "$(who "$n"): $d --statistics - PIPE: exit code" 0 "$RUN_RC"
		check_eq "$(who "$n"): $d --statistics - PIPE: the bytes came back" xyz "$(cat "$D/lvl$d.$n.out")"
	done
	expect_log "socat 1.8 (reference): $d --statistics: 1 packet, 3 bytes each way" \
		"$D/lvl$d.socat18.err" "$(stat_lines "1 3" "1 3")"
	same_log "lvl$d" "relay: $d --statistics: the log lines are socat 1.8's"
done

# 100000 bytes from a file (reads of -b 8192: 13 packets) against a
# 10-byte reply: the columns right-aligned to the wider number.  socat
# 1.8's SYSTEM runs the command through system() in a forked socat
# process, which logs "transfer engine not yet started" when it exits;
# relay runs the shell directly, so that helper's line is left out: only
# the lines of the process that logged the statistics are compared.
# main_only FILE: the lines of FILE with the pid of its STATISTICS lines.
main_only() {
	awk 'NR == FNR { if (/ I STATISTICS: / && match($0, /\[[0-9]+\]/)) p = substr($0, RSTART, RLENGTH); next }
		p != "" && index($0, p) > 0' "$1" "$1"
}
big_cmd='cat >/dev/null; echo 123456789'
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	runt "$tool" big 20 "$TMP/big" --statistics - SYSTEM:"$big_cmd"
	check_eq "$(who "$n"): 100000 bytes vs a 10-byte reply: exit code" 0 "$RUN_RC"
	same_file "$(who "$n"): 100000 bytes vs a 10-byte reply: the reply arrived" "$TMP/reply10" "$D/big.$n.out"
	main_only "$D/big.$n.err" >"$D/bigm.$n.err"
done
check_eq "socat 1.8 (reference): SYSTEM's helper process logs just 'not yet started' (not compared)" \
	"T prog[P1] W transfer engine not yet started, statistics not available" \
	"$(grep -vxFf "$D/bigm.socat18.err" "$D/big.socat18.err" | mask /dev/stdin)"
expect_log "socat 1.8 (reference): 100000 bytes in 13 packets, 10 bytes in 1, right-aligned" \
	"$D/bigm.socat18.err" "$(stat_lines "13 100000" "1 10")"
same_log bigm "relay: 100000 bytes vs a 10-byte reply: the log lines are socat 1.8's"
# relay's read/write copy path counts the same.
RELAY_NO_SPLICE=1 runt "$RELAY" bigns 20 "$TMP/big" --statistics - SYSTEM:"$big_cmd"
check_eq "relay (RELAY_NO_SPLICE=1): 100000 bytes vs 10: exit code" 0 "$RUN_RC"
same_file "relay (RELAY_NO_SPLICE=1): 100000 bytes vs 10: the reply arrived" "$TMP/reply10" "$D/bigns.relay.out"
cp "$D/bigm.socat18.err" "$D/bigns.socat18.err"
same_log bigns "relay (RELAY_NO_SPLICE=1): 100000 bytes vs 10: the log lines are socat 1.8's"

# The same through a pipe: the chunking is the kernel's, so only the
# byte counts are compared.
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	cat "$TMP/big" | timeout 20 "$tool" --statistics - SYSTEM:"$big_cmd" >"$D/bigp.$n.out" 2>"$D/bigp.$n.err"
	rc=${PIPESTATUS[1]}
	check_eq "$(who "$n"): 100000 bytes through a pipe: exit code" 0 "$rc"
	same_file "$(who "$n"): 100000 bytes through a pipe: the reply arrived" "$TMP/reply10" "$D/bigp.$n.out"
	main_only "$D/bigp.$n.err" >"$D/bigp.$n.main"
	mask "$D/bigp.$n.main" | sed -E 's/ +[0-9]+ packets\(s\), +/ P packets(s), /' >"$D/bigp.$n.m"
done
check_eq "socat 1.8 (reference): 100000 bytes through a pipe: the byte counts" \
	"$(stat_lines "1 100000" "1 10" | sed -E 's/ +[0-9]+ packets\(s\), +/ P packets(s), /')" "$(cat "$D/bigp.socat18.m")"
check_eq "relay: 100000 bytes through a pipe: the log lines are socat 1.8's (packets masked)" \
	"$(cat "$D/bigp.socat18.m")" "$(cat "$D/bigp.relay.m")"

# -b 1000: 100 packets.
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	runt "$tool" b1000 20 "$TMP/big" -b 1000 --statistics -u - CREATE:"$D/b1000.$n.file"
	check_eq "$(who "$n"): -b 1000 -u: exit code" 0 "$RUN_RC"
	same_file "$(who "$n"): -b 1000 -u: the file got the bytes" "$TMP/big" "$D/b1000.$n.file"
done
expect_log "socat 1.8 (reference): -b 1000 -u: 100 packets, only left to right" "$D/b1000.socat18.err" \
	"$(stat_lines "100 100000" "0 0" | sed '/right to left/d')"
same_log b1000 "relay: -b 1000 -u --statistics: the log lines are socat 1.8's"

# -u: only left to right; -U: only right to left.
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	runt "$tool" u 20 "$TMP/big" --statistics -u - CREATE:"$D/u.$n.file"
	check_eq "$(who "$n"): -u --statistics: exit code" 0 "$RUN_RC"
	same_file "$(who "$n"): -u --statistics: the file got the bytes" "$TMP/big" "$D/u.$n.file"
	runt "$tool" U 20 "$TMP/big" --statistics -U CREATE:"$D/U.$n.file" -
	check_eq "$(who "$n"): -U --statistics: exit code" 0 "$RUN_RC"
	same_file "$(who "$n"): -U --statistics: the file got the bytes" "$TMP/big" "$D/U.$n.file"
done
expect_log "socat 1.8 (reference): -u: only the left-to-right line" "$D/u.socat18.err" \
	"$(stat_lines "13 100000" "0 0" | sed '/right to left/d')"
same_log u "relay: -u --statistics: the log lines are socat 1.8's"
expect_log "socat 1.8 (reference): -U: only the right-to-left line" "$D/U.socat18.err" \
	"$(stat_lines "0 0" "13 100000" | sed '/left to right/d')"
same_log U "relay: -U --statistics: the log lines are socat 1.8's"

# No transfer: "W transfer engine not yet started".  socat 1.8's default
# level shows W, relay's (like socat 1.7.4's) only E; with -d both show
# W; at -d0 neither shows it.  socat 1.8 words a refused connect
# differently (a W connect() line and "E TCP:...: Connection refused"),
# so only the statistics lines and the exit code are compared.
P=$(dport)
for d in -d -d0; do
	for tool in "${T18[@]}"; do
		n=$(tn "$tool")
		runt "$tool" refused$d 10 /dev/null $d --statistics - TCP:127.0.0.1:$P
		check_eq "$(who "$n"): $d --statistics, connection refused: exit code" 1 "$RUN_RC"
		check "$(who "$n"): $d --statistics, connection refused: an E line" has_elog "$D/refused$d.$n.err"
		check "$(who "$n"): $d --statistics, connection refused: nothing on stdout" test ! -s "$D/refused$d.$n.out"
		grep -i statistics "$D/refused$d.$n.err" >"$D/refused$d.$n.st"
	done
	if [ $d = -d ]; then
		expect_log "socat 1.8 (reference): -d --statistics, connection refused: the 'not yet started' W line" \
			"$D/refused$d.socat18.st" "T prog[P1] W transfer engine not yet started, statistics not available"
	else
		expect_log "socat 1.8 (reference): -d0 --statistics, connection refused: no statistics line" \
			"$D/refused$d.socat18.st" ""
	fi
	check_eq "relay: $d --statistics, connection refused: the statistics lines are socat 1.8's" \
		"$(mask "$D/refused$d.socat18.st")" "$(mask "$D/refused$d.relay.st")"
done
# socat 1.8 at its default level against relay with -d; relay at its own
# default level shows no W line (socat 1.7.4's levels).
for tool in "${T18[@]}"; do
	runt "$tool" refused 10 /dev/null --statistics - TCP:127.0.0.1:$P
	check_eq "$(who "$(tn "$tool")"): --statistics, connection refused: exit code" 1 "$RUN_RC"
	grep -i statistics "$D/refused.$(tn "$tool").err" >"$D/refused.$(tn "$tool").st"
done
expect_log "socat 1.8 (reference): --statistics, connection refused, default level: the 'not yet started' W line" \
	"$D/refused.socat18.st" "T prog[P1] W transfer engine not yet started, statistics not available"
check_eq "relay: -d --statistics, connection refused: the statistics lines are socat 1.8's at its default level" \
	"$(mask "$D/refused.socat18.st")" "$(mask "$D/refused-d.relay.st")"
check_eq "relay: --statistics, connection refused, default level (E only): no statistics line" \
	"" "$(cat "$D/refused.relay.st")"

# ------------------------------------------------ SIGUSR1, a transfer
# Two SIGUSR1 during one transfer (no --statistics): the counts so far,
# each time; nothing more at the end.
for tool in "${T18[@]}"; do
	n=$(tn "$tool"); w=$(who "$n")
	rm -f "$D/usr1.fifo"; mkfifo "$D/usr1.fifo"
	exec 7<>"$D/usr1.fifo"
	bg_in "$D/usr1.fifo" "$tool" - PIPE >"$D/usr1.$n.out" 2>"$D/usr1.$n.err" 7>&-
	pid=$BG_PID
	printf abc >&7
	wait_file_size "$D/usr1.$n.out" 3
	kill -USR1 "$pid"
	wait_lines "$D/usr1.$n.err" 3
	check "$w: alive after the first SIGUSR1" alive "$pid"
	printf de >&7
	wait_file_size "$D/usr1.$n.out" 5
	kill -USR1 "$pid"
	wait_lines "$D/usr1.$n.err" 6
	check "$w: alive after the second SIGUSR1" alive "$pid"
	exec 7>&-
	end_bg "$pid"
	check_eq "$w: SIGUSR1 twice: exit code" 0 "$BG_RC"
	check_eq "$w: SIGUSR1 twice: the bytes came back" abcde "$(cat "$D/usr1.$n.out")"
done
expect_log "socat 1.8 (reference): SIGUSR1 twice: the counts so far, each time" "$D/usr1.socat18.err" \
	"$(stat_lines "1 3" "1 3"; stat_lines "2 5" "2 5")"
same_log usr1 "relay: SIGUSR1 twice during a transfer: the log lines are socat 1.8's"

# ------------------------------------------------ fork listener
# SIGUSR1 to the parent (no transfer) and to the child of a connection
# (its own counts), --statistics at the child's end, SIGTERM to the
# parent (the 'not yet started' line again).  -d on both: socat 1.8's -d
# is its default level, relay needs it for the W lines.
for tool in "${T18[@]}"; do
	n=$(tn "$tool"); w=$(who "$n")
	P=$(dport)
	bg "$tool" -d --statistics TCP-LISTEN:$P,fork,reuseaddr PIPE 2>"$D/fork.$n.err"
	lpid=$BG_PID
	wait_listen "$P"
	kill -USR1 "$lpid"
	wait_lines "$D/fork.$n.err" 1
	check "$w: fork listener: alive after SIGUSR1" alive "$lpid"
	rm -f "$D/fork.fifo"; mkfifo "$D/fork.fifo"
	exec 7<>"$D/fork.fifo"
	bg_in "$D/fork.fifo" "$SOCAT" -t 2 - TCP:127.0.0.1:$P >"$D/fork.$n.out" 7>&-
	cpid=$BG_PID
	printf hello >&7
	wait_file_size "$D/fork.$n.out" 5
	child=$(pgrep -P "$lpid" | head -n 1)
	check "$w: fork listener: a child for the connection" test -n "$child"
	[ -n "$child" ] && kill -USR1 "$child"
	wait_lines "$D/fork.$n.err" 4
	check "$w: fork child: alive after SIGUSR1" alive "$child"
	check "$w: fork listener: alive after its child's SIGUSR1" alive "$lpid"
	# the parent again, while its child transfers: still its own line
	kill -USR1 "$lpid"
	wait_lines "$D/fork.$n.err" 5
	check "$w: fork listener: alive after a second SIGUSR1" alive "$lpid"
	check "$w: fork child: alive after its parent's SIGUSR1" alive "$child"
	printf 'world!' >&7
	wait_file_size "$D/fork.$n.out" 11
	exec 7>&-
	end_bg "$cpid"
	check_eq "$w: fork: the client's exit code" 0 "$BG_RC"
	check_eq "$w: fork: the client got its bytes back" 'helloworld!' "$(cat "$D/fork.$n.out")"
	[ -n "$child" ] && { wait_gone "$child" 10 || kill -KILL "$child"; }
	wait_lines "$D/fork.$n.err" 8
	kill -TERM "$lpid"
	end_bg "$lpid"
	check_eq "$w: fork listener: SIGTERM: exit code" 143 "$BG_RC"
done
expect_log "socat 1.8 (reference): fork: SIGUSR1 to the parent, to the child, to the parent, the child's --statistics, SIGTERM" \
	"$D/fork.socat18.err" "T prog[P1] W transfer engine not yet started, statistics not available
$(stat_lines "1 5" "1 5" 2)
T prog[P1] W transfer engine not yet started, statistics not available
$(stat_lines "2 11" "2 11" 2)
T prog[P1] W exiting on signal 15
T prog[P1] W transfer engine not yet started, statistics not available"
same_log fork "relay: fork listener: SIGUSR1 and --statistics lines are socat 1.8's"

# relay only: SIGUSR1 does not end relay while a (non-fork) listener
# waits, nor while it connects a transfer; the transfer goes on.
P=$(dport)
bg "$RELAY" -d0 TCP-LISTEN:$P,reuseaddr PIPE 2>"$D/alive.err"
lpid=$BG_PID
wait_listen "$P"
kill -USR1 "$lpid"
sleep 0.2
check "relay: alive after SIGUSR1 while the listener waits" alive "$lpid"
got=$(echo after | timeout 5 "$SOCAT" -t 2 - TCP:127.0.0.1:$P)
check_eq "relay: the listener still accepts and echoes after SIGUSR1" after "$got"
end_bg "$lpid"
check_eq "relay: listener after SIGUSR1: exit code" 0 "$BG_RC"
rm -f "$D/alive.fifo"; mkfifo "$D/alive.fifo"
exec 7<>"$D/alive.fifo"
bg_in "$D/alive.fifo" "$RELAY" - PIPE >"$D/alive.out" 2>/dev/null 7>&-
pid=$BG_PID
printf one >&7
wait_file_size "$D/alive.out" 3
for i in 1 2 3; do kill -USR1 "$pid"; sleep 0.1; done
check "relay: alive after three SIGUSR1 during a transfer" alive "$pid"
printf two >&7
wait_file_size "$D/alive.out" 6
exec 7>&-
end_bg "$pid"
check_eq "relay: transfer after SIGUSR1: exit code" 0 "$BG_RC"
check_eq "relay: transfer after SIGUSR1: every byte came back" onetwo "$(cat "$D/alive.out")"

# ------------------------------------------------ SHELL:
# $SHELL -c CMD, argv[0] the basename of $SHELL.
for sh in /bin/bash /bin/sh; do
	sb=${sh##*/}
	for tool in "${T18[@]}"; do
		n=$(tn "$tool")
		echo hi >"$D/shell.in"
		# (-t 5: stdin ends at once, before the shell has started; the
		# tool still ends when the shell does)
		SHELL=$sh runt "$tool" shell$sb 10 "$D/shell.in" -t 5 - 'SHELL:echo $0 $BASH_VERSION; cat'
		check_eq "$(who "$n"): SHELL=$sh - SHELL:...: exit code" 0 "$RUN_RC"
	done
	read -r s0 sv < "$D/shell$sb.socat18.out"
	check_eq "socat 1.8 (reference): SHELL=$sh: \$0 is the shell's basename" "$sb" "$s0"
	# shellcheck disable=SC2016
	check_eq "socat 1.8 (reference): SHELL=$sh: \$BASH_VERSION is $sh's own" "$($sh -c 'echo $BASH_VERSION')" "$sv"
	[ $sh = /bin/bash ] && check "socat 1.8 (reference): SHELL=/bin/bash: \$BASH_VERSION is not empty" test -n "$sv"
	check_eq "socat 1.8 (reference): SHELL=$sh: the input came back through cat" hi "$(sed -n 2p "$D/shell$sb.socat18.out")"
	same_file "relay: SHELL=$sh - SHELL:...: the output is socat 1.8's" \
		"$D/shell$sb.socat18.out" "$D/shell$sb.relay.out"
	same_log shell$sb "relay: SHELL=$sh - SHELL:...: the log lines are socat 1.8's"
done
# SHELL unset: an E line, exit 1.
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	echo hi >"$D/noshell.in"
	timeout 10 env -u SHELL "$tool" - SHELL:'echo x' <"$D/noshell.in" >"$D/noshell.$n.out" 2>"$D/noshell.$n.err"
	rc=$?
	check_eq "$(who "$n"): SHELL unset: exit code" 1 "$rc"
	is_empty_file "$(who "$n"): SHELL unset: nothing on stdout" "$D/noshell.$n.out"
done
expect_log "socat 1.8 (reference): SHELL unset: E SHELL variable undefined" "$D/noshell.socat18.err" \
	"T prog[P1] E SHELL variable undefined"
same_log noshell "relay: SHELL unset: the log lines are socat 1.8's"

# SHELL: behind a fork listener: each connection its own shell; with
# SHELL unset each child logs the E line and the client gets nothing.
for mode in set unset; do
	for tool in "${T18[@]}"; do
		n=$(tn "$tool"); w=$(who "$n")
		P=$(dport)
		if [ $mode = set ]; then
			SHELL=/bin/bash bg "$tool" -d -t 5 TCP-LISTEN:$P,fork,reuseaddr SHELL:'read l; echo $0 got $l' \
				2>"$D/fshell$mode.$n.err"
		else
			bg env -u SHELL "$tool" -d -t 5 TCP-LISTEN:$P,fork,reuseaddr SHELL:'read l; echo $0 got $l' \
				2>"$D/fshell$mode.$n.err"
		fi
		lpid=$BG_PID
		wait_listen "$P"
		: >"$D/fshell$mode.$n.out"
		for i in 1 2; do
			echo "hello$i" | timeout 20 "$SOCAT" -t 10 - TCP:127.0.0.1:$P >>"$D/fshell$mode.$n.out"
			check_eq "$w: SHELL $mode, fork: client $i's exit code" 0 "$?"
		done
		[ $mode = unset ] && wait_lines "$D/fshell$mode.$n.err" 2
		kill -TERM "$lpid"
		end_bg "$lpid"
		check_eq "$w: SHELL $mode, fork: the listener's exit code at SIGTERM" 143 "$BG_RC"
	done
	if [ $mode = set ]; then
		check_eq "socat 1.8 (reference): SHELL:... with fork: each client got its answer" \
			"bash got hello1
bash got hello2" "$(cat "$D/fshell$mode.socat18.out")"
		expect_log "socat 1.8 (reference): SHELL:... with fork: -d log" "$D/fshell$mode.socat18.err" \
			"T prog[P1] W exiting on signal 15"
	else
		is_empty_file "socat 1.8 (reference): SHELL unset, fork: the clients got nothing" "$D/fshell$mode.socat18.out"
		expect_log "socat 1.8 (reference): SHELL unset, fork: an E line per child" "$D/fshell$mode.socat18.err" \
			"T prog[P1] E SHELL variable undefined
T prog[P2] E SHELL variable undefined
T prog[P3] W exiting on signal 15"
	fi
	same_file "relay: SHELL $mode, fork: the clients got socat 1.8's bytes" \
		"$D/fshell$mode.socat18.out" "$D/fshell$mode.relay.out"
	same_log fshell$mode "relay: SHELL $mode, fork: the log lines are socat 1.8's"
done

# ------------------------------------------------ -s (sloppy)
# Compared with socat 1.7.4 and socat 1.8.  The messages are compared with
# two more masks, for wording relay never copies: socat's pointer
# arguments ("tcgetattr(0, 0x55...)": an address, random in each run) and
# the name of socat's internal function before "unknown option".
smask() { mask "$1" | sed -E 's/, 0x[0-9a-f]+\)/)/; s/ parseopts_table\(\): / /'; }
S3=("$SOCAT" "$S18" "$RELAY")
P=$(dport)
bg "$SOCAT" TCP-LISTEN:$P,fork,reuseaddr PIPE
echo_pid=$BG_PID
wait_listen "$P"
echo hi >"$D/hi"
for tool in "${S3[@]}"; do
	n=$(tn "$tool"); w=$(who "$n")
	# raw on a pipe and a file (no terminal): E for fd 0 and fd 1, the
	# data flows, exit 0.
	runt "$tool" raw 10 "$D/hi" -s -,raw -
	check_eq "$w: -s -,raw - on a pipe: exit code" 0 "$RUN_RC"
	check_eq "$w: -s -,raw - on a pipe: the data flows" hi "$(cat "$D/raw.$n.out")"
	smask "$D/raw.$n.err" >"$D/raw.$n.m"
	# without -s: the first failing option ends it, exit 1.
	runt "$tool" rawstrict 10 "$D/hi" -,raw -
	check_eq "$w: -,raw - (not sloppy): exit code" 1 "$RUN_RC"
	is_empty_file "$w: -,raw - (not sloppy): no data" "$D/rawstrict.$n.out"
	smask "$D/rawstrict.$n.err" >"$D/rawstrict.$n.m"
	# an unknown address option: E, ignored.
	runt "$tool" foo 10 "$D/hi" -s - TCP:127.0.0.1:$P,foo,nodelay
	check_eq "$w: -s with an unknown option: exit code" 0 "$RUN_RC"
	check_eq "$w: -s with an unknown option: the echo came back" hi "$(cat "$D/foo.$n.out")"
	smask "$D/foo.$n.err" >"$D/foo.$n.m"
done
check_eq "socat 1.7.4 (reference): -s -,raw -: E for fd 0 and for fd 1" \
	"T prog[P1] E tcgetattr(0): Inappropriate ioctl for device
T prog[P1] E tcgetattr(1): Inappropriate ioctl for device" "$(cat "$D/raw.socat.m")"
check_eq "socat 1.7.4 (reference): -,raw -: E for fd 0" \
	"T prog[P1] E tcgetattr(0): Inappropriate ioctl for device" "$(cat "$D/rawstrict.socat.m")"
check_eq "socat 1.7.4 (reference): -s with an unknown option: one E line" \
	'T prog[P1] E unknown option "foo"' "$(cat "$D/foo.socat.m")"
for c in raw rawstrict foo; do
	check_eq "socat 1.8 (reference): -s case $c: the log lines are socat 1.7.4's" \
		"$(cat "$D/$c.socat.m")" "$(cat "$D/$c.socat18.m")"
	check_eq "relay: -s case $c: the log lines are socat's" "$(cat "$D/$c.socat.m")" "$(cat "$D/$c.relay.m")"
done
kill "$echo_pid" 2>/dev/null

# Where nothing can go on (open, connect or bind failure, unknown address
# type): exit 255 instead of 1, in both socat versions.  The messages'
# wording and fd numbers differ between socat versions, so the last line's
# level is compared (E), and the whole line where all three agree.
P=$(dport)
fails=("- TCP:127.0.0.1:$P" "- OPEN:$TMP/no/such/file" "- FOO:bar" "TCP-LISTEN:$P,bind=192.0.2.1 -")
fails+=("- UNIX-CONNECT:$TMP/no.sock")
i=0
for args in "${fails[@]}"; do
	i=$((i + 1))
	for tool in "${S3[@]}"; do
		n=$(tn "$tool"); w=$(who "$n")
		# shellcheck disable=SC2086
		runt "$tool" fail$i 10 /dev/null -s $args
		check_eq "$w: -s $args: exit code 255" 255 "$RUN_RC"
		check "$w: -s $args: the last line is an E line" sh -c "tail -n 1 '$D/fail$i.$n.err' | grep -Eq '$ELOG_RE'"
		is_empty_file "$w: -s $args: nothing on stdout" "$D/fail$i.$n.out"
	done
done
check_eq "relay: -s - FOO:bar: the log line is socat's" \
	"$(mask "$D/fail3.socat.err")" "$(mask "$D/fail3.relay.err")"
check_eq "relay: -s - FOO:bar: the log line is socat 1.8's" \
	"$(mask "$D/fail3.socat18.err")" "$(mask "$D/fail3.relay.err")"

# ------------------------------------------------ -D
# The fd table on stderr before the transfer.  Compared: the header, then
# each fd's columns from type to sigio (and the pipe size and poll
# columns), the fd number masked (socat opens more fds), and for pipes the
# inode and the three times too (each run has its own pipes).  For a TCP
# socket only type, mode, cloexec and flags: socat dumps its socket
# options where relay prints the addresses.
# dtab FILE: the table, masked.
dtab() {
	awk -F '\t' 'BEGIN { OFS = "\t" }
	/^  FD  type\t/ { print; next }
	/^ *[0-9]+: / {
		sub(/^ *[0-9]+: /, "N: ", $1)
		if ($1 == "N: socket") { print $1, $4, $15, $16; next }
		if ($1 == "N: pipe") { $3 = "INODE"; $12 = $13 = $14 = "TIME" }
		if (NF > 20) NF = 20
		print
	}' "$1"
}
echo hello >"$D/dfile"
cat "$D/dfile" >/dev/null	# the atime is past the mtime: reading it again changes nothing

# Three cases per tool; stdin is a FIFO this shell holds open (fd 7/8),
# so what is in the pipe and whether a writer is left do not depend on
# timing.
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	# 1. stdin: a pipe with a writer and no data; a file.
	rm -f "$D/d1.fifo"; mkfifo "$D/d1.fifo"
	exec 7<>"$D/d1.fifo"
	timeout 10 "$tool" -D - OPEN:"$D/dfile" <"$D/d1.fifo" 7>&- 2>"$D/d1.$n.err" | cat >"$D/d1.$n.out"
	rc=${PIPESTATUS[0]}
	check_eq "$(who "$n"): -D - OPEN:file: exit code" 0 "$rc"
	exec 7>&-
	check_eq "$(who "$n"): -D - OPEN:file: the file's bytes came out" hello "$(cat "$D/d1.$n.out")"
	dtab "$D/d1.$n.err" >"$D/d1.$n.tab"
	# 2. stdin: a pipe holding 3 bytes, the writer still open.
	rm -f "$D/d2.fifo"; mkfifo "$D/d2.fifo"
	exec 7<>"$D/d2.fifo"
	printf abc >&7
	timeout 10 "$tool" -D -T 1 - SYSTEM:'cat >/dev/null' <"$D/d2.fifo" 7>&- 2>"$D/d2.$n.err" >"$D/d2.$n.out"
	rc=$?
	check_eq "$(who "$n"): -D, 3 bytes in the stdin pipe: exit code" 0 "$rc"
	exec 7>&-
	dtab "$D/d2.$n.err" | grep '^N: pipe' | head -n 1 >"$D/d2.$n.tab"
	# 3. stdin: a pipe holding 2 bytes, no writer left.
	rm -f "$D/d3.fifo"; mkfifo "$D/d3.fifo"
	exec 7<>"$D/d3.fifo"
	exec 8<"$D/d3.fifo"
	printf hi >&7
	exec 7>&-
	timeout 10 "$tool" -D - SYSTEM:'cat >/dev/null' <&8 8<&- 2>"$D/d3.$n.err" >"$D/d3.$n.out"
	rc=$?
	check_eq "$(who "$n"): -D, 2 bytes in a pipe without writer: exit code" 0 "$rc"
	exec 8<&-
	dtab "$D/d3.$n.err" | grep '^N: pipe' | head -n 1 >"$D/d3.$n.tab"
done
check "socat 1.8 (reference): -D - OPEN:file: header, fd 0, fd 1, the file" \
	test "$(cut -f1 "$D/d1.socat18.tab" | tr '\n' ' ')" = "  FD  type N: pipe N: pipe N: file "
check "socat 1.8 (reference): -D: the file's line ends in FIONREAD=6" \
	grep -q 'poll: IN,OUT,; FIONREAD=6$' "$D/d1.socat18.tab"
check_eq "relay: -D - OPEN:file: the fd table is socat 1.8's (masked)" "$(cat "$D/d1.socat18.tab")" "$(cat "$D/d1.relay.tab")"
check "socat 1.8 (reference): -D, 3 bytes in the pipe: poll IN and FIONREAD=3" \
	grep -q 'poll: IN,; FIONREAD=3$' "$D/d2.socat18.tab"
check_eq "relay: -D, 3 bytes in the stdin pipe: fd 0's line is socat 1.8's" "$(cat "$D/d2.socat18.tab")" "$(cat "$D/d2.relay.tab")"
check "socat 1.8 (reference): -D, 2 bytes, no writer: poll IN (no HUP) and FIONREAD=2" \
	grep -q 'poll: IN,; FIONREAD=2$' "$D/d3.socat18.tab"
check_eq "relay: -D, 2 bytes in a pipe without writer: fd 0's line is socat 1.8's" "$(cat "$D/d3.socat18.tab")" "$(cat "$D/d3.relay.tab")"

# A TCP socket.
P=$(dport)
bg "$SOCAT" TCP-LISTEN:$P,fork,reuseaddr PIPE
echo_pid=$BG_PID
wait_listen "$P"
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	timeout 10 "$tool" -D - TCP:127.0.0.1:$P <"$D/hi" 2>"$D/dt.$n.err" >"$D/dt.$n.out"
	rc=$?
	check_eq "$(who "$n"): -D - TCP: exit code" 0 "$rc"
	check_eq "$(who "$n"): -D - TCP: the echo came back" hi "$(cat "$D/dt.$n.out")"
	dtab "$D/dt.$n.err" | grep '^N: socket' >"$D/dt.$n.tab"
done
check_eq "socat 1.8 (reference): -D - TCP: the socket's type, mode, cloexec, flags" \
	"$(printf 'N: socket\t0140777\t1\tx000002')" "$(cat "$D/dt.socat18.tab")"
# relay's transfer sockets are non-blocking by design (splice() and the
# poll loop need it; the man page says so): O_NONBLOCK (0x800) is the one
# flag that may differ, and relay's must have it.
nonblock_aside() {
	local t m c f
	while IFS=$'\t' read -r t m c f; do
		printf '%s\t%s\t%s\tx%06x\n' "$t" "$m" "$c" $(( 16#${f#x} & ~0x800 ))
	done <"$1"
}
check_eq "relay: -D - TCP: the socket's type, mode, cloexec and flags are socat 1.8's, O_NONBLOCK aside" \
	"$(nonblock_aside "$D/dt.socat18.tab")" "$(nonblock_aside "$D/dt.relay.tab")"
check "relay: -D - TCP: the transfer socket is non-blocking (flags x000802)" \
	grep -q 'x000802$' "$D/dt.relay.tab"
kill "$echo_pid" 2>/dev/null

# SIGTERM during a transfer with --statistics: the counters still come
# out (socat 1.8 prints them on its way out), after the W line, and the
# exit status is 143.
for tool in "${T18[@]}"; do
	n=$(tn "$tool")
	mkfifo "$D/term.$n.fifo"
	bg_in "$D/term.$n.fifo" "$tool" --statistics - PIPE >"$D/term.$n.out" 2>"$D/term.$n.err"
	p=$BG_PID
	exec 7>"$D/term.$n.fifo"
	printf abc >&7
	for i in $(seq 50); do [ -s "$D/term.$n.out" ] && break; sleep 0.1; done
	kill -TERM "$p"
	wait_gone "$p" 5
	wait "$p"
	rc=$?
	check_eq "$(who "$n"): --statistics, SIGTERM in a transfer: exit code" 143 "$rc"
	exec 7>&-
	check_eq "$(who "$n"): --statistics, SIGTERM in a transfer: the echo came back" abc "$(cat "$D/term.$n.out")"
done
expect_log "socat 1.8 (reference): --statistics, SIGTERM in a transfer: the counters after the W line" "$D/term.socat18.err" "T prog[P1] W exiting on signal 15
T prog[P1] W statistics are experimental
T prog[P1] I STATISTICS: left to right: 1 packets(s), 3 byte(s)
T prog[P1] I STATISTICS: right to left: 1 packets(s), 3 byte(s)"
# relay shows no W by default (socat 1.7.4's level): only the counters.
expect_log "relay: --statistics, SIGTERM in a transfer: the counters, as socat 1.8's" "$D/term.relay.err" "T prog[P1] W statistics are experimental
T prog[P1] I STATISTICS: left to right: 1 packets(s), 3 byte(s)
T prog[P1] I STATISTICS: right to left: 1 packets(s), 3 byte(s)"

finish
