/* shm_posix_reader.c - receive messages through POSIX shared memory.
 *
 * Waits (a bounded time) for shm_posix_writer's object to appear and to be
 * set up, maps it, claims the one reader's place, and prints every message
 * exactly once, in order: wait until the slot is full, copy it out, mark it
 * empty.  It creates nothing, so it removes nothing -- unless its writer
 * dies without cleaning up (SIGKILL): then it says so, unlinks the
 * orphaned object and exits 1.  An object left by an earlier dead writer
 * it leaves alone, and waits for a live one.
 *
 *   $ build/bin/shm_posix_writer -n 3 &
 *   $ build/bin/shm_posix_reader
 *   shm_posix_reader 4243: #1/3 from writer 4242: "hello 1 from 4242"
 *   shm_posix_reader 4243: #2/3 from writer 4242: "hello 2 from 4242"
 *   shm_posix_reader 4243: #3/3 from writer 4242: "hello 3 from 4242"
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "owner.h"
#include "shm_posix.h"
#include "proc.h"

static const char usage[] =
	"usage: shm_posix_reader [-t SECONDS] [-N NAME]\n"
	"Print the messages shm_posix_writer sends through POSIX shared memory.\n"
	"  -t SECONDS  give up if no writer appears for this long (default 10)\n"
	"  -N NAME     meet the writer at /ipclab-<uid>-NAME (default shm-posix)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SHM_POSIX_NAME, 0, 0, 10};
static char name[NAMES_FULL_MAX];
static struct shm_posix_seg *seg;
static pid_t writer; /* from the segment, once it is ready */

/* Find the writer's object, polling until it exists or time runs out.
 * O_RDWR, not O_RDONLY: waiting on a semaphore writes to it. */
static int
find_object(uint64_t deadline)
{
	struct owner who;
	int fd;

	while ((fd = shm_open(name, O_RDWR, 0)) == -1) {
		if (errno == EACCES && /* someone else's, mode 0600 */
		    owner_check_posix(OBJ_POSIX_SHM, name, &who) == -1)
			die("%s belongs to %s, not to you: shm_open says "
			    "permission denied",
			    name, who.desc);
		if (errno != ENOENT)
			die_errno("shm_open %s", name);
		if (clock_ns() > deadline)
			die("no writer in %lu s: start shm_posix_writer -N %s first",
			    opt.timeout_s, opt.name);
		sleep_ms(50);
	}
	/* The name is derived from a public one: anyone can make an object
	 * of that name first, mode 0666, for us to read their messages.
	 * Root may open anything, so check who owns what we opened. */
	if (owner_check_fd(fd, &who) == -1)
		die_errno("%s belongs to %s, not to you; not using it", name,
			  who.desc);
	return fd;
}

/* THE INIT RACE.  shm_open(O_CREAT) makes the object visible at once, but
 * the writer still has to ftruncate it, then sem_init and fill in the rest.
 * We may have opened it at any point in between:
 *  - while it is 0 bytes long, touching a mapping of it kills us with
 *    SIGBUS (no file page backs the address), so wait for its full size;
 *  - once it is long enough it reads as zeros, and a zeroed sem_t is not a
 *    set up semaphore (glibc would take it as process-private, so a post
 *    could miss our wait), so wait for ready, which the writer stores last.
 * System V had no such gap: its writer made the semaphores before the
 * segment, so a segment the reader found had working semaphores. */
static void
map_when_set_up(int fd, uint64_t deadline)
{
	struct stat st;

	for (;;) {
		if (fstat(fd, &st) == -1)
			die_errno("fstat %s", name);
		if ((size_t)st.st_size >= sizeof(*seg))
			break;
		if (clock_ns() > deadline)
			die("%s is still %lld bytes after %lu s: its writer "
			    "died setting it up? see `make ipcs`",
			    name, (long long)st.st_size, opt.timeout_s);
		sleep_ms(1); /* setting up takes microseconds */
	}
	if ((size_t)st.st_size != sizeof(*seg))
		die("%s is %lld bytes, not the %zu of a shm_posix segment",
		    name, (long long)st.st_size, sizeof(*seg));
	seg = mmap(NULL, sizeof(*seg), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (seg == MAP_FAILED)
		die_errno("mmap %s", name);
	if (close(fd) == -1) /* the mapping is all we need */
		die_errno("close %s", name);

	/* Acquire pairs with the writer's release: seeing ready = 1 means
	 * seeing the semaphores and the writer pid it stored before. */
	while (atomic_load_explicit(&seg->ready, memory_order_acquire) == 0) {
		if (clock_ns() > deadline)
			die("%s was never made ready in %lu s: its writer died "
			    "setting it up? see `make ipcs`",
			    name, opt.timeout_s);
		sleep_ms(1);
	}
	writer = seg->writer;
}

/* The writer died without unlinking its object: nobody else will. */
static _Noreturn void
writer_gone(void)
{
	if (shm_unlink(name) == 0)
		die("writer %ld died without cleaning up; unlinked %s",
		    (long)writer, name);
	if (errno == ENOENT) /* a SIGTERM: it unlinked, then died */
		die("writer %ld died before the last message", (long)writer);
	die_errno("shm_unlink %s (writer %ld died)", name, (long)writer);
}

/* Wait until the slot is full, checking every SHM_POLL_MS that the writer
 * still runs: a writer killed by SIGKILL never posts again. */
static void
wait_full(void)
{
	struct timespec until = realtime_after_ms(SHM_POLL_MS);

	while (sem_timedwait(&seg->full, &until) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			die_errno("sem_timedwait full in %s", name);
		if (!pid_alive(writer))
			writer_gone();
		until = realtime_after_ms(SHM_POLL_MS);
	}
}

/* Mark the slot empty: the writer may fill it again. */
static void
post_empty(void)
{
	if (sem_post(&seg->empty) == -1)
		die_errno("sem_post empty in %s", name);
}

int
main(int argc, char **argv)
{
	struct shm_posix_msg msg;
	unsigned long expect = 1;
	uint64_t deadline;
	pid_t none = 0;

	opts_parse(&opt, "Nt", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name); /* opts_parse checked */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* A writer killed by SIGKILL leaves its object behind, ready, maybe
	 * with a message in the slot.  Never read a dead writer's leftover,
	 * and let go of it at once: while we map it, the next writer's stale
	 * sweep counts it as in use and cannot remove it. */
	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	for (;;) {
		map_when_set_up(find_object(deadline), deadline);
		if (pid_alive(writer))
			break;
		if (munmap(seg, sizeof(*seg)) == -1)
			die_errno("munmap %s", name);
		if (clock_ns() > deadline)
			die("no writer in %lu s: %s is left over from writer %ld, "
			    "which died; `make ipcs-clean` removes it",
			    opt.timeout_s, name, (long)writer);
		sleep_ms(50);
	}
	/* One slot, one reader: a second would steal half the messages. */
	if (!atomic_compare_exchange_strong(&seg->reader, &none, getpid()))
		die("writer %ld already has a reader, %ld; one at a time",
		    (long)writer, (long)none);

	do {
		wait_full();
		msg = seg->msg; /* copy it out, then give the slot back */
		post_empty();
		if (msg.seq != expect)
			die("expected message #%lu, got #%lu", expect, msg.seq);
		printf("shm_posix_reader %ld: #%lu/%lu from writer %ld: \"%.*s\"\n",
		       (long)getpid(), msg.seq, msg.total, (long)msg.writer,
		       SHM_TEXT_MAX, msg.text);
		expect++;
	} while (msg.seq < msg.total);

	if (munmap(seg, sizeof(*seg)) == -1)
		die_errno("munmap %s", name);
	return 0;
}
