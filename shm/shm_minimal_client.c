/* shm_minimal_client.c - the classic client corrected: the reader for
 * shm_minimal_server (whose header explains both).  It finds the segment
 * and the semaphores at the key made from our uid and N, waiting up to
 * 10 s for the server to make them, checks that the segment is ours (a
 * key is easy to compute: another user could have made one there first),
 * then takes each message once: wait for FULL, print, give EMPTY back.
 * It makes nothing, so it removes nothing; exiting detaches the segment.
 *
 *   $ ./server & ./client           # built as in shm_minimal_server.c
 *   read: message 1 from the server
 *   ...
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

static const char usage[] = "usage: shm_minimal_client [N]   (N: 0 to 255)\n";

static void
fail(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char **argv)
{
	char *end = "", *mem;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	key_t key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | (n & 0xff));
	struct sembuf take_full = {FULL, -1, 0}, give_empty = {EMPTY, +1, 0};
	struct timespec limit = {10, 0}, nap = {0, 100000000}; /* 0.1 s */
	struct shmid_ds ds;
	int shmid, semid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 2 || *end != '\0' || end == argv[1] || n < 0 || n > 255) {
		fputs(usage, stderr);
		return 2;
	}
	for (int tries = 1; (shmid = shmget(key, 0, 0)) < 0; tries++) {
		if (errno != ENOENT || tries == 100)
			fail("shmget"); /* ENOENT: no server came */
		nanosleep(&nap, NULL);	/* the server may not be there yet */
	}
	if (shmctl(shmid, IPC_STAT, &ds) < 0) /* anyone can compute our key: */
		fail("shmctl IPC_STAT");      /* is the segment ours? */
	if (ds.shm_perm.uid != getuid() || ds.shm_perm.cuid != getuid())
		return fputs("shm_minimal_client: segment not yours\n", stderr), 1;
	if ((semid = semget(key, 0, 0)) < 0) /* ours too, if the segment is */
		fail("semget");
	mem = shmat(shmid, NULL, SHM_RDONLY);
	if (mem == (void *)-1)
		fail("shmat");
	for (int i = 1; i <= 5; i++) {
		if (semtimedop(semid, &take_full, 1, &limit) < 0)
			fail("semtimedop FULL"); /* EAGAIN: the server died? */
		printf("read: %.*s\n", SIZE, mem);
		if (semop(semid, &give_empty, 1) < 0)
			fail("semop EMPTY");
	}
	return 0;
}
