/* idle.h - round trips after a pause (--gap): where they get slower, and
 * how to keep the CPUs from sleeping (--no-idle).
 *
 * A CPU with nothing to run enters an idle state; the deeper the state,
 * the longer it takes to wake (its exit latency, in
 * /sys/devices/system/cpu/cpuN/cpuidle/stateM/latency), and in a virtual
 * machine a halted vCPU is woken by the hypervisor.  Back to back, the
 * round trips of a blocking transport never give the CPUs time to go
 * idle; with a gap, each one may start by waking one.
 */
#ifndef IPCLAB_IDLE_H
#define IPCLAB_IDLE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define IDLE_JUMPS_MAX	 16
#define IDLE_JUMP_FACTOR 2 /* "a jump": the median p50 more than doubles */

/* Where the round trips of the blocking transports get slower with the
 * gap, in one group of latency results (one placement and size). */
struct idle_jump {
	struct placement cpus;
	size_t size;
	size_t ngaps;	      /* gaps measured in the group */
	size_t nmechs;	      /* blocking transports measured at the base */
	uint64_t base_gap_ns; /* the smallest gap measured (0, usually) */
	uint64_t base_p50_ns; /* their median p50 there */
	int found;	      /* whether a later gap is a jump */
	uint64_t gap_ns;      /* if found: the smallest such gap */
	uint64_t p50_ns;      /* and the median p50 there */
};

/* For every group (placement, size) of r whose blocking transports were
 * measured at two gaps or more, in order of first appearance: the
 * smallest gap at which the median of their p50s exceeds
 * IDLE_JUMP_FACTOR times the median at the group's smallest gap.  Writes
 * up to max into out; returns how many. */
size_t idle_jumps(const struct run_result *r, size_t n, struct idle_jump *out,
		  size_t max);

/* Ask the kernel to keep every CPU out of idle states that take longer
 * than 0 us to leave, for as long as the returned descriptor stays open:
 * open /dev/cpu_dma_latency and write a 32-bit 0 (the kernel's PM QoS
 * interface; closing it withdraws the request).  Returns the descriptor,
 * or -1 with errno set (EACCES when not root, ENOENT when absent). */
int idle_hold(void);

#endif
