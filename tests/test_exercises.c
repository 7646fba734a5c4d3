/* test_exercises.c - every exercise's check can tell right from wrong.
 *
 * For each exercise that ipclab-exercise names, in a temporary directory:
 * - the exercise as shipped builds, and fails its check (exit 1);
 * - its solution, tests/solutions/<slug>.c, passes (exit 0);
 * - each wrong solution in tests/solutions/<slug>.wrong fails (exit 1): a
 *   "fix" that only silences the symptom must not pass.  A fix exercise
 *   has at least one.
 * After each run, no object of the exercises' keys or names is alive.
 *
 * Under the sanitizers (make check) and valgrind, the wrong solutions are
 * built and their hunks checked, but not run: they exercise the learner's
 * program, which neither watches, through the same checker code as the
 * shipped file; and they are most of this test's time.
 *
 * A .wrong file holds wrong solutions, each a heading line "# what it
 * does", a line "from shipped" or "from solution", then one hunk: lines
 * "- TEXT" that must match one run of lines of that file exactly once
 * (leading and trailing white space ignored), and lines "+ TEXT" that
 * replace them.  A hunk that no longer matches fails the test, so a wrong
 * solution cannot go stale unseen.
 *
 * Run from the top of the tree (make test does).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"

#define CHECK_MS 180000 /* build and check, on a busy machine */

#if defined(__SANITIZE_ADDRESS__)
static const int sanitized = 1;
#else
static const int sanitized = 0;
#endif
#define MAX_EX 64

struct ex {
	char mech[16], slug[64], kind[16];
};
static struct ex exs[MAX_EX];
static int nex;

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) != EOF);
	assert_int_equal(fclose(f), 0);
}

/* How many objects of the exercises' space are alive: System V keys
 * 0x1c<uid>e0 to ...ff, POSIX names ipclab-<uid>-ex-*. */
static int
exercise_objects(void)
{
	static const char *const files[] = {
		"/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg"};
	static const char *const dirs[] = {"/dev/shm", "/dev/mqueue"};
	char line[512], prefix[64], semp[80];
	unsigned lo = 0x1c000000u | (getuid() & 0xffffu) << 8;
	int n = 0;

	for (size_t i = 0; i < 3; i++) {
		FILE *f = fopen(files[i], "r");

		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			long key = strtol(line, NULL, 10);

			if (((unsigned)key & ~0xffu) == lo &&
			    ((unsigned)key & 0xffu) >= 0xe0)
				n++;
		}
		if (f != NULL)
			fclose(f);
	}
	snprintf(prefix, sizeof(prefix), "ipclab-%u-ex-", (unsigned)getuid());
	snprintf(semp, sizeof(semp), "sem.%s", prefix);
	for (size_t i = 0; i < 2; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		while (d != NULL && (e = readdir(d)) != NULL)
			if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 ||
			    strncmp(e->d_name, semp, strlen(semp)) == 0)
				n++;
		if (d != NULL)
			closedir(d);
	}
	return n;
}

/* Hold ipclab-exercise's lock (tools/exercise.c: the abstract socket
 * "ipclab-<uid>-exercises"), so that no check of another run makes
 * objects while this one counts them; waits up to 120 s. */
static int
lock_checks(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int len = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
			   "ipclab-%u-exercises", (unsigned)getuid());

	assert_true(fd != -1);
	for (int i = 0; bind(fd, (struct sockaddr *)&a,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
					 1 + (size_t)len)) == -1;
	     i++) {
		assert_true(errno == EADDRINUSE && i < 1200);
		usleep(100000);
	}
	return fd;
}

/* Run the checker on exercise e with src (NULL: its own file), built in
 * dir; returns its exit code, with its output in out (a copy). */
static int
check(const struct ex *e, const char *src, const char *dir, char **out)
{
	struct proc p;
	int code;

	if (src != NULL)
		assert_int_equal(proc_start(&p, "ipclab-exercise", "--src", src,
					    "--out", dir, "check", e->slug,
					    NULL),
				 0);
	else
		assert_int_equal(proc_start(&p, "ipclab-exercise", "--out", dir,
					    "check", e->slug, NULL),
				 0);
	assert_int_equal(proc_wait(&p, CHECK_MS), 0);
	code = proc_code(&p);
	*out = malloc(strlen(p.out) + strlen(p.err) + 2);
	assert_non_null(*out);
	sprintf(*out, "%s\n%s", p.out, p.err);
	proc_free(&p);
	{
		int lock = lock_checks();
		int left = exercise_objects();

		close(lock);
		assert_int_equal(left, 0);
	}
	return code;
}

/* Run the checker and assert its exit code, showing its output if not. */
static void
expect(const struct ex *e, const char *src, const char *dir, int want,
       const char *what)
{
	char *out;
	int code = check(e, src, dir, &out);

	if (code != want)
		fail_msg("%s, %s: the check exited %d, not %d; it said:\n%s",
			 e->slug, what, code, want, out);
	free(out);
}

static int
trimmed_equal(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	while (alen > 0 && isspace((unsigned char)*a))
		a++, alen--;
	while (alen > 0 && isspace((unsigned char)a[alen - 1]))
		alen--;
	while (blen > 0 && isspace((unsigned char)*b))
		b++, blen--;
	while (blen > 0 && isspace((unsigned char)b[blen - 1]))
		blen--;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* base with the run of lines minus[0..nminus) (trimmed) replaced by plus;
 * fails the test unless that run occurs exactly once. */
static char *
apply(const char *base, char **minus, int nminus, const char *plus,
      const char *what)
{
	const char *at = NULL, *end = NULL;
	int found = 0;

	for (const char *l = base; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		const char *s = l;
		int k;

		for (k = 0; k < nminus && *s; k++) {
			const char *nl = strchr(s, '\n');
			size_t len = nl ? (size_t)(nl - s) : strlen(s);

			if (!trimmed_equal(s, len, minus[k]))
				break;
			s = nl ? nl + 1 : s + len;
		}
		if (k == nminus) {
			found++;
			at = l;
			end = s;
		}
	}
	if (found != 1)
		fail_msg("wrong solution \"%s\": its - lines match %d times, "
			 "not once",
			 what, found);
	char *r = malloc(strlen(base) + strlen(plus) + 1);
	assert_non_null(r);
	memcpy(r, base, (size_t)(at - base));
	strcpy(r + (at - base), plus);
	strcat(r, end);
	return r;
}

/* Each wrong solution in SLUG.wrong, built from shipped or solution and
 * checked: it must fail.  Returns how many there were. */
static int
wrong_solutions(const struct ex *e, const char *dir, const char *shipped,
		const char *solution)
{
	char path[PATH_MAX], src[PATH_MAX];
	char *text, *line, *save = NULL;
	char *minus[64], plus[8192], what[256] = "";
	const char *base = NULL;
	int nminus = 0, n = 0;

	snprintf(path, sizeof(path), "tests/solutions/%s.wrong", e->slug);
	if ((text = read_text(path)) == NULL)
		return 0;
	plus[0] = '\0';
	/* One more heading at the end closes the last hunk. */
	text = realloc(text, strlen(text) + 4);
	assert_non_null(text);
	strcat(text, "\n#\n");
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			if (base != NULL) {
				char *code;

				assert_true(nminus > 0);
				code = apply(base, minus, nminus, plus, what);
				snprintf(src, sizeof(src), "%s/%s-wrong%d.c",
					 dir, e->slug, ++n);
				write_text(src, code);
				free(code);
				if (!sanitized && !under_valgrind())
					expect(e, src, dir, 1, what);
			}
			snprintf(what, sizeof(what), "%s", line + 1);
			base = NULL, nminus = 0, plus[0] = '\0';
		} else if (strcmp(line, "from shipped") == 0)
			base = shipped;
		else if (strcmp(line, "from solution") == 0)
			base = solution;
		else if (line[0] == '-' && (line[1] == ' ' || !line[1]) &&
			 nminus < 64)
			minus[nminus++] = line[1] ? line + 2 : line + 1;
		else if (line[0] == '+' && (line[1] == ' ' || !line[1])) {
			strncat(plus, line[1] ? line + 2 : line + 1,
				sizeof(plus) - strlen(plus) - 2);
			strcat(plus, "\n");
		} else if (line[0] != '\0')
			fail_msg("%s: cannot read the line \"%s\"", path, line);
	}
	free(text);
	return n;
}

/* The test's build directory: made by its setup, removed by its
 * teardown, which cmocka runs when the test fails too. */
static char build_dir[] = "/tmp/ipclab-test-ex-XXXXXX";

static int
dir_setup(void **state)
{
	(void)state;
	memcpy(build_dir + sizeof(build_dir) - 7, "XXXXXX", 6);
	return mkdtemp(build_dir) == NULL ? -1 : 0;
}

static int
dir_teardown(void **state)
{
	char cmd[sizeof(build_dir) + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", build_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_exercise(void **state)
{
	const struct ex *e = *state;
	char path[PATH_MAX], sol[PATH_MAX];
	char *shipped, *solution;
	int wrong;

	snprintf(path, sizeof(path), "%s/exercises/%s.c", e->mech, e->slug);
	snprintf(sol, sizeof(sol), "tests/solutions/%s.c", e->slug);
	shipped = read_text(path);
	solution = read_text(sol);
	if (shipped == NULL || solution == NULL)
		fail_msg("%s: %s is missing", e->slug,
			 shipped == NULL ? path : sol);

	expect(e, NULL, build_dir, 1, "as shipped");
	expect(e, sol, build_dir, 0, "its solution");
	wrong = wrong_solutions(e, build_dir, shipped, solution);
	if (strcmp(e->kind, "fix") == 0 && wrong == 0)
		fail_msg("%s: a fix exercise needs a wrong solution in "
			 "tests/solutions/%s.wrong",
			 e->slug, e->slug);
	free(shipped);
	free(solution);
}

/* Every mechanism has at least three exercises, and each file's header
 * says how to run it, how to check it (make exercise SLUG) and where its
 * hint is (the chapter's Exercises section), which must exist. */
static void
test_every_mechanism_has_three(void **state)
{
	static const char *const mechs[] = {"shm",  "sem",    "msgq",  "pipe",
					    "fifo", "signal", "socket"};
	char path[PATH_MAX], want[256];

	(void)state;
	for (size_t m = 0; m < sizeof(mechs) / sizeof(mechs[0]); m++) {
		int n = 0;

		for (int i = 0; i < nex; i++)
			n += strcmp(exs[i].mech, mechs[m]) == 0;
		if (n < 3)
			fail_msg("%s has %d exercises, not at least 3", mechs[m],
				 n);
	}
	for (int i = 0; i < nex; i++) {
		char *text, *chapter;

		snprintf(path, sizeof(path), "%.15s/exercises/%.63s.c", exs[i].mech,
			 exs[i].slug);
		assert_non_null(text = read_text(path));
		snprintf(want, sizeof(want), "make exercise %s", exs[i].slug);
		if (strstr(text, " run:") == NULL || strstr(text, want) == NULL ||
		    strstr(text, " hint:") == NULL)
			fail_msg("%s: its header needs the lines \" run:\", "
				 "\" check: %s\" and \" hint:\"",
				 path, want);
		free(text);
		snprintf(path, sizeof(path), "docs/%.15s.md", exs[i].mech);
		assert_non_null(chapter = read_text(path));
		snprintf(want, sizeof(want), "Hint: %s<", exs[i].slug);
		if (strstr(chapter, want) == NULL)
			fail_msg("%s has no folded hint for %s "
				 "(<summary>Hint: %s</summary>)",
				 path, exs[i].slug, exs[i].slug);
		free(chapter);
	}
}

/* A number or a name it does not know is a usage error. */
static void
test_unknown_exercise(void **state)
{
	(void)state;
	assert_usage_exit("ipclab-exercise", 0, "-h", NULL, NULL);
	assert_usage_exit("ipclab-exercise", 2, "--bogus", NULL, NULL);
	assert_usage_exit("ipclab-exercise", 2, "check", "9999", NULL);
	assert_usage_exit("ipclab-exercise", 2, "list", "1", NULL);
}

int
main(void)
{
	struct CMUnitTest tests[MAX_EX + 2] = {
		cmocka_unit_test(test_unknown_exercise),
		cmocka_unit_test(test_every_mechanism_has_three),
	};
	struct proc p;
	char *line, *save = NULL;

	if (proc_start(&p, "ipclab-exercise", "names", NULL) != 0 ||
	    proc_wait(&p, 60000) != 0 || proc_code(&p) != 0) {
		fprintf(stderr, "ipclab-exercise names failed\n");
		return 1;
	}
	for (line = strtok_r(p.out, "\n", &save); line != NULL && nex < MAX_EX;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ex *e = &exs[nex];

		if (sscanf(line, "%*d %15s %63s %15s", e->mech, e->slug,
			   e->kind) != 3)
			continue;
		tests[2 + nex++] = (struct CMUnitTest){
			.name = e->slug,
			.test_func = test_exercise,
			.setup_func = dir_setup,
			.teardown_func = dir_teardown,
			.initial_state = e,
		};
	}
	proc_free(&p);
	return _cmocka_run_group_tests("exercises", tests, (size_t)nex + 2,
				       NULL, NULL);
}
