#!/usr/bin/env bash
# The build: warning-free with gcc and clang, needs libc only, installs
# under PREFIX/DESTDIR, builds statically with musl; -h and -V describe
# what the tables hold.
. "$(dirname "$0")/lib.sh"
require gcc clang musl-gcc
cd "$TOP" || exit 1

# idle_child_check NAME BINARY: each of two fork children of BINARY, idle
# after one line went through, has at most 8 KiB of its own: its own copies of
# the pages it and the listener write after fork(), one of stack and one of
# data (what bench/run measures per idle connection over 300 of them).
# Two children, not one: a text page that only the child path runs (the
# transfer loop) is mapped by one process while there is one child, and
# smaps counts it as private although it is the page cache's and every
# further child shares it; whether the listener's own faults already mapped
# it varies from run to run.
idle_child_check() {
	local name=$1 bin=$2 back port listener child children priv line
	back=$(free_port) port=$(free_port)
	bg "$SOCAT" "TCP-LISTEN:$back,fork,reuseaddr" PIPE
	bg "$bin" "TCP-LISTEN:$port,fork,reuseaddr" "TCP:127.0.0.1:$back"
	listener=$BG_PID
	wait_listen "$back" && wait_listen "$port"
	exec 3<>"/dev/tcp/127.0.0.1/$port" 4<>"/dev/tcp/127.0.0.1/$port"
	printf 'ping\n' >&3
	read -r -t 10 line <&3
	check_eq "the $name binary relays through a fork child" ping "${line:-}"
	printf 'pong\n' >&4
	read -r -t 10 line <&4
	check_eq "the $name binary relays through a second fork child" pong "${line:-}"
	children=$(pgrep -P "$listener")
	check_eq "the $name listener has two children" 2 "$(echo "$children" | grep -c .)"
	for child in ${children:-0}; do
		priv=$(awk '/^Private_(Clean|Dirty):/ { kb += $2 } END { print kb + 0 }' \
			"/proc/$child/smaps_rollup" 2>/dev/null)
		echo "# an idle $name fork child's private memory: ${priv:-?} KiB"
		check "an idle $name fork child has at most 8 KiB of its own" test "${priv:-99}" -le 8
	done
	exec 3>&- 4>&-
}

for cc in gcc clang; do
	if command -v $cc >/dev/null; then
		check "$cc -Wall -Wextra builds without a warning" \
			sh -c "$cc -O2 -Wall -Wextra -Werror -o '$TMP/relay-$cc' relay.c 2>'$TMP/$cc.err'"
		[ -s "$TMP/$cc.err" ] && sed 's/^/# /' "$TMP/$cc.err"
		libs=$(ldd "$TMP/relay-$cc" 2>/dev/null | grep -v -e linux-vdso -e ld-linux -e 'libc\.so' | grep -c .)
		check_eq "$cc build links libc only" 0 "$libs"
	else
		not_ok "$cc is not installed"
	fi
done

# A sanitizer's shadow memory is no measure of relay's pages: with a
# SANITIZE=1 relay, the check runs on a plain make build of a copy.
idle_bin=$RELAY
if grep -q __asan_init "$RELAY" 2>/dev/null; then
	mkdir -p "$TMP/plain"
	cp relay.c relay.h Makefile "$TMP/plain/"
	# (make check SANITIZE=1 passes SANITIZE on in MAKEFLAGS and the environment)
	env -u MAKEFLAGS -u MFLAGS -u SANITIZE -u CFLAGS -u LDFLAGS \
		make -s -C "$TMP/plain" relay >/dev/null 2>&1
	echo "# $RELAY is an AddressSanitizer build: the idle child check runs on a plain make build"
	idle_bin=$TMP/plain/relay
fi
idle_child_check "make" "$idle_bin"

make -s install DESTDIR="$TMP/root" PREFIX=/opt/relay >/dev/null 2>&1
for f in bin/relay bin/ambassador share/man/man1/relay.1; do
	check "make install puts $f under DESTDIR/PREFIX" test -f "$TMP/root/opt/relay/$f"
done
check "installed relay runs" sh -c "\"$TMP/root/opt/relay/bin/relay\" -V >/dev/null"
make -s uninstall DESTDIR="$TMP/root" PREFIX=/opt/relay >/dev/null 2>&1
check_eq "make uninstall removes what make install put there" "" \
	"$(find "$TMP/root" -type f)"

# A build with other flags rebuilds instead of reusing the older binary.
# (Without MAKELEVEL: under make check, make would call itself "make[1]".)
mkdir -p "$TMP/flags"
cp relay.c relay.h Makefile "$TMP/flags/"
make -s -C "$TMP/flags" relay >/dev/null 2>&1
check_eq "make again with the same flags builds nothing" "make: 'relay' is up to date." \
	"$(env -u MAKELEVEL make -C "$TMP/flags" --no-print-directory relay 2>&1)"
o2_sum=$(cksum <"$TMP/flags/relay")
make -s -C "$TMP/flags" relay CFLAGS=-O0 >/dev/null 2>&1
o0_sum=$(cksum <"$TMP/flags/relay")
check "make relay CFLAGS=-O0 after an -O2 build rebuilds it" test "$o0_sum" != "$o2_sum"
make -s -C "$TMP/flags" relay >/dev/null 2>&1
check_eq "and make relay with the default flags rebuilds it again" "$o2_sum" "$(cksum <"$TMP/flags/relay")"

if command -v musl-gcc >/dev/null; then
	mkdir -p "$TMP/static"
	cp relay.c relay.h Makefile "$TMP/static/"
	# make static builds relay-static beside the default build and leaves
	# ./relay alone: a later make check or make install uses the default.
	make -s -C "$TMP/static" relay >/dev/null 2>&1
	default_sum=$(cksum <"$TMP/static/relay")
	make -s -C "$TMP/static" static >/dev/null 2>&1
	check "make static builds relay-static" test -x "$TMP/static/relay-static"
	check_eq "make static leaves ./relay as it was" "$default_sum" "$(cksum <"$TMP/static/relay")"
	check "make static: ./relay is still the dynamic build" \
		sh -c "readelf -d '$TMP/static/relay' 2>/dev/null | grep -q NEEDED"
	check "the static binary has no dynamic section" \
		sh -c "! readelf -d '$TMP/static/relay-static' 2>/dev/null | grep -q NEEDED"
	size=$(stat -c %s "$TMP/static/relay-static" 2>/dev/null || echo 0)
	echo "# static stripped size: $size bytes"
	check "the static binary is at most 192 KiB" test "$size" -le 196608
	check "the static binary relays" sh -c "echo hello | '$TMP/static/relay-static' -u - - | grep -qx hello"
	idle_child_check static "$TMP/static/relay-static"
else
	not_ok "musl-gcc is not installed"
fi

# bench/forkmin.c is the benchmark's floor for relay's shape: it has to be a
# correct relay for that comparison to mean anything.
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	check "bench/forkmin.c: $cc -Wall -Wextra builds without a warning" \
		sh -c "$cc -O2 -Wall -Wextra -Werror -o '$TMP/forkmin-$cc' bench/forkmin.c 2>'$TMP/fm-$cc.err'"
	[ -s "$TMP/fm-$cc.err" ] && sed 's/^/# /' "$TMP/fm-$cc.err"
done
if [ -x "$TMP/forkmin-gcc" ]; then
	head -c 1048576 /dev/urandom >"$TMP/fm.up"
	head -c 524288 /dev/urandom >"$TMP/fm.down"
	BACK=$(free_port) PORT=$(free_port)
	# The server sends its half only after the client's EOF came through.
	bg "$SOCAT" -t 5 "TCP-LISTEN:$BACK,reuseaddr" \
		"SYSTEM:cat >'$TMP/fm.got-up'; cat '$TMP/fm.down'"
	bg "$TMP/forkmin-gcc" "TCP-LISTEN:$PORT,fork,reuseaddr" "TCP:127.0.0.1:$BACK"
	wait_listen "$BACK" && wait_listen "$PORT"
	timeout 20 "$SOCAT" -t 5 "TCP:127.0.0.1:$PORT" "OPEN:$TMP/fm.up!!CREATE:$TMP/fm.got-down" 2>/dev/null
	check_eq "forkmin passes 1 MiB up, the client's EOF, then 512 KiB down" \
		"$(sum "$TMP/fm.up") $(sum "$TMP/fm.down")" \
		"$(sum "$TMP/fm.got-up") $(sum "$TMP/fm.got-down")"
fi
check "bench/run parses" bash -n bench/run
bench/run -r 0 >/dev/null 2>&1
check_eq "bench/run -r 0 is a usage error" 2 $?
bench/run nosuchpath >/dev/null 2>&1
check_eq "bench/run rejects an unknown path" 2 $?

help=$("$RELAY" -h)
check_eq "-h exits 0" 0 $?
for t in TCP TCP4 TCP6 TCP-LISTEN TCP4-LISTEN TCP6-LISTEN UNIX-CONNECT UNIX-LISTEN \
	UNIX-CLIENT STDIO STDIN STDOUT; do
	check "-h lists $t" sh -c "printf '%s\n' \"\$1\" | grep -Eq \"^  $t([:[ ]|\$)\"" _ "$help"
done
for o in fork reuseaddr bind backlog max-children connect-timeout keepalive nodelay \
	unlink-early mode ipv6-v6only; do
	check "-h lists option $o" sh -c "printf '%s\n' \"\$1\" | grep -Eq \"^  $o( |\$)\"" _ "$help"
done
finish
