/* meta.h - what a result file needs to explain itself: the machine, the
 * kernel, the CPUs, where the processes ran, and the IPC limits read from
 * /proc/sys that explain steps in the curves.
 */
#ifndef IPCLAB_META_H
#define IPCLAB_META_H

#include <stddef.h>
#include <stdio.h>

#include "engine.h"

#define META_LIMITS 20

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
	/* One cache line bounced between two CPUs, measured at the start:
	 * the floor of shared memory's latency, and a sign of how far apart
	 * the host has put the CPUs (docs/bench.md). */
	struct placement line_cpus; /* the first two-CPU placement measured */
	long line_rtt_ns;	    /* p50 of LINE_ROUND_TRIPS; -1: not measured */
};

#define LINE_ROUND_TRIPS 20000

/* Fill m from this machine, with the placements the run measures. */
void meta_collect(struct meta *m, const struct placement *pins, size_t n);

/* Write m as a JSON object (no trailing newline). */
void meta_json(FILE *f, const struct meta *m);

/* One line: "host: Linux 6.18.44, x86_64, 2 CPUs (model)". */
void meta_line(const struct meta *m, char *buf, size_t len);

/* "cache line round trip, cpus 0,1: 140 ns" into buf; "" if m has none. */
void meta_line_rtt(const struct meta *m, char *buf, size_t len);

/* The value of a limit, as a number, or def if m lacks it. */
long meta_limit_num(const struct meta *m, const char *path, long def);

#endif
