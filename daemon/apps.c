/* SPDX-License-Identifier: MIT */
/* App lifecycle against the store: create, save, forget, and load at daemon start. */
#include "apps.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "instance.h"
#include "log.h"
#include "orphans.h"
#include "update.h"
#include "proc.h"
#include "triggers.h"
#include "xmalloc.h"

int pmc_apps_save(struct pmc_daemon *d, struct pmc_app *app)
{
	cJSON *json = pmc_app_def_to_json(&app->def);
	char *text = cJSON_PrintUnformatted(json);
	struct pmc_store_app row = {
		.name = app->def.name,
		.definition = text,
		.desired = app->desired_online ? "online" : "stopped",
		.created_at = app->created_at,
	};
	int err = pmc_store_app_put(d->store, &row);

	if (err < 0)
		pmc_log_warn("cannot save app %s: %s", app->def.name, pmc_store_errmsg(d->store));
	free(text);
	cJSON_Delete(json);
	return err;
}

void pmc_apps_set_env(struct pmc_daemon *d, struct pmc_app *app, const cJSON *env,
		      const cJSON *env_inherit)
{
	if (env) {
		cJSON_Delete(app->def.env);
		app->def.env = cJSON_Duplicate(env, true);
	}
	if (env_inherit) {
		cJSON_Delete(app->def.env_inherit);
		app->def.env_inherit = cJSON_Duplicate(env_inherit, true);
	}
	if (env || env_inherit)
		pmc_apps_save(d, app);
}

static struct pmc_app *app_new(struct pmc_daemon *d, struct pmc_app_def *def, int first_id)
{
	struct pmc_app *app = xcalloc(1, sizeof *app);
	int i;

	app->def = *def;
	memset(def, 0, sizeof *def);
	app->created_at = pmc_clock_wall_ms();
	app->n_instances = (size_t)app->def.instances;
	app->instances = xcalloc(app->n_instances, sizeof *app->instances);
	for (i = 0; i < app->def.instances; i++)
		app->instances[i] = pmc_instance_new(d, app, first_id + i, i);
	return app;
}

static void app_free(struct pmc_app *app)
{
	size_t i;

	pmc_triggers_release(app);
	for (i = 0; i < app->n_instances; i++)
		pmc_instance_free(app->instances[i]);
	free(app->instances);
	pmc_app_def_free(&app->def);
	free(app);
}

int pmc_apps_create(struct pmc_daemon *d, struct pmc_app_def *def, struct pmc_app **out,
		    char **cause)
{
	struct pmc_app *app = app_new(d, def, pmc_registry_next_id(&d->registry));
	size_t i;
	int err;

	app->desired_online = true;
	err = pmc_store_begin(d->store);
	if (err == 0)
		err = pmc_apps_save(d, app);
	for (i = 0; err == 0 && i < app->n_instances; i++) {
		struct pmc_instance *inst = app->instances[i];
		inst->sup.created_at = app->created_at;
		struct pmc_store_instance row = {
			.pm_id = inst->pm_id, .app = app->def.name, .idx = inst->index,
			.status = "stopped", .created_at = app->created_at,
			.exit_code = -1,
		};
		err = pmc_store_instance_put(d->store, &row);
	}
	if (err == 0)
		err = pmc_store_commit(d->store);
	if (err < 0) {
		*cause = xasprintf("cannot save app %s: %s", app->def.name,
				   pmc_store_errmsg(d->store));
		pmc_store_rollback(d->store);
		app_free(app);
		return err;
	}
	pmc_registry_app_add(&d->registry, app);
	*out = app;
	return 0;
}

void pmc_apps_destroy(struct pmc_daemon *d, struct pmc_app *app)
{
	struct pmc_store_event ev = {
		.at = pmc_clock_wall_ms(), .app = app->def.name, .pm_id = -1, .kind = "delete",
		.exit_code = -1, .runtime_ms = -1, .reason = "deleted by user",
	};

	if (pmc_store_app_delete(d->store, app->def.name) < 0)
		pmc_log_warn("cannot delete app %s from the store: %s", app->def.name,
			     pmc_store_errmsg(d->store));
	pmc_store_event_add(d->store, &ev);
	pmc_listeners_release_app(&d->listeners, app->def.name);
	pmc_log_info("app [%s] deleted", app->def.name);
	pmc_registry_app_unlink(&d->registry, app);
	app_free(app);
}

/* A process of a previous daemon that still runs (same pid and start time) is
 * stopped before the instance starts again: its pipes died with that daemon. */
static void reconcile_row(struct pmc_daemon *d, const struct pmc_app_def *def,
			  const struct pmc_store_instance *row, bool replacement)
{
	int sig = pmc_signal_parse(def->kill_signal ? def->kill_signal : "SIGINT");
	struct pmc_orphan_spec spec = {
		.pid = row->pid,
		.pid_start = row->pid_start,
		.signal = sig > 0 ? sig : SIGINT,
		.kill_timeout = def->policy.kill_timeout,
		.app = def->name,
		.pm_id = row->pm_id,
		.replacement = replacement,
	};
	struct pmc_store_event ev = {
		.at = pmc_clock_wall_ms(), .app = def->name, .pm_id = row->pm_id, .pid = row->pid,
		.kind = "lost", .exit_code = -1, .runtime_ms = -1,
		.reason = replacement ? "reload replacement ended while no daemon was running"
				      : "ended while no daemon was running",
	};

	if (row->pid <= 0 || (d->handoff && pmc_update_handed(d->handoff, row->pid)))
		return;
	if (pmc_orphans_add(d->orphans, &spec))
		return;
	if (replacement)
		pmc_store_replacement_delete(d->store, row->pm_id);
	pmc_store_event_add(d->store, &ev);
}

static void restore_instance(struct pmc_daemon *d, struct pmc_instance *inst,
			     const struct pmc_store_instance *row)
{
	inst->sup.restart_time = row->restart_time;
	inst->sup.unstable_restarts = row->unstable_restarts;
	inst->sup.created_at = row->created_at;
	inst->sup.started_at = row->pm_uptime;
	inst->sup.exit_code = row->exit_code;
	inst->sup.exit_signal = row->exit_signal;
	inst->sup.prev_restart_delay = row->prev_restart_delay;
	inst->sup.status = strcmp(row->status, "errored") == 0 ? PMC_STATUS_ERRORED
								: PMC_STATUS_STOPPED;
	reconcile_row(d, &inst->app->def, row, false);
}

static struct pmc_app *load_app(struct pmc_daemon *d, const struct pmc_store_app *row,
				const struct pmc_store_instance *rows, size_t n_rows)
{
	struct pmc_app_def def = { 0 };
	struct pmc_app *app;
	cJSON *json = cJSON_Parse(row->definition);
	char *cause = NULL;
	size_t i, k = 0;

	if (!json || pmc_app_def_from_json(json, &def, &cause) < 0) {
		pmc_log_error("app %s in the store cannot be read (%s): skipped", row->name,
			      cause ? cause : "bad JSON");
		cJSON_Delete(json);
		free(cause);
		pmc_app_def_free(&def);
		return NULL;
	}
	cJSON_Delete(json);
	app = xcalloc(1, sizeof *app);
	app->def = def;
	app->desired_online = strcmp(row->desired, "online") == 0;
	app->created_at = row->created_at;
	for (i = 0; i < n_rows; i++)
		if (strcmp(rows[i].app, row->name) == 0)
			k++;
	app->instances = xcalloc(k ? k : 1, sizeof *app->instances);
	for (i = 0; i < n_rows; i++) {
		if (strcmp(rows[i].app, row->name) != 0)
			continue;
		struct pmc_instance *inst = pmc_instance_new(d, app, rows[i].pm_id, rows[i].idx);
		restore_instance(d, inst, &rows[i]);
		app->instances[app->n_instances++] = inst;
	}
	return app;
}

/* Reload replacements a dead daemon left: stopped like its instances' orphans. */
static void reconcile_replacements(struct pmc_daemon *d)
{
	struct pmc_store_instance *rows = NULL;
	size_t n = 0, i;

	if (pmc_store_replacement_list(d->store, &rows, &n) < 0) {
		pmc_log_warn("cannot read reload replacements: %s", pmc_store_errmsg(d->store));
		return;
	}
	for (i = 0; i < n; i++) {
		struct pmc_app *app = pmc_registry_app_find(&d->registry, rows[i].app);
		struct pmc_app_def def = { .name = rows[i].app };

		pmc_sup_policy_defaults(&def.policy);
		reconcile_row(d, app ? &app->def : &def, &rows[i], true);
	}
	pmc_store_instances_free(rows, n);
}

int pmc_apps_load(struct pmc_daemon *d, char **cause)
{
	struct pmc_store_app *apps = NULL;
	struct pmc_store_instance *rows = NULL;
	size_t n_apps = 0, n_rows = 0, i;
	int err;

	err = pmc_store_app_list(d->store, &apps, &n_apps);
	if (err == 0)
		err = pmc_store_instance_list(d->store, &rows, &n_rows);
	if (err < 0) {
		*cause = xasprintf("cannot read %s: %s", d->paths.db, pmc_store_errmsg(d->store));
		goto out;
	}
	for (i = 0; i < n_apps; i++) {
		struct pmc_app *app = load_app(d, &apps[i], rows, n_rows);
		if (app)
			pmc_registry_app_add(&d->registry, app);
	}
	reconcile_replacements(d);
out:
	pmc_store_apps_free(apps, n_apps);
	pmc_store_instances_free(rows, n_rows);
	return err;
}

/* The rows keep an orphan's pid until it is gone, so a daemon that dies while
 * reconciling leaves the next one the same work. */
void pmc_apps_start_desired(struct pmc_daemon *d)
{
	struct pmc_app *app;
	size_t j;

	for (app = d->registry.apps; app; app = app->next) {
		for (j = 0; j < app->n_instances; j++)
			pmc_instance_persist(app->instances[j]);
		if (!app->desired_online)
			continue;
		if (!d->handoff)
			pmc_log_info("app [%s] was running under the previous daemon: starting it",
				     app->def.name);
		for (j = 0; j < app->n_instances; j++) {
			struct pmc_instance *inst = app->instances[j];
			/* After pmc update nothing changes: what gave up stays errored. */
			if (d->handoff && inst->sup.status == PMC_STATUS_ERRORED)
				continue;
			pmc_instance_handle(inst, PMC_SUP_START);
		}
		pmc_triggers_sync(d, app);
	}
}
