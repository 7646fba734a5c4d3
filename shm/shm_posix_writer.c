/* shm_posix_writer.c - send messages through POSIX shared memory.
 *
 * Creates /ipclab-<uid>-<name> (shm_open with O_EXCL, mode 0600), sizes it
 * (ftruncate), maps it (mmap), and sets up the two semaphores inside it
 * (sem_init with pshared = 1; see shm_posix.h for why).  Only then does it
 * set ready, and send COUNT messages to shm_posix_reader, one at a time:
 * wait until the slot is empty, write it, mark it full.  When the reader
 * has taken the last one, it destroys the semaphores, unmaps and unlinks
 * the object.  Ctrl-C unlinks it too; a reader that dies makes it stop.
 *
 *   $ build/bin/shm_posix_writer -n 3 &
 *   shm_posix_writer 4242: /ipclab-1000-shm-posix: 168 bytes, ...
 *   $ build/bin/shm_posix_reader
 *   shm_posix_reader 4243: #1/3 from writer 4242: "hello 1 from 4242"
 *   ...
 *   $ ls /dev/shm           # nothing left
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "proc.h"
#include "shm_posix.h"
#include "sweep.h"

static const char usage[] =
	"usage: shm_posix_writer [-n COUNT] [-i MS] [-t SECONDS] [-N NAME]\n"
	"Send COUNT messages to shm_posix_reader through POSIX shared memory.\n"
	"  -n COUNT    messages to send (default 10)\n"
	"  -i MS       pause between messages, to watch (default 100)\n"
	"  -t SECONDS  give up if no reader comes for this long (default 10)\n"
	"  -N NAME     meet the reader at /ipclab-<uid>-NAME (default shm-posix)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SHM_POSIX_NAME, 10, 100, 10};
static char name[NAMES_FULL_MAX];
static struct shm_posix_seg *seg;

/* Wait until the reader has emptied the slot.  sem_timedwait returns every
 * SHM_POLL_MS so we can look at the reader: one killed by SIGKILL never
 * posts again, and the kernel does not tell us, so we ask whether its pid
 * still runs. */
static void
wait_empty(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct timespec until = realtime_after_ms(SHM_POLL_MS);
	pid_t reader;

	while (sem_timedwait(&seg->empty, &until) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT) /* ETIMEDOUT: the slice ran out */
			die_errno("sem_timedwait empty in %s", name);
		reader = atomic_load(&seg->reader);
		if (reader != 0 && !pid_alive(reader))
			die("the reader went away; removing the segment");
		if (reader == 0 && clock_ns() > deadline)
			die("no reader came in %lu s; "
			    "run shm_posix_reader -N %s",
			    opt.timeout_s, opt.name);
		until = realtime_after_ms(SHM_POLL_MS);
	}
}

/* Mark the slot full: the reader may take it. */
static void
post_full(void)
{
	if (sem_post(&seg->full) == -1)
		die_errno("sem_post full in %s", name);
}

/* Create, size and map the object, and set up what is inside it. */
static int
create_segment(void)
{
	int fd, reg;

	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd == -1 && errno == EEXIST)
		die("%s (-N %s) is in use, most likely by a running "
		    "writer; pick another -N or see `make ipcs`",
		    name, opt.name);
	if (fd == -1)
		die_errno("shm_open %s", name);
	reg = cleanup_add_name(OBJ_POSIX_SHM, name); /* before anything fails */
	if (reg == -1)
		die_errno("cleanup_add_name %s", name);

	/* From here until ready is set, a reader may already have the object
	 * open: first 0 bytes long, then zero-filled with no semaphores. */
	if (ftruncate(fd, sizeof(*seg)) == -1)
		die_errno("ftruncate %s to %zu bytes", name, sizeof(*seg));
	seg = mmap(NULL, sizeof(*seg), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (seg == MAP_FAILED)
		die_errno("mmap %s", name);
	if (close(fd) == -1) /* the mapping keeps the object in use */
		die_errno("close %s", name);

	if (sem_init(&seg->empty, 1, 1) == -1) /* the slot starts empty */
		die_errno("sem_init empty in %s", name);
	if (sem_init(&seg->full, 1, 0) == -1)
		die_errno("sem_init full in %s", name);
	seg->writer = getpid();
	/* Release: a reader whose acquire load sees 1 also sees every write
	 * above, so it never uses a half set up segment. */
	atomic_store_explicit(&seg->ready, 1, memory_order_release);
	return reg;
}

int
main(int argc, char **argv)
{
	int reg;

	opts_parse(&opt, "Nnit", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name); /* opts_parse checked */
	/* One line at a time, even into a pipe or a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* A writer killed with SIGKILL could not clean up: remove what such
	 * dead runs left, never an object a running process still uses. */
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");

	reg = create_segment();
	printf("shm_posix_writer %ld: %s: %zu bytes, semaphores inside; "
	       "sending %lu messages\n",
	       (long)getpid(), name, sizeof(*seg), opt.count);
	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		wait_empty();
		seg->msg.writer = getpid();
		seg->msg.seq = seq;
		seg->msg.total = opt.count;
		snprintf(seg->msg.text, sizeof(seg->msg.text),
			 "hello %lu from %ld", seq, (long)getpid());
		post_full(); /* sem_post also publishes the writes above */
		printf("shm_posix_writer %ld: sent #%lu\n", (long)getpid(),
		       seq);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	wait_empty(); /* the reader has taken the last message */

	/* Nobody waits on them now: the reader is done with them. */
	if (sem_destroy(&seg->empty) == -1)
		die_errno("sem_destroy empty in %s", name);
	if (sem_destroy(&seg->full) == -1)
		die_errno("sem_destroy full in %s", name);
	if (munmap(seg, sizeof(*seg)) == -1)
		die_errno("munmap %s", name);
	if (shm_unlink(name) == -1)
		die_errno("shm_unlink %s", name);
	cleanup_forget(reg);
	printf("shm_posix_writer %ld: done; %s unlinked\n", (long)getpid(),
	       name);
	return 0;
}
