/* meta.h - what a result file needs to explain itself: the machine, the
 * kernel, the CPUs, where the processes ran, and the IPC limits read from
 * /proc/sys that explain steps in the curves.
 */
#ifndef IPCLAB_META_H
#define IPCLAB_META_H

#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "idle.h"

#define META_LIMITS	 20
#define META_IDLE_CPUS	 16 /* CPUs whose idle states are recorded */
#define META_IDLE_STATES 10 /* idle states recorded a CPU */
#define META_IDLE_PARAMS 8  /* haltpoll parameters recorded */

/* One idle state of one CPU, from /sys/devices/system/cpu/cpuN/cpuidle. */
struct meta_idle_state {
	char name[32];	 /* "POLL", "C1", "haltpoll idle" */
	long latency_us; /* its exit latency; -1 if unreadable */
};

/* The machine's idle story: what a round trip after a gap may have to
 * wake from, whether the run kept the CPUs awake, and where the round
 * trips got slower.  Strings are "" where a file is missing. */
struct meta_idle {
	char driver[48], governor[48], governor_ro[48];
	struct meta_idle_state states[META_IDLE_CPUS][META_IDLE_STATES];
	size_t nstates[META_IDLE_CPUS]; /* by CPU number */
	size_t ncpus;			/* CPUs looked at */
	struct {
		char name[48], value[32];
	} haltpoll[META_IDLE_PARAMS]; /* /sys/module/haltpoll/parameters */
	size_t nhaltpoll;
	int haltpoll_module;		 /* whether that directory exists */
	int no_idle_asked, no_idle_held; /* --no-idle, and whether it took */
	char no_idle_error[128];	 /* why not, if it did not */
	struct idle_jump jumps[IDLE_JUMPS_MAX]; /* idle_jumps() of the run */
	size_t njumps;
};

struct meta_limit {
	const char *path; /* under /proc/sys: "fs/mqueue/msgsize_max" */
	char value[64];	  /* as read, spaces squeezed; "" if unreadable */
};

struct meta {
	char date[32];	       /* UTC, ISO 8601 */
	char version[64];      /* git describe of the build */
	char host[72];	       /* nodename */
	char kernel[200];      /* "Linux 6.18.44 #1 SMP ..." */
	char arch[72];	       /* "x86_64" */
	char cpu_model[128];   /* from /proc/cpuinfo */
	long cpus_online;      /* sysconf */
	char cpus_allowed[64]; /* this process's affinity, "0-1" */
	char clocksource[32];  /* tsc: clock_gettime never enters the kernel */
	char loadavg[64];      /* at the start: a busy machine shows here */
	long pipe_buf;	       /* PIPE_BUF: atomic pipe writes up to this */
	long pipe_size;	       /* a new pipe's buffer (F_GETPIPE_SZ) */
	struct placement pinning[PLACEMENTS_MAX];
	size_t npinning;
	struct meta_limit limits[META_LIMITS];
	size_t nlimits;
	struct meta_idle idle;
	/* One cache line bounced between two CPUs, measured at the start:
	 * the floor of shared memory's latency, and a sign of how far apart
	 * the host has put the CPUs (docs/bench.md). */
	struct placement line_cpus; /* the first two-CPU placement measured */
	long line_rtt_ns; /* p50 of LINE_ROUND_TRIPS; -1: not measured */
	/* How many CPUs' worth of time everything but this run used while
	 * it measured: the busy time of /proc/stat (steal included: a host
	 * that runs other guests takes it too) less the run's own CPU
	 * time, over its length; -1 if unknown (meta_others_end()). */
	double others_cpus;
	unsigned long long busy0_ns, ours0_ns, start_ns; /* at the start */
};

#define LINE_ROUND_TRIPS 20000

/* Fill m from this machine, with the placements the run measures. */
void meta_collect(struct meta *m, const struct placement *pins, size_t n);

/* Around the measurements: note the machine's busy time (/proc/stat:
 * user, nice, system, irq, softirq and steal) and this process's and its
 * reaped children's CPU time at the start; at the end, set
 * m->others_cpus from what the first grew by beyond the second. */
void meta_others_start(struct meta *m);
void meta_others_end(struct meta *m);

/* Whether the guest polls before it halts an idle vCPU: 1 (the haltpoll
 * cpuidle driver with guest_halt_poll_ns above 0), 0 (another driver, or
 * a limit of 0), -1 (cannot tell). */
int meta_idle_halt_polls(const struct meta_idle *idle);

/* Write m as a JSON object (no trailing newline). */
void meta_json(FILE *f, const struct meta *m);

/* One line: "host: Linux 6.18.44, x86_64, 2 CPUs (model)". */
void meta_line(const struct meta *m, char *buf, size_t len);

/* "cache line round trip, cpus 0,1: 140 ns" into buf; "" if m has none. */
void meta_line_rtt(const struct meta *m, char *buf, size_t len);

/* The value of a limit, as a number, or def if m lacks it. */
long meta_limit_num(const struct meta *m, const char *path, long def);

#endif
