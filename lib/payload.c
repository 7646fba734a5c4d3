/* payload.c - message patterns: see payload.h.
 *
 * A message is cut into 64-byte lines, counted from its first byte (a
 * cache line each when the buffer is 64-byte aligned, as the transports'
 * slots are).  Line k of message seq is
 *   - in its first 8 bytes, the stamp: stamp(seq) ^ place(k);
 *   - in the other 56, bytes of block[seq & 1], a prepared block of
 *     BLOCK bytes that repeats along the message.
 * block[1] is block[0] with every byte complemented, so two consecutive
 * messages differ in every byte outside the stamps; every byte of
 * stamp(seq) holds seq mod 4 in its low two bits, so consecutive stamps
 * differ in every byte too.  A line torn between two consecutive messages
 * therefore fails at the first byte that came from the wrong one.  The
 * other 48 bits of the stamp come from seq / 4 by a bijection, so a line
 * left over from any older message (up to 2^50 messages back) fails at
 * its stamp.  place(k) differs for every line, and the block's words
 * differ for every 8-byte place within BLOCK, so bytes moved within a
 * message fail too.
 *
 * Why this shape: payload_fill stamps the lines of a prepared copy of
 * the block (one 8-byte store a line) and copies it into the message with
 * one memcpy; payload_verify makes one pass of wide loads of the message
 * and of the block, asking for the message's lines AHEAD bytes before it
 * loads them.  Handing 64 KiB from one CPU to another, the earlier
 * pattern, computed and stored 16 bytes at a time, cost 2.9 times memcpy
 * + memcmp when the CPUs were far apart; this one costs about what they
 * cost there, and 1.35 times in one CPU's cache, where nothing hides the
 * stamps' 1024 stores (docs/bench.md, "When the host moves the CPUs").
 * Measured, not guessed:
 *   - stamps stored into the message after its memcpy, rather than into
 *     the copy before it, held an 8-slot ring of 64 KiB messages to 0.65
 *     to 0.83 of its rate with memcpy + memcmp, against 0.86 to 0.94;
 *   - without asking ahead, the check took about 1 us more a 64 KiB
 *     message from far CPUs than memcmp;
 *   - one pass of vector stores, stamp and block together, was slower
 *     near and far: glibc copies 64 KiB with rep movsb, which writes
 *     another CPU's lines faster than a loop of stores can;
 *   - the same bytes copied in 4 KiB pieces took nearly twice as long
 *     across far CPUs, so a block is 64 KiB.
 * The two blocks, 128 KiB, are made once when the program starts (a
 * constructor, so no thread can race to make them); each thread that
 * fills makes its own copies of them, 128 KiB more, whatever the message
 * size: a 64 MiB message repeats them, its lines still told apart by
 * their stamps.
 */
#include <errno.h>
#include <string.h>

#include "payload.h"

#define LINE  64
#define STAMP 8		   /* bytes of stamp at the start of each line */
#define BLOCK 65536	   /* bytes of a block: a multiple of 2 * LINE */
#define STEP  0x9e3779b97f4a7c15ULL /* odd: k * STEP never repeats */
/* How far ahead of its loads payload_verify asks for the message's lines
 * (__builtin_prefetch).  A line still in the writer's cache takes a
 * round trip to the other CPU (0.1 to 0.5 us); asked for ahead, many are
 * on their way at once.  4 KiB was the best of 0.25 to 32 KiB across far
 * CPUs. */
#define AHEAD 4096

/* Bytes at the stamps' places are 0 in the blocks: the stamp is stored
 * over them (fill) or XORed into the comparison (verify). */
static unsigned char block[2][BLOCK] __attribute__((aligned(LINE)));

/* splitmix64's finaliser: a cheap mix in which every input bit changes
 * about half of the output bits. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

__attribute__((constructor)) static void
make_blocks(void)
{
	for (size_t i = 0; i < BLOCK; i += 8) {
		uint64_t w = mix(i / 8 + 1);

		if (i % LINE < STAMP)
			w = 0;
		memcpy(&block[0][i], &w, 8);
		w = i % LINE < STAMP ? 0 : ~w;
		memcpy(&block[1][i], &w, 8);
	}
}

/* The low 48 bits of x, mixed by steps each a bijection of 48-bit
 * numbers (a shift XORed in, a multiplication by an odd number): numbers
 * that differ in any bit give stamps that differ in many. */
#define MASK48 ((1ULL << 48) - 1)

static uint64_t
mix48(uint64_t x)
{
	x &= MASK48;
	x ^= x >> 24;
	x = (x * 0xbf58476d1ce5ULL) & MASK48;
	x ^= x >> 23;
	x = (x * 0x94d049bb1331ULL) & MASK48;
	return x ^ (x >> 24);
}

/* The stamp of message seq: seq mod 4 in the low two bits of every byte,
 * and 48 bits from seq / 4 in the high six.  Its upper bits are folded
 * into the low 48 as a constant XOR, so that two messages fewer than
 * 2^50 apart always have different stamps. */
static uint64_t
stamp(uint64_t seq)
{
	uint64_t q = seq >> 2, hi = mix48(q ^ (q >> 48) * 0x9e3779b97f4bULL);
	uint64_t s = 0;

	for (int b = 0; b < 8; b++)
		s |= (((hi >> (6 * b)) & 0x3f) << 2 | (seq & 3)) << (8 * b);
	return s;
}

/* What line k adds to its stamp, so that no two lines of a message have
 * the same one. */
static uint64_t
place(uint64_t k)
{
	return (k + 1) * STEP;
}

/* A thread's own copies of the two blocks, into which payload_fill
 * stamps a message before it copies it out with one memcpy; made from
 * block[] when the thread first fills.  Thread-local, so that threads
 * filling at once never stamp one copy. */
static _Thread_local unsigned char copies[2][BLOCK]
	__attribute__((aligned(LINE)));
static _Thread_local int copies_made;

/* Stamp the lines that begin in the first n bytes of a copy as lines k,
 * k + 1, ... of the message whose stamp is s.  One add, one XOR and one
 * store a line, four lines a step: at 64 bytes a line, a loop of a few
 * instructions a line would cost as much as the copy.  The copy holds
 * whole lines, so a stamp always fits, even where the message ends
 * inside it. */
static void
stamp_copy(unsigned char *c, size_t n, uint64_t k, uint64_t s)
{
	uint64_t pl = place(k), v[4];
	size_t at = 0;

	for (; at + 3 * LINE < n; at += 4 * LINE, pl += 4 * STEP) {
		v[0] = s ^ pl;
		v[1] = s ^ (pl + STEP);
		v[2] = s ^ (pl + 2 * STEP);
		v[3] = s ^ (pl + 3 * STEP);
		memcpy(c + at, &v[0], STAMP);
		memcpy(c + at + LINE, &v[1], STAMP);
		memcpy(c + at + 2 * LINE, &v[2], STAMP);
		memcpy(c + at + 3 * LINE, &v[3], STAMP);
	}
	for (; at < n; at += LINE, pl += STEP) {
		v[0] = s ^ pl;
		memcpy(c + at, &v[0], STAMP);
	}
}

void
payload_fill(void *buf, size_t len, uint64_t seq)
{
	unsigned char *p = buf, *c;
	uint64_t s = stamp(seq);

	if (!copies_made) {
		memcpy(copies, block, sizeof(copies));
		copies_made = 1;
	}
	/* A block at a time (a longer message repeats it): stamped in this
	 * thread's copy, then copied into the message. */
	c = copies[seq & 1];
	for (size_t at = 0; at < len; at += BLOCK) {
		size_t n = len - at < BLOCK ? len - at : BLOCK;

		stamp_copy(c, n, at / LINE, s);
		memcpy(p + at, c, n);
	}
}

/* Four words in one vector (a GCC and Clang extension); the compiler
 * makes one AVX2 register of it, or two SSE2/NEON ones. */
typedef uint64_t words4 __attribute__((vector_size(32)));

/* Whether the n whole lines at p differ from lines k... of the pattern
 * whose block is b (at offset k * LINE % BLOCK) and stamp s: every
 * difference ORed together, with no branch a line.  Two lines a step,
 * each with its own running difference, so that the loads of one overlap
 * the compares of the other.  The two lines AHEAD bytes further on are
 * asked for as long as they are before end, the end of the message's
 * whole lines: a line past it may be one another CPU is writing. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static int
lines_differ(const unsigned char *p, size_t n, const unsigned char *end,
	     const unsigned char *b, uint64_t k, uint64_t s)
{
	words4 d0 = {0, 0, 0, 0}, d1 = {0, 0, 0, 0}, m0, m1, m2, m3;
	words4 b0, b1, b2, b3;
	size_t i = 0;

	for (; i + 2 <= n; i += 2, k += 2) {
		const unsigned char *q = p + i * LINE;
		const unsigned char *c = b + (k * LINE) % BLOCK;
		words4 s0 = {s ^ place(k), 0, 0, 0};
		words4 s1 = {s ^ place(k + 1), 0, 0, 0};

		if (end - q >= AHEAD + 2 * LINE) {
			__builtin_prefetch(q + AHEAD);
			__builtin_prefetch(q + AHEAD + LINE);
		}
		memcpy(&m0, q, 32); /* memcpy: p may be unaligned */
		memcpy(&m1, q + 32, 32);
		memcpy(&m2, q + 64, 32);
		memcpy(&m3, q + 96, 32);
		memcpy(&b0, c, 32);
		memcpy(&b1, c + 32, 32);
		memcpy(&b2, c + 64, 32);
		memcpy(&b3, c + 96, 32);
		d0 |= (m0 ^ b0 ^ s0) | (m1 ^ b1);
		d1 |= (m2 ^ b2 ^ s1) | (m3 ^ b3);
	}
	for (; i < n; i++, k++) {
		const unsigned char *q = p + i * LINE;
		const unsigned char *c = b + (k * LINE) % BLOCK;
		words4 s0 = {s ^ place(k), 0, 0, 0};

		memcpy(&m0, q, 32);
		memcpy(&m1, q + 32, 32);
		memcpy(&b0, c, 32);
		memcpy(&b1, c + 32, 32);
		d0 |= (m0 ^ b0 ^ s0) | (m1 ^ b1);
	}
	d0 |= d1;
	return (d0[0] | d0[1] | d0[2] | d0[3]) != 0;
}

/* Byte at of message seq, whose block is b and stamp s. */
static unsigned char
expected(size_t at, const unsigned char *b, uint64_t s)
{
	uint64_t v = s ^ place(at / LINE);

	if (at % LINE < STAMP)
		return ((const unsigned char *)&v)[at % LINE];
	return b[at % BLOCK];
}

int
payload_verify(const void *buf, size_t len, uint64_t seq, size_t *bad_at)
{
	const unsigned char *p = buf, *b = block[seq & 1];
	uint64_t s = stamp(seq);
	size_t lines = len / LINE, at;

	/* The first AHEAD bytes asked for at once; then whole lines, a
	 * block's worth between two tests; then the bytes of a last partial
	 * line, one by one (fewer than 64). */
	for (at = 0; at < AHEAD && at < lines * LINE; at += LINE)
		__builtin_prefetch(p + at);
	for (size_t k = 0; k < lines; k += BLOCK / LINE) {
		size_t n = lines - k < BLOCK / LINE ? lines - k : BLOCK / LINE;

		if (lines_differ(p + k * LINE, n, p + lines * LINE, b, k, s)) {
			at = k * LINE;
			goto bad;
		}
	}
	for (at = lines * LINE; at < len; at++)
		if (p[at] != expected(at, b, s))
			goto bad;
	return 0;
bad:
	/* Slow, and only once a difference is known to be there. */
	while (at < len && p[at] == expected(at, b, s))
		at++;
	if (bad_at != NULL)
		*bad_at = at;
	errno = EBADMSG;
	return -1;
}
