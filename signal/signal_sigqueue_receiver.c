/* signal_sigqueue_receiver.c - count a burst of signals, take queued ones.
 *
 * Prints its pid and waits (a bounded time) for signal_sigqueue_sender.
 * First the classic way, for the standard signals: handlers installed
 * with sigaction(2), and sigsuspend(2) to wait for the one that ends the
 * burst; it counts how many of the sender's SIGUSR1 its handler saw.  Then
 * the synchronous way, for the real-time ones: they stay blocked, queued
 * in the kernel, and are taken one by one with sigtimedwait(2)
 * (sigwaitinfo with a time limit); each carries its sequence number as
 * payload, and must come in order.  A sender that dies makes it stop with
 * exit 1.  signal_signalfd_receiver does the same with a file descriptor.
 *
 *   $ build/bin/signal_sigqueue_receiver &
 *   signal_sigqueue_receiver 4242: waiting for signal_sigqueue_sender -p 4242
 *   $ build/bin/signal_sigqueue_sender -p $!
 *   ...
 *   signal_sigqueue_receiver 4242: #3/10 SIGRTMIN from 4243, value 3
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"
#include "signal_sigqueue.h"
#include "proc.h"

static const char usage[] =
	"usage: signal_sigqueue_receiver [-t SECONDS]\n"
	"Receive what signal_sigqueue_sender -p <this pid> sends.\n"
	"  -t SECONDS  give up if no sender comes for this long (default 10)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"signal", 0, 0, 10};

/* What the handlers tell main.  volatile sig_atomic_t is the one type C
 * promises a handler may store to and main may read. */
static volatile sig_atomic_t burst_seen, burst_sent, burst_over, sender;

/* SIGUSR1.  It is not blocked, so it may run between any two
 * instructions of main: even between a call that failed and the line that
 * reads errno.  Nothing here changes errno, but saving it costs nothing
 * and keeps main right the day someone adds a write(2) here (see
 * signal_broken_errno).  Only async-signal-safe work: two stores. */
static void
on_burst(int sig, siginfo_t *info, void *ctx)
{
	int saved = errno;

	(void)sig;
	(void)ctx;
	burst_seen++;
	if (sender == 0)
		sender = info->si_pid; /* the kernel fills it in */
	errno = saved;
}

/* SIGUSR2: the burst is over; its value says how many were sent. */
static void
on_burst_end(int sig, siginfo_t *info, void *ctx)
{
	int saved = errno;

	(void)sig;
	(void)ctx;
	burst_sent = info->si_value.sival_int;
	sender = info->si_pid;
	burst_over = 1;
	errno = saved;
}

/* SIGALRM: nothing to do; it only ends a sigsuspend, which has no time
 * limit of its own, so that main can look at the clock and its peer. */
static void
on_tick(int sig)
{
	(void)sig;
}

/* Take one pending signal sig, waiting up to ms: sigtimedwait is
 * sigwaitinfo with a time limit.  The signal must be blocked, or it would
 * be delivered (and kill us) instead of waiting to be taken.  Returns 1
 * with its sender and value, or 0 if none came in time. */
static int
take(int sig, unsigned ms, pid_t *from, int *value)
{
	struct timespec wait = {ms / 1000, (long)(ms % 1000) * 1000000L};
	siginfo_t info;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	while (sigtimedwait(&set, &info, &wait) == -1) {
		if (errno == EAGAIN) /* ms went by */
			return 0;
		if (errno != EINTR) /* EINTR: our SIGUSR1 handler ran */
			die_errno("sigtimedwait signal %d", sig);
	}
	*from = info.si_pid;
	*value = info.si_value.sival_int;
	return 1;
}

/* Whether the sender is gone for good and sig will not come from it.
 * The order of the two looks is the point.  The sender sends before it
 * exits, and kill(2) makes a signal pending before it returns; so once
 * the sender is seen gone, all it ever sent is pending here, blocked
 * until we take it.  Seen gone first, then nothing pending: it never
 * sent sig.  (Asking only whether it is alive would call a sender that
 * sent sig and exited, while we were between two waits, "gone".) */
static int
gone_without(int sig)
{
	sigset_t pending;

	if (pid_alive(sender))
		return 0;
	if (sigpending(&pending) == -1)
		die_errno("sigpending");
	return !sigismember(&pending, sig);
}

/* The "SigQ:" line of /proc/self/status, for the learner to see. */
static void
print_sigq(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		die_errno("fopen /proc/self/status");
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "SigQ:", 5) == 0)
			printf("signal_sigqueue_receiver %ld: /proc/self/status "
			       "%s",
			       (long)getpid(), line);
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct itimerval tick = {{0, SIGNAL_POLL_MS * 1000}, {0, 1}}, off = {0};
	struct sigaction sa = {0};
	sigset_t block, wait_mask;
	long me = (long)getpid();
	uint64_t deadline;
	int value, n;
	pid_t from;

	opts_parse(&opt, "t", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Block before installing: the sender waits until /proc shows our
	 * signals caught or blocked, and then any may come at once. */
	sigemptyset(&block);
	sigaddset(&block, SIG_BURST_END);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIG_DATA);
	sigaddset(&block, SIG_DATA_END);
	if (sigprocmask(SIG_BLOCK, &block, &wait_mask) == -1)
		die_errno("sigprocmask");
	/* sigsuspend's mask: the one we had, less the two that wake it,
	 * plus the two that must wait until we take them. */
	sigdelset(&wait_mask, SIG_BURST_END);
	sigdelset(&wait_mask, SIGALRM);
	sigaddset(&wait_mask, SIG_DATA);
	sigaddset(&wait_mask, SIG_DATA_END);

	sa.sa_sigaction = on_burst;
	/* SA_SIGINFO: three arguments, with the sender's pid and value.
	 * SA_RESTART: a slow call this handler interrupts (printf's write to
	 * a full pipe, a read from a terminal) is restarted by the kernel
	 * instead of failing with EINTR.  sigsuspend, sigtimedwait and poll
	 * are never restarted: signal(7) lists them. */
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIG_BURST, &sa, NULL) == -1)
		die_errno("sigaction SIGUSR1");
	sa.sa_sigaction = on_burst_end;
	if (sigaction(SIG_BURST_END, &sa, NULL) == -1)
		die_errno("sigaction SIGUSR2");
	sa.sa_handler = on_tick;
	sa.sa_flags = 0;
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		die_errno("sigaction SIGALRM");
	if (setitimer(ITIMER_REAL, &tick, NULL) == -1) /* every 100 ms */
		die_errno("setitimer");

	printf("signal_sigqueue_receiver %ld: waiting for "
	       "signal_sigqueue_sender -p %ld\n",
	       me, me);
	/* Check the flag with SIGUSR2 blocked, then atomically unblock it
	 * and sleep: sigsuspend.  A signal that came after the check is
	 * still pending, and ends the sleep at once.  (pause() after the
	 * check would miss it and sleep on: see signal_broken_race.) */
	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	while (!burst_over) {
		if (sigsuspend(&wait_mask) != -1 || errno != EINTR)
			die_errno("sigsuspend"); /* it only returns -1, EINTR */
		if (sender == 0 && clock_ns() > deadline)
			die("no sender in %lu s: run signal_sigqueue_sender "
			    "-p %ld",
			    opt.timeout_s, me);
		if (sender != 0 && !burst_over &&
		    gone_without(SIG_BURST_END))
			die("sender %ld went away in the burst", (long)sender);
	}
	if (setitimer(ITIMER_REAL, &off, NULL) == -1)
		die_errno("setitimer off");
	take(SIGALRM, 0, &from, &value); /* a last tick, pending: drop it */
	printf("signal_sigqueue_receiver %ld: SIGUSR2 from %ld: it sent %d x "
	       "SIGUSR1; my handler ran for %d of them\n",
	       me, (long)sender, (int)burst_sent, (int)burst_seen);

	/* The real-time signals pile up, blocked, until the last one. */
	while (!take(SIG_DATA_END, SIGNAL_POLL_MS, &from, &n))
		if (gone_without(SIG_DATA_END))
			die("sender %ld went away before SIGRTMIN+1",
			    (long)sender);
	printf("signal_sigqueue_receiver %ld: SIGRTMIN+1 from %ld: it queued "
	       "%d x SIGRTMIN; taking them with sigtimedwait\n",
	       me, (long)from, n);
	print_sigq();
	for (int seq = 1; seq <= n; seq++) {
		if (!take(SIG_DATA, 0, &from, &value))
			die("only %d of %d SIGRTMIN were queued", seq - 1, n);
		if (value != seq)
			die("SIGRTMIN #%d carried value %d", seq, value);
		printf("signal_sigqueue_receiver %ld: #%d/%d SIGRTMIN from "
		       "%ld, value %d\n",
		       me, seq, n, (long)from, value);
	}
	printf("signal_sigqueue_receiver %ld: all %d real-time signals came, "
	       "in order; %d of %d SIGUSR1 did\n",
	       me, n, (int)burst_seen, (int)burst_sent);
	return 0;
}
