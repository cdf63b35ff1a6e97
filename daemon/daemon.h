/* SPDX-License-Identifier: MIT */
/* pmcd: the daemon's top-level state and its lifecycle. */
#ifndef PMC_DAEMON_DAEMON_H
#define PMC_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <uv.h>

#include "listener.h"
#include "paths.h"
#include "registry.h"
#include "store.h"

struct pmc_server;
struct pmc_orphans;
struct pmc_update;
struct pmc_waiter;

struct pmc_daemon {
	uv_loop_t *loop;
	struct pmc_paths paths;
	struct pmc_store *store;
	struct pmc_server *server;
	struct pmc_registry registry;
	struct pmc_waiter *waiters; /* RPC calls waiting for instances to settle */
	uv_timer_t settle_timer;    /* checks waiters once per loop turn after changes */
	uv_signal_t signals[5];
	int lock_fd;
	int64_t started_mono;
	bool stopping;              /* shutting down: no restarts, no new work */
	bool exit_when_settled;     /* leave the loop once every app is stopped */
	const char *username;
	struct pmc_call *kill_call; /* answered once shutdown has stopped every app */
	struct pmc_listeners listeners; /* sockets bound for cluster apps */
	struct pmc_notify *notify;  /* NOTIFY_SOCKET for READY=1 */
	char *notify_path;
	char *shim_path;            /* the Node preload script, written into the home */
	struct pmc_reload *reloads; /* rolling reloads in progress */
	struct pmc_metrics *metrics; /* the sampler and the /metrics endpoint (metrics.h) */
	struct pmc_orphans *orphans; /* a dead daemon's processes being stopped at startup */
	int ready_fd;               /* the CLI's readiness pipe until "ok" is written, else -1 */
	struct pmc_update *update;  /* pmc update in progress */
	cJSON *handoff;             /* what the previous image handed over, until taken */
	bool foreground;
	bool resurrect;             /* --resurrect: the default snapshot once started */
	int64_t started_wall;       /* when this image started (ms since epoch): ping says it */
	bool finished;
};

/* Entry point of pmcd (main.c calls it). Returns the process exit status. */
int pmc_daemon_main(int argc, char **argv);

/* Ask for waiters to be checked soon (after an instance changed). */
void pmc_daemon_poke(struct pmc_daemon *d);

/*
 * Begin shutdown: stop every instance gracefully; the loop ends once all are
 * stopped. With forget_desired the apps are marked stopped in the store (pmc kill);
 * otherwise they stay desired online for the next daemon (SIGTERM).
 */
void pmc_daemon_shutdown(struct pmc_daemon *d, bool forget_desired);
/* Answer call ({"stopped": N}) once shutdown has stopped every app. */
void pmc_daemon_shutdown_notify(struct pmc_daemon *d, struct pmc_call *call);
/* Forget app (already marked deleting and being stopped) once its instances stopped. */
void pmc_daemon_delete_when_stopped(struct pmc_daemon *d, struct pmc_app *app);

#endif
