/* SPDX-License-Identifier: MIT */
/* Unit tests of ecosystem files: fields, types, env profiles, paths, JSON and JS loading. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecosystem.h"
#include "xmalloc.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/unit/fixtures/ecosystem"
#endif

/* A fixture's absolute path; caller frees. */
static char *fixture(const char *name)
{
	char *rel = xasprintf("%s/%s", FIXTURES, name), *abs = realpath(rel, NULL);

	assert_non_null(abs);
	free(rel);
	return abs;
}

static char *fixture_dir(void)
{
	return fixture(".");
}

static bool have_node(void)
{
	return system("command -v node >/dev/null 2>&1") == 0;
}

/* The string at def[key] (or def[key][index] for an array). */
static const char *str(const cJSON *def, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(def, key);

	assert_non_null(v);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static double num(const cJSON *def, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(def, key);

	assert_non_null(v);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static const char *item(const cJSON *def, const char *key, int index)
{
	const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(def, key), index);

	assert_non_null(v);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static bool has(const cJSON *def, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(def, key) != NULL;
}

/* Parse JSON text as if it were the file /srv/app/eco.json. */
static int parse_text(const char *text, const struct pmc_eco_opts *opts, struct pmc_eco *eco,
                      char **cause)
{
	static const struct pmc_eco_opts none;
	cJSON *root = cJSON_Parse(text);
	int err;

	assert_non_null(root);
	*cause = NULL;
	err = pmc_eco_parse(root, "/srv/app/eco.json", opts ? opts : &none, eco, cause);
	cJSON_Delete(root);
	return err;
}

static bool has_warning(const struct pmc_eco *eco, const char *text)
{
	for (size_t i = 0; i < eco->n_warnings; i++)
		if (strstr(eco->warnings[i], text))
			return true;
	return false;
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(pmc_eco_kind_of("ecosystem.config.js"), PMC_ECO_JS);
	assert_int_equal(pmc_eco_kind_of("/x/pm2.config.cjs"), PMC_ECO_JS);
	assert_int_equal(pmc_eco_kind_of("a.config.mjs"), PMC_ECO_JS);
	assert_int_equal(pmc_eco_kind_of("process.json"), PMC_ECO_JSON);
	assert_int_equal(pmc_eco_kind_of("deploy/apps.json"), PMC_ECO_JSON);
	assert_int_equal(pmc_eco_kind_of("eco.yml"), PMC_ECO_YAML);
	assert_int_equal(pmc_eco_kind_of("eco.yaml"), PMC_ECO_YAML);
	assert_int_equal(pmc_eco_kind_of("app.js"), PMC_ECO_NONE);
	assert_int_equal(pmc_eco_kind_of("config.js"), PMC_ECO_NONE);
	assert_int_equal(pmc_eco_kind_of("api"), PMC_ECO_NONE);
	assert_int_equal(pmc_eco_kind_of("3"), PMC_ECO_NONE);
	assert_int_equal(pmc_eco_kind_of("dir/.json"), PMC_ECO_NONE);
}

static void test_split_words(void **state)
{
	cJSON *w;

	(void)state;
	w = pmc_eco_split_words("  --queue 'jobs high'  -v \"a \\\"b\\\"\" c\\ d e'f'g ");
	assert_non_null(w);
	assert_int_equal(cJSON_GetArraySize(w), 6);
	assert_string_equal(cJSON_GetArrayItem(w, 0)->valuestring, "--queue");
	assert_string_equal(cJSON_GetArrayItem(w, 1)->valuestring, "jobs high");
	assert_string_equal(cJSON_GetArrayItem(w, 2)->valuestring, "-v");
	assert_string_equal(cJSON_GetArrayItem(w, 3)->valuestring, "a \"b\"");
	assert_string_equal(cJSON_GetArrayItem(w, 4)->valuestring, "c d");
	assert_string_equal(cJSON_GetArrayItem(w, 5)->valuestring, "efg");
	cJSON_Delete(w);
	w = pmc_eco_split_words("");
	assert_int_equal(cJSON_GetArraySize(w), 0);
	cJSON_Delete(w);
	assert_null(pmc_eco_split_words("a 'b"));
}

/* PM2's process.json example: every kind of field, aliases, paths, deploy env. */
static void test_json_file(void **state)
{
	char *path = fixture("process.json"), *dir = fixture_dir(), *cause = NULL, *want;
	struct pmc_eco eco;
	const cJSON *api, *worker, *check, *env;

	(void)state;
	assert_int_equal(pmc_eco_load(path, &(struct pmc_eco_opts){0}, &eco, &cause), 0);
	assert_null(cause);
	assert_string_equal(eco.path, path);
	assert_string_equal(eco.dir, dir);
	assert_int_equal(eco.n_apps, 3);
	assert_int_equal(eco.n_warnings, 0);
	assert_string_equal(eco.apps[0].name, "HTTP-API");
	assert_string_equal(eco.apps[1].name, "Worker");
	/* No name: the script's base name, as the daemon would choose. */
	assert_string_equal(eco.apps[2].name, "connection_check");

	api = eco.apps[0].def;
	assert_string_equal(str(api, "name"), "HTTP-API");
	assert_string_equal(str(api, "cwd"), dir);
	want = xasprintf("%s/apps/http.js", dir);
	assert_string_equal(str(api, "script"), want);
	free(want);
	assert_string_equal(str(api, "exec_mode"), "cluster");
	assert_string_equal(str(api, "instances"), "max");
	assert_true(num(api, "max_memory_restart") == 260.0 * 1024 * 1024);
	want = xasprintf("%s/apps", dir);
	assert_string_equal(item(api, "watch", 0), want);
	free(want);
	assert_string_equal(item(api, "ignore_watch", 0), "node_modules");
	assert_true(num(api, "watch_delay") == 1000);
	/* Without --env: env alone, values as strings. */
	env = cJSON_GetObjectItemCaseSensitive(api, "env");
	assert_string_equal(str(env, "NODE_ENV"), "normal");
	assert_string_equal(str(env, "PORT"), "3000");
	assert_string_equal(str(env, "DEBUG"), "false");
	assert_false(has(env, "REGION"));

	worker = eco.apps[1].def;
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(worker, "args")), 3);
	assert_string_equal(item(worker, "args", 1), "jobs high");
	assert_string_equal(item(worker, "interpreter_args", 0), "--max-old-space-size=128");
	want = xasprintf("%s/logs/worker.out", dir);
	assert_string_equal(str(worker, "out_file"), want);
	free(want);
	assert_string_equal(str(worker, "error_file"), "NULL");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(worker, "log_file")));
	assert_string_equal(str(worker, "cron_restart"), "0 3 * * *");
	assert_true(num(worker, "kill_timeout") == 3000);
	assert_true(num(worker, "min_uptime") == 5000);
	assert_true(num(worker, "max_restarts") == 3);
	assert_true(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(worker, "stop_exit_codes"), 0)
	        ->valuedouble == 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(worker, "autorestart")));
	assert_false(has(worker, "exec_mode"));

	/* cwd is relative to the file; the script to the cwd. camelCase is taken. */
	check = eco.apps[2].def;
	want = xasprintf("%s/sub", dir);
	assert_string_equal(str(check, "cwd"), want);
	free(want);
	want = xasprintf("%s/sub/apps/connection_check.sh", dir);
	assert_string_equal(str(check, "script"), want);
	free(want);
	assert_string_equal(str(check, "interpreter"), "bash");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(check, "merge_logs")));
	assert_true(num(check, "restart_delay") == 250);
	assert_true(num(check, "listen_timeout") == 2000);
	pmc_eco_free(&eco);
	free(path);
	free(dir);
}

/* --env production: deploy.production.env < env < env_production. */
static void test_env_profiles(void **state)
{
	char *path = fixture("process.json"), *cause = NULL;
	struct pmc_eco_opts opts = {.profile = "production"};
	struct pmc_eco eco;
	const cJSON *env;

	(void)state;
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), 0);
	env = cJSON_GetObjectItemCaseSensitive(eco.apps[0].def, "env");
	assert_string_equal(str(env, "NODE_ENV"), "production");
	assert_string_equal(str(env, "PORT"), "3000");
	assert_string_equal(str(env, "REGION"), "eu");
	/* No env_production of its own: env over the deploy env. */
	env = cJSON_GetObjectItemCaseSensitive(eco.apps[1].def, "env");
	assert_string_equal(str(env, "NODE_ENV"), "deploy");
	pmc_eco_free(&eco);
	free(path);

	opts.profile = "staging";
	assert_int_equal(
	    parse_text("{\"apps\":[{\"script\":\"a.js\",\"env\":{\"A\":\"1\",\"B\":\"2\"},"
	               "\"env_staging\":{\"B\":\"s\",\"C\":[1,2]}},"
	               "{\"script\":\"b.js\",\"env_production\":{\"X\":\"1\"}}]}",
	               &opts, &eco, &cause),
	    0);
	env = cJSON_GetObjectItemCaseSensitive(eco.apps[0].def, "env");
	assert_string_equal(str(env, "A"), "1");
	assert_string_equal(str(env, "B"), "s");
	assert_string_equal(str(env, "C"), "[1,2]");
	env = cJSON_GetObjectItemCaseSensitive(eco.apps[1].def, "env");
	assert_int_equal(cJSON_GetArraySize(env), 0);
	assert_true(has_warning(&eco, "app 'b': no env_staging (only env is used)"));
	pmc_eco_free(&eco);

	/* A profile that is not chosen is still checked. */
	assert_int_equal(parse_text("{\"apps\":[{\"script\":\"a.js\",\"env_production\":3}]}", NULL,
	                            &eco, &cause),
	                 -EINVAL);
	assert_string_equal(cause, "eco.json: app 'a': env_production must be an object of "
	                           "variables");
	free(cause);
}

/* A wrong type or value is an error naming the app and the field: all of them. */
static void test_bad_types(void **state)
{
	char *path = fixture("bad-types.json"), *cause = NULL;
	struct pmc_eco eco;
	static const char *const expected[] = {
	    "bad-types.json: app 'api': instances must be a number of at most 4096, \"max\", 0 "
	    "or -N",
	    "bad-types.json: app 'api': max_memory_restart must be a size: bytes, or a string "
	    "like \"512K\", \"200M\", \"1G\"",
	    "bad-types.json: app 'api': autorestart must be true or false",
	    "bad-types.json: app 'api': env variable 'BAD' must be a string, a number or a "
	    "boolean",
	    "bad-types.json: app 'w': exec_mode must be \"fork\" or \"cluster\"",
	    "bad-types.json: app 'w': kill_timeout must be a duration",
	    "bad-types.json: app 'w': stop_exit_codes must be an exit code or an array of exit "
	    "codes",
	    "bad-types.json: app 'w': port must be a TCP port (1-65535)",
	    "bad-types.json: app 'bad name!': name 'bad name!' is not a valid app name",
	    "bad-types.json: apps[4]: script must be a non-empty string",
	};

	(void)state;
	assert_int_equal(pmc_eco_load(path, &(struct pmc_eco_opts){0}, &eco, &cause), -EINVAL);
	assert_non_null(cause);
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		if (!strstr(cause, expected[i]))
			fail_msg("missing '%s' in:\n%s", expected[i], cause);
	}
	/* One line per error, none for the good app. */
	{
		size_t lines = 1;
		for (const char *p = cause; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, sizeof expected / sizeof expected[0]);
	}
	assert_null(strstr(cause, "'good'"));
	assert_int_equal(eco.n_apps, 0);
	assert_null(eco.apps);
	free(cause);
	free(path);
}

static void expect_error(const char *text, const char *message)
{
	struct pmc_eco eco;
	char *cause = NULL;

	assert_int_equal(parse_text(text, NULL, &eco, &cause), -EINVAL);
	if (!cause || strcmp(cause, message) != 0)
		fail_msg("expected '%s', got '%s'", message, cause ? cause : "(null)");
	assert_int_equal(eco.n_apps, 0);
	free(cause);
}

static void test_structure_errors(void **state)
{
	(void)state;
	expect_error("\"x\"", "eco.json: the file must hold {\"apps\": [...]}, an array of apps or "
	                      "one app");
	expect_error("{\"apps\": {}}", "eco.json: apps must be an array of apps");
	expect_error("{\"apps\": []}", "eco.json: no apps");
	expect_error("[]", "eco.json: no apps");
	expect_error("[1]", "eco.json: apps[0] must be an object");
	expect_error("[{\"name\":\"a\"}]", "eco.json: app 'a': script is required");
	expect_error("[{\"script\":\"a.js\"},{\"script\":\"lib/a.py\"}]",
	             "eco.json: two apps are named 'a' (give each its own name)");
	expect_error("[{\"script\":\"a.js\",\"node_args\":\"-x\",\"interpreter_args\":\"-y\"}]",
	             "eco.json: app 'a': 'node_args' and 'interpreter_args' set the same field");
	expect_error("[{\"script\":\"a.js\",\"args\":\"'x\"}]",
	             "eco.json: app 'a': args has an unterminated quote");
	expect_error("[{\"script\":\"a.js\",\"cron_restart\":5}]",
	             "eco.json: app 'a': cron_restart must be a cron pattern like \"0 3 * * *\" "
	             "(false or 0: none)");
	expect_error("[{\"script\":\"a.js\",\"instance_var\":\"1X\"}]",
	             "eco.json: app 'a': instance_var must be an environment variable name");
	expect_error("[{\"script\":\"a.js\",\"log_type\":\"xml\"}]",
	             "eco.json: app 'a': log_type must be \"json\" or \"raw\"");
	expect_error("[{\"script\":\"\"}]", "eco.json: apps[0]: script must be a non-empty string");
}

/* PM2's accepted forms of args, instances, exec_mode and durations. */
static void test_value_forms(void **state)
{
	struct pmc_eco eco;
	char *cause = NULL;
	const cJSON *a, *b, *c;

	(void)state;
	assert_int_equal(
	    parse_text("[{\"name\":\"a\",\"script\":\"a.js\",\"args\":[\"x y\",\"z\"],"
	               "\"instances\":-1,\"exec_mode\":\"fork_mode\",\"min_uptime\":1500,"
	               "\"max_memory_restart\":1048576,\"stop_exit_codes\":[0,3],"
	               "\"watch\":true,\"cron_restart\":false,\"port\":\"8080\"},"
	               "{\"name\":\"b\",\"script\":\"b.js\",\"instances\":4,\"watch\":\"src\","
	               "\"restart_delay\":\"2m\",\"exp_backoff_restart_delay\":\"100ms\","
	               "\"listen\":\"unix:app.sock\",\"log_file\":\"both.log\",\"time\":true,"
	               "\"log_max_size\":\"10M\",\"log_retain\":3,\"log_rotate_names\":\"date\","
	               "\"log_compress\":true,\"kill_signal\":\"SIGTERM\"},"
	               "{\"name\":\"c\",\"script\":\"python3 -m http.server\",\"port\":9000},"
	               "{\"name\":null,\"script\":\"lib/d.js\",\"instances\":\"3\"}]",
	               NULL, &eco, &cause),
	    0);
	assert_int_equal(eco.n_apps, 4);
	a = eco.apps[0].def;
	assert_string_equal(item(a, "args", 0), "x y");
	assert_true(num(a, "instances") == -1);
	/* An explicit fork mode stays, even with instances. */
	assert_string_equal(str(a, "exec_mode"), "fork");
	assert_true(num(a, "min_uptime") == 1500);
	assert_true(num(a, "max_memory_restart") == 1048576);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "stop_exit_codes")),
	                 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "watch")));
	/* false means no cron at all. */
	assert_false(has(a, "cron_restart"));
	assert_true(num(a, "port") == 8080);

	b = eco.apps[1].def;
	assert_string_equal(str(b, "exec_mode"), "cluster");
	assert_string_equal(item(b, "watch", 0), "/srv/app/src");
	assert_true(num(b, "restart_delay") == 120000);
	assert_true(num(b, "exp_backoff_restart_delay") == 100);
	assert_string_equal(item(b, "listen", 0), "unix:app.sock");
	assert_string_equal(str(b, "log_file"), "/srv/app/both.log");
	assert_true(num(b, "log_max_size") == 10 * 1024 * 1024);
	assert_true(num(b, "log_retain") == 3);
	assert_string_equal(str(b, "log_rotate_names"), "date");
	assert_string_equal(str(b, "kill_signal"), "SIGTERM");

	/* A command line stays a command line; a port asks for cluster mode. */
	c = eco.apps[2].def;
	assert_string_equal(str(c, "script"), "python3 -m http.server");
	assert_string_equal(eco.apps[2].name, "c");
	assert_string_equal(str(c, "exec_mode"), "cluster");
	/* name: null is unset: the script names the app. */
	assert_string_equal(eco.apps[3].name, "d");
	assert_string_equal(str(eco.apps[3].def, "name"), "d");
	/* A count from process.env is a string: taken as the number. */
	assert_true(num(eco.apps[3].def, "instances") == 3);
	pmc_eco_free(&eco);

	/* A bare program name is looked up in PATH by the daemon: kept. */
	assert_int_equal(
	    parse_text("[{\"script\":\"sleep\",\"args\":\"100\"}]", NULL, &eco, &cause), 0);
	assert_string_equal(str(eco.apps[0].def, "script"), "sleep");
	assert_string_equal(eco.apps[0].name, "sleep");
	pmc_eco_free(&eco);
}

/* Unknown fields warn and are dropped; PM2 fields pmc lacks warn too. */
static void test_unknown_fields(void **state)
{
	char *path = fixture("unknown.json"), *cause = NULL;
	struct pmc_eco eco;
	const cJSON *def;

	(void)state;
	assert_int_equal(pmc_eco_load(path, &(struct pmc_eco_opts){0}, &eco, &cause), 0);
	assert_int_equal(eco.n_apps, 1);
	assert_true(has_warning(&eco, "unknown.json: app 'u': unknown field 'colour' (ignored)"));
	assert_true(has_warning(&eco, "app 'u': field 'namespace' is not supported by pmc "
	                              "(ignored)"));
	assert_true(has_warning(&eco, "app 'u': field 'pmx' is not supported by pmc (ignored)"));
	assert_true(has_warning(&eco, "unknown top-level field 'extra' (ignored)"));
	assert_int_equal(eco.n_warnings, 4);
	def = eco.apps[0].def;
	assert_false(has(def, "colour"));
	assert_false(has(def, "namespace"));
	/* disable_logs: both streams go nowhere. */
	assert_false(has(def, "disable_logs"));
	assert_string_equal(str(def, "out_file"), "/dev/null");
	assert_string_equal(str(def, "error_file"), "/dev/null");
	pmc_eco_free(&eco);
	free(path);
}

/* Paths: cwd against the file's folder, the rest against the cwd; ~ is HOME. */
static void test_relative_paths(void **state)
{
	struct pmc_eco eco;
	char *cause = NULL;
	const cJSON *def;

	(void)state;
	setenv("HOME", "/home/u", 1);
	assert_int_equal(parse_text("[{\"name\":\"a\",\"script\":\"./bin/run\",\"cwd\":\"../web\","
	                            "\"out_file\":\"./o.log\",\"error_file\":\"/var/log/e.log\","
	                            "\"watch\":[\".\",\"lib\",\"/etc/app\"]},"
	                            "{\"name\":\"b\",\"script\":\"~/bin/b.sh\",\"cwd\":\"~\","
	                            "\"out_file\":\"/dev/null\"},"
	                            "{\"name\":\"c\",\"script\":\"/opt/c\",\"cwd\":\".\"}]",
	                            NULL, &eco, &cause),
	                 0);
	def = eco.apps[0].def;
	assert_string_equal(str(def, "cwd"), "/srv/web");
	assert_string_equal(str(def, "script"), "/srv/web/bin/run");
	assert_string_equal(str(def, "out_file"), "/srv/web/o.log");
	assert_string_equal(str(def, "error_file"), "/var/log/e.log");
	assert_string_equal(item(def, "watch", 0), "/srv/web");
	assert_string_equal(item(def, "watch", 1), "/srv/web/lib");
	assert_string_equal(item(def, "watch", 2), "/etc/app");
	def = eco.apps[1].def;
	assert_string_equal(str(def, "cwd"), "/home/u");
	assert_string_equal(str(def, "script"), "/home/u/bin/b.sh");
	assert_string_equal(str(def, "out_file"), "/dev/null");
	def = eco.apps[2].def;
	assert_string_equal(str(def, "cwd"), "/srv/app");
	assert_string_equal(str(def, "script"), "/opt/c");
	pmc_eco_free(&eco);

	/* Paths are normalized as node's path.resolve does. */
	assert_int_equal(parse_text("[{\"script\":\"x//y/./z.js\",\"cwd\":\"./a/./b/\","
	                            "\"out_file\":\"../../../../../o.log\"}]",
	                            NULL, &eco, &cause),
	                 0);
	def = eco.apps[0].def;
	assert_string_equal(str(def, "cwd"), "/srv/app/a/b");
	assert_string_equal(str(def, "script"), "/srv/app/a/b/x/y/z.js");
	assert_string_equal(str(def, "out_file"), "/o.log");
	pmc_eco_free(&eco);
}

static void test_only(void **state)
{
	const char *only[] = {"b", "c"}, *missing[] = {"b", "zz"};
	struct pmc_eco_opts opts = {.only = only, .n_only = 2};
	struct pmc_eco eco;
	char *cause = NULL;

	(void)state;
	assert_int_equal(parse_text("[{\"script\":\"a.js\"},{\"script\":\"b.js\"},{\"script\":\"c."
	                            "js\"}]",
	                            &opts, &eco, &cause),
	                 0);
	assert_int_equal(eco.n_apps, 2);
	assert_string_equal(eco.apps[0].name, "b");
	assert_string_equal(eco.apps[1].name, "c");
	assert_null(pmc_eco_app_find(&eco, "a"));
	assert_non_null(pmc_eco_app_find(&eco, "c"));
	pmc_eco_free(&eco);

	opts.only = missing;
	assert_int_equal(
	    parse_text("[{\"script\":\"a.js\"},{\"script\":\"b.js\"}]", &opts, &eco, &cause),
	    -EINVAL);
	assert_string_equal(cause, "eco.json: --only: no app named 'zz' in the file");
	free(cause);

	/* An error in an app --only leaves out still stops everything. */
	opts.only = only;
	opts.n_only = 1;
	assert_int_equal(
	    parse_text("[{\"script\":\"a.js\",\"instances\":\"x\"},{\"script\":\"b.js\"}]", &opts,
	               &eco, &cause),
	    -EINVAL);
	assert_non_null(strstr(cause, "app 'a': instances"));
	free(cause);
}

static void test_load_errors(void **state)
{
	struct pmc_eco_opts opts = {0};
	struct pmc_eco eco;
	char *path, *cause = NULL;

	(void)state;
	assert_int_equal(pmc_eco_load("/nonexistent/eco.json", &opts, &eco, &cause), -ENOENT);
	assert_string_equal(cause, "cannot read /nonexistent/eco.json: No such file or directory");
	free(cause);

	path = fixture("invalid.json");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), -EINVAL);
	assert_non_null(strstr(cause, "invalid.json: invalid JSON at line 3, column"));
	free(cause);
	free(path);

	assert_int_equal(pmc_eco_load("eco.yaml", &opts, &eco, &cause), -ENOTSUP);
	assert_string_equal(cause, "eco.yaml: YAML ecosystem files are not supported (write it as "
	                           "JSON or as ecosystem.config.js)");
	free(cause);
}

/* module.exports as {apps}, an array, one app, an ES module. */
static void test_js_files(void **state)
{
	struct pmc_eco_opts opts = {.profile = "staging"};
	char *path, *dir = fixture_dir(), *want, *cause = NULL;
	struct pmc_eco eco;
	const cJSON *web, *queue, *env;

	(void)state;
	if (!have_node())
		skip();
	path = fixture("ecosystem.config.js");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), 0);
	assert_int_equal(eco.n_apps, 2);
	web = eco.apps[0].def;
	want = xasprintf("%s/server.js", dir);
	assert_string_equal(str(web, "script"), want);
	free(want);
	assert_true(num(web, "port") == 3001);
	assert_true(num(web, "instances") == 2);
	assert_string_equal(item(web, "interpreter_args", 0), "--harmony");
	want = xasprintf("%s/logs/web.log", dir);
	assert_string_equal(str(web, "out_file"), want);
	free(want);
	env = cJSON_GetObjectItemCaseSensitive(web, "env");
	assert_string_equal(str(env, "NODE_ENV"), "staging");
	assert_string_equal(str(env, "API"), "https://staging.example");
	queue = eco.apps[1].def;
	assert_string_equal(str(queue, "script"), "python3 -m worker");
	assert_true(num(queue, "max_memory_restart") == 1024.0 * 1024 * 1024);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(queue, "wait_ready")));
	pmc_eco_free(&eco);
	free(path);

	opts.profile = NULL;
	path = fixture("array.config.cjs");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), 0);
	assert_int_equal(eco.n_apps, 2);
	assert_string_equal(item(eco.apps[1].def, "args", 0), "a b");
	pmc_eco_free(&eco);
	free(path);

	path = fixture("single.config.js");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), 0);
	assert_int_equal(eco.n_apps, 1);
	assert_string_equal(eco.apps[0].name, "solo");
	env = cJSON_GetObjectItemCaseSensitive(eco.apps[0].def, "env");
	assert_string_equal(str(env, "A"), "1");
	pmc_eco_free(&eco);
	free(path);

	path = fixture("esm.config.mjs");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), 0);
	assert_int_equal(eco.n_apps, 1);
	assert_string_equal(eco.apps[0].name, "esm");
	pmc_eco_free(&eco);
	free(path);
	free(dir);
}

static void test_js_errors(void **state)
{
	struct pmc_eco_opts opts = {.node_timeout_ms = 500};
	struct pmc_eco eco;
	char *path, *cause = NULL, *old_path;

	(void)state;
	if (!have_node())
		skip();
	path = fixture("broken.config.js");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), -EINVAL);
	assert_non_null(strstr(cause, "node could not evaluate the file:"));
	assert_non_null(strstr(cause, "SyntaxError"));
	free(cause);
	free(path);

	path = fixture("throws.config.js");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), -EINVAL);
	assert_non_null(strstr(cause, "no DATABASE_URL in the environment"));
	free(cause);
	free(path);

	path = fixture("hang.config.js");
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), -ETIMEDOUT);
	assert_non_null(strstr(cause, "node did not finish within 0s"));
	free(cause);

	/* No node in PATH: a clear error, not an exec failure. */
	old_path = xstrdup(getenv("PATH"));
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(pmc_eco_load(path, &opts, &eco, &cause), -ENOENT);
	assert_non_null(strstr(cause, "hang.config.js: node is needed to read a JavaScript "
	                              "ecosystem file and is not in PATH"));
	free(cause);
	setenv("PATH", old_path, 1);
	free(old_path);
	free(path);
}

/* The starter files parse, and hold what their comments promise. */
static void test_templates(void **state)
{
	char dir[] = "/tmp/pmc-eco-tpl.XXXXXX", *file, *cause = NULL;
	struct pmc_eco eco;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int json = 0; json < 2; json++) {
		for (int simple = 0; simple < 2; simple++) {
			if (!json && !have_node())
				continue;
			file = xasprintf("%s/eco%d.%s", dir, simple, json ? "json" : "config.js");
			f = fopen(file, "w");
			assert_non_null(f);
			fputs(pmc_eco_template(json ? PMC_ECO_JSON : PMC_ECO_JS, simple), f);
			fclose(f);
			assert_int_equal(
			    pmc_eco_load(file, &(struct pmc_eco_opts){.profile = "production"},
			                 &eco, &cause),
			    0);
			assert_int_equal(eco.n_apps, simple ? 1 : 2);
			if (!simple) {
				const cJSON *env =
				    cJSON_GetObjectItemCaseSensitive(eco.apps[0].def, "env");
				assert_string_equal(eco.apps[0].name, "web");
				assert_string_equal(str(env, "NODE_ENV"), "production");
				assert_string_equal(str(eco.apps[0].def, "exec_mode"), "cluster");
			}
			pmc_eco_free(&eco);
			unlink(file);
			free(file);
		}
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),          cmocka_unit_test(test_split_words),
	    cmocka_unit_test(test_json_file),      cmocka_unit_test(test_env_profiles),
	    cmocka_unit_test(test_bad_types),      cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_value_forms),    cmocka_unit_test(test_unknown_fields),
	    cmocka_unit_test(test_relative_paths), cmocka_unit_test(test_only),
	    cmocka_unit_test(test_load_errors),    cmocka_unit_test(test_js_files),
	    cmocka_unit_test(test_js_errors),      cmocka_unit_test(test_templates),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("ecosystem", tests, NULL, NULL);
}
