/* sem_posix_worker.c - take turns on a shared counter under a POSIX lock.
 *
 * The POSIX twin of sem_sysv_worker.  Start it twice, at once: whichever
 * comes first creates the named semaphore (sem_open with O_CREAT | O_EXCL
 * and value 0: the lock starts taken) and the segment with the counter
 * (shm_open), then posts the lock and waits for a guest.  The other gets
 * EEXIST, opens the same semaphore, and waits for the lock: getting it
 * means the segment is ready.  Then each takes COUNT turns, as in the
 * System V demo.  The creator waits for its guest to finish, checks the
 * counter, and closes and unlinks both (sem_close, sem_unlink,
 * shm_unlink).  No SEM_UNDO here: see sem_posix.h for what a killed
 * holder does, and how the others notice.
 *
 * Why over 200 lines: one program plays both roles, creator and guest, so
 * that a learner starts the same program twice; the hand-over between
 * them, the owner checks and noticing a dead holder are the rest.
 * sem_minimal.c is the lock alone.
 *
 *   $ build/bin/sem_posix_worker & build/bin/sem_posix_worker; wait
 *   sem_posix_worker 4242: created /ipclab-1000-sem-posix (semaphore ...
 *   sem_posix_worker 4243: opened /ipclab-1000-sem-posix of creator ...
 *   sem_posix_worker 4242: #1/10: counter 0 -> 1 (previous turn: none)
 *   ...
 *   $ ls /dev/shm           # nothing left
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "owner.h"
#include "proc.h"
#include "sem_posix.h"
#include "sweep.h"

static const char usage[] =
	"usage: sem_posix_worker [-n COUNT] [-i MS] [-t SECONDS] [-N NAME]\n"
	"Take COUNT turns incrementing a counter shared with another worker,\n"
	"under a POSIX named semaphore.  Start two: the first creates, the\n"
	"other joins.\n"
	"  -n COUNT    turns to take (default 10)\n"
	"  -i MS       how long to hold the lock each turn (default 50)\n"
	"  -t SECONDS  give up after waiting this long for a peer or the lock\n"
	"              (default 10)\n"
	"  -N NAME     meet at /ipclab-<uid>-NAME (default sem-posix)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SEM_POSIX_NAME, 10, 50, 10};
static char name[NAMES_FULL_MAX];
static sem_t *sem;
static struct sem_posix_seg *seg; /* NULL until mapped */
static int sem_reg = -1, shm_reg = -1;

/* Nobody will ever post a lock whose holder died: unlink the objects if
 * we are the one left to do it (the creator's registry does it for the
 * creator), and stop. */
static _Noreturn void
holder_died(pid_t holder)
{
	if (seg->creator != getpid() && holder == seg->creator) {
		sem_unlink(name);
		shm_unlink(name);
	}
	die("worker %ld died holding the lock; a POSIX semaphore has no "
	    "SEM_UNDO, so it stays taken for good",
	    (long)holder);
}

/* Take the lock, in SEM_POLL_MS slices: between them, look whether its
 * holder still runs.  -t bounds the time without a turn by anyone: with
 * no turn order, the other worker may take many turns while we wait. */
static void
lock(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct timespec until = realtime_after_ms(SEM_POLL_MS);
	unsigned long turns = 0;
	pid_t holder = 0;

	while (sem_timedwait(sem, &until) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			die_errno("sem_timedwait %s", name);
		if (seg != NULL) {
			holder = atomic_load(&seg->holder);
			if (holder != 0 && !pid_alive(holder))
				holder_died(holder);
			if (atomic_load(&seg->turns) != turns) { /* progress */
				turns = atomic_load(&seg->turns);
				deadline =
					clock_ns() + opt.timeout_s * NS_PER_S;
			}
		}
		if (clock_ns() > deadline && seg == NULL)
			die("the lock %s never opened in %lu s: its creator "
			    "died setting up? see `make ipcs`",
			    name, opt.timeout_s);
		if (clock_ns() > deadline)
			die("nobody has taken a turn for %lu s (holder %ld)",
			    opt.timeout_s, (long)holder);
		until = realtime_after_ms(SEM_POLL_MS);
	}
	if (seg != NULL)
		atomic_store(&seg->holder, getpid());
}

static void
unlock(void)
{
	if (seg != NULL) {
		atomic_store(&seg->holder, 0);
		atomic_fetch_add(&seg->turns, 1);
	}
	if (sem_post(sem) == -1) /* also publishes our writes */
		die_errno("sem_post %s", name);
}

/* The creator: the lock exists, taken (0).  Make the segment, then open
 * the lock: from that post on, the segment is ready for a guest. */
static void
create(void)
{
	int fd;

	if ((sem_reg = cleanup_add_name(OBJ_POSIX_SEM, name)) == -1)
		die_errno("cleanup_add_name %s", name);
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd == -1)
		die_errno("shm_open %s", name);
	if ((shm_reg = cleanup_add_name(OBJ_POSIX_SHM, name)) == -1)
		die_errno("cleanup_add_name %s", name);
	if (ftruncate(fd, sizeof(*seg)) == -1)
		die_errno("ftruncate %s", name);
	seg = mmap(NULL, sizeof(*seg), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (seg == MAP_FAILED)
		die_errno("mmap %s", name);
	close(fd); /* the mapping keeps it */
	seg->creator = getpid();
	seg->expected = opt.count;
	unlock();
	printf("sem_posix_worker %ld: created %s (semaphore and segment); "
	       "waiting for another worker\n",
	       (long)getpid(), name);
}

/* A guest: open the semaphore; once we hold the lock, the segment is
 * set up, so map it and claim the guest's place. */
static void
join(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct owner who;
	pid_t none = 0;
	int fd;

	if ((sem = sem_open(name, 0)) == SEM_FAILED) {
		int err = errno;

		if (err == EACCES && /* someone else's, mode 0600 */
		    owner_check_posix(OBJ_POSIX_SEM, name, &who) == -1 &&
		    errno == EPERM)
			die("semaphore %s belongs to %s, not to you: sem_open "
			    "says permission denied",
			    name, who.desc);
		errno = err;
		die_errno("sem_open %s", name);
	}
	/* The name is derived from a public one: anyone can make the
	 * semaphore and segment first, mode 0666, so that we count on their
	 * counter.  Root may open anything: join only what we own.  A
	 * semaphore gives no descriptor; its file in /dev/shm tells. */
	if (owner_check_posix(OBJ_POSIX_SEM, name, &who) == -1)
		die_errno("semaphore %s belongs to %s, not to you; not joining "
			  "it",
			  name, who.desc);
	lock();
	if ((fd = shm_open(name, O_RDWR, 0)) == -1)
		die_errno("shm_open %s", name);
	if (owner_check_fd(fd, &who) == -1) {
		unlock();
		die_errno("segment %s belongs to %s, not to you; not joining "
			  "it",
			  name, who.desc);
	}
	seg = mmap(NULL, sizeof(*seg), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (seg == MAP_FAILED)
		die_errno("mmap %s", name);
	close(fd);
	if (!pid_alive(seg->creator))
		die("%s is left over from worker %ld, which died; "
		    "`make ipcs-clean` removes it",
		    name, (long)seg->creator);
	if (!atomic_compare_exchange_strong(&seg->guest, &none, getpid())) {
		unlock();
		die("creator %ld already has a guest, %ld; two at a time",
		    (long)seg->creator, (long)none);
	}
	seg->expected += opt.count;
	unlock();
	printf("sem_posix_worker %ld: opened %s of creator %ld; joined\n",
	       (long)getpid(), name, (long)seg->creator);
	while (!atomic_load(&seg->started)) { /* the creator saw us? */
		if (!pid_alive(seg->creator))
			die("creator %ld died before the start",
			    (long)seg->creator);
		if (clock_ns() > deadline)
			die("creator %ld did not start in %lu s",
			    (long)seg->creator, opt.timeout_s);
		sleep_ms(1);
	}
}

/* One turn, as in sem_sysv_worker.c. */
static void
take_turn(unsigned long k)
{
	unsigned long v;
	char who[24] = "none";

	lock();
	v = seg->counter;
	if (seg->last != 0)
		snprintf(who, sizeof(who), "%ld", (long)seg->last);
	printf("sem_posix_worker %ld: #%lu/%lu: counter %lu -> %lu "
	       "(previous turn: %s)\n",
	       (long)getpid(), k, opt.count, v, v + 1, who);
	if (opt.interval_ms > 0)
		sleep_ms((unsigned)opt.interval_ms);
	else
		sched_yield();
	seg->counter = v + 1;
	seg->last = getpid();
	unlock();
}

/* The creator waits for its guest: to arrive (arrive = 1), or to be done
 * (0: the guest cleared its pid, or died).  Bounded by -t, counted from
 * the guest's last turn.  Returns the guest's pid as last seen. */
static pid_t
wait_guest(int arrive)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	unsigned long seen = 0;
	pid_t guest;

	for (;;) {
		guest = atomic_load(&seg->guest);
		if (arrive ? guest != 0 : guest == 0 || !pid_alive(guest))
			return guest;
		if (!arrive) {
			lock();
			if (seg->counter != seen)
				deadline =
					clock_ns() + opt.timeout_s * NS_PER_S;
			seen = seg->counter;
			unlock();
		}
		if (clock_ns() > deadline && arrive)
			die("no other worker came in %lu s; start one: "
			    "sem_posix_worker -N %s",
			    opt.timeout_s, opt.name);
		if (clock_ns() > deadline)
			die("guest %ld made no turn for %lu s", (long)guest,
			    opt.timeout_s);
		sleep_ms(arrive ? 10 : SEM_POLL_MS);
	}
}

int
main(int argc, char **argv)
{
	unsigned long counter, expected;
	pid_t creator, guest;

	opts_parse(&opt, "Nnit", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name); /* opts_parse checked */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");

	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0); /* created taken */
	if (sem != SEM_FAILED)
		create();
	else if (errno == EEXIST)
		join();
	else
		die_errno("sem_open %s", name);
	creator = seg->creator;
	if (creator == getpid()) {
		wait_guest(1);
		atomic_store(&seg->started, 1);
	}

	for (unsigned long k = 1; k <= opt.count; k++)
		take_turn(k);

	if (creator != getpid()) { /* the guest: leave, let go */
		lock();
		atomic_store(&seg->guest, 0);
		unlock();
		munmap(seg, sizeof(*seg));
		if (sem_close(sem) == -1)
			die_errno("sem_close %s", name);
		if (pid_alive(creator)) {
			printf("sem_posix_worker %ld: done; creator %ld unlinks "
			       "%s\n",
			       (long)getpid(), (long)creator, name);
			return 0;
		}
		sem_unlink(name); /* it was killed: nobody else will */
		shm_unlink(name);
		printf("sem_posix_worker %ld: done; creator %ld died, so I "
		       "unlinked %s\n",
		       (long)getpid(), (long)creator, name);
		return 0;
	}

	guest = wait_guest(0);
	lock();
	counter = seg->counter;
	expected = seg->expected;
	unlock();
	if (munmap(seg, sizeof(*seg)) == -1)
		die_errno("munmap %s", name);
	if (shm_unlink(name) == -1)
		die_errno("shm_unlink %s", name);
	cleanup_forget(shm_reg);
	if (sem_close(sem) == -1)
		die_errno("sem_close %s", name);
	if (sem_unlink(name) == -1)
		die_errno("sem_unlink %s", name);
	cleanup_forget(sem_reg);
	printf("sem_posix_worker %ld: counter %lu, expected %lu%s; %s "
	       "unlinked\n",
	       (long)getpid(), counter, expected,
	       guest != 0 ? " (guest died before its last turn)" : "", name);
	return 0;
}
