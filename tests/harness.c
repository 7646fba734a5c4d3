/* harness.c - test helpers: see harness.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
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
#include "harness.h"

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

int
proc_start(struct proc *p, const char *prog, ...)
{
	char *argv[32], path[PATH_MAX + 64];
	int argc = 0, out, err;
	va_list ap;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/%s", bin_dir(), prog);
	if (getenv("IPCLAB_VALGRIND") != NULL) { /* make valgrind */
		argv[argc++] = "valgrind";
		argv[argc++] = "-q";
		argv[argc++] = "--error-exitcode=99";
		argv[argc++] = "--leak-check=full";
		argv[argc++] = "--errors-for-leak-kinds=definite";
	}
	argv[argc++] = path;
	va_start(ap, prog);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	strcpy(p->out_path, "/tmp/ipclab-test-out-XXXXXX");
	strcpy(p->err_path, "/tmp/ipclab-test-err-XXXXXX");
	out = mkstemp(p->out_path);
	err = mkstemp(p->err_path);
	if (out == -1 || err == -1)
		return -1;
	fflush(NULL);
	p->pid = fork();
	if (p->pid == -1)
		return -1;
	if (p->pid == 0) {
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out);
	close(err);
	return 0;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f != NULL) {
		FILE *m = open_memstream(&buf, &len);
		int c;

		while ((c = getc(f)) != EOF)
			putc(c, m);
		fclose(m);
		fclose(f);
	}
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

int
proc_wait(struct proc *p, unsigned timeout_ms)
{
	int rc = wait_child(p->pid, timeout_ms, &p->status);
	int err = errno;

	p->out = slurp(p->out_path);
	p->err = slurp(p->err_path);
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
		char *out = slurp(p->out_path);
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
proc_free(struct proc *p)
{
	free(p->out);
	free(p->err);
	unlink(p->out_path);
	unlink(p->err_path);
	p->out = p->err = NULL;
}

int
count_str(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *s = haystack; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* Visit (count or remove) every object of name; returns how many. */
static int
objects_visit(const char *name, int remove)
{
	char posix[NAMES_FULL_MAX];
	key_t key = names_key(name);
	int id, n = 0;
	mqd_t q;
	sem_t *s;

	if (key == -1 || names_posix(posix, sizeof(posix), name) == -1)
		return -1;
	if ((id = shmget(key, 0, 0)) != -1 && (n++, remove))
		shmctl(id, IPC_RMID, NULL);
	if ((id = semget(key, 0, 0)) != -1 && (n++, remove))
		semctl(id, 0, IPC_RMID);
	if ((id = msgget(key, 0)) != -1 && (n++, remove))
		msgctl(id, IPC_RMID, NULL);
	if ((id = shm_open(posix, O_RDONLY, 0)) != -1) {
		close(id);
		n++;
		if (remove)
			shm_unlink(posix);
	}
	if ((s = sem_open(posix, 0)) != SEM_FAILED) {
		sem_close(s);
		n++;
		if (remove)
			sem_unlink(posix);
	}
	if ((q = mq_open(posix, O_RDONLY)) != (mqd_t)-1) {
		mq_close(q);
		n++;
		if (remove)
			mq_unlink(posix);
	}
	return n;
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
