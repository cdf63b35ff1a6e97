/* SPDX-License-Identifier: MIT */
/* Unit tests of the watch's ignore patterns: defaults, components, anchored paths, stars, absolute
 * paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "watchmatch.h"

#define CWD "/srv/app"

static bool ignored_by(const char *rel, const char *pattern)
{
	const char *const patterns[] = {pattern, NULL};
	char abs[512];

	snprintf(abs, sizeof abs, "%s/%s", CWD, rel);
	return pmc_watch_ignored(rel, abs, patterns);
}

#define IGNORED(rel, pat)     assert_true(ignored_by(rel, pat))
#define NOT_IGNORED(rel, pat) assert_false(ignored_by(rel, pat))

static void test_defaults(void **state)
{
	(void)state;
	assert_true(pmc_watch_ignored("node_modules/x/y.js", CWD "/node_modules/x/y.js",
	                              pmc_watch_default_ignores));
	assert_true(pmc_watch_ignored("src/node_modules/a.js", CWD "/src/node_modules/a.js",
	                              pmc_watch_default_ignores));
	assert_true(pmc_watch_ignored(".git/HEAD", CWD "/.git/HEAD", pmc_watch_default_ignores));
	assert_true(pmc_watch_ignored(".git", CWD "/.git", pmc_watch_default_ignores));
	assert_false(pmc_watch_ignored("src/app.js", CWD "/src/app.js", pmc_watch_default_ignores));
	assert_false(pmc_watch_ignored("a.git/x", CWD "/a.git/x", pmc_watch_default_ignores));
	assert_false(pmc_watch_ignored("node_modules2/x", CWD "/node_modules2/x",
	                               pmc_watch_default_ignores));
	assert_false(pmc_watch_ignored(".gitignore", CWD "/.gitignore", pmc_watch_default_ignores));
	assert_false(pmc_watch_ignored("x", CWD "/x", NULL));
}

static void test_component_patterns(void **state)
{
	(void)state;
	IGNORED("out.log", "*.log");
	IGNORED("logs/a.log", "*.log");
	NOT_IGNORED("a.log.txt", "*.log");
	IGNORED("logs/a.js", "logs");
	IGNORED("src/logs/a", "logs");
	NOT_IGNORED("src/logs2/a", "logs");
	IGNORED("tmp/x", "tm?");
	IGNORED("a/.cache/b", ".*");
	IGNORED("b.swp", "*.sw[a-p]");
	/* PM2 examples escape the dot. */
	IGNORED(".git/config", "\\.git");
	NOT_IGNORED("xgit/config", "\\.git");
}

static void test_anchored_patterns(void **state)
{
	(void)state;
	IGNORED("src/gen/x.js", "src/gen");
	IGNORED("src/gen", "src/gen");
	NOT_IGNORED("lib/src/gen/x.js", "src/gen");
	NOT_IGNORED("src/generated/x.js", "src/gen");
	IGNORED("src/a.tmp", "src/*.tmp");
	NOT_IGNORED("src/sub/a.tmp", "src/*.tmp");
	IGNORED("src/sub/a.tmp", "src/**/*.tmp");
	IGNORED("src/a.tmp", "src/**/*.tmp");
	IGNORED("dist/a.js", "./dist");
	IGNORED("dist/a.js", "dist/");
	IGNORED("build/out/x", "build/*");
	NOT_IGNORED("build", "build/*");
}

static void test_any_depth(void **state)
{
	(void)state;
	IGNORED("cache/x", "**/cache");
	IGNORED("a/b/cache/y", "**/cache");
	IGNORED("a/b/gen/y.c", "**/gen/*.c");
	NOT_IGNORED("a/b/gen/y.h", "**/gen/*.c");
	NOT_IGNORED("a/b/cached", "**/cache");
}

static void test_absolute(void **state)
{
	const char *const patterns[] = {"/var/data", NULL};

	(void)state;
	assert_true(pmc_watch_ignored(NULL, "/var/data/x", patterns));
	assert_true(pmc_watch_ignored(NULL, "/var/data", patterns));
	assert_false(pmc_watch_ignored(NULL, "/var/database/x", patterns));
	IGNORED("src/a.js", CWD "/src");
	NOT_IGNORED("srcs/a.js", CWD "/src");
	/* Outside the app's directory, a component pattern looks at the absolute path. */
	const char *const logs[] = {"*.log", NULL};
	assert_true(pmc_watch_ignored(NULL, "/var/log/x.log", logs));
	/* An anchored relative pattern cannot match outside. */
	const char *const rel[] = {"var/log", NULL};
	assert_false(pmc_watch_ignored(NULL, "/var/log/x", rel));
}

static void test_empty_patterns(void **state)
{
	(void)state;
	NOT_IGNORED("a", "");
	NOT_IGNORED("a", "./");
	NOT_IGNORED("a", "/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),          cmocka_unit_test(test_component_patterns),
	    cmocka_unit_test(test_anchored_patterns), cmocka_unit_test(test_any_depth),
	    cmocka_unit_test(test_absolute),          cmocka_unit_test(test_empty_patterns),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("watchmatch", tests, NULL, NULL);
}
