/* opts.h - the command-line options the demo programs share.
 *
 *   -N NAME     meet at ipclab-<uid>-NAME instead of the default
 *   -n COUNT    how many messages to send
 *   -i MS       pause between messages, to watch
 *   -t SECONDS  how long to wait for the peer before giving up
 *   -h          print the usage and exit 0
 * and, for a program that makes a queue of messages of a chosen size
 * (opts_parse_sized):
 *   -s SIZE     message size in bytes: 64, 4K, 1M
 *   -d DEPTH    how many messages the queue holds
 */
#ifndef IPCLAB_OPTS_H
#define IPCLAB_OPTS_H

#include <stddef.h>

#include "err.h"

#define OPTS_COUNT_MAX	  1000000
#define OPTS_INTERVAL_MAX 60000
#define OPTS_TIMEOUT_MAX  3600
#define OPTS_SIZE_MAX	  (1UL << 30)
#define OPTS_DEPTH_MAX	  1000000

struct demo_opts {
	const char *name;	   /* -N: short object name */
	unsigned long count;	   /* -n: messages, 1..OPTS_COUNT_MAX */
	unsigned long interval_ms; /* -i: 0..OPTS_INTERVAL_MAX */
	unsigned long timeout_s;   /* -t: 1..OPTS_TIMEOUT_MAX */
};

/* Parse argv into o, which holds the defaults on entry.  accepts lists the
 * option letters this program takes ("Nit"); -h is always accepted.  With
 * -h, print usage to stdout and exit 0; on a bad option, value or stray
 * argument, say what is wrong, print usage to stderr and exit 2. */
void opts_parse(struct demo_opts *o, const char *accepts, const char *usage,
		int argc, char **argv);

/* opts_parse() for a program with options of its own as well: extra lists
 * them as getopt(3) does ("k:a": -k takes a value, -a does not), and
 * other(opt, val) is called for each (val is the value, undefined for an
 * option that takes none); it stores it or calls opts_usage_error(). */
void opts_parse_more(struct demo_opts *o, const char *accepts,
		     const char *extra, void (*other)(int opt, char *val),
		     const char *usage, int argc, char **argv);

/* Parse val, the value of option -opt, as a whole number in [min, max]
 * into *out; if it is not one, opts_usage_error(). */
void opts_number(int opt, const char *val, unsigned long min, unsigned long max,
		 unsigned long *out, const char *usage);

/* Say what is wrong ("prog: MESSAGE" on stderr), print usage to stderr and
 * exit 2: for a program that parses options of its own beside these. */
_Noreturn void opts_usage_error(const char *usage, const char *fmt, ...)
	IPCLAB_PRINTF(2, 3);

/* The sizes a queue-making program takes, apart from struct demo_opts so
 * that the programs without them need not spell them out. */
struct size_opts {
	size_t size;	     /* -s: bytes, 1..OPTS_SIZE_MAX */
	unsigned long depth; /* -d: messages, 1..OPTS_DEPTH_MAX */
};

/* As opts_parse(), and accepts may also hold 's' and 'd', parsed into s
 * (which holds their defaults on entry). */
void opts_parse_sized(struct demo_opts *o, struct size_opts *s,
		      const char *accepts, const char *usage, int argc,
		      char **argv);

#endif
