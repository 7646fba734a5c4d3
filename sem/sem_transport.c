/* sem_transport.c - the benchmark's semaphore transports: sem-sysv,
 * sem-posix and sem-eventfd.  Notification only: a semaphore carries no data, so their
 * max_size() is 0 and ipcbench measures them with empty messages, as
 * notification latency and notifications a second.
 *
 * Each direction ("up": client -> server, "down": server -> client) has
 * two counting semaphores, avail (notifications sent and not yet
 * received, from 0) and credit.  A semaphore's value has a ceiling
 * (SEMVMX = 32767 for System V, where semop fails with ERANGE past it;
 * SEM_VALUE_MAX for POSIX, EOVERFLOW), and in a stream the sender posts
 * back to back: so avail is never let past CREDIT, and a sender that
 * finds CREDIT in flight waits for the receiver, as it would on a full
 * ring or pipe.  The two transports keep that bound differently:
 *
 *   sem-sysv   one System V set of four semaphores (semget), at the run's
 *              key.  credit counts what the sender may still send (from
 *              CREDIT): send = take a credit and post avail, recv = take
 *              avail and give the credit back, each one semop() of two
 *              operations, which the kernel applies together, in one
 *              system call.  No SEM_UNDO: these count notifications,
 *              they are no lock a process holds.
 *   sem-posix  four named POSIX semaphores (sem_open),
 *              "/ipclab-<uid>-<name>.up", ".up-credit", ".down" and
 *              ".down-credit" (in /dev/shm as sem.ipclab-...).  Here a
 *              credit taken and given back would be two more atomic
 *              operations a message, on two more cache lines that both
 *              sides write: in a ping-pong that is what a plain pair of
 *              semaphores does not pay.  So the sender reads avail first
 *              (the line it is about to post anyway) and posts while it
 *              is below CREDIT; only at CREDIT does it sleep on credit,
 *              which the receiver posts when its wait takes avail down
 *              from CREDIT (see posix_send()).  A ping-pong never has
 *              more than one in flight, so it touches one semaphore a
 *              direction, as the plain pair does (make bench-check holds
 *              it to ipcbench-bare's).  sem_post and sem_wait stay in
 *              user space unless a side must sleep or be woken.
 *
 * sem-eventfd is the exception to the credits: two eventfds made with
 * EFD_SEMAPHORE, one each way.  send = write(2) of the number 1, which
 * adds 1 to the counter; recv = read(2) of 8 bytes, which waits until the
 * counter is not 0 and takes 1 from it (eventfd(2)).  Its ceiling is
 * 2^64 - 2, which no stream comes near, so it needs no credits: the
 * sender never waits, as a writer to a pipe that is never full would
 * not.  Every send and every recv is one system call; there is no
 * user-space fast path as sem_post and sem_wait have.
 *
 * setup() makes the semaphores before fork(), so both sides inherit them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "cleanup.h"
#include "names.h"
#include "transport.h"

/* Notifications one side may send ahead of the other: enough to keep a
 * stream going, far below both ceilings. */
#define CREDIT 8

_Static_assert(CREDIT <= 32767 && CREDIT <= SEM_VALUE_MAX,
	       "a credit must fit a semaphore");

/* The four semaphores, in sem-sysv's set and sem-posix's array. */
enum { UP_AVAIL, UP_CREDIT, DOWN_AVAIL, DOWN_CREDIT, SEM_COUNT };

static const char *const suffix[SEM_COUNT] = {
	[UP_AVAIL] = "up",
	[UP_CREDIT] = "up-credit",
	[DOWN_AVAIL] = "down",
	[DOWN_CREDIT] = "down-credit",
};

/* semctl(2): "the calling program must define this union". */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct sem_chan {
	int semid, sem_h;      /* sem-sysv, or -1 */
	sem_t *sem[SEM_COUNT]; /* sem-posix: NULL until opened */
	int made[SEM_COUNT];   /* sem-posix: created by us, to unlink */
	int handle[SEM_COUNT]; /* sem-posix: cleanup handles, or -1 */
	char names[SEM_COUNT][NAMES_FULL_MAX + 16];
	int efd[2]; /* sem-eventfd: [0] up, [1] down, or -1 */
	int out_avail, out_credit, in_avail, in_credit; /* after attach */
	char none; /* where an empty message is "written" and "read" */
};

static size_t
sem_max_size(char *why, size_t len)
{
	snprintf(why, len, "a semaphore carries no data, only a notification");
	return 0;
}

static void
sem_teardown(struct channel *ch)
{
	struct sem_chan *p = ch->priv;

	if (p == NULL)
		return;
	if (p->semid != -1)
		semctl(p->semid, 0, IPC_RMID);
	cleanup_forget(p->sem_h);
	for (int i = 0; i < SEM_COUNT; i++) {
		if (p->sem[i] != NULL)
			sem_close(p->sem[i]);
		if (p->made[i])
			sem_unlink(p->names[i]);
		cleanup_forget(p->handle[i]);
	}
	transport_close(&p->efd[0]);
	transport_close(&p->efd[1]);
	free(p);
	ch->priv = NULL;
}

static struct sem_chan *
chan_new(struct channel *ch)
{
	struct sem_chan *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	ch->priv = p;
	p->semid = p->sem_h = p->efd[0] = p->efd[1] = -1;
	for (int i = 0; i < SEM_COUNT; i++)
		p->handle[i] = -1;
	return p;
}

static int
sem_sysv_setup(struct channel *ch)
{
	unsigned short init[SEM_COUNT] = {
		[UP_CREDIT] = CREDIT, [DOWN_CREDIT] = CREDIT};
	union semun arg = {.array = init};
	struct sem_chan *p = chan_new(ch);
	key_t key = names_key(ch->name);

	if (p == NULL)
		return -1;
	if (key == -1 ||
	    (p->semid = semget(key, SEM_COUNT, IPC_CREAT | IPC_EXCL | 0600)) ==
		    -1 ||
	    (p->sem_h = cleanup_add_id(OBJ_SYSV_SEM, p->semid)) == -1 ||
	    semctl(p->semid, 0, SETALL, arg) == -1)
		return -1;
	return 0;
}

static int
sem_posix_setup(struct channel *ch)
{
	struct sem_chan *p = chan_new(ch);
	char base[NAMES_FULL_MAX];

	if (p == NULL)
		return -1;
	if (names_posix(base, sizeof(base), ch->name) == -1)
		return -1;
	for (int i = 0; i < SEM_COUNT; i++) {
		snprintf(p->names[i], sizeof(p->names[i]), "%s.%s", base,
			 suffix[i]);
		p->sem[i] = sem_open(p->names[i], O_CREAT | O_EXCL, 0600, 0);
		if (p->sem[i] == SEM_FAILED) {
			p->sem[i] = NULL;
			return -1;
		}
		p->made[i] = 1;
		if ((p->handle[i] = cleanup_add_name(OBJ_POSIX_SEM,
						     p->names[i])) == -1)
			return -1;
	}
	return 0;
}

/* Two eventfds, each a counting semaphore at 0; no name, nothing to
 * register with cleanup: the kernel frees each when its last descriptor
 * is closed, by teardown() here and by the exit of each side. */
static int
sem_eventfd_setup(struct channel *ch)
{
	struct sem_chan *p = chan_new(ch);

	if (p == NULL)
		return -1;
	for (int i = 0; i < 2; i++)
		if ((p->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE)) == -1)
			return -1;
	return 0;
}

/* All are made before fork(): each side only picks its direction. */
static int
sem_attach(struct channel *ch)
{
	struct sem_chan *p = ch->priv;
	int client = ch->side == SIDE_CLIENT;

	p->out_avail = client ? UP_AVAIL : DOWN_AVAIL;
	p->out_credit = client ? UP_CREDIT : DOWN_CREDIT;
	p->in_avail = client ? DOWN_AVAIL : UP_AVAIL;
	p->in_credit = client ? DOWN_CREDIT : UP_CREDIT;
	return 0;
}

static void *
sem_send_buf(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;

	if (len != 0) {
		errno = EMSGSIZE;
		return NULL;
	}
	return &p->none;
}

/* One semop of two operations: take the first semaphore (waiting for it),
 * give the second, both at once. */
static int
sysv_take_give(int semid, int take, int give)
{
	struct sembuf ops[2] = {
		{.sem_num = (unsigned short)take, .sem_op = -1},
		{.sem_num = (unsigned short)give, .sem_op = 1},
	};

	while (semop(semid, ops, 2) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* sem-posix's send: post avail while it holds fewer than CREDIT;
 * otherwise sleep on credit until the receiver has taken one, and look
 * again.  The receiver takes avail from CREDIT only after this side has
 * seen CREDIT, and then posts credit unless a post is already pending
 * (posix_recv()): so a sleep here always has a post to wake it, and
 * credit never holds more than one.  sem_getvalue() may say 0 while a
 * process waits (sem_getvalue(3)): below CREDIT either way. */
static int
posix_send(sem_t *avail, sem_t *credit)
{
	int v;

	for (;;) {
		if (sem_getvalue(avail, &v) == -1)
			return -1;
		if (v < CREDIT)
			return sem_post(avail);
		while (sem_wait(credit) == -1)
			if (errno != EINTR)
				return -1;
	}
}

/* sem-posix's receive: take avail; if that took it down from CREDIT, the
 * sender may be asleep on credit: wake it, unless a wake-up is pending. */
static int
posix_recv(sem_t *avail, sem_t *credit)
{
	int v, pending;

	while (sem_wait(avail) == -1)
		if (errno != EINTR)
			return -1;
	if (sem_getvalue(avail, &v) == -1)
		return -1;
	if (v != CREDIT - 1)
		return 0;
	if (sem_getvalue(credit, &pending) == -1)
		return -1;
	return pending > 0 ? 0 : sem_post(credit);
}

static int
sem_sysv_send(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;

	if (len != 0) {
		errno = EMSGSIZE;
		return -1;
	}
	return sysv_take_give(p->semid, p->out_credit, p->out_avail);
}

static const void *
sem_sysv_recv(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;

	if (len != 0) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (sysv_take_give(p->semid, p->in_avail, p->in_credit) == -1)
		return NULL;
	return &p->none;
}

static int
sem_posix_send(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;

	if (len != 0) {
		errno = EMSGSIZE;
		return -1;
	}
	return posix_send(p->sem[p->out_avail], p->sem[p->out_credit]);
}

static const void *
sem_posix_recv(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;

	if (len != 0) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (posix_recv(p->sem[p->in_avail], p->sem[p->in_credit]) == -1)
		return NULL;
	return &p->none;
}

static int
sem_eventfd_send(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;
	uint64_t one = 1;
	ssize_t n;

	if (len != 0) {
		errno = EMSGSIZE;
		return -1;
	}
	do /* adds 1; blocks only at the ceiling, 2^64 - 2 */
		n = write(p->efd[ch->side == SIDE_CLIENT ? 0 : 1], &one,
			  sizeof(one));
	while (n == -1 && errno == EINTR);
	return n == sizeof(one) ? 0 : -1;
}

static const void *
sem_eventfd_recv(struct channel *ch, size_t len)
{
	struct sem_chan *p = ch->priv;
	uint64_t got;
	ssize_t n;

	if (len != 0) {
		errno = EMSGSIZE;
		return NULL;
	}
	do /* EFD_SEMAPHORE: waits for a count, takes 1, returns 1 */
		n = read(p->efd[ch->side == SIDE_CLIENT ? 1 : 0], &got,
			 sizeof(got));
	while (n == -1 && errno == EINTR);
	if (n != sizeof(got))
		return NULL;
	return &p->none;
}

/* sem-posix: close this side's mappings of the semaphores (teardown()
 * unlinks them); sem-eventfd: its descriptors.  sem-sysv has nothing
 * open: a set is used by its id. */
static void
sem_detach(struct channel *ch)
{
	struct sem_chan *p = ch->priv;

	for (int i = 0; i < SEM_COUNT; i++) {
		if (p->sem[i] != NULL)
			sem_close(p->sem[i]);
		p->sem[i] = NULL;
	}
	transport_close(&p->efd[0]); /* sem-eventfd */
	transport_close(&p->efd[1]);
}

const struct transport sem_sysv_transport = {
	.name = "sem-sysv",
	.summary = "System V semaphores, notification only (semget, semop)",
	.wait = WAIT_BLOCK,
	.max_size = sem_max_size,
	.setup = sem_sysv_setup,
	.attach = sem_attach,
	.send_buf = sem_send_buf,
	.send = sem_sysv_send,
	.recv = sem_sysv_recv,
	.detach = sem_detach,
	.teardown = sem_teardown,
};

const struct transport sem_posix_transport = {
	.name = "sem-posix",
	.summary = "named POSIX semaphores, notification only (sem_open, "
		   "sem_post)",
	.wait = WAIT_BLOCK,
	.max_size = sem_max_size,
	.setup = sem_posix_setup,
	.attach = sem_attach,
	.send_buf = sem_send_buf,
	.send = sem_posix_send,
	.recv = sem_posix_recv,
	.detach = sem_detach,
	.teardown = sem_teardown,
};

const struct transport sem_eventfd_transport = {
	.name = "sem-eventfd",
	.summary = "eventfds with EFD_SEMAPHORE, one each way, notification "
		   "only (eventfd, write, read)",
	.wait = WAIT_BLOCK,
	.max_size = sem_max_size,
	.setup = sem_eventfd_setup,
	.attach = sem_attach,
	.send_buf = sem_send_buf,
	.send = sem_eventfd_send,
	.recv = sem_eventfd_recv,
	.detach = sem_detach,
	.teardown = sem_teardown,
};
