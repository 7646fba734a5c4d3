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
 * (user_create/user_remove are a static copy of what tests/harness.c is
 * getting as harness_user_create/harness_user_remove.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
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

static struct {
	char name[32]; /* "ipclab-t<pid>" */
	uid_t uid;
	gid_t gid;
	int made;
} user;

/* Run a command line with /bin/sh, output to /dev/null; its exit code. */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int
user_create(void)
{
	char cmd[128];
	struct passwd *pw;

	snprintf(user.name, sizeof(user.name), "ipclab-t%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd),
		 "useradd -r -M -s /usr/sbin/nologin %s >/dev/null 2>&1",
		 user.name);
	if (sh(cmd) != 0 || (pw = getpwnam(user.name)) == NULL)
		return -1;
	user.uid = pw->pw_uid;
	user.gid = pw->pw_gid;
	user.made = 1;
	return 0;
}

static void
user_remove(void)
{
	char cmd[128];

	if (!user.made)
		return;
	snprintf(cmd, sizeof(cmd), "userdel %s >/dev/null 2>&1", user.name);
	sh(cmd);
	user.made = 0;
}

static int
group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0; /* each test skips */
	if (user_create() == -1) {
		print_error("useradd %s failed\n", user.name);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	user_remove();
	return 0;
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

/* The directory of the test program: build/bin. */
static void
bin_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0';
}

/* Run build/bin/PROG with args as the intruder, its output to /dev/null;
 * return its pid at once (wait with wait_child). */
static pid_t
start_as_user(const char *prog, char *const argv[])
{
	char path[PATH_MAX], dir[PATH_MAX];
	pid_t pid;

	bin_dir(dir, sizeof(dir));
	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, prog) <
		    (int)sizeof(path));
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		drop_to_user();
		dup2(null, 1);
		dup2(null, 2);
		execv(path, argv);
		_exit(127);
	}
	return pid;
}

/* A pid that no process has: a child that has ended and been reaped (a
 * new process could take it, but not within this test, in practice). */
static pid_t
dead_pid(void)
{
	pid_t pid = fork();
	int st;

	assert_true(pid != -1);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return pid;
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

/* Both users leave a stale directory (a fifo_reader killed with SIGKILL).
 * The intruder's ipclab-ipcs --clean removes the intruder's, never ours;
 * ours with -N removes ours, never the intruder's. */
static void
neither_users_clean_touches_the_others(void **state)
{
	const char *name = ((struct fixture *)*state)->name;
	char *argv_reader[] = {"fifo_reader", "-N", (char *)name,
			       "-t",	      "30", NULL};
	char *argv_clean[] = {"ipclab-ipcs", "--clean", NULL};
	char ours[PATH_MAX], theirs[PATH_MAX];
	struct proc r;
	struct stat st;
	pid_t pid;
	int status;

	need_root();
	assert_int_equal(
		proc_start(&r, "fifo_reader", "-N", name, "-t", "30", NULL), 0);
	wait_for_dir(getuid(), name, ours, sizeof(ours));
	assert_int_equal(proc_wait_output(&r, "listening on", RUN_MS), 0);
	kill(r.pid, SIGKILL);
	assert_int_equal(proc_wait(&r, RUN_MS), 0);
	proc_free(&r);

	pid = start_as_user("fifo_reader", argv_reader);
	wait_for_dir(user.uid, name, theirs, sizeof(theirs));
	sleep_ms(300); /* its FIFO made too */
	kill(pid, SIGKILL);
	assert_int_equal(wait_child(pid, RUN_MS, &status), 0);

	pid = start_as_user("ipclab-ipcs", argv_clean);
	assert_int_equal(wait_child(pid, RUN_MS, &status), 0);
	assert_int_equal(status, 0);
	assert_int_equal(lstat(ours, &st), 0);	  /* ours: untouched */
	assert_int_equal(lstat(theirs, &st), -1); /* theirs: their clean */

	/* Again, for our clean: the intruder's stale directory stays. */
	pid = start_as_user("fifo_reader", argv_reader);
	wait_for_dir(user.uid, name, theirs, sizeof(theirs));
	sleep_ms(300);
	kill(pid, SIGKILL);
	assert_int_equal(wait_child(pid, RUN_MS, &status), 0);
	assert_int_equal(
		run("ipclab-ipcs", "--mine", "-N", name, "--clean", NULL), 0);
	assert_int_equal(lstat(ours, &st), -1);	 /* ours: gone */
	assert_int_equal(lstat(theirs, &st), 0); /* theirs: untouched */
	assert_true(snprintf(ours, sizeof(ours), "rm -rf '%s'", theirs) <
		    (int)sizeof(ours));
	assert_int_equal(sh(ours), 0);
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
