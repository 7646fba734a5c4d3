/* test_transports.c - every transport in the benchmark's table carries
 * messages of 1 byte, 64 bytes and its largest size (at most 1 MiB) both
 * ways, every byte verified, and leaves no object behind.
 *
 * The test drives each transport the way ipcbench does: setup() in this
 * process, a forked server and client that attach() and exchange
 * messages, then teardown().  Each child exits 0 only if every message it
 * received was whole and in order.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "harness.h"
#include "io.h"
#include "payload.h"
#include "transport.h"

#define BIG	   (1024 * 1024) /* the largest size tried */
#define TIMEOUT_MS 20000 /* for one exchange; generous on a busy machine */

struct case_state {
	struct fixture *fix; /* the unique name and the leak check */
	const struct transport *t;
};

/* One side's part: rounds messages of len bytes each way.  Returns 0, or
 * 1 after saying what went wrong. */
static int
exchange(const struct transport *t, struct channel *ch, size_t len,
	 unsigned rounds)
{
	const char *who = ch->side == SIDE_CLIENT ? "client" : "server";
	size_t bad = 0;

	if (t->attach(ch) == -1) {
		warn_errno("%s %s: attach", t->name, who);
		return 1;
	}
	for (uint64_t seq = 0; seq < 2 * (uint64_t)rounds; seq += 2) {
		int sending = ch->side == SIDE_CLIENT;

		for (int step = 0; step < 2; step++, sending = !sending) {
			uint64_t id = seq + (uint64_t)step;
			const void *in;
			void *out;

			if (sending) {
				if ((out = t->send_buf(ch, len)) == NULL ||
				    (payload_fill(out, len, id),
				     t->send(ch, len)) == -1) {
					warn_errno("%s %s: send #%llu", t->name,
						   who, (unsigned long long)id);
					return 1;
				}
			} else if ((in = t->recv(ch, len)) == NULL) {
				warn_errno("%s %s: recv #%llu", t->name, who,
					   (unsigned long long)id);
				return 1;
			} else if (payload_verify(in, len, id, &bad) == -1) {
				warn_msg("%s %s: message #%llu of %zu bytes "
					 "wrong at byte %zu",
					 t->name, who, (unsigned long long)id,
					 len, bad);
				return 1;
			}
		}
	}
	t->detach(ch);
	return 0;
}

/* Set up t for messages of len bytes, run a server and a client, and
 * tear down; assert both children exited 0. */
static void
round_trip(const struct transport *t, const char *name, size_t len,
	   unsigned rounds)
{
	struct channel ch = {.size = len};
	int go[2], status;
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
			      : exchange(t, &ch, len, rounds));
	}
	ch.peer = server;
	client = fork();
	assert_true(client != -1);
	if (client == 0) {
		close(go[0]);
		close(go[1]);
		ch.side = SIDE_CLIENT;
		_exit(exchange(t, &ch, len, rounds));
	}
	close(go[0]);
	assert_int_equal(write_full(go[1], &client, sizeof(client)),
			 (ssize_t)sizeof(client));
	close(go[1]);

	assert_int_equal(wait_child(client, TIMEOUT_MS, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(wait_child(server, TIMEOUT_MS, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	t->teardown(&ch);
	assert_int_equal(objects_alive(name), 0);
}

static void
carries_small_and_largest_messages(void **state)
{
	struct case_state *cs = *state;
	const struct transport *t = cs->t;
	char why[200] = "";
	size_t max = t->max_size(why, sizeof(why));
	size_t sizes[] = {1, 64, max < BIG ? max : BIG};

	assert_true(why[0] != '\0'); /* every limit says why it is one */
	if (max == 0) {		     /* a notification carries no bytes */
		round_trip(t, cs->fix->name, 0, 50);
		return;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] <= max)
			round_trip(t, cs->fix->name, sizes[i],
				   sizes[i] > 64 * 1024 ? 5 : 50);
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

int
main(void)
{
	struct CMUnitTest *tests = calloc(transports_count, sizeof(*tests));
	struct case_state *cases = calloc(transports_count, sizeof(*cases));
	struct sigaction ign = {.sa_handler = SIG_IGN};
	int failed;

	if (tests == NULL || cases == NULL)
		return 1;
	sigaction(SIGPIPE, &ign, NULL); /* EPIPE instead, as in ipcbench */
	for (size_t i = 0; i < transports_count; i++) {
		cases[i].t = transports[i];
		tests[i] = (struct CMUnitTest){
			.name = transports[i]->name,
			.test_func = carries_small_and_largest_messages,
			.setup_func = case_setup,
			.teardown_func = case_teardown,
			.initial_state = &cases[i],
		};
	}
	failed = _cmocka_run_group_tests("transports", tests, transports_count,
					 NULL, NULL);
	free(tests);
	free(cases);
	return failed;
}
