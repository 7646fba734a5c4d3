/* socket_tcp_client.c - send messages over TCP and check each echo.
 *
 * Connects to -c HOST:PORT (the port socket_tcp_server printed), then runs
 * exactly the exchange socket_unix_client runs (socket_client_run() in
 * socket_msg.h): once connected, a TCP socket and a UNIX stream socket
 * are used the same way.  HOST may be another machine: nothing here
 * assumes it is this one.  Every wait is bounded by -t (SO_SNDTIMEO also
 * bounds connect(), which to an unreachable host would otherwise retry
 * for about two minutes); nobody listening is ECONNREFUSED, at once.
 *
 * TCP_NODELAY: by default TCP holds back a small send while earlier data
 * is still unacknowledged, to gather small writes into fewer packets
 * (Nagle's algorithm, RFC 896).  Our frames go as two sends, header then
 * body; the body waits for the header's ACK, which the receiver delays
 * (up to 40 ms on Linux) hoping to piggyback it on a reply.  For
 * request/response traffic that is a stall per message, so we turn Nagle
 * off; -g leaves it on, to measure the difference.
 *
 *   $ build/bin/socket_tcp_client -c 127.0.0.1:40113
 *   socket_tcp_client 4243: connected to 127.0.0.1:40113 from 127.0.0.1:50312
 *   socket_tcp_client 4243: #1/3 echoed: "hello 1 from 4243"
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"
#include "parse.h"
#include "socket_inet.h"
#include "socket_msg.h"

static const char usage[] =
	"usage: socket_tcp_client -c HOST:PORT [-n COUNT] [-i MS] [-s SIZE]\n"
	"                         [-t SECONDS] [-g]\n"
	"Send COUNT messages to socket_tcp_server and check each echo.\n"
	"  -c HOST:PORT  the server (the port it printed)\n"
	"  -n COUNT      messages to send (default 3)\n"
	"  -i MS         pause between messages, to watch (default 100)\n"
	"  -s SIZE       send SIZE bytes of test pattern a message, not text\n"
	"                (64, 4K, 1M...; up to 16M)\n"
	"  -t SECONDS    give up on a silent server after this long (default 10)\n"
	"  -g            leave Nagle's algorithm on (no TCP_NODELAY)\n"
	"  -h            show this help\n";

static struct demo_opts opt = {"", 3, 100, 10};
static const char *server;
static size_t size; /* 0: text messages */
static int nagle;

static void
other_opt(int o, char *val)
{
	if (o == 'c')
		server = val;
	else if (o == 'g')
		nagle = 1;
	else if (parse_size(val, 1, SOCKET_BODY_MAX, &size) == -1)
		opts_usage_error(usage, "-s: '%s' is not a size from 1 to 16M",
				 val);
}

/* Connect to sa, bounded by -t; say from where. */
static int
connect_server(const struct sockaddr_in *sa)
{
	struct timeval tv = {.tv_sec = (time_t)opt.timeout_s};
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	char from[32], to[32];
	int fd, off = !nagle, on = 1;

	socket_inet_str(sa, to, sizeof(to));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_INET SOCK_STREAM");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, nagle ? &off : &on,
		       sizeof(on)) == -1)
		die_errno("setsockopt TCP_NODELAY");
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1) {
		if (errno == ECONNREFUSED)
			die_errno("connect %s: nobody listens there (is "
				  "socket_tcp_server running? use the port it "
				  "printed)",
				  to);
		if (errno == EINPROGRESS) /* SO_SNDTIMEO ran out */
			die("connect %s: no answer in %lu s", to,
			    opt.timeout_s);
		die_errno("connect %s", to);
	}
	if (getsockname(fd, (struct sockaddr *)&me, &len) == -1)
		die_errno("getsockname"); /* our side: the kernel's pick too */
	printf("socket_tcp_client %ld: connected to %s from %s%s\n",
	       (long)getpid(), to, socket_inet_str(&me, from, sizeof(from)),
	       nagle ? ", Nagle on" : "");
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	char *body, *echo;
	const char *bad;
	uint64_t t0;
	int fd;

	opts_parse_more(&opt, "nit", "c:s:g", other_opt, usage, argc, argv);
	if (server == NULL)
		opts_usage_error(usage, "give -c HOST:PORT, the server's "
					"address and the port it printed");
	if ((bad = socket_inet_parse(server, 0, &sa)) != NULL)
		opts_usage_error(usage, "-c: '%s' %s", server, bad);
	body = malloc(size > 256 ? size : 256);
	echo = malloc(size > 256 ? size : 256);
	if (body == NULL || echo == NULL)
		die_errno("malloc %zu bytes", size);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = connect_server(&sa);
	t0 = clock_ns();
	socket_client_run(fd, &opt, size, body, echo);
	printf("socket_tcp_client %ld: %lu messages sent and echoed in %.1f ms\n",
	       (long)getpid(), opt.count, (double)(clock_ns() - t0) / 1e6);
	if (close(fd) == -1) /* the server reads end of file: we are done */
		die_errno("close");
	free(body);
	free(echo);
	return 0;
}
