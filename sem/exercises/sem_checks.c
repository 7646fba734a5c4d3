/* sem_checks.c - the checks of sem/exercises/ (tools/exercise.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

#include "exercise.h"

/* The pid in the first "<who> PID: <what>" line of p's output so far;
 * -1 if there is none. */
static pid_t
pid_of(const struct ex_proc *p, const char *who, const char *what)
{
	char buf[8192], prefix[32];
	const char *s = ex_output_now(p, 0, buf, sizeof(buf));
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
		return ex_fail(c,
			       "the child to say \"child PID: took the "
			       "lock\"",
			       "it did not; the program printed:\n%s", p.out);
	}
	if (semget(EX_KEY(8), 0, 0) == -1)
		return ex_fail(c,
			       "a System V semaphore set at key 0x1c..e8 "
			       "while the child holds the lock",
			       "there was none");
	kill(child, SIGKILL);
	if (ex_wait_output(&p, ": got the lock", 5000) != 0)
		return ex_fail(c,
			       "the parent to get the lock once the child "
			       "that held it is killed",
			       "the parent was still waiting 5 s after the "
			       "check killed child %ld with SIGKILL: nobody "
			       "gave the lock back",
			       (long)child);
	if (ex_wait(c, &p, 5000))
		return 1;
	if (ex_count(p.out, "the lock's value is 1 at the end") != 1 ||
	    ex_expect_code(c, &p, 0))
		return ex_fail(c,
			       "the lock free (value 1) at the end, and exit "
			       "status 0",
			       "after the child was killed, the program "
			       "printed:\n%s",
			       p.out);

	if (ex_run(c, &q, 10000, EX_PROG, "2", NULL))
		return 1;
	gave = strstr(q.out, ": gave the lock back");
	got = strstr(q.out, ": got the lock");
	if (gave == NULL || got == NULL || got < gave)
		return ex_fail(c,
			       "the parent to wait until the child gives the "
			       "lock back after 2 s of work",
			       "with a child that was not killed, the program "
			       "printed:\n%s",
			       q.out);
	if (ex_count(q.out, "the lock's value is 1 at the end") != 1 ||
	    ex_expect_code(c, &q, 0))
		return ex_fail(c,
			       "the lock free (value 1) at the end, and exit "
			       "status 0",
			       "with a child that was not killed, the program "
			       "printed:\n%s",
			       q.out);
	return 0;
}

/* Wait up to 5 s until a process waits for semaphore num of the set at
 * EX_KEY(n) to grow (semop -1 on 0): its ncount is 1.  0 when it is. */
static int
waits_on(int n, int num)
{
	int semid = semget(EX_KEY(n), 0, 0);

	for (int t = 0; semid != -1 && t < 5000; t += 20) {
		if (semctl(semid, num, GETNCNT) == 1)
			return 0;
		ex_sleep_ms(20);
	}
	return -1;
}

/* A producer (the process started) and a consumer (its child) pass 30
 * items through `slots` slots, guarded by EMPTY (0) and FULL (1) in the
 * set at EX_KEY(n).  The check stops the consumer for 1.5 s: the
 * producer must then wait on EMPTY, having put slots - 1 to slots + 1
 * items more than the consumer printed (it may be stopped with an item
 * taken and not printed, or printed and its slot not yet given back);
 * then it stops the producer: the consumer must wait on FULL.  In the end
 * the consumer has printed every item once, in order. */
static int
check_slots(struct ex_ctx *c, int n, int slots)
{
	/* static: the checker frees it after we return */
	static struct ex_proc p;
	char buf[8192], line[64];
	const char *at;
	pid_t consumer;
	int got, put;

	if (ex_start(c, &p, EX_PROG, "30", "30", NULL))
		return 1;
	if (ex_wait_output(&p, "consumer ", 5000) != 0 ||
	    (consumer = pid_of(&p, "consumer", "item")) == -1) {
		if (ex_wait(c, &p, 5000) || ex_expect_code(c, &p, 0))
			return 1;
		return ex_fail(c,
			       "the consumer to print \"consumer PID: item "
			       "K\" lines",
			       "it did not; the program printed:\n%s", p.out);
	}
	kill(consumer, SIGSTOP);
	ex_sleep_ms(1500);
	if (waits_on(n, 0) != 0) {
		kill(consumer, SIGCONT);
		ex_output_now(&p, 0, buf, sizeof(buf));
		return ex_fail(c,
			       "the producer to wait on EMPTY (semaphore 0, "
			       "a semop -1 that blocks) while the consumer "
			       "is stopped",
			       "the check stopped the consumer for 1.5 s; the "
			       "producer did not wait on EMPTY: it had put %d "
			       "items, the consumer printed %d",
			       ex_count(buf, ": put "),
			       ex_count(buf, ": item "));
	}
	ex_output_now(&p, 0, buf, sizeof(buf));
	put = ex_count(buf, ": put ");
	got = ex_count(buf, ": item ");
	kill(consumer, SIGCONT);
	if (put - got > slots + 1 || put - got < slots - 1)
		return ex_fail(c,
			       slots == 1 ? "the producer to put one item "
					    "ahead of a stopped consumer, "
					    "no more"
					  : "the producer to fill the 4 slots "
					    "ahead of a stopped consumer, "
					    "and no more",
			       "the check stopped the consumer when it had "
			       "printed %d item%s; the producer then put %d "
			       "in all, and waited",
			       got, got == 1 ? "" : "s", put);

	if (ex_wait_output(&p, ": item 15\n", 5000) == 0) {
		kill(p.pid, SIGSTOP); /* the producer alone */
		ex_sleep_ms(1500);
		if (waits_on(n, 1) != 0) {
			kill(p.pid, SIGCONT);
			return ex_fail(c,
				       "the consumer to wait on FULL "
				       "(semaphore 1) while the producer "
				       "is stopped",
				       "the check stopped the producer for "
				       "1.5 s; the consumer did not wait on "
				       "FULL");
		}
		kill(p.pid, SIGCONT);
	}
	if (ex_wait(c, &p, 10000))
		return 1;
	if (strstr(p.err, "Interrupted system call") != NULL)
		return ex_fail(c,
			       "a semop that fails with EINTR called again: "
			       "Linux interrupts a waiting semop when its "
			       "process is stopped and continued "
			       "(signal(7))",
			       "after the check stopped and continued a "
			       "process, it printed on stderr:\n%s",
			       p.err);
	if (ex_expect_code(c, &p, 0))
		return 1;
	at = p.out;
	for (int k = 1; k <= 30; k++) {
		int times;

		snprintf(line, sizeof(line), ": item %d\n", k);
		if ((times = ex_count(p.out, line)) == 0)
			return ex_fail(c,
				       "the consumer to print items 1 to 30, "
				       "each once and in order",
				       "it never printed item %d", k);
		if (times > 1)
			return ex_fail(c,
				       "the consumer to print items 1 to 30, "
				       "each once and in order",
				       "it printed item %d %d times", k, times);
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c,
				       "the consumer to print items 1 to 30, "
				       "each once and in order",
				       "it printed item %d before item %d", k,
				       k - 1);
	}
	return 0;
}

static int
check_slot(struct ex_ctx *c)
{
	return check_slots(c, 9, 1);
}

static int
check_ring(struct ex_ctx *c)
{
	return check_slots(c, 10, 4);
}

const struct exercise sem_exercises[] = {
	{"sem_undo", "fix", "a lock stays taken when its holder is killed",
	 check_undo},
	{"sem_slot", "complete",
	 "the semop pair around a slot: wait, use it, post", check_slot},
	{"sem_ring", "extend",
	 "a ring of 4 slots, so that the producer can run ahead", check_ring},
	{0},
};
