/* SPDX-License-Identifier: MIT */
/*
 * RPC start {app, force?, literal?, check?}: PM2's "smart start". A name or id
 * that exists is restarted (unless literal: the script is then only a script);
 * the same script again is refused unless forced; anything else is checked
 * (script, interpreter) and started, or refused with the reason. check only
 * checks, so that an ecosystem file starts all of its apps or none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apps.h"
#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "methods.h"
#include "triggers.h"
#include "waiter.h"
#include "xmalloc.h"

static const struct pmc_param params[] = {
	{ "app", PMC_PARAM_OBJECT, true },
	{ "check", PMC_PARAM_BOOL, false },
	{ "force", PMC_PARAM_BOOL, false },
	{ "literal", PMC_PARAM_BOOL, false },
};

static void reply_started(struct pmc_daemon *d, struct pmc_waiter *w)
{
	cJSON *result = cJSON_CreateObject();
	const char *action = w->data;
	struct pmc_instance *inst = w->n ? pmc_registry_instance_find(&d->registry, w->ids[0]) : NULL;

	cJSON_AddStringToObject(result, "action", action);
	if (inst)
		cJSON_AddStringToObject(result, "name", inst->app->def.name);
	cJSON_AddItemToObject(result, "ids", pmc_waiter_ids_json(w));
	pmc_call_reply(w->call, result);
}

/* Restart every instance of app and answer once they settle. */
static void restart_app(struct pmc_daemon *d, struct pmc_call *call, struct pmc_app *app)
{
	size_t i;

	if (!app->desired_online) {
		app->desired_online = true;
		pmc_apps_save(d, app);
	}
	for (i = 0; i < app->n_instances; i++)
		pmc_instance_handle(app->instances[i], PMC_SUP_RESTART);
	pmc_triggers_sync(d, app);
	pmc_waiter_add(d, call, app->instances, app->n_instances, pmc_instance_settled,
		       reply_started, "restarted");
}

/* `pmc start api` or `pmc start 3` where no such file exists: the existing app. */
static struct pmc_app *existing_target(struct pmc_daemon *d, const cJSON *app_json)
{
	const char *script = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app_json, "script"));
	const char *cwd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app_json, "cwd"));
	struct pmc_instance *inst;
	struct stat st;
	char *path, *end;
	long id;
	bool is_file;

	if (!script || !*script)
		return NULL;
	path = script[0] == '/' || !cwd ? xstrdup(script) : xasprintf("%s/%s", cwd, script);
	is_file = stat(path, &st) == 0;
	free(path);
	if (is_file)
		return NULL;
	id = strtol(script, &end, 10);
	if (!*end && (inst = pmc_registry_instance_find(&d->registry, (int)id)))
		return inst->app;
	return pmc_registry_app_find(&d->registry, script);
}

static bool app_running(const struct pmc_app *app)
{
	size_t i;

	for (i = 0; i < app->n_instances; i++)
		if (!pmc_instance_stopped(app->instances[i]))
			return true;
	return false;
}

/* name-1, name-2…: the first free name for a forced second copy. */
static char *free_copy_name(struct pmc_daemon *d, const char *name)
{
	int i;

	for (i = 1;; i++) {
		char *candidate = xasprintf("%.*s-%d", 60, name, i);
		if (!pmc_registry_app_find(&d->registry, candidate))
			return candidate;
		free(candidate);
	}
}

static bool same_script(const struct pmc_app_def *a, const struct pmc_app_def *b)
{
	const char *pa = a->exec_path ? a->exec_path : a->script;
	const char *pb = b->exec_path ? b->exec_path : b->script;

	return strcmp(pa, pb) == 0;
}

static void start_new(struct pmc_daemon *d, struct pmc_call *call, struct pmc_app_def *def)
{
	struct pmc_app *app;
	char *cause = NULL;
	size_t i;
	int err;

	err = pmc_apps_create(d, def, &app, &cause);
	if (err < 0) {
		pmc_call_error(call, PMC_RPC_STORE_FAILED, cause, NULL);
		free(cause);
		return;
	}
	for (i = 0; i < app->n_instances; i++) {
		err = pmc_instance_handle(app->instances[i], PMC_SUP_START);
		if (err < 0 && err != -EALREADY)
			break;
	}
	if (err < 0 && err != -EALREADY) {
		/* The checks passed but exec did not: say why and keep nothing. */
		cause = xstrdup(app->instances[i]->sup.last_error ? app->instances[i]->sup.last_error
								   : "spawn failed");
		pmc_call_error(call, PMC_RPC_SPAWN_FAILED, cause, NULL);
		free(cause);
		app->deleting = true;
		for (i = 0; i < app->n_instances; i++)
			pmc_instance_handle(app->instances[i], PMC_SUP_STOP);
		pmc_daemon_delete_when_stopped(d, app);
		return;
	}
	pmc_triggers_sync(d, app);
	pmc_waiter_add(d, call, app->instances, app->n_instances, pmc_instance_settled,
		       reply_started, "started");
}

/* {name, script, interpreter}: what a start of def would run. */
static void reply_checked(struct pmc_call *call, const struct pmc_app_def *def)
{
	cJSON *result = cJSON_CreateObject();

	cJSON_AddStringToObject(result, "name", def->name);
	cJSON_AddStringToObject(result, "script", def->exec_path ? def->exec_path : def->script);
	cJSON_AddStringToObject(result, "interpreter", def->exec_interpreter);
	pmc_call_reply(call, result);
}

static void method_start(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *app_json = cJSON_GetObjectItemCaseSensitive(p, "app");
	bool force = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "force"));
	bool check = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "check"));
	bool literal = check || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "literal"));
	struct pmc_app_def def = { 0 };
	struct pmc_app *app;
	char *cause = NULL;
	int code = 0, err;

	app = literal ? NULL : existing_target(d, app_json);
	if (app) {
		restart_app(d, call, app);
		return;
	}
	if (pmc_app_def_from_json(app_json, &def, &cause) < 0) {
		code = PMC_RPC_BAD_ARGUMENT;
		goto fail;
	}
	err = pmc_app_resolve(&def, &cause);
	if (err < 0) {
		code = PMC_RPC_SPAWN_FAILED;
		goto fail;
	}
	if (pmc_triggers_check(&def, &cause) < 0) {
		code = PMC_RPC_BAD_ARGUMENT;
		goto fail;
	}
	if (!cJSON_GetObjectItemCaseSensitive(app_json, "name") && def.exec_path) {
		/* "my app.sh" is a file, not a command: name it after the file. */
		free(def.name);
		def.name = pmc_app_default_name(def.exec_path);
	}
	if (check) {
		reply_checked(call, &def);
		pmc_app_def_free(&def);
		return;
	}
	app = pmc_registry_app_find(&d->registry, def.name);
	if (app && !same_script(&app->def, &def)) {
		cause = xasprintf("name %s is taken by another script (%s): choose another --name",
				  def.name, app->def.exec_path ? app->def.exec_path : app->def.script);
		code = PMC_RPC_CONFLICT;
		goto fail;
	}
	if (app && app->deleting) {
		cause = xasprintf("app %s is being deleted", def.name);
		code = PMC_RPC_CONFLICT;
		goto fail;
	}
	if (app && app_running(app) && !force) {
		cause = xasprintf("app %s is already running (add -f to start another copy)",
				  def.name);
		code = PMC_RPC_CONFLICT;
		goto fail;
	}
	if (app && !app_running(app)) {
		pmc_app_def_free(&def);
		restart_app(d, call, app);
		return;
	}
	if (app) {
		free(def.name);
		def.name = free_copy_name(d, app->def.name);
	}
	start_new(d, call, &def);
	pmc_app_def_free(&def);
	return;
fail:
	pmc_call_error(call, code, cause, NULL);
	free(cause);
	pmc_app_def_free(&def);
}

const struct pmc_method pmc_method_start = { "start", method_start, params, 4, 0 };
