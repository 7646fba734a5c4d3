/* shm_sysv_writer.c - send messages through System V shared memory.
 *
 * Creates a segment (shmget) and a set of semaphores (semget), both with
 * IPC_EXCL and mode 0600, attaches the segment (shmat), and sends COUNT
 * messages to shm_sysv_reader, one at a time: wait until the slot is empty,
 * write it, mark it full.  When the reader has taken the last one, it
 * detaches (shmdt) and removes both objects (IPC_RMID).  Ctrl-C removes
 * them too; a reader that dies makes it stop instead of waiting forever.
 *
 *   $ build/bin/shm_sysv_writer -n 3 &
 *   shm_sysv_writer 4242: key 0x1c5e07a1: segment 32769, semaphores 3; ...
 *   $ build/bin/shm_sysv_reader
 *   shm_sysv_reader 4243: #1/3 from writer 4242: "hello 1 from 4242"
 *   ...
 *   $ ipcs -m -s            # nothing left
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
#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "shm_sysv.h"
#include "sweep.h"

static const char usage[] =
	"usage: shm_sysv_writer [-n COUNT] [-i MS] [-t SECONDS] [-N NAME]\n"
	"Send COUNT messages to shm_sysv_reader through System V shared memory.\n"
	"  -n COUNT    messages to send (default 10)\n"
	"  -i MS       pause between messages, to watch (default 100)\n"
	"  -t SECONDS  give up if no reader comes for this long (default 10)\n"
	"  -N NAME     meet the reader at ipclab-<uid>-NAME (default shm-sysv)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SHM_SYSV_NAME, 10, 100, 10};
static int shmid, semid;

/* Wait until the reader has emptied the slot.  semtimedop returns every
 * SHM_POLL_MS so we can look at the segment's attach count: a reader that
 * attached and then died (even by SIGKILL) is detached by the kernel. */
static void
wait_empty(void)
{
	struct sembuf down = {SEM_EMPTY, -1, 0};
	struct timespec slice = {0, SHM_POLL_MS * 1000000L};
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	static int waits, reader_seen;
	struct shmid_ds ds;

	while (semtimedop(semid, &down, 1, &slice) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) /* EAGAIN: the slice ran out */
			die_errno("semop SEM_EMPTY on semaphores %d", semid);
		if (shmctl(shmid, IPC_STAT, &ds) == -1)
			die_errno("shmctl IPC_STAT segment %d", shmid);
		if (ds.shm_nattch >= 2)
			reader_seen = 1; /* us and a reader */
		else if (reader_seen)
			die("the reader went away; removing the segment");
		else if (clock_ns() > deadline)
			die("no reader came in %lu s; run shm_sysv_reader -N %s",
			    opt.timeout_s, opt.name);
	}
	if (++waits > 1) /* the slot starts empty: only later waits prove */
		reader_seen = 1; /* that a reader took a message */
}

/* Mark the slot full: the reader may take it. */
static void
post_full(void)
{
	struct sembuf up = {SEM_FULL, +1, 0};

	if (semop(semid, &up, 1) == -1)
		die_errno("semop SEM_FULL on semaphores %d", semid);
}

int
main(int argc, char **argv)
{
	unsigned short init[SEM_COUNT] = {
		[SEM_EMPTY] = 1, [SEM_FULL] = 0, [SEM_READER] = 1};
	union semun arg = {.array = init};
	struct shm_sysv_msg *msg;
	int sem_reg, shm_reg;
	key_t key;

	opts_parse(&opt, "Nnit", usage, argc, argv);
	key = names_key(opt.name);
	/* One line at a time, even into a pipe or a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* A writer killed with SIGKILL could not clean up: remove what such
	 * dead runs left, never an object a running process still uses. */
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");

	/* Semaphores first, initialised before the segment exists: a reader
	 * waits for the segment, so it never sees uninitialised semaphores. */
	semid = semget(key, SEM_COUNT, IPC_CREAT | IPC_EXCL | 0600);
	if (semid == -1 && errno == EEXIST)
		die("key 0x%08x (-N %s) is in use, most likely by a running "
		    "writer; pick another -N or see `make ipcs`",
		    (unsigned)key, opt.name);
	if (semid == -1)
		die_errno("semget key 0x%08x", (unsigned)key);
	sem_reg = cleanup_add_id(OBJ_SYSV_SEM, semid);
	if (sem_reg == -1)
		die_errno("cleanup_add_id semaphores %d", semid);
	if (semctl(semid, 0, SETALL, arg) == -1)
		die_errno("semctl SETALL semaphores %d", semid);

	shmid = shmget(key, sizeof(*msg), IPC_CREAT | IPC_EXCL | 0600);
	if (shmid == -1)
		die_errno("shmget key 0x%08x", (unsigned)key);
	shm_reg = cleanup_add_id(OBJ_SYSV_SHM, shmid);
	if (shm_reg == -1)
		die_errno("cleanup_add_id segment %d", shmid);
	msg = shmat(shmid, NULL, 0);
	if (msg == (void *)-1)
		die_errno("shmat segment %d", shmid);

	printf("shm_sysv_writer %ld: key 0x%08x: segment %d, semaphores %d; "
	       "sending %lu messages\n",
	       (long)getpid(), (unsigned)key, shmid, semid, opt.count);
	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		wait_empty();
		msg->writer = getpid();
		msg->seq = seq;
		msg->total = opt.count;
		snprintf(msg->text, sizeof(msg->text), "hello %lu from %ld",
			 seq, (long)getpid());
		post_full();
		printf("shm_sysv_writer %ld: sent #%lu\n", (long)getpid(), seq);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	wait_empty(); /* the reader has taken the last message */

	if (shmdt(msg) == -1)
		die_errno("shmdt segment %d", shmid);
	if (shmctl(shmid, IPC_RMID, NULL) == -1)
		die_errno("shmctl IPC_RMID segment %d", shmid);
	cleanup_forget(shm_reg);
	if (semctl(semid, 0, IPC_RMID) == -1)
		die_errno("semctl IPC_RMID semaphores %d", semid);
	cleanup_forget(sem_reg);
	printf("shm_sysv_writer %ld: done; segment and semaphores removed\n",
	       (long)getpid());
	return 0;
}
