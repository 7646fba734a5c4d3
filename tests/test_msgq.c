/* test_msgq.c - the message queue demos, run as a learner runs them.
 *
 * Each test starts the real programs from build/bin with a name unique to
 * this test (-N), bounds every wait, and is checked by the fixture for
 * queues left behind (System V by key; POSIX in /dev/mqueue, or by name
 * where it is not mounted: see objects_alive()).  The same tests run
 * against the System V pair and the POSIX pair: both promise the same
 * behaviour, urgent messages first, each by its own means (msgrcv's type
 * selection, mq_receive's priorities).  The minimal pair, which takes a
 * System V key instead of -N (the key of the test's name), and the broken
 * msgsz demo have a group of their own.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "sweep.h"
#include "sysctl.h"
#include "../msgq/msgq_sysv.h" /* MSGQ_REPLY() */

struct pair {
	const char *send, *recv;
	int queues;		 /* objects one run makes */
	const char *size_limit;	 /* the file that caps a message */
	const char *depth_limit; /* the file that caps a queue */
	const char *depth_is;	 /* what follows its value in the error */
};

static const struct pair sysv = {
	"msgq_sysv_send", "msgq_sysv_recv", 1,
	SYSCTL_MSGMAX,	  SYSCTL_MSGMNB,    " bytes",
};
static const struct pair posix = {
	"msgq_posix_send",     "msgq_posix_recv", 2,
	SYSCTL_MQ_MSGSIZE_MAX, SYSCTL_MQ_MSG_MAX, "",
};
static const struct pair *pair; /* the pair under test */

#define RUN_MS 10000 /* no test run should come near this */

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* Assert that out holds messages "#k/n" for k = 1..n, each once. */
static void
assert_all_messages(const char *out, int n)
{
	char want[64];

	for (int k = 1; k <= n; k++) {
		snprintf(want, sizeof(want), ": #%d/%d ", k, n);
		if (count_str(out, want) != 1)
			fail_msg("message #%d/%d came %d times; output:\n%s", k,
				 n, count_str(out, want), out);
	}
	assert_int_equal(count_str(out, " from sender "), n);
}

/* Assert that out holds the messages of seqs[] in that order. */
static void
assert_order(const char *out, const int *seqs, int len, int n)
{
	const char *at = out;
	char want[64];

	for (int i = 0; i < len; i++) {
		snprintf(want, sizeof(want), ": #%d/%d ", seqs[i], n);
		at = strstr(at, want);
		if (at == NULL)
			fail_msg("#%d/%d not where expected (position %d); "
				 "output:\n%s",
				 seqs[i], n, i + 1, out);
	}
}

static void
test_run_delivers_every_message_once(void **state)
{
	struct proc s, r;

	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-n",
				    "25", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&s, 0);
	assert_all_messages(r.out, 25);
	assert_int_equal(count_str(s.out, ": sent #"), 25);
	assert_non_null(strstr(s.out, " got 25, 8 of them urgent"));
	assert_string_equal(r.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
	proc_free(&r);
}

/* All ten wait in the queue before the receiver starts: it takes the
 * urgent ones (every third) first, then the normal ones, each kind in the
 * order sent -- System V by asking msgrcv for the lowest type, POSIX
 * because mq_receive takes the highest priority. */
static void
test_urgent_messages_overtake_waiting_normal_ones(void **state)
{
	static const int order[] = {3, 6, 9, 1, 2, 4, 5, 7, 8, 10};
	struct proc s, r;

	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-n",
				    "10", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait_output(&s, "sent #10 ", RUN_MS), 0);
	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&s, 0);
	assert_non_null(strstr(r.out, ", 10 waiting now;"));
	assert_all_messages(r.out, 10);
	assert_order(r.out, order, 10, 10);
	assert_int_equal(count_str(r.out, "/10 urgent ("), 3);
	proc_free(&s);
	proc_free(&r);
}

/* System V: one queue carries both directions, kept apart by type.  A
 * stranger's reply (a type above 2 that is not our sender's) waits in the
 * queue ahead of messages #2 to #4 and of the reply: the receiver, asking
 * for types up to 2, passes it by, and the sender, asking for its own
 * type only, takes its reply from behind it. */
static void
test_sysv_each_side_takes_only_its_types(void **state)
{
	struct {
		long mtype;
		char text[16];
	} stranger = {MSGQ_REPLY(getpid()), "not yours"};
	struct proc s, r;
	char want[96];
	int qid;

	/* The stranger goes in after #1, ahead of the rest. */
	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-n",
				    "4", "-i", "300", NULL),
			 0);
	assert_int_equal(proc_wait_output(&s, "sent #1 ", RUN_MS), 0);
	qid = msgget(names_key(name_of(state)), 0);
	assert_int_not_equal(qid, -1);
	assert_int_equal(msgsnd(qid, &stranger, sizeof(stranger.text), 0), 0);
	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 0);
	assert_all_messages(r.out, 4);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 0);
	/* Each took its own: the sender the reply of its own type. */
	snprintf(want, sizeof(want),
		 "reply (type %ld) from receiver %ld: got 4", MSGQ_REPLY(s.pid),
		 (long)r.pid);
	if (strstr(s.out, want) == NULL)
		fail_msg("want \"%s\" in:\n%s", want, s.out);
	proc_free(&s);
	proc_free(&r);
}

/* Read limit path, for a test that goes one past it. */
static unsigned long
limit(const char *path)
{
	unsigned long v;

	assert_int_equal(sysctl_read(path, &v), 0);
	return v;
}

/* Run the sender with args, and assert it refuses with exit 1 and an
 * error that names path and its value, making nothing. */
static void
assert_refused(void **state, const char *path, const char *after,
	       const char *opt1, const char *val1, const char *opt2,
	       const char *val2)
{
	char want[160];
	struct proc s;

	snprintf(want, sizeof(want), "over the limit: %s is %lu%s", path,
		 limit(path), after);
	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), opt1,
				    val1, opt2, val2, NULL),
			 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 1);
	if (strstr(s.err, want) == NULL)
		fail_msg("want \"%s\" in stderr:\n%s", want, s.err);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
}

static void
test_message_over_the_limit_is_refused_naming_it(void **state)
{
	char size[32];

	snprintf(size, sizeof(size), "%lu", limit(pair->size_limit) + 1);
	assert_refused(state, pair->size_limit, "", "-s", size, NULL, NULL);
}

static void
test_queue_over_the_limit_is_refused_naming_it(void **state)
{
	unsigned long max = limit(pair->depth_limit);
	char depth[32];

	/* System V's limit is bytes: 1024-byte messages, one too many. */
	snprintf(depth, sizeof(depth), "%lu",
		 pair == &sysv ? max / 1024 + 1 : max + 1);
	assert_refused(state, pair->depth_limit, pair->depth_is, "-d", depth,
		       "-s", "1024");
}

static void
test_receiver_started_first_waits_for_sender(void **state)
{
	struct proc s, r;

	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", "-t", "5", NULL),
			 0);
	sleep_ms(300);
	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-n",
				    "3", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&s, 0);
	assert_all_messages(r.out, 3);
	proc_free(&s);
	proc_free(&r);
}

/* Start a sender with no receiver; wait until its queues exist and it
 * has sent its first message. */
static void
start_lone_sender(struct proc *s, const char *name, const char *timeout)
{
	assert_int_equal(
		proc_start(s, pair->send, "-N", name, "-t", timeout, NULL), 0);
	assert_int_equal(proc_wait_output(s, "sent #1 ", RUN_MS), 0);
	assert_int_equal(objects_alive(name), pair->queues);
}

static void
signal_removes_objects(void **state, int sig)
{
	struct proc s;

	start_lone_sender(&s, name_of(state), "30");
	assert_signal_cleans(&s, sig, name_of(state));
}

static void
test_sigint_removes_sender_queues(void **state)
{
	signal_removes_objects(state, SIGINT);
}

static void
test_sigterm_removes_sender_queues(void **state)
{
	signal_removes_objects(state, SIGTERM);
}

static void
test_sigkilled_sender_makes_receiver_exit_1(void **state)
{
	struct proc s, r;
	uint64_t t0;

	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-n",
				    "50", "-i", "200", NULL),
			 0);
	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", "-t", "5", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#1/50", RUN_MS), 0);
	kill(s.pid, SIGKILL);
	t0 = clock_ns();
	/* It would wait for ever: it notices in a poll or two (seconds
	 * allowed, for valgrind on a loaded machine). */
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_true(clock_ns() - t0 < 5 * NS_PER_S);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "died without cleaning up"));
	/* The receiver removed what the dead sender left. */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&s, RUN_MS);
	proc_free(&s);
	proc_free(&r);
}

static void
test_sigkilled_receiver_makes_sender_exit_1(void **state)
{
	struct proc s, r;

	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-n",
				    "50", "-i", "50", "-t", "30", NULL),
			 0);
	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#2/50", RUN_MS), 0);
	kill(r.pid, SIGKILL);
	assert_int_equal(proc_wait(&s, RUN_MS), 0); /* not its 30 s -t */
	assert_code(&s, 1);
	assert_non_null(strstr(s.err, "went away"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&r, RUN_MS);
	proc_free(&s);
	proc_free(&r);
}

static void
test_receiver_without_sender_gives_up(void **state)
{
	struct proc r;

	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-t",
				    "1", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "no sender"));
	proc_free(&r);
}

/* Its messages wait in the queue, but nobody comes: it gives up, and the
 * messages go with the queue. */
static void
test_sender_without_receiver_gives_up_and_cleans(void **state)
{
	struct proc s;

	assert_int_equal(proc_start(&s, pair->send, "-N", name_of(state), "-t",
				    "1", NULL),
			 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 1);
	assert_int_equal(count_str(s.out, ": sent #"), 10);
	assert_non_null(strstr(s.err, "no receiver"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
}

static void
test_second_sender_is_refused(void **state)
{
	struct proc s1, s2, r;

	start_lone_sender(&s1, name_of(state), "30");
	assert_int_equal(
		proc_start(&s2, pair->send, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&s2, RUN_MS), 0);
	assert_code(&s2, 1);
	assert_non_null(strstr(s2.err, "in use"));
	/* The first run is undisturbed: a receiver still gets everything. */
	assert_int_equal(proc_start(&r, pair->recv, "-N", name_of(state), "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&s1, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&s1, 0);
	assert_all_messages(r.out, 10);
	proc_free(&s1);
	proc_free(&s2);
	proc_free(&r);
}

/* The sweep finds POSIX queues in /dev/mqueue only: where it is not
 * mounted (and we are not root, who mounts it), it cannot see them. */
static int
queues_listed(void)
{
	objects_alive("x"); /* as root, the harness mounts it */
	return pair == &sysv || sweep_mqueue_listed();
}

/* Kill a lone sender with SIGKILL, so its queues stay behind; whether
 * they are still there (kill_leaves_objects()). */
static int
leave_stale_objects(const char *name)
{
	struct proc s;

	start_lone_sender(&s, name, "30");
	return kill_leaves_objects(&s, name);
}

/* A sender killed by SIGKILL leaves its queues (its messages in them);
 * the next sender of the same name removes them and runs. */
static void
test_next_sender_removes_stale_queues(void **state)
{
	const char *name = name_of(state);
	int proved = 0;

	if (!queues_listed())
		skip();
	for (int attempt = 0; attempt < STALE_ATTEMPTS && !proved; attempt++) {
		struct proc s2, r;

		if (!leave_stale_objects(name))
			continue;
		assert_int_equal(proc_start(&s2, pair->send, "-N", name, "-n",
					    "2", NULL),
				 0);
		assert_int_equal(proc_wait_output(&s2, "sent #2 ", RUN_MS), 0);
		assert_int_equal(proc_start(&r, pair->recv, "-N", name, "-i",
					    "0", "-t", "5", NULL),
				 0);
		assert_int_equal(proc_wait(&r, RUN_MS), 0);
		assert_code(&r, 0);
		assert_int_equal(proc_wait(&s2, RUN_MS), 0);
		assert_code(&s2, 0);
		assert_all_messages(r.out, 2); /* none of the dead run's */
		proved = stale_removed(s2.out, name);
		proc_free(&s2);
		proc_free(&r);
	}
	assert_true(proved);
}

static void
test_ipcs_clean_removes_stale_queues(void **state)
{
	if (!queues_listed())
		skip();
	assert_clean_removes_stale(name_of(state), leave_stale_objects);
}

/* ipclab-ipcs --clean never removes what a running sender holds. */
static void
test_ipcs_clean_keeps_live_queues(void **state)
{
	struct proc s, c;

	start_lone_sender(&s, name_of(state), "30");
	assert_int_equal(proc_start(&c, "ipclab-ipcs", "--clean", NULL), 0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_code(&c, 0);
	assert_int_equal(objects_alive(name_of(state)), pair->queues);
	kill(s.pid, SIGTERM);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	proc_free(&s);
	proc_free(&c);
}

static void
test_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit(pair->send, 0, "-h", NULL, NULL);
	assert_usage_exit(pair->recv, 0, "-h", NULL, NULL);
	assert_usage_exit(pair->send, 2, "-x", NULL, NULL);
	assert_usage_exit(pair->send, 2, "-n", "0", NULL);
	assert_usage_exit(pair->send, 2, "-s", "0", NULL);
	assert_usage_exit(pair->send, 2, "-s", "4X", NULL);
	assert_usage_exit(pair->send, 2, "-d", "0", NULL);
	assert_usage_exit(pair->send, 2, "-N", "a/b", NULL);
	assert_usage_exit(pair->recv, 2, "-n", "3",
			  NULL); /* not a receiver option */
	assert_usage_exit(pair->recv, 2, "-s", "64", NULL);
	assert_usage_exit(pair->recv, 2, "-t", "0", NULL);
	assert_usage_exit(pair->recv, 2, "stray", NULL, NULL);
}

/* ---- the minimal pair and the broken msgsz ----------------------------- */

/* The minimal programs' KEY argument: the key of the test's unique name,
 * which the fixture's leak check looks at. */
static const char *
key_of(void **state, char *buf, size_t size)
{
	snprintf(buf, size, "0x%08x", (unsigned)names_key(name_of(state)));
	return buf;
}

/* Both ended well: the receiver printed each of the five messages once,
 * then the end; the sender got its answer and removed the queue. */
static void
assert_minimal_run(struct proc *send, struct proc *recv)
{
	char want[64];

	assert_int_equal(proc_wait(recv, RUN_MS), 0);
	assert_int_equal(proc_wait(send, RUN_MS), 0);
	assert_code(recv, 0);
	assert_code(send, 0);
	for (int k = 1; k <= 5; k++) {
		snprintf(want, sizeof(want), "msgq_minimal_recv: \"hello %d from ",
			 k);
		if (count_str(recv->out, want) != 1)
			fail_msg("message %d came %d times; output:\n%s", k,
				 count_str(recv->out, want), recv->out);
	}
	assert_int_equal(count_str(recv->out, "msgq_minimal_recv: "), 6);
	assert_non_null(strstr(recv->out, "5 messages, then the empty one; "
					  "answered"));
	assert_non_null(strstr(send->out, "the receiver says \"got 5\"; queue "
					  "removed"));
	assert_string_equal(send->err, "");
	assert_string_equal(recv->err, "");
}

static void
test_minimal_pair_delivers_every_message_once(void **state)
{
	struct proc send, recv;
	char key[16];

	key_of(state, key, sizeof(key));
	assert_int_equal(proc_start(&send, "msgq_minimal_send", key, NULL), 0);
	assert_int_equal(proc_start(&recv, "msgq_minimal_recv", key, NULL), 0);
	assert_minimal_run(&send, &recv);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&send);
	proc_free(&recv);
}

/* Started first, the receiver waits for the queue (up to 10 s). */
static void
test_minimal_receiver_first_waits_for_the_queue(void **state)
{
	struct proc send, recv;
	char key[16];

	key_of(state, key, sizeof(key));
	assert_int_equal(proc_start(&recv, "msgq_minimal_recv", key, NULL), 0);
	sleep_ms(300); /* it polls msgget every 100 ms meanwhile */
	assert_int_equal(objects_alive(name_of(state)), 0);
	assert_int_equal(proc_start(&send, "msgq_minimal_send", key, NULL), 0);
	assert_minimal_run(&send, &recv);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&send);
	proc_free(&recv);
}

/* IPC_EXCL: while a sender waits for its answer, a second one on the same
 * key is refused, naming the key, and takes nothing from the first. */
static void
test_minimal_second_sender_is_refused(void **state)
{
	struct proc send, second, recv;
	char key[16];

	key_of(state, key, sizeof(key));
	assert_int_equal(proc_start(&send, "msgq_minimal_send", key, NULL), 0);
	assert_int_equal(proc_wait_output(&send, "sending 5 messages", RUN_MS),
			 0);
	assert_int_equal(proc_start(&second, "msgq_minimal_send", key, NULL),
			 0);
	assert_int_equal(proc_wait(&second, RUN_MS), 0);
	assert_code(&second, 1);
	assert_non_null(strstr(second.err, key));
	assert_non_null(strstr(second.err, "msgget: File exists"));
	assert_int_equal(proc_start(&recv, "msgq_minimal_recv", key, NULL), 0);
	assert_minimal_run(&send, &recv);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&send);
	proc_free(&second);
	proc_free(&recv);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	const char *prog[] = {"msgq_minimal_send", "msgq_minimal_recv"};

	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_usage_exit(prog[i], 0, "-h", NULL, NULL);
		assert_usage_exit(prog[i], 2, "-x", NULL, NULL);
		assert_usage_exit(prog[i], 2, "0", NULL, NULL);
		assert_usage_exit(prog[i], 2, "12abc", NULL, NULL);
		assert_usage_exit(prog[i], 2, "1", "2", NULL, NULL);
	}
}

/* msgsz = sizeof(struct msg): 8 bytes too many on both sides carry the
 * sender's neighbour into the receiver's; fixing only the receiver gives
 * E2BIG; counting the text only is clean; the queue is removed. */
static void
test_broken_msgsz_shows_the_8_bytes_too_many(void **state)
{
	struct proc p;

	assert_int_equal(proc_start(&p, "msgq_broken_msgsz", "-N",
				    name_of(state), NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "with msgsz 72 (sizeof(struct msg)): 72 "
				      "bytes came, into a 64-byte text"));
	assert_non_null(strstr(p.out, "\"SECRET!\", overwritten"));
	assert_non_null(strstr(p.out, "E2BIG, and the message stays"));
	assert_non_null(strstr(p.out, "MSG_NOERROR: 64 bytes came"));
	assert_non_null(strstr(p.out, "msgq_broken_msgsz: counting mtype: 8 "
				      "bytes leaked from the sender and "
				      "written past the receiver's struct; "
				      "counting the text only: none; queue "
				      "removed"));
	assert_string_equal(p.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
	assert_usage_exit("msgq_broken_msgsz", 0, "-h", NULL, NULL);
	assert_usage_exit("msgq_broken_msgsz", 2, "stray", NULL, NULL);
}

/* The fixture's leak check finds every queue of the run in /dev/mqueue;
 * where that is not mounted (and we are not root, who mounts it), it
 * opens the queue of the name itself only, so look for the reply queue by
 * name too. */
static int
teardown(void **state)
{
	char reply[NAMES_FULL_MAX + 8];
	mqd_t q;

	names_posix(reply, NAMES_FULL_MAX, name_of(state));
	strcat(reply, ".reply");
	q = mq_open(reply, O_RDONLY);
	if (q != (mqd_t)-1) {
		mq_close(q);
		mq_unlink(reply);
		print_error("%s left behind\n", reply);
		fixture_teardown(state);
		return -1;
	}
	return fixture_teardown(state);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, teardown)

static const struct CMUnitTest tests[] = {
	T(test_run_delivers_every_message_once),
	T(test_urgent_messages_overtake_waiting_normal_ones),
	T(test_message_over_the_limit_is_refused_naming_it),
	T(test_queue_over_the_limit_is_refused_naming_it),
	T(test_receiver_started_first_waits_for_sender),
	T(test_sigint_removes_sender_queues),
	T(test_sigterm_removes_sender_queues),
	T(test_sigkilled_sender_makes_receiver_exit_1),
	T(test_sigkilled_receiver_makes_sender_exit_1),
	T(test_receiver_without_sender_gives_up),
	T(test_sender_without_receiver_gives_up_and_cleans),
	T(test_second_sender_is_refused),
	T(test_next_sender_removes_stale_queues),
	T(test_ipcs_clean_removes_stale_queues),
	T(test_ipcs_clean_keeps_live_queues),
	T(test_bad_arguments_exit_2),
};

static const struct CMUnitTest sysv_tests[] = {
	T(test_sysv_each_side_takes_only_its_types),
};

static const struct CMUnitTest minimal_broken_tests[] = {
	T(test_minimal_pair_delivers_every_message_once),
	T(test_minimal_receiver_first_waits_for_the_queue),
	T(test_minimal_second_sender_is_refused),
	T(test_minimal_bad_arguments_exit_2),
	T(test_broken_msgsz_shows_the_8_bytes_too_many),
};

int
main(void)
{
	int failed;

	pair = &sysv;
	failed = cmocka_run_group_tests_name("msgq-sysv", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("msgq-sysv-types", sysv_tests,
					      NULL, NULL);
	pair = &posix;
	failed += cmocka_run_group_tests_name("msgq-posix", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("msgq-minimal-broken",
					      minimal_broken_tests, NULL, NULL);
	return failed != 0;
}
