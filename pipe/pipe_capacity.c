/* pipe_capacity.c - how much a pipe holds, measured, and how to change it.
 *
 * A pipe is a buffer in the kernel: a writer blocks when it is full, a
 * reader when it is empty.  fcntl(F_GETPIPE_SZ) says how big it is (65536
 * bytes, 16 pages, unless the system says otherwise), and this program
 * checks that by filling a new pipe with O_NONBLOCK writes until the kernel
 * answers EAGAIN ("would block") instead of putting the writer to sleep.
 * Then it asks for a bigger one with fcntl(F_SETPIPE_SZ) and fills it
 * again.  How big a pipe an unprivileged process may ask for is capped by
 * /proc/sys/fs/pipe-max-size (EPERM above it, unless the process has
 * CAP_SYS_RESOURCE); and once a user's pipes together pass
 * /proc/sys/fs/pipe-user-pages-soft pages, the user's new pipes get only
 * 2 pages (8192 bytes) each.  One process, one pipe, both ends: no fork
 * needed, since nobody blocks.
 *
 *   $ build/bin/pipe_capacity
 *   pipe_capacity 4242: F_GETPIPE_SZ: 65536 bytes
 *   pipe_capacity 4242: filled with O_NONBLOCK writes: 65536 bytes, then EAGAIN
 *   pipe_capacity 4242: F_SETPIPE_SZ 1048576: now 1048576 bytes
 *   ...
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ, F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"

static const char usage[] =
	"usage: pipe_capacity\n"
	"Measure a pipe's capacity, then grow it with F_SETPIPE_SZ.\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 0, 0, 10};

/* A number from a /proc file, or -1. */
static long
proc_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Write into the non-blocking wfd until it is full; return the bytes it
 * took.  Big writes first, then single bytes for the last gap. */
static long
fill(int wfd)
{
	static char block[4096];
	long total = 0;
	size_t chunk = sizeof(block);
	ssize_t n;

	for (;;) {
		n = write(wfd, block, chunk);
		if (n > 0) {
			total += n;
			continue;
		}
		if (n == -1 && errno != EAGAIN)
			die_errno("write");
		if (chunk == 1)
			return total; /* even one byte would block: full */
		chunk = 1;
	}
}

/* Read everything back out of the non-blocking rfd. */
static void
drain(int rfd)
{
	static char block[65536];

	while (read(rfd, block, sizeof(block)) > 0)
		;
	if (errno != EAGAIN)
		die_errno("read");
}

int
main(int argc, char **argv)
{
	long max = proc_long("/proc/sys/fs/pipe-max-size");
	long soft = proc_long("/proc/sys/fs/pipe-user-pages-soft");
	pid_t me = getpid();
	int fds[2], size;

	opts_parse(&opt, "", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pipe_capacity %ld: /proc/sys/fs/pipe-max-size %ld, "
	       "pipe-user-pages-soft %ld\n",
	       (long)me, max, soft);
	if (pipe2(fds, O_NONBLOCK) == -1) /* both ends: EAGAIN, not sleep */
		die_errno("pipe2");

	size = fcntl(fds[1], F_GETPIPE_SZ);
	if (size == -1)
		die_errno("fcntl F_GETPIPE_SZ");
	printf("pipe_capacity %ld: F_GETPIPE_SZ: %d bytes\n", (long)me, size);
	printf("pipe_capacity %ld: filled with O_NONBLOCK writes: %ld bytes, "
	       "then EAGAIN\n",
	       (long)me, fill(fds[1]));
	drain(fds[0]);

	/* Grow it.  The kernel rounds up to a power of two pages, and
	 * refuses to shrink below what the pipe holds now (EBUSY). */
	if (max > 0 && fcntl(fds[1], F_SETPIPE_SZ, (int)max) == -1)
		die_errno("fcntl F_SETPIPE_SZ %ld", max);
	size = fcntl(fds[1], F_GETPIPE_SZ);
	printf("pipe_capacity %ld: F_SETPIPE_SZ %ld (pipe-max-size): now %d "
	       "bytes\n",
	       (long)me, max, size);
	printf("pipe_capacity %ld: filled again: %ld bytes, then EAGAIN\n",
	       (long)me, fill(fds[1]));
	drain(fds[0]);

	/* Beyond pipe-max-size: refused unless we hold CAP_SYS_RESOURCE. */
	if (fcntl(fds[1], F_SETPIPE_SZ, (int)max * 2) == -1)
		printf("pipe_capacity %ld: F_SETPIPE_SZ %ld: %s (%s): above "
		       "pipe-max-size\n",
		       (long)me, max * 2, strerror(errno), errno_name(errno));
	else
		printf("pipe_capacity %ld: F_SETPIPE_SZ %ld: allowed, now %d "
		       "bytes: this process has CAP_SYS_RESOURCE (root?)\n",
		       (long)me, max * 2, fcntl(fds[1], F_GETPIPE_SZ));
	if (close(fds[0]) == -1 || close(fds[1]) == -1)
		die_errno("close");
	return 0;
}
