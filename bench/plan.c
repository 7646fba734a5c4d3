/* plan.c - the measurements of one run: see plan.h. */
#include <stdlib.h>

#include "plan.h"

struct run_spec *
plan_runs(const struct plan_opts *o, size_t *n)
{
	size_t cap = o->ncpus * 2 * o->nmechs * (o->nsizes + 1), k = 0;
	struct run_spec *runs = calloc(cap ? cap : 1, sizeof(*runs));
	static const enum pattern pats[] = {PAT_LATENCY, PAT_THROUGHPUT};

	if (runs == NULL)
		return NULL;
	for (size_t c = 0; c < o->ncpus; c++) {
		for (size_t p = 0; p < 2; p++) {
			int want = pats[p] == PAT_LATENCY ? o->latency
							  : o->throughput;
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
			};

			if (!want || (less && pats[p] != PAT_LATENCY))
				continue;
			/* Transports that carry less than the smallest size,
			 * once at their own largest. */
			for (size_t m = 0; m < o->nmechs; m++) {
				char why[200];
				size_t max =
					o->mechs[m]->max_size(why, sizeof(why));

				if (max < o->sizes[0]) {
					runs[k] = base;
					runs[k].t = o->mechs[m];
					runs[k++].size = max;
				}
			}
			for (size_t s = 0; s < (less ? 1 : o->nsizes); s++)
				for (size_t m = 0; m < o->nmechs; m++) {
					runs[k] = base;
					runs[k].t = o->mechs[m];
					runs[k++].size = o->sizes[s];
				}
		}
	}
	*n = k;
	return runs;
}
