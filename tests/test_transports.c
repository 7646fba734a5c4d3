/* test_transports.c - every transport in the benchmark's table carries
 * messages both ways and streams without losing one, every byte verified,
 * and leaves no object behind.
 *
 * The test drives each transport the way ipcbench does, with no engine
 * between: setup() in this process, a forked server and client that
 * attach() and exchange messages, then teardown().  Two groups:
 *   round trips  messages of 1 byte, 64 bytes and the transport's largest
 *                size (at most 1 MiB) sent and answered, as ipcbench's
 *                latency run does;
 *   streams      thousands of messages back to back, each verified by the
 *                server, which then sends one acknowledgement, as the
 *                throughput run does.  A transport whose kernel object
 *                has no back-pressure of its own (UDP drops datagrams at a
 *                full buffer, real-time signals fail past
 *                RLIMIT_SIGPENDING) must bring its own flow control;
 *                without it, this loses a message and fails.
 * And one for pipe-vmsplice alone: messages smaller than the run's size,
 * which take a path of its own (it must ask the pipe before it reuses a
 * page).
 * Each child exits 0 only if every message it received was whole and in
 * order; once one fails, the other is killed, so nothing hangs.
 * Last, the semaphores' bound: a sem-sysv or sem-posix sender with no
 * receiver stops at 8 notifications in flight, far below a semaphore's
 * ceiling, and goes on once the receiver takes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "harness.h"
#include "io.h"
#include "names.h"
#include "payload.h"
#include "transport.h"

#define BIG	   (1024 * 1024) /* the largest size tried */
#define TIMEOUT_MS 30000	 /* for one run; generous on a busy machine */

struct case_state {
	struct fixture *fix; /* the unique name and the leak check */
	const struct transport *t;
};

static int
send_one(const struct transport *t, struct channel *ch, size_t len, uint64_t id)
{
	void *out = t->send_buf(ch, len);

	if (out == NULL)
		return -1;
	payload_fill(out, len, id);
	return t->send(ch, len);
}

/* Receive message id of len bytes and check it; 0, or -1 after saying
 * what went wrong. */
static int
recv_one(const struct transport *t, struct channel *ch, size_t len, uint64_t id,
	 const char *who)
{
	const void *in = t->recv(ch, len);
	size_t bad = 0;

	if (in == NULL) {
		warn_errno("%s %s: recv #%llu", t->name, who,
			   (unsigned long long)id);
		return -1;
	}
	if (payload_verify(in, len, id, &bad) == -1) {
		warn_msg("%s %s: message #%llu of %zu bytes wrong at byte %zu",
			 t->name, who, (unsigned long long)id, len, bad);
		return -1;
	}
	return 0;
}

/* One side's part: the client streams count messages and waits for the
 * acknowledgement (message count); the server takes them all, then
 * acknowledges.  Returns 0, or 1 after saying what went wrong. */
static int
stream(const struct transport *t, struct channel *ch, size_t len,
       uint64_t count)
{
	const char *who = ch->side == SIDE_CLIENT ? "client" : "server";

	if (t->attach(ch) == -1) {
		warn_errno("%s %s: attach", t->name, who);
		return 1;
	}
	if (ch->side == SIDE_CLIENT) {
		for (uint64_t id = 0; id < count; id++)
			if (send_one(t, ch, len, id) == -1) {
				warn_errno("%s client: send #%llu", t->name,
					   (unsigned long long)id);
				return 1;
			}
		if (recv_one(t, ch, len, count, who) == -1)
			return 1;
	} else {
		for (uint64_t id = 0; id < count; id++)
			if (recv_one(t, ch, len, id, who) == -1)
				return 1;
		if (send_one(t, ch, len, count) == -1) {
			warn_errno("%s server: send the acknowledgement",
				   t->name);
			return 1;
		}
	}
	t->detach(ch);
	return 0;
}

/* One side's part of count round trips: the client sends message 2k and
 * checks the answer 2k + 1; the server the reverse.  Returns 0, or 1
 * after saying what went wrong. */
static int
round_trips(const struct transport *t, struct channel *ch, size_t len,
	    uint64_t count)
{
	const char *who = ch->side == SIDE_CLIENT ? "client" : "server";
	int client = ch->side == SIDE_CLIENT;

	if (t->attach(ch) == -1) {
		warn_errno("%s %s: attach", t->name, who);
		return 1;
	}
	for (uint64_t id = 0; id < 2 * count; id += 2) {
		uint64_t out = client ? id : id + 1, in = client ? id + 1 : id;

		if (!client && recv_one(t, ch, len, in, who) == -1)
			return 1;
		if (send_one(t, ch, len, out) == -1) {
			warn_errno("%s %s: send #%llu", t->name, who,
				   (unsigned long long)out);
			return 1;
		}
		if (client && recv_one(t, ch, len, in, who) == -1)
			return 1;
	}
	t->detach(ch);
	return 0;
}

/* Wait for both children, TIMEOUT_MS at most; once one has failed, kill
 * the other, which may wait for ever for a message.  Returns whether both
 * exited 0; reaps both in any case. */
static int
wait_both(pid_t a, pid_t b)
{
	pid_t kids[2] = {a, b};
	int ok = 1, left = 2;

	for (unsigned ms = 0; left > 0; ms += 10) {
		for (int i = 0; i < 2; i++) {
			int status;

			if (kids[i] == 0 ||
			    waitpid(kids[i], &status, WNOHANG) != kids[i])
				continue;
			kids[i] = 0;
			left--;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				ok = 0;
				if (kids[!i] != 0)
					kill(kids[!i], SIGKILL);
			}
		}
		if (left > 0 && ms >= TIMEOUT_MS) { /* a hang: end it */
			ok = 0;
			for (int i = 0; i < 2; i++)
				if (kids[i] != 0)
					kill(kids[i], SIGKILL);
		}
		if (left > 0)
			usleep(10000);
	}
	return ok;
}

/* One side's part of a run: round_trips() or stream(). */
typedef int side_fn(const struct transport *t, struct channel *ch, size_t len,
		    uint64_t count);

/* Set up t for messages of up to size bytes, run body with messages of
 * len bytes, count of them, in a server and a client, tear down; assert
 * both children exited 0 and nothing is left. */
static void
run_sized(const struct transport *t, const char *name, side_fn *body,
	  size_t size, size_t len, uint64_t count)
{
	struct channel ch = {.size = size};
	int go[2], both_ok;
	pid_t server, client;

	snprintf(ch.name, sizeof(ch.name), "%s", name);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(t->setup(&ch), 0);
	fflush(NULL);
	server = fork();
	assert_true(server != -1);
	if (server == 0) { /* learns its peer's pid once the client exists */
		close(go[1]);
		ch.side = SIDE_SERVER;
		_exit(read_full(go[0], &ch.peer, sizeof(ch.peer)) !=
				      sizeof(ch.peer)
			      ? 1
			      : body(t, &ch, len, count));
	}
	ch.peer = server;
	client = fork();
	assert_true(client != -1);
	if (client == 0) {
		close(go[0]);
		close(go[1]);
		ch.side = SIDE_CLIENT;
		_exit(body(t, &ch, len, count));
	}
	close(go[0]);
	assert_int_equal(write_full(go[1], &client, sizeof(client)),
			 (ssize_t)sizeof(client));
	close(go[1]);

	both_ok = wait_both(client, server);
	t->teardown(&ch); /* before the asserts: a failure leaves nothing */
	assert_true(both_ok);
	assert_int_equal(objects_alive(name), 0);
}

/* run_sized() with messages of the run's size, as ipcbench sends. */
static void
run(const struct transport *t, const char *name, side_fn *body, size_t len,
    uint64_t count)
{
	run_sized(t, name, body, len, len, count);
}

static void
round_trips_small_and_largest(void **state)
{
	struct case_state *cs = *state;
	const struct transport *t = cs->t;
	char why[200] = "";
	size_t max = t->max_size(why, sizeof(why));
	size_t sizes[] = {1, 64, max < BIG ? max : BIG};

	assert_true(why[0] != '\0'); /* every limit says why it is one */
	if (max == 0) {		     /* a notification carries no bytes */
		run(t, cs->fix->name, round_trips, 0, 50);
		return;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] <= max)
			run(t, cs->fix->name, round_trips, sizes[i],
			    sizes[i] > 64 * 1024 ? 5 : 50);
}

static void
streams_without_loss(void **state)
{
	struct case_state *cs = *state;
	const struct transport *t = cs->t;
	char why[200] = "";
	size_t max = t->max_size(why, sizeof(why));
	size_t sizes[] = {1, 64, max < BIG ? max : BIG};
	uint64_t small = under_valgrind() ? 2000 : 20000; /* messages */
	uint64_t bytes = under_valgrind() ? 4 * BIG : 32 * BIG;

	if (max == 0) { /* notifications only */
		run(t, cs->fix->name, stream, 0, small);
		return;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t count = bytes / sizes[i];

		if (sizes[i] <= max)
			run(t, cs->fix->name, stream, sizes[i],
			    count < small ? count : small);
	}
}


/* The semaphore transports' bound (sem/sem_transport.c: CREDIT). */
#define IN_FLIGHT 8
#define SENT	  100 /* far more than IN_FLIGHT */

/* The up semaphore's value (client to server: notifications in flight),
 * read where each kind keeps it; -1 if it cannot be read. */
static int
up_value(const struct transport *t, const char *name)
{
	char base[NAMES_FULL_MAX + 8];
	sem_t *sem;
	int v = -1;

	if (strcmp(t->name, "sem-sysv") == 0) {
		int id = semget(names_key(name), 0, 0);

		return id == -1 ? -1 : semctl(id, 0, GETVAL); /* UP_AVAIL */
	}
	if (names_posix(base, sizeof(base) - 4, name) == -1)
		return -1;
	strcat(base, ".up");
	if ((sem = sem_open(base, 0)) == SEM_FAILED)
		return -1;
	if (sem_getvalue(sem, &v) == -1)
		v = -1;
	sem_close(sem);
	return v;
}

static void
semaphores_bound_a_stream(void **state)
{
	struct fixture *fix = *state;
	static const char *const names[] = {"sem-sysv", "sem-posix"};

	for (size_t i = 0; i < 2; i++) {
		const struct transport *t = transport_find(names[i]);
		struct channel ch = {.size = 0};
		int go[2], v = -1, status;
		pid_t server, client;
		unsigned ms;

		assert_non_null(t);
		snprintf(ch.name, sizeof(ch.name), "%s", fix->name);
		assert_int_equal(pipe(go), 0);
		assert_int_equal(t->setup(&ch), 0);
		fflush(NULL);
		if ((client = fork()) == 0) {
			ch.side = SIDE_CLIENT;
			_exit(stream(t, &ch, 0, SENT));
		}
		if ((server = fork()) == 0) { /* receives once let go */
			char byte;

			close(go[1]);
			ch.side = SIDE_SERVER;
			ch.peer = client;
			_exit(read_full(go[0], &byte, 1) != 1
				      ? 1
				      : stream(t, &ch, 0, SENT));
		}
		close(go[0]);
		/* The client fills the bound and stops there: never more. */
		for (ms = 0; ms < TIMEOUT_MS; ms += 10) {
			v = up_value(t, fix->name);
			if (v >= IN_FLIGHT || v == -1)
				break;
			usleep(10000);
		}
		usleep(100000); /* time to run past it, were it to */
		if (v == IN_FLIGHT)
			v = up_value(t, fix->name);
		if (v != IN_FLIGHT ||
		    waitpid(client, &status, WNOHANG) == client) {
			kill(client, SIGKILL);
			kill(server, SIGKILL);
		}
		assert_int_equal(write(go[1], "g", 1), 1);
		close(go[1]);
		status = wait_both(client, server);
		t->teardown(&ch);
		if (v != IN_FLIGHT)
			fail_msg("%s: %d notifications in flight with no "
				 "receiver, not %d",
				 t->name, v, IN_FLIGHT);
		assert_true(status); /* and all 100 arrived once let go */
		assert_int_equal(objects_alive(fix->name), 0);
	}
}

/* Messages smaller than the run's size: pipe-vmsplice counts the pipe's
 * buffers to know when a region of its ring is free, and a small message
 * takes fewer than the ring was sized for; then it must ask the pipe
 * (FIONREAD) and wait.  A region reused too early fails the check of
 * its bytes. */
static void
test_vmsplice_smaller_messages_than_the_run(void **state)
{
	const struct transport *t = transport_find("pipe-vmsplice");
	struct fixture *fix = *state;

	assert_non_null(t);
	run_sized(t, fix->name, stream, 64 * 1024, 64, 5000);
	run_sized(t, fix->name, stream, 64 * 1024, 5000, 2000);
	run_sized(t, fix->name, round_trips, 64 * 1024, 64, 50);
}

static int
case_setup(void **state)
{
	struct case_state *cs = *state;

	return fixture_setup((void **)&cs->fix);
}

static int
case_teardown(void **state)
{
	struct case_state *cs = *state;

	return fixture_teardown((void **)&cs->fix);
}

/* Run test on every transport, as a group called name. */
static int
run_group(const char *name, CMUnitTestFunction test)
{
	struct CMUnitTest *tests = calloc(transports_count, sizeof(*tests));
	struct case_state *cases = calloc(transports_count, sizeof(*cases));
	int failed;

	if (tests == NULL || cases == NULL)
		return 1;
	for (size_t i = 0; i < transports_count; i++) {
		cases[i].t = transports[i];
		tests[i] = (struct CMUnitTest){
			.name = transports[i]->name,
			.test_func = test,
			.setup_func = case_setup,
			.teardown_func = case_teardown,
			.initial_state = &cases[i],
		};
	}
	failed = _cmocka_run_group_tests(name, tests, transports_count, NULL,
					 NULL);
	free(tests);
	free(cases);
	return failed;
}

int
main(void)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};
	int failed;

	sigaction(SIGPIPE, &ign, NULL); /* EPIPE instead, as in ipcbench */
	failed = run_group("transport round trips",
			   round_trips_small_and_largest);
	failed += run_group("transport streams", streams_without_loss);
	{
		const struct CMUnitTest bound[] = {cmocka_unit_test_setup_teardown(
			semaphores_bound_a_stream, fixture_setup,
			fixture_teardown)};
		const struct CMUnitTest one[] = {
			cmocka_unit_test_setup_teardown(
				test_vmsplice_smaller_messages_than_the_run,
				fixture_setup, fixture_teardown)};

		failed += cmocka_run_group_tests_name("semaphore bound", bound,
						      NULL, NULL);
		failed += cmocka_run_group_tests_name("pipe-vmsplice", one,
						      NULL, NULL);
	}
	return failed != 0;
}
