/* harness.c - test helpers: see harness.h. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "io.h"
#include "sweep.h"

/* A temporary file with no name: it goes when the last descriptor does. */
static int
open_unnamed(void)
{
	char path[] = "/tmp/ipclab-test-XXXXXX";
	int fd = mkstemp(path);

	if (fd != -1) {
		unlink(path);
		fcntl(fd, F_SETFD,
		      FD_CLOEXEC); /* the program gets 1 and 2 only */
	}
	return fd;
}

/* The directory this test program lives in: build/bin. */
static const char *
bin_dir(void)
{
	static char dir[PATH_MAX];

	if (dir[0] == '\0') {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);

		if (n <= 0)
			return ".";
		dir[n] = '\0';
		*strrchr(dir, '/') = '\0';
	}
	return dir;
}

void
proc_listening_on(const struct proc *p, char *addr, size_t size,
		  unsigned timeout_ms)
{
	uint64_t deadline = clock_ns() + timeout_ms * NS_PER_MS;
	char out[8192], *line = NULL, *nl = NULL, *sp;
	ssize_t n;

	while (nl == NULL && clock_ns() < deadline) {
		sleep_ms(5);
		n = pread(p->out_fd, out, sizeof(out) - 1, 0);
		out[n > 0 ? n : 0] = '\0';
		line = strstr(out, " listening on ");
		nl = line != NULL ? strchr(line, '\n') : NULL;
	}
	assert_non_null(nl); /* the whole line is there */
	*nl = '\0';
	sp = strrchr(line, ' ');
	assert_true(strlen(sp + 1) < size);
	strcpy(addr, sp + 1);
}

int
under_valgrind(void)
{
	return getenv("IPCLAB_VALGRIND") != NULL;
}

int
proc_start(struct proc *p, const char *prog, ...)
{
	va_list ap;
	int rc;

	va_start(ap, prog);
	rc = proc_startv(p, prog, ap);
	va_end(ap);
	return rc;
}

/* proc_startv(), the program run as uid and gid unless uid is -1. */
static int
startv_as(struct proc *p, uid_t uid, gid_t gid, const char *prog, va_list ap)
{
	char *argv[32], path[PATH_MAX + 64];
	int argc = 0, out, err;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/%s", bin_dir(), prog);
	if (under_valgrind()) {
		argv[argc++] = "valgrind";
		argv[argc++] = "-q";
		argv[argc++] = "--error-exitcode=99";
		argv[argc++] = "--leak-check=full";
		argv[argc++] = "--errors-for-leak-kinds=definite";
	}
	argv[argc++] = path;
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	argv[argc] = NULL;

	/* Unnamed files: the names go at once, so a test that fails half
	 * way leaves nothing in /tmp. */
	out = p->out_fd = open_unnamed();
	err = p->err_fd = open_unnamed();
	if (out == -1 || err == -1)
		return -1;
	fflush(NULL);
	p->pid = fork();
	if (p->pid == -1)
		return -1;
	if (p->pid == 0) {
		/* As a learner's shell starts it: a test run in the background
		 * by a shell without job control ignores SIGINT, and exec()
		 * would pass that on, making every SIGINT test pass vacuously. */
		const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
		sigset_t none;

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		if (uid != (uid_t)-1 &&
		    (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
		     setuid(uid) == -1))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	return 0;
}

int
proc_startv(struct proc *p, const char *prog, va_list ap)
{
	return startv_as(p, (uid_t)-1, 0, prog, ap);
}

int
proc_start_as(struct proc *p, uid_t uid, gid_t gid, const char *prog, ...)
{
	va_list ap;
	int rc;

	va_start(ap, prog);
	rc = startv_as(p, uid, gid, prog, ap);
	va_end(ap);
	return rc;
}

/* Run argv (a command in $PATH or /usr/sbin), its output thrown away;
 * returns its exit code, or -1 with errno set if it could not run. */
static int
run_quiet(char *const argv[])
{
	int status, null;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		char cmd[64];

		if ((null = open("/dev/null", O_WRONLY)) != -1) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		snprintf(cmd, sizeof(cmd), "/usr/sbin/%s", argv[0]);
		execv(cmd, argv);
		_exit(127);
	}
	if (wait_child(pid, 60000, &status) == -1)
		return -1;
	if (!WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) == 127) {
		errno = ENOENT;
		return -1;
	}
	return WEXITSTATUS(status);
}

int
harness_user_create(struct harness_user *u)
{
	struct passwd *pw;
	int rc;

	memset(u, 0, sizeof(*u));
	if (geteuid() != 0) {
		errno = EPERM;
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "ipclab-t%ld", (long)getpid());
	rc = run_quiet((char *const[]){"useradd", "-r", "-M", "-U", "-s",
				       "/usr/sbin/nologin", u->name, NULL});
	if (rc != 0 || (pw = getpwnam(u->name)) == NULL) {
		int err = rc == -1 ? errno : EEXIST;

		if (rc == 0) /* made but not found: do not leave it */
			harness_user_remove(u);
		u->name[0] = '\0';
		errno = err;
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int
harness_user_remove(struct harness_user *u)
{
	int rc;

	if (u->name[0] == '\0')
		return 0;
	rc = run_quiet((char *const[]){"userdel", u->name, NULL});
	/* 6: no such user (gone already); the group goes with it (-U). */
	if (rc != 0 && rc != 6)
		return -1;
	u->name[0] = '\0';
	return 0;
}

/* All that has been written to fd so far, as a string to free(). */
static char *
slurp(int fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	off_t at = 0;
	ssize_t n;

	if (m == NULL)
		return strdup("");
	while ((n = pread(fd, chunk, sizeof(chunk), at)) > 0) {
		fwrite(chunk, 1, (size_t)n, m);
		at += n;
	}
	fclose(m);
	return buf != NULL ? buf : strdup("");
}

int
wait_child(pid_t pid, unsigned timeout_ms, int *status)
{
	uint64_t deadline = clock_ns() + timeout_ms * NS_PER_MS;
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) == 0) {
		if (clock_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			errno = ETIMEDOUT;
			return -1;
		}
		sleep_ms(2);
	}
	return r == -1 ? -1 : 0;
}

void
kid_start(struct kid *k, void (*body)(int ready, int go, void *arg), void *arg)
{
	int r[2], g[2];

	k->pid = k->ready = k->go = -1;
	assert_int_equal(pipe(r), 0);
	k->ready = r[0];
	if (pipe(g) == -1) {
		close(r[1]);
		fail_msg("pipe: %s", strerror(errno));
	}
	k->go = g[1];
	fflush(NULL); /* or the child's exit() prints our buffered output */
	k->pid = fork();
	if (k->pid == 0) {
		close(r[0]);
		close(g[1]);
		body(r[1], g[0], arg);
		_exit(KID_RETURNED);
	}
	close(r[1]);
	close(g[0]);
	assert_true(k->pid != -1);
}

/* Close k's pipes, if open. */
static void
kid_close(struct kid *k)
{
	if (k->ready != -1)
		close(k->ready);
	if (k->go != -1)
		close(k->go);
	k->ready = k->go = -1;
}

void
kid_ready(struct kid *k, void *report, size_t len, unsigned timeout_ms)
{
	struct pollfd p = {.fd = k->ready, .events = POLLIN};
	int status;

	if (poll(&p, 1, (int)timeout_ms) != 1)
		fail_msg("child not ready within %u ms", timeout_ms);
	if (read_full(k->ready, report, len) == (ssize_t)len)
		return;
	status = kid_reap(k, timeout_ms);
	fail_msg("child failed while setting up: status 0x%x (exit %d)", status,
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void
kid_go(struct kid *k)
{
	char c = 'g';

	assert_int_equal(write_full(k->go, &c, 1), 1);
}

int
kid_reap(struct kid *k, unsigned timeout_ms)
{
	int status = 0, rc, err;

	if (k->pid <= 0) /* wait_child(-1) would wait for, or kill, any */
		fail_msg("kid_reap: no child (pid %ld)", (long)k->pid);
	rc = wait_child(k->pid, timeout_ms, &status);
	err = errno;
	k->pid = -1;
	kid_close(k);
	if (rc == -1)
		fail_msg("child did not end within %u ms: %s", timeout_ms,
			 strerror(err));
	return status;
}

void
kid_release(struct kid *k)
{
	if (k->pid > 0) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
	}
	k->pid = -1;
	kid_close(k);
}

int
proc_wait(struct proc *p, unsigned timeout_ms)
{
	int rc = wait_child(p->pid, timeout_ms, &p->status);
	int err = errno;

	p->out = slurp(p->out_fd);
	p->err = slurp(p->err_fd);
	if (rc == -1 && err == ETIMEDOUT)
		print_message(
			"%s timed out after %u ms; stdout:\n%s\nstderr:\n%s\n",
			"program", timeout_ms, p->out, p->err);
	errno = err;
	return rc;
}

int
proc_wait_output(const struct proc *p, const char *text, unsigned timeout_ms)
{
	uint64_t deadline = clock_ns() + timeout_ms * NS_PER_MS;

	for (;;) {
		char *out = slurp(p->out_fd);
		int found = strstr(out, text) != NULL;

		free(out);
		if (found)
			return 0;
		if (clock_ns() > deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		sleep_ms(10);
	}
}

int
proc_code(const struct proc *p)
{
	if (WIFSIGNALED(p->status))
		return 128 + WTERMSIG(p->status);
	return WEXITSTATUS(p->status);
}

int
proc_code_shown(const struct proc *p, int want)
{
	int code = proc_code(p);

	if (code != want)
		print_message(
			"pid %ld exited %d, not %d; stdout:\n%s\nstderr:\n%s\n",
			(long)p->pid, code, want, p->out, p->err);
	return code;
}

void
assert_usage_exit(const char *prog, int code, ...)
{
	struct proc p;
	va_list ap;
	int rc;

	va_start(ap, code);
	rc = proc_startv(&p, prog, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
	assert_int_equal(proc_wait(&p, under_valgrind() ? 60000 : 20000), 0);
	assert_code(&p, code);
	if (code == 0) { /* -h: usage on stdout, nothing on stderr */
		assert_non_null(strstr(p.out, "usage: "));
		assert_string_equal(p.err, "");
	} else { /* the problem and the usage on stderr */
		assert_non_null(strstr(p.err, "usage: "));
		assert_string_equal(p.out, "");
	}
	proc_free(&p);
}

void
proc_free(struct proc *p)
{
	free(p->out);
	free(p->err);
	close(p->out_fd);
	close(p->err_fd);
	p->out = p->err = NULL;
	p->out_fd = p->err_fd = -1;
}

int
count_str(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *s = haystack; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* Whether file (a directory entry) belongs to the run of full name
 * "ipclab-<uid>-<name>": it is that name, after an optional prefix such as
 * glibc's "sem.", or that name followed by "." and a suffix. */
static int
entry_of(const char *file, const char *prefix, const char *full)
{
	size_t np = strlen(prefix), nf = strlen(full);

	if (strncmp(file, prefix, np) != 0 || strncmp(file + np, full, nf) != 0)
		return 0;
	return file[np + nf] == '\0' || file[np + nf] == '.';
}

/* Count (and remove) the entries of dir that belong to full's run. */
static int
visit_dir(const char *dir, const char *prefix, const char *full, int remove)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!entry_of(e->d_name, prefix, full))
			continue;
		n++;
		if (remove)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	return n;
}

struct dirs_ctx {
	char posix[NAMES_FULL_MAX]; /* "/ipclab-<uid>-<name>" */
	int remove, n;
};

/* Count (and remove) a private directory of ours of the run's name. */
static int
visit_private_dir(const struct ipc_obj *o, void *arg)
{
	struct dirs_ctx *c = arg;

	if (o->uid != getuid() || strcmp(o->name, c->posix) != 0)
		return 0;
	c->n++;
	if (c->remove)
		sweep_remove(o); /* by descriptors: follows no link */
	return 0;
}

/* Whether /dev/mqueue shows the POSIX message queues.  It is not mounted
 * on every machine; as root the harness mounts it, so that the leak check
 * sees every queue. */
static int
mqueue_listed(void)
{
	static int listed = -1;

	if (listed != -1)
		return listed;
	listed = sweep_mqueue_listed();
	if (!listed && geteuid() == 0) {
		mkdir("/dev/mqueue", 01777);
		listed = mount("none", "/dev/mqueue", "mqueue", 0, NULL) == 0;
	}
	return listed;
}

/* Visit (count or remove) every object of name's run; returns how many.
 * A run's objects are named "ipclab-<uid>-<name>", or that name followed
 * by "." and a suffix ("...-sem-posix.empty"); System V objects are found
 * by names_key(name).  Private directories count too, as sweep.h defines
 * ours (names_dir_template form, a real directory, owned by us). */
static int
objects_visit(const char *name, int remove)
{
	char full[NAMES_FULL_MAX], posix[NAMES_FULL_MAX];
	struct dirs_ctx dirs = {"", 0, 0};
	key_t key = names_key(name);
	int id, n = 0;
	mqd_t q;

	if (key == -1 || names_make(full, sizeof(full), name) == -1 ||
	    names_posix(posix, sizeof(posix), name) == -1)
		return -1;
	if ((id = shmget(key, 0, 0)) != -1 && (n++, remove))
		shmctl(id, IPC_RMID, NULL);
	if ((id = semget(key, 0, 0)) != -1 && (n++, remove))
		semctl(id, 0, IPC_RMID);
	if ((id = msgget(key, 0)) != -1 && (n++, remove))
		msgctl(id, IPC_RMID, NULL);
	n += visit_dir("/dev/shm", "", full, remove);	  /* shm_open */
	n += visit_dir("/dev/shm", "sem.", full, remove); /* sem_open */
	if (mqueue_listed()) {
		n += visit_dir("/dev/mqueue", "", full, remove);
	} else if ((q = mq_open(posix, O_RDONLY)) != (mqd_t)-1) {
		mq_close(q); /* not listed: only the queue of the name itself */
		n++;
		if (remove)
			mq_unlink(posix);
	}
	/* Private directories: lib/sweep.c's one definition of ours. */
	snprintf(dirs.posix, sizeof(dirs.posix), "%s", posix);
	dirs.remove = remove;
	sweep_dirs_each(visit_private_dir, &dirs);
	return n + dirs.n;
}

int
objects_alive(const char *name)
{
	return objects_visit(name, 0);
}

int
objects_remove(const char *name)
{
	return objects_visit(name, 1);
}

int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || names_unique(f->name, sizeof(f->name), "t") == -1)
		return -1;
	if (objects_alive(f->name) != 0) {
		print_error("objects named %s exist before the test\n",
			    f->name);
		return -1;
	}
	*state = f;
	return 0;
}

int
fixture_teardown(void **state)
{
	struct fixture *f = *state;
	int left = objects_alive(f->name);

	if (left != 0) {
		print_error("%d IPC object(s) named %s left behind\n", left,
			    f->name);
		objects_remove(f->name);
	}
	free(f);
	return left == 0 ? 0 : -1;
}

int
sh_run(const char *dir, const char *script, char *out, size_t size)
{
	char top[PATH_MAX], cmd[8192];
	FILE *f;
	size_t n;
	int rc;

	if (!getcwd(top, sizeof(top)))
		return -1;
	rc = snprintf(cmd, sizeof(cmd),
		      "cd '%s' && IPCLAB_TOP='%s' timeout 120 sh -c '%s' 2>&1",
		      dir, top, script);
	if (rc < 0 || (size_t)rc >= sizeof(cmd) || strchr(script, '\''))
		return -1;
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	while (fgetc(f) != EOF) /* the rest, so that the script never blocks */
		;
	rc = pclose(f);
	return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

int
kill_leaves_objects(struct proc *p, const char *name)
{
	kill(p->pid, SIGKILL);
	assert_int_equal(proc_wait(p, 10000), 0);
	proc_free(p);
	return objects_alive(name) != 0;
}

/* Whether line (len bytes) holds word followed by a space, a "." (a
 * suffix) or its end. */
static int
line_names(const char *line, size_t len, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= len; i++)
		if (strncmp(line + i, word, w) == 0 &&
		    (i + w == len || line[i + w] == ' ' || line[i + w] == '.'))
			return 1;
	return 0;
}

int
stale_removed(const char *out, const char *name)
{
	char key[32], posix[NAMES_FULL_MAX];

	snprintf(key, sizeof(key), "key 0x%08x", (unsigned)names_key(name));
	if (names_posix(posix, sizeof(posix), name) == -1)
		return 0;
	for (const char *l = strstr(out, "removed stale"); l != NULL;
	     l = strstr(l + 1, "removed stale")) {
		size_t len = strcspn(l, "\n");

		if (line_names(l, len, key) || line_names(l, len, posix))
			return 1;
	}
	return 0;
}

void
assert_clean_removes_stale(const char *name, int (*leave)(const char *name))
{
	int proved = 0;

	for (int attempt = 0; attempt < STALE_ATTEMPTS && !proved; attempt++) {
		struct proc c;

		if (!leave(name))
			continue;
		assert_int_equal(proc_start(&c, "ipclab-ipcs", "--clean", NULL),
				 0);
		assert_int_equal(proc_wait(&c, 10000), 0);
		assert_code(&c, 0);
		assert_int_equal(objects_alive(name), 0);
		proved = stale_removed(c.out, name);
		proc_free(&c);
	}
	assert_true(proved);
}

int
fixed_keys_lock(void)
{
	static const char name[] = "ipclab-test-shm-fixed-keys";
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	uint64_t deadline = clock_ns() + 120 * NS_PER_S;
	int lock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (lock == -1)
		return -1;
	memcpy(a.sun_path + 1, name, sizeof(name) - 1); /* sun_path[0] = 0 */
	while (bind(lock, (struct sockaddr *)&a,
		    offsetof(struct sockaddr_un, sun_path) + sizeof(name)) ==
	       -1) {
		if (errno != EADDRINUSE || clock_ns() > deadline) {
			perror("bind the fixed keys' lock");
			close(lock);
			return -1;
		}
		sleep_ms(100); /* another test holds it */
	}
	return lock;
}

void
fixed_keys_unlock(int lock)
{
	if (lock != -1)
		close(lock);
}

pid_t
dead_pid(void)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return pid;
}

void
assert_signal_cleans(struct proc *p, int sig, const char *name)
{
	kill(p->pid, sig);
	assert_int_equal(proc_wait(p, 10000), 0);
	assert_code(p, 128 + sig); /* died of that signal, after cleaning */
	assert_int_equal(objects_alive(name), 0);
	proc_free(p);
}

void
assert_hello_lines(const char *out, int n, long pid)
{
	const char *at = out;
	char want[64];

	for (int k = 1; k <= n; k++) {
		snprintf(want, sizeof(want), "hello %d from %ld\n", k, pid);
		assert_int_equal(count_str(out, want), 1);
		at = strstr(at, want);
		assert_non_null(at); /* after line k-1 */
	}
	assert_int_equal(count_str(out, "hello "), n);
}
