/* fifo_unlink.c - the solution: a reader killed mid-stream leaves nothing.
 *
 * The reader makes the FIFO "fifo" in the current directory, says so, and
 * waits in open() for a writer (fifo_minimal_writer fifo 5, say).  It
 * prints what the writer sends a line at a time, MS milliseconds apart (a
 * slow consumer), and removes the FIFO once it sees end of file.  Kill it
 * mid-way with SIGKILL, which no handler can catch, and the FIFO stays
 * behind: the next reader's mkfifo() fails with EEXIST.  Move one call so
 * that, once a writer has come, nothing is left however the reader ends.
 * Removing the FIFO before the writer has found it is no fix.
 *
 *   run:    make build/bin/fifo_minimal_writer build/bin/ex/fifo_unlink &&
 *           (build/bin/ex/fifo_unlink 500 & sleep 1;
 *           build/bin/fifo_minimal_writer fifo 5; wait)
 *   check:  make exercise fifo_unlink
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

static const char usage[] = "usage: fifo_unlink [MS]\n"
			    "Make the FIFO \"fifo\" here and print what a "
			    "writer sends, a line every MS\n"
			    "milliseconds (0 to 10000, default 0).\n";
static const char path[] = "fifo";

/* Say what failed, remove the FIFO, exit 1. */
static void
die(const char *call)
{
	fprintf(stderr, "fifo_unlink: %s %s: %s\n", call, path,
		strerror(errno));
	unlink(path);
	exit(1);
}

int
main(int argc, char **argv)
{
	char *line = NULL, *end = "";
	long ms = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	size_t size = 0;
	FILE *in;
	int fd;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || *end != '\0' || ms < 0 || ms > 10000) {
		fprintf(stderr, "fifo_unlink: MS is 0 to 10000\n%s", usage);
		return 2;
	}
	struct timespec pause = {ms / 1000, ms % 1000 * 1000000};

	if (mkfifo(path, 0600) == -1) { /* EEXIST: a reader died here */
		fprintf(stderr, "fifo_unlink: mkfifo %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	printf("reader %ld: listening on %s\n", (long)getpid(), path);
	fflush(stdout); /* the writer's user needs that line now */
	if ((fd = open(path, O_RDONLY)) == -1) /* waits for a writer */
		die("open");
	/* The writer has opened it too: the name has done its job.  Both
	 * ends live on without it, and a SIGKILL now leaves nothing. */
	if (unlink(path) == -1)
		die("unlink");
	if ((in = fdopen(fd, "r")) == NULL)
		die("fdopen");
	while (getline(&line, &size, in) != -1) {
		printf("reader %ld: %s", (long)getpid(), line);
		fflush(stdout);
		nanosleep(&pause, NULL); /* a slow consumer */
	}
	if (ferror(in))
		die("read");
	fclose(in);
	free(line);
	printf("reader %ld: end of file; %s was removed when the writer came\n",
	       (long)getpid(), path);
	return 0;
}
