/* sweep.c - find and remove stale suite objects: see sweep.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "sweep.h"

#define SHM_DIR	     "/dev/shm"
#define MQUEUE_DIR   "/dev/mqueue"
#define MQUEUE_MAGIC 0x19800202 /* statfs f_type of an mqueue mount */
#define SEM_PREFIX   "sem."	/* glibc names a POSIX semaphore sem.NAME */

union semun { /* the caller defines it: see semctl(2) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* A zombie has ended but has not been waited for: kill(pid, 0) still
 * finds it, /proc/<pid>/stat says state Z. */
static int
is_zombie(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY);
	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	paren = strrchr(buf, ')'); /* the name in ( ) may hold spaces */
	return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

int
pid_alive(pid_t pid)
{
	if (pid <= 0 || (kill(pid, 0) == -1 && errno != EPERM))
		return 0;
	return !is_zombie(pid);
}

/* ---- who has a POSIX object open or mapped ---------------------------- */

struct holder {
	dev_t dev;
	ino_t ino;
	pid_t pid;
};

struct holders {
	struct holder *v;
	size_t n, cap;
	dev_t shm_dev, mq_dev; /* only files on these devices matter */
};

static int
holders_push(struct holders *h, dev_t dev, ino_t ino, pid_t pid)
{
	if (dev != h->shm_dev && dev != h->mq_dev)
		return 0;
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		struct holder *v = realloc(h->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (struct holder){dev, ino, pid};
	return 0;
}

/* Shared mappings of process pid: "addr perms offset MAJ:MIN inode path".
 * A POSIX semaphore is mapped under a temporary name that glibc then
 * renames, so we match on device and inode, never on the path. */
static int
scan_maps(struct holders *h, pid_t pid)
{
	char path[64], line[512];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%ld/maps", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0; /* gone, or not ours to read */
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char perms[8];
		unsigned maj, min;
		unsigned long ino;

		if (sscanf(line, "%*s %7s %*s %x:%x %lu", perms, &maj, &min,
			   &ino) == 4 &&
		    perms[3] == 's' && ino != 0)
			rc = holders_push(h, makedev(maj, min), ino, pid);
	}
	fclose(f);
	return rc;
}

/* Open file descriptors of process pid. */
static int
scan_fds(struct holders *h, pid_t pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	dir = opendir(path);
	if (dir == NULL)
		return 0;
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		struct stat st;

		if (fstatat(dirfd(dir), d->d_name, &st, 0) == 0)
			rc = holders_push(h, st.st_dev, st.st_ino, pid);
	}
	closedir(dir);
	return rc;
}

static int
holders_scan(struct holders *h)
{
	struct stat st;
	struct statfs sfs;
	struct dirent *d;
	DIR *proc;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	h->shm_dev = h->mq_dev = (dev_t)-1;
	if (stat(SHM_DIR, &st) == 0)
		h->shm_dev = st.st_dev;
	if (statfs(MQUEUE_DIR, &sfs) == 0 && sfs.f_type == MQUEUE_MAGIC &&
	    stat(MQUEUE_DIR, &st) == 0)
		h->mq_dev = st.st_dev;
	proc = opendir("/proc");
	if (proc == NULL)
		return -1;
	while (rc == 0 && (d = readdir(proc)) != NULL) {
		pid_t pid = (pid_t)atol(d->d_name);

		if (pid <= 0)
			continue;
		rc = scan_maps(h, pid);
		if (rc == 0)
			rc = scan_fds(h, pid);
	}
	closedir(proc);
	return rc;
}

static pid_t
holders_find(const struct holders *h, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].dev == dev && h->v[i].ino == ino)
			return h->v[i].pid;
	return 0;
}

/* ---- POSIX objects: files in /dev/shm and /dev/mqueue ------------------ */

/* A POSIX object found in a directory, before we know who holds it. */
struct posix_obj {
	struct ipc_obj o;
	dev_t dev;
	ino_t ino;
};

struct posix_list {
	struct posix_obj *v;
	size_t n, cap;
};

/* Append the suite's objects in dir to list. */
static int
posix_list(struct posix_list *list, const char *dir, enum obj_kind kind)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int rc = 0;

	if (dp == NULL)
		return 0; /* /dev/mqueue is often not mounted */
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		const char *name = d->d_name;
		enum obj_kind k = kind;
		struct posix_obj *p;
		struct stat st;

		if (k == OBJ_POSIX_SHM &&
		    strncmp(name, SEM_PREFIX, strlen(SEM_PREFIX)) == 0) {
			k = OBJ_POSIX_SEM;
			name += strlen(SEM_PREFIX);
		}
		if (strncmp(name, IPCLAB_PREFIX, strlen(IPCLAB_PREFIX)) != 0 ||
		    fstatat(dirfd(dp), d->d_name, &st, 0) == -1)
			continue;
		if (list->n == list->cap) {
			size_t cap = list->cap ? 2 * list->cap : 16;

			p = realloc(list->v, cap * sizeof(*p));
			if (p == NULL) {
				rc = -1;
				break;
			}
			list->v = p;
			list->cap = cap;
		}
		p = &list->v[list->n++];
		memset(p, 0, sizeof(*p));
		p->o.kind = k;
		p->o.id = -1;
		snprintf(p->o.name, sizeof(p->o.name), "/%s", name);
		p->o.uid = st.st_uid;
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
	closedir(dp);
	return rc;
}

/* List the POSIX objects first, then look for their holders: an object
 * created after the look would otherwise seem held by no one. */
static int
each_posix(int (*visit)(const struct ipc_obj *, void *), void *arg)
{
	struct posix_list list = {NULL, 0, 0};
	struct holders h = {NULL, 0, 0, 0, 0};
	int stop = -1;

	if (posix_list(&list, SHM_DIR, OBJ_POSIX_SHM) == 0 &&
	    posix_list(&list, MQUEUE_DIR, OBJ_POSIX_MQ) == 0 &&
	    (list.n == 0 || holders_scan(&h) == 0)) {
		stop = 0;
		for (size_t i = 0; i < list.n && stop == 0; i++) {
			struct ipc_obj *o = &list.v[i].o;

			o->pid = holders_find(&h, list.v[i].dev, list.v[i].ino);
			o->pid_role = o->pid ? "holder" : "-";
			o->pid_alive = o->live = o->pid != 0;
			stop = visit(o, arg);
		}
	}
	free(list.v);
	free(h.v);
	return stop;
}

/* ---- System V objects: /proc/sysvipc/{shm,sem,msg} --------------------- */

#define MAX_COLS 20

/* One table of /proc/sysvipc: its column names, and the current row. */
struct sysv_table {
	FILE *f;
	char names[MAX_COLS][16];
	long long row[MAX_COLS];
	int ncols;
};

static int
table_open(struct sysv_table *t, const char *path)
{
	char line[512], *tok, *save;

	memset(t, 0, sizeof(*t));
	t->f = fopen(path, "r");
	if (t->f == NULL)
		return -1;
	if (fgets(line, sizeof(line), t->f) == NULL) {
		fclose(t->f);
		errno = EIO;
		return -1;
	}
	for (tok = strtok_r(line, " \t\n", &save);
	     tok != NULL && t->ncols < MAX_COLS;
	     tok = strtok_r(NULL, " \t\n", &save))
		snprintf(t->names[t->ncols++], sizeof(t->names[0]), "%s", tok);
	return 0;
}

/* Read the next row; returns 1, or 0 at the end. */
static int
table_next(struct sysv_table *t)
{
	char line[512], *p = line;

	if (fgets(line, sizeof(line), t->f) == NULL)
		return 0;
	for (int i = 0; i < t->ncols; i++)
		t->row[i] = strtoll(p, &p, 10);
	return 1;
}

/* The value of column name in the current row (0 if there is none). */
static long long
table_get(const struct sysv_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return t->row[i];
	return 0;
}

static int
young(long long ctime)
{
	return time(NULL) - ctime < SWEEP_GRACE_S;
}

static void
judge_shm(const struct sysv_table *t, struct ipc_obj *o)
{
	o->pid = (pid_t)table_get(t, "cpid");
	o->pid_role = "creator";
	o->pid_alive = pid_alive(o->pid);
	o->live = o->pid_alive || table_get(t, "nattch") > 0;
}

static void
judge_sem(const struct sysv_table *t, struct ipc_obj *o)
{
	int nsems = (int)table_get(t, "nsems");
	int waiting = 0;

	o->pid_role = "last op";
	for (int i = 0; i < nsems; i++) {
		int pid = semctl(o->id, i, GETPID);

		if (pid == -1) { /* not ours to look at: assume live */
			o->live = 1;
			return;
		}
		if (pid > 0 && (o->pid == 0 || pid_alive(pid)))
			o->pid = pid;
		waiting += semctl(o->id, i, GETNCNT) > 0;
		waiting += semctl(o->id, i, GETZCNT) > 0;
	}
	o->pid_alive = pid_alive(o->pid);
	/* pid 0: no process has operated on it, not even the SETVAL or
	 * SETALL that initialises it, so its creator may be setting it up. */
	o->live = o->pid_alive || waiting ||
		  (o->pid == 0 && young(table_get(t, "ctime")));
}

static void
judge_msg(const struct sysv_table *t, struct ipc_obj *o)
{
	pid_t sender = (pid_t)table_get(t, "lspid");
	pid_t receiver = (pid_t)table_get(t, "lrpid");

	o->pid = sender ? sender : receiver;
	o->pid_role = sender ? "last send" : "last recv";
	if (!pid_alive(o->pid) && pid_alive(receiver)) {
		o->pid = receiver;
		o->pid_role = "last recv";
	}
	o->pid_alive = pid_alive(o->pid);
	o->live = o->pid_alive || young(table_get(t, "ctime"));
}

static int
each_sysv(const char *path, enum obj_kind kind, const char *idcol,
	  void (*judge)(const struct sysv_table *, struct ipc_obj *),
	  int (*visit)(const struct ipc_obj *, void *), void *arg)
{
	struct sysv_table t;
	int stop = 0;

	if (table_open(&t, path) == -1)
		return errno == ENOENT ? 0 : -1; /* no System V IPC here */
	while (!stop && table_next(&t)) {
		struct ipc_obj o;

		memset(&o, 0, sizeof(o));
		o.kind = kind;
		o.key = (key_t)table_get(&t, "key");
		if (!names_is_suite_key(o.key))
			continue;
		o.id = (int)table_get(&t, idcol);
		o.uid = (uid_t)table_get(&t, "uid");
		judge(&t, &o);
		stop = visit(&o, arg);
	}
	fclose(t.f);
	return stop;
}

int
sweep_each(int (*visit)(const struct ipc_obj *, void *), void *arg)
{
	int stop;

	stop = each_sysv("/proc/sysvipc/shm", OBJ_SYSV_SHM, "shmid", judge_shm,
			 visit, arg);
	if (stop == 0)
		stop = each_sysv("/proc/sysvipc/sem", OBJ_SYSV_SEM, "semid",
				 judge_sem, visit, arg);
	if (stop == 0)
		stop = each_sysv("/proc/sysvipc/msg", OBJ_SYSV_MSG, "msqid",
				 judge_msg, visit, arg);
	if (stop == 0)
		stop = each_posix(visit, arg);
	return stop < 0 ? -1 : 0;
}

/* The key System V object id carries now, or -1 if it is gone. */
static key_t
sysv_key_now(enum obj_kind kind, int id)
{
	struct shmid_ds shm;
	struct semid_ds sem;
	struct msqid_ds msg;
	union semun arg = {.buf = &sem};

	switch (kind) {
	case OBJ_SYSV_SHM:
		return shmctl(id, IPC_STAT, &shm) == -1 ? -1
							: shm.shm_perm.__key;
	case OBJ_SYSV_SEM:
		return semctl(id, 0, IPC_STAT, arg) == -1 ? -1
							  : sem.sem_perm.__key;
	case OBJ_SYSV_MSG:
		return msgctl(id, IPC_STAT, &msg) == -1 ? -1
							: msg.msg_perm.__key;
	default:
		return -1;
	}
}

int
sweep_remove(const struct ipc_obj *o)
{
	if (o->kind <= OBJ_SYSV_MSG && sysv_key_now(o->kind, o->id) != o->key) {
		errno = EIDRM; /* removed, or the id now names another object */
		return -1;
	}
	return obj_remove(o->kind, o->id, o->name);
}

void
sweep_describe(const struct ipc_obj *o, char *buf, size_t size)
{
	char what[320], who[48];

	if (o->kind <= OBJ_SYSV_MSG)
		snprintf(what, sizeof(what), "key 0x%08x id %d",
			 (unsigned)o->key, o->id);
	else
		snprintf(what, sizeof(what), "%s", o->name);
	if (o->pid > 0)
		snprintf(who, sizeof(who), "%s %ld (%s)", o->pid_role,
			 (long)o->pid, o->pid_alive ? "running" : "gone");
	else
		snprintf(who, sizeof(who), "no process");
	snprintf(buf, size, "%-10s %-34s uid %-6u %-28s %s",
		 obj_kind_name(o->kind), what, (unsigned)o->uid, who,
		 o->live ? "live" : "stale");
}

struct stale_ctx {
	uid_t uid;
	FILE *log;
	int removed;
	int failed;
};

static int
remove_if_stale(const struct ipc_obj *o, void *arg)
{
	struct stale_ctx *c = arg;
	char line[512];

	if (o->live || o->uid != c->uid)
		return 0;
	sweep_describe(o, line, sizeof(line));
	if (sweep_remove(o) == -1) {
		if (errno != EIDRM && errno != ENOENT && errno != EINVAL)
			c->failed = errno;
		return 0;
	}
	c->removed++;
	if (c->log != NULL)
		fprintf(c->log, "removed stale %s\n", line);
	return 0;
}

int
sweep_stale(uid_t uid, FILE *log)
{
	struct stale_ctx c = {uid, log, 0, 0};

	if (sweep_each(remove_if_stale, &c) == -1)
		return -1;
	if (c.failed) {
		errno = c.failed;
		return -1;
	}
	return c.removed;
}
