/* test_rungs.c - every mechanism's folder holds the three rungs.
 *
 * A learner climbs from what people write first to what survives real use
 * (docs/README.md).  For each folder this holds:
 * - broken: at least one <mech>_broken_*.c;
 * - minimal: at least one <mech>_minimal*.c, each at most 80 lines, with
 *   no #include "..." (plain libc: nothing of lib/ or the folder), which
 *   builds on its own with `cc -Wall -Wextra -Werror FILE.c`, as a learner
 *   who copied it would build it;
 * - make run-<mech> runs a minimal program before any other.
 *
 * The programs themselves are run and checked in test_<mech>.c.
 * Run from the top of the tree (make test does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *const mechs[] = {"shm",  "sem",    "msgq",  "pipe",
				    "fifo", "signal", "socket"};

/* Run script in the top directory; out holds what it printed. */
static int
run(const char *script, char *out, size_t size)
{
	return sh_run(".", script, out, size);
}

static void
test_every_folder_has_a_broken_program(void **state)
{
	char script[256], out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		snprintf(script, sizeof(script), "ls %s/%s_broken_*.c", mechs[i],
			 mechs[i]);
		if (run(script, out, sizeof(out)) != 0)
			fail_msg("%s/ has no %s_broken_*.c: %s", mechs[i],
				 mechs[i], out);
	}
}

/* For each minimal program: its line count, then whether it includes a
 * local header, then whether it builds alone; one line per file. */
static void
test_every_folder_has_a_small_plain_minimal_program(void **state)
{
	char script[1024], out[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		const char *m = mechs[i];

		snprintf(script, sizeof(script),
			 "set -e; d=$(mktemp -d); trap \"rm -rf $d\" EXIT; "
			 "ls %s/%s_minimal*.c >/dev/null; "
			 "for f in %s/%s_minimal*.c; do "
			 "n=$(wc -l <$f); "
			 "if [ $n -gt 80 ]; then echo \"$f: $n lines, over 80\"; exit 1; fi; "
			 "if grep -n \"^#[[:space:]]*include[[:space:]]*\\\"\" $f; then "
			 "echo \"$f: includes a local header\"; exit 1; fi; "
			 "${CC:-cc} -Wall -Wextra -Werror -o $d/a.out $f -lrt -pthread || "
			 "{ echo \"$f: does not build alone\"; exit 1; }; "
			 "echo \"$f: $n lines, builds alone\"; done",
			 m, m, m, m);
		if (run(script, out, sizeof(out)) != 0)
			fail_msg("%s/: minimal rung: %s", m, out);
		print_message("%s", out);
	}
}

/* The first of the folder's programs that run-<mech> names is minimal. */
static void
test_run_target_starts_with_the_minimal_rung(void **state)
{
	char script[512], out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		const char *m = mechs[i];

		snprintf(script, sizeof(script),
			 "grep -o \"(BIN)/%s_[a-z_]*\" %s/%s.mk | head -n 1 | "
			 "grep _minimal",
			 m, m, m);
		if (run(script, out, sizeof(out)) != 0)
			fail_msg("make run-%s does not start with a %s_minimal "
				 "program (%s/%s.mk)",
				 m, m, m, m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_folder_has_a_broken_program),
		cmocka_unit_test(test_every_folder_has_a_small_plain_minimal_program),
		cmocka_unit_test(test_run_target_starts_with_the_minimal_rung),
	};

	if (access("shm/shm.mk", R_OK)) {
		fprintf(stderr, "test_rungs: run it from the top of the tree\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
