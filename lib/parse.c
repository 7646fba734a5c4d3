/* parse.c - numbers and sizes: see parse.h. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Read the leading digits of s into *val; *end points past them.
 * Returns 0, or -1 with errno EINVAL (no digits, a sign) or ERANGE. */
static int
parse_digits(const char *s, unsigned long long *val, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)s[0])) { /* rejects "", " 1", "-1", "+1" */
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	*val = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -1;
	*end = e;
	return 0;
}

static int
check_range(unsigned long long v, unsigned long long min,
	    unsigned long long max)
{
	if (v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

int
parse_uint(const char *s, unsigned long min, unsigned long max,
	   unsigned long *out)
{
	unsigned long long v;
	const char *end;

	if (parse_digits(s, &v, &end) == -1)
		return -1;
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (check_range(v, min, max) == -1)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

/* The multiplier a unit suffix ("", "B", "K", "KB", "KiB", "M", ...)
 * stands for, or 0 if it is not one. */
static unsigned long long
unit_scale(const char *u)
{
	static const char letters[] = "KMG";
	const char *p = strchr(letters, toupper((unsigned char)u[0]));
	unsigned long long scale = 1;

	if (u[0] != '\0' && p != NULL) {
		scale = 1ULL << (10 * (p - letters + 1));
		u++;
		if (strcmp(u, "iB") == 0)
			return scale;
	}
	if (strcmp(u, "") == 0 || strcmp(u, "B") == 0)
		return scale;
	return 0;
}

int
parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	unsigned long long v, scale;
	const char *end;

	if (parse_digits(s, &v, &end) == -1)
		return -1;
	scale = unit_scale(end);
	if (scale == 0) {
		errno = EINVAL;
		return -1;
	}
	if (v > SIZE_MAX / scale) {
		errno = ERANGE;
		return -1;
	}
	if (check_range(v * scale, min, max) == -1)
		return -1;
	*out = (size_t)(v * scale);
	return 0;
}
