/* sem_undo.c - the solution: the kernel gives a dead holder's lock back.
 *
 * One System V semaphore at 1, made at a key from your uid, is a lock.  A
 * forked child takes it and works SECONDS with it, then gives it back;
 * the parent waits for the lock, takes it, gives it back, reports on the
 * child and removes the set.  That works, until the child is killed while
 * it holds the lock: then the parent waits for ever.  The check kills it
 * (kill -9, which no handler can catch).  Make the kernel give the dead
 * child's lock back.  Breaking into the lock after a while is no fix: the
 * check also lets a child work 2 s, and the parent must wait for it.
 *
 *   run:    make build/bin/ex/sem_undo && build/bin/ex/sem_undo 30
 *           and, from another terminal, kill -9 the child's pid
 *   check:  make exercise sem_undo
 *   hint:   docs/sem.md#exercises
 */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: sem_undo [SECONDS]\n"
			    "A child holds a System V lock SECONDS (1 to 60, "
			    "default 2), then the parent takes it.\n";
static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "sem_undo: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

int
main(int argc, char **argv)
{
	union semun { int val; struct semid_ds *buf; unsigned short *array; }
		one = {.val = 1}; /* semctl(2): the caller defines the union */
	/* SEM_UNDO on both: the kernel keeps each process's sum of them
	 * and takes it back when the process ends, however it ends. */
	struct sembuf take = {0, -1, SEM_UNDO}, give = {0, +1, SEM_UNDO};
	char *end = "", c = 'h';
	long secs = argc == 2 ? strtol(argv[1], &end, 10) : 2;
	int semid, fds[2], status, value;
	pid_t child;

	key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xe8);
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || *end != '\0' || secs < 1 || secs > 60) {
		fprintf(stderr, "sem_undo: SECONDS is 1 to 60\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if ((semid = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600)) == -1)
		die("semget"); /* EEXIST: the key is in use; see ipcs -s */
	if (semctl(semid, 0, SETVAL, one) == -1) /* before fork: no race */
		die("semctl SETVAL");
	if (pipe(fds) == -1 || (child = fork()) == -1)
		die("pipe or fork");
	if (child == 0) {
		if (semop(semid, &take, 1) == -1)
			die("semop -1");
		printf("child %ld: took the lock; working %ld s\n",
		       (long)getpid(), secs);
		if (write(fds[1], &c, 1) != 1) /* tell the parent */
			die("write");
		sleep((unsigned)secs);
		printf("child %ld: gave the lock back\n", (long)getpid());
		if (semop(semid, &give, 1) == -1)
			die("semop +1");
		exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) == -1) /* until the child holds the lock */
		die("read");
	printf("parent %ld: waiting for the lock\n", (long)getpid());
	if (semop(semid, &take, 1) == -1)
		die("semop -1");
	printf("parent %ld: got the lock\n", (long)getpid());
	if (semop(semid, &give, 1) == -1)
		die("semop +1");
	if (waitpid(child, &status, 0) == -1)
		die("waitpid");
	if (WIFSIGNALED(status))
		printf("parent %ld: child %ld was killed by signal %d\n",
		       (long)getpid(), (long)child, WTERMSIG(status));
	if ((value = semctl(semid, 0, GETVAL)) == -1)
		die("semctl GETVAL");
	if (semctl(semid, 0, IPC_RMID) == -1)
		die("semctl IPC_RMID");
	printf("parent %ld: the lock's value is %d at the end (1: free); "
	       "semaphore set removed\n", (long)getpid(), value);
	return value != 1;
}
