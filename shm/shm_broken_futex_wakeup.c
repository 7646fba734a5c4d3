/* shm_broken_futex_wakeup.c - a futex doorbell that loses wake-ups.
 *
 * What sem_post and sem_wait, or pthread_cond_signal and wait, do
 * underneath, in one page of shared memory (mmap MAP_SHARED |
 * MAP_ANONYMOUS before fork: no name, nothing to remove).  The parent,
 * the producer, rings COUNT times: it adds one to a 32-bit counter, the
 * futex word.  The child, the consumer, waits for each ring.  To wait, it
 * publishes that it waits (a flag), looks at the counter again, and calls
 * FUTEX_WAIT, which sleeps only if the counter still holds the value it
 * saw.  The producer stores the counter first, then looks at the flag,
 * and calls FUTEX_WAKE only if the consumer said it waits: a ring that
 * nobody waits for costs no system call.
 *
 * Wrong on purpose: this is shm_broken_futex_wakeup with the producer's two
 * steps the other way round.  It looks first, sees nobody waiting, and
 * skips the wake; the consumer comes to wait in between; then the store
 * comes, and nobody wakes the sleeper: a lost wake-up.  To make the race easy to hit, the producer pauses
 * between its two steps (-d) and the consumer works a while after each
 * ring (-w), so that it comes back to wait during the pause.  The
 * producer notes, for each ring, whether it skipped the wake; a consumer
 * that slept and finds a ring whose wake was skipped counts a lost
 * wake-up (it was woken by a later ring, or by its WAIT_MS timeout).
 * Without that timeout, a lost last ring would leave it asleep for ever.
 *
 *   $ build/bin/shm_broken_futex_wakeup -n 3
 *   shm_broken_futex_wakeup 4242: consumer 4243; ringing 3 times
 *   shm_broken_futex_wakeup 4243: ring 1 (slept in FUTEX_WAIT)
 *   ...
 *   shm_broken_futex_wakeup: 3 rings, 3 sleeps, 1 lost wake-ups, 2 FUTEX_WAKE calls
 */
#define _GNU_SOURCE /* syscall(2) */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"
#include "proc.h"

#define BELL_MAX 1000 /* rings, at most: one note each */
#define WAIT_MS	 500  /* a wait ends after this, to look again */

enum { UNDECIDED, WOKE, SKIPPED };

struct bell {
	_Atomic uint32_t rings;	  /* the futex word: rings so far */
	_Atomic uint32_t waiting; /* 1 while the consumer waits */
	unsigned long sleeps, lost, wakes; /* for the last line */
	_Atomic unsigned char note[BELL_MAX + 1]; /* per ring: WOKE, SKIPPED */
};

static const char usage[] =
	"usage: shm_broken_futex_wakeup [-n COUNT] [-i MS] [-d MS] [-w MS] [-t SECONDS]\n"
	"Ring a futex doorbell COUNT times, and lose wake-ups.\n"
	"(Wrong on purpose: see shm_futex_doorbell for the right order.)\n"
	"  -n COUNT    rings (default 10, at most 1000)\n"
	"  -i MS       pause between rings (default 5)\n"
	"  -d MS       the producer's pause between its two steps (default 20)\n"
	"  -w MS       the consumer's work after each ring (default 10)\n"
	"  -t SECONDS  the consumer gives up after this long with no ring\n"
	"              (default 10)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {NULL, 10, 5, 10};
static unsigned long pause_ms = 20, work_ms = 10;

static void
other_opt(int o, char *val)
{
	opts_number(o, val, 0, OPTS_INTERVAL_MAX, o == 'd' ? &pause_ms : &work_ms,
		    usage);
}

/* futex(2) has no C library wrapper.  No FUTEX_PRIVATE_FLAG: the word is
 * shared between two processes. */
static long
futex(_Atomic uint32_t *word, int op, uint32_t val, unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	return syscall(SYS_futex, word, op, val, ms ? &ts : NULL, NULL, 0);
}

/* One ring, wrong: look whether the consumer waits, then store the new
 * count; wake it only if it waited when we looked. */
static void
ring(struct bell *b, uint32_t k)
{
	unsigned waiting;

	waiting = atomic_load(&b->waiting); /* first the look, */
	atomic_store(&b->note[k], waiting ? WOKE : SKIPPED);
	sleep_ms((unsigned)pause_ms);
	atomic_store(&b->rings, k); /* then the ring: too late */
	if (waiting) {
		if (futex(&b->rings, FUTEX_WAKE, 1, 0) == -1)
			die_errno("futex FUTEX_WAKE");
		b->wakes++;
	}
}

/* The consumer: sleep while the count is old.  Publish that we wait,
 * then look again: either the producer's look sees our flag, or our look
 * sees its store.  Returns whether it slept; gives up if the producer
 * dies or -t passes. */
static int
wait_ring(struct bell *b, uint32_t old, pid_t producer)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	int slept = 0;

	atomic_store(&b->waiting, 1);
	while (atomic_load(&b->rings) == old) {
		if (futex(&b->rings, FUTEX_WAIT, old, WAIT_MS) == 0 ||
		    errno == ETIMEDOUT)
			slept = 1; /* EAGAIN: it moved before we slept */
		else if (errno != EAGAIN && errno != EINTR)
			die_errno("futex FUTEX_WAIT");
		if (!pid_alive(producer) || clock_ns() > deadline)
			die("no ring for %lu s; the producer is gone or stuck",
			    opt.timeout_s);
	}
	if (slept && atomic_load(&b->note[old + 1]) == SKIPPED) {
		b->lost++;
		printf("shm_broken_futex_wakeup %ld: ring %u: LOST WAKE-UP: its wake "
		       "was skipped; a later one or the timeout woke us\n",
		       (long)getpid(), old + 1);
	}
	b->sleeps += slept;
	atomic_store_explicit(&b->waiting, 0, memory_order_relaxed);
	return slept;
}

static _Noreturn void
consumer(struct bell *b, pid_t producer)
{
	uint32_t seen = 0, now;

	while (seen < opt.count) {
		int waited = atomic_load(&b->rings) == seen, slept = 0;

		if (waited)
			slept = wait_ring(b, seen, producer);
		now = atomic_load(&b->rings);
		printf("shm_broken_futex_wakeup %ld: ring %u%s\n", (long)getpid(),
		       now,
		       slept	? " (slept in FUTEX_WAIT)"
		       : waited ? " (came as we looked: no sleep)"
				: " (already there: no system call)");
		seen = now;
		sleep_ms((unsigned)work_ms);
	}
	exit(0);
}

int
main(int argc, char **argv)
{
	uint64_t deadline;
	struct bell *b;
	pid_t child;
	int status;

	opts_parse_more(&opt, "nit", "d:w:", other_opt, usage, argc, argv);
	if (opt.count > BELL_MAX)
		opts_usage_error(usage, "-n %lu: at most %d", opt.count,
				 BELL_MAX);
	setvbuf(stdout, NULL, _IOLBF, 0);
	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0); /* zero-filled */
	if (b == MAP_FAILED)
		die_errno("mmap %zu bytes", sizeof(*b));
	if ((child = fork()) == -1)
		die_errno("fork");
	if (child == 0)
		consumer(b, getppid());
	printf("shm_broken_futex_wakeup %ld: consumer %ld; ringing %lu times\n",
	       (long)getpid(), (long)child, opt.count);
	for (uint32_t k = 1; k <= opt.count; k++) {
		sleep_ms((unsigned)opt.interval_ms);
		ring(b, k);
	}
	deadline = clock_ns() + (opt.timeout_s + 1) * NS_PER_S;
	while (waitpid(child, &status, WNOHANG) == 0) {
		if (clock_ns() > deadline) { /* never wait for ever */
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			die("the consumer %ld did not finish", (long)child);
		}
		sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the consumer %ld failed", (long)child);
	printf("shm_broken_futex_wakeup: %lu rings, %lu sleeps, %lu lost wake-ups, "
	       "%lu FUTEX_WAKE calls\n",
	       opt.count, b->sleeps, b->lost, b->wakes);
	munmap(b, sizeof(*b));
	return 0;
}
