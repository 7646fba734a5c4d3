/* test_killpoints.c - every demo pair and every ipcbench transport,
 * killed at a random moment with SIGINT, SIGTERM or SIGKILL.
 *
 *   make build/bin/test_killpoints && build/bin/test_killpoints
 *   IPCLAB_KILLPOINTS=300 IPCLAB_SEED=42 build/bin/test_killpoints
 *   make soak
 *
 * A kill point is: a case from the table below (a pair, or ipcbench with
 * one transport), started under a fresh unique name; after a random delay
 * a signal goes to the server, the client or both.  Then:
 *   - no process of the case still runs 20 s later;
 *   - after SIGINT or SIGTERM nothing of the name is left;
 *   - after SIGKILL, `ipclab-ipcs -N NAME --clean` leaves nothing (tried
 *     again for up to SWEEP_GRACE_S + 5 s: a System V set nobody has used
 *     yet counts as live for SWEEP_GRACE_S seconds).
 * Six fixed points come first (SIGKILL to fifo_reader, socket_unix_server,
 * socket_unix_dgram, and ipcbench's fifo, socket-unix and sem-posix), then
 * random ones, drawn from a seed (IPCLAB_SEED, or the time), printed
 * first, so a failure can be run again.  `make test` runs a bounded sample
 * (IPCLAB_KILLPOINTS, default 12, and no new point after 35 s); `make
 * soak` runs many more.  To add a demo pair, add a line to the table.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "io.h"
#include "names.h"
#include "proc.h"
#include "sweep.h"

#define MAX_ARGS       16
#define SURVIVE_MS     20000 /* no process of a case runs longer after */
#define BUDGET_S       35    /* make test: no new point after this */
#define DEFAULT_POINTS 12

/* One case: the server's argument vector, and the client's (or none).
 * Tokens: NAME is the point's unique name; ADDR what the server printed
 * after "listening on"; PID the server's pid; TRANSPORT the transport. */
struct kcase {
	const char *label;
	unsigned max_ms; /* kill within this long: the case still runs */
	const char *server[MAX_ARGS];
	const char *client[MAX_ARGS];
};

/* The demo pairs (and single programs that fork their own peer). */
static const struct kcase pairs[] = {
	{"shm-sysv",
	 800,
	 {"shm_sysv_writer", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"},
	 {"shm_sysv_reader", "-N", "NAME", "-t", "3"}},
	{"shm-posix",
	 800,
	 {"shm_posix_writer", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"},
	 {"shm_posix_reader", "-N", "NAME", "-t", "3"}},
	{"sem-sysv",
	 800,
	 {"sem_sysv_worker", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"},
	 {"sem_sysv_worker", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"}},
	{"sem-posix",
	 800,
	 {"sem_posix_worker", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"},
	 {"sem_posix_worker", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"}},
	{"sem-posix-prodcons",
	 800,
	 {"sem_posix_prodcons", "-N", "NAME", "-n", "20"},
	 {NULL}},
	{"msgq-sysv",
	 800,
	 {"msgq_sysv_send", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"},
	 {"msgq_sysv_recv", "-N", "NAME", "-t", "3"}},
	{"msgq-posix",
	 800,
	 {"msgq_posix_send", "-N", "NAME", "-n", "20", "-i", "50", "-t", "3"},
	 {"msgq_posix_recv", "-N", "NAME", "-t", "3"}},
	{"fifo",
	 800,
	 {"fifo_reader", "-N", "NAME", "-t", "3"},
	 {"fifo_writer", "-p", "ADDR", "-n", "20", "-i", "50", "-t", "3"}},
	{"socket-unix",
	 800,
	 {"socket_unix_server", "-N", "NAME", "-t", "3"},
	 {"socket_unix_client", "-p", "ADDR", "-n", "20", "-i", "50"}},
	{"socket-unix-dgram",
	 300, /* it reads after 300 ms, then is done */
	 {"socket_unix_dgram", "-N", "NAME", "-n", "14"},
	 {NULL}},
	{"socket-tcp",
	 800,
	 {"socket_tcp_server", "-l", "127.0.0.1:0", "-t", "3"},
	 {"socket_tcp_client", "-c", "ADDR", "-n", "20", "-i", "50"}},
	{"signal",
	 800,
	 {"signal_sigqueue_receiver", "-t", "3"},
	 {"signal_sigqueue_sender", "-p", "PID", "-n", "20", "-i", "50", "-t",
	  "3"}},
};

/* ipcbench, once for each transport of --list. */
static const struct kcase bench = {
	"ipcbench",
	800, /* a million round trips: it runs until killed */
	{"ipcbench", "-m", "TRANSPORT", "-N", "NAME", "-p", "latency", "-s",
	 "64", "-n", "1000000", "--cpus", "any", "-q", "--timeout", "5"},
	{NULL},
};

static char transports[32][32];
static int ntransports;

/* Read `ipcbench --list`: the first word of each line. */
static void
list_transports(void)
{
	struct proc p;
	char *line, *save;

	assert_int_equal(proc_start(&p, "ipcbench", "--list", NULL), 0);
	assert_int_equal(proc_wait(&p, 10000), 0);
	assert_code(&p, 0);
	for (line = strtok_r(p.out, "\n", &save);
	     line != NULL && ntransports < 32;
	     line = strtok_r(NULL, "\n", &save))
		sscanf(line, "%31s", transports[ntransports++]);
	proc_free(&p);
	assert_true(ntransports > 0);
}

/* Start argv (tokens replaced) as p. */
static void
start(struct proc *p, const char *const *tmpl, const char *name,
      const char *addr, pid_t pid, const char *transport)
{
	const char *argv[MAX_ARGS + 1];
	char pidbuf[24];
	int n;

	snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)pid);
	for (n = 0; n < MAX_ARGS && tmpl[n] != NULL; n++) {
		const char *a = tmpl[n];

		argv[n] = strcmp(a, "NAME") == 0	? name
			  : strcmp(a, "ADDR") == 0	? addr
			  : strcmp(a, "PID") == 0	? pidbuf
			  : strcmp(a, "TRANSPORT") == 0 ? transport
							: a;
	}
	argv[n] = NULL;
	/* proc_start takes a list: pass the vector's first 16 slots. */
	assert_int_equal(proc_start(p, argv[0], argv[1], argv[2], argv[3],
				    argv[4], argv[5], argv[6], argv[7], argv[8],
				    argv[9], argv[10], argv[11], argv[12],
				    argv[13], argv[14], argv[15], NULL),
			 0);
}

/* Whether the server prints an address the client needs first. */
static int
needs_addr(const struct kcase *c)
{
	for (int i = 0; i < MAX_ARGS && c->client[i] != NULL; i++)
		if (strcmp(c->client[i], "ADDR") == 0)
			return 1;
	return 0;
}

static const char *
sig_name(int sig)
{
	return sig == SIGINT ? "INT" : sig == SIGTERM ? "TERM" : "KILL";
}

/* A running process (not a zombie, not us) whose command line holds name:
 * a program of the case, or a child it forked (ipcbench's sides,
 * socket_unix_dgram's sender), which the harness does not wait for.
 * Returns its pid, or 0. */
static pid_t
runs_with_name(const char *name)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	assert_non_null(proc);
	while (found == 0 && (e = readdir(proc)) != NULL) {
		pid_t pid = (pid_t)atol(e->d_name);
		char path[64], buf[4096];
		ssize_t n;
		int fd;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0) /* a zombie has an empty command line */
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		if (strstr(buf, name) != NULL && pid_alive(pid))
			found = pid;
	}
	closedir(proc);
	return found;
}

/* One kill point: returns after asserting what it must. */
static void
kill_point(const struct kcase *c, const char *transport, int sig,
	   unsigned delay_ms, int target)
{
	char name[NAMES_SHORT_MAX], addr[256] = "";
	struct proc s, k;
	int has_client = c->client[0] != NULL, left = 0;
	pid_t survivor;
	uint64_t end;

	assert_int_equal(names_unique(name, sizeof(name), "kp"), 0);
	printf("kill point: %s%s%s, SIG%s after %u ms to %s\n", c->label,
	       transport ? " " : "", transport ? transport : "", sig_name(sig),
	       delay_ms,
	       !has_client   ? "it"
	       : target == 0 ? "server"
	       : target == 1 ? "client"
			     : "both");
	start(&s, c->server, name, "", 0, transport);
	if (has_client) {
		if (needs_addr(c))
			proc_listening_on(&s, addr, sizeof(addr), 10000);
		start(&k, c->client, name, addr, s.pid, transport);
	}
	sleep_ms(delay_ms);
	if (!has_client || target != 1)
		kill(s.pid, sig);
	if (has_client && target != 0)
		kill(k.pid, sig);
	/* No survivor: each ends within SURVIVE_MS (proc_wait kills it and
	 * fails otherwise). */
	if (proc_wait(&s, SURVIVE_MS) != 0)
		fail_msg("%s%s%s: the server still ran %d s after SIG%s",
			 c->label, transport ? " " : "",
			 transport ? transport : "", SURVIVE_MS / 1000,
			 sig_name(sig));
	if (has_client && proc_wait(&k, SURVIVE_MS) != 0)
		fail_msg("%s: the client still ran %d s after SIG%s", c->label,
			 SURVIVE_MS / 1000, sig_name(sig));
	/* Nor any process they forked. */
	end = clock_ns() + SURVIVE_MS * (uint64_t)1000000;
	while ((survivor = runs_with_name(name)) != 0 && clock_ns() < end)
		sleep_ms(100);
	if (survivor != 0) {
		kill(survivor, SIGKILL);
		fail_msg("%s%s%s: process %ld still ran %d s after SIG%s",
			 c->label, transport ? " " : "",
			 transport ? transport : "", (long)survivor,
			 SURVIVE_MS / 1000, sig_name(sig));
	}
	if (sig != SIGKILL) {
		left = objects_alive(name);
	} else {
		/* What SIGKILL left, ipclab-ipcs --clean removes. */
		end = clock_ns() + (SWEEP_GRACE_S + 5) * NS_PER_S;
		while ((left = objects_alive(name)) != 0 && clock_ns() < end) {
			struct proc i;

			assert_int_equal(proc_start(&i, "ipclab-ipcs", "-N",
						    name, "--clean", NULL),
					 0);
			assert_int_equal(proc_wait(&i, 10000), 0);
			assert_code(&i, 0);
			proc_free(&i);
			if ((left = objects_alive(name)) != 0)
				sleep_ms(500);
		}
	}
	if (left != 0) {
		struct proc i; /* say what was left, and who held it */

		if (proc_start(&i, "ipclab-ipcs", "-N", name, NULL) == 0 &&
		    proc_wait(&i, 10000) == 0)
			printf("%s", i.out);
		proc_free(&i);
		objects_remove(name);
		fail_msg("%s%s%s: %d object(s) of %s left after SIG%s%s",
			 c->label, transport ? " " : "",
			 transport ? transport : "", left, name, sig_name(sig),
			 sig == SIGKILL ? " and ipclab-ipcs --clean" : "");
	}
	proc_free(&s);
	if (has_client)
		proc_free(&k);
}

static void
random_kill_points(void **state)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGKILL};
	const char *env = getenv("IPCLAB_KILLPOINTS");
	const char *seed_env = getenv("IPCLAB_SEED");
	unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 10)
				 : (unsigned)time(NULL) ^ (unsigned)getpid();
	long points = env ? strtol(env, NULL, 10) : DEFAULT_POINTS;
	int soak = env != NULL;
	size_t npairs = sizeof(pairs) / sizeof(pairs[0]);
	uint64_t t0 = clock_ns();
	long done = 0;

	(void)state;
	list_transports();
	/* First the points issue 10 found leaks at, every run: SIGKILL
	 * in the middle of the programs that make a private directory, and
	 * of a transport whose objects carry suffixes (NAME.up, ...). */
	for (size_t i = 0; i < npairs; i++)
		if (strcmp(pairs[i].label, "fifo") == 0 ||
		    strcmp(pairs[i].label, "socket-unix") == 0 ||
		    strcmp(pairs[i].label, "socket-unix-dgram") == 0)
			kill_point(&pairs[i], NULL, SIGKILL, 150, 0);
	kill_point(&bench, "fifo", SIGKILL, 500, 0);
	kill_point(&bench, "socket-unix", SIGKILL, 500, 0);
	kill_point(&bench, "sem-posix", SIGKILL, 500, 0);
	printf("kill points: seed %u (IPCLAB_SEED=%u to run them again), "
	       "%ld points\n",
	       seed, seed, points);
	srand(seed);
	for (; done < points; done++) {
		size_t pick = (size_t)rand() % (npairs + (size_t)ntransports);
		int sig = sigs[rand() % 3], target = rand() % 3;
		const struct kcase *c = pick < npairs ? &pairs[pick] : &bench;
		unsigned delay = (unsigned)rand() % c->max_ms;

		if (!soak && clock_ns() - t0 > BUDGET_S * NS_PER_S)
			break; /* a bounded sample in make test */
		kill_point(c, pick < npairs ? NULL : transports[pick - npairs],
			   sig, delay, target);
	}
	printf("kill points: %ld run, none left a survivor or an object "
	       "(seed %u)\n",
	       done, seed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_kill_points),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
