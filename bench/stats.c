/* stats.c - percentiles of samples: see stats.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void
stats_sort(uint64_t *samples, size_t n)
{
	qsort(samples, n, sizeof(*samples), cmp_u64);
}

uint64_t
stats_percentile(const uint64_t *sorted, size_t n, double p)
{
	double rank;
	size_t r;

	if (n == 0)
		return 0;
	if (p <= 0)
		return sorted[0];
	/* The rank ceil(p/100 * n), trimmed by a rounding error's worth so
	 * that 99.9% of 1000 is rank 999 and not 999.0000000000001 -> 1000. */
	rank = p / 100.0 * (double)n;
	r = (size_t)ceil(rank * (1 - 1e-12));
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return sorted[r - 1];
}

void
stats_summarise(uint64_t *samples, size_t n, struct rtt_stats *s)
{
	long double sum = 0;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return;
	stats_sort(samples, n);
	for (size_t i = 0; i < n; i++)
		sum += samples[i];
	s->min = samples[0];
	s->p50 = stats_percentile(samples, n, 50);
	s->p90 = stats_percentile(samples, n, 90);
	s->p99 = stats_percentile(samples, n, 99);
	s->p999 = stats_percentile(samples, n, 99.9);
	s->max = samples[n - 1];
	s->mean = (double)(sum / n);
}

size_t
stats_cdf(const uint64_t *sorted, size_t n, struct cdf_point *out,
	  size_t points)
{
	size_t k = 0, even = points - 24;

	for (size_t i = 0; i <= even; i++) {
		double f = (double)i / (double)even;

		out[k++] = (struct cdf_point){f, stats_percentile(sorted, n, 100 * f)};
	}
	for (double tail = 0.01; k < points; tail *= 0.7) {
		double f = 1 - tail;

		out[k++] = (struct cdf_point){f, stats_percentile(sorted, n, 100 * f)};
	}
	/* Sorted by fraction: the tail points go between the last evenly
	 * spaced ones; a simple insertion sort keeps it readable. */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && out[j - 1].frac > out[j].frac; j--) {
			struct cdf_point t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return k;
}
