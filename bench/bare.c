/* bare.c - the yardstick for ipcbench: the same system calls, nothing else.
 *
 *   $ build/bin/ipcbench-bare -n 20000 pipe socket-unix line
 *   pipe 0,1 p50_ns 23110
 *   ...
 *
 * For each mode, a client and a server process (pinned to CPUs 0 and 1, as
 * ipcbench pins them by default; -c picks others) bounce 64 bytes back and
 * forth with the bare system calls the transport of that name makes, and
 * the client prints the median round trip.  No payload is written or
 * checked, no function table is called through, nothing is allocated: if
 * ipcbench's p50 for a transport is close to this loop's, ipcbench
 * measures the mechanism, not itself.  "line" is the floor for shared
 * memory: one cache line bounced between the two processes by polling.
 * handoff-64k-payload and handoff-64k-memcpy carry 64 KiB, one message at
 * a time, to hold the payload pattern to memcpy + memcmp; ring-64k
 * streams it through an 8-slot ring and prints MB/s, the bare rate of
 * shm-spin (see "64 KiB through shared memory" below).
 * Objects are named as the suite names them and removed at the end, or
 * by the cleanup registry on SIGINT.
 */
#define _GNU_SOURCE /* sched_setaffinity, vmsplice */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/eventfd.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "err.h"
#include "names.h"
#include "parse.h"
#include "payload.h"

#define SIZE  64
#define SLOTS 8 /* credits per direction, as the transports' rings have */

enum { CLIENT, SERVER };

static int side;		    /* CLIENT or SERVER, once forked */
static pid_t peer;		    /* the other process */
static int in_fd = -1, out_fd = -1; /* this side's ends */
static int fds[4] = {-1, -1, -1, -1};
static char buf[8 + SIZE]; /* a long mtype, then the bytes */
static char name[NAMES_SHORT_MAX + 1], path[2][256], dir[200];
static int semid = -1, msqid = -1;
static sem_t *psem; /* four process-shared semaphores */
static mqd_t mq[2] = {(mqd_t)-1, (mqd_t)-1};
static sigset_t rt;		    /* SIGRTMIN */
static _Atomic unsigned long *line; /* the bounced cache line */

/* ---- setup, in the parent before fork --------------------------------- */

static void
setup_pipe(void)
{
	if (pipe(fds) == -1 || pipe(fds + 2) == -1)
		die_errno("pipe");
}

/* socket-unix and socket-tcp: a listening socket made here, connected
 * to and accepted from in attach_connect(). */
static struct sockaddr_storage listen_addr;
static socklen_t listen_len;
static int unix_type; /* socket-unix: SOCK_STREAM; -seqpacket: SOCK_SEQPACKET */

static void
setup_unix_type(int type)
{
	struct sockaddr_un *a = (struct sockaddr_un *)&listen_addr;

	if (names_dir_template(dir, sizeof(dir), name) == -1 ||
	    mkdtemp(dir) == NULL)
		die_errno("mkdtemp %s", dir);
	cleanup_add_name(OBJ_DIR, dir);
	a->sun_family = AF_UNIX;
	if ((size_t)snprintf(a->sun_path, sizeof(a->sun_path), "%s/socket",
			     dir) >= sizeof(a->sun_path))
		die("%s/socket: longer than sun_path", dir);
	listen_len = sizeof(*a);
	unix_type = type;
	if ((fds[2] = socket(AF_UNIX, type, 0)) == -1 ||
	    bind(fds[2], (struct sockaddr *)a, listen_len) == -1 ||
	    listen(fds[2], 1) == -1)
		die_errno("socket %s", a->sun_path);
	cleanup_add_name(OBJ_PATH, a->sun_path);
}

static void
setup_unix(void)
{
	setup_unix_type(SOCK_STREAM);
}

static void
setup_unix_seqpacket(void)
{
	setup_unix_type(SOCK_SEQPACKET);
}

/* sem-eventfd: one EFD_SEMAPHORE eventfd each way, fds[0] and fds[1]. */
static void
setup_eventfd(void)
{
	for (int i = 0; i < 2; i++)
		if ((fds[i] = eventfd(0, EFD_SEMAPHORE)) == -1)
			die_errno("eventfd");
}

static void
setup_unix_dgram(void)
{
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) == -1)
		die_errno("socketpair");
}

static struct sockaddr_in
loopback_socket(int type, int *fd)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((*fd = socket(AF_INET, type, 0)) == -1 ||
	    bind(*fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    getsockname(*fd, (struct sockaddr *)&a, &len) == -1)
		die_errno("socket 127.0.0.1");
	return a;
}

static void
setup_tcp(void)
{
	struct sockaddr_in a = loopback_socket(SOCK_STREAM, &fds[2]);

	memcpy(&listen_addr, &a, sizeof(a));
	listen_len = sizeof(a);
	if (listen(fds[2], 1) == -1)
		die_errno("listen");
}

static void
setup_udp(void)
{
	struct sockaddr_in a = loopback_socket(SOCK_DGRAM, &fds[0]);
	struct sockaddr_in b = loopback_socket(SOCK_DGRAM, &fds[1]);

	if (connect(fds[0], (struct sockaddr *)&b, sizeof(b)) == -1 ||
	    connect(fds[1], (struct sockaddr *)&a, sizeof(a)) == -1)
		die_errno("connect udp");
}

static void
setup_fifo(void)
{
	if (names_dir_template(dir, sizeof(dir), name) == -1 ||
	    mkdtemp(dir) == NULL)
		die_errno("mkdtemp %s", dir);
	cleanup_add_name(OBJ_DIR, dir);
	for (int i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir,
			 i ? "down" : "up");
		if (mkfifo(path[i], 0600) == -1)
			die_errno("mkfifo %s", path[i]);
		cleanup_add_name(OBJ_PATH, path[i]);
	}
}

/* Four System V semaphores: [0] [1] one way, [2] [3] the other; the
 * first of each pair starts at SLOTS (free slots, or credits). */
static void
setup_sysv_sem(void)
{
	unsigned short init[4] = {SLOTS, 0, SLOTS, 0};

	semid = semget(names_key(name), 4, IPC_CREAT | IPC_EXCL | 0600);
	if (semid == -1)
		die_errno("semget");
	cleanup_add_id(OBJ_SYSV_SEM, semid);
	if (semctl(semid, 0, SETALL, init) == -1)
		die_errno("semctl SETALL");
}

static void
setup_posix_sem(void)
{
	psem = mmap(NULL, 4 * sizeof(sem_t), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (psem == MAP_FAILED)
		die_errno("mmap");
	for (int i = 0; i < 4; i++)
		if (sem_init(&psem[i], 1, i % 2 == 0 ? SLOTS : 0) == -1)
			die_errno("sem_init");
}

/* sem-posix: the plain ping-pong, as a program that only needs to
 * notify would write it: one semaphore each way, both starting at 0, in
 * one mapping. */
static void
setup_posix_pair(void)
{
	setup_posix_sem();
	for (int i = 0; i < 4; i += 2)
		if (sem_destroy(&psem[i]) == -1 || sem_init(&psem[i], 1, 0) == -1)
			die_errno("sem_init");
}

static void
setup_msgq_sysv(void)
{
	msqid = msgget(names_key(name), IPC_CREAT | IPC_EXCL | 0600);
	if (msqid == -1)
		die_errno("msgget");
	cleanup_add_id(OBJ_SYSV_MSG, msqid);
}

static void
setup_msgq_posix(void)
{
	struct mq_attr attr = {.mq_maxmsg = SLOTS, .mq_msgsize = SIZE};

	for (int i = 0; i < 2; i++) {
		char base[NAMES_FULL_MAX];

		names_posix(base, sizeof(base), name);
		snprintf(path[i], sizeof(path[i]), "%s.%s", base,
			 i ? "down" : "up");
		mq[i] = mq_open(path[i], O_RDWR | O_CREAT | O_EXCL, 0600,
				&attr);
		if (mq[i] == (mqd_t)-1)
			die_errno("mq_open %s", path[i]);
		cleanup_add_name(OBJ_POSIX_MQ, path[i]);
	}
}

static void
setup_signal(void)
{
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	if (sigprocmask(SIG_BLOCK, &rt, NULL) == -1) /* inherited by fork */
		die_errno("sigprocmask");
}

static void
setup_line(void)
{
	line = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (line == MAP_FAILED)
		die_errno("mmap");
}

/* ---- attach, in each process after fork ------------------------------- */

/* Pipes: the client writes fds[1] and reads fds[2]; socket pairs and UDP:
 * the client has fds[0], the server fds[1]. */
static void
attach_pipe(void)
{
	in_fd = side == CLIENT ? fds[2] : fds[0];
	out_fd = side == CLIENT ? fds[1] : fds[3];
}

static void
attach_pair(void)
{
	in_fd = out_fd = fds[side];
}

static void
attach_connect(void)
{
	int one = 1;

	if (side == CLIENT) {
		in_fd = socket(listen_addr.ss_family,
			       listen_addr.ss_family == AF_UNIX ? unix_type
								: SOCK_STREAM,
			       0);
		if (in_fd == -1 ||
		    connect(in_fd, (struct sockaddr *)&listen_addr,
			    listen_len) == -1)
			die_errno("connect");
	} else if ((in_fd = accept(fds[2], NULL, NULL)) == -1) {
		die_errno("accept");
	}
	out_fd = in_fd;
	if (listen_addr.ss_family == AF_INET)
		setsockopt(in_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
attach_fifo(void)
{
	/* Both open "up" first, so the blocking opens pair up. */
	if (side == CLIENT) {
		out_fd = open(path[0], O_WRONLY);
		in_fd = open(path[1], O_RDONLY);
	} else {
		in_fd = open(path[0], O_RDONLY);
		out_fd = open(path[1], O_WRONLY);
	}
	if (in_fd == -1 || out_fd == -1)
		die_errno("open fifo");
}

/* ---- one message each way: send, then receive ------------------------- */

static void
rw_send(void)
{
	if (write(out_fd, buf, SIZE) != SIZE)
		die_errno("write");
}

static void
rw_recv(void)
{
	if (read(in_fd, buf, SIZE) != SIZE)
		die_errno("read");
}

/* pipe-vmsplice: the pipe takes the buffer's page itself, no copy; in a
 * ping-pong the peer has read it before it answers, so it is free again
 * when the next message is written. */
static void
vmsplice_send(void)
{
	struct iovec iov = {.iov_base = buf, .iov_len = SIZE};

	if (vmsplice(out_fd, &iov, 1, 0) != SIZE)
		die_errno("vmsplice");
}

/* sem-eventfd: add 1 to the peer's counter; take 1 from ours. */
static void
eventfd_send(void)
{
	uint64_t one = 1;

	if (write(fds[side == CLIENT ? 0 : 1], &one, sizeof(one)) !=
	    sizeof(one))
		die_errno("write eventfd");
}

static void
eventfd_recv(void)
{
	uint64_t v;

	if (read(fds[side == CLIENT ? 1 : 0], &v, sizeof(v)) != sizeof(v))
		die_errno("read eventfd");
}

static void
sendrecv_send(void)
{
	if (send(out_fd, buf, SIZE, 0) != SIZE)
		die_errno("send");
}

static void
sendrecv_recv(void)
{
	if (recv(in_fd, buf, SIZE, 0) != SIZE)
		die_errno("recv");
}

/* The semaphores this side takes and gives when it sends or receives:
 * the client sends on [0] [1], the server on [2] [3]. */
static int
out_pair(void)
{
	return side == CLIENT ? 0 : 2;
}

static int
in_pair(void)
{
	return side == CLIENT ? 2 : 0;
}

static void
sysv_op(int num, int delta)
{
	struct sembuf op = {.sem_num = (unsigned short)num,
			    .sem_op = (short)delta};

	if (semop(semid, &op, 1) == -1)
		die_errno("semop");
}

/* shm-sysv: wait for a free slot, then post a full one; receive: give
 * the last slot back, wait for a full one. */
static void
shm_sysv_send(void)
{
	sysv_op(out_pair(), -1);
	sysv_op(out_pair() + 1, 1);
}

static void
shm_sysv_recv(void)
{
	sysv_op(in_pair(), 1);
	sysv_op(in_pair() + 1, -1);
}

/* sem-sysv: one semop of two operations each way. */
static void
sysv_take_give(int take, int give)
{
	struct sembuf ops[2] = {{.sem_num = (unsigned short)take, .sem_op = -1},
				{.sem_num = (unsigned short)give, .sem_op = 1}};

	if (semop(semid, ops, 2) == -1)
		die_errno("semop");
}

static void
sem_sysv_send(void)
{
	sysv_take_give(out_pair(), out_pair() + 1);
}

static void
sem_sysv_recv(void)
{
	sysv_take_give(in_pair() + 1, in_pair());
}

/* shm-posix and sem-posix: the same with sem_wait and sem_post. */
static void
posix_send(void)
{
	if (sem_wait(&psem[out_pair()]) == -1 ||
	    sem_post(&psem[out_pair() + 1]) == -1)
		die_errno("sem_wait/sem_post");
}

static void
posix_recv(void)
{
	if (sem_post(&psem[in_pair()]) == -1 ||
	    sem_wait(&psem[in_pair() + 1]) == -1)
		die_errno("sem_post/sem_wait");
}

/* sem-posix: post the peer's semaphore; wait for ours.  No credits: a
 * ping-pong never runs ahead of its peer. */
static void
sem_posix_send(void)
{
	if (sem_post(&psem[out_pair()]) == -1)
		die_errno("sem_post");
}

static void
sem_posix_recv(void)
{
	if (sem_wait(&psem[in_pair()]) == -1)
		die_errno("sem_wait");
}

static void
msgq_sysv_send(void)
{
	long type = side == CLIENT ? 1 : 2;

	memcpy(buf, &type, sizeof(type));
	if (msgsnd(msqid, buf, SIZE, 0) == -1)
		die_errno("msgsnd");
}

static void
msgq_sysv_recv(void)
{
	if (msgrcv(msqid, buf, SIZE + 1, side == CLIENT ? 2 : 1, 0) != SIZE)
		die_errno("msgrcv");
}

static void
msgq_posix_send(void)
{
	if (mq_send(mq[side == CLIENT ? 0 : 1], buf, SIZE, 0) == -1)
		die_errno("mq_send");
}

static void
msgq_posix_recv(void)
{
	if (mq_receive(mq[side == CLIENT ? 1 : 0], buf, SIZE, NULL) != SIZE)
		die_errno("mq_receive");
}

static void
signal_send(void)
{
	if (sigqueue(peer, SIGRTMIN, (union sigval){.sival_int = 1}) == -1)
		die_errno("sigqueue");
}

static void
signal_recv(void)
{
	siginfo_t info;

	if (sigwaitinfo(&rt, &info) == -1)
		die_errno("sigwaitinfo");
}

/* The line holds an odd number after the client's move and an even one
 * after the server's; each waits for the other's. */
static unsigned long moves;

static void
line_send(void)
{
	atomic_store_explicit(line, ++moves, memory_order_release);
}

static void
line_recv(void)
{
	while (atomic_load_explicit(line, memory_order_acquire) != moves + 1)
		;
	moves++;
}

/* ---- shm-futex and shm-pthread: their waits, and nothing else --------- */

/* One direction, as the transports' struct ring lays it out: the
 * sender's line, the receiver's line, then shm-pthread's lock and
 * conditions. */
struct wring {
	alignas(64) _Atomic uint32_t posted, send_waits;
	unsigned long head; /* shm-pthread, under lock */
	alignas(64) _Atomic uint32_t taken, recv_waits;
	unsigned long tail;
	alignas(64) pthread_mutex_t lock;
	alignas(64) pthread_cond_t nonempty;
	alignas(64) pthread_cond_t nonfull;
};

static struct wring *wrings; /* [0] client -> server, [1] the reverse */
static unsigned long w_sent, w_got, w_seen; /* this side's counts */

static struct wring *
w_out(void)
{
	return &wrings[side == CLIENT ? 0 : 1];
}

static struct wring *
w_in(void)
{
	return &wrings[side == CLIENT ? 1 : 0];
}

static void
setup_wrings(int pthread)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;

	wrings = mmap(NULL, 2 * sizeof(*wrings), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (wrings == MAP_FAILED)
		die_errno("mmap");
	w_sent = w_got = w_seen = 0;
	if (!pthread)
		return;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	for (int i = 0; i < 2; i++)
		if (pthread_mutex_init(&wrings[i].lock, &ma) != 0 ||
		    pthread_cond_init(&wrings[i].nonempty, &ca) != 0 ||
		    pthread_cond_init(&wrings[i].nonfull, &ca) != 0)
			die("pthread_mutex_init/pthread_cond_init");
}

static void
setup_futex(void)
{
	setup_wrings(0);
}

static void
setup_pthread(void)
{
	setup_wrings(1);
}

static long
futex(_Atomic uint32_t *word, int op, uint32_t val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

/* Publish that we wait, look again, sleep while the word is old. */
static void
futex_await(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *waiting)
{
	atomic_store(waiting, 1);
	while (atomic_load(word) == old)
		if (futex(word, FUTEX_WAIT, old) == -1 && errno != EAGAIN &&
		    errno != EINTR)
			die_errno("futex wait");
	atomic_store_explicit(waiting, 0, memory_order_relaxed);
}

/* Store the word, wake the peer only if it waits. */
static void
futex_publish(_Atomic uint32_t *word, uint32_t value,
	      _Atomic uint32_t *waiting)
{
	atomic_store(word, value);
	if (atomic_load(waiting) && futex(word, FUTEX_WAKE, 1) == -1)
		die_errno("futex wake");
}

/* Wait for a free slot (never, in a ping-pong), publish the message. */
static void
futex_send(void)
{
	struct wring *r = w_out();

	while ((uint32_t)(w_sent - w_seen) >= SLOTS) {
		w_seen = atomic_load_explicit(&r->taken, memory_order_acquire);
		if ((uint32_t)(w_sent - w_seen) >= SLOTS)
			futex_await(&r->taken, (uint32_t)w_seen,
				    &r->send_waits);
	}
	futex_publish(&r->posted, (uint32_t)++w_sent, &r->recv_waits);
}

/* Give the last slot back, then wait for the next message. */
static void
futex_recv(void)
{
	struct wring *r = w_in();

	if (w_got > 0)
		futex_publish(&r->taken, (uint32_t)w_got, &r->send_waits);
	if (atomic_load_explicit(&r->posted, memory_order_acquire) ==
	    (uint32_t)w_got)
		futex_await(&r->posted, (uint32_t)w_got, &r->recv_waits);
	w_got++;
}

/* Set a counter under the lock, then signal after unlocking. */
static void
pthread_update(struct wring *r, unsigned long *counter, unsigned long value,
	       pthread_cond_t *c)
{
	if (pthread_mutex_lock(&r->lock) != 0)
		die("pthread_mutex_lock");
	*counter = value;
	pthread_mutex_unlock(&r->lock);
	if (pthread_cond_signal(c) != 0)
		die("pthread_cond_signal");
}

static void
pthread_send(void)
{
	struct wring *r = w_out();

	if (pthread_mutex_lock(&r->lock) != 0)
		die("pthread_mutex_lock");
	while (w_sent - r->tail >= SLOTS)
		if (pthread_cond_wait(&r->nonfull, &r->lock) != 0)
			die("pthread_cond_wait");
	pthread_mutex_unlock(&r->lock);
	pthread_update(r, &r->head, ++w_sent, &r->nonempty);
}

static void
pthread_recv(void)
{
	struct wring *r = w_in();

	if (w_got > 0)
		pthread_update(r, &r->tail, w_got, &r->nonfull);
	if (pthread_mutex_lock(&r->lock) != 0)
		die("pthread_mutex_lock");
	while (r->head == w_got)
		if (pthread_cond_wait(&r->nonempty, &r->lock) != 0)
			die("pthread_cond_wait");
	pthread_mutex_unlock(&r->lock);
	w_got++;
}

/* ---- 64 KiB through shared memory ------------------------------------- */

/* handoff-64k: one 64 KiB buffer; the client writes message n into it and
 * posts n + 1 on one line, the server checks it and posts n + 1 on
 * another, and the client waits for that before it writes message n + 1.
 * A round trip is one message written, carried and checked, with nothing
 * else: the cost of the payload pattern when the bytes must cross between
 * the CPUs.  The -payload mode writes and checks with payload_fill and
 * payload_verify, as ipcbench does; the -memcpy mode copies a constant
 * local buffer in with memcpy and compares it with memcmp, what a program
 * would write.  ring-64k: the same bytes through an 8-slot ring of 64 KiB
 * slots, writer and reader running free: the bare rate of shm-spin.
 */
#define BIG   (64 * 1024)
#define PAGE  4096
#define LINES (2 * PAGE) /* the control page: two counters, a page apart */

static unsigned char *shared;  /* the control page, then the slots */
static unsigned char *local;   /* memcpy's source, or memcmp's reference */
static unsigned long big_seq;  /* messages this side has moved */
static int big_memcpy;	       /* copy and compare, not fill and verify */
static size_t big_slots;       /* 1 for the hand-off, SLOTS for the ring */

/* Posted by the writer (messages published) and by the reader (messages
 * consumed), each on a page of its own so that no other access shares
 * their lines. */
static _Atomic unsigned long *
posted(void)
{
	return (_Atomic unsigned long *)shared;
}

static _Atomic unsigned long *
consumed(void)
{
	return (_Atomic unsigned long *)(shared + PAGE);
}

static unsigned char *
slot(unsigned long n)
{
	return shared + LINES + (n % big_slots) * BIG;
}

static void
setup_big(size_t slots, int copy)
{
	big_slots = slots;
	big_memcpy = copy;
	shared = mmap(NULL, LINES + slots * BIG, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		die_errno("mmap");
	memset(shared, 0, LINES + slots * BIG); /* every page there now */
}

static void
setup_handoff_payload(void)
{
	setup_big(1, 0);
}

static void
setup_handoff_memcpy(void)
{
	setup_big(1, 1);
}

static void
setup_ring(void)
{
	setup_big(SLOTS, 1);
}

/* Each side's own copy of the bytes, on its own pages, made after fork
 * so that neither reads the other's. */
static void
attach_big(void)
{
	if ((local = malloc(BIG)) == NULL)
		die_errno("malloc");
	payload_fill(local, BIG, 1);
	big_seq = 0;
}

/* Wait as shm-spin waits: a pause a poll, and the CPU given up every 256
 * polls (its SPIN_MAX), so that the ring is held to the transport's own
 * way of waiting, on a busy machine too. */
static void
spin_until(_Atomic unsigned long *at, unsigned long value)
{
	unsigned spins = 0;

	while (atomic_load_explicit(at, memory_order_acquire) < value) {
		if (++spins < 256) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#elif defined(__aarch64__)
			__asm__ __volatile__("yield");
#endif
			continue;
		}
		spins = 0;
		sched_yield();
	}
}

/* The writer: wait for a free slot, write message big_seq, publish. */
static void
big_put(void)
{
	unsigned char *to = slot(big_seq);

	if (big_seq >= big_slots)
		spin_until(consumed(), big_seq - big_slots + 1);
	if (big_memcpy)
		memcpy(to, local, BIG);
	else
		payload_fill(to, BIG, big_seq);
	atomic_store_explicit(posted(), ++big_seq, memory_order_release);
}

/* The reader: wait for message big_seq, check it, give its slot back. */
static void
big_get(void)
{
	const unsigned char *from = slot(big_seq);
	size_t bad = 0;

	spin_until(posted(), big_seq + 1);
	if (big_memcpy ? memcmp(from, local, BIG) != 0
		       : payload_verify(from, BIG, big_seq, &bad) == -1)
		die("message %lu: wrong at byte %zu", big_seq, bad);
	atomic_store_explicit(consumed(), ++big_seq, memory_order_release);
}

/* The client writes and then waits for its message to be checked; the
 * server waits for it and checks it. */
static void
big_send(void)
{
	if (side == CLIENT)
		big_put();
}

static void
big_recv(void)
{
	if (side == CLIENT)
		spin_until(consumed(), big_seq);
	else
		big_get();
}

/* ---- the modes --------------------------------------------------------- */

static const struct mode {
	const char *name;
	void (*setup)(void);
	void (*attach)(void);
	void (*send)(void);
	void (*recv)(void);
} modes[] = {
	{"shm-sysv", setup_sysv_sem, NULL, shm_sysv_send, shm_sysv_recv},
	{"shm-posix", setup_posix_sem, NULL, posix_send, posix_recv},
	{"shm-futex", setup_futex, NULL, futex_send, futex_recv},
	{"shm-pthread", setup_pthread, NULL, pthread_send, pthread_recv},
	{"sem-sysv", setup_sysv_sem, NULL, sem_sysv_send, sem_sysv_recv},
	{"sem-posix", setup_posix_pair, NULL, sem_posix_send, sem_posix_recv},
	{"sem-eventfd", setup_eventfd, NULL, eventfd_send, eventfd_recv},
	{"msgq-sysv", setup_msgq_sysv, NULL, msgq_sysv_send, msgq_sysv_recv},
	{"msgq-posix", setup_msgq_posix, NULL, msgq_posix_send,
	 msgq_posix_recv},
	{"pipe", setup_pipe, attach_pipe, rw_send, rw_recv},
	{"pipe-vmsplice", setup_pipe, attach_pipe, vmsplice_send, rw_recv},
	{"fifo", setup_fifo, attach_fifo, rw_send, rw_recv},
	{"signal", setup_signal, NULL, signal_send, signal_recv},
	{"socket-unix", setup_unix, attach_connect, sendrecv_send,
	 sendrecv_recv},
	{"socket-unix-dgram", setup_unix_dgram, attach_pair, sendrecv_send,
	 sendrecv_recv},
	{"socket-unix-seqpacket", setup_unix_seqpacket, attach_connect,
	 sendrecv_send, sendrecv_recv},
	{"socket-tcp", setup_tcp, attach_connect, sendrecv_send, sendrecv_recv},
	{"socket-udp", setup_udp, attach_pair, sendrecv_send, sendrecv_recv},
	{"line", setup_line, NULL, line_send, line_recv},
	/* client send, client recv; the server runs recv, then send */
	{"handoff-64k-payload", setup_handoff_payload, attach_big, big_send,
	 big_recv},
	{"handoff-64k-memcpy", setup_handoff_memcpy, attach_big, big_send,
	 big_recv},
	{"ring-64k", setup_ring, attach_big, big_put, big_get},
};

/* A stream (the ring): the client only sends, the server only receives,
 * and the rate is printed, not a round trip. */
static int
is_stream(const struct mode *m)
{
	return m->setup == setup_ring;
}

static void
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		die_errno("sched_setaffinity %d", cpu);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Remove what setup made; close what it opened. */
static void
teardown(void)
{
	cleanup_run(); /* the named objects, newest first */
	for (int i = 0; i < 4; i++)
		if (fds[i] != -1)
			close(fds[i]);
	fds[0] = fds[1] = fds[2] = fds[3] = -1;
	for (int i = 0; i < 2; i++)
		if (mq[i] != (mqd_t)-1)
			mq_close(mq[i]);
	mq[0] = mq[1] = (mqd_t)-1;
	if (psem != NULL)
		munmap(psem, 4 * sizeof(sem_t));
	if (line != NULL)
		munmap((void *)line, 4096);
	if (shared != NULL)
		munmap(shared, LINES + big_slots * BIG);
	if (wrings != NULL)
		munmap(wrings, 2 * sizeof(*wrings));
	wrings = NULL;
	free(local);
	psem = NULL;
	line = NULL;
	shared = NULL;
	local = NULL;
	sigprocmask(SIG_UNBLOCK, &rt, NULL);
}

/* The client of a stream: warm-up messages, then count timed ones, until
 * the server has checked the last; print the rate in MB/s (10^6 bytes). */
static void
run_stream(const struct mode *m, pid_t server, unsigned long warm,
	   unsigned long count, int cpu_a, int cpu_b)
{
	uint64_t t0 = 0;
	int status;

	for (unsigned long i = 0; i < warm + count; i++) {
		if (i == warm) {
			spin_until(consumed(), warm);
			t0 = clock_ns();
		}
		m->send();
	}
	spin_until(consumed(), warm + count);
	t0 = clock_ns() - t0;
	if (waitpid(server, &status, 0) == -1 || status != 0)
		die("%s: the server failed", m->name);
	teardown();
	printf("%s %d,%d mb_per_s %.0f\n", m->name, cpu_a, cpu_b,
	       (double)count * BIG * 1e3 / (double)t0);
	fflush(stdout);
}

/* Run mode m: warm-up round trips, then count timed ones; print the p50. */
static void
run(const struct mode *m, unsigned long count, int cpu_a, int cpu_b,
    uint64_t *rtt)
{
	unsigned long warm = count / 10 + 100, i;
	int status;
	pid_t server;

	names_unique(name, sizeof(name), "bare");
	m->setup();
	moves = 0;
	fflush(NULL);
	if ((server = fork()) == -1)
		die_errno("fork");
	if (server == 0) {
		side = SERVER;
		peer = getppid();
		pin(cpu_b);
		if (m->attach != NULL)
			m->attach();
		for (i = 0; i < warm + count; i++) {
			m->recv();
			if (!is_stream(m))
				m->send();
		}
		_exit(0);
	}
	side = CLIENT;
	peer = server;
	pin(cpu_a);
	if (m->attach != NULL)
		m->attach();
	if (is_stream(m)) {
		run_stream(m, server, warm, count, cpu_a, cpu_b);
		return;
	}
	for (i = 0; i < warm; i++) {
		m->send();
		m->recv();
	}
	for (i = 0; i < count; i++) {
		uint64_t t0 = clock_ns();

		m->send();
		m->recv();
		rtt[i] = clock_ns() - t0;
	}
	if (waitpid(server, &status, 0) == -1 || status != 0)
		die("%s: the server failed", m->name);
	if (m->attach == attach_connect || m->attach == attach_fifo) {
		close(in_fd);
		if (out_fd != in_fd)
			close(out_fd);
	}
	teardown();
	qsort(rtt, count, sizeof(*rtt), cmp_u64);
	printf("%s %d,%d p50_ns %llu\n", m->name, cpu_a, cpu_b,
	       (unsigned long long)rtt[count / 2]);
	fflush(stdout);
}

static void
usage(FILE *to)
{
	fprintf(to,
		"usage: %s [-n COUNT] [-c A,B] MODE...\n"
		"  -n COUNT  timed round trips (default 20000)\n"
		"  -c A,B    the client on CPU A, the server on B (default "
		"0,1)\n"
		"modes:",
		prog_name());
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(to, " %s", modes[i].name);
	fprintf(to, "\n");
}

int
main(int argc, char **argv)
{
	unsigned long count = 20000, a = 0, b = 1;
	struct sigaction ign = {.sa_handler = SIG_IGN};
	uint64_t *rtt;
	int opt;

	while ((opt = getopt(argc, argv, "hn:c:")) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		} else if (opt == 'n' &&
			   parse_uint(optarg, 1, 10000000, &count) == 0) {
			continue;
		} else if (opt == 'c' &&
			   sscanf(optarg, "%lu,%lu", &a, &b) == 2) {
			continue;
		}
		usage(stderr);
		return 2;
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) { /* every name first */
		size_t k = 0;

		while (k < sizeof(modes) / sizeof(modes[0]) &&
		       strcmp(modes[k].name, argv[i]) != 0)
			k++;
		if (k == sizeof(modes) / sizeof(modes[0])) {
			warn_msg("no mode %s", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if ((rtt = malloc(count * sizeof(*rtt))) == NULL)
		die_errno("malloc");
	sigaction(SIGPIPE, &ign, NULL);
	for (int i = optind; i < argc; i++)
		for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
			if (strcmp(modes[k].name, argv[i]) == 0)
				run(&modes[k], count, (int)a, (int)b, rtt);
	free(rtt);
	return 0;
}
