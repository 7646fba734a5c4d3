/* signal_sigsuspend.c - exercise (complete): wait for a signal, lose none.
 *
 * A parent and its child take turns, ROUNDS times: the parent sends
 * SIGUSR1, the child answers with SIGUSR1, as signal_minimal does.  Each
 * says how many signals its handler has seen so far, and in round K that
 * must be K.  SIGUSR1 is blocked before fork(), in both, all the time.
 * wait_usr1() is missing its body: as it is, it does not wait at all, the
 * handler never runs, and both count 0.  Write it: sleep until the
 * handler has run, without losing a signal that came before you slept.
 * Unblocking and then calling pause() is not it: a signal that was
 * pending runs its handler between the two, and pause() sleeps for ever.
 *
 *   run:    make build/bin/ex/signal_sigsuspend
 *           build/bin/ex/signal_sigsuspend 3
 *   check:  make exercise signal_sigsuspend
 *   hint:   docs/signal.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: signal_sigsuspend [ROUNDS]\n"
			    "A parent and its child trade SIGUSR1 ROUNDS times "
			    "(1 to 10000, default 3).\n";

static volatile sig_atomic_t got, seen; /* this round's; all so far */

static void
on_usr1(int sig)
{
	(void)sig;
	got = 1;
	seen++;
}

/* Return once the handler has run; open is the mask without SIGUSR1. */
static void
wait_usr1(const sigset_t *open)
{
	/* TODO: while the handler has not run (got), sleep with SIGUSR1
	 * open, in one step; then clear got for the next round. */
	(void)open;
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
	char *end = "";
	long rounds = argc == 2 ? strtol(argv[1], &end, 10) : 3;
	pid_t parent = getpid(), kid;
	sigset_t usr1, open;
	int status;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || *end != '\0' || rounds < 1 || rounds > 10000) {
		fprintf(stderr, "signal_sigsuspend: ROUNDS is 1 to 10000\n%s",
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
		printf("%s %ld: round %ld: seen %d\n", kid ? "parent" : "child",
		       (long)getpid(), r, (int)seen);
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
