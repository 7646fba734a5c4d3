/* err.c - error reporting: see err.h. */
#define _GNU_SOURCE /* program_invocation_short_name, strerrorname_np */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *
prog_name(void)
{
	return program_invocation_short_name;
}

const char *
errno_name(int err)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	const char *name = strerrorname_np(err);

	if (name != NULL)
		return name;
#else
	(void)err;
#endif
	return "E?";
}

static void
report(int err, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err != 0)
		fprintf(stderr, "%s: %s: %s (%s)\n", prog_name(), msg,
			strerror(err), errno_name(err));
	else
		fprintf(stderr, "%s: %s\n", prog_name(), msg);
}

void
die_errno(const char *fmt, ...)
{
	int err = errno; /* fprintf below may change errno */
	va_list ap;

	va_start(ap, fmt);
	report(err, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(0, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

void
warn_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	report(err, fmt, ap);
	va_end(ap);
	errno = err;
}

void
warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(0, fmt, ap);
	va_end(ap);
}
