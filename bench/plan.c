/* plan.c - the measurements of one run: see plan.h. */
#include <stdlib.h>

#include "plan.h"

#define ROUND_TARGET_MIN_MS 50 /* --rounds: the least a round aims at */

/* The runs of one pattern, placement and gap (base) into runs from k;
 * returns the next k. */
static size_t
plan_one(const struct plan_opts *o, const struct run_spec *base, int less,
	 struct run_spec *runs, size_t k)
{
	/* Transports that carry less than the smallest size, once at their
	 * own largest. */
	for (size_t m = 0; m < o->nmechs; m++) {
		char why[200];
		size_t max = o->mechs[m]->max_size(why, sizeof(why));

		if (max < o->sizes[0]) {
			runs[k] = *base;
			runs[k].t = o->mechs[m];
			runs[k++].size = max;
		}
	}
	for (size_t s = 0; s < (less ? 1 : o->nsizes); s++)
		for (size_t m = 0; m < o->nmechs; m++) {
			runs[k] = *base;
			runs[k].t = o->mechs[m];
			runs[k++].size = o->sizes[s];
		}
	return k;
}

struct run_spec *
plan_runs(const struct plan_opts *o, size_t *n)
{
	size_t ngaps = o->ngaps > 0 ? o->ngaps : 1;
	size_t rounds = o->rounds > 1 ? o->rounds : 1;
	size_t cap = o->ncpus * (1 + ngaps) * o->nmechs * (o->nsizes + 1) *
		     rounds,
	       k = 0, one;
	unsigned target = ENGINE_TARGET_MS / (unsigned)rounds;
	struct run_spec *runs = calloc(cap ? cap : 1, sizeof(*runs));
	static const enum pattern pats[] = {PAT_LATENCY, PAT_THROUGHPUT};

	if (runs == NULL)
		return NULL;
	if (target < ROUND_TARGET_MIN_MS)
		target = ROUND_TARGET_MIN_MS;
	for (size_t c = 0; c < o->ncpus; c++) {
		for (size_t p = 0; p < 2; p++) {
			int lat = pats[p] == PAT_LATENCY;
			int want = lat ? o->latency : o->throughput;
			/* The default's extra placements: latency at the
			 * smallest size only. */
			int less = o->default_cpus && c > 0;
			struct run_spec base = {
				.pattern = pats[p],
				.count = o->count,
				.warmup = o->warmup,
				.cpus = o->cpus[c],
				.name = o->name,
				.timeout_s = o->timeout_s,
				.target_ms = rounds > 1 ? target : 0,
				.remote = o->remote,
			};

			if (!want || (less && !lat))
				continue;
			/* A gap is a pause between round trips: throughput,
			 * a stream, is measured once without one. */
			for (size_t g = 0; g < (lat ? ngaps : 1); g++) {
				base.gap_ns = lat && o->ngaps ? o->gaps[g] : 0;
				k = plan_one(o, &base, less, runs, k);
			}
		}
	}
	/* The rounds after the first: the same list again. */
	one = k;
	for (size_t r = 1; r < rounds; r++)
		for (size_t i = 0; i < one; i++) {
			runs[k] = runs[i];
			runs[k++].round = (unsigned)r;
		}
	*n = k;
	return runs;
}
