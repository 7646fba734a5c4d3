/* sem_eventfd_counter.c - an eventfd as a counter, as a semaphore, shared
 * with a child through fork(), and waited on with poll() beside a pipe.
 *
 * eventfd(2) makes a kernel object that holds one 64-bit counter and
 * hands back a file descriptor for it.  write(2) of an 8-byte number adds
 * it to the counter; read(2) of 8 bytes waits until the counter is not 0,
 * then:
 *   plain          returns the whole count and sets the counter to 0;
 *   EFD_SEMAPHORE  returns 1 and takes 1 from the counter.
 * So one is a "how many events since I last looked", the other a counting
 * semaphore.  The first two parts show both with the same three writes
 * (1, 2 and 3), on a non-blocking eventfd so that the empty counter says
 * EAGAIN instead of waiting.
 *
 * Then why eventfd exists: it is a descriptor, so poll(2), select(2) and
 * epoll(7) wait on it beside sockets and pipes, which no System V or POSIX
 * semaphore can do.  The parent makes a semaphore eventfd and a pipe,
 * forks (the child inherits both descriptors: the same counter), and the
 * child sends COUNT work items, each a line on the pipe followed by a post
 * on the eventfd.  The parent waits for either with one poll() (at most
 * -t seconds, so a dead child cannot hang it) and says which woke it.  No
 * name, nothing to remove: the counter goes with its last descriptor.
 *
 *   $ build/bin/sem_eventfd_counter -n 2
 *   sem_eventfd_counter 4242: plain: wrote 1, 2, 3; read 6; read again: EAGAIN
 *   sem_eventfd_counter 4242: EFD_SEMAPHORE: wrote 1, 2, 3; read 1 6 times; then EAGAIN
 *   sem_eventfd_counter 4242: poll: the pipe is readable: "item 1 from 4243"
 *   sem_eventfd_counter 4242: poll: the eventfd is readable: read 1 (post 1 of 2)
 *   ...
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"

static const char usage[] =
	"usage: sem_eventfd_counter [-n COUNT] [-i MS] [-t SECONDS]\n"
	"An eventfd as a counter and as a semaphore; then a child posts it\n"
	"beside a pipe, and the parent waits for both with one poll().\n"
	"  -n COUNT    work items the child sends (default 3)\n"
	"  -i MS       pause before each (default 100)\n"
	"  -t SECONDS  give up when nothing comes this long (default 10)\n"
	"  -h          show this help\n";

static void
post(int efd, uint64_t n)
{
	if (write(efd, &n, sizeof(n)) != sizeof(n))
		die_errno("write eventfd");
}

/* One read: the value, or 0 when the counter is 0 (EAGAIN). */
static uint64_t
take(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) == sizeof(v))
		return v;
	if (errno != EAGAIN)
		die_errno("read eventfd");
	return 0;
}

/* Parts 1 and 2: the same writes, read back plain and as a semaphore. */
static void
counter_and_semaphore(void)
{
	int plain = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int sem = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	unsigned reads = 0;
	uint64_t first;

	if (plain == -1 || sem == -1)
		die_errno("eventfd");
	for (uint64_t n = 1; n <= 3; n++) {
		post(plain, n);
		post(sem, n);
	}
	first = take(plain);
	printf("sem_eventfd_counter %ld: plain: wrote 1, 2, 3; read %llu; "
	       "read again: %s\n",
	       (long)getpid(), (unsigned long long)first,
	       take(plain) == 0 ? "EAGAIN" : "a value (unexpected)");
	while (take(sem) == 1)
		reads++;
	printf("sem_eventfd_counter %ld: EFD_SEMAPHORE: wrote 1, 2, 3; read 1 "
	       "%u times; then EAGAIN\n",
	       (long)getpid(), reads);
	close(plain);
	close(sem);
}

/* The child: COUNT items, each a line on the pipe, then a post. */
static _Noreturn void
child(int efd, int out, const struct demo_opts *o)
{
	struct timespec pause = {(time_t)(o->interval_ms / 1000),
				 (long)(o->interval_ms % 1000) * 1000000L};
	char line[64];

	for (unsigned long i = 1; i <= o->count; i++) {
		int n = snprintf(line, sizeof(line), "item %lu from %ld\n", i,
				 (long)getpid());

		nanosleep(&pause, NULL);
		if (write(out, line, (size_t)n) != n)
			die_errno("write pipe");
		post(efd, 1); /* the counter the parent holds too */
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"", 3, 100, 10};
	unsigned long posts = 0;
	int efd, fds[2], status, pipe_open = 1;
	char buf[256];
	pid_t pid;

	opts_parse(&opt, "nit", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	counter_and_semaphore();

	/* Part 3: made before fork(), so the child has the same counter. */
	if ((efd = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE)) == -1)
		die_errno("eventfd");
	if (pipe(fds) == -1)
		die_errno("pipe");
	if ((pid = fork()) == -1)
		die_errno("fork");
	if (pid == 0) {
		close(fds[0]);
		child(efd, fds[1], &opt);
	}
	close(fds[1]); /* so the pipe ends when the child's end closes */
	while (posts < opt.count || pipe_open) {
		struct pollfd pf[2] = {
			{.fd = pipe_open ? fds[0] : -1, .events = POLLIN},
			{.fd = efd, .events = POLLIN}};
		int n = poll(pf, 2, (int)(opt.timeout_s * 1000));

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die_errno("poll");
		if (n == 0)
			die("nothing from child %ld for %lu s", (long)pid,
			    opt.timeout_s);
		if (pf[0].revents != 0) {
			ssize_t got = read(fds[0], buf, sizeof(buf) - 1);

			if (got == -1)
				die_errno("read pipe");
			if (got == 0) {
				pipe_open = 0; /* the child has closed it */
			} else { /* one line each, or several at once */
				buf[got] = '\0';
				for (char *l = strtok(buf, "\n"); l != NULL;
				     l = strtok(NULL, "\n"))
					printf("sem_eventfd_counter %ld: poll: "
					       "the pipe is readable: \"%s\"\n",
					       (long)getpid(), l);
			}
		}
		if (pf[1].revents & POLLIN) {
			uint64_t v = take(efd); /* EFD_SEMAPHORE: 1 */

			printf("sem_eventfd_counter %ld: poll: the eventfd is "
			       "readable: read %llu (post %lu of %lu)\n",
			       (long)getpid(), (unsigned long long)v, ++posts,
			       opt.count);
		}
	}
	if (waitpid(pid, &status, 0) == -1 || status != 0)
		die("child %ld failed", (long)pid);
	printf("sem_eventfd_counter %ld: %lu posts seen, pipe closed\n",
	       (long)getpid(), posts);
	close(fds[0]);
	close(efd); /* the last descriptor: the counter is gone */
	return 0;
}
