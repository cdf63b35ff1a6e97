/* SPDX-License-Identifier: MIT */
/* pmcd's entry point. */
#include "daemon.h"

int main(int argc, char **argv)
{
	return pmc_daemon_main(argc, argv);
}
