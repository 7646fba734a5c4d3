/* sem_sysv.h - what the sem_sysv_worker processes agree on.
 *
 * Two (or more) copies of one program, started independently, take turns
 * incrementing a counter.  The first to arrive creates, at the key of
 * "ipclab-<uid>-<name>" (lib/names.h), a set of three System V semaphores
 * and a System V segment that holds the counter; the others find them.
 *
 *   SEM_LOCK    the lock: 1 free, 0 held.  Taken with SEM_UNDO, so a
 *               worker killed while it holds the lock gives it back.
 *   SEM_GUESTS  how many workers other than the creator are in the run.
 *               Each adds 1 with SEM_UNDO, so the kernel takes it off
 *               again when a guest exits, however it exits.  The creator
 *               waits for it to reach 0, then removes everything: the
 *               creator is always the one who cleans up.
 *   SEM_START   a gate: 1 until the creator has seen a guest arrive, then
 *               0 for good.  Guests wait for zero (a semop with sem_op 0),
 *               so that all start together, and a quick guest cannot come
 *               and go before the creator has noticed it.
 *
 * Why a segment, not a counter file: the other workers find the segment
 * by the same key as the semaphores, with no path to pass around, and the
 * kernel counts who is attached to it, so the stale sweep can tell a run
 * in progress from a dead one.  A file would need a private directory
 * with a random name (mkdtemp) that the second worker cannot guess, or a
 * fixed path in /tmp that any user could plant first.
 *
 *   $ build/bin/sem_sysv_worker & build/bin/sem_sysv_worker; wait
 */
#ifndef IPCLAB_SEM_SYSV_H
#define IPCLAB_SEM_SYSV_H

#include <sys/types.h>

#define SEM_SYSV_NAME "sem-sysv" /* default -N */
#define SEM_POLL_MS   100	 /* how often a waiting worker looks around */

enum { SEM_LOCK, SEM_GUESTS, SEM_START, SEM_COUNT };

/* The layout of the segment, guarded by SEM_LOCK. */
struct sem_sysv_seg {
	unsigned long counter;	/* incremented once per turn */
	unsigned long expected; /* the sum of every worker's -n */
	pid_t last;		/* the worker that had the previous turn */
};

/* semctl(2): "the calling program must define this union". */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

#endif
