/* sem_flock_kinds.c - the three kinds of file lock on Linux, side by side:
 * what frees each one.
 *
 *   flock      flock(2): a lock on the open file description (what open()
 *              made; fork() and dup() share it).
 *   fcntl      fcntl(2) F_SETLK, a POSIX record lock: a lock held by the
 *              process, on a range of bytes.
 *   OFD        fcntl(2) F_OFD_SETLK (Linux 3.15): a byte-range lock like
 *              fcntl's, but held by the open file description, like flock.
 *
 * For each kind, in a file of its own in a private directory (mkdtemp,
 * mode 0700; the file O_EXCL, mode 0600; all removed at the end), a child
 * takes the lock and the parent asks a fresh process, which opens the file
 * anew and tries the same kind of lock without waiting, whether it is
 * still held:
 *   alive       while the holder lives                    all: held
 *   killed      once the holder is killed (SIGKILL)        all: free
 *   fork        the holder's child, on the descriptor it
 *               inherited, asks for the same lock          flock, OFD: it
 *               has it already; fcntl: EAGAIN, its parent's lock
 *   orphan      the holder is killed, its child lives on   flock, OFD:
 *               held (the child's copy of the descriptor keeps the open
 *               file description, and the lock); fcntl: free
 *   close       the holder opens the file a second time and
 *               closes that new descriptor                 fcntl: free
 *               (any close() of the file drops the process's record
 *               locks: sem_broken_fcntl_close); flock, OFD: held
 * flock and fcntl locks are independent on Linux, while OFD and fcntl
 * locks conflict with each other: so each kind has a file of its own.
 * Every wait is bounded by -t.
 *
 *   $ build/bin/sem_flock_kinds
 *   sem_flock_kinds 4242: files in /tmp/ipclab-1000-sem-flock.4242.Qm3x1a
 *   case     flock    fcntl    OFD
 *   alive    held     held     held
 *   killed   free     free     free
 *   fork     has it   EAGAIN   has it
 *   orphan   held     free     held
 *   close    held     free     held
 *   sem_flock_kinds 4242: files and directory removed
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "err.h"
#include "io.h"
#include "names.h"
#include "opts.h"

static const char usage[] =
	"usage: sem_flock_kinds [-N NAME] [-t SECONDS]\n"
	"flock, fcntl record locks and OFD locks: which is freed when the\n"
	"holder dies, across fork, and by closing another descriptor.\n"
	"  -N NAME     files in $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX (default "
	"sem-flock)\n"
	"  -t SECONDS  give up when a helper does not answer this long "
	"(default 10)\n"
	"  -h          show this help\n";

enum kind { FLOCK, FCNTL, OFD, KINDS };
static const char *const kind_name[KINDS] = {"flock", "fcntl", "OFD"};
static char file[KINDS][PATH_MAX];
static unsigned long timeout_s;

/* Take kind's exclusive lock on fd without waiting: 0, or -1 (EAGAIN or
 * EWOULDBLOCK when another holds it). */
static int
lock(enum kind k, int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (k == FLOCK)
		return flock(fd, LOCK_EX | LOCK_NB);
	return fcntl(fd, k == OFD ? F_OFD_SETLK : F_SETLK,
		     &fl); /* whole file */
}

static int
open_file(enum kind k)
{
	int fd = open(file[k], O_RDWR | O_CLOEXEC);

	if (fd == -1)
		die_errno("open %s", file[k]);
	return fd;
}

/* Wait for one byte on fd (a helper's report); its value, or 0 at end of
 * file; die after timeout_s. */
static char
hear(int fd, const char *from)
{
	char c = 0;
	int n;

	if ((n = wait_readable(fd, timeout_s * 1000)) == -1)
		die_errno("poll");
	if (n == 0)
		die("no word from %s for %lu s", from, timeout_s);
	if (read(fd, &c, 1) == -1)
		die_errno("read from %s", from);
	return c;
}

static void
say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

/* A fresh process, with its own open(), tries the lock: "held" or "free". */
static const char *
probe(enum kind k)
{
	int status;
	pid_t pid = fork();

	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		int fd = open_file(k);

		_exit(lock(k, fd) == 0				? 0
		      : errno == EAGAIN || errno == EWOULDBLOCK ? 1
								: 2);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 1)
		die("%s: the probe failed", kind_name[k]);
	return WEXITSTATUS(status) == 0 ? "free" : "held";
}

/* The holder: lock, then (what) fork a child that asks for the lock on
 * the inherited descriptor, or open and close the file again; report on
 * out ('L', then the child's answer 'Y'/'N'), and wait for end of file on
 * in (bounded) before it exits.  The child waits on in too. */
static _Noreturn void
holder(enum kind k, char what, int in, int out)
{
	int fd = open_file(k);

	if (lock(k, fd) == -1)
		_exit(2);
	if (what == 'c') /* a library that peeks at the file, say */
		close(open_file(k));
	say(out, 'L');
	if (what == 'f') {
		pid_t kid = fork();

		if (kid == -1)
			_exit(2);
		if (kid == 0) {
			say(out, lock(k, fd) == 0 ? 'Y' : 'N');
			hear(in, "the parent"); /* keeps fd while it waits */
			_exit(0);
		}
	}
	hear(in, "the parent");
	_exit(0);
}

/* One kind: the five cases; res[case] gets "held" or "free" (a probe's
 * answer), or "has it" or "EAGAIN" (the holder's child's). */
static void
run_kind(enum kind k, const char *res[5])
{
	int up[2], down[2], status;
	pid_t pid;

	/* 'a': alive, then killed; 'f': fork, then orphan; 'c': close. */
	for (const char *step = "afc"; *step != '\0'; step++) {
		char what = *step;

		if (pipe(up) == -1 || pipe(down) == -1)
			die_errno("pipe");
		if ((pid = fork()) == -1)
			die_errno("fork");
		if (pid == 0) {
			close(up[0]);
			close(down[1]);
			holder(k, what, down[0], up[1]);
		}
		close(up[1]);
		close(down[0]);
		if (hear(up[0], "the holder") != 'L')
			die("%s: the holder could not lock", kind_name[k]);
		if (what == 'a') {
			res[0] = probe(k);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			res[1] = probe(k);
		} else if (what == 'f') {
			res[2] = hear(up[0], "the holder's child") == 'Y'
					 ? "has it"
					 : "EAGAIN";
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			res[3] = probe(k);
		} else {
			res[4] = probe(k);
		}
		close(down[1]); /* end of file: every helper left exits */
		close(up[0]);
		while (wait(&status) > 0) /* the holder, or the orphan */
			;
	}
}

int
main(int argc, char **argv)
{
	static const char *const cases[5] = {"alive", "killed", "fork",
					     "orphan", "close"};
	struct demo_opts opt = {"sem-flock", 0, 0, 10};
	const char *res[KINDS][5];
	char dir[PATH_MAX];

	opts_parse(&opt, "Nt", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	timeout_s = opt.timeout_s;
	/* An orphaned helper becomes our child, so we can reap it. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		die_errno("prctl PR_SET_CHILD_SUBREAPER");
	if (names_dir_template(dir, sizeof(dir), opt.name) == -1 ||
	    mkdtemp(dir) == NULL)
		die_errno("mkdtemp %s", dir);
	if (cleanup_add_name(OBJ_DIR, dir) == -1)
		die_errno("cleanup_add_name %s", dir);
	printf("sem_flock_kinds %ld: files in %s\n", (long)getpid(), dir);
	for (int k = 0; k < KINDS; k++) {
		int fd;

		if ((size_t)snprintf(file[k], sizeof(file[k]), "%s/%s", dir,
				     kind_name[k]) >= sizeof(file[k]))
			die("%s/%s: path too long", dir, kind_name[k]);
		fd = open(file[k], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1)
			die_errno("open %s", file[k]);
		if (cleanup_add_name(OBJ_PATH, file[k]) == -1)
			die_errno("cleanup_add_name %s", file[k]);
		close(fd);
		run_kind((enum kind)k, res[k]);
	}
	printf("%-8s %-8s %-8s %s\n", "case", "flock", "fcntl", "OFD");
	for (int c = 0; c < 5; c++)
		printf("%-8s %-8s %-8s %s\n", cases[c], res[FLOCK][c],
		       res[FCNTL][c], res[OFD][c]);
	cleanup_run(); /* the three files, then the directory */
	printf("sem_flock_kinds %ld: files and directory removed\n",
	       (long)getpid());
	return 0;
}
