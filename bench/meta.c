/* meta.c - the machine a result comes from: see meta.h. */
#define _GNU_SOURCE /* F_GETPIPE_SZ, sched_getaffinity */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "json.h"
#include "meta.h"

#ifndef IPCLAB_VERSION
#define IPCLAB_VERSION "unknown"
#endif

/* The limits that shape the curves, or cap what a transport carries. */
static const char *const limit_paths[] = {
	"fs/pipe-max-size",
	"fs/mqueue/msg_max",
	"fs/mqueue/msgsize_max",
	"fs/mqueue/queues_max",
	"kernel/msgmax",
	"kernel/msgmnb",
	"kernel/msgmni",
	"kernel/sem",
	"kernel/shmmax",
	"kernel/shmall",
	"kernel/shmmni",
	"net/core/rmem_default",
	"net/core/rmem_max",
	"net/core/wmem_default",
	"net/core/wmem_max",
	"net/unix/max_dgram_qlen",
	"net/ipv4/tcp_rmem",
	"net/ipv4/tcp_wmem",
	"kernel/sched_rt_runtime_us",
};

/* The first line of path into buf, whitespace runs squeezed to one
 * space; "" if it cannot be read. */
static void
read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t at = 0;

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL) {
		for (char *p = line; *p != '\0' && at + 1 < len; p++) {
			int space = *p == ' ' || *p == '\t' || *p == '\n';

			if (space && (at == 0 || buf[at - 1] == ' '))
				continue;
			buf[at++] = space ? ' ' : *p;
		}
		while (at > 0 && buf[at - 1] == ' ')
			at--;
		buf[at] = '\0';
	}
	fclose(f);
}

/* Whether s is a whole number that JSON may carry as one. */
static int
is_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n < 19 && s[n] == '\0';
}

/* The value after "model name : " in /proc/cpuinfo. */
static void
cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static void
affinity(char *buf, size_t len)
{
	cpu_set_t set;
	size_t at = 0;

	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return;
	for (int c = 0; c < CPU_SETSIZE && at + 1 < len; c++)
		if (CPU_ISSET(c, &set))
			at += (size_t)snprintf(buf + at, len - at, "%s%d",
					       at ? "," : "", c);
}

/* ---- the cache line's round trip --------------------------------------- */

/* A bounced line's state, and the p50 the timing side found. */
struct bounce {
	_Atomic unsigned long
		moves; /* odd after side 0's move, even after 1's */
	char pad[64 - sizeof(unsigned long)];
	long p50_ns;
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* One side of the bounce, in a child pinned to cpu: wait for the other
 * side's move, make ours.  Side 0 times its round trips and stores their
 * p50.  alarm() ends a side whose peer never came. */
static void __attribute__((noreturn))
bounce_side(struct bounce *b, int side, int cpu, uint64_t *rtt)
{
	unsigned long warm = LINE_ROUND_TRIPS / 10, n = warm + LINE_ROUND_TRIPS;
	cpu_set_t set;

	alarm(5);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		_exit(1);
	for (unsigned long i = 0; i < n; i++) {
		uint64_t t0 = clock_ns();
		unsigned long mine = 2 * i + 1 + (unsigned long)side;

		if (side == 0)
			atomic_store_explicit(&b->moves, mine,
					      memory_order_release);
		while (atomic_load_explicit(&b->moves, memory_order_acquire) <
		       (side == 0 ? mine + 1 : mine - 1))
			;
		if (side == 1)
			atomic_store_explicit(&b->moves, mine,
					      memory_order_release);
		else if (i >= warm)
			rtt[i - warm] = clock_ns() - t0;
	}
	if (side == 0) {
		qsort(rtt, LINE_ROUND_TRIPS, sizeof(*rtt), cmp_u64);
		b->p50_ns = (long)rtt[LINE_ROUND_TRIPS / 2];
	}
	_exit(0);
}

/* Bounce one cache line between the CPUs of the first placement that has
 * two (as ipcbench-bare's line mode does), in two children, so that this
 * process keeps its own affinity; -1 if there is none, or it failed. */
static void
line_rtt_collect(struct meta *m, const struct placement *pins, size_t n)
{
	struct bounce *b;
	uint64_t *rtt;
	pid_t pid[2];
	int ok = 1;
	cpu_set_t set;

	m->line_rtt_ns = -1;
	m->line_cpus = PLACEMENT_ANY;
	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return;
	for (size_t i = 0; i < n && m->line_cpus.a < 0; i++)
		if (pins[i].a >= 0 && pins[i].b >= 0 &&
		    pins[i].a != pins[i].b && pins[i].a < CPU_SETSIZE &&
		    pins[i].b < CPU_SETSIZE && CPU_ISSET(pins[i].a, &set) &&
		    CPU_ISSET(pins[i].b, &set))
			m->line_cpus = pins[i];
	if (m->line_cpus.a < 0)
		return; /* no placement on two CPUs this process may use */
	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return;
	b->p50_ns = -1;
	rtt = malloc(LINE_ROUND_TRIPS * sizeof(*rtt));
	fflush(NULL);
	for (int s = 0; s < 2; s++) {
		pid[s] = rtt == NULL ? -1 : fork();
		if (pid[s] == 0)
			bounce_side(b, s, s ? m->line_cpus.b : m->line_cpus.a,
				    rtt);
	}
	for (int s = 0; s < 2; s++) {
		int status;

		if (pid[s] == -1 || waitpid(pid[s], &status, 0) == -1 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			ok = 0;
			if (s == 0 && pid[1] > 0) /* its peer would wait */
				kill(pid[1], SIGKILL);
		}
	}
	if (ok)
		m->line_rtt_ns = b->p50_ns;
	free(rtt);
	munmap(b, sizeof(*b));
}

static void
line_rtt_json(FILE *f, const struct meta *m)
{
	char where[32];

	placement_format(m->line_cpus, where, sizeof(where));
	fprintf(f, ", \"cache_line\": {\"cpus\": ");
	if (m->line_cpus.a < 0)
		fprintf(f, "null");
	else
		json_string(f, where);
	if (m->line_rtt_ns < 0)
		fprintf(f, ", \"rtt_p50_ns\": null");
	else
		fprintf(f, ", \"rtt_p50_ns\": %ld", m->line_rtt_ns);
	fprintf(f,
		", \"round_trips\": %d, \"note\": \"one cache line bounced "
		"between the two CPUs by polling, at the start of the run: "
		"the floor of shared memory, and how far apart the CPUs "
		"are\"}",
		LINE_ROUND_TRIPS);
}

void
meta_line_rtt(const struct meta *m, char *buf, size_t len)
{
	char where[32];

	buf[0] = '\0';
	if (m->line_rtt_ns < 0)
		return;
	placement_format(m->line_cpus, where, sizeof(where));
	snprintf(buf, len, "cache line round trip, cpus %s: %ld ns", where,
		 m->line_rtt_ns);
}

#define CPUIDLE	 "/sys/devices/system/cpu/cpuidle/"
#define HALTPOLL "/sys/module/haltpoll/parameters"

/* The idle states of every CPU, the cpuidle driver and governor, and the
 * guest's halt-polling parameters; what is missing stays "" or 0. */
static void
meta_idle_collect(struct meta_idle *idle)
{
	DIR *d;
	struct dirent *e;

	read_line(CPUIDLE "current_driver", idle->driver, sizeof(idle->driver));
	read_line(CPUIDLE "current_governor", idle->governor,
		  sizeof(idle->governor));
	read_line(CPUIDLE "current_governor_ro", idle->governor_ro,
		  sizeof(idle->governor_ro));
	for (size_t c = 0; c < META_IDLE_CPUS; c++) {
		for (size_t k = 0; k < META_IDLE_STATES; k++) {
			struct meta_idle_state *st = &idle->states[c][k];
			char path[128], num[32];

			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%zu/cpuidle/"
				 "state%zu/name",
				 c, k);
			read_line(path, st->name, sizeof(st->name));
			if (st->name[0] == '\0')
				break;
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%zu/cpuidle/"
				 "state%zu/latency",
				 c, k);
			read_line(path, num, sizeof(num));
			st->latency_us = is_number(num) ? atol(num) : -1;
			idle->nstates[c] = k + 1;
		}
		if (idle->nstates[c] > 0)
			idle->ncpus = c + 1;
	}
	if ((d = opendir(HALTPOLL)) == NULL)
		return;
	idle->haltpoll_module = 1;
	while ((e = readdir(d)) != NULL && idle->nhaltpoll < META_IDLE_PARAMS) {
		char path[320];

		if (e->d_name[0] == '.' ||
		    strlen(e->d_name) >= sizeof(idle->haltpoll[0].name))
			continue;
		memcpy(idle->haltpoll[idle->nhaltpoll].name, e->d_name,
		       strlen(e->d_name) + 1);
		snprintf(path, sizeof(path), HALTPOLL "/%s", e->d_name);
		read_line(path, idle->haltpoll[idle->nhaltpoll].value,
			  sizeof(idle->haltpoll[0].value));
		idle->nhaltpoll++;
	}
	closedir(d);
}

void
meta_collect(struct meta *m, const struct placement *pins, size_t n)
{
	struct utsname u;
	time_t now = time(NULL);
	char l1[16], l5[16], l15[16];
	int p[2];

	memset(m, 0, sizeof(*m));
	m->others_cpus = -1;
	strftime(m->date, sizeof(m->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	snprintf(m->version, sizeof(m->version), "%s", IPCLAB_VERSION);
	if (uname(&u) == 0) {
		snprintf(m->host, sizeof(m->host), "%s", u.nodename);
		snprintf(m->kernel, sizeof(m->kernel), "%s %s %s", u.sysname,
			 u.release, u.version);
		snprintf(m->arch, sizeof(m->arch), "%s", u.machine);
	}
	cpu_model(m->cpu_model, sizeof(m->cpu_model));
	m->cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
	affinity(m->cpus_allowed, sizeof(m->cpus_allowed));
	read_line("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource",
		  m->clocksource, sizeof(m->clocksource));
	read_line("/proc/loadavg", m->loadavg, sizeof(m->loadavg));
	if (sscanf(m->loadavg, "%15s %15s %15s", l1, l5, l15) == 3)
		snprintf(m->loadavg, sizeof(m->loadavg), "%s %s %s", l1, l5,
			 l15); /* over 1, 5 and 15 minutes */
	m->pipe_buf = PIPE_BUF;
	if (pipe(p) == 0) {
		m->pipe_size = fcntl(p[0], F_GETPIPE_SZ);
		close(p[0]);
		close(p[1]);
	}
	for (size_t i = 0; i < n && i < PLACEMENTS_MAX; i++)
		m->pinning[m->npinning++] = pins[i];
	for (size_t i = 0; i < sizeof(limit_paths) / sizeof(limit_paths[0]) &&
			   i < META_LIMITS;
	     i++) {
		char path[128];
		struct meta_limit *l = &m->limits[m->nlimits++];

		l->path = limit_paths[i];
		snprintf(path, sizeof(path), "/proc/sys/%s", l->path);
		read_line(path, l->value, sizeof(l->value));
	}
	meta_idle_collect(&m->idle);
	line_rtt_collect(m, pins, n);
}

long
meta_limit_num(const struct meta *m, const char *path, long def)
{
	for (size_t i = 0; i < m->nlimits; i++) {
		char *end;
		long v;

		if (strcmp(m->limits[i].path, path) != 0)
			continue;
		v = strtol(m->limits[i].value, &end, 10);
		return end != m->limits[i].value && *end == '\0' ? v : def;
	}
	return def;
}

int
meta_idle_halt_polls(const struct meta_idle *idle)
{
	if (idle->driver[0] == '\0')
		return -1;
	if (strcmp(idle->driver, "haltpoll") != 0)
		return 0;
	for (size_t i = 0; i < idle->nhaltpoll; i++)
		if (strcmp(idle->haltpoll[i].name, "guest_halt_poll_ns") == 0)
			return is_number(idle->haltpoll[i].value)
				       ? atol(idle->haltpoll[i].value) > 0
				       : -1;
	return -1;
}

/* ", \"key\": " then value as a JSON string, or null if it is "". */
static void
json_or_null(FILE *f, const char *key, const char *value)
{
	fprintf(f, ", ");
	json_string(f, key);
	fprintf(f, ": ");
	if (value[0] == '\0')
		fprintf(f, "null");
	else
		json_string(f, value);
}

/* "idle": the cpuidle driver, governor and states, halt polling,
 * --no-idle, and where the round trips jumped with the gap. */
static void
meta_idle_json(FILE *f, const struct meta_idle *idle)
{
	int polls = meta_idle_halt_polls(idle);
	char where[32];
	size_t any = 0;

	fprintf(f, ", \"idle\": {\"note\": \"cpuidle from "
		   "/sys/devices/system/cpu; latency_us is a state's exit "
		   "latency\"");
	json_or_null(f, "cpuidle_driver", idle->driver);
	json_or_null(f, "cpuidle_governor", idle->governor);
	json_or_null(f, "cpuidle_governor_ro", idle->governor_ro);
	fprintf(f, ", \"states\": ");
	for (size_t c = 0; c < idle->ncpus; c++) {
		if (idle->nstates[c] == 0)
			continue;
		fprintf(f, "%s\"cpu%zu\": [", any++ ? ", " : "{", c);
		for (size_t k = 0; k < idle->nstates[c]; k++) {
			const struct meta_idle_state *st = &idle->states[c][k];

			fprintf(f,
				"%s{\"state\": %zu, \"name\": ", k ? ", " : "",
				k);
			json_string(f, st->name);
			if (st->latency_us < 0)
				fprintf(f, ", \"latency_us\": null}");
			else
				fprintf(f, ", \"latency_us\": %ld}",
					st->latency_us);
		}
		fputc(']', f);
	}
	fprintf(f, "%s, \"haltpoll_parameters\": ", any ? "}" : "null");
	if (!idle->haltpoll_module)
		fprintf(f, "null");
	else
		fputc('{', f);
	for (size_t i = 0; idle->haltpoll_module && i < idle->nhaltpoll; i++) {
		const char *v = idle->haltpoll[i].value;

		fprintf(f, "%s", i ? ", " : "");
		json_string(f, idle->haltpoll[i].name);
		fprintf(f, ": ");
		if (is_number(v))
			fprintf(f, "%s", v);
		else if (v[0] == '\0')
			fprintf(f, "null");
		else
			json_string(f, v);
	}
	if (idle->haltpoll_module)
		fputc('}', f);
	fprintf(f, ", \"guest_halt_polls\": %s",
		polls < 0 ? "null"
		: polls	  ? "true"
			  : "false");
	fprintf(f,
		", \"no_idle\": {\"asked\": %s, \"held\": %s, "
		"\"error\": ",
		idle->no_idle_asked ? "true" : "false",
		idle->no_idle_held ? "true" : "false");
	if (idle->no_idle_error[0] == '\0')
		fprintf(f, "null}");
	else {
		json_string(f, idle->no_idle_error);
		fputc('}', f);
	}
	fprintf(f,
		", \"gap_jump_rule\": \"the smallest gap at which the "
		"median p50 of the blocking transports exceeds %d times "
		"their median p50 at the smallest gap measured\", "
		"\"gap_jumps\": [",
		IDLE_JUMP_FACTOR);
	for (size_t i = 0; i < idle->njumps; i++) {
		const struct idle_jump *j = &idle->jumps[i];

		placement_format(j->cpus, where, sizeof(where));
		fprintf(f,
			"%s{\"cpus\": \"%s\", \"size\": %zu, \"gaps\": %zu, "
			"\"blocking_mechs\": %zu, \"base_gap_ns\": %llu, "
			"\"base_p50_ns\": %llu, ",
			i ? ", " : "", where, j->size, j->ngaps, j->nmechs,
			(unsigned long long)j->base_gap_ns,
			(unsigned long long)j->base_p50_ns);
		if (j->found)
			fprintf(f, "\"gap_ns\": %llu, \"p50_ns\": %llu}",
				(unsigned long long)j->gap_ns,
				(unsigned long long)j->p50_ns);
		else
			fprintf(f, "\"gap_ns\": null, \"p50_ns\": null}");
	}
	fprintf(f, "]}");
}

/* The busy time of every CPU so far, in ns; 0 if unreadable. */
static unsigned long long
busy_ns(void)
{
	unsigned long long v[8] = {0}, busy;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *in = fopen("/proc/stat", "r");
	int n;

	if (in == NULL)
		return 0;
	/* cpu  user nice system idle iowait irq softirq steal ... */
	n = fscanf(in, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(in);
	if (n != 8 || hz <= 0)
		return 0;
	busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return busy * (1000000000ULL / (unsigned long long)hz);
}

/* user + system time of who (RUSAGE_SELF, RUSAGE_CHILDREN), in ns. */
static unsigned long long
used_ns(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) == -1)
		return 0;
	return ((unsigned long long)ru.ru_utime.tv_sec +
		(unsigned long long)ru.ru_stime.tv_sec) *
		       1000000000ULL +
	       ((unsigned long long)ru.ru_utime.tv_usec +
		(unsigned long long)ru.ru_stime.tv_usec) *
		       1000ULL;
}

/* What this process and its reaped children used so far, in ns. */
static unsigned long long
ours_ns(void)
{
	return used_ns(RUSAGE_SELF) + used_ns(RUSAGE_CHILDREN);
}

void
meta_others_start(struct meta *m)
{
	m->busy0_ns = busy_ns();
	m->ours0_ns = ours_ns();
	m->start_ns = clock_ns();
}

void
meta_others_end(struct meta *m)
{
	unsigned long long busy = busy_ns() - m->busy0_ns;
	unsigned long long ours = ours_ns() - m->ours0_ns;
	unsigned long long elapsed = clock_ns() - m->start_ns;

	m->others_cpus = -1;
	if (m->busy0_ns == 0 || busy_ns() == 0 || elapsed == 0)
		return;
	m->others_cpus =
		busy > ours ? (double)(busy - ours) / (double)elapsed : 0;
}

void
meta_json(FILE *f, const struct meta *m)
{
	char where[32];

	fputc('{', f);
	json_field(f, "", "date", m->date);
	json_field(f, ", ", "version", m->version);
	json_field(f, ", ", "tool", "ipcbench");
	fprintf(f, ", \"machine\": {");
	json_field(f, "", "host", m->host);
	json_field(f, ", ", "arch", m->arch);
	json_field(f, ", ", "cpu_model", m->cpu_model);
	json_field(f, ", ", "clocksource", m->clocksource);
	json_field(f, ", ", "loadavg_at_start", m->loadavg);
	if (m->others_cpus >= 0)
		fprintf(f, ", \"others_cpus_during_run\": %.2f",
			m->others_cpus);
	else
		fprintf(f, ", \"others_cpus_during_run\": null");
	fputc('}', f);
	line_rtt_json(f, m);
	json_field(f, ", ", "kernel", m->kernel);
	fprintf(f,
		", \"cpus\": {\"online\": %ld, \"allowed\": ", m->cpus_online);
	json_string(f, m->cpus_allowed);
	fprintf(f, "}, \"pinning\": [");
	for (size_t i = 0; i < m->npinning; i++) {
		placement_format(m->pinning[i], where, sizeof(where));
		fprintf(f, "%s", i ? ", " : "");
		json_string(f, where);
	}
	fprintf(f, "], \"pinning_note\": \"cpus A,B: client pinned to CPU A, "
		   "server to CPU B (sched_setaffinity); any: not pinned\"");
	fprintf(f, ", \"ipc_limits\": {\"PIPE_BUF\": %ld, \"pipe_buffer\": %ld",
		m->pipe_buf, m->pipe_size);
	for (size_t i = 0; i < m->nlimits; i++) {
		const struct meta_limit *l = &m->limits[i];

		fprintf(f, ", ");
		json_string(f, l->path);
		if (l->value[0] == '\0')
			fprintf(f, ": null");
		else if (is_number(l->value))
			fprintf(f, ": %s", l->value);
		else {
			fprintf(f, ": ");
			json_string(f, l->value);
		}
	}
	fputc('}', f);
	meta_idle_json(f, &m->idle);
	fputc('}', f);
}

void
meta_line(const struct meta *m, char *buf, size_t len)
{
	char release[64] = "?";

	sscanf(m->kernel, "%*s %63s", release);
	snprintf(buf, len, "%s: Linux %s %s, %ld CPUs (%s), clock %s, load %s",
		 m->host, release, m->arch, m->cpus_online, m->cpu_model,
		 m->clocksource, m->loadavg);
}
