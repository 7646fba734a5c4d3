/* signal_timeout.c - exercise (extend): give up on a partner gone quiet.
 *
 * A parent and its child trade SIGUSR1 ROUNDS times, as signal_sigsuspend
 * does once it is solved.  With QUIET, the child answers no more from
 * round QUIET on, as a hung or stopped partner would, and the parent
 * waits for ever.  Extend it: wait at most 1 s for each answer; when none
 * comes, print "parent PID: round K: no answer in 1 s", kill the child
 * (SIGKILL, then reap it) and exit 3.  An answer that comes within the
 * second still counts.  Keep the wait free of races: sigtimedwait() on
 * the blocked SIGUSR1, or SIGALRM from alarm() let in by sigsuspend().
 * Sleeping a second and then looking is not it: every round would last a
 * second.
 *
 *   run:    make build/bin/ex/signal_timeout && build/bin/ex/signal_timeout 5 3
 *   check:  make exercise signal_timeout
 *   hint:   docs/signal.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: signal_timeout [ROUNDS [QUIET]]\n"
			    "Trade SIGUSR1 ROUNDS times (default 3); the child "
			    "goes quiet at round QUIET.\n";

static volatile sig_atomic_t got;

static void
on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

/* Return once the handler has run; open is the mask without SIGUSR1. */
static void
wait_usr1(const sigset_t *open)
{
	while (!got)
		sigsuspend(open);
	got = 0;
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
	char *end = "", *end2 = "";
	long rounds = argc > 1 ? strtol(argv[1], &end, 10) : 3,
	     quiet = argc > 2 ? strtol(argv[2], &end2, 10) : 0;
	pid_t parent = getpid(), kid;
	sigset_t usr1, open;
	int status;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 3 || *end != '\0' || *end2 != '\0' || rounds < 1 ||
	    rounds > 10000 || quiet < 0 || quiet > rounds) {
		fprintf(stderr,
			"signal_timeout: ROUNDS 1 to 10000, QUIET 0 "
			"(never) to ROUNDS\n%s",
			usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* both write, one line at a time */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, NULL) == -1 ||
	    sigprocmask(SIG_BLOCK, &usr1, &open) == -1) /* before fork() */
		die("sigaction/sigprocmask SIGUSR1");
	sigdelset(&open, SIGUSR1);
	if ((kid = fork()) == -1)
		die("fork");
	for (long r = 1; r <= rounds; r++) {
		if (kid != 0 && kill(kid, SIGUSR1) == -1)
			die("kill child");
		wait_usr1(&open);
		printf("%s %ld: round %ld\n", kid ? "parent" : "child",
		       (long)getpid(), r);
		while (kid == 0 && r == quiet)
			pause(); /* quiet: SIGUSR1 is blocked, nothing wakes */
		if (kid == 0 && kill(parent, SIGUSR1) == -1)
			die("kill parent");
	}
	if (kid == 0)
		exit(0);
	if (waitpid(kid, &status, 0) == -1)
		die("waitpid");
	printf("parent %ld: child %ld exited %d\n", (long)parent, (long)kid,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
