/* SPDX-License-Identifier: MIT */
/* App lifecycle against the store: create, save, forget, and load at daemon start. */
#ifndef PMC_DAEMON_APPS_H
#define PMC_DAEMON_APPS_H

#include "registry.h"

struct pmc_daemon;

/* Build an app from a resolved definition (takes ownership of def's contents),
 * with def->instances new instances, save it, link it. 0, or -errno with *cause
 * (nothing is kept then). */
int pmc_apps_create(struct pmc_daemon *d, struct pmc_app_def *def, struct pmc_app **out,
		    char **cause);
/* Save the app row (definition + desired state). 0 or -errno (logged). */
int pmc_apps_save(struct pmc_daemon *d, struct pmc_app *app);
/*
 * Replace the app's env and/or env_inherit (either may be NULL: kept) with
 * copies, and save it: its next spawns see them (restart/reload --update-env).
 * Variables missing from the new objects are gone, unlike PM2 (#3486).
 */
void pmc_apps_set_env(struct pmc_daemon *d, struct pmc_app *app, const cJSON *env,
		      const cJSON *env_inherit);
/* Forget an app whose instances have no process: store rows, registry, memory. */
void pmc_apps_destroy(struct pmc_daemon *d, struct pmc_app *app);
/* Load apps and instances from the store and begin stopping what a previous
 * daemon left running (d->orphans). 0 or -errno with *cause. */
int pmc_apps_load(struct pmc_daemon *d, char **cause);
/* Once those are gone: save the instance rows, start every app that should run. */
void pmc_apps_start_desired(struct pmc_daemon *d);

#endif
