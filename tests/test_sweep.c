/* test_sweep.c - unit tests of lib/sweep: finding the suite's objects,
 * judging them live or stale, and removing the stale ones.
 *
 *   make build/bin/test_sweep && build/bin/test_sweep
 *
 * sweep_stale() removes every stale suite object of this uid on the
 * machine, and other tests run in parallel: so these tests only look at
 * their own objects, found by the fixture's unique key and name, and never
 * at counts.  For the same reason a test's objects may be swept by another
 * process's sweep as soon as they turn stale (every writer demo sweeps when
 * it starts): the killed-creator test notices that and starts again with
 * fresh objects, and the other tests remove their objects while they are
 * still live.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "harness.h"
#include "io.h"
#include "names.h"
#include "proc.h"
#include "sweep.h"

#define TIMEOUT_MS    10000 /* generous: valgrind runs are slow */
#define CHILD_ALARM_S 60

union semun { /* the caller defines it: see semctl(2) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* The System V ids the child reports once its objects exist. */
struct ids {
	int shm, sem;
};

/* What one test holds, so teardown can release it if an assertion failed
 * half way. */
static struct {
	struct kid kid; /* the child: it reports a struct ids, then waits */
	int held;	/* a POSIX shm the parent holds open */
	key_t key;	/* names_key of the fixture's name */
	const char *name;
	char posix[NAMES_FULL_MAX];
} t;

/* Our objects, as sweep_each() reported them. */
struct seen {
	key_t key;
	const char *posix;
	int shm, sem, msg, pshm, psem; /* times each was reported */
	struct ipc_obj o_shm, o_sem, o_msg, o_pshm, o_psem;
};

static int
collect(const struct ipc_obj *o, void *arg)
{
	struct seen *s = arg;

	if (o->kind == OBJ_SYSV_SHM && o->key == s->key) {
		s->shm++;
		s->o_shm = *o;
	} else if (o->kind == OBJ_SYSV_SEM && o->key == s->key) {
		s->sem++;
		s->o_sem = *o;
	} else if (o->kind == OBJ_SYSV_MSG && o->key == s->key) {
		s->msg++;
		s->o_msg = *o;
	} else if (o->kind == OBJ_POSIX_SHM && strcmp(o->name, s->posix) == 0) {
		s->pshm++;
		s->o_pshm = *o;
	} else if (o->kind == OBJ_POSIX_SEM && strcmp(o->name, s->posix) == 0) {
		s->psem++;
		s->o_psem = *o;
	}
	return 0;
}

static void
sweep_ours(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->key = t.key;
	s->posix = t.posix;
	assert_int_equal(sweep_each(collect, s), 0);
}

/* ---- the child that makes the objects ---------------------------------- */

/* Create a segment, a semaphore set initialised with SETALL, a POSIX shm
 * (kept open) and a POSIX semaphore (kept mapped); report; wait for the go
 * byte, then _exit(0) leaving them all for the test. */
static _Noreturn void
child_main(int ready, int go, void *unused)
{
	unsigned short init[2] = {1, 0};
	union semun arg = {.array = init};
	struct ids ids;
	sem_t *s;
	int fd;
	char c;

	(void)unused;
	alarm(CHILD_ALARM_S); /* never outlive a test that failed */
	ids.shm = shmget(t.key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	if (ids.shm == -1)
		_exit(10);
	ids.sem = semget(t.key, 2, IPC_CREAT | IPC_EXCL | 0600);
	if (ids.sem == -1)
		_exit(11);
	if (semctl(ids.sem, 0, SETALL, arg) == -1)
		_exit(12);
	fd = shm_open(t.posix, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd == -1)
		_exit(13);
	if (ftruncate(fd, 4096) == -1)
		_exit(14);
	s = sem_open(t.posix, O_CREAT | O_EXCL, 0600, 1);
	if (s == SEM_FAILED)
		_exit(15);
	if (write_full(ready, &ids, sizeof(ids)) == -1)
		_exit(16);
	if (read_full(go, &c, 1) != 1)
		_exit(17); /* the parent gave up */
	_exit(0);
}

/* Start the child; returns the ids it reports once its objects exist. */
static struct ids
start_child(void)
{
	struct ids ids;

	kid_start(&t.kid, child_main, NULL);
	kid_ready(&t.kid, &ids, sizeof(ids), TIMEOUT_MS);
	return ids;
}

/* ---- checks on our objects --------------------------------------------- */

static int
posix_shm_exists(void)
{
	int fd = shm_open(t.posix, O_RDONLY, 0);

	if (fd != -1)
		close(fd);
	return fd != -1;
}

static int
posix_sem_exists(void)
{
	sem_t *s = sem_open(t.posix, 0);

	if (s != SEM_FAILED)
		sem_close(s);
	return s != SEM_FAILED;
}

static void
assert_all_exist(const struct ids *ids)
{
	assert_int_equal(shmget(t.key, 0, 0), ids->shm);
	assert_int_equal(semget(t.key, 0, 0), ids->sem);
	assert_true(posix_shm_exists());
	assert_true(posix_sem_exists());
}

static void
assert_none_exist(void)
{
	errno = 0;
	assert_int_equal(shmget(t.key, 0, 0), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(semget(t.key, 0, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_false(posix_shm_exists());
	assert_false(posix_sem_exists());
}

/* What sweep_each() said of one object, in a failure message. */
static void
assert_judged(const struct ipc_obj *o, int live, pid_t pid, int pid_alive)
{
	char line[512];

	sweep_describe(o, line, sizeof(line));
	if (o->live != live || o->pid != pid || o->pid_alive != pid_alive ||
	    o->uid != getuid())
		fail_msg(
			"reported: %s (pid %ld alive %d live %d); want pid %ld "
			"alive %d, %s, uid %u",
			line, (long)o->pid, o->pid_alive, o->live, (long)pid,
			pid_alive, live ? "live" : "stale", (unsigned)getuid());
}

/* The fields that say which object it is. */
static void
assert_identity(const struct seen *s, const struct ids *ids)
{
	assert_int_equal(s->o_shm.id, ids->shm);
	assert_int_equal(s->o_shm.key, t.key);
	assert_string_equal(s->o_shm.name, "");
	assert_int_equal(s->o_sem.id, ids->sem);
	assert_int_equal(s->o_sem.key, t.key);
	assert_int_equal(s->o_pshm.id, -1);
	assert_int_equal(s->o_pshm.key, 0);
	assert_string_equal(s->o_pshm.name, t.posix);
	assert_int_equal(s->o_psem.id, -1);
	assert_string_equal(s->o_psem.name, t.posix);
}

static int
setup(void **state)
{
	struct fixture *f;

	if (fixture_setup(state) != 0)
		return -1;
	f = *state;
	memset(&t, 0, sizeof(t));
	t.kid = KID_NONE;
	t.held = -1;
	t.name = f->name;
	t.key = names_key(f->name);
	return names_posix(t.posix, sizeof(t.posix), f->name);
}

static int
teardown(void **state)
{
	kid_release(&t.kid);
	if (t.held != -1)
		close(t.held);
	return fixture_teardown(state);
}

/* ---- stale and live ------------------------------------------------------ */

/* The child that made the objects is SIGKILLed, so nothing removed them:
 * sweep_each() calls them stale, and sweep_stale() removes them. */
static void
sweep_removes_objects_of_a_killed_creator(void **state)
{
	struct seen s;
	struct ids ids;
	pid_t child;
	int attempt, status;

	(void)state;
	for (attempt = 1;; attempt++) {
		ids = start_child();
		child = t.kid.pid;
		assert_int_equal(kill(child, SIGKILL), 0);
		status = kid_reap(&t.kid, TIMEOUT_MS);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		sweep_ours(&s);
		if (s.shm && s.sem && s.pshm && s.psem)
			break;
		if (objects_alive(t.name) == 4)
			fail_msg("not reported, though they exist:%s%s%s%s",
				 s.shm ? "" : " shm-sysv",
				 s.sem ? "" : " sem-sysv",
				 s.pshm ? "" : " shm-posix",
				 s.psem ? "" : " sem-posix");
		if (attempt == STALE_ATTEMPTS)
			fail_msg("a parallel sweep took our stale objects %d "
				 "times in a row",
				 STALE_ATTEMPTS);
		print_message(
			"a parallel sweep took some of our stale objects; "
			"again with fresh ones\n");
		objects_remove(t.name);
		sleep_ms(10 + (unsigned)rand() % 40); /* out of step with it */
	}
	assert_int_equal(s.shm + s.sem + s.pshm + s.psem, 4);
	assert_identity(&s, &ids);
	assert_judged(&s.o_shm, 0, child, 0); /* its creator is gone */
	assert_judged(&s.o_sem, 0, child, 0); /* SETALL was its last op */
	assert_judged(&s.o_pshm, 0, 0, 0);    /* nobody has it open */
	assert_judged(&s.o_psem, 0, 0, 0);    /* nobody has it mapped */

	assert_true(sweep_stale(getuid(), NULL) != -1);
	assert_none_exist();
}

/* Objects whose creator still runs (it holds the POSIX ones open and
 * mapped) are live, and sweep_stale() leaves them alone. */
static void
sweep_leaves_objects_of_a_live_process(void **state)
{
	struct seen s;
	struct ids ids;
	pid_t child;
	int status;

	(void)state;
	ids = start_child();
	child = t.kid.pid;
	sweep_ours(&s);
	assert_int_equal(s.shm, 1);
	assert_int_equal(s.sem, 1);
	assert_int_equal(s.pshm, 1);
	assert_int_equal(s.psem, 1);
	assert_identity(&s, &ids);
	assert_judged(&s.o_shm, 1, child, 1);  /* creator */
	assert_judged(&s.o_sem, 1, child, 1);  /* last op: SETALL */
	assert_judged(&s.o_pshm, 1, child, 1); /* holds it open */
	assert_judged(&s.o_psem, 1, child, 1); /* holds it mapped */

	assert_true(sweep_stale(getuid(), NULL) != -1);
	assert_all_exist(&ids);

	/* Remove them while the child still holds them: once it has gone
	 * they are stale, and a parallel sweep may take them first. */
	assert_int_equal(shmctl(ids.shm, IPC_RMID, NULL), 0);
	assert_int_equal(semctl(ids.sem, 0, IPC_RMID), 0);
	assert_int_equal(shm_unlink(t.posix), 0);
	assert_int_equal(sem_unlink(t.posix), 0);
	kid_go(&t.kid);
	status = kid_reap(&t.kid, TIMEOUT_MS);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- sweep_remove --------------------------------------------------------
 * The parent makes these objects itself: it runs, so they stay live and no
 * parallel sweep touches them. */

static void
find_ours(struct seen *s)
{
	sweep_ours(s);
	assert_int_equal(s->shm, 1);
	assert_int_equal(s->sem, 1);
}

static struct ids
make_sysv_pair(void)
{
	struct ids ids;

	ids.shm = shmget(t.key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(ids.shm != -1);
	ids.sem = semget(t.key, 1, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(ids.sem != -1);
	return ids;
}

static void
expect_eidrm(const struct ipc_obj *o)
{
	char line[512];
	int rc;

	errno = 0;
	rc = sweep_remove(o);
	if (rc != -1 || errno != EIDRM) {
		sweep_describe(o, line, sizeof(line));
		fail_msg("sweep_remove(%s): rc %d errno %s; want -1 and EIDRM",
			 line, rc, errno_name(errno));
	}
}

static void
sweep_remove_refuses_an_id_already_removed(void **state)
{
	struct ids ids = make_sysv_pair();
	struct seen s;

	(void)state;
	find_ours(&s);
	assert_int_equal(shmctl(ids.shm, IPC_RMID, NULL), 0);
	assert_int_equal(semctl(ids.sem, 0, IPC_RMID), 0);
	expect_eidrm(&s.o_shm);
	expect_eidrm(&s.o_sem);
}

/* The id now names an object with another key: as if ours was removed and
 * the kernel gave its id to a new object. */
static void
sweep_remove_refuses_an_id_that_carries_another_key(void **state)
{
	struct ids ids = make_sysv_pair();
	char other[NAMES_SHORT_MAX + 1];
	struct seen s;

	(void)state;
	find_ours(&s);
	assert_int_equal(names_unique(other, sizeof(other), "other"), 0);
	s.o_shm.key = s.o_sem.key = names_key(other);
	assert_int_not_equal(s.o_shm.key, t.key);
	expect_eidrm(&s.o_shm);
	expect_eidrm(&s.o_sem);
	assert_int_equal(shmget(t.key, 0, 0), ids.shm); /* both untouched */
	assert_int_equal(semget(t.key, 0, 0), ids.sem);
	assert_int_equal(shmctl(ids.shm, IPC_RMID, NULL), 0);
	assert_int_equal(semctl(ids.sem, 0, IPC_RMID), 0);
}

static void
sweep_remove_removes_an_object_that_still_carries_its_key(void **state)
{
	struct seen s;

	(void)state;
	make_sysv_pair();
	t.held = shm_open(t.posix, O_CREAT | O_EXCL | O_RDWR, 0600);
	assert_true(t.held != -1);
	find_ours(&s);
	assert_int_equal(s.pshm, 1);
	assert_int_equal(sweep_remove(&s.o_shm), 0);
	assert_int_equal(sweep_remove(&s.o_sem), 0);
	assert_int_equal(sweep_remove(&s.o_pshm), 0);
	assert_none_exist(); /* (it made no POSIX semaphore to begin with) */
}

/* ---- sweep_each ---------------------------------------------------------- */

static int
count_and_stop(const struct ipc_obj *o, void *arg)
{
	(void)o;
	++*(int *)arg;
	return 1;
}

static void
sweep_each_stops_when_visit_returns_nonzero(void **state)
{
	struct ids ids = make_sysv_pair(); /* so there is one to visit */
	int visits = 0;

	(void)state;
	assert_int_equal(sweep_each(count_and_stop, &visits), 0);
	assert_int_equal(visits, 1);
	assert_int_equal(shmctl(ids.shm, IPC_RMID, NULL), 0);
	assert_int_equal(semctl(ids.sem, 0, IPC_RMID), 0);
}

struct race {
	key_t key;
	const char *posix;
	int fd;	  /* the POSIX shm we opened during the sweep */
	int seen; /* times it was reported */
	struct ipc_obj o;
};

/* On our segment, create and keep open a POSIX shm; then note how the
 * sweep judges it. */
static int
open_during_sweep(const struct ipc_obj *o, void *arg)
{
	struct race *r = arg;

	if (o->kind == OBJ_SYSV_SHM && o->key == r->key && r->fd == -1)
		r->fd = shm_open(r->posix, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (o->kind == OBJ_POSIX_SHM && strcmp(o->name, r->posix) == 0) {
		r->seen++;
		r->o = *o;
	}
	return 0;
}

/* A POSIX object made and opened while the sweep runs (by this very
 * process, from the visit of our segment, so before the sweep lists
 * /dev/shm) is open by a running process when it is judged: it must not be
 * called stale, or a parallel sweep_stale() would remove what a test or
 * benchmark has just created.  (A sweep that looks for holders before it
 * lists the objects fails this.) */
static void
sweep_counts_a_posix_object_opened_during_the_sweep_as_live(void **state)
{
	struct ids ids = make_sysv_pair();
	struct race r = {t.key, t.posix, -1, 0, {0}};
	char line[512];
	int rc;

	(void)state;
	rc = sweep_each(open_during_sweep, &r);
	t.held = r.fd;
	assert_int_equal(rc, 0);
	assert_true(r.fd != -1); /* our segment was visited */
	assert_int_equal(shmctl(ids.shm, IPC_RMID, NULL), 0);
	assert_int_equal(semctl(ids.sem, 0, IPC_RMID), 0);
	assert_int_equal(shm_unlink(t.posix), 0);
	if (r.seen == 0)
		return; /* listed before it existed: nothing was judged */
	sweep_describe(&r.o, line, sizeof(line));
	if (!r.o.live)
		fail_msg("this process holds %s open, yet the sweep said: %s",
			 t.posix, line);
}

/* ---- sweep_describe, pid_alive ------------------------------------------ */

static void
sweep_describe_says_kind_object_owner_process_and_verdict(void **state)
{
	struct ipc_obj sysv = {
		.kind = OBJ_SYSV_SHM,
		.id = 42,
		.key = 0x1c00beef,
		.uid = 1000,
		.pid = 4321,
		.pid_role = "creator",
		.pid_alive = 0,
		.live = 0,
	};
	struct ipc_obj posix = {
		.kind = OBJ_POSIX_SEM,
		.id = -1,
		.key = 0,
		.uid = 0,
		.pid = 0,
		.pid_role = "-",
		.pid_alive = 0,
		.live = 1,
	};
	char line[512], small[10];
	size_t n;

	(void)state;
	strcpy(posix.name, "/ipclab-0-demo");
	sweep_describe(&sysv, line, sizeof(line));
	assert_true(strncmp(line, "shm-sysv ", 9) == 0);
	assert_non_null(strstr(line, "key 0x1c00beef id 42"));
	assert_non_null(strstr(line, "uid 1000"));
	assert_non_null(strstr(line, "creator 4321 (gone)"));
	n = strlen(line);
	assert_true(n > 6 && strcmp(line + n - 6, " stale") == 0);

	sweep_describe(&posix, line, sizeof(line));
	assert_true(strncmp(line, "sem-posix ", 10) == 0);
	assert_non_null(strstr(line, "/ipclab-0-demo"));
	assert_non_null(strstr(line, "no process"));
	n = strlen(line);
	assert_true(n > 5 && strcmp(line + n - 5, " live") == 0);

	sweep_describe(&sysv, small, sizeof(small)); /* truncates, never more */
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* An ended child not yet waited for (a zombie) no longer runs. */
static void
pid_alive_says_a_zombie_is_gone(void **state)
{
	uint64_t deadline = clock_ns() + TIMEOUT_MS * NS_PER_MS;
	siginfo_t info;
	pid_t child;

	(void)state;
	fflush(NULL);
	child = fork();
	assert_true(child != -1);
	if (child == 0)
		_exit(0);
	/* No pipes: kid_reap() and teardown reap it as a kid all the same. */
	t.kid.pid = child;
	for (;;) { /* wait until it has ended, but leave it unreaped */
		memset(&info, 0, sizeof(info));
		assert_int_equal(waitid(P_PID, (id_t)child, &info,
					WEXITED | WNOHANG | WNOWAIT),
				 0);
		if (info.si_pid == child)
			break;
		if (clock_ns() > deadline)
			fail_msg("child did not exit within %d ms", TIMEOUT_MS);
		sleep_ms(2);
	}
	assert_int_equal(kill(child, 0), 0); /* the zombie is still there */
	assert_false(pid_alive(child));
	kid_reap(&t.kid, TIMEOUT_MS);
	assert_false(pid_alive(child));
}

static void
pid_alive_tells_running_from_gone(void **state)
{
	pid_t child;
	int status;

	(void)state;
	assert_true(pid_alive(getpid()));
	assert_true(pid_alive(1)); /* exists even if it is not ours */
	assert_false(pid_alive(0));
	assert_false(pid_alive(-1));
	fflush(NULL);
	child = fork();
	assert_true(child != -1);
	if (child == 0)
		_exit(0);
	t.kid.pid = child; /* no pipes; kid_reap() reaps it all the same */
	status = kid_reap(&t.kid, TIMEOUT_MS);
	assert_true(WIFEXITED(status));
	assert_false(pid_alive(child));
}

#define FIXTURE(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

/* ---- a run is judged whole --------------------------------------------- */

/* A semaphore set whose last operations were a dead process's (a reader
 * killed after its post) belongs to a live run while the segment of the
 * same key has a running creator (this test), and is kept; once that
 * segment is gone, it is stale. */
static void
sweep_keeps_semaphores_of_a_run_whose_segment_is_live(void **state)
{
	struct sembuf up[2] = {{0, +1, 0}, {1, +1, 0}};
	int shm, sem, status;
	struct seen s;
	pid_t child;

	(void)state;
	shm = shmget(t.key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(shm, -1);
	sem = semget(t.key, 2, IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(sem, -1);
	child = fork(); /* the "reader": operates on both, then dies */
	assert_int_not_equal(child, -1);
	if (child == 0)
		_exit(semop(sem, up, 2) == 0 ? 0 : 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	assert_int_equal(semctl(sem, 0, GETPID), child);
	assert_int_equal(semctl(sem, 1, GETPID), child);

	sweep_ours(&s);
	assert_int_equal(s.sem, 1);
	assert_false(s.o_sem.pid_alive); /* its own evidence says dead */
	assert_true(s.o_sem.live);	 /* but its run lives */
	assert_int_not_equal(sweep_stale(getuid(), NULL), -1);
	assert_int_not_equal(semget(t.key, 0, 0), -1); /* kept */

	assert_int_equal(shmctl(shm, IPC_RMID, NULL), 0);
	sweep_ours(&s);
	if (s.sem == 1) /* a parallel sweep may have removed it already */
		assert_false(s.o_sem.live);
	assert_int_not_equal(sweep_stale(getuid(), NULL), -1);
	assert_int_equal(semget(t.key, 0, 0), -1); /* removed */
}

/* ---- System V message queues --------------------------------------------- */

struct one_msg {
	long mtype;
	char text[8];
};

/* A queue nobody has sent to or received from yet is live while young:
 * its creator is about to use it. */
static void
sweep_keeps_a_new_unused_queue(void **state)
{
	struct seen s;
	int q;

	(void)state;
	q = msgget(t.key, IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(q, -1);
	sweep_ours(&s);
	assert_int_equal(s.msg, 1);
	assert_int_equal(s.o_msg.id, q);
	assert_judged(&s.o_msg, 1, 0, 0);
	assert_int_equal(msgctl(q, IPC_RMID, NULL), 0);
}

/* A queue whose last sender has died, and that no running process has
 * received from, is stale at once, however young: a sender killed right
 * after it sent leaves nothing a new run could use. */
static void
sweep_judges_a_used_queue_by_its_last_sender_not_its_age(void **state)
{
	struct one_msg m = {1, "hi"};
	int q, status;
	struct seen s;
	pid_t child;

	(void)state;
	q = msgget(t.key, IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(q, -1);
	fflush(NULL);
	child = fork(); /* the "sender": sends one message, then dies */
	assert_int_not_equal(child, -1);
	if (child == 0)
		_exit(msgsnd(q, &m, sizeof(m.text), IPC_NOWAIT) == 0 ? 0 : 1);
	t.kid.pid = child; /* no pipes; kid_reap() reaps it all the same */
	status = kid_reap(&t.kid, TIMEOUT_MS);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	sweep_ours(&s);
	if (s.msg == 1) /* a parallel sweep may have removed it already */
		assert_judged(&s.o_msg, 0, child, 0);
	assert_int_not_equal(sweep_stale(getuid(), NULL), -1);
	assert_int_equal(msgget(t.key, 0), -1); /* removed */
}

/* A running receiver keeps the queue live though its sender is dead: it
 * may still be taking what the sender left. */
static void
sweep_keeps_a_queue_whose_last_receiver_runs(void **state)
{
	struct one_msg m = {1, "hi"};
	int q, status;
	struct seen s;
	pid_t child;

	(void)state;
	q = msgget(t.key, IPC_CREAT | IPC_EXCL | 0600);
	assert_int_not_equal(q, -1);
	fflush(NULL);
	child = fork(); /* the sender: two messages, then it dies */
	assert_int_not_equal(child, -1);
	if (child == 0)
		_exit(msgsnd(q, &m, sizeof(m.text), IPC_NOWAIT) == 0 &&
				      msgsnd(q, &m, sizeof(m.text),
					     IPC_NOWAIT) == 0
			      ? 0
			      : 1);
	t.kid.pid = child;
	status = kid_reap(&t.kid, TIMEOUT_MS);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* We are the receiver, racing a parallel sweep that may take the
	 * queue while only a dead sender has used it: then skip. */
	if (msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT) == -1) {
		assert_int_equal(msgget(t.key, 0), -1);
		return;
	}
	sweep_ours(&s);
	assert_int_equal(s.msg, 1);
	assert_judged(&s.o_msg, 1, getpid(), 1);
	assert_int_not_equal(sweep_stale(getuid(), NULL), -1);
	assert_int_equal(msgget(t.key, 0), q); /* kept */
	assert_int_equal(msgctl(q, IPC_RMID, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE(sweep_removes_objects_of_a_killed_creator),
		FIXTURE(sweep_leaves_objects_of_a_live_process),
		FIXTURE(sweep_remove_refuses_an_id_already_removed),
		FIXTURE(sweep_remove_refuses_an_id_that_carries_another_key),
		FIXTURE(sweep_remove_removes_an_object_that_still_carries_its_key),
		FIXTURE(sweep_each_stops_when_visit_returns_nonzero),
		FIXTURE(sweep_counts_a_posix_object_opened_during_the_sweep_as_live),
		cmocka_unit_test(
			sweep_describe_says_kind_object_owner_process_and_verdict),
		FIXTURE(pid_alive_tells_running_from_gone),
		FIXTURE(pid_alive_says_a_zombie_is_gone),
		FIXTURE(sweep_keeps_semaphores_of_a_run_whose_segment_is_live),
		FIXTURE(sweep_keeps_a_new_unused_queue),
		FIXTURE(sweep_judges_a_used_queue_by_its_last_sender_not_its_age),
		FIXTURE(sweep_keeps_a_queue_whose_last_receiver_runs),
	};

	signal(SIGPIPE, SIG_IGN); /* a dead child's pipe: EPIPE, not death */
	srand((unsigned)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
