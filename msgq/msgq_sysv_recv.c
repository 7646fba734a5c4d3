/* msgq_sysv_recv.c - receive urgent messages before normal ones from a
 * System V message queue.
 *
 * Waits (a bounded time) for msgq_sysv_send's queue to appear, then takes
 * every message with msgrcv(-2): of the messages waiting, the lowest type
 * first, so urgent ones (type 1) overtake normal ones (type 2).  It checks
 * each arrives once, in order within its type, with every byte intact;
 * pauses -i MS after each, as a slow consumer would, so that messages
 * queue up; and when it has them all, replies to the sender under the
 * sender's own type, and waits until the sender has taken the reply.
 * It creates nothing, so it removes nothing -- unless the sender dies
 * without cleaning up (SIGKILL): then it takes what the queue still
 * holds, says so, removes the queue and exits 1.
 *
 * Why over 200 lines: it checks that the queue is yours, waits in slices
 * to notice a dead sender, and then cleans up in its place;
 * msgq_minimal_recv.c is the bare exchange.
 *
 *   $ build/bin/msgq_sysv_send -n 6 &
 *   $ build/bin/msgq_sysv_recv
 *   msgq_sysv_recv 4243: #3/6 urgent (type 1) from sender 4242: "hello 3 ...
 *   msgq_sysv_recv 4243: #6/6 urgent (type 1) from sender 4242: "hello 6 ...
 *   msgq_sysv_recv 4243: #1/6 normal (type 2) from sender 4242: "hello 1 ...
 *   ...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "msgq_sysv.h"
#include "names.h"
#include "opts.h"
#include "owner.h"
#include "payload.h"
#include "proc.h"
#include "sysctl.h"

static const char usage[] =
	"usage: msgq_sysv_recv [-i MS] [-t SECONDS] [-N NAME]\n"
	"Print the messages msgq_sysv_send sends through a System V message\n"
	"queue, urgent ones first, and reply when all have come.\n"
	"  -i MS       pause after each message, so that messages queue up\n"
	"              (default 100)\n"
	"  -t SECONDS  give up if no sender appears for this long (default 10)\n"
	"  -N NAME     meet the sender at ipclab-<uid>-NAME (default msgq-sysv)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {MSGQ_SYSV_NAME, 0, 100, 10};
static int qid;
static pid_t sender;		 /* from the first message's head */
static unsigned long got, total; /* messages taken; how many will come */

/* Find the sender's queue, polling until it exists or time runs out. */
static void
find_queue(key_t key)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	struct owner who;

	for (;;) {
		qid = msgget(key, 0);
		if (qid == -1 && errno != ENOENT)
			die_errno("msgget key 0x%08x", (unsigned)key);
		/* The key is derived from a public name: anyone can make a
		 * queue there first, mode 0666, and read our reply or feed
		 * us theirs.  Root may open anything, so check the owner. */
		if (qid != -1 && owner_check_sysv(OBJ_SYSV_MSG, qid, &who) == 0)
			return;
		if (qid != -1 && errno != EIDRM && errno != EINVAL)
			die_errno("queue %d at key 0x%08x (-N %s) belongs to "
				  "%s, not to you; not using it",
				  qid, (unsigned)key, opt.name, who.desc);
		if (clock_ns() > deadline)
			die("no sender in %lu s: start msgq_sysv_send -N %s "
			    "first",
			    opt.timeout_s, opt.name);
		sleep_ms(50);
	}
}

/* The sender's pid: from its messages, or before the first one from the
 * queue's last sender (msg_lspid); 0 if nobody has sent yet. */
static pid_t
sender_pid(void)
{
	struct msqid_ds ds;

	if (sender != 0)
		return sender;
	if (msgctl(qid, IPC_STAT, &ds) == -1)
		die_errno("msgctl IPC_STAT queue %d", qid);
	return ds.msg_lspid;
}

/* The sender died without removing its queue: nobody else will. */
static _Noreturn void
sender_gone(pid_t pid)
{
	msgctl(qid, IPC_RMID, NULL); /* may fail: it could be gone already */
	die("sender %ld died without cleaning up; removed its queue after "
	    "%lu of %lu messages",
	    (long)pid, got, total);
}

/* A queue records no creator, only its last sender and receiver
 * (msg_lspid, msg_lrpid).  Once we have replied and exited, both would
 * name us, a dead process, until the sender takes the reply, and a stale
 * sweep in between would remove the queue under it.  So wait until the
 * sender has taken it (it is the last receiver) or removed the queue. */
static void
wait_reply_taken(void)
{
	struct msqid_ds ds;

	while (msgctl(qid, IPC_STAT, &ds) == 0 && ds.msg_lrpid != sender) {
		if (!pid_alive(sender))
			sender_gone(sender);
		sleep_ms(MSGQ_POLL_MS);
	}
}

/* Take the next message, urgent before normal: msgtyp -MSGQ_NORMAL asks
 * for the lowest type at most 2.  msgrcv cannot time out, so poll with
 * IPC_NOWAIT, and while the queue is empty check that the sender runs. */
static ssize_t
receive(struct msgq_sysv_msg *m, size_t room, uint64_t deadline)
{
	pid_t gone = 0, pid;
	ssize_t n;

	while ((n = msgrcv(qid, m, room, -MSGQ_NORMAL, IPC_NOWAIT)) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EIDRM || errno == EINVAL)
			die("the sender removed the queue before the last "
			    "message");
		if (errno != ENOMSG) /* ENOMSG: none of those types waits */
			die_errno("msgrcv from queue %d", qid);
		if (gone != 0) /* it was dead and we looked once more */
			sender_gone(gone);
		pid = sender_pid();
		if (pid != 0 && !pid_alive(pid))
			gone = pid; /* take what it sent, then stop */
		else if (pid == 0 && clock_ns() > deadline)
			die("no message in %lu s: is msgq_sysv_send -N %s "
			    "running?",
			    opt.timeout_s, opt.name);
		else
			sleep_ms(MSGQ_POLL_MS);
	}
	return n;
}

/* The next seq of type after seq after. */
static unsigned long
next_of_type(long type, unsigned long after)
{
	do
		after++;
	while (MSGQ_TYPE_OF(after) != type);
	return after;
}

/* Check m, n bytes long, is the next message of its type, whole. */
static void
check(const struct msgq_sysv_msg *m, ssize_t n, unsigned long *next)
{
	const struct msgq_sysv_head *h = &m->head;
	size_t bad;

	if ((size_t)n < sizeof(*h))
		die("a message of %zd bytes: too short for its header", n);
	if (m->mtype != MSGQ_URGENT && m->mtype != MSGQ_NORMAL)
		die("a message of type %ld: not one we asked for", m->mtype);
	if (h->seq != next[m->mtype] || MSGQ_TYPE_OF(h->seq) != m->mtype)
		die("expected message #%lu of type %ld, got #%lu",
		    next[m->mtype], m->mtype, h->seq);
	if (payload_verify(m->payload, (size_t)n - sizeof(*h), h->seq, &bad) ==
	    -1)
		die("message #%lu: byte %zu of its payload is wrong", h->seq,
		    sizeof(*h) + bad);
	next[m->mtype] = next_of_type(m->mtype, h->seq);
}

int
main(int argc, char **argv)
{
	unsigned long next[3] = {0}, urgent = 0, msgmax;
	struct msgq_sysv_reply reply;
	struct msgq_sysv_msg *m;
	struct msqid_ds ds;
	uint64_t deadline;
	ssize_t n;

	opts_parse(&opt, "Nit", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* msgrcv fails with E2BIG for a message bigger than its buffer, and
	 * no message is bigger than msgmax. */
	if (sysctl_read(SYSCTL_MSGMAX, &msgmax) == -1)
		die_errno("reading %s", SYSCTL_MSGMAX);
	m = malloc(sizeof(m->mtype) + msgmax);
	if (m == NULL)
		die_errno("malloc %lu bytes", msgmax);

	find_queue(names_key(opt.name));
	if (msgctl(qid, IPC_STAT, &ds) == -1)
		die_errno("msgctl IPC_STAT queue %d", qid);
	printf("msgq_sysv_recv %ld: queue %d, %lu waiting now; taking "
	       "urgent (type 1) before normal (type 2)\n",
	       (long)getpid(), qid, (unsigned long)ds.msg_qnum);
	next[MSGQ_URGENT] = next_of_type(MSGQ_URGENT, 0);
	next[MSGQ_NORMAL] = next_of_type(MSGQ_NORMAL, 0);
	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	do {
		n = receive(m, msgmax, deadline);
		check(m, n, next);
		sender = m->head.sender;
		total = m->head.total;
		got++;
		urgent += m->mtype == MSGQ_URGENT;
		printf("msgq_sysv_recv %ld: #%lu/%lu %s (type %ld) from sender "
		       "%ld: \"%.*s\"\n",
		       (long)getpid(), m->head.seq, total,
		       m->mtype == MSGQ_URGENT ? "urgent" : "normal", m->mtype,
		       (long)sender, MSGQ_TEXT_MAX, m->head.text);
		if (got < total)
			sleep_ms((unsigned)opt.interval_ms);
	} while (got < total);

	/* Every message came once: reply under the sender's own type. */
	memset(&reply, 0, sizeof(reply)); /* the padding goes out too */
	reply.mtype = MSGQ_REPLY(sender);
	reply.body.receiver = getpid();
	reply.body.got = got;
	reply.body.urgent = urgent;
	if (msgsnd(qid, &reply, sizeof(reply.body), IPC_NOWAIT) == -1)
		die_errno("msgsnd reply to queue %d", qid);
	printf("msgq_sysv_recv %ld: all %lu here; replied to sender %ld as "
	       "type %ld\n",
	       (long)getpid(), got, (long)sender, reply.mtype);
	wait_reply_taken();
	free(m);
	return 0;
}
