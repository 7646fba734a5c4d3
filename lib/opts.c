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

void
opts_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	exit(2);
}

void
opts_number(int opt, const char *val, unsigned long min, unsigned long max,
	    unsigned long *out, const char *usage)
{
	if (parse_uint(val, min, max, out) == -1)
		opts_usage_error(
			usage,
			"-%c: '%s' is not a whole number from %lu to %lu", opt,
			val, min, max);
}

static void
number(int opt, unsigned long min, unsigned long max, unsigned long *out,
       const char *usage)
{
	opts_number(opt, optarg, min, max, out, usage);
}

void
opts_parse(struct demo_opts *o, const char *accepts, const char *usage,
	   int argc, char **argv)
{
	opts_parse_more(o, accepts, "", NULL, usage, argc, argv);
}

void
opts_parse_more(struct demo_opts *o, const char *accepts, const char *extra,
		void (*other)(int opt, char *val), const char *usage, int argc,
		char **argv)
{
	char optstring[64] = ":h"; /* leading ':' reports a missing value */
	int c;

	for (size_t i = 0; accepts[i] != '\0' && i < 8; i++) {
		size_t n = strlen(optstring);

		optstring[n] = accepts[i]; /* each option takes a value */
		optstring[n + 1] = ':';
		optstring[n + 2] = '\0';
	}
	if (strlen(optstring) + strlen(extra) < sizeof(optstring))
		strcat(optstring, extra);
	while ((c = getopt(argc, argv, optstring)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'N':
			if (names_check(optarg) == -1)
				opts_usage_error(
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
		case ':':
			opts_usage_error(usage, "-%c: needs a value", optopt);
		case '?':
			opts_usage_error(usage, "-%c: unknown option", optopt);
		default: /* one of extra's, or of accepts beyond N n i t */
			if (other == NULL)
				opts_usage_error(usage, "-%c: unknown option",
						 c);
			other(c, optarg);
			break;
		}
	}
	if (optind < argc)
		opts_usage_error(usage, "'%s': unexpected argument",
				 argv[optind]);
}

/* opts_parse_sized()'s -s and -d, handed over by opts_parse_more(). */
static struct size_opts *sized;
static const char *sized_usage;

static void
sized_option(int opt, char *val)
{
	if (sized == NULL) /* accepts has them, but the program has no s */
		opts_usage_error(sized_usage, "-%c: not an option here", opt);
	if (opt == 's') {
		if (parse_size(val, 1, OPTS_SIZE_MAX, &sized->size) == -1)
			opts_usage_error(sized_usage,
					 "-s: '%s' is not a size from 1 to 1G "
					 "(such as 64, 4K, 1M)",
					 val);
	} else if (opt == 'd') {
		opts_number(opt, val, 1, OPTS_DEPTH_MAX, &sized->depth,
			    sized_usage);
	} else {
		opts_usage_error(sized_usage, "-%c: unknown option", opt);
	}
}

void
opts_parse_sized(struct demo_opts *o, struct size_opts *s, const char *accepts,
		 const char *usage, int argc, char **argv)
{
	sized = s;
	sized_usage = usage;
	opts_parse_more(o, accepts, "", sized_option, usage, argc, argv);
}
