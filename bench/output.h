/* output.h - results as a ranked table, CSV, JSON, and the data files the
 * plots are drawn from.
 */
#ifndef IPCLAB_OUTPUT_H
#define IPCLAB_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "meta.h"

/* The CSV header: the benchmark contract's, exactly, then the columns
 * added since, at the end, so that a script that reads the contract's
 * columns by position still finds them: gap_ns, the client's sleep
 * before each round trip (--gap; 0 for throughput); rounds (--rounds, 1
 * without) and their spread, the lowest and highest of the rounds' p50s
 * (latency; the row's p50_ns is their median) or messages/s
 * (throughput; msgs_per_s is their median), the other pattern's pair
 * empty. */
#define CSV_CONTRACT_HEADER                                                    \
	"mech,pattern,size,count,cpus,min_ns,p50_ns,p90_ns,p99_ns,p999_ns,"    \
	"max_ns,mean_ns,msgs_per_s,mb_per_s,cpu_ns_per_msg,ctxsw_per_msg"
#define CSV_HEADER                                                             \
	CSV_CONTRACT_HEADER ",gap_ns,rounds,p50_min_ns,p50_max_ns,"            \
			    "msgs_per_s_min,msgs_per_s_max"

/* The table for a terminal: results grouped by pattern, placement, size
 * and gap, each group ranked (latency by p50, throughput by messages/s),
 * skipped and failed ones last in their group with the reason; below it,
 * where the round trips jumped with the gap (m->idle.jumps).  With
 * --rounds, a spread column (the rounds' lowest to highest p50, or
 * messages/s), a '~' on each row whose rounds disagree by more than
 * ENGINE_SPREAD_FLAG, and, once at the end, what that means and its
 * likely cause (load, frequency scaling or an idle state, as m tells). */
void output_table(FILE *f, const struct run_result *r, size_t n,
		  const struct meta *m);

/* CSV_HEADER, then one row a result; a skipped or failed one has its
 * measured columns empty. */
void output_csv(FILE *f, const struct run_result *r, size_t n);

/* {"meta": {...}, "results": [...]}, as the contract gives it, with five
 * more keys a result: "wait" ("block", "spin"), "error" (null or what
 * failed), "gap_ns", "rounds" and "spread" (null, or the rounds' lowest
 * and highest: {"p50_min_ns", "p50_max_ns"} for latency,
 * {"msgs_per_s_min", "msgs_per_s_max"} for throughput). */
void output_json(FILE *f, const struct run_result *r, size_t n,
		 const struct meta *m);

/* The latency CDFs, for the plots: "mech,size,cpus,fraction,ns,gap_ns"
 * rows. */
void output_cdf(FILE *f, const struct run_result *r, size_t n);

/* gnuplot variables for bench/plots.gp: the kernel thresholds and the
 * placement and size the plots single out. */
void output_gnuplot_vars(FILE *f, const struct meta *m, struct placement sweep,
			 size_t small);

/* 64 -> "64 B", 4096 -> "4 KiB", 1536 -> "1536 B", into buf. */
void format_size(size_t size, char *buf, size_t len);

/* ns as "812 ns", "5.12 us", "1.23 ms" into buf. */
void format_ns(double ns, char *buf, size_t len);

#endif
