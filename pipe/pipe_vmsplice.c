/* pipe_vmsplice.c - vmsplice(2) lends the sender's pages to a pipe: what
 * the receiver reads is whatever those pages hold when it reads them.
 *
 * write(2) copies the bytes into the pipe's own pages at once: the sender
 * may reuse its buffer as soon as write() returns.  vmsplice(2) puts
 * references to the sender's pages in the pipe instead (no copy); the
 * copy happens when the receiver read()s them; if it splice(2)s them on
 * to a file or a socket instead, they never pass through user space.  So
 * until the receiver has consumed a page, it is still the sender's
 * memory, and the receiver will see what the sender writes there
 * meanwhile.
 *
 * The parent fills one page with 'A', puts it in the pipe, then
 * overwrites it with 'B' before the child reads:
 *   write     the child reads 'A': the pipe has its own copy;
 *   vmsplice  the child reads 'B': the pipe held the parent's page.
 * Then the right way: vmsplice a page of 'C', and do not touch it until
 * the child says it has consumed it; the child splice()s it on from the
 * pipe into a memfd (a file with no name) without copying it through
 * user space, and checks the file.  Every wait is bounded by -t.
 *
 *   $ build/bin/pipe_vmsplice
 *   pipe_vmsplice 4242: write, then overwrite: the child read 'A' (a copy)
 *   pipe_vmsplice 4242: vmsplice, then overwrite: the child read 'B' (the pipe held our page)
 *   pipe_vmsplice 4243: spliced 4096 bytes on into a memfd: all 'C'
 *   pipe_vmsplice 4242: vmsplice, wait until consumed: the child saw 'C'
 */
#define _GNU_SOURCE /* vmsplice, splice, memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "opts.h"

static const char usage[] =
	"usage: pipe_vmsplice [-t SECONDS]\n"
	"What vmsplice() puts in a pipe: the sender's own pages, not a copy.\n"
	"  -t SECONDS  give up when the other side does not answer this long\n"
	"              (default 10)\n"
	"  -h          show this help\n";

static unsigned long timeout_s;

/* Wait for one byte on fd, timeout_s at most; returns it (0 at end of
 * file). */
static char
hear(int fd, const char *from)
{
	char c = 0;
	int n;

	if ((n = wait_readable(fd, timeout_s * 1000)) == -1)
		die_errno("poll");
	if (n == 0)
		die("no word from %s for %lu s", from, timeout_s);
	if (read(fd, &c, 1) == -1)
		die_errno("read from %s", from);
	return c;
}

static void
say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		die_errno("write");
}

/* The child: three times, wait for the go, take one page from the pipe
 * and answer with the byte it holds ('?' if the page is not all one
 * byte).  The first two by read(), the third by splice() into a memfd. */
static _Noreturn void
child(int data, int go, int ack, size_t page)
{
	char *buf = malloc(page);
	int mfd = memfd_create("ipclab-vmsplice", MFD_CLOEXEC);

	if (buf == NULL || mfd == -1)
		die_errno("malloc or memfd_create");
	for (int i = 0; i < 3; i++) {
		size_t got = 0;
		ssize_t n;

		if (hear(go, "the parent") == 0)
			_exit(1);
		while (got < page) { /* splice: from the pipe, no user copy */
			n = i < 2 ? read(data, buf + got, page - got)
				  : splice(data, NULL, mfd, NULL, page - got,
					   0);
			if (n <= 0)
				die_errno("take a page from the pipe");
			got += (size_t)n;
		}
		if (i == 2 && pread(mfd, buf, page, 0) != (ssize_t)page)
			die_errno("pread memfd");
		for (size_t k = 1; k < page; k++)
			if (buf[k] != buf[0])
				buf[0] = '?';
		if (i == 2)
			printf("pipe_vmsplice %ld: spliced %zu bytes on into a "
			       "memfd: all '%c'\n",
			       (long)getpid(), page, buf[0]);
		say(ack, buf[0]);
	}
	_exit(0);
}

/* Put the page in the pipe: by write() (copied) or vmsplice() (lent). */
static void
put(int fd, char *page, size_t len, int lend)
{
	struct iovec iov = {.iov_base = page, .iov_len = len};
	ssize_t n = lend ? vmsplice(fd, &iov, 1, 0) : write(fd, page, len);

	if (n != (ssize_t)len) /* one page fits an empty pipe whole */
		die_errno("%s", lend ? "vmsplice" : "write");
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"", 0, 0, 10};
	int data[2], go[2], ack[2], status;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *mem, seen;
	pid_t pid;

	opts_parse(&opt, "t", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	timeout_s = opt.timeout_s;
	/* vmsplice works on any memory; a page-aligned page keeps it to one
	 * pipe buffer. */
	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die_errno("mmap");
	if (pipe(data) == -1 || pipe(go) == -1 || pipe(ack) == -1)
		die_errno("pipe");
	if ((pid = fork()) == -1)
		die_errno("fork");
	if (pid == 0) {
		close(data[1]);
		close(go[1]);
		close(ack[0]);
		child(data[0], go[0], ack[1], page);
	}
	close(data[0]);
	close(go[0]);
	close(ack[1]);
	for (int lend = 0; lend <= 1; lend++) {
		memset(mem, 'A', page);
		put(data[1], mem, page, lend);
		memset(mem, 'B', page); /* before the child has read it */
		say(go[1], 'g');
		seen = hear(ack[0], "the child");
		printf("pipe_vmsplice %ld: %s, then overwrite: the child read "
		       "'%c' (%s)\n",
		       (long)getpid(), lend ? "vmsplice" : "write", seen,
		       seen == 'A'   ? "a copy"
		       : seen == 'B' ? "the pipe held our page"
				     : "a mix");
	}
	memset(mem, 'C', page);
	put(data[1], mem, page, 1);
	say(go[1], 'g');
	seen = hear(ack[0], "the child"); /* consumed: the page is ours */
	memset(mem, 'D', page);
	printf("pipe_vmsplice %ld: vmsplice, wait until consumed: the child "
	       "saw '%c'\n",
	       (long)getpid(), seen);
	close(data[1]);
	close(go[1]);
	if (waitpid(pid, &status, 0) == -1 || status != 0)
		die("child %ld failed", (long)pid);
	close(ack[0]);
	munmap(mem, page);
	return 0;
}
