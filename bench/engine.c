/* engine.c - one measurement: see engine.h. */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "engine.h"
#include "err.h"
#include "io.h"
#include "names.h"
#include "payload.h"

#define NOT_YET UINT64_MAX /* total before the client has chosen it */

/* What one side tells the coordinator, in the shared area. */
struct report {
	char msg[ENGINE_NOTE_MAX]; /* what failed, "" if nothing */
	uint64_t cpu_ns, ctxsw;	   /* over its timed loop */
	uint64_t elapsed_ns;	   /* client: the timed loop */
	uint64_t count;		   /* client: round trips or messages timed */
} __attribute__((aligned(64)));

/* The area both children and the coordinator map (MAP_SHARED), made
 * before fork: no allocation after it. */
struct shared {
	struct report side[2]; /* by enum side */
	/* Latency: round trips the server answers in all; throughput:
	 * messages in the timed stream.  Written once by the client before
	 * the message that makes the server read it. */
	uint64_t total __attribute__((aligned(64)));
	uint64_t samples[] __attribute__((aligned(64))); /* latency, ns */
};

/* One side's state while it runs. */
struct side_ctx {
	const struct transport *t;
	struct channel *ch;
	struct shared *sh;
	struct report *rep;
	const char *who; /* "client" or "server" */
	size_t len;	 /* bytes per message */
	uint64_t seq;	 /* sequence number of the next message */
	unsigned long warm, count, cap;
	int auto_warm, auto_count;
	unsigned target_ms;
	uint64_t gap_ns; /* latency: sleep before each round trip */
};

const char *
pattern_name(enum pattern p)
{
	return p == PAT_LATENCY ? "latency" : "throughput";
}

const char *
wait_name(enum wait_kind w)
{
	return w == WAIT_SPIN ? "spin" : "block";
}

void
placement_format(struct placement p, char *buf, size_t len)
{
	if (p.a < 0)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%d,%d", p.a, p.b);
}

/* Record what went wrong in this side's report; returns -1. */
static int __attribute__((cold, format(printf, 2, 3)))
side_fail(struct side_ctx *c, const char *fmt, ...)
{
	int n = snprintf(c->rep->msg, sizeof(c->rep->msg), "%s: ", c->who);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->rep->msg + n, sizeof(c->rep->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int __attribute__((cold))
io_fail(struct side_ctx *c, const char *call, int err)
{
	return side_fail(c, "%s of message #%llu (%zu bytes): %s (%s)", call,
			 (unsigned long long)c->seq, c->len, strerror(err),
			 errno_name(err));
}

/* Write message c->seq in place and send it. */
static inline int
put(struct side_ctx *c)
{
	void *buf = c->t->send_buf(c->ch, c->len);

	if (buf == NULL)
		return io_fail(c, "send_buf", errno);
	payload_fill(buf, c->len, c->seq);
	if (c->t->send(c->ch, c->len) == -1)
		return io_fail(c, "send", errno);
	c->seq++;
	return 0;
}

/* Receive message c->seq and check every byte of it. */
static inline int
get(struct side_ctx *c)
{
	const void *in = c->t->recv(c->ch, c->len);
	size_t bad = 0;

	if (in == NULL)
		return io_fail(c, "recv", errno);
	if (payload_verify(in, c->len, c->seq, &bad) == -1)
		return side_fail(c,
				 "message #%llu (%zu bytes) wrong at byte %zu: "
				 "corrupted, lost or out of order",
				 (unsigned long long)c->seq, c->len, bad);
	c->seq++;
	return 0;
}

/* CPU time (user + system) and context switches of this process. */
static void
usage_now(uint64_t *cpu_ns, uint64_t *ctxsw)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*cpu_ns =
		((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
			NS_PER_S +
		((uint64_t)ru.ru_utime.tv_usec +
		 (uint64_t)ru.ru_stime.tv_usec) *
			1000;
	*ctxsw = (uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw;
}

static void
usage_end(struct report *rep, uint64_t cpu0, uint64_t sw0)
{
	uint64_t cpu1, sw1;

	usage_now(&cpu1, &sw1);
	rep->cpu_ns = cpu1 - cpu0;
	rep->ctxsw = sw1 - sw0;
}

/* How many to time, from how long warm of them took: about target_ms
 * worth, within [lo, cap]. */
static unsigned long
choose_count(const struct side_ctx *c, unsigned long warm, uint64_t warm_ns,
	     unsigned long lo)
{
	double each, n;

	if (!c->auto_count)
		return c->count;
	if (warm == 0) /* nothing to go by */
		return c->cap < 1000 ? c->cap : 1000;
	each = (double)warm_ns / (double)warm;
	n = (double)c->target_ms * 1e6 / (each > 1 ? each : 1);
	if (n < (double)lo)
		n = (double)lo;
	if (n > (double)c->cap)
		n = (double)c->cap;
	return (unsigned long)n;
}

/* The gap before a round trip: sleep gap_ns, as a program waiting for
 * its next request would.  A relative sleep is enough: its overshoot (the
 * timer slack, a wake-up) lands in the gap, which is not timed. */
static int
gap_sleep(struct side_ctx *c)
{
	struct timespec ts = {.tv_sec = (time_t)(c->gap_ns / NS_PER_S),
			      .tv_nsec = (long)(c->gap_ns % NS_PER_S)};
	int rc;

	while ((rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts)) == EINTR)
		;
	if (rc != 0)
		return side_fail(c, "clock_nanosleep %llu ns: %s (%s)",
				 (unsigned long long)c->gap_ns, strerror(rc),
				 errno_name(rc));
	return 0;
}

/* The least count of a latency run: lo, but with a gap no more than
 * ENGINE_GAP_MIN_MS of gaps (and at least 20), so that a long gap does
 * not turn the floor meant for fast round trips into minutes. */
static unsigned long
least_count(const struct side_ctx *c, unsigned long lo)
{
	uint64_t most;

	if (c->gap_ns == 0)
		return lo;
	most = ENGINE_GAP_MIN_MS * NS_PER_MS / c->gap_ns;
	if (most < 20)
		most = 20;
	return most < lo ? (unsigned long)most : lo;
}

static int
client_latency(struct side_ctx *c)
{
	uint64_t *samples = c->sh->samples, start, t0, t1, cpu0, sw0;
	unsigned long warm, count;

	memset(samples, 0, c->cap * sizeof(*samples)); /* fault pages in now */
	/* A sleep may end up to the timer slack (50 us by default) late,
	 * which would make a 10 us gap a 60 us one: 1 ns asks for the gap
	 * as given (it still ends a wake-up late). */
	if (c->gap_ns > 0 && prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == -1)
		return side_fail(c, "prctl PR_SET_TIMERSLACK: %s (%s)",
				 strerror(errno), errno_name(errno));
	start = clock_ns();
	for (warm = 0; warm < c->warm; warm++) {
		if (c->gap_ns > 0 && gap_sleep(c) == -1)
			return -1;
		if (put(c) == -1 || get(c) == -1)
			return -1;
		if (c->auto_warm &&
		    clock_ns() - start > ENGINE_WARM_MS * NS_PER_MS) {
			warm++;
			break;
		}
	}
	/* The warm-up's time includes its gaps, so the count's budget does
	 * too: with a 1 ms gap, about 0.25 s makes some 240 round trips. */
	count = choose_count(c, warm, clock_ns() - start,
			     least_count(c, c->len < 65536 ? 200 : 20));
	/* warm + one untimed round trip in which the server starts its
	 * clock + count timed ones. */
	__atomic_store_n(&c->sh->total, warm + 1 + count, __ATOMIC_RELEASE);
	if (put(c) == -1 || get(c) == -1)
		return -1;

	usage_now(&cpu0, &sw0);
	t0 = clock_ns();
	for (unsigned long i = 0; i < count; i++) {
		if (c->gap_ns > 0) {
			if (gap_sleep(c) == -1)
				return -1;
			t0 = clock_ns(); /* the sleep is not the round trip's */
		}
		if (put(c) == -1 || get(c) == -1)
			return -1;
		t1 = clock_ns();
		samples[i] = t1 - t0;
		t0 = t1;
	}
	usage_end(c->rep, cpu0, sw0);
	c->rep->count = count;
	return 0;
}

static int
server_latency(struct side_ctx *c)
{
	uint64_t total = NOT_YET, cpu0 = 0, sw0 = 0;

	for (uint64_t i = 0;; i++) {
		if (get(c) == -1)
			return -1;
		/* The client chose total before the round trip in which it
		 * first shows: from then on, the server's clock runs. */
		if (total == NOT_YET &&
		    (total = __atomic_load_n(&c->sh->total,
					     __ATOMIC_ACQUIRE)) != NOT_YET)
			usage_now(&cpu0, &sw0);
		if (put(c) == -1)
			return -1;
		if (i + 1 == total)
			break;
	}
	usage_end(c->rep, cpu0, sw0);
	return 0;
}

static int
client_throughput(struct side_ctx *c)
{
	uint64_t start, warm_ns = 0, t0, cpu0, sw0;
	unsigned long count;

	if (c->warm > 0) { /* the server acknowledges the warm-up too */
		start = clock_ns();
		for (unsigned long i = 0; i < c->warm; i++)
			if (put(c) == -1)
				return -1;
		if (get(c) == -1)
			return -1;
		warm_ns = clock_ns() - start;
	}
	count = choose_count(c, c->warm, warm_ns, 16);
	__atomic_store_n(&c->sh->total, count, __ATOMIC_RELEASE);

	usage_now(&cpu0, &sw0);
	t0 = clock_ns();
	for (unsigned long i = 0; i < count; i++)
		if (put(c) == -1)
			return -1;
	if (get(c) == -1) /* the acknowledgement */
		return -1;
	c->rep->elapsed_ns = clock_ns() - t0;
	usage_end(c->rep, cpu0, sw0);
	c->rep->count = count;
	return 0;
}

static int
server_throughput(struct side_ctx *c)
{
	uint64_t total = NOT_YET, cpu0, sw0;

	if (c->warm > 0) {
		for (unsigned long i = 0; i < c->warm; i++)
			if (get(c) == -1)
				return -1;
		if (put(c) == -1)
			return -1;
	}
	usage_now(&cpu0, &sw0);
	for (uint64_t i = 0; i < total; i++) {
		if (get(c) == -1)
			return -1;
		if (i == 0) /* stored before the first message was sent */
			total = __atomic_load_n(&c->sh->total,
						__ATOMIC_ACQUIRE);
	}
	if (put(c) == -1)
		return -1;
	usage_end(c->rep, cpu0, sw0);
	return 0;
}

/* Pin this process to cpu, unless it is -1. */
static int
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The warm-up and the count of a run, ENGINE_AUTO resolved. */
static void
resolve(const struct run_spec *spec, struct side_ctx *c)
{
	size_t size = spec->size > 0 ? spec->size : 1;

	c->auto_warm = spec->warmup == ENGINE_AUTO;
	c->auto_count = spec->count == ENGINE_AUTO;
	c->warm = spec->warmup;
	if (c->auto_warm) {
		/* Latency: up to 1000 round trips or 64 MiB, and at most
		 * ENGINE_WARM_MS.  Throughput: 16 MiB or 20000 messages, so
		 * that the stream outruns any kernel buffer and the rate it
		 * shows is the steady one the count is chosen from. */
		int lat = spec->pattern == PAT_LATENCY;
		unsigned long w = (lat ? 64UL : 16UL) * (1UL << 20) / size;
		unsigned long most = lat ? 1000 : 20000;

		c->warm = w < 16 ? 16 : w > most ? most : w;
	}
	c->count = spec->count;
	if (spec->pattern == PAT_LATENCY)
		c->cap = c->auto_count ? ENGINE_SAMPLES_MAX : spec->count;
	else
		c->cap = c->auto_count ? ENGINE_COUNT_MAX : spec->count;
	c->target_ms = spec->target_ms ? spec->target_ms : ENGINE_TARGET_MS;
	c->gap_ns = spec->pattern == PAT_LATENCY ? spec->gap_ns : 0;
}

/* A child's life: wait for the start, pin, attach, run its side. */
static _Noreturn void
child(const struct run_spec *spec, struct channel *ch, struct shared *sh,
      enum side side, int start, pid_t coordinator, const sigset_t *mask)
{
	struct side_ctx c = {.t = spec->t,
			     .ch = ch,
			     .sh = sh,
			     .rep = &sh->side[side],
			     .len = spec->size};
	int cpu = side == SIDE_CLIENT ? spec->cpus.a : spec->cpus.b;
	int rc;

	c.who = side == SIDE_CLIENT ? "client" : "server";
	/* Never outlive the coordinator, even when it is killed. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != coordinator)
		_exit(1);
	sigprocmask(SIG_SETMASK, mask, NULL);
	resolve(spec, &c);
	if (read_full(start, &ch->peer, sizeof(ch->peer)) != sizeof(ch->peer))
		_exit(1); /* the coordinator gave up before the start */
	close(start);
	ch->side = side;
	if (pin(cpu) == -1) {
		side_fail(&c, "sched_setaffinity cpu %d: %s (%s)", cpu,
			  strerror(errno), errno_name(errno));
		_exit(1);
	}
	if (spec->t->attach(ch) == -1) {
		side_fail(&c, "attach: %s (%s)", strerror(errno),
			  errno_name(errno));
		_exit(1);
	}
	if (spec->pattern == PAT_LATENCY)
		rc = side == SIDE_CLIENT ? client_latency(&c)
					 : server_latency(&c);
	else
		rc = side == SIDE_CLIENT ? client_throughput(&c)
					 : server_throughput(&c);
	if (rc == -1)
		_exit(1);
	spec->t->detach(ch);
	_exit(0);
}

/* Describe how child who ended (wait status st) into note, if it failed:
 * its own message, or the signal that killed it.  Returns whether it
 * failed. */
static int
child_failed(const struct report *rep, const char *who, int st, char *note,
	     size_t len)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (rep->msg[0] != '\0')
		snprintf(note, len, "%s", rep->msg);
	else if (WIFSIGNALED(st))
		snprintf(note, len, "%s: killed by signal %d (%s)", who,
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(note, len, "%s: exited with status %d", who,
			 WEXITSTATUS(st));
	return 1;
}

/* Wait for both children; kill the other when one fails, and both when
 * the run outlives its limit.  Writes the first failure into r->note.
 * Returns 0 if both succeeded, -1 if not. */
static int
await(pid_t pid[2], const struct shared *sh, unsigned timeout_s,
      struct run_result *r)
{
	static const char *const who[2] = {"client", "server"};
	uint64_t deadline = clock_ns() + timeout_s * NS_PER_S;
	sigset_t chld;
	char later[ENGINE_NOTE_MAX]; /* failures after the first */
	int failed = 0, status;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (pid[0] > 0 || pid[1] > 0) {
		uint64_t now = clock_ns();
		struct timespec ts;

		for (int s = 0; s < 2; s++) {
			if (pid[s] <= 0 ||
			    waitpid(pid[s], &status, WNOHANG) <= 0)
				continue;
			pid[s] = 0;
			if (child_failed(&sh->side[s], who[s], status,
					 failed ? later : r->note,
					 sizeof(later)))
				failed = 1;
			if (failed && pid[!s] > 0) /* a peer stuck on it */
				kill(pid[!s], SIGKILL);
		}
		if (pid[0] <= 0 && pid[1] <= 0)
			break;
		if (now >= deadline) {
			for (int s = 0; s < 2; s++)
				if (pid[s] > 0)
					kill(pid[s], SIGKILL);
			if (!failed)
				snprintf(r->note, sizeof(r->note),
					 "timed out after %u s: client and "
					 "server killed",
					 timeout_s);
			failed = 1;
			for (int s = 0; s < 2; s++)
				if (pid[s] > 0 &&
				    waitpid(pid[s], &status, 0) > 0)
					pid[s] = 0;
			break;
		}
		ts.tv_sec = (time_t)((deadline - now) / NS_PER_S);
		ts.tv_nsec = (long)((deadline - now) % NS_PER_S);
		if (ts.tv_sec > 1) /* look again now and then regardless */
			ts = (struct timespec){1, 0};
		sigtimedwait(&chld, NULL, &ts);
	}
	return failed ? -1 : 0;
}

/* The figure rounds are compared by: p50 (latency) or messages/s. */
static double
round_figure(const struct run_result *r)
{
	return r->pattern == PAT_LATENCY ? (double)r->rtt.p50 : r->msgs_per_s;
}

/* The results, once both sides reported. */
static void
compute(const struct run_spec *spec, struct shared *sh, struct run_result *r)
{
	const struct report *cl = &sh->side[SIDE_CLIENT];
	const struct report *sv = &sh->side[SIDE_SERVER];
	double n = (double)cl->count;

	r->count = cl->count;
	r->cpu_ns_per_msg = (double)(cl->cpu_ns + sv->cpu_ns) / n;
	r->ctxsw_per_msg = (double)(cl->ctxsw + sv->ctxsw) / n;
	if (spec->pattern == PAT_LATENCY) {
		uint64_t sum = 0;

		for (size_t i = 0; i < cl->count; i++)
			sum += sh->samples[i];
		r->elapsed_s = (double)sum / 1e9;
		stats_summarise(sh->samples, cl->count, &r->rtt);
		r->cdf_len = stats_cdf(sh->samples, cl->count, r->cdf,
				       ENGINE_CDF_POINTS);
	} else {
		r->elapsed_s = (double)cl->elapsed_ns / 1e9;
		r->msgs_per_s = n / r->elapsed_s;
		r->mb_per_s = n * (double)spec->size / r->elapsed_s / 1e6;
	}
	r->spread_min = r->spread_max = round_figure(r);
}

static int
cmp_figure(const void *pa, const void *pb)
{
	double a = round_figure(*(const struct run_result *const *)pa);
	double b = round_figure(*(const struct run_result *const *)pb);

	return (a > b) - (a < b);
}

void
engine_merge_rounds(const struct run_result *const *r, size_t n,
		    struct run_result *out)
{
	const struct run_result *sorted[64], **s = sorted;
	size_t i;

	for (i = 0; i < n && r[i]->status != RUN_FAILED; i++)
		;
	if (i < n) { /* one failed round fails them all: say which */
		*out = *r[i];
		/* A note cut short still starts with what failed. */
		if (n > 1 && snprintf(out->note, sizeof(out->note),
				      "round %zu of %zu: %s", i + 1, n,
				      r[i]->note) >= (int)sizeof(out->note))
			out->note[sizeof(out->note) - 1] = '\0';
		out->rounds = (unsigned)n;
		return;
	}
	if (r[0]->status != RUN_OK) { /* skipped: every round alike */
		*out = *r[0];
		out->rounds = (unsigned)n;
		return;
	}
	if (n > sizeof(sorted) / sizeof(sorted[0]) &&
	    (s = malloc(n * sizeof(*s))) == NULL) {
		*out = *r[0]; /* no room to sort: the first round stands */
		out->rounds = 1;
		return;
	}
	memcpy(s, r, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_figure);
	*out = *s[(n - 1) / 2];
	out->rounds = (unsigned)n;
	out->spread_min = round_figure(s[0]);
	out->spread_max = round_figure(s[n - 1]);
	if (s != sorted)
		free(s);
}

double
engine_spread(const struct run_result *r)
{
	double mid = round_figure(r);

	if (r->status != RUN_OK || r->rounds < 2 || mid <= 0)
		return 0;
	return (r->spread_max - r->spread_min) / mid;
}

/* Whether the transport can carry spec's size; if not, r says why. */
static int
size_fits(const struct run_spec *spec, struct run_result *r)
{
	char why[ENGINE_NOTE_MAX - 60] = "";
	size_t max = spec->t->max_size(why, sizeof(why));

	if (spec->size <= max)
		return 1;
	r->status = RUN_SKIPPED;
	if (max == 0)
		snprintf(r->note, sizeof(r->note), "no payload: %s", why);
	else
		snprintf(r->note, sizeof(r->note), "at most %zu bytes: %s", max,
			 why);
	return 0;
}

/* Fork one child; -1 if fork failed. */
static pid_t
spawn(const struct run_spec *spec, struct channel *ch, struct shared *sh,
      enum side side, int start[2], int other[2], const sigset_t *mask)
{
	pid_t self = getpid(), pid;

	fflush(NULL); /* or the child would print our buffered output */
	pid = fork();
	if (pid == 0) {
		close(start[1]);
		if (other[0] != -1) {
			close(other[0]);
			close(other[1]);
		}
		child(spec, ch, sh, side, start[0], self, mask);
	}
	return pid;
}

static int fail_run(struct run_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail_run(struct run_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
	r->status = RUN_FAILED;
	return -1;
}

int
engine_run(const struct run_spec *spec, struct run_result *r)
{
	struct channel ch = {.size = spec->size};
	struct shared *sh = MAP_FAILED;
	int start[2][2] = {{-1, -1}, {-1, -1}}, rc = -1, set_up = 0;
	pid_t pid[2] = {0, 0};
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old_chld;
	sigset_t chld, old;
	size_t area;
	struct side_ctx c;

	memset(r, 0, sizeof(*r));
	r->t = spec->t;
	r->pattern = spec->pattern;
	r->size = spec->size;
	r->cpus = spec->cpus;
	r->gap_ns = spec->gap_ns;
	r->rounds = 1;
	if (!size_fits(spec, r))
		return 0;
	resolve(spec, &c);
	area = sizeof(struct shared) +
	       (spec->pattern == PAT_LATENCY ? c.cap * sizeof(uint64_t) : 0);
	sh = mmap(NULL, area, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return fail_run(r, "mmap %zu bytes for the samples: %s", area,
				strerror(errno));
	sh->total = NOT_YET;
	if (spec->name != NULL)
		snprintf(ch.name, sizeof(ch.name), "%s", spec->name);
	else if (names_unique(ch.name, sizeof(ch.name), "bench") == -1) {
		fail_run(r, "names_unique: %s", strerror(errno));
		goto out;
	}
	set_up = 1; /* teardown() is safe after a failed or partial setup() */
	if (spec->t->setup(&ch) == -1) {
		fail_run(r, "setup: %s (%s)", strerror(errno),
			 errno_name(errno));
		goto out;
	}
	if (pipe(start[0]) == -1 || pipe(start[1]) == -1) {
		fail_run(r, "pipe: %s", strerror(errno));
		goto out;
	}
	/* SIGCHLD blocked, so that await() can sleep until a child ends;
	 * each child restores the mask. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	/* A SIGCHLD ignored by our parent would reap the children behind
	 * our back: take it back for the run. */
	sigaction(SIGCHLD, &dfl, &old_chld);
	if (!spec->remote) /* remote: the server is another host's */
		pid[SIDE_SERVER] =
			spawn(spec, &ch, sh, SIDE_SERVER, start[SIDE_SERVER],
			      start[SIDE_CLIENT], &old);
	if (pid[SIDE_SERVER] != -1)
		pid[SIDE_CLIENT] =
			spawn(spec, &ch, sh, SIDE_CLIENT, start[SIDE_CLIENT],
			      start[SIDE_SERVER], &old);
	for (int s = 0; s < 2; s++) {
		close(start[s][0]);
		start[s][0] = -1;
	}
	if (pid[SIDE_SERVER] == -1 || pid[SIDE_CLIENT] == -1) {
		int err = errno;

		for (int s = 0; s < 2; s++) { /* a started one reads EOF */
			close(start[s][1]);
			start[s][1] = -1;
			if (pid[s] > 0)
				waitpid(pid[s], NULL, 0);
		}
		sigaction(SIGCHLD, &old_chld, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		fail_run(r, "fork: %s", strerror(err));
		goto out;
	}
	/* The start: each child learns its peer; both go at once. */
	for (int s = 0; s < 2; s++) {
		if (pid[s] > 0)
			write_full(start[s][1], &pid[!s], sizeof(pid_t));
		close(start[s][1]);
		start[s][1] = -1;
	}
	rc = await(pid, sh,
		   spec->timeout_s ? spec->timeout_s : ENGINE_TIMEOUT_S, r);
	sigaction(SIGCHLD, &old_chld, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == 0) {
		r->status = RUN_OK;
		compute(spec, sh, r);
	} else {
		r->status = RUN_FAILED;
	}
out:
	for (int s = 0; s < 2; s++)
		for (int e = 0; e < 2; e++)
			if (start[s][e] != -1)
				close(start[s][e]);
	if (set_up)
		spec->t->teardown(&ch);
	if (sh != MAP_FAILED)
		munmap(sh, area);
	return r->status == RUN_FAILED ? -1 : 0;
}
