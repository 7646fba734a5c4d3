/* sem_posix.h - what the sem_posix_worker processes agree on.
 *
 * The POSIX version of sem_sysv.h: workers started independently take
 * turns on a counter.  Both objects carry the run's one name,
 * /ipclab-<uid>-<name>:
 *
 *   the lock     a named semaphore (sem_open), 1 free, 0 held; it shows
 *                up as /dev/shm/sem.ipclab-<uid>-<name>
 *   the segment  a POSIX shared memory object (shm_open) holding the
 *                counter; it shows up as /dev/shm/ipclab-<uid>-<name>
 *
 * No init race here: sem_open(O_CREAT | O_EXCL, value) creates the
 * semaphore and sets its value in one step.  The creator makes it with
 * value 0, the lock already taken, sets up the segment and only then
 * posts.  So a guest that gets the lock knows the segment is ready.
 *
 * What POSIX semaphores lack is SEM_UNDO.  A worker killed while it holds
 * the lock leaves it taken for good.  So each worker writes its pid into
 * holder while it holds the lock, and a waiter that finds the holder dead
 * gives up with that explanation, instead of waiting forever.  For the
 * same reason the creator cannot count its guests with a semaphore the
 * kernel would correct: it watches the one guest's pid instead, so a run
 * has two workers, one creator and one guest.  The guest waits for
 * started before its first turn, so that both start together, and a
 * quick guest cannot come and go before the creator has noticed it.
 *
 *   $ build/bin/sem_posix_worker & build/bin/sem_posix_worker; wait
 */
#ifndef IPCLAB_SEM_POSIX_H
#define IPCLAB_SEM_POSIX_H

#include <stdatomic.h>
#include <sys/types.h>

#define SEM_POSIX_NAME "sem-posix" /* default -N */
#define SEM_POLL_MS    100	   /* how often a waiting worker looks around */

/* The layout of the segment.  ftruncate fills it with zero bytes. */
struct sem_posix_seg {
	pid_t creator;		/* set before the lock is first posted */
	_Atomic pid_t holder;	/* who holds the lock now, 0 if nobody */
	_Atomic pid_t guest;	/* 0, then the one guest's pid, 0 when done */
	atomic_int started;	/* 1 once the creator has seen the guest */
	atomic_ulong turns;	/* +1 at every unlock: waiters see progress */
	unsigned long counter;	/* under the lock: once per turn */
	unsigned long expected; /* under the lock: the sum of every -n */
	pid_t last;		/* under the lock: the previous turn's worker */
};

#endif
