/* test_fifo.c - the FIFO demos, run as a learner runs them.
 *
 * By default each test starts fifo_reader with a name unique to it (-N),
 * reads the path it prints ("... listening on PATH": a FIFO in a fresh
 * mkdtemp directory) and hands it to fifo_writer with -p, as a learner
 * pastes it from one terminal into the other.  The tests of a reader at a
 * path of the user's choosing (-p on both sides) make that private
 * directory themselves, named so that the fixture counts it, and remove
 * it at the end.  The fixture fails a test if a directory of its name is
 * left behind (objects_alive counts them), which is the proof that no
 * FIFO remains.  Every wait is bounded.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "proc.h"

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

/* Start a reader in a directory of its own (-N name), serving writers
 * writers; wait until it says where its FIFO is, and put that in path. */
static void
start_reader(struct proc *r, const char *name, const char *writers, char *path)
{
	assert_int_equal(proc_start(r, "fifo_reader", "-N", name, "-n", writers,
				    "-t", "10", NULL),
			 0);
	proc_listening_on(r, path, FIFO_PATH_MAX, RUN_MS);
}

/* Start a reader at the user's path (-p) and wait until it is there. */
static void
start_reader_at(struct proc *r, const char *path, const char *writers)
{
	char said[FIFO_PATH_MAX];

	assert_int_equal(proc_start(r, "fifo_reader", "-p", path, "-n", writers,
				    "-t", "10", NULL),
			 0);
	proc_listening_on(r, said, sizeof(said), RUN_MS);
	assert_string_equal(said, path);
}

static void
start_writer(struct proc *w, const char *path, const char *count,
	     const char *ms)
{
	assert_int_equal(proc_start(w, "fifo_writer", "-p", path, "-n", count,
				    "-i", ms, NULL),
			 0);
}

/* Make a private directory for a FIFO at a path of the user's choosing:
 * "$TMPDIR/ipclab-<uid>-NAME.pXXXXXX", mode 0700.  The fixture counts it
 * (it begins with the name and a dot); it is not named as fifo_reader
 * names its own (fifo_dir_is_temp), so it is never taken for one.  Puts
 * the directory in dir and "DIR/ctl" in path. */
static void
user_dir(const char *name, char *dir, char *path)
{
	char tmpl[FIFO_PATH_MAX];

	assert_int_equal(names_dir_template(tmpl, sizeof(tmpl), name), 0);
	tmpl[strlen(tmpl) - strlen("XXXXXX")] = '\0';
	assert_true(snprintf(dir, FIFO_PATH_MAX, "%spXXXXXX", tmpl) <
		    FIFO_PATH_MAX);
	assert_non_null(mkdtemp(dir));
	assert_false(fifo_dir_is_temp(dir));
	assert_true(snprintf(path, FIFO_PATH_MAX, "%s/ctl", dir) <
		    FIFO_PATH_MAX);
}

/* Whether path is there (a FIFO left behind, say). */
static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A -p test's end: the FIFO is gone, the user's directory is still there
 * and empty (rmdir fails on one that is not), and now removed. */
static void
assert_only_fifo_removed(const char *dir, const char *path)
{
	assert_false(exists(path));
	assert_int_equal(rmdir(dir), 0);
}

static void
test_run_delivers_every_message_once_in_order_then_eof(void **state)
{
	char path[FIFO_PATH_MAX];
	struct proc w, r;

	start_reader(&r, name_of(state), "1", path);
	start_writer(&w, path, "25", "0");
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&w, 0);
	assert_code(&r, 0);
	assert_all_messages(r.out, w.pid, 25);
	assert_int_equal(count_str(w.out, ": sent #"), 25);
	assert_non_null(strstr(r.out, "end of file: the last writer closed"));
	assert_non_null(strstr(r.out, "removed "));
	assert_string_equal(r.err, "");
	assert_false(exists(path));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&w);
	proc_free(&r);
}

/* The reader's blocking open() waits for a writer: it is still running
 * (and has not printed past open) until one comes. */
static void
test_reader_open_blocks_until_writer_comes(void **state)
{
	char path[FIFO_PATH_MAX];
	struct proc w, r;

	start_reader(&r, name_of(state), "1", path);
	sleep_ms(300);
	assert_true(pid_alive(r.pid));
	assert_int_equal(proc_wait_output(&r, "open() returned", 10), -1);
	start_writer(&w, path, "3", "0");
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_non_null(strstr(r.out, "open() returned"));
	assert_all_messages(r.out, w.pid, 3);
	proc_free(&w);
	proc_free(&r);
}

/* Assert that dir is a directory mkdtemp made from name's template by
 * process pid: ours, mode 0700, in $TMPDIR or /tmp, named
 * "ipclab-<uid>-<name>.<pid>." and the X's filled in; and path a FIFO in
 * it, mode 0600. */
static void
assert_fresh_private(const char *name, pid_t pid, const char *path)
{
	char dir[FIFO_PATH_MAX], got[NAMES_SHORT_MAX + 1];
	const char *tmp = names_tmp_dir();
	struct stat st;
	uid_t uid;
	pid_t maker;

	assert_int_equal(fifo_dir_of(path, dir, sizeof(dir)), 0);
	assert_memory_equal(dir, tmp, strlen(tmp));
	assert_int_equal(dir[strlen(tmp)], '/');
	assert_true(names_dir_parse(dir + strlen(tmp) + 1, &uid, &maker, got,
				    sizeof(got)));
	assert_int_equal(uid, getuid());
	assert_int_equal(maker, pid);
	assert_string_equal(got, name);
	assert_null(strstr(dir, "XXXXXX"));
	assert_true(fifo_dir_is_temp(dir));
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* The default directory is new and its name random: two readers of the
 * same -N get two directories, and both runs work at once. */
static void
test_default_directory_is_fresh_private_and_unpredictable(void **state)
{
	char path1[FIFO_PATH_MAX], path2[FIFO_PATH_MAX];
	struct proc r1, r2, w1, w2;

	start_reader(&r1, name_of(state), "1", path1);
	start_reader(&r2, name_of(state), "1", path2);
	assert_string_not_equal(path1, path2);
	assert_fresh_private(name_of(state), r1.pid, path1);
	assert_fresh_private(name_of(state), r2.pid, path2);
	assert_int_equal(objects_alive(name_of(state)), 2);

	start_writer(&w1, path1, "20", "5");
	start_writer(&w2, path2, "20", "5");
	assert_int_equal(proc_wait(&w1, RUN_MS), 0);
	assert_int_equal(proc_wait(&w2, RUN_MS), 0);
	assert_int_equal(proc_wait(&r1, RUN_MS), 0);
	assert_int_equal(proc_wait(&r2, RUN_MS), 0);
	assert_code(&w1, 0);
	assert_code(&w2, 0);
	assert_code(&r1, 0);
	assert_code(&r2, 0);
	assert_all_messages(r1.out, w1.pid, 20); /* each its own, only */
	assert_all_messages(r2.out, w2.pid, 20);
	assert_int_equal(count_str(r1.out, " from writer "), 20);
	assert_int_equal(count_str(r2.out, " from writer "), 20);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&r1);
	proc_free(&r2);
	proc_free(&w1);
	proc_free(&w2);
}

/* The writer cannot guess the FIFO: without -p it says so and exits 2. */
static void
test_writer_without_path_exits_2(void **state)
{
	struct proc w;

	(void)state;
	assert_int_equal(proc_start(&w, "fifo_writer", "-n", "3", NULL), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&w, 2);
	assert_non_null(strstr(w.err, "give -p PATH"));
	assert_non_null(strstr(w.err, "usage: fifo_writer -p PATH"));
	assert_string_equal(w.out, "");
	proc_free(&w);
}

/* At a path agreed beforehand (-p on both sides), a writer started first
 * finds no FIFO (ENOENT) and keeps trying until the reader makes it. */
static void
test_writer_started_first_waits_for_reader(void **state)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	struct proc w, r;

	user_dir(name_of(state), dir, path);
	assert_int_equal(proc_start(&w, "fifo_writer", "-p", path, "-n", "3",
				    "-i", "0", "-t", "10", NULL),
			 0);
	assert_int_equal(proc_wait_output(&w, "(ENOENT)", RUN_MS), 0);
	sleep_ms(200);
	assert_int_equal(proc_start(&r, "fifo_reader", "-p", path, NULL), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_all_messages(r.out, w.pid, 3);
	assert_only_fifo_removed(dir, path);
	proc_free(&w);
	proc_free(&r);
}

static void
test_writer_without_reader_gives_up(void **state)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	struct proc w;

	user_dir(name_of(state), dir, path);
	assert_int_equal(
		proc_start(&w, "fifo_writer", "-p", path, "-t", "1", NULL), 0);
	assert_int_equal(proc_wait(&w, 5000), 0);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "no reader in 1 s"));
	assert_int_equal(rmdir(dir), 0); /* it made nothing in it */
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

/* sig while the reader waits in open(): its own directory goes with the
 * FIFO; at a -p path only the FIFO goes. */
static void
signal_removes_fifo(void **state, int sig)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	struct proc r;

	start_reader(&r, name_of(state), "1", path);
	assert_int_equal(objects_alive(name_of(state)), 1);
	assert_true(exists(path));
	kill(r.pid, sig);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 128 + sig); /* died of that signal, after cleaning */
	assert_false(exists(path));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&r);

	user_dir(name_of(state), dir, path);
	start_reader_at(&r, path, "1");
	kill(r.pid, sig);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&r, 128 + sig);
	assert_only_fifo_removed(dir, path);
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

/* At a -p path, a reader killed with SIGKILL leaves its FIFO: a writer's
 * O_NONBLOCK open then says ENXIO; the next reader meets EEXIST, finds
 * nobody reads it, replaces it, and the run works. */
static void
test_stale_fifo_enxio_then_replaced(void **state)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	struct proc r1, w1, w, r;
	struct stat st;

	user_dir(name_of(state), dir, path);
	start_reader_at(&r1, path, "1");
	kill(r1.pid, SIGKILL);
	assert_int_equal(proc_wait(&r1, RUN_MS), 0);
	assert_int_equal(lstat(path, &st), 0); /* left */
	assert_true(S_ISFIFO(st.st_mode));

	assert_int_equal(
		proc_start(&w1, "fifo_writer", "-p", path, "-t", "1", NULL), 0);
	assert_int_equal(proc_wait(&w1, 5000), 0);
	assert_code(&w1, 1);
	assert_non_null(strstr(w1.out, "(ENXIO): the FIFO is there, but "
				       "nobody reads it"));
	assert_true(exists(path)); /* a writer that never wrote removes none */

	assert_int_equal(proc_start(&r, "fifo_reader", "-p", path, NULL), 0);
	start_writer(&w, path, "3", "0");
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&r, 0);
	assert_code(&w, 0);
	assert_non_null(strstr(r.out, "existed (EEXIST) and nobody read it "
				      "(ENXIO)"));
	assert_all_messages(r.out, w.pid, 3);
	assert_only_fifo_removed(dir, path);
	proc_free(&r1);
	proc_free(&w1);
	proc_free(&w);
	proc_free(&r);
}

/* At a -p path, a second reader finds the FIFO in use and leaves it. */
static void
test_second_reader_is_refused(void **state)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	struct proc r1, r2, w;

	user_dir(name_of(state), dir, path);
	start_reader_at(&r1, path, "1");
	assert_int_equal(proc_start(&r2, "fifo_reader", "-p", path, NULL), 0);
	assert_int_equal(proc_wait(&r2, RUN_MS), 0);
	assert_code(&r2, 1);
	assert_non_null(strstr(r2.err, "is in use by a running fifo_reader"));
	assert_true(exists(path)); /* r2 removed nothing of r1's */
	/* r2's test open woke r1's open (it found r1 there: that is how it
	 * knew the FIFO in use); with no writer yet, r1 reads end of file
	 * and says it was nobody.  Wait for that before a writer comes: a
	 * writer that opens first, as under load it may, is read instead. */
	assert_int_equal(proc_wait_output(&r1, "a writer came and went",
					  RUN_MS),
			 0);
	/* The first reader is undisturbed. */
	start_writer(&w, path, "3", "0");
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_int_equal(proc_wait(&r1, RUN_MS), 0);
	assert_code(&w, 0);
	assert_code(&r1, 0);
	assert_all_messages(r1.out, w.pid, 3);
	assert_only_fifo_removed(dir, path);
	proc_free(&r1);
	proc_free(&r2);
	proc_free(&w);
}

/* The writer is killed: the reader reads end of file before the last
 * message, exits 1 at once, and removes its FIFO. */
static void
test_sigkilled_writer_makes_reader_exit_1(void **state)
{
	char path[FIFO_PATH_MAX];
	struct proc w, r;
	uint64_t t0;

	start_reader(&r, name_of(state), "1", path);
	start_writer(&w, path, "50", "100");
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

/* Kill the reader at path half-way; its writer's next write says EPIPE,
 * and it exits 1 in bounded time, saying what it removed. */
static void
kill_reader_under_writer(struct proc *r, const char *path, const char *said)
{
	struct proc w;
	uint64_t t0;

	start_writer(&w, path, "50", "100");
	assert_int_equal(proc_wait_output(r, "#2/50", RUN_MS), 0);
	kill(r->pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&w, 5000), 0);
	assert_true(clock_ns() - t0 < 3 * NS_PER_S);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "the reader went away (EPIPE)"));
	assert_non_null(strstr(w.err, said));
	assert_false(exists(path));
	proc_wait(r, RUN_MS);
	proc_free(&w);
	proc_free(r);
}

/* The reader is killed: the writer removes the FIFO it left, and the
 * directory if the reader had made it; a -p directory is the user's. */
static void
test_sigkilled_reader_makes_writer_exit_1_and_clean(void **state)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	struct proc r;

	start_reader(&r, name_of(state), "1", path);
	kill_reader_under_writer(&r, path, "/fifo and its directory");
	assert_int_equal(objects_alive(name_of(state)), 0);

	user_dir(name_of(state), dir, path);
	start_reader_at(&r, path, "1");
	kill_reader_under_writer(&r, path, "/ctl\n");
	assert_only_fifo_removed(dir, path);
}

/* Two writers at once; one finishes, the other is killed.  End of file
 * then comes with a writer short of its last message: exit 1, not a
 * normal end. */
static void
test_killed_writer_noticed_while_another_finishes(void **state)
{
	char path[FIFO_PATH_MAX];
	struct proc slow, quick, r;

	start_reader(&r, name_of(state), "1", path);
	start_writer(&slow, path, "50", "100");
	assert_int_equal(proc_wait_output(&r, "#1/50", RUN_MS), 0);
	start_writer(&quick, path, "3", "0");
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
	char path[FIFO_PATH_MAX];
	struct proc w[3], r;

	start_reader(&r, name_of(state), "3", path);
	for (int i = 0; i < 3; i++) {
		start_writer(&w[i], path, "5", "0");
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
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&r);
}

/* Several writers at once: each message is one write() of less than
 * PIPE_BUF bytes, so none is torn, and each writer's stay in order. */
static void
test_concurrent_writers_never_mix(void **state)
{
	char path[FIFO_PATH_MAX];
	struct proc w[4], r;

	start_reader(&r, name_of(state), "4", path);
	for (int i = 0; i < 4; i++)
		start_writer(&w[i], path, "200", "0");
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
	assert_non_null(strstr(r.out, "800 messages from 4 writer(s)"));
	proc_free(&r);
}

/* With its dummy write end, the server sees no end of file when a writer
 * dies: it notices by the writer's pid instead, within a poll slice. */
static void
test_server_notices_killed_writer(void **state)
{
	char path[FIFO_PATH_MAX];
	struct proc w, r;
	uint64_t t0;

	start_reader(&r, name_of(state), "2", path);
	start_writer(&w, path, "50", "100");
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

/* Run prog -p path -t 1; assert it exits 1 saying want, and made nothing
 * at path. */
static void
assert_refused(const char *prog, const char *path, const char *want)
{
	struct proc p;

	assert_int_equal(proc_start(&p, prog, "-p", path, "-t", "1", NULL), 0);
	assert_int_equal(proc_wait(&p, 5000), 0);
	assert_code(&p, 1);
	assert_non_null(strstr(p.err, want));
	assert_false(exists(path));
	proc_free(&p);
}

/* A -p directory that is not private is refused by both sides; so is a
 * symlink to a private one, and a directory that is not there. */
static void
test_directory_not_private_is_refused(void **state)
{
	char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
	char link[FIFO_PATH_MAX + 8], via[FIFO_PATH_MAX + 16];

	user_dir(name_of(state), dir, path);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_refused("fifo_reader", path, "open to group or others");
	assert_refused("fifo_writer", path, "not sending anything there");

	assert_int_equal(chmod(dir, 0700), 0);
	assert_true(snprintf(link, sizeof(link), "%s.link", dir) <
		    (int)sizeof(link));
	assert_true(snprintf(via, sizeof(via), "%s/ctl", link) <
		    (int)sizeof(via));
	assert_int_equal(symlink(dir, link), 0);
	assert_refused("fifo_reader", via, "not a directory (a symlink?)");
	assert_refused("fifo_writer", via, "not a directory (a symlink?)");
	assert_int_equal(unlink(link), 0);
	assert_int_equal(rmdir(dir), 0);

	assert_refused("fifo_reader", path, "No such file or directory");
}

/* A private directory for a minimal reader's $TMPDIR, named so that the
 * fixture counts it: "$TMPDIR/ipclab-<uid>-NAME.XXXXXX".  The minimal
 * reader makes its own directory inside; at the end this one must be
 * empty again (rmdir succeeds only then). */
static void
minimal_tmpdir(const char *name, char *dir)
{
	assert_int_equal(names_dir_template(dir, FIFO_PATH_MAX, name), 0);
	assert_non_null(mkdtemp(dir));
}

/* Start fifo_minimal_reader with TMPDIR=tmpdir (only it sees that), and
 * wait for the path it prints. */
static void
start_minimal_reader(struct proc *r, const char *tmpdir, char *path)
{
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? strdup(old) : NULL;
	int rc;

	assert_true(old == NULL || saved != NULL);
	assert_int_equal(setenv("TMPDIR", tmpdir, 1), 0);
	rc = proc_start(r, "fifo_minimal_reader", NULL);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	assert_int_equal(rc, 0);
	proc_listening_on(r, path, FIFO_PATH_MAX, RUN_MS);
}

/* The minimal pair: the reader makes a 0700 directory of its own and a
 * 0600 FIFO in it, the writer told its path delivers every line once, in
 * order, and the reader removes both. */
static void
test_minimal_pair_delivers_every_line_then_removes_all(void **state)
{
	char tmpdir[FIFO_PATH_MAX], path[FIFO_PATH_MAX], dir[FIFO_PATH_MAX];
	char want[80];
	struct proc w, r;
	struct stat st;

	minimal_tmpdir(name_of(state), tmpdir);
	start_minimal_reader(&r, tmpdir, path);
	assert_int_equal(fifo_dir_of(path, dir, sizeof(dir)), 0);
	snprintf(want, sizeof(want), "/ipclab-%ld-fifo-minimal.",
		 (long)getuid());
	assert_memory_equal(dir, tmpdir, strlen(tmpdir));
	assert_memory_equal(dir + strlen(tmpdir), want, strlen(want));
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);

	assert_int_equal(
		proc_start(&w, "fifo_minimal_writer", path, "300", NULL), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	assert_code(&w, 0);
	assert_code(&r, 0);
	assert_hello_lines(r.out, 300, (long)w.pid);
	assert_non_null(strstr(r.out, "end of file; removed the FIFO and its "
				      "directory"));
	assert_non_null(strstr(w.out, "wrote 300 lines, closed my end"));
	assert_string_equal(r.err, "");
	assert_string_equal(w.err, "");
	assert_false(exists(path));
	assert_false(exists(dir));
	assert_int_equal(rmdir(tmpdir), 0); /* empty: nothing left in it */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&w);
	proc_free(&r);
}

/* Told a path that is not a FIFO, the minimal writer writes nothing
 * there: a regular file keeps its bytes, a missing path is an error. */
static void
test_minimal_writer_refuses_what_is_not_a_fifo(void **state)
{
	char tmpdir[FIFO_PATH_MAX], file[FIFO_PATH_MAX + 8], buf[16] = "";
	struct proc w;
	FILE *f;

	minimal_tmpdir(name_of(state), tmpdir);
	snprintf(file, sizeof(file), "%s/file", tmpdir);
	assert_non_null(f = fopen(file, "w"));
	fputs("keep me", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(proc_start(&w, "fifo_minimal_writer", file, NULL), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, ": not a FIFO"));
	assert_non_null(f = fopen(file, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "keep me");
	assert_int_equal(unlink(file), 0);
	proc_free(&w);

	assert_int_equal(proc_start(&w, "fifo_minimal_writer", file, NULL), 0);
	assert_int_equal(proc_wait(&w, RUN_MS), 0);
	assert_code(&w, 1);
	assert_non_null(strstr(w.err, "open "));
	assert_non_null(strstr(w.err, ": No such file or directory"));
	proc_free(&w);
	assert_int_equal(rmdir(tmpdir), 0);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit("fifo_minimal_reader", 0, "-h", NULL);
	assert_usage_exit("fifo_minimal_writer", 0, "-h", NULL);
	assert_usage_exit("fifo_minimal_reader", 2, "-x", NULL);
	assert_usage_exit("fifo_minimal_reader", 2, "/x/fifo", NULL);
	assert_usage_exit("fifo_minimal_writer", 2, NULL);
	assert_usage_exit("fifo_minimal_writer", 2, "-x", NULL);
	assert_usage_exit("fifo_minimal_writer", 2, "/x/fifo", "0", NULL);
	assert_usage_exit("fifo_minimal_writer", 2, "/x/fifo", "1001", NULL);
	assert_usage_exit("fifo_minimal_writer", 2, "/x/fifo", "3x", NULL);
	assert_usage_exit("fifo_minimal_writer", 2, "/x/fifo", "3", "4", NULL);
}

/* The broken rung: both children stay in their first open() until the
 * watchdog kills them; neither gets a word through; nothing is left. */
static void
test_broken_deadlock_both_stuck_in_open_then_cleaned(void **state)
{
	uint64_t t0 = clock_ns();
	struct proc p;

	assert_int_equal(proc_start(&p, "fifo_broken_deadlock", "-N",
				    name_of(state), "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_true(clock_ns() - t0 >= NS_PER_S); /* the watchdog waited */
	assert_non_null(strstr(p.out, "A "));
	assert_int_equal(count_str(p.out, ": open pong for reading: waiting"),
			 1);
	assert_int_equal(count_str(p.out, ": open ping for reading: waiting"),
			 1);
	assert_int_equal(count_str(p.out, " is still in open() of pong"), 1);
	assert_int_equal(count_str(p.out, " is still in open() of ping"), 1);
	assert_non_null(strstr(p.out, ": deadlock: "));
	assert_null(strstr(p.out, " got \""));
	assert_string_equal(p.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
	assert_usage_exit("fifo_broken_deadlock", 0, "-h", NULL);
	assert_usage_exit("fifo_broken_deadlock", 2, "-n", "3", NULL);
	assert_usage_exit("fifo_broken_deadlock", 2, "-t", "0", NULL);
}

/* Run prog with up to four arguments; assert it exits with code. */
static void
test_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit("fifo_writer", 0, "-h", NULL, NULL, NULL, NULL);
	assert_usage_exit("fifo_reader", 0, "-h", NULL, NULL, NULL, NULL);
	assert_usage_exit("fifo_writer", 2, "-p", "/x/fifo", "-x", NULL, NULL);
	assert_usage_exit("fifo_writer", 2, "-p", "/x/fifo", "-n", "0", NULL);
	assert_usage_exit("fifo_writer", 2, "-p", "/x/fifo", "-N", "a",
			  NULL); /* none */
	assert_usage_exit("fifo_writer", 2, "-p", NULL, NULL, NULL, NULL);
	assert_usage_exit("fifo_reader", 2, "-N", "a/b", NULL, NULL, NULL);
	assert_usage_exit("fifo_reader", 2, "-i", "5", NULL, NULL,
			  NULL); /* a writer's */
	assert_usage_exit("fifo_reader", 2, "-t", "0", NULL, NULL, NULL);
	assert_usage_exit("fifo_reader", 2, "stray", NULL, NULL, NULL, NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

static const struct CMUnitTest tests[] = {
	T(test_run_delivers_every_message_once_in_order_then_eof),
	T(test_reader_open_blocks_until_writer_comes),
	T(test_default_directory_is_fresh_private_and_unpredictable),
	T(test_writer_without_path_exits_2),
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
	T(test_minimal_pair_delivers_every_line_then_removes_all),
	T(test_minimal_writer_refuses_what_is_not_a_fifo),
	T(test_minimal_bad_arguments_exit_2),
	T(test_broken_deadlock_both_stuck_in_open_then_cleaned),
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
