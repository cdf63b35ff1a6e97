/* SPDX-License-Identifier: MIT */
/* `pmc stop TARGET...`: stop the target instances, then the ls table. */
#include "cli.h"
#include "ecosystem-run.h"

static int run_stop(struct pmc_cli *cli, const struct pmc_args *args)
{
	if (pmc_eco_args_file(args))
		return pmc_eco_run(cli, args, "stop");
	return pmc_cli_run_targets(cli, args, "stop", "Stopping");
}

const struct pmc_cli_command pmc_cmd_stop = {
	.name = "stop",
	.min_args = 1,
	.max_args = -1,
	.flags = pmc_eco_flags,
	.usage = "TARGET...|FILE [--only A,B] [--json]",
	.summary = "Stop apps: the stop signal, then SIGKILL after the kill timeout",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. Returns once every\n"
		   "target instance is stopped. With --json, prints the listing as JSON instead of the table.\n"
		   "FILE is an ecosystem file: the apps it names are stopped.",
	.run = run_stop,
	.check = pmc_eco_check_args,
};
