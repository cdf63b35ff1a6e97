/* SPDX-License-Identifier: MIT */
/* `pmc reload TARGET...`: replace instances one by one, printing the daemon's progress. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ecosystem-run.h"

static long long num_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

/*
 * "[pmc] web:0 new pid 1234 launching", "[pmc] web:0 ready",
 * "[pmc] web:0 replaced (old pid 1200)", "[pmc] web:0 failed: <why>",
 * "[pmc] web: fork mode without a shared socket: reload is a restart".
 */
void pmc_cli_reload_progress(const struct pmc_rpc_response *note, void *data)
{
	const cJSON *p = note->params;
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "name"));
	const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "state"));
	const char *message = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "message"));
	bool has_id = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "pm_id"));

	(void)data;
	if (!note->method || strcmp(note->method, "reload.progress") != 0 || !name || !state)
		return;
	if (!has_id) {
		printf("[pmc] %s: %s\n", name, message ? message : state);
		goto out;
	}
	printf("[pmc] %s:%lld", name, num_of(p, "pm_id"));
	if (strcmp(state, "launching") == 0 && num_of(p, "new_pid") > 0)
		printf(" new pid %lld", num_of(p, "new_pid"));
	printf(" %s", state);
	if (strcmp(state, "replaced") == 0 && num_of(p, "old_pid") > 0)
		printf(" (old pid %lld)", num_of(p, "old_pid"));
	if (message)
		printf(": %s", message);
	putchar('\n');
out:
	/* Shown as it happens, also through a pipe. */
	fflush(stdout);
}

/* "[pmc] web reloaded", "[pmc] api restarted (fork mode: reload is a restart)". */
void pmc_cli_reload_print_apps(const cJSON *apps)
{
	const cJSON *app;

	cJSON_ArrayForEach(app, apps)
	{
		const char *name, *action;

		name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app, "name"));
		action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app, "action"));

		if (!name || !action)
			continue;
		printf("[pmc] %s %s%s\n", name, action,
		       strcmp(action, "restarted") == 0 ? " (fork mode: reload is a restart)" : "");
	}
}

static int run_reload(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = pmc_cli_targets_params(args), *result = NULL, *error_data = NULL;
	int64_t timeout;
	int rc;

	if (pmc_eco_args_file(args)) {
		rc = pmc_eco_run(cli, args, "reload");
		goto out;
	}
	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	/* Each instance may take its whole listen_timeout, then its kill_timeout. */
	timeout = pmc_cli_replace_timeout(cli);
	if (args->parallel.set)
		cJSON_AddNumberToObject(params, "parallel", (double)args->parallel.value);
	rc = pmc_cli_call_notify(cli, "reload", params, timeout,
				 args->json ? NULL : pmc_cli_reload_progress, NULL, &result, &error_data);
	if (rc == 0 && args->json)
		pmc_cli_print_json(result);
	else if (rc == 0)
		pmc_cli_reload_print_apps(cJSON_GetObjectItemCaseSensitive(result, "apps"));
	else if (!args->json)
		/* The apps done before the failure (the error itself is on stderr). */
		pmc_cli_reload_print_apps(cJSON_GetObjectItemCaseSensitive(error_data, "apps"));
out:
	cJSON_Delete(error_data);
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

static const struct pmc_flag reload_flags[] = {
	{ .name = "parallel",
	  .kind = PMC_FLAG_INT,
	  .offset = offsetof(struct pmc_args, parallel),
	  .min = 1,
	  .max = 1024,
	  .value_name = "K",
	  .help = "replace up to K instances of an app at a time (default 1)" },
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_reload = {
	.name = "reload",
	.min_args = 1,
	.max_args = -1,
	.flags = reload_flags,
	.extra_flags = pmc_eco_update_flags,
	.usage = "TARGET...|FILE [--parallel K] [--update-env] [--only A,B] [--env PROFILE] [--json]",
	.summary = "Replace instances one by one without refusing a connection",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. In cluster mode each\n"
		   "instance is replaced by a new process that must become ready before the old one\n"
		   "is stopped gracefully; if a new process crashes or is not ready within the\n"
		   "listen timeout, it is stopped, the old ones keep serving and pmc exits with 1.\n"
		   "In fork mode without a shared socket, reload is a restart. With --json, prints\n"
		   "the daemon's result instead of the progress. --update-env gives the apps this\n"
		   "shell's environment.\n"
		   "\n"
		   "FILE is an ecosystem file: its apps are reloaded with the file's env (and this\n"
		   "shell's), those pmc does not know are started (as startOrReload).",
	.run = run_reload,
	.check = pmc_eco_check_args,
};
