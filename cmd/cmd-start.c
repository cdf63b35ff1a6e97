/* SPDX-License-Identifier: MIT */
/* `pmc start SCRIPT|NAME|ID`: define and start an app (or restart one), then the ls table. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "cron.h"
#include "duration.h"
#include "ecosystem-run.h"
#include "ecosystem.h"
#include "render.h"
#include "start.h"
#include "xmalloc.h"

extern char **environ;

static cJSON *strings_array(const char *const *items, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(items[i]));
	return arr;
}

/* "--harmony  --max-old-space-size=100" → ["--harmony", "--max-old-space-size=100"]. */
static cJSON *split_spaces(const char *text)
{
	cJSON *arr = cJSON_CreateArray();
	const char *p = text;

	while (*p) {
		size_t len;
		char *word;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (!len)
			break;
		word = xstrndup(p, len);
		cJSON_AddItemToArray(arr, cJSON_CreateString(word));
		free(word);
		p += len;
	}
	return arr;
}

/* "K=V" items (from --env or environ) into an object; the first of a repeated key wins. */
static cJSON *env_object(const char *const *items, size_t n, bool last_wins)
{
	cJSON *obj = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < n; i++) {
		const char *eq = strchr(items[i], '=');
		char *key;

		if (!eq || eq == items[i])
			continue;
		key = xstrndup(items[i], (size_t)(eq - items[i]));
		if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
			if (last_wins)
				cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
								       cJSON_CreateString(eq + 1));
		} else {
			cJSON_AddStringToObject(obj, key, eq + 1);
		}
		free(key);
	}
	return obj;
}

static cJSON *environ_object(void)
{
	size_t n = 0;

	while (environ && environ[n])
		n++;
	return env_object((const char *const *)environ, n, false);
}

/* The app's working directory: --cwd made absolute, or ours. 0 or an exit status. */
static int app_cwd(const struct pmc_args *args, char **out)
{
	char here[PATH_MAX], *real;

	if (!getcwd(here, sizeof here)) {
		pmc_cli_error("cannot read the current directory: %s", strerror(errno));
		return PMC_EXIT_DAEMON;
	}
	if (!args->cwd) {
		*out = xstrdup(here);
		return 0;
	}
	real = realpath(args->cwd, NULL);
	if (!real) {
		pmc_cli_error("--cwd: cannot use '%s': %s", args->cwd, strerror(errno));
		fputs("Try 'pmc help start'.\n", stderr);
		return PMC_EXIT_USAGE;
	}
	*out = xstrdup(real);
	free(real);
	return 0;
}

/* Most instances the daemon runs for one app (it refuses more). */
#define INSTANCES_MAX 4096

/* -i N, max, 0 or -N (CPUs minus N): the daemon resolves it. */
static int check_instances(const char *value, char **why)
{
	char *end;
	long long n;

	if (strcmp(value, "max") == 0)
		return 0;
	errno = 0;
	n = strtoll(value, &end, 10);
	if (isspace((unsigned char)*value) || *end || errno || n > INSTANCES_MAX ||
	    n < -INSTANCES_MAX) {
		*why = xasprintf("invalid instance count '%s' (use N, max, 0 or -N, N at most %d)",
				 value, INSTANCES_MAX);
		return -EINVAL;
	}
	return 0;
}

static int check_exec_mode(const char *value, char **why)
{
	static const char *const modes[] = { "fork", "cluster", "fork_mode", "cluster_mode" };
	size_t i;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(value, modes[i]) == 0)
			return 0;
	*why = xasprintf("invalid mode '%s' (use fork or cluster)", value);
	return -EINVAL;
}

static int check_env_name(const char *value, char **why)
{
	size_t i;

	for (i = 0; value[i]; i++)
		if (!isalnum((unsigned char)value[i]) && value[i] != '_')
			break;
	if (value[i] || isdigit((unsigned char)value[0])) {
		*why = xasprintf("invalid variable name '%s' (use letters, digits and _, not "
				 "starting with a digit)",
				 value);
		return -EINVAL;
	}
	return 0;
}

static bool is_port(const char *text)
{
	size_t len = strspn(text, "0123456789");
	long v = strtol(text, NULL, 10);

	return len > 0 && !text[len] && v >= 1 && v <= 65535;
}

/*
 * The address forms the daemon binds: PORT, [tcp://][HOST]:PORT with a numeric
 * IPv4 address or localhost, tcp://[V6]:PORT, unix:PATH (relative to the app's cwd).
 */
static bool is_listen_address(const char *text)
{
	const char *rest, *colon, *close;
	unsigned char addr[16];
	char host[64];
	size_t len;

	if (strncmp(text, "unix:", 5) == 0)
		return text[5] != '\0';
	rest = strncmp(text, "tcp://", 6) == 0 ? text + 6 : text;
	if (rest[0] == ':')
		rest++;
	if (is_port(rest))
		return true;
	if (rest[0] == '[') {
		close = strchr(rest, ']');
		len = close ? (size_t)(close - rest - 1) : 0;
		if (!close || close[1] != ':' || !is_port(close + 2) || len >= sizeof host)
			return false;
		memcpy(host, rest + 1, len);
		host[len] = '\0';
		return inet_pton(AF_INET6, host, addr) == 1;
	}
	colon = strrchr(rest, ':');
	len = colon ? (size_t)(colon - rest) : 0;
	if (!colon || !len || len >= sizeof host || !is_port(colon + 1))
		return false;
	memcpy(host, rest, len);
	host[len] = '\0';
	return strcmp(host, "localhost") == 0 || inet_pton(AF_INET, host, addr) == 1;
}

static int check_listen(const char *value, char **why)
{
	if (is_listen_address(value))
		return 0;
	*why = xasprintf("invalid address '%s' (use PORT, tcp://HOST:PORT, tcp://[V6]:PORT or "
			 "unix:PATH, HOST a numeric IP address)",
			 value);
	return -EINVAL;
}

static int check_log_type(const char *value, char **why)
{
	if (strcmp(value, "json") == 0 || strcmp(value, "raw") == 0)
		return 0;
	*why = xasprintf("invalid log type '%s' (use json or raw)", value);
	return -EINVAL;
}

static int check_size(const char *value, char **why)
{
	int64_t bytes;

	if (pmc_size_parse(value, &bytes) == 0)
		return 0;
	*why = xasprintf("invalid size '%s' (use a number of bytes, or 512K, 10M, 1G)", value);
	return -EINVAL;
}

static int check_rotate_names(const char *value, char **why)
{
	if (strcmp(value, "number") == 0 || strcmp(value, "date") == 0)
		return 0;
	*why = xasprintf("invalid naming '%s' (use number or date)", value);
	return -EINVAL;
}

static void add_ms(cJSON *def, const char *key, const struct pmc_opt_int *opt)
{
	if (opt->set)
		cJSON_AddNumberToObject(def, key, (double)opt->value);
}

static int check_cron(const char *value, char **why)
{
	struct pmc_cron cron;

	return pmc_cron_parse(value, &cron, why);
}

/* --watch takes the next word when it is a directory or a list: a script file stays
 * the script (`pmc start --watch app.js`). */
static bool watch_takes(const char *next)
{
	struct stat st;

	return strchr(next, ',') || (stat(next, &st) == 0 && S_ISDIR(st.st_mode));
}

/* Items of comma (and, for patterns, space) separated lists, in order. */
static void add_split(cJSON *arr, const char *text, const char *seps, const char *base)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, seps);
		if (len) {
			char *item = xstrndup(p, len);
			char *abs = base && item[0] != '/' ? xasprintf("%s/%s", base, item) : NULL;
			cJSON_AddItemToArray(arr, cJSON_CreateString(abs ? abs : item));
			free(abs);
			free(item);
		}
		p += len;
		p += strspn(p, seps);
	}
}

/* Restarts on file changes and at cron times. Watch paths are relative to the
 * caller's directory, as every path on the command line. */
static void add_triggers(cJSON *def, const struct pmc_args *args)
{
	char here[PATH_MAX];

	if (args->watch.set && args->watch.value) {
		add_split(cJSON_AddArrayToObject(def, "watch"), args->watch.value, ",",
			  getcwd(here, sizeof here) ? here : NULL);
	} else if (args->watch.set) {
		cJSON_AddBoolToObject(def, "watch", true);
	}
	if (args->ignore_watch.n) {
		cJSON *arr = cJSON_AddArrayToObject(def, "ignore_watch");
		for (size_t i = 0; i < args->ignore_watch.n; i++)
			add_split(arr, args->ignore_watch.items[i], ", \t", NULL);
	}
	add_ms(def, "watch_delay", &args->watch_delay);
	if (args->cron_restart)
		cJSON_AddStringToObject(def, "cron_restart", args->cron_restart);
}

/*
 * exec_mode, instances, listen, port and the readiness settings. Unlike PM2,
 * any program runs in cluster mode: -i, --port or --listen ask for it.
 */
static void add_cluster(cJSON *def, const struct pmc_args *args)
{
	if (args->exec_mode)
		cJSON_AddStringToObject(def, "exec_mode", args->exec_mode);
	else if (args->instances || args->port.set || args->listen.n)
		cJSON_AddStringToObject(def, "exec_mode", "cluster");
	if (args->instances && strcmp(args->instances, "max") == 0)
		cJSON_AddStringToObject(def, "instances", "max");
	else if (args->instances)
		cJSON_AddNumberToObject(def, "instances", (double)strtoll(args->instances, NULL, 10));
	if (args->listen.n)
		cJSON_AddItemToObject(def, "listen",
				      strings_array(args->listen.items, args->listen.n));
	if (args->port.set)
		cJSON_AddNumberToObject(def, "port", (double)args->port.value);
	if (args->instance_var)
		cJSON_AddStringToObject(def, "instance_var", args->instance_var);
	if (args->wait_ready)
		cJSON_AddBoolToObject(def, "wait_ready", true);
	add_ms(def, "listen_timeout", &args->listen_timeout);
	if (args->shutdown_with_message)
		cJSON_AddBoolToObject(def, "shutdown_with_message", true);
}

/*
 * Where the output goes, how it is stamped and how the files rotate. Paths go
 * as typed: the daemon resolves relative ones against the app's cwd.
 */
static void add_logs(cJSON *def, const struct pmc_args *args)
{
	int64_t bytes;

	if (args->out_file)
		cJSON_AddStringToObject(def, "out_file", args->out_file);
	if (args->error_file)
		cJSON_AddStringToObject(def, "error_file", args->error_file);
	if (args->log_file.set && args->log_file.value)
		cJSON_AddStringToObject(def, "log_file", args->log_file.value);
	else if (args->log_file.set)
		cJSON_AddBoolToObject(def, "log_file", true);
	if (args->merge_logs)
		cJSON_AddBoolToObject(def, "merge_logs", true);
	if (args->time)
		cJSON_AddBoolToObject(def, "time", true);
	if (args->log_date_format)
		cJSON_AddStringToObject(def, "log_date_format", args->log_date_format);
	if (args->log_type)
		cJSON_AddStringToObject(def, "log_type", args->log_type);
	if (args->log_max_size && pmc_size_parse(args->log_max_size, &bytes) == 0)
		cJSON_AddNumberToObject(def, "log_max_size", (double)bytes);
	if (args->log_retain.set)
		cJSON_AddNumberToObject(def, "log_retain", (double)args->log_retain.value);
	if (args->log_rotate_names)
		cJSON_AddStringToObject(def, "log_rotate_names", args->log_rotate_names);
	if (args->log_compress)
		cJSON_AddBoolToObject(def, "log_compress", true);
}

static void add_memory_limit(cJSON *def, const struct pmc_args *args)
{
	int64_t bytes;

	if (args->max_memory_restart && pmc_size_parse(args->max_memory_restart, &bytes) == 0)
		cJSON_AddNumberToObject(def, "max_memory_restart", (double)bytes);
}

cJSON *pmc_cmd_start_overrides(const struct pmc_args *args)
{
	cJSON *def = cJSON_CreateObject();
	size_t i;

	if (args->script_args.n)
		cJSON_AddItemToObject(def, "args",
				      strings_array(args->script_args.items, args->script_args.n));
	if (args->interpreter)
		cJSON_AddStringToObject(def, "interpreter", args->interpreter);
	if (args->interpreter_args)
		cJSON_AddItemToObject(def, "interpreter_args", split_spaces(args->interpreter_args));
	if (args->env.n)
		cJSON_AddItemToObject(def, "env", env_object(args->env.items, args->env.n, true));
	if (args->autorestart.set)
		cJSON_AddBoolToObject(def, "autorestart", args->autorestart.value);
	add_ms(def, "min_uptime", &args->min_uptime);
	add_ms(def, "max_restarts", &args->max_restarts);
	add_ms(def, "restart_delay", &args->restart_delay);
	add_ms(def, "exp_backoff_restart_delay", &args->exp_backoff_restart_delay);
	add_ms(def, "kill_timeout", &args->kill_timeout);
	if (args->stop_exit_codes.n) {
		cJSON *codes = cJSON_AddArrayToObject(def, "stop_exit_codes");
		for (i = 0; i < args->stop_exit_codes.n; i++)
			cJSON_AddItemToArray(codes, cJSON_CreateNumber(
							    (double)args->stop_exit_codes.items[i]));
	}
	add_cluster(def, args);
	add_logs(def, args);
	add_triggers(def, args);
	add_memory_limit(def, args);
	return def;
}

cJSON *pmc_cmd_start_environ(void)
{
	return environ_object();
}

/* The DEF object of the start method, from the command line. */
static cJSON *build_def(const struct pmc_args *args, const char *cwd)
{
	cJSON *def = cJSON_CreateObject(), *flags = pmc_cmd_start_overrides(args), *item;

	cJSON_AddStringToObject(def, "script", args->pos.items[0]);
	if (args->name)
		cJSON_AddStringToObject(def, "name", args->name);
	cJSON_AddStringToObject(def, "cwd", cwd);
	while ((item = flags->child)) {
		cJSON_DetachItemViaPointer(flags, item);
		cJSON_AddItemToObject(def, item->string, item);
	}
	cJSON_Delete(flags);
	cJSON_AddItemToObject(def, "env_inherit", environ_object());
	return def;
}

static bool id_in(const cJSON *ids, const cJSON *entry)
{
	const cJSON *pm_id = cJSON_GetObjectItemCaseSensitive(entry, "pm_id");
	const cJSON *id;

	cJSON_ArrayForEach(id, ids)
		if (cJSON_IsNumber(id) && cJSON_IsNumber(pm_id) &&
		    id->valuedouble == pm_id->valuedouble)
			return true;
	return false;
}

/* "[pmc] Starting /srv/app.js in fork_mode (1 instance)" or "[pmc] Restarting api". */
static void print_progress(const cJSON *result, const cJSON *list)
{
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(result, "action");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(result, "name");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(result, "ids");
	const cJSON *entry, *first = NULL, *env, *path, *mode;
	int n = cJSON_GetArraySize(ids);

	if (cJSON_IsString(action) && strcmp(action->valuestring, "restarted") == 0) {
		printf("[pmc] Restarting %s\n", cJSON_IsString(name) ? name->valuestring : "");
		return;
	}
	cJSON_ArrayForEach(entry, list)
		if (!first && id_in(ids, entry))
			first = entry;
	env = cJSON_GetObjectItemCaseSensitive(first, "pm2_env");
	path = cJSON_GetObjectItemCaseSensitive(env, "pm_exec_path");
	mode = cJSON_GetObjectItemCaseSensitive(env, "exec_mode");
	printf("[pmc] Starting %s in %s (%d instance%s)\n",
	       cJSON_IsString(path) ? path->valuestring :
	       cJSON_IsString(name) ? name->valuestring :
				      "",
	       cJSON_IsString(mode) ? mode->valuestring : "fork_mode", n, n == 1 ? "" : "s");
}

static void print_entries(const cJSON *ids, const cJSON *list)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *entry;

	cJSON_ArrayForEach(entry, list)
		if (id_in(ids, entry))
			cJSON_AddItemToArray(out, cJSON_Duplicate(entry, true));
	pmc_cli_print_json(out);
	cJSON_Delete(out);
}

/* The ecosystem file `pmc start` alone starts, as PM2: the first that exists here. */
static const char *default_file(void)
{
	static const char *const names[] = { "ecosystem.config.js", "ecosystem.config.cjs",
					     "ecosystem.config.json", "ecosystem.json" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (access(names[i], F_OK) == 0)
			return names[i];
	return NULL;
}

static int run_start(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = NULL, *result = NULL, *list = NULL;
	char *cwd = NULL, *table;
	int64_t timeout;
	int rc;

	if (args->pos.n == 0) {
		/* `pmc start` alone: the default file, as if named. */
		struct pmc_args with_file = *args;
		const char *file = default_file();
		if (!file) {
			pmc_cli_error("start: missing argument (usage: pmc start %s; with none, "
				      "ecosystem.config.js must be here)",
				      pmc_cmd_start.usage);
			fputs("Try 'pmc help start'.\n", stderr);
			return PMC_EXIT_USAGE;
		}
		with_file.pos = (struct pmc_strv){ &file, 1 };
		return pmc_eco_run(cli, &with_file, "start");
	}
	if (pmc_eco_args_file(args))
		return pmc_eco_run(cli, args, "start");

	rc = app_cwd(args, &cwd);
	if (rc)
		goto out;
	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	/* A start may restart a running app: allow for its stop, then for readiness. */
	timeout = pmc_cli_stop_timeout(cli) +
		  (args->listen_timeout.set ? args->listen_timeout.value : 3000);
	params = cJSON_CreateObject();
	cJSON_AddItemToObject(params, "app", build_def(args, cwd));
	if (args->force)
		cJSON_AddBoolToObject(params, "force", true);
	rc = pmc_cli_call(cli, "start", params, timeout, &result);
	if (rc)
		goto out;
	rc = pmc_cli_call(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list);
	if (rc)
		goto out;
	if (args->json) {
		print_entries(cJSON_GetObjectItemCaseSensitive(result, "ids"), list);
	} else {
		print_progress(result, list);
		table = pmc_render_list(list, cli->color, pmc_clock_wall_ms());
		fputs(table, stdout);
		free(table);
	}
out:
	cJSON_Delete(list);
	cJSON_Delete(result);
	cJSON_Delete(params);
	free(cwd);
	return rc;
}

const struct pmc_flag pmc_cmd_start_flags[] = {
	{ .name = "name",
	  .shorts = "n",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, name),
	  .value_name = "NAME",
	  .help = "name of the app (default: the script's base name)" },
	{ .name = "cwd",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, cwd),
	  .value_name = "DIR",
	  .help = "working directory of the app (default: the current one)" },
	{ .name = "env",
	  .kind = PMC_FLAG_STRINGS,
	  .offset = offsetof(struct pmc_args, env),
	  .value_name = "K=V",
	  .help = "set a variable for the app (repeatable); with a FILE, PROFILE picks env_PROFILE" },
	{ .name = "only",
	  .kind = PMC_FLAG_STRINGS,
	  .offset = offsetof(struct pmc_args, only),
	  .value_name = "A,B",
	  .help = "with an ecosystem FILE: only these apps (repeatable)" },
	{ .name = "interpreter",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, interpreter),
	  .value_name = "BIN",
	  .help = "run the script with BIN ('none': execute it directly)" },
	{ .name = "interpreter-args",
	  .alias = "node-args",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, interpreter_args),
	  .value_name = "ARGS",
	  .help = "interpreter arguments, split on spaces" },
	{ .name = "autorestart",
	  .kind = PMC_FLAG_TOGGLE,
	  .offset = offsetof(struct pmc_args, autorestart),
	  .help = "do not restart the app when it exits" },
	{ .name = "min-uptime",
	  .kind = PMC_FLAG_DURATION,
	  .offset = offsetof(struct pmc_args, min_uptime),
	  .value_name = "DUR",
	  .help = "a shorter run is unstable (default 1000ms)" },
	{ .name = "max-restarts",
	  .kind = PMC_FLAG_INT,
	  .offset = offsetof(struct pmc_args, max_restarts),
	  .min = 0,
	  .max = INT32_MAX,
	  .value_name = "N",
	  .help = "unstable restarts before the app is errored (default 16)" },
	{ .name = "restart-delay",
	  .kind = PMC_FLAG_DURATION,
	  .offset = offsetof(struct pmc_args, restart_delay),
	  .value_name = "DUR",
	  .help = "wait before restarting an app that exited (default 0)" },
	{ .name = "exp-backoff-restart-delay",
	  .kind = PMC_FLAG_DURATION,
	  .offset = offsetof(struct pmc_args, exp_backoff_restart_delay),
	  .value_name = "DUR",
	  .help = "first restart delay, then 1.5 times longer each time, up to 15s" },
	{ .name = "kill-timeout",
	  .shorts = "k",
	  .kind = PMC_FLAG_DURATION,
	  .offset = offsetof(struct pmc_args, kill_timeout),
	  .value_name = "DUR",
	  .help = "time between the stop signal and SIGKILL (default 1600ms)" },
	{ .name = "stop-exit-codes",
	  .kind = PMC_FLAG_CODES,
	  .offset = offsetof(struct pmc_args, stop_exit_codes),
	  .value_name = "C[,C...]",
	  .help = "exit codes after which the app is not restarted (repeatable)" },
	{ .name = "force",
	  .shorts = "f",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, force),
	  .help = "start another copy of an app that is already running" },
	{ .name = "instances",
	  .shorts = "i",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, instances),
	  .value_name = "N",
	  .help = "N instances (max or 0: one per CPU; -N: CPUs minus N)",
	  .check = check_instances },
	{ .name = "exec-mode",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, exec_mode),
	  .value_name = "MODE",
	  .help = "fork or cluster (default cluster with -i, --port or --listen)",
	  .check = check_exec_mode },
	{ .name = "port",
	  .kind = PMC_FLAG_INT,
	  .offset = offsetof(struct pmc_args, port),
	  .min = 1,
	  .max = 65535,
	  .value_name = "PORT",
	  .help = "set PORT and share 0.0.0.0:PORT among the instances" },
	{ .name = "listen",
	  .kind = PMC_FLAG_STRINGS,
	  .offset = offsetof(struct pmc_args, listen),
	  .value_name = "ADDR",
	  .help = "share a listening socket among the instances (repeatable)",
	  .check = check_listen },
	{ .name = "instance-var",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, instance_var),
	  .value_name = "NAME",
	  .help = "variable holding the instance number (default NODE_APP_INSTANCE)",
	  .check = check_env_name },
	{ .name = "wait-ready",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, wait_ready),
	  .help = "ready when the app says so (process.send('ready') or READY=1)" },
	{ .name = "listen-timeout",
	  .kind = PMC_FLAG_DURATION,
	  .offset = offsetof(struct pmc_args, listen_timeout),
	  .value_name = "DUR",
	  .help = "longest wait for an instance to be ready (default 3000ms)" },
	{ .name = "shutdown-with-message",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, shutdown_with_message),
	  .help = "stop Node apps with a 'shutdown' message, not a signal" },
	{ .name = "output",
	  .shorts = "o",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, out_file),
	  .value_name = "FILE",
	  .help = "standard output log (default logs/NAME-out.log; /dev/null: none)" },
	{ .name = "error",
	  .shorts = "e",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, error_file),
	  .value_name = "FILE",
	  .help = "standard error log (default logs/NAME-error.log; /dev/null: none)" },
	{ .name = "log",
	  .shorts = "l",
	  .kind = PMC_FLAG_OPTIONAL,
	  .offset = offsetof(struct pmc_args, log_file),
	  .value_name = "FILE",
	  .help = "also write both streams to one file (default logs/NAME.log)" },
	{ .name = "merge-logs",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, merge_logs),
	  .help = "instances share their log files (no -ID suffix)" },
	{ .name = "time",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, time),
	  .help = "prefix each logged line with the time" },
	{ .name = "log-date-format",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, log_date_format),
	  .value_name = "FMT",
	  .help = "prefix each logged line with the time as FMT (YYYY-MM-DD HH:mm:ss Z)" },
	{ .name = "log-type",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, log_type),
	  .value_name = "TYPE",
	  .help = "json: log each line as a JSON object; raw: as written (default)",
	  .check = check_log_type },
	{ .name = "log-max-size",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, log_max_size),
	  .value_name = "SIZE",
	  .help = "rotate a log file once it holds SIZE (10M, 1G; 0: never)",
	  .check = check_size },
	{ .name = "log-retain",
	  .kind = PMC_FLAG_INT,
	  .offset = offsetof(struct pmc_args, log_retain),
	  .min = 0,
	  .max = 100000,
	  .value_name = "N",
	  .help = "rotated files kept per log (default 5)" },
	{ .name = "log-rotate-names",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, log_rotate_names),
	  .value_name = "HOW",
	  .help = "rotated files named NAME.log.1 (number) or by their date (date)",
	  .check = check_rotate_names },
	{ .name = "log-compress",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, log_compress),
	  .help = "gzip rotated log files" },
	{ .name = "watch",
	  .kind = PMC_FLAG_OPTIONAL,
	  .offset = offsetof(struct pmc_args, watch),
	  .value_name = "PATHS",
	  .help = "restart when a file changes below PATHS (a comma list; default: the app's directory)",
	  .takes = watch_takes },
	{ .name = "ignore-watch",
	  .kind = PMC_FLAG_STRINGS,
	  .offset = offsetof(struct pmc_args, ignore_watch),
	  .value_name = "PATTERN",
	  .help = "changes to ignore besides node_modules and .git (repeatable; *.log, tmp, src/gen)" },
	{ .name = "watch-delay",
	  .kind = PMC_FLAG_DURATION,
	  .offset = offsetof(struct pmc_args, watch_delay),
	  .value_name = "DUR",
	  .help = "restart once no file changed for DUR (default 100ms)" },
	{ .name = "cron-restart",
	  .alias = "cron",
	  .shorts = "c",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, cron_restart),
	  .value_name = "CRON",
	  .help = "restart at the times of a cron expression (local time; \"0 3 * * *\", @daily)",
	  .check = check_cron },
	{ .name = "max-memory-restart",
	  .kind = PMC_FLAG_STRING,
	  .offset = offsetof(struct pmc_args, max_memory_restart),
	  .value_name = "SIZE",
	  .help = "restart when the app's processes stay above SIZE of RSS (200M; 0: never)",
	  .check = check_size },
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_start = {
	.name = "start",
	.min_args = 0,
	.max_args = 1,
	.flags = pmc_cmd_start_flags,
	.script_args = true,
	.usage = "SCRIPT|NAME|ID|FILE [flags] [-- args...]",
	.summary = "Start an app, or restart an existing one",
	.details = "SCRIPT is a file relative to the current directory, a program in PATH, or a command\n"
		   "line with spaces. A NAME or ID of an existing app restarts it. Arguments after --\n"
		   "go to the script. DUR is 1500, 1500ms, 2s, 1.5m or 1h.\n"
		   "\n"
		   "Cluster mode works for any program: with --port or --listen the daemon binds the\n"
		   "socket once and passes it to every instance (fds from 3, LISTEN_FDS, LISTEN_PID);\n"
		   "Node apps get it through listen() unchanged. ADDR is PORT, HOST:PORT,\n"
		   "tcp://HOST:PORT (HOST a numeric IP or localhost), tcp://[V6]:PORT or unix:PATH\n"
		   "(PATH relative to the app's directory). `pmc reload` then replaces the instances\n"
		   "one by one without refusing a connection.\n"
		   "\n"
		   "Log paths (-o, -e, -l FILE) are relative to the app's directory; /dev/null or\n"
		   "NULL discards a stream. With several instances each gets its own files (-ID\n"
		   "before .log) unless --merge-logs. -l alone is logs/NAME.log; a word after -l\n"
		   "is taken as its FILE, so put -l last or write -l=FILE. SIZE is 512K, 10M, 1G\n"
		   "or bytes; rotation defaults come from pmcd.conf in PMC_HOME.\n"
		   "\n"
		   "FILE is an ecosystem file (*.json, *.config.js, *.config.cjs; with no argument,\n"
		   "ecosystem.config.js here): every app is checked first, then those pmc does not\n"
		   "know are started and the others restarted. --only picks apps, --env PROFILE\n"
		   "merges env_PROFILE over env; flags given here override the file's fields\n"
		   "(--name only for one app). See pmc-ecosystem(5).",
	.run = run_start,
	.check = pmc_eco_check_args,
};
