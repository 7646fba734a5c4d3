/* sem_eventfd_pass.c - hand an eventfd to an unrelated process over a UNIX
 * socket (SCM_RIGHTS), and let it post the counter the server waits on.
 *
 * An eventfd has no name: no other process can open it.  A child made by
 * fork() inherits it (sem_eventfd_counter shows that); any other process
 * can only be given it.  The server makes a semaphore eventfd and a UNIX
 * stream socket in a private directory (mkdtemp, mode 0700), and prints
 * "listening on PATH".  A client started on its own, with -p PATH,
 * connects; the server sends the eventfd with an SCM_RIGHTS control
 * message, and the kernel installs a new descriptor for the same counter
 * in the client.  The client posts COUNT times and exits; the server
 * takes each post (EFD_SEMAPHORE: one read, one post), each wait bounded
 * by poll() and -t.  The server then removes the socket file and the
 * directory (also on Ctrl-C or SIGTERM; what a server killed by SIGKILL
 * left, the next one of the name removes); the eventfd goes with its
 * last descriptor.
 *
 *   $ build/bin/sem_eventfd_pass &
 *   sem_eventfd_pass 4242: eventfd 3 (EFD_SEMAPHORE); listening on /tmp/ipclab-1000-sem-eventfd.4242.Xa81kq/socket
 *   $ build/bin/sem_eventfd_pass -p /tmp/ipclab-1000-sem-eventfd.4242.Xa81kq/socket
 *   sem_eventfd_pass 4250: received the eventfd as fd 4 from the server
 *   sem_eventfd_pass 4250: posted 3 times
 *   sem_eventfd_pass 4242: post 1 of 3 taken
 *   ...
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "err.h"
#include "io.h"
#include "names.h"
#include "opts.h"
#include "sweep.h"

static const char usage[] =
	"usage: sem_eventfd_pass [-N NAME] [-n COUNT] [-t SECONDS]\n"
	"       sem_eventfd_pass -p PATH [-n COUNT] [-i MS]\n"
	"Without -p: make an eventfd and hand it to the first client over a\n"
	"UNIX socket (SCM_RIGHTS), then take COUNT posts from it.  With -p:\n"
	"the client: receive the eventfd from the server at PATH, post it.\n"
	"  -N NAME     socket in $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX/socket\n"
	"              (default sem-eventfd)\n"
	"  -p PATH     be the client of the server listening at PATH\n"
	"  -n COUNT    posts (default 3)\n"
	"  -i MS       the client's pause before each post (default 0)\n"
	"  -t SECONDS  the server gives up when nothing comes this long\n"
	"              (default 10)\n"
	"  -h          show this help\n";

static const char *client_of; /* -p */

static void
other(int opt, char *val)
{
	(void)opt; /* only -p */
	if (val[0] == '\0')
		opts_usage_error(usage, "-p: give the server's socket path");
	if (strlen(val) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		opts_usage_error(usage, "-p: '%s' is longer than sun_path",
				 val);
	client_of = val;
}

/* Room for one control message carrying one int, aligned as cmsghdr. */
union cmsg_buf {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/* Wait until fd is readable, at most timeout_s; die naming what. */
static void
wait_for(int fd, unsigned long timeout_s, const char *what)
{
	int n = wait_readable(fd, timeout_s * 1000);

	if (n == -1)
		die_errno("poll %s", what);
	if (n == 0)
		die("nothing on %s for %lu s", what, timeout_s);
}

static void
client(const struct demo_opts *o)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timespec pause = {(time_t)(o->interval_ms / 1000),
				 (long)(o->interval_ms % 1000) * 1000000L};
	union cmsg_buf c;
	char data;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm;
	uint64_t one = 1;
	int sock, efd;
	ssize_t n;

	strcpy(sa.sun_path, client_of); /* length checked by other() */
	if ((sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die_errno("socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		die_errno("connect %s", client_of);
	wait_for(sock, o->timeout_s, client_of);
	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1)
		die_errno("recvmsg %s", client_of);
	cm = CMSG_FIRSTHDR(&msg);
	if (n != 1 || (msg.msg_flags & MSG_CTRUNC) || cm == NULL ||
	    cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		die("%s: no descriptor came with the byte", client_of);
	memcpy(&efd, CMSG_DATA(cm), sizeof(int));
	printf("sem_eventfd_pass %ld: received the eventfd as fd %d from the "
	       "server\n",
	       (long)getpid(), efd);
	for (unsigned long i = 0; i < o->count; i++) {
		nanosleep(&pause, NULL);
		if (write(efd, &one, sizeof(one)) != sizeof(one))
			die_errno("write eventfd fd %d", efd);
	}
	printf("sem_eventfd_pass %ld: posted %lu times\n", (long)getpid(),
	       o->count);
	close(efd);
	close(sock);
}

/* The private directory and the listening socket in it, registered with
 * cleanup; path gets the socket's path. */
static int
listen_at(const char *name, char *path, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	/* What a server of this name killed by SIGKILL left. */
	if (sweep_stale_dirs(name, stdout) == -1)
		warn_errno("sweeping stale directories of %s", name);
	if (names_dir_template(path, size, name) == -1 || mkdtemp(path) == NULL)
		die_errno("mkdtemp %s", path);
	if (cleanup_add_name(OBJ_DIR, path) == -1)
		die_errno("cleanup_add_name %s", path);
	strcat(path, "/socket");
	if (strlen(path) >= sizeof(sa.sun_path))
		die("%s: longer than sun_path: set TMPDIR shorter", path);
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die_errno("socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		die_errno("bind %s", path);
	if (cleanup_add_name(OBJ_PATH, path) == -1)
		die_errno("cleanup_add_name %s", path);
	if (listen(fd, 1) == -1)
		die_errno("listen %s", path);
	return fd;
}

static void
server(const struct demo_opts *o)
{
	char path[PATH_MAX], data = 'E';
	union cmsg_buf c;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE), lfd, cfd;
	uint64_t v;

	if (efd == -1)
		die_errno("eventfd");
	lfd = listen_at(o->name, path, sizeof(path));
	printf("sem_eventfd_pass %ld: eventfd %d (EFD_SEMAPHORE); listening "
	       "on %s\n",
	       (long)getpid(), efd, path);
	wait_for(lfd, o->timeout_s, path); /* a client to accept */
	if ((cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		die_errno("accept %s", path);
	memset(&c, 0, sizeof(c));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS; /* the data is descriptors */
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &efd, sizeof(int));
	if (sendmsg(cfd, &msg, MSG_NOSIGNAL) == -1)
		die_errno("sendmsg SCM_RIGHTS %s", path);
	for (unsigned long i = 1; i <= o->count; i++) {
		wait_for(efd, o->timeout_s, "the eventfd");
		if (read(efd, &v, sizeof(v)) != sizeof(v))
			die_errno("read eventfd");
		printf("sem_eventfd_pass %ld: post %lu of %lu taken\n",
		       (long)getpid(), i, o->count);
	}
	close(cfd);
	close(lfd);
	close(efd);
	cleanup_run(); /* the socket file, then the directory */
	printf("sem_eventfd_pass %ld: socket file and directory removed\n",
	       (long)getpid());
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"sem-eventfd", 3, 0, 10};

	opts_parse_more(&opt, "Nnit", "p:", other, usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (client_of != NULL)
		client(&opt);
	else
		server(&opt);
	return 0;
}
