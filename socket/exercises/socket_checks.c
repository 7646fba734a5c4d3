/* socket_checks.c - the checks of socket/exercises/ (tools/exercise.h).
 *
 * Every struct ex_proc is static: ex_start() keeps a pointer to it, and the
 * checker kills and frees what it started after the check has returned. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exercise.h"

/* Wait up to ms for p to print text (0) or to end (1); -1 if neither. */
static int
output_or_end(struct ex_proc *p, const char *text, unsigned ms)
{
	for (unsigned waited = 0; waited <= ms; waited += 20) {
		char s;

		if (ex_wait_output(p, text, 0) == 0)
			return 0;
		if ((s = ex_state(p->pid)) == 0 || s == 'Z')
			return ex_wait_output(p, text, 0) == 0 ? 0 : 1;
		ex_sleep_ms(20);
	}
	return -1;
}

/* Start the learner's server, wait until it listens on echo.sock: 0, or
 * ex_fail()'s 1 saying what which (the first run...) did instead. */
static int
start_server(struct ex_ctx *c, struct ex_proc *p, const char *which)
{
	char want[128];

	snprintf(want, sizeof(want), "%s to print \"listening on echo.sock\"",
		 which);
	if (ex_start(c, p, EX_PROG, NULL))
		return 1;
	switch (output_or_end(p, ": listening on echo.sock\n", 5000)) {
	case 0:
		return 0;
	case 1:
		ex_wait(c, p, 5000);
		return ex_fail(c, want,
			       "it exited %d; it printed on stderr:\n%s",
			       ex_code(p), p->err);
	default:
		return ex_fail(c, want,
			       "it printed nothing of the kind in 5 s");
	}
}

/* Run socket_minimal_client on echo.sock: 0, or ex_fail()'s 1. */
static int
client(struct ex_ctx *c, const char *want)
{
	static struct ex_proc p;

	int r = ex_run(c, &p, 5000, "socket_minimal_client", "echo.sock", NULL);

	if (r == 0 && (ex_code(&p) != 0 || strstr(p.out, ": echoed: ") == NULL))
		r = ex_fail(c, want,
			    "the client exited %d; it printed on "
			    "stderr:\n%s",
			    ex_code(&p), p.err);
	ex_free(&p); /* before the next run */
	return r;
}

/* The server ends by itself once its client has: exit 0, and an echo. */
static int
server_done(struct ex_ctx *c, struct ex_proc *p)
{
	if (ex_wait(c, p, 5000) || ex_expect_code(c, p, 0))
		return 1;
	if (strstr(p->out, ": echoed ") == NULL)
		return ex_fail(c, "the server to say \"echoed N bytes\"",
			       "it did not; it printed:\n%s", p->out);
	return 0;
}

/* Twice in a row, a server and a client; then a server that starts while
 * another runs must fail and leave the first one's file alone. */
static int
check_unlink(struct ex_ctx *c)
{
	static struct ex_proc one, two, live, late;

	if (start_server(c, &one, "the first run") ||
	    client(c, "the client to be echoed by the first run") ||
	    server_done(c, &one))
		return 1;
	if (start_server(c, &two, "a second run, after the first ended,") ||
	    client(c, "the client to be echoed by the second run") ||
	    server_done(c, &two))
		return 1;
	if (start_server(c, &live, "a third run"))
		return 1;
	if (ex_start(c, &late, EX_PROG, NULL))
		return 1;
	switch (output_or_end(&late, ": listening on echo.sock\n", 5000)) {
	case 0:
		return ex_fail(c,
			       "a server started while another runs to fail "
			       "to bind, and leave the other's file alone",
			       "it listened on echo.sock too: it removed the "
			       "file of the server that was running");
	case -1:
		return ex_fail(c,
			       "a server started while another runs to fail "
			       "to bind, and exit",
			       "it still ran after 5 s");
	}
	if (ex_wait(c, &late, 5000))
		return 1;
	if (ex_code(&late) == 0)
		return ex_fail(c, "a server that could not bind to exit 1",
			       "it exited 0");
	if (client(c, "a client to reach the running server after another "
		      "failed to bind (did that one remove echo.sock?)") ||
	    server_done(c, &live))
		return 1;
	return 0;
}

/* A polite client, a rude one that hangs up before its echo, a polite
 * one: the server says "client 2 hung up", serves the third, and ends by
 * itself with exit 0. */
static int
check_sigpipe(struct ex_ctx *c)
{
	static struct ex_proc srv, rude;

	if (ex_start(c, &srv, EX_PROG, "serve", NULL))
		return 1;
	switch (output_or_end(&srv, ": listening on echo.sock\n", 5000)) {
	case 1:
		ex_wait(c, &srv, 5000);
		return ex_fail(c,
			       "the server to print \"listening on echo.sock\"",
			       "it exited %d; it printed on stderr:\n%s",
			       ex_code(&srv), srv.err);
	case -1:
		return ex_fail(c,
			       "the server to print \"listening on echo.sock\"",
			       "it printed nothing of the kind in 5 s");
	}
	if (client(c, "the first client to be echoed"))
		return 1;
	if (ex_run(c, &rude, 5000, EX_PROG, "hangup", NULL) ||
	    ex_expect_code(c, &rude, 0))
		return 1;
	switch (output_or_end(&srv, ": client 2 hung up\n", 5000)) {
	case 1:
		ex_wait(c, &srv, 5000);
		if (ex_code(&srv) > 128)
			return ex_fail(c,
				       "the server to live on when a client "
				       "hangs up before its echo",
				       "it was killed by signal %d (%s), "
				       "without a word",
				       ex_code(&srv) - 128,
				       strsignal(ex_code(&srv) - 128));
		return ex_fail(c,
			       "the server to live on when a client hangs "
			       "up before its echo",
			       "it exited %d; it printed on stderr:\n%s",
			       ex_code(&srv), srv.err);
	case -1:
		return ex_fail(c, "the server to say \"client 2 hung up\"",
			       "it did not, in 5 s");
	}
	if (client(c, "the third client to be echoed after the second hung "
		      "up"))
		return 1;
	return server_done(c, &srv);
}

/* The parent prints the text the child wrote, read through the file the
 * child made: the same inode as the child printed. */
static int
check_fdpass(struct ex_ctx *c)
{
	const char *text = "through the socket, 42", *child, *parent;
	unsigned long child_ino, parent_ino;
	static struct ex_proc p;
	char line[64];

	if (ex_run(c, &p, 5000, EX_PROG, text, NULL) ||
	    ex_expect_code(c, &p, 0))
		return 1;
	if ((child = strstr(p.out, "child ")) == NULL ||
	    sscanf(child, "child %*d: fd %*d, inode %lu", &child_ino) != 1)
		return ex_fail(c,
			       "the child's line \"child PID: fd N, inode "
			       "I, ...\"",
			       "it printed:\n%s", p.out);
	if ((parent = strstr(p.out, "parent ")) == NULL ||
	    sscanf(parent, "parent %*d: fd %*d, inode %lu", &parent_ino) != 1)
		return ex_fail(c,
			       "the parent's line \"parent PID: fd N, "
			       "inode I: \"TEXT\"\"",
			       "it printed:\n%s", p.out);
	if (parent_ino != child_ino)
		return ex_fail(c, "the parent to read the child's own file",
			       "the child's file has inode %lu, the one the "
			       "parent read %lu",
			       child_ino, parent_ino);
	snprintf(line, sizeof(line), ": \"%s\"\n", text);
	if (strstr(parent, line) == NULL)
		return ex_fail(c, "the parent to read back the child's text",
			       "it printed:\n%s", parent);
	return 0;
}

/* A first client is echoed once, then held still (SIGSTOP) with its
 * connection open; a second must be echoed meanwhile.  Then the first
 * goes on, and the server ends by itself. */
static int
check_clients(struct ex_ctx *c)
{
	const char *want = "a second client echoed while the first is still "
			   "connected";
	static struct ex_proc srv, a, b;
	int waited = 0;

	if (start_server(c, &srv, "the server"))
		return 1;
	if (ex_start(c, &a, "socket_unix_client", "-p", "echo.sock", "-n", "2",
		     "-i", "100", NULL))
		return 1;
	if (ex_wait_output(&a, "#1/2 echoed", 5000))
		return ex_fail(c, "the first client's first message echoed",
			       "no echo came in 5 s");
	ex_signal(&a, SIGSTOP);
	while (ex_state(a.pid) != 'T' && (waited += 10) < 5000)
		ex_sleep_ms(10);
	if (ex_start(c, &b, "socket_minimal_client", "echo.sock", NULL))
		return 1;
	switch (output_or_end(&b, ": echoed: ", 5000)) {
	case -1:
		return ex_fail(c, want,
			       "the second client got no echo in 5 s: "
			       "the server still waited for the first "
			       "one (which the check held still)");
	case 1:
		ex_wait(c, &b, 5000);
		return ex_fail(c, want,
			       "the second client exited %d; it "
			       "printed on stderr:\n%s",
			       ex_code(&b), b.err);
	}
	if (ex_wait(c, &b, 5000) || ex_expect_code(c, &b, 0))
		return 1;
	ex_signal(&a, SIGCONT);
	if (ex_wait(c, &a, 5000))
		return 1;
	if (ex_code(&a) != 0)
		return ex_fail(c,
			       "the first client echoed to its end once it "
			       "went on",
			       "it exited %d; it printed on stderr:\n%s",
			       ex_code(&a), a.err);
	return server_done(c, &srv);
}

const struct exercise socket_exercises[] = {
	{"socket_unlink", "fix", "the second run cannot bind its socket file",
	 check_unlink},
	{"socket_sigpipe", "fix",
	 "a client that hangs up early must not kill the server",
	 check_sigpipe},
	{"socket_fdpass", "complete",
	 "pass an open file to another process (SCM_RIGHTS)", check_fdpass},
	{"socket_clients", "extend",
	 "serve a second client while the first is connected", check_clients},
	{0},
};
