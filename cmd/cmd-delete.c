/* SPDX-License-Identifier: MIT */
/* `pmc delete TARGET...`: stop and forget the target apps, then the ls table. */
#include "cli.h"

static int run_delete(struct pmc_cli *cli, const struct pmc_args *args)
{
	return pmc_cli_run_targets(cli, args, "delete", "Deleting");
}

static const char *const delete_aliases[] = { "del", NULL };

const struct pmc_cli_command pmc_cmd_delete = {
	.name = "delete",
	.aliases = delete_aliases,
	.min_args = 1,
	.max_args = -1,
	.usage = "TARGET... [--json]",
	.summary = "Stop apps and forget them (their history is kept)",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. With --json, prints\n"
		   "the listing as JSON instead of the table.",
	.run = run_delete,
};
