/* SPDX-License-Identifier: MIT */
/* The daemon's own log: timestamped lines on stderr, which pmcd points at pmcd.log. */
#ifndef PMC_LOG_H
#define PMC_LOG_H

#include <stddef.h>

enum pmc_log_level { PMC_LOG_DEBUG, PMC_LOG_INFO, PMC_LOG_WARN, PMC_LOG_ERROR };

/* Lines below this level are dropped (default PMC_LOG_INFO; PMC_DEBUG=1 lowers it). */
void pmc_log_set_level(enum pmc_log_level level);
void pmc_log(enum pmc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Every line written is also handed to fn (the whole line with its stamp and
 * '\n', borrowed), e.g. to stream it to clients; lines logged from inside fn
 * are not handed again. NULL removes it.
 */
typedef void (*pmc_log_tee_fn)(const char *line, size_t len, void *data);
void pmc_log_set_tee(pmc_log_tee_fn fn, void *data);

#define pmc_log_debug(...) pmc_log(PMC_LOG_DEBUG, __VA_ARGS__)
#define pmc_log_info(...)  pmc_log(PMC_LOG_INFO, __VA_ARGS__)
#define pmc_log_warn(...)  pmc_log(PMC_LOG_WARN, __VA_ARGS__)
#define pmc_log_error(...) pmc_log(PMC_LOG_ERROR, __VA_ARGS__)

#endif
