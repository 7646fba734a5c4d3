/* shm_broken_classic_client.c - the classic shared memory client: broken.
 *
 * BROKEN ON PURPOSE.  The other half of shm_broken_classic_server.c (read
 * its header); shm_minimal_client.c is this file corrected.  It finds the
 * segment at the fixed key 0x1234 and prints what is in it once a second,
 * 100 times, whether or not anything new was written: each message twice,
 * then the server's last one for the 50 s it outlives the server.  With no
 * server, it prints "shmget error" with no newline and exits with status
 * 255.
 *
 * `make run-shm` does NOT run it.  It creates nothing, but while it runs
 * the server's segment stays; see the server's header for `ipcrm -M`.
 *
 *   $ build/bin/shm_broken_classic_client; echo " status $?"
 *   shmget error status 255
 */
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#define KEY  0x1234 /* one number for every user and every run */
#define SIZE 256

static const char usage[] = "usage: shm_broken_classic_client\n"
			    "Print the segment at key 0x1234 once a second, "
			    "100 times. Broken on purpose: see docs/shm.md.\n";

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
	shmid = shmget(KEY, SIZE, 0600);
	if (shmid < 0) {
		printf("shmget error");
		return -1;
	}
	mem = shmat(shmid, NULL, 0);
	if (mem == (void *)-1) {
		printf("shmat error");
		return -1;
	}
	for (int i = 1; i <= 100; i++) {
		printf("read: %s\n", mem);
		sleep(1);
	}
	if (shmdt(mem) < 0) {
		printf("shmdt error");
		return -1;
	}
	return 0;
}
