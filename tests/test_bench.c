/* test_bench.c - ipcbench: its statistics, its option lists, its output
 * formats, the engine's error paths, and that it leaves nothing behind.
 *
 *   make build/bin/test_bench && build/bin/test_bench
 *
 * No test asserts a timing: performance figures belong to make bench.
 * The engine tests drive engine_run() in this process with test
 * transports that wrap the pipe and misbehave on purpose.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "clock.h"
#include "engine.h"
#include "harness.h"
#include "idle.h"
#include "meta.h"
#include "names.h"
#include "output.h"
#include "plan.h"
#include "stats.h"
#include "transport.h"

#define RUN_MS 60000 /* no ipcbench run here should come near this */

extern const struct transport pipe_transport;

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* --- percentiles ---------------------------------------------------- */

static uint64_t
pct(const uint64_t *sorted, size_t n, double p)
{
	return stats_percentile(sorted, n, p);
}

static void
percentiles_of_one_to_ten_are_nearest_ranks(void **state)
{
	uint64_t a[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

	(void)state;
	assert_int_equal(pct(a, 10, 0), 1);
	assert_int_equal(pct(a, 10, 10), 1);
	assert_int_equal(pct(a, 10, 11), 2);
	assert_int_equal(pct(a, 10, 50), 5); /* rank ceil(5) = 5 */
	assert_int_equal(pct(a, 10, 90), 9);
	assert_int_equal(pct(a, 10, 99), 10);
	assert_int_equal(pct(a, 10, 100), 10);
}

static void
percentile_ranks_are_exact_at_round_fractions(void **state)
{
	static uint64_t a[1000];

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		a[i] = i + 1;
	assert_int_equal(pct(a, 1000, 99.9), 999); /* not 1000 */
	assert_int_equal(pct(a, 1000, 99), 990);
	assert_int_equal(pct(a, 1000, 90), 900);
	assert_int_equal(pct(a, 1000, 50), 500);
}

static void
percentiles_with_ties_and_unsorted_input(void **state)
{
	uint64_t a[] = {3, 1, 3, 3, 2};
	struct rtt_stats s;

	(void)state;
	stats_summarise(a, 5, &s); /* sorts a: 1 2 3 3 3 */
	assert_int_equal(a[0], 1);
	assert_int_equal(a[4], 3);
	assert_int_equal(pct(a, 5, 20), 1);
	assert_int_equal(pct(a, 5, 40), 2);
	assert_int_equal(pct(a, 5, 41), 3);
	assert_int_equal(s.min, 1);
	assert_int_equal(s.p50, 3);
	assert_int_equal(s.p90, 3);
	assert_int_equal(s.max, 3);
	assert_true(s.mean > 2.39 && s.mean < 2.41);
}

static void
percentiles_of_one_and_two_samples(void **state)
{
	uint64_t one[] = {42}, two[] = {20, 10};
	struct rtt_stats s;

	(void)state;
	stats_summarise(one, 1, &s);
	assert_int_equal(s.min, 42);
	assert_int_equal(s.p50, 42);
	assert_int_equal(s.p999, 42);
	assert_int_equal(s.max, 42);
	assert_true(s.mean == 42.0);
	stats_summarise(two, 2, &s);
	assert_int_equal(s.min, 10);
	assert_int_equal(s.p50, 10); /* rank ceil(1.0) = 1 */
	assert_int_equal(pct(two, 2, 51), 20);
	assert_int_equal(s.p90, 20);
	assert_int_equal(s.max, 20);
	assert_true(s.mean == 15.0);
	stats_summarise(NULL, 0, &s); /* no samples: all zero */
	assert_int_equal(s.max, 0);
}

/* The CDF: as many points as asked, in order of fraction, from the
 * minimum (fraction 0) to the maximum (fraction 1) with the tail between. */
static void
cdf_runs_from_min_to_max_in_order(void **state)
{
	uint64_t s[1000];
	struct cdf_point c[64];
	size_t n;

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		s[i] = i + 1;
	n = stats_cdf(s, 1000, c, 64);
	assert_int_equal(n, 64);
	assert_true(c[0].frac == 0.0);
	assert_int_equal(c[0].ns, 1);
	assert_true(c[n - 1].frac == 1.0);
	assert_int_equal(c[n - 1].ns, 1000);
	for (size_t i = 1; i < n; i++) {
		assert_true(c[i - 1].frac <= c[i].frac);
		assert_true(c[i - 1].ns <= c[i].ns);
	}
	assert_true(c[n - 2].frac > 0.99); /* the tail is there */
}

/* --- option lists --------------------------------------------------- */

static void
sizes_parse_sort_and_drop_repeats(void **state)
{
	size_t out[CLI_SIZES_MAX];
	char err[256];

	(void)state;
	assert_int_equal(
		cli_sizes("64,4K,64K,1M", out, CLI_SIZES_MAX, err, sizeof(err)),
		4);
	assert_int_equal(out[0], 64);
	assert_int_equal(out[1], 4096);
	assert_int_equal(out[2], 65536);
	assert_int_equal(out[3], 1048576);
	assert_int_equal(cli_sizes("1M,64,64,1,4KiB", out, CLI_SIZES_MAX, err,
				   sizeof(err)),
			 4);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 64);
	assert_int_equal(out[2], 4096);
	assert_int_equal(out[3], 1048576);
}

static void
bad_sizes_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {"",	 "64,",	 ",64",	 "12Q", "-1",
					  "65M", "4K,x", "1.5K", "0",	"64,0"};
	size_t out[CLI_SIZES_MAX];
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (cli_sizes(bad[i], out, CLI_SIZES_MAX, err, sizeof(err)) !=
		    -1)
			fail_msg("size list \"%s\" accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(cli_sizes("1,2,3", out, 2, err, sizeof(err)), -1);
}

static void
placements_parse_and_refuse(void **state)
{
	static const char *const bad[] = {"",	   "0",	  "0,",	 ",1",
					  "0,1,1", "a,b", "0;1", "-1,0"};
	struct placement p;
	char err[256];

	(void)state;
	assert_int_equal(cli_placement("any", &p, err, sizeof(err)), 0);
	assert_int_equal(p.a, -1);
	assert_int_equal(cli_placement("0,0", &p, err, sizeof(err)), 0);
	assert_int_equal(p.a, 0);
	assert_int_equal(p.b, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cli_placement(bad[i], &p, err, sizeof(err)) != -1)
			fail_msg("placement \"%s\" accepted", bad[i]);
	err[0] = '\0';
	assert_int_equal(cli_placement("0,1023", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CPU 1023"));
	assert_non_null(strstr(err, "may run on"));
}

static void
mech_lists_find_transports(void **state)
{
	const struct transport *out[64];
	char err[256];

	(void)state;
	assert_int_equal(cli_mechs("pipe", out, 64, err, sizeof(err)), 1);
	assert_ptr_equal(out[0], &pipe_transport);
	assert_int_equal(cli_mechs("pipe,pipe", out, 64, err, sizeof(err)), 1);
	assert_int_equal(cli_mechs("all", out, 64, err, sizeof(err)),
			 (int)transports_count);
	assert_int_equal(cli_mechs("pipe,nosuch", out, 64, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "\"nosuch\""));
	assert_int_equal(cli_mechs("pipe,", out, 64, err, sizeof(err)), -1);
}

static void
gaps_parse_with_their_units(void **state)
{
	unsigned long long out[CLI_GAPS_MAX], ns;
	char err[256];

	(void)state;
	assert_int_equal(cli_gaps("0,10us,100us,1ms", out, CLI_GAPS_MAX, err,
				  sizeof(err)),
			 4);
	assert_true(out[0] == 0 && out[1] == 10000 && out[2] == 100000 &&
		    out[3] == 1000000);
	/* sorted, repeats dropped, every unit */
	assert_int_equal(cli_gaps("1s,500ns,3ms,0ns,1000ms,0", out,
				  CLI_GAPS_MAX, err, sizeof(err)),
			 4);
	assert_true(out[0] == 0 && out[1] == 500 && out[2] == 3000000 &&
		    out[3] == 1000000000ULL);
	assert_int_equal(cli_duration("1000000000ns", &ns), 0);
	assert_true(ns == 1000000000ULL);
	assert_int_equal(cli_duration("1000000us", &ns), 0);
	assert_true(ns == 1000000000ULL);
}

static void
bad_gaps_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {"",	    "10",
					  "5m",	    "1.5ms",
					  "-1us",   "2s",
					  "1001ms", "1us,",
					  ",1us",   "1 us",
					  "us",	    "1uS",
					  "0x10us", "99999999999999999999ns"};
	unsigned long long out[CLI_GAPS_MAX];
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (cli_gaps(bad[i], out, CLI_GAPS_MAX, err, sizeof(err)) != -1)
			fail_msg("gap list \"%s\" accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(cli_gaps("1us,2us,3us", out, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 2 gaps"));
}

/* --- the plan --------------------------------------------------------- */

static size_t
max_none(char *why, size_t len)
{
	snprintf(why, len, "a semaphore is only a count");
	return 0;
}

static size_t
max_four(char *why, size_t len)
{
	snprintf(why, len, "sigqueue carries one int");
	return 4;
}

static struct transport note0, note4; /* pipe, with small limits */

static void
make_notes(void)
{
	note0 = pipe_transport;
	note0.name = "note0";
	note0.max_size = max_none;
	note4 = pipe_transport;
	note4.name = "note4";
	note4.max_size = max_four;
}

static struct plan_opts
three_transports(void)
{
	struct plan_opts o = {.mechs = {&pipe_transport, &note0, &note4},
			      .nmechs = 3,
			      .latency = 1,
			      .throughput = 1,
			      .sizes = {64, 4096},
			      .nsizes = 2,
			      .count = ENGINE_AUTO,
			      .warmup = ENGINE_AUTO,
			      .cpus = {{0, 1}, {0, 0}, {-1, -1}},
			      .ncpus = 3};

	make_notes();
	return o;
}

static void
expect_run(const struct run_spec *r, const struct transport *t, enum pattern p,
	   size_t size, int cpu_a)
{
	assert_ptr_equal(r->t, t);
	assert_int_equal(r->pattern, p);
	assert_int_equal(r->size, size);
	assert_int_equal(r->cpus.a, cpu_a);
}

static void
plan_measures_notifications_at_their_own_size(void **state)
{
	struct plan_opts o = three_transports();
	struct run_spec *r;
	size_t n;

	(void)state;
	o.default_cpus = 1;
	r = plan_runs(&o, &n);
	assert_non_null(r);
	/* first placement: 2 notifications + 2 sizes x 3, both patterns;
	 * then latency at 64 B only, on each of the other two */
	assert_int_equal(n, 2 * 8 + 2 * 5);
	expect_run(&r[0], &note0, PAT_LATENCY, 0, 0);
	expect_run(&r[1], &note4, PAT_LATENCY, 4, 0);
	expect_run(&r[2], &pipe_transport, PAT_LATENCY, 64, 0);
	expect_run(&r[3], &note0, PAT_LATENCY, 64, 0); /* to be skipped */
	expect_run(&r[7], &note4, PAT_LATENCY, 4096, 0);
	expect_run(&r[8], &note0, PAT_THROUGHPUT, 0, 0);
	expect_run(&r[16], &note0, PAT_LATENCY, 0, 0);
	assert_int_equal(r[16].cpus.b, 0);
	expect_run(&r[20], &note4, PAT_LATENCY, 64, 0);
	expect_run(&r[21], &note0, PAT_LATENCY, 0, -1);
	expect_run(&r[25], &note4, PAT_LATENCY, 64, -1);
	free(r);
	o.default_cpus = 0; /* --cpus given: everything everywhere */
	r = plan_runs(&o, &n);
	assert_int_equal(n, 3 * 16);
	free(r);
	o.latency = 0;
	o.ncpus = 1;
	r = plan_runs(&o, &n);
	assert_int_equal(n, 8);
	assert_int_equal(r[0].pattern, PAT_THROUGHPUT);
	free(r);
}

static void
plan_measures_latency_at_every_gap_and_throughput_once(void **state)
{
	struct plan_opts o = three_transports();
	struct run_spec *r;
	size_t n, lat = 0;

	(void)state;
	o.mechs[1] = &pipe_transport; /* no notifications: 1 run a size */
	o.nmechs = 1;
	o.ncpus = 1;
	o.gaps[0] = 0;
	o.gaps[1] = 10000;
	o.gaps[2] = 1000000;
	o.ngaps = 3;
	r = plan_runs(&o, &n);
	assert_non_null(r);
	assert_int_equal(n, 3 * 2 + 2); /* 3 gaps x 2 sizes, then 2 */
	for (size_t i = 0; i < n; i++) {
		if (r[i].pattern == PAT_LATENCY) {
			assert_true(r[i].gap_ns == o.gaps[lat / 2]);
			lat++;
		} else {
			assert_true(r[i].gap_ns == 0);
		}
	}
	assert_int_equal(lat, 6);
	free(r);
}

static void
plan_makes_each_round_after_the_last(void **state)
{
	struct plan_opts o = three_transports();
	struct run_spec *r, *one;
	size_t n, n1;

	(void)state;
	o.ncpus = 1;
	one = plan_runs(&o, &n1);
	assert_non_null(one);
	o.rounds = 3;
	r = plan_runs(&o, &n);
	assert_non_null(r);
	assert_int_equal(n, 3 * n1);
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < n1; i++) {
			const struct run_spec *x = &r[k * n1 + i];

			expect_run(x, one[i].t, one[i].pattern, one[i].size,
				   one[i].cpus.a);
			assert_int_equal(x->round, k);
			/* an automatic count: a third of the target each */
			assert_int_equal(x->target_ms, ENGINE_TARGET_MS / 3);
			assert_int_equal(one[i].target_ms, 0);
		}
	free(r);
	o.rounds = 100; /* never below the least a round aims at */
	r = plan_runs(&o, &n);
	assert_int_equal(n, 100 * n1);
	assert_true(r[0].target_ms >= 50);
	free(r);
	free(one);
}

/* A round of pipe latency at 64 B with p50 p, or a throughput of p. */
static struct run_result
round_of(enum pattern pat, double p)
{
	struct run_result r = {.t = &pipe_transport,
			       .pattern = pat,
			       .size = 64,
			       .status = RUN_OK,
			       .rounds = 1};

	if (pat == PAT_LATENCY)
		r.rtt.p50 = (uint64_t)p;
	else
		r.msgs_per_s = p;
	r.count = (unsigned long)p; /* which round stood: see count */
	r.spread_min = r.spread_max = p;
	return r;
}

static void
rounds_merge_to_the_median_round(void **state)
{
	struct run_result a[4], out;
	const struct run_result *p[4] = {&a[0], &a[1], &a[2], &a[3]};

	(void)state;
	a[0] = round_of(PAT_LATENCY, 1200);
	a[1] = round_of(PAT_LATENCY, 1000);
	a[2] = round_of(PAT_LATENCY, 1100);
	engine_merge_rounds(p, 3, &out);
	assert_int_equal(out.rounds, 3);
	assert_int_equal(out.rtt.p50, 1100); /* the median round, whole */
	assert_int_equal(out.count, 1100);
	assert_true(out.spread_min == 1000 && out.spread_max == 1200);
	/* (1200 - 1000) / 1100: flagged */
	assert_true(engine_spread(&out) > ENGINE_SPREAD_FLAG);
	assert_true(engine_spread(&out) - 200.0 / 1100 < 1e-9 &&
		    200.0 / 1100 - engine_spread(&out) < 1e-9);
	/* even: the lower middle one, a figure that was measured */
	a[3] = round_of(PAT_LATENCY, 1050);
	engine_merge_rounds(p, 4, &out);
	assert_int_equal(out.rtt.p50, 1050);
	assert_int_equal(out.rounds, 4);
	/* close rounds are not flagged; one round has no spread */
	a[0] = round_of(PAT_THROUGHPUT, 1e6);
	a[1] = round_of(PAT_THROUGHPUT, 1.05e6);
	a[2] = round_of(PAT_THROUGHPUT, 0.98e6);
	engine_merge_rounds(p, 3, &out);
	assert_true(out.msgs_per_s == 1e6);
	assert_true(out.spread_min == 0.98e6 && out.spread_max == 1.05e6);
	assert_true(engine_spread(&out) < ENGINE_SPREAD_FLAG);
	engine_merge_rounds(p, 1, &out);
	assert_int_equal(out.rounds, 1);
	assert_true(engine_spread(&out) == 0);
	/* a failed round fails the measurement, and says which */
	a[1].status = RUN_FAILED;
	snprintf(a[1].note, sizeof(a[1].note), "client: recv: EPIPE");
	engine_merge_rounds(p, 3, &out);
	assert_int_equal(out.status, RUN_FAILED);
	assert_string_equal(out.note, "round 2 of 3: client: recv: EPIPE");
	assert_true(engine_spread(&out) == 0);
}

/* A latency result of transport t at gap g with the given p50. */
static struct run_result
at_gap(const struct transport *t, uint64_t g, uint64_t p50)
{
	return (struct run_result){.t = t,
				   .pattern = PAT_LATENCY,
				   .size = 64,
				   .cpus = {0, 1},
				   .gap_ns = g,
				   .status = RUN_OK,
				   .rtt = {.p50 = p50}};
}

static void
the_jump_is_where_the_blocking_median_doubles(void **state)
{
	static struct transport spin;
	static struct run_result r[12];
	struct idle_jump j[4];

	(void)state;
	spin = pipe_transport;
	spin.wait = WAIT_SPIN;
	make_notes(); /* note0, note4: two more blocking transports */
	/* medians of the three blocking ones: 20, 30 (1.5x: not yet),
	 * 45 (2.25x: the jump), 90; the spinner stays low and does not
	 * count, nor does a failed row */
	r[0] = at_gap(&pipe_transport, 0, 20);
	r[1] = at_gap(&note0, 0, 19);
	r[2] = at_gap(&note4, 0, 25);
	r[3] = at_gap(&spin, 0, 1);
	r[4] = at_gap(&pipe_transport, 10000, 30);
	r[5] = at_gap(&note0, 10000, 30);
	r[6] = at_gap(&note4, 10000, 30);
	r[7] = at_gap(&pipe_transport, 300000, 45);
	r[8] = at_gap(&note0, 300000, 44);
	r[9] = at_gap(&note4, 300000, 80);
	r[10] = at_gap(&pipe_transport, 1000000, 90);
	r[11] = at_gap(&spin, 1000000, 1);
	r[11].status = RUN_FAILED;
	assert_int_equal(idle_jumps(r, 12, j, 4), 1);
	assert_int_equal(j[0].size, 64);
	assert_int_equal(j[0].ngaps, 4);
	assert_int_equal(j[0].nmechs, 3);
	assert_true(j[0].base_gap_ns == 0 && j[0].base_p50_ns == 20);
	assert_true(j[0].found);
	assert_true(j[0].gap_ns == 300000 && j[0].p50_ns == 45);
	/* without the gaps from 300 us: no jump */
	assert_int_equal(idle_jumps(r, 7, j, 4), 1);
	assert_false(j[0].found);
	/* one gap alone: nothing to compare */
	assert_int_equal(idle_jumps(r, 4, j, 4), 0);
}

static void
sizes_above_the_limit_are_skipped_with_the_reason(void **state)
{
	static struct run_result res;
	struct run_spec spec = {.t = &note0,
				.pattern = PAT_LATENCY,
				.size = 64,
				.count = 10,
				.warmup = 1,
				.cpus = PLACEMENT_ANY,
				.name = name_of(state)};

	make_notes();
	assert_int_equal(engine_run(&spec, &res), 0);
	assert_int_equal(res.status, RUN_SKIPPED);
	assert_non_null(strstr(res.note, "no payload: "));
	assert_non_null(strstr(res.note, "a semaphore is only a count"));
	spec.t = &note4;
	spec.pattern = PAT_THROUGHPUT;
	assert_int_equal(engine_run(&spec, &res), 0);
	assert_int_equal(res.status, RUN_SKIPPED);
	assert_non_null(strstr(res.note, "at most 4 bytes: sigqueue carries "
					 "one int"));
	spec.size = 4; /* its own size: measured */
	assert_int_equal(engine_run(&spec, &res), 0);
	assert_int_equal(res.status, RUN_OK);
	assert_int_equal(res.count, 10);
}

/* --- the program: usage errors --------------------------------------- */

/* ipcbench with args must exit 2 and say want on stderr. */
static void
expect_usage_error(const char *want, const char *a1, const char *a2)
{
	struct proc p;

	assert_int_equal(proc_start(&p, "ipcbench", a1, a2, NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 2);
	if (strstr(p.err, want) == NULL)
		fail_msg("ipcbench %s %s: stderr lacks \"%s\":\n%s", a1, a2,
			 want, p.err);
	assert_non_null(strstr(p.err, "usage: ipcbench"));
	assert_string_equal(p.out, ""); /* nothing measured */
	proc_free(&p);
}

static void
bad_options_exit_2_with_a_clear_message(void **state)
{
	(void)state;
	expect_usage_error("-m nosuch: no transport called \"nosuch\"", "-m",
			   "nosuch");
	expect_usage_error("-s 12Q: \"12Q\" is not a size", "-s", "12Q");
	expect_usage_error("-s 64,: an empty item", "-s", "64,");
	expect_usage_error("--cpus 0,9999: \"0,9999\" is not a placement",
			   "--cpus", "0,9999");
	expect_usage_error("--cpus 0,1023: CPU 1023 is not one this process "
			   "may run on",
			   "--cpus", "0,1023");
	expect_usage_error("--cpus x: \"x\" is not a placement", "--cpus", "x");
	expect_usage_error("-p sideways: say latency, throughput or all", "-p",
			   "sideways");
	expect_usage_error("--format xml: say table, csv or json", "--format",
			   "xml");
	expect_usage_error("-n 0: give a count", "-n", "0");
	expect_usage_error("--gap 10: \"10\" is not a gap", "--gap", "10");
	expect_usage_error("--gap 5m: \"5m\" is not a gap", "--gap", "5m");
	expect_usage_error("--gap 2s: \"2s\" is not a gap from 0 to 1s",
			   "--gap", "2s");
	expect_usage_error("--gap 0,: an empty item", "--gap", "0,");
	expect_usage_error("--rounds 0: give a count from 1 to 100", "--rounds",
			   "0");
	expect_usage_error("--rounds 101: give a count from 1 to 100",
			   "--rounds", "101");
}

/* A gap is a pause between round trips: a stream has none to take. */
static void
a_gap_for_throughput_is_refused(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "ipcbench", "-p", "throughput", "--gap",
				    "1ms", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 2);
	assert_non_null(strstr(p.err, "--gap 1ms: a gap is a pause between "
				      "round trips"));
	assert_string_equal(p.out, "");
	proc_free(&p);
}

static void
help_and_list_exit_0(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "ipcbench", "-h", NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "usage: ipcbench"));
	proc_free(&p);
	assert_int_equal(proc_start(&p, "ipcbench", "--list", NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_int_equal(count_str(p.out, "\n"), (int)transports_count);
	for (size_t i = 0; i < transports_count; i++)
		assert_non_null(strstr(p.out, transports[i]->name));
	proc_free(&p);
}

/* ipcbench with the arguments after want (NULL-terminated) must exit 2
 * and say want on stderr. */
static void
expect_usage_errorv(const char *want, ...)
{
	struct proc p;
	va_list ap;
	int rc;

	va_start(ap, want);
	rc = proc_startv(&p, "ipcbench", ap);
	va_end(ap);
	assert_int_equal(rc, 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 2);
	if (strstr(p.err, want) == NULL)
		fail_msg("stderr lacks \"%s\":\n%s", want, p.err);
	assert_string_equal(p.out, "");
	proc_free(&p);
}

static void
serve_and_connect_are_checked(void **state)
{
	(void)state;
	expect_usage_errorv("--connect 127.0.0.1:9: name the one transport",
			    "--connect", "127.0.0.1:9", NULL);
	expect_usage_errorv("name the one transport", "-m",
			    "socket-tcp,socket-udp", "--connect", "127.0.0.1:9",
			    NULL);
	expect_usage_errorv("name the one transport", "-m", "pipe", "--connect",
			    "127.0.0.1:9", NULL);
	expect_usage_errorv("latency only", "-m", "socket-tcp", "-p",
			    "throughput", "--connect", "127.0.0.1:9", NULL);
	expect_usage_errorv("--connect nohost: is not HOST:PORT", "-m",
			    "socket-udp", "--connect", "nohost", NULL);
	expect_usage_errorv("has no port from 1 to 65535", "-m", "socket-udp",
			    "--connect", "127.0.0.1:0", NULL);
	expect_usage_errorv("--serve 70000: has no port", "--serve", "70000",
			    NULL);
	expect_usage_errorv("one host serves, the other connects", "--serve",
			    "0", "--connect", "127.0.0.1:9", NULL);
}

/* --serve on loopback, port 0, and --connect to it: both socket
 * transports measured with the client alone, every round trip verified by
 * the server (5 warm-up, 1 to start, 100 timed: 106 a session), each
 * round a session. */
static void
serve_and_connect_measure_the_same_round_trips(void **state)
{
	static const char *const mechs[] = {"socket-tcp", "socket-udp"};
	struct proc srv, p;
	char addr[64], row[64];

	(void)state;
	assert_int_equal(
		proc_start(&srv, "ipcbench", "--serve", "127.0.0.1:0", NULL),
		0);
	proc_listening_on(&srv, addr, sizeof(addr), RUN_MS);
	for (size_t m = 0; m < 2; m++) {
		assert_int_equal(proc_start(&p, "ipcbench", "-m", mechs[m],
					    "--connect", addr, "-s", "64", "-n",
					    "100", "--warmup", "5", "--rounds",
					    "2", "--format", "csv", "-q", NULL),
				 0);
		assert_int_equal(proc_wait(&p, RUN_MS), 0);
		assert_code(&p, 0);
		assert_memory_equal(p.out, CSV_HEADER "\n",
				    strlen(CSV_HEADER) + 1);
		snprintf(row, sizeof(row), "\n%s,latency,64,100,\"any\",",
			 mechs[m]);
		assert_non_null(strstr(p.out, row));
		assert_int_equal(count_str(p.out, "\n"), 2); /* latency only */
		proc_free(&p);
	}
	kill(srv.pid, SIGTERM);
	assert_int_equal(proc_wait(&srv, RUN_MS), 0);
	assert_int_equal(count_str(srv.out, "socket-tcp, 64 B, 106 round "
					    "trips verified"),
			 2);
	assert_int_equal(count_str(srv.out, "socket-udp, 64 B, 106 round "
					    "trips verified"),
			 2);
	proc_free(&srv);
	/* Nobody there now: the run fails, and says why. */
	assert_int_equal(proc_start(&p, "ipcbench", "-m", "socket-tcp",
				    "--connect", addr, "-s", "64", "-q",
				    "--format", "json", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 1);
	assert_non_null(strstr(p.out, "attach: Connection refused"));
	proc_free(&p);
}

/* This test program's directory: build/bin, where ipcbench is. */
static void
bin_dir(char *dir, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", dir, len - 1);
	char *slash;

	assert_true(n > 0);
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	assert_non_null(slash);
	*slash = '\0';
}

/* As root: the client in one network namespace, the server in another,
 * a veth pair between them (bench/netns-check.sh, which checks what the
 * delay does where the kernel has netem). */
static void
two_hosts_in_network_namespaces(void **state)
{
	char dir[4096], script[4300], out[8192];
	int rc;

	(void)state;
	bin_dir(dir, sizeof(dir));
	snprintf(script, sizeof(script),
		 "sh \"$IPCLAB_TOP/bench/netns-check.sh\" \"%s/ipcbench\"",
		 dir);
	rc = sh_run(".", script, out, sizeof(out));
	if (rc == 77) {
		print_message("%s", out);
		skip();
	}
	if (rc != 0)
		fail_msg("netns-check exited %d:\n%s", rc, out);
	assert_non_null(strstr(out, "socket-tcp  none"));
	assert_non_null(strstr(out, "socket-udp  none"));
	assert_non_null(strstr(out, "netns-check: passed"));
}

/* Whether path exists. */
static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* As root: netns-check.sh interrupted (SIGINT) once its namespaces are up
 * removes them, and the veth pair with them. */
static void
netns_check_removes_its_namespaces_when_interrupted(void **state)
{
	char dir[4096], bench[4200], path[3][80], line[256] = "";
	int out[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: ip netns needs root\n");
		skip();
	}
	if (system("command -v ip >/dev/null 2>&1") != 0) {
		print_message("skipped: no ip(8)\n");
		skip();
	}
	bin_dir(dir, sizeof(dir));
	snprintf(bench, sizeof(bench), "%s/ipcbench", dir);
	assert_int_equal(pipe(out), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		setenv("IPCLAB_NETNS_HOLD", "1", 1);
		signal(SIGINT, SIG_DFL);
		execlp("sh", "sh", "bench/netns-check.sh", bench, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	/* "namespaces up: ..." once they are, or end of file */
	while (got + 1 < sizeof(line) && strstr(line, "\n") == NULL &&
	       (n = read(out[0], line + got, sizeof(line) - 1 - got)) > 0) {
		got += (size_t)n;
		line[got] = '\0';
	}
	close(out[0]);
	snprintf(path[0], sizeof(path[0]), "/run/netns/ipclab-%d-a", (int)pid);
	snprintf(path[1], sizeof(path[1]), "/run/netns/ipclab-%d-b", (int)pid);
	snprintf(path[2], sizeof(path[2]), "/sys/class/net/ipl%da", (int)pid);
	if (strstr(line, "namespaces up") == NULL) {
		kill(pid, SIGKILL);
		wait_child(pid, 10000, &status);
		fail_msg("netns-check.sh said: %s", line);
	}
	assert_true(exists(path[0]) && exists(path[1]));
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(wait_child(pid, 10000, &status), 0);
	for (int i = 0; i < 3; i++)
		if (exists(path[i]))
			fail_msg("%s is still there", path[i]);
}

/* --- the program: output formats ------------------------------------- */

/* Run ipcbench on the pipe, small and quick, in format fmt. */
static void
run_small(struct proc *p, const char *name, const char *fmt)
{
	assert_int_equal(proc_start(p, "ipcbench", "-N", name, "-m", "pipe",
				    "-s", "1,64", "-n", "50", "--warmup", "5",
				    "--cpus", "any", "--format", fmt, "-q",
				    NULL),
			 0);
	assert_int_equal(proc_wait(p, RUN_MS), 0);
	assert_code(p, 0);
}

/* the contract's 16, gap_ns, rounds and the two pairs of spread */
#define CSV_FIELDS 22

/* Split one CSV line (up to its newline) into fields, quotes removed;
 * returns how many (CSV_FIELDS + 1: too many). */
static int
csv_split(const char *line, char f[CSV_FIELDS][32])
{
	int n = 0, quoted = 0;
	size_t k = 0;

	for (; *line != '\n' && *line != '\0'; line++) {
		if (*line == '"') {
			quoted = !quoted;
		} else if (*line == ',' && !quoted) {
			f[n][k] = '\0';
			if (++n == CSV_FIELDS)
				return CSV_FIELDS + 1;
			k = 0;
		} else if (k + 1 < 32) {
			f[n][k++] = *line;
		}
	}
	f[n][k] = '\0';
	return n + 1;
}

/* The contract's header, then the columns added since at its end. */
static const char csv_header[] =
	"mech,pattern,size,count,cpus,min_ns,p50_ns,p90_ns,p99_ns,"
	"p999_ns,max_ns,mean_ns,msgs_per_s,mb_per_s,cpu_ns_per_msg,"
	"ctxsw_per_msg"
	",gap_ns,rounds,p50_min_ns,p50_max_ns,msgs_per_s_min,msgs_per_s_max\n";

static void
csv_header_is_the_contract(void **state)
{
	struct proc p;

	run_small(&p, name_of(state), "csv");
	assert_memory_equal(p.out, csv_header, strlen(csv_header));
	/* latency and throughput at 1 and 64 bytes: four rows */
	assert_int_equal(count_str(p.out, "\n"), 5);
	assert_non_null(strstr(p.out, "\npipe,latency,64,50,\"any\","));
	assert_non_null(strstr(p.out, "\npipe,throughput,1,50,\"any\","));
	/* latency rows leave the throughput columns empty, and the reverse */
	for (const char *line = strchr(p.out, '\n') + 1; *line != '\0';
	     line = strchr(line, '\n') + 1) {
		char f[CSV_FIELDS][32];
		int lat = strncmp(line, "pipe,latency,", 13) == 0;

		assert_int_equal(csv_split(line, f), CSV_FIELDS);
		for (int i = 5; i <= 11; i++) /* min_ns .. mean_ns */
			assert_int_equal(f[i][0] == '\0', !lat);
		for (int i = 12; i <= 13; i++) /* msgs_per_s, mb_per_s */
			assert_int_equal(f[i][0] == '\0', lat);
		assert_true(f[14][0] != '\0' && f[15][0] != '\0');
		assert_string_equal(f[16], "0"); /* no --gap: gap_ns 0 */
		assert_string_equal(f[17], "1"); /* no --rounds: one */
		/* one round: its spread is its own figure, in the
		 * pattern's pair, the other pair empty */
		if (lat) {
			assert_string_equal(f[18], f[6]);
			assert_string_equal(f[19], f[6]);
		} else {
			assert_int_equal(atof(f[20]) == atof(f[12]), 1);
			assert_int_equal(atof(f[21]) == atof(f[12]), 1);
		}
		assert_int_equal(f[18][0] == '\0', !lat);
		assert_int_equal(f[20][0] == '\0', lat);
	}
	proc_free(&p);
}

/* --rounds 3: every row stands for three rounds, its p50 (msgs/s) one of
 * them, between the lowest and the highest; the table shows the spread
 * and says once what it means. */
static void
rounds_report_the_median_and_the_spread(void **state)
{
	struct proc p;
	int rows = 0;

	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-m",
				    "pipe,sem-sysv", "-s", "64", "-n", "50",
				    "--warmup", "5", "--cpus", "any",
				    "--rounds", "3", "--format", "csv", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_memory_equal(p.out, csv_header, strlen(csv_header));
	/* every measurement made three times, one round after another */
	assert_non_null(strstr(p.err, "round 3: "));
	for (const char *line = strchr(p.out, '\n') + 1; *line != '\0';
	     line = strchr(line, '\n') + 1) {
		char f[CSV_FIELDS][32];
		int lat = strstr(line, ",latency,") != NULL;

		assert_int_equal(csv_split(line, f), CSV_FIELDS);
		assert_string_equal(f[17], "3");
		if (f[3][0] == '\0') /* skipped: sem-sysv at 64 B */
			continue;
		rows++;
		if (lat) {
			assert_true(atof(f[18]) <= atof(f[6]));
			assert_true(atof(f[6]) <= atof(f[19]));
		} else {
			assert_true(atof(f[20]) <= atof(f[12]) + 0.05);
			assert_true(atof(f[12]) <= atof(f[21]) + 0.05);
		}
	}
	/* pipe at 64 B, sem-sysv at 0 B, both patterns */
	assert_int_equal(rows, 4);
	proc_free(&p);

	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-m",
				    "pipe", "-s", "64", "-p", "latency", "-n",
				    "50", "--warmup", "5", "--cpus", "any",
				    "--rounds", "2", "-q", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "p50 of 2 rounds, low..high"));
	assert_non_null(strstr(p.out, " us.."));
	assert_non_null(strstr(p.out, "rounds: each row is the median round "
				      "of 2"));
	/* flagged or not, said once: which, the timing decides */
	assert_int_equal(count_str(p.out, "Likely cause: ") +
				 count_str(p.out, "No row's rounds differ"),
			 1);
	proc_free(&p);
}

/* A small JSON checker: parses a whole document, and records the path
 * of every key it meets ("meta.ipc_limits", "results[].rtt_ns.p50"). */
struct json {
	const char *s;
	char paths[200][96];
	int npaths;
};

static int json_value(struct json *j, char *path);

static void
json_space(struct json *j)
{
	while (*j->s == ' ' || *j->s == '\n' || *j->s == '\t' || *j->s == '\r')
		j->s++;
}

static int
json_str(struct json *j, char *out, size_t len)
{
	size_t n = 0;

	if (*j->s++ != '"')
		return -1;
	while (*j->s != '"') {
		if (*j->s == '\0' || (unsigned char)*j->s < 0x20)
			return -1;
		if (*j->s == '\\') {
			j->s++;
			if (strchr("\"\\/bfnrtu", *j->s) == NULL)
				return -1;
		}
		if (out != NULL && n + 1 < len)
			out[n++] = *j->s;
		j->s++;
	}
	j->s++;
	if (out != NULL)
		out[n] = '\0';
	return 0;
}

static void
json_record(struct json *j, const char *path)
{
	for (int i = 0; i < j->npaths; i++)
		if (strcmp(j->paths[i], path) == 0)
			return;
	if (j->npaths < 200)
		snprintf(j->paths[j->npaths++], sizeof(j->paths[0]), "%s",
			 path);
}

static int
json_value(struct json *j, char *path)
{
	size_t at = strlen(path);
	char key[64];

	json_space(j);
	if (*j->s == '{') {
		j->s++;
		json_space(j);
		if (*j->s == '}')
			return j->s++, 0;
		for (;;) {
			json_space(j);
			if (json_str(j, key, sizeof(key)) == -1)
				return -1;
			snprintf(path + at, 200 - at, "%s%s", at ? "." : "",
				 key);
			json_record(j, path);
			json_space(j);
			if (*j->s++ != ':' || json_value(j, path) == -1)
				return -1;
			path[at] = '\0';
			json_space(j);
			if (*j->s == '}')
				return j->s++, 0;
			if (*j->s++ != ',')
				return -1;
		}
	}
	if (*j->s == '[') {
		j->s++;
		snprintf(path + at, 200 - at, "[]");
		json_space(j);
		if (*j->s == ']') {
			path[at] = '\0';
			return j->s++, 0;
		}
		for (;;) {
			if (json_value(j, path) == -1)
				return -1;
			json_space(j);
			if (*j->s == ']') {
				path[at] = '\0';
				return j->s++, 0;
			}
			if (*j->s++ != ',')
				return -1;
		}
	}
	if (*j->s == '"')
		return json_str(j, NULL, 0);
	if (strncmp(j->s, "null", 4) == 0 || strncmp(j->s, "true", 4) == 0)
		return j->s += 4, 0;
	if (strncmp(j->s, "false", 5) == 0)
		return j->s += 5, 0;
	if (*j->s == '-' || (*j->s >= '0' && *j->s <= '9')) {
		char *end;

		strtod(j->s, &end);
		j->s = end;
		return 0;
	}
	return -1;
}

static int
json_has(const struct json *j, const char *path)
{
	for (int i = 0; i < j->npaths; i++)
		if (strcmp(j->paths[i], path) == 0)
			return 1;
	return 0;
}

static void
json_parses_with_the_contract_keys(void **state)
{
	static const char *const keys[] = {
		"meta",
		"meta.date",
		"meta.version",
		"meta.machine",
		"meta.kernel",
		"meta.cpus",
		"meta.pinning",
		"meta.ipc_limits",
		"meta.ipc_limits.fs/mqueue/msgsize_max",
		"meta.ipc_limits.PIPE_BUF",
		"results",
		"results[].mech",
		"results[].pattern",
		"results[].size",
		"results[].count",
		"results[].cpus",
		"results[].rtt_ns",
		"results[].rtt_ns.min",
		"results[].rtt_ns.p50",
		"results[].rtt_ns.p90",
		"results[].rtt_ns.p99",
		"results[].rtt_ns.p999",
		"results[].rtt_ns.max",
		"results[].rtt_ns.mean",
		"results[].msgs_per_s",
		"results[].mb_per_s",
		"results[].cpu_ns_per_msg",
		"results[].ctxsw_per_msg",
		"results[].skipped",
		"results[].gap_ns",
		"results[].rounds",
		"results[].spread",
		"results[].spread.p50_min_ns",
		"results[].spread.msgs_per_s_max",
		"meta.idle",
		"meta.idle.cpuidle_driver",
		"meta.idle.cpuidle_governor",
		"meta.idle.cpuidle_governor_ro",
		"meta.idle.states",
		"meta.idle.haltpoll_parameters",
		"meta.idle.guest_halt_polls",
		"meta.idle.no_idle",
		"meta.idle.no_idle.asked",
		"meta.idle.no_idle.held",
		"meta.idle.no_idle.error",
		"meta.idle.gap_jumps",
	};
	static struct json j;
	char path[200] = "";
	struct proc p;

	run_small(&p, name_of(state), "json");
	j.s = p.out;
	j.npaths = 0;
	if (json_value(&j, path) == -1)
		fail_msg("JSON does not parse at: %.60s", j.s);
	json_space(&j);
	assert_int_equal(*j.s, '\0'); /* nothing after the document */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_has(&j, keys[i]))
			fail_msg("JSON lacks %s", keys[i]);
	assert_int_equal(count_str(p.out, "\"mech\": \"pipe\""), 4);
	assert_int_equal(count_str(p.out, "\"skipped\": null"), 4);
	proc_free(&p);
}

/* Skipped and failed rows keep the JSON valid, their reasons in
 * "skipped" and "error", and their measured columns empty in the CSV. */
static void
skipped_and_failed_rows_say_why(void **state)
{
	static struct run_result r[2];
	static struct meta m;
	static struct json j;
	char path[200] = "", *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	r[0] = (struct run_result){.t = &pipe_transport,
				   .size = 64,
				   .status = RUN_SKIPPED,
				   .cpus = PLACEMENT_ANY,
				   .rounds = 1};
	snprintf(r[0].note, sizeof(r[0].note), "at most 4 bytes: \"why\"");
	r[1] = (struct run_result){.t = &pipe_transport,
				   .size = 64,
				   .pattern = PAT_THROUGHPUT,
				   .status = RUN_FAILED,
				   .cpus = {0, 1},
				   .rounds = 3};
	snprintf(r[1].note, sizeof(r[1].note), "server: recv: EPIPE");
	meta_collect(&m, &r[1].cpus, 1);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	output_json(f, r, 2, &m);
	fclose(f);
	j.s = buf;
	j.npaths = 0;
	if (json_value(&j, path) == -1)
		fail_msg("JSON does not parse at: %.60s", j.s);
	assert_non_null(strstr(buf, "\"skipped\": \"at most 4 bytes: "
				    "\\\"why\\\"\""));
	assert_non_null(strstr(buf, "\"error\": \"server: recv: EPIPE\""));
	assert_non_null(strstr(buf, "\"count\": null"));
	free(buf);
	f = open_memstream(&buf, &len);
	output_csv(f, r, 2);
	fclose(f);
	assert_non_null(
		strstr(buf, "\npipe,latency,64,,\"any\",,,,,,,,,,,,0,1,,,,\n"));
	assert_non_null(strstr(
		buf, "\npipe,throughput,64,,\"0,1\",,,,,,,,,,,,0,3,,,,\n"));
	free(buf);
}

/* With a gap, each row says it, and the sleep is not in the round trip:
 * every sample at a 50 ms gap would be at least 50 ms if it were, so a
 * p50 below the gap itself is proof, whatever the machine's speed. */
static void
a_gap_run_records_its_gap_and_times_only_the_round_trip(void **state)
{
	static struct json j;
	char path[200] = "", f[CSV_FIELDS][32];
	struct proc p;
	const char *line;
	int rows = 0;

	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-m",
				    "pipe", "-p", "latency", "-s", "64",
				    "--gap", "50ms,0", "-n", "8", "--warmup",
				    "1", "--cpus", "any", "--format", "csv",
				    "-q", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_memory_equal(p.out, csv_header, strlen(csv_header));
	for (line = strchr(p.out, '\n') + 1; *line != '\0';
	     line = strchr(line, '\n') + 1) {
		assert_int_equal(csv_split(line, f), CSV_FIELDS);
		assert_string_equal(f[0], "pipe");
		assert_string_equal(f[3], "8");
		/* in ascending order of gap */
		assert_string_equal(f[16], rows == 0 ? "0" : "50000000");
		if (rows == 1 && strtoull(f[6], NULL, 10) >= 50000000ULL)
			fail_msg("p50 %s ns at a 50 ms gap: the gap was timed",
				 f[6]);
		rows++;
	}
	assert_int_equal(rows, 2);
	proc_free(&p);
	assert_int_equal(objects_alive(name_of(state)), 0);

	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-m",
				    "pipe", "-p", "latency", "-s", "64",
				    "--gap", "0,1ms", "-n", "4", "--warmup",
				    "1", "--cpus", "any", "--format", "json",
				    "-q", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	j.s = p.out;
	j.npaths = 0;
	if (json_value(&j, path) == -1)
		fail_msg("JSON does not parse at: %.60s", j.s);
	assert_non_null(strstr(p.out, "\"gap_ns\": 0, "));
	assert_non_null(strstr(p.out, "\"gap_ns\": 1000000, "));
	/* two gaps of one blocking transport: one group compared */
	assert_true(json_has(&j, "meta.idle.gap_jumps[].base_p50_ns"));
	assert_true(json_has(&j, "meta.idle.gap_jumps[].gap_ns"));
	proc_free(&p);
	assert_int_equal(objects_alive(name_of(state)), 0);
}

/* --no-idle holds /dev/cpu_dma_latency where it may, and where it may not
 * says so and measures anyway; the meta says which. */
static void
no_idle_holds_or_says_why_not(void **state)
{
	struct proc p;
	int held;

	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-m",
				    "pipe", "-p", "latency", "-s", "64", "-n",
				    "4", "--warmup", "1", "--cpus", "any",
				    "--no-idle", "--format", "json", "-q",
				    NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	held = strstr(p.out, "\"no_idle\": {\"asked\": true, \"held\": "
			     "true, \"error\": null}") != NULL;
	if (!held) {
		assert_non_null(strstr(p.out, "\"no_idle\": {\"asked\": true, "
					      "\"held\": false, \"error\": "
					      "\"open or write "
					      "/dev/cpu_dma_latency: "));
		assert_non_null(strstr(p.err, "--no-idle: "));
	}
	assert_non_null(strstr(p.out, "\"mech\": \"pipe\""));
	proc_free(&p);
	assert_int_equal(objects_alive(name_of(state)), 0);
}

/* --- the engine's error paths ---------------------------------------- */

static struct transport test_transport; /* pipe, with one thing changed */

/* The server's fifth message arrives with one byte flipped. */
static const void *
flip_recv(struct channel *ch, size_t len)
{
	static unsigned n;
	unsigned char *p = (unsigned char *)pipe_transport.recv(ch, len);

	if (p != NULL && ch->side == SIDE_SERVER && ++n == 5)
		p[len / 2] ^= 0x10;
	return p;
}

/* The server dies at its fifth message. */
static const void *
die_recv(struct channel *ch, size_t len)
{
	static unsigned n;

	if (ch->side == SIDE_SERVER && ++n == 5)
		_exit(7);
	return pipe_transport.recv(ch, len);
}

/* The server never answers its fifth message. */
static const void *
hang_recv(struct channel *ch, size_t len)
{
	static unsigned n;

	if (ch->side == SIDE_SERVER && ++n == 5)
		for (;;)
			pause();
	return pipe_transport.recv(ch, len);
}

static struct run_spec
spec_for(const struct transport *t, enum pattern pat, const char *name)
{
	return (struct run_spec){.t = t,
				 .pattern = pat,
				 .size = 64,
				 .count = 100,
				 .warmup = 2,
				 .cpus = PLACEMENT_ANY,
				 .name = name,
				 .timeout_s = 20};
}

static void
expect_failure(void **state, const struct transport *t, enum pattern pat,
	       const char *want)
{
	struct run_spec spec = spec_for(t, pat, name_of(state));
	static struct run_result r;

	assert_int_equal(engine_run(&spec, &r), -1);
	assert_int_equal(r.status, RUN_FAILED);
	if (strstr(r.note, want) == NULL)
		fail_msg("note \"%s\" lacks \"%s\"", r.note, want);
}

static void
corrupted_payload_is_an_error_not_a_number(void **state)
{
	test_transport = pipe_transport;
	test_transport.recv = flip_recv;
	expect_failure(state, &test_transport, PAT_LATENCY,
		       "server: message #8 (64 bytes) wrong at byte 32");
	expect_failure(state, &test_transport, PAT_THROUGHPUT,
		       "server: message #5 (64 bytes) wrong at byte 32");
}

static void
a_side_that_dies_fails_the_run(void **state)
{
	test_transport = pipe_transport;
	test_transport.recv = die_recv;
	expect_failure(state, &test_transport, PAT_LATENCY,
		       "server: exited with status 7");
}

static void
a_stuck_run_is_killed_at_its_limit(void **state)
{
	struct run_spec spec;
	static struct run_result r;
	uint64_t t0 = clock_ns();

	test_transport = pipe_transport;
	test_transport.recv = hang_recv;
	spec = spec_for(&test_transport, PAT_LATENCY, name_of(state));
	spec.timeout_s = 1;
	assert_int_equal(engine_run(&spec, &r), -1);
	assert_non_null(strstr(r.note, "timed out after 1 s"));
	assert_true(clock_ns() - t0 < 15 * NS_PER_S);
}

static void
a_good_run_measures_what_it_was_asked(void **state)
{
	struct run_spec spec =
		spec_for(&pipe_transport, PAT_LATENCY, name_of(state));
	static struct run_result r;

	assert_int_equal(engine_run(&spec, &r), 0);
	assert_int_equal(r.status, RUN_OK);
	assert_int_equal(r.count, 100);
	assert_true(r.rtt.min > 0 && r.rtt.min <= r.rtt.p50 &&
		    r.rtt.p50 <= r.rtt.p99 && r.rtt.p99 <= r.rtt.max);
	assert_true(r.cdf_len > 0 && r.cdf[r.cdf_len - 1].ns == r.rtt.max);
	spec.pattern = PAT_THROUGHPUT;
	assert_int_equal(engine_run(&spec, &r), 0);
	assert_true(r.msgs_per_s > 0 && r.mb_per_s > 0);
}

/* --- nothing left behind --------------------------------------------- */

/* Reap every orphan that came to this process (a subreaper) within
 * timeout_ms; fail if one is still running then. */
static void
reap_orphans(unsigned timeout_ms)
{
	uint64_t deadline = clock_ns() + timeout_ms * NS_PER_MS;

	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r == -1 && errno == ECHILD)
			return;
		if (r == 0 && clock_ns() > deadline)
			fail_msg("a process of ipcbench's outlived it");
		if (r == 0)
			sleep_ms(5);
	}
}

static void
a_run_of_every_transport_leaves_nothing(void **state)
{
	struct proc p;

	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-s",
				    "1,64", "-n", "50", "--warmup", "5",
				    "--cpus", "any", "-q", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_int_equal(objects_alive(name_of(state)), 0);
	reap_orphans(5000);
	proc_free(&p);
}

static void
sigint_mid_run_leaves_nothing(void **state)
{
	struct proc p;

	/* Long enough to be in the middle of the first transport's run. */
	assert_int_equal(proc_start(&p, "ipcbench", "-N", name_of(state), "-p",
				    "throughput", "-s", "64", "-n", "10000000",
				    "--cpus", "any", "-q", NULL),
			 0);
	sleep_ms(under_valgrind() ? 3000 : 700);
	kill(p.pid, SIGINT);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 128 + SIGINT);
	reap_orphans(5000); /* its client and server went with it */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* A transport that also makes a named object, as most do. */
static int
named_setup(struct channel *ch)
{
	char name[NAMES_FULL_MAX];
	int fd;

	if (names_posix(name, sizeof(name), ch->name) == -1)
		return -1;
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd == -1)
		return -1;
	close(fd);
	cleanup_add_name(OBJ_POSIX_SHM, name);
	return pipe_transport.setup(ch);
}

static void
named_teardown(struct channel *ch)
{
	char name[NAMES_FULL_MAX];

	if (names_posix(name, sizeof(name), ch->name) == 0)
		shm_unlink(name);
	pipe_transport.teardown(ch);
}

static void
engine_interrupted_removes_the_objects(void **state)
{
	struct kid k = KID_NONE;
	uint64_t deadline = clock_ns() + 10 * NS_PER_S;
	int status;

	test_transport = pipe_transport;
	test_transport.setup = named_setup;
	test_transport.teardown = named_teardown;
	fflush(NULL);
	k.pid = fork();
	assert_true(k.pid != -1);
	if (k.pid == 0) { /* the coordinator, as ipcbench runs it */
		struct run_spec spec = spec_for(&test_transport, PAT_THROUGHPUT,
						name_of(state));
		static struct run_result r;

		spec.count = 100000000;
		spec.timeout_s = 60;
		engine_run(&spec, &r);
		_exit(3);
	}
	while (objects_alive(name_of(state)) == 0) {
		if (clock_ns() > deadline) {
			kid_release(&k);
			fail_msg("the run's object never appeared");
		}
		sleep_ms(10);
	}
	sleep_ms(200);
	kill(k.pid, SIGINT);
	status = kid_reap(&k, 10000);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	reap_orphans(5000);
	assert_int_equal(objects_alive(name_of(state)), 0);
}

int
main(void)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles_of_one_to_ten_are_nearest_ranks),
		cmocka_unit_test(percentile_ranks_are_exact_at_round_fractions),
		cmocka_unit_test(percentiles_with_ties_and_unsorted_input),
		cmocka_unit_test(percentiles_of_one_and_two_samples),
		cmocka_unit_test(cdf_runs_from_min_to_max_in_order),
		cmocka_unit_test(sizes_parse_sort_and_drop_repeats),
		cmocka_unit_test(bad_sizes_are_refused_with_a_reason),
		cmocka_unit_test(placements_parse_and_refuse),
		cmocka_unit_test(mech_lists_find_transports),
		cmocka_unit_test(gaps_parse_with_their_units),
		cmocka_unit_test(bad_gaps_are_refused_with_a_reason),
		cmocka_unit_test(plan_measures_notifications_at_their_own_size),
		cmocka_unit_test(
			plan_measures_latency_at_every_gap_and_throughput_once),
		cmocka_unit_test(plan_makes_each_round_after_the_last),
		cmocka_unit_test(rounds_merge_to_the_median_round),
		cmocka_unit_test(the_jump_is_where_the_blocking_median_doubles),
		cmocka_unit_test_setup_teardown(
			sizes_above_the_limit_are_skipped_with_the_reason,
			fixture_setup, fixture_teardown),
		cmocka_unit_test(bad_options_exit_2_with_a_clear_message),
		cmocka_unit_test(a_gap_for_throughput_is_refused),
		cmocka_unit_test(help_and_list_exit_0),
		cmocka_unit_test(serve_and_connect_are_checked),
		cmocka_unit_test(
			serve_and_connect_measure_the_same_round_trips),
		cmocka_unit_test(two_hosts_in_network_namespaces),
		cmocka_unit_test(
			netns_check_removes_its_namespaces_when_interrupted),
		cmocka_unit_test_setup_teardown(csv_header_is_the_contract,
						fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
			json_parses_with_the_contract_keys, fixture_setup,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(
			rounds_report_the_median_and_the_spread, fixture_setup,
			fixture_teardown),
		cmocka_unit_test(skipped_and_failed_rows_say_why),
		cmocka_unit_test_setup_teardown(
			a_gap_run_records_its_gap_and_times_only_the_round_trip,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(no_idle_holds_or_says_why_not,
						fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
			corrupted_payload_is_an_error_not_a_number,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_side_that_dies_fails_the_run,
						fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
			a_stuck_run_is_killed_at_its_limit, fixture_setup,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(
			a_good_run_measures_what_it_was_asked, fixture_setup,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(
			a_run_of_every_transport_leaves_nothing, fixture_setup,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(sigint_mid_run_leaves_nothing,
						fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
			engine_interrupted_removes_the_objects, fixture_setup,
			fixture_teardown),
	};

	sigaction(SIGPIPE, &ign, NULL); /* as ipcbench does */
	/* The cleanup registry leaves a signal alone if it was ignored when
	 * the program started (`make test &` from a shell without job
	 * control ignores SIGINT); engine_interrupted_... needs it to act. */
	signal(SIGINT, SIG_DFL);
	/* Orphans of an ipcbench killed here come to us, so that a test can
	 * tell whether they ended. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
