/* harness.h - what the cmocka tests share: run a program with a timeout,
 * fork a child that sets up objects and waits to be let go, and check that
 * no IPC object of a name is left.
 *
 * Every test that makes IPC objects takes a unique name from the fixture
 * (names_unique: it holds the test's pid), passes it to the programs with
 * -N, and is checked by the fixture before and after: an object left with
 * that name fails the test, and is then removed so it cannot leak into the
 * next one.
 */
#ifndef IPCLAB_HARNESS_H
#define IPCLAB_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>
#include <cmocka.h>

#include "names.h"

/* A program started by proc_start(); its output goes to unnamed files. */
struct proc {
	pid_t pid;
	int status;	    /* wait(2) status, once proc_wait() returned 0 */
	char *out;	    /* all it wrote to stdout, after proc_wait() */
	char *err;	    /* all it wrote to stderr, after proc_wait() */
	int out_fd, err_fd; /* where its stdout and stderr go */
};

/* Start build/bin/PROG (found next to the test program) with the given
 * arguments, a NULL-terminated list.  Returns 0, or -1 with errno set. */
int proc_start(struct proc *p, const char *prog, ...);

/* proc_start() with the arguments in ap. */
int proc_startv(struct proc *p, const char *prog, va_list ap);

/* proc_start() with the program run as user uid, group gid (no
 * supplementary groups): the caller must be root. */
int proc_start_as(struct proc *p, uid_t uid, gid_t gid, const char *prog,
		  ...);

/* A throwaway system user for the two-user tests. */
struct harness_user {
	char name[32]; /* "ipclab-t<pid>"; "" when none was made */
	uid_t uid;
	gid_t gid;
};

/* As root, create a system user with no home and no login shell (useradd
 * -r -M -s /usr/sbin/nologin) named after this process, into u.  Returns
 * 0, or -1 with errno EPERM when not root, or another errno (useradd
 * failed: ENOENT if it is missing). */
int harness_user_create(struct harness_user *u);

/* Remove u's user and group (userdel), if made; idempotent, for teardown.
 * Returns 0, or -1 if userdel failed. */
int harness_user_remove(struct harness_user *u);

/* Wait up to timeout_ms for child pid to end, and reap it, its wait
 * status in *status.  If it is still running then, kill it (SIGKILL),
 * reap it and return -1 with ETIMEDOUT; returns 0 when it ended in time. */
int wait_child(pid_t pid, unsigned timeout_ms, int *status);

/* Wait up to timeout_ms for p to end; then read its output.  If it is
 * still running then, kill it (SIGKILL) and return -1 with ETIMEDOUT, so a
 * hang fails the test instead of stalling it. */
int proc_wait(struct proc *p, unsigned timeout_ms);

/* Wait up to timeout_ms until p's stdout holds text.  Returns 0, or -1
 * with ETIMEDOUT. */
int proc_wait_output(const struct proc *p, const char *text,
		     unsigned timeout_ms);

/* Wait up to timeout_ms for p's line "... listening on ADDRESS" (a FIFO's
 * or a socket's path, or HOST:PORT; the first such line) and copy ADDRESS
 * into addr; fail the test if it does not come or does not fit. */
void proc_listening_on(const struct proc *p, char *addr, size_t size,
		       unsigned timeout_ms);

/* Whether programs run under valgrind (make valgrind): they start far
 * slower, so a test that races a program's pace must give it longer. */
int under_valgrind(void);

/* Its exit code, or 128 + the signal that killed it. */
int proc_code(const struct proc *p);

/* Its exit code as proc_code(); if that is not want, also print what it
 * wrote, so a failing assertion shows why. */
int proc_code_shown(const struct proc *p, int want);

/* Assert that p exited with code want, showing its output if not. */
#define assert_code(p, want)                                                   \
	assert_int_equal(proc_code_shown((p), (want)), (want))

/* Run prog with the given arguments (a NULL-terminated list) and assert
 * that it exits with code: 0 with its usage on stdout and nothing on
 * stderr (-h), or another code with the problem and the usage on stderr
 * and nothing on stdout (a usage error). */
void assert_usage_exit(const char *prog, int code, ...);

/* Free the output and close the output files. */
void proc_free(struct proc *p);

/* How many times needle occurs in haystack. */
int count_str(const char *haystack, const char *needle);

/* How many IPC objects of short name's run exist: System V segments,
 * semaphore sets and queues with names_key(name); POSIX shared memory,
 * semaphores and queues named /ipclab-<uid>-<name> or that name followed
 * by "." and a suffix; and private directories of name, as sweep.h
 * defines ours (names_dir_template's form, a real directory, ours).  POSIX queues are listed in /dev/mqueue, which
 * the harness mounts when it runs as root and finds unmounted; otherwise
 * only the queue of the name itself is checked. */
int objects_alive(const char *name);

/* Remove every object objects_alive() counts; returns how many. */
int objects_remove(const char *name);

/* A forked child ("kid") that sets up IPC objects, reports on its ready
 * pipe, then waits for a byte on its go pipe; pid and pipes are -1 when
 * not held.  A test keeps one where its teardown can kid_release() it. */
struct kid {
	pid_t pid; /* the child, until reaped */
	int ready; /* read end: the child reports here */
	int go;	   /* write end: one byte lets the child go on */
};

/* A kid not started: kid_release() on it does nothing. */
#define KID_NONE ((struct kid){.pid = -1, .ready = -1, .go = -1})

/* The exit code of a child whose body returned. */
#define KID_RETURNED 125

/* Fork a child into k (which holds none) that runs body(ready, go, arg)
 * with its ends of the pipes; body must not return (it calls _exit() or
 * exit(); if it returns, the child _exit(KID_RETURNED)s).  Flushes stdio
 * first; asserts on failure. */
void kid_start(struct kid *k, void (*body)(int ready, int go, void *arg),
	       void *arg);

/* Read exactly len bytes of report; if none come within timeout_ms, or
 * the child ends first, fail the test (with its wait status if it ended). */
void kid_ready(struct kid *k, void *report, size_t len, unsigned timeout_ms);

/* Write the go byte; asserts it was written. */
void kid_go(struct kid *k);

/* Wait up to timeout_ms for the child to end (wait_child()), reap it and
 * close the pipes; returns its wait status, or fails the test on timeout
 * (the child is killed) or if k holds no child.  Also reaps a child the
 * test forked itself and put in pid, its pipes -1. */
int kid_reap(struct kid *k, unsigned timeout_ms);

/* For teardown: SIGKILL and reap the child if not yet reaped, close the
 * pipes, leave k as KID_NONE; idempotent. */
void kid_release(struct kid *k);

/* The fixture of every test that makes IPC objects: a unique name, and the
 * leak check around the test. */
struct fixture {
	char name[NAMES_SHORT_MAX + 1];
};
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* Tests of the stale sweep kill a lone program with SIGKILL so that its
 * objects stay behind, then show that the next run (or ipclab-ipcs
 * --clean) removes them.  Every writer and sender on the machine, of
 * every test and demo, sweeps when it starts, so another may take them
 * first: then the attempt proves nothing, and the test tries again, up to
 * this many times. */
#define STALE_ATTEMPTS 20

/* SIGKILL p (started by the test, holding objects of name's run), reap it
 * and free it; returns whether the objects are still there for the test
 * to show removed (0 if another sweep already took them). */
int kill_leaves_objects(struct proc *p, const char *name);

/* Assert that out holds the line "hello K from PID" for K = 1..n, each
 * once and in order, and no other "hello ": what the minimal programs of
 * pipe/ and fifo/ send. */
void assert_hello_lines(const char *out, int n, long pid);

/* Send sig to p (started by the test, holding objects of name's run),
 * assert that it died of that signal and left nothing, and free p. */
void assert_signal_cleans(struct proc *p, int sig, const char *name);

/* Whether out (a program's output) has a "removed stale" line naming an
 * object of name's run: its System V key, or its POSIX name or that name
 * with a suffix ("NAME.reply"). */
int stale_removed(const char *out, const char *name);

/* Leave name's objects stale with leave(name), which returns whether they
 * are still there (kill_leaves_objects()), then run ipclab-ipcs --clean
 * and assert that it removed them and said so; up to STALE_ATTEMPTS
 * times, while a parallel sweep takes them first. */
void assert_clean_removes_stale(const char *name,
				int (*leave)(const char *name));

/* The minimal and classic shm pairs take fixed keys, not -N names: a test
 * that runs them, or makes objects at their keys, holds this lock, shared
 * by every test program on the machine (an abstract UNIX socket name: the
 * kernel frees it when the holder exits, however it exits).  Waits up to
 * 120 s for it; returns the lock to pass to fixed_keys_unlock(), or -1. */
int fixed_keys_lock(void);
void fixed_keys_unlock(int lock);

/* A pid that no process has: a child that has ended and been reaped (a
 * new process could take it, but not within a test, in practice). */
pid_t dead_pid(void);

/* Run script with sh -c in directory dir, for at most 120 s (timeout(1)),
 * with IPCLAB_TOP set to the directory the test started in (the top of the
 * tree); its stdout and stderr, cut to size - 1 bytes, into out.  Returns
 * its exit status, or -1 if it could not run or was killed. */
int sh_run(const char *dir, const char *script, char *out, size_t size);

#endif
