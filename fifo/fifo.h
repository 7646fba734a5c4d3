/* fifo.h - what fifo_writer and fifo_reader agree on.
 *
 * A FIFO (named pipe) is a pipe with a name in the file system, so that
 * two processes with no parent in common can find it.  Where that name
 * lives matters: a FIFO at a predictable path in /tmp can be made first
 * by another user, who then reads everything written to it.  So ours sits
 * in a directory of its own:
 *
 *   $TMPDIR/ipclab-<uid>-<name>/fifo      ($TMPDIR or /tmp)
 *
 * The reader creates that directory, mode 0700; the FIFO in it, mode 0600.
 *
 * Why not mkdtemp()?  A random directory name is the usual answer, and the
 * right one for a program that hands the path to its own child.  But
 * fifo_writer and fifo_reader are unrelated programs, started by hand: the
 * writer would have to be told the random name.  Instead the name is fixed
 * per user, and each side checks, before trusting it, that the directory
 * is private: a real directory (lstat, so not a symlink to somewhere
 * else), owned by us, and with no access for group or others.  Nobody else
 * can then create, replace, open or remove anything inside it.  Another
 * user can still make a directory of that name first, but we notice and
 * refuse (fifo_dir_check); the worst they achieve is that the demo will
 * not run.
 *
 * A fixed name also means the FIFO of a reader killed by SIGKILL is still
 * there when the next reader comes: mkfifo fails with EEXIST.  The reader
 * then asks whether anybody reads it (an O_NONBLOCK open for writing fails
 * with ENXIO when nobody does) and, if not, removes the stale one.
 *
 *   $ build/bin/fifo_reader &
 *   $ build/bin/fifo_writer
 *   $ ls -la /tmp/ipclab-$(id -u)-fifo     # gone once they are done
 */
#ifndef IPCLAB_FIFO_H
#define IPCLAB_FIFO_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "names.h"

#define FIFO_NAME     "fifo" /* default -N */
#define FIFO_FILE     "fifo" /* the FIFO's name inside the directory */
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

/* Write the directory "$TMPDIR/ipclab-<uid>-<name>" and the FIFO's path
 * in it into dir and path.  The directory is names_dir_template()'s name
 * without the ".XXXXXX" that mkdtemp would fill in.  Returns 0 or -1. */
static inline int
fifo_paths(char *dir, size_t dsize, char *path, size_t psize, const char *name)
{
	size_t len;

	if (names_dir_template(dir, dsize, name) == -1)
		return -1;
	len = strlen(dir);
	dir[len - strlen(".XXXXXX")] = '\0';
	if ((size_t)snprintf(path, psize, "%s/%s", dir, FIFO_FILE) >= psize) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Whether dir is private to us: a directory, not a symlink, owned by our
 * effective uid, with no permission for group or others.  Returns 0, -1
 * with errno ENOENT (not there), or -1 with errno EPERM and a reason in
 * *why. */
static inline int
fifo_dir_check(const char *dir, const char **why)
{
	struct stat st;

	*why = NULL;
	if (lstat(dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode))
		*why = "not a directory (a symlink?)";
	else if (st.st_uid != geteuid())
		*why = "owned by another user";
	else if ((st.st_mode & 077) != 0)
		*why = "open to group or others";
	if (*why == NULL)
		return 0;
	errno = EPERM;
	return -1;
}

#endif
