/* owner.c - check that an object we did not create is ours: see owner.h. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "owner.h"

union semun { /* the caller defines it: see semctl(2) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

void
owner_describe(uid_t uid, struct owner *who)
{
	struct passwd *pw;

	who->uid = uid;
	if (uid == (uid_t)-1) {
		snprintf(who->desc, sizeof(who->desc), "an unknown user");
		return;
	}
	pw = getpwuid(uid); /* NULL: a uid with no name; that is fine */
	if (pw != NULL)
		snprintf(who->desc, sizeof(who->desc), "uid %u (%s)",
			 (unsigned)uid, pw->pw_name);
	else
		snprintf(who->desc, sizeof(who->desc), "uid %u", (unsigned)uid);
}

/* Whether uid and cuid are both ours; if not, who names the other. */
static int
judge(uid_t uid, uid_t cuid, struct owner *who)
{
	uid_t me = getuid();

	if (uid == me && cuid == me)
		return 0;
	owner_describe(uid != me ? uid : cuid, who);
	errno = EPERM;
	return -1;
}

/* The owner of System V object id from /proc/sysvipc/<table>, which
 * anyone may read even when IPC_STAT is refused; -1 if not found. */
static uid_t
sysv_proc_owner(const char *table, const char *idcol, int id)
{
	char path[64], line[512], *tok, *save, *p;
	int col_id = -1, col_uid = -1, ncols = 0;
	uid_t uid = (uid_t)-1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", table);
	if ((f = fopen(path, "r")) == NULL)
		return uid;
	if (fgets(line, sizeof(line), f) != NULL)
		for (tok = strtok_r(line, " \t\n", &save); tok != NULL;
		     tok = strtok_r(NULL, " \t\n", &save), ncols++) {
			if (strcmp(tok, idcol) == 0)
				col_id = ncols;
			else if (strcmp(tok, "uid") == 0)
				col_uid = ncols;
		}
	while (col_id >= 0 && col_uid >= 0 && fgets(line, sizeof(line), f)) {
		long long v[32];

		p = line;
		for (int i = 0; i < ncols && i < 32; i++)
			v[i] = strtoll(p, &p, 10);
		if (col_id < 32 && col_uid < 32 && v[col_id] == id) {
			uid = (uid_t)v[col_uid];
			break;
		}
	}
	fclose(f);
	return uid;
}

int
owner_check_sysv(enum obj_kind kind, int id, struct owner *who)
{
	struct shmid_ds shm;
	struct semid_ds sem;
	struct msqid_ds msg;
	union semun arg = {.buf = &sem};
	const char *table, *idcol;
	int err;

	switch (kind) {
	case OBJ_SYSV_SHM:
		if (shmctl(id, IPC_STAT, &shm) == 0)
			return judge(shm.shm_perm.uid, shm.shm_perm.cuid, who);
		table = "shm", idcol = "shmid";
		break;
	case OBJ_SYSV_SEM:
		if (semctl(id, 0, IPC_STAT, arg) == 0)
			return judge(sem.sem_perm.uid, sem.sem_perm.cuid, who);
		table = "sem", idcol = "semid";
		break;
	case OBJ_SYSV_MSG:
		if (msgctl(id, IPC_STAT, &msg) == 0)
			return judge(msg.msg_perm.uid, msg.msg_perm.cuid, who);
		table = "msg", idcol = "msqid";
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	err = errno;
	/* EACCES: not readable by us, so not ours (or ours at mode 0000). */
	owner_describe(err == EACCES ? sysv_proc_owner(table, idcol, id)
				     : (uid_t)-1,
		       who);
	errno = err;
	return -1;
}

int
owner_check_fd(int fd, struct owner *who)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		owner_describe((uid_t)-1, who);
		return -1;
	}
	return judge(st.st_uid, st.st_uid, who);
}

int
owner_check_posix(enum obj_kind kind, const char *name, struct owner *who)
{
	char path[320];
	struct stat st;
	const char *fmt;

	switch (kind) {
	case OBJ_POSIX_SHM:
		fmt = "/dev/shm%s";
		break;
	case OBJ_POSIX_SEM: /* glibc keeps /NAME as /dev/shm/sem.NAME */
		fmt = "/dev/shm/sem.%s";
		break;
	case OBJ_POSIX_MQ:
		fmt = "/dev/mqueue%s";
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (name[0] != '/' || strchr(name + 1, '/') != NULL) {
		errno = EINVAL; /* a POSIX name: one slash, the first char */
		return -1;
	}
	snprintf(path, sizeof(path), fmt,
		 kind == OBJ_POSIX_SEM ? name + 1 : name);
	if (lstat(path, &st) == -1) {
		owner_describe((uid_t)-1, who);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) { /* a link or a device: not an object */
		owner_describe(st.st_uid, who);
		errno = EPERM;
		return -1;
	}
	return judge(st.st_uid, st.st_uid, who);
}
