/* SPDX-License-Identifier: MIT */
/* Unit tests of the NDJSON line decoder (ipc/frame.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

/* Pull the next line into a NUL-terminated copy the test owns (NULL when none). */
static char *next_dup(struct pmc_frame *f)
{
	char *line = NULL;
	size_t len = 0;
	char *copy;
	int rc = pmc_frame_next(f, &line, &len);

	assert_true(rc == 0 || rc == 1);
	if (rc == 0)
		return NULL;
	assert_non_null(line);
	assert_int_equal(line[len], '\0');
	assert_int_equal(strlen(line), len);
	copy = malloc(len + 1);
	assert_non_null(copy);
	memcpy(copy, line, len + 1);
	return copy;
}

static void expect_line(struct pmc_frame *f, const char *want)
{
	char *got = next_dup(f);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void expect_none(struct pmc_frame *f)
{
	char *line = NULL;
	size_t len = 0;

	assert_int_equal(pmc_frame_next(f, &line, &len), 0);
}

static void test_init_default_max(void **state)
{
	struct pmc_frame f;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(f.max, PMC_FRAME_MAX);
	assert_int_equal(PMC_FRAME_MAX, 1048576);
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 0);
	pmc_frame_close(&f);
	pmc_frame_init(&f, 10);
	assert_int_equal(f.max, 10);
	pmc_frame_close(&f);
}

static void test_single_line(void **state)
{
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "{\"a\":1}\n", 8), 0);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, 7);
	assert_memory_equal(line, "{\"a\":1}", 8);
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 0);
	pmc_frame_close(&f);
}

static void test_byte_by_byte(void **state)
{
	static const char stream[] = "first line\nsecond\n\nthird one\n";
	const char *want[] = {"first line", "second", "", "third one"};
	size_t got = 0;
	struct pmc_frame f;

	(void)state;
	pmc_frame_init(&f, 0);
	for (size_t i = 0; i < sizeof(stream) - 1; i++) {
		char *line;

		assert_int_equal(pmc_frame_feed(&f, &stream[i], 1), 0);
		while ((line = next_dup(&f))) {
			assert_true(got < 4);
			assert_string_equal(line, want[got]);
			got++;
			free(line);
		}
		/* A line is never returned before its '\n' arrived. */
		if (stream[i] != '\n')
			assert_true(pmc_frame_pending(&f) > 0);
	}
	assert_int_equal(got, 4);
	assert_int_equal(pmc_frame_pending(&f), 0);
	pmc_frame_close(&f);
}

static void test_many_lines_one_feed(void **state)
{
	static const char stream[] = "a\nbb\nccc\ndddd";
	struct pmc_frame f;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, stream, strlen(stream)), 0);
	expect_line(&f, "a");
	expect_line(&f, "bb");
	expect_line(&f, "ccc");
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 4);
	assert_int_equal(pmc_frame_feed(&f, "\n", 1), 0);
	expect_line(&f, "dddd");
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 0);
	pmc_frame_close(&f);
}

static void test_empty_lines(void **state)
{
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "\n\n\n", 3), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
		assert_int_equal(len, 0);
		assert_string_equal(line, "");
	}
	expect_none(&f);
	pmc_frame_close(&f);
}

static void test_crlf_keeps_cr(void **state)
{
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "{}\r\n{\"x\":2}\r", 12), 0);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "{}\r", 4);
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 8);
	assert_int_equal(pmc_frame_feed(&f, "\n", 1), 0);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, 8);
	assert_memory_equal(line, "{\"x\":2}\r", 9);
	pmc_frame_close(&f);
}

static void test_embedded_nul_passes_through(void **state)
{
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "a\0b\n", 4), 0);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "a\0b", 4);
	pmc_frame_close(&f);
}

/* A line of exactly max bytes is accepted, whole or in pieces. */
static void test_exactly_max(void **state)
{
	size_t max = PMC_FRAME_MAX;
	char *big = malloc(max + 1);
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', max);
	big[max] = '\n';

	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, big, max + 1), 0);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, max);
	assert_int_equal(line[0], 'x');
	assert_int_equal(line[max - 1], 'x');
	expect_none(&f);
	pmc_frame_close(&f);

	pmc_frame_init(&f, 0);
	for (size_t off = 0; off < max; off += 65536) {
		assert_int_equal(pmc_frame_feed(&f, big + off, 65536), 0);
		expect_none(&f);
	}
	assert_int_equal(pmc_frame_pending(&f), max);
	assert_int_equal(pmc_frame_feed(&f, "\n{}\n", 4), 0);
	/* growing by a few bytes past max does not double the buffer */
	assert_true(f.cap <= max + 4);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, max);
	expect_line(&f, "{}");
	pmc_frame_close(&f);
	free(big);
}

/* max + 1 bytes with their '\n' in the same feed: caught by next(). */
static void test_max_plus_one_complete(void **state)
{
	size_t max = PMC_FRAME_MAX;
	char *big = malloc(max + 2);
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	assert_non_null(big);
	memset(big, 'y', max + 1);
	big[max + 1] = '\n';
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "{}\n", 3), 0);
	assert_int_equal(pmc_frame_feed(&f, big, max + 2), 0);
	/* The line before the oversized one still comes out. */
	expect_line(&f, "{}");
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	assert_true(f.overflow);
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	assert_int_equal(pmc_frame_feed(&f, "{}\n", 3), -EMSGSIZE);
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	pmc_frame_close(&f);
	free(big);
}

/* max + 1 bytes with no '\n' yet: caught by feed(), nothing more is kept. */
static void test_max_plus_one_unterminated(void **state)
{
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 8);
	assert_int_equal(pmc_frame_feed(&f, "ok\n1234", 7), 0);
	assert_int_equal(pmc_frame_feed(&f, "5678", 4), 0);
	assert_int_equal(pmc_frame_pending(&f), 8);
	assert_int_equal(pmc_frame_feed(&f, "9", 1), -EMSGSIZE);
	assert_true(f.overflow);
	expect_line(&f, "ok");
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	assert_int_equal(pmc_frame_pending(&f), 0);
	assert_int_equal(pmc_frame_feed(&f, "\n", 1), -EMSGSIZE);
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	pmc_frame_close(&f);
}

/* Complete lines in the feed that overflows survive; the endless tail does not. */
static void test_overflow_tail_in_same_feed(void **state)
{
	static const char data[] = "a\nbc\n0123456789";
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 4);
	assert_int_equal(pmc_frame_feed(&f, data, strlen(data)), -EMSGSIZE);
	expect_line(&f, "a");
	expect_line(&f, "bc");
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	pmc_frame_close(&f);
}

/* Small max: the boundary either side, held across feeds. */
static void test_small_max_boundary(void **state)
{
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	pmc_frame_init(&f, 4);
	assert_int_equal(pmc_frame_feed(&f, "ab", 2), 0);
	assert_int_equal(pmc_frame_feed(&f, "cd\nwxyz\n", 8), 0);
	expect_line(&f, "abcd");
	expect_line(&f, "wxyz");
	expect_none(&f);
	assert_int_equal(pmc_frame_feed(&f, "ab", 2), 0);
	assert_int_equal(pmc_frame_feed(&f, "cde\n", 4), 0);
	assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
	pmc_frame_close(&f);
}

/* 10 MB without a newline: the buffer never grows past max + one feed. */
static void test_endless_line_is_bounded(void **state)
{
	enum { CHUNK = 65536 };
	static char chunk[CHUNK];
	struct pmc_frame f;
	size_t fed = 0, peak = 0;
	int rc = 0, first_error_at = -1;
	char *line;
	size_t len;

	(void)state;
	memset(chunk, 'z', sizeof(chunk));
	pmc_frame_init(&f, 0);
	for (int i = 0; fed < 10 * 1000 * 1000; i++) {
		rc = pmc_frame_feed(&f, chunk, CHUNK);
		fed += CHUNK;
		if (rc == -EMSGSIZE && first_error_at < 0)
			first_error_at = i;
		if (first_error_at < 0) {
			assert_int_equal(rc, 0);
			assert_int_equal(pmc_frame_next(&f, &line, &len), 0);
		} else {
			assert_int_equal(rc, -EMSGSIZE);
			assert_int_equal(pmc_frame_next(&f, &line, &len), -EMSGSIZE);
		}
		if (f.cap > peak)
			peak = f.cap;
		assert_true(f.len - f.start <= PMC_FRAME_MAX + CHUNK);
	}
	/* 16 chunks are exactly 1 MiB; the 17th is one too many. */
	assert_int_equal(first_error_at, PMC_FRAME_MAX / CHUNK);
	assert_true(peak <= PMC_FRAME_MAX + CHUNK);
	pmc_frame_close(&f);
}

/* Many small lines through one decoder: the buffer stays small (it compacts). */
static void test_compaction_keeps_buffer_small(void **state)
{
	static const char msg[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";
	size_t n = sizeof(msg) - 1, pos = 0;
	struct pmc_frame f;
	char slice[128];
	int lines = 0;

	(void)state;
	pmc_frame_init(&f, 0);
	/* Feed the repeated message in slices of 1..97 bytes so lines straddle feeds. */
	for (int round = 0; round < 20000; round++) {
		size_t k = (size_t)round % 97 + 1;
		char *line;
		size_t len;

		for (size_t i = 0; i < k; i++)
			slice[i] = msg[(pos + i) % n];
		pos += k;
		assert_int_equal(pmc_frame_feed(&f, slice, k), 0);
		while (pmc_frame_next(&f, &line, &len) == 1) {
			assert_int_equal(len, n - 1);
			assert_memory_equal(line, msg, n - 1);
			lines++;
		}
	}
	assert_int_equal(lines, (int)(pos / n));
	assert_int_equal(pmc_frame_pending(&f), pos % n);
	assert_true(f.cap <= 4096);
	pmc_frame_close(&f);
}

/* Once the returned bytes pass half the buffer, the next feed moves the rest down. */
static void test_compaction_at_half(void **state)
{
	char data[3003];
	struct pmc_frame f;
	char *line;
	size_t len;

	(void)state;
	memset(data, 'A', 2999);
	memcpy(data + 2999, "\nabc", 4);
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, data, sizeof(data)), 0);
	assert_int_equal(f.cap, 4096);
	assert_int_equal(pmc_frame_next(&f, &line, &len), 1);
	assert_int_equal(len, 2999);
	expect_none(&f);
	assert_int_equal(f.start, 3000);
	assert_int_equal(pmc_frame_feed(&f, "d\n", 2), 0);
	assert_int_equal(f.start, 0);
	assert_int_equal(f.len, 5);
	assert_int_equal(f.cap, 4096);
	expect_line(&f, "abcd");
	pmc_frame_close(&f);
}

/* Lines stay valid across further next() calls until the next feed. */
static void test_lines_survive_next(void **state)
{
	struct pmc_frame f;
	char *a, *b;
	size_t alen, blen;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "one\ntwo\n", 8), 0);
	assert_int_equal(pmc_frame_next(&f, &a, &alen), 1);
	assert_int_equal(pmc_frame_next(&f, &b, &blen), 1);
	assert_string_equal(a, "one");
	assert_string_equal(b, "two");
	pmc_frame_close(&f);
}

/* Pending counts only the unterminated tail, even with lines not yet drained. */
static void test_pending(void **state)
{
	struct pmc_frame f;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_pending(&f), 0);
	assert_int_equal(pmc_frame_feed(&f, "{\"jsonrpc\"", 10), 0);
	assert_int_equal(pmc_frame_pending(&f), 10);
	assert_int_equal(pmc_frame_feed(&f, ":\"2.0\"}\nab", 10), 0);
	assert_int_equal(pmc_frame_pending(&f), 2);
	expect_line(&f, "{\"jsonrpc\":\"2.0\"}");
	assert_int_equal(pmc_frame_pending(&f), 2);
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 2);
	assert_int_equal(pmc_frame_feed(&f, "c\n", 2), 0);
	assert_int_equal(pmc_frame_pending(&f), 0);
	expect_line(&f, "abc");
	assert_int_equal(pmc_frame_pending(&f), 0);
	pmc_frame_close(&f);
}

static void test_empty_feed(void **state)
{
	struct pmc_frame f;

	(void)state;
	pmc_frame_init(&f, 0);
	assert_int_equal(pmc_frame_feed(&f, "", 0), 0);
	expect_none(&f);
	assert_int_equal(pmc_frame_pending(&f), 0);
	pmc_frame_close(&f);
	/* close leaves a reusable, empty decoder */
	assert_null(f.buf);
	pmc_frame_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_default_max),
		cmocka_unit_test(test_single_line),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_many_lines_one_feed),
		cmocka_unit_test(test_empty_lines),
		cmocka_unit_test(test_crlf_keeps_cr),
		cmocka_unit_test(test_embedded_nul_passes_through),
		cmocka_unit_test(test_exactly_max),
		cmocka_unit_test(test_max_plus_one_complete),
		cmocka_unit_test(test_max_plus_one_unterminated),
		cmocka_unit_test(test_overflow_tail_in_same_feed),
		cmocka_unit_test(test_small_max_boundary),
		cmocka_unit_test(test_endless_line_is_bounded),
		cmocka_unit_test(test_compaction_keeps_buffer_small),
		cmocka_unit_test(test_compaction_at_half),
		cmocka_unit_test(test_lines_survive_next),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_empty_feed),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
