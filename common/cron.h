/* SPDX-License-Identifier: MIT */
/* Cron expressions (Vixie cron's 5 fields, croner's optional seconds, @macros) and their next time.
 */
#ifndef PMC_COMMON_CRON_H
#define PMC_COMMON_CRON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Longest expression accepted, in bytes. */
#define PMC_CRON_MAX_LEN 256

/* A parsed expression: one bit per allowed value of each field. */
struct pmc_cron {
	uint64_t seconds; /* bits 0..59; only bit 0 for a 5-field expression */
	uint64_t minutes; /* bits 0..59 */
	uint32_t hours;   /* bits 0..23 */
	uint32_t mdays;   /* bits 1..31 */
	uint16_t months;  /* bits 1..12 */
	uint8_t wdays;    /* bits 0..6, Sunday = 0 (7 is read as 0) */
	/* Vixie cron: a day field written from '*' does not restrict; when both are
	 * restricted, a day matches either of them (OR), otherwise both (AND). */
	bool mday_star;
	bool wday_star;
};

/*
 * Parse "MIN HOUR MDAY MONTH WDAY", the same with a leading SECONDS field, or
 * @yearly @annually @monthly @weekly @daily @midnight @hourly. Fields take *,
 * N, A-B, lists A,B, steps *\/N (every N), A-B/N and A/N (A to the end), and the names
 * jan..dec and sun..sat in any case. Returns 0, or -EINVAL with *cause set
 * (caller frees) naming the field and the problem.
 */
int pmc_cron_parse(const char *expr, struct pmc_cron *cron, char **cause);

/*
 * The first time strictly after `after` that matches, in local time (TZ). The
 * search walks calendar fields, so month ends and leap days need no special
 * case; a wall time that a DST change skips fires at the first second after the
 * gap, one that repeats fires once. Returns 0 with *next, or -ENOENT when
 * nothing matches within eight years (e.g. "0 0 30 2 *").
 */
int pmc_cron_next(const struct pmc_cron *cron, time_t after, time_t *next);

#endif
