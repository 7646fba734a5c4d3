/* pipe_checks.c - the checks of pipe/exercises/ (tools/exercise.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exercise.h"

/* The child copies "hello K from PID" for K = 1..n, each once and in
 * order, then says "end of file"; the parent reports and exits 0. */
static int
check_eof(struct ex_ctx *c)
{
	static struct ex_proc p; /* the checker frees it after we return */
	char line[64];
	const char *at;
	int n = 7; /* not the default 3: a child that counts is caught */

	if (ex_run(c, &p, 5000, EX_PROG, "7", NULL) || ex_expect_code(c, &p, 0))
		return 1;
	at = p.out;
	for (int k = 1; k <= n; k++) {
		snprintf(line, sizeof(line), "hello %d from ", k);
		if (ex_count(p.out, line) != 1)
			return ex_fail(c, "each of the 7 lines once",
				       "line %d printed %d times", k,
				       ex_count(p.out, line));
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c, "the lines in order",
				       "line %d came before line %d", k, k - 1);
	}
	if (ex_count(p.out, ": end of file") != 1)
		return ex_fail(c, "the child to say \"end of file\" once",
			       "it said it %d times",
			       ex_count(p.out, ": end of file"));
	return 0;
}

/* Whether out, less white space at both ends, is want. */
static int
output_is(const char *out, const char *want)
{
	size_t len = strlen(want);

	while (*out == ' ' || *out == '\n' || *out == '\t')
		out++;
	if (strncmp(out, want, len) != 0)
		return 0;
	for (out += len; *out; out++)
		if (*out != ' ' && *out != '\n' && *out != '\t')
			return 0;
	return 1;
}

/* CMD1 | CMD2 for two pipelines: only CMD2's output is printed, and it is
 * what CMD1's output through CMD2 gives. */
static int
check_pipeline(struct ex_ctx *c)
{
	static struct ex_proc p, q; /* the checker frees them after we return */

	if (ex_run(c, &p, 5000, EX_PROG, "seq", "1", "4321", "|", "wc", "-l",
		   NULL) ||
	    ex_expect_code(c, &p, 0))
		return 1;
	if (strstr(p.out, "\n4320\n") != NULL)
		return ex_fail(c, "seq's lines to go into the pipe, not out",
			       "seq's lines were printed: the first child's "
			       "standard output is not the pipe's write end");
	if (output_is(p.out, "0"))
		return ex_fail(c, "wc -l to count 4321 lines",
			       "it counted 0: the second child read its own "
			       "standard input, not the pipe's read end");
	if (!output_is(p.out, "4321"))
		return ex_fail(c, "\"seq 1 4321 | wc -l\" to print 4321",
			       "it printed:\n%s", p.out);
	if (ex_run(c, &q, 5000, EX_PROG, "echo", "a", "pipe", "of", "ipclab",
		   "|", "tr", "a-z", "A-Z", NULL) ||
	    ex_expect_code(c, &q, 0))
		return 1;
	if (!output_is(q.out, "A PIPE OF IPCLAB"))
		return ex_fail(c,
			       "\"echo a pipe of ipclab | tr a-z A-Z\" to "
			       "print A PIPE OF IPCLAB",
			       "it printed:\n%s", q.out);
	return 0;
}

/* The child's pid, from "child PID: sending" in p's output so far; or -1. */
static long
child_pid(const struct ex_proc *p)
{
	char buf[4096], *at;

	ex_output_now(p, 0, buf, sizeof(buf));
	if ((at = strstr(buf, "child ")) == NULL)
		return -1;
	return strtol(at + 6, NULL, 10);
}

/* A child slow but alive is read to the end; a child stopped mid-way is
 * given up on, killed and waited for, and the parent exits 3. */
static int
check_timeout(struct ex_ctx *c)
{
	static struct ex_proc p, q; /* the checker frees them after we return */
	const char *at;
	char line[64];
	long child;

	/* 30 lines, 100 ms apart: 3 s in all, each wait far below 2 s. */
	if (ex_run(c, &p, 20000, EX_PROG, "30", "100", "2000", NULL))
		return 1;
	if (ex_count(p.out, "giving up") > 0)
		return ex_fail(c,
			       "a child that sends a line every 100 ms to "
			       "be read to the end (TIMEOUT 2000)",
			       "the parent gave up after line %d: is the "
			       "timeout for the whole run, not for each wait?",
			       ex_count(p.out, "hello "));
	if (ex_expect_code(c, &p, 0))
		return 1;
	at = p.out;
	for (int k = 1; k <= 30; k++) {
		snprintf(line, sizeof(line), "hello %d from ", k);
		if (ex_count(p.out, line) != 1)
			return ex_fail(c, "each of the 30 lines once",
				       "line %d printed %d times", k,
				       ex_count(p.out, line));
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c, "the lines in order",
				       "line %d came before line %d", k, k - 1);
	}

	/* Now the child stops after line 3, as a stuck writer would. */
	if (ex_start(c, &q, EX_PROG, "1000", "100", "1000", NULL))
		return 1;
	if (ex_wait_output(&q, "hello 3 from ", 5000) != 0 ||
	    (child = child_pid(&q)) <= 0)
		return ex_fail(c,
			       "the child to say \"child PID: sending\" and "
			       "send its lines",
			       "line 3 did not come within 5 s");
	kill((pid_t)child, SIGSTOP);
	if (ex_wait_output(&q, "giving up", 8000) != 0)
		return ex_fail(c,
			       "the parent to give up once nothing came for "
			       "TIMEOUT (1000 ms)",
			       "the child was stopped (SIGSTOP) after line 3, "
			       "and after 8 s the parent still had not said "
			       "\"giving up\"");
	if (ex_wait_output(&q, " killed by signal ", 5000) != 0)
		return ex_fail(c,
			       "the parent to kill the child, wait for it "
			       "and say \"child PID killed by signal N\"",
			       "it said \"giving up\", but not that the child "
			       "was killed: kill it (a stopped child dies of "
			       "SIGKILL at once, SIGTERM waits for a SIGCONT) "
			       "and wait for it");
	if (ex_wait(c, &q, 5000))
		return 1;
	if (ex_expect_code(c, &q, 3))
		return 1;
	snprintf(line, sizeof(line), "child %ld killed by signal", child);
	if (ex_count(q.out, line) != 1)
		return ex_fail(c,
			       "the parent to kill the child and wait for it: "
			       "\"child PID killed by signal N\"",
			       "it gave up, but did not report the child "
			       "killed:\n%s",
			       q.out);
	return 0;
}

const struct exercise pipe_exercises[] = {
	{"pipe_eof", "fix", "the child never sees the end of the stream",
	 check_eof},
	{"pipe_pipeline", "complete",
	 "run CMD1 | CMD2 with dup2, as a shell does", check_pipeline},
	{"pipe_timeout", "extend", "a reader that gives up on a stuck writer",
	 check_timeout},
	{0},
};
