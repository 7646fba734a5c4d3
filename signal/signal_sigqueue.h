/* signal_sigqueue.h - what signal_sigqueue_sender and _receiver agree on.
 *
 * Signals carry almost nothing: a number, the sender's pid and uid, and
 * with sigqueue(3) one int (or pointer) of payload.  The pair uses four:
 *
 *   SIG_BURST  SIGUSR1, sent BURST times back to back with kill(2): the
 *              receiver counts how many times its handler runs.  Standard
 *              signals do not queue: a second one sent while the first is
 *              still pending is merged into it, so the count is less.
 *   SIG_BURST_END  SIGUSR2, sigqueue'd once after the burst, its value the
 *              number of SIGUSR1 sent.
 *   SIG_DATA   SIGRTMIN, sigqueue'd COUNT times with the values 1..COUNT.
 *              Real-time signals queue: every one arrives, in order.
 *   SIG_DATA_END  SIGRTMIN+1, sigqueue'd once after them, its value COUNT.
 *
 * The receiver is started first and prints its pid; the sender is given
 * it with -p.  No file to create, find and remove: the pid is all kill(2)
 * needs, and the shell hands it over in $!.  A signal the receiver is not
 * ready for would kill it (the default action of all four is to
 * terminate), so the sender first waits until /proc/PID/status shows the
 * four caught or blocked; a process that never does is not a receiver,
 * and is left alone.
 *
 *   $ build/bin/signal_sigqueue_receiver &
 *   $ build/bin/signal_sigqueue_sender -p $!
 */
#ifndef IPCLAB_SIGNAL_SIGQUEUE_H
#define IPCLAB_SIGNAL_SIGQUEUE_H

#include <signal.h>

#define SIG_BURST     SIGUSR1
#define SIG_BURST_END SIGUSR2
#define SIG_DATA      (SIGRTMIN)     /* a function call in glibc: not a */
#define SIG_DATA_END  (SIGRTMIN + 1) /* constant, so never in a case label */

#define SIGNAL_POLL_MS 100 /* how often a waiting side checks its peer */

#endif
