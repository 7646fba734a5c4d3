/* ipcbench - one fair benchmark over every IPC mechanism.
 *
 *   $ build/bin/ipcbench --list
 *   $ build/bin/ipcbench -m pipe,shm-posix -p latency -s 64,4K
 *   $ build/bin/ipcbench --cpus 0,1 --cpus 0,0 --cpus any -s 64 -p latency
 *   $ build/bin/ipcbench -m pipe -s 64 -p latency --rounds 5
 *   $ build/bin/ipcbench --serve 5000                 # on one host
 *   $ build/bin/ipcbench -m socket-tcp --connect HOST:5000   # on another
 *   $ make bench        # everything, into build/results, with the plots
 *
 * For each transport, size, pattern and placement it runs one measurement
 * (engine.h: a client and a server forked, pinned, connected by the
 * transport, every byte written and verified), --rounds times over, round
 * after round (plan.h), then prints a ranked table, CSV or JSON.  With
 * --serve and --connect the two sides run on two hosts (remote.h).  The
 * method is in docs/bench.md.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "plan.h"
#include "engine.h"
#include "err.h"
#include "idle.h"
#include "meta.h"
#include "names.h"
#include "opts.h"
#include "output.h"
#include "parse.h"
#include "remote.h"
#include "transport.h"

/* clang-format off */
static const char usage_text[] =
"usage: ipcbench [options]\n"
"Measure the latency, throughput and CPU cost of IPC mechanisms.\n"
"\n"
"  -l, --list          list the transports, one line each, and exit\n"
"  -m, --mech LIST     transports to measure, comma-separated (default: all)\n"
"  -p, --pattern P     latency, throughput or all (default: all)\n"
"  -s, --sizes LIST    message sizes (default: 64,4K,64K,1M)\n"
"  -n, --count N       round trips (latency) or messages (throughput) to\n"
"                      time; default: about 0.25 s worth, judged from the\n"
"                      warm-up (at most 1000000 round trips)\n"
"      --warmup N      untimed ones first; default: up to 1000 round trips\n"
"                      and 0.1 s (latency), up to 20000 messages or 16 MiB\n"
"                      (throughput)\n"
"      --gap LIST      latency: the client sleeps that long before each\n"
"                      round trip (clock_nanosleep), as a program waiting\n"
"                      for its next request would; one measurement a gap,\n"
"                      such as 0,10us,100us,1ms (units ns, us, ms, s; at\n"
"                      most 1s).  The sleep is not timed; the server just\n"
"                      waits as it always does.  Throughput is a stream with no\n"
"                      gap: it is measured once, without one, and -p\n"
"                      throughput with a gap other than 0 is refused.\n"
"                      With a gap, the automatic count spends its 0.25 s\n"
"                      on gaps and round trips together (at least 200\n"
"                      round trips, or 2 s of gaps and at least 20)\n"
"      --no-idle       hold /dev/cpu_dma_latency at 0 during the run, so\n"
"                      that an idle CPU enters no state slower to leave\n"
"                      than 0 us (polling, mostly).  Needs root; if it\n"
"                      cannot, ipcbench says so, records it in the meta,\n"
"                      and goes on\n"
"      --cpus A,B|any  client on CPU A, server on CPU B, or left to the\n"
"                      kernel; repeat it to measure several placements.\n"
"                      Default: everything on two different CPUs, plus\n"
"                      latency at the smallest size on one CPU (A,A) and\n"
"                      on any\n"
"      --rounds N      measure everything N times (1 to 100), round after\n"
"                      round, so that each measurement's rounds have the\n"
"                      others between them; report the median of the rounds'\n"
"                      p50s (messages/s for throughput) with their lowest\n"
"                      and highest, and flag rounds more than 10% apart.\n"
"                      An automatic count aims each round at 1/N of 0.25 s\n"
"                      (at least 50 ms).  Default: 1\n"
"      --serve ADDRESS:PORT\n"
"                      run only the server side of socket-tcp and socket-udp,\n"
"                      on TCP and UDP port PORT of ADDRESS (PORT alone: on\n"
"                      every interface; port 0: one the kernel picks), one\n"
"                      session at a time, until killed (Ctrl-C); its first\n"
"                      line says where it listens; other options but -q do\n"
"                      not apply\n"
"      --connect HOST:PORT\n"
"                      with -m socket-tcp or -m socket-udp: run only the\n"
"                      client side, against ipcbench --serve on HOST: the\n"
"                      same round trips, verification and output.  Latency\n"
"                      only; --cpus places the client (default: any)\n"
"      --format F      table, csv or json (default: table)\n"
"  -o, --output FILE   write that to FILE instead of stdout\n"
"      --save DIR      also write DIR/bench.csv, bench.json, bench.txt and\n"
"                      the plots' data (make bench does)\n"
"      --timeout S     limit of one measurement, in seconds (default: 30)\n"
"  -N, --name NAME     name the run's IPC objects ipclab-<uid>-NAME\n"
"                      (default: <pid>-<n>-bench; tests use it to find them)\n"
"  -q, --quiet         no progress on stderr\n"
"  -h, --help          print this help and exit\n"
"\n"
"A size a transport cannot carry is skipped, with the reason.  A transport\n"
"that carries less than the smallest size asked for (semaphores carry no\n"
"payload, a signal its 4-byte value) is also measured once at its own\n"
"largest size, so that it gets real rows.\n"
"Exit status: 0; 1 if a measurement failed; 2 for a usage error.\n";
/* clang-format on */

struct options {
	struct plan_opts run; /* what to measure */
	const char *format, *output, *save;
	int quiet, list, no_idle;
	int serve; /* --serve: at serve_at */
	struct sockaddr_in serve_at;
};

/* --gap LIST into o->run, after -p: a gap is a pause between round
 * trips, which a stream has not. */
static void
parse_gaps(struct options *o, const char *gaps)
{
	char err[256];
	int n = cli_gaps(gaps, o->run.gaps, CLI_GAPS_MAX, err, sizeof(err));

	if (n <= 0)
		opts_usage_error(usage_text, "--gap %s: %s", gaps,
				 n == 0 ? "no gap given" : err);
	o->run.ngaps = (size_t)n;
	if (!o->run.latency && (n > 1 || o->run.gaps[0] != 0))
		opts_usage_error(usage_text,
				 "--gap %s: a gap is a pause between round "
				 "trips: it applies to -p latency (or all), "
				 "not to a throughput stream",
				 gaps);
}

/* --connect HOST:PORT, after -m and -p: the one socket transport named
 * becomes its remote client; latency only; the client anywhere unless
 * --cpus says. */
static void
parse_connect(struct options *o, const char *to, int pattern_given)
{
	struct sockaddr_in sa;
	const char *name = o->run.mechs[0]->name;
	char err[256];

	if (remote_parse(to, 0, &sa, err, sizeof(err)) == -1)
		opts_usage_error(usage_text, "--connect %s: %s", to, err);
	if (o->list) /* -l measures nothing: what to measure is moot */
		return;
	if (o->run.nmechs != 1 || (strcmp(name, "socket-tcp") != 0 &&
				   strcmp(name, "socket-udp") != 0))
		opts_usage_error(usage_text,
				 "--connect %s: name the one transport to "
				 "measure, -m socket-tcp or -m socket-udp",
				 to);
	if (pattern_given && o->run.throughput)
		opts_usage_error(usage_text,
				 "--connect %s: across hosts ipcbench measures "
				 "latency only (-p latency)",
				 to);
	o->run.mechs[0] = remote_client(o->run.mechs[0], &sa);
	o->run.throughput = 0;
	o->run.remote = 1;
	if (o->run.ncpus == 0)
		o->run.cpus[o->run.ncpus++] = PLACEMENT_ANY;
}

static void
parse_options(struct options *o, int argc, char **argv)
{
	enum {
		OPT_WARMUP = 256,
		OPT_CPUS,
		OPT_FORMAT,
		OPT_SAVE,
		OPT_TIMEOUT,
		OPT_GAP,
		OPT_NO_IDLE,
		OPT_ROUNDS,
		OPT_SERVE,
		OPT_CONNECT,
	};
	static const struct option longs[] = {
		{"list", no_argument, NULL, 'l'},
		{"mech", required_argument, NULL, 'm'},
		{"pattern", required_argument, NULL, 'p'},
		{"sizes", required_argument, NULL, 's'},
		{"count", required_argument, NULL, 'n'},
		{"warmup", required_argument, NULL, OPT_WARMUP},
		{"cpus", required_argument, NULL, OPT_CPUS},
		{"gap", required_argument, NULL, OPT_GAP},
		{"no-idle", no_argument, NULL, OPT_NO_IDLE},
		{"rounds", required_argument, NULL, OPT_ROUNDS},
		{"serve", required_argument, NULL, OPT_SERVE},
		{"connect", required_argument, NULL, OPT_CONNECT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"save", required_argument, NULL, OPT_SAVE},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"name", required_argument, NULL, 'N'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *mechs = "all", *sizes = "64,4K,64K,1M", *gaps = NULL;
	const char *serve = NULL, *connect_to = NULL;
	int pattern_given = 0;
	unsigned long secs;
	char err[256];
	int c, n;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":lm:p:s:n:o:N:qh", longs, NULL)) !=
	       -1) {
		switch (c) {
		case 'l':
			o->list = 1;
			break;
		case 'm':
			mechs = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "all") != 0 &&
			    strcmp(optarg, "latency") != 0 &&
			    strcmp(optarg, "throughput") != 0)
				opts_usage_error(
					usage_text,
					"-p %s: say latency, throughput or "
					"all",
					optarg);
			pattern_given = 1;
			o->run.latency = strcmp(optarg, "throughput") != 0;
			o->run.throughput = strcmp(optarg, "latency") != 0;
			break;
		case 's':
			sizes = optarg;
			break;
		case 'n':
			if (parse_uint(optarg, 1, ENGINE_SAMPLES_MAX * 10,
				       &o->run.count) == -1)
				opts_usage_error(
					usage_text,
					"-n %s: give a count from 1 to %lu",
					optarg, ENGINE_SAMPLES_MAX * 10);
			break;
		case OPT_WARMUP:
			if (parse_uint(optarg, 0, 10000000, &o->run.warmup) ==
			    -1)
				opts_usage_error(
					usage_text,
					"--warmup %s: give a count from 0 "
					"to 10000000",
					optarg);
			break;
		case OPT_CPUS:
			if (o->run.ncpus == PLACEMENTS_MAX)
				opts_usage_error(
					usage_text,
					"--cpus: at most %d placements",
					PLACEMENTS_MAX);
			if (cli_placement(optarg, &o->run.cpus[o->run.ncpus],
					  err, sizeof(err)) == -1)
				opts_usage_error(usage_text, "--cpus %s: %s",
						 optarg, err);
			o->run.ncpus++;
			break;
		case OPT_GAP:
			gaps = optarg;
			break;
		case OPT_NO_IDLE:
			o->no_idle = 1;
			break;
		case OPT_SERVE:
			serve = optarg;
			break;
		case OPT_CONNECT:
			connect_to = optarg;
			break;
		case OPT_ROUNDS:
			if (parse_uint(optarg, 1, PLAN_ROUNDS_MAX, &secs) == -1)
				opts_usage_error(
					usage_text,
					"--rounds %s: give a count from 1 to "
					"%d",
					optarg, PLAN_ROUNDS_MAX);
			o->run.rounds = (unsigned)secs;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") != 0 &&
			    strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "json") != 0)
				opts_usage_error(
					usage_text,
					"--format %s: say table, csv or "
					"json",
					optarg);
			o->format = optarg;
			break;
		case 'o':
		case OPT_SAVE:
			/* fopen("") fails with ENOENT, after the options; say
			 * it here, as the usage error it is */
			if (optarg[0] == '\0')
				opts_usage_error(usage_text,
						 "%s: an empty path names no "
						 "file",
						 c == 'o' ? "-o" : "--save");
			if (c == 'o')
				o->output = optarg;
			else
				o->save = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 1, 86400, &secs) == -1)
				opts_usage_error(
					usage_text,
					"--timeout %s: give seconds from 1 "
					"to 86400",
					optarg);
			o->run.timeout_s = (unsigned)secs;
			break;
		case 'N':
			if (names_check(optarg) == -1)
				opts_usage_error(usage_text,
						 "-N %s: a name is 1 to %d of "
						 "A-Z a-z 0-9 . _ -",
						 optarg, NAMES_SHORT_MAX);
			o->run.name = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			opts_usage_error(usage_text, "%s needs a value",
					 argv[optind - 1]);
		default: /* optopt is the letter of an unknown short one */
			if (optopt != 0)
				opts_usage_error(usage_text,
						 "unknown option -%c", optopt);
			opts_usage_error(usage_text, "unknown option %s",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		opts_usage_error(usage_text, "unexpected argument %s",
				 argv[optind]);
	if (serve != NULL) {
		if (connect_to != NULL)
			opts_usage_error(usage_text,
					 "--serve and --connect: one host "
					 "serves, the other connects");
		if (remote_parse(serve, 1, &o->serve_at, err, sizeof(err)) ==
		    -1)
			opts_usage_error(usage_text, "--serve %s: %s", serve,
					 err);
		o->serve = 1;
		return;
	}
	if ((n = cli_mechs(mechs, o->run.mechs, CLI_MECHS_MAX, err,
			   sizeof(err))) <= 0)
		opts_usage_error(usage_text, "-m %s: %s", mechs,
				 n == 0 ? "no transport named" : err);
	o->run.nmechs = (size_t)n;
	if ((n = cli_sizes(sizes, o->run.sizes, CLI_SIZES_MAX, err,
			   sizeof(err))) <= 0)
		opts_usage_error(usage_text, "-s %s: %s", sizes,
				 n == 0 ? "no size given" : err);
	o->run.nsizes = (size_t)n;
	if (connect_to != NULL)
		parse_connect(o, connect_to, pattern_given);
	if (gaps != NULL)
		parse_gaps(o, gaps);
	if (o->run.ncpus == 0) {
		struct placement p = cli_default_placement();

		o->run.default_cpus = 1;
		o->run.cpus[o->run.ncpus++] = p;
		if (p.a >= 0) {
			o->run.cpus[o->run.ncpus++] =
				(struct placement){p.a, p.a};
			o->run.cpus[o->run.ncpus++] = PLACEMENT_ANY;
		}
	}
}

static void
list_transports(void)
{
	for (size_t i = 0; i < transports_count; i++) {
		const struct transport *t = transports[i];
		char why[200] = "";
		size_t max = t->max_size(why, sizeof(why));
		char lim[48], size[32];

		if (max == (size_t)-1) {
			snprintf(lim, sizeof(lim), "any size");
		} else if (max == 0) {
			snprintf(lim, sizeof(lim), "no payload");
		} else {
			format_size(max, size, sizeof(size));
			snprintf(lim, sizeof(lim), "up to %s", size);
		}
		printf("%-21s %-5s %-15s %s\n", t->name, wait_name(t->wait),
		       lim, t->summary);
	}
}

static void
progress(const struct options *o, size_t i, size_t n, const struct run_spec *s,
	 const struct run_result *r)
{
	char cpus[16], v[16], size[32];

	if (o->quiet)
		return;
	placement_format(s->cpus, cpus, sizeof(cpus));
	format_size(s->size, size, sizeof(size));
	fprintf(stderr, "%s: [%zu/%zu] %s %s %s cpus %s: ", prog_name(), i + 1,
		n, s->t->name, pattern_name(s->pattern), size, cpus);
	if (o->run.rounds > 1)
		fprintf(stderr, "round %u: ", s->round + 1);
	if (r->status == RUN_SKIPPED)
		fprintf(stderr, "skipped: %s\n", r->note);
	else if (r->status == RUN_FAILED)
		fprintf(stderr, "FAILED: %s\n", r->note);
	else if (s->pattern == PAT_LATENCY) {
		if (s->gap_ns > 0) {
			format_ns((double)s->gap_ns, v, sizeof(v));
			fprintf(stderr, "gap %s: ", v);
		}
		format_ns((double)r->rtt.p50, v, sizeof(v));
		fprintf(stderr, "p50 %s (%lu round trips, %.2f s)\n", v,
			r->count, r->elapsed_s);
	} else {
		fprintf(stderr,
			"%.0f msgs/s, %.1f MB/s (%lu messages, %.2f s)\n",
			r->msgs_per_s, r->mb_per_s, r->count, r->elapsed_s);
	}
}

/* --no-idle: hold the CPUs out of their idle states for the run, or say
 * why not and go on; the meta records which.  Returns the descriptor to
 * close at the end, or -1. */
static int
no_idle(struct meta_idle *idle)
{
	int fd = idle_hold();

	idle->no_idle_asked = 1;
	if (fd != -1) {
		idle->no_idle_held = 1;
		return fd;
	}
	snprintf(idle->no_idle_error, sizeof(idle->no_idle_error),
		 "open or write /dev/cpu_dma_latency: %s (%s)", strerror(errno),
		 errno_name(errno));
	warn_msg("--no-idle: %s; measuring with the idle states as they are",
		 idle->no_idle_error);
	return -1;
}

/* Open path for writing, or die. */
static FILE *
open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		die_errno("open %s", path);
	return f;
}

static void
close_out(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f))
		die_errno("write %s", path);
}

static void
write_format(FILE *f, const char *format, const struct run_result *r, size_t n,
	     const struct meta *m)
{
	if (strcmp(format, "csv") == 0)
		output_csv(f, r, n);
	else if (strcmp(format, "json") == 0)
		output_json(f, r, n, m);
	else
		output_table(f, r, n, m);
}

/* --save DIR: every format and the plots' data. */
static void
save_all(const struct options *o, const struct run_result *r, size_t n,
	 const struct meta *m)
{
	static const char *const files[] = {"bench.csv", "bench.json",
					    "bench.txt", "cdf.csv", "vars.gp"};
	char path[4096];

	if (mkdir(o->save, 0777) == -1 && errno != EEXIST)
		die_errno("mkdir %s", o->save);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", o->save, files[i]);
		f = open_out(path);
		switch (i) {
		case 0:
			output_csv(f, r, n);
			break;
		case 1:
			output_json(f, r, n, m);
			break;
		case 2:
			output_table(f, r, n, m);
			break;
		case 3:
			output_cdf(f, r, n);
			break;
		default:
			output_gnuplot_vars(f, m, o->run.cpus[0],
					    o->run.sizes[0]);
		}
		close_out(f, path);
	}
}

int
main(int argc, char **argv)
{
	struct options o = {.run = {.latency = 1,
				    .throughput = 1,
				    .count = ENGINE_AUTO,
				    .warmup = ENGINE_AUTO},
			    .format = "table"};
	struct sigaction ign = {.sa_handler = SIG_IGN};
	struct run_result *results, *all;
	const struct run_result **rounds;
	struct run_spec *runs;
	struct meta meta;
	size_t n, nrounds, failed = 0;
	FILE *out = stdout;
	int hold = -1;

	parse_options(&o, argc, argv);
	if (o.list) {
		list_transports();
		return 0;
	}
	if (o.serve) {
		sigaction(SIGPIPE, &ign, NULL);
		return remote_serve(&o.serve_at, o.quiet) == -1 ? 1 : 0;
	}
	/* A write to a peer that has gone fails with EPIPE instead. */
	sigaction(SIGPIPE, &ign, NULL);
	if ((runs = plan_runs(&o.run, &n)) == NULL)
		die_errno("calloc");
	/* all: every round's result; results: one a measurement, its rounds
	 * merged. */
	nrounds = o.run.rounds > 1 ? o.run.rounds : 1;
	all = calloc(n ? n : 1, sizeof(*all));
	results = calloc(n ? n : 1, sizeof(*results));
	rounds = calloc(nrounds, sizeof(*rounds));
	if (all == NULL || results == NULL || rounds == NULL)
		die_errno("calloc");
	if (o.output != NULL)
		out = open_out(o.output);
	/* Make --save's directory now: a mistyped one should fail before
	 * the measurements, not after them. */
	if (o.save != NULL && mkdir(o.save, 0777) == -1 && errno != EEXIST)
		die_errno("mkdir %s", o.save);
	meta_collect(&meta, o.run.cpus, o.run.ncpus);
	if (o.no_idle)
		hold = no_idle(&meta.idle);
	meta_others_start(&meta);
	for (size_t i = 0; i < n; i++) {
		engine_run(&runs[i], &all[i]);
		progress(&o, i, n, &runs[i], &all[i]);
	}
	meta_others_end(&meta);
	if (hold != -1)
		close(hold); /* the CPUs may sleep again */
	n /= nrounds;	     /* plan_runs(): round k's run i at k * n + i */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nrounds; k++)
			rounds[k] = &all[k * n + i];
		engine_merge_rounds(rounds, nrounds, &results[i]);
		if (results[i].status == RUN_FAILED)
			failed++;
	}
	meta.idle.njumps =
		idle_jumps(results, n, meta.idle.jumps, IDLE_JUMPS_MAX);
	write_format(out, o.format, results, n, &meta);
	if (out != stdout)
		close_out(out, o.output);
	else
		fflush(stdout);
	if (o.save != NULL)
		save_all(&o, results, n, &meta);
	if (failed > 0)
		warn_msg("%zu measurement(s) failed: see FAILED above", failed);
	free(runs);
	free(all);
	free(results);
	free(rounds);
	return failed > 0 ? 1 : 0;
}
