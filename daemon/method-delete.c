/* SPDX-License-Identifier: MIT */
/* RPC delete {targets}: see targets.c for what it does to each instance. */
#include "methods.h"

static const struct pmc_param params[] = {
	{ "targets", PMC_PARAM_STRINGS, true },
};

static void method_delete(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	pmc_method_targets_act(d, call, p, "delete");
}

const struct pmc_method pmc_method_delete = { "delete", method_delete, params, 1, 0 };
