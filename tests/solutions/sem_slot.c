/* sem_slot.c - the solution: the semop pair around a slot.
 *
 * A parent, the producer, passes COUNT items to its child, the consumer,
 * through one slot in shared memory.  Two System V semaphores, made at a
 * key from your uid, say when the slot may be used: EMPTY (1 at first:
 * the producer may put) and FULL (0 at first: nothing to take yet).  The
 * consumer prints each item and pauses MS ms, as a slow consumer would.
 * As it is, nobody waits: the consumer prints items twice or never.
 * Complete the four TODOs with semop calls: each side waits (-1) on its
 * semaphore before it uses the slot, and posts (+1) the other's after.
 * The check stops each side for a while (SIGSTOP, then SIGCONT), so
 * sleeping is no answer; and a semop that waited then fails with EINTR
 * (signal(7) says why): call it again.
 *
 *   run:    make build/bin/ex/sem_slot && build/bin/ex/sem_slot 10 50
 *   check:  make exercise sem_slot
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

static const char usage[] = "usage: sem_slot [COUNT [MS]]\n"
			    "Pass COUNT items (1 to 1000, default 10) through "
			    "the slot;\nthe consumer pauses MS ms (default "
			    "50).\n";
enum { EMPTY, FULL }; /* the semaphores' numbers in the set */
static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "sem_slot: key 0x%08x: ", (unsigned)key);
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
	unsigned short init[2] = {[EMPTY] = 1, [FULL] = 0};
	char *end1 = "", *end2 = "";
	long count = argc > 1 ? strtol(argv[1], &end1, 10) : 10;
	long ms = argc > 2 ? strtol(argv[2], &end2, 10) : 50;
	volatile long *slot;
	int semid, status;
	pid_t child;

	key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xe9);
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 3 || *end1 != '\0' || *end2 != '\0' || count < 1 ||
	    count > 1000 || ms < 0 || ms > 1000) {
		fprintf(stderr, "sem_slot: bad COUNT or MS\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if ((slot = mmap(NULL, sizeof(*slot), PROT_READ | PROT_WRITE,
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
			op(semid, FULL, -1); /* wait until the slot is full */
			printf("consumer %ld: item %ld\n", (long)getpid(),
			       *slot);
			op(semid, EMPTY, +1); /* the producer may put */
			usleep((useconds_t)ms * 1000);
		}
		exit(0);
	}
	for (long k = 1; k <= count; k++) { /* the producer */
		op(semid, EMPTY, -1); /* wait until the slot is empty */
		*slot = k;
		printf("producer %ld: put %ld\n", (long)getpid(), k);
		op(semid, FULL, +1); /* the consumer may take */
	}
	if (waitpid(child, &status, 0) == -1)
		die("waitpid");
	if (semctl(semid, 0, IPC_RMID) == -1)
		die("semctl IPC_RMID");
	printf("producer %ld: %ld items passed; semaphore set removed\n",
	       (long)getpid(), count);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
