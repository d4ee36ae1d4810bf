#!/usr/bin/env bash
# Randomized data integrity: STRESS_N transfers (default 60; a
# full run is 1000) through TCP->TCP, TCP->UNIX and UNIX->TCP relays,
# on the splice path and on the copy path (RELAY_NO_SPLICE=1), chosen at
# random.  Each transfer sends a random amount, 0..STRESS_MAX bytes (default
# 4 MiB; CI uses 16 MiB), each way, from socat peers with random -b
# (write chunks), fed by a generator that pauses at random points; each
# side half-closes when its data ends, so which side closes first, and when,
# is random.  Every byte must arrive exactly once and in order: sha256 per
# direction.  STRESS_SEED makes a run repeatable.
. "$(dirname "$0")/lib.sh"

N=${STRESS_N:-60}
MAX=${STRESS_MAX:-4194304}
RANDOM=${STRESS_SEED:-$$}
echo "# seed ${STRESS_SEED:-$$}, $N transfers, up to $MAX bytes each way"

rnd() { echo $(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); }	# 0..$1
# A block size for -b: log-uniform from 16 to 64 KiB.
rnd_b() { local e=$((4 + RANDOM % 13)); echo $(( (1 << e) + RANDOM % (1 << e) )); }

# The generator: FILE in PIECES random pieces, a random pause (0-0.19 s)
# before each piece after the first.
cat >"$TMP/gen" <<'GEN'
f=$1 k=$2
left=$(stat -c %s "$f")
exec 3<"$f"
while [ "$k" -gt 1 ] && [ "$left" -gt 0 ]; do
	n=$(( (RANDOM * 32768 + RANDOM) % (left + 1) ))
	head -c "$n" <&3
	left=$((left - n))
	k=$((k - 1))
	sleep "0.$(printf %02d $((RANDOM % 20)))"
done
head -c "$left" <&3
GEN

# A pool of random bytes to cut each transfer's data from.
head -c $((MAX + 65536)) /dev/urandom >"$TMP/pool"
# slice OUT SIZE: SIZE bytes from a random place in the pool.
slice() { tail -c +"$(( $(rnd 65535) + 1 ))" "$TMP/pool" | head -c "$2" >"$1"; }

declare -A count
ok_n=0 bad_n=0 lost=0 extra=0 bytes=0
for t in $(seq "$N"); do
	topo=$((RANDOM % 3))
	path=splice; [ $((RANDOM % 2)) = 1 ] && path=copy
	# One transfer in ten sends nothing one way.
	sa=$(rnd "$MAX"); [ $((RANDOM % 10)) = 0 ] && sa=0
	sb=$(rnd "$MAX"); [ $((RANDOM % 10)) = 0 ] && sb=0
	slice "$TMP/a" "$sa"	# client -> server
	slice "$TMP/b" "$sb"	# server -> client
	rm -f "$TMP/a.got" "$TMP/b.got" "$TMP/l.sock" "$TMP/b.sock"
	LP=$(free_port)
	BP=$(free_port)
	while [ "$BP" = "$LP" ]; do BP=$(free_port); done
	case $topo in
	0) name="TCP->TCP"; left=TCP-LISTEN:$LP,reuseaddr; right=TCP:127.0.0.1:$BP
	   client=TCP:127.0.0.1:$LP; server=TCP-LISTEN:$BP,reuseaddr ;;
	1) name="TCP->UNIX"; left=TCP-LISTEN:$LP,reuseaddr; right=UNIX-CONNECT:$TMP/b.sock
	   client=TCP:127.0.0.1:$LP; server=UNIX-LISTEN:$TMP/b.sock ;;
	2) name="UNIX->TCP"; left=UNIX-LISTEN:$TMP/l.sock; right=TCP:127.0.0.1:$BP
	   client=UNIX-CONNECT:$TMP/l.sock; server=TCP-LISTEN:$BP,reuseaddr ;;
	esac
	rb=""; [ $((RANDOM % 2)) = 1 ] && rb="-b $(rnd_b)"
	desc="#$t $name $path ${rb:--b default}: $sa bytes ->, $sb bytes <-"
	count[$name $path]=$(( ${count[$name $path]:-0} + 1 ))

	bg bash -c 'bash "$1" "$2" "$3" | exec "$4" -b "$5" -t 30 "$6" STDIO >"$7" 2>/dev/null' \
		gen "$TMP/gen" "$TMP/b" $((1 + RANDOM % 6)) "$SOCAT" "$(rnd_b)" "$server" "$TMP/a.got"
	S=$BG_PID
	if [ $topo = 1 ]; then wait_unix "$TMP/b.sock"; else wait_listen "$BP"; fi
	ns=""; [ $path = copy ] && ns=RELAY_NO_SPLICE=1
	bg env $ns timeout 120 "$RELAY" -t 30 $rb "$left" "$right"
	R=$BG_PID
	if [ $topo = 2 ]; then wait_unix "$TMP/l.sock"; else wait_listen "$LP"; fi
	timeout 120 bash -c 'bash "$1" "$2" "$3" | exec "$4" -b "$5" -t 30 STDIO "$6" >"$7" 2>/dev/null' \
		gen "$TMP/gen" "$TMP/a" $((1 + RANDOM % 6)) "$SOCAT" "$(rnd_b)" "$client" "$TMP/b.got"
	crc=$?
	wait "$R"; rrc=$?
	wait_gone "$S" 30
	wait "$S"; src=$?
	good=1
	for d in a b; do
		want=$(wc -c <"$TMP/$d")
		got=$(wc -c <"$TMP/$d.got" 2>/dev/null || echo 0)
		bytes=$((bytes + got))
		[ "$got" -lt "$want" ] && lost=$((lost + want - got))
		[ "$got" -gt "$want" ] && extra=$((extra + got - want))
		if [ "$(sum "$TMP/$d")" != "$(sum "$TMP/$d.got" 2>/dev/null)" ]; then
			good=0
			echo "# $desc: direction $d: sent $want bytes, got $got, sha256 differs"
		fi
	done
	if [ $good = 1 ] && [ $rrc = 0 ] && [ $crc = 0 ] && [ $src = 0 ]; then
		ok_n=$((ok_n + 1))
	else
		bad_n=$((bad_n + 1))
		not_ok "$desc: relay exit $rrc, client exit $crc, server exit $src, bytes $([ $good = 1 ] && echo intact || echo damaged)"
	fi
done
for k in "${!count[@]}"; do echo "# $k: ${count[$k]} transfers"; done | sort
echo "# $ok_n of $N transfers intact, $bytes bytes delivered"
echo "# lost bytes: $lost, extra bytes: $extra"
check_eq "all $N transfers intact, both ways" "$N" "$ok_n"
check_eq "lost bytes" 0 "$lost"
check_eq "extra bytes" 0 "$extra"
finish
