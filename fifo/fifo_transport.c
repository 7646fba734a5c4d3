/* fifo_transport.c - the benchmark's "fifo": two named pipes, one for each
 * direction, in a private directory the coordinator makes.
 *
 * Once open, a FIFO is a pipe: the same kernel object, and the same
 * write() and read() (transport.h's fdstream_* functions, which
 * pipe_transport.c uses too), so the two should measure alike; what
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
#include "names.h"
#include "transport.h"

struct fifo_chan {
	struct fd_stream s; /* first: the fdstream_* functions use it */
	char dir[PATH_MAX];
	char up[PATH_MAX];    /* client -> server */
	char down[PATH_MAX];  /* server -> client */
	int hdir, hup, hdown; /* cleanup handles, -1 when not made */
};

static size_t
fifo_max_size(char *why, size_t len)
{
	snprintf(why, len, "none: a FIFO is a stream of bytes");
	return SIZE_MAX;
}

static void
fifo_teardown(struct channel *ch)
{
	struct fifo_chan *p = ch->priv;

	if (p == NULL)
		return;
	transport_remove(OBJ_PATH, p->down, &p->hdown); /* the files first, */
	transport_remove(OBJ_PATH, p->up, &p->hup);
	transport_remove(OBJ_DIR, p->dir, &p->hdir); /* then their directory */
	fdstream_free(&p->s);
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

	if (p == NULL)
		return -1;
	ch->priv = p;
	p->hdir = p->hup = p->hdown = -1;
	transport_sweep_dirs(ch->name);
	if (fdstream_init(&p->s, ch->size) == -1 ||
	    names_dir_template(p->dir, sizeof(p->dir), ch->name) == -1 ||
	    mkdtemp(p->dir) == NULL)
		return -1;
	if ((p->hdir = cleanup_add_name(OBJ_DIR, p->dir)) == -1) {
		int saved = errno; /* not registered: teardown cannot see it */

		rmdir(p->dir);
		errno = saved;
		return -1;
	}
	if (make_fifo(p->dir, "up", p->up, &p->hup) == -1 ||
	    make_fifo(p->dir, "down", p->down, &p->hdown) == -1)
		return -1;
	return 0;
}

static int
fifo_attach(struct channel *ch)
{
	struct fifo_chan *p = ch->priv;

	if (ch->side == SIDE_CLIENT) { /* "up" first on both sides */
		p->s.out = open(p->up, O_WRONLY | O_CLOEXEC);
		p->s.in = p->s.out == -1 ? -1
					 : open(p->down, O_RDONLY | O_CLOEXEC);
	} else {
		p->s.in = open(p->up, O_RDONLY | O_CLOEXEC);
		p->s.out = p->s.in == -1 ? -1
					 : open(p->down, O_WRONLY | O_CLOEXEC);
	}
	return p->s.in == -1 || p->s.out == -1 ? -1 : 0;
}

const struct transport fifo_transport = {
	.name = "fifo",
	.summary = "named pipes in a private directory, one each way (mkfifo, "
		   "open, write, read)",
	.wait = WAIT_BLOCK,
	.max_size = fifo_max_size,
	.setup = fifo_setup,
	.attach = fifo_attach,
	.send_buf = fdstream_send_buf,
	.send = fdstream_send,
	.recv = fdstream_recv,
	.detach = fdstream_detach,
	.teardown = fifo_teardown,
};
