/* signal_broken_race.c - pause() after checking a flag loses wake-ups.
 *
 * The classic way to wait for a signal: the handler sets a flag, and
 *
 *     while (!got)
 *             pause();
 *
 * It seems to work, but a signal that arrives after the check and before
 * pause() sets the flag while nobody looks, and pause() then sleeps until
 * some other signal comes: maybe never.  This program makes that mistake
 * so you can watch it.  It forks a child that, ROUNDS times, waits for a
 * "go" from the parent, lets a random 0-2 ms pass, and sends SIGUSR1.
 * The parent waits for each with the loop above, with some work between
 * the check and pause() (real code has a printf or a log line there; here
 * it is 1 ms of it, so the window is wide enough to hit often).  A
 * signal whose handler ran in that window, before the sleep, is a lost
 * wake-up: it is counted, and a timer that fires every RACE_RESCUE_MS
 * ends the sleep that would otherwise last for ever.  Then the same rounds again,
 * done right: block SIGUSR1, check the flag, and sigsuspend(), which
 * unblocks it and sleeps in one step, so a signal that came after the
 * check is pending and ends the sleep at once.  That loses none.
 *
 *   $ build/bin/signal_broken_race
 *   signal_broken_race 5133: pause(): 100 rounds, 31 wake-ups lost ...
 *   signal_broken_race 5133: sigsuspend(): 100 rounds, 0 wake-ups lost ...
 *   signal_broken_race: rounds 100, pause lost 31, sigsuspend lost 0
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "io.h"
#include "opts.h"

#define RACE_WORK_US   1000 /* the work between the check and the sleep */
#define RACE_SPREAD    2    /* the child's delay: 0 to 2 x RACE_WORK_US */
#define RACE_RESCUE_MS 10   /* the rescue timer fires this often */
#define RACE_TIMEOUT_S 10   /* a child that stops sending: give up */

static const char usage[] =
	"usage: signal_broken_race [-n ROUNDS]\n"
	"Wait for signals with pause() after checking a flag, and count the\n"
	"wake-ups lost; then with sigsuspend().  (Wrong on purpose, then right.)\n"
	"  -n ROUNDS   signals the child sends each way (default 100)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"signal", 100, 0, 0};
static volatile sig_atomic_t got;
static _Atomic uint64_t got_at; /* when the handler ran; a lock-free atomic
				   is as safe in a handler as sig_atomic_t */

static void
on_usr1(int sig)
{
	int saved = errno;

	(void)sig;
	got_at = clock_ns(); /* clock_gettime is async-signal-safe */
	got = 1;
	errno = saved;
}

/* SIGALRM: the rescue.  It only ends the sleep. */
static void
on_alarm(int sig)
{
	(void)sig;
}

/* Busy for us microseconds: the work that widens the window. */
static void
work(unsigned us)
{
	uint64_t until = clock_ns() + us * 1000ULL;

	while (clock_ns() < until)
		;
}

/* The child: for each go byte, wait a random while and send SIGUSR1. */
static _Noreturn void
child(int go, pid_t parent)
{
	char c;

	srand((unsigned)getpid());
	while (read_full(go, &c, 1) == 1) {
		work((unsigned)rand() % (RACE_SPREAD * RACE_WORK_US));
		if (kill(parent, SIGUSR1) == -1)
			_exit(1);
	}
	_exit(0);
}

/* Run the rounds, waiting with pause() (right == 0) or sigsuspend(); return
 * how many wake-ups were lost. */
static unsigned long
rounds(int go, pid_t kid, int right)
{
	struct itimerval rescue = {{0, RACE_RESCUE_MS * 1000},
				   {0, RACE_RESCUE_MS * 1000}},
			 off = {{0, 0}, {0, 0}};
	uint64_t deadline = clock_ns() + RACE_TIMEOUT_S * NS_PER_S, asleep = 0;
	unsigned long lost = 0;
	sigset_t usr1, old;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	for (unsigned long r = 0; r < opt.count; r++) {
		got = 0;
		if (right && sigprocmask(SIG_BLOCK, &usr1, &old) == -1)
			die_errno("sigprocmask");
		if (setitimer(ITIMER_REAL, &rescue, NULL) == -1)
			die_errno("setitimer");
		if (write_full(go, "g", 1) != 1)
			die_errno("write to child %ld", (long)kid);
		while (!got) {
			work(RACE_WORK_US); /* <- the window */
			asleep = clock_ns();
			if (right)
				sigsuspend(&old); /* returns -1, EINTR */
			else
				pause(); /* returns -1, EINTR */
			if (clock_ns() > deadline)
				die("child %ld stopped sending", (long)kid);
		}
		/* Lost: the handler ran in the window, before the sleep, so
		 * only the rescue timer could end it.  (One that comes between
		 * reading the clock and pause() is lost too, but not counted:
		 * this is a lower bound.) */
		if (got_at < asleep)
			lost++;
		if (setitimer(ITIMER_REAL, &off, NULL) == -1)
			die_errno("setitimer off");
		if (right && sigprocmask(SIG_SETMASK, &old, NULL) == -1)
			die_errno("sigprocmask");
	}
	return lost;
}

int
main(int argc, char **argv)
{
	struct sigaction sa = {0};
	unsigned long lost_pause, lost_sigsuspend;
	uint64_t start;
	int p[2], status;
	pid_t kid;

	opts_parse(&opt, "n", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		die_errno("sigaction SIGUSR1");
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		die_errno("sigaction SIGALRM");
	if (pipe(p) == -1)
		die_errno("pipe");
	fflush(NULL);
	kid = fork();
	if (kid == -1)
		die_errno("fork");
	if (kid == 0) {
		close(p[1]);
		child(p[0], getppid());
	}
	close(p[0]);
	printf("signal_broken_race %ld: child %ld sends SIGUSR1 %lu times each "
	       "way, 0-%d us after each go\n",
	       (long)getpid(), (long)kid, opt.count,
	       RACE_SPREAD * RACE_WORK_US);

	start = clock_ns();
	lost_pause = rounds(p[1], kid, 0);
	printf("signal_broken_race %ld: pause(): %lu rounds, %lu wake-ups lost "
	       "(%.0f ms); each would have slept forever without the timer\n",
	       (long)getpid(), opt.count, lost_pause,
	       (double)(clock_ns() - start) / NS_PER_MS);
	start = clock_ns();
	lost_sigsuspend = rounds(p[1], kid, 1);
	printf("signal_broken_race %ld: sigsuspend(): %lu rounds, %lu wake-ups "
	       "lost (%.0f ms)\n",
	       (long)getpid(), opt.count, lost_sigsuspend,
	       (double)(clock_ns() - start) / NS_PER_MS);

	close(p[1]); /* end of file: the child exits */
	if (waitpid(kid, &status, 0) == -1)
		die_errno("waitpid child %ld", (long)kid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed (status 0x%x)", (long)kid,
		    (unsigned)status);
	printf("signal_broken_race: rounds %lu, pause lost %lu, sigsuspend "
	       "lost %lu\n",
	       opt.count, lost_pause, lost_sigsuspend);
	return 0;
}
