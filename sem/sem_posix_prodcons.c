/* sem_posix_prodcons.c - a producer and a consumer around a ring of slots,
 * counted by two unnamed POSIX semaphores inside shared memory.
 *
 * Creates /ipclab-<uid>-<name> (shm_open, O_EXCL, mode 0600; it shows up
 * in /dev/shm), maps it, and sets up a ring of RING_SLOTS slots and two
 * semaphores inside it, with sem_init(pshared = 1):
 *   empty  counts free slots: starts at RING_SLOTS; the producer takes one
 *          before it fills a slot, the consumer gives one back after;
 *   full   counts filled slots: starts at 0; the reverse.
 * Then it forks: the child consumes (pausing -i ms after each item, so
 * the ring fills up and the producer has to wait), the parent produces
 * COUNT items.  One producer and one consumer need no mutex: each slot
 * index belongs to one side at a time.  Both are set up before the fork,
 * so there is no init race.  At the end the parent destroys the
 * semaphores and unlinks the segment.
 *
 * Why over 200 lines: one file holds both sides (the producer and the
 * consumer it forks) and the ring's layout, and each side waits in 100 ms
 * slices so that it notices when the other is killed.
 *
 *   $ build/bin/sem_posix_prodcons -n 6
 *   sem_posix_prodcons 4242: /ipclab-1000-sem-prodcons: 4 slots; ...
 *   sem_posix_prodcons 4242: put #1 in slot 0 (1 full)
 *   sem_posix_prodcons 4243: took #1 from slot 0, from producer 4242
 *   ...
 *   $ ls /dev/shm           # nothing left
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "sweep.h"

#define PRODCONS_NAME "sem-prodcons" /* default -N */
#define RING_SLOTS    4
#define POLL_MS	      100 /* how often a waiting side checks its peer */

/* The layout of the segment. */
struct ring {
	sem_t empty; /* free slots */
	sem_t full;  /* filled slots */
	struct item {
		pid_t producer;
		unsigned long seq; /* 1 .. count */
	} slot[RING_SLOTS];
};

static const char usage[] =
	"usage: sem_posix_prodcons [-n COUNT] [-i MS] [-N NAME]\n"
	"Pass COUNT items from a producer to a consumer through a ring of slots\n"
	"counted by two process-shared POSIX semaphores.\n"
	"  -n COUNT    items to pass (default 10)\n"
	"  -i MS       the consumer's pause after each item (default 50)\n"
	"  -N NAME     segment /ipclab-<uid>-NAME (default sem-prodcons)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {PRODCONS_NAME, 10, 50, 10};
static char name[NAMES_FULL_MAX];
static struct ring *ring;

/* Take one from sem, in POLL_MS slices; between them, peer_gone() says
 * whether waiting is still worth it.  Returns 0, or -1 if the peer went. */
static int
take(sem_t *sem, int (*peer_gone)(pid_t), pid_t peer)
{
	struct timespec until = realtime_after_ms(POLL_MS);

	while (sem_timedwait(sem, &until) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			die_errno("sem_timedwait in %s", name);
		if (peer_gone(peer))
			return -1;
		until = realtime_after_ms(POLL_MS);
	}
	return 0;
}

static void
give(sem_t *sem)
{
	if (sem_post(sem) == -1)
		die_errno("sem_post in %s", name);
}

/* The consumer's test: our parent, the producer, is no longer it. */
static int
parent_gone(pid_t producer)
{
	return getppid() != producer;
}

/* The producer's test: the consumer child has exited. */
static int
child_gone(pid_t consumer)
{
	return waitpid(consumer, NULL, WNOHANG) != 0;
}

/* Wait for the consumer to finish the items still in the ring: at most
 * RING_SLOTS pauses, and a generous margin. */
static int
reap(pid_t consumer)
{
	uint64_t deadline =
		clock_ns() + (RING_SLOTS * opt.interval_ms + 5000) * NS_PER_MS;
	int status;
	pid_t r;

	while ((r = waitpid(consumer, &status, WNOHANG)) == 0) {
		if (clock_ns() > deadline) {
			kill(consumer, SIGKILL);
			die("consumer %ld did not finish; killed it",
			    (long)consumer);
		}
		sleep_ms(5);
	}
	if (r == -1)
		die_errno("waitpid %ld", (long)consumer);
	return status;
}

static _Noreturn void
consume(pid_t producer)
{
	for (unsigned long k = 0; k < opt.count; k++) {
		struct item it;

		if (take(&ring->full, parent_gone, producer) == -1)
			_exit(1); /* not exit(): the registry is the parent's */
		it = ring->slot[k % RING_SLOTS];
		give(&ring->empty);
		printf("sem_posix_prodcons %ld: took #%lu from slot %lu, from "
		       "producer %ld\n",
		       (long)getpid(), it.seq, k % RING_SLOTS,
		       (long)it.producer);
		if (it.seq != k + 1)
			_exit(2);
		sleep_ms((unsigned)opt.interval_ms);
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	int fd, reg, status;
	pid_t child;

	opts_parse(&opt, "Nni", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");

	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd == -1)
		die_errno("shm_open %s", name);
	if ((reg = cleanup_add_name(OBJ_POSIX_SHM, name)) == -1)
		die_errno("cleanup_add_name %s", name);
	if (ftruncate(fd, sizeof(*ring)) == -1)
		die_errno("ftruncate %s", name);
	ring = mmap(NULL, sizeof(*ring), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    0);
	if (ring == MAP_FAILED)
		die_errno("mmap %s", name);
	close(fd);
	/* pshared = 1: shared between processes, so it must live in memory
	 * they share; with 0, only threads of one process could use it. */
	if (sem_init(&ring->empty, 1, RING_SLOTS) == -1 ||
	    sem_init(&ring->full, 1, 0) == -1)
		die_errno("sem_init in %s", name);
	printf("sem_posix_prodcons %ld: %s: %d slots; empty = %d, full = 0\n",
	       (long)getpid(), name, RING_SLOTS, RING_SLOTS);

	fflush(stdout);
	if ((child = fork()) == -1)
		die_errno("fork");
	if (child == 0)
		consume(getppid());

	for (unsigned long k = 0; k < opt.count; k++) {
		int full;

		if (take(&ring->empty, child_gone, child) == -1)
			die("consumer %ld went away", (long)child);
		ring->slot[k % RING_SLOTS] = (struct item){getpid(), k + 1};
		give(&ring->full);		  /* publishes the slot too */
		sem_getvalue(&ring->full, &full); /* a snapshot, for show */
		printf("sem_posix_prodcons %ld: put #%lu in slot %lu (%d "
		       "full)\n",
		       (long)getpid(), k + 1, k % RING_SLOTS, full);
	}
	status = reap(child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("consumer %ld failed (status 0x%x)", (long)child,
		    (unsigned)status);

	sem_destroy(&ring->empty); /* nobody waits on them now */
	sem_destroy(&ring->full);
	if (munmap(ring, sizeof(*ring)) == -1)
		die_errno("munmap %s", name);
	if (shm_unlink(name) == -1)
		die_errno("shm_unlink %s", name);
	cleanup_forget(reg);
	printf("sem_posix_prodcons %ld: consumer %ld took all %lu; %s "
	       "unlinked\n",
	       (long)getpid(), (long)child, opt.count, name);
	return 0;
}
