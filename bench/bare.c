/* bare.c - the yardstick for ipcbench: the same system calls, nothing else.
 *
 *   $ build/bin/ipcbench-bare -n 20000 pipe socket-unix line
 *   pipe 0,1 p50_ns 23110
 *   ...
 *
 * For each mode, a client and a server process (pinned to CPUs 0 and 1, as
 * ipcbench pins them by default) bounce 64 bytes back and forth with the
 * bare system calls a transport makes, and the client prints the median
 * round trip.  No payload is written or checked, no function table is
 * called through, nothing is allocated: if ipcbench's p50 for a transport
 * is close to this loop's, ipcbench measures the mechanism, not itself.
 * "line" is the floor for shared memory: one cache line bounced between
 * the two processes by busy-polling.
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "parse.h"

#define SIZE 64

static int up[2], down[2]; /* client -> server, server -> client */
static char buf[SIZE];
static _Atomic unsigned long *line; /* the bounced cache line */

static void
setup_pipe(void)
{
	if (pipe(up) == -1 || pipe(down) == -1)
		die_errno("pipe");
}

static void
setup_socketpair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		die_errno("socketpair");
	up[1] = down[0] = sv[0]; /* the client's end, both ways */
	up[0] = down[1] = sv[1];
}

static void
setup_line(void)
{
	line = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (line == MAP_FAILED)
		die_errno("mmap");
}

/* One round trip (client) or one echo (server) over up/down. */
static void
rw_client(unsigned long i)
{
	(void)i;
	if (write(up[1], buf, SIZE) != SIZE || read(down[0], buf, SIZE) != SIZE)
		die_errno("client write/read");
}

static void
rw_server(unsigned long i)
{
	(void)i;
	if (read(up[0], buf, SIZE) != SIZE || write(down[1], buf, SIZE) != SIZE)
		die_errno("server read/write");
}

/* The line holds 2i before round trip i, the client makes it 2i + 1,
 * the server 2i + 2. */
static void
line_client(unsigned long i)
{
	atomic_store_explicit(line, 2 * i + 1, memory_order_release);
	while (atomic_load_explicit(line, memory_order_acquire) != 2 * i + 2)
		;
}

static void
line_server(unsigned long i)
{
	while (atomic_load_explicit(line, memory_order_acquire) != 2 * i + 1)
		;
	atomic_store_explicit(line, 2 * i + 2, memory_order_release);
}

static const struct mode {
	const char *name;
	void (*setup)(void);
	void (*client)(unsigned long i);
	void (*server)(unsigned long i);
} modes[] = {
	{"pipe", setup_pipe, rw_client, rw_server},
	{"socket-unix", setup_socketpair, rw_client, rw_server},
	{"line", setup_line, line_client, line_server},
};

static void
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		die_errno("sched_setaffinity %d", cpu);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Run mode m: warm-up round trips, then count timed ones; print the p50. */
static void
run(const struct mode *m, unsigned long count, int cpu_a, int cpu_b,
    uint64_t *rtt)
{
	unsigned long warm = count / 10, i;
	int status;
	pid_t server;

	m->setup();
	server = fork();
	if (server == -1)
		die_errno("fork");
	if (server == 0) {
		pin(cpu_b);
		for (i = 0; i < warm + count; i++)
			m->server(i);
		_exit(0);
	}
	pin(cpu_a);
	for (i = 0; i < warm; i++)
		m->client(i);
	for (i = 0; i < count; i++) {
		uint64_t t0 = clock_ns();

		m->client(warm + i);
		rtt[i] = clock_ns() - t0;
	}
	if (waitpid(server, &status, 0) == -1 || status != 0)
		die("%s: the server failed", m->name);
	qsort(rtt, count, sizeof(*rtt), cmp_u64);
	printf("%s %d,%d p50_ns %llu\n", m->name, cpu_a, cpu_b,
	       (unsigned long long)rtt[count / 2]);
	fflush(stdout);
}

static void
usage(FILE *to)
{
	fprintf(to,
		"usage: %s [-n COUNT] [-c A,B] MODE...\n"
		"modes:",
		prog_name());
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(to, " %s", modes[i].name);
	fprintf(to, "\n");
}

int
main(int argc, char **argv)
{
	unsigned long count = 20000, a = 0, b = 1;
	uint64_t *rtt;
	int opt;

	while ((opt = getopt(argc, argv, "hn:c:")) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		} else if (opt == 'n' &&
			   parse_uint(optarg, 1, 10000000, &count) == 0) {
			continue;
		} else if (opt == 'c' &&
			   sscanf(optarg, "%lu,%lu", &a, &b) == 2) {
			continue;
		}
		usage(stderr);
		return 2;
	}
	if (optind == argc || (rtt = malloc(count * sizeof(*rtt))) == NULL) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		const struct mode *m = NULL;

		for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
			if (strcmp(modes[k].name, argv[i]) == 0)
				m = &modes[k];
		if (m == NULL) {
			warn_msg("no mode %s", argv[i]);
			usage(stderr);
			return 2;
		}
		run(m, count, (int)a, (int)b, rtt);
	}
	free(rtt);
	return 0;
}
