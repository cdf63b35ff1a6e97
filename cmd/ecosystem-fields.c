/* SPDX-License-Identifier: MIT */
/* The fields of an ecosystem app: names, aliases, and the check and form of each value. */
#include "ecosystem-fields.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "ecosystem.h"
#include "name.h"
#include "xmalloc.h"

static const struct pmc_eco_field fields[] = {
    {"name", PMC_ECO_F_NAME, {0}},
    {"script", PMC_ECO_F_STRING, {"exec", "cmd", "command"}},
    {"args", PMC_ECO_F_WORDS, {0}},
    {"interpreter", PMC_ECO_F_STRING, {"exec_interpreter"}},
    {"interpreter_args", PMC_ECO_F_WORDS, {"node_args"}},
    {"cwd", PMC_ECO_F_PATH, {0}},
    {"instances", PMC_ECO_F_INSTANCES, {0}},
    {"exec_mode", PMC_ECO_F_EXEC_MODE, {0}},
    {"env", PMC_ECO_F_ENV, {0}},
    {"watch", PMC_ECO_F_WATCH, {0}},
    {"ignore_watch", PMC_ECO_F_STRINGS, {0}},
    {"watch_delay", PMC_ECO_F_DURATION, {0}},
    {"max_memory_restart", PMC_ECO_F_SIZE, {0}},
    {"cron_restart", PMC_ECO_F_CRON, {"cron"}},
    {"autorestart", PMC_ECO_F_BOOL, {0}},
    {"min_uptime", PMC_ECO_F_DURATION, {0}},
    {"max_restarts", PMC_ECO_F_COUNT, {0}},
    {"restart_delay", PMC_ECO_F_DURATION, {0}},
    {"exp_backoff_restart_delay", PMC_ECO_F_DURATION, {0}},
    {"kill_timeout", PMC_ECO_F_DURATION, {0}},
    {"kill_signal", PMC_ECO_F_STRING, {0}},
    {"wait_ready", PMC_ECO_F_BOOL, {0}},
    {"listen_timeout", PMC_ECO_F_DURATION, {0}},
    {"shutdown_with_message", PMC_ECO_F_BOOL, {0}},
    {"stop_exit_codes", PMC_ECO_F_CODES, {0}},
    {"merge_logs", PMC_ECO_F_BOOL, {"combine_logs"}},
    {"out_file", PMC_ECO_F_PATH, {"out", "output", "out_log"}},
    {"error_file", PMC_ECO_F_PATH, {"error", "err", "err_file", "err_log"}},
    {"log_file", PMC_ECO_F_LOG_FILE, {"log"}},
    {"log_date_format", PMC_ECO_F_STRING, {0}},
    {"time", PMC_ECO_F_BOOL, {0}},
    {"log_type", PMC_ECO_F_LOG_TYPE, {0}},
    {"disable_logs", PMC_ECO_F_DISABLE_LOGS, {0}},
    {"port", PMC_ECO_F_PORT, {0}},
    {"listen", PMC_ECO_F_STRINGS, {0}},
    {"instance_var", PMC_ECO_F_ENV_NAME, {0}},
    {"log_max_size", PMC_ECO_F_SIZE, {0}},
    {"log_retain", PMC_ECO_F_COUNT, {0}},
    {"log_rotate_names", PMC_ECO_F_ROTATE, {0}},
    {"log_compress", PMC_ECO_F_BOOL, {0}},
    /* PM2's, without a meaning in pmc. */
    {"namespace", PMC_ECO_F_UNSUPPORTED, {0}},
    {"autostart", PMC_ECO_F_UNSUPPORTED, {0}},
    {"treekill", PMC_ECO_F_UNSUPPORTED, {0}},
    {"filter_env", PMC_ECO_F_UNSUPPORTED, {0}},
    {"increment_var", PMC_ECO_F_UNSUPPORTED, {0}},
    {"append_env_to_name", PMC_ECO_F_UNSUPPORTED, {0}},
    {"name_prefix", PMC_ECO_F_UNSUPPORTED, {0}},
    {"uid", PMC_ECO_F_UNSUPPORTED, {"user", "gid", "username"}},
    {"pid_file", PMC_ECO_F_UNSUPPORTED, {"pid"}},
    {"kill_retry_time", PMC_ECO_F_UNSUPPORTED, {0}},
    {"watch_options", PMC_ECO_F_UNSUPPORTED, {0}},
    {"force", PMC_ECO_F_UNSUPPORTED, {"execute_command"}},
    {"vizion", PMC_ECO_F_UNSUPPORTED, {"pmx", "automation", "post_update"}},
    {"trace", PMC_ECO_F_UNSUPPORTED, {"disable_trace", "v8", "event_loop_inspector"}},
    {"deep_monitoring", PMC_ECO_F_UNSUPPORTED, {"io", "install_url", "windowsHide"}},
    {"source_map_support", PMC_ECO_F_UNSUPPORTED, {"disable_source_map_support", "write"}},
};

#define N_FIELDS (sizeof fields / sizeof fields[0])

static const struct pmc_eco_field *find_exact(const char *key)
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

const struct pmc_eco_field *pmc_eco_field_find(const char *key)
{
	const struct pmc_eco_field *f = find_exact(key);
	char *snake;

	if (f)
		return f;
	snake = snake_case(key);
	f = find_exact(snake);
	free(snake);
	return f;
}

size_t pmc_eco_field_count(void)
{
	return N_FIELDS;
}

size_t pmc_eco_field_index(const struct pmc_eco_field *f)
{
	return (size_t)(f - fields);
}

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
cJSON *pmc_eco_env_object(const cJSON *v, char **why)
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
void pmc_eco_env_merge(cJSON *base, const cJSON *later)
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
cJSON *pmc_eco_field_convert(const struct pmc_eco_field *f, const cJSON *v, bool *omit, char **why)
{
	int64_t n;
	cJSON *out;

	*omit = false;
	switch (f->kind) {
	case PMC_ECO_F_STRING:
	case PMC_ECO_F_NAME:
		if (!cJSON_IsString(v) || !*v->valuestring) {
			*why = xstrdup("must be a non-empty string");
			return NULL;
		}
		if (f->kind == PMC_ECO_F_NAME && !pmc_name_valid(v->valuestring)) {
			*why = xasprintf(
			    "'%s' is not a valid app name (use 1-64 of A-Z a-z 0-9 . _ -, "
			    "not starting with '.')",
			    v->valuestring);
			return NULL;
		}
		return cJSON_CreateString(v->valuestring);
	case PMC_ECO_F_WORDS:
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
	case PMC_ECO_F_STRINGS:
		out = strings_of(v, true);
		if (!out)
			*why = xstrdup("must be a string or an array of strings");
		return out;
	case PMC_ECO_F_BOOL:
		if (!cJSON_IsBool(v)) {
			*why = xstrdup("must be true or false");
			return NULL;
		}
		return cJSON_CreateBool(cJSON_IsTrue(v));
	case PMC_ECO_F_DISABLE_LOGS:
		if (!cJSON_IsBool(v)) {
			*why = xstrdup("must be true or false");
			return NULL;
		}
		*omit = !cJSON_IsTrue(v);
		return cJSON_CreateTrue();
	case PMC_ECO_F_COUNT:
		if (!is_int(v, 0, 2147483647)) {
			*why = xstrdup("must be a whole number >= 0");
			return NULL;
		}
		return cJSON_CreateNumber(v->valuedouble);
	case PMC_ECO_F_INSTANCES:
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
	case PMC_ECO_F_EXEC_MODE:
		if (cJSON_IsString(v) && (strcmp(v->valuestring, "fork") == 0 ||
		                          strcmp(v->valuestring, "fork_mode") == 0))
			return cJSON_CreateString("fork");
		if (cJSON_IsString(v) && (strcmp(v->valuestring, "cluster") == 0 ||
		                          strcmp(v->valuestring, "cluster_mode") == 0))
			return cJSON_CreateString("cluster");
		*why = xstrdup("must be \"fork\" or \"cluster\"");
		return NULL;
	case PMC_ECO_F_ENV:
		return pmc_eco_env_object(v, why);
	case PMC_ECO_F_DURATION:
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 &&
		    v->valuedouble <= 9e15)
			return cJSON_CreateNumber(floor(v->valuedouble));
		if (cJSON_IsString(v) && pmc_duration_parse(v->valuestring, &n) == 0)
			return cJSON_CreateNumber((double)n);
		*why = xstrdup("must be a duration: milliseconds, or a string like \"1500ms\", "
		               "\"2s\", \"1m\", \"1h\"");
		return NULL;
	case PMC_ECO_F_SIZE:
		if (is_int(v, 0, 9e15))
			return cJSON_CreateNumber(v->valuedouble);
		if (cJSON_IsString(v) && pmc_size_parse(v->valuestring, &n) == 0)
			return cJSON_CreateNumber((double)n);
		*why =
		    xstrdup("must be a size: bytes, or a string like \"512K\", \"200M\", \"1G\"");
		return NULL;
	case PMC_ECO_F_CODES: {
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
	case PMC_ECO_F_PATH:
		if (!cJSON_IsString(v) || !*v->valuestring) {
			*why = xstrdup("must be a path");
			return NULL;
		}
		return cJSON_CreateString(v->valuestring);
	case PMC_ECO_F_LOG_FILE:
		if (cJSON_IsBool(v))
			return cJSON_CreateBool(cJSON_IsTrue(v));
		if (cJSON_IsString(v) && *v->valuestring)
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be true, false or a path");
		return NULL;
	case PMC_ECO_F_WATCH:
		if (cJSON_IsBool(v))
			return cJSON_CreateBool(cJSON_IsTrue(v));
		out = strings_of(v, true);
		if (!out)
			*why = xstrdup("must be true, false, a path or an array of paths");
		return out;
	case PMC_ECO_F_PORT:
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
	case PMC_ECO_F_CRON:
		if (cJSON_IsFalse(v) || (cJSON_IsNumber(v) && v->valuedouble == 0)) {
			*omit = true;
			return cJSON_CreateFalse();
		}
		if (cJSON_IsString(v) && *v->valuestring)
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be a cron pattern like \"0 3 * * *\" (false or 0: none)");
		return NULL;
	case PMC_ECO_F_LOG_TYPE:
		if (cJSON_IsString(v) &&
		    (strcmp(v->valuestring, "json") == 0 || strcmp(v->valuestring, "raw") == 0))
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be \"json\" or \"raw\"");
		return NULL;
	case PMC_ECO_F_ROTATE:
		if (cJSON_IsString(v) &&
		    (strcmp(v->valuestring, "number") == 0 || strcmp(v->valuestring, "date") == 0))
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be \"number\" or \"date\"");
		return NULL;
	case PMC_ECO_F_ENV_NAME:
		if (cJSON_IsString(v) && env_name_valid(v->valuestring))
			return cJSON_CreateString(v->valuestring);
		*why = xstrdup("must be an environment variable name");
		return NULL;
	case PMC_ECO_F_UNSUPPORTED:
		break;
	}
	*omit = true;
	return cJSON_CreateNull();
}
