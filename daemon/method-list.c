/* SPDX-License-Identifier: MIT */
/* RPC list: every instance in PM2's jlist shape, by pm_id. */
#include "daemon.h"
#include "methods.h"

static void method_list(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params)
{
	cJSON *result = cJSON_CreateArray();
	struct pmc_instance *inst;

	(void)params;
	for (inst = d->registry.instances; inst; inst = inst->next)
		cJSON_AddItemToArray(result, pmc_instance_to_json(inst));
	pmc_call_reply(call, result);
}

const struct pmc_method pmc_method_list = { "list", method_list, NULL, 0, 1 };
