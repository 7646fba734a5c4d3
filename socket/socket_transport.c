/* socket_transport.c - the benchmark's five sockets: "socket-unix",
 * "socket-unix-dgram", "socket-unix-seqpacket", "socket-tcp" and
 * "socket-udp".
 *
 * socket-unix: a stream socket bound to a path in a private directory
 * (mkdtemp, mode 0700).  setup() binds and listens, the client connects
 * and the server accepts in attach().  A socketpair() would carry the
 * bytes the same way, but its two ends would both stay open in the
 * coordinator until teardown(), so a side whose peer died would wait
 * instead of reading end of file; with connect() and accept() each end
 * lives in one process only, and a dead peer is seen (EPIPE).  It is also
 * socket-tcp's shape, so the two differ only in the address family.
 *
 * socket-unix-dgram: a SOCK_DGRAM socketpair() made in setup(): one
 * send() is one datagram, read whole by one recv().  Its largest datagram
 * is the sender's SO_SNDBUF less 32 bytes, and SO_SNDBUF is at most twice
 * net.core.wmem_max; setup() raises it when the run's size needs it.  The
 * kernel also allocates most of a datagram's bytes in one block, of at
 * most 4 MiB (KMALLOC_MAX_SIZE with 4 KiB pages; a little more fits in
 * page fragments, but 4 MiB is the round limit that holds), so
 * max_size() is the smaller of the two.  A full receive queue
 * (net.unix.max_dgram_qlen datagrams) blocks the sender: back-pressure,
 * nothing lost.  The ends stay open in the
 * coordinator, so a dead peer is not seen here: the benchmark ends it.
 *
 * socket-unix-seqpacket: socket-unix's shape (a path, listen, connect,
 * accept: one connection, a dead peer seen as end of file or EPIPE) with
 * socket-unix-dgram's messages: one send() is one record, read whole by
 * one recv(), boundaries kept.  The kernel sends a Unix SOCK_SEQPACKET
 * record with the datagram code, so the same limits hold: SO_SNDBUF less
 * 32 bytes, and 4 MiB; each side raises its SO_SNDBUF in attach(), on the
 * socket it connected or accepted.
 *
 * socket-tcp: setup() listens on 127.0.0.1, port 0 (the kernel picks a
 * free one); the client connects and the server accepts in attach(), both
 * with TCP_NODELAY so that a small message leaves at once instead of
 * waiting for the acknowledgement of the previous one (Nagle).
 *
 * socket-udp: two sockets bound to 127.0.0.1, port 0, and connect()ed to
 * each other, so each receives only its peer's datagrams.  An IPv4 UDP
 * datagram carries at most 65507 bytes (65535 less 20 of IP header and 8
 * of UDP header); larger sizes are skipped.  Loopback's MTU is 64 KiB on
 * Linux, so even those travel unfragmented there; on a real network,
 * anything above the MTU (1500 bytes on Ethernet) is fragmented.
 * Flow control: UDP drops a datagram that arrives at a full receive
 * buffer, silently.  So the receiver acknowledges every window/2
 * datagrams with one byte on a second pair of connected UDP sockets, and a
 * sender never has more than window datagrams unacknowledged: it waits
 * for an acknowledgement before sending past it.  setup() sizes SO_RCVBUF
 * (up to net.core.rmem_max) and the window (at most 64) so that a whole
 * window fits, counting each datagram as twice its size plus 1 KiB (what
 * the kernel charges for one is less, measured).  In a ping-pong the
 * acknowledgement is always there before it is needed: one extra send()
 * and recv() every window/2 round trips.  Neither UDP nor the datagram
 * pair can tell a dead peer from a slow one; the benchmark ends a side
 * stuck on one.
 *
 * Sends use MSG_NOSIGNAL, so a stream whose peer has gone returns EPIPE
 * even where SIGPIPE is not ignored.  A datagram is received with
 * MSG_TRUNC, which makes recv() return its real length, so one of
 * another length than expected is EMSGSIZE, never cut short unnoticed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "names.h"
#include "transport.h"

#define UDP_MAX		    65507 /* 65535 less IPv4 and UDP headers */
#define UDP_WINDOW_MAX	    64 /* datagrams a sender may have unacknowledged */
#define DGRAM_ALLOC_MAX	    (4 * 1024 * 1024) /* kmalloc's largest block */
#define UNIX_DGRAM_OVERHEAD 32 /* SO_SNDBUF a datagram cannot use */

struct sock_chan {
	struct fd_stream s; /* first, for fdstream_*: s.in == s.out, the socket */
	int ackfd;    /* socket-udp: this side's acknowledgement socket */
	int made[2];  /* datagram sockets: [0] the client's, [1] the server's */
	int acks[2];  /* socket-udp: the same for acknowledgements */
	int listener; /* socket-unix, socket-tcp: until attach */
	union {
		struct sockaddr_in in;
		struct sockaddr_un un;
	} addr; /* where the listener listens */
	socklen_t addrlen;
	int type;	    /* socket-unix*: SOCK_STREAM or SOCK_SEQPACKET */
	char dir[PATH_MAX]; /* socket-unix: the private directory */
	int hdir, hpath;    /* its cleanup handles, -1 when not made */
	unsigned window;    /* socket-udp: 0 elsewhere (no flow control) */
	unsigned ack_every; /* socket-udp: window / 2, at least 1 */
	unsigned unacked;   /* sent and not yet acknowledged */
	unsigned taken;	    /* received since the last acknowledgement */
};

/* Everything common: the limits and the two socket families' setups. */

static size_t
stream_max_size(char *why, size_t len)
{
	snprintf(why, len, "none: a stream socket carries a stream of bytes");
	return SIZE_MAX;
}

static size_t
unix_dgram_max_size(char *why, size_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int want = INT_MAX / 2, got = 0;
	socklen_t optlen = sizeof(got);
	size_t max;

	/* Ask for the most: the kernel gives twice net.core.wmem_max. */
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)) == -1 ||
	    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &optlen) == -1 ||
	    got <= UNIX_DGRAM_OVERHEAD) {
		snprintf(why, len, "cannot read SO_SNDBUF: %m");
		if (fd != -1)
			close(fd);
		return 0;
	}
	close(fd);
	max = (size_t)got - UNIX_DGRAM_OVERHEAD;
	if (max > DGRAM_ALLOC_MAX) {
		snprintf(why, len,
			 "SO_SNDBUF would allow %zu, but the kernel allocates "
			 "most of a datagram in one block, of at most 4 MiB",
			 max);
		return DGRAM_ALLOC_MAX;
	}
	snprintf(why, len,
		 "SO_SNDBUF at most %d (2 x net.core.wmem_max), less %d", got,
		 UNIX_DGRAM_OVERHEAD);
	return max;
}

static size_t
udp_max_size(char *why, size_t len)
{
	snprintf(why, len,
		 "an IPv4 UDP datagram's payload: 65535 less 20 of IP header "
		 "and 8 of UDP header");
	return UDP_MAX;
}

static void
sock_teardown(struct channel *ch)
{
	struct sock_chan *p = ch->priv;

	if (p == NULL)
		return;
	transport_close(&p->ackfd);
	for (int i = 0; i < 2; i++) {
		transport_close(&p->made[i]);
		transport_close(&p->acks[i]);
	}
	transport_close(&p->listener);
	transport_remove(OBJ_PATH, p->addr.un.sun_path, &p->hpath); /* file, */
	transport_remove(OBJ_DIR, p->dir, &p->hdir); /* then dir */
	fdstream_free(&p->s);
	free(p);
	ch->priv = NULL;
}

/* The state every socket transport starts from, in ch->priv. */
static struct sock_chan *
chan_new(struct channel *ch)
{
	struct sock_chan *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	ch->priv = p;
	p->ackfd = p->listener = p->hdir = p->hpath = -1;
	p->made[0] = p->made[1] = p->acks[0] = p->acks[1] = -1;
	p->s.socket = 1;
	if (fdstream_init(&p->s, ch->size) == -1)
		return NULL; /* the engine's teardown() frees p */
	return p;
}

/* socket-unix and socket-unix-seqpacket: a socket of type listening on
 * "sock" in a new private directory. */
static int
unix_listen(struct channel *ch, int type)
{
	struct sock_chan *p = chan_new(ch);
	struct sockaddr_un *un;
	int n;

	if (p == NULL)
		return -1;
	p->type = type;
	un = &p->addr.un;
	transport_sweep_dirs(ch->name);
	if (names_dir_template(p->dir, sizeof(p->dir), ch->name) == -1 ||
	    mkdtemp(p->dir) == NULL)
		return -1;
	if ((p->hdir = cleanup_add_name(OBJ_DIR, p->dir)) == -1) {
		rmdir(p->dir);
		return -1;
	}
	un->sun_family = AF_UNIX;
	n = snprintf(un->sun_path, sizeof(un->sun_path), "%s/sock", p->dir);
	if (n < 0 || (size_t)n >= sizeof(un->sun_path)) {
		un->sun_path[0] = '\0';
		errno = ENAMETOOLONG; /* a socket's path has 108 bytes */
		return -1;
	}
	p->addrlen = sizeof(*un);
	if ((p->listener = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(p->listener, (struct sockaddr *)un, p->addrlen) == -1)
		return -1;
	if ((p->hpath = cleanup_add_name(OBJ_PATH, un->sun_path)) == -1) {
		unlink(un->sun_path);
		return -1;
	}
	if (listen(p->listener, 1) == -1)
		return -1;
	return 0;
}

static int
unix_setup(struct channel *ch)
{
	return unix_listen(ch, SOCK_STREAM);
}

static int
unix_seqpacket_setup(struct channel *ch)
{
	return unix_listen(ch, SOCK_SEQPACKET);
}

/* socket-tcp: listen on 127.0.0.1, on a port the kernel picks. */
static int
tcp_setup(struct channel *ch)
{
	struct sock_chan *p = chan_new(ch);

	if (p == NULL)
		return -1;
	p->type = SOCK_STREAM;
	p->addr.in.sin_family = AF_INET;
	p->addr.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->addr.in.sin_port = 0;
	p->addrlen = sizeof(p->addr.in);
	if ((p->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1 ||
	    bind(p->listener, (struct sockaddr *)&p->addr.in, p->addrlen) ==
		    -1 ||
	    listen(p->listener, 1) == -1 ||
	    getsockname(p->listener, (struct sockaddr *)&p->addr.in,
			&p->addrlen) == -1) /* learn the port */
		return -1;
	return 0;
}

/* Give Unix datagram or seqpacket socket fd the SO_SNDBUF that a record
 * of size bytes needs.  Returns 0, or -1 (EMSGSIZE: it cannot have it). */
static int
sndbuf_fit(int fd, size_t size)
{
	int have = 0;
	socklen_t optlen = sizeof(have);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &optlen) == -1)
		return -1;
	if ((size_t)have >= size + UNIX_DGRAM_OVERHEAD)
		return 0;
	/* The kernel doubles what it is asked for, up to twice
	 * net.core.wmem_max: check what it gave. */
	int want = size + UNIX_DGRAM_OVERHEAD > INT_MAX / 2
			   ? INT_MAX / 2
			   : (int)(size + UNIX_DGRAM_OVERHEAD);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)) == -1 ||
	    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &optlen) == -1)
		return -1;
	if ((size_t)have < size + UNIX_DGRAM_OVERHEAD) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* socket-unix-dgram: a connected pair, with room for a size datagram. */
static int
unix_dgram_setup(struct channel *ch)
{
	struct sock_chan *p = chan_new(ch);

	if (p == NULL)
		return -1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, p->made) == -1)
		return -1;
	for (int i = 0; i < 2; i++)
		if (sndbuf_fit(p->made[i], ch->size) == -1)
			return -1;
	return 0;
}

/* Make two UDP sockets on 127.0.0.1, each connected to the other. */
static int
udp_pair(int fds[2])
{
	struct sockaddr_in a[2];
	socklen_t len;

	for (int i = 0; i < 2; i++) {
		a[i] = (struct sockaddr_in){.sin_family = AF_INET};
		a[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(a[i]);
		if ((fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
			    -1 ||
		    bind(fds[i], (struct sockaddr *)&a[i], len) == -1 ||
		    getsockname(fds[i], (struct sockaddr *)&a[i], &len) == -1)
			return -1;
	}
	for (int i = 0; i < 2; i++) /* only the peer's datagrams get in */
		if (connect(fds[i], (struct sockaddr *)&a[!i], sizeof(a[!i])) ==
		    -1)
			return -1;
	return 0;
}

/* socket-udp: the data pair, the acknowledgement pair, and a window whose
 * datagrams all fit in the receiver's buffer. */
static int
udp_setup(struct channel *ch)
{
	struct sock_chan *p = chan_new(ch);
	size_t charge = 2 * ch->size + 1024; /* more than the kernel's */
	size_t need = UDP_WINDOW_MAX * charge, window;
	int rcvbuf = INT_MAX;

	if (p == NULL)
		return -1;
	if (ch->size > UDP_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (udp_pair(p->made) == -1 || udp_pair(p->acks) == -1)
		return -1;
	for (int i = 0; i < 2; i++) {
		int want = need / 2 > INT_MAX ? INT_MAX : (int)(need / 2);
		int have = 0;
		socklen_t optlen = sizeof(have);

		if (getsockopt(p->made[i], SOL_SOCKET, SO_RCVBUF, &have,
			       &optlen) == -1)
			return -1;
		if ((size_t)have < need && /* the kernel doubles it */
		    (setsockopt(p->made[i], SOL_SOCKET, SO_RCVBUF, &want,
				sizeof(want)) == -1 ||
		     getsockopt(p->made[i], SOL_SOCKET, SO_RCVBUF, &have,
				&optlen) == -1))
			return -1;
		if (have < rcvbuf)
			rcvbuf = have;
	}
	window = (size_t)rcvbuf / charge;
	/* One datagram is always taken by an empty buffer: at least 1. */
	p->window = window < 1		      ? 1
		    : window > UDP_WINDOW_MAX ? UDP_WINDOW_MAX
					      : window;
	p->ack_every = p->window / 2 ? p->window / 2 : 1;
	return 0;
}

/* Attach, send and receive. */

/* socket-unix, socket-unix-seqpacket, socket-tcp: the client connects,
 * the server accepts. */
static int
stream_attach(struct channel *ch)
{
	struct sock_chan *p = ch->priv;
	int tcp = p->addr.in.sin_family == AF_INET, one = 1;

	if (ch->side == SIDE_CLIENT) {
		transport_close(&p->listener); /* the server's */
		if ((p->s.in = socket(p->addr.in.sin_family,
				      p->type | SOCK_CLOEXEC, 0)) == -1 ||
		    connect(p->s.in, (struct sockaddr *)&p->addr,
			    p->addrlen) == -1)
			return -1;
	} else {
		p->s.in = accept(p->listener, NULL, NULL);
		transport_close(&p->listener); /* one connection only */
		if (p->s.in == -1)
			return -1;
	}
	p->s.out = p->s.in; /* one socket, both ways */
	if (tcp && setsockopt(p->s.in, IPPROTO_TCP, TCP_NODELAY, &one,
			      sizeof(one)) == -1) /* no Nagle delay */
		return -1;
	if (p->type == SOCK_SEQPACKET && sndbuf_fit(p->s.in, ch->size) == -1)
		return -1;
	return 0;
}

/* socket-unix-dgram, socket-udp: keep this side's sockets, close the
 * other side's. */
static int
dgram_attach(struct channel *ch)
{
	struct sock_chan *p = ch->priv;
	int mine = ch->side == SIDE_CLIENT ? 0 : 1;

	p->s.in = p->s.out = p->made[mine];
	p->ackfd = p->acks[mine];
	p->made[mine] = p->acks[mine] = -1; /* s, ackfd own them */
	transport_close(&p->made[!mine]);
	transport_close(&p->acks[!mine]);
	return 0;
}

static int
dgram_send(struct channel *ch, size_t len)
{
	struct sock_chan *p = ch->priv;
	ssize_t n;
	char ack;

	/* socket-udp: past the window, wait for the receiver to catch up. */
	while (p->window != 0 && p->unacked >= p->window) {
		n = recv(p->ackfd, &ack, sizeof(ack), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != sizeof(ack))
			goto fail;
		p->unacked -= p->ack_every;
	}
	do
		n = send(p->s.out, p->s.sendbuf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len)
		goto fail;
	p->unacked++;
	return 0;
fail:
	if (n >= 0)
		errno = EMSGSIZE;
	else if (errno == ECONNREFUSED) /* the peer's socket is closed */
		errno = EPIPE;
	return -1;
}

static const void *
dgram_recv(struct channel *ch, size_t len)
{
	struct sock_chan *p = ch->priv;
	ssize_t n;

	do /* MSG_TRUNC: the datagram's real length, even if longer */
		n = recv(p->s.in, p->s.recvbuf, len, MSG_TRUNC);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == ECONNREFUSED)
			errno = EPIPE;
		return NULL;
	}
	if (n == 0 && len != 0 && p->type == SOCK_SEQPACKET) {
		errno = EPIPE; /* end of file: the peer closed its end */
		return NULL;
	}
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (p->window != 0 && ++p->taken == p->ack_every) {
		char ack = 1;

		p->taken = 0;
		do
			n = send(p->ackfd, &ack, sizeof(ack), MSG_NOSIGNAL);
		while (n == -1 && errno == EINTR);
		if (n != sizeof(ack))
			return NULL;
	}
	return p->s.recvbuf;
}

static void
sock_detach(struct channel *ch)
{
	struct sock_chan *p = ch->priv;

	fdstream_detach(ch);
	transport_close(&p->ackfd);
}

const struct transport socket_unix_transport = {
	.name = "socket-unix",
	.summary = "a Unix stream socket at a path in a private directory "
		   "(bind, listen, connect, accept, send, recv)",
	.wait = WAIT_BLOCK,
	.max_size = stream_max_size,
	.setup = unix_setup,
	.attach = stream_attach,
	.send_buf = fdstream_send_buf,
	.send = fdstream_send,
	.recv = fdstream_recv,
	.detach = sock_detach,
	.teardown = sock_teardown,
};

const struct transport socket_unix_dgram_transport = {
	.name = "socket-unix-dgram",
	.summary = "a Unix datagram socketpair, one datagram a message "
		   "(socketpair, send, recv)",
	.wait = WAIT_BLOCK,
	.max_size = unix_dgram_max_size,
	.setup = unix_dgram_setup,
	.attach = dgram_attach,
	.send_buf = fdstream_send_buf,
	.send = dgram_send,
	.recv = dgram_recv,
	.detach = sock_detach,
	.teardown = sock_teardown,
};

const struct transport socket_unix_seqpacket_transport = {
	.name = "socket-unix-seqpacket",
	.summary = "a Unix SOCK_SEQPACKET connection at a path in a private "
		   "directory, one record a message (listen, connect, "
		   "accept, send, recv)",
	.wait = WAIT_BLOCK,
	.max_size = unix_dgram_max_size,
	.setup = unix_seqpacket_setup,
	.attach = stream_attach,
	.send_buf = fdstream_send_buf,
	.send = dgram_send,
	.recv = dgram_recv,
	.detach = sock_detach,
	.teardown = sock_teardown,
};

const struct transport socket_tcp_transport = {
	.name = "socket-tcp",
	.summary = "a TCP connection on 127.0.0.1 with TCP_NODELAY (listen, "
		   "connect, accept, send, recv)",
	.wait = WAIT_BLOCK,
	.max_size = stream_max_size,
	.setup = tcp_setup,
	.attach = stream_attach,
	.send_buf = fdstream_send_buf,
	.send = fdstream_send,
	.recv = fdstream_recv,
	.detach = sock_detach,
	.teardown = sock_teardown,
};

const struct transport socket_udp_transport = {
	.name = "socket-udp",
	.summary =
		"connected UDP sockets on 127.0.0.1 (send, recv); the "
		"receiver acknowledges every window/2 datagrams, window <= 64",
	.wait = WAIT_BLOCK,
	.max_size = udp_max_size,
	.setup = udp_setup,
	.attach = dgram_attach,
	.send_buf = fdstream_send_buf,
	.send = dgram_send,
	.recv = dgram_recv,
	.detach = sock_detach,
	.teardown = sock_teardown,
};
