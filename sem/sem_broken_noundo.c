/* sem_broken_noundo.c - a lock holder killed without SEM_UNDO, on purpose.
 *
 * A lock is a semaphore at 1: take it (-1), use what it guards, give it
 * back (+1).  If the holder dies in between, who gives it back?  This
 * program makes a set of two System V semaphores, both at 1, and a POSIX
 * named semaphore at 1.  Its child takes all three: semaphore 0 with
 * sem_flg 0, semaphore 1 with SEM_UNDO, and the POSIX one (which has no
 * such flag).  The parent kills the child with SIGKILL, which no handler
 * can catch, then tries to take each lock, with a timeout:
 *   - the SEM_UNDO one is free at once: the kernel kept the child's -1
 *     and added it back when the child exited;
 *   - the other System V one stays taken: nobody will ever post it, and a
 *     plain semop would wait forever.  Here semtimedop gives up after -t;
 *   - so does the POSIX one, with sem_timedwait: POSIX semaphores have no
 *     undo at all.
 * Then it removes all three objects and says what it saw.
 *
 *   $ build/bin/sem_broken_noundo
 *   sem_broken_noundo 5133: child 5134 holds all three locks; killing it
 *   ...
 *   sem_broken_noundo: SEM_UNDO free, no undo stuck, POSIX stuck
 *   $ ipcs -s; ls /dev/shm  # nothing left
 */
#define _GNU_SOURCE /* semtimedop(2) */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "io.h"
#include "names.h"
#include "opts.h"
#include "sweep.h"

#define NOUNDO_NAME "sem-broken" /* default -N */

enum { LOCK_PLAIN, LOCK_UNDO, LOCK_COUNT };

union semun { /* the caller defines it: see semctl(2) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static const char usage[] =
	"usage: sem_broken_noundo [-t SECONDS] [-N NAME]\n"
	"Kill a process that holds three locks, and see which ones stay taken.\n"
	"(Wrong on purpose: see sem_sysv_worker for a lock taken with SEM_UNDO.)\n"
	"  -t SECONDS  how long to try each lock (default 1)\n"
	"  -N NAME     objects named ipclab-<uid>-NAME (default sem-broken)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {NOUNDO_NAME, 0, 0, 1};
static char name[NAMES_FULL_MAX];
static int semid;
static sem_t *psem;

/* The child: take the three locks, report, and wait to be killed. */
static _Noreturn void
holder(int report)
{
	struct sembuf take[LOCK_COUNT] = {{LOCK_PLAIN, -1, 0},
					  {LOCK_UNDO, -1, SEM_UNDO}};
	char c = 'h';

	alarm(30); /* never outlive a parent that died */
	if (semop(semid, take, LOCK_COUNT) == -1 || sem_wait(psem) == -1)
		_exit(1);
	write_full(report, &c, 1);
	for (;;)
		pause();
}

/* Try System V lock num for -t seconds; 1 if we got it. */
static int
try_sysv(int num)
{
	struct sembuf take = {(unsigned short)num, -1, 0};
	struct timespec ts = {(time_t)opt.timeout_s, 0};

	while (semtimedop(semid, &take, 1, &ts) == -1) {
		if (errno == EAGAIN) /* the time ran out */
			return 0;
		if (errno != EINTR)
			die_errno("semtimedop semaphores %d", semid);
	}
	return 1;
}

/* Try the POSIX lock for -t seconds; 1 if we got it. */
static int
try_posix(void)
{
	struct timespec until = realtime_after_ms((unsigned)opt.timeout_s *
						  1000); /* an absolute time */

	while (sem_timedwait(psem, &until) == -1) {
		if (errno == ETIMEDOUT)
			return 0;
		if (errno != EINTR)
			die_errno("sem_timedwait %s", name);
	}
	return 1;
}

static const char *
verdict(int got)
{
	return got ? "free" : "stuck";
}

int
main(int argc, char **argv)
{
	unsigned short init[LOCK_COUNT] = {1, 1}; /* both locks free */
	union semun arg = {.array = init};
	int p[2], sem_reg, psem_reg, undo, plain, posix;
	pid_t child;
	char c;

	opts_parse(&opt, "Nt", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");

	semid = semget(names_key(opt.name), LOCK_COUNT,
		       IPC_CREAT | IPC_EXCL | 0600);
	if (semid == -1)
		die_errno("semget key 0x%08x (-N %s)",
			  (unsigned)names_key(opt.name), opt.name);
	if ((sem_reg = cleanup_add_id(OBJ_SYSV_SEM, semid)) == -1)
		die_errno("cleanup_add_id semaphores %d", semid);
	if (semctl(semid, 0, SETALL, arg) == -1)
		die_errno("semctl SETALL semaphores %d", semid);
	psem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	if (psem == SEM_FAILED)
		die_errno("sem_open %s", name);
	if ((psem_reg = cleanup_add_name(OBJ_POSIX_SEM, name)) == -1)
		die_errno("cleanup_add_name %s", name);

	if (pipe(p) == -1)
		die_errno("pipe");
	if ((child = fork()) == -1)
		die_errno("fork");
	if (child == 0)
		holder(p[1]);
	close(p[1]);
	if (read_full(p[0], &c, 1) != 1) /* 0 bytes: it failed and exited */
		die("child %ld could not take the locks", (long)child);
	printf("sem_broken_noundo %ld: child %ld holds all three locks; "
	       "killing it with SIGKILL\n",
	       (long)getpid(), (long)child);
	kill(child, SIGKILL);
	if (waitpid(child, NULL, 0) == -1)
		die_errno("waitpid %ld", (long)child);

	/* The SEM_UNDO lock first: taking it makes us the last process to
	 * operate on the set, which tells the stale sweep that a running
	 * process uses it (sweep.h); until then, the last was the dead child. */
	undo = try_sysv(LOCK_UNDO);
	printf("sem_broken_noundo %ld: System V, taken with SEM_UNDO: %s; "
	       "the kernel gave the child's -1 back when it died\n",
	       (long)getpid(), undo ? "free at once" : "STILL TAKEN");
	plain = try_sysv(LOCK_PLAIN);
	printf("sem_broken_noundo %ld: System V, taken without SEM_UNDO: %s "
	       "after %lu s; value %d, last operation by %d, which is dead\n",
	       (long)getpid(), plain ? "free" : "still taken", opt.timeout_s,
	       semctl(semid, LOCK_PLAIN, GETVAL),
	       semctl(semid, LOCK_PLAIN, GETPID));
	posix = try_posix();
	printf("sem_broken_noundo %ld: POSIX %s: %s after %lu s; POSIX "
	       "semaphores have no undo\n",
	       (long)getpid(), name, posix ? "free" : "still taken",
	       opt.timeout_s);
	if (!plain || !posix)
		printf("sem_broken_noundo %ld: without the timeout, a plain "
		       "semop or sem_wait would have waited forever\n",
		       (long)getpid());

	if (semctl(semid, 0, IPC_RMID) == -1)
		die_errno("semctl IPC_RMID semaphores %d", semid);
	cleanup_forget(sem_reg);
	if (sem_close(psem) == -1)
		die_errno("sem_close %s", name);
	if (sem_unlink(name) == -1)
		die_errno("sem_unlink %s", name);
	cleanup_forget(psem_reg);
	printf("sem_broken_noundo: SEM_UNDO %s, no undo %s, POSIX %s\n",
	       verdict(undo), verdict(plain), verdict(posix));
	return 0;
}
