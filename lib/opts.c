/* opts.c - demo options: see opts.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "names.h"
#include "opts.h"
#include "parse.h"

static _Noreturn void usage_error(const char *usage, const char *fmt, ...)
	IPCLAB_PRINTF(2, 3);

/* Say what is wrong and how to call us, and exit 2: a usage error. */
static void
usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	exit(2);
}

static void
number(int opt, unsigned long min, unsigned long max, unsigned long *out,
       const char *usage)
{
	if (parse_uint(optarg, min, max, out) == -1)
		usage_error(usage,
			    "-%c: '%s' is not a whole number from %lu to %lu",
			    opt, optarg, min, max);
}

void
opts_parse(struct demo_opts *o, const char *accepts, const char *usage,
	   int argc, char **argv)
{
	opts_parse_sized(o, NULL, accepts, usage, argc, argv);
}

void
opts_parse_sized(struct demo_opts *o, struct size_opts *s, const char *accepts,
		 const char *usage, int argc, char **argv)
{
	char optstring[32] = ":h"; /* leading ':' reports a missing value */
	int c;

	for (size_t i = 0; accepts[i] != '\0' && i < 8; i++) {
		size_t n = strlen(optstring);

		optstring[n] = accepts[i]; /* each option takes a value */
		optstring[n + 1] = ':';
		optstring[n + 2] = '\0';
	}
	while ((c = getopt(argc, argv, optstring)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'N':
			if (names_check(optarg) == -1)
				usage_error(
					usage,
					"-N: '%s' is not a name (1 to %d of "
					"A-Z a-z 0-9 . _ -)",
					optarg, NAMES_SHORT_MAX);
			o->name = optarg;
			break;
		case 'n':
			number(c, 1, OPTS_COUNT_MAX, &o->count, usage);
			break;
		case 'i':
			number(c, 0, OPTS_INTERVAL_MAX, &o->interval_ms, usage);
			break;
		case 't':
			number(c, 1, OPTS_TIMEOUT_MAX, &o->timeout_s, usage);
			break;
		case 's':
			if (s == NULL) /* not for us: a program's mistake */
				usage_error(usage, "-s: not an option here");
			if (parse_size(optarg, 1, OPTS_SIZE_MAX, &s->size) ==
			    -1)
				usage_error(usage,
					    "-s: '%s' is not a size from 1 to "
					    "1G (such as 64, 4K, 1M)",
					    optarg);
			break;
		case 'd':
			if (s == NULL)
				usage_error(usage, "-d: not an option here");
			number(c, 1, OPTS_DEPTH_MAX, &s->depth, usage);
			break;
		case ':':
			usage_error(usage, "-%c: needs a value", optopt);
		default:
			usage_error(usage, "-%c: unknown option", optopt);
		}
	}
	if (optind < argc)
		usage_error(usage, "'%s': unexpected argument", argv[optind]);
}
