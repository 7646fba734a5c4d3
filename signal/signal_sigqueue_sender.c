/* signal_sigqueue_sender.c - send standard and real-time signals to a pid.
 *
 * Checks that process PID is there (kill with signal 0) and is ready for
 * our signals (its /proc/PID/status), then sends a burst of BURST SIGUSR1
 * with kill(2) as fast as it can, and SIGUSR2 carrying BURST; then COUNT
 * SIGRTMIN with sigqueue(3), carrying 1..COUNT, and SIGRTMIN+1 carrying
 * COUNT.  See signal_sigqueue.h for why the receiver's pid comes with -p.
 * A receiver that goes away makes kill fail with ESRCH: we say so, exit 1.
 *
 *   $ build/bin/signal_sigqueue_receiver &
 *   signal_sigqueue_receiver 4242: waiting for signal_sigqueue_sender -p 4242
 *   $ build/bin/signal_sigqueue_sender -p $!
 *   signal_sigqueue_sender 4243: receiver 4242 is ready: ...
 *   signal_sigqueue_sender 4243: sent 1000 x SIGUSR1 to 4242 with kill() ...
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"
#include "parse.h"
#include "signal_sigqueue.h"

static const char usage[] =
	"usage: signal_sigqueue_sender -p PID [-b BURST] [-n COUNT] [-i MS] "
	"[-t SECONDS]\n"
	"Send signals to signal_sigqueue_receiver, process PID.\n"
	"  -p PID      the receiver's pid, as it printed it (required)\n"
	"  -b BURST    SIGUSR1 to send back to back (default 1000)\n"
	"  -n COUNT    real-time signals to queue (default 10)\n"
	"  -i MS       pause between real-time signals, to watch (default 100)\n"
	"  -t SECONDS  give up if PID is not ready for this long (default 10)\n"
	"  -h          show this help\n";

static unsigned long pid_arg, burst = 1000, count = 10, interval_ms = 100,
			      timeout_s = 10;
static pid_t receiver;

static void
parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, ":hp:b:n:i:t:")) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'p': /* 1 and up: 0 and -1 mean groups to kill(2) */
			opts_number(c, optarg, 1, INT_MAX, &pid_arg, usage);
			break;
		case 'b':
			opts_number(c, optarg, 1, 1000000, &burst, usage);
			break;
		case 'n':
			opts_number(c, optarg, 1, 1000000, &count, usage);
			break;
		case 'i':
			opts_number(c, optarg, 0, 60000, &interval_ms, usage);
			break;
		case 't':
			opts_number(c, optarg, 1, 3600, &timeout_s, usage);
			break;
		case ':':
			opts_usage_error(usage, "-%c: needs a value", optopt);
		default:
			opts_usage_error(usage, "-%c: unknown option", optopt);
		}
	}
	if (optind < argc)
		opts_usage_error(usage, "'%s': unexpected argument",
				 argv[optind]);
	if (pid_arg == 0)
		opts_usage_error(
			usage,
			"-p PID is required: the pid the receiver printed");
	receiver = (pid_t)pid_arg;
}

/* The mask on line "Name:\t<hex>" of a /proc/PID/status text, or 0. */
static unsigned long long
status_mask(const char *status, const char *name)
{
	const char *line = strstr(status, name);

	return line != NULL ? strtoull(line + strlen(name), NULL, 16) : 0;
}

/* Whether the receiver catches or blocks all four signals, so that none
 * of them can kill it.  In the masks, signal n is bit n - 1. */
static int
receiver_ready(void)
{
	int sigs[] = {SIG_BURST, SIG_BURST_END, SIG_DATA, SIG_DATA_END};
	unsigned long long safe;
	char path[64], status[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)receiver);
	f = fopen(path, "r");
	if (f == NULL && errno == ENOENT)
		die("receiver %ld went away before it was ready",
		    (long)receiver);
	if (f == NULL)
		die_errno("fopen %s", path);
	n = fread(status, 1, sizeof(status) - 1, f);
	fclose(f);
	status[n] = '\0';
	safe = status_mask(status, "\nSigBlk:\t") |
	       status_mask(status, "\nSigCgt:\t");
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!(safe & 1ULL << (sigs[i] - 1)))
			return 0;
	return 1;
}

/* Send sig with value (sigqueue) or without (kill); exit 1 if the
 * receiver is gone. */
static void
send_sig(int sig, int with_value, int value)
{
	union sigval v = {.sival_int = value};
	int rc = with_value ? sigqueue(receiver, sig, v) : kill(receiver, sig);

	if (rc == 0)
		return;
	if (errno == ESRCH)
		die("receiver %ld is gone (ESRCH)", (long)receiver);
	if (errno == EAGAIN) /* the queue of real-time signals is full */
		die_errno("sigqueue signal %d to %ld: its user has RLIMIT_"
			  "SIGPENDING (ulimit -i) signals queued already",
			  sig, (long)receiver);
	die_errno("%s signal %d to %ld", with_value ? "sigqueue" : "kill", sig,
		  (long)receiver);
}

int
main(int argc, char **argv)
{
	uint64_t deadline;
	long me = (long)getpid();

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signal 0 checks the pid without sending anything. */
	if (kill(receiver, 0) == -1) {
		if (errno == ESRCH)
			die("no process %ld (ESRCH): start "
			    "signal_sigqueue_receiver and give its pid",
			    (long)receiver);
		if (errno == EPERM)
			die("process %ld is not yours (EPERM): kill(2) signals "
			    "only processes of your own user",
			    (long)receiver);
		die_errno("kill %ld, 0", (long)receiver);
	}

	deadline = clock_ns() + timeout_s * NS_PER_S;
	while (!receiver_ready()) {
		if (clock_ns() > deadline)
			die("process %ld does not catch or block SIGUSR1, "
			    "SIGUSR2, SIGRTMIN and SIGRTMIN+1 after %lu s: not "
			    "a signal_sigqueue_receiver? sent nothing",
			    (long)receiver, timeout_s);
		sleep_ms(10);
	}
	printf("signal_sigqueue_sender %ld: receiver %ld is ready: its "
	       "SigCgt and SigBlk in /proc/%ld/status cover our signals\n",
	       me, (long)receiver, (long)receiver);

	/* The burst: no pause, nothing waits for the receiver. */
	for (unsigned long i = 0; i < burst; i++)
		send_sig(SIG_BURST, 0, 0);
	send_sig(SIG_BURST_END, 1, (int)burst);
	printf("signal_sigqueue_sender %ld: sent %lu x SIGUSR1 to %ld with "
	       "kill(), then SIGUSR2 with value %lu\n",
	       me, burst, (long)receiver, burst);

	for (unsigned long seq = 1; seq <= count; seq++) {
		send_sig(SIG_DATA, 1, (int)seq);
		printf("signal_sigqueue_sender %ld: queued SIGRTMIN #%lu to "
		       "%ld, value %lu\n",
		       me, seq, (long)receiver, seq);
		if (seq < count)
			sleep_ms((unsigned)interval_ms);
	}
	send_sig(SIG_DATA_END, 1, (int)count);
	printf("signal_sigqueue_sender %ld: queued SIGRTMIN+1 to %ld, value "
	       "%lu: that was all\n",
	       me, (long)receiver, count);
	return 0;
}
