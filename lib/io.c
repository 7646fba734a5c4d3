/* io.c - full reads and writes, and waiting to read: see io.h. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "io.h"

ssize_t
read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n == 0)
			break; /* end of file */
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t
write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t
send_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
wait_readable(int fd, unsigned long timeout_ms)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	uint64_t end = clock_ns() + (uint64_t)timeout_ms * NS_PER_MS;

	for (;;) {
		/* What is left of the wait, rounded up to a millisecond: a
		 * signal (EINTR) must not make it longer or shorter. */
		uint64_t now = clock_ns(), left = 0;
		int n;

		if (now < end)
			left = (end - now + NS_PER_MS - 1) / NS_PER_MS;
		n = poll(&pf, 1, left > INT_MAX ? INT_MAX : (int)left);

		if (n != -1)
			return n;
		if (errno != EINTR)
			return -1;
	}
}
