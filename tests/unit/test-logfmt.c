/* SPDX-License-Identifier: MIT */
/* Unit tests for log lines: splitting across chunks, timestamp formats, JSON lines and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "logfmt.h"
#include "xmalloc.h"

/* 2026-11-25T09:30:29.633Z and 2026-03-05T21:04:07.009Z */
#define T1 INT64_C(1795599029633)
#define T2 INT64_C(1772744647009)

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void assert_date(const char *fmt, int64_t ms, const char *want)
{
	char buf[128];
	size_t n = pmc_logfmt_date(buf, sizeof buf, fmt, ms);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_date_tokens(void **state)
{
	(void)state;
	set_tz("UTC");
	assert_date("YYYY-MM-DDTHH:mm:ss", T1, "2026-11-25T09:30:29");
	assert_date(PMC_LOGFMT_TIME_DEFAULT, T1, "2026-11-25T09:30:29");
	assert_date("YYYY", T1, "2026");
	assert_date("YY", T1, "26");
	assert_date("MM M", T2, "03 3");
	assert_date("DD D", T2, "05 5");
	assert_date("HH H", T2, "21 21");
	assert_date("HH H", T1, "09 9");
	assert_date("hh h A a", T2, "09 9 PM pm");
	assert_date("hh h A a", T1, "09 9 AM am");
	assert_date("mm m", T2, "04 4");
	assert_date("ss s", T2, "07 7");
	assert_date("SSS", T1, "633");
	assert_date("SSS", T2, "009");
	assert_date("Z ZZ", T1, "+00:00 +0000");
	assert_date("X", T1, "1795599029");
	assert_date("x", T1, "1795599029633");
	/* Literal text: brackets, and characters that are no token. */
	assert_date("[YYYY at] HH:mm", T1, "YYYY at 09:30");
	assert_date("T|/ -,_", T1, "T|/ -,_");
	assert_date("[unclosed", T1, "[unclo29ed"); /* no "]": tokens still count */
	assert_date("", T1, "");
	assert_date("YYYY-MM-DD HH:mm:ss.SSS Z", T1, "2026-11-25 09:30:29.633 +00:00");
	/* Midnight and noon on a 12-hour clock. */
	assert_date("h A", T1 - (9 * 3600 + 30 * 60 + 29) * INT64_C(1000), "12 AM");
	assert_date("h A", T1 + (2 * 3600 + 29 * 60 + 31) * INT64_C(1000), "12 PM");
}

static void test_date_zones_and_limits(void **state)
{
	char small[8];

	(void)state;
	set_tz("<+0530>-5:30");
	assert_date("YYYY-MM-DD HH:mm Z ZZ", T1, "2026-11-25 15:00 +05:30 +0530");
	set_tz("<-03>3");
	assert_date("DD HH:mm Z ZZ", T1, "25 06:30 -03:00 -0300");
	set_tz("UTC");
	/* Truncated to the buffer, always NUL-terminated. */
	assert_int_equal(pmc_logfmt_date(small, sizeof small, "YYYY-MM-DD", T1), 7);
	assert_string_equal(small, "2026-11");
	assert_int_equal(pmc_logfmt_date(small, 0, "YYYY", T1), 0);
	assert_int_equal(pmc_logfmt_iso(small, sizeof small, T1), 7);
	assert_string_equal(small, "2026-11");
}

static void test_iso(void **state)
{
	char buf[64];

	(void)state;
	set_tz("<+0530>-5:30"); /* ISO is UTC whatever the zone */
	assert_int_equal(pmc_logfmt_iso(buf, sizeof buf, T1), 24);
	assert_string_equal(buf, "2026-11-25T09:30:29.633Z");
	pmc_logfmt_iso(buf, sizeof buf, T2);
	assert_string_equal(buf, "2026-03-05T21:04:07.009Z");
	pmc_logfmt_iso(buf, sizeof buf, 0);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	set_tz("UTC");
}

static char *escaped(const char *s, size_t len)
{
	struct pmc_logbuf b = { 0 };
	char *out;

	pmc_logfmt_json_escape(&b, s, len);
	out = xstrndup(b.data ? b.data : "", b.len);
	pmc_logbuf_free(&b);
	return out;
}

static void assert_escape(const char *in, size_t len, const char *want)
{
	char *got = escaped(in, len);

	assert_string_equal(got, want);
	free(got);
}

#define ESC(lit, want) assert_escape(lit, sizeof(lit) - 1, want)

static void test_json_escape(void **state)
{
	(void)state;
	ESC("plain text", "plain text");
	ESC("", "");
	ESC("say \"hi\" \\o/", "say \\\"hi\\\" \\\\o/");
	ESC("\b\f\n\r\t", "\\b\\f\\n\\r\\t");
	ESC("\x01\x1f\x7f", "\\u0001\\u001f\x7f");
	assert_escape("a\0b", 3, "a\\u0000b");
	/* Valid UTF-8 stays as it is: 2, 3 and 4 bytes. */
	ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ESC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
	/* Invalid: a lone byte, an overlong form, a surrogate, a cut sequence, above U+10FFFF. */
	ESC("a\xff" "b", "a\xef\xbf\xbd" "b");
	ESC("\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd");
	ESC("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ESC("x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd");
	ESC("\xf5\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ESC("\xe0\x9f\xbf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ESC("\xf0\x8f\xbf\xbf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ESC("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A continuation byte alone, then good text. */
	ESC("\x80ok\"", "\xef\xbf\xbdok\\\"");
}

static void test_utf8_clean(void **state)
{
	struct pmc_logbuf b = { 0 };
	const char in[] = "ok \xc3\xa9 \xff \"q\"\n\t";

	(void)state;
	pmc_logfmt_utf8_clean(&b, in, sizeof in - 1);
	pmc_logbuf_add(&b, "", 1);
	assert_string_equal(b.data, "ok \xc3\xa9 \xef\xbf\xbd \"q\"\n\t");
	pmc_logbuf_free(&b);
}

/* ---- Lines ------------------------------------------------------------- */

/* Everything written so far, as one string. */
struct sink {
	struct pmc_logbuf all;
};

static void collect(struct sink *k, struct pmc_logfmt_out *out)
{
	pmc_logbuf_add(&k->all, out->text.data, out->text.len);
	pmc_logbuf_add(&k->all, out->span, out->span_len);
	pmc_logfmt_out_free(out);
}

static void feed(struct pmc_logfmt *f, struct sink *k, const char *s, int64_t ms, bool whole)
{
	struct pmc_logfmt_out out = { 0 };

	pmc_logfmt_feed(f, s, strlen(s), ms, whole, &out);
	collect(k, &out);
}

static void flush(struct pmc_logfmt *f, struct sink *k, bool newline)
{
	struct pmc_logfmt_out out = { 0 };

	pmc_logfmt_flush(f, newline, &out);
	collect(k, &out);
}

static void assert_sink(struct sink *k, const char *want)
{
	char *got = xstrndup(k->all.data ? k->all.data : "", k->all.len);

	assert_string_equal(got, want);
	free(got);
}

static void sink_free(struct sink *k)
{
	pmc_logbuf_free(&k->all);
}

static void test_raw_stream_mode(void **state)
{
	struct pmc_logfmt f;
	struct pmc_logfmt_out out = { 0 };
	const char chunk[] = "partial";
	struct sink k = { 0 };

	(void)state;
	pmc_logfmt_init(&f, PMC_LOGFMT_RAW, NULL, "app", 1, "out", 0);
	/* Bytes go out as they come, without a copy. */
	pmc_logfmt_feed(&f, chunk, 7, T1, false, &out);
	assert_ptr_equal(out.span, chunk);
	assert_int_equal(out.span_len, 7);
	assert_int_equal(out.text.len, 0);
	assert_false(pmc_logfmt_holding(&f));
	collect(&k, &out);
	feed(&f, &k, " line\r\nnext\n", T1, false);
	feed(&f, &k, "", T1, false);
	flush(&f, &k, false);
	assert_sink(&k, "partial line\r\nnext\n");
	sink_free(&k);
	pmc_logfmt_free(&f);
}

static void test_raw_whole_lines(void **state)
{
	struct pmc_logfmt f;
	struct pmc_logfmt_out out = { 0 };
	struct sink k = { 0 };
	const char chunk[] = "c\nd\ne";

	(void)state;
	pmc_logfmt_init(&f, PMC_LOGFMT_RAW, NULL, "app", 1, "out", 0);
	feed(&f, &k, "ab", T1, true);
	assert_sink(&k, "");
	assert_true(pmc_logfmt_holding(&f));
	/* The held line completes; the whole lines after it are not copied. */
	pmc_logfmt_feed(&f, chunk, 5, T1, true, &out);
	assert_int_equal(out.text.len, 4);
	assert_memory_equal(out.text.data, "abc\n", 4);
	assert_ptr_equal(out.span, chunk + 2);
	assert_int_equal(out.span_len, 2);
	collect(&k, &out);
	assert_sink(&k, "abc\nd\n");
	feed(&f, &k, "f", T1, true);
	feed(&f, &k, "g\r\n", T1, true);
	assert_sink(&k, "abc\nd\nefg\r\n");
	/* A held line at the end goes out as it is. */
	feed(&f, &k, "tail", T1, true);
	flush(&f, &k, false);
	assert_sink(&k, "abc\nd\nefg\r\ntail");
	assert_false(pmc_logfmt_holding(&f));
	flush(&f, &k, false);
	/* Shared files get it as a line of its own. */
	feed(&f, &k, "last", T1, true);
	flush(&f, &k, true);
	assert_sink(&k, "abc\nd\nefg\r\ntaillast\n");
	sink_free(&k);
	pmc_logfmt_free(&f);
}

static void test_time_prefix(void **state)
{
	struct pmc_logfmt f;
	struct sink k = { 0 };

	(void)state;
	set_tz("UTC");
	pmc_logfmt_init(&f, PMC_LOGFMT_TIME, NULL, "app", 1, "out", 0);
	/* Streaming: a prefix once per line, when its first byte comes. */
	feed(&f, &k, "a\nb", T1, false);
	feed(&f, &k, "c\nd\n", T2, false);
	feed(&f, &k, "\n", T2, false);
	assert_sink(&k, "2026-11-25T09:30:29: a\n2026-11-25T09:30:29: bc\n"
			"2026-03-05T21:04:07: d\n2026-03-05T21:04:07: \n");
	sink_free(&k);
	pmc_logfmt_free(&f);

	/* Whole lines: the held line keeps the time of its first byte. */
	memset(&k, 0, sizeof k);
	pmc_logfmt_init(&f, PMC_LOGFMT_TIME, "HH:mm:ss.SSS", "app", 1, "out", 0);
	feed(&f, &k, "x", T1, true);
	feed(&f, &k, "y\r\nz", T2, true);
	flush(&f, &k, false);
	assert_sink(&k, "09:30:29.633: xy\r\n21:04:07.009: z");
	sink_free(&k);
	pmc_logfmt_free(&f);
}

static void test_json_lines(void **state)
{
	struct pmc_logfmt f;
	struct sink k = { 0 };

	(void)state;
	set_tz("UTC");
	pmc_logfmt_init(&f, PMC_LOGFMT_JSON, NULL, "we\"b", 7, "err", 0);
	/* JSON always waits for whole lines, even when not asked to. */
	feed(&f, &k, "say \"hi\"\t", T1, false);
	assert_sink(&k, "");
	feed(&f, &k, "\r\nsecond\n\xff\n", T2, false);
	feed(&f, &k, "cut", T2, false);
	flush(&f, &k, true);
	assert_sink(&k,
		    "{\"message\":\"say \\\"hi\\\"\\t\\r\",\"timestamp\":\"2026-11-25T09:30:29.633Z\","
		    "\"type\":\"err\",\"process_id\":7,\"app_name\":\"we\\\"b\"}\n"
		    "{\"message\":\"second\",\"timestamp\":\"2026-03-05T21:04:07.009Z\","
		    "\"type\":\"err\",\"process_id\":7,\"app_name\":\"we\\\"b\"}\n"
		    "{\"message\":\"\xef\xbf\xbd\",\"timestamp\":\"2026-03-05T21:04:07.009Z\","
		    "\"type\":\"err\",\"process_id\":7,\"app_name\":\"we\\\"b\"}\n"
		    "{\"message\":\"cut\",\"timestamp\":\"2026-03-05T21:04:07.009Z\","
		    "\"type\":\"err\",\"process_id\":7,\"app_name\":\"we\\\"b\"}\n");
	sink_free(&k);
	pmc_logfmt_free(&f);

	/* A date format also shapes the JSON timestamp, as PM2 does. */
	memset(&k, 0, sizeof k);
	pmc_logfmt_init(&f, PMC_LOGFMT_JSON, "YYYY-MM-DD", "a", 0, NULL, 0);
	feed(&f, &k, "\n", T1, true);
	assert_sink(&k, "{\"message\":\"\",\"timestamp\":\"2026-11-25\",\"type\":\"out\","
			"\"process_id\":0,\"app_name\":\"a\"}\n");
	sink_free(&k);
	pmc_logfmt_free(&f);
}

static void test_cap(void **state)
{
	struct pmc_logfmt f;
	struct sink k = { 0 };

	(void)state;
	set_tz("UTC");
	pmc_logfmt_init(&f, PMC_LOGFMT_TIME, "ss", "app", 1, "out", 8);
	/* A line longer than the cap goes out as it is; its rest has no new prefix. */
	feed(&f, &k, "0123", T1, true);
	feed(&f, &k, "45678", T1, true);
	assert_sink(&k, "29: 012345678");
	feed(&f, &k, "9\nok\n", T2, true);
	assert_sink(&k, "29: 0123456789\n07: ok\n");
	/* In one chunk too. */
	feed(&f, &k, "abcdefghijk", T2, true);
	feed(&f, &k, "l\n", T2, true);
	assert_sink(&k, "29: 0123456789\n07: ok\n07: abcdefghijkl\n");
	sink_free(&k);
	pmc_logfmt_free(&f);
}

static void test_long_line_survives(void **state)
{
	size_t len = 1000000, chunk = 65536;
	char *line = xmalloc(len + 1), *want;
	struct pmc_logfmt f;
	struct sink k = { 0 };

	(void)state;
	for (size_t i = 0; i < len; i++)
		line[i] = (char)('a' + i % 26);
	line[len] = '\n';
	pmc_logfmt_init(&f, PMC_LOGFMT_RAW, NULL, "app", 1, "out", 0);
	feed(&f, &k, "before\n", T1, true);
	for (size_t off = 0; off < len + 1; off += chunk) {
		struct pmc_logfmt_out out = { 0 };
		size_t n = len + 1 - off < chunk ? len + 1 - off : chunk;
		pmc_logfmt_feed(&f, line + off, n, T1, true, &out);
		/* Nothing of it goes out before its end. */
		if (off + n < len + 1)
			assert_int_equal(pmc_logfmt_out_len(&out), 0);
		collect(&k, &out);
	}
	assert_int_equal(k.all.len, 7 + len + 1);
	want = xmalloc(7 + len + 1);
	memcpy(want, "before\n", 7);
	memcpy(want + 7, line, len + 1);
	assert_memory_equal(k.all.data, want, 7 + len + 1);
	free(want);
	free(line);
	sink_free(&k);
	pmc_logfmt_free(&f);
}

static void test_mode_switch(void **state)
{
	struct pmc_logfmt f;
	struct sink k = { 0 };

	(void)state;
	set_tz("UTC");
	pmc_logfmt_init(&f, PMC_LOGFMT_TIME, "ss", "app", 1, "out", 0);
	/* Held while lines had to stay whole, then streaming again: the held
	 * start goes out first, with its own time, and is not prefixed twice. */
	feed(&f, &k, "ab", T1, true);
	feed(&f, &k, "c\nd", T2, false);
	assert_sink(&k, "29: abc\n07: d");
	/* And back: the open line is continued without a prefix. */
	feed(&f, &k, "e\n", T2, true);
	assert_sink(&k, "29: abc\n07: de\n");
	sink_free(&k);
	pmc_logfmt_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_tokens),
		cmocka_unit_test(test_date_zones_and_limits),
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_utf8_clean),
		cmocka_unit_test(test_raw_stream_mode),
		cmocka_unit_test(test_raw_whole_lines),
		cmocka_unit_test(test_time_prefix),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_long_line_survives),
		cmocka_unit_test(test_mode_switch),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("logfmt", tests, NULL, NULL);
}
