#!/usr/bin/env bash
# The serial-line terminal options of socat 1.7.4 (the c_cflag ones):
# crtscts, clocal, cs5..cs8, csize=, parenb, parodd, cstopb, hupcl, cread,
# as "name" or "name=0/1", through the real socat and through relay, and the
# terminal settings each leaves while it runs.
#
# What a Linux pty keeps of them: crtscts, clocal, cstopb, hupcl and parodd
# stay as set; CSIZE is always CS8, PARENB always off and CREAD always on
# (the kernel's pty driver puts them back).  A pty's defaults are
# cs8 cread -hupcl -clocal -crtscts.  socat applies a PTY address's terminal
# options to the master (one tcsetattr with all of them); EXEC/SYSTEM with
# pty apply them in the child to the slave; either way the slave shows them.
# glibc's tcsetattr returns EINVAL when a call changed nothing at all but
# asked for another CSIZE (not CS5), PARENB or CREAD: so "PTY,cs7" alone is
# an E and exit 1 in socat, while "PTY,cs7,clocal" runs (shown as cs8).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diff.sh"

# tc.py MODE INIT LOG TOOL ARGS...: runs "TOOL -d -d ARGS" and reports the
# terminal's settings once the transfer has started, then ends it with
# SIGTERM.  MODE "pty:LINK": the settings of the slave at LINK; "tty": a pty
# pair made here (its slave's name replaces @TTY@ in ARGS), the tool's stdin
# and stdout /dev/null; "stdio": the same, the slave as the tool's stdin and
# stdout.  INIT: c_cflag bits (termios names) set on that pty first.
# Prints "before:", "during:", "after:" (the settings at exit), "rc:",
# "elog:" (1 if an E line was logged), "link:" (gone/left).
cat >"$TMP/tc.py" <<'PY'
import os, re, sys, pty, termios, subprocess, time, signal
mode, init, logf, tool = sys.argv[1:5]
args = sys.argv[5:]
SPEEDS = {getattr(termios, n): n[1:] for n in dir(termios) if re.fullmatch(r"B\d+", n)}
def show(fd):
    try:
        a = termios.tcgetattr(fd)
    except Exception as e:
        return "tcgetattr failed: %s" % e
    c = a[2]
    w = [{termios.CS5: "cs5", termios.CS6: "cs6", termios.CS7: "cs7",
          termios.CS8: "cs8"}[c & termios.CSIZE]]
    for n in ("PARENB", "PARODD", "CSTOPB", "CREAD", "HUPCL", "CLOCAL", "CRTSCTS"):
        w.append(("" if c & getattr(termios, n) else "-") + n.lower())
    w.append(SPEEDS.get(a[5], "?"))
    for n in ("ICANON", "ECHO"):
        w.append(("" if a[3] & getattr(termios, n) else "-") + n.lower())
    return " ".join(w)
def show_link(path):
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as e:
        return "no slave: %s" % e.strerror
    try:
        return show(fd)
    finally:
        os.close(fd)
s = None
if mode.startswith("pty:"):
    link = mode[4:]
    print("before: -")
else:
    m, s = pty.openpty()
    a = termios.tcgetattr(s)
    for b in filter(None, init.split(",")):
        a[2] |= getattr(termios, b.upper())
    termios.tcsetattr(s, termios.TCSANOW, a)
    args = [x.replace("@TTY@", os.ttyname(s)) for x in args]
    print("before:", show(s))
io = s if mode == "stdio" else subprocess.DEVNULL
p = subprocess.Popen([tool, "-d", "-d"] + args, stdin=io, stdout=io,
                     stderr=subprocess.PIPE)
os.set_blocking(p.stderr.fileno(), False)
log = b""
t0 = time.time()
while b"starting data transfer" not in log and p.poll() is None and time.time() - t0 < 10:
    time.sleep(0.05)
    log += p.stderr.read() or b""
if b"starting data transfer" in log and p.poll() is None:
    print("during:", show_link(link) if s is None else show(s))
else:
    print("during: never started")
if p.poll() is None:
    p.send_signal(signal.SIGTERM)
os.set_blocking(p.stderr.fileno(), True)
try:
    log += p.communicate(timeout=5)[1] or b""
except subprocess.TimeoutExpired:
    p.kill()
    log += p.communicate()[1] or b""
open(logf, "wb").write(log)
print("after:", "-" if s is None else show(s))
rc = p.returncode
print("rc:", rc if rc >= 0 else 128 - rc)
print("elog:", 1 if re.search(rb"(?m)^\d{4}/\d\d/\d\d [\d:]{8} \S+\[\d+\] E ", log) else 0)
print("link:", "-" if s is not None else ("left" if os.path.lexists(link) else "gone"))
PY

# tc TOOL MODE INIT ARGS...: runs tc.py; the report in $TC (one line,
# fields joined by "; "); the tool's log in $TMP/log.<tool>.
tc() {
	local tool=$1 mode=$2 init=$3 w
	shift 3
	w=$(tool_name "$tool")
	TC=$(timeout 40 python3 "$TMP/tc.py" "$mode" "$init" "$TMP/log.$w" "$tool" "$@" 2>&1 |
		paste -sd';' | sed 's/;/; /g')
}

# The line of settings a pty has by default, and one with some bits on.
DEF="cs8 -parenb -parodd -cstopb cread -hupcl -clocal -crtscts 38400 icanon echo"
DEF_RAW="cs8 -parenb -parodd -cstopb cread -hupcl -clocal -crtscts 38400 -icanon echo"

# pty_case OPTS DURING RC ELOG: "PTY,link=...,OPTS PIPE" (stdin /dev/null)
# through socat and relay; socat's report must be the expected one (the
# slave's settings DURING, exit code RC after SIGTERM or at an error, an E
# line or not, the link removed at exit) and relay's must be socat's.
pty_case() {
	tc_both "PTY,$1" "slave settings, exit, E line, link" \
		"before: -; during: $2; after: -; rc: $3; elog: $4; link: gone" \
		"pty:$TMP/p" "" "PTY,link=$TMP/p,$1" PIPE
}

# tc_both NAME WHAT EXP MODE INIT ARGS...: tc through socat and relay;
# socat's report (WHAT it shows) must be EXP, and relay's socat's.
tc_both() {
	local name=$1 what=$2 exp=$3 mode=$4 init=$5 tool w sref=""
	shift 5
	for tool in "${TOOLS[@]}"; do
		w=$(tool_name "$tool")
		rm -f "$TMP/p"
		tc "$tool" "$mode" "$init" "$@"
		if [ "$w" = socat ]; then
			sref=$TC
			check_eq "socat: $name: $what" "$exp" "$TC"
		else
			check_eq "relay: $name: as socat (log: $(grep -E ' [EF] ' "$TMP/log.$w" | head -n 1 | cut -c21-120))" "$sref" "$TC"
		fi
	done
}

# --- PTY: which bits the slave shows ------------------------------------
# (SIGTERM ends each run: exit 143, no E)
ALL="cs8 -parenb parodd cstopb cread hupcl clocal crtscts 38400 icanon echo"
pty_case crtscts,clocal,cstopb,hupcl,parodd "$ALL" 143 0
pty_case crtscts=1,clocal=1,cstopb=1,hupcl=1,parodd=1 "$ALL" 143 0
# cs7 and parenb are taken and lost: the pty stays cs8 without parity.
pty_case crtscts,clocal,cs7,parenb \
	"cs8 -parenb -parodd -cstopb cread -hupcl clocal crtscts 38400 icanon echo" 143 0
# Options apply in order, the last one wins.
pty_case crtscts,cstopb,clocal,crtscts=0 \
	"cs8 -parenb -parodd cstopb cread -hupcl clocal -crtscts 38400 icanon echo" 143 0
pty_case crtscts=0,hupcl,crtscts \
	"cs8 -parenb -parodd -cstopb cread hupcl -clocal crtscts 38400 icanon echo" 143 0
# With b9600 and raw,echo=0 (relay has those already): one tcsetattr.
pty_case b9600,raw,echo=0,crtscts,cstopb \
	"cs8 -parenb -parodd cstopb cread -hupcl -clocal crtscts 9600 -icanon -echo" 143 0
pty_case raw,echo=0,b115200,cs8,parenb=0,clocal \
	"cs8 -parenb -parodd -cstopb cread -hupcl clocal -crtscts 115200 -icanon -echo" 143 0
# raw alone leaves echo on, as socat's does (a known trap: raw,echo=0);
# cfmakeraw (and rawer, where socat also sets the speed to 0) clear it.
pty_case raw "$DEF_RAW" 143 0
pty_case cfmakeraw "${DEF_RAW% echo} -echo" 143 0
# Upper case, and a boolean's value other than 0 or 1 means on.
pty_case CRTSCTS,Clocal=1,HUPCL=2 \
	"cs8 -parenb -parodd -cstopb cread hupcl clocal crtscts 38400 icanon echo" 143 0
# Only a size or parity the pty refuses, nothing else: glibc's tcsetattr
# fails (EINVAL), socat logs "E tcsetattr(5, TCSADRAIN, ...): Invalid
# argument" and exits 1, the link removed.
pty_case cs7 "never started" 1 1
pty_case parenb "never started" 1 1
pty_case cread=0 "never started" 1 1
# csize=N is the CSIZE field (0..3 for cs5..cs8): csize=2 asks for cs7 (as
# cs7 alone, an error), csize=3 for cs8 (no change, runs), and so does cs5
# (CS5 is 0: glibc does not check it).
pty_case csize=2 "never started" 1 1
pty_case csize=3 "$DEF" 143 0
pty_case cs5 "$DEF" 143 0
# The last size wins: cs7,cs8 asks for cs8 (runs), cs8,cs7 for cs7 (error).
pty_case cs7,cs8 "$DEF" 143 0
pty_case cs8,cs7 "never started" 1 1

# --- a terminal the tool opens or inherits -------------------------------
# The pty is made here with hupcl, clocal, crtscts and parodd on; "=0"
# clears bits that are on, the others stay; the settings come back when the
# tool ends (socat restores them, also when SIGTERM ends it).
INIT=hupcl,clocal,crtscts,parodd
ON="cs8 -parenb parodd -cstopb cread hupcl clocal crtscts 38400 icanon echo"
# tty_case MODE DURING ARGS...: as pty_case, for a terminal made here.
tty_case() {
	local mode=$1 during=$2
	shift 2
	tc_both "$* ($mode)" "settings before, during, after; exit, E line" \
		"before: $ON; during: $during; after: $ON; rc: 143; elog: 0; link: -" \
		"$mode" "$INIT" "$@"
}
tty_case tty "cs8 -parenb parodd -cstopb cread -hupcl -clocal -crtscts 38400 icanon echo" \
	GOPEN:@TTY@,hupcl=0,clocal=0,crtscts=0 PIPE
tty_case tty "cs8 -parenb -parodd cstopb cread hupcl clocal crtscts 9600 icanon echo" \
	OPEN:@TTY@,cstopb,parodd=0,b9600 PIPE
tty_case stdio "cs8 -parenb parodd cstopb cread hupcl -clocal crtscts 38400 -icanon -echo" \
	-,clocal=0,cstopb,raw,echo=0 PIPE
# (The options on the second half of a dual address.  Not on the first:
# "STDIN,hupcl=0!!STDOUT" on one terminal leaves -hupcl behind in socat
# 1.7.4, which also notes STDOUT's settings when it opens it, after STDIN's
# options, and puts those back last.)
tty_case stdio "cs8 -parenb parodd -cstopb cread -hupcl clocal crtscts 38400 icanon echo" \
	STDIN!!STDOUT,hupcl=0 PIPE

# --- EXEC/SYSTEM with pty: the program sees the settings on its terminal --
cat >"$TMP/show.sh" <<'SH'
stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(parenb|parodd|cs[5-8]|hupcl|cstopb|cread|clocal|crtscts|icanon|echo)' | tr '\n' ' '
stty speed
SH
ref_out=""
ref_rc=""
for tool in "${TOOLS[@]}"; do
	w=$(tool_name "$tool")
	# (-t 5: stdin ends at once, before show.sh has printed; the tool
	# still ends when the program does)
	out=$(timeout 10 "$tool" -t 5 - "SYSTEM:sh $TMP/show.sh,pty,crtscts,clocal,cstopb,cs7,b9600" \
		</dev/null 2>"$TMP/sys.$w" | tr -d '\r')
	rc=$?
	if [ "$w" = socat ]; then
		ref_out=$out
		ref_rc=$rc
		check_eq "socat: SYSTEM,pty,crtscts,clocal,cstopb,cs7,b9600: stty in the program" \
			"-parenb -parodd cs8 -hupcl cstopb cread clocal crtscts icanon echo 9600" "$(echo $out)"
		check_eq "socat: SYSTEM,pty,...: exit code" 0 "$rc"
	else
		check_eq "relay: SYSTEM,pty,crtscts,clocal,cstopb,cs7,b9600: stty in the program, as socat ($(first_line "$TMP/sys.$w" | cut -c21-))" \
			"$ref_out" "$out"
		check_eq "relay: SYSTEM,pty,...: exit code as socat" "$ref_rc" "$rc"
	fi
done
# cs7 alone on the program's pty: the child's tcsetattr fails (E), socat
# logs the child's exit status 1 (a second E) and exits 1.  (stdin stays
# open, so the tool sees the child end before any EOF.)
for tool in "${TOOLS[@]}"; do
	w=$(tool_name "$tool")
	out=$(sleep 2 | timeout 10 "$tool" - "SYSTEM:sh $TMP/show.sh,pty,cs7" 2>"$TMP/sys7.$w")
	check_eq "$w: SYSTEM,pty,cs7 (only a refused size): exit code" 1 "$?"
	check "$w: SYSTEM,pty,cs7: an E line" has_elog "$TMP/sys7.$w"
	check_eq "$w: SYSTEM,pty,cs7: the program does not run" "" "$out"
done

# --- accepted syntaxes ----------------------------------------------------
# "PTY,link=...,OPT,clocal SYSTEM:true": accepted, it runs and exits 0 once
# the program has ended (clocal so that each call changes something).
ACC="crtscts crtscts=1 crtscts=0 crtscts=2 CRTSCTS clocal=1 clocal=0 cstopb cstopb=0
	hupcl hupcl=1 hupcl=0 parodd parodd=0 parenb parenb=0 cread cread=0 cread=1
	cs5 cs6 cs7 cs8 CS7 csize=0 csize=1 csize=2 csize=3 CSIZE=3 b9600"
# outcomes TOOL OPT...: " OPT:RC" for each OPT of "PTY,link=...,OPT,clocal
# SYSTEM:true", RC followed by E if an E line was logged, L if the link
# was left behind.
outcomes() {
	local tool=$1 o res=""
	shift
	for o in "$@"; do
		rm -f "$TMP/pa"
		timeout 10 "$tool" -t 0.1 "PTY,link=$TMP/pa,$o,clocal" SYSTEM:true </dev/null >/dev/null 2>"$TMP/acc.err"
		res="$res $o:$?$(has_elog "$TMP/acc.err" && echo E)$([ -e "$TMP/pa" ] && echo L)"
	done
	echo "$res"
}
a_socat=$(outcomes "$SOCAT" $ACC)
a_relay=$(outcomes "$RELAY" $ACC)
check_eq "socat: each accepted option (with clocal) runs: exit 0, no E" \
	"$(for o in $ACC; do printf ' %s:0' "$o"; done)" "$a_socat"
check_eq "relay: the accepted options, as socat" "$a_socat" "$a_relay"

# --- invalid values and unknown names: an E, exit 1, no link left --------
# socat: "E parseopts_table(): unknown option "cs9"" (cs4, cs9, rtscts,
# crtscts2); "E no value permitted for option "cs8"" (cs8=0, cs7=1, cs5=);
# "E option csize: invalid value 9" (csize=4, csize=9; csize=-1 says
# 4294967295; found when the options are applied: the PTY exists by then,
# its link is removed); "E parseopts(): missing numerical value of option
# "crtscts=yes"" (=yes, =, =x); "E parseopts(): trailing garbage in
# numerical arg of option "csize=3x"".
REJ="cs9 cs4 rtscts crtscts2 cs8=0 cs7=1 cs5= csize=4 csize=9 csize=-1 csize=3x
	crtscts=yes crtscts= hupcl=x"
r_socat=$(outcomes "$SOCAT" $REJ)
r_relay=$(outcomes "$RELAY" $REJ)
check_eq "socat: each invalid value or unknown name: exit 1, an E, no link left" \
	"$(for o in $REJ; do printf ' %s:1E' "$o"; done)" "$r_socat"
check_eq "relay: the invalid values and unknown names, as socat" "$r_socat" "$r_relay"

# --- no terminal ----------------------------------------------------------
# On a regular file, /dev/null as stdin, a program's socketpair: socat
# logs "E tcgetattr(FD, 0x...): Inappropriate ioctl for device", exits 1,
# transfers nothing and leaves the file as it was.
printf 'file data\n' >"$TMP/f"
cp "$TMP/f" "$TMP/f.orig"
nt=0
for args in "OPEN:$TMP/f,crtscts STDOUT" "OPEN:$TMP/f,cs7,parenb STDOUT" "GOPEN:$TMP/f,hupcl=0 STDOUT" \
	"-,crtscts STDOUT" "-u -,clocal=0 STDOUT" "SYSTEM:true,cstopb STDOUT" "EXEC:true,csize=3 STDOUT"; do
	nt=$((nt + 1))
	# shellcheck disable=SC2086
	diff_run "nt$nt" -t 10 -- $args
	for w in socat relay; do
		rc=$DR_SOCAT_RC
		[ "$w" = relay ] && rc=$DR_RELAY_RC
		check_eq "$w: $args (no terminal): exit code" 1 "$rc"
		check "$w: $args (no terminal): an E tcgetattr line" grep -q '\] E tcgetattr' "$DR_DIR/nt$nt.$w.err"
		is_empty_file "$w: $args (no terminal): nothing transferred" "$DR_DIR/nt$nt.$w.out"
	done
	same_file "$args: the file is as it was" "$TMP/f.orig" "$TMP/f"
done

# Address types without terminal options: socat refuses the option itself
# ("E parseopts_table(): option "crtscts" not supported with this address
# type", exit 1) before doing anything: CREATE creates no file, TCP-LISTEN
# does not listen.
P=$(dport)
nn=0
for args in "PIPE,crtscts -" "TCP-LISTEN:$P,reuseaddr,clocal -" "CREATE:$TMP/new,parenb -" "UNIX-CONNECT:$TMP/nosock,hupcl -"; do
	nn=$((nn + 1))
	# shellcheck disable=SC2086
	diff_run "nn$nn" -t 5 -- $args
	for w in socat relay; do
		rc=$DR_SOCAT_RC
		[ "$w" = relay ] && rc=$DR_RELAY_RC
		check_eq "$w: $args: exit code" 1 "$rc"
		check "$w: $args: an E line saying the option is not supported there ($(first_line "$DR_DIR/nn$nn.$w.err" | cut -c21-))" \
			grep -Eq '\] E .*not supported' "$DR_DIR/nn$nn.$w.err"
	done
	check "$args: no file created (by either)" test ! -e "$TMP/new"
	rm -f "$TMP/new"
done
finish
