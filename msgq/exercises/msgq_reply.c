/* msgq_reply.c - exercise (extend): answers on a reply queue.
 *
 * Run twice, in two roles.  The server makes a POSIX message queue,
 * /ipclab-<uid>-ex-msgq_reply, and reads questions from it, each a number
 * K, until an empty message ends them; then it removes the queue.  The
 * client sends the numbers 1 to COUNT and the empty message.  As it is,
 * nobody answers.  Add a reply queue, the same name followed by ".reply":
 * the client makes it (it is the one that reads it) before it asks, and
 * removes it at the end; the server opens it to write, and answers each
 * question with "K squared is K*K", which the client prints.  The check
 * stops the server for a moment while the client asks.
 *
 *   run:    make build/bin/ex/msgq_reply && build/bin/ex/msgq_reply server &
 *           build/bin/ex/msgq_reply client 3
 *   check:  make exercise msgq_reply
 *   hint:   docs/msgq.md#exercises
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSG_SIZE 64
static const char usage[] = "usage: msgq_reply server | client [COUNT]\n"
			    "Serve questions on a POSIX message queue, or "
			    "ask COUNT of them (1 to 100, default 3).\n";
static char name[64];

static void
die(const char *call) /* perror, naming the queue; then exit */
{
	fprintf(stderr, "msgq_reply: %s: ", name);
	perror(call);
	exit(1);
}

static int
server(void)
{
	struct mq_attr attr = {.mq_maxmsg = 10, .mq_msgsize = MSG_SIZE};
	char buf[MSG_SIZE + 1];
	ssize_t n;
	long k, count = 0;
	mqd_t q = mq_open(name, O_RDONLY | O_CREAT | O_EXCL, 0600, &attr);

	if (q == (mqd_t)-1)
		die("mq_open"); /* EEXIST: see ls /dev/mqueue */
	printf("server: ready\n");
	while ((n = mq_receive(q, buf, MSG_SIZE, NULL)) > 0) {
		buf[n] = '\0';
		k = strtol(buf, NULL, 10);
		printf("server: question %ld\n", k);
		count++;
	}
	if (n == -1)
		die("mq_receive");
	mq_close(q);
	if (mq_unlink(name) == -1)
		die("mq_unlink");
	printf("server: %ld questions; queue removed\n", count);
	return 0;
}

static int
client(long count)
{
	char buf[MSG_SIZE];
	mqd_t q;

	for (int tries = 0; (q = mq_open(name, O_WRONLY)) == (mqd_t)-1;
	     tries++) {
		if (errno != ENOENT || tries == 100) /* 100 * 0.1 s */
			die("mq_open"); /* ENOENT: no server yet */
		usleep(100000);
	}
	for (long k = 1; k <= count + 1; k++) { /* the last one empty */
		int len = k <= count ? snprintf(buf, sizeof(buf), "%ld", k) : 0;

		if (mq_send(q, buf, (size_t)len, 0) == -1)
			die("mq_send");
	}
	mq_close(q);
	printf("client: asked %ld questions\n", count);
	return 0;
}

int
main(int argc, char **argv)
{
	char *end = "";
	long count = argc == 3 ? strtol(argv[2], &end, 10) : 3;

	snprintf(name, sizeof(name), "/ipclab-%u-ex-msgq_reply",
		 (unsigned)getuid());
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, even to a file */
	if (argc == 2 && strcmp(argv[1], "server") == 0)
		return server();
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "client") == 0 &&
	    *end == '\0' && count >= 1 && count <= 100)
		return client(count);
	fprintf(stderr, "msgq_reply: bad arguments\n%s", usage);
	return 2;
}
