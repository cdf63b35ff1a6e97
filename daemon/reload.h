/* SPDX-License-Identifier: MIT */
/*
 * Rolling reloads: replace each instance by a new process that must become
 * ready before the old one is stopped; a replacement that crashes or is not
 * ready in time is stopped and every old instance keeps serving.
 */
#ifndef PMC_DAEMON_RELOAD_H
#define PMC_DAEMON_RELOAD_H

#include <stddef.h>

#include "registry.h"
#include "server.h"

struct pmc_daemon;
struct pmc_reload;

/*
 * Reload apps (in order) with up to `parallel` replacements at a time, sending
 * "reload.progress" notifications on the call's connection and answering it
 * when done: {"apps":[{"name","action":"reloaded"|"restarted","ids"}]}, or an
 * error naming the instance and the cause. Fork-mode apps are restarted.
 * The caller has checked that none of the apps is reloading.
 */
void pmc_reload_start(struct pmc_daemon *d, struct pmc_call *call, struct pmc_app **apps,
		      size_t n, int parallel);
/* Advance every reload (called from the loop after instances changed). */
void pmc_reload_check_all(struct pmc_daemon *d);
/* READY=1 from a replacement's pid. */
void pmc_reload_notify_ready(struct pmc_daemon *d, int pid);
/* Stop every replacement (daemon shutdown); reloads answer with an error. */
void pmc_reload_abort_all(struct pmc_daemon *d);

#endif
