/* SPDX-License-Identifier: MIT */
/* Unit tests for spawned processes on a real event loop: logs, exits, stops, groups, fds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "logs.h"
#include "proc.h"
#include "xmalloc.h"

static char tmpdir[64];
static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

struct result {
	int calls;
	struct pmc_sup_exit exit;
	bool group_gone;   /* no member of the group at callback time */
	bool release;      /* release from the callback */
	bool stop_in_cb;   /* a stop after the exit must be harmless */
	const char *check; /* a log file to read at callback time */
	char *check_text;
	off_t check_size;
};

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/pmc-test-proc-XXXXXX");
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

/* The whole file, NUL-terminated; "" when missing. */
static char *slurp(const char *path)
{
	char *text = test_slurp(path, NULL);

	return text ? text : xstrdup("");
}

/* The file's lines, sorted, equal want's (order across streams is not fixed). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted_lines(const char *text)
{
	char *copy = xstrdup(text), *lines[64], *out;
	size_t n = 0, len = 0;

	for (char *l = strtok(copy, "\n"); l && n < 64; l = strtok(NULL, "\n"))
		lines[n++] = l;
	qsort(lines, n, sizeof lines[0], cmp_str);
	out = xmalloc(strlen(text) + 2);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%s\n", lines[i]);
	out[len] = '\0';
	free(copy);
	return out;
}

static void assert_file_lines(const char *path, const char *want)
{
	char *text = slurp(path), *a = sorted_lines(text), *b = sorted_lines(want);

	assert_string_equal(a, b);
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
	free(a);
	free(b);
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void on_exit_cb(struct pmc_proc *proc, const struct pmc_sup_exit *exit, void *data)
{
	struct result *r = data;

	r->calls++;
	r->exit = *exit;
	r->group_gone = kill(-pmc_proc_pid(proc), 0) == -1 && errno == ESRCH;
	if (r->check) {
		free(r->check_text);
		r->check_text = slurp(r->check);
		r->check_size = file_size(r->check);
	}
	if (r->stop_in_cb)
		pmc_proc_stop(proc, SIGKILL, 0);
	if (r->release)
		pmc_proc_release(proc);
}

static struct pmc_proc *spawn_argv(uv_loop_t *loop, char *const *argv, const char *out,
				   const char *err, struct result *r)
{
	struct pmc_proc_spec spec = { argv, envp, tmpdir, out, err };
	struct pmc_proc *proc = NULL;
	char *cause = NULL;
	int rc = pmc_proc_spawn(loop, &spec, on_exit_cb, r, &proc, &cause);

	if (rc)
		fail_msg("spawn %s: %s", argv[0], cause);
	assert_non_null(proc);
	assert_true(pmc_proc_pid(proc) > 0);
	return proc;
}

static struct pmc_proc *spawn_sh(uv_loop_t *loop, const char *script, const char *out,
				 const char *err, struct result *r)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };

	return spawn_argv(loop, argv, out, err, r);
}

/* Turn the loop until the log file holds `needle` (the child is ready). */
static void run_until_output(uv_loop_t *loop, const char *path, const char *needle,
			     struct result *r)
{
	for (;;) {
		char *text = slurp(path);
		bool found = strstr(text, needle) != NULL;

		free(text);
		if (found)
			return;
		assert_int_equal(r->calls, 0);
		uv_run(loop, UV_RUN_ONCE);
	}
}

static void loop_finish(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

static void assert_no_zombies(void)
{
	int status;

	/* 0: children exist but none has exited; -1/ECHILD: no children. */
	assert_true(waitpid(-1, &status, WNOHANG) <= 0);
}

/* ---- tests ------------------------------------------------------------- */

static void test_exit_code_and_logs(void **state)
{
	char *out = tpath("logs/a/out.log"), *err = tpath("logs/a/err.log");
	struct result r = { .release = true, .stop_in_cb = true };
	struct pmc_proc *proc;
	siginfo_t si;
	uv_loop_t loop;
	char *text;
	struct stat st;

	(void)state;
	r.check = out;
	uv_loop_init(&loop);
	proc = spawn_sh(&loop, "echo out; echo err >&2; exit 3", out, err, &r);
	/* Let it exit before the loop looks at anything, so the exit and the
	 * output are seen in the same turn (without reaping it: WNOWAIT). */
	assert_int_equal(waitid(P_PID, (id_t)pmc_proc_pid(proc), &si, WEXITED | WNOWAIT), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, 3);
	assert_int_equal(r.exit.signal, 0);
	assert_true(r.group_gone);
	/* The tail written just before the exit was in the file when it was reported. */
	assert_string_equal(r.check_text, "out\n");
	text = slurp(out);
	assert_string_equal(text, "out\n");
	free(text);
	text = slurp(err);
	assert_string_equal(text, "err\n");
	free(text);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0137, 0);

	/* Appends; never truncates. */
	r.calls = 0;
	spawn_sh(&loop, "printf more; printf x >&2", out, err, &r);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, 0);
	text = slurp(out);
	assert_string_equal(text, "out\nmore");
	free(text);
	text = slurp(err);
	assert_string_equal(text, "err\nx");
	free(text);

	loop_finish(&loop);
	free(r.check_text);
	free(out);
	free(err);
}

static void test_large_output_and_discard(void **state)
{
	char *out = tpath("big.log");
	struct result r = { .release = true };
	uv_loop_t loop;

	(void)state;
	r.check = out;
	uv_loop_init(&loop);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(truncate(out, 0) == 0 || errno == ENOENT, 1);
		r.calls = 0;
		spawn_sh(&loop, "head -c 3000000 /dev/zero", out, NULL, &r);
		uv_run(&loop, UV_RUN_DEFAULT);
		assert_int_equal(r.calls, 1);
		assert_int_equal(r.exit.code, 0);
		/* Every byte was in the file when the exit was reported. */
		assert_int_equal(r.check_size, 3000000);
		assert_int_equal(file_size(out), 3000000);
	}
	free(r.check_text);
	r.check = NULL;
	r.check_text = NULL;

	/* No log files at all: output is read and dropped, the app never blocks. */
	r.calls = 0;
	spawn_sh(&loop, "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2; exit 4", NULL,
		 NULL, &r);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, 4);
	loop_finish(&loop);
	free(out);
}

static void test_exit_by_signal(void **state)
{
	struct result r = { .release = true };
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	spawn_sh(&loop, "kill -TERM $$", NULL, NULL, &r);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, -1);
	assert_int_equal(r.exit.signal, SIGTERM);
	loop_finish(&loop);
}

static void assert_spawn_fails(uv_loop_t *loop, struct pmc_proc_spec *spec, int want_err,
			       const char *want_cause)
{
	struct result r = { 0 };
	struct pmc_proc *proc = (struct pmc_proc *)&r;
	char *cause = NULL;

	assert_int_equal(pmc_proc_spawn(loop, spec, on_exit_cb, &r, &proc, &cause), want_err);
	assert_null(proc);
	assert_non_null(cause);
	if (strncmp(cause, want_cause, strlen(want_cause)) != 0)
		fail_msg("cause '%s', want '%s...'", cause, want_cause);
	free(cause);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 0);
}

static void test_spawn_failures(void **state)
{
	char *argv_missing[] = { "/nonexistent/prog", NULL };
	char *argv_word[] = { "no-such-prog-pmc", NULL };
	char *plain = tpath("plain"), *nodir = tpath("no/such/dir");
	char *argv_plain[] = { plain, NULL };
	char *argv_sh[] = { "sh", "-c", "exit 0", NULL };
	char *argv_echo[] = { "sh", "-c", "echo lost >&2; exit 7", NULL };
	struct pmc_proc_spec spec = { argv_missing, envp, tmpdir, NULL, NULL };
	char *want;
	uv_loop_t loop;
	int fd;

	(void)state;
	uv_loop_init(&loop);
	assert_spawn_fails(&loop, &spec, -ENOENT,
			   "cannot exec /nonexistent/prog: No such file or directory");

	spec.argv = argv_word;
	assert_spawn_fails(&loop, &spec, -ENOENT,
			   "cannot exec no-such-prog-pmc: No such file or directory");

	fd = open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	spec.argv = argv_plain;
	want = xasprintf("cannot exec %s: Permission denied", plain);
	assert_spawn_fails(&loop, &spec, -EACCES, want);
	free(want);

	spec.argv = argv_sh;
	spec.cwd = nodir;
	want = xasprintf("cannot use cwd %s: No such file or directory", nodir);
	assert_spawn_fails(&loop, &spec, -ENOENT, want);
	free(want);

	/* A log file that cannot be created (its parent is a regular file) is
	 * no reason not to run: the app runs, its output is dropped. */
	spec.cwd = tmpdir;
	spec.argv = argv_echo;
	spec.err_path = want = xasprintf("%s/x.log", plain);
	{
		struct result r = { .release = true };
		struct pmc_proc *proc = NULL;
		char *cause = NULL;

		assert_int_equal(pmc_proc_spawn(&loop, &spec, on_exit_cb, &r, &proc, &cause), 0);
		assert_null(cause);
		uv_run(&loop, UV_RUN_DEFAULT);
		assert_int_equal(r.calls, 1);
		assert_int_equal(r.exit.code, 7);
		assert_int_equal(file_size(want), -1);
	}
	free(want);
	loop_finish(&loop);
	free(plain);
	free(nodir);
}

static void test_argv0_from_app_path(void **state)
{
	char *bin = tpath("bin"), *hello = tpath("bin/hello-pmc"), *out = tpath("hello.log");
	char *path_var = xasprintf("PATH=%s:/usr/bin:/bin", bin);
	char *const env[] = { path_var, NULL };
	char *argv[] = { "hello-pmc", "world", NULL };
	struct pmc_proc_spec spec = { argv, env, tmpdir, out, NULL };
	struct result r = { .release = true };
	struct pmc_proc *proc;
	char *cause = NULL, *text;
	uv_loop_t loop;
	int fd;

	(void)state;
	assert_int_equal(mkdir(bin, 0755), 0);
	fd = open(hello, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\necho \"$0 $1\"\n", 23), 23);
	close(fd);
	uv_loop_init(&loop);
	assert_int_equal(pmc_proc_spawn(&loop, &spec, on_exit_cb, &r, &proc, &cause), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, 0);
	text = slurp(out);
	/* argv[0] stays as given; the file came from the app's PATH. */
	{
		char *want = xasprintf("%s world\n", hello);
		assert_string_equal(text, want);
		free(want);
	}
	free(text);
	loop_finish(&loop);
	free(path_var);
	free(bin);
	free(hello);
	free(out);
}

static void test_stop_escalates_to_sigkill(void **state)
{
	char *out = tpath("stop.log");
	struct result r = { .release = true };
	struct pmc_proc *proc;
	uv_loop_t loop;
	int pid;

	(void)state;
	uv_loop_init(&loop);
	proc = spawn_sh(&loop, "trap '' INT; echo ready; exec sleep 30", out, NULL, &r);
	pid = pmc_proc_pid(proc);
	run_until_output(&loop, out, "ready", &r);
	pmc_proc_stop(proc, SIGINT, 200);
	/* Idempotent: this SIGTERM is never sent (it would end the process itself). */
	pmc_proc_stop(proc, SIGTERM, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, -1);
	assert_int_equal(r.exit.signal, SIGKILL);
	assert_true(r.group_gone);
	assert_int_equal(kill(-pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	loop_finish(&loop);
	free(out);
}

static void test_stop_graceful(void **state)
{
	struct result r = { .release = true };
	struct pmc_proc *proc;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	proc = spawn_sh(&loop, "exec sleep 30", NULL, NULL, &r);
	/* A long kill_timeout: the run ends as soon as the group is gone. */
	pmc_proc_stop(proc, SIGTERM, 60000);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.signal, SIGTERM);
	loop_finish(&loop);
}

static int read_pid(const char *path)
{
	char *text = slurp(path);
	int pid = atoi(text);

	free(text);
	return pid;
}

static void test_stop_kills_grandchildren(void **state)
{
	char *out = tpath("gc.log");
	struct result r = { .release = true };
	struct pmc_proc *proc;
	uv_loop_t loop;
	int pid, grandchild;

	(void)state;
	uv_loop_init(&loop);
	/* The background sleep ignores SIGINT (sh does that for async lists). */
	proc = spawn_sh(&loop, "sleep 30 & echo $!; sleep 30", out, NULL, &r);
	pid = pmc_proc_pid(proc);
	run_until_output(&loop, out, "\n", &r);
	grandchild = read_pid(out);
	assert_true(grandchild > 0 && grandchild != pid);
	assert_int_equal(getpgid(grandchild), pid);
	pmc_proc_stop(proc, SIGINT, 200);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_true(r.group_gone);
	assert_int_equal(kill(-pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(kill(grandchild, 0), -1); /* not even a zombie */
	assert_no_zombies();
	loop_finish(&loop);
	free(out);
}

static void test_unexpected_exit_cleans_group(void **state)
{
	char *out = tpath("orphan.log");
	struct result r = { .release = true };
	struct pmc_proc *proc;
	uv_loop_t loop;
	int pid, grandchild;

	(void)state;
	uv_loop_init(&loop);
	proc = spawn_sh(&loop, "sleep 30 & echo $!; exit 5", out, NULL, &r);
	pid = pmc_proc_pid(proc);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, 5); /* the leader's status, not the SIGKILLed member's */
	assert_int_equal(r.exit.signal, 0);
	assert_true(r.group_gone);
	grandchild = read_pid(out);
	assert_true(grandchild > 0);
	assert_int_equal(kill(grandchild, 0), -1);
	assert_int_equal(kill(-pid, 0), -1);
	assert_no_zombies();
	loop_finish(&loop);
	free(out);
}

static void test_release_before_exit(void **state)
{
	struct result r = { 0 };
	struct pmc_proc *proc;
	uv_loop_t loop;
	int pid, status;

	(void)state;
	uv_loop_init(&loop);
	proc = spawn_sh(&loop, "exec sleep 30", NULL, NULL, &r);
	pid = pmc_proc_pid(proc);
	pmc_proc_release(proc);
	pmc_proc_release(NULL);
	/* The loop has nothing left: no callback, the process runs on. */
	loop_finish(&loop);
	assert_int_equal(r.calls, 0);
	assert_int_equal(kill(pid, 0), 0);
	assert_int_equal(kill(-pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
}

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

static void test_fd_count_stable(void **state)
{
	char *out = tpath("cycle-out.log"), *err = tpath("cycle-err.log");
	char *argv[] = { "true", NULL };
	struct result r = { .release = true };
	uv_loop_t loop;
	int before;

	(void)state;
	uv_loop_init(&loop);
	spawn_argv(&loop, argv, out, err, &r); /* warm-up: libuv's own signal fds */
	uv_run(&loop, UV_RUN_DEFAULT);
	before = count_fds();
	for (int i = 0; i < 200; i++) {
		spawn_argv(&loop, argv, out, err, &r);
		uv_run(&loop, UV_RUN_DEFAULT);
	}
	assert_int_equal(r.calls, 201);
	assert_int_equal(count_fds(), before);
	assert_no_zombies();
	loop_finish(&loop);
	free(out);
	free(err);
}

static void test_start_ticks(void **state)
{
	char old[17] = { 0 };
	uint64_t self;
	struct result r = { .release = true };
	struct pmc_proc *proc;
	uv_loop_t loop;

	(void)state;
	self = pmc_proc_start_ticks(getpid());
	assert_true(self > 0);
	/* A name with spaces and ')' must not shift the fields. */
	prctl(PR_GET_NAME, old);
	prctl(PR_SET_NAME, "a) b) (c d");
	assert_int_equal(pmc_proc_start_ticks(getpid()), self);
	prctl(PR_SET_NAME, old);
	assert_int_equal(pmc_proc_start_ticks(0), 0);
	assert_int_equal(pmc_proc_start_ticks(-1), 0);
	assert_int_equal(pmc_proc_start_ticks(INT_MAX), 0);

	uv_loop_init(&loop);
	proc = spawn_sh(&loop, "exec sleep 30", NULL, NULL, &r);
	assert_true(pmc_proc_start_ticks(pmc_proc_pid(proc)) >= self);
	pmc_proc_stop(proc, SIGKILL, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.exit.signal, SIGKILL);
	loop_finish(&loop);
}

static void test_signals(void **state)
{
	static const char *const bad[] = { "", "SIGFOO", "0", "999", "2x", "-2", "SIG", " INT" };

	(void)state;
	assert_int_equal(pmc_signal_parse("SIGINT"), SIGINT);
	assert_int_equal(pmc_signal_parse("INT"), SIGINT);
	assert_int_equal(pmc_signal_parse("2"), SIGINT);
	assert_int_equal(pmc_signal_parse("sigterm"), SIGTERM);
	assert_int_equal(pmc_signal_parse("HUP"), SIGHUP);
	assert_int_equal(pmc_signal_parse("QUIT"), SIGQUIT);
	assert_int_equal(pmc_signal_parse("KILL"), SIGKILL);
	assert_int_equal(pmc_signal_parse("9"), SIGKILL);
	assert_int_equal(pmc_signal_parse("USR1"), SIGUSR1);
	assert_int_equal(pmc_signal_parse("SIGUSR2"), SIGUSR2);
	assert_int_equal(pmc_signal_parse("CONT"), SIGCONT);
	assert_int_equal(pmc_signal_parse("STOP"), SIGSTOP);
	assert_int_equal(pmc_signal_parse(NULL), -EINVAL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(pmc_signal_parse(bad[i]), -EINVAL);
	assert_string_equal(pmc_signal_name(SIGINT), "SIGINT");
	assert_string_equal(pmc_signal_name(SIGKILL), "SIGKILL");
	assert_string_equal(pmc_signal_name(SIGTERM), "SIGTERM");
	assert_string_equal(pmc_signal_name(0), "SIG?");
	assert_string_equal(pmc_signal_name(999), "SIG?");
}

static struct pmc_proc *spawn_logged(uv_loop_t *loop, const char *script, const char *out,
				     const char *err, const struct pmc_log_spec *log,
				     struct result *r)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct pmc_proc_spec spec = { argv, envp, tmpdir, out, err, NULL, 0, log };
	struct pmc_proc *proc = NULL;
	char *cause = NULL;

	if (pmc_proc_spawn(loop, &spec, on_exit_cb, r, &proc, &cause) != 0)
		fail_msg("spawn: %s", cause);
	return proc;
}

static void test_log_formats(void **state)
{
	char *out = tpath("fmt-out.log"), *err = tpath("fmt-err.log"), *all = tpath("fmt.log");
	struct pmc_log_spec log = { .name = "fmt", .pm_id = 4, .combined_path = all,
				    .kind = PMC_LOGFMT_TIME, .date_fmt = "[T]" };
	struct result r = { .release = true };
	uv_loop_t loop;
	char *text;

	(void)state;
	uv_loop_init(&loop);
	r.check = all;
	/* Prefixes per line; the combined file gets both streams, whole lines only,
	 * and the unfinished last line of each ends as a line of its own. */
	spawn_logged(&loop, "echo one; echo two >&2; printf 'par'; printf 'tial'", out, err, &log,
		     &r);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_non_null(strstr(r.check_text, "T: partial\n")); /* there at exit time */
	text = slurp(out);
	assert_string_equal(text, "T: one\nT: partial\n");
	free(text);
	assert_file_lines(all, "T: one\nT: partial\nT: two\n");
	text = slurp(err);
	assert_string_equal(text, "T: two\n");
	free(text);

	/* JSON lines. */
	log.kind = PMC_LOGFMT_JSON;
	log.combined_path = NULL;
	log.date_fmt = "[at]";
	r.calls = 0;
	assert_int_equal(truncate(out, 0), 0);
	spawn_logged(&loop, "printf 'a \"q\"\\n'", out, NULL, &log, &r);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	text = slurp(out);
	assert_string_equal(text, "{\"message\":\"a \\\"q\\\"\",\"timestamp\":\"at\",\"type\":\"out\","
				  "\"process_id\":4,\"app_name\":\"fmt\"}\n");
	free(text);
	loop_finish(&loop);
	free(r.check_text);
	free(out);
	free(err);
	free(all);
}

static void test_shared_file_whole_lines(void **state)
{
	char *out = tpath("shared.log"), *text;
	struct result r1 = { .release = true }, r2 = { .release = true };
	uv_loop_t loop;
	int n = 0;

	(void)state;
	uv_loop_init(&loop);
	/* Two processes, one file: every line stays whole, written in pieces or not. */
	spawn_logged(&loop, "for i in 1 2 3 4 5 6 7 8; do printf 'aaa'; printf 'AAA\n'; done; "
			    "printf 'a-tail'",
		     out, NULL, NULL, &r1);
	spawn_logged(&loop, "for i in 1 2 3 4 5 6 7 8; do printf 'bbb'; printf 'BBB\n'; done; "
			    "printf 'b-tail'",
		     out, NULL, NULL, &r2);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r1.calls + r2.calls, 2);
	text = slurp(out);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), n++)
		if (strcmp(line, "aaaAAA") && strcmp(line, "bbbBBB") && strcmp(line, "a-tail") &&
		    strcmp(line, "b-tail"))
			fail_msg("line %d is '%s'", n, line);
	assert_int_equal(n, 18);
	free(text);
	loop_finish(&loop);
	free(out);
}

static void test_escaped_writer_does_not_hold_exit(void **state)
{
	char *out = tpath("escaped.log"), *text;
	struct result r = { .release = true };
	uv_loop_t loop;
	int escaped;

	(void)state;
	uv_loop_init(&loop);
	r.check = out;
	/* A process that leaves the group keeps the pipe open: the exit is still
	 * reported (after a short grace), with what was written before it. */
	spawn_logged(&loop,
		     "setsid sh -c 'echo $$ > escaped.pid; exec sleep 30' & "
		     "while [ ! -s escaped.pid ]; do :; done; echo bye; exit 2",
		     out, NULL, NULL, &r);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.exit.code, 2);
	text = r.check_text;
	assert_string_equal(text, "bye\n");
	{
		char *pidfile = tpath("escaped.pid");
		escaped = read_pid(pidfile);
		free(pidfile);
	}
	assert_true(escaped > 0);
	assert_int_equal(kill(escaped, SIGKILL), 0);
	assert_int_equal(waitpid(escaped, NULL, 0), escaped); /* ours: we are its subreaper */
	loop_finish(&loop);
	free(text);
	free(out);
}

static void test_no_zombies_left(void **state)
{
	(void)state;
	assert_no_zombies();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_exit_code_and_logs),
		cmocka_unit_test(test_large_output_and_discard),
		cmocka_unit_test(test_exit_by_signal),
		cmocka_unit_test(test_spawn_failures),
		cmocka_unit_test(test_argv0_from_app_path),
		cmocka_unit_test(test_stop_escalates_to_sigkill),
		cmocka_unit_test(test_stop_graceful),
		cmocka_unit_test(test_stop_kills_grandchildren),
		cmocka_unit_test(test_unexpected_exit_cleans_group),
		cmocka_unit_test(test_release_before_exit),
		cmocka_unit_test(test_fd_count_stable),
		cmocka_unit_test(test_start_ticks),
		cmocka_unit_test(test_log_formats),
		cmocka_unit_test(test_shared_file_whole_lines),
		cmocka_unit_test(test_escaped_writer_does_not_hold_exit),
		cmocka_unit_test(test_no_zombies_left),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("proc", tests, setup, teardown);
}
