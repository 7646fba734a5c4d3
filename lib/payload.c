/* payload.c - message patterns: see payload.h. */
#include <errno.h>
#include <string.h>

#include "payload.h"

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

/* The 8 pattern bytes of word i of message seq. */
static uint64_t
word(uint64_t seq, size_t i)
{
	return mix(seq * 0x9e3779b97f4a7c15ULL + i + 1);
}

void
payload_fill(void *buf, size_t len, uint64_t seq)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; (i + 1) * 8 <= len; i++) {
		uint64_t w = word(seq, i);

		memcpy(p + i * 8, &w, 8); /* memcpy: buf may be unaligned */
	}
	if (i * 8 < len) {
		uint64_t w = word(seq, i);

		memcpy(p + i * 8, &w, len - i * 8);
	}
}

int
payload_verify(const void *buf, size_t len, uint64_t seq, size_t *bad_at)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i * 8 < len; i++) {
		uint64_t w = word(seq, i);
		size_t n = len - i * 8 < 8 ? len - i * 8 : 8;

		if (memcmp(p + i * 8, &w, n) == 0)
			continue;
		for (size_t j = 0; j < n; j++) { /* find the exact byte */
			if (p[i * 8 + j] != ((unsigned char *)&w)[j]) {
				if (bad_at != NULL)
					*bad_at = i * 8 + j;
				break;
			}
		}
		errno = EBADMSG;
		return -1;
	}
	return 0;
}
