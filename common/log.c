/* SPDX-License-Identifier: MIT */
/* The daemon's own log: timestamped lines on stderr, which pmcd points at pmcd.log. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static enum pmc_log_level min_level = PMC_LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

void pmc_log_set_level(enum pmc_log_level level)
{
	min_level = level;
}

void pmc_log(enum pmc_log_level level, const char *fmt, ...)
{
	struct timeval tv;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (level < min_level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s: ", stamp, (long)(tv.tv_usec / 1000), level_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}
