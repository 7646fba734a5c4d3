/* socket_pair.c - where message boundaries go: a stream loses them, a
 * datagram socket keeps them.
 *
 * socketpair() makes two connected UNIX domain sockets at once, with no
 * name and no file: like pipe(), but both ends can read and write, and a
 * child made by fork() inherits one end.  We do it three times, once for
 * each type, and the child writes the same three messages with three
 * write() calls each time.  The parent waits until the child has exited,
 * so that all three are waiting in the socket, then reads with a buffer
 * big enough for all of them:
 *   SOCK_STREAM     one read() returns all the bytes, glued together:
 *                   a stream is bytes, and a reader that wants messages
 *                   must frame them itself (socket_msg.h does);
 *   SOCK_DGRAM      one read() returns one message, as it was written;
 *   SOCK_SEQPACKET  the same, and end of file once the writer has gone.
 * A datagram read into a buffer too small for it is cut, and the rest of
 * it is lost: recv() with MSG_TRUNC says how long it really was.
 *
 *   $ build/bin/socket_pair
 *   socket_pair 4242: SOCK_STREAM: child 4243 wrote 3 messages: 3 + 7 + 17 bytes
 *   socket_pair 4242: SOCK_STREAM: read #1: 27 bytes "onetwo twothree three three"
 */
#define _GNU_SOURCE /* MSG_TRUNC on recv */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"

static const char usage[] = "usage: socket_pair\n"
			    "Show that a stream socket glues messages "
			    "together and a datagram socket does not.\n"
			    "  -h  show this help\n";

static const char *const msgs[] = {"one", "two two", "three three three"};

/* The child: write the three messages, one write() each, and exit. */
static _Noreturn void
child(int fd)
{
	for (int i = 0; i < 3; i++)
		if (write(fd, msgs[i], strlen(msgs[i])) == -1)
			_exit(1);
	_exit(0);
}

/* Make a pair of sockets of type, let a child write, then read it all. */
static void
show(int type, const char *tname)
{
	char buf[256];
	int sv[2], status, i;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, type, 0, sv) == -1)
		die_errno("socketpair AF_UNIX %s", tname);
	fflush(stdout); /* or the child's copy of our buffer prints twice */
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		close(sv[0]);
		child(sv[1]);
	}
	close(sv[1]); /* ours is sv[0]; the child has sv[1] */
	if (waitpid(pid, &status, 0) == -1 || status != 0)
		die("child %ld failed", (long)pid);
	printf("socket_pair %ld: %s: child %ld wrote 3 messages: 3 + 7 + 17 "
	       "bytes, 3 write()s\n",
	       (long)getpid(), tname, (long)pid);
	for (i = 1;; i++) {
		/* The last datagram into 8 bytes: cut, the rest lost. */
		size_t room = type != SOCK_STREAM && i == 3 ? 8 : sizeof(buf);

		/* MSG_DONTWAIT: a SOCK_DGRAM pair has no end of file, so an
		 * empty one says EAGAIN rather than making us wait forever. */
		n = recv(sv[0], buf, room, MSG_DONTWAIT | MSG_TRUNC);
		if (n == -1 && errno == EAGAIN) {
			printf("socket_pair %ld: %s: read #%d: nothing left "
			       "(EAGAIN; a datagram pair has no end of file)\n",
			       (long)getpid(), tname, i);
			break;
		}
		if (n == -1)
			die_errno("recv %s", tname);
		if (n == 0) {
			printf("socket_pair %ld: %s: read #%d: 0, end of file\n",
			       (long)getpid(), tname, i);
			break;
		}
		printf("socket_pair %ld: %s: read #%d: %zd bytes \"%.*s\"%s\n",
		       (long)getpid(), tname, i, n,
		       (int)((size_t)n < room ? (size_t)n : room), buf,
		       (size_t)n > room ? " (cut to fit 8 bytes: MSG_TRUNC "
					  "says how long it was)"
					: "");
	}
	close(sv[0]);
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"", 0, 0, 0};

	opts_parse(&opt, "", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	show(SOCK_STREAM, "SOCK_STREAM");
	show(SOCK_DGRAM, "SOCK_DGRAM");
	show(SOCK_SEQPACKET, "SOCK_SEQPACKET");
	return 0;
}
