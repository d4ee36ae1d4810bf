#!/usr/bin/env bash
# The ambassador while it runs, end to end as test/50-two-host-redis.sh
# runs it (network namespaces as hosts, the image tree as each container's
# root, PID 1 of its own PID namespace):
#
#   srv:   the backends (redis A and B, a UDP echo, slow TCP senders)
#   amb:   the ambassador containers and the IPv4 clients
#   v6:    a host with IPv6 only, linked to amb
#
# - rewiring without a restart: AMBASSADOR_LINKS_FILE laid out as Kubernetes
#   mounts a ConfigMap (a symbolic link swapped, no signal): a client that
#   holds a connection through the old target keeps exchanging data while a
#   new client reaches the new target, and the relays of unchanged links keep
#   their process; a file with a bad line or a repeated port changes nothing;
#   SIGHUP reads the file at once;
# - the health check run inside the container as "docker exec" runs it, as
#   an unprivileged user with only /dev/shm writable: healthy, then failing
#   for a dead backend (--check=deep) and for a relay that died;
# - the drain on SIGTERM: a transfer in flight completes within the drain
#   time, a longer one is cut after it, the listeners close at once;
# - a linked backend restarted with a new IP, reached again through its
#   alias (Docker keeps /etc/hosts current, the ambassador forwards to the
#   alias);
# - an IPv6-only host reaching the ambassador's dual-stack listener;
# - dry runs: the links file with the other sources, duplicates, a bad line
#   at start, the alias choice, -h naming every variable.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/containers.sh"
require ip busybox redis-server redis-cli unshare nsenter python3 "$SOCAT"

SRV=rl-srv-$$
AMBH=rl-amb-$$
V6=rl-v6-$$
NET=10.214.$(($$ % 250 + 1))
SRV_IP=$NET.1
SRV_IP2=$NET.3
AMB_IP=$NET.2
P6=fd52:$(printf %x $(($$ % 65535)))
AMB_IP6=$P6::1
V6_IP6=$P6::2

# relay_of INIT PORT: the host pid of the container's relay listening on
# PORT (a process group leader: the connection processes of a replaced
# relay, orphaned to PID 1, carry the same command line in its group).
relay_of() {
	local c
	for c in $(pgrep -P "$1"); do
		[ "$(cut -d' ' -f5 "/proc/$c/stat" 2>/dev/null)" = "$c" ] || continue
		tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | grep -q -- "-LISTEN:$2," && echo "$c"
	done
}

# configmap DIR VERSION CONTENT: the links file as a mounted ConfigMap:
# DIR/links -> ..data/links, DIR/..data -> ..VERSION, the new version
# swapped in with one rename, as the kubelet does.
configmap() {
	mkdir -p "$1/..$2" && printf '%s\n' "$3" >"$1/..$2/links" &&
		ln -sfn "..$2" "$1/..data_tmp" && mv -T "$1/..data_tmp" "$1/..data" &&
		ln -sfn ..data/links "$1/links"
}

# get NS PORT [HOST]: redis "GET which" through PORT.
get() { rcli "$1" -h "${3:-127.0.0.1}" -p "$2" get which; }

# reaches NS PORT WANT: a new client on PORT gets WANT.
reaches() { [ "$(get "$1" "$2")" = "$3" ]; }

# line_in FILE PATTERN: FILE has a line matching PATTERN.
line_in() { grep -q -- "$2" "$1"; }

# --- the image and the hosts ----------------------------------------------------

check "static relay built" bash "$TESTDIR/51-image-chroot.sh" --build-static "$TMP/build"
for r in dry rewire drain alias; do
	check "image root for the $r container" \
		bash "$TESTDIR/51-image-chroot.sh" --build-root "$TMP/root-$r" "$TMP/build/relay-static"
done

check "namespace srv ($SRV)" netns_add "$SRV"
check "namespace amb ($AMBH)" netns_add "$AMBH"
check "namespace v6 ($V6)" netns_add "$V6"
check "veth srv-amb" ip link add "rls$$" netns "$SRV" type veth peer name "rla$$" netns "$AMBH"
ip -n "$SRV" addr add "$SRV_IP/24" dev "rls$$"
ip -n "$SRV" addr add "$SRV_IP2/24" dev "rls$$"
ip -n "$AMBH" addr add "$AMB_IP/24" dev "rla$$"
ip -n "$SRV" link set "rls$$" up
ip -n "$AMBH" link set "rla$$" up
check "veth amb-v6" ip link add "rlx$$" netns "$AMBH" type veth peer name "rl6$$" netns "$V6"
ip -n "$AMBH" addr add "$AMB_IP6/64" dev "rlx$$" nodad
ip -n "$V6" addr add "$V6_IP6/64" dev "rl6$$" nodad
ip -n "$AMBH" link set "rlx$$" up
ip -n "$V6" link set "rl6$$" up
check_eq "v6 has no IPv4 address but loopback" "" \
	"$(ip -n "$V6" -4 addr show | grep inet | grep -v '127\.0\.0\.1')"
check "amb reaches srv" wait_until 10 "no ping" ip netns exec "$AMBH" busybox ping -c 1 -W 2 "$SRV_IP"

# redis_at NS IP PORT DIR MARK: redis on IP:PORT in NS with which=MARK.
redis_at() {
	mkdir -p "$4"
	bg ip netns exec "$1" redis-server --bind "$2" --port "$3" --dir "$4" \
		--protected-mode no --save '' --appendonly no >"$4/log" 2>&1
	REDIS_PID=$BG_PID
	wait_until 10 "no redis on $2:$3" ns_listening "$1" "$3" &&
		[ "$(rcli "$1" -h "$2" -p "$3" set which "$5")" = OK ]
}
check "srv: redis A on $SRV_IP:6380" redis_at "$SRV" "$SRV_IP" 6380 "$TMP/ra" A
check "srv: redis B on $SRV_IP:6381" redis_at "$SRV" "$SRV_IP" 6381 "$TMP/rb" B
redis_b=$REDIS_PID
bg ip netns exec "$SRV" "$SOCAT" -T 20 UDP4-LISTEN:5300,fork,reuseaddr PIPE

# --- dry runs -----------------------------------------------------------------------

DRY=$TMP/root-dry
# dry ENV... [-- ARG...]: "ambassador -n" in the dry root; stdout in $TMP/o,
# stderr in $TMP/e.
dry() {
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	timeout 10 env -i PATH="$IMAGE_PATH" "${envs[@]}" unshare --pid --fork --mount-proc="$DRY/proc" \
		chroot "$DRY" /usr/bin/ambassador -n "$@" >"$TMP/o" 2>"$TMP/e"
}
L="relay -t 30 TCP$AMB_LV-LISTEN"
U="relay -T 60 UDP$AMB_LV-LISTEN"
F=",fork,reuseaddr"
mkdir -p "$DRY/etc/amb"
printf '# the links\n7000:a.internal:1, 7001/udp:10.0.0.1:53 # dns\n\n  7002:[2001:db8::1]:3\n' >"$DRY/etc/amb/links"
dry AMBASSADOR_LINKS_FILE=/etc/amb/links AMBASSADOR_LINKS=6999:b:2 -- 6998:c:3
check_eq "links file with AMBASSADOR_LINKS and an argument: exit 0" 0 $?
check_eq "links file: after the arguments and AMBASSADOR_LINKS, comments and commas as separators" \
	"$L:6998$AMB_DUAL$F TCP4:c:3
$L:6999$AMB_DUAL$F TCP4:b:2
$L:7000$AMB_DUAL$F TCP4:a.internal:1
$U:7001$AMB_DUAL$F UDP4:10.0.0.1:53
$L:7002$AMB_DUAL$F TCP6:[2001:db8::1]:3" "$(cat "$TMP/o")"
dry AMBASSADOR_LINKS_FILE=/etc/amb/links REDIS_PORT_6379_TCP=tcp://10.0.0.9:6379
check_eq "links file: link variables are not looked at" 0 "$(grep -c 6379 "$TMP/o")"
: >"$DRY/etc/amb/empty"
dry AMBASSADOR_LINKS_FILE=/etc/amb/empty REDIS_PORT_6379_TCP=tcp://10.0.0.9:6379
check_eq "an empty links file is still the explicit source: nothing to forward, exit 1" 1 $?
check "an empty links file: says nothing to forward" line_in "$TMP/e" '^ambassador: nothing to forward'
dry AMBASSADOR_LINKS_FILE=/etc/amb/links -- 7001/udp:10.0.0.2:53
check_eq "a port in the file and in an argument: exit 1" 1 $?
check "a port in the file and in an argument: both named" line_in "$TMP/e" \
	"^ambassador: listen port 7001/udp is given twice: 7001/udp:10.0.0.2:53 and 7001/udp:10.0.0.1:53"
printf '7000:a:1\n7001:a:1 7002:a;touch${IFS}/pwned:1\n' >"$DRY/etc/amb/bad"
dry AMBASSADOR_LINKS_FILE=/etc/amb/bad
check_eq "a bad line in the file at start: exit 1" 1 $?
check_eq "a bad line in the file at start: nothing printed" "" "$(cat "$TMP/o")"
check "a bad line in the file at start: the line named" line_in "$TMP/e" \
	"^ambassador: skipping AMBASSADOR_LINKS_FILE line 2: '7002:a;touch\${IFS}/pwned:1': "
check "a bad line in the file at start: nothing started" line_in "$TMP/e" "nothing started"
dry AMBASSADOR_LINKS_FILE=/etc/amb/missing
check_eq "a missing links file: exit 1" 1 $?
check "a missing links file: named" line_in "$TMP/e" "AMBASSADOR_LINKS_FILE /etc/amb/missing: not a readable file"
for v in AMBASSADOR_WATCH=x AMBASSADOR_DRAIN=-1 AMBASSADOR_DRAIN=1.5 'AMBASSADOR_CHECK_TIMEOUT=1;x'; do
	dry "$v" -- 7000:a:1
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "^ambassador: ${v%%=*}: " "$TMP/e"; then ok "$v refused"; else not_ok "$v refused (exit $rc)"; fi
done

# Docker link aliases: /etc/hosts of the root decides.
printf '127.0.0.1\tlocalhost\n10.0.0.5\tredis 3f4e5d6c7b8a redis_1\n2001:db8::7\tcache\n' >"$DRY/etc/hosts"
docker_link=(REDIS_PORT_6379_TCP=tcp://172.17.0.3:6379 REDIS_PORT_6379_TCP_ADDR=172.17.0.3
	REDIS_PORT_6379_TCP_PORT=6379 REDIS_PORT_6379_TCP_PROTO=tcp REDIS_PORT=tcp://172.17.0.3:6379)
dry "${docker_link[@]}" REDIS_NAME=/amb/redis
check_eq "alias in /etc/hosts: forwarded to the alias" "$L:6379$AMB_DUAL$F TCP4:redis:6379" "$(cat "$TMP/o")"
dry "${docker_link[@]}"
check_eq "no <NAME>_NAME: the IP" "$L:6379$AMB_DUAL$F TCP4:172.17.0.3:6379" "$(cat "$TMP/o")"
dry "${docker_link[@]}" REDIS_NAME=/amb/db
check_eq "alias not in /etc/hosts: the IP" "$L:6379$AMB_DUAL$F TCP4:172.17.0.3:6379" "$(cat "$TMP/o")"
dry CACHE_PORT_6379_TCP=tcp://172.17.0.4:6379 CACHE_NAME=/amb/cache
check_eq "alias with only an IPv6 address for an IPv4 link: the IP" \
	"$L:6379$AMB_DUAL$F TCP4:172.17.0.4:6379" "$(cat "$TMP/o")"
dry CACHE_PORT_6379_TCP='tcp://[2001:db8::6]:6379' CACHE_NAME=/amb/cache
check_eq "IPv6 link, alias with an IPv6 address: TCP6 to the alias" \
	"$L:6379$AMB_DUAL$F TCP6:cache:6379" "$(cat "$TMP/o")"
for v in '/amb/$(touch /pwned)' '/amb/redis;touch /pwned' '/amb/10.0.0.5' '/amb/redis x'; do
	dry "${docker_link[@]}" "REDIS_NAME=$v"
	check_eq "hostile or odd REDIS_NAME=$v: the IP" "$L:6379$AMB_DUAL$F TCP4:172.17.0.3:6379" "$(cat "$TMP/o")"
done
check "no value ran a command (no /pwned in the root)" test ! -e "$DRY/pwned"

timeout 10 env -i PATH="$IMAGE_PATH" chroot "$DRY" /usr/bin/ambassador -h >"$TMP/o" 2>&1
missing=
for v in RELAY $(grep -o 'AMBASSADOR_[A-Z_]*' "$TOP/ambassador" | sort -u); do
	grep -q "^  $v " "$TMP/o" || missing="$missing $v"
done
check_eq "-h lists every variable the script reads" "" "$missing"

# The Kubernetes example probes with it, and gives the drain its time.
probes=$(python3 - "$TOP/examples/kubernetes-ambassador-pod.yaml" <<'PY'
import sys, yaml
pod = yaml.safe_load(open(sys.argv[1]))
c = [c for c in pod["spec"]["containers"] if c["name"] == "redis-ambassador"][0]
for p in ("readinessProbe", "livenessProbe"):
    print(p, " ".join(c[p]["exec"]["command"]))
print("grace", pod["spec"]["terminationGracePeriodSeconds"] > 8)
PY
)
check_eq "examples/kubernetes-ambassador-pod.yaml: exec probes, a grace period above the drain" \
	"readinessProbe /usr/bin/ambassador --check
livenessProbe /usr/bin/ambassador --check
grace True" "$probes"

# --- rewiring without a restart ------------------------------------------------------

RW=$TMP/root-rewire
CM=$RW/etc/ambassador
check "links file v1 (ConfigMap layout)" configmap "$CM" v1 "# redis, as seen by the application
6379:$SRV_IP:6380
7000:$SRV_IP:6380, 5300/udp:$SRV_IP:5300"
# A read-only root as an unprivileged user: nothing but /dev/shm writable.
chmod 755 "$RW/tmp"
rw_env=(AMBASSADOR_LINKS_FILE=/etc/ambassador/links AMBASSADOR_WATCH=1)
AMB_USER=65534:65534 ambassador "$AMBH" "$RW" "$TMP/rw.err" "${rw_env[@]}" -- "7001:$SRV_IP:6381"
rw_ush=$BG_PID
rw=$AMB_INIT
for p in 6379 7000 7001; do check "rewire: listens on $p" ns_wait_listen "$AMBH" "$p"; done
check_eq "rewire: in a container as user 65534" 65534 "$(awk '/^Uid:/ {print $2}' "/proc/${rw:-0}/status")"
check_eq "rewire: 6379 reaches A" A "$(get "$AMBH" 6379)"
check_eq "rewire: 7001 (an argument) reaches B" B "$(get "$AMBH" 7001)"
check_eq "rewire: UDP 5300 echoes" via-udp \
	"$(echo via-udp | timeout 10 ip netns exec "$AMBH" "$SOCAT" -t 3 - UDP4:127.0.0.1:5300 2>&1)"
check "one dual-stack listener on 6379" sh -c \
	"[ \"\$(ip netns exec '$AMBH' ss -Hltn 'sport = :6379' | wc -l)\" = 1 ]"
check_eq "IPv6-only host: reaches the ambassador over IPv6 ([$AMB_IP6]:6379)" A \
	"$(get "$V6" 6379 "$AMB_IP6")"

before=
for p in 6379 7000 7001 5300; do before="$before $p=$(relay_of "$rw" "$p")"; done
check_eq "rewire: a relay per link" 4 "$(echo "$before" | grep -o '=[0-9][0-9]*' | wc -l)"

# A client that holds its connection through the old target: GET, then
# (once $TMP/go exists) GET and SET on the same connection.
cat >"$TMP/held.py" <<'PY'
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
f = s.makefile("rb")
def cmd(*args):
    s.sendall(("*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(a), a) for a in args)).encode())
    line = f.readline().decode().strip()
    if line.startswith("$") and line != "$-1":
        line = f.readline().decode().strip()
    print(line, flush=True)
cmd("GET", "which")
deadline = time.time() + 60
while not os.path.exists(sys.argv[2]) and time.time() < deadline:
    time.sleep(0.05)
cmd("GET", "which")
cmd("SET", "held", "yes")
PY
bg ip netns exec "$AMBH" python3 "$TMP/held.py" 6379 "$TMP/go" >"$TMP/held.out" 2>&1
held=$BG_PID
check "held client: first reply from A" wait_until 10 "no first reply" line_in "$TMP/held.out" '^A$'

check "links file v2: 6379 now to B" configmap "$CM" v2 "# redis, as seen by the application
6379:$SRV_IP:6381
7000:$SRV_IP:6380, 5300/udp:$SRV_IP:5300"
check "rewire without a signal: a new client on 6379 reaches B" wait_until 20 "6379 never reached B" reaches "$AMBH" 6379 B
after=
for p in 6379 7000 7001 5300; do after="$after $p=$(relay_of "$rw" "$p")"; done
check_eq "rewire: the unchanged links keep their relay processes" \
	"$(echo $before | tr ' ' '\n' | grep -v '^6379=')" "$(echo $after | tr ' ' '\n' | grep -v '^6379=')"
check "rewire: 6379 has a new relay" test "$(echo $before | tr ' ' '\n' | grep '^6379=')" != \
	"$(echo $after | tr ' ' '\n' | grep '^6379=')"
touch "$TMP/go"
check "held client: done" wait_gone "$held" 20
check_eq "held client: after the rewire its connection still talks to A" "A
A
+OK" "$(cat "$TMP/held.out")"
check_eq "held client's SET went to A" yes "$(rcli "$SRV" -h "$SRV_IP" -p 6380 get held)"
check_eq "and not to B" "" "$(rcli "$SRV" -h "$SRV_IP" -p 6381 get held)"
check_eq "IPv6-only host after the rewire: B" B "$(get "$V6" 6379 "$AMB_IP6")"
check "rewire: stderr says what was applied" line_in "$TMP/rw.err" \
	'^ambassador: AMBASSADOR_LINKS_FILE /etc/ambassador/links (its content changed): applying it'

# A bad line, a port the arguments already have: nothing changes.
n_err=$(wc -l <"$TMP/rw.err")
check "links file v3 with a bad line" configmap "$CM" v3 "6379:$SRV_IP:6380
7000:bad host:1
5300/udp:$SRV_IP:5300"
check "bad line: reported" wait_until 20 "no report" line_in "$TMP/rw.err" \
	'(its content changed): a bad line; the running links are kept'
check "bad line: the line is named" line_in "$TMP/rw.err" "skipping AMBASSADOR_LINKS_FILE line 2: '7000:bad'"
check "links file v4 repeating the argument's port 7001" configmap "$CM" v4 "6379:$SRV_IP:6380
7000:$SRV_IP:6380 7001:$SRV_IP:6380
5300/udp:$SRV_IP:5300"
check "repeated port: reported" wait_until 20 "no report" line_in "$TMP/rw.err" \
	'listen port 7001/tcp is given twice'
check "repeated port: the running links are kept" wait_until 5 "no report" line_in "$TMP/rw.err" \
	'each listen port can be forwarded once; the running links are kept'
again=
for p in 6379 7000 7001 5300; do again="$again $p=$(relay_of "$rw" "$p")"; done
check_eq "bad files: every relay is the same process" "$after" "$again"
check_eq "bad files: 6379 still reaches B" B "$(get "$AMBH" 6379)"
check_eq "bad files: 7000 still reaches A" A "$(get "$AMBH" 7000)"

# --- the health check, inside the container, as its user ----------------------------

AMB_USER=65534:65534 in_amb "$rw" "${rw_env[@]}" -- /usr/bin/ambassador --check >"$TMP/c" 2>&1
check_eq "--check: healthy, exit 0" 0 $?
check_eq "--check: one line" "ambassador: check: 4 links healthy" "$(cat "$TMP/c")"
check "--check: the state is in /dev/shm (the only writable place)" test -s "$RW/dev/shm/ambassador.1.state"
AMB_USER=65534:65534 in_amb "$rw" "${rw_env[@]}" -- /usr/bin/ambassador --check=deep >"$TMP/c" 2>&1
check_eq "--check=deep: healthy, exit 0" 0 $?
kill -TERM "$redis_b"
check "redis B stopped" ns_wait_free "$SRV" 6381
AMB_USER=65534:65534 in_amb "$rw" "${rw_env[@]}" -- /usr/bin/ambassador --check >"$TMP/c" 2>&1
check_eq "dead backend: --check (shallow) still 0" 0 $?
AMB_USER=65534:65534 in_amb "$rw" "${rw_env[@]}" -- /usr/bin/ambassador --check=deep >"$TMP/c" 2>&1
check_eq "dead backend: --check=deep fails" 1 $?
check "dead backend: one line naming a link to B and why" sh -c \
	"[ \$(wc -l <'$TMP/c') = 1 ] && grep -Eq '^ambassador: check: link (6379|7001)/tcp -> $SRV_IP:6381: the backend does not accept a connection within 2 s$' '$TMP/c'"
# A relay that died while its supervisor has not looked yet (stopped, so
# that the dead relay stays a zombie and the state stays as it was).
victim=$(relay_of "$rw" 7000)
kill -STOP "${rw:-0}"
kill -KILL "${victim:-999999}"
wait_until 10 "relay still there" sh -c "grep -q '^State:.*Z' /proc/${victim:-0}/status"
AMB_USER=65534:65534 in_amb "$rw" "${rw_env[@]}" -- /usr/bin/ambassador --check >"$TMP/c" 2>&1
check_eq "a relay that died: --check fails" 1 $?
check "a relay that died: one line naming the link" sh -c \
	"[ \$(wc -l <'$TMP/c') = 1 ] && grep -Eq '^ambassador: check: link 7000/tcp -> $SRV_IP:6380: relay [0-9]+ is not running$' '$TMP/c'"
kill -CONT "${rw:-0}"
timeout 20 tail --pid="$rw_ush" -f /dev/null
wait "$rw_ush"
check_eq "a relay that died: the container exits 137" 137 $?
check "and its state is gone" test ! -e "$RW/dev/shm/ambassador.1.state"

# --- SIGHUP and the drain on SIGTERM ----------------------------------------------------

# slow LINES PORT: a sender on srv's PORT: LINES lines line0, line1, ...,
# one per 0.1 s, to every client.
slow() {
	bg ip netns exec "$SRV" "$SOCAT" TCP4-LISTEN:"$2",bind="$SRV_IP",fork,reuseaddr \
		SYSTEM:"i=0; while [ \$i -lt $1 ] && echo line\$i; do i=\$((i + 1)); sleep 0.1; done" 2>/dev/null
	wait_until 10 "no sender on $2" ns_listening "$SRV" "$2"
}
check "srv: a 2 s sender on 7101" slow 20 7101
check "srv: a 60 s sender on 7201" slow 600 7201
DR=$TMP/root-drain
mkdir -p "$DR/etc/amb"
printf '7100:%s:7101\n' "$SRV_IP" >"$DR/etc/amb/links"
ambassador "$AMBH" "$DR" "$TMP/dr.err" AMBASSADOR_LINKS_FILE=/etc/amb/links AMBASSADOR_WATCH=0 AMBASSADOR_DRAIN=5
dr_ush=$BG_PID
dr=$AMB_INIT
check "drain container: listens on 7100" ns_wait_listen "$AMBH" 7100
printf '7100:%s:7101\n7200:%s:7201\n' "$SRV_IP" "$SRV_IP" >"$DR/etc/amb/links"
kill -HUP "${dr:-0}"
check "SIGHUP (AMBASSADOR_WATCH=0): the file is read again, 7200 listens" ns_wait_listen "$AMBH" 7200
check "SIGHUP: stderr says so" line_in "$TMP/dr.err" '(SIGHUP): applying it'

bg ip netns exec "$AMBH" "$SOCAT" -u TCP4:127.0.0.1:7100 "CREATE:$TMP/short.out"
short=$BG_PID
bg ip netns exec "$AMBH" "$SOCAT" -u TCP4:127.0.0.1:7200 "CREATE:$TMP/long.out"
long=$BG_PID
check "both transfers in flight" wait_until 10 "no data" sh -c "[ -s '$TMP/short.out' ] && [ -s '$TMP/long.out' ]"
kill -TERM "${dr:-0}"
check "SIGTERM: the listeners close at once (7100)" ns_wait_free "$AMBH" 7100 3
check "SIGTERM: the listeners close at once (7200)" ns_wait_free "$AMBH" 7200 3
check "SIGTERM: a transfer in flight goes on meanwhile" kill -0 "$long"
check "draining: the short transfer completes" wait_gone "$short" 10
check_eq "draining: all of it (20 lines, the last line19)" "20 line19" \
	"$(wc -l <"$TMP/short.out") $(tail -1 "$TMP/short.out")"
check "after the drain time: the long transfer is cut" wait_gone "$long" 20
n=$(wc -l <"$TMP/long.out")
check "the long transfer was cut before its end ($n of 600 lines)" test "$n" -gt 0 -a "$n" -lt 600
timeout 20 tail --pid="$dr_ush" -f /dev/null
wait "$dr_ush"
check_eq "drain: exit 143" 143 $?
check "drain: reported" line_in "$TMP/dr.err" 'drain time over, closing the remaining connections'

# --- a linked backend restarted with a new IP --------------------------------------------

AL=$TMP/root-alias
printf '127.0.0.1\tlocalhost\n%s\tredis 3f4e5d6c7b8a srv_redis_1\n' "$SRV_IP" >"$AL/etc/hosts"
check "srv: linked redis on $SRV_IP:6390" redis_at "$SRV" "$SRV_IP" 6390 "$TMP/rl1" first
redis_l=$REDIS_PID
ambassador "$AMBH" "$AL" "$TMP/al.err" "REDIS_PORT_6390_TCP=tcp://$SRV_IP:6390" \
	"REDIS_PORT_6390_TCP_ADDR=$SRV_IP" REDIS_PORT_6390_TCP_PORT=6390 REDIS_PORT_6390_TCP_PROTO=tcp \
	REDIS_NAME=/amb/redis
al_ush=$BG_PID
al=$AMB_INIT
check "alias: listens on 6390" ns_wait_listen "$AMBH" 6390
check "alias: the relay connects to the alias" line_in "$TMP/al.err" "TCP4:redis:6390\$"
check_eq "alias: reaches the linked redis" first "$(get "$AMBH" 6390)"
kill -TERM "$redis_l"
check "linked redis stopped" ns_wait_free "$SRV" 6390
check "srv: the linked redis restarted on a new IP, $SRV_IP2" redis_at "$SRV" "$SRV_IP2" 6390 "$TMP/rl2" second
# what Docker does for a link when the linked container restarts
printf '127.0.0.1\tlocalhost\n%s\tredis 3f4e5d6c7b8a srv_redis_1\n' "$SRV_IP2" >"$AL/etc/hosts.new"
mv "$AL/etc/hosts.new" "$AL/etc/hosts"
check_eq "alias: the restarted backend is reached again, no ambassador restart" second "$(get "$AMBH" 6390)"
check_eq "alias: the same ambassador" "$al" "$(pgrep -P "$al_ush" | head -1)"
kill -TERM "${al:-0}"
wait "$al_ush"
check_eq "alias container: exit 143" 143 $?

finish
