/* test_names.c - unit tests of lib/names: object names, keys and unique
 * names.
 *
 *   make build/bin/test_names && build/bin/test_names
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "harness.h"
#include "io.h"
#include "names.h"

#define TIMEOUT_MS 10000 /* generous: valgrind runs are slow */

/* A short name of n copies of c. */
static const char *
repeat(char c, size_t n)
{
	static char buf[256];

	assert_true(n < sizeof(buf));
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void
check_fails(const char *name, int err)
{
	errno = 0;
	if (names_check(name) != -1 || errno != err)
		fail_msg("names_check(\"%s\"): errno %s, want -1 and %s", name,
			 errno_name(errno), errno_name(err));
}

/* ---- names_make, names_posix -------------------------------------------- */

static void
names_make_is_prefix_uid_name(void **state)
{
	char want[NAMES_FULL_MAX], buf[NAMES_FULL_MAX];

	(void)state;
	snprintf(want, sizeof(want), "ipclab-%u-demo", (unsigned)getuid());
	assert_int_equal(names_make(buf, sizeof(buf), "demo"), 0);
	assert_string_equal(buf, want);
	snprintf(want, sizeof(want), "ipclab-%u-shm-sysv.2_x",
		 (unsigned)getuid());
	assert_int_equal(names_make(buf, sizeof(buf), "shm-sysv.2_x"), 0);
	assert_string_equal(buf, want);
}

static void
names_posix_has_leading_slash(void **state)
{
	char want[NAMES_FULL_MAX], buf[NAMES_FULL_MAX];

	(void)state;
	snprintf(want, sizeof(want), "/ipclab-%u-demo", (unsigned)getuid());
	assert_int_equal(names_posix(buf, sizeof(buf), "demo"), 0);
	assert_string_equal(buf, want);
}

/* names_dir_parse() accepts what mkdtemp() makes of the template, names
 * with dots and dashes included, and the same without a pid; nothing
 * else: no random part, a non-digit uid, an invalid name. */
static void
names_dir_parse_reads_uid_pid_and_name(void **state)
{
	static const char *const bad[] = {
		"ipclab-0-fifo.42.AbC12",    /* five random characters */
		"ipclab-0-fifo.42.AbC12!",   /* not a letter or digit */
		"ipclab-x-fifo.42.AbC123",   /* uid not a number */
		"ipclab-0-fi fo.42.AbC123",  /* not a valid name */
		"ipclab-0-.AbC123",	     /* empty name, no pid */
		"ipcla-0-fifo.42.AbC123",    /* not our prefix */
		"ipclab-0-fifo.42.AbC123/x", /* not a single component */
		"..",
	};
	char tmpl[NAMES_FULL_MAX + 64], name[NAMES_SHORT_MAX + 1];
	const char *base;
	uid_t uid;
	pid_t pid;

	(void)state;
	assert_int_equal(names_dir_template(tmpl, sizeof(tmpl), "a.b-c_d"), 0);
	memcpy(tmpl + strlen(tmpl) - 6, "Zz09aQ", 6);
	base = strrchr(tmpl, '/') + 1;
	assert_int_equal(names_dir_parse(base, &uid, &pid, name, sizeof(name)),
			 1);
	assert_int_equal(uid, getuid());
	assert_int_equal(pid, getpid());
	assert_string_equal(name, "a.b-c_d");
	assert_int_equal(names_dir_parse("ipclab-1000-x.1.Ab.cd.42.AbC123",
					 &uid, &pid, name, sizeof(name)),
			 1);
	assert_int_equal(uid, 1000);
	assert_int_equal(pid, 42);
	assert_string_equal(name, "x.1.Ab.cd");
	/* Without a pid (a minimal rung's mkdtemp): pid 0. */
	assert_int_equal(names_dir_parse("ipclab-7-fifo-minimal.AbC123", &uid,
					 &pid, name, sizeof(name)),
			 1);
	assert_int_equal(uid, 7);
	assert_int_equal(pid, 0);
	assert_string_equal(name, "fifo-minimal");
	assert_int_equal(names_dir_parse("ipclab-7-x.0.AbC123", &uid, &pid,
					 name, sizeof(name)),
			 1);
	assert_int_equal(pid, 0); /* pid 0 is no pid: the name is "x.0" */
	assert_string_equal(name, "x.0");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (names_dir_parse(bad[i], &uid, &pid, name, sizeof(name)))
			fail_msg("names_dir_parse accepted \"%s\"", bad[i]);
	/* A name that does not fit the caller's buffer is refused. */
	assert_int_equal(names_dir_parse("ipclab-0-abcdef.42.AbC123", &uid,
					 &pid, name, 4),
			 0);
}

/* The private directory goes under $TMPDIR, or /tmp when it is unset or
 * not absolute, and mkdtemp() accepts the template; the name holds our
 * pid, so that a sweep can tell when its maker is gone. */
static void
names_dir_template_under_tmpdir(void **state)
{
	char want[NAMES_FULL_MAX + 64], buf[NAMES_FULL_MAX + 64];
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? strdup(old) : NULL;

	(void)state;
	unsetenv("TMPDIR");
	snprintf(want, sizeof(want), "/tmp/ipclab-%u-fifo.%ld.XXXXXX",
		 (unsigned)getuid(), (long)getpid());
	assert_int_equal(names_dir_template(buf, sizeof(buf), "fifo"), 0);
	assert_string_equal(buf, want);
	setenv("TMPDIR", "relative", 1);
	assert_int_equal(names_dir_template(buf, sizeof(buf), "fifo"), 0);
	assert_string_equal(buf, want);
	setenv("TMPDIR", "/var/tmp", 1);
	snprintf(want, sizeof(want), "/var/tmp/ipclab-%u-fifo.%ld.XXXXXX",
		 (unsigned)getuid(), (long)getpid());
	assert_int_equal(names_dir_template(buf, sizeof(buf), "fifo"), 0);
	assert_string_equal(buf, want);
	errno = 0;
	assert_int_equal(names_dir_template(buf, 20, "fifo"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(names_dir_template(buf, sizeof(buf), "a/b"), -1);
	assert_int_equal(errno, EINVAL);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

/* The longest short name fits NAMES_FULL_MAX in both forms. */
static void
names_full_max_holds_the_longest_name(void **state)
{
	char buf[NAMES_FULL_MAX];
	const char *longest = repeat('n', NAMES_SHORT_MAX);

	(void)state;
	assert_int_equal(names_make(buf, sizeof(buf), longest), 0);
	assert_int_equal(strlen(buf),
			 strlen(IPCLAB_PREFIX) +
				 snprintf(NULL, 0, "%u-", (unsigned)getuid()) +
				 NAMES_SHORT_MAX);
	assert_int_equal(names_posix(buf, sizeof(buf), longest), 0);
	assert_int_equal(buf[0], '/');
}

/* A buffer one byte short is ENAMETOOLONG, never a truncated name. */
static void
names_make_needs_room_for_the_nul(void **state)
{
	char want[NAMES_FULL_MAX], buf[NAMES_FULL_MAX];
	size_t n;

	(void)state;
	n = (size_t)snprintf(want, sizeof(want), "ipclab-%u-demo",
			     (unsigned)getuid());
	assert_int_equal(names_make(buf, n + 1, "demo"), 0);
	assert_string_equal(buf, want);
	errno = 0;
	assert_int_equal(names_make(buf, n, "demo"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_int_equal(names_posix(buf, n + 1, "demo"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(names_posix(buf, n + 2, "demo"), 0);
	assert_int_equal(strlen(buf), n + 1);
}

static void
names_make_rejects_bad_short_names(void **state)
{
	char buf[NAMES_FULL_MAX];

	(void)state;
	errno = 0;
	assert_int_equal(names_make(buf, sizeof(buf), ""), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(names_posix(buf, sizeof(buf), "a/b"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(
		names_make(buf, sizeof(buf), repeat('x', NAMES_SHORT_MAX + 1)),
		-1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* ---- names_check -------------------------------------------------------- */

static void
names_check_rejects_empty(void **state)
{
	(void)state;
	check_fails("", EINVAL);
}

static void
names_check_length_limit_is_64(void **state)
{
	(void)state;
	assert_int_equal(NAMES_SHORT_MAX, 64);
	assert_int_equal(names_check(repeat('a', 64)), 0);
	assert_int_equal(names_check(repeat('a', 1)), 0);
	check_fails(repeat('a', 65), ENAMETOOLONG);
	check_fails(repeat('a', 200), ENAMETOOLONG);
}

static void
names_check_rejects_slash_space_and_others(void **state)
{
	static const char *const bad[] = {
		"a/b", "/a",  "a/",  "/",   "a b", " a",       "a ",   "a\tb",
		"a\n", "a:b", "a*b", "a?b", "a$b", "a'b",      "a\"b", "a\\b",
		"a+b", "a@b", "a~b", "a%b", "a,b", "\xc3\xa9", "..", "a..b",
		"...", "..a", "a..",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_fails(bad[i], EINVAL);
}

static void
names_check_accepts_letters_digits_dot_underscore_dash(void **state)
{
	(void)state;
	assert_int_equal(names_check("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 0);
	assert_int_equal(names_check("abcdefghijklmnopqrstuvwxyz"), 0);
	assert_int_equal(names_check("0123456789"), 0);
	assert_int_equal(names_check("shm-sysv.v2_final"), 0);
	assert_int_equal(names_check("."), 0);
	assert_int_equal(names_check("-"), 0);
	assert_int_equal(names_check("_"), 0);
}

/* ---- names_key, names_is_suite_key -------------------------------------- */

static const char *const key_names[] = {
	"a",	     "b",	 "demo",     "demo2",	 "shm-sysv",
	"shm-posix", "sem-sysv", "1234-1-t", "1234-2-t", "1235-1-t",
};
#define NKEYS (sizeof(key_names) / sizeof(key_names[0]))

static void
names_key_carries_the_suite_tag(void **state)
{
	(void)state;
	assert_int_equal(IPCLAB_KEY_TAG, 0x1c000000);
	for (size_t i = 0; i < NKEYS; i++) {
		key_t k = names_key(key_names[i]);

		if (((unsigned)k & 0xff000000u) != 0x1c000000u ||
		    !names_is_suite_key(k))
			fail_msg("names_key(\"%s\") = 0x%08x: no 0x1c tag",
				 key_names[i], (unsigned)k);
	}
	assert_true(names_is_suite_key(names_key(repeat('z', 64))));
}

static void
names_key_is_stable(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKEYS; i++)
		assert_int_equal(names_key(key_names[i]),
				 names_key(key_names[i]));
}

static void
names_key_differs_for_different_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKEYS; i++)
		for (size_t j = i + 1; j < NKEYS; j++)
			if (names_key(key_names[i]) == names_key(key_names[j]))
				fail_msg("\"%s\" and \"%s\" share key 0x%08x",
					 key_names[i], key_names[j],
					 (unsigned)names_key(key_names[i]));
}

static void
names_key_rejects_bad_names(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(names_key(""), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(names_key("a b"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(names_key(repeat('k', 65)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_false(names_is_suite_key(-1)); /* the error is never a key */
}

static void
names_is_suite_key_checks_the_top_byte(void **state)
{
	(void)state;
	assert_true(names_is_suite_key((key_t)0x1c000000));
	assert_true(names_is_suite_key((key_t)0x1c123456));
	assert_true(names_is_suite_key((key_t)0x1cffffff));
	assert_false(names_is_suite_key((key_t)0)); /* IPC_PRIVATE */
	assert_false(names_is_suite_key((key_t)0x1d000000));
	assert_false(names_is_suite_key((key_t)0x1b000000));
	assert_false(names_is_suite_key((key_t)0x0c000000));
	assert_false(names_is_suite_key((key_t)0x001c0000));
	assert_false(names_is_suite_key((key_t)0x0000001c));
	assert_false(names_is_suite_key((key_t)0xfc000000u));
}

/* ---- names_unique ------------------------------------------------------- */

/* Split "<pid>-<n>-<tag>"; fails the test if buf has another form. */
static void
split_unique(const char *buf, long *pid, unsigned long *n, const char **tag)
{
	char *end;

	*pid = strtol(buf, &end, 10);
	if (end == buf || *end != '-')
		fail_msg("\"%s\" does not start with <pid>-", buf);
	buf = end + 1;
	*n = strtoul(buf, &end, 10);
	if (end == buf || *end != '-')
		fail_msg("\"%s\" has no -<n>- after the pid", buf);
	*tag = end + 1;
}

static void
names_unique_is_pid_count_tag(void **state)
{
	char buf[NAMES_SHORT_MAX + 1];
	const char *tag;
	unsigned long n;
	long pid;

	(void)state;
	assert_int_equal(names_unique(buf, sizeof(buf), "bench"), 0);
	split_unique(buf, &pid, &n, &tag);
	assert_int_equal(pid, getpid());
	assert_string_equal(tag, "bench");
	assert_int_equal(names_check(buf), 0);
}

static void
names_unique_differs_between_calls(void **state)
{
	char a[NAMES_SHORT_MAX + 1], b[NAMES_SHORT_MAX + 1];
	unsigned long na, nb;
	const char *ta, *tb;
	long pa, pb;

	(void)state;
	assert_int_equal(names_unique(a, sizeof(a), "t"), 0);
	assert_int_equal(names_unique(b, sizeof(b), "t"), 0);
	assert_string_not_equal(a, b);
	assert_int_not_equal(names_key(a), names_key(b));
	split_unique(a, &pa, &na, &ta);
	split_unique(b, &pb, &nb, &tb);
	assert_int_equal(pa, pb);
	assert_int_equal(nb, na + 1); /* n counts calls */
}

/* Read a NUL-terminated name from fd, waiting at most TIMEOUT_MS. */
static void
read_name(int fd, char *buf, size_t size)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	assert_int_equal(poll(&p, 1, TIMEOUT_MS), 1);
	n = read_full(fd, buf, size);
	assert_true(n > 0);
	buf[n - 1] = '\0';
}

/* Reap child, waiting at most TIMEOUT_MS; returns its wait status. */
static int
reap(pid_t child)
{
	uint64_t deadline = clock_ns() + TIMEOUT_MS * NS_PER_MS;
	int status = 0;
	pid_t r;

	while ((r = waitpid(child, &status, WNOHANG)) == 0) {
		if (clock_ns() > deadline) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			fail_msg("child %ld did not exit in %d ms", (long)child,
				 TIMEOUT_MS);
		}
		sleep_ms(5);
	}
	assert_int_equal(r, child);
	return status;
}

/* After fork() parent and child hold the same call counter: only the pid
 * keeps their names apart. */
static void
names_unique_differs_in_a_forked_child(void **state)
{
	char mine[NAMES_SHORT_MAX + 1], theirs[NAMES_SHORT_MAX + 1];
	unsigned long nm, nt;
	const char *tm, *tt;
	long pm, pt;
	int fd[2], status;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	child = fork();
	assert_true(child != -1);
	if (child == 0) {
		char buf[NAMES_SHORT_MAX + 1];

		close(fd[0]);
		alarm(60); /* never outlive a test that failed */
		if (names_unique(buf, sizeof(buf), "t") == -1)
			_exit(1);
		if (write_full(fd[1], buf, strlen(buf) + 1) == -1)
			_exit(2);
		_exit(0);
	}
	close(fd[1]);
	assert_int_equal(names_unique(mine, sizeof(mine), "t"), 0);
	memset(theirs, 0, sizeof(theirs));
	read_name(fd[0], theirs, sizeof(theirs));
	close(fd[0]);
	status = reap(child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_string_not_equal(mine, theirs);
	split_unique(mine, &pm, &nm, &tm);
	split_unique(theirs, &pt, &nt, &tt);
	assert_int_equal(pm, getpid());
	assert_int_equal(pt, child);
	assert_int_equal(nm, nt); /* same count: the pid makes them differ */
	assert_int_not_equal(names_key(mine), names_key(theirs));
}

static void
names_unique_rejects_bad_tags_and_small_buffers(void **state)
{
	char buf[NAMES_SHORT_MAX + 1], small[4], big[128];

	(void)state;
	errno = 0;
	assert_int_equal(names_unique(buf, sizeof(buf), "a/b"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(names_unique(buf, sizeof(buf), "a b"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(names_unique(small, sizeof(small), "t"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0; /* fits big, but is over NAMES_SHORT_MAX characters */
	assert_int_equal(names_unique(big, sizeof(big),
				      repeat('t', NAMES_SHORT_MAX - 2)),
			 -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_make_is_prefix_uid_name),
		cmocka_unit_test(names_posix_has_leading_slash),
		cmocka_unit_test(names_dir_template_under_tmpdir),
		cmocka_unit_test(names_dir_parse_reads_uid_pid_and_name),
		cmocka_unit_test(names_full_max_holds_the_longest_name),
		cmocka_unit_test(names_make_needs_room_for_the_nul),
		cmocka_unit_test(names_make_rejects_bad_short_names),
		cmocka_unit_test(names_check_rejects_empty),
		cmocka_unit_test(names_check_length_limit_is_64),
		cmocka_unit_test(names_check_rejects_slash_space_and_others),
		cmocka_unit_test(
			names_check_accepts_letters_digits_dot_underscore_dash),
		cmocka_unit_test(names_key_carries_the_suite_tag),
		cmocka_unit_test(names_key_is_stable),
		cmocka_unit_test(names_key_differs_for_different_names),
		cmocka_unit_test(names_key_rejects_bad_names),
		cmocka_unit_test(names_is_suite_key_checks_the_top_byte),
		cmocka_unit_test(names_unique_is_pid_count_tag),
		cmocka_unit_test(names_unique_differs_between_calls),
		cmocka_unit_test(names_unique_differs_in_a_forked_child),
		cmocka_unit_test(
			names_unique_rejects_bad_tags_and_small_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
