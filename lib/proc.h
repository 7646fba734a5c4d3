/* proc.h - whether a process still runs: what a program asks of a peer
 * (a writer that may have died) and what the sweep asks of an object's
 * creator.
 */
#ifndef IPCLAB_PROC_H
#define IPCLAB_PROC_H

#include <sys/types.h>

/* Whether process pid runs (a process of another user counts; a zombie,
 * ended but not yet waited for, does not). */
int pid_alive(pid_t pid);

#endif
