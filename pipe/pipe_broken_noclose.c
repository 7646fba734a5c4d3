/* pipe_broken_noclose.c - a child that waits for end of file forever.
 *
 * Wrong on purpose.  The parent sends COUNT messages and closes its write
 * end, as in pipe_parent_child; the child reads until end of file.  But
 * the child forgot one line: close(fds[1]).  After fork() it holds a write
 * end of the pipe itself, and the kernel reports end of file only when
 * *every* write end is closed.  So once the messages are read, the child's
 * read() sleeps, waiting for a writer that could only be itself.  Nothing
 * will ever wake it.  The same mistake hangs `cmd1 | cmd2` in a home-made
 * shell, and a parent that keeps the write end it gave a child.
 *
 * So that the demo ends, the child arms alarm(TIMEOUT) before reading:
 * SIGALRM, left at its default action, kills it in the middle of its
 * read().  The parent reports how the child ended, and what the fix is.
 * The program exits 0: the hang is the expected result.
 *
 *   $ build/bin/pipe_broken_noclose
 *   pipe_broken_noclose child 4243: fd 3 reads; fd 4, a write end, still open (the bug)
 *   pipe_broken_noclose child 4243: #1/3 "hello 1 from 4242"
 *   ...
 *   pipe_broken_noclose parent 4242: sent 3, closed my write end; waiting ...
 *   pipe_broken_noclose parent 4242: child 4243 was killed by SIGALRM after 2.0 s, stuck in read()
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "io.h"
#include "opts.h"

#define NOCLOSE_MSG 32 /* bytes of one message */

static const char usage[] =
	"usage: pipe_broken_noclose [-n COUNT] [-t SECONDS]\n"
	"A child that never closes its copy of the write end waits for end of\n"
	"file forever; an alarm ends it.  (Wrong on purpose: see "
	"pipe_parent_child.)\n"
	"  -n COUNT    messages the parent sends (default 3)\n"
	"  -t SECONDS  the child's alarm (default 2)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 3, 0, 2};

/* The child, missing close(wfd). */
static _Noreturn void
child(int rfd, int wfd)
{
	char buf[NOCLOSE_MSG];
	unsigned long got = 0;
	ssize_t n;

	/* THE BUG: this is where close(wfd) belongs. */
	printf("pipe_broken_noclose child %ld: fd %d reads; fd %d, a write "
	       "end, still open (the bug)\n",
	       (long)getpid(), rfd, wfd);
	alarm((unsigned)opt.timeout_s); /* the demo's way out of the hang */
	while ((n = read_full(rfd, buf, sizeof(buf))) == sizeof(buf))
		printf("pipe_broken_noclose child %ld: #%lu/%lu \"%.*s\"\n",
		       (long)getpid(), ++got, opt.count, NOCLOSE_MSG, buf);
	/* Never reached while fd wfd is open. */
	printf("pipe_broken_noclose child %ld: end of file\n", (long)getpid());
	exit(0);
}

int
main(int argc, char **argv)
{
	char buf[NOCLOSE_MSG] = "";
	int fds[2], status;
	pid_t pid, me = getpid();
	uint64_t t0;

	opts_parse(&opt, "nt", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(fds) == -1)
		die_errno("pipe");
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0)
		child(fds[0], fds[1]);
	if (close(fds[0]) == -1) /* the parent does its part right */
		die_errno("close read end");

	for (unsigned long k = 1; k <= opt.count; k++) {
		snprintf(buf, sizeof(buf), "hello %lu from %ld", k, (long)me);
		if (write_full(fds[1], buf, sizeof(buf)) == -1)
			die_errno("write #%lu", k);
	}
	if (close(fds[1]) == -1)
		die_errno("close write end");
	t0 = clock_ns();
	printf("pipe_broken_noclose parent %ld: sent %lu, closed my write end; "
	       "waiting for child %ld to see end of file\n",
	       (long)me, opt.count, (long)pid);

	/* Bounded: the child's alarm ends it after opt.timeout_s. */
	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		printf("pipe_broken_noclose parent %ld: child %ld was killed by "
		       "SIGALRM after %.1f s, stuck in read(): no end of file "
		       "while its own fd %d was a write end\n",
		       (long)me, (long)pid,
		       (double)(clock_ns() - t0) / NS_PER_S, fds[1]);
		printf("pipe_broken_noclose parent %ld: the fix: the child "
		       "closes fds[1] right after fork (see pipe_parent_child)\n",
		       (long)me);
		return 0;
	}
	die("child %ld ended otherwise (status 0x%x): did it see end of file?",
	    (long)pid, (unsigned)status);
}
