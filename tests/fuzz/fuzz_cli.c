/* fuzz_cli.c - ipcbench's lists (bench/cli.c): -m transports, -s sizes
 * and --cpus placements.
 *
 * A list they take gives 1 to max items: sizes ascending, without
 * repeats, from 1 to CLI_SIZE_LIMIT; transports each once; a placement
 * "any" or two CPUs this process may use.  A list they refuse says why.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_ISSET */
#include <sched.h>

#include "cli.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct transport *mechs[CLI_MECHS_MAX];
	size_t sizes[CLI_SIZES_MAX];
	struct placement p;
	char *s = fuzz_string(data, size), err[256];
	int n;

	err[0] = '\0';
	n = cli_sizes(s, sizes, CLI_SIZES_MAX, err, sizeof(err));
	FUZZ_CHECK(n <= CLI_SIZES_MAX, s);
	if (n == -1)
		FUZZ_CHECK(err[0] != '\0', s);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(sizes[i] >= 1 && sizes[i] <= CLI_SIZE_LIMIT, s);
		FUZZ_CHECK(i == 0 || sizes[i - 1] < sizes[i], s);
	}

	err[0] = '\0';
	n = cli_mechs(s, mechs, CLI_MECHS_MAX, err, sizeof(err));
	FUZZ_CHECK(n <= CLI_MECHS_MAX, s);
	if (n == -1)
		FUZZ_CHECK(err[0] != '\0', s);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			FUZZ_CHECK(mechs[i] != mechs[j], s);

	err[0] = '\0';
	if (cli_placement(s, &p, err, sizeof(err)) == 0) {
		cpu_set_t set;

		FUZZ_CHECK((p.a < 0 && p.b < 0) || (p.a >= 0 && p.b >= 0), s);
		if (p.a >= 0 && sched_getaffinity(0, sizeof(set), &set) == 0)
			FUZZ_CHECK(CPU_ISSET(p.a, &set) && CPU_ISSET(p.b, &set),
				   s);
	} else {
		FUZZ_CHECK(err[0] != '\0', s);
	}
	free(s);
	return 0;
}
