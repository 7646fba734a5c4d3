/* io.h - reads and writes that move every byte asked for, and a wait for
 * something to read that gives up.
 *
 * read(2) and write(2) may move fewer bytes than asked (a pipe, a socket,
 * a signal arriving mid-call); these loop until done.
 */
#ifndef IPCLAB_IO_H
#define IPCLAB_IO_H

#include <sys/types.h>

/* Read exactly len bytes unless end of file comes first; retries EINTR.
 * Returns the number of bytes read (less than len only at end of file),
 * or -1 with errno set. */
ssize_t read_full(int fd, void *buf, size_t len);

/* Write all len bytes; retries EINTR and partial writes.  Returns len, or
 * -1 with errno set (EPIPE when the reader has gone). */
ssize_t write_full(int fd, const void *buf, size_t len);

/* write_full() for a socket: send(2) with MSG_NOSIGNAL, so a peer that
 * has gone makes it return -1 with errno EPIPE instead of killing the
 * process with SIGPIPE.  Returns len, or -1 with errno set. */
ssize_t send_full(int fd, const void *buf, size_t len);

/* Wait until a read of fd would not block (data, end of file, or an error
 * to report), timeout_ms at most, with poll(2); a signal does not end the
 * wait early.  Returns 1 when fd is ready, 0 when the time ran out, or -1
 * with errno set. */
int wait_readable(int fd, unsigned long timeout_ms);

#endif
