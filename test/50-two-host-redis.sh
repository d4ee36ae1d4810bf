#!/usr/bin/env bash
# The ambassador pattern end to end, with network namespaces as the two hosts
# and every ambassador in a "container": the image tree (busybox-static plus
# image.files, built by test/51-image-chroot.sh from a static relay of this
# tree) as its root, entered with chroot inside the host's namespace, in its
# own PID namespace as PID 1 with /proc mounted in the root:
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
# Last, the Docker 29 form: the client ambassador restarted with the explicit
# link 6379:big-server:6379, big-server a name in the client root's /etc/hosts.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/containers.sh"
require ip busybox redis-server redis-cli unshare

BIG=rl-big-$$
CLI=rl-cli-$$
NET=10.213.$(($$ % 250 + 1))
BIG_IP=$NET.1
CLI_IP=$NET.2

# --- the image, one root per host ---------------------------------------------

check "static relay built (make static in a copy of the sources)" \
	bash "$TESTDIR/51-image-chroot.sh" --build-static "$TMP/build"
BIG_ROOT=$TMP/root-big
CLI_ROOT=$TMP/root-cli
check "big-server's ambassador root built from image.files" \
	bash "$TESTDIR/51-image-chroot.sh" --build-root "$BIG_ROOT" "$TMP/build/relay-static"
check "client-server's ambassador root built from image.files" \
	bash "$TESTDIR/51-image-chroot.sh" --build-root "$CLI_ROOT" "$TMP/build/relay-static"

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

ambassador "$BIG" "$BIG_ROOT" "$TMP/amb-big.err" \
	HOSTNAME=redis_ambassador \
	REDIS_PORT_6379_TCP=tcp://127.0.0.1:6380 \
	REDIS_PORT_6379_TCP_ADDR=127.0.0.1 \
	REDIS_PORT_6379_TCP_PORT=6380 \
	REDIS_PORT_6379_TCP_PROTO=tcp \
	REDIS_NAME=/client/redis \
	REDIS_PORT=tcp://127.0.0.1:6380 \
	REDIS_ENV_REDIS_VERSION=7.0.15 \
	REDIS_ENV_GOSU_VERSION=1.17
amb_big=$AMB_INIT
check "big-server: ambassador listens on 6379" ns_wait_listen "$BIG" 6379
check "big-server: the ambassador is PID 1 of a container rooted at its image tree" \
	in_container "${amb_big:-0}" "$BIG_ROOT"
if [ "$AMB_LV" = 6 ]; then all='\*:6379'; else all='0\.0\.0\.0:6379'; fi
check "big-server: on all addresses, one dual-stack socket where there is IPv6 ($all)" \
	bash -c "ip netns exec '$BIG' ss -Hltn 'sport = :6379' | grep -q '^LISTEN .* $all '"
check_eq "big-server: ambassador started exactly one relay, skipped nothing" \
	"1 0" "$(grep -c "^ambassador: .*TCP$AMB_LV-LISTEN:" "$TMP/amb-big.err") $(grep -c 'skipping' "$TMP/amb-big.err")"

# --- client-server: ambassador to big-server:6379 ----------------------------

check "client-server: no redis of its own on 6380" \
	test "$(rcli "$CLI" -h 127.0.0.1 -p 6380 ping)" != PONG
ambassador "$CLI" "$CLI_ROOT" "$TMP/amb-cli.err" HOSTNAME=redis_ambassador \
	"REDIS_PORT_6379_TCP=tcp://$BIG_IP:6379"
amb_cli=$BG_PID
amb_cli_init=$AMB_INIT
check "client-server: ambassador listens on 6379" ns_wait_listen "$CLI" 6379
check "client-server: the ambassador is PID 1 of a container rooted at its image tree" \
	in_container "${amb_cli_init:-0}" "$CLI_ROOT"
check_eq "client-server: its relay is the image's /usr/bin/relay" "$CLI_ROOT/usr/bin/relay" \
	"$(readlink "/proc/$(pgrep -P "${amb_cli_init:-0}" -x relay | head -1)/exe" 2>/dev/null)"

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
ambassador "$BIG" "$BIG_ROOT" "$TMP/amb-big2.err" REDIS2_PORT_6382_TCP=tcp://127.0.0.1:6381
check "big-server: second ambassador publishes it on 6382" ns_wait_listen "$BIG" 6382

# docker stop: SIGTERM to the container's PID 1.
kill -TERM "${amb_cli_init:-0}"
wait "$amb_cli"
check_eq "client-server: old ambassador exits 143 on SIGTERM (docker stop)" 143 $?
check "client-server: port 6379 is free again" ns_wait_free "$CLI" 6379 5
ambassador "$CLI" "$CLI_ROOT" "$TMP/amb-cli2.err" "REDIS_PORT_6379_TCP=tcp://$BIG_IP:6382"
amb_cli=$BG_PID
amb_cli_init=$AMB_INIT
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

# --- Docker 29: no link variables, an explicit link to a host name -----------

printf '127.0.0.1\tlocalhost\n%s\tbig-server\n' "$BIG_IP" >"$CLI_ROOT/etc/hosts"
kill -TERM "${amb_cli_init:-0}"
wait "$amb_cli"
check_eq "client-server: second ambassador exits 143 on SIGTERM" 143 $?
check "client-server: port 6379 is free again (2)" ns_wait_free "$CLI" 6379 5
ambassador "$CLI" "$CLI_ROOT" "$TMP/amb-cli3.err" -- 6379:big-server:6379
amb_cli=$BG_PID
amb_cli_init=$AMB_INIT
check "client-server: ambassador 6379:big-server:6379 listens on 6379" ns_wait_listen "$CLI" 6379
check_eq "client-server: same command, back on the first server by host name" first \
	"$(rcli "$CLI" -h 127.0.0.1 -p 6379 get which)"
check_eq "client-server: redis-cli ping" PONG "$(rcli "$CLI" -h 127.0.0.1 -p 6379 ping)"
kill -TERM "${amb_cli_init:-0}"
wait "$amb_cli"
check_eq "client-server: explicit-link ambassador exits 143 on SIGTERM" 143 $?

finish
