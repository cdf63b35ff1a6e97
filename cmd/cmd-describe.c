/* SPDX-License-Identifier: MIT */
/* `pmc describe TARGET`: every setting and counter of an app's instances, and its last events. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "clock.h"
#include "render.h"

static int run_describe(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *result = NULL;
	char *text;
	int rc;

	cJSON_AddStringToObject(params, "target", args->pos.items[0]);
	rc = pmc_cli_call(cli, "describe", params, PMC_CALL_TIMEOUT_MS, &result);
	if (rc)
		goto out;
	if (args->json) {
		pmc_cli_print_json(result);
	} else {
		text = pmc_render_describe(result, cli->color, pmc_clock_wall_ms());
		fputs(text, stdout);
		free(text);
	}
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

static const char *const describe_aliases[] = { "show", "info", "desc", NULL };

const struct pmc_cli_command pmc_cmd_describe = {
	.name = "describe",
	.aliases = describe_aliases,
	.min_args = 1,
	.max_args = 1,
	.usage = "TARGET [--json]",
	.summary = "Show the settings, counters and last events of an app",
	.details = "TARGET is an app name or a pm_id. With --json, prints the daemon's describe result.",
	.run = run_describe,
};
