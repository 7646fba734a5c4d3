/* socket_udp_client.c - send datagrams over UDP and wait for each echo.
 *
 * connect() on a UDP socket sends nothing: it only fixes the address that
 * send() goes to and that recv() accepts from.  It has a second use: when
 * a datagram reaches a port where nobody listens, the other host answers
 * with an ICMP "port unreachable", and only a connected UDP socket hears
 * of it, as ECONNREFUSED from its next call.  So we know at once that no
 * server is there, instead of waiting for echoes that never come.
 *
 * Each message is one datagram, header and body together (socket_msg.h),
 * at most 65507 bytes over IPv4.  UDP does not retransmit: a datagram
 * lost on the way means no echo, and after -t seconds we say so and exit
 * 1.  (On loopback nothing is lost unless a receive buffer is full.)
 *
 *   $ build/bin/socket_udp_client -c 127.0.0.1:51012
 *   socket_udp_client 4243: sending to 127.0.0.1:51012 from 127.0.0.1:40522
 *   socket_udp_client 4243: #1/3 echoed: "hello 1 from 4243"
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"
#include "parse.h"
#include "payload.h"
#include "socket_inet.h"
#include "socket_msg.h"

#define BODY_MAX (SOCKET_UDP_MAX - sizeof(struct socket_hdr))

static const char usage[] =
	"usage: socket_udp_client -c HOST:PORT [-n COUNT] [-i MS] [-s SIZE]\n"
	"                         [-t SECONDS]\n"
	"Send COUNT datagrams to socket_udp_server and wait for each echo.\n"
	"  -c HOST:PORT  the server (the port it printed)\n"
	"  -n COUNT      messages to send (default 3)\n"
	"  -i MS         pause between messages, to watch (default 100)\n"
	"  -s SIZE       send SIZE bytes of test pattern a message, not text\n"
	"                (up to 65491: one datagram holds 65507 over IPv4)\n"
	"  -t SECONDS    wait this long for each echo (default 10)\n"
	"  -h            show this help\n";

static struct demo_opts opt = {"", 3, 100, 10};
static const char *server;
static size_t size; /* 0: text messages */

static void
other_opt(int o, char *val)
{
	if (o == 'c')
		server = val;
	else if (parse_size(val, 1, BODY_MAX, &size) == -1)
		opts_usage_error(usage, "-s: '%s' is not a size from 1 to %zu",
				 val, BODY_MAX);
}

/* Send message seq as one datagram and wait for it to come back. */
static void
exchange(int fd, unsigned long seq, char *dgram, char *echo)
{
	struct socket_hdr *h = (struct socket_hdr *)dgram;
	char *body = dgram + sizeof(*h);
	size_t len = size;
	ssize_t n;

	if (size > 0)
		payload_fill(body, size, seq);
	else
		len = (size_t)snprintf(body, 256, "hello %lu from %ld", seq,
				       (long)getpid());
	socket_hdr_set(h, (uint32_t)seq, (uint32_t)opt.count,
		       size > 0 ? SOCKET_PAYLOAD : SOCKET_TEXT, (uint32_t)len);
	if (send(fd, dgram, sizeof(*h) + len, 0) == -1) {
		if (errno == ECONNREFUSED) /* the ICMP of an earlier send */
			die("%s: nobody listens there (ECONNREFUSED)", server);
		die_errno("send #%lu to %s", seq, server);
	}
	n = recv(fd, echo, SOCKET_UDP_MAX, 0);
	if (n == -1 && errno == ECONNREFUSED)
		die("%s: nobody listens there (ECONNREFUSED: is "
		    "socket_udp_server running? use the port it printed)",
		    server);
	if (n == -1 && errno == EAGAIN)
		die("no echo of #%lu in %lu s: lost, or the server is gone",
		    seq, opt.timeout_s);
	if (n == -1)
		die_errno("recv from %s", server);
	if ((size_t)n != sizeof(*h) + len || memcmp(echo, dgram, (size_t)n))
		die("the echo of #%lu is not what we sent", seq);
	if (size > 0)
		printf("socket_udp_client %ld: #%lu/%lu: one datagram, %zu "
		       "bytes, echoed intact\n",
		       (long)getpid(), seq, opt.count, len);
	else
		printf("socket_udp_client %ld: #%lu/%lu echoed: \"%.*s\"\n",
		       (long)getpid(), seq, opt.count, (int)len, body);
}

int
main(int argc, char **argv)
{
	char *dgram, *echo;
	struct timeval tv = {.tv_sec = 0};
	struct sockaddr_in sa, me;
	socklen_t len = sizeof(me);
	char from[32];
	const char *bad;
	int fd;

	opts_parse_more(&opt, "nit", "c:s:", other_opt, usage, argc, argv);
	if (server == NULL)
		opts_usage_error(usage, "give -c HOST:PORT, the server's "
					"address and the port it printed");
	if ((bad = socket_inet_parse(server, 0, &sa)) != NULL)
		opts_usage_error(usage, "-c: '%s' %s", server, bad);
	/* Allocated once the arguments are known good: a usage error
	 * exits with nothing held (LeakSanitizer, make check). */
	dgram = malloc(SOCKET_UDP_MAX);
	echo = malloc(SOCKET_UDP_MAX);
	if (dgram == NULL || echo == NULL)
		die_errno("malloc");
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_INET SOCK_DGRAM");
	tv.tv_sec = (time_t)opt.timeout_s; /* every recv is bounded */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		die_errno("connect %s", server); /* no packet: just the peer */
	if (getsockname(fd, (struct sockaddr *)&me, &len) == -1)
		die_errno("getsockname");
	printf("socket_udp_client %ld: sending to %s from %s\n", (long)getpid(),
	       server, socket_inet_str(&me, from, sizeof(from)));
	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		exchange(fd, seq, dgram, echo);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	close(fd);
	free(dgram);
	free(echo);
	return 0;
}
