/* cli.h - the lists ipcbench's options take: transports, sizes, CPUs.
 *
 * Each parser writes a one-line reason into err (for "ipcbench: -s 12Q:
 * ...") and returns -1 on bad input, so that main() can exit 2.
 */
#ifndef IPCLAB_CLI_H
#define IPCLAB_CLI_H

#include <stddef.h>

#include "engine.h"
#include "transport.h"

#define CLI_MECHS_MAX	 64
#define CLI_SIZES_MAX	 32
#define CLI_SIZE_LIMIT	 (64UL << 20) /* the largest message: 64 MiB */
#define CLI_GAPS_MAX	 16
#define CLI_GAP_LIMIT_NS 1000000000ULL /* the longest gap: 1 s */

/* Parse a comma-separated list of transport names ("pipe,shm-posix", or
 * "all") into out (room for max).  Returns how many, or -1. */
int cli_mechs(const char *list, const struct transport **out, size_t max,
	      char *err, size_t errlen);

/* Parse a comma-separated list of sizes ("64,4K,1M", each 0 to
 * CLI_SIZE_LIMIT) into out (room for max), sorted and without repeats.
 * Returns how many, or -1. */
int cli_sizes(const char *list, size_t *out, size_t max, char *err,
	      size_t errlen);

/* Parse one duration: a whole number with a unit, ns, us, ms or s
 * ("0", the only one that may go without, "10us", "1ms"), from 0 to
 * CLI_GAP_LIMIT_NS, into *ns.  Returns 0, or -1. */
int cli_duration(const char *s, unsigned long long *ns);

/* Parse a comma-separated list of gaps between round trips ("0,10us,1ms",
 * each a duration as cli_duration() takes it) into out (room for max),
 * sorted and without repeats.  Returns how many, or -1. */
int cli_gaps(const char *list, unsigned long long *out, size_t max, char *err,
	     size_t errlen);

/* Parse a placement: "any", or "A,B" (client on CPU A, server on CPU B),
 * both CPUs this process may run on.  Returns 0 or -1. */
int cli_placement(const char *s, struct placement *p, char *err, size_t errlen);

/* The default placement: the first two CPUs this process may run on, or
 * "any" when it may run on only one. */
struct placement cli_default_placement(void);

#endif
