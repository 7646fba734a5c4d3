/* stats.h - summaries of round-trip samples: percentiles and a CDF.
 *
 * Percentiles use the nearest-rank method: the p-th percentile of n sorted
 * samples is the smallest sample with at least p% of the samples at or
 * below it, the one at rank ceil(p/100 * n).  It is always a time that
 * was measured (no interpolation between two), p0 is the minimum and p100
 * the maximum.
 */
#ifndef IPCLAB_STATS_H
#define IPCLAB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The summary of one latency measurement, in nanoseconds. */
struct rtt_stats {
	uint64_t min, p50, p90, p99, p999, max;
	double mean;
};

/* One point of a latency CDF: the fraction of round trips that took at
 * most ns nanoseconds. */
struct cdf_point {
	double frac;
	uint64_t ns;
};

/* Sort n samples in place, smallest first. */
void stats_sort(uint64_t *samples, size_t n);

/* The p-th percentile (0 <= p <= 100) of n > 0 sorted samples, by nearest
 * rank; 0 when n is 0. */
uint64_t stats_percentile(const uint64_t *sorted, size_t n, double p);

/* Sort n samples in place and summarise them into *s (all zero when n is
 * 0). */
void stats_summarise(uint64_t *samples, size_t n, struct rtt_stats *s);

/* Fill out[0..points-1] (points > 24) with the CDF of n sorted samples,
 * by fraction: points - 24 evenly spaced fractions from 0 to 1, and 24
 * more towards the tail (0.99, 0.993, ...), where the plots need them.
 * Returns points. */
size_t stats_cdf(const uint64_t *sorted, size_t n, struct cdf_point *out,
		 size_t points);

#endif
