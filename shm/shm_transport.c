/* shm_transport.c - the benchmark's shared-memory transports: shm-sysv,
 * shm-posix, shm-spin, shm-futex, shm-pthread and shm-mmap.
 *
 * All six carry messages through one segment that holds two rings, one
 * for each direction ("up": client -> server, "down": server -> client).
 * A ring is a few slots of the run's message size, each rounded up to a
 * whole number of 64-byte cache lines, so no two slots share a line.  The
 * sender writes its message straight into a slot (send_buf() returns the
 * slot) and the receiver reads it there (recv() returns the slot): no byte
 * is copied beyond the caller's own writes and reads.  The receiver gives
 * its slot back at its next recv() or at detach(), which is why what
 * recv() returns stays valid until then.  While every slot is taken the
 * sender waits: that is the back-pressure a stream of messages needs.
 *
 * They differ in how a side waits for a slot or a message, and in where
 * the memory comes from:
 *
 *   shm-sysv   a System V segment (shmget, shmat) and a System V semaphore
 *              set (semget) of two counters a ring: "empty" (free slots,
 *              starts at the number of slots) and "full" (messages
 *              waiting, starts at 0).  The sender takes an empty and gives
 *              a full, the receiver the reverse; each is a semop() system
 *              call.  No SEM_UNDO: these count slots, they are not a lock
 *              a process holds, and undoing a dead process's operations
 *              would corrupt the counts.
 *   shm-posix  a POSIX object (shm_open, mmap) holding the same two
 *              counters as unnamed semaphores (sem_init with pshared = 1)
 *              inside the segment.  sem_post and sem_wait stay in user
 *              space unless a side must sleep or be woken (a futex).
 *   shm-spin   the same POSIX segment, no semaphores, and no system call
 *              while the peer keeps up: each ring is a single-producer
 *              single-consumer queue of two counters, head (messages
 *              published; only the sender writes it) and tail (messages
 *              consumed; only the receiver writes it), each on its own
 *              cache line so that the two sides never write the same
 *              line.  The sender writes the payload, then publishes head
 *              with a release store; the receiver reads head with an
 *              acquire load, so the payload is visible before it looks.
 *              The same pair on tail hands a slot back.  A waiting side
 *              polls with the CPU's pause hint, and after SPIN_MAX polls
 *              yields (sched_yield): with both processes on one core the
 *              peer can only run when the spinner lets it, so pure
 *              spinning would burn whole time slices.  Its ipcbench row on
 *              one core shows that cost.
 *   shm-futex  shm-spin's queue with 32-bit counters (posted, taken), and
 *              a side that must wait sleeps in futex(2) instead of
 *              polling.  It first publishes that it waits (a flag on its
 *              own line), then checks the counter once more, then
 *              FUTEX_WAITs on the counter's value it saw; the other side
 *              stores the counter, then looks at the flag, and calls
 *              FUTEX_WAKE only if it is set.  Both pairs are sequentially
 *              consistent, so at least one side sees the other's store: no
 *              wake-up is lost, and a stream in which nobody waits makes
 *              no system call (docs/shm.md, "The lost wake-up").
 *   shm-pthread  the counters under one process-shared, robust
 *              pthread_mutex_t a ring, with two process-shared
 *              pthread_cond_t: "nonempty" (the receiver waits on it) and
 *              "nonfull" (the sender does).  A side signals after it
 *              unlocks, and glibc's pthread_cond_signal makes no system
 *              call when nobody waits.  A mutex whose holder died is
 *              EOWNERDEAD to the next locker: the counters are changed by
 *              one store each, so they are consistent; the side marks the
 *              mutex so (pthread_mutex_consistent) and reports EPIPE.
 *   shm-mmap   shm-posix with no name: the segment is mmap(MAP_SHARED |
 *              MAP_ANONYMOUS), made before fork() and inherited, so there
 *              is nothing in /dev/shm to create or remove.  Its row beside
 *              shm-posix's shows what a name costs a message: nothing.
 *
 * Each message's length travels too (its low 32 bits, in len[] on the
 * ring's head line), so a receiver that expects another size gets
 * EMSGSIZE; on shm-spin the receiver's one cache miss on head brings the
 * lengths with it.
 *
 * Sizes: a ring has SLOTS_MAX slots, fewer (down to 2) once that would
 * pass RING_BYTES, so a 1 MiB run maps 16 MiB and bigger messages do not
 * take eight times their size.  A System V segment must fit
 * /proc/sys/kernel/shmmax (bytes per segment) and shmall (pages in all);
 * a POSIX object only the room in /dev/shm, so setup() reserves its pages
 * (posix_fallocate) and a full /dev/shm fails setup() with ENOSPC instead
 * of killing a side with SIGBUS later.
 *
 * setup() makes, maps and initialises everything before fork(), so both
 * sides inherit the mapping as the pipe's sides inherit descriptors, and
 * neither can see a half-made segment.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "names.h"
#include "sysctl.h"
#include "transport.h"

#define CACHE_LINE 64
#define SLOTS_MAX  8	     /* slots per ring, at most */
#define SLOTS_MIN  2	     /* so one slot is written while one is read */
#define RING_BYTES (8 << 20) /* a ring's slots, beyond which it has fewer */
/* Polls before a waiting shm-spin side yields its CPU.  A pause took 10 to
 * 60 ns on the machines measured, so this is a few to some 15 us: many
 * cross-core round trips (a peer on another core answers long before),
 * yet short, because a side that shares one core with its peer only
 * delays the peer while it spins.  2048 made a same-core round trip six
 * times slower and a cross-core one no faster. */
#define SPIN_MAX 256

/* The counters are plain words in shared memory only if they are lock-free;
 * an atomic with a hidden lock would not work between processes. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");

enum kind { KIND_SYSV, KIND_POSIX, KIND_SPIN, KIND_FUTEX, KIND_PTHREAD, KIND_MMAP };

/* One direction's bookkeeping, at the start of the segment.  Each field a
 * different side writes has a cache line of its own. */
struct ring {
	/* The sender's line: messages published (shm-spin, shm-pthread),
	 * the low 32 bits of each slot's message length (all), and for
	 * shm-futex messages published mod 2^32 (the futex word the
	 * receiver sleeps on) and whether the sender sleeps. */
	alignas(CACHE_LINE) _Atomic unsigned long long head;
	uint32_t len[SLOTS_MAX];
	_Atomic uint32_t posted, send_waits;
	/* The receiver's line: messages consumed (shm-spin, shm-pthread),
	 * and for shm-futex the same mod 2^32 (the word the sender sleeps
	 * on) and whether the receiver sleeps. */
	alignas(CACHE_LINE) _Atomic unsigned long long tail;
	_Atomic uint32_t taken, recv_waits;
	/* shm-posix, shm-mmap: free slots (the receiver posts them) and
	 * messages waiting (the sender posts them). */
	alignas(CACHE_LINE) sem_t empty;
	alignas(CACHE_LINE) sem_t full;
	/* shm-pthread: the lock over head and tail, and its conditions. */
	alignas(CACHE_LINE) pthread_mutex_t lock;
	alignas(CACHE_LINE) pthread_cond_t nonempty;
	alignas(CACHE_LINE) pthread_cond_t nonfull;
};

_Static_assert(offsetof(struct ring, len) + sizeof(((struct ring *)0)->len) <=
		       CACHE_LINE,
	       "head and the lengths share one cache line");

/* The segment: both rings, then up's slots, then down's. */
struct seg {
	struct ring up, down;
};

/* shm-sysv's semaphore numbers in its set. */
enum { UP_EMPTY, UP_FULL, DOWN_EMPTY, DOWN_FULL, SEM_COUNT };

/* semctl(2): "the calling program must define this union". */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* One direction as this process uses it. */
struct end {
	struct ring *ring;
	char *slots;
	unsigned short sem_empty, sem_full; /* shm-sysv */
	unsigned idx;			    /* the next slot to use */
	unsigned long long count; /* messages sent, or received, so far */
	unsigned long long seen;  /* shm-spin: the peer's counter, last read */
};

struct shm_chan {
	enum kind kind;
	unsigned slots;	  /* a ring */
	size_t stride;	  /* bytes per slot: the size in whole cache lines */
	size_t seg_len;	  /* bytes of the segment */
	struct seg *seg;  /* mapped (attached) at, or NULL */
	int shmid, semid; /* shm-sysv, or -1 */
	int shm_h, sem_h; /* their cleanup handles, or -1 */
	int posix_made;	  /* shm-posix, shm-spin: created the object */
	int posix_h;	  /* its cleanup handle, or -1 */
	int sems_inited;  /* shm-posix, shm-mmap: sem_t's made by sem_init */
	char posix[NAMES_FULL_MAX];
	struct end out, in; /* after attach */
	int reserved;	    /* send_buf() took a slot that send() fills */
	int holding;	    /* recv() returned a slot not yet given back */
};

static size_t
round_line(size_t n)
{
	return (n + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
}

/* Lay out a segment for messages of up to size bytes.  Returns 0, or -1
 * with errno EFBIG if it would not fit in a size_t. */
static int
layout(struct shm_chan *p, size_t size)
{
	size_t fit; /* slots of this size in RING_BYTES */

	if (size >
	    (SIZE_MAX - sizeof(struct seg)) / (2 * SLOTS_MIN) - CACHE_LINE) {
		errno = EFBIG;
		return -1;
	}
	p->stride = round_line(size ? size : 1);
	fit = RING_BYTES / p->stride;
	p->slots = fit > SLOTS_MAX   ? SLOTS_MAX
		   : fit < SLOTS_MIN ? SLOTS_MIN
				     : (unsigned)fit;
	p->seg_len = sizeof(struct seg) + 2 * (size_t)p->slots * p->stride;
	return 0;
}

static size_t
shm_posix_max_size(char *why, size_t len)
{
	struct statvfs sv;

	if (statvfs("/dev/shm", &sv) == 0)
		snprintf(why, len,
			 "none: a POSIX object is limited only by the room "
			 "in /dev/shm (%llu MiB free)",
			 (unsigned long long)sv.f_bavail * sv.f_frsize >> 20);
	else
		snprintf(why, len,
			 "none: a POSIX object is limited only by "
			 "the room in /dev/shm");
	return SIZE_MAX;
}

/* shm-mmap's pages are anonymous shared memory: no file system holds
 * them, so only memory (and the overcommit policy) limits them. */
static size_t
shm_mmap_max_size(char *why, size_t len)
{
	snprintf(why, len,
		 "none: an anonymous shared mapping is limited only by "
		 "memory (/proc/sys/vm/overcommit_memory)");
	return SIZE_MAX;
}

/* The largest message whose segment fits shmmax and shmall.  A ring's
 * slots take at most max(min(SLOTS_MAX * stride, RING_BYTES), 2 * stride)
 * bytes, which grows with the size, so every smaller size fits too. */
static size_t
shm_sysv_max_size(char *why, size_t len)
{
	unsigned long shmmax, shmall;
	unsigned long long limit, rings, stride;
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	unsigned long long mem = (unsigned long long)sysconf(_SC_PHYS_PAGES);

	if (sysctl_read("/proc/sys/kernel/shmmax", &shmmax) == -1 ||
	    sysctl_read("/proc/sys/kernel/shmall", &shmall) == -1) {
		snprintf(why, len,
			 "none known: /proc/sys/kernel/shmmax "
			 "unreadable");
		return SIZE_MAX;
	}
	limit = shmall > ULLONG_MAX / page ? ULLONG_MAX : shmall * page;
	if (shmmax < limit)
		limit = shmmax;
	if (limit <= sizeof(struct seg) + 2 * SLOTS_MAX * CACHE_LINE) {
		snprintf(why, len,
			 "/proc/sys/kernel/shmmax = %lu, shmall = %lu pages "
			 "leave no room for two rings",
			 shmmax, shmall);
		return 0;
	}
	rings = limit - sizeof(struct seg);
	if (rings >= 2ULL * RING_BYTES)
		stride = rings / (2 * SLOTS_MIN);
	else
		stride = rings / (2 * SLOTS_MAX);
	stride = stride / CACHE_LINE * CACHE_LINE;
	if (stride >= mem * page || stride >= SIZE_MAX) {
		snprintf(why, len,
			 "none: /proc/sys/kernel/shmmax = %lu and shmall = "
			 "%lu pages exceed this machine's memory",
			 shmmax, shmall);
		return SIZE_MAX;
	}
	snprintf(why, len,
		 "two rings of %d slots must fit /proc/sys/kernel/shmmax = "
		 "%lu (shmall = %lu pages)",
		 rings >= 2ULL * RING_BYTES ? SLOTS_MIN : SLOTS_MAX, shmmax,
		 shmall);
	return (size_t)stride;
}

static void
shm_teardown(struct channel *ch)
{
	struct shm_chan *p = ch->priv;

	if (p == NULL)
		return;
	/* shm-pthread's mutexes and conditions are not destroyed: the
	 * memory goes with the object, and pthread_cond_destroy would wait
	 * for a waiter that was killed in pthread_cond_wait to leave. */
	for (int i = 0; p->seg != NULL && i < p->sems_inited; i++) {
		struct ring *r = i < 2 ? &p->seg->up : &p->seg->down;

		sem_destroy(i % 2 ? &r->full : &r->empty);
	}
	if (p->seg != NULL) {
		if (p->kind == KIND_SYSV)
			shmdt(p->seg);
		else
			munmap(p->seg, p->seg_len);
	}
	if (p->shmid != -1)
		shmctl(p->shmid, IPC_RMID, NULL);
	cleanup_forget(p->shm_h);
	if (p->semid != -1)
		semctl(p->semid, 0, IPC_RMID);
	cleanup_forget(p->sem_h);
	if (p->posix_made)
		shm_unlink(p->posix);
	cleanup_forget(p->posix_h);
	free(p);
	ch->priv = NULL;
}

/* Make, attach and register shm-sysv's segment and semaphore set, which
 * share the run's key (one object of each kind). */
static int
make_sysv(struct channel *ch, struct shm_chan *p)
{
	unsigned short init[SEM_COUNT] = {
		[UP_EMPTY] = (unsigned short)p->slots,
		[DOWN_EMPTY] = (unsigned short)p->slots,
	};
	union semun arg = {.array = init};
	key_t key = names_key(ch->name);
	void *at;

	if (key == -1)
		return -1;
	p->shmid = shmget(key, p->seg_len, IPC_CREAT | IPC_EXCL | 0600);
	if (p->shmid == -1 ||
	    (p->shm_h = cleanup_add_id(OBJ_SYSV_SHM, p->shmid)) == -1)
		return -1;
	if ((at = shmat(p->shmid, NULL, 0)) == (void *)-1)
		return -1;
	p->seg = at;
	p->semid = semget(key, SEM_COUNT, IPC_CREAT | IPC_EXCL | 0600);
	if (p->semid == -1 ||
	    (p->sem_h = cleanup_add_id(OBJ_SYSV_SEM, p->semid)) == -1)
		return -1;
	return semctl(p->semid, 0, SETALL, arg);
}

/* shm-pthread: one ring's mutex (process-shared, robust) and its two
 * conditions (process-shared).  Returns 0, or -1 with errno set. */
static int
init_pthread_ring(struct ring *r)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int rc;

	if ((rc = pthread_mutexattr_init(&ma)) != 0)
		goto out;
	if ((rc = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED)) ==
		    0 &&
	    (rc = pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST)) == 0)
		rc = pthread_mutex_init(&r->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	if (rc != 0 || (rc = pthread_condattr_init(&ca)) != 0)
		goto out;
	if ((rc = pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED)) ==
		    0 &&
	    (rc = pthread_cond_init(&r->nonempty, &ca)) == 0)
		rc = pthread_cond_init(&r->nonfull, &ca);
	pthread_condattr_destroy(&ca);
out:
	errno = rc; /* the pthread calls return the error */
	return rc == 0 ? 0 : -1;
}

/* Initialise what the kind waits with, in the new segment: shm-posix's
 * and shm-mmap's semaphores, shm-pthread's mutexes and conditions.  The
 * others need nothing: the segment is zero-filled, so every counter and
 * flag starts at 0. */
static int
init_sync(struct shm_chan *p)
{
	if (p->kind == KIND_PTHREAD)
		return init_pthread_ring(&p->seg->up) == -1 ||
				       init_pthread_ring(&p->seg->down) == -1
			       ? -1
			       : 0;
	if (p->kind != KIND_POSIX && p->kind != KIND_MMAP)
		return 0;
	for (; p->sems_inited < 4; p->sems_inited++) {
		struct ring *r =
			p->sems_inited < 2 ? &p->seg->up : &p->seg->down;

		if ((p->sems_inited % 2
			     ? sem_init(&r->full, 1, 0)
			     : sem_init(&r->empty, 1, p->slots)) == -1)
			return -1;
	}
	return 0;
}

/* shm-mmap: an anonymous shared mapping, which fork() hands to both sides
 * as it is.  MAP_POPULATE asks for its pages now, as posix_fallocate does
 * for the others, so that the first messages do not pay for them (mmap
 * does not fail if it cannot: then the pages come as they are touched). */
static int
make_anon(struct shm_chan *p)
{
	void *at = mmap(NULL, p->seg_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (at == MAP_FAILED)
		return -1;
	p->seg = at;
	return init_sync(p);
}

/* Make, size, reserve and map the POSIX object of shm-posix, shm-spin,
 * shm-futex and shm-pthread, and initialise what they wait with. */
static int
make_posix(struct channel *ch, struct shm_chan *p)
{
	void *at;
	int fd, rc, saved;

	if (names_posix(p->posix, sizeof(p->posix), ch->name) == -1)
		return -1;
	fd = shm_open(p->posix, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd == -1)
		return -1;
	p->posix_made = 1;
	if ((p->posix_h = cleanup_add_name(OBJ_POSIX_SHM, p->posix)) == -1)
		goto fail;
	/* posix_fallocate returns the error instead of setting errno */
	if ((rc = posix_fallocate(fd, 0, (off_t)p->seg_len)) != 0) {
		errno = rc;
		goto fail;
	}
	at = mmap(NULL, p->seg_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (at == MAP_FAILED)
		goto fail;
	close(fd); /* the mapping keeps the object */
	p->seg = at;
	return init_sync(p);
fail:
	saved = errno; /* close() must not hide why */
	close(fd);
	errno = saved;
	return -1;
}

static int
shm_setup(struct channel *ch, enum kind kind)
{
	struct shm_chan *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	ch->priv = p;
	p->kind = kind;
	p->shmid = p->semid = -1;
	p->shm_h = p->sem_h = p->posix_h = -1;
	if (layout(p, ch->size) == -1 ||
	    (kind == KIND_SYSV   ? make_sysv(ch, p)
	     : kind == KIND_MMAP ? make_anon(p)
				 : make_posix(ch, p)) == -1)
		return -1;
	return 0; /* a new segment is zero-filled: head = tail = 0 */
}

static int
shm_sysv_setup(struct channel *ch)
{
	return shm_setup(ch, KIND_SYSV);
}

static int
shm_posix_setup(struct channel *ch)
{
	return shm_setup(ch, KIND_POSIX);
}

static int
shm_spin_setup(struct channel *ch)
{
	return shm_setup(ch, KIND_SPIN);
}

static int
shm_futex_setup(struct channel *ch)
{
	return shm_setup(ch, KIND_FUTEX);
}

static int
shm_pthread_setup(struct channel *ch)
{
	return shm_setup(ch, KIND_PTHREAD);
}

static int
shm_mmap_setup(struct channel *ch)
{
	return shm_setup(ch, KIND_MMAP);
}

static void
end_init(struct shm_chan *p, struct end *e, int up)
{
	char *slots = (char *)(p->seg + 1);

	e->ring = up ? &p->seg->up : &p->seg->down;
	e->slots = slots + (up ? 0 : (size_t)p->slots * p->stride);
	e->sem_empty = up ? UP_EMPTY : DOWN_EMPTY;
	e->sem_full = up ? UP_FULL : DOWN_FULL;
	e->idx = 0;
	e->count = e->seen = 0;
}

/* The segment is already mapped: setup() did it and fork() kept it. */
static int
shm_attach(struct channel *ch)
{
	struct shm_chan *p = ch->priv;
	int client = ch->side == SIDE_CLIENT;

	end_init(p, &p->out, client);
	end_init(p, &p->in, !client);
	p->reserved = p->holding = 0;
	return 0;
}

/* The slot after idx: a compare, not a division by a count of slots that
 * need not be a power of two. */
static inline unsigned
next_slot(const struct shm_chan *p, unsigned idx)
{
	return idx + 1 == p->slots ? 0 : idx + 1;
}

/* Add delta to System V semaphore num, waiting while it would go below 0. */
static int
sysv_sem_add(int semid, unsigned short num, short delta)
{
	struct sembuf op = {.sem_num = num, .sem_op = delta, .sem_flg = 0};

	while (semop(semid, &op, 1) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int
posix_sem_wait(sem_t *s)
{
	while (sem_wait(s) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* futex(2) has no C library wrapper.  No FUTEX_PRIVATE_FLAG: the two
 * sides are two processes, and a private futex is keyed by one process's
 * address space. */
static long
futex(_Atomic uint32_t *word, int op, uint32_t val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

/* shm-futex: sleep until *word is no longer old.  Publish that we wait
 * first, then look at the word: the waker stores the word first, then
 * looks at the flag.  Both in sequentially consistent order, so either we
 * see its store and do not sleep, or it sees our flag and wakes us; and
 * FUTEX_WAIT sleeps only if the word still holds old when the kernel
 * looks (else EAGAIN), which closes the gap between our look and our
 * sleep.  Returns 0, or -1 with errno set. */
static int
futex_await(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *waiting)
{
	int rc = 0;

	atomic_store(waiting, 1);
	while (atomic_load(word) == old) /* acquire, once it differs */
		if (futex(word, FUTEX_WAIT, old) == -1 && errno != EAGAIN &&
		    errno != EINTR) {
			rc = -1;
			break;
		}
	atomic_store_explicit(waiting, 0, memory_order_relaxed);
	return rc;
}

/* shm-futex: store value into *word (a release: the payload, or our
 * reads of a slot, come before), and wake the peer only if it said it
 * waits.  Returns 0, or -1 with errno set. */
static int
futex_publish(_Atomic uint32_t *word, uint32_t value,
	      _Atomic uint32_t *waiting)
{
	atomic_store(word, value);
	if (atomic_load(waiting) && futex(word, FUTEX_WAKE, 1) == -1)
		return -1;
	return 0;
}

/* shm-pthread: the mutex came back from a holder that died (EOWNERDEAD):
 * we hold it.  head and tail each change in one store, so what it guards
 * is consistent: say so, so that the mutex stays usable, and report the
 * peer gone. */
static int
owner_died(struct ring *r)
{
	pthread_mutex_consistent(&r->lock);
	pthread_mutex_unlock(&r->lock);
	errno = EPIPE;
	return -1;
}

/* shm-pthread: lock r.  Returns 0, or -1 with errno EPIPE if the last
 * holder died (or the mutex can no longer be used), or the error. */
static int
ring_lock(struct ring *r)
{
	int rc = pthread_mutex_lock(&r->lock);

	if (rc == EOWNERDEAD)
		return owner_died(r);
	errno = rc == ENOTRECOVERABLE ? EPIPE : rc;
	return rc == 0 ? 0 : -1;
}

/* shm-pthread: wait on c, r locked; on return r is locked again, unless
 * it returns -1 (errno as ring_lock()). */
static int
ring_wait(struct ring *r, pthread_cond_t *c)
{
	int rc = pthread_cond_wait(c, &r->lock);

	if (rc == EOWNERDEAD)
		return owner_died(r);
	errno = rc == ENOTRECOVERABLE ? EPIPE : rc;
	return rc == 0 ? 0 : -1;
}

/* shm-pthread: set *counter to value under r's lock, then signal c (after
 * the unlock, so that the woken side does not wake into a held lock). */
static int
ring_update(struct ring *r, _Atomic unsigned long long *counter,
	    unsigned long long value, pthread_cond_t *c)
{
	int rc;

	if (ring_lock(r) == -1)
		return -1;
	atomic_store_explicit(counter, value, memory_order_relaxed);
	pthread_mutex_unlock(&r->lock);
	if ((rc = pthread_cond_signal(c)) != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

/* shm-pthread: wait under r's lock, the sender until a slot is free (its
 * count of messages sent less the receiver's tail is below slots), the
 * receiver until a message is there (head has passed its count). */
static int
ring_await(struct ring *r, int sender, unsigned long long count,
	   unsigned slots)
{
	if (ring_lock(r) == -1)
		return -1;
	if (sender) {
		while (count - atomic_load_explicit(&r->tail,
						    memory_order_relaxed) >=
		       slots)
			if (ring_wait(r, &r->nonfull) == -1)
				return -1;
	} else {
		while (atomic_load_explicit(&r->head, memory_order_relaxed) ==
		       count)
			if (ring_wait(r, &r->nonempty) == -1)
				return -1;
	}
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* One poll of a waiting shm-spin side: a pause hint, and every SPIN_MAX
 * polls the CPU given up, so a peer on the same core can run. */
static inline void
spin_pause(unsigned *spins)
{
	if (++*spins < SPIN_MAX) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause(); /* spares the sibling thread and power */
#elif defined(__aarch64__)
		__asm__ __volatile__("yield");
#endif
		return;
	}
	*spins = 0;
	sched_yield();
}

static void *
shm_send_buf(struct channel *ch, size_t len)
{
	struct shm_chan *p = ch->priv;
	struct end *e = &p->out;

	if (len > ch->size) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (p->reserved) /* asked twice before one send(): the same slot */
		return e->slots + (size_t)e->idx * p->stride;
	switch (p->kind) {
	case KIND_SYSV:
		if (sysv_sem_add(p->semid, e->sem_empty, -1) == -1)
			return NULL;
		break;
	case KIND_POSIX:
	case KIND_MMAP:
		if (posix_sem_wait(&e->ring->empty) == -1)
			return NULL;
		break;
	case KIND_FUTEX:
		/* As shm-spin, on 32-bit counters, sleeping when full. */
		while ((uint32_t)(e->count - e->seen) >= p->slots) {
			e->seen = atomic_load_explicit(&e->ring->taken,
						       memory_order_acquire);
			if ((uint32_t)(e->count - e->seen) >= p->slots &&
			    futex_await(&e->ring->taken, (uint32_t)e->seen,
					&e->ring->send_waits) == -1)
				return NULL;
		}
		break;
	case KIND_PTHREAD:
		if (ring_await(e->ring, 1, e->count, p->slots) == -1)
			return NULL;
		break;
	case KIND_SPIN: {
		unsigned spins = 0;

		/* Read the receiver's tail only when the ring looks full;
		 * acquire, so its reads of the slot are over before we
		 * overwrite it. */
		while (e->count - e->seen >= p->slots) {
			e->seen = atomic_load_explicit(&e->ring->tail,
						       memory_order_acquire);
			if (e->count - e->seen >= p->slots)
				spin_pause(&spins);
		}
		break;
	}
	}
	p->reserved = 1;
	return e->slots + (size_t)e->idx * p->stride;
}

static int
shm_send(struct channel *ch, size_t len)
{
	struct shm_chan *p = ch->priv;
	struct end *e = &p->out;

	if (!p->reserved && shm_send_buf(ch, len) == NULL)
		return -1;
	e->ring->len[e->idx] = (uint32_t)len;
	e->idx = next_slot(p, e->idx);
	e->count++;
	p->reserved = 0;
	switch (p->kind) {
	case KIND_SYSV:
		return sysv_sem_add(p->semid, e->sem_full, 1);
	case KIND_POSIX:
	case KIND_MMAP:
		return sem_post(&e->ring->full);
	case KIND_FUTEX:
		return futex_publish(&e->ring->posted, (uint32_t)e->count,
				     &e->ring->recv_waits);
	case KIND_PTHREAD:
		return ring_update(e->ring, &e->ring->head, e->count,
				   &e->ring->nonempty);
	case KIND_SPIN:
		/* Release: the payload and len[] are visible to whoever
		 * sees the new head. */
		atomic_store_explicit(&e->ring->head, e->count,
				      memory_order_release);
		break;
	}
	return 0;
}

/* Hand the slot recv() returned last back to the sender. */
static int
give_back(struct shm_chan *p)
{
	struct end *e = &p->in;

	if (!p->holding)
		return 0;
	p->holding = 0;
	switch (p->kind) {
	case KIND_SYSV:
		return sysv_sem_add(p->semid, e->sem_empty, 1);
	case KIND_POSIX:
	case KIND_MMAP:
		return sem_post(&e->ring->empty);
	case KIND_FUTEX:
		return futex_publish(&e->ring->taken, (uint32_t)e->count,
				     &e->ring->send_waits);
	case KIND_PTHREAD:
		return ring_update(e->ring, &e->ring->tail, e->count,
				   &e->ring->nonfull);
	case KIND_SPIN:
		/* Release: our reads of the slot are done before the sender
		 * may see it free. */
		atomic_store_explicit(&e->ring->tail, e->count,
				      memory_order_release);
		break;
	}
	return 0;
}

static const void *
shm_recv(struct channel *ch, size_t len)
{
	struct shm_chan *p = ch->priv;
	struct end *e = &p->in;
	const char *slot;
	uint32_t sent_len;

	if (give_back(p) == -1)
		return NULL;
	switch (p->kind) {
	case KIND_SYSV:
		if (sysv_sem_add(p->semid, e->sem_full, -1) == -1)
			return NULL;
		break;
	case KIND_POSIX:
	case KIND_MMAP:
		if (posix_sem_wait(&e->ring->full) == -1)
			return NULL;
		break;
	case KIND_FUTEX:
		while ((uint32_t)e->seen == (uint32_t)e->count) {
			e->seen = atomic_load_explicit(&e->ring->posted,
						       memory_order_acquire);
			if ((uint32_t)e->seen == (uint32_t)e->count &&
			    futex_await(&e->ring->posted, (uint32_t)e->count,
					&e->ring->recv_waits) == -1)
				return NULL;
		}
		break;
	case KIND_PTHREAD:
		if (ring_await(e->ring, 0, e->count, p->slots) == -1)
			return NULL;
		break;
	case KIND_SPIN: {
		unsigned spins = 0;

		/* Acquire: once head shows the message, its bytes and
		 * length are there too. */
		while (e->seen == e->count) {
			e->seen = atomic_load_explicit(&e->ring->head,
						       memory_order_acquire);
			if (e->seen == e->count)
				spin_pause(&spins);
		}
		break;
	}
	}
	slot = e->slots + (size_t)e->idx * p->stride;
	sent_len = e->ring->len[e->idx];
	p->holding = 1; /* given back at the next recv(), even if wrong */
	e->idx = next_slot(p, e->idx);
	e->count++;
	if (sent_len != (uint32_t)len) {
		errno = EMSGSIZE;
		return NULL;
	}
	return slot;
}

static void
shm_detach(struct channel *ch)
{
	struct shm_chan *p = ch->priv;

	if (p->seg == NULL)
		return;
	give_back(p);
	if (p->kind == KIND_SYSV)
		shmdt(p->seg);
	else
		munmap(p->seg, p->seg_len);
	p->seg = NULL;
}

const struct transport shm_sysv_transport = {
	.name = "shm-sysv",
	.summary = "System V segment, two rings, System V semaphores "
		   "(shmget, semop)",
	.wait = WAIT_BLOCK,
	.max_size = shm_sysv_max_size,
	.setup = shm_sysv_setup,
	.attach = shm_attach,
	.send_buf = shm_send_buf,
	.send = shm_send,
	.recv = shm_recv,
	.detach = shm_detach,
	.teardown = shm_teardown,
};

const struct transport shm_posix_transport = {
	.name = "shm-posix",
	.summary = "POSIX shared memory, two rings, process-shared semaphores "
		   "(shm_open, sem_wait)",
	.wait = WAIT_BLOCK,
	.max_size = shm_posix_max_size,
	.setup = shm_posix_setup,
	.attach = shm_attach,
	.send_buf = shm_send_buf,
	.send = shm_send,
	.recv = shm_recv,
	.detach = shm_detach,
	.teardown = shm_teardown,
};

const struct transport shm_spin_transport = {
	.name = "shm-spin",
	.summary = "POSIX shared memory, two lock-free rings, busy-polling "
		   "(no system calls)",
	.wait = WAIT_SPIN,
	.max_size = shm_posix_max_size,
	.setup = shm_spin_setup,
	.attach = shm_attach,
	.send_buf = shm_send_buf,
	.send = shm_send,
	.recv = shm_recv,
	.detach = shm_detach,
	.teardown = shm_teardown,
};

const struct transport shm_futex_transport = {
	.name = "shm-futex",
	.summary = "POSIX shared memory, two rings, waits written on futex(2) "
		   "(FUTEX_WAIT, FUTEX_WAKE)",
	.wait = WAIT_BLOCK,
	.max_size = shm_posix_max_size,
	.setup = shm_futex_setup,
	.attach = shm_attach,
	.send_buf = shm_send_buf,
	.send = shm_send,
	.recv = shm_recv,
	.detach = shm_detach,
	.teardown = shm_teardown,
};

const struct transport shm_pthread_transport = {
	.name = "shm-pthread",
	.summary = "POSIX shared memory, two rings, a robust process-shared "
		   "mutex and two condition variables a ring",
	.wait = WAIT_BLOCK,
	.max_size = shm_posix_max_size,
	.setup = shm_pthread_setup,
	.attach = shm_attach,
	.send_buf = shm_send_buf,
	.send = shm_send,
	.recv = shm_recv,
	.detach = shm_detach,
	.teardown = shm_teardown,
};

const struct transport shm_mmap_transport = {
	.name = "shm-mmap",
	.summary = "anonymous shared mapping made before fork (no name), two "
		   "rings, process-shared semaphores",
	.wait = WAIT_BLOCK,
	.max_size = shm_mmap_max_size,
	.setup = shm_mmap_setup,
	.attach = shm_attach,
	.send_buf = shm_send_buf,
	.send = shm_send,
	.recv = shm_recv,
	.detach = shm_detach,
	.teardown = shm_teardown,
};
