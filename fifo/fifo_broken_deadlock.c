/* fifo_broken_deadlock.c - two FIFOs opened in opposite orders: stuck in open().
 *
 * Wrong on purpose.  Two processes want to talk both ways, so they use two
 * FIFOs: "ping" carries A's words to B, "pong" B's to A.  Each side opens
 * the FIFO it reads first, then the one it writes:
 *
 *   A: open(pong, O_RDONLY)  ...then open(ping, O_WRONLY)
 *   B: open(ping, O_RDONLY)  ...then open(pong, O_WRONLY)
 *
 * A FIFO's blocking open() for reading returns only once some process has
 * opened it for writing (fifo(7)).  The only writer pong will ever have is
 * B, after B's first open returns; the only writer of ping is A, after
 * A's.  So each first open waits for the other's second: a deadlock, in
 * open(), before a single byte is sent.  /proc/PID/wchan shows both asleep
 * in the kernel's wait_for_partner.  The fix is one swap: open the FIFOs
 * in the same order on both sides (A opens ping for writing first, as B
 * opens it for reading), so that every open() has its partner coming.
 *
 * So that the demo ends, the parent is a watchdog: it gives the children
 * -t SECONDS, then says where each is stuck, kills them and removes the
 * FIFOs and their directory (mkdtemp, mode 0700; the FIFOs 0600).  Each
 * child also arms an alarm, in case the parent is gone before it can.
 * The program exits 0: the deadlock is the expected result.
 *
 *   $ build/bin/fifo_broken_deadlock
 *   fifo_broken_deadlock 4242: made ping and pong in /tmp/ipclab-1000-fifo-deadlock.k3Xz9a
 *   fifo_broken_deadlock A 4243: open pong for reading: waiting for a writer
 *   fifo_broken_deadlock B 4244: open ping for reading: waiting for a writer
 *   fifo_broken_deadlock 4242: after 2.0 s, A 4243 is still in open() (wchan wait_for_partner)
 *   ...
 *   fifo_broken_deadlock 4242: deadlock: ...
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "err.h"
#include "names.h"
#include "opts.h"

#define DL_PATH_MAX 4096

static const char usage[] =
	"usage: fifo_broken_deadlock [-t SECONDS] [-N NAME]\n"
	"Two processes open two FIFOs in opposite orders and wait in open()\n"
	"for each other forever; a watchdog ends them.  (Wrong on purpose.)\n"
	"  -t SECONDS  how long the watchdog waits (default 2)\n"
	"  -N NAME     FIFOs in $TMPDIR/ipclab-<uid>-NAME.XXXXXX (default\n"
	"              fifo-deadlock)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"fifo-deadlock", 1, 0, 2};
static char dir[DL_PATH_MAX], ping[DL_PATH_MAX + 8], pong[DL_PATH_MAX + 8];

/* One side: open the FIFO it reads, then the one it writes; say hello
 * and read the other's.  Only the opening order is wrong. */
static _Noreturn void
side(const char *me, const char *in, const char *out)
{
	char msg[32] = "", got[32];
	int rfd, wfd;

	alarm((unsigned)opt.timeout_s + 5); /* if the watchdog is gone */
	printf("fifo_broken_deadlock %s %ld: open %s for reading: waiting for "
	       "a writer\n",
	       me, (long)getpid(), strrchr(in, '/') + 1);
	rfd = open(in, O_RDONLY); /* THE BUG: on one side, this goes second */
	if (rfd == -1)
		die_errno("%s: open %s", me, in);
	wfd = open(out, O_WRONLY);
	if (wfd == -1)
		die_errno("%s: open %s", me, out);
	snprintf(msg, sizeof(msg), "hello from %s", me);
	if (write(wfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg) ||
	    read(rfd, got, sizeof(got)) != (ssize_t)sizeof(got))
		die_errno("%s: write or read", me);
	printf("fifo_broken_deadlock %s %ld: got \"%.*s\"\n", me,
	       (long)getpid(), (int)sizeof(got), got);
	exit(0);
}

/* Make a FIFO at path, mode 0600, registered for removal; returns the
 * registry's handle. */
static int
make_fifo(const char *path)
{
	int reg;

	if (mkfifo(path, 0600) == -1)
		die_errno("mkfifo %s", path);
	if ((reg = cleanup_add_name(OBJ_PATH, path)) == -1)
		die_errno("cleanup_add_name %s", path);
	return reg;
}

/* Remove path (or directory), and forget its registration. */
static void
remove_now(const char *path, int reg, int is_dir)
{
	if ((is_dir ? rmdir(path) : unlink(path)) == -1)
		die_errno("%s %s", is_dir ? "rmdir" : "unlink", path);
	cleanup_forget(reg);
}

/* What the kernel says pid sleeps in, from /proc/PID/wchan, into buf. */
static const char *
wchan(pid_t pid, char *buf, size_t size)
{
	char file[64];
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%ld/wchan", (long)pid);
	snprintf(buf, size, "?");
	if ((f = fopen(file, "r")) != NULL) {
		if (fgets(buf, (int)size, f) == NULL || buf[0] == '\0')
			snprintf(buf, size, "?");
		fclose(f);
	}
	return buf;
}

int
main(int argc, char **argv)
{
	const char *names[2] = {"A", "B"}, *waits[2] = {"pong", "ping"};
	pid_t kids[2], me = getpid();
	int status, done = 0, dir_reg, ping_reg, pong_reg;
	uint64_t t0, deadline;
	char where[64];

	opts_parse(&opt, "tN", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (names_dir_template(dir, sizeof(dir), opt.name) == -1)
		die_errno("names_dir_template %s", opt.name);
	if (mkdtemp(dir) == NULL) /* 0700, a name nobody can take first */
		die_errno("mkdtemp %s", dir);
	if ((dir_reg = cleanup_add_name(OBJ_DIR, dir)) == -1)
		die_errno("cleanup_add_name %s", dir);
	snprintf(ping, sizeof(ping), "%s/ping", dir);
	snprintf(pong, sizeof(pong), "%s/pong", dir);
	ping_reg = make_fifo(ping);
	pong_reg = make_fifo(pong);
	printf("fifo_broken_deadlock %ld: made ping and pong in %s\n", (long)me,
	       dir);

	for (int i = 0; i < 2; i++) {
		if ((kids[i] = fork()) == -1)
			die_errno("fork");
		if (kids[i] == 0 && i == 0)
			side("A", pong, ping); /* A reads pong, writes ping */
		if (kids[i] == 0)
			side("B", ping, pong); /* B reads ping, writes pong */
	}

	/* The watchdog: both children ending would mean no deadlock. */
	t0 = clock_ns();
	deadline = t0 + opt.timeout_s * NS_PER_S;
	while (done < 2 && clock_ns() < deadline) {
		for (int i = 0; i < 2; i++)
			if (kids[i] > 0 &&
			    waitpid(kids[i], &status, WNOHANG) == kids[i]) {
				kids[i] = 0;
				done++;
			}
		sleep_ms(20);
	}
	for (int i = 0; i < 2; i++) {
		if (kids[i] <= 0)
			continue;
		printf("fifo_broken_deadlock %ld: after %.1f s, %s %ld is still "
		       "in open() of %s (wchan %s)\n",
		       (long)me, (double)(clock_ns() - t0) / NS_PER_S, names[i],
		       (long)kids[i], waits[i],
		       wchan(kids[i], where, sizeof(where)));
		kill(kids[i], SIGKILL);
		if (waitpid(kids[i], &status, 0) == -1)
			die_errno("waitpid %ld", (long)kids[i]);
	}
	remove_now(ping, ping_reg, 0); /* the FIFOs, then their directory */
	remove_now(pong, pong_reg, 0);
	remove_now(dir, dir_reg, 1);
	if (done > 0)
		die("%d of the children finished: no deadlock this time?",
		    done);
	printf("fifo_broken_deadlock %ld: deadlock: each open() waits for the "
	       "other's second open; killed both, removed ping, pong and %s\n",
	       (long)me, dir);
	printf("fifo_broken_deadlock %ld: the fix: open the FIFOs in the same "
	       "order on both sides (A opens ping first, for writing)\n",
	       (long)me);
	return 0;
}
