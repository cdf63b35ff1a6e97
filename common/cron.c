/* SPDX-License-Identifier: MIT */
/* Cron expressions (Vixie cron's 5 fields, croner's optional seconds, @macros) and their next time.
 */
#include "cron.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* How far pmc_cron_next looks: Feb 29 can be 8 years away (2096 → 2104). */
#define HORIZON_YEARS 8

struct field {
	const char *what;
	int min, max;
	const char *const *names; /* names[i] is the value min + i, or NULL */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                          "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

enum { F_SEC, F_MIN, F_HOUR, F_MDAY, F_MON, F_WDAY, F_COUNT };

static const struct field fields[F_COUNT] = {
    [F_SEC] = {"second", 0, 59, NULL},
    [F_MIN] = {"minute", 0, 59, NULL},
    [F_HOUR] = {"hour", 0, 23, NULL},
    [F_MDAY] = {"day-of-month", 1, 31, NULL},
    [F_MON] = {"month", 1, 12, month_names},
    /* 7 is Sunday too, as in Vixie cron. */
    [F_WDAY] = {"day-of-week", 0, 7, day_names},
};

static const struct {
	const char *name;
	const char *expr;
} macros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

/* A number or (for months and days) a three-letter name; *end after it. */
static int parse_value(const struct field *f, const char *p, const char **end, int *out, char **why)
{
	if (isdigit((unsigned char)*p)) {
		long v = 0;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > 1000)
				break;
		}
		if (v < f->min || v > f->max) {
			*why = xasprintf("%ld is out of range (%d-%d)", v, f->min, f->max);
			return -EINVAL;
		}
		*out = (int)v;
		*end = p;
		return 0;
	}
	if (isalpha((unsigned char)*p)) {
		size_t len = 0;
		while (isalpha((unsigned char)p[len]))
			len++;
		for (int i = 0; f->names && f->names[i]; i++) {
			if (len == 3 && strncasecmp(p, f->names[i], 3) == 0) {
				*out = f->min + i;
				*end = p + len;
				return 0;
			}
		}
		*why = f->names ? xasprintf("unknown name '%.*s' (use %s)", (int)len, p,
		                            f->names == month_names ? "jan..dec" : "sun..sat")
		                : xasprintf("names are not allowed here ('%.*s')", (int)len, p);
		return -EINVAL;
	}
	*why = *p ? xasprintf("unexpected '%c'", *p) : xstrdup("a value is missing");
	return -EINVAL;
}

/* One element of a list: "*", "*\/N", "A", "A-B", "A-B/N", "A/N". */
static int parse_element(const struct field *f, const char *p, uint64_t *bits, char **why)
{
	int lo, hi, step = 1;
	const char *end = p;

	if (*p == '*') {
		lo = f->min;
		hi = f->max;
		end = p + 1;
	} else {
		if (parse_value(f, p, &end, &lo, why) < 0)
			return -EINVAL;
		hi = lo;
		if (*end == '-') {
			if (parse_value(f, end + 1, &end, &hi, why) < 0)
				return -EINVAL;
			if (hi < lo) {
				*why = xasprintf("range %d-%d goes backwards", lo, hi);
				return -EINVAL;
			}
		} else if (*end == '/') {
			hi = f->max; /* A/N: from A to the end */
		}
	}
	if (*end == '/') {
		long v = 0;
		p = end + 1;
		if (!isdigit((unsigned char)*p)) {
			*why = xstrdup("a step must be a number after '/'");
			return -EINVAL;
		}
		while (isdigit((unsigned char)*p) && v <= 1000)
			v = v * 10 + (*p++ - '0');
		if (v < 1 || v > f->max - f->min + 1) {
			*why = xasprintf("step %ld is out of range (1-%d)", v, f->max - f->min + 1);
			return -EINVAL;
		}
		step = (int)v;
		end = p;
	}
	if (*end) {
		*why = xasprintf("unexpected '%s'", end);
		return -EINVAL;
	}
	for (int v = lo; v <= hi; v += step)
		*bits |= 1ULL << (v == 7 && f->names == day_names ? 0 : v);
	return 0;
}

static int parse_field(const struct field *f, const char *text, uint64_t *bits, char **why)
{
	char *copy = xstrdup(text), *save = NULL, *item;
	int err = 0;

	*bits = 0;
	if (text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")) {
		*why = xstrdup("a list has an empty element");
		err = -EINVAL;
	}
	for (item = strtok_r(copy, ",", &save); err == 0 && item; item = strtok_r(NULL, ",", &save))
		err = parse_element(f, item, bits, why);
	free(copy);
	return err;
}

static int split_fields(const char *expr, char *words[6], char *buf, size_t size)
{
	int n = 0;
	char *p;

	snprintf(buf, size, "%s", expr);
	for (p = buf; *p;) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (n < 6)
			words[n] = p;
		n++;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return n;
}

int pmc_cron_parse(const char *expr, struct pmc_cron *cron, char **cause)
{
	char buf[PMC_CRON_MAX_LEN + 1], *words[6] = {0}, *why = NULL;
	const char *text = expr;
	uint64_t bits[F_COUNT] = {0};
	int n, first, i;

	memset(cron, 0, sizeof *cron);
	if (!expr || strlen(expr) > PMC_CRON_MAX_LEN) {
		*cause =
		    xasprintf("invalid cron expression: longer than %d bytes", PMC_CRON_MAX_LEN);
		return -EINVAL;
	}
	while (isspace((unsigned char)*text))
		text++;
	if (*text == '@') {
		size_t len = strcspn(text, " \t\n");
		for (i = 0; i < (int)(sizeof macros / sizeof macros[0]); i++)
			if (strlen(macros[i].name) == len &&
			    strncasecmp(text, macros[i].name, len) == 0 &&
			    text[len + strspn(text + len, " \t\n")] == '\0')
				return pmc_cron_parse(macros[i].expr, cron, cause);
		*cause = xasprintf("invalid cron expression '%s': unknown macro (use @yearly, "
		                   "@annually, @monthly, @weekly, @daily, @midnight or @hourly)",
		                   expr);
		return -EINVAL;
	}
	n = split_fields(text, words, buf, sizeof buf);
	if (n != 5 && n != 6) {
		*cause = xasprintf("invalid cron expression '%s': %d field%s, expected 5 (minute "
		                   "hour day-of-month month day-of-week) or 6 (seconds first)",
		                   expr, n, n == 1 ? "" : "s");
		return -EINVAL;
	}
	first = n == 6 ? F_SEC : F_MIN;
	bits[F_SEC] = 1; /* five fields: on the minute */
	for (i = first; i < F_COUNT; i++) {
		if (parse_field(&fields[i], words[i - first], &bits[i], &why) < 0) {
			*cause = xasprintf("invalid cron expression '%s': %s field '%s': %s", expr,
			                   fields[i].what, words[i - first], why);
			free(why);
			return -EINVAL;
		}
	}
	cron->seconds = bits[F_SEC];
	cron->minutes = bits[F_MIN];
	cron->hours = (uint32_t)bits[F_HOUR];
	cron->mdays = (uint32_t)bits[F_MDAY];
	cron->months = (uint16_t)bits[F_MON];
	cron->wdays = (uint8_t)bits[F_WDAY];
	cron->mday_star = words[F_MDAY - first][0] == '*';
	cron->wday_star = words[F_WDAY - first][0] == '*';
	return 0;
}

/* ---- Next time --------------------------------------------------------- */

/* A wall-clock time; month 1..12. */
struct wall {
	int year, month, day, hour, min, sec;
};

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* 0 = Sunday (Sakamoto). */
static int weekday(int y, int m, int d)
{
	static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static bool day_matches(const struct pmc_cron *c, const struct wall *w)
{
	bool dom = c->mdays & (1U << w->day);
	bool dow = c->wdays & (1U << weekday(w->year, w->month, w->day));

	return c->mday_star || c->wday_star ? dom && dow : dom || dow;
}

/* Carry overflowing fields upwards, calendar-wise (no time zone involved). */
static void carry(struct wall *w)
{
	if (w->sec > 59)
		w->sec = 0, w->min++;
	if (w->min > 59)
		w->min = 0, w->hour++;
	if (w->hour > 23)
		w->hour = 0, w->day++;
	if (w->day > days_in(w->year, w->month))
		w->day = 1, w->month++;
	if (w->month > 12)
		w->month = 1, w->year++;
}

static int wall_cmp(const struct wall *a, const struct tm *b)
{
	int av[] = {a->year, a->month, a->day, a->hour, a->min, a->sec};
	int bv[] = {b->tm_year + 1900, b->tm_mon + 1, b->tm_mday, b->tm_hour, b->tm_min, b->tm_sec};

	for (size_t i = 0; i < 6; i++)
		if (av[i] != bv[i])
			return av[i] < bv[i] ? -1 : 1;
	return 0;
}

static time_t to_time(const struct wall *w, int isdst, struct tm *tm)
{
	*tm = (struct tm){.tm_year = w->year - 1900,
	                  .tm_mon = w->month - 1,
	                  .tm_mday = w->day,
	                  .tm_hour = w->hour,
	                  .tm_min = w->min,
	                  .tm_sec = w->sec,
	                  .tm_isdst = isdst};
	return mktime(tm);
}

/* The first instant whose local wall time is at or after w (w may fall in a DST gap). */
static time_t first_at_or_after(const struct wall *w, time_t guess)
{
	time_t lo = guess - 4 * 3600, hi = guess;
	struct tm tm;

	/* Wall time only moves forward across a gap: bisect for the gap's end. */
	while (hi - lo > 1) {
		time_t mid = lo + (hi - lo) / 2;
		localtime_r(&mid, &tm);
		if (wall_cmp(w, &tm) <= 0)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The instant of wall time w after `after`, or -1: the earlier of a repeated
 * time (DST ending) that is still ahead, else the end of a gap (DST starting). */
static time_t resolve(const struct wall *w, time_t after)
{
	static const int isdst[] = {1, 0};
	time_t best = -1, t;
	struct tm tm;

	for (size_t i = 0; i < 2; i++) {
		t = to_time(w, isdst[i], &tm);
		if (t != (time_t)-1 && wall_cmp(w, &tm) == 0 && t > after && (best < 0 || t < best))
			best = t;
	}
	if (best >= 0)
		return best;
	t = to_time(w, -1, &tm);
	if (t == (time_t)-1 || wall_cmp(w, &tm) == 0)
		return -1; /* a time that exists, but is not after `after` */
	t = first_at_or_after(w, t);
	return t > after ? t : -1;
}

int pmc_cron_next(const struct pmc_cron *c, time_t after, time_t *next)
{
	struct tm tm;
	struct wall w;
	int last_year;

	if (!localtime_r(&after, &tm))
		return -EINVAL;
	w = (struct wall){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	                  tm.tm_hour,        tm.tm_min,     tm.tm_sec + 1};
	carry(&w); /* a leap second (:60) carries too */
	last_year = w.year + HORIZON_YEARS;
	while (w.year <= last_year) {
		time_t t;

		if (!(c->months & (1U << w.month))) {
			w.month++, w.day = 1, w.hour = w.min = w.sec = 0;
			if (w.month > 12)
				w.month = 1, w.year++;
			continue;
		}
		if (!day_matches(c, &w)) {
			w.day++, w.hour = w.min = w.sec = 0;
			carry(&w);
			continue;
		}
		if (!(c->hours & (1U << w.hour))) {
			w.hour++, w.min = w.sec = 0;
			carry(&w);
			continue;
		}
		if (!(c->minutes & (1ULL << w.min))) {
			w.min++, w.sec = 0;
			carry(&w);
			continue;
		}
		if (!(c->seconds & (1ULL << w.sec))) {
			w.sec++;
			carry(&w);
			continue;
		}
		t = resolve(&w, after);
		if (t != (time_t)-1) {
			*next = t;
			return 0;
		}
		w.sec++;
		carry(&w);
	}
	return -ENOENT;
}
