#!/usr/bin/env bash
# The ambassador pattern end to end, with network namespaces as the two hosts:
#
#   client-server: redis-cli -h 127.0.0.1 -p 6379
#                  -> ambassador REDIS_PORT_6379_TCP=tcp://<big-server>:6379
#   ---- veth, 10.213.N.0/24 ----
#   big-server:    ambassador REDIS_PORT_6379_TCP=tcp://127.0.0.1:6380 (+ the
#                  other variables docker's --link sets), listening on all
#                  addresses -> redis-server 127.0.0.1:6380
#
# Then the rewire: a second redis-server on big-server, published by a second
# big-server ambassador, and the client-side ambassador restarted to point at
# it; the consumer's command stays the same and now reaches the second server.
. "$(dirname "$0")/lib.sh"

AMB=$TOP/ambassador
BIG=rl-big-$$
CLI=rl-cli-$$
NET=10.213.$(($$ % 250 + 1))
BIG_IP=$NET.1
CLI_IP=$NET.2

# ns_listening NS PORT: something in NS listens on TCP PORT.
ns_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# ns_wait_listen NS PORT [SECONDS]
ns_wait_listen() {
	local i=0 n=$((${3:-10} * 20))
	while [ $i -lt $n ]; do
		ns_listening "$1" "$2" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "# nothing listens on port $2 in $1" >&2
	return 1
}

# ns_wait_free NS PORT [SECONDS]
ns_wait_free() {
	local i=0 n=$((${3:-10} * 20))
	while ns_listening "$1" "$2"; do
		[ $i -ge $n ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 0
}

# rcli NS ARGS...: redis-cli inside NS.
rcli() {
	local ns=$1
	shift
	timeout 10 ip netns exec "$ns" redis-cli "$@" 2>&1
}

# ambassador NS ERRFILE NAME=VALUE...: start an ambassador in NS with exactly
# that environment; its pid is in $BG_PID.
ambassador() {
	local ns=$1 err=$2
	shift 2
	bg ip netns exec "$ns" env -i PATH="$PATH" RELAY="$RELAY" "$@" busybox sh "$AMB" 2>"$err"
}

# redis NS PORT DIR: start a redis-server on NS's 127.0.0.1:PORT.
redis() {
	mkdir -p "$3"
	bg ip netns exec "$1" redis-server --bind 127.0.0.1 --port "$2" --dir "$3" \
		--save '' --appendonly no >"$3/log" 2>&1
}

# --- the two hosts ----------------------------------------------------------

check "create namespace big-server ($BIG)" netns_add "$BIG"
check "create namespace client-server ($CLI)" netns_add "$CLI"
check "veth pair between them" \
	ip link add "rlb$$" netns "$BIG" type veth peer name "rlc$$" netns "$CLI"
ip -n "$BIG" addr add "$BIG_IP/24" dev "rlb$$"
ip -n "$CLI" addr add "$CLI_IP/24" dev "rlc$$"
ip -n "$BIG" link set "rlb$$" up
ip -n "$CLI" link set "rlc$$" up
check_eq "client-server reaches big-server over the veth (ping)" 0 \
	"$(timeout 10 ip netns exec "$CLI" busybox ping -c 1 -W 5 "$BIG_IP" >/dev/null 2>&1; echo $?)"

# --- big-server: redis on 6380, ambassador publishing it as 6379 -------------

redis "$BIG" 6380 "$TMP/redis1"
check "big-server: redis-server on 127.0.0.1:6380" ns_wait_listen "$BIG" 6380
check_eq "big-server: first server marked" OK "$(rcli "$BIG" -p 6380 set which first)"

ambassador "$BIG" "$TMP/amb-big.err" \
	REDIS_PORT_6379_TCP=tcp://127.0.0.1:6380 \
	REDIS_PORT_6379_TCP_ADDR=127.0.0.1 \
	REDIS_PORT_6379_TCP_PORT=6380 \
	REDIS_PORT_6379_TCP_PROTO=tcp \
	REDIS_NAME=/client/redis \
	REDIS_PORT=tcp://127.0.0.1:6380 \
	REDIS_ENV_FOO=bar
check "big-server: ambassador listens on 6379" ns_wait_listen "$BIG" 6379
check "big-server: on all addresses (0.0.0.0:6379)" \
	bash -c "ip netns exec '$BIG' ss -Hltn 'sport = :6379' | grep -q '0\.0\.0\.0:6379'"
check_eq "big-server: ambassador started exactly one relay, skipped nothing" \
	"1 0" "$(grep -c '^ambassador: .*TCP4-LISTEN:' "$TMP/amb-big.err") $(grep -c 'skipping' "$TMP/amb-big.err")"

# --- client-server: ambassador to big-server:6379 ----------------------------

check "client-server: no redis of its own on 6380" \
	test "$(rcli "$CLI" -h 127.0.0.1 -p 6380 ping)" != PONG
ambassador "$CLI" "$TMP/amb-cli.err" "REDIS_PORT_6379_TCP=tcp://$BIG_IP:6379"
amb_cli=$BG_PID
check "client-server: ambassador listens on 6379" ns_wait_listen "$CLI" 6379

check_eq "client-server: redis-cli -h 127.0.0.1 -p 6379 ping" PONG \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 ping)"
check_eq "client-server: SET through the ambassadors" OK \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 set from-client "hello from $CLI")"
check_eq "big-server: GET directly on redis sees the client's SET" "hello from $CLI" \
	"$(rcli "$BIG" -p 6380 get from-client)"
check_eq "big-server: SET directly on redis" OK \
	"$(rcli "$BIG" -p 6380 set from-big "hello from $BIG")"
check_eq "client-server: GET through the ambassadors sees it" "hello from $BIG" \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 get from-big)"
check_eq "client-server: talks to the first server" first \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 get which)"
# A bigger value, both ways (about 1 MB).
big=$(head -c 600000 /dev/urandom | base64 -w0)
printf '%s' "$big" | timeout 20 ip netns exec "$CLI" redis-cli -h 127.0.0.1 -p 6379 -x set bigval >/dev/null 2>&1
check_eq "big value SET through the ambassadors arrives intact" \
	"$(printf '%s\n' "$big" | sha256sum)" \
	"$(timeout 20 ip netns exec "$BIG" redis-cli -p 6380 get bigval 2>/dev/null | sha256sum)"
check_eq "big value GET through the ambassadors arrives intact" \
	"$(printf '%s\n' "$big" | sha256sum)" \
	"$(timeout 20 ip netns exec "$CLI" redis-cli -h 127.0.0.1 -p 6379 get bigval 2>/dev/null | sha256sum)"
check_eq "client-server: the client's redis-cli connected through big-server's relay" \
	yes "$(rcli "$BIG" -p 6380 client list | grep -q 'addr=127\.0\.0\.1:' && echo yes)"

# --- rewire: a second redis on big-server -------------------------------------

redis "$BIG" 6381 "$TMP/redis2"
check "big-server: second redis-server on 127.0.0.1:6381" ns_wait_listen "$BIG" 6381
check_eq "big-server: second server marked" OK "$(rcli "$BIG" -p 6381 set which second)"
check_eq "big-server: second server has its own key" OK "$(rcli "$BIG" -p 6381 set only-second yes)"
ambassador "$BIG" "$TMP/amb-big2.err" REDIS2_PORT_6382_TCP=tcp://127.0.0.1:6381
check "big-server: second ambassador publishes it on 6382" ns_wait_listen "$BIG" 6382

kill -TERM "$amb_cli"
wait "$amb_cli"
check_eq "client-server: old ambassador exits 143 on SIGTERM" 143 $?
check "client-server: port 6379 is free again" ns_wait_free "$CLI" 6379 5
ambassador "$CLI" "$TMP/amb-cli2.err" "REDIS_PORT_6379_TCP=tcp://$BIG_IP:6382"
check "client-server: new ambassador listens on 6379" ns_wait_listen "$CLI" 6379

check_eq "client-server: same command, now the second server" second \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 get which)"
check_eq "client-server: sees the key only the second server has" yes \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 get only-second)"
check_eq "client-server: the first server's keys are not there" "" \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 get from-client)"
check_eq "client-server: SET goes to the second server" OK \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 set after-rewire 2)"
check_eq "big-server: second server has it" 2 "$(rcli "$BIG" -p 6381 get after-rewire)"
check_eq "big-server: first server does not" "" "$(rcli "$BIG" -p 6380 get after-rewire)"
check_eq "big-server: first server still serves its own ambassador" first \
	"$(rcli "$BIG" -h 127.0.0.1 -p 6379 get which)"

finish
