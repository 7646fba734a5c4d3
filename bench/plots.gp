# plots.gp - the plots of a make bench run, from build/results/bench.csv
# and cdf.csv; ipcbench writes vars.gp (kernel thresholds, the placement
# of the size sweeps, the smallest size).  Each plot as PNG and SVG:
#
#   gnuplot -e "dir='build/results'" bench/plots.gp     (what make plots does)
#
#   latency     round-trip p50 against message size, log-log
#   throughput  MB/s against message size, log-log
#   cdf         distribution of the round trips at the smallest size
#   cpu         CPU time of both processes per round trip, against size
#   placement   p50 round trip at the smallest size, by placement
#   gap         p50 and p99 round trip against the gap before each (log x),
#               from the gap sweep in dir/gap (make bench makes it), with
#               a mark where the blocking transports' round trips jump
#
# A row measured with a gap (bench.csv's last column, gap_ns, not 0) is
# left out of the first five: they show back-to-back round trips.
if (!exists("dir")) dir = "build/results"
load dir."/vars.gp"

# bench.csv quotes its cpus column ("0,1"), which gnuplot cannot split:
# rewrite it as 0-1, drop the header, and sort so that the rows of one
# line (mech, pattern, cpus) come together in size order.
fix = 'sed -e "s/\"\([0-9]*\),\([0-9]*\)\"/\1-\2/"'
rows = '< tail -n +2 '.dir.'/bench.csv | '.fix.' | sort -t, -k2,2 -k5,5 -k1,1 -k3,3n'
cdfrows = '< tail -n +2 '.dir.'/cdf.csv | '.fix
mechs = system('tail -n +2 '.dir.'/bench.csv | cut -d, -f1 | awk ''!seen[$0]++'' | tr "\n" " "')
set datafile separator comma

# The gap sweep (make bench's second run), if there is one: its latency
# rows in order of mechanism and gap, the gap where the blocking
# transports' round trips jump (gap/vars.gp; -1: none), and where gap 0
# is drawn on the log axis: a tenth of the smallest other gap.
gapdir = dir."/gap"
has_gap = system("test -f ".gapdir."/bench.csv && echo 1 || echo 0") + 0
gapvar(name) = system("sed -n 's/^".name." = //p' ".gapdir."/vars.gp 2>/dev/null")
if (has_gap) {
	gaprows = '< tail -n +2 '.gapdir.'/bench.csv | '.fix.' | awk -F, ''$2 == "latency" && $7 != ""'' | sort -t, -k1,1 -k17,17n'
	gapmechs = system('tail -n +2 '.gapdir.'/bench.csv | cut -d, -f1 | awk ''!seen[$0]++'' | tr "\n" " "')
	gj = gapvar("gap_jump_ns")
	gap_jump_ns = gj eq "" ? -1 : real(gj)
	no_idle_gap = gapvar("no_idle") eq "1"
	gap_cpus = gapvar("sweep_label")[2:strlen(gapvar("sweep_label")) - 1]
	gap_size = gapvar("small")
	gapmin = system('tail -n +2 '.gapdir.'/bench.csv | '.fix.' | awk -F, ''$17 > 0 && (m == "" || $17 < m) { m = $17 } END { print (m == "" ? 1000 : m) }''') + 0
	gap0x = gapmin / 10000.0
	gapx(ns) = ns > 0 ? ns / 1000.0 : gap0x
}

# The same line style for a mechanism in every plot.
# Twenty-four colours that tell apart on white (twenty transports, with
# issue 12's); dashes after the eighth, dots after the sixteenth.
colours = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #17becf #7f7f7f #bcbd22 #000000 #aec7e8 #98df8a #ff9896 #c5b0d5 #c49c94 #393b79 #637939 #8c6d31 #843c39 #7b4173 #3182bd #e6550d #31a354"
set style increment user
do for [i=1:24] {
	dash = i > 16 ? 3 : i > 8 ? 2 : 1
	set style line i lc rgb word(colours, i) lw 2 pt (i % 7) + 1 ps 0.8 dt dash
}
set linetype cycle 24
set key outside right top Left reverse noautotitle
set grid xtics ytics mxtics mytics lc rgb "#dddddd"
set format x "%.0s%cB"
set xtics ("1 B" 1, "4 B" 4, "64 B" 64, "1 KiB" 1024, "4 KiB" 4096, "64 KiB" 65536, "1 MiB" 1048576, "16 MiB" 16777216)

# The kernel thresholds that explain steps in the curves.
set_marks = 'set arrow 1 from PIPE_BUF, graph 0 to PIPE_BUF, graph 1 nohead dt 2 lc rgb "#888888"; '.\
	'set label 1 "PIPE\_BUF" at PIPE_BUF, graph 0.97 right offset -0.5,0 font ",8" tc rgb "#666666"; '.\
	'set arrow 2 from pipe_buffer, graph 0 to pipe_buffer, graph 1 nohead dt 2 lc rgb "#888888"; '.\
	'set label 2 "pipe buffer" at pipe_buffer, graph 0.97 right offset -0.5,0 font ",8" tc rgb "#666666"; '.\
	'set arrow 3 from msgsize_max, graph 0 to msgsize_max, graph 1 nohead dt 3 lc rgb "#aa6666"; '.\
	'set label 3 "msgsize\_max" at msgsize_max, graph 0.90 left offset 0.5,0 font ",8" tc rgb "#aa6666"'
unset_marks = 'unset arrow; unset label'

# Column 17 (after fix) is gap_ns; a file from before it has none.
nogap(c) = strcol(c) eq "" || strcol(c) eq "0"
is(p) = strcol(2) eq p && strcol(5) eq sweep_cpus && column(4) > 0 && nogap(17)

# Each plot twice: PNG for the docs, SVG to zoom in.
out(name, kind) = sprintf('set output "%s/%s.%s"', dir, name, kind)
do for [kind in "png svg"] {
	if (kind eq "png") {
		set terminal pngcairo size 1000,600 font "sans,10" noenhanced
	} else {
		set terminal svg size 1000,600 font "sans,10" noenhanced dynamic
	}

	eval out("latency", kind)
	set title "Round-trip latency (p50) against message size, cpus ".sweep_label." - ".machine
	set logscale xy
	set xlabel "message size (each way)"
	set ylabel "round trip, p50 (microseconds)"
	set format y "%g"
	eval set_marks
	plot for [m in mechs] rows using (strcol(1) eq m && is("latency") ? $3 : NaN):($7 / 1000) with linespoints title m

	eval out("throughput", kind)
	set title "Throughput against message size, cpus ".sweep_label." - ".machine
	set ylabel "MB/s (10^6 bytes)"
	set format y "%g"
	plot for [m in mechs] rows using (strcol(1) eq m && is("throughput") ? $3 : NaN):14 with linespoints title m

	eval out("cpu", kind)
	set title "CPU time of both processes per round trip, cpus ".sweep_label." - ".machine
	set ylabel "CPU time per round trip (microseconds)"
	plot for [m in mechs] rows using (strcol(1) eq m && is("latency") ? $3 : NaN):($15 / 1000) with linespoints title m
	eval unset_marks

	eval out("cdf", kind)
	set title sprintf("Distribution of round trips at %d B (and notifications), cpus %s - %s", small, sweep_label, machine)
	unset logscale
	set logscale x
	set xlabel "round trip (microseconds)"
	set ylabel "fraction of round trips at most this long"
	set xtics auto
	set format x "%g"
	set format y "%.1f"
	set yrange [0:1]
	plot for [m in mechs] cdfrows using (strcol(1) eq m && strcol(3) eq sweep_cpus && column(2) <= small && nogap(6) ? $5 / 1000 : NaN):4 with lines title m
	set yrange [*:*]

	eval out("placement", kind)
	set title sprintf("Round trip (p50) at %d B by placement - %s", small, machine)
	unset logscale
	set logscale y
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set boxwidth 0.9
	set xtics rotate by -30 nomirror
	set format x "%s"
	set xlabel ""
	set ylabel "round trip, p50 (microseconds)"
	set format y "%g"
	set key inside top left
	# One row a mechanism, one column a placement, from the latency rows
	# at the smallest size (or a notification's own size below it).
	place = '< tail -n +2 '.dir.'/bench.csv | '.fix.' | awk -F, -v s='.small.' ''$2 == "latency" && $3 <= s && $7 != "" && ($17 == "" || $17 == 0) { gsub(/"/, "", $5); if (!($1 in row)) order[++n] = $1; if (!($5 in col)) cols[++k] = $5; col[$5] = 1; row[$1] = 1; v[$1 "," $5] = $7 / 1000 } END { printf "mech"; for (j = 1; j <= k; j++) { split(cols[j], ab, "-"); printf ",%s", cols[j] == "any" ? "any: left to the kernel" : ab[1] == ab[2] ? "both on CPU " ab[1] : "client on CPU " ab[1] " / server on " ab[2] } print ""; for (i = 1; i <= n; i++) { printf "%s", order[i]; for (j = 1; j <= k; j++) printf ",%s", ((order[i] "," cols[j]) in v) ? v[order[i] "," cols[j]] : "NaN"; print "" } }'''
	ncols = system(place[3:].' | head -1 | awk -F, ''{print NF}''') + 0
	plot for [c=2:ncols] place using c:xtic(1) title columnheader(c)
	unset style data
	set key outside right top
	set xtics norotate

	if (has_gap) {
		eval out("gap", kind)
		set multiplot layout 1,2 title sprintf("Round trip at %s B against the gap before it, cpus %s - %s%s", gap_size, gap_cpus, machine, no_idle_gap ? " (--no-idle)" : "")
		unset logscale
		set logscale xy
		set xlabel "gap before each round trip (microseconds; 0 at the left)"
		set format x "%g"
		set xtics auto
		set xtics add ("0" gap0x)
		set format y "%g"
		set key inside top left
		unset arrow
		unset label
		if (gap_jump_ns >= 0) {
			set arrow 1 from gapx(gap_jump_ns), graph 0 to gapx(gap_jump_ns), graph 1 nohead dt 2 lw 2 lc rgb "#aa3333"
			set label 1 "jump: blocking median p50 > 2x" at gapx(gap_jump_ns), graph 0.04 right offset -0.5,0 font ",8" tc rgb "#aa3333"
		} else {
			set label 1 "no 2x jump of the blocking median p50" at graph 0.98, graph 0.04 right font ",8" tc rgb "#aa3333"
		}
		set title "p50"
		set ylabel "round trip (microseconds)"
		plot for [m in gapmechs] gaprows using (strcol(1) eq m ? gapx($17) : NaN):($7 / 1000) with linespoints title m
		set title "p99"
		set key inside bottom right
		plot for [m in gapmechs] gaprows using (strcol(1) eq m ? gapx($17) : NaN):($10 / 1000) with linespoints title m
		unset multiplot
		unset arrow
		unset label
		set key outside right top
	}
}
