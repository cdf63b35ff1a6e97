/* SPDX-License-Identifier: MIT */
/* Reaching the daemon: connect to rpc.sock, and start pmcd on demand under spawn.lock. */
#ifndef PMC_CMD_SPAWN_DAEMON_H
#define PMC_CMD_SPAWN_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

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
/*
 * Start pmcd and wait until it reports ready; 0 with *pid, or -1 with *cause.
 * In the foreground (pmc runtime) it keeps this process's stdout and stderr and
 * runs with --foreground; otherwise both go away from the terminal.
 */
int pmc_daemon_spawn(const struct pmc_paths *paths, bool foreground, pid_t *pid, char **cause);

int pmc_daemon_connect(const struct pmc_paths *paths, bool autostart, struct pmc_client *c,
		       char **cause);

/*
 * The pmcd executable to run: $PMC_PMCD, else pmcd next to this program (or in
 * the build tree's daemon/), else NULL to search PATH. Caller frees.
 */
char *pmc_daemon_find_pmcd(void);

#endif
