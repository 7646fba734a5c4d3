/* socket_broken_sigpipe.c - writing to a socket whose reader has gone:
 * SIGPIPE kills you, unless you ask for EPIPE instead.
 *
 * Broken on purpose, first: a child write()s to a stream socket whose
 * other end is closed.  The kernel sends it SIGPIPE, whose default action
 * is to end the process at once, silently: no error message, no chance to
 * clean up; a shell shows exit status 141 (128 + 13).  A server that
 * writes to a client who hung up dies this way.  Then the two cures:
 *   send(..., MSG_NOSIGNAL)      this call returns -1 with EPIPE instead
 *                                (what lib's send_full does);
 *   signal(SIGPIPE, SIG_IGN)     every write in the process does.
 * Last, TCP: the peer's close is not known at once.  The first send after
 * it succeeds (the bytes leave, and the peer's kernel answers them with a
 * reset, RST), and only the sends after that fail, with EPIPE.
 *
 *   $ build/bin/socket_broken_sigpipe
 *   socket_broken_sigpipe 4243: write() to a closed UNIX socket...
 *   socket_broken_sigpipe 4242: child 4243 was killed by signal 13 (SIGPIPE)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"

static const char usage[] = "usage: socket_broken_sigpipe\n"
			    "Write to sockets whose peer has gone: SIGPIPE, "
			    "EPIPE, and TCP's delay.\n"
			    "  -h  show this help\n";

/* A connected UNIX stream pair whose reading end is already closed. */
static int
closed_pair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		die_errno("socketpair");
	close(sv[1]);
	return sv[0];
}

/* Print what one write-like call returned. */
static void
report(const char *what, ssize_t n)
{
	if (n == -1)
		printf("socket_broken_sigpipe %ld: %s: -1, %s (%s)\n",
		       (long)getpid(), what, strerror(errno),
		       errno_name(errno));
	else
		printf("socket_broken_sigpipe %ld: %s: %zd bytes accepted\n",
		       (long)getpid(), what, n);
}

/* TCP over loopback: connect, let the server side close, send twice. */
static void
tcp_late_epipe(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int lfd, cfd, afd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* port 0: any */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sa, len) == -1 ||
	    listen(lfd, 1) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) == -1)
		die_errno("TCP listener on 127.0.0.1");
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd == -1 || connect(cfd, (struct sockaddr *)&sa, len) == -1)
		die_errno("connect 127.0.0.1:%u", ntohs(sa.sin_port));
	afd = accept(lfd, NULL, NULL);
	if (afd == -1)
		die_errno("accept");
	close(afd); /* the peer hangs up: a FIN goes to cfd */
	close(lfd);
	sleep_ms(50);
	report("TCP send #1 after the peer closed",
	       send(cfd, "x", 1, MSG_NOSIGNAL));
	sleep_ms(50); /* the reset comes back */
	report("TCP send #2", send(cfd, "x", 1, MSG_NOSIGNAL));
	report("TCP send #3", send(cfd, "x", 1, MSG_NOSIGNAL));
	close(cfd);
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"", 0, 0, 0};
	int fd, status;
	pid_t pid;

	opts_parse(&opt, "", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = closed_pair();
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) { /* the broken one: plain write(), SIGPIPE default */
		signal(SIGPIPE, SIG_DFL);
		printf("socket_broken_sigpipe %ld: write() to a closed UNIX "
		       "socket...\n",
		       (long)getpid());
		report("write() returned", write(fd, "x", 1)); /* never runs */
		_exit(0);
	}
	if (waitpid(pid, &status, 0) == -1)
		die_errno("waitpid %ld", (long)pid);
	if (WIFSIGNALED(status))
		printf("socket_broken_sigpipe %ld: child %ld was killed by "
		       "signal %d (%s), and printed nothing more\n",
		       (long)getpid(), (long)pid, WTERMSIG(status),
		       WTERMSIG(status) == SIGPIPE
			       ? "SIGPIPE"
			       : strsignal(WTERMSIG(status)));
	else
		printf("socket_broken_sigpipe %ld: child %ld exited %d\n",
		       (long)getpid(), (long)pid, WEXITSTATUS(status));

	report("send(MSG_NOSIGNAL) to the same socket",
	       send(fd, "x", 1, MSG_NOSIGNAL));
	signal(SIGPIPE, SIG_IGN);
	report("write() with SIGPIPE ignored", write(fd, "x", 1));
	close(fd);
	tcp_late_epipe();
	return 0;
}
