/* owner.h - is an IPC object we did not create really ours?
 *
 * A program that joins an object another process made finds it by a key
 * or a name derived from a public name ("ipclab-<uid>-shm-sysv"): anyone
 * can compute it, and make an object there first, mode 0666, so that our
 * program reads their messages or writes ours into their memory.  Root is
 * a victim too: root may open anything, so the permission checks of the
 * open never fail for it.  So a joining program checks the owner itself,
 * right after the open and before it reads or writes: the object must
 * belong to getuid().  The only place that knows how, for every kind.
 *
 * Each check returns 0 when the object is ours, or -1 with errno set:
 *   EPERM   it belongs to someone else: who says to whom;
 *   EACCES  we may not even look at it (a System V object of another
 *           user, mode 0600): who says whose it is, as far as
 *           /proc/sysvipc tells;
 *   other   the look itself failed (EINVAL, EIDRM: it is gone).
 */
#ifndef IPCLAB_OWNER_H
#define IPCLAB_OWNER_H

#include <sys/types.h>

#include "cleanup.h"

/* Whose an object is, for the message that refuses it. */
struct owner {
	uid_t uid;     /* the owner (or creator) that is not us; -1 unknown */
	char desc[96]; /* "uid 1001 (mallory)", "uid 1001", "an unknown user" */
};

/* Check System V object id of kind OBJ_SYSV_SHM, OBJ_SYSV_SEM or
 * OBJ_SYSV_MSG: IPC_STAT's owner (uid) and creator (cuid) must both be
 * getuid().  Returns 0, or -1 with errno and who as above. */
int owner_check_sysv(enum obj_kind kind, int id, struct owner *who);

/* Check an open descriptor: a POSIX shared memory fd, or a POSIX queue's
 * mqd_t (on Linux a descriptor too, see mq_overview(7)); fstat's st_uid
 * must be getuid().  Returns 0, or -1 with errno and who as above. */
int owner_check_fd(int fd, struct owner *who);

/* Check POSIX object name ("/ipclab-...") of kind OBJ_POSIX_SHM,
 * OBJ_POSIX_SEM or OBJ_POSIX_MQ by its file: /dev/shm/NAME,
 * /dev/shm/sem.NAME or /dev/mqueue/NAME, not followed if a link.  For a
 * semaphore this is the only way (sem_open gives no descriptor): check
 * right after sem_open.  /dev/shm is sticky, so nobody else can swap the
 * file we opened for one of ours in between.  Returns 0, or -1 with errno
 * and who as above (ENOENT: no such file, or /dev/mqueue not mounted). */
int owner_check_posix(enum obj_kind kind, const char *name, struct owner *who);

/* Fill who with uid: "uid 1001 (mallory)", the name when getpwuid() knows
 * it. */
void owner_describe(uid_t uid, struct owner *who);

#endif
