/* SPDX-License-Identifier: MIT */
/* save/resurrect: named snapshots of the app set in the store, mirrored to a PM2-style dump file.
 */
#ifndef PMC_DAEMON_SNAPSHOT_H
#define PMC_DAEMON_SNAPSHOT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct pmc_daemon;
struct pmc_instance;

/* The snapshot used when none is named. */
#define PMC_SNAPSHOT_DEFAULT "default"

/*
 * The human-readable dump file of a snapshot (caller frees):
 * PMC_HOME/dump.pmc.json for "default", PMC_HOME/dump-NAME.pmc.json otherwise.
 */
char *pmc_snapshot_file(struct pmc_daemon *d, const char *name);

/*
 * Save every app (definition and desired state) as snapshot name, write its
 * dump file (mode 0600) and refresh the database backup. An empty set is
 * refused unless force. Returns 0 with *result ({name, apps, file, saved_at};
 * caller owns), or a JSON-RPC error code with *cause set (caller frees).
 */
int pmc_snapshot_save(struct pmc_daemon *d, const char *name, bool force, cJSON **result,
                      char **cause);

/* Every snapshot as [{name, saved_at, apps}] (caller owns); NULL with *cause on failure. */
cJSON *pmc_snapshot_list(struct pmc_daemon *d, char **cause);

/*
 * Bring back snapshot name: from the store, else from its dump file (a new
 * home, or a file copied from elsewhere). Running apps are left alone; an app
 * that exists without a process (after `pmc kill`) and was saved online is
 * started again; missing apps are created with their saved definition and
 * started, or kept stopped when they were saved stopped. One app that cannot come back
 * does not stop the others. Returns 0 with *result ({name, source,
 * resurrected: [names], present: [names], failed: [{name, error}]}; caller
 * owns) and, when insts is not NULL, the instances just started (*insts is
 * an array the caller frees), or a JSON-RPC error code with *cause set.
 */
int pmc_snapshot_resurrect(struct pmc_daemon *d, const char *name, cJSON **result,
                           struct pmc_instance ***insts, size_t *n_insts, char **cause);

#endif
