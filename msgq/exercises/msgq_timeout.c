/* msgq_timeout.c - exercise (extend): a receiver that gives up in time.
 *
 * Run twice, in two roles.  The receiver makes a POSIX message queue,
 * /ipclab-<uid>-ex-msgq_timeout, waits for one message, prints it and
 * removes the queue.  The sender puts TEXT in that queue.  If no sender
 * ever comes, the receiver waits for ever.  Make it wait SECONDS at most:
 * then it says "nothing in SECONDS s", removes the queue all the same and
 * exits 1.  A message that comes in time must still be printed at once:
 * the check sends one a second into a 60 s wait, and gives the receiver a
 * few seconds for it, not 60.
 *
 *   run:    make build/bin/ex/msgq_timeout && build/bin/ex/msgq_timeout recv 3
 *           (and, before 3 s are up: build/bin/ex/msgq_timeout send hello)
 *   check:  make exercise msgq_timeout
 *   hint:   docs/msgq.md#exercises
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MSG_SIZE 64
static const char usage[] = "usage: msgq_timeout recv SECONDS | send TEXT\n"
			    "Wait up to SECONDS (1 to 3600) for a message on "
			    "a POSIX queue, or send TEXT to the waiting one.\n";
static char name[64];

static void
die(const char *call) /* perror, naming the queue; then exit */
{
	fprintf(stderr, "msgq_timeout: %s: ", name);
	perror(call);
	exit(1);
}

static int
receiver(long secs)
{
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = MSG_SIZE};
	char buf[MSG_SIZE + 1];
	ssize_t n;
	mqd_t q = mq_open(name, O_RDONLY | O_CREAT | O_EXCL, 0600, &attr);

	if (q == (mqd_t)-1)
		die("mq_open"); /* EEXIST: see ls /dev/mqueue */
	printf("receiver: waiting up to %ld s\n", secs);
	n = mq_receive(q, buf, MSG_SIZE, NULL);
	mq_close(q);
	if (mq_unlink(name) == -1) /* gone, whatever came */
		die("mq_unlink");
	if (n == -1)
		die("mq_receive");
	buf[n] = '\0';
	printf("receiver: got \"%s\"; queue removed\n", buf);
	return 0;
}

static int
sender(const char *text)
{
	mqd_t q = mq_open(name, O_WRONLY);

	if (q == (mqd_t)-1)
		die("mq_open"); /* ENOENT: no receiver waits */
	if (mq_send(q, text, strlen(text), 0) == -1)
		die("mq_send");
	mq_close(q);
	printf("sender: sent \"%s\"\n", text);
	return 0;
}

int
main(int argc, char **argv)
{
	char *end = "";
	long secs = argc == 3 ? strtol(argv[2], &end, 10) : 0;

	snprintf(name, sizeof(name), "/ipclab-%u-ex-msgq_timeout",
		 (unsigned)getuid());
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if (argc == 3 && strcmp(argv[1], "recv") == 0 && *end == '\0' &&
	    secs >= 1 && secs <= 3600)
		return receiver(secs);
	if (argc == 3 && strcmp(argv[1], "send") == 0 &&
	    strlen(argv[2]) <= MSG_SIZE)
		return sender(argv[2]);
	fprintf(stderr, "msgq_timeout: bad arguments\n%s", usage);
	return 2;
}
