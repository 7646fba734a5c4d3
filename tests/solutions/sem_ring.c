/* sem_ring.c - the solution: a ring of slots instead of one.
 *
 * A parent, the producer, passes COUNT items to its child, the consumer,
 * through one slot in shared memory, under two System V semaphores made
 * at a key from your uid: EMPTY (the producer may put) and FULL (the
 * consumer may take).  The consumer is slow (it pauses MS ms after each
 * item), so the producer spends its time waiting for the one slot.  Give
 * them a ring of RING (4) slots: the producer may then run up to 4 items
 * ahead, and waits only when all 4 are full.  Keep each side's semaphore
 * and its number (EMPTY 0, FULL 1): the check stops the consumer and
 * counts how far the producer got, and looks for it waiting on EMPTY.
 *
 *   run:    make build/bin/ex/sem_ring && build/bin/ex/sem_ring 10 50
 *   check:  make exercise sem_ring
 *   hint:   docs/sem.md#exercises
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: sem_ring [COUNT [MS]]\n"
			    "Pass COUNT items (1 to 1000, default 10) through "
			    "shared\nmemory; the consumer pauses MS ms "
			    "(default 50).\n";
#define RING 4 /* slots */
enum { EMPTY, FULL }; /* the semaphores' numbers in the set */
static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "sem_ring: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

/* Add delta to semaphore num: -1 waits while it is 0. */
static void
op(int semid, unsigned short num, short delta)
{
	struct sembuf b = {num, delta, 0};

	while (semop(semid, &b, 1) == -1)
		if (errno != EINTR) /* EINTR: stopped and continued */
			die(delta < 0 ? "semop -1" : "semop +1");
}

int
main(int argc, char **argv)
{
	union semun { int val; struct semid_ds *buf; unsigned short *array; }
		arg; /* semctl(2): the caller defines the union */
	/* EMPTY counts the free slots, FULL the ones with an item. */
	unsigned short init[2] = {[EMPTY] = RING, [FULL] = 0};
	char *end1 = "", *end2 = "";
	long count = argc > 1 ? strtol(argv[1], &end1, 10) : 10;
	long ms = argc > 2 ? strtol(argv[2], &end2, 10) : 50;
	volatile long *ring; /* each side keeps its own index: k % RING */
	int semid, status;
	pid_t child;

	key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xea);
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 3 || *end1 != '\0' || *end2 != '\0' || count < 1 ||
	    count > 1000 || ms < 0 || ms > 1000) {
		fprintf(stderr, "sem_ring: bad COUNT or MS\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if ((ring = mmap(NULL, RING * sizeof(*ring), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		die("mmap");
	if ((semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600)) == -1)
		die("semget"); /* EEXIST: the key is in use; see ipcs -s */
	arg.array = init;
	if (semctl(semid, 0, SETALL, arg) == -1) /* before fork: no race */
		die("semctl SETALL");
	if ((child = fork()) == -1)
		die("fork");
	if (child == 0) { /* the consumer */
		for (long k = 1; k <= count; k++) {
			op(semid, FULL, -1); /* wait for a full slot */
			printf("consumer %ld: item %ld\n", (long)getpid(),
			       ring[k % RING]);
			op(semid, EMPTY, +1); /* one more free slot */
			usleep((useconds_t)ms * 1000);
		}
		exit(0);
	}
	for (long k = 1; k <= count; k++) { /* the producer */
		op(semid, EMPTY, -1); /* wait for a free slot */
		ring[k % RING] = k;
		printf("producer %ld: put %ld\n", (long)getpid(), k);
		op(semid, FULL, +1); /* one more full slot */
	}
	if (waitpid(child, &status, 0) == -1)
		die("waitpid");
	if (semctl(semid, 0, IPC_RMID) == -1)
		die("semctl IPC_RMID");
	printf("producer %ld: %ld items passed; semaphore set removed\n",
	       (long)getpid(), count);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
