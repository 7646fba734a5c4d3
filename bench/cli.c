/* cli.c - option lists: see cli.h. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_ISSET */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"

/* The next comma-separated item of *list into item (room for len), or 0
 * at the end; an empty item is an error. */
static int
next_item(const char **list, char *item, size_t len, char *err, size_t errlen)
{
	const char *s = *list, *comma;
	size_t n;

	if (s == NULL)
		return 0;
	comma = strchr(s, ',');
	n = comma != NULL ? (size_t)(comma - s) : strlen(s);
	if (n == 0 || n >= len) {
		snprintf(err, errlen, "%s item in the list",
			 n == 0 ? "an empty" : "too long an");
		return -1;
	}
	memcpy(item, s, n);
	item[n] = '\0';
	*list = comma != NULL ? comma + 1 : NULL;
	return 1;
}

int
cli_mechs(const char *list, const struct transport **out, size_t max, char *err,
	  size_t errlen)
{
	char item[64];
	size_t n = 0;
	int rc;

	if (strcmp(list, "all") == 0) {
		for (n = 0; n < transports_count && n < max; n++)
			out[n] = transports[n];
		return (int)n;
	}
	while ((rc = next_item(&list, item, sizeof(item), err, errlen)) == 1) {
		const struct transport *t = transport_find(item);
		size_t i;

		if (t == NULL) {
			snprintf(err, errlen,
				 "no transport called \"%s\" (ipcbench --list "
				 "shows them)",
				 item);
			return -1;
		}
		for (i = 0; i < n && out[i] != t; i++)
			;
		if (i < n)
			continue; /* named twice: measured once */
		if (n == max) {
			snprintf(err, errlen, "too many transports");
			return -1;
		}
		out[n++] = t;
	}
	return rc == -1 ? -1 : (int)n;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

int
cli_sizes(const char *list, size_t *out, size_t max, char *err, size_t errlen)
{
	char item[64];
	size_t n = 0, kept = 0;
	int rc;

	while ((rc = next_item(&list, item, sizeof(item), err, errlen)) == 1) {
		size_t v;

		/* From 1: a byte stream has no way to carry an empty
		 * message (a notification transport is measured at its own
		 * size 0 anyway). */
		if (parse_size(item, 1, CLI_SIZE_LIMIT, &v) == -1) {
			snprintf(err, errlen,
				 "\"%s\" is not a size from 1 to 64M (such as "
				 "64, 4K, 1M)",
				 item);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "more than %zu sizes", max);
			return -1;
		}
		out[n++] = v;
	}
	if (rc == -1)
		return -1;
	qsort(out, n, sizeof(*out), cmp_size);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || out[i] != out[kept - 1])
			out[kept++] = out[i];
	return (int)kept;
}

int
cli_duration(const char *s, unsigned long long *ns)
{
	static const struct {
		const char *unit;
		unsigned long long ns;
	} units[] = {
		{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	size_t digits = strspn(s, "0123456789");
	unsigned long long v = 0;

	/* A bare number would be read as nanoseconds by one reader and as
	 * microseconds by the next: only 0 goes without a unit. */
	if (digits == 0 || digits > 10)
		return -1;
	for (size_t i = 0; i < digits; i++)
		v = v * 10 + (unsigned long long)(s[i] - '0');
	if (s[digits] == '\0') {
		*ns = 0;
		return v == 0 ? 0 : -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s + digits, units[i].unit) != 0)
			continue;
		if (v > CLI_GAP_LIMIT_NS / units[i].ns)
			return -1;
		*ns = v * units[i].ns;
		return 0;
	}
	return -1;
}

static int
cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

int
cli_gaps(const char *list, unsigned long long *out, size_t max, char *err,
	 size_t errlen)
{
	char item[64];
	size_t n = 0, kept = 0;
	int rc;

	while ((rc = next_item(&list, item, sizeof(item), err, errlen)) == 1) {
		unsigned long long v;

		if (cli_duration(item, &v) == -1) {
			snprintf(err, errlen,
				 "\"%s\" is not a gap from 0 to 1s: a whole "
				 "number and a unit, ns, us, ms or s (such as "
				 "0, 10us, 1ms)",
				 item);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "more than %zu gaps", max);
			return -1;
		}
		out[n++] = v;
	}
	if (rc == -1)
		return -1;
	qsort(out, n, sizeof(*out), cmp_ull);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || out[i] != out[kept - 1])
			out[kept++] = out[i];
	return (int)kept;
}

/* Whether this process may run on cpu. */
static int
cpu_allowed(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(set), &set) == -1)
		return 0;
	return CPU_ISSET(cpu, &set);
}

/* This process's CPUs as "0-1" or "0,2,5" into buf. */
static void
allowed_list(char *buf, size_t len)
{
	cpu_set_t set;
	size_t at = 0;

	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return;
	for (int c = 0; c < CPU_SETSIZE && at < len; c++) {
		int e = c;

		if (!CPU_ISSET(c, &set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
			e++;
		at += (size_t)snprintf(buf + at, len - at, "%s%d",
				       at ? "," : "", c);
		if (e > c && at < len)
			at += (size_t)snprintf(buf + at, len - at, "-%d", e);
		c = e;
	}
}

int
cli_placement(const char *s, struct placement *p, char *err, size_t errlen)
{
	unsigned long a, b;
	char item[32], cpus[128];
	const char *rest = s;

	if (strcmp(s, "any") == 0) {
		*p = PLACEMENT_ANY;
		return 0;
	}
	if (next_item(&rest, item, sizeof(item), err, errlen) != 1 ||
	    parse_uint(item, 0, CPU_SETSIZE - 1, &a) == -1 || rest == NULL ||
	    next_item(&rest, item, sizeof(item), err, errlen) != 1 ||
	    parse_uint(item, 0, CPU_SETSIZE - 1, &b) == -1 || rest != NULL) {
		snprintf(err, errlen,
			 "\"%s\" is not a placement: give two CPU numbers, "
			 "client's then server's (0,1), or \"any\"",
			 s);
		return -1;
	}
	if (!cpu_allowed((int)a) || !cpu_allowed((int)b)) {
		allowed_list(cpus, sizeof(cpus));
		snprintf(err, errlen,
			 "CPU %lu is not one this process may run on (%s)",
			 cpu_allowed((int)a) ? b : a, cpus);
		return -1;
	}
	p->a = (int)a;
	p->b = (int)b;
	return 0;
}

struct placement
cli_default_placement(void)
{
	struct placement p = {-1, -1};

	for (int c = 0; c < CPU_SETSIZE && p.b < 0; c++) {
		if (!cpu_allowed(c))
			continue;
		if (p.a < 0)
			p.a = c;
		else
			p.b = c;
	}
	return p.b < 0 ? PLACEMENT_ANY : p;
}
