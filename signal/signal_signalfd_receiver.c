/* signal_signalfd_receiver.c - take signals by reading a file descriptor.
 *
 * The same receiver as signal_sigqueue_receiver, for the same sender, the
 * modern (Linux-only) way: no handler at all.  All four signals stay
 * blocked, so none is ever delivered; a signalfd(2) hands them over as
 * records read(2) from a descriptor, each with the sender's pid and the
 * value.  A descriptor can be waited on with poll(2), with a timeout, next
 * to sockets and pipes; and with no handler there is nothing that can run
 * in the middle of main, so no errno to save and no async-signal-safety
 * to think about.  What the signals themselves do is unchanged: the
 * SIGUSR1 of a burst still merge while one is pending, the real-time ones
 * still queue, and come in order.
 *
 *   $ build/bin/signal_signalfd_receiver &
 *   signal_signalfd_receiver 4242: waiting for signal_sigqueue_sender -p 4242
 *   $ build/bin/signal_sigqueue_sender -p $!
 *   ...
 *   signal_signalfd_receiver 4242: #3/10 SIGRTMIN from 4243, value 3
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"
#include "signal_sigqueue.h"
#include "proc.h"

static const char usage[] =
	"usage: signal_signalfd_receiver [-t SECONDS]\n"
	"Receive what signal_sigqueue_sender -p <this pid> sends, through a\n"
	"signalfd.\n"
	"  -t SECONDS  give up if no sender comes for this long (default 10)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"signal", 0, 0, 10};
static int sfd; /* the signalfd */
static pid_t sender;

/* Read the next of the signals in want from the signalfd, waiting up to
 * ms.  Returns 1 with the record in *si, or 0 if none came in time. */
static int
take(const sigset_t *want, int ms, struct signalfd_siginfo *si)
{
	struct pollfd p = {.fd = sfd, .events = POLLIN};

	/* The same descriptor, aimed at other signals: those left out stay
	 * pending (blocked) until a later call asks for them. */
	if (signalfd(sfd, want, 0) == -1)
		die_errno("signalfd %d", sfd);
	if (poll(&p, 1, ms) == -1)
		die_errno("poll signalfd %d", sfd); /* no handler: no EINTR */
	if (read(sfd, si, sizeof(*si)) == (ssize_t)sizeof(*si))
		return 1;
	if (errno != EAGAIN) /* EAGAIN: nothing there, ms went by */
		die_errno("read signalfd %d", sfd);
	return 0;
}

/* Wait for the next of want from our sender, checking every
 * SIGNAL_POLL_MS that it still runs; before it is known, give up at
 * deadline. */
static void
wait_for(const sigset_t *want, uint64_t deadline, struct signalfd_siginfo *si)
{
	while (!take(want, SIGNAL_POLL_MS, si)) {
		if (sender == 0 && clock_ns() > deadline)
			die("no sender in %lu s: run signal_sigqueue_sender "
			    "-p %ld",
			    opt.timeout_s, (long)getpid());
		/* Gone?  Then one last look, in this order.  The sender
		 * sends before it exits, and kill(2) makes a signal
		 * pending before it returns: once it is seen gone, all it
		 * ever sent is here.  It may have sent and exited between
		 * our take and this check. */
		if (sender != 0 && !pid_alive(sender)) {
			if (take(want, 0, si))
				break;
			die("sender %ld went away", (long)sender);
		}
	}
	if (sender == 0)
		sender = (pid_t)si->ssi_pid;
}

int
main(int argc, char **argv)
{
	sigset_t all, burst, end, data;
	struct signalfd_siginfo si;
	long me = (long)getpid();
	int seen = 0, sent, n;
	uint64_t deadline;

	opts_parse(&opt, "t", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigemptyset(&burst);
	sigaddset(&burst, SIG_BURST);
	sigaddset(&burst, SIG_BURST_END);
	sigemptyset(&end);
	sigaddset(&end, SIG_DATA_END);
	sigemptyset(&data);
	sigaddset(&data, SIG_DATA);
	all = burst;
	sigaddset(&all, SIG_DATA);
	sigaddset(&all, SIG_DATA_END);
	/* Blocked, all four, for good: a signalfd only sees signals that
	 * are not delivered the usual way. */
	if (sigprocmask(SIG_BLOCK, &all, NULL) == -1)
		die_errno("sigprocmask");
	sfd = signalfd(-1, &burst, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd == -1)
		die_errno("signalfd");

	printf("signal_signalfd_receiver %ld: waiting for "
	       "signal_sigqueue_sender -p %ld\n",
	       me, me);
	/* The burst: count the SIGUSR1 records until SIGUSR2 says how many
	 * were sent.  If both are pending, the lower number, SIGUSR1, is
	 * read first. */
	deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	do {
		wait_for(&burst, deadline, &si);
		seen += (int)si.ssi_signo == SIG_BURST;
	} while ((int)si.ssi_signo != SIG_BURST_END);
	sent = si.ssi_int;
	printf("signal_signalfd_receiver %ld: SIGUSR2 from %ld: it sent %d x "
	       "SIGUSR1; I read %d of them\n",
	       me, (long)sender, sent, seen);

	/* The real-time signals pile up, blocked, until the last one. */
	wait_for(&end, 0, &si);
	n = si.ssi_int;
	printf("signal_signalfd_receiver %ld: SIGRTMIN+1 from %ld: it queued "
	       "%d x SIGRTMIN; reading them from the signalfd\n",
	       me, (long)si.ssi_pid, n);
	for (int seq = 1; seq <= n; seq++) {
		if (!take(&data, 0, &si))
			die("only %d of %d SIGRTMIN were queued", seq - 1, n);
		if (si.ssi_int != seq)
			die("SIGRTMIN #%d carried value %d", seq, si.ssi_int);
		printf("signal_signalfd_receiver %ld: #%d/%d SIGRTMIN from "
		       "%ld, value %d\n",
		       me, seq, n, (long)si.ssi_pid, si.ssi_int);
	}
	if (close(sfd) == -1)
		die_errno("close signalfd %d", sfd);
	printf("signal_signalfd_receiver %ld: all %d real-time signals came, "
	       "in order; %d of %d SIGUSR1 did\n",
	       me, n, seen, sent);
	return 0;
}
