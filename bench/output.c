/* output.c - tables, CSV, JSON and plot data: see output.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "output.h"

/* Other work that took this many CPUs' worth of time during a run is
 * load enough to name as the likely cause of rounds that disagree. */
#define OTHERS_LOAD_CPUS 0.25

void
format_ns(double ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

void
format_size(size_t size, char *buf, size_t len)
{
	if (size >= (1UL << 20) && size % (1UL << 20) == 0)
		snprintf(buf, len, "%zu MiB", size >> 20);
	else if (size >= 1024 && size % 1024 == 0)
		snprintf(buf, len, "%zu KiB", size >> 10);
	else
		snprintf(buf, len, "%zu B", size);
}

static int
same_group(const struct run_result *a, const struct run_result *b)
{
	return a->pattern == b->pattern && a->size == b->size &&
	       a->cpus.a == b->cpus.a && a->cpus.b == b->cpus.b &&
	       a->gap_ns == b->gap_ns;
}

/* Order within a group: measured ones best first, then skipped, then
 * failed. */
static int
cmp_rank(const void *pa, const void *pb)
{
	const struct run_result *a = *(const struct run_result *const *)pa;
	const struct run_result *b = *(const struct run_result *const *)pb;

	if (a->status != b->status)
		return (int)a->status - (int)b->status;
	if (a->status != RUN_OK)
		return 0;
	if (a->pattern == PAT_LATENCY)
		return (a->rtt.p50 > b->rtt.p50) - (a->rtt.p50 < b->rtt.p50);
	return (a->msgs_per_s < b->msgs_per_s) -
	       (a->msgs_per_s > b->msgs_per_s);
}

static void
group_header(FILE *f, const struct run_result *r, int rounds)
{
	char size[32], cpus[32], where[96];

	format_size(r->size, size, sizeof(size));
	placement_format(r->cpus, cpus, sizeof(cpus));
	if (r->cpus.a < 0)
		snprintf(where, sizeof(where), "placed by the kernel");
	else if (r->cpus.a == r->cpus.b)
		snprintf(where, sizeof(where), "both on CPU %d", r->cpus.a);
	else
		snprintf(where, sizeof(where), "client on CPU %d, server on %d",
			 r->cpus.a, r->cpus.b);
	if (r->pattern == PAT_LATENCY) {
		char gap[48] = "", v[16];

		if (r->gap_ns > 0) {
			format_ns((double)r->gap_ns, v, sizeof(v));
			snprintf(gap, sizeof(gap), ", %s gap before each", v);
		}
		fprintf(f,
			"\nlatency, %s each way, cpus %s (%s)%s: round trip, "
			"ranked by p50\n",
			size, cpus, where, gap);
		fprintf(f, "%3s  %-21s %-5s %8s %9s %9s %9s %9s %9s %9s %8s",
			"#", "mech", "wait", "count", "min", "p50", "p90",
			"p99", "p99.9", "cpu/msg", "csw/msg");
		if (rounds > 1)
			fprintf(f, "  p50 of %d rounds, low..high", rounds);
		fputc('\n', f);
	} else {
		fprintf(f,
			"\nthroughput, %s messages, cpus %s (%s): ranked by "
			"messages/s\n",
			size, cpus, where);
		fprintf(f, "%3s  %-21s %-5s %9s %11s %10s %9s %8s", "#", "mech",
			"wait", "count", "msgs/s", "MB/s", "cpu/msg",
			"csw/msg");
		if (rounds > 1)
			fprintf(f, "  msgs/s of %d rounds, low..high", rounds);
		fputc('\n', f);
	}
}

static void
table_row(FILE *f, const struct run_result *r, int rank)
{
	const char *wait = wait_name(r->t->wait);
	char v[6][16], cpu[16];

	if (r->status != RUN_OK) {
		fprintf(f, "%3s  %-21s %-5s %s: %s\n",
			r->status == RUN_SKIPPED ? "-" : "!", r->t->name, wait,
			r->status == RUN_SKIPPED ? "skipped" : "FAILED",
			r->note);
		return;
	}
	format_ns(r->cpu_ns_per_msg, cpu, sizeof(cpu));
	if (r->pattern == PAT_LATENCY) {
		format_ns((double)r->rtt.min, v[0], sizeof(v[0]));
		format_ns((double)r->rtt.p50, v[1], sizeof(v[1]));
		format_ns((double)r->rtt.p90, v[2], sizeof(v[2]));
		format_ns((double)r->rtt.p99, v[3], sizeof(v[3]));
		format_ns((double)r->rtt.p999, v[4], sizeof(v[4]));
		fprintf(f, "%3d  %-21s %-5s %8lu %9s %9s %9s %9s %9s %9s %8.2f",
			rank, r->t->name, wait, r->count, v[0], v[1], v[2],
			v[3], v[4], cpu, r->ctxsw_per_msg);
	} else {
		fprintf(f, "%3d  %-21s %-5s %9lu %11.0f %10.1f %9s %8.2f", rank,
			r->t->name, wait, r->count, r->msgs_per_s, r->mb_per_s,
			cpu, r->ctxsw_per_msg);
	}
	if (r->rounds > 1) {
		if (r->pattern == PAT_LATENCY) {
			format_ns(r->spread_min, v[0], sizeof(v[0]));
			format_ns(r->spread_max, v[1], sizeof(v[1]));
			fprintf(f, "  %s..%s", v[0], v[1]);
		} else {
			fprintf(f, "  %.0f..%.0f", r->spread_min,
				r->spread_max);
		}
		if (engine_spread(r) > ENGINE_SPREAD_FLAG)
			fprintf(f, " ~%.0f%%", engine_spread(r) * 100);
	}
	fputc('\n', f);
}

/* Below a table with rounds: how many rows' rounds disagree by more than
 * ENGINE_SPREAD_FLAG, and the likely cause, tried in this order: other
 * work (processes, or a host's other guests as steal time) that took
 * OTHERS_LOAD_CPUS of CPU time or more during the run, then a CPU clock
 * that moves (a cpufreq governor other than performance), then, with
 * neither, the idle states a blocking wait lets a CPU reach, deeper in
 * some rounds than in others. */
static void
table_spread(FILE *f, const struct run_result *r, size_t n,
	     const struct meta *m)
{
	size_t flagged = 0, measured = 0;
	double others = m != NULL ? m->others_cpus : -1;
	char gov[64] = "";
	FILE *in;

	for (size_t i = 0; i < n; i++) {
		if (r[i].status != RUN_OK || r[i].rounds < 2)
			continue;
		measured++;
		if (engine_spread(&r[i]) > ENGINE_SPREAD_FLAG)
			flagged++;
	}
	if (measured == 0)
		return;
	fprintf(f,
		"\nrounds: each row is the median round of %u, made in turn "
		"with the others;\nlow..high: the lowest and highest of the "
		"rounds' p50s (latency) or messages/s.\n",
		r[0].rounds);
	if (flagged == 0) {
		fprintf(f,
			"No row's rounds differ by more than %.0f%% of its "
			"median.\n",
			ENGINE_SPREAD_FLAG * 100);
		return;
	}
	fprintf(f,
		"~ %zu of %zu rows: their rounds differ by more than %.0f%% "
		"of the median (high - low, over the median).\n",
		flagged, measured, ENGINE_SPREAD_FLAG * 100);
	if ((in = fopen("/sys/devices/system/cpu/cpu0/cpufreq/"
			"scaling_governor",
			"r")) != NULL) {
		if (fscanf(in, "%63s", gov) != 1)
			gov[0] = '\0';
		fclose(in);
	}
	if (others >= OTHERS_LOAD_CPUS)
		fprintf(f,
			"Likely cause: load. While ipcbench measured, other "
			"work used %.2f CPUs' worth of time\n(processes, or "
			"the host's other guests as steal time), more in some "
			"rounds than in others.\n",
			others);
	else if (gov[0] != '\0' && strcmp(gov, "performance") != 0)
		fprintf(f,
			"Likely cause: frequency scaling. The cpufreq governor "
			"is %s:\nthe CPU clock moved between rounds "
			"(\"performance\" holds it).\n",
			gov);
	else {
		char load[64] = "unknown";

		if (others >= 0)
			snprintf(load, sizeof(load), "%.2f CPUs", others);
		fprintf(f,
			"Likely cause: an idle state. Other work used little "
			"(%s)%s,\nso a waiting CPU went idle (cpuidle driver "
			"%s), deeper in some rounds than in others,\nand the "
			"wake-up is in the round trip; --no-idle holds the "
			"idle states off.\n",
			load,
			gov[0] != '\0' ? ""
				       : " and no cpufreq governor moves the "
					 "clock",
			m != NULL && m->idle.driver[0] != '\0' ? m->idle.driver
							       : "unknown");
	}
}

/* Below the table: where the blocking transports' round trips jumped
 * with the gap, for each group measured at two gaps or more. */
static void
table_jumps(FILE *f, const struct meta_idle *idle)
{
	for (size_t i = 0; i < idle->njumps; i++) {
		const struct idle_jump *j = &idle->jumps[i];
		char size[32], cpus[32], base[16], gap[16], p50[16], bgap[32];
		char v[16];

		format_size(j->size, size, sizeof(size));
		placement_format(j->cpus, cpus, sizeof(cpus));
		format_ns((double)j->base_p50_ns, base, sizeof(base));
		if (j->base_gap_ns == 0)
			snprintf(bgap, sizeof(bgap), "no gap");
		else {
			format_ns((double)j->base_gap_ns, v, sizeof(v));
			snprintf(bgap, sizeof(bgap), "a %s gap", v);
		}
		fprintf(f,
			"gap jump, %s, cpus %s: median p50 of %zu blocking "
			"transports %s with %s; ",
			size, cpus, j->nmechs, base, bgap);
		if (!j->found) {
			fprintf(f,
				"no gap of the %zu measured more than %dx "
				"that\n",
				j->ngaps, IDLE_JUMP_FACTOR);
			continue;
		}
		format_ns((double)j->gap_ns, gap, sizeof(gap));
		format_ns((double)j->p50_ns, p50, sizeof(p50));
		fprintf(f, "jumps to %s at gap %s (more than %dx)\n", p50, gap,
			IDLE_JUMP_FACTOR);
	}
	if (idle->no_idle_asked)
		fprintf(f, "--no-idle: %s%s\n",
			idle->no_idle_held ? "/dev/cpu_dma_latency held at 0 "
					     "during the run"
					   : "not held: ",
			idle->no_idle_error);
}

void
output_table(FILE *f, const struct run_result *r, size_t n,
	     const struct meta *m)
{
	const struct run_result **g = calloc(n ? n : 1, sizeof(*g));
	unsigned char *done = calloc(n ? n : 1, 1);
	char line[512];

	if (g == NULL || done == NULL) {
		free(g);
		free(done);
		return;
	}
	if (m != NULL) {
		meta_line(m, line, sizeof(line));
		fprintf(f, "ipcbench on %s\n", line);
		meta_line_rtt(m, line, sizeof(line));
		if (line[0] != '\0')
			fprintf(f, "%s\n", line);
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++)
			if (!done[j] && same_group(&r[i], &r[j])) {
				g[k++] = &r[j];
				done[j] = 1;
			}
		qsort(g, k, sizeof(*g), cmp_rank);
		group_header(f, g[0], (int)g[0]->rounds);
		for (size_t j = 0; j < k; j++)
			table_row(f, g[j], (int)j + 1);
	}
	fprintf(f,
		"\ncpu/msg: CPU time (user + system) of both processes per "
		"round trip or message;\ncsw/msg: their context switches per "
		"round trip or message. MB = 10^6 bytes.\n");
	table_spread(f, r, n, m);
	if (m != NULL)
		table_jumps(f, &m->idle);
	free(g);
	free(done);
}

void
output_csv(FILE *f, const struct run_result *r, size_t n)
{
	fprintf(f, "%s\n", CSV_HEADER);
	for (size_t i = 0; i < n; i++) {
		const struct run_result *x = &r[i];
		char cpus[32];

		placement_format(x->cpus, cpus, sizeof(cpus));
		fprintf(f, "%s,%s,%zu,", x->t->name, pattern_name(x->pattern),
			x->size);
		if (x->status != RUN_OK) {
			fprintf(f, ",\"%s\",,,,,,,,,,,,%llu,%u,,,,\n", cpus,
				(unsigned long long)x->gap_ns, x->rounds);
			continue;
		}
		fprintf(f, "%lu,\"%s\",", x->count, cpus);
		if (x->pattern == PAT_LATENCY)
			fprintf(f, "%llu,%llu,%llu,%llu,%llu,%llu,%.1f,,,",
				(unsigned long long)x->rtt.min,
				(unsigned long long)x->rtt.p50,
				(unsigned long long)x->rtt.p90,
				(unsigned long long)x->rtt.p99,
				(unsigned long long)x->rtt.p999,
				(unsigned long long)x->rtt.max, x->rtt.mean);
		else
			fprintf(f, ",,,,,,,%.1f,%.3f,", x->msgs_per_s,
				x->mb_per_s);
		fprintf(f, "%.1f,%.3f,%llu,%u,", x->cpu_ns_per_msg,
			x->ctxsw_per_msg, (unsigned long long)x->gap_ns,
			x->rounds);
		if (x->pattern == PAT_LATENCY)
			fprintf(f, "%.0f,%.0f,,\n", x->spread_min,
				x->spread_max);
		else
			fprintf(f, ",,%.1f,%.1f\n", x->spread_min,
				x->spread_max);
	}
}

void
output_json(FILE *f, const struct run_result *r, size_t n, const struct meta *m)
{
	fprintf(f, "{\"meta\": ");
	meta_json(f, m);
	fprintf(f, ",\n\"results\": [");
	for (size_t i = 0; i < n; i++) {
		const struct run_result *x = &r[i];
		int ok = x->status == RUN_OK;
		char cpus[32];

		placement_format(x->cpus, cpus, sizeof(cpus));
		fprintf(f, "%s\n{\"mech\": ", i ? "," : "");
		json_string(f, x->t->name);
		fprintf(f, ", \"pattern\": \"%s\", \"size\": %zu, ",
			pattern_name(x->pattern), x->size);
		if (ok)
			fprintf(f, "\"count\": %lu, ", x->count);
		else
			fprintf(f, "\"count\": null, ");
		fprintf(f,
			"\"cpus\": \"%s\", \"gap_ns\": %llu, \"wait\": \"%s\", "
			"\"rtt_ns\": ",
			cpus, (unsigned long long)x->gap_ns,
			wait_name(x->t->wait));
		if (ok && x->pattern == PAT_LATENCY)
			fprintf(f,
				"{\"min\": %llu, \"p50\": %llu, \"p90\": %llu, "
				"\"p99\": %llu, \"p999\": %llu, \"max\": %llu, "
				"\"mean\": %.1f}",
				(unsigned long long)x->rtt.min,
				(unsigned long long)x->rtt.p50,
				(unsigned long long)x->rtt.p90,
				(unsigned long long)x->rtt.p99,
				(unsigned long long)x->rtt.p999,
				(unsigned long long)x->rtt.max, x->rtt.mean);
		else
			fprintf(f, "null");
		if (ok && x->pattern == PAT_THROUGHPUT)
			fprintf(f, ", \"msgs_per_s\": %.1f, \"mb_per_s\": %.3f",
				x->msgs_per_s, x->mb_per_s);
		else
			fprintf(f,
				", \"msgs_per_s\": null, \"mb_per_s\": null");
		if (ok)
			fprintf(f,
				", \"cpu_ns_per_msg\": %.1f, \"ctxsw_per_msg\": "
				"%.3f",
				x->cpu_ns_per_msg, x->ctxsw_per_msg);
		else
			fprintf(f, ", \"cpu_ns_per_msg\": null, "
				   "\"ctxsw_per_msg\": null");
		fprintf(f, ", \"rounds\": %u, \"spread\": ", x->rounds);
		if (ok && x->pattern == PAT_LATENCY)
			fprintf(f,
				"{\"p50_min_ns\": %.0f, \"p50_max_ns\": %.0f}",
				x->spread_min, x->spread_max);
		else if (ok)
			fprintf(f,
				"{\"msgs_per_s_min\": %.1f, "
				"\"msgs_per_s_max\": %.1f}",
				x->spread_min, x->spread_max);
		else
			fprintf(f, "null");
		fprintf(f, ", \"skipped\": ");
		if (x->status == RUN_SKIPPED)
			json_string(f, x->note);
		else
			fprintf(f, "null");
		fprintf(f, ", \"error\": ");
		if (x->status == RUN_FAILED)
			json_string(f, x->note);
		else
			fprintf(f, "null");
		fprintf(f, "}");
	}
	fprintf(f, "\n]}\n");
}

void
output_cdf(FILE *f, const struct run_result *r, size_t n)
{
	fprintf(f, "mech,size,cpus,fraction,ns,gap_ns\n");
	for (size_t i = 0; i < n; i++) {
		char cpus[32];

		if (r[i].status != RUN_OK || r[i].pattern != PAT_LATENCY)
			continue;
		placement_format(r[i].cpus, cpus, sizeof(cpus));
		for (size_t k = 0; k < r[i].cdf_len; k++)
			fprintf(f, "%s,%zu,\"%s\",%.6f,%llu,%llu\n",
				r[i].t->name, r[i].size, cpus, r[i].cdf[k].frac,
				(unsigned long long)r[i].cdf[k].ns,
				(unsigned long long)r[i].gap_ns);
	}
}

void
output_gnuplot_vars(FILE *f, const struct meta *m, struct placement sweep,
		    size_t small)
{
	char cpus[32];

	placement_format(sweep, cpus, sizeof(cpus));
	fprintf(f, "# written by ipcbench: what bench/plots.gp marks\n");
	fprintf(f, "sweep_label = \"%s\"\n", cpus);
	for (char *c = cpus; *c != '\0'; c++) /* as plots.gp reads it */
		if (*c == ',')
			*c = '-';
	fprintf(f, "PIPE_BUF = %ld\n", m->pipe_buf);
	fprintf(f, "pipe_buffer = %ld\n", m->pipe_size);
	fprintf(f, "msgsize_max = %ld\n",
		meta_limit_num(m, "fs/mqueue/msgsize_max", 8192));
	fprintf(f, "msgmax = %ld\n", meta_limit_num(m, "kernel/msgmax", 8192));
	fprintf(f, "sweep_cpus = \"%s\"\n", cpus);
	fprintf(f, "small = %zu\n", small);
	fprintf(f, "machine = \"%s, %ld CPUs, Linux\"\n", m->arch,
		m->cpus_online);
	/* The gap plot's mark: the first group's jump, -1 if none. */
	fprintf(f, "gap_jump_ns = %lld\n",
		m->idle.njumps > 0 && m->idle.jumps[0].found
			? (long long)m->idle.jumps[0].gap_ns
			: -1LL);
	fprintf(f, "no_idle = %d\n", m->idle.no_idle_held);
}
