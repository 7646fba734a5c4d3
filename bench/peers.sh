#!/bin/sh
# peers.sh - ipcbench beside the field's tools: make bench-peers.
#
#   sh bench/peers.sh IPCBENCH RESULTS_DIR
#
# Each pair is an ipcbench transport and the tool people already trust
# for the same mechanism: rt-tests' pmqtest, svsematest and sigwaittest,
# and sockperf's ping-pong over UDP and TCP on 127.0.0.1.  ptsematest
# (two threads of one process and a mutex) is shown alone, as the floor.
# For each pair and placement the two are run in turn, A B A B A B
# (PEERS_RUNS of each), so that a change in the machine's state hits both
# sides alike, and each side's median is kept.  Placements: client and
# server on two CPUs, then both on one (PEERS_CPUS, "0,1" by default; the
# second CPU dropped when this process may use only one).
#
# Every figure becomes a round trip's p50 in microseconds:
#   - ipcbench: its p50 (-p latency, back to back, -q --format csv);
#   - sockperf: its p50 with --full-rtt (without it, sockperf halves the
#     round trip it measured and calls that the latency);
#   - rt-tests: they report min, average and max of a ONE-WAY time
#     (gettimeofday before the send, gettimeofday after the receive, 1 us
#     steps), with a sleep of the interval (PEERS_INTERVAL, 1000 us, their
#     default) before each: their average, doubled, stands in for a round
#     trip.  Those rows are marked "*".
# ratio = ipcbench / peer.  docs/bench.md explains those outside 0.8-1.25.
#
# A tool that is missing is said so and skipped; the others still run.
# Writes RESULTS_DIR/peers.csv; the table goes to stdout.
set -u

bench=${1:?usage: sh bench/peers.sh IPCBENCH RESULTS_DIR}
results=${2:?usage: sh bench/peers.sh IPCBENCH RESULTS_DIR}
runs=${PEERS_RUNS:-3}
cpus=${PEERS_CPUS:-0,1}
loops=${PEERS_LOOPS:-1000}  # rt-tests: samples a run (about 1 s each)
interval=${PEERS_INTERVAL:-1000} # rt-tests: their sleep before each, us
secs=${PEERS_SECS:-1}       # sockperf: seconds a run, after its warm-up
port=$((20000 + $$ % 20000)) # sockperf: a port no other run shares
csv=$results/peers.csv
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-peers.XXXXXX") || exit 1
server=

# The sockperf server, if one is running, and the scratch directory go
# whatever ends the script.
finish() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

have() { command -v "$1" >/dev/null 2>&1; }

# The median of the numbers on stdin, one a line ("" if none): the middle
# one, or the lower of the two middle ones, as ipcbench --rounds does.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# a / b to 2 decimals, "" if either is missing.
ratio() {
	[ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'
}

# ipcbench MECH SIZE A B: the p50 and the mean of one latency run, in us.  The CSV's
# cpus field is quoted ("0,1"): blank it out before splitting on commas;
# the row measured is the one with a count (a notification transport's
# row at its own size; the one at SIZE, beyond it, is skipped).
run_ipcbench() {
	"$bench" -m "$1" -p latency -s "$2" --cpus "$3,$4" -q --format csv \
		-N "peers-$$" 2>"$tmp/err" |
		sed 's/"[^"]*"/x/' |
		awk -F, 'NR > 1 && $4 != "" { printf "%.3f %.3f\n", $7 / 1000, $12 / 1000; exit }'
}

# The pid of the first child of process $1, once it has one (at most
# about 1 s), or "" (via /proc: the children of its main thread).
child_of() {
	i=0
	while [ $i -lt 100 ]; do
		c=$(cut -d' ' -f1 "/proc/$1/task/$1/children" 2>/dev/null)
		[ -n "$c" ] && { echo "$c"; return; }
		sleep 0.01
		i=$((i + 1))
	done
}

# Pin the two sides of rt-tests TOOL running as process $1: the sender
# (which sends first, as ipcbench's client) on CPU $2, the receiver on
# $3.  The tools place a pair on one CPU or leave it to the kernel, never
# one to each, so it is done from outside, once they have started: with
# -f the sides are two child processes ("-fs0", "-fr0" in their command
# lines); without, threads of the one process, the receiver created
# first.  Returns 1 if they did not show up within about 2 s.
pin_sides() {
	i=0
	while [ $i -lt 200 ]; do
		snd= rcv=
		for t in $(ls /proc/"$1"/task 2>/dev/null | sort -n); do
			[ "$t" = "$1" ] && continue
			if [ -z "$rcv" ]; then rcv=$t; else snd=$t; fi
		done
		for c in $(cat /proc/"$1"/task/"$1"/children 2>/dev/null); do
			case $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) in
			*-fs0*) snd=$c ;;
			*-fr0*) rcv=$c ;;
			esac
		done
		if [ -n "$snd" ] && [ -n "$rcv" ]; then
			taskset -pc "$2" "$snd" >/dev/null &&
				taskset -pc "$3" "$rcv" >/dev/null
			return
		fi
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# rt-tests: TOOL A B [options]: twice the receiver's average one-way time,
# in us, from its --json (two decimals, where the terminal line rounds to
# a whole us).  One CPU (A = B): the whole tool on it from the start; two:
# its sides pinned one to each as soon as they exist (pin_sides).
run_rt() {
	tool=$1 a=$2 b=$3
	shift 3
	rm -f "$tmp/rt.json"
	timeout -s INT 60 taskset -c "$a,$b" "$tool" -q -l "$loops" \
		-i "$interval" --json="$tmp/rt.json" "$@" >"$tmp/out" 2>&1 &
	watch=$!
	if [ "$a" != "$b" ]; then
		pid=$(child_of "$watch")
		if [ -z "$pid" ] || ! pin_sides "$pid" "$a" "$b"; then
			echo "could not pin $tool's two sides" >>"$tmp/out"
		fi
	fi
	wait "$watch" || return 1
	sed -n 's/.*"avg": *\([0-9.]*\).*/\1/p' "$tmp/rt.json" |
		awk 'NR == 1 { printf "%.3f\n", 2 * $1 }'
}

# Wait until the sockperf server listens, at most about 2 s.
await_server() {
	i=0
	while [ $i -lt 20 ]; do
		if have ss; then
			ss -Hln "sport = :$port" 2>/dev/null | grep -q . && return 0
		elif [ $i -ge 5 ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# sockperf PROTO A B: its round-trip p50 in us; server on B, client on A.
run_sockperf() {
	flag=
	[ "$1" = tcp ] && flag=--tcp
	taskset -c "$3" sockperf server -i 127.0.0.1 -p "$port" $flag \
		>"$tmp/srv" 2>&1 &
	server=$!
	if ! await_server; then
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
		server=
		return 1
	fi
	timeout -s INT 60 taskset -c "$2" sockperf ping-pong -i 127.0.0.1 \
		-p "$port" $flag -m 64 -t "$secs" --full-rtt >"$tmp/out" 2>&1
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
	sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' "$tmp/out" | head -n 1
}

# One pair at one placement: PEERS_RUNS of each, in turn; a row of the
# table and of peers.csv.  MECH SIZE A B PEER STAT MARK PEER-COMMAND...
pair() {
	mech=$1 size=$2 a=$3 b=$4 peer=$5 stat=$6 mark=$7
	shift 7
	: >"$tmp/A"
	: >"$tmp/M"
	: >"$tmp/B"
	r=0
	while [ "$r" -lt "$runs" ]; do
		if [ "$mech" != - ]; then
			v=$(run_ipcbench "$mech" "$size" "$a" "$b")
			if [ -n "$v" ]; then
				echo "${v% *}" >>"$tmp/A"
				echo "${v#* }" >>"$tmp/M"
			fi
		fi
		v=$("$@")
		[ -n "$v" ] && echo "$v" >>"$tmp/B"
		r=$((r + 1))
	done
	ib=$(median <"$tmp/A")
	im=$(median <"$tmp/M")
	pv=$(median <"$tmp/B")
	rt=$(ratio "$ib" "$pv")
	# Against an average, ipcbench's own mean too: the same statistic.
	rm_=
	[ -n "$mark" ] && rm_=$(ratio "$im" "$pv")
	if [ -z "$pv" ]; then
		why=$(tail -n 1 "$tmp/out" 2>/dev/null)
		echo "bench-peers: $peer at cpus $a,$b gave no figure: ${why:-no output}" >&2
	fi
	printf '%-11s %-19s %-4s %4s %8s %8s %5s %8s %5s  %s%s\n' "$mech" "$peer" \
		"$a,$b" "$size" "${ib:--}" "${pv:--}" "${rt:--}" "${im:--}" \
		"${rm_:--}" "$stat" "$mark"
	printf '%s,%s,"%s,%s",%s,%s,%s,%s,"%s",%s,%s,%s,"%s","%s"\n' "$mech" \
		"$peer" "$a" "$b" "$size" "$ib" "$pv" "$rt" "$stat" \
		"$([ -n "$mark" ] && echo converted || echo direct)" "$im" "$rm_" \
		"$(paste -sd' ' "$tmp/A")" "$(paste -sd' ' "$tmp/B")" >>"$csv"
}

mkdir -p "$results" || exit 1
[ "$interval" = 1000 ] || echo "bench-peers: rt-tests sleep $interval us before each message (PEERS_INTERVAL), not their default 1000" >&2
a=${cpus%%,*}
b=${cpus#*,}
if ! taskset -c "$b" true 2>/dev/null; then
	echo "bench-peers: CPU $b is not one this process may use: one CPU only" >&2
	b=$a
fi
placements="$a,$b"
[ "$a" != "$b" ] && placements="$placements $a,$a"

missing=
for t in pmqtest svsematest sigwaittest ptsematest sockperf; do
	have "$t" || missing="$missing $t"
done
[ -n "$missing" ] && echo "bench-peers: not installed:$missing (make deps DEPS=\"rt-tests sockperf\" installs them): their rows are skipped" >&2
if [ "$(id -u)" != 0 ]; then
	echo "bench-peers: not root: rt-tests refuse to start unless they may use SCHED_FIFO (root, or the realtime group); their rows may be empty" >&2
fi

echo 'ipcbench,peer,cpus,size,ipcbench_p50_us,peer_us,ratio,peer_statistic,peer_figure,ipcbench_mean_us,mean_ratio,ipcbench_runs_us,peer_runs_us' >"$csv"
echo "ipcbench beside the field's tools: round trip p50 in us, median of $runs runs each side, A B A B in turn"
printf '%-11s %-19s %-4s %4s %8s %8s %5s %8s %5s  %s\n' ipcbench peer cpus size ipcbench peer ratio "ib mean" "m/avg" "peer's statistic"
rtstat="2 x avg one-way"
for p in $placements; do
	pa=${p%,*}
	pb=${p#*,}
	# pmqtest sends "Testing", 7 bytes, through a queue of 8-byte messages
	have pmqtest && pair msgq-posix 7 "$pa" "$pb" pmqtest "$rtstat" " *" \
		run_rt pmqtest "$pa" "$pb"
	have svsematest && pair sem-sysv 1 "$pa" "$pb" "svsematest -f" "$rtstat" " *" \
		run_rt svsematest "$pa" "$pb" -f
	have sigwaittest && pair signal 4 "$pa" "$pb" "sigwaittest -f" "$rtstat" " *" \
		run_rt sigwaittest "$pa" "$pb" -f
	have sockperf && pair socket-udp 64 "$pa" "$pb" "sockperf udp" "p50 round trip" "" \
		run_sockperf udp "$pa" "$pb"
	have sockperf && pair socket-tcp 64 "$pa" "$pb" "sockperf tcp" "p50 round trip" "" \
		run_sockperf tcp "$pa" "$pb"
	have ptsematest && pair - - "$pa" "$pb" "ptsematest (floor)" "$rtstat" " *" \
		run_rt ptsematest "$pa" "$pb"
done
echo
echo "ratio = ipcbench p50 / peer; m/avg = ipcbench's mean / peer, where the peer gives an"
echo "  average (the same statistic on both sides).  * converted: rt-tests report a one-way average"
echo "  (gettimeofday around the send and the receive, after a $interval us sleep);"
echo "  twice that stands in for a round trip.  sockperf: p50 with --full-rtt."
echo "  Placed by taskset as ipcbench places its two: the sender (sockperf's"
echo "  client) on the first CPU, the receiver (its server) on the second; rt-tests'"
echo "  two sides are pinned once they have started, within their first tens of ms."
echo "Why a ratio lies outside 0.8-1.25: docs/bench.md, \"Beside the field's tools\"."
echo "Written: $csv"
