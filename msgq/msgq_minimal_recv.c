/* msgq_minimal_recv.c - receive messages from a System V message queue.
 *
 * Waits up to 10 s for msgq_minimal_send's queue (at the key made from
 * your uid, or KEY), takes messages of type 1 until an empty one comes,
 * and answers with type 2.  It made nothing, so it removes nothing.
 *
 *   $ cc -Wall -Wextra -Werror msgq_minimal_recv.c -o msgq_minimal_recv
 *   $ ./msgq_minimal_send & ./msgq_minimal_recv
 *   msgq_minimal_recv: "hello 1 from 4242" (18 bytes, type 1)
 *   ...
 *   msgq_minimal_recv: 5 messages, then the empty one; answered
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#define USAGE "usage: msgq_minimal_recv [KEY]\n"

struct msg {
	long mtype;    /* > 0: we ask for type 1 only */
	char text[64]; /* the body: msgrcv's size counts only this */
};

static key_t key;

static void
die(const char *call) /* perror, naming the key; then exit */
{
	fprintf(stderr, "msgq_minimal_recv: key 0x%08x: ", (unsigned)key);
	perror(call);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct msg m;
	char *end = "";
	ssize_t n;
	int q, got = 0;

	key = (key_t)(0x1c000000 | (getuid() & 0xffffff)); /* one per user */
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return printf(USAGE) < 0;
	if (argc == 2) /* a long, then cut to key_t's 32 bits */
		key = (key_t)strtol(argv[1], &end, 0);
	if (argc > 2 || *end != '\0' || key <= 0 ||
	    (argc == 2 && key != strtol(argv[1], NULL, 0))) /* cut: not KEY */
		return fprintf(stderr, "msgq_minimal_recv: bad KEY\n" USAGE), 2;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a pipe */
	/* The sender makes the queue: until it has, msgget fails, ENOENT. */
	for (int tries = 0; (q = msgget(key, 0)) == -1; tries++) {
		if (errno != ENOENT || tries == 100) /* 100 * 0.1 s */
			die("msgget");
		usleep(100000);
	}
	/* Type 1 only: the oldest message of that type, waiting for one. */
	while ((n = msgrcv(q, &m, sizeof(m.text), 1, 0)) > 0) {
		printf("msgq_minimal_recv: \"%.*s\" (%zd bytes, type %ld)\n",
		       (int)n, m.text, n, m.mtype); /* n: the body's size */
		got++;
	}
	if (n == -1)
		die("msgrcv");
	m.mtype = 2; /* the sender waits for type 2 */
	n = snprintf(m.text, sizeof(m.text), "got %d", got);
	if (msgsnd(q, &m, (size_t)n, 0) == -1)
		die("msgsnd");
	printf("msgq_minimal_recv: %d messages, then the empty one; answered\n",
	       got);
	return 0;
}
