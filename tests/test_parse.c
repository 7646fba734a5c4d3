/* test_parse.c - unit tests of lib/parse: parse_uint() and parse_size().
 *
 *   make build/bin/test_parse && build/bin/test_parse
 *
 * Each case names its input in the failure message, so a red line says
 * which string was parsed wrongly and what came back.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "harness.h"
#include "parse.h"

/* parse_uint(s, min, max) must succeed with value want. */
static void
uint_ok(const char *s, unsigned long min, unsigned long max, unsigned long want)
{
	unsigned long v = 12345;
	int rc;

	errno = 0;
	rc = parse_uint(s, min, max, &v);
	if (rc != 0 || v != want)
		fail_msg("parse_uint(\"%s\", %lu, %lu): rc %d (%s), value %lu; "
			 "want 0 and %lu",
			 s, min, max, rc, errno_name(errno), v, want);
}

/* parse_uint(s, min, max) must fail with errno err. */
static void
uint_bad(const char *s, unsigned long min, unsigned long max, int err)
{
	unsigned long v = 12345;
	int rc;

	errno = 0;
	rc = parse_uint(s, min, max, &v);
	if (rc != -1 || errno != err)
		fail_msg("parse_uint(\"%s\", %lu, %lu): rc %d errno %s, value "
			 "%lu; want -1 and %s",
			 s, min, max, rc, errno_name(errno), v,
			 errno_name(err));
}

static void
size_ok(const char *s, size_t min, size_t max, size_t want)
{
	size_t v = 12345;
	int rc;

	errno = 0;
	rc = parse_size(s, min, max, &v);
	if (rc != 0 || v != want)
		fail_msg("parse_size(\"%s\", %zu, %zu): rc %d (%s), value %zu; "
			 "want 0 and %zu",
			 s, min, max, rc, errno_name(errno), v, want);
}

static void
size_bad(const char *s, size_t min, size_t max, int err)
{
	size_t v = 12345;
	int rc;

	errno = 0;
	rc = parse_size(s, min, max, &v);
	if (rc != -1 || errno != err)
		fail_msg("parse_size(\"%s\", %zu, %zu): rc %d errno %s, value "
			 "%zu; want -1 and %s",
			 s, min, max, rc, errno_name(errno), v,
			 errno_name(err));
}

/* ---- parse_uint -------------------------------------------------------- */

static void
parse_uint_accepts_zero(void **state)
{
	(void)state;
	uint_ok("0", 0, 10, 0);
	uint_ok("0", 0, 0, 0);
	uint_ok("00", 0, 10, 0);
}

static void
parse_uint_bounds_are_inclusive(void **state)
{
	(void)state;
	uint_ok("5", 5, 10, 5);
	uint_ok("10", 5, 10, 10);
	uint_ok("7", 5, 10, 7);
	uint_ok("42", 42, 42, 42);
}

static void
parse_uint_just_outside_bounds_is_erange(void **state)
{
	(void)state;
	uint_bad("4", 5, 10, ERANGE);
	uint_bad("11", 5, 10, ERANGE);
	uint_bad("0", 1, 10, ERANGE);
	uint_bad("41", 42, 42, ERANGE);
	uint_bad("43", 42, 42, ERANGE);
}

static void
parse_uint_accepts_ulong_max(void **state)
{
	char max[32];

	(void)state;
	snprintf(max, sizeof(max), "%lu", ULONG_MAX);
	uint_ok(max, 0, ULONG_MAX, ULONG_MAX);
	uint_bad(max, 0, ULONG_MAX - 1, ERANGE);
}

static void
parse_uint_overflow_is_erange(void **state)
{
	char huge[201];

	(void)state;
	if (ULONG_MAX != UINT64_MAX)
		skip(); /* the strings below are 2^64 and beyond */
	uint_bad("18446744073709551616", 0, ULONG_MAX, ERANGE);
	uint_bad("99999999999999999999999999999", 0, ULONG_MAX, ERANGE);
	memset(huge, '9', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	uint_bad(huge, 0, ULONG_MAX, ERANGE);
}

static void
parse_uint_rejects_non_numbers_with_einval(void **state)
{
	static const char *const bad[] = {
		"",	 " 1",	"1 ",  "\t1",  "1\n", "-1",    "+1",	"-0",
		"12abc", "1.5", "abc", "0x10", "1e3", "1,000", "1_000", "x1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		uint_bad(bad[i], 0, ULONG_MAX, EINVAL);
}

/* strtoul with base 0 would read "010" as 8 and "0x10" as 16. */
static void
parse_uint_is_always_decimal(void **state)
{
	(void)state;
	uint_ok("010", 0, 100, 10);
	uint_ok("007", 0, 100, 7);
}

/* ---- parse_size -------------------------------------------------------- */

static void
parse_size_accepts_plain_bytes(void **state)
{
	(void)state;
	size_ok("0", 0, SIZE_MAX, 0);
	size_ok("64", 0, SIZE_MAX, 64);
	size_ok("64B", 0, SIZE_MAX, 64);
	size_ok("0K", 0, SIZE_MAX, 0);
	size_ok("0G", 0, SIZE_MAX, 0);
}

static void
parse_size_suffixes_are_powers_of_1024(void **state)
{
	(void)state;
	size_ok("4K", 0, SIZE_MAX, 4096);
	size_ok("4k", 0, SIZE_MAX, 4096);
	size_ok("4KB", 0, SIZE_MAX, 4096);
	size_ok("4KiB", 0, SIZE_MAX, 4096);
	size_ok("4kiB", 0, SIZE_MAX, 4096);
	size_ok("1M", 0, SIZE_MAX, 1048576);
	size_ok("1m", 0, SIZE_MAX, 1048576);
	size_ok("1MB", 0, SIZE_MAX, 1048576);
	size_ok("1MiB", 0, SIZE_MAX, 1048576);
	size_ok("2G", 0, SIZE_MAX, 2147483648u);
	size_ok("2g", 0, SIZE_MAX, 2147483648u);
	size_ok("2GiB", 0, SIZE_MAX, 2147483648u);
	size_ok("3K", 0, SIZE_MAX, 3072);
}

/* parse.h allows a trailing "B" or "iB" after K, M or G, nothing else: a
 * lowercase "b" would mean bits, "KK" and unknown units are typos. */
static void
parse_size_rejects_bad_suffixes_with_einval(void **state)
{
	static const char *const bad[] = {
		"4KK",	"4Kb", "4kb",  "4KIB", "4Kib", "4Ki",	"4KiB ", "4K ",
		"4 K",	"4T",  "4P",   "4b",   "4iB",  "4BB",	"4KBB",	 "4K4",
		"4KB4", "4x",  "K",    "B",    "iB",   "1.5K",	"-4K",	 "+4K",
		" 4K",	"",    "4BiB", "4MK",  "4GG",  "0x10K",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		size_bad(bad[i], 0, SIZE_MAX, EINVAL);
}

/* The range applies to the scaled value. */
static void
parse_size_bounds_are_inclusive_after_scaling(void **state)
{
	(void)state;
	size_ok("4K", 0, 4096, 4096);
	size_ok("4K", 4096, 4096, 4096);
	size_bad("4K", 0, 4095, ERANGE);
	size_bad("4K", 4097, SIZE_MAX, ERANGE);
	size_bad("1M", 1, 1048575, ERANGE);
	size_ok("1M", 1, 1048576, 1048576);
	size_bad("0", 1, 10, ERANGE);
	size_bad("11", 1, 10, ERANGE);
	size_ok("1", 1, 10, 1);
	size_ok("10", 1, 10, 10);
}

static void
parse_size_overflow_is_erange(void **state)
{
	char huge[201];

	(void)state;
	if (SIZE_MAX != UINT64_MAX)
		skip(); /* the strings below are about 2^64 */
	size_ok("18446744073709551615", 0, SIZE_MAX, SIZE_MAX);
	size_bad("18446744073709551616", 0, SIZE_MAX, ERANGE);
	size_bad("18446744073709551616B", 0, SIZE_MAX, ERANGE);
	/* 2^34 - 1 gibibytes fits, 2^34 is 2^64 */
	size_ok("17179869183G", 0, SIZE_MAX, SIZE_MAX - (1ULL << 30) + 1);
	size_bad("17179869184G", 0, SIZE_MAX, ERANGE);
	size_ok("18014398509481983K", 0, SIZE_MAX, SIZE_MAX - 1023);
	size_bad("18014398509481984K", 0, SIZE_MAX, ERANGE);
	size_bad("17592186044416M", 0, SIZE_MAX, ERANGE);
	size_bad("99999999999999999999999G", 0, SIZE_MAX, ERANGE);
	memset(huge, '9', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	size_bad(huge, 0, SIZE_MAX, ERANGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_uint_accepts_zero),
		cmocka_unit_test(parse_uint_bounds_are_inclusive),
		cmocka_unit_test(parse_uint_just_outside_bounds_is_erange),
		cmocka_unit_test(parse_uint_accepts_ulong_max),
		cmocka_unit_test(parse_uint_overflow_is_erange),
		cmocka_unit_test(parse_uint_rejects_non_numbers_with_einval),
		cmocka_unit_test(parse_uint_is_always_decimal),
		cmocka_unit_test(parse_size_accepts_plain_bytes),
		cmocka_unit_test(parse_size_suffixes_are_powers_of_1024),
		cmocka_unit_test(parse_size_rejects_bad_suffixes_with_einval),
		cmocka_unit_test(parse_size_bounds_are_inclusive_after_scaling),
		cmocka_unit_test(parse_size_overflow_is_erange),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
