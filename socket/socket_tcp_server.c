/* socket_tcp_server.c - echo messages over TCP.
 *
 * The same echo server as socket_unix_server, on an IPv4 address and
 * port instead of a file: bind -l ADDRESS:PORT (default 127.0.0.1:0, port
 * 0 meaning "kernel, pick a free one"), ask the kernel which port it got
 * (getsockname), print it on the first line, and serve CLIENTS clients one
 * after another.  Nothing is made in the file system, so nothing is left
 * behind: the port is free again when the socket is closed (or, after a
 * connection, once TCP's TIME_WAIT has run out; SO_REUSEADDR lets a new
 * server bind it meanwhile).
 *
 * TCP knows addresses, not processes: the server sees the client as
 * 127.0.0.1:50312, and cannot ask for its pid or uid as a UNIX socket can.
 *
 *   $ build/bin/socket_tcp_server -k 2 &
 *   socket_tcp_server 4242: listening on 127.0.0.1:40113
 *   $ build/bin/socket_tcp_client -c 127.0.0.1:40113
 *   socket_tcp_server 4242: 127.0.0.1:50312 connected
 *   socket_tcp_server 4242: #1/3 from 127.0.0.1:50312: "hello 1 from 4243"
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"
#include "socket_inet.h"
#include "socket_msg.h"

static const char usage[] =
	"usage: socket_tcp_server [-l ADDRESS:PORT] [-k CLIENTS] [-t SECONDS]\n"
	"Echo what socket_tcp_client sends, over TCP.\n"
	"  -l ADDRESS:PORT  where to listen (default 127.0.0.1:0: loopback,\n"
	"                   a port the kernel picks and we print);\n"
	"                   0.0.0.0:PORT listens on every interface\n"
	"  -k CLIENTS       serve this many clients, one after another (default 1)\n"
	"  -t SECONDS       give up when no client comes, or one is silent,\n"
	"                   this long (default 10)\n"
	"  -h               show this help\n";

static struct demo_opts opt = {"", 0, 0, 10};
static const char *listen_at = SOCKET_INET_LISTEN;
static unsigned long clients = 1;

static void
other_opt(int o, char *val)
{
	if (o == 'l')
		listen_at = val;
	else
		opts_number(o, val, 1, 1000, &clients, usage);
}

/* Bind and listen at sa; print the address and port we really got. */
static int
listen_socket(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	char where[32];
	int fd, on = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_INET SOCK_STREAM");
	/* Without it, bind fails with EADDRINUSE for a minute after a server
	 * on this port has ended, while its connections sit in TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		die_errno("setsockopt SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)) == -1)
		die_errno("bind %s", listen_at);
	if (listen(fd, 16) == -1) /* up to 16 wait for accept() */
		die_errno("listen %s", listen_at);
	if (getsockname(fd, (struct sockaddr *)sa, &len) == -1)
		die_errno("getsockname"); /* the port the kernel chose */
	printf("socket_tcp_server %ld: listening on %s\n", (long)getpid(),
	       socket_inet_str(sa, where, sizeof(where)));
	return fd;
}

/* Set the connection up and echo what it sends. */
static int
serve(int fd, const struct sockaddr_in *peer, char *body)
{
	struct timeval tv = {.tv_sec = (time_t)opt.timeout_s};
	char who[32];
	int on = 1;

	socket_inet_str(peer, who, sizeof(who));
	printf("socket_tcp_server %ld: %s connected\n", (long)getpid(), who);
	/* Every read and write now waits at most -t: EAGAIN after. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
	/* Each echo is two small sends (header, body): send each at once,
	 * not held back by Nagle's algorithm (see socket_tcp_client.c). */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == -1)
		die_errno("setsockopt TCP_NODELAY");
	return socket_server_echo(fd, body, who);
}

int
main(int argc, char **argv)
{
	char *body;
	struct sockaddr_in sa;
	const char *bad;
	int lfd, failed = 0;

	opts_parse_more(&opt, "t", "l:k:", other_opt, usage, argc, argv);
	if ((bad = socket_inet_parse(listen_at, 1, &sa)) != NULL)
		opts_usage_error(usage, "-l: '%s' %s", listen_at, bad);
	/* Allocated once the arguments are known good: a usage error
	 * exits with nothing held (LeakSanitizer, make check). */
	body = malloc(SOCKET_BODY_MAX);
	if (body == NULL)
		die_errno("malloc %u bytes", SOCKET_BODY_MAX);
	setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time, even piped */

	lfd = listen_socket(&sa);
	for (unsigned long served = 0; served < clients; served++) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int cfd, n;

		/* Bounded: a client that never comes ends us, not hangs us. */
		while ((n = poll(&p, 1, (int)opt.timeout_s * 1000)) == -1 &&
		       errno == EINTR)
			;
		if (n == -1)
			die_errno("poll");
		if (n == 0)
			die("no client came in %lu s (%lu of %lu served)",
			    opt.timeout_s, served, clients);
		cfd = accept4(lfd, (struct sockaddr *)&peer, &len,
			      SOCK_CLOEXEC);
		if (cfd == -1)
			die_errno("accept");
		if (serve(cfd, &peer, body) == -1)
			failed++;
		close(cfd);
	}
	close(lfd); /* the port is free for the next server */
	printf("socket_tcp_server %ld: served %lu client%s%s\n", (long)getpid(),
	       clients, clients == 1 ? "" : "s",
	       failed ? ", not all in full" : "");
	free(body);
	return failed ? 1 : 0;
}
