/* signal_restart.c - the solution: a heartbeat no longer breaks the reader.
 *
 * A child sends COUNT lines to its parent through a pipe, a little apart,
 * and before each one it sends a heartbeat, SIGUSR1, which the parent's
 * handler counts.  The parent should copy every line to its output and
 * then say how many lines and heartbeats it got.  As it is, the parent
 * dies at the first heartbeat with "read pipe: Interrupted system call".
 * A signal that comes while read() sleeps makes it fail with EINTR,
 * unless the handler was installed to have such calls restarted.  Fix
 * it; do not ignore or block the heartbeats, and do not take a failed
 * read() for the end of the stream: the check counts both.
 *
 *   run:    make build/bin/ex/signal_restart && build/bin/ex/signal_restart 3
 *   check:  make exercise signal_restart
 *   hint:   docs/signal.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] = "usage: signal_restart [COUNT]\n"
			    "A child sends COUNT lines (1 to 1000, default 3) "
			    "and a heartbeat before each.\n";

static volatile sig_atomic_t beats;

static void
on_beat(int sig)
{
	(void)sig;
	beats++;
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
	struct sigaction sa = {.sa_handler = on_beat};
	struct timespec gap = {0, 10 * 1000000}; /* read() sleeps meanwhile */
	char buf[512], *end = "";
	long count = argc == 2 ? strtol(argv[1], &end, 10) : 3, lines = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || *end != '\0' || count < 1 || count > 1000) {
		fprintf(stderr, "signal_restart: COUNT is 1 to 1000\n%s",
			usage);
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART; /* read() sleeps on after the handler */
	if (sigaction(SIGUSR1, &sa, NULL) == -1) /* before fork(): not late */
		die("sigaction SIGUSR1");
	if (pipe(fds) == -1)
		die("pipe");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) { /* the child: a pause, a beat, a pause, a line */
		close(fds[0]);
		for (long k = 1; k <= count; k++) {
			int len = snprintf(buf, sizeof(buf),
					   "line %ld of %ld\n", k, count);
			nanosleep(&gap, NULL);
			if (kill(getppid(), SIGUSR1) == -1)
				die("kill parent");
			nanosleep(&gap, NULL);
			if (write(fds[1], buf, (size_t)len) != len)
				die("write pipe");
		}
		exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n == -1)
			die("read pipe");
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			die("write stdout");
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	if (waitpid(pid, &status, 0) == -1)
		die("waitpid");
	printf("parent %ld: %ld lines, %d heartbeats; child exited %d\n",
	       (long)getpid(), lines, (int)beats,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
