/* remote.c - ipcbench across two hosts: see remote.h. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../socket/socket_inet.h"
#include "err.h"
#include "io.h"
#include "payload.h"
#include "remote.h"

enum { PROTO_TCP, PROTO_UDP };

/* What the client says first, every word in network byte order. */
struct hello {
	uint32_t magic, version, proto, size;
};

int
remote_parse(const char *arg, int passive, struct sockaddr_in *sa, char *err,
	     size_t len)
{
	char full[300];
	const char *why;

	/* "5000" alone: every interface, as a server usually wants. */
	if (passive && strchr(arg, ':') == NULL) {
		snprintf(full, sizeof(full), "0.0.0.0:%s", arg);
		arg = full;
	}
	why = socket_inet_parse(arg, passive, sa);
	if (why != NULL) {
		snprintf(err, len, "%s", why);
		return -1;
	}
	return 0;
}

/* ---- the client side ------------------------------------------------ */

static struct sockaddr_in target;    /* the server, from --connect */
static const struct transport *base; /* socket-tcp or socket-udp */
static struct transport remote_t;    /* base, served elsewhere */

struct remote_chan {
	struct fd_stream s; /* first: socket-tcp's fdstream_* calls */
	int ctl;	    /* socket-udp: the session's TCP connection */
	int udp;	    /* socket-udp: this side's datagram socket */
};

static int
is_udp(void)
{
	return strcmp(base->name, "socket-udp") == 0;
}

static size_t
remote_max_size(char *why, size_t len)
{
	if (is_udp()) {
		snprintf(why, len, "the largest IPv4 UDP payload");
		return REMOTE_UDP_LIMIT;
	}
	return base->max_size(why, len);
}

static int
remote_setup(struct channel *ch)
{
	struct remote_chan *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	ch->priv = p;
	p->ctl = p->udp = -1;
	return fdstream_init(&p->s, ch->size);
}

static void
remote_teardown(struct channel *ch)
{
	struct remote_chan *p = ch->priv;

	if (p == NULL)
		return;
	transport_close(&p->ctl);
	transport_close(&p->udp);
	fdstream_free(&p->s);
	free(p);
	ch->priv = NULL;
}

/* Connect to the server and say hello; the server's answer means it is
 * ready for the first message.  Returns the socket, or -1. */
static int
say_hello(size_t size)
{
	struct hello h = {htonl(REMOTE_MAGIC), htonl(REMOTE_VERSION),
			  htonl(is_udp() ? PROTO_UDP : PROTO_TCP),
			  htonl((uint32_t)size)};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	char ok;

	if (s == -1)
		return -1;
	if (connect(s, (const struct sockaddr *)&target, sizeof(target)) ==
		    -1 ||
	    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1 ||
	    send_full(s, &h, sizeof(h)) == -1)
		goto fail;
	if (read_full(s, &ok, 1) != 1 || ok != 'K') {
		errno = ECONNREFUSED; /* it said no, or hung up */
		goto fail;
	}
	return s;
fail:
	transport_close(&s);
	return -1;
}

static int
remote_attach(struct channel *ch)
{
	struct remote_chan *p = ch->priv;
	int s;

	if (ch->side != SIDE_CLIENT) /* the server is remote_serve() */
		return errno = EINVAL, -1;
	if ((s = say_hello(ch->size)) == -1)
		return -1;
	if (!is_udp()) {
		p->s.in = p->s.out = s;
		p->s.socket = 1;
		return 0;
	}
	p->ctl = s;
	p->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->udp == -1 || connect(p->udp, (const struct sockaddr *)&target,
				    sizeof(target)) == -1)
		return -1;
	return 0;
}

static int
udp_send(struct channel *ch, size_t len)
{
	struct remote_chan *p = ch->priv;

	return send(p->udp, p->s.sendbuf, len, 0) == (ssize_t)len ? 0 : -1;
}

static const void *
udp_recv(struct channel *ch, size_t len)
{
	struct remote_chan *p = ch->priv;
	ssize_t n;

	/* MSG_TRUNC: the datagram's real length, longer or not. */
	while ((n = recv(p->udp, p->s.recvbuf, len, MSG_TRUNC)) == -1 &&
	       errno == EINTR)
		;
	if (n == -1)
		return NULL;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return NULL;
	}
	return p->s.recvbuf;
}

static void
remote_detach(struct channel *ch)
{
	struct remote_chan *p = ch->priv;

	fdstream_detach(ch); /* socket-tcp: the end of the session */
	transport_close(&p->udp);
	transport_close(&p->ctl); /* socket-udp: the end of the session */
}

const struct transport *
remote_client(const struct transport *t, const struct sockaddr_in *sa)
{
	if (strcmp(t->name, "socket-tcp") != 0 &&
	    strcmp(t->name, "socket-udp") != 0)
		return NULL;
	base = t;
	target = *sa;
	remote_t = *t;
	remote_t.summary = "the server side elsewhere (ipcbench --serve)";
	remote_t.max_size = remote_max_size;
	remote_t.setup = remote_setup;
	remote_t.attach = remote_attach;
	remote_t.send_buf = fdstream_send_buf;
	remote_t.send = is_udp() ? udp_send : fdstream_send;
	remote_t.recv = is_udp() ? udp_recv : fdstream_recv;
	remote_t.detach = remote_detach;
	remote_t.teardown = remote_teardown;
	return &remote_t;
}

/* ---- the server side ------------------------------------------------ */

/* One session's state on the server. */
struct session {
	int ctl, udp;
	size_t size;
	char *in, *out;
	uint64_t seq, trips; /* the next message expected; answered */
	char peer[64];	     /* the client, "10.0.0.1:40000" */
	char why[200];	     /* how it ended, if not cleanly */
};

/* Check message s->seq in s->in and write the answer into s->out. */
static int
answer(struct session *s)
{
	size_t bad = 0;

	if (payload_verify(s->in, s->size, s->seq, &bad) == -1) {
		snprintf(s->why, sizeof(s->why),
			 "message #%llu (%zu bytes) wrong at byte %zu: "
			 "corrupted, lost or out of order",
			 (unsigned long long)s->seq, s->size, bad);
		return -1;
	}
	payload_fill(s->out, s->size, s->seq + 1);
	s->seq += 2;
	s->trips++;
	return 0;
}

static void
sys_fail(struct session *s, const char *call)
{
	snprintf(s->why, sizeof(s->why), "%s: %s (%s)", call, strerror(errno),
		 errno_name(errno));
}

/* socket-tcp: messages on the session's connection until the client
 * closes it between two of them. */
static int
serve_tcp(struct session *s)
{
	for (;;) {
		ssize_t n = read_full(s->ctl, s->in, s->size);

		if (n == 0)
			return 0; /* the client is done */
		if (n == -1)
			return sys_fail(s, "recv"), -1;
		if ((size_t)n < s->size) {
			snprintf(s->why, sizeof(s->why),
				 "message #%llu cut short: %zd of %zu bytes",
				 (unsigned long long)s->seq, n, s->size);
			return -1;
		}
		if (answer(s) == -1)
			return -1;
		if (send_full(s->ctl, s->out, s->size) == -1)
			return sys_fail(s, "send"), -1;
	}
}

/* socket-udp: datagrams from the client (the address the first one came
 * from; others are ignored) until its TCP connection closes. */
static int
serve_udp(struct session *s)
{
	struct sockaddr_in peer, from;
	int have_peer = 0;

	for (;;) {
		struct pollfd fds[2] = {{s->ctl, POLLIN, 0},
					{s->udp, POLLIN, 0}};
		socklen_t flen = sizeof(from);
		ssize_t n;
		int rc = poll(fds, 2, REMOTE_IDLE_S * 1000);

		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			return sys_fail(s, "poll"), -1;
		if (rc == 0) {
			snprintf(s->why, sizeof(s->why), "silent for %d s",
				 REMOTE_IDLE_S);
			return -1;
		}
		if (fds[0].revents != 0) {
			char c;

			n = recv(s->ctl, &c, 1, 0);
			if (n == 0)
				return 0; /* the client is done */
			snprintf(s->why, sizeof(s->why),
				 "unexpected on the TCP connection");
			return -1;
		}
		n = recvfrom(s->udp, s->in, s->size, MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);
		if (n == -1)
			return sys_fail(s, "recvfrom"), -1;
		if (!have_peer) {
			peer = from;
			have_peer = 1;
		} else if (from.sin_addr.s_addr != peer.sin_addr.s_addr ||
			   from.sin_port != peer.sin_port) {
			continue; /* not this session's */
		}
		if ((size_t)n != s->size) {
			snprintf(s->why, sizeof(s->why),
				 "message #%llu is %zd bytes, not %zu",
				 (unsigned long long)s->seq, n, s->size);
			return -1;
		}
		if (answer(s) == -1)
			return -1;
		if (sendto(s->udp, s->out, s->size, 0,
			   (const struct sockaddr *)&peer,
			   sizeof(peer)) != (ssize_t)s->size)
			return sys_fail(s, "sendto"), -1;
	}
}

/* Read the hello on s->ctl; returns the protocol, or -1 (s->why). */
static int
read_hello(struct session *s)
{
	struct hello h;
	uint32_t proto, size;

	if (read_full(s->ctl, &h, sizeof(h)) != sizeof(h)) {
		snprintf(s->why, sizeof(s->why), "no hello");
		return -1;
	}
	proto = ntohl(h.proto);
	size = ntohl(h.size);
	if (ntohl(h.magic) != REMOTE_MAGIC ||
	    ntohl(h.version) != REMOTE_VERSION || proto > PROTO_UDP ||
	    size == 0 || (proto == PROTO_UDP && size > REMOTE_UDP_LIMIT)) {
		snprintf(s->why, sizeof(s->why),
			 "not an ipcbench %u client's hello", REMOTE_VERSION);
		return -1;
	}
	s->size = size;
	return (int)proto;
}

/* Throw away datagrams a finished session left behind. */
static void
drain(int udp, char *buf, size_t len)
{
	while (recv(udp, buf, len, MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
}

/* One session on the accepted connection c. */
static void
session(int c, int udp, const struct sockaddr_in *from, int quiet)
{
	struct session s = {.ctl = c, .udp = udp};
	struct timeval idle = {REMOTE_IDLE_S, 0};
	int one = 1, proto, rc = -1;

	snprintf(s.peer, sizeof(s.peer), "%s:%u", inet_ntoa(from->sin_addr),
		 ntohs(from->sin_port));
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	if ((proto = read_hello(&s)) != -1) {
		s.in = malloc(s.size);
		s.out = malloc(s.size);
		if (s.in == NULL || s.out == NULL) {
			sys_fail(&s, "malloc");
		} else {
			if (proto == PROTO_UDP)
				drain(udp, s.in, s.size);
			if (send_full(c, "K", 1) == -1)
				sys_fail(&s, "send");
			else
				rc = proto == PROTO_UDP ? serve_udp(&s)
							: serve_tcp(&s);
		}
	}
	if (!quiet || rc == -1)
		fprintf(rc == -1 ? stderr : stdout,
			"%s: session from %s: %s, %zu B, %llu round "
			"trips verified%s%s\n",
			prog_name(), s.peer,
			proto == PROTO_UDP   ? "socket-udp"
			: proto == PROTO_TCP ? "socket-tcp"
					     : "no transport",
			s.size, (unsigned long long)s.trips,
			rc == -1 ? "; ended: " : "", rc == -1 ? s.why : "");
	fflush(stdout);
	free(s.in);
	free(s.out);
}

/* Listen on *sa over TCP and bind a UDP socket to the same port: the
 * port the kernel picks for TCP when sa's is 0 (a few tries, in case
 * UDP has that one taken).  Returns 0 with *lis, *udp and sa's port set,
 * or -1. */
static int
listen_both(struct sockaddr_in *sa, int *lis, int *udp)
{
	int pick = sa->sin_port == 0, one = 1;

	for (int tries = 0; tries < (pick ? 20 : 1); tries++) {
		socklen_t len = sizeof(*sa);

		if (pick)
			sa->sin_port = 0;
		*lis = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		*udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (*lis != -1 && *udp != -1 &&
		    setsockopt(*lis, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) == 0 &&
		    bind(*lis, (const struct sockaddr *)sa, sizeof(*sa)) == 0 &&
		    listen(*lis, 4) == 0 &&
		    getsockname(*lis, (struct sockaddr *)sa, &len) == 0 &&
		    bind(*udp, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		transport_close(lis);
		transport_close(udp);
	}
	return -1;
}

int
remote_serve(const struct sockaddr_in *at, int quiet)
{
	struct sockaddr_in sa = *at;
	int lis, udp;
	char where[64];

	if (listen_both(&sa, &lis, &udp) == -1) {
		int err = errno;

		snprintf(where, sizeof(where), "%s:%u", inet_ntoa(at->sin_addr),
			 ntohs(at->sin_port));
		errno = err;
		warn_errno("listen on %s (TCP and UDP)", where);
		return -1;
	}
	snprintf(where, sizeof(where), "%s:%u", inet_ntoa(sa.sin_addr),
		 ntohs(sa.sin_port));
	/* On stdout, first, like the socket demos: a script waits for it. */
	printf("%s: serving socket-tcp and socket-udp, listening on %s\n",
	       prog_name(), where);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		int c = accept4(lis, (struct sockaddr *)&from, &flen,
				SOCK_CLOEXEC);

		if (c == -1) {
			if (errno != EINTR && errno != ECONNABORTED)
				warn_errno("accept on %s", where);
			continue;
		}
		session(c, udp, &from, quiet);
		close(c);
	}
}
