/* shm_minimal_server.c - the classic server corrected: the smallest correct
 * System V shared memory writer.  Semaphore EMPTY is 1 while the segment
 * may be written, FULL while it holds an unread message.  The key holds our
 * uid (N, 0 to 255, is its last byte); both objects are made IPC_EXCL and
 * 0600, and removed once shm_minimal_client has read the last message, or
 * a wait passed 10 s.  Killed, it leaves them: `make ipcs-clean`.
 *
 *   $ cc -Wall -Wextra -Werror -o server shm/shm_minimal_server.c
 *   $ cc -Wall -Wextra -Werror -o client shm/shm_minimal_client.c
 *   $ ./server & ./client
 *   read: message 1 from the server
 *   ...
 *   read: message 5 from the server
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

static const char usage[] = "usage: shm_minimal_server [N]   (N: 0 to 255)\n";
static int shmid = -1, semid = -1;

static void
fail(const char *what) /* report, remove what we made, exit */
{
	perror(what);
	shmctl(shmid, IPC_RMID, NULL);
	semctl(semid, 0, IPC_RMID);
	exit(1);
}

int
main(int argc, char **argv)
{
	char *end = "", *mem;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	key_t key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | (n & 0xff));
	unsigned short init[2] = {[EMPTY] = 1, [FULL] = 0};
	struct sembuf take_empty = {EMPTY, -1, 0}, give_full = {FULL, +1, 0};
	struct timespec limit = {10, 0}; /* for a client that never comes */

	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 2 || *end != '\0' || end == argv[1] || n < 0 || n > 255) {
		fputs(usage, stderr);
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
	if (shmctl(shmid, IPC_RMID, NULL) < 0) /* it goes when exit detaches */
		fail("shmctl IPC_RMID");
	if (semctl(semid, 0, IPC_RMID) < 0)
		fail("semctl IPC_RMID");
	return 0;
}
