/* SPDX-License-Identifier: MIT */
/*
 * Rolling reloads: replace each instance by a new process that must become
 * ready before the old one is stopped; a replacement that crashes or is not
 * ready in time is stopped and every old instance keeps serving.
 */
#include "reload.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "apps.h"
#include "clock.h"
#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

enum slot_state { SLOT_LAUNCHING, SLOT_STOPPING_OLD, SLOT_STOPPING_NEW, SLOT_DONE };

/* One instance being replaced. */
struct slot {
	struct pmc_instance *old;
	struct pmc_instance *fresh; /* the replacement ("shadow" until swapped in) */
	enum slot_state state;
};

struct pmc_reload {
	struct pmc_daemon *daemon;
	struct pmc_call *call;
	struct pmc_app **apps;
	size_t n_apps, app_i;
	int parallel;
	/* The app being reloaded now. */
	struct slot *slots;
	size_t n_slots, next_slot;
	bool restarting;   /* fork mode: a plain restart of every instance */
	char *failure;     /* first failure; no new replacement starts after it */
	cJSON *done_apps;  /* result array */
	struct pmc_reload *next;
};

static void progress(struct pmc_reload *r, const struct slot *s, const char *state,
		     const char *message)
{
	cJSON *p = cJSON_CreateObject();
	struct pmc_app *app = r->apps[r->app_i];

	cJSON_AddStringToObject(p, "name", app->def.name);
	if (s) {
		cJSON_AddNumberToObject(p, "pm_id", s->old->pm_id);
		cJSON_AddNumberToObject(p, "old_pid", s->old->last_pid);
		cJSON_AddNumberToObject(p, "new_pid", s->fresh ? s->fresh->last_pid : 0);
	}
	cJSON_AddStringToObject(p, "state", state);
	if (message)
		cJSON_AddStringToObject(p, "message", message);
	pmc_call_notify(r->call, "reload.progress", p);
	cJSON_Delete(p);
}

static bool app_is_rolling(const struct pmc_app *app)
{
	return app->def.cluster;
}

static void begin_app(struct pmc_reload *r);

/* Launch the next replacement. */
static void launch_slot(struct pmc_reload *r, struct slot *s)
{
	struct pmc_daemon *d = r->daemon;
	struct pmc_instance *old = s->old, *fresh;
	int err;

	fresh = pmc_instance_new(d, old->app, old->pm_id, old->index);
	fresh->shadow = true;
	fresh->shadow_policy = old->app->def.policy;
	fresh->shadow_policy.autorestart = false; /* a crash ends the attempt */
	fresh->sup.policy = &fresh->shadow_policy;
	fresh->sup.restart_time = old->sup.restart_time + 1;
	fresh->sup.created_at = old->sup.created_at;
	s->fresh = fresh;
	s->state = SLOT_LAUNCHING;
	err = pmc_instance_handle(fresh, PMC_SUP_START);
	progress(r, s, "launching", err < 0 ? fresh->sup.last_error : NULL);
}

static char *describe_failure(const struct slot *s)
{
	const struct pmc_sup *sup = &s->fresh->sup;
	const char *name = s->old->app->def.name;

	if (sup->last_error)
		return xasprintf("reload of %s stopped at instance %d: %s", name, s->old->pm_id,
				 sup->last_error);
	if (s->fresh->exits > 0 && sup->exit_signal)
		return xasprintf("reload of %s stopped at instance %d: the new process was killed "
				 "by %s before it was ready; the old processes keep running",
				 name, s->old->pm_id, pmc_signal_name(sup->exit_signal));
	if (s->fresh->exits > 0)
		return xasprintf("reload of %s stopped at instance %d: the new process exited with "
				 "code %d before it was ready; the old processes keep running",
				 name, s->old->pm_id, sup->exit_code);
	return xasprintf("reload of %s stopped at instance %d: the new process was not ready "
			 "within %lld ms (listen_timeout); the old processes keep running",
			 name, s->old->pm_id, (long long)s->old->app->def.policy.listen_timeout);
}

static void fail_slot(struct pmc_reload *r, struct slot *s)
{
	char *why = describe_failure(s);
	struct pmc_store_event ev = {
		.at = pmc_clock_wall_ms(), .app = s->old->app->def.name, .pm_id = s->old->pm_id,
		.pid = s->fresh->last_pid, .kind = "reload_failed", .exit_code = -1,
		.runtime_ms = -1, .reason = why,
	};

	pmc_log_warn("%s", why);
	pmc_store_event_add(r->daemon->store, &ev);
	progress(r, s, "failed", why);
	if (!r->failure)
		r->failure = why;
	else
		free(why);
	s->state = SLOT_STOPPING_NEW;
	s->fresh->sup.stop_reason = "reload failed";
	pmc_instance_handle(s->fresh, PMC_SUP_STOP);
}

/* The old instance is gone: the replacement takes its place and its pm_id. */
static void swap_in(struct pmc_reload *r, struct slot *s)
{
	struct pmc_daemon *d = r->daemon;
	struct pmc_app *app = s->old->app;
	size_t i;

	for (i = 0; i < app->n_instances; i++)
		if (app->instances[i] == s->old)
			app->instances[i] = s->fresh;
	pmc_registry_instance_unlink(&d->registry, s->old);
	s->fresh->shadow = false;
	s->fresh->sup.policy = &app->def.policy;
	pmc_registry_instance_link(&d->registry, s->fresh);
	pmc_store_begin(d->store);
	pmc_instance_persist(s->fresh);
	pmc_store_replacement_delete(d->store, s->fresh->pm_id);
	pmc_store_commit(d->store);
	progress(r, s, "replaced", NULL);
	pmc_instance_free(s->old);
	s->old = s->fresh; /* for the ids of the answer */
	s->state = SLOT_DONE;
}

/* Did the replacement become ready the way the old one did? */
static bool ready_as_expected(const struct slot *s)
{
	if (!s->fresh->ready_by_timeout)
		return true;
	return !s->old->app->def.ready_message && s->old->ready_by_timeout;
}

static void advance_slot_once(struct pmc_reload *r, struct slot *s)
{
	struct pmc_instance *fresh = s->fresh;

	switch (s->state) {
	case SLOT_LAUNCHING:
		if (fresh->exits > 0 || fresh->sup.status == PMC_STATUS_ERRORED ||
		    (fresh->sup.status == PMC_STATUS_ONLINE && !ready_as_expected(s))) {
			fail_slot(r, s);
		} else if (fresh->sup.status == PMC_STATUS_ONLINE) {
			progress(r, s, "ready", NULL);
			s->state = SLOT_STOPPING_OLD;
			s->old->sup.stop_reason = "replaced by reload";
			if (pmc_instance_handle(s->old, PMC_SUP_STOP) < 0 &&
			    pmc_instance_stopped(s->old))
				swap_in(r, s);
		}
		break;
	case SLOT_STOPPING_OLD:
		if (pmc_instance_stopped(s->old))
			swap_in(r, s);
		break;
	case SLOT_STOPPING_NEW:
		if (pmc_instance_stopped(fresh)) {
			pmc_instance_free(fresh);
			s->fresh = NULL;
			s->state = SLOT_DONE;
		}
		break;
	case SLOT_DONE:
		break;
	}
}

/* A step may complete the next at once (a replacement that already exited). */
static void advance_slot(struct pmc_reload *r, struct slot *s)
{
	enum slot_state before;

	do {
		before = s->state;
		advance_slot_once(r, s);
	} while (s->state != before);
}

static void app_done(struct pmc_reload *r)
{
	struct pmc_app *app = r->apps[r->app_i];
	cJSON *entry = cJSON_CreateObject(), *ids = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(entry, "name", app->def.name);
	cJSON_AddStringToObject(entry, "action", r->restarting ? "restarted" : "reloaded");
	for (i = 0; i < app->n_instances; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(app->instances[i]->pm_id));
	cJSON_AddItemToObject(entry, "ids", ids);
	cJSON_AddItemToArray(r->done_apps, entry);
	app->reloading = false;
	free(r->slots);
	r->slots = NULL;
	r->n_slots = r->next_slot = 0;
}

static bool finish_if_done(struct pmc_reload *r)
{
	struct pmc_reload **pos;
	size_t i;

	if (r->app_i < r->n_apps && !r->failure)
		return false;
	for (i = r->app_i; i < r->n_apps; i++)
		r->apps[i]->reloading = false;
	if (r->failure) {
		cJSON *data = cJSON_CreateObject();
		cJSON_AddItemToObject(data, "apps", r->done_apps);
		pmc_call_error(r->call, PMC_RPC_CONFLICT, r->failure, data);
	} else {
		cJSON *result = cJSON_CreateObject();
		cJSON_AddItemToObject(result, "apps", r->done_apps);
		pmc_call_reply(r->call, result);
	}
	for (pos = &r->daemon->reloads; *pos; pos = &(*pos)->next) {
		if (*pos == r) {
			*pos = r->next;
			break;
		}
	}
	free(r->failure);
	free(r->apps);
	free(r);
	return true;
}

/* Returns true when r was finished and freed. */
static bool advance(struct pmc_reload *r)
{
	for (;;) {
		struct pmc_app *app;
		size_t i, active = 0;
		bool all_done = true;

		if (r->app_i >= r->n_apps)
			return finish_if_done(r);
		app = r->apps[r->app_i];
		if (r->restarting) {
			for (i = 0; i < app->n_instances; i++)
				if (!pmc_instance_settled(app->instances[i]))
					return false;
			app_done(r);
			r->app_i++;
			if (r->app_i < r->n_apps && !r->failure)
				begin_app(r);
			continue;
		}
		for (i = 0; i < r->next_slot; i++) {
			advance_slot(r, &r->slots[i]);
			if (r->slots[i].state != SLOT_DONE) {
				all_done = false;
				active++;
			}
		}
		while (!r->failure && r->next_slot < r->n_slots && active < (size_t)r->parallel) {
			launch_slot(r, &r->slots[r->next_slot++]);
			active++;
			all_done = false;
		}
		if (!all_done || (!r->failure && r->next_slot < r->n_slots))
			return false;
		if (r->failure) {
			r->apps[r->app_i]->reloading = false;
			free(r->slots);
			r->slots = NULL;
			r->app_i++;
			return finish_if_done(r);
		}
		app_done(r);
		r->app_i++;
		if (r->app_i < r->n_apps)
			begin_app(r);
	}
}

static void begin_app(struct pmc_reload *r)
{
	struct pmc_app *app = r->apps[r->app_i];
	size_t i, n = 0;

	r->restarting = !app_is_rolling(app);
	if (r->restarting) {
		progress(r, NULL, "restarting",
			 "fork mode without a shared socket: reload is a restart");
		for (i = 0; i < app->n_instances; i++)
			pmc_instance_handle(app->instances[i], PMC_SUP_RESTART);
		return;
	}
	r->slots = xcalloc(app->n_instances ? app->n_instances : 1, sizeof *r->slots);
	for (i = 0; i < app->n_instances; i++) {
		struct pmc_instance *inst = app->instances[i];
		if (pmc_instance_stopped(inst)) {
			/* Nothing serves there: just start it. */
			pmc_instance_handle(inst, PMC_SUP_START);
			continue;
		}
		r->slots[n++].old = inst;
	}
	r->n_slots = n;
	r->next_slot = 0;
}

void pmc_reload_start(struct pmc_daemon *d, struct pmc_call *call, struct pmc_app **apps,
		      size_t n, int parallel)
{
	struct pmc_reload *r = xcalloc(1, sizeof *r);
	size_t i;

	r->daemon = d;
	r->call = call;
	r->apps = xcalloc(n ? n : 1, sizeof *r->apps);
	memcpy(r->apps, apps, n * sizeof *apps);
	r->n_apps = n;
	r->parallel = parallel > 0 ? parallel : 1;
	r->done_apps = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		apps[i]->reloading = true;
		if (!apps[i]->desired_online) {
			apps[i]->desired_online = true;
			pmc_apps_save(d, apps[i]);
		}
	}
	r->next = d->reloads;
	d->reloads = r;
	if (n > 0)
		begin_app(r);
	pmc_daemon_poke(d);
}

void pmc_reload_check_all(struct pmc_daemon *d)
{
	struct pmc_reload *r = d->reloads, *next;

	for (; r; r = next) {
		next = r->next;
		advance(r);
	}
}

void pmc_reload_notify_ready(struct pmc_daemon *d, int pid)
{
	struct pmc_reload *r;
	size_t i;

	for (r = d->reloads; r; r = r->next) {
		for (i = 0; i < r->next_slot; i++) {
			struct pmc_instance *fresh = r->slots[i].fresh;
			if (fresh && fresh->shadow && fresh->sup.running && fresh->pid == pid) {
				pmc_sup_handle(&fresh->sup, PMC_SUP_READY, NULL);
				return;
			}
		}
	}
}

void pmc_reload_abort_all(struct pmc_daemon *d)
{
	struct pmc_reload *r;
	size_t i;

	for (r = d->reloads; r; r = r->next) {
		if (!r->failure)
			r->failure = xstrdup("the daemon is shutting down: reload abandoned");
		for (i = 0; i < r->next_slot; i++) {
			struct slot *s = &r->slots[i];
			if (s->state == SLOT_LAUNCHING || s->state == SLOT_STOPPING_OLD) {
				s->state = SLOT_STOPPING_NEW;
				pmc_instance_handle(s->fresh, PMC_SUP_STOP);
			}
		}
	}
}
