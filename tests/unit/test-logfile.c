/* SPDX-License-Identifier: MIT */
/* Unit tests for shared log files: writes off the loop, rotation, reopening, faults, pmcd.conf. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "testutil.h"

#include "logfile.h"
#include "xmalloc.h"

#define T1 INT64_C(1795599029633) /* 2026-11-25T09:30:29.633Z */

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	strcpy(tmpdir, "/tmp/pmc-test-logfile-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_rmtree(tmpdir);
	return 0;
}

static char *tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}


static char *gunzip(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	size_t len = 0, cap = 4096;
	char *buf;
	int n;

	if (!gz)
		return NULL;
	buf = xmalloc(cap + 1);
	while ((n = gzread(gz, buf + len, (unsigned)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	gzclose(gz);
	buf[len] = '\0';
	return buf;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void assert_file(const char *path, const char *want)
{
	char *got = test_slurp(path, NULL);

	if (!got)
		fail_msg("%s is missing", path);
	assert_string_equal(got, want);
	free(got);
}

static void loop_finish(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

/* ---- Writing ----------------------------------------------------------- */

struct one_write {
	struct pmc_logfile_req req;
	uv_buf_t buf;
	int calls;
};

static void on_one(struct pmc_logfile_req *req)
{
	((struct one_write *)req->data)->calls++;
}

/* Queue text, run the loop until it is written; returns the write's status
 * (or what pmc_logfile_write said when it dropped the text at once). */
static int write_now(uv_loop_t *loop, struct pmc_logfile *f, const char *text)
{
	struct one_write w = { 0 };
	int rc;

	w.buf = uv_buf_init((char *)text, (unsigned)strlen(text));
	w.req.bufs = &w.buf;
	w.req.nbufs = 1;
	w.req.cb = on_one;
	w.req.data = &w;
	rc = pmc_logfile_write(f, &w.req);
	if (rc < 0)
		return rc;
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(w.calls, 1);
	return w.req.status;
}

static void on_done(void *data)
{
	(*(int *)data)++;
}

/* Splice what the pipe holds now into f; returns the request as it came back. */
static struct pmc_logfile_req splice_now(uv_loop_t *loop, struct pmc_logfile *f, int pipe_fd,
					 size_t max)
{
	struct one_write w = { 0 };

	w.req.splice = true;
	w.req.splice_fd = pipe_fd;
	w.req.splice_max = max;
	w.req.cb = on_one;
	w.req.data = &w;
	assert_int_equal(pmc_logfile_write(f, &w.req), 0);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(w.calls, 1);
	return w.req;
}

static void test_splice(void **state)
{
	char *path = tpath("splice.log");
	struct pmc_logfile_req r;
	struct pmc_logfile *f, *full;
	struct pmc_logfile_status st;
	uv_loop_t loop;
	int p[2];

	(void)state;
	uv_loop_init(&loop);
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	f = pmc_logfile_open(&loop, path, NULL);
	/* In order with ordinary writes; an empty pipe says so. */
	assert_int_equal(write_now(&loop, f, "one\n"), 0);
	assert_int_equal(write(p[1], "two\nthr", 7), 7);
	r = splice_now(&loop, f, p[0], 1 << 20);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.spliced, 7);
	assert_true(r.splice_empty);
	assert_false(r.splice_eof);
	assert_int_equal(write_now(&loop, f, "ee\n"), 0);
	assert_file(path, "one\ntwo\nthree\n");
	pmc_logfile_status(f, &st);
	assert_int_equal(st.size, 14);
	/* At most max bytes: the rest stays in the pipe. */
	assert_int_equal(write(p[1], "0123456789", 10), 10);
	r = splice_now(&loop, f, p[0], 4);
	assert_int_equal(r.spliced, 4);
	assert_false(r.splice_empty);
	/* The writer gone and the pipe drained: end of input. */
	close(p[1]);
	r = splice_now(&loop, f, p[0], 1 << 20);
	assert_int_equal(r.spliced, 6);
	assert_true(r.splice_eof);
	assert_file(path, "one\ntwo\nthree\n0123456789");
	close(p[0]);
	/* A file that cannot take a splice says -EINVAL and loses nothing: the bytes stay. */
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	full = pmc_logfile_open(&loop, "/dev/full", NULL);
	assert_int_equal(write(p[1], "kept\n", 5), 5);
	r = splice_now(&loop, full, p[0], 1 << 20);
	assert_int_equal(r.status, -EINVAL);
	assert_int_equal(r.spliced, 0);
	assert_true(pmc_logfile_healthy(full));
	{
		char buf[16];
		assert_int_equal(read(p[0], buf, sizeof buf), 5);
	}
	close(p[0]);
	close(p[1]);
	pmc_logfile_unref(full);
	pmc_logfile_unref(f);
	loop_finish(&loop);
	free(path);
}

static void test_write_and_share(void **state)
{
	char *path = tpath("a/b/c/app-out.log");
	struct pmc_logfile *f, *g;
	struct pmc_logfile_status st;
	struct stat sb;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, NULL);
	assert_true(exists(path)); /* opened at once, missing directories made */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_int_equal(write_now(&loop, f, "one\n"), 0);
	/* The same path is the same file, shared. */
	g = pmc_logfile_open(&loop, path, NULL);
	assert_ptr_equal(f, g);
	assert_int_equal(pmc_logfile_users(f), 2);
	assert_int_equal(write_now(&loop, g, "two\n"), 0);
	assert_file(path, "one\ntwo\n");
	pmc_logfile_status(f, &st);
	assert_string_equal(st.path, path);
	assert_int_equal(st.size, 8);
	assert_null(st.error);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.users, 2);
	assert_ptr_equal(pmc_logfile_find(path), f);
	assert_ptr_equal(pmc_logfile_first(), f);
	assert_null(pmc_logfile_next(f));
	pmc_logfile_unref(g);
	assert_int_equal(pmc_logfile_users(f), 1);
	/* Never truncated: a new opener appends. */
	pmc_logfile_unref(f);
	assert_null(pmc_logfile_find(path));
	f = pmc_logfile_open(&loop, path, NULL);
	assert_int_equal(write_now(&loop, f, "three\n"), 0);
	assert_file(path, "one\ntwo\nthree\n");
	pmc_logfile_unref(f);
	loop_finish(&loop);
	free(path);
}

static void test_reopen_and_truncate(void **state)
{
	char *path = tpath("ro.log"), *moved = tpath("ro.log.old");
	struct pmc_logfile *f;
	uv_loop_t loop;
	int done = 0;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, NULL);
	assert_int_equal(write_now(&loop, f, "before\n"), 0);
	/* An external logrotate moves the file, then asks us to reopen. */
	assert_int_equal(rename(path, moved), 0);
	pmc_logfile_reopen(f, on_done, &done);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(done, 1);
	assert_int_equal(write_now(&loop, f, "after\n"), 0);
	assert_file(moved, "before\n");
	assert_file(path, "after\n");
	/* flush: emptied between writes; what follows starts at 0. */
	pmc_logfile_truncate(f, on_done, &done);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(done, 2);
	assert_file(path, "");
	assert_int_equal(write_now(&loop, f, "x\n"), 0);
	assert_file(path, "x\n");
	/* Truncated behind our back: we still write at the end, no hole. */
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(write_now(&loop, f, "y\n"), 0);
	assert_file(path, "y\n");
	pmc_logfile_unref(f);
	loop_finish(&loop);
	free(path);
	free(moved);
}

static void test_write_error_then_recovery(void **state)
{
	char *blocker = tpath("blocker"), *path = tpath("blocker/x.log"), *want;
	struct pmc_logfile *f;
	struct pmc_logfile_status st;
	uv_loop_t loop;
	int fd, done = 0;

	(void)state;
	uv_loop_init(&loop);
	fd = open(blocker, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	/* Its directory is a regular file: the failure is recorded, nothing is fatal. */
	f = pmc_logfile_open(&loop, path, NULL);
	assert_non_null(f);
	assert_false(pmc_logfile_healthy(f));
	pmc_logfile_status(f, &st);
	want = xasprintf("cannot open log file %s: Not a directory", path);
	assert_string_equal(st.error, want);
	free(want);
	assert_true(st.error_at > 0);
	/* Writes are dropped at once (and counted) until the next try. */
	assert_int_equal(write_now(&loop, f, "lost\n"), -ENOTDIR);
	assert_int_equal(write_now(&loop, f, "lost too\n"), -ENOTDIR);
	pmc_logfile_status(f, &st);
	assert_int_equal(st.dropped, 14);
	/* The path works again: a retry (here forced by a reopen) recovers. */
	assert_int_equal(unlink(blocker), 0);
	pmc_logfile_reopen(f, on_done, &done);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(done, 1);
	assert_true(pmc_logfile_healthy(f));
	pmc_logfile_status(f, &st);
	assert_null(st.error);
	assert_int_equal(st.dropped, 14);
	assert_int_equal(write_now(&loop, f, "kept\n"), 0);
	assert_file(path, "kept\n");
	pmc_logfile_unref(f);
	loop_finish(&loop);
	free(blocker);
	free(path);
}

static void test_device_full(void **state)
{
	struct pmc_logfile *f;
	struct pmc_logfile_status st;
	uv_loop_t loop;

	(void)state;
	if (access("/dev/full", W_OK) < 0)
		skip();
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, "/dev/full", NULL);
	assert_true(pmc_logfile_healthy(f)); /* it opens fine */
	assert_int_equal(write_now(&loop, f, "0123456789"), -ENOSPC);
	assert_false(pmc_logfile_healthy(f));
	pmc_logfile_status(f, &st);
	assert_string_equal(st.error, "cannot write to log file /dev/full: No space left on device");
	assert_int_equal(st.dropped, 10);
	/* No retry within the second: dropped without a trip to the threadpool. */
	assert_int_equal(write_now(&loop, f, "abc"), -ENOSPC);
	pmc_logfile_status(f, &st);
	assert_int_equal(st.dropped, 13);
	pmc_logfile_unref(f);
	loop_finish(&loop);
}

/* ---- Rotation ---------------------------------------------------------- */

/* Writes numbered lines, up to `batch` requests at a time, each of 1..3 lines. */
struct writer {
	struct pmc_logfile *f;
	int next, total, in_flight, batch, failed;
	struct slot {
		struct pmc_logfile_req req;
		uv_buf_t buf;
		char text[64];
		struct writer *w;
		bool busy;
	} slots[4];
};

static void writer_fill(struct writer *w);

static void on_slot(struct pmc_logfile_req *req)
{
	struct slot *s = req->data;

	if (req->status != 0)
		s->w->failed++;
	s->busy = false;
	s->w->in_flight--;
	writer_fill(s->w);
}

static void writer_fill(struct writer *w)
{
	for (int i = 0; i < w->batch && w->next < w->total; i++) {
		struct slot *s = &w->slots[i];
		int len = 0, lines = 1 + w->next % 3;

		if (s->busy)
			continue;
		for (int k = 0; k < lines && w->next < w->total; k++)
			len += snprintf(s->text + len, sizeof s->text - (size_t)len, "line %06d\n",
					w->next++);
		s->buf = uv_buf_init(s->text, (unsigned)len);
		s->req.bufs = &s->buf;
		s->req.nbufs = 1;
		s->req.cb = on_slot;
		s->req.data = s;
		s->w = w;
		s->busy = true;
		w->in_flight++;
		assert_int_equal(pmc_logfile_write(w->f, &s->req), 0);
	}
}

/* Every line written, `batch` writes in flight at a time (batched by the file). */
static void stream_lines(uv_loop_t *loop, struct pmc_logfile *f, int total, int batch)
{
	struct writer w = { .f = f, .total = total, .batch = batch };

	writer_fill(&w);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(w.in_flight, 0);
	assert_int_equal(w.next, w.total);
	assert_int_equal(w.failed, 0);
}

/* "line 000012\n" ... as one string. */
static char *lines(int from, int to)
{
	char *s = xmalloc((size_t)(to - from) * 12 + 1), *p = s;

	for (int i = from; i < to; i++)
		p += sprintf(p, "line %06d\n", i);
	*p = '\0';
	return s;
}

static void append(char **all, const char *more)
{
	char *joined = xasprintf("%s%s", *all, more);

	free(*all);
	*all = joined;
}

static void test_rotation_names(void **state)
{
	char *s;

	(void)state;
	s = pmc_logfile_rotated_name("/l/app-out.log", 1, false);
	assert_string_equal(s, "/l/app-out.log.1");
	free(s);
	s = pmc_logfile_rotated_name("/l/app-out.log", 12, true);
	assert_string_equal(s, "/l/app-out.log.12.gz");
	free(s);
	s = pmc_logfile_dated_name("/l/app-out.log", T1, 0);
	assert_string_equal(s, "/l/app-out-20261125-093029.log");
	free(s);
	s = pmc_logfile_dated_name("/l/app-out.log", T1, 3);
	assert_string_equal(s, "/l/app-out-20261125-093029-3.log");
	free(s);
	s = pmc_logfile_dated_name("/l/out.txt", T1, 0);
	assert_string_equal(s, "/l/out.txt-20261125-093029");
	free(s);
	s = pmc_logfile_dated_name("/l/.log", T1, 0);
	assert_string_equal(s, "/l/.log-20261125-093029");
	free(s);
}

static void test_rotation_numbered(void **state)
{
	char *path = tpath("num/app.log"), *all = xstrdup(""), *want;
	struct pmc_logfile_opts opts = { .max_size = 100, .retain = 3 };
	struct pmc_logfile *f;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, &opts);
	stream_lines(&loop, f, 100, 1);
	/* Three rotated files and the current one; older ones deleted. */
	for (int i = 3; i >= 1; i--) {
		char *name = pmc_logfile_rotated_name(path, i, false), *text = test_slurp(name, NULL);
		struct stat st;
		assert_non_null(text);
		assert_int_equal(stat(name, &st), 0);
		assert_true(st.st_size <= 100);           /* rotated before a write would overflow */
		assert_true(st.st_size > 100 - 3 * 12);   /* but not much before */
		assert_int_equal(text[strlen(text) - 1], '\n');
		append(&all, text);
		free(text);
		free(name);
	}
	{
		char *name = pmc_logfile_rotated_name(path, 4, false);
		assert_false(exists(name));
		free(name);
		char *text = test_slurp(path, NULL);
		append(&all, text);
		free(text);
	}
	/* What is kept is the tail of the stream, in order, nothing twice. */
	want = lines(100 - (int)(strlen(all) / 12), 100);
	assert_string_equal(all, want);
	assert_true(strlen(all) / 12 >= 3 * 6);
	free(want);
	free(all);
	pmc_logfile_unref(f);
	loop_finish(&loop);
	free(path);
}

/* Read .N … .1 and the current file back as one stream. */
static char *read_back(const char *path, int retain, bool gz)
{
	char *all = xstrdup("");

	for (int i = retain; i >= 1; i--) {
		char *name = pmc_logfile_rotated_name(path, i, gz);
		char *text = gz ? gunzip(name) : test_slurp(name, NULL);
		if (text)
			append(&all, text);
		free(text);
		free(name);
	}
	{
		char *text = test_slurp(path, NULL);
		append(&all, text ? text : "");
		free(text);
	}
	return all;
}

static void test_rotation_loses_nothing(void **state)
{
	char *path = tpath("stream/app.log"), *all, *want;
	struct pmc_logfile_opts opts = { .max_size = 1000, .retain = 300 };
	struct pmc_logfile *f;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, &opts);
	/* Several writes in flight: they are batched, rotation falls between them. */
	stream_lines(&loop, f, 20000, 4);
	all = read_back(path, 300, false);
	want = lines(0, 20000);
	assert_int_equal(strlen(all), strlen(want));
	assert_string_equal(all, want);
	free(all);
	free(want);
	pmc_logfile_unref(f);
	loop_finish(&loop);
	free(path);
}

static void test_rotation_compressed(void **state)
{
	char *path = tpath("gz/app.log"), *dir = tpath("gz"), *all, *want;
	struct pmc_logfile_opts opts = { .max_size = 120, .retain = 3, .compress = true };
	struct pmc_logfile *f;
	struct dirent *de;
	uv_loop_t loop;
	DIR *d;
	int n = 0;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, &opts);
	stream_lines(&loop, f, 60, 1);
	pmc_logfile_unref(f);
	loop_finish(&loop); /* compressions done */
	/* Only app.log and app.log.1.gz … .3.gz: no plain rotated or temporary files. */
	d = opendir(dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		if (strcmp(de->d_name, "app.log") != 0 && strcmp(de->d_name, "app.log.1.gz") != 0 &&
		    strcmp(de->d_name, "app.log.2.gz") != 0 && strcmp(de->d_name, "app.log.3.gz") != 0)
			fail_msg("unexpected file %s", de->d_name);
	}
	closedir(d);
	assert_int_equal(n, 4);
	all = read_back(path, 3, true);
	want = lines(60 - (int)(strlen(all) / 12), 60);
	assert_string_equal(all, want);
	free(all);
	free(want);
	free(path);
	free(dir);
}

static void test_rotation_compressed_big_writes(void **state)
{
	char *path = tpath("gzbig/app.log"), *all, *want;
	struct pmc_logfile_opts opts = { .max_size = 20, .retain = 80, .compress = true };
	struct pmc_logfile *f;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, &opts);
	/* Writes larger than the size: two rotations around one write, both compressed. */
	stream_lines(&loop, f, 90, 1);
	pmc_logfile_unref(f);
	loop_finish(&loop);
	all = read_back(path, 80, true);
	want = lines(0, 90);
	assert_string_equal(all, want);
	free(all);
	free(want);
	free(path);
}

struct dated {
	char name[256];
	char stamp[16];
	long seq;
};

static int dated_order(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	int c = strcmp(x->stamp, y->stamp);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void test_rotation_dated(void **state)
{
	char *dir = tpath("dated"), *path = tpath("dated/app-out.log"), *all = xstrdup("");
	struct pmc_logfile_opts opts = { .max_size = 60, .retain = 2, .date_names = true };
	struct pmc_logfile *f;
	struct dated found[16];
	struct dirent *de;
	uv_loop_t loop;
	char *want;
	DIR *d;
	int n = 0;

	(void)state;
	uv_loop_init(&loop);
	f = pmc_logfile_open(&loop, path, &opts);
	stream_lines(&loop, f, 40, 1);
	pmc_logfile_unref(f);
	loop_finish(&loop);
	/* app-out-YYYYMMDD-HHMMSS[-N].log: the newest two are kept. */
	d = opendir(dir);
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		char *end;
		if (strncmp(name, "app-out-", 8) != 0)
			continue;
		assert_true(n < 16);
		assert_string_equal(name + strlen(name) - 4, ".log");
		snprintf(found[n].name, sizeof found[n].name, "%s/%s", dir, name);
		memcpy(found[n].stamp, name + 8, 15);
		found[n].stamp[15] = '\0';
		assert_int_equal(found[n].stamp[8], '-');
		found[n].seq = name[23] == '-' ? strtol(name + 24, &end, 10) : 0;
		n++;
	}
	closedir(d);
	assert_int_equal(n, 2);
	qsort(found, (size_t)n, sizeof found[0], dated_order);
	for (int i = 0; i <= n; i++) {
		char *text = test_slurp(i < n ? found[i].name : path, NULL);
		append(&all, text);
		free(text);
	}
	want = lines(40 - (int)(strlen(all) / 12), 40);
	assert_string_equal(all, want);
	assert_true(strlen(all) / 12 >= 8);
	free(want);
	free(all);
	free(dir);
	free(path);
}

/* ---- pmcd.conf --------------------------------------------------------- */

static void test_conf_parse(void **state)
{
	struct pmc_logfile_opts o;
	char *cause = NULL, *path;
	FILE *fp;

	(void)state;
	pmc_logconf_defaults(&o);
	assert_int_equal(o.max_size, 0);
	assert_int_equal(o.retain, 5);
	assert_false(o.compress);
	assert_false(o.date_names);
	assert_int_equal(pmc_logconf_parse("# rotation\n\n  log_max_size = 10M \n"
					   "log_retain=7 # a week\nlog_compress = yes\n"
					   "log_rotate_names = date\nsomething_else = 3\n",
					   &o, &cause),
			 0);
	assert_null(cause);
	assert_int_equal(o.max_size, 10 << 20);
	assert_int_equal(o.retain, 7);
	assert_true(o.compress);
	assert_true(o.date_names);
	assert_int_equal(pmc_logconf_parse("log_compress=off\nlog_rotate_names=number\nlog_max_size=0",
					   &o, &cause),
			 0);
	assert_false(o.compress);
	assert_false(o.date_names);
	assert_int_equal(o.max_size, 0);

	/* Bad lines: the first is named, good lines still apply. */
	assert_int_equal(pmc_logconf_parse("log_retain = 2\nlog_retain = -1\nno equals sign\n"
					   "log_max_size = 3K\n",
					   &o, &cause),
			 -EINVAL);
	assert_string_equal(cause, "line 2: log_retain must be an integer >= 0, not '-1'");
	free(cause);
	cause = NULL;
	assert_int_equal(o.retain, 2);
	assert_int_equal(o.max_size, 3 << 10);
	assert_int_equal(pmc_logconf_parse("x\n", &o, &cause), -EINVAL);
	assert_string_equal(cause, "line 1: expected key = value");
	free(cause);
	cause = NULL;
	assert_int_equal(pmc_logconf_parse("log_max_size = lots", &o, &cause), -EINVAL);
	assert_string_equal(cause, "line 1: log_max_size must be a size like 10M, not 'lots'");
	free(cause);
	cause = NULL;
	assert_int_equal(pmc_logconf_parse("log_compress = maybe", &o, &cause), -EINVAL);
	free(cause);
	cause = NULL;
	assert_int_equal(pmc_logconf_parse("log_rotate_names = weekly", &o, &cause), -EINVAL);
	free(cause);
	cause = NULL;

	/* Files: a missing one means defaults. */
	path = tpath("pmcd.conf");
	o.retain = 99;
	assert_int_equal(pmc_logconf_load(path, &o, &cause), 0);
	assert_int_equal(o.retain, 5);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("log_max_size = 1G\nlog_retain = 0\n", fp);
	fclose(fp);
	assert_int_equal(pmc_logconf_load(path, &o, &cause), 0);
	assert_int_equal(o.max_size, INT64_C(1) << 30);
	assert_int_equal(o.retain, 0);
	fp = fopen(path, "w");
	fputs("log_retain = many\n", fp);
	fclose(fp);
	assert_int_equal(pmc_logconf_load(path, &o, &cause), -EINVAL);
	assert_non_null(strstr(cause, "pmcd.conf: line 1: log_retain"));
	free(cause);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_and_share),
		cmocka_unit_test(test_reopen_and_truncate),
		cmocka_unit_test(test_write_error_then_recovery),
		cmocka_unit_test(test_device_full),
		cmocka_unit_test(test_rotation_names),
		cmocka_unit_test(test_rotation_numbered),
		cmocka_unit_test(test_rotation_loses_nothing),
		cmocka_unit_test(test_rotation_compressed),
		cmocka_unit_test(test_rotation_compressed_big_writes),
		cmocka_unit_test(test_rotation_dated),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_conf_parse),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("logfile", tests, setup, teardown);
}
