/* msgq_posix.h - what msgq_posix_send and msgq_posix_recv agree on.
 *
 * The sender creates two POSIX message queues (mq_open; each shows up as
 * a file in /dev/mqueue, where that is mounted):
 *
 *   /ipclab-<uid>-<name>        sender -> receiver: COUNT messages, every
 *                               third urgent (priority 1), the rest
 *                               normal (priority 0)
 *   /ipclab-<uid>-<name>.reply  receiver -> sender: a hello with the
 *                               receiver's pid, then its final count
 *
 * mq_receive always takes the oldest message of the highest priority
 * waiting, so urgent messages overtake normal ones; the receiver cannot
 * choose, as a System V receiver can by type.  That is also why the
 * replies need a queue of their own: a queue has no types to keep two
 * directions apart.
 *
 * A queue's size is fixed when it is made: mq_maxmsg messages (-d) of at
 * most mq_msgsize bytes (-s), and mq_receive wants a buffer of at least
 * mq_msgsize.  A message body is a struct msgq_posix_head, then payload
 * bytes up to -s SIZE.
 *
 *   $ build/bin/msgq_posix_send &
 *   $ build/bin/msgq_posix_recv
 *   $ ls /dev/mqueue        # nothing of ours left
 */
#ifndef IPCLAB_MSGQ_POSIX_H
#define IPCLAB_MSGQ_POSIX_H

#include <sys/types.h>

#define MSGQ_POSIX_NAME	  "msgq-posix" /* default -N */
#define MSGQ_REPLY_SUFFIX ".reply"
#define MSGQ_TEXT_MAX	  40
#define MSGQ_POLL_MS	  100 /* timed waits end this often: check the peer */

enum { MSGQ_PRIO_NORMAL = 0, MSGQ_PRIO_URGENT = 1 };

/* The priority message seq is sent with. */
#define MSGQ_PRIO_OF(seq) ((seq) % 3 == 0 ? MSGQ_PRIO_URGENT : MSGQ_PRIO_NORMAL)

/* The start of every message. */
struct msgq_posix_head {
	pid_t sender;		  /* the sender's pid */
	unsigned long seq;	  /* 1, 2, ... total */
	unsigned long total;	  /* how many the sender sends */
	char text[MSGQ_TEXT_MAX]; /* "hello 3 from 4242" */
};

/* A message on the reply queue. */
struct msgq_posix_reply {
	pid_t receiver;
	int done;	   /* 0: hello, I have opened the queue; 1: all here */
	unsigned long got; /* messages received, all checked */
	unsigned long urgent; /* of which urgent */
};

#endif
