/* transport.h - what one IPC mechanism gives the benchmark.
 *
 * ipcbench measures every mechanism with one protocol.  A coordinating
 * process calls setup(), forks a client and a server, and each of them
 * calls attach() with its side; the client sends a message, the server
 * receives it and sends one back (latency), or the client streams messages
 * and the server acknowledges the last (throughput).  When both have ended,
 * the coordinator calls teardown(), which removes every object setup()
 * made, whatever happened.  A process blocked on a peer that died is
 * killed by the coordinator, so a transport needs no timeouts of its own.
 *
 * Messages are written and read in place: send_buf() says where the next
 * message's bytes go, the caller writes all of them there, and send()
 * carries them; recv() returns where a received message's bytes are.  A
 * transport that copies (a pipe) hands out a private buffer; a shared-
 * memory ring hands out the slot itself, so no transport pays for a copy
 * it does not need, and every byte is still written by the sender and read
 * by the receiver.
 *
 * Every function but teardown returns 0 (or a pointer) on success, and -1
 * (or NULL) with errno set on failure: EPIPE when the peer is gone,
 * EMSGSIZE when a message arrives with another length than expected.
 */
#ifndef IPCLAB_TRANSPORT_H
#define IPCLAB_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "cleanup.h"
#include "names.h"

enum side {
	SIDE_CLIENT, /* sends first; times the round trips */
	SIDE_SERVER, /* answers */
};

enum wait_kind {
	WAIT_BLOCK, /* sleeps in the kernel until the peer acts */
	WAIT_SPIN,  /* polls memory, burning its CPU while it waits */
};

/* One connection between a client and a server, as one transport sees it.
 * The caller fills name, size, side and peer; the transport owns priv. */
struct channel {
	char name[NAMES_SHORT_MAX + 1]; /* unique to this run (names_unique) */
	size_t size;	/* largest message of this run, <= the max size */
	enum side side; /* set before attach() */
	pid_t peer;	/* the other process, set before attach() */
	void *priv;	/* the transport's own state, made by setup() */
};

struct transport {
	const char *name;    /* "pipe", "shm-posix": its folder's name first */
	const char *summary; /* one line for ipcbench --list */
	enum wait_kind wait;

	/* The largest message it can carry on this machine: SIZE_MAX if it
	 * has no limit of its own, 0 if it carries only a notification.
	 * Writes why it is the limit into why
	 * ("/proc/sys/fs/mqueue/msgsize_max = 8192"), for the rows of
	 * sizes it must skip. */
	size_t (*max_size)(char *why, size_t len);

	/* In the coordinator, before fork: make the objects both sides will
	 * use, register each with cleanup (cleanup.h) as it is made.  On
	 * failure, return -1 with errno set and leave what was made: the
	 * engine calls teardown() after every setup(), failed or not. */
	int (*setup)(struct channel *ch);

	/* In the client and in the server, after fork: open, map or connect
	 * its side; close what the other side uses. */
	int (*attach)(struct channel *ch);

	/* Where the next message's len bytes go; the caller writes them all
	 * before send().  May wait for room (a ring whose slots are full). */
	void *(*send_buf)(struct channel *ch, size_t len);

	/* Send the len bytes written at send_buf(). */
	int (*send)(struct channel *ch, size_t len);

	/* Wait for the next message, which must be len bytes long, and return
	 * where its bytes are: valid until the next recv() on ch. */
	const void *(*recv)(struct channel *ch, size_t len);

	/* In the client and in the server, at the end: unmap and close. */
	void (*detach)(struct channel *ch);

	/* In the coordinator, always, once both sides have ended: remove what
	 * setup() made (and cleanup_forget() it), free priv.  Safe after a
	 * failed or partial setup(). */
	void (*teardown)(struct channel *ch);
};

/* Every transport, in --list order, and how many there are. */
extern const struct transport *const transports[];
extern const size_t transports_count;

/* The transport called name, or NULL. */
const struct transport *transport_find(const char *name);

/* ---- what transports share ------------------------------------------- */

/* Close *fd unless it is -1, and make it -1. */
void transport_close(int *fd);

/* Remove the object setup() made and registered with cleanup under
 * *handle, stop tracking it, and make *handle -1; nothing if it is -1. */
void transport_remove(enum obj_kind kind, const char *name, int *handle);

/* Before a transport makes its private directory for channel name:
 * remove the stale ones a SIGKILLed ipcbench left (sweep_stale_dirs):
 * those of the same name, or, for the default names_unique() name
 * "<pid>-<n>-bench" that each run changes, those of every such name. */
void transport_sweep_dirs(const char *name);

/* Allocate *send and *recv, size bytes each (at least 1).  Returns 0, or
 * -1 with errno ENOMEM and neither allocated. */
int transport_buffers(void **send, void **recv, size_t size);

/* A byte stream through file descriptors (pipe, fifo, a stream socket):
 * two, one each way, or one socket both ways (in == out).  A transport
 * built on it keeps a struct fd_stream as the first member of its priv,
 * so that the fdstream_* functions serve as its send_buf, send, recv and
 * detach: a message is one write_full() (send_full() on a socket) and one
 * read_full() of exactly its length, and end of file is EPIPE (the peer
 * has gone). */
struct fd_stream {
	int in, out;		 /* this side's ends after attach, else -1 */
	int socket;		 /* send with MSG_NOSIGNAL: EPIPE, not SIGPIPE */
	char *sendbuf, *recvbuf; /* room for one message each */
};

/* Allocate the buffers for messages of up to size bytes; the ends -1.
 * Returns 0, or -1 with errno ENOMEM. */
int fdstream_init(struct fd_stream *s, size_t size);

/* Close the ends and free the buffers; safe after a failed init. */
void fdstream_free(struct fd_stream *s);

void *fdstream_send_buf(struct channel *ch, size_t len);
int fdstream_send(struct channel *ch, size_t len);
const void *fdstream_recv(struct channel *ch, size_t len);
void fdstream_detach(struct channel *ch);

#endif
