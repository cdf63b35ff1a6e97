/* SPDX-License-Identifier: MIT */
/* `pmc reloadLogs`: have the daemon reopen every log file, after an outside tool moved them. */
#include <stdio.h>

#include "cli.h"

static int run_reload_logs(struct pmc_cli *cli, const struct pmc_args *args)
{
	const cJSON *files;
	cJSON *result = NULL;
	int rc, n;

	rc = pmc_cli_call(cli, "reloadLogs", NULL, PMC_CALL_TIMEOUT_MS, &result);
	if (rc)
		goto out;
	if (args->json) {
		pmc_cli_print_json(result);
		goto out;
	}
	files = cJSON_GetObjectItemCaseSensitive(result, "files");
	n = cJSON_IsNumber(files) ? (int)files->valuedouble : 0;
	printf("[pmc] Reopened %d log file%s\n", n, n == 1 ? "" : "s");
out:
	cJSON_Delete(result);
	return rc;
}

const struct pmc_cli_command pmc_cmd_reloadLogs = {
	.name = "reloadLogs",
	.min_args = 0,
	.max_args = 0,
	.usage = "[--json]",
	.summary = "Reopen every log file (after logrotate or a move)",
	.details = "The daemon closes and reopens the log files of every app and its own log\n"
		   "(pmcd.log), and reads the rotation settings of pmcd.conf again; SIGUSR2 to\n"
		   "pmcd does the same. With --json prints the daemon's answer {\"files\": N}.",
	.run = run_reload_logs,
};
