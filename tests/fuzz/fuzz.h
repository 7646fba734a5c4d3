/* fuzz.h - what the libFuzzer targets share (make fuzz).
 *
 * libFuzzer hands each target bytes that are not a C string; the parsers
 * take C strings, as argv gives them.  fuzz_string() copies the bytes up
 * to the first NUL, so that every input is one possible argument.  An
 * invariant that does not hold calls abort(), which libFuzzer reports as
 * a crash, with the input saved.
 */
#ifndef IPCLAB_FUZZ_H
#define IPCLAB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'ed NUL-terminated copy of data, cut at its first NUL. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Abort, saying which invariant failed for which input. */
#define FUZZ_CHECK(cond, s)                                                    \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: %s, for \"%s\"\n", __FILE__,   \
				__LINE__, #cond, (s));                         \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
