/* shm_pthread_robust.c - a lock holder killed: a robust mutex recovers.
 *
 * Two process-shared mutexes (PTHREAD_PROCESS_SHARED) guard an account in
 * shared memory (mmap MAP_SHARED | MAP_ANONYMOUS before fork: no name,
 * nothing to remove): a = 100, b = 0, and a + b must stay 100.  One mutex
 * is robust (PTHREAD_MUTEX_ROBUST), the other is not.  The child takes
 * both and starts to move 10 from a to b: it notes the move (moving =
 * 10), takes 10 from a, and is killed with SIGKILL, which no handler can
 * catch, before it adds them to b.  The parent then tries each mutex,
 * with a timeout (pthread_mutex_timedlock):
 *   - the robust one comes back with EOWNERDEAD: the kernel saw its
 *     holder die (the robust list, set_robust_list(2)) and handed it to
 *     the next locker, who holds it now.  What it guards is half-changed
 *     (a + b = 90); the parent repairs it from the note (a += moving),
 *     calls pthread_mutex_consistent, and unlocks: the next lock is an
 *     ordinary one.  Unlock without pthread_mutex_consistent (-s), and the
 *     mutex is dead for good: every later lock fails with ENOTRECOVERABLE;
 *   - the plain one stays locked by the dead child: nobody will ever
 *     unlock it, and pthread_mutex_lock would wait for ever.  Here the
 *     timeout ends the wait.
 * As sem_broken_noundo does for semaphores; docs/shm.md compares the two
 * recoveries (SEM_UNDO undoes the count, a robust mutex only tells).
 *
 *   $ build/bin/shm_pthread_robust
 *   shm_pthread_robust 5133: child 5134 holds both mutexes, halfway through
 *   ...
 *   shm_pthread_robust: robust EOWNERDEAD, repaired, free; plain stuck
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "io.h"
#include "opts.h"

struct account {
	pthread_mutex_t robust, plain;
	long a, b;   /* a + b == 100 whenever no one holds the lock */
	long moving; /* the move in progress, noted before it starts */
};

static const char usage[] =
	"usage: shm_pthread_robust [-s] [-t SECONDS]\n"
	"Kill a process that holds two process-shared mutexes, one robust,\n"
	"and see which one the next locker can recover.\n"
	"  -s          skip pthread_mutex_consistent, to see ENOTRECOVERABLE\n"
	"  -t SECONDS  how long to try each mutex (default 1)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {NULL, 0, 0, 1};
static int skip_consistent;

static void
other_opt(int o, char *val)
{
	(void)o, (void)val;
	skip_consistent = 1; /* -s, the only one */
}

/* Initialise m as process-shared, and robust if asked. */
static void
init_mutex(pthread_mutex_t *m, int robust)
{
	pthread_mutexattr_t ma;
	int rc;

	if ((rc = pthread_mutexattr_init(&ma)) != 0 ||
	    (rc = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED)) ||
	    (robust &&
	     (rc = pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST))) ||
	    (rc = pthread_mutex_init(m, &ma)) != 0) {
		errno = rc; /* the pthread calls return the error */
		die_errno("pthread_mutex_init (%s)", robust ? "robust" : "plain");
	}
	pthread_mutexattr_destroy(&ma);
}

/* The child: take both, start the move, report, wait to be killed. */
static _Noreturn void
holder(struct account *acc, int report)
{
	char c = 'h';

	alarm(30); /* never outlive a parent that died */
	if (pthread_mutex_lock(&acc->robust) != 0 ||
	    pthread_mutex_lock(&acc->plain) != 0)
		_exit(1);
	acc->moving = 10; /* the note first, */
	acc->a -= 10;	  /* then half the move */
	write_full(report, &c, 1);
	for (;;)
		pause();
}

/* Lock m for -t seconds at most; the error number (0: locked). */
static int
try_lock(pthread_mutex_t *m)
{
	struct timespec until =
		realtime_after_ms((unsigned)opt.timeout_s * 1000);

	return pthread_mutex_timedlock(m, &until);
}

/* The robust mutex: EOWNERDEAD, repair, consistent, unlock, lock again.
 * Returns what the second lock said (0: free again). */
static int
recover(struct account *acc)
{
	int rc = try_lock(&acc->robust);

	printf("shm_pthread_robust %ld: robust: %s (%s): a = %ld, b = %ld, "
	       "moving = %ld\n",
	       (long)getpid(), rc ? errno_name(rc) : "0", strerror(rc),
	       acc->a, acc->b, acc->moving);
	if (rc != EOWNERDEAD)
		die("robust mutex: expected EOWNERDEAD, got %s", errno_name(rc));
	acc->a += acc->moving; /* undo the half-done move */
	acc->moving = 0;
	if (skip_consistent)
		printf("shm_pthread_robust %ld: repaired (a = %ld, b = %ld), "
		       "but unlocked WITHOUT pthread_mutex_consistent\n",
		       (long)getpid(), acc->a, acc->b);
	else if ((rc = pthread_mutex_consistent(&acc->robust)) != 0)
		die("pthread_mutex_consistent: %s", strerror(rc));
	else
		printf("shm_pthread_robust %ld: repaired (a = %ld, b = %ld) "
		       "and marked consistent\n",
		       (long)getpid(), acc->a, acc->b);
	pthread_mutex_unlock(&acc->robust);
	rc = try_lock(&acc->robust);
	printf("shm_pthread_robust %ld: robust, locked again: %s\n",
	       (long)getpid(), rc ? errno_name(rc) : "free");
	if (rc == 0)
		pthread_mutex_unlock(&acc->robust);
	return rc;
}

int
main(int argc, char **argv)
{
	struct account *acc;
	int p[2], again, plain;
	pid_t child;
	char c;

	opts_parse_more(&opt, "t", "s", other_opt, usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	acc = mmap(NULL, sizeof(*acc), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (acc == MAP_FAILED)
		die_errno("mmap %zu bytes", sizeof(*acc));
	init_mutex(&acc->robust, 1);
	init_mutex(&acc->plain, 0);
	acc->a = 100;

	if (pipe(p) == -1)
		die_errno("pipe");
	if ((child = fork()) == -1)
		die_errno("fork");
	if (child == 0)
		holder(acc, p[1]);
	close(p[1]);
	if (read_full(p[0], &c, 1) != 1) /* 0 bytes: it failed and exited */
		die("child %ld could not take the mutexes", (long)child);
	printf("shm_pthread_robust %ld: child %ld holds both mutexes, halfway "
	       "through a move (a + b = %ld); killing it with SIGKILL\n",
	       (long)getpid(), (long)child, acc->a + acc->b);
	kill(child, SIGKILL);
	if (waitpid(child, NULL, 0) == -1)
		die_errno("waitpid %ld", (long)child);

	again = recover(acc);
	plain = try_lock(&acc->plain);
	printf("shm_pthread_robust %ld: plain: %s after %lu s; its holder is "
	       "dead%s\n",
	       (long)getpid(), plain ? errno_name(plain) : "locked",
	       opt.timeout_s,
	       plain ? ": without the timeout, pthread_mutex_lock would "
		       "wait for ever"
		     : "");
	printf("shm_pthread_robust: robust EOWNERDEAD, repaired, %s; plain %s\n",
	       again == 0 ? "free" : errno_name(again),
	       plain == 0 ? "free" : "stuck");
	/* Not destroyed: a locked mutex must not be (plain is held by the
	 * dead); the memory goes with the mapping. */
	munmap(acc, sizeof(*acc));
	return 0;
}
