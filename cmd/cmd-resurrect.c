/* SPDX-License-Identifier: MIT */
/* `pmc resurrect [NAME]`: bring back the apps of a saved snapshot, then the ls table. */
#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "name.h"
#include "xmalloc.h"

static int check_resurrect(const struct pmc_args *args, char **cause)
{
	if (args->pos.n && !pmc_name_valid(args->pos.items[0])) {
		*cause = xasprintf("resurrect: invalid snapshot name '%s'", args->pos.items[0]);
		return -EINVAL;
	}
	return 0;
}

/* "a, b" from a JSON array of strings, on one line after label; nothing when empty. */
static void print_names(const char *label, const cJSON *names)
{
	const cJSON *n;
	const char *sep = "";

	if (!cJSON_GetArraySize(names))
		return;
	printf("[pmc] %s: ", label);
	cJSON_ArrayForEach(n, names) {
		printf("%s%s", sep, cJSON_GetStringValue(n));
		sep = ", ";
	}
	putchar('\n');
}

static int run_resurrect(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject(), *result = NULL;
	const cJSON *failed, *f;
	int rc;

	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	if (args->pos.n)
		cJSON_AddStringToObject(params, "name", args->pos.items[0]);
	rc = pmc_cli_call(cli, "resurrect", params, pmc_cli_replace_timeout(cli), &result);
	if (rc)
		goto out;
	failed = cJSON_GetObjectItemCaseSensitive(result, "failed");
	if (args->json) {
		pmc_cli_print_json(result);
	} else {
		print_names("Resurrected", cJSON_GetObjectItemCaseSensitive(result, "resurrected"));
		print_names("Already present, left alone",
		            cJSON_GetObjectItemCaseSensitive(result, "present"));
		if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(result, "resurrected")) &&
		    !cJSON_GetArraySize(failed))
			puts("[pmc] Nothing to resurrect");
	}
	cJSON_ArrayForEach(f, failed) {
		pmc_cli_error("%s: %s",
		              cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name")),
		              cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "error")));
	}
	if (!args->json)
		rc = pmc_cli_print_list(cli, false);
	if (rc == 0 && cJSON_GetArraySize(failed))
		rc = PMC_EXIT_DAEMON;
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

const struct pmc_cli_command pmc_cmd_resurrect = {
    .name = "resurrect",
    .min_args = 0,
    .max_args = 1,
    .usage = "[NAME] [--json]",
    .summary = "Bring back the apps of a saved snapshot",
    .details = "Reads snapshot NAME (default 'default') from the store, or, when the store has\n"
               "none, its dump file (PMC_HOME/dump.pmc.json or dump-NAME.pmc.json, e.g. copied\n"
               "from another machine). Apps whose name already exists are left alone; the\n"
               "others come back with their saved definition, and those saved stopped stay\n"
               "stopped. An app that cannot come back (its script is gone…) is reported and\n"
               "makes the exit status 1; the others still start. Then prints the ls table.",
    .run = run_resurrect,
    .check = check_resurrect,
};
