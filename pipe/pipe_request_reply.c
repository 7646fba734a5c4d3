/* pipe_request_reply.c - ask and answer over two pipes.
 *
 * A pipe carries bytes one way only.  For a conversation the parent makes
 * two: requests go down one (parent writes, child reads), replies come
 * back up the other (child writes, parent reads).  One pipe used both ways
 * would not work: a side waiting for the answer could read back its own
 * question.  After fork() each process closes the two ends it does not use,
 * so that each side still sees end of file when the other is done or gone.
 *
 * The parent sends COUNT requests ("hello 1"), one at a time, and waits for
 * each reply (the child's upper-case copy) before sending the next: a
 * request/response protocol, in lockstep.  Then it closes the request pipe;
 * the child reads end of file, closes the reply pipe and exits, and the
 * parent reads end of file in turn.  If either side dies, the other gets
 * end of file (or EPIPE on a write) and exits 1: nobody waits forever.
 *
 *   $ build/bin/pipe_request_reply -n 2
 *   pipe_request_reply parent 4242: requests fd 4 -> child, replies fd 5 <- child 4243
 *   pipe_request_reply parent 4242: request #1: "hello 1"
 *   pipe_request_reply child 4243: got request #1, replying
 *   pipe_request_reply parent 4242: reply #1 from child 4243: "HELLO 1"
 *   ...
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "io.h"
#include "opts.h"

#define RR_TEXT_MAX 64

/* A request and a reply have the same fixed-size shape. */
struct rr_msg {
	pid_t sender;
	unsigned long seq;
	char text[RR_TEXT_MAX];
};

static const char usage[] =
	"usage: pipe_request_reply [-n COUNT] [-i MS]\n"
	"Fork a child; send it COUNT requests on one pipe, read its replies on "
	"another.\n"
	"  -n COUNT    requests to send (default 5)\n"
	"  -i MS       pause between requests, to watch (default 100)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 5, 100, 10};

/* Send one message; a peer that has gone away is a clear error. */
static void
send_msg(int fd, const struct rr_msg *m, const char *who)
{
	if (write_full(fd, m, sizeof(*m)) == -1) {
		if (errno == EPIPE)
			die("%s: write #%lu: the other side went away (EPIPE)",
			    who, m->seq);
		die_errno("%s: write #%lu", who, m->seq);
	}
}

/* Read one message; 0 at end of file between messages, 1 otherwise. */
static int
recv_msg(int fd, struct rr_msg *m, const char *who)
{
	ssize_t n = read_full(fd, m, sizeof(*m));

	if (n == -1)
		die_errno("%s: read", who);
	if (n != 0 && n != (ssize_t)sizeof(*m))
		die("%s: end of file in the middle of a message", who);
	return n != 0;
}

/* The child: answer every request until end of file. */
static _Noreturn void
child(int req, int rep)
{
	struct rr_msg m;
	pid_t me = getpid();

	while (recv_msg(req, &m, "child")) {
		printf("pipe_request_reply child %ld: got request #%lu, "
		       "replying\n",
		       (long)me, m.seq);
		for (char *c = m.text; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		m.sender = me;
		send_msg(rep, &m, "child");
	}
	/* End of file: the parent closed its end (or died).  Closing ours
	 * lets the parent see end of file on the replies in turn. */
	printf("pipe_request_reply child %ld: end of file on requests; "
	       "closing the reply pipe\n",
	       (long)me);
	exit(0);
}

int
main(int argc, char **argv)
{
	int req[2], rep[2], status; /* [0] reads, [1] writes */
	struct rr_msg m = {0}, r;
	pid_t pid, me = getpid();

	opts_parse(&opt, "ni", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) /* EPIPE, not death */
		die_errno("signal SIGPIPE");
	if (pipe(req) == -1 || pipe(rep) == -1)
		die_errno("pipe");

	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		/* The child reads requests and writes replies. */
		if (close(req[1]) == -1 || close(rep[0]) == -1)
			die_errno("child: close");
		child(req[0], rep[1]);
	}
	/* The parent writes requests and reads replies. */
	if (close(req[0]) == -1 || close(rep[1]) == -1)
		die_errno("close");
	printf("pipe_request_reply parent %ld: requests fd %d -> child, "
	       "replies fd %d <- child %ld\n",
	       (long)me, req[1], rep[0], (long)pid);

	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		m.sender = me;
		m.seq = seq;
		snprintf(m.text, sizeof(m.text), "hello %lu", seq);
		printf("pipe_request_reply parent %ld: request #%lu: \"%s\"\n",
		       (long)me, seq, m.text);
		send_msg(req[1], &m, "parent");
		if (!recv_msg(rep[0], &r, "parent"))
			die("no reply to #%lu: the child went away (end of "
			    "file)",
			    seq);
		if (r.seq != seq)
			die("reply to #%lu came back as #%lu", seq, r.seq);
		printf("pipe_request_reply parent %ld: reply #%lu from child "
		       "%ld: \"%.*s\"\n",
		       (long)me, r.seq, (long)r.sender, RR_TEXT_MAX, r.text);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	if (close(req[1]) == -1) /* no more requests: the child sees EOF */
		die_errno("close request pipe");
	if (recv_msg(rep[0], &r, "parent"))
		die("an unasked-for reply #%lu", r.seq);
	printf("pipe_request_reply parent %ld: end of file on replies: the "
	       "child is done\n",
	       (long)me);
	if (waitpid(pid, &status, 0) == -1) /* it has closed its last end */
		die_errno("waitpid %ld", (long)pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed (status 0x%x)", (long)pid,
		    (unsigned)status);
	return 0;
}
