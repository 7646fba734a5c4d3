/* socket_sigpipe.c - the solution: a client that hangs up is let go.
 *
 * Run as "serve", it is a UNIX stream server on echo.sock that serves
 * three clients, one after another: it reads each one's message to end of
 * file, echoes it, and says "client K: echoed N bytes".  Run as "hangup",
 * it is a rude client: it sends a message and closes the connection
 * without waiting for the echo.  A server must live through that: say
 * "client K hung up" and serve the next one.  As it is, the rude client's
 * echo kills the server on the spot, silently, with SIGPIPE (exit status
 * 141).  Fix it.  Ignoring SIGPIPE alone is not enough: the write then
 * fails, and the server gives up just the same.
 *
 *   run:    make build/bin/ex/socket_sigpipe
 *           build/bin/ex/socket_sigpipe serve &
 *           build/bin/ex/socket_sigpipe hangup
 *           build/bin/socket_minimal_client echo.sock (twice)
 *   check:  make exercise socket_sigpipe
 *   hint:   docs/socket.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static const char usage[] = "usage: socket_sigpipe serve | hangup\n"
			    "serve: echo three clients on echo.sock; hangup: "
			    "send, and go without the echo.\n";

static struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "echo.sock"};

static int
serve(void)
{
	struct timeval tv = {.tv_sec = 10}; /* every wait, at most */
	char buf[256];
	ssize_t n, got = 0;
	int lfd, cfd, bound = 0, r = 1;

	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto out; /* EADDRINUSE: the file is not ours to remove */
	bound = 1;
	if (setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    listen(lfd, 5) == -1)
		goto out;
	printf("socket_sigpipe %ld: listening on echo.sock\n", (long)getpid());
	for (int k = 1; k <= 3; k++) {
		if ((cfd = accept(lfd, NULL, NULL)) == -1 ||
		    setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
			goto out;
		for (n = 0; n < (ssize_t)sizeof(buf) &&
			    (got = read(cfd, buf + n, sizeof(buf) - n)) > 0;)
			n += got; /* all of it, to end of file */
		if (got == -1)
			goto out;
		/* MSG_NOSIGNAL: EPIPE instead of SIGPIPE, for this call */
		if (send(cfd, buf, (size_t)n, MSG_NOSIGNAL) == n)
			printf("socket_sigpipe %ld: client %d: echoed %zd "
			       "bytes\n",
			       (long)getpid(), k, n);
		else if (errno == EPIPE || errno == ECONNRESET)
			printf("socket_sigpipe %ld: client %d hung up\n",
			       (long)getpid(), k); /* its loss, not ours */
		else
			goto out;
		close(cfd);
	}
	r = 0;
out:
	if (r != 0)
		perror("socket_sigpipe: echo.sock");
	if (bound)
		unlink(sa.sun_path);
	return r;
}

/* Send a message and close at once: the echo finds nobody. */
static int
hangup(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd == -1 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    write(fd, "bye", 3) != 3) {
		perror("socket_sigpipe: echo.sock");
		return 1;
	}
	printf("socket_sigpipe %ld: sent 3 bytes, hung up\n", (long)getpid());
	return close(fd) == -1;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	setvbuf(stdout, NULL, _IOLBF, 0); /* the check waits for our lines */
	if (argc == 2 && strcmp(argv[1], "serve") == 0)
		return serve();
	if (argc == 2 && strcmp(argv[1], "hangup") == 0)
		return hangup();
	fprintf(stderr, "socket_sigpipe: serve or hangup\n%s", usage);
	return 2;
}
