/* shm_broken_classic_server.c - the classic shared memory server: broken.
 *
 * BROKEN ON PURPOSE.  Our own rewrite of a pattern that blog posts copy
 * from one another; docs/shm.md takes it apart, flaw by flaw, and
 * shm_minimal_server.c is this file corrected (`diff -u` the two).  It
 * meets its client at a fixed key that every user and every run shares,
 * never synchronises, writes with a bound unrelated to the segment's size
 * and reports errors as bare words with no newline.  It writes for 50 s;
 * stopped sooner (Ctrl-C, kill), it never removes its segment.
 *
 * `make run-shm` does NOT run it, because it leaks by design.  Run it by
 * hand, then remove what it leaves (ipcrm -M takes the key):
 *
 *   $ build/bin/shm_broken_classic_server &
 *   $ build/bin/shm_broken_classic_client        # reads for 100 s
 *   read: message 1 from the server
 *   read: message 1 from the server
 *   ...
 *   $ kill %1; ipcrm -M 0x1234; ipcs -m
 */
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#define KEY  0x1234 /* one number for every user and every run */
#define SIZE 256

static const char usage[] =
	"usage: shm_broken_classic_server\n"
	"Write 25 messages into the segment at key 0x1234, "
	"one every 2 s. Broken on purpose: see docs/shm.md.\n";

int
main(int argc, char **argv)
{
	int shmid;
	char *mem;

	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1) {
		fputs(usage, stderr);
		return 2;
	}
	shmid = shmget(KEY, SIZE, IPC_CREAT | 0600);
	if (shmid < 0) {
		printf("shmget error");
		return -1;
	}
	mem = shmat(shmid, NULL, 0);
	if (mem == (void *)-1) {
		printf("shmat error");
		return -1;
	}
	for (int i = 1; i <= 25; i++) {
		snprintf(mem, 500, "message %d from the server", i);
		sleep(2);
	}
	if (shmdt(mem) < 0) {
		printf("shmdt error");
		return -1;
	}
	if (shmctl(shmid, IPC_RMID, NULL) < 0) {
		printf("shmdt error");
		return -1;
	}
	return 0;
}
