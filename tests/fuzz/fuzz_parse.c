/* fuzz_parse.c - parse_uint and parse_size (lib/parse.c): every option
 * value that is a number or a size goes through them.
 *
 * Besides no crash and no undefined behaviour: a value they take is in
 * the range asked for, and a whole number is all digits.
 */
#include <ctype.h>
#include <errno.h>

#include "fuzz.h"
#include "parse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long ranges[][2] = {
		{0, 0}, {0, 60000}, {1, 1000000}, {1, 65535}, {0, ~0UL},
	};
	char *s = fuzz_string(data, size);

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		unsigned long lo = ranges[i][0], hi = ranges[i][1], v = 0;
		size_t z = 0;

		if (parse_uint(s, lo, hi, &v) == 0) {
			FUZZ_CHECK(v >= lo && v <= hi, s);
			for (const char *c = s; *c != '\0'; c++)
				FUZZ_CHECK(isdigit((unsigned char)*c), s);
		} else {
			FUZZ_CHECK(errno == EINVAL || errno == ERANGE, s);
		}
		if (parse_size(s, lo, hi, &z) == 0)
			FUZZ_CHECK(z >= lo && z <= hi && s[0] != '\0', s);
		else
			FUZZ_CHECK(errno == EINVAL || errno == ERANGE, s);
	}
	free(s);
	return 0;
}
