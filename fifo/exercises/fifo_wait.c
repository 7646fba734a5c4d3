/* fifo_wait.c - exercise (extend): a writer that waits for a reader, not for ever.
 *
 * The reader makes the FIFO "fifo" in the current directory, waits DELAY
 * milliseconds (a reader that comes late), opens it, copies what it reads
 * to its output a little slowly, and removes the FIFO at end of file.  The
 * writer opens "fifo" for writing, which waits until a reader opens it too,
 * sends COUNT lines and closes.  If no reader ever comes, the writer waits
 * in open() for ever.  Extend the writer: if no reader has come within
 * TIMEOUT milliseconds, it says "giving up" and exits 3, sending nothing.
 * A reader that comes in time must get every line, however slowly it
 * reads.  fifo(7) says what O_NONBLOCK does to open() for writing.
 *
 *   run:    make build/bin/ex/fifo_wait &&
 *           (build/bin/ex/fifo_wait reader 3000 &
 *           sleep 0.5; build/bin/ex/fifo_wait writer 5 1000; wait)
 *   check:  make exercise fifo_wait
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

static const char usage[] =
	"usage: fifo_wait reader DELAY | fifo_wait writer COUNT TIMEOUT\n"
	"The reader makes the FIFO \"fifo\" here and opens it DELAY ms later;\n"
	"the writer sends COUNT lines, if a reader comes within TIMEOUT ms.\n";

static void
die(const char *call)
{
	fprintf(stderr, "fifo_wait: %s fifo: %s\n", call, strerror(errno));
	exit(1);
}

/* A whole number from 0 to max, or -1. */
static long
number(const char *s, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s && !*end && n >= 0 && n <= max ? n : -1;
}

static void
sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, ms % 1000 * 1000000};

	nanosleep(&t, NULL);
}

static int
reader(long delay)
{
	char buf[512];
	ssize_t n;
	int fd;

	if (mkfifo("fifo", 0600) == -1)
		die("mkfifo");
	printf("reader %ld: made fifo\n", (long)getpid());
	fflush(stdout);
	sleep_ms(delay); /* late */
	if ((fd = open("fifo", O_RDONLY)) == -1) /* waits for a writer */
		die("open");
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			die("write stdout");
		sleep_ms(1); /* and slow */
	}
	if (n == -1)
		die("read");
	if (close(fd) == -1 || unlink("fifo") == -1)
		die("remove");
	printf("reader %ld: end of file; removed fifo\n", (long)getpid());
	return 0;
}

static int
writer(long count, long timeout)
{
	char buf[64];
	int fd;

	(void)timeout; /* not yet */
	if ((fd = open("fifo", O_WRONLY)) == -1) /* waits for a reader */
		die("open");
	for (long k = 1; k <= count; k++) {
		int len = snprintf(buf, sizeof(buf), "hello %ld from %ld\n", k,
				   (long)getpid());
		if (write(fd, buf, (size_t)len) != len)
			die("write");
	}
	if (close(fd) == -1)
		die("close");
	printf("writer %ld: wrote %ld lines\n", (long)getpid(), count);
	return 0;
}

int
main(int argc, char **argv)
{
	long a = argc >= 3 ? number(argv[2], 100000) : -1;
	long b = argc == 4 ? number(argv[3], 60000) : -1;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc == 3 && strcmp(argv[1], "reader") == 0 && a >= 0 && a <= 60000)
		return reader(a);
	if (argc == 4 && strcmp(argv[1], "writer") == 0 && a >= 1 && b >= 1)
		return writer(a, b);
	fprintf(stderr, "fifo_wait: reader DELAY (0 to 60000), or writer COUNT "
			"(1 to 100000) TIMEOUT (1 to 60000)\n%s", usage);
	return 2;
}
