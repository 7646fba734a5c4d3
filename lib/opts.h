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
