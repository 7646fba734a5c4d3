/* engine.h - run one measurement of one transport.
 *
 * engine_run() is the whole protocol, the same for every transport:
 *   1. the coordinator (the calling process) calls the transport's setup()
 *      and maps a shared area for the samples and the two sides' reports;
 *   2. it forks a server and a client, and through one start pipe each
 *      tells each child its peer's pid: both start together;
 *   3. each child pins itself (sched_setaffinity), attach()es, and runs
 *      its side: warm-up, then the timed loop, then detach();
 *   4. the coordinator waits for both; if one fails it kills the other,
 *      and a run past its time limit is killed and reported as an error;
 *   5. teardown() always runs; the coordinator computes the statistics.
 *
 * Latency is a ping-pong of size-byte messages, full payload both ways:
 * the client fills message 2k (payload.h) and sends it, the server
 * verifies it and answers with message 2k+1, which the client verifies.
 * The client reads CLOCK_MONOTONIC (vDSO, no system call) before its send
 * and after verifying the answer; each round trip is one sample, stored
 * in a preallocated array.  Throughput is a stream of count verified
 * messages, closed by the server's acknowledgement (one more message);
 * the client times from its first send to the verified acknowledgement.
 * With a gap (--gap), the client sleeps that long before each latency
 * round trip (clock_nanosleep, CLOCK_MONOTONIC), warm-up included, and
 * reads the clock after it wakes: the sleep is not in the sample.  The
 * server waits in its recv() as always, so the round trip pays for waking
 * whatever went idle meanwhile.
 * Each side reads getrusage(RUSAGE_SELF) just before and after its timed
 * loop; CPU time and context switches of both sides are added and divided
 * by count, the round trips (latency) or messages (throughput).
 */
#ifndef IPCLAB_ENGINE_H
#define IPCLAB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "transport.h"

enum pattern {
	PAT_LATENCY,
	PAT_THROUGHPUT,
};

/* Where the two processes run: client on cpu a, server on cpu b, or
 * anywhere the kernel likes (a == b == -1). */
struct placement {
	int a, b;
};

#define PLACEMENT_ANY  ((struct placement){-1, -1})
#define PLACEMENTS_MAX 8 /* placements one run may measure */

#define ENGINE_AUTO	   (~0UL)    /* count or warmup: chosen per run */
#define ENGINE_SAMPLES_MAX 1000000UL /* latency samples in one run */
#define ENGINE_COUNT_MAX   100000000UL
#define ENGINE_WARM_MS	   100	/* auto warm-up stops after this long */
#define ENGINE_TARGET_MS   250	/* auto count: about this long a run */
#define ENGINE_TIMEOUT_S   30	/* default limit of one run */
#define ENGINE_GAP_MIN_MS  2000 /* with a gap: the least count's gaps */
#define ENGINE_CDF_POINTS  128	/* points kept of a latency CDF */
#define ENGINE_NOTE_MAX	   240

/* One measurement to make. */
struct run_spec {
	const struct transport *t;
	enum pattern pattern;
	size_t size;	       /* bytes per message, <= the transport's max */
	unsigned long count;   /* round trips or messages; ENGINE_AUTO */
	unsigned long warmup;  /* untimed ones before; ENGINE_AUTO */
	struct placement cpus; /* where client and server run */
	const char *name;      /* short object name; NULL: names_unique() */
	unsigned timeout_s;    /* the run's limit; 0: ENGINE_TIMEOUT_S */
	unsigned target_ms;    /* auto count aims at this; 0: the default */
	uint64_t gap_ns;       /* latency: client sleeps this before each */
	unsigned round;	       /* --rounds: which round, from 0 */
	int remote;	       /* the server runs elsewhere (remote.h): fork
				* the client only */
};

enum run_status {
	RUN_OK,
	RUN_SKIPPED, /* the transport cannot carry this size: note says why */
	RUN_FAILED,  /* note holds the error */
};

/* What one measurement found. */
struct run_result {
	const struct transport *t;
	enum pattern pattern;
	size_t size;
	struct placement cpus;
	uint64_t gap_ns; /* the spec's */
	enum run_status status;
	char note[ENGINE_NOTE_MAX];  /* why skipped, or what failed */
	unsigned long count;	     /* round trips or messages timed */
	struct rtt_stats rtt;	     /* latency only */
	double msgs_per_s, mb_per_s; /* throughput only; MB = 10^6 bytes */
	double cpu_ns_per_msg;	     /* user + system, both sides */
	double ctxsw_per_msg;	     /* voluntary + involuntary, both */
	double elapsed_s;	     /* the timed loop, client's clock */
	struct cdf_point cdf[ENGINE_CDF_POINTS]; /* latency only */
	size_t cdf_len;
	/* --rounds: how many rounds this result stands for (1 without), and
	 * their spread: the lowest and the highest of the rounds' p50s in ns
	 * (latency) or messages/s (throughput).  engine_run() makes one
	 * round (rounds 1, both equal to its own figure);
	 * engine_merge_rounds() the rest. */
	unsigned rounds;
	double spread_min, spread_max;
};

/* Make the measurement spec describes, filling *r.  Returns 0 when the run
 * was made or skipped (r->status), -1 when it failed (r->note says why).
 * Every object the transport made is removed before it returns, and no
 * child is left running.  The caller ignores SIGPIPE, so that a write to a
 * peer that is gone fails with EPIPE. */
int engine_run(const struct run_spec *spec, struct run_result *r);

/* Merge the n results of one measurement's rounds (r[0..n-1], the same
 * transport, pattern, size, placement and gap) into *out: the round
 * whose p50 (latency) or messages/s (throughput) is the median of the
 * rounds' (for an even n, the lower of the two middle ones: a figure that
 * was measured, as the percentiles are), with rounds = n and the spread
 * of the n.  A failed round fails the whole (its note says which round);
 * skipped rounds are skipped alike.  n > 0. */
void engine_merge_rounds(const struct run_result *const *r, size_t n,
			 struct run_result *out);

/* How far the rounds of r disagree: (spread_max - spread_min) over the
 * median figure, 0.10 for 10%; 0 for one round or a result not
 * measured. */
double engine_spread(const struct run_result *r);

#define ENGINE_SPREAD_FLAG 0.10 /* the table flags rounds that disagree more */

/* "latency" or "throughput". */
const char *pattern_name(enum pattern p);

/* "0,1", "0,0" or "any" into buf. */
void placement_format(struct placement p, char *buf, size_t len);

/* "block" or "spin". */
const char *wait_name(enum wait_kind w);

#endif
