/* SPDX-License-Identifier: MIT */
/* `pmc start SCRIPT|NAME|ID`: define and start an app (or restart one), then the ls table. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "render.h"
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

static void add_ms(cJSON *def, const char *key, const struct pmc_opt_int *opt)
{
	if (opt->set)
		cJSON_AddNumberToObject(def, key, (double)opt->value);
}

/* The DEF object of the start method, from the command line. */
static cJSON *build_def(const struct pmc_args *args, const char *cwd)
{
	cJSON *def = cJSON_CreateObject();
	size_t i;

	cJSON_AddStringToObject(def, "script", args->pos.items[0]);
	if (args->name)
		cJSON_AddStringToObject(def, "name", args->name);
	cJSON_AddStringToObject(def, "cwd", cwd);
	if (args->script_args.n)
		cJSON_AddItemToObject(def, "args",
				      strings_array(args->script_args.items, args->script_args.n));
	if (args->interpreter)
		cJSON_AddStringToObject(def, "interpreter", args->interpreter);
	if (args->interpreter_args)
		cJSON_AddItemToObject(def, "interpreter_args", split_spaces(args->interpreter_args));
	if (args->env.n)
		cJSON_AddItemToObject(def, "env", env_object(args->env.items, args->env.n, true));
	cJSON_AddItemToObject(def, "env_inherit", environ_object());
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

static int run_start(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = NULL, *result = NULL, *list = NULL;
	char *cwd = NULL, *table;
	int64_t timeout;
	int rc;

	rc = app_cwd(args, &cwd);
	if (rc)
		goto out;
	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	/* A start may restart a running app: allow for its stop. */
	timeout = pmc_cli_stop_timeout(cli);
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

static const struct pmc_flag start_flags[] = {
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
	  .kind = PMC_FLAG_KEYVAL,
	  .offset = offsetof(struct pmc_args, env),
	  .value_name = "K=V",
	  .help = "set a variable for the app (repeatable)" },
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
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_start = {
	.name = "start",
	.min_args = 1,
	.max_args = 1,
	.flags = start_flags,
	.script_args = true,
	.usage = "SCRIPT|NAME|ID [flags] [-- args...]",
	.summary = "Start an app, or restart an existing one",
	.details = "SCRIPT is a file relative to the current directory, a program in PATH, or a command\n"
		   "line with spaces. A NAME or ID of an existing app restarts it. Arguments after --\n"
		   "go to the script. DUR is 1500, 1500ms, 2s, 1.5m or 1h.",
	.run = run_start,
};
