/* socket_clients.c - the solution: serve a second client at once.
 *
 * A UNIX stream echo server on the socket file PATH (default echo.sock):
 * it echoes one client until end of file, removes the file and exits.
 * Extend it to serve two clients, each until its end of file, and at the
 * same time: a client that connects while the first is still connected
 * must be echoed at once, not when the first has gone.  Then remove the
 * file and exit 0, as now.  Two accept() calls one after the other are
 * not it: the check holds the first client still while the second one
 * waits for its echo.  A child process per client, or poll(2), will do.
 *
 *   run:    make build/bin/ex/socket_clients && build/bin/ex/socket_clients &
 *           build/bin/socket_minimal_client echo.sock
 *   check:  make exercise socket_clients
 *   hint:   docs/socket.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: socket_clients [PATH]\n"
			    "Echo two clients at once on the UNIX socket PATH "
			    "(default echo.sock), then exit.\n";

#define CLIENTS 2

static const struct timeval tv = {.tv_sec = 10}; /* every wait, at most */

/* Echo what comes on cfd until end of file: 0, or -1 (errno set). */
static int
echo(int cfd)
{
	char buf[256];
	ssize_t got;

	if (setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		return -1;
	while ((got = read(cfd, buf, sizeof(buf))) > 0) { /* 0: end of file */
		if (send(cfd, buf, (size_t)got, MSG_NOSIGNAL) != got)
			return -1;
		printf("socket_clients %ld: echoed %zd bytes\n", (long)getpid(),
		       got);
	}
	return (int)got;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *path = argc == 2 ? argv[1] : "echo.sock";
	int lfd, cfd, bound = 0, r = -1, status;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || path[0] == '\0' || path[0] == '-' ||
	    strlen(path) >= sizeof(sa.sun_path)) { /* cut off: another file */
		fprintf(stderr, "socket_clients: bad PATH\n%s", usage);
		return 2;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	setvbuf(stdout, NULL, _IOLBF, 0); /* the client waits for our line */
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto out; /* EADDRINUSE: the file is not ours to remove */
	bound = 1;
	if (setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    listen(lfd, 5) == -1)
		goto out;
	printf("socket_clients %ld: listening on %s\n", (long)getpid(), path);
	for (int k = 0; k < CLIENTS; k++) {
		pid_t pid;

		if ((cfd = accept(lfd, NULL, NULL)) == -1 || /* 10 s at most */
		    (pid = fork()) == -1)
			goto out;
		if (pid == 0) { /* a child per client: it echoes, we accept */
			close(lfd);
			if (echo(cfd) == -1) {
				perror("socket_clients: a client");
				_exit(1);
			}
			_exit(0);
		}
		close(cfd); /* the child's now */
	}
	r = 0;
	while (wait(&status) != -1) /* until no child is left (ECHILD) */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			r = 1; /* it said why */
out:
	if (r == -1)
		perror(path);
	if (bound)
		unlink(path);
	return r != 0;
}
