/* shm_sysv_reader.c - receive messages through System V shared memory.
 *
 * Waits (a bounded time) for shm_sysv_writer's segment to appear, attaches
 * it read-only, and prints every message exactly once, in order: wait until
 * the slot is full, copy it out, mark it empty.  It creates nothing, so it
 * removes nothing -- unless the writer dies without cleaning up (SIGKILL):
 * then it says so, removes the orphaned objects and exits 1.
 *
 *   $ build/bin/shm_sysv_writer -n 3 &
 *   $ build/bin/shm_sysv_reader
 *   shm_sysv_reader 4243: #1/3 from writer 4242: "hello 1 from 4242"
 *   shm_sysv_reader 4243: #2/3 from writer 4242: "hello 2 from 4242"
 *   shm_sysv_reader 4243: #3/3 from writer 4242: "hello 3 from 4242"
 */
#define _GNU_SOURCE /* semtimedop(2) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "owner.h"
#include "shm_sysv.h"
#include "proc.h"

static const char usage[] =
	"usage: shm_sysv_reader [-t SECONDS] [-N NAME]\n"
	"Print the messages shm_sysv_writer sends through System V shared memory.\n"
	"  -t SECONDS  give up if no writer appears for this long (default 10)\n"
	"  -N NAME     meet the writer at ipclab-<uid>-NAME (default shm-sysv)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SHM_SYSV_NAME, 0, 0, 10};
static int shmid, semid;
static pid_t writer; /* the segment's creator, from shmctl(IPC_STAT) */

/* The key is derived from a public name: anyone can compute it and make
 * an object there first, mode 0666, to read what we take for our writer's
 * messages.  Root may open anything, so no EACCES would warn us either:
 * use an object we did not create only if we own it.  Returns 1 if it is
 * ours, 0 if it went away meanwhile; refuses anyone else's. */
static int
ours(enum obj_kind kind, int id, const char *what, key_t key)
{
	struct owner who;

	if (owner_check_sysv(kind, id, &who) == 0)
		return 1;
	if (errno == EIDRM || errno == EINVAL) /* removed since we found it */
		return 0;
	die_errno("%s %d at key 0x%08x (-N %s) belongs to %s, not to you; "
		  "not using it",
		  what, id, (unsigned)key, opt.name, who.desc);
}

/* Find a running writer's segment, polling until one exists or time runs
 * out.  A segment whose creator is gone is a dead run's leftover: the next
 * writer removes it, so we wait for that writer rather than use it. */
static void
find_writer(key_t key)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct shmid_ds ds;

	for (;;) {
		shmid = shmget(key, 0, 0);
		if (shmid == -1 && errno != ENOENT)
			die_errno("shmget key 0x%08x", (unsigned)key);
		if (shmid != -1 && ours(OBJ_SYSV_SHM, shmid, "segment", key) &&
		    shmctl(shmid, IPC_STAT, &ds) == 0) {
			writer = ds.shm_cpid; /* the kernel records it */
			if (pid_alive(writer))
				return;
		}
		if (clock_ns() > deadline)
			die("no writer in %lu s: start shm_sysv_writer -N %s first",
			    opt.timeout_s, opt.name);
		sleep_ms(50);
	}
}

/* The writer died without removing its objects: nobody else will. */
static _Noreturn void
writer_gone(void)
{
	shmctl(shmid, IPC_RMID, NULL); /* may fail: it could be gone already */
	semctl(semid, 0, IPC_RMID);
	die("writer %ld died without cleaning up; removed its segment and "
	    "semaphores",
	    (long)writer);
}

/* One slot, one reader: a second would steal half the messages.  The
 * claim is a -1 on SEM_READER with SEM_UNDO, so the kernel gives the place
 * back when we exit, however we exit -- even killed by SIGKILL.  (The
 * empty/full pair must not use SEM_UNDO: there one process takes and the
 * other gives, and undoing a post at exit would undo a real message.) */
static void
claim_reader_place(void)
{
	struct sembuf claim = {SEM_READER, -1, IPC_NOWAIT | SEM_UNDO};

	if (semop(semid, &claim, 1) == 0)
		return;
	if (errno == EAGAIN)
		die("writer %ld already has a reader; one at a time",
		    (long)writer);
	die_errno("semop SEM_READER on semaphores %d", semid);
}

/* Wait until the slot is full, checking every SHM_POLL_MS that the writer
 * still runs: a writer killed by SIGKILL never posts again. */
static void
wait_full(void)
{
	struct sembuf down = {SEM_FULL, -1, 0};
	struct timespec slice = {0, SHM_POLL_MS * 1000000L};

	while (semtimedop(semid, &down, 1, &slice) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EIDRM || errno == EINVAL)
			die("the writer removed the semaphores before the last "
			    "message");
		if (errno != EAGAIN)
			die_errno("semop SEM_FULL on semaphores %d", semid);
		if (!pid_alive(writer))
			writer_gone();
	}
}

/* Mark the slot empty: the writer may fill it again. */
static void
post_empty(void)
{
	struct sembuf up = {SEM_EMPTY, +1, 0};

	if (semop(semid, &up, 1) == -1)
		die_errno("semop SEM_EMPTY on semaphores %d", semid);
}

int
main(int argc, char **argv)
{
	const struct shm_sysv_msg *slot;
	struct shm_sysv_msg msg;
	unsigned long expect = 1;
	key_t key;

	opts_parse(&opt, "Nt", usage, argc, argv);
	key = names_key(opt.name);
	setvbuf(stdout, NULL, _IOLBF, 0);

	find_writer(key);
	semid = semget(key, 0, 0); /* the writer made it before the segment */
	if (semid == -1)
		die_errno("semget key 0x%08x", (unsigned)key);
	if (!ours(OBJ_SYSV_SEM, semid, "semaphore set", key))
		die("the writer removed its semaphores before we started");
	claim_reader_place();
	slot = shmat(shmid, NULL, SHM_RDONLY); /* we only read */
	if (slot == (void *)-1)
		die_errno("shmat segment %d", shmid);

	do {
		wait_full();
		msg = *slot; /* copy it out, then give the slot back */
		post_empty();
		if (msg.seq != expect)
			die("expected message #%lu, got #%lu", expect, msg.seq);
		printf("shm_sysv_reader %ld: #%lu/%lu from writer %ld: \"%.*s\"\n",
		       (long)getpid(), msg.seq, msg.total, (long)msg.writer,
		       SHM_TEXT_MAX, msg.text);
		expect++;
	} while (msg.seq < msg.total);

	if (shmdt(slot) == -1)
		die_errno("shmdt segment %d", shmid);
	return 0;
}
