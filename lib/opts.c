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

/* -s SIZE or -d DEPTH into s. */
static void
sized_option(struct size_opts *s, int opt, const char *val, const char *usage)
{
	if (opt == 's') {
		if (parse_size(val, 1, OPTS_SIZE_MAX, &s->size) == -1)
			opts_usage_error(usage,
					 "-s: '%s' is not a size from 1 to 1G "
					 "(such as 64, 4K, 1M)",
					 val);
	} else {
		opts_number(opt, val, 1, OPTS_DEPTH_MAX, &s->depth, usage);
	}
}

/* The one parser behind opts_parse(), opts_parse_more() and
 * opts_parse_sized(): s is NULL unless -s and -d are ours to parse. */
static void
parse(struct demo_opts *o, struct size_opts *s, const char *accepts,
      const char *extra, void (*other)(int opt, char *val), const char *usage,
      int argc, char **argv)
{
	char optstring[64] = ":h"; /* leading ':' reports a missing value */
	size_t n = strlen(optstring);
	int c;

	/* Each of accepts takes a value; extra is in getopt's own form.  A
	 * table that does not fit is the program's bug: say so, never drop
	 * an option. */
	if (n + 2 * strlen(accepts) + strlen(extra) >= sizeof(optstring)) {
		fprintf(stderr, "%s: opts: too many options (%s, %s)\n",
			prog_name(), accepts, extra);
		abort();
	}
	for (size_t i = 0; accepts[i] != '\0'; i++) {
		optstring[n++] = accepts[i];
		optstring[n++] = ':';
	}
	optstring[n] = '\0';
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
		case 's':
		case 'd':
			if (s != NULL) {
				sized_option(s, c, optarg, usage);
				break;
			}
			/* not ours to parse: perhaps the program's */
			/* fall through */
		default: /* one of extra's, or of accepts beyond N n i t */
			if (c == ':')
				opts_usage_error(usage, "-%c: needs a value",
						 optopt);
			if (c == '?' || other == NULL)
				opts_usage_error(usage, "-%c: unknown option",
						 c == '?' ? optopt : c);
			other(c, optarg);
			break;
		}
	}
	if (optind < argc)
		opts_usage_error(usage, "'%s': unexpected argument",
				 argv[optind]);
}

void
opts_parse(struct demo_opts *o, const char *accepts, const char *usage,
	   int argc, char **argv)
{
	parse(o, NULL, accepts, "", NULL, usage, argc, argv);
}

void
opts_parse_more(struct demo_opts *o, const char *accepts, const char *extra,
		void (*other)(int opt, char *val), const char *usage, int argc,
		char **argv)
{
	parse(o, NULL, accepts, extra, other, usage, argc, argv);
}

void
opts_parse_sized(struct demo_opts *o, struct size_opts *s, const char *accepts,
		 const char *usage, int argc, char **argv)
{
	parse(o, s, accepts, "", NULL, usage, argc, argv);
}
