/* SPDX-License-Identifier: MIT */
/* RPC reload {targets, parallel?, env?, env_inherit?}: rolling, zero-downtime replacement (see reload.c). */
#include <stdlib.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "methods.h"
#include "reload.h"
#include "xmalloc.h"

static const struct pmc_param params[] = {
	{ "env", PMC_PARAM_OBJECT, false },
	{ "env_inherit", PMC_PARAM_OBJECT, false },
	{ "parallel", PMC_PARAM_INT, false },
	{ "targets", PMC_PARAM_STRINGS, true },
};

static void method_reload(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(p, "targets");
	const cJSON *parallel = cJSON_GetObjectItemCaseSensitive(p, "parallel");
	struct pmc_instance **insts = NULL;
	struct pmc_app **apps;
	cJSON *data = NULL;
	char *cause = NULL;
	size_t n = 0, n_apps = 0, i;

	if (parallel && (parallel->valuedouble < 1 || parallel->valuedouble > 1024)) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, "params.parallel must be 1..1024", NULL);
		return;
	}
	if (cJSON_GetArraySize(targets) == 0) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, "params.targets must not be empty", NULL);
		return;
	}
	if (pmc_registry_resolve(&d->registry, targets, &insts, &n, &cause, &data) < 0) {
		pmc_call_error(call, PMC_RPC_NOT_FOUND, cause, data);
		free(cause);
		return;
	}
	apps = xcalloc(n ? n : 1, sizeof *apps);
	for (i = 0; i < n; i++) {
		struct pmc_app *app = insts[i]->app;
		size_t k;
		for (k = 0; k < n_apps && apps[k] != app; k++)
			;
		if (k < n_apps)
			continue;
		if (app->reloading || app->deleting) {
			cause = xasprintf("app %s is already being %s: wait for it to finish",
					  app->def.name, app->reloading ? "reloaded" : "deleted");
			pmc_call_error(call, PMC_RPC_CONFLICT, cause, NULL);
			free(cause);
			goto out;
		}
		apps[n_apps++] = app;
	}
	if (pmc_method_targets_env(d, p, insts, n, &cause) < 0) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, cause, NULL);
		free(cause);
		goto out;
	}
	pmc_reload_start(d, call, apps, n_apps, parallel ? (int)parallel->valuedouble : 1);
out:
	free(apps);
	free(insts);
}

const struct pmc_method pmc_method_reload = { "reload", method_reload, params, 4, 0 };
