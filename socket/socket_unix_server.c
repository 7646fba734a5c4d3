/* socket_unix_server.c - echo messages over a UNIX domain stream socket.
 *
 * Makes a private directory (mkdtemp, mode 0700), binds a socket file in
 * it, listens, and prints the path ("listening on PATH"): the client
 * cannot guess a random name, so it is told (socket_unix.h says why).
 * Then it serves CLIENTS clients one after another: accept, ask the kernel
 * who is on the other end (SO_PEERCRED: pid and uid), echo every frame
 * back.  Clients that connect while another is served wait in the listen
 * backlog; their connect() has already succeeded.  At the end, and on
 * Ctrl-C or SIGTERM, it removes the socket file and the directory; what
 * a server killed by SIGKILL left, the next one of the name removes.
 *
 *   $ build/bin/socket_unix_server -k 2 &
 *   socket_unix_server 4242: listening on /tmp/ipclab-1000-socket-unix.4242.k3Xz9a/socket
 *   $ build/bin/socket_unix_client -p /tmp/ipclab-1000-socket-unix.4242.k3Xz9a/socket
 *   socket_unix_server 4242: client 4243 (uid 1000) connected
 *   socket_unix_server 4242: #1/3 from client 4243: "hello 1 from 4243"
 */
#define _GNU_SOURCE /* struct ucred, SO_PEERCRED */
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "socket_msg.h"
#include "socket_unix.h"
#include "sweep.h"

static const char usage[] =
	"usage: socket_unix_server [-k CLIENTS] [-t SECONDS] [-N NAME] [-a]\n"
	"Echo what socket_unix_client sends, over a UNIX domain stream socket.\n"
	"  -k CLIENTS  serve this many clients, one after another (default 1)\n"
	"  -t SECONDS  give up when no client comes, or one is silent, this long\n"
	"              (default 10)\n"
	"  -N NAME     socket in $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX/socket\n"
	"              (default socket-unix)\n"
	"  -a          abstract name @ipclab-<uid>-NAME instead: no file at all\n"
	"  -h          show this help\n";


static struct demo_opts opt = {SOCKET_UNIX_NAME, 0, 0, 10};
static unsigned long clients = 1;
static int abstract;
static int reg_dir, reg_path; /* cleanup handles */

/* Make the private directory and bind the socket file in it (or bind the
 * abstract name); print where we listen.  Returns the listening socket. */
static int
listen_socket(char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd;

	if (abstract) {
		if (names_make(path, PATH_MAX, opt.name) == -1)
			die_errno("names_make %s", opt.name);
	} else {
		if (names_dir_template(path, PATH_MAX, opt.name) == -1)
			die_errno("names_dir_template %s", opt.name);
		/* What a server of this name killed by SIGKILL left: lib's
		 * sweep knows our directories, and follows no symlink. */
		if (sweep_stale_dirs(opt.name, stdout) == -1)
			warn_errno("sweeping stale directories of %s",
				   opt.name);
		/* Check before making anything: mkdtemp keeps the length. */
		if (strlen(path) + sizeof("/" SOCKET_UNIX_FILE) - 1 >
		    SOCKET_UNIX_PATH_MAX)
			die("%s/" SOCKET_UNIX_FILE " would be %zu bytes; "
			    "sun_path holds %zu: set TMPDIR to a shorter directory",
			    path, strlen(path) + sizeof(SOCKET_UNIX_FILE),
			    SOCKET_UNIX_PATH_MAX);
		if (mkdtemp(path) == NULL)
			die_errno("mkdtemp %s", path);
		if ((reg_dir = cleanup_add_name(OBJ_DIR, path)) == -1)
			die_errno("cleanup_add_name %s", path);
		strcat(path, "/" SOCKET_UNIX_FILE);
	}
	if (socket_unix_addr(&sa, &len, path, abstract) == -1)
		die_errno("socket address %s", path); /* checked above */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die_errno("socket AF_UNIX SOCK_STREAM");
	if (bind(fd, (struct sockaddr *)&sa, len) == -1)
		die_errno("bind %s%s", abstract ? "@" : "", path);
	if (!abstract && (reg_path = cleanup_add_name(OBJ_PATH, path)) == -1)
		die_errno("cleanup_add_name %s", path); /* bind made the file */
	if (listen(fd, 16) == -1) /* up to 16 wait for accept() */
		die_errno("listen %s", path);
	printf("socket_unix_server %ld: listening on %s%s\n", (long)getpid(),
	       abstract ? "@" : "", path);
	return fd;
}

/* Check who connected, bound every wait, and echo what it sends
 * (socket_server_echo() in socket_msg.h).  Returns 0, or -1 if the client
 * failed or was refused. */
static int
serve(int fd, char *body)
{
	struct timeval tv = {.tv_sec = (time_t)opt.timeout_s};
	socklen_t len = sizeof(struct ucred);
	struct ucred peer;
	char who[40];

	/* The kernel says who connected, and no client can lie about it. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) == -1)
		die_errno("getsockopt SO_PEERCRED");
	if (peer.uid != getuid()) { /* possible with -a: anyone may connect */
		warn_msg("refused pid %ld: uid %ld is not ours", (long)peer.pid,
			 (long)peer.uid);
		return -1;
	}
	printf("socket_unix_server %ld: client %ld (uid %ld) connected\n",
	       (long)getpid(), (long)peer.pid, (long)peer.uid);
	/* Every read and write now waits at most -t: EAGAIN after. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die_errno("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
	snprintf(who, sizeof(who), "client %ld", (long)peer.pid);
	return socket_server_echo(fd, body, who);
}

/* The options opts_parse_more() leaves to us: -k CLIENTS and -a. */
static void
other_opt(int opt, char *val)
{
	if (opt == 'k')
		opts_number(opt, val, 1, 1000, &clients, usage);
	else
		abstract = 1;
}

int
main(int argc, char **argv)
{
	static char path[PATH_MAX];
	char *body;
	int lfd, failed = 0;

	opts_parse_more(&opt, "Nt", "k:a", other_opt, usage, argc, argv);
	/* Allocated once the arguments are known good: a usage error
	 * exits with nothing held (LeakSanitizer, make check). */
	body = malloc(SOCKET_BODY_MAX);
	if (body == NULL)
		die_errno("malloc %u bytes", SOCKET_BODY_MAX);
	setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time, even piped */

	lfd = listen_socket(path);
	for (unsigned long served = 0; served < clients; served++) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		int cfd, n;

		/* Bounded: a client that never comes ends us, not hangs us. */
		while ((n = poll(&p, 1, (int)opt.timeout_s * 1000)) == -1 &&
		       errno == EINTR)
			;
		if (n == -1)
			die_errno("poll %s", path);
		if (n == 0)
			die("no client came in %lu s (%lu of %lu served)",
			    opt.timeout_s, served, clients);
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd == -1)
			die_errno("accept %s", path);
		if (serve(cfd, body) == -1)
			failed++;
		close(cfd);
	}
	if (close(lfd) == -1) /* an abstract name goes with its socket */
		die_errno("close %s", path);
	if (!abstract) {
		if (unlink(path) == -1)
			die_errno("unlink %s", path);
		cleanup_forget(reg_path);
		*strrchr(path, '/') = '\0';
		if (rmdir(path) == -1)
			die_errno("rmdir %s", path);
		cleanup_forget(reg_dir);
	}
	printf("socket_unix_server %ld: served %lu client%s%s; %s\n",
	       (long)getpid(), clients, clients == 1 ? "" : "s",
	       failed ? ", not all in full" : "",
	       abstract ? "the abstract name went with the socket"
			: "socket file and directory removed");
	free(body);
	return failed ? 1 : 0;
}
