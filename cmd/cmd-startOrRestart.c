/* SPDX-License-Identifier: MIT */
/* `pmc startOrRestart FILE`: apps pmc knows are restarted, the others started. */
#include "cli.h"
#include "ecosystem-run.h"

static int run_startOrRestart(struct pmc_cli *cli, const struct pmc_args *args)
{
	return pmc_eco_run(cli, args, "startOrRestart");
}

const struct pmc_cli_command pmc_cmd_startOrRestart = {
    .name = "startOrRestart",
    .min_args = 1,
    .max_args = 1,
    .flags = pmc_eco_update_flags,
    .usage = "FILE [--only A,B] [--env PROFILE] [--json]",
    .summary = "Start the apps of an ecosystem file; those already known are restarted",
    .details =
        "FILE is an ecosystem file (*.json, *.config.js, *.config.cjs). Every app is checked\n"
        "before any is touched. Known apps take the file's env and this shell's environment.",
    .run = run_startOrRestart,
    .check = pmc_eco_check_file_args,
};
