/* socket_minimal_server.c - the smallest correct UNIX domain socket server.
 * Makes a private directory (mkdtemp: mode 0700, a random name no other
 * user can create first), binds a stream socket file in it, and prints its
 * path for socket_minimal_client.  Serves one client (accept() and each
 * read wait 10 s at most): echoes until end of file, then removes both.
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

static const char usage[] = "usage: socket_minimal_server [NAME]\n";

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 10};
	const char *tmp = getenv("TMPDIR"), *name = "socket-minimal";
	char buf[256], *slash;
	ssize_t got = -1;
	int lfd, cfd;

	if (argc == 2 && strcmp((name = argv[1]), "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 2 || !name[0] || name[0] == '-' || strstr(name, "..") ||
	    name[strcspn(name, "/ \t\n")] != '\0' || /* one plain word */
	    snprintf(sa.sun_path, sizeof(sa.sun_path), /* never cut off */
		     "%s/ipclab-%ld-%s.XXXXXX/socket",
		     tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
		     (long)getuid(), name) >= (int)sizeof(sa.sun_path)) {
		fprintf(stderr, "socket_minimal_server: bad NAME\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* the client waits for our line */
	slash = strrchr(sa.sun_path, '/');
	*slash = '\0'; /* for a moment sun_path is the directory's template */
	if (mkdtemp(sa.sun_path) == NULL) {
		perror("socket_minimal_server: mkdtemp");
		return 1;
	}
	*slash = '/';
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    listen(lfd, 5) == -1) /* up to 5 clients wait for accept() */
		goto out;
	printf("socket_minimal_server %ld: listening on %s\n", (long)getpid(),
	       sa.sun_path);
	if ((cfd = accept(lfd, NULL, NULL)) == -1 || /* 10 s at most... */
	    setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		goto out; /* ...and so each read: cfd is a new socket */
	while ((got = read(cfd, buf, sizeof(buf))) > 0) { /* 0: end of file */
		if (send(cfd, buf, got, MSG_NOSIGNAL) != got) /* EPIPE */
			goto out;
		printf("socket_minimal_server %ld: echoed %zd bytes: \"%.*s\"\n",
		       (long)getpid(), got, (int)got, buf);
	}
out:
	if (got != 0)
		perror(sa.sun_path);
	unlink(sa.sun_path); /* what bind() made, however we got here */
	*slash = '\0';
	if (rmdir(sa.sun_path) == -1) {
		perror(sa.sun_path);
		return 1;
	}
	return got != 0;
}
