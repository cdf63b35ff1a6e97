/* SPDX-License-Identifier: MIT */
/* Wall-clock and monotonic milliseconds. */
#ifndef PMC_CLOCK_H
#define PMC_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch (for timestamps shown to users and stored). */
int64_t pmc_clock_wall_ms(void);
/* Milliseconds on CLOCK_MONOTONIC (for durations). */
int64_t pmc_clock_mono_ms(void);

#endif
