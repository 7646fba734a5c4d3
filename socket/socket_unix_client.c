/* socket_unix_client.c - send messages over a UNIX domain stream socket
 * and check that each comes back unchanged.
 *
 * Connects to the socket file socket_unix_server printed (-p PATH; or to
 * its abstract name with -a), asks the kernel which process is listening
 * (SO_PEERCRED), then sends COUNT frames and reads each echo back
 * (socket_client_run() in socket_msg.h).  Every wait is bounded by -t: SO_SNDTIMEO bounds connect()
 * and send(), SO_RCVTIMEO every read.  A server that dies is noticed at
 * once (the kernel closes its end: we read end of file, or send() fails
 * with EPIPE), and we exit 1 saying so.  MSG_NOSIGNAL (send_full) turns
 * the SIGPIPE that would otherwise kill us into that EPIPE.
 *
 *   $ build/bin/socket_unix_client -p /tmp/ipclab-1000-socket-unix.4242.k3Xz9a/socket
 *   socket_unix_client 4243: connected to /tmp/...k3Xz9a/socket, server 4242
 *   socket_unix_client 4243: #1/3 echoed by server 4242: "hello 1 from 4243"
 */
#define _GNU_SOURCE /* struct ucred, SO_PEERCRED */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "names.h"
#include "opts.h"
#include "parse.h"
#include "socket_msg.h"
#include "socket_unix.h"

static const char usage[] =
	"usage: socket_unix_client -p PATH | -a [-N NAME] [-n COUNT] [-i MS]\n"
	"                          [-s SIZE] [-t SECONDS]\n"
	"Send COUNT messages to socket_unix_server and check each echo.\n"
	"  -p PATH     the socket file the server printed\n"
	"  -a          the server's abstract name @ipclab-<uid>-NAME instead\n"
	"  -N NAME     with -a (default socket-unix)\n"
	"  -n COUNT    messages to send (default 3)\n"
	"  -i MS       pause between messages, to watch (default 100)\n"
	"  -s SIZE     send SIZE bytes of test pattern a message, not text\n"
	"              (64, 4K, 1M...; up to 16M)\n"
	"  -t SECONDS  give up on a silent server after this long (default 10)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {SOCKET_UNIX_NAME, 3, 100, 10};
static const char *path;
static int abstract;
static size_t size; /* 0: text messages */

static void
other_opt(int o, char *val)
{
	if (o == 'p' && val[0] == '\0')
		/* an empty sun_path would be the abstract name of NULs */
		opts_usage_error(usage, "-p: an empty path names no file");
	else if (o == 'p')
		path = val;
	else if (o == 'a')
		abstract = 1;
	else if (parse_size(val, 1, SOCKET_BODY_MAX, &size) == -1)
		opts_usage_error(usage, "-s: '%s' is not a size from 1 to 16M",
				 val);
}

/* Connect, bounded by -t, and say who answered.  Returns the socket. */
static int
connect_server(void)
{
	struct timeval tv = {.tv_sec = (time_t)opt.timeout_s};
	socklen_t len = sizeof(struct ucred);
	static char full[NAMES_FULL_MAX];
	struct sockaddr_un sa;
	struct ucred server;
	int fd;

	if (abstract && names_make(full, sizeof(full), opt.name) == 0)
		path = full;
	if (socket_unix_addr(&sa, &len, path, abstract) == -1)
		opts_usage_error(usage,
				 "-p: %s is %zu bytes; sun_path holds %zu, "
				 "and a cut-off path would be another file",
				 path, strlen(path), SOCKET_UNIX_PATH_MAX);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_UNIX SOCK_STREAM");
	/* From here on every wait ends after -t seconds with EAGAIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
	if (connect(fd, (struct sockaddr *)&sa, len) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			die_errno("no server at %s%s (is socket_unix_server "
				  "running? use the path it printed)",
				  abstract ? "@" : "", path);
		die_errno("connect %s%s", abstract ? "@" : "", path);
	}
	len = sizeof(server);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &server, &len) == -1)
		die_errno("getsockopt SO_PEERCRED");
	if (server.uid != getuid()) /* who else could have taken the name? */
		die("%s%s is served by uid %ld, not by us", abstract ? "@" : "",
		    path, (long)server.uid);
	printf("socket_unix_client %ld: connected to %s%s, server %ld\n",
	       (long)getpid(), abstract ? "@" : "", path, (long)server.pid);
	return fd;
}

int
main(int argc, char **argv)
{
	char *body, *echo;
	int fd;

	opts_parse_more(&opt, "Nnit", "p:as:", other_opt, usage, argc, argv);
	if ((path == NULL) == !abstract)
		opts_usage_error(usage, "give -p PATH (the path the server "
					"printed) or -a, one of them");
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = connect_server(); /* which may still find -p too long */
	/* Allocated once the arguments are known good: a usage error
	 * exits with nothing held (LeakSanitizer, make check). */
	body = malloc(size > 256 ? size : 256);
	echo = malloc(size > 256 ? size : 256);
	if (body == NULL || echo == NULL)
		die_errno("malloc %zu bytes", size);
	socket_client_run(fd, &opt, size, body, echo);
	if (close(fd) == -1) /* the server reads end of file: we are done */
		die_errno("close");
	free(body);
	free(echo);
	return 0;
}
