/* pipe_partial_read.c - read() returns what the pipe holds, not what you ask.
 *
 * A child writes COUNT blocks of 1 MiB, each with one write() call.  A
 * pipe holds 64 KiB by default (F_GETPIPE_SZ; see pipe_capacity), so the
 * kernel moves each block in pieces: the writer sleeps while the pipe is
 * full, and the reader's read() returns as soon as there is anything at
 * all, however much it asked for.  The parent reads the first block with
 * plain read() calls and prints what each returned; that loop, written
 * out, is read_full() (lib/io.c), which reads every other block.  Every
 * block carries a pattern made from its number (lib/payload.h) and the
 * parent checks each byte: the stream arrives whole and in order, only
 * cut differently from how it was written.  Message boundaries are the
 * program's business, not the pipe's.
 *
 *   $ build/bin/pipe_partial_read
 *   pipe_partial_read child 4243: writing 4 blocks of 1048576 bytes, one write() each
 *   pipe_partial_read parent 4242: block 1: 16 read() calls, returning 65536 65536 ...
 *   pipe_partial_read parent 4242: block 1: all 1048576 bytes, pattern verified
 *   ...
 *   pipe_partial_read parent 4242: 4 blocks, 4194304 bytes, in order; end of file
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "opts.h"
#include "payload.h"

#define BLOCK	   (1024 * 1024) /* bytes of one block, one write() */
#define SHOW_CALLS 8		 /* read() results to print */

static const char usage[] =
	"usage: pipe_partial_read [-n COUNT]\n"
	"A child writes COUNT 1 MiB blocks to a pipe; watch read() return less\n"
	"than asked, and read_full() put the blocks back together.\n"
	"  -n COUNT    blocks to send (default 4)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 4, 0, 10};

/* The child: COUNT blocks, each in a single write() call. */
static _Noreturn void
writer(int wfd, unsigned char *buf)
{
	printf("pipe_partial_read child %ld: writing %lu blocks of %d bytes, "
	       "one write() each\n",
	       (long)getpid(), opt.count, BLOCK);
	for (unsigned long b = 1; b <= opt.count; b++) {
		ssize_t n;

		payload_fill(buf, BLOCK, b);
		/* A blocking write to a pipe returns only when all of it is
		 * in (or on a signal or error), so n is BLOCK here. */
		n = write(wfd, buf, BLOCK);
		if (n == -1 && errno == EPIPE)
			die("child: block %lu: the reader went away (EPIPE)",
			    b);
		if (n != BLOCK)
			die_errno("child: write block %lu returned %zd", b, n);
	}
	exit(0);
}

/* Read one block with bare read() calls, showing what each returned. */
static void
read_by_hand(int rfd, unsigned char *buf)
{
	char shown[SHOW_CALLS * 8 + 8] = "";
	size_t done = 0, len = 0;
	unsigned calls = 0;

	while (done < BLOCK) {
		ssize_t n = read(rfd, buf + done, BLOCK - done);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die_errno("read");
		if (n == 0)
			die("end of file after %zu bytes of block 1", done);
		if (calls++ < SHOW_CALLS)
			len += (size_t)snprintf(shown + len,
						sizeof(shown) - len, " %zd", n);
		done += (size_t)n;
	}
	printf("pipe_partial_read parent %ld: block 1: %u read() calls, "
	       "returning%s%s\n",
	       (long)getpid(), calls, shown, calls > SHOW_CALLS ? " ..." : "");
}

int
main(int argc, char **argv)
{
	unsigned char *buf;
	int fds[2], status;
	size_t bad;
	pid_t pid;

	opts_parse(&opt, "n", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("signal SIGPIPE");
	buf = malloc(BLOCK);
	if (buf == NULL)
		die_errno("malloc %d bytes", BLOCK);
	if (pipe(fds) == -1)
		die_errno("pipe");
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		if (close(fds[0]) == -1)
			die_errno("child: close read end");
		writer(fds[1], buf);
	}
	if (close(fds[1]) == -1) /* so the child's exit means end of file */
		die_errno("close write end");

	for (unsigned long b = 1; b <= opt.count; b++) {
		ssize_t n;

		if (b == 1) {
			read_by_hand(fds[0], buf);
		} else {
			n = read_full(fds[0], buf, BLOCK);
			if (n == -1)
				die_errno("read_full block %lu", b);
			if (n != BLOCK)
				die("end of file after %zd bytes of block %lu: "
				    "the writer went away",
				    n, b);
		}
		if (payload_verify(buf, BLOCK, b, &bad) == -1)
			die("block %lu: byte %zu is wrong", b, bad);
		if (b == 1 || b == opt.count)
			printf("pipe_partial_read parent %ld: block %lu: all "
			       "%d bytes, pattern verified%s\n",
			       (long)getpid(), b, BLOCK,
			       b == 1 ? "" : " (read_full: one call)");
	}
	if (read(fds[0], buf, 1) != 0) /* nothing more: end of file */
		die("more data than %lu blocks", opt.count);
	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed (status 0x%x)", (long)pid,
		    (unsigned)status);
	printf("pipe_partial_read parent %ld: %lu blocks, %lu bytes, in order; "
	       "end of file\n",
	       (long)getpid(), opt.count, opt.count * BLOCK);
	free(buf);
	return 0;
}
