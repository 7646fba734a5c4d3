/* msgq_broken_msgsz.c - a System V msgsz that counts the mtype, on purpose.
 *
 * msgsnd(2) and msgrcv(2) take a pointer to a struct that begins with a
 * long, the type, and a size, msgsz, that counts the BODY after it: the
 * text, not the long.  The classic mistake is sizeof(struct msg), which is
 * 8 bytes too many on a 64-bit machine: msgsnd then copies 8 bytes from
 * past the end of the struct into the message, and msgrcv may write up to
 * 8 bytes past the end of the struct it fills.  In a real program those
 * bytes are the next variable, a saved register or a return address, and
 * nothing complains.  Here each struct is the first member of a larger
 * one, so that the 8 bytes after it are ours: what the mistake sends or
 * overwrites is plain to see, and no memory is corrupted.  Three rounds,
 * on one queue this program makes and removes:
 *   1. both sides count the mtype: the sender's next 8 bytes ("SECRET!")
 *      travel, and land past the end of the receiver's struct;
 *   2. only the receiver is fixed: msgrcv fails with E2BIG, the message
 *      stays in the queue; with MSG_NOERROR it comes, cut to 64 bytes;
 *   3. both count the body only: 64 bytes, nothing past the struct.
 *
 *   $ build/bin/msgq_broken_msgsz
 *   msgq_broken_msgsz 4242: queue 7: struct msg is 72 bytes, its text 64; ...
 *   msgq_broken_msgsz 4242: 1. msgsnd and msgrcv with msgsz 72 ...
 *   msgq_broken_msgsz 4242:    the 8 bytes after the receiver's struct: ...
 *   ...
 *   msgq_broken_msgsz: counting mtype: 8 bytes leaked from the sender and ...
 *   $ ipcs -q               # nothing left
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "sweep.h"

#define BROKEN_NAME "msgq-broken" /* default -N */
#define GUARD	    "........"	  /* what the receiver's next 8 bytes hold */

/* The message as the classic examples write it. */
struct msg {
	long mtype;
	char text[64];
};

/* What lies right after each struct msg, in memory that is ours: the
 * sender's neighbour holds a secret, the receiver's a guard pattern. */
struct sent {
	struct msg m;
	char after[8];
};
struct received {
	struct msg m;
	char after[8];
};
_Static_assert(offsetof(struct sent, after) == sizeof(struct msg),
	       "the 8 bytes must follow the struct msg directly");
_Static_assert(offsetof(struct received, after) == sizeof(struct msg),
	       "the 8 bytes must follow the struct msg directly");

static const char usage[] =
	"usage: msgq_broken_msgsz [-N NAME]\n"
	"Send and receive with msgsz = sizeof(struct msg), which counts the\n"
	"mtype, and see the 8 bytes too many.  (Wrong on purpose: see\n"
	"msgq_minimal_send for msgsz counting the text only.)\n"
	"  -N NAME     queue at key of ipclab-<uid>-NAME (default msgq-broken)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {BROKEN_NAME, 0, 0, 1};
static int qid;
static long me;

/* Send a message whose text is "hello" and whose next 8 bytes are a
 * secret, with msgsz size. */
static void
send_with(size_t size)
{
	struct sent s;

	memset(&s, 0, sizeof(s));
	s.m.mtype = 1;
	strcpy(s.m.text, "hello");
	memcpy(s.after, "SECRET!", sizeof(s.after));
	if (msgsnd(qid, &s.m, size, IPC_NOWAIT) == -1)
		die_errno("msgsnd %zu bytes to queue %d", size, qid);
}

/* Receive into a struct msg followed by the guard, with msgsz size and
 * flags; returns what msgrcv returns, the 8 bytes after the struct in
 * after. */
static ssize_t
receive_with(size_t size, int flags, char after[8])
{
	struct received r;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	memcpy(r.after, GUARD, sizeof(r.after));
	n = msgrcv(qid, &r.m, size, 0, flags | IPC_NOWAIT);
	memcpy(after, r.after, sizeof(r.after));
	return n;
}

/* Say what the 8 bytes after the receiver's struct hold now. */
static int
report_after(const char after[8])
{
	int hit = memcmp(after, GUARD, 8) != 0;

	printf("msgq_broken_msgsz %ld:    the 8 bytes after the receiver's "
	       "struct: \"%.8s\"%s\n",
	       me, after,
	       hit ? ", overwritten with the sender's neighbour"
		   : ", untouched");
	return hit;
}

int
main(int argc, char **argv)
{
	size_t wrong = sizeof(struct msg),
	       right = sizeof(((struct msg *)0)->text);
	int reg, hit_wrong, hit_right;
	char after[8];
	ssize_t n;

	opts_parse(&opt, "N", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	me = (long)getpid();
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");
	qid = msgget(names_key(opt.name), IPC_CREAT | IPC_EXCL | 0600);
	if (qid == -1)
		die_errno("msgget key 0x%08x (-N %s)",
			  (unsigned)names_key(opt.name), opt.name);
	if ((reg = cleanup_add_id(OBJ_SYSV_MSG, qid)) == -1)
		die_errno("cleanup_add_id queue %d", qid);
	printf("msgq_broken_msgsz %ld: queue %d: struct msg is %zu bytes, its "
	       "text %zu; msgsz should be %zu\n",
	       me, qid, wrong, right, right);

	/* 1. The classic: sizeof(struct msg) on both sides. */
	send_with(wrong);
	n = receive_with(wrong, 0, after);
	if (n == -1)
		die_errno("msgrcv from queue %d", qid);
	printf("msgq_broken_msgsz %ld: 1. msgsnd and msgrcv with msgsz %zu "
	       "(sizeof(struct msg)): %zd bytes came, into a %zu-byte text\n",
	       me, wrong, n, right);
	hit_wrong = report_after(after);

	/* 2. The receiver fixed, the sender not: the message is too big. */
	send_with(wrong);
	n = receive_with(right, 0, after);
	if (n != -1 || errno != E2BIG)
		die("msgrcv with msgsz %zu returned %zd, not E2BIG", right, n);
	printf("msgq_broken_msgsz %ld: 2. msgsnd with %zu, msgrcv with %zu: "
	       "E2BIG, and the message stays in the queue\n",
	       me, wrong, right);
	n = receive_with(right, MSG_NOERROR, after);
	if (n == -1)
		die_errno("msgrcv MSG_NOERROR from queue %d", qid);
	printf("msgq_broken_msgsz %ld:    again with MSG_NOERROR: %zd bytes "
	       "came, the last 8 cut off and lost\n",
	       me, n);
	report_after(after);

	/* 3. Right: msgsz counts the text, on both sides. */
	send_with(right);
	n = receive_with(right, 0, after);
	if (n == -1)
		die_errno("msgrcv from queue %d", qid);
	printf("msgq_broken_msgsz %ld: 3. msgsnd and msgrcv with msgsz %zu "
	       "(sizeof(m.text)): %zd bytes came\n",
	       me, right, n);
	hit_right = report_after(after);

	if (msgctl(qid, IPC_RMID, NULL) == -1)
		die_errno("msgctl IPC_RMID queue %d", qid);
	cleanup_forget(reg);
	printf("msgq_broken_msgsz: counting mtype: %zu bytes %s; counting the "
	       "text only: %s; queue removed\n",
	       wrong - right,
	       hit_wrong ? "leaked from the sender and written past the "
			   "receiver's struct"
			 : "too many, but none written past the struct",
	       hit_right ? "bytes written past the struct" : "none");
	return 0;
}
