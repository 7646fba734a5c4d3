/* signal_checks.c - the checks of signal/exercises/ (tools/exercise.h).
 *
 * Every struct ex_proc is static: ex_start() keeps a pointer to it, and the
 * checker kills and frees what it started after the check has returned. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exercise.h"

/* Wait up to ms until pid is in one of the states: 0, or 1. */
static int
wait_state(pid_t pid, const char *states, unsigned ms)
{
	for (unsigned waited = 0; waited <= ms; waited += 10) {
		if (strchr(states, ex_state(pid)) != NULL)
			return 0;
		ex_sleep_ms(10);
	}
	return 1;
}

/* Lines "line K of 10" for K = 1..10, each once, in order; then the
 * parent's "10 lines, H heartbeats" with H from 1 to 10. */
static int
check_restart(struct ex_ctx *c)
{
	static struct ex_proc p;
	const char *at, *sum;
	char line[64];
	int n = 10, lines, beats;

	if (ex_run(c, &p, 5000, EX_PROG, "10", NULL) ||
	    ex_expect_code(c, &p, 0))
		return 1;
	at = p.out;
	for (int k = 1; k <= n; k++) {
		snprintf(line, sizeof(line), "line %d of %d\n", k, n);
		if (ex_count(p.out, line) != 1)
			return ex_fail(c, "each of the 10 lines copied once",
				       "line %d copied %d times", k,
				       ex_count(p.out, line));
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c, "the lines in order",
				       "line %d came before line %d", k, k - 1);
	}
	if ((sum = strstr(p.out, "parent ")) == NULL ||
	    sscanf(sum, "parent %*d: %d lines, %d heartbeats", &lines,
		   &beats) != 2)
		return ex_fail(c,
			       "the parent's last line: \"parent PID: 10 "
			       "lines, H heartbeats; ...\"",
			       "it did not print it; its output was:\n%s",
			       p.out);
	if (lines != n)
		return ex_fail(c, "the parent to count 10 lines",
			       "it counted %d", lines);
	if (beats < 1 || beats > n)
		return ex_fail(c,
			       "the handler to see the heartbeats (1 to 10 "
			       "of them: two that come close may merge)",
			       "it saw %d", beats);
	return 0;
}

/* In round K, the child's "round K: seen K", then the parent's, for K =
 * 1..100: each once, and the child's first (it answers after it
 * printed, and the parent prints after the answer came). */
static int
check_sigsuspend(struct ex_ctx *c)
{
	enum { ROUNDS = 100 };
	static struct ex_proc p;
	long child_at[ROUNDS + 1] = {0}, parent_at[ROUNDS + 1] = {0};
	char who[16];
	long pid, r;
	int seen;

	if (ex_run(c, &p, 5000, EX_PROG, "100", NULL) ||
	    ex_expect_code(c, &p, 0))
		return 1;
	for (const char *l = p.out; *l; l = strchr(l, '\n') + 1) {
		long at = l - p.out + 1, *slot;

		if (strchr(l, '\n') == NULL)
			break;
		if (sscanf(l, "%15s %ld: round %ld: seen %d", who, &pid, &r,
			   &seen) != 4)
			continue;
		if (r < 1 || r > ROUNDS)
			return ex_fail(c, "rounds 1 to 100",
				       "the %s printed round %ld", who, r);
		if (seen != r)
			return ex_fail(c, "in round K, K signals seen by each",
				       "the %s said \"round %ld: seen %d\"",
				       who, r, seen);
		slot = strcmp(who, "child") == 0 ? &child_at[r] : &parent_at[r];
		if (*slot != 0)
			return ex_fail(c, "each round once from each",
				       "the %s printed round %ld twice", who,
				       r);
		*slot = at;
	}
	for (int k = 1; k <= ROUNDS; k++) {
		if (child_at[k] == 0 || parent_at[k] == 0)
			return ex_fail(c, "100 rounds from each",
				       "the %s never printed round %d",
				       child_at[k] == 0 ? "child" : "parent",
				       k);
		if (parent_at[k] < child_at[k])
			return ex_fail(c,
				       "the parent to print round K after "
				       "the child answered it",
				       "it printed round %d first", k);
	}
	return 0;
}

/* The receiver, stopped while the sender sends five numbers, prints each
 * once and in order when it goes on, then the count and the sum. */
static int
check_sigqueue(struct ex_ctx *c)
{
	static const char *const values[] = {"7", "-3", "42", "1000", "5"};
	static struct ex_proc r, s;
	const char *at;
	char pid[24], line[64];

	if (ex_start(c, &r, EX_PROG, "recv", NULL))
		return 1;
	if (ex_wait_output(&r, ": ready\n", 5000))
		return ex_fail(c,
			       "the receiver to print \"receiver PID: "
			       "ready\" at once",
			       "it did not within 5 s");
	snprintf(pid, sizeof(pid), "%ld", (long)r.pid);
	ex_signal(&r, SIGSTOP); /* all the sender's signals wait for it */
	if (wait_state(r.pid, "T", 5000))
		return ex_fail(c, "the receiver to stop on SIGSTOP",
			       "it did not stop");
	if (ex_run(c, &s, 5000, EX_PROG, "send", pid, "7", "-3", "42", "1000",
		   "5", NULL) ||
	    ex_expect_code(c, &s, 0))
		return 1;
	ex_signal(&r, SIGCONT);
	if (ex_wait(c, &r, 5000) || ex_expect_code(c, &r, 0))
		return 1;
	at = r.out;
	for (int k = 0; k < 5; k++) {
		snprintf(line, sizeof(line), ": value %s\n", values[k]);
		if (ex_count(r.out, line) != 1)
			return ex_fail(c,
				       "\"value N\" once for each of 7 -3 42 "
				       "1000 5, sent while the receiver "
				       "was stopped",
				       "\"value %s\" %d times; the receiver "
				       "printed:\n%s",
				       values[k], ex_count(r.out, line), r.out);
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c, "the values in the order sent",
				       "%s came before %s", values[k],
				       values[k - 1]);
	}
	if (ex_count(r.out, ": end: 5 values, sum 1051\n") != 1)
		return ex_fail(c,
			       "the receiver's last line: \"end: 5 values, "
			       "sum 1051\"",
			       "it printed:\n%s", r.out);
	if (strstr(at, ": end: ") == NULL)
		return ex_fail(c, "the end after the last value",
			       "the end marker overtook a value");
	return 0;
}

/* 20 rounds, each answered at once: all done, exit 0.  Then a child that
 * goes quiet at round 3: the parent gives up on it after a second, says
 * so, and exits 3. */
static int
check_timeout(struct ex_ctx *c)
{
	static struct ex_proc p, q;
	char line[64];

	if (ex_run(c, &p, 5000, EX_PROG, "20", NULL) ||
	    ex_expect_code(c, &p, 0))
		return 1;
	for (int k = 1; k <= 20; k++) {
		snprintf(line, sizeof(line), ": round %d\n", k);
		if (ex_count(p.out, line) != 2)
			return ex_fail(c,
				       "each round once from each of the two",
				       "round %d printed %d times; the output "
				       "was:\n%s",
				       k, ex_count(p.out, line), p.out);
	}
	if (strstr(p.out, "no answer") != NULL)
		return ex_fail(c, "no timeout when the child answers at once",
			       "the parent said:\n%s", p.out);
	if (ex_start(c, &q, EX_PROG, "5", "3", NULL))
		return 1;
	/* "" matches state 0, gone: strchr() finds the terminator */
	if (wait_state(q.pid, "Z", 5000))
		return ex_fail(c,
			       "the parent to give up on the quiet child "
			       "after 1 s, and exit",
			       "it still waited after 5 s");
	if (ex_wait(c, &q, 5000) || ex_expect_code(c, &q, 3))
		return 1;
	if (ex_count(q.out, ": round 3: no answer in 1 s\n") != 1 ||
	    strstr(q.out, "parent ") == NULL)
		return ex_fail(c,
			       "the parent to say \"round 3: no answer in "
			       "1 s\"",
			       "it printed:\n%s", q.out);
	if (ex_count(q.out, ": round 2\n") != 2 ||
	    ex_count(q.out, ": round 3\n") != 1)
		return ex_fail(c, "rounds 1 and 2 answered, round 3 not",
			       "it printed:\n%s", q.out);
	return 0;
}

const struct exercise signal_exercises[] = {
	{"signal_restart", "fix", "a heartbeat signal breaks the reader",
	 check_restart},
	{"signal_sigsuspend", "complete",
	 "wait for each signal with sigsuspend, losing none", check_sigsuspend},
	{"signal_sigqueue", "extend",
	 "send numbers with sigqueue, on signals that queue", check_sigqueue},
	{"signal_timeout", "extend",
	 "give up on a partner that stopped answering, after 1 s",
	 check_timeout},
	{0},
};
