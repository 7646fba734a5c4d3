/* socket_unix_dgram.c - UNIX domain datagrams: whole messages, never lost,
 * and a queue of limited length.
 *
 * The receiver binds a datagram socket to a file in a private directory
 * (as socket_unix_server does), then forks a sender, which sends COUNT
 * datagrams to that path with sendto(), as fast as it can, while the
 * receiver waits a moment before reading any.  Unlike UDP, a UNIX
 * datagram is never dropped: when the receiver's queue is full the sender
 * waits (or, asking not to wait with MSG_DONTWAIT, gets EAGAIN).  The
 * queue holds net.unix.max_dgram_qlen datagrams (10 by default), or fewer
 * if they fill the receive buffer first.  Each recv() returns one
 * datagram, whole.
 *
 * The sender never binds a name, so the receiver sees it as unnamed
 * (recvfrom() reports an address length of just sun_family) and could
 * not answer it; a sender that wants replies binds a path of its own.
 *
 *   $ build/bin/socket_unix_dgram -n 14
 *   socket_unix_dgram 4242: receiving on /tmp/ipclab-1000-socket-unix-dgram.4242.Q2xv1a/socket
 *   socket_unix_dgram 4243: sent 11, then EAGAIN: the queue is full; waiting
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "socket_unix.h"
#include "sweep.h"

static const char usage[] =
	"usage: socket_unix_dgram [-n COUNT] [-t SECONDS] [-N NAME]\n"
	"Send COUNT datagrams from a child to a named UNIX datagram socket.\n"
	"  -n COUNT    datagrams to send (default 14)\n"
	"  -t SECONDS  give up on a stuck peer after this long (default 10)\n"
	"  -N NAME     socket in $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX/socket\n"
	"              (default socket-unix-dgram)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"socket-unix-dgram", 14, 0, 10};

/* Both sides' waits end after -t seconds with EAGAIN. */
static void
bound_waits(int fd)
{
	struct timeval tv = {.tv_sec = (time_t)opt.timeout_s};

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
}

/* The child: send COUNT datagrams to sa, first without waiting. */
static _Noreturn void
sender(const struct sockaddr_un *sa, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), flags;
	char msg[64];

	if (fd == -1)
		die_errno("socket AF_UNIX SOCK_DGRAM");
	bound_waits(fd);
	flags = MSG_DONTWAIT; /* until the queue is full: then we wait */
	for (unsigned long i = 1; i <= opt.count; i++) {
		int n = snprintf(msg, sizeof(msg), "datagram %lu from %ld", i,
				 (long)getpid());

		while (sendto(fd, msg, (size_t)n, flags,
			      (const struct sockaddr *)sa, len) == -1) {
			if (errno != EAGAIN)
				die_errno("sendto %s", sa->sun_path);
			if (flags == 0) /* we waited -t seconds */
				die("the receiver took nothing for %lu s",
				    opt.timeout_s);
			printf("socket_unix_dgram %ld: sent %lu, then EAGAIN: "
			       "the queue is full; waiting\n",
			       (long)getpid(), i - 1);
			flags = 0;
		}
	}
	printf("socket_unix_dgram %ld: sent all %lu\n", (long)getpid(),
	       opt.count);
	_exit(0);
}

int
main(int argc, char **argv)
{
	char path[PATH_MAX], buf[256], want[64];
	struct sockaddr_un sa, from;
	int fd, reg_dir, reg_path, status;
	socklen_t len;
	pid_t pid;

	opts_parse(&opt, "Nnt", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* What a run of this name killed by SIGKILL left (sweep.h). */
	if (sweep_stale_dirs(opt.name, stdout) == -1)
		warn_errno("sweeping stale directories of %s", opt.name);
	if (names_dir_template(path, sizeof(path), opt.name) == -1)
		die_errno("names_dir_template %s", opt.name);
	if (strlen(path) + sizeof("/" SOCKET_UNIX_FILE) - 1 >
	    SOCKET_UNIX_PATH_MAX)
		die("%s/" SOCKET_UNIX_FILE " is longer than sun_path's %zu "
		    "bytes: set TMPDIR to a shorter directory",
		    path, SOCKET_UNIX_PATH_MAX);
	if (mkdtemp(path) == NULL)
		die_errno("mkdtemp %s", path);
	if ((reg_dir = cleanup_add_name(OBJ_DIR, path)) == -1)
		die_errno("cleanup_add_name %s", path);
	strcat(path, "/" SOCKET_UNIX_FILE);
	socket_unix_addr(&sa, &len, path, 0); /* the length is checked */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_UNIX SOCK_DGRAM");
	if (bind(fd, (struct sockaddr *)&sa, len) == -1)
		die_errno("bind %s", path);
	if ((reg_path = cleanup_add_name(OBJ_PATH, path)) == -1)
		die_errno("cleanup_add_name %s", path);
	bound_waits(fd);
	printf("socket_unix_dgram %ld: receiving on %s\n", (long)getpid(),
	       path);

	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0)
		sender(&sa, len);
	sleep_ms(300); /* read nothing yet: let the queue fill */
	for (unsigned long i = 1; i <= opt.count; i++) {
		ssize_t n;

		len = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &len);
		if (n == -1 && errno == EAGAIN)
			die("nothing came for %lu s", opt.timeout_s);
		if (n == -1)
			die_errno("recvfrom %s", path);
		snprintf(want, sizeof(want), "datagram %lu from %ld", i,
			 (long)pid);
		if ((size_t)n != strlen(want) || memcmp(buf, want, (size_t)n))
			die("#%lu is not \"%s\"", i, want);
		printf("socket_unix_dgram %ld: #%lu: %zd bytes \"%.*s\" from "
		       "%s\n",
		       (long)getpid(), i, n, (int)n, buf,
		       len <= sizeof(sa_family_t) ? "an unnamed socket"
						  : from.sun_path);
	}
	if (waitpid(pid, &status, 0) == -1 || status != 0)
		die("the sender %ld failed", (long)pid);
	close(fd);
	if (unlink(path) == -1)
		die_errno("unlink %s", path);
	cleanup_forget(reg_path);
	*strrchr(path, '/') = '\0';
	if (rmdir(path) == -1)
		die_errno("rmdir %s", path);
	cleanup_forget(reg_dir);
	printf("socket_unix_dgram %ld: all %lu arrived whole and in order; "
	       "socket file and directory removed\n",
	       (long)getpid(), opt.count);
	return 0;
}
