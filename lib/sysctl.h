/* sysctl.h - the kernel's IPC limits, read from /proc/sys.
 *
 * Each limit is one file under /proc/sys holding one number (what
 * sysctl(8) reads and sets), such as /proc/sys/kernel/msgmax, the largest
 * System V message in bytes.  A program that reads it can refuse a request
 * the kernel would turn down, naming the limit and its value, instead of
 * failing with a bare EINVAL.  (Not "limits.h": that is the C library's.)
 */
#ifndef IPCLAB_SYSCTL_H
#define IPCLAB_SYSCTL_H

/* System V message queues (proc(5), msgop(2)). */
#define SYSCTL_MSGMAX "/proc/sys/kernel/msgmax" /* bytes in one message */
#define SYSCTL_MSGMNB "/proc/sys/kernel/msgmnb" /* bytes a queue holds */
#define SYSCTL_MSGMNI "/proc/sys/kernel/msgmni" /* queues on the machine */

/* POSIX message queues (mq_overview(7)). */
#define SYSCTL_MQ_MSG_MAX     "/proc/sys/fs/mqueue/msg_max"
#define SYSCTL_MQ_MSGSIZE_MAX "/proc/sys/fs/mqueue/msgsize_max"
#define SYSCTL_MQ_QUEUES_MAX  "/proc/sys/fs/mqueue/queues_max"

/* Read the one unsigned decimal number in the file at path (a trailing
 * newline is allowed) into *out.  Returns 0, or -1 with errno set: ENOENT
 * if this kernel has no such file, EINVAL if the file holds anything but
 * one number (several, as /proc/sys/kernel/sem does, or a negative one),
 * ERANGE if it does not fit in an unsigned long. */
int sysctl_read(const char *path, unsigned long *out);

#endif
