/* shm_leak.c - the solution: the server removes its segment.
 *
 * The classic server, corrected but for one thing: it makes a semaphore
 * set and a segment at key 0x1c<uid>e0, writes 5 messages into the
 * segment one at a time for build/bin/shm_minimal_client 224 (EMPTY is 1
 * while the segment may be written, FULL while it holds a message), waits
 * until the last one is read, and exits.  The semaphores go, but the
 * segment stays: `ipcs -m` shows it after every run, and the next run
 * fails with "shmget: File exists".  Make the server remove it, however
 * the server ends, in fail() too.  Do not give up the segment to get rid
 * of the leak: the check looks for it while the server runs, and the
 * client must still read every message.
 *
 *   run:    make build/bin/ex/shm_leak && (build/bin/ex/shm_leak &
 *           build/bin/shm_minimal_client 224); ipcs -m
 *           (ipcrm -M 0x1c..e0, with the key ipcs shows, removes one)
 *   check:  make exercise shm_leak
 *   hint:   docs/shm.md#exercises
 */
#define _GNU_SOURCE 1 /* semtimedop */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#define SIZE 256
enum { EMPTY, FULL }; /* the set's two semaphores */
union semun { int val; struct semid_ds *buf; unsigned short *array; };

static const char usage[] = "usage: shm_leak\n"
			    "Write 5 messages for shm_minimal_client 224 "
			    "through a System V segment.\n";
static int shmid = -1, semid = -1;

static void
fail(const char *what) /* report, remove what we made, exit */
{
	perror(what);
	shmctl(shmid, IPC_RMID, NULL); /* -1 before shmget: EINVAL, harmless */
	semctl(semid, 0, IPC_RMID);
	exit(1);
}

int
main(int argc, char **argv)
{
	key_t key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xe0);
	unsigned short init[2] = {[EMPTY] = 1, [FULL] = 0};
	struct sembuf take_empty = {EMPTY, -1, 0}, give_full = {FULL, +1, 0};
	struct timespec limit = {10, 0}; /* for a client that never comes */
	char *mem;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 1) {
		fprintf(stderr, "shm_leak: no arguments\n%s", usage);
		return 2;
	}
	if ((semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600)) < 0)
		fail("semget");
	if (semctl(semid, 0, SETALL, (union semun){.array = init}) < 0)
		fail("semctl SETALL"); /* before the segment: see docs/shm.md */
	if ((shmid = shmget(key, SIZE, IPC_CREAT | IPC_EXCL | 0600)) < 0)
		fail("shmget");
	mem = shmat(shmid, NULL, 0);
	if (mem == (void *)-1)
		fail("shmat");
	for (int i = 1; i <= 5; i++) {
		if (semtimedop(semid, &take_empty, 1, &limit) < 0)
			fail("semtimedop EMPTY"); /* EAGAIN: 10 s, no client */
		snprintf(mem, SIZE, "message %d from the server", i);
		if (semop(semid, &give_full, 1) < 0)
			fail("semop FULL");
	}
	if (semtimedop(semid, &take_empty, 1, &limit) < 0) /* last one read */
		fail("semtimedop EMPTY");
	/* Detaching is not removing: a segment stays until IPC_RMID, and
	 * goes once the last process detaches (here: when we exit). */
	if (shmctl(shmid, IPC_RMID, NULL) < 0)
		fail("shmctl IPC_RMID");
	if (semctl(semid, 0, IPC_RMID) < 0)
		fail("semctl IPC_RMID");
	return 0;
}
