/* test_io.c - unit tests of lib/io: send_full() and wait_readable(). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "io.h"
#include "payload.h"

#define BIG (8u << 20) /* far more than a socket buffer holds */

/* Many megabytes in one call: send() moves what fits each time, and
 * send_full loops until all of it has gone; a child checks every byte. */
static void
test_send_full_sends_every_byte(void **state)
{
	char *buf = malloc(BIG);
	int sv[2], status;
	pid_t pid;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	payload_fill(buf, BIG, 7);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(sv[0]);
		memset(buf, 0, BIG);
		_exit(read_full(sv[1], buf, BIG) == (ssize_t)BIG &&
				      payload_verify(buf, BIG, 7, NULL) == 0
			      ? 0
			      : 1);
	}
	close(sv[1]);
	assert_int_equal(send_full(sv[0], buf, BIG), BIG);
	close(sv[0]);
	assert_int_equal(wait_child(pid, 10000, &status), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(buf);
}

/* A reader that has gone: EPIPE, and no SIGPIPE, even with SIGPIPE's
 * default action (which would end this test program). */
static void
test_send_full_gives_epipe_not_sigpipe(void **state)
{
	void (*old)(int) = signal(SIGPIPE, SIG_DFL);
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	errno = 0;
	assert_int_equal(send_full(sv[0], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[0]);
	signal(SIGPIPE, old);
}

/* send() works on sockets only: anything else is ENOTSOCK, not a
 * silent write(). */
static void
test_send_full_needs_a_socket(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(send_full(p[1], "x", 1), -1);
	assert_int_equal(errno, ENOTSOCK);
	close(p[0]);
	close(p[1]);
}

/* A pipe with nothing in it: not ready, after the whole wait; with a byte
 * in it, or with its writer gone (end of file is something to read):
 * ready at once. */
static void
test_wait_readable_says_ready_or_not(void **state)
{
	int p[2];
	uint64_t t0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	t0 = clock_ns();
	assert_int_equal(wait_readable(p[0], 50), 0);
	assert_true(clock_ns() - t0 >= 50 * NS_PER_MS);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(wait_readable(p[0], 10000), 1);
	close(p[1]);
	assert_int_equal(wait_readable(p[0], 10000), 1); /* the byte */
	assert_int_equal(read(p[0], (char[1]){0}, 1), 1);
	assert_int_equal(wait_readable(p[0], 10000), 1); /* end of file */
	close(p[0]);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* Signals every 20 ms, caught without SA_RESTART, so that poll() fails
 * with EINTR again and again: the wait still lasts its 200 ms, no less. */
static void
test_wait_readable_outlasts_signals(void **state)
{
	struct sigaction sa = {.sa_handler = on_alarm}, old;
	struct itimerval every = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
	int p[2];
	uint64_t t0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &every, NULL), 0);
	t0 = clock_ns();
	assert_int_equal(wait_readable(p[0], 200), 0);
	assert_true(clock_ns() - t0 >= 200 * NS_PER_MS);
	assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_full_sends_every_byte),
		cmocka_unit_test(test_send_full_gives_epipe_not_sigpipe),
		cmocka_unit_test(test_send_full_needs_a_socket),
		cmocka_unit_test(test_wait_readable_says_ready_or_not),
		cmocka_unit_test(test_wait_readable_outlasts_signals),
	};

	return cmocka_run_group_tests_name("io", tests, NULL, NULL) != 0;
}
