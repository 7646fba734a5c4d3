/* cleanup.h - remove what this process created, however it ends.
 *
 * A program registers each IPC object right after creating it.  The
 * registry removes every registered object at exit(), on die(), and on
 * SIGINT, SIGTERM or SIGHUP (then the signal is raised again, so the exit
 * status still says what killed the process).  SIGKILL cannot be caught:
 * what a killed process leaves behind is found by the stale sweep
 * (sweep.h, `make ipcs-clean`).
 *
 * After removing an object itself, a program calls cleanup_forget(), so a
 * System V id the kernel hands out again later is never removed by mistake.
 * A child made by fork() inherits the registry but never runs it: only the
 * process that registered an object removes it.
 */
#ifndef IPCLAB_CLEANUP_H
#define IPCLAB_CLEANUP_H

/* The kinds of object the suite makes. */
enum obj_kind {
	OBJ_SYSV_SHM,  /* shmget: removed with shmctl(IPC_RMID) */
	OBJ_SYSV_SEM,  /* semget: semctl(IPC_RMID) */
	OBJ_SYSV_MSG,  /* msgget: msgctl(IPC_RMID) */
	OBJ_POSIX_SHM, /* shm_open: shm_unlink */
	OBJ_POSIX_SEM, /* sem_open: sem_unlink */
	OBJ_POSIX_MQ,  /* mq_open: mq_unlink */
	OBJ_PATH,      /* a FIFO or socket file: unlink */
	OBJ_DIR,       /* an empty private directory: rmdir */
};

#define CLEANUP_MAX 16 /* objects one process may register */

/* Register a System V object (OBJ_SYSV_*) by id.  Returns a handle for
 * cleanup_forget(), or -1 with errno ENOSPC (registry full) or EINVAL. */
int cleanup_add_id(enum obj_kind kind, int id);

/* Register a named object (OBJ_POSIX_*: "/name"; OBJ_PATH, OBJ_DIR: a
 * path).  The name is copied.  Returns a handle or -1 (ENOSPC,
 * ENAMETOOLONG, EINVAL). */
int cleanup_add_name(enum obj_kind kind, const char *name);

/* Register a FIFO or socket file (OBJ_PATH) or a directory (OBJ_DIR)
 * named name in the directory open as dirfd, to be removed with
 * unlinkat(dirfd, name): no symlink or ".." in a longer path can send the
 * removal elsewhere.  The caller keeps dirfd open until it calls
 * cleanup_forget() or exits.  Returns a handle or -1 as
 * cleanup_add_name(), or EINVAL for another kind or a name with a '/'. */
int cleanup_add_at(enum obj_kind kind, int dirfd, const char *name);

/* Stop tracking handle: the program has removed the object itself. */
void cleanup_forget(int handle);

/* Remove every object still registered by this process, newest first.
 * Safe to call more than once, and from a signal handler. */
void cleanup_run(void);

/* Remove one object; the single place that knows how for each kind.
 * name is used for named kinds, id for System V ones; for OBJ_PATH and
 * OBJ_DIR an id other than -1 is the directory fd name is relative to
 * (cleanup_add_at).  Returns 0, or -1
 * with errno set.  Async-signal-safe: each branch is one system call. */
int obj_remove(enum obj_kind kind, int id, const char *name);

/* A short word for the kind: "shm-sysv", "sem-posix", "path", ... */
const char *obj_kind_name(enum obj_kind kind);

#endif
