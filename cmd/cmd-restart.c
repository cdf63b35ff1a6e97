/* SPDX-License-Identifier: MIT */
/* `pmc restart TARGET...`: restart the target instances, then the ls table. */
#include "cli.h"

static int run_restart(struct pmc_cli *cli, const struct pmc_args *args)
{
	return pmc_cli_run_targets(cli, args, "restart", "Restarting");
}

const struct pmc_cli_command pmc_cmd_restart = {
	.name = "restart",
	.min_args = 1,
	.max_args = -1,
	.usage = "TARGET... [--json]",
	.summary = "Restart apps (stop them if they run, then start them)",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. Returns once every\n"
		   "target instance is online again (or errored). With --json, prints the listing as JSON\n"
		   "instead of the table.",
	.run = run_restart,
};
