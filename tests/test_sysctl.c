/* test_sysctl.c - unit tests of lib/sysctl: sysctl_read().
 *
 *   make build/bin/test_sysctl && build/bin/test_sysctl
 *
 * The real limits are checked against what the kernel itself reports
 * through msgctl(IPC_INFO); the odd contents a file might hold are written
 * to a temporary file, removed straight after it is read.
 */
#define _GNU_SOURCE /* struct msginfo, IPC_INFO */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "err.h"
#include "harness.h"
#include "sysctl.h"

/* Write text to a new temporary file, read it with sysctl_read(), remove
 * the file; returns what sysctl_read() returned, errno kept. */
static int
read_text(const char *text, unsigned long *out)
{
	char path[] = "/tmp/ipclab-test-sysctl-XXXXXX";
	int fd = mkstemp(path), rc, err;
	size_t len = strlen(text);

	assert_int_not_equal(fd, -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	errno = 0;
	rc = sysctl_read(path, out);
	err = errno;
	unlink(path);
	errno = err;
	return rc;
}

static void
text_ok(const char *text, unsigned long want)
{
	unsigned long v = 12345;
	int rc = read_text(text, &v);

	if (rc != 0 || v != want)
		fail_msg(
			"sysctl_read of \"%s\": rc %d (%s), value %lu; want %lu",
			text, rc, errno_name(errno), v, want);
}

static void
text_bad(const char *text, int err)
{
	unsigned long v = 12345;
	int rc = read_text(text, &v);

	if (rc != -1 || errno != err || v != 12345)
		fail_msg(
			"sysctl_read of \"%s\": rc %d (%s), value %lu; want -1 "
			"(%s), value untouched",
			text, rc, errno_name(errno), v, errno_name(err));
}

static void
sysctl_read_takes_one_number_with_or_without_newline(void **state)
{
	(void)state;
	text_ok("8192\n", 8192);
	text_ok("16384", 16384);
	text_ok("0\n", 0);
	text_ok("18446744073692774399\n", 18446744073692774399UL); /* shmmax */
}

static void
sysctl_read_refuses_anything_else(void **state)
{
	(void)state;
	text_bad("", EINVAL);
	text_bad("\n", EINVAL);
	text_bad("-1\n", EINVAL);
	text_bad("abc\n", EINVAL);
	text_bad("32000\t1024000000\t500\t32000\n", EINVAL); /* kernel/sem */
	text_bad("8192\n\n", EINVAL);
	text_bad("99999999999999999999999\n", ERANGE);
}

static void
sysctl_read_says_enoent_for_a_missing_limit(void **state)
{
	unsigned long v = 12345;

	(void)state;
	errno = 0;
	assert_int_equal(sysctl_read("/proc/sys/kernel/no-such-limit", &v), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(v, 12345);
}

/* The files say what the kernel enforces: msgctl(IPC_INFO) reports the
 * same System V limits from inside the kernel. */
static void
sysctl_read_agrees_with_msgctl_ipc_info(void **state)
{
	unsigned long msgmax, msgmnb, msgmni;
	struct msginfo info;

	(void)state;
	assert_int_not_equal(msgctl(0, IPC_INFO, (struct msqid_ds *)&info), -1);
	assert_int_equal(sysctl_read(SYSCTL_MSGMAX, &msgmax), 0);
	assert_int_equal(sysctl_read(SYSCTL_MSGMNB, &msgmnb), 0);
	assert_int_equal(sysctl_read(SYSCTL_MSGMNI, &msgmni), 0);
	assert_int_equal(msgmax, (unsigned long)info.msgmax);
	assert_int_equal(msgmnb, (unsigned long)info.msgmnb);
	assert_int_equal(msgmni, (unsigned long)info.msgmni);
}

/* The POSIX queue limits are there and sane: mq_overview(7) gives the
 * floors an administrator may set them to. */
static void
sysctl_read_finds_the_posix_queue_limits(void **state)
{
	unsigned long msg_max, msgsize_max, queues_max;

	(void)state;
	assert_int_equal(sysctl_read(SYSCTL_MQ_MSG_MAX, &msg_max), 0);
	assert_int_equal(sysctl_read(SYSCTL_MQ_MSGSIZE_MAX, &msgsize_max), 0);
	assert_int_equal(sysctl_read(SYSCTL_MQ_QUEUES_MAX, &queues_max), 0);
	assert_true(msg_max >= 1);
	assert_true(msgsize_max >= 128);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			sysctl_read_takes_one_number_with_or_without_newline),
		cmocka_unit_test(sysctl_read_refuses_anything_else),
		cmocka_unit_test(sysctl_read_says_enoent_for_a_missing_limit),
		cmocka_unit_test(sysctl_read_agrees_with_msgctl_ipc_info),
		cmocka_unit_test(sysctl_read_finds_the_posix_queue_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
