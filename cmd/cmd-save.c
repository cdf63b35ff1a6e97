/* SPDX-License-Identifier: MIT */
/* `pmc save [NAME]`: snapshot the app set for resurrect; `--list` names the snapshots. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "name.h"
#include "render.h"
#include "xmalloc.h"

static const struct pmc_flag save_flags[] = {
    {.name = "force",
     .shorts = "f",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, force),
     .help = "save even when no app is defined (an empty snapshot)"},
    {.name = "list",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, list),
     .help = "list the saved snapshots instead of saving"},
    {0},
};

static int check_save(const struct pmc_args *args, char **cause)
{
	if (args->pos.n && args->list) {
		*cause = xstrdup("save: --list takes no snapshot name");
		return -EINVAL;
	}
	if (args->pos.n && !pmc_name_valid(args->pos.items[0])) {
		*cause =
		    xasprintf("save: invalid snapshot name '%s' (use letters, digits, '.', '_' "
		              "and '-', at most %d, not starting with '.')",
		              args->pos.items[0], PMC_NAME_MAX);
		return -EINVAL;
	}
	return 0;
}

static void print_snapshots(const cJSON *list)
{
	const cJSON *s;
	char when[64];

	if (!cJSON_GetArraySize(list)) {
		puts("[pmc] No snapshots saved yet (pmc save [NAME])");
		return;
	}
	printf("%-24s %-26s %s\n", "name", "saved", "apps");
	cJSON_ArrayForEach(s, list) {
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(s, "saved_at");
		const cJSON *apps = cJSON_GetObjectItemCaseSensitive(s, "apps");

		pmc_render_time_iso(cJSON_IsNumber(at) ? (int64_t)at->valuedouble : 0, when,
		                    sizeof when);
		printf("%-24s %-26s %d\n",
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name")), when,
		       cJSON_IsNumber(apps) ? (int)apps->valuedouble : 0);
	}
}

static int run_save(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject(), *result = NULL;
	const cJSON *n, *file, *file_error;
	int rc;

	if (args->pos.n)
		cJSON_AddStringToObject(params, "name", args->pos.items[0]);
	if (args->force)
		cJSON_AddTrueToObject(params, "force");
	if (args->list)
		cJSON_AddTrueToObject(params, "list");
	rc = pmc_cli_call(cli, "save", params, PMC_CALL_TIMEOUT_MS, &result);
	if (rc)
		goto out;
	if (args->json) {
		pmc_cli_print_json(
		    args->list ? cJSON_GetObjectItemCaseSensitive(result, "snapshots") : result);
		goto out;
	}
	if (args->list) {
		print_snapshots(cJSON_GetObjectItemCaseSensitive(result, "snapshots"));
		goto out;
	}
	n = cJSON_GetObjectItemCaseSensitive(result, "apps");
	file = cJSON_GetObjectItemCaseSensitive(result, "file");
	file_error = cJSON_GetObjectItemCaseSensitive(result, "file_error");
	printf("[pmc] Saved %d app%s as '%s'\n", cJSON_IsNumber(n) ? (int)n->valuedouble : 0,
	       cJSON_IsNumber(n) && (int)n->valuedouble == 1 ? "" : "s",
	       args->pos.n ? args->pos.items[0] : "default");
	if (cJSON_IsString(file))
		printf("[pmc] Dump file: %s\n", file->valuestring);
	if (cJSON_IsString(file_error))
		pmc_cli_error("warning: %s", file_error->valuestring);
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

const struct pmc_cli_command pmc_cmd_save = {
    .name = "save",
    .aliases = (const char *const[]){"dump", NULL},
    .min_args = 0,
    .max_args = 1,
    .flags = save_flags,
    .usage = "[NAME] [--force] [--list] [--json]",
    .summary = "Save the apps and their states as a snapshot for resurrect",
    .details = "Stores every app's definition and desired state (online or stopped) under NAME\n"
               "(default 'default'), writes the same list as a PM2-style dump file\n"
               "(PMC_HOME/dump.pmc.json, or dump-NAME.pmc.json; mode 0600: it holds the apps'\n"
               "environment) and refreshes the database backup pmc.db.bak. With no app\n"
               "defined it refuses unless --force. --list prints the saved snapshots.",
    .run = run_save,
    .check = check_save,
};
