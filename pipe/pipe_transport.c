/* pipe_transport.c - the benchmark's "pipe" and "pipe-vmsplice": two
 * anonymous pipes, one for each direction, made by the coordinator and
 * inherited through fork().
 *
 * The reference transport: the others follow its shape.  A message is
 * written with one write_full() and read with one read_full() (the
 * fdstream_* functions of transport.h, which the fifo shares); a pipe is a
 * byte stream, so the reader asks for exactly the message's length.
 * SIGPIPE is ignored by the benchmark, so a write to a pipe whose reader
 * has gone fails with EPIPE instead of killing the writer.
 *
 * pipe-vmsplice: the same pipes, but the sender does not write(2) its
 * message into the pipe (a copy into the pipe's pages); it vmsplice(2)s
 * the pages that hold it, and the pipe keeps references to the sender's
 * own pages.  The receiver read(2)s them as from any pipe: one copy in
 * all instead of two.  The catch: until the receiver has read a page, it
 * is still the sender's memory, and whatever the sender writes there is
 * what the receiver will read.  So each side sends from a ring of
 * page-aligned regions, one message each, and writes into a region only
 * once the message it last held is consumed.  How the sender knows
 * without asking: the pipe holds at most C buffers (F_GETPIPE_SZ / page
 * size; 16 by default) and vmsplice() makes one buffer for each page (or
 * piece of a page) it splices, in order.  Once C more buffers have been
 * spliced after a message's last one, that message has left the pipe,
 * read whole: a reader takes a buffer out only after copying it, under
 * the pipe's lock.  With messages of the run's size, a ring of
 * ceil(C / pages a message) + 1 regions is always free in time; a
 * smaller message takes fewer buffers, and then send_buf() asks the pipe
 * (FIONREAD: bytes not yet read) and waits for the reader if it must.
 * No SPLICE_F_GIFT: docs/pipe.md says why it would change nothing.
 */
#define _GNU_SOURCE /* vmsplice, F_GETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"

/* pipe-vmsplice: the sender's ring of regions. */
struct splice_ring {
	unsigned char *mem;	/* regions * region bytes, page-aligned */
	size_t region, regions; /* bytes in one (whole pages), how many */
	size_t next;		/* the region the next message goes in */
	size_t page, cap;	/* page size; buffers the pipe holds */
	uint64_t bufs, bytes;	/* spliced so far: pipe buffers, bytes */
	uint64_t *end_buf;	/* per region: bufs and bytes once its */
	uint64_t *end_byte;	/* message was spliced (0: none yet) */
};

struct pipe_chan {
	struct fd_stream s; /* first: the fdstream_* functions use it */
	int up[2];	    /* client -> server: [0] read end, [1] write end */
	int down[2];	    /* server -> client */
	struct splice_ring r; /* pipe-vmsplice, after attach */
};

/* pipe-vmsplice: unmap the ring; the pipe's own references keep the
 * pages it still holds. */
static void
ring_free(struct splice_ring *r)
{
	if (r->mem != NULL)
		munmap(r->mem, r->region * r->regions);
	free(r->end_buf);
	free(r->end_byte);
	*r = (struct splice_ring){0};
}

static size_t
pipe_max_size(char *why, size_t len)
{
	snprintf(why, len, "none: a pipe is a stream of bytes");
	return SIZE_MAX;
}

static void
pipe_teardown(struct channel *ch)
{
	struct pipe_chan *p = ch->priv;

	if (p == NULL)
		return;
	transport_close(&p->up[0]);
	transport_close(&p->up[1]);
	transport_close(&p->down[0]);
	transport_close(&p->down[1]);
	fdstream_free(&p->s);
	ring_free(&p->r);
	free(p);
	ch->priv = NULL;
}

static int
pipe_setup(struct channel *ch)
{
	struct pipe_chan *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	ch->priv = p;
	p->up[0] = p->up[1] = p->down[0] = p->down[1] = -1;
	if (fdstream_init(&p->s, ch->size) == -1 || pipe(p->up) == -1 ||
	    pipe(p->down) == -1)
		return -1;
	return 0;
}

static int
pipe_attach(struct channel *ch)
{
	struct pipe_chan *p = ch->priv;

	if (ch->side == SIDE_CLIENT) {
		p->s.out = p->up[1];
		p->s.in = p->down[0];
		transport_close(&p->up[0]);   /* the server's ends: EOF and */
		transport_close(&p->down[1]); /* EPIPE come only once closed */
	} else {
		p->s.out = p->down[1];
		p->s.in = p->up[0];
		transport_close(&p->down[0]);
		transport_close(&p->up[1]);
	}
	/* p->s.in and p->s.out own the two kept ends now. */
	p->up[0] = p->up[1] = p->down[0] = p->down[1] = -1;
	return 0;
}

const struct transport pipe_transport = {
	.name = "pipe",
	.summary = "anonymous pipes, one each way (pipe, write, read)",
	.wait = WAIT_BLOCK,
	.max_size = pipe_max_size,
	.setup = pipe_setup,
	.attach = pipe_attach,
	.send_buf = fdstream_send_buf,
	.send = fdstream_send,
	.recv = fdstream_recv,
	.detach = fdstream_detach,
	.teardown = pipe_teardown,
};

/* ---- pipe-vmsplice ---------------------------------------------------- */

/* After the pipes are attached: size the ring for messages of ch->size
 * bytes and the pipe this side writes to. */
static int
splice_attach(struct channel *ch)
{
	struct pipe_chan *p = ch->priv;
	struct splice_ring *r = &p->r;
	long page = sysconf(_SC_PAGESIZE);
	size_t pages;
	int bytes;

	if (pipe_attach(ch) == -1)
		return -1;
	if (page <= 0 || (bytes = fcntl(p->s.out, F_GETPIPE_SZ)) <= 0)
		return -1;
	r->page = (size_t)page;
	r->cap = (size_t)bytes / r->page;
	pages = ch->size == 0 ? 1 : (ch->size + r->page - 1) / r->page;
	r->region = pages * r->page;
	/* C buffers spliced after a message's last one: the messages after
	 * it, C / pages rounded up, and one for the message itself. */
	r->regions = (r->cap + pages - 1) / pages + 1;
	r->end_buf = calloc(r->regions, sizeof(*r->end_buf));
	r->end_byte = calloc(r->regions, sizeof(*r->end_byte));
	if (r->end_buf == NULL || r->end_byte == NULL) {
		errno = ENOMEM;
		return -1;
	}
	r->mem = mmap(NULL, r->region * r->regions, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->mem == MAP_FAILED) {
		r->mem = NULL;
		return -1;
	}
	return 0;
}

/* Where the next message goes: a region whose last message the pipe no
 * longer holds. */
static void *
splice_send_buf(struct channel *ch, size_t len)
{
	struct pipe_chan *p = ch->priv;
	struct splice_ring *r = &p->r;
	int unread;

	if (len > r->region) {
		errno = EMSGSIZE;
		return NULL;
	}
	/* Counted: C buffers spliced since its message's last one. */
	if (r->bufs - r->end_buf[r->next] >= r->cap)
		return r->mem + r->next * r->region;
	/* Messages smaller than the run's size took fewer buffers: ask the
	 * pipe how many bytes are still unread, and wait for the reader. */
	for (;;) {
		if (ioctl(p->s.out, FIONREAD, &unread) == -1)
			return NULL;
		if (r->bytes - (uint64_t)unread >= r->end_byte[r->next])
			return r->mem + r->next * r->region;
		nanosleep(&(struct timespec){.tv_nsec = 20000}, NULL);
	}
}

/* vmsplice the message's pages into the pipe; it may take them in parts,
 * as the reader makes room. */
static int
splice_send(struct channel *ch, size_t len)
{
	struct pipe_chan *p = ch->priv;
	struct splice_ring *r = &p->r;
	unsigned char *at = r->mem + r->next * r->region;
	size_t off = 0;

	while (off < len) {
		struct iovec iov = {.iov_base = at + off, .iov_len = len - off};
		ssize_t n = vmsplice(p->s.out, &iov, 1, 0);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		/* One pipe buffer for each page this part touches. */
		r->bufs += (off + (size_t)n - 1) / r->page - off / r->page + 1;
		off += (size_t)n;
	}
	r->bytes += len;
	r->end_buf[r->next] = r->bufs;
	r->end_byte[r->next] = r->bytes;
	r->next = (r->next + 1) % r->regions;
	return 0;
}

static void
splice_detach(struct channel *ch)
{
	fdstream_detach(ch);
	ring_free(&((struct pipe_chan *)ch->priv)->r);
}

const struct transport pipe_vmsplice_transport = {
	.name = "pipe-vmsplice",
	.summary = "anonymous pipes, one each way; the sender vmsplices the "
		   "pages of its message in (pipe, vmsplice, read)",
	.wait = WAIT_BLOCK,
	.max_size = pipe_max_size,
	.setup = pipe_setup,
	.attach = splice_attach,
	.send_buf = splice_send_buf,
	.send = splice_send,
	.recv = fdstream_recv,
	.detach = splice_detach,
	.teardown = pipe_teardown,
};
