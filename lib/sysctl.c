/* sysctl.c - read one kernel limit from /proc/sys: see sysctl.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "io.h"
#include "parse.h"
#include "sysctl.h"

int
sysctl_read(const char *path, unsigned long *out)
{
	char buf[32];
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read_full(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n == -1) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	/* parse_uint rejects "", "8192 16384" and "-1" with EINVAL. */
	return parse_uint(buf, 0, ULONG_MAX, out);
}
