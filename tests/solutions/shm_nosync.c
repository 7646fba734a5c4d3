/* shm_nosync.c - the solution: the writer waits for the slot.
 *
 * A parent makes a POSIX shared memory object, /ipclab-<uid>-ex-shm_nosync,
 * holding one message slot and two process-shared semaphores, then forks.
 * The child writes COUNT messages into the slot; the parent prints each
 * one, once and in order, and removes the object.  Semaphore `empty` is 1
 * while the slot may be written, `full` while it holds a message not yet
 * read.  As it is, the parent prints some messages several times and
 * never sees others, and now and then a line that is no whole message.
 * One call is missing.  Find it; a sleep is no fix: the check stops the
 * reader for a while, mid-run.
 *
 *   run:    make build/bin/ex/shm_nosync && build/bin/ex/shm_nosync 20
 *   check:  make exercise shm_nosync
 *   hint:   docs/shm.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct slot {
	sem_t empty, full; /* pshared: they work across fork() */
	char text[64];
};

static const char usage[] = "usage: shm_nosync [COUNT]\n"
			    "Pass COUNT messages (1 to 100000, default 20) "
			    "from a child to its parent through one slot.\n";
static char name[64];

static void
die(const char *what)
{
	perror(what);
	shm_unlink(name);
	exit(1);
}

int
main(int argc, char **argv)
{
	char *end = "";
	long count = argc == 2 ? strtol(argv[1], &end, 10) : 20;
	struct slot *s;
	int fd, status;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || *end != '\0' || count < 1 || count > 100000) {
		fprintf(stderr, "shm_nosync: COUNT is 1 to 100000\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it comes */
	snprintf(name, sizeof(name), "/ipclab-%u-ex-shm_nosync",
		 (unsigned)getuid());
	if ((fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600)) == -1)
		die("shm_open");
	if (ftruncate(fd, sizeof(*s)) == -1)
		die("ftruncate");
	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED)
		die("mmap");
	close(fd); /* the mapping stays */
	if (sem_init(&s->empty, 1, 1) == -1 || sem_init(&s->full, 1, 0) == -1)
		die("sem_init");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) { /* the child writes */
		for (long k = 1; k <= count; k++) {
			/* Until the parent has read the last message, the
			 * slot is not ours to overwrite. */
			if (sem_wait(&s->empty) == -1)
				die("sem_wait empty");
			snprintf(s->text, sizeof(s->text), "message %ld", k);
			if (sem_post(&s->full) == -1)
				die("sem_post full");
		}
		_exit(0);
	}
	for (long k = 1; k <= count; k++) { /* the parent reads */
		if (sem_wait(&s->full) == -1)
			die("sem_wait full");
		printf("read: %s\n", s->text);
		if (sem_post(&s->empty) == -1)
			die("sem_post empty");
	}
	if (waitpid(pid, &status, 0) == -1)
		die("waitpid");
	if (shm_unlink(name) == -1)
		die("shm_unlink");
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
