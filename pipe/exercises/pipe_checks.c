/* pipe_checks.c - the checks of pipe/exercises/ (tools/exercise.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exercise.h"

/* The child copies "hello K from PID" for K = 1..n, each once and in
 * order, then says "end of file"; the parent reports and exits 0. */
static int
check_eof(struct ex_ctx *c)
{
	struct ex_proc p;
	char line[64];
	const char *at;
	int n = 7; /* not the default 3: a child that counts is caught */

	if (ex_run(c, &p, 5000, EX_PROG, "7", NULL) ||
	    ex_expect_code(c, &p, 0))
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

const struct exercise pipe_exercises[] = {
	{"pipe_eof", "fix", "the child never sees the end of the stream",
	 check_eof},
	{0},
};
