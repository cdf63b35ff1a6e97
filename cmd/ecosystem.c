/* SPDX-License-Identifier: MIT */
/* Ecosystem files: check PM2's apps[] fields and turn each app into a start definition. */
#include "ecosystem.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "duration.h"
#include "name.h"
#include "xmalloc.h"

enum kind {
	F_STRING,  /* a non-empty string */
	F_NAME,    /* an app name */
	F_WORDS,   /* an array of strings, or a string split shell-style */
	F_STRINGS, /* an array of strings, or one string */
	F_BOOL,
	F_COUNT,        /* an integer >= 0 */
	F_INSTANCES,    /* an integer, or "max" */
	F_EXEC_MODE,    /* fork[_mode] or cluster[_mode] */
	F_ENV,          /* an object; values become strings */
	F_DURATION,     /* ms, or a string with a unit */
	F_SIZE,         /* bytes, or a string with a unit */
	F_CODES,        /* an integer or an array of integers */
	F_PATH,         /* a path, resolved against the app's cwd */
	F_LOG_FILE,     /* true, false or a path */
	F_WATCH,        /* true, false, a path or an array of paths */
	F_PORT,         /* 1..65535, also as a string of digits */
	F_CRON,         /* a pattern; false or 0: none */
	F_LOG_TYPE,     /* json or raw */
	F_ROTATE,       /* number or date */
	F_ENV_NAME,     /* an environment variable name */
	F_DISABLE_LOGS, /* true: out and error to /dev/null */
	F_UNSUPPORTED,  /* a PM2 field pmc has no use for: warned about, ignored */
};

/* Fields of an app, PM2 names first, then aliases. */
struct field {
	const char *name;
	enum kind kind;
	const char *aliases[4];
};

static const struct field fields[] = {
    {"name", F_NAME, {0}},
    {"script", F_STRING, {"exec", "cmd", "command"}},
    {"args", F_WORDS, {0}},
    {"interpreter", F_STRING, {"exec_interpreter"}},
    {"interpreter_args", F_WORDS, {"node_args"}},
    {"cwd", F_PATH, {0}},
    {"instances", F_INSTANCES, {0}},
    {"exec_mode", F_EXEC_MODE, {0}},
    {"env", F_ENV, {0}},
    {"watch", F_WATCH, {0}},
    {"ignore_watch", F_STRINGS, {0}},
    {"watch_delay", F_DURATION, {0}},
    {"max_memory_restart", F_SIZE, {0}},
    {"cron_restart", F_CRON, {"cron"}},
    {"autorestart", F_BOOL, {0}},
    {"min_uptime", F_DURATION, {0}},
    {"max_restarts", F_COUNT, {0}},
    {"restart_delay", F_DURATION, {0}},
    {"exp_backoff_restart_delay", F_DURATION, {0}},
    {"kill_timeout", F_DURATION, {0}},
    {"kill_signal", F_STRING, {0}},
    {"wait_ready", F_BOOL, {0}},
    {"listen_timeout", F_DURATION, {0}},
    {"shutdown_with_message", F_BOOL, {0}},
    {"stop_exit_codes", F_CODES, {0}},
    {"merge_logs", F_BOOL, {"combine_logs"}},
    {"out_file", F_PATH, {"out", "output", "out_log"}},
    {"error_file", F_PATH, {"error", "err", "err_file", "err_log"}},
    {"log_file", F_LOG_FILE, {"log"}},
    {"log_date_format", F_STRING, {0}},
    {"time", F_BOOL, {0}},
    {"log_type", F_LOG_TYPE, {0}},
    {"disable_logs", F_DISABLE_LOGS, {0}},
    {"port", F_PORT, {0}},
    {"listen", F_STRINGS, {0}},
    {"instance_var", F_ENV_NAME, {0}},
    {"log_max_size", F_SIZE, {0}},
    {"log_retain", F_COUNT, {0}},
    {"log_rotate_names", F_ROTATE, {0}},
    {"log_compress", F_BOOL, {0}},
    /* PM2's, without a meaning in pmc. */
    {"namespace", F_UNSUPPORTED, {0}},
    {"autostart", F_UNSUPPORTED, {0}},
    {"treekill", F_UNSUPPORTED, {0}},
    {"filter_env", F_UNSUPPORTED, {0}},
    {"increment_var", F_UNSUPPORTED, {0}},
    {"append_env_to_name", F_UNSUPPORTED, {0}},
    {"name_prefix", F_UNSUPPORTED, {0}},
    {"uid", F_UNSUPPORTED, {"user", "gid", "username"}},
    {"pid_file", F_UNSUPPORTED, {"pid"}},
    {"kill_retry_time", F_UNSUPPORTED, {0}},
    {"watch_options", F_UNSUPPORTED, {0}},
    {"force", F_UNSUPPORTED, {"execute_command"}},
    {"vizion", F_UNSUPPORTED, {"pmx", "automation", "post_update"}},
    {"trace", F_UNSUPPORTED, {"disable_trace", "v8", "event_loop_inspector"}},
    {"deep_monitoring", F_UNSUPPORTED, {"io", "install_url", "windowsHide"}},
    {"source_map_support", F_UNSUPPORTED, {"disable_source_map_support", "write"}},
};

#define N_FIELDS (sizeof fields / sizeof fields[0])

static const struct field *field_find(const char *key)
{
	size_t i, k;

	for (i = 0; i < N_FIELDS; i++) {
		if (strcmp(fields[i].name, key) == 0)
			return &fields[i];
		for (k = 0; k < 4 && fields[i].aliases[k]; k++)
			if (strcmp(fields[i].aliases[k], key) == 0)
				return &fields[i];
	}
	return NULL;
}

/* PM2 also takes every field in camelCase: maxMemoryRestart → max_memory_restart. */
static char *snake_case(const char *key)
{
	size_t n = 0, len = strlen(key);
	char *out = xmalloc(len * 2 + 1);

	for (const char *p = key; *p; p++) {
		if (isupper((unsigned char)*p)) {
			if (n > 0)
				out[n++] = '_';
			out[n++] = (char)tolower((unsigned char)*p);
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return out;
}

/* ---- Reporting ---------------------------------------------------------- */

/* Errors and warnings as they pile up. */
struct report {
	char *errors;
	size_t n_errors;
	char **warnings;
	size_t n_warnings;
	const char *file; /* base name, leads every line */
};

static void report_error(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_error(struct report *r, const char *fmt, ...)
{
	va_list ap;
	char *line, *all;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	all = r->errors ? xasprintf("%s\n%s: %s", r->errors, r->file, line)
	                : xasprintf("%s: %s", r->file, line);
	free(r->errors);
	free(line);
	r->errors = all;
	r->n_errors++;
}

static void report_warning(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_warning(struct report *r, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	r->warnings = xrealloc(r->warnings, (r->n_warnings + 1) * sizeof *r->warnings);
	r->warnings[r->n_warnings++] = xasprintf("%s: %s", r->file, line);
	free(line);
}

/* ---- Values ------------------------------------------------------------- */

cJSON *pmc_eco_split_words(const char *text)
{
	cJSON *words = cJSON_CreateArray();
	size_t len = strlen(text), n;
	char *word = xmalloc(len + 1);
	const char *p = text;
	bool in_word = false;

	while (*p) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		n = 0;
		in_word = true;
		while (*p && !isspace((unsigned char)*p)) {
			char q = *p;
			if (q == '\'' || q == '"') {
				p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1] &&
					    strchr("\"\\$`", p[1]))
						p++;
					word[n++] = *p++;
				}
				if (!*p)
					goto unterminated;
				p++;
			} else if (q == '\\' && p[1]) {
				word[n++] = p[1];
				p += 2;
			} else {
				word[n++] = *p++;
			}
		}
		word[n] = '\0';
		cJSON_AddItemToArray(words, cJSON_CreateString(word));
		in_word = false;
	}
	(void)in_word;
	free(word);
	return words;
unterminated:
	free(word);
	cJSON_Delete(words);
	return NULL;
}

static bool is_int(const cJSON *v, double min, double max)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	       v->valuedouble == floor(v->valuedouble) && v->valuedouble >= min &&
	       v->valuedouble <= max;
}

/* An env value as PM2 passes it: strings as they are, numbers and booleans as
 * text, objects and arrays as JSON. NULL for null. */
static char *env_value(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e15)
			return xasprintf("%lld", (long long)d);
		return xasprintf("%.15g", d);
	}
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		return cJSON_PrintUnformatted(v);
	return NULL;
}

/* An env object as an object of strings, or NULL with *why. */
static cJSON *env_object(const cJSON *v, char **why)
{
	const cJSON *el;
	cJSON *env;

	if (!cJSON_IsObject(v)) {
		*why = xstrdup("must be an object of variables");
		return NULL;
	}
	env = cJSON_CreateObject();
	cJSON_ArrayForEach(el, v)
	{
		char *value = env_value(el);
		if (!value) {
			*why = xasprintf("variable '%s' must be a string, a number or a boolean",
			                 el->string);
			cJSON_Delete(env);
			return NULL;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(env, el->string);
		cJSON_AddStringToObject(env, el->string, value);
		free(value);
	}
	return env;
}

/* later's variables over base's (both objects of strings). */
static void env_merge(cJSON *base, const cJSON *later)
{
	const cJSON *el;

	cJSON_ArrayForEach(el, later)
	{
		cJSON_DeleteItemFromObjectCaseSensitive(base, el->string);
		cJSON_AddItemToObject(base, el->string, cJSON_Duplicate(el, true));
	}
}

static bool env_name_valid(const char *name)
{
	if (!*name || isdigit((unsigned char)name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static cJSON *strings_of(const cJSON *v, bool allow_one)
{
	const cJSON *el;
	cJSON *out;

	if (allow_one && cJSON_IsString(v)) {
		out = cJSON_CreateArray();
		cJSON_AddItemToArray(out, cJSON_CreateString(v->valuestring));
		return out;
	}
	if (!cJSON_IsArray(v))
		return NULL;
	cJSON_ArrayForEach(el, v)
	{
		if (!cJSON_IsString(el))
			return NULL;
	}
	return cJSON_Duplicate(v, true);
}

/*
 * The value for one field, in the form the daemon takes: numbers for durations
 * and sizes, arrays for lists. NULL with *why for a wrong type or value; *omit
 * for a value that means "not set" (cron_restart: false).
 */
static cJSON *convert(const struct field *f, const cJSON *v, bool *omit, char **why)
{
	int64_t n;
	cJSON *out;

	*omit = false;
	switch (f->kind) {
	case F_STRING:
	case F_NAME:
		if (!cJSON_IsString(v) || !*v->valuestring) {
			*why = xstrdup("must be a non-empty string");
			return NULL;
		}
		if (f->kind == F_NAME && !pmc_name_valid(v->valuestring)) {
			*why = xasprintf(
			    "'%s' is not a valid app name (use 1-64 of A-Z a-z 0-9 . _ -, "
			    "not starting with '.')",
			    v->valuestring);
			return NULL;
		}
		return cJSON_CreateString(v->valuestring);
	case F_WORDS:
		if (cJSON_IsString(v)) {
			out = pmc_eco_split_words(v->valuestring);
			if (!out)
				*why = xstrdup("has an unterminated quote");
			return out;
		}
		out = strings_of(v, false);
		if (!out)
			*why = xstrdup("must be a string or an array of strings");
		return out;
	case F_STRINGS:
		out = strings_of(v, true);
		if (!out)
			*why = xstrdup("must be a string or an array of strings");
		return out;
	case F_BOOL:
		if (!cJSON_IsBool(v)) {
			*why = xstrdup("must be true or false");
			return NULL;
		}
		return cJSON_CreateBool(cJSON_IsTrue(v));
	case F_DISABLE_LOGS:
		if (!cJSON_IsBool(v)) {
			*why = xstrdup("must be true or false");
			return NULL;
		}
		*omit = !cJSON_IsTrue(v);
		return cJSON_CreateTrue();
	case F_COUNT:
		if (!is_int(v, 0, 2147483647)) {
			*why = xstrdup("must be a whole number >= 0");
			return NULL;
		}
		return cJSON_CreateNumber(v->valuedouble);
	case F_INSTANCES:
		if (cJSON_IsString(v) && strcmp(v->valuestring, "max") == 0)
			return cJSON_CreateString("max");
		/* process.env.N || 2 in a JS file gives a string. */
		if (cJSON_IsString(v) && *v->valuestring) {
			char *end;
			long long n = strtoll(v->valuestring, &end, 10);
			if (!*end && !isspace((unsigned char)*v->valuestring) && n >= -4096 &&
			    n <= 4096)
				return cJSON_CreateNumber((double)n);
		}
		if (!is_int(v, -4096, 4096)) {
			*why = xstrdup("must be a number of at most 4096, \"max\", 0 or -N");
			return NULL;
		}
		return cJSON_CreateNumber(v->valuedouble);
	case F_EXEC_MODE:
		if (cJSON_IsString(v) && (strcmp(v->valuestring, "fork") == 0 ||
		                          strcmp(v->valuestring, "fork_mode") == 0))
			return cJSON_CreateString("fork");
		if (cJSON_IsString(v) && (strcmp(v->valuestring, "cluster") == 0 ||
		                          strcmp(v->valuestring, "cluster_mode") == 0))
			return cJSON_CreateString("cluster");
		*why = xstrdup("must be \"fork\" or \"cluster\"");
		return NULL;
	case F_ENV:
		return env_object(v, why);
	case F_DURATION:
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 &&
		    v->valuedouble <= 9e15)
			return cJSON_CreateNumber(floor(v->valuedouble));
		if (cJSON_IsString(v) && pmc_duration_parse(v->valuestring, &n) == 0)
			return cJSON_CreateNumber((double)n);
		*why = xstrdup("must be a duration: milliseconds, or a string like \"1500ms\", "
		               "\"2s\", \"1m\", \"1h\"");
		return NULL;
	case F_SIZE:
		if (is_int(v, 0, 9e15))
			return cJSON_CreateNumber(v->valuedouble);
		if (cJSON_IsString(v) && pmc_size_parse(v->valuestring, &n) == 0)
			return cJSON_CreateNumber((double)n);
		*why =
		    xstrdup("must be a size: bytes, or a string like \"512K\", \"200M\", \"1G\"");
		return NULL;
	case F_CODES: {
		const cJSON *el;
		if (is_int(v, -2147483648.0, 2147483647)) {
			out = cJSON_CreateArray();
			cJSON_AddItemToArray(out, cJSON_CreateNumber(v->valuedouble));
			return out;
		}
		if (cJSON_IsArray(v)) {
			cJSON_ArrayForEach(el, v)
			{
				if (!is_int(el, -2147483648.0, 2147483647))
					break;
			}
			if (!el)
				return cJSON_Duplicate(v, true);
		}
		*why = xstrdup("must be an exit code or an array of exit codes");
		return NULL;
	}
	case F_PATH:
		if (!cJSON_IsString(v) || !*v->valuestring) {
			*why = xstrdup("must be a path");
			return NULL;
		}
		return cJSON_CreateString(v->valuestring);
	case F_LOG_FILE:
		if (cJSON_IsBool(v))
			return cJSON_CreateBool(cJSON_IsTrue(v));
		if (cJSON_IsString(v) && *v->valuestring)
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be true, false or a path");
		return NULL;
	case F_WATCH:
		if (cJSON_IsBool(v))
			return cJSON_CreateBool(cJSON_IsTrue(v));
		out = strings_of(v, true);
		if (!out)
			*why = xstrdup("must be true, false, a path or an array of paths");
		return out;
	case F_PORT:
		if (cJSON_IsString(v) && *v->valuestring &&
		    strspn(v->valuestring, "0123456789") == strlen(v->valuestring) &&
		    strlen(v->valuestring) <= 5) {
			long p = strtol(v->valuestring, NULL, 10);
			if (p >= 1 && p <= 65535)
				return cJSON_CreateNumber((double)p);
		}
		if (is_int(v, 1, 65535))
			return cJSON_CreateNumber(v->valuedouble);
		*why = xstrdup("must be a TCP port (1-65535)");
		return NULL;
	case F_CRON:
		if (cJSON_IsFalse(v) || (cJSON_IsNumber(v) && v->valuedouble == 0)) {
			*omit = true;
			return cJSON_CreateFalse();
		}
		if (cJSON_IsString(v) && *v->valuestring)
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be a cron pattern like \"0 3 * * *\" (false or 0: none)");
		return NULL;
	case F_LOG_TYPE:
		if (cJSON_IsString(v) &&
		    (strcmp(v->valuestring, "json") == 0 || strcmp(v->valuestring, "raw") == 0))
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be \"json\" or \"raw\"");
		return NULL;
	case F_ROTATE:
		if (cJSON_IsString(v) &&
		    (strcmp(v->valuestring, "number") == 0 || strcmp(v->valuestring, "date") == 0))
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be \"number\" or \"date\"");
		return NULL;
	case F_ENV_NAME:
		if (cJSON_IsString(v) && env_name_valid(v->valuestring))
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be an environment variable name");
		return NULL;
	case F_UNSUPPORTED:
		break;
	}
	*omit = true;
	return cJSON_CreateNull();
}

/* ---- Paths -------------------------------------------------------------- */

/* "/a/./b//../c" → "/a/c", lexically (as node's path.resolve). */
static char *path_normalize(const char *path)
{
	size_t len = strlen(path), n = 0;
	char *out = xmalloc(len + 2);
	const char *p = path;

	while (*p) {
		size_t seg;

		while (*p == '/')
			p++;
		seg = strcspn(p, "/");
		if (seg == 0)
			break;
		if (seg == 1 && p[0] == '.') {
			/* nothing */
		} else if (seg == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			out[n++] = '/';
			memcpy(out + n, p, seg);
			n += seg;
		}
		p += seg;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* path made absolute against dir (itself absolute), normalized. */
static char *path_join(const char *dir, const char *path)
{
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", dir, path);
	char *out = path_normalize(joined);

	free(joined);
	return out;
}

/* "~/x" → $HOME/x, as PM2 does for paths in a file. */
static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && (path[1] == '/' || !path[1]) && home && *home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

static void resolve_path_member(cJSON *def, const char *key, const char *cwd)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(def, key);
	char *home, *abs;

	if (!cJSON_IsString(v))
		return;
	/* No file at all: kept as it is, whatever the folder. */
	if (strcmp(v->valuestring, "NULL") == 0 || strcmp(v->valuestring, "/dev/null") == 0)
		return;
	home = expand_home(v->valuestring);
	abs = path_join(cwd, home);
	cJSON_ReplaceItemInObjectCaseSensitive(def, key, cJSON_CreateString(abs));
	free(abs);
	free(home);
}

/*
 * A script that names a file relative to the app's cwd becomes absolute; a
 * bare program name (looked up in PATH) and a command line stay as they are.
 */
static void resolve_script(cJSON *def, const char *cwd)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(def, "script");
	const char *s = cJSON_GetStringValue(v);
	struct stat st;
	char *home, *abs;

	if (!s || strpbrk(s, " \t"))
		return;
	home = expand_home(s);
	abs = path_join(cwd, home);
	if (home[0] == '/' || strchr(home, '/') || stat(abs, &st) == 0)
		cJSON_ReplaceItemInObjectCaseSensitive(def, "script", cJSON_CreateString(abs));
	free(abs);
	free(home);
}

static void resolve_watch(cJSON *def, const char *cwd)
{
	cJSON *watch = cJSON_GetObjectItemCaseSensitive(def, "watch");
	cJSON *el;

	if (!cJSON_IsArray(watch))
		return;
	cJSON_ArrayForEach(el, watch)
	{
		char *home = expand_home(el->valuestring);
		char *abs = path_join(cwd, home);
		cJSON_SetValuestring(el, abs);
		free(abs);
		free(home);
	}
}

/* ---- Apps --------------------------------------------------------------- */

/* "app 'api'" or "apps[2]" for messages. */
static char *app_label(const cJSON *app, size_t index)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app, "name"));
	const char *script = NULL;
	char *derived, *label;

	if (name && *name)
		return xasprintf("app '%s'", name);
	for (size_t k = 0; !script && k < 4; k++) {
		static const char *const keys[] = {"script", "exec", "cmd", "command"};
		script = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app, keys[k]));
	}
	if (!script || !*script)
		return xasprintf("apps[%zu]", index);
	derived = pmc_name_from_script(script);
	label = xasprintf("app '%s'", derived);
	free(derived);
	return label;
}

/* What parse_app needs besides the app itself. */
struct context {
	const char *dir;
	const char *profile;
	const cJSON *deploy_env; /* deploy[profile].env, or NULL */
	struct report *report;
};

/* One member of an app: into def, or a warning, or an error. */
static void parse_member(const struct context *c, const char *label, const cJSON *m, cJSON *def,
                         cJSON **profile_env, const char **given_as)
{
	const struct field *f = field_find(m->string);
	char *snake = NULL, *why = NULL;
	cJSON *value;
	bool omit;

	if (strncmp(m->string, "env_", 4) == 0 && m->string[4]) {
		/* env_<profile>: checked whether chosen or not. */
		value = env_object(m, &why);
		if (!value) {
			report_error(c->report, "%s: %s %s", label, m->string, why);
			free(why);
		} else if (c->profile && strcmp(m->string + 4, c->profile) == 0) {
			cJSON_Delete(*profile_env);
			*profile_env = value;
		} else {
			cJSON_Delete(value);
		}
		return;
	}
	if (!f) {
		snake = snake_case(m->string);
		f = field_find(snake);
	}
	if (!f) {
		report_warning(c->report, "%s: unknown field '%s' (ignored)", label, m->string);
		goto out;
	}
	if (f->kind == F_UNSUPPORTED) {
		report_warning(c->report, "%s: field '%s' is not supported by pmc (ignored)", label,
		               m->string);
		goto out;
	}
	if (given_as[f - fields]) {
		report_error(c->report, "%s: '%s' and '%s' set the same field", label,
		             given_as[f - fields], m->string);
		goto out;
	}
	given_as[f - fields] = m->string;
	if (cJSON_IsNull(m))
		goto out; /* null: unset, as PM2 */
	value = convert(f, m, &omit, &why);
	if (!value) {
		report_error(c->report, "%s: %s %s", label, m->string, why);
		free(why);
		goto out;
	}
	if (f->kind == F_DISABLE_LOGS) {
		cJSON_Delete(value);
		if (!omit) {
			cJSON_AddStringToObject(def, "disable_logs", "/dev/null");
		}
		goto out;
	}
	if (omit)
		cJSON_Delete(value);
	else
		cJSON_AddItemToObject(def, f->name, value);
out:
	free(snake);
}

/* The definition of one app, or NULL after reporting why. */
static cJSON *parse_app(const struct context *c, const cJSON *app, size_t index, char **name_out)
{
	const char *given_as[N_FIELDS] = {0};
	cJSON *def = cJSON_CreateObject(), *profile_env = NULL, *env;
	char *label = app_label(app, index), *cwd;
	size_t errors_before = c->report->n_errors;
	const cJSON *m;
	const char *script;

	*name_out = NULL;
	if (!cJSON_IsObject(app)) {
		report_error(c->report, "apps[%zu] must be an object", index);
		goto fail;
	}
	cJSON_ArrayForEach(m, app)
	{
		parse_member(c, label, m, def, &profile_env, given_as);
	}
	script = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(def, "script"));
	if (!script && !given_as[1])
		report_error(c->report, "%s: script is required", label);
	if (c->report->n_errors > errors_before)
		goto fail;

	/* env < env_<profile>, with deploy[profile].env below both (as PM2). */
	env = cJSON_CreateObject();
	if (c->deploy_env)
		env_merge(env, c->deploy_env);
	env_merge(env, cJSON_GetObjectItemCaseSensitive(def, "env"));
	if (profile_env)
		env_merge(env, profile_env);
	else if (c->profile && !c->deploy_env)
		report_warning(c->report, "%s: no env_%s (only env is used)", label, c->profile);
	cJSON_DeleteItemFromObjectCaseSensitive(def, "env");
	cJSON_AddItemToObject(def, "env", env);

	/* The app's folder anchors every other relative path. */
	m = cJSON_GetObjectItemCaseSensitive(def, "cwd");
	if (m) {
		char *home = expand_home(m->valuestring);
		cwd = path_join(c->dir, home);
		free(home);
	} else {
		cwd = xstrdup(c->dir);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(def, "cwd");
	cJSON_AddStringToObject(def, "cwd", cwd);
	resolve_script(def, cwd);
	resolve_path_member(def, "out_file", cwd);
	resolve_path_member(def, "error_file", cwd);
	resolve_path_member(def, "log_file", cwd);
	resolve_watch(def, cwd);
	free(cwd);

	/* disable_logs: both streams to /dev/null unless a file is named. */
	if (cJSON_GetObjectItemCaseSensitive(def, "disable_logs")) {
		cJSON_DeleteItemFromObjectCaseSensitive(def, "disable_logs");
		if (!cJSON_GetObjectItemCaseSensitive(def, "out_file"))
			cJSON_AddStringToObject(def, "out_file", "/dev/null");
		if (!cJSON_GetObjectItemCaseSensitive(def, "error_file"))
			cJSON_AddStringToObject(def, "error_file", "/dev/null");
	}
	/* As on the command line: instances or sockets to share mean cluster mode. */
	if (!cJSON_GetObjectItemCaseSensitive(def, "exec_mode") &&
	    (cJSON_GetObjectItemCaseSensitive(def, "instances") ||
	     cJSON_GetObjectItemCaseSensitive(def, "port") ||
	     cJSON_GetObjectItemCaseSensitive(def, "listen")))
		cJSON_AddStringToObject(def, "exec_mode", "cluster");

	m = cJSON_GetObjectItemCaseSensitive(def, "name");
	if (m) {
		*name_out = xstrdup(m->valuestring);
	} else {
		*name_out = pmc_name_from_script(
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(def, "script")));
		cJSON_AddStringToObject(def, "name", *name_out);
	}
	cJSON_Delete(profile_env);
	free(label);
	return def;
fail:
	cJSON_Delete(profile_env);
	cJSON_Delete(def);
	free(label);
	return NULL;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The apps array of the top-level value, or NULL after reporting why. */
static const cJSON *apps_of(const cJSON *root, cJSON **single, struct report *r,
                            const cJSON **deploy)
{
	const cJSON *apps, *m;

	*single = NULL;
	*deploy = NULL;
	if (cJSON_IsArray(root))
		return root;
	if (!cJSON_IsObject(root)) {
		report_error(r,
		             "the file must hold {\"apps\": [...]}, an array of apps or one app");
		return NULL;
	}
	apps = cJSON_GetObjectItemCaseSensitive(root, "apps");
	if (!apps) {
		/* One app on its own, as PM2 takes it. */
		*single = cJSON_CreateArray();
		cJSON_AddItemReferenceToArray(*single, (cJSON *)root);
		return *single;
	}
	if (!cJSON_IsArray(apps)) {
		report_error(r, "apps must be an array of apps");
		return NULL;
	}
	cJSON_ArrayForEach(m, root)
	{
		if (strcmp(m->string, "apps") == 0)
			continue;
		if (strcmp(m->string, "deploy") == 0)
			*deploy = m; /* only its env profiles matter to pmc */
		else
			report_warning(r, "unknown top-level field '%s' (ignored)", m->string);
	}
	return apps;
}

/* deploy[profile].env as an object of strings, or NULL. */
static cJSON *deploy_env(const cJSON *deploy, const char *profile, struct report *r)
{
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(deploy, profile);
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(target, "env");
	char *why = NULL;
	cJSON *out;

	if (!profile || !env)
		return NULL;
	out = env_object(env, &why);
	if (!out) {
		report_error(r, "deploy.%s.env %s", profile, why);
		free(why);
	}
	return out;
}

static void check_only(const struct pmc_eco_opts *opts, struct pmc_eco *eco, struct report *r)
{
	size_t i, k, kept = 0;

	for (i = 0; i < opts->n_only; i++)
		if (!pmc_eco_app_find(eco, opts->only[i]))
			report_error(r, "--only: no app named '%s' in the file", opts->only[i]);
	for (k = 0; k < eco->n_apps; k++) {
		bool wanted = false;
		for (i = 0; i < opts->n_only && !wanted; i++)
			wanted = strcmp(opts->only[i], eco->apps[k].name) == 0;
		if (wanted) {
			eco->apps[kept++] = eco->apps[k];
		} else {
			free(eco->apps[k].name);
			cJSON_Delete(eco->apps[k].def);
		}
	}
	eco->n_apps = kept;
}

int pmc_eco_parse(const cJSON *root, const char *path, const struct pmc_eco_opts *opts,
                  struct pmc_eco *eco, char **cause)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct report r = {.file = base};
	const cJSON *apps, *deploy, *app;
	cJSON *single, *denv = NULL;
	struct context c;
	size_t i = 0, k;

	memset(eco, 0, sizeof *eco);
	eco->path = xstrdup(path);
	eco->dir = dir_of(path);
	apps = apps_of(root, &single, &r, &deploy);
	if (apps && cJSON_GetArraySize(apps) == 0)
		report_error(&r, "no apps");
	if (apps && opts->profile)
		denv = deploy_env(deploy, opts->profile, &r);
	c = (struct context){eco->dir, opts->profile, denv, &r};
	cJSON_ArrayForEach(app, apps)
	{
		char *name;
		cJSON *def = parse_app(&c, app, i++, &name);
		if (!def)
			continue;
		for (k = 0; k < eco->n_apps && strcmp(eco->apps[k].name, name) != 0; k++)
			;
		if (k < eco->n_apps) {
			report_error(&r, "two apps are named '%s' (give each its own name)", name);
			free(name);
			cJSON_Delete(def);
			continue;
		}
		eco->apps = xrealloc(eco->apps, (eco->n_apps + 1) * sizeof *eco->apps);
		eco->apps[eco->n_apps++] = (struct pmc_eco_app){name, def};
	}
	if (opts->n_only && r.n_errors == 0)
		check_only(opts, eco, &r);
	cJSON_Delete(single);
	cJSON_Delete(denv);
	eco->warnings = r.warnings;
	eco->n_warnings = r.n_warnings;
	if (r.n_errors) {
		*cause = r.errors;
		pmc_eco_free(eco);
		return -EINVAL;
	}
	return 0;
}

const struct pmc_eco_app *pmc_eco_app_find(const struct pmc_eco *eco, const char *name)
{
	for (size_t i = 0; i < eco->n_apps; i++)
		if (strcmp(eco->apps[i].name, name) == 0)
			return &eco->apps[i];
	return NULL;
}

void pmc_eco_free(struct pmc_eco *eco)
{
	size_t i;

	for (i = 0; i < eco->n_apps; i++) {
		free(eco->apps[i].name);
		cJSON_Delete(eco->apps[i].def);
	}
	for (i = 0; i < eco->n_warnings; i++)
		free(eco->warnings[i]);
	free(eco->warnings);
	free(eco->apps);
	free(eco->path);
	free(eco->dir);
	memset(eco, 0, sizeof *eco);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls > lx && strcmp(s + ls - lx, suffix) == 0 && s[ls - lx - 1] != '/';
}

enum pmc_eco_kind pmc_eco_kind_of(const char *arg)
{
	if (ends_with(arg, ".json"))
		return PMC_ECO_JSON;
	if (ends_with(arg, ".config.js") || ends_with(arg, ".config.cjs") ||
	    ends_with(arg, ".config.mjs"))
		return PMC_ECO_JS;
	if (ends_with(arg, ".yml") || ends_with(arg, ".yaml"))
		return PMC_ECO_YAML;
	return PMC_ECO_NONE;
}
