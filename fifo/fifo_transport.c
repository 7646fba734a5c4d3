/* fifo_transport.c - the benchmark's "fifo": two named pipes, one for each
 * direction, in a private directory the coordinator makes.
 *
 * Once open, a FIFO is a pipe: the same kernel object, the same write()
 * and read() as pipe_transport.c, so the two should measure alike; what
 * differs is the rendezvous.  setup() makes the directory with mkdtemp()
 * (mode 0700, so no other user can swap the files) and the two FIFOs in
 * it; each side opens both in attach().  An open of a FIFO blocks until
 * the other end is opened too, so both sides open "up" (client -> server)
 * first and "down" second: the pairs meet and neither waits for an open
 * the other has not reached.  The stream's kernel buffer gives back-
 * pressure; a side whose peer has gone reads end of file or writes EPIPE
 * (SIGPIPE is ignored by the benchmark).  teardown() unlinks both FIFOs
 * and removes the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "names.h"
#include "transport.h"

struct fifo_chan {
	char dir[PATH_MAX];
	char up[PATH_MAX];    /* client -> server */
	char down[PATH_MAX];  /* server -> client */
	int hdir, hup, hdown; /* cleanup handles, -1 when not made */
	int in, out;	      /* this side's ends, after attach */
	char *sendbuf, *recvbuf;
};

static size_t
fifo_max_size(char *why, size_t len)
{
	snprintf(why, len, "none: a FIFO is a stream of bytes");
	return SIZE_MAX;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* Remove one object this side made, and stop tracking it. */
static void
remove_made(enum obj_kind kind, const char *path, int *handle)
{
	if (*handle == -1)
		return;
	obj_remove(kind, -1, path);
	cleanup_forget(*handle);
	*handle = -1;
}

static void
fifo_teardown(struct channel *ch)
{
	struct fifo_chan *p = ch->priv;

	if (p == NULL)
		return;
	close_fd(&p->in);
	close_fd(&p->out);
	remove_made(OBJ_PATH, p->down, &p->hdown); /* the files first, */
	remove_made(OBJ_PATH, p->up, &p->hup);
	remove_made(OBJ_DIR, p->dir, &p->hdir); /* then their directory */
	free(p->sendbuf);
	free(p->recvbuf);
	free(p);
	ch->priv = NULL;
}

/* Make the FIFO dir/file and register it; its path goes into path. */
static int
make_fifo(const char *dir, const char *file, char *path, int *handle)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", dir, file);

	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkfifo(path, 0600) == -1)
		return -1;
	if ((*handle = cleanup_add_name(OBJ_PATH, path)) == -1) {
		int saved = errno;

		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}

static int
fifo_setup(struct channel *ch)
{
	struct fifo_chan *p = calloc(1, sizeof(*p));
	int saved;

	if (p == NULL)
		return -1;
	ch->priv = p;
	p->hdir = p->hup = p->hdown = p->in = p->out = -1;
	if ((p->sendbuf = malloc(ch->size ? ch->size : 1)) == NULL ||
	    (p->recvbuf = malloc(ch->size ? ch->size : 1)) == NULL ||
	    names_dir_template(p->dir, sizeof(p->dir), ch->name) == -1 ||
	    mkdtemp(p->dir) == NULL)
		goto fail;
	if ((p->hdir = cleanup_add_name(OBJ_DIR, p->dir)) == -1) {
		saved = errno;
		rmdir(p->dir);
		errno = saved;
		goto fail;
	}
	if (make_fifo(p->dir, "up", p->up, &p->hup) == -1 ||
	    make_fifo(p->dir, "down", p->down, &p->hdown) == -1)
		goto fail;
	return 0;
fail:
	saved = errno;
	fifo_teardown(ch);
	errno = saved;
	return -1;
}

static int
fifo_attach(struct channel *ch)
{
	struct fifo_chan *p = ch->priv;

	if (ch->side == SIDE_CLIENT) { /* "up" first on both sides */
		p->out = open(p->up, O_WRONLY | O_CLOEXEC);
		p->in = p->out == -1 ? -1 : open(p->down, O_RDONLY | O_CLOEXEC);
	} else {
		p->in = open(p->up, O_RDONLY | O_CLOEXEC);
		p->out = p->in == -1 ? -1 : open(p->down, O_WRONLY | O_CLOEXEC);
	}
	return p->in == -1 || p->out == -1 ? -1 : 0;
}

static void *
fifo_send_buf(struct channel *ch, size_t len)
{
	struct fifo_chan *p = ch->priv;

	(void)len;
	return p->sendbuf;
}

static int
fifo_send(struct channel *ch, size_t len)
{
	struct fifo_chan *p = ch->priv;

	return write_full(p->out, p->sendbuf, len) == -1 ? -1 : 0;
}

static const void *
fifo_recv(struct channel *ch, size_t len)
{
	struct fifo_chan *p = ch->priv;
	ssize_t n = read_full(p->in, p->recvbuf, len);

	if (n == -1)
		return NULL;
	if ((size_t)n < len) { /* end of file: the writer has gone */
		errno = EPIPE;
		return NULL;
	}
	return p->recvbuf;
}

static void
fifo_detach(struct channel *ch)
{
	struct fifo_chan *p = ch->priv;

	close_fd(&p->in);
	close_fd(&p->out);
}

const struct transport fifo_transport = {
	.name = "fifo",
	.summary = "named pipes in a private directory, one each way (mkfifo, "
		   "open, write, read)",
	.wait = WAIT_BLOCK,
	.max_size = fifo_max_size,
	.setup = fifo_setup,
	.attach = fifo_attach,
	.send_buf = fifo_send_buf,
	.send = fifo_send,
	.recv = fifo_recv,
	.detach = fifo_detach,
	.teardown = fifo_teardown,
};
