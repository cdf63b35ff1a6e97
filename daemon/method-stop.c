/* SPDX-License-Identifier: MIT */
/* RPC stop {targets}: see targets.c for what it does to each instance. */
#include "methods.h"

static const struct pmc_param params[] = {
	{ "targets", PMC_PARAM_STRINGS, true },
};

static void method_stop(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	pmc_method_targets_act(d, call, p, "stop");
}

const struct pmc_method pmc_method_stop = { "stop", method_stop, params, 1, 0 };
