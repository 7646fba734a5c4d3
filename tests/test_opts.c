/* test_opts.c - unit tests of lib/opts: opts_parse_more(), the parser of
 * the demos that have options of their own.  (Its error paths exit 2;
 * the demos' tests check those, as a learner meets them.) */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "opts.h"

static const char usage[] = "usage: test\n";
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

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_more_shared_and_own_options),
		cmocka_unit_test(test_parse_is_parse_more_with_nothing_more),
	};

	return cmocka_run_group_tests_name("opts", tests, NULL, NULL) != 0;
}
