/* SPDX-License-Identifier: MIT */
/* The verbs that act on targets (stop, restart, delete, reset) as one table of actions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apps.h"
#include "clock.h"
#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "methods.h"
#include "triggers.h"
#include "waiter.h"
#include "xmalloc.h"

static void reply_ids(struct pmc_daemon *d, struct pmc_waiter *w)
{
	cJSON *result = cJSON_CreateObject();

	(void)d;
	cJSON_AddItemToObject(result, "ids", pmc_waiter_ids_json(w));
	pmc_call_reply(w->call, result);
}

/* After delete's stop: forget every app whose instances were all targeted. */
static void finish_delete(struct pmc_daemon *d, struct pmc_waiter *w)
{
	struct pmc_app *app, *next;

	for (app = d->registry.apps; app; app = next) {
		next = app->next;
		if (app->deleting)
			pmc_apps_destroy(d, app);
	}
	reply_ids(d, w);
}

struct target_action {
	const char *verb;
	enum pmc_sup_event event;   /* fed to each instance; PMC_SUP_EVENT_COUNT = none */
	int desired;                /* 1 online, 0 stopped, -1 unchanged */
	pmc_waiter_ready_fn ready;  /* when the answer may go out */
	pmc_waiter_done_fn done;
	bool takes_env;             /* params.env / env_inherit replace the apps' (--update-env) */
};

static bool always(const struct pmc_instance *inst)
{
	(void)inst;
	return true;
}

static const struct target_action actions[] = {
	{ "delete", PMC_SUP_STOP, 0, pmc_instance_stopped, finish_delete, false },
	{ "reset", PMC_SUP_EVENT_COUNT, -1, always, reply_ids, false },
	{ "restart", PMC_SUP_RESTART, 1, pmc_instance_settled, reply_ids, true },
	{ "stop", PMC_SUP_STOP, 0, pmc_instance_stopped, reply_ids, false },
};

static const struct target_action *action_find(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].verb, verb) == 0)
			return &actions[i];
	return NULL;
}

/* PM2's reset, plus a history row saying so. */
static void reset_counters(struct pmc_daemon *d, struct pmc_instance *inst)
{
	struct pmc_store_event ev = {
		.at = pmc_clock_wall_ms(), .app = inst->app->def.name, .pm_id = inst->pm_id,
		.pid = inst->pid, .kind = "reset", .exit_code = -1, .runtime_ms = -1,
		.reason = "counters reset by user",
	};

	pmc_sup_reset(&inst->sup);
	pmc_store_event_add(d->store, &ev);
}

/* Touch each app once: desired state saved, delete marks the whole app. */
static void update_apps(struct pmc_daemon *d, const struct target_action *a,
			struct pmc_instance **insts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct pmc_app *app = insts[i]->app;
		if (i > 0 && insts[i - 1]->app == app)
			continue;
		if (strcmp(a->verb, "delete") == 0)
			app->deleting = true;
		if (a->desired >= 0 && app->desired_online != (a->desired == 1)) {
			app->desired_online = a->desired == 1;
			pmc_apps_save(d, app);
		}
		pmc_triggers_sync(d, app);
	}
}

int pmc_method_targets_env(struct pmc_daemon *d, const cJSON *params,
			   struct pmc_instance **insts, size_t n, char **cause)
{
	cJSON *env, *env_inherit;
	size_t i, k;
	int err;

	err = pmc_app_env_decode(params, &env, &env_inherit, cause);
	if (err < 0)
		return err;
	for (i = 0; (env || env_inherit) && i < n; i++) {
		/* Each app once, whatever the order of its instances. */
		for (k = 0; k < i && insts[k]->app != insts[i]->app; k++)
			;
		if (k == i)
			pmc_apps_set_env(d, insts[i]->app, env, env_inherit);
	}
	cJSON_Delete(env);
	cJSON_Delete(env_inherit);
	return 0;
}

void pmc_method_targets_act(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params,
			    const char *verb)
{
	const struct target_action *a = action_find(verb);
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(params, "targets");
	struct pmc_instance **insts = NULL;
	cJSON *data = NULL;
	char *cause = NULL;
	size_t n = 0, i;

	if (cJSON_GetArraySize(targets) == 0) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, "params.targets must not be empty", NULL);
		return;
	}
	if (pmc_registry_resolve(&d->registry, targets, &insts, &n, &cause, &data) < 0) {
		pmc_call_error(call, PMC_RPC_NOT_FOUND, cause, data);
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		if (insts[i]->app->deleting || insts[i]->app->reloading) {
			cause = xasprintf("app %s is being %s: try again when it is done",
					  insts[i]->app->def.name,
					  insts[i]->app->deleting ? "deleted" : "reloaded or scaled");
			pmc_call_error(call, PMC_RPC_CONFLICT, cause, NULL);
			free(cause);
			free(insts);
			return;
		}
	}
	if (a->takes_env && pmc_method_targets_env(d, params, insts, n, &cause) < 0) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS, cause, NULL);
		free(cause);
		free(insts);
		return;
	}
	update_apps(d, a, insts, n);
	for (i = 0; i < n; i++) {
		if (a->event != PMC_SUP_EVENT_COUNT)
			pmc_instance_handle(insts[i], a->event);
		else
			reset_counters(d, insts[i]);
	}
	pmc_waiter_add(d, call, insts, n, a->ready, a->done, NULL);
	free(insts);
}
