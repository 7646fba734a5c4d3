/* fifo_checks.c - the checks of fifo/exercises/ (tools/exercise.h).
 *
 * The programs make their FIFOs by relative name, in the check's private
 * directory; the writers of the suite (fifo_minimal_writer) run there too
 * and are given the same names.  Every ex_proc is static: the checker
 * frees the ones a check started after the check has returned. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exercise.h"

/* Wait until p says text; if it never does, fail with what it did. */
static int
expect_output(struct ex_ctx *c, struct ex_proc *p, const char *who,
	      const char *text)
{
	char want[256];

	if (ex_wait_output(p, text, 5000) == 0)
		return 0;
	snprintf(want, sizeof(want), "the %s to say \"%s\"", who, text);
	if (ex_wait(c, p, 1000) == 0 && ex_expect_code(c, p, 0) == 0)
		return ex_fail(c, want,
			       "it ended without saying it; it "
			       "printed:\n%s",
			       p->out);
	return ex_fail(c, want, "it did not within 5 s");
}

/* "TEXT k" for k = 1..n in out, each once and in order; else ex_fail()
 * in who's name. */
static int
each_once(struct ex_ctx *c, const char *out, const char *who, const char *text,
	  int n)
{
	char line[64], want[128];
	const char *at = out;

	snprintf(want, sizeof(want),
		 "the %s to print \"%s K\" for K = 1 to "
		 "%d, each once, in order",
		 who, text, n);
	for (int k = 1; k <= n; k++) {
		snprintf(line, sizeof(line), "%s %d%s", text, k,
			 text[0] == 'h' ? " from" : "\n");
		if (ex_count(out, line) != 1)
			return ex_fail(c, want,
				       "the %s printed \"%s %d\" %d "
				       "times; all it printed:\n%s",
				       who, text, k, ex_count(out, line), out);
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c, want, "%d came before %d", k, k - 1);
	}
	return 0;
}

/* fifo_minimal_writer sends count lines to ./fifo; it must succeed. */
static int
run_writer(struct ex_ctx *c, struct ex_proc *w, const char *count)
{
	if (ex_run(c, w, 5000, "fifo_minimal_writer", "fifo", count, NULL))
		return 1;
	if (ex_code(w) != 0)
		return ex_fail(c,
			       "the writer to find the FIFO the reader "
			       "announced, and send its lines",
			       "fifo_minimal_writer fifo %s exited %d:\n%s",
			       count, ex_code(w), w->err);
	return 0;
}

/* A whole run prints every line once and leaves nothing; a reader killed
 * with SIGKILL after line 2 leaves nothing either. */
static int
check_unlink(struct ex_ctx *c)
{
	static struct ex_proc r, w, r2, w2;
	char link[64], cwd[PATH_MAX], fifo[PATH_MAX + 8];
	ssize_t n;

	if (ex_start(c, &r, EX_PROG, "0", NULL) ||
	    expect_output(c, &r, "reader", "listening on fifo") ||
	    run_writer(c, &w, "5") || ex_wait(c, &r, 5000) ||
	    ex_expect_code(c, &r, 0) ||
	    each_once(c, r.out, "reader", "hello", 5))
		return 1;

	if (ex_start(c, &r2, EX_PROG, "300", NULL) ||
	    expect_output(c, &r2, "reader", "listening on fifo"))
		return 1;
	snprintf(link, sizeof(link), "/proc/%ld/cwd", (long)r2.pid);
	if ((n = readlink(link, cwd, sizeof(cwd) - 1)) <= 0)
		return ex_fail(c, "a check that can run", "readlink %s failed",
			       link);
	cwd[n] = '\0';
	snprintf(fifo, sizeof(fifo), "%s/fifo", cwd);
	if (run_writer(c, &w2, "20") ||
	    expect_output(c, &r2, "reader", "hello 2 from"))
		return 1;
	ex_signal(&r2, SIGKILL);
	if (ex_wait(c, &r2, 5000))
		return 1;
	if (access(fifo, F_OK) == 0)
		return ex_fail(c,
			       "nothing left once a writer has come, however "
			       "the reader ends",
			       "the reader, killed with SIGKILL after line 2 "
			       "(no handler runs then), left its FIFO: %s",
			       fifo);
	return 0;
}

/* A and B exchange all the pings and pongs and see end of file, though B
 * starts 1.5 s after A and is stopped for 1.5 s after ping 3. */
static int
check_order(struct ex_ctx *c)
{
	static struct ex_proc a, b;
	char abuf[4096], bbuf[4096];

	if (ex_start(c, &a, EX_PROG, "a", "8", "50", NULL))
		return 1;
	ex_sleep_ms(1500); /* B comes late: A must wait for it, not fail */
	if (ex_start(c, &b, EX_PROG, "b", NULL))
		return 1;
	if (ex_wait_output(&b, "got ping 3", 5000) != 0) {
		if (ex_ended(&a)) /* then say how: its exit status, stderr */
			return ex_wait(c, &a, 1000) || ex_expect_code(c, &a, 0)
				       ? 1
				       : ex_fail(c, "A to wait for B's pongs",
						 "A ended at once");
		if (ex_ended(&b))
			return ex_wait(c, &b, 1000) || ex_expect_code(c, &b, 0)
				       ? 1
				       : ex_fail(c, "B to answer A's pings",
						 "B ended at once");
		ex_output_now(&a, 0, abuf, sizeof(abuf));
		ex_output_now(&b, 0, bbuf, sizeof(bbuf));
		if (abuf[0] == '\0' && bbuf[0] == '\0')
			return ex_fail(c, "A and B to open both FIFOs and talk",
				       "neither printed a thing in 5 s: each "
				       "waits in its first open(), for the "
				       "other's second (cat /proc/PID/wchan: "
				       "wait_for_partner)");
		return ex_fail(c, "B to get ping 3 within 5 s",
			       "A printed:\n%s\nand B printed:\n%s", abuf,
			       bbuf);
	}
	ex_signal(&b, SIGSTOP); /* B busy elsewhere: A must wait, not guess */
	ex_sleep_ms(1500);
	ex_signal(&b, SIGCONT);
	if (ex_wait(c, &a, 10000) || ex_expect_code(c, &a, 0) ||
	    ex_wait(c, &b, 5000) || ex_expect_code(c, &b, 0) ||
	    each_once(c, b.out, "B", "got ping", 8) ||
	    each_once(c, a.out, "A", "got pong", 8))
		return 1;
	if (ex_count(b.out, "end of file on ping") != 1)
		return ex_fail(c, "B to see end of file on ping once",
			       "B printed:\n%s", b.out);
	if (ex_count(a.out, "end of file on pong") != 1)
		return ex_fail(c, "A to see end of file on pong once",
			       "A printed:\n%s", a.out);
	return 0;
}

/* Three clients at once each get the square of their own number; the
 * server answers three times and ends; no FIFO is left. */
static int
check_reply(struct ex_ctx *c)
{
	static struct ex_proc srv, cl[3];
	static const char *const numbers[3] = {"12", "7", "31"};
	static const char *const answers[3] = {
		"12 squared is 144", "7 squared is 49", "31 squared is 961"};

	if (ex_start(c, &srv, EX_PROG, "server", "3", NULL) ||
	    expect_output(c, &srv, "server", "listening on ctl"))
		return 1;
	for (int i = 0; i < 3; i++)
		if (ex_start(c, &cl[i], EX_PROG, "client", numbers[i], NULL))
			return 1;
	for (int i = 0; i < 3; i++) {
		if (ex_wait(c, &cl[i], 5000))
			return 1;
		if (ex_code(&cl[i]) != 0)
			return ex_fail(
				c,
				"each client to get its answer on its "
				"own FIFO, reply.PID, and exit 0",
				"the client that asked for %s exited %d; "
				"on stderr it said:\n%s",
				numbers[i], ex_code(&cl[i]), cl[i].err);
		if (ex_count(cl[i].out, answers[i]) != 1)
			return ex_fail(
				c,
				"each client to print the answer to "
				"its own number",
				"the client that asked for %s printed:\n%s",
				numbers[i], cl[i].out);
	}
	if (ex_wait(c, &srv, 5000) || ex_expect_code(c, &srv, 0))
		return 1;
	if (ex_count(srv.out, ": answered ") != 3)
		return ex_fail(c, "the server to answer 3 times",
			       "it printed:\n%s", srv.out);
	return 0;
}

/* "hello K from" for K = 1..n in out, in order, nothing missing, nothing
 * twice (one pass: n may be thousands). */
static int
lines_in_order(struct ex_ctx *c, const char *out, int n)
{
	char want[128];
	const char *s = out;
	int k = 0;

	snprintf(want, sizeof(want),
		 "the reader to get lines 1 to %d, each "
		 "once, in order",
		 n);
	while ((s = strstr(s, "hello ")) != NULL) {
		long got = strtol(s + 6, NULL, 10);

		if (got != k + 1)
			return ex_fail(c, want, "after line %d it got line %ld",
				       k, got);
		k++;
		s += 6;
	}
	if (k != n)
		return ex_fail(c, want, "it got %d lines", k);
	return 0;
}

/* A reader 1.5 s late, and slow, gets all 5000 lines (more than a pipe
 * holds); with a reader 4 s late, a writer told 500 ms gives up, exits 3
 * and sends nothing. */
static int
check_wait(struct ex_ctx *c)
{
	static struct ex_proc r, w, r2, w2, w3;

	if (ex_start(c, &r, EX_PROG, "reader", "1500", NULL) ||
	    expect_output(c, &r, "reader", "made fifo") ||
	    ex_run(c, &w, 20000, EX_PROG, "writer", "5000", "5000", NULL))
		return 1;
	if (ex_count(w.out, "giving up") > 0)
		return ex_fail(c,
			       "the writer to wait up to TIMEOUT (5000 ms) "
			       "for a reader 1.5 s late",
			       "it gave up: %s", w.out);
	if (ex_expect_code(c, &w, 0) || ex_wait(c, &r, 20000) ||
	    ex_expect_code(c, &r, 0) || lines_in_order(c, r.out, 5000))
		return 1;

	if (ex_start(c, &r2, EX_PROG, "reader", "4000", NULL) ||
	    expect_output(c, &r2, "reader", "made fifo") ||
	    ex_run(c, &w2, 10000, EX_PROG, "writer", "3", "500", NULL))
		return 1;
	if (ex_code(&w2) != 3 || ex_count(w2.out, "giving up") != 1)
		return ex_fail(c,
			       "the writer to say \"giving up\" and exit 3 "
			       "when no reader came within TIMEOUT (500 "
			       "ms; the reader came after 4 s)",
			       "it exited %d and printed:\n%s%s", ex_code(&w2),
			       w2.out, w2.err);
	/* The late reader still wants a writer: the suite's gives it one. */
	if (ex_run(c, &w3, 10000, "fifo_minimal_writer", "fifo", "1", NULL) ||
	    ex_expect_code(c, &w3, 0) || ex_wait(c, &r2, 5000) ||
	    ex_expect_code(c, &r2, 0))
		return 1;
	if (ex_count(r2.out, "hello ") != 1)
		return ex_fail(c,
			       "the reader to get nothing from a writer that "
			       "gave up",
			       "it got:\n%s", r2.out);
	return 0;
}

const struct exercise fifo_exercises[] = {
	{"fifo_unlink", "fix", "a reader killed mid-stream leaves its FIFO",
	 check_unlink},
	{"fifo_order", "fix", "two FIFOs, and both sides stuck in open()",
	 check_order},
	{"fifo_reply", "complete", "a reply FIFO for each client", check_reply},
	{"fifo_wait", "extend", "a writer that gives up when no reader comes",
	 check_wait},
	{0},
};
