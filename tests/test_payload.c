/* test_payload.c - unit tests of lib/payload: payload_fill() and
 * payload_verify().
 *
 *   make build/bin/test_payload && build/bin/test_payload
 *
 * Buffers are malloc'ed at their exact length, so under valgrind a read or
 * write one byte too far is reported.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "harness.h"
#include "payload.h"

static const size_t lens[] = {0, 1, 7, 8, 9, 63, 64, 65, 4096};
#define NLENS (sizeof(lens) / sizeof(lens[0]))

static const uint64_t seqs[] = {0, 1, 42, 0x123456789abcdefULL, UINT64_MAX};
#define NSEQS (sizeof(seqs) / sizeof(seqs[0]))

/* A buffer of exactly off + len bytes (at least 1, for malloc). */
static unsigned char *
alloc_exact(size_t off, size_t len)
{
	unsigned char *p = malloc(off + len > 0 ? off + len : 1);

	assert_non_null(p);
	return p;
}

/* Verify must fail with EBADMSG, reporting want as the first bad byte. */
static void
expect_bad_at(const void *buf, size_t len, uint64_t seq, size_t want)
{
	size_t bad_at = (size_t)-1;
	int rc;

	errno = 0;
	rc = payload_verify(buf, len, seq, &bad_at);
	if (rc != -1 || errno != EBADMSG || bad_at != want)
		fail_msg("payload_verify(len %zu, seq %llu): rc %d errno %s "
			 "bad_at %zu; want -1, EBADMSG, bad_at %zu",
			 len, (unsigned long long)seq, rc, errno_name(errno),
			 bad_at, want);
}

static void
expect_good(const void *buf, size_t len, uint64_t seq)
{
	size_t bad_at = 777777;
	int rc = payload_verify(buf, len, seq, &bad_at);

	if (rc != 0)
		fail_msg("payload_verify(len %zu, seq %llu) = %d (%s), bad_at "
			 "%zu; want 0",
			 len, (unsigned long long)seq, rc, errno_name(errno),
			 bad_at);
}

/* The first offset at which a and b differ, or len if none. */
static size_t
first_diff(const unsigned char *a, const unsigned char *b, size_t len)
{
	size_t i = 0;

	while (i < len && a[i] == b[i])
		i++;
	return i;
}

static void
payload_round_trips_every_length(void **state)
{
	(void)state;
	for (size_t l = 0; l < NLENS; l++) {
		for (size_t s = 0; s < NSEQS; s++) {
			unsigned char *p = alloc_exact(0, lens[l]);

			payload_fill(p, lens[l], seqs[s]);
			expect_good(p, lens[l], seqs[s]);
			assert_int_equal(
				payload_verify(p, lens[l], seqs[s], NULL), 0);
			free(p);
		}
	}
}

static void
payload_round_trips_at_odd_offsets(void **state)
{
	(void)state;
	for (size_t off = 1; off < 8; off++) {
		for (size_t l = 0; l < NLENS; l++) {
			unsigned char *p = alloc_exact(off, lens[l]);

			payload_fill(p + off, lens[l], 99 + off);
			expect_good(p + off, lens[l], 99 + off);
			free(p);
		}
	}
}

/* The same message at two alignments has the same bytes: the pattern
 * depends on position in the message, not on the address. */
static void
payload_bytes_do_not_depend_on_alignment(void **state)
{
	unsigned char *a = alloc_exact(0, 4096), *b = alloc_exact(3, 4096);

	(void)state;
	payload_fill(a, 4096, 5);
	payload_fill(b + 3, 4096, 5);
	assert_memory_equal(a, b + 3, 4096);
	free(a);
	free(b);
}

static void
payload_fill_writes_exactly_len_bytes(void **state)
{
	unsigned char buf[4096 + 32];

	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t l = 0; l < NLENS; l++) {
			memset(buf, 0xa5, sizeof(buf));
			payload_fill(buf + 8 + off, lens[l], 3);
			for (size_t i = 0; i < 8 + off; i++)
				assert_int_equal(buf[i], 0xa5);
			for (size_t i = 8 + off + lens[l]; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 0xa5);
		}
	}
}

/* Flip one byte at pos (all bits, then one bit) of a message of every
 * length, aligned and not: the exact offset must be reported. */
static void
flip_and_check(size_t (*where)(size_t len))
{
	for (size_t off = 0; off < 2; off++) {
		for (size_t l = 0; l < NLENS; l++) {
			size_t len = lens[l];
			unsigned char *p;
			size_t pos;

			if (len == 0)
				continue;
			pos = where(len);
			p = alloc_exact(off, len);
			payload_fill(p + off, len, 11);
			p[off + pos] ^= 0xff;
			expect_bad_at(p + off, len, 11, pos);
			p[off + pos] ^= 0xff ^ 0x01; /* now only one bit off */
			expect_bad_at(p + off, len, 11, pos);
			p[off + pos] ^= 0x01;
			expect_good(p + off, len, 11);
			free(p);
		}
	}
}

static size_t
first_pos(size_t len)
{
	(void)len;
	return 0;
}

static size_t
middle_pos(size_t len)
{
	return len / 2;
}

static size_t
last_pos(size_t len)
{
	return len - 1;
}

static void
payload_flipped_first_byte_is_caught_at_its_offset(void **state)
{
	(void)state;
	flip_and_check(first_pos);
}

static void
payload_flipped_middle_byte_is_caught_at_its_offset(void **state)
{
	(void)state;
	flip_and_check(middle_pos);
}

static void
payload_flipped_last_byte_is_caught_at_its_offset(void **state)
{
	(void)state;
	flip_and_check(last_pos);
}

static void
payload_reports_the_first_of_several_bad_bytes(void **state)
{
	unsigned char *p = alloc_exact(0, 4096);

	(void)state;
	payload_fill(p, 4096, 8);
	p[100] ^= 1;
	p[3000] ^= 1;
	p[4095] ^= 1;
	expect_bad_at(p, 4096, 8, 100);
	p[100] ^= 1;
	expect_bad_at(p, 4096, 8, 3000);
	free(p);
}

static void
payload_verify_accepts_null_bad_at(void **state)
{
	unsigned char *p = alloc_exact(0, 65);

	(void)state;
	payload_fill(p, 65, 1);
	p[64] ^= 0x80;
	errno = 0;
	assert_int_equal(payload_verify(p, 65, 1, NULL), -1);
	assert_int_equal(errno, EBADMSG);
	free(p);
}

/* A message checked against another sequence number fails, at the first
 * byte where the two patterns differ. */
static void
payload_wrong_seq_fails(void **state)
{
	static const uint64_t pairs[][2] = {
		{0, 1}, {1, 0}, {7, 8}, {UINT64_MAX, 0}, {5, 5 + (1ULL << 32)},
	};

	(void)state;
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		for (size_t l = 0; l < NLENS; l++) {
			size_t len = lens[l];
			unsigned char *a = alloc_exact(0, len);
			unsigned char *b = alloc_exact(0, len);
			size_t d;

			if (len == 0) {
				free(a);
				free(b);
				continue;
			}
			payload_fill(a, len, pairs[k][0]);
			payload_fill(b, len, pairs[k][1]);
			d = first_diff(a, b, len);
			if (d == len)
				fail_msg("seqs %llu and %llu give the same %zu "
					 "bytes",
					 (unsigned long long)pairs[k][0],
					 (unsigned long long)pairs[k][1], len);
			expect_bad_at(a, len, pairs[k][1], d);
			free(a);
			free(b);
		}
	}
}

/* Every 64-byte line depends on the sequence number: no line of message n
 * equals the line at the same place in message m, whatever n and m. */
static void
payload_different_seqs_differ_in_every_line(void **state)
{
	static const uint64_t more[] = {2, 4, 6, 8, 1000, 1ULL << 32, 1ULL << 49};
	unsigned char *a = alloc_exact(0, 4096), *b = alloc_exact(0, 4096);

	(void)state;
	for (size_t s = 0; s < NSEQS; s++) {
		for (size_t m = 0; m < sizeof(more) / sizeof(more[0]); m++) {
			uint64_t other = seqs[s] + more[m];

			payload_fill(a, 4096, seqs[s]);
			payload_fill(b, 4096, other);
			for (size_t i = 0; i < 4096; i += 64)
				if (memcmp(a + i, b + i, 64) == 0)
					fail_msg("line %zu equal for seqs %llu, "
						 "%llu",
						 i / 64,
						 (unsigned long long)seqs[s],
						 (unsigned long long)other);
		}
	}
	free(a);
	free(b);
}

/* Two consecutive messages differ in every byte, so that a line torn
 * between them fails wherever it tore. */
static void
payload_consecutive_seqs_differ_in_every_byte(void **state)
{
	unsigned char *a = alloc_exact(0, 70000), *b = alloc_exact(0, 70000);

	(void)state;
	for (size_t s = 0; s < NSEQS; s++) {
		payload_fill(a, 70000, seqs[s]);
		payload_fill(b, 70000, seqs[s] + 1);
		for (size_t i = 0; i < 70000; i++)
			if (a[i] == b[i])
				fail_msg("byte %zu equal for seqs %llu and next",
					 i, (unsigned long long)seqs[s]);
	}
	free(a);
	free(b);
}

/* buf, which is not message seq, must fail at exactly the first byte
 * where it differs from a freshly filled message seq. */
static void
expect_bad_vs_fresh(const unsigned char *buf, size_t len, uint64_t seq)
{
	unsigned char *ref = alloc_exact(0, len);
	size_t d;

	payload_fill(ref, len, seq);
	d = first_diff(buf, ref, len);
	free(ref);
	assert_true(d < len); /* the test really did change the message */
	expect_bad_at(buf, len, seq, d);
}

/* Message bytes moved by a byte or a word (a lost or repeated chunk) fail. */
static void
payload_shifted_message_fails(void **state)
{
	unsigned char *p = alloc_exact(0, 4096 + 8);

	(void)state;
	payload_fill(p, 4096 + 8, 21);
	expect_bad_vs_fresh(p + 8, 4096, 21); /* the first word was lost */
	expect_bad_vs_fresh(p + 1, 4096, 21); /* the first byte was lost */
	memmove(p + 8, p, 4096);	      /* the first word repeated */
	expect_bad_vs_fresh(p, 4096, 21);
	free(p);
}

/* Two words swapped (reordered writes) fail within the first of them. */
static void
payload_swapped_words_fail(void **state)
{
	unsigned char *p = alloc_exact(0, 64), w[8];
	size_t bad_at = 0;

	(void)state;
	payload_fill(p, 64, 33);
	memcpy(w, p + 16, 8);
	memcpy(p + 16, p + 40, 8);
	memcpy(p + 40, w, 8);
	expect_bad_vs_fresh(p, 64, 33);
	assert_int_equal(payload_verify(p, 64, 33, &bad_at), -1);
	assert_in_range(bad_at, 16, 23);
	free(p);
}

/* A message whose second half comes from the next message (a torn read)
 * fails in the second half. */
static void
payload_torn_message_fails(void **state)
{
	unsigned char *p = alloc_exact(0, 4096), *next = alloc_exact(0, 4096);
	size_t bad_at = 0;

	(void)state;
	payload_fill(p, 4096, 50);
	payload_fill(next, 4096, 51);
	memcpy(p + 2048, next + 2048, 2048);
	expect_bad_vs_fresh(p, 4096, 50);
	assert_int_equal(payload_verify(p, 4096, 50, &bad_at), -1);
	assert_in_range(bad_at, 2048, 2055);
	free(p);
	free(next);
}

/* Every length from 1 to 1100 bytes, at every alignment: the message
 * checks, and a byte flipped at any offset is named. */
static void
payload_every_length_and_offset_is_checked(void **state)
{
	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 1; len <= 1100; len++) {
			unsigned char *p = alloc_exact(off, len);
			size_t step = off == 0 && len <= 300 ? 1 : 37;

			payload_fill(p + off, len, len * 3 + off);
			expect_good(p + off, len, len * 3 + off);
			for (size_t pos = len % step; pos < len; pos += step) {
				p[off + pos] ^= 0x10;
				expect_bad_at(p + off, len, len * 3 + off, pos);
				p[off + pos] ^= 0x10;
			}
			free(p);
		}
	}
}

/* A message longer than the prepared blocks (which repeat along it): each
 * byte of the first and last lines of every block, of the message's end,
 * and every 61st byte, flipped in turn, is named.  (Every byte would take
 * seconds: each check scans the message up to the flip.) */
static void
payload_every_byte_of_a_long_message_is_checked(void **state)
{
	size_t len = 3 * 65536 + 77;
	unsigned char *p = alloc_exact(1, len);

	(void)state;
	payload_fill(p + 1, len, 123456789);
	expect_good(p + 1, len, 123456789);
	for (size_t pos = 0; pos < len; pos++) {
		if (pos % 65536 >= 64 && pos % 65536 < 65536 - 64 &&
		    pos < len - 256 && pos % 61 != 0)
			continue;
		p[1 + pos] ^= 0x01;
		expect_bad_at(p + 1, len, 123456789, pos);
		p[1 + pos] ^= 0x01;
	}
	free(p);
}

/* A line left over from an older message (a stale line: the reader saw
 * it before the writer's store reached it) fails within its stamp, the
 * line's first 8 bytes, however many messages old it is. */
static void
payload_stale_line_fails(void **state)
{
	static const uint64_t ages[] = {1, 2, 3, 4, 5, 8, 64, 1000,
					1ULL << 32, (1ULL << 50) - 4};
	size_t len = 2 * 65536 + 128;
	unsigned char *p = alloc_exact(0, len), *old = alloc_exact(0, len);

	(void)state;
	for (size_t a = 0; a < sizeof(ages) / sizeof(ages[0]); a++) {
		uint64_t seq = 77 + (1ULL << 51), was = seq - ages[a];

		payload_fill(old, len, was);
		for (size_t line = 0; line < len / 64; line += 97) {
			size_t bad_at = 0;

			payload_fill(p, len, seq);
			memcpy(p + line * 64, old + line * 64, 64);
			expect_bad_vs_fresh(p, len, seq);
			assert_int_equal(payload_verify(p, len, seq, &bad_at),
					 -1);
			assert_in_range(bad_at, line * 64, line * 64 + 7);
			if (ages[a] % 4 != 0) /* then every stamp byte differs */
				assert_int_equal(bad_at, line * 64);
		}
	}
	free(p);
	free(old);
}

/* A line torn between two consecutive messages, at any byte, either way
 * round, in an aligned or unaligned buffer: the first byte from the wrong
 * message is named. */
static void
payload_torn_line_fails_at_the_tear(void **state)
{
	size_t len = 4096;

	(void)state;
	for (size_t off = 0; off < 4; off += 3) {
		unsigned char *p = alloc_exact(off, len);
		unsigned char *next = alloc_exact(0, len);

		payload_fill(next, len, 1001);
		for (size_t line = 0; line < len / 64; line += 21) {
			size_t at = line * 64;

			for (size_t t = 1; t < 64; t++) {
				/* the first t bytes are right, the rest new */
				payload_fill(p + off, len, 1000);
				memcpy(p + off + at + t, next + at + t, 64 - t);
				expect_bad_at(p + off, len, 1000, at + t);
				/* the first t bytes are new, the rest right */
				payload_fill(p + off, len, 1000);
				memcpy(p + off + at, next + at, t);
				expect_bad_at(p + off, len, 1000, at);
			}
		}
		free(p);
		free(next);
	}
}

/* A line moved to another place in the same message (a slot written at a
 * wrong offset), even a whole block away, fails at the line's stamp. */
static void
payload_moved_line_fails(void **state)
{
	size_t len = 2 * 65536;
	unsigned char *p = alloc_exact(0, len);
	static const size_t moves[][2] = {{0, 1}, {5, 3}, {0, 1024}, {7, 1031}};

	(void)state;
	for (size_t m = 0; m < sizeof(moves) / sizeof(moves[0]); m++) {
		size_t from = moves[m][0] * 64, to = moves[m][1] * 64;
		size_t bad_at = 0;

		payload_fill(p, len, 9);
		memcpy(p + to, p + from, 64);
		expect_bad_vs_fresh(p, len, 9);
		assert_int_equal(payload_verify(p, len, 9, &bad_at), -1);
		assert_in_range(bad_at, to, to + 7);
	}
	free(p);
}

/* Threads that fill at once leave each other's messages whole: each
 * stamps a copy of the blocks of its own.  Four threads, two on each
 * parity, let go together, fill and check messages longer than a block.
 * (With one copy for all threads, each of 12 runs here saw a thread
 * fail 2 to 1109 of its 5000.) */
#define FILLS 5000

static pthread_barrier_t go;

struct filler {
	uint64_t first; /* the thread's first message number */
	int wrong;	/* its messages that failed their check */
};

static void *
fill_and_check(void *arg)
{
	struct filler *f = arg;
	size_t len = 65536 + 640;
	unsigned char *p = malloc(len);

	pthread_barrier_wait(&go);
	if (p == NULL) {
		f->wrong = -1;
		return NULL;
	}
	for (uint64_t i = 0; i < FILLS; i++) {
		payload_fill(p, len, f->first + 2 * i);
		if (payload_verify(p, len, f->first + 2 * i, NULL) != 0)
			f->wrong++;
	}
	free(p);
	return NULL;
}

static void
payload_threads_fill_at_once(void **state)
{
	struct filler f[4] = {{0, 0}, {1, 0}, {1000000, 0}, {1000001, 0}};
	pthread_t t[4];

	(void)state;
	assert_int_equal(pthread_barrier_init(&go, NULL, 4), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fill_and_check,
						&f[i]),
				 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < 4; i++)
		if (f[i].wrong != 0)
			fail_msg("thread %d: %d of %d messages failed", i,
				 f[i].wrong, FILLS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payload_round_trips_every_length),
		cmocka_unit_test(payload_round_trips_at_odd_offsets),
		cmocka_unit_test(payload_bytes_do_not_depend_on_alignment),
		cmocka_unit_test(payload_fill_writes_exactly_len_bytes),
		cmocka_unit_test(
			payload_flipped_first_byte_is_caught_at_its_offset),
		cmocka_unit_test(
			payload_flipped_middle_byte_is_caught_at_its_offset),
		cmocka_unit_test(
			payload_flipped_last_byte_is_caught_at_its_offset),
		cmocka_unit_test(
			payload_reports_the_first_of_several_bad_bytes),
		cmocka_unit_test(payload_verify_accepts_null_bad_at),
		cmocka_unit_test(payload_wrong_seq_fails),
		cmocka_unit_test(payload_different_seqs_differ_in_every_line),
		cmocka_unit_test(payload_consecutive_seqs_differ_in_every_byte),
		cmocka_unit_test(payload_shifted_message_fails),
		cmocka_unit_test(payload_swapped_words_fail),
		cmocka_unit_test(payload_torn_message_fails),
		cmocka_unit_test(payload_every_length_and_offset_is_checked),
		cmocka_unit_test(
			payload_every_byte_of_a_long_message_is_checked),
		cmocka_unit_test(payload_stale_line_fails),
		cmocka_unit_test(payload_torn_line_fails_at_the_tear),
		cmocka_unit_test(payload_moved_line_fails),
		cmocka_unit_test(payload_threads_fill_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
