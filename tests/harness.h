/* harness.h - what the cmocka tests share: run a program with a timeout,
 * and check that no IPC object of a name is left.
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

/* A program started by proc_start(); its output goes to files. */
struct proc {
	pid_t pid;
	int status; /* wait(2) status, once proc_wait() returned 0 */
	char *out;  /* all it wrote to stdout, after proc_wait() */
	char *err;  /* all it wrote to stderr, after proc_wait() */
	char out_path[64], err_path[64];
};

/* Start build/bin/PROG (found next to the test program) with the given
 * arguments, a NULL-terminated list.  Returns 0, or -1 with errno set. */
int proc_start(struct proc *p, const char *prog, ...);

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

/* Its exit code, or 128 + the signal that killed it. */
int proc_code(const struct proc *p);

/* Its exit code as proc_code(); if that is not want, also print what it
 * wrote, so a failing assertion shows why. */
int proc_code_shown(const struct proc *p, int want);

/* Assert that p exited with code want, showing its output if not. */
#define assert_code(p, want)                                                   \
	assert_int_equal(proc_code_shown((p), (want)), (want))

/* Free the output and remove the output files. */
void proc_free(struct proc *p);

/* How many times needle occurs in haystack. */
int count_str(const char *haystack, const char *needle);

/* How many IPC objects of short name exist: System V segments, semaphore
 * sets and queues with names_key(name), and POSIX shared memory,
 * semaphores and queues named /ipclab-<uid>-<name>. */
int objects_alive(const char *name);

/* Remove every object objects_alive() counts; returns how many. */
int objects_remove(const char *name);

/* The fixture of every test that makes IPC objects: a unique name, and the
 * leak check around the test. */
struct fixture {
	char name[NAMES_SHORT_MAX + 1];
};
int fixture_setup(void **state);
int fixture_teardown(void **state);

#endif
