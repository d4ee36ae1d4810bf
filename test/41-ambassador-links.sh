#!/usr/bin/env bash
# The ambassador script: link variables set exactly as Docker's
# --link (ports, port ranges, _ENV_ copies, UDP) and the kubelet (service
# variables, bracketed IPv6, the KUBERNETES service) set them, the
# AMBASSADOR_ONLY filter, the explicit form (arguments and AMBASSADOR_LINKS),
# duplicates, nothing to forward, AMBASSADOR_RELAY_OPTS and its whitelist,
# hostile values on every new input; then live through $RELAY: explicit
# links, IPv6, UDP, relay options, the raised -t after a half-close; then
# supervision with real processes: as PID 1 of a PID namespace, SIGTERM and
# SIGINT, connection processes stopped too, a relay that dies.
. "$(dirname "$0")/lib.sh"
require "$SOCAT" busybox redis-server redis-cli python3 unshare

AMB=$TOP/ambassador
PWN=$TMP/pwned

# amb_n OUT ERR [NAME=VALUE...] [-- ARG...]: "ambassador -n" under busybox sh
# with exactly the given environment (plus PATH) and arguments.
amb_n() {
	local out=$1 err=$2 envs=() args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	args=("$@")
	timeout 10 env -i PATH="$PATH" "${envs[@]}" busybox sh "$AMB" -n "${args[@]}" >"$out" 2>"$err"
}
O=$TMP/out
E=$TMP/err
sorted() { sort "$O"; }

# --- Docker --link, exactly as the daemon sets it ----------------------------
# docker run --link redis:redis, the redis container exposing 6379/tcp, the
# range 7000-7002/tcp and 5000-5001/udp, and having its own link variable
# DB_PORT_5432_TCP (copied as REDIS_ENV_DB_PORT_5432_TCP).
docker_env=(
	REDIS_PORT=tcp://172.17.0.3:5000
	REDIS_PORT_5000_UDP_START=udp://172.17.0.3:5000
	REDIS_PORT_5000_UDP_ADDR=172.17.0.3
	REDIS_PORT_5000_UDP_PROTO=udp
	REDIS_PORT_5000_UDP_PORT_START=5000
	REDIS_PORT_5000_UDP_END=udp://172.17.0.3:5001
	REDIS_PORT_5000_UDP_PORT_END=5001
	REDIS_PORT_7000_TCP_START=tcp://172.17.0.3:7000
	REDIS_PORT_7000_TCP_ADDR=172.17.0.3
	REDIS_PORT_7000_TCP_PROTO=tcp
	REDIS_PORT_7000_TCP_PORT_START=7000
	REDIS_PORT_7000_TCP_END=tcp://172.17.0.3:7002
	REDIS_PORT_7000_TCP_PORT_END=7002
	REDIS_PORT_5000_UDP=udp://172.17.0.3:5000
	REDIS_PORT_5000_UDP_ADDR=172.17.0.3
	REDIS_PORT_5000_UDP_PORT=5000
	REDIS_PORT_5000_UDP_PROTO=udp
	REDIS_PORT_5001_UDP=udp://172.17.0.3:5001
	REDIS_PORT_5001_UDP_ADDR=172.17.0.3
	REDIS_PORT_5001_UDP_PORT=5001
	REDIS_PORT_5001_UDP_PROTO=udp
	REDIS_PORT_6379_TCP=tcp://172.17.0.3:6379
	REDIS_PORT_6379_TCP_ADDR=172.17.0.3
	REDIS_PORT_6379_TCP_PORT=6379
	REDIS_PORT_6379_TCP_PROTO=tcp
	REDIS_PORT_7000_TCP=tcp://172.17.0.3:7000
	REDIS_PORT_7000_TCP_ADDR=172.17.0.3
	REDIS_PORT_7000_TCP_PORT=7000
	REDIS_PORT_7000_TCP_PROTO=tcp
	REDIS_PORT_7001_TCP=tcp://172.17.0.3:7001
	REDIS_PORT_7001_TCP_ADDR=172.17.0.3
	REDIS_PORT_7001_TCP_PORT=7001
	REDIS_PORT_7001_TCP_PROTO=tcp
	REDIS_PORT_7002_TCP=tcp://172.17.0.3:7002
	REDIS_PORT_7002_TCP_ADDR=172.17.0.3
	REDIS_PORT_7002_TCP_PORT=7002
	REDIS_PORT_7002_TCP_PROTO=tcp
	REDIS_NAME=/client/redis
	REDIS_ENV_REDIS_VERSION=7.0.15
	REDIS_ENV_DB_PORT_5432_TCP=tcp://172.17.0.9:5432
	REDIS_ENV_DB_PORT_5432_TCP_ADDR=172.17.0.9
)
amb_n "$O" "$E" "${docker_env[@]}"
check_eq "docker link with ranges: exit 0" 0 $?
check_eq "docker link with ranges: one relay per port, none for _START/_END or _ENV_" \
	"relay -T 60 UDP${AMB_LV}-LISTEN:5000${AMB_DUAL},fork,reuseaddr UDP4:172.17.0.3:5000
relay -T 60 UDP${AMB_LV}-LISTEN:5001${AMB_DUAL},fork,reuseaddr UDP4:172.17.0.3:5001
relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:6379
relay -t 30 TCP${AMB_LV}-LISTEN:7000${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:7000
relay -t 30 TCP${AMB_LV}-LISTEN:7001${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:7001
relay -t 30 TCP${AMB_LV}-LISTEN:7002${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:7002" "$(sorted)"
check_eq "docker link with ranges: nothing on stderr" "" "$(cat "$E")"

# A linked container's own REDIS_PORT_6379_TCP passed on as X_ENV_...: if it
# were used it would be a second relay on 6379 (and so a duplicate error).
amb_n "$O" "$E" REDIS_PORT_6379_TCP=tcp://172.17.0.3:6379 \
	X_ENV_REDIS_PORT_6379_TCP=tcp://172.17.0.8:6379 X_NAME=/client/x
check_eq "X_ENV_REDIS_PORT_6379_TCP: exit 0" 0 $?
check_eq "X_ENV_REDIS_PORT_6379_TCP: no second relay" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.3:6379" "$(cat "$O")"

amb_n "$O" "$E" DNS_PORT_53_UDP=udp://172.17.0.4:53 DNS_PORT_53_TCP=tcp://172.17.0.4:53
check_eq "same port over TCP and UDP is not a duplicate: exit 0" 0 $?
check_eq "same port over TCP and UDP: two relays" \
	"relay -T 60 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:172.17.0.4:53
relay -t 30 TCP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr TCP4:172.17.0.4:53" "$(sorted)"

for pair in 'A_PORT_53_UDP=tcp://10.0.0.1:53' 'A_PORT_53_TCP=udp://10.0.0.1:53' \
	'A_PORT_53_UDP=UDP://10.0.0.1:53' 'A_PORT_53_UDP=udp:10.0.0.1:53'; do
	amb_n "$O" "$E" "$pair"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$O" ] && grep -qF "ambassador: skipping ${pair%%=*}=" "$E"; then
		ok "scheme must match the name's protocol: $pair skipped"
	else
		not_ok "scheme must match the name's protocol: $pair skipped (exit $rc, stdout '$(cat "$O")')"
	fi
done

# --- Kubernetes service variables, exactly as the kubelet sets them -----------
k8s_env=(
	KUBERNETES_SERVICE_HOST=10.96.0.1
	KUBERNETES_SERVICE_PORT=443
	KUBERNETES_SERVICE_PORT_HTTPS=443
	KUBERNETES_PORT=tcp://10.96.0.1:443
	KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443
	KUBERNETES_PORT_443_TCP_PROTO=tcp
	KUBERNETES_PORT_443_TCP_PORT=443
	KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1
	REDIS_PRIMARY_SERVICE_HOST=10.0.0.11
	REDIS_PRIMARY_SERVICE_PORT=6379
	REDIS_PRIMARY_SERVICE_PORT_REDIS=6379
	REDIS_PRIMARY_PORT=tcp://10.0.0.11:6379
	REDIS_PRIMARY_PORT_6379_TCP=tcp://10.0.0.11:6379
	REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp
	REDIS_PRIMARY_PORT_6379_TCP_PORT=6379
	REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.0.0.11
	KUBE_DNS_SERVICE_HOST=10.96.0.10
	KUBE_DNS_SERVICE_PORT=53
	KUBE_DNS_SERVICE_PORT_DNS=53
	KUBE_DNS_SERVICE_PORT_DNS_TCP=53
	KUBE_DNS_SERVICE_PORT_METRICS=9153
	KUBE_DNS_PORT=udp://10.96.0.10:53
	KUBE_DNS_PORT_53_UDP=udp://10.96.0.10:53
	KUBE_DNS_PORT_53_UDP_PROTO=udp
	KUBE_DNS_PORT_53_UDP_PORT=53
	KUBE_DNS_PORT_53_UDP_ADDR=10.96.0.10
	KUBE_DNS_PORT_53_TCP=tcp://10.96.0.10:53
	KUBE_DNS_PORT_53_TCP_PROTO=tcp
	KUBE_DNS_PORT_53_TCP_PORT=53
	KUBE_DNS_PORT_53_TCP_ADDR=10.96.0.10
	KUBE_DNS_PORT_9153_TCP=tcp://10.96.0.10:9153
	KUBE_DNS_PORT_9153_TCP_PROTO=tcp
	KUBE_DNS_PORT_9153_TCP_PORT=9153
	KUBE_DNS_PORT_9153_TCP_ADDR=10.96.0.10
	CACHE_V6_SERVICE_HOST=2001:db8::1
	CACHE_V6_SERVICE_PORT=6380
	CACHE_V6_PORT=tcp://[2001:db8::1]:6380
	CACHE_V6_PORT_6380_TCP=tcp://[2001:db8::1]:6380
	CACHE_V6_PORT_6380_TCP_PROTO=tcp
	CACHE_V6_PORT_6380_TCP_PORT=6380
	CACHE_V6_PORT_6380_TCP_ADDR=2001:db8::1
	DNS_V6_PORT_5353_UDP=udp://[fd00:10:96::a]:53
)
amb_n "$O" "$E" "${k8s_env[@]}"
check_eq "kubernetes service variables: exit 0" 0 $?
check_eq "kubernetes service variables: every service but KUBERNETES, IPv6 backends as TCP6/UDP6" \
	"$(printf '%s\n' "relay -T 60 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:10.96.0.10:53
relay -T 60 UDP${AMB_LV}-LISTEN:5353${AMB_DUAL},fork,reuseaddr UDP6:[fd00:10:96::a]:53
relay -t 30 TCP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr TCP4:10.96.0.10:53
relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:10.0.0.11:6379
relay -t 30 TCP${AMB_LV}-LISTEN:9153${AMB_DUAL},fork,reuseaddr TCP4:10.96.0.10:9153
relay -t 30 TCP${AMB_LV}-LISTEN:6380${AMB_DUAL},fork,reuseaddr TCP6:[2001:db8::1]:6380" | sort)" "$(sorted)"
check_eq "kubernetes service variables: KUBERNETES_PORT_443_TCP skipped quietly" "" "$(cat "$E")"

amb_n "$O" "$E" FOO_PORT_6379_TCP='tcp://[2001:db8::1]:6379'
check_eq "a bracketed IPv6 link address" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP6:[2001:db8::1]:6379" "$(cat "$O")"

amb_n "$O" "$E" "${k8s_env[@]}" AMBASSADOR_ONLY=REDIS_PRIMARY,CACHE_V6
check_eq "AMBASSADOR_ONLY=REDIS_PRIMARY,CACHE_V6: exit 0" 0 $?
check_eq "AMBASSADOR_ONLY=REDIS_PRIMARY,CACHE_V6: only those" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:10.0.0.11:6379
relay -t 30 TCP${AMB_LV}-LISTEN:6380${AMB_DUAL},fork,reuseaddr TCP6:[2001:db8::1]:6380" "$(sorted)"

amb_n "$O" "$E" "${k8s_env[@]}" "AMBASSADOR_ONLY=KUBE_DNS KUBERNETES"
check_eq "AMBASSADOR_ONLY naming KUBERNETES forwards the API server too" \
	"relay -T 60 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:10.96.0.10:53
relay -t 30 TCP${AMB_LV}-LISTEN:443${AMB_DUAL},fork,reuseaddr TCP4:10.96.0.1:443
relay -t 30 TCP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr TCP4:10.96.0.10:53
relay -t 30 TCP${AMB_LV}-LISTEN:9153${AMB_DUAL},fork,reuseaddr TCP4:10.96.0.10:9153" "$(sorted)"

amb_n "$O" "$E" "${docker_env[@]}" AMBASSADOR_ONLY=REDIS,DB
check_eq "AMBASSADOR_ONLY=REDIS,DB with only REDIS linked: exit 0" 0 $?
check_eq "AMBASSADOR_ONLY=REDIS,DB: REDIS's six relays" 6 "$(wc -l <"$O")"
check "AMBASSADOR_ONLY=REDIS,DB: DB named as not found" \
	grep -q '^ambassador: AMBASSADOR_ONLY: no link variable DB_' "$E"
amb_n "$O" "$E" "${docker_env[@]}" AMBASSADOR_ONLY=DB
check_eq "AMBASSADOR_ONLY matching nothing: exit 1" 1 $?
check "AMBASSADOR_ONLY matching nothing: nothing to forward" grep -q '^ambassador: nothing to forward' "$E"
amb_n "$O" "$E" REDIS_PORT_6379_TCP=tcp://10.0.0.1:6379 REDIS2_PORT_6380_TCP=tcp://10.0.0.1:6380 \
	AMBASSADOR_ONLY=REDIS
check_eq "AMBASSADOR_ONLY matches whole names (REDIS is not REDIS2)" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:10.0.0.1:6379" "$(cat "$O")"
amb_n "$O" "$E" REDIS_PORT_6379_TCP=tcp://10.0.0.1:6379 "AMBASSADOR_ONLY=REDIS;touch $PWN"
check_eq "AMBASSADOR_ONLY with a non-name: exit 1" 1 $?
check "AMBASSADOR_ONLY with a non-name: named on stderr" grep -q "^ambassador: AMBASSADOR_ONLY: 'REDIS;touch" "$E"

amb_n "$O" "$E" KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443 KUBERNETES_SERVICE_HOST=10.96.0.1
check_eq "only the KUBERNETES service: nothing to forward, exit 1" 1 $?
check "only the KUBERNETES service: clear message" grep -q '^ambassador: nothing to forward' "$E"

# --- explicit links (Docker 29: no link variables) ----------------------------
want_explicit="relay -t 30 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:redis.internal:6379
relay -T 60 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:10.0.0.2:53"
amb_n "$O" "$E" -- 6379:redis.internal:6379 53/udp:10.0.0.2:53
check_eq "arguments 6379:redis.internal:6379 53/udp:10.0.0.2:53: exit 0" 0 $?
check_eq "arguments: relay command lines in order" "$want_explicit" "$(cat "$O")"
check_eq "arguments: nothing on stderr" "" "$(cat "$E")"
amb_n "$O" "$E" "AMBASSADOR_LINKS=6379:redis.internal:6379 53/udp:10.0.0.2:53"
check_eq "AMBASSADOR_LINKS with the same list: exit 0" 0 $?
check_eq "AMBASSADOR_LINKS with the same list: same command lines" "$want_explicit" "$(cat "$O")"
amb_n "$O" "$E" "AMBASSADOR_LINKS=6379:redis.internal:6379,53/udp:10.0.0.2:53"
check_eq "AMBASSADOR_LINKS separated by a comma" "$want_explicit" "$(cat "$O")"
amb_n "$O" "$E" "${k8s_env[@]}" "${docker_env[@]}" -- 6379:redis.internal:6379 53/udp:10.0.0.2:53
check_eq "explicit links replace the link variables (no duplicates with them)" "$want_explicit" "$(cat "$O")"
amb_n "$O" "$E" AMBASSADOR_LINKS=53/udp:10.0.0.2:53 -- 6379:redis.internal:6379 -n
check_eq "arguments and AMBASSADOR_LINKS together, -n after a link" "$want_explicit" "$(cat "$O")"
amb_n "$O" "$E" -- 8080/tcp:web:80 8443/TCP:web:443 '5353/UDP:[fd00::53]:53' '6380:[2001:db8::1]:6379'
check_eq "explicit /tcp, upper case protocol, IPv6 hosts" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:8080${AMB_DUAL},fork,reuseaddr TCP4:web:80
relay -t 30 TCP${AMB_LV}-LISTEN:8443${AMB_DUAL},fork,reuseaddr TCP4:web:443
relay -T 60 UDP${AMB_LV}-LISTEN:5353${AMB_DUAL},fork,reuseaddr UDP6:[fd00::53]:53
relay -t 30 TCP${AMB_LV}-LISTEN:6380${AMB_DUAL},fork,reuseaddr TCP6:[2001:db8::1]:6379" "$(cat "$O")"

# The Kubernetes example's sidecar: its args and env give the intended relay.
POD=$TOP/examples/kubernetes-ambassador-pod.yaml
if python3 -c 'import yaml' 2>/dev/null || { not_ok "python3-yaml is not installed"; false; }; then
	mapfile -t pod < <(python3 - "$POD" <<'PY'
import sys, yaml
pod = yaml.safe_load(open(sys.argv[1]))
assert pod["kind"] == "Pod"
c = [c for c in pod["spec"]["containers"] if c["name"] == "redis-ambassador"][0]
for e in c.get("env", []):
    print(e["name"] + "=" + e["value"])
print("--")
for a in c.get("args", []):
    print(a)
PY
	)
	amb_n "$O" "$E" "${pod[@]}"
	check_eq "examples/kubernetes-ambassador-pod.yaml: the sidecar's args and env" \
		"relay -t 30 -d -d TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:redis-primary.default.svc.cluster.local:6379" \
		"$(cat "$O")"
fi

# --- duplicates ----------------------------------------------------------------
amb_n "$O" "$E" -- 6379:a.internal:6379 6379:b.internal:6380
check_eq "two explicit links on one port: exit 1" 1 $?
check_eq "two explicit links on one port: nothing printed" "" "$(cat "$O")"
check "two explicit links on one port: both named" grep -q \
	'^ambassador: listen port 6379/tcp is given twice: 6379/tcp:a.internal:6379 and 6379/tcp:b.internal:6380' "$E"
amb_n "$O" "$E" AMBASSADOR_LINKS=53/udp:10.0.0.2:53 -- 53/udp:10.0.0.3:53
check_eq "argument and AMBASSADOR_LINKS on one UDP port: exit 1" 1 $?
check "argument and AMBASSADOR_LINKS on one UDP port: named" grep -q 'listen port 53/udp is given twice' "$E"
amb_n "$O" "$E" A_PORT_6379_TCP=tcp://10.0.0.1:6379 B_PORT_6379_TCP='tcp://[2001:db8::1]:6379'
check_eq "IPv4 and IPv6 link on one port: exit 1" 1 $?
check "IPv4 and IPv6 link on one port: both variables named" \
	grep -q '^ambassador: listen port 6379/tcp is given twice: [AB]_PORT_6379_TCP=tcp://.* and [AB]_PORT_6379_TCP=' "$E"
# Not in dry run: nothing at all is started.
cat >"$TMP/fake-relay" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$TMP/args.\$\$"
exec sleep 60
EOF
chmod +x "$TMP/fake-relay"
timeout 10 env -i PATH="$PATH" RELAY="$TMP/fake-relay" busybox sh "$AMB" 7000:a:1 7000:b:2 7001:c:3 \
	>"$O" 2>"$E"
check_eq "duplicate, real run: exit 1" 1 $?
check_eq "duplicate, real run: no relay started (not even the good one)" "" "$(ls "$TMP"/args.* 2>/dev/null)"

# --- nothing to forward, usage ------------------------------------------------
amb_n "$O" "$E"
check_eq "empty environment: exit 1" 1 $?
check "empty environment: 'nothing to forward' on stderr" grep -q '^ambassador: nothing to forward' "$E"
check_eq "empty environment: nothing on stdout" "" "$(cat "$O")"
amb_n "$O" "$E" X_ENV_REDIS_PORT_6379_TCP=tcp://10.0.0.1:6379 REDIS_PORT=tcp://10.0.0.1:6379 \
	REDIS_PORT_7000_TCP_START=tcp://10.0.0.1:7000 REDIS_PORT_7000_TCP_END=tcp://10.0.0.1:7002
check_eq "only _ENV_, _START/_END and <NAME>_PORT: nothing to forward, exit 1" 1 $?
amb_n "$O" "$E" -- 'x:y' 'bad'
check_eq "explicit links all malformed: exit 1" 1 $?
check "explicit links all malformed: nothing to forward" grep -q '^ambassador: nothing to forward' "$E"
check_eq "explicit links all malformed: each named" 2 "$(grep -c "^ambassador: skipping argument '" "$E")"
timeout 10 env -i PATH="$PATH" busybox sh "$AMB" -h >"$O" 2>"$E"
check_eq "-h: exit 0" 0 $?
check "-h: usage on stdout" grep -q '^usage: ambassador' "$O"
timeout 10 env -i PATH="$PATH" RELAY="$TMP/no-such-relay" busybox sh "$AMB" 7000:a:1 >"$O" 2>"$E"
check_eq "relay not found: exit 127" 127 $?
check "relay not found: named" grep -q "^ambassador: relay program not found: $TMP/no-such-relay" "$E"

# --- AMBASSADOR_RELAY_OPTS ----------------------------------------------------
amb_n "$O" "$E" "AMBASSADOR_RELAY_OPTS=-d -d" -- 6379:r:6379 53/udp:d:53
check_eq "AMBASSADOR_RELAY_OPTS=-d -d: added after the defaults" \
	"relay -t 30 -d -d TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:r:6379
relay -T 60 -d -d UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:d:53" "$(cat "$O")"
amb_n "$O" "$E" "AMBASSADOR_RELAY_OPTS=-t 5" -- 6379:r:6379 53/udp:d:53
check_eq "AMBASSADOR_RELAY_OPTS=-t 5 replaces the default -t" \
	"relay -t 5 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:r:6379
relay -T 60 -t 5 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:d:53" "$(cat "$O")"
amb_n "$O" "$E" "AMBASSADOR_RELAY_OPTS=-dd -T0.5 -b 65536 -t2.5" -- 6379:r:6379 53/udp:d:53
check_eq "AMBASSADOR_RELAY_OPTS: attached values, -T replaces the UDP default" \
	"relay -dd -T 0.5 -b 65536 -t 2.5 TCP${AMB_LV}-LISTEN:6379${AMB_DUAL},fork,reuseaddr TCP4:r:6379
relay -dd -T 0.5 -b 65536 -t 2.5 UDP${AMB_LV}-LISTEN:53${AMB_DUAL},fork,reuseaddr UDP4:d:53" "$(cat "$O")"
bad_opts=(
	'-u' '-U' '-d -x' '-lf /tmp/x' "-lf$PWN" '-t' '-t -1' '-t 1e3' '-t 1;touch '"$PWN"
	'-t $(touch '"$PWN"')' '-t `touch '"$PWN"'`' '-b 0' '-b -5' '-b 1x' '-T .5' '-t 5.' '-t 1.2.3'
	'--' 'TCP4:127.0.0.1:1' '-d;touch '"$PWN" '-ddddd' '-t 12345678901234'
)
for v in "${bad_opts[@]}"; do
	amb_n "$O" "$E" "AMBASSADOR_RELAY_OPTS=$v" -- 6379:r:6379
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$O" ] && grep -q '^ambassador: AMBASSADOR_RELAY_OPTS: ' "$E"; then
		ok "AMBASSADOR_RELAY_OPTS='$v' refused"
	else
		not_ok "AMBASSADOR_RELAY_OPTS='$v' refused (exit $rc, stdout '$(cat "$O")', stderr '$(head -1 "$E")')"
	fi
done

# --- hostile values on the new inputs ----------------------------------------
nl='
'
hostile_links=(
	'6379:$(touch '"$PWN"'):1'
	'6379:`touch '"$PWN"'`:1'
	'6379:a;touch '"$PWN"':1'
	'6379:a:1;touch '"$PWN"
	"6379:a:1${nl}touch $PWN"
	'6379:a,fork:1'
	'6379:a:1,bind=10.0.0.1'
	'6379:a:1!!STDIO'
	'6379,fork:a:1'
	'6379/udp,fork:a:1'
	'6379/sctp:a:1'
	'-6379:a:1x'
	'6379:[::1]:1;touch '"$PWN"
	'6379:[$(touch '"$PWN"')]:1'
	'6379:[::1%eth0]:1'
	'6379:[::1],fork:1'
	'0:a:1'
	'65536:a:1'
	'6379:a:0'
	'6379::1'
	':a:1'
)
for v in "${hostile_links[@]}"; do
	shown=${v//$nl/\\n}
	amb_n "$O" "$E" -- "$v"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$O" ] && grep -qF "ambassador: skipping argument '" "$E"; then
		ok "hostile argument skipped: $shown"
	else
		# an argument starting with '-' is an unknown option: also exit 1
		if [ "$rc" -eq 1 ] && [ ! -s "$O" ] && [ "${v#-}" != "$v" ]; then
			ok "hostile argument refused: $shown"
		else
			not_ok "hostile argument skipped: $shown (exit $rc, stdout '$(cat "$O")')"
		fi
	fi
	# In AMBASSADOR_LINKS blanks and commas separate entries (see below).
	case $v in *[\ ,$'\t'$'\n']*) continue ;; esac
	amb_n "$O" "$E" "AMBASSADOR_LINKS=$v"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$O" ] && grep -qF "ambassador: skipping AMBASSADOR_LINKS entry '" "$E"; then
		ok "hostile AMBASSADOR_LINKS skipped: $shown"
	else
		not_ok "hostile AMBASSADOR_LINKS skipped: $shown (exit $rc, stdout '$(cat "$O")')"
	fi
done
hostile_udp=(
	'udp://$(touch '"$PWN"'):53'
	'udp://a;touch '"$PWN"':53'
	'udp://[::1]:53;touch '"$PWN"
	'udp://127.0.0.1:53,fork'
	"udp://127.0.0.1:53${nl}touch $PWN"
)
for v in "${hostile_udp[@]}"; do
	amb_n "$O" "$E" "H_PORT_53_UDP=$v"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$O" ] && grep -qF "ambassador: skipping H_PORT_53_UDP=" "$E"; then
		ok "hostile UDP value skipped: ${v//$nl/\\n}"
	else
		not_ok "hostile UDP value skipped: ${v//$nl/\\n} (exit $rc, stdout '$(cat "$O")')"
	fi
done
# Separators in AMBASSADOR_LINKS split a value; each piece is checked alone.
amb_n "$O" "$E" "AMBASSADOR_LINKS=7000:a:1,bind=10.0.0.1 7001:b:2${nl}touch $PWN;x"
check_eq "AMBASSADOR_LINKS split at ',' and newline: only the valid pieces" \
	"relay -t 30 TCP${AMB_LV}-LISTEN:7000${AMB_DUAL},fork,reuseaddr TCP4:a:1
relay -t 30 TCP${AMB_LV}-LISTEN:7001${AMB_DUAL},fork,reuseaddr TCP4:b:2" "$(cat "$O")"
check_eq "AMBASSADOR_LINKS split: the other pieces named" 3 \
	"$(grep -c "^ambassador: skipping AMBASSADOR_LINKS entry '" "$E")"
# A real run with all of them next to one good link: only the good relay,
# with exactly the validated arguments.
rm -f "$TMP"/args.*
one_word=()
for v in "${hostile_links[@]}"; do
	case $v in *[\ ,$'\t'$'\n']*) ;; *) one_word+=("$v") ;; esac
done
bg env -i PATH="$PATH" RELAY="$TMP/fake-relay" "AMBASSADOR_LINKS=${one_word[*]}" \
	"AMBASSADOR_RELAY_OPTS=-d" busybox sh "$AMB" "${hostile_links[@]:0:11}" 7100/udp:127.0.0.1:7101 2>"$E"
amb=$BG_PID
for _ in $(seq 100); do ls "$TMP"/args.* >/dev/null 2>&1 && break; sleep 0.05; done
sleep 0.3
check_eq "hostile links, real run: one relay started" 1 "$(ls "$TMP"/args.* 2>/dev/null | wc -l)"
check_eq "hostile links, real run: relay got exactly the validated words" \
	"-T
60
-d
UDP${AMB_LV}-LISTEN:7100${AMB_DUAL},fork,reuseaddr
UDP4:127.0.0.1:7101" "$(cat "$TMP"/args.* 2>/dev/null)"
kill -TERM "$amb"
wait "$amb"
check_eq "hostile links, real run: SIGTERM exit status" 143 $?
sleep 0.2
check "no hostile link, option or filter ran a command ($PWN never created)" test ! -e "$PWN"

# --- live, through $RELAY -----------------------------------------------------

# amb_bg ENV... [-- ARGS]: the ambassador in the background with SIGINT and
# SIGTERM at their defaults (bash starts background jobs with SIGINT
# ignored, and a shell cannot trap a signal ignored on entry); stderr in
# $TMP/amb.err.  Its pid is $BG_PID.
amb_bg() {
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	bg env --default-signal=INT,TERM -i PATH="$PATH" RELAY="$RELAY" "${envs[@]}" \
		busybox sh "$AMB" "$@" 2>"$TMP/amb.err"
}
# relay_kids PID: the relay children of an ambassador (not its sleep).
relay_kids() {
	local c out=
	for c in $(pgrep -P "$1"); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ] || out="$out $c"
	done
	echo $out
}
# serving PID: whether a relay child of PID has a connection process.
serving() {
	local r
	for r in $(relay_kids "$1"); do pgrep -P "$r" >/dev/null && return 0; done
	return 1
}
# port PORT-VARIABLE...: distinct free ports.
used=' '
newport() {
	local p
	while :; do
		p=$(free_port)
		case $used in *" $p "*) continue ;; esac
		used="$used$p "
		echo "$p"
		return
	done
}
used_add() { used="$used$1 "; }

RP=$(newport); used_add "$RP"
mkdir -p "$TMP/redis"
bg redis-server --bind 127.0.0.1 ::1 --port "$RP" --dir "$TMP/redis" --save '' --appendonly no >/dev/null
check "redis-server on 127.0.0.1 and ::1" wait_listen "$RP"

L1=$(newport); used_add "$L1"
L2=$(newport); used_add "$L2"
L3=$(newport); used_add "$L3"
U1=$(newport); used_add "$U1"
UP=$(newport); used_add "$UP"
# (-T 10: socat's UDP children never end otherwise, and would outlive the test)
bg "$SOCAT" -T 10 UDP4-LISTEN:"$UP",fork,reuseaddr PIPE
wait_udp "$UP"
amb_bg "V6_PORT_${L3}_TCP=tcp://[::1]:$RP" -- \
	"$L1:127.0.0.1:$RP" "$L2:localhost:$RP" "$U1/udp:127.0.0.1:$UP"
amb=$BG_PID
check "explicit TCP link listens ($L1)" wait_listen "$L1"
check_eq "explicit link to 127.0.0.1: redis PING" PONG "$(timeout 5 redis-cli -p "$L1" ping 2>&1)"
check "explicit host-name link listens ($L2)" wait_listen "$L2"
check_eq "explicit link to a host name (localhost): redis PING" PONG "$(timeout 5 redis-cli -p "$L2" ping 2>&1)"
check_eq "explicit links replace link variables: no relay on $L3" "" "$(ss -Hltn "sport = :$L3")"
for _ in $(seq 40); do ss -Hlun "sport = :$U1" | grep -q . && break; sleep 0.05; done
check_eq "UDP link: a datagram comes back through the relay" "udp-one" \
	"$(echo udp-one | timeout 10 "$SOCAT" -t 3 - "UDP4:127.0.0.1:$U1" 2>&1)"
check_eq "UDP link: a second client (another source port) too" "udp-two" \
	"$(echo udp-two | timeout 10 "$SOCAT" -t 3 - "UDP4:127.0.0.1:$U1" 2>&1)"
kill -TERM "$amb"
wait "$amb"
check_eq "explicit links: SIGTERM exit 143" 143 $?

# Link variables: IPv6 (TCP6 both ends) and UDP.
amb_bg "V6_PORT_${L3}_TCP=tcp://[::1]:$RP" "DNS_PORT_${U1}_UDP=udp://127.0.0.1:$UP"
amb=$BG_PID
check "IPv6 link variable: listens on $L3" wait_listen "$L3"
check_eq "IPv6 link variable: redis PING to [::1]:$L3" PONG "$(timeout 5 redis-cli -h ::1 -p "$L3" ping 2>&1)"
check_eq "IPv6 link variable: redis PING to 127.0.0.1:$L3 (TCP6-LISTEN takes IPv4 too)" PONG \
	"$(timeout 5 redis-cli -h 127.0.0.1 -p "$L3" ping 2>&1)"
check_eq "IPv6 link variable: the relay reached redis over ::1" yes \
	"$(timeout 5 redis-cli -h 127.0.0.1 -p "$L3" client list 2>&1 | grep 'cmd=client' | grep -q 'addr=\[\?::1\]\?:' && echo yes)"
for _ in $(seq 40); do ss -Hlun "sport = :$U1" | grep -q . && break; sleep 0.05; done
check_eq "_UDP link variable: datagram echoed through the relay" "udp-three" \
	"$(echo udp-three | timeout 10 "$SOCAT" -t 3 - "UDP4:127.0.0.1:$U1" 2>&1)"
kill -TERM "$amb"
wait "$amb"

# -t 30 by default: a reply that comes 2 s after the client half-closed.
SP=$(newport); used_add "$SP"
bg "$SOCAT" -t 30 TCP4-LISTEN:"$SP",fork,reuseaddr SYSTEM:'cat >/dev/null; sleep 2; echo late-reply'
check "slow server listens" wait_listen "$SP"
L4=$(newport); used_add "$L4"
amb_bg "SLOW_PORT_${L4}_TCP=tcp://127.0.0.1:$SP"
amb=$BG_PID
check "slow link listens" wait_listen "$L4"
check_eq "default -t 30: the reply 2 s after the half-close arrives" late-reply \
	"$(echo request | timeout 20 "$SOCAT" -t 20 - "TCP4:127.0.0.1:$L4" 2>&1)"
kill -TERM "$amb"
wait "$amb"
L5=$(newport); used_add "$L5"
amb_bg "AMBASSADOR_RELAY_OPTS=-t 0.5 -d -d" "SLOW_PORT_${L5}_TCP=tcp://127.0.0.1:$SP"
amb=$BG_PID
check "slow link with AMBASSADOR_RELAY_OPTS=-t 0.5 -d -d listens" wait_listen "$L5"
check_eq "control, -t 0.5 from AMBASSADOR_RELAY_OPTS: the late reply is cut off" "" \
	"$(echo request | timeout 20 "$SOCAT" -t 20 - "TCP4:127.0.0.1:$L5" 2>&1)"
check "AMBASSADOR_RELAY_OPTS -d -d reached relay (N lines in its log)" \
	grep -q '^[0-9/]* [0-9:]* [^ ]*\[[0-9]*\] N ' "$TMP/amb.err"
kill -TERM "$amb"
wait "$amb"

# --- supervision ---------------------------------------------------------------

# As PID 1 of a new PID namespace (like a container's entry point), with
# the quick stop (AMBASSADOR_DRAIN=0; the drain has its own scenario).
L6=$(newport); used_add "$L6"
L7=$(newport); used_add "$L7"
bg env --default-signal=INT,TERM unshare --pid --fork --mount-proc \
	env -i PATH="$PATH" RELAY="$RELAY" AMBASSADOR_DRAIN=0 busybox sh "$AMB" "$L6:127.0.0.1:$RP" "$L7:127.0.0.1:$RP" \
	2>"$TMP/amb1.err"
ush=$BG_PID
check "PID 1: ambassador listens on $L6" wait_listen "$L6"
check "PID 1: and on $L7" wait_listen "$L7"
init=$(pgrep -P "$ush" | head -1)
check_eq "PID 1: the ambassador is PID 1 in its namespace" 1 \
	"$(awk '/^NSpid:/ {print $NF}' "/proc/${init:-0}/status" 2>/dev/null)"
check_eq "PID 1: redis PING through it" PONG "$(timeout 5 redis-cli -p "$L6" ping 2>&1)"
# An open connection: its relay process must go too.
bg timeout 60 redis-cli -p "$L7" subscribe amb-channel >/dev/null 2>&1
sub=$BG_PID
wait_until 10 "no relay process serves the open connection" serving "$init"
conn=
for r in $(relay_kids "$init"); do conn="$conn $(pgrep -P "$r")"; done
check "PID 1: a relay process serves the open connection" test -n "${conn// /}"
t0=$(date +%s%N)
kill -TERM "$init"
wait "$ush"
rc=$?
t1=$(date +%s%N)
echo "# PID 1 ambassador exited $(( (t1 - t0) / 1000000 )) ms after SIGTERM"
check_eq "PID 1: SIGTERM (as docker stop sends it) exit 143" 143 "$rc"
check "PID 1: gone within 5 s" wait_gone "$init" 5
gone=yes
for c in $conn; do wait_gone "$c" 5 || gone="no: $c"; done
check_eq "PID 1: the connection's relay process is gone too" yes "$gone"
check "PID 1: the subscribed client saw the connection close" wait_gone "$sub" 5
check_eq "PID 1: nothing listens on $L6 or $L7" "" "$(ss -Hltn "( sport = :$L6 or sport = :$L7 )")"

bg env --default-signal=INT,TERM unshare --pid --fork --mount-proc \
	env -i PATH="$PATH" RELAY="$RELAY" busybox sh "$AMB" "$L6:127.0.0.1:$RP" 2>/dev/null
ush=$BG_PID
check "PID 1 (SIGINT): listens" wait_listen "$L6"
init=$(pgrep -P "$ush" | head -1)
kill -INT "$init"
wait "$ush"
check_eq "PID 1: SIGINT exit 130" 130 $?
check "PID 1 (SIGINT): port $L6 free" test -z "$(ss -Hltn "sport = :$L6")"

# A relay that dies under a PID 1 ambassador: the others are stopped, exit non-zero.
# (-d: a relay logs "W exiting on signal 15" when the ambassador stops it;
# the kernel's SIGKILL to what is left of a PID namespace leaves no line.)
bg env --default-signal=INT,TERM unshare --pid --fork --mount-proc \
	env -i PATH="$PATH" RELAY="$RELAY" AMBASSADOR_RELAY_OPTS=-d busybox sh "$AMB" \
	"$L6:127.0.0.1:$RP" "$L7:127.0.0.1:$RP" 2>"$TMP/amb2.err"
ush=$BG_PID
check "PID 1 (relay dies): listens on $L6" wait_listen "$L6"
check "PID 1 (relay dies): listens on $L7" wait_listen "$L7"
init=$(pgrep -P "$ush" | head -1)
victim=
for r in $(relay_kids "$init"); do
	grep -q "TCP${AMB_LV}-LISTEN:$L6," "/proc/$r/cmdline" 2>/dev/null && victim=$r
done
check "PID 1 (relay dies): found the relay for $L6" test -n "$victim"
kill -KILL "${victim:-999999}"
timeout 20 tail --pid="$ush" -f /dev/null
wait "$ush"
rc=$?
check_eq "PID 1: a relay killed by SIGKILL makes the ambassador exit 137" 137 "$rc"
check "PID 1 (relay dies): reported on stderr" grep -q '^ambassador: relay .* exited with status 137' "$TMP/amb2.err"
check_eq "PID 1 (relay dies): the other relay is stopped ($L7 free)" "" "$(ss -Hltn "sport = :$L7")"
check "PID 1 (relay dies): the ambassador stopped the other relay itself (SIGTERM, logged)" \
	grep -q ' W exiting on signal 15' "$TMP/amb2.err"

# Not PID 1: SIGINT, and SIGTERM stopping the connection processes too.
amb_bg -- "$L6:127.0.0.1:$RP"
amb=$BG_PID
check "SIGINT: listens" wait_listen "$L6"
bg timeout 60 redis-cli -p "$L6" subscribe amb-channel >/dev/null 2>&1
sub=$BG_PID
wait_until 10 "no relay process serves the open connection" serving "$amb"
conn=
for r in $(relay_kids "$amb"); do conn="$conn $(pgrep -P "$r")"; done
check "SIGINT: a relay process serves the open connection" test -n "${conn// /}"
kill -INT "$amb"
wait "$amb"
check_eq "SIGINT: exit 130" 130 $?
gone=yes
for c in $conn; do wait_gone "$c" 5 || gone="no: $c"; done
check_eq "SIGINT: the connection's relay process is stopped too" yes "$gone"
check "SIGINT: the client saw the connection close" wait_gone "$sub" 5

# A relay that exits (its listen port is taken) stops the rest at once:
# nothing else keeps running half-working.
amb_bg -- "$L6:127.0.0.1:$RP" "$RP:127.0.0.1:1" "$U1/udp:127.0.0.1:$UP"
amb=$BG_PID
timeout 20 tail --pid="$amb" -f /dev/null
wait "$amb"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ]; then
	ok "a relay that cannot listen: ambassador exits non-zero ($rc)"
else
	not_ok "a relay that cannot listen: ambassador exits non-zero (exit $rc)"
fi
check_eq "a relay that cannot listen: the others are stopped" "" \
	"$(ss -Hltn "sport = :$L6")$(ss -Hlun "sport = :$U1")"

finish
