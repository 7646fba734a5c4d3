/* pipe_timeout.c - exercise (extend): a reader that does not wait for ever.
 *
 * A child sends COUNT lines through a pipe, one every MS milliseconds, and
 * exits; the parent copies them to its output until end of file, waits
 * for the child and says how it ended.  If the child gets stuck (try
 * `kill -STOP` on its pid), the parent waits in read() for ever.  Extend
 * it: when nothing has come for TIMEOUT milliseconds, the parent says
 * "giving up", kills the child, still waits for it, and exits 3.  A
 * writer that is slow but alive must not be given up on: the timeout is
 * for each wait, not for the whole run.  poll() is the call to look at.
 *
 *   run:    make build/bin/ex/pipe_timeout &&
 *           build/bin/ex/pipe_timeout 20 200 1000
 *           (and, from another terminal, kill -STOP the child's pid)
 *   check:  make exercise pipe_timeout
 *   hint:   docs/pipe.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] = "usage: pipe_timeout COUNT MS TIMEOUT\n"
			    "A child sends COUNT lines (1 to 1000), one every "
			    "MS milliseconds; the parent gives up\n"
			    "when nothing comes for TIMEOUT milliseconds.\n";

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* A number from 0 to max, or -1. */
static long
number(const char *s, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s && !*end && n >= 0 && n <= max ? n : -1;
}

int
main(int argc, char **argv)
{
	char buf[512];
	long count, ms, timeout;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc != 4 || (count = number(argv[1], 1000)) < 1 ||
	    (ms = number(argv[2], 60000)) < 0 ||
	    (timeout = number(argv[3], 60000)) < 1) {
		fprintf(stderr, "pipe_timeout: COUNT 1 to 1000, MS 0 to 60000, "
				"TIMEOUT 1 to 60000\n%s", usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line out at once */
	if (pipe(fds) == -1)
		die("pipe");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) { /* the child writes, slowly */
		struct timespec pause = {ms / 1000, ms % 1000 * 1000000};

		close(fds[0]);
		printf("child %ld: sending %ld lines\n", (long)getpid(), count);
		for (long k = 1; k <= count; k++) {
			int len = snprintf(buf, sizeof(buf), "hello %ld from "
					   "%ld\n", k, (long)getpid());
			if (write(fds[1], buf, (size_t)len) != len)
				die("write pipe");
			nanosleep(&pause, NULL);
		}
		exit(0);
	}
	close(fds[1]); /* else we never see end of file */
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			die("write stdout");
	if (n == -1)
		die("read pipe");
	printf("parent %ld: end of file\n", (long)getpid());
	if (waitpid(pid, &status, 0) == -1)
		die("waitpid");
	if (WIFSIGNALED(status))
		printf("parent %ld: child %ld killed by signal %d\n",
		       (long)getpid(), (long)pid, WTERMSIG(status));
	else
		printf("parent %ld: child %ld exited %d\n", (long)getpid(),
		       (long)pid, WEXITSTATUS(status));
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
