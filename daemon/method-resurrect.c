/* SPDX-License-Identifier: MIT */
/* RPC resurrect {name?}: bring back a saved snapshot; answers once started apps settle. */
#include <stdlib.h>

#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "methods.h"
#include "snapshot.h"
#include "waiter.h"

static const struct pmc_param params[] = {
    {"name", PMC_PARAM_STRING, false},
};

static void reply_resurrected(struct pmc_daemon *d, struct pmc_waiter *w)
{
	cJSON *result = w->data;

	(void)d;
	cJSON_AddItemToObject(result, "ids", pmc_waiter_ids_json(w));
	pmc_call_reply(w->call, result);
}

static void method_resurrect(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "name"));
	struct pmc_instance **insts = NULL;
	cJSON *result = NULL;
	char *cause = NULL;
	size_t n = 0;
	int code;

	code = pmc_snapshot_resurrect(d, name ? name : PMC_SNAPSHOT_DEFAULT, &result, &insts, &n,
	                              &cause);
	if (code) {
		pmc_call_error(call, code, cause, NULL);
		free(cause);
		return;
	}
	pmc_waiter_add(d, call, insts, n, pmc_instance_settled, reply_resurrected, result);
	free(insts);
}

const struct pmc_method pmc_method_resurrect = {"resurrect", method_resurrect, params, 1, 0};
