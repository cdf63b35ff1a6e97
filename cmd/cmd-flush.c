/* SPDX-License-Identifier: MIT */
/* `pmc flush [TARGET...]`: empty the apps' log files (all of them and pmcd.log without targets). */
#include <stdio.h>

#include "cli.h"

static int run_flush(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = args->pos.n ? pmc_cli_targets_params(args) : cJSON_CreateObject();
	cJSON *result = NULL;
	const cJSON *files, *path;
	int rc, n;

	rc = pmc_cli_call(cli, "flush", params, PMC_CALL_TIMEOUT_MS, &result);
	if (rc)
		goto out;
	if (args->json) {
		pmc_cli_print_json(result);
		goto out;
	}
	files = cJSON_GetObjectItemCaseSensitive(result, "files");
	cJSON_ArrayForEach(path, files)
		if (cJSON_IsString(path))
			printf("[pmc] Flushing %s\n", path->valuestring);
	n = cJSON_GetArraySize(files);
	printf("[pmc] Flushed %d file%s\n", n, n == 1 ? "" : "s");
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

const struct pmc_cli_command pmc_cmd_flush = {
	.name = "flush",
	.min_args = 0,
	.max_args = -1,
	.usage = "[TARGET...] [--json]",
	.summary = "Empty the log files of apps",
	.details = "TARGET is an app name, a pm_id or all. Without a TARGET, every app's log files\n"
		   "and the daemon's own log (pmcd.log) are emptied. Prints each file emptied (with\n"
		   "--json, the daemon's answer {\"files\": [PATH...]}).",
	.run = run_flush,
};
