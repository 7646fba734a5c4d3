/* err.h - error reporting shared by every ipclab program.
 *
 * Messages name the program, the call, the object and the error:
 *     shm_sysv_writer: shmget key 0x1c3a9f07: File exists (EEXIST)
 * die*() run the exit path (atexit handlers, so the cleanup registry
 * removes what the process created) and exit 1.  Library functions never
 * call them: they return -1 with errno set and let the program decide.
 */
#ifndef IPCLAB_ERR_H
#define IPCLAB_ERR_H

#define IPCLAB_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Print "prog: MESSAGE: strerror(errno) (ENAME)" to stderr and exit 1. */
_Noreturn void die_errno(const char *fmt, ...) IPCLAB_PRINTF(1, 2);

/* Print "prog: MESSAGE" to stderr and exit 1. */
_Noreturn void die(const char *fmt, ...) IPCLAB_PRINTF(1, 2);

/* Print "prog: MESSAGE: strerror(errno) (ENAME)" to stderr and go on. */
void warn_errno(const char *fmt, ...) IPCLAB_PRINTF(1, 2);

/* Print "prog: MESSAGE" to stderr and go on. */
void warn_msg(const char *fmt, ...) IPCLAB_PRINTF(1, 2);

/* The symbolic name of an errno value ("EEXIST"), or "E?" if unknown. */
const char *errno_name(int err);

/* The short name this program was started as (no directory). */
const char *prog_name(void);

#endif
