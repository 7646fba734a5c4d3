/* test_signal_race.c - the receivers' "is the sender gone?" race, made to
 * happen every time.
 *
 * A receiver asks whether its sender still runs (pid_alive: kill(pid, 0))
 * when it has waited a while for the next signal.  The race: the sender
 * sends its last signals and exits just before that question, while the
 * receiver is outside its wait (with the signals blocked).  "Gone" is then
 * true, yet all the sender sent is pending.  A receiver that stops there
 * says "went away" about a sender that did everything right.  Under load
 * it happened about once in ten runs on one CPU.
 *
 * Here the timing is not left to the scheduler.  The test traces the
 * receiver (ptrace: every system call stops it) and stops it on the
 * entry of kill(sender, 0), that very question; a sender of its own
 * (a forked child, told by pipe what to send) then sends the end of the
 * burst and the real-time signals, exits, and is reaped; and only then
 * the receiver goes on.  It must take what was sent and exit 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../signal/signal_sigqueue.h"
#include "clock.h"
#include "harness.h"

#define RUN_MS 10000 /* no run comes near this; it only ends a hang */

/* The fake sender: waits for a command on fd, and does it. */
static void
sender_body(pid_t receiver, int fd)
{
	union sigval one = {.sival_int = 1};
	char c;

	while (read(fd, &c, 1) == 1) {
		if (c == 'u') { /* one SIGUSR1 of a burst */
			if (kill(receiver, SIG_BURST) == -1)
				_exit(3);
		} else { /* the end: as signal_sigqueue_sender -b 1 -n 1 */
			if (sigqueue(receiver, SIG_BURST_END, one) == -1 ||
			    sigqueue(receiver, SIG_DATA, one) == -1 ||
			    sigqueue(receiver, SIG_DATA_END, one) == -1)
				_exit(4);
			_exit(0);
		}
	}
	_exit(5);
}

/* Resume the stopped tracee r, delivering sig (0: none), to its next
 * system call stop. */
static void
resume(pid_t r, int sig)
{
	assert_int_equal(ptrace(PTRACE_SYSCALL, r, NULL, (void *)(long)sig),
			 0);
}

/* Run r until it stops on the entry of kill(s, 0); fail if it ends or
 * takes RUN_MS.  Signals it gets on the way are delivered as usual. */
static void
run_until_asked_about(pid_t r, pid_t s)
{
	uint64_t deadline = clock_ns() + RUN_MS * NS_PER_MS;
	int st;

	for (;;) {
		struct __ptrace_syscall_info info;
		int sig;

		assert_int_equal(waitpid(r, &st, 0), r);
		if (!WIFSTOPPED(st))
			fail_msg("the receiver ended (wait status %#x) before "
				 "it asked about its sender",
				 (unsigned)st);
		if (clock_ns() > deadline) {
			kill(r, SIGKILL);
			fail_msg("the receiver never asked about its sender");
		}
		sig = WSTOPSIG(st);
		if (sig != (SIGTRAP | 0x80)) {
			/* a stop for PTRACE_INTERRUPT (an event), or a signal
			 * on its way: pass the signal on */
			resume(r, st >> 16 != 0 ? 0 : sig);
			continue;
		}
		assert_true(ptrace(PTRACE_GET_SYSCALL_INFO, r,
				   (void *)sizeof(info), &info) > 0);
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY &&
		    info.entry.nr == SYS_kill &&
		    (pid_t)info.entry.args[0] == s && info.entry.args[1] == 0)
			return; /* stopped on the question */
		resume(r, 0);
	}
}

static void
sender_done_before_question(const char *receiver)
{
	struct proc r;
	int cmd[2], st;
	pid_t s;

	if (under_valgrind())
		skip(); /* valgrind and ptrace do not mix */
	assert_int_equal(proc_start(&r, receiver, "-t", "10", NULL), 0);
	assert_int_equal(proc_wait_output(&r, ": waiting for", RUN_MS), 0);
	assert_int_equal(pipe(cmd), 0);
	fflush(NULL);
	s = fork();
	assert_true(s != -1);
	if (s == 0) {
		close(cmd[1]);
		sender_body(r.pid, cmd[0]);
	}
	close(cmd[0]);

	if (ptrace(PTRACE_SEIZE, r.pid, NULL, (void *)PTRACE_O_TRACESYSGOOD) ==
	    -1) {
		int err = errno;

		close(cmd[1]);
		kill(s, SIGKILL);
		waitpid(s, NULL, 0);
		kill(r.pid, SIGKILL);
		proc_wait(&r, RUN_MS);
		proc_free(&r);
		print_message("ptrace: %s: skipped\n", strerror(err));
		skip();
	}
	assert_int_equal(ptrace(PTRACE_INTERRUPT, r.pid, NULL, NULL), 0);
	/* One SIGUSR1: now the receiver knows its sender, and checks on
	 * it after its next wait. */
	assert_int_equal(write(cmd[1], "u", 1), 1);
	run_until_asked_about(r.pid, s);

	/* In the window: the sender sends all the rest, exits, and is
	 * reaped, so that kill(s, 0) will fail with ESRCH. */
	assert_int_equal(write(cmd[1], "e", 1), 1);
	close(cmd[1]);
	assert_int_equal(wait_child(s, RUN_MS, &st), 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(ptrace(PTRACE_DETACH, r.pid, NULL, NULL), 0);

	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "all 1 real-time signals came"));
	proc_free(&r);
}

static void
sigqueue_receiver_takes_what_a_gone_sender_sent(void **state)
{
	(void)state;
	sender_done_before_question("signal_sigqueue_receiver");
}

static void
signalfd_receiver_takes_what_a_gone_sender_sent(void **state)
{
	(void)state;
	sender_done_before_question("signal_signalfd_receiver");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			sigqueue_receiver_takes_what_a_gone_sender_sent),
		cmocka_unit_test(
			signalfd_receiver_takes_what_a_gone_sender_sent),
	};

	return cmocka_run_group_tests_name("signal race", tests, NULL, NULL);
}
