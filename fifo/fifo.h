/* fifo.h - what fifo_writer and fifo_reader agree on.
 *
 * A FIFO (named pipe) is a pipe with a name in the file system, so that
 * two processes with no parent in common can find it.  Where that name
 * lives matters: a FIFO at a predictable path in /tmp can be made first
 * by another user, who then reads everything written to it.  So the
 * reader makes a directory of its own with mkdtemp(), mode 0700, and the
 * FIFO "fifo" in it, mode 0600:
 *
 *   $TMPDIR/ipclab-<uid>-NAME.PID.XXXXXX/fifo  ($TMPDIR or /tmp; X random)
 *
 * Nobody can guess that name, and nobody else may enter the directory.
 * Our writer cannot guess it either: the reader prints it ("... listening
 * on PATH") and the writer is told with -p PATH, as a socket client is
 * told its server's path or port.  The reader removes both at the end.
 *
 * The other way: a server restarted at a well-known place, a path the
 * user chooses (fifo_reader -p PATH).  Then the directory is the user's,
 * made beforehand, and both sides check it is private before they trust
 * it (fifo_dir_open: a real directory, not a symlink, ours, no access
 * for group or others, checked on the open directory and used only
 * through it); the reader removes only the FIFO.  A fixed path
 * brings back a problem mkdtemp never has: a reader killed by SIGKILL
 * leaves its FIFO, and the next one's mkfifo fails with EEXIST.  It then
 * asks whether anybody reads that FIFO (fifo_has_reader_at) and, if
 * nobody does, replaces it.  The directory a killed reader made itself is
 * removed by the next reader of the name (sweep_stale_dirs, sweep.h).
 *
 *   $ build/bin/fifo_reader                              # terminal 1
 *   fifo_reader 4242: ... listening on /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo
 *   $ build/bin/fifo_writer -p /tmp/ipclab-1000-fifo.4242.k3Xz9a/fifo   # 2
 *
 *   $ mkdir -m 700 ~/run; build/bin/fifo_reader -p ~/run/fifo -n 5 &
 *   $ build/bin/fifo_writer -p ~/run/fifo
 */
#ifndef IPCLAB_FIFO_H
#define IPCLAB_FIFO_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "names.h"

#define FIFO_NAME     "fifo" /* default -N */
#define FIFO_FILE     "fifo" /* the FIFO's name in a directory of its own */
#define FIFO_PATH_MAX 4096   /* room for a path, -p's or ours */
#define FIFO_TEXT_MAX 64
#define FIFO_POLL_MS  100 /* how often a waiting side checks its peer */

/* One message.  88 bytes: far below PIPE_BUF (4096), so each write() of
 * one is atomic, and messages of several writers never mix. */
struct fifo_msg {
	pid_t writer;		  /* pid of the process that wrote it */
	unsigned long seq;	  /* 1, 2, ... total */
	unsigned long total;	  /* how many messages the writer sends */
	char text[FIFO_TEXT_MAX]; /* the message itself */
};

/* Write the directory part of path into dir ("." if it has none).
 * Returns 0, or -1 with errno ENAMETOOLONG. */
static inline int
fifo_dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash == NULL ? 0 : (size_t)(slash - path);

	if (slash == NULL)
		path = ".", len = 1;
	else if (len == 0)
		len = 1; /* "/fifo": the root */
	if (len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, len);
	dir[len] = '\0';
	return 0;
}

/* The last component of path: what follows its last '/'. */
static inline const char *
fifo_base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash == NULL ? path : slash + 1;
}

/* Open directory dir, and check that it is private to us: a directory,
 * not a symlink (O_NOFOLLOW), owned by our effective uid, with no
 * permission for group or others.  The check is made on the descriptor
 * (fstat), and every later step is made relative to it (mkfifoat,
 * openat, unlinkat): so nothing can be swapped between the check and the
 * use, and no "..", "." or symlink earlier in the path can lead the check
 * to one directory and the use to another.  Returns the descriptor, or -1
 * with errno ENOENT (not there), or with errno EPERM and a reason in
 * *why. */
static inline int
fifo_dir_open(const char *dir, const char **why)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	*why = NULL;
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR) {
			*why = "not a directory (a symlink?)";
			errno = EPERM;
		}
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (st.st_uid != geteuid())
		*why = "owned by another user";
	else if ((st.st_mode & 077) != 0)
		*why = "open to group or others";
	if (*why == NULL)
		return fd;
	close(fd);
	errno = EPERM;
	return -1;
}

/* Whether anybody has the FIFO name (in directory dfd) open for reading
 * (even a reader still waiting in its open()): an open for writing with
 * O_NONBLOCK succeeds if so and fails with ENXIO if not.  Returns 1 or 0,
 * or -1 with errno set (ELOOP: a symlink, never followed).  The open,
 * brief as it is, wakes a reader waiting in open(), which then reads end
 * of file before any message. */
static inline int
fifo_has_reader_at(int dfd, const char *name)
{
	int fd = openat(dfd, name,
			O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	if (fd != -1) {
		close(fd);
		return 1;
	}
	return errno == ENXIO ? 0 : -1;
}

/* Make the FIFO name in directory dfd, mode 0600.  If the name is taken
 * by a FIFO of ours that nobody reads -- left there by a reader killed
 * with SIGKILL -- remove it and make a new one.  Returns 0, 1 if it
 * replaced a stale FIFO, or -1 with errno: EBUSY (a reader has it open),
 * EEXIST (something else is there, or another user's FIFO), or as
 * mkfifoat(3). */
static inline int
fifo_make_at(int dfd, const char *name)
{
	int stale = 0, r;
	struct stat st;

	for (int tries = 0; mkfifoat(dfd, name, 0600) == -1; tries++) {
		if (errno != EEXIST || tries == 3)
			return -1;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue; /* removed meanwhile: try again */
		if (!S_ISFIFO(st.st_mode) || st.st_uid != geteuid()) {
			errno = EEXIST; /* not our FIFO: not ours to replace */
			return -1;
		}
		if ((r = fifo_has_reader_at(dfd, name)) == 1)
			errno = EBUSY;
		if (r == 1 || (r == -1 && errno != ENOENT))
			return -1;
		if (r == 0 && unlinkat(dfd, name, 0) == -1 && errno != ENOENT)
			return -1;
		stale = 1; /* nobody read it, and it is gone */
	}
	return stale;
}

/* Whether dir is a directory fifo_reader made: in names_tmp_dir(), named
 * as names_dir_template() names ours ("ipclab-<uid>-NAME.PID.XXXXXX",
 * our uid).  Such a directory is the reader's to remove; a directory
 * given with -p is the user's, and stays.  The name only: the caller has
 * the directory open with fifo_dir_open(), which checked the rest. */
static inline int
fifo_dir_is_temp(const char *dir)
{
	const char *tmp = names_tmp_dir(), *base = fifo_base_of(dir);
	char name[NAMES_SHORT_MAX + 1];
	size_t len = strlen(tmp);
	uid_t uid;
	pid_t pid;

	return strncmp(dir, tmp, len) == 0 && dir + len + 1 == base &&
	       dir[len] == '/' &&
	       names_dir_parse(base, &uid, &pid, name, sizeof(name)) &&
	       uid == getuid();
}

#endif
