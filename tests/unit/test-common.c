/* SPDX-License-Identifier: MIT */
/* Unit tests of common/: units, names, paths, mkdir -p, allocation helpers, log, clock. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "clock.h"
#include "duration.h"
#include "log.h"
#include "name.h"
#include "paths.h"
#include "xmalloc.h"

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* A private directory for the file system tests, and the environment to put back. */
static char tmpdir[] = "/tmp/pmc-test-common-XXXXXX";
static char *saved_pmc_home;
static char *saved_home;
static char saved_cwd[PATH_MAX];

static void restore_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	if (!getcwd(saved_cwd, sizeof saved_cwd))
		return -1;
	saved_pmc_home = getenv("PMC_HOME") ? strdup(getenv("PMC_HOME")) : NULL;
	saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (chdir(saved_cwd) < 0)
		return -1;
	restore_env("PMC_HOME", saved_pmc_home);
	restore_env("HOME", saved_home);
	free(saved_pmc_home);
	free(saved_home);
	return test_rmtree(tmpdir);
}

/* Every test that touches the environment or the cwd leaves them as found. */
static int restore(void **state)
{
	(void)state;
	restore_env("PMC_HOME", saved_pmc_home);
	restore_env("HOME", saved_home);
	return chdir(saved_cwd);
}

static char *in_tmp(const char *rel)
{
	return xasprintf("%s/%s", tmpdir, rel);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	close(fd);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --- durations and sizes ------------------------------------------------- */

static void assert_duration(const char *text, int64_t expected)
{
	int64_t ms = -42;

	if (pmc_duration_parse(text, &ms) != 0)
		fail_msg("\"%s\" was rejected", text);
	assert_int_equal(ms, expected);
}

static void assert_duration_bad(const char *text)
{
	int64_t ms = -42;

	if (pmc_duration_parse(text, &ms) != -EINVAL)
		fail_msg("\"%s\" was accepted", text ? text : "(null)");
	assert_int_equal(ms, -42);
}

static void test_duration_parse(void **state)
{
	(void)state;
	assert_duration("0", 0);
	assert_duration("1500", 1500);
	assert_duration("1500ms", 1500);
	assert_duration("1500MS", 1500);
	assert_duration("2s", 2000);
	assert_duration("1.5s", 1500);
	assert_duration(".5s", 500);
	assert_duration("0.0015s", 2); /* rounded to the nearest ms */
	assert_duration("3m", 180000);
	assert_duration("1h", 3600000);
	assert_duration("2D", 172800000);
	assert_duration("1e3", 1000);
	assert_duration("9e15", 9000000000000000LL);
}

static void test_duration_parse_errors(void **state)
{
	(void)state;
	assert_duration_bad(NULL);
	assert_duration_bad("");
	assert_duration_bad("s");
	assert_duration_bad(".");
	assert_duration_bad("-1");
	assert_duration_bad("-0");
	assert_duration_bad("+5");
	assert_duration_bad(" 5");
	assert_duration_bad(" -5");
	assert_duration_bad("\t-5s");
	assert_duration_bad("5 s");
	assert_duration_bad("5s ");
	assert_duration_bad("5x");
	assert_duration_bad("5sec");
	assert_duration_bad("1h30m");
	assert_duration_bad("1.5.5");
	assert_duration_bad("0x10");
	assert_duration_bad("nan");
	assert_duration_bad("inf");
	assert_duration_bad("1e400");
	assert_duration_bad("9001e12");
	assert_duration_bad("200000000d");
}

static void assert_duration_text(int64_t ms, const char *expected)
{
	char buf[32];

	memset(buf, 'x', sizeof buf);
	pmc_duration_format(ms, buf, sizeof buf);
	assert_string_equal(buf, expected);
}

static void test_duration_format(void **state)
{
	char small[3];

	(void)state;
	assert_duration_text(-5, "0");
	assert_duration_text(0, "0");
	assert_duration_text(1, "0s");
	assert_duration_text(999, "0s");
	assert_duration_text(1000, "1s");
	assert_duration_text(42000, "42s");
	assert_duration_text(59999, "59s");
	assert_duration_text(60000, "1m");
	assert_duration_text(180000, "3m");
	assert_duration_text(3599999, "59m");
	assert_duration_text(3600000, "1h");
	assert_duration_text(7200000, "2h");
	assert_duration_text(86399999, "23h");
	assert_duration_text(86400000, "1D");
	assert_duration_text(5 * 86400000LL, "5D");
	/* A short buffer is truncated, never overrun. */
	pmc_duration_format(42000, small, sizeof small);
	assert_string_equal(small, "42");
}

static void assert_size(const char *text, int64_t expected)
{
	int64_t bytes = -42;

	if (pmc_size_parse(text, &bytes) != 0)
		fail_msg("\"%s\" was rejected", text);
	assert_int_equal(bytes, expected);
}

static void assert_size_bad(const char *text)
{
	int64_t bytes = -42;

	if (pmc_size_parse(text, &bytes) != -EINVAL)
		fail_msg("\"%s\" was accepted", text ? text : "(null)");
	assert_int_equal(bytes, -42);
}

static void test_size_parse(void **state)
{
	(void)state;
	assert_size("0", 0);
	assert_size("512", 512);
	assert_size("512b", 512);
	assert_size("10K", 10240);
	assert_size("10k", 10240);
	assert_size("10KB", 10240);
	assert_size("1.5k", 1536);
	assert_size("200M", 209715200);
	assert_size("200mb", 209715200);
	assert_size("1G", 1073741824);
	assert_size("1gb", 1073741824);

	assert_size_bad(NULL);
	assert_size_bad("");
	assert_size_bad("k");
	assert_size_bad("-1");
	assert_size_bad("-1M");
	assert_size_bad(" 1M");
	assert_size_bad("10T");
	assert_size_bad("10mib");
	assert_size_bad("10 M");
	assert_size_bad("0x10");
	assert_size_bad("nan");
}

static void assert_size_text(int64_t bytes, const char *expected)
{
	char buf[32];

	memset(buf, 'x', sizeof buf);
	pmc_size_format(bytes, buf, sizeof buf);
	assert_string_equal(buf, expected);
}

static void test_size_format(void **state)
{
	char small[4];

	(void)state;
	assert_size_text(-1, "0b");
	assert_size_text(0, "0b");
	assert_size_text(512, "512b");
	assert_size_text(1023, "1023b");
	assert_size_text(1024, "1.0kb");
	assert_size_text(1536, "1.5kb");
	assert_size_text(12595, "12.3kb");
	assert_size_text(1048576, "1.0mb");
	assert_size_text(50750054, "48.4mb");
	assert_size_text(1073741824, "1.0gb");
	assert_size_text(1288490189, "1.2gb");
	pmc_size_format(50750054, small, sizeof small);
	assert_string_equal(small, "48.");
}

/* --- names --------------------------------------------------------------- */

static void test_name_valid(void **state)
{
	char name[PMC_NAME_MAX + 2];

	(void)state;
	assert_true(pmc_name_valid("a"));
	assert_true(pmc_name_valid("api"));
	assert_true(pmc_name_valid("my-app_v2.1"));
	assert_true(pmc_name_valid("A-Z_0.9"));
	assert_true(pmc_name_valid("a..b"));
	assert_true(pmc_name_valid("a."));
	assert_true(pmc_name_valid("-a"));
	assert_true(pmc_name_valid("0"));

	memset(name, 'n', PMC_NAME_MAX);
	name[PMC_NAME_MAX] = '\0';
	assert_true(pmc_name_valid(name)); /* 64 characters */
	name[PMC_NAME_MAX] = 'n';
	name[PMC_NAME_MAX + 1] = '\0';
	assert_false(pmc_name_valid(name)); /* 65 characters */

	assert_false(pmc_name_valid(NULL));
	assert_false(pmc_name_valid(""));
	assert_false(pmc_name_valid("."));
	assert_false(pmc_name_valid(".."));
	assert_false(pmc_name_valid(".hidden"));
	assert_false(pmc_name_valid("../etc"));
	assert_false(pmc_name_valid("a/b"));
	assert_false(pmc_name_valid("/"));
	assert_false(pmc_name_valid("a\\b"));
	assert_false(pmc_name_valid("a b"));
	assert_false(pmc_name_valid(" a"));
	assert_false(pmc_name_valid("a\t"));
	assert_false(pmc_name_valid("a\nb"));
	assert_false(pmc_name_valid("a:b"));
	assert_false(pmc_name_valid("a*b"));
	assert_false(pmc_name_valid("caf\xc3\xa9"));	 /* é in UTF-8 */
	assert_false(pmc_name_valid("a\xe2\x80\x8b")); /* zero-width space */
	assert_false(pmc_name_valid("\xff"));
}

static void test_name_closest(void **state)
{
	static const char *const apps[] = { "api", "worker", "web" };
	static const char *const tie[] = { "ab", "ac" };

	(void)state;
	assert_string_equal(pmc_name_closest("apu", apps, 3), "api");
	assert_string_equal(pmc_name_closest("web", apps, 3), "web");
	assert_string_equal(pmc_name_closest("wokrer", apps, 3), "worker");
	assert_string_equal(pmc_name_closest("workers", apps, 3), "worker");
	assert_null(pmc_name_closest("xyz", apps, 3));
	assert_null(pmc_name_closest("database", apps, 3));
	assert_null(pmc_name_closest("api", apps, 0));
	/* Ties go to the first candidate. */
	assert_string_equal(pmc_name_closest("aa", tie, 2), "ab");
}

/* --- paths --------------------------------------------------------------- */

static void test_paths_pmc_home(void **state)
{
	struct pmc_paths paths;
	char *cause = NULL;
	char *home = in_tmp("home");
	char *expected;

	(void)state;
	setenv("PMC_HOME", home, 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_null(cause);
	assert_string_equal(paths.home, home);
	expected = xasprintf("%s/rpc.sock", home);
	assert_string_equal(paths.sock, expected);
	free(expected);
	expected = xasprintf("%s/pmcd.lock", home);
	assert_string_equal(paths.lock, expected);
	free(expected);
	expected = xasprintf("%s/spawn.lock", home);
	assert_string_equal(paths.spawn_lock, expected);
	free(expected);
	expected = xasprintf("%s/pmc.db", home);
	assert_string_equal(paths.db, expected);
	free(expected);
	expected = xasprintf("%s/pmcd.log", home);
	assert_string_equal(paths.log, expected);
	free(expected);
	expected = xasprintf("%s/logs", home);
	assert_string_equal(paths.logs_dir, expected);
	free(expected);
	pmc_paths_free(&paths);
	assert_null(paths.home);
	assert_null(paths.sock);
	pmc_paths_free(&paths); /* freeing twice is harmless */
	free(home);
}

static void test_paths_trailing_slash(void **state)
{
	struct pmc_paths paths;
	char *cause = NULL;

	(void)state;
	setenv("PMC_HOME", "/srv/pmc///", 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_string_equal(paths.home, "/srv/pmc");
	assert_string_equal(paths.sock, "/srv/pmc/rpc.sock");
	pmc_paths_free(&paths);

	setenv("PMC_HOME", "/", 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_string_equal(paths.home, "/");
	pmc_paths_free(&paths);
}

static void test_paths_relative(void **state)
{
	struct pmc_paths paths;
	char cwd[PATH_MAX];
	char *cause = NULL;
	char *expected;

	(void)state;
	assert_int_equal(chdir(tmpdir), 0);
	assert_non_null(getcwd(cwd, sizeof cwd));
	setenv("PMC_HOME", "rel/home/", 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	expected = xasprintf("%s/rel/home", cwd);
	assert_string_equal(paths.home, expected);
	assert_true(paths.sock[0] == '/');
	free(expected);
	pmc_paths_free(&paths);
}

static void test_paths_default_home(void **state)
{
	struct pmc_paths paths;
	char *cause = NULL;
	char *expected = in_tmp(".pmc");

	(void)state;
	unsetenv("PMC_HOME");
	setenv("HOME", tmpdir, 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_string_equal(paths.home, expected);
	pmc_paths_free(&paths);

	/* An empty PMC_HOME counts as unset. */
	setenv("PMC_HOME", "", 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_string_equal(paths.home, expected);
	pmc_paths_free(&paths);
	free(expected);
}

static char *home_of_length(size_t len)
{
	char *home = xmalloc(len + 1);

	memset(home, 'h', len);
	home[0] = '/';
	home[len] = '\0';
	return home;
}

static void test_paths_socket_too_long(void **state)
{
	/* "<home>/rpc.sock" must fit in sun_path with its NUL. */
	size_t longest = SUN_PATH_SIZE - 1 - strlen("/rpc.sock");
	struct pmc_paths paths;
	char cwd[PATH_MAX];
	char *cause = NULL;
	char *home;

	(void)state;
	home = home_of_length(longest);
	setenv("PMC_HOME", home, 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_null(cause);
	assert_int_equal(strlen(paths.sock), SUN_PATH_SIZE - 1);
	pmc_paths_free(&paths);
	free(home);

	home = home_of_length(longest + 1);
	setenv("PMC_HOME", home, 1);
	memset(&paths, 0xa5, sizeof paths);
	assert_int_equal(pmc_paths_init(&paths, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, home));
	assert_non_null(strstr(cause, "PMC_HOME"));
	assert_null(paths.home);
	assert_null(paths.sock);
	assert_null(paths.logs_dir);
	free(cause);
	free(home);

	/* A relative PMC_HOME is measured once made absolute: "<cwd>/<rel>". */
	assert_int_equal(chdir(tmpdir), 0);
	assert_non_null(getcwd(cwd, sizeof cwd));
	home = home_of_length(longest - strlen(cwd));
	setenv("PMC_HOME", home + 1, 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_int_equal(strlen(paths.sock), SUN_PATH_SIZE - 1);
	pmc_paths_free(&paths);
	free(home);

	home = home_of_length(longest - strlen(cwd) + 1);
	setenv("PMC_HOME", home + 1, 1);
	cause = NULL;
	assert_int_equal(pmc_paths_init(&paths, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, cwd));
	free(cause);
	free(home);
}

static void test_paths_mkdirs(void **state)
{
	struct pmc_paths paths;
	struct stat st;
	char *cause = NULL;
	char *home = in_tmp("mk/deep/home");
	char *file = in_tmp("mk/file");

	(void)state;
	setenv("PMC_HOME", home, 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_int_equal(pmc_paths_mkdirs(&paths, &cause), 0);
	assert_null(cause);
	assert_int_equal(stat(paths.home, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_true(is_dir(paths.logs_dir));

	/* A home that others can read is tightened to 0700. */
	assert_int_equal(chmod(paths.home, 0755), 0);
	assert_int_equal(pmc_paths_mkdirs(&paths, &cause), 0);
	assert_int_equal(stat(paths.home, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	pmc_paths_free(&paths);

	/* A file where home should be is an error with a cause. */
	touch(file);
	setenv("PMC_HOME", file, 1);
	assert_int_equal(pmc_paths_init(&paths, &cause), 0);
	assert_int_equal(pmc_paths_mkdirs(&paths, &cause), -ENOTDIR);
	assert_non_null(cause);
	assert_non_null(strstr(cause, file));
	free(cause);
	pmc_paths_free(&paths);
	free(home);
	free(file);
}

static void test_mkdir_p(void **state)
{
	mode_t old_umask = umask(022);
	struct stat st;
	char *deep = in_tmp("p/a/b/c");
	char *slashes = in_tmp("p//x///y/");
	char *file = in_tmp("p/file");
	char *under_file = in_tmp("p/file/sub");
	char *locked = in_tmp("p/locked");
	char *under_locked = in_tmp("p/locked/sub");

	(void)state;
	assert_int_equal(pmc_mkdir_p(deep, 0700), 0);
	assert_true(is_dir(deep));
	assert_int_equal(stat(deep, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(pmc_mkdir_p(deep, 0700), 0); /* already there */

	assert_int_equal(pmc_mkdir_p(slashes, 0755), 0);
	assert_true(is_dir(slashes));

	touch(file);
	assert_int_equal(pmc_mkdir_p(file, 0700), -ENOTDIR);
	assert_int_equal(pmc_mkdir_p(under_file, 0700), -ENOTDIR);
	assert_int_equal(pmc_mkdir_p("", 0700), -ENOENT);
	assert_int_equal(pmc_mkdir_p("/", 0700), 0);

	/* Relative paths are taken from the cwd. */
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(pmc_mkdir_p("p/rel/dir", 0700), 0);
	assert_true(is_dir("p/rel/dir"));

	/* Permission errors come back as -errno (root bypasses them). */
	if (geteuid() != 0) {
		assert_int_equal(pmc_mkdir_p(locked, 0500), 0);
		assert_int_equal(pmc_mkdir_p(under_locked, 0700), -EACCES);
		assert_int_equal(chmod(locked, 0700), 0);
	}

	umask(old_umask);
	free(deep);
	free(slashes);
	free(file);
	free(under_file);
	free(locked);
	free(under_locked);
}

/* --- xmalloc, log, clock ------------------------------------------------- */

static void test_xmalloc(void **state)
{
	char *s;
	int *zeros;
	int i;

	(void)state;
	s = xasprintf("%s-%d", "app", 42);
	assert_string_equal(s, "app-42");
	free(s);
	s = xstrndup("hello", 3);
	assert_string_equal(s, "hel");
	free(s);
	s = xstrndup("hi", 10);
	assert_string_equal(s, "hi");
	free(s);
	s = xstrdup("");
	assert_string_equal(s, "");
	free(s);

	zeros = xcalloc(16, sizeof *zeros);
	for (i = 0; i < 16; i++)
		assert_int_equal(zeros[i], 0);
	zeros = xrealloc(zeros, 1024 * sizeof *zeros);
	assert_int_equal(zeros[15], 0);
	free(zeros);
	s = xmalloc(0);
	assert_non_null(s);
	free(s);
}

static void test_log_levels(void **state)
{
	char *path = in_tmp("log.txt");
	char buf[512] = { 0 };
	ssize_t n;
	int saved = dup(STDERR_FILENO);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	(void)state;
	assert_true(saved >= 0);
	assert_true(fd >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	pmc_log_set_level(PMC_LOG_WARN);
	pmc_log_info("hidden %d", 1);
	pmc_log_debug("hidden %d", 2);
	pmc_log_warn("shown %d", 3);
	pmc_log_error("also %s", "shown");
	pmc_log_set_level(PMC_LOG_INFO);
	pmc_log_debug("hidden %d", 4);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);

	n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	assert_true(n > 0);
	assert_null(strstr(buf, "hidden"));
	assert_non_null(strstr(buf, " warn: shown 3\n"));
	assert_non_null(strstr(buf, " error: also shown\n"));
	/* "YYYY-MM-DDTHH:MM:SS.mmm level: message" */
	assert_true(buf[4] == '-' && buf[7] == '-' && buf[10] == 'T' && buf[19] == '.');
	assert_int_equal(strncmp(buf + 23, " warn: shown 3\n", 15), 0);
	free(path);
}

static void test_clock(void **state)
{
	int64_t a, b;

	(void)state;
	assert_true(pmc_clock_wall_ms() > 1600000000000LL); /* after 2020 */
	a = pmc_clock_mono_ms();
	b = pmc_clock_mono_ms();
	assert_true(a >= 0);
	assert_true(b >= a);
}

#define T(fn) cmocka_unit_test_teardown(fn, restore)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_parse_errors),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_size_parse),
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_name_closest),
		T(test_paths_pmc_home),
		T(test_paths_trailing_slash),
		T(test_paths_relative),
		T(test_paths_default_home),
		T(test_paths_socket_too_long),
		T(test_paths_mkdirs),
		T(test_mkdir_p),
		cmocka_unit_test(test_xmalloc),
		T(test_log_levels),
		cmocka_unit_test(test_clock),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("common", tests, group_setup, group_teardown);
}
