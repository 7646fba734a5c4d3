/* msgq_sysv.h - what msgq_sysv_send and msgq_sysv_recv agree on.
 *
 * The sender creates one System V message queue (msgget) and puts COUNT
 * messages in it; the kernel keeps them until the receiver takes them
 * (msgrcv), so the sender need not wait for a receiver to come.  Every
 * message has a type, a positive long in front of its body, and the
 * receiver picks by type; one queue carries three kinds of message:
 *
 *   MSGQ_URGENT (1)   every third message: taken before normal ones
 *   MSGQ_NORMAL (2)   the rest
 *   MSGQ_REPLY(pid)   the receiver's answer to the sender of that pid,
 *                     when it has them all; never taken by msgrcv(-2)
 *
 * The receiver asks for msgtyp -MSGQ_NORMAL: "the lowest type that is at
 * most 2", so urgent messages overtake normal ones that wait, and replies
 * (types above 2) stay for their sender, who asks for exactly its own.
 *
 * msgsnd's size counts the body only, not the type in front: the body is
 * a struct msgq_sysv_head, then payload bytes up to -s SIZE.
 *
 *   $ build/bin/msgq_sysv_send &
 *   $ build/bin/msgq_sysv_recv
 *   $ ipcs -q               # nothing of ours left
 */
#ifndef IPCLAB_MSGQ_SYSV_H
#define IPCLAB_MSGQ_SYSV_H

#include <sys/types.h>

#define MSGQ_SYSV_NAME "msgq-sysv" /* default -N */
#define MSGQ_TEXT_MAX  40
#define MSGQ_POLL_MS   10 /* msgrcv cannot time out: poll this often */

enum { MSGQ_URGENT = 1, MSGQ_NORMAL = 2 };

/* The type of a reply to the sender whose pid is pid: above both
 * priorities, and one per sender. */
#define MSGQ_REPLY(pid) (MSGQ_NORMAL + (long)(pid))

/* The type message seq travels as. */
#define MSGQ_TYPE_OF(seq) ((seq) % 3 == 0 ? MSGQ_URGENT : MSGQ_NORMAL)

/* The start of every message body. */
struct msgq_sysv_head {
	pid_t sender;		  /* the sender's pid */
	unsigned long seq;	  /* 1, 2, ... total */
	unsigned long total;	  /* how many the sender sends */
	char text[MSGQ_TEXT_MAX]; /* "hello 3 from 4242" */
};

/* A message as msgsnd and msgrcv see it: the type, then the body. */
struct msgq_sysv_msg {
	long mtype;
	struct msgq_sysv_head head;
	unsigned char payload[]; /* -s SIZE minus the head, payload_fill()ed */
};

/* The receiver's answer, type MSGQ_REPLY(sender). */
struct msgq_sysv_reply {
	long mtype;
	struct {
		pid_t receiver;
		unsigned long got;    /* messages received, all checked */
		unsigned long urgent; /* of which urgent */
	} body;
};

#endif
