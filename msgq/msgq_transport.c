/* msgq_transport.c - the benchmark's message-queue transports: msgq-sysv
 * and msgq-posix.
 *
 * A message queue keeps message boundaries and copies each message twice:
 * into the kernel at send, out of it at receive.  Each side writes into,
 * and reads from, a private buffer of its own (as the pipe does).
 *
 *   msgq-sysv   one System V queue (msgget) at the run's key, both
 *               directions in it, told apart by the message type: 1 for
 *               client -> server, 2 for server -> client (msgrcv asks for
 *               its type only).  msgsnd's buffer is a long mtype followed
 *               by the bytes, and its length counts the bytes only, so
 *               send_buf() returns the byte area behind the mtype.  The
 *               queue holds at most msg_qbytes bytes (msgmnb when made),
 *               and a sender waits while it is full: that is the stream's
 *               back-pressure.  A message must be at most msgmax bytes
 *               (else EINVAL) and fit the queue (else msgsnd would wait
 *               for ever), so max_size() is the smaller of the two.
 *   msgq-posix  two POSIX queues (mq_open with O_CREAT | O_EXCL), one each
 *               way: "/ipclab-<uid>-<name>.up" and ".down".  Each holds
 *               DEPTH messages of mq_msgsize = the run's size; a sender
 *               waits while its queue is full.  mq_msgsize may not pass
 *               /proc/sys/fs/mqueue/msgsize_max (unless privileged), so
 *               that is max_size(); a larger size is skipped, never cut.
 *
 * A receiver checks each message has the length it expects (EMSGSIZE
 * otherwise).  setup() makes the queues before fork(), so both sides
 * inherit them.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "cleanup.h"
#include "names.h"
#include "sysctl.h"
#include "transport.h"

/* Messages a POSIX queue holds: a few, as the rings' slots, and within the
 * default /proc/sys/fs/mqueue/msg_max of 10. */
#define DEPTH 8

enum { TYPE_UP = 1, TYPE_DOWN = 2 }; /* msgq-sysv: a direction's mtype */
enum { UP, DOWN, QUEUES };	     /* msgq-posix: its two queues */

static const char *const suffix[QUEUES] = {[UP] = "up", [DOWN] = "down"};

/* msgsnd and msgrcv's buffer: the type, then the bytes. */
struct sysv_msg {
	long mtype;
	char mtext[];
};

struct msgq_chan {
	int msqid, msq_h;   /* msgq-sysv, or -1 */
	mqd_t q[QUEUES];    /* msgq-posix, or (mqd_t)-1 */
	int made[QUEUES];   /* created by us, to unlink */
	int handle[QUEUES]; /* cleanup handles, or -1 */
	char names[QUEUES][NAMES_FULL_MAX + 8];
	long out_type, in_type;		    /* msgq-sysv, after attach */
	mqd_t out, in;			    /* msgq-posix, after attach */
	struct sysv_msg *sendbuf, *recvbuf; /* the type is used by sysv */
};

static size_t
msgq_sysv_max_size(char *why, size_t len)
{
	unsigned long max = 0, mnb = 0; /* 0 (carries nothing) if unreadable */

	sysctl_read(SYSCTL_MSGMAX, &max);
	sysctl_read(SYSCTL_MSGMNB, &mnb);

	if (max <= mnb)
		snprintf(why, len,
			 "/proc/sys/kernel/msgmax = %lu (a message; a queue "
			 "holds msgmnb = %lu bytes)",
			 max, mnb);
	else
		snprintf(why, len,
			 "/proc/sys/kernel/msgmnb = %lu (a queue's bytes; "
			 "msgmax = %lu)",
			 mnb, max);
	return (size_t)(max <= mnb ? max : mnb);
}

static size_t
msgq_posix_max_size(char *why, size_t len)
{
	unsigned long max = 0; /* 0 (carries nothing) if unreadable */

	sysctl_read(SYSCTL_MQ_MSGSIZE_MAX, &max);
	snprintf(why, len, "/proc/sys/fs/mqueue/msgsize_max = %lu", max);
	return (size_t)max;
}

static void
msgq_teardown(struct channel *ch)
{
	struct msgq_chan *p = ch->priv;

	if (p == NULL)
		return;
	if (p->msqid != -1)
		msgctl(p->msqid, IPC_RMID, NULL);
	cleanup_forget(p->msq_h);
	for (int i = 0; i < QUEUES; i++) {
		if (p->q[i] != (mqd_t)-1)
			mq_close(p->q[i]);
		if (p->made[i])
			mq_unlink(p->names[i]);
		cleanup_forget(p->handle[i]);
	}
	free(p->sendbuf);
	free(p->recvbuf);
	free(p);
	ch->priv = NULL;
}

/* A channel with nothing made yet and its two buffers, or NULL. */
static struct msgq_chan *
chan_new(struct channel *ch)
{
	struct msgq_chan *p = calloc(1, sizeof(*p));
	void *send, *recv;

	if (p == NULL)
		return NULL;
	ch->priv = p;
	p->msqid = p->msq_h = -1;
	for (int i = 0; i < QUEUES; i++) {
		p->q[i] = (mqd_t)-1;
		p->handle[i] = -1;
	}
	p->out = p->in = (mqd_t)-1;
	if (transport_buffers(&send, &recv,
			      sizeof(struct sysv_msg) + ch->size + 1) == -1)
		return NULL; /* the engine's teardown() frees p */
	p->sendbuf = send;
	p->recvbuf = recv;
	return p;
}

static int
msgq_sysv_setup(struct channel *ch)
{
	struct msgq_chan *p = chan_new(ch);
	key_t key = names_key(ch->name);

	if (p == NULL)
		return -1;
	if (key == -1 ||
	    (p->msqid = msgget(key, IPC_CREAT | IPC_EXCL | 0600)) == -1 ||
	    (p->msq_h = cleanup_add_id(OBJ_SYSV_MSG, p->msqid)) == -1)
		return -1;
	return 0;
}

static int
msgq_posix_setup(struct channel *ch)
{
	struct msgq_chan *p = chan_new(ch);
	unsigned long msg_max = 0;
	struct mq_attr attr = {
		.mq_maxmsg = DEPTH,
		.mq_msgsize = ch->size ? (long)ch->size : 1,
	};
	char base[NAMES_FULL_MAX];

	if (p == NULL)
		return -1;
	if (sysctl_read(SYSCTL_MQ_MSG_MAX, &msg_max) == 0 && msg_max < DEPTH)
		attr.mq_maxmsg = (long)msg_max; /* more would be EINVAL */
	if (names_posix(base, sizeof(base), ch->name) == -1)
		return -1;
	for (int i = 0; i < QUEUES; i++) {
		snprintf(p->names[i], sizeof(p->names[i]), "%s.%s", base,
			 suffix[i]);
		p->q[i] = mq_open(p->names[i], O_RDWR | O_CREAT | O_EXCL, 0600,
				  &attr);
		if (p->q[i] == (mqd_t)-1)
			return -1;
		p->made[i] = 1;
		if ((p->handle[i] =
			     cleanup_add_name(OBJ_POSIX_MQ, p->names[i])) == -1)
			return -1;
	}
	return 0;
}

/* Each side picks its direction: a message type (msgq-sysv), or the queue
 * it sends on and the one it receives from (msgq-posix). */
static int
msgq_attach(struct channel *ch)
{
	struct msgq_chan *p = ch->priv;
	int client = ch->side == SIDE_CLIENT;

	p->out_type = client ? TYPE_UP : TYPE_DOWN;
	p->in_type = client ? TYPE_DOWN : TYPE_UP;
	p->out = p->q[client ? UP : DOWN];
	p->in = p->q[client ? DOWN : UP];
	p->q[UP] = p->q[DOWN] = (mqd_t)-1; /* out and in own them now */
	return 0;
}

static void *
msgq_send_buf(struct channel *ch, size_t len)
{
	struct msgq_chan *p = ch->priv;

	if (len > ch->size) {
		errno = EMSGSIZE;
		return NULL;
	}
	return p->sendbuf->mtext;
}

static int
msgq_sysv_send(struct channel *ch, size_t len)
{
	struct msgq_chan *p = ch->priv;

	p->sendbuf->mtype = p->out_type;
	while (msgsnd(p->msqid, p->sendbuf, len, 0) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

static const void *
msgq_sysv_recv(struct channel *ch, size_t len)
{
	struct msgq_chan *p = ch->priv;
	ssize_t n;

	/* Room for one byte more than expected, so a longer message shows
	 * as a wrong length rather than E2BIG. */
	while ((n = msgrcv(p->msqid, p->recvbuf, ch->size + 1, p->in_type,
			   0)) == -1)
		if (errno != EINTR)
			return NULL;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return NULL;
	}
	return p->recvbuf->mtext;
}

static int
msgq_posix_send(struct channel *ch, size_t len)
{
	struct msgq_chan *p = ch->priv;

	while (mq_send(p->out, p->sendbuf->mtext, len, 0) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

static const void *
msgq_posix_recv(struct channel *ch, size_t len)
{
	struct msgq_chan *p = ch->priv;
	ssize_t n;

	/* The buffer must hold mq_msgsize bytes, or mq_receive fails with
	 * EMSGSIZE before it looks at the message. */
	while ((n = mq_receive(p->in, p->recvbuf->mtext,
			       ch->size ? ch->size : 1, NULL)) == -1)
		if (errno != EINTR)
			return NULL;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return NULL;
	}
	return p->recvbuf->mtext;
}

static void
msgq_detach(struct channel *ch)
{
	struct msgq_chan *p = ch->priv;

	if (p->out != (mqd_t)-1)
		mq_close(p->out);
	if (p->in != (mqd_t)-1)
		mq_close(p->in);
	p->out = p->in = (mqd_t)-1;
}

const struct transport msgq_sysv_transport = {
	.name = "msgq-sysv",
	.summary = "one System V message queue, a message type each way "
		   "(msgsnd, msgrcv)",
	.wait = WAIT_BLOCK,
	.max_size = msgq_sysv_max_size,
	.setup = msgq_sysv_setup,
	.attach = msgq_attach,
	.send_buf = msgq_send_buf,
	.send = msgq_sysv_send,
	.recv = msgq_sysv_recv,
	.detach = msgq_detach,
	.teardown = msgq_teardown,
};

const struct transport msgq_posix_transport = {
	.name = "msgq-posix",
	.summary = "two POSIX message queues, one each way (mq_send, "
		   "mq_receive)",
	.wait = WAIT_BLOCK,
	.max_size = msgq_posix_max_size,
	.setup = msgq_posix_setup,
	.attach = msgq_attach,
	.send_buf = msgq_send_buf,
	.send = msgq_posix_send,
	.recv = msgq_posix_recv,
	.detach = msgq_detach,
	.teardown = msgq_teardown,
};
