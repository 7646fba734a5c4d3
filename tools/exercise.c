/* exercise.c - ipclab-exercise: the checker behind make exercises and make
 * exercise.
 *
 *   ipclab-exercise list            every exercise and whether it is done
 *   ipclab-exercise check [N|SLUG]  check them in order, stop at the first
 *                                   not done; or check one
 *   ipclab-exercise names           N, mechanism, slug, kind: no checks run
 *   ipclab-exercise --src FILE --out DIR check SLUG
 *                                   check FILE in the exercise's place,
 *                                   built into DIR (tests/test_exercises.c)
 *
 * Whether an exercise is done is decided by its check, every time: there
 * is no progress file to get out of step.  For each exercise it builds the
 * file as the Makefile would (IPCLAB_CC, else cc, with -Wall -Wextra
 * -Werror), runs the check (exercise.h says what a check may do), and then
 * looks for what the program left behind: System V objects with the
 * exercises' keys or made private during the check, POSIX objects with the
 * exercises' names, files in the check's private directory.  It removes
 * them, and a leftover fails the check.
 *
 * check exits 0 when every exercise checked is done, 1 when one is not, 3
 * when one does not build; list and names exit 0; 2 is a usage error.
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exercise.h"

/* The order a learner meets them: from the simplest channel to the
 * mechanisms that need the most care. */
static const struct {
	const char *mech;
	const struct exercise *table;
} mechs[] = {
	{"pipe", pipe_exercises}, {"fifo", fifo_exercises},
	{"msgq", msgq_exercises}, {"sem", sem_exercises},
	{"shm", shm_exercises},	  {"signal", signal_exercises},
	{"socket", socket_exercises},
};
#define NMECHS (sizeof(mechs) / sizeof(mechs[0]))

#define MAX_PROCS 8	/* started by one check */
#define BUILD_MS 60000	/* cc, on a busy machine */
#define LOCK_MS 120000	/* another check of ours running */

struct ex_ctx {
	const struct exercise *ex;
	const char *mech;
	char prog[PATH_MAX];   /* the learner's program, built */
	char bindir[2048];     /* the suite's programs */
	char dir[2048];	       /* the check's private directory */
	char want[512], saw[1024];
	int failed;
	struct ex_proc *procs[MAX_PROCS]; /* to kill when the check ends */
	int nprocs;
	char name[128]; /* ex_posix_name()'s answer */
};

/* The process groups of the check running now, for on_signal(). */
static volatile sig_atomic_t running[MAX_PROCS];

/* Ctrl-C (or a kill) while a check runs: its programs run in process
 * groups of their own, which the terminal's SIGINT does not reach, so
 * they go first; then this process dies of the signal.  What they made
 * is removed by the next check, before it starts. */
static void
on_signal(int sig)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (running[i] > 0)
			kill(-(pid_t)running[i], SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char usage[] =
	"usage: ipclab-exercise [--src FILE --out DIR] list | check [N|SLUG]\n"
	"  list          every exercise: number, mechanism, kind, state, task\n"
	"  check         check in order, stop at the first not yet done\n"
	"  check N       check exercise N (or give its SLUG)\n"
	"  names         N, mechanism, slug and kind of each, for scripts\n"
	"  --src FILE    check FILE instead of the exercise's own file\n"
	"  --out DIR     build into DIR (default: build/bin/ex)\n";

static uint64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

void
ex_sleep_ms(unsigned ms)
{
	struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

int
ex_fail(struct ex_ctx *c, const char *want, const char *saw_fmt, ...)
{
	va_list ap;

	if (c->failed++)
		return 1;
	snprintf(c->want, sizeof(c->want), "%s", want);
	va_start(ap, saw_fmt);
	vsnprintf(c->saw, sizeof(c->saw), saw_fmt, ap);
	va_end(ap);
	return 1;
}

int
ex_count(const char *haystack, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);

	if (haystack == NULL || len == 0)
		return 0;
	for (const char *s = haystack; (s = strstr(s, needle)) != NULL; s += len)
		n++;
	return n;
}

const char *
ex_posix_name(struct ex_ctx *c, const char *suffix)
{
	snprintf(c->name, sizeof(c->name), "/ipclab-%u-ex-%s%s",
		 (unsigned)getuid(), c->ex->slug, suffix);
	return c->name;
}

/* An unnamed file for a program's output. */
static int
output_file(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/ipclab-ex-out.XXXXXX", tmp);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd != -1)
		unlink(path);
	return fd;
}

/* All of fd's file, from its start, as a string; "" if unreadable. */
static char *
slurp(int fd)
{
	struct stat st;
	char *s;
	ssize_t n = 0;

	if (fd == -1 || fstat(fd, &st) == -1 ||
	    (s = malloc((size_t)st.st_size + 1)) == NULL)
		return strdup("");
	if (st.st_size > 0 && (n = pread(fd, s, (size_t)st.st_size, 0)) < 0)
		n = 0;
	s[n] = '\0';
	return s;
}

static int
ex_startv(struct ex_ctx *c, struct ex_proc *p, const char *prog, va_list ap)
{
	char path[PATH_MAX];
	const char *argv[16];
	int n = 0;

	char here; /* on this stack, as a check's locals would be */
	uintptr_t gap = (uintptr_t)p > (uintptr_t)&here
				? (uintptr_t)p - (uintptr_t)&here
				: (uintptr_t)&here - (uintptr_t)p;

	/* The checker frees p after the check returns: a p on the check's
	 * stack would be gone by then (exercise.h). */
	if (gap < 65536)
		return ex_fail(c, "a check whose struct ex_proc is static",
			       "a check bug: %s's struct ex_proc is on the "
			       "stack (tools/exercise.h)",
			       c->ex->slug);
	*p = EX_PROC_NONE;
	if (prog == EX_PROG)
		snprintf(path, sizeof(path), "%s", c->prog);
	else
		snprintf(path, sizeof(path), "%s/%s", c->bindir, prog);
	argv[n++] = prog == EX_PROG ? c->ex->slug : prog;
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	argv[n] = NULL;
	if ((p->out_fd = output_file()) == -1 ||
	    (p->err_fd = output_file()) == -1)
		return ex_fail(c, "a check that can run", "no output file: %s",
			       strerror(errno));
	fflush(NULL);
	p->pid = fork();
	if (p->pid == -1)
		return ex_fail(c, "a check that can run", "fork: %s",
			       strerror(errno));
	if (p->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		dup2(devnull, 0);
		dup2(p->out_fd, 1);
		dup2(p->err_fd, 2);
		signal(SIGPIPE, SIG_DFL);
		if (chdir(c->dir) == 0)
			execv(path, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	setpgid(p->pid, p->pid); /* both sides, so that no signal misses it */
	if (c->nprocs < MAX_PROCS) {
		running[c->nprocs] = p->pid;
		c->procs[c->nprocs++] = p;
	}
	return 0;
}

int
ex_start(struct ex_ctx *c, struct ex_proc *p, const char *prog, ...)
{
	va_list ap;
	int r;

	va_start(ap, prog);
	r = ex_startv(c, p, prog, ap);
	va_end(ap);
	return r;
}

/* Reap p within timeout_ms: 0, or -1 if it still runs. */
static int
reap(struct ex_proc *p, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);

		if (r == p->pid || (r == -1 && errno != EINTR)) {
			p->pid = -1;
			return 0;
		}
		if (now_ms() >= deadline)
			return -1;
		ex_sleep_ms(10);
	}
}

/* The last lines (at most 6) of s, each indented, for a message. */
static const char *
last_lines(const char *s, char *buf, size_t size)
{
	const char *from = s + strlen(s);
	int n = 0;
	size_t len = 0;

	while (from > s && from[-1] == '\n')
		from--;
	while (from > s && n < 6)
		if (*--from == '\n')
			n++;
	if (*from == '\n')
		from++;
	buf[0] = '\0';
	while (*from && len + 16 < size) {
		const char *nl = strchr(from, '\n');
		size_t l = nl ? (size_t)(nl - from) : strlen(from);

		if (l > size - len - 16)
			l = size - len - 16;
		len += (size_t)snprintf(buf + len, size - len, "\n           | %.*s",
					 (int)l, from);
		from = nl ? nl + 1 : from + strlen(from);
	}
	return buf;
}

int
ex_wait(struct ex_ctx *c, struct ex_proc *p, unsigned timeout_ms)
{
	pid_t group = p->pid;
	int hung;

	if (group == -1)
		return ex_fail(c, "a check that can run", "nothing to wait for");
	hung = reap(p, timeout_ms) == -1;
	/* The group goes: a hung program, and whatever it left running. */
	kill(-group, SIGKILL);
	if (hung)
		reap(p, 5000);
	free(p->out);
	free(p->err);
	p->out = slurp(p->out_fd);
	p->err = slurp(p->err_fd);
	if (hung) {
		char tail[600];

		return ex_fail(c, "the program to finish on its own",
			       "it was still running after %u s, waiting for "
			       "something that never came; the check killed "
			       "it.%s%s",
			       timeout_ms / 1000,
			       *p->out ? " Its output ended with:" : " It printed nothing.",
			       last_lines(p->out, tail, sizeof(tail)));
	}
	return 0;
}

int
ex_run(struct ex_ctx *c, struct ex_proc *p, unsigned timeout_ms,
       const char *prog, ...)
{
	va_list ap;
	int r;

	va_start(ap, prog);
	r = ex_startv(c, p, prog, ap);
	va_end(ap);
	return r ? r : ex_wait(c, p, timeout_ms);
}

int
ex_wait_output(struct ex_proc *p, const char *text, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		char *s = slurp(p->out_fd);
		int found = s != NULL && strstr(s, text) != NULL;

		free(s);
		if (found)
			return 0;
		if (now_ms() >= deadline)
			return 1;
		ex_sleep_ms(20);
	}
}

const char *
ex_output_now(const struct ex_proc *p, int err, char *buf, size_t size)
{
	ssize_t n = pread(err ? p->err_fd : p->out_fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

int
ex_ended(const struct ex_proc *p)
{
	siginfo_t si = {0};

	return p->pid > 0 &&
	       waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
		       0 &&
	       si.si_pid == p->pid;
}

int
ex_code(const struct ex_proc *p)
{
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	return 128 + WTERMSIG(p->status);
}

int
ex_expect_code(struct ex_ctx *c, const struct ex_proc *p, int want)
{
	char w[64];
	int code = ex_code(p);
	const char *err = p->err != NULL ? p->err : "";
	const char *out = p->out != NULL ? p->out : "";
	char tail[600], how[80];

	if (code == want)
		return 0;
	snprintf(w, sizeof(w), "exit status %d", want);
	if (code > 128)
		snprintf(how, sizeof(how), "it was killed by signal %d (%s)",
			 code - 128, strsignal(code - 128));
	else
		snprintf(how, sizeof(how), "exit status %d", code);
	return ex_fail(c, w, "%s; %s%s", how,
		       *err ? "its last lines on stderr:"
			    : *out ? "its output ended with:" : "it printed nothing",
		       last_lines(*err ? err : out, tail, sizeof(tail)));
}

char
ex_state(pid_t pid)
{
	char path[64], line[256], *paren = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL)
		paren = strrchr(line, ')'); /* "pid (comm) S ...": the last ')' */
	fclose(f);
	return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

void
ex_signal(struct ex_proc *p, int sig)
{
	if (p->pid > 0)
		kill(-p->pid, sig);
}

void
ex_free(struct ex_proc *p)
{
	if (p->pid > 0) {
		kill(-p->pid, SIGKILL);
		reap(p, 5000);
	}
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
	if (p->out_fd != -1)
		close(p->out_fd);
	if (p->err_fd != -1)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
}

/* ---- What a program left behind ---------------------------------- */

enum { SHM, SEM, MSG };
static const char *const sysv_file[] = {"/proc/sysvipc/shm",
					"/proc/sysvipc/sem", "/proc/sysvipc/msg"};
static const char *const sysv_what[] = {"segment", "semaphore set",
					"message queue"};
static const char *const sysv_flag[] = {"-m", "-s", "-q"};

#define MAX_PRIVATE 256
struct snapshot {
	int id[3][MAX_PRIVATE]; /* our private objects, before the check */
	int n[3];
};

/* Call f for each System V object of kind k owned by us: its key and id. */
static void
sysv_each(int k, void (*f)(int k, key_t key, int id, void *arg), void *arg)
{
	FILE *in = fopen(sysv_file[k], "r");
	char line[512];

	if (in == NULL)
		return;
	if (fgets(line, sizeof(line), in) == NULL) { /* the heading */
		fclose(in);
		return;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		long key, id;
		unsigned long uid;
		int n;

		/* key id perms ... and then, at a place that differs by
		 * kind, uid: shm has 4 more fields, sem 1, msg 5 first. */
		if (sscanf(line, "%ld %ld %*o%n", &key, &id, &n) != 2)
			continue;
		const char *s = line + n;
		int skip = k == SHM ? 4 : k == SEM ? 1 : 5;
		for (int i = 0; i < skip; i++)
			strtoul(s, (char **)&s, 10);
		uid = strtoul(s, NULL, 10);
		if (uid == (unsigned long)getuid())
			f(k, (key_t)key, (int)id, arg);
	}
	fclose(in);
}

static int
is_exercise_key(key_t key)
{
	key_t lo = EX_KEY(0);

	return key >= lo && key <= (key_t)(lo | 0xff) &&
	       (key & 0xff) >= EX_KEY_BASE;
}

static void
snap_one(int k, key_t key, int id, void *arg)
{
	struct snapshot *s = arg;

	if (key == IPC_PRIVATE && s->n[k] < MAX_PRIVATE)
		s->id[k][s->n[k]++] = id;
}

struct sweep {
	const struct snapshot *before; /* NULL: keyed objects only */
	char *report;		       /* what was found, appended */
	size_t size;
	int found;
};

static void
sysv_remove(int k, int id)
{
	if (k == SHM)
		shmctl(id, IPC_RMID, NULL);
	else if (k == SEM)
		semctl(id, 0, IPC_RMID);
	else
		msgctl(id, IPC_RMID, NULL);
}

static void
note(struct sweep *s, const char *fmt, ...)
{
	size_t len = strlen(s->report);
	va_list ap;

	s->found++;
	if (len + 1 >= s->size)
		return;
	va_start(ap, fmt);
	vsnprintf(s->report + len, s->size - len, fmt, ap);
	va_end(ap);
}

static void
sweep_one(int k, key_t key, int id, void *arg)
{
	struct sweep *s = arg;

	if (key == IPC_PRIVATE) {
		if (s->before == NULL)
			return;
		for (int i = 0; i < s->before->n[k]; i++)
			if (s->before->id[k][i] == id)
				return; /* there before the check */
	} else if (!is_exercise_key(key))
		return;
	note(s, "\n    a System V %s of yours: ipcs %s shows key 0x%08x, id %d",
	     sysv_what[k], sysv_flag[k], (unsigned)key, id);
	sysv_remove(k, id);
}

/* Entries of dir that begin with prefix: noted as what, and removed with
 * rm(dir, entry). */
static void
sweep_names(struct sweep *s, const char *dir, const char *prefix,
	    const char *what, int (*rm)(const char *dir, const char *entry))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = strlen(prefix);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strncmp(e->d_name, prefix, len) != 0)
			continue;
		note(s, "\n    %s: %s/%s", what, dir, e->d_name);
		rm(dir, e->d_name);
	}
	closedir(d);
}

/* A file (a semaphore's too) is unlinked; shm and mq by their names. */
static int
rm_file(const char *dir, const char *entry)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, entry);
	return unlink(path) == 0 ? 0 : rmdir(path); /* a learner's mkdir */
}

static int
rm_shm(const char *dir, const char *entry)
{
	char name[NAME_MAX + 2];

	(void)dir;
	snprintf(name, sizeof(name), "/%s", entry);
	return shm_unlink(name);
}

static int
rm_mq(const char *dir, const char *entry)
{
	char name[NAME_MAX + 2];

	(void)dir;
	snprintf(name, sizeof(name), "/%s", entry);
	return mq_unlink(name);
}

/* Everything of the exercises' that is alive, noted into report and
 * removed: objects of their keys and names always (where /dev/mqueue
 * cannot be listed, the queue of slug's own name); private System V
 * objects not in before (when not NULL); files in dir (when not NULL).
 * Returns how many. */
static int
sweep(const char *slug, const struct snapshot *before, const char *dir,
      char *report, size_t size)
{
	struct sweep s = {before, report, size, 0};
	char prefix[64], sem[80];

	report[0] = '\0';
	for (int k = SHM; k <= MSG; k++)
		sysv_each(k, sweep_one, &s);
	snprintf(prefix, sizeof(prefix), "ipclab-%u-ex-", (unsigned)getuid());
	sweep_names(&s, "/dev/shm", prefix, "a POSIX shared memory object",
		    rm_shm);
	snprintf(sem, sizeof(sem), "sem.%s", prefix);
	sweep_names(&s, "/dev/shm", sem, "a POSIX named semaphore", rm_file);
	sweep_names(&s, "/dev/mqueue", prefix, "a POSIX message queue", rm_mq);
	/* Where /dev/mqueue is not mounted, the queue of the exercise's own
	 * name is still found. */
	if (access("/dev/mqueue", R_OK) != 0 && slug != NULL) {
		char name[128];

		snprintf(name, sizeof(name), "/%s%s", prefix, slug);
		if (mq_unlink(name) == 0)
			note(&s, "\n    a POSIX message queue: %s", name);
	}
	if (dir != NULL)
		sweep_names(&s, dir, "", "a file in the directory it ran in",
			    rm_file);
	return s.found;
}

/* ---- One check --------------------------------------------------- */

/* Hold the user's exercise lock: an abstract UNIX socket name, which the
 * kernel frees however the holder ends.  Returns it, or -1. */
static int
lock_exercises(void)
{
	char name[64];
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	uint64_t deadline = now_ms() + LOCK_MS;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int len = snprintf(name, sizeof(name), "ipclab-%u-exercises",
			   (unsigned)getuid());

	if (fd == -1)
		return -1;
	memcpy(a.sun_path + 1, name, (size_t)len);
	while (bind(fd, (struct sockaddr *)&a,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				(size_t)len)) == -1) {
		if (errno != EADDRINUSE || now_ms() > deadline) {
			perror("ipclab-exercise: another check of yours runs");
			close(fd);
			return -1;
		}
		ex_sleep_ms(100);
	}
	return fd;
}

/* Build src into out; on failure keep cc's first lines in errs. */
static int
build(const char *src, const char *out, char *errs, size_t size)
{
	struct ex_proc p = EX_PROC_NONE;
	const char *cc = getenv("IPCLAB_CC");
	pid_t pid;
	int st;

	errs[0] = '\0';
	if (cc == NULL || cc[0] == '\0')
		cc = "cc";
	if ((p.err_fd = output_file()) == -1)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(p.err_fd, 1);
		dup2(p.err_fd, 2);
		setpgid(0, 0);
		execlp("sh", "sh", "-c",
		       "exec $0 -Wall -Wextra -Werror -g -o \"$1\" \"$2\" "
		       "-lrt -pthread",
		       cc, out, src, (char *)NULL);
		_exit(127);
	}
	p.pid = pid;
	if (pid == -1 || reap(&p, BUILD_MS) == -1) {
		if (pid > 0)
			kill(-pid, SIGKILL), reap(&p, 5000);
		close(p.err_fd);
		snprintf(errs, size, "the compiler did not finish");
		return -1;
	}
	st = p.status;
	p.err = slurp(p.err_fd);
	snprintf(errs, size, "%s", p.err);
	free(p.err);
	close(p.err_fd);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

enum { DONE = 0, NOT_YET = 1, NO_BUILD = 3 };

struct opts {
	const char *src; /* --src */
	const char *out; /* --out */
	int quiet;	 /* list: no details */
};

/* Build and check exercise ex (number no); print what a learner needs
 * unless quiet.  Returns DONE, NOT_YET or NO_BUILD. */
static int
check_one(const struct opts *o, const char *mech, const struct exercise *ex,
	  int no, int total)
{
	struct ex_ctx c = {.ex = ex, .mech = mech};
	char src[PATH_MAX], errs[4096], left[2048], hint[128];
	struct snapshot before = {0};
	const char *tmp = getenv("TMPDIR");
	ssize_t n;
	int r;

	snprintf(hint, sizeof(hint), "docs/%s.md#exercises, under %s", mech,
		 ex->slug);
	snprintf(src, sizeof(src), "%s/exercises/%s.c", mech, ex->slug);
	if (o->src != NULL)
		snprintf(src, sizeof(src), "%s", o->src);
	n = readlink("/proc/self/exe", c.bindir, sizeof(c.bindir) - 1);
	c.bindir[n > 0 ? n : 0] = '\0';
	if (strrchr(c.bindir, '/') != NULL)
		*strrchr(c.bindir, '/') = '\0';
	if (o->out != NULL)
		snprintf(c.prog, sizeof(c.prog), "%s/%s", o->out, ex->slug);
	else {
		snprintf(c.prog, sizeof(c.prog), "%s/ex", c.bindir);
		mkdir(c.prog, 0755);
		snprintf(c.prog, sizeof(c.prog), "%s/ex/%s", c.bindir,
			 ex->slug);
	}
	if (build(src, c.prog, errs, sizeof(errs)) == -1) {
		if (!o->quiet)
			printf("\nexercise %d of %d, %s (%s): %s\n"
			       "  edit   %s\n"
			       "  saw    it does not build:\n%s"
			       "  hint   %s\n",
			       no, total, ex->slug, ex->kind, ex->task, src,
			       errs, hint);
		return NO_BUILD;
	}
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(c.dir, sizeof(c.dir), "%s/ipclab-%u-ex.%ld.XXXXXX", tmp,
		 (unsigned)getuid(), (long)getpid());
	if (mkdtemp(c.dir) == NULL) {
		fprintf(stderr, "ipclab-exercise: mkdtemp %s: %s\n", c.dir,
			strerror(errno));
		return NOT_YET;
	}
	/* What an earlier run left goes first, so it cannot be blamed on
	 * this one. */
	if (sweep(ex->slug, NULL, NULL, left, sizeof(left)) > 0 && !o->quiet)
		printf("(removed what an earlier run left:%s)\n", left);
	for (int k = SHM; k <= MSG; k++)
		sysv_each(k, snap_one, &before);

	r = ex->check(&c);

	for (int i = 0; i < c.nprocs; i++) {
		ex_free(c.procs[i]);
		running[i] = 0;
	}
	if (sweep(ex->slug, &before, c.dir, left, sizeof(left)) > 0)
		ex_fail(&c, "nothing left behind once the program ends",
			"it left behind (the check removed them):%s", left);
	rmdir(c.dir);
	if (r == 0 && !c.failed)
		return DONE;
	if (!c.failed) /* a check that forgot to say why */
		ex_fail(&c, "the check to pass", "it did not");
	if (!o->quiet)
		printf("\nexercise %d of %d, %s (%s): %s\n"
		       "  edit   %s\n"
		       "  saw    %s\n"
		       "  want   %s\n"
		       "  hint   %s\n"
		       "  again  make exercise %d\n",
		       no, total, ex->slug, ex->kind, ex->task, src, c.saw,
		       c.want, hint, no);
	return NOT_YET;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	const char *which = NULL;
	int list, total = 0, no = 0, lock, worst = DONE, matched = 0;

	while (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (argc > 2 && strcmp(argv[1], "--src") == 0)
			o.src = argv[2];
		else if (argc > 2 && strcmp(argv[1], "--out") == 0)
			o.out = argv[2];
		else {
			fprintf(stderr, "ipclab-exercise: unknown option %s\n%s",
				argv[1], usage);
			return 2;
		}
		argc -= 2, argv += 2;
	}
	if (argc < 2 || argc > 3 ||
	    (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "check") != 0 &&
	     strcmp(argv[1], "names") != 0) ||
	    (argc == 3 && strcmp(argv[1], "names") == 0) ||
	    (argc == 3 && strcmp(argv[1], "list") == 0) ||
	    ((o.src != NULL || o.out != NULL) && argc != 3)) {
		fputs(usage, stderr);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "names") == 0) {
		for (size_t m = 0; m < NMECHS; m++)
			for (const struct exercise *e = mechs[m].table; e->slug;
			     e++)
				printf("%d %s %s %s\n", ++no, mechs[m].mech,
				       e->slug, e->kind);
		return 0;
	}
	list = strcmp(argv[1], "list") == 0;
	which = argc == 3 ? argv[2] : NULL;
	o.quiet = list;
	for (size_t m = 0; m < NMECHS; m++)
		for (const struct exercise *e = mechs[m].table; e->slug; e++)
			total++;
	if (which != NULL) { /* a number or a name of ours, before any wait */
		char num[16];

		no = 0;
		for (size_t m = 0; m < NMECHS; m++)
			for (const struct exercise *e = mechs[m].table; e->slug;
			     e++) {
				snprintf(num, sizeof(num), "%d", ++no);
				matched += strcmp(which, num) == 0 ||
					   strcmp(which, e->slug) == 0;
			}
		if (matched == 0) {
			fprintf(stderr,
				"ipclab-exercise: no exercise %s (1 to %d, or "
				"a name from make exercises)\n%s",
				which, total, usage);
			return 2;
		}
		no = 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if ((lock = lock_exercises()) == -1)
		return 1;
	if (list)
		printf("%3s  %-7s %-9s %-6s %s\n", "N", "mech", "kind",
		       "state", "task (file)");
	for (size_t m = 0; m < NMECHS; m++) {
		for (const struct exercise *e = mechs[m].table; e->slug; e++) {
			char num[16];
			int r;

			snprintf(num, sizeof(num), "%d", ++no);
			if (which != NULL && strcmp(which, num) != 0 &&
			    strcmp(which, e->slug) != 0)
				continue;
			r = check_one(&o, mechs[m].mech, e, no, total);
			if (list)
				printf("%3d  %-7s %-9s %-6s %s (%s/exercises/%s.c)\n",
				       no, mechs[m].mech, e->kind,
				       r == DONE ? "done" : "to do", e->task,
				       mechs[m].mech, e->slug);
			else if (r == DONE)
				printf("done   %2d %s\n", no, e->slug);
			if (r != DONE && worst == DONE)
				worst = r;
			fflush(stdout);
			if (r != DONE && !list && which == NULL)
				goto out;
		}
	}
	if (!list && which == NULL)
		printf("\nAll %d exercises done.\n", total);
out:
	close(lock);
	return list ? 0 : worst; /* a list is an answer, not a failure */
}
