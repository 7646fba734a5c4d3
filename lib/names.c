/* names.c - object names and keys: see names.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"

int
names_check(const char *name)
{
	size_t len = strlen(name);

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (len > NAMES_SHORT_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") != len) {
		errno = EINVAL;
		return -1;
	}
	/* Behind the ipclab-<uid>- prefix ".." climbs nowhere; but a name
	 * that reads as the parent directory, in a message, a script or a
	 * path someone builds from it, is a trap: refuse it anywhere. */
	if (strstr(name, "..") != NULL) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* snprintf into buf, failing with ENAMETOOLONG if it does not fit. */
static int
format_name(char *buf, size_t size, const char *lead, const char *name)
{
	int n;

	if (names_check(name) == -1)
		return -1;
	n = snprintf(buf, size, "%s" IPCLAB_PREFIX "%u-%s", lead,
		     (unsigned)getuid(), name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
names_make(char *buf, size_t size, const char *name)
{
	return format_name(buf, size, "", name);
}

int
names_posix(char *buf, size_t size, const char *name)
{
	return format_name(buf, size, "/", name);
}

key_t
names_key(const char *name)
{
	char full[NAMES_FULL_MAX];
	uint32_t h = 2166136261u; /* 32-bit FNV-1a */

	if (names_make(full, sizeof(full), name) == -1)
		return -1;
	for (const char *p = full; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= 16777619u;
	}
	h = (h >> 24) ^ (h & 0x00ffffffu); /* fold 32 bits into 24 */
	return (key_t)(IPCLAB_KEY_TAG | h);
}

const char *
names_tmp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && dir[0] == '/' ? dir : "/tmp";
}

int
names_dir_template(char *buf, size_t size, const char *name)
{
	char full[NAMES_FULL_MAX];
	int n;

	if (names_make(full, sizeof(full), name) == -1)
		return -1;
	n = snprintf(buf, size, "%s/%s.%ld.XXXXXX", names_tmp_dir(), full,
		     (long)getpid());
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Parse the decimal number in [p, end): 1 to 10 digits, no sign. */
static int
parse_digits(const char *p, const char *end, unsigned long *val)
{
	if (end <= p || end - p > 10 ||
	    strspn(p, "0123456789") < (size_t)(end - p))
		return 0;
	*val = strtoul(p, NULL, 10);
	return 1;
}

int
names_dir_parse(const char *entry, uid_t *uid, pid_t *pid, char *name,
		size_t size)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t len = strlen(entry), plen = strlen(IPCLAB_PREFIX);
	const char *p = entry + plen, *dash, *dot, *end = entry + len - 7;
	unsigned long u, pi = 0;

	/* From the left "ipclab-<uid>-", from the right ".XXXXXX", and
	 * before that ".<pid>" if names_dir_template() made it: what is
	 * between is the name, which may hold dots and dashes. */
	if (len < plen + 2 + 1 + 7 ||
	    strncmp(entry, IPCLAB_PREFIX, plen) != 0 ||
	    (dash = strchr(p, '-')) == NULL || !parse_digits(p, dash, &u) ||
	    end <= dash + 1 || *end != '.' || strspn(end + 1, alnum) != 6)
		return 0;
	for (dot = end - 1; dot > dash && *dot != '.'; dot--)
		;
	if (dot > dash + 1 && parse_digits(dot + 1, end, &pi) && pi != 0)
		end = dot; /* ".<pid>" */
	else
		pi = 0; /* made by hand, or by a minimal rung's mkdtemp */
	if ((size_t)(end - dash - 1) >= size)
		return 0;
	memcpy(name, dash + 1, (size_t)(end - dash - 1));
	name[end - dash - 1] = '\0';
	if (names_check(name) == -1)
		return 0;
	*uid = (uid_t)u;
	*pid = (pid_t)pi;
	return 1;
}

int
names_is_suite_key(key_t key)
{
	return ((uint32_t)key & IPCLAB_KEY_MASK) == IPCLAB_KEY_TAG;
}

int
names_unique(char *buf, size_t size, const char *tag)
{
	static unsigned counter;
	int n = snprintf(buf, size, "%ld-%u-%s", (long)getpid(), ++counter,
			 tag);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return names_check(buf);
}
