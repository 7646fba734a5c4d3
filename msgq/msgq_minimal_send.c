/* msgq_minimal_send.c - send messages through a System V message queue.
 *
 * Makes a queue (IPC_CREAT | IPC_EXCL, mode 0600) at a key made from your
 * uid (or KEY), sends COUNT messages of type 1 and an empty one that says
 * "that was all", waits for msgq_minimal_recv's answer (type 2), and
 * removes the queue.  msgsnd's size counts the text, never the mtype.
 *
 *   $ cc -Wall -Wextra -Werror msgq_minimal_send.c -o msgq_minimal_send
 *   $ ./msgq_minimal_send & ./msgq_minimal_recv
 *   msgq_minimal_send: queue 5 (key 0x1c00fffe): sending 5 messages
 *   ...
 *   msgq_minimal_send: the receiver says "got 5"; queue removed
 */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#define COUNT 5
#define USAGE "usage: msgq_minimal_send [KEY]\n"

struct msg {
	long mtype;    /* > 0: the receiver picks by it */
	char text[64]; /* the body: msgsnd's size counts only this */
};

static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "msgq_minimal_send: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct msg m = {.mtype = 1};
	char *end = "";
	ssize_t n;
	int q;

	key = (key_t)(0x1c000000 | (getuid() & 0xffffff)); /* one per user */
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return printf(USAGE) < 0;
	if (argc == 2) /* a long, then cut to key_t's 32 bits */
		key = (key_t)strtol(argv[1], &end, 0);
	if (argc > 2 || *end != '\0' || key <= 0 ||
	    (argc == 2 && key != strtol(argv[1], NULL, 0))) /* cut: not KEY */
		return fprintf(stderr, "msgq_minimal_send: bad KEY\n" USAGE), 2;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a pipe */
	if ((q = msgget(key, IPC_CREAT | IPC_EXCL | 0600)) == -1)
		die("msgget"); /* EEXIST: the key is in use; see ipcs -q */
	printf("msgq_minimal_send: queue %d (key 0x%08x): sending %d messages\n",
	       q, (unsigned)key, COUNT);
	for (int i = 1; i <= COUNT + 1; i++) { /* the last one empty */
		n = snprintf(m.text, sizeof(m.text), "hello %d from %ld", i,
			     (long)getpid());
		if (msgsnd(q, &m, i <= COUNT ? (size_t)n + 1 : 0, 0) == -1)
			die("msgsnd"); /* waits while the queue is full */
	}
	if ((n = msgrcv(q, &m, sizeof(m.text), 2, 0)) == -1)
		die("msgrcv"); /* type 2 only: never our own messages */
	if (msgctl(q, IPC_RMID, NULL) == -1)
		die("msgctl IPC_RMID");
	printf("msgq_minimal_send: the receiver says \"%.*s\"; queue removed\n",
	       (int)n, m.text);
	return 0;
}
