#!/bin/sh
# bare-check.sh - does ipcbench measure the mechanisms, or itself?
#
#   sh bench/bare-check.sh [ROUNDS]        (make bench-check)
#
# Runs, ROUNDS times (default 5) and alternating so that both see the same
# machine, ipcbench's 64-byte latency on CPUs 0,1 and ipcbench-bare, the
# same system calls with no harness; then prints the median p50 of each
# and their ratio, against the targets:
#   every blocking transport  ipcbench p50 <= 1.10 x its bare loop (shm-futex
#                             and shm-pthread too: the same futex and
#                             pthread calls, bench/bare.c)
#   shm-spin                  ipcbench p50 <= 2.5 x one cache line bounced
#   shm-posix, shm-spin       64 KiB throughput >= 8 x the pipe's
#   shm-spin                  64 KiB throughput >= 0.85 x the bare 8-slot
#                             ring (memcpy in, memcmp out)
#   the payload pattern       a 64 KiB hand-off with payload_fill and
#                             payload_verify <= 1.15 x the same with memcpy
#                             and memcmp (CPUs 0,1, each message waiting
#                             for the last): ratios only, so it holds
#                             whether the host put the CPUs near or far
# Exits 1 if a target is missed.  A busy machine blurs all of this: run
# it on a quiet one.
set -u
rounds=${1:-5}
bin=$(dirname "$0")/../build/bin
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
modes="shm-sysv shm-posix shm-futex shm-pthread sem-sysv sem-posix sem-eventfd msgq-sysv msgq-posix pipe pipe-vmsplice fifo signal socket-unix socket-unix-dgram socket-unix-seqpacket socket-tcp socket-udp line"

i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	echo "round $i of $rounds" >&2
	# shellcheck disable=SC2086 # a list of modes
	"$bin/ipcbench-bare" -n 20000 $modes >>"$tmp/bare" || exit 1
	# The hand-off both ways, in turn first, and the bare ring.
	if [ $((i % 2)) -eq 1 ]; then ho="handoff-64k-payload handoff-64k-memcpy"
	else ho="handoff-64k-memcpy handoff-64k-payload"; fi
	# shellcheck disable=SC2086 # a list of modes
	"$bin/ipcbench-bare" -n 20000 $ho ring-64k >>"$tmp/bare" || exit 1
	# Latency at 64 bytes (sem-* at 0, signal at 4: what they carry).
	# The cpus column, "0,1", splits in two fields: p50 is $8, MB/s
	# $15 (counted from the front: columns may be added at the end).
	"$bin/ipcbench" -q -p latency -s 64 --cpus 0,1 -n 20000 --format csv |
		awk -F, 'NR > 1 && $8 != "" { print $1, $8 }' >>"$tmp/bench" || exit 1
	"$bin/ipcbench" -q -m pipe,shm-posix,shm-spin -p throughput -s 64K --cpus 0,1 --format csv |
		awk -F, 'NR > 1 { print $1, $15 }' >>"$tmp/tput" || exit 1
done

# The median of the values of key k in file f ("key value" lines).
median() {
	awk -v k="$1" '$1 == k { print $NF }' "$2" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

status=0
line=$(median line "$tmp/bare")
printf '%-21s %12s %12s %7s  %s\n' transport "bare p50" "ipcbench p50" ratio target
for m in $modes; do
	[ "$m" = line ] && continue
	b=$(median "$m" "$tmp/bare")
	p=$(median "$m" "$tmp/bench")
	printf '%-21s %10s ns %10s ns' "$m" "$b" "$p"
	awk -v b="$b" -v p="$p" -v m="$m" 'BEGIN {
		r = p / b; lim = 1.10
		printf " %7.2f  <= %.2f %s\n", r, lim, (r <= lim ? "ok" : "MISSED")
		exit r <= lim ? 0 : 1 }' || status=1
done
p=$(median shm-spin "$tmp/bench")
printf '%-21s %10s ns %10s ns' "shm-spin vs line" "$line" "$p"
awk -v b="$line" -v p="$p" 'BEGIN { r = p / b
	printf " %7.2f  <= 2.50 %s\n", r, (r <= 2.5 ? "ok" : "MISSED")
	exit r <= 2.5 ? 0 : 1 }' || status=1

pipe=$(median pipe "$tmp/tput")
printf '\n%-21s %12s %12s %7s  %s\n' "64 KiB stream" "pipe MB/s" "MB/s" ratio target
for m in shm-posix shm-spin; do
	t=$(median "$m" "$tmp/tput")
	printf '%-21s %12s %12s' "$m" "$pipe" "$t"
	awk -v b="$pipe" -v p="$t" 'BEGIN { r = p / b
		printf " %7.2f  >= 8 %s\n", r, (r >= 8 ? "ok" : "MISSED")
		exit r >= 8 ? 0 : 1 }' || status=1
done

# The bare ring beside the pipe, with no target: what memcpy in and memcmp
# out reach on this machine, against which the 8x above can be read.
ring=$(median ring-64k "$tmp/bare")
printf '%-21s %12s %12s' "bare ring" "$pipe" "$ring"
awk -v b="$pipe" -v p="$ring" 'BEGIN { r = p / b
	printf " %7.2f  (no target)\n", r
	if (r < 8)
		print "  (the bare ring, with no harness, is itself under 8x" \
		      " the pipe here)" }'
t=$(median shm-spin "$tmp/tput")
printf '%-21s %12s %12s' "shm-spin vs ring" "$ring" "$t"
awk -v b="$ring" -v p="$t" 'BEGIN { r = p / b
	printf " %7.2f  >= 0.85 %s\n", r, (r >= 0.85 ? "ok" : "MISSED")
	exit r >= 0.85 ? 0 : 1 }' || status=1

b=$(median handoff-64k-memcpy "$tmp/bare")
p=$(median handoff-64k-payload "$tmp/bare")
printf '\n%-21s %12s %12s %7s  %s\n' "64 KiB hand-off" "memcpy+cmp" "payload" ratio target
printf '%-21s %9s ns %9s ns' "fill + verify" "$b" "$p"
awk -v b="$b" -v p="$p" 'BEGIN { r = p / b
	printf " %7.2f  <= 1.15 %s\n", r, (r <= 1.15 ? "ok" : "MISSED")
	exit r <= 1.15 ? 0 : 1 }' || status=1
exit "$status"
