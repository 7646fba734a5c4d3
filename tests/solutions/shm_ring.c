/* shm_ring.c - the solution: a ring of 8 slots instead of one.
 *
 * Run twice, in two roles: `shm_ring write COUNT` makes a System V
 * semaphore set and a segment at key 0x1c<uid>e3 and writes COUNT
 * messages into it; `shm_ring read COUNT` prints them, each once and in
 * order.  EMPTY counts the slots the writer may fill, FULL the messages
 * the reader may take.  There is one slot, so the writer waits for the
 * reader after every message.  Make it a ring of 8 slots: with no reader
 * yet, the writer writes 8 messages, then waits for a slot; message K goes
 * to slot K % 8, and the reader takes them in that order.  Mind the
 * writer's last wait: it must not remove the objects while the reader
 * has messages left.  The check starts the reader late.
 *
 *   run:    make build/bin/ex/shm_ring && (build/bin/ex/shm_ring write 20 &
 *           sleep 1; build/bin/ex/shm_ring read 20)
 *   check:  make exercise shm_ring
 *   hint:   docs/shm.md#exercises
 */
#define _GNU_SOURCE 1 /* semtimedop */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define SIZE  64      /* bytes of a slot */
#define SLOTS 8	      /* slots in the ring */
enum { EMPTY, FULL }; /* the set's two semaphores */
union semun { int val; struct semid_ds *buf; unsigned short *array; };

static const char usage[] = "usage: shm_ring write|read COUNT\n"
			    "Pass COUNT messages (1 to 10000) from a writer "
			    "to a reader through System V shared memory.\n";
static int shmid = -1, semid = -1, writer;

static void
fail(const char *what) /* report, remove what the writer made, exit */
{
	perror(what);
	if (writer)
		shmctl(shmid, IPC_RMID, NULL), semctl(semid, 0, IPC_RMID);
	exit(1);
}

int
main(int argc, char **argv)
{
	key_t key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xe3);
	unsigned short init[2] = {[EMPTY] = SLOTS, [FULL] = 0};
	struct sembuf take_empty = {EMPTY, -1, 0}, give_full = {FULL, +1, 0};
	struct sembuf take_full = {FULL, -1, 0}, give_empty = {EMPTY, +1, 0};
	struct timespec limit = {10, 0}, nap = {0, 100000000}; /* 0.1 s */
	char *end = "", *mem;
	long count = argc == 3 ? strtol(argv[2], &end, 10) : 0;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	writer = argc == 3 && strcmp(argv[1], "write") == 0;
	if (argc != 3 || (!writer && strcmp(argv[1], "read") != 0) ||
	    *end != '\0' || count < 1 || count > 10000) {
		fprintf(stderr, "shm_ring: bad arguments\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it comes */
	if (writer) {
		if ((semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600)) < 0)
			fail("semget");
		if (semctl(semid, 0, SETALL, (union semun){.array = init}) < 0)
			fail("semctl SETALL"); /* before the segment exists */
		shmid = shmget(key, SIZE * SLOTS, IPC_CREAT | IPC_EXCL | 0600);
		if (shmid < 0)
			fail("shmget");
	} else {
		for (int tries = 1; (shmid = shmget(key, 0, 0)) < 0; tries++) {
			if (errno != ENOENT || tries == 100)
				fail("shmget"); /* ENOENT: no writer came */
			nanosleep(&nap, NULL);
		}
		if ((semid = semget(key, 0, 0)) < 0)
			fail("semget");
	}
	if ((mem = shmat(shmid, NULL, 0)) == (void *)-1)
		fail("shmat");
	for (long k = 1; k <= count; k++) {
		if (writer) {
			if (semtimedop(semid, &take_empty, 1, &limit) < 0)
				fail("semtimedop EMPTY"); /* no reader */
			snprintf(mem + k % SLOTS * SIZE, SIZE, "message %ld",
				 k);
			if (semop(semid, &give_full, 1) < 0)
				fail("semop FULL");
			printf("wrote message %ld\n", k);
			continue;
		}
		if (semtimedop(semid, &take_full, 1, &limit) < 0)
			fail("semtimedop FULL"); /* the writer died? */
		printf("read: %.*s\n", SIZE, mem + k % SLOTS * SIZE);
		if (semop(semid, &give_empty, 1) < 0)
			fail("semop EMPTY");
	}
	if (writer) { /* done when every slot is empty again: one empty
		       * slot only means the reader is SLOTS - 1 behind */
		struct sembuf all_read = {EMPTY, -SLOTS, 0};

		if (semtimedop(semid, &all_read, 1, &limit) < 0)
			fail("semtimedop EMPTY"); /* the last message read */
	}
	if (writer && (shmctl(shmid, IPC_RMID, NULL) < 0 ||
		       semctl(semid, 0, IPC_RMID) < 0))
		fail("IPC_RMID");
	return 0;
}
