/* SPDX-License-Identifier: MIT */
/* pmc update: the daemon re-executes its installed binary, handing over sockets, pipes and apps. */
#ifndef PMC_DAEMON_UPDATE_H
#define PMC_DAEMON_UPDATE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

struct pmc_daemon;
struct pmc_call;
struct pmc_update;

/* Remember the binary to re-execute: PMC_PMCD, else argv[0], else /proc/self/exe. */
void pmc_update_init(const char *argv0);
/* That path (borrowed), or NULL. */
const char *pmc_update_path(void);

/*
 * Stop reading app output, let every byte read reach the files, then exec the
 * binary with a handoff. Does not return on success (the call's connection
 * closes; the new image answers the next ping); on failure the call gets the
 * error and this daemon goes on as before.
 */
void pmc_update_begin(struct pmc_daemon *d, struct pmc_call *call);

/* The new image: read the handoff from fd (closed). NULL with *cause when unreadable. */
cJSON *pmc_update_read(int fd, char **cause);
int pmc_update_lock_fd(const cJSON *handoff);
int pmc_update_server_fd(const cJSON *handoff);
int pmc_update_notify_fd(const cJSON *handoff);
/* True when pid is a process the handoff gives this image (not an orphan to stop). */
bool pmc_update_handed(const cJSON *handoff, int pid);
/* Take over the listening sockets and the running instances (after pmc_apps_load). */
void pmc_update_adopt(struct pmc_daemon *d, const cJSON *handoff);

#endif
