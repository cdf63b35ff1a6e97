/* SPDX-License-Identifier: MIT */
/* The pmc program: everything happens in the command table of cli.c. */
#include "cli.h"

int main(int argc, char **argv)
{
	return pmc_cli_main(argc, argv);
}
