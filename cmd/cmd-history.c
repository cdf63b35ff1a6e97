/* SPDX-License-Identifier: MIT */
/* `pmc history [TARGET]`: the restart history, oldest first. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "clock.h"
#include "render.h"

static int run_history(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *result = NULL;
	char *text;
	int rc;

	if (args->pos.n)
		cJSON_AddStringToObject(params, "target", args->pos.items[0]);
	if (args->limit.set)
		cJSON_AddNumberToObject(params, "limit", (double)args->limit.value);
	rc = pmc_cli_call(cli, "history", params, PMC_CALL_TIMEOUT_MS, &result);
	if (rc)
		goto out;
	if (args->json) {
		pmc_cli_print_json(result);
	} else {
		text = pmc_render_history(cJSON_GetObjectItemCaseSensitive(result, "events"),
					  cli->color, pmc_clock_wall_ms());
		fputs(text, stdout);
		free(text);
	}
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

static const struct pmc_flag history_flags[] = {
	{ .name = "limit",
	  .kind = PMC_FLAG_INT,
	  .offset = offsetof(struct pmc_args, limit),
	  .min = 1,
	  .max = 10000,
	  .value_name = "N",
	  .help = "print the newest N events (default 50, at most 10000)" },
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_history = {
	.name = "history",
	.min_args = 0,
	.max_args = 1,
	.flags = history_flags,
	.usage = "[TARGET] [--limit N] [--json]",
	.summary = "Show the restart history of one app or of all apps",
	.details = "Columns: time, app, id, pid, event, exit, signal, ran, reason; oldest first.\n"
		   "With --json, prints the daemon's history result.",
	.run = run_history,
};
