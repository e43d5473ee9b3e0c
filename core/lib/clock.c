/*
 * clock.c: a monotonic clock in microseconds, for timing requests and
 * deadlines that must not jump with the wall clock.
 */
#include <time.h>

#include "lib.h"

/* Microseconds on the monotonic clock. */
uint64_t
clock_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
