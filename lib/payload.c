/* payload.c - message patterns: see payload.h.
 *
 * Word i of message seq is base + (i + 1) * STEP, where base = mix(seq):
 * one mix per message, then one add per word, which the compiler turns
 * into vector code.  Filling and checking a 64 KiB message then costs a
 * few microseconds, not the tens a mix per word did, so the pattern does
 * not hide the speed of the fastest transports.  Every word still depends
 * on seq (mix is a bijection, so two messages differ in every word) and
 * on its position (STEP is odd, so words of one message differ).
 */
#include <errno.h>
#include <string.h>

#include "payload.h"

#define STEP  0x9e3779b97f4a7c15ULL /* odd: i * STEP never repeats */
#define BLOCK 256		    /* words checked between two tests */

/* Two words at a time, in one SSE2/NEON register (a GCC and Clang
 * extension): the loops below move 16 bytes per step. */
typedef uint64_t words2 __attribute__((vector_size(16)));

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

/* The first word of message seq, less one STEP. */
static uint64_t
base(uint64_t seq)
{
	return mix(seq * 0x9e3779b97f4a7c15ULL + 1);
}

void
payload_fill(void *buf, size_t len, uint64_t seq)
{
	unsigned char *p = buf;
	uint64_t w = base(seq) + STEP;
	size_t words = len / 8, i = 0;
	/* Two vectors a step, so that one's add does not wait for the
	 * other's: the loop runs at the speed of the stores. */
	words2 a = {w, w + STEP}, b = {w + 2 * STEP, w + 3 * STEP};
	const words2 step4 = {4 * STEP, 4 * STEP};

	for (; i + 4 <= words; i += 4, a += step4, b += step4) {
		memcpy(p + i * 8, &a, 16); /* memcpy: buf may be unaligned */
		memcpy(p + i * 8 + 16, &b, 16);
	}
	for (w = a[0]; i < words; i++, w += STEP)
		memcpy(p + i * 8, &w, 8);
	memcpy(p + words * 8, &w, len - words * 8);
}

/* Whether the n words at p differ from the pattern words starting at w:
 * the differences ORed together, with no branch a word. */
static uint64_t
words_differ(const unsigned char *p, size_t n, uint64_t w)
{
	/* Two vectors a step, each with its own running difference, so
	 * that the loads of one overlap the compares of the other. */
	words2 a = {w, w + STEP}, b = {w + 2 * STEP, w + 3 * STEP}, ga, gb;
	words2 da = {0, 0}, db = {0, 0};
	const words2 step4 = {4 * STEP, 4 * STEP};
	uint64_t diff = 0, one;
	size_t k = 0;

	for (; k + 4 <= n; k += 4, a += step4, b += step4) {
		memcpy(&ga, p + k * 8, 16);
		memcpy(&gb, p + k * 8 + 16, 16);
		da |= ga ^ a;
		db |= gb ^ b;
	}
	for (w = a[0]; k < n; k++, w += STEP) {
		memcpy(&one, p + k * 8, 8);
		diff |= one ^ w;
	}
	da |= db;
	return diff | da[0] | da[1];
}

/* The offset of the first byte of the n bytes at p that differs from the
 * pattern starting at word w, or n if none does: slow, used only once a
 * difference is known to be there. */
static size_t
first_bad(const unsigned char *p, size_t n, uint64_t w)
{
	for (size_t j = 0; j < n; j++) {
		if (j > 0 && j % 8 == 0)
			w += STEP;
		if (p[j] != ((const unsigned char *)&w)[j % 8])
			return j;
	}
	return n;
}

int
payload_verify(const void *buf, size_t len, uint64_t seq, size_t *bad_at)
{
	const unsigned char *p = buf;
	uint64_t w = base(seq) + STEP, last;
	size_t words = len / 8, i = 0, n;

	/* Blocks of up to BLOCK words: one test a block, not one a word. */
	for (; i < words; i += n, w += n * STEP) {
		n = words - i < BLOCK ? words - i : BLOCK;
		if (words_differ(p + i * 8, n, w) != 0)
			goto bad;
	}
	last = w; /* the bytes of a last partial word */
	if (memcmp(p + i * 8, &last, len - i * 8) == 0)
		return 0;
bad:
	if (bad_at != NULL)
		*bad_at = i * 8 + first_bad(p + i * 8, len - i * 8, w);
	errno = EBADMSG;
	return -1;
}
