/* test_shm_modern.c - the modern siblings of shared memory, run as a
 * learner runs them: the futex doorbell and its lost-wake-up twin, the
 * robust mutex whose holder is killed, the anonymous mapping before fork
 * and the file mapped MAP_SHARED.
 *
 * Each program is started from build/bin and waited for with a bound.
 * Their shared memory has no name (an anonymous mapping) or is a file in
 * a private directory named after the fixture's name, which the fixture
 * checks is gone afterwards.  What the race in the broken twin does is
 * whatever happened: its accounting is read, not assumed; the correct
 * doorbell must lose no wake-up, whatever the timing, because it judges a
 * wake-up lost only when the producer skipped it and the consumer slept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define RUN_MS 20000 /* none of them comes near this */

static const char *
name_of(void **state)
{
	return ((struct fixture *)*state)->name;
}

/* Run prog with the arguments (a NULL-terminated list, at most four)
 * and wait for it; assert it ended within RUN_MS. */
static void
run(struct proc *p, const char *prog, const char *a, const char *b,
    const char *c, const char *d)
{
	assert_int_equal(proc_start(p, prog, a, b, c, d, NULL), 0);
	assert_int_equal(proc_wait(p, RUN_MS), 0);
}

/* Read the last line of a doorbell: "PROG: R rings, S sleeps, L lost
 * wake-ups, W FUTEX_WAKE calls". */
static void
read_tally(const struct proc *p, const char *prog, unsigned long t[4])
{
	char head[64];
	const char *line;

	snprintf(head, sizeof(head), "%s: ", prog);
	line = strstr(p->out, head);
	assert_non_null(line);
	assert_int_equal(sscanf(line + strlen(head),
				"%lu rings, %lu sleeps, %lu lost wake-ups, "
				"%lu FUTEX_WAKE calls",
				&t[0], &t[1], &t[2], &t[3]),
			 4);
}

static void
test_doorbell_loses_no_wake_up(void **state)
{
	unsigned long t[4];
	struct proc p;

	(void)state;
	run(&p, "shm_futex_doorbell", "-n", "8", "-i", "2");
	assert_code(&p, 0);
	read_tally(&p, "shm_futex_doorbell", t);
	assert_int_equal(t[0], 8);
	assert_int_equal(t[2], 0); /* never, whatever the timing */
	assert_true(t[3] <= 8);	   /* at most one wake a ring */
	assert_non_null(strstr(p.out, ": ring 8"));
	assert_null(strstr(p.out, "LOST"));
	assert_string_equal(p.err, "");
	proc_free(&p);
}

static void
test_broken_doorbell_accounts_its_lost_wake_ups(void **state)
{
	unsigned long t[4];
	struct proc p;

	(void)state;
	run(&p, "shm_broken_futex_wakeup", "-n", "8", "-i", "2");
	assert_code(&p, 0);
	read_tally(&p, "shm_broken_futex_wakeup", t);
	assert_int_equal(t[0], 8);
	assert_true(t[2] <= t[0]);
	assert_int_equal(count_str(p.out, "LOST WAKE-UP"), (int)t[2]);
	assert_non_null(strstr(p.out, ": ring 8")); /* all came, late or not */
	print_message("shm_broken_futex_wakeup: %lu of 8 wake-ups lost\n",
		      t[2]);
	proc_free(&p);
}

static void
test_robust_mutex_recovers_and_plain_stays_stuck(void **state)
{
	struct proc p;

	(void)state;
	run(&p, "shm_pthread_robust", "-t", "1", NULL, NULL);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "robust: EOWNERDEAD"));
	assert_non_null(strstr(p.out, "a = 90, b = 0, moving = 10"));
	assert_non_null(strstr(p.out, "repaired (a = 100, b = 0)"));
	assert_non_null(strstr(p.out, "plain: ETIMEDOUT"));
	assert_non_null(strstr(p.out, "shm_pthread_robust: robust EOWNERDEAD, "
				      "repaired, free; plain stuck"));
	proc_free(&p);
}

static void
test_robust_mutex_without_consistent_is_lost(void **state)
{
	struct proc p;

	(void)state;
	run(&p, "shm_pthread_robust", "-s", "-t", "1", NULL);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "WITHOUT pthread_mutex_consistent"));
	assert_non_null(strstr(p.out, "locked again: ENOTRECOVERABLE"));
	proc_free(&p);
}

static void
test_anonymous_mapping_is_shared_private_is_not(void **state)
{
	struct proc p;

	(void)state;
	run(&p, "shm_mmap_anon", NULL, NULL, NULL, NULL);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "private page: \"written by the parent\""));
	assert_non_null(strstr(p.out, "shared page:  \"written by child "));
	assert_non_null(strstr(p.out, "seen in the shared page, not seen in "
				      "the private one"));
	proc_free(&p);
}

static void
test_mapped_file_holds_both_records_and_is_removed(void **state)
{
	struct proc p;

	run(&p, "shm_mmap_file", "-N", name_of(state), NULL, NULL);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "read(2) finds \"written by the parent\" "
				      "and \"written by the child\" in the "
				      "file"));
	assert_non_null(strstr(p.out, "removed "));
	assert_int_equal(objects_alive(name_of(state)), 0);
	proc_free(&p);
}

/* -o FILE: made 0600, kept with both records; a second run refuses it,
 * and so does a run that finds a symbolic link there. */
static void
test_mapped_file_kept_with_o_and_never_overwritten(void **state)
{
	char dir[] = "/tmp/ipclab-test-mmap.XXXXXX", file[64], link[64];
	char want[64] = "written by the parent\n", got[64];
	struct stat st;
	struct proc p;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/data", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(want + 32, 32, "written by the child\n");
	run(&p, "shm_mmap_file", "-o", file, NULL, NULL);
	assert_code(&p, 0);
	assert_non_null(strstr(p.out, "od -c "));
	proc_free(&p);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 64);
	assert_true((fd = open(file, O_RDONLY)) != -1);
	assert_int_equal(read(fd, got, sizeof(got)), 64);
	close(fd);
	assert_memory_equal(got, want, 64);

	run(&p, "shm_mmap_file", "-o", file, NULL, NULL);
	assert_code(&p, 1);
	assert_non_null(strstr(p.err, "EEXIST"));
	proc_free(&p);
	assert_int_equal(stat(file, &st), 0); /* still there, unchanged */
	assert_int_equal(st.st_size, 64);

	assert_int_equal(symlink("target", link), 0);
	run(&p, "shm_mmap_file", "-o", link, NULL, NULL);
	assert_code(&p, 1);
	proc_free(&p);
	snprintf(link, sizeof(link), "%s/target", dir);
	assert_int_equal(access(link, F_OK), -1); /* not made through it */
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_usage_and_bad_arguments(void **state)
{
	static const char *const progs[] = {
		"shm_futex_doorbell", "shm_broken_futex_wakeup",
		"shm_pthread_robust", "shm_mmap_anon", "shm_mmap_file"};

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		assert_usage_exit(progs[i], 0, "-h", NULL, NULL);
		assert_usage_exit(progs[i], 2, "-x", NULL, NULL);
		assert_usage_exit(progs[i], 2, "stray", NULL, NULL);
		assert_usage_exit(progs[i], 2, "-t", "0", NULL);
	}
	assert_usage_exit("shm_futex_doorbell", 2, "-n", "1001", NULL);
	assert_usage_exit("shm_futex_doorbell", 2, "-d", "ten", NULL);
	assert_usage_exit("shm_mmap_file", 2, "-o", "", NULL);
	assert_usage_exit("shm_mmap_file", 2, "-N", "a/b", NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_doorbell_loses_no_wake_up),
		T(test_broken_doorbell_accounts_its_lost_wake_ups),
		T(test_robust_mutex_recovers_and_plain_stays_stuck),
		T(test_robust_mutex_without_consistent_is_lost),
		T(test_anonymous_mapping_is_shared_private_is_not),
		T(test_mapped_file_holds_both_records_and_is_removed),
		T(test_mapped_file_kept_with_o_and_never_overwritten),
		T(test_usage_and_bad_arguments),
	};

	return cmocka_run_group_tests_name("shm-modern", tests, NULL, NULL);
}
