/* test_opts.c - unit tests of lib/opts: opts_parse_more(), the parser of
 * the demos that have options of their own, and the size options of
 * opts_parse_sized().  (The shared -N -n -i -t -h are exercised through
 * the demos, in each mechanism's bad-arguments test.)
 *
 * A bad option makes opts_parse exit 2, so each bad case runs in a child.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static char seen[16];
static const char *k_value;

/* Record the option letters handed to us, and -k's value. */
static void
other(int opt, char *val)
{
	size_t n = strlen(seen);

	if (n + 1 < sizeof(seen))
		seen[n] = (char)opt;
	if (opt == 'k')
		k_value = val;
}

static void
test_parse_more_shared_and_own_options(void **state)
{
	char *argv[] = {"test", "-n",  "5",  "-k", "3", "-a",
			"-N",	"x.y", "-t", "7",  NULL};
	struct demo_opts o = {"def", 1, 2, 3};

	(void)state;
	optind = 1;
	memset(seen, 0, sizeof(seen));
	opts_parse_more(&o, "Nnit", "k:a", other, usage, 10, argv);
	assert_int_equal(o.count, 5);
	assert_int_equal(o.interval_ms, 2); /* not given: the default */
	assert_int_equal(o.timeout_s, 7);
	assert_string_equal(o.name, "x.y");
	assert_string_equal(seen, "ka"); /* ours only, in order */
	assert_string_equal(k_value, "3");
}

static void
test_parse_is_parse_more_with_nothing_more(void **state)
{
	char *argv[] = {"test", "-i", "0", NULL};
	struct demo_opts o = {"def", 1, 2, 3};

	(void)state;
	optind = 1;
	opts_parse(&o, "Nnit", usage, 3, argv);
	assert_int_equal(o.interval_ms, 0);
	assert_int_equal(o.count, 1);
}

/* More options than the parser's table holds are the program's bug: it
 * stops with SIGABRT, instead of dropping the ones past the end (which
 * would then be refused as unknown, exit 2). */
static void
an_option_table_too_long_is_never_cut_short(void **state)
{
	char *argv[] = {"test", "-z", "1", NULL};
	struct demo_opts o = {"x", 10, 100, 10};
	struct kid k = KID_NONE;
	int status;

	(void)state;
	fflush(NULL);
	k.pid = fork();
	assert_true(k.pid != -1);
	if (k.pid == 0) {
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(99);
		optind = 1;
		opts_parse_more(&o, "Nnit",
				"a:b:c:d:e:f:g:j:k:l:m:o:p:q:r:s:u:v:w:x:y:z:"
				"A:B:C:D:E:F:",
				other, usage, 3, argv);
		_exit(0);
	}
	status = kid_reap(&k, TIMEOUT_MS);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_more_shared_and_own_options),
		cmocka_unit_test(test_parse_is_parse_more_with_nothing_more),
		cmocka_unit_test(sizes_are_parsed_with_units),
		cmocka_unit_test(bad_sizes_are_usage_errors),
		cmocka_unit_test(size_options_are_refused_where_not_accepted),
		cmocka_unit_test(an_option_table_too_long_is_never_cut_short),
	};

	return cmocka_run_group_tests_name("opts", tests, NULL, NULL) != 0;
}
