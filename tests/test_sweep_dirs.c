/* test_sweep_dirs.c - unit tests of lib/sweep's private directories: the
 * FIFO and socket directories in $TMPDIR or /tmp, what counts as ours,
 * when one is stale, and that removing one follows no link.
 *
 *   make build/bin/test_sweep_dirs && build/bin/test_sweep_dirs
 *
 * Each test makes directories named as names_dir_template() names them,
 * with the fixture's unique name, and a pid that has ended (a reaped
 * child's) where it needs a stale one.  The two-user cases are in
 * test_twouser_dirs.c (root only); these run as anyone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "names.h"
#include "proc.h"
#include "sweep.h"

#define RUN_MS 20000

/* The directories a test made, removed by teardown if a test failed. */
static struct {
	char paths[4][PATH_MAX];
	int n;
} made;

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* Remember path for teardown; return it. */
static char *
remember(void)
{
	assert_true(made.n < 4);
	return made.paths[made.n++];
}

/* Write into buf the path of a private directory of uid and name, as
 * made by process pid. */
static void
dir_path(char *buf, size_t size, uid_t uid, const char *name, pid_t pid,
	 const char *six)
{
	assert_true(snprintf(buf, size, "%s/" IPCLAB_PREFIX "%u-%s.%ld.%s",
			     names_tmp_dir(), (unsigned)uid, name, (long)pid,
			     six) < (int)size);
}

/* Leave a socket file at dir/file: bind, close (the file stays). */
static void
socket_file(const char *dir, const char *file)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd != -1);
	assert_true(snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir,
			     file) < (int)sizeof(sa.sun_path));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

static int
exists(const char *dir, const char *file)
{
	char path[PATH_MAX * 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s%s", dir, file ? "/" : "",
		 file ? file : "");
	return lstat(path, &st) == 0;
}

/* What sweep_dirs_each() said of one path. */
struct found {
	const char *path;
	int n;
	struct ipc_obj o;
};

static int
find(const struct ipc_obj *o, void *arg)
{
	struct found *f = arg;

	if (o->kind == OBJ_DIR && strcmp(o->path, f->path) == 0) {
		f->n++;
		f->o = *o;
	}
	return 0;
}

static struct found
look(const char *path)
{
	struct found f = {path, 0, {0}};

	assert_int_equal(sweep_dirs_each(find, &f), 0);
	return f;
}

static int
setup(void **state)
{
	made.n = 0;
	return fixture_setup(state);
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	for (int i = 0; i < made.n; i++) {
		struct stat st;

		if (lstat(made.paths[i], &st) == -1)
			continue;
		if (S_ISLNK(st.st_mode)) {
			unlink(made.paths[i]);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", made.paths[i]);
		if (system(cmd) != 0)
			print_error("could not remove %s\n", made.paths[i]);
	}
	return fixture_teardown(state);
}

/* A directory whose creator runs is live and stays; one whose creator is
 * gone is stale, and sweep_stale_dirs() removes it with the FIFO and the
 * socket file in it. */
static void
a_dead_creators_directory_is_stale_and_removed(void **state)
{
	char *live = remember(), *stale = remember();
	struct found f;

	assert_int_equal(names_dir_template(live, PATH_MAX, name_of(state)), 0);
	assert_non_null(mkdtemp(live));
	dir_path(stale, PATH_MAX, getuid(), name_of(state), dead_pid(),
		 "AbC123");
	assert_int_equal(mkdir(stale, 0700), 0);
	socket_file(stale, "socket");
	socket_file(live, "socket");

	f = look(live);
	assert_int_equal(f.n, 1);
	assert_true(f.o.live);
	assert_int_equal(f.o.pid, getpid());
	assert_int_equal(f.o.uid, getuid());
	f = look(stale);
	assert_int_equal(f.n, 1);
	assert_false(f.o.live);
	assert_false(f.o.pid_alive);
	assert_string_equal(f.o.pid_role, "creator");

	assert_int_equal(sweep_stale_dirs(name_of(state), NULL), 1);
	assert_false(exists(stale, NULL));
	assert_true(exists(live, "socket"));
	/* A pattern that does not match leaves ours alone. */
	assert_int_equal(sweep_stale_dirs("no-such-name", NULL), 0);
	assert_int_equal(objects_alive(name_of(state)), 1); /* the live one */
	assert_int_equal(objects_remove(name_of(state)), 1);
	assert_false(exists(live, NULL));
}

/* A symlink named like a stale directory of ours, pointing at a directory
 * of ours with a socket file and a FIFO in it (the symlink attack, by one
 * user): it is not listed, the sweep removes nothing through it, and
 * neither does socket_unix_server's sweep of its name. */
static void
a_symlink_named_like_ours_is_not_followed(void **state)
{
	char *target = remember(), *link = remember();
	char fifo[PATH_MAX + 8];
	struct proc s;

	strcpy(target, "/tmp/ipclab-sweepdirs-target-XXXXXX");
	assert_non_null(mkdtemp(target));
	socket_file(target, "socket");
	snprintf(fifo, sizeof(fifo), "%s/fifo", target);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	dir_path(link, PATH_MAX, getuid(), name_of(state), dead_pid(),
		 "AbC125");
	assert_int_equal(symlink(target, link), 0);

	assert_int_equal(look(link).n, 0);
	assert_int_equal(sweep_stale_dirs(name_of(state), NULL), 0);
	assert_int_equal(sweep_stale_dirs("*", NULL) >= 0, 1);
	assert_int_equal(proc_start(&s, "socket_unix_server", "-N",
				    name_of(state), "-t", "1", NULL),
			 0);
	assert_int_equal(proc_wait(&s, RUN_MS), 0);
	assert_code(&s, 1); /* no client came */
	proc_free(&s);
	assert_true(exists(target, "socket"));
	assert_true(exists(target, "fifo"));
	assert_true(exists(link, NULL));
	assert_int_equal(objects_alive(name_of(state)), 0);
}

/* A stale directory of ours holding something a program of ours never
 * puts there (a regular file, a symlink) is left as it is: the sweep
 * removes FIFOs and sockets only, and says ENOTEMPTY. */
static void
a_stale_directory_with_other_files_is_left(void **state)
{
	char *dir = remember();
	char path[PATH_MAX + 16];
	int fd;

	dir_path(dir, PATH_MAX, getuid(), name_of(state), dead_pid(), "AbC126");
	assert_int_equal(mkdir(dir, 0700), 0);
	socket_file(dir, "socket");
	snprintf(path, sizeof(path), "%s/notes", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	close(fd);
	snprintf(path, sizeof(path), "%s/link", dir);
	assert_int_equal(symlink("/etc/hostname", path), 0);

	errno = 0;
	assert_int_equal(sweep_stale_dirs(name_of(state), NULL), -1);
	assert_int_equal(errno, ENOTEMPTY);
	assert_true(exists(dir, "notes"));
	assert_true(exists(dir, "link"));
	assert_true(exists("/etc/hostname", NULL));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* Not ours, so not listed: a directory named with another uid, a file
 * (not a directory) named like ours.  A directory of ours whose name
 * holds no pid (a minimal rung's) is listed, but live: nothing says its
 * maker is gone. */
static void
only_our_form_owner_and_type_are_listed(void **state)
{
	char *other = remember(), *file = remember(), *nopid = remember();
	struct found f;
	int fd;

	dir_path(other, PATH_MAX, getuid() + 1, name_of(state), dead_pid(),
		 "AbC127");
	assert_int_equal(mkdir(other, 0700), 0);
	dir_path(file, PATH_MAX, getuid(), name_of(state), dead_pid(),
		 "AbC128");
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	close(fd);
	assert_true(snprintf(nopid, PATH_MAX,
			     "%s/" IPCLAB_PREFIX "%u-%s.AbC129",
			     names_tmp_dir(), (unsigned)getuid(),
			     name_of(state)) < PATH_MAX);
	assert_int_equal(mkdir(nopid, 0700), 0);

	assert_int_equal(look(other).n, 0);
	assert_int_equal(look(file).n, 0);
	f = look(nopid);
	assert_int_equal(f.n, 1);
	assert_true(f.o.live);
	assert_int_equal(f.o.pid, 0);
	assert_int_equal(sweep_stale_dirs(name_of(state), NULL), 0);
	assert_true(exists(other, NULL));
	assert_true(exists(file, NULL));
	assert_true(exists(nopid, NULL));
	assert_int_equal(objects_alive(name_of(state)), 1); /* nopid */
	assert_int_equal(rmdir(nopid), 0);
}

/* sweep_remove() on a directory that was replaced after it was judged (a
 * new one of the same name, while the old one still exists elsewhere)
 * refuses with EIDRM and leaves the new one. */
static void
sweep_remove_refuses_a_replaced_directory(void **state)
{
	char *dir = remember(), *moved = remember();
	struct found f;

	dir_path(dir, PATH_MAX, getuid(), name_of(state), dead_pid(), "AbC12a");
	assert_true(strlen(dir) + sizeof("-moved") <= PATH_MAX);
	strcpy(moved, dir);
	strcat(moved, "-moved");
	assert_int_equal(mkdir(dir, 0700), 0);
	f = look(dir);
	assert_int_equal(f.n, 1);
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(mkdir(dir, 0700), 0); /* another inode: old exists */
	socket_file(dir, "socket");
	errno = 0;
	assert_int_equal(sweep_remove(&f.o), -1);
	assert_int_equal(errno, EIDRM);
	assert_true(exists(dir, "socket"));
	assert_true(exists(moved, NULL));
	f = look(dir); /* judged again: the new one goes */
	assert_int_equal(sweep_remove(&f.o), 0);
	assert_false(exists(dir, NULL));
	assert_int_equal(rmdir(moved), 0);
}

#define FIXTURE(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE(a_dead_creators_directory_is_stale_and_removed),
		FIXTURE(a_symlink_named_like_ours_is_not_followed),
		FIXTURE(a_stale_directory_with_other_files_is_left),
		FIXTURE(only_our_form_owner_and_type_are_listed),
		FIXTURE(sweep_remove_refuses_a_replaced_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
