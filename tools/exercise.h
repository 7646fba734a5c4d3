/* exercise.h - what an exercise's check may use (tools/exercise.c).
 *
 * An exercise is one small C file, <mech>/exercises/<slug>.c, that a
 * learner fixes, completes or extends.  Its check lives in
 * <mech>/exercises/<mech>_checks.c, in that mechanism's table.  ipclab-exercise
 * builds the learner's file, runs the check, and then looks for anything
 * the program left behind.
 *
 * A check runs the learner's program as a learner would: a real process,
 * real IPC objects, a timeout on every wait.  It returns 0 when the program
 * did what a correct one must, or ex_fail(): what it saw and what it
 * wanted, in a learner's words.
 *
 * Where exercises meet, so that nothing else on the machine is touched:
 * - System V keys: EX_KEY(n), n from the mechanism's range below; the key
 *   is 0x1c (every ipclab key's tag), the uid's low 16 bits, then 0xe0 + n
 *   (the minimal programs take 0 to 255 there, 0 by default).
 * - POSIX names: "/ipclab-<uid>-ex-<slug>" and that name followed by a
 *   suffix ("...-ex-msgq_reply.reply").
 * - Files (FIFOs, sockets, lock files): relative names in the current
 *   directory.  The check runs the program in a private directory it made
 *   (mode 0700), so no one else can reach them, and fails the check if
 *   anything is left in it.
 * Only one check of a user runs at a time (a lock, see exercise.c), so two
 * runs never meet at these names.
 */
#ifndef IPCLAB_EXERCISE_H
#define IPCLAB_EXERCISE_H

#include <stddef.h>
#include <sys/types.h>

/* n: shm 0-7, sem 8-15, msgq 16-23, pipe, fifo, signal, socket 24-31. */
#define EX_KEY_BASE 0xe0
#define EX_KEY(n)                                                              \
	((key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | (EX_KEY_BASE + (n))))

struct ex_ctx;

struct exercise {
	const char *slug; /* file <mech>/exercises/<slug>.c */
	const char *kind; /* "fix", "complete" or "extend" */
	const char *task; /* one line: what to do */
	int (*check)(struct ex_ctx *c);
};

/* A program a check started: its output is kept in files until
 * ex_wait() reads it.  Declare it static: after the check returns, the
 * checker kills, reaps and frees every program the check started (one it
 * forgot, or one left running when the check failed early), through the
 * pointer ex_start() was given. */
struct ex_proc {
	pid_t pid;	/* its process group too; -1 once reaped */
	int status;	/* wait(2) status, after ex_wait() returned 0 */
	char *out;	/* what it wrote to stdout, after ex_wait() */
	char *err;	/* and to stderr */
	int out_fd, err_fd;
};

/* The learner's program, for ex_start(): the suite's own programs are
 * named as in build/bin ("shm_minimal_client"). */
#define EX_PROG NULL

/* Start prog (EX_PROG, or a program of build/bin) with the arguments that
 * follow, a NULL-terminated list, in the check's private directory, in a
 * process group of its own.  Returns 0, or ex_fail()'s 1. */
int ex_start(struct ex_ctx *c, struct ex_proc *p, const char *prog, ...);

/* Wait up to timeout_ms for p to end and read its output.  If it is still
 * running then, kill its process group and return ex_fail()'s 1, which
 * says that it hung and where it was started; 0 when it ended. */
int ex_wait(struct ex_ctx *c, struct ex_proc *p, unsigned timeout_ms);

/* ex_start() then ex_wait(): run prog to its end. */
int ex_run(struct ex_ctx *c, struct ex_proc *p, unsigned timeout_ms,
	   const char *prog, ...);

/* Wait up to timeout_ms until p (running) has written text to stdout.
 * Returns 0, or 1 with nothing reported (the check decides what to say). */
int ex_wait_output(struct ex_proc *p, const char *text, unsigned timeout_ms);

/* What p, running still, has written so far to stdout (to stderr if err),
 * into buf, cut to size - 1 bytes; returns buf. */
const char *ex_output_now(const struct ex_proc *p, int err, char *buf,
			  size_t size);

/* Whether p has ended (it stays to be reaped by ex_wait()). */
int ex_ended(const struct ex_proc *p);

/* Its exit code, or 128 + the signal that ended it. */
int ex_code(const struct ex_proc *p);

/* Unless p exited with code want, ex_fail() with what it wrote on stderr. */
int ex_expect_code(struct ex_ctx *c, const struct ex_proc *p, int want);

/* Process pid's state as /proc/PID/stat shows it ('R', 'S', 'T' when
 * stopped, 'Z' when it has ended and is not yet reaped...), or 0 when
 * there is no such process. */
char ex_state(pid_t pid);

/* Send sig to p's process group. */
void ex_signal(struct ex_proc *p, int sig);

/* Kill p's process group if it still runs, reap it, free its output;
 * idempotent, and safe on a p that ex_start() never started. */
void ex_free(struct ex_proc *p);

#define EX_PROC_NONE                                                           \
	((struct ex_proc){.pid = -1, .out_fd = -1, .err_fd = -1})

/* Record why the check failed: what a correct program does (want) and
 * what this one did (the format); returns 1, for `return ex_fail(...)`.
 * The first call wins: later ones add nothing. */
int ex_fail(struct ex_ctx *c, const char *want, const char *saw_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* How many times needle occurs in haystack. */
int ex_count(const char *haystack, const char *needle);

/* The POSIX name of this exercise's object: "/ipclab-<uid>-ex-<slug>"
 * followed by suffix ("" for none). */
const char *ex_posix_name(struct ex_ctx *c, const char *suffix);

/* Sleep ms milliseconds. */
void ex_sleep_ms(unsigned ms);

/* Each mechanism's table, ended by an entry with slug NULL. */
extern const struct exercise shm_exercises[], sem_exercises[],
	msgq_exercises[], pipe_exercises[], fifo_exercises[],
	signal_exercises[], socket_exercises[];

#endif
