/* fifo_reader.c - make a FIFO, wait for writers, print what they send.
 *
 * Makes a private directory with mkdtemp (mode 0700), the FIFO "fifo" in
 * it (mkfifo, mode 0600), and prints where: "listening on PATH", for the
 * writer cannot guess a random name (fifo_writer -p PATH; fifo.h says
 * why).  Then open(O_RDONLY) blocks until a writer opens the other end --
 * a FIFO's open is a rendezvous -- bounded by an alarm.  It prints every
 * message, checks each writer's come in order, and stops at end of file:
 * read() returns 0 once the last writer has closed its end.  At the end,
 * and on Ctrl-C or SIGTERM, it removes the FIFO, then the directory.
 *
 * With -n WRITERS above 1 it serves that many writers, like a server: it
 * holds a write end of its own (a dummy, never written), so that the gap
 * between two writers is not end of file.  With -p PATH the FIFO goes at
 * PATH, a well-known place in a private directory of the user's; a FIFO a
 * killed reader left there is replaced; only the FIFO is removed at the end.
 *
 * Why over 200 lines: the private directory, -p's directory checked and
 * used through a descriptor, several writers served in turn, and a FIFO
 * that a killed reader left replaced; fifo_minimal_reader.c is the bare
 * rendezvous.
 *
 *   $ build/bin/fifo_reader
 *   fifo_reader 4242: ... listening on /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo
 *   $ build/bin/fifo_writer -n 3 -p /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo
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
#include "proc.h"
#include "sweep.h"

#define MAX_WRITERS 64 /* writers whose order we track */

static const char usage[] =
	"usage: fifo_reader [-n WRITERS] [-t SECONDS] [-N NAME | -p PATH]\n"
	"Make a FIFO in a private directory and print what fifo_writer sends.\n"
	"  -n WRITERS  serve this many writers, keeping a dummy write end open\n"
	"              between them (default 1: read until end of file)\n"
	"  -t SECONDS  give up if no writer comes for this long (default 10)\n"
	"  -N NAME     FIFO in $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX/fifo, made\n"
	"              with mkdtemp (default fifo)\n"
	"  -p PATH     FIFO at PATH instead, in a directory that is yours and\n"
	"              private (mode 0700); a stale FIFO there is replaced\n"
	"  -h          show this help\n";

/* A writer we have heard from: the message we expect from it next, and
 * how many it sends.  It is done once next > total. */
struct writer {
	pid_t pid;
	unsigned long next, total;
};

static struct demo_opts opt = {FIFO_NAME, 1, 0, 10};
static const char *user_path; /* -p, or NULL: a directory of our own */
static char dir[FIFO_PATH_MAX], path[FIFO_PATH_MAX];
static int dir_reg = -1, path_reg; /* cleanup handles */
static int dir_fd = -1;		   /* the FIFO's directory, checked */
static const char *base;	   /* the FIFO's name in it */
static struct writer seen[MAX_WRITERS];
static int nseen;

/* Make the FIFO: in a new directory from mkdtemp, which nobody can have
 * made first; or with -p at the user's path, whose directory must be
 * private, and where a FIFO may be left by a reader that was killed.
 * Either way the directory is opened and checked once (fifo_dir_open),
 * and the FIFO is made, opened and removed only relative to it. */
static void
make_fifo(void)
{
	const char *why;
	int r;

	if (user_path == NULL) {
		/* What a reader of this name killed by SIGKILL left. */
		if (sweep_stale_dirs(opt.name, stdout) == -1)
			warn_errno("sweeping stale directories of %s",
				   opt.name);
		if (names_dir_template(dir, sizeof(dir), opt.name) == -1)
			die_errno("names_dir_template %s", opt.name);
		if (mkdtemp(dir) == NULL)
			die_errno("mkdtemp %s", dir);
		if ((dir_reg = cleanup_add_name(OBJ_DIR, dir)) == -1)
			die_errno("cleanup_add_name %s", dir);
		if (snprintf(path, sizeof(path), "%s/" FIFO_FILE, dir) >=
		    (int)sizeof(path))
			die("%s/" FIFO_FILE ": path too long", dir);
	} else if (snprintf(path, sizeof(path), "%s", user_path) >=
			   (int)sizeof(path) ||
		   fifo_dir_of(path, dir, sizeof(dir)) == -1) {
		die("-p: path too long");
	}
	base = fifo_base_of(path);
	if (base[0] == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0)
		die("-p %s: give the FIFO a name after the last '/'", path);
	if ((dir_fd = fifo_dir_open(dir, &why)) == -1)
		die("%s: %s; refusing to put a FIFO there", dir,
		    why != NULL ? why : strerror(errno));
	r = fifo_make_at(dir_fd, base);
	if (r == -1 && errno == EBUSY)
		die("%s is in use by a running fifo_reader", path);
	if (r == -1 && errno == EEXIST)
		die("mkfifo %s: something that is not a FIFO of yours is "
		    "there (EEXIST): not replacing it",
		    path);
	if (r == -1)
		die_errno("mkfifo %s", path);
	if ((path_reg = cleanup_add_at(OBJ_PATH, dir_fd, base)) == -1)
		die_errno("cleanup_add_at %s", path);
	if (r == 1)
		printf("fifo_reader %ld: %s existed (EEXIST) and nobody read it "
		       "(ENXIO): left by a reader that died; replaced it\n",
		       (long)getpid(), path);
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
	fd = openat(dir_fd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	err = errno;
	alarm(0);
	if (fd == -1 && err == EINTR)
		die("no writer in %lu s: run fifo_writer -p %s", opt.timeout_s,
		    path);
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

static void
other_opt(int o, char *val)
{
	(void)o; /* -p, the only one */
	if (val[0] == '\0') /* not ".", which is what its directory is */
		opts_usage_error(usage, "-p: an empty path names no file");
	user_path = val;
}

int
main(int argc, char **argv)
{
	unsigned long done = 0, msgs = 0;
	int fd, dummy = -1, last;
	const struct writer *w;
	struct fifo_msg msg;
	uint64_t idle_since;
	pid_t me = getpid();
	ssize_t n;

	opts_parse_more(&opt, "Nnt", "p:", other_opt, usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	make_fifo();
	printf("fifo_reader %ld: made the FIFO (0600) in %s; open() waits "
	       "for a writer; listening on %s\n",
	       (long)me, user_path ? "your directory" : "a new 0700 directory",
	       path);
	fd = open_for_reading();
	printf("fifo_reader %ld: a writer opened the other end: open() "
	       "returned\n",
	       (long)me);
	if (opt.count > 1) {
		/* We are a reader, so this open does not wait. */
		dummy = openat(dir_fd, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
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
	if (unlinkat(dir_fd, base, 0) == -1)
		die_errno("unlink %s", path);
	cleanup_forget(path_reg);
	if (user_path == NULL) { /* the directory too, if it is ours */
		if (rmdir(dir) == -1)
			die_errno("rmdir %s", dir);
		cleanup_forget(dir_reg);
	}
	printf("fifo_reader %ld: %lu messages from %d writer(s); removed %s%s\n",
	       (long)me, msgs, nseen, path,
	       user_path ? "" : " and its directory");
	return 0;
}
