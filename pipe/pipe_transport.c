/* pipe_transport.c - the benchmark's "pipe": two anonymous pipes, one for
 * each direction, made by the coordinator and inherited through fork().
 *
 * The reference transport: the others follow its shape.  A message is
 * written with one write_full() and read with one read_full(); a pipe is a
 * byte stream, so the reader asks for exactly the message's length.
 * SIGPIPE is ignored by the benchmark, so a write to a pipe whose reader
 * has gone fails with EPIPE instead of killing the writer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io.h"
#include "transport.h"

struct pipe_chan {
	int up[2];   /* client -> server: [0] read end, [1] write end */
	int down[2]; /* server -> client */
	int in, out; /* this side's ends, after attach */
	char *sendbuf, *recvbuf;
};

static size_t
pipe_max_size(char *why, size_t len)
{
	snprintf(why, len, "none: a pipe is a stream of bytes");
	return SIZE_MAX;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

static void
pipe_teardown(struct channel *ch)
{
	struct pipe_chan *p = ch->priv;

	if (p == NULL)
		return;
	close_fd(&p->up[0]);
	close_fd(&p->up[1]);
	close_fd(&p->down[0]);
	close_fd(&p->down[1]);
	free(p->sendbuf);
	free(p->recvbuf);
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
	p->sendbuf = malloc(ch->size ? ch->size : 1);
	p->recvbuf = malloc(ch->size ? ch->size : 1);
	if (p->sendbuf == NULL || p->recvbuf == NULL || pipe(p->up) == -1 ||
	    pipe(p->down) == -1) {
		int saved = errno;

		pipe_teardown(ch);
		errno = saved;
		return -1;
	}
	return 0;
}

static int
pipe_attach(struct channel *ch)
{
	struct pipe_chan *p = ch->priv;

	if (ch->side == SIDE_CLIENT) {
		p->out = p->up[1];
		p->in = p->down[0];
		close_fd(&p->up[0]);   /* the server's ends: EOF and EPIPE */
		close_fd(&p->down[1]); /* come only once they are closed */
	} else {
		p->out = p->down[1];
		p->in = p->up[0];
		close_fd(&p->down[0]);
		close_fd(&p->up[1]);
	}
	p->up[0] = p->up[1] = p->down[0] = p->down[1] =
		-1; /* in, out own them */
	return 0;
}

static void *
pipe_send_buf(struct channel *ch, size_t len)
{
	struct pipe_chan *p = ch->priv;

	(void)len;
	return p->sendbuf;
}

static int
pipe_send(struct channel *ch, size_t len)
{
	struct pipe_chan *p = ch->priv;

	return write_full(p->out, p->sendbuf, len) == -1 ? -1 : 0;
}

static const void *
pipe_recv(struct channel *ch, size_t len)
{
	struct pipe_chan *p = ch->priv;
	ssize_t n = read_full(p->in, p->recvbuf, len);

	if (n == -1)
		return NULL;
	if ((size_t)n < len) { /* end of file: every write end closed */
		errno = EPIPE;
		return NULL;
	}
	return p->recvbuf;
}

static void
pipe_detach(struct channel *ch)
{
	struct pipe_chan *p = ch->priv;

	close_fd(&p->in);
	close_fd(&p->out);
}

const struct transport pipe_transport = {
	.name = "pipe",
	.summary = "anonymous pipes, one each way (pipe, write, read)",
	.wait = WAIT_BLOCK,
	.max_size = pipe_max_size,
	.setup = pipe_setup,
	.attach = pipe_attach,
	.send_buf = pipe_send_buf,
	.send = pipe_send,
	.recv = pipe_recv,
	.detach = pipe_detach,
	.teardown = pipe_teardown,
};
