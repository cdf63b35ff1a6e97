/* SPDX-License-Identifier: MIT */
/* RPC save {name?, force?, list?}: snapshot the app set, or with list name the snapshots. */
#include <stdlib.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "methods.h"
#include "snapshot.h"

static const struct pmc_param params[] = {
    {"name", PMC_PARAM_STRING, false},
    {"force", PMC_PARAM_BOOL, false},
    {"list", PMC_PARAM_BOOL, false},
};

static void method_save(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "name"));
	bool force = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "force"));
	cJSON *result = NULL;
	char *cause = NULL;
	int code;

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "list"))) {
		cJSON *list = pmc_snapshot_list(d, &cause);

		if (!list) {
			pmc_call_error(call, PMC_RPC_STORE_FAILED, cause, NULL);
			free(cause);
			return;
		}
		result = cJSON_CreateObject();
		cJSON_AddItemToObject(result, "snapshots", list);
		pmc_call_reply(call, result);
		return;
	}
	code = pmc_snapshot_save(d, name ? name : PMC_SNAPSHOT_DEFAULT, force, &result, &cause);
	if (code) {
		pmc_call_error(call, code, cause, NULL);
		free(cause);
		return;
	}
	pmc_call_reply(call, result);
}

const struct pmc_method pmc_method_save = {"save", method_save, params, 3, 0};
