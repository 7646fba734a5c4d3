/* shm_mmap_anon.c - shared memory with no name: mmap before fork.
 *
 * mmap(MAP_SHARED | MAP_ANONYMOUS) gives pages that belong to no file and
 * have no name: nothing in /dev/shm, no key in ipcs, nothing to remove.
 * Only the process that made them and the children it forks afterwards
 * can ever reach them, because fork() copies the mapping, and a shared
 * mapping stays shared in the copy.  So it suits a parent and its
 * children, and nothing else.
 *
 * This program maps two pages, one MAP_SHARED and one MAP_PRIVATE, writes
 * "written by the parent" into both, and forks.  The child overwrites
 * both with its own line and exits; the parent waits for it (with a
 * timeout), then reads them back: the shared page holds the child's line,
 * the private one still the parent's, because a private mapping is copied
 * on write: the child's write went to a copy of its own.
 *
 *   $ build/bin/shm_mmap_anon
 *   shm_mmap_anon 4242: two pages mapped, one shared, one private; ...
 *   shm_mmap_anon 4242: shared page:  "written by child 4243"
 *   shm_mmap_anon 4242: private page: "written by the parent"
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "opts.h"

#define TEXT_MAX 64

static const char usage[] =
	"usage: shm_mmap_anon [-t SECONDS]\n"
	"Share a page with a child through mmap(MAP_SHARED | MAP_ANONYMOUS),\n"
	"and see that a MAP_PRIVATE page is not shared.\n"
	"  -t SECONDS  how long to wait for the child (default 10)\n"
	"  -h          show this help\n";

static struct demo_opts opt = {NULL, 0, 0, 10};

/* Map one page of anonymous memory; flags: MAP_SHARED or MAP_PRIVATE. */
static char *
map_page(int flags, const char *what)
{
	char *p = mmap(NULL, TEXT_MAX, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die_errno("mmap %s", what);
	snprintf(p, TEXT_MAX, "written by the parent");
	return p;
}

/* Wait for child up to -t seconds; kill it if it takes longer. */
static void
wait_child(pid_t child)
{
	uint64_t deadline = clock_ns() + opt.timeout_s * NS_PER_S;
	int status;
	pid_t got;

	while ((got = waitpid(child, &status, WNOHANG)) == 0) {
		if (clock_ns() > deadline) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			die("child %ld did not finish in %lu s", (long)child,
			    opt.timeout_s);
		}
		sleep_ms(10);
	}
	if (got == -1)
		die_errno("waitpid %ld", (long)child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child %ld failed", (long)child);
}

int
main(int argc, char **argv)
{
	char *shared, *private;
	pid_t child;

	opts_parse(&opt, "t", usage, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	shared = map_page(MAP_SHARED, "MAP_SHARED");
	private = map_page(MAP_PRIVATE, "MAP_PRIVATE");
	printf("shm_mmap_anon %ld: two pages mapped, one shared, one private; "
	       "both say \"%s\"; forking\n",
	       (long)getpid(), shared);

	fflush(NULL);
	if ((child = fork()) == -1)
		die_errno("fork");
	if (child == 0) { /* the same addresses, inherited */
		snprintf(shared, TEXT_MAX, "written by child %ld",
			 (long)getpid());
		snprintf(private, TEXT_MAX, "written by child %ld",
			 (long)getpid());
		printf("shm_mmap_anon %ld: child wrote both pages\n",
		       (long)getpid());
		_exit(0);
	}
	wait_child(child);
	printf("shm_mmap_anon %ld: shared page:  \"%s\"\n", (long)getpid(),
	       shared);
	printf("shm_mmap_anon %ld: private page: \"%s\"\n", (long)getpid(),
	       private);
	printf("shm_mmap_anon: the child's write is %s in the shared page, "
	       "%s in the private one\n",
	       strstr(shared, "child") ? "seen" : "NOT seen",
	       strstr(private, "child") ? "SEEN" : "not seen");
	if (munmap(shared, TEXT_MAX) == -1 || munmap(private, TEXT_MAX) == -1)
		die_errno("munmap");
	return 0; /* no name: nothing to remove */
}
