/* signal_minimal.c - the smallest correct signal program: a parent and
 * its child take turns, SIGUSR1 there and SIGUSR1 back, three times.
 *
 * The handler only sets a flag.  SIGUSR1 is blocked before fork(), and
 * the flag checked with it blocked; sigsuspend() unblocks and sleeps in
 * one step, so no wake-up is lost.  Each signal is answered before the
 * next is sent, so none merge.  alarm(10): a dead peer ends us, no hang.
 *   $ cc -Wall -Wextra -Werror -o signal_minimal signal/signal_minimal.c
 *   $ ./signal_minimal
 *   signal_minimal 4242: round 1: child 4243 answered
 *   signal_minimal 4242: round 2: child 4243 answered
 *   signal_minimal 4242: round 3: child 4243 answered
 *   signal_minimal 4242: child 4243 exited 0
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got; /* the one type C lets a handler set */

static void
on_usr1(int sig)
{
	got = sig; /* nonzero; nothing more: printf is unsafe here */
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	pid_t parent = getpid(), kid;
	int help = argc == 2 && strcmp(argv[1], "-h") == 0, status;
	sigset_t usr1, open;

	if (argc != 1) { /* -h: usage on stdout, exit 0; else stderr, 2 */
		fprintf(help ? stdout : stderr, "%susage: signal_minimal\n",
			help ? "" : "signal_minimal: takes no arguments\n");
		return help ? 0 : 2;
	}
	sigemptyset(&sa.sa_mask);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, NULL) == -1 ||
	    sigprocmask(SIG_BLOCK, &usr1, &open) == -1) /* before fork() */
		die("signal_minimal: sigaction/sigprocmask SIGUSR1");
	sigdelset(&open, SIGUSR1); /* the mask to sleep with */
	if ((kid = fork()) == -1)
		die("signal_minimal: fork");
	alarm(10); /* in each process: SIGALRM's default action ends it */
	for (int round = 1; round <= 3; round++) {
		if (kid != 0 && kill(kid, SIGUSR1) == -1) /* parent: send */
			die("signal_minimal: kill child");
		while (!got) /* checked with SIGUSR1 blocked, so... */
			sigsuspend(&open); /* ...no wake-up lost: see above */
		got = 0;
		if (kid == 0 && kill(parent, SIGUSR1) == -1) /* child: answer */
			die("signal_minimal: kill parent");
		if (kid != 0)
			printf("signal_minimal %ld: round %d: child %ld answered\n",
			       (long)parent, round, (long)kid);
	}
	if (kid == 0) /* the child is done */
		exit(0);
	if (waitpid(kid, &status, 0) == -1)
		die("signal_minimal: waitpid child");
	printf("signal_minimal %ld: child %ld exited %d\n", (long)parent,
	       (long)kid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return status != 0;
}
