/* fifo_minimal_writer.c - send lines through fifo_minimal_reader's FIFO.
 *
 * Takes the path the reader printed.  open(O_WRONLY) waits until some
 * process has the FIFO open for reading.  The writer checks that it opened
 * a FIFO (not a file it would scribble over: a mistyped path), writes
 * COUNT lines, and closes its end, which is how the reader learns it is
 * done (end of file).  It makes nothing, so it removes nothing.
 *
 *   $ ./writer /tmp/ipclab-1000-fifo-minimal.k3Xz9a/fifo 3
 *   writer 4243: opened the FIFO: a reader is there
 *   writer 4243: wrote 3 lines, closed my end
 * (the whole session, reader first: see fifo_minimal_reader.c)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: fifo_minimal_writer PATH [COUNT]\n"
	"Send COUNT lines (default 3) to the FIFO at PATH.\n";

static void
die(const char *call, const char *what)
{
	fprintf(stderr, "fifo_minimal_writer: %s %s: %s\n", call, what,
		strerror(errno));
	exit(1);
}

int
main(int argc, char **argv)
{
	char buf[512], *end = "";
	long count = argc == 3 ? strtol(argv[2], &end, 10) : 3;
	struct stat st;
	int fd;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc < 2 || argc > 3 || argv[1][0] == '-' || !argv[1][0] || *end ||
	    count < 1 || count > 1000) {
		fprintf(stderr,
			"fifo_minimal_writer: give a PATH, and COUNT 1 to 1000\n%s",
			usage);
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY)) == -1) /* waits for a reader */
		die("open", argv[1]);
	if (fstat(fd, &st) == -1)
		die("fstat", argv[1]);
	if (!S_ISFIFO(st.st_mode)) {
		fprintf(stderr, "fifo_minimal_writer: %s: not a FIFO\n",
			argv[1]);
		return 1;
	}
	printf("writer %ld: opened the FIFO: a reader is there\n",
	       (long)getpid());
	for (long k = 1; k <= count; k++) {
		int len = snprintf(buf, sizeof(buf), "hello %ld from %ld\n", k,
				   (long)getpid());
		if (write(fd, buf, (size_t)len) != len) /* < PIPE_BUF: whole */
			die("write", argv[1]);
	}
	if (close(fd) == -1) /* the reader's read() returns 0 */
		die("close", argv[1]);
	printf("writer %ld: wrote %ld lines, closed my end\n", (long)getpid(),
	       count);
	return 0;
}
