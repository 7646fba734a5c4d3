/* pipe_transport.c - the benchmark's "pipe": two anonymous pipes, one for
 * each direction, made by the coordinator and inherited through fork().
 *
 * The reference transport: the others follow its shape.  A message is
 * written with one write_full() and read with one read_full() (the
 * fdstream_* functions of transport.h, which the fifo shares); a pipe is a
 * byte stream, so the reader asks for exactly the message's length.
 * SIGPIPE is ignored by the benchmark, so a write to a pipe whose reader
 * has gone fails with EPIPE instead of killing the writer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "transport.h"

struct pipe_chan {
	struct fd_stream s; /* first: the fdstream_* functions use it */
	int up[2];	    /* client -> server: [0] read end, [1] write end */
	int down[2];	    /* server -> client */
};

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
