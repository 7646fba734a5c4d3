/* test_twouser.c - a second user attacks the first: every joining program
 * refuses an object it does not own, and neither user's sweep touches the
 * other's objects.
 *
 *   make build/bin/test_twouser && build/bin/test_twouser   (as root)
 *
 * The keys and names of the suite are derived from public names, so
 * another user can make an object at ours first, mode 0666, for our
 * program to read their messages or write into their memory; root may
 * open anything, so only the owner tells (lib/owner.h).  Each test makes
 * a throwaway system user (harness_user_create, as root; without root the
 * tests are skipped), and lets a forked child, switched to that user (the
 * intruder), make its objects at the name of this test's run.  Then it
 * runs our program as root (the victim) and checks that it exits 1 naming
 * the owner, and that it neither read the intruder's message (the secret
 * is in none of its output) nor wrote into the objects (the parent, root,
 * compares them after).  The other way round (the victim a plain user,
 * the intruder root with mode 0600), the program must say whose the
 * object is rather than "no writer".  The intruder removes its objects
 * when let go; the fixture's leak check, and one for the user's names,
 * run around every test.
 */
#define _GNU_SOURCE 1 /* semtimedop, for the shm_sysv.h/sem_sysv.h unions */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "io.h"
#include "names.h"

#include "../msgq/msgq_posix.h"
#undef MSGQ_POLL_MS /* each pair polls at its own pace */
#include "../msgq/msgq_sysv.h"
#include "../sem/sem_posix.h"
#define semun sem_semun /* sem_sysv.h and shm_sysv.h both define it */
#include "../sem/sem_sysv.h"
#undef semun
#define SEM_COUNT  SHM_SEM_COUNT /* and both name their semaphores */
#define SEM_EMPTY  SHM_SEM_EMPTY
#define SEM_FULL   SHM_SEM_FULL
#define SEM_READER SHM_SEM_READER
#include "../shm/shm_posix.h"
#include "../shm/shm_sysv.h"
#undef SEM_COUNT
#undef SEM_EMPTY
#undef SEM_FULL
#undef SEM_READER

#define TIMEOUT_MS 30000 /* a program that waits on a peer gives up in 2 s */
#define SECRET	   "intruder-secret"

enum mech {
	SHM_SYSV,
	SHM_POSIX,
	MSGQ_SYSV,
	MSGQ_POSIX,
	SEM_SYSV,
	SEM_POSIX,
	SHM_MINIMAL,  /* shm_minimal_server's segment and semaphores */
	MSGQ_MINIMAL, /* msgq_minimal_send's queue */
};

/* What the minimal programs put in a segment or a message: text alone. */
#define MINIMAL_SIZE 256
struct minimal_msg {
	long mtype;
	char text[64];
};

/* The names a run of the victim's uid meets at, computed for that uid. */
struct names {
	key_t key;
	char posix[NAMES_FULL_MAX];	/* "/ipclab-<uid>-<name>" */
	char reply[NAMES_FULL_MAX + 8]; /* and ".reply", msgq_posix's */
};

/* What the intruder makes, and as whom. */
struct attack {
	enum mech mech;
	struct names n;
	uid_t uid; /* the intruder: -1 to stay root */
	gid_t gid;
	mode_t mode;
	int keep; /* 1: report, then wait to be let go and remove all */
};

static struct harness_user user;
static int have_user = -1; /* -1 not tried; 0 no (and why in skip_why) */
static char skip_why[128];

/* What one test holds, for teardown. */
static struct {
	struct kid kid;
	int held;
	int lock;	  /* the fixed keys' lock, while held */
	struct names key; /* a fixed key a test made objects at, or 0 */
	char name[NAMES_SHORT_MAX + 1];
	struct names u; /* the user's names of this run */
} t = {.held = -1, .lock = -1};

/* ---- the intruder: a child that makes its objects at our names --------- */

/* Make the attack's objects, mode a->mode; exit non-zero on failure. */
static void
make_objects(const struct attack *a)
{
	struct msgq_sysv_msg *m;
	struct shm_posix_seg *ps;
	struct sem_posix_seg *qs;
	struct shm_sysv_msg *sm;
	struct sem_sysv_seg *ss;
	struct mq_attr attr = {0};
	unsigned short shm_init[3] = {0, 1, 1};	  /* empty 0, full 1 */
	unsigned short sem_init_v[3] = {0, 0, 1}; /* lock opened below */
	struct sembuf open = {SEM_LOCK, +1, 0};	  /* sets sem_otime */
	union sem_semun arg;
	int id, fd;
	mqd_t q;
	sem_t *s;

	switch (a->mech) {
	case SHM_SYSV:
		arg.array = shm_init;
		if ((id = semget(a->n.key, 3,
				 IPC_CREAT | IPC_EXCL | a->mode)) == -1 ||
		    semctl(id, 0, SETALL, arg) == -1)
			_exit(10);
		if ((id = shmget(a->n.key, sizeof(*sm),
				 IPC_CREAT | IPC_EXCL | a->mode)) == -1 ||
		    (sm = shmat(id, NULL, 0)) == (void *)-1)
			_exit(11);
		*sm = (struct shm_sysv_msg){getpid(), 1, 1, SECRET};
		shmdt(sm);
		break;
	case SHM_POSIX:
		fd = shm_open(a->n.posix, O_CREAT | O_EXCL | O_RDWR, a->mode);
		if (fd == -1 || ftruncate(fd, sizeof(*ps)) == -1)
			_exit(12);
		ps = mmap(NULL, sizeof(*ps), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
		if (ps == MAP_FAILED)
			_exit(13);
		sem_init(&ps->empty, 1, 0);
		sem_init(&ps->full, 1, 1);
		ps->writer = getpid();
		ps->msg = (struct shm_posix_msg){getpid(), 1, 1, SECRET};
		atomic_store(&ps->ready, 1);
		munmap(ps, sizeof(*ps));
		close(fd);
		break;
	case MSGQ_SYSV:
		if ((id = msgget(a->n.key, IPC_CREAT | IPC_EXCL | a->mode)) ==
		    -1)
			_exit(14);
		if ((m = calloc(1, sizeof(*m))) == NULL)
			_exit(15);
		m->mtype = MSGQ_TYPE_OF(1);
		m->head = (struct msgq_sysv_head){getpid(), 1, 1, SECRET};
		if (msgsnd(id, m, sizeof(m->head), 0) == -1)
			_exit(16);
		free(m);
		break;
	case MSGQ_POSIX:
		attr.mq_maxmsg = 4;
		attr.mq_msgsize = sizeof(struct msgq_posix_head);
		q = mq_open(a->n.reply, O_CREAT | O_EXCL | O_RDWR, a->mode,
			    &attr);
		if (q == (mqd_t)-1)
			_exit(17);
		mq_close(q);
		q = mq_open(a->n.posix, O_CREAT | O_EXCL | O_RDWR, a->mode,
			    &attr);
		if (q == (mqd_t)-1)
			_exit(18);
		struct msgq_posix_head h = {getpid(), 1, 1, SECRET};
		if (mq_send(q, (const char *)&h, sizeof(h), MSGQ_PRIO_OF(1)) ==
		    -1)
			_exit(19);
		mq_close(q);
		break;
	case SEM_SYSV:
		arg.array = sem_init_v;
		if ((id = semget(a->n.key, SEM_COUNT,
				 IPC_CREAT | IPC_EXCL | a->mode)) == -1 ||
		    semctl(id, 0, SETALL, arg) == -1)
			_exit(20);
		fd = shmget(a->n.key, sizeof(*ss),
			    IPC_CREAT | IPC_EXCL | a->mode);
		if (fd == -1 || (ss = shmat(fd, NULL, 0)) == (void *)-1)
			_exit(21);
		ss->expected = 5;
		shmdt(ss);
		if (semop(id, &open, 1) == -1)
			_exit(22);
		break;
	case SHM_MINIMAL: {
		unsigned short init[2] = {0, 1}; /* EMPTY 0, FULL 1 */
		char *mem;

		arg.array = init;
		if ((id = semget(a->n.key, 2, IPC_CREAT | IPC_EXCL | a->mode)) ==
			    -1 ||
		    semctl(id, 0, SETALL, arg) == -1)
			_exit(26);
		if ((id = shmget(a->n.key, MINIMAL_SIZE,
				 IPC_CREAT | IPC_EXCL | a->mode)) == -1 ||
		    (mem = shmat(id, NULL, 0)) == (void *)-1)
			_exit(27);
		snprintf(mem, MINIMAL_SIZE, "%s", SECRET);
		shmdt(mem);
		break;
	}
	case MSGQ_MINIMAL: {
		struct minimal_msg mm = {.mtype = 1, .text = SECRET};

		if ((id = msgget(a->n.key, IPC_CREAT | IPC_EXCL | a->mode)) ==
			    -1 ||
		    msgsnd(id, &mm, sizeof(SECRET), 0) == -1)
			_exit(28);
		break;
	}
	case SEM_POSIX:
		s = sem_open(a->n.posix, O_CREAT | O_EXCL, a->mode, 1);
		if (s == SEM_FAILED)
			_exit(23);
		sem_close(s);
		fd = shm_open(a->n.posix, O_CREAT | O_EXCL | O_RDWR, a->mode);
		if (fd == -1 || ftruncate(fd, sizeof(*qs)) == -1)
			_exit(24);
		qs = mmap(NULL, sizeof(*qs), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
		if (qs == MAP_FAILED)
			_exit(25);
		qs->creator = getpid();
		qs->expected = 5;
		munmap(qs, sizeof(*qs));
		close(fd);
		break;
	}
}

/* Remove every object of names n (the intruder's own). */
static void
remove_objects(const struct names *n)
{
	int id;

	if ((id = shmget(n->key, 0, 0)) != -1)
		shmctl(id, IPC_RMID, NULL);
	if ((id = semget(n->key, 0, 0)) != -1)
		semctl(id, 0, IPC_RMID);
	if ((id = msgget(n->key, 0)) != -1)
		msgctl(id, IPC_RMID, NULL);
	shm_unlink(n->posix);
	sem_unlink(n->posix);
	mq_unlink(n->posix);
	mq_unlink(n->reply);
}

/* Become uid/gid, unless uid is -1; exit 9 if that fails. */
static void
become(uid_t uid, gid_t gid)
{
	if (uid != (uid_t)-1 && (setgroups(0, NULL) == -1 ||
				 setgid(gid) == -1 || setuid(uid) == -1))
		_exit(9);
}

static void
intruder_main(int ready, int go, void *arg)
{
	const struct attack *a = arg;
	char c = 'r';

	become(a->uid, a->gid);
	umask(0); /* the mode as given: 0666 is the attack */
	make_objects(a);
	if (write_full(ready, &c, 1) != 1)
		_exit(7);
	if (a->keep && read_full(go, &c, 1) == 1)
		remove_objects(&a->n);
	_exit(0);
}

/* Start the intruder, and wait until its objects exist. */
static void
intrude(const struct attack *a)
{
	char c;

	kid_start(&t.kid, intruder_main, (void *)a);
	kid_ready(&t.kid, &c, 1, TIMEOUT_MS);
}

/* Let the intruder remove its objects and end; assert it did. */
static void
intruder_leaves(void)
{
	int status;

	kid_go(&t.kid);
	status = kid_reap(&t.kid, TIMEOUT_MS);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- names, users, fixtures ------------------------------------------ */

/* The names of short name for uid (computed in a child of that uid, since
 * names.h takes getuid()); uid -1: our own. */
static void
names_of(struct names *n, const char *name, uid_t uid, gid_t gid)
{
	int p[2], status;
	pid_t pid;

	memset(n, 0, sizeof(*n));
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		become(uid, gid);
		n->key = names_key(name);
		if (n->key == -1 ||
		    names_posix(n->posix, sizeof(n->posix), name) == -1)
			_exit(1);
		snprintf(n->reply, sizeof(n->reply), "%s%s", n->posix,
			 MSGQ_REPLY_SUFFIX);
		_exit(write_full(p[1], n, sizeof(*n)) == (ssize_t)sizeof(*n)
			      ? 0
			      : 1);
	}
	close(p[1]);
	assert_int_equal(read_full(p[0], n, sizeof(*n)), sizeof(*n));
	close(p[0]);
	assert_int_equal(wait_child(pid, TIMEOUT_MS, &status), 0);
	assert_int_equal(status, 0);
}

/* How many objects of the user's run of name exist (objects_alive() in a
 * child of that uid). */
static int
user_objects_alive(const char *name)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		become(user.uid, user.gid);
		_exit(objects_alive(name) & 0x7f);
	}
	assert_int_equal(wait_child(pid, TIMEOUT_MS, &status), 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Skip the test unless a throwaway user could be made. */
static void
need_user(void)
{
	if (have_user == 1)
		return;
	print_message("[  SKIPPED ] %s\n", skip_why);
	skip();
}

static int
group_setup(void **state)
{
	(void)state;
	if (harness_user_create(&user) == 0) {
		have_user = 1;
		return 0;
	}
	have_user = 0;
	snprintf(skip_why, sizeof(skip_why),
		 errno == EPERM ? "two-user tests need root to make a user"
				: "useradd failed: %s",
		 strerror(errno));
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (harness_user_remove(&user) == -1) {
		print_error("userdel %s failed\n", user.name);
		return -1;
	}
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f;

	if (fixture_setup(state) == -1)
		return -1;
	f = *state;
	t.kid = KID_NONE;
	t.held = -1;
	snprintf(t.name, sizeof(t.name), "%s", f->name);
	memset(&t.u, 0, sizeof(t.u));
	if (have_user == 1) {
		names_of(&t.u, f->name, user.uid, user.gid);
		if (user_objects_alive(f->name) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	int left = 0;

	kid_release(&t.kid); /* if a test failed half way */
	if (t.held != -1)
		close(t.held);
	if (t.key.key != 0) /* a fixed key's objects: the intruder's */
		remove_objects(&t.key);
	t.key.key = 0;
	fixed_keys_unlock(t.lock);
	t.lock = -1;
	if (have_user == 1 && (left = user_objects_alive(t.name)) != 0) {
		print_error("%d object(s) of %s's run %s left\n", left,
			    user.name, t.name);
		remove_objects(&t.u); /* we are root: remove anyone's */
	}
	return fixture_teardown(state) == 0 && left == 0 ? 0 : -1;
}

/* ---- the victim root: another user's 0666 object is refused ----------- */

/* What the intruder's objects hold after the victim ran: assert it is
 * what the intruder put there, untouched. */
static void
assert_untouched(const struct attack *a)
{
	unsigned short v[3];
	union sem_semun arg = {.array = v};
	struct mq_attr attr;
	struct msqid_ds ds;
	int id, fd, val;
	mqd_t q;
	sem_t *s;

	switch (a->mech) {
	case SHM_SYSV: {
		struct shm_sysv_msg *sm;

		assert_int_not_equal(id = semget(a->n.key, 0, 0), -1);
		assert_int_equal(semctl(id, 0, GETALL, arg), 0);
		assert_int_equal(v[0], 0); /* empty: not posted */
		assert_int_equal(v[1], 1); /* full: not taken */
		assert_int_equal(v[2], 1); /* the reader's place: not claimed */
		assert_int_not_equal(id = shmget(a->n.key, 0, 0), -1);
		assert_true((sm = shmat(id, NULL, SHM_RDONLY)) != (void *)-1);
		assert_string_equal(sm->text, SECRET);
		shmdt(sm);
		break;
	}
	case SHM_POSIX: {
		struct shm_posix_seg *ps;

		assert_int_not_equal(fd = shm_open(a->n.posix, O_RDWR, 0), -1);
		ps = mmap(NULL, sizeof(*ps), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
		close(fd);
		assert_true(ps != MAP_FAILED);
		assert_int_equal(sem_getvalue(&ps->full, &val), 0);
		assert_int_equal(val, 1);
		assert_int_equal(sem_getvalue(&ps->empty, &val), 0);
		assert_int_equal(val, 0);
		assert_int_equal(atomic_load(&ps->reader), 0);
		munmap(ps, sizeof(*ps));
		break;
	}
	case MSGQ_SYSV:
		assert_int_not_equal(id = msgget(a->n.key, 0), -1);
		assert_int_equal(msgctl(id, IPC_STAT, &ds), 0);
		assert_int_equal(ds.msg_qnum, 1); /* not taken, no reply */
		break;
	case MSGQ_POSIX:
		q = mq_open(a->n.posix, O_RDONLY);
		assert_int_not_equal(q, (mqd_t)-1);
		assert_int_equal(mq_getattr(q, &attr), 0);
		mq_close(q);
		assert_int_equal(attr.mq_curmsgs, 1); /* not taken */
		q = mq_open(a->n.reply, O_RDONLY);
		assert_int_not_equal(q, (mqd_t)-1);
		assert_int_equal(mq_getattr(q, &attr), 0);
		mq_close(q);
		assert_int_equal(attr.mq_curmsgs, 0); /* no hello from us */
		break;
	case SEM_SYSV: {
		struct sem_sysv_seg *ss;

		assert_int_not_equal(id = semget(a->n.key, 0, 0), -1);
		assert_int_equal(semctl(id, 0, GETALL, arg), 0);
		assert_int_equal(v[SEM_LOCK], 1);
		assert_int_equal(v[SEM_GUESTS], 0);
		assert_int_equal(v[SEM_START], 1);
		assert_int_not_equal(id = shmget(a->n.key, 0, 0), -1);
		assert_true((ss = shmat(id, NULL, SHM_RDONLY)) != (void *)-1);
		assert_int_equal(ss->expected, 5);
		assert_int_equal(ss->counter, 0);
		shmdt(ss);
		break;
	}
	case SHM_MINIMAL:
		assert_int_not_equal(id = semget(a->n.key, 0, 0), -1);
		assert_int_equal(semctl(id, 0, GETALL, arg), 0);
		assert_int_equal(v[0], 0); /* EMPTY: not given back */
		assert_int_equal(v[1], 1); /* FULL: not taken */
		break;
	case MSGQ_MINIMAL:
		assert_int_not_equal(id = msgget(a->n.key, 0), -1);
		assert_int_equal(msgctl(id, IPC_STAT, &ds), 0);
		assert_int_equal(ds.msg_qnum, 1); /* not taken, no answer */
		break;
	case SEM_POSIX: {
		struct sem_posix_seg *qs;

		s = sem_open(a->n.posix, 0);
		assert_true(s != SEM_FAILED);
		assert_int_equal(sem_getvalue(s, &val), 0);
		sem_close(s);
		assert_int_equal(val, 1);
		assert_int_not_equal(fd = shm_open(a->n.posix, O_RDWR, 0), -1);
		qs = mmap(NULL, sizeof(*qs), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
		close(fd);
		assert_true(qs != MAP_FAILED);
		assert_int_equal(atomic_load(&qs->guest), 0);
		assert_int_equal(qs->expected, 5);
		assert_int_equal(qs->counter, 0);
		munmap(qs, sizeof(*qs));
		break;
	}
	}
}

/* The intruder makes mech's objects at our names, 0666; prog, run as
 * root, must refuse them: exit 1 naming the owner, no secret read, the
 * objects as they were. */
static void
root_refuses(enum mech mech, const char *prog)
{
	struct attack a = {mech, {0}, user.uid, user.gid, 0666, 1};
	char uid[64];
	struct proc p;

	need_user();
	names_of(&a.n, t.name, (uid_t)-1, 0);
	intrude(&a);
	assert_int_equal(proc_start(&p, prog, "-N", t.name, "-t", "2", NULL),
			 0);
	assert_int_equal(proc_wait(&p, TIMEOUT_MS), 0);
	assert_code(&p, 1);
	snprintf(uid, sizeof(uid), "uid %u (%s)", (unsigned)user.uid,
		 user.name);
	if (strstr(p.err, uid) == NULL || strstr(p.err, "not to you") == NULL)
		fail_msg("%s does not name the owner (%s): %s", prog, uid,
			 p.err);
	assert_null(strstr(p.out, SECRET));
	assert_null(strstr(p.err, SECRET));
	proc_free(&p);
	assert_untouched(&a);
	intruder_leaves();
}

static void
shm_sysv_reader_refuses_another_users_segment(void **state)
{
	(void)state;
	root_refuses(SHM_SYSV, "shm_sysv_reader");
}

static void
shm_posix_reader_refuses_another_users_object(void **state)
{
	(void)state;
	root_refuses(SHM_POSIX, "shm_posix_reader");
}

static void
msgq_sysv_recv_refuses_another_users_queue(void **state)
{
	(void)state;
	root_refuses(MSGQ_SYSV, "msgq_sysv_recv");
}

static void
msgq_posix_recv_refuses_another_users_queues(void **state)
{
	(void)state;
	root_refuses(MSGQ_POSIX, "msgq_posix_recv");
}

static void
sem_sysv_worker_refuses_to_join_another_users_set(void **state)
{
	(void)state;
	root_refuses(SEM_SYSV, "sem_sysv_worker");
}

static void
sem_posix_worker_refuses_to_join_another_users_semaphore(void **state)
{
	(void)state;
	root_refuses(SEM_POSIX, "sem_posix_worker");
}

/* The minimal rung checks the owner too, in a few lines of its own: the
 * intruder's 0666 objects at the key a minimal program of root's meets
 * at; prog (with its key operand arg) must exit 1, "not yours", no secret
 * read, the objects as they were. */
static void
minimal_refuses(struct attack *a, const char *prog, const char *arg)
{
	struct proc p;

	intrude(a);
	assert_int_equal(proc_start(&p, prog, arg, NULL), 0);
	assert_int_equal(proc_wait(&p, TIMEOUT_MS), 0);
	assert_code(&p, 1);
	if (strstr(p.err, "not yours") == NULL)
		fail_msg("%s does not refuse: %s", prog, p.err);
	assert_null(strstr(p.out, SECRET));
	assert_null(strstr(p.err, SECRET));
	proc_free(&p);
	assert_untouched(a);
	intruder_leaves();
}

static void
msgq_minimal_recv_refuses_another_users_queue(void **state)
{
	struct attack a = {MSGQ_MINIMAL, {0}, user.uid, user.gid, 0666, 1};
	char key[32];

	(void)state;
	need_user();
	names_of(&a.n, t.name, (uid_t)-1, 0); /* a key of this run's own */
	snprintf(key, sizeof(key), "0x%08x", (unsigned)a.n.key);
	minimal_refuses(&a, "msgq_minimal_recv", key);
}

/* shm_minimal_client takes no key, only N: its key is root's tag and N.
 * Under the fixed keys' lock, an N whose key nothing holds. */
static void
shm_minimal_client_refuses_another_users_segment(void **state)
{
	struct attack a = {SHM_MINIMAL, {0}, user.uid, user.gid, 0666, 1};
	char arg[8];
	int n;

	(void)state;
	need_user();
	assert_int_not_equal(t.lock = fixed_keys_lock(), -1); /* teardown */
	for (n = 1; n < 256; n++) {
		a.n.key = (key_t)(0x1c000000 | (getuid() & 0xffff) << 8 | n);
		if (shmget(a.n.key, 0, 0) == -1 && errno == ENOENT &&
		    semget(a.n.key, 0, 0) == -1 && errno == ENOENT)
			break;
	}
	if (n == 256)
		fail_msg("every shm_minimal key of root's is in use");
	t.key.key = a.n.key; /* teardown removes them if we fail */
	snprintf(arg, sizeof(arg), "%d", n);
	minimal_refuses(&a, "shm_minimal_client", arg);
}

/* ---- the victim a plain user: root's 0600 object, EACCES -------------- */

/* Root makes mech's objects at the user's names, 0600; prog, run as the
 * user, must say whose they are and that it may not use them, not that
 * nobody is there. */
static void
user_told_whose(enum mech mech, const char *prog)
{
	struct attack a = {mech, t.u, (uid_t)-1, 0, 0600, 1};
	struct proc p;

	need_user();
	intrude(&a);
	assert_int_equal(proc_start_as(&p, user.uid, user.gid, prog, "-N",
				       t.name, "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&p, TIMEOUT_MS), 0);
	assert_code(&p, 1);
	if (strstr(p.err, "uid 0 (root)") == NULL ||
	    strstr(p.err, "ermission denied") == NULL ||
	    strstr(p.err, "no writer") != NULL ||
	    strstr(p.err, "no sender") != NULL)
		fail_msg("%s does not say whose: %s", prog, p.err);
	proc_free(&p);
	assert_untouched(&a);
	intruder_leaves();
}

static void
shm_sysv_reader_says_whose_segment_it_may_not_read(void **state)
{
	(void)state;
	user_told_whose(SHM_SYSV, "shm_sysv_reader");
}

static void
shm_posix_reader_says_whose_object_it_may_not_open(void **state)
{
	(void)state;
	user_told_whose(SHM_POSIX, "shm_posix_reader");
}

static void
msgq_sysv_recv_says_whose_queue_it_may_not_read(void **state)
{
	(void)state;
	user_told_whose(MSGQ_SYSV, "msgq_sysv_recv");
}

static void
msgq_posix_recv_says_whose_queue_it_may_not_open(void **state)
{
	(void)state;
	user_told_whose(MSGQ_POSIX, "msgq_posix_recv");
}

static void
sem_sysv_worker_says_whose_set_it_may_not_join(void **state)
{
	(void)state;
	user_told_whose(SEM_SYSV, "sem_sysv_worker");
}

static void
sem_posix_worker_says_whose_semaphore_it_may_not_open(void **state)
{
	(void)state;
	user_told_whose(SEM_POSIX, "sem_posix_worker");
}

/* ---- the sweep: neither user's --clean touches the other's ------------ */

/* Make stale objects of names n as uid (-1: root): a System V segment
 * whose creator has ended, and a POSIX object nobody holds. */
static void
make_stale(const struct names *n, uid_t uid, gid_t gid)
{
	struct attack a = {SHM_POSIX, *n, uid, gid, 0600, 0};
	int status, fd;
	pid_t pid;

	kid_start(&t.kid, intruder_main, &a); /* makes, reports, ends */
	kid_ready(&t.kid, &(char){0}, 1, TIMEOUT_MS);
	status = kid_reap(&t.kid, TIMEOUT_MS);
	assert_int_equal(status, 0);
	fflush(NULL);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		become(uid, gid);
		fd = shmget(n->key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		_exit(fd == -1);
	}
	assert_int_equal(wait_child(pid, TIMEOUT_MS, &status), 0);
	assert_int_equal(status, 0);
}

/* Whether the segment at key and the POSIX object name both exist. */
static int
both_exist(const struct names *n)
{
	struct stat st;
	char path[NAMES_FULL_MAX + 16];

	snprintf(path, sizeof(path), "/dev/shm%s", n->posix);
	return shmget(n->key, 0, 0) != -1 && stat(path, &st) == 0;
}

/* Run ipclab-ipcs with args as uid (-1: root); return its stdout (to
 * free), having asserted it exited 0. */
static char *
ipcs_as(uid_t uid, gid_t gid, const char *arg)
{
	struct proc p;
	char *out;
	int rc;

	rc = uid == (uid_t)-1
		     ? proc_start(&p, "ipclab-ipcs", arg, NULL)
		     : proc_start_as(&p, uid, gid, "ipclab-ipcs", arg, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(proc_wait(&p, TIMEOUT_MS), 0);
	assert_code(&p, 0);
	out = p.out;
	p.out = NULL;
	proc_free(&p);
	return out;
}

static void
clean_leaves_the_other_users_stale_objects(void **state)
{
	struct names r;
	char key[16], *out;

	(void)state;
	need_user();
	names_of(&r, t.name, (uid_t)-1, 0);

	/* The user's --clean: removes the user's, not root's.  (Another
	 * root process's sweep may remove root's stale objects meanwhile,
	 * so the user's output is what tells who removed what.) */
	make_stale(&r, (uid_t)-1, 0);
	make_stale(&t.u, user.uid, user.gid);
	out = ipcs_as(user.uid, user.gid, "--clean");
	snprintf(key, sizeof(key), "0x%08x", (unsigned)r.key);
	if (strstr(out, key) != NULL || strstr(out, r.posix) != NULL)
		fail_msg("the user's --clean touched root's objects:\n%s", out);
	free(out);
	assert_false(both_exist(&t.u) || user_objects_alive(t.name) != 0);

	/* Root's --clean: removes root's, not the user's. */
	make_stale(&t.u, user.uid, user.gid);
	out = ipcs_as((uid_t)-1, 0, "--clean");
	free(out);
	assert_true(both_exist(&t.u));
	assert_int_equal(objects_alive(t.name), 0); /* root's went */
	remove_objects(&t.u);
}

/* Root holds its POSIX object open; the user cannot see into root's
 * processes, so cannot tell whether anybody holds it: "unknown", never
 * "stale". */
static void
ipcs_says_unknown_for_another_users_object_it_cannot_judge(void **state)
{
	struct names r;
	char *out, *line, *nl;

	(void)state;
	need_user();
	names_of(&r, t.name, (uid_t)-1, 0);
	t.held = shm_open(r.posix, O_CREAT | O_EXCL | O_RDWR, 0600);
	assert_int_not_equal(t.held, -1);
	out = ipcs_as(user.uid, user.gid, NULL);
	line = strstr(out, r.posix);
	if (line == NULL)
		fail_msg("the user does not see %s:\n%s", r.posix, out);
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	if (strstr(line, "unknown") == NULL)
		fail_msg("not \"unknown\": %s", line);
	free(out);
	assert_int_equal(shm_unlink(r.posix), 0);
	close(t.held);
	t.held = -1;
}

#define FIXTURE(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE(shm_sysv_reader_refuses_another_users_segment),
		FIXTURE(shm_posix_reader_refuses_another_users_object),
		FIXTURE(msgq_sysv_recv_refuses_another_users_queue),
		FIXTURE(msgq_posix_recv_refuses_another_users_queues),
		FIXTURE(sem_sysv_worker_refuses_to_join_another_users_set),
		FIXTURE(sem_posix_worker_refuses_to_join_another_users_semaphore),
		FIXTURE(msgq_minimal_recv_refuses_another_users_queue),
		FIXTURE(shm_minimal_client_refuses_another_users_segment),
		FIXTURE(shm_sysv_reader_says_whose_segment_it_may_not_read),
		FIXTURE(shm_posix_reader_says_whose_object_it_may_not_open),
		FIXTURE(msgq_sysv_recv_says_whose_queue_it_may_not_read),
		FIXTURE(msgq_posix_recv_says_whose_queue_it_may_not_open),
		FIXTURE(sem_sysv_worker_says_whose_set_it_may_not_join),
		FIXTURE(sem_posix_worker_says_whose_semaphore_it_may_not_open),
		FIXTURE(clean_leaves_the_other_users_stale_objects),
		FIXTURE(ipcs_says_unknown_for_another_users_object_it_cannot_judge),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
