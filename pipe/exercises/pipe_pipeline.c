/* pipe_pipeline.c - exercise (complete): run `CMD1 | CMD2` as a shell does.
 *
 * The parent makes a pipe and forks two children: the first should run
 * CMD1 with its standard output on the pipe's write end, the second CMD2
 * with its standard input on the read end; the parent waits for both and
 * says how they ended.  As it is, the pipe is made but nobody uses it:
 * CMD1 prints straight to the terminal, and CMD2 reads the terminal.
 * Complete the TODO in spawn() with dup2(), and close every descriptor of
 * the pipe that must be closed, in the children and in the parent, so
 * that CMD2 sees end of file.  The check runs commands you cannot guess.
 *
 *   run:    make build/bin/ex/pipe_pipeline &&
 *           build/bin/ex/pipe_pipeline seq 1 5 '|' wc -l
 *   check:  make exercise pipe_pipeline
 *   hint:   docs/pipe.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "usage: pipe_pipeline CMD1 [ARG...] '|' CMD2 "
			    "[ARG...]\n"
			    "Run CMD1 | CMD2 with pipe, fork, dup2 and exec.\n";

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* Fork a child that runs argv with fds[target] on its fd target (0: it
 * reads the pipe, 1: it writes it).  Returns its pid. */
static pid_t
spawn(char **argv, int fds[2], int target)
{
	pid_t pid = fork();

	if (pid == -1)
		die("fork");
	if (pid != 0)
		return pid;
	/* TODO: put the pipe's end on fd target with dup2(), then close
	 * what this child must close. */
	(void)fds;
	(void)target;
	execvp(argv[0], argv);
	perror(argv[0]); /* exec returns only on failure */
	_exit(127);
}

/* Wait for pid and say how it ended; 0 if it exited 0. */
static int
reap(pid_t pid, const char *name)
{
	int status;

	if (waitpid(pid, &status, 0) == -1)
		die("waitpid");
	if (WIFEXITED(status))
		fprintf(stderr, "pipe_pipeline: %s exited %d\n", name,
			WEXITSTATUS(status));
	else
		fprintf(stderr, "pipe_pipeline: %s killed by signal %d\n",
			name, WTERMSIG(status));
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(int argc, char **argv)
{
	char **cmd2 = NULL;
	int fds[2], bad;
	pid_t p1, p2;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "|") == 0 && cmd2 == NULL) {
			argv[i] = NULL; /* CMD1's list ends here */
			cmd2 = &argv[i + 1];
		}
	if (cmd2 == NULL || argv[1] == NULL || cmd2[0] == NULL) {
		fprintf(stderr, "pipe_pipeline: give CMD1 '|' CMD2\n%s", usage);
		return 2;
	}
	if (pipe(fds) == -1)
		die("pipe");
	p1 = spawn(&argv[1], fds, 1);
	p2 = spawn(cmd2, fds, 0);
	/* TODO: what must the parent close, and why before waiting? */
	bad = reap(p1, argv[1]);
	bad |= reap(p2, cmd2[0]);
	return bad;
}
