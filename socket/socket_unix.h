/* socket_unix.h - what socket_unix_server and socket_unix_client agree on.
 *
 * A UNIX domain socket is found by a path in the file system, like a FIFO.
 * Where to put that file is the first question.  A fixed path such as
 * /tmp/ipclab.sock lets any other user create it first (or a symlink of
 * that name) and so stand in for our server; so the server makes a private
 * directory, mode 0700, with mkdtemp(): $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX,
 * the server's pid (so a sweep can tell when it is gone) and six X's, a
 * random suffix; and binds the socket file "socket" in it.
 *
 * A random name cannot be guessed, by other users or by our own client: so
 * the server prints the path ("... listening on PATH")
 * and the client is told it with -p PATH.  That is the honest rendezvous;
 * `make run-socket` reads the line and passes the path on
 * (tools/with-server.sh).
 *
 * The other way, Linux only: the abstract namespace (-a on both sides).
 * A sun_path that begins with a NUL byte names no file at all; the name,
 * @ipclab-<uid>-NAME as ss(8) shows it, lives in the kernel until the
 * socket is closed, so nothing is ever left behind.  But any process of
 * any user in the same network namespace may connect to it or take the
 * name first: the server checks the peer's uid (SO_PEERCRED) and the
 * client checks the server's.
 *
 * sun_path is 108 bytes on Linux, room for a 107-byte path and its NUL.  A
 * longer path does not fit in struct sockaddr_un at all, and code that
 * copies it in with strncpy() binds or connects to a cut-off path, another
 * file; both programs check the length first and say so plainly.
 *
 *   $ build/bin/socket_unix_server -k 2 &
 *   socket_unix_server 4242: listening on /tmp/ipclab-1000-socket-unix.4242.k3Xz9a/socket
 *   $ build/bin/socket_unix_client -p /tmp/ipclab-1000-socket-unix.4242.k3Xz9a/socket
 */
#ifndef IPCLAB_SOCKET_UNIX_H
#define IPCLAB_SOCKET_UNIX_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SOCKET_UNIX_NAME "socket-unix" /* default -N */
#define SOCKET_UNIX_FILE "socket"      /* the file in the private directory */
#define SOCKET_UNIX_PATH_MAX                                                   \
	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1) /* 107 */

/* Fill *sa and *len for path; abstract: path is a name for the abstract
 * namespace (no file, a leading NUL byte).  Returns 0, or -1 with errno
 * ENAMETOOLONG if it does not fit in sun_path: never a cut-off path; or
 * EINVAL for an empty path, whose sun_path of NULs the kernel would take
 * for an abstract name. */
static inline int
socket_unix_addr(struct sockaddr_un *sa, socklen_t *len, const char *path,
		 int abstract)
{
	size_t n = strlen(path);

	if (n == 0 && !abstract) {
		errno = EINVAL;
		return -1;
	}
	if (n + (abstract ? 1 : 0) > SOCKET_UNIX_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + (abstract ? 1 : 0), path, n);
	/* An abstract name is exactly the bytes given, NULs and all: say how
	 * many.  A path is NUL-terminated; the whole struct is fine. */
	*len = abstract ? (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				      1 + n)
			: (socklen_t)sizeof(*sa);
	return 0;
}

#endif
