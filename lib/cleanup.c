/* cleanup.c - the cleanup registry: see cleanup.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "cleanup.h"

struct entry {
	enum obj_kind kind;
	int id;
	pid_t owner;	     /* only this process removes it */
	unsigned long order; /* registration order: newest goes first */
	volatile sig_atomic_t used;
	char name[PATH_MAX];
};

static struct entry registry[CLEANUP_MAX];
static unsigned long registered; /* registrations so far */
static int installed;
static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

const char *
obj_kind_name(enum obj_kind kind)
{
	static const char *const names[] = {
		[OBJ_SYSV_SHM] = "shm-sysv",   [OBJ_SYSV_SEM] = "sem-sysv",
		[OBJ_SYSV_MSG] = "msgq-sysv",  [OBJ_POSIX_SHM] = "shm-posix",
		[OBJ_POSIX_SEM] = "sem-posix", [OBJ_POSIX_MQ] = "msgq-posix",
		[OBJ_PATH] = "path",	       [OBJ_DIR] = "dir",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind]
								 : "?";
}

int
obj_remove(enum obj_kind kind, int id, const char *name)
{
	switch (kind) {
	case OBJ_SYSV_SHM:
		return shmctl(id, IPC_RMID, NULL);
	case OBJ_SYSV_SEM:
		return semctl(id, 0, IPC_RMID);
	case OBJ_SYSV_MSG:
		return msgctl(id, IPC_RMID, NULL);
	case OBJ_POSIX_SHM:
		return shm_unlink(name);
	case OBJ_POSIX_SEM:
		return sem_unlink(name);
	case OBJ_POSIX_MQ:
		return mq_unlink(name);
	case OBJ_PATH:
		return id == -1 ? unlink(name) : unlinkat(id, name, 0);
	case OBJ_DIR:
		return id == -1 ? rmdir(name)
				: unlinkat(id, name, AT_REMOVEDIR);
	}
	errno = EINVAL;
	return -1;
}

/* This process's newest registered entry, or NULL. */
static struct entry *
newest(pid_t self)
{
	struct entry *best = NULL;

	for (int i = 0; i < CLEANUP_MAX; i++) {
		struct entry *e = &registry[i];

		if (e->used && e->owner == self &&
		    (best == NULL || e->order > best->order))
			best = e;
	}
	return best;
}

void
cleanup_run(void)
{
	int saved = errno; /* we may run inside a signal handler */
	pid_t self = getpid();
	struct entry *e;

	/* Newest first: a file made in a directory registered earlier goes
	 * before the directory. */
	while ((e = newest(self)) != NULL) {
		e->used = 0;
		obj_remove(e->kind, e->id, e->name);
	}
	errno = saved;
}

static void
on_signal(int sig)
{
	cleanup_run();
	signal(sig, SIG_DFL); /* then die of the same signal */
	raise(sig);
}

/* Install the exit and signal hooks once, on the first registration. */
static int
install(void)
{
	struct sigaction sa;

	if (installed)
		return 0;
	if (atexit(cleanup_run) != 0) {
		errno = ENOMEM;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask); /* no second signal while we clean up */
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		struct sigaction old;

		/* A signal ignored by our parent (nohup, `cmd &` in some
		 * shells) stays ignored. */
		if (sigaction(caught[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(caught[i], &sa, NULL) == -1)
			return -1;
	}
	installed = 1;
	return 0;
}

/* Fill a free slot with signals blocked, so a handler never sees a half
 * written entry. */
static int
add(enum obj_kind kind, int id, const char *name)
{
	sigset_t all, old;
	int slot = -1;

	if ((unsigned)kind > OBJ_DIR) {
		errno = EINVAL;
		return -1;
	}
	if (strlen(name) >= sizeof(registry[0].name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (install() == -1)
		return -1;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (int i = 0; i < CLEANUP_MAX; i++) {
		if (!registry[i].used) {
			slot = i;
			break;
		}
	}
	if (slot >= 0) {
		struct entry *e = &registry[slot];

		e->kind = kind;
		e->id = id;
		e->owner = getpid();
		e->order = ++registered;
		strcpy(e->name, name);
		e->used = 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (slot < 0)
		errno = ENOSPC;
	return slot;
}

int
cleanup_add_id(enum obj_kind kind, int id)
{
	if (kind > OBJ_SYSV_MSG) {
		errno = EINVAL;
		return -1;
	}
	return add(kind, id, "");
}

int
cleanup_add_name(enum obj_kind kind, const char *name)
{
	if (kind < OBJ_POSIX_SHM) {
		errno = EINVAL;
		return -1;
	}
	return add(kind, -1, name);
}

int
cleanup_add_at(enum obj_kind kind, int dirfd, const char *name)
{
	if ((kind != OBJ_PATH && kind != OBJ_DIR) || dirfd < 0 ||
	    strchr(name, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	return add(kind, dirfd, name);
}

void
cleanup_forget(int handle)
{
	if (handle >= 0 && handle < CLEANUP_MAX)
		registry[handle].used = 0;
}
