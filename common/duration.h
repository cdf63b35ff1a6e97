/* SPDX-License-Identifier: MIT */
/* Human units: durations (ms, s, m, h), sizes (K, M, G) and their display. */
#ifndef PMC_DURATION_H
#define PMC_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* "1500", "1500ms", "2s", "1.5s", "3m", "1h" into milliseconds; 0 or -EINVAL. */
int pmc_duration_parse(const char *text, int64_t *ms);
/* "42s", "3m", "2h", "5D" (PM2 style); writes into buf. */
void pmc_duration_format(int64_t ms, char *buf, size_t size);
/* "512", "10K", "200M", "1G" (powers of 1024) into bytes; 0 or -EINVAL. */
int pmc_size_parse(const char *text, int64_t *bytes);
/* "0b", "512b", "12.3kb", "48.4mb", "1.2gb" (PM2 style); writes into buf. */
void pmc_size_format(int64_t bytes, char *buf, size_t size);

#endif
