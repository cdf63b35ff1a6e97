/* SPDX-License-Identifier: MIT */
/*
 * RPC scale {name, count}: "N", "+N" or "-N" instances. New ones share the
 * app's sockets; removed ones stop gracefully, highest index first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apps.h"
#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "methods.h"
#include "waiter.h"
#include "xmalloc.h"

#define SCALE_MAX 4096

static const struct pmc_param params[] = {
	{ "count", PMC_PARAM_STRING, true },
	{ "name", PMC_PARAM_STRING, true },
};

static int parse_count(const char *text, int current, int *target)
{
	char *end;
	long v;

	if (!*text)
		return -EINVAL;
	v = strtol(text, &end, 10);
	if (*end || v > SCALE_MAX || v < -SCALE_MAX)
		return -EINVAL;
	*target = (text[0] == '+' || text[0] == '-') ? current + (int)v : (int)v;
	return 0;
}

static void reply_scaled(struct pmc_daemon *d, struct pmc_waiter *w)
{
	struct pmc_app *app = w->data;
	cJSON *result = cJSON_CreateObject(), *ids = cJSON_CreateArray();
	size_t i;

	(void)d;
	for (i = 0; i < app->n_instances; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(app->instances[i]->pm_id));
	cJSON_AddStringToObject(result, "name", app->def.name);
	cJSON_AddNumberToObject(result, "instances", (double)app->n_instances);
	cJSON_AddItemToObject(result, "ids", ids);
	pmc_call_reply(w->call, result);
}

/* The removed instances have stopped: forget them, then answer. */
static void finish_down(struct pmc_daemon *d, struct pmc_waiter *w)
{
	struct pmc_app *app = w->data;
	size_t i;

	for (i = 0; i < w->n; i++) {
		struct pmc_instance *inst = pmc_registry_instance_find(&d->registry, w->ids[i]);
		if (!inst)
			continue;
		pmc_registry_instance_unlink(&d->registry, inst);
		pmc_store_instance_delete(d->store, inst->pm_id);
		pmc_instance_free(inst);
	}
	app->reloading = false;
	reply_scaled(d, w);
}

static void scale_up(struct pmc_daemon *d, struct pmc_call *call, struct pmc_app *app, int target)
{
	size_t old_n = app->n_instances, i;
	int next_id = pmc_registry_next_id(&d->registry);

	app->instances = xrealloc(app->instances, (size_t)target * sizeof *app->instances);
	for (i = old_n; i < (size_t)target; i++) {
		struct pmc_instance *inst = pmc_instance_new(d, app, next_id++, (int)i);
		app->instances[i] = inst;
		pmc_registry_instance_link(&d->registry, inst);
	}
	app->n_instances = (size_t)target;
	app->def.instances = target;
	pmc_apps_save(d, app);
	for (i = old_n; i < (size_t)target; i++) {
		pmc_instance_persist(app->instances[i]);
		if (app->desired_online)
			pmc_instance_handle(app->instances[i], PMC_SUP_START);
	}
	pmc_waiter_add(d, call, app->instances + old_n, (size_t)target - old_n,
		       pmc_instance_settled, reply_scaled, app);
}

static void scale_down(struct pmc_daemon *d, struct pmc_call *call, struct pmc_app *app,
		       int target)
{
	size_t n = app->n_instances - (size_t)target, i;
	struct pmc_instance **removed = xcalloc(n, sizeof *removed);

	/* Highest index first: the survivors keep 0..target-1. */
	for (i = 0; i < n; i++)
		removed[i] = app->instances[app->n_instances - 1 - i];
	app->n_instances = (size_t)target;
	app->def.instances = target;
	app->reloading = true; /* no reload or second scale while these wind down */
	pmc_apps_save(d, app);
	for (i = 0; i < n; i++) {
		removed[i]->sup.stop_reason = "scaled down";
		pmc_instance_handle(removed[i], PMC_SUP_STOP);
	}
	pmc_waiter_add(d, call, removed, n, pmc_instance_stopped, finish_down, app);
	free(removed);
}

static void method_scale(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "name"));
	const char *count = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "count"));
	cJSON *targets = cJSON_CreateArray(), *data = NULL;
	struct pmc_instance **insts = NULL;
	struct pmc_app *app;
	char *cause = NULL;
	size_t n = 0;
	int target;

	cJSON_AddItemToArray(targets, cJSON_CreateString(name));
	if (pmc_registry_resolve(&d->registry, targets, &insts, &n, &cause, &data) < 0) {
		pmc_call_error(call, PMC_RPC_NOT_FOUND, cause, data);
		goto out;
	}
	app = insts[0]->app;
	if (parse_count(count, (int)app->n_instances, &target) < 0) {
		cause = xasprintf("invalid count '%s': use N, +N or -N", count);
		pmc_call_error(call, PMC_RPC_BAD_ARGUMENT, cause, NULL);
		goto out;
	}
	if (target < 1 || target > SCALE_MAX) {
		cause = xasprintf("%s would have %d instances: scale keeps 1 to %d (use pmc stop "
				  "to stop them all)",
				  app->def.name, target, SCALE_MAX);
		pmc_call_error(call, PMC_RPC_BAD_ARGUMENT, cause, NULL);
		goto out;
	}
	if (app->reloading || app->deleting) {
		cause = xasprintf("app %s is being %s: try again when it is done", app->def.name,
				  app->deleting ? "deleted" : "reloaded or scaled");
		pmc_call_error(call, PMC_RPC_CONFLICT, cause, NULL);
		goto out;
	}
	if ((size_t)target > app->n_instances)
		scale_up(d, call, app, target);
	else if ((size_t)target < app->n_instances)
		scale_down(d, call, app, target);
	else
		pmc_waiter_add(d, call, app->instances, 0, pmc_instance_settled, reply_scaled, app);
out:
	free(cause);
	free(insts);
	cJSON_Delete(targets);
}

const struct pmc_method pmc_method_scale = { "scale", method_scale, params, 2, 0 };
