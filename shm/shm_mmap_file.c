/* shm_mmap_file.c - share a file's contents: mmap(MAP_SHARED) a file.
 *
 * A regular file mapped MAP_SHARED is shared memory whose pages are the
 * file's own pages in the page cache: every process that maps it sees
 * the others' writes, and what they write is the file's contents, still
 * there when they have all gone.  msync(MS_SYNC) asks the kernel to
 * write the changed pages to the disk now and waits for it: read(2) sees
 * the writes without it (the same pages), but only after msync (or
 * fsync) are they sure to survive a crash.
 *
 * This program creates the file safely, so that nobody can make it write
 * where they chose: in a private directory (mkdtemp, mode 0700) by
 * default, or, with -o FILE, FILE itself, which must not exist (O_CREAT |
 * O_EXCL, which also refuses a symbolic link there) and is made with mode
 * 0600.  It sizes the file to two 32-byte records (ftruncate), maps it
 * MAP_SHARED and forks: the child writes record 1 and msyncs, the parent
 * waits for it, writes record 0 and msyncs, then unmaps.  Then it reads
 * the file back with plain read(2), with no mapping left, and removes it,
 * unless -o asked to keep it: then look at it with od.
 *
 *   $ build/bin/shm_mmap_file -o data.bin
 *   shm_mmap_file 4242: data.bin: 64 bytes, mapped MAP_SHARED; forking
 *   ...
 *   $ od -c data.bin
 *   $ rm data.bin
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "cleanup.h"
#include "err.h"
#include "io.h"
#include "names.h"
#include "opts.h"

#define RECORD	 32 /* bytes a record; two of them */
#define FILE_LEN (2 * RECORD)

static const char usage[] =
	"usage: shm_mmap_file [-o FILE] [-t SECONDS] [-N NAME]\n"
	"Share a file between two processes with mmap(MAP_SHARED), and see\n"
	"the data stay in the file once both are gone.\n"
	"  -o FILE     make FILE (it must not exist) and keep it, for od -c\n"
	"  -t SECONDS  how long to wait for the child (default 10)\n"
	"  -N NAME     the private directory is ipclab-<uid>-NAME.<pid>.XXXXXX\n"
	"              in $TMPDIR or /tmp (default shm-mmap); removed at the end\n"
	"  -h          show this help\n";

static struct demo_opts opt = {"shm-mmap", 0, 0, 10};
static const char *keep; /* -o FILE */
static char dir[200], path[256];
static int dir_reg = -1; /* the private directory's cleanup handle */

static void
other_opt(int o, char *val)
{
	(void)o;
	if (val[0] == '\0')
		opts_usage_error(usage, "-o: an empty file name");
	keep = val;
}

/* Create the file, O_EXCL, 0600, registered for removal on any exit. */
static int
create_file(int *reg)
{
	int fd;

	if (keep != NULL) {
		snprintf(path, sizeof(path), "%s", keep);
	} else {
		if (names_dir_template(dir, sizeof(dir), opt.name) == -1 ||
		    mkdtemp(dir) == NULL)
			die_errno("mkdtemp %s", dir);
		if ((dir_reg = cleanup_add_name(OBJ_DIR, dir)) == -1)
			die_errno("cleanup_add_name %s", dir);
		snprintf(path, sizeof(path), "%s/data", dir);
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		die_errno("open %s", path);
	if ((*reg = cleanup_add_name(OBJ_PATH, path)) == -1)
		die_errno("cleanup_add_name %s", path);
	return fd;
}

/* Write record n of the mapping and push it to the disk. */
static void
put_record(char *map, int n, const char *text)
{
	memset(map + n * RECORD, 0, RECORD);
	snprintf(map + n * RECORD, RECORD, "%s", text);
	/* msync wants a page-aligned address: the mapping's start */
	if (msync(map, FILE_LEN, MS_SYNC) == -1)
		die_errno("msync %s", path);
}

static void
wait_child(pid_t child)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	int status;

	while (waitpid(child, &status, WNOHANG) == 0) {
		if (clock_ns() > deadline) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			die("child %ld did not finish in %lu s", (long)child,
			    opt.timeout_s);
		}
		sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed", (long)child);
}

int
main(int argc, char **argv)
{
	char buf[FILE_LEN], *map;
	int fd, reg;
	pid_t child;

	opts_parse_more(&opt, "Nt", "o:", other_opt, usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = create_file(&reg);
	if (ftruncate(fd, FILE_LEN) == -1) /* a mapping past the end: SIGBUS */
		die_errno("ftruncate %s to %d bytes", path, FILE_LEN);
	map = mmap(NULL, FILE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die_errno("mmap %s", path);
	printf("shm_mmap_file %ld: %s: %d bytes, mapped MAP_SHARED; forking\n",
	       (long)getpid(), path, FILE_LEN);

	fflush(NULL);
	if ((child = fork()) == -1)
		die_errno("fork");
	if (child == 0) {
		put_record(map, 1, "written by the child\n");
		_exit(0); /* its mapping goes with it; the file stays */
	}
	wait_child(child);
	printf("shm_mmap_file %ld: child %ld wrote record 1, msync'd and "
	       "exited; the mapping shows: \"%.20s\"\n",
	       (long)getpid(), (long)child, map + RECORD);
	put_record(map, 0, "written by the parent\n");
	if (munmap(map, FILE_LEN) == -1)
		die_errno("munmap %s", path);

	/* No mapping left: what read(2) finds is the file's contents. */
	if (pread(fd, buf, FILE_LEN, 0) != FILE_LEN)
		die_errno("pread %s", path);
	close(fd);
	printf("shm_mmap_file %ld: unmapped; read(2) finds \"%.21s\" and "
	       "\"%.20s\" in the file\n",
	       (long)getpid(), buf, buf + RECORD);
	if (keep != NULL) {
		cleanup_forget(reg);
		printf("shm_mmap_file: kept %s: see it with  od -c %s\n", path,
		       path);
		return 0;
	}
	if (unlink(path) == -1)
		die_errno("unlink %s", path);
	cleanup_forget(reg);
	if (rmdir(dir) == -1)
		die_errno("rmdir %s", dir);
	cleanup_forget(dir_reg);
	printf("shm_mmap_file: removed %s and its directory\n", path);
	return 0;
}
