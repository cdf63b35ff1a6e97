/* SPDX-License-Identifier: MIT */
/* The daemon's apps and instances in memory, mirrored to the store. */
#ifndef PMC_DAEMON_REGISTRY_H
#define PMC_DAEMON_REGISTRY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "app.h"
#include "samples.h"
#include "supervisor.h"

struct pmc_daemon;
struct pmc_proc;
struct pmc_channel;
struct pmc_instance;

struct pmc_app {
	struct pmc_app_def def;
	bool desired_online;
	int64_t created_at;
	struct pmc_instance **instances; /* ordered by index */
	size_t n_instances;
	bool deleting;
	bool reloading;                  /* a rolling reload owns its instances */
	struct pmc_triggers *triggers;   /* watch and cron while the app should run, or NULL */
	struct pmc_app *next;            /* insertion order */
};

struct pmc_instance {
	struct pmc_daemon *daemon;
	struct pmc_app *app;
	int pm_id;
	int index;
	struct pmc_sup sup;
	struct pmc_proc *proc;      /* NULL when no process runs */
	int pid;                    /* 0 when not running */
	int last_pid;               /* pid of the latest run, for history rows */
	uint64_t pid_start;
	uv_timer_t timer;           /* the supervisor's one timer */
	struct pmc_channel *channel; /* Node IPC channel of the current process, or NULL */
	bool ready_by_timeout;      /* launching ended by listen_timeout, not by a signal */
	bool shadow;                /* a reload's replacement, not yet in the registry */
	struct pmc_sup_policy shadow_policy; /* a replacement does not restart on its own */
	int exits;                  /* processes of this instance that ended (reload watches it) */
	char trigger_reason[256];   /* why watch or cron restarts it (the supervisor borrows it) */
	struct pmc_instance_metrics metrics; /* the sampler's readings (metrics.h) */
	struct pmc_instance *next;  /* ordered by pm_id */
};

struct pmc_registry {
	struct pmc_app *apps;
	struct pmc_instance *instances;
};

struct pmc_app *pmc_registry_app_find(struct pmc_registry *reg, const char *name);
struct pmc_instance *pmc_registry_instance_find(struct pmc_registry *reg, int pm_id);
/* Smallest pm_id above every id in use (PM2 starts again at 0 when empty). */
int pmc_registry_next_id(struct pmc_registry *reg);
/* Append an app (takes ownership) and link its instances in pm_id order. */
void pmc_registry_app_add(struct pmc_registry *reg, struct pmc_app *app);
void pmc_registry_instance_link(struct pmc_registry *reg, struct pmc_instance *inst);
/* Unlink one instance from the pm_id list (the app's array is the caller's). */
void pmc_registry_instance_unlink(struct pmc_registry *reg, struct pmc_instance *inst);
/* Unlink an app and its instances (they must have no process); the caller frees. */
void pmc_registry_app_unlink(struct pmc_registry *reg, struct pmc_app *app);
size_t pmc_registry_app_count(struct pmc_registry *reg);

/*
 * Resolve targets (names, pm_ids in decimal, "all") to instances, each once,
 * in pm_id order. Returns 0 with *out (caller frees the array) or -ENOENT with
 * *cause and *data ({"target", "suggestion"}) set for the first unknown target.
 */
int pmc_registry_resolve(struct pmc_registry *reg, const cJSON *targets,
			 struct pmc_instance ***out, size_t *n, char **cause, cJSON **data);

/* A list entry in PM2's jlist shape (caller owns). */
cJSON *pmc_instance_to_json(struct pmc_instance *inst);

struct pmc_store_event;
/* A history row as JSON (caller owns). */
cJSON *pmc_event_to_json(const struct pmc_store_event *ev);

#endif
