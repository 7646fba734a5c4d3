/* socket_udp_server.c - echo datagrams over UDP.
 *
 * UDP has no connections: one socket, bound to -l ADDRESS:PORT (default
 * 127.0.0.1:0, a port the kernel picks, printed on the first line),
 * receives datagrams from anyone; recvfrom() says who sent each, and
 * sendto() answers that address.  Every datagram is one message, whole:
 * the kernel never merges two or splits one, as it does on a stream.  But
 * it may drop one (a full receive buffer, a lossy network) and nobody is
 * told; the client notices only because no echo comes.
 *
 * With no connection there is no end of file either: a client's last
 * message says it is the last (seq == total), and the server stops after
 * CLIENTS clients have sent theirs, or when nothing comes for -t seconds.
 *
 *   $ build/bin/socket_udp_server &
 *   socket_udp_server 4242: listening on 127.0.0.1:51012
 *   $ build/bin/socket_udp_client -c 127.0.0.1:51012
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"
#include "socket_inet.h"
#include "socket_msg.h"

static const char usage[] =
	"usage: socket_udp_server [-l ADDRESS:PORT] [-k CLIENTS] [-t SECONDS]\n"
	"Echo the datagrams socket_udp_client sends.\n"
	"  -l ADDRESS:PORT  where to listen (default 127.0.0.1:0: loopback,\n"
	"                   a port the kernel picks and we print)\n"
	"  -k CLIENTS       stop after this many clients sent their last\n"
	"                   message (default 1)\n"
	"  -t SECONDS       stop when nothing comes for this long (default 10)\n"
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

/* One datagram in, checked and printed; the same datagram back out.
 * Returns 1 if it was its client's last message, else 0. */
static int
echo_one(int fd, char *dgram, size_t n, const struct sockaddr_in *peer)
{
	char *body = dgram + sizeof(struct socket_hdr), who[32];
	struct socket_hdr h = {0};
	size_t bad;

	socket_inet_str(peer, who, sizeof(who));
	memcpy(&h, dgram, n < sizeof(h) ? n : sizeof(h));
	socket_hdr_get(&h);
	if (n < sizeof(h) || n != sizeof(h) + h.len) {
		warn_msg("%zu-byte datagram from %s is not a message", n, who);
		return 0;
	}
	if (h.kind == SOCKET_PAYLOAD &&
	    payload_verify(body, h.len, h.seq, &bad) == -1)
		warn_msg("#%u from %s: byte %zu is wrong", h.seq, who, bad);
	else if (h.kind == SOCKET_PAYLOAD)
		printf("socket_udp_server %ld: #%u/%u from %s: one datagram, "
		       "%u bytes, every one correct\n",
		       (long)getpid(), h.seq, h.total, who, h.len);
	else
		printf("socket_udp_server %ld: #%u/%u from %s: \"%.*s\"\n",
		       (long)getpid(), h.seq, h.total, who,
		       (int)(h.len < 200 ? h.len : 200), body);
	/* Back to the address it came from: a whole datagram or nothing. */
	if (sendto(fd, dgram, n, 0, (const struct sockaddr *)peer,
		   sizeof(*peer)) == -1)
		warn_errno("sendto %s", who);
	return h.seq == h.total;
}

int
main(int argc, char **argv)
{
	char *dgram, where[32];
	struct timeval tv = {.tv_sec = 0};
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	unsigned long done = 0;
	const char *bad;
	int fd;

	opts_parse_more(&opt, "t", "l:k:", other_opt, usage, argc, argv);
	if ((bad = socket_inet_parse(listen_at, 1, &sa)) != NULL)
		opts_usage_error(usage, "-l: '%s' %s", listen_at, bad);
	/* Allocated once the arguments are known good: a usage error
	 * exits with nothing held (LeakSanitizer, make check). */
	dgram = malloc(SOCKET_UDP_MAX);
	if (dgram == NULL)
		die_errno("malloc");
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_INET SOCK_DGRAM");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		die_errno("bind %s", listen_at);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		die_errno("getsockname"); /* the port the kernel chose */
	printf("socket_udp_server %ld: listening on %s\n", (long)getpid(),
	       socket_inet_str(&sa, where, sizeof(where)));
	tv.tv_sec = (time_t)opt.timeout_s; /* every recvfrom is bounded */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO");

	while (done < clients) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, dgram, SOCKET_UDP_MAX, 0,
				     (struct sockaddr *)&peer, &plen);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			die("nothing came for %lu s (%lu of %lu clients done)",
			    opt.timeout_s, done, clients);
		if (n == -1)
			die_errno("recvfrom");
		done += (unsigned long)echo_one(fd, dgram, (size_t)n, &peer);
	}
	close(fd);
	printf("socket_udp_server %ld: %lu of %lu clients sent their last "
	       "message\n",
	       (long)getpid(), done, clients);
	free(dgram);
	return 0;
}
