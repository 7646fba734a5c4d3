/* test_opts.c - unit tests of lib/opts: the size options of
 * opts_parse_sized().  (The shared -N -n -i -t -h are exercised through
 * the demos, in each mechanism's bad-arguments test.)
 *
 *   make build/bin/test_opts && build/bin/test_opts
 *
 * A bad option makes opts_parse exit 2, so each bad case runs in a child.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "opts.h"

#define TIMEOUT_MS 10000

static const char usage[] = "usage: test [-s SIZE] [-d DEPTH]\n";

/* Parse argv (NULL-terminated, argv[0] included) as a program taking
 * accepts would. */
static void
parse(struct demo_opts *o, struct size_opts *s, const char *accepts,
      char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	optind = 0; /* glibc: start afresh, as in a new process */
	opts_parse_sized(o, s, accepts, usage, argc, argv);
}

static void
sizes_are_parsed_with_units(void **state)
{
	struct demo_opts o = {"x", 10, 100, 10};
	struct size_opts s = {64, 10};
	char *argv[] = {"test", "-s", "4K", "-d", "3", "-n", "7", NULL};
	char *none[] = {"test", NULL};

	(void)state;
	parse(&o, &s, "Nnitsd", argv);
	assert_int_equal(s.size, 4096);
	assert_int_equal(s.depth, 3);
	assert_int_equal(o.count, 7);
	parse(&o, &s, "Nnitsd", none); /* defaults stay */
	assert_int_equal(s.size, 4096);
	assert_int_equal(s.depth, 3);
}

/* Run the parse in a child; return its exit code (0 if it returned). */
static int
parse_code(const char *accepts, int sized, char **argv)
{
	struct demo_opts o = {"x", 10, 100, 10};
	struct size_opts s = {64, 10};
	struct kid k = KID_NONE;
	int status;

	fflush(NULL);
	k.pid = fork();
	assert_true(k.pid != -1);
	if (k.pid == 0) {
		/* Its complaints are expected: keep them off the test log. */
		if (freopen("/dev/null", "w", stderr) == NULL ||
		    freopen("/dev/null", "w", stdout) == NULL)
			_exit(99);
		parse(&o, sized ? &s : NULL, accepts, argv);
		_exit(0);
	}
	status = kid_reap(&k, TIMEOUT_MS);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
bad_sizes_are_usage_errors(void **state)
{
	char *zero[] = {"test", "-s", "0", NULL};
	char *unit[] = {"test", "-s", "4X", NULL};
	char *huge[] = {"test", "-s", "2G", NULL};
	char *depth0[] = {"test", "-d", "0", NULL};
	char *good[] = {"test", "-s", "1G", "-d", "1", NULL};

	(void)state;
	assert_int_equal(parse_code("sd", 1, zero), 2);
	assert_int_equal(parse_code("sd", 1, unit), 2);
	assert_int_equal(parse_code("sd", 1, huge), 2);
	assert_int_equal(parse_code("sd", 1, depth0), 2);
	assert_int_equal(parse_code("sd", 1, good), 0);
}

/* A program that does not take them refuses them as usage errors. */
static void
size_options_are_refused_where_not_accepted(void **state)
{
	char *size[] = {"test", "-s", "64", NULL};
	char *depth[] = {"test", "-d", "2", NULL};

	(void)state;
	assert_int_equal(parse_code("Nnit", 1, size), 2);
	assert_int_equal(parse_code("Nnit", 1, depth), 2);
	assert_int_equal(parse_code("Nnitsd", 0, size), 2); /* no size_opts */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_are_parsed_with_units),
		cmocka_unit_test(bad_sizes_are_usage_errors),
		cmocka_unit_test(size_options_are_refused_where_not_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
