/* fifo_reader.c - make a FIFO, wait for writers, print what they send.
 *
 * Creates the private directory $TMPDIR/ipclab-<uid>-<name> (mode 0700)
 * and the FIFO "fifo" in it (mkfifo, mode 0600); see fifo.h for why there.
 * A FIFO left by a reader that was killed is found (EEXIST), tested (nobody
 * reads it: ENXIO) and replaced.  Then open(O_RDONLY) blocks until a
 * writer opens the other end -- a FIFO's open is a rendezvous -- bounded by
 * an alarm.  It prints every message, checks each writer's are in order,
 * and stops at end of file: read() returns 0 once the last writer has
 * closed its end.  At the end, and on Ctrl-C or SIGTERM, it removes the
 * FIFO and then the directory (the cleanup registry: directory registered
 * first, FIFO second, so the FIFO goes first).
 *
 * With -n WRITERS above 1 it serves that many writers, one after another,
 * like a server: it opens a write end of its own (a dummy, never written),
 * so that the gap between two writers is not end of file.  Then end of
 * file never comes, and a writer that dies is noticed by its pid instead.
 *
 *   $ build/bin/fifo_reader &
 *   fifo_reader 4242: made /tmp/ipclab-1000-fifo/fifo; open() waits for a writer
 *   $ build/bin/fifo_writer -n 3
 *   fifo_reader 4242: #1/3 from writer 4243: "hello 1 from 4243"
 *   ...
 *   fifo_reader 4242: end of file: the last writer closed its end
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "err.h"
#include "fifo.h"
#include "io.h"
#include "opts.h"
#include "sweep.h"

#define MAX_WRITERS 64 /* writers whose order we track */

static const char usage[] =
	"usage: fifo_reader [-n WRITERS] [-t SECONDS] [-N NAME]\n"
	"Make a FIFO in a private directory and print what fifo_writer sends.\n"
	"  -n WRITERS  serve this many writers, keeping a dummy write end open\n"
	"              between them (default 1: read until end of file)\n"
	"  -t SECONDS  give up if no writer comes for this long (default 10)\n"
	"  -N NAME     use $TMPDIR/ipclab-<uid>-NAME/fifo (default fifo)\n"
	"  -h          show this help\n";

/* A writer we have heard from: the message we expect from it next, and
 * how many it sends.  It is done once next > total. */
struct writer {
	pid_t pid;
	unsigned long next, total;
};

static struct demo_opts opt = {FIFO_NAME, 1, 0, 10};
static char dir[NAMES_FULL_MAX + 256], path[NAMES_FULL_MAX + 300];
static struct writer seen[MAX_WRITERS];
static int nseen;

/* The private directory: made now, or left by an earlier run and ours. */
static int
make_dir(void)
{
	const char *why;
	int reg;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		die_errno("mkdir %s", dir);
	if (fifo_dir_check(dir, &why) == -1)
		die("%s: %s; refusing to put a FIFO there", dir,
		    why != NULL ? why : strerror(errno));
	reg = cleanup_add_name(OBJ_DIR, dir);
	if (reg == -1)
		die_errno("cleanup_add_name %s", dir);
	return reg;
}

/* The FIFO.  EEXIST means a reader runs, or one died and left it: an
 * O_NONBLOCK open for writing tells which (ENXIO: nobody reads it). */
static int
make_fifo(void)
{
	struct stat st;
	int fd, reg;

	for (int tries = 0; mkfifo(path, 0600) == -1; tries++) {
		if (errno != EEXIST || tries == 3)
			die_errno("mkfifo %s", path);
		if (lstat(path, &st) == -1)
			continue; /* just removed: try again */
		if (!S_ISFIFO(st.st_mode))
			die("%s exists and is not a FIFO", path);
		fd = open(path, O_WRONLY | O_NONBLOCK);
		if (fd != -1) {
			close(fd);
			die("%s (-N %s) is in use by a running fifo_reader; "
			    "pick another -N",
			    path, opt.name);
		}
		if (errno != ENXIO)
			die_errno("open %s to test it", path);
		printf("fifo_reader %ld: %s exists (EEXIST) and nobody reads "
		       "it (ENXIO): left by a reader that died; removing it\n",
		       (long)getpid(), path);
		if (unlink(path) == -1 && errno != ENOENT)
			die_errno("unlink stale %s", path);
	}
	reg = cleanup_add_name(OBJ_PATH, path);
	if (reg == -1)
		die_errno("cleanup_add_name %s", path);
	return reg;
}

static void
on_alarm(int sig)
{
	(void)sig; /* only here to interrupt open() with EINTR */
}

/* open(O_RDONLY) sleeps until some process opens the FIFO for writing.
 * An alarm bounds the wait: with no SA_RESTART, it makes open() fail with
 * EINTR. */
static int
open_for_reading(void)
{
	struct sigaction sa = {0};
	int fd, err;

	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		die_errno("sigaction SIGALRM");
	alarm((unsigned)opt.timeout_s);
	fd = open(path, O_RDONLY);
	err = errno;
	alarm(0);
	if (fd == -1 && err == EINTR)
		die("no writer in %lu s: run fifo_writer -N %s", opt.timeout_s,
		    opt.name);
	if (fd == -1) {
		errno = err;
		die_errno("open %s", path);
	}
	return fd;
}

/* Check msg against what its writer sent before; returns 1 if it was
 * that writer's last. */
static int
note(const struct fifo_msg *msg)
{
	int i;

	for (i = 0; i < nseen && seen[i].pid != msg->writer; i++)
		;
	if (i == nseen && nseen == MAX_WRITERS)
		die("more than %d writers", MAX_WRITERS);
	if (i == nseen)
		seen[nseen++] = (struct writer){msg->writer, 1, msg->total};
	if (msg->seq != seen[i].next)
		die("writer %ld: expected #%lu, got #%lu", (long)msg->writer,
		    seen[i].next, msg->seq);
	return seen[i].next++ == seen[i].total;
}

/* A writer we have heard from that has not sent its last message, and
 * (if dead_only) has died; or NULL. */
static const struct writer *
unfinished(int dead_only)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i].next <= seen[i].total &&
		    (!dead_only || !pid_alive(seen[i].pid)))
			return &seen[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	unsigned long done = 0, msgs = 0;
	int dir_reg, path_reg, fd, dummy = -1, last;
	const struct writer *w;
	struct fifo_msg msg;
	uint64_t idle_since;
	pid_t me = getpid();
	ssize_t n;

	opts_parse(&opt, "Nnt", usage, argc, argv);
	if (fifo_paths(dir, sizeof(dir), path, sizeof(path), opt.name) == -1)
		die_errno("fifo_paths %s", opt.name);
	setvbuf(stdout, NULL, _IOLBF, 0);

	dir_reg = make_dir();
	path_reg = make_fifo();
	printf("fifo_reader %ld: made %s (0600, in a 0700 directory); open() "
	       "waits for a writer\n",
	       (long)me, path);
	fd = open_for_reading();
	printf("fifo_reader %ld: a writer opened the other end: open() "
	       "returned\n",
	       (long)me);
	if (opt.count > 1) {
		/* We are a reader, so this open does not wait. */
		dummy = open(path, O_WRONLY);
		if (dummy == -1)
			die_errno("open %s for writing", path);
		printf("fifo_reader %ld: holding a write end myself, so no end "
		       "of file between writers; serving %lu\n",
		       (long)me, opt.count);
	}

	idle_since = clock_ns();
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, FIFO_POLL_MS);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die_errno("poll %s", path);
		if (r == 0) { /* quiet: is a writer dead, or none coming? */
			if ((w = unfinished(1)) != NULL)
				die("writer %ld went away after #%lu/%lu",
				    (long)w->pid, w->next - 1, w->total);
			if (unfinished(0) == NULL &&
			    clock_ns() - idle_since > opt.timeout_s * NS_PER_S)
				die("no next writer in %lu s", opt.timeout_s);
			continue;
		}
		n = read_full(fd, &msg, sizeof(msg));
		if (n == -1)
			die_errno("read %s", path);
		if (n == 0 && (w = unfinished(0)) != NULL) /* gone too soon */
			die("end of file: writer %ld went away after #%lu/%lu",
			    (long)w->pid, w->next - 1, w->total);
		if (n == 0 && nseen == 0) {
			/* Opened and closed, not a word: someone only looked
			 * (another fifo_reader testing for EEXIST, say).  Its
			 * open woke ours; wait for a real writer. */
			printf("fifo_reader %ld: end of file before any "
			       "message: a writer came and went; waiting again\n",
			       (long)me);
			if (close(fd) == -1)
				die_errno("close %s", path);
			fd = open_for_reading();
			continue;
		}
		if (n == 0)
			break;
		if (n != (ssize_t)sizeof(msg)) /* writes are atomic: never */
			die("end of file in the middle of a message");

		last = note(&msg); /* dies if it is out of order */
		msgs++;
		printf("fifo_reader %ld: #%lu/%lu from writer %ld: \"%.*s\"\n",
		       (long)me, msg.seq, msg.total, (long)msg.writer,
		       FIFO_TEXT_MAX, msg.text);
		if (last) { /* that writer is done */
			idle_since = clock_ns();
			if (++done == opt.count && dummy != -1)
				break; /* end of file would never come */
		}
	}
	if (dummy == -1)
		printf("fifo_reader %ld: end of file: the last writer closed "
		       "its end\n",
		       (long)me);

	if (close(fd) == -1 || (dummy != -1 && close(dummy) == -1))
		die_errno("close %s", path);
	if (unlink(path) == -1)
		die_errno("unlink %s", path);
	cleanup_forget(path_reg);
	if (rmdir(dir) == -1)
		die_errno("rmdir %s", dir);
	cleanup_forget(dir_reg);
	printf("fifo_reader %ld: %lu messages from %d writer(s); removed %s and "
	       "its directory\n",
	       (long)me, msgs, nseen, path);
	return 0;
}
