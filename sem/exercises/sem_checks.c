/* sem_checks.c - the checks of sem/exercises/ (tools/exercise.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

#include "exercise.h"

/* What p has written to stdout so far, into buf (cut to fit). */
static const char *
output_now(const struct ex_proc *p, char *buf, size_t size)
{
	ssize_t n = pread(p->out_fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* The pid in the first "<who> PID: <what>" line of p's output so far;
 * -1 if there is none. */
static pid_t
pid_of(const struct ex_proc *p, const char *who, const char *what)
{
	char buf[8192], prefix[32];
	const char *s = output_now(p, buf, sizeof(buf));
	size_t len = (size_t)snprintf(prefix, sizeof(prefix), "%s ", who);

	for (; (s = strstr(s, prefix)) != NULL; s += len) {
		char *end;
		long pid = strtol(s + len, &end, 10);

		if (pid > 0 && strncmp(end, ": ", 2) == 0 &&
		    strncmp(end + 2, what, strlen(what)) == 0)
			return (pid_t)pid;
	}
	return -1;
}

/* Run 1: the child takes the lock for 30 s; the check kills it (SIGKILL)
 * and the parent must get the lock at once and find it free (1) at the
 * end.  Run 2: the child works 2 s and gives the lock back; the parent
 * must wait for that (no breaking in after a timeout), and find the lock
 * at 1 at the end (SEM_UNDO on the -1 alone leaves it at 2). */
static int
check_undo(struct ex_ctx *c)
{
	/* static: the checker frees them after we return */
	static struct ex_proc p, q;
	const char *gave, *got;
	pid_t child;

	if (ex_start(c, &p, EX_PROG, "30", NULL))
		return 1;
	if (ex_wait_output(&p, ": took the lock", 5000) != 0 ||
	    (child = pid_of(&p, "child", "took the lock")) == -1) {
		if (ex_wait(c, &p, 1000) || ex_expect_code(c, &p, 0))
			return 1;
		return ex_fail(c, "the child to say \"child PID: took the "
				  "lock\"",
			       "it did not; the program printed:\n%s", p.out);
	}
	if (semget(EX_KEY(8), 0, 0) == -1)
		return ex_fail(c, "a System V semaphore set at key 0x1c..e8 "
				  "while the child holds the lock",
			       "there was none");
	kill(child, SIGKILL);
	if (ex_wait_output(&p, ": got the lock", 5000) != 0)
		return ex_fail(c, "the parent to get the lock once the child "
				  "that held it is killed",
			       "the parent was still waiting 5 s after the "
			       "check killed child %ld with SIGKILL: nobody "
			       "gave the lock back",
			       (long)child);
	if (ex_wait(c, &p, 5000))
		return 1;
	if (ex_count(p.out, "the lock's value is 1 at the end") != 1 ||
	    ex_expect_code(c, &p, 0))
		return ex_fail(c, "the lock free (value 1) at the end, and exit "
				  "status 0",
			       "after the child was killed, the program "
			       "printed:\n%s",
			       p.out);

	if (ex_run(c, &q, 10000, EX_PROG, "2", NULL))
		return 1;
	gave = strstr(q.out, ": gave the lock back");
	got = strstr(q.out, ": got the lock");
	if (gave == NULL || got == NULL || got < gave)
		return ex_fail(c, "the parent to wait until the child gives the "
				  "lock back after 2 s of work",
			       "with a child that was not killed, the program "
			       "printed:\n%s",
			       q.out);
	if (ex_count(q.out, "the lock's value is 1 at the end") != 1 ||
	    ex_expect_code(c, &q, 0))
		return ex_fail(c, "the lock free (value 1) at the end, and exit "
				  "status 0",
			       "with a child that was not killed, the program "
			       "printed:\n%s",
			       q.out);
	return 0;
}

const struct exercise sem_exercises[] = {
	{"sem_undo", "fix", "a lock stays taken when its holder is killed",
	 check_undo},
	{0},
};
