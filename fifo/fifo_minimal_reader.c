/* fifo_minimal_reader.c - make a FIFO, print what a writer sends, remove it.
 *
 * A FIFO is a pipe with a name, so that unrelated processes can find it.
 * The name must be where nobody else can put anything first: the reader
 * makes a directory of its own with mkdtemp() (mode 0700, a random name)
 * in $TMPDIR or /tmp, the FIFO in it with mkfifo() (0600), and prints the
 * path for the writer.  open(O_RDONLY) waits until a writer opens it too.
 * It copies what it reads to standard output until read() returns 0 (the
 * writer closed its end), then removes the FIFO and the directory.
 *
 *   $ cc -Wall -Wextra -Werror -o reader fifo/fifo_minimal_reader.c
 *   $ cc -Wall -Wextra -Werror -o writer fifo/fifo_minimal_writer.c
 *   $ ./reader &
 *   reader 4242: listening on /tmp/ipclab-1000-fifo-minimal.k3Xz9a/fifo
 *   $ ./writer /tmp/ipclab-1000-fifo-minimal.k3Xz9a/fifo 3
 *   hello 1 from 4243
 *   ...
 *   reader 4242: end of file; removed the FIFO and its directory
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "usage: fifo_minimal_reader\n"
			    "Make a FIFO and print what a writer sends.\n";
static char dir[4096], path[4096 + 8];

/* Say what failed, remove what we made (if we did), exit 1. */
static void
die(const char *call, const char *what)
{
	fprintf(stderr, "fifo_minimal_reader: %s %s: %s\n", call, what,
		strerror(errno));
	unlink(path);
	rmdir(dir);
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	char buf[512];
	ssize_t n;
	int fd;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc != 1) {
		fprintf(stderr, "fifo_minimal_reader: no arguments\n%s", usage);
		return 2;
	}
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/ipclab-%ld-fifo-minimal.XXXXXX", tmp,
		 (long)getuid());
	if (mkdtemp(dir) == NULL) /* a new directory, 0700: nobody else's */
		die("mkdtemp", dir);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) == -1)
		die("mkfifo", path);
	printf("reader %ld: listening on %s\n", (long)getpid(), path);
	fflush(stdout); /* the writer's user needs that line now */
	if ((fd = open(path, O_RDONLY)) == -1) /* waits for a writer */
		die("open", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n == -1)
		die("read", path);
	if (close(fd) == -1 || unlink(path) == -1 || rmdir(dir) == -1)
		die("remove", path);
	printf("reader %ld: end of file; removed the FIFO and its directory\n",
	       (long)getpid());
	return 0;
}
