/* msgq_posix_send.c - send urgent and normal messages through a POSIX
 * message queue.
 *
 * Creates a reply queue and then the message queue (mq_open, O_CREAT |
 * O_EXCL, mode 0600; see msgq_posix.h), the message queue with room for
 * DEPTH messages of SIZE bytes, and sends COUNT messages: every third at
 * priority 1 (urgent), the rest at 0.  The kernel keeps them until
 * msgq_posix_recv takes them, highest priority first.  When the receiver
 * reports it has them all, it closes and unlinks both queues (mq_unlink).
 * A size or depth beyond the limits in /proc/sys/fs/mqueue is refused
 * before anything is made, naming the limit; Ctrl-C unlinks the queues; a
 * receiver that dies makes it stop instead of waiting forever.
 *
 * Why over 200 lines: it refuses a size or depth the kernel would not
 * take, before anything is made, and waits in slices to notice a dead
 * receiver; msgq_minimal_send.c is the bare exchange (System V).
 *
 *   $ build/bin/msgq_posix_send -n 6 &
 *   msgq_posix_send 4242: /ipclab-1000-msgq-posix: room for 10 messages ...
 *   $ build/bin/msgq_posix_recv
 *   msgq_posix_recv 4243: #3/6 urgent (priority 1) from sender 4242: ...
 *   ...
 *   $ ls /dev/mqueue        # nothing left
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "msgq_posix.h"
#include "names.h"
#include "opts.h"
#include "payload.h"
#include "proc.h"
#include "sweep.h"
#include "sysctl.h"

static const char usage[] =
	"usage: msgq_posix_send [-n COUNT] [-i MS] [-s SIZE] [-d DEPTH] "
	"[-t SECONDS] [-N NAME]\n"
	"Send COUNT messages, every third urgent, to msgq_posix_recv through a\n"
	"POSIX message queue.\n"
	"  -n COUNT    messages to send (default 10)\n"
	"  -i MS       pause between messages (default 0: as fast as they fit)\n"
	"  -s SIZE     bytes in each message (default 64, the least; at most\n"
	"              /proc/sys/fs/mqueue/msgsize_max)\n"
	"  -d DEPTH    messages the queue holds (default 10; at most\n"
	"              /proc/sys/fs/mqueue/msg_max)\n"
	"  -t SECONDS  give up if no receiver comes for this long (default 10)\n"
	"  -N NAME     meet the receiver at /ipclab-<uid>-NAME (default "
	"msgq-posix)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {MSGQ_POSIX_NAME, 10, 0, 10};
static struct size_opts qs = {sizeof(struct msgq_posix_head), 10};
static char name[NAMES_FULL_MAX], rname[NAMES_FULL_MAX + 8];
static mqd_t q, rq;		     /* the message queue; the reply queue */
static uint64_t deadline;	     /* for a receiver to say hello */
static pid_t receiver;		     /* from its hello */
static int done;		     /* its final count came */
static struct msgq_posix_reply last; /* that count */

/* Refuse what an unprivileged mq_open would (EINVAL), naming the limit.
 * (A process with CAP_SYS_RESOURCE, as root usually is, may go beyond
 * them, up to 65536 messages of 16 MiB; the demo keeps to what every
 * user may.) */
static void
check_limits(void)
{
	unsigned long msgsize_max, msg_max;

	if (qs.size < sizeof(struct msgq_posix_head))
		die("-s %zu: a message needs at least %zu bytes (its header)",
		    qs.size, sizeof(struct msgq_posix_head));
	if (sysctl_read(SYSCTL_MQ_MSGSIZE_MAX, &msgsize_max) == -1)
		die_errno("reading %s", SYSCTL_MQ_MSGSIZE_MAX);
	if (sysctl_read(SYSCTL_MQ_MSG_MAX, &msg_max) == -1)
		die_errno("reading %s", SYSCTL_MQ_MSG_MAX);
	if (qs.size > msgsize_max)
		die("a message of %zu bytes is over the limit: %s is %lu",
		    qs.size, SYSCTL_MQ_MSGSIZE_MAX, msgsize_max);
	if (qs.depth > msg_max)
		die("a queue of %lu messages is over the limit: %s is %lu",
		    qs.depth, SYSCTL_MQ_MSG_MAX, msg_max);
}

/* Create queue path, open for flags, with room for maxmsg messages of
 * msgsize bytes; register it, its handle in *reg. */
static mqd_t
create(const char *path, int flags, long maxmsg, long msgsize, int *reg)
{
	struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
	struct rlimit rl;
	mqd_t m = mq_open(path, flags | O_CREAT | O_EXCL, 0600, &attr);

	if (m == (mqd_t)-1 && errno == EEXIST)
		die("%s (-N %s) is in use, most likely by a running sender; "
		    "pick another -N or see `make ipcs`",
		    path, opt.name);
	if (m == (mqd_t)-1 && errno == EMFILE && /* not only descriptors */
	    getrlimit(RLIMIT_MSGQUEUE, &rl) == 0)
		die("mq_open %s: %ld messages of %ld bytes would take your "
		    "queues past RLIMIT_MSGQUEUE, %lu bytes in all (ulimit -q) "
		    "(EMFILE)",
		    path, maxmsg, msgsize, (unsigned long)rl.rlim_cur);
	if (m == (mqd_t)-1 && errno == ENOSPC)
		die("mq_open %s: the machine has all the queues %s allows",
		    path, SYSCTL_MQ_QUEUES_MAX);
	if (m == (mqd_t)-1)
		die_errno("mq_open %s, %ld messages of %ld bytes", path, maxmsg,
			  msgsize);
	*reg = cleanup_add_name(OBJ_POSIX_MQ, path);
	if (*reg == -1)
		die_errno("cleanup_add_name %s", path);
	return m;
}

/* Take one reply, if one comes within ms: the receiver's hello, or its
 * final count. */
static void
take_reply(unsigned ms)
{
	struct timespec until = realtime_after_ms(ms);
	struct msgq_posix_reply r;
	ssize_t n;

	n = mq_timedreceive(rq, (char *)&r, sizeof(r), NULL, &until);
	if (n == -1 && (errno == ETIMEDOUT || errno == EINTR))
		return; /* ETIMEDOUT: none came */
	if (n == -1)
		die_errno("mq_timedreceive %s", rname);
	if (n != sizeof(r))
		die("a reply of %zd bytes on %s", n, rname);
	if (!r.done)
		printf("msgq_posix_send %ld: receiver %ld said hello on %s\n",
		       (long)getpid(), (long)r.receiver, rname);
	receiver = r.receiver;
	last = r;
	done = r.done;
}

/* Look for replies without waiting, and check on the receiver: one that
 * said hello and no longer runs was killed (a SIGKILL cannot be caught,
 * so nobody tells us; we ask whether its pid still runs). */
static void
check_receiver(void)
{
	take_reply(0);
	if (done)
		return;
	if (receiver == 0 && clock_ns() > deadline)
		die("no receiver came in %lu s; run msgq_posix_recv -N %s",
		    opt.timeout_s, opt.name);
	if (receiver != 0 && !pid_alive(receiver)) {
		take_reply(0); /* it sends its count before it exits */
		if (!done)
			die("receiver %ld went away; unlinking the queues",
			    (long)receiver);
	}
}

/* Send one message, waiting in MSGQ_POLL_MS slices while the queue is
 * full. */
static void
send_msg(const char *buf, unsigned prio)
{
	struct timespec until = realtime_after_ms(MSGQ_POLL_MS);

	while (mq_timedsend(q, buf, qs.size, prio, &until) == -1) {
		if (errno != ETIMEDOUT && errno != EINTR)
			die_errno("mq_timedsend %zu bytes to %s", qs.size,
				  name);
		check_receiver(); /* ETIMEDOUT: still full */
		until = realtime_after_ms(MSGQ_POLL_MS);
	}
}

int
main(int argc, char **argv)
{
	struct msgq_posix_head *h;
	struct mq_attr attr;
	pid_t me = getpid();
	int reg, rreg;
	char *buf;

	opts_parse_sized(&opt, &qs, "Nnitsd", usage, argc, argv);
	if (names_posix(name, sizeof(name), opt.name) == -1)
		die_errno("names_posix %s", opt.name); /* opts_parse checked */
	snprintf(rname, sizeof(rname), "%s%s", name, MSGQ_REPLY_SUFFIX);
	setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time */
	check_limits();
	buf = calloc(1, qs.size);
	if (buf == NULL)
		die_errno("calloc %zu bytes", qs.size);
	h = (struct msgq_posix_head *)buf;

	/* A sender killed with SIGKILL could not clean up: remove what such
	 * dead runs left, never an object a running process still uses. */
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");
	/* The reply queue first: a receiver that finds the message queue
	 * finds the reply queue too. */
	rq = create(rname, O_RDONLY, 2, sizeof(struct msgq_posix_reply), &rreg);
	q = create(name, O_WRONLY, (long)qs.depth, (long)qs.size, &reg);
	if (mq_getattr(q, &attr) == -1)
		die_errno("mq_getattr %s", name);
	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	printf("msgq_posix_send %ld: %s: room for %ld messages of %ld bytes; "
	       "sending %lu, every third urgent\n",
	       (long)me, name, attr.mq_maxmsg, attr.mq_msgsize, opt.count);

	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		unsigned prio = MSGQ_PRIO_OF(seq);

		h->sender = me;
		h->seq = seq;
		h->total = opt.count;
		snprintf(h->text, sizeof(h->text), "hello %lu from %ld", seq,
			 (long)me);
		payload_fill(buf + sizeof(*h), qs.size - sizeof(*h), seq);
		send_msg(buf, prio);
		printf("msgq_posix_send %ld: sent #%lu (%s, priority %u)\n",
		       (long)me, seq, prio ? "urgent" : "normal", prio);
		check_receiver();
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	while (!done) {
		take_reply(MSGQ_POLL_MS);
		check_receiver();
	}
	printf("msgq_posix_send %ld: receiver %ld got %lu, %lu of them "
	       "urgent\n",
	       (long)me, (long)last.receiver, last.got, last.urgent);

	/* Unlink, then close: a queue nobody holds open looks abandoned to
	 * a stale sweep, which could unlink it between our two calls. */
	if (mq_unlink(name) == -1)
		die_errno("mq_unlink %s", name);
	cleanup_forget(reg);
	if (mq_unlink(rname) == -1)
		die_errno("mq_unlink %s", rname);
	cleanup_forget(rreg);
	if (mq_close(q) == -1 || mq_close(rq) == -1)
		die_errno("mq_close");
	free(buf);
	printf("msgq_posix_send %ld: done; %s and %s unlinked\n", (long)me,
	       name, rname);
	return 0;
}
