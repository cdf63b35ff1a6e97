/* SPDX-License-Identifier: MIT */
/* `pmc ls`: the table of every instance, sorted by pm_id. */
#include "cli.h"

static int run_ls(struct pmc_cli *cli, const struct pmc_args *args)
{
	return pmc_cli_print_list(cli, args->json);
}

static const char *const ls_aliases[] = { "list", "status", "ps", "l", NULL };

const struct pmc_cli_command pmc_cmd_ls = {
	.name = "ls",
	.aliases = ls_aliases,
	.min_args = 0,
	.max_args = 0,
	.usage = "[--json]",
	.summary = "List every instance in a table",
	.details = "Columns: id, name, mode, pid, uptime, restarts (↺), status, cpu, mem, user.\n"
		   "With --json, prints the listing as JSON (as jlist).",
	.run = run_ls,
};
