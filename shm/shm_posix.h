/* shm_posix.h - what shm_posix_writer and shm_posix_reader agree on.
 *
 * The writer creates a POSIX shared memory object, /ipclab-<uid>-<name>
 * (shm_open; it shows up as a file in /dev/shm), sizes it (ftruncate) and
 * maps it (mmap).  The segment holds one message slot and, unlike the
 * System V pair, the two semaphores that take turns on it:
 *
 *   empty  1 when the slot may be written (the writer waits on it)
 *   full   1 when the slot holds a message (the reader waits on it)
 *
 * Why the semaphores live inside the segment: an unnamed POSIX semaphore
 * (sem_init) is just a sem_t in memory, and two processes can only share
 * it if both map the same memory -- this segment.  That saves a second
 * named object (sem_open) to create, find and remove.  pshared = 1 in
 * sem_init tells the C library the sem_t is shared between processes, so
 * waiters sleep on the shared page (a futex keyed by the page, not by one
 * process's address); with 0 it would only work between threads.
 *
 * Why the ready flag: the object exists from the moment shm_open creates
 * it, but it is 0 bytes long until ftruncate, and its semaphores are
 * garbage until sem_init.  System V avoided this by creating the
 * semaphores before the segment; here they are part of the segment, so
 * the writer sets ready (a release store) only when all of it is set up,
 * and the reader touches nothing before it sees ready (an acquire load).
 *
 *   $ build/bin/shm_posix_writer &
 *   $ build/bin/shm_posix_reader
 *   $ ls /dev/shm           # nothing of ours left
 */
#ifndef IPCLAB_SHM_POSIX_H
#define IPCLAB_SHM_POSIX_H

#include <semaphore.h>
#include <stdatomic.h>
#include <sys/types.h>

#define SHM_POSIX_NAME "shm-posix" /* default -N */
#define SHM_TEXT_MAX   64	   /* as in shm_sysv.h */
#define SHM_POLL_MS    100 /* how often a waiting side checks its peer */

/* A lock-free atomic is a plain int in memory, so it works between
 * processes whatever address each maps the segment at; an atomic with a
 * hidden lock would not. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free");

/* One message, as in struct shm_sysv_msg. */
struct shm_posix_msg {
	pid_t writer;		 /* pid of the process that wrote it */
	unsigned long seq;	 /* 1, 2, ... total */
	unsigned long total;	 /* how many messages the writer sends */
	char text[SHM_TEXT_MAX]; /* the message itself */
};

/* The layout of the segment.  ftruncate fills it with zero bytes, so ready
 * and reader start at 0. */
struct shm_posix_seg {
	sem_t empty;	      /* sem_init(pshared = 1, 1) by the writer */
	sem_t full;	      /* sem_init(pshared = 1, 0) by the writer */
	pid_t writer;	      /* the writer's pid, for the reader to watch */
	atomic_int ready;     /* 1 once all of the above is set up */
	_Atomic pid_t reader; /* 0, then the one reader's pid */
	struct shm_posix_msg msg;
};

#endif
