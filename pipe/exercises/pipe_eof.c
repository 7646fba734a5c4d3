/* pipe_eof.c - exercise (fix): the child never sees the end of the stream.
 *
 * A parent sends COUNT lines to its child through a pipe, then closes its
 * write end and waits.  The child should copy every line to its output,
 * see end of file, and exit; the parent then reports and exits 0.  As it
 * is, the child reads all the lines and then waits for ever, and so does
 * the parent.  One line is missing.  Find it; do not count the lines in
 * the child instead, the check sends a number of them the program cannot
 * guess.
 *
 *   run:    make build/bin/ex/pipe_eof && build/bin/ex/pipe_eof 3
 *           (Ctrl-C ends it while it hangs)
 *   check:  make exercise pipe_eof
 *   hint:   docs/pipe.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: pipe_eof [COUNT]\n"
			    "Send COUNT lines (1 to 1000, default 3) from a "
			    "parent to its child through a pipe.\n";

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char **argv)
{
	char buf[512], *end = "";
	long count = argc == 2 ? strtol(argv[1], &end, 10) : 3;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc > 2 || *end != '\0' || count < 1 || count > 1000) {
		fprintf(stderr, "pipe_eof: COUNT is 1 to 1000\n%s", usage);
		return 2;
	}
	if (pipe(fds) == -1) /* before fork(), so that both processes have it */
		die("pipe");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {	       /* the child reads */
		while ((n = read(fds[0], buf, sizeof(buf))) > 0)
			if (write(STDOUT_FILENO, buf, (size_t)n) != n)
				die("write stdout");
		if (n == -1)
			die("read pipe");
		printf("child %ld: end of file\n", (long)getpid());
		exit(0);
	}
	close(fds[0]); /* the parent writes; reading is the child's job */
	for (long k = 1; k <= count; k++) {
		int len = snprintf(buf, sizeof(buf), "hello %ld from %ld\n", k,
				   (long)getpid());
		if (write(fds[1], buf, (size_t)len) != len)
			die("write pipe"); /* blocking: all of it, or -1 */
	}
	close(fds[1]); /* the last write end: the child's read() returns 0 */
	printf("parent %ld: wrote %ld lines, closed my write end\n",
	       (long)getpid(), count);
	if (waitpid(pid, &status, 0) == -1)
		die("waitpid");
	printf("parent %ld: child %ld exited %d\n", (long)getpid(), (long)pid,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
