/* SPDX-License-Identifier: MIT */
/* `pmc restart TARGET...`: restart the target instances, then the ls table. */
#include "cli.h"
#include "ecosystem-run.h"

static int run_restart(struct pmc_cli *cli, const struct pmc_args *args)
{
	if (pmc_eco_args_file(args))
		return pmc_eco_run(cli, args, "restart");
	return pmc_cli_run_targets(cli, args, "restart", "Restarting");
}

const struct pmc_cli_command pmc_cmd_restart = {
	.name = "restart",
	.min_args = 1,
	.max_args = -1,
	.flags = pmc_eco_update_flags,
	.usage = "TARGET...|FILE [--update-env] [--only A,B] [--env PROFILE] [--json]",
	.summary = "Restart apps (stop them if they run, then start them)",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. Returns once every\n"
		   "target instance is online again (or errored). With --json, prints the listing as JSON\n"
		   "instead of the table. --update-env gives the apps this shell's environment.\n"
		   "\n"
		   "FILE is an ecosystem file (*.json, *.config.js, *.config.cjs): its apps are\n"
		   "restarted with the file's env (and this shell's), those pmc does not know are\n"
		   "started (as startOrRestart).",
	.run = run_restart,
	.check = pmc_eco_check_args,
};
