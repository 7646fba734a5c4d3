/* msgq_posix_recv.c - receive messages, highest priority first, from a
 * POSIX message queue.
 *
 * Waits (a bounded time) for msgq_posix_send's queue to appear, opens it
 * and its reply queue, reads the queue's attributes (mq_getattr) to size
 * its buffer, says hello on the reply queue, and takes every message with
 * mq_timedreceive: the oldest of the highest priority first, so urgent
 * ones overtake normal ones that wait.  It checks each arrives once, in
 * order within its priority, with every byte intact; pauses -i MS after
 * each, as a slow consumer would, so that messages queue up; and when it
 * has them all, sends its count on the reply queue.  It creates nothing,
 * so it removes nothing -- unless the sender dies without cleaning up
 * (SIGKILL): then it takes what the queue still holds, says so, unlinks
 * both queues and exits 1.
 *
 * Why over 200 lines: it checks that both queues are yours, waits in
 * slices to notice a dead sender, and then cleans up in its place;
 * msgq_minimal_recv.c is the bare exchange (System V).
 *
 *   $ build/bin/msgq_posix_send -n 6 &
 *   $ build/bin/msgq_posix_recv
 *   msgq_posix_recv 4243: #3/6 urgent (priority 1) from sender 4242: ...
 *   msgq_posix_recv 4243: #6/6 urgent (priority 1) from sender 4242: ...
 *   msgq_posix_recv 4243: #1/6 normal (priority 0) from sender 4242: ...
 *   ...
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "msgq_posix.h"
#include "names.h"
#include "opts.h"
#include "owner.h"
#include "payload.h"
#include "proc.h"

static const char usage[] =
	"usage: msgq_posix_recv [-i MS] [-t SECONDS] [-N NAME]\n"
	"Print the messages msgq_posix_send sends through a POSIX message\n"
	"queue, highest priority first, and report when all have come.\n"
	"  -i MS       pause after each message, so that messages queue up\n"
	"              (default 100)\n"
	"  -t SECONDS  give up if no sender appears for this long (default 10)\n"
	"  -N NAME     meet the sender at /ipclab-<uid>-NAME (default "
	"msgq-posix)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {MSGQ_POSIX_NAME, 0, 100, 10};
static char name[NAMES_FULL_MAX], rname[NAMES_FULL_MAX + 8];
static mqd_t q, rq;
static pid_t sender;		 /* from the first message */
static unsigned long got, total; /* messages taken; how many will come */

/* Exit 1, naming the owner, unless queue path is ours: q is its
 * descriptor, or -1 when mq_open said EACCES (then its file tells). */
static void
check_ours(const char *path, mqd_t q)
{
	struct owner who;
	int err = errno;

	if (q != (mqd_t)-1) {
		if (owner_check_fd(q, &who) == -1)
			die_errno("%s belongs to %s, not to you; not using it",
				  path, who.desc);
		return;
	}
	if (owner_check_posix(OBJ_POSIX_MQ, path, &who) == -1 && errno == EPERM)
		die("%s belongs to %s, not to you: mq_open says permission "
		    "denied",
		    path, who.desc);
	errno = err;
}

/* Open the sender's queue, polling until it exists or time runs out. */
static void
open_queues(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;

	while ((q = mq_open(name, O_RDONLY)) == (mqd_t)-1) {
		if (errno == EACCES) /* someone else's, mode 0600 */
			check_ours(name, -1);
		if (errno != ENOENT)
			die_errno("mq_open %s", name);
		if (clock_ns() > deadline)
			die("no sender in %lu s: start msgq_posix_send -N %s "
			    "first",
			    opt.timeout_s, opt.name);
		sleep_ms(50);
	}
	/* The names are derived from a public one: anyone can make queues
	 * of those names first, mode 0666, to feed us their messages and
	 * read our replies.  Root may open anything, so check the owner;
	 * an mqd_t is a descriptor on Linux (mq_overview(7)): fstat works. */
	check_ours(name, q);
	/* Made before the message queue; O_NONBLOCK: it has room for our
	 * two replies, and if it has none we would rather know. */
	rq = mq_open(rname, O_WRONLY | O_NONBLOCK);
	if (rq == (mqd_t)-1 && errno == EACCES)
		check_ours(rname, -1);
	if (rq == (mqd_t)-1)
		die_errno("mq_open %s", rname);
	check_ours(rname, rq);
}

/* Send a reply: done 0 is the hello, 1 the final count. */
static void
reply(int done, unsigned long urgent)
{
	struct msgq_posix_reply r = {getpid(), done, got, urgent};

	if (mq_send(rq, (const char *)&r, sizeof(r), 0) == -1)
		die_errno("mq_send %s", rname);
}

/* The sender died without unlinking its queues: nobody else will. */
static _Noreturn void
sender_gone(void)
{
	mq_unlink(name); /* may fail: a SIGTERM unlinks, then dies */
	mq_unlink(rname);
	die("sender %ld died without cleaning up; unlinked its queues after "
	    "%lu of %lu messages",
	    (long)sender, got, total);
}

/* Take the next message, waiting in MSGQ_POLL_MS slices and checking
 * between them that the sender runs.  Returns its size. */
static ssize_t
receive(char *buf, size_t room, unsigned *prio, uint64_t deadline)
{
	struct timespec until = realtime_after_ms(MSGQ_POLL_MS);
	int gone = 0;
	ssize_t n;

	while ((n = mq_timedreceive(q, buf, room, prio, &until)) == -1) {
		if (errno != ETIMEDOUT && errno != EINTR)
			die_errno("mq_timedreceive %s", name);
		if (gone) /* it was dead and we looked once more */
			sender_gone();
		if (sender != 0 && !pid_alive(sender))
			gone = 1; /* take what it sent, then stop */
		else if (sender == 0 && clock_ns() > deadline)
			die("no message in %lu s: is msgq_posix_send -N %s "
			    "running?",
			    opt.timeout_s, opt.name);
		until = realtime_after_ms(gone ? 0 : MSGQ_POLL_MS);
	}
	return n;
}

/* Check the message in buf, n bytes at priority prio, is the next one of
 * its priority, whole; next[prio] is that one's seq. */
static void
check(const char *buf, ssize_t n, unsigned prio, unsigned long *next)
{
	const struct msgq_posix_head *h = (const struct msgq_posix_head *)buf;
	size_t bad;

	if ((size_t)n < sizeof(*h))
		die("a message of %zd bytes: too short for its header", n);
	if (prio != MSGQ_PRIO_URGENT && prio != MSGQ_PRIO_NORMAL)
		die("a message of priority %u: not one the sender uses", prio);
	if (h->seq != next[prio] || MSGQ_PRIO_OF(h->seq) != prio)
		die("expected message #%lu of priority %u, got #%lu",
		    next[prio], prio, h->seq);
	if (payload_verify(buf + sizeof(*h), (size_t)n - sizeof(*h), h->seq,
			   &bad) == -1)
		die("message #%lu: byte %zu of its payload is wrong", h->seq,
		    sizeof(*h) + bad);
	do /* the next seq of the same priority */
		next[prio]++;
	while (MSGQ_PRIO_OF(next[prio]) != prio);
}

int
main(int argc, char **argv)
{
	unsigned long next[2] = {1, 3}, urgent = 0; /* first of each */
	const struct msgq_posix_head *h;
	struct mq_attr attr;
	uint64_t deadline;
	unsigned prio;
	char *buf;
	ssize_t n;

	opts_parse(&opt, "Nit", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name); /* opts_parse checked */
	snprintf(rname, sizeof(rname), "%s%s", name, MSGQ_REPLY_SUFFIX);
	setvbuf(stdout, NULL, _IOLBF, 0);

	open_queues();
	/* mq_receive fails with EMSGSIZE if the buffer is smaller than the
	 * queue's mq_msgsize, even for a shorter message. */
	if (mq_getattr(q, &attr) == -1)
		die_errno("mq_getattr %s", name);
	buf = malloc((size_t)attr.mq_msgsize);
	if (buf == NULL)
		die_errno("malloc %ld bytes", attr.mq_msgsize);
	h = (const struct msgq_posix_head *)buf;
	printf("msgq_posix_recv %ld: %s: room for %ld messages of %ld bytes, "
	       "%ld waiting now; highest priority first\n",
	       (long)getpid(), name, attr.mq_maxmsg, attr.mq_msgsize,
	       attr.mq_curmsgs);
	reply(0, 0); /* hello: the sender learns our pid */

	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	do {
		n = receive(buf, (size_t)attr.mq_msgsize, &prio, deadline);
		check(buf, n, prio, next);
		sender = h->sender;
		total = h->total;
		got++;
		urgent += prio == MSGQ_PRIO_URGENT;
		printf("msgq_posix_recv %ld: #%lu/%lu %s (priority %u) from "
		       "sender %ld: \"%.*s\"\n",
		       (long)getpid(), h->seq, total,
		       prio == MSGQ_PRIO_URGENT ? "urgent" : "normal", prio,
		       (long)sender, MSGQ_TEXT_MAX, h->text);
		if (got < total)
			sleep_ms((unsigned)opt.interval_ms);
	} while (got < total);

	reply(1, urgent);
	printf("msgq_posix_recv %ld: all %lu here; told sender %ld on %s\n",
	       (long)getpid(), got, (long)sender, rname);
	if (mq_close(q) == -1 || mq_close(rq) == -1)
		die_errno("mq_close");
	free(buf);
	return 0;
}
