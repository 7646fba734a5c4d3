/* msgq_msgsz.c - the solution: msgsnd's size counts the text only.
 *
 * Run twice, in two roles.  The sender makes a System V queue at a key
 * made from your uid, sends COUNT messages of type 1 ("hello K from PID")
 * and an empty one that says "that was all", waits for the receiver's
 * answer (type 2) and removes the queue.  The receiver takes messages of
 * type 1 until the empty one comes, printing each, then answers.  As it
 * is, the receiver stops at once: msgrcv fails with E2BIG, "Argument list
 * too long".  One size is wrong; find it.  Making the receiver take more
 * (a bigger size, or MSG_NOERROR) only hides it: the check looks at the
 * bytes in the queue, before the receiver runs.
 *
 *   run:    make build/bin/ex/msgq_msgsz && build/bin/ex/msgq_msgsz send &
 *           build/bin/ex/msgq_msgsz recv
 *   check:  make exercise msgq_msgsz
 *   hint:   docs/msgq.md#exercises
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

static const char usage[] = "usage: msgq_msgsz send [COUNT] | recv\n"
			    "Send COUNT messages (1 to 100, default 5) "
			    "through a System V queue, or receive them.\n";

struct msg {
	long mtype;    /* > 0: the receiver picks by it */
	char text[64]; /* the body */
};

static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "msgq_msgsz: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

static int
sender(long count)
{
	struct msg m = {.mtype = 1};
	ssize_t n;
	int q;

	if ((q = msgget(key, IPC_CREAT | IPC_EXCL | 0600)) == -1)
		die("msgget"); /* EEXIST: the key is in use; see ipcs -q */
	for (long k = 1; k <= count + 1; k++) { /* the last one empty */
		snprintf(m.text, sizeof(m.text), "hello %ld from %ld", k,
			 (long)getpid());
		/* the body's size: the mtype in front is not counted */
		if (msgsnd(q, &m, k <= count ? sizeof(m.text) : 0, 0) == -1)
			die("msgsnd");
	}
	printf("sender: sent %ld messages and the empty one\n", count);
	if ((n = msgrcv(q, &m, sizeof(m.text), 2, 0)) == -1)
		die("msgrcv"); /* type 2 only: never our own messages */
	if (msgctl(q, IPC_RMID, NULL) == -1)
		die("msgctl IPC_RMID");
	printf("sender: the receiver says \"%.*s\"; queue removed\n", (int)n,
	       m.text);
	return 0;
}

static int
receiver(void)
{
	struct msg m;
	ssize_t n;
	int q, got = 0;

	for (int tries = 0; (q = msgget(key, 0)) == -1; tries++) {
		if (errno != ENOENT || tries == 100) /* 100 * 0.1 s */
			die("msgget"); /* ENOENT: the sender has not made it */
		usleep(100000);
	}
	while ((n = msgrcv(q, &m, sizeof(m.text), 1, 0)) > 0)
		printf("receiver: \"%.*s\" (%d)\n",
		       (int)strnlen(m.text, (size_t)n), m.text, ++got);
	if (n == -1)
		die("msgrcv");
	m.mtype = 2; /* the sender waits for type 2 */
	n = snprintf(m.text, sizeof(m.text), "got %d", got);
	if (msgsnd(q, &m, (size_t)n, 0) == -1)
		die("msgsnd");
	printf("receiver: %d messages, then the empty one; answered\n", got);
	return 0;
}

int
main(int argc, char **argv)
{
	char *end = "";
	long count = argc == 3 ? strtol(argv[2], &end, 10) : 5;

	key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xf0);
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if (argc == 2 && strcmp(argv[1], "recv") == 0)
		return receiver();
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "send") == 0 &&
	    *end == '\0' && count >= 1 && count <= 100)
		return sender(count);
	fprintf(stderr, "msgq_msgsz: bad arguments\n%s", usage);
	return 2;
}
