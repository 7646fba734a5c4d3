/* test_twouser_dirs.c - a second user against our private directories in
 * /tmp: the symlink attack on the stale-directory sweep, a directory of
 * theirs named like ours, and each user's --clean.
 *
 *   make build/bin/test_twouser_dirs && build/bin/test_twouser_dirs
 *
 * Root only: the test creates a throwaway system user (useradd -r), runs
 * the intruder's side in a forked child that drops to that user
 * (setgroups, setgid, setuid), and removes the user at the end, even when
 * a test failed.  Without root every test is skipped with a message.
 * (harness_user_create/harness_user_remove and proc_start_as are the
 * harness's, shared with test_twouser.c.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

#include "clock.h"
#include "harness.h"
#include "names.h"

#define RUN_MS 20000

static struct harness_user user;

static int
group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0; /* each test skips */
	if (harness_user_create(&user) == -1) {
		print_error("useradd failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return harness_user_remove(&user) == 0 ? 0 : -1;
}

static void
need_root(void)
{
	if (geteuid() != 0) {
		print_message("[ SKIPPED  ] two-user tests need root: they "
			      "create a throwaway user\n");
		skip();
	}
}

/* Become the intruder (in a forked child). */
static void
drop_to_user(void)
{
	if (setgroups(0, NULL) == -1 || setgid(user.gid) == -1 ||
	    setuid(user.uid) == -1)
		_exit(120);
}

/* Run a root program with the harness and wait for it; return its code. */
static int
run(const char *prog, ...)
{
	struct proc p;
	va_list ap;
	int code;

	va_start(ap, prog);
	assert_int_equal(proc_startv(&p, prog, ap), 0);
	va_end(ap);
	assert_int_equal(proc_wait(&p, RUN_MS), 0);
	code = proc_code(&p);
	proc_free(&p);
	return code;
}

/* Leave a socket file at path: bind, then close (the file stays). */
static void
make_socket_file(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd != -1);
	assert_true(snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path) <
		    (int)sizeof(sa.sun_path));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

/* Make the file at path an hour old, older than any grace period. */
static void
make_old(const char *path)
{
	struct timespec ts[2];

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 3600;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

/* The name a stale private directory of uid would have, with a dead
 * creator: "/tmp/ipclab-<uid>-<name>.<pid>.<six>". */
static void
stale_name(char *buf, size_t size, uid_t uid, const char *name, const char *six)
{
	snprintf(buf, size, "%s/" IPCLAB_PREFIX "%u-%s.%ld.%s", names_tmp_dir(),
		 (unsigned)uid, name, (long)dead_pid(), six);
}

/* The symlink attack: the intruder puts a symlink named like a stale
 * directory of ours (root's) in /tmp, pointing at a directory of root's
 * that holds an old socket file.  Every sweep of ours then runs --
 * socket_unix_server's, socket_unix_dgram's, fifo_reader's, ipclab-ipcs
 * --clean -- and the socket file and the link are still there. */
static void
symlink_sweep_attack_deletes_nothing(void **state)
{
	const char *name = ((struct fixture *)*state)->name;
	char victim[] = "/tmp/ipclab-twouser-victim-XXXXXX";
	char link[PATH_MAX], file[PATH_MAX];
	struct stat st;
	pid_t pid;
	int status;

	need_root();
	assert_non_null(mkdtemp(victim));
	assert_true(snprintf(file, sizeof(file), "%s/socket", victim) <
		    (int)sizeof(file));
	make_socket_file(file);
	make_old(file);
	stale_name(link, sizeof(link), getuid(), name, "AbC123");
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		drop_to_user();
		_exit(symlink(victim, link) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);

	assert_int_equal(run("socket_unix_server", "-N", name, "-t", "1", NULL),
			 1); /* no client came */
	assert_int_equal(run("socket_unix_dgram", "-N", name, "-n", "2", NULL),
			 0);
	assert_int_equal(run("fifo_reader", "-N", name, "-t", "1", NULL), 1);
	assert_int_equal(run("ipclab-ipcs", "-N", name, "--clean", NULL), 0);

	assert_int_equal(lstat(file, &st), 0); /* not deleted through it */
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(lstat(link, &st), 0); /* not ours to remove */
	assert_true(S_ISLNK(st.st_mode));
	unlink(link);
	unlink(file);
	rmdir(victim);
}

/* The intruder makes a real directory named like a stale one of ours,
 * open to all, with a FIFO in it.  None of our programs uses it or
 * removes anything in it: not the sweeps, not fifo_reader or fifo_writer
 * told its path with -p, not even by a path that reaches it through a
 * directory of ours and "..". */
static void
foreign_directory_named_like_ours_is_neither_used_nor_removed(void **state)
{
	const char *name = ((struct fixture *)*state)->name;
	char mine[] = "/tmp/ipclab-twouser-mine-XXXXXX";
	char dir[PATH_MAX], fifo[PATH_MAX], path[PATH_MAX * 2];
	struct stat before, after;
	pid_t pid;
	int status;

	need_root();
	stale_name(dir, sizeof(dir), getuid(), name, "AbC124");
	assert_true(snprintf(fifo, sizeof(fifo), "%s/fifo", dir) <
		    (int)sizeof(fifo));
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		drop_to_user();
		umask(0);
		_exit(mkdir(dir, 0777) == 0 && mkfifo(fifo, 0666) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	make_old(fifo);
	assert_int_equal(lstat(fifo, &before), 0);

	assert_int_equal(run("socket_unix_server", "-N", name, "-t", "1", NULL),
			 1);
	assert_int_equal(run("fifo_reader", "-N", name, "-t", "1", NULL), 1);
	assert_int_equal(run("ipclab-ipcs", "-N", name, "--clean", NULL), 0);
	/* Told the path: refused, whichever way the path goes there. */
	assert_int_equal(run("fifo_reader", "-p", fifo, "-t", "1", NULL), 1);
	assert_int_equal(run("fifo_writer", "-p", fifo, "-t", "1", NULL), 1);
	assert_non_null(mkdtemp(mine));
	assert_true(snprintf(path, sizeof(path), "%s/../%s/fifo", mine,
			     strrchr(dir, '/') + 1) < (int)sizeof(path));
	assert_int_equal(run("fifo_reader", "-p", path, "-t", "1", NULL), 1);
	assert_int_equal(run("fifo_writer", "-p", path, "-t", "1", NULL), 1);
	assert_int_equal(rmdir(mine), 0); /* nothing made in ours either */

	assert_int_equal(lstat(fifo, &after), 0); /* the same FIFO */
	assert_true(S_ISFIFO(after.st_mode));
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_uid, user.uid);
	unlink(fifo);
	rmdir(dir);
}

/* Wait up to 5 s for a private directory of uid and name in /tmp; copy
 * its path into buf. */
static void
wait_for_dir(uid_t uid, const char *name, char *buf, size_t size)
{
	char prefix[NAMES_FULL_MAX + 16];
	uint64_t end = clock_ns() + 5 * NS_PER_S;

	snprintf(prefix, sizeof(prefix), IPCLAB_PREFIX "%u-%s.", (unsigned)uid,
		 name);
	while (clock_ns() < end) {
		DIR *d = opendir(names_tmp_dir());
		struct dirent *e;

		assert_non_null(d);
		while ((e = readdir(d)) != NULL)
			if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
				snprintf(buf, size, "%s/%s", names_tmp_dir(),
					 e->d_name);
				closedir(d);
				return;
			}
		closedir(d);
		sleep_ms(20);
	}
	fail_msg("no directory %s* appeared", prefix);
}

/* Start fifo_reader -N name as the intruder, and SIGKILL it once its
 * directory is there; its path into buf. */
static void
intruder_reader_killed(const char *name, char *buf, size_t size)
{
	struct proc r;

	assert_int_equal(proc_start_as(&r, user.uid, user.gid, "fifo_reader",
				       "-N", name, "-t", "30", NULL),
			 0);
	assert_int_equal(proc_wait_output(&r, "listening on", RUN_MS), 0);
	wait_for_dir(user.uid, name, buf, size);
	kill(r.pid, SIGKILL);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	proc_free(&r);
}

/* Remove the FIFO and the directory at dir (root may). */
static void
remove_dir_and_fifo(const char *dir)
{
	char path[PATH_MAX + 8];

	assert_true(snprintf(path, sizeof(path), "%s/fifo", dir) <
		    (int)sizeof(path));
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* Both users leave a stale directory (a fifo_reader killed with SIGKILL).
 * The intruder's ipclab-ipcs --clean removes the intruder's, never ours;
 * ours with -N removes ours, never the intruder's. */
static void
neither_users_clean_touches_the_others(void **state)
{
	const char *name = ((struct fixture *)*state)->name;
	char ours[PATH_MAX], theirs[PATH_MAX];
	struct proc r, c;
	struct stat st;

	need_root();
	assert_int_equal(
		proc_start(&r, "fifo_reader", "-N", name, "-t", "30", NULL), 0);
	assert_int_equal(proc_wait_output(&r, "listening on", RUN_MS), 0);
	wait_for_dir(getuid(), name, ours, sizeof(ours));
	kill(r.pid, SIGKILL);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	proc_free(&r);
	intruder_reader_killed(name, theirs, sizeof(theirs));

	/* The intruder's whole --clean, not only of the name. */
	assert_int_equal(proc_start_as(&c, user.uid, user.gid, "ipclab-ipcs",
				       "--clean", NULL),
			 0);
	assert_int_equal(proc_wait(&c, RUN_MS), 0);
	assert_code(&c, 0);
	proc_free(&c);
	assert_int_equal(lstat(ours, &st), 0);	  /* ours: untouched */
	assert_int_equal(lstat(theirs, &st), -1); /* theirs: their clean */

	/* Again, for our clean: the intruder's stale directory stays. */
	intruder_reader_killed(name, theirs, sizeof(theirs));
	assert_int_equal(
		run("ipclab-ipcs", "--mine", "-N", name, "--clean", NULL), 0);
	assert_int_equal(lstat(ours, &st), -1);	 /* ours: gone */
	assert_int_equal(lstat(theirs, &st), 0); /* theirs: untouched */
	remove_dir_and_fifo(theirs);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(symlink_sweep_attack_deletes_nothing),
		T(foreign_directory_named_like_ours_is_neither_used_nor_removed),
		T(neither_users_clean_touches_the_others),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
