/* msgq_bytype.c - the solution: urgent messages first, by type.
 *
 * Run twice, in two roles.  The sender makes a System V queue at a key
 * made from your uid and sends COUNT messages: every third is urgent
 * (type 1), the rest normal (type 2); then an empty normal one that says
 * "that was all", waits for the answer (type 3) and removes the queue.
 * The receiver should print the urgent messages waiting before any normal
 * one, each kind in the order sent; as it is, it takes them as they came.
 * Complete the TODO: msgrcv's msgtyp.  The check lets all the messages
 * queue up before the receiver starts.
 *
 *   run:    make build/bin/ex/msgq_bytype && build/bin/ex/msgq_bytype send &
 *           sleep 1; build/bin/ex/msgq_bytype recv
 *   check:  make exercise msgq_bytype
 *   hint:   docs/msgq.md#exercises
 */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

static const char usage[] = "usage: msgq_bytype send [COUNT] | recv\n"
			    "Send COUNT messages (1 to 100, default 6), every "
			    "third urgent, or receive them urgent first.\n";

enum { URGENT = 1, NORMAL = 2, ANSWER = 3 };

struct msg {
	long mtype;    /* URGENT, NORMAL or ANSWER */
	char text[64]; /* the body: msgsnd's size counts only this */
};

static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "msgq_bytype: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

static int
sender(long count)
{
	struct msg m;
	ssize_t n;
	int q;

	if ((q = msgget(key, IPC_CREAT | IPC_EXCL | 0600)) == -1)
		die("msgget"); /* EEXIST: the key is in use; see ipcs -q */
	for (long k = 1; k <= count; k++) {
		m.mtype = k % 3 == 0 ? URGENT : NORMAL;
		n = snprintf(m.text, sizeof(m.text), "message %ld (%s)", k,
			     m.mtype == URGENT ? "urgent" : "normal");
		if (msgsnd(q, &m, (size_t)n + 1, 0) == -1)
			die("msgsnd");
	}
	m.mtype = NORMAL; /* empty, and after every normal one */
	if (msgsnd(q, &m, 0, 0) == -1)
		die("msgsnd");
	printf("sender: sent %ld messages and the empty one\n", count);
	if ((n = msgrcv(q, &m, sizeof(m.text), ANSWER, 0)) == -1)
		die("msgrcv");
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
	/* msgtyp -NORMAL: the lowest type of those at most NORMAL, and of
	 * that type the oldest: urgent before normal, and never the answer
	 * (ANSWER is above NORMAL).  0 would take them as they came. */
	long msgtyp = -NORMAL;

	if ((q = msgget(key, 0)) == -1)
		die("msgget"); /* ENOENT: start the sender first */
	while ((n = msgrcv(q, &m, sizeof(m.text), msgtyp, 0)) > 0) {
		printf("receiver: %.*s, type %ld\n", (int)n, m.text, m.mtype);
		got++;
	}
	if (n == -1)
		die("msgrcv");
	m.mtype = ANSWER;
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
	long count = argc == 3 ? strtol(argv[2], &end, 10) : 6;

	key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | 0xf1);
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if (argc == 2 && strcmp(argv[1], "recv") == 0)
		return receiver();
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "send") == 0 &&
	    *end == '\0' && count >= 1 && count <= 100)
		return sender(count);
	fprintf(stderr, "msgq_bytype: bad arguments\n%s", usage);
	return 2;
}
