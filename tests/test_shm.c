/* test_shm.c - the shared memory demos, run as a learner runs them.
 *
 * Each test starts the real programs from build/bin with a name unique to
 * this test (-N), bounds every wait, and is checked by the fixture for
 * objects left behind.  The same tests run against the System V pair and
 * the POSIX pair: both promise the same behaviour.
 */
#define _GNU_SOURCE /* memmem */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "harness.h"

struct pair {
	const char *writer, *reader;
};

static const struct pair sysv = {"shm_sysv_writer", "shm_sysv_reader"};
static const struct pair posix = {"shm_posix_writer", "shm_posix_reader"};
static const struct pair *pair; /* the pair under test */

#define RUN_MS 10000 /* no test run should come near this */

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* Assert that reader output holds messages 1..n, each once, in order. */
static void
assert_all_messages(const char *out, int n)
{
	const char *at = out;
	char want[64];

	for (int k = 1; k <= n; k++) {
		snprintf(want, sizeof(want), ": #%d/%d from writer ", k, n);
		assert_int_equal(count_str(out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after message k-1: in order */
	}
	assert_int_equal(count_str(out, " from writer "), n);
}

static void
test_run_delivers_every_message_once_in_order(void **state)
{
	struct proc w, r;

	assert_int_equal(proc_start(&w, pair->writer, "-N", name_of(state),
				    "-n", "25", "-i", "0", NULL),
			 0);
	assert_int_equal(
		proc_start(&r, pair->reader, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_all_messages(r.out, 25);
	assert_int_equal(count_str(w.out, ": sent #"), 25);
	assert_string_equal(r.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&w);
	proc_free(&r);
}

static void
test_reader_started_first_waits_for_writer(void **state)
{
	struct proc w, r;

	assert_int_equal(proc_start(&r, pair->reader, "-N", name_of(state),
				    "-t", "5", NULL),
			 0);
	sleep_ms(300);
	assert_int_equal(proc_start(&w, pair->writer, "-N", name_of(state),
				    "-n", "3", "-i", "0", NULL),
			 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_all_messages(r.out, 3);
	proc_free(&w);
	proc_free(&r);
}

/* Start a writer with no reader, and wait until its objects exist. */
static void
start_lone_writer(struct proc *w, const char *name, const char *timeout)
{
	uint64_t deadline = clock_ns() + 5 * NS_PER_S;

	assert_int_equal(
		proc_start(w, pair->writer, "-N", name, "-t", timeout, NULL),
		0);
	while (objects_alive(name) == 0 && clock_ns() < deadline)
		sleep_ms(5);
	assert_int_not_equal(objects_alive(name), 0);
	sleep_ms(50); /* let it finish creating and sit in its first wait */
}

static void
signal_removes_objects(void **state, int sig)
{
	struct proc w;

	start_lone_writer(&w, name_of(state), "30");
	kill(w.pid, sig);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&w, 128 + sig); /* died of that signal */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&w);
}

static void
test_sigint_removes_writer_objects(void **state)
{
	signal_removes_objects(state, SIGINT);
}

static void
test_sigterm_removes_writer_objects(void **state)
{
	signal_removes_objects(state, SIGTERM);
}

static void
test_sigkilled_writer_makes_reader_exit_1(void **state)
{
	struct proc w, r;
	uint64_t t0;

	assert_int_equal(proc_start(&w, pair->writer, "-N", name_of(state),
				    "-n", "50", "-i", "200", NULL),
			 0);
	assert_int_equal(proc_start(&r, pair->reader, "-N", name_of(state),
				    "-t", "5", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "#1/50", RUN_MS), 0);
	kill(w.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&r, 3000), 0); /* not its 5 s timeout */
	assert_true(clock_ns() - t0 < 2 * NS_PER_S);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "died"));
	/* The reader removed what the dead writer left. */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&w, RUN_MS);
	proc_free(&w);
	proc_free(&r);
}

static void
test_sigkilled_reader_makes_writer_exit_1(void **state)
{
	struct proc w, r;

	assert_int_equal(proc_start(&w, pair->writer, "-N", name_of(state),
				    "-n", "50", "-i", "50", "-t", "30", NULL),
			 0);
	assert_int_equal(
		proc_start(&r, pair->reader, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait_output(&r, "#2/50", RUN_MS), 0);
	kill(r.pid, SIGKILL);
	assert_int_equal(proc_wait(&w, 3000), 0); /* not its 30 s timeout */
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "reader went away"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&r, RUN_MS);
	proc_free(&w);
	proc_free(&r);
}

static void
test_reader_without_writer_gives_up(void **state)
{
	struct proc r;

	assert_int_equal(proc_start(&r, pair->reader, "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&r, 4000), 0);
	assert_code(&r, 1);
	assert_non_null(strstr(r.err, "no writer"));
	proc_free(&r);
}

static void
test_writer_without_reader_gives_up_and_cleans(void **state)
{
	struct proc w;

	assert_int_equal(proc_start(&w, pair->writer, "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&w, 4000), 0);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "no reader"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&w);
}

static void
test_second_writer_is_refused(void **state)
{
	struct proc w1, w2, r;

	start_lone_writer(&w1, name_of(state), "30");
	assert_int_equal(
		proc_start(&w2, pair->writer, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&w2, RUN_MS), 0);
	assert_code(&w2, 1);
	assert_non_null(strstr(w2.err, "in use"));
	/* The first run is undisturbed: a reader still gets everything. */
	assert_int_equal(
		proc_start(&r, pair->reader, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w1, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w1, 0);
	assert_all_messages(r.out, 10);
	proc_free(&w1);
	proc_free(&w2);
	proc_free(&r);
}

/* Whether a writer's output says it removed a stale object of name. */
static int
removed_ours(const char *out, const char *name)
{
	char key[32], posix[NAMES_FULL_MAX];

	snprintf(key, sizeof(key), "key 0x%08x", (unsigned)names_key(name));
	names_posix(posix, sizeof(posix), name);
	for (const char *l = strstr(out, "removed stale"); l != NULL;
	     l = strstr(l + 1, "removed stale")) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if ((memmem(l, len, key, strlen(key)) != NULL ||
		     memmem(l, len, posix, strlen(posix)) != NULL))
			return 1;
	}
	return 0;
}

#define ATTEMPTS 5

/* One slot, one reader: a second reader is turned away and the first
 * still gets every message. */
static void
test_second_reader_is_refused(void **state)
{
	/* Slow enough that the second reader arrives before the end, even on a
	 * loaded machine where starting a process takes a few hundred ms. */
	const char *pace = under_valgrind() ? "500" : "200";
	struct proc w, r1, r2;

	assert_int_equal(proc_start(&w, pair->writer, "-N", name_of(state),
				    "-n", "10", "-i", pace, NULL),
			 0);
	assert_int_equal(
		proc_start(&r1, pair->reader, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait_output(&r1, "#1/10", RUN_MS), 0);
	assert_int_equal(
		proc_start(&r2, pair->reader, "-N", name_of(state), NULL), 0);
	assert_int_equal(proc_wait(&r2, RUN_MS), 0);
	assert_code(&r2, 1);
	assert_non_null(strstr(r2.err, "already has a reader"));
	assert_int_equal(proc_wait(&r1, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r1, 0);
	assert_code(&w, 0);
	assert_all_messages(r1.out, 10);
	proc_free(&w);
	proc_free(&r1);
	proc_free(&r2);
}

/* Kill a lone writer with SIGKILL, so its objects stay behind.  Returns
 * whether they are still there: when tests run in parallel, another
 * writer's start-up sweep may have removed them already. */
static int
leave_stale_objects(const char *name)
{
	struct proc w;

	start_lone_writer(&w, name, "30");
	kill(w.pid, SIGKILL);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	proc_free(&w);
	return objects_alive(name) != 0;
}

/* A writer killed by SIGKILL leaves its objects; the next writer of the
 * same name removes them and runs.  Any writer on the machine removes
 * stale objects when it starts, so when tests run in parallel another one
 * may get there first: then this proves nothing, and we try again. */
static void
test_next_writer_removes_stale_objects(void **state)
{
	const char *name = name_of(state);
	int proved = 0;

	for (int attempt = 0; attempt < ATTEMPTS && !proved; attempt++) {
		struct proc w2, r;

		if (!leave_stale_objects(name))
			continue;
		assert_int_equal(proc_start(&w2, pair->writer, "-N", name, "-n",
					    "2", "-i", "0", NULL),
				 0);
		assert_int_equal(proc_start(&r, pair->reader, "-N", name, "-t",
					    "5", NULL),
				 0);
		assert_int_equal(proc_wait(&r, RUN_MS), 0);
		assert_code(&r, 0);
		assert_int_equal(proc_wait(&w2, RUN_MS), 0);
		assert_code(&w2, 0);
		assert_all_messages(r.out, 2);
		proved = removed_ours(w2.out, name);
		proc_free(&w2);
		proc_free(&r);
	}
	assert_true(proved);
}

static void
test_ipcs_clean_removes_stale_objects(void **state)
{
	const char *name = name_of(state);
	int proved = 0;

	for (int attempt = 0; attempt < ATTEMPTS && !proved; attempt++) {
		struct proc c;

		if (!leave_stale_objects(name))
			continue;
		assert_int_equal(proc_start(&c, "ipclab-ipcs", "--clean", NULL),
				 0);
		assert_int_equal(proc_wait(&c, RUN_MS), 0);
		assert_code(&c, 0);
		assert_int_equal(objects_alive(name), 0);
		proved = removed_ours(c.out, name);
		proc_free(&c);
	}
	assert_true(proved);
}

/* ipclab-ipcs --clean never removes what a running writer holds. */
static void
test_ipcs_clean_keeps_live_objects(void **state)
{
	struct proc w, c;
	int before;

	start_lone_writer(&w, name_of(state), "30");
	before = objects_alive(name_of(state));
	assert_int_equal(proc_start(&c, "ipclab-ipcs", "--clean", NULL), 0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_code(&c, 0);
	assert_int_equal(objects_alive(name_of(state)), before);
	kill(w.pid, SIGTERM);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	proc_free(&w);
	proc_free(&c);
}

static void
test_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit(pair->writer, 0, "-h", NULL, NULL);
	assert_usage_exit(pair->reader, 0, "-h", NULL, NULL);
	assert_usage_exit(pair->writer, 2, "-x", NULL, NULL);
	assert_usage_exit(pair->writer, 2, "-n", "0", NULL);
	assert_usage_exit(pair->writer, 2, "-n", "ten", NULL);
	assert_usage_exit(pair->writer, 2, "-i", "-5", NULL);
	assert_usage_exit(pair->writer, 2, "-N", "a/b", NULL);
	assert_usage_exit(pair->writer, 2, "-n", NULL,
			  NULL); /* missing value */
	assert_usage_exit(pair->reader, 2, "-n", "3",
			  NULL); /* not a reader option */
	assert_usage_exit(pair->reader, 2, "-t", "0", NULL);
	assert_usage_exit(pair->reader, 2, "stray", NULL, NULL);
}

/* The broken demo really runs unsynchronised, and its accounting adds
 * up; how much goes wrong is whatever happened, so it is read, not
 * assumed.  It still removes its segment. */
static void
test_broken_nosync_accounts_and_cleans(void **state)
{
	unsigned long sent, seen, missed, repeated, torn;
	const char *line;
	struct proc p;

	assert_int_equal(proc_start(&p, "shm_broken_nosync", "-N",
				    name_of(state), "-n", "5000", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	line = strstr(p.out, "shm_broken_nosync: sent ");
	assert_non_null(line);
	assert_int_equal(sscanf(line,
				"shm_broken_nosync: sent %lu, seen %lu, missed "
				"%lu, repeated %lu, torn %lu",
				&sent, &seen, &missed, &repeated, &torn),
			 5);
	assert_int_equal(sent, 5000);
	assert_int_equal(seen + missed, sent);
	assert_true(seen >= 1); /* the last message stays whole at the end */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

static const struct CMUnitTest tests[] = {
	T(test_run_delivers_every_message_once_in_order),
	T(test_reader_started_first_waits_for_writer),
	T(test_sigint_removes_writer_objects),
	T(test_sigterm_removes_writer_objects),
	T(test_sigkilled_writer_makes_reader_exit_1),
	T(test_sigkilled_reader_makes_writer_exit_1),
	T(test_reader_without_writer_gives_up),
	T(test_writer_without_reader_gives_up_and_cleans),
	T(test_second_writer_is_refused),
	T(test_second_reader_is_refused),
	T(test_next_writer_removes_stale_objects),
	T(test_ipcs_clean_removes_stale_objects),
	T(test_ipcs_clean_keeps_live_objects),
	T(test_bad_arguments_exit_2),
};

static const struct CMUnitTest broken_tests[] = {
	T(test_broken_nosync_accounts_and_cleans),
};

int
main(void)
{
	int failed;

	pair = &sysv;
	failed = cmocka_run_group_tests_name("shm-sysv", tests, NULL, NULL);
	pair = &posix;
	failed += cmocka_run_group_tests_name("shm-posix", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("shm-broken", broken_tests, NULL,
					      NULL);
	return failed != 0;
}
