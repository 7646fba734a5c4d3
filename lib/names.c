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

int
names_dir_template(char *buf, size_t size, const char *name)
{
	char full[NAMES_FULL_MAX];
	const char *dir = getenv("TMPDIR");
	int n;

	if (names_make(full, sizeof(full), name) == -1)
		return -1;
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	n = snprintf(buf, size, "%s/%s.XXXXXX", dir, full);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
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
