/* test_sem.c - the semaphore demos, run as a learner runs them.
 *
 * Each test starts the real programs from build/bin with a name unique to
 * this test (-N), bounds every wait, and is checked by the fixture for
 * objects left behind.  The workers' common promises are tested against
 * both the System V and the POSIX worker; SEM_UNDO and the init race have
 * tests of their own, and so have the minimal rung (sem_minimal, run at
 * the key of the test's name), the producer/consumer ring and the broken
 * demo.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "../sem/sem_sysv.h"

/* No test run should come near this; under valgrind (make valgrind) each
 * program takes seconds just to start, on a busy machine. */
static unsigned
run_ms(void)
{
	return under_valgrind() ? 60000 : 10000;
}
#define RUN_MS run_ms()

/* The workers' -t: how long one waits for the other to come. */
static const char *
peer_wait(void)
{
	return under_valgrind() ? "30" : "10";
}

static const char *worker; /* the worker under test */

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* The pid at the start of line "prog PID: ..." that holds text. */
static long
pid_of_line(const char *out, const char *text)
{
	const char *at = strstr(out, text), *line;

	if (at == NULL)
		return -1;
	for (line = at; line > out && line[-1] != '\n'; line--)
		;
	line = strchr(line, ' ');
	return line != NULL ? strtol(line + 1, NULL, 10) : -1;
}

/* pid_of_line() on what p has written so far (it still runs). */
static long
pid_of_line_so_far(const struct proc *p, const char *text)
{
	char buf[8192];
	ssize_t n = pread(p->out_fd, buf, sizeof(buf) - 1, 0);

	assert_true(n > 0);
	buf[n] = '\0';
	return pid_of_line(buf, text);
}

/* Start two workers at once, as `worker & worker` does. */
static void
start_two(struct proc *a, struct proc *b, const char *name, const char *n,
	  const char *ms)
{
	assert_int_equal(proc_start(a, worker, "-N", name, "-n", n, "-i", ms,
				    "-t", peer_wait(), NULL),
			 0);
	assert_int_equal(proc_start(b, worker, "-N", name, "-n", n, "-i", ms,
				    "-t", peer_wait(), NULL),
			 0);
}

/* Both ended well; exactly one created; the creator's final line says
 * counter == expected == want. */
static void
assert_counted(struct proc *a, struct proc *b, unsigned long want)
{
	char line[64];

	assert_int_equal(proc_wait(a, RUN_MS), 0);
	assert_int_equal(proc_wait(b, RUN_MS), 0);
	assert_code(a, 0);
	assert_code(b, 0);
	assert_int_equal(count_str(a->out, ": created ") +
				 count_str(b->out, ": created "),
			 1);
	snprintf(line, sizeof(line), ": counter %lu, expected %lu;", want,
		 want);
	assert_int_equal(count_str(a->out, line) + count_str(b->out, line), 1);
}

/* ---- what both workers promise ------------------------------------------ */

/* Mutual exclusion under contention: each turn reads, pauses 1 ms and
 * writes back plus one, so without the lock increments get lost (a
 * version with the lock taken out ends far below 2N). */
static void
test_two_workers_count_exactly_2n(void **state)
{
	struct proc a, b;

	start_two(&a, &b, name_of(state), "200", "1");
	assert_counted(&a, &b, 400);
	assert_int_equal(count_str(a.out, "/200: counter ") +
				 count_str(b.out, "/200: counter "),
			 400);
	assert_string_equal(a.err, "");
	assert_string_equal(b.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&a);
	proc_free(&b);
}

/* The init race: started at the same moment, one creates and one joins,
 * every time, and the count is right. */
static void
test_both_started_at_once_one_creates_one_joins(void **state)
{
	for (int round = 0; round < 6; round++) {
		struct proc a, b;

		start_two(&a, &b, name_of(state), "5", "0");
		assert_counted(&a, &b, 10);
		assert_int_equal(count_str(a.out, "joined") +
					 count_str(b.out, "joined"),
				 1);
		assert_int_equal(objects_alive(name_of(state)), 0);
		proc_free(&a);
		proc_free(&b);
	}
}

static void
test_lone_worker_gives_up_and_cleans(void **state)
{
	struct proc a;

	assert_int_equal(
		proc_start(&a, worker, "-N", name_of(state), "-t", "1", NULL),
		0);
	assert_int_equal(proc_wait(&a, RUN_MS), 0);
	assert_code(&a, 1);
	assert_non_null(strstr(a.err, "no other worker"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&a);
}

static void
test_sigterm_removes_creator_objects(void **state)
{
	struct proc a;

	assert_int_equal(
		proc_start(&a, worker, "-N", name_of(state), "-t", "30", NULL),
		0);
	assert_int_equal(proc_wait_output(&a, "waiting for another", RUN_MS),
			 0);
	assert_int_not_equal(objects_alive(name_of(state)), 0);
	kill(a.pid, SIGTERM);
	assert_int_equal(proc_wait(&a, RUN_MS), 0);
	assert_code(&a, 128 + SIGTERM);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&a);
}

static void
test_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit(worker, 0, "-h", NULL, NULL);
	assert_usage_exit(worker, 2, "-x", NULL, NULL);
	assert_usage_exit(worker, 2, "-n", "0", NULL);
	assert_usage_exit(worker, 2, "-t", "0", NULL);
	assert_usage_exit(worker, 2, "-N", "a/b", NULL);
	assert_usage_exit(worker, 2, "stray", NULL, NULL);
}

/* ---- killed while holding the lock --------------------------------------- */

/* Start a creator, wait until it has created, then a guest. */
static void
start_creator_then_guest(struct proc *c, struct proc *g, const char *name,
			 const char *c_n, const char *c_ms, const char *g_n,
			 const char *g_ms)
{
	assert_int_equal(proc_start(c, worker, "-N", name, "-n", c_n, "-i",
				    c_ms, "-t", "30", NULL),
			 0);
	assert_int_equal(proc_wait_output(c, "waiting for another", RUN_MS), 0);
	assert_int_equal(proc_start(g, worker, "-N", name, "-n", g_n, "-i",
				    g_ms, "-t", "30", NULL),
			 0);
}

/* Wait until p has printed its first turn, and so holds the lock for its
 * 1000 ms pause; for System V, check with the kernel that it does. */
static void
wait_holding(const struct proc *p, const char *name, const char *turn)
{
	int id;

	assert_int_equal(proc_wait_output(p, turn, RUN_MS), 0);
	if (strcmp(worker, "sem_sysv_worker") != 0)
		return;
	id = semget(names_key(name), 0, 0);
	assert_int_not_equal(id, -1);
	assert_int_equal(semctl(id, SEM_LOCK, GETVAL), 0);
	assert_int_equal(semctl(id, SEM_LOCK, GETPID), p->pid);
}

/* SEM_UNDO: the creator dies holding the lock; the kernel gives it back,
 * so the guest (whose lock waits last up to 30 s) finishes at once, and
 * removes what the creator left. */
static void
test_sysv_sem_undo_frees_lock_of_killed_creator(void **state)
{
	struct proc c, g;
	uint64_t t0;

	start_creator_then_guest(&c, &g, name_of(state), "20", "1000", "3",
				 "50");
	wait_holding(&c, name_of(state), "#1/20");
	kill(c.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&g, RUN_MS), 0);
	assert_true(clock_ns() - t0 < 5 * NS_PER_S);
	assert_code(&g, 0);
	assert_non_null(strstr(g.out, "#3/3: counter"));
	assert_non_null(strstr(g.out, "died, so I removed"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&c, RUN_MS);
	proc_free(&c);
	proc_free(&g);
}

/* SEM_UNDO twice: the guest dies holding the lock; the kernel gives the
 * lock back and takes the guest off SEM_GUESTS, so the creator finishes
 * and removes everything. */
static void
test_sysv_sem_undo_frees_lock_of_killed_guest(void **state)
{
	struct proc c, g;

	start_creator_then_guest(&c, &g, name_of(state), "3", "50", "20",
				 "1000");
	wait_holding(&g, name_of(state), "#1/20");
	kill(g.pid, SIGKILL);
	assert_int_equal(proc_wait(&c, 5000), 0);
	assert_code(&c, 0);
	assert_non_null(strstr(c.out, "#3/3: counter"));
	assert_non_null(strstr(c.out, "a worker left before its last turn"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&g, RUN_MS);
	proc_free(&c);
	proc_free(&g);
}

/* No SEM_UNDO in POSIX: a worker dies holding the lock, and the other
 * does not wait for ever (its lock waits last up to 30 s): it finds the
 * holder dead, says why and exits 1, and the objects are gone (the
 * creator's registry, or the guest, removes them).  A POSIX lock has no
 * turn order, so which of the two gets the first turn is not known: kill
 * whichever prints a turn first; each holds the lock 1000 ms a turn. */
static void
test_posix_worker_killed_holding_lock_stops_the_other(void **state)
{
	uint64_t deadline = clock_ns() + RUN_MS * NS_PER_MS;
	struct proc c, g, *holder = NULL, *other;

	start_creator_then_guest(&c, &g, name_of(state), "20", "1000", "20",
				 "1000");
	while (holder == NULL) {
		if (proc_wait_output(&c, "#1/20", 0) == 0)
			holder = &c;
		else if (proc_wait_output(&g, "#1/20", 0) == 0)
			holder = &g;
		else if (clock_ns() > deadline)
			fail_msg("no worker took a turn");
		else
			sleep_ms(5);
	}
	other = holder == &c ? &g : &c;
	kill(holder->pid, SIGKILL);
	assert_int_equal(proc_wait(other, 5000), 0); /* not its 30 s */
	assert_code(other, 1);
	assert_non_null(strstr(other->err, "died holding the lock"));
	assert_non_null(strstr(other->err, "no SEM_UNDO"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(holder, RUN_MS);
	proc_free(&c);
	proc_free(&g);
}

static void
test_posix_killed_guest_holding_lock_stops_creator(void **state)
{
	struct proc c, g;

	start_creator_then_guest(&c, &g, name_of(state), "3", "50", "20",
				 "1000");
	wait_holding(&g, name_of(state), "#1/20");
	kill(g.pid, SIGKILL);
	assert_int_equal(proc_wait(&c, 5000), 0);
	assert_code(&c, 1);
	assert_non_null(strstr(c.err, "died holding the lock"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_wait(&g, RUN_MS);
	proc_free(&c);
	proc_free(&g);
}

/* ---- the System V init race ---------------------------------------------- */

static time_t
otime_of(int id)
{
	struct semid_ds ds;
	union semun arg = {.buf = &ds};

	assert_int_not_equal(semctl(id, 0, IPC_STAT, arg), -1);
	return ds.sem_otime;
}

/* This test plays a slow creator: it makes the set and does not
 * initialise it for 300 ms.  The guest must not touch it meanwhile (no
 * semop: sem_otime stays 0), then join once it is set up. */
static void
test_sysv_guest_waits_for_sem_otime(void **state)
{
	unsigned short init[SEM_COUNT] = {0, 0, 1};
	union semun arg = {.array = init};
	struct sembuf open_lock = {SEM_LOCK, +1, 0}, start = {SEM_START, -1, 0};
	struct sem_sysv_seg *seg;
	key_t key = names_key(name_of(state));
	uint64_t deadline;
	int semid, shmid;
	struct proc g;

	semid = semget(key, SEM_COUNT, IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(semid, -1);
	assert_int_equal(proc_start(&g, "sem_sysv_worker", "-N", name_of(state),
				    "-n", "4", "-i", "0", "-t", peer_wait(),
				    NULL),
			 0);
	sleep_ms(300);
	assert_int_equal(otime_of(semid), 0); /* the guest did no semop */
	assert_int_equal(semctl(semid, SEM_LOCK, GETVAL), 0);

	assert_int_equal(semctl(semid, 0, SETALL, arg), 0);
	shmid = shmget(key, sizeof(*seg), IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(shmid, -1);
	seg = shmat(shmid, NULL, 0);
	assert_true(seg != (void *)-1);
	seg->expected = 4;
	assert_int_equal(semop(semid, &open_lock, 1), 0); /* sets sem_otime */
	deadline = clock_ns() + RUN_MS * NS_PER_MS;
	while (semctl(semid, SEM_GUESTS, GETVAL) == 0 && clock_ns() < deadline)
		sleep_ms(5);
	assert_int_equal(semop(semid, &start, 1), 0);

	assert_int_equal(proc_wait(&g, RUN_MS), 0);
	assert_code(&g, 0);
	assert_non_null(strstr(g.out, "joined"));
	assert_true(pid_of_line(g.out, "initialised") == g.pid);
	assert_int_equal(seg->counter, 4);
	assert_int_equal(seg->last, g.pid);
	assert_int_equal(shmdt(seg), 0);
	assert_int_equal(shmctl(shmid, IPC_RMID, NULL), 0);
	assert_int_equal(semctl(semid, 0, IPC_RMID), 0);
	proc_free(&g);
}

/* A creator that never initialises its set (it died): the guest gives up
 * after -t without ever operating on the set. */
static void
test_sysv_uninitialised_set_makes_guest_give_up(void **state)
{
	int semid = semget(names_key(name_of(state)), SEM_COUNT,
			   IPC_CREAT | IPC_EXCL | 0600);
	struct proc g;

	assert_int_not_equal(semid, -1);
	assert_int_equal(proc_start(&g, "sem_sysv_worker", "-N", name_of(state),
				    "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&g, RUN_MS), 0);
	assert_code(&g, 1);
	assert_non_null(strstr(g.err, "never initialised"));
	assert_int_equal(otime_of(semid), 0);
	assert_int_equal(semctl(semid, 0, IPC_RMID), 0);
	proc_free(&g);
}

/* ---- the producer/consumer ring ------------------------------------------ */

static void
test_prodcons_passes_every_item_once_in_order(void **state)
{
	const char *at;
	char want[48];
	struct proc p;

	assert_int_equal(proc_start(&p, "sem_posix_prodcons", "-N",
				    name_of(state), "-n", "30", "-i", "2",
				    NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	at = p.out;
	for (int k = 1; k <= 30; k++) {
		snprintf(want, sizeof(want), ": took #%d from slot %d,", k,
			 (k - 1) % 4);
		assert_int_equal(count_str(p.out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after item k-1 */
	}
	assert_int_equal(count_str(p.out, ": put #"), 30);
	assert_non_null(strstr(p.out, "took all 30"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

static void
test_prodcons_killed_consumer_stops_producer(void **state)
{
	struct proc p;
	long consumer;

	assert_int_equal(proc_start(&p, "sem_posix_prodcons", "-N",
				    name_of(state), "-n", "50", "-i", "300",
				    NULL),
			 0);
	assert_int_equal(proc_wait_output(&p, "took #1 ", RUN_MS), 0);
	consumer = pid_of_line_so_far(&p, "took #1 ");
	assert_true(consumer > 0 && consumer != p.pid);
	kill((pid_t)consumer, SIGKILL);
	assert_int_equal(proc_wait(&p, 5000), 0);
	assert_code(&p, 1);
	assert_non_null(strstr(p.err, "went away"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* ---- the minimal rung ---------------------------------------------------- */

/* sem_minimal's KEY argument: the key of the test's unique name, which
 * the fixture's leak check looks at. */
static const char *
key_of(void **state, char *buf, size_t size)
{
	snprintf(buf, size, "0x%08x", (unsigned)names_key(name_of(state)));
	return buf;
}

/* Parent and child each add 1 TURNS (10000) times under the lock: the
 * counter is exact, and the set is gone when the parent ends. */
static void
test_minimal_counts_exactly_and_removes_its_set(void **state)
{
	char key[16];
	struct proc p;

	assert_int_equal(proc_start(&p, "sem_minimal",
				    key_of(state, key, sizeof(key)), NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(
		strstr(p.out, ": counter 20000, expected 20000; removed"));
	assert_string_equal(p.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* IPC_EXCL: a set already at the key is refused, named, and left alone
 * (it is not sem_minimal's to remove). */
static void
test_minimal_refuses_a_key_in_use(void **state)
{
	char key[16];
	struct proc p;
	int id = semget(names_key(name_of(state)), 1,
			IPC_CREAT | IPC_EXCL | 0600);

	assert_int_not_equal(id, -1);
	assert_int_equal(proc_start(&p, "sem_minimal",
				    key_of(state, key, sizeof(key)), NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 1);
	assert_non_null(strstr(p.err, key));
	assert_non_null(strstr(p.err, "semget: File exists"));
	assert_int_equal(semctl(id, 0, IPC_RMID), 0); /* it was still there */
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	(void)state;
	assert_usage_exit("sem_minimal", 0, "-h", NULL, NULL);
	assert_usage_exit("sem_minimal", 2, "-x", NULL, NULL);
	assert_usage_exit("sem_minimal", 2, "0", NULL, NULL);
	assert_usage_exit("sem_minimal", 2, "0x1cz", NULL, NULL);
	assert_usage_exit("sem_minimal", 2, "1", "2", NULL, NULL);
}

/* ---- the broken demo ------------------------------------------------------ */

static void
test_broken_noundo_shows_which_locks_stay_taken(void **state)
{
	struct proc p;
	uint64_t t0 = clock_ns();

	assert_int_equal(proc_start(&p, "sem_broken_noundo", "-N",
				    name_of(state), "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(
		p.out,
		"sem_broken_noundo: SEM_UNDO free, no undo stuck, POSIX stuck"));
	assert_true(clock_ns() - t0 < (under_valgrind() ? 60 : 8) * NS_PER_S);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* ---- eventfd and file locks --------------------------------------------- */

/* Plain: one read takes the sum of the writes; EFD_SEMAPHORE: one each.
 * Then every post of the child, through the inherited eventfd, and every
 * line it wrote to the pipe wake the parent's one poll(). */
static void
test_eventfd_counter_semaphore_fork_and_poll(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "sem_eventfd_counter", "-n", "4", "-i",
				    "0", NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "plain: wrote 1, 2, 3; read 6; read "
				      "again: EAGAIN"));
	assert_non_null(strstr(p.out, "EFD_SEMAPHORE: wrote 1, 2, 3; read 1 6 "
				      "times; then EAGAIN"));
	assert_int_equal(count_str(p.out, "the eventfd is readable: read 1 "
					  "(post "),
			 4);
	assert_non_null(strstr(p.out, "(post 4 of 4)"));
	assert_int_equal(count_str(p.out, "the pipe is readable: \"item "), 4);
	assert_non_null(strstr(p.out, "4 posts seen, pipe closed"));
	assert_string_equal(p.err, "");
	proc_free(&p);
}

/* A client started on its own receives the server's eventfd over the
 * socket and posts it; the server takes every post, then removes the
 * socket file and its directory. */
static void
test_eventfd_pass_to_unrelated_process(void **state)
{
	struct proc s, c;
	char addr[256];

	assert_int_equal(proc_start(&s, "sem_eventfd_pass", "-N",
				    name_of(state), "-n", "5", NULL),
			 0);
	proc_listening_on(&s, addr, sizeof(addr), RUN_MS);
	assert_int_equal(objects_alive(name_of(state)), 1); /* its directory */
	assert_int_equal(
		proc_start(&c, "sem_eventfd_pass", "-p", addr, "-n", "5", NULL),
		0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&c, 0);
	assert_code(&s, 0);
	assert_non_null(strstr(c.out, "received the eventfd as fd "));
	assert_non_null(strstr(c.out, "posted 5 times"));
	assert_int_equal(count_str(s.out, " taken"), 5);
	assert_non_null(strstr(s.out, "post 5 of 5 taken"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
	proc_free(&c);
}

/* No client: the server gives up after -t, exit 1, and leaves nothing. */
static void
test_eventfd_pass_without_client_gives_up_and_cleans(void **state)
{
	struct proc s;

	assert_int_equal(proc_start(&s, "sem_eventfd_pass", "-N",
				    name_of(state), "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 1);
	assert_non_null(strstr(s.err, "nothing on "));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
}

/* Start an eventfd server of name and SIGKILL it, leaving its directory
 * and socket; whether they are still there (kill_leaves_objects). */
static int
leave_stale_eventfd_server(const char *name)
{
	struct proc s;
	char addr[256];

	assert_int_equal(proc_start(&s, "sem_eventfd_pass", "-N", name, "-t",
				    "30", NULL),
			 0);
	proc_listening_on(&s, addr, sizeof(addr), RUN_MS);
	return kill_leaves_objects(&s, name);
}

/* The next server of the name removes what a SIGKILLed one left; any
 * sweep on the machine may take it first, and then we try again. */
static void
test_eventfd_pass_next_server_removes_stale_directory(void **state)
{
	const char *name = name_of(state);
	int proved = 0;

	for (int attempt = 0; attempt < STALE_ATTEMPTS && !proved; attempt++) {
		struct proc s;

		if (!leave_stale_eventfd_server(name))
			continue;
		assert_int_equal(proc_start(&s, "sem_eventfd_pass", "-N", name,
					    "-t", "1", NULL),
				 0);
		assert_int_equal(proc_wait(&s, RUN_MS), 0);
		assert_code(&s, 1); /* no client came */
		assert_int_equal(objects_alive(name), 0);
		proved = strstr(s.out, "removed stale") != NULL;
		proc_free(&s);
	}
	assert_true(proved);
}

/* The table fcntl(2) and flock(2) promise. */
static void
test_flock_kinds_table(void **state)
{
	struct proc p;

	assert_int_equal(
		proc_start(&p, "sem_flock_kinds", "-N", name_of(state), NULL),
		0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "\nalive    held     held     held\n"
				      "killed   free     free     free\n"
				      "fork     has it   EAGAIN   has it\n"
				      "orphan   held     free     held\n"
				      "close    held     free     held\n"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* B is refused while A holds the lock, and granted once A has closed
 * another descriptor of the file, A never having unlocked. */
static void
test_broken_fcntl_close_drops_the_lock(void **state)
{
	struct proc p;

	assert_int_equal(proc_start(&p, "sem_broken_fcntl_close", "-N",
				    name_of(state), NULL),
			 0);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "B: F_GETLK: write-locked by pid "));
	assert_non_null(strstr(p.out, "F_SETLK: EAGAIN\n"));
	assert_non_null(strstr(p.out, "B: F_GETLK: unlocked; F_SETLK: "
				      "granted\n"));
	assert_non_null(strstr(p.out, "A never unlocked, yet B holds the lock "
				      "too\n"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

static void
test_eventfd_and_lock_demos_bad_arguments_exit_2(void **state)
{
	static const char *const progs[] = {
		"sem_eventfd_counter", "sem_eventfd_pass", "sem_flock_kinds",
		"sem_broken_fcntl_close"};

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		assert_usage_exit(progs[i], 0, "-h", NULL, NULL);
		assert_usage_exit(progs[i], 2, "-x", NULL, NULL);
		assert_usage_exit(progs[i], 2, "-t", "0", NULL);
		assert_usage_exit(progs[i], 2, "stray", NULL, NULL);
	}
	assert_usage_exit("sem_eventfd_counter", 2, "-N", "x", NULL);
	assert_usage_exit("sem_flock_kinds", 2, "-N", "a/b", NULL);
	assert_usage_exit("sem_eventfd_pass", 2, "-p", "", NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

static const struct CMUnitTest both[] = {
	T(test_two_workers_count_exactly_2n),
	T(test_both_started_at_once_one_creates_one_joins),
	T(test_lone_worker_gives_up_and_cleans),
	T(test_sigterm_removes_creator_objects),
	T(test_bad_arguments_exit_2),
};

static const struct CMUnitTest sysv_only[] = {
	T(test_sysv_sem_undo_frees_lock_of_killed_creator),
	T(test_sysv_sem_undo_frees_lock_of_killed_guest),
	T(test_sysv_guest_waits_for_sem_otime),
	T(test_sysv_uninitialised_set_makes_guest_give_up),
};

static const struct CMUnitTest posix_only[] = {
	T(test_posix_worker_killed_holding_lock_stops_the_other),
	T(test_posix_killed_guest_holding_lock_stops_creator),
};

static const struct CMUnitTest others[] = {
	T(test_minimal_counts_exactly_and_removes_its_set),
	T(test_minimal_refuses_a_key_in_use),
	T(test_minimal_bad_arguments_exit_2),
	T(test_prodcons_passes_every_item_once_in_order),
	T(test_prodcons_killed_consumer_stops_producer),
	T(test_broken_noundo_shows_which_locks_stay_taken),
	T(test_eventfd_counter_semaphore_fork_and_poll),
	T(test_eventfd_pass_to_unrelated_process),
	T(test_eventfd_pass_without_client_gives_up_and_cleans),
	T(test_eventfd_pass_next_server_removes_stale_directory),
	T(test_flock_kinds_table),
	T(test_broken_fcntl_close_drops_the_lock),
	T(test_eventfd_and_lock_demos_bad_arguments_exit_2),
};

int
main(void)
{
	int failed;

	worker = "sem_sysv_worker";
	failed = cmocka_run_group_tests_name("sem-sysv", both, NULL, NULL);
	failed += cmocka_run_group_tests_name("sem-sysv-undo", sysv_only, NULL,
					      NULL);
	worker = "sem_posix_worker";
	failed += cmocka_run_group_tests_name("sem-posix", both, NULL, NULL);
	failed += cmocka_run_group_tests_name("sem-posix-noundo", posix_only,
					      NULL, NULL);
	failed += cmocka_run_group_tests_name("sem-minimal-prodcons-broken",
					      others, NULL, NULL);
	return failed != 0;
}
