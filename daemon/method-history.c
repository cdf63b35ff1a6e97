/* SPDX-License-Identifier: MIT */
/* RPC history {target?, limit?}: restart history from the store, oldest first. */
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "methods.h"
#include "xmalloc.h"

#define HISTORY_DEFAULT_LIMIT 50
#define HISTORY_MAX_LIMIT     10000

static const struct pmc_param params[] = {
	{ "limit", PMC_PARAM_INT, false },
	{ "target", PMC_PARAM_STRING, false },
};

/* A target that is no longer an app (deleted) still has history by name. */
static int target_filter(struct pmc_daemon *d, const char *target, const char **app, int *pm_id)
{
	struct pmc_instance *inst;
	char *end;
	long id;

	*app = NULL;
	*pm_id = -1;
	if (!target || strcmp(target, "all") == 0)
		return 0;
	if (pmc_registry_app_find(&d->registry, target)) {
		*app = target;
		return 0;
	}
	id = strtol(target, &end, 10);
	if (*target && !*end && (inst = pmc_registry_instance_find(&d->registry, (int)id))) {
		*pm_id = inst->pm_id;
		return 0;
	}
	*app = target; /* maybe a deleted app: an empty answer is honest */
	return 0;
}

static void method_history(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *limit_json = cJSON_GetObjectItemCaseSensitive(p, "limit");
	const char *target = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "target"));
	struct pmc_store_event *events = NULL;
	double limit = limit_json ? limit_json->valuedouble : HISTORY_DEFAULT_LIMIT;
	const char *app;
	cJSON *result, *list;
	size_t n = 0, i;
	int pm_id;

	if (limit < 1 || limit > HISTORY_MAX_LIMIT) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, "params.limit must be 1..10000", NULL);
		return;
	}
	target_filter(d, target, &app, &pm_id);
	if (pmc_store_event_list(d->store, app, pm_id, (int)limit, &events, &n) < 0) {
		pmc_call_error(call, PMC_RPC_STORE_FAILED, pmc_store_errmsg(d->store), NULL);
		return;
	}
	result = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(result, "events");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list, pmc_event_to_json(&events[i]));
	pmc_store_events_free(events, n);
	pmc_call_reply(call, result);
}

const struct pmc_method pmc_method_history = { "history", method_history, params, 2, 1 };
