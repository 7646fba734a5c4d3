/* clock.h - monotonic time in nanoseconds.
 *
 * CLOCK_MONOTONIC never jumps when the wall clock is set, so differences
 * of its readings are durations; CLOCK_REALTIME readings are not.
 */
#ifndef IPCLAB_CLOCK_H
#define IPCLAB_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NS_PER_MS 1000000ULL
#define NS_PER_S  1000000000ULL

/* Nanoseconds on CLOCK_MONOTONIC since an arbitrary start. */
uint64_t clock_ns(void);

/* Sleep for ms milliseconds, resuming after signals. */
void sleep_ms(unsigned ms);

/* The CLOCK_REALTIME time ms milliseconds from now, as the absolute
 * deadline that sem_timedwait(3) and friends take. */
struct timespec realtime_after_ms(unsigned ms);

#endif
