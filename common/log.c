/* SPDX-License-Identifier: MIT */
/* The daemon's own log: timestamped lines on stderr, which pmcd points at pmcd.log. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static enum pmc_log_level min_level = PMC_LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };
static pmc_log_tee_fn tee;
static void *tee_data;
static bool in_tee;

void pmc_log_set_level(enum pmc_log_level level)
{
	min_level = level;
}

void pmc_log_set_tee(pmc_log_tee_fn fn, void *data)
{
	tee = fn;
	tee_data = data;
}

void pmc_log(enum pmc_log_level level, const char *fmt, ...)
{
	struct timeval tv;
	struct tm tm;
	char stamp[32];
	char *msg, *line;
	va_list ap;
	int len;

	if (level < min_level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	len = asprintf(&line, "%s.%03ld %s: %s\n", stamp, (long)(tv.tv_usec / 1000),
		       level_names[level], msg);
	if (len < 0)
		abort();
	fputs(line, stderr);
	fflush(stderr);
	if (tee && !in_tee) {
		in_tee = true;
		tee(line, (size_t)len, tee_data);
		in_tee = false;
	}
	free(line);
	free(msg);
}
