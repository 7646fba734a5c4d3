/* msgq_checks.c - the checks of msgq/exercises/ (tools/exercise.h). */
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "exercise.h"

#define TEXT_MAX 64 /* the exercises' struct msg text[64] */

/* Each of "<prefix>K<suffix>", K = 1..n, once in out and in order;
 * who names the process in what the check says. */
static int
lines_once_in_order(struct ex_ctx *c, const char *out, const char *who,
		    const char *prefix, const char *suffix, int n)
{
	char line[96], want[128];
	const char *at = out;

	snprintf(want, sizeof(want),
		 "%s to print messages 1 to %d, each once "
		 "and in order",
		 who, n);
	for (int k = 1; k <= n; k++) {
		int times;

		snprintf(line, sizeof(line), "%s%d%s", prefix, k, suffix);
		if ((times = ex_count(out, line)) == 0)
			return ex_fail(c, want, "%s never printed message %d",
				       who, k);
		if (times > 1)
			return ex_fail(c, want,
				       "%s printed message %d %d times", who, k,
				       times);
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(
				c, want,
				"%s printed message %d before message %d", who,
				k, k - 1);
	}
	return 0;
}

/* The queue at EX_KEY(n) as it is now: 0, or -1 if there is none. */
static int
queue_stat(int n, struct msqid_ds *ds)
{
	int q = msgget(EX_KEY(n), 0);

	return q == -1 ? -1 : msgctl(q, IPC_STAT, ds);
}

/* The sender queues 7 messages and the empty one; before the receiver
 * runs, the queue must hold them with at most 64 bytes each (a receiver
 * that takes 72, or cuts with MSG_NOERROR, would hide a sender that
 * counts the mtype).  Then the receiver prints them all, once, in order,
 * and both exit 0. */
static int
check_msgsz(struct ex_ctx *c)
{
	/* static: the checker frees them after we return */
	static struct ex_proc snd, rcv;
	struct msqid_ds ds;

	if (ex_start(c, &snd, EX_PROG, "send", "7", NULL))
		return 1;
	if (ex_wait_output(&snd, "sender: sent", 5000) != 0) {
		if (ex_wait(c, &snd, 1000) || ex_expect_code(c, &snd, 0))
			return 1;
		return ex_fail(c, "the sender to say \"sent 7 messages\"",
			       "it said nothing of the kind");
	}
	if (queue_stat(16, &ds) == -1)
		return ex_fail(c,
			       "the sender's queue at key 0x1c..f0 while it "
			       "waits for the answer",
			       "there was no queue there");
	if (ds.msg_qnum != 8)
		return ex_fail(c, "7 messages and the empty one in the queue",
			       "the queue held %lu messages",
			       (unsigned long)ds.msg_qnum);
	if (ds.msg_cbytes > 7 * TEXT_MAX)
		return ex_fail(c,
			       "at most 64 bytes in each message: the text, "
			       "not the mtype in front of it",
			       "the queue held %lu bytes in 7 messages, %lu "
			       "each: msgsnd's size counted the mtype's %zu "
			       "bytes as well",
			       (unsigned long)ds.msg_cbytes,
			       (unsigned long)ds.msg_cbytes / 7, sizeof(long));
	if (ex_start(c, &rcv, EX_PROG, "recv", NULL) ||
	    ex_wait(c, &rcv, 5000) || ex_expect_code(c, &rcv, 0) ||
	    ex_wait(c, &snd, 5000) || ex_expect_code(c, &snd, 0))
		return 1;
	if (lines_once_in_order(c, rcv.out, "the receiver", "\"hello ",
				" from ", 7))
		return 1;
	if (ex_count(snd.out, "the receiver says \"got 7\"") != 1)
		return ex_fail(c, "the sender to print the answer \"got 7\"",
			       "it printed:\n%s", snd.out);
	return 0;
}

/* The sender queues 10 messages, 3, 6 and 9 urgent, before the receiver
 * starts; the receiver prints them urgent first, each kind in the order
 * sent, each once. */
static int
check_bytype(struct ex_ctx *c)
{
	static const int order[] = {3, 6, 9, 1, 2, 4, 5, 7, 8, 10};
	const char *want = "the urgent messages (3, 6, 9) first, then the "
			   "normal ones, each kind in the order sent";
	/* static: the checker frees them after we return */
	static struct ex_proc snd, rcv;
	const char *prev = NULL;
	char line[64];

	if (ex_start(c, &snd, EX_PROG, "send", "10", NULL))
		return 1;
	if (ex_wait_output(&snd, "sender: sent", 5000) != 0) {
		if (ex_wait(c, &snd, 1000) || ex_expect_code(c, &snd, 0))
			return 1;
		return ex_fail(c, "the sender to say \"sent 10 messages\"",
			       "it said nothing of the kind");
	}
	if (ex_start(c, &rcv, EX_PROG, "recv", NULL))
		return 1;
	if (ex_wait_output(&rcv, "receiver: ", 5000) == 0 &&
	    ex_wait_output(&rcv, "answered", 5000) != 0) {
		char buf[4096];

		ex_output_now(&rcv, 0, buf, sizeof(buf));
		return ex_fail(c,
			       "the receiver to take all 10 messages and the "
			       "empty one, then answer",
			       "it took %d and then waited for more than 5 s: "
			       "no message in the queue has a type that msgtyp "
			       "lets it take",
			       ex_count(buf, "receiver: message "));
	}
	if (ex_wait(c, &rcv, 5000) || ex_expect_code(c, &rcv, 0) ||
	    ex_wait(c, &snd, 5000) || ex_expect_code(c, &snd, 0))
		return 1;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *at;
		int k = order[i], times;

		snprintf(line, sizeof(line), "receiver: message %d (", k);
		if ((times = ex_count(rcv.out, line)) != 1)
			return ex_fail(c,
				       "the receiver to print each of the 10 "
				       "messages once",
				       "it printed message %d %d time%s", k,
				       times, times == 1 ? "" : "s");
		at = strstr(rcv.out, line);
		if (prev != NULL && at < prev)
			return ex_fail(c, want,
				       "the receiver printed message %d (%s) "
				       "before message %d (%s)",
				       k, k % 3 ? "normal" : "urgent",
				       order[i - 1],
				       order[i - 1] % 3 ? "normal" : "urgent");
		prev = at;
	}
	if (ex_count(snd.out, "the receiver says \"got 10\"") != 1)
		return ex_fail(c, "the sender to print the answer \"got 10\"",
			       "it printed:\n%s", snd.out);
	return 0;
}

/* Whether POSIX queue name exists, within timeout_ms. */
static int
queue_appears(const char *name, unsigned timeout_ms)
{
	for (unsigned t = 0;; t += 20) {
		mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);

		if (q != (mqd_t)-1) {
			mq_close(q);
			return 1;
		}
		if (t >= timeout_ms)
			return 0;
		ex_sleep_ms(20);
	}
}

/* The server is stopped (SIGSTOP) once ready; the client starts and must
 * make the reply queue while it waits; a second later the server goes on.
 * The client prints the 7 answers, once each and in order; both exit 0,
 * and the sweep finds neither queue left. */
static int
check_reply(struct ex_ctx *c)
{
	/* static: the checker frees them after we return */
	static struct ex_proc srv, cli;
	char reply[128];

	snprintf(reply, sizeof(reply), "%s", ex_posix_name(c, ".reply"));
	if (ex_start(c, &srv, EX_PROG, "server", NULL))
		return 1;
	if (ex_wait_output(&srv, "server: ready", 5000) != 0) {
		if (ex_wait(c, &srv, 1000) || ex_expect_code(c, &srv, 0))
			return 1;
		return ex_fail(c, "the server to say \"ready\"",
			       "it said nothing of the kind");
	}
	ex_signal(&srv, SIGSTOP);
	if (ex_start(c, &cli, EX_PROG, "client", "7", NULL))
		return 1;
	if (!queue_appears(reply, 5000)) {
		ex_signal(&srv, SIGCONT);
		return ex_fail(c,
			       "the client to make the reply queue before it "
			       "asks, while the server is busy",
			       "there was no queue %s 5 s after the client "
			       "started",
			       reply);
	}
	ex_sleep_ms(1000);
	ex_signal(&srv, SIGCONT);
	if (ex_wait(c, &cli, 5000) || ex_expect_code(c, &cli, 0) ||
	    ex_wait(c, &srv, 5000) || ex_expect_code(c, &srv, 0))
		return 1;
	for (int k = 1; k <= 7; k++) {
		char line[64];
		int times;

		snprintf(line, sizeof(line), "client: %d squared is %d\n", k,
			 k * k);
		if ((times = ex_count(cli.out, line)) != 1)
			return ex_fail(
				c,
				"the client to print the answers to its "
				"7 questions, each once",
				"it printed \"%d squared is %d\" %d times", k,
				k * k, times);
	}
	return lines_once_in_order(c, cli.out, "the client",
				   "client: ", " squared is ", 7);
}

/* 1. The receiver waits up to 60 s; a second in, the check sends
 * "ping-7": the receiver must print it within 5 s (a receiver that sleeps
 * its 60 s does not) and exit 0.  2. With no sender, a receiver waiting
 * 1 s must say "nothing in 1 s" and exit 1; the sweep finds no queue. */
static int
check_timeout(struct ex_ctx *c)
{
	/* static: the checker frees them after we return */
	static struct ex_proc rcv, snd, alone;
	char buf[4096];

	if (ex_start(c, &rcv, EX_PROG, "recv", "60", NULL))
		return 1;
	if (ex_wait_output(&rcv, "receiver: waiting", 5000) != 0) {
		if (ex_wait(c, &rcv, 1000) || ex_expect_code(c, &rcv, 0))
			return 1;
		return ex_fail(c, "the receiver to say \"waiting up to 60 s\"",
			       "it printed:\n%s", rcv.out);
	}
	ex_sleep_ms(1000);
	if (ex_run(c, &snd, 5000, EX_PROG, "send", "ping-7", NULL))
		return 1;
	ex_output_now(&rcv, 0, buf, sizeof(buf));
	if (ex_code(&snd) != 0 && strstr(buf, "nothing in") != NULL)
		return ex_fail(c, "a receiver told to wait 60 s to wait 60 s",
			       "it gave up within the first second: "
			       "mq_timedreceive's time is a time of day "
			       "(CLOCK_REALTIME) to stop at, not a duration");
	if (ex_expect_code(c, &snd, 0))
		return 1;
	if (ex_wait_output(&rcv, "receiver: got \"ping-7\"", 5000) != 0)
		return ex_fail(c,
			       "the receiver to print a message as soon as "
			       "it comes, however long it may wait",
			       "5 s after the sender sent \"ping-7\", a second "
			       "into the receiver's 60 s wait, the receiver "
			       "had not printed it");
	if (ex_wait(c, &rcv, 5000) || ex_expect_code(c, &rcv, 0))
		return 1;

	if (ex_start(c, &alone, EX_PROG, "recv", "1", NULL))
		return 1;
	if (ex_wait_output(&alone, "nothing in 1 s", 5000) != 0 &&
	    !ex_ended(&alone))
		return ex_fail(c,
			       "a receiver that waits 1 s for a sender that "
			       "never comes to give up then",
			       "it was still waiting 5 s later");
	if (ex_wait(c, &alone, 5000) || ex_expect_code(c, &alone, 1))
		return 1;
	if (ex_count(alone.out, "nothing in 1 s") != 1)
		return ex_fail(c,
			       "a receiver that gives up to say \"nothing in "
			       "1 s\"",
			       "it printed:\n%s", alone.out);
	return 0;
}

const struct exercise msgq_exercises[] = {
	{"msgq_msgsz", "fix", "the receiver fails with E2BIG: a size is wrong",
	 check_msgsz},
	{"msgq_bytype", "complete",
	 "take urgent messages before normal ones: msgrcv's msgtyp",
	 check_bytype},
	{"msgq_timeout", "extend",
	 "the receiver gives up after SECONDS with no message", check_timeout},
	{"msgq_reply", "extend",
	 "the server answers each question on a reply queue", check_reply},
	{0},
};
