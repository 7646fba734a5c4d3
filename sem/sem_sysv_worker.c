/* sem_sysv_worker.c - take turns on a shared counter under a System V lock.
 *
 * Start it twice, at once.  Whichever comes first creates a set of three
 * semaphores (semget with IPC_CREAT | IPC_EXCL) and a segment holding the
 * counter, and waits for another worker.  The other gets EEXIST, so it
 * finds them, waits until the creator has initialised the set (sem_otime
 * becomes non-zero: semget(2)'s fix for the init race), and joins.  Then
 * each takes COUNT turns: take the lock, read the counter, hold a while,
 * write it back plus one, give the lock back.  The lock is taken with
 * SEM_UNDO: kill -9 a worker that holds it and the kernel gives it back,
 * so the other carries on.  The creator waits until every guest has left,
 * checks the counter and removes both objects (see sem_sysv.h).
 *
 * Why over 200 lines: one program plays both roles, creator and guest, so
 * that a learner starts the same program twice; the init race, the owner
 * checks and the last guest out cleaning up are the rest.  sem_minimal.c
 * is the lock alone.
 *
 *   $ build/bin/sem_sysv_worker & build/bin/sem_sysv_worker; wait
 *   sem_sysv_worker 4242: created semaphores 5 and segment 9 (key ...
 *   sem_sysv_worker 4243: found semaphores 5 of creator 4242, ...
 *   sem_sysv_worker 4242: #1/10: counter 0 -> 1 (previous turn: none)
 *   sem_sysv_worker 4243: #1/10: counter 1 -> 2 (previous turn: 4242)
 *   ...
 *   sem_sysv_worker 4242: counter 20, expected 20; semaphores and ...
 *   $ ipcs -s -m            # nothing left
 */
#define _GNU_SOURCE /* semtimedop(2) */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "owner.h"
#include "proc.h"
#include "sem_sysv.h"
#include "sweep.h"

static const char usage[] =
	"usage: sem_sysv_worker [-n COUNT] [-i MS] [-t SECONDS] [-N NAME]\n"
	"Take COUNT turns incrementing a counter shared with other workers,\n"
	"under a System V semaphore.  Start two: the first creates, the other\n"
	"joins.\n"
	"  -n COUNT    turns to take (default 10)\n"
	"  -i MS       how long to hold the lock each turn (default 50)\n"
	"  -t SECONDS  give up after waiting this long for a peer or the lock\n"
	"              (default 10)\n"
	"  -N NAME     meet at key ipclab-<uid>-NAME (default sem-sysv)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SEM_SYSV_NAME, 10, 50, 10};
static int semid, shmid, sem_reg = -1, shm_reg = -1;
static struct sem_sysv_seg *seg;
static pid_t creator; /* the segment's creator, from shmctl(IPC_STAT) */

/* semtimedop, waiting at most ms; EINTR waits again.  Returns 0, or -1
 * when the time ran out. */
static int
sem_do(struct sembuf *ops, size_t nops, unsigned long ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000L};

	while (semtimedop(semid, ops, nops, &ts) == -1) {
		if (errno == EAGAIN) /* the time ran out */
			return -1;
		if (errno == EIDRM || errno == EINVAL)
			die("semaphores %d were removed: their creator stopped",
			    semid);
		if (errno != EINTR)
			die_errno("semop on semaphores %d", semid);
	}
	return 0;
}

/* Take the lock.  SEM_UNDO: the kernel notes our -1, and if we die
 * holding the lock, even by SIGKILL, it adds the 1 back. */
static void
lock(void)
{
	struct sembuf take = {SEM_LOCK, -1, SEM_UNDO};

	if (sem_do(&take, 1, opt.timeout_s * 1000) == -1)
		die("could not get the lock in %lu s (last taken by %d)",
		    opt.timeout_s, semctl(semid, SEM_LOCK, GETPID));
}

/* Give the lock back; with SEM_UNDO too, so the two cancel out. */
static void
unlock(void)
{
	struct sembuf give = {SEM_LOCK, +1, SEM_UNDO};

	sem_do(&give, 1, 0); /* a +1 never waits */
}

/* The creator: set the values, make the segment, and only then open the
 * lock with a semop, which sets sem_otime: "ready" for the others. */
static void
create(key_t key)
{
	unsigned short init[SEM_COUNT] = {
		[SEM_LOCK] = 0, [SEM_GUESTS] = 0, [SEM_START] = 1};
	union semun arg = {.array = init};
	struct sembuf open = {SEM_LOCK, +1, 0};

	if ((sem_reg = cleanup_add_id(OBJ_SYSV_SEM, semid)) == -1)
		die_errno("cleanup_add_id semaphores %d", semid);
	if (semctl(semid, 0, SETALL, arg) == -1) /* sets no sem_otime */
		die_errno("semctl SETALL semaphores %d", semid);
	shmid = shmget(key, sizeof(*seg), IPC_CREAT | IPC_EXCL | 0600);
	if (shmid == -1)
		die_errno("shmget key 0x%08x", (unsigned)key);
	if ((shm_reg = cleanup_add_id(OBJ_SYSV_SHM, shmid)) == -1)
		die_errno("cleanup_add_id segment %d", shmid);
	if ((seg = shmat(shmid, NULL, 0)) == (void *)-1)
		die_errno("shmat segment %d", shmid);
	seg->expected = opt.count; /* shmget zero-filled the rest */
	if (semop(semid, &open, 1) == -1)
		die_errno("semop semaphores %d", semid);
	creator = getpid();
	printf("sem_sysv_worker %ld: created semaphores %d and segment %d "
	       "(key 0x%08x); waiting for another worker\n",
	       (long)getpid(), semid, shmid, (unsigned)key);
}

/* THE INIT RACE.  Our semget found a set another worker has just made,
 * but its values are set by its creator's next call (SETALL): taken now,
 * our "lock" could hold anything.  semget(2)'s cure: sem_otime, the time
 * of the last semop, stays 0 until the creator's first semop, which it
 * makes only once all is set up.  Returns how long we waited, in ms. */
static unsigned long
wait_initialised(void)
{
	uint64_t start = clock_ns(),
		 deadline = start + opt.timeout_s * NS_PER_S;
	struct semid_ds ds;
	union semun arg = {.buf = &ds};

	for (;;) {
		if (semctl(semid, 0, IPC_STAT, arg) == -1)
			die_errno("semctl IPC_STAT semaphores %d", semid);
		if (ds.sem_otime != 0)
			return (unsigned long)((clock_ns() - start) /
					       NS_PER_MS);
		if (clock_ns() > deadline)
			die("semaphores %d were never initialised in %lu s: "
			    "their creator died setting them up? see `make ipcs`",
			    semid, opt.timeout_s);
		sleep_ms(1);
	}
}

/* A guest waits at the gate: until SEM_START is 0.  The creator holds it
 * at 1 without SEM_UNDO, so if it dies first, we notice by its pid. */
static void
wait_start(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct sembuf zero = {SEM_START, 0, 0};

	while (sem_do(&zero, 1, SEM_POLL_MS) == -1) {
		if (!pid_alive(creator))
			die("creator %ld died before the start", (long)creator);
		if (clock_ns() > deadline)
			die("creator %ld did not start in %lu s", (long)creator,
			    opt.timeout_s);
	}
}

/* The creator waits for a guest (SEM_GUESTS above 0; it cannot leave
 * before the start), then opens the gate: SEM_START from 1 to 0. */
static void
start(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct sembuf open = {SEM_START, -1, 0};
	int guests;

	while ((guests = semctl(semid, SEM_GUESTS, GETVAL)) == 0) {
		if (clock_ns() > deadline)
			die("no other worker came in %lu s; start one: "
			    "sem_sysv_worker -N %s",
			    opt.timeout_s, opt.name);
		sleep_ms(10);
	}
	if (guests == -1)
		die_errno("semctl GETVAL semaphores %d", semid);
	if (semop(semid, &open, 1) == -1)
		die_errno("semop semaphores %d", semid);
}

/* The key is derived from a public name: anyone can compute it and make
 * the set and segment first, mode 0666, so that we count on their
 * counter.  Root may open anything, so no EACCES would warn us either:
 * join only objects we own. */
static void
check_ours(enum obj_kind kind, int id, const char *what, key_t key)
{
	struct owner who;

	if (owner_check_sysv(kind, id, &who) == -1)
		die_errno("%s %d at key 0x%08x (-N %s) belongs to %s, not to "
			  "you; not joining it",
			  what, id, (unsigned)key, opt.name, who.desc);
}

/* A guest: find the set and the segment, and join the run. */
static void
join(key_t key)
{
	struct sembuf in = {SEM_GUESTS, +1, SEM_UNDO}; /* out when we exit */
	struct shmid_ds ds;
	unsigned long waited;

	if ((semid = semget(key, 0, 0)) == -1)
		die_errno("semget key 0x%08x", (unsigned)key);
	check_ours(OBJ_SYSV_SEM, semid, "semaphore set", key);
	waited = wait_initialised();
	if ((shmid = shmget(key, 0, 0)) == -1) /* made before sem_otime */
		die_errno("shmget key 0x%08x", (unsigned)key);
	check_ours(OBJ_SYSV_SHM, shmid, "segment", key);
	if (shmctl(shmid, IPC_STAT, &ds) == -1)
		die_errno("shmctl IPC_STAT segment %d", shmid);
	creator = ds.shm_cpid; /* the kernel records it */
	if (!pid_alive(creator))
		die("key 0x%08x is left over from worker %ld, which died; "
		    "`make ipcs-clean` removes it",
		    (unsigned)key, (long)creator);
	if ((seg = shmat(shmid, NULL, 0)) == (void *)-1)
		die_errno("shmat segment %d", shmid);
	lock();
	if (semop(semid, &in, 1) == -1)
		die_errno("semop semaphores %d", semid);
	seg->expected += opt.count;
	unlock();
	printf("sem_sysv_worker %ld: found semaphores %d of creator %ld, "
	       "initialised %lu ms later; joined\n",
	       (long)getpid(), semid, (long)creator, waited);
	wait_start();
}

/* One turn: read, hold the lock a while, write back plus one.  Without
 * the lock the other worker would read the same value meanwhile, and one
 * of the two increments would be lost. */
static void
take_turn(unsigned long k)
{
	unsigned long v;
	pid_t prev;
	char who[24] = "none";

	lock();
	v = seg->counter;
	prev = seg->last;
	if (prev != 0)
		snprintf(who, sizeof(who), "%ld", (long)prev);
	printf("sem_sysv_worker %ld: #%lu/%lu: counter %lu -> %lu "
	       "(previous turn: %s)\n",
	       (long)getpid(), k, opt.count, v, v + 1, who);
	if (opt.interval_ms > 0)
		sleep_ms((unsigned)opt.interval_ms);
	else
		sched_yield(); /* still give the others a chance to break in */
	seg->counter = v + 1;
	seg->last = getpid();
	unlock(); /* the semop also publishes the writes above */
}

/* The creator waits for the guests to leave: a semop with sem_op 0 waits
 * until SEM_GUESTS is 0.  A guest that dies leaves too (SEM_UNDO); one
 * that is stopped makes us give up once nobody has used the set for -t s. */
static void
wait_guests_gone(void)
{
	struct sembuf zero = {SEM_GUESTS, 0, 0};
	struct semid_ds ds;
	union semun arg = {.buf = &ds};

	while (sem_do(&zero, 1, SEM_POLL_MS) == -1) {
		if (semctl(semid, 0, IPC_STAT, arg) == -1)
			die_errno("semctl IPC_STAT semaphores %d", semid);
		if (time(NULL) - ds.sem_otime > (time_t)opt.timeout_s)
			die("no worker has used the lock for %lu s; giving up",
			    opt.timeout_s);
	}
}

/* A guest leaves: off SEM_GUESTS, and detach.  If the creator was
 * killed, nobody else will clean up: the last guest out does. */
static int
leave(void)
{
	struct sembuf out = {SEM_GUESTS, -1, SEM_UNDO};

	if (semop(semid, &out, 1) == -1)
		die_errno("semop semaphores %d", semid);
	if (shmdt(seg) == -1)
		die_errno("shmdt segment %d", shmid);
	if (pid_alive(creator)) {
		printf("sem_sysv_worker %ld: done; creator %ld removes the "
		       "set once every guest has left\n",
		       (long)getpid(), (long)creator);
		return 0;
	}
	if (semctl(semid, SEM_GUESTS, GETVAL) != 0) {
		printf("sem_sysv_worker %ld: done; creator %ld died, and the "
		       "last guest out removes its objects\n",
		       (long)getpid(), (long)creator);
		return 0;
	}
	shmctl(shmid, IPC_RMID, NULL); /* another guest may beat us to it: */
	semctl(semid, 0, IPC_RMID);    /* then these fail, harmlessly */
	printf("sem_sysv_worker %ld: done; creator %ld died, so I removed its "
	       "semaphores and segment\n",
	       (long)getpid(), (long)creator);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long counter, expected;
	key_t key;

	opts_parse(&opt, "Nnit", usage, argc, argv);
	key = names_key(opt.name);
	setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time */

	/* Remove what killed runs left, never a running one's. */
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");

	semid = semget(key, SEM_COUNT, IPC_CREAT | IPC_EXCL | 0600);
	if (semid != -1) {
		create(key);
		start();
	} else if (errno == EEXIST) {
		join(key);
	} else {
		die_errno("semget key 0x%08x", (unsigned)key);
	}

	for (unsigned long k = 1; k <= opt.count; k++)
		take_turn(k);

	if (creator != getpid())
		return leave();
	wait_guests_gone();
	counter = seg->counter; /* the guests' last semops published it */
	expected = seg->expected;
	if (shmdt(seg) == -1)
		die_errno("shmdt segment %d", shmid);
	if (shmctl(shmid, IPC_RMID, NULL) == -1)
		die_errno("shmctl IPC_RMID segment %d", shmid);
	cleanup_forget(shm_reg);
	if (semctl(semid, 0, IPC_RMID) == -1)
		die_errno("semctl IPC_RMID semaphores %d", semid);
	cleanup_forget(sem_reg);
	printf("sem_sysv_worker %ld: counter %lu, expected %lu%s; semaphores "
	       "and segment removed\n",
	       (long)getpid(), counter, expected,
	       counter == expected ? ""
				   : " (a worker left before its last turn)");
	return 0;
}
