/* SPDX-License-Identifier: MIT */
/* Unit tests of common/cron: parsing, errors, and next times across month ends, leap days and DST.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cron.h"

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static time_t local(const char *text)
{
	struct tm tm = {0};
	char *end = strptime(text, "%Y-%m-%d %H:%M:%S", &tm);

	assert_non_null(end);
	assert_int_equal(*end, '\0');
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static const char *show(time_t t)
{
	static char buf[64];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* The next time of expr after the local time `after`, as text. */
static const char *next_of(const char *expr, const char *after)
{
	struct pmc_cron c;
	char *cause = NULL;
	time_t t;

	if (pmc_cron_parse(expr, &c, &cause) < 0)
		fail_msg("'%s' was refused: %s", expr, cause);
	if (pmc_cron_next(&c, local(after), &t) < 0)
		return "none";
	return show(t);
}

#define NEXT(expr, after, expected) assert_string_equal(next_of(expr, after), expected)

static int utc(void **state)
{
	(void)state;
	set_tz("UTC0");
	return 0;
}

static void test_basic(void **state)
{
	(void)state;
	NEXT("0 3 * * *", "2026-03-10 02:59:59", "2026-03-10 03:00:00");
	NEXT("0 3 * * *", "2026-03-10 03:00:00", "2026-03-11 03:00:00");
	NEXT("* * * * *", "2026-03-10 10:00:30", "2026-03-10 10:01:00");
	NEXT("  15  10  *  *  *  ", "2026-03-10 10:15:00", "2026-03-11 10:15:00");
}

static void test_month_and_year_ends(void **state)
{
	(void)state;
	NEXT("0 0 31 * *", "2026-04-01 00:00:00", "2026-05-31 00:00:00");
	NEXT("0 0 30 * *", "2026-02-01 00:00:00", "2026-03-30 00:00:00");
	NEXT("0 0 1 * *", "2026-01-31 23:59:59", "2026-02-01 00:00:00");
	NEXT("59 23 31 12 *", "2026-12-31 23:59:00", "2027-12-31 23:59:00");
	NEXT("0 0 * * *", "2026-12-31 23:30:00", "2027-01-01 00:00:00");
	NEXT("0 12 31 4,6,9,11 *", "2026-01-01 00:00:00", "none");
}

static void test_leap_day(void **state)
{
	(void)state;
	NEXT("0 0 29 2 *", "2026-01-01 00:00:00", "2028-02-29 00:00:00");
	NEXT("0 0 29 2 *", "2028-02-29 00:00:00", "2032-02-29 00:00:00");
	/* 2100 is not a leap year. */
	NEXT("0 0 29 2 *", "2096-03-01 00:00:00", "2104-02-29 00:00:00");
	NEXT("0 0 30 2 *", "2026-01-01 00:00:00", "none");
	NEXT("0 0 * 2 *", "2027-02-28 12:00:00", "2028-02-01 00:00:00");
	NEXT("0 0 * 2 *", "2028-02-28 12:00:00", "2028-02-29 00:00:00");
}

static void test_steps_ranges_lists(void **state)
{
	(void)state;
	NEXT("*/15 * * * *", "2026-03-10 10:07:00", "2026-03-10 10:15:00");
	NEXT("*/15 * * * *", "2026-03-10 10:45:00", "2026-03-10 11:00:00");
	NEXT("0 9-17/4 * * *", "2026-03-10 09:00:00", "2026-03-10 13:00:00");
	NEXT("0 9-17/4 * * *", "2026-03-10 13:00:00", "2026-03-10 17:00:00");
	NEXT("0 9-17/4 * * *", "2026-03-10 17:00:00", "2026-03-11 09:00:00");
	NEXT("5/20 * * * *", "2026-03-10 10:06:00", "2026-03-10 10:25:00");
	NEXT("5/20 * * * *", "2026-03-10 10:45:00", "2026-03-10 11:05:00");
	NEXT("0 0 1,15 * *", "2026-03-01 00:00:00", "2026-03-15 00:00:00");
	NEXT("0,30 8,20 * * *", "2026-03-10 08:30:00", "2026-03-10 20:00:00");
	NEXT("1-3,58-59 * * * *", "2026-03-10 10:03:00", "2026-03-10 10:58:00");
	NEXT("0 0 */10 * *", "2026-03-21 00:00:00", "2026-03-31 00:00:00");
}

static void test_names(void **state)
{
	(void)state;
	/* 2026-03-14 is a Saturday. */
	NEXT("0 12 * * mon-fri", "2026-03-14 00:00:00", "2026-03-16 12:00:00");
	NEXT("0 12 * * MON-Fri", "2026-03-14 00:00:00", "2026-03-16 12:00:00");
	NEXT("0 0 1 jul,JAN *", "2026-03-14 00:00:00", "2026-07-01 00:00:00");
	NEXT("0 0 1 feb-apr/2 *", "2026-02-01 00:00:00", "2026-04-01 00:00:00");
	NEXT("0 0 * * sun", "2026-03-14 00:00:00", "2026-03-15 00:00:00");
	NEXT("0 0 * * 7", "2026-03-14 00:00:00", "2026-03-15 00:00:00");
	NEXT("0 0 * * 0", "2026-03-14 00:00:00", "2026-03-15 00:00:00");
	NEXT("0 0 * * 5-7", "2026-03-14 00:00:00", "2026-03-15 00:00:00");
}

static void test_day_or_semantics(void **state)
{
	(void)state;
	/* Both restricted: the 13th OR a Friday (2026-03-06 and 03-20 are Fridays). */
	NEXT("0 0 13 * fri", "2026-03-01 00:00:00", "2026-03-06 00:00:00");
	NEXT("0 0 13 * fri", "2026-03-06 00:00:00", "2026-03-13 00:00:00");
	NEXT("0 0 13 * fri", "2026-03-13 00:00:00", "2026-03-20 00:00:00");
	NEXT("0 0 1 * mon", "2026-03-02 00:00:00", "2026-03-09 00:00:00");
	/* A field written from '*' does not widen: AND (the 1st, 11th, 21st, 31st that are
	 * Mondays). */
	NEXT("0 0 */10 * mon", "2026-03-01 00:00:00", "2026-05-11 00:00:00");
	NEXT("0 0 * * mon", "2026-03-10 00:00:00", "2026-03-16 00:00:00");
	NEXT("0 0 1 * *", "2026-03-02 00:00:00", "2026-04-01 00:00:00");
}

static void test_macros(void **state)
{
	(void)state;
	NEXT("@hourly", "2026-03-10 10:00:00", "2026-03-10 11:00:00");
	NEXT("@daily", "2026-03-10 10:00:00", "2026-03-11 00:00:00");
	NEXT("@midnight", "2026-03-10 10:00:00", "2026-03-11 00:00:00");
	NEXT("@weekly", "2026-03-10 10:00:00", "2026-03-15 00:00:00");
	NEXT("@monthly", "2026-03-10 10:00:00", "2026-04-01 00:00:00");
	NEXT("@yearly", "2026-03-10 10:00:00", "2027-01-01 00:00:00");
	NEXT("@annually", "2026-03-10 10:00:00", "2027-01-01 00:00:00");
	NEXT(" @DAILY ", "2026-03-10 10:00:00", "2026-03-11 00:00:00");
}

static void test_seconds_field(void **state)
{
	(void)state;
	NEXT("*/2 * * * * *", "2026-03-10 10:00:00", "2026-03-10 10:00:02");
	NEXT("30 0 3 * * *", "2026-03-10 03:00:30", "2026-03-11 03:00:30");
	NEXT("* * * * * *", "2026-12-31 23:59:59", "2027-01-01 00:00:00");
}

static void expect_refused(const char *expr, const char *part)
{
	struct pmc_cron c;
	char *cause = NULL;

	if (pmc_cron_parse(expr, &c, &cause) != -EINVAL)
		fail_msg("'%s' was accepted", expr);
	assert_non_null(cause);
	if (!strstr(cause, part))
		fail_msg("'%s': cause '%s' lacks '%s'", expr, cause, part);
	free(cause);
}

static void test_invalid(void **state)
{
	(void)state;
	expect_refused("", "0 fields, expected 5");
	expect_refused("* * * *", "4 fields");
	expect_refused("* * * * * * *", "7 fields");
	expect_refused("60 * * * *", "minute field '60': 60 is out of range (0-59)");
	expect_refused("* 24 * * *", "hour field '24': 24 is out of range (0-23)");
	expect_refused("* * 0 * *", "day-of-month field '0': 0 is out of range (1-31)");
	expect_refused("* * 32 * *", "out of range (1-31)");
	expect_refused("* * * 13 *", "month field '13'");
	expect_refused("* * * * 8", "day-of-week field '8': 8 is out of range (0-7)");
	expect_refused("60 * * * * *", "second field '60'");
	expect_refused("*/0 * * * *", "step 0 is out of range (1-60)");
	expect_refused("*/61 * * * *", "step 61");
	expect_refused("*/ * * * *", "a step must be a number");
	expect_refused("5-1 * * * *", "range 5-1 goes backwards");
	expect_refused("* * * * fri-mon", "range 5-1 goes backwards");
	expect_refused("* * * foo *", "unknown name 'foo' (use jan..dec)");
	expect_refused("* * * * monday", "unknown name 'monday' (use sun..sat)");
	expect_refused("mon * * * *", "names are not allowed here");
	expect_refused("1,,2 * * * *", "empty element");
	expect_refused("1, * * * *", "empty element");
	expect_refused("1-* * * * *", "unexpected '*'");
	expect_refused("1x * * * *", "unexpected 'x'");
	expect_refused("- * * * *", "unexpected '-'");
	expect_refused("99999999999 * * * *", "out of range");
	expect_refused("@reboot", "unknown macro");
	expect_refused("@every 5m", "unknown macro");
	expect_refused("@daily *", "unknown macro");
	char longer[PMC_CRON_MAX_LEN + 10];
	memset(longer, '*', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	expect_refused(longer, "longer than");
}

static void test_dst(void **state)
{
	(void)state;
	if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0)
		skip();
	set_tz("Europe/Berlin");
	/* 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist. */
	NEXT("30 2 * * *", "2026-03-29 00:00:00", "2026-03-29 03:00:00");
	NEXT("30 2 * * *", "2026-03-29 03:00:00", "2026-03-30 02:30:00");
	NEXT("0 * * * *", "2026-03-29 01:30:00", "2026-03-29 03:00:00");
	NEXT("0 4 * * *", "2026-03-29 00:00:00", "2026-03-29 04:00:00");
	/* 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice, fires once. */
	{
		struct pmc_cron c;
		char *cause = NULL;
		time_t first, second;

		assert_int_equal(pmc_cron_parse("30 2 * * *", &c, &cause), 0);
		assert_int_equal(pmc_cron_next(&c, local("2026-10-25 00:00:00"), &first), 0);
		assert_string_equal(show(first), "2026-10-25 02:30:00");
		assert_int_equal(pmc_cron_next(&c, first, &second), 0);
		assert_string_equal(show(second), "2026-10-26 02:30:00");
		/* 24 hours plus the hour given back. */
		assert_int_equal(second - first, 25 * 3600);
	}
	/* Local days, not 86400-second steps, across both changes. */
	NEXT("0 12 * * *", "2026-03-28 12:00:00", "2026-03-29 12:00:00");
	NEXT("0 12 * * *", "2026-10-24 12:00:00", "2026-10-25 12:00:00");
	set_tz("UTC0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),    cmocka_unit_test(test_month_and_year_ends),
	    cmocka_unit_test(test_leap_day), cmocka_unit_test(test_steps_ranges_lists),
	    cmocka_unit_test(test_names),    cmocka_unit_test(test_day_or_semantics),
	    cmocka_unit_test(test_macros),   cmocka_unit_test(test_seconds_field),
	    cmocka_unit_test(test_invalid),  cmocka_unit_test(test_dst),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("cron", tests, utc, NULL);
}
