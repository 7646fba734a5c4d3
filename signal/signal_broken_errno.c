/* signal_broken_errno.c - a handler that does not save errno, on purpose.
 *
 * errno is one variable, and a handler runs in the middle of whatever the
 * program was doing: between a call that failed and the line that reads
 * errno to say why, for one.  A handler that calls anything that can fail
 * (write(2) to a full pipe, kill(2) of a process that is gone) changes
 * errno under the main program's feet, and the main program then reports
 * the wrong error, or takes the wrong branch.  So a handler saves errno
 * first and puts it back last.
 *
 * This program shows it.  It forks a child that sends SIGUSR1 COUNT times.
 * The parent's main flow keeps a failed call's errno (close(-1): EBADF) in
 * hand while the signals come, and after each handler run checks that it
 * still says EBADF.  Its handler makes a call that fails (access(""):
 * ENOENT), standing in for the write(2) a real one might make.  First with
 * a handler that forgets errno, then with one that saves and restores it,
 * as signal_sigqueue_receiver's do.
 *
 *   $ build/bin/signal_broken_errno
 *   signal_broken_errno 6120: handler without save: 200 runs, errno ...
 *   signal_broken_errno 6120: handler with save: 200 runs, errno changed 0
 *   signal_broken_errno: forgets: runs 200, changed 198; saves: runs 200, ...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"

#define ERRNO_GAP_US	300 /* the child's pause between two signals */
#define ERRNO_SLICE_MS	5   /* main looks at the child this often */
#define ERRNO_TIMEOUT_S 10  /* a child that hangs: give up */

static const char usage[] =
	"usage: signal_broken_errno [-n COUNT]\n"
	"Count how often a signal handler changes errno under the main flow:\n"
	"without saving it (wrong on purpose), then saving it.\n"
	"  -n COUNT    signals the child sends each time (default 200)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"signal", 200, 0, 0};
static volatile sig_atomic_t runs;

/* Wrong: access("") fails, and errno now says ENOENT. */
static void
handler_forgets(int sig)
{
	(void)sig;
	runs++;
	(void)access("", F_OK);
}

/* Right: the same, between saving errno and putting it back. */
static void
handler_saves(int sig)
{
	int saved = errno;

	(void)sig;
	runs++;
	(void)access("", F_OK);
	errno = saved;
}

/* The child: COUNT signals, a little apart, so that each one finds the
 * parent busy in its main flow. */
static _Noreturn void
child(pid_t parent)
{
	for (unsigned long i = 0; i < opt.count; i++) {
		uint64_t until = clock_ns() + ERRNO_GAP_US * 1000ULL;

		if (kill(parent, SIGUSR1) == -1)
			_exit(1);
		while (clock_ns() < until)
			; /* spin: no call of ours touches errno */
	}
	_exit(0);
}

/* Fork a sender and, while its signals come, hold a failed call's errno;
 * count the handler runs after which errno no longer says EBADF. */
static unsigned long
run(void (*handler)(int), unsigned long *handled)
{
	uint64_t deadline = clock_ns() + ERRNO_TIMEOUT_S * NS_PER_S;
	struct sigaction sa = {0};
	unsigned long changed = 0;
	int status;
	pid_t kid;

	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		die_errno("sigaction SIGUSR1");
	runs = 0;
	fflush(NULL);
	kid = fork();
	if (kid == -1)
		die_errno("fork");
	if (kid == 0)
		child(getppid());

	for (;;) {
		uint64_t slice = clock_ns() + ERRNO_SLICE_MS * NS_PER_MS;
		sig_atomic_t seen = runs;
		pid_t r;

		if (close(-1) != -1) /* fails: errno = EBADF */
			die("close(-1) succeeded");
		/* Busy, errno in hand, until a handler has run. */
		while (runs == seen && clock_ns() < slice)
			;
		if (runs != seen && errno != EBADF)
			changed++;
		r = waitpid(kid, &status, WNOHANG); /* errno free to change */
		if (r == -1)
			die_errno("waitpid child %ld", (long)kid);
		if (r == kid)
			break;
		if (clock_ns() > deadline) {
			kill(kid, SIGKILL);
			waitpid(kid, NULL, 0);
			die("child %ld hung; killed it", (long)kid);
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed (status 0x%x)", (long)kid,
		    (unsigned)status);
	*handled = (unsigned long)runs;
	return changed;
}

int
main(int argc, char **argv)
{
	unsigned long forgets, saves, runs_forgets, runs_saves;
	long me;

	opts_parse(&opt, "n", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	me = (long)getpid();

	forgets = run(handler_forgets, &runs_forgets);
	printf("signal_broken_errno %ld: handler without save: %lu runs, errno "
	       "changed under main %lu times (EBADF became ENOENT)\n",
	       me, runs_forgets, forgets);
	saves = run(handler_saves, &runs_saves);
	printf("signal_broken_errno %ld: handler with save: %lu runs, errno "
	       "changed under main %lu times\n",
	       me, runs_saves, saves);
	printf("signal_broken_errno: forgets: runs %lu, changed %lu; saves: "
	       "runs %lu, changed %lu\n",
	       runs_forgets, forgets, runs_saves, saves);
	return 0;
}
