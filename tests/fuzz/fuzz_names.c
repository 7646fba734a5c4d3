/* fuzz_names.c - object names (lib/names.c): every -N goes through
 * names_check, then names_make, names_posix, names_key and
 * names_dir_template.
 *
 * A name names_check takes makes a name, a POSIX name, a key of the
 * suite and a directory template that fit NAMES_FULL_MAX (or PATH_MAX)
 * and hold nothing of the name but the name: no '/' of its own, no "..",
 * no byte outside A-Z a-z 0-9 . _ -.  One it refuses makes none.
 */
#include <limits.h>
#include <sys/types.h>

#include "fuzz.h"
#include "names.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	char buf[NAMES_FULL_MAX], dir[PATH_MAX];
	int ok = names_check(s) == 0;
	key_t key = names_key(s);

	FUZZ_CHECK((names_make(buf, sizeof(buf), s) == 0) == ok, s);
	if (ok) {
		FUZZ_CHECK(strchr(buf, '/') == NULL, s);
		FUZZ_CHECK(strstr(buf, "..") == NULL, s);
		FUZZ_CHECK(strlen(s) <= NAMES_SHORT_MAX, s);
		FUZZ_CHECK(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789._-") ==
				   strlen(s),
			   s);
	}
	FUZZ_CHECK((names_posix(buf, sizeof(buf), s) == 0) == ok, s);
	if (ok)
		FUZZ_CHECK(buf[0] == '/' && strchr(buf + 1, '/') == NULL, s);
	FUZZ_CHECK((key != (key_t)-1) == ok, s);
	if (ok)
		FUZZ_CHECK(names_is_suite_key(key), s);
	FUZZ_CHECK((names_dir_template(dir, sizeof(dir), s) == 0) == ok, s);
	if (ok) {
		size_t n = strlen(dir);

		FUZZ_CHECK(n > 7 && strcmp(dir + n - 7, ".XXXXXX") == 0, s);
		FUZZ_CHECK(strstr(strrchr(dir, '/'), s) != NULL, s);
	}
	/* A name this short never fails for want of room. */
	if (ok)
		FUZZ_CHECK(names_make(buf, 2, s) == -1, s);
	free(s);
	return 0;
}
