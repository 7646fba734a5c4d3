/* signal_transport.c - the benchmark's "signal": a real-time signal sent
 * with sigqueue() carries up to 4 bytes in its int value; the receiver
 * takes it with sigwaitinfo(), no handler involved.
 *
 * The data signal is SIGRTMIN; a message of 0 bytes is a bare
 * notification, one of 1 to 4 bytes travels in sival_int.  sigwaitinfo()
 * only takes a blocked signal, and a signal sent before it is blocked
 * would kill the process (the default action), so setup() blocks both of
 * this transport's signals in the coordinator: the client and server
 * inherit the mask through fork(), before either can send.  teardown()
 * unblocks them again (after taking any stray one still pending).  The
 * receiver accepts only signals queued by its peer (si_code SI_QUEUE,
 * si_pid the peer) and drops any other.
 *
 * Flow control: real-time signals queue, but only up to the user's
 * RLIMIT_SIGPENDING (shared by all of the user's processes); past it,
 * sigqueue() fails with EAGAIN and the message would be lost.  So the
 * receiver acknowledges every ACK_EVERY messages with SIGRTMIN + 1, and a
 * sender never has more than WINDOW messages unacknowledged: it waits for
 * an acknowledgement (sigwaitinfo on SIGRTMIN + 1 alone, so data signals
 * stay queued meanwhile) before sending past it.  At most WINDOW data
 * signals and a few acknowledgements are pending per direction.  In a
 * ping-pong the acknowledgement has always arrived before it is needed:
 * one extra sigqueue() and sigwaitinfo() every ACK_EVERY round trips.
 *
 * A dead peer cannot be told from a slow one: sigqueue() to a process
 * that has exited fails with ESRCH (reported as EPIPE), but to one not
 * yet reaped it succeeds, and sigwaitinfo() waits for ever; the benchmark
 * kills a side stuck on a dead peer.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"

#define WINDOW	  64 /* unacknowledged messages a sender may have */
#define ACK_EVERY 32 /* messages the receiver takes per acknowledgement */

struct signal_chan {
	sigset_t data, ack;	/* SIGRTMIN; SIGRTMIN + 1 */
	sigset_t ours, blocked; /* both; those setup() had to block */
	int masked;		/* setup() changed the mask */
	unsigned unacked;	/* sent and not yet acknowledged */
	unsigned taken;		/* received since the last acknowledgement */
	union {
		int value;
		char bytes[sizeof(int)];
	} sendbuf, recvbuf;
};

static size_t
signal_max_size(char *why, size_t len)
{
	snprintf(why, len, "a real-time signal carries one int: %zu bytes",
		 sizeof(int));
	return sizeof(int);
}

static void
signal_teardown(struct channel *ch)
{
	struct signal_chan *p = ch->priv;
	const struct timespec now = {0, 0};

	if (p == NULL)
		return;
	if (p->masked) { /* take strays: unblocked, one would kill us */
		while (sigtimedwait(&p->blocked, NULL, &now) > 0)
			;
		sigprocmask(SIG_UNBLOCK, &p->blocked, NULL);
	}
	free(p);
	ch->priv = NULL;
}

static int
signal_setup(struct channel *ch)
{
	struct signal_chan *p = calloc(1, sizeof(*p));
	sigset_t old;

	if (p == NULL)
		return -1;
	ch->priv = p;
	if (ch->size > sizeof(int)) {
		errno = EMSGSIZE;
		return -1;
	}
	sigemptyset(&p->data);
	sigaddset(&p->data, SIGRTMIN);
	sigemptyset(&p->ack);
	sigaddset(&p->ack, SIGRTMIN + 1);
	sigemptyset(&p->ours);
	sigaddset(&p->ours, SIGRTMIN);
	sigaddset(&p->ours, SIGRTMIN + 1);
	if (sigprocmask(SIG_BLOCK, &p->ours, &old) == -1)
		return -1;
	sigemptyset(&p->blocked); /* unblock later only what was not */
	for (int sig = SIGRTMIN; sig <= SIGRTMIN + 1; sig++)
		if (!sigismember(&old, sig))
			sigaddset(&p->blocked, sig);
	p->masked = 1;
	return 0;
}

static int
signal_attach(struct channel *ch)
{
	sigset_t now;

	(void)ch;
	/* Inherited from the coordinator; without it the first signal
	 * would end this process instead of waiting for sigwaitinfo(). */
	if (sigprocmask(SIG_BLOCK, NULL, &now) == -1)
		return -1;
	if (!sigismember(&now, SIGRTMIN) || !sigismember(&now, SIGRTMIN + 1)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Wait for the next signal of set queued by the peer; returns its value. */
static int
wait_peer(const struct channel *ch, const sigset_t *set, int *value)
{
	siginfo_t si;

	for (;;) {
		if (sigwaitinfo(set, &si) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (si.si_code == SI_QUEUE && si.si_pid == ch->peer)
			break; /* anything else is not the peer's: drop it */
	}
	*value = si.si_value.sival_int;
	return 0;
}

/* Queue sig with value to the peer. */
static int
queue_peer(const struct channel *ch, int sig, int value)
{
	union sigval v = {.sival_int = value};

	if (sigqueue(ch->peer, sig, v) == -1) {
		if (errno == ESRCH)
			errno = EPIPE; /* the peer has exited */
		return -1;
	}
	return 0;
}

static void *
signal_send_buf(struct channel *ch, size_t len)
{
	struct signal_chan *p = ch->priv;

	if (len > sizeof(int)) {
		errno = EMSGSIZE;
		return NULL;
	}
	p->sendbuf.value = 0; /* the bytes past len travel as zeros */
	return p->sendbuf.bytes;
}

static int
signal_send(struct channel *ch, size_t len)
{
	struct signal_chan *p = ch->priv;
	int ignored;

	if (len > sizeof(int)) {
		errno = EMSGSIZE;
		return -1;
	}
	if (p->unacked >= WINDOW) { /* the window is full: wait for room */
		if (wait_peer(ch, &p->ack, &ignored) == -1)
			return -1;
		p->unacked -= ACK_EVERY;
	}
	if (queue_peer(ch, SIGRTMIN, p->sendbuf.value) == -1)
		return -1;
	p->unacked++;
	return 0;
}

static const void *
signal_recv(struct channel *ch, size_t len)
{
	struct signal_chan *p = ch->priv;

	if (len > sizeof(int)) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (wait_peer(ch, &p->data, &p->recvbuf.value) == -1)
		return NULL;
	if (++p->taken == ACK_EVERY) {
		p->taken = 0;
		if (queue_peer(ch, SIGRTMIN + 1, 0) == -1)
			return NULL;
	}
	return p->recvbuf.bytes;
}

static void
signal_detach(struct channel *ch)
{
	(void)ch; /* nothing to close: signals are addressed by pid */
}

const struct transport signal_transport = {
	.name = "signal",
	.summary = "a real-time signal's 4-byte value (sigqueue, sigwaitinfo); "
		   "acknowledged every 32, at most 64 unacknowledged",
	.wait = WAIT_BLOCK,
	.max_size = signal_max_size,
	.setup = signal_setup,
	.attach = signal_attach,
	.send_buf = signal_send_buf,
	.send = signal_send,
	.recv = signal_recv,
	.detach = signal_detach,
	.teardown = signal_teardown,
};
