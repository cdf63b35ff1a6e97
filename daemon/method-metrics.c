/* SPDX-License-Identifier: MIT */
/* RPC metrics {listen?, stop?}: show, start or stop the Prometheus /metrics endpoint. */
#include <errno.h>
#include <stdlib.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "methods.h"
#include "metrics.h"
#include "xmalloc.h"

static const struct pmc_param params[] = {
    {"listen", PMC_PARAM_STRING, false},
    {"stop", PMC_PARAM_BOOL, false},
};

static void method_metrics(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *listen = cJSON_GetObjectItemCaseSensitive(p, "listen");
	const cJSON *stop = cJSON_GetObjectItemCaseSensitive(p, "stop");
	const char *addr;
	char *cause = NULL;
	cJSON *result;
	int err = 0;

	if (listen && cJSON_IsTrue(stop)) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, "give listen or stop, not both", NULL);
		return;
	}
	if (listen)
		err = pmc_metrics_listen(d, listen->valuestring, &cause);
	else if (cJSON_IsTrue(stop))
		err = pmc_metrics_listen(d, NULL, &cause);
	if (err < 0) {
		pmc_call_error(call, err == -EINVAL ? PMC_RPC_BAD_ARGUMENT : PMC_RPC_INTERNAL_ERROR,
		               cause, NULL);
		free(cause);
		return;
	}
	result = cJSON_CreateObject();
	cJSON_AddNumberToObject(result, "interval_ms", (double)pmc_metrics_interval(d));
	addr = pmc_metrics_listening(d);
	if (addr) {
		char *url = xasprintf("http://%s/metrics", addr);
		cJSON_AddStringToObject(result, "listen", addr);
		cJSON_AddStringToObject(result, "url", url);
		free(url);
	} else {
		cJSON_AddNullToObject(result, "listen");
	}
	pmc_call_reply(call, result);
}

const struct pmc_method pmc_method_metrics = {"metrics", method_metrics, params, 2, 0};
