/* SPDX-License-Identifier: MIT */
/* RPC describe {target}: the target's list entries plus its last restarts. */
#include <stdlib.h>

#include "clock.h"
#include "daemon.h"
#include "jsonrpc.h"
#include "methods.h"
#include "metrics.h"

#define DESCRIBE_EVENTS 10

static const struct pmc_param params[] = {
	{ "target", PMC_PARAM_STRING, true },
};

static void add_events(struct pmc_daemon *d, cJSON *list, const char *app)
{
	struct pmc_store_event *events = NULL;
	size_t n = 0, i;

	if (pmc_store_event_list(d->store, app, -1, DESCRIBE_EVENTS, &events, &n) < 0)
		return;
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list, pmc_event_to_json(&events[i]));
	pmc_store_events_free(events, n);
}

static void method_describe(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	cJSON *targets = cJSON_CreateArray();
	struct pmc_instance **insts = NULL;
	cJSON *result, *procs, *events, *data = NULL;
	char *cause = NULL;
	size_t n = 0, i;

	cJSON_AddItemToArray(targets,
			     cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "target"), 1));
	if (pmc_registry_resolve(&d->registry, targets, &insts, &n, &cause, &data) < 0) {
		pmc_call_error(call, PMC_RPC_NOT_FOUND, cause, data);
		free(cause);
		cJSON_Delete(targets);
		return;
	}
	cJSON_Delete(targets);
	result = cJSON_CreateObject();
	procs = cJSON_AddArrayToObject(result, "processes");
	events = cJSON_AddArrayToObject(result, "events");
	for (i = 0; i < n; i++) {
		cJSON *entry = pmc_instance_to_json(insts[i]);
		cJSON *monit = cJSON_GetObjectItemCaseSensitive(entry, "monit");
		/* The last minute of samples: describe's summary, monit's charts. */
		cJSON_AddItemToObject(monit, "last_minute",
				      pmc_metrics_summary_to_json(insts[i], pmc_clock_wall_ms()));
		cJSON_AddItemToObject(monit, "history", pmc_metrics_history_to_json(insts[i]));
		cJSON_AddItemToArray(procs, entry);
		if (i == 0 || insts[i]->app != insts[i - 1]->app)
			add_events(d, events, insts[i]->app->def.name);
	}
	free(insts);
	pmc_call_reply(call, result);
}

const struct pmc_method pmc_method_describe = { "describe", method_describe, params, 1, 1 };
