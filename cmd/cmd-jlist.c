/* SPDX-License-Identifier: MIT */
/* `pmc jlist`: the listing as one line of JSON in PM2's jlist shape. */
#include "cli.h"

static int run_jlist(struct pmc_cli *cli, const struct pmc_args *args)
{
	(void)args;
	return pmc_cli_print_list(cli, true);
}

const struct pmc_cli_command pmc_cmd_jlist = {
	.name = "jlist",
	.min_args = 0,
	.max_args = 0,
	.usage = "",
	.summary = "Print the listing as one line of JSON (PM2's jlist shape)",
	.run = run_jlist,
};
