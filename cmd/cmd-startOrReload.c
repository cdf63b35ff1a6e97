/* SPDX-License-Identifier: MIT */
/* `pmc startOrReload FILE`: apps pmc knows are reloaded, the others started. */
#include "cli.h"
#include "ecosystem-run.h"

static int run_startOrReload(struct pmc_cli *cli, const struct pmc_args *args)
{
	return pmc_eco_run(cli, args, "startOrReload");
}

const struct pmc_cli_command pmc_cmd_startOrReload = {
    .name = "startOrReload",
    .min_args = 1,
    .max_args = 1,
    .flags = pmc_eco_update_flags,
    .usage = "FILE [--only A,B] [--env PROFILE] [--json]",
    .summary = "Start the apps of an ecosystem file; those already known are reloaded",
    .details =
        "FILE is an ecosystem file (*.json, *.config.js, *.config.cjs). Every app is checked\n"
        "before any is touched. Known apps take the file's env and this shell's environment.",
    .run = run_startOrReload,
    .check = pmc_eco_check_file_args,
};
