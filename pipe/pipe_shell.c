/* pipe_shell.c - build `cmd1 | cmd2` the way a shell does.
 *
 * A shell runs a pipeline with one pipe and two children.  The first child
 * makes the pipe's write end its standard output (dup2(fds[1], 1)), the
 * second makes the read end its standard input (dup2(fds[0], 0)); each then
 * closes both original descriptors and calls exec, so the program it runs
 * knows nothing of pipes: it just writes to fd 1 or reads fd 0.  The shell
 * (here, the parent) closes both ends too, then waits for both children.
 *
 * Every one of those closes matters.  cmd2 sees end of file only when no
 * process holds the write end: not cmd1 once it exits, not the parent, not
 * cmd2 itself.  Leave one open and `cmd1 | wc -l` never prints (see
 * pipe_broken_noclose).
 *
 * With no arguments it runs `seq 1 100000 | wc -l`, whose answer, 100000,
 * says every line got through.  Or give your own, the `|` quoted:
 *
 *   $ build/bin/pipe_shell
 *   pipe_shell 4242: pipe: fd 3 reads, fd 4 writes
 *   pipe_shell 4242: child 4243 runs seq with fd 1 = the write end
 *   pipe_shell 4242: child 4244 runs wc with fd 0 = the read end
 *   100000
 *   pipe_shell 4242: seq (4243) exited 0, wc (4244) exited 0
 *   $ build/bin/pipe_shell ls -l /proc/self/fd '|' cat -n
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"

static const char usage[] =
	"usage: pipe_shell [CMD1 [ARG...] '|' CMD2 [ARG...]]\n"
	"Run CMD1 | CMD2 with pipe, fork, dup2 and exec (default: seq 1 100000 "
	"| wc -l).\n"
	"  -h          show this help\n";

static char *default1[] = {"seq", "1", "100000", NULL};
static char *default2[] = {"wc", "-l", NULL};

/* Fork a child that puts fd on target (0 or 1), closes both pipe ends and
 * execs argv.  Returns the child's pid. */
static pid_t
spawn(char **argv, int fds[2], int target)
{
	pid_t pid = fork();

	if (pid == -1)
		die_errno("fork");
	if (pid != 0)
		return pid;
	if (dup2(fds[target == 0 ? 0 : 1], target) == -1)
		die_errno("dup2");
	/* The copy on fd 0 or 1 is all the program needs; the originals
	 * would keep a write end open and spoil end of file. */
	if (close(fds[0]) == -1 || close(fds[1]) == -1)
		die_errno("close");
	execvp(argv[0], argv);
	die_errno("exec %s", argv[0]); /* exec returns only on failure */
}

/* Reap pid and describe how it ended; returns 0 if it exited 0. */
static int
reap(pid_t pid, const char *name, char *buf, size_t size)
{
	int status;

	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (WIFEXITED(status))
		snprintf(buf, size, "%s (%ld) exited %d", name, (long)pid,
			 WEXITSTATUS(status));
	else
		snprintf(buf, size, "%s (%ld) was killed by signal %d", name,
			 (long)pid, WTERMSIG(status));
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(int argc, char **argv)
{
	char **cmd1 = default1, **cmd2 = default2, how1[128], how2[128];
	int fds[2], bad;
	pid_t p1, p2, me = getpid();

	if (argc > 1 && strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1) { /* split argv at the lone "|" */
		int bar = 1;

		while (bar < argc && strcmp(argv[bar], "|") != 0)
			bar++;
		if (bar == 1 || bar >= argc - 1) {
			fprintf(stderr, "%s: want CMD1 '|' CMD2\n%s",
				prog_name(), usage);
			return 2;
		}
		argv[bar] = NULL;
		cmd1 = argv + 1;
		cmd2 = argv + bar + 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (pipe(fds) == -1)
		die_errno("pipe");
	printf("pipe_shell %ld: pipe: fd %d reads, fd %d writes\n", (long)me,
	       fds[0], fds[1]);
	fflush(stdout); /* the children's stdio must start empty */
	p1 = spawn(cmd1, fds, 1);
	printf("pipe_shell %ld: child %ld runs %s with fd 1 = the write end\n",
	       (long)me, (long)p1, cmd1[0]);
	p2 = spawn(cmd2, fds, 0);
	printf("pipe_shell %ld: child %ld runs %s with fd 0 = the read end\n",
	       (long)me, (long)p2, cmd2[0]);
	/* The shell reads and writes neither end: close both, or cmd2 would
	 * wait for end of file forever. */
	if (close(fds[0]) == -1 || close(fds[1]) == -1)
		die_errno("close");

	bad = reap(p1, cmd1[0], how1, sizeof(how1));
	bad |= reap(p2, cmd2[0], how2, sizeof(how2));
	printf("pipe_shell %ld: %s, %s\n", (long)me, how1, how2);
	return bad;
}
