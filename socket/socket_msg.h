/* socket_msg.h - the message every socket demo client sends and its server
 * echoes: UNIX stream, TCP and UDP alike.
 *
 * A stream socket (SOCK_STREAM: UNIX stream, TCP) carries bytes, not
 * messages: two sends may arrive as one read, one send as three reads.  So
 * each message goes as a frame, a fixed 16-byte header that says how long
 * the body is, then the body; the receiver reads exactly the header, then
 * exactly len bytes (read_full).  A datagram socket (UDP) keeps message
 * boundaries itself, so there the frame is simply one datagram.
 *
 * The header's numbers travel in network byte order (htonl/ntohl, big
 * endian), so a client and server on machines of different byte order
 * still agree: the TCP and UDP pairs run across machines unchanged.
 *
 * The body is either text ("hello 3 from 4242") or, with the client's -s
 * SIZE, SIZE bytes of the payload pattern (lib/payload.h) that the server
 * checks byte for byte.  The server sends the frame back unchanged and
 * the client checks the echo, so every byte is proved both ways.
 *
 * The stream pairs (UNIX and TCP) differ only in how they find each other;
 * once connected they run the same two loops, below: the client's
 * socket_client_run() and the server's socket_server_echo().
 */
#ifndef IPCLAB_SOCKET_MSG_H
#define IPCLAB_SOCKET_MSG_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "io.h"
#include "opts.h"
#include "payload.h"

#define SOCKET_BODY_MAX (16u << 20) /* largest body a stream frame takes */
#define SOCKET_UDP_MAX	65507	    /* largest UDP payload over IPv4 */

enum socket_kind {
	SOCKET_TEXT = 1,    /* body is a line of text, no newline */
	SOCKET_PAYLOAD = 2, /* body is payload_fill(body, len, seq) */
};

/* The frame header, as it is on the wire: four big-endian numbers. */
struct socket_hdr {
	uint32_t seq;	/* 1, 2, ... total */
	uint32_t total; /* how many messages this client sends */
	uint32_t kind;	/* enum socket_kind */
	uint32_t len;	/* bytes of body after the header */
};

/* Fill in h, in network byte order. */
static inline void
socket_hdr_set(struct socket_hdr *h, uint32_t seq, uint32_t total,
	       uint32_t kind, uint32_t len)
{
	h->seq = htonl(seq);
	h->total = htonl(total);
	h->kind = htonl(kind);
	h->len = htonl(len);
}

/* Turn a received header into host byte order, in place. */
static inline void
socket_hdr_get(struct socket_hdr *h)
{
	h->seq = ntohl(h->seq);
	h->total = ntohl(h->total);
	h->kind = ntohl(h->kind);
	h->len = ntohl(h->len);
}

/* Send one frame on a stream socket: the header, then the body, each with
 * send_full(), which loops over partial sends and asks for EPIPE instead
 * of SIGPIPE (MSG_NOSIGNAL).  Returns 0, or -1 with errno set. */
static inline int
socket_frame_send(int fd, const struct socket_hdr *h, const void *body)
{
	if (send_full(fd, h, sizeof(*h)) == -1)
		return -1;
	return send_full(fd, body, ntohl(h->len)) == -1 ? -1 : 0;
}

/* Read one frame from a stream socket into *h (host byte order) and body
 * (room for max bytes).  Returns 1 for a frame, 0 if the peer closed the
 * connection cleanly before a new frame, or -1 with errno set: EPROTO if
 * it closed in the middle of one, EMSGSIZE if the body is too long, and
 * EAGAIN if nothing came within the socket's SO_RCVTIMEO. */
static inline int
socket_frame_recv(int fd, struct socket_hdr *h, void *body, size_t max)
{
	ssize_t n = read_full(fd, h, sizeof(*h));

	if (n == 0)
		return 0;
	if (n == -1)
		return -1;
	if ((size_t)n < sizeof(*h)) {
		errno = EPROTO;
		return -1;
	}
	socket_hdr_get(h);
	if (h->len > max) {
		errno = EMSGSIZE;
		return -1;
	}
	n = read_full(fd, body, h->len);
	if (n == -1)
		return -1;
	if ((size_t)n < h->len) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}

/* The client's side of a connection fd: send o->count frames (text, or
 * size bytes of pattern if size > 0), o->interval_ms apart, and check each
 * echo.  A dead or stuck server ends us with a clear message and exit 1:
 * end of file, EPIPE or ECONNRESET when it died, EAGAIN after the socket's
 * SO_RCVTIMEO/SO_SNDTIMEO when it is stuck.  body and echo hold size (at
 * least 256) bytes. */
static inline void
socket_client_run(int fd, const struct demo_opts *o, size_t size, char *body,
		  char *echo)
{
	struct socket_hdr h;
	uint32_t len;
	int r;

	for (unsigned long seq = 1; seq <= o->count; seq++) {
		if (size > 0) {
			payload_fill(body, size, seq);
			len = (uint32_t)size;
		} else {
			len = (uint32_t)snprintf(body, 256,
						 "hello %lu from %ld", seq,
						 (long)getpid());
		}
		socket_hdr_set(&h, (uint32_t)seq, (uint32_t)o->count,
			       size > 0 ? SOCKET_PAYLOAD : SOCKET_TEXT, len);
		if (socket_frame_send(fd, &h, body) == -1) {
			if (errno == EPIPE || errno == ECONNRESET)
				die("the server closed the connection before "
				    "#%lu (%s): did it die?",
				    seq, errno_name(errno));
			if (errno == EAGAIN)
				die("the server took nothing for %lu s: is it "
				    "stuck?",
				    o->timeout_s);
			die_errno("sending #%lu", seq);
		}
		r = socket_frame_recv(fd, &h, echo, len);
		if (r == 0 || (r == -1 && errno == ECONNRESET))
			die("the server closed the connection before echoing "
			    "#%lu: did it die?",
			    seq);
		if (r == -1 && errno == EAGAIN)
			die("no echo of #%lu in %lu s: is the server stuck?",
			    seq, o->timeout_s);
		if (r == -1)
			die_errno("reading the echo of #%lu", seq);
		if (h.seq != seq || h.len != len || memcmp(echo, body, len))
			die("the echo of #%lu is not what we sent", seq);
		if (size > 0)
			printf("%s %ld: #%u/%u: %u bytes echoed intact\n",
			       prog_name(), (long)getpid(), h.seq, h.total,
			       len);
		else
			printf("%s %ld: #%u/%u echoed: \"%.*s\"\n", prog_name(),
			       (long)getpid(), h.seq, h.total, (int)len, echo);
		if (seq < o->count)
			sleep_ms((unsigned)o->interval_ms);
	}
}

/* The server's side of a connection fd from who ("client 4243",
 * "127.0.0.1:50312"): read frames until the client closes its end, check
 * pattern bodies byte for byte, and send each frame back.  body holds
 * SOCKET_BODY_MAX bytes.  Returns 0 if the client sent every message it
 * announced, or -1 after a warning: a silent client (SO_RCVTIMEO), one
 * that left early, a wrong byte. */
static inline int
socket_server_echo(int fd, char *body, const char *who)
{
	unsigned long bytes = 0, expect = 1, total = 0;
	struct socket_hdr h;
	size_t bad;
	int r;

	while ((r = socket_frame_recv(fd, &h, body, SOCKET_BODY_MAX)) == 1 &&
	       h.seq == expect) {
		if (h.kind == SOCKET_PAYLOAD &&
		    payload_verify(body, h.len, h.seq, &bad) == -1) {
			warn_msg("#%u from %s: byte %zu is wrong", h.seq, who,
				 bad);
			return -1;
		}
		if (h.kind == SOCKET_PAYLOAD)
			printf("%s %ld: #%u/%u from %s: %u bytes, every one "
			       "correct\n",
			       prog_name(), (long)getpid(), h.seq, h.total, who,
			       h.len);
		else
			printf("%s %ld: #%u/%u from %s: \"%.*s\"\n",
			       prog_name(), (long)getpid(), h.seq, h.total, who,
			       (int)(h.len < 200 ? h.len : 200), body);
		bytes += sizeof(h) + h.len;
		total = h.total;
		socket_hdr_set(&h, h.seq, h.total, h.kind, h.len);
		if (socket_frame_send(fd, &h, body) == -1) { /* the echo */
			warn_errno("echo to %s", who);
			return -1;
		}
		expect++;
	}
	if (r == 0 && expect > 1 && expect - 1 == total) {
		printf("%s %ld: %s done: %lu message%s, %lu bytes\n",
		       prog_name(), (long)getpid(), who, total,
		       total == 1 ? "" : "s", bytes);
		return 0;
	}
	if (r == -1 && errno == EAGAIN)
		warn_msg("%s silent too long; dropped", who);
	else if (r == -1)
		warn_errno("reading from %s", who);
	else
		warn_msg("%s stopped after %lu messages of %lu", who,
			 expect - 1, total);
	return -1;
}

#endif
