#!/bin/sh
# results-md.sh - the tables of docs/bench.md, from a make bench run.
#
#   sh bench/results-md.sh [build/results] > table.md
#   sh bench/results-md.sh --update docs/bench.md [build/results]
#
# With --update, the tables replace what stands between the lines
# <!-- bench:results:begin --> and <!-- bench:results:end --> in that file
# (make bench-docs does this, and copies the plots to docs/img).
#
# Prints the machine line ipcbench wrote at the top of bench.txt, the IPC
# limits from bench.json, and one Markdown table a group of bench.csv
# (pattern, size, placement), ranked as ipcbench ranks them: latency by
# p50, throughput by messages per second; skipped and failed rows last.
# A file with a gap sweep (bench.csv's gap_ns column) gets one table a
# size and placement instead: a transport a row, a gap a column.
set -eu
if [ "${1:-}" = --update ]; then
	doc=$2
	tmp=$(mktemp) && out=$(mktemp) || exit 1
	trap 'rm -f "$tmp" "$out"' EXIT
	sh "$0" "${3:-build/results}" >"$tmp"
	# and the gap sweep that make bench writes beside it
	if [ -f "${3:-build/results}/gap/bench.csv" ]; then
		echo >>"$tmp"
		sh "$0" "${3:-build/results}/gap" >>"$tmp"
	fi
	grep -q '^<!-- bench:results:begin -->$' "$doc" ||
		{ echo "results-md.sh: no <!-- bench:results:begin --> line in $doc" >&2; exit 1; }
	awk -v tables="$tmp" '
		/^<!-- bench:results:begin -->$/ { print; while ((getline l < tables) > 0) print l; skip = 1; next }
		/^<!-- bench:results:end -->$/ { skip = 0 }
		!skip' "$doc" >"$out"
	cat "$out" >"$doc"
	exit 0
fi
dir=${1:-build/results}
[ -f "$dir/bench.csv" ] || { echo "results-md.sh: no $dir/bench.csv: run make bench" >&2; exit 1; }

echo "Measured $(sed -n 's/^ipcbench on //p' "$dir/bench.txt" | head -1)."
echo
printf 'IPC limits (/proc/sys): '
tr -d '\n' <"$dir/bench.json" | sed -n 's/.*"ipc_limits": {\([^}]*\)}.*/\1/p' |
	sed 's/"//g; s/, /; /g'
echo
# A gap sweep (any row with gap_ns, column 17 once the quoted cpus is
# one field, above 0): one table a size and placement, a row a transport,
# a column a gap, each cell the p50 and p99 round trip; then ipcbench's
# own line on where it jumped.
if tail -n +2 "$dir/bench.csv" | sed 's/"[^"]*"/x/' |
	awk -F, '$17 > 0 { found = 1 } END { exit !found }'; then
	tail -n +2 "$dir/bench.csv" | sed 's/"\([0-9]*\),\([0-9]*\)"/\1+\2/; s/"any"/any/' |
	awk -F, '
	function human(ns) {
		if (ns == "") return ""
		if (ns < 1000) return sprintf("%d ns", ns)
		if (ns < 1e6) return sprintf("%.1f us", ns / 1e3)
		return sprintf("%.2f ms", ns / 1e6)
	}
	$2 == "latency" {
		key = $3 SUBSEP $5
		if (!(key in seen)) { seen[key] = 1; order[++ngroups] = key }
		if (!((key, $1) in hasm)) { hasm[key, $1] = 1; mechs[key, ++nm[key]] = $1 }
		if (!((key, $17) in hasg)) { hasg[key, $17] = 1; gaps[key, ++ng[key]] = $17 }
		cell[key, $1, $17] = $4 == "" ? "-" : human($7) " / " human($10)
	}
	END {
		for (g = 1; g <= ngroups; g++) {
			key = order[g]
			split(key, k, SUBSEP)
			cpus = k[2]; gsub(/\+/, ",", cpus)
			n = ng[key]
			for (i = 1; i <= n; i++) srt[i] = gaps[key, i] + 0
			for (i = 1; i <= n; i++)
				for (j = i + 1; j <= n; j++)
					if (srt[j] < srt[i]) { t = srt[i]; srt[i] = srt[j]; srt[j] = t }
			printf "\n**Round trip against the gap before it, %s B each way, cpus %s** (p50 / p99)\n\n| mech |", k[1], cpus
			for (i = 1; i <= n; i++) printf " %s |", srt[i] == 0 ? "no gap" : human(srt[i])
			printf "\n| --- |"
			for (i = 1; i <= n; i++) printf " ---: |"
			print ""
			for (m = 1; m <= nm[key]; m++) {
				printf "| %s |", mechs[key, m]
				for (i = 1; i <= n; i++) printf " %s |", cell[key, mechs[key, m], srt[i] ""]
				print ""
			}
		}
	}'
	echo
	sed -n 's/^gap jump, /Where the round trips jump: /p; s/^--no-idle: /`--no-idle`: /p' "$dir/bench.txt"
	exit 0
fi
# Why each skipped or failed row has no numbers, from bench.json (one
# result a line): "mech,pattern,size,cpus<TAB>skipped: reason".
reasons=$(mktemp) || exit 1
trap 'rm -f "$reasons"' EXIT
sed -n 's/^{"mech": "\([^"]*\)", "pattern": "\([^"]*\)", "size": \([0-9]*\), .*"cpus": "\([^"]*\)", .*"skipped": "\([^"]*\)", "error": null.*/\1,\2,\3,\4	skipped: \5/p
	s/^{"mech": "\([^"]*\)", "pattern": "\([^"]*\)", "size": \([0-9]*\), .*"cpus": "\([^"]*\)", .*"skipped": null, "error": "\([^"]*\)".*/\1,\2,\3,\4	failed: \5/p' \
	"$dir/bench.json" | sed 's/,\([0-9]*\),\([0-9]*\)	/,\1+\2	/' >"$reasons"
# bench.csv, with the quoted cpus column made safe for awk's comma split.
tail -n +2 "$dir/bench.csv" | sed 's/"\([0-9]*\),\([0-9]*\)"/\1+\2/; s/"any"/any/' |
awk -F, -v reasons="$reasons" '
function human(ns) {
	if (ns == "") return ""
	if (ns < 1000) return sprintf("%d ns", ns)
	if (ns < 1e6) return sprintf("%.2f us", ns / 1e3)
	return sprintf("%.2f ms", ns / 1e6)
}
function size(s) {
	if (s >= 1048576 && s % 1048576 == 0) return (s / 1048576) " MiB"
	if (s >= 1024 && s % 1024 == 0) return (s / 1024) " KiB"
	return s " B"
}
BEGIN {
	while ((getline l < reasons) > 0) {
		split(l, r, "\t")
		why[r[1]] = r[2]
	}
}
{
	key = $2 SUBSEP $3 SUBSEP $5
	if (!(key in seen)) { seen[key] = 1; order[++ngroups] = key }
	n = ++count[key]
	row[key, n] = $0
}
END {
	for (g = 1; g <= ngroups; g++) {
		key = order[g]
		split(key, k, SUBSEP)
		cpus = k[3]; gsub(/\+/, ",", cpus)
		m = count[key]
		# rank: a sort key per row, then a simple selection sort
		for (i = 1; i <= m; i++) {
			split(row[key, i], f, ",")
			if (f[4] == "") rank[i] = 1e18 + i
			else if (k[1] == "latency") rank[i] = f[7] + 0
			else rank[i] = -f[13]
			idx[i] = i
		}
		for (i = 1; i <= m; i++)
			for (j = i + 1; j <= m; j++)
				if (rank[idx[j]] < rank[idx[i]]) { t = idx[i]; idx[i] = idx[j]; idx[j] = t }
		if (k[1] == "latency") {
			printf "\n**Latency, %s each way, cpus %s** (round trip)\n\n", size(k[2]), cpus
			print "| # | mech | count | p50 | p90 | p99 | p99.9 | max | CPU/round trip | ctx sw/round trip |"
			print "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		} else {
			printf "\n**Throughput, %s messages, cpus %s**\n\n", size(k[2]), cpus
			print "| # | mech | count | msgs/s | MB/s | CPU/msg | ctx sw/msg |"
			print "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
		}
		for (i = 1; i <= m; i++) {
			split(row[key, idx[i]], f, ",")
			if (f[4] == "") {
				w = why[f[1] "," f[2] "," f[3] "," f[5]]
				if (w == "") w = "skipped or failed: see bench.json"
				printf "| - | %s | %s | | | | |%s\n", f[1], w, k[1] == "latency" ? " | | |" : ""
				continue
			}
			if (k[1] == "latency")
				printf "| %d | %s | %d | %s | %s | %s | %s | %s | %s | %.2f |\n", i, f[1], f[4], human(f[7]), human(f[8]), human(f[9]), human(f[10]), human(f[11]), human(f[15]), f[16]
			else
				printf "| %d | %s | %d | %.0f | %.1f | %s | %.2f |\n", i, f[1], f[4], f[13], f[14], human(f[15]), f[16]
		}
	}
}'
