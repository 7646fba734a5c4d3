/* proc.c - whether a process runs: see proc.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

/* A zombie has ended but has not been waited for: kill(pid, 0) still
 * finds it, /proc/<pid>/stat says state Z. */
static int
is_zombie(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY);
	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	paren = strrchr(buf, ')'); /* the name in ( ) may hold spaces */
	return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

int
pid_alive(pid_t pid)
{
	if (pid <= 0 || (kill(pid, 0) == -1 && errno != EPERM))
		return 0;
	return !is_zombie(pid);
}
