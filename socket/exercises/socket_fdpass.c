/* socket_fdpass.c - exercise (complete): pass an open file to the parent.
 *
 * A child makes a file that has no name (memfd_create), writes TEXT into
 * it, sends its descriptor to its parent over a UNIX socket pair, and
 * exits.  The parent reads TEXT back through the descriptor it received,
 * and prints it with the file's inode, which must be the one the child
 * printed.  send_fd() and recv_fd() miss their key calls: as they are,
 * they pass the descriptor's number, which names nothing, or something
 * else, in another process.  Write them: sendmsg() with an SCM_RIGHTS
 * control message, and recvmsg() with room for one.
 *
 *   run:    make build/bin/ex/socket_fdpass && build/bin/ex/socket_fdpass hello
 *   check:  make exercise socket_fdpass
 *   hint:   docs/socket.md#exercises
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

static const char usage[] = "usage: socket_fdpass TEXT\n"
			    "A child writes TEXT into a nameless file and "
			    "passes the file to its parent.\n";

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* Send descriptor fd over the UNIX socket sock. */
static void
send_fd(int sock, int fd)
{
	/* TODO: sendmsg() one byte of data, and a control message of level
	 * SOL_SOCKET, type SCM_RIGHTS, that carries fd (cmsg(3)). */
	if (write(sock, &fd, sizeof(fd)) != sizeof(fd))
		die("send_fd");
}

/* Receive one descriptor from sock, and return it. */
static int
recv_fd(int sock)
{
	int fd;

	/* TODO: recvmsg() with room for one SCM_RIGHTS control message,
	 * and take the new descriptor out of it. */
	if (read(sock, &fd, sizeof(fd)) != sizeof(fd))
		die("recv_fd");
	return fd;
}

int
main(int argc, char **argv)
{
	struct stat st;
	char buf[256];
	int sv[2], fd, status;
	ssize_t n;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc != 2 || argv[1][0] == '\0' || strlen(argv[1]) >= sizeof(buf)) {
		fprintf(stderr, "socket_fdpass: TEXT is 1 to 255 bytes\n%s",
			usage);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* before fork(): both print */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		die("socketpair");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		n = (ssize_t)strlen(argv[1]);
		if ((fd = memfd_create("socket_fdpass", 0)) == -1 ||
		    write(fd, argv[1], (size_t)n) != n || fstat(fd, &st) == -1)
			die("memfd");
		printf("child %ld: fd %d, inode %lu, %zd bytes\n",
		       (long)getpid(), fd, (unsigned long)st.st_ino, n);
		send_fd(sv[1], fd);
		exit(0); /* the file lives on: the message holds it now */
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	if (waitpid(pid, &status, 0) == -1)
		die("waitpid");
	if (fstat(fd, &st) == -1 || (n = pread(fd, buf, sizeof(buf), 0)) == -1)
		die("the descriptor received");
	printf("parent %ld: fd %d, inode %lu: \"%.*s\"\n", (long)getpid(), fd,
	       (unsigned long)st.st_ino, (int)n, buf);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
