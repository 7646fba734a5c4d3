/* plan.h - what one ipcbench run measures, and in which order: the
 * options (as cli.h parses them) made into a list of measurements for the
 * engine.
 */
#ifndef IPCLAB_PLAN_H
#define IPCLAB_PLAN_H

#include <stddef.h>

#include "cli.h"
#include "engine.h"
#include "transport.h"

#define PLAN_ROUNDS_MAX 100 /* --rounds */

/* What to measure, as the options say. */
struct plan_opts {
	const struct transport *mechs[CLI_MECHS_MAX];
	size_t nmechs;
	int latency, throughput;     /* which patterns */
	size_t sizes[CLI_SIZES_MAX]; /* ascending, as cli_sizes() leaves them */
	size_t nsizes;
	unsigned long count, warmup; /* or ENGINE_AUTO */
	struct placement cpus[PLACEMENTS_MAX];
	size_t ncpus;
	int default_cpus; /* no --cpus given: cpus[1..] measure less */
	unsigned long long gaps[CLI_GAPS_MAX]; /* ascending; none: {0} */
	size_t ngaps;			       /* 0 means one gap of 0 */
	const char *name;		       /* -N, or NULL */
	unsigned timeout_s;		       /* 0: the engine's default */
	unsigned rounds;		       /* --rounds; 0 means 1 */
	int remote; /* --connect: the server is elsewhere (remote.h) */
};

/* The measurements o asks for, in the order they are made and shown:
 * for each placement, latency then throughput; in each, first every
 * transport whose largest message is below the smallest size (once, at
 * that largest size: a notification), then every size for every
 * transport (a size above a transport's largest is planned, and skipped
 * by the engine with the reason).  With default_cpus, the placements
 * after the first measure latency at the smallest size only.  Each
 * latency measurement is made once for each gap, in ascending order, one
 * after the other; throughput once, without a gap.  With rounds N > 1,
 * that whole list is made N times over, round after round (run i of
 * round k at k * *n / N + i, its .round k), so that a measurement's
 * rounds are spread across the run, each with the others between, and
 * not made back to back; with an automatic count, each round aims at
 * 1/N of the engine's target (at least 50 ms), so that N rounds take
 * about as long as one.  Returns a calloc'ed array of *n runs, or
 * NULL. */
struct run_spec *plan_runs(const struct plan_opts *o, size_t *n);

#endif
