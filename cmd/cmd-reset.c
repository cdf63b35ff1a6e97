/* SPDX-License-Identifier: MIT */
/* `pmc reset TARGET...`: reset the counters of the target instances, then the ls table. */
#include "cli.h"

static int run_reset(struct pmc_cli *cli, const struct pmc_args *args)
{
	return pmc_cli_run_targets(cli, args, "reset", "Resetting");
}

const struct pmc_cli_command pmc_cmd_reset = {
	.name = "reset",
	.min_args = 1,
	.max_args = -1,
	.usage = "TARGET... [--json]",
	.summary = "Set the restart counts of apps to 0 and their creation time to now",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. With --json, prints\n"
		   "the listing as JSON instead of the table.",
	.run = run_reset,
};
