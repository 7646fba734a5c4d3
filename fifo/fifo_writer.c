/* fifo_writer.c - send messages to fifo_reader through its FIFO.
 *
 * Is told where the FIFO is (-p PATH: the path fifo_reader printed, or the
 * well-known one it was given), checks that its directory is private
 * (fifo.h: a real directory, ours, no access for others), then opens the
 * FIFO for writing with O_NONBLOCK.  A plain open would sleep until a
 * reader came; with O_NONBLOCK, when nobody has the FIFO open for
 * reading, it fails at once with ENXIO, and the writer tries again every
 * 50 ms, up to -t seconds (ENOENT, no FIFO yet, likewise).  Once open it
 * clears O_NONBLOCK, so that a full FIFO makes write() wait rather than
 * fail with EAGAIN, and sends COUNT messages, each one write() of 88
 * bytes: less than PIPE_BUF, so atomic, never mixed with another
 * writer's.  Closing its end is how it says "done": the reader sees end
 * of file.
 *
 * It creates nothing, so it removes nothing -- unless its reader dies:
 * then write() fails with EPIPE (SIGPIPE is ignored), and if nobody reads
 * the FIFO any more (ENXIO again) it removes the dead reader's FIFO, and
 * the directory too if the reader had made it, and exits 1.
 *
 *   $ build/bin/fifo_reader &
 *   fifo_reader 4242: ... listening on /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo
 *   $ build/bin/fifo_writer -n 3 -p /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo
 *   fifo_writer 4243: opened /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo for writing; sending 3 messages
 *   fifo_writer 4243: sent #1
 *   ...
 *   fifo_writer 4243: done; closed my end: the reader sees end of file
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "fifo.h"
#include "io.h"
#include "opts.h"

static const char usage[] =
	"usage: fifo_writer -p PATH [-n COUNT] [-i MS] [-t SECONDS]\n"
	"Send COUNT messages to fifo_reader through its FIFO.\n"
	"  -p PATH     the FIFO: the path fifo_reader printed\n"
	"  -n COUNT    messages to send (default 10)\n"
	"  -i MS       pause between messages, to watch (default 100)\n"
	"  -t SECONDS  give up if no reader comes for this long (default 10)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {FIFO_NAME, 10, 100, 10};
static const char *path; /* -p */
static char dir[FIFO_PATH_MAX];

/* close(fd), keeping errno. */
static void
close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* Open the FIFO for writing once a reader has it open for reading. */
static int
open_for_writing(void)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	int fd, said = 0, flags;
	const char *why;
	struct stat st;

	for (;;) {
		int dfd = fifo_dir_open(dir, &why);

		if (dfd != -1) {
			/* Relative to the directory checked, never a link. */
			fd = openat(dfd, fifo_base_of(path),
				    O_WRONLY | O_NONBLOCK | O_NOFOLLOW |
					    O_CLOEXEC);
			close_keep_errno(dfd);
			if (fd != -1)
				break;
		} else if (errno == EPERM) {
			die("%s: %s; not sending anything there", dir, why);
		}
		if (errno != ENOENT && errno != ENXIO)
			die_errno("open %s", path);
		if (said != errno) { /* once for each reason */
			said = errno;
			printf("fifo_writer %ld: open O_WRONLY|O_NONBLOCK: %s "
			       "(%s): %s; trying again\n",
			       (long)getpid(), strerror(errno),
			       errno_name(errno),
			       errno == ENXIO ? "the FIFO is there, but nobody "
						"reads it"
					      : "no FIFO yet");
		}
		if (clock_ns() > deadline)
			die("no reader in %lu s: is fifo_reader running? "
			    "give -p the path it printed",
			    opt.timeout_s);
		sleep_ms(50);
	}
	if (fstat(fd, &st) == -1)
		die_errno("fstat %s", path);
	if (!S_ISFIFO(st.st_mode))
		die("%s is not a FIFO", path);
	/* From now on, a full FIFO means wait, as with a plain open. */
	flags = fcntl(fd, F_GETFL);
	if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		die_errno("fcntl %s", path);
	return fd;
}

/* write() said EPIPE: nobody reads any more.  If the reader died without
 * removing its FIFO (SIGKILL), nobody else will: remove it, and its
 * directory if the reader made it (fifo_dir_is_temp; not a -p one).  Only
 * a FIFO of ours, in the directory checked again (fifo_dir_open), and by
 * unlinkat() relative to it: never through a link. */
static _Noreturn void
reader_gone(int fd, unsigned long seq)
{
	const char *why, *base = fifo_base_of(path);
	struct stat st, dst, now;
	int dfd;

	close(fd);
	dfd = fifo_dir_open(dir, &why);
	/* ENXIO: still there, nobody reads it.  A new reader's, leave. */
	if (dfd != -1 && fstat(dfd, &dst) == 0 &&
	    fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISFIFO(st.st_mode) && st.st_uid == geteuid() &&
	    fifo_has_reader_at(dfd, base) == 0 && unlinkat(dfd, base, 0) == 0) {
		/* rmdir by path: only if the name still leads to the very
		 * directory checked (rmdir never follows a symlink). */
		if (fifo_dir_is_temp(dir) && lstat(dir, &now) == 0 &&
		    now.st_dev == dst.st_dev && now.st_ino == dst.st_ino &&
		    rmdir(dir) == 0)
			die("write #%lu: the reader went away (EPIPE) without "
			    "cleaning up; removed %s and its directory",
			    seq, path);
		die("write #%lu: the reader went away (EPIPE) without "
		    "cleaning up; removed %s",
		    seq, path);
	}
	die("write #%lu: the reader went away (EPIPE)", seq);
}

static void
other_opt(int o, char *val)
{
	(void)o; /* -p, the only one */
	if (val[0] == '\0') /* not ".", which is what its directory is */
		opts_usage_error(usage, "-p: an empty path names no file");
	path = val;
}

int
main(int argc, char **argv)
{
	struct fifo_msg msg = {0};
	pid_t me = getpid();
	int fd;

	opts_parse_more(&opt, "nit", "p:", other_opt, usage, argc, argv);
	if (path == NULL)
		opts_usage_error(usage, "give -p PATH, the path of the FIFO "
					"(fifo_reader prints it)");
	if (fifo_dir_of(path, dir, sizeof(dir)) == -1)
		opts_usage_error(usage, "-p: path too long");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) /* EPIPE instead of death */
		die_errno("signal SIGPIPE");

	fd = open_for_writing();
	printf("fifo_writer %ld: opened %s for writing; sending %lu messages\n",
	       (long)me, path, opt.count);
	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		msg.writer = me;
		msg.seq = seq;
		msg.total = opt.count;
		snprintf(msg.text, sizeof(msg.text), "hello %lu from %ld", seq,
			 (long)me);
		if (write_full(fd, &msg, sizeof(msg)) == -1) {
			if (errno == EPIPE)
				reader_gone(fd, seq);
			die_errno("write #%lu to %s", seq, path);
		}
		printf("fifo_writer %ld: sent #%lu\n", (long)me, seq);
		if (seq < opt.count)
			sleep_ms((unsigned)opt.interval_ms);
	}
	if (close(fd) == -1)
		die_errno("close %s", path);
	printf("fifo_writer %ld: done; closed my end: the reader sees end of "
	       "file\n",
	       (long)me);
	return 0;
}
