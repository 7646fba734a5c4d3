/* test_signal.c - the signal demos, run as a learner runs them.
 *
 * Signals make no IPC object, so there is no name to share and nothing
 * for the fixture to find; what a run can leave behind is a process, so
 * every program a test starts is waited for (proc_wait reaps it, and
 * kills it first if it overstays).  Counts that depend on timing (how
 * many of a burst of standard signals arrive, how many wake-ups pause()
 * loses) are printed and only bounded, never assumed.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"

#define RUN_MS 10000 /* no test run should come near this */

static const char *sender = "signal_sigqueue_sender";
/* The two receivers, with handlers and with a signalfd: both promise the
 * same, and each test that runs a pair runs it with both. */
static const char *receivers[] = {"signal_sigqueue_receiver",
				  "signal_signalfd_receiver"};
static const char *receiver; /* the one under test */

/* Start the receiver and wait until it says it is waiting; its pid is
 * r->pid. */
static void
start_receiver(struct proc *r, const char *t)
{
	assert_int_equal(proc_start(r, receiver, "-t", t, NULL), 0);
	assert_int_equal(proc_wait_output(r, ": waiting for", RUN_MS), 0);
}

static void
pid_str(char *buf, size_t size, pid_t pid)
{
	snprintf(buf, size, "%ld", (long)pid);
}

/* Run a receiver and a sender of n real-time signals and a burst of b
 * standard ones, both to the end; the receiver started just before the
 * sender, as make run-signal does. */
static void
run_pair(struct proc *r, struct proc *s, const char *n, const char *b)
{
	char pid[16];

	assert_int_equal(proc_start(r, receiver, "-t", "5", NULL), 0);
	/* The sender waits until /proc shows the receiver's signals caught
	 * or blocked.  Under valgrind it would be fooled: valgrind catches
	 * every signal before the program has set up anything. */
	if (under_valgrind())
		assert_int_equal(proc_wait_output(r, ": waiting for", RUN_MS),
				 0);
	pid_str(pid, sizeof(pid), r->pid);
	assert_int_equal(proc_start(s, sender, "-p", pid, "-n", n, "-b", b,
				    "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(s, RUN_MS), 0);
	assert_int_equal(proc_wait(r, RUN_MS), 0);
	assert_code(s, 0);
	assert_code(r, 0);
	assert_string_equal(r->err, "");
	assert_string_equal(s->err, "");
}

/* Assert the receiver took values 1..n, each once, in order, all from
 * sender s. */
static void
assert_in_order(const struct proc *r, const struct proc *s, int n)
{
	const char *at = r->out;
	char want[96];

	for (int k = 1; k <= n; k++) {
		snprintf(want, sizeof(want),
			 ": #%d/%d SIGRTMIN from %ld, value %d\n", k, n,
			 (long)s->pid, k);
		assert_int_equal(count_str(r->out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after value k-1: in order */
	}
	assert_int_equal(count_str(r->out, " SIGRTMIN from "), n);
}

static void
test_realtime_signals_all_arrive_in_order(void **state)
{
	struct proc r, s;

	(void)state;
	run_pair(&r, &s, "200", "10");
	assert_in_order(&r, &s, 200);
	assert_int_equal(count_str(s.out, ": queued SIGRTMIN #"), 200);
	proc_free(&r);
	proc_free(&s);
}

/* A burst of standard signals: at least one arrives, never more than
 * were sent; how many is printed, not assumed. */
static void
test_standard_burst_arrives_at_most_once_each(void **state)
{
	struct proc r, s;
	const char *line;
	int sent, got;

	(void)state;
	run_pair(&r, &s, "1", "2000");
	line = strstr(r.out, "in order; ");
	assert_non_null(line);
	assert_int_equal(
		sscanf(line, "in order; %d of %d SIGUSR1 did", &got, &sent), 2);
	print_message("%s: %d SIGUSR1 sent, %d arrived\n", receiver, sent, got);
	assert_int_equal(sent, 2000);
	assert_true(got >= 1);
	assert_true(got <= sent);
	proc_free(&r);
	proc_free(&s);
}

/* signal_broken_errno: with the save, errno never changes under main;
 * without, it does (which shows the check would catch a missing save). */
static void
test_handler_keeps_errno(void **state)
{
	unsigned long runs_f, changed_f, runs_s, changed_s;
	const char *line;
	struct proc p;

	(void)state;
	assert_int_equal(
		proc_start(&p, "signal_broken_errno", "-n", "300", NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	line = strstr(p.out, "signal_broken_errno: forgets: ");
	assert_non_null(line);
	assert_int_equal(sscanf(line,
				"signal_broken_errno: forgets: runs %lu, "
				"changed %lu; saves: runs %lu, changed %lu",
				&runs_f, &changed_f, &runs_s, &changed_s),
			 4);
	print_message("errno: forgets %lu of %lu runs, saves %lu of %lu\n",
		      changed_f, runs_f, changed_s, runs_s);
	assert_true(runs_s >= 1);
	assert_int_equal(changed_s, 0);
	assert_true(changed_f <= runs_f);
	/* Without the save, errno does change: proof that the check sees it.
	 * (valgrind delivers signals mostly at system calls, where errno is
	 * not in hand, so there the count may be 0.) */
	if (!under_valgrind())
		assert_true(changed_f >= 1);
	proc_free(&p);
}

/* signal_broken_race: sigsuspend loses no wake-up; pause's losses are
 * counted, and bounded by the rounds. */
static void
test_sigsuspend_loses_no_wakeup(void **state)
{
	unsigned long rounds, lost_pause, lost_sigsuspend;
	const char *line;
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "signal_broken_race", "-n", "60", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	line = strstr(p.out, "signal_broken_race: rounds ");
	assert_non_null(line);
	assert_int_equal(sscanf(line,
				"signal_broken_race: rounds %lu, pause lost "
				"%lu, sigsuspend lost %lu",
				&rounds, &lost_pause, &lost_sigsuspend),
			 3);
	print_message("race: %lu rounds, pause lost %lu, sigsuspend lost %lu\n",
		      rounds, lost_pause, lost_sigsuspend);
	assert_int_equal(rounds, 60);
	assert_true(lost_pause <= rounds);
	assert_int_equal(lost_sigsuspend, 0);
	proc_free(&p);
}

static void
test_receiver_without_sender_gives_up(void **state)
{
	struct proc r;
	uint64_t t0 = clock_ns();

	(void)state;
	assert_int_equal(proc_start(&r, receiver, "-t", "1", NULL), 0);
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "no sender in 1 s"));
	assert_true(clock_ns() - t0 >= NS_PER_S);
	proc_free(&r);
}

/* A receiver killed in the middle: the sender's next signal fails with
 * ESRCH, and it says so. */
static void
test_sender_exits_1_when_receiver_gone(void **state)
{
	struct proc r, s;
	char pid[16];

	(void)state;
	start_receiver(&r, "5");
	pid_str(pid, sizeof(pid), r.pid);
	assert_int_equal(proc_start(&s, sender, "-p", pid, "-n", "50", "-i",
				    "100", NULL),
			 0);
	assert_int_equal(proc_wait_output(&s, "queued SIGRTMIN #2 ", RUN_MS),
			 0);
	kill(r.pid, SIGKILL);
	/* Reap it: a zombie still takes signals, without ESRCH. */
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&s, 3000), 0); /* not 48 x 100 ms */
	assert_code(&s, 1);
	assert_non_null(strstr(s.err, "is gone (ESRCH)"));
	proc_free(&r);
	proc_free(&s);
}

/* A sender killed in the middle: the waiting receiver notices. */
static void
test_receiver_exits_1_when_sender_killed(void **state)
{
	struct proc r, s;
	uint64_t t0;
	char pid[16];

	(void)state;
	start_receiver(&r, "5");
	pid_str(pid, sizeof(pid), r.pid);
	assert_int_equal(proc_start(&s, sender, "-p", pid, "-n", "50", "-i",
				    "200", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, ": SIGUSR2 from ", RUN_MS), 0);
	kill(s.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_int_equal(proc_wait(&r, 3000), 0);
	assert_true(clock_ns() - t0 < 2 * NS_PER_S);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "went away"));
	proc_free(&r);
	proc_free(&s);
}

static void
no_such_pid_body(int ready, int go, void *arg)
{
	(void)ready;
	(void)go;
	(void)arg;
	_exit(0);
}

static void
test_sender_exits_1_for_no_such_process(void **state)
{
	struct kid k = KID_NONE;
	struct proc s;
	char pid[16];
	pid_t gone;

	(void)state;
	kid_start(&k, no_such_pid_body, NULL);
	gone = k.pid;
	kid_reap(&k, RUN_MS); /* now nothing has that pid, for a while */
	pid_str(pid, sizeof(pid), gone);
	assert_int_equal(proc_start(&s, sender, "-p", pid, NULL), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 1);
	assert_non_null(strstr(s.err, "no process"));
	proc_free(&s);
}

/* A child that neither catches nor blocks our signals, and waits: a
 * shell, so that it runs natively even under make valgrind (a child
 * forked from a test program that valgrind runs catches every signal). */
static void
bystander_body(int ready, int go, void *arg)
{
	(void)arg;
	if (dup2(ready, STDOUT_FILENO) == -1 || dup2(go, STDIN_FILENO) == -1)
		_exit(3);
	execlp("sh", "sh", "-c", "echo r; read x", (char *)NULL);
	_exit(4);
}

/* Given the pid of a process that is not a receiver, the sender sends
 * nothing (SIGUSR1 would have killed it) and says why. */
static void
test_sender_leaves_other_process_alone(void **state)
{
	struct kid k = KID_NONE;
	struct proc s;
	char pid[16], c;
	int status;

	(void)state;
	kid_start(&k, bystander_body, NULL);
	/* "r": it runs the shell now, not our copy of the test. */
	kid_ready(&k, &c, 1, RUN_MS);
	pid_str(pid, sizeof(pid), k.pid);
	assert_int_equal(proc_start(&s, sender, "-p", pid, "-t", "1", NULL), 0);
	assert_int_equal(proc_wait(&s, 5000), 0);
	assert_code(&s, 1);
	assert_non_null(strstr(s.err, "does not catch or block"));
	assert_int_equal(write(k.go, "\n", 1), 1); /* ends its read */
	status = kid_reap(&k, RUN_MS);
	assert_true(WIFEXITED(status)); /* not killed by a signal */
	assert_int_equal(WEXITSTATUS(status), 0);
	proc_free(&s);
}

static void
test_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit(sender, 0, "-h", NULL, NULL);
	assert_usage_exit(receivers[0], 0, "-h", NULL, NULL);
	assert_usage_exit(receivers[1], 0, "-h", NULL, NULL);
	assert_usage_exit("signal_broken_race", 0, "-h", NULL, NULL);
	assert_usage_exit("signal_broken_errno", 0, "-h", NULL, NULL);
	assert_usage_exit(sender, 2, NULL, NULL, NULL); /* no -p */
	assert_usage_exit(sender, 2, "-p", "abc", NULL);
	assert_usage_exit(sender, 2, "-p", "0",
			  NULL); /* kill(0) is our process group */
	assert_usage_exit(sender, 2, "-p", "-1",
			  NULL); /* kill(-1): every process */
	assert_usage_exit(sender, 2, "-p", "99999999999", NULL);
	assert_usage_exit(sender, 2, "-p", NULL, NULL); /* missing value */
	assert_usage_exit(sender, 2, "-n", "0", NULL);
	assert_usage_exit(sender, 2, "-x", NULL, NULL);
	for (int i = 0; i < 2; i++) {
		assert_usage_exit(receivers[i], 2, "-t", "0", NULL);
		assert_usage_exit(receivers[i], 2, "-t", NULL, NULL);
		assert_usage_exit(receivers[i], 2, "-n", "3",
				  NULL); /* not theirs */
		assert_usage_exit(receivers[i], 2, "stray", NULL, NULL);
	}
	assert_usage_exit("signal_broken_race", 2, "-n", "0", NULL);
	assert_usage_exit("signal_broken_errno", 2, "-i", "5", NULL);
}

/* signal_minimal: three rounds, each answered once, in order, by the one
 * child, which the program has reaped by the time it ends. */
static void
test_minimal_three_round_trips_child_reaped(void **state)
{
	const char *at;
	char want[96];
	long me, kid;
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "signal_minimal", NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_string_equal(p.err, "");
	assert_int_equal(sscanf(p.out, "signal_minimal %ld: round 1: child %ld",
				&me, &kid),
			 2);
	assert_int_equal(me, (long)p.pid);
	at = p.out;
	for (int round = 1; round <= 3; round++) {
		snprintf(want, sizeof(want),
			 "signal_minimal %ld: round %d: child %ld answered\n",
			 me, round, kid);
		assert_int_equal(count_str(p.out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after round - 1: in order */
	}
	assert_int_equal(count_str(p.out, " answered\n"), 3);
	snprintf(want, sizeof(want), "signal_minimal %ld: child %ld exited 0\n",
		 me, kid);
	assert_non_null(strstr(at, want));
	/* Reaped: a zombie would still have its /proc/PID. */
	snprintf(want, sizeof(want), "/proc/%ld", kid);
	assert_int_equal(access(want, F_OK), -1);
	proc_free(&p);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit("signal_minimal", 0, "-h", NULL, NULL);
	assert_usage_exit("signal_minimal", 2, "-x", NULL, NULL);
	assert_usage_exit("signal_minimal", 2, "3", NULL, NULL);
	assert_usage_exit("signal_minimal", 2, "-h", "stray", NULL);
}

/* Run once for each receiver. */
static const struct CMUnitTest pair_tests[] = {
	cmocka_unit_test(test_realtime_signals_all_arrive_in_order),
	cmocka_unit_test(test_standard_burst_arrives_at_most_once_each),
	cmocka_unit_test(test_receiver_without_sender_gives_up),
	cmocka_unit_test(test_sender_exits_1_when_receiver_gone),
	cmocka_unit_test(test_receiver_exits_1_when_sender_killed),
};

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_handler_keeps_errno),
	cmocka_unit_test(test_sigsuspend_loses_no_wakeup),
	cmocka_unit_test(test_sender_exits_1_for_no_such_process),
	cmocka_unit_test(test_sender_leaves_other_process_alone),
	cmocka_unit_test(test_bad_arguments_exit_2),
	cmocka_unit_test(test_minimal_three_round_trips_child_reaped),
	cmocka_unit_test(test_minimal_bad_arguments_exit_2),
};

int
main(void)
{
	int failed = 0;

	for (int i = 0; i < 2; i++) {
		receiver = receivers[i];
		failed += cmocka_run_group_tests_name(receiver, pair_tests,
						      NULL, NULL);
	}
	failed += cmocka_run_group_tests_name("signal", tests, NULL, NULL);
	return failed != 0;
}
