/* socket_minimal_client.c - the smallest correct UNIX domain socket client.
 * Connects to the path socket_minimal_server printed, sends one line,
 * shuts down its sending side (the server reads end of file), reads the
 * echo until the server closes, and checks it.  Every wait ends after 10 s
 * (SO_RCVTIMEO, SO_SNDTIMEO); a dead server is an error, not SIGPIPE.
 *
 *   $ build/bin/socket_minimal_server &
 *   socket_minimal_server 4242: listening on /tmp/ipclab-1000-socket-minimal.Xb3kQz/socket
 *   $ build/bin/socket_minimal_client /tmp/ipclab-1000-socket-minimal.Xb3kQz/socket
 *   socket_minimal_server 4242: echoed 22 bytes: "hello from client 4243"
 *   socket_minimal_client 4243: echoed: "hello from client 4243"
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static const char usage[] = "usage: socket_minimal_client PATH\n";

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 10};
	char msg[64], echo[64];
	ssize_t n = 0, got = 0;
	int fd, len;

	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-' || argv[1][0] == '\0' ||
	    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]) >=
		    (int)sizeof(
			    sa.sun_path)) { /* a cut-off path: another file */
		fprintf(stderr,
			"socket_minimal_client: give the path the "
			"server printed (at most 107 bytes)\n%s",
			usage);
		return 2;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		die("socket_minimal_client: socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die("socket_minimal_client: setsockopt");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		die(sa.sun_path); /* ENOENT: no file; ECONNREFUSED: no server */
	len = snprintf(msg, sizeof(msg), "hello from client %ld",
		       (long)getpid());
	if (send(fd, msg, len, MSG_NOSIGNAL) != len ||
	    shutdown(fd, SHUT_WR) == -1)
		die("socket_minimal_client: send"); /* EPIPE, not SIGPIPE */
	while (got < (ssize_t)sizeof(echo) &&
	       (n = read(fd, echo + got, sizeof(echo) - got)) > 0)
		got += n; /* a stream: the echo may come in pieces */
	if (n == -1)
		die("socket_minimal_client: read");
	if (got != len || memcmp(echo, msg, len) != 0) {
		fprintf(stderr, "socket_minimal_client: the echo differs\n");
		return 1;
	}
	printf("socket_minimal_client %ld: echoed: \"%.*s\"\n", (long)getpid(),
	       len, echo);
	return close(fd) == -1;
}
