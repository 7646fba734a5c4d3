/* test_cleanup.c - unit tests of lib/cleanup: the registry removes what a
 * process registered, however the process ends, and nothing else.
 *
 *   make build/bin/test_cleanup && build/bin/test_cleanup
 *
 * Most tests fork a child that creates and registers an object, tells the
 * parent its id over a pipe, then waits for a byte on a second pipe.  The
 * parent checks the object exists, then lets the child end (exit, die(),
 * or a signal) and checks what is left.  Every wait is bounded, and the
 * child has an alarm() as a backstop, so a bug fails fast.
 *
 * While it checks, the parent attaches the segment (or holds the POSIX
 * object open): that makes the object "live" to the stale sweep, so a sweep
 * running in parallel (test_sweep, `make ipcs-clean`) never removes it and
 * makes a broken registry look like a working one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "err.h"
#include "harness.h"
#include "io.h"
#include "names.h"

#define TIMEOUT_MS    10000 /* generous: valgrind runs are slow */
#define CHILD_ALARM_S 60

/* How the child ends once it is set up. */
enum end {
	END_EXIT,   /* the parent sends a byte; the child calls exit(0) */
	END_DIE,    /* the parent sends a byte; the child calls die() */
	END_SIGNAL, /* the parent signals it while it waits for the byte */
};

/* What one test holds, so teardown can release it if an assertion failed
 * half way. */
static struct {
	struct kid kid;	  /* the child: it reports an int, then waits */
	void *attached;	  /* a segment the parent attached */
	int held;	  /* a POSIX object the parent holds open */
	int handle;	  /* a registration of the parent's own */
	char dir[64];	  /* a private directory under /tmp */
	const char *name; /* the fixture's short name */
	char posix[NAMES_FULL_MAX];
} t;

/* ---- the child's side --------------------------------------------------- */

/* Set up in the child; returns the value to report, or calls _exit() with
 * a code that says which step failed. */
typedef int (*child_setup)(void);

static int
make_segment(void)
{
	int id = shmget(names_key(t.name), 4096, IPC_CREAT | IPC_EXCL | 0600);

	if (id == -1)
		_exit(10);
	return id;
}

static int
make_posix_shm(void)
{
	int fd = shm_open(t.posix, O_CREAT | O_EXCL | O_RDWR, 0600);

	if (fd == -1)
		_exit(11);
	close(fd);
	return 0;
}

static int
child_registers_segment(void)
{
	int id = make_segment();

	if (cleanup_add_id(OBJ_SYSV_SHM, id) == -1)
		_exit(12);
	return id;
}

static int
child_registers_posix_shm(void)
{
	make_posix_shm();
	if (cleanup_add_name(OBJ_POSIX_SHM, t.posix) == -1)
		_exit(13);
	return 0;
}

/* The segment is registered then forgotten; the POSIX object stays
 * registered, to show the registry did run. */
static int
child_forgets_segment(void)
{
	int id = make_segment(), h;

	if ((h = cleanup_add_id(OBJ_SYSV_SHM, id)) == -1)
		_exit(12);
	cleanup_forget(h);
	child_registers_posix_shm();
	return id;
}

static int
child_registers_nothing(void)
{
	return 0;
}

static void
make_file(const char *path, int code)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);

	if (fd == -1)
		_exit(code);
	close(fd);
}

/* Register files f0 .. f<CLEANUP_MAX-1>; one more must not fit. */
static int
child_fills_registry(void)
{
	char path[128];
	int i;

	for (i = 0; i <= CLEANUP_MAX; i++) {
		int h;

		snprintf(path, sizeof(path), "%s/f%d", t.dir, i);
		make_file(path, 20);
		errno = 0;
		h = cleanup_add_name(OBJ_PATH, path);
		if (i < CLEANUP_MAX && h == -1)
			_exit(21);
		if (i == CLEANUP_MAX && (h != -1 || errno != ENOSPC))
			_exit(22);
	}
	return CLEANUP_MAX;
}

/* The directory first, then a file in it: newest first removes the file,
 * then the now empty directory. */
static int
child_registers_dir_then_file(void)
{
	char path[128];

	if (cleanup_add_name(OBJ_DIR, t.dir) == -1)
		_exit(23);
	snprintf(path, sizeof(path), "%s/file", t.dir);
	make_file(path, 24);
	if (cleanup_add_name(OBJ_PATH, path) == -1)
		_exit(25);
	return 0;
}

/* The same, after a registration made before the directory's was
 * forgotten (so its registry slot is free again). */
static int
child_registers_dir_then_file_after_forget(void)
{
	char path[128];
	int h;

	snprintf(path, sizeof(path), "%s/placeholder", t.dir);
	if ((h = cleanup_add_name(OBJ_PATH, path)) == -1)
		_exit(26);
	if (cleanup_add_name(OBJ_DIR, t.dir) == -1)
		_exit(23);
	cleanup_forget(h);
	snprintf(path, sizeof(path), "%s/file", t.dir);
	make_file(path, 24);
	if (cleanup_add_name(OBJ_PATH, path) == -1)
		_exit(25);
	return 0;
}

/* What the child does: set up, report, then end. */
struct plan {
	child_setup setup;
	enum end end;
};

static _Noreturn void
child_main(int ready, int go, void *arg)
{
	const struct plan *plan = arg;
	enum end end = plan->end;
	int value;
	char c;

	alarm(CHILD_ALARM_S); /* never outlive a test that failed */
	value = plan->setup();
	if (write_full(ready, &value, sizeof(value)) == -1)
		_exit(30);
	if (read_full(go, &c, 1) != 1)
		_exit(31); /* the parent closed the pipe: it gave up */
	switch (end) {
	case END_EXIT:
		exit(0);
	case END_DIE: {
		int null = open("/dev/null", O_WRONLY);

		if (null != -1)
			dup2(null,
			     STDERR_FILENO); /* keep cmocka's output clean */
		die("dying on purpose, as the test asks");
	}
	case END_SIGNAL:
		break;
	}
	_exit(32); /* a signal was due, not a byte */
}

/* ---- the parent's side -------------------------------------------------- */

/* Start a child that runs setup, then ends as end says; returns the value
 * it reports once set up. */
static int
start_child(child_setup setup, enum end end)
{
	struct plan plan = {setup, end};
	int value;

	kid_start(&t.kid, child_main, &plan);
	kid_ready(&t.kid, &value, sizeof(value), TIMEOUT_MS);
	return value;
}

static void
assert_exited(int status, int code)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != code)
		fail_msg("child status 0x%x; want exit %d", status, code);
}

static void
assert_killed_by(int status, int sig)
{
	if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
		fail_msg("child status 0x%x; want killed by signal %d", status,
			 sig);
}

/* End the child as end says; check how it ended. */
static void
end_child(enum end end, int sig)
{
	int status;

	if (end == END_SIGNAL)
		assert_int_equal(kill(t.kid.pid, sig), 0);
	else
		kid_go(&t.kid);
	status = kid_reap(&t.kid, TIMEOUT_MS);
	if (end == END_SIGNAL)
		assert_killed_by(status, sig);
	else
		assert_exited(status, end == END_DIE ? 1 : 0);
}

/* Attach segment id, which must carry our key. */
static void
hold_segment(int id)
{
	assert_int_equal(shmget(names_key(t.name), 0, 0), id);
	t.attached = shmat(id, NULL, SHM_RDONLY);
	assert_true(t.attached != (void *)-1);
}

/* The segment we attached has been removed: its key is gone and it waits
 * only for our detach. */
static void
assert_segment_removed(int id)
{
	struct shmid_ds ds;

	errno = 0;
	assert_int_equal(shmget(names_key(t.name), 0, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	assert_true(ds.shm_perm.mode & SHM_DEST);
	assert_int_equal(shmdt(t.attached), 0);
	t.attached = NULL;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), -1); /* gone for good */
}

static void
assert_segment_alive(int id)
{
	struct shmid_ds ds;

	assert_int_equal(shmget(names_key(t.name), 0, 0), id);
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	assert_false(ds.shm_perm.mode & SHM_DEST);
}

static void
hold_posix_shm(void)
{
	t.held = shm_open(t.posix, O_RDONLY, 0);
	assert_true(t.held != -1);
}

/* The object we hold open was unlinked, and its name is free. */
static void
assert_posix_shm_removed(void)
{
	struct stat st;

	errno = 0;
	assert_int_equal(shm_open(t.posix, O_RDONLY, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fstat(t.held, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	close(t.held);
	t.held = -1;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Remove t.dir and what the tests put in it. */
static void
remove_dir(void)
{
	static const char *const files[] = {"file", "placeholder"};
	char path[128];

	if (t.dir[0] == '\0')
		return;
	for (int i = 0; i <= CLEANUP_MAX; i++) {
		snprintf(path, sizeof(path), "%s/f%d", t.dir, i);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", t.dir, files[i]);
		unlink(path);
	}
	rmdir(t.dir);
	t.dir[0] = '\0';
}

static void
make_dir(void)
{
	strcpy(t.dir, "/tmp/ipclab-unit-XXXXXX");
	assert_non_null(mkdtemp(t.dir));
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
	t.held = t.handle = -1;
	t.name = f->name;
	return names_posix(t.posix, sizeof(t.posix), f->name);
}

static int
teardown(void **state)
{
	kid_release(&t.kid);
	if (t.attached != NULL)
		shmdt(t.attached);
	if (t.held != -1)
		close(t.held);
	if (t.handle != -1)
		cleanup_forget(t.handle);
	remove_dir();
	return fixture_teardown(state);
}

/* ---- a System V segment, however the child ends ------------------------- */

static void
segment_removed_when_child(enum end end, int sig)
{
	int id;

	id = start_child(child_registers_segment, end);
	hold_segment(id);
	end_child(end, sig);
	assert_segment_removed(id);
}

static void
cleanup_removes_segment_on_exit(void **state)
{
	(void)state;
	segment_removed_when_child(END_EXIT, 0);
}

static void
cleanup_removes_segment_on_die(void **state)
{
	(void)state;
	segment_removed_when_child(END_DIE, 0);
}

static void
cleanup_removes_segment_on_sigterm(void **state)
{
	(void)state;
	segment_removed_when_child(END_SIGNAL, SIGTERM);
}

static void
cleanup_removes_segment_on_sigint(void **state)
{
	(void)state;
	segment_removed_when_child(END_SIGNAL, SIGINT);
}

static void
cleanup_removes_segment_on_sighup(void **state)
{
	(void)state;
	segment_removed_when_child(END_SIGNAL, SIGHUP);
}

/* ---- forgetting, and objects that belong to another process -------------- */

static void
cleanup_forget_keeps_the_object(void **state)
{
	int id;

	(void)state;
	id = start_child(child_forgets_segment, END_EXIT);
	hold_segment(id);
	hold_posix_shm();
	end_child(END_EXIT, 0);
	assert_posix_shm_removed(); /* the registry ran ... */
	assert_segment_alive(id);   /* ... and left the forgotten one */
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
	assert_int_equal(shmdt(t.attached), 0);
	t.attached = NULL;
}

/* The parent registers a segment, then forks; the child's exit path (or
 * signal handler) runs the inherited registry but must skip the parent's
 * entry.  The parent's own registry then still removes it. */
static void
parent_object_survives_child(enum end end, int sig)
{
	key_t key = names_key(t.name);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);

	assert_true(id != -1);
	t.handle = cleanup_add_id(OBJ_SYSV_SHM, id);
	assert_true(t.handle >= 0);
	start_child(child_registers_nothing, end);
	end_child(end, sig);
	assert_segment_alive(id);

	cleanup_run(); /* only this test's segment is registered here */
	t.handle = -1;
	errno = 0;
	assert_int_equal(shmget(key, 0, 0), -1);
	assert_int_equal(errno, ENOENT);
}

static void
cleanup_child_exit_leaves_parents_object(void **state)
{
	(void)state;
	parent_object_survives_child(END_EXIT, 0);
}

static void
cleanup_child_signal_leaves_parents_object(void **state)
{
	(void)state;
	parent_object_survives_child(END_SIGNAL, SIGTERM);
}

/* ---- POSIX shared memory ------------------------------------------------- */

static void
cleanup_unlinks_posix_shm_on_exit(void **state)
{
	(void)state;
	start_child(child_registers_posix_shm, END_EXIT);
	hold_posix_shm();
	end_child(END_EXIT, 0);
	assert_posix_shm_removed();
}

static void
cleanup_unlinks_posix_shm_on_sigterm(void **state)
{
	(void)state;
	start_child(child_registers_posix_shm, END_SIGNAL);
	hold_posix_shm();
	end_child(END_SIGNAL, SIGTERM);
	assert_posix_shm_removed();
}

/* ---- the registry's capacity and order ---------------------------------- */

static void
cleanup_registry_holds_cleanup_max_objects(void **state)
{
	char path[128];

	(void)state;
	make_dir();
	assert_int_equal(start_child(child_fills_registry, END_EXIT),
			 CLEANUP_MAX);
	end_child(END_EXIT, 0);
	for (int i = 0; i < CLEANUP_MAX; i++) {
		snprintf(path, sizeof(path), "%s/f%d", t.dir, i);
		if (exists(path))
			fail_msg("%s was registered but not removed", path);
	}
	snprintf(path, sizeof(path), "%s/f%d", t.dir, CLEANUP_MAX);
	assert_true(exists(path)); /* refused with ENOSPC, so left alone */
}

static void
cleanup_removes_newest_first(void **state)
{
	(void)state;
	make_dir();
	start_child(child_registers_dir_then_file, END_EXIT);
	end_child(END_EXIT, 0);
	if (exists(t.dir))
		fail_msg("%s is left: the directory was removed before the "
			 "file registered after it",
			 t.dir);
	t.dir[0] = '\0';
}

static void
cleanup_removes_newest_first_after_a_forget(void **state)
{
	char file[128];
	int dir_left, file_left;

	(void)state;
	make_dir();
	snprintf(file, sizeof(file), "%s/file", t.dir);
	start_child(child_registers_dir_then_file_after_forget, END_EXIT);
	end_child(END_EXIT, 0);
	file_left = exists(file);
	dir_left = exists(t.dir);
	if (file_left || dir_left)
		fail_msg("left behind:%s%s (removal order follows registry "
			 "slots, not registration order)",
			 file_left ? " the file" : "",
			 dir_left ? " the directory" : "");
	t.dir[0] = '\0';
}

/* ---- argument checks ----------------------------------------------------- */

/* rc must be -1 with errno err; forget a registration made by mistake. */
static void
expect_refused(int rc, int err, const char *what)
{
	int e = errno;

	if (rc >= 0)
		cleanup_forget(rc);
	if (rc != -1 || e != err)
		fail_msg("%s: rc %d errno %s; want -1 and %s", what, rc,
			 errno_name(e), errno_name(err));
}

static void
cleanup_add_rejects_the_wrong_kind(void **state)
{
	(void)state;
	errno = 0;
	expect_refused(cleanup_add_id(OBJ_POSIX_SHM, 1), EINVAL,
		       "add_id(OBJ_POSIX_SHM)");
	errno = 0;
	expect_refused(cleanup_add_id(OBJ_PATH, 1), EINVAL, "add_id(OBJ_PATH)");
	errno = 0;
	expect_refused(cleanup_add_id((enum obj_kind)99, 1), EINVAL,
		       "add_id(99)");
	errno = 0;
	expect_refused(cleanup_add_name(OBJ_SYSV_SHM, "/x"), EINVAL,
		       "add_name(OBJ_SYSV_SHM)");
	errno = 0;
	expect_refused(cleanup_add_name(OBJ_SYSV_MSG, "/x"), EINVAL,
		       "add_name(OBJ_SYSV_MSG)");
	errno = 0;
	expect_refused(cleanup_add_name((enum obj_kind)99, "/x"), EINVAL,
		       "add_name(99)");
}

static void
cleanup_add_name_rejects_a_name_too_long(void **state)
{
	char *name = malloc(PATH_MAX + 1);

	(void)state;
	assert_non_null(name);
	memset(name, 'x', PATH_MAX);
	name[0] = '/';
	name[PATH_MAX] = '\0';
	errno = 0;
	expect_refused(cleanup_add_name(OBJ_PATH, name), ENAMETOOLONG,
		       "add_name(PATH_MAX characters)");
	free(name);
}

static void
obj_kind_name_names_every_kind(void **state)
{
	(void)state;
	assert_string_equal(obj_kind_name(OBJ_SYSV_SHM), "shm-sysv");
	assert_string_equal(obj_kind_name(OBJ_SYSV_SEM), "sem-sysv");
	assert_string_equal(obj_kind_name(OBJ_SYSV_MSG), "msgq-sysv");
	assert_string_equal(obj_kind_name(OBJ_POSIX_SHM), "shm-posix");
	assert_string_equal(obj_kind_name(OBJ_POSIX_SEM), "sem-posix");
	assert_string_equal(obj_kind_name(OBJ_POSIX_MQ), "msgq-posix");
	assert_string_equal(obj_kind_name(OBJ_PATH), "path");
	assert_string_equal(obj_kind_name(OBJ_DIR), "dir");
	assert_string_equal(obj_kind_name((enum obj_kind)99), "?");
}

static void
obj_remove_rejects_an_unknown_kind(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(obj_remove((enum obj_kind)99, 0, ""), -1);
	assert_int_equal(errno, EINVAL);
}

#define FIXTURE(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE(cleanup_removes_segment_on_exit),
		FIXTURE(cleanup_removes_segment_on_die),
		FIXTURE(cleanup_removes_segment_on_sigterm),
		FIXTURE(cleanup_removes_segment_on_sigint),
		FIXTURE(cleanup_removes_segment_on_sighup),
		FIXTURE(cleanup_forget_keeps_the_object),
		FIXTURE(cleanup_child_exit_leaves_parents_object),
		FIXTURE(cleanup_child_signal_leaves_parents_object),
		FIXTURE(cleanup_unlinks_posix_shm_on_exit),
		FIXTURE(cleanup_unlinks_posix_shm_on_sigterm),
		FIXTURE(cleanup_registry_holds_cleanup_max_objects),
		FIXTURE(cleanup_removes_newest_first),
		FIXTURE(cleanup_removes_newest_first_after_a_forget),
		FIXTURE(cleanup_add_rejects_the_wrong_kind),
		FIXTURE(cleanup_add_name_rejects_a_name_too_long),
		cmocka_unit_test(obj_kind_name_names_every_kind),
		cmocka_unit_test(obj_remove_rejects_an_unknown_kind),
	};

	/* The registry leaves a signal alone if it was ignored when the
	 * program started (nohup, `&`); these tests need it to act. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN); /* a dead child's pipe: EPIPE, not death */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
