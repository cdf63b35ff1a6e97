/* SPDX-License-Identifier: MIT */
/* RPC update: re-execute the installed pmcd in place; apps keep running with their pids. */
#include "daemon.h"
#include "methods.h"
#include "update.h"

static void method_update(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params)
{
	(void)params;
	pmc_update_begin(d, call);
}

const struct pmc_method pmc_method_update = {"update", method_update, NULL, 0, 0};
