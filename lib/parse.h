/* parse.h - numbers and sizes from the command line, range-checked.
 *
 * strtoul(3) alone accepts "", "12abc", "-1" (as a huge number) and
 * overflows silently; these reject all of that.
 */
#ifndef IPCLAB_PARSE_H
#define IPCLAB_PARSE_H

#include <stddef.h>

/* Parse a decimal whole number in [min, max] into *out.  Returns 0, or -1
 * with errno EINVAL (not a number) or ERANGE (outside the range). */
int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out);

/* Parse a size such as "64", "4K", "1M", "2G" (powers of 1024; a trailing
 * "B" or "iB" is allowed: "4KiB") in [min, max] into *out.  Returns 0, or
 * -1 with errno EINVAL or ERANGE, as parse_uint. */
int parse_size(const char *s, size_t min, size_t max, size_t *out);

#endif
