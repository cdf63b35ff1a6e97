/* SPDX-License-Identifier: MIT */
/* Unit tests for the metrics: /proc parsing, CPU percent, tree sums, the sample ring, pmcd.conf. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "httpd.h"
#include "metrics.h"
#include "procstat.h"
#include "samples.h"
#include "testutil.h"
#include "xmalloc.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/unit/fixtures"
#endif

/* A fixture file, whole. */
static char *slurp(const char *name, size_t *len)
{
	char path[512], *text;

	snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
	text = test_slurp(path, len);
	assert_non_null(text);
	assert_true(*len > 0);
	return text;
}

static void test_parse_stat(void **state)
{
	struct pmc_procstat st;
	size_t len;
	char *text = slurp("stat-node", &len);

	(void)state;
	assert_int_equal(pmc_procstat_parse(text, len, &st), 0);
	assert_int_equal(st.pid, 4242);
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 4100);
	assert_int_equal(st.pgrp, 4242);
	assert_int_equal(st.utime, 1234);
	assert_int_equal(st.stime, 567);
	assert_int_equal(st.cutime, 89);
	assert_int_equal(st.cstime, 10);
	assert_int_equal(st.starttime, 987654);
	assert_int_equal(st.rss_pages, 12800);
	/* Not NUL-terminated: only len bytes count. */
	assert_int_equal(pmc_procstat_parse(text, 40, &st), -EINVAL);
	free(text);
}

static void test_parse_stat_odd_comm(void **state)
{
	struct pmc_procstat st;
	size_t len;
	char *text = slurp("stat-odd-comm", &len);

	(void)state;
	assert_int_equal(pmc_procstat_parse(text, len, &st), 0);
	assert_int_equal(st.pid, 4243);
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.utime, 7);
	assert_int_equal(st.stime, 3);
	assert_int_equal(st.rss_pages, 302);
	free(text);
}

static void test_parse_stat_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"not a stat line",
		"12 (x) S",
		"12 (x) S 1 2 3",
		"x2 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1",
		"0 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1",
		"12 (x) 7 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1",
		"12 (x) S 1 1 1 0 -1 0 0 0 0 0 -1 1 0 0 20 0 1 0 1 1 1",
		"12 (x) S 1 1 1 0 -1 0 0 0 0 0 1 99999999999999999999999 0 0 20 0 1 0 1 1 1",
		"99999999999 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1",
	};
	struct pmc_procstat st;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(pmc_procstat_parse(bad[i], strlen(bad[i]), &st), -EINVAL);
}

static void test_parse_statm(void **state)
{
	int64_t pages = -1;
	size_t len;
	char *text = slurp("statm", &len);

	(void)state;
	assert_int_equal(pmc_procstat_parse_statm(text, len, &pages), 0);
	assert_int_equal(pages, 1187);
	assert_int_equal(pmc_procstat_parse_statm("12", 2, &pages), -EINVAL);
	assert_int_equal(pmc_procstat_parse_statm("a b", 3, &pages), -EINVAL);
	free(text);
}

static void test_cpu_percent(void **state)
{
	(void)state;
	/* 50 ticks at 100 Hz in one second: half a CPU. */
	assert_float_equal(pmc_procstat_cpu_percent(1000, 1050, 1000, 100), 50.0, 1e-9);
	/* Two busy threads: more than one CPU. */
	assert_float_equal(pmc_procstat_cpu_percent(0, 400, 2000, 100), 200.0, 1e-9);
	assert_float_equal(pmc_procstat_cpu_percent(5, 5, 1000, 100), 0.0, 1e-9);
	assert_float_equal(pmc_procstat_cpu_percent(0, 30, 250, 100), 120.0, 1e-9);
	/* No time, no clock rate, or a counter that went back: 0, never negative. */
	assert_float_equal(pmc_procstat_cpu_percent(0, 100, 0, 100), 0.0, 1e-9);
	assert_float_equal(pmc_procstat_cpu_percent(0, 100, -5, 100), 0.0, 1e-9);
	assert_float_equal(pmc_procstat_cpu_percent(0, 100, 1000, 0), 0.0, 1e-9);
	assert_float_equal(pmc_procstat_cpu_percent(200, 100, 1000, 100), 0.0, 1e-9);
}

static void test_tree_sum(void **state)
{
	struct pmc_proctable *t = pmc_proctable_new(FIXTURES "/proc", 4096);
	struct pmc_proc_usage self, tree;
	const int roots[] = { 100 };

	(void)state;
	assert_int_equal(pmc_proctable_scan(t, roots, 1), 0);
	/* 300 is malformed and self is not a pid: 100, 101, 102, 103, 200 remain. */
	assert_int_equal(pmc_proctable_size(t), 5);
	assert_int_equal(pmc_proctable_usage(t, 100, 5000, &self, &tree), 0);
	assert_int_equal(self.ticks, 150);
	assert_int_equal(self.rss, 1000 * 4096);
	assert_int_equal(self.processes, 1);
	/* npm (100+50+7+3) + sh (15) + node (500) + worker (2); 200 is outside. */
	assert_int_equal(tree.ticks, 160 + 15 + 500 + 2);
	assert_int_equal(tree.rss, (int64_t)(1000 + 200 + 5000 + 50) * 4096);
	assert_int_equal(tree.processes, 4);
	/* A subtree, a leaf, the wrong start time, a pid not in the table. */
	assert_int_equal(pmc_proctable_usage(t, 101, 0, &self, &tree), 0);
	assert_int_equal(tree.processes, 2);
	assert_int_equal(tree.rss, (int64_t)(200 + 5000) * 4096);
	assert_int_equal(pmc_proctable_usage(t, 103, 0, &self, &tree), 0);
	assert_int_equal(tree.processes, 1);
	assert_int_equal(pmc_proctable_usage(t, 100, 4999, &self, &tree), -ESRCH);
	assert_int_equal(pmc_proctable_usage(t, 300, 0, &self, &tree), -ESRCH);
	assert_int_equal(pmc_proctable_usage(t, 7, 0, &self, &tree), -ESRCH);
	pmc_proctable_free(t);

	t = pmc_proctable_new(FIXTURES "/no-such-dir", 4096);
	assert_int_equal(pmc_proctable_scan(t, roots, 1), -ENOENT);
	pmc_proctable_free(t);
}

static void write_stat(const char *root, int pid, int ppid, int utime, int rss)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%d", root, pid);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%d/stat", root, pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"%d (p%d) S %d %d %d 0 -1 0 0 0 0 0 %d 0 0 0 20 0 1 0 %d 1000 %d "
		"18446744073709551615 1 1 0\n",
		pid, pid, ppid, pid, pid, utime, 100 + pid, rss);
	fclose(f);
}

/* Members are read every scan; an outsider only when first seen and now and then. */
static void test_rescan(void **state)
{
	char root[] = "/tmp/pmc-procstat.XXXXXX", path[600];
	struct pmc_proctable *t;
	struct pmc_proc_usage self, tree;
	const int roots[] = { 10 };
	int i;

	(void)state;
	assert_non_null(mkdtemp(root));
	write_stat(root, 10, 1, 5, 10);
	write_stat(root, 11, 10, 5, 10);
	write_stat(root, 50, 1, 5, 10);
	t = pmc_proctable_new(root, 1);
	assert_int_equal(pmc_proctable_scan(t, roots, 1), 0);
	assert_int_equal(pmc_proctable_reads(t), 3);
	assert_int_equal(pmc_proctable_usage(t, 10, 0, &self, &tree), 0);
	assert_int_equal(tree.rss, 20);

	/* A member changes, the outsider changes, a new child appears. */
	write_stat(root, 11, 10, 9, 30);
	write_stat(root, 50, 1, 9, 30);
	write_stat(root, 12, 11, 1, 5);
	assert_int_equal(pmc_proctable_scan(t, roots, 1), 0);
	assert_int_equal(pmc_proctable_reads(t), 3); /* 10, 11 and the new 12 */
	assert_int_equal(pmc_proctable_usage(t, 10, 0, &self, &tree), 0);
	assert_int_equal(tree.rss, 10 + 30 + 5);
	assert_int_equal(tree.processes, 3);
	assert_int_equal(pmc_proctable_usage(t, 50, 0, &self, &tree), 0);
	assert_int_equal(self.rss, 10); /* not read again yet */

	/* The outsider is read again within a bounded number of scans. */
	for (i = 0; i < 20 && self.rss != 30; i++) {
		assert_int_equal(pmc_proctable_scan(t, roots, 1), 0);
		assert_int_equal(pmc_proctable_usage(t, 50, 0, &self, &tree), 0);
	}
	assert_int_equal(self.rss, 30);

	/* A child that exits leaves the tree. */
	snprintf(path, sizeof path, "%s/12/stat", root);
	unlink(path);
	snprintf(path, sizeof path, "%s/12", root);
	rmdir(path);
	assert_int_equal(pmc_proctable_scan(t, roots, 1), 0);
	assert_int_equal(pmc_proctable_usage(t, 10, 0, &self, &tree), 0);
	assert_int_equal(tree.processes, 2);
	assert_int_equal(pmc_proctable_usage(t, 12, 0, &self, &tree), -ESRCH);
	pmc_proctable_free(t);
	assert_int_equal(test_rmtree(root), 0);
}

static void test_samples_ring(void **state)
{
	struct pmc_samples s;
	struct pmc_sample_stats st;
	int i;

	(void)state;
	pmc_samples_init(&s, 4);
	assert_null(pmc_samples_last(&s));
	pmc_samples_stats(&s, 0, &st);
	assert_int_equal(st.n, 0);
	for (i = 1; i <= 6; i++) {
		struct pmc_sample x = { .at = i * 1000, .rss = i * 10, .tree_rss = i * 20,
					.cpu = (float)i, .tree_cpu = (float)(2 * i) };
		pmc_samples_push(&s, &x);
	}
	assert_int_equal(s.len, 4);
	assert_int_equal(pmc_samples_get(&s, 0)->at, 3000);
	assert_int_equal(pmc_samples_last(&s)->at, 6000);
	assert_null(pmc_samples_get(&s, 4));
	pmc_samples_stats(&s, 4000, &st); /* samples 4, 5, 6 */
	assert_int_equal(st.n, 3);
	assert_float_equal(st.cpu_avg, 5.0, 1e-6);
	assert_float_equal(st.cpu_max, 6.0, 1e-6);
	assert_float_equal(st.tree_cpu_max, 12.0, 1e-6);
	assert_int_equal(st.rss_avg, 50);
	assert_int_equal(st.tree_rss_max, 120);
	pmc_samples_clear(&s);
	assert_int_equal(s.len, 0);
	assert_null(pmc_samples_last(&s));
	pmc_samples_free(&s);
}

static void test_conf(void **state)
{
	struct pmc_metrics_conf conf = { .interval_ms = 1000 };
	char *cause = NULL;

	(void)state;
	assert_int_equal(pmc_metrics_conf_parse("# metrics\nlog_retain = 3\nmetrics_interval = 2s\n"
						"metrics_listen = 127.0.0.1:9615 # scrape\n",
						&conf, &cause),
			 0);
	assert_int_equal(conf.interval_ms, 2000);
	assert_string_equal(conf.listen, "127.0.0.1:9615");
	assert_int_equal(pmc_metrics_conf_parse("metrics_listen = off\n", &conf, &cause), 0);
	assert_null(conf.listen);
	assert_int_equal(pmc_metrics_conf_parse("\nmetrics_interval = 50ms\n", &conf, &cause),
			 -EINVAL);
	assert_non_null(strstr(cause, "line 2"));
	assert_non_null(strstr(cause, "metrics_interval"));
	free(cause);
	cause = NULL;
	assert_int_equal(pmc_metrics_conf_parse("metrics_interval = soon\n", &conf, &cause),
			 -EINVAL);
	free(cause);
	assert_int_equal(conf.interval_ms, 2000); /* a bad value changes nothing */
	pmc_metrics_conf_free(&conf);
}

static void test_http_address(void **state)
{
	static const char *const good[] = { "9615", "127.0.0.1:9615", "localhost:0", "[::1]:80",
					    "0.0.0.0:1" };
	static const char *const bad[] = { "", "x", "host:1", "127.0.0.1:", "127.0.0.1:65536",
					   "127.0.0.1:-1", "[::1]80", "::1:80", "1.2.3:4",
					   "127.0.0.1:12ab" };
	struct sockaddr_storage addr;
	char *cause = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(pmc_httpd_parse_address(good[i], &addr, &cause), 0);
	assert_int_equal(pmc_httpd_parse_address("9615", &addr, &cause), 0);
	assert_int_equal(addr.ss_family, AF_INET);
	assert_int_equal(pmc_httpd_parse_address("[::1]:80", &addr, &cause), 0);
	assert_int_equal(addr.ss_family, AF_INET6);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(pmc_httpd_parse_address(bad[i], &addr, &cause), -EINVAL);
		assert_non_null(strstr(cause, "invalid address"));
		free(cause);
		cause = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_stat_odd_comm),
		cmocka_unit_test(test_parse_stat_rejects),
		cmocka_unit_test(test_parse_statm),
		cmocka_unit_test(test_cpu_percent),
		cmocka_unit_test(test_tree_sum),
		cmocka_unit_test(test_rescan),
		cmocka_unit_test(test_samples_ring),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_http_address),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
