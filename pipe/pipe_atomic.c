/* pipe_atomic.c - two writers, one pipe: which writes stay whole?
 *
 * POSIX promises that a write of at most PIPE_BUF bytes (4096 on Linux) to
 * a pipe is atomic: its bytes land together, never mixed with another
 * writer's.  A larger write has no such promise.  When the pipe cannot
 * take all of it, the writer puts in what fits and sleeps; meanwhile the
 * other writer may get its turn, and the reader sees one record cut into
 * pieces with the other's bytes in between.
 *
 * This program forks two writers that share one pipe and each send COUNT
 * records of SIZE bytes, one write() per record, as fast as they can.  A
 * record is its writer's number and sequence number followed by a pattern
 * made from both (lib/payload.h).  The parent reads SIZE bytes at a time
 * and checks each chunk: a chunk that is not exactly one writer's next
 * record is counted as interleaved.  It does this for four sizes:
 *   4096    PIPE_BUF: atomic by promise, never interleaved;
 *   8192    over PIPE_BUF, but it fits in the pipe: Linux happens to move
 *           it in one piece whenever the pipe has room, so it is rarely
 *           or never interleaved -- luck, not a promise;
 *   65536   the whole pipe (F_GETPIPE_SZ): whole only when the pipe is empty;
 *   262144  more than the pipe holds: cut every time.
 * The counts for the last three depend on timing and change from run to
 * run; the first is always 0.
 *
 *   $ build/bin/pipe_atomic
 *   pipe_atomic 4242: size 4096 (<= PIPE_BUF): writers 4243 and 4244 send 200 records each
 *   pipe_atomic 4242: size 4096: 400 chunks read, 400 whole, 0 interleaved
 *   ...
 *   pipe_atomic 4242: size 262144: 400 chunks read, 0 whole, 400 interleaved
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "opts.h"
#include "payload.h"

#define HEAD 8 /* bytes of a record's header: writer (1 or 2), seq */

static const char usage[] =
	"usage: pipe_atomic [-n COUNT]\n"
	"Two writers share a pipe; count the records that arrive interleaved,\n"
	"for records of PIPE_BUF bytes and of 16 * PIPE_BUF.\n"
	"  -n COUNT    records each writer sends, per size (default 200)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"pipe", 200, 0, 10};

/* The pattern of writer w's record k: both numbers in one. */
static uint64_t
tag(uint32_t w, uint32_t k)
{
	return (uint64_t)w << 32 | k;
}

/* Writer w: COUNT records of size bytes, each in one write(). */
static _Noreturn void
writer(int wfd, uint32_t w, size_t size)
{
	unsigned char *rec = malloc(size);

	if (rec == NULL)
		die_errno("writer %u: malloc", w);
	for (uint32_t k = 1; k <= opt.count; k++) {
		memcpy(rec, &w, 4);
		memcpy(rec + 4, &k, 4);
		payload_fill(rec + HEAD, size - HEAD, tag(w, k));
		if (write_full(wfd, rec, size) == -1)
			die_errno("writer %u: write record %u", w, k);
	}
	free(rec);
	exit(0);
}

/* Start both writers on one pipe; read it all; report what came whole. */
static int
round_of(size_t size)
{
	unsigned long chunks = 0, whole = 0, mixed = 0;
	uint32_t next[3] = {0, 1, 1}, w, k;
	unsigned char *chunk;
	pid_t pid[2], me = getpid();
	int fds[2], status;
	ssize_t n;

	if (pipe(fds) == -1)
		die_errno("pipe");
	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == -1)
			die_errno("fork");
		if (pid[i] == 0) {
			close(fds[0]);
			writer(fds[1], (uint32_t)i + 1, size);
		}
	}
	if (close(fds[1]) == -1) /* end of file once both writers exit */
		die_errno("close write end");
	chunk = malloc(size); /* after fork: the writers need none */
	if (chunk == NULL)
		die_errno("malloc %zu", size);
	printf("pipe_atomic %ld: size %zu (%s PIPE_BUF): writers %ld and %ld "
	       "send %lu records each\n",
	       (long)me, size, size <= PIPE_BUF ? "<=" : ">", (long)pid[0],
	       (long)pid[1], opt.count);

	while ((n = read_full(fds[0], chunk, size)) == (ssize_t)size) {
		chunks++;
		memcpy(&w, chunk, 4);
		memcpy(&k, chunk + 4, 4);
		/* Whole: a known writer, its next record, every byte its. */
		if ((w == 1 || w == 2) && k == next[w] &&
		    payload_verify(chunk + HEAD, size - HEAD, tag(w, k),
				   NULL) == 0) {
			whole++;
			next[w]++;
		} else {
			mixed++;
		}
	}
	if (n == -1)
		die_errno("read");
	if (n != 0)
		die("%zd bytes left over: not a whole number of records", n);
	for (int i = 0; i < 2; i++) {
		if (waitpid(pid[i], &status, 0) == -1)
			die_errno("waitpid %ld", (long)pid[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("writer %ld failed (status 0x%x)", (long)pid[i],
			    (unsigned)status);
	}
	close(fds[0]);
	free(chunk);
	printf("pipe_atomic %ld: size %zu: %lu chunks read, %lu whole, %lu "
	       "interleaved\n",
	       (long)me, size, chunks, whole, mixed);
	return mixed != 0;
}

int
main(int argc, char **argv)
{
	int mixed_small, mixed_big;

	opts_parse(&opt, "n", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("signal SIGPIPE");
	mixed_small = round_of(PIPE_BUF);
	mixed_big = round_of(2 * PIPE_BUF);
	mixed_big |= round_of(16 * PIPE_BUF);
	mixed_big |= round_of(64 * PIPE_BUF);
	if (mixed_small) /* the kernel broke its promise: say so loudly */
		die("records of PIPE_BUF bytes were interleaved");
	printf("pipe_atomic %ld: writes of PIPE_BUF bytes stayed whole, as "
	       "promised; larger ones %s\n",
	       (long)getpid(),
	       mixed_big ? "were interleaved"
			 : "happened not to be interleaved this time");
	return 0;
}
