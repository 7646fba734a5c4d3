/* socket_fdpass.c - pass an open file descriptor to another process over a
 * UNIX domain socket (SCM_RIGHTS).
 *
 * A descriptor number means nothing outside its process, but a UNIX
 * socket can carry the open file itself: sendmsg() with an SCM_RIGHTS
 * control message, and the kernel installs a new descriptor in the
 * receiving process that refers to the same open file (same file, same
 * offset, same flags), usually under a different number.  This is how a
 * privileged process hands a client one file it may not open itself, how
 * a server hands a connection to a worker, and how systemd passes
 * listening sockets to the services it starts.
 *
 * Here the child, after fork(), makes a file that has no name at all
 * (memfd_create), writes a line into it and sends the descriptor to its
 * parent; then it closes its own and exits.  The parent reads the line
 * through the descriptor it received: the file lives on, held only by
 * the parent now.  At least one byte of ordinary data must go with the
 * control message on a stream socket; ours is "F".
 *
 *   $ build/bin/socket_fdpass
 *   socket_fdpass 4243: made memfd "ipclab-fdpass" as fd 4, wrote 40 bytes
 *   socket_fdpass 4242: received fd 5 from child 4243: inode 1043, offset 40
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"

static const char usage[] = "usage: socket_fdpass\n"
			    "A child passes an open file to its parent "
			    "over a UNIX socket (SCM_RIGHTS).\n"
			    "  -h  show this help\n";

/* Room for one control message carrying one int, aligned as cmsghdr. */
union cmsg_buf {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/* Send descriptor fd over socket sock, with one byte of data. */
static void
send_fd(int sock, int fd)
{
	union cmsg_buf c;
	char data = 'F';
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(&c, 0, sizeof(c));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS; /* "the data is descriptors" */
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) == -1)
		die_errno("sendmsg SCM_RIGHTS");
}

/* Receive one descriptor from sock; returns it. */
static int
recv_fd(int sock)
{
	union cmsg_buf c;
	char data;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	/* MSG_CMSG_CLOEXEC: the new descriptor is not inherited by exec. */
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n == -1)
		die_errno("recvmsg");
	if (n == 0)
		die("the child closed the socket without sending");
	if (msg.msg_flags & MSG_CTRUNC) /* our buffer was too small */
		die("control message cut short (MSG_CTRUNC)");
	cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		die("no descriptor came with the data");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The child: make a nameless file, write into it, pass it, exit. */
static _Noreturn void
child(int sock)
{
	char line[64];
	int fd = memfd_create("ipclab-fdpass", MFD_CLOEXEC), n;

	if (fd == -1)
		die_errno("memfd_create");
	n = snprintf(line, sizeof(line),
		     "written by child %ld before it exited\n", (long)getpid());
	if (write(fd, line, (size_t)n) != n)
		die_errno("write memfd");
	printf("socket_fdpass %ld: made memfd \"ipclab-fdpass\" as fd %d, "
	       "wrote %d bytes\n",
	       (long)getpid(), fd, n);
	send_fd(sock, fd);
	close(fd); /* the file stays open: the message holds it now */
	_exit(0);
}

int
main(int argc, char **argv)
{
	struct demo_opts opt = {"", 0, 0, 0};
	char text[128];
	int sv[2], fd, status;
	struct stat st;
	ssize_t n;
	pid_t pid;

	opts_parse(&opt, "", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		die_errno("socketpair");
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0) {
		close(sv[0]);
		child(sv[1]);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	if (waitpid(pid, &status, 0) == -1 || status != 0)
		die("child %ld failed", (long)pid);
	if (fstat(fd, &st) == -1)
		die_errno("fstat fd %d", fd);
	/* Same open file, so same offset: the child's write left it at the
	 * end; pread reads from the start without moving it. */
	printf("socket_fdpass %ld: received fd %d from child %ld (exited): "
	       "inode %lu, offset %ld, %ld bytes\n",
	       (long)getpid(), fd, (long)pid, (unsigned long)st.st_ino,
	       (long)lseek(fd, 0, SEEK_CUR), (long)st.st_size);
	n = pread(fd, text, sizeof(text) - 1, 0);
	if (n == -1)
		die_errno("pread fd %d", fd);
	printf("socket_fdpass %ld: read through it: %.*s", (long)getpid(),
	       (int)n, text);
	close(fd); /* the last descriptor: the nameless file is gone */
	close(sv[0]);
	return 0;
}
