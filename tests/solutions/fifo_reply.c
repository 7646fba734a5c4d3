/* fifo_reply.c - the solution: a FIFO for each client's answer.
 *
 * The server makes the FIFO "ctl" in the current directory and answers
 * COUNT requests, from any number of clients, then removes it.  A client
 * sends its pid and a NUMBER on ctl; the server writes the answer (the
 * number and its square) to the client's own FIFO, "reply.PID", which the
 * client makes, reads and removes.  As it is, the client sends its
 * request but has no reply FIFO.  Complete the TODO: what to call before
 * the request goes, and what after.  Nothing may be left behind, and each
 * client must get its own answer: the check runs three at once.
 *
 *   run:    make build/bin/ex/fifo_reply &&
 *           (build/bin/ex/fifo_reply server 2 & sleep 1;
 *           build/bin/ex/fifo_reply client 12; build/bin/ex/fifo_reply
 *           client 7; wait)
 *   check:  make exercise fifo_reply
 *   hint:   docs/fifo.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "usage: fifo_reply server COUNT | fifo_reply "
			    "client NUMBER\n"
			    "The server answers COUNT requests on the FIFO "
			    "ctl; a client asks for NUMBER's square.\n";

struct msg { /* both ways; far below PIPE_BUF, so written whole */
	long pid, number, square;
};

static void
die(const char *call, const char *what)
{
	fprintf(stderr, "fifo_reply: %s %s: %s\n", call, what, strerror(errno));
	exit(1);
}

static int
server(long count)
{
	char reply[64];
	struct msg m;
	int fd, dummy, out;

	if (mkfifo("ctl", 0600) == -1)
		die("mkfifo", "ctl");
	printf("server %ld: listening on ctl\n", (long)getpid());
	fflush(stdout);
	if ((fd = open("ctl", O_RDONLY)) == -1 || /* waits for a client */
	    (dummy = open("ctl", O_WRONLY)) == -1) /* no EOF between them */
		die("open", "ctl");
	for (long k = 0; k < count; k++) {
		if (read(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
			die("read", "ctl");
		snprintf(reply, sizeof(reply), "reply.%ld", m.pid);
		m.square = m.number * m.number;
		if ((out = open(reply, O_WRONLY)) == -1 || /* waits for it */
		    write(out, &m, sizeof(m)) != (ssize_t)sizeof(m)) {
			fprintf(stderr, "fifo_reply: server: %s: %s\n", reply,
				strerror(errno)); /* and on, to the next */
		} else
			printf("server %ld: answered %ld\n", (long)getpid(),
			       m.pid);
		if (out != -1)
			close(out);
	}
	close(dummy);
	close(fd);
	if (unlink("ctl") == -1)
		die("unlink", "ctl");
	return 0;
}

static int
client(long number)
{
	struct msg m = {(long)getpid(), number, 0};
	char reply[64];
	int fd;

	snprintf(reply, sizeof(reply), "reply.%ld", m.pid);
	if (mkfifo(reply, 0600) == -1) /* before the request: the server */
		die("mkfifo", reply);  /* opens it as soon as it reads it */
	if ((fd = open("ctl", O_WRONLY)) == -1)
		die("open", "ctl");
	if (write(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		die("write", "ctl");
	close(fd);
	/* After the request, not before: this open() waits for the server's,
	 * which comes only once the server has read the request. */
	if ((fd = open(reply, O_RDONLY)) == -1)
		die("open", reply);
	if (unlink(reply) == -1) /* both ends are open: the name is done */
		die("unlink", reply);
	if (read(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		die("read", reply);
	close(fd);
	printf("client %ld: %ld squared is %ld\n", (long)getpid(), m.number,
	       m.square);
	return 0;
}

int
main(int argc, char **argv)
{
	char *end = "";
	long n = argc == 3 ? strtol(argv[2], &end, 10) : -1;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc == 3 && !*end && strcmp(argv[1], "server") == 0 && n >= 1 &&
	    n <= 1000)
		return server(n);
	if (argc == 3 && !*end && strcmp(argv[1], "client") == 0 && n >= 0 &&
	    n <= 1000000)
		return client(n);
	fprintf(stderr, "fifo_reply: server COUNT (1 to 1000), or client "
			"NUMBER (0 to 1000000)\n%s", usage);
	return 2;
}
