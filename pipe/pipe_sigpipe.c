/* pipe_sigpipe.c - writing to a pipe nobody reads: SIGPIPE, or EPIPE.
 *
 * When every read end of a pipe is closed, nobody can ever read what is
 * written, and the kernel refuses the write.  By default it does so
 * loudly: the writer gets SIGPIPE, whose default action ends the process
 * without a word.  That is what makes `yes | head -1` stop: yes dies of
 * SIGPIPE as soon as head has gone.  A program that would rather say what
 * happened ignores SIGPIPE; then the same write() returns -1 with errno
 * EPIPE, and the program decides.  Every other demo here ignores it.
 *
 * Two rounds:
 *   1. a child with SIGPIPE at its default writes to a pipe whose read end
 *      is closed: it is killed by signal 13, and the parent reports it;
 *   2. with SIGPIPE ignored, the parent writes to a child that reads COUNT
 *      messages and exits: the write after that fails with EPIPE.
 *
 *   $ build/bin/pipe_sigpipe
 *   pipe_sigpipe 4242: 1. SIGPIPE at its default: child 4243 writes to a pipe nobody reads
 *   pipe_sigpipe 4242: child 4243 was killed by signal 13 (SIGPIPE) ...
 *   pipe_sigpipe 4242: 2. SIGPIPE ignored: child 4244 reads 3 messages, then exits
 *   ...
 *   pipe_sigpipe 4242: write #4: Broken pipe (EPIPE): the reader has gone
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "io.h"
#include "opts.h"

#define SIGPIPE_MSG 32 /* bytes of one message */

static const char usage[] =
	"usage: pipe_sigpipe [-n COUNT]\n"
	"Write to a pipe whose reader has gone: first killed by SIGPIPE, then,\n"
	"with SIGPIPE ignored, told EPIPE after the child read COUNT "
	"messages.\n"
	"  -n COUNT    messages the reading child takes before it exits "
	"(default 3)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 3, 0, 10};

/* Round 1: a writer with SIGPIPE at its default, and no reader at all. */
static void
default_action(void)
{
	int fds[2], status;
	pid_t pid, me = getpid();

	if (pipe(fds) == -1)
		die_errno("pipe");
	if (close(fds[0]) == -1) /* the only read end: nobody reads */
		die_errno("close read end");
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL); /* as every program starts */
		if (write(fds[1], "x", 1) == -1)
			printf("  (not reached: the signal comes first)\n");
		_exit(0);
	}
	printf("pipe_sigpipe %ld: 1. SIGPIPE at its default: child %ld "
	       "writes to a pipe nobody reads\n",
	       (long)me, (long)pid);
	if (close(fds[1]) == -1)
		die_errno("close write end");
	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (WIFSIGNALED(status))
		printf("pipe_sigpipe %ld: child %ld was killed by signal %d "
		       "(%s), silently, in its write()\n",
		       (long)me, (long)pid, WTERMSIG(status),
		       WTERMSIG(status) == SIGPIPE ? "SIGPIPE" : "?");
	else
		die("child %ld was not killed by a signal (status 0x%x)",
		    (long)pid, (unsigned)status);
}

/* Round 2's child: read COUNT messages, then exit, closing the read end. */
static _Noreturn void
reader(int rfd)
{
	char buf[SIGPIPE_MSG];

	for (unsigned long k = 1; k <= opt.count; k++) {
		if (read_full(rfd, buf, sizeof(buf)) != sizeof(buf))
			die("child: end of file at #%lu", k);
		printf("pipe_sigpipe child %ld: read #%lu: \"%.*s\"\n",
		       (long)getpid(), k, SIGPIPE_MSG, buf);
	}
	printf("pipe_sigpipe child %ld: exiting: the last read end closes\n",
	       (long)getpid());
	exit(0);
}

/* Round 2: SIGPIPE ignored, so a write to a gone reader returns EPIPE. */
static void
ignored(void)
{
	char buf[SIGPIPE_MSG];
	int fds[2], status;
	pid_t pid, me = getpid();

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("signal SIGPIPE");
	if (pipe(fds) == -1)
		die_errno("pipe");
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		if (close(fds[1]) == -1)
			die_errno("child: close write end");
		reader(fds[0]);
	}
	if (close(fds[0]) == -1) /* else our own read end keeps it "read" */
		die_errno("close read end");
	printf("pipe_sigpipe %ld: 2. SIGPIPE ignored: child %ld reads %lu "
	       "messages, then exits\n",
	       (long)me, (long)pid, opt.count);

	for (unsigned long k = 1;; k++) {
		memset(buf, 0, sizeof(buf));
		snprintf(buf, sizeof(buf), "message %lu", k);
		if (write_full(fds[1], buf, sizeof(buf)) == -1) {
			if (errno != EPIPE)
				die_errno("write #%lu", k);
			printf("pipe_sigpipe %ld: write #%lu: %s (EPIPE): the "
			       "reader has gone; we live to say so\n",
			       (long)me, k, strerror(errno));
			break;
		}
		/* The pipe holds what the child has not read yet, so the
		 * writes after its last read still succeed -- until it has
		 * exited and its read end is closed. */
		printf("pipe_sigpipe %ld: wrote #%lu\n", (long)me, k);
		if (k > opt.count)
			sleep_ms(50); /* give the child time to exit */
		if (k > opt.count + 200)
			die("no EPIPE after %lu writes: the child still runs?",
			    k);
	}
	if (close(fds[1]) == -1)
		die_errno("close write end");
	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed (status 0x%x)", (long)pid,
		    (unsigned)status);
}

int
main(int argc, char **argv)
{
	opts_parse(&opt, "n", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	default_action();
	ignored();
	return 0;
}
