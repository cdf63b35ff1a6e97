/* SPDX-License-Identifier: MIT */
/* Unit tests for app definitions: decoding, names, resolving, env and log paths. */
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

#include <cmocka.h>

#include "testutil.h"

#include "app.h"
#include "xmalloc.h"

static char tmpdir[64];
static char *fakebin; /* a PATH with fake interpreters: node python3 bash ruby mytool */

static void write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

static char *tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/pmc-test-app-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	fakebin = tpath("bin");
	if (mkdir(fakebin, 0755) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_rmtree(tmpdir);
	free(fakebin);
	return 0;
}

static void make_fixtures(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	write_file("bin/node", "#!/bin/sh\n", 0755);
	write_file("bin/python3", "#!/bin/sh\n", 0755);
	write_file("bin/bash", "#!/bin/sh\n", 0755);
	write_file("bin/ruby", "#!/bin/sh\n", 0755);
	write_file("bin/mytool", "#!/bin/sh\n", 0755);
	write_file("app.js", "console.log(1)\n", 0644);
	write_file("worker.py", "print(1)\n", 0644);
	write_file("run.sh", "echo hi\n", 0644);
	write_file("job.rb", "puts 1\n", 0644);
	write_file("tool", "#!/usr/bin/env python3 -u\nprint(1)\n", 0644);
	write_file("exectool", "#!/usr/bin/env python3\nprint(1)\n", 0755);
	write_file("shtool", "#!/bin/sh -e\necho 1\n", 0644);
	write_file("prog", "\177ELF fake binary", 0755);
	write_file("data.bin", "\177ELF not executable", 0644);
	{
		char *dir = tpath("dir");
		assert_int_equal(mkdir(dir, 0755), 0);
		free(dir);
	}
}

/* ---- helpers ----------------------------------------------------------- */

static cJSON *parse(const char *text)
{
	cJSON *json = cJSON_Parse(text);

	assert_non_null(json);
	return json;
}

/* A definition whose env PATH is the fake bin, cwd the temp dir. */
static cJSON *base_json(const char *script)
{
	cJSON *json = cJSON_CreateObject();
	cJSON *env = cJSON_AddObjectToObject(json, "env");

	cJSON_AddStringToObject(json, "script", script);
	cJSON_AddStringToObject(json, "cwd", tmpdir);
	cJSON_AddStringToObject(env, "PATH", fakebin);
	return json;
}

static void decode(const cJSON *json, struct pmc_app_def *def)
{
	char *cause = NULL;
	int err = pmc_app_def_from_json(json, def, &cause);

	if (err)
		fail_msg("from_json: %s", cause);
	assert_null(cause);
}

/* Resolve `script` (with optional extra JSON fields); returns err, fills cause. */
static int resolve(const char *script, const char *extra, struct pmc_app_def *def, char **cause)
{
	cJSON *json = base_json(script);
	cJSON *more, *el;
	int err;

	make_fixtures();
	if (extra) {
		more = parse(extra);
		cJSON_ArrayForEach(el, more) {
			cJSON_DeleteItemFromObjectCaseSensitive(json, el->string);
			cJSON_AddItemToObject(json, el->string, cJSON_Duplicate(el, true));
		}
		cJSON_Delete(more);
	}
	decode(json, def);
	cJSON_Delete(json);
	*cause = NULL;
	err = pmc_app_resolve(def, cause);
	if (err == 0)
		assert_null(*cause);
	else
		assert_non_null(*cause);
	return err;
}

static void assert_argv(char **argv, const char *const *expect)
{
	size_t i;

	assert_non_null(argv);
	for (i = 0; expect[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], expect[i]);
	}
	assert_null(argv[i]);
}

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static size_t strv_count(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

/* ---- from_json / to_json ----------------------------------------------- */

static void test_from_json_defaults(void **state)
{
	cJSON *json = parse("{\"script\":\"app.js\",\"cwd\":\"/srv/app\"}");
	struct pmc_app_def def;

	(void)state;
	decode(json, &def);
	assert_string_equal(def.name, "app");
	assert_string_equal(def.script, "app.js");
	assert_string_equal(def.cwd, "/srv/app");
	assert_non_null(def.args);
	assert_null(def.args[0]);
	assert_non_null(def.interpreter_args);
	assert_null(def.interpreter_args[0]);
	assert_null(def.interpreter);
	assert_true(cJSON_IsObject(def.env));
	assert_true(cJSON_IsObject(def.env_inherit));
	assert_int_equal(def.instances, 1);
	assert_true(def.merge_logs);
	assert_null(def.out_file);
	assert_null(def.err_file);
	assert_string_equal(def.kill_signal, "SIGINT");
	assert_true(def.policy.autorestart);
	assert_int_equal(def.policy.min_uptime, 1000);
	assert_int_equal(def.policy.max_restarts, 16);
	assert_int_equal(def.policy.restart_delay, 0);
	assert_int_equal(def.policy.exp_backoff_restart_delay, 0);
	assert_int_equal(def.policy.kill_timeout, 1600);
	assert_int_equal(def.policy.listen_timeout, 3000);
	assert_false(def.policy.wait_ready);
	assert_int_equal(def.policy.n_stop_exit_codes, 0);
	assert_false(def.resolved);
	assert_null(def.argv);
	pmc_app_def_free(&def);
	cJSON_Delete(json);
}

static void test_from_json_aliases(void **state)
{
	cJSON *json = parse("{\"exec\":\"srv.py\",\"cwd\":\"/srv\",\"name\":\"api-1.x_y\","
			    "\"args\":\" --port  3000 -v \",\"exec_interpreter\":\"python3\","
			    "\"node_args\":\"-X dev\",\"env\":{\"N\":3000,\"F\":1.5,\"B\":true,"
			    "\"S\":\"s\"},\"env_inherit\":{\"HOME\":\"/root\"},\"instances\":4,"
			    "\"out\":\"o.log\",\"err_file\":\"e.log\",\"kill_signal\":\"term\","
			    "\"autorestart\":false,\"min_uptime\":\"5s\",\"max_restarts\":3,"
			    "\"restart_delay\":250,\"exp_backoff_restart_delay\":\"1.5s\","
			    "\"kill_timeout\":\"2s\",\"stop_exit_codes\":3,\"wait_ready\":true,"
			    "\"listen_timeout\":\"1m\"}");
	struct pmc_app_def def;

	(void)state;
	decode(json, &def);
	assert_string_equal(def.script, "srv.py");
	assert_string_equal(def.name, "api-1.x_y");
	assert_argv(def.args, ARGV("--port", "3000", "-v"));
	assert_string_equal(def.interpreter, "python3");
	assert_argv(def.interpreter_args, ARGV("-X", "dev"));
	assert_string_equal(cJSON_GetObjectItem(def.env, "N")->valuestring, "3000");
	assert_string_equal(cJSON_GetObjectItem(def.env, "F")->valuestring, "1.5");
	assert_string_equal(cJSON_GetObjectItem(def.env, "B")->valuestring, "true");
	assert_string_equal(cJSON_GetObjectItem(def.env, "S")->valuestring, "s");
	assert_string_equal(cJSON_GetObjectItem(def.env_inherit, "HOME")->valuestring, "/root");
	assert_int_equal(def.instances, 4);
	assert_false(def.merge_logs); /* several instances: one file each */
	assert_string_equal(def.out_file, "o.log");
	assert_string_equal(def.err_file, "e.log");
	assert_string_equal(def.kill_signal, "SIGTERM");
	assert_false(def.policy.autorestart);
	assert_int_equal(def.policy.min_uptime, 5000);
	assert_int_equal(def.policy.max_restarts, 3);
	assert_int_equal(def.policy.restart_delay, 250);
	assert_int_equal(def.policy.exp_backoff_restart_delay, 1500);
	assert_int_equal(def.policy.kill_timeout, 2000);
	assert_int_equal(def.policy.n_stop_exit_codes, 1);
	assert_int_equal(def.policy.stop_exit_codes[0], 3);
	assert_true(def.policy.wait_ready);
	assert_int_equal(def.policy.listen_timeout, 60000);
	pmc_app_def_free(&def);
	cJSON_Delete(json);

	json = parse("{\"script\":\"a\",\"cwd\":\"/\",\"instances\":2,\"merge_logs\":true,"
		     "\"output\":\"x\",\"error\":\"y\",\"args\":[\"a b\",\"c\"],"
		     "\"interpreter\":\"bash\",\"exec_interpreter\":\"node\","
		     "\"interpreter_args\":[\"-e\"],\"stop_exit_codes\":[0,2],\"kill_signal\":\"9\"}");
	decode(json, &def);
	assert_true(def.merge_logs);
	assert_string_equal(def.out_file, "x");
	assert_string_equal(def.err_file, "y");
	assert_argv(def.args, ARGV("a b", "c"));
	assert_string_equal(def.interpreter, "bash"); /* the canonical name wins */
	assert_argv(def.interpreter_args, ARGV("-e"));
	assert_int_equal(def.policy.n_stop_exit_codes, 2);
	assert_int_equal(def.policy.stop_exit_codes[0], 0);
	assert_int_equal(def.policy.stop_exit_codes[1], 2);
	assert_ptr_equal(def.policy.stop_exit_codes, def.stop_exit_codes);
	assert_string_equal(def.kill_signal, "SIGKILL");
	pmc_app_def_free(&def);
	cJSON_Delete(json);
}

static const struct {
	const char *json;
	const char *cause;
} type_errors[] = {
	{ "[]", "the app definition must be an object" },
	{ "{\"cwd\":\"/\"}", "script is required" },
	{ "{\"script\":1,\"cwd\":\"/\"}", "script must be a string" },
	{ "{\"exec\":[],\"cwd\":\"/\"}", "exec must be a string" },
	{ "{\"script\":\"\",\"cwd\":\"/\"}", "script must not be empty" },
	{ "{\"script\":\"a.js\"}", "cwd is required" },
	{ "{\"script\":\"a.js\",\"cwd\":\"srv\"}", "cwd must be an absolute path" },
	{ "{\"script\":\"a.js\",\"cwd\":7}", "cwd must be a string" },
	{ "{\"name\":5}", "name must be a string" },
	{ "{\"name\":\"bad name\"}",
	  "invalid app name 'bad name': use 1-64 of A-Z a-z 0-9 . _ - not starting with '.'" },
	{ "{\"name\":\".hidden\"}",
	  "invalid app name '.hidden': use 1-64 of A-Z a-z 0-9 . _ - not starting with '.'" },
	{ "{\"name\":\"\"}",
	  "invalid app name '': use 1-64 of A-Z a-z 0-9 . _ - not starting with '.'" },
	{ "{\"args\":5}", "args must be an array of strings or a string" },
	{ "{\"args\":[\"a\",1]}", "args must be an array of strings or a string" },
	{ "{\"interpreter\":true}", "interpreter must be a string" },
	{ "{\"exec_interpreter\":1}", "exec_interpreter must be a string" },
	{ "{\"interpreter_args\":{}}", "interpreter_args must be an array of strings or a string" },
	{ "{\"node_args\":3}", "node_args must be an array of strings or a string" },
	{ "{\"env\":[]}", "env must be an object of strings" },
	{ "{\"env\":{\"A\":{}}}", "env.A must be a string" },
	{ "{\"env_inherit\":{\"B\":[1]}}", "env_inherit.B must be a string" },
	{ "{\"env_inherit\":\"x\"}", "env_inherit must be an object of strings" },
	{ "{\"instances\":1.5}", "instances must be a whole number of at most 4096" },
	{ "{\"instances\":\"four\"}", "instances must be a number, max, 0 or -N" },
	{ "{\"instances\":true}", "instances must be a number, max, 0 or -N" },
	{ "{\"exec_mode\":\"turbo\"}", "exec_mode must be fork or cluster" },
	{ "{\"port\":70000}", "port must be a TCP port (1-65535)" },
	{ "{\"port\":\"80\"}", "port must be an integer >= 0" },
	{ "{\"listen\":[\"tcp://nohost\"]}",
	  "invalid listen address 'tcp://nohost': use PORT, tcp://HOST:PORT, tcp://[V6]:PORT or unix:/PATH" },
	{ "{\"instance_var\":\"A B\"}", "instance_var must be an environment variable name" },
	{ "{\"shutdown_with_message\":1}", "shutdown_with_message must be true or false" },
	{ "{\"merge_logs\":\"yes\"}", "merge_logs must be true or false" },
	{ "{\"out_file\":1}", "out_file must be a string" },
	{ "{\"out\":true}", "out must be a string" },
	{ "{\"output\":{}}", "output must be a string" },
	{ "{\"error_file\":1}", "error_file must be a string" },
	{ "{\"err_file\":1}", "err_file must be a string" },
	{ "{\"error\":1}", "error must be a string" },
	{ "{\"kill_signal\":\"SIGFOO\"}", "kill_signal must be a signal name like SIGINT" },
	{ "{\"kill_signal\":[]}", "kill_signal must be a signal name like SIGINT" },
	{ "{\"autorestart\":1}", "autorestart must be true or false" },
	{ "{\"min_uptime\":\"abc\"}", "min_uptime must be a duration like 1600 or 2s" },
	{ "{\"restart_delay\":-5}", "restart_delay must be a duration like 1600 or 2s" },
	{ "{\"exp_backoff_restart_delay\":true}",
	  "exp_backoff_restart_delay must be a duration like 1600 or 2s" },
	{ "{\"kill_timeout\":\"2 parsecs\"}", "kill_timeout must be a duration like 1600 or 2s" },
	{ "{\"listen_timeout\":[]}", "listen_timeout must be a duration like 1600 or 2s" },
	{ "{\"max_restarts\":-1}", "max_restarts must be an integer >= 0" },
	{ "{\"max_restarts\":\"3\"}", "max_restarts must be an integer >= 0" },
	{ "{\"stop_exit_codes\":\"0\"}", "stop_exit_codes must be an integer or an array of integers" },
	{ "{\"stop_exit_codes\":[0,\"x\"]}",
	  "stop_exit_codes must be an integer or an array of integers" },
	{ "{\"stop_exit_codes\":1.5}", "stop_exit_codes must be an integer or an array of integers" },
	{ "{\"wait_ready\":\"true\"}", "wait_ready must be true or false" },
	{ "{\"resolved\":\"yes\"}", "resolved must be true or false" },
	{ "{\"resolved\":true,\"argv\":[\"x\"]}",
	  "exec_interpreter is required when resolved is true" },
	{ "{\"resolved\":true,\"exec_interpreter\":\"none\",\"argv\":[]}",
	  "argv must be a non-empty array of strings" },
	{ "{\"resolved\":true,\"exec_interpreter\":\"none\",\"argv\":[\"a\"],\"exec_path\":3}",
	  "exec_path must be a string" },
	{ "{\"log_file\":3}", "log_file must be true, false or a path" },
	{ "{\"log\":\"\"}", "log must be true, false or a path" },
	{ "{\"time\":\"yes\"}", "time must be true or false" },
	{ "{\"log_date_format\":1}", "log_date_format must be a string" },
	{ "{\"log_type\":\"xml\"}", "log_type must be json or raw" },
	{ "{\"log_type\":true}", "log_type must be json or raw" },
	{ "{\"log_max_size\":\"big\"}", "log_max_size must be a size like 10M or a number of bytes" },
	{ "{\"log_max_size\":-1}", "log_max_size must be a size like 10M or a number of bytes" },
	{ "{\"log_max_size\":1.5}", "log_max_size must be a size like 10M or a number of bytes" },
	{ "{\"log_retain\":-1}", "log_retain must be an integer >= 0" },
	{ "{\"log_rotate_names\":\"weekly\"}", "log_rotate_names must be number or date" },
	{ "{\"log_compress\":1}", "log_compress must be true or false" },
	{ "{\"max_memory_restart\":\"200X\"}",
	  "max_memory_restart must be a size like 10M or a number of bytes" },
	{ "{\"max_memory_restart\":-5}",
	  "max_memory_restart must be a size like 10M or a number of bytes" },
};

static void test_from_json_type_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof type_errors / sizeof type_errors[0]; i++) {
		cJSON *json = parse(type_errors[i].json);
		struct pmc_app_def def;
		char *cause = NULL;

		/* Fill in the required fields the case does not override. */
		if (cJSON_IsObject(json) && !cJSON_GetObjectItem(json, "cwd") &&
		    !strstr(type_errors[i].cause, "cwd"))
			cJSON_AddStringToObject(json, "cwd", "/srv");
		if (cJSON_IsObject(json) && !cJSON_GetObjectItem(json, "script") &&
		    !cJSON_GetObjectItem(json, "exec") && !strstr(type_errors[i].cause, "script"))
			cJSON_AddStringToObject(json, "script", "app.js");
		memset(&def, 0xa5, sizeof def);
		assert_int_equal(pmc_app_def_from_json(json, &def, &cause), -EINVAL);
		if (!cause || strcmp(cause, type_errors[i].cause) != 0)
			fail_msg("%s: got '%s', want '%s'", type_errors[i].json,
				 cause ? cause : "(null)", type_errors[i].cause);
		/* Nothing is left allocated or dangling. */
		assert_null(def.name);
		assert_null(def.script);
		assert_null(def.env);
		assert_null(def.stop_exit_codes);
		free(cause);
		cJSON_Delete(json);
	}
}

static void assert_round_trip(const struct pmc_app_def *def)
{
	cJSON *a = pmc_app_def_to_json(def), *b;
	struct pmc_app_def copy;

	decode(a, &copy);
	b = pmc_app_def_to_json(&copy);
	if (!cJSON_Compare(a, b, true)) {
		char *sa = cJSON_PrintUnformatted(a), *sb = cJSON_PrintUnformatted(b);
		fail_msg("round trip differs:\n%s\n%s", sa, sb);
	}
	assert_int_equal(copy.resolved, def->resolved);
	if (def->resolved) {
		assert_string_equal(copy.exec_interpreter, def->exec_interpreter);
		if (def->exec_path)
			assert_string_equal(copy.exec_path, def->exec_path);
		else
			assert_null(copy.exec_path);
		assert_int_equal(strv_count(copy.argv), strv_count(def->argv));
		for (size_t i = 0; def->argv[i]; i++)
			assert_string_equal(copy.argv[i], def->argv[i]);
	}
	assert_string_equal(copy.name, def->name);
	assert_int_equal(copy.policy.kill_timeout, def->policy.kill_timeout);
	assert_int_equal(copy.policy.n_stop_exit_codes, def->policy.n_stop_exit_codes);
	pmc_app_def_free(&copy);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void test_round_trip(void **state)
{
	struct pmc_app_def def;
	char *cause;
	cJSON *json;

	(void)state;
	/* Unresolved, with every field set. */
	json = parse("{\"script\":\"srv.py\",\"cwd\":\"/srv\",\"name\":\"api\",\"args\":[\"a\"],"
		     "\"interpreter\":\"python3\",\"interpreter_args\":[\"-u\"],"
		     "\"env\":{\"A\":\"1\"},\"env_inherit\":{\"PATH\":\"/bin\"},\"instances\":2,"
		     "\"merge_logs\":true,\"out_file\":\"/o\",\"error_file\":\"/e\","
		     "\"kill_signal\":\"SIGTERM\",\"autorestart\":false,\"min_uptime\":5,"
		     "\"max_restarts\":4,\"restart_delay\":6,\"exp_backoff_restart_delay\":7,"
		     "\"kill_timeout\":8,\"stop_exit_codes\":[0,1],\"wait_ready\":true,"
		     "\"listen_timeout\":9}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_round_trip(&def);
	pmc_app_def_free(&def);

	/* Every log field set. */
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"log_file\":\"all.log\",\"time\":true,"
		     "\"log_date_format\":\"HH:mm\",\"log_type\":\"json\",\"log_max_size\":\"10M\","
		     "\"log_retain\":3,\"log_rotate_names\":\"date\",\"log_compress\":false}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_string_equal(def.log_file, "all.log");
	assert_true(def.time);
	assert_string_equal(def.log_date_format, "HH:mm");
	assert_string_equal(def.log_type, "json");
	assert_int_equal(def.log_max_size, 10 << 20);
	assert_int_equal(def.log_retain, 3);
	assert_int_equal(def.log_rotate_names, 1);
	assert_int_equal(def.log_compress, 0);
	assert_round_trip(&def);
	pmc_app_def_free(&def);

	/* PM2's max_memory_restart: "200M" is bytes (K = 1024), kept across a round trip. */
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"max_memory_restart\":\"200M\"}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_int_equal(def.max_memory_restart, 200 << 20);
	assert_round_trip(&def);
	pmc_app_def_free(&def);

	/* Resolved to a file, with an interpreter. */
	assert_int_equal(resolve("app.js", "{\"args\":[\"x\",\"y z\"]}", &def, &cause), 0);
	assert_round_trip(&def);
	pmc_app_def_free(&def);

	/* Resolved to a command string (exec_path null). */
	assert_int_equal(resolve("node -e 1", NULL, &def, &cause), 0);
	assert_round_trip(&def);
	pmc_app_def_free(&def);

	/* A stored exec_interpreter is not read back as the interpreter. */
	assert_int_equal(resolve("app.js", NULL, &def, &cause), 0);
	json = pmc_app_def_to_json(&def);
	pmc_app_def_free(&def);
	decode(json, &def);
	assert_null(def.interpreter);
	assert_string_equal(def.exec_interpreter, "node");
	pmc_app_def_free(&def);
	cJSON_Delete(json);
}

/* ---- names ------------------------------------------------------------- */

static void assert_default_name(const char *script, const char *expect)
{
	char *name = pmc_app_default_name(script);

	assert_string_equal(name, expect);
	free(name);
}

static void test_default_names(void **state)
{
	char long_script[200];

	(void)state;
	assert_default_name("app.js", "app");
	assert_default_name("/x/my server.py", "my-server");
	assert_default_name("./my server.py", "my-server");
	assert_default_name("python3 -m http.server 9000", "python3");
	assert_default_name("/usr/bin/sleep", "sleep");
	assert_default_name("sleep", "sleep");
	assert_default_name("lib/archive.tar.gz", "archive.tar");
	assert_default_name(".hidden.js", "hidden");
	assert_default_name("/srv/app/", "app");
	assert_default_name("héllo wörld.js", "h-llo");
	assert_default_name("/x/héllo wörld.js", "h-llo-w-rld");
	assert_default_name("!!!.js", "app");
	assert_default_name("/x/--weird--.sh", "weird");
	memset(long_script, 'a', 150);
	strcpy(long_script + 150, ".js");
	{
		char *name = pmc_app_default_name(long_script);
		assert_int_equal(strlen(name), 64);
		free(name);
	}
}

/* ---- resolve ----------------------------------------------------------- */

static void test_resolve_by_extension(void **state)
{
	struct pmc_app_def def;
	char *cause;
	char *js, *py, *sh, *rb;

	(void)state;
	make_fixtures();
	js = tpath("app.js");
	py = tpath("worker.py");
	sh = tpath("run.sh");
	rb = tpath("job.rb");

	assert_int_equal(resolve("app.js", "{\"args\":[\"--port\",\"3000\"]}", &def, &cause), 0);
	assert_true(def.resolved);
	assert_string_equal(def.exec_path, js);
	assert_string_equal(def.exec_interpreter, "node");
	assert_argv(def.argv, ARGV("node", js, "--port", "3000"));
	pmc_app_def_free(&def);

	assert_int_equal(resolve("worker.py", "{\"interpreter_args\":\"-X dev\"}", &def, &cause),
			 0);
	assert_string_equal(def.exec_interpreter, "python3");
	assert_argv(def.argv, ARGV("python3", "-X", "dev", py));
	pmc_app_def_free(&def);

	assert_int_equal(resolve("./run.sh", NULL, &def, &cause), 0);
	assert_string_equal(def.exec_interpreter, "bash");
	assert_argv(def.argv, ARGV("bash", sh));
	pmc_app_def_free(&def);

	assert_int_equal(resolve(rb, NULL, &def, &cause), 0);
	assert_argv(def.argv, ARGV("ruby", rb));
	pmc_app_def_free(&def);

	/* The path is cleaned lexically. */
	assert_int_equal(resolve("dir/../app.js", NULL, &def, &cause), 0);
	assert_string_equal(def.exec_path, js);
	pmc_app_def_free(&def);

	free(js);
	free(py);
	free(sh);
	free(rb);
}

static void test_resolve_shebang_and_binaries(void **state)
{
	struct pmc_app_def def;
	char *cause, *p;

	(void)state;
	make_fixtures();

	/* Not executable, with a shebang: the shebang's interpreter. */
	p = tpath("tool");
	assert_int_equal(resolve("tool", "{\"args\":[\"a\"]}", &def, &cause), 0);
	assert_string_equal(def.exec_interpreter, "python3");
	assert_argv(def.argv, ARGV("python3", "-u", p, "a"));
	pmc_app_def_free(&def);
	free(p);

	p = tpath("shtool");
	assert_int_equal(resolve("shtool", "{\"env\":{}}", &def, &cause), 0);
	assert_string_equal(def.exec_interpreter, "/bin/sh");
	assert_argv(def.argv, ARGV("/bin/sh", "-e", p));
	pmc_app_def_free(&def);
	free(p);

	/* Executable with a shebang: the kernel reads it; exec directly. */
	p = tpath("exectool");
	assert_int_equal(resolve("exectool", NULL, &def, &cause), 0);
	assert_string_equal(def.exec_interpreter, "none");
	assert_argv(def.argv, ARGV(p));
	pmc_app_def_free(&def);
	free(p);

	/* An executable binary. */
	p = tpath("prog");
	assert_int_equal(resolve("prog", "{\"args\":\"-a -b\"}", &def, &cause), 0);
	assert_string_equal(def.exec_interpreter, "none");
	assert_string_equal(def.exec_path, p);
	assert_argv(def.argv, ARGV(p, "-a", "-b"));
	pmc_app_def_free(&def);
	free(p);

	/* Not executable, no shebang. */
	p = tpath("data.bin");
	assert_int_equal(resolve("data.bin", NULL, &def, &cause), -EACCES);
	assert_true(strstr(cause, p) && strstr(cause, "is not executable"));
	assert_null(def.argv);
	assert_false(def.resolved);
	free(cause);
	pmc_app_def_free(&def);

	/* interpreter none on a file that is not executable. */
	assert_int_equal(resolve("app.js", "{\"interpreter\":\"none\"}", &def, &cause), -EACCES);
	free(cause);
	pmc_app_def_free(&def);
	free(p);
}

static void test_resolve_errors(void **state)
{
	struct pmc_app_def def;
	char *cause, *p, *want;

	(void)state;
	p = tpath("dir");
	assert_int_equal(resolve("dir", NULL, &def, &cause), -EISDIR);
	want = xasprintf("%s is a directory", p);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	pmc_app_def_free(&def);
	free(p);

	p = tpath("nope.js");
	assert_int_equal(resolve("nope.js", NULL, &def, &cause), -ENOENT);
	want = xasprintf("script not found: %s", p);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	pmc_app_def_free(&def);
	free(p);

	/* A bare word that is neither a file nor in PATH. */
	p = tpath("no-such-binary");
	assert_int_equal(resolve("no-such-binary", NULL, &def, &cause), -ENOENT);
	want = xasprintf("script not found: %s", p);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	pmc_app_def_free(&def);
	free(p);

	/* An interpreter that is not in the app's PATH. */
	assert_int_equal(resolve("app.js", "{\"interpreter\":\"perl-nonexistent\"}", &def, &cause),
			 -ENOENT);
	assert_string_equal(cause, "interpreter 'perl-nonexistent' not found in PATH");
	free(cause);
	pmc_app_def_free(&def);

	/* By extension: .pl needs perl, which the fake PATH lacks. */
	write_file("x.pl", "print 1\n", 0644);
	assert_int_equal(resolve("x.pl", NULL, &def, &cause), -ENOENT);
	assert_string_equal(cause, "interpreter 'perl' not found in PATH");
	free(cause);
	pmc_app_def_free(&def);

	assert_int_equal(resolve("app.js", "{\"interpreter\":\"/nonexistent/node\"}", &def, &cause),
			 -ENOENT);
	assert_string_equal(cause, "interpreter '/nonexistent/node' not found in PATH");
	free(cause);
	pmc_app_def_free(&def);
}

static void test_resolve_interpreter_override(void **state)
{
	struct pmc_app_def def;
	char *cause, *js = tpath("app.js"), *node = tpath("bin/node");

	(void)state;
	assert_int_equal(resolve("app.js",
				 "{\"interpreter\":\"bash\",\"interpreter_args\":[\"-x\"],"
				 "\"args\":[\"1\"]}",
				 &def, &cause),
			 0);
	assert_string_equal(def.exec_interpreter, "bash");
	assert_argv(def.argv, ARGV("bash", "-x", js, "1"));
	pmc_app_def_free(&def);

	/* An absolute interpreter path. */
	write_file("plain", "x", 0644);
	{
		char *plain = tpath("plain");
		char *extra = xasprintf("{\"interpreter\":\"%s\"}", node);
		assert_int_equal(resolve("plain", extra, &def, &cause), 0);
		assert_argv(def.argv, ARGV(node, plain));
		pmc_app_def_free(&def);
		free(extra);
		free(plain);
	}
	free(js);
	free(node);
}

static void test_resolve_command_and_path(void **state)
{
	struct pmc_app_def def;
	char *cause, *p;
	cJSON *json;

	(void)state;
	/* A command with spaces runs under sh -c; args are quoted onto it. */
	assert_int_equal(resolve("python3 -m http.server 9000",
				 "{\"env\":{},\"args\":[\"a b\",\"it's\"]}", &def, &cause),
			 0);
	assert_null(def.exec_path);
	assert_string_equal(def.exec_interpreter, "sh");
	assert_argv(def.argv, ARGV("sh", "-c", "python3 -m http.server 9000 'a b' 'it'\\''s'"));
	pmc_app_def_free(&def);

	/* No sh in the app's PATH: the absolute one. */
	assert_int_equal(resolve("echo a b", NULL, &def, &cause), 0);
	assert_argv(def.argv, ARGV("/bin/sh", "-c", "echo a b"));
	pmc_app_def_free(&def);

	/* A bare word found in the app's PATH. */
	p = tpath("bin/mytool");
	assert_int_equal(resolve("mytool", "{\"args\":[\"1\"]}", &def, &cause), 0);
	assert_string_equal(def.exec_path, p);
	assert_string_equal(def.exec_interpreter, "none");
	assert_argv(def.argv, ARGV(p, "1"));
	pmc_app_def_free(&def);
	free(p);

	/* "sleep" with the inherited PATH; env PATH wins over env_inherit. */
	json = parse("{\"script\":\"sleep\",\"cwd\":\"/\",\"args\":[\"5\"],"
		     "\"env_inherit\":{\"PATH\":\"/usr/bin:/bin\"}}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_int_equal(pmc_app_resolve(&def, &cause), 0);
	assert_true(strcmp(def.exec_path, "/usr/bin/sleep") == 0 ||
		    strcmp(def.exec_path, "/bin/sleep") == 0);
	assert_argv(def.argv, ARGV(def.exec_path, "5"));
	pmc_app_def_free(&def);

	json = parse("{\"script\":\"sleep\",\"cwd\":\"/\",\"env\":{\"PATH\":\"/nonexistent\"},"
		     "\"env_inherit\":{\"PATH\":\"/usr/bin:/bin\"}}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_int_equal(pmc_app_resolve(&def, &cause), -ENOENT);
	assert_string_equal(cause, "script not found: /sleep");
	free(cause);
	pmc_app_def_free(&def);

	/* Resolving again replaces the earlier result. */
	assert_int_equal(resolve("app.js", NULL, &def, &cause), 0);
	free(def.interpreter);
	def.interpreter = xstrdup("bash");
	assert_int_equal(pmc_app_resolve(&def, &cause), 0);
	assert_string_equal(def.argv[0], "bash");
	pmc_app_def_free(&def);
}

/* ---- env --------------------------------------------------------------- */

static int env_index(char **envp, const char *entry)
{
	for (int i = 0; envp[i]; i++)
		if (strcmp(envp[i], entry) == 0)
			return i;
	return -1;
}

static int key_count(char **envp, const char *key)
{
	size_t len = strlen(key);
	int n = 0;

	for (int i = 0; envp[i]; i++)
		if (strncmp(envp[i], key, len) == 0 && envp[i][len] == '=')
			n++;
	return n;
}

static char *env_value(char **envp, const char *key)
{
	size_t klen = strlen(key);

	for (; *envp; envp++)
		if (strncmp(*envp, key, klen) == 0 && (*envp)[klen] == '=')
			return *envp + klen + 1;
	return NULL;
}

/* -i max/0/-N, exec_mode, listen canonical forms, port, instance_var. */
static void test_cluster_fields(void **state)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct pmc_app_def def;
	char *cause = NULL;
	char **envp;
	cJSON *json, *back;
	struct {
		const char *instances;
		long want;
	} counts[] = {
		{ "\"max\"", cpus }, { "0", cpus }, { "-1", cpus > 1 ? cpus - 1 : 1 },
		{ "-100", 1 }, { "3", 3 }, { "\"2\"", 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		char *text = xasprintf("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"instances\":%s}",
				       counts[i].instances);
		json = parse(text);
		assert_int_equal(pmc_app_def_from_json(json, &def, &cause), 0);
		assert_int_equal(def.instances, counts[i].want);
		assert_false(def.cluster); /* instances alone do not choose the mode */
		pmc_app_def_free(&def);
		cJSON_Delete(json);
		free(text);
	}

	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"port\":3000,"
		     "\"listen\":[\"8080\",\"tcp://localhost:81\",\"tcp://[::1]:82\",\"unix:s.sock\","
		     "\":3000\"],\"instance_var\":\"WORKER\",\"wait_ready\":true}");
	assert_int_equal(pmc_app_def_from_json(json, &def, &cause), 0);
	assert_true(def.cluster); /* sockets to share mean cluster mode */
	assert_true(def.ready_message);
	assert_true(def.policy.wait_ready);
	assert_string_equal(def.listen[0], "tcp://0.0.0.0:8080");
	assert_string_equal(def.listen[1], "tcp://127.0.0.1:81");
	assert_string_equal(def.listen[2], "tcp://[::1]:82");
	assert_string_equal(def.listen[3], "unix:/srv/s.sock");
	assert_string_equal(def.listen[4], "tcp://0.0.0.0:3000");
	assert_null(def.listen[5]); /* --port's address is not added twice */
	envp = pmc_app_envp(&def, 7, 2);
	assert_string_equal(env_value(envp, "PORT"), "3000");
	assert_string_equal(env_value(envp, "WORKER"), "2");
	assert_null(env_value(envp, "NODE_APP_INSTANCE"));
	pmc_strv_free(envp);
	back = pmc_app_def_to_json(&def);
	pmc_app_def_free(&def);
	assert_int_equal(pmc_app_def_from_json(back, &def, &cause), 0);
	assert_true(def.cluster);
	assert_true(def.ready_message);
	assert_string_equal(def.listen[3], "unix:/srv/s.sock");
	assert_null(def.listen[5]);
	assert_int_equal(def.port, 3000);
	pmc_app_def_free(&def);
	cJSON_Delete(back);
	cJSON_Delete(json);

	/* Cluster mode without sockets: readiness is still awaited (listen_timeout). */
	json = parse("{\"script\":\"a.py\",\"cwd\":\"/srv\",\"exec_mode\":\"cluster_mode\"}");
	assert_int_equal(pmc_app_def_from_json(json, &def, &cause), 0);
	assert_true(def.cluster);
	assert_false(def.ready_message);
	assert_true(def.policy.wait_ready);
	assert_string_equal(def.instance_var, "NODE_APP_INSTANCE");
	pmc_app_def_free(&def);
	cJSON_Delete(json);
}

static void test_envp(void **state)
{
	cJSON *json = parse("{\"script\":\"app.js\",\"cwd\":\"/srv\",\"name\":\"api\","
			    "\"env_inherit\":{\"PATH\":\"/bin\",\"A\":\"inherited\",\"HOME\":\"/h\","
			    "\"LISTEN_FDS\":\"3\",\"NODE_CHANNEL_FD\":\"4\",\"pm_id\":\"99\"},"
			    "\"env\":{\"A\":\"given\",\"B\":\"b\",\"name\":\"other\",\"N\":42}}");
	struct pmc_app_def def;
	char **envp;

	(void)state;
	decode(json, &def);
	cJSON_Delete(json);
	envp = pmc_app_envp(&def, 7, 2);
	assert_int_equal(strv_count(envp), 10);
	assert_int_equal(env_index(envp, "PATH=/bin"), 0);
	assert_int_equal(env_index(envp, "A=given"), 1); /* env overrides, in place */
	assert_int_equal(env_index(envp, "HOME=/h"), 2);
	assert_int_equal(env_index(envp, "pm_id=7"), 3);
	assert_int_equal(env_index(envp, "B=b"), 4);
	assert_int_equal(env_index(envp, "name=api"), 5);
	assert_int_equal(env_index(envp, "N=42"), 6);
	assert_int_equal(env_index(envp, "PMC_ID=7"), 7);
	assert_int_equal(env_index(envp, "PMC_INSTANCE=2"), 8);
	assert_int_equal(env_index(envp, "NODE_APP_INSTANCE=2"), 9);
	assert_int_equal(env_index(envp, "PYTHONUNBUFFERED=1"), -1);
	assert_int_equal(key_count(envp, "LISTEN_FDS"), 0);
	assert_int_equal(key_count(envp, "NODE_CHANNEL_FD"), 0);
	for (int i = 0; envp[i]; i++) {
		char *key = xstrndup(envp[i], strcspn(envp[i], "="));
		assert_int_equal(key_count(envp, key), 1);
		free(key);
	}
	pmc_strv_free(envp);
	pmc_app_def_free(&def);

	/* Explicit env can still set an fd variable the app really gets. */
	json = parse("{\"script\":\"w.py\",\"cwd\":\"/srv\",\"env\":{\"LISTEN_FDS\":\"1\"}}");
	decode(json, &def);
	cJSON_Delete(json);
	envp = pmc_app_envp(&def, 0, 0);
	assert_true(env_index(envp, "LISTEN_FDS=1") >= 0);
	assert_true(env_index(envp, "PYTHONUNBUFFERED=1") >= 0);
	assert_true(env_index(envp, "name=w") >= 0);
	pmc_strv_free(envp);
	pmc_app_def_free(&def);

	json = parse("{\"script\":\"w.py\",\"cwd\":\"/srv\","
		     "\"env_inherit\":{\"PYTHONUNBUFFERED\":\"0\"}}");
	decode(json, &def);
	cJSON_Delete(json);
	envp = pmc_app_envp(&def, 0, 0);
	assert_true(env_index(envp, "PYTHONUNBUFFERED=0") >= 0);
	assert_int_equal(key_count(envp, "PYTHONUNBUFFERED"), 1);
	pmc_strv_free(envp);
	pmc_app_def_free(&def);
}

/* ---- log paths --------------------------------------------------------- */

static char *log_path(const char *json_text, bool err, int pm_id)
{
	cJSON *json = parse(json_text);
	struct pmc_app_def def;
	char *path;

	decode(json, &def);
	cJSON_Delete(json);
	path = pmc_app_log_path(&def, "/h/logs", err, pm_id);
	pmc_app_def_free(&def);
	return path;
}

static void assert_log_path(const char *json_text, bool err, int pm_id, const char *expect)
{
	char *path = log_path(json_text, err, pm_id);

	if (!expect)
		assert_null(path);
	else
		assert_string_equal(path, expect);
	free(path);
}

/* The log settings PM2 users write, and what is left unset for pmcd.conf. */
/* watch, ignore_watch, watch_delay and cron_restart as PM2 ecosystem files write them. */
static void test_trigger_fields(void **state)
{
	static const struct {
		const char *json;
		const char *cause;
	} bad[] = {
	    {"\"watch\":3", "watch must be true, false, a path or an array of paths"},
	    {"\"watch\":[\"a\",1]", "watch must be true, false, a path or an array of paths"},
	    {"\"watch\":[\"\"]", "watch must be"},
	    {"\"ignore_watch\":{}", "ignore_watch must be a pattern or an array of patterns"},
	    {"\"ignore_watch\":[true]", "ignore_watch must be"},
	    {"\"watch_delay\":\"soon\"", "watch_delay must be a duration"},
	    {"\"cron_restart\":5", "cron_restart must be a cron expression"},
	    {"\"cron_restart\":\"61 * * * *\"",
	     "cron_restart: invalid cron expression '61 * * * *': minute field"},
	    {"\"cron\":\"@reboot\"", "cron: invalid cron expression '@reboot': unknown macro"},
	};
	struct pmc_app_def def, back;
	cJSON *json, *out;
	char text[256], *cause;

	(void)state;
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\"}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_false(def.watch);
	assert_null(def.watch_paths[0]);
	assert_null(def.ignore_watch[0]);
	assert_int_equal(def.watch_delay, 0);
	assert_null(def.cron_restart);
	pmc_app_def_free(&def);

	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"watch\":[\"src\",\"/etc/app\",\"./"
	             "lib/../conf\"],"
	             "\"ignore_watch\":[\"node_modules\",\"*.log\"],\"watch_delay\":\"1.5s\","
	             "\"cron_restart\":\"0 3 * * *\"}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_true(def.watch);
	assert_string_equal(def.watch_paths[0], "/srv/src");
	assert_string_equal(def.watch_paths[1], "/etc/app");
	assert_string_equal(def.watch_paths[2], "/srv/conf");
	assert_null(def.watch_paths[3]);
	assert_string_equal(def.ignore_watch[1], "*.log");
	assert_int_equal(def.watch_delay, 1500);
	assert_string_equal(def.cron_restart, "0 3 * * *");
	/* What the store keeps reads back the same. */
	out = pmc_app_def_to_json(&def);
	decode(out, &back);
	cJSON_Delete(out);
	assert_true(back.watch);
	assert_string_equal(back.watch_paths[2], "/srv/conf");
	assert_string_equal(back.ignore_watch[0], "node_modules");
	assert_int_equal(back.watch_delay, 1500);
	assert_string_equal(back.cron_restart, "0 3 * * *");
	pmc_app_def_free(&back);
	pmc_app_def_free(&def);

	/* A string path, true, the alias cron, and the ways to say "no cron". */
	json =
	    parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"watch\":\".\",\"ignore_watch\":\"tmp\","
	          "\"cron\":\"@daily\"}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_string_equal(def.watch_paths[0], "/srv");
	assert_string_equal(def.ignore_watch[0], "tmp");
	assert_string_equal(def.cron_restart, "@daily");
	pmc_app_def_free(&def);
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"watch\":true,\"cron_restart\":0}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_true(def.watch);
	assert_null(def.watch_paths[0]);
	assert_null(def.cron_restart);
	out = pmc_app_def_to_json(&def);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(out, "watch")));
	assert_null(cJSON_GetObjectItem(out, "cron_restart"));
	cJSON_Delete(out);
	pmc_app_def_free(&def);
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"watch\":[],\"cron_restart\":\"0\"}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_false(def.watch);
	assert_null(def.cron_restart);
	pmc_app_def_free(&def);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "{\"script\":\"a.js\",\"cwd\":\"/srv\",%s}",
		         bad[i].json);
		json = parse(text);
		cause = NULL;
		assert_int_equal(pmc_app_def_from_json(json, &def, &cause), -EINVAL);
		if (!cause || !strstr(cause, bad[i].cause))
			fail_msg("%s: cause '%s', expected '%s'", bad[i].json, cause, bad[i].cause);
		free(cause);
		cJSON_Delete(json);
	}
}

static void test_log_fields(void **state)
{
	struct pmc_app_def def;
	cJSON *json, *out;
	char *path;

	(void)state;
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\"}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_null(def.log_file);
	assert_false(def.log_file_default);
	assert_false(def.time);
	assert_null(def.log_date_format);
	assert_null(def.log_type);
	assert_int_equal(def.log_max_size, -1);
	assert_int_equal(def.log_retain, -1);
	assert_int_equal(def.log_rotate_names, -1);
	assert_int_equal(def.log_compress, -1);
	assert_null(pmc_app_combined_log_path(&def, "/h/logs", 0));
	/* Unset tri-states are not written: pmcd.conf still decides after a round trip. */
	out = pmc_app_def_to_json(&def);
	assert_null(cJSON_GetObjectItem(out, "log_max_size"));
	assert_null(cJSON_GetObjectItem(out, "log_retain"));
	assert_null(cJSON_GetObjectItem(out, "log_compress"));
	assert_null(cJSON_GetObjectItem(out, "log_file"));
	assert_string_equal(cJSON_GetObjectItem(out, "log_type")->valuestring, "raw");
	cJSON_Delete(out);
	pmc_app_def_free(&def);

	/* log_file: true is logs/NAME.log, with -ID for unmerged instances, as PM2. */
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\",\"log\":true,"
		     "\"log_type\":\"raw\",\"log_max_size\":2048,\"log_compress\":true,"
		     "\"log_rotate_names\":\"number\",\"instances\":2}");
	decode(json, &def);
	cJSON_Delete(json);
	assert_true(def.log_file_default);
	assert_null(def.log_type);
	assert_int_equal(def.log_max_size, 2048);
	assert_int_equal(def.log_compress, 1);
	assert_int_equal(def.log_rotate_names, 0);
	path = pmc_app_combined_log_path(&def, "/h/logs", 7);
	assert_string_equal(path, "/h/logs/api-7.log");
	free(path);
	out = pmc_app_def_to_json(&def);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(out, "log_file")));
	cJSON_Delete(out);
	assert_round_trip(&def);
	def.merge_logs = true;
	path = pmc_app_combined_log_path(&def, "/h/logs", 7);
	assert_string_equal(path, "/h/logs/api.log");
	free(path);
	pmc_app_def_free(&def);

	/* A path resolves against cwd; false, "/dev/null" and "NULL" mean none. */
	json = parse("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"log_file\":\"logs/all.log\"}");
	decode(json, &def);
	cJSON_Delete(json);
	path = pmc_app_combined_log_path(&def, "/h/logs", 0);
	assert_string_equal(path, "/srv/logs/all.log");
	free(path);
	pmc_app_def_free(&def);
	for (int i = 0; i < 3; i++) {
		static const char *const none[] = { "false", "\"/dev/null\"", "\"NULL\"" };
		char *text = xasprintf("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"log_file\":%s}",
				       none[i]);
		json = parse(text);
		free(text);
		decode(json, &def);
		cJSON_Delete(json);
		assert_null(pmc_app_combined_log_path(&def, "/h/logs", 0));
		pmc_app_def_free(&def);
	}
}

static void test_log_paths(void **state)
{
	(void)state;
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\"}", false, 5,
			"/h/logs/api-out.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\"}", true, 5,
			"/h/logs/api-error.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\",\"instances\":3}",
			false, 5, "/h/logs/api-out-5.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\",\"instances\":3}",
			true, 12, "/h/logs/api-error-12.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"name\":\"api\",\"instances\":3,"
			"\"merge_logs\":true}",
			true, 12, "/h/logs/api-error.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"out_file\":\"/dev/null\"}", false,
			0, NULL);
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"error_file\":\"NULL\","
			"\"instances\":2}",
			true, 1, NULL);
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"error_file\":\"NULL\"}", false, 0,
			"/h/logs/a-out.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"out\":\"logs/o.log\"}", false, 0,
			"/srv/logs/o.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"out\":\"/var/o.log\","
			"\"instances\":2}",
			false, 1, "/var/o-1.log");
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"out\":\"/var/out\","
			"\"instances\":2}",
			false, 1, "/var/out-1");
	setenv("HOME", "/home/u", 1);
	assert_log_path("{\"script\":\"a.js\",\"cwd\":\"/srv\",\"error_file\":\"~/e.log\"}", true,
			0, "/home/u/e.log");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_json_defaults),
		cmocka_unit_test(test_from_json_aliases),
		cmocka_unit_test(test_from_json_type_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_default_names),
		cmocka_unit_test(test_resolve_by_extension),
		cmocka_unit_test(test_resolve_shebang_and_binaries),
		cmocka_unit_test(test_resolve_errors),
		cmocka_unit_test(test_resolve_interpreter_override),
		cmocka_unit_test(test_resolve_command_and_path),
		cmocka_unit_test(test_cluster_fields),
		cmocka_unit_test(test_envp),
		cmocka_unit_test(test_log_paths),
		cmocka_unit_test(test_log_fields),
		cmocka_unit_test(test_trigger_fields),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("app", tests, setup, teardown);
}
