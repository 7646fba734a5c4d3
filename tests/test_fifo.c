/* test_fifo.c - the FIFO demos, run as a learner runs them.
 *
 * Each test meets at a FIFO of a name unique to it (-N), in the private
 * directory fifo/fifo.h describes; the fixture fails the test if that
 * directory is left behind (objects_alive counts it), which is the proof
 * that no FIFO remains.  Every wait is bounded.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "sweep.h"

#include "../fifo/fifo.h"

#define RUN_MS 20000 /* no run should come near this, even under valgrind */

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* Assert that reader output holds writer's messages 1..n, each once, in
 * order (writer 0: any writer, and only n messages in all). */
static void
assert_all_messages(const char *out, pid_t writer, int n)
{
	const char *at = out;
	char want[80];

	for (int k = 1; k <= n; k++) {
		if (writer != 0)
			snprintf(want, sizeof(want),
				 ": #%d/%d from writer %ld:", k, n,
				 (long)writer);
		else
			snprintf(want, sizeof(want), ": #%d/%d from writer ", k,
				 n);
		assert_int_equal(count_str(out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after message k-1: in order */
	}
	if (writer == 0)
		assert_int_equal(count_str(out, " from writer "), n);
}

/* Start the reader and wait until it has made its FIFO. */
static void
start_reader(struct proc *r, const char *name, const char *writers)
{
	assert_int_equal(proc_start(r, "fifo_reader", "-N", name, "-n", writers,
				    "-t", "10", NULL),
			 0);
	assert_int_equal(proc_wait_output(r, "open() waits", RUN_MS), 0);
}

static void
test_run_delivers_every_message_once_in_order_then_eof(void **state)
{
	struct proc w, r;

	start_reader(&r, name_of(state), "1");
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "25", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&w, 0);
	assert_code(&r, 0);
	assert_all_messages(r.out, w.pid, 25);
	assert_int_equal(count_str(w.out, ": sent #"), 25);
	assert_non_null(strstr(r.out, "end of file: the last writer closed"));
	assert_string_equal(r.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&w);
	proc_free(&r);
}

/* The reader's blocking open() waits for a writer: it is still running
 * (and has not printed past open) until one comes. */
static void
test_reader_open_blocks_until_writer_comes(void **state)
{
	struct proc w, r;

	start_reader(&r, name_of(state), "1");
	sleep_ms(300);
	assert_true(pid_alive(r.pid));
	assert_int_equal(proc_wait_output(&r, "open() returned", 10), -1);
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "3", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_non_null(strstr(r.out, "open() returned"));
	assert_all_messages(r.out, w.pid, 3);
	proc_free(&w);
	proc_free(&r);
}

/* A writer started first finds no FIFO (ENOENT) and keeps trying. */
static void
test_writer_started_first_waits_for_reader(void **state)
{
	struct proc w, r;

	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "3", "-i", "0", "-t", "10", NULL),
			 0);
	assert_int_equal(proc_wait_output(&w, "(ENOENT)", RUN_MS), 0);
	sleep_ms(200);
	assert_int_equal(
		proc_start(&r, "fifo_reader", "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_all_messages(r.out, w.pid, 3);
	proc_free(&w);
	proc_free(&r);
}

static void
test_writer_without_reader_gives_up(void **state)
{
	struct proc w;

	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&w, 5000), 0);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "no reader in 1 s"));
	proc_free(&w);
}

static void
test_reader_without_writer_gives_up_and_cleans(void **state)
{
	struct proc r;

	assert_int_equal(proc_start(&r, "fifo_reader", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "no writer in 1 s"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&r);
}

static void
signal_removes_fifo(void **state, int sig)
{
	struct proc r;

	start_reader(&r, name_of(state), "1");
	assert_int_equal(objects_alive(name_of(state)), 1);
	kill(r.pid, sig);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 128 + sig); /* died of that signal, after cleaning */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&r);
}

static void
test_sigint_removes_fifo_and_directory(void **state)
{
	signal_removes_fifo(state, SIGINT);
}

static void
test_sigterm_removes_fifo_and_directory(void **state)
{
	signal_removes_fifo(state, SIGTERM);
}

/* A reader killed with SIGKILL leaves its FIFO: a writer's O_NONBLOCK
 * open then says ENXIO; the next reader meets EEXIST, finds nobody reads
 * it, replaces it, and the run works. */
static void
test_stale_fifo_enxio_then_replaced(void **state)
{
	struct proc r1, w1, w, r;

	start_reader(&r1, name_of(state), "1");
	kill(r1.pid, SIGKILL);
	assert_int_equal(proc_wait(&r1, RUN_MS), 0);
	assert_int_equal(objects_alive(name_of(state)), 1); /* left */

	assert_int_equal(proc_start(&w1, "fifo_writer", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&w1, 5000), 0);
	assert_code(&w1, 1);
	assert_non_null(strstr(w1.out, "(ENXIO): the FIFO is there, but "
				       "nobody reads it"));

	assert_int_equal(
		proc_start(&r, "fifo_reader", "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "3", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_non_null(strstr(r.out, "exists (EEXIST) and nobody reads it "
				      "(ENXIO)"));
	assert_all_messages(r.out, w.pid, 3);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&r1);
	proc_free(&w1);
	proc_free(&w);
	proc_free(&r);
}

static void
test_second_reader_is_refused(void **state)
{
	struct proc r1, r2, w;

	start_reader(&r1, name_of(state), "1");
	assert_int_equal(
		proc_start(&r2, "fifo_reader", "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&r2, RUN_MS), 0);
	assert_code(&r2, 1);
	assert_non_null(strstr(r2.err, "is in use by a running fifo_reader"));
	/* The first reader is undisturbed. */
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "3", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_int_equal(proc_wait(&r1, RUN_MS), 0);
	assert_code(&w, 0);
	assert_code(&r1, 0);
	assert_all_messages(r1.out, w.pid, 3);
	/* r2's test open woke r1's open; r1 saw it was nobody. */
	assert_non_null(strstr(r1.out, "a writer came and went"));
	proc_free(&r1);
	proc_free(&r2);
	proc_free(&w);
}

/* The writer is killed: the reader reads end of file before the last
 * message, exits 1 at once, and removes its FIFO. */
static void
test_sigkilled_writer_makes_reader_exit_1(void **state)
{
	struct proc w, r;
	uint64_t t0;

	start_reader(&r, name_of(state), "1");
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "50", "-i", "100", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#2/50", RUN_MS), 0);
	kill(w.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_true(clock_ns() - t0 < 3 * NS_PER_S);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "went away after #"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&w, RUN_MS);
	proc_free(&w);
	proc_free(&r);
}

/* The reader is killed: the writer's next write says EPIPE; it exits 1
 * and removes the FIFO the dead reader left. */
static void
test_sigkilled_reader_makes_writer_exit_1_and_clean(void **state)
{
	struct proc w, r;
	uint64_t t0;

	start_reader(&r, name_of(state), "1");
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "50", "-i", "100", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#2/50", RUN_MS), 0);
	kill(r.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&w, 5000), 0);
	assert_true(clock_ns() - t0 < 3 * NS_PER_S);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "the reader went away (EPIPE)"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&r, RUN_MS);
	proc_free(&w);
	proc_free(&r);
}

/* Two writers at once; one finishes, the other is killed.  End of file
 * then comes with a writer short of its last message: exit 1, not a
 * normal end. */
static void
test_killed_writer_noticed_while_another_finishes(void **state)
{
	struct proc slow, quick, r;

	start_reader(&r, name_of(state), "1");
	assert_int_equal(proc_start(&slow, "fifo_writer", "-N", name_of(state),
				    "-n", "50", "-i", "100", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#1/50", RUN_MS), 0);
	assert_int_equal(proc_start(&quick, "fifo_writer", "-N", name_of(state),
				    "-n", "3", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(&quick, RUN_MS), 0);
	assert_code(&quick, 0);
	assert_int_equal(proc_wait_output(&r, "#3/3", RUN_MS), 0);
	kill(slow.pid, SIGKILL);
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "went away after #"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&slow, RUN_MS);
	proc_free(&slow);
	proc_free(&quick);
	proc_free(&r);
}

/* A server reader (-n 3) with its dummy write end: three writers one
 * after another, no end of file in between. */
static void
test_server_serves_writers_in_turn(void **state)
{
	struct proc w[3], r;

	start_reader(&r, name_of(state), "3");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(proc_start(&w[i], "fifo_writer", "-N",
					    name_of(state), "-n", "5", "-i",
					    "0", NULL),
				 0);
		assert_int_equal(proc_wait(&w[i], RUN_MS), 0);
		assert_code(&w[i], 0);
		sleep_ms(100); /* a gap: with no dummy, end of file */
	}
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 0);
	for (int i = 0; i < 3; i++) {
		assert_all_messages(r.out, w[i].pid, 5);
		proc_free(&w[i]);
	}
	assert_non_null(strstr(r.out, "15 messages from 3 writer(s)"));
	proc_free(&r);
}

/* Several writers at once: each message is one write() of less than
 * PIPE_BUF bytes, so none is torn, and each writer's stay in order. */
static void
test_concurrent_writers_never_mix(void **state)
{
	struct proc w[4], r;

	start_reader(&r, name_of(state), "4");
	for (int i = 0; i < 4; i++)
		assert_int_equal(proc_start(&w[i], "fifo_writer", "-N",
					    name_of(state), "-n", "200", "-i",
					    "0", NULL),
				 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(proc_wait(&w[i], RUN_MS), 0);
		assert_code(&w[i], 0);
	}
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 0);
	for (int i = 0; i < 4; i++) {
		assert_all_messages(r.out, w[i].pid, 200);
		proc_free(&w[i]);
	}
	proc_free(&r);
}

/* With its dummy write end, the server sees no end of file when a writer
 * dies: it notices by the writer's pid instead, within a poll slice. */
static void
test_server_notices_killed_writer(void **state)
{
	struct proc w, r;
	uint64_t t0;

	start_reader(&r, name_of(state), "2");
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-n", "50", "-i", "100", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#2/50", RUN_MS), 0);
	kill(w.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_true(clock_ns() - t0 < 3 * NS_PER_S);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "went away after #"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&w, RUN_MS);
	proc_free(&w);
	proc_free(&r);
}

/* A directory of our name that is not private is refused by both sides;
 * so is a symlink in its place. */
static void
test_directory_not_private_is_refused(void **state)
{
	char dir[NAMES_FULL_MAX + 256], path[NAMES_FULL_MAX + 300];
	struct proc r, w;

	assert_int_equal(fifo_paths(dir, sizeof(dir), path, sizeof(path),
				    name_of(state)),
			 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0755), 0); /* past the umask */
	assert_int_equal(proc_start(&r, "fifo_reader", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "open to group or others"));
	assert_int_equal(proc_start(&w, "fifo_writer", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&w, 5000), 0);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "not sending anything there"));
	proc_free(&r);
	proc_free(&w);
	assert_int_equal(rmdir(dir), 0);

	assert_int_equal(symlink("/tmp", dir), 0);
	assert_int_equal(proc_start(&r, "fifo_reader", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&r, 5000), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "not a directory (a symlink?)"));
	proc_free(&r);
	assert_int_equal(unlink(dir), 0);
}

static void
assert_exit(const char *prog, int code, const char *arg1, const char *arg2)
{
	struct proc p;

	assert_int_equal(proc_start(&p, prog, arg1, arg2, NULL), 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, code);
	if (code == 0) { /* -h: usage on stdout, nothing on stderr */
		assert_non_null(strstr(p.out, "usage: "));
		assert_string_equal(p.err, "");
	} else { /* complaint and usage on stderr */
		assert_non_null(strstr(p.err, "usage: "));
		assert_string_equal(p.out, "");
	}
	proc_free(&p);
}

static void
test_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_exit("fifo_writer", 0, "-h", NULL);
	assert_exit("fifo_reader", 0, "-h", NULL);
	assert_exit("fifo_writer", 2, "-x", NULL);
	assert_exit("fifo_writer", 2, "-n", "0");
	assert_exit("fifo_writer", 2, "-N", "a/b");
	assert_exit("fifo_reader", 2, "-i", "5"); /* not a reader option */
	assert_exit("fifo_reader", 2, "-t", "0");
	assert_exit("fifo_reader", 2, "stray", NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

static const struct CMUnitTest tests[] = {
	T(test_run_delivers_every_message_once_in_order_then_eof),
	T(test_reader_open_blocks_until_writer_comes),
	T(test_writer_started_first_waits_for_reader),
	T(test_writer_without_reader_gives_up),
	T(test_reader_without_writer_gives_up_and_cleans),
	T(test_sigint_removes_fifo_and_directory),
	T(test_sigterm_removes_fifo_and_directory),
	T(test_stale_fifo_enxio_then_replaced),
	T(test_second_reader_is_refused),
	T(test_sigkilled_writer_makes_reader_exit_1),
	T(test_sigkilled_reader_makes_writer_exit_1_and_clean),
	T(test_killed_writer_noticed_while_another_finishes),
	T(test_server_serves_writers_in_turn),
	T(test_concurrent_writers_never_mix),
	T(test_server_notices_killed_writer),
	T(test_directory_not_private_is_refused),
	T(test_bad_arguments_exit_2),
};

int
main(void)
{
	/* Started with `&` by a shell without job control, we inherit SIGINT
	 * ignored, and so would the programs we start: their cleanup then
	 * leaves it ignored, and the SIGINT test would prove nothing. */
	signal(SIGINT, SIG_DFL);
	return cmocka_run_group_tests_name("fifo", tests, NULL, NULL) != 0;
}
