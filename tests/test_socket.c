/* test_socket.c - the socket demos, run as a learner runs them.
 *
 * Servers are started with a name unique to the test (-N) where they make
 * a socket file, and every test is checked by the fixture for private
 * directories left behind.  A client is told where its server is as a
 * learner tells it: from the address on the server's first line.  Every
 * wait is bounded.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"

#define RUN_MS 10000 /* no test run should come near this */

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* Start server prog with args (up to 4, NULL-terminated), name first. */
static void
start_server(struct proc *s, const char *prog, const char *a1, const char *a2,
	     const char *a3, const char *a4, char *addr, size_t size)
{
	assert_int_equal(proc_start(s, prog, a1, a2, a3, a4, NULL), 0);
	proc_listening_on(s, addr, size, RUN_MS);
}

/* Assert that p ended in time with code want. */
static void
finish(struct proc *p, int want)
{
	assert_int_equal(proc_wait(p, RUN_MS), 0);
	assert_code(p, want);
}

/* Streams: every byte sent arrives, in order, checked by the server
 * (payload pattern) and again by the client (the echo).  prog_s/prog_c
 * are the UNIX or the TCP pair. */
static void
every_byte(void **state, const char *prog_s, const char *prog_c,
	   const char *opt)
{
	char addr[256];
	struct proc s, c;

	if (strcmp(opt, "-p") == 0)
		start_server(&s, prog_s, "-N", name_of(state), NULL, NULL, addr,
			     sizeof(addr));
	else
		start_server(&s, prog_s, NULL, NULL, NULL, NULL, addr,
			     sizeof(addr));
	assert_int_equal(proc_start(&c, prog_c, opt, addr, "-n", "4", "-s",
				    "3M", "-i", "0", NULL),
			 0);
	finish(&c, 0);
	finish(&s, 0);
	assert_int_equal(count_str(s.out, "3145728 bytes, every one correct"),
			 4);
	assert_int_equal(count_str(c.out, "3145728 bytes echoed intact"), 4);
	assert_non_null(strstr(s.out, "done: 4 messages, 12582976 bytes"));
	assert_string_equal(s.err, "");
	assert_string_equal(c.err, "");
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
	proc_free(&c);
}

static void
test_unix_stream_every_byte_in_order(void **state)
{
	every_byte(state, "socket_unix_server", "socket_unix_client", "-p");
}

static void
test_tcp_every_byte_in_order(void **state)
{
	every_byte(state, "socket_tcp_server", "socket_tcp_client", "-c");
}

/* Three clients connect at once; the server serves each in turn, and
 * every message of each comes back. */
static void
test_unix_three_clients_at_once_all_served(void **state)
{
	struct proc s, c[3];
	char addr[256];

	start_server(&s, "socket_unix_server", "-N", name_of(state), "-k", "3",
		     addr, sizeof(addr));
	for (int i = 0; i < 3; i++)
		assert_int_equal(proc_start(&c[i], "socket_unix_client", "-p",
					    addr, "-n", "5", "-i", "10", NULL),
				 0);
	for (int i = 0; i < 3; i++) {
		finish(&c[i], 0);
		assert_int_equal(count_str(c[i].out, " echoed: \"hello "), 5);
	}
	finish(&s, 0);
	for (int i = 0; i < 3; i++) {
		char want[64];

		snprintf(want, sizeof(want), "client %ld done: 5 messages",
			 (long)c[i].pid);
		assert_non_null(strstr(s.out, want));
	}
	assert_non_null(strstr(s.out, "served 3 clients"));
	assert_int_equal(objects_alive(name_of(state)), 0);
	for (int i = 0; i < 3; i++)
		proc_free(&c[i]);
	proc_free(&s);
}

/* The abstract name: the pair works and no file exists at any time. */
static void
test_unix_abstract_name_leaves_no_file(void **state)
{
	struct proc s, c;
	char addr[256];

	start_server(&s, "socket_unix_server", "-a", "-N", name_of(state), NULL,
		     addr, sizeof(addr));
	assert_int_equal(addr[0], '@');
	assert_int_equal(objects_alive(name_of(state)), 0);
	assert_int_equal(proc_start(&c, "socket_unix_client", "-a", "-N",
				    name_of(state), "-i", "0", NULL),
			 0);
	finish(&c, 0);
	finish(&s, 0);
	assert_int_equal(count_str(c.out, " echoed: "), 3);
	proc_free(&s);
	proc_free(&c);
}

/* A path longer than sun_path: a clear usage error from the client, a
 * clear error from a server whose TMPDIR is too long, nothing made. */
static void
test_unix_sun_path_limit_is_a_clear_error(void **state)
{
	char path[160], dir[140];
	struct proc c, s;

	memset(path, 'a', sizeof(path));
	memcpy(path, "/tmp/", 5);
	path[120] = '\0';
	assert_int_equal(proc_start(&c, "socket_unix_client", "-p", path, NULL),
			 0);
	finish(&c, 2);
	assert_non_null(strstr(c.err, "is 120 bytes; sun_path holds 107"));

	/* A TMPDIR of 100 bytes: the server's socket path would not fit. */
	snprintf(dir, sizeof(dir), "/tmp/ipclab-test-%s-", name_of(state));
	memset(dir + strlen(dir), 'd', 100 - strlen(dir));
	dir[100] = '\0';
	assert_int_equal(mkdir(dir, 0700), 0);
	setenv("TMPDIR", dir, 1);
	assert_int_equal(proc_start(&s, "socket_unix_server", "-N",
				    name_of(state), NULL),
			 0);
	unsetenv("TMPDIR");
	finish(&s, 1);
	assert_non_null(strstr(s.err, "sun_path holds 107"));
	assert_string_equal(s.out, "");
	assert_int_equal(rmdir(dir), 0); /* empty: nothing made in it */
	proc_free(&c);
	proc_free(&s);
}

static void
signal_removes_file_and_dir(void **state, int sig)
{
	struct proc s;
	char addr[256];
	struct stat st;

	start_server(&s, "socket_unix_server", "-N", name_of(state), "-t", "30",
		     addr, sizeof(addr));
	assert_int_equal(lstat(addr, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	kill(s.pid, sig);
	finish(&s, 128 + sig);
	assert_int_equal(lstat(addr, &st), -1);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
}

static void
test_unix_sigint_removes_socket_file_and_dir(void **state)
{
	signal_removes_file_and_dir(state, SIGINT);
}

static void
test_unix_sigterm_removes_socket_file_and_dir(void **state)
{
	signal_removes_file_and_dir(state, SIGTERM);
}

/* Start a server of name and SIGKILL it, so that its private directory
 * and socket stay behind; whether they still do (another test's
 * `ipclab-ipcs --clean` may have taken them already). */
static int
leave_stale_socket(const char *name)
{
	struct proc s;
	char addr[256];

	start_server(&s, "socket_unix_server", "-N", name, "-t", "30", addr,
		     sizeof(addr));
	return kill_leaves_objects(&s, name);
}

/* A server killed by SIGKILL leaves its socket file; the next server of
 * the name finds its creator gone and removes it.  Any sweep on the
 * machine may take it first: then we try again. */
static void
test_unix_next_server_removes_stale_socket(void **state)
{
	const char *name = name_of(state);
	int proved = 0;

	for (int attempt = 0; attempt < STALE_ATTEMPTS && !proved; attempt++) {
		struct proc s2;

		if (!leave_stale_socket(name))
			continue;
		assert_int_equal(proc_start(&s2, "socket_unix_server", "-N",
					    name, "-t", "1", NULL),
				 0);
		finish(&s2, 1); /* no client came */
		assert_non_null(strstr(s2.err, "no client came"));
		assert_int_equal(objects_alive(name), 0);
		proved = strstr(s2.out, "removed stale") != NULL;
		proc_free(&s2);
	}
	assert_true(proved);
}

/* A server killed mid-run: the client notices at once (end of file or
 * EPIPE), says so, and exits 1, long before its own timeout. */
static void
killed_server(void **state, const char *prog_s, const char *prog_c,
	      const char *opt)
{
	struct proc s, c;
	char addr[256];
	uint64_t t0;

	if (strcmp(opt, "-p") == 0)
		start_server(&s, prog_s, "-N", name_of(state), "-t", "30", addr,
			     sizeof(addr));
	else /* TCP makes nothing named */
		start_server(&s, prog_s, "-t", "30", NULL, NULL, addr,
			     sizeof(addr));
	assert_int_equal(proc_start(&c, prog_c, opt, addr, "-n", "50", "-i",
				    "100", "-t", "20", NULL),
			 0);
	assert_int_equal(proc_wait_output(&c, "#2/50", RUN_MS), 0);
	kill(s.pid, SIGKILL);
	t0 = clock_ns();
	assert_int_equal(proc_wait(&c, 5000), 0); /* not its 20 s timeout */
	assert_true(clock_ns() - t0 < 3 * NS_PER_S);
	assert_code(&c, 1);
	assert_non_null(strstr(c.err, "did it die?"));
	finish(&s, 128 + SIGKILL);
	/* SIGKILL cannot be caught: the UNIX server's directory stays. */
	objects_remove(name_of(state));
	proc_free(&s);
	proc_free(&c);
}

static void
test_unix_killed_server_makes_client_exit_1(void **state)
{
	killed_server(state, "socket_unix_server", "socket_unix_client", "-p");
}

static void
test_tcp_killed_server_makes_client_exit_1(void **state)
{
	killed_server(state, "socket_tcp_server", "socket_tcp_client", "-c");
}

/* A client that goes quiet, then vanishes: the server drops it, carries
 * on with the next client, and reports the failure in its exit code. */
static void
test_tcp_killed_client_does_not_stop_server(void **state)
{
	struct proc s, c1, c2;
	char addr[64];

	(void)state;
	start_server(&s, "socket_tcp_server", "-k", "2", NULL, NULL, addr,
		     sizeof(addr));
	assert_int_equal(proc_start(&c1, "socket_tcp_client", "-c", addr, "-n",
				    "50", "-i", "100", NULL),
			 0);
	assert_int_equal(proc_wait_output(&c1, "#1/50", RUN_MS), 0);
	kill(c1.pid, SIGKILL);
	finish(&c1, 128 + SIGKILL);
	assert_int_equal(proc_start(&c2, "socket_tcp_client", "-c", addr, "-i",
				    "0", NULL),
			 0);
	finish(&c2, 0);
	finish(&s, 1);
	assert_non_null(strstr(s.err, "127.0.0.1:")); /* names the client */
	assert_non_null(strstr(s.out, "done: 3 messages"));
	assert_non_null(strstr(s.out, "served 2 clients, not all in full"));
	proc_free(&s);
	proc_free(&c1);
	proc_free(&c2);
}

/* Nobody listening: a clear message and exit 1, at once. */
static void
test_no_server_is_a_clear_error(void **state)
{
	char addr[64], path[256];
	struct proc s, c;

	/* A port that was free a moment ago: the server has ended. */
	start_server(&s, "socket_tcp_server", "-t", "1", NULL, NULL, addr,
		     sizeof(addr));
	finish(&s, 1);
	assert_int_equal(proc_start(&c, "socket_tcp_client", "-c", addr, NULL),
			 0);
	finish(&c, 1);
	assert_non_null(strstr(c.err, "nobody listens there"));
	proc_free(&c);
	assert_int_equal(proc_start(&c, "socket_udp_client", "-c", addr, NULL),
			 0);
	finish(&c, 1);
	assert_non_null(strstr(c.err, "nobody listens there"));
	proc_free(&c);
	snprintf(path, sizeof(path), "/nonexistent-%s/socket", name_of(state));
	assert_int_equal(proc_start(&c, "socket_unix_client", "-p", path, NULL),
			 0);
	finish(&c, 1);
	assert_non_null(strstr(c.err, "no server at"));
	proc_free(&c);
	proc_free(&s);
}

/* UDP: each message is one datagram, whole, up to the largest IPv4 one. */
static void
test_udp_datagrams_keep_boundaries(void **state)
{
	struct proc s, c;
	char addr[64];

	(void)state;
	start_server(&s, "socket_udp_server", NULL, NULL, NULL, NULL, addr,
		     sizeof(addr));
	assert_int_equal(proc_start(&c, "socket_udp_client", "-c", addr, "-n",
				    "5", "-s", "65491", "-i", "0", NULL),
			 0);
	finish(&c, 0);
	finish(&s, 0);
	assert_int_equal(count_str(s.out, ": one datagram, 65491 bytes, every "
					  "one correct"),
			 5);
	assert_int_equal(count_str(c.out, "one datagram, 65491 bytes, echoed "
					  "intact"),
			 5);
	proc_free(&s);
	proc_free(&c);
}

/* socketpair(): the stream glues the three writes into one read; the
 * datagram types return them one by one, and cut a datagram too long for
 * the buffer. */
static void
test_socketpair_stream_glues_datagrams_keep_boundaries(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "socket_pair", NULL), 0);
	finish(&p, 0);
	assert_non_null(strstr(p.out, "SOCK_STREAM: read #1: 27 bytes "
				      "\"onetwo twothree three three\""));
	assert_non_null(strstr(p.out, "SOCK_STREAM: read #2: 0, end of file"));
	for (int i = 0; i < 2; i++) {
		const char *t = i == 0 ? "SOCK_DGRAM" : "SOCK_SEQPACKET";
		char want[3][96];

		snprintf(want[0], sizeof(want[0]),
			 "%s: read #1: 3 bytes \"one\"", t);
		snprintf(want[1], sizeof(want[1]),
			 "%s: read #2: 7 bytes \"two two\"", t);
		snprintf(want[2], sizeof(want[2]),
			 "%s: read #3: 17 bytes \"three th\" (cut", t);
		for (int k = 0; k < 3; k++)
			assert_non_null(strstr(p.out, want[k]));
	}
	proc_free(&p);
}

/* UNIX datagrams: every one arrives, in order; the sender is made to wait
 * when the queue is full, instead of losing any. */
static void
test_unix_dgram_none_lost_sender_waits(void **state)
{
	unsigned long qlen = 10;
	struct proc p;
	FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r");
	char want[64];

	if (f != NULL) {
		if (fscanf(f, "%lu", &qlen) != 1)
			qlen = 10;
		fclose(f);
	}
	assert_int_equal(proc_start(&p, "socket_unix_dgram", "-N",
				    name_of(state), "-n", "40", NULL),
			 0);
	finish(&p, 0);
	assert_int_equal(count_str(p.out, " from an unnamed socket"), 40);
	assert_non_null(strstr(p.out, "all 40 arrived whole and in order"));
	/* The receiver reads nothing for 300 ms: enough for the sender to
	 * fill the queue, unless valgrind slows it down. */
	if (qlen < 39 && !under_valgrind()) {
		assert_non_null(
			strstr(p.out, "then EAGAIN: the queue is full"));
		snprintf(want, sizeof(want), "sent %lu, then EAGAIN", qlen + 1);
		assert_non_null(strstr(p.out, want));
	}
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* EPIPE: plain write() to a socket whose reader has gone is killed by
 * SIGPIPE; MSG_NOSIGNAL and SIG_IGN turn it into EPIPE; TCP fails from
 * the second send on. */
static void
test_broken_sigpipe_documented_behaviour(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "socket_broken_sigpipe", NULL), 0);
	finish(&p, 0);
	assert_non_null(strstr(p.out, "was killed by signal 13 (SIGPIPE)"));
	assert_null(strstr(p.out, "write() returned"));
	assert_non_null(strstr(p.out, "send(MSG_NOSIGNAL) to the same socket: "
				      "-1, Broken pipe (EPIPE)"));
	assert_non_null(strstr(p.out, "write() with SIGPIPE ignored: -1, "
				      "Broken pipe (EPIPE)"));
	assert_non_null(
		strstr(p.out, "TCP send #1 after the peer closed: 1 bytes"));
	assert_non_null(strstr(p.out, "TCP send #3: -1, Broken pipe (EPIPE)"));
	proc_free(&p);
}

/* SCM_RIGHTS: the parent reads, through the descriptor it received, what
 * the child wrote into a file that has no name. */
static void
test_fdpass_parent_reads_childs_file(void **state)
{
	struct proc p;

	(void)state;
	assert_int_equal(proc_start(&p, "socket_fdpass", NULL), 0);
	finish(&p, 0);
	assert_non_null(strstr(p.out, "read through it: written by child "));
	assert_non_null(strstr(p.out, "(exited): inode "));
	proc_free(&p);
}

static void
test_bad_arguments_exit_2(void **state)
{
	static const char *const progs[] = {
		"socket_unix_server", "socket_unix_client",
		"socket_tcp_server",  "socket_tcp_client",
		"socket_udp_server",  "socket_udp_client",
		"socket_pair",	      "socket_unix_dgram",
		"socket_fdpass",      "socket_broken_sigpipe"};

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		assert_usage_exit(progs[i], 0, "-h", NULL, NULL, NULL);
		assert_usage_exit(progs[i], 2, "-x", NULL, "-x: unknown option",
				  NULL);
	}
	assert_usage_exit("socket_tcp_server", 2, "-l", "foo",
			  "is not HOST:PORT", NULL);
	assert_usage_exit("socket_udp_server", 2, "-l", "127.0.0.1:65536",
			  "has no port from 0 to 65535", NULL);
	assert_usage_exit("socket_tcp_client", 2, "-c", "127.0.0.1:0",
			  "has no port from 1 to 65535", NULL);
	assert_usage_exit("socket_tcp_client", 2, "-c", ":80",
			  "is not HOST:PORT", NULL);
	assert_usage_exit("socket_udp_client", 2, "-c", "127.0.0.1",
			  "is not HOST:PORT", NULL);
	assert_usage_exit("socket_tcp_client", 2, "-n", "3",
			  "give -c HOST:PORT", NULL);
	assert_usage_exit("socket_udp_client", 2, "-c",
			  "no-such-host.invalid:80", "names no IPv4 host",
			  NULL);
	assert_usage_exit("socket_unix_client", 2, "-n", "3", "give -p PATH",
			  NULL);
	assert_usage_exit("socket_unix_client", 2, "-a", "-p/x", "give -p PATH",
			  NULL);
	assert_usage_exit("socket_unix_server", 2, "-k", "0", "-k: '0' is not",
			  NULL);
	assert_usage_exit("socket_unix_server", 2, "-N", "a/b", "is not a name",
			  NULL);
	assert_usage_exit("socket_udp_client", 2, "-s", "65492", "-s: '65492'",
			  NULL);
	assert_usage_exit("socket_pair", 2, "stray", NULL,
			  "unexpected argument", NULL);
}

/* The minimal pair: the server's socket file sits in a private directory
 * (mode 0700) under the test's name; the client's one line comes back
 * once, unchanged; then neither the file nor the directory is left. */
static void
test_minimal_pair_echoes_once_leaves_nothing(void **state)
{
	char addr[256], want[96];
	struct proc s, c;
	struct stat st;

	start_server(&s, "socket_minimal_server", name_of(state), NULL, NULL,
		     NULL, addr, sizeof(addr));
	assert_int_equal(lstat(addr, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	*strrchr(addr, '/') = '\0';
	assert_int_equal(lstat(addr, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(objects_alive(name_of(state)), 1); /* the directory */
	strcat(addr, "/socket");
	assert_int_equal(proc_start(&c, "socket_minimal_client", addr, NULL),
			 0);
	finish(&c, 0);
	finish(&s, 0);
	snprintf(want, sizeof(want), "hello from client %ld", (long)c.pid);
	assert_int_equal(count_str(c.out, " echoed: \""), 1);
	assert_int_equal(count_str(c.out, want), 1);
	assert_int_equal(count_str(s.out, want), 1); /* one send, one read */
	assert_int_equal(count_str(s.out, ": echoed "), 1);
	assert_string_equal(s.err, "");
	assert_string_equal(c.err, "");
	assert_int_equal(lstat(addr, &st), -1);
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&s);
	proc_free(&c);
}

/* No server at the path: the client names it and the error, exit 1. */
static void
test_minimal_client_without_server_exits_1(void **state)
{
	char path[256];
	struct proc c;

	snprintf(path, sizeof(path), "/nonexistent-%s/socket", name_of(state));
	assert_int_equal(proc_start(&c, "socket_minimal_client", path, NULL),
			 0);
	finish(&c, 1);
	assert_non_null(strstr(c.err, path));
	assert_non_null(strstr(c.err, "No such file or directory"));
	assert_string_equal(c.out, "");
	proc_free(&c);
}

static void
test_minimal_bad_arguments_exit_2(void **state)
{
	char longer[120];

	memset(longer, 'n', sizeof(longer) - 1); /* a path over 107 bytes */
	longer[sizeof(longer) - 1] = '\0';
	assert_usage_exit("socket_minimal_server", 0, "-h", NULL, NULL);
	assert_usage_exit("socket_minimal_client", 0, "-h", NULL, NULL);
	assert_usage_exit("socket_minimal_server", 2, "-x", NULL, NULL);
	assert_usage_exit("socket_minimal_server", 2, "a/b", NULL, NULL);
	assert_usage_exit("socket_minimal_server", 2, longer, NULL, NULL);
	assert_usage_exit("socket_minimal_server", 2, name_of(state), "x",
			  NULL);
	assert_usage_exit("socket_minimal_client", 2, NULL, NULL);
	assert_usage_exit("socket_minimal_client", 2, "-x", NULL, NULL);
	longer[0] = '/';
	assert_usage_exit("socket_minimal_client", 2, longer, NULL, NULL);
	assert_usage_exit("socket_minimal_client", 2, "/tmp/a", "b", NULL);
	assert_int_equal(objects_alive(name_of(state)), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

static const struct CMUnitTest tests[] = {
	T(test_unix_stream_every_byte_in_order),
	T(test_tcp_every_byte_in_order),
	T(test_unix_three_clients_at_once_all_served),
	T(test_unix_abstract_name_leaves_no_file),
	T(test_unix_sun_path_limit_is_a_clear_error),
	T(test_unix_sigint_removes_socket_file_and_dir),
	T(test_unix_sigterm_removes_socket_file_and_dir),
	T(test_unix_next_server_removes_stale_socket),
	T(test_unix_killed_server_makes_client_exit_1),
	T(test_tcp_killed_server_makes_client_exit_1),
	T(test_tcp_killed_client_does_not_stop_server),
	T(test_no_server_is_a_clear_error),
	T(test_udp_datagrams_keep_boundaries),
	T(test_socketpair_stream_glues_datagrams_keep_boundaries),
	T(test_unix_dgram_none_lost_sender_waits),
	T(test_broken_sigpipe_documented_behaviour),
	T(test_fdpass_parent_reads_childs_file),
	T(test_bad_arguments_exit_2),
	T(test_minimal_pair_echoes_once_leaves_nothing),
	T(test_minimal_client_without_server_exits_1),
	T(test_minimal_bad_arguments_exit_2),
};

int
main(void)
{
	return cmocka_run_group_tests_name("socket", tests, NULL, NULL) != 0;
}
