/* sem_minimal.c - a System V semaphore as a lock around a shared counter.
 *
 * One semaphore, made with IPC_CREAT | IPC_EXCL and mode 0600 at a key
 * made from your uid (or KEY) and set to 1, guards a counter in shared
 * memory: parent and forked child each add 1 to it TURNS times, between a
 * take (-1: waits while the value is 0) and a give (+1).  Both carry
 * SEM_UNDO: if one dies holding the lock, the kernel undoes its -1 and the
 * other goes on.  The parent then checks the counter and removes the set.
 *
 *   $ cc -Wall -Wextra -Werror sem_minimal.c -o sem_minimal && ./sem_minimal
 *   sem_minimal: parent 4242 and child 4243 took 10000 turns each ... removed
 *   $ ipcs -s                   # nothing of ours left
 */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

#define TURNS 10000 /* per process */
#define USAGE "usage: sem_minimal [KEY]\n"
static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "sem_minimal: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

int
main(int argc, char **argv)
{
	union semun { int val; struct semid_ds *buf; unsigned short *array; }
		one = {.val = 1}; /* semctl(2): the caller defines the union */
	struct sembuf take = {0, -1, SEM_UNDO}, give = {0, +1, SEM_UNDO};
	unsigned long *counter;
	char *end = "";
	int semid;
	pid_t child;

	key = (key_t)(0x1c000000 | (getuid() & 0xffffff)); /* one per user */
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return printf(USAGE) < 0;
	if (argc == 2) /* a long, then cut to key_t's 32 bits */
		key = (key_t)strtol(argv[1], &end, 0);
	if (argc > 2 || *end != '\0' || key <= 0 ||
	    (argc == 2 && key != strtol(argv[1], NULL, 0))) /* cut: not KEY */
		return fprintf(stderr, "sem_minimal: bad KEY\n" USAGE), 2;
	if ((counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		die("mmap");
	if ((semid = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600)) == -1)
		die("semget"); /* EEXIST: the key is in use; see ipcs -s */
	if (semctl(semid, 0, SETVAL, one) == -1) /* before fork: no race */
		die("semctl SETVAL");
	if ((child = fork()) == -1)
		die("fork");
	for (int i = 0; i < TURNS; i++) {
		if (semop(semid, &take, 1) == -1)
			die("semop -1");
		*counter = *counter + 1; /* read, then write: needs the lock */
		if (semop(semid, &give, 1) == -1)
			die("semop +1");
	}
	if (child == 0)
		exit(0);
	if (waitpid(child, NULL, 0) == -1)
		die("waitpid");
	if (semctl(semid, 0, IPC_RMID) == -1)
		die("semctl IPC_RMID");
	printf("sem_minimal: parent %ld and child %ld took %d turns each under "
	       "semaphore %d: counter %lu, expected %d; removed\n",
	       (long)getpid(), (long)child, TURNS, semid, *counter, 2 * TURNS);
	return *counter != 2 * TURNS;
}
