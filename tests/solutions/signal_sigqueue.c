/* signal_sigqueue.c - the solution: send numbers with the signals.
 *
 * Run as a receiver, it prints its pid and waits for signals; run as a
 * sender, it sends one SIGUSR1 per number it was given, then SIGUSR2 to
 * end.  The receiver takes them with sigtimedwait() and counts them; but
 * the numbers themselves never travel, and while the receiver is busy or
 * stopped, SIGUSR1s merge into one.  Extend it: the sender sends each
 * number as the signal's value with sigqueue(), and the receiver prints
 * "value N" for each, in the order sent, then "end: COUNT values, sum
 * S".  Pick signals that queue instead of merging, and an end marker that
 * cannot overtake the numbers (signal(7): which real-time signal comes
 * first?).  The check stops the receiver while the sender sends.
 *
 *   run:    make build/bin/ex/signal_sigqueue
 *           build/bin/ex/signal_sigqueue recv &
 *           build/bin/ex/signal_sigqueue send $! 7 -3 42
 *   check:  make exercise signal_sigqueue
 *   hint:   docs/signal.md#exercises
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Real-time signals queue, each with its value, where a standard one
 * already pending is dropped; and of two pending, the lower number comes
 * first, so the end cannot overtake the values. */
#define SIG_VALUE SIGRTMIN
#define SIG_END	  (SIGRTMIN + 1)

static const char usage[] =
	"usage: signal_sigqueue recv | send PID NUMBER...\n"
	"recv waits (10 s at most) for what send sends it.\n";

static int
receive(void)
{
	struct timespec limit = {10, 0};
	long count = 0, sum = 0;
	siginfo_t info;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIG_VALUE);
	sigaddset(&set, SIG_END);
	/* Blocked, so they wait in the kernel until sigtimedwait takes
	 * them; before the pid is printed, so that none comes too early. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		perror("sigprocmask");
		return 1;
	}
	printf("receiver %ld: ready\n", (long)getpid());
	fflush(stdout); /* now: the sender waits for this line */
	for (;;) {
		int sig = sigtimedwait(&set, &info, &limit);

		if (sig == -1 && errno == EINTR)
			continue; /* stopped and continued: signal(7) */
		if (sig == -1) {
			perror("sigtimedwait: no signal for 10 s");
			return 1;
		}
		if (sig == SIG_END)
			break;
		count++;
		sum += info.si_value.sival_int;
		printf("receiver %ld: value %d\n", (long)getpid(),
		       info.si_value.sival_int);
	}
	printf("receiver %ld: end: %ld values, sum %ld\n", (long)getpid(),
	       count, sum);
	return 0;
}

static int
send_numbers(pid_t pid, int n, char **numbers)
{
	for (int i = 0; i < n; i++) {
		char *end;
		long v = strtol(numbers[i], &end, 10);

		if (*end != '\0' || end == numbers[i] || v < -1000000 ||
		    v > 1000000) {
			fprintf(stderr,
				"signal_sigqueue: %s: not a number "
				"from -1000000 to 1000000\n%s",
				numbers[i], usage);
			return 2;
		}
		if (sigqueue(pid, SIG_VALUE,
			     (union sigval){.sival_int = (int)v}) == -1) {
			perror("sigqueue"); /* EAGAIN: the queue is full */
			return 1;
		}
	}
	if (sigqueue(pid, SIG_END, (union sigval){.sival_int = n}) == -1) {
		perror("sigqueue the end");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long pid = argc > 2 ? atol(argv[2]) : 0;

	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout) == EOF;
	if (argc == 2 && strcmp(argv[1], "recv") == 0)
		return receive();
	if (argc > 2 && strcmp(argv[1], "send") == 0 && pid > 0)
		return send_numbers((pid_t)pid, argc - 3, argv + 3);
	fprintf(stderr, "signal_sigqueue: recv, or send PID NUMBER...\n%s",
		usage);
	return 2;
}
