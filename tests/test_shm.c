/* test_shm.c - the shared memory demos, run as a learner runs them.
 *
 * Each test starts the real programs from build/bin with a name unique to
 * this test (-N), bounds every wait, and is checked by the fixture for
 * objects left behind.  The same tests run against the System V pair and
 * the POSIX pair: both promise the same behaviour.
 *
 * The minimal pair and the classic pair take no -N: their keys are fixed
 * (the classic's for everyone, the minimal's per user and N).  Their tests
 * hold a lock that every test_shm on the machine shares, use an N of
 * their own (never 0, a learner's default), check that the keys are free
 * before and after, and remove by key what the classic server leaves.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

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
	assert_signal_cleans(&w, sig, name_of(state));
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

/* Kill a lone writer with SIGKILL, so its objects stay behind; whether
 * they are still there (kill_leaves_objects()). */
static int
leave_stale_objects(const char *name)
{
	struct proc w;

	start_lone_writer(&w, name, "30");
	return kill_leaves_objects(&w, name);
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

	for (int attempt = 0; attempt < STALE_ATTEMPTS && !proved; attempt++) {
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
		proved = stale_removed(w2.out, name);
		proc_free(&w2);
		proc_free(&r);
	}
	assert_true(proved);
}

static void
test_ipcs_clean_removes_stale_objects(void **state)
{
	assert_clean_removes_stale(name_of(state), leave_stale_objects);
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

/* ---- the minimal pair and the classic pair: fixed keys ---- */

#define CLASSIC_KEY  0x1234 /* shm_broken_classic_*.c */
#define CLASSIC_SIZE 256

static int fixed_keys = -1; /* the lock, while a group holds it */
static int classic_id = -1; /* a classic segment a test made or saw made */
static long minimal_n; /* N for the minimal pair, picked by the group setup */

/* Hold, for a whole group, the fixed keys' lock (harness.h). */
static int
fixed_keys_setup(void **state)
{
	(void)state;
	fixed_keys = fixed_keys_lock();
	return fixed_keys == -1 ? -1 : 0;
}

static int
fixed_keys_teardown(void **state)
{
	(void)state;
	fixed_keys_unlock(fixed_keys);
	fixed_keys = -1;
	return 0;
}

/* The key shm_minimal_server and _client use for n, as they make it. */
static key_t
minimal_key(long n)
{
	return (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | (n & 0xff));
}

/* How many System V segments and semaphore sets have key (one we may not
 * use counts too: it still holds the key). */
static int
key_objects(key_t key)
{
	int n = 0;

	if (shmget(key, 0, 0) != -1 || errno != ENOENT)
		n++;
	if (semget(key, 0, 0) != -1 || errno != ENOENT)
		n++;
	return n;
}

/* Pick an N whose key is free, never 0 (a learner's default). */
static int
minimal_setup(void **state)
{
	if (fixed_keys_setup(state) == -1)
		return -1;
	for (int k = 0; k < 255; k++) {
		minimal_n = 1 + (getpid() + k) % 255;
		if (key_objects(minimal_key(minimal_n)) == 0)
			return 0;
	}
	fixed_keys_teardown(state);
	return -1;
}

/* Fail if the minimal pair's key has objects after the test. */
static int
minimal_check_teardown(void **state)
{
	(void)state;
	assert_int_equal(key_objects(minimal_key(minimal_n)), 0);
	return 0;
}

static const char *
n_arg(void)
{
	static char buf[8];

	snprintf(buf, sizeof(buf), "%ld", minimal_n);
	return buf;
}

/* Wait until the segment at key exists and was made by process pid. */
static int
wait_segment_of(key_t key, pid_t pid, unsigned timeout_ms)
{
	uint64_t deadline = clock_ns() + timeout_ms * (NS_PER_S / 1000);
	struct shmid_ds ds;
	int id;

	while (clock_ns() < deadline) {
		id = shmget(key, 0, 0);
		if (id != -1 && shmctl(id, IPC_STAT, &ds) == 0 &&
		    ds.shm_cpid == pid)
			return id;
		sleep_ms(5);
	}
	return -1;
}

static const char minimal_output[] = "read: message 1 from the server\n"
				     "read: message 2 from the server\n"
				     "read: message 3 from the server\n"
				     "read: message 4 from the server\n"
				     "read: message 5 from the server\n";

static void
test_minimal_delivers_each_message_once(void **state)
{
	struct proc s, c;

	(void)state;
	assert_int_equal(key_objects(minimal_key(minimal_n)), 0);
	assert_int_equal(proc_start(&s, "shm_minimal_server", n_arg(), NULL),
			 0);
	assert_int_equal(proc_start(&c, "shm_minimal_client", n_arg(), NULL),
			 0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&c, 0);
	assert_code(&s, 0);
	assert_string_equal(c.out, minimal_output);
	assert_string_equal(c.err, "");
	assert_string_equal(s.out, "");
	assert_string_equal(s.err, "");
	proc_free(&s);
	proc_free(&c);
}

/* The client may start first: it waits for the server's segment. */
static void
test_minimal_client_first_waits(void **state)
{
	struct proc s, c;

	(void)state;
	assert_int_equal(proc_start(&c, "shm_minimal_client", n_arg(), NULL),
			 0);
	sleep_ms(300); /* not a race: the client waits up to 10 s */
	assert_int_equal(proc_start(&s, "shm_minimal_server", n_arg(), NULL),
			 0);
	assert_int_equal(proc_wait(&c, RUN_MS + 10000), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&c, 0);
	assert_code(&s, 0);
	assert_string_equal(c.out, minimal_output);
	proc_free(&s);
	proc_free(&c);
}

/* IPC_EXCL: a second server at the same key is refused, the first one's
 * run is undisturbed. */
static void
test_minimal_second_server_is_refused(void **state)
{
	struct proc s1, s2, c;

	(void)state;
	assert_int_equal(proc_start(&s1, "shm_minimal_server", n_arg(), NULL),
			 0);
	assert_int_not_equal(
		wait_segment_of(minimal_key(minimal_n), s1.pid, RUN_MS), -1);
	assert_int_equal(proc_start(&s2, "shm_minimal_server", n_arg(), NULL),
			 0);
	assert_int_equal(proc_wait(&s2, RUN_MS), 0);
	assert_code(&s2, 1);
	assert_string_equal(s2.err, "semget: File exists\n");
	assert_int_equal(proc_start(&c, "shm_minimal_client", n_arg(), NULL),
			 0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_int_equal(proc_wait(&s1, RUN_MS), 0);
	assert_code(&c, 0);
	assert_code(&s1, 0);
	assert_string_equal(c.out, minimal_output);
	proc_free(&s1);
	proc_free(&s2);
	proc_free(&c);
}

/* A server whose client never takes a message gives up after its 10 s
 * wait and still removes the segment and the semaphores. */
static void
test_minimal_server_alone_gives_up_and_removes(void **state)
{
	struct proc s;

	(void)state;
	assert_int_equal(proc_start(&s, "shm_minimal_server", n_arg(), NULL),
			 0);
	assert_int_not_equal(
		wait_segment_of(minimal_key(minimal_n), s.pid, RUN_MS), -1);
	assert_int_equal(key_objects(minimal_key(minimal_n)), 2);
	assert_int_equal(proc_wait(&s, RUN_MS + 10000), 0);
	assert_code(&s, 1);
	assert_string_equal(
		s.err, "semtimedop EMPTY: Resource temporarily unavailable\n");
	proc_free(&s);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	static const char *progs[] = {"shm_minimal_server",
				      "shm_minimal_client"};

	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_usage_exit(progs[i], 0, "-h", NULL, NULL);
		assert_usage_exit(progs[i], 2, "256", NULL, NULL);
		assert_usage_exit(progs[i], 2, "-1", NULL, NULL);
		assert_usage_exit(progs[i], 2, "7x", NULL, NULL);
		assert_usage_exit(progs[i], 2, "", NULL, NULL);
		assert_usage_exit(progs[i], 2, "1", "2", NULL);
	}
}

/* Skip, rather than touch, a classic key that someone else holds. */
static void
classic_key_free_or_skip(void)
{
	if (key_objects(CLASSIC_KEY) != 0) {
		print_message("key 0x%x is in use outside this test: skipped\n",
			      CLASSIC_KEY);
		skip();
	}
}

/* With no server the classic client fails, and says almost nothing: no
 * errno, no newline, on stdout, with exit status 255 (return -1). */
static void
test_classic_client_without_server(void **state)
{
	struct proc c;

	(void)state;
	classic_key_free_or_skip();
	assert_int_equal(proc_start(&c, "shm_broken_classic_client", NULL), 0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_code(&c, 255);
	assert_string_equal(c.out, "shmget error");
	assert_string_equal(c.err, "");
	assert_int_equal(key_objects(CLASSIC_KEY), 0); /* it made nothing */
	proc_free(&c);
}

/* Wait up to timeout_ms until segment id holds text (a classic client
 * would print it); returns whether it does. */
static int
wait_segment_holds(int id, const char *text, unsigned timeout_ms)
{
	uint64_t deadline = clock_ns() + timeout_ms * (NS_PER_S / 1000);
	int holds = 0;

	for (;;) {
		char *mem = shmat(id, NULL, SHM_RDONLY);

		assert_true(mem != (void *)-1);
		holds = strncmp(mem, text, CLASSIC_SIZE) == 0;
		assert_int_equal(shmdt(mem), 0);
		if (holds || clock_ns() > deadline)
			return holds;
		sleep_ms(10);
	}
}

/* Remove the segment at the classic key, and check nothing is left. */
static void
classic_remove(void)
{
	int id = shmget(CLASSIC_KEY, 0, 0);

	assert_int_equal(id, classic_id);
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
	classic_id = -1;
	assert_int_equal(key_objects(CLASSIC_KEY), 0);
}

/* After a test that failed half way: remove the segment it made. */
static int
classic_teardown(void **state)
{
	(void)state;
	if (classic_id != -1)
		shmctl(classic_id, IPC_RMID, NULL);
	classic_id = -1;
	return 0;
}

/* Stopped before its 50 s are up, as Ctrl-C or kill would, the classic
 * server never reaches IPC_RMID: its segment stays, nobody attached,
 * holding a message a client would go on printing. */
static void
test_classic_server_killed_leaves_its_segment(void **state)
{
	struct shmid_ds ds;
	struct proc s;
	int id;

	(void)state;
	classic_key_free_or_skip();
	assert_int_equal(proc_start(&s, "shm_broken_classic_server", NULL), 0);
	id = classic_id = wait_segment_of(CLASSIC_KEY, s.pid, RUN_MS);
	assert_int_not_equal(id, -1);
	/* It writes message 1 at once, message 2 only 2 s later. */
	assert_true(
		wait_segment_holds(id, "message 1 from the server", RUN_MS));
	kill(s.pid, SIGTERM);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 128 + SIGTERM);
	assert_int_equal(shmget(CLASSIC_KEY, 0, 0), id); /* still there */
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_nattch, 0);
	assert_int_equal(ds.shm_segsz, CLASSIC_SIZE);
	assert_true(wait_segment_holds(id, "message 1 from the server", 0));
	classic_remove();
	proc_free(&s);
}

/* IPC_CREAT without IPC_EXCL: the classic server silently takes over a
 * segment someone else made at its key, and writes into it. */
static void
test_classic_server_joins_a_segment_it_did_not_make(void **state)
{
	struct proc s;
	int id, written;

	(void)state;
	classic_key_free_or_skip();
	id = shmget(CLASSIC_KEY, CLASSIC_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1 && errno == EEXIST)
		skip(); /* made meanwhile by someone else */
	assert_int_not_equal(id, -1);
	classic_id = id;
	assert_int_equal(proc_start(&s, "shm_broken_classic_server", NULL), 0);
	written = wait_segment_holds(id, "message 1 from the server", RUN_MS);
	assert_true(written); /* into our segment, with no error */
	kill(s.pid, SIGTERM);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 128 + SIGTERM);
	assert_string_equal(s.out, "");
	classic_remove();
	proc_free(&s);
}

static void
test_classic_usage(void **state)
{
	(void)state;
	assert_usage_exit("shm_broken_classic_server", 0, "-h", NULL);
	assert_usage_exit("shm_broken_classic_client", 0, "-h", NULL);
	assert_usage_exit("shm_broken_classic_server", 2, "x", NULL);
	assert_usage_exit("shm_broken_classic_client", 2, "x", NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)
#define M(f) cmocka_unit_test_teardown(f, minimal_check_teardown)
#define C(f) cmocka_unit_test_teardown(f, classic_teardown)

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

static const struct CMUnitTest minimal_tests[] = {
	M(test_minimal_delivers_each_message_once),
	M(test_minimal_client_first_waits),
	M(test_minimal_second_server_is_refused),
	M(test_minimal_server_alone_gives_up_and_removes),
	M(test_minimal_bad_arguments_exit_2),
};

static const struct CMUnitTest classic_tests[] = {
	C(test_classic_client_without_server),
	C(test_classic_server_killed_leaves_its_segment),
	C(test_classic_server_joins_a_segment_it_did_not_make),
	C(test_classic_usage),
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
	failed +=
		cmocka_run_group_tests_name("shm-minimal", minimal_tests,
					    minimal_setup, fixed_keys_teardown);
	failed += cmocka_run_group_tests_name("shm-classic", classic_tests,
					      fixed_keys_setup,
					      fixed_keys_teardown);
	return failed != 0;
}
