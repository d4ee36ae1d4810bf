# Helpers for the differential scenarios (10-, 20-, 21-, 22-*): the same
# invocation runs through the real socat ($SOCAT) and through relay ($RELAY),
# and the scenario compares what each did.  Source it after lib.sh:
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/diff.sh"

# A socat log line: "YYYY/MM/DD HH:MM:SS prog[pid] L message".
LOG_RE='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} [^ ]+\[[0-9]+\] [DINWEF] '
# ... and one whose level letter is E.
ELOG_RE='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} [^ ]+\[[0-9]+\] E '

require "$SOCAT" "$RELAY"

DR_DIR=$TMP/dr
mkdir -p "$DR_DIR"

# tool_name TOOL: "socat", "socat18" (socat 1.8 as $S18, where a scenario
# has it) or "relay", for file names and messages.
tool_name() {
	case $1 in
	"$SOCAT") echo socat ;;
	"${S18:-/nonexistent}") echo socat18 ;;
	*) echo relay ;;
	esac
}

# who NAME: how an assertion names the tool NAME (tool_name's output).
who() {
	case $1 in
	socat) echo "socat (reference)" ;;
	socat18) echo "socat 1.8 (reference)" ;;
	*) echo relay ;;
	esac
}

# stop_tool PID: end the tool PID (a bg child of this shell) and the
# programs it started: SIGTERM, SIGKILL if it is still there after 5 s,
# then reap it.  Its exit code is in $TRC.
stop_tool() {
	pkill -TERM -P "$1" 2>/dev/null
	kill -TERM "$1" 2>/dev/null
	wait_gone "$1" 5 || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	TRC=$?
}

# run_one_tool TOOL NAME SECS STDIN ARGS...: run TOOL ARGS under timeout SECS
# with stdin from file STDIN; stdout and stderr go to $DR_DIR/NAME.<tool>.out
# and .err, the exit code to $DR_DIR/NAME.<tool>.rc and $RUN_RC.
run_one_tool() {
	local tool=$1 name=$2 secs=$3 in=$4 tn
	shift 4
	tn=$(tool_name "$tool")
	timeout -k 2 "$secs" "$tool" "$@" <"$in" >"$DR_DIR/$name.$tn.out" 2>"$DR_DIR/$name.$tn.err"
	RUN_RC=$?
	echo "$RUN_RC" >"$DR_DIR/$name.$tn.rc"
}

# diff_run NAME [-t SECS] [-i FILE] -- ARGS...: run "$SOCAT ARGS" and then
# "$RELAY ARGS", each under timeout SECS (default 10) with stdin from FILE
# (default /dev/null).  Results: $DR_SOCAT_RC, $DR_RELAY_RC and the files
# $DR_DIR/NAME.{socat,relay}.{out,err}.
diff_run() {
	local name=$1 secs=10 in=/dev/null
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		-t) secs=$2; shift 2 ;;
		-i) in=$2; shift 2 ;;
		--) shift; break ;;
		*) echo "# diff_run: bad argument $1" >&2; return 2 ;;
		esac
	done
	run_one_tool "$SOCAT" "$name" "$secs" "$in" "$@"
	DR_SOCAT_RC=$RUN_RC
	run_one_tool "$RELAY" "$name" "$secs" "$in" "$@"
	DR_RELAY_RC=$RUN_RC
}

# same_outcome NAME ARGS...: "$SOCAT ARGS" and "$RELAY ARGS", each with
# stdin from $TMP/in (or /dev/null when there is none), end with the same
# exit code and the same output.
same_outcome() {
	local name=$1 in=$TMP/in
	shift
	[ -f "$in" ] || in=/dev/null
	diff_run "$name" -i "$in" -- "$@"
	check_eq "$name: $*: exit code as socat's" "$DR_SOCAT_RC" "$DR_RELAY_RC"
	same_file "$name: $*: output as socat's" "$DR_DIR/$name.socat.out" "$DR_DIR/$name.relay.out"
}

# has_elog FILE: FILE holds at least one log line with level E.
has_elog() { grep -Eq "$ELOG_RE" "$1"; }

# elines FILE: the E lines of FILE, without the time and the tool's pid.
elines() { grep -E "$ELOG_RE" "$1" | sed -E 's/^.*\] E //'; }

# first_line FILE: FILE's first line (for failure messages), shortened.
first_line() { head -n 1 "$1" 2>/dev/null | cut -c1-160; }

# rc_text RC: the exit code with a hint when it means a timeout or a signal.
rc_text() {
	case $1 in
	124) echo "124 (timed out: hang)" ;;
	137) echo "137 (killed after timeout)" ;;
	*) if [ "$1" -ge 128 ]; then echo "$1 (killed by signal $(($1 - 128)))"; else echo "$1"; fi ;;
	esac
}

# same_file DESC EXPECTED_FILE ACTUAL_FILE: asserts both files hold the same
# bytes; on failure shows sizes and checksums.
same_file() {
	local desc=$1 e=$2 a=$3 got="no file"
	if [ -f "$a" ] && cmp -s "$e" "$a"; then
		ok "$desc"
		return
	fi
	[ -f "$a" ] && got="$(wc -c <"$a") bytes, sha256 $(sum "$a" | cut -c1-12)"
	not_ok "$desc (expected $(wc -c <"$e") bytes, sha256 $(sum "$e" | cut -c1-12); got $got)"
}

# is_empty_file DESC FILE: asserts FILE exists and is empty.
is_empty_file() {
	if [ -f "$2" ] && [ ! -s "$2" ]; then
		ok "$1"
	else
		not_ok "$1 (expected no bytes, got $(wc -c <"$2" 2>/dev/null) bytes: $(head -c 60 "$2" 2>/dev/null | tr -c '[:print:]' '.'))"
	fi
}

# wait_file_size FILE BYTES [SECONDS]: wait until FILE has at least BYTES.
wait_file_size() {
	local i=0 n=$(( ${3:-10} * 20 ))
	while [ $i -lt $n ]; do
		[ -f "$1" ] && [ "$(wc -c <"$1")" -ge "$2" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# bg_in FILE CMD...: like bg, with stdin from FILE.  (A plain "bg CMD <FILE"
# does not work: bash gives a background command of a non-interactive shell
# /dev/null as stdin.)
bg_in() {
	local f=$1
	shift
	bg bash -c 'f=$1; shift; exec "$@" <"$f"' bg_in "$f" "$@"
}

# dport: a port for a listener (lib.sh's free_port, under its old name).
dport() { free_port; }

# end_peer PID RC: let a reference peer finish (up to 10 s after a tool run
# that exited with RC 0, 1 s otherwise: the peer may never have been
# reached), then end it.
end_peer() {
	local secs=10
	[ "$2" = 0 ] || secs=1
	wait_gone "$1" "$secs" || { kill -TERM "$1" 2>/dev/null; wait_gone "$1" 2 || kill -KILL "$1" 2>/dev/null; }
}

# need_socat18: sets S18 to socat 1.8, the reference for what only it has
# (test/socat18 builds it once), or fails the scenario and ends it.
need_socat18() {
	S18=$("$TOP/test/socat18" 2>"$TMP/socat18.log") || S18=""
	if [ -z "$S18" ] || [ ! -x "$S18" ]; then
		not_ok "socat 1.8 (the reference) is built by test/socat18 ($(tail -n 1 "$TMP/socat18.log"))"
		finish
	fi
}

# TOOLS: the tools each differential case runs, reference first.
TOOLS=("$SOCAT" "$RELAY")

# set_tool TOOL: $tool, $tn (its tool_name) and $w (its who), for a loop
# over the tools.
set_tool() { tool=$1 tn=$(tool_name "$1"); w=$(who "$tn"); }

# dcase DESC [options] -- ARGS...: one differential case.  "TOOL ARGS" runs
# with each tool of $TOOLS in turn, the reference first (its checks check the
# case itself), under timeout --secs (default 10) with stdin from --in FILE
# (default /dev/null), in directory --cd DIR (default $DC_CD, or here).  @D@ in ARGS,
# --cd and the commands below stands for $TMP/<tool>, each tool's own
# directory (made here); @O@ and @E@ in the commands for its stdout and
# stderr files.  --pre CMD runs before each tool's run (to lay out files).
# The checks, each named "<tool>: DESC: ...":
#   --rc N              the exit code is N (default 0; - checks none)
#   --rc-relay N        relay's exit code is N and socat's is not checked
#                       (where relay follows socat 1.8, not 1.7.4)
#   --elog              stderr holds an E log line
#   --emsg TEXT         stderr holds an E log line with TEXT
#   --out FILE          stdout holds FILE's bytes
#   --outis TEXT        stdout is TEXT (as $(cat) reads it)
#   --file WHAT FILE PATH  PATH holds FILE's bytes
#   --is WHAT WANT CMD  CMD's output after the run is WANT
# Afterwards $O and $E name the last tool's stdout and stderr files.
DC_N=0
dcase() {
	local desc=$1 in=/dev/null secs=10 rc=0 rcall=1 elog="" out="" cd=${DC_CD:-.} pre=""
	local -a is=() files=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--in|--secs|--cd|--pre|--rc|--out) printf -v "${1#--}" %s "$2"; shift 2 ;;
		--rc-relay) rc=$2 rcall=""; shift 2 ;;
		--elog) elog=1; shift ;;
		--emsg) is+=("E ...$2" "$2" "elines @E@ | grep -oF -- '$2' | head -n 1"); shift 2 ;;
		--outis) is+=(output "$2" "cat @O@"); shift 2 ;;
		--file) files+=("$2" "$3" "$4"); shift 4 ;;
		--is) is+=("$2" "$3" "$4"); shift 4 ;;
		--) shift; break ;;
		*) echo "# dcase: bad argument $1" >&2; return 2 ;;
		esac
	done
	DC_N=$((DC_N + 1))
	local tool tn w d a i c name=dc$DC_N
	local -a args
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		d=$TMP/$tn
		mkdir -p "$d"
		args=()
		for a in "$@"; do args+=("${a//@D@/$d}"); done
		O=$DR_DIR/$name.$tn.out E=$DR_DIR/$name.$tn.err
		w="$w: ${desc//@D@/$d}"
		[ -n "$pre" ] && eval "${pre//@D@/$d}"
		(cd "${cd//@D@/$d}" && run_one_tool "$tool" "$name" "$secs" "${in//@D@/$d}" "${args[@]}"; exit "$RUN_RC")
		RUN_RC=$?
		if [ "$rc" != - ] && { [ -n "$rcall" ] || [ "$tn" = relay ]; }; then
			check_eq "$w: exit code" "$rc" "$RUN_RC"
		fi
		[ -n "$elog" ] && check "$w: E log line" has_elog "$E"
		[ -n "$out" ] && same_file "$w: output" "$out" "$O"
		for ((i = 0; i < ${#files[@]}; i += 3)); do
			same_file "$w: ${files[i]}" "${files[i + 1]//@D@/$d}" "${files[i + 2]//@D@/$d}"
		done
		for ((i = 0; i < ${#is[@]}; i += 3)); do
			c=${is[i + 2]//@D@/$d}
			c=${c//@O@/$O}
			check_eq "$w: ${is[i]}" "${is[i + 1]}" "$(eval "${c//@E@/$E}")"
		done
	done
}

# tool_bg PORT|udp:PORT|PATH CMD...: bg CMD, a listener, and wait until it
# listens on TCP port PORT, is bound to UDP port PORT, or listens at UNIX
# socket PATH (one starting with /); its pid is in $tpid.
tool_bg() {
	local at=$1
	shift
	bg "$@"
	tpid=$BG_PID
	case $at in
	/*) wait_unix "$at" ;;
	udp:*) wait_udp "${at#udp:}" ;;
	*) wait_listen "$at" ;;
	esac
}

# tool_ends DESC [RC]: the tool $tpid ends by itself (within 10 s) with exit
# code RC (default 0); DESC names the check.
tool_ends() {
	wait_gone "$tpid" 10
	wait "$tpid"
	check_eq "$1" "${2:-0}" "$?"
}

# echo_client ADDR TEXT [SECS]: a reference client sends TEXT (a line),
# keeps reading for up to SECS (default 5) after its EOF, and prints the
# reply.
echo_client() {
	local t=${3:-5}
	printf '%s\n' "$2" | timeout -k 2 $((t + 10)) "$SOCAT" -t "$t" STDIO "$1"
}

# exists PATH: "yes" when PATH exists, else "no".
exists() { if [ -e "$1" ]; then echo yes; else echo no; fi; }

# no_elog FILE: FILE holds no log line with level E.
no_elog() { ! has_elog "$1"; }

# PY: the python interpreter itself (a pyenv shim costs a shell start per call).
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)
# peer ARGS...: the scenario's python peer program $PEER, under a timeout of
# $PEER_SECS (default 20).
peer() { timeout -k 2 "${PEER_SECS:-20}" "$PY" "$PEER" "$@"; }
# bgpeer SECS ARGS...: the peer in the background (its pid in $BG_PID).
bgpeer() { local s=$1; shift; bg timeout -k 2 "$s" "$PY" "$PEER" "$@"; }

# dlisten DESC [steps] -- ARGS...: one differential case for a listener:
# "TOOL ARGS" runs in the background with each tool of $TOOLS in turn, the
# reference first, until it listens at --at (default @P@: TCP; udp:@P@ for
# UDP, or a UNIX socket path).  @P@ in ARGS, --at and the steps stands for a
# fresh TCP port (one per tool) and @Q@ for a second one, @U@ for the socket
# path $TMP/<tool>/dl<number>.sock, @D@ for $TMP/<tool>; @T@ in a step for
# the listener's pid.  --err FILE: its stderr
# goes to FILE (default /dev/null).  The steps, in the order given, each
# check named "<tool>: DESC: ...":
#   --do CMD            runs CMD (a client whose output a later step reads)
#   --is WHAT WANT CMD  CMD's output (a client, ss, stat...) is WANT
#   --alive WHAT        the listener is still running
#   --ends RC           it ends by itself (within 10 s) with exit code RC
#   --kill SIG RC       SIG ends it with exit code RC
# Last, a listener still running is stopped.
DL_N=0
dlisten() {
	local desc=$1 at=@P@ err=/dev/null
	local -a steps=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--at|--err) printf -v "${1#--}" %s "$2"; shift 2 ;;
		--is) steps+=(is "$2" "$3" "$4"); shift 4 ;;
		--alive) steps+=(alive "$2" - -); shift 2 ;;
		--do) steps+=(do "$2" - -); shift 2 ;;
		--ends) steps+=(ends "$2" - -); shift 2 ;;
		--kill) steps+=(kill "$2" "$3" -); shift 3 ;;
		--) shift; break ;;
		*) echo "# dlisten: bad argument $1" >&2; return 2 ;;
		esac
	done
	DL_N=$((DL_N + 1))
	local tool tn w d a i P Q U ended
	local -a args sub
	for tool in "${TOOLS[@]}"; do
		set_tool "$tool"
		d=$TMP/$tn P=$(dport) Q=$(dport) ended=""
		U=$d/dl$DL_N.sock
		mkdir -p "$d"
		# sub: the steps' fields and --at with @P@, @U@ and @D@ replaced
		sub=()
		for a in "$at" "$err" "${steps[@]}" "$@"; do a=${a//@P@/$P}; a=${a//@Q@/$Q}; a=${a//@U@/$U}; sub+=("${a//@D@/$d}"); done
		args=("${sub[@]:$((2 + ${#steps[@]}))}")
		tool_bg "${sub[0]}" "$tool" "${args[@]}" </dev/null 2>"${sub[1]}"
		for ((i = 2; i < 2 + ${#steps[@]}; i += 4)); do
			case ${sub[i]} in
			do) eval "${sub[i + 1]//@T@/$tpid}" ;;
			is) check_eq "$w: $desc: ${sub[i + 1]}" "${sub[i + 2]//@T@/$tpid}" "$(eval "${sub[i + 3]//@T@/$tpid}")" ;;
			alive) check "$w: $desc: ${sub[i + 1]}" kill -0 "$tpid" ;;
			ends) tool_ends "$w: $desc: exit code" "${sub[i + 1]}"; ended=1 ;;
			kill)
				kill -"${sub[i + 1]}" "$tpid"
				wait_gone "$tpid" 5 || kill -KILL "$tpid"
				wait "$tpid"
				check_eq "$w: $desc: exit code" "${sub[i + 2]}" "$?"
				ended=1 ;;
			esac
		done
		[ -n "$ended" ] || stop_tool "$tpid"
	done
}
