/* SPDX-License-Identifier: MIT */
/* Unit tests of the recursive watch on a real loop: debounce, new and removed directories, limits,
 * cleanup. */
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
#include <uv.h>

#include "testutil.h"
#include "watch.h"

struct fixture {
	char dir[64];
	uv_loop_t loop;
	uv_timer_t deadline;
	struct pmc_watch *w;
	int calls;
	char last[256];
};

static void on_change(struct pmc_watch *w, const char *path, void *data)
{
	struct fixture *fx = data;

	(void)w;
	fx->calls++;
	snprintf(fx->last, sizeof fx->last, "%s", path);
	uv_stop(&fx->loop);
}

static void on_deadline(uv_timer_t *t)
{
	uv_stop(t->loop);
}

/* Run the loop until a callback or ms passed. */
static void run_for(struct fixture *fx, uint64_t ms)
{
	uv_timer_start(&fx->deadline, on_deadline, ms, 0);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&fx->deadline);
}

static void write_file(struct fixture *fx, const char *rel)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", fx->dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	close(fd);
}

static void make_dir(struct fixture *fx, const char *rel)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", fx->dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	snprintf(fx->dir, sizeof fx->dir, "/tmp/pmc-test-watch-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	uv_loop_init(&fx->loop);
	uv_timer_init(&fx->loop, &fx->deadline);
	*state = fx;
	return 0;
}

static void close_walked(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Closing the watch and the timer leaves nothing open on the loop. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	int leftover;

	pmc_watch_close(fx->w);
	uv_close((uv_handle_t *)&fx->deadline, NULL);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	leftover = uv_loop_close(&fx->loop);
	if (leftover) {
		uv_walk(&fx->loop, close_walked, NULL);
		uv_run(&fx->loop, UV_RUN_DEFAULT);
		uv_loop_close(&fx->loop);
	}
	test_rmtree(fx->dir);
	free(fx);
	assert_int_equal(leftover, 0);
	return 0;
}

static void open_watch(struct fixture *fx, const char *const *ignore, size_t max_dirs)
{
	struct pmc_watch_opts opts = {
	    .cwd = fx->dir,
	    .ignore = ignore,
	    .delay_ms = 50,
	    .max_dirs = max_dirs,
	};
	char *cause = NULL;

	assert_int_equal(pmc_watch_open(&fx->loop, &opts, on_change, fx, &fx->w, &cause), 0);
}

static void test_change_debounced(void **state)
{
	struct fixture *fx = *state;

	make_dir(fx, "src");
	open_watch(fx, NULL, 0);
	assert_int_equal(pmc_watch_count(fx->w), 2);
	write_file(fx, "src/a.js");
	write_file(fx, "b.js");
	write_file(fx, "src/c.js");
	run_for(fx, 5000);
	assert_int_equal(fx->calls, 1);
	assert_string_equal(fx->last, "src/a.js");
	/* Nothing more comes of that burst. */
	run_for(fx, 200);
	assert_int_equal(fx->calls, 1);
	assert_null(pmc_watch_error(fx->w));
}

static void test_new_and_removed_dirs(void **state)
{
	struct fixture *fx = *state;
	char path[256];

	open_watch(fx, NULL, 0);
	make_dir(fx, "lib");
	make_dir(fx, "lib/deep");
	run_for(fx, 5000);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(pmc_watch_count(fx->w), 3);
	write_file(fx, "lib/deep/x.js");
	run_for(fx, 5000);
	assert_int_equal(fx->calls, 2);
	assert_string_equal(fx->last, "lib/deep/x.js");
	snprintf(path, sizeof path, "%s/lib", fx->dir);
	assert_int_equal(test_rmtree(path), 0);
	run_for(fx, 5000);
	assert_int_equal(fx->calls, 3);
	assert_int_equal(pmc_watch_count(fx->w), 1);
}

static void test_ignored(void **state)
{
	struct fixture *fx = *state;
	const char *const ignore[] = {"*.log", NULL};

	make_dir(fx, "node_modules");
	open_watch(fx, ignore, 0);
	assert_int_equal(pmc_watch_count(fx->w), 1);
	write_file(fx, "node_modules/m.js");
	write_file(fx, "out.log");
	make_dir(fx, ".git");
	run_for(fx, 300);
	assert_int_equal(fx->calls, 0);
	assert_int_equal(pmc_watch_count(fx->w), 1);
	write_file(fx, "app.js");
	run_for(fx, 5000);
	assert_int_equal(fx->calls, 1);
	assert_string_equal(fx->last, "app.js");
}

static void test_limit(void **state)
{
	struct fixture *fx = *state;

	make_dir(fx, "a");
	make_dir(fx, "b");
	make_dir(fx, "c");
	open_watch(fx, NULL, 2);
	assert_int_equal(pmc_watch_count(fx->w), 2);
	assert_non_null(pmc_watch_error(fx->w));
	assert_non_null(strstr(pmc_watch_error(fx->w), "limit of 2 watched directories reached"));
}

static void test_missing_root(void **state)
{
	struct fixture *fx = *state;
	char root[128], *cause = NULL;
	const char *const roots[] = {root, NULL};
	struct pmc_watch_opts opts = {.cwd = fx->dir, .roots = roots};
	struct pmc_watch *w = NULL;

	snprintf(root, sizeof root, "%s/missing", fx->dir);
	assert_int_equal(pmc_watch_open(&fx->loop, &opts, on_change, fx, &w, &cause), -ENOENT);
	assert_non_null(strstr(cause, "No such file or directory"));
	assert_null(w);
	free(cause);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_change_debounced), T(test_new_and_removed_dirs), T(test_ignored), T(test_limit),
	    T(test_missing_root),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
