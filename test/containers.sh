# Helpers for the scenarios that run the ambassador image in "containers":
# network namespaces as hosts, the image tree (test/51-image-chroot.sh
# --build-root) as the root, entered with chroot in a PID namespace of its
# own, as Docker runs it.  Source it after lib.sh.

# PATH of the busybox image.
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# ns_listening NS PORT: something in NS listens on TCP PORT.
ns_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# ns_wait_listen NS PORT [SECONDS]
ns_wait_listen() { wait_until "${3:-10}" "nothing listens on port $2 in $1" ns_listening "$1" "$2"; }

# ns_free NS PORT: nothing in NS listens on TCP PORT.
ns_free() { ! ns_listening "$1" "$2"; }

# ns_wait_free NS PORT [SECONDS]
ns_wait_free() { wait_until "${3:-10}" "port $2 in $1 still listens" ns_free "$1" "$2"; }

# rcli NS ARGS...: redis-cli inside NS.
rcli() {
	local ns=$1
	shift
	timeout 10 ip netns exec "$ns" redis-cli "$@" 2>&1
}

# ambassador NS ROOT ERRFILE NAME=VALUE... [-- ARG...]: start an ambassador
# container in NS: ROOT as its root, exactly that environment (plus the
# image's PATH), the ARGs as its arguments, as user $AMB_USER (uid:gid,
# default root).  $BG_PID is the pid of the unshare that holds it,
# $AMB_INIT the ambassador's own (PID 1 inside).
ambassador() {
	local ns=$1 root=$2 err=$3 envs=() i
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	bg ip netns exec "$ns" env --default-signal=INT,TERM -i PATH="$IMAGE_PATH" "${envs[@]}" \
		unshare --pid --fork --mount-proc="$root/proc" \
		chroot --userspec="${AMB_USER:-0:0}" "$root" /usr/bin/ambassador "$@" 2>"$err"
	AMB_INIT=
	for i in $(seq 100); do
		AMB_INIT=$(pgrep -P "$BG_PID" | head -1)
		[ -n "$AMB_INIT" ] && break
		sleep 0.05
	done
}

# in_container PID ROOT: PID is PID 1 of its own PID namespace, rooted at ROOT.
in_container() {
	[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$1/status" 2>/dev/null)" = 1 ] &&
		[ "$(readlink "/proc/$1/root")" = "$2" ]
}

# redis NS PORT DIR: start a redis-server on NS's 127.0.0.1:PORT.
redis() {
	mkdir -p "$3"
	bg ip netns exec "$1" redis-server --bind 127.0.0.1 --port "$2" --dir "$3" \
		--save '' --appendonly no >"$3/log" 2>&1
}

# in_amb INIT NAME=VALUE... -- CMD...: run CMD inside the container whose
# PID 1 is INIT (its PID, mount and network namespaces, its root), as
# "docker exec" does, as user $AMB_USER, with exactly that environment plus
# the image's PATH.
in_amb() {
	local init=$1 envs=() u=${AMB_USER:-0:0}
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	timeout 30 nsenter -t "$init" -p -m -n -r -w -S "${u%%:*}" -G "${u##*:}" \
		env -i PATH="$IMAGE_PATH" "${envs[@]}" "$@"
}
