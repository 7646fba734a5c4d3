/* sweep.c - find and remove stale suite objects: see sweep.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
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
#include "proc.h"
#include "sweep.h"

#define SHM_DIR	     "/dev/shm"
#define MQUEUE_DIR   "/dev/mqueue"
#define MQUEUE_MAGIC 0x19800202 /* statfs f_type of an mqueue mount */
#define SEM_PREFIX   "sem."	/* glibc names a POSIX semaphore sem.NAME */
#define ROW	     "%-10s %-34s %-10s %-28s %s" /* a line of `make ipcs` */

union semun { /* the caller defines it: see semctl(2) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

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
	int blind; /* some process's fds or maps could not be read */
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
	if (f == NULL) {
		h->blind |= errno == EACCES || errno == EPERM;
		return 0; /* gone, or not ours to read */
	}
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
	if (dir == NULL) {
		h->blind |= errno == EACCES || errno == EPERM;
		return 0;
	}
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
	struct dirent *d;
	DIR *proc;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	h->shm_dev = h->mq_dev = (dev_t)-1;
	if (stat(SHM_DIR, &st) == 0)
		h->shm_dev = st.st_dev;
	if (sweep_mqueue_listed() && stat(MQUEUE_DIR, &st) == 0)
		h->mq_dev = st.st_dev;
	proc = opendir("/proc");
	if (proc == NULL)
		return -1;
	while (rc == 0 && (d = readdir(proc)) != NULL) {
		pid_t pid = (pid_t)atol(d->d_name);

		if (pid <= 0)
			continue;
		/* Descriptors before mappings: a process opens, maps, then
		 * closes.  Read in the other order, a process that maps and
		 * closes in between shows neither, and its object looks
		 * abandoned. */
		rc = scan_fds(h, pid);
		if (rc == 0)
			rc = scan_maps(h, pid);
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

int
sweep_mqueue_listed(void)
{
	struct statfs sfs;

	return statfs(MQUEUE_DIR, &sfs) == 0 && sfs.f_type == MQUEUE_MAGIC;
}

/* ---- the list of objects found ------------------------------------------ */

struct obj_list {
	struct ipc_obj *v;
	size_t n, cap;
};

/* A new zeroed entry at the end of list, or NULL if out of memory. */
static struct ipc_obj *
list_add(struct obj_list *list)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 16;
		struct ipc_obj *v = realloc(list->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		list->v = v;
		list->cap = cap;
	}
	memset(&list->v[list->n], 0, sizeof(list->v[0]));
	return &list->v[list->n++];
}

/* ---- POSIX objects: files in /dev/shm and /dev/mqueue ------------------ */

/* Append the suite's objects in dir to list. */
static int
posix_list(struct obj_list *list, const char *dir, enum obj_kind kind)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int rc = 0;

	if (dp == NULL)
		return 0; /* /dev/mqueue is often not mounted */
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		const char *name = d->d_name;
		enum obj_kind k = kind;
		struct ipc_obj *p;
		struct stat st;

		if (k == OBJ_POSIX_SHM &&
		    strncmp(name, SEM_PREFIX, strlen(SEM_PREFIX)) == 0) {
			k = OBJ_POSIX_SEM;
			name += strlen(SEM_PREFIX);
		}
		if (strncmp(name, IPCLAB_PREFIX, strlen(IPCLAB_PREFIX)) != 0 ||
		    fstatat(dirfd(dp), d->d_name, &st, 0) == -1)
			continue;
		p = list_add(list);
		if (p == NULL) {
			rc = -1;
			break;
		}
		p->kind = k;
		p->id = -1;
		snprintf(p->name, sizeof(p->name), "/%s", name);
		snprintf(p->path, sizeof(p->path), "%s/%s", dir, d->d_name);
		p->uid = st.st_uid;
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
	closedir(dp);
	return rc;
}

/* Judge the POSIX objects in list by who holds them.  The caller lists
 * them first and looks for holders after: an object created after the
 * look would otherwise seem held by no one. */
static int
judge_posix(struct obj_list *list)
{
	struct holders h = {NULL, 0, 0, 0, 0, 0};
	int rc = 0;

	for (size_t i = 0; i < list->n; i++) {
		struct ipc_obj *o = &list->v[i];

		if (o->kind < OBJ_POSIX_SHM)
			continue;
		if (h.v == NULL && (rc = holders_scan(&h)) == -1)
			break;
		o->pid = holders_find(&h, o->dev, o->ino);
		o->pid_role = o->pid ? "holder" : "-";
		o->pid_alive = o->live = o->pid != 0;
		/* Another user's object may be held by a process of theirs
		 * whose /proc we may not read: not seen is not absent.  (A
		 * process of our own that we cannot read has changed its
		 * credentials; it is none of the suite's.) */
		if (!o->live && h.blind && o->uid != getuid())
			o->unknown = o->live = 1;
	}
	free(h.v);
	return rc;
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
	/* Grace only for a queue nobody has used: one whose last sender and
	 * receiver are dead is stale however new it is (msgctl IPC_SET also
	 * renews ctime, so age alone would keep a killed run's queue). */
	o->live = o->pid_alive || (sender == 0 && receiver == 0 &&
				   young(table_get(t, "ctime")));
}

/* Append the suite's objects in /proc/sysvipc table path to list, each
 * judged by its kind's own bookkeeping. */
static int
sysv_list(struct obj_list *list, const char *path, enum obj_kind kind,
	  const char *idcol,
	  void (*judge)(const struct sysv_table *, struct ipc_obj *))
{
	struct sysv_table t;
	int rc = 0;

	if (table_open(&t, path) == -1)
		return errno == ENOENT ? 0 : -1; /* no System V IPC here */
	while (rc == 0 && table_next(&t)) {
		key_t key = (key_t)table_get(&t, "key");
		struct ipc_obj *o;

		if (!names_is_suite_key(key))
			continue;
		o = list_add(list);
		if (o == NULL) {
			rc = -1;
			break;
		}
		o->kind = kind;
		o->key = key;
		o->id = (int)table_get(&t, idcol);
		o->uid = (uid_t)table_get(&t, "uid");
		judge(&t, o);
	}
	fclose(t.f);
	return rc;
}

/* Whether a and b belong to one run: System V objects of one key, or
 * POSIX objects of one name (a segment and the semaphores that guard it). */
static int
same_run(const struct ipc_obj *a, const struct ipc_obj *b)
{
	if ((a->kind <= OBJ_SYSV_MSG) != (b->kind <= OBJ_SYSV_MSG) ||
	    a->kind == OBJ_DIR || b->kind == OBJ_DIR)
		return 0; /* a directory is judged by its own creator */
	return a->kind <= OBJ_SYSV_MSG ? a->key == b->key
				       : strcmp(a->name, b->name) == 0;
}

/* An object is live while any object of its run is: a writer idle between
 * two messages leaves the last operations on its semaphores to a reader
 * that may have died, but its segment still names it as creator. */
static void
judge_runs(struct obj_list *list)
{
	char *own = malloc(list->n ? list->n : 1);

	if (own == NULL) { /* cannot tell: call everything live */
		for (size_t i = 0; i < list->n; i++)
			list->v[i].live = 1;
		return;
	}
	for (size_t i = 0; i < list->n; i++)
		own[i] = (char)list->v[i].live;
	for (size_t i = 0; i < list->n; i++)
		for (size_t j = 0; j < list->n && !list->v[i].live; j++)
			if (own[j] && same_run(&list->v[i], &list->v[j]))
				list->v[i].live = 1;
	free(own);
}

/* ---- private directories in $TMPDIR or /tmp (sweep.h) ------------------ */

/* Append every private directory in names_tmp_dir() to list, judged by
 * its creator. */
static int
dir_list(struct obj_list *list)
{
	const char *tmp = names_tmp_dir();
	struct dirent *d;
	DIR *dp = opendir(tmp);
	int rc = 0;

	if (dp == NULL)
		return 0; /* no $TMPDIR, or not ours to read: nothing made */
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		char name[NAMES_SHORT_MAX + 1];
		struct ipc_obj *o;
		struct stat st;
		uid_t uid;
		pid_t pid;

		/* The one definition of ours: the form, a real directory
		 * (no symlink followed), and the owner the name says. */
		if (!names_dir_parse(d->d_name, &uid, &pid, name,
				     sizeof(name)) ||
		    fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
			    -1 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != uid ||
		    strlen(tmp) + 1 + strlen(d->d_name) >= sizeof(o->path))
			continue;
		if ((o = list_add(list)) == NULL) {
			rc = -1;
			break;
		}
		o->kind = OBJ_DIR;
		o->id = -1;
		snprintf(o->name, sizeof(o->name), "/" IPCLAB_PREFIX "%u-%s",
			 (unsigned)uid, name);
		snprintf(o->path, sizeof(o->path), "%s/%s", tmp, d->d_name);
		o->uid = uid;
		o->dev = st.st_dev;
		o->ino = st.st_ino;
		o->pid = pid;
		o->pid_role = "creator";
		o->pid_alive = pid_alive(pid);
		/* No creator in the name: nothing tells it is stale. */
		o->live = o->pid_alive || pid == 0;
	}
	closedir(dp);
	return rc;
}

/* Open the entry name of directory fd as a directory, without following
 * a symlink, and check it is still the one judged: the same inode, owned
 * by uid.  Returns the descriptor, or -1 with errno (EIDRM: not it). */
static int
dir_open_checked(int fd, const char *name, const struct ipc_obj *o)
{
	struct stat st;
	int dfd = openat(fd, name,
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dfd == -1)
		return errno == ENOENT ? (errno = EIDRM, -1) : -1;
	if (fstat(dfd, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != o->dev || st.st_ino != o->ino || st.st_uid != o->uid) {
		close(dfd);
		errno = EIDRM;
		return -1;
	}
	return dfd;
}

/* Remove the FIFOs and sockets of o->uid's in directory dfd.  Returns 0,
 * or -1 with errno ENOTEMPTY if something else is there (left alone). */
static int
dir_empty(int dfd, uid_t uid)
{
	int fd = dup(dfd), other = 0;
	struct dirent *e;
	DIR *d;

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    st.st_uid != uid ||
		    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) ||
		    unlinkat(dfd, e->d_name, 0) == -1)
			other = 1;
	}
	closedir(d);
	if (other)
		errno = ENOTEMPTY;
	return other ? -1 : 0;
}

/* Remove private directory o, judged by dir_list(), and what it holds. */
static int
dir_remove(const struct ipc_obj *o)
{
	char parent[sizeof(o->path)];
	const char *base = strrchr(o->path, '/');
	int pfd, dfd = -1, rc = -1, saved;
	struct stat st;

	if (base == NULL || base == o->path) {
		errno = EINVAL;
		return -1;
	}
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - o->path),
		 o->path);
	base++;
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd == -1)
		return -1;
	if ((dfd = dir_open_checked(pfd, base, o)) == -1 ||
	    dir_empty(dfd, o->uid) == -1)
		goto out;
	/* rmdir by name, once the name still leads to that inode (no
	 * symlink: an rmdir of one fails with ENOTDIR anyway). */
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    st.st_dev != o->dev || st.st_ino != o->ino) {
		errno = EIDRM;
		goto out;
	}
	rc = unlinkat(pfd, base, AT_REMOVEDIR);
out:
	saved = errno;
	if (dfd != -1)
		close(dfd);
	close(pfd);
	errno = saved;
	return rc;
}

int
sweep_dirs_each(int (*visit)(const struct ipc_obj *, void *), void *arg)
{
	struct obj_list list = {NULL, 0, 0};
	int rc = dir_list(&list);

	for (size_t i = 0; rc == 0 && i < list.n && visit(&list.v[i], arg) == 0;
	     i++)
		;
	free(list.v);
	return rc;
}

/* The short name in a directory's o->name, "/ipclab-<uid>-<name>". */
static const char *
dir_short_name(const struct ipc_obj *o)
{
	const char *dash = strchr(o->name + 1 + strlen(IPCLAB_PREFIX), '-');

	return dash != NULL ? dash + 1 : "";
}

struct dirs_ctx {
	const char *pattern;
	struct sweep_tally t;
};

void
sweep_remove_tallied(const struct ipc_obj *obj, struct sweep_tally *t)
{
	char line[512];

	sweep_describe(obj, line, sizeof(line)); /* before it is gone */
	if (sweep_remove(obj) == -1) {
		if (errno != EIDRM && errno != ENOENT && errno != EINVAL)
			t->failed = errno;
		return;
	}
	t->removed++;
	if (t->log != NULL)
		fprintf(t->log, "removed stale %s\n", line);
}

int
sweep_tally_result(const struct sweep_tally *t)
{
	if (t->failed) {
		errno = t->failed;
		return -1;
	}
	return t->removed;
}

static int
remove_dir_if_stale(const struct ipc_obj *o, void *arg)
{
	struct dirs_ctx *c = arg;

	if (o->live || o->uid != getuid() ||
	    fnmatch(c->pattern, dir_short_name(o), 0) != 0)
		return 0;
	sweep_remove_tallied(o, &c->t);
	return 0;
}

int
sweep_stale_dirs(const char *pattern, FILE *log)
{
	struct dirs_ctx c = {pattern, {log, 0, 0}};

	if (sweep_dirs_each(remove_dir_if_stale, &c) == -1)
		return -1;
	return sweep_tally_result(&c.t);
}

int
sweep_each(int (*visit)(const struct ipc_obj *, void *), void *arg)
{
	struct obj_list list = {NULL, 0, 0};
	int rc;

	rc = sysv_list(&list, "/proc/sysvipc/shm", OBJ_SYSV_SHM, "shmid",
		       judge_shm);
	if (rc == 0)
		rc = sysv_list(&list, "/proc/sysvipc/sem", OBJ_SYSV_SEM,
			       "semid", judge_sem);
	if (rc == 0)
		rc = sysv_list(&list, "/proc/sysvipc/msg", OBJ_SYSV_MSG,
			       "msqid", judge_msg);
	if (rc == 0)
		rc = posix_list(&list, SHM_DIR, OBJ_POSIX_SHM);
	if (rc == 0)
		rc = posix_list(&list, MQUEUE_DIR, OBJ_POSIX_MQ);
	if (rc == 0)
		rc = judge_posix(&list);
	if (rc == 0)
		rc = dir_list(&list); /* after the POSIX judging: not held */
	if (rc == 0) {
		judge_runs(&list);
		for (size_t i = 0; i < list.n && visit(&list.v[i], arg) == 0;
		     i++)
			;
	}
	free(list.v);
	return rc;
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
	struct stat st;

	if (o->kind <= OBJ_SYSV_MSG) {
		if (sysv_key_now(o->kind, o->id) != o->key) {
			errno = EIDRM; /* gone, or the id names another now */
			return -1;
		}
		return obj_remove(o->kind, o->id, o->name);
	}
	if (o->kind == OBJ_DIR)
		return dir_remove(o);
	/* By name there is no "remove this object only": compare the file
	 * with the one we judged, and unlink it straight after. */
	if (stat(o->path, &st) == -1 || st.st_dev != o->dev ||
	    st.st_ino != o->ino) {
		errno = EIDRM;
		return -1;
	}
	return unlink(o->path);
}

void
sweep_describe(const struct ipc_obj *o, char *buf, size_t size)
{
	char what[320], who[48], owner[24];

	if (o->kind <= OBJ_SYSV_MSG)
		snprintf(what, sizeof(what), "key 0x%08x id %d",
			 (unsigned)o->key, o->id);
	else
		snprintf(what, sizeof(what), "%s",
			 o->kind == OBJ_DIR ? o->path : o->name);
	if (o->pid > 0)
		snprintf(who, sizeof(who), "%s %ld (%s)", o->pid_role,
			 (long)o->pid, o->pid_alive ? "running" : "gone");
	else if (o->unknown)
		snprintf(who, sizeof(who), "none we may see");
	else
		snprintf(who, sizeof(who), "no process");
	snprintf(owner, sizeof(owner), "uid %u", (unsigned)o->uid);
	snprintf(buf, size, ROW, obj_kind_name(o->kind), what, owner, who,
		 o->unknown ? "unknown"
		 : o->live  ? "live"
			    : "stale");
}

void
sweep_header(char *buf, size_t size)
{
	snprintf(buf, size, ROW, "KIND", "OBJECT", "OWNER", "PROCESS", "STATE");
}

struct stale_ctx {
	uid_t uid;
	struct sweep_tally t;
};

static int
remove_if_stale(const struct ipc_obj *o, void *arg)
{
	struct stale_ctx *c = arg;

	if (o->live || o->uid != c->uid || o->kind == OBJ_DIR)
		return 0; /* directories: sweep_stale_dirs() */
	sweep_remove_tallied(o, &c->t);
	return 0;
}

int
sweep_stale(uid_t uid, FILE *log)
{
	struct stale_ctx c = {uid, {log, 0, 0}};

	if (sweep_each(remove_if_stale, &c) == -1)
		return -1;
	return sweep_tally_result(&c.t);
}
