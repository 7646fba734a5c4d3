/* socket_unlink.c - exercise (fix): the second run cannot bind.
 *
 * A UNIX stream echo server: it binds the socket file PATH (default
 * echo.sock, in the current directory), prints that it listens, echoes
 * one client (socket_minimal_client PATH) until end of file, and exits
 * 0.  The first run works; the next one fails with "echo.sock: Address
 * already in use", because bind() made a file that nobody removes.  Fix
 * it.  Remove only what this run made: a server that could not bind must
 * leave the file alone (it may be another server's, still running), and
 * so must one that starts while another runs.  The check runs it three
 * times, twice of them at once.
 *
 *   run:    make build/bin/ex/socket_unlink && build/bin/ex/socket_unlink &
 *           build/bin/socket_minimal_client echo.sock
 *   check:  make exercise socket_unlink
 *   hint:   docs/socket.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static const char usage[] = "usage: socket_unlink [PATH]\n"
			    "Echo one client on the UNIX socket PATH (default "
			    "echo.sock), then exit.\n";

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 10};
	const char *path = argc == 2 ? argv[1] : "echo.sock";
	char buf[256];
	ssize_t got = -1;
	int lfd, cfd;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || path[0] == '\0' || path[0] == '-' ||
	    strlen(path) >= sizeof(sa.sun_path)) { /* cut off: another file */
		fprintf(stderr, "socket_unlink: bad PATH\n%s", usage);
		return 2;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	setvbuf(stdout, NULL, _IOLBF, 0); /* the client waits for our line */
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    listen(lfd, 5) == -1)
		goto out;
	printf("socket_unlink %ld: listening on %s\n", (long)getpid(), path);
	if ((cfd = accept(lfd, NULL, NULL)) == -1 || /* 10 s at most... */
	    setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		goto out; /* ...and so each read */
	while ((got = read(cfd, buf, sizeof(buf))) > 0) { /* 0: end of file */
		if (send(cfd, buf, (size_t)got, MSG_NOSIGNAL) != got)
			goto out;
		printf("socket_unlink %ld: echoed %zd bytes\n", (long)getpid(),
		       got);
	}
out:
	if (got != 0)
		perror(path);
	return got != 0;
}
