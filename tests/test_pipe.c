/* test_pipe.c - the pipe demos, run as a learner runs them.
 *
 * A pipe has no name, so there is nothing to leak but processes: every
 * test bounds its wait, and the peer-killed tests check that the side
 * left behind ends on its own, promptly, with exit 1 and a reason.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "proc.h"

#define RUN_MS 20000 /* no run should come near this, even under valgrind */

/* Assert that out holds "#k/n from parent" for k = 1..n, each once, in
 * order, and nothing else of the kind. */
static void
assert_in_order(const char *out, const char *fmt, int n)
{
	const char *at = out;
	char want[64];

	for (int k = 1; k <= n; k++) {
		snprintf(want, sizeof(want), fmt, k, n);
		assert_int_equal(count_str(out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after message k-1 */
	}
}

/* Run prog with up to two arguments; assert it exits code. */
static void
run(struct proc *p, int code, const char *prog, const char *a1, const char *a2)
{
	assert_int_equal(proc_start(p, prog, a1, a2, NULL), 0);
	assert_int_equal(proc_wait(p, RUN_MS), 0);
	assert_code(p, code);
}

static void
test_parent_child_delivers_every_message_in_order_then_eof(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "pipe_parent_child", "-n", "50", "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_in_order(p.out, ": #%d/%d from parent ", 50);
	assert_int_equal(count_str(p.out, " from parent "), 50);
	assert_int_equal(count_str(p.out, ": sent #"), 50);
	assert_non_null(strstr(p.out, "end of file after 50 messages"));
	assert_string_equal(p.err, "");
	proc_free(&p);
}

/* 32 blocks of 1 MiB, each byte checked by the program against its
 * pattern; the first block took many read() calls (the pipe holds 64 KiB,
 * so a 1 MiB write cannot arrive in one piece). */
static void
test_partial_reads_deliver_every_byte_in_order(void **state)
{
	const char *line;
	unsigned calls;
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_partial_read", "-n", "32");
	assert_non_null(strstr(p.out, ": 32 blocks, 33554432 bytes, in order; "
				      "end of file"));
	line = strstr(p.out, ": block 1: ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, ": block 1: %u read() calls", &calls), 1);
	assert_true(calls >= 2);
	assert_string_equal(p.err, "");
	proc_free(&p);
}

static void
test_request_reply_answers_each_request_in_turn(void **state)
{
	char want[64];
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "pipe_request_reply", "-n", "20", "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	for (int k = 1; k <= 20; k++) {
		snprintf(want, sizeof(want), ": \"HELLO %d\"\n", k);
		assert_int_equal(count_str(p.out, want), 1);
	}
	assert_int_equal(count_str(p.out, ": reply #"), 20);
	assert_non_null(strstr(p.out, "end of file on requests"));
	assert_non_null(strstr(p.out, "end of file on replies"));
	proc_free(&p);
}

/* seq | wc -l counts 100000 lines only if every byte got through and wc
 * saw end of file: every copy of the write end was closed. */
static void
test_shell_pipeline_carries_every_line(void **state)
{
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_shell", NULL, NULL);
	assert_non_null(strstr(p.out, "\n100000\n"));
	assert_non_null(strstr(p.out, "seq ("));
	assert_non_null(strstr(p.out, ") exited 0, wc ("));
	proc_free(&p);
}

static void
test_shell_reports_a_failing_command(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(
		proc_start(&p, "pipe_shell", "false", "|", "cat", NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 1);
	assert_non_null(strstr(p.out, "false ("));
	assert_non_null(strstr(p.out, ") exited 1, cat ("));
	proc_free(&p);
	run(&p, 2, "pipe_shell", "ls", NULL); /* no '|' */
	proc_free(&p);
}

/* Default SIGPIPE kills the writer; ignored, the write says EPIPE, and
 * only after the reader has read its COUNT messages and gone. */
static void
test_sigpipe_by_default_epipe_when_ignored(void **state)
{
	unsigned long k;
	const char *line;
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_sigpipe", "-n", "5");
	assert_non_null(strstr(p.out, "was killed by signal 13 (SIGPIPE)"));
	assert_int_equal(count_str(p.out, "pipe_sigpipe child "), 6);
	line = strstr(p.out, ": write #");
	assert_non_null(line);
	assert_int_equal(sscanf(line, ": write #%lu: ", &k), 1);
	assert_true(k > 5);
	assert_non_null(strstr(line, "(EPIPE): the reader has gone"));
	proc_free(&p);
}

/* Each size's accounting adds up; records of PIPE_BUF bytes are never
 * interleaved (that is POSIX's promise; larger ones vary by run). */
static void
test_atomic_writes_of_pipe_buf_never_interleave(void **state)
{
	static const unsigned long sizes[] = {4096, 8192, 65536, 262144};
	unsigned long chunks, whole, mixed;
	char want[64];
	const char *line;
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_atomic", "-n", "300");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(want, sizeof(want), ": size %lu: ", sizes[i]);
		line = strstr(p.out, want);
		assert_non_null(line);
		assert_int_equal(sscanf(line + strlen(want),
					"%lu chunks read, %lu whole, %lu "
					"interleaved",
					&chunks, &whole, &mixed),
				 3);
		assert_int_equal(chunks, 600);
		assert_int_equal(whole + mixed, chunks);
		if (sizes[i] == 4096)
			assert_int_equal(mixed, 0);
	}
	proc_free(&p);
}

/* What F_GETPIPE_SZ says is what the pipe really takes before EAGAIN, at
 * the default size and after F_SETPIPE_SZ. */
static void
test_capacity_is_what_f_getpipe_sz_says(void **state)
{
	long said, filled, grown, refilled;
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_capacity", NULL, NULL);
	assert_int_equal(sscanf(strstr(p.out, ": F_GETPIPE_SZ: "),
				": F_GETPIPE_SZ: %ld", &said),
			 1);
	assert_int_equal(sscanf(strstr(p.out, "O_NONBLOCK writes: "),
				"O_NONBLOCK writes: %ld", &filled),
			 1);
	assert_int_equal(sscanf(strstr(p.out, "(pipe-max-size): now "),
				"(pipe-max-size): now %ld", &grown),
			 1);
	assert_int_equal(sscanf(strstr(p.out, "filled again: "),
				"filled again: %ld", &refilled),
			 1);
	assert_int_equal(filled, said);
	assert_int_equal(refilled, grown);
	assert_true(grown >= said);
	proc_free(&p);
}

/* The forgotten close hangs the child: it sees every message but never
 * end of file, until its alarm kills it. */
static void
test_broken_noclose_never_sees_eof(void **state)
{
	uint64_t t0 = clock_ns();
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_broken_noclose", "-t", "1");
	assert_true(clock_ns() - t0 >= NS_PER_S); /* it did wait */
	assert_int_equal(count_str(p.out, "#3/3 \"hello 3 from "), 1);
	assert_non_null(strstr(p.out, "was killed by SIGALRM"));
	assert_null(strstr(p.out, ": end of file"));
	proc_free(&p);
}

/* The minimal rung: every line once, in order, then end of file, the
 * child reaped with status 0. */
static void
test_minimal_delivers_every_line_once_in_order_then_eof(void **state)
{
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_minimal", "500", NULL);
	assert_hello_lines(p.out, 500, (long)p.pid);
	assert_int_equal(count_str(p.out, ": end of file\n"), 1);
	assert_non_null(strstr(p.out, "wrote 500 lines, closed my write end"));
	assert_non_null(strstr(p.out, " exited 0\n"));
	assert_string_equal(p.err, "");
	proc_free(&p);

	run(&p, 0, "pipe_minimal", NULL, NULL); /* the default: 3 */
	assert_int_equal(count_str(p.out, "hello "), 3);
	proc_free(&p);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit("pipe_minimal", 0, "-h", NULL);
	assert_usage_exit("pipe_minimal", 2, "-x", NULL);
	assert_usage_exit("pipe_minimal", 2, "0", NULL);
	assert_usage_exit("pipe_minimal", 2, "1001", NULL);
	assert_usage_exit("pipe_minimal", 2, "5x", NULL);
	assert_usage_exit("pipe_minimal", 2, "", NULL);
	assert_usage_exit("pipe_minimal", 2, "3", "4", NULL);
}

/* The pid after "text" in out, or 0. */
static pid_t
pid_after(const char *out, const char *text)
{
	const char *at = strstr(out, text);
	long pid = 0;

	if (at != NULL)
		sscanf(at + strlen(text), "%ld", &pid);
	return (pid_t)pid;
}

/* What a running program has written to fd so far, as a string in buf. */
static const char *
peek(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* The child dies: the parent's next write says EPIPE, it exits 1. */
static void
test_killed_child_makes_parent_exit_1(void **state)
{
	char out[8192];
	struct proc p;
	pid_t child;
	uint64_t t0;

	(void)state;
	assert_int_equal(proc_start(&p, "pipe_parent_child", "-n", "100", "-i",
				    "50", NULL),
			 0);
	assert_int_equal(proc_wait_output(&p, "#2/100", RUN_MS), 0);
	child = pid_after(peek(p.out_fd, out, sizeof(out)), "forked child ");
	assert_true(child > 0);
	kill(child, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&p, 5000), 0);
	assert_true(clock_ns() - t0 < 3 * NS_PER_S);
	assert_code(&p, 1);
	assert_non_null(strstr(p.err, "the child went away (EPIPE)"));
	proc_free(&p);
}

/* The parent dies: the child reads end of file before the last message
 * and exits 1 (it is no longer our child, so we watch its pid). */
static void
test_killed_parent_makes_child_exit_1(void **state)
{
	char err[4096];
	uint64_t deadline;
	struct proc p;
	pid_t child;

	(void)state;
	assert_int_equal(proc_start(&p, "pipe_parent_child", "-n", "100", "-i",
				    "50", NULL),
			 0);
	assert_int_equal(proc_wait_output(&p, "#2/100", RUN_MS), 0);
	kill(p.pid, SIGKILL);
	assert_int_equal(proc_wait(&p, 5000), 0);
	child = pid_after(p.out, "forked child ");
	assert_true(child > 0);
	deadline = clock_ns() + 3 * NS_PER_S;
	while (pid_alive(child) && clock_ns() < deadline)
		sleep_ms(10);
	assert_false(pid_alive(child));
	/* It wrote to the same stderr as its parent, before it exited. */
	assert_non_null(strstr(peek(p.err_fd, err, sizeof(err)),
			       "the parent went away before the last"));
	proc_free(&p);
}

/* write() copies; vmsplice() lends the page, so what the child reads is
 * what the page holds when it reads; waited for, the page arrives whole,
 * also when spliced on into a file. */
static void
test_vmsplice_lends_the_senders_page(void **state)
{
	struct proc p;

	(void)state;
	run(&p, 0, "pipe_vmsplice", NULL, NULL);
	assert_non_null(strstr(p.out, "write, then overwrite: the child read "
				      "'A' (a copy)"));
	assert_non_null(strstr(p.out, "vmsplice, then overwrite: the child "
				      "read 'B' (the pipe held our page)"));
	assert_non_null(strstr(p.out, "into a memfd: all 'C'"));
	assert_non_null(strstr(p.out, "wait until consumed: the child saw "
				      "'C'"));
	assert_string_equal(p.err, "");
	proc_free(&p);
}

static void
test_bad_arguments_exit_2(void **state)
{
	static const char *progs[] = {
		"pipe_parent_child",   "pipe_request_reply", "pipe_sigpipe",
		"pipe_partial_read",   "pipe_atomic",	     "pipe_capacity",
		"pipe_broken_noclose", "pipe_vmsplice"};
	struct proc p;

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		run(&p, 0, progs[i], "-h", NULL);
		assert_non_null(strstr(p.out, "usage: "));
		proc_free(&p);
		run(&p, 2, progs[i], "-x", NULL);
		assert_non_null(strstr(p.err, "usage: "));
		proc_free(&p);
	}
	run(&p, 0, "pipe_shell", "-h", NULL);
	proc_free(&p);
	run(&p, 2, "pipe_parent_child", "-n", "0");
	proc_free(&p);
	run(&p, 2, "pipe_capacity", "-n", "3"); /* takes no -n */
	proc_free(&p);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(
		test_parent_child_delivers_every_message_in_order_then_eof),
	cmocka_unit_test(test_partial_reads_deliver_every_byte_in_order),
	cmocka_unit_test(test_request_reply_answers_each_request_in_turn),
	cmocka_unit_test(test_shell_pipeline_carries_every_line),
	cmocka_unit_test(test_shell_reports_a_failing_command),
	cmocka_unit_test(test_sigpipe_by_default_epipe_when_ignored),
	cmocka_unit_test(test_atomic_writes_of_pipe_buf_never_interleave),
	cmocka_unit_test(test_capacity_is_what_f_getpipe_sz_says),
	cmocka_unit_test(test_broken_noclose_never_sees_eof),
	cmocka_unit_test(
		test_minimal_delivers_every_line_once_in_order_then_eof),
	cmocka_unit_test(test_minimal_bad_arguments_exit_2),
	cmocka_unit_test(test_killed_child_makes_parent_exit_1),
	cmocka_unit_test(test_killed_parent_makes_child_exit_1),
	cmocka_unit_test(test_vmsplice_lends_the_senders_page),
	cmocka_unit_test(test_bad_arguments_exit_2),
};

int
main(void)
{
	return cmocka_run_group_tests_name("pipe", tests, NULL, NULL) != 0;
}
