/* sweep.h - find the suite's IPC objects on the machine and remove stale ones.
 *
 * An object is "live" while a running process may still use it, and
 * "stale" once every process that could have used it is gone (killed with
 * SIGKILL, crashed, or a program that forgot to remove it).  The kernel
 * keeps different bookkeeping for each kind, so liveness is judged per kind:
 *   System V shm   its creator (shm_cpid) runs, or a process is attached;
 *   System V sem   a running process did the last operation on one of its
 *                  semaphores (GETPID; SETVAL and SETALL count), a process
 *                  waits on it, or no process has touched it yet and it is
 *                  younger than SWEEP_GRACE_S seconds (still being set up);
 *   System V msg   a running process last sent or received, or no
 *                  process has sent or received yet and it is younger
 *                  than SWEEP_GRACE_S (its creator is about to send; a
 *                  receiver waiting on a queue nobody has used leaves no
 *                  trace, so after that time it looks stale);
 *   POSIX shm, sem a running process has it open or mapped (found by
 *   and mq         device and inode in /proc/<pid>/fd and /proc/<pid>/maps).
 * Objects of one run share a name (POSIX) or key (System V), and a run
 * is judged whole: every object of it is live while any one is, so a
 * writer idle between messages keeps its semaphores even when the last
 * process to touch them was a reader that has died.  When in doubt an
 * object counts as live: the sweep would rather leave a stale object than
 * remove one a run still needs.  So another user's POSIX object that no
 * process we may look into holds is "unknown", not stale, when there are
 * processes whose /proc we may not read (not root: other users').
 */
#ifndef IPCLAB_SWEEP_H
#define IPCLAB_SWEEP_H

#include <stdio.h>
#include <sys/types.h>

#include "cleanup.h"

#define SWEEP_GRACE_S 10

struct ipc_obj {
	enum obj_kind kind;
	int id;		      /* System V id, -1 for POSIX objects */
	key_t key;	      /* System V key, 0 for POSIX objects */
	char name[300];	      /* POSIX name "/ipclab-...", "" for System V */
	char path[320];	      /* POSIX: its file, "/dev/shm/sem.ipclab-..." */
	dev_t dev;	      /* POSIX: the file's device and inode, so that */
	ino_t ino;	      /* a new object of the same name is told apart */
	uid_t uid;	      /* owner */
	pid_t pid;	      /* the process that tells liveness, 0 if none */
	const char *pid_role; /* what pid is: "creator", "last op", ... */
	int pid_alive;	      /* whether pid still runs */
	int live;	      /* whether a running process may still use it */
	int unknown;	      /* cannot tell (live is then 1): shown "unknown" */
};

/* Call visit(obj, arg) for every ipclab object on the machine, of every
 * user, that this process can see; stop early if visit returns non-zero.
 * Returns 0, or -1 with errno set if /proc could not be read. */
int sweep_each(int (*visit)(const struct ipc_obj *obj, void *arg), void *arg);

/* Remove obj, found by sweep_each(), unless it changed meanwhile: a
 * System V id must still carry obj's key, a POSIX name must still be the
 * same file (another sweep may have removed it and a new writer made a
 * new object of that name).  Returns 0, or -1 with errno set (EIDRM if
 * obj is not there any more). */
int sweep_remove(const struct ipc_obj *obj);

/* Whether /dev/mqueue is an mqueue mount, where the POSIX message queues
 * are listed; it is not mounted on every machine, and without it the
 * sweeps cannot see the queues. */
int sweep_mqueue_listed(void);

/* What a clean-up removed, where it says so, and its first failure. */
struct sweep_tally {
	FILE *log;   /* "removed stale <its line>" for each, if not NULL */
	int removed; /* how many */
	int failed;  /* the errno of a failure, or 0 */
};

/* sweep_remove(obj), counted and logged in t.  One that had gone
 * meanwhile (EIDRM, ENOENT, EINVAL: another sweep took it) is no
 * failure. */
void sweep_remove_tallied(const struct ipc_obj *obj, struct sweep_tally *t);

/* t's count, or -1 with errno set if a removal failed. */
int sweep_tally_result(const struct sweep_tally *t);

/* Remove every stale IPC object owned by uid, printing one line for each
 * to log (if not NULL); not the private directories, which each program
 * sweeps by its own name (sweep_stale_dirs), and ipclab-ipcs --clean.
 * Returns how many were removed, or -1 with errno set. */
int sweep_stale(uid_t uid, FILE *log);

/* The column names above sweep_describe()'s lines, into buf. */
void sweep_header(char *buf, size_t size);

/* One line describing obj, as `make ipcs` prints it, into buf. */
void sweep_describe(const struct ipc_obj *obj, char *buf, size_t size);

/* ---- private directories --------------------------------------------
 * A FIFO's or a socket file's private directory (names_dir_template()) is
 * a suite object too, of kind OBJ_DIR: sweep_each() lists it, and
 * sweep_remove() removes it and the FIFOs and socket files in it.  There
 * is one definition of "uid U's directory", and everything that looks for
 * them (the sweeps here, ipclab-ipcs, the tests' leak check) uses it:
 *   an entry of names_tmp_dir() whose name names_dir_parse() accepts, with
 *   uid U in the name, that is a real directory (lstat: not a symlink)
 *   owned by U.
 * Anything else named like one (a symlink, another user's directory) is
 * not the suite's: it is not listed, and nothing is ever made in it or
 * removed from it.  A directory is live while its creator, the pid in its
 * name, runs (pid_alive: a process of another user counts, so when in
 * doubt -- a pid reused meanwhile -- it is live); it is stale once that
 * process is gone.  One whose name holds no pid (made by hand, or by a
 * minimal rung) is listed, and always live: nothing says who made it.  Every creator removes its directory when it ends, or
 * is a child that dies with it (ipcbench's PR_SET_PDEATHSIG), so only a
 * SIGKILL leaves one.  Removal works from file descriptors: the
 * directory is opened with O_NOFOLLOW and checked again (the same inode,
 * still a directory of U's), then its entries are removed with unlinkat()
 * relative to it, only FIFOs and sockets owned by U, so no path that a
 * symlink or a ".." could redirect is ever followed. */

/* Call visit(obj, arg) for every private directory of every user in
 * names_tmp_dir() (sweep_each() without the IPC objects); none if that
 * directory cannot be read.  Returns 0, or -1 with errno ENOMEM. */
int sweep_dirs_each(int (*visit)(const struct ipc_obj *obj, void *arg),
		    void *arg);

/* Remove this user's stale private directories whose short name matches
 * the fnmatch(3) pattern (a plain name matches itself), printing one line
 * for each to log (if not NULL): what a SIGKILLed run of the program left.
 * Returns how many were removed, or -1 with errno set. */
int sweep_stale_dirs(const char *pattern, FILE *log);


#endif
