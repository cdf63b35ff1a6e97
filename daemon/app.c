/* SPDX-License-Identifier: MIT */
/* App definitions: decode and check them, resolve what to exec, build argv and env. */
#include "app.h"
#include "listener.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cron.h"
#include "duration.h"
#include "name.h"
#include "proc.h"
#include "xmalloc.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* A growable NULL-terminated string vector. */
struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *s, char *owned)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = owned;
	s->v[s->n] = NULL;
}

/* Takes ownership of the vector; never returns NULL. */
static char **strv_finish(struct strv *s)
{
	if (!s->v)
		s->v = xcalloc(1, sizeof *s->v);
	return s->v;
}

/* Frees each string, then the array; NULL is fine. */
void pmc_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char **split_words(const char *text)
{
	struct strv s = { 0 };
	const char *p = text;

	while (*p) {
		const char *start;

		while (*p && isspace((unsigned char)*p))
			p++;
		start = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (p > start)
			strv_push(&s, xstrndup(start, (size_t)(p - start)));
	}
	return strv_finish(&s);
}

/* ---- Decoding ---------------------------------------------------------- */

/* The first present, non-null member among a field's aliases; *used names it. */
static const cJSON *field(const cJSON *obj, const char *const *names, const char **used)
{
	for (; *names; names++) {
		const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, *names);
		if (item && !cJSON_IsNull(item)) {
			*used = *names;
			return item;
		}
	}
	return NULL;
}

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int fail(char **cause, const char *fmt, const char *what)
{
	*cause = xasprintf(fmt, what);
	return -EINVAL;
}

static int get_string(const cJSON *obj, const char *const *names, char **out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, names, &used);

	if (!item)
		return 0;
	if (!cJSON_IsString(item))
		return fail(cause, "%s must be a string", used);
	free(*out);
	*out = xstrdup(item->valuestring);
	return 0;
}

/* An array of strings, or one string split on whitespace. */
static int get_words(const cJSON *obj, const char *const *names, char ***out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, names, &used);
	const cJSON *el;
	struct strv s = { 0 };

	if (!item)
		return 0;
	if (cJSON_IsString(item)) {
		pmc_strv_free(*out);
		*out = split_words(item->valuestring);
		return 0;
	}
	if (!cJSON_IsArray(item))
		return fail(cause, "%s must be an array of strings or a string", used);
	cJSON_ArrayForEach(el, item) {
		if (!cJSON_IsString(el)) {
			pmc_strv_free(strv_finish(&s));
			return fail(cause, "%s must be an array of strings or a string", used);
		}
		strv_push(&s, xstrdup(el->valuestring));
	}
	pmc_strv_free(*out);
	*out = strv_finish(&s);
	return 0;
}

static int get_bool(const cJSON *obj, const char *const *names, bool *out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, names, &used);

	if (!item)
		return 0;
	if (!cJSON_IsBool(item))
		return fail(cause, "%s must be true or false", used);
	*out = cJSON_IsTrue(item);
	return 0;
}

static bool number_is_int(const cJSON *item, double min)
{
	double v = item->valuedouble;

	return cJSON_IsNumber(item) && isfinite(v) && v == floor(v) && v >= min && v <= INT_MAX;
}

static int get_int(const cJSON *obj, const char *const *names, int min, int *out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, names, &used);

	if (!item)
		return 0;
	if (!number_is_int(item, min)) {
		*cause = xasprintf("%s must be an integer >= %d", used, min);
		return -EINVAL;
	}
	*out = (int)item->valuedouble;
	return 0;
}

/* Milliseconds as a number, or a string with a unit ("2s"). */
static int get_duration(const cJSON *obj, const char *name, int64_t *out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, NAMES(name), &used);
	int64_t ms;

	if (!item)
		return 0;
	if (cJSON_IsNumber(item) && isfinite(item->valuedouble) && item->valuedouble >= 0 &&
	    item->valuedouble <= 9e15)
		ms = (int64_t)item->valuedouble;
	else if (!cJSON_IsString(item) || pmc_duration_parse(item->valuestring, &ms) < 0)
		return fail(cause, "%s must be a duration like 1600 or 2s", used);
	*out = ms;
	return 0;
}

/* PM2 turns numbers and booleans in env into strings; so do we. */
static int get_env(const cJSON *obj, const char *name, cJSON **out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, NAMES(name), &used);
	const cJSON *el;
	cJSON *env;

	if (!item)
		return 0;
	if (!cJSON_IsObject(item))
		return fail(cause, "%s must be an object of strings", used);
	env = cJSON_CreateObject();
	cJSON_ArrayForEach(el, item) {
		char num[64];
		const char *value;

		if (cJSON_IsString(el)) {
			value = el->valuestring;
		} else if (cJSON_IsBool(el)) {
			value = cJSON_IsTrue(el) ? "true" : "false";
		} else if (cJSON_IsNumber(el) && isfinite(el->valuedouble)) {
			double v = el->valuedouble;
			if (v == floor(v) && fabs(v) < 1e15)
				snprintf(num, sizeof num, "%lld", (long long)v);
			else
				snprintf(num, sizeof num, "%.15g", v);
			value = num;
		} else {
			*cause = xasprintf("%s.%s must be a string", used, el->string);
			cJSON_Delete(env);
			return -EINVAL;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(env, el->string);
		cJSON_AddStringToObject(env, el->string, value);
	}
	cJSON_Delete(*out);
	*out = env;
	return 0;
}

static int get_stop_exit_codes(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	static const char msg[] = "%s must be an integer or an array of integers";
	const char *used;
	const cJSON *item = field(obj, NAMES("stop_exit_codes"), &used);
	const cJSON *el;
	size_t n = 0;

	if (!item)
		return 0;
	if (cJSON_IsNumber(item)) {
		if (!number_is_int(item, INT_MIN))
			return fail(cause, msg, used);
		def->stop_exit_codes = xcalloc(1, sizeof(int));
		def->stop_exit_codes[n++] = (int)item->valuedouble;
	} else if (cJSON_IsArray(item)) {
		def->stop_exit_codes = xcalloc((size_t)cJSON_GetArraySize(item) + 1, sizeof(int));
		cJSON_ArrayForEach(el, item) {
			if (!number_is_int(el, INT_MIN))
				return fail(cause, msg, used);
			def->stop_exit_codes[n++] = (int)el->valuedouble;
		}
	} else {
		return fail(cause, msg, used);
	}
	def->policy.stop_exit_codes = def->stop_exit_codes;
	def->policy.n_stop_exit_codes = n;
	return 0;
}

static int get_kill_signal(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	static const char msg[] = "%s must be a signal name like SIGINT";
	const char *used;
	const cJSON *item = field(obj, NAMES("kill_signal"), &used);
	char num[32];
	const char *text;
	int sig;

	if (!item)
		return 0;
	if (cJSON_IsString(item)) {
		text = item->valuestring;
	} else if (number_is_int(item, 1)) {
		snprintf(num, sizeof num, "%d", (int)item->valuedouble);
		text = num;
	} else {
		return fail(cause, msg, used);
	}
	sig = pmc_signal_parse(text);
	if (sig < 0)
		return fail(cause, msg, used);
	free(def->kill_signal);
	def->kill_signal = xstrdup(pmc_signal_name(sig));
	return 0;
}

static const struct {
	const char *name;
	size_t offset;
} duration_fields[] = {
	{ "min_uptime", offsetof(struct pmc_sup_policy, min_uptime) },
	{ "restart_delay", offsetof(struct pmc_sup_policy, restart_delay) },
	{ "exp_backoff_restart_delay", offsetof(struct pmc_sup_policy, exp_backoff_restart_delay) },
	{ "kill_timeout", offsetof(struct pmc_sup_policy, kill_timeout) },
	{ "listen_timeout", offsetof(struct pmc_sup_policy, listen_timeout) },
};

#define N_DURATIONS (sizeof duration_fields / sizeof duration_fields[0])

static int get_policy(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	struct pmc_sup_policy *p = &def->policy;
	int err;

	for (size_t i = 0; i < N_DURATIONS; i++) {
		int64_t *slot = (int64_t *)((char *)p + duration_fields[i].offset);
		err = get_duration(obj, duration_fields[i].name, slot, cause);
		if (err < 0)
			return err;
	}
	err = get_bool(obj, NAMES("autorestart"), &p->autorestart, cause);
	if (err == 0)
		err = get_bool(obj, NAMES("wait_ready"), &p->wait_ready, cause);
	if (err == 0)
		err = get_int(obj, NAMES("max_restarts"), 0, &p->max_restarts, cause);
	if (err == 0)
		err = get_stop_exit_codes(obj, def, cause);
	return err;
}

static int get_identity(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	int err;

	err = get_string(obj, NAMES("script", "exec"), &def->script, cause);
	if (err < 0)
		return err;
	if (!def->script)
		return fail(cause, "%s is required", "script");
	if (!*def->script)
		return fail(cause, "%s must not be empty", "script");
	err = get_string(obj, NAMES("cwd"), &def->cwd, cause);
	if (err < 0)
		return err;
	if (!def->cwd)
		return fail(cause, "%s is required", "cwd");
	if (def->cwd[0] != '/')
		return fail(cause, "%s must be an absolute path", "cwd");
	err = get_string(obj, NAMES("name"), &def->name, cause);
	if (err < 0)
		return err;
	if (!def->name)
		def->name = pmc_app_default_name(def->script);
	if (!pmc_name_valid(def->name)) {
		*cause = xasprintf("invalid app name '%s': use 1-64 of A-Z a-z 0-9 . _ - not "
				   "starting with '.'",
				   def->name);
		return -EINVAL;
	}
	return 0;
}

/* The resolved fields of a stored definition ("resolved": true). */
static int get_resolved(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	int err;

	err = get_bool(obj, NAMES("resolved"), &def->resolved, cause);
	if (err < 0 || !def->resolved)
		return err;
	err = get_string(obj, NAMES("exec_path"), &def->exec_path, cause);
	if (err == 0)
		err = get_string(obj, NAMES("exec_interpreter"), &def->exec_interpreter, cause);
	if (err == 0)
		err = get_words(obj, NAMES("argv"), &def->argv, cause);
	if (err < 0)
		return err;
	if (!def->exec_interpreter)
		return fail(cause, "%s is required when resolved is true", "exec_interpreter");
	if (!def->argv || !def->argv[0])
		return fail(cause, "%s must be a non-empty array of strings", "argv");
	return 0;
}

/* -i N; "max" or 0: one per CPU; -N: CPUs minus N, at least 1 (as PM2). */
static int get_instances(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	const char *used = "instances";
	const cJSON *item = field(obj, NAMES("instances"), &used);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double n;

	if (!item)
		return 0;
	if (cJSON_IsString(item) && strcmp(item->valuestring, "max") == 0)
		n = 0;
	else if (cJSON_IsString(item) && *item->valuestring) {
		char *end;
		n = strtod(item->valuestring, &end);
		if (*end)
			return fail(cause, "%s must be a number, max, 0 or -N", used);
	} else if (cJSON_IsNumber(item))
		n = item->valuedouble;
	else
		return fail(cause, "%s must be a number, max, 0 or -N", used);
	if (n != (double)(long)n || n > 4096 || n < -4096)
		return fail(cause, "%s must be a whole number of at most 4096", used);
	if (cpus < 1)
		cpus = 1;
	def->instances = n > 0 ? (int)n : (int)(cpus + (long)n);
	if (def->instances < 1)
		def->instances = 1;
	return 0;
}

static bool env_name_valid(const char *name)
{
	size_t i;

	if (!*name || isdigit((unsigned char)name[0]))
		return false;
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

/* exec_mode, listen, port, instance_var, shutdown_with_message. */
static int get_cluster(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	char *mode = NULL, **listen = NULL, *canon;
	struct strv out = { 0 };
	int err, port = 0;
	size_t i;

	err = get_string(obj, NAMES("exec_mode"), &mode, cause);
	if (err == 0 && mode) {
		if (strcmp(mode, "cluster") == 0 || strcmp(mode, "cluster_mode") == 0)
			def->cluster = true;
		else if (strcmp(mode, "fork") != 0 && strcmp(mode, "fork_mode") != 0)
			err = fail(cause, "%s must be fork or cluster", "exec_mode");
	}
	free(mode);
	if (err == 0)
		err = get_int(obj, NAMES("port"), 0, &port, cause);
	if (err == 0 && port > 65535)
		err = fail(cause, "%s must be a TCP port (1-65535)", "port");
	if (err == 0)
		err = get_words(obj, NAMES("listen"), &listen, cause);
	for (i = 0; err == 0 && listen && listen[i]; i++) {
		err = pmc_listener_canonical(listen[i], def->cwd, &canon, cause);
		if (err == 0)
			strv_push(&out, canon);
	}
	if (err == 0 && port > 0) {
		canon = xasprintf("tcp://0.0.0.0:%d", port);
		for (i = 0; i < out.n && strcmp(out.v[i], canon) != 0; i++)
			;
		if (i == out.n)
			strv_push(&out, canon);
		else
			free(canon);
	}
	pmc_strv_free(listen);
	def->listen = strv_finish(&out);
	def->port = port;
	if (err == 0 && def->listen[0] && !mode)
		def->cluster = true; /* sockets to share mean cluster mode */
	if (err == 0)
		err = get_string(obj, NAMES("instance_var"), &def->instance_var, cause);
	if (err == 0 && !def->instance_var)
		def->instance_var = xstrdup("NODE_APP_INSTANCE");
	if (err == 0 && !env_name_valid(def->instance_var))
		err = fail(cause, "%s must be an environment variable name", "instance_var");
	if (err == 0)
		err = get_bool(obj, NAMES("shutdown_with_message"), &def->shutdown_with_message,
			       cause);
	def->ready_message = def->policy.wait_ready;
	def->policy.wait_ready = def->cluster || def->ready_message;
	return err;
}

/* log_file: true (logs/NAME.log), false, or a path. */
static int get_log_file(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, NAMES("log_file", "log"), &used);

	if (!item)
		return 0;
	if (cJSON_IsBool(item)) {
		def->log_file_default = cJSON_IsTrue(item);
		free(def->log_file);
		def->log_file = NULL;
		return 0;
	}
	if (!cJSON_IsString(item) || !*item->valuestring)
		return fail(cause, "%s must be true, false or a path", used);
	def->log_file_default = false;
	free(def->log_file);
	def->log_file = xstrdup(item->valuestring);
	return 0;
}

/* A size in bytes as a number, or a string with a unit ("10M"). */
static int get_size(const cJSON *obj, const char *name, int64_t *out, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, NAMES(name), &used);

	if (!item)
		return 0;
	if (cJSON_IsNumber(item) && isfinite(item->valuedouble) && item->valuedouble >= 0 &&
	    item->valuedouble <= 9e15 && item->valuedouble == floor(item->valuedouble))
		*out = (int64_t)item->valuedouble;
	else if (!cJSON_IsString(item) || pmc_size_parse(item->valuestring, out) < 0)
		return fail(cause, "%s must be a size like 10M or a number of bytes", used);
	return 0;
}

/* A string among choices; *out is its index. */
static int get_choice(const cJSON *obj, const char *name, const char *const *choices, int *out,
		      const char *expect, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, NAMES(name), &used);

	if (!item)
		return 0;
	for (int i = 0; cJSON_IsString(item) && choices[i]; i++) {
		if (strcmp(item->valuestring, choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	*cause = xasprintf("%s must be %s", used, expect);
	return -EINVAL;
}

static int get_logs(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	static const char *const types[] = { "raw", "json", NULL };
	static const char *const names[] = { "number", "date", NULL };
	bool compress = false;
	int type = -1, err;

	err = get_log_file(obj, def, cause);
	if (err == 0)
		err = get_bool(obj, NAMES("time"), &def->time, cause);
	if (err == 0)
		err = get_string(obj, NAMES("log_date_format"), &def->log_date_format, cause);
	if (err == 0)
		err = get_choice(obj, "log_type", types, &type, "json or raw", cause);
	if (err == 0 && type >= 0) {
		free(def->log_type);
		def->log_type = type == 1 ? xstrdup("json") : NULL;
	}
	if (err == 0)
		err = get_size(obj, "log_max_size", &def->log_max_size, cause);
	if (err == 0)
		err = get_int(obj, NAMES("log_retain"), 0, &def->log_retain, cause);
	if (err == 0)
		err = get_choice(obj, "log_rotate_names", names, &def->log_rotate_names,
				 "number or date", cause);
	if (err == 0 && field(obj, NAMES("log_compress"), &(const char *){ 0 })) {
		err = get_bool(obj, NAMES("log_compress"), &compress, cause);
		def->log_compress = compress;
	}
	return err;
}

static char *path_absolute(const char *cwd, const char *path);

/* watch: true, false, a path, or an array of paths (relative to cwd). */
static int get_watch(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	static const char msg[] = "%s must be true, false, a path or an array of paths";
	const char *used;
	const cJSON *item = field(obj, NAMES("watch"), &used);
	const cJSON *el;
	struct strv s = { 0 };

	if (!item)
		return 0;
	if (cJSON_IsBool(item)) {
		def->watch = cJSON_IsTrue(item);
		return 0;
	}
	if (cJSON_IsString(item) && *item->valuestring) {
		strv_push(&s, path_absolute(def->cwd, item->valuestring));
	} else if (cJSON_IsArray(item)) {
		cJSON_ArrayForEach(el, item) {
			if (!cJSON_IsString(el) || !*el->valuestring) {
				pmc_strv_free(strv_finish(&s));
				return fail(cause, msg, used);
			}
			strv_push(&s, path_absolute(def->cwd, el->valuestring));
		}
	} else {
		return fail(cause, msg, used);
	}
	pmc_strv_free(def->watch_paths);
	def->watch_paths = strv_finish(&s);
	def->watch = def->watch_paths[0] != NULL;
	return 0;
}

/* ignore_watch: a pattern or an array of them. */
static int get_ignore_watch(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	static const char msg[] = "%s must be a pattern or an array of patterns";
	const char *used;
	const cJSON *item = field(obj, NAMES("ignore_watch"), &used);
	const cJSON *el;
	struct strv s = { 0 };

	if (!item)
		return 0;
	if (cJSON_IsString(item)) {
		strv_push(&s, xstrdup(item->valuestring));
	} else if (cJSON_IsArray(item)) {
		cJSON_ArrayForEach(el, item) {
			if (!cJSON_IsString(el)) {
				pmc_strv_free(strv_finish(&s));
				return fail(cause, msg, used);
			}
			strv_push(&s, xstrdup(el->valuestring));
		}
	} else {
		return fail(cause, msg, used);
	}
	pmc_strv_free(def->ignore_watch);
	def->ignore_watch = strv_finish(&s);
	return 0;
}

/* cron_restart (PM2 alias cron): an expression; 0, "0", "" or false turn it off. */
static int get_cron(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	const char *used;
	const cJSON *item = field(obj, NAMES("cron_restart", "cron"), &used);
	struct pmc_cron cron;
	char *why = NULL;

	if (!item)
		return 0;
	free(def->cron_restart);
	def->cron_restart = NULL;
	if (cJSON_IsFalse(item) || (cJSON_IsNumber(item) && item->valuedouble == 0) ||
	    (cJSON_IsString(item) &&
	     (!*item->valuestring || strcmp(item->valuestring, "0") == 0)))
		return 0;
	if (!cJSON_IsString(item))
		return fail(cause, "%s must be a cron expression like \"0 3 * * *\"", used);
	if (pmc_cron_parse(item->valuestring, &cron, &why) < 0) {
		*cause = xasprintf("%s: %s", used, why);
		free(why);
		return -EINVAL;
	}
	def->cron_restart = xstrdup(item->valuestring);
	return 0;
}

static int get_triggers(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	int err = get_watch(obj, def, cause);

	if (err == 0)
		err = get_ignore_watch(obj, def, cause);
	if (err == 0)
		err = get_duration(obj, "watch_delay", &def->watch_delay, cause);
	if (err == 0)
		err = get_cron(obj, def, cause);
	return err;
}

static int get_rest(const cJSON *obj, struct pmc_app_def *def, char **cause)
{
	bool merge_given = false;
	int err;

	err = get_words(obj, NAMES("args"), &def->args, cause);
	/* Once resolved, exec_interpreter is what was chosen, not a user alias. */
	if (err == 0)
		err = get_string(obj,
				 def->resolved ? NAMES("interpreter")
					       : NAMES("interpreter", "exec_interpreter"),
				 &def->interpreter, cause);
	if (err == 0)
		err = get_words(obj, NAMES("interpreter_args", "node_args"), &def->interpreter_args,
				cause);
	if (err == 0)
		err = get_env(obj, "env", &def->env, cause);
	if (err == 0)
		err = get_env(obj, "env_inherit", &def->env_inherit, cause);
	if (err == 0)
		err = get_instances(obj, def, cause);
	if (err == 0 && field(obj, NAMES("merge_logs", "combine_logs"), &(const char *){ 0 }))
		merge_given = true;
	if (err == 0)
		err = get_bool(obj, NAMES("merge_logs", "combine_logs"), &def->merge_logs, cause);
	if (err == 0)
		err = get_string(obj, NAMES("out_file", "out", "output"), &def->out_file, cause);
	if (err == 0)
		err = get_string(obj, NAMES("error_file", "err_file", "error"), &def->err_file,
				 cause);
	if (err == 0)
		err = get_logs(obj, def, cause);
	if (err == 0)
		err = get_size(obj, "max_memory_restart", &def->max_memory_restart, cause);
	if (err == 0)
		err = get_kill_signal(obj, def, cause);
	if (err == 0)
		err = get_policy(obj, def, cause);
	if (err == 0)
		err = get_cluster(obj, def, cause);
	if (err == 0)
		err = get_triggers(obj, def, cause);
	if (err == 0 && !merge_given)
		def->merge_logs = def->instances == 1;
	return err;
}

/* Decode with PM2 field names and aliases; on error def is left empty. */
int pmc_app_def_from_json(const cJSON *json, struct pmc_app_def *def, char **cause)
{
	int err;

	memset(def, 0, sizeof *def);
	pmc_sup_policy_defaults(&def->policy);
	def->policy.stop_exit_codes = NULL;
	def->policy.n_stop_exit_codes = 0;
	def->instances = 1;
	def->kill_signal = xstrdup("SIGINT");
	def->log_max_size = -1;
	def->log_retain = -1;
	def->log_rotate_names = -1;
	def->log_compress = -1;
	if (!cJSON_IsObject(json)) {
		*cause = xstrdup("the app definition must be an object");
		err = -EINVAL;
		goto out;
	}
	err = get_identity(json, def, cause);
	if (err == 0)
		err = get_resolved(json, def, cause);
	if (err == 0)
		err = get_rest(json, def, cause);
out:
	if (err < 0) {
		pmc_app_def_free(def);
		return err;
	}
	if (!def->args)
		def->args = strv_finish(&(struct strv){ 0 });
	if (!def->interpreter_args)
		def->interpreter_args = strv_finish(&(struct strv){ 0 });
	if (!def->watch_paths)
		def->watch_paths = strv_finish(&(struct strv){ 0 });
	if (!def->ignore_watch)
		def->ignore_watch = strv_finish(&(struct strv){ 0 });
	if (!def->env)
		def->env = cJSON_CreateObject();
	if (!def->env_inherit)
		def->env_inherit = cJSON_CreateObject();
	return 0;
}

/* params.env and params.env_inherit of restart/reload, decoded as in a definition. */
int pmc_app_env_decode(const cJSON *params, cJSON **env, cJSON **env_inherit, char **cause)
{
	int err;

	*env = NULL;
	*env_inherit = NULL;
	err = get_env(params, "env", env, cause);
	if (err == 0)
		err = get_env(params, "env_inherit", env_inherit, cause);
	if (err < 0) {
		cJSON_Delete(*env);
		*env = NULL;
	}
	return err;
}

/* ---- Encoding ---------------------------------------------------------- */

static void add_strv(cJSON *obj, const char *key, char *const *v)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, key);

	for (size_t i = 0; v && v[i]; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
}

static void add_object(cJSON *obj, const char *key, const cJSON *src)
{
	cJSON_AddItemToObject(obj, key, src ? cJSON_Duplicate(src, true) : cJSON_CreateObject());
}

static void add_opt_string(cJSON *obj, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(obj, key, value);
}

/* Canonical field names only, so from_json reads it back unchanged. */
cJSON *pmc_app_def_to_json(const struct pmc_app_def *def)
{
	const struct pmc_sup_policy *p = &def->policy;
	cJSON *obj = cJSON_CreateObject();
	cJSON *codes;

	add_opt_string(obj, "name", def->name);
	add_opt_string(obj, "script", def->script);
	add_opt_string(obj, "cwd", def->cwd);
	add_strv(obj, "args", def->args);
	add_opt_string(obj, "interpreter", def->interpreter);
	add_strv(obj, "interpreter_args", def->interpreter_args);
	add_object(obj, "env", def->env);
	add_object(obj, "env_inherit", def->env_inherit);
	cJSON_AddNumberToObject(obj, "instances", def->instances);
	cJSON_AddBoolToObject(obj, "merge_logs", def->merge_logs);
	add_opt_string(obj, "out_file", def->out_file);
	add_opt_string(obj, "error_file", def->err_file);
	if (def->log_file_default)
		cJSON_AddTrueToObject(obj, "log_file");
	else
		add_opt_string(obj, "log_file", def->log_file);
	cJSON_AddBoolToObject(obj, "time", def->time);
	add_opt_string(obj, "log_date_format", def->log_date_format);
	cJSON_AddStringToObject(obj, "log_type", def->log_type ? def->log_type : "raw");
	if (def->log_max_size >= 0)
		cJSON_AddNumberToObject(obj, "log_max_size", (double)def->log_max_size);
	if (def->log_retain >= 0)
		cJSON_AddNumberToObject(obj, "log_retain", def->log_retain);
	if (def->log_rotate_names >= 0)
		cJSON_AddStringToObject(obj, "log_rotate_names",
					def->log_rotate_names ? "date" : "number");
	if (def->log_compress >= 0)
		cJSON_AddBoolToObject(obj, "log_compress", def->log_compress);
	if (def->max_memory_restart > 0)
		cJSON_AddNumberToObject(obj, "max_memory_restart", (double)def->max_memory_restart);
	add_opt_string(obj, "kill_signal", def->kill_signal);
	cJSON_AddBoolToObject(obj, "autorestart", p->autorestart);
	for (size_t i = 0; i < N_DURATIONS; i++) {
		const int64_t *slot = (const int64_t *)((const char *)p + duration_fields[i].offset);
		cJSON_AddNumberToObject(obj, duration_fields[i].name, (double)*slot);
	}
	cJSON_AddNumberToObject(obj, "max_restarts", p->max_restarts);
	codes = cJSON_AddArrayToObject(obj, "stop_exit_codes");
	for (size_t i = 0; i < p->n_stop_exit_codes; i++)
		cJSON_AddItemToArray(codes, cJSON_CreateNumber(p->stop_exit_codes[i]));
	cJSON_AddBoolToObject(obj, "wait_ready", def->ready_message);
	cJSON_AddStringToObject(obj, "exec_mode", def->cluster ? "cluster" : "fork");
	add_strv(obj, "listen", def->listen);
	if (def->port)
		cJSON_AddNumberToObject(obj, "port", def->port);
	add_opt_string(obj, "instance_var", def->instance_var);
	cJSON_AddBoolToObject(obj, "shutdown_with_message", def->shutdown_with_message);
	if (def->watch && def->watch_paths && def->watch_paths[0])
		add_strv(obj, "watch", def->watch_paths);
	else
		cJSON_AddBoolToObject(obj, "watch", def->watch);
	add_strv(obj, "ignore_watch", def->ignore_watch);
	cJSON_AddNumberToObject(obj, "watch_delay", (double)def->watch_delay);
	add_opt_string(obj, "cron_restart", def->cron_restart);
	cJSON_AddBoolToObject(obj, "resolved", def->resolved);
	if (def->resolved) {
		if (def->exec_path)
			cJSON_AddStringToObject(obj, "exec_path", def->exec_path);
		else
			cJSON_AddNullToObject(obj, "exec_path");
		add_opt_string(obj, "exec_interpreter", def->exec_interpreter);
		add_strv(obj, "argv", def->argv);
	}
	return obj;
}

static void clear_resolved(struct pmc_app_def *def)
{
	free(def->exec_path);
	free(def->exec_interpreter);
	pmc_strv_free(def->argv);
	def->exec_path = NULL;
	def->exec_interpreter = NULL;
	def->argv = NULL;
	def->resolved = false;
}

/* Frees every field and zeroes def. */
void pmc_app_def_free(struct pmc_app_def *def)
{
	if (!def)
		return;
	free(def->name);
	free(def->script);
	free(def->cwd);
	pmc_strv_free(def->args);
	free(def->interpreter);
	pmc_strv_free(def->interpreter_args);
	cJSON_Delete(def->env);
	cJSON_Delete(def->env_inherit);
	free(def->out_file);
	free(def->err_file);
	free(def->log_file);
	free(def->log_date_format);
	free(def->log_type);
	free(def->kill_signal);
	free(def->stop_exit_codes);
	pmc_strv_free(def->listen);
	free(def->instance_var);
	pmc_strv_free(def->watch_paths);
	pmc_strv_free(def->ignore_watch);
	free(def->cron_restart);
	clear_resolved(def);
	memset(def, 0, sizeof *def);
}

/* ---- Names ------------------------------------------------------------- */

/* Basename without extension (first word of a command), unsafe runs as "-". */
char *pmc_app_default_name(const char *script)
{
	return pmc_name_from_script(script);
}

/* ---- Resolving --------------------------------------------------------- */

static const struct {
	const char *ext;
	const char *interpreter;
} ext_interpreters[] = {
	{ ".js", "node" },     { ".mjs", "node" }, { ".cjs", "node" }, { ".py", "python3" },
	{ ".sh", "bash" },     { ".rb", "ruby" },  { ".pl", "perl" },  { ".php", "php" },
};

static const char *interpreter_for_ext(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot = strrchr(base ? base + 1 : path, '.');

	for (size_t i = 0; dot && i < sizeof ext_interpreters / sizeof ext_interpreters[0]; i++)
		if (strcmp(dot, ext_interpreters[i].ext) == 0)
			return ext_interpreters[i].interpreter;
	return NULL;
}

static const char *env_get(const cJSON *env, const char *key)
{
	const cJSON *item = env ? cJSON_GetObjectItemCaseSensitive(env, key) : NULL;

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const char *app_path_var(const struct pmc_app_def *def)
{
	const char *path = env_get(def->env, "PATH");

	if (!path)
		path = env_get(def->env_inherit, "PATH");
	return path ? path : DEFAULT_PATH;
}

/* Lexically clean an absolute path: no "//", "/./" or "dir/..". */
static char *path_normalize(const char *path)
{
	char *out = xmalloc(strlen(path) + 2);
	size_t n = 0;
	const char *p = path;

	while (*p) {
		const char *seg;
		size_t len;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, seg, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

static char *path_absolute(const char *cwd, const char *path)
{
	char *joined, *norm;

	if (path[0] == '/')
		return path_normalize(path);
	joined = xasprintf("%s/%s", cwd, path);
	norm = path_normalize(joined);
	free(joined);
	return norm;
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* A program name as execvp would find it in path_var (empty entries mean cwd). */
static char *find_program(const char *prog, const char *path_var, const char *cwd)
{
	const char *p = path_var;

	if (strchr(prog, '/')) {
		char *abs = path_absolute(cwd, prog);
		if (is_executable_file(abs))
			return abs;
		free(abs);
		return NULL;
	}
	while (p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *dir = len ? xstrndup(p, len) : xstrdup(cwd);
		char *cand = xasprintf("%s/%s", dir, prog);
		char *abs = path_absolute(cwd, cand);

		free(dir);
		free(cand);
		if (is_executable_file(abs))
			return abs;
		free(abs);
		p = colon ? colon + 1 : NULL;
	}
	return NULL;
}

/* "#!/usr/bin/env python3 -u" → "python3" + ["-u"]; "#!/bin/sh -e" → "/bin/sh" + ["-e"]. */
static bool read_shebang(const char *path, char **interp, char ***args)
{
	char buf[256], *nl, **words;
	const char *base;
	struct strv s = { 0 };
	size_t i = 1;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return false;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	words = split_words(buf + 2);
	if (!words[0]) {
		pmc_strv_free(words);
		return false;
	}
	base = strrchr(words[0], '/');
	if (strcmp(base ? base + 1 : words[0], "env") == 0) {
		while (words[i] && words[i][0] == '-')
			i++; /* env options such as -S */
		if (!words[i]) {
			pmc_strv_free(words);
			return false;
		}
		*interp = xstrdup(words[i++]);
		for (; words[i]; i++)
			strv_push(&s, xstrdup(words[i]));
	} else {
		/* Linux passes the rest of the line as one argument. */
		const char *rest = strstr(buf + 2, words[0]) + strlen(words[0]);
		while (isspace((unsigned char)*rest))
			rest++;
		*interp = xstrdup(words[0]);
		if (*rest) {
			char *arg = xstrdup(rest);
			size_t len = strlen(arg);
			while (len > 0 && isspace((unsigned char)arg[len - 1]))
				arg[--len] = '\0';
			strv_push(&s, arg);
		}
	}
	pmc_strv_free(words);
	*args = strv_finish(&s);
	return true;
}

static void push_all(struct strv *s, char *const *v)
{
	for (size_t i = 0; v && v[i]; i++)
		strv_push(s, xstrdup(v[i]));
}

/* Run the file `path` (absolute, exists, not a directory). */
static int resolve_file(struct pmc_app_def *def, const char *path, char **cause)
{
	const char *interp = def->interpreter;
	char *shebang = NULL, **shebang_args = NULL, *found;
	struct strv argv = { 0 };
	int err = 0;

	if (!interp) {
		interp = interpreter_for_ext(path);
		if (!interp && access(path, X_OK) != 0 &&
		    read_shebang(path, &shebang, &shebang_args))
			interp = shebang;
	}
	if (!interp || strcmp(interp, "none") == 0) {
		if (access(path, X_OK) != 0) {
			*cause = xasprintf("%s is not executable", path);
			err = -EACCES;
			goto out;
		}
		strv_push(&argv, xstrdup(path));
		def->exec_interpreter = xstrdup("none");
	} else {
		found = find_program(interp, app_path_var(def), def->cwd);
		if (!found) {
			*cause = xasprintf("interpreter '%s' not found in PATH", interp);
			err = -ENOENT;
			goto out;
		}
		free(found);
		strv_push(&argv, xstrdup(interp));
		push_all(&argv, shebang_args);
		push_all(&argv, def->interpreter_args);
		strv_push(&argv, xstrdup(path));
		def->exec_interpreter = xstrdup(interp);
	}
	push_all(&argv, def->args);
	def->exec_path = xstrdup(path);
	def->argv = strv_finish(&argv);
	def->resolved = true;
out:
	if (err < 0)
		pmc_strv_free(strv_finish(&argv));
	free(shebang);
	pmc_strv_free(shebang_args);
	return err;
}

/* 'it'\''s' */
static void append_quoted(char **cmd, const char *arg)
{
	size_t len = strlen(*cmd), extra = 3;
	char *out, *o;

	for (const char *p = arg; *p; p++)
		extra += *p == '\'' ? 4 : 1;
	out = xrealloc(*cmd, len + extra + 1);
	o = out + len;
	*o++ = ' ';
	*o++ = '\'';
	for (const char *p = arg; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	*cmd = out;
}

/* A command with spaces runs under sh -c; args are appended, quoted. */
static void resolve_command(struct pmc_app_def *def)
{
	struct strv argv = { 0 };
	char *cmd = xstrdup(def->script);
	char *sh = find_program("sh", app_path_var(def), def->cwd);

	for (size_t i = 0; def->args && def->args[i]; i++)
		append_quoted(&cmd, def->args[i]);
	strv_push(&argv, xstrdup(sh ? "sh" : "/bin/sh"));
	strv_push(&argv, xstrdup("-c"));
	strv_push(&argv, cmd);
	free(sh);
	def->exec_path = NULL;
	def->exec_interpreter = xstrdup("sh");
	def->argv = strv_finish(&argv);
	def->resolved = true;
}

/* A file first, then a command with spaces, then a bare word in PATH. */
int pmc_app_resolve(struct pmc_app_def *def, char **cause)
{
	char *abs = path_absolute(def->cwd, def->script);
	char *found = NULL;
	struct stat st;
	int err = 0;

	clear_resolved(def);
	if (stat(abs, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*cause = xasprintf("%s is a directory", abs);
			err = -EISDIR;
			goto out;
		}
		err = resolve_file(def, abs, cause);
	} else if (errno != ENOENT && errno != ENOTDIR) {
		err = -errno;
		*cause = xasprintf("cannot access %s: %s", abs, strerror(errno));
	} else if (strpbrk(def->script, " \t")) {
		resolve_command(def);
	} else if (!strchr(def->script, '/') &&
		   (found = find_program(def->script, app_path_var(def), def->cwd))) {
		err = resolve_file(def, found, cause);
	} else {
		*cause = xasprintf("script not found: %s", abs);
		err = -ENOENT;
	}
out:
	if (err < 0)
		clear_resolved(def);
	free(found);
	free(abs);
	return err;
}

/* ---- Environment ------------------------------------------------------- */

/*
 * Inherited variables that name the CLI's own fds or sockets: in the app
 * they would point at nothing, or at the wrong unit (NODE_CHANNEL_FD for a
 * closed fd crashes Node on the first process.send).
 */
static const char *const not_inherited[] = {
	"LISTEN_FDS",	   "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET",
	"NODE_CHANNEL_FD", "NODE_CHANNEL_SERIALIZATION_MODE",
};

static bool inheritable(const char *key)
{
	for (size_t i = 0; i < sizeof not_inherited / sizeof not_inherited[0]; i++)
		if (strcmp(key, not_inherited[i]) == 0)
			return false;
	return true;
}

/* Set KEY=VALUE, replacing an earlier entry for KEY in place. */
static void env_set(struct strv *s, const char *key, const char *value)
{
	size_t klen = strlen(key);

	if (!klen || strchr(key, '='))
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (strncmp(s->v[i], key, klen) == 0 && s->v[i][klen] == '=') {
			free(s->v[i]);
			s->v[i] = xasprintf("%s=%s", key, value);
			return;
		}
	}
	strv_push(s, xasprintf("%s=%s", key, value));
}

static bool env_has(const struct strv *s, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->v[i], key, klen) == 0 && s->v[i][klen] == '=')
			return true;
	return false;
}

static void env_merge(struct strv *s, const cJSON *env, bool inherited)
{
	const cJSON *el;

	cJSON_ArrayForEach(el, env) {
		if (!cJSON_IsString(el) || (inherited && !inheritable(el->string)))
			continue;
		env_set(s, el->string, el->valuestring);
	}
}

static bool runs_python(const struct pmc_app_def *def)
{
	const char *interp = def->exec_interpreter;
	const char *base;

	if (!interp || strcmp(interp, "none") == 0)
		interp = def->interpreter;
	if (!interp)
		interp = interpreter_for_ext(def->script);
	if (!interp)
		return false;
	base = strrchr(interp, '/');
	return strncmp(base ? base + 1 : interp, "python", 6) == 0;
}

/* Later entries replace earlier ones in place: one entry per key. */
char **pmc_app_envp(const struct pmc_app_def *def, int pm_id, int index)
{
	struct strv s = { 0 };
	char id[16], idx[16];

	snprintf(id, sizeof id, "%d", pm_id);
	snprintf(idx, sizeof idx, "%d", index);
	env_merge(&s, def->env_inherit, true);
	env_merge(&s, def->env, false);
	env_set(&s, "PMC_ID", id);
	env_set(&s, "pm_id", id);
	env_set(&s, "PMC_INSTANCE", idx);
	env_set(&s, def->instance_var ? def->instance_var : "NODE_APP_INSTANCE", idx);
	env_set(&s, "name", def->name);
	if (def->port > 0) {
		char port[16];
		snprintf(port, sizeof port, "%d", def->port);
		env_set(&s, "PORT", port);
	}
	/* As PM2: Python block-buffers a pipe, so logs would arrive late. */
	if (runs_python(def) && !env_has(&s, "PYTHONUNBUFFERED"))
		env_set(&s, "PYTHONUNBUFFERED", "1");
	return strv_finish(&s);
}

/* ---- Logs -------------------------------------------------------------- */

/* "out.log" → "out-3.log"; "out" → "out-3". */
static char *with_id(char *path, int pm_id)
{
	size_t len = strlen(path);
	const char *slash = strrchr(path, '/');
	char *out;

	if (len > 4 && strcmp(path + len - 4, ".log") == 0 && path + len - 4 > slash + 1)
		out = xasprintf("%.*s-%d.log", (int)(len - 4), path, pm_id);
	else
		out = xasprintf("%s-%d", path, pm_id);
	free(path);
	return out;
}

/* "/dev/null" and "NULL" mean no file. */
static bool discarded(const char *file)
{
	return file && (strcmp(file, "/dev/null") == 0 || strcmp(file, "NULL") == 0);
}

/* Relative files resolve against cwd, "~/" against HOME; -ID when not merged. */
static char *resolve_log(const struct pmc_app_def *def, const char *file, char *fallback,
			 int pm_id)
{
	const char *home = getenv("HOME");
	char *path;

	if (!file)
		path = fallback;
	else if (file[0] == '~' && file[1] == '/' && home && home[0] == '/')
		path = path_absolute(home, file + 2);
	else
		path = path_absolute(def->cwd, file);
	if (path != fallback)
		free(fallback);
	if (def->instances > 1 && !def->merge_logs)
		path = with_id(path, pm_id);
	return path;
}

char *pmc_app_log_path(const struct pmc_app_def *def, const char *logs_dir, bool err, int pm_id)
{
	const char *file = err ? def->err_file : def->out_file;

	if (discarded(file))
		return NULL;
	return resolve_log(def, file,
			   xasprintf("%s/%s-%s.log", logs_dir, def->name, err ? "error" : "out"),
			   pm_id);
}

char *pmc_app_combined_log_path(const struct pmc_app_def *def, const char *logs_dir, int pm_id)
{
	if (def->log_file_default)
		return resolve_log(def, NULL, xasprintf("%s/%s.log", logs_dir, def->name), pm_id);
	if (!def->log_file || discarded(def->log_file))
		return NULL;
	return resolve_log(def, def->log_file, NULL, pm_id);
}
