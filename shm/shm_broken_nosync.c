/* shm_broken_nosync.c - shared memory with no synchronisation, on purpose.
 *
 * The classic first shared-memory demo: a server snprintf()s messages into
 * a segment at a fixed key (0x2020) and a client polls the segment and
 * prints what it finds.  It seems to work, but nothing tells the client
 * when a message is complete, or whether it is new.  This program makes
 * that mistake so you can watch it fail.  It forks: the child writes COUNT
 * messages into one slot as fast as it can, never waiting; the parent
 * polls the slot, copies it out and checks every byte (payload.h).  It sees
 *   - torn copies: the writer was halfway through, so the copy holds part
 *     of one message and part of another;
 *   - repeats: the same message twice, because nothing marks it as taken;
 *   - misses: messages overwritten before the reader ever saw them whole.
 * Worse, the compiler and the CPU may reorder the writer's stores (seq
 * before payload, or after), so seq cannot even say which message the
 * payload holds.  In C11 terms the accesses below are a data race, which
 * is undefined behaviour: that is the point.
 * `volatile` only makes the compiler really load the fields each time; it
 * orders nothing between processes.
 *
 * The right versions: shm_sysv_writer/shm_sysv_reader (an empty/full pair
 * of semaphores) and shm_posix_writer/shm_posix_reader (process-shared
 * semaphores inside the segment).
 *
 * Why over 200 lines: it counts what goes wrong (missed, repeated and
 * torn messages), so that the damage is a number, not a claim.
 *
 *   $ build/bin/shm_broken_nosync
 *   shm_broken_nosync 5133: key 0x1c07755d: segment 6; writer 5134 sends ...
 *   shm_broken_nosync 5133: 4596 polls in 19.9 ms: 0 before the first ...
 *   ...
 *   shm_broken_nosync: sent 20000, seen 17, missed 19983, repeated 0, torn 4579
 *   $ ipcs -m               # nothing left
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "names.h"
#include "opts.h"
#include "payload.h"
#include "sweep.h"

#define NOSYNC_NAME	 "shm-broken" /* default -N */
#define NOSYNC_PAYLOAD	 4096	      /* bytes of one message */
#define NOSYNC_CHECK	 1024	      /* polls between looks at the writer */
#define NOSYNC_TIMEOUT_S 10	      /* the writer never waits: it is quick */

/* The layout of the segment: one message slot, and no lock of any kind. */
struct nosync_slot {
	volatile unsigned long seq;	       /* 0 until the first message */
	volatile int done;		       /* the writer's end marker */
	unsigned char payload[NOSYNC_PAYLOAD]; /* payload_fill(..., seq) */
};

static const char usage[] =
	"usage: shm_broken_nosync [-n COUNT] [-i MS] [-N NAME]\n"
	"Share memory between a writer and a reader with no synchronisation,\n"
	"and count what goes wrong.  (Wrong on purpose: see shm_sysv_writer.)\n"
	"  -n COUNT    messages the writer sends (default 20000)\n"
	"  -i MS       reader's pause between polls (default 0: spin)\n"
	"  -N NAME     segment key from ipclab-<uid>-NAME (default shm-broken)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {NOSYNC_NAME, 20000, 0, 0};

/* The child: write every message into the slot, never waiting for the
 * reader.  seq first, then the payload; nothing says "complete". */
static _Noreturn void
writer(struct nosync_slot *slot)
{
	for (unsigned long seq = 1; seq <= opt.count; seq++) {
		slot->seq = seq;
		payload_fill(slot->payload, sizeof(slot->payload), seq);
	}
	slot->done = 1;
	_exit(0); /* not exit(): the atexit hooks and stdio belong to the
		     parent; _exit also detaches the segment */
}

/* Stop if the writer died or hangs; 1 if it has exited, having set done. */
static int
writer_check(pid_t pid, const struct nosync_slot *slot, uint64_t deadline)
{
	int status;
	pid_t r = waitpid(pid, &status, WNOHANG);

	if (r == -1)
		die_errno("waitpid writer %ld", (long)pid);
	if (r == pid && !slot->done)
		die("writer %ld died before its end marker (status 0x%x)",
		    (long)pid, (unsigned)status);
	if (r == 0 && clock_ns() > deadline) {
		kill(pid, SIGKILL); /* a stopped writer would never finish */
		waitpid(pid, NULL, 0);
		die("writer %ld sent no end marker in %d s; killed it",
		    (long)pid, NOSYNC_TIMEOUT_S);
	}
	return r == pid;
}

int
main(int argc, char **argv)
{
	struct nosync_slot *slot, copy;
	unsigned long seen = 0, repeated = 0, torn = 0, empty = 0, polls = 0;
	unsigned long torn_seq = 0;
	size_t torn_at = 0;
	unsigned char *whole; /* whole[s]: message s was seen whole */
	uint64_t deadline, start;
	int shmid, shm_reg, reaped = 0, last = 0;
	pid_t pid;
	key_t key;

	opts_parse(&opt, "Nni", usage, argc, argv);
	key = names_key(opt.name);
	/* One line at a time, even into a pipe or a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	whole = calloc(opt.count + 1, 1);
	if (whole == NULL)
		die_errno("calloc %lu bytes", opt.count + 1);
	/* Broken on purpose, but tidy: a run killed with SIGKILL left its
	 * segment behind; remove such leftovers, never a live run's. */
	if (sweep_stale(getuid(), stdout) == -1)
		warn_errno("looking for stale objects");
	shmid = shmget(key, sizeof(*slot), IPC_CREAT | IPC_EXCL | 0600);
	if (shmid == -1 && errno == EEXIST)
		die("key 0x%08x (-N %s) is in use, most likely by a running "
		    "shm_broken_nosync; pick another -N or see `make ipcs`",
		    (unsigned)key, opt.name);
	if (shmid == -1)
		die_errno("shmget key 0x%08x", (unsigned)key);
	shm_reg = cleanup_add_id(OBJ_SYSV_SHM, shmid);
	if (shm_reg == -1)
		die_errno("cleanup_add_id segment %d", shmid);
	slot = shmat(shmid, NULL, 0); /* before fork: the child inherits it */
	if (slot == (void *)-1)
		die_errno("shmat segment %d", shmid);

	start = clock_ns();
	deadline = start + NOSYNC_TIMEOUT_S * NS_PER_S;
	pid = fork();
	if (pid == -1)
		die_errno("fork");
	if (pid == 0)
		writer(slot);
	printf("shm_broken_nosync %ld: key 0x%08x: segment %d; writer %ld "
	       "sends %lu messages of %d bytes, nobody waits\n",
	       (long)getpid(), (unsigned)key, shmid, (long)pid, opt.count,
	       NOSYNC_PAYLOAD);

	/* Each poll is exactly one of: empty (nothing written yet), torn (the
	 * payload is not message copy.seq's), seen (a new message, whole) or
	 * repeated (a message already seen whole).  So
	 *     polls == empty + torn + seen + repeated
	 *     seen + missed == count      (missed: never seen whole) */
	while (!last) {
		size_t at = 0; /* where this copy stops matching its seq */

		last = slot->done; /* set: this copy is after the last write */
		copy.seq = slot->seq;
		memcpy(copy.payload, slot->payload, sizeof(copy.payload));
		polls++;
		if (copy.seq == 0)
			empty++;
		else if (copy.seq > opt.count ||
			 payload_verify(copy.payload, sizeof(copy.payload),
					copy.seq, &at) == -1) {
			if (torn++ == 0) { /* remember the first */
				torn_seq = copy.seq;
				torn_at = at;
			}
		} else if (whole[copy.seq])
			repeated++;
		else {
			whole[copy.seq] = 1;
			seen++;
		}
		if (!last && (polls % NOSYNC_CHECK == 0 || opt.interval_ms > 0))
			reaped = writer_check(pid, slot, deadline);
		if (!last && opt.interval_ms > 0)
			sleep_ms((unsigned)opt.interval_ms);
	}

	if (!reaped && waitpid(pid, NULL, 0) == -1)
		die_errno("waitpid writer %ld", (long)pid);
	if (shmdt(slot) == -1)
		die_errno("shmdt segment %d", shmid);
	if (shmctl(shmid, IPC_RMID, NULL) == -1)
		die_errno("shmctl IPC_RMID segment %d", shmid);
	cleanup_forget(shm_reg);
	free(whole);

	printf("shm_broken_nosync %ld: %lu polls in %.1f ms: %lu before the "
	       "first message, %lu torn, %lu new, %lu repeats\n",
	       (long)getpid(), polls, (double)(clock_ns() - start) / NS_PER_MS,
	       empty, torn, seen, repeated);
	if (torn > 0 && torn_seq > opt.count)
		printf("shm_broken_nosync %ld: first torn copy: seq said #%lu, "
		       "a message never sent\n",
		       (long)getpid(), torn_seq);
	else if (torn > 0)
		printf("shm_broken_nosync %ld: first torn copy: seq said #%lu, "
		       "but byte %zu was not message #%lu's\n",
		       (long)getpid(), torn_seq, torn_at, torn_seq);
	printf("shm_broken_nosync %ld: %lu of %lu messages never seen whole; "
	       "the semaphore versions lose none\n",
	       (long)getpid(), opt.count - seen, opt.count);
	printf("shm_broken_nosync: sent %lu, seen %lu, missed %lu, "
	       "repeated %lu, torn %lu\n",
	       opt.count, seen, opt.count - seen, repeated, torn);
	return 0;
}
