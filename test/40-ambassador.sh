#!/usr/bin/env bash
# The ambassador front script, run under busybox sh: the relay command lines
# it builds from Docker link variables (dry run), that no environment value
# can run a command or smuggle anything into relay's arguments, usage errors,
# and a live redis round trip through the real relay including shutdown on
# SIGTERM and exit when a relay dies.  Relays get -t 30, _UDP links and
# bracketed IPv6 are forwarded, a duplicate listen port is an error;
# test/41-ambassador-links.sh covers the rest of the link handling.
. "$(dirname "$0")/lib.sh"
require busybox redis-server redis-cli

AMB=$TOP/ambassador
PWN=$TMP/pwned

# amb_dry OUT ERR NAME=VALUE...: run "ambassador -n" under busybox sh with
# exactly the given environment (plus PATH); returns its exit status.
amb_dry() {
	local out=$1 err=$2
	shift 2
	timeout 10 env -i PATH="$PATH" "$@" busybox sh "$AMB" -n >"$out" 2>"$err"
}

# --- dry run: command lines ---------------------------------------------

amb_dry "$TMP/out" "$TMP/err" REDIS_PORT_6379_TCP=tcp://127.0.0.1:6380
check_eq "one link: exit 0" 0 $?
check_eq "one link: relay command line" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:127.0.0.1:6380" "$(cat "$TMP/out")"
check_eq "one link: nothing on stderr" "" "$(cat "$TMP/err")"

amb_dry "$TMP/out" "$TMP/err" RELAY=/opt/bin/relay WEB_PORT_80_TCP=tcp://web.example.com:8080
check_eq "RELAY names the program in the command line" \
	"/opt/bin/relay -t 30 TCP${AMB_LV}-LISTEN:80${AMB_DUAL},fork,reuseaddr TCP4:web.example.com:8080" "$(cat "$TMP/out")"

amb_dry "$TMP/out" "$TMP/err" \
	DB_PORT_5432_TCP=tcp://172.17.0.5:5432 \
	REDIS_PORT_6379_TCP=tcp://172.17.0.3:6379 \
	WEB_PORT_80_TCP=tcp://web-1.internal:8080 \
	MQ_PORT_5672_TCP=tcp://10.0.0.7:15672
check_eq "several links: exit 0" 0 $?
check_eq "several links: one relay per link" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:5432${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.5:5432
relay -t 30 TCP${AMB_LV}-LISTEN:5672${AMB_DUAL},fork,reuseaddr TCP4:10.0.0.7:15672
relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:6379
relay -t 30 TCP${AMB_LV}-LISTEN:80${AMB_DUAL},fork,reuseaddr TCP4:web-1.internal:8080" "$(sort "$TMP/out")"

timeout 10 env -i PATH="$PATH" AMBASSADOR_DRYRUN=1 REDIS_PORT_6379_TCP=tcp://127.0.0.1:6380 \
	busybox sh "$AMB" >"$TMP/out" 2>"$TMP/err"
check_eq "AMBASSADOR_DRYRUN=1: exit 0" 0 $?
check_eq "AMBASSADOR_DRYRUN=1 prints like -n" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:127.0.0.1:6380" "$(cat "$TMP/out")"

# Everything "docker run --link redis:redis" puts in the environment, plus
# link variables the linked container itself had (copied as REDIS_ENV_*).
amb_dry "$TMP/out" "$TMP/err" \
	REDIS_PORT=tcp://172.17.0.3:6379 \
	REDIS_PORT_6379_TCP=tcp://172.17.0.3:6379 \
	REDIS_PORT_6379_TCP_ADDR=172.17.0.3 \
	REDIS_PORT_6379_TCP_PORT=6379 \
	REDIS_PORT_6379_TCP_PROTO=tcp \
	REDIS_NAME=/client/redis \
	REDIS_ENV_FOO=bar \
	REDIS_ENV_DB_PORT_5432_TCP=tcp://172.17.0.9:5432 \
	X_ENV_REDIS_PORT_6380_TCP=tcp://172.17.0.8:6380 \
	DNS_PORT_53_UDP=udp://172.17.0.4:53
check_eq "docker link variables: exit 0" 0 $?
check_eq "docker link variables: only the _PORT_n_TCP and _UDP links, no _ENV_ copies or helpers" \
	"relay -T 60 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:172.17.0.4:53
relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:6379" "$(sort "$TMP/out")"
check_eq "docker link variables: nothing skipped" "" "$(cat "$TMP/err")"

# The same listen port twice cannot work: an error naming both, nothing run.
amb_dry "$TMP/out" "$TMP/err" \
	A_PORT_7000_TCP=tcp://10.0.0.1:1 B_PORT_7000_TCP=tcp://10.0.0.2:2
check_eq "duplicate listen port: exit 1" 1 $?
check_eq "duplicate listen port: no relay" 0 "$(wc -l <"$TMP/out")"
check "duplicate listen port: both named" grep -q \
	"^ambassador: listen port 7000/tcp is given twice: [AB]_PORT_7000_TCP=tcp://10.0.0.[12]:[12] and [AB]_PORT_7000_TCP=" "$TMP/err"

# --- hostile values -------------------------------------------------------

nl='
'
bad_values=(
	'tcp://$(touch '"$PWN"'):1'
	'tcp://`touch '"$PWN"'`:1'
	'tcp://127.0.0.1:$(touch '"$PWN"')'
	'tcp://a;touch '"$PWN"';:1'
	'tcp://a;b:1'
	'tcp://127.0.0.1:80;touch '"$PWN"
	'tcp://127.0.0.1:80 -d'
	'tcp://127.0.0.1:80 >'"$PWN"
	'tcp://127.0.0.1|touch '"$PWN"':80'
	'tcp://127.0.0.1&&touch '"$PWN"':80'
	"tcp://127.0.0.1:80${nl}touch $PWN"
	"tcp://127.0.0.1:80${nl}FAKE_PORT_7999_TCP=tcp://10.9.9.9:9"
	'tcp://${PWN}:1'
	'tcp://ho st:80'
	'tcp://127.0.0.1 :80'
	' tcp://127.0.0.1:80'
	'tcp://127.0.0.1:80 '
	'tcp://127.0.0.1,fork:80'
	'tcp://127.0.0.1:80,bind=10.0.0.1'
	'tcp://127.0.0.1:80!!STDIO'
	'tcp://[::1]80'
	'tcp://[::1]:80]'
	'tcp://[::1%lo]:80'
	'tcp://[::1],fork:80'
	'tcp://[$(touch '"$PWN"')]:80'
	'tcp://[1::2::3]:80'
	'tcp://[]:80'
	'tcp://[127.0.0.1]:80'
	'tcp://::1:80'
	'tcp://-d:80'
	'tcp://256.0.0.1:80'
	'tcp://1.2.3:80'
	'tcp://010.0.0.1:80'
	'tcp://127.0.0.1:0'
	'tcp://127.0.0.1:65536'
	'tcp://127.0.0.1:080'
	'tcp://127.0.0.1:'
	'tcp://:80'
	'tcp://127.0.0.1'
	'udp://127.0.0.1:53'
	'TCP4:127.0.0.1:80'
	''
)
i=0
all_env=()
for v in "${bad_values[@]}"; do
	name=BAD${i}_PORT_$((7000 + i))_TCP
	amb_dry "$TMP/out" "$TMP/err" "$name=$v"
	rc=$?
	shown=${v//$nl/\\n}
	if [ "$rc" -eq 1 ] && [ ! -s "$TMP/out" ] &&
		grep -qF "ambassador: skipping $name=" "$TMP/err"; then
		ok "hostile value skipped: $shown"
	else
		not_ok "hostile value skipped: $shown (exit $rc, stdout '$(cat "$TMP/out")', stderr '$(head -1 "$TMP/err")')"
	fi
	all_env+=("$name=$v")
	i=$((i + 1))
done
# Listen ports come from the name; bad ones are skipped too.
for p in 0 65536 99999 0080; do
	amb_dry "$TMP/out" "$TMP/err" "BADL_PORT_${p}_TCP=tcp://127.0.0.1:80"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$TMP/out" ] &&
		grep -qF "ambassador: skipping BADL_PORT_${p}_TCP=" "$TMP/err"; then
		ok "bad listen port skipped: $p"
	else
		not_ok "bad listen port skipped: $p (exit $rc, stdout '$(cat "$TMP/out")')"
	fi
	all_env+=("BADL${p}_PORT_${p}_TCP=tcp://127.0.0.1:80")
done
nbad=${#all_env[@]}

# All of them at once next to one good link (and a name the shell cannot
# even hold): only the good relay, one report per bad variable.
amb_dry "$TMP/out" "$TMP/err" "${all_env[@]}" \
	'A-B_PORT_7998_TCP=tcp://10.0.0.1:1' GOOD_PORT_7100_TCP=tcp://127.0.0.1:7101
check_eq "hostile values next to a good link: exit 0" 0 $?
check_eq "hostile values next to a good link: only the good relay" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:7100${AMB_DUAL},fork,reuseaddr TCP4:127.0.0.1:7101" "$(cat "$TMP/out")"
check_eq "hostile values next to a good link: one report each" \
	"$nbad" "$(grep -c '^ambassador: skipping ' "$TMP/err")"

# Not in dry run: a stand-in relay records the arguments it really gets.
cat >"$TMP/fake-relay" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$TMP/args.\$\$"
exec sleep 60
EOF
chmod +x "$TMP/fake-relay"
bg env -i PATH="$PATH" RELAY="$TMP/fake-relay" "${all_env[@]}" \
	GOOD_PORT_7100_TCP=tcp://127.0.0.1:7101 busybox sh "$AMB" 2>"$TMP/err"
amb=$BG_PID
for _ in $(seq 100); do ls "$TMP"/args.* >/dev/null 2>&1 && break; sleep 0.05; done
sleep 0.3
check_eq "hostile values, real run: one relay started" 1 "$(ls "$TMP"/args.* 2>/dev/null | wc -l)"
check_eq "hostile values, real run: relay got exactly -t 30 and the two validated addresses" \
	"-t
30
TCP${AMB_LV}-LISTEN:7100${AMB_DUAL},fork,reuseaddr
TCP4:127.0.0.1:7101" "$(cat "$TMP"/args.* 2>/dev/null)"
wait_until 5 "the stand-in relay is not running" pgrep -P "$amb" -f '^sleep 60'
fake=$(pgrep -P "$amb" -f '^sleep 60' | head -1)
check "hostile values, real run: the stand-in relay runs" test -n "$fake"
kill -TERM "$amb"
wait "$amb"
check_eq "hostile values, real run: SIGTERM exit status" 143 $?
check "hostile values, real run: stand-in relay stopped" wait_gone "${fake:-999999}" 5
check "no hostile value ran a command ($PWN never created)" test ! -e "$PWN"

# The same values are live: the original image's CMD runs them.
ORIG_PWN=$TMP/orig-pwned
mkdir -p "$TMP/origbin"
printf '#!/bin/sh\nexit 0\n' >"$TMP/origbin/socat"
chmod +x "$TMP/origbin/socat"
timeout 10 env -i PATH="$TMP/origbin:$PATH" "BAD_PORT_7000_TCP=tcp://\$(touch $ORIG_PWN):1" \
	sh -c 'env | grep _TCP= | sed '\''s/.*_PORT_\([0-9]*\)_TCP=tcp:\/\/\(.*\):\(.*\)/socat TCP4-LISTEN:\1,fork,reuseaddr TCP4:\2:\3 \&/'\'' | sh' \
	>/dev/null 2>&1
# (the injected command runs in the background job, give it a moment)
for _ in $(seq 100); do [ -e "$ORIG_PWN" ] && break; sleep 0.05; done
check "control: the original env|sed|sh CMD does run an injected command" test -e "$ORIG_PWN"

# --- usage errors -----------------------------------------------------------

amb_dry "$TMP/out" "$TMP/err" FOO=bar REDIS_PORT=tcp://127.0.0.1:6380
check_eq "no link variable: exit 1" 1 $?
check_eq "no link variable: nothing on stdout" "" "$(cat "$TMP/out")"
check "no link variable: usage on stderr" grep -q '^usage: ambassador' "$TMP/err"

rm -f "$TMP"/args.*
timeout 10 env -i PATH="$PATH" RELAY="$TMP/fake-relay" busybox sh "$AMB" >"$TMP/out" 2>"$TMP/err"
check_eq "no link variable, real run: exit 1" 1 $?
check "no link variable, real run: usage on stderr" grep -q '^usage: ambassador' "$TMP/err"
check_eq "no link variable, real run: no relay started" "" "$(ls "$TMP"/args.* 2>/dev/null)"

timeout 10 env -i PATH="$PATH" busybox sh "$AMB" -x >"$TMP/out" 2>"$TMP/err"
check_eq "unknown argument: exit 1" 1 $?

# --- live: redis through the real relay ---------------------------------------

P=$(free_port)
L=$(free_port)
while [ "$L" = "$P" ]; do L=$(free_port); done
mkdir -p "$TMP/redis"
bg redis-server --bind 127.0.0.1 --port "$P" --dir "$TMP/redis" --save '' --appendonly no >/dev/null
check "redis-server listens" wait_listen "$P"

bg env -i PATH="$PATH" RELAY="$RELAY" "REDIS_PORT_${L}_TCP=tcp://127.0.0.1:$P" \
	REDIS_PORT_${L}_TCP_ADDR=127.0.0.1 REDIS_PORT_${L}_TCP_PORT="$P" REDIS_PORT_${L}_TCP_PROTO=tcp \
	busybox sh "$AMB"
amb=$BG_PID
check "ambassador's relay listens on $L" wait_listen "$L"
check_eq "redis-cli ping through the ambassador" PONG "$(timeout 5 redis-cli -p "$L" ping 2>&1)"
check_eq "SET through the ambassador" OK "$(timeout 5 redis-cli -p "$L" set amb-key "via ambassador" 2>&1)"
check_eq "GET directly on redis sees it" "via ambassador" "$(timeout 5 redis-cli -p "$P" get amb-key 2>&1)"
relays=
for c in $(pgrep -P "$amb"); do
	[ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ] || relays="$relays $c"
done
check "ambassador has a relay child" test -n "$relays"
kill -TERM "$amb"
wait "$amb"
check_eq "ambassador exit status after SIGTERM" 143 $?
gone=yes
for r in $relays; do wait_gone "$r" 5 || gone="no: $r alive"; done
check_eq "ambassador's relays are gone after SIGTERM" yes "$gone"
sleep 0.2
check "nothing listens on $L any more" test -z "$(ss -Hltn "sport = :$L")"

# A relay that dies (its listen port is taken by redis) takes the
# ambassador down, and the ambassador stops its other relays.
L2=$(free_port)
timeout 30 env -i PATH="$PATH" RELAY="$RELAY" "A_PORT_${L2}_TCP=tcp://127.0.0.1:$P" \
	"B_PORT_${P}_TCP=tcp://127.0.0.1:1" busybox sh "$AMB" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
	ok "ambassador exits non-zero when a relay dies (exit $rc)"
else
	not_ok "ambassador exits non-zero when a relay dies (exit $rc)"
fi
check "a relay died message" grep -q '^ambassador: relay .* exited' "$TMP/err"
check "the other relay is stopped too" test -z "$(ss -Hltn "sport = :$L2")"

finish
