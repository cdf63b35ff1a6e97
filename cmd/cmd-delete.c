/* SPDX-License-Identifier: MIT */
/* `pmc delete TARGET...`: stop and forget the target apps, then the ls table. */
#include "cli.h"
#include "ecosystem-run.h"

static int run_delete(struct pmc_cli *cli, const struct pmc_args *args)
{
	if (pmc_eco_args_file(args))
		return pmc_eco_run(cli, args, "delete");
	return pmc_cli_run_targets(cli, args, "delete", "Deleting");
}

static const char *const delete_aliases[] = { "del", NULL };

const struct pmc_cli_command pmc_cmd_delete = {
	.name = "delete",
	.aliases = delete_aliases,
	.min_args = 1,
	.max_args = -1,
	.flags = pmc_eco_flags,
	.usage = "TARGET...|FILE [--only A,B] [--json]",
	.summary = "Stop apps and forget them (their history is kept)",
	.details = "TARGET is an app name, a pm_id or 'all'; several may be given. With --json, prints\n"
		   "the listing as JSON instead of the table. FILE is an ecosystem file: the apps it\n"
		   "names are deleted.",
	.run = run_delete,
	.check = pmc_eco_check_args,
};
