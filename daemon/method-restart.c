/* SPDX-License-Identifier: MIT */
/* RPC restart {targets, env?, env_inherit?}: see targets.c for what it does to each instance. */
#include "methods.h"

static const struct pmc_param params[] = {
	{ "env", PMC_PARAM_OBJECT, false },
	{ "env_inherit", PMC_PARAM_OBJECT, false },
	{ "targets", PMC_PARAM_STRINGS, true },
};

static void method_restart(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	pmc_method_targets_act(d, call, p, "restart");
}

const struct pmc_method pmc_method_restart = { "restart", method_restart, params, 3, 0 };
