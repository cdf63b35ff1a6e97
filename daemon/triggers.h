/* SPDX-License-Identifier: MIT */
/* Restarts the daemon decides on its own: when watched files change, and at cron times. */
#ifndef PMC_DAEMON_TRIGGERS_H
#define PMC_DAEMON_TRIGGERS_H

#include <cjson/cJSON.h>

struct pmc_daemon;
struct pmc_app;
struct pmc_app_def;

/* Checks at start that cannot wait: the cron expression fires at some time, and the
 * watched paths exist. 0, or -EINVAL/-ENOENT with *cause set (caller frees). */
int pmc_triggers_check(const struct pmc_app_def *def, char **cause);

/*
 * Watch and arm the cron timer while the app should run (desired online, not
 * being deleted, the daemon not stopping); release both otherwise. Call after
 * anything that may change that.
 */
void pmc_triggers_sync(struct pmc_daemon *d, struct pmc_app *app);
/* Release the app's watches and timer (delete, shutdown). */
void pmc_triggers_release(struct pmc_app *app);

/* Add watch and cron settings and their live state to a jlist pm2_env object. */
void pmc_triggers_to_json(const struct pmc_app *app, cJSON *env);

#endif
