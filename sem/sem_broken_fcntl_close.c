/* sem_broken_fcntl_close.c - a fcntl record lock lost to an innocent
 * close(), on purpose: the classic trap of POSIX locks.
 *
 * A fcntl(2) record lock (F_SETLK) belongs to the process, not to the
 * descriptor it was taken on, and "if a process closes any file
 * descriptor referring to a file, then all of the process's locks on that
 * file are released" (fcntl(2)).  So a program that locks a file, then
 * calls some helper which opens the same file, looks at it and closes
 * it, has lost its lock without a word: it still believes it holds it.
 *
 * Here, in a private directory (mkdtemp, mode 0700), the child (A) makes
 * a file (O_EXCL, mode 0600), write-locks all of it with F_SETLK, and
 * tells the parent (B).  B asks F_GETLK (who holds it?) and tries
 * F_SETLK: held by A, EAGAIN.  Then A calls file_size(), which opens the
 * file by its path, fstat()s and closes it; A never unlocks.  B asks
 * again: nobody holds it, and B's F_SETLK is granted.  Two processes now
 * each believe they hold the one exclusive lock.  The fixes: an OFD lock
 * (F_OFD_SETLK), which belongs to the open file description and goes only
 * with its last descriptor, or flock(2); sem_flock_kinds compares them.
 * Every wait is bounded by -t; the file and directory are removed.
 *
 *   $ build/bin/sem_broken_fcntl_close
 *   sem_broken_fcntl_close 4243: A: F_SETLK granted on /tmp/ipclab-1000-sem-broken-fcntl.4242.Zx81qa/data
 *   sem_broken_fcntl_close 4242: B: F_GETLK: write-locked by pid 4243; F_SETLK: EAGAIN
 *   sem_broken_fcntl_close 4243: A: file_size() opened and closed the file: 0 bytes
 *   sem_broken_fcntl_close 4242: B: F_GETLK: unlocked; F_SETLK: granted
 *   sem_broken_fcntl_close: A never unlocked, yet B holds the lock too
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "err.h"
#include "io.h"
#include "names.h"
#include "opts.h"

static const char usage[] =
	"usage: sem_broken_fcntl_close [-N NAME] [-t SECONDS]\n"
	"Broken on purpose: a fcntl record lock dropped by closing another\n"
	"descriptor of the same file.\n"
	"  -N NAME     file in $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX (default "
	"sem-broken-fcntl)\n"
	"  -t SECONDS  give up when the other side does not answer this long "
	"(default 10)\n"
	"  -h          show this help\n";

static char path[PATH_MAX];
static unsigned long timeout_s;

/* The innocent helper: how big is the file?  Its close() is the trap. */
static long
file_size(const char *p)
{
	struct stat st;
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd == -1 || fstat(fd, &st) == -1)
		die_errno("file_size %s", p);
	close(fd); /* drops every fcntl lock this process holds on p */
	return (long)st.st_size;
}

/* Wait for one byte on fd, timeout_s at most; at end of file, die unless
 * eof_ok. */
static void
hear(int fd, const char *from, int eof_ok)
{
	char c;
	int n;

	if ((n = wait_readable(fd, timeout_s * 1000)) == -1)
		die_errno("poll");
	if (n == 0)
		die("no word from %s for %lu s", from, timeout_s);
	if (read(fd, &c, 1) != 1 && !eof_ok)
		die("%s has gone", from);
}

static void
say(int fd)
{
	if (write(fd, "x", 1) != 1)
		die_errno("write pipe");
}

/* B: who holds the lock, then try to take it; returns 1 if granted. */
static int
ask(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int granted;

	if (fcntl(fd, F_GETLK, &fl) == -1)
		die_errno("fcntl F_GETLK %s", path);
	if (fl.l_type == F_UNLCK)
		printf("sem_broken_fcntl_close %ld: B: F_GETLK: unlocked; ",
		       (long)getpid());
	else
		printf("sem_broken_fcntl_close %ld: B: F_GETLK: write-locked "
		       "by pid %ld; ",
		       (long)getpid(), (long)fl.l_pid);
	fl = (struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET};
	granted = fcntl(fd, F_SETLK, &fl) == 0;
	if (!granted && errno != EAGAIN && errno != EACCES)
		die_errno("fcntl F_SETLK %s", path);
	printf("F_SETLK: %s\n", granted ? "granted" : "EAGAIN");
	return granted;
}

/* A: lock, tell B, wait, peek at the size, tell B, wait for the end. */
static _Noreturn void
child(int in, int out)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET}; /* all */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd == -1)
		die_errno("open %s", path);
	if (fcntl(fd, F_SETLK, &fl) == -1)
		die_errno("fcntl F_SETLK %s", path);
	printf("sem_broken_fcntl_close %ld: A: F_SETLK granted on %s\n",
	       (long)getpid(), path);
	say(out);
	hear(in, "B", 0);
	printf("sem_broken_fcntl_close %ld: A: file_size() opened and closed "
	       "the file: %ld bytes\n",
	       (long)getpid(), file_size(path));
	say(out);
	hear(in, "B", 1); /* keeps fd, and (it thinks) its lock, until B ends */
	_exit(0);
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"sem-broken-fcntl", 0, 0, 10};
	int up[2], down[2], fd, before, after, status;
	char dir[PATH_MAX];
	pid_t pid;

	opts_parse(&opt, "Nt", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	timeout_s = opt.timeout_s;
	if (names_dir_template(dir, sizeof(dir), opt.name) == -1 ||
	    mkdtemp(dir) == NULL)
		die_errno("mkdtemp %s", dir);
	if (cleanup_add_name(OBJ_DIR, dir) == -1)
		die_errno("cleanup_add_name %s", dir);
	if ((size_t)snprintf(path, sizeof(path), "%s/data", dir) >=
	    sizeof(path))
		die("%s/data: path too long", dir);
	if (cleanup_add_name(OBJ_PATH, path) == -1) /* A makes it */
		die_errno("cleanup_add_name %s", path);
	if (pipe(up) == -1 || pipe(down) == -1)
		die_errno("pipe");
	if ((pid = fork()) == -1)
		die_errno("fork");
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		child(down[0], up[1]);
	}
	close(up[1]);
	close(down[0]);
	hear(up[0], "A", 0); /* A holds the lock */
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		die_errno("open %s", path);
	before = ask(fd);
	say(down[1]);
	hear(up[0], "A", 0); /* A has closed its second descriptor */
	after = ask(fd);
	close(down[1]); /* A may end */
	if (waitpid(pid, &status, 0) == -1 || status != 0)
		die("A (pid %ld) failed", (long)pid);
	close(fd);
	cleanup_run(); /* the file, then the directory */
	if (!before && after)
		printf("sem_broken_fcntl_close: A never unlocked, yet B holds "
		       "the lock too\n");
	else
		printf("sem_broken_fcntl_close: B was %sgranted before, %sgranted "
		       "after: not the trap this kernel was expected to show\n",
		       before ? "" : "not ", after ? "" : "not ");
	return 0;
}
