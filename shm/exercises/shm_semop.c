/* shm_semop.c - exercise (complete): the semop pair around the slot.
 *
 * The reader for build/bin/shm_minimal_server 226 (read that program's
 * header): it finds the segment and the semaphore set at key 0x1c<uid>e2
 * and prints the 5 messages the server writes into the segment, one at a
 * time.  Semaphore FULL is 1 while the segment holds a message not yet
 * read, EMPTY while the server may write the next.  As it is, the reader
 * looks at the segment every 0.1 s instead: it prints message 1 again
 * and again, and the server gives up waiting for EMPTY.  Complete the
 * two TODOs with semop(2) calls, so that each message is printed once,
 * and none is missed however slow either side is.  No sleeping: the
 * check plays the server's part itself, and takes its time.
 *
 *   run:    make build/bin/ex/shm_semop && (build/bin/shm_minimal_server
 *           226 & build/bin/ex/shm_semop)
 *   check:  make exercise shm_semop
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

#define SIZE 256
enum { EMPTY, FULL }; /* the set's two semaphores */

static const char usage[] = "usage: shm_semop\n"
			    "Print the 5 messages of shm_minimal_server 226, "
			    "each once.\n";

static void
fail(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char **argv)
{
	key_t key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xe2);
	struct timespec nap = {0, 100000000}; /* 0.1 s */
	struct shmid_ds ds;
	int shmid, semid;
	char *mem;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 1) {
		fprintf(stderr, "shm_semop: no arguments\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it comes */
	for (int tries = 1; (shmid = shmget(key, 0, 0)) < 0; tries++) {
		if (errno != ENOENT || tries == 100)
			fail("shmget"); /* ENOENT: no server came */
		nanosleep(&nap, NULL);	/* the server may not be there yet */
	}
	if (shmctl(shmid, IPC_STAT, &ds) < 0) /* anyone can compute our key: */
		fail("shmctl IPC_STAT");      /* is the segment ours? */
	if (ds.shm_perm.uid != getuid() || ds.shm_perm.cuid != getuid())
		return fputs("shm_semop: segment not yours\n", stderr), 1;
	if ((semid = semget(key, 0, 0)) < 0) /* ours too, if the segment is */
		fail("semget");
	mem = shmat(shmid, NULL, SHM_RDONLY);
	if (mem == (void *)-1)
		fail("shmat");
	for (int i = 1; i <= 5; i++) {
		/* TODO: wait until the segment holds a message (FULL) */
		nanosleep(&nap, NULL);
		printf("read: %.*s\n", SIZE, mem);
		/* TODO: tell the server it may write the next one (EMPTY) */
	}
	return 0;
}
