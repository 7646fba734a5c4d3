/* idle.c - the gap's jump and the idle hold: see idle.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "idle.h"

#define DMA_LATENCY "/dev/cpu_dma_latency"

static int
same_place(const struct run_result *a, const struct placement *p, size_t size)
{
	return a->cpus.a == p->a && a->cpus.b == p->b && a->size == size;
}

/* Whether r counts: a measured latency row of a blocking transport. */
static int
counts(const struct run_result *r)
{
	return r->status == RUN_OK && r->pattern == PAT_LATENCY &&
	       r->t->wait == WAIT_BLOCK;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The median p50 of the blocking rows of one group at one gap, and how
 * many there were (*k); 0 if none. */
static uint64_t
median_p50(const struct run_result *r, size_t n, const struct placement *p,
	   size_t size, uint64_t gap, size_t *k)
{
	uint64_t *v = malloc((n ? n : 1) * sizeof(*v)), med = 0;

	*k = 0;
	if (v == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (counts(&r[i]) && same_place(&r[i], p, size) &&
		    r[i].gap_ns == gap)
			v[(*k)++] = r[i].rtt.p50;
	if (*k > 0) {
		qsort(v, *k, sizeof(*v), cmp_u64);
		med = *k % 2 ? v[*k / 2] : (v[*k / 2 - 1] + v[*k / 2]) / 2;
	}
	free(v);
	return med;
}

/* The smallest gap of the group's blocking rows above after, or
 * UINT64_MAX. */
static uint64_t
next_gap(const struct run_result *r, size_t n, const struct placement *p,
	 size_t size, uint64_t after, int first)
{
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < n; i++)
		if (counts(&r[i]) && same_place(&r[i], p, size) &&
		    (first || r[i].gap_ns > after) && r[i].gap_ns < best)
			best = r[i].gap_ns;
	return best;
}

size_t
idle_jumps(const struct run_result *r, size_t n, struct idle_jump *out,
	   size_t max)
{
	size_t got = 0;

	for (size_t i = 0; i < n && got < max; i++) {
		struct idle_jump j = {.cpus = r[i].cpus, .size = r[i].size};
		uint64_t g;
		size_t k, seen = 0;

		if (!counts(&r[i]))
			continue;
		for (size_t e = 0; e < got; e++)
			if (same_place(&r[i], &out[e].cpus, out[e].size))
				seen = 1;
		if (seen)
			continue;
		j.base_gap_ns = next_gap(r, n, &j.cpus, j.size, 0, 1);
		j.base_p50_ns = median_p50(r, n, &j.cpus, j.size, j.base_gap_ns,
					   &j.nmechs);
		j.ngaps = 1;
		for (g = j.base_gap_ns;
		     (g = next_gap(r, n, &j.cpus, j.size, g, 0)) != UINT64_MAX;
		     j.ngaps++) {
			uint64_t med = median_p50(r, n, &j.cpus, j.size, g, &k);

			if (!j.found &&
			    med > IDLE_JUMP_FACTOR * j.base_p50_ns) {
				j.found = 1;
				j.gap_ns = g;
				j.p50_ns = med;
			}
		}
		if (j.ngaps >= 2) /* one gap: nothing to compare */
			out[got++] = j;
	}
	return got;
}

int
idle_hold(void)
{
	int32_t zero = 0;
	int fd = open(DMA_LATENCY, O_WRONLY | O_CLOEXEC);

	if (fd == -1)
		return -1;
	/* The request is the 32-bit value written; it holds until the
	 * descriptor's last copy is closed. */
	if (write(fd, &zero, sizeof(zero)) != (ssize_t)sizeof(zero)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}
