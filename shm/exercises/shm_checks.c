/* shm_checks.c - the checks of shm/exercises/ (tools/exercise.h).
 *
 * Shared memory needs the most care, and so do its checks: a program that
 * merely passes on a quiet machine is not enough.  Each check upsets the
 * timing on purpose (a partner starts late or takes its time, a reader is
 * stopped for 1.5 s mid-run) so that a sleep in place of a semaphore
 * shows, and looks for the segment while the program runs, so that a
 * "fix" that no longer makes one shows too.  The timing only ever makes a
 * wrong program fail: a right one passes however slow the machine is.
 *
 * Never SIGSTOP a process that may wait in semop(2): on Linux its wait
 * fails with EINTR once it is continued (signal(7)), and the program,
 * right as it is, gives up.  So the check plays shm_semop's server itself,
 * and stops only shm_nosync's reader, which waits in sem_wait(3).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "exercise.h"

#define STOP_MS 1500 /* how long a side is stopped, or a partner late */

/* Whether process pid runs still (a zombie does not). */
static int
running(pid_t pid)
{
	char st = ex_state(pid);

	return st != 0 && st != 'Z';
}

/* Wait up to ms for shm_leak's server (pid) to make its System V segment
 * at key: 1 when it is there; 0 when it is not, and the server has ended
 * or has given FULL for message 1 all the same (then it writes somewhere
 * else), or ms have passed. */
static int
server_made_segment(key_t key, pid_t pid, unsigned ms)
{
	for (unsigned t = 0;; t += 20) {
		int semid = semget(key, 0, 0);
		int wrote = semid >= 0 && semctl(semid, 1, GETVAL) > 0;

		if (shmget(key, 0, 0) >= 0)
			return 1;
		if (wrote || !running(pid) || t >= ms)
			return 0;
		ex_sleep_ms(20);
	}
}

/* Stop process pid (not its group) for STOP_MS, then let it go on.  It
 * has really stopped when /proc says so ('T'), or it has already ended. */
static void
pause_process(pid_t pid)
{
	if (pid <= 0 || kill(pid, SIGSTOP) == -1)
		return;
	for (int t = 0; t < 2000 && running(pid) && ex_state(pid) != 'T';
	     t += 10)
		ex_sleep_ms(10);
	ex_sleep_ms(STOP_MS);
	kill(pid, SIGCONT);
}

/* out, as shown in a report: at most 12 lines, from 3 lines before at
 * (NULL: from the start). */
static const char *
shown(const char *out, const char *at)
{
	static char buf[640];
	const char *from = at != NULL ? at : out, *s;
	int lines = 0;

	for (int nl = 0; from > out; from--) /* back to 3 lines before */
		if (from[-1] == '\n' && ++nl == 4)
			break;
	for (s = from; *s != '\0' && lines < 12;)
		if (*s++ == '\n')
			lines++;
	if (*out == '\0')
		return "(nothing)";
	snprintf(buf, sizeof(buf), "%s%.*s%s", from > out ? "...\n" : "",
		 (int)(s - from), from, *s != '\0' ? "..." : "");
	return buf;
}

/* Unless p (the who) exited 0, ex_fail() with what it wrote on stderr. */
static int
expect_exit0(struct ex_ctx *c, const struct ex_proc *p, const char *who)
{
	char want[64];
	int code = ex_code(p);

	if (code == 0)
		return 0;
	snprintf(want, sizeof(want), "the %s to exit with status 0", who);
	if (code > 128)
		return ex_fail(
			c, want, "the %s was killed by signal %d (%s)%s%s", who,
			code - 128, strsignal(code - 128),
			*p->err ? "; it printed on stderr:\n" : "", p->err);
	return ex_fail(c, want, "the %s exited with status %d%s%s", who, code,
		       *p->err ? "; it printed on stderr:\n" : "", p->err);
}

/* who printed lines prefix + "message K" + rest for K = 1..n, each once
 * and in order, and no other line that begins with prefix. */
static int
expect_messages(struct ex_ctx *c, const char *who, const char *out,
		const char *prefix, const char *rest, int n)
{
	char line[128], want[160];
	const char *at = out, *prev = NULL;
	int lines = 0;

	snprintf(want, sizeof(want),
		 "the %s to print messages 1 to %d, each "
		 "once and in order",
		 who, n);
	for (const char *s = out; (s = strstr(s, prefix)) != NULL; s++)
		if (s == out || s[-1] == '\n')
			lines++;
	for (int k = 1; k <= n; k++) {
		int times;

		snprintf(line, sizeof(line), "%smessage %d%s", prefix, k, rest);
		times = ex_count(out, line);
		if (times == 0)
			return ex_fail(c, want,
				       "the %s never printed message "
				       "%d; it printed:\n%s",
				       who, k, shown(out, prev));
		if (times > 1)
			return ex_fail(c, want,
				       "the %s printed message %d %d "
				       "times; it printed:\n%s",
				       who, k, times,
				       shown(out, strstr(out, line)));
		if ((at = strstr(at, line)) == NULL)
			return ex_fail(c, want,
				       "the %s printed message %d "
				       "before message %d; it printed:\n%s",
				       who, k, k - 1, shown(out, prev));
		prev = at;
	}
	if (lines != n)
		return ex_fail(c, want,
			       "the %s printed %d lines, not %d: some "
			       "hold no whole message; it printed:\n%s",
			       who, lines, n, shown(out, NULL));
	return 0;
}

/* shm_leak: the server's segment is there while it runs, the client reads
 * all 5 messages, and once the server has exited the segment is gone. */
static int
check_leak(struct ex_ctx *c)
{
	static struct ex_proc server, client; /* freed after we return */
	key_t key = EX_KEY(0);
	char err[512], want[160];

	if (ex_start(c, &server, EX_PROG, NULL))
		return 1;
	if (!server_made_segment(key, server.pid, 5000)) {
		ex_output_now(&server, 1, err, sizeof(err));
		snprintf(want, sizeof(want),
			 "the server to make its segment "
			 "at key 0x%08x and keep it until the client has read "
			 "the last message",
			 (unsigned)key);
		return ex_fail(c, want,
			       "there was no segment at that key "
			       "(ipcs -m would show none)%s%s",
			       *err ? "; the server printed on stderr:\n" : "",
			       err);
	}
	if (ex_run(c, &client, 5000, "shm_minimal_client", "224", NULL))
		return 1;
	if (expect_exit0(c, &client, "client (shm_minimal_client 224)") ||
	    expect_messages(c, "client", client.out,
			    "read: ", " from the server\n", 5) ||
	    ex_wait(c, &server, 5000) || expect_exit0(c, &server, "server"))
		return 1;
	if (shmget(key, 0, 0) >= 0) {
		snprintf(want, sizeof(want),
			 "the server to remove its segment "
			 "(key 0x%08x) before it exits",
			 (unsigned)key);
		return ex_fail(c, want,
			       "after it exited, ipcs -m still shows "
			       "the segment at key 0x%08x (the check removed "
			       "it)",
			       (unsigned)key);
	}
	return 0;
}

/* The server's side of shm_minimal_server's protocol, played by the check
 * (so that it can take its time): the set's two semaphores, EMPTY and
 * FULL, and the segment of SEMOP_SIZE bytes, at the same key. */
#define SEMOP_SIZE 256
enum { SEMOP_EMPTY, SEMOP_FULL };
union semop_arg {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* Take EMPTY within ms: 0, or -1 (errno EAGAIN) when ms have passed, the
 * reader pid has ended, or it waits for FULL (the next message) without
 * having given EMPTY back: only the check takes EMPTY, so a reader that
 * was waiting before a failed take had given nothing back. */
static int
take_empty_within(int semid, unsigned ms, pid_t pid)
{
	struct sembuf b = {SEMOP_EMPTY, -1, IPC_NOWAIT};

	for (unsigned t = 0;; t += 10) {
		int waits = semctl(semid, SEMOP_FULL, GETNCNT) > 0;

		if (semop(semid, &b, 1) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (waits || t >= ms || !running(pid))
			return errno = EAGAIN, -1;
		ex_sleep_ms(10);
	}
}

/* Write the 5 messages for the reader as shm_minimal_server would, but
 * slowly where a reader that sleeps instead of waiting would show it:
 * message 2 comes STOP_MS after message 1.  Returns 0 when the reader
 * has given EMPTY back after message 5, else the number of the message
 * that EMPTY never came for (6: after message 5); -1 on an error. */
static int
serve_semop(int semid, char *mem, pid_t reader)
{
	for (int k = 1; k <= 6; k++) {
		if (take_empty_within(semid, 5000, reader) == -1)
			return errno == EAGAIN || errno == EINTR ? k : -1;
		if (k == 6)
			return 0;
		snprintf(mem, SEMOP_SIZE, "message %d from the server", k);
		if (semop(semid, &(struct sembuf){SEMOP_FULL, +1, 0}, 1) == -1)
			return -1;
		if (k == 1)
			ex_sleep_ms(STOP_MS);
	}
	return 0;
}

/* shm_semop: the check plays shm_minimal_server 226, slowly; the reader
 * prints each of the 5 messages once, in order, and gives EMPTY back. */
static int
check_semop(struct ex_ctx *c)
{
	static struct ex_proc reader; /* freed after we return */
	unsigned short init[2] = {[SEMOP_EMPTY] = 1, [SEMOP_FULL] = 0};
	key_t key = EX_KEY(2);
	int semid, shmid = -1, r = -1;
	char *mem = (void *)-1;

	if (ex_start(c, &reader, EX_PROG, NULL))
		return 1;
	ex_sleep_ms(STOP_MS); /* the server is late */
	semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
	if (semid == -1 ||
	    semctl(semid, 0, SETALL, (union semop_arg){.array = init}) == -1 ||
	    (shmid = shmget(key, SEMOP_SIZE, IPC_CREAT | IPC_EXCL | 0600)) ==
		    -1 ||
	    (mem = shmat(shmid, NULL, 0)) == (void *)-1)
		r = ex_fail(c, "a check that can run",
			    "making the server's "
			    "objects at key 0x%08x: %s",
			    (unsigned)key, strerror(errno));
	else if ((r = serve_semop(semid, mem, reader.pid)) == -1)
		ex_fail(c, "a check that can run", "semop: %s",
			strerror(errno));
	if (mem != (void *)-1)
		shmdt(mem);
	if (shmid != -1)
		shmctl(shmid, IPC_RMID, NULL);
	if (semid != -1)
		semctl(semid, 0, IPC_RMID);
	if (ex_wait(c, &reader, 5000))
		return 1;
	/* A reader that never gave EMPTY back fails when the server gives
	 * up: the server's side of it says more. */
	if (ex_code(&reader) == 0 &&
	    expect_messages(c, "reader", reader.out,
			    "read: ", " from the server\n", 5))
		return 1;
	if (r > 0)
		return ex_fail(c,
			       "the reader to give EMPTY back after each "
			       "message, so that the server may write the "
			       "next (and, after message 5, end)",
			       "the server never got EMPTY back after message "
			       "%d",
			       r - 1);
	return r ? 1 : expect_exit0(c, &reader, "reader");
}

/* shm_nosync: 2000 messages through one slot, the reader (the parent the
 * check started) stopped for STOP_MS after its first line: a writer that
 * does not wait for EMPTY, or sleeps instead, overwrites unread ones. */
static int
check_nosync(struct ex_ctx *c)
{
	static struct ex_proc p; /* freed after we return */

	if (ex_start(c, &p, EX_PROG, "2000", NULL))
		return 1;
	if (ex_wait_output(&p, "read: ", 5000) == 0)
		pause_process(p.pid); /* a right one may be done by now */
	if (ex_wait(c, &p, 10000) || expect_exit0(c, &p, "program"))
		return 1;
	return expect_messages(c, "reader", p.out, "read: ", "\n", 2000);
}

/* Wait up to ms for shm_ring's writer w to say "wrote message n": 1 when
 * it has; 0 when it has not, and waits for EMPTY already (it prints each
 * line before its next wait, so the line would be there), or ms passed. */
static int
writer_fills(struct ex_proc *w, int n, unsigned ms)
{
	char line[64];

	snprintf(line, sizeof(line), "wrote message %d\n", n);
	for (unsigned t = 0;; t += 20) {
		int semid = semget(EX_KEY(3), 0, 0);
		int waits = semid >= 0 && semctl(semid, 0, GETNCNT) > 0;

		if (ex_wait_output(w, line, 0) == 0)
			return 1;
		if (waits || t >= ms)
			return 0;
		ex_sleep_ms(20);
	}
}

/* shm_ring: run 1, 40 messages, the reader late (after the writer has
 * written 8, and 0.5 s more): the writer writes 8 with no reader, then
 * waits, and the reader gets all 40 in order.  Run
 * 2, 5 messages, fewer than the slots: the writer still waits for the
 * reader before it removes anything. */
static int
check_ring(struct ex_ctx *c)
{
	static struct ex_proc w1, r1, w2, r2; /* freed after we return */
	char out[4096];
	int wrote;

	if (ex_start(c, &w1, EX_PROG, "write", "40", NULL))
		return 1;
	if (!writer_fills(&w1, 8, 5000)) {
		ex_output_now(&w1, 0, out, sizeof(out));
		return ex_fail(c,
			       "with no reader yet, the writer to fill the "
			       "8 slots (\"wrote message 8\"), then wait",
			       "it wrote %d, then waited: is it still one "
			       "slot?",
			       ex_count(out, "wrote message"));
	}
	ex_sleep_ms(500); /* time to go too far, if it does */
	ex_output_now(&w1, 0, out, sizeof(out));
	if ((wrote = ex_count(out, "wrote message")) > 8)
		return ex_fail(c,
			       "with no reader yet, the writer to write 8 "
			       "messages, one per slot, then wait",
			       "it wrote %d: it overwrote messages no one had "
			       "read",
			       wrote);
	if (ex_run(c, &r1, 5000, EX_PROG, "read", "40", NULL) ||
	    expect_exit0(c, &r1, "reader") ||
	    expect_messages(c, "reader", r1.out, "read: ", "\n", 40) ||
	    ex_wait(c, &w1, 5000) || expect_exit0(c, &w1, "writer"))
		return 1;

	if (ex_start(c, &w2, EX_PROG, "write", "5", NULL))
		return 1;
	if (ex_wait_output(&w2, "wrote message 5\n", 5000)) {
		ex_output_now(&w2, 0, out, sizeof(out));
		return ex_fail(c,
			       "with no reader yet, the writer of 5 "
			       "messages to write all 5 into its 8 slots",
			       "in 5 s it wrote %d, then waited",
			       ex_count(out, "wrote message"));
	}
	ex_sleep_ms(500);
	if (shmget(EX_KEY(3), 0, 0) < 0)
		return ex_fail(c,
			       "a writer of 5 messages to wait until the "
			       "reader has read all 5 before it removes its "
			       "segment and semaphores",
			       "it removed them "
			       "before any reader came: its last wait must be "
			       "for every slot to be empty, not for one");
	if (ex_run(c, &r2, 5000, EX_PROG, "read", "5", NULL) ||
	    expect_exit0(c, &r2, "reader") ||
	    expect_messages(c, "reader", r2.out, "read: ", "\n", 5) ||
	    ex_wait(c, &w2, 5000))
		return 1;
	return expect_exit0(c, &w2, "writer");
}

/* In the order a learner should do them. */
const struct exercise shm_exercises[] = {
	{"shm_leak", "fix", "every run leaves its segment behind", check_leak},
	{"shm_semop", "complete",
	 "the semop pair around the slot, in the "
	 "reader",
	 check_semop},
	{"shm_nosync", "fix", "the reader sees some messages twice",
	 check_nosync},
	{"shm_ring", "extend", "a ring of 8 slots instead of one", check_ring},
	{0},
};
