/* SPDX-License-Identifier: MIT */
/* Restarts the daemon decides on its own: when watched files change, and at cron times. */
#include "triggers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app.h"
#include "clock.h"
#include "cron.h"
#include "daemon.h"
#include "log.h"
#include "watch.h"
#include "xmalloc.h"

/* The cron timer wakes at least this often, so wall-clock changes are noticed. */
#define CRON_MAX_SLEEP_MS 60000

struct pmc_triggers {
	struct pmc_daemon *d;
	struct pmc_app *app;
	struct pmc_watch *watch;
	char *watch_error; /* reported in the history already */
	struct pmc_cron cron;
	uv_timer_t *cron_timer; /* NULL without cron_restart */
	int64_t cron_next_ms;
};

int pmc_triggers_check(const struct pmc_app_def *def, char **cause)
{
	struct pmc_cron cron;
	struct stat st;
	time_t next;

	if (def->cron_restart) {
		if (pmc_cron_parse(def->cron_restart, &cron, cause) < 0)
			return -EINVAL;
		if (pmc_cron_next(&cron, time(NULL), &next) < 0) {
			*cause = xasprintf("cron_restart '%s' never fires", def->cron_restart);
			return -EINVAL;
		}
	}
	for (size_t i = 0; def->watch && def->watch_paths && def->watch_paths[i]; i++) {
		if (stat(def->watch_paths[i], &st) < 0) {
			*cause =
			    xasprintf("cannot watch %s: %s", def->watch_paths[i], strerror(errno));
			return -ENOENT;
		}
	}
	return 0;
}

static bool should_run(const struct pmc_daemon *d, const struct pmc_app *app)
{
	return app->desired_online && !app->deleting && !d->stopping;
}

static void record(struct pmc_triggers *t, const char *kind, const char *reason)
{
	struct pmc_store_event ev = {
	    .at = pmc_clock_wall_ms(),
	    .app = t->app->def.name,
	    .pm_id = -1,
	    .kind = (char *)kind,
	    .exit_code = -1,
	    .runtime_ms = -1,
	    .reason = (char *)reason,
	};

	if (pmc_store_event_add(t->d->store, &ev) < 0)
		pmc_log_warn("cannot record history of [%s]: %s", t->app->def.name,
		             pmc_store_errmsg(t->d->store));
}

/* Restart every instance, saying why. */
static void restart_app(struct pmc_triggers *t, const char *reason)
{
	struct pmc_app *app = t->app;

	if (!should_run(t->d, app) || app->reloading)
		return;
	pmc_log_info("app [%s] restarting: %s", app->def.name, reason);
	for (size_t i = 0; i < app->n_instances; i++) {
		struct pmc_instance *inst = app->instances[i];
		/* A restart or stop under way keeps its own reason (and this buffer). */
		if (inst->sup.start_after_exit || inst->sup.status == PMC_STATUS_STOPPING)
			continue;
		snprintf(inst->trigger_reason, sizeof inst->trigger_reason, "%s", reason);
		pmc_sup_restart_for(&inst->sup, inst->trigger_reason);
	}
	pmc_daemon_poke(t->d);
}

/* ---- Watch ------------------------------------------------------------- */

/* A watch problem once in the history (and pmcd.log, by the watch itself). */
static void report_watch_error(struct pmc_triggers *t, const char *error)
{
	if (!error || (t->watch_error && strcmp(t->watch_error, error) == 0))
		return;
	free(t->watch_error);
	t->watch_error = xstrdup(error);
	record(t, "watch", error);
}

static void on_change(struct pmc_watch *w, const char *path, void *data)
{
	struct pmc_triggers *t = data;
	char *reason = xasprintf("watch: %s", path);

	report_watch_error(t, pmc_watch_error(w));
	restart_app(t, reason);
	free(reason);
}

static size_t max_dirs(void)
{
	const char *env = getenv("PMC_WATCH_MAX_DIRS");
	char *end;
	long v;

	if (!env || !*env)
		return 0;
	v = strtol(env, &end, 10);
	return *end || v <= 0 ? 0 : (size_t)v;
}

/* The app's own log files and the daemon's home: writing them must not restart it. */
static char **own_files(struct pmc_triggers *t)
{
	const struct pmc_app *app = t->app;
	const char *logs = t->d->paths.logs_dir;
	size_t n = 0, cap = app->n_instances * 3 + 2;
	char **v = xcalloc(cap, sizeof *v);

	v[n++] = xstrdup(t->d->paths.home);
	for (size_t i = 0; i < app->n_instances; i++) {
		int id = app->instances[i]->pm_id;
		char *paths[] = {pmc_app_log_path(&app->def, logs, false, id),
		                 pmc_app_log_path(&app->def, logs, true, id),
		                 pmc_app_combined_log_path(&app->def, logs, id)};
		for (size_t k = 0; k < 3; k++)
			if (paths[k])
				v[n++] = paths[k];
	}
	return v;
}

static void watch_start(struct pmc_triggers *t)
{
	const struct pmc_app_def *def = &t->app->def;
	char **own = own_files(t);
	struct pmc_watch_opts opts = {
	    .cwd = def->cwd,
	    .roots = (const char *const *)def->watch_paths,
	    .ignore = (const char *const *)def->ignore_watch,
	    .ignore_abs = (const char *const *)own,
	    .delay_ms = def->watch_delay,
	    .max_dirs = max_dirs(),
	};
	char *cause = NULL;

	if (pmc_watch_open(t->d->loop, &opts, on_change, t, &t->watch, &cause) < 0) {
		t->watch = NULL;
		pmc_log_warn("app [%s] is not watched: %s", def->name, cause);
		report_watch_error(t, cause);
		free(cause);
	} else {
		pmc_log_info("app [%s] watching %zu director%s", def->name,
		             pmc_watch_count(t->watch),
		             pmc_watch_count(t->watch) == 1 ? "y" : "ies");
		report_watch_error(t, pmc_watch_error(t->watch));
	}
	pmc_strv_free(own);
}

/* ---- Cron -------------------------------------------------------------- */

static void on_cron(uv_timer_t *timer);

static void cron_arm(struct pmc_triggers *t, int64_t now)
{
	int64_t delay;
	time_t next;

	if (t->cron_next_ms <= 0) {
		if (pmc_cron_next(&t->cron, (time_t)(now / 1000), &next) < 0) {
			pmc_log_warn("app [%s]: cron_restart '%s' never fires again",
			             t->app->def.name, t->app->def.cron_restart);
			return;
		}
		t->cron_next_ms = (int64_t)next * 1000;
	}
	delay = t->cron_next_ms - now;
	if (delay > CRON_MAX_SLEEP_MS)
		delay = CRON_MAX_SLEEP_MS;
	uv_timer_start(t->cron_timer, on_cron, (uint64_t)(delay > 0 ? delay : 0), 0);
}

static void on_cron(uv_timer_t *timer)
{
	struct pmc_triggers *t = timer->data;
	int64_t now = pmc_clock_wall_ms();

	if (now < t->cron_next_ms) {
		cron_arm(t, now); /* a long sleep in steps, or the clock went back */
		return;
	}
	restart_app(t, "cron");
	/* From the time that fired, so one second never fires twice. */
	now = now > t->cron_next_ms + 1000 ? now : t->cron_next_ms + 999;
	t->cron_next_ms = 0;
	cron_arm(t, now);
}

static void on_timer_closed(uv_handle_t *handle)
{
	free(handle);
}

static void cron_start(struct pmc_triggers *t)
{
	char *cause = NULL;

	if (pmc_cron_parse(t->app->def.cron_restart, &t->cron, &cause) < 0) {
		pmc_log_warn("app [%s]: %s", t->app->def.name, cause);
		free(cause);
		return;
	}
	t->cron_timer = xmalloc(sizeof *t->cron_timer);
	uv_timer_init(t->d->loop, t->cron_timer);
	t->cron_timer->data = t;
	t->cron_next_ms = 0;
	cron_arm(t, pmc_clock_wall_ms());
}

/* ---- Lifecycle --------------------------------------------------------- */

void pmc_triggers_release(struct pmc_app *app)
{
	struct pmc_triggers *t = app->triggers;

	if (!t)
		return;
	pmc_watch_close(t->watch);
	if (t->cron_timer)
		uv_close((uv_handle_t *)t->cron_timer, on_timer_closed);
	free(t->watch_error);
	free(t);
	app->triggers = NULL;
}

void pmc_triggers_sync(struct pmc_daemon *d, struct pmc_app *app)
{
	struct pmc_triggers *t;

	if (!should_run(d, app)) {
		pmc_triggers_release(app);
		return;
	}
	if (app->triggers || (!app->def.watch && !app->def.cron_restart))
		return;
	t = xcalloc(1, sizeof *t);
	t->d = d;
	t->app = app;
	app->triggers = t;
	if (app->def.watch)
		watch_start(t);
	if (app->def.cron_restart)
		cron_start(t);
}

void pmc_triggers_to_json(const struct pmc_app *app, cJSON *env)
{
	const struct pmc_app_def *def = &app->def;
	const struct pmc_triggers *t = app->triggers;
	cJSON *arr;

	if (def->watch && def->watch_paths && def->watch_paths[0]) {
		arr = cJSON_AddArrayToObject(env, "watch");
		for (size_t i = 0; def->watch_paths[i]; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(def->watch_paths[i]));
	} else {
		cJSON_AddBoolToObject(env, "watch", def->watch);
	}
	arr = cJSON_AddArrayToObject(env, "ignore_watch");
	for (size_t i = 0; def->ignore_watch && def->ignore_watch[i]; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(def->ignore_watch[i]));
	cJSON_AddNumberToObject(env, "watch_delay", (double)def->watch_delay);
	cJSON_AddBoolToObject(env, "watching", t && t->watch);
	if (t && t->watch)
		cJSON_AddNumberToObject(env, "watch_dirs", (double)pmc_watch_count(t->watch));
	if (t && t->watch_error)
		cJSON_AddStringToObject(env, "watch_error", t->watch_error);
	if (def->cron_restart)
		cJSON_AddStringToObject(env, "cron_restart", def->cron_restart);
	if (t && t->cron_timer && t->cron_next_ms > 0)
		cJSON_AddNumberToObject(env, "cron_next", (double)t->cron_next_ms);
}
