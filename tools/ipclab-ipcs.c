/* ipclab-ipcs.c - list the suite's IPC objects alive on this machine.
 *
 * Like ipcs(1) and `ls /dev/shm` together, but only for objects named
 * ipclab-* (System V keys 0x1c......), and the private directories of
 * FIFOs and sockets in $TMPDIR or /tmp, with the process that tells
 * whether each is still in use.  --clean removes your own stale ones:
 * those every process that could use them has left (a demo killed with
 * SIGKILL, say); with -N, only those of the names given.
 *
 *   $ build/bin/ipclab-ipcs
 *   KIND       OBJECT                             OWNER      PROCESS                      STATE
 *   shm-sysv   key 0x1c5e07a1 id 32769            uid 1000   creator 4242 (gone)          stale
 *   $ build/bin/ipclab-ipcs --clean
 *   removed stale shm-sysv   key 0x1c5e07a1 id 32769 ...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "err.h"
#include "names.h"
#include "sweep.h"

static const char usage[] =
	"usage: ipclab-ipcs [--mine] [-N NAME]... [--clean] [--fail-if-any]\n"
	"List the ipclab IPC objects on this machine, live and stale, and the\n"
	"private directories (of FIFOs and sockets) in $TMPDIR or /tmp.\n"
	"  --mine         only objects you own\n"
	"  -N NAME        only your objects of this name (key, or\n"
	"                 /ipclab-<uid>-NAME and NAME.SUFFIX); may be given\n"
	"                 several times\n"
	"  --clean        remove your stale objects (never a live one, never\n"
	"                 another user's); with -N, only those of the names\n"
	"                 given\n"
	"  --fail-if-any  exit 1 if any object is listed\n"
	"  -h, --help     show this help\n";

#define MAX_NAMES 8

struct list_ctx {
	int mine;
	int nnames;
	key_t keys[MAX_NAMES];		       /* names_key() of each -N */
	char posix[MAX_NAMES][NAMES_FULL_MAX]; /* names_posix() of each -N */
	int shown;
};

/* Whether POSIX name is posix, or posix followed by "." and a suffix: a
 * run's objects ("/ipclab-0-x.up", "/ipclab-0-x.reply"), as the tests'
 * leak check counts them. */
static int
of_name(const char *name, const char *posix)
{
	size_t n = strlen(posix);

	return strncmp(name, posix, n) == 0 &&
	       (name[n] == '\0' || name[n] == '.');
}

/* Whether o is one of the objects -N named. */
static int
named(const struct list_ctx *c, const struct ipc_obj *o)
{
	for (int i = 0; i < c->nnames; i++) {
		if (o->kind <= OBJ_SYSV_MSG ? o->key == c->keys[i]
					    : of_name(o->name, c->posix[i]))
			return 1;
	}
	return 0;
}

struct clean_ctx {
	const struct list_ctx *names;
	struct sweep_tally t;
};

/* --clean -N: remove o if it is one of ours of those names, and stale. */
static int
clean_named(const struct ipc_obj *o, void *arg)
{
	struct clean_ctx *c = arg;

	if (o->live || o->uid != getuid() || !named(c->names, o))
		return 0;
	sweep_remove_tallied(o, &c->t);
	return 0;
}

/* Remove our stale objects (of the -N names, if any were given). */
static int
clean_stale(const struct list_ctx *names)
{
	struct clean_ctx c = {names, {stdout, 0, 0}};

	if (names->nnames == 0) {
		int n = sweep_stale(getuid(), stdout), m;

		if (n == -1 || (m = sweep_stale_dirs("*", stdout)) == -1)
			return -1;
		return n + m;
	}
	if (sweep_each(clean_named, &c) == -1)
		return -1;
	return sweep_tally_result(&c.t);
}

static int
show(const struct ipc_obj *o, void *arg)
{
	struct list_ctx *c = arg;
	char line[512];

	if (c->mine && o->uid != getuid())
		return 0;
	if (c->nnames > 0 && !named(c, o))
		return 0;
	if (c->shown == 0) {
		sweep_header(line, sizeof(line));
		printf("%s\n", line);
	}
	sweep_describe(o, line, sizeof(line));
	printf("%s\n", line);
	c->shown++;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"mine", no_argument, NULL, 'm'},
		{"clean", no_argument, NULL, 'c'},
		{"fail-if-any", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct list_ctx c;
	int clean = 0, fail_if_any = 0, opt;
	struct statfs sfs;

	memset(&c, 0, sizeof(c));
	while ((opt = getopt_long(argc, argv, "hN:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'N':
			if (c.nnames == MAX_NAMES ||
			    names_posix(c.posix[c.nnames], NAMES_FULL_MAX,
					optarg) == -1) {
				fprintf(stderr,
					"ipclab-ipcs: -N %s: not a name, "
					"or too many\n%s",
					optarg, usage);
				return 2;
			}
			c.keys[c.nnames++] = names_key(optarg);
			c.mine = 1; /* names hold our uid */
			break;
		case 'm':
			c.mine = 1;
			break;
		case 'c':
			clean = 1;
			break;
		case 'f':
			fail_if_any = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ipclab-ipcs: '%s': unexpected argument\n%s",
			argv[optind], usage);
		return 2;
	}

	if (clean) {
		int n = clean_stale(&c);

		if (n == -1)
			die_errno("removing stale objects");
		printf("removed %d stale object%s\n", n, n == 1 ? "" : "s");
		c.mine = 1; /* then list what is left of ours */
	}
	if (sweep_each(show, &c) == -1)
		die_errno("reading /proc");
	if (c.shown == 0)
		printf("no ipclab IPC objects%s on this machine\n",
		       c.nnames ? " of those names"
		       : c.mine ? " of yours"
				: "");
	if (statfs("/dev/mqueue", &sfs) == -1 && !fail_if_any)
		printf("(POSIX message queues are not listed: /dev/mqueue is "
		       "not mounted; as root: mount -t mqueue none /dev/mqueue)\n");
	return fail_if_any && c.shown > 0 ? 1 : 0;
}
