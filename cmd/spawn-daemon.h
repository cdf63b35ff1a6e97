/* SPDX-License-Identifier: MIT */
/* Reaching the daemon: connect to rpc.sock, and start pmcd on demand under spawn.lock. */
#ifndef PMC_CMD_SPAWN_DAEMON_H
#define PMC_CMD_SPAWN_DAEMON_H

#include <stdbool.h>

#include "client.h"
#include "paths.h"

/* How long a starting daemon may take to say "ok" on its readiness pipe. */
#define PMC_DAEMON_READY_TIMEOUT_MS 60000

/*
 * Connect c to the daemon of paths. When nothing listens and autostart is set,
 * start pmcd (one client at a time, under spawn.lock) and connect once it is
 * ready. Returns 0, or a negative errno with *cause set (caller frees), a
 * message to print after "pmc: ". Without autostart, -ECONNREFUSED or -ENOENT
 * mean that no daemon runs.
 */
int pmc_daemon_connect(const struct pmc_paths *paths, bool autostart, struct pmc_client *c,
		       char **cause);

/*
 * The pmcd executable to run: $PMC_PMCD, else pmcd next to this program (or in
 * the build tree's daemon/), else NULL to search PATH. Caller frees.
 */
char *pmc_daemon_find_pmcd(void);

#endif
