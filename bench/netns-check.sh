#!/bin/sh
# netns-check.sh - ipcbench --serve and --connect across two "hosts": two
# network namespaces joined by a veth pair, with 1 ms of netem delay on
# each end (make bench-netns; tests/test_bench.c runs it as root).
#
#   sh bench/netns-check.sh build/bin/ipcbench
#
# The client runs in ipclab-PID-a (10.213.0.1), the server in
# ipclab-PID-b (10.213.0.2): only addresses inside the two namespaces are
# used.  socket-tcp and socket-udp are measured (64 B, NETNS_COUNT round
# trips) without delay, then with `tc qdisc add ... netem delay 1ms` on
# both veth ends, so that a round trip crosses two delayed links: its p50
# should move by about 2 ms, and no round trip can be shorter than 2 ms.
# The namespaces (and with them the veth pair, the qdiscs and the server)
# are removed when the script ends, however it ends: pass, fail, Ctrl-C
# or kill.  With IPCLAB_NETNS_HOLD=1 it stops once they exist, saying
# "namespaces up", and waits to be killed (the test of that removal).
#
# Exit status: 0 passed, 1 failed, 77 skipped (not root, or no ip(8)).
set -u

bench=${1:?usage: sh bench/netns-check.sh IPCBENCH}
count=${NETNS_COUNT:-1000}
a=ipclab-$$-a
b=ipclab-$$-b
va=ipl$$a # interface names: at most 15 characters
vb=ipl$$b
ip_a=10.213.0.1
ip_b=10.213.0.2
port=7000
server=
tmp=

if [ "$(id -u)" != 0 ]; then
	echo "netns-check: skipped: needs root (ip netns, ip link, tc)"
	exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
	echo "netns-check: skipped: no ip(8) (iproute2)"
	exit 77
fi

cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	# Deleting a namespace deletes the veth end in it, and so its peer.
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	ip link del "$va" 2>/dev/null # if it never moved into $a
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

fail() {
	echo "netns-check: FAILED: $*"
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-netns.XXXXXX") || fail "mktemp"
ip netns add "$a" && ip netns add "$b" || fail "ip netns add"
ip link add "$va" type veth peer name "$vb" || fail "ip link add type veth"
ip link set "$va" netns "$a" && ip link set "$vb" netns "$b" ||
	fail "ip link set netns"
ip -n "$a" addr add "$ip_a/30" dev "$va" &&
	ip -n "$b" addr add "$ip_b/30" dev "$vb" &&
	ip -n "$a" link set "$va" up && ip -n "$b" link set "$vb" up &&
	ip -n "$a" link set lo up && ip -n "$b" link set lo up ||
	fail "ip addr / ip link up"
if [ -n "${IPCLAB_NETNS_HOLD:-}" ]; then
	echo "namespaces up: $a $b"
	while :; do sleep 0.1; done
fi

ip netns exec "$b" "$bench" --serve "$ip_b:$port" >"$tmp/server" 2>&1 &
server=$!
i=0
until grep -q serving "$tmp/server" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "the server did not start: $(cat "$tmp/server")"
	sleep 0.1
done

# MECH LABEL: one measurement from $a; prints "LABEL min p50 p90 p99" in
# ns and returns 1 if the client failed or measured nothing.
measure() {
	ip netns exec "$a" "$bench" -m "$1" --connect "$ip_b:$port" -p latency \
		-s 64 -n "$count" --format csv -q >"$tmp/csv" 2>"$tmp/err" ||
		{ cat "$tmp/err"; return 1; }
	sed 's/"[^"]*"/x/' "$tmp/csv" | awk -F, -v l="$2" \
		'NR == 2 && $4 != "" { print l, $6, $7, $8, $9; ok = 1 } END { exit !ok }'
}

# ns as us with 1 decimal.
us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e3 }'; }

row() {
	printf '%-11s %-12s %9s %9s %9s %9s\n' "$1" "$2" "$(us "$3")" \
		"$(us "$4")" "$(us "$5")" "$(us "$6")"
}

echo "two hosts: client in $a ($ip_a), server in $b ($ip_b), a veth pair"
echo "64 B round trips, $count each; times in us"
printf '%-11s %-12s %9s %9s %9s %9s\n' mech delay min p50 p90 p99
for m in socket-tcp socket-udp; do
	set -- $(measure "$m" none) || fail "$m without delay"
	[ $# -eq 5 ] || fail "$m without delay: no row"
	row "$m" none "$2" "$3" "$4" "$5"
	eval "p50_$(echo "$m" | tr - _)=$3"
done

if ! tc -n "$a" qdisc add dev "$va" root netem delay 1ms 2>"$tmp/tc" ||
	! tc -n "$b" qdisc add dev "$vb" root netem delay 1ms 2>>"$tmp/tc"; then
	echo "netns-check: the delay part is skipped: tc netem: $(head -n 1 "$tmp/tc")"
	echo "  (this kernel lacks sch_netem, CONFIG_NET_SCH_NETEM)"
	echo "netns-check: passed (without delay)"
	exit 0
fi
for m in socket-tcp socket-udp; do
	set -- $(measure "$m" "1ms+1ms") || fail "$m with delay"
	[ $# -eq 5 ] || fail "$m with delay: no row"
	row "$m" "1ms each way" "$2" "$3" "$4" "$5"
	# netem holds every packet at least 1 ms on each end: a round trip
	# below 2 ms would mean the delay was not on the path.
	[ "$2" -ge 2000000 ] || fail "$m: a round trip of $(us "$2") us under 2 ms of delay"
	eval "before=\$p50_$(echo "$m" | tr - _)"
	echo "  $m: p50 moved by $(us $(($3 - before))) us"
done
echo "netns-check: passed"
