/* SPDX-License-Identifier: MIT */
/* Human units: durations (ms, s, m, h), sizes (K, M, G) and their display. */
#include "duration.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *suffix;
	double factor;
};

static const struct unit duration_units[] = {
	{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 },
};

static const struct unit size_units[] = {
	{ "", 1 },	   { "b", 1 },		  { "k", 1024 },	{ "kb", 1024 },
	{ "m", 1048576 }, { "mb", 1048576 }, { "g", 1073741824 }, { "gb", 1073741824 },
};

static int parse_with_units(const char *text, const struct unit *units, size_t n, int64_t *out)
{
	char *end;
	double value;
	size_t i;

	/* A plain decimal: strtod alone would take leading spaces, signs, hex, "inf" and "nan". */
	if (!text || !(isdigit((unsigned char)text[0]) || text[0] == '.'))
		return -EINVAL;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return -EINVAL;
	errno = 0;
	value = strtod(text, &end);
	if (errno || end == text || !isfinite(value))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (strcasecmp(end, units[i].suffix) == 0) {
			double scaled = value * units[i].factor;
			if (scaled > 9e15)
				return -EINVAL;
			*out = (int64_t)llround(scaled);
			return 0;
		}
	}
	return -EINVAL;
}

int pmc_duration_parse(const char *text, int64_t *ms)
{
	return parse_with_units(text, duration_units,
				sizeof duration_units / sizeof duration_units[0], ms);
}

int pmc_size_parse(const char *text, int64_t *bytes)
{
	return parse_with_units(text, size_units, sizeof size_units / sizeof size_units[0], bytes);
}

void pmc_duration_format(int64_t ms, char *buf, size_t size)
{
	int64_t s = ms / 1000;

	if (ms <= 0)
		snprintf(buf, size, "0");
	else if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, size, "%lldD", (long long)(s / 86400));
}

void pmc_size_format(int64_t bytes, char *buf, size_t size)
{
	if (bytes < 1024)
		snprintf(buf, size, "%lldb", (long long)(bytes < 0 ? 0 : bytes));
	else if (bytes < 1048576)
		snprintf(buf, size, "%.1fkb", bytes / 1024.0);
	else if (bytes < 1073741824)
		snprintf(buf, size, "%.1fmb", bytes / 1048576.0);
	else
		snprintf(buf, size, "%.1fgb", bytes / 1073741824.0);
}
