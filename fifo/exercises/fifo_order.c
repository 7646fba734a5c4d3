/* fifo_order.c - exercise (fix): two FIFOs, and both sides stuck in open().
 *
 * Two processes talk both ways through two FIFOs in the current directory:
 * A sends COUNT pings on "ping", MS milliseconds apart, and B answers each
 * with a pong on "pong".  Then A closes ping; B sees end of file, closes
 * pong and exits; A sees end of file too, removes both FIFOs and exits.
 * As it is, neither prints a thing: each waits in its first open() for
 * the other's second.  Fix the order; B starts late in the check, and is
 * stopped for a while mid-way.  Opening a FIFO with O_RDWR or O_NONBLOCK
 * to get past open() is no fix: see what each does to end of file.
 *
 *   run:    make build/bin/ex/fifo_order &&
 *           (build/bin/ex/fifo_order a 5 100 & build/bin/ex/fifo_order b;
 *           wait)  (Ctrl-C ends both while they hang)
 *   check:  make exercise fifo_order
 *   hint:   docs/fifo.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] = "usage: fifo_order a COUNT MS | fifo_order b\n"
			    "A sends COUNT (1 to 1000) pings on the FIFO ping, "
			    "MS (0 to 10000) ms apart;\nB answers each on the "
			    "FIFO pong.\n";

static void
die(const char *call, const char *what)
{
	fprintf(stderr, "fifo_order: %s %s: %s\n", call, what, strerror(errno));
	exit(1);
}

/* open(), or die saying what. */
static int
open_fifo(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd == -1)
		die("open", path);
	return fd;
}

int
main(int argc, char **argv)
{
	char msg[32], got[32], *end = "";
	long count = argc == 4 ? strtol(argv[2], &end, 10) : 0;
	long ms = argc == 4 && !*end ? strtol(argv[3], &end, 10) : 0;
	int a = argc == 4 && strcmp(argv[1], "a") == 0, rfd, wfd;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (a ? *end || count < 1 || count > 1000 || ms < 0 || ms > 10000
	      : argc != 2 || strcmp(argv[1], "b") != 0) {
		fprintf(stderr, "fifo_order: a COUNT MS, or b\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((mkfifo("ping", 0600) == -1 && errno != EEXIST) || /* whoever */
	    (mkfifo("pong", 0600) == -1 && errno != EEXIST))   /* is first */
		die("mkfifo", "ping or pong");
	if (!a) { /* B: reads ping, writes pong */
		rfd = open_fifo("ping", O_RDONLY);
		wfd = open_fifo("pong", O_WRONLY);
		while (read(rfd, got, sizeof(got)) == (ssize_t)sizeof(got)) {
			printf("B %ld: got %.31s\n", (long)getpid(), got);
			snprintf(msg, sizeof(msg), "pong%s", got + 4);
			if (write(wfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
				die("write", "pong");
		}
		printf("B %ld: end of file on ping\n", (long)getpid());
		return close(wfd) == -1; /* A's read() returns 0 */
	}
	/* A: reads pong, writes ping */
	rfd = open_fifo("pong", O_RDONLY);
	wfd = open_fifo("ping", O_WRONLY);
	for (long k = 1; k <= count; k++) {
		struct timespec pause = {ms / 1000, ms % 1000 * 1000000};

		snprintf(msg, sizeof(msg), "ping %ld", k);
		if (write(wfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			die("write", "ping");
		if (read(rfd, got, sizeof(got)) != (ssize_t)sizeof(got))
			die("read", "pong");
		printf("A %ld: got %.31s\n", (long)getpid(), got);
		nanosleep(&pause, NULL);
	}
	close(wfd); /* B sees end of file, and closes pong */
	if (read(rfd, got, sizeof(got)) != 0)
		die("read (end of file)", "pong");
	printf("A %ld: end of file on pong\n", (long)getpid());
	if (unlink("ping") == -1 || unlink("pong") == -1)
		die("unlink", "ping or pong");
	return 0;
}
