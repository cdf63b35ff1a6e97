/* SPDX-License-Identifier: MIT */
/* The verbs on an ecosystem file: check every app first, then one RPC per app. */
#include "ecosystem-run.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ecosystem.h"
#include "render.h"
#include "start.h"
#include "xmalloc.h"

/* Longest wait for one app's readiness when the file does not say (listen_timeout). */
#define READY_MS 3000

bool pmc_eco_args_file(const struct pmc_args *args)
{
	return args->pos.n >= 1 && pmc_eco_kind_of(args->pos.items[0]) != PMC_ECO_NONE;
}

/* The --env values that name a profile (no '='). */
static const char *env_profile(const struct pmc_args *args, size_t *count)
{
	const char *profile = NULL;

	*count = 0;
	for (size_t i = 0; i < args->env.n; i++) {
		if (!strchr(args->env.items[i], '=')) {
			profile = args->env.items[i];
			(*count)++;
		}
	}
	return profile;
}

int pmc_eco_check_args(const struct pmc_args *args, char **cause)
{
	bool file = pmc_eco_args_file(args);
	size_t profiles;
	const char *profile = env_profile(args, &profiles);

	if (file && args->pos.n > 1) {
		*cause = xasprintf("an ecosystem file must be the only target (got '%s' too)",
		                   args->pos.items[1]);
		return -EINVAL;
	}
	if (!file && args->only.n) {
		*cause = xstrdup("--only: needs an ecosystem file (e.g. ecosystem.config.js)");
		return -EINVAL;
	}
	if (!file && profile) {
		*cause = xasprintf("--env: expected KEY=VALUE, got '%s' (a profile name needs an "
		                   "ecosystem file)",
		                   profile);
		return -EINVAL;
	}
	for (size_t i = 0; i < args->env.n; i++) {
		if (args->env.items[i][0] == '=') {
			*cause =
			    xasprintf("--env: expected KEY=VALUE, got '%s'", args->env.items[i]);
			return -EINVAL;
		}
	}
	if (profiles > 1) {
		*cause = xstrdup("--env: one profile at most");
		return -EINVAL;
	}
	if (file && args->cwd) {
		*cause = xstrdup("--cwd: cannot be used with an ecosystem file (set cwd in the "
		                 "file)");
		return -EINVAL;
	}
	if (file && args->force) {
		*cause = xstrdup("--force: cannot be used with an ecosystem file");
		return -EINVAL;
	}
	return 0;
}

int pmc_eco_check_file_args(const struct pmc_args *args, char **cause)
{
	if (!pmc_eco_args_file(args)) {
		*cause = xasprintf("'%s' is not an ecosystem file (*.json, *.config.js, "
		                   "*.config.cjs)",
		                   args->pos.items[0]);
		return -EINVAL;
	}
	return pmc_eco_check_args(args, cause);
}

/* --only a,b --only c → ["a", "b", "c"]; the strings are owned by *store. */
static const char **only_names(const struct pmc_args *args, size_t *n, char **store)
{
	size_t total = 0, cap = 0;
	const char **names = NULL;
	char *all, *tok, *save = NULL;

	for (size_t i = 0; i < args->only.n; i++)
		cap += strlen(args->only.items[i]) + 1;
	all = xmalloc(cap + 1);
	all[0] = '\0';
	for (size_t i = 0; i < args->only.n; i++) {
		strcat(all, args->only.items[i]);
		strcat(all, ",");
	}
	for (tok = strtok_r(all, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		names = xrealloc(names, (total + 1) * sizeof *names);
		names[total++] = tok;
	}
	*n = total;
	*store = all;
	return names;
}

/* The definition keys that the start flags on the command line replace. */
static void apply_overrides(cJSON *def, const struct pmc_args *args)
{
	cJSON *flags = pmc_cmd_start_overrides(args), *item;

	/* -i alone asks the command line for cluster mode; the file's mode stays. */
	if (!args->exec_mode && cJSON_GetObjectItemCaseSensitive(def, "exec_mode"))
		cJSON_DeleteItemFromObjectCaseSensitive(flags, "exec_mode");
	while ((item = flags->child)) {
		cJSON *env = cJSON_GetObjectItemCaseSensitive(def, "env");
		const cJSON *el;

		cJSON_DetachItemViaPointer(flags, item);
		if (strcmp(item->string, "env") == 0 && env) {
			/* --env K=V adds to the file's variables. */
			cJSON_ArrayForEach(el, item)
			{
				cJSON_DeleteItemFromObjectCaseSensitive(env, el->string);
				cJSON_AddStringToObject(env, el->string, el->valuestring);
			}
			cJSON_Delete(item);
			continue;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(def, item->string);
		cJSON_AddItemToObject(def, item->string, item);
	}
	cJSON_Delete(flags);
	if (args->name) {
		cJSON_DeleteItemFromObjectCaseSensitive(def, "name");
		cJSON_AddStringToObject(def, "name", args->name);
	}
}

/* What to do with one app of the file. */
enum step { STEP_START, STEP_RESTART, STEP_RELOAD, STEP_STOP, STEP_DELETE, STEP_SKIP };

static bool is_known(const cJSON *list, const char *name)
{
	const cJSON *entry;

	cJSON_ArrayForEach(entry, list)
	{
		const char *n =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "name"));
		if (n && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

/*
 * A known app keeps its definition but for env: say so when the file names
 * another script for it, which is the change most likely meant.
 */
static void warn_other_script(const cJSON *list, const struct pmc_eco_app *app, const char *file)
{
	const char *want =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app->def, "script"));
	const cJSON *entry;

	cJSON_ArrayForEach(entry, list)
	{
		const cJSON *env = cJSON_GetObjectItemCaseSensitive(entry, "pm2_env");
		const char *n =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "name"));
		const char *has =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "pm_exec_path"));

		if (!n || strcmp(n, app->name) != 0)
			continue;
		if (want && want[0] == '/' && has && strcmp(want, has) != 0)
			fprintf(
			    stderr,
			    "pmc: warning: %s: app '%s' runs %s, not %s (delete it to start the "
			    "file's script)\n",
			    file, app->name, has, want);
		return;
	}
}

static enum step step_of(const char *verb, bool known)
{
	if (strcmp(verb, "stop") == 0)
		return known ? STEP_STOP : STEP_SKIP;
	if (strcmp(verb, "delete") == 0)
		return known ? STEP_DELETE : STEP_SKIP;
	if (!known)
		return STEP_START;
	if (strcmp(verb, "reload") == 0 || strcmp(verb, "startOrReload") == 0)
		return STEP_RELOAD;
	return STEP_RESTART;
}

/* Ask the daemon whether each app to start could start: all of them, before any starts. */
static int check_starts(struct pmc_cli *cli, const struct pmc_eco *eco, const enum step *steps,
                        const char *file)
{
	int rc = 0;

	for (size_t i = 0; i < eco->n_apps; i++) {
		cJSON *params, *result = NULL;
		char *message = NULL;
		int err;

		if (steps[i] != STEP_START)
			continue;
		params = cJSON_CreateObject();
		cJSON_AddItemToObject(params, "app", cJSON_Duplicate(eco->apps[i].def, true));
		cJSON_AddBoolToObject(params, "check", true);
		err = pmc_cli_call_quiet(cli, "start", params, PMC_CALL_TIMEOUT_MS, &result,
		                         &message);
		if (err) {
			pmc_cli_error("%s: app '%s': %s", file, eco->apps[i].name, message);
			if (err == PMC_EXIT_UNREACHABLE) {
				free(message);
				cJSON_Delete(params);
				return err;
			}
			rc = PMC_EXIT_DAEMON;
		}
		free(message);
		cJSON_Delete(result);
		cJSON_Delete(params);
	}
	return rc;
}

static int64_t ready_ms(const cJSON *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(def, "listen_timeout");

	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 86400000.0
	           ? (int64_t)v->valuedouble
	           : READY_MS;
}

/* {"targets": [name], "env": ..., "env_inherit": ...}: the file's env, this shell's. */
static cJSON *refresh_params(const struct pmc_eco_app *app)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *targets = cJSON_AddArrayToObject(params, "targets");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(app->def, "env");

	cJSON_AddItemToArray(targets, cJSON_CreateString(app->name));
	cJSON_AddItemToObject(params, "env",
	                      env ? cJSON_Duplicate(env, true) : cJSON_CreateObject());
	cJSON_AddItemToObject(params, "env_inherit", pmc_cmd_start_environ());
	return params;
}

static int do_step(struct pmc_cli *cli, const struct pmc_args *args, const struct pmc_eco_app *app,
                   enum step step)
{
	cJSON *params = NULL, *result = NULL, *error_data = NULL;
	int rc = 0;

	switch (step) {
	case STEP_START:
		if (!args->json)
			printf("[pmc] Starting %s\n", app->name);
		params = cJSON_CreateObject();
		cJSON_AddItemToObject(params, "app", cJSON_Duplicate(app->def, true));
		cJSON_AddBoolToObject(params, "literal", true);
		rc = pmc_cli_call(cli, "start", params,
		                  pmc_cli_stop_timeout(cli) + ready_ms(app->def), &result);
		break;
	case STEP_RESTART:
		if (!args->json)
			printf("[pmc] Restarting %s\n", app->name);
		params = refresh_params(app);
		rc = pmc_cli_call(cli, "restart", params,
		                  pmc_cli_stop_timeout(cli) + ready_ms(app->def), &result);
		break;
	case STEP_RELOAD:
		if (!args->json)
			printf("[pmc] Reloading %s\n", app->name);
		params = refresh_params(app);
		if (args->parallel.set)
			cJSON_AddNumberToObject(params, "parallel", (double)args->parallel.value);
		rc = pmc_cli_call_notify(cli, "reload", params, pmc_cli_replace_timeout(cli),
		                         args->json ? NULL : pmc_cli_reload_progress, NULL, &result,
		                         &error_data);
		if (!args->json)
			pmc_cli_reload_print_apps(
			    cJSON_GetObjectItemCaseSensitive(rc ? error_data : result, "apps"));
		break;
	case STEP_STOP:
	case STEP_DELETE:
	case STEP_SKIP:
		break;
	}
	cJSON_Delete(error_data);
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

/* stop and delete: one call for every known app of the file. */
static int stop_or_delete(struct pmc_cli *cli, const struct pmc_args *args,
                          const struct pmc_eco *eco, const enum step *steps, const char *verb,
                          const char *file)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *targets = cJSON_AddArrayToObject(params, "targets");
	int rc = 0;

	for (size_t i = 0; i < eco->n_apps; i++) {
		if (steps[i] == STEP_SKIP)
			fprintf(stderr,
			        "pmc: warning: %s: app '%s' is not known to pmc (skipped)\n", file,
			        eco->apps[i].name);
		else
			cJSON_AddItemToArray(targets, cJSON_CreateString(eco->apps[i].name));
	}
	if (cJSON_GetArraySize(targets) == 0) {
		pmc_cli_error("%s: none of its apps is known to pmc", file);
		rc = PMC_EXIT_DAEMON;
		goto out;
	}
	if (!args->json) {
		const cJSON *t;
		printf("[pmc] %s", strcmp(verb, "stop") == 0 ? "Stopping" : "Deleting");
		cJSON_ArrayForEach(t, targets)
		    printf("%s%s", t == targets->child ? " " : ", ", t->valuestring);
		putchar('\n');
	}
	rc = pmc_cli_call(cli, verb, params, pmc_cli_stop_timeout(cli), NULL);
out:
	cJSON_Delete(params);
	return rc;
}

/* The listing, or with --json the entries of the file's apps. */
static int print_result(struct pmc_cli *cli, const struct pmc_args *args, const struct pmc_eco *eco)
{
	cJSON *list = NULL, *out;
	const cJSON *entry;
	char *table;
	int rc;

	rc = pmc_cli_call(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list);
	if (rc)
		return rc;
	if (args->json) {
		out = cJSON_CreateArray();
		cJSON_ArrayForEach(entry, list)
		{
			const char *n =
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "name"));
			if (n && pmc_eco_app_find(eco, n))
				cJSON_AddItemToArray(out, cJSON_Duplicate(entry, true));
		}
		pmc_cli_print_json(out);
		cJSON_Delete(out);
	} else {
		table = pmc_render_list(list, cli->color, pmc_clock_wall_ms());
		fputs(table, stdout);
		free(table);
	}
	cJSON_Delete(list);
	return 0;
}

int pmc_eco_run(struct pmc_cli *cli, const struct pmc_args *args, const char *verb)
{
	const char *file = args->pos.items[0];
	struct pmc_eco_opts opts = {0};
	struct pmc_eco eco = {0};
	enum step *steps = NULL;
	cJSON *list = NULL, *environ_json;
	char *cause = NULL, *only_store = NULL;
	const char **only;
	bool start_flags = strcmp(verb, "start") == 0;
	size_t profiles, i;
	int rc, err;

	opts.profile = env_profile(args, &profiles);
	only = only_names(args, &opts.n_only, &only_store);
	opts.only = only;
	err = pmc_eco_load(file, &opts, &eco, &cause);
	for (i = 0; i < eco.n_warnings; i++)
		fprintf(stderr, "pmc: warning: %s\n", eco.warnings[i]);
	if (err < 0) {
		/* Every error, one per line; nothing was started. */
		pmc_cli_error("%s", cause);
		rc = PMC_EXIT_DAEMON;
		goto out;
	}
	if (start_flags && args->name && eco.n_apps != 1) {
		pmc_cli_error("--name: %s has %zu apps (pick one with --only)", file, eco.n_apps);
		rc = PMC_EXIT_USAGE;
		goto out;
	}
	environ_json = pmc_cmd_start_environ();
	for (i = 0; i < eco.n_apps; i++) {
		cJSON *def = eco.apps[i].def;
		if (start_flags) {
			apply_overrides(def, args);
			free(eco.apps[i].name);
			eco.apps[i].name = xstrdup(
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(def, "name")));
		}
		cJSON_AddItemToObject(def, "env_inherit", cJSON_Duplicate(environ_json, true));
	}
	cJSON_Delete(environ_json);
	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	rc = pmc_cli_call(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list);
	if (rc)
		goto out;
	steps = xcalloc(eco.n_apps ? eco.n_apps : 1, sizeof *steps);
	for (i = 0; i < eco.n_apps; i++) {
		steps[i] = step_of(verb, is_known(list, eco.apps[i].name));
		if (steps[i] == STEP_RESTART || steps[i] == STEP_RELOAD)
			warn_other_script(list, &eco.apps[i], file);
	}
	if (strcmp(verb, "stop") == 0 || strcmp(verb, "delete") == 0) {
		rc = stop_or_delete(cli, args, &eco, steps, verb, file);
	} else {
		rc = check_starts(cli, &eco, steps, file);
		if (rc) {
			fprintf(stderr, "pmc: %s: nothing was started\n", file);
			goto out;
		}
		for (i = 0; i < eco.n_apps; i++) {
			err = do_step(cli, args, &eco.apps[i], steps[i]);
			if (err == PMC_EXIT_UNREACHABLE) {
				rc = err;
				goto out;
			}
			if (err)
				rc = err;
		}
	}
	if (rc != PMC_EXIT_UNREACHABLE) {
		int list_rc = print_result(cli, args, &eco);
		if (!rc)
			rc = list_rc;
	}
out:
	cJSON_Delete(list);
	free(steps);
	pmc_eco_free(&eco);
	free(cause);
	free(only);
	free(only_store);
	return rc;
}

/* --only and --env, in both tables. */
#define ECO_FLAGS                                                                                  \
	{.name = "only",                                                                           \
	 .kind = PMC_FLAG_STRINGS,                                                                 \
	 .offset = offsetof(struct pmc_args, only),                                                \
	 .value_name = "A,B",                                                                      \
	 .help = "with an ecosystem file: only these apps (repeatable)"},                          \
	{                                                                                          \
		.name = "env", .kind = PMC_FLAG_STRINGS, .offset = offsetof(struct pmc_args, env), \
		.value_name = "PROFILE",                                                           \
		.help = "with an ecosystem file: its env, then env_PROFILE over it"                \
	}

const struct pmc_flag pmc_eco_flags[] = {
    ECO_FLAGS,
    {0},
};

const struct pmc_flag pmc_eco_update_flags[] = {
    ECO_FLAGS,
    {.name = "update-env",
     .shorts = "a",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, update_env),
     .help = "the apps take this shell's environment (always with a file)"},
    {0},
};
