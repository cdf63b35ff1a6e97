/* SPDX-License-Identifier: MIT */
/* Unit tests of the monit dashboard's pure parts: model, layout, sparklines, text safety. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monit-model.h"

/* A list entry in the jlist shape. */
static cJSON *entry(int pm_id, const char *name, double cpu, double mem, const char *status)
{
	char *text = NULL;
	cJSON *e;

	if (asprintf(&text,
		     "{\"pm_id\":%d,\"name\":\"%s\",\"pid\":%d,\"monit\":{\"cpu\":%g,\"memory\":%g},"
		     "\"pm2_env\":{\"status\":\"%s\",\"restart_time\":2,\"unstable_restarts\":1,"
		     "\"pm_uptime\":1000,\"exec_mode\":\"cluster_mode\",\"pm_exec_path\":\"/a/b.js\","
		     "\"exit_code\":null,\"exit_signal\":\"SIGINT\"}}",
		     pm_id, name, 100 + pm_id, cpu, mem, status) < 0)
		abort();
	e = cJSON_Parse(text);
	free(text);
	assert_non_null(e);
	return e;
}

static cJSON *listing(int n, const int *ids, double cpu)
{
	cJSON *arr = cJSON_CreateArray();

	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, entry(ids[i], "api", cpu, 1024.0 * (ids[i] + 1), "online"));
	return arr;
}

static void test_model_update(void **state)
{
	struct pmc_monit_model m;
	const int ids[] = { 3, 0, 1 }, fewer[] = { 0, 3 };
	double hist[PMC_MONIT_HISTORY];
	cJSON *l;

	(void)state;
	pmc_monit_model_init(&m);
	assert_null(pmc_monit_model_selected(&m));
	l = listing(3, ids, 1.5);
	pmc_monit_model_update(&m, l);
	cJSON_Delete(l);
	assert_int_equal(m.n, 3);
	/* Sorted by pm_id, fields taken over. */
	assert_int_equal(m.procs[0].pm_id, 0);
	assert_int_equal(m.procs[2].pm_id, 3);
	assert_string_equal(m.procs[0].mode, "cluster");
	assert_string_equal(m.procs[0].last_exit, "SIGINT");
	assert_string_equal(m.procs[0].script, "/a/b.js");
	assert_int_equal(m.procs[0].restarts, 2);
	assert_int_equal(m.procs[0].pid, 100);
	/* The selection follows its pm_id. */
	pmc_monit_model_move(&m, 2);
	assert_int_equal(pmc_monit_model_selected(&m)->pm_id, 3);
	pmc_monit_model_move(&m, 5);
	assert_int_equal(m.sel, 2);
	pmc_monit_model_move(&m, -1);
	assert_int_equal(pmc_monit_model_selected(&m)->pm_id, 1);
	pmc_monit_model_move(&m, 1);
	for (int i = 0; i < 70; i++) {
		l = listing(3, ids, i);
		pmc_monit_model_update(&m, l);
		cJSON_Delete(l);
	}
	assert_int_equal(pmc_monit_model_selected(&m)->pm_id, 3);
	/* A minute of history, oldest first, carried over by pm_id. */
	assert_int_equal(pmc_monit_history(&m.procs[2], false, hist), PMC_MONIT_HISTORY);
	assert_true(hist[0] == 10.0);
	assert_true(hist[PMC_MONIT_HISTORY - 1] == 69.0);
	assert_int_equal(pmc_monit_history(&m.procs[2], true, hist), PMC_MONIT_HISTORY);
	assert_true(hist[0] == 4096.0);
	/* pm_id 1 goes: the selection stays on 3, now row 1. */
	l = listing(2, fewer, 0);
	pmc_monit_model_update(&m, l);
	cJSON_Delete(l);
	assert_int_equal(m.sel, 1);
	assert_int_equal(pmc_monit_model_selected(&m)->pm_id, 3);
	/* The selected pm_id goes: the nearest row. */
	l = listing(1, fewer, 0);
	pmc_monit_model_update(&m, l);
	cJSON_Delete(l);
	assert_int_equal(pmc_monit_model_selected(&m)->pm_id, 0);
	/* Nothing left, and junk entries are skipped. */
	l = cJSON_Parse("[1, \"x\", {\"name\":\"no id\"}, null]");
	pmc_monit_model_update(&m, l);
	cJSON_Delete(l);
	assert_int_equal(m.n, 0);
	assert_null(pmc_monit_model_selected(&m));
	pmc_monit_model_move(&m, 1);
	pmc_monit_model_free(&m);
}

static void test_model_odd_values(void **state)
{
	struct pmc_monit_model m;
	cJSON *l = cJSON_Parse("[{\"pm_id\":7,\"name\":\"a\\u001b[31mb\",\"monit\":{\"cpu\":-3},"
			       "\"pm2_env\":{\"exit_code\":1}}]");

	(void)state;
	pmc_monit_model_init(&m);
	pmc_monit_model_update(&m, l);
	cJSON_Delete(l);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.procs[0].name, "ab");
	assert_string_equal(m.procs[0].status, "unknown");
	assert_string_equal(m.procs[0].mode, "fork");
	assert_string_equal(m.procs[0].last_exit, "code 1");
	assert_true(m.procs[0].cpu == 0);
	pmc_monit_model_free(&m);
}

static void test_log_ring(void **state)
{
	struct pmc_monit_model m;
	char line[32];

	(void)state;
	pmc_monit_model_init(&m);
	pmc_monit_model_log(&m, "one\ntwo\n", 8, false);
	pmc_monit_model_log(&m, "three", 5, true);
	assert_int_equal(m.log_n, 3);
	assert_string_equal(pmc_monit_model_log_line(&m, 0)->text, "one");
	assert_string_equal(pmc_monit_model_log_line(&m, 2)->text, "three");
	assert_true(pmc_monit_model_log_line(&m, 2)->err);
	for (int i = 0; i < PMC_MONIT_LOG_KEEP + 5; i++) {
		int n = snprintf(line, sizeof line, "l%d\n", i);
		pmc_monit_model_log(&m, line, (size_t)n, false);
	}
	assert_int_equal(m.log_n, PMC_MONIT_LOG_KEEP);
	assert_string_equal(pmc_monit_model_log_line(&m, 0)->text, "l5");
	snprintf(line, sizeof line, "l%d", PMC_MONIT_LOG_KEEP + 4);
	assert_string_equal(pmc_monit_model_log_line(&m, PMC_MONIT_LOG_KEEP - 1)->text, line);
	pmc_monit_model_log_clear(&m);
	assert_int_equal(m.log_n, 0);
	pmc_monit_model_free(&m);
}

static void test_layout(void **state)
{
	struct pmc_monit_layout l;

	(void)state;
	/* 80x24 with 3 instances: all listed, the log pane takes the rest. */
	pmc_monit_layout(24, 80, 3, true, &l);
	assert_false(l.too_small);
	assert_int_equal(l.list_y, 2);
	assert_int_equal(l.list_h, 3);
	assert_int_equal(l.details_y, 5);
	assert_int_equal(l.logs_y, 10);
	assert_int_equal(l.logs_h, 13);
	assert_int_equal(l.footer_y, 23);
	assert_int_equal(l.name_w, 16);
	assert_int_equal(l.spark_w, 14);
	/* Everything fits in 80 columns. */
	assert_true(35 + l.name_w + 2 * l.spark_w <= 80);
	/* Many instances: the list gets half of what is free. */
	pmc_monit_layout(24, 80, 50, true, &l);
	assert_int_equal(l.list_h, 8);
	assert_int_equal(l.logs_h, 24 - 1 - (2 + 8 + 4 + 1));
	/* No log pane: the list takes it all and the details sit above the footer. */
	pmc_monit_layout(24, 80, 50, false, &l);
	assert_int_equal(l.list_h, 17);
	assert_int_equal(l.details_y + 1 + PMC_MONIT_DETAIL_ROWS, l.footer_y);
	assert_int_equal(l.logs_h, 0);
	/* The smallest screen still has a log row; smaller is refused. */
	pmc_monit_layout(PMC_MONIT_MIN_ROWS, PMC_MONIT_MIN_COLS, 10, true, &l);
	assert_false(l.too_small);
	assert_true(l.logs_h >= 1);
	assert_int_equal(l.spark_w, 0);
	pmc_monit_layout(PMC_MONIT_MIN_ROWS - 1, 80, 1, true, &l);
	assert_true(l.too_small);
	pmc_monit_layout(24, PMC_MONIT_MIN_COLS - 1, 1, true, &l);
	assert_true(l.too_small);
	/* Wide screens: sparklines grow up to a minute. */
	pmc_monit_layout(50, 300, 1, true, &l);
	assert_int_equal(l.spark_w, PMC_MONIT_HISTORY);
	assert_int_equal(l.name_w, 20);
	/* Empty: one row for the notice. */
	pmc_monit_layout(24, 80, 0, true, &l);
	assert_int_equal(l.list_h, 1);
}

static void test_scroll(void **state)
{
	(void)state;
	assert_int_equal(pmc_monit_scroll(0, 3, 8, 0), 0);
	assert_int_equal(pmc_monit_scroll(9, 20, 8, 0), 2);
	assert_int_equal(pmc_monit_scroll(5, 20, 8, 2), 2);
	assert_int_equal(pmc_monit_scroll(1, 20, 8, 2), 1);
	/* The list shrank: no empty rows below while rows are hidden above. */
	assert_int_equal(pmc_monit_scroll(9, 10, 8, 9), 2);
	assert_int_equal(pmc_monit_scroll(2, 3, 8, 2), 0);
	assert_int_equal(pmc_monit_scroll(4, 10, 0, 0), 4);
}

static void test_sparkline(void **state)
{
	const double v[] = { 0, 1, 2, 4, 8 };
	char buf[256];

	(void)state;
	pmc_monit_sparkline(v, 5, 8, 5, true, buf, sizeof buf);
	assert_string_equal(buf, "▁▂▃▅█");
	pmc_monit_sparkline(v, 5, 8, 5, false, buf, sizeof buf);
	assert_string_equal(buf, "_.:=#");
	/* Fewer samples than columns: right-aligned. */
	pmc_monit_sparkline(v, 2, 1, 4, false, buf, sizeof buf);
	assert_string_equal(buf, "  _#");
	/* More: the latest. */
	pmc_monit_sparkline(v, 5, 8, 2, false, buf, sizeof buf);
	assert_string_equal(buf, "=#");
	/* Over the scale is clamped; no scale is flat. */
	pmc_monit_sparkline(v, 5, 2, 3, false, buf, sizeof buf);
	assert_string_equal(buf, "###");
	pmc_monit_sparkline(v, 5, 0, 3, false, buf, sizeof buf);
	assert_string_equal(buf, "___");
	pmc_monit_sparkline(v, 5, 8, 0, true, buf, sizeof buf);
	assert_string_equal(buf, "");
	/* A small buffer is cut at a whole character. */
	pmc_monit_sparkline(v, 5, 8, 5, true, buf, 8);
	assert_string_equal(buf, "▁▂");
}

static void test_sanitize_and_fit(void **state)
{
	char *s;
	int used;

	(void)state;
	s = pmc_monit_sanitize("\x1b[1;31mred\x1b[0m\tx\x01\r", 18);
	assert_string_equal(s, "red x?");
	free(s);
	s = pmc_monit_sanitize("\x1b]0;title\x07ok \xff\xc3\xa9 \xc2\x9b", 19);
	assert_string_equal(s, "ok ?\xc3\xa9 ??");
	free(s);
	s = pmc_monit_sanitize("a\x1b", 2);
	assert_string_equal(s, "a");
	free(s);
	/* Surrogates and overlong forms are not text. */
	s = pmc_monit_sanitize("\xed\xa0\x80\xe0\x80\xaf", 6);
	assert_string_equal(s, "??????");
	free(s);
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	assert_int_equal(pmc_monit_fit("hello", 3, &used), 3);
	assert_int_equal(used, 3);
	assert_int_equal(pmc_monit_fit("hi", 10, &used), 2);
	assert_int_equal(used, 2);
	/* é is two bytes, one column; 日 is three bytes, two columns. */
	assert_int_equal(pmc_monit_fit("\xc3\xa9x", 1, &used), 2);
	assert_int_equal(pmc_monit_fit("\xe6\x97\xa5\xe6\x97\xa5", 3, &used), 3);
	assert_int_equal(used, 2);
	assert_int_equal(pmc_monit_fit("abc", 0, &used), 0);
	setlocale(LC_CTYPE, "C");
}

static void test_uptime(void **state)
{
	struct pmc_monit_proc p = { .status = "online", .started_at = 1000 };
	char buf[32];

	(void)state;
	pmc_monit_uptime(&p, 1000 + 3 * 60000, buf, sizeof buf);
	assert_string_equal(buf, "3m");
	pmc_monit_uptime(&p, 500, buf, sizeof buf);
	assert_string_equal(buf, "0");
	p.status = "stopped";
	pmc_monit_uptime(&p, 5000, buf, sizeof buf);
	assert_string_equal(buf, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_update),   cmocka_unit_test(test_model_odd_values),
		cmocka_unit_test(test_log_ring),       cmocka_unit_test(test_layout),
		cmocka_unit_test(test_scroll),         cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_sanitize_and_fit), cmocka_unit_test(test_uptime),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("monit", tests, NULL, NULL);
}
