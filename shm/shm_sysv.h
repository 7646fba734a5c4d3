/* shm_sysv.h - what shm_sysv_writer and shm_sysv_reader agree on.
 *
 * The writer creates a System V shared memory segment that holds one
 * message slot, and a set of three System V semaphores: two take turns on
 * the slot, one lets a single reader in:
 *
 *   SEM_EMPTY   1 when the slot may be written (the writer waits on it)
 *   SEM_FULL    1 when the slot holds a message (the reader waits on it)
 *   SEM_READER  1 while no reader has claimed the slot (one at a time)
 *
 * Both objects use the same key, derived from "ipclab-<uid>-<name>" (see
 * lib/names.h), so the two programs find each other without a fixed number
 * like 0x2020 that every user and every run would share.
 *
 *   $ build/bin/shm_sysv_writer &
 *   $ build/bin/shm_sysv_reader
 */
#ifndef IPCLAB_SHM_SYSV_H
#define IPCLAB_SHM_SYSV_H

#include <sys/types.h>

#define SHM_SYSV_NAME "shm-sysv" /* default -N */
#define SHM_TEXT_MAX  64
#define SHM_POLL_MS   100 /* how often a waiting side checks its peer */

enum { SEM_EMPTY, SEM_FULL, SEM_READER, SEM_COUNT };

/* The layout of the segment: one message. */
struct shm_sysv_msg {
	pid_t writer;		 /* pid of the process that wrote it */
	unsigned long seq;	 /* 1, 2, ... total */
	unsigned long total;	 /* how many messages the writer sends */
	char text[SHM_TEXT_MAX]; /* the message itself */
};

/* semctl(2): "the calling program must define this union". */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

#endif
