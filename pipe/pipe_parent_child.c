/* pipe_parent_child.c - a parent sends messages to its child through a pipe.
 *
 * pipe() gives two file descriptors, one for each end: fds[0] to read,
 * fds[1] to write.  After fork() parent and child both hold both ends, so
 * each closes the end it does not use: the child its write end, the parent
 * its read end.  That is not tidiness.  The child learns that the stream
 * is over when read() returns 0, end of file, and the kernel says so only
 * once every write end of the pipe is closed, in every process, the
 * child's own copy included (pipe_broken_noclose hangs for want of that
 * one close).
 *
 * The parent writes COUNT messages, fixed-size records, then closes its
 * end; the child reads them with read_full(), which loops over short reads
 * (a pipe hands over whatever it holds, not what you asked for), prints
 * each, and stops at end of file.  A parent that dies early also closes
 * its end (the kernel does it), so the child sees end of file before the
 * last message, says so and exits 1.  A child that dies makes the
 * parent's next write fail with EPIPE (SIGPIPE is ignored here; see
 * pipe_sigpipe), and the parent exits 1.
 *
 *   $ build/bin/pipe_parent_child -n 3
 *   pipe_parent_child parent 4242: pipe: fd 3 reads, fd 4 writes, ...
 *   pipe_parent_child parent 4242: sent #1
 *   pipe_parent_child child 4243: #1/3 from parent 4242: "hello 1 from 4242"
 *   ...
 *   pipe_parent_child child 4243: end of file after 3 messages: ...
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ */
#include <errno.h>
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

#define PIPE_TEXT_MAX 64

/* One message: the same number of bytes every time, so the reader knows
 * where one ends and the next begins.  A pipe is a stream of bytes: it
 * keeps no message boundaries of its own. */
struct pipe_msg {
	pid_t sender;
	unsigned long seq, total;
	char text[PIPE_TEXT_MAX];
};

static const char usage[] =
	"usage: pipe_parent_child [-n COUNT] [-i MS]\n"
	"Fork a child and send it COUNT messages through a pipe.\n"
	"  -n COUNT    messages to send (default 10)\n"
	"  -i MS       pause between messages, to watch (default 100)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 10, 100, 10};

/* The child: read messages until end of file.  read_full returns fewer
 * bytes than asked only at end of file: 0 between two messages is the
 * normal end, anything else means the writer stopped mid-message. */
static _Noreturn void
child(int rfd)
{
	struct pipe_msg msg;
	unsigned long got = 0;
	ssize_t n;
	pid_t me = getpid();

	while ((n = read_full(rfd, &msg, sizeof(msg))) ==
	       (ssize_t)sizeof(msg)) {
		if (msg.seq != got + 1)
			die("child: expected #%lu, got #%lu", got + 1, msg.seq);
		got++;
		printf("pipe_parent_child child %ld: #%lu/%lu from parent %ld: "
		       "\"%.*s\"\n",
		       (long)me, msg.seq, msg.total, (long)msg.sender,
		       PIPE_TEXT_MAX, msg.text);
	}
	if (n == -1)
		die_errno("child: read from pipe");
	if (n != 0)
		die("child: end of file in the middle of a message (%zd of "
		    "%zu bytes)",
		    n, sizeof(msg));
	if (got == 0 || msg.seq != msg.total)
		die("child: end of file after %lu messages: the parent went "
		    "away before the last",
		    got);
	printf("pipe_parent_child child %ld: end of file after %lu messages: "
	       "every write end is closed\n",
	       (long)me, got);
	exit(0);
}

int
main(int argc, char **argv)
{
	struct pipe_msg msg = {0};
	int fds[2], status, size;
	pid_t pid, me = getpid();

	opts_parse(&opt, "ni", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A child that dies makes write() fail with EPIPE instead of
	 * killing us with SIGPIPE, so we can say what happened. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("signal SIGPIPE");

	if (pipe(fds) == -1)
		die_errno("pipe");
	size = fcntl(fds[1], F_GETPIPE_SZ); /* how much it holds unread */
	if (size == -1)
		die_errno("fcntl F_GETPIPE_SZ");
	printf("pipe_parent_child parent %ld: pipe: fd %d reads, fd %d writes, "
	       "holds %d bytes; %lu messages of %zu bytes\n",
	       (long)me, fds[0], fds[1], size, opt.count, sizeof(msg));

	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		if (close(fds[1]) == -1) /* else we never see end of file */
			die_errno("child: close write end");
		child(fds[0]);
	}
	if (close(fds[0]) == -1) /* a reader is the child's job */
		die_errno("close read end");
	printf("pipe_parent_child parent %ld: forked child %ld; each closed "
	       "the end it does not use\n",
	       (long)me, (long)pid);

	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		msg.sender = me;
		msg.seq = seq;
		msg.total = opt.count;
		snprintf(msg.text, sizeof(msg.text), "hello %lu from %ld", seq,
			 (long)me);
		if (write_full(fds[1], &msg, sizeof(msg)) == -1) {
			if (errno == EPIPE)
				die("write #%lu: the child went away (EPIPE)",
				    seq);
			die_errno("write #%lu", seq);
		}
		printf("pipe_parent_child parent %ld: sent #%lu\n", (long)me,
		       seq);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	if (close(fds[1]) == -1) /* the last write end: the child sees EOF */
		die_errno("close write end");

	/* The child ends at end of file, which our close just caused. */
	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed (status 0x%x)", (long)pid,
		    (unsigned)status);
	printf("pipe_parent_child parent %ld: child %ld exited 0; the pipe is "
	       "gone with its last descriptor\n",
	       (long)me, (long)pid);
	return 0;
}
