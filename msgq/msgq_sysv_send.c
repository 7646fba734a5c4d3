/* msgq_sysv_send.c - send urgent and normal messages through a System V
 * message queue.
 *
 * Creates a queue (msgget, IPC_CREAT | IPC_EXCL, mode 0600), gives it room
 * for DEPTH messages of SIZE bytes (msgctl IPC_SET), and puts COUNT
 * messages in it: every third urgent (type 1), the rest normal (type 2).
 * The kernel keeps them until msgq_sysv_recv takes them, urgent first.
 * Then it waits for the receiver's reply, which travels in the same queue
 * under a type of its own, and removes the queue (IPC_RMID).  A size or
 * depth beyond the kernel's limits is refused before anything is made,
 * naming the limit; Ctrl-C removes the queue; a receiver that dies makes
 * it stop instead of waiting forever.
 *
 * Why over 200 lines: it refuses a size or depth the kernel would not
 * take, before anything is made, and waits in slices to notice a dead
 * receiver; msgq_minimal_send.c is the bare exchange.
 *
 *   $ build/bin/msgq_sysv_send -n 6 &
 *   msgq_sysv_send 4242: key 0x1c5e07a1: queue 3, room for 10 messages ...
 *   $ build/bin/msgq_sysv_recv
 *   msgq_sysv_recv 4243: #3/6 urgent (type 1) from sender 4242: "hello 3 ...
 *   ...
 *   $ ipcs -q               # nothing left
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "msgq_sysv.h"
#include "names.h"
#include "opts.h"
#include "payload.h"
#include "proc.h"
#include "sweep.h"
#include "sysctl.h"

static const char usage[] =
	"usage: msgq_sysv_send [-n COUNT] [-i MS] [-s SIZE] [-d DEPTH] "
	"[-t SECONDS] [-N NAME]\n"
	"Send COUNT messages, every third urgent, to msgq_sysv_recv through a\n"
	"System V message queue.\n"
	"  -n COUNT    messages to send (default 10)\n"
	"  -i MS       pause between messages (default 0: as fast as they fit)\n"
	"  -s SIZE     bytes in each message, type not counted (default 64,\n"
	"              the least; at most /proc/sys/kernel/msgmax)\n"
	"  -d DEPTH    messages the queue holds (default 10; DEPTH * SIZE at\n"
	"              most /proc/sys/kernel/msgmnb)\n"
	"  -t SECONDS  give up if no receiver comes for this long (default 10)\n"
	"  -N NAME     meet the receiver at ipclab-<uid>-NAME (default msgq-sysv)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {MSGQ_SYSV_NAME, 10, 0, 10};
static struct size_opts qs = {sizeof(struct msgq_sysv_head), 10};
static int qid;
static uint64_t deadline; /* for a first receiver to come */

/* Refuse what the kernel would: a message over msgmax fails msgsnd with
 * EINVAL, and a queue over msgmnb bytes needs CAP_SYS_RESOURCE to set up
 * (worse, a message bigger than the queue's room never fits: msgsnd
 * would wait forever).  Name the limit, so the fix is plain. */
static void
check_limits(void)
{
	unsigned long msgmax, msgmnb;

	if (qs.size < sizeof(struct msgq_sysv_head))
		die("-s %zu: a message needs at least %zu bytes (its header)",
		    qs.size, sizeof(struct msgq_sysv_head));
	if (sysctl_read(SYSCTL_MSGMAX, &msgmax) == -1)
		die_errno("reading %s", SYSCTL_MSGMAX);
	if (sysctl_read(SYSCTL_MSGMNB, &msgmnb) == -1)
		die_errno("reading %s", SYSCTL_MSGMNB);
	if (qs.size > msgmax)
		die("a message of %zu bytes is over the limit: %s is %lu",
		    qs.size, SYSCTL_MSGMAX, msgmax);
	if (qs.depth > msgmnb / qs.size)
		die("a queue of %lu messages of %zu bytes is over the limit: "
		    "%s is %lu bytes, room for %lu",
		    qs.depth, qs.size, SYSCTL_MSGMNB, msgmnb, msgmnb / qs.size);
}

/* Create the queue and size it: msg_qbytes, which starts at msgmnb, is
 * what the queue may hold, in bytes of message bodies. */
static int
create_queue(key_t key)
{
	struct msqid_ds ds;
	int reg;

	qid = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	if (qid == -1 && errno == EEXIST)
		die("key 0x%08x (-N %s) is in use, most likely by a running "
		    "sender; pick another -N or see `make ipcs`",
		    (unsigned)key, opt.name);
	if (qid == -1)
		die_errno("msgget key 0x%08x", (unsigned)key);
	reg = cleanup_add_id(OBJ_SYSV_MSG, qid);
	if (reg == -1)
		die_errno("cleanup_add_id queue %d", qid);
	if (msgctl(qid, IPC_STAT, &ds) == -1) /* IPC_SET takes all of it */
		die_errno("msgctl IPC_STAT queue %d", qid);
	ds.msg_qbytes = qs.size * qs.depth;
	if (msgctl(qid, IPC_SET, &ds) == -1)
		die_errno("msgctl IPC_SET queue %d to %lu bytes", qid,
			  (unsigned long)ds.msg_qbytes);
	return reg;
}

/* msgsnd and msgrcv have no timeout: the waits below poll with IPC_NOWAIT
 * every MSGQ_POLL_MS and look at the queue in between.  msg_lrpid names
 * the last process to receive from it: a receiver killed by SIGKILL is
 * still named there, and no longer runs.  Returns that dead pid, or 0. */
static pid_t
receiver_gone(void)
{
	struct msqid_ds ds;

	if (msgctl(qid, IPC_STAT, &ds) == -1)
		die_errno("msgctl IPC_STAT queue %d", qid);
	if (ds.msg_lrpid == 0 && clock_ns() > deadline)
		die("no receiver came in %lu s; run msgq_sysv_recv -N %s",
		    opt.timeout_s, opt.name);
	return ds.msg_lrpid != 0 && !pid_alive(ds.msg_lrpid) ? ds.msg_lrpid : 0;
}

/* Put m in the queue, waiting while it is full. */
static void
send_msg(const struct msgq_sysv_msg *m)
{
	pid_t gone;

	while (msgsnd(qid, m, qs.size, IPC_NOWAIT) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) /* EAGAIN: full, no room for it yet */
			die_errno("msgsnd %zu bytes to queue %d", qs.size, qid);
		if ((gone = receiver_gone()) != 0)
			die("receiver %ld went away; removing the queue",
			    (long)gone);
		sleep_ms(MSGQ_POLL_MS);
	}
}

/* Wait for the reply of type MSGQ_REPLY(our pid): ours alone. */
static void
wait_reply(struct msgq_sysv_reply *r)
{
	pid_t gone = 0;

	while (msgrcv(qid, r, sizeof(r->body), MSGQ_REPLY(getpid()),
		      IPC_NOWAIT) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != ENOMSG) /* ENOMSG: no message of that type */
			die_errno("msgrcv reply from queue %d", qid);
		if (gone != 0) /* it replies before it exits: looked again */
			die("receiver %ld went away before replying; removing "
			    "the queue",
			    (long)gone);
		if ((gone = receiver_gone()) == 0)
			sleep_ms(MSGQ_POLL_MS);
	}
}

int
main(int argc, char **argv)
{
	struct msgq_sysv_reply reply;
	struct msgq_sysv_msg *m;
	pid_t me = getpid();
	int reg;
	key_t key;

	opts_parse_sized(&opt, &qs, "Nnitsd", usage, argc, argv);
	key = names_key(opt.name);
	setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time */
	check_limits();
	m = calloc(1, sizeof(m->mtype) + qs.size);
	if (m == NULL)
		die_errno("calloc %zu bytes", qs.size);

	/* A sender killed with SIGKILL could not clean up: remove what such
	 * dead runs left, never an object a running process still uses. */
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");
	reg = create_queue(key);
	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	printf("msgq_sysv_send %ld: key 0x%08x: queue %d, room for %lu "
	       "messages of %zu bytes; sending %lu, every third urgent\n",
	       (long)me, (unsigned)key, qid, qs.depth, qs.size, opt.count);

	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		m->mtype = MSGQ_TYPE_OF(seq);
		m->head.sender = me;
		m->head.seq = seq;
		m->head.total = opt.count;
		snprintf(m->head.text, sizeof(m->head.text),
			 "hello %lu from %ld", seq, (long)me);
		payload_fill(m->payload, qs.size - sizeof(m->head), seq);
		send_msg(m);
		printf("msgq_sysv_send %ld: sent #%lu (%s, type %ld)\n",
		       (long)me, seq,
		       m->mtype == MSGQ_URGENT ? "urgent" : "normal", m->mtype);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}

	wait_reply(&reply);
	printf("msgq_sysv_send %ld: reply (type %ld) from receiver %ld: got "
	       "%lu, %lu of them urgent\n",
	       (long)me, reply.mtype, (long)reply.body.receiver, reply.body.got,
	       reply.body.urgent);
	if (msgctl(qid, IPC_RMID, NULL) == -1)
		die_errno("msgctl IPC_RMID queue %d", qid);
	cleanup_forget(reg);
	free(m);
	printf("msgq_sysv_send %ld: done; queue removed\n", (long)me);
	return 0;
}
