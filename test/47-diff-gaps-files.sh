#!/usr/bin/env bash
# Differential: what socat takes on files, pipes and ptys and relay lacked:
# the ECHO address, nonblock on any address, mode=/user= on PTY, openpty,
# ispeed=/ospeed=, ftruncate=, o-noatime and socat's other open() flags
# (o-sync, o-direct, ...), async, cloexec=, the fs-* attributes, the lock
# options (flock-*, setlk*, lockfile=, waitlock=).  Each case runs with
# socat (the reference) and relay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"
require flock lsattr strace

printf 'line one\nline two\n' >"$TMP/in"
: >"$TMP/empty"

same_outcome echo - ECHO
check_eq "- ECHO: the input comes back" "$(cat "$TMP/in")" "$(cat "$DR_DIR/echo.relay.out")"
same_outcome pipe-nb - PIPE,nonblock
same_outcome echo-nb - ECHO,o-nonblock
same_outcome stdio-nb STDIO,nonblock ECHO
same_outcome pty-nb -u - PTY,nonblock,openpty
same_outcome exec-openpty - EXEC:cat,openpty

# --- PTY: mode=, user= and the speeds, seen on the slave through link=
# ptycase NAME OPTS: stat and stty of the slave while the tool runs, and
# the tool's exit code, in $TMP/NAME.TOOL
ptycase() {
	local name=$1 opts=$2 tool tn pid
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		rm -f "$TMP/pl"
		bg bash -c 'exec "$@" < <(sleep 10)' pc "$tool" PTY,link="$TMP/pl$opts" - >/dev/null 2>"$TMP/$name.$tn.err"
		pid=$BG_PID
		wait_until 5 "no pty link" test -e "$TMP/pl" || true
		{ stat -L -c '%a %U' "$TMP/pl" 2>&1; stty -F "$TMP/pl" speed 2>&1 | head -n 1; } | sed "s#$TMP#TMP#" >"$TMP/$name.$tn"
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		has_elog "$TMP/$name.$tn.err" && echo E >>"$TMP/$name.$tn"
	done
	check_eq "PTY$opts: the slave's mode, owner and speed (and an E) as socat's" "$(cat "$TMP/$name.socat")" "$(cat "$TMP/$name.relay")"
}
ptycase mode ,mode=604
check "PTY,mode=604: the slave's mode is 604" grep -q '^604 ' "$TMP/mode.relay"
if id -u nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	ptycase user ,user=nobody,perm=640
	check "PTY,user=nobody: the slave belongs to nobody" grep -q '^640 nobody' "$TMP/user.relay"
fi
# the value is a speed_t code, as socat's (13 is B9600 on Linux): a trap
ptycase speed ,ispeed=13,ospeed=13
check "PTY,ispeed=13: the slave's speed is 9600" grep -q 9600 "$TMP/speed.relay"
ptycase speed2 ,ispeed=9600
check "PTY,ispeed=9600: an E, as socat's" grep -qx E "$TMP/speed2.relay"

# --- ftruncate=, o-noatime, fs-noatime on a file
# filecase NAME OPTS: the file after "-u EMPTY OPEN:file,OPTS", its
# attributes and the exit code, per tool
filecase() {
	local name=$1 opts=$2 tool tn f
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		f=$TMP/$name.$tn.file
		printf 'hello world\n' >"$f"
		# (LeakSanitizer cannot run under ptrace: no leak detection here
		# for a SANITIZE=1 relay, as in 21, 22 and 26)
		timeout 10 env ASAN_OPTIONS=detect_leaks=0 strace -qq -e trace=open,openat -o "$TMP/$name.$tn.st" "$tool" -u "$TMP/empty" OPEN:"$f$opts" 2>"$TMP/$name.$tn.err"
		echo "rc $?" >"$TMP/$name.$tn"
		cat "$f" >>"$TMP/$name.$tn"
		lsattr "$f" 2>/dev/null | cut -d' ' -f1 >>"$TMP/$name.$tn"
		grep -o "\"$f\", [A-Z_|]*" "$TMP/$name.$tn.st" | sed 's/.*, //' | tr '|' '\n' | grep -Ev 'O_CLOEXEC|O_NOCTTY' | sort | tr '\n' ' ' >>"$TMP/$name.$tn"
	done
	check_eq "OPEN:...$opts: the file, its attributes, open()'s flags, the exit code as socat's" "$(cat "$TMP/$name.socat")" "$(cat "$TMP/$name.relay")"
}
filecase trunc ,ftruncate=5
check_eq "OPEN:...,ftruncate=5: 5 bytes left" 5 "$(wc -c <"$TMP/trunc.relay.file")"
filecase trunc2 ,truncate=0,o-noatime
filecase noatime ,noatime,wronly
filecase fsflags ,fs-noatime,ext2-nodump
filecase fsflags2 ,ext3-noatime
# socat's other open() flags, by their names and aliases
filecase oflags ,o-sync,dsync,o_rsync,largefile,o-nofollow
filecase odirect ,o-direct
filecase odirectory ,directory
check_eq "OPEN:file,directory: refused (exit code 1)" "rc 1" "$(head -n 1 "$TMP/odirectory.relay")"
ln -sf "$TMP/in" "$TMP/in.link"
dcase "OPEN:symlink,nofollow: refused" --rc 1 --emsg "Too many levels of symbolic links" \
	-- -u OPEN:"$TMP/in.link",nofollow /dev/null
# o-direct reads into an aligned buffer (else read() fails with EINVAL;
# socat's O_DIRECT test): the line written comes back from the file
dcase "- FILE,o-direct,ignoreeof!!FILE: the echo" --in "$TMP/in" --outis "$(cat "$TMP/in")" \
	-- - "@D@/od,o-direct,ignoreeof,creat!!@D@/od,creat"

# --- async (O_ASYNC, set by fcntl(): open() does not set it up) and
# cloexec= on the tool's own fds, read from /proc while it runs
# async_bit PID FD: 8192 when O_ASYNC is in the fd's flags, else 0
async_bit() {
	local f
	f=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$1/fdinfo/$2" 2>/dev/null)
	echo $(( 0${f:-0} & 8192 ))
}
for opts in ,async ""; do
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		bg bash -c 'exec "$@" < <(sleep 10)' as "$tool" -u -"$opts" /dev/null
		pid=$BG_PID
		[ -n "$opts" ] && wait_until 5 "O_ASYNC not set" test "$(async_bit "$pid" 0)" = 8192
		sleep 0.3
		async_bit "$pid" 0 >"$TMP/async.$tn"
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	check_eq "-$opts: O_ASYNC on stdin as socat's" "$(cat "$TMP/async.socat")" "$(cat "$TMP/async.relay")"
	check_eq "-$opts: O_ASYNC on stdin" "$([ -n "$opts" ] && echo 8192 || echo 0)" "$(cat "$TMP/async.relay")"
done
# cloexec=0: the program on the other address inherits the file's fd
printf '#!/bin/sh\nls -l /proc/$$/fd | grep -c "%s"\n' "$TMP/in" >"$TMP/fds.sh"
chmod +x "$TMP/fds.sh"
dcase "OPEN:file,cloexec=0 SYSTEM: the program has the file open" --outis 1 -- -u OPEN:"$TMP/in",cloexec=0 SYSTEM:"$TMP/fds.sh"
dcase "OPEN:file,cloexec=1 SYSTEM: the program has not" --rc - --outis 0 -- -u OPEN:"$TMP/in",cloexec=1 SYSTEM:"$TMP/fds.sh"

# --- locks: a file locked by flock(1) or by a fcntl() lock of python's;
# the non-waiting options fail at once (exit 1), the waiting ones wait
: >"$TMP/locked"
# locked: someone holds a flock() on $TMP/locked
locked() { ! flock -n -x "$TMP/locked" true; }
unlocked() { flock -n -x "$TMP/locked" true; }
# lockcase DESC HOLDER OPTS WANT: with HOLDER holding the lock, the tool's
# exit code (124: still waiting after 2 s) is WANT, as socat's
lockcase() {
	local desc=$1 holder=$2 opts=$3 want=$4 tool tn hp
	case $holder in
	# (the lock on an fd of the sleep itself: killing it frees the lock)
	flock-ex) bg bash -c 'exec 9>>"$1"; flock -x 9; exec sleep 30' hold "$TMP/locked" ;;
	flock-sh) bg bash -c 'exec 9>>"$1"; flock -s 9; exec sleep 30' hold "$TMP/locked" ;;
	fcntl-wr) rm -f "$TMP/held"
		bg python3 -c 'import fcntl, sys, time; f = open(sys.argv[1], "r+"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(30)' "$TMP/locked" "$TMP/held"
		wait_until 10 "python holds no lock" test -e "$TMP/held" ;;
	none) bg sleep 30 ;;
	esac
	hp=$BG_PID
	case $holder in flock-*) wait_until 10 "flock(1) holds no lock" locked ;; esac
	for tool in "${TOOLS[@]}"; do
		tn=$(tool_name "$tool")
		run_one_tool "$tool" lk 2 /dev/null -u - OPEN:"$TMP/locked$opts"
		echo "$RUN_RC" >"$TMP/lk.$tn.rc"
	done
	kill "$hp" 2>/dev/null
	wait "$hp" 2>/dev/null
	wait_until 10 "the lock is still held" unlocked
	check_eq "$desc: exit code as socat's" "$(cat "$TMP/lk.socat.rc")" "$(cat "$TMP/lk.relay.rc")"
	check_eq "$desc: exit code" "$want" "$(cat "$TMP/lk.relay.rc")"
}
lockcase "flock-ex-nb on a flock(1)ed file" flock-ex ,flock-ex-nb 1
lockcase "flock-nb on a flock(1)ed file" flock-ex ,flock-nb 1
lockcase "flock-sh-nb on a shared flock" flock-sh ,flock-sh-nb 0
lockcase "flock (waits) on a flock(1)ed file" flock-ex ,flock 124
lockcase "flock-sh (waits) on a flock(1)ed file" flock-ex ,flock-sh 124
lockcase "setlk on a fcntl-locked file" fcntl-wr ,setlk 1
lockcase "f-setlk-rd on a fcntl-locked file" fcntl-wr ,rdonly,f-setlk-rd 1
lockcase "setlkw (waits) on a fcntl-locked file" fcntl-wr ,setlkw 124
lockcase "lock on a fcntl-locked file" fcntl-wr ,lock 124
lockcase "setlk on a free file" none ,setlk 0
lockcase "flock-ex on a free file" none ,flock-ex 0

# lockfile=: exits when the file is there; waitlock=: waits until it is
# gone, and removes its own at exit
for tool in "${TOOLS[@]}"; do
	tn=$(tool_name "$tool")
	: >"$TMP/lf"
	run_one_tool "$tool" lf 5 /dev/null -u - OPEN:"$TMP/locked,lockfile=$TMP/lf"
	check_eq "$(who "$tn") lockfile= that exists: exit code" 1 "$RUN_RC"
	check "$(who "$tn") lockfile= that exists: an E" has_elog "$DR_DIR/lf.$tn.err"
	rm -f "$TMP/lf"
	run_one_tool "$tool" lf 5 /dev/null -u - OPEN:"$TMP/locked,lockfile=$TMP/lf"
	check_eq "$(who "$tn") lockfile= free: exit code" 0 "$RUN_RC"
	check "$(who "$tn") lockfile= free: the lock file is removed at exit" test ! -e "$TMP/lf"
	: >"$TMP/wl"
	bg "$tool" -u - OPEN:"$TMP/locked,waitlock=$TMP/wl" </dev/null
	pid=$BG_PID
	sleep 1
	check "$(who "$tn") waitlock= that exists: still waiting" kill -0 "$pid"
	rm -f "$TMP/wl"
	wait_gone "$pid" 10
	wait "$pid"
	check_eq "$(who "$tn") waitlock=: done once the file is gone" 0 "$?"
done

# PIPE:path,user=,group=,mode=: a FIFO the tool makes has its owner and
# mode while the tool still waits in open() for the other end (socat's
# PIPE_USER); relay once set them only after that open.
# owned FILE WANT: FILE's owner, group and mode are WANT ("user group 600").
owned() { [ "$(stat -c '%U %G %a' "$1" 2>/dev/null)" = "$2" ]; }
for tool in "${TOOLS[@]}"; do
	set_tool "$tool"
	f=$TMP/pu.$tn
	bg "$tool" -u PIPE:"$f",user=nobody,group=nogroup,mode=600 /dev/null
	check "$w: PIPE,user=,group=,mode=: the FIFO's owner and mode before a writer comes" \
		wait_until 10 "the FIFO's owner" owned "$f" "nobody nogroup 600"
	stop_tool "$BG_PID"
done

finish
