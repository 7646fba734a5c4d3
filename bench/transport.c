/* transport.c - the table of every transport, and what they share: see
 * transport.h.
 *
 * Each transport lives in its mechanism's folder (pipe/pipe_transport.c);
 * this table is the one place that lists them, in the order --list prints.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "sweep.h"
#include "transport.h"

extern const struct transport shm_sysv_transport;
extern const struct transport shm_posix_transport;
extern const struct transport shm_spin_transport;
extern const struct transport shm_futex_transport;
extern const struct transport shm_pthread_transport;
extern const struct transport shm_mmap_transport;
extern const struct transport sem_sysv_transport;
extern const struct transport sem_posix_transport;
extern const struct transport sem_eventfd_transport;
extern const struct transport msgq_sysv_transport;
extern const struct transport msgq_posix_transport;
extern const struct transport pipe_transport;
extern const struct transport pipe_vmsplice_transport;
extern const struct transport fifo_transport;
extern const struct transport signal_transport;
extern const struct transport socket_unix_transport;
extern const struct transport socket_unix_dgram_transport;
extern const struct transport socket_unix_seqpacket_transport;
extern const struct transport socket_tcp_transport;
extern const struct transport socket_udp_transport;

/* DESIGN.md's order: shared memory first, then by folder. */
const struct transport *const transports[] = {
	&shm_sysv_transport,
	&shm_posix_transport,
	&shm_spin_transport,
	&shm_futex_transport,
	&shm_pthread_transport,
	&shm_mmap_transport,
	&sem_sysv_transport,
	&sem_posix_transport,
	&sem_eventfd_transport,
	&msgq_sysv_transport,
	&msgq_posix_transport,
	&pipe_transport,
	&pipe_vmsplice_transport,
	&fifo_transport,
	&signal_transport,
	&socket_unix_transport,
	&socket_unix_dgram_transport,
	&socket_unix_seqpacket_transport,
	&socket_tcp_transport,
	&socket_udp_transport,
};

const size_t transports_count = sizeof(transports) / sizeof(transports[0]);

const struct transport *
transport_find(const char *name)
{
	for (size_t i = 0; i < transports_count; i++)
		if (strcmp(transports[i]->name, name) == 0)
			return transports[i];
	return NULL;
}

void
transport_close(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

void
transport_remove(enum obj_kind kind, const char *name, int *handle)
{
	if (*handle == -1)
		return;
	obj_remove(kind, -1, name);
	cleanup_forget(*handle);
	*handle = -1;
}

void
transport_sweep_dirs(const char *name)
{
	static const char unique[] = "[0-9]*-[0-9]*-bench";

	/* Quietly: a benchmark's output is its table.  A failure only
	 * leaves a stale directory for ipclab-ipcs --clean. */
	sweep_stale_dirs(fnmatch(unique, name, 0) == 0 ? unique : name, NULL);
}

int
transport_buffers(void **send, void **recv, size_t size)
{
	*send = malloc(size ? size : 1);
	*recv = malloc(size ? size : 1);
	if (*send == NULL || *recv == NULL) {
		free(*send);
		free(*recv);
		*send = *recv = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
fdstream_init(struct fd_stream *s, size_t size)
{
	void *send, *recv;

	s->in = s->out = -1;
	if (transport_buffers(&send, &recv, size) == -1)
		return -1;
	s->sendbuf = send;
	s->recvbuf = recv;
	return 0;
}

/* Close the ends: one socket both ways is closed once. */
static void
fdstream_close(struct fd_stream *s)
{
	if (s->out == s->in)
		s->out = -1;
	transport_close(&s->in);
	transport_close(&s->out);
}

void
fdstream_free(struct fd_stream *s)
{
	fdstream_close(s);
	free(s->sendbuf);
	free(s->recvbuf);
	s->sendbuf = s->recvbuf = NULL;
}

void *
fdstream_send_buf(struct channel *ch, size_t len)
{
	struct fd_stream *s = ch->priv; /* its first member */

	(void)len;
	return s->sendbuf;
}

int
fdstream_send(struct channel *ch, size_t len)
{
	struct fd_stream *s = ch->priv;

	ssize_t n = s->socket ? send_full(s->out, s->sendbuf, len)
			      : write_full(s->out, s->sendbuf, len);

	return n == -1 ? -1 : 0;
}

const void *
fdstream_recv(struct channel *ch, size_t len)
{
	struct fd_stream *s = ch->priv;
	ssize_t n = read_full(s->in, s->recvbuf, len);

	if (n == -1)
		return NULL;
	if ((size_t)n < len) { /* end of file: every write end closed */
		errno = EPIPE;
		return NULL;
	}
	return s->recvbuf;
}

void
fdstream_detach(struct channel *ch)
{
	fdstream_close(ch->priv);
}
